// Usage: every rate-limit bucket of the org with its live utilisation (polled every 2 s while the
// tab is shown: there is no notification topic for buckets), flagged at 80 % (seed 003's alert),
// and the org's limits, editable with limits:edit.
import { h, s, fill, notice, describe, busy, heading, table, input, all } from './console-kit.js';

const POLL_MS = 2000;
const ALERT = 0.8;
const NAMESPACE = '/api/v2/organizations/limits/namespaces/platform.api';

let ctx;
let root;
let bucketsBox;
let summaryBox;
let limitsBox;
let timer = null;
let visible = false;
// Refusals seen since the page opened, per bucket (the API counts the last minute only).
const refusedSeen = new Map();
const lastRefused = new Map();
const clientNames = new Map();

export async function mount(panel, context) {
  ctx = context;
  root = panel;
  summaryBox = h('p', { class: 'summary', id: 'usage-summary', 'aria-live': 'polite' }, 'Loading usage…');
  bucketsBox = h('div', { class: 'buckets', id: 'usage-buckets' });
  limitsBox = h('div', { id: 'limits' });
  fill(root,
    heading(2, 'Rate-limit buckets'),
    h('p', { class: 'hint' }, `Live, refreshed every ${POLL_MS / 1000} s. A bucket at or above ${ALERT * 100} % of its limit is flagged.`),
    summaryBox, bucketsBox,
    heading(2, 'Limits of this org'), limitsBox);
  visible = true;
  // Client names for the client buckets (only with the oauth scope; ids otherwise).
  if (ctx.can('oauth') || ctx.can('oauth:readonly')) {
    try {
      for (const c of await all(ctx.api, '/api/v2/oauth/clients', 500)) clientNames.set(c.id, c.name);
    } catch (e) {
      clientNames.clear();
    }
  }
  await poll();
  await loadLimits();
}

export function show() {
  visible = true;
  if (!timer) poll();
}

export function hide() {
  visible = false;
  clearTimeout(timer);
  timer = null;
}

async function poll() {
  clearTimeout(timer);
  timer = null;
  try {
    const report = await ctx.api('GET', '/api/v2/organizations/limits/usage');
    render(report);
  } catch (e) {
    summaryBox.textContent = `Usage unavailable: ${describe(e)}`;
  }
  if (visible) timer = setTimeout(poll, POLL_MS);
}

function label(u) {
  if (u.bucket === 'org') return 'Whole org';
  if (u.bucket.startsWith('group')) return `Endpoint group “${u.key.replace(/^group\./, '').replace(/\.rate\.per\.minute$/, '')}”`;
  if (u.bucket === 'client') return `OAuth client ${clientNames.get(u.id) || u.id}`;
  if (u.bucket === 'token') return u.id === ctx.tokenId ? 'This console’s token' : `Access token …${String(u.id).slice(-8)}`;
  return `${u.bucket} ${u.id}`;
}

