// Flows: the list, an editor (YAML or JSON, line numbers, publish-time errors at their line), publish,
// launch, recent executions with outcome counts, a latency histogram and one execution's trace as a
// timeline.
import { h, s, fill, notice, describe, busy, heading, table, when, ms, all, split, select, field } from './console-kit.js';

const BASE = '/api/v2/flows';
// The buckets of the server's switchboard_flow_execution_duration_seconds timer (docs/flows.md).
const BUCKETS_MS = [10, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 120000];
const OUTCOMES = ['completed', 'deadline', 'actionLimit', 'error', 'running'];

let ctx;
let listBox;
let detailBox;
let current = null;

export async function mount(panel, context) {
  ctx = context;
  listBox = h('div', { id: 'flow-list' }, 'Loading flows…');
  detailBox = h('div', { id: 'flow-detail' }, h('p', { class: 'hint' }, 'Pick a flow to edit it and see its executions.'));
  fill(panel, split(listBox, detailBox));
  await loadList();
}

async function loadList() {
  let flows;
  try {
    flows = await all(ctx.api, BASE);
  } catch (e) {
    fill(listBox, h('p', { class: 'error' }, `Flows unavailable: ${describe(e)}`));
    return;
  }
  const items = flows.map((f) => h('li', {},
    h('button', {
      type: 'button', class: current === f.id ? 'link selected' : 'link', 'data-flow': f.name,
      'aria-current': current === f.id ? 'true' : null,
      onclick: () => open(f.id),
    }, f.name),
    h('span', { class: 'meta' }, `${f.type} · ${f.publishedVersion ? `published ${f.publishedVersion.name}` : 'not published'}`)));
  fill(listBox, heading(2, 'Flows'), items.length ? h('ul', { class: 'plain' }, items) : h('p', {}, 'No flows yet.'));
}

async function open(id) {
  current = id;
  loadList();
  fill(detailBox, h('p', {}, 'Loading…'));
  let flow;
  try {
    flow = await ctx.api('GET', `${BASE}/${id}`);
  } catch (e) {
    fill(detailBox, h('p', { class: 'error' }, describe(e)));
    return;
  }
  const editor = makeEditor();
  const errorsBox = h('div', { class: 'errors', id: 'flow-errors', 'aria-live': 'polite' });
  const execBox = h('div', { id: 'flow-executions' }, 'Loading executions…');
  const histBox = h('div', { id: 'flow-histogram' });
  const traceBox = h('div', { id: 'flow-trace' });
  const format = select([['yaml', 'YAML'], ['json', 'JSON']], { id: 'flow-format' });
  const launchInput = h('textarea', { rows: 3, class: 'code', spellcheck: 'false' }, '{}');
  const launch = field('Inputs (JSON) for a launch', launchInput);

  const save = async () => {
    editor.mark([]);
    fill(errorsBox);
    const text = editor.value();
    const type = format.value === 'json' ? 'application/json' : 'application/yaml';
    try {
      const v = await ctx.api('PUT', `${BASE}/${id}/latestconfiguration`, new Blob([text], { type }), { 'Content-Type': type });
      notice(`Saved version ${v.name}.`);
      return true;
    } catch (e) {
      showErrors(e, editor, errorsBox);
      return false;
    }
  };
  const publish = async () => {
    if (!(await save())) return;
    try {
      const f = await ctx.api('POST', `${BASE}/actions/publish?flow=${encodeURIComponent(id)}`);
      notice(`Published ${f.publishedVersion ? f.publishedVersion.name : ''}.`);
      fill(errorsBox, h('p', { class: 'ok' }, 'Published: no errors.'));
      loadList();
    } catch (e) {
      showErrors(e, editor, errorsBox);
    }
  };
  const run = async () => {
    let inputData;
    try {
      inputData = JSON.parse(launchInput.value || '{}');
    } catch (e) {
      notice(`Inputs are not JSON: ${e.message}`, 'error');
      return;
    }
    const r = await ctx.api('POST', `${BASE}/executions`, { flowId: id, inputData });
    notice(`Launched ${r.id}.`);
    await waitAndShow(r.id, traceBox);
    loadExecutions(id, execBox, histBox, traceBox);
  };

  fill(detailBox,
    heading(2, flow.name,
      h('button', { type: 'button', onclick: (ev) => busy(ev.currentTarget, save) }, 'Save'),
      h('button', { type: 'button', id: 'flow-publish', onclick: (ev) => busy(ev.currentTarget, publish) }, 'Save and publish'),
      h('button', { type: 'button', class: 'secondary', onclick: (ev) => busy(ev.currentTarget, () => loadExecutions(id, execBox, histBox, traceBox)) }, 'Refresh executions')),
    h('p', { class: 'meta' }, `${flow.type} · saved ${flow.savedVersion ? flow.savedVersion.name : '—'} · published ${flow.publishedVersion ? flow.publishedVersion.name : '—'}`),
    h('div', { class: 'editor-bar' }, h('label', { for: 'flow-format' }, 'Format'), format),
    editor.node, errorsBox,
    h('details', { class: 'launch' }, h('summary', {}, 'Launch an execution'), launch.row,
      h('button', { type: 'button', onclick: (ev) => busy(ev.currentTarget, run) }, 'Launch')),
    heading(3, 'Latency of recent executions'), histBox,
    heading(3, 'Recent executions'), execBox,
    heading(3, 'Trace'), traceBox);

  // The definition as saved: YAML text when it was saved as YAML, else JSON.
  try {
    const source = await ctx.api('GET', `${BASE}/${id}/latestconfiguration`, undefined, { Accept: 'application/yaml, application/json;q=0.5' });
    if (typeof source === 'string') {
      format.value = 'yaml';
      editor.set(source);
    } else {
      format.value = 'json';
      editor.set(JSON.stringify(source, null, 2));
    }
  } catch (e) {
    if (e.status === 404) editor.set('');
    else notice(`Definition unavailable: ${describe(e)}`, 'error');
  }
  await loadExecutions(id, execBox, histBox, traceBox);
}

