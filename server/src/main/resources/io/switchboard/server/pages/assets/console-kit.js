// Small helpers shared by the console's sections. DOM is built with ui.js's el (textContent only);
// attributes go through setAttribute and listeners through addEventListener, never HTML strings.
import { el } from './ui.js';

const SVG = 'http://www.w3.org/2000/svg';

/** An element: h('button', {class: 'x', 'aria-label': 'y'}, 'text', child). null/false children are skipped. */
export function h(tag, attrs, ...children) {
  const node = el(tag, {}, ...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  setAttrs(node, attrs);
  return node;
}

/** An SVG element with its attributes (setAttribute only: allowed under the page's CSP). */
export function s(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  setAttrs(node, attrs);
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
  return node;
}

function setAttrs(node, attrs) {
  if (!attrs) return;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else if (v === true) node.setAttribute(k, '');
    else node.setAttribute(k, String(v));
  }
}

/** Replaces a node's children. */
export function fill(node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

let noticeTimer;
/** A short message in the page's live region (errors stay until the next one). */
export function notice(text, kind = 'info') {
  const box = document.getElementById('notice');
  if (!box) return;
  box.textContent = text;
  box.className = 'notice ' + kind;
  clearTimeout(noticeTimer);
  if (kind !== 'error') noticeTimer = setTimeout(() => { box.textContent = ''; box.className = 'notice'; }, 6000);
}

/** The message of an ApiError (or any error) for people. */
export function describe(err) {
  if (!err) return 'Unknown error';
  const status = err.status ? `${err.status} ` : '';
  const code = err.code ? `${err.code}: ` : '';
  return `${status}${code}${err.message || String(err)}`;
}

/** Runs an async action from a button, disabling it meanwhile and reporting failures. */
export async function busy(button, action) {
  if (button) button.disabled = true;
  try {
    return await action();
  } catch (e) {
    notice(describe(e), 'error');
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

let ids = 0;
/** A fresh element id for label/for pairs. */
export function uid(prefix) {
  ids += 1;
  return `${prefix}-${ids}`;
}

/** A labelled form field: returns {row, input}. */
export function field(label, input, hint) {
  if (!input.id) input.id = uid('f');
  const row = h('div', { class: 'field' }, h('label', { for: input.id }, label), input, hint ? h('small', { class: 'hint' }, hint) : null);
  return { row, input };
}

export function input(attrs) {
  return h('input', { type: 'text', ...attrs });
}

export function select(options, attrs) {
  const node = h('select', attrs);
  for (const o of options) {
    const [value, text] = Array.isArray(o) ? o : [o, o];
    node.append(h('option', { value }, text));
  }
  return node;
}

export function button(text, onclick, attrs = {}) {
  const b = h('button', { type: 'button', ...attrs }, text);
  b.addEventListener('click', () => onclick(b));
  return b;
}

/** A table: columns [{title, cell(row) -> node|string}], rows. */
export function table(caption, columns, rows, rowAttrs) {
  const head = h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c.title)));
  const body = h('tbody', {}, rows.map((r) => h('tr', rowAttrs ? rowAttrs(r) : {}, columns.map((c) => h('td', c.class ? { class: c.class } : {}, toNode(c.cell(r)))))));
  return h('table', { class: 'data' }, caption ? h('caption', {}, caption) : null, h('thead', {}, head), body);
}

function toNode(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return v;
}

/** Pretty JSON in a pre (textContent). */
export function json(value) {
  return h('pre', { class: 'json' }, JSON.stringify(value, null, 2));
}

export function when(iso) {
  if (!iso) return '';
  const d = new Date(typeof iso === 'number' ? iso : iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString();
}

export function ms(n) {
  if (n === null || n === undefined) return '';
  return n >= 1000 ? `${(n / 1000).toFixed(n >= 10000 ? 0 : 1)} s` : `${Math.round(n)} ms`;
}

/** Every entity of a page-number listing (bounded: at most `max`). */
export async function all(api, path, max = 500) {
  const out = [];
  const sep = path.includes('?') ? '&' : '?';
  for (let page = 1; out.length < max; page += 1) {
    const r = await api('GET', `${path}${sep}pageSize=100&pageNumber=${page}`);
    const list = r.entities || [];
    out.push(...list);
    if (list.length < 100 || (r.pageCount && page >= r.pageCount)) break;
  }
  return out.slice(0, max);
}

/** A section heading with optional actions on the right. */
export function heading(level, text, ...actions) {
  return h('div', { class: 'heading' }, h(`h${level}`, {}, text), actions.length ? h('div', { class: 'actions' }, actions) : null);
}

/** A panel split into a list (left) and detail (right). */
export function split(list, detail, variant) {
  return h('div', { class: variant ? `split ${variant}` : 'split' }, h('div', { class: 'split-list' }, list), h('div', { class: 'split-detail' }, detail));
}
