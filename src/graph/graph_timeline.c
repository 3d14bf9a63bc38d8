/* SPDX-License-Identifier: Apache-2.0 */
/*
 * graph_timeline.c: a set of accounts through time (issue 4, "Over time"; docs/networks.md).
 * One pass over the store keeps, for the members of the set only, what can change with time:
 * when each was first seen, its suspensions and reinstatements, and every follow and unfollow
 * pointing at it with its instant. From that, without reading the follows again:
 *   - snapshots: the set as of any instant (alive members, unique followers with CRoaring,
 *     insularity, followers mean and median), plus posts of a window (one activity scan each);
 *   - personas: the followers each account of a returning persona had when it was suspended
 *     (Berger & Perez 2016: repeatedly suspended users lost most of their followers);
 *   - survival: the share of new accounts suspended within 48 h and 3 months (Berger & Perez;
 *     Conway et al.), with left and right censoring made explicit.
 * The follow state of a pair as of t follows graph_load.c exactly: the latest follow before t
 * against the latest unfollow before t, an unfollow strictly later removing the tie, undated
 * rows counting as the earliest possible. So a snapshot at `before` equals vg_network_reach of
 * the same accounts on a network loaded with that `before` (tested).
 */
#include <math.h>
#include <roaring/roaring.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"

#define H48 (48 * 3600LL)
#define D90 (90 * 86400LL)

/* A follow or unfollow pointing at a member. */
struct tl_follow {
    uint32_t member, src; /* src: index in the timeline's ids */
    int64_t at;           /* INT64_MIN when undated */
    uint8_t follow;       /* 1 follow, 0 unfollow */
};

struct tl_mod {
    uint32_t member;
    int64_t at;
    uint8_t suspension; /* 1 suspension, 0 reinstatement */
};

struct vg_timeline {
    struct vg_ids ids; /* members first (0 .. n_members - 1), then accounts following them */
    uint32_t n_members;
    size_t n_unknown; /* members never seen in the store */
    int64_t before, data_start, data_end;
    uint8_t *seen;         /* per member */
    int64_t *first_seen;   /* per member; VG_TIME_UNKNOWN: no dated row */
    int64_t *profile_seen; /* per member: profile first_seen, VG_TIME_UNKNOWN without profile */
    struct tl_follow *fol; /* sorted by member, src, at, unfollow before follow */
    size_t n_fol, cap_fol;
    uint64_t *fol_off;  /* n_members + 1 */
    struct tl_mod *mod; /* sorted by member, at */
    size_t n_mod, cap_mod;
    uint64_t *mod_off;
};

/* ---- loading --------------------------------------------------------------------------------- */

static uint32_t member_of(const struct vg_timeline *tl, const char *id)
{
    uint32_t m = id ? vg__ids_find(&tl->ids, id) : UINT32_MAX;
    return m < tl->n_members ? m : UINT32_MAX;
}

/* A dated row involving member m: it exists, and was there by then. */
static void sighting(struct vg_timeline *tl, uint32_t m, int64_t at)
{
    tl->seen[m] = 1;
    if (at != VG_TIME_UNKNOWN && (tl->first_seen[m] == VG_TIME_UNKNOWN || at < tl->first_seen[m]))
        tl->first_seen[m] = at;
    if (at != VG_TIME_UNKNOWN && at > tl->data_end)
        tl->data_end = at;
}

static vg_status on_account(const struct vg_scan_row *r, void *ud)
{
    struct vg_timeline *tl = ud;
    if (r->at != VG_TIME_UNKNOWN && (tl->data_start == VG_TIME_UNKNOWN || r->at < tl->data_start))
        tl->data_start = r->at;
    uint32_t m = member_of(tl, r->account);
    if (m != UINT32_MAX) {
        tl->profile_seen[m] = r->at;
        sighting(tl, m, r->at);
    }
    return VG_OK;
}

static vg_status push_follow(struct vg_timeline *tl, const struct vg_scan_row *r, uint8_t follow)
{
    uint32_t d = member_of(tl, r->other), s = member_of(tl, r->account);
    if (s != UINT32_MAX)
        sighting(tl, s, r->at);
    if (d == UINT32_MAX)
        return VG_OK;
    sighting(tl, d, r->at);
    uint32_t src;
    vg_status rc = vg__ids_intern(&tl->ids, r->account, &src);
    if (rc)
        return rc;
    if (src == d)
        return VG_OK; /* the network drops self-follows too */
    if (tl->n_fol == tl->cap_fol) {
        size_t cap = tl->cap_fol ? tl->cap_fol * 2 : 1024;
        struct tl_follow *f = vg_realloc(tl->fol, cap * sizeof(*f));
        if (!f)
            return VG_ENOMEM;
        tl->fol = f;
        tl->cap_fol = cap;
    }
    int64_t at = r->at == VG_TIME_UNKNOWN ? INT64_MIN : r->at;
    tl->fol[tl->n_fol++] = (struct tl_follow){ d, src, at, follow };
    return VG_OK;
}

