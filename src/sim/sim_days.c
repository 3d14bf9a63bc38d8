/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sim_days.c: one simulated day of a world. In order:
 *   1. returning personas whose new account is due today are created: a profile with mutated
 *      names and the same avatar, a shout-out post of their own naming the suspended account,
 *      shout-outs from community members naming the new one, and followers re-accrued from the
 *      predecessor's (a shrinking share, spread over the following hours and days);
 *   2. new ordinary accounts appear and start following;
 *   3. every live account acts: a suspension (supporters: routine hazard, or the day's wave;
 *      ordinary accounts: spam), posts until then (supporters repost, reply and mention their
 *      community; the core posts in bursts; counter-speech replies to supporters; researchers
 *      report them), follows, unfollows and a periodic profile snapshot;
 *   4. maybe a hashtag storm: live supporters of one language, then their audience, post a
 *      shared hashtag and link, staggered over hours.
 * Events go to the queue of the day of their time (vg__sim_push), so what spills over midnight
 * is written with the next day. Each account draws from its own PRNG stream for the day, so the
 * outcome does not depend on how much others drew.
 */
#include <math.h>
#include <string.h>

#include "sim.h"

#define DAY 86400

vg_status vg__sim_push(struct sim_world *w, const struct sim_ev *ev)
{
    if (ev->t < w->t0)
        return VG_OK;
    uint64_t d = (uint64_t)(ev->t - w->t0) / DAY;
    if (d >= w->cfg->days)
        return VG_OK;
    if (d < w->day_now) {
        /* A day already written: the generator never schedules into the past. */
        VG_LOG_WARN("sim: event of type %d dropped: day %llu is already written", ev->type,
                    (unsigned long long)d);
        return VG_OK;
    }
    struct sim_evq *q = &w->days[d];
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap + q->cap / 2 : 1024;
        struct sim_ev *p = vg_realloc(q->ev, cap * sizeof(*p));
        if (!p)
            return VG_ENOMEM;
        q->ev = p;
        q->cap = cap;
    }
    q->ev[q->n] = *ev;
    q->ev[q->n].seq = w->seq++;
    q->n++;
    return VG_OK;
}

static int64_t end_of_world(const struct sim_world *w)
{
    return w->t0 + (int64_t)w->cfg->days * DAY;
}

static void ring_add(struct sim_ring *g, uint64_t id, int64_t t, uint32_t author, uint32_t text)
{
    g->r[g->next] = (struct sim_recent){ id, t, author, text };
    g->next = (g->next + 1) % SIM_RING;
    if (g->n < SIM_RING)
        g->n++;
}

/* A recent post written before `before` by someone other than `not_author`, or NULL. */
static const struct sim_recent *ring_pick(const struct sim_ring *g, int64_t before,
                                          uint32_t not_author, struct sim_rng *r)
{
    if (!g->n)
        return NULL;
    const struct sim_recent *e = &g->r[sim_below(r, g->n)];
    return e->t < before && e->author != not_author ? e : NULL;
}

/* A random community of language lang, or NULL. */
static struct sim_community *community_of_lang(struct sim_world *w, int lang, struct sim_rng *r)
{
    if (!w->n_comm)
        return NULL;
    uint32_t start = (uint32_t)sim_below(r, w->n_comm);
    for (uint32_t i = 0; i < w->n_comm; i++) {
        struct sim_community *c = &w->comm[(start + i) % w->n_comm];
        if (c->lang == lang)
            return c;
    }
    return NULL;
}

static vg_status push_follow(struct sim_world *w, uint32_t src, uint32_t dst, int64_t t, int type)
{
    if (src == dst)
        return VG_OK;
    struct sim_ev ev = { .t = t, .type = (uint8_t)type, .a = src, .b = dst };
    if (t < end_of_world(w)) {
        if (type == EV_FOLLOW) {
            w->acct[dst].followers++;
            w->acct[src].following++;
        } else {
            if (w->acct[dst].followers)
                w->acct[dst].followers--;
            if (w->acct[src].following)
                w->acct[src].following--;
        }
    }
    return vg__sim_push(w, &ev);
}

/* A report of post `post` by `target`, filed a little after t. */
static vg_status push_report(struct sim_world *w, uint32_t reporter, uint32_t target, uint64_t post,
                             int64_t t, int reason, struct sim_rng *r)
{
    struct sim_ev ev = { .t = t + 60 + (int64_t)vg__sim_exp(r, 3 * 3600.0),
                         .type = EV_REPORT,
                         .id = ++w->next_report,
                         .a = target,
                         .b = reporter,
                         .ref = post,
                         .reason = (uint8_t)reason };
    return vg__sim_push(w, &ev);
}

/* Who reports a supporter's post: researchers (trusted flaggers), counter-speakers, users. */
static uint32_t pick_reporter(struct sim_world *w, struct sim_rng *r)
{
    double u = sim_unif(r);
    uint32_t n_res = w->n_role_list[VG_SIM_RESEARCHER], n_cnt = w->n_role_list[VG_SIM_COUNTER];
    if (u < 0.3 && n_res)
        return w->role_list[VG_SIM_RESEARCHER][sim_below(r, n_res)];
    if (u < 0.5 && n_cnt)
        return w->role_list[VG_SIM_COUNTER][sim_below(r, n_cnt)];
    if (u < 0.6)
        return SIM_NONE; /* anonymous */
    return vg__sim_draw_follower(w, r);
}

