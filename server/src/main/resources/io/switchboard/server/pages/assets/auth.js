// Sign-in and API access for the pages: OAuth 2 authorization code with PKCE (S256) against this
// server's own /oauth/authorize and /oauth/token, as a public client (no secret in the page).
// The token lives in sessionStorage only (one tab, one user: tabs of different orgs never share),
// never in a URL, a log or localStorage.

const page = location.pathname;
const key = (name) => `sb:${page}:${name}`;
const session = window.sessionStorage;

/** An API answer that was not 2xx, built from the server's ErrorBody. */
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = body && body.code;
    this.body = body;
  }
}

/** The OAuth client of this page: ?client_id=... once, then remembered (tab first, then browser). */
function clientId() {
  const fromUrl = new URLSearchParams(location.search).get('client_id');
  if (fromUrl) {
    session.setItem(key('client_id'), fromUrl);
    localStorage.setItem(key('client_id'), fromUrl);
    return fromUrl;
  }
  return session.getItem(key('client_id')) || localStorage.getItem(key('client_id'));
}

function redirectUri() {
  return location.origin + location.pathname;
}

function base64url(bytes) {
  let s = '';
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString() {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** Removes the OAuth parameters from the address bar (and history) without reloading. */
function cleanUrl() {
  const url = new URL(location.href);
  for (const p of ['code', 'state', 'error', 'error_description', 'client_id']) url.searchParams.delete(p);
  history.replaceState(null, '', url.pathname + url.search + url.hash);
}

function storedToken() {
  const token = session.getItem(key('token'));
  const expires = Number(session.getItem(key('expires')) || 0);
  return token && Date.now() < expires - 30_000 ? token : null;
}

function clearToken() {
  session.removeItem(key('token'));
  session.removeItem(key('expires'));
}

/** Sends the browser to the sign-in page; the returned promise never settles. */
async function redirectToSignIn() {
  const id = clientId();
  if (!id) {
    throw new Error(
      'This page needs its OAuth client: open it once as ' +
        `${location.origin}${page}?client_id=<id of a CODE-grant client>` +
        ' (serve --demo prints the link).');
  }
  if (!crypto.subtle) {
    throw new Error('Sign-in needs a secure context: open the page over https or on localhost.');
  }
  const verifier = randomString();
  const state = randomString();
  session.setItem(key('verifier'), verifier);
  session.setItem(key('state'), state);
  const challenge = base64url(
    await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: id,
    redirect_uri: redirectUri(),
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  location.assign(`/oauth/authorize?${query}`);
  return new Promise(() => {});
}

/** The redirect back from the sign-in page: trade the code for a token. */
async function redeem(params) {
  const state = session.getItem(key('state'));
  const verifier = session.getItem(key('verifier'));
  session.removeItem(key('state'));
  session.removeItem(key('verifier'));
  cleanUrl();
  if (params.get('error')) throw new Error(`Sign-in was refused: ${params.get('error')}`);
  if (!state || params.get('state') !== state || !verifier) {
    throw new Error('This sign-in answer was not asked for by this tab; sign in again.');
  }
  const answer = await fetch('/oauth/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: params.get('code'),
      redirect_uri: redirectUri(),
      client_id: clientId() || '',
      code_verifier: verifier,
    }),
  });
  const body = await answer.json().catch(() => ({}));
  if (!answer.ok || !body.access_token) {
    throw new Error(`Sign-in failed: ${body.error_description || body.error || answer.status}`);
  }
  session.setItem(key('token'), body.access_token);
  session.setItem(key('expires'), String(Date.now() + body.expires_in * 1000));
}

/**
 * The signed-in user: {token, me} (me = GET /api/v2/users/me). Without a token, goes to the sign-in
 * page (and never returns); after it, redeems the code the sign-in page sent back.
 */
export async function ensureSignedIn() {
  const params = new URLSearchParams(location.search);
  if (params.has('code') || params.has('error')) await redeem(params);
  else if (params.has('client_id')) {
    clientId();
    cleanUrl();
  }
  if (!storedToken()) await redirectToSignIn();
  const me = await api('GET', '/api/v2/users/me');
  return { token: storedToken(), me };
}

/**
 * Calls the API with the user's token: JSON in and out. Returns {status, headers, body}; throws
 * ApiError for an answer that is not 2xx (a 401 also sends the user to sign in again).
 */
