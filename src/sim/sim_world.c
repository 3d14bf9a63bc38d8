/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sim_world.c: the population of a generated world and its starting follow graph.
 *
 * Roles are dealt to random account numbers (so an id says nothing). Followers are heavy-tailed:
 * each account draws its follower count from a lognormal (mean per role, sigma
 * follower_sigma); an ordinary account's followers are drawn from everyone by out-propensity
 * (another lognormal) through an alias table. A supporter's followers are split so that the
 * configured share (insularity) are members of its community and the rest come from its
 * language's audience (background accounts that follow the movement) or from researchers and
 * counter-speech accounts. When a community is too small for the insular part, the outside part
 * shrinks with it, so the share holds and the mean falls (documented in docs/sim.md).
 *
 * The follower list of an account is never stored: vg__sim_followers recomputes it from the
 * seed, which is how 50 million edges stream out with memory for the accounts only. A returning
 * persona's new account inherits a random share of its predecessor's list (regain, times
 * regain_decay for every earlier return), so followers overlap and shrink with each return.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

double vg__sim_normal(struct sim_rng *r)
{
    double u1 = sim_unif(r), u2 = sim_unif(r);
    if (u1 < 1e-300)
        u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

double vg__sim_lognormal(struct sim_rng *r, double mean, double sigma)
{
    if (mean <= 0)
        return 0;
    /* mean = exp(mu + sigma^2 / 2) */
    double mu = log(mean) - sigma * sigma / 2;
    return exp(mu + sigma * vg__sim_normal(r));
}

double vg__sim_exp(struct sim_rng *r, double mean)
{
    return -mean * log(1.0 - sim_unif(r));
}

uint64_t vg__sim_poisson(struct sim_rng *r, double lambda)
{
    if (lambda <= 0)
        return 0;
    if (lambda > 30) {
        double x = lambda + sqrt(lambda) * vg__sim_normal(r) + 0.5;
        return x < 0 ? 0 : (uint64_t)x;
    }
    double l = exp(-lambda), p = 1;
    uint64_t k = 0;
    do {
        k++;
        p *= sim_unif(r);
    } while (p > l);
    return k - 1;
}

/* ---- alias tables (Vose) -------------------------------------------------------------------- */

static vg_status alias_build(struct sim_alias *a, const float *w, uint32_t n)
{
    a->prob = vg_malloc((size_t)n * sizeof(float));
    a->alias = vg_malloc((size_t)n * sizeof(uint32_t));
    uint32_t *small = vg_malloc((size_t)n * sizeof(uint32_t));
    uint32_t *large = vg_malloc((size_t)n * sizeof(uint32_t));
    double *p = vg_malloc((size_t)n * sizeof(double));
    vg_status rc = VG_ENOMEM;
    if (!a->prob || !a->alias || !small || !large || !p)
        goto done;
    double sum = 0;
    for (uint32_t i = 0; i < n; i++)
        sum += w[i];
    a->n = n;
    uint32_t ns = 0, nl = 0;
    for (uint32_t i = 0; i < n; i++) {
        p[i] = sum > 0 ? w[i] * (double)n / sum : 1.0;
        if (p[i] < 1.0)
            small[ns++] = i;
        else
            large[nl++] = i;
    }
    while (ns && nl) {
        uint32_t s = small[--ns], l = large[--nl];
        a->prob[s] = (float)p[s];
        a->alias[s] = l;
        p[l] = (p[l] + p[s]) - 1.0;
        if (p[l] < 1.0)
            small[ns++] = l;
        else
            large[nl++] = l;
    }
    while (nl) {
        uint32_t l = large[--nl];
        a->prob[l] = 1.0f;
        a->alias[l] = l;
    }
    while (ns) {
        uint32_t s = small[--ns];
        a->prob[s] = 1.0f;
        a->alias[s] = s;
    }
    rc = VG_OK;
done:
    vg_free(small);
    vg_free(large);
    vg_free(p);
    return rc;
}

static uint32_t alias_draw(const struct sim_alias *a, struct sim_rng *r)
{
    uint64_t x = sim_next(r);
    uint32_t i = (uint32_t)(((x >> 32) * (uint64_t)a->n) >> 32);
    float u = (float)(x & 0xffffff) * (1.0f / 16777216.0f);
    return u < a->prob[i] ? i : a->alias[i];
}

static void alias_release(struct sim_alias *a)
{
    vg_free(a->prob);
    vg_free(a->alias);
    memset(a, 0, sizeof(*a));
}

/* ---- accounts ------------------------------------------------------------------------------- */

uint32_t vg__sim_account_add(struct sim_world *w, uint8_t role, uint8_t lang, int64_t t)
{
    if (w->n_acct == w->cap_acct) {
        if (w->cap_acct >= UINT32_MAX / 2)
            return SIM_NONE;
        uint32_t cap = w->cap_acct ? w->cap_acct + w->cap_acct / 2 : 1024;
        struct sim_acct *p = vg_realloc(w->acct, (size_t)cap * sizeof(*p));
        if (!p)
            return SIM_NONE;
        w->acct = p;
        w->cap_acct = cap;
    }
    uint32_t v = w->n_acct++;
    struct sim_acct *a = &w->acct[v];
    memset(a, 0, sizeof(*a));
    a->role = role;
    a->lang = lang;
    a->flags = ACC_ALIVE;
    a->community = -1;
    a->persona = -1;
    a->parent = SIM_NONE;
    a->suspended_day = INT32_MIN;
    a->suspended_at = INT64_MAX;
    a->created_at = t;
    a->created_day =
            (int32_t)((t - w->t0) >= 0 ? (t - w->t0) / 86400 : -((w->t0 - t + 86399) / 86400));
    w->sum->by_role[role]++;
    return v;
}

static uint64_t count_of(double share, uint64_t n)
{
    if (share <= 0)
        return 0;
    uint64_t k = (uint64_t)llround(share * (double)n);
    return k ? k : 1;
}

static uint8_t draw_lang(struct sim_rng *r, double ar, double fr)
{
    double u = sim_unif(r);
    return u < ar ? LANG_AR : u < ar + fr ? LANG_FR : LANG_EN;
}

/* Roles dealt to random account numbers: a partial Fisher-Yates shuffle. */
static vg_status deal_roles(struct sim_world *w, uint64_t n_role[VG_SIM__ROLES])
{
    uint32_t n = w->n_initial;
    uint32_t *perm = vg_malloc((size_t)n * sizeof(uint32_t));
    if (!perm)
        return VG_ENOMEM;
    for (uint32_t i = 0; i < n; i++)
        perm[i] = i;
    struct sim_rng r;
    sim_rng_init(&r, w->seed, TAG_ROLES, 0);
    uint64_t special = 0;
    for (int role = 1; role < VG_SIM__ROLES; role++)
        special += n_role[role];
    for (uint64_t i = 0; i < special; i++) {
        uint64_t j = i + sim_below(&r, n - i);
        uint32_t t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    uint64_t k = 0;
    for (int role = 1; role < VG_SIM__ROLES; role++)
        for (uint64_t i = 0; i < n_role[role]; i++)
            w->acct[perm[k++]].role = (uint8_t)role;
    vg_free(perm);
    return VG_OK;
}

/* Language, creation time, activity and follower target of initial account v. */
static void draw_account(struct sim_world *w, uint32_t v, float *out_w)
{
    const struct vg_sim_config *c = w->cfg;
    struct sim_acct *a = &w->acct[v];
    struct sim_rng r;
    sim_rng_init(&r, w->seed, TAG_ACCOUNT, v);
    double sigma = c->follower_sigma;
    double age_days, followers, posts;
    switch (a->role) {
        case VG_SIM_SUPPORTER:
            a->lang = draw_lang(&r, c->supporter_lang_ar, c->supporter_lang_fr);
            if (sim_unif(&r) < c->core_share)
                a->flags |= ACC_CORE;
            /* Supporter accounts are young: suspensions keep turning them over (Conway). */
            age_days = 1 + sim_unif(&r) * 120;
            followers = vg__sim_lognormal(&r, c->supporter_followers, sigma * 0.6);
            if (a->flags & ACC_CORE)
                followers *= 2;
            posts = (a->flags & ACC_CORE) ? vg__sim_lognormal(&r, c->core_posts, 0.5)
                                          : vg__sim_lognormal(&r, c->supporter_posts, 0.6);
            break;
        case VG_SIM_NEWS:
            a->lang = draw_lang(&r, c->background_lang_ar, c->background_lang_fr);
            age_days = 365 + sim_unif(&r) * 3000;
            followers = vg__sim_lognormal(&r, c->news_followers, sigma);
            posts = vg__sim_lognormal(&r, c->news_posts, 0.5);
            break;
        case VG_SIM_RESEARCHER:
        case VG_SIM_COUNTER:
            a->lang = draw_lang(&r, c->background_lang_ar, c->background_lang_fr);
            age_days = 60 + sim_unif(&r) * 2500;
            followers = vg__sim_lognormal(&r, 2 * c->background_followers, sigma);
            posts = vg__sim_lognormal(
                    &r, a->role == VG_SIM_RESEARCHER ? c->researcher_posts : c->counter_posts, 0.5);
            break;
        default:
            a->lang = draw_lang(&r, c->background_lang_ar, c->background_lang_fr);
            age_days = 1 + sim_unif(&r) * 3000;
            followers = vg__sim_lognormal(&r, c->background_followers, sigma);
            posts = vg__sim_lognormal(&r, c->background_posts, sigma);
            break;
    }
    double max_f = (double)w->n_initial - 1;
    a->in_target = (float)(followers > max_f ? max_f : followers);
    a->post_rate = (float)posts;
    a->created_at = w->t0 - (int64_t)(age_days * 86400);
    a->created_day = -(int32_t)ceil(age_days);
    out_w[v] = (float)vg__sim_lognormal(&r, 1.0, sigma);
}

static vg_status list_push(uint32_t **list, size_t *n, size_t *cap, uint32_t x)
{
    if (*n == *cap) {
        size_t nc = *cap ? 2 * *cap : 256;
        uint32_t *p = vg_realloc(*list, nc * sizeof(uint32_t));
        if (!p)
            return VG_ENOMEM;
        *list = p;
        *cap = nc;
    }
    (*list)[(*n)++] = x;
    return VG_OK;
}

static vg_status build_communities(struct sim_world *w)
{
    const struct vg_sim_config *c = w->cfg;
    uint32_t *by_lang[LANG__N] = { 0 };
    size_t n_lang[LANG__N] = { 0 }, cap_lang[LANG__N] = { 0 };
    vg_status rc = VG_OK;
    for (uint32_t v = 0; v < w->n_initial && !rc; v++)
        if (w->acct[v].role == VG_SIM_SUPPORTER)
            rc = list_push(&by_lang[w->acct[v].lang], &n_lang[w->acct[v].lang],
                           &cap_lang[w->acct[v].lang], v);
    uint32_t n_comm = 0;
    for (int l = 0; l < LANG__N; l++)
        if (n_lang[l])
            n_comm += (uint32_t)(n_lang[l] / c->community_size > 0
                                         ? (n_lang[l] + c->community_size / 2) / c->community_size
                                         : 1);
    if (!rc && n_comm && !(w->comm = vg_calloc(n_comm, sizeof(*w->comm))))
        rc = VG_ENOMEM;
    struct sim_rng r;
    sim_rng_init(&r, w->seed, TAG_ROLES, 1);
    uint32_t first = 0;
    for (int l = 0; l < LANG__N && !rc; l++) {
        if (!n_lang[l])
            continue;
        uint32_t k = (uint32_t)(n_lang[l] / c->community_size > 0
                                        ? (n_lang[l] + c->community_size / 2) / c->community_size
                                        : 1);
        for (uint32_t i = 0; i < k; i++)
            w->comm[first + i].lang = (uint8_t)l;
        for (size_t i = 0; i < n_lang[l]; i++) {
            uint32_t ci = first + (uint32_t)sim_below(&r, k);
            w->acct[by_lang[l][i]].community = (int32_t)ci;
        }
        first += k;
    }
    if (w->comm)
        w->n_comm = n_comm; /* only what exists is released */
    /* Member lists, in account order. */
    size_t *caps = n_comm ? vg_calloc(n_comm, sizeof(size_t)) : NULL;
    if (!rc && n_comm && !caps)
        rc = VG_ENOMEM;
    for (uint32_t v = 0; v < w->n_initial && !rc; v++) {
        int32_t ci = w->acct[v].community;
        if (ci >= 0) {
            size_t n = w->comm[ci].n_members;
            rc = list_push(&w->comm[ci].members, &n, &caps[ci], v);
            w->comm[ci].n_members = (uint32_t)n;
        }
    }
    vg_free(caps);
    for (int l = 0; l < LANG__N; l++)
        vg_free(by_lang[l]);
    return rc;
}

/* Background accounts of each language that follow the movement: its outer followers. */
static vg_status build_audiences(struct sim_world *w)
{
    const struct vg_sim_config *c = w->cfg;
    uint64_t n_sup[LANG__N] = { 0 };
    for (uint32_t v = 0; v < w->n_initial; v++)
        if (w->acct[v].role == VG_SIM_SUPPORTER)
            n_sup[w->acct[v].lang]++;
    struct sim_rng r;
    sim_rng_init(&r, w->seed, TAG_ROLES, 2);
    for (int l = 0; l < LANG__N; l++) {
        uint64_t want = (uint64_t)llround(c->audience_per_supporter * (double)n_sup[l]);
        if (!want)
            continue;
        size_t n = 0, cap = 0;
        uint32_t *cand = NULL;
        for (uint32_t v = 0; v < w->n_initial; v++)
            if (w->acct[v].role == VG_SIM_BACKGROUND && !(w->acct[v].flags & ACC_AUDIENCE) &&
                w->acct[v].lang == l && list_push(&cand, &n, &cap, v)) {
                vg_free(cand);
                return VG_ENOMEM;
            }
        if (want > n)
            want = n;
        for (uint64_t i = 0; i < want; i++) {
            uint64_t j = i + sim_below(&r, n - i);
            uint32_t t = cand[i];
            cand[i] = cand[j];
            cand[j] = t;
            w->acct[cand[i]].flags |= ACC_AUDIENCE;
        }
        w->audience[l] = cand;
        w->n_audience[l] = (uint32_t)want;
    }
    return VG_OK;
}

static vg_status build_role_lists(struct sim_world *w)
{
    for (uint32_t v = 0; v < w->n_initial; v++)
        w->n_role_list[w->acct[v].role]++;
    for (int role = 1; role < VG_SIM__ROLES; role++) {
        if (w->n_role_list[role] &&
            !(w->role_list[role] = vg_malloc(w->n_role_list[role] * sizeof(uint32_t))))
            return VG_ENOMEM;
        w->n_role_list[role] = 0;
    }
    w->n_role_list[VG_SIM_BACKGROUND] = 0;
    for (uint32_t v = 0; v < w->n_initial; v++) {
        int role = w->acct[v].role;
        if (role != VG_SIM_BACKGROUND)
            w->role_list[role][w->n_role_list[role]++] = v;
    }
    return VG_OK;
}

vg_status vg__sim_world_build(struct sim_world *w)
{
    const struct vg_sim_config *c = w->cfg;
    uint64_t n = c->accounts;
    uint64_t n_role[VG_SIM__ROLES] = { 0 };
    n_role[VG_SIM_SUPPORTER] = count_of(c->supporter_share, n);
    n_role[VG_SIM_NEWS] = count_of(c->news_share, n);
    n_role[VG_SIM_RESEARCHER] = count_of(c->researcher_share, n);
    n_role[VG_SIM_COUNTER] = count_of(c->counter_share, n);
    uint64_t special = 0;
    for (int i = 1; i < VG_SIM__ROLES; i++)
        special += n_role[i];
    if (special * 2 > n) {
        VG_LOG_ERR("sim: %llu of %llu accounts would have a role: raise accounts or lower the "
                   "*_share settings",
                   (unsigned long long)special, (unsigned long long)n);
        return VG_EINVAL;
    }
    if (c->supporter_lang_ar + c->supporter_lang_fr > 1 ||
        c->background_lang_ar + c->background_lang_fr > 1) {
        VG_LOG_ERR("sim: language shares add up to more than 1");
        return VG_EINVAL;
    }
    for (uint64_t i = 0; i < n; i++)
        if (vg__sim_account_add(w, VG_SIM_BACKGROUND, LANG_EN, w->t0) == SIM_NONE)
            return VG_ENOMEM;
    w->n_initial = (uint32_t)n;
    w->sum->by_role[VG_SIM_BACKGROUND] = n;
    vg_status rc = deal_roles(w, n_role);
    if (rc)
        return rc;
    for (int i = 1; i < VG_SIM__ROLES; i++) {
        w->sum->by_role[i] = n_role[i];
        w->sum->by_role[VG_SIM_BACKGROUND] -= n_role[i];
    }
    float *out_w = vg_malloc((size_t)n * sizeof(float));
    float *in_w = vg_malloc((size_t)n * sizeof(float));
    if (!out_w || !in_w) {
        rc = VG_ENOMEM;
        goto done;
    }
    for (uint32_t v = 0; v < n; v++) {
        w->acct[v].flags |= ACC_INITIAL;
        draw_account(w, v, out_w);
        if (w->acct[v].role == VG_SIM_SUPPORTER)
            w->acct[v].persona = (int32_t)w->n_personas++;
        /* Random later follows go to popular non-supporters only. */
        in_w[v] = w->acct[v].role == VG_SIM_SUPPORTER ? 0 : w->acct[v].in_target + 1;
    }
    if ((rc = build_communities(w)) || (rc = build_audiences(w)) || (rc = build_role_lists(w)))
        goto done;
    if ((rc = alias_build(&w->src_alias, out_w, (uint32_t)n)) ||
        (rc = alias_build(&w->dst_alias, in_w, (uint32_t)n)))
        goto done;
done:
    vg_free(out_w);
    vg_free(in_w);
    return rc;
}

void vg__sim_world_release(struct sim_world *w)
{
    if (!w)
        return;
    for (uint32_t i = 0; i < w->n_comm; i++)
        vg_free(w->comm[i].members);
    vg_free(w->comm);
    for (int l = 0; l < LANG__N; l++)
        vg_free(w->audience[l]);
    for (int r = 0; r < VG_SIM__ROLES; r++)
        vg_free(w->role_list[r]);
    alias_release(&w->src_alias);
    alias_release(&w->dst_alias);
    if (w->days)
        for (uint64_t d = 0; d < w->cfg->days; d++)
            vg_free(w->days[d].ev);
    vg_free(w->days);
    vg_free(w->pending);
    for (size_t i = 0; i < w->n_storms; i++) {
        vg_free(w->storms[i].accounts);
        vg_free(w->storms[i].posts);
    }
    vg_free(w->storms);
    vg_free(w->bursts);
    vg_free(w->acct);
    vg_free(w->scratch);
    vg__sim_texts_release(&w->texts);
}

/* ---- follower lists ------------------------------------------------------------------------- */

/* In-place sort of small integer lists: qsort's indirect comparisons were a third of the run
 * time at a million accounts. Quicksort with median of three, insertion sort below 24 items,
 * recursion on the smaller side only (depth at most log2 n). */
static void sort_u32(uint32_t *a, size_t n)
{
    while (n > 24) {
        uint32_t x = a[0], y = a[n / 2], z = a[n - 1];
        uint32_t pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        size_t i = 0, j = n - 1;
        for (;;) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i >= j)
                break;
            uint32_t t = a[i];
            a[i] = a[j];
            a[j] = t;
            i++;
            j--;
        }
        size_t left = j + 1;
        if (left < n - left) {
            sort_u32(a, left);
            a += left;
            n -= left;
        } else {
            sort_u32(a + left, n - left);
            n = left;
        }
    }
    for (size_t i = 1; i < n; i++) {
        uint32_t v = a[i];
        size_t k = i;
        while (k > 0 && a[k - 1] > v) {
            a[k] = a[k - 1];
            k--;
        }
        a[k] = v;
    }
}

