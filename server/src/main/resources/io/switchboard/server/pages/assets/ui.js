// Small DOM helpers. Text only ever goes in through textContent and attributes through
// setAttribute: nothing the API returns is parsed as HTML.

/**
 * el('p', {class: 'x', for: 'id', onclick: fn}, 'text', child, ...): an element. Attributes whose
 * value is null, undefined or false are left out; true sets an empty attribute; on* functions
 * become listeners.
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of `node`. */
export function replace(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

/** document.getElementById, throwing when the page lacks the element (a bug, not a state). */
export function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`no element #${id}`);
  return node;
}

/** Shows a message in the page's live status region (role=status or alert). */
export function announce(node, text, isError = false) {
  node.textContent = text;
  node.classList.toggle('error', isError);
}

/** A short local time for a timestamp. */
export function time(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString();
}

/** Runs fn after `ms` without calls; each call restarts the wait. */
export function debounce(fn, ms) {
  let timer = null;
  const wrapped = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  wrapped.flush = (...args) => {
    clearTimeout(timer);
    fn(...args);
  };
  return wrapped;
}
