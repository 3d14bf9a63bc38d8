/* SPDX-License-Identifier: Apache-2.0 */
/*
 * graph_load.c: the network of a store, read through the store's scan operations (store.h) and
 * turned into dense account indexes and CSR adjacency. Nothing here knows SQL, so a PostgreSQL
 * back end serves the same loader.
 *
 * Follows as of `before`: for each (follower, followee) pair the latest follow and the latest
 * unfollow are compared; an unfollow strictly later than the latest follow removes the tie. A
 * follow without a time (follower-id lists) counts as the earliest possible follow.
 */
#include <stdlib.h>
#include <string.h>

#include "graph.h"

#define HANDLE_MAX 512

struct unfollow {
    uint32_t src, dst;
    int64_t at;          /* latest unfollow of the pair */
    int64_t last_follow; /* latest follow of the pair seen in the follows scan */
};

struct loader {
    struct vg_network *net;
    struct vg_ids handles;  /* lower-cased handle -> handle index */
    uint32_t *handle_owner; /* handle index -> account */
    int64_t *handle_until;  /* handle index -> when its owner last had it (INT64_MAX: now) */
    uint32_t cap_handles;
    uint32_t *lang_best; /* per account: posts in its current main language */
    struct unfollow *unf;
    size_t n_unf, cap_unf;
    /* Per account known when unfollows were read: 1 if it unfollowed anyone. Unfollows are
     * rare, so most follows skip the binary search (perf: it was 9% of a 17M-follow load). */
    uint8_t *unf_src;
    uint32_t n_unf_src;
    struct vg_edges follows, inter;
    /* The last row's first-column account and its index: scans return rows grouped by it
     * (follows by follower, as platforms and vigie sim write them), and interning is most of
     * the load time (perf on a 17M-follow store: 38% in the hash probe and strcmp). */
    char last_id[128];
    uint32_t last_idx;
};

/* ---- per-account arrays -------------------------------------------------------------------- */

#define GROW(arr, cap, newcap)                                                                     \
    do {                                                                                           \
        void *p_ = vg_realloc((arr), (size_t)(newcap) * sizeof(*(arr)));                           \
        if (!p_)                                                                                   \
            return VG_ENOMEM;                                                                      \
        (arr) = p_;                                                                                \
        memset((arr) + (cap), 0, ((size_t)(newcap) - (cap)) * sizeof(*(arr)));                     \
    } while (0)

static vg_status grow_accounts(struct loader *ld, uint32_t need)
{
    struct vg_network *net = ld->net;
    if (need <= net->cap)
        return VG_OK;
    uint32_t cap = net->cap ? net->cap : 1024;
    while (cap < need)
        cap = cap > UINT32_MAX / 2 ? UINT32_MAX : cap * 2;
    GROW(net->suspended, net->cap, cap);
    GROW(net->seed, net->cap, cap);
    GROW(net->profile_followers, net->cap, cap);
    GROW(net->posts_in_window, net->cap, cap);
    GROW(net->lang, net->cap, cap);
    GROW(net->content, net->cap, cap);
    GROW(net->first_seen, net->cap, cap);
    GROW(net->posts_total, net->cap, cap);
    GROW(net->lookalike, net->cap, cap);
    GROW(ld->lang_best, net->cap, cap);
    for (uint32_t i = net->cap; i < cap; i++) {
        net->profile_followers[i] = -1;
        net->first_seen[i] = VG_TIME_UNKNOWN;
    }
    net->cap = cap;
    return VG_OK;
}

static vg_status account_index(struct loader *ld, const char *id, uint32_t *idx)
{
    vg_status rc = vg__ids_intern(&ld->net->ids, id, idx);
    if (rc)
        return rc;
    return grow_accounts(ld, ld->net->ids.n);
}

/* account_index for a row's first column, through the one-entry cache of the loader. */
static vg_status row_account_index(struct loader *ld, const char *id, uint32_t *idx)
{
    if (ld->last_id[0] && !strcmp(ld->last_id, id)) {
        *idx = ld->last_idx;
        return VG_OK;
    }
    vg_status rc = account_index(ld, id, idx);
    size_t len = strlen(id);
    if (!rc && len < sizeof(ld->last_id)) {
        memcpy(ld->last_id, id, len + 1);
        ld->last_idx = *idx;
    }
    return rc;
}

