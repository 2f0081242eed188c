// The admin console: signs the user in (auth.js), then one tab per area. Each section module
// exports mount(panel, ctx) and optional show()/hide() (to poll only while visible).
import { ensureSignedIn, api, channel, signOut } from './auth.js';
import { notice, describe } from './console-kit.js';
import * as usage from './console-usage.js';
import * as flows from './console-flows.js';
import * as integrations from './console-integrations.js';
import * as calls from './console-calls.js';
import * as access from './console-access.js';
import * as faults from './console-faults.js';

const SECTIONS = { usage, flows, integrations, calls, access, faults };

async function start() {
  let session;
  try {
    session = await ensureSignedIn();
  } catch (e) {
    notice(`Sign-in failed: ${describe(e)}`, 'error');
    return;
  }
  if (!session) return; // redirected to the sign-in page
  const me = session.me || {};
  let scopes = [];
  try {
    const info = await api('GET', '/api/v2/tokens/me');
    scopes = info.authorizedScope || [];
  } catch (e) {
    notice(`Could not read this token's scopes: ${describe(e)}`, 'error');
  }
  document.getElementById('who').textContent = `Signed in as ${me.name || me.email || me.id}`
    + (info(scopes) ? '' : ' (not an admin: some areas will be read-only or refused)');
  document.getElementById('sign-out').addEventListener('click', async () => {
    await signOut();
    document.getElementById('who').textContent = 'Signed out.';
    document.getElementById('panels').replaceChildren();
  });
  const ctx = { api, channel, me, scopes, can: (scope) => scopes.includes(scope), tokenId: tokenId(session.token) };
  const tabs = [...document.querySelectorAll('#tabs [role=tab]')];
  const mounted = new Set();
  let current = null;

  function select(tab, focus) {
    const name = tab.id.replace('tab-', '');
    if (current === name) return;
    if (current && SECTIONS[current].hide) SECTIONS[current].hide();
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute('aria-selected', String(on));
      t.tabIndex = on ? 0 : -1;
      document.getElementById(t.getAttribute('aria-controls')).hidden = !on;
    }
    if (focus) tab.focus();
    current = name;
    const panel = document.getElementById(tab.getAttribute('aria-controls'));
    if (!mounted.has(name)) {
      mounted.add(name);
      Promise.resolve(SECTIONS[name].mount(panel, ctx)).catch((e) => notice(describe(e), 'error'));
    } else if (SECTIONS[name].show) {
      SECTIONS[name].show();
    }
    if (history.replaceState) history.replaceState(null, '', `${location.pathname}${location.search}#${name}`);
  }

  for (const [i, tab] of tabs.entries()) {
    tab.addEventListener('click', () => select(tab, false));
    // Arrow keys, Home and End move between tabs (the WAI-ARIA tabs pattern).
    tab.addEventListener('keydown', (ev) => {
      let next = null;
      if (ev.key === 'ArrowRight') next = tabs[(i + 1) % tabs.length];
      else if (ev.key === 'ArrowLeft') next = tabs[(i - 1 + tabs.length) % tabs.length];
      else if (ev.key === 'Home') next = tabs[0];
      else if (ev.key === 'End') next = tabs[tabs.length - 1];
      if (next) {
        ev.preventDefault();
        select(next, true);
      }
    });
  }
  const wanted = tabs.find((t) => `#${t.id.replace('tab-', '')}` === location.hash) || tabs[0];
  select(wanted, false);
}

/**
 * The id of this page's own access token (its rate-limit bucket is labelled as the console's),
 * read from the token itself: version byte 1, the org id and the client id (each tag 1 and a
 * 16-byte UUID, or tag 2, a length byte and text), then the token id's 16 bytes (the server's
 * AccessTokenFormat).
 */
function tokenId(token) {
  try {
    const bytes = Uint8Array.from(atob(token.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
    if (bytes[0] !== 1) return null;
    let at = 1;
    for (let id = 0; id < 2; id++) {
      if (bytes[at] === 1) at += 17;
      else if (bytes[at] === 2) at += 2 + bytes[at + 1];
      else return null;
    }
    const hex = Array.from(bytes.slice(at, at + 16), (b) => b.toString(16).padStart(2, '0')).join('');
    if (hex.length !== 32) return null;
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  } catch (e) {
    return null;
  }
}

function info(scopes) {
  return scopes.includes('limits') && scopes.includes('architect');
}

start();