/** A textarea with a line-number gutter that can mark lines. */
function makeEditor() {
  const gutter = h('div', { class: 'gutter', 'aria-hidden': 'true' });
  const area = h('textarea', { class: 'code', id: 'flow-source', spellcheck: 'false', wrap: 'off', rows: 22, 'aria-label': 'Flow definition' });
  const node = h('div', { class: 'editor' }, gutter, area);
  let marked = new Set();
  const renumber = () => {
    const lines = area.value.split('\n').length;
    if (gutter.childElementCount !== lines || marked.size) {
      const nums = [];
      for (let i = 1; i <= lines; i += 1) nums.push(h('div', marked.has(i) ? { class: 'err', 'data-line': i } : { 'data-line': i }, String(i)));
      fill(gutter, nums);
    }
    gutter.scrollTop = area.scrollTop;
  };
  area.addEventListener('input', renumber);
  area.addEventListener('scroll', () => { gutter.scrollTop = area.scrollTop; });
  return {
    node,
    value: () => area.value,
    set: (text) => { area.value = text; marked = new Set(); gutter.replaceChildren(); renumber(); },
    mark: (lines) => { marked = new Set(lines); gutter.replaceChildren(); renumber(); },
    goTo: (line, column) => {
      const rows = area.value.split('\n');
      let offset = 0;
      for (let i = 0; i < line - 1 && i < rows.length; i += 1) offset += rows[i].length + 1;
      offset += Math.max(0, (column || 1) - 1);
      area.focus();
      area.setSelectionRange(offset, offset);
      const lineHeight = parseFloat(getComputedStyle(area).lineHeight) || 18;
      area.scrollTop = Math.max(0, (line - 4) * lineHeight);
      gutter.scrollTop = area.scrollTop;
    },
  };
}

