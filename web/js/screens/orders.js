// SPDX-License-Identifier: Apache-2.0
// orders.js: TCO removal orders (docs/records.md). The list with each order's one-hour clock,
// the Annex I intake form (leads and admins; the receipt time is the server's clock when it
// handles the authenticated request, and the clock starts there), and one order: its Annex I
// fields, a live countdown to the deadline that turns red when late, the action (removed or
// disabled -> Annex II; cannot comply -> Annex III, which pauses the clock until the
// authority's clarification restarts it for a full hour) and the Art 4 scrutiny of a
// cross-border order. The countdown is computed from the server's deadline and this
// browser's clock, refreshed every second, and stops when the screen is left.
import { h, table, notice, field, select, link } from '../dom.js';
import { CASE_READERS, DECIDERS, LEADS } from '../roles.js';
import { attempt } from '../casework.js';

const REASONS = [
  ['a', 'incites the commission of terrorist offences'],
  ['b', 'solicits a person or group to commit or contribute to terrorist offences'],
  ['c', 'solicits a person or group to participate in the activities of a terrorist group'],
  ['d', 'provides instruction on making or using weapons or hazardous substances'],
  ['e', 'constitutes a threat to commit a terrorist offence'],
];
const ANNEX3_REASONS = ['force_majeure', 'de_facto_impossibility', 'manifest_errors', 'insufficient_information'];

function pad(n) {
  return String(n).padStart(2, '0');
}

// "59:58 left", "late by 0:12:03", "paused", or the time taken once acted on.
export function clockText(order, nowMs) {
  const k = order.clock || {};
  if (order.acted_at) {
    const s = k.seconds_receipt_to_action;
    return typeof s === 'number' ? `acted after ${Math.floor(s / 60)} min ${s % 60} s${k.within_hour === false ? ' (late)' : ''}` : 'acted';
  }
  if (k.paused) return 'paused (Annex III sent; awaiting clarification)';
  const left = Math.round((Date.parse(k.deadline) - nowMs) / 1000);
  if (left >= 0) return `${pad(Math.floor(left / 60))}:${pad(left % 60)} left`;
  const late = -left;
  return `late by ${Math.floor(late / 3600)}:${pad(Math.floor((late % 3600) / 60))}:${pad(late % 60)}`;
}

function isLate(order, nowMs) {
  const k = order.clock || {};
  if (order.acted_at) return k.within_hour === false;
  return !k.paused && Date.parse(k.deadline) < nowMs;
}

// A clock element that keeps itself up to date every second while it is on the page.
export function liveClock(order) {
  const el = h('span', { class: 'clock', 'data-testid': 'clock', 'data-order': order.id });
  const tick = () => {
    const now = Date.now();
    el.textContent = clockText(order, now);
    el.classList.toggle('clock-late', isLate(order, now));
  };
  tick();
  if (!order.acted_at && !(order.clock && order.clock.paused)) {
    // Stops once the element has been on the page and left it (or was never shown in a minute).
    let seen = false;
    const made = Date.now();
    const timer = setInterval(() => {
      if (el.isConnected) seen = true;
      if ((seen && !el.isConnected) || (!seen && Date.now() - made > 60000)) {
        clearInterval(timer);
        return;
      }
      tick();
    }, 1000);
  }
  return el;
}

