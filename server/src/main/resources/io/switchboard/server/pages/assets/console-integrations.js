// Data actions and external APIs: list, test with inputs (the request as defined with the inputs filled
// in, the timing, every attempt and the mapped outputs), the circuit per API; credentials with
// write-only secret fields.
import { h, fill, notice, describe, busy, heading, table, when, ms, all, json, select, field, input, split } from './console-kit.js';

const APIS = '/api/v2/architect/external-apis';
const ACTIONS = '/api/v2/integrations/actions';
const CREDENTIALS = '/api/v2/integrations/credentials';

// Our credential types (docs/external-apis.md): public fields are returned, secret ones never are.
const TYPES = {
  basic: { public: ['username'], secret: ['password'] },
  bearer: { public: [], secret: ['token'] },
  'api-key': { public: ['headerName'], secret: ['apiKey'] },
  'oauth2-client-credentials': { public: ['tokenUrl', 'clientId', 'scopes'], secret: ['clientSecret'] },
};

let ctx;
let apisBox;
let actionsBox;
let credentialsBox;
let detailBox;
// The circuit each API was last seen in (a test report or the API's own state), by API id.
const circuits = new Map();

export async function mount(panel, context) {
  ctx = context;
  apisBox = h('div', { id: 'external-apis' }, 'Loading…');
  actionsBox = h('div', { id: 'data-actions' });
  credentialsBox = h('div', { id: 'credentials' });
  detailBox = h('div', { id: 'integration-detail' }, h('p', { class: 'hint' }, 'Pick an external API or a data action to test it.'));
  fill(panel, split(h('div', {}, apisBox, actionsBox), detailBox, 'even'), credentialsBox);
  await Promise.all([loadApis(), loadActions(), loadCredentials()]);
}

function circuitChip(state) {
  const known = state || 'not called yet';
  return h('span', { class: `chip circuit ${state || 'unknown'}`, 'data-circuit': state || 'unknown' }, known);
}

async function loadApis() {
  let list;
  try {
    list = await all(ctx.api, APIS, 200);
  } catch (e) {
    fill(apisBox, heading(2, 'External APIs'), h('p', { class: 'error' }, describe(e)));
    return;
  }
  // Each API's circuit on the answering node (at most 50 asked, one request each).
  await Promise.all(list.slice(0, 50).map(async (a) => {
    try {
      circuits.set(a.id, (await ctx.api('GET', `${APIS}/${a.id}/circuit`)).state);
    } catch (e) {
      circuits.delete(a.id);
    }
  }));
  fill(apisBox, heading(2, 'External APIs'),
    list.length ? table(null, [
      { title: 'Name', cell: (a) => h('button', { type: 'button', class: 'link', 'data-api': a.name, onclick: () => openApi(a) }, a.name) },
      { title: 'Request', cell: (a) => h('code', {}, `${a.method} ${a.url}`) },
      { title: 'Timeout', cell: (a) => ms(a.timeout) },
      { title: 'Circuit', cell: (a) => circuitChip(circuits.get(a.id)) },
    ], list) : h('p', {}, 'No external APIs.'));
}

/** ${input.x} placeholders of an API, for a ready inputs object. */
function placeholders(a) {
  const names = new Set();
  const text = JSON.stringify([a.url, a.headers, a.requestTemplate]);
  for (const m of text.matchAll(/\$\{input\.([A-Za-z0-9_.-]+)\}/g)) names.add(m[1]);
  return Object.fromEntries([...names].map((n) => [n, '']));
}

function filled(template, inputs) {
  return String(template).replace(/\$\{input\.([A-Za-z0-9_.-]+)\}/g, (_, n) => (inputs[n] === undefined ? `\${input.${n}}` : encodeURIComponent(String(inputs[n]))));
}

