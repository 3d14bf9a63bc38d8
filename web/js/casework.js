// SPDX-License-Identifier: Apache-2.0
// casework.js: what the case screens share: the lanes and decision kinds of docs/cases.md,
// number formatting, and the decision form (one case, or many in the queue's bulk decide).
// The server checks every field again; these lists only decide what the form offers.
import { h, field, select, notice } from './dom.js';

export const LANES = ['urgent', 'removal_order', 'trusted_flagger', 'normal'];
export const LANE_LABELS = {
  urgent: 'urgent',
  removal_order: 'removal order',
  trusted_flagger: 'trusted flagger',
  normal: 'normal',
};
export const STATUSES = ['open', 'decided', 'appealed', 'any'];

// Decision kinds with what each does (shown under the select).
export const ACTIONS = [
  ['suspend_account', 'suspend the account'],
  ['remove_post', 'remove the post'],
  ['restrict_visibility', 'demote the post'],
  ['label', 'label the post'],
  ['geo_restrict', 'withhold in the jurisdictions given'],
  ['escalate_law_enforcement', 'urgent: threat to life; moves the case to the urgent lane, open and unclaimed'],
  ['no_action', 'no action'],
];
export const GROUNDS = ['illegal_content', 'incompatible_with_terms'];

// A score as the API gives it, 3 decimals; '—' for none.
export function num(x, digits = 3) {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : '—';
}

export function laneBadge(lane) {
  return h('span', { class: `lane lane-${lane}` }, LANE_LABELS[lane] || lane);
}

// The fields of a decision. Returns { node, body() } where body() gives the JSON to POST to
// /cases/{id}/decisions or throws an Error naming the field a person left out.
export function decisionFields() {
  const action = select('action', ACTIONS.map(([a]) => a), 'suspend_account');
  const what = h('span', { class: 'field-hint', 'data-testid': 'action-hint' });
  const ground = select('ground', GROUNDS, 'illegal_content');
  const juris = h('input', { name: 'jurisdictions', maxlength: 200, autocomplete: 'off',
    placeholder: 'DE, FR or EU' });
  const jurisField = field('Jurisdictions', juris, 'two-letter codes or EU, comma separated');
  const legal = h('input', { name: 'legal_ground', maxlength: 500, autocomplete: 'off',
    placeholder: 'Regulation (EU) 2021/784 Art. 2(7)' });
  const explanation = h('textarea', { name: 'explanation', maxlength: 2000, rows: 3 });
  const automated = h('input', { type: 'checkbox', name: 'automated' });
  const sync = () => {
    const a = action.value;
    what.textContent = (ACTIONS.find(([k]) => k === a) || [a, ''])[1];
    jurisField.hidden = a !== 'geo_restrict';
    ground.disabled = a === 'no_action' || a === 'escalate_law_enforcement';
  };
  action.addEventListener('change', sync);
  sync();
  const node = h('div', { class: 'decision-fields' },
    h('div', { class: 'row' },
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Decision'), action, what),
      field('Ground', ground), jurisField, field('Legal ground', legal, 'optional')),
    field('Explanation', explanation, 'goes, scrubbed of handles, URLs and numbers, into the statement of reasons'),
    h('label', { class: 'check' }, automated, ' decided by automated means'));
  const body = () => {
    const b = { action: action.value };
    if (!ground.disabled) b.ground = ground.value;
    if (action.value === 'geo_restrict') {
      const codes = juris.value.split(/[\s,]+/).map((c) => c.trim().toUpperCase()).filter(Boolean);
      if (!codes.length) throw new Error('geo_restrict needs at least one jurisdiction (DE, FR, EU...)');
      b.jurisdictions = codes;
    }
    if (legal.value.trim()) b.legal_ground = legal.value.trim();
    if (explanation.value.trim()) b.explanation = explanation.value.trim();
    if (automated.checked) b.automated = true;
    return b;
  };
  return { node, body };
}

// Runs fn() and shows its error in `where`; returns fn's result or undefined.
export async function attempt(where, fn) {
  try {
    return await fn();
  } catch (err) {
    where.replaceChildren(notice('error', err.message || String(err)));
    return undefined;
  }
}
