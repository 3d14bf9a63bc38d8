// SPDX-License-Identifier: Apache-2.0
// audit.js: the hash-chained audit log (admins and auditors): entries oldest first, a page at
// a time (the API pages with `after`), and the chain verification, which recomputes every
// hash on the server and names the first bad entry. Actors appear by pseudonym.
import { h, table, notice, when } from '../dom.js';
import { AUDITORS } from '../roles.js';
import { query } from '../api.js';

const PAGE = 100;

function detail(d) {
  if (!d || typeof d !== 'object') return '';
  return Object.entries(d).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(', ');
}

export default {
  path: '/audit',
  title: 'Audit log',
  roles: AUDITORS,
  nav: true,
  async render({ api }) {
    const verdict = h('div', { class: 'form-message', 'data-testid': 'verify-result' });
    const list = h('div');
    const pager = h('div', { class: 'pager' });
    const show = async (after) => {
      const { entries, next_after: next } = await api.get(`/api/v1/audit${query({ after, limit: PAGE })}`);
      list.replaceChildren(entries.length ? table([
        { title: 'seq', cell: (e) => String(e.seq) },
        { title: 'at (UTC)', cell: (e) => when(e.at), class: 'nowrap' },
        { title: 'actor', cell: (e) => e.actor },
        { title: 'action', cell: (e) => e.action },
        { title: 'object', cell: (e) => e.object },
        { title: 'detail', cell: (e) => h('span', { class: 'clip', title: detail(e.detail) }, detail(e.detail)) },
        { title: 'hash', cell: (e) => h('code', { class: 'hash', title: e.hash }, (e.hash || '').slice(0, 12)) },
      ], entries, { 'data-testid': 'audit' }) : h('p', { class: 'muted' }, 'No entries after this point.'));
      pager.replaceChildren(
        after > 0 ? h('button', { type: 'button', class: 'small', onclick: () => show(Math.max(0, after - PAGE)) }, '← earlier') : '',
        entries.length === PAGE ? h('button', { type: 'button', class: 'small', onclick: () => show(next) }, 'later →') : '');
    };
    const verify = h('button', { type: 'button', 'data-testid': 'verify', onclick: async () => {
      verdict.replaceChildren(h('p', { class: 'loading' }, 'Recomputing the chain…'));
      try {
        const v = await api.get('/api/v1/audit/verify');
        verdict.replaceChildren(v.ok
          ? notice('ok', `Chain intact: ${v.entries} entries verified.`)
          : notice('error', `Chain broken at entry ${v.bad_entry}: ${v.problem}.`));
      } catch (err) {
        verdict.replaceChildren(notice('error', err.message));
      }
    } }, 'Verify the chain');
    await show(0);
    return h('section', null, h('div', { class: 'heading' }, h('h1', null, 'Audit log'), verify),
      verdict, list, pager);
  },
};