static void sort_unique(uint32_t *list, size_t from, size_t *n)
{
    sort_u32(list + from, *n - from);
    size_t k = from;
    for (size_t i = from; i < *n; i++)
        if (k == from || list[k - 1] != list[i])
            list[k++] = list[i];
    *n = k;
}

static vg_status supporter_followers(const struct sim_world *w, uint32_t v, struct sim_rng *r,
                                     uint32_t **out, size_t *n, size_t *cap)
{
    const struct sim_acct *a = &w->acct[v];
    const struct sim_community *cm = &w->comm[a->community];
    double ins = w->cfg->insularity;
    uint64_t d = (uint64_t)llround(a->in_target);
    uint64_t others = cm->n_members ? cm->n_members - 1 : 0;
    uint64_t internal = (uint64_t)llround(ins * (double)d), external;
    if (internal > others) {
        internal = others;
        external = (uint64_t)llround((double)internal * (1 - ins) / ins);
    } else {
        external = d - internal;
    }
    vg_status rc = VG_OK;
    if (internal * 3 > others) {
        /* Dense: keep each member with the right probability (no rejection loop). */
        double p = others ? (double)internal / (double)others : 0;
        for (uint32_t i = 0; i < cm->n_members && !rc; i++)
            if (cm->members[i] != v && sim_unif(r) < p)
                rc = list_push(out, n, cap, cm->members[i]);
    } else {
        for (uint64_t i = 0; i < internal && !rc; i++) {
            uint32_t u = cm->members[sim_below(r, cm->n_members)];
            if (u != v)
                rc = list_push(out, n, cap, u);
        }
    }
    const uint32_t *aud = w->audience[a->lang];
    uint32_t n_aud = w->n_audience[a->lang];
    uint32_t n_res = w->n_role_list[VG_SIM_RESEARCHER], n_cnt = w->n_role_list[VG_SIM_COUNTER];
    for (uint64_t i = 0; i < external && !rc; i++) {
        double u = sim_unif(r);
        uint32_t f;
        if (u < 0.03 && n_res)
            f = w->role_list[VG_SIM_RESEARCHER][sim_below(r, n_res)];
        else if (u < 0.05 && n_cnt)
            f = w->role_list[VG_SIM_COUNTER][sim_below(r, n_cnt)];
        else if (n_aud)
            f = aud[sim_below(r, n_aud)];
        else
            f = alias_draw(&w->src_alias, r);
        if (f != v)
            rc = list_push(out, n, cap, f);
    }
    return rc;
}