/* ---- posts ---------------------------------------------------------------------------------- */

static vg_status supporter_post(struct sim_world *w, uint32_t v, struct sim_ev *ev,
                                struct sim_rng *r)
{
    const struct vg_sim_config *c = w->cfg;
    struct sim_acct *a = &w->acct[v];
    struct sim_community *cm = &w->comm[a->community];
    double u = sim_unif(r);
    const struct sim_recent *e = NULL;
    if (u < c->repost_share + c->reply_share)
        e = ring_pick(&cm->recent, ev->t, v, r);
    if (e && u < c->repost_share) {
        ev->kind = POST_REPOST;
        ev->ref = e->id;
        ev->b = e->author;
        ev->text = e->text;
        return VG_OK;
    }
    ev->text = vg__sim_text_pick(&w->texts, POOL_SUPPORTER, a->lang, r);
    if (e) {
        ev->kind = POST_REPLY;
        ev->ref = e->id;
        ev->b = e->author;
    } else if (sim_unif(r) < 0.2 && cm->n_members) {
        ev->b = cm->members[sim_below(r, cm->n_members)]; /* a mention */
        if (ev->b == v)
            ev->b = SIM_NONE;
    }
    if (sim_unif(r) < 0.3)
        ev->url = 1;
    ring_add(&cm->recent, ev->id, ev->t, v, ev->text);
    return VG_OK;
}

static void background_post(struct sim_world *w, uint32_t v, struct sim_ev *ev, struct sim_rng *r)
{
    struct sim_acct *a = &w->acct[v];
    double u = sim_unif(r);
    /* The movement's audience sometimes amplifies it. */
    if ((a->flags & ACC_AUDIENCE) && u < 0.1) {
        struct sim_community *cm = community_of_lang(w, a->lang, r);
        const struct sim_recent *e = cm ? ring_pick(&cm->recent, ev->t, v, r) : NULL;
        if (e) {
            ev->kind = POST_REPOST;
            ev->ref = e->id;
            ev->b = e->author;
            ev->text = e->text;
            return;
        }
    }
    const struct sim_recent *e = u < 0.25 ? ring_pick(&w->bg_recent, ev->t, v, r) : NULL;
    if (e && u < 0.12) {
        ev->kind = POST_REPOST;
        ev->ref = e->id;
        ev->b = e->author;
        ev->text = e->text;
        return;
    }
    ev->text = vg__sim_text_pick(&w->texts, POOL_EVERYDAY, a->lang, r);
    if (e) {
        ev->kind = POST_REPLY;
        ev->ref = e->id;
        ev->b = e->author;
    }
    if (sim_unif(r) < 0.1)
        ev->url = 3;
    if (sim_unif(r) < 0.05)
        ring_add(&w->bg_recent, ev->id, ev->t, v, ev->text);
}

static vg_status other_post(struct sim_world *w, uint32_t v, struct sim_ev *ev, struct sim_rng *r)
{
    struct sim_acct *a = &w->acct[v];
    if (a->role == VG_SIM_COUNTER) {
        struct sim_community *cm = community_of_lang(w, a->lang, r);
        const struct sim_recent *e = cm ? ring_pick(&cm->recent, ev->t, v, r) : NULL;
        ev->text = vg__sim_text_pick(&w->texts, POOL_COUNTER, a->lang, r);
        if (e && sim_unif(r) < 0.6) {
            ev->kind = POST_REPLY;
            ev->ref = e->id;
            ev->b = e->author;
        }
        return VG_OK;
    }
    ev->text = vg__sim_text_pick(&w->texts, POOL_NEWS, a->lang, r);
    if (a->role == VG_SIM_NEWS && sim_unif(r) < 0.8)
        ev->url = 2;
    if (a->role == VG_SIM_RESEARCHER && sim_unif(r) < 0.3) {
        /* A trusted flagger's notice about a supporter's recent post. */
        struct sim_community *cm = w->n_comm ? &w->comm[sim_below(r, w->n_comm)] : NULL;
        const struct sim_recent *e = cm ? ring_pick(&cm->recent, ev->t, v, r) : NULL;
        if (e)
            return push_report(w, v, e->author, e->id, ev->t, 1, r);
    }
    return VG_OK;
}

static vg_status make_post(struct sim_world *w, uint32_t v, int64_t t, struct sim_rng *r)
{
    struct sim_acct *a = &w->acct[v];
    struct sim_ev ev = { .t = t, .type = EV_POST, .id = ++w->next_post, .a = v, .b = SIM_NONE };
    vg_status rc = VG_OK;
    switch (a->role) {
        case VG_SIM_SUPPORTER:
            rc = supporter_post(w, v, &ev, r);
            if (!rc && sim_unif(r) < w->cfg->report_rate)
                rc = push_report(w, pick_reporter(w, r), v, ev.id, t, 1, r);
            break;
        case VG_SIM_BACKGROUND:
            background_post(w, v, &ev, r);
            if (sim_unif(r) < w->cfg->false_report_rate)
                rc = push_report(w, vg__sim_draw_follower(w, r), v, ev.id, t, 2, r);
            break;
        default:
            rc = other_post(w, v, &ev, r);
            break;
    }
    if (rc)
        return rc;
    if (t < end_of_world(w))
        a->posts++;
    return vg__sim_push(w, &ev);
}

/* ---- returns of suspended personas ---------------------------------------------------------- */

