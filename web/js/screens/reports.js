// SPDX-License-Identifier: Apache-2.0
// reports.js: reports (staff) and notices (trusted flaggers): the list, newest first (a
// trusted flagger sees only what it filed: the server filters), one report, and the filing
// form. Filers are shown by pseudonym; the filer's account id comes only to admins.
import { h, table, notice, field, select, link, when } from '../dom.js';
import { ALL, FILERS } from '../roles.js';

const LIMIT = 200;

function filer(r) {
  return r.filer ? `${r.filer.pseudonym} (${r.filer.role})` : '';
}

export const reportList = {
  path: '/reports',
  title: 'Reports',
  roles: ALL,
  nav: true,
  async render({ api, me }) {
    const { reports } = await api.get(`/api/v1/reports?limit=${LIMIT}`);
    const partner = me.role === 'trusted_flagger';
    const head = h('div', { class: 'heading' },
      h('h1', null, partner ? 'Your notices' : 'Reports and notices'),
      FILERS.includes(me.role) ? link(['reports', 'new'], partner ? 'File a notice' : 'File a report',
        { class: 'button', 'data-testid': 'file-report' }) : null);
    if (!reports.length)
      return h('section', null, head, h('p', { class: 'muted', 'data-testid': 'reports-empty' }, 'Nothing filed yet.'));
    return h('section', null, head,
      partner ? h('p', { class: 'muted' }, 'You see the notices your organisation filed, and only those.') : null,
      table([
        { title: 'id', cell: (r) => link(['reports', r.id], `#${r.id}`) },
        { title: 'kind', cell: (r) => r.kind },
        { title: 'target', cell: (r) => `${r.target_type} ${r.target}` },
        { title: 'platform', cell: (r) => r.platform || '' },
        { title: 'category', cell: (r) => r.category || '' },
        { title: 'reason', cell: (r) => h('span', { class: 'clip', title: r.reason }, r.reason) },
        { title: 'filed by', cell: filer },
        { title: 'filed (UTC)', cell: (r) => when(r.created_at), class: 'nowrap' },
      ], reports, { 'data-testid': 'reports' }),
      reports.length === LIMIT ? h('p', { class: 'muted' }, `The newest ${LIMIT} are shown.`) : null);
  },
};

export const reportDetail = {
  path: '/reports/:id',
  title: 'Report',
  roles: ALL,
  nav: false,
  async render({ api, params }) {
    if (!/^[1-9][0-9]*$/.test(params.id)) throw new Error('a report id is a positive number');
    const r = await api.get(`/api/v1/reports/${params.id}`);
    const facts = [
      ['Kind', r.kind], ['Target', `${r.target_type} ${r.target}`], ['Platform', r.platform || '—'],
      ['Category', r.category || '—'], ['Filed by', filer(r)], ['Filer account (admins only)', r.filer && r.filer.id],
      ['Filed (UTC)', when(r.created_at)],
    ].filter(([, v]) => v);
    return h('section', { 'data-testid': 'report' }, h('h1', null, `${r.kind === 'notice' ? 'Notice' : 'Report'} #${r.id}`),
      h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', null, k), h('dd', null, v)])),
      h('h2', null, 'Reason'), h('p', { class: 'reason' }, r.reason),
      link(['reports'], '← all reports'));
  },
};

export const reportNew = {
  path: '/reports/new',
  title: 'File a report',
  roles: FILERS,
  nav: false,
  render({ api, me, go }) {
    const partner = me.role === 'trusted_flagger';
    const targetType = select('target_type', ['post', 'account'], 'post');
    const target = h('input', { name: 'target', required: true, maxlength: 256, autocomplete: 'off' });
    const platform = h('input', { name: 'platform', maxlength: 64, autocomplete: 'off' });
    const category = h('input', { name: 'category', maxlength: 64, autocomplete: 'off' });
    const reason = h('textarea', { name: 'reason', required: true, maxlength: 4000, rows: 5 });
    const message = h('div', { class: 'form-message' });
    const form = h('form', { class: 'card', 'aria-label': 'file a report' },
      h('h1', null, partner ? 'File a notice' : 'File a report'),
      h('div', { class: 'row' }, field('Target type', targetType),
        field('Target', target, 'post or account id on the platform'),
        field('Platform', platform, 'optional'), field('Category', category, 'optional')),
      field('Reason', reason, 'what the content does, in your words (up to 4,000 characters)'),
      message, h('button', { type: 'submit' }, partner ? 'File the notice' : 'File the report'));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = { target_type: targetType.value, target: target.value, reason: reason.value };
      if (platform.value) body.platform = platform.value;
      if (category.value) body.category = category.value;
      try {
        const r = await api.post('/api/v1/reports', body);
        go(`/reports/${r.id}`);
      } catch (err) {
        message.replaceChildren(notice('error', err.message));
      }
    });
    return form;
  },
};