export async function apiResponse(method, path, body, headers = {}) {
  const token = storedToken();
  if (!token) {
    await redirectToSignIn();
  }
  const init = { method, headers: { Accept: 'application/json', Authorization: `Bearer ${token}`, ...headers } };
  if (body !== undefined) {
    // A Blob is sent as it is (a YAML flow definition, with its Content-Type); anything else as JSON.
    init.body = body instanceof Blob ? body : JSON.stringify(body);
    if (!init.headers['Content-Type']) init.headers['Content-Type'] = body instanceof Blob ? body.type : 'application/json';
  }
  const answer = await fetch(path, init);
  const text = await answer.text();
  let parsed = null;
  const type = answer.headers.get('Content-Type') || '';
  // A 2xx answer that is not JSON (a flow definition as YAML) is returned as its text.
  if (text && answer.ok && !type.includes('json')) parsed = text;
  else if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = { message: text.slice(0, 200) };
    }
  }
  if (answer.status === 401) {
    clearToken();
    redirectToSignIn();
  }
  if (!answer.ok) throw new ApiError(answer.status, parsed);
  return { status: answer.status, headers: answer.headers, body: parsed };
}

/** {@link apiResponse}'s body only. */
export async function api(method, path, body, headers) {
  return (await apiResponse(method, path, body, headers)).body;
}

/** Revokes the token and forgets it; the page shows itself signed out. */
export async function signOut() {
  try {
    await api('DELETE', '/api/v2/tokens/me');
  } catch {
    // Signed out locally whatever the server said: the token is dropped below.
  }
  clearToken();
}

/**
 * A notification channel kept open: creates it, subscribes to `topics`, connects its socket and
 * calls onEvent(topicName, eventBody) for each event (heartbeats are not passed on). A closed
 * socket is reconnected after a pause (a new channel, subscribed again, if the old one is gone);
 * onReconnect(), if given, runs after each reconnection, so the page can re-read what it may have
 * missed. Returns {ready, add(topic), close()}: ready settles once the first socket is open; add
 * subscribes one more topic (kept across reconnections).
 */
export function channel(topics, onEvent, onReconnect) {
  const wanted = new Set(topics);
  let closed = false;
  let socket = null;
  let current = null; // {id, connectUri, expires}
  let attempts = 0;
  let markReady;
  const ready = new Promise((resolve) => (markReady = resolve));

  async function subscribe(method, list) {
    const answer = await api(
      method, `/api/v2/notifications/channels/${current.id}/subscriptions?ignoreErrors=true`,
      list.map((id) => ({ id })));
    const refused = (answer.entities || []).filter((t) => t.state === 'Rejected');
    if (refused.length) console.warn('notification topics refused', refused);
  }

  async function open() {
    if (closed) return;
    try {
      const expiresSoon = current && Date.parse(current.expires) - Date.now() < 5 * 60_000;
      if (!current || expiresSoon) {
        current = await api('POST', '/api/v2/notifications/channels');
        await subscribe('PUT', [...wanted]);
      }
      socket = new WebSocket(current.connectUri);
      const opened = attempts;
      socket.onopen = () => {
        if (opened > 0 && onReconnect) onReconnect();
        attempts = 0;
        markReady();
      };
      socket.onmessage = (m) => {
        let event;
        try {
          event = JSON.parse(m.data);
        } catch {
          return;
        }
        if (event.topicName === 'v2.system.socket_closing') {
          current = null; // the next connection makes a fresh channel
          return;
        }
        if (event.topicName && event.topicName !== 'channel.metadata') onEvent(event.topicName, event.eventBody);
      };
      socket.onclose = (e) => {
        if (closed) return;
        // 4000: another connection took over; 4001/4002/4004: the channel is gone.
        if (e.code >= 4001 && e.code <= 4004) current = null;
        retry();
      };
    } catch (e) {
      retry();
    }
  }

  function retry() {
    if (closed) return;
    attempts++;
    setTimeout(open, Math.min(30_000, 500 * 2 ** Math.min(attempts, 6)));
  }

  open();
  return {
    ready,
    async add(topic) {
      if (wanted.has(topic)) return;
      wanted.add(topic);
      await ready;
      if (current) await subscribe('POST', [topic]);
    },
    close() {
      closed = true;
      if (socket) socket.close();
    },
  };
}