/* ASCII case folding: handles are case-insensitive on the platforms we read. */
static int handle_key(const char *h, char out[HANDLE_MAX + 1])
{
    size_t n = strlen(h);
    if (n == 0 || n > HANDLE_MAX)
        return 0;
    for (size_t i = 0; i <= n; i++)
        out[i] = (h[i] >= 'A' && h[i] <= 'Z') ? (char)(h[i] + 32) : h[i];
    return 1;
}

/*
 * Account a held `handle` until `until` (INT64_MAX: it is its current handle). A handle several
 * accounts held resolves to its current holder, else to the one that held it last; resolving
 * by the time of each mention would be exact, at the cost of a history per handle.
 */
static vg_status handle_register(struct loader *ld, const char *handle, uint32_t a, int64_t until)
{
    char key[HANDLE_MAX + 1];
    if (!handle || !handle_key(handle, key))
        return VG_OK;
    uint32_t known = ld->handles.n, h;
    vg_status rc = vg__ids_intern(&ld->handles, key, &h);
    if (rc)
        return rc;
    if (h >= ld->cap_handles) {
        uint32_t cap = ld->cap_handles ? ld->cap_handles * 2 : 1024;
        GROW(ld->handle_owner, ld->cap_handles, cap);
        GROW(ld->handle_until, ld->cap_handles, cap);
        ld->cap_handles = cap;
    }
    if (h < known && ld->handle_until[h] >= until)
        return VG_OK;
    ld->handle_owner[h] = a;
    ld->handle_until[h] = until;
    return VG_OK;
}

/* ---- scans ----------------------------------------------------------------------------------- */

static vg_status on_account(const struct vg_scan_row *r, void *ud)
{
    struct loader *ld = ud;
    uint32_t a;
    vg_status rc = row_account_index(ld, r->account, &a);
    if (rc)
        return rc;
    struct vg_network *net = ld->net;
    net->profile_followers[a] = r->count;
    net->first_seen[a] = r->at;
    if (r->at != VG_TIME_UNKNOWN && r->at > net->t_last)
        net->t_last = r->at;
    net->lookalike[a] = vg__name_lookalike(r->item, r->name);
    struct vg_terms *profile = &net->terms[VG_TERM_PROFILE];
    if ((rc = vg__terms_add_words(profile, a, r->name)) ||
        (rc = vg__terms_add_words(profile, a, r->bio)))
        return rc;
    return handle_register(ld, r->item, a, INT64_MAX);
}

/* A handle the account had before (account_history): mentions written then still name it. */
static vg_status on_identity(const struct vg_scan_row *r, void *ud)
{
    struct loader *ld = ud;
    uint32_t a;
    vg_status rc = row_account_index(ld, r->account, &a);
    return rc ? rc : handle_register(ld, r->item, a, r->count);
}

static vg_status on_moderation(const struct vg_scan_row *r, void *ud)
{
    struct loader *ld = ud;
    uint32_t a;
    vg_status rc = row_account_index(ld, r->account, &a);
    if (rc)
        return rc;
    /* Rows come in time order: the last one says how the account stands. */
    ld->net->suspended[a] = r->item && !strcmp(r->item, "suspension");
    return VG_OK;
}

static vg_status on_unfollow(const struct vg_scan_row *r, void *ud)
{
    struct loader *ld = ud;
    uint32_t s, d;
    vg_status rc;
    if (!r->other)
        return VG_OK;
    if ((rc = row_account_index(ld, r->account, &s)) || (rc = account_index(ld, r->other, &d)))
        return rc;
    if (ld->n_unf == ld->cap_unf) {
        size_t cap = ld->cap_unf ? ld->cap_unf * 2 : 256;
        struct unfollow *u = vg_realloc(ld->unf, cap * sizeof(*u));
        if (!u)
            return VG_ENOMEM;
        ld->unf = u;
        ld->cap_unf = cap;
    }
    int64_t at = r->at == VG_TIME_UNKNOWN ? INT64_MIN : r->at;
    ld->unf[ld->n_unf++] = (struct unfollow){ s, d, at, INT64_MIN };
    return VG_OK;
}

static int cmp_unfollow(const void *a, const void *b)
{
    const struct unfollow *x = a, *y = b;
    if (x->src != y->src)
        return x->src < y->src ? -1 : 1;
    if (x->dst != y->dst)
        return x->dst < y->dst ? -1 : 1;
    return (x->at > y->at) - (x->at < y->at);
}

