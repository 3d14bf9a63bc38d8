// SPDX-License-Identifier: Apache-2.0
// dom.js: the only way the console makes elements. Text always goes in as text nodes
// (textContent), never as HTML: nothing the server returns is ever parsed as markup, so a
// report's reason or a pseudonym cannot inject script. Attributes are set one by one and
// "style" and event attributes given as strings are refused (the CSP forbids inline both).

const REFUSED_ATTRS = new Set(['style', 'srcdoc']);

// h('tag', {class, onclick: fn, 'data-testid': ...}, ...children): children are nodes,
// strings (text), numbers, arrays of those, or null/undefined/false (skipped).
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key.startsWith('on') && typeof value === 'function')
      el.addEventListener(key.slice(2), value);
    else if (key.startsWith('on') || REFUSED_ATTRS.has(key))
      throw new Error(`dom.h: attribute ${key} is not allowed`);
    else if (key === 'value') el.value = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

// A link inside the console: path segments are encoded, so data in a path stays data.
export function link(segments, text, props = {}) {
  const path = segments.map((s) => encodeURIComponent(String(s))).join('/');
  return h('a', { href: `#/${path}`, ...props }, text);
}

// Unix seconds as "2026-11-23 12:08" (UTC: the column titles say so).
export function when(seconds) {
  if (typeof seconds !== 'number') return '';
  return new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ');
}

// A table from rows and column definitions [{title, cell: (row) => node|string, class}].
export function table(columns, rows, props = {}) {
  return h('div', { class: 'table-wrap' }, h('table', props,
    h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col' }, c.title)))),
    h('tbody', null, rows.map((row) => h('tr', null, columns.map((c) => h('td', { class: c.class }, c.cell(row))))))));
}

// A message box; kind is "error", "ok" or "info". role=alert for errors so screen readers say it.
export function notice(kind, ...children) {
  return h('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    children);
}

// A labelled form field.
export function field(label, control, hint) {
  return h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), control,
    hint ? h('span', { class: 'field-hint' }, hint) : null);
}

export function select(name, options, selected) {
  return h('select', { name },
    options.map((o) => h('option', { value: o, selected: o === selected }, o)));
}
