// SPDX-License-Identifier: Apache-2.0
// appeals.js: appeals against decisions (docs/cases.md). Anyone who may appeal (trusted
// flaggers, reviewers, leads, admins) files one here on the affected user's behalf, by case
// number; staff see the cases under appeal with the open appeal and decide it, upheld or
// reversed. The server refuses the reviewer who made the appealed decision (403) and the
// console shows its message as it is. The outcomes are counted (GET /api/v1/reports/dsa) for
// those who may read the counters.
import { h, table, notice, field, link, when } from '../dom.js';
import { APPELLANTS, CASE_READERS, DECIDERS, RECORDS } from '../roles.js';
import { attempt } from '../casework.js';

function fileForm(api, message, after) {
  const caseId = h('input', { name: 'case', required: true, inputmode: 'numeric', pattern: '[1-9][0-9]*',
    autocomplete: 'off', size: 8 });
  const reason = h('textarea', { name: 'reason', required: true, maxlength: 2000, rows: 3 });
  const form = h('form', { class: 'card', 'aria-label': 'file an appeal', 'data-testid': 'appeal-form' },
    h('h2', null, 'File an appeal'),
    h('p', { class: 'muted' }, 'On the affected user\'s behalf, against the case\'s latest decision.'),
    h('div', { class: 'row' }, field('Case', caseId)), field('Reason', reason, 'what the user says, up to 2,000 characters'),
    h('button', { type: 'submit' }, 'File the appeal'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const r = await attempt(message, () => api.post(`/api/v1/cases/${encodeURIComponent(caseId.value)}/appeals`,
      { reason: reason.value }));
    if (!r) return;
    message.replaceChildren(notice('ok', `Appeal ${r.appeal} filed on case ${r.case}.`));
    caseId.value = '';
    reason.value = '';
    await after();
  });
  return form;
}

export default {
  path: '/appeals',
  title: 'Appeals',
  roles: [...new Set([...APPELLANTS, ...CASE_READERS])],
  nav: true,
  async render({ api, me }) {
    const message = h('div', { class: 'form-message', 'data-testid': 'appeals-message' });
    const list = h('div');
    const counts = h('div');
    const canRead = CASE_READERS.includes(me.role);
    const canDecide = DECIDERS.includes(me.role);
    const refresh = async () => {
      if (RECORDS.includes(me.role)) {
        const dsa = await api.get('/api/v1/reports/dsa');
        const a = dsa.counters.appeals;
        counts.replaceChildren(h('p', { 'data-testid': 'appeal-counts' },
          `Appeals filed ${a.filed}, decided ${a.decided}: upheld ${a.upheld}, reversed ${a.reversed}.`));
      }
      if (!canRead) return;
      const { cases } = await api.get('/api/v1/cases?status=appealed&limit=200');
      // The queue row does not carry the appeal: each case is read for its open appeal.
      const rows = await Promise.all(cases.map(async (c) => {
        const v = await api.get(`/api/v1/cases/${c.id}`);
        const open = v.appeals.find((x) => !x.outcome);
        const last = v.decisions.find((d) => open && d.id === open.decision);
        return { c, open, last };
      }));
      const decide = (row, outcome) => h('button', { type: 'button', class: 'small', 'data-case': row.c.id,
        'data-outcome': outcome, onclick: async () => {
          const r = await attempt(message, () => api.post(`/api/v1/cases/${row.c.id}/appeals/decision`, { outcome }));
          if (!r) return;
          await refresh();
          message.replaceChildren(notice('ok', `Appeal on case ${r.case}: ${r.outcome}.`));
        } }, outcome === 'upheld' ? 'Uphold' : 'Reverse');
      list.replaceChildren(h('h2', null, 'Cases under appeal'), rows.length ? table([
        { title: 'case', cell: (r) => link(['cases', r.c.id], `#${r.c.id}`) },
        { title: 'appealed decision', cell: (r) => (r.last ? `${r.last.action} by ${r.last.decided_by}` : '') },
        { title: 'filed by', cell: (r) => (r.open ? r.open.filed_by : '') },
        { title: 'reason', cell: (r) => (r.open ? r.open.reason : '') },
        { title: 'filed (UTC)', cell: (r) => (r.open ? when(r.open.filed_at) : ''), class: 'nowrap' },
        canDecide ? { title: '', cell: (r) => h('span', { class: 'actions' }, decide(r, 'upheld'), decide(r, 'reversed')) } : null,
      ].filter(Boolean), rows, { 'data-testid': 'appeals' }) : h('p', { class: 'muted', 'data-testid': 'appeals-empty' }, 'No case is under appeal.'));
    };
    await refresh();
    return h('section', null, h('h1', null, 'Appeals'),
      canDecide ? h('p', { class: 'muted' }, 'An appeal is decided by a reviewer other than the one who made the decision.') : null,
      message, counts, APPELLANTS.includes(me.role) ? fileForm(api, message, refresh) : null, list);
  },
};