static vg_status schedule_return(struct sim_world *w, uint32_t parent, int64_t t)
{
    if (t >= end_of_world(w))
        return VG_OK;
    if (w->n_pending == w->cap_pending) {
        size_t cap = w->cap_pending ? 2 * w->cap_pending : 64;
        struct sim_pending *p = vg_realloc(w->pending, cap * sizeof(*p));
        if (!p)
            return VG_ENOMEM;
        w->pending = p;
        w->cap_pending = cap;
    }
    w->pending[w->n_pending++] = (struct sim_pending){ t, parent };
    return VG_OK;
}

static vg_status create_return(struct sim_world *w, const struct sim_pending *p)
{
    const struct vg_sim_config *c = w->cfg;
    uint32_t child = vg__sim_account_add(w, VG_SIM_SUPPORTER, w->acct[p->parent].lang, p->t);
    if (child == SIM_NONE)
        return VG_ENOMEM;
    struct sim_acct *par = &w->acct[p->parent], *a = &w->acct[child];
    a->community = par->community;
    a->persona = par->persona;
    a->incarnation = (uint8_t)(par->incarnation < 250 ? par->incarnation + 1 : 250);
    a->parent = p->parent;
    a->flags |= par->flags & ACC_CORE;
    a->post_rate = par->post_rate;
    double keep = c->regain * pow(c->regain_decay, a->incarnation - 1);
    a->in_target = (float)(par->in_target * keep);
    w->returns++;

    struct sim_rng r;
    sim_rng_init(&r, w->seed, TAG_INHERIT, (uint64_t)child << 1 | 1);
    struct sim_ev ev = { .t = p->t, .type = EV_ACCOUNT, .a = child, .b = SIM_NONE };
    vg_status rc = vg__sim_push(w, &ev);
    /* The new account announces itself, naming the suspended one. */
    struct sim_ev self = { .t = p->t + 60 + (int64_t)(sim_unif(&r) * 1800),
                           .type = EV_POST,
                           .kind = POST_SHOUT_SELF,
                           .id = ++w->next_post,
                           .a = child,
                           .b = p->parent };
    self.text = vg__sim_text_pick(&w->texts, POOL_SHOUT_SELF, a->lang, &r);
    if (!rc)
        rc = vg__sim_push(w, &self);
    a->posts++;
    /* Community members shout it out. */
    const struct sim_community *cm = &w->comm[a->community];
    for (int i = 0, told = 0; i < 20 && told < 5 && cm->n_members && !rc; i++) {
        uint32_t m = cm->members[sim_below(&r, cm->n_members)];
        if (!(w->acct[m].flags & ACC_ALIVE) || m == child)
            continue;
        struct sim_ev sh = { .t = p->t + 300 + (int64_t)(sim_unif(&r) * 6 * 3600),
                             .type = EV_POST,
                             .kind = POST_SHOUT_OTHER,
                             .id = ++w->next_post,
                             .a = m,
                             .b = child };
        sh.text = vg__sim_text_pick(&w->texts, POOL_SHOUT_OTHER, a->lang, &r);
        rc = vg__sim_push(w, &sh);
        told++;
    }
    /* Followers come back from the predecessor's, most within a day. */
    w->n_scratch = 0;
    if (!rc)
        rc = vg__sim_followers(w, child, &w->scratch, &w->n_scratch, &w->cap_scratch);
    for (size_t i = 0; i < w->n_scratch && !rc; i++) {
        uint32_t f = w->scratch[i];
        if (w->acct[f].flags & ACC_ALIVE)
            rc = push_follow(w, f, child, p->t + 60 + (int64_t)vg__sim_exp(&r, 18 * 3600.0),
                             EV_FOLLOW);
    }
    /* And the new account follows its community again. */
    uint64_t k = (uint64_t)llround(keep * c->insularity * c->supporter_followers);
    if (k > cm->n_members)
        k = cm->n_members;
    for (uint64_t i = 0; i < k && !rc; i++) {
        uint32_t m = cm->members[sim_below(&r, cm->n_members)];
        if (w->acct[m].flags & ACC_ALIVE)
            rc = push_follow(w, child, m, p->t + 60 + (int64_t)vg__sim_exp(&r, 6 * 3600.0),
                             EV_FOLLOW);
    }
    return rc;
}

static vg_status run_returns(struct sim_world *w, int64_t day1)
{
    vg_status rc = VG_OK;
    /* Those due today are created in time order (the earliest first; ties by position). */
    for (;;) {
        size_t best = SIZE_MAX;
        for (size_t i = 0; i < w->n_pending; i++)
            if (w->pending[i].t < day1 &&
                (best == SIZE_MAX || w->pending[i].t < w->pending[best].t))
                best = i;
        if (best == SIZE_MAX || rc)
            break;
        struct sim_pending p = w->pending[best];
        w->pending[best] = w->pending[--w->n_pending];
        rc = create_return(w, &p);
    }
    return rc;
}

/* ---- new ordinary accounts ------------------------------------------------------------------ */