static vg_status on_follow(const struct vg_scan_row *r, void *ud)
{
    return r->other ? push_follow(ud, r, 1) : VG_OK;
}

static vg_status on_unfollow(const struct vg_scan_row *r, void *ud)
{
    return r->other ? push_follow(ud, r, 0) : VG_OK;
}

static vg_status on_moderation(const struct vg_scan_row *r, void *ud)
{
    struct vg_timeline *tl = ud;
    uint32_t m = member_of(tl, r->account);
    if (m == UINT32_MAX || !r->item)
        return VG_OK;
    sighting(tl, m, r->at);
    if (tl->n_mod == tl->cap_mod) {
        size_t cap = tl->cap_mod ? tl->cap_mod * 2 : 256;
        struct tl_mod *p = vg_realloc(tl->mod, cap * sizeof(*p));
        if (!p)
            return VG_ENOMEM;
        tl->mod = p;
        tl->cap_mod = cap;
    }
    int64_t at = r->at == VG_TIME_UNKNOWN ? INT64_MIN : r->at;
    tl->mod[tl->n_mod++] = (struct tl_mod){ m, at, (uint8_t)!strcmp(r->item, "suspension") };
    return VG_OK;
}

static vg_status on_activity_seen(const struct vg_scan_row *r, void *ud)
{
    struct vg_timeline *tl = ud;
    uint32_t m = member_of(tl, r->account);
    if (m != UINT32_MAX)
        tl->seen[m] = 1; /* the latest post says nothing of when the account began */
    return VG_OK;
}

static int cmp_follow(const void *a, const void *b)
{
    const struct tl_follow *x = a, *y = b;
    if (x->member != y->member)
        return x->member < y->member ? -1 : 1;
    if (x->src != y->src)
        return x->src < y->src ? -1 : 1;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return (int)x->follow - (int)y->follow;
}

static int cmp_mod(const void *a, const void *b)
{
    const struct tl_mod *x = a, *y = b;
    if (x->member != y->member)
        return x->member < y->member ? -1 : 1;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    /* At one instant the suspension comes first, as the moderation scan orders them (qsort is
     * not stable): a reinstatement at the same instant wins. */
    return (int)y->suspension - (int)x->suspension;
}

static vg_status offsets(uint64_t **off, uint32_t n, size_t n_rows, const void *rows, size_t size)
{
    *off = vg_calloc((size_t)n + 1, sizeof(**off));
    if (!*off)
        return VG_ENOMEM;
    for (size_t i = 0; i < n_rows; i++) /* member is the first field of both row types */
        (*off)[*(const uint32_t *)((const char *)rows + i * size) + 1]++;
    for (uint32_t m = 0; m < n; m++)
        (*off)[m + 1] += (*off)[m];
    return VG_OK;
}

