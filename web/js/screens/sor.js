// SPDX-License-Identifier: Apache-2.0
// sor.js: DSA statements of reasons (Art 17, 24(5); docs/cases.md). A batch of at most 100
// from GET /api/v1/sor, paged with `after`; statements of gagged cases are held back and
// counted. "Export batch" downloads the batch as the JSON the API gave, ready for the
// Transparency Database. Statements carry no personal data.
import { h, table, notice } from '../dom.js';
import { RECORDS } from '../roles.js';
import { query } from '../api.js';

function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export default {
  path: '/sor',
  title: 'Statements of reasons',
  roles: RECORDS,
  nav: true,
  async render({ api }) {
    const box = h('div');
    const show = async (after) => {
      const res = await api.get(`/api/v1/sor${query({ after })}`);
      const list = res.batch.statements || [];
      const exportBtn = h('button', { type: 'button', 'data-testid': 'sor-export', disabled: !list.length,
        onclick: () => download(`vigie-sor-after-${after}.json`, JSON.stringify(res.batch, null, 2)) },
      `Export batch (${list.length})`);
      box.replaceChildren(
        h('div', { class: 'heading' }, h('p', { 'data-testid': 'sor-count' },
          `${res.count} statement(s) after #${after}; ${res.held_by_gag} held back by a gag.`), exportBtn),
        list.length ? table([
          { title: 'puid', cell: (s) => s.puid },
          { title: 'decision', cell: (s) => [s.decision_visibility, s.decision_account, s.decision_provision,
            s.decision_monetary, s.decision_provision].flat().filter(Boolean).filter((x, i, a) => a.indexOf(x) === i).join(', ') },
          { title: 'ground', cell: (s) => s.decision_ground },
          { title: 'category', cell: (s) => s.category },
          { title: 'source', cell: (s) => s.source_type },
          { title: 'automated', cell: (s) => `${s.automated_detection} / ${s.automated_decision}` },
          { title: 'scope', cell: (s) => (s.territorial_scope || []).length === 27 ? 'EU' : (s.territorial_scope || []).join(', ') },
          { title: 'applied', cell: (s) => s.application_date, class: 'nowrap' },
          { title: 'facts', cell: (s) => h('span', { class: 'clip', title: s.decision_facts }, s.decision_facts) },
        ], list, { 'data-testid': 'sor' }) : h('p', { class: 'muted' }, 'No statement in this batch.'),
        h('div', { class: 'pager' }, after > 0 ? h('button', { type: 'button', class: 'small', onclick: () => show(0) }, '← first batch') : '',
          res.count === 100 ? h('button', { type: 'button', class: 'small', onclick: () => show(res.next_after) }, 'next batch →') : ''));
    };
    try {
      await show(0);
    } catch (err) {
      box.replaceChildren(notice('error', err.message));
    }
    return h('section', null, h('h1', null, 'Statements of reasons'),
      h('p', { class: 'muted' }, 'One per restricting decision, in the Transparency Database\'s format; no account, post or reviewer id.'), box);
  },
};
