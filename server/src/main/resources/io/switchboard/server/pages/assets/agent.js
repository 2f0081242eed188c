// The agent's script panel: routing status, the call (answer, hang up, wrap up) and the script the
// call popped, kept live through the notifications socket. Everything goes through the public API
// with the signed-in user's token.
import { ApiError, api, apiResponse, channel, ensureSignedIn, signOut } from './auth.js';
import { announce, byId, debounce, el, replace } from './ui.js';

const STATUS_LABELS = {
  IDLE: 'Available',
  OFF_QUEUE: 'Away',
  INTERACTING: 'On a call',
  COMMUNICATING: 'Communicating',
  NOT_RESPONDING: 'Not responding',
};
const CALL_KEY = 'sb:/agent/:conversation';
const SAVE_DELAY_MS = 400;

const state = {
  me: null,
  channel: null,
  codes: [],
  queueNames: new Map(),
  call: null, // the conversation, as GET /api/v2/conversations/{id} answers
  callKey: '',
  session: null, // {id, version, state, values}
  page: null, // the page shown
  pending: new Map(), // variable -> the agent's value the server has not confirmed yet
  savers: new Map(), // variable -> debounced save
  inputs: new Map(), // variable -> [{node, type}]
  texts: new Map(), // component id -> element showing its filled-in text or label
};

const say = (text, isError = false) => announce(byId('status'), text, isError);
const saved = (text, isError = false) => announce(byId('save-state'), text, isError);

// ---------- routing status ----------

function showStatus(s) {
  const badge = byId('routing-status');
  badge.textContent = STATUS_LABELS[s.status] || s.status;
  badge.className = `badge ${s.status === 'IDLE' ? 'idle' : s.status === 'OFF_QUEUE' ? 'away' : 'busy'}`;
  badge.dataset.status = s.status;
  byId('go-available').setAttribute('aria-pressed', String(s.status === 'IDLE'));
  byId('go-away').setAttribute('aria-pressed', String(s.status === 'OFF_QUEUE'));
}

async function loadStatus() {
  showStatus(await api('GET', `/api/v2/users/${state.me.id}/routingstatus`));
}

async function setStatus(status) {
  try {
    showStatus(await api('PUT', `/api/v2/users/${state.me.id}/routingstatus`, { status }));
    say(`You are ${STATUS_LABELS[status].toLowerCase()}.`);
  } catch (e) {
    say(e.message, true);
  }
}

// ---------- the call ----------

const mine = (c) => [...(c.participants || [])].reverse().find((p) => p.purpose === 'agent' && p.userId === state.me.id);
const customer = (c) => (c.participants || []).find((p) => p.purpose === 'customer');
const live = (p) => p.state === 'alerting' || p.state === 'connected';
const done = (c) => {
  const p = mine(c);
  return !p || (!live(p) && Boolean(p.wrapup));
};

async function queueName(id) {
  if (!id) return '';
  if (!state.queueNames.has(id)) {
    try {
      state.queueNames.set(id, (await api('GET', `/api/v2/routing/queues/${id}`)).name);
    } catch {
      state.queueNames.set(id, id);
    }
  }
  return state.queueNames.get(id);
}

/** A conversation the agent is on changed (or was found): show it, and its script. */
async function track(c) {
  const p = mine(c);
  if (!p) return;
  if (state.call && state.call.id !== c.id && !done(state.call)) return; // finish the current one first
  if (done(c) && (!state.call || state.call.id !== c.id)) return; // an old call, already wrapped up
  if (!state.call || state.call.id !== c.id) {
    const from = p.ani || (customer(c) || {}).ani || 'an unknown number';
    say(p.state === 'alerting' ? `Incoming call from ${from}: answer it.` : `On a call from ${from}.`);
  }
  state.call = c;
  sessionStorage.setItem(CALL_KEY, c.id);
  await renderCall();
  if (live(p) && (!state.session || state.session.conversationId !== c.id)) await findSession(c.id);
}

async function refreshCall() {
  if (!state.call) return;
  await track(await api('GET', `/api/v2/conversations/${state.call.id}`));
}