function render(report) {
  const rows = report.entities || [];
  let hot = 0;
  const nodes = rows.map((u) => {
    const used = Math.max(0, u.limit - u.remaining);
    const share = u.limit > 0 ? used / u.limit : 0;
    const pct = Math.round(share * 100);
    const flagged = share >= ALERT;
    if (flagged) hot += 1;
    const id = `${u.bucket}:${u.key}:${u.id}`;
    const prev = lastRefused.get(id) || 0;
    // refusedLastMinute is a sliding count: a rise is new refusals.
    if (u.refusedLastMinute > prev) refusedSeen.set(id, (refusedSeen.get(id) || 0) + (u.refusedLastMinute - prev));
    lastRefused.set(id, u.refusedLastMinute);
    const bar = s('svg', { class: 'bar', viewBox: '0 0 100 8', preserveAspectRatio: 'none', 'aria-hidden': 'true', focusable: 'false' },
      s('rect', { class: 'bar-track', x: 0, y: 0, width: 100, height: 8 }),
      s('rect', { class: flagged ? 'bar-fill hot' : 'bar-fill', x: 0, y: 0, width: Math.min(100, share * 100).toFixed(2), height: 8 }),
      s('line', { class: 'bar-alert', x1: ALERT * 100, x2: ALERT * 100, y1: 0, y2: 8 }));
    return h('div', {
      class: flagged ? 'bucket hot' : 'bucket',
      role: 'group',
      'aria-label': `${label(u)}: ${pct} percent used`,
      'data-bucket': u.bucket, 'data-key': u.key, 'data-id': u.id, 'data-percent': pct,
      'data-flagged': String(flagged),
    },
    h('div', { class: 'bucket-head' },
      h('span', { class: 'bucket-name' }, label(u)),
      h('span', { class: 'bucket-key' }, u.key),
      flagged ? h('span', { class: 'flag', title: `At or above ${ALERT * 100} % of its limit` }, `≥ ${ALERT * 100} %`) : null),
    bar,
    h('div', { class: 'bucket-numbers' },
      h('span', { class: 'pct' }, `${pct} %`),
      h('span', {}, `${used} of ${u.limit} per ${u.windowSeconds} s used, ${u.remaining} left`),
      h('span', { class: u.refusedLastMinute > 0 ? 'refused some' : 'refused' },
        `${u.refusedLastMinute} refused in the last minute`,
        refusedSeen.get(id) ? ` (${refusedSeen.get(id)} since this page opened)` : '')));
  });
  summaryBox.textContent = `${rows.length} bucket${rows.length === 1 ? '' : 's'} in use (store: ${report.store}); `
    + (hot ? `${hot} at or above ${ALERT * 100} %.` : `none at ${ALERT * 100} % or above.`);
  summaryBox.className = hot ? 'summary hot' : 'summary';
  summaryBox.setAttribute('data-hot', String(hot));
  fill(bucketsBox, nodes.length ? nodes : h('p', {}, 'No bucket is in use and no org-wide limit is set.'));
}

async function loadLimits() {
  let effective;
  let defaults;
  try {
    [effective, defaults] = await Promise.all([
      ctx.api('GET', NAMESPACE),
      ctx.api('GET', `${NAMESPACE}/defaults`),
    ]);
  } catch (e) {
    fill(limitsBox, h('p', { class: 'error' }, `Limits unavailable: ${describe(e)}`));
    return;
  }
  const editable = ctx.can('limits:edit');
  const defaultOf = new Map((defaults.entities || []).map((l) => [l.key, l.value]));
  const inputs = new Map();
  const rows = (effective.entities || []).map((l) => ({ ...l, def: defaultOf.get(l.key) }));
  const t = table('Requests per minute; 0 turns a bucket off', [
    { title: 'Limit', cell: (r) => h('code', {}, r.key) },
    { title: 'Default', cell: (r) => String(r.def ?? '') },
    {
      title: 'Value',
      cell: (r) => {
        if (!editable) return String(r.value);
        const box = input({ type: 'number', min: 0, max: 100000000, step: 1, value: r.value, 'aria-label': `Value of ${r.key}`, 'data-limit': r.key });
        inputs.set(r.key, { box, was: r.value });
        return box;
      },
    },
  ], rows);
  const parts = [t];
  if (editable) {
    parts.push(h('div', { class: 'actions' },
      h('button', { type: 'button', id: 'limits-save', onclick: (ev) => busy(ev.currentTarget, () => save(inputs)) }, 'Save limits')));
  } else {
    parts.push(h('p', { class: 'hint' }, 'Read-only: changing limits needs the limits:edit scope.'));
  }
  fill(limitsBox, parts);
}

async function save(inputs) {
  const limits = [];
  for (const [key, { box, was }] of inputs) {
    if (box.value === '') limits.push({ key, value: null });
    else if (Number(box.value) !== was) limits.push({ key, value: Number(box.value) });
  }
  if (!limits.length) {
    notice('Nothing changed.');
    return;
  }
  try {
    await ctx.api('PUT', NAMESPACE, { limits });
    notice(`Saved ${limits.length} limit${limits.length === 1 ? '' : 's'}.`);
    await loadLimits();
    poll();
  } catch (e) {
    notice(`Not saved: ${describe(e)}`, 'error');
  }
}

