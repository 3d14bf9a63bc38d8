// SPDX-License-Identifier: Apache-2.0
// transparency.js: the TCO Art 7 transparency report of a year (GET /api/v1/reports/tco, also
// as Markdown) and the DSA counters (GET /api/v1/reports/dsa). Items the store cannot answer
// say so ("available": false) rather than count zero.
import { h, field, notice } from '../dom.js';
import { RECORDS } from '../roles.js';

function tree(value) {
  if (value === null || typeof value !== 'object') return h('span', null, value === null ? '—' : String(value));
  return h('dl', { class: 'facts' }, Object.entries(value).map(([k, v]) => [h('dt', null, k.replace(/_/g, ' ')), h('dd', null, tree(v))]));
}

export default {
  path: '/transparency',
  title: 'TCO / DSA reports',
  roles: RECORDS,
  nav: true,
  async render({ api }) {
    const year = h('input', { name: 'year', type: 'number', min: 2020, max: 2100, value: new Date().getUTCFullYear() });
    const tco = h('div', { 'data-testid': 'tco' });
    const dsa = h('div', { 'data-testid': 'dsa' });
    const load = async () => {
      try {
        tco.replaceChildren(tree(await api.get(`/api/v1/reports/tco?year=${encodeURIComponent(year.value)}`)));
      } catch (err) {
        tco.replaceChildren(notice('error', err.message));
      }
    };
    const form = h('form', { class: 'row', 'aria-label': 'year' }, field('Year', year), h('button', { type: 'submit' }, 'Show'));
    form.addEventListener('submit', (ev) => { ev.preventDefault(); load(); });
    await load();
    dsa.replaceChildren(tree((await api.get('/api/v1/reports/dsa'))));
    return h('section', null, h('h1', null, 'Transparency reports'),
      h('h2', null, 'TCO (Regulation (EU) 2021/784, Art 7)'), form, tco,
      h('h2', null, 'DSA counters'), dsa);
  },
};
