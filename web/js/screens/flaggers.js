// SPDX-License-Identifier: Apache-2.0
// flaggers.js: trusted flaggers' accuracy (upheld / decided over the cases their notices
// joined; docs/cases.md). A trusted flagger sees its own row (GET /flaggers/me); leads and
// admins see every flagger (GET /flaggers) and can mute an abusive reporter (its notices are
// still stored and counted but open no case) or unmute it, with a reason; both are audited.
import { h, table, notice } from '../dom.js';
import { FLAGGER_VIEWERS, LEADS } from '../roles.js';
import { attempt } from '../casework.js';

function pct(x) {
  return typeof x === 'number' ? `${(x * 100).toFixed(0)} %` : 'no decision yet';
}

export default {
  path: '/flaggers',
  title: 'Trusted flaggers',
  roles: FLAGGER_VIEWERS,
  nav: true,
  async render({ api, me }) {
    const lead = LEADS.includes(me.role);
    const message = h('div', { class: 'form-message', 'data-testid': 'flaggers-message' });
    const list = h('div');
    const refresh = async () => {
      const { flaggers } = await api.get(lead ? '/api/v1/flaggers' : '/api/v1/flaggers/me');
      const mute = (f) => {
        const reason = h('input', { name: 'reason', maxlength: 2000, autocomplete: 'off', placeholder: 'reason' });
        const form = h('form', { class: 'inline-form', 'aria-label': `mute ${f.pseudonym}` }, reason,
          h('button', { type: 'submit', class: `small${f.muted ? '' : ' danger'}` }, f.muted ? 'Unmute' : 'Mute'));
        form.addEventListener('submit', async (ev) => {
          ev.preventDefault();
          const r = await attempt(message, () => api.post('/api/v1/flaggers/mute', { filer: f.filer, muted: !f.muted, reason: reason.value }));
          if (!r) return;
          await refresh();
          message.replaceChildren(notice('ok', `${f.pseudonym} ${r.muted ? 'muted' : 'unmuted'}.`));
        });
        return form;
      };
      list.replaceChildren(flaggers.length ? table([
        { title: 'flagger', cell: (f) => f.pseudonym },
        { title: 'notices', cell: (f) => String(f.notices), class: 'num' },
        { title: 'decided', cell: (f) => String(f.decided), class: 'num' },
        { title: 'upheld', cell: (f) => String(f.upheld), class: 'num' },
        { title: 'accuracy', cell: (f) => pct(f.accuracy) },
        { title: 'muted', cell: (f) => (f.muted ? 'muted' : 'no') },
        lead ? { title: '', cell: mute } : null,
      ].filter(Boolean), flaggers, { 'data-testid': 'flaggers' }) : h('p', { class: 'muted' }, 'No notice from a trusted flagger yet.'));
    };
    await refresh();
    return h('section', null, h('h1', null, lead ? 'Trusted flaggers' : 'My accuracy'),
      h('p', { class: 'muted' }, 'Accuracy = notices upheld / notices decided (upheld: the case\'s latest decision is not "no action").'),
      message, list);
  },
};