vg_status vg_timeline_load(vg_db *db, const char *const *ids, size_t n, int64_t before,
                           vg_timeline **out)
{
    *out = NULL;
    if (!db || (n && !ids) || n >= UINT32_MAX)
        return VG_EINVAL;
    struct vg_timeline *tl = vg_calloc(1, sizeof(*tl));
    if (!tl)
        return VG_ENOMEM;
    tl->before = before;
    tl->data_start = VG_TIME_UNKNOWN;
    tl->data_end = VG_TIME_UNKNOWN;
    vg_status rc = vg__ids_init(&tl->ids);
    for (size_t i = 0; !rc && i < n; i++)
        rc = vg__ids_intern(&tl->ids, ids[i], &(uint32_t){ 0 });
    if (rc)
        goto fail;
    tl->n_members = tl->ids.n;
    size_t nm = tl->n_members ? tl->n_members : 1;
    tl->seen = vg_calloc(nm, 1);
    tl->first_seen = vg_malloc(nm * sizeof(*tl->first_seen));
    tl->profile_seen = vg_malloc(nm * sizeof(*tl->profile_seen));
    rc = VG_ENOMEM;
    if (!tl->seen || !tl->first_seen || !tl->profile_seen)
        goto fail;
    for (uint32_t m = 0; m < tl->n_members; m++)
        tl->first_seen[m] = tl->profile_seen[m] = VG_TIME_UNKNOWN;
    if ((rc = vg__db_scan(db, VG_SCAN_ACCOUNTS, VG_TIME_UNKNOWN, before, on_account, tl)) ||
        (rc = vg__db_scan(db, VG_SCAN_MODERATION, VG_TIME_UNKNOWN, before, on_moderation, tl)) ||
        (rc = vg__db_scan(db, VG_SCAN_FOLLOWS, VG_TIME_UNKNOWN, before, on_follow, tl)) ||
        (rc = vg__db_scan(db, VG_SCAN_UNFOLLOWS, VG_TIME_UNKNOWN, before, on_unfollow, tl)) ||
        (rc = vg__db_scan(db, VG_SCAN_ACTIVITY, VG_TIME_UNKNOWN, before, on_activity_seen, tl)))
        goto fail;
    /* A profile's first sighting wins over earlier rows about the account: rows written before
     * a profile was seen (follower lists fetched later) are not creations. */
    for (uint32_t m = 0; m < tl->n_members; m++) {
        if (tl->profile_seen[m] != VG_TIME_UNKNOWN)
            tl->first_seen[m] = tl->profile_seen[m];
        tl->n_unknown += !tl->seen[m];
    }
    if (before != VG_TIME_UNKNOWN)
        tl->data_end = before;
    if (tl->n_fol) /* the arrays stay NULL until a first row */
        qsort(tl->fol, tl->n_fol, sizeof(*tl->fol), cmp_follow);
    if (tl->n_mod)
        qsort(tl->mod, tl->n_mod, sizeof(*tl->mod), cmp_mod);
    if ((rc = offsets(&tl->fol_off, tl->n_members, tl->n_fol, tl->fol, sizeof(*tl->fol))) ||
        (rc = offsets(&tl->mod_off, tl->n_members, tl->n_mod, tl->mod, sizeof(*tl->mod))))
        goto fail;
    *out = tl;
    return VG_OK;
fail:
    VG_LOG_ERR("timeline: loading failed: %s", vg_strerror(rc));
    vg_timeline_free(tl);
    return rc;
}

void vg_timeline_free(vg_timeline *tl)
{
    if (!tl)
        return;
    vg__ids_release(&tl->ids);
    void *arrays[] = { tl->seen,    tl->first_seen, tl->profile_seen, tl->fol,
                       tl->fol_off, tl->mod,        tl->mod_off };
    for (size_t i = 0; i < VG_ARRAY_LEN(arrays); i++)
        vg_free(arrays[i]);
    vg_free(tl);
}

size_t vg_timeline_size(const vg_timeline *tl)
{
    return tl ? tl->n_members - tl->n_unknown : 0;
}

size_t vg_timeline_unknown(const vg_timeline *tl)
{
    return tl ? tl->n_unknown : 0;
}

/* ---- state as of an instant ------------------------------------------------------------------ */

/* Rows strictly before t count; VG_TIME_UNKNOWN means no limit. */
static int before_t(int64_t at, int64_t t)
{
    return t == VG_TIME_UNKNOWN || at < t;
}

static int created_by(const struct vg_timeline *tl, uint32_t m, int64_t t)
{
    return tl->seen[m] && (tl->first_seen[m] == VG_TIME_UNKNOWN || before_t(tl->first_seen[m], t));
}

static int suspended_at(const struct vg_timeline *tl, uint32_t m, int64_t t)
{
    int s = 0;
    for (uint64_t i = tl->mod_off[m]; i < tl->mod_off[m + 1] && before_t(tl->mod[i].at, t); i++)
        s = tl->mod[i].suspension;
    return s;
}

/* The first suspension of m, or VG_TIME_UNKNOWN. */
static int64_t first_suspension(const struct vg_timeline *tl, uint32_t m)
{
    for (uint64_t i = tl->mod_off[m]; i < tl->mod_off[m + 1]; i++)
        if (tl->mod[i].suspension)
            return tl->mod[i].at;
    return VG_TIME_UNKNOWN;
}

/*
 * m's followers as of t into out (sorted by index, as the rows are): per follower, the latest
 * follow before t against the latest unfollow before t. Returns how many.
 */
