// SPDX-License-Identifier: Apache-2.0
// case.js: one case (GET /api/v1/cases/{id}) with everything the API gives a reviewer: the
// post(s) with their media blurred until clicked, the account (avatar blurred) and its past
// identities, return links, its neighbourhood (follows, followers, interaction partners), its
// stored Leiden community (summary, top members, the account's rank in it),
// bank matches and site-list hits, every score with its explanation (the priority parts with
// the inputs the rules stored in `signals`, each classifier score with its model and flags),
// moderation history, what opened the case, prior decisions, appeals, and the case's audit
// trail. Claim / release, the decision form (every kind, geo-restriction's jurisdictions, the
// law-enforcement urgent lane), filing an appeal and deciding one: the server refuses the
// original decider and its message is shown as it is. People by pseudonym only.
import { h, table, notice, link, when } from '../dom.js';
import { CASE_READERS, DECIDERS, APPELLANTS } from '../roles.js';
import { blurredMedia } from '../media.js';
import { num, laneBadge, decisionFields, attempt } from '../casework.js';

const CATEGORY_BITS = ['incitement', 'solicitation_commit', 'solicitation_join', 'instruction', 'threat'];

function categories(bits) {
  const names = CATEGORY_BITS.filter((_, i) => bits & (1 << i));
  return names.length ? names.join(', ') : 'none';
}