function intakeForm(api, message, go) {
  const input = (name, props = {}) => h('input', { name, autocomplete: 'off', ...props });
  const reference = input('reference', { required: true, maxlength: 128 });
  const state = input('issuing_state', { required: true, maxlength: 2, size: 4, placeholder: 'FR' });
  const authority = input('authority', { required: true, maxlength: 1024 });
  const issued = input('issued_at', { required: true, placeholder: '2026-11-23T12:00:00Z' });
  const urls = h('textarea', { name: 'urls', required: true, rows: 3, placeholder: 'one http(s) URL a line' });
  const reasons = REASONS.map(([k, text]) => h('label', { class: 'check' },
    h('input', { type: 'checkbox', name: 'reason', value: k }), ` (${k}) ${text}`));
  const details = h('textarea', { name: 'reasons_detail', rows: 2 });
  const gag = h('input', { type: 'checkbox', name: 'gag' });
  const gagUntil = input('gag_until', { placeholder: 'ISO 8601' });
  const provider = input('provider_state', { maxlength: 2, size: 4, placeholder: 'DE' });
  const authorityType = select('authority_type', ['', 'judicial', 'law_enforcement', 'other'], '');
  const followUp = input('follow_up_contact');
  const redress = input('redress');
  const addressee = input('addressee');
  const contact = input('contact_point');
  const posts = input('posts', { placeholder: 'stored post ids, comma separated' });
  const form = h('form', { class: 'card', 'aria-label': 'receive a removal order', 'data-testid': 'order-form' },
    h('h2', null, 'Receive a removal order (Annex I)'),
    h('p', { class: 'muted' }, 'The one-hour clock starts when the server records the receipt.'),
    h('div', { class: 'row' }, field('A: reference', reference), field('A: issuing Member State', state),
      field('A: issued at', issued, 'ISO 8601 or epoch seconds'), field('A: Member State of the provider', provider, 'cross-border when it differs')),
    h('div', { class: 'row' }, field('E: issuing authority', authority), field('E: authority type', authorityType)),
    field('B: URLs', urls), h('fieldset', null, h('legend', null, 'B: reasons (Art 2(7))'), reasons),
    field('B: reasons in detail', details, 'optional'), field('B: posts', posts, 'optional'),
    h('div', { class: 'row' }, h('label', { class: 'check' }, gag, ' C: do not inform the content provider'),
      field('C: until', gagUntil)),
    h('div', { class: 'row' }, field('F: follow-up contact', followUp), field('G: redress', redress),
      field('A: addressee', addressee), field('A: contact point', contact)),
    h('button', { type: 'submit' }, 'Record the receipt'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = {
      reference: reference.value.trim(), issuing_state: state.value.trim().toUpperCase(),
      authority: authority.value.trim(),
      issued_at: /^[0-9]+$/.test(issued.value.trim()) ? Number(issued.value.trim()) : issued.value.trim(),
      urls: urls.value.split(/\s+/).filter(Boolean),
      reasons: reasons.map((l) => l.querySelector('input')).filter((i) => i.checked).map((i) => i.value),
    };
    const opt = { reasons_detail: details.value.trim(), provider_state: provider.value.trim().toUpperCase(),
      authority_type: authorityType.value, follow_up_contact: followUp.value.trim(), redress: redress.value.trim(),
      addressee: addressee.value.trim(), contact_point: contact.value.trim() };
    for (const [k, v] of Object.entries(opt)) if (v) body[k] = v;
    if (posts.value.trim()) body.posts = posts.value.split(/[\s,]+/).filter(Boolean);
    if (gag.checked) {
      body.gag = true;
      body.gag_until = gagUntil.value.trim();
    }
    const o = await attempt(message, () => api.post('/api/v1/orders', body));
    if (o) go(`/orders/${o.id}`);
  });
  return form;
}

export const orderList = {
  path: '/orders',
  title: 'Removal orders',
  roles: CASE_READERS,
  nav: true,
  async render({ api, me, go }) {
    const message = h('div', { class: 'form-message', 'data-testid': 'orders-message' });
    const { orders } = await api.get('/api/v1/orders?limit=200');
    const stats = await api.get('/api/v1/orders/stats');
    return h('section', null, h('h1', null, 'Removal orders'), message,
      h('p', { 'data-testid': 'order-stats' }, `Received ${stats.orders_received ?? stats.received ?? 0}, acted on ${stats.orders_acted_on ?? stats.acted_on ?? 0}, `,
        `pending ${stats.pending ?? 0} (${stats.pending_overdue ?? 0} past the hour).`),
      orders.length ? table([
        { title: 'order', cell: (o) => link(['orders', o.id], `#${o.id}`) },
        { title: 'reference', cell: (o) => o.reference },
        { title: 'state / authority', cell: (o) => `${o.issuing_state} · ${o.authority}` },
        { title: 'received (UTC)', cell: (o) => o.received_at, class: 'nowrap' },
        { title: 'state', cell: (o) => o.state },
        { title: 'clock', cell: liveClock, class: 'nowrap' },
        { title: 'URLs', cell: (o) => String(((o.annex1 || {}).urls || []).length) },
      ], orders, { 'data-testid': 'orders' }) : h('p', { class: 'muted' }, 'No removal order received.'),
      LEADS.includes(me.role) ? intakeForm(api, message, go) : null);
  },
};

function annexView(title, data, testid) {
  return h('details', { class: 'card', 'data-testid': testid, open: true }, h('summary', null, title),
    h('pre', { class: 'json' }, JSON.stringify(data, null, 2)));
}