static size_t followers_at(const struct vg_timeline *tl, uint32_t m, int64_t t, uint32_t *out)
{
    size_t k = 0;
    uint64_t i = tl->fol_off[m], end = tl->fol_off[m + 1];
    while (i < end) {
        uint32_t src = tl->fol[i].src;
        int64_t last_follow = INT64_MIN, last_unfollow = INT64_MIN;
        int followed = 0;
        for (; i < end && tl->fol[i].src == src; i++) {
            if (!before_t(tl->fol[i].at, t))
                continue;
            if (tl->fol[i].follow) {
                followed = 1;
                last_follow = tl->fol[i].at;
            } else {
                last_unfollow = tl->fol[i].at;
            }
        }
        if (followed && !(last_unfollow > last_follow))
            out[k++] = src;
    }
    return k;
}

static size_t max_row(const uint64_t *off, uint32_t n)
{
    size_t best = 0;
    for (uint32_t m = 0; m < n; m++)
        if (off[m + 1] - off[m] > best)
            best = (size_t)(off[m + 1] - off[m]);
    return best;
}

struct window_posts {
    const struct vg_timeline *tl;
    uint64_t *posts; /* per member */
};

static vg_status on_window_posts(const struct vg_scan_row *r, void *ud)
{
    struct window_posts *w = ud;
    uint32_t m = member_of(w->tl, r->account);
    if (m != UINT32_MAX && r->count > 0)
        w->posts[m] += (uint64_t)r->count;
    return VG_OK;
}

vg_status vg_timeline_snapshot(vg_db *db, const vg_timeline *tl, int64_t from, int64_t to,
                               struct vg_snapshot *out)
{
    memset(out, 0, sizeof(*out));
    if (!db || !tl || (from != VG_TIME_UNKNOWN && to != VG_TIME_UNKNOWN && from >= to))
        return VG_EINVAL;
    out->from = from;
    out->to = to;
    size_t nm = tl->n_members ? tl->n_members : 1, row = max_row(tl->fol_off, tl->n_members);
    uint8_t *alive = vg_calloc(nm, 1);
    uint32_t *fol = vg_malloc((row ? row : 1) * sizeof(*fol));
    uint64_t *deg = vg_malloc(nm * sizeof(*deg));
    uint64_t *posts = vg_calloc(nm, sizeof(*posts));
    roaring_bitmap_t *uni = roaring_bitmap_create();
    vg_status rc = VG_ENOMEM;
    if (!alive || !fol || !deg || !posts || !uni)
        goto done;
    for (uint32_t m = 0; m < tl->n_members; m++) {
        alive[m] = created_by(tl, m, to) && !suspended_at(tl, m, to);
        int64_t fs = tl->first_seen[m];
        /* First seen at the data's first instant: already there, not created (as in
         * survival below). */
        out->created += tl->seen[m] && fs != VG_TIME_UNKNOWN && fs != tl->data_start &&
                        (from == VG_TIME_UNKNOWN || fs >= from) && before_t(fs, to);
        for (uint64_t i = tl->mod_off[m]; i < tl->mod_off[m + 1]; i++) {
            const struct tl_mod *e = &tl->mod[i];
            if ((from == VG_TIME_UNKNOWN || e->at >= from) && before_t(e->at, to)) {
                out->suspensions += e->suspension;
                out->reinstatements += !e->suspension;
            }
        }
    }
    size_t k = 0;
    for (uint32_t m = 0; m < tl->n_members; m++) {
        if (!alive[m])
            continue;
        size_t d = followers_at(tl, m, to, fol);
        roaring_bitmap_add_many(uni, d, fol);
        out->follower_edges += d;
        for (size_t j = 0; j < d; j++)
            out->follower_edges_in += fol[j] < tl->n_members && alive[fol[j]];
        deg[k++] = d;
    }
    out->alive = k;
    out->unique_followers = roaring_bitmap_get_cardinality(uni);
    for (uint32_t m = 0; m < tl->n_members; m++)
        out->followers_inside += alive[m] && roaring_bitmap_contains(uni, m);
    out->insularity =
            out->follower_edges ? (double)out->follower_edges_in / out->follower_edges : 0.0;
    out->followers_mean = k ? (double)out->follower_edges / k : 0.0;
    out->followers_median = vg__median_u64(deg, k);
    struct window_posts w = { tl, posts };
    if ((rc = vg__db_scan(db, VG_SCAN_ACTIVITY, from, to, on_window_posts, &w)))
        goto done;
    for (uint32_t m = 0; m < tl->n_members; m++) {
        out->posts += posts[m];
        out->active_accounts += posts[m] > 0;
    }
done:
    vg_free(alive);
    vg_free(fol);
    vg_free(deg);
    vg_free(posts);
    if (uni) /* this CRoaring's roaring_bitmap_free does not accept NULL */
        roaring_bitmap_free(uni);
    return rc;
}