async function renderCall() {
  const c = state.call;
  const p = mine(c);
  const cust = customer(c) || p;
  const queue = await queueName(p.queueId);
  const data = { ...(cust.attributes || {}), ...(p.attributes || {}) };
  const key = JSON.stringify([c.id, p.state, p.wrapup && p.wrapup.code, queue, data]);
  if (key === state.callKey) return; // unchanged: keep what the agent is choosing in the form
  state.callKey = key;
  const facts = el('dl', { class: 'facts' },
    el('dt', {}, 'State'), el('dd', { id: 'call-state' }, p.state),
    el('dt', {}, 'From (ANI)'), el('dd', { id: 'call-ani' }, p.ani || cust.ani || ''),
    el('dt', {}, 'To (DNIS)'), el('dd', { id: 'call-dnis' }, p.dnis || cust.dnis || ''),
    el('dt', {}, 'Queue'), el('dd', { id: 'call-queue' }, queue || '—'));
  const dataList = Object.keys(data).length
    ? el('dl', { class: 'facts', id: 'call-data' },
      Object.entries(data).map(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]))
    : el('p', { class: 'muted' }, 'No participant data.');
  const actions = el('div', { class: 'actions' });
  if (p.state === 'alerting') {
    actions.append(el('button', { type: 'button', id: 'answer', onclick: () => changeCall({ state: 'connected' }, 'Answered.') }, 'Answer'));
  }
  if (live(p)) {
    actions.append(el('button', { type: 'button', id: 'hang-up', class: 'danger', onclick: hangUp }, 'Hang up'));
  }
  let wrap = null;
  if (!live(p) && !p.wrapup) wrap = wrapupForm();
  if (p.wrapup) wrap = el('p', { class: 'ok', id: 'wrapped-up' }, `Wrapped up: ${p.wrapup.name || p.wrapup.code}.`);
  replace(byId('call'), facts, el('h3', {}, 'Participant data'), dataList, actions, wrap);
  if (p.state === 'alerting') byId('answer').focus();
}

function wrapupForm() {
  const select = el('select', { id: 'wrapup-code', required: true },
    el('option', { value: '' }, '— choose a wrap-up code —'),
    state.codes.map((code) => el('option', { value: code.id }, code.name)));
  const notes = el('textarea', { id: 'wrapup-notes', rows: 2, maxlength: 1000 });
  const form = el('form', { id: 'wrapup', onsubmit: (e) => {
    e.preventDefault();
    if (!select.value) {
      select.setAttribute('aria-invalid', 'true');
      say('Choose a wrap-up code first.', true);
      select.focus();
      return;
    }
    finish(select.value, notes.value.trim());
  } },
  el('h3', {}, 'Wrap-up'),
  el('div', { class: 'field' }, el('label', { for: 'wrapup-code' }, 'Wrap-up code'), select),
  el('div', { class: 'field' }, el('label', { for: 'wrapup-notes' }, 'Notes (optional)'), notes),
  el('div', { class: 'actions' }, el('button', { type: 'submit', id: 'finish' }, 'Finish')));
  return form;
}

async function changeCall(body, message) {
  const p = mine(state.call);
  try {
    await api('PATCH', `/api/v2/conversations/${state.call.id}/participants/${p.id}`, body);
    say(message);
    await refreshCall();
  } catch (e) {
    say(e.message, true);
  }
}

async function hangUp() {
  await flushAll();
  await changeCall({ state: 'disconnected' }, 'Call ended: choose a wrap-up code.');
  const code = document.getElementById('wrapup-code');
  if (code) code.focus();
}

async function finish(code, notes) {
  await flushAll();
  await changeCall({ wrapup: notes ? { code, notes } : { code } }, 'Wrapped up.');
  if (state.call && done(state.call)) {
    await loadStatus();
    if (state.session) await refreshScript();
    sessionStorage.removeItem(CALL_KEY);
  }
}

// ---------- the script ----------

async function findSession(conversationId) {
  const list = await api('GET', `/api/v2/agent-scripting/sessions?conversationId=${encodeURIComponent(conversationId)}&pageSize=100`);
  const ours = (list.entities || []).filter((s) => s.agentId === state.me.id);
  const s = ours.find((x) => x.state === 'active') || ours[ours.length - 1];
  if (!s) {
    state.session = null;
    state.inputs.clear();
    state.texts.clear();
    replace(byId('script-body'), el('p', { class: 'muted', id: 'no-script' }, 'This call has no script.'));
    return;
  }
  state.channel.add(`v2.agent-scripting.sessions.${s.id}`).catch(() => {});
  const r = await api('GET', `/api/v2/agent-scripting/sessions/${s.id}/render`);
  state.session = { id: s.id, conversationId, version: r.version, state: r.state, values: r.values };
  state.pending.clear();
  state.savers.clear();
  state.page = r.startPageId || (r.pages[0] && r.pages[0].id);
  state.render = r;
  buildScript();
  applyRender(r);
}