static vg_status new_accounts(struct sim_world *w, uint32_t d, struct sim_rng *r)
{
    const struct vg_sim_config *c = w->cfg;
    uint64_t k = vg__sim_poisson(r, c->background_new * (double)w->n_initial);
    int64_t day0 = w->t0 + (int64_t)d * DAY;
    vg_status rc = VG_OK;
    for (uint64_t i = 0; i < k && !rc; i++) {
        double u = sim_unif(r);
        uint8_t lang = u < c->background_lang_ar                           ? LANG_AR
                       : u < c->background_lang_ar + c->background_lang_fr ? LANG_FR
                                                                           : LANG_EN;
        int64_t t = day0 + (int64_t)(sim_unif(r) * (DAY - 1));
        uint32_t v = vg__sim_account_add(w, VG_SIM_BACKGROUND, lang, t);
        if (v == SIM_NONE)
            return VG_ENOMEM;
        w->acct[v].post_rate = (float)vg__sim_lognormal(r, c->background_posts, c->follower_sigma);
        struct sim_ev ev = { .t = t, .type = EV_ACCOUNT, .a = v, .b = SIM_NONE };
        rc = vg__sim_push(w, &ev);
        uint64_t follows = vg__sim_poisson(r, 10), followers = vg__sim_poisson(r, 3);
        for (uint64_t j = 0; j < follows && !rc; j++)
            rc = push_follow(w, v, vg__sim_draw_popular(w, r),
                             t + 30 + (int64_t)vg__sim_exp(r, 3 * 3600.0), EV_FOLLOW);
        for (uint64_t j = 0; j < followers && !rc; j++)
            rc = push_follow(w, vg__sim_draw_follower(w, r), v,
                             t + 30 + (int64_t)vg__sim_exp(r, 12 * 3600.0), EV_FOLLOW);
    }
    return rc;
}

/* ---- one account's day ---------------------------------------------------------------------- */

static vg_status account_day(struct sim_world *w, uint32_t v, uint32_t d, int wave)
{
    const struct vg_sim_config *c = w->cfg;
    struct sim_acct *a = &w->acct[v];
    int64_t day0 = w->t0 + (int64_t)d * DAY, day1 = day0 + DAY;
    if (!(a->flags & ACC_ALIVE) || a->created_at >= day1)
        return VG_OK;
    struct sim_rng r;
    sim_rng_init(&r, w->seed, TAG_ACTIVITY, ((uint64_t)d << 32) | v);
    int64_t lo = a->created_at > day0 ? a->created_at + 1 : day0;
    if (lo >= day1)
        return VG_OK;

    /* Suspension first, so nothing is posted after it. */
    int suspended = 0, in_wave = 0;
    if (a->role == VG_SIM_SUPPORTER) {
        in_wave = wave && sim_unif(&r) < c->wave_fraction;
        suspended = in_wave || sim_unif(&r) < c->suspension_rate;
    } else if (a->role == VG_SIM_BACKGROUND) {
        suspended = sim_unif(&r) < c->background_suspension;
    }
    int64_t hi = suspended ? lo + (int64_t)(sim_unif(&r) * (double)(day1 - lo)) : day1;
    vg_status rc = VG_OK;

    uint64_t n_posts = vg__sim_poisson(&r, a->post_rate * (double)(hi - lo) / DAY);
    int64_t burst = lo + (int64_t)(sim_unif(&r) * (double)(hi - lo));
    for (uint64_t i = 0; i < n_posts && !rc; i++) {
        int64_t t;
        if (a->flags & ACC_CORE) {
            /* The hyperactive core posts in bursts around one moment of its day. */
            t = burst + (int64_t)(vg__sim_normal(&r) * 1200);
            if (t < lo || t >= hi)
                t = lo + (int64_t)(sim_unif(&r) * (double)(hi - lo));
        } else {
            t = lo + (int64_t)(sim_unif(&r) * (double)(hi - lo));
        }
        rc = make_post(w, v, t, &r);
    }
    uint64_t follows = vg__sim_poisson(&r, c->follows_per_day);
    for (uint64_t i = 0; i < follows && !rc; i++)
        rc = push_follow(w, v, vg__sim_draw_popular(w, &r),
                         lo + (int64_t)(sim_unif(&r) * (double)(hi - lo)), EV_FOLLOW);
    uint64_t unfollows = (a->flags & ACC_INITIAL) ? vg__sim_poisson(&r, c->unfollows_per_day) : 0;
    if (unfollows && !rc) {
        w->n_scratch = 0;
        rc = vg__sim_followers(w, v, &w->scratch, &w->n_scratch, &w->cap_scratch);
        for (uint64_t i = 0; i < unfollows && w->n_scratch && !rc; i++) {
            uint32_t f = w->scratch[sim_below(&r, w->n_scratch)];
            if (w->acct[f].flags & ACC_ALIVE)
                rc = push_follow(w, f, v, lo + (int64_t)(sim_unif(&r) * (double)(hi - lo)),
                                 EV_UNFOLLOW);
        }
    }
    if (!rc && a->created_at < day0 && (v + d) % c->snapshot_days == 0) {
        struct sim_ev ev = { .t = lo + (int64_t)(sim_unif(&r) * (double)(hi - lo)),
                             .type = EV_ACCOUNT,
                             .a = v,
                             .b = SIM_NONE };
        rc = vg__sim_push(w, &ev);
    }
    if (!suspended || rc)
        return rc;

    struct sim_ev ev = { .t = hi, .type = EV_SUSPENSION, .a = v, .b = SIM_NONE };
    ev.reason = a->role == VG_SIM_SUPPORTER ? 1 : 2;
    if ((rc = vg__sim_push(w, &ev)))
        return rc;
    if (a->role == VG_SIM_SUPPORTER) {
        a->flags &= (uint8_t)~ACC_ALIVE;
        a->suspended_day = (int32_t)d;
        a->suspended_at = hi;
        if (sim_unif(&r) < (in_wave ? c->wave_return_prob : c->return_prob))
            rc = schedule_return(
                    w, v, hi + 60 + (int64_t)vg__sim_exp(&r, c->return_delay_hours * 3600.0));
    } else if (sim_unif(&r) < 0.2) {
        /* Some spam suspensions are overturned the same day (an appeal). */
        struct sim_ev re = { .t = hi + (int64_t)(sim_unif(&r) * (double)(day1 - hi)),
                             .type = EV_REINSTATEMENT,
                             .a = v,
                             .b = SIM_NONE };
        rc = vg__sim_push(w, &re);
    } else {
        a->flags &= (uint8_t)~ACC_ALIVE;
        a->suspended_day = (int32_t)d;
        a->suspended_at = hi;
    }
    return rc;
}