static vg_status put_time(struct vg_buf *b, int64_t t)
{
    char s[21];
    return t == VG_TIME_UNKNOWN ? vg_buf_puts(b, "null")
                                : vg_buf_printf(b, "\"%s\"", vg_time_format(t, s));
}

static vg_status put_ratio(struct vg_buf *b, double x)
{
    return isnan(x) ? vg_buf_puts(b, "null") : vg_buf_printf(b, "%.4f", x);
}

static vg_status take(struct vg_buf *b, vg_status rc, char **json)
{
    if (rc) {
        vg_buf_release(b);
        return rc;
    }
    *json = vg_buf_take(b);
    return *json ? VG_OK : VG_ENOMEM;
}

vg_status vg_snapshot_json(const struct vg_snapshot *s, char **json)
{
    *json = NULL;
    struct vg_buf b;
    vg_buf_init(&b, 1u << 16);
    vg_status rc = vg_buf_puts(&b, "{\"snapshot\":");
    if (!rc)
        rc = put_time(&b, s->from);
    if (!rc)
        rc = vg_buf_puts(&b, ",\"to\":");
    if (!rc)
        rc = put_time(&b, s->to);
    if (!rc)
        rc = vg_buf_printf(
                &b,
                ",\"alive\":%llu,\"created\":%llu,\"suspensions\":%llu,\"reinstatements\":%llu,"
                "\"unique_followers\":%llu,\"followers_inside\":%llu,\"follower_edges\":%llu,"
                "\"follower_edges_inside\":%llu,\"insularity\":%.4f,\"followers_mean\":%.2f,"
                "\"followers_median\":%.1f,\"posts\":%llu,\"active_accounts\":%llu}",
                (unsigned long long)s->alive, (unsigned long long)s->created,
                (unsigned long long)s->suspensions, (unsigned long long)s->reinstatements,
                (unsigned long long)s->unique_followers, (unsigned long long)s->followers_inside,
                (unsigned long long)s->follower_edges, (unsigned long long)s->follower_edges_in,
                s->insularity, s->followers_mean, s->followers_median, (unsigned long long)s->posts,
                (unsigned long long)s->active_accounts);
    return take(&b, rc, json);
}

/* ---- personas across returns ------------------------------------------------------------------
 */

struct persona_item {
    const char *persona;
    uint32_t member;
    int64_t first_seen; /* INT64_MIN when unknown: sorts first */
};

