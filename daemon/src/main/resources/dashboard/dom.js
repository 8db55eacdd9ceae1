// Builds DOM nodes. Every string becomes a text node: task data is written by whoever created the
// task, so nothing here ever parses markup (DashboardRoutesTest checks no module uses an API that does).

/**
 * h('td', {class: 'num', title: x}, 'text', childNode, ...): attributes are set with
 * setAttribute; 'on*' keys add listeners; null/undefined children and attributes are skipped.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value !== null && value !== undefined) el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of el (found by id when a string) with the given nodes. */
export function fill(el, ...children) {
  const target = typeof el === 'string' ? document.getElementById(el) : el;
  target.replaceChildren();
  append(target, children);
  return target;
}

export const $ = (id) => document.getElementById(id);
