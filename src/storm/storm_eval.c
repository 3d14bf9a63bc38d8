/* SPDX-License-Identifier: Apache-2.0 */
/*
 * storm_eval.c: storm detection measured against the planted truth of a generated world
 * (vg_storms_eval, docs/storms.md "Measuring"). The store is replayed through a detector; every
 * hashtag-day seen in the posts is a unit: positive when a planted storm used that hashtag that
 * day, alarmed when an alert on that hashtag was raised that day. Organic bursts are counted
 * apart (bursts alarmed / bursts), as they are the negatives that matter. A storm is detected
 * when an alert on its hashtag is raised within a day of its first post; the delay runs from
 * that first post. Accounts: the final accounts of the alerts matched to a storm against the
 * storm's planted accounts.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "storm.h"

#define DAY 86400

struct got_alert {
    char *tags[8]; /* its hashtags (the first is its own) */
    int64_t joined_at[8];
    size_t n_tags;
    int64_t detected_at;
    char **acc;
    size_t n_acc;
    int matched;
};

/* A set of 64-bit values (0 is never stored: values are hashes forced non-zero). */
struct u64set {
    uint64_t *v;
    size_t n, cap;
};

static vg_status set_add(struct u64set *s, uint64_t x)
{
    if ((s->n + 1) * 2 > s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 1024;
        uint64_t *v = vg_calloc(cap, sizeof(*v));
        if (!v)
            return VG_ENOMEM;
        for (size_t i = 0; i < s->cap; i++)
            if (s->v[i]) {
                size_t j = (size_t)s->v[i] & (cap - 1);
                while (v[j])
                    j = (j + 1) & (cap - 1);
                v[j] = s->v[i];
            }
        vg_free(s->v);
        s->v = v;
        s->cap = cap;
    }
    size_t j = (size_t)x & (s->cap - 1);
    while (s->v[j]) {
        if (s->v[j] == x)
            return VG_OK;
        j = (j + 1) & (s->cap - 1);
    }
    s->v[j] = x;
    s->n++;
    return VG_OK;
}

static int set_has(const struct u64set *s, uint64_t x)
{
    if (!s->cap)
        return 0;
    size_t j = (size_t)x & (s->cap - 1);
    while (s->v[j]) {
        if (s->v[j] == x)
            return 1;
        j = (j + 1) & (s->cap - 1);
    }
    return 0;
}

static int64_t day_of(int64_t t)
{
    return t >= 0 ? t / DAY : -((-t + DAY - 1) / DAY);
}

static uint64_t tag_day(const char *tag, int64_t day)
{
    uint64_t h = vg_hash64(tag, strlen(tag), (uint64_t)day * 0x9e3779b97f4a7c15ull + 1);
    return h ? h : 1;
}

struct evalctx {
    struct u64set seen;       /* hashtag-days of the posts */
    struct u64set storm_post; /* the planted storm posts (hashes of their ids) */
    struct u64set carried;    /* hashtag-days that planted storm posts carried */
    struct got_alert *alerts;
    size_t n_alerts, cap_alerts;
    struct vg_arena arena;
    vg_status rc; /* of the alert callback */
};

static uint64_t str_hash(const char *s)
{
    uint64_t h = vg_hash64(s, strlen(s), 3);
    return h ? h : 1;
}

static vg_status on_post(const struct vg_post *p, void *ud)
{
    struct evalctx *e = ud;
    vg_status rc = VG_OK;
    int planted = set_has(&e->storm_post, str_hash(p->id));
    for (size_t i = 0; i < p->hashtags.n && !rc; i++) {
        char tag[256];
        if (vg__storm_tag_norm(p->hashtags.v[i], tag, sizeof(tag))) {
            uint64_t td = tag_day(tag, day_of(p->created_at));
            rc = set_add(&e->seen, td);
            if (!rc && planted)
                rc = set_add(&e->carried, td);
        }
    }
    return rc;
}