static int cmp_persona_item(const void *a, const void *b)
{
    const struct persona_item *x = a, *y = b;
    int c = strcmp(x->persona, y->persona);
    if (c)
        return c;
    if (x->first_seen != y->first_seen)
        return x->first_seen < y->first_seen ? -1 : 1;
    return (x->member > y->member) - (x->member < y->member);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Followers of m at its first suspension, else at the end of the timeline. */
static uint64_t followers_at_end_of_life(const struct vg_timeline *tl, uint32_t m, uint32_t *buf,
                                         int64_t *suspended)
{
    *suspended = first_suspension(tl, m);
    return followers_at(tl, m, *suspended != VG_TIME_UNKNOWN ? *suspended : tl->before, buf);
}

static vg_status persona_line(const struct vg_timeline *tl, const struct persona_item *it, size_t n,
                              const uint64_t *followers, const int64_t *susp,
                              vg_status (*line)(const char *json, void *ud), void *ud)
{
    struct vg_buf b;
    vg_buf_init(&b, 1u << 24);
    vg_status rc = vg_buf_puts(&b, "{\"persona\":");
    if (!rc)
        rc = vg_buf_json_str(&b, it[0].persona, strlen(it[0].persona));
    if (!rc)
        rc = vg_buf_puts(&b, ",\"accounts\":[");
    for (size_t i = 0; !rc && i < n; i++) {
        const char *id = tl->ids.str[it[i].member];
        rc = vg_buf_puts(&b, i ? ",{\"account\":" : "{\"account\":");
        if (!rc)
            rc = vg_buf_json_str(&b, id, strlen(id));
        if (!rc)
            rc = vg_buf_puts(&b, ",\"first_seen\":");
        if (!rc)
            rc = put_time(&b, tl->first_seen[it[i].member]);
        if (!rc)
            rc = vg_buf_puts(&b, ",\"suspended\":");
        if (!rc)
            rc = put_time(&b, susp[i]);
        if (!rc)
            rc = vg_buf_printf(&b, ",\"followers\":%llu}", (unsigned long long)followers[i]);
    }
    if (!rc)
        rc = vg_buf_puts(&b, "]}");
    if (!rc)
        rc = line(b.data, ud); /* the buffer keeps its data NUL-terminated */
    vg_buf_release(&b);
    return rc;
}

vg_status vg_timeline_personas(const vg_timeline *tl, const struct vg_persona_link *links, size_t n,
                               vg_status (*line)(const char *json, void *ud), void *ud,
                               struct vg_persona_stats *stats)
{
    memset(stats, 0, sizeof(*stats));
    if (!tl || (n && !links))
        return VG_EINVAL;
    struct persona_item *it = vg_malloc((n ? n : 1) * sizeof(*it));
    size_t row = max_row(tl->fol_off, tl->n_members);
    uint32_t *buf = vg_malloc((row ? row : 1) * sizeof(*buf));
    uint64_t *followers = vg_malloc((n ? n : 1) * sizeof(*followers));
    int64_t *susp = vg_malloc((n ? n : 1) * sizeof(*susp));
    /* per position: followers of each account there, and its share of the persona's first */
    double *vals = vg_malloc((n ? n : 1) * sizeof(*vals));
    vg_status rc = VG_ENOMEM;
    if (!it || !buf || !followers || !susp || !vals)
        goto done;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t m =
                links[i].account && links[i].persona ? member_of(tl, links[i].account) : UINT32_MAX;
        if (m == UINT32_MAX || !tl->seen[m]) {
            stats->unknown++;
            continue;
        }
        int64_t fs = tl->first_seen[m];
        it[k++] = (struct persona_item){ links[i].persona, m,
                                         fs == VG_TIME_UNKNOWN ? INT64_MIN : fs };
    }
    qsort(it, k, sizeof(*it), cmp_persona_item);
    /* The same account listed twice under one persona counts once. */
    size_t w = 0;
    for (size_t i = 0; i < k; i++)
        if (!w || it[w - 1].member != it[i].member || strcmp(it[w - 1].persona, it[i].persona))
            it[w++] = it[i];
    k = w;
    for (size_t i = 0; i < k; i++)
        followers[i] = followers_at_end_of_life(tl, it[i].member, buf, &susp[i]);
    rc = VG_OK;
    for (size_t i = 0; !rc && i < k;) {
        size_t j = i;
        while (j < k && !strcmp(it[j].persona, it[i].persona))
            j++;
        stats->personas++;
        stats->accounts += j - i;
        if (j - i > VG_PERSONA_MAX_RETURNS)
            stats->deeper += j - i - VG_PERSONA_MAX_RETURNS;
        if (line && j - i >= 2)
            rc = persona_line(tl, it + i, j - i, followers + i, susp + i, line, ud);
        i = j;
    }
    /* Aggregate by position: for each k, the k-th accounts of every persona. */
    for (size_t pos = 0; !rc && pos < VG_PERSONA_MAX_RETURNS; pos++) {
        struct vg_persona_return *r = &stats->returns[pos];
        size_t nv = 0;
        double sum = 0, share_sum = 0;
        for (size_t i = 0; i < k;) {
            size_t j = i;
            while (j < k && !strcmp(it[j].persona, it[i].persona))
                j++;
            if (j - i > pos) {
                size_t a = i + pos;
                vals[nv++] = (double)followers[a];
                sum += (double)followers[a];
                r->live_at_end += susp[a] == VG_TIME_UNKNOWN;
                if (followers[i] > 0) {
                    share_sum += (double)followers[a] / (double)followers[i];
                    r->share_counted++;
                }
            }
            i = j;
        }
        if (!nv)
            break;
        r->accounts = nv;
        r->followers_mean = sum / (double)nv;
        qsort(vals, nv, sizeof(*vals), cmp_double);
        r->followers_median = nv % 2 ? vals[nv / 2] : (vals[nv / 2 - 1] + vals[nv / 2]) / 2;
        r->share_of_first = r->share_counted ? share_sum / (double)r->share_counted : NAN;
        stats->n_returns = pos + 1;
    }
done:
    vg_free(it);
    vg_free(buf);
    vg_free(followers);
    vg_free(susp);
    vg_free(vals);
    return rc;
}