/* ---- storms --------------------------------------------------------------------------------- */

static vg_status storm_bystanders(struct sim_world *w, const struct sim_storm *s, int lang,
                                  double span, struct sim_rng *r);

static vg_status storm_add_post(struct sim_storm *s, uint64_t id)
{
    if (s->n_posts == s->cap_posts) {
        size_t cap = s->cap_posts ? 2 * s->cap_posts : 256;
        uint64_t *p = vg_realloc(s->posts, cap * sizeof(*p));
        if (!p)
            return VG_ENOMEM;
        s->posts = p;
        s->cap_posts = cap;
    }
    s->posts[s->n_posts++] = id;
    return VG_OK;
}

/* The pattern of a new storm: one draw of v when any pattern share is set (none when all are 0,
 * so worlds of the link pattern only are written as before); shares add up in the order copy,
 * seq, retweet, sync. */
static uint8_t storm_pattern(const struct vg_sim_config *c, struct sim_rng *v)
{
    double shares[] = { c->storm_copy_share, c->storm_seq_share, c->storm_retweet_share,
                        c->storm_sync_share };
    static const uint8_t patterns[] = { STORM_COPY, STORM_SEQ, STORM_RETWEET, STORM_SYNC };
    double any = shares[0] + shares[1] + shares[2] + shares[3];
    if (!(any > 0))
        return STORM_LINK;
    double u = sim_unif(v), acc = 0;
    for (size_t i = 0; i < VG_ARRAY_LEN(shares); i++)
        if (shares[i] > 0 && u < (acc += shares[i]))
            return patterns[i];
    return STORM_LINK;
}

/* The time of a storm post that is not its first: uniform over the span, the first post of
 * each account in the first half; in the sync pattern, snapped to one of the waves released
 * every 10 minutes from the start, each within 5 seconds. */
static int64_t storm_post_time(const struct sim_storm *s, double span, uint64_t k,
                               struct sim_rng *r, struct sim_rng *v)
{
    int64_t t = s->start + (int64_t)(sim_unif(r) * span);
    if (k == 0 && t > s->start + (int64_t)(span / 2))
        t = s->start + (int64_t)(sim_unif(r) * span / 2);
    if (s->pattern == STORM_SYNC) {
        int64_t wave = (t - s->start) / 600 * 600;
        t = s->start + wave + (int64_t)sim_below(v, 5);
    }
    return t;
}

/* The posts of a storm of the link, copy, seq or sync pattern: each account posts about
 * storm_posts times over the span. */
static vg_status storm_posts(struct sim_world *w, struct sim_storm *s, int lang, double span,
                             struct sim_rng *r, struct sim_rng *v)
{
    const struct vg_sim_config *c = w->cfg;
    uint32_t msg[3] = { 0, 0, 0 };
    if (s->pattern == STORM_COPY)
        for (int k = 0; k < 3; k++)
            msg[k] = vg__sim_text_pick(&w->texts, POOL_SUPPORTER, (enum sim_lang)lang, v);
    vg_status rc = VG_OK;
    for (size_t i = 0; i < s->n_accounts && !rc; i++) {
        uint64_t n = vg__sim_poisson(r, c->storm_posts);
        for (uint64_t k = 0; k < (n ? n : 1) && !rc; k++) {
            struct sim_ev ev = { .t = storm_post_time(s, span, k, r, v),
                                 .type = EV_POST,
                                 .kind = POST_STORM,
                                 .id = ++w->next_post,
                                 .a = s->accounts[i],
                                 .b = SIM_NONE,
                                 .storm = (uint16_t)(s - w->storms + 1),
                                 .url = s->pattern == STORM_LINK ? 4 : 0 };
            if (i == 0 && k == 0)
                ev.t = s->start; /* the storm starts with its first post */
            if (ev.t >= end_of_world(w))
                continue;
            ev.text = vg__sim_text_pick(&w->texts, POOL_SUPPORTER, (enum sim_lang)lang, r);
            if (s->pattern == STORM_COPY) {
                /* One of the messages, reworded by the writer (sim_write.c, reword[]). */
                ev.text = msg[sim_below(v, 3)];
                ev.reason = (uint8_t)(1 + sim_below(v, 40));
            }
            w->acct[ev.a].posts++;
            if (!(rc = vg__sim_push(w, &ev)))
                rc = storm_add_post(s, ev.id);
        }
    }
    return rc;
}

/* The posts of a co-retweet storm: its first accounts (one in 20, at least 3) post originals
 * in the first fifth of the span; every other account retweets about storm_posts of them, at
 * random, after they appeared. */
