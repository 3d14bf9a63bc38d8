// SPDX-License-Identifier: Apache-2.0
// evidence.js: the evidence vault (TCO Art 6; docs/records.md). The list is metadata only;
// reading an item's content needs a stated purpose (review, complaint, investigation) and a
// note, and the server writes the audit entry before it answers; keeping an item longer needs
// a later date and a reason. Leads and admins act; auditors read the list.
import { h, table, notice, field, select } from '../dom.js';
import { RECORDS, LEADS } from '../roles.js';
import { attempt } from '../casework.js';

const PURPOSES = ['review', 'complaint', 'investigation'];

function accessForm(api, item, out) {
  const purpose = select('purpose', PURPOSES, 'review');
  const note = h('input', { name: 'note', required: true, maxlength: 2000, autocomplete: 'off', placeholder: 'why you need it' });
  const form = h('form', { class: 'inline-form', 'aria-label': `access evidence ${item.id}` }, purpose, note,
    h('button', { type: 'submit', class: 'small' }, 'Access'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const r = await attempt(out, () => api.post(`/api/v1/evidence/${item.id}/access`, { purpose: purpose.value, note: note.value }));
    if (!r) return;
    out.replaceChildren(notice(r.intact ? 'ok' : 'error', `Item ${r.id} (post ${r.post_id}) for ${r.purpose}; hash ${r.intact ? 'matches' : 'DOES NOT match'}. The access is in the audit log.`),
      h('pre', { class: 'json', 'data-testid': 'evidence-content' }, typeof r.content === 'string' ? r.content : JSON.stringify(r.content, null, 2)));
  });
  return form;
}

function extendForm(api, item, out, refresh) {
  const until = h('input', { name: 'until', type: 'date', required: true });
  const reason = h('input', { name: 'reason', required: true, maxlength: 2000, autocomplete: 'off', placeholder: 'reason' });
  const form = h('form', { class: 'inline-form', 'aria-label': `extend evidence ${item.id}` }, until, reason,
    h('button', { type: 'submit', class: 'small' }, 'Keep longer'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const r = await attempt(out, () => api.post(`/api/v1/evidence/${item.id}/extend`, { until: `${until.value}T00:00:00Z`, reason: reason.value }));
    if (!r) return;
    await refresh();
    out.replaceChildren(notice('ok', `Item ${r.id} kept until ${typeof r.until === 'number' ? new Date(r.until * 1000).toISOString() : r.until}.`));
  });
  return form;
}

export default {
  path: '/evidence',
  title: 'Evidence',
  roles: RECORDS,
  nav: true,
  async render({ api, me }) {
    const out = h('div', { class: 'form-message', 'data-testid': 'evidence-message' });
    const list = h('div');
    const lead = LEADS.includes(me.role);
    const refresh = async () => {
      const { evidence } = await api.get('/api/v1/evidence?limit=200');
      list.replaceChildren(evidence.length ? table([
        { title: 'id', cell: (e) => String(e.id) },
        { title: 'post', cell: (e) => e.post_id },
        { title: 'account', cell: (e) => e.account || '' },
        { title: 'basis', cell: (e) => (e.order_id ? `order ${e.order_id}` : e.basis) },
        { title: 'preserved', cell: (e) => e.preserved_at, class: 'nowrap' },
        { title: 'expires', cell: (e) => `${e.expires_at}${e.expired ? ' (expired)' : ''}`, class: 'nowrap' },
        { title: 'extensions', cell: (e) => String(e.extensions) },
        { title: 'hash', cell: (e) => h('code', { class: 'hash', title: e.content_hash }, (e.content_hash || '').slice(0, 12)) },
        lead ? { title: 'access (audited)', cell: (e) => accessForm(api, e, out) } : null,
        lead ? { title: 'extend', cell: (e) => extendForm(api, e, out, refresh) } : null,
      ].filter(Boolean), evidence, { 'data-testid': 'evidence' }) : h('p', { class: 'muted' }, 'The vault is empty.'));
    };
    await refresh();
    return h('section', null, h('h1', null, 'Evidence vault'),
      h('p', { class: 'muted' }, 'Content removed by a decision or an order, kept six months (TCO Art 6). Only metadata is listed; every access is audited with its purpose.'),
      out, list);
  },
};
