// SPDX-License-Identifier: Apache-2.0
// tokens.js: API tokens for machines (admins only): list, make (the secret is shown once:
// the store keeps only its hash) and revoke.
import { h, table, notice, field, select, when } from '../dom.js';
import { ADMIN, ROLES } from '../roles.js';

export default {
  path: '/tokens',
  title: 'API tokens',
  roles: ADMIN,
  nav: true,
  async render({ api }) {
    const shown = h('div', { class: 'form-message', 'data-testid': 'tokens-message' });
    const list = h('div');
    const refresh = async () => {
      const { tokens } = await api.get('/api/v1/tokens');
      list.replaceChildren(table([
        { title: 'id', cell: (t) => String(t.id) },
        { title: 'name', cell: (t) => t.name },
        { title: 'role', cell: (t) => t.role },
        { title: 'status', cell: (t) => (t.revoked ? 'revoked' : 'active') },
        { title: 'made (UTC)', cell: (t) => when(t.created_at), class: 'nowrap' },
        { title: '', cell: (t) => (t.revoked ? '' : h('button', { type: 'button', class: 'small danger',
          onclick: async () => {
            if (!window.confirm(`Revoke token ${t.id} (${t.name})? Machines using it stop working.`)) return;
            try {
              await api.del(`/api/v1/tokens/${t.id}`);
              shown.replaceChildren(notice('ok', `Token ${t.id} revoked.`));
              await refresh();
            } catch (err) {
              shown.replaceChildren(notice('error', err.message));
            }
          } }, 'Revoke')) },
      ], tokens, { 'data-testid': 'tokens' }));
    };
    const name = h('input', { name: 'name', required: true, maxlength: 64, autocomplete: 'off' });
    const role = select('role', ROLES, 'analyst');
    const form = h('form', { class: 'card', 'aria-label': 'make a token' }, h('h2', null, 'Make a token'),
      h('div', { class: 'row' }, field('Name', name), field('Role', role)),
      h('button', { type: 'submit' }, 'Make'));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      try {
        const t = await api.post('/api/v1/tokens', { name: name.value, role: role.value });
        shown.replaceChildren(notice('ok', `Token ${t.id} (${t.role}), shown once: `,
          h('code', { 'data-testid': 'new-token' }, t.token)));
        name.value = '';
        await refresh();
      } catch (err) {
        shown.replaceChildren(notice('error', err.message));
      }
    });
    await refresh();
    return h('section', null, h('h1', null, 'API tokens'), shown, form, list);
  },
};