/** An ApiError's problems, each with its line (messageParams.line/column) as a button to go there. */
function showErrors(e, editor, box) {
  const body = e.body || {};
  const problems = body.errors && body.errors.length ? body.errors : [body.message ? body : { message: describe(e) }];
  const lines = [];
  const items = problems.map((p) => {
    const mp = p.messageParams || {};
    const line = Number(mp.line) || null;
    const column = Number(mp.column) || null;
    if (line) lines.push(line);
    const text = p.message || p.code || 'error';
    return h('li', {},
      line ? h('button', { type: 'button', class: 'link', 'data-line': line, onclick: () => editor.goTo(line, column) }, `Line ${line}${column ? `, column ${column}` : ''}`) : null,
      line ? ': ' : '', text);
  });
  editor.mark(lines);
  fill(box, h('p', { class: 'error' }, `${e.status || ''} ${body.code || e.code || ''}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`),
    h('ul', { class: 'problems' }, items));
}

async function loadExecutions(id, execBox, histBox, traceBox) {
  let summary;
  let list;
  try {
    [summary, list] = await Promise.all([
      ctx.api('GET', `${BASE}/${id}/executions/summary`),
      all(ctx.api, `${BASE}/${id}/executions`, 500),
    ]);
  } catch (e) {
    fill(execBox, h('p', { class: 'error' }, describe(e)));
    return;
  }
  const counts = h('ul', { class: 'chips', 'aria-label': 'Outcome counts' },
    OUTCOMES.map((o) => h('li', { class: `chip ${o}`, 'data-outcome': o }, `${o}: ${(summary.outcomes || {})[o] || 0}`)),
    h('li', { class: 'chip' }, `total: ${summary.total}`));
  const recent = list.slice(0, 25);
  const t = table(null, [
    { title: 'Launched', cell: (x) => when(x.dateLaunched) },
    { title: 'Outcome', cell: (x) => h('span', { class: `chip ${x.outcome || ''}` }, x.outcome || x.status) },
    { title: 'Duration', cell: (x) => (x.dateCompleted ? ms(Date.parse(x.dateCompleted) - Date.parse(x.dateLaunched)) : 'running') },
    { title: 'Trace', cell: (x) => h('button', { type: 'button', class: 'link', 'data-execution': x.id, onclick: (ev) => busy(ev.currentTarget, () => showTrace(x.id, traceBox)) }, 'Show trace') },
  ], recent);
  fill(execBox, counts, recent.length ? t : h('p', {}, 'No executions retained.'));
  fill(histBox, histogram(list));
}

/** Executions by duration in the server's timer buckets, as SVG bars with their counts. */
function histogram(list) {
  const done = list.filter((x) => x.dateCompleted).map((x) => Date.parse(x.dateCompleted) - Date.parse(x.dateLaunched));
  if (!done.length) return h('p', { class: 'hint' }, 'No finished executions yet.');
  const counts = BUCKETS_MS.map(() => 0);
  let over = 0;
  for (const d of done) {
    const i = BUCKETS_MS.findIndex((b) => d <= b);
    if (i < 0) over += 1;
    else counts[i] += 1;
  }
  const labels = BUCKETS_MS.map((b) => `≤ ${ms(b)}`);
  if (over) { counts.push(over); labels.push(`> ${ms(BUCKETS_MS[BUCKETS_MS.length - 1])}`); }
  const max = Math.max(...counts);
  const W = 640; const H = 180; const pad = 28; const bw = (W - pad) / counts.length;
  const svg = s('svg', { class: 'histogram', viewBox: `0 0 ${W} ${H + 40}`, role: 'img', 'aria-labelledby': 'hist-title' },
    s('title', { id: 'hist-title' }, `Latency histogram of ${done.length} finished executions`),
    counts.map((c, i) => {
      const bh = max ? (c / max) * H : 0;
      const x = pad + i * bw;
      return s('g', {},
        s('rect', { class: 'hist-bar', x: x + 3, y: H - bh + 10, width: bw - 6, height: bh }),
        c ? s('text', { class: 'hist-count', x: x + bw / 2, y: H - bh + 5, 'text-anchor': 'middle' }, String(c)) : null,
        s('text', { class: 'hist-label', x: x + bw / 2, y: H + 28, 'text-anchor': 'middle' }, labels[i]));
    }),
    s('line', { class: 'axis', x1: pad, x2: W, y1: H + 10, y2: H + 10 }));
  const sorted = [...done].sort((a, b) => a - b);
  // Nearest rank: the smallest value with at least q of the executions at or below it.
  const p = (q) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
  return h('figure', { class: 'chart' }, svg,
    h('figcaption', {}, `${done.length} finished executions · median ${ms(p(0.5))} · p95 ${ms(p(0.95))} · max ${ms(sorted[sorted.length - 1])}`));
}