static vg_status storm_retweets(struct sim_world *w, struct sim_storm *s, int lang, double span,
                                struct sim_rng *r, struct sim_rng *v)
{
    const struct vg_sim_config *c = w->cfg;
    size_t n_seed = s->n_accounts / 20 < 3 ? 3 : s->n_accounts / 20;
    if (n_seed > s->n_accounts)
        n_seed = s->n_accounts;
    struct sim_ev orig[64];
    size_t n_orig = 0;
    vg_status rc = VG_OK;
    for (size_t i = 0; i < n_seed && !rc; i++)
        for (uint64_t k = 0; k < 2 && n_orig < VG_ARRAY_LEN(orig) && !rc; k++) {
            struct sim_ev ev = { .t = s->start + (int64_t)(sim_unif(v) * span / 5),
                                 .type = EV_POST,
                                 .kind = POST_STORM,
                                 .id = ++w->next_post,
                                 .a = s->accounts[i],
                                 .b = SIM_NONE,
                                 .storm = (uint16_t)(s - w->storms + 1) };
            if (i == 0 && k == 0)
                ev.t = s->start;
            if (ev.t >= end_of_world(w))
                continue;
            ev.text = vg__sim_text_pick(&w->texts, POOL_SUPPORTER, (enum sim_lang)lang, v);
            w->acct[ev.a].posts++;
            if (!(rc = vg__sim_push(w, &ev)) && !(rc = storm_add_post(s, ev.id)))
                orig[n_orig++] = ev;
        }
    for (size_t i = n_seed; i < s->n_accounts && n_orig && !rc; i++) {
        uint64_t n = vg__sim_poisson(r, c->storm_posts);
        for (uint64_t k = 0; k < (n ? n : 1) && !rc; k++) {
            const struct sim_ev *o = &orig[sim_below(v, n_orig)];
            struct sim_ev ev = { .t = s->start + (int64_t)(sim_unif(r) * span),
                                 .type = EV_POST,
                                 .kind = POST_REPOST,
                                 .id = ++w->next_post,
                                 .a = s->accounts[i],
                                 .b = o->a,
                                 .ref = o->id,
                                 .text = o->text,
                                 .storm = (uint16_t)(s - w->storms + 1) };
            if (ev.t <= o->t)
                ev.t = o->t + 30 + (int64_t)sim_below(v, 600);
            if (ev.t >= end_of_world(w))
                continue;
            w->acct[ev.a].posts++;
            if (!(rc = vg__sim_push(w, &ev)))
                rc = storm_add_post(s, ev.id);
        }
    }
    return rc;
}

static vg_status storm(struct sim_world *w, uint32_t d, struct sim_rng *r)
{
    const struct vg_sim_config *c = w->cfg;
    if (w->n_storms >= UINT16_MAX - 1)
        return VG_OK;
    uint64_t alive[LANG__N] = { 0 };
    for (uint32_t v = 0; v < w->n_acct; v++)
        if (w->acct[v].role == VG_SIM_SUPPORTER && (w->acct[v].flags & ACC_ALIVE))
            alive[w->acct[v].lang]++;
    uint64_t total = alive[0] + alive[1] + alive[2];
    if (!total)
        return VG_OK;
    uint64_t pick = sim_below(r, total);
    int lang = pick < alive[0] ? 0 : pick < alive[0] + alive[1] ? 1 : 2;

    if (w->n_storms == w->cap_storms) {
        size_t cap = w->cap_storms ? 2 * w->cap_storms : 16;
        struct sim_storm *p = vg_realloc(w->storms, cap * sizeof(*p));
        if (!p)
            return VG_ENOMEM;
        w->storms = p;
        w->cap_storms = cap;
    }
    struct sim_storm *s = &w->storms[w->n_storms];
    memset(s, 0, sizeof(*s));
    uint64_t want = c->storm_accounts, from_aud = w->n_audience[lang];
    s->accounts = vg_malloc((size_t)want * sizeof(uint32_t));
    if (!s->accounts)
        return VG_ENOMEM;
    w->n_storms++;
    /* Live supporters of the language first (reservoir sample), then their audience. */
    uint64_t seen = 0;
    for (uint32_t v = 0; v < w->n_acct; v++) {
        if (w->acct[v].role != VG_SIM_SUPPORTER || !(w->acct[v].flags & ACC_ALIVE) ||
            w->acct[v].lang != lang)
            continue;
        if (s->n_accounts < want)
            s->accounts[s->n_accounts++] = v;
        else if (sim_below(r, seen + 1) < want)
            s->accounts[sim_below(r, want)] = v;
        seen++;
    }
    for (uint64_t i = 0; s->n_accounts < want && i < 4 * want && from_aud; i++) {
        uint32_t v = w->audience[lang][sim_below(r, from_aud)];
        int dup = 0;
        for (size_t k = 0; k < s->n_accounts && !dup; k++)
            dup = s->accounts[k] == v;
        if (!dup && (w->acct[v].flags & ACC_ALIVE))
            s->accounts[s->n_accounts++] = v;
    }
    static const char *const tag_fmt[LANG__N] = { "DawnRises%zu", "AubeSeLeve%zu",
                                                  "الفجر_قادم_%zu" };
    snprintf(s->hashtag, sizeof(s->hashtag), tag_fmt[lang], w->n_storms);
    /* The whole storm falls within its day: its accounts were chosen among those not suspended
       today, and tomorrow's suspensions are not decided yet. */
    int64_t day0 = w->t0 + (int64_t)d * DAY;
    double span = c->storm_hours * 3600.0;
    if (span > DAY - 1)
        span = DAY - 1;
    s->start = day0 + (int64_t)(sim_unif(r) * (DAY - 1 - span));
    /* The pattern and its draws come from a stream of their own (v), so that with the variant
       settings at 0 the storm draws the same numbers, and writes the same bytes, as before. */
    struct sim_rng v;
    sim_rng_init(&v, w->seed, TAG_STORM_VARIANT, w->n_storms);
    s->pattern = storm_pattern(c, &v);
    if (s->pattern == STORM_SEQ) {
        static const char *const seq_fmt[LANG__N][2] = { { "StandFirm%zu", "OurVoice%zu" },
                                                         { "Debout%zu", "NotreVoix%zu" },
                                                         { "اثبتوا_%zu", "صوتنا_%zu" } };
        for (int k = 0; k < 2; k++)
            snprintf(s->seq_tags[k], sizeof(s->seq_tags[k]), seq_fmt[lang][k], w->n_storms);
    }
    vg_status rc = s->pattern == STORM_RETWEET ? storm_retweets(w, s, lang, span, r, &v)
                                               : storm_posts(w, s, lang, span, r, &v);
    if (!rc && c->storm_bystanders > 0)
        rc = storm_bystanders(w, s, lang, span, &v);
    return rc;
}

