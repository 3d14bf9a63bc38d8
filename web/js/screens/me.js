// SPDX-License-Identifier: Apache-2.0
// me.js: who is signed in, as the server says (/api/v1/me). The real name appears only for an
// admin, because only then does the server send it.
import { h } from '../dom.js';
import { ALL, ROLE_LABELS } from '../roles.js';

export default {
  path: '/me',
  title: 'Me',
  roles: ALL,
  nav: true,
  async render({ api }) {
    const me = await api.get('/api/v1/me');
    const rows = [
      ['Pseudonym', me.pseudonym],
      ['Role', ROLE_LABELS[me.role] || me.role],
      ['Account', `${me.kind} ${me.id}`],
    ];
    if (me.name) rows.push(['Name (admins only)', me.name]);
    return h('section', null, h('h1', null, 'Me'),
      h('dl', { class: 'facts', 'data-testid': 'me' }, rows.map(([k, v]) => [h('dt', null, k), h('dd', null, v)])),
      h('p', { class: 'muted' }, 'Everyone but admins sees you by your pseudonym only.'));
  },
};