/** Re-reads the rendered script (texts with the new values) and shows what changed. */
const refreshScript = async () => {
  if (!state.session) return;
  try {
    applyRender(await api('GET', `/api/v2/agent-scripting/sessions/${state.session.id}/render`));
  } catch (e) {
    saved(e.message, true);
  }
};
const scheduleRefresh = debounce(refreshScript, 100);

function buildScript() {
  const r = state.render;
  state.inputs.clear();
  state.texts.clear();
  const nav = r.pages.length > 1
    ? el('nav', { 'aria-label': 'Script pages', class: 'actions' },
      r.pages.map((pg) => el('button', {
        type: 'button',
        class: pg.id === state.page ? '' : 'secondary',
        'aria-current': pg.id === state.page ? 'page' : false,
        onclick: () => {
          state.page = pg.id;
          buildScript();
          applyRender(state.render);
        },
      }, pg.name)))
    : null;
  const page = r.pages.find((pg) => pg.id === state.page) || r.pages[0];
  const body = el('div', { id: 'script-page' }, el('h3', {}, page.name), page.components.map(component));
  replace(byId('script-body'), el('p', { class: 'muted', id: 'script-name' }, r.scriptName), nav, body);
}

function component(c) {
  if (c.type === 'text') {
    const p = el('p', { id: `c-${c.id}` }, c.text || '');
    state.texts.set(c.id, { node: p, field: 'text' });
    return p;
  }
  if (c.type === 'button') {
    return el('div', { class: 'actions' }, el('button', {
      type: 'button', class: 'secondary', id: `c-${c.id}`,
      onclick: () => (c.action === 'setVariable' ? setVariable(c.variable, c.setValue) : completeScript()),
    }, c.label || 'Done'));
  }
  const id = `c-${c.id}`;
  const label = el('label', { for: id }, c.label || c.variable);
  state.texts.set(c.id, { node: label, field: 'label' });
  let control;
  if (c.inputType === 'checkbox') control = el('input', { type: 'checkbox', id });
  else if (c.inputType === 'number') control = el('input', { type: 'number', id, step: 'any' });
  else if (c.inputType === 'select') {
    control = el('select', { id }, el('option', { value: '' }, '—'), (c.options || []).map((o) => el('option', { value: o }, o)));
  } else control = el('input', { type: 'text', id, maxlength: 2000 });
  control.dataset.variable = c.variable;
  const entry = { node: control, type: c.inputType };
  if (!state.inputs.has(c.variable)) state.inputs.set(c.variable, []);
  state.inputs.get(c.variable).push(entry);
  const onEdit = () => edited(c.variable, entry);
  control.addEventListener(c.inputType === 'text' || c.inputType === 'number' ? 'input' : 'change', onEdit);
  control.addEventListener('blur', () => {
    const saver = state.savers.get(c.variable);
    // Leaving a field saves it at once; a field left unchanged shows what others wrote meanwhile.
    if (saver && state.pending.has(c.variable)) saver.flush();
    else scheduleRefresh();
  });
  return c.inputType === 'checkbox'
    ? el('div', { class: 'field inline' }, control, label)
    : el('div', { class: 'field' }, label, control);
}

function readValue({ node, type }) {
  if (type === 'checkbox') return node.checked;
  if (type === 'number') return node.value === '' ? null : Number(node.value);
  return node.value === '' && type === 'select' ? null : node.value;
}

function showValue({ node, type }, value) {
  if (type === 'checkbox') node.checked = value === true;
  else node.value = value === null || value === undefined ? '' : String(value);
}

/** The agent changed a field: remember it, save it a moment after the last keystroke. */
function edited(variable, entry) {
  if (entry.type === 'number' && entry.node.validity.badInput) {
    entry.node.setAttribute('aria-invalid', 'true');
    saved('Not a number: not saved.', true);
    return;
  }
  entry.node.removeAttribute('aria-invalid');
  state.pending.set(variable, readValue(entry));
  saved('Saving…');
  if (!state.savers.has(variable)) state.savers.set(variable, debounce(() => save(variable), SAVE_DELAY_MS));
  state.savers.get(variable)();
}

async function setVariable(variable, value) {
  state.pending.set(variable, value);
  for (const entry of state.inputs.get(variable) || []) showValue(entry, value);
  await save(variable);
}

async function save(variable) {
  if (!state.pending.has(variable)) return;
  const value = state.pending.get(variable);
  try {
    await write({ [variable]: value });
    if (state.pending.get(variable) === value) state.pending.delete(variable);
    if (state.pending.size === 0) saved('All changes saved.');
  } catch (e) {
    saved(e.message, true);
  }
}

async function flushAll() {
  await Promise.all([...state.pending.keys()].map((v) => save(v)));
}