static void on_alert(const struct vg_storm_alert *a, void *ud)
{
    struct evalctx *e = ud;
    if (!a->final || e->rc)
        return;
    if (e->n_alerts == e->cap_alerts) {
        size_t cap = e->cap_alerts ? 2 * e->cap_alerts : 64;
        struct got_alert *p = vg_realloc(e->alerts, cap * sizeof(*p));
        if (!p) {
            e->rc = VG_ENOMEM;
            return;
        }
        e->alerts = p;
        e->cap_alerts = cap;
    }
    struct got_alert *g = &e->alerts[e->n_alerts];
    memset(g, 0, sizeof(*g));
    g->detected_at = a->detected_at;
    for (size_t i = 0; i < a->n_hashtags && i < 8; i++)
        if ((g->joined_at[g->n_tags] = a->joined_at[i]),
            !(g->tags[g->n_tags++] = vg_arena_strdup(&e->arena, a->hashtags[i]))) {
            e->rc = VG_ENOMEM;
            return;
        }
    g->acc = vg_arena_alloc(&e->arena, (a->n_accounts ? a->n_accounts : 1) * sizeof(char *));
    if (!g->acc) {
        e->rc = VG_ENOMEM;
        return;
    }
    for (size_t i = 0; i < a->n_accounts; i++)
        if (!(g->acc[g->n_acc++] = vg_arena_strdup(&e->arena, a->accounts[i]))) {
            e->rc = VG_ENOMEM;
            return;
        }
    e->n_alerts++;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double quantile(double *v, size_t n, double q)
{
    if (!n)
        return NAN;
    qsort(v, n, sizeof(*v), cmp_double);
    double pos = q * (double)(n - 1);
    size_t lo = (size_t)pos;
    double f = pos - (double)lo;
    return lo + 1 < n ? v[lo] * (1 - f) + v[lo + 1] * f : v[lo];
}

static double ratio(uint64_t a, uint64_t b)
{
    return b ? (double)a / (double)b : NAN;
}

/* When alert g named the hashtag, or INT64_MAX when it never did. */
static int64_t tag_time(const struct got_alert *g, const char *tag)
{
    for (size_t i = 0; i < g->n_tags; i++)
        if (!strcmp(g->tags[i], tag))
            return g->joined_at[i];
    return INT64_MAX;
}

static vg_status measure(struct evalctx *e, const struct vg_storm_truth *t,
                         struct vg_storm_eval *out)
{
    vg_status rc = VG_OK;
    struct u64set storm_days = { 0 }, alarm_days = { 0 }, burst_tags = { 0 };
    double *delays[VG_STORM__PATTERNS + 1] = { 0 };
    size_t n_delays[VG_STORM__PATTERNS + 1] = { 0 };
    for (int g = 0; g <= VG_STORM__PATTERNS; g++)
        if (!(delays[g] = vg_malloc((t->n_storms ? t->n_storms : 1) * sizeof(double))))
            rc = VG_ENOMEM;
    for (size_t i = 0; i < t->n_storms && !rc; i++)
        rc = set_add(&storm_days, tag_day(t->storms[i].hashtag, day_of(t->storms[i].start)));
    for (size_t i = 0; i < e->n_alerts && !rc; i++)
        for (size_t j = 0; j < e->alerts[i].n_tags && !rc; j++)
            rc = set_add(&alarm_days,
                         tag_day(e->alerts[i].tags[j], day_of(e->alerts[i].joined_at[j])));
    if (rc)
        goto done;
    out->hashtag_days = e->seen.n;
    out->storm_hashtag_days = storm_days.n;
    for (size_t i = 0; i < storm_days.cap; i++)
        if (storm_days.v[i] && set_has(&alarm_days, storm_days.v[i]))
            out->alarmed_storm_hashtag_days++;
    /* The other hashtags that planted storm posts carried that day (a storm text's own tags) are
     * neither positives nor negatives: counted apart. */
    uint64_t neg = 0, false_days = 0;
    for (size_t i = 0; i < e->seen.cap; i++)
        if (e->seen.v[i] && !set_has(&storm_days, e->seen.v[i])) {
            if (set_has(&e->carried, e->seen.v[i]))
                out->carried_hashtag_days++;
            else
                neg++;
        }
    for (size_t i = 0; i < alarm_days.cap; i++)
        if (alarm_days.v[i] && !set_has(&storm_days, alarm_days.v[i])) {
            if (set_has(&e->carried, alarm_days.v[i]))
                out->alarmed_carried_hashtag_days++;
            else
                false_days++;
        }
    out->negative_hashtag_days = neg;
    out->false_hashtag_days = false_days;
    out->tpr = ratio(out->alarmed_storm_hashtag_days, out->storm_hashtag_days);
    out->fpr = ratio(false_days, neg);

    /* Storms: detection, delay, accounts. */
    uint64_t acc_alerts_all = 0, true_all = 0;
    for (size_t i = 0; i < t->n_storms && !rc; i++) {
        const struct storm_truth_storm *s = &t->storms[i];
        struct vg_storm_group_eval *grp[2] = { &out->all, &out->by_pattern[s->pattern] };
        struct u64set members = { 0 }, found = { 0 };
        for (size_t k = 0; k < s->n_accounts && !rc; k++)
            rc = set_add(&members, str_hash(s->accounts[k]));
        int64_t first = INT64_MAX;
        uint64_t alert_acc = 0, hits = 0;
        for (size_t a = 0; a < e->n_alerts && !rc; a++) {
            struct got_alert *g = &e->alerts[a];
            int64_t at = tag_time(g, s->hashtag);
            if (at == INT64_MAX || at < s->start || at >= s->start + DAY)
                continue;
            g->matched = 1;
            if (at < first)
                first = at;
            /* The union of the matched alerts' accounts: a storm that outlives one alert (its
             * hashtag back to its rate for an hour) may raise another with the same accounts. */
            for (size_t k = 0; k < g->n_acc && !rc; k++) {
                uint64_t h = str_hash(g->acc[k]);
                if (set_has(&found, h))
                    continue;
                rc = set_add(&found, h);
                alert_acc++;
                hits += (uint64_t)set_has(&members, h);
            }
        }
        vg_free(members.v);
        vg_free(found.v);
        for (int gi = 0; gi < 2; gi++) {
            grp[gi]->storms++;
            grp[gi]->truth_accounts += s->n_accounts;
            grp[gi]->alert_accounts += alert_acc;
            grp[gi]->true_accounts += hits;
            if (first != INT64_MAX)
                grp[gi]->detected++;
        }
        if (first != INT64_MAX) {
            delays[0][n_delays[0]++] = (double)(first - s->start);
            delays[1 + s->pattern][n_delays[1 + s->pattern]++] = (double)(first - s->start);
        }
        acc_alerts_all += alert_acc;
        true_all += hits;
    }
    if (rc)
        goto done;
    for (int gi = 0; gi <= VG_STORM__PATTERNS; gi++) {
        struct vg_storm_group_eval *g = gi ? &out->by_pattern[gi - 1] : &out->all;
        g->tpr = ratio(g->detected, g->storms);
        g->delay_median_s = quantile(delays[gi], n_delays[gi], 0.5);
        g->delay_p90_s = quantile(delays[gi], n_delays[gi], 0.9);
        g->precision = ratio(g->true_accounts, g->alert_accounts);
        g->recall = ratio(g->true_accounts, g->truth_accounts);
    }
    out->alerts = e->n_alerts;
    for (size_t a = 0; a < e->n_alerts; a++)
        if (!e->alerts[a].matched) {
            out->false_alerts++;
            acc_alerts_all += e->alerts[a].n_acc;
        }
    out->precision_all = ratio(true_all, acc_alerts_all);
    /* Organic bursts: alarmed when any alert names their hashtag. */
    for (size_t a = 0; a < e->n_alerts && !rc; a++)
        for (size_t j = 0; j < e->alerts[a].n_tags && !rc; j++)
            rc = set_add(&burst_tags, str_hash(e->alerts[a].tags[j]));
    out->bursts = t->n_bursts;
    for (size_t b = 0; b < t->n_bursts; b++)
        out->bursts_alarmed += (uint64_t)set_has(&burst_tags, str_hash(t->bursts[b].hashtag));
    out->burst_fpr = ratio(out->bursts_alarmed, out->bursts);
done:
    for (int g = 0; g <= VG_STORM__PATTERNS; g++)
        vg_free(delays[g]);
    vg_free(storm_days.v);
    vg_free(alarm_days.v);
    vg_free(burst_tags.v);
    return rc;
}

vg_status vg_storms_eval(vg_db *db, const vg_storm_truth *t, const struct vg_storm_opts *o,
                         struct vg_storm_eval *out)
{
    memset(out, 0, sizeof(*out));
    if (!db || !t || !o)
        return VG_EINVAL;
    struct evalctx e = { 0 };
    vg_arena_init(&e.arena, 1 << 16, SIZE_MAX);
    vg_status rc = VG_OK;
    for (size_t i = 0; i < t->n_storms && !rc; i++)
        for (size_t k = 0; k < t->storms[i].n_posts && !rc; k++)
            rc = set_add(&e.storm_post, str_hash(t->storms[i].posts[k]));
    struct vg_storm_opts opts = *o;
    opts.on_alert = on_alert;
    opts.ud = &e;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    vg_storms *s = NULL;
    if (!rc)
        rc = vg_storms_new(&opts, &s);
    if (!rc)
        rc = vg__storms_replay_with(db, VG_TIME_UNKNOWN, VG_TIME_UNKNOWN, s, on_post, &e,
                                    &out->posts);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    out->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (!rc)
        rc = e.rc;
    if (!rc)
        rc = measure(&e, t, out);
    vg_storms_free(s);
    vg_free(e.seen.v);
    vg_free(e.storm_post.v);
    vg_free(e.carried.v);
    vg_free(e.alerts);
    vg_arena_release(&e.arena);
    return rc;
}

/* ---- JSON ------------------------------------------------------------------------------------ */

static vg_status put_num(struct vg_buf *b, const char *name, double v, int comma)
{
    if (isnan(v))
        return vg_buf_printf(b, "%s\"%s\":null", comma ? "," : "", name);
    return vg_buf_printf(b, "%s\"%s\":%.6g", comma ? "," : "", name, v);
}

static vg_status group_json(struct vg_buf *b, const char *name, const struct vg_storm_group_eval *g)
{
    vg_status rc = vg_buf_printf(b, ",\"%s\":{\"storms\":%llu,\"detected\":%llu", name,
                                 (unsigned long long)g->storms, (unsigned long long)g->detected);
    if (!rc)
        rc = put_num(b, "tpr", g->tpr, 1);
    if (!rc)
        rc = put_num(b, "delay_median_s", g->delay_median_s, 1);
    if (!rc)
        rc = put_num(b, "delay_p90_s", g->delay_p90_s, 1);
    if (!rc)
        rc = vg_buf_printf(b,
                           ",\"truth_accounts\":%llu,\"alert_accounts\":%llu,"
                           "\"true_accounts\":%llu",
                           (unsigned long long)g->truth_accounts,
                           (unsigned long long)g->alert_accounts,
                           (unsigned long long)g->true_accounts);
    if (!rc)
        rc = put_num(b, "account_precision", g->precision, 1);
    if (!rc)
        rc = put_num(b, "account_recall", g->recall, 1);
    if (!rc)
        rc = vg_buf_putc(b, '}');
    return rc;
}

vg_status vg_storm_eval_json(const struct vg_storm_eval *e, char **json)
{
    *json = NULL;
    struct vg_buf b;
    vg_buf_init(&b, 1 << 20);
    vg_status rc =
            vg_buf_printf(&b,
                          "{\"posts\":%llu,\"hashtag_days\":%llu,\"storm_hashtag_days\":%llu,"
                          "\"alarmed_storm_hashtag_days\":%llu,\"negative_hashtag_days\":%llu,"
                          "\"false_hashtag_days\":%llu",
                          (unsigned long long)e->posts, (unsigned long long)e->hashtag_days,
                          (unsigned long long)e->storm_hashtag_days,
                          (unsigned long long)e->alarmed_storm_hashtag_days,
                          (unsigned long long)e->negative_hashtag_days,
                          (unsigned long long)e->false_hashtag_days);
    if (!rc)
        rc = put_num(&b, "tpr", e->tpr, 1);
    if (!rc)
        rc = put_num(&b, "fpr", e->fpr, 1);
    if (!rc)
        rc = vg_buf_printf(&b,
                           ",\"carried_hashtag_days\":%llu,\"alarmed_carried_hashtag_days\":%llu",
                           (unsigned long long)e->carried_hashtag_days,
                           (unsigned long long)e->alarmed_carried_hashtag_days);
    if (!rc)
        rc = vg_buf_printf(&b, ",\"bursts\":%llu,\"bursts_alarmed\":%llu",
                           (unsigned long long)e->bursts, (unsigned long long)e->bursts_alarmed);
    if (!rc)
        rc = put_num(&b, "burst_fpr", e->burst_fpr, 1);
    if (!rc)
        rc = vg_buf_printf(&b, ",\"alerts\":%llu,\"false_alerts\":%llu",
                           (unsigned long long)e->alerts, (unsigned long long)e->false_alerts);
    if (!rc)
        rc = put_num(&b, "account_precision_all_alerts", e->precision_all, 1);
    if (!rc)
        rc = group_json(&b, "storms", &e->all);
    /* link and copy always (the first patterns), the others when the world has them */
    for (int k = 0; k < VG_STORM__PATTERNS && !rc; k++)
        if (k <= VG_STORM_COPY || e->by_pattern[k].storms)
            rc = group_json(&b, vg_storm_pattern_name(k), &e->by_pattern[k]);
    if (!rc)
        rc = put_num(&b, "seconds", e->seconds, 1);
    if (!rc)
        rc = vg_buf_putc(&b, '}');
    if (rc) {
        vg_buf_release(&b);
        return rc;
    }
    *json = vg_buf_take(&b);
    return VG_OK;
}