export const orderDetail = {
  path: '/orders/:id',
  title: 'Removal order',
  roles: CASE_READERS,
  nav: false,
  async render({ api, params, me, refresh }) {
    if (!/^[1-9][0-9]*$/.test(params.id)) throw new Error('an order id is a positive number');
    const o = await api.get(`/api/v1/orders/${params.id}`);
    const message = h('div', { class: 'form-message', 'data-testid': 'order-message' });
    const post = async (path, body) => {
      const r = await attempt(message, () => api.post(`/api/v1/orders/${o.id}/${path}`, body));
      if (r) await refresh();
    };
    const a1 = o.annex1 || {};
    const parts = [];
    if (DECIDERS.includes(me.role) && (o.state === 'received')) {
      const measure = select('action', ['removed', 'disabled', 'cannot_comply'], 'removed');
      const posts = h('input', { name: 'posts', autocomplete: 'off', placeholder: 'stored post ids, comma separated' });
      const reasons = ANNEX3_REASONS.map((k) => h('label', { class: 'check' }, h('input', { type: 'checkbox', value: k }), ` ${k.replace(/_/g, ' ')}`));
      const explanation = h('textarea', { name: 'explanation', rows: 2 });
      const clarification = h('textarea', { name: 'clarification', rows: 2 });
      const annex3 = h('div', null, h('fieldset', null, h('legend', null, 'Annex III reasons'), reasons),
        field('Explanation', explanation), field('Clarification needed', clarification, 'required for manifest errors and insufficient information'));
      const sync = () => { annex3.hidden = measure.value !== 'cannot_comply'; posts.disabled = measure.value === 'cannot_comply'; };
      measure.addEventListener('change', sync);
      sync();
      const form = h('form', { class: 'card', 'aria-label': 'act on the order', 'data-testid': 'order-action' },
        h('h2', null, 'Act on the order'), h('div', { class: 'row' }, field('Measure', measure), field('Posts', posts, 'optional: copied into the evidence vault')),
        annex3, h('button', { type: 'submit' }, 'Record'));
      form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        const body = { action: measure.value };
        if (measure.value === 'cannot_comply') {
          body.reasons = reasons.map((l) => l.querySelector('input')).filter((i) => i.checked).map((i) => i.value);
          if (explanation.value.trim()) body.explanation = explanation.value.trim();
          if (clarification.value.trim()) body.clarification = clarification.value.trim();
        } else if (posts.value.trim()) {
          body.posts = posts.value.split(/[\s,]+/).filter(Boolean);
        }
        post('action', body);
      });
      parts.push(form);
    }
    if (LEADS.includes(me.role) && o.state === 'paused') {
      const note = h('input', { name: 'note', autocomplete: 'off' });
      const form = h('form', { class: 'card', 'aria-label': 'clarified', 'data-testid': 'order-clarified' },
        h('h2', null, 'The authority clarified'), field('Note', note, 'the clock restarts for a full hour now'),
        h('button', { type: 'submit' }, 'Restart the clock'));
      form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        post('clarified', note.value.trim() ? { note: note.value.trim() } : {});
      });
      parts.push(form);
    }
    if (LEADS.includes(me.role) && o.cross_border && !['confirmed', 'revoked'].includes(o.scrutiny)) {
      const btn = (state) => h('button', { type: 'button', class: 'small', 'data-scrutiny': state,
        onclick: () => post('scrutiny', { state }) }, state);
      parts.push(h('div', { class: 'card', 'data-testid': 'order-scrutiny' }, h('h2', null, 'Scrutiny (Art 4, cross-border)'),
        h('div', { class: 'actions' }, o.scrutiny ? null : btn('requested'), btn('confirmed'), btn('revoked'))));
    }
    if (o.acted_at) parts.push(annexView('Annex II reply', await api.get(`/api/v1/orders/${o.id}/annex2`), 'annex2'));
    if (o.annex3_replies) parts.push(annexView('Annex III reply (latest)', await api.get(`/api/v1/orders/${o.id}/annex3`), 'annex3'));
    const rows = [
      ['Reference', o.reference], ['Issuing state', o.issuing_state], ['Authority', o.authority],
      ['Issued', o.issued_at], ['Received (authenticated)', o.received_at], ['State', h('span', { 'data-testid': 'order-state' }, o.state)],
      ['Clock started', o.clock && o.clock.started_at], ['Deadline', o.clock && o.clock.deadline],
      ['Cross-border', o.cross_border ? `yes (provider in ${o.provider_state})` : 'no'],
      ['Scrutiny', o.scrutiny || ''], ['Do not inform before', o.notice_not_before || ''],
      ['Reasons', (a1.reasons || []).map((k) => `(${k}) ${(REASONS.find(([x]) => x === k) || [k, ''])[1]}`).join('; ')],
    ].filter(([, v]) => v);
    return h('section', { 'data-testid': 'order' },
      h('div', { class: 'heading' }, h('h1', null, `Removal order #${o.id}`), liveClock(o)),
      message,
      h('dl', { class: 'facts' }, rows.map(([k, v]) => [h('dt', null, k), h('dd', null, v)])),
      h('h2', null, 'URLs'), h('ul', { class: 'urls' }, (a1.urls || []).map((u) => h('li', null, h('code', null, u)))),
      parts, link(['orders'], '← all orders'));
  },
};
