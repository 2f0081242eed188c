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

/** The jti of this page's own token (its rate-limit bucket is labelled as the console's). */
function tokenId(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload)).jti || null;
  } catch (e) {
    return null;
  }
}

function info(scopes) {
  return scopes.includes('limits') && scopes.includes('architect');
}

start();
