// SPDX-License-Identifier: Apache-2.0
// queue.js: the review queue (GET /api/v1/cases): lanes first (urgent, removal order, trusted
// flagger, normal), then priority, highest first, as the server orders it. Filters by lane,
// status, "mine" and "unclaimed"; a claim button per case (the claim is exclusive: a case
// another reviewer holds answers 409 and the message is shown); bulk select with claim and
// release, and bulk decide (POST /cases/bulk with "decide" and one decision for every selected
// case: the server decides each as POST /cases/{id}/decisions would, with its own audit entry,
// and answers one result per case). Claimants by pseudonym only.
import { h, table, notice, field, select, link, when } from '../dom.js';
import { CASE_READERS, DECIDERS } from '../roles.js';
import { query } from '../api.js';
import { LANES, STATUSES, num, laneBadge, decisionFields, attempt } from '../casework.js';

const LIMIT = 200;

function readFilters() {
  const q = new URLSearchParams(location.hash.split('?')[1] || '');
  return { lane: q.get('lane') || '', status: q.get('status') || 'open',
    mine: q.get('mine') === '1', unclaimed: q.get('unclaimed') === '1' };
}

export default {
  path: '/cases',
  title: 'Queue',
  roles: CASE_READERS,
  nav: true,
  async render({ api, me }) {
    const canDecide = DECIDERS.includes(me.role);
    const f = readFilters();
    const message = h('div', { class: 'form-message', 'data-testid': 'queue-message' });
    const list = h('div');
    const selected = new Set();
    const count = h('span', { class: 'muted', 'data-testid': 'selected-count' }, '0 selected');
    const lane = select('lane', ['', ...LANES], f.lane);
    lane.options[0].textContent = 'every lane';
    const status = select('status', STATUSES, f.status);
    const mine = h('input', { type: 'checkbox', name: 'mine', checked: f.mine });
    const unclaimed = h('input', { type: 'checkbox', name: 'unclaimed', checked: f.unclaimed });
    const filters = h('form', { class: 'card filters', 'aria-label': 'filter the queue' },
      h('div', { class: 'row' }, field('Lane', lane), field('Status', status),
        h('label', { class: 'check' }, mine, ' claimed by me'),
        h('label', { class: 'check' }, unclaimed, ' unclaimed'),
        h('button', { type: 'submit' }, 'Filter')));
    filters.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const q = query({ lane: lane.value, status: status.value === 'open' ? '' : status.value,
        mine: mine.checked ? 1 : '', unclaimed: unclaimed.checked ? 1 : '' });
      location.hash = `#/cases${q}`;
    });

    const refresh = async () => {
      const { cases } = await api.get(`/api/v1/cases${query({ lane: f.lane, status: f.status,
        mine: f.mine ? 1 : '', unclaimed: f.unclaimed ? 1 : '', limit: LIMIT })}`);
      selected.clear();
      count.textContent = '0 selected';
      const tick = (c) => h('input', { type: 'checkbox', 'aria-label': `select case ${c.id}`,
        'data-case': c.id, onchange: (ev) => {
          if (ev.target.checked) selected.add(c.id);
          else selected.delete(c.id);
          count.textContent = `${selected.size} selected`;
        } });
      const claim = (c) => (c.status === 'decided' || c.claimed_by ? '' : h('button', {
        type: 'button', class: 'small', 'data-claim': c.id, onclick: async () => {
          const ok = await attempt(message, () => api.post(`/api/v1/cases/${c.id}/claim`, {}));
          if (!ok) return;
          await refresh();
          message.replaceChildren(notice('ok', `Case ${c.id} is yours.`));
        } }, 'Claim'));
      list.replaceChildren(cases.length ? table([
        canDecide ? { title: '', cell: tick } : null,
        { title: 'case', cell: (c) => link(['cases', c.id], `#${c.id}`) },
        { title: 'lane', cell: (c) => laneBadge(c.lane) },
        { title: 'priority', cell: (c) => num(c.priority), class: 'num' },
        { title: 'risk · reach · freshness', cell: (c) => `${num(c.risk, 2)} · ${num(c.reach, 2)} · ${num(c.freshness, 2)}`, class: 'nowrap' },
        { title: 'target', cell: (c) => `${c.target_type} ${c.target}` },
        { title: 'opened by', cell: (c) => (c.rule ? `rule ${c.rule}` : c.source) },
        { title: 'status', cell: (c) => c.status },
        { title: 'claimed by', cell: (c) => c.claimed_by || '' },
        { title: 'opened (UTC)', cell: (c) => when(c.created_at), class: 'nowrap' },
        canDecide ? { title: '', cell: claim } : null,
      ].filter(Boolean), cases, { 'data-testid': 'queue' })
        : h('p', { class: 'muted', 'data-testid': 'queue-empty' }, 'No case matches.'));
    };

    // A store error part-way through a bulk action answers 500 or 503 with the results so far
    // (the cases before it stay done): show them rather than the bare error.
    const bulkPost = (body) => api.post('/api/v1/cases/bulk', body).catch((err) => {
      if (err.data && Array.isArray(err.data.results)) return err.data;
      throw err;
    });
    const outcome = (res) => (res.failed ? 'error' : res.refused ? 'info' : 'ok');
    const failedText = (res) => (res.failed ? ` ${res.failed} failed (${res.error}).` : '');
    const bulkClaim = (action) => async () => {
      if (!selected.size) {
        message.replaceChildren(notice('error', 'Select cases first.'));
        return;
      }
      const res = await attempt(message, () => bulkPost({ action, ids: [...selected] }));
      if (!res) return;
      const refusedIds = res.results.filter((x) => x.result !== 'done').map((x) => `#${x.id} (${x.result})`);
      await refresh();
      message.replaceChildren(notice(outcome(res), `${action}: ${res.done} done`,
        res.refused || res.failed ? `, not done: ${refusedIds.join(', ')}` : '', '.', failedText(res)));
    };
    const decision = decisionFields();
    const bulkDecide = async () => {
      if (!selected.size) {
        message.replaceChildren(notice('error', 'Select cases first.'));
        return;
      }
      let body;
      try {
        body = decision.body();
      } catch (err) {
        message.replaceChildren(notice('error', err.message));
        return;
      }
      // One request: the server decides each case as the single call would, in a transaction
      // of its own, and answers one result per case (a refused case stores nothing).
      const ids = [...selected].sort((a, b) => a - b);
      const res = await attempt(message, () => bulkPost({ action: 'decide', ids, decision: body }));
      if (!res) return;
      await refresh();
      message.replaceChildren(notice(outcome(res),
        h('p', { 'data-testid': 'bulk-summary' }, `decide (${body.action}): ${res.done} done, ${res.refused} refused.${failedText(res)}`),
        h('ul', { 'data-testid': 'bulk-results' }, res.results.map((x) => h('li', { 'data-case': x.id },
          x.result === 'done' ? `case ${x.id}: decision ${x.decision} (${body.action})`
            : `case ${x.id}: ${x.result}${x.error ? `: ${x.error}` : ''}`)))));
    };
    const bulk = canDecide ? h('details', { class: 'card bulk' },
      h('summary', null, 'Bulk actions on the selected cases ', count),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'small', 'data-testid': 'bulk-claim', onclick: bulkClaim('claim') }, 'Claim selected'),
        h('button', { type: 'button', class: 'small', 'data-testid': 'bulk-release', onclick: bulkClaim('release') }, 'Release selected')),
      h('h2', null, 'Decide the selected cases you hold'), decision.node,
      h('button', { type: 'button', 'data-testid': 'bulk-decide', onclick: bulkDecide }, 'Decide selected')) : null;

    await refresh();
    return h('section', null, h('h1', null, 'Queue'),
      h('p', { class: 'muted' }, 'Lanes first (urgent, removal order, trusted flagger, normal), then priority = risk × reach × freshness.'),
      filters, bulk, message, list,
      h('p', { class: 'muted' }, `At most ${LIMIT} cases are listed.`));
  },
};