/* Sort unfollows by pair and keep one per pair, with its latest time; flag their sources. */
static vg_status unfollows_index(struct loader *ld)
{
    if (!ld->n_unf)
        return VG_OK;
    ld->n_unf_src = ld->net->ids.n;
    if (!(ld->unf_src = vg_calloc(ld->n_unf_src ? ld->n_unf_src : 1, 1)))
        return VG_ENOMEM;
    for (size_t i = 0; i < ld->n_unf; i++)
        ld->unf_src[ld->unf[i].src] = 1;
    qsort(ld->unf, ld->n_unf, sizeof(*ld->unf), cmp_unfollow);
    size_t out = 0;
    for (size_t i = 0; i < ld->n_unf; i++) {
        if (out && ld->unf[out - 1].src == ld->unf[i].src && ld->unf[out - 1].dst == ld->unf[i].dst)
            ld->unf[out - 1].at = ld->unf[i].at; /* sorted by time: the later one */
        else
            ld->unf[out++] = ld->unf[i];
    }
    ld->n_unf = out;
    return VG_OK;
}

static struct unfollow *unfollow_of(struct loader *ld, uint32_t s, uint32_t d)
{
    if (s >= ld->n_unf_src || !ld->unf_src[s])
        return NULL;
    struct unfollow key = { s, d, 0, 0 };
    size_t lo = 0, hi = ld->n_unf;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        struct unfollow *m = &ld->unf[mid];
        int c = (m->src != key.src) ? (m->src < key.src ? -1 : 1)
                                    : (m->dst != key.dst ? (m->dst < key.dst ? -1 : 1) : 0);
        if (c == 0)
            return m;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static vg_status on_follow(const struct vg_scan_row *r, void *ud)
{
    struct loader *ld = ud;
    uint32_t s, d;
    vg_status rc;
    if (!r->other)
        return VG_OK;
    if ((rc = row_account_index(ld, r->account, &s)) || (rc = account_index(ld, r->other, &d)))
        return rc;
    if (s == d)
        return VG_OK;
    struct unfollow *u = unfollow_of(ld, s, d);
    if (u) {
        int64_t at = r->at == VG_TIME_UNKNOWN ? INT64_MIN : r->at;
        if (at > u->last_follow)
            u->last_follow = at;
    }
    return vg__edges_push(&ld->follows, s, d, 1.0f);
}

/* Drop the follows whose pair was unfollowed after its latest follow. */
static void follows_apply_unfollows(struct loader *ld)
{
    if (!ld->n_unf)
        return;
    size_t out = 0;
    struct vg_edges *e = &ld->follows;
    for (size_t i = 0; i < e->n; i++) {
        struct unfollow *u = unfollow_of(ld, e->src[i], e->dst[i]);
        if (u && u->at > u->last_follow)
            continue;
        e->src[out] = e->src[i];
        e->dst[out] = e->dst[i];
        out++;
    }
    e->n = out;
}

static vg_status on_interaction(const struct vg_scan_row *r, void *ud)
{
    struct loader *ld = ud;
    uint32_t s, d;
    vg_status rc;
    if (!r->other)
        return VG_OK;
    if ((rc = row_account_index(ld, r->account, &s)) || (rc = account_index(ld, r->other, &d)))
        return rc;
    if (s == d) /* threads of one's own posts say nothing about ties */
        return VG_OK;
    ld->net->n_interactions++;
    return vg__edges_push(&ld->inter, s, d, 1.0f);
}

static vg_status on_mention(const struct vg_scan_row *r, void *ud)
{
    struct loader *ld = ud;
    char key[HANDLE_MAX + 1];
    uint32_t h;
    if (!r->item || !handle_key(r->item, key) ||
        (h = vg__ids_find(&ld->handles, key)) == UINT32_MAX) {
        ld->net->n_mentions_unresolved++;
        return VG_OK;
    }
    uint32_t s;
    vg_status rc = row_account_index(ld, r->account, &s);
    if (rc)
        return rc;
    uint32_t d = ld->handle_owner[h];
    if (s == d)
        return VG_OK;
    ld->net->n_interactions++;
    return vg__edges_push(&ld->inter, s, d, 1.0f);
}

/* Keep the best VG_TOP_POSTS posts of the account, best first. */
static vg_status content_add(struct vg_network *net, struct vg_content *c, const char *post,
                             float score)
{
    int k = VG_TOP_POSTS;
    while (k > 0 && (c->top_post[k - 1] == NULL || c->top_score[k - 1] < score))
        k--;
    if (k == VG_TOP_POSTS)
        return VG_OK;
    const char *copy = vg_arena_strdup(&net->arena, post);
    if (!copy)
        return VG_ENOMEM;
    for (int j = VG_TOP_POSTS - 1; j > k; j--) {
        c->top_post[j] = c->top_post[j - 1];
        c->top_score[j] = c->top_score[j - 1];
    }
    c->top_post[k] = copy;
    c->top_score[k] = score;
    return VG_OK;
}

static vg_status on_post_score(const struct vg_scan_row *r, void *ud)
{
    struct loader *ld = ud;
    uint32_t a;
    vg_status rc = row_account_index(ld, r->account, &a);
    if (rc)
        return rc;
    struct vg_content *c = &ld->net->content[a];
    float s = (float)r->score;
    c->n_scored++;
    c->n_flagged += r->flagged != 0;
    c->sum_score += s;
    if (s > c->max_score)
        c->max_score = s;
    return r->item ? content_add(ld->net, c, r->item, s) : VG_OK;
}

static vg_status lang_index(struct vg_network *net, const char *lang, uint16_t *out)
{
    for (uint32_t i = 0; i < net->n_langs; i++)
        if (!strcmp(net->langs[i], lang)) {
            *out = (uint16_t)i;
            return VG_OK;
        }
    if (net->n_langs >= UINT16_MAX)
        return VG_ELIMIT;
    if (net->n_langs == net->cap_langs) {
        uint32_t cap = net->cap_langs ? net->cap_langs * 2 : 16;
        char **l = vg_realloc(net->langs, cap * sizeof(*l));
        if (!l)
            return VG_ENOMEM;
        net->langs = l;
        net->cap_langs = cap;
    }
    if (!(net->langs[net->n_langs] = vg_arena_strdup(&net->arena, lang)))
        return VG_ENOMEM;
    *out = (uint16_t)net->n_langs++;
    return VG_OK;
}

static vg_status add_term(struct loader *ld, enum vg_term_kind kind, const struct vg_scan_row *r)
{
    uint32_t a;
    vg_status rc = row_account_index(ld, r->account, &a);
    if (rc || !r->item)
        return rc;
    return vg__terms_add(&ld->net->terms[kind], a, r->item, strlen(r->item));
}

static vg_status on_hashtag(const struct vg_scan_row *r, void *ud)
{
    return add_term(ud, VG_TERM_TAG, r);
}

static vg_status on_domain(const struct vg_scan_row *r, void *ud)
{
    return add_term(ud, VG_TERM_DOMAIN, r);
}

static vg_status on_language(const struct vg_scan_row *r, void *ud)
{
    struct loader *ld = ud;
    uint32_t a;
    uint16_t l;
    vg_status rc;
    if ((rc = row_account_index(ld, r->account, &a)) ||
        (rc = lang_index(ld->net, r->item ? r->item : "und", &l)))
        return rc;
    ld->net->posts_total[a] += (uint32_t)r->count;
    if (r->at != VG_TIME_UNKNOWN && r->at > ld->net->t_last)
        ld->net->t_last = r->at; /* the latest post of the account */
    if ((uint64_t)r->count > ld->lang_best[a]) {
        ld->lang_best[a] = (uint32_t)r->count;
        ld->net->lang[a] = l;
    }
    return VG_OK;
}

static vg_status on_activity(const struct vg_scan_row *r, void *ud)
{
    struct loader *ld = ud;
    uint32_t a;
    vg_status rc = row_account_index(ld, r->account, &a);
    if (rc)
        return rc;
    ld->net->posts_in_window[a] += (uint32_t)r->count;
    return VG_OK;
}

/* ---- assembling ------------------------------------------------------------------------------ */

static vg_status build_adjacency(struct loader *ld)
{
    struct vg_network *net = ld->net;
    vg_status rc;
    follows_apply_unfollows(ld);
    if ((rc = vg__csr_build(&net->follow_out, net->n, &ld->follows, 0, 0)) ||
        (rc = vg__csr_transpose(&net->follow_out, &net->follow_in)) ||
        (rc = vg__csr_build(&net->inter_out, net->n, &ld->inter, 0, 1)) ||
        (rc = vg__csr_transpose(&net->inter_out, &net->inter_in)))
        return rc;
    for (int k = 0; k < VG_TERM_KINDS; k++)
        if ((rc = vg__terms_build(&net->terms[k], net->n)))
            return rc;
    net->n_follows = net->follow_out.off[net->n];
    return vg__network_strength(net);
}

vg_status vg__network_strength(struct vg_network *net)
{
    vg_free(net->strength);
    if (!(net->strength = vg_calloc(net->n ? net->n : 1, sizeof(*net->strength))))
        return VG_ENOMEM;
    for (uint32_t v = 0; v < net->n; v++) {
        double s = (double)vg__csr_degree(&net->follow_out, v) +
                   (double)vg__csr_degree(&net->follow_in, v);
        const struct vg_csr *io[2] = { &net->inter_out, &net->inter_in };
        for (int k = 0; k < 2; k++)
            for (uint64_t e = io[k]->off[v]; e < io[k]->off[v + 1]; e++)
                s += io[k]->w ? io[k]->w[e] : 1.0;
        net->strength[v] = s;
    }
    return VG_OK;
}

static vg_status run_scans(vg_db *db, struct loader *ld)
{
    const struct vg_network_opts *o = &ld->net->opts;
    int64_t t = o->before;
    vg_status rc;
    /* Accounts first (handles for mentions), unfollows before follows (to match pairs). */
    if ((rc = vg__db_scan(db, VG_SCAN_ACCOUNTS, VG_TIME_UNKNOWN, t, on_account, ld)) ||
        (rc = vg__db_scan(db, VG_SCAN_PAST_HANDLES, VG_TIME_UNKNOWN, t, on_identity, ld)) ||
        (rc = vg__db_scan(db, VG_SCAN_MODERATION, VG_TIME_UNKNOWN, t, on_moderation, ld)) ||
        (rc = vg__db_scan(db, VG_SCAN_UNFOLLOWS, VG_TIME_UNKNOWN, t, on_unfollow, ld)))
        return rc;
    if ((rc = unfollows_index(ld)))
        return rc;
    if ((rc = vg__db_scan(db, VG_SCAN_FOLLOWS, VG_TIME_UNKNOWN, t, on_follow, ld)) ||
        (rc = vg__db_scan(db, VG_SCAN_INTERACTIONS, VG_TIME_UNKNOWN, t, on_interaction, ld)) ||
        (rc = vg__db_scan(db, VG_SCAN_MENTIONS, VG_TIME_UNKNOWN, t, on_mention, ld)) ||
        (rc = vg__db_scan(db, VG_SCAN_POST_SCORES, VG_TIME_UNKNOWN, t, on_post_score, ld)) ||
        (rc = vg__db_scan(db, VG_SCAN_HASHTAGS, VG_TIME_UNKNOWN, t, on_hashtag, ld)) ||
        (rc = vg__db_scan(db, VG_SCAN_DOMAINS, VG_TIME_UNKNOWN, t, on_domain, ld)) ||
        (rc = vg__db_scan(db, VG_SCAN_ACTIVITY, VG_TIME_UNKNOWN, t, on_language, ld)) ||
        (rc = vg__db_scan(db, VG_SCAN_ACTIVITY, o->activity_from, t, on_activity, ld)))
        return rc;
    return VG_OK;
}

vg_status vg__network_load(vg_db *db, struct vg_network *net)
{
    struct loader ld;
    memset(&ld, 0, sizeof(ld));
    ld.net = net;
    vg_status rc = vg__ids_init(&ld.handles);
    if (rc)
        goto done;
    if ((rc = lang_index(net, "und", &(uint16_t){ 0 })) || (rc = run_scans(db, &ld)))
        goto done;
    net->n = net->ids.n;
    rc = build_adjacency(&ld);
done:
    vg__ids_release(&ld.handles);
    vg_free(ld.handle_owner);
    vg_free(ld.handle_until);
    vg_free(ld.lang_best);
    vg_free(ld.unf);
    vg_free(ld.unf_src);
    vg__edges_release(&ld.follows);
    vg__edges_release(&ld.inter);
    return rc;
}