// One write at a time per panel, so each carries the version the previous one made.
let writes = Promise.resolve();
function write(data) {
  const next = writes.then(() => send(data, 0));
  writes = next.catch(() => {});
  return next;
}

/**
 * A merge-patch of the agent's changed fields with If-Match. When someone else wrote meanwhile
 * (409 version.mismatch), re-read the session and apply the same fields again on its new version:
 * the other writer's fields stay as they wrote them.
 */
async function send(data, attempt) {
  const s = state.session;
  try {
    const answer = await apiResponse('PATCH', `/api/v2/agent-scripting/sessions/${s.id}`, { data }, {
      'Content-Type': 'application/merge-patch+json',
      'If-Match': `"${s.version}"`,
    });
    adopt(answer.body);
  } catch (e) {
    const stale = e instanceof ApiError && (e.status === 409 || e.status === 412) && e.code === 'version.mismatch';
    if (!stale || attempt >= 5) throw e;
    adopt(await api('GET', `/api/v2/agent-scripting/sessions/${s.id}`));
    await send(data, attempt + 1);
  }
}

/** A session as the API answers it: newer than ours → show it. */
function adopt(session) {
  const s = state.session;
  if (!s || session.id !== s.id || session.version < s.version) return;
  if (session.version > s.version || session.state !== s.state) {
    s.version = session.version;
    s.state = session.state;
    scheduleRefresh();
  }
}

/** Shows a rendered session: texts refilled, inputs updated except the one the agent is in. */
function applyRender(r) {
  const s = state.session;
  if (!s || r.sessionId !== s.id || r.version < s.version) return;
  s.version = r.version;
  s.state = r.state;
  s.values = r.values;
  state.render = r;
  const page = r.pages.find((pg) => pg.id === state.page) || r.pages[0];
  for (const c of page.components) {
    const t = state.texts.get(c.id);
    if (t) t.node.textContent = (t.field === 'text' ? c.text : c.label) || c.variable || '';
  }
  for (const [variable, entries] of state.inputs) {
    if (state.pending.has(variable)) continue; // the agent's own change is on its way
    for (const entry of entries) {
      if (entry.node === document.activeElement) continue; // never under the agent's cursor
      showValue(entry, r.values[variable]);
    }
  }
  const completed = r.state !== 'active';
  for (const node of byId('script-body').querySelectorAll('input, select, button[id^="c-"]')) node.disabled = completed;
  byId('script').dataset.version = String(r.version);
  byId('script').dataset.state = r.state;
  if (completed) saved('The script is completed.');
}

async function completeScript() {
  await flushAll();
  try {
    adopt(await api('POST', `/api/v2/agent-scripting/sessions/${state.session.id}/complete`));
    await refreshScript();
  } catch (e) {
    saved(e.message, true);
  }
}

// ---------- events ----------

function onEvent(topic, body) {
  if (topic.endsWith('.routingStatus')) showStatus(body);
  else if (topic.endsWith('.conversations')) track(body).catch((e) => say(e.message, true));
  else if (topic.startsWith('v2.agent-scripting.sessions.')) adopt(body);
}

/** After a reconnection: re-read what events may have been missed. */
function resync() {
  loadStatus().catch(() => {});
  refreshCall().catch(() => {});
  scheduleRefresh();
}

async function start() {
  try {
    const { me } = await ensureSignedIn();
    state.me = me;
    byId('who').textContent = me.name;
    const out = byId('sign-out');
    out.hidden = false;
    out.addEventListener('click', async () => {
      if (state.channel) state.channel.close();
      await signOut();
      byId('who').textContent = 'Signed out';
      out.hidden = true;
      byId('panel').hidden = true;
      say('You are signed out. Reload the page to sign in again.');
    });
    byId('go-available').addEventListener('click', () => setStatus('IDLE'));
    byId('go-away').addEventListener('click', () => setStatus('OFF_QUEUE'));
    byId('panel').hidden = false;
    state.channel = channel(
      [`v2.users.${me.id}.conversations`, `v2.users.${me.id}.routingStatus`], onEvent, resync);
    const [, codes] = await Promise.all([loadStatus(), api('GET', '/api/v2/routing/wrapupcodes?pageSize=100')]);
    state.codes = codes.entities || [];
    const remembered = sessionStorage.getItem(CALL_KEY);
    if (remembered) {
      try {
        await track(await api('GET', `/api/v2/conversations/${remembered}`));
      } catch {
        sessionStorage.removeItem(CALL_KEY);
      }
    }
    await state.channel.ready;
    document.body.dataset.ready = 'true';
    say('Ready.');
  } catch (e) {
    say(e.message, true);
  }
}

start();