/* A random live account of the role and language (any language when lang < 0), or SIM_NONE
 * after a few tries (rejection sampling: roles are dealt at random to account numbers). */
static uint32_t random_account(struct sim_world *w, int role, int lang, struct sim_rng *r)
{
    for (int i = 0; i < 64; i++) {
        uint32_t v = (uint32_t)sim_below(r, w->n_acct);
        const struct sim_acct *a = &w->acct[v];
        if (a->role == role && (a->flags & ACC_ALIVE) && (lang < 0 || a->lang == lang))
            return v;
    }
    return SIM_NONE;
}

/* Bystanders of storm s: ordinary accounts of its language, news and counter-speech accounts
 * that use its hashtag in their own words (no link), during and a little after it. They are not
 * storm accounts in the truth: a detector must tell them from the storm. */
static vg_status storm_bystanders(struct sim_world *w, const struct sim_storm *s, int lang,
                                  double span, struct sim_rng *r)
{
    const struct vg_sim_config *c = w->cfg;
    int64_t day1 = w->t0 + (s->start - w->t0) / DAY * DAY + DAY;
    uint64_t n = vg__sim_poisson(r, c->storm_bystanders * (double)s->n_posts);
    vg_status rc = VG_OK;
    for (uint64_t i = 0; i < n && !rc; i++) {
        double u = sim_unif(r);
        int role = u < 0.8 ? VG_SIM_BACKGROUND : u < 0.9 ? VG_SIM_NEWS : VG_SIM_COUNTER;
        uint32_t a = random_account(w, role, role == VG_SIM_BACKGROUND ? lang : -1, r);
        if (a == SIM_NONE)
            continue;
        struct sim_ev ev = { .t = s->start + 300 + (int64_t)(sim_unif(r) * span * 1.5),
                             .type = EV_POST,
                             .id = ++w->next_post,
                             .a = a,
                             .b = SIM_NONE,
                             .storm = (uint16_t)(s - w->storms + 1) };
        enum sim_pool pool = role == VG_SIM_BACKGROUND ? POOL_EVERYDAY
                             : role == VG_SIM_NEWS     ? POOL_NEWS
                                                       : POOL_COUNTER;
        ev.text = vg__sim_text_pick(&w->texts, pool, (enum sim_lang)lang, r);
        /* A post that would come after the storm's day is not written (the day's events are
         * made with that day). Before, it was moved to the day's last second, where up to 72
         * bystanders of one storm then posted at once: a synchronised wave the generator had
         * made, not the storm. The text is drawn all the same, so the rest of the world stays
         * as it was. */
        if (ev.t >= day1)
            continue;
        w->acct[a].posts++;
        rc = vg__sim_push(w, &ev);
    }
    return rc;
}

/* ---- organic bursts (controls) -------------------------------------------------------------- */

struct burst_orig {
    uint64_t id;
    int64_t t;
    uint32_t author, text;
};

/* An organic burst on day d: a trending hashtag (a match, breaking news) that ordinary accounts
 * of one language post independently, each in its own words from the everyday pool, no shared
 * link; the rate rises within minutes and decays (exponential, mean burst_hours); posts per
 * account are heavy-tailed (a few fans post many times); some posts are retweets of earlier
 * ones, as in any trend. */