vg_status vg_persona_stats_json(const struct vg_persona_stats *s, char **json)
{
    *json = NULL;
    struct vg_buf b;
    vg_buf_init(&b, 1u << 16);
    vg_status rc = vg_buf_printf(&b,
                                 "{\"personas\":%llu,\"accounts\":%llu,\"unknown\":%llu,"
                                 "\"deeper\":%llu,\"by_account_number\":[",
                                 (unsigned long long)s->personas, (unsigned long long)s->accounts,
                                 (unsigned long long)s->unknown, (unsigned long long)s->deeper);
    for (size_t i = 0; !rc && i < s->n_returns; i++) {
        const struct vg_persona_return *r = &s->returns[i];
        rc = vg_buf_printf(&b,
                           "%s{\"k\":%zu,\"accounts\":%llu,\"live_at_end\":%llu,"
                           "\"followers_mean\":%.2f,\"followers_median\":%.1f,\"share_of_first\":",
                           i ? "," : "", i + 1, (unsigned long long)r->accounts,
                           (unsigned long long)r->live_at_end, r->followers_mean,
                           r->followers_median);
        if (!rc)
            rc = put_ratio(&b, r->share_of_first);
        if (!rc)
            rc = vg_buf_printf(&b, ",\"share_counted\":%llu}",
                               (unsigned long long)r->share_counted);
    }
    if (!rc)
        rc = vg_buf_puts(&b, "]}");
    return take(&b, rc, json);
}

/* ---- suspension survival ------------------------------------------------------------------------
 */

struct survival_obs {
    int64_t t; /* seconds from first sighting to suspension or censoring */
    int event; /* 1 suspended, 0 censored */
};

static int cmp_obs(const void *a, const void *b)
{
    const struct survival_obs *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return y->event - x->event; /* events before censorings at one time (the usual convention) */
}

/* 1 - Kaplan-Meier survival at h over sorted observations. Past the longest observation the
 * estimate is undefined (NaN), unless survival has already reached 0 (every account still
 * observed was suspended): then it stays 0. */
static double km_share(const struct survival_obs *o, size_t n, int64_t h)
{
    if (!n)
        return NAN;
    double s = 1.0;
    size_t at_risk = n;
    for (size_t i = 0; i < n && o[i].t <= h;) {
        size_t j = i, events = 0;
        while (j < n && o[j].t == o[i].t) {
            events += (size_t)o[j].event;
            j++;
        }
        if (events)
            s *= 1.0 - (double)events / (double)at_risk;
        at_risk -= j - i;
        i = j;
    }
    if (o[n - 1].t < h && s > 0)
        return NAN;
    return 1.0 - s;
}

/*
 * The complete-follow-up share counts only the accounts first seen at least h before the end of
 * the data (`span` >= h), suspended or not: counting also the late ones that happened to be
 * suspended early would bias the share upward (in a 60-day world every account "followed up"
 * for 90 days would be a suspended one).
 */
static void horizon(const struct survival_obs *o, const int64_t *span, size_t n, int64_t h,
                    struct vg_survival_horizon *out)
{
    out->seconds = h;
    for (size_t i = 0; i < n; i++) {
        if (span[i] < h)
            continue;
        out->followed_up++;
        out->suspended += o[i].event && o[i].t <= h;
    }
    out->share = out->followed_up ? (double)out->suspended / (double)out->followed_up : NAN;
}

vg_status vg_timeline_survival(const vg_timeline *tl, int64_t from, int64_t to,
                               struct vg_survival *out)
{
    memset(out, 0, sizeof(*out));
    if (!tl)
        return VG_EINVAL;
    out->from = from;
    out->to = to;
    out->data_start = tl->data_start;
    out->data_end = tl->data_end;
    struct survival_obs *o = vg_malloc((tl->n_members ? tl->n_members : 1) * sizeof(*o));
    int64_t *span = vg_malloc((tl->n_members ? tl->n_members : 1) * sizeof(*span));
    if (!o || !span) {
        vg_free(o);
        vg_free(span);
        return VG_ENOMEM;
    }
    size_t k = 0;
    for (uint32_t m = 0; m < tl->n_members; m++) {
        int64_t fs = tl->first_seen[m];
        if (!tl->seen[m] || fs == VG_TIME_UNKNOWN || (from != VG_TIME_UNKNOWN && fs < from) ||
            !before_t(fs, to))
            continue;
        if (fs == tl->data_start) {
            out->left_censored++;
            continue;
        }
        int64_t s = VG_TIME_UNKNOWN;
        for (uint64_t i = tl->mod_off[m]; i < tl->mod_off[m + 1]; i++)
            if (tl->mod[i].suspension && tl->mod[i].at >= fs) {
                s = tl->mod[i].at;
                break;
            }
        /* From first sighting to the end of the data (data_end is never unknown once any
         * member was first seen: it is `before`, or the latest dated row). */
        span[k] = tl->data_end - fs;
        o[k] = s != VG_TIME_UNKNOWN ? (struct survival_obs){ s - fs, 1 }
                                    : (struct survival_obs){ span[k], 0 };
        k++;
    }
    out->created = k;
    horizon(o, span, k, H48, &out->h48);
    horizon(o, span, k, D90, &out->h90d);
    qsort(o, k, sizeof(*o), cmp_obs); /* after horizon(): span[] follows the unsorted order */
    out->h48.km_share = km_share(o, k, H48);
    out->h90d.km_share = km_share(o, k, D90);
    vg_free(o);
    vg_free(span);
    return VG_OK;
}

