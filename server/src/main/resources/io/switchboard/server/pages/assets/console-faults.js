// Faults: the org's fault-injection rules with their counters, ready scenarios, a rule form, clear.
import { h, fill, notice, describe, busy, heading, table, when, select, field, input } from './console-kit.js';

const BASE = '/api/v2/switchboard/faults';
// docs/faults.md: effects on inbound requests, then on outbound data-action calls.
const EFFECTS = ['status', 'latency', 'reset', 'stall', 'failFirst', 'outage', 'rateLimitSqueeze', 'versionMismatch', 'readAfterWriteLag',
  'upstreamLatency', 'upstreamStatus', 'upstreamBody', 'upstreamContentType', 'upstreamHang', 'upstreamExpiredToken'];

let ctx;
let rulesBox;
let scenariosBox;

export async function mount(panel, context) {
  ctx = context;
  rulesBox = h('div', { id: 'fault-rules' }, 'Loading rules…');
  scenariosBox = h('div', { id: 'fault-scenarios' });
  fill(panel, heading(2, 'Fault rules',
    h('button', { type: 'button', class: 'secondary', onclick: (ev) => busy(ev.currentTarget, loadRules) }, 'Refresh'),
    h('button', { type: 'button', class: 'danger', id: 'faults-clear', onclick: (ev) => busy(ev.currentTarget, clearAll) }, 'Clear all')),
  rulesBox, heading(2, 'Scenarios'), scenariosBox, ruleForm());
  await Promise.all([loadRules(), loadScenarios()]);
}

async function loadRules() {
  let r;
  try {
    r = await ctx.api('GET', BASE);
  } catch (e) {
    fill(rulesBox, h('p', { class: 'error' }, describe(e)));
    return;
  }
  const list = r.entities || [];
  fill(rulesBox, list.length ? table(null, [
    { title: 'Name', cell: (x) => x.name },
    { title: 'Match', cell: (x) => h('code', {}, [x.match && x.match.method, x.match && (x.match.path || x.match.host || x.match.externalApiId)].filter(Boolean).join(' ') || 'any') },
    { title: 'Effect', cell: (x) => h('code', {}, JSON.stringify(x.effect)) },
    { title: 'Probability', cell: (x) => String(x.probability ?? 1) },
    { title: 'Matched / injected', cell: (x) => `${x.matched || 0} / ${x.injected || 0}` },
    { title: 'Active', cell: (x) => (x.active ? 'yes' : 'no') + (x.until ? ` until ${when(x.until)}` : '') },
    { title: 'Scenario', cell: (x) => x.scenario || '' },
    { title: '', cell: (x) => h('button', { type: 'button', class: 'danger', 'aria-label': `Delete rule ${x.name}`, onclick: (ev) => busy(ev.currentTarget, () => remove(x)) }, 'Delete') },
  ], list) : h('p', {}, 'No fault rules: Switchboard behaves.'));
}

async function remove(x) {
  await ctx.api('DELETE', `${BASE}/${x.id}`);
  notice(`Deleted ${x.name}.`);
  await loadRules();
}

async function clearAll() {
  if (!window.confirm('Delete every fault rule of this org?')) return;
  await ctx.api('DELETE', BASE);
  notice('All fault rules cleared.');
  await loadRules();
}

async function loadScenarios() {
  let r;
  try {
    r = await ctx.api('GET', `${BASE}/scenarios`);
  } catch (e) {
    fill(scenariosBox, h('p', { class: 'error' }, describe(e)));
    return;
  }
  fill(scenariosBox, table(null, [
    { title: 'Scenario', cell: (x) => x.name },
    { title: 'What it does', cell: (x) => x.description || '' },
    { title: 'Rules', cell: (x) => String(x.rules) },
    { title: '', cell: (x) => h('button', { type: 'button', onclick: (ev) => busy(ev.currentTarget, () => apply(x.name)) }, 'Apply') },
  ], r.entities || []));
}

async function apply(name) {
  const r = await ctx.api('POST', `${BASE}/scenarios/${encodeURIComponent(name)}`);
  notice(`Applied ${name}: ${(r.entities || []).length} rules.`);
  await loadRules();
}

function ruleForm() {
  const name = input({ required: true, maxlength: 200 });
  const method = select(['', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'].map((m) => [m, m || 'any']));
  const path = input({ placeholder: '/api/v2/routing/wrapupcodes', maxlength: 512 });
  const host = input({ placeholder: 'crm.example.com', maxlength: 512 });
  const type = select(EFFECTS);
  const probability = input({ type: 'number', min: 0, max: 1, step: 0.05, value: 1 });
  const ttl = input({ type: 'number', min: 1, max: 604800, value: 600 });
  const extra = h('textarea', { class: 'code', rows: 3, spellcheck: 'false' }, '{"status": 503, "retryAfterSeconds": 2}');
  const create = async () => {
    let effect;
    try {
      effect = { type: type.value, ...JSON.parse(extra.value || '{}') };
    } catch (e) {
      notice(`Effect fields are not JSON: ${e.message}`, 'error');
      return;
    }
    const rule = { name: name.value, match: {}, effect, probability: Number(probability.value) };
    if (method.value) rule.match.method = method.value;
    if (path.value) rule.match.path = path.value;
    if (host.value) rule.match.host = host.value;
    if (ttl.value) rule.ttlSeconds = Number(ttl.value);
    try {
      const made = await ctx.api('POST', BASE, rule);
      notice(`Rule ${made.name} added.`);
      await loadRules();
    } catch (e) {
      notice(`Not added: ${describe(e)}`, 'error');
    }
  };
  return h('form', { class: 'card', id: 'fault-form', onsubmit: (ev) => { ev.preventDefault(); busy(ev.submitter, create); } },
    h('h3', {}, 'New rule'),
    field('Name', name).row, field('Method', method).row, field('Path', path, 'inbound effects; * matches any run of characters').row,
    field('Upstream host', host, 'upstream effects: the data action\'s target host (* wildcards)').row,
    field('Effect', type).row, field('Effect fields (JSON)', extra, 'e.g. {"latencyMs": 800} for latency, {"count": 3} for failFirst').row,
    field('Probability', probability).row, field('Ends after (seconds)', ttl).row,
    h('button', { type: 'submit' }, 'Add rule'));
}