/*
 * Supporters of its language that follow audience account v (audience_followback): ordinary
 * accounts the movement follows, a grey zone the default world lacks. A stream of its own
 * (TAG_FOLLOWBACK), so that with the setting at 0 the default world does not change.
 */
static vg_status followback(const struct sim_world *w, uint32_t v, uint32_t **out, size_t *n,
                            size_t *cap)
{
    uint8_t lang = w->acct[v].lang;
    uint32_t n_lang = 0;
    for (uint32_t k = 0; k < w->n_comm; k++)
        n_lang += w->comm[k].lang == lang ? w->comm[k].n_members : 0;
    if (!n_lang)
        return VG_OK;
    struct sim_rng r;
    sim_rng_init(&r, w->seed, TAG_FOLLOWBACK, v);
    uint64_t k = vg__sim_poisson(&r, w->cfg->audience_followback);
    vg_status rc = VG_OK;
    for (uint64_t i = 0; i < k && !rc; i++) {
        uint32_t pick = (uint32_t)sim_below(&r, n_lang);
        for (uint32_t c = 0; c < w->n_comm; c++) {
            if (w->comm[c].lang != lang)
                continue;
            if (pick < w->comm[c].n_members) {
                rc = list_push(out, n, cap, w->comm[c].members[pick]);
                break;
            }
            pick -= w->comm[c].n_members;
        }
    }
    return rc;
}