function openApi(a) {
  const inputsArea = h('textarea', { class: 'code', rows: 5, spellcheck: 'false', id: 'api-inputs' }, JSON.stringify(placeholders(a), null, 2));
  const result = h('div', { id: 'api-test-result', 'aria-live': 'polite' });
  const run = async () => {
    let inputs;
    try {
      inputs = JSON.parse(inputsArea.value || '{}');
    } catch (e) {
      notice(`Inputs are not JSON: ${e.message}`, 'error');
      return;
    }
    const started = performance.now();
    const r = await ctx.api('POST', `${APIS}/${a.id}/test`, { inputs });
    const roundTrip = performance.now() - started;
    if (r.circuit) circuits.set(a.id, r.circuit);
    fill(result,
      h('dl', { class: 'facts' },
        h('dt', {}, 'Request'), h('dd', {}, h('code', {}, `${a.method} ${filled(a.url, inputs)}`)),
        (a.headers || []).length ? [h('dt', {}, 'Headers'), h('dd', {}, (a.headers || []).map((x) => h('code', { class: 'block' }, `${x.name}: ${filled(x.value, inputs)}`)))] : null,
        a.credentialId ? [h('dt', {}, 'Credential'), h('dd', {}, `${a.credentialId} (its secret is added by the server, never shown)`)] : null,
        h('dt', {}, 'Result'), h('dd', {}, h('span', { class: r.success ? 'chip completed' : 'chip error', 'data-success': String(r.success) }, r.success ? 'success' : 'failure'),
          r.status ? ` HTTP ${r.status}` : '', r.error ? ` ${r.error.kind}: ${r.error.detail}` : ''),
        h('dt', {}, 'Timing'), h('dd', {}, `${ms(r.latencyMs)} in the engine, ${r.attempts} attempt${r.attempts === 1 ? '' : 's'}; ${ms(roundTrip)} round trip from this page`),
        h('dt', {}, 'Circuit'), h('dd', {}, circuitChip(r.circuit))),
      (r.attemptLog || []).length ? table('Attempts', [
        { title: '#', cell: (t) => t.n },
        { title: 'Answer', cell: (t) => t.status || t.error || '' },
        { title: 'Took', cell: (t) => ms(t.durationMs) },
        { title: 'Then', cell: (t) => (t.why ? `${t.why}${t.waitMs ? ` (${ms(t.waitMs)})` : ''}` : 'final') },
      ], r.attemptLog) : null,
      h('h4', {}, 'Mapped outputs'), r.outputs ? json(r.outputs) : h('p', {}, 'none'));
    loadApis();
  };
  fill(detailBox,
    heading(2, a.name),
    h('p', { class: 'meta' }, `${a.method} ${a.url} · timeout ${ms(a.timeout)} · retry ${a.retry} · version ${a.version} · changed ${when(a.dateModified)}`),
    a.responseMapping ? [h('h4', {}, 'Response mapping'), json(a.responseMapping)] : null,
    field('Inputs (JSON)', inputsArea).row,
    h('button', { type: 'button', id: 'api-test', onclick: (ev) => busy(ev.currentTarget, run) }, 'Test'),
    result);
}

async function loadActions() {
  let list;
  try {
    list = await all(ctx.api, ACTIONS, 200);
  } catch (e) {
    fill(actionsBox, heading(2, 'Data actions'), h('p', { class: 'error' }, describe(e)));
    return;
  }
  fill(actionsBox, heading(2, 'Data actions'),
    list.length ? table(null, [
      { title: 'Name', cell: (a) => h('button', { type: 'button', class: 'link', 'data-action-id': a.id, onclick: () => openAction(a) }, a.name) },
      { title: 'Category', cell: (a) => a.category || '' },
      { title: 'Request', cell: (a) => { const r = (a.config || {}).request || {}; return h('code', {}, `${r.requestType || ''} ${r.requestUrlTemplate || ''}`); } },
    ], list) : h('p', {}, 'No data actions.'));
}