static vg_status horizon_json(struct vg_buf *b, const char *name,
                              const struct vg_survival_horizon *h)
{
    vg_status rc =
            vg_buf_printf(b, ",\"%s\":{\"suspended\":%llu,\"followed_up\":%llu,\"share\":", name,
                          (unsigned long long)h->suspended, (unsigned long long)h->followed_up);
    if (!rc)
        rc = put_ratio(b, h->share);
    if (!rc)
        rc = vg_buf_puts(b, ",\"km_share\":");
    if (!rc)
        rc = put_ratio(b, h->km_share);
    return rc ? rc : vg_buf_putc(b, '}');
}

vg_status vg_survival_json(const struct vg_survival *s, char **json)
{
    *json = NULL;
    struct vg_buf b;
    vg_buf_init(&b, 1u << 16);
    vg_status rc = vg_buf_puts(&b, "{\"survival\":{\"from\":");
    if (!rc)
        rc = put_time(&b, s->from);
    if (!rc)
        rc = vg_buf_puts(&b, ",\"to\":");
    if (!rc)
        rc = put_time(&b, s->to);
    if (!rc)
        rc = vg_buf_puts(&b, ",\"data_start\":");
    if (!rc)
        rc = put_time(&b, s->data_start);
    if (!rc)
        rc = vg_buf_puts(&b, ",\"data_end\":");
    if (!rc)
        rc = put_time(&b, s->data_end);
    if (!rc)
        rc = vg_buf_printf(&b, ",\"created\":%llu,\"left_censored\":%llu",
                           (unsigned long long)s->created, (unsigned long long)s->left_censored);
    if (!rc)
        rc = horizon_json(&b, "within_48h", &s->h48);
    if (!rc)
        rc = horizon_json(&b, "within_90d", &s->h90d);
    if (!rc)
        rc = vg_buf_puts(&b, "}}");
    return take(&b, rc, json);
}

/* ---- sets of a loaded network ---------------------------------------------------------------- */

vg_status vg_network_set_ids(const vg_network *net, enum vg_network_set which, const char ***ids,
                             size_t *n)
{
    *ids = NULL;
    *n = 0;
    if (!net || (which == VG_SET_CANDIDATES && !net->scored))
        return VG_EINVAL;
    const char **out = vg_malloc((net->n ? net->n : 1) * sizeof(*out));
    if (!out)
        return VG_ENOMEM;
    size_t k = 0;
    for (uint32_t v = 0; v < net->n; v++)
        if (net->seed[v] || (which == VG_SET_CANDIDATES && net->score[v] >= net->opts.threshold))
            out[k++] = net->ids.str[v];
    *ids = out;
    *n = k;
    return VG_OK;
}

vg_status vg_network_load_summary_json(const vg_network *net, char **json)
{
    *json = NULL;
    if (!net)
        return VG_EINVAL;
    uint64_t suspended = 0;
    for (uint32_t v = 0; v < net->n; v++)
        suspended += net->suspended[v];
    struct vg_buf b;
    vg_buf_init(&b, 1u << 16);
    vg_status rc = vg_buf_printf(&b,
                                 "{\"accounts\":%u,\"follows\":%llu,\"suspended\":%llu,"
                                 "\"before\":",
                                 net->n, (unsigned long long)net->n_follows,
                                 (unsigned long long)suspended);
    if (!rc)
        rc = put_time(&b, net->opts.before);
    if (!rc)
        rc = vg_buf_putc(&b, '}');
    return take(&b, rc, json);
}