vg_status vg__sim_followers(const struct sim_world *w, uint32_t v, uint32_t **out, size_t *n,
                            size_t *cap)
{
    const struct sim_acct *a = &w->acct[v];
    size_t from = *n;
    vg_status rc = VG_OK;
    struct sim_rng r;
    if (a->parent != SIM_NONE) {
        /* A returning persona's account: a share of its predecessor's followers. */
        if ((rc = vg__sim_followers(w, a->parent, out, n, cap)))
            return rc;
        double keep = w->cfg->regain * pow(w->cfg->regain_decay, a->incarnation - 1);
        sim_rng_init(&r, w->seed, TAG_INHERIT, v);
        size_t k = from;
        for (size_t i = from; i < *n; i++)
            if (sim_unif(&r) < keep && (*out)[i] != v)
                (*out)[k++] = (*out)[i];
        *n = k;
        return VG_OK;
    }
    if (!(a->flags & ACC_INITIAL))
        return VG_OK;
    sim_rng_init(&r, w->seed, TAG_FOLLOWERS, v);
    if (a->role == VG_SIM_SUPPORTER) {
        rc = supporter_followers(w, v, &r, out, n, cap);
    } else {
        uint64_t d = (uint64_t)llround(a->in_target);
        for (uint64_t i = 0; i < d && !rc; i++) {
            uint32_t f = alias_draw(&w->src_alias, &r);
            if (f != v)
                rc = list_push(out, n, cap, f);
        }
        if (!rc && (a->flags & ACC_AUDIENCE) && w->cfg->audience_followback > 0)
            rc = followback(w, v, out, n, cap);
    }
    if (!rc)
        sort_unique(*out, from, n);
    return rc;
}

uint32_t vg__sim_draw_popular(const struct sim_world *w, struct sim_rng *r)
{
    return alias_draw(&w->dst_alias, r);
}

uint32_t vg__sim_draw_follower(const struct sim_world *w, struct sim_rng *r)
{
    return alias_draw(&w->src_alias, r);
}