function openAction(a) {
  const schema = (((a.contract || {}).input || {}).inputSchema || {}).properties || {};
  const sample = Object.fromEntries(Object.keys(schema).map((k) => [k, '']));
  const area = h('textarea', { class: 'code', rows: 5, spellcheck: 'false', id: 'action-inputs' }, JSON.stringify(sample, null, 2));
  const result = h('div', { 'aria-live': 'polite', id: 'action-test-result' });
  const run = async () => {
    let body;
    try {
      body = JSON.parse(area.value || '{}');
    } catch (e) {
      notice(`Inputs are not JSON: ${e.message}`, 'error');
      return;
    }
    const started = performance.now();
    const r = await ctx.api('POST', `${ACTIONS}/${a.id}/test`, body);
    const took = performance.now() - started;
    fill(result,
      h('p', {}, h('span', { class: r.success ? 'chip completed' : 'chip error', 'data-success': String(!!r.success) }, r.success ? 'success' : 'failure'), ` in ${ms(took)} round trip`),
      h('ol', { class: 'operations' }, (r.operations || []).map((o) => h('li', { class: o.success ? 'ok' : 'failed' },
        h('strong', {}, `${o.step}. ${o.name}`), o.success ? ' ✓' : ' ✗',
        o.result !== undefined && o.result !== null ? json(o.result) : null,
        o.error ? h('p', { class: 'error' }, o.error.message || JSON.stringify(o.error)) : null))),
      r.finalResult ? [h('h4', {}, 'Output'), json(r.finalResult)] : null);
  };
  fill(detailBox, heading(2, a.name),
    h('p', { class: 'meta' }, `Data action ${a.id} · integration ${a.integrationId || ''}`),
    field('Input (JSON)', area).row,
    h('button', { type: 'button', id: 'action-test', onclick: (ev) => busy(ev.currentTarget, run) }, 'Test'),
    result);
}

async function loadCredentials() {
  let list;
  try {
    list = await all(ctx.api, CREDENTIALS, 200);
  } catch (e) {
    fill(credentialsBox, heading(2, 'Credentials'), h('p', { class: 'error' }, describe(e)));
    return;
  }
  const t = list.length ? table(null, [
    { title: 'Name', cell: (c) => c.name },
    { title: 'Type', cell: (c) => c.credentialType || (c.type && c.type.name) || '' },
    { title: 'Public fields', cell: (c) => Object.entries(c.credentialFields || {}).map(([k, v]) => `${k}: ${v}`).join(', ') },
    { title: 'Secrets', cell: (c) => (c.secretFields || []).map((f) => h('span', { class: 'chip' }, `${f} set`)) },
    { title: 'Allowed hosts', cell: (c) => (c.allowedHosts || []).join(', ') },
    { title: 'Changed', cell: (c) => when(c.dateModified) },
  ], list) : h('p', {}, 'No credentials.');
  fill(credentialsBox, heading(2, 'Credentials'), t, credentialForm());
}

function credentialForm() {
  const name = input({ required: true, maxlength: 200 });
  const type = select(Object.keys(TYPES));
  const hosts = input({ placeholder: 'api.example.com, *.example.org' });
  const fieldsBox = h('div', { class: 'fields' });
  const boxes = new Map();
  const renderFields = () => {
    boxes.clear();
    const def = TYPES[type.value];
    const rows = [];
    for (const f of def.public) {
      const box = input({ 'data-field': f });
      boxes.set(f, box);
      rows.push(field(f, box, f === 'scopes' ? 'space-separated' : null).row);
    }
    for (const f of def.secret) {
      // Write-only: a password box, never filled from the server, emptied after saving.
      const box = input({ type: 'password', autocomplete: 'new-password', 'data-field': f, 'data-secret': 'true' });
      boxes.set(f, box);
      rows.push(field(`${f} (secret, write-only)`, box).row);
    }
    fill(fieldsBox, rows);
  };
  type.addEventListener('change', renderFields);
  renderFields();
  const create = async () => {
    const credentialFields = {};
    for (const [k, box] of boxes) if (box.value !== '') credentialFields[k] = k === 'scopes' ? box.value.split(/[\s,]+/).filter(Boolean) : box.value;
    const body = { name: name.value, type: type.value, credentialFields };
    const list = hosts.value.split(/[\s,]+/).filter(Boolean);
    if (list.length) body.allowedHosts = list;
    try {
      await ctx.api('POST', CREDENTIALS, body);
      notice(`Credential ${name.value} created.`);
      for (const box of boxes.values()) box.value = '';
      name.value = '';
      await loadCredentials();
    } catch (e) {
      for (const box of boxes.values()) if (box.dataset.secret) box.value = '';
      notice(`Not created: ${describe(e)}`, 'error');
    }
  };
  return h('form', { class: 'card', id: 'credential-form', onsubmit: (ev) => { ev.preventDefault(); busy(ev.submitter, create); } },
    h('h3', {}, 'New credential'),
    field('Name', name).row, field('Type', type).row, fieldsBox,
    field('Allowed hosts', hosts, 'where the secret may be sent; comma-separated').row,
    h('button', { type: 'submit' }, 'Create credential'));
}