static vg_status burst(struct sim_world *w, uint32_t d, struct sim_rng *r)
{
    const struct vg_sim_config *c = w->cfg;
    if (w->n_bursts >= UINT16_MAX - 1)
        return VG_OK;
    if (w->n_bursts == w->cap_bursts) {
        size_t cap = w->cap_bursts ? 2 * w->cap_bursts : 16;
        struct sim_burst *p = vg_realloc(w->bursts, cap * sizeof(*p));
        if (!p)
            return VG_ENOMEM;
        w->bursts = p;
        w->cap_bursts = cap;
    }
    struct sim_burst *b = &w->bursts[w->n_bursts++];
    memset(b, 0, sizeof(*b));
    double u = sim_unif(r);
    b->lang = u < c->background_lang_ar                           ? LANG_AR
              : u < c->background_lang_ar + c->background_lang_fr ? LANG_FR
                                                                  : LANG_EN;
    static const char *const tag_fmt[LANG__N][3] = {
        { "CupFinal%zu", "BreakingNews%zu", "StormWarning%zu" },
        { "FinaleCoupe%zu", "DerniereMinute%zu", "AlerteMeteo%zu" },
        { "نهائي_الكأس_%zu", "عاجل_%zu", "طقس_%zu" },
    };
    snprintf(b->hashtag, sizeof(b->hashtag), tag_fmt[b->lang][sim_below(r, 3)], w->n_bursts);
    int64_t day0 = w->t0 + (int64_t)d * DAY;
    double mean = c->burst_hours * 3600.0, span = 5 * mean;
    if (span > DAY - 1)
        span = DAY - 1;
    b->start = day0 + (int64_t)(sim_unif(r) * (DAY - 1 - span));
    const double sigma = 0.7;
    uint64_t want = (uint64_t)llround(
            vg__sim_lognormal(r, c->burst_accounts * exp(sigma * sigma / 2), sigma));
    if (want < 2)
        want = 2;
    size_t n_orig = 0, cap_orig = 256;
    struct burst_orig *orig = vg_malloc(cap_orig * sizeof(*orig));
    if (!orig)
        return VG_ENOMEM;
    vg_status rc = VG_OK;
    for (uint64_t i = 0; i < want && !rc; i++) {
        uint32_t a = random_account(w, VG_SIM_BACKGROUND, b->lang, r);
        if (a == SIM_NONE)
            continue;
        b->n_accounts++;
        uint64_t k = (uint64_t)llround(vg__sim_lognormal(r, 1.5, 1.0));
        k = k < 1 ? 1 : k > 50 ? 50 : k;
        for (uint64_t j = 0; j < k && !rc; j++) {
            double off = 60 * sim_unif(r) * 10 + vg__sim_exp(r, mean);
            if (off > span)
                off = sim_unif(r) * span;
            struct sim_ev ev = { .t = b->start + (int64_t)off,
                                 .type = EV_POST,
                                 .id = ++w->next_post,
                                 .a = a,
                                 .b = SIM_NONE,
                                 .burst = (uint16_t)w->n_bursts };
            if (n_orig && sim_unif(r) < 0.25) {
                const struct burst_orig *o = &orig[sim_below(r, n_orig)];
                if (o->author != a) {
                    ev.kind = POST_REPOST;
                    ev.ref = o->id;
                    ev.b = o->author;
                    ev.text = o->text;
                    if (ev.t <= o->t)
                        ev.t = o->t + 30 + (int64_t)vg__sim_exp(r, 600);
                }
            }
            /* Only a retweet can come after the burst's day (its original is within it); it is
             * not written, as a storm's bystanders past the day (storm_bystanders). */
            int past_day = ev.t >= day0 + DAY;
            if (ev.kind != POST_REPOST) {
                ev.text = vg__sim_text_pick(&w->texts, POOL_EVERYDAY, (enum sim_lang)b->lang, r);
                if (sim_unif(r) < 0.1)
                    ev.url = 3; /* a photo of one's own */
                if (n_orig == cap_orig) {
                    struct burst_orig *p = vg_realloc(orig, 2 * cap_orig * sizeof(*p));
                    if (!p) {
                        rc = VG_ENOMEM;
                        break;
                    }
                    orig = p;
                    cap_orig *= 2;
                }
                orig[n_orig++] = (struct burst_orig){ ev.id, ev.t, a, ev.text };
            }
            if (past_day)
                continue;
            w->acct[a].posts++;
            b->n_posts++;
            rc = vg__sim_push(w, &ev);
        }
    }
    vg_free(orig);
    return rc;
}

vg_status vg__sim_day(struct sim_world *w, uint32_t d)
{
    const struct vg_sim_config *c = w->cfg;
    struct sim_rng r;
    sim_rng_init(&r, w->seed, TAG_DAY, d);
    int64_t day1 = w->t0 + (int64_t)(d + 1) * DAY;
    int wave = sim_unif(&r) < c->wave_prob;
    w->day_now = d;
    vg_status rc = new_accounts(w, d, &r);
    uint32_t n = w->n_acct;
    for (uint32_t v = 0; v < n && !rc; v++)
        rc = account_day(w, v, d, wave);
    /* Returns due today, including those of accounts suspended today: a new account acts from
       the next day on, beyond its creation, shout-outs and followers. */
    if (!rc)
        rc = run_returns(w, day1);
    uint64_t storms = vg__sim_poisson(&r, c->storms_per_week / 7.0);
    for (uint64_t i = 0; i < storms && !rc; i++) {
        struct sim_rng rs;
        sim_rng_init(&rs, w->seed, TAG_STORM, ((uint64_t)d << 16) | i);
        rc = storm(w, d, &rs);
    }
    /* Organic bursts draw from streams of their own: with none asked, nothing above changes. */
    if (c->bursts_per_week > 0 && !rc) {
        struct sim_rng rb;
        sim_rng_init(&rb, w->seed, TAG_BURST, d);
        uint64_t n_b = vg__sim_poisson(&rb, c->bursts_per_week / 7.0);
        for (uint64_t i = 0; i < n_b && !rc; i++) {
            struct sim_rng rs;
            sim_rng_init(&rs, w->seed, TAG_BURST, ((uint64_t)(d + 1) << 16) | i);
            rc = burst(w, d, &rs);
        }
    }
    return rc;
}