async function waitAndShow(executionId, traceBox) {
  // Poll the execution until it ends (bounded: 30 tries, 0.5 s apart).
  for (let i = 0; i < 30; i += 1) {
    const x = await ctx.api('GET', `${BASE}/executions/${executionId}`);
    if (x.status !== 'RUNNING') {
      renderTrace(x, traceBox);
      return;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  notice('The execution is still running; refresh to see it end.');
}

async function showTrace(executionId, traceBox) {
  const x = await ctx.api('GET', `${BASE}/executions/${executionId}`);
  renderTrace(x, traceBox);
  traceBox.scrollIntoView({ block: 'nearest' });
}

/** One row per action: a bar by start offset and duration, then attempts, retries and cache. */
function renderTrace(x, box) {
  const trace = x.trace;
  if (!trace) {
    fill(box, h('p', {}, `${x.id}: ${x.status} (no trace yet)`));
    return;
  }
  const actions = trace.actions || [];
  const total = Math.max(1, trace.durationMs || 0, ...actions.map((a) => (a.startMs || 0) + (a.durationMs || 0)));
  const rows = actions.map((a) => {
    const da = a.dataAction;
    // A zero-length action at the very end still shows as a sliver.
    const start = Math.min(99.5, ((a.startMs || 0) / total) * 100);
    const width = Math.max(0.5, ((a.durationMs || 0) / total) * 100);
    const facts = [ms(a.durationMs || 0), `at +${ms(a.startMs || 0)}`];
    if (a.output) facts.push(`→ ${a.output}`);
    if (da) {
      facts.push(`attempts ${da.attempts}`);
      const retries = Math.max(0, (da.attempts || 0) - 1);
      if (retries) facts.push(`retries ${retries}`);
      if (da.cache) facts.push(`cache ${da.cache}`);
      if (da.circuit) facts.push(`circuit ${da.circuit}`);
      if (da.status) facts.push(`HTTP ${da.status}`);
      if (da.error) facts.push(`error ${da.error}`);
    }
    return h('li', { class: `trace-row ${a.outcome || ''}`, 'data-action': a.name || a.type },
      h('span', { class: 'trace-name' }, a.name || a.type, h('small', {}, a.type)),
      s('svg', { class: 'trace-bar', viewBox: '0 0 100 10', preserveAspectRatio: 'none', 'aria-hidden': 'true', focusable: 'false' },
        s('rect', { class: 'trace-track', x: 0, y: 0, width: 100, height: 10 }),
        s('rect', { class: `trace-fill ${a.outcome || ''}`, x: start.toFixed(2), y: 1, width: Math.min(width, 100 - start).toFixed(2), height: 8 })),
      h('span', { class: 'trace-facts' }, `${a.outcome || ''} · ${facts.join(' · ')}`),
      da && da.attemptLog && da.attemptLog.length > 1
        ? h('ol', { class: 'attempts' }, da.attemptLog.map((t) => h('li', {}, `#${t.n}: ${t.status || t.error || ''} in ${ms(t.durationMs)}${t.why ? `, then ${t.why}${t.waitMs ? ` (${ms(t.waitMs)})` : ''}` : ''}`)))
        : null);
  });
  fill(box,
    h('p', { class: 'meta', id: 'trace-summary' }, `Execution ${x.id} · ${x.status} · ${x.outcome || ''} · ${ms(trace.durationMs)} · ${trace.actionCount} actions`
      + (trace.droppedEntries ? ` · ${trace.droppedEntries} entries dropped` : '')),
    h('ol', { class: 'timeline', id: 'trace-timeline', 'aria-label': 'Trace timeline' }, rows));
}