function facts(rows) {
  return h('dl', { class: 'facts' }, rows.filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
}

function part(title, testid, content, empty) {
  const has = Array.isArray(content) ? content.length : content;
  return h('section', { class: 'card part', 'data-testid': testid }, h('h2', null, title),
    has ? content : h('p', { class: 'muted' }, empty || 'None.'));
}

// A medium on this origin (or inline data) is shown as an image, blurred until clicked. The
// console's CSP loads no image from elsewhere (img-src 'self' data: blob:), and fetching a
// platform's media from a reviewer's browser would tell the platform who looks: a medium
// elsewhere is its address, blurred too, with a link that opens it in a new tab without a
// referrer once revealed.
function media(url, alt) {
  if (/^\/[^/]/.test(url) || /^data:image\//.test(url)) return blurredMedia(url, alt);
  const label = h('span', { class: 'media-label' }, 'Click to reveal');
  const open = h('a', { href: /^https?:\/\//i.test(url) ? url : '#', target: '_blank', rel: 'noopener noreferrer',
    hidden: true }, 'open in a new tab');
  const box = h('button', { type: 'button', class: 'media media-external media-blur', 'aria-pressed': 'false' },
    h('span', { class: 'media-url' }, url), label);
  box.addEventListener('click', () => {
    const hidden = box.classList.toggle('media-blur');
    box.setAttribute('aria-pressed', hidden ? 'false' : 'true');
    label.textContent = hidden ? 'Click to reveal' : 'Click to blur';
    open.hidden = hidden;
  });
  return h('span', { class: 'medium' }, box, ' ', open);
}

function posts(list) {
  return list.map((p) => h('article', { class: 'post', 'data-post': p.id },
    h('p', { class: 'post-head muted' }, `${p.id} · ${p.platform} · ${p.account} · ${when(p.created_at)} UTC`,
      p.lang ? ` · ${p.lang}` : '', p.reply_to ? ` · reply to ${p.reply_to}` : '',
      p.repost_of ? ` · repost of ${p.repost_of}` : '', p.quote_of ? ` · quotes ${p.quote_of}` : ''),
    h('p', { class: 'post-text' }, p.text || ''),
    p.hashtags && p.hashtags.length ? h('p', { class: 'muted' }, 'hashtags: ', p.hashtags.join(' ')) : null,
    p.urls && p.urls.length ? h('ul', { class: 'urls' }, p.urls.map((u) => h('li', null, h('code', null, u)))) : null,
    (p.media || []).length ? h('div', { class: 'media-row' }, p.media.map((m) => media(m.url, 'medium of the post'))) : null));
}

// The priority and its parts, each with the inputs it was computed from. An account rule's case
// has no post: its risk comes from the account's return link, network score and storm.
function explanation(c) {
  const s = c.signals || {};
  const account = c.target_type === 'account';
  const riskFrom = account ? [] : [`post score ${num(s.post_score)}`, `threat ${num(s.threat)}`];
  if (typeof s.account_score === 'number') riskFrom.push(`account score ${num(s.account_score)}`);
  if (typeof s.return_score === 'number') riskFrom.push(`return link score ${num(s.return_score)}`);
  if (s.storm) riskFrom.push(`0.7 for a storm (#${s.storm.hashtag})`);
  const raised = [];
  if (s.hash_matches) raised.push(`${s.hash_matches} hash match(es): 1`);
  if (s.text_matches || s.url_matches) raised.push(`${(s.text_matches || 0) + (s.url_matches || 0)} text/URL bank match(es): at least 0.9`);
  if (s.list_hits) raised.push(`${s.list_hits} site-list hit(s): at least 0.7`);
  const ageDays = c.freshness > 0 ? -Math.log2(c.freshness) : null;
  const rows = [
    ['priority', num(c.priority), `risk × reach × freshness = ${num(c.risk)} × ${num(c.reach)} × ${num(c.freshness)}`],
    ['risk', num(c.risk), c.source === 'rule'
      ? `max(${riskFrom.join(', ')})${raised.length ? `; raised by ${raised.join(', ')}` : ''}`
      : '0.5: opened by a report or notice'],
    ['reach', num(c.reach), typeof s.followers === 'number'
      ? `min(1, log10(10 + ${s.followers} followers) / 7)` : 'min(1, log10(10 + followers) / 7)'],
    ['freshness', num(c.freshness), c.source === 'rule' && ageDays !== null
      ? `2^(-age / 1 day): ${account ? "the account's return link or storm (else its newest post)" : 'the post'} was ${ageDays.toFixed(2)} days older than the newest post when the rules ran`
      : '1 for a case opened by a report'],
  ];
  return table([
    { title: 'score', cell: (r) => r[0] },
    { title: 'value', cell: (r) => r[1], class: 'num' },
    { title: 'why', cell: (r) => r[2] },
  ], rows, { 'data-testid': 'explanation' });
}

function scoreTable(scores) {
  return table([
    { title: 'post', cell: (s) => s.post },
    { title: 'model', cell: (s) => s.model },
    { title: 'score', cell: (s) => num(s.score), class: 'num' },
    { title: 'flagged', cell: (s) => (s.flagged ? 'yes' : 'no') },
    { title: 'threat', cell: (s) => num(s.threat), class: 'num' },
    { title: 'categories', cell: (s) => categories(s.categories) },
    { title: 'escalate', cell: (s) => (s.escalate ? 'yes (threat over the escalation threshold)' : 'no') },
    { title: 'exempt cues', cell: (s) => (s.exempt ? 'yes (news, research or counter-speech cues)' : 'no') },
    { title: 'lang', cell: (s) => s.lang || '' },
  ], scores, { 'data-testid': 'scores' });
}

function accountPart(v) {
  const a = v.account[0];
  if (!a) return [];
  return [
    h('div', { class: 'account' },
      a.avatar && a.avatar.url ? media(a.avatar.url, 'avatar') : null,
      facts([['Account', `${a.id} (${a.platform})`], ['Handle', a.handle], ['Name on the platform', a.name],
        ['Bio', a.bio], ['Created (UTC)', when(a.created_at)], ['Followers', String(a.followers ?? '—')],
        ['Following', String(a.following ?? '—')], ['First seen (UTC)', when(a.first_seen)]])),
    h('h3', null, 'Past identities'),
    v.history.length ? table([
      { title: 'handle', cell: (x) => x.handle || '' },
      { title: 'name', cell: (x) => x.name || '' },
      { title: 'bio', cell: (x) => x.bio || '' },
      { title: 'seen (UTC)', cell: (x) => `${when(x.first_seen)} – ${when(x.last_seen)}`, class: 'nowrap' },
    ], v.history, { 'data-testid': 'history' }) : h('p', { class: 'muted' }, 'No earlier identity stored.'),
    h('h3', null, 'Suspensions and reinstatements'),
    v.moderation.length ? table([
      { title: 'kind', cell: (m) => m.kind },
      { title: 'at (UTC)', cell: (m) => when(m.at) },
      { title: 'reason', cell: (m) => m.reason || '' },
    ], v.moderation) : h('p', { class: 'muted' }, 'None stored.'),
  ];
}

function neighbourhood(n) {
  const ids = (list) => (list && list.length ? list.join(', ') : 'none stored');
  return facts([
    ['Follows (up to 25)', ids(n.follows)],
    ['Followers (up to 25)', ids(n.followers)],
    ['Interacts with', n.interacts_with && n.interacts_with.length
      ? n.interacts_with.map((x) => `${x.account} (${x.times}×)`).join(', ') : 'none stored'],
  ]);
}

// The account's Leiden community as the last `vigie network communities` run stored it: the
// community's summary, its highest-scoring members (handles as the platform shows them), and
// where this account stands in it. Communities are not recomputed per view.
function community(k) {
  if (!k || !k.computed_at) {
    return h('p', { class: 'muted', 'data-testid': 'community-none' },
      'No community run is stored (vigie network communities computes and stores them).');
  }
  const run = `as of the run at ${when(k.computed_at)} UTC${k.before ? ` over data before ${when(k.before)} UTC` : ''}, candidates scoring at least ${num(k.threshold, 2)} and the seeds`;
  if (!k.community) {
    return h('p', { class: 'muted', 'data-testid': 'community-none' },
      `The account is in no community of two or more accounts (${run}).`);
  }
  const c = k.community;
  const terms = (list, key) => (list && list.length ? list.map((t) => `${t[key]} (${t.n})`).join(', ') : 'none');
  return [
    facts([
      ['Community', h('span', { 'data-testid': 'community-id' }, c.id)],
      ['Size', h('span', { 'data-testid': 'community-size' }, String(c.size))],
      ['Seeds in it', String(c.seeds)],
      ['Main language', c.lang],
      ['Mean network score', num(c.mean_score)],
      ['This account', k.account ? `rank ${k.account.rank} of ${c.size}, network score ${num(k.account.score)}${k.account.seed ? ', a seed' : ''}` : ''],
      ['Top hashtags', terms(c.top_hashtags, 'tag')],
      ['Top domains', terms(c.top_domains, 'domain')],
    ]),
    h('h3', null, 'Highest-scoring members'),
    table([
      { title: 'account', cell: (m) => m.account },
      { title: 'handle', cell: (m) => m.handle || '' },
      { title: 'network score', cell: (m) => num(m.score), class: 'num' },
      { title: 'seed', cell: (m) => (m.seed ? 'yes' : '') },
    ], c.top_members || [], { 'data-testid': 'community-members' }),
    h('p', { class: 'muted' }, `Stored ${run}.`),
  ];
}

function auditDetail(d) {
  if (!d || typeof d !== 'object') return '';
  return Object.entries(d).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(', ');
}

export default {
  path: '/cases/:id',
  title: 'Case',
  roles: CASE_READERS,
  nav: false,
  async render({ api, params, me, refresh }) {
    if (!/^[1-9][0-9]*$/.test(params.id)) throw new Error('a case id is a positive number');
    const v = await api.get(`/api/v1/cases/${params.id}`);
    const c = v.case;
    const id = c.id;
    const message = h('div', { class: 'form-message', 'data-testid': 'case-message' });
    const canDecide = DECIDERS.includes(me.role);
    const mine = c.claimed_by === me.pseudonym;
    const act = async (path, body, done) => {
      const res = await attempt(message, () => api.post(path, body));
      if (res === undefined) return;
      await refresh();
      // refresh() redraws the screen; say what happened in its message box.
      const box = document.querySelector('[data-testid=case-message]');
      if (box && done) box.replaceChildren(notice('ok', done(res)));
    };

    const claimBar = canDecide ? h('div', { class: 'actions' },
      c.status !== 'decided' && !c.claimed_by ? h('button', { type: 'button', 'data-testid': 'claim',
        onclick: () => act(`/api/v1/cases/${id}/claim`, {}, () => `Case ${id} is yours.`) }, 'Claim') : null,
      c.claimed_by && (mine || me.role !== 'reviewer') ? h('button', { type: 'button', class: 'small',
        'data-testid': 'release', onclick: () => act(`/api/v1/cases/${id}/release`, {}, () => `Case ${id} released.`) },
      'Release') : null) : null;

    let decide = null;
    if (canDecide && mine && c.status === 'open') {
      const d = decisionFields();
      const form = h('form', { class: 'card', 'aria-label': 'decide', 'data-testid': 'decide' },
        h('h2', null, 'Decide'), d.node, h('button', { type: 'submit' }, 'Decide'));
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        let body;
        try {
          body = d.body();
        } catch (err) {
          message.replaceChildren(notice('error', err.message));
          return;
        }
        await act(`/api/v1/cases/${id}/decisions`, body,
          (r) => `Decision ${r.id}: ${r.action}${r.enforce_at > r.decided_at ? `, enforced from ${when(r.enforce_at)} UTC` : ''}.`);
      });
      decide = form;
    } else if (canDecide && c.status === 'open') {
      decide = h('p', { class: 'muted' }, c.claimed_by ? `Claimed by ${c.claimed_by}: only the claimant decides.`
        : 'Claim the case to decide it.');
    }

    const openAppeal = v.appeals.find((a) => !a.outcome);
    let appealForms = null;
    if (APPELLANTS.includes(me.role) && v.decisions.length && !openAppeal) {
      const reason = h('textarea', { name: 'appeal_reason', maxlength: 2000, rows: 2, required: true });
      const form = h('form', { class: 'card', 'aria-label': 'file an appeal', 'data-testid': 'appeal-file' },
        h('h2', null, 'File an appeal'),
        h('p', { class: 'muted' }, 'On the affected user\'s behalf, against the latest decision.'),
        reason, h('button', { type: 'submit' }, 'File the appeal'));
      form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        act(`/api/v1/cases/${id}/appeals`, { reason: reason.value }, (r) => `Appeal ${r.appeal} filed.`);
      });
      appealForms = form;
    } else if (DECIDERS.includes(me.role) && openAppeal) {
      const outcome = (o) => h('button', { type: 'button', 'data-outcome': o,
        onclick: () => act(`/api/v1/cases/${id}/appeals/decision`, { outcome: o }, () => `Appeal ${o}.`) }, o === 'upheld' ? 'Uphold the decision' : 'Reverse the decision');
      appealForms = h('div', { class: 'card', 'data-testid': 'appeal-decide' }, h('h2', null, `Decide appeal ${openAppeal.id}`),
        h('p', null, `Filed by ${openAppeal.filed_by}: `, h('q', null, openAppeal.reason)),
        h('p', { class: 'muted' }, 'A reviewer other than the one who made the appealed decision decides.'),
        h('div', { class: 'actions' }, outcome('upheld'), outcome('reversed')));
    }

    const matches = [
      v.matches.length ? table([
        { title: 'post', cell: (m) => m.post }, { title: 'bank', cell: (m) => String(m.bank) },
        { title: 'kind', cell: (m) => m.kind }, { title: 'distance', cell: (m) => String(m.distance ?? '') },
        { title: 'label', cell: (m) => m.label || '' }, { title: 'TCO', cell: (m) => (m.tco ? 'yes' : '') },
      ], v.matches, { 'data-testid': 'matches' }) : null,
      v.list_hits.length ? table([
        { title: 'post', cell: (m) => m.post }, { title: 'URL', cell: (m) => h('code', null, m.url) },
        { title: 'list', cell: (m) => m.list }, { title: 'entry', cell: (m) => m.value },
        { title: 'severity', cell: (m) => String(m.severity ?? '') },
      ], v.list_hits, { 'data-testid': 'list-hits' }) : null,
    ].filter(Boolean);

    return h('section', { 'data-testid': 'case', 'data-case': id },
      h('div', { class: 'heading' }, h('h1', null, `Case #${id}`), claimBar),
      facts([['Lane', laneBadge(c.lane)], ['Status', h('span', { 'data-testid': 'case-status' }, c.status)],
        ['Target', `${c.target_type} ${c.target}`], ['Account', c.account],
        ['Opened by', c.rule ? `rule ${c.rule}` : c.source], ['Claimed by', c.claimed_by || 'nobody'],
        ['Opened (UTC)', when(c.created_at)], ['Statements held until', c.not_before ? when(c.not_before) : '']]),
      message, decide, appealForms,
      part('Post(s)', 'posts', posts(v.posts), 'No stored post.'),
      h('details', { class: 'card part', 'data-testid': 'explain', open: true },
        h('summary', null, h('h2', null, 'Why this case: every score explained')),
        explanation(c),
        h('h3', null, 'Classifier scores'),
        v.scores.length ? scoreTable(v.scores) : h('p', { class: 'muted' }, 'No classifier score stored.'),
        c.signals && c.signals.rules ? h('p', null, 'Rules that matched: ', c.signals.rules.join(', ')) : null,
        c.signals && c.signals.storm ? h('p', { 'data-testid': 'storm' }, `Storm: #${c.signals.storm.hashtag}, `
          + `from ${when(c.signals.storm.onset)} to ${when(c.signals.storm.last_at)} UTC (storm_alerts: hashtag and onset)`) : null,
        h('p', { class: 'muted' }, 'Formulas (API): ', Object.entries(v.priority_explained || {})
          .map(([k, t]) => `${k} = ${t}`).join('; '))),
      part('Bank matches and site lists', 'matches-part', matches, 'No bank match, no site-list hit.'),
      part('Account', 'account', accountPart(v), 'The account is not in the store.'),
      part('Returned-account links', 'returns', v.return_links.length ? table([
        { title: 'account', cell: (r) => r.account }, { title: 'replaces', cell: (r) => r.replaces },
        { title: 'persona', cell: (r) => r.persona || '' }, { title: 'score', cell: (r) => num(r.score), class: 'num' },
        { title: 'linked (UTC)', cell: (r) => when(r.linked_at) },
        { title: 'evidence', cell: (r) => h('span', { class: 'clip', title: JSON.stringify(r.evidence) }, JSON.stringify(r.evidence)) },
      ], v.return_links) : [], 'No return link of or to this account.'),
      part('Neighbourhood', 'neighbourhood', neighbourhood(v.neighbourhood || {})),
      part('Community', 'community', community(v.community)),
      part('What opened it', 'sources', table([
        { title: 'kind', cell: (s) => s.kind },
        { title: 'what', cell: (s) => (s.report ? `${s.report.kind} by ${s.report.filer} (${s.report.filer_role}): ${s.report.reason}`
          : s.kind === 'order' ? link(['orders', s.ref], `removal order #${s.ref}`) : s.ref) },
        { title: 'at (UTC)', cell: (s) => when(s.at) },
      ], v.sources)),
      part('Decisions', 'decisions', v.decisions.length ? table([
        { title: 'id', cell: (d) => String(d.id) }, { title: 'action', cell: (d) => d.action },
        { title: 'jurisdictions', cell: (d) => (d.jurisdictions || []).join(', ') },
        { title: 'ground', cell: (d) => d.ground || '' }, { title: 'by', cell: (d) => d.decided_by },
        { title: 'automated', cell: (d) => (d.automated ? 'yes' : 'no') },
        { title: 'decided (UTC)', cell: (d) => when(d.decided_at), class: 'nowrap' },
        { title: 'enforced from', cell: (d) => when(d.enforce_at), class: 'nowrap' },
        { title: 'reverses', cell: (d) => (d.reverses ? `decision ${d.reverses}` : '') },
        { title: 'explanation', cell: (d) => d.explanation || '' },
      ], v.decisions) : [], 'No decision yet.'),
      part('Appeals', 'appeals', v.appeals.length ? table([
        { title: 'id', cell: (a) => String(a.id) }, { title: 'against decision', cell: (a) => String(a.decision) },
        { title: 'filed by', cell: (a) => a.filed_by }, { title: 'reason', cell: (a) => a.reason },
        { title: 'filed (UTC)', cell: (a) => when(a.filed_at) }, { title: 'outcome', cell: (a) => a.outcome || 'open' },
      ], v.appeals) : [], 'No appeal.'),
      part('Audit trail of the case', 'case-audit', (v.audit || []).length ? table([
        { title: 'seq', cell: (e) => String(e.seq) }, { title: 'at (UTC)', cell: (e) => when(e.at), class: 'nowrap' },
        { title: 'actor', cell: (e) => e.actor }, { title: 'action', cell: (e) => e.action },
        { title: 'detail', cell: (e) => auditDetail(e.detail) },
      ], v.audit) : [], 'No entry yet.'),
      link(['cases'], '← the queue'));
  },
};
