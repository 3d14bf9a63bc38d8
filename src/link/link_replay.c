/* SPDX-License-Identifier: Apache-2.0 */
/*
 * link_replay.c: the batch over a store (vg_returns_run). The store is read through its scans
 * (store.h), nothing here knows SQL, and replayed in time order: account identities, follows,
 * posts and suspensions. Suspended accounts enter the index (link_index.c) as they were when
 * suspended: their names, bio, avatar and the MinHash of whom they had followed and who had
 * followed them. Accounts first seen after the start of the data are "new": each time one acts
 * (its profile, a post, a follow) or others act on it (a follow to it, a post naming it), its
 * candidates are scored again, and the first time the best scores at least the threshold the
 * link is made, stamped with that event's instant. That is the time an ingest feeding the
 * index live would have linked it. Each follow by or to a new account also updates its exact
 * overlap with the suspended accounts, weighed by rarity (vg_link_net), which the index alone
 * cannot know; with opts.track_secs a new account is forgotten that long after its first action.
 *
 * What the replay keeps in memory: every account's id and current identity, the follow lists
 * (both directions, 8 bytes per follow), the events after the start (the starting graph goes
 * straight into the lists), and, for posts that mention someone, the mentions and cue bits of
 * their text (texts are not kept). Unfollows are not replayed: follow sets are "ever followed",
 * which for a signature of a suspended account is what its successor meets again.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "link.h"
#include "store.h"

#define NONE         UINT32_MAX
#define EARLY_ACTS   5           /* the early score: first 5 actions ... */
#define EARLY_SECS   (24 * 3600) /* ... or first 24 hours */
#define TOP_KEEP     10          /* candidates kept per new account for ranking figures */
#define SHOUTERS_MAX 16
#define NAMED_MAX    16
#define MENTIONS_MAX 32
#define NET_HUB      4096 /* an account with more followers (or follows) says nothing rare */
#define NET_MAX      4096 /* suspended accounts whose overlap a new account keeps */
#define NET_TOP      16   /* of them, those with the most weight go to each query */
#define LINK_MARGIN  2.0  /* log-odds by which the best candidate must lead the next (clear_lead) */

enum ev_kind {
    EV_IDENT,
    EV_FOLLOW,
    EV_POST,
    EV_SUSPEND,
    EV_REINSTATE
};

struct ev {
    int64_t at;
    uint32_t a, b; /* account; the other account (follow), identity or post index */
    uint32_t seq;  /* order read: ties keep it */
    uint8_t kind;
};

struct ident {
    const char *handle, *name, *bio, *avatar;
    const char *avatar_pdq; /* the picture's PDQ hash, NULL when unknown */
    int avatar_pdq_quality; /* -1 when unknown */
};

struct post {
    const char *id;
    const char **mentions;
    uint32_t n_mentions;
    unsigned cues;
};

struct u32v {
    uint32_t *v;
    uint32_t n, cap;
};

struct acct {
    const char *id;
    const char *persona; /* set once it is linked or its successor is */
    struct u32v following, followers;
    int64_t first_seen;
    uint32_t ident;                /* current identity, NONE before the first */
    uint32_t track;                /* index in r->nw when new, else NONE */
    uint32_t entry;                /* index entry while suspended, else NONE */
    uint64_t shown_url, shown_pdq; /* the pictures it was last counted as showing (pictures) */
    uint8_t suspended;
};

/* What matching a new account needs (about 2.5 KB, and its overlap list): freed when the account
 * expires (opts.track_secs), so that a live stage does not grow with every account it saw. */
struct match {
    struct vg_link_profile prof;
    uint32_t shouters[SHOUTERS_MAX];
    struct vg_link_named named[NAMED_MAX];
    uint32_t n_named;
    /* Exact overlap with suspended accounts, weighed by rarity (vg_link_net), sorted by entry;
     * `top` the NET_TOP with the most weight, handed to the query. */
    struct vg_link_net *net;
    uint32_t n_net, cap_net, n_top;
    double net_total_f, net_total_r;   /* weights of all it follows, of all following it */
    double net_chance_f, net_chance_r; /* the weight a suspended account shares by chance */
    struct vg_link_net top[NET_TOP];
};

/* A new account and what is known of it. */
struct track {
    uint32_t acct;
    struct match *m; /* NULL once expired */
    uint32_t n_actions;
    int64_t first_action, first_shout;
    int64_t first_named; /* its own first post naming a suspended account's handle */
    double shout;
    uint32_t n_shouts, n_shouters;
    /* The early figure: the state at the last evaluation within the window. */
    double early_score;
    uint32_t early_cand[TOP_KEEP];
    double early_cand_score[TOP_KEEP];
    uint32_t n_early;
    /* The ranking a reviewer gets: the candidates of the evaluation that made the link, or of
     * the last evaluation while unlinked. */
    uint32_t final_cand[TOP_KEEP];
    uint32_t n_final;
    uint32_t link;   /* index in r->links, NONE */
    uint8_t done;    /* linked and past the early window, suspended, or expired */
    uint8_t expired; /* matched for opts.track_secs, then forgotten (m freed) */
};

struct link {
    uint32_t track, entry;
    double score;
    int64_t at;
    uint32_t followers_at_link;
    const char *persona, *evidence;
};

/* Open addressing slot of the id and handle tables. */
struct slot_ids {
    uint64_t h;
    uint32_t idx;
};

struct vg_returns {
    struct vg_returns_opts opts;
    vg_link_index *ix;
    struct vg_arena arena;
    struct acct *acc;
    uint32_t n_acc, cap_acc;
    struct slot_ids *ids;
    size_t n_ids;
    struct slot_ids *handles; /* lower-cased current handle -> account */
    size_t n_handles, used_handles;
    struct slot_ids *pictures; /* avatar URL or picture hash -> accounts that showed it */
    size_t n_pictures, used_pictures;
    struct ident *idents;
    uint32_t n_idents, cap_idents;
    struct post *posts;
    uint32_t n_posts, cap_posts;
    struct ev *ev;
    size_t n_ev, cap_ev;
    struct track *nw;
    uint32_t n_new, cap_new;
    struct link *links;
    uint32_t n_links, cap_links;
    int64_t t_start;
    int live;        /* events are applied as they come (vg_returns_feed), not queued */
    int64_t last_at; /* the latest instant applied live */
    uint64_t live_events, late_events;
    uint64_t suspensions, reinstatements, evaluations, follows, posts_seen, personas;
    uint32_t n_susp;      /* accounts suspended now (in the index) */
    uint32_t expire_next; /* tracks before it have expired (opts.track_secs) */
    uint64_t expired;
    uint64_t *rejected; /* pairs a reviewer rejected (pair_key), sorted after the scan */
    uint32_t n_rejected, cap_rejected;
    uint64_t passed_over; /* candidates left out for a rejection */
    struct vg_buf scratch;
};

/* ---- small containers ---------------------------------------------------------------------- */

#define GROW(arr, n, cap, first)                                                                   \
    do {                                                                                           \
        if ((n) == (cap)) {                                                                        \
            size_t c_ = (cap) ? (size_t)(cap)*2 : (first);                                         \
            void *p_ = vg_realloc((arr), c_ * sizeof(*(arr)));                                     \
            if (!p_)                                                                               \
                return VG_ENOMEM;                                                                  \
            (arr) = p_;                                                                            \
            (cap) = c_;                                                                            \
        }                                                                                          \
    } while (0)

static vg_status u32v_push(struct u32v *v, uint32_t x)
{
    if (v->n == UINT32_MAX)
        return VG_ELIMIT;
    GROW(v->v, v->n, v->cap, 4);
    v->v[v->n++] = x;
    return VG_OK;
}

static uint64_t str_hash(const char *s)
{
    uint64_t h = vg_hash64(s, strlen(s), 0x1d5);
    return h ? h : 1;
}

/* Open addressing, half full at most: `ids` keyed by account id, `handles` by handle, `pictures`
 * by picture (by_handle: the 64-bit hash alone is the key). */
static struct slot_ids *slot_of(struct slot_ids *t, size_t n, uint64_t h, const char *s,
                                const struct vg_returns *r, int by_handle)
{
    size_t mask = n - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        if (!t[i].h)
            return &t[i];
        if (t[i].h != h)
            continue;
        const struct acct *a = &r->acc[t[i].idx];
        if (!by_handle && !strcmp(a->id, s))
            return &t[i];
        if (by_handle)
            return &t[i]; /* a 64-bit hash of the lowered handle names it */
    }
}

static vg_status rehash(struct slot_ids **t, size_t *n, const struct vg_returns *r, int by_handle)
{
    size_t nn = *n ? *n * 2 : 1 << 14;
    struct slot_ids *nt = vg_calloc(nn, sizeof(*nt));
    if (!nt)
        return VG_ENOMEM;
    for (size_t i = 0; i < *n; i++) {
        if (!(*t)[i].h)
            continue;
        const char *id = by_handle ? NULL : r->acc[(*t)[i].idx].id;
        *slot_of(nt, nn, (*t)[i].h, id, r, by_handle) = (*t)[i];
    }
    vg_free(*t);
    *t = nt;
    *n = nn;
    return VG_OK;
}

static vg_status account_of(struct vg_returns *r, const char *id, uint32_t *out)
{
    vg_status rc;
    if ((size_t)(r->n_acc + 1) * 2 > r->n_ids && (rc = rehash(&r->ids, &r->n_ids, r, 0)))
        return rc;
    uint64_t h = str_hash(id);
    struct slot_ids *s = slot_of(r->ids, r->n_ids, h, id, r, 0);
    if (s->h) {
        *out = s->idx;
        return VG_OK;
    }
    if (r->n_acc == UINT32_MAX - 1)
        return VG_ELIMIT;
    GROW(r->acc, r->n_acc, r->cap_acc, 1024);
    struct acct *a = &r->acc[r->n_acc];
    memset(a, 0, sizeof(*a));
    if (!(a->id = vg_arena_strdup(&r->arena, id)))
        return VG_ENOMEM;
    a->ident = a->track = a->entry = NONE;
    a->first_seen = INT64_MAX;
    s->h = h;
    s->idx = r->n_acc;
    *out = r->n_acc++;
    return VG_OK;
}

static int find_account(const struct vg_returns *r, const char *id, uint32_t *out)
{
    if (!r->n_ids)
        return 0;
    const struct slot_ids *s = slot_of(r->ids, r->n_ids, str_hash(id), id, r, 0);
    if (!s->h)
        return 0;
    *out = s->idx;
    return 1;
}

static uint64_t handle_hash(const char *h)
{
    char low[256];
    size_t n = strlen(h);
    if (n >= sizeof(low))
        n = sizeof(low) - 1;
    for (size_t i = 0; i < n; i++)
        low[i] = (h[i] >= 'A' && h[i] <= 'Z') ? (char)(h[i] + 32) : h[i];
    uint64_t k = vg_hash64(low, n, 0x4a4e);
    return k ? k : 1;
}

static vg_status handle_set(struct vg_returns *r, const char *handle, uint32_t acct)
{
    vg_status rc;
    if ((r->used_handles + 1) * 2 > r->n_handles && (rc = rehash(&r->handles, &r->n_handles, r, 1)))
        return rc;
    uint64_t h = handle_hash(handle);
    struct slot_ids *s = slot_of(r->handles, r->n_handles, h, handle, r, 1);
    if (!s->h)
        r->used_handles++;
    s->h = h;
    s->idx = acct; /* the latest account to take a handle owns it */
    return VG_OK;
}

static uint32_t handle_owner(const struct vg_returns *r, const char *handle)
{
    if (!r->n_handles)
        return NONE;
    const struct slot_ids *s = slot_of(r->handles, r->n_handles, handle_hash(handle), handle, r, 1);
    return s->h ? s->idx : NONE;
}

/* ---- pictures many accounts show ------------------------------------------------------------ */

/* A picture (avatar URL or PDQ hash) shown by more accounts than this, suspended or not, is a
 * stock one (a default silhouette, a flag, a logo): it says nothing of who an account replaces.
 * A persona rarely returns that often within the data; stock pictures are shown by hundreds. The
 * index alone counts only suspended accounts (AVATAR_RARE), which misses a stock picture that
 * few suspended accounts happened to show. */
#define PICTURE_COMMON 8

static uint64_t url_key(const char *url)
{
    return url && *url ? vg_hash64(url, strlen(url), 0x75726c) | 1 : 0;
}

/* The exact picture: a re-upload (a few bits apart) is another key, so only copies of the same
 * file add up, as a platform's default avatar does. */
static uint64_t pdq_key(const char *hex)
{
    struct vg_pdq h;
    if (!hex || vg_pdq_from_hex(hex, &h) != VG_OK)
        return 0;
    return vg_hash64(h.bytes, sizeof(h.bytes), 0x706471) | 1;
}

/* Count account a as showing the picture `key`, once however many profiles repeat it. */
static vg_status picture_seen(struct vg_returns *r, uint64_t key, uint64_t *last)
{
    if (!key || key == *last)
        return VG_OK;
    *last = key;
    vg_status rc;
    if ((r->used_pictures + 1) * 2 > r->n_pictures &&
        (rc = rehash(&r->pictures, &r->n_pictures, r, 1)))
        return rc;
    struct slot_ids *s = slot_of(r->pictures, r->n_pictures, key, NULL, r, 1);
    if (!s->h) {
        s->h = key;
        s->idx = 0;
        r->used_pictures++;
    }
    s->idx++;
    return VG_OK;
}

static int picture_common(const struct vg_returns *r, uint64_t key)
{
    if (!key || !r->n_pictures)
        return 0;
    const struct slot_ids *s = slot_of(r->pictures, r->n_pictures, key, NULL, r, 1);
    return s->h && s->idx > PICTURE_COMMON;
}

static vg_status apply(struct vg_returns *r, const struct ev *e);

/* The batch queues events to sort them; live, they come in time order and apply at once. */
static vg_status push_ev(struct vg_returns *r, int64_t at, enum ev_kind k, uint32_t a, uint32_t b)
{
    if (r->live) {
        const struct ev e = { at, a, b, 0, (uint8_t)k };
        return apply(r, &e);
    }
    GROW(r->ev, r->n_ev, r->cap_ev, 4096);
    r->ev[r->n_ev] = (struct ev){ at, a, b, (uint32_t)r->n_ev, (uint8_t)k };
    r->n_ev++;
    return VG_OK;
}

/* ---- reading the store --------------------------------------------------------------------- */

static const char *dup_or_null(struct vg_returns *r, const char *s, vg_status *rc)
{
    if (!s || *rc)
        return NULL;
    const char *d = vg_arena_strdup(&r->arena, s);
    if (!d)
        *rc = VG_ENOMEM;
    return d;
}

static vg_status on_identity(const struct vg_scan_row *row, void *ud)
{
    struct vg_returns *r = ud;
    uint32_t a;
    vg_status rc = account_of(r, row->account, &a);
    if (rc)
        return rc;
    GROW(r->idents, r->n_idents, r->cap_idents, 1024);
    struct ident *id = &r->idents[r->n_idents];
    id->handle = dup_or_null(r, row->item, &rc);
    id->name = dup_or_null(r, row->name, &rc);
    id->bio = dup_or_null(r, row->bio, &rc);
    id->avatar = dup_or_null(r, row->avatar, &rc);
    id->avatar_pdq = dup_or_null(r, row->avatar_pdq, &rc);
    id->avatar_pdq_quality = row->avatar_pdq_quality;
    if (rc)
        return rc;
    if (row->at < r->acc[a].first_seen)
        r->acc[a].first_seen = row->at;
    if (row->at < r->t_start)
        r->t_start = row->at;
    return push_ev(r, row->at, EV_IDENT, a, r->n_idents++);
}

static vg_status on_follow(const struct vg_scan_row *row, void *ud)
{
    struct vg_returns *r = ud;
    uint32_t s, d;
    vg_status rc;
    if (!row->other)
        return VG_OK;
    if ((rc = account_of(r, row->account, &s)) || (rc = account_of(r, row->other, &d)))
        return rc;
    r->follows++;
    /* The starting graph (and follows without a time) comes before any new account: straight
     * into the lists, no event. */
    if (row->at == VG_TIME_UNKNOWN || row->at <= r->t_start) {
        if ((rc = u32v_push(&r->acc[s].following, d)))
            return rc;
        return u32v_push(&r->acc[d].followers, s);
    }
    return push_ev(r, row->at, EV_FOLLOW, s, d);
}

static vg_status on_moderation(const struct vg_scan_row *row, void *ud)
{
    struct vg_returns *r = ud;
    uint32_t a;
    vg_status rc = account_of(r, row->account, &a);
    if (rc)
        return rc;
    int susp = row->item && !strcmp(row->item, "suspension");
    return push_ev(r, row->at, susp ? EV_SUSPEND : EV_REINSTATE, a, 0);
}

/* The mentions of a post (a JSON array of strings) into the arena. */
static vg_status read_mentions(struct vg_returns *r, const char *json, struct post *p)
{
    cJSON *arr = cJSON_Parse(json);
    if (!arr)
        return VG_OK; /* the store wrote it; unreadable means nothing to follow */
    vg_status rc = VG_OK;
    int n = cJSON_IsArray(arr) ? cJSON_GetArraySize(arr) : 0;
    if (n > MENTIONS_MAX)
        n = MENTIONS_MAX;
    if (n > 0 && !(p->mentions = vg_arena_alloc(&r->arena, (size_t)n * sizeof(char *))))
        rc = VG_ENOMEM;
    for (int i = 0; i < n && !rc; i++) {
        const cJSON *m = cJSON_GetArrayItem(arr, i);
        if (cJSON_IsString(m) && m->valuestring && *m->valuestring) {
            const char *h = m->valuestring[0] == '@' ? m->valuestring + 1 : m->valuestring;
            if (!(p->mentions[p->n_mentions] = vg_arena_strdup(&r->arena, h)))
                rc = VG_ENOMEM;
            else
                p->n_mentions++;
        }
    }
    cJSON_Delete(arr);
    return rc;
}

/* A post of account a: kept when it names someone (its mentions already in p), then queued. */
static vg_status keep_post(struct vg_returns *r, uint32_t a, int64_t at, struct post *p,
                           const char *id, const char *text)
{
    uint32_t pi = NONE;
    r->posts_seen++;
    if (p->n_mentions) {
        p->cues = text ? vg__link_shout_cues(text, strlen(text)) : 0;
        if (!(p->id = vg_arena_strdup(&r->arena, id ? id : "")))
            return VG_ENOMEM;
        pi = r->n_posts++;
    }
    /* A post that names nobody matters only as an action of a new account. */
    if (pi == NONE && r->acc[a].first_seen <= r->t_start)
        return VG_OK;
    return push_ev(r, at, EV_POST, a, pi);
}

static vg_status on_post(const struct vg_scan_row *row, void *ud)
{
    struct vg_returns *r = ud;
    uint32_t a;
    vg_status rc = account_of(r, row->account, &a);
    if (rc)
        return rc;
    GROW(r->posts, r->n_posts, r->cap_posts, 1024);
    struct post *p = &r->posts[r->n_posts];
    memset(p, 0, sizeof(*p));
    if (row->list && row->item && (rc = read_mentions(r, row->list, p)))
        return rc;
    return keep_post(r, a, row->at, p, row->other, row->item);
}

static int cmp_ev(const void *x, const void *y)
{
    const struct ev *a = x, *b = y;
    if (a->at != b->at)
        return a->at < b->at ? -1 : 1;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

/* ---- the replay ---------------------------------------------------------------------------- */

/* ---- links a reviewer rejected (vg_returns_reject) ------------------------------------------ */

/* One key for the pair (new account, account it would replace). 64 bits: a collision would pass
 * over one candidate of one account, not link anything. */
static uint64_t pair_key(const char *account, const char *replaces)
{
    return vg_hash64(account, strlen(account),
                     vg_hash64(replaces, strlen(replaces), 0x72656a6563746564ull));
}

static vg_status on_rejection(const struct vg_scan_row *row, void *ud)
{
    struct vg_returns *r = ud;
    if (!row->other)
        return VG_OK;
    GROW(r->rejected, r->n_rejected, r->cap_rejected, 16);
    r->rejected[r->n_rejected++] = pair_key(row->account, row->other);
    return VG_OK;
}

/* Leave out of c the candidates a reviewer rejected for this account; returns how many stay. */
static size_t pass_over_rejected(struct vg_returns *r, const char *account,
                                 struct vg_link_candidate *c, size_t n)
{
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t k = pair_key(account, vg__link_index_id(r->ix, c[i].entry));
        if (bsearch(&k, r->rejected, r->n_rejected, sizeof(k), vg_cmp_u64))
            r->passed_over++;
        else
            c[kept++] = c[i];
    }
    return kept;
}

static int in_window(const struct track *t, int64_t now)
{
    return t->n_actions <= EARLY_ACTS && now - t->first_action <= EARLY_SECS;
}

static const char *persona_of(struct vg_returns *r, const char *parent_id)
{
    uint32_t p;
    if (find_account(r, parent_id, &p)) {
        if (!r->acc[p].persona) {
            r->acc[p].persona = r->acc[p].id; /* the first account of a chain names it */
            r->personas++;
        }
        return r->acc[p].persona;
    }
    return parent_id;
}

static vg_status make_link(struct vg_returns *r, uint32_t ti, const struct vg_link_candidate *c,
                           int64_t now)
{
    struct track *t = &r->nw[ti];
    struct acct *a = &r->acc[t->acct];
    vg_buf_reset(&r->scratch);
    vg_status rc = vg__link_evidence_json(r->ix, &t->m->prof, c, &r->scratch);
    if (rc)
        return rc;
    GROW(r->links, r->n_links, r->cap_links, 256);
    struct link *l = &r->links[r->n_links];
    l->track = ti;
    l->entry = c->entry;
    l->score = c->score;
    l->at = now;
    l->followers_at_link = a->followers.n;
    if (!(l->evidence = vg_arena_strdup(&r->arena, r->scratch.data ? r->scratch.data : "[]")))
        return VG_ENOMEM;
    l->persona = persona_of(r, vg__link_index_id(r->ix, c->entry));
    a->persona = l->persona;
    t->link = r->n_links++;
    return VG_OK;
}

/* ---- follow overlap weighed by rarity ------------------------------------------------------- */

static vg_status net_add(struct match *t, uint32_t entry, float follows, float followers)
{
    uint32_t lo = 0, hi = t->n_net;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (t->net[mid].entry < entry)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < t->n_net && t->net[lo].entry == entry) {
        t->net[lo].follows += follows;
        t->net[lo].followers += followers;
        return VG_OK;
    }
    if (t->n_net >= NET_MAX)
        return VG_OK; /* bounded: the first NET_MAX suspended accounts met keep their weight */
    GROW(t->net, t->n_net, t->cap_net, 16);
    memmove(&t->net[lo + 1], &t->net[lo], (t->n_net - lo) * sizeof(*t->net));
    t->net[lo] = (struct vg_link_net){ entry, follows, followers };
    t->n_net++;
    return VG_OK;
}

/*
 * The tracked account follows x (as_follower = 0), or y follows it (as_follower = 1; x = y):
 * every suspended account in `list` (x's followers, or y's follows) shares x with it, weighed
 * ln(1 + S / d), S the suspended accounts, d those in the list (vg_link_net); the weight, ln 2
 * when d = 0, adds to the account's whole. A hub (a list longer than NET_HUB) is skipped: it would
 * cost time and weigh little.
 */
static vg_status net_credit(struct vg_returns *r, struct match *t, const struct u32v *list,
                            int as_follower)
{
    if (list->n > NET_HUB || (r->opts.without & VG_RETURN_NO_FOLLOWS))
        return VG_OK;
    uint32_t d = 0;
    for (uint32_t i = 0; i < list->n; i++)
        d += r->acc[list->v[i]].suspended && r->acc[list->v[i]].entry != NONE;
    float w = (float)(d ? log1p((double)r->n_susp / (double)d) : log(2.0));
    /* A suspended account drawn at random shares x with chance d / S: what every candidate
     * shares by chance is not evidence for one of them. */
    double chance = (double)w * (double)d / (double)(r->n_susp ? r->n_susp : 1);
    if (as_follower) {
        t->net_total_r += w;
        t->net_chance_r += chance;
    } else {
        t->net_total_f += w;
        t->net_chance_f += chance;
    }
    if (!d)
        return VG_OK;
    vg_status rc = VG_OK;
    for (uint32_t i = 0; i < list->n && !rc; i++) {
        const struct acct *e = &r->acc[list->v[i]];
        if (e->suspended && e->entry != NONE)
            rc = net_add(t, e->entry, as_follower ? 0 : w, as_follower ? w : 0);
    }
    return rc;
}

/* The NET_TOP entries whose overlap terms (link_index.c: shared / (whole + prior)) add up to
 * the most, best first (ties: lower entry). */
static void net_top(struct match *t)
{
    double kf = 1.0 / (t->net_total_f + VG_LINK_NET_PRIOR);
    double kr = 1.0 / (t->net_total_r + VG_LINK_NET_PRIOR);
    double key[NET_TOP];
    t->n_top = 0;
    for (uint32_t i = 0; i < t->n_net; i++) {
        double w = fmax(0, t->net[i].follows - t->net_chance_f) * kf +
                   fmax(0, t->net[i].followers - t->net_chance_r) * kr;
        uint32_t pos = t->n_top;
        while (pos > 0 && key[pos - 1] < w)
            pos--;
        if (pos >= NET_TOP)
            continue;
        uint32_t last = t->n_top < NET_TOP ? t->n_top : NET_TOP - 1;
        memmove(&t->top[pos + 1], &t->top[pos], (last - pos) * sizeof(*t->top));
        memmove(&key[pos + 1], &key[pos], (last - pos) * sizeof(*key));
        t->top[pos] = t->net[i];
        key[pos] = w;
        if (t->n_top < NET_TOP)
            t->n_top++;
    }
}

/* The persona of a suspended account (index entry e), NULL when none is known. */
static const char *entry_persona(const struct vg_returns *r, uint32_t e)
{
    uint32_t a;
    return find_account(r, vg__link_index_id(r->ix, e), &a) ? r->acc[a].persona : NULL;
}

static double logit(double p)
{
    return log(p / (1 - p));
}

/*
 * Whether the best candidate leads the next by enough to link now: by LINK_MARGIN in log-odds
 * (odds e^2, about 7 to 1), or the new account itself named it in a post, or both are accounts
 * of one persona (a chain of returns: either names the right person). Two suspended accounts
 * that explain a newcomer almost equally well mean the evidence does not yet say which it
 * replaces (a dense community, a shared bio, a chance likeness of invented names); its own post
 * naming the old handle, or the followers it regains, usually settle it within minutes. A ratio
 * test, as in matching a feature to the nearest of two.
 */
static int clear_lead(const struct vg_returns *r, const struct vg_link_candidate *c, size_t n)
{
    if (n < 2 || c[0].named_by_self || c[0].score >= 1 || c[1].score <= 0 ||
        logit(c[0].score) - logit(c[1].score) >= LINK_MARGIN)
        return 1;
    const char *p0 = entry_persona(r, c[0].entry), *p1 = entry_persona(r, c[1].entry);
    return p0 && p1 && !strcmp(p0, p1);
}

static vg_status evaluate(struct vg_returns *r, uint32_t ti, int64_t now)
{
    struct track *t = &r->nw[ti];
    if (t->done)
        return VG_OK;
    int early = in_window(t, now);
    if (t->link != NONE && !early) {
        t->done = 1;
        return VG_OK;
    }
    net_top(t->m);
    struct vg_link_talk talk = { t->shout,           t->n_shouts,
                                 t->n_shouters,      t->m->named,
                                 t->m->n_named,      t->m->top,
                                 t->m->n_top,        !(r->opts.without & VG_RETURN_NO_FOLLOWS),
                                 t->m->net_total_f,  t->m->net_total_r,
                                 t->m->net_chance_f, t->m->net_chance_r };
    struct vg_link_candidate c[TOP_KEEP];
    size_t n = 0;
    r->evaluations++;
    vg_status rc = vg__link_index_query(r->ix, &t->m->prof, &talk, now, c, TOP_KEEP, &n);
    if (rc)
        return rc;
    if (r->n_rejected)
        n = pass_over_rejected(r, r->acc[t->acct].id, c, n);
    if (early) {
        double best = r->opts.without & VG_RETURN_NO_POSTS ? 0 : vg__link_talk_score(&talk);
        t->early_score = n && c[0].score > best ? c[0].score : best;
        t->n_early = (uint32_t)n;
        for (size_t i = 0; i < n; i++) {
            t->early_cand[i] = c[i].entry;
            t->early_cand_score[i] = c[i].score;
        }
    }
    if (t->link != NONE)
        return VG_OK;
    t->n_final = (uint32_t)n;
    for (size_t i = 0; i < n; i++)
        t->final_cand[i] = c[i].entry;
    if (n && c[0].score >= r->opts.threshold && clear_lead(r, c, n))
        rc = make_link(r, ti, &c[0], now);
    return rc;
}

static void profile_from_ident(struct vg_returns *r, struct track *t, const struct ident *id)
{
    struct vg_link_profile *p = &t->m->prof;
    struct vg_link_sig fw = p->following, fr = p->followers;
    const struct acct *a = &r->acc[t->acct];
    vg__link_profile_init(p, a->id, id->handle, id->name, id->bio, id->avatar, t->first_action);
    vg__link_profile_set_pdq(p, id->avatar_pdq, id->avatar_pdq_quality);
    if (picture_common(r, url_key(id->avatar)))
        p->avatar = 0;
    if (picture_common(r, pdq_key(id->avatar_pdq)))
        p->has_pdq = 0;
    p->following = fw;
    p->followers = fr;
}

static vg_status start_track(struct vg_returns *r, uint32_t a, int64_t now)
{
    GROW(r->nw, r->n_new, r->cap_new, 256);
    struct track *t = &r->nw[r->n_new];
    memset(t, 0, sizeof(*t));
    t->acct = a;
    t->first_action = now;
    t->first_shout = t->first_named = VG_TIME_UNKNOWN;
    t->link = NONE;
    struct match *m = t->m = vg_calloc(1, sizeof(*m));
    if (!m)
        return VG_ENOMEM;
    r->acc[a].track = r->n_new++; /* from here on vg_returns_free frees m */
    vg__link_sig_init(&m->prof.following);
    vg__link_sig_init(&m->prof.followers);
    /* Follows it already has (none in time-ordered data, but a store may hold some). */
    for (uint32_t i = 0; i < r->acc[a].following.n; i++)
        vg__link_sig_add(&m->prof.following, str_hash(r->acc[r->acc[a].following.v[i]].id));
    for (uint32_t i = 0; i < r->acc[a].followers.n; i++)
        vg__link_sig_add(&m->prof.followers, str_hash(r->acc[r->acc[a].followers.v[i]].id));
    vg_status rc = VG_OK;
    for (uint32_t i = 0; i < r->acc[a].following.n && !rc; i++)
        rc = net_credit(r, m, &r->acc[r->acc[a].following.v[i]].followers, 0);
    for (uint32_t i = 0; i < r->acc[a].followers.n && !rc; i++)
        rc = net_credit(r, m, &r->acc[r->acc[a].followers.v[i]].following, 1);
    return rc;
}

static vg_status on_ident_ev(struct vg_returns *r, const struct ev *e)
{
    struct acct *a = &r->acc[e->a];
    const struct ident *id = &r->idents[e->b];
    vg_status rc;
    a->ident = e->b;
    if (id->handle && (rc = handle_set(r, id->handle, e->a)))
        return rc;
    if ((rc = picture_seen(r, url_key(id->avatar), &a->shown_url)) ||
        (rc = picture_seen(r, pdq_key(id->avatar_pdq), &a->shown_pdq)))
        return rc;
    if (a->track == NONE) {
        if (e->at <= r->t_start || a->first_seen != e->at || a->suspended)
            return VG_OK;
        if ((rc = start_track(r, e->a, e->at)))
            return rc;
    }
    struct track *t = &r->nw[a->track];
    t->n_actions++;
    if (t->expired)
        return VG_OK;
    profile_from_ident(r, t, id);
    return evaluate(r, a->track, e->at);
}

static vg_status on_follow_ev(struct vg_returns *r, const struct ev *e)
{
    struct acct *s = &r->acc[e->a], *d = &r->acc[e->b];
    vg_status rc;
    /* A follow repeated (after an unfollow, which is not replayed) adds no overlap. */
    int again = 0;
    if (s->track != NONE || d->track != NONE)
        for (uint32_t i = 0; i < s->following.n && !again; i++)
            again = s->following.v[i] == e->b;
    if ((rc = u32v_push(&s->following, e->b)) || (rc = u32v_push(&d->followers, e->a)))
        return rc;
    if (s->track != NONE) {
        struct track *t = &r->nw[s->track];
        t->n_actions++;
        if (!t->expired) {
            vg__link_sig_add(&t->m->prof.following, str_hash(d->id));
            if (!again && !t->done && (rc = net_credit(r, t->m, &d->followers, 0)))
                return rc;
            if ((rc = evaluate(r, s->track, e->at)))
                return rc;
        }
    }
    if (d->track != NONE && !r->nw[d->track].expired) {
        struct track *t = &r->nw[d->track];
        vg__link_sig_add(&t->m->prof.followers, str_hash(s->id));
        if (!again && !t->done && (rc = net_credit(r, t->m, &s->following, 1)))
            return rc;
        rc = evaluate(r, d->track, e->at);
    }
    return rc;
}

static void add_named(struct match *t, uint32_t entry, double strength, int by_self,
                      const char *post)
{
    for (uint32_t i = 0; i < t->n_named; i++)
        if (t->named[i].entry == entry) {
            if (strength > t->named[i].strength || (by_self && !t->named[i].by_self))
                t->named[i] = (struct vg_link_named){ entry, strength, by_self, post };
            return;
        }
    if (t->n_named < NAMED_MAX)
        t->named[t->n_named++] = (struct vg_link_named){ entry, strength, by_self, post };
}

/* A post naming a new account m, by someone else: a shout-out when its text has cues. */
static void shout_for(struct vg_returns *r, struct track *m, const struct post *p, uint32_t author,
                      int64_t now)
{
    double s = vg__link_shout_strength(p->cues);
    if (s <= 0)
        return;
    m->n_shouts++;
    if (m->first_shout == VG_TIME_UNKNOWN)
        m->first_shout = now;
    for (uint32_t i = 0; i < m->n_shouters && i < SHOUTERS_MAX; i++)
        if (m->m->shouters[i] == author)
            return; /* one author's repeated shout-outs count once */
    if (m->n_shouters < SHOUTERS_MAX)
        m->m->shouters[m->n_shouters] = author;
    m->n_shouters++;
    m->shout += s;
    /* Other handles in the same post that belong to suspended accounts: "@new is the new
     * account of @old". */
    for (uint32_t k = 0; k < p->n_mentions; k++) {
        uint32_t e = vg__link_index_find_handle(r->ix, p->mentions[k]);
        if (e != NONE)
            add_named(m->m, e, s, 0, p->id);
    }
}

static vg_status on_post_ev(struct vg_returns *r, const struct ev *e)
{
    struct acct *a = &r->acc[e->a];
    vg_status rc = VG_OK;
    const struct post *p = e->b != NONE ? &r->posts[e->b] : NULL;
    if (a->track != NONE)
        r->nw[a->track].n_actions++;
    for (uint32_t k = 0; p && k < p->n_mentions && !rc; k++) {
        const char *h = p->mentions[k];
        if (a->track != NONE && !r->nw[a->track].expired) {
            /* The new account names a suspended handle: "the old one @x was suspended". */
            uint32_t ent = vg__link_index_find_handle(r->ix, h);
            if (ent != NONE) {
                struct track *t = &r->nw[a->track];
                if (t->first_named == VG_TIME_UNKNOWN)
                    t->first_named = e->at;
                double s = vg__link_shout_strength(p->cues);
                add_named(t->m, ent, s > VG_LINK_NAMED_FLOOR ? s : VG_LINK_NAMED_FLOOR, 1, p->id);
            }
        }
        uint32_t m = handle_owner(r, h);
        if (m != NONE && m != e->a && r->acc[m].track != NONE &&
            r->nw[r->acc[m].track].first_shout == VG_TIME_UNKNOWN &&
            vg__link_shout_strength(p->cues) > 0)
            r->nw[r->acc[m].track].first_shout = e->at; /* for the delay, even once linked */
        if (m != NONE && m != e->a && r->acc[m].track != NONE && !r->nw[r->acc[m].track].done) {
            shout_for(r, &r->nw[r->acc[m].track], p, e->a, e->at);
            rc = evaluate(r, r->acc[m].track, e->at);
        }
    }
    if (!rc && a->track != NONE)
        rc = evaluate(r, a->track, e->at);
    return rc;
}

static vg_status on_suspend_ev(struct vg_returns *r, const struct ev *e)
{
    struct acct *a = &r->acc[e->a];
    r->suspensions++;
    if (!a->suspended)
        r->n_susp++;
    a->suspended = 1;
    if (a->track != NONE && r->nw[a->track].link == NONE)
        r->nw[a->track].done = 1; /* a suspended new account is no longer matched */
    struct vg_link_profile p;
    const struct ident *id = a->ident != NONE ? &r->idents[a->ident] : NULL;
    vg__link_profile_init(&p, a->id, id ? id->handle : NULL, id ? id->name : NULL,
                          id ? id->bio : NULL, id ? id->avatar : NULL,
                          a->first_seen == INT64_MAX ? VG_TIME_UNKNOWN : a->first_seen);
    if (id)
        vg__link_profile_set_pdq(&p, id->avatar_pdq, id->avatar_pdq_quality);
    for (uint32_t i = 0; i < a->following.n; i++)
        vg__link_sig_add(&p.following, str_hash(r->acc[a->following.v[i]].id));
    for (uint32_t i = 0; i < a->followers.n; i++)
        vg__link_sig_add(&p.followers, str_hash(r->acc[a->followers.v[i]].id));
    vg_status rc = vg__link_index_add(r->ix, &p, e->at);
    if (!rc)
        a->entry = vg__link_index_find_id(r->ix, a->id);
    return rc;
}

static void on_reinstate_ev(struct vg_returns *r, const struct ev *e)
{
    r->reinstatements++;
    if (r->acc[e->a].suspended)
        r->n_susp--;
    r->acc[e->a].suspended = 0;
    r->acc[e->a].entry = NONE;
    vg__link_index_remove(r->ix, r->acc[e->a].id);
}

/*
 * Forget the new accounts first seen more than opts.track_secs before now. Tracks are made in
 * the order of their first action, so a cursor finds them; in live data out of order, a track
 * made late waits for those before it (it expires late, never early).
 */
static void expire_tracks(struct vg_returns *r, int64_t now)
{
    if (r->opts.track_secs <= 0)
        return;
    while (r->expire_next < r->n_new &&
           now - r->nw[r->expire_next].first_action > r->opts.track_secs) {
        struct track *t = &r->nw[r->expire_next++];
        if (t->m) {
            vg_free(t->m->net);
            vg_free(t->m);
            t->m = NULL;
        }
        t->done = t->expired = 1;
        r->expired++;
    }
}

static vg_status apply(struct vg_returns *r, const struct ev *e)
{
    expire_tracks(r, e->at);
    switch (e->kind) {
        case EV_IDENT:
            return on_ident_ev(r, e);
        case EV_FOLLOW:
            return on_follow_ev(r, e);
        case EV_POST:
            return on_post_ev(r, e);
        case EV_SUSPEND:
            return on_suspend_ev(r, e);
        default:
            on_reinstate_ev(r, e);
            return VG_OK;
    }
}

static vg_status replay(struct vg_returns *r)
{
    if (r->n_ev) /* an empty store (live start) has no array: qsort of NULL is undefined */
        qsort(r->ev, r->n_ev, sizeof(*r->ev), cmp_ev);
    vg_status rc = VG_OK;
    for (size_t i = 0; i < r->n_ev && !rc; i++)
        rc = apply(r, &r->ev[i]);
    return rc;
}

void vg_returns_opts_init(struct vg_returns_opts *opts)
{
    opts->before = VG_TIME_UNKNOWN;
    opts->threshold = 0.5;
    opts->without = 0;
    opts->track_secs = 0;
}

vg_status vg_returns_run(vg_db *db, const struct vg_returns_opts *opts, vg_returns **out)
{
    *out = NULL;
    struct vg_returns *r = vg_calloc(1, sizeof(*r));
    if (!r)
        return VG_ENOMEM;
    if (opts)
        r->opts = *opts;
    else
        vg_returns_opts_init(&r->opts);
    vg_arena_init(&r->arena, 1 << 20, (size_t)16 << 30);
    vg_buf_init(&r->scratch, 1 << 20);
    r->t_start = INT64_MAX;
    int64_t before = r->opts.before;
    vg_status rc = vg_return_index_new(&r->ix);
    if (!rc)
        vg__link_index_set_without(r->ix, r->opts.without);
    /* Identities first: they fix the start of the data, which the follows scan needs. */
    if (!rc)
        rc = vg__db_scan(db, VG_SCAN_IDENTITIES, VG_TIME_UNKNOWN, before, on_identity, r);
    if (!rc)
        rc = vg__db_scan(db, VG_SCAN_FOLLOWS, VG_TIME_UNKNOWN, before, on_follow, r);
    if (!rc)
        rc = vg__db_scan(db, VG_SCAN_MODERATION, VG_TIME_UNKNOWN, before, on_moderation, r);
    if (!rc)
        rc = vg__db_scan(db, VG_SCAN_POST_MENTIONS, VG_TIME_UNKNOWN, before, on_post, r);
    if (!rc)
        rc = vg__db_scan(db, VG_SCAN_RETURN_REJECTIONS, VG_TIME_UNKNOWN, VG_TIME_UNKNOWN,
                         on_rejection, r);
    if (!rc && r->n_rejected)
        qsort(r->rejected, r->n_rejected, sizeof(*r->rejected), vg_cmp_u64);
    if (!rc)
        rc = replay(r);
    /* The events are not needed any more; the rest is kept for the output and eval. */
    vg_free(r->ev);
    r->ev = NULL;
    r->n_ev = r->cap_ev = 0;
    if (rc) {
        vg_returns_free(r);
        return rc;
    }
    *out = r;
    return VG_OK;
}

/* ---- live: events as ingest stores them (vg_returns_feed) ----------------------------------- */

static int same_str(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

/* The picture's hash of a profile: its own, else the current one while the avatar URL is the
 * same (a hash belongs to the picture it came with, as in the store). */
static void feed_avatar_pdq(const struct vg_account *m, const struct ident *cur,
                            struct vg_scan_row *row)
{
    row->avatar_pdq = m->avatar_pdq;
    row->avatar_pdq_quality = m->avatar_pdq ? m->avatar_pdq_quality : -1;
    if (!m->avatar_pdq && cur && same_str(row->avatar, cur->avatar)) {
        row->avatar_pdq = cur->avatar_pdq;
        row->avatar_pdq_quality = cur->avatar_pdq_quality;
    }
}

/* A profile: an identity event when its handle, name, bio or avatar (URL or picture) differ
 * from the current one (the batch reads only identities; a profile whose counts alone changed
 * is not one). A field the event leaves out keeps its current value, as the store does. */
static vg_status feed_account(struct vg_returns *r, const struct vg_account *m)
{
    uint32_t a;
    vg_status rc = account_of(r, m->id, &a);
    if (rc)
        return rc;
    const struct ident *cur = r->acc[a].ident != NONE ? &r->idents[r->acc[a].ident] : NULL;
    struct vg_scan_row row = { .account = m->id, .at = m->observed_at };
    row.item = m->handle || !cur ? m->handle : cur->handle;
    row.name = m->name || !cur ? m->name : cur->name;
    row.bio = m->bio || !cur ? m->bio : cur->bio;
    row.avatar = m->avatar_url || !cur ? m->avatar_url : cur->avatar;
    feed_avatar_pdq(m, cur, &row);
    if (cur && same_str(row.item, cur->handle) && same_str(row.name, cur->name) &&
        same_str(row.bio, cur->bio) && same_str(row.avatar, cur->avatar) &&
        same_str(row.avatar_pdq, cur->avatar_pdq))
        return VG_OK;
    return on_identity(&row, r);
}

static vg_status feed_post(struct vg_returns *r, const struct vg_post *post)
{
    uint32_t a;
    vg_status rc = account_of(r, post->account, &a);
    if (rc)
        return rc;
    GROW(r->posts, r->n_posts, r->cap_posts, 1024);
    struct post *p = &r->posts[r->n_posts];
    memset(p, 0, sizeof(*p));
    size_t n = post->mentions.n < MENTIONS_MAX ? post->mentions.n : MENTIONS_MAX;
    if (n && !(p->mentions = vg_arena_alloc(&r->arena, n * sizeof(char *))))
        return VG_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const char *h = post->mentions.v[i];
        if (!h || !*h)
            continue;
        if (!(p->mentions[p->n_mentions] = vg_arena_strdup(&r->arena, h[0] == '@' ? h + 1 : h)))
            return VG_ENOMEM;
        p->n_mentions++;
    }
    return keep_post(r, a, post->created_at, p, post->id, post->text);
}

static int64_t event_time(const struct vg_event *ev)
{
    switch (ev->type) {
        case VG_EV_ACCOUNT:
            return ev->u.account.observed_at;
        case VG_EV_FOLLOW:
            return ev->u.edge.at;
        case VG_EV_POST:
            return ev->u.post.created_at;
        case VG_EV_SUSPENSION:
        case VG_EV_REINSTATEMENT:
            return ev->u.moderation.at;
        default:
            return VG_TIME_UNKNOWN;
    }
}

vg_status vg_returns_start(vg_db *db, const struct vg_returns_opts *opts, vg_returns **out)
{
    vg_status rc = vg_returns_run(db, opts, out);
    if (rc)
        return rc;
    (*out)->live = 1;
    (*out)->last_at = VG_TIME_UNKNOWN;
    return VG_OK;
}

vg_status vg_returns_feed(vg_returns *r, const struct vg_event *ev)
{
    if (!r->live || !ev)
        return VG_EINVAL;
    int64_t at = event_time(ev);
    if (ev->type != VG_EV_ACCOUNT && ev->type != VG_EV_FOLLOW && ev->type != VG_EV_POST &&
        ev->type != VG_EV_SUSPENSION && ev->type != VG_EV_REINSTATEMENT)
        return VG_OK;
    r->live_events++;
    if (at != VG_TIME_UNKNOWN) {
        if (r->last_at != VG_TIME_UNKNOWN && at < r->last_at)
            r->late_events++;
        else
            r->last_at = at;
    }
    struct vg_scan_row row = { 0 };
    switch (ev->type) {
        case VG_EV_ACCOUNT:
            return feed_account(r, &ev->u.account);
        case VG_EV_FOLLOW:
            row.account = ev->u.edge.src;
            row.other = ev->u.edge.dst;
            row.at = at;
            return on_follow(&row, r);
        case VG_EV_POST:
            return feed_post(r, &ev->u.post);
        default:
            row.account = ev->u.moderation.account;
            row.item = ev->type == VG_EV_SUSPENSION ? "suspension" : "reinstatement";
            row.at = at;
            return on_moderation(&row, r);
    }
}

void vg_returns_live_counts(const vg_returns *r, uint64_t *events, uint64_t *late)
{
    *events = r->live_events;
    *late = r->late_events;
}

void vg_returns_free(vg_returns *r)
{
    if (!r)
        return;
    for (uint32_t i = 0; i < r->n_acc; i++) {
        vg_free(r->acc[i].following.v);
        vg_free(r->acc[i].followers.v);
    }
    vg_free(r->acc);
    vg_free(r->ids);
    vg_free(r->handles);
    vg_free(r->pictures);
    vg_free(r->idents);
    vg_free(r->posts);
    vg_free(r->ev);
    for (uint32_t i = 0; i < r->n_new; i++)
        if (r->nw[i].m) {
            vg_free(r->nw[i].m->net);
            vg_free(r->nw[i].m);
        }
    vg_free(r->nw);
    vg_free(r->links);
    vg_free(r->rejected);
    vg_buf_release(&r->scratch);
    vg_arena_release(&r->arena);
    vg_return_index_free(r->ix);
    vg_free(r);
}

/* ---- output -------------------------------------------------------------------------------- */

size_t vg_returns_n_links(const vg_returns *r)
{
    return r->n_links;
}

int64_t vg_returns_link_time(const vg_returns *r, size_t i)
{
    return i < r->n_links ? r->links[i].at : VG_TIME_UNKNOWN;
}

static vg_status put_time(struct vg_buf *b, const char *key, int64_t t)
{
    char iso[21];
    if (t == VG_TIME_UNKNOWN || t == INT64_MAX)
        return vg_buf_printf(b, ",\"%s\":null", key);
    return vg_buf_printf(b, ",\"%s\":\"%s\"", key, vg_time_format(t, iso));
}

vg_status vg_returns_link_json(const vg_returns *r, size_t i, char **json)
{
    *json = NULL;
    if (i >= r->n_links)
        return VG_EINVAL;
    const struct link *l = &r->links[i];
    const struct track *t = &r->nw[l->track];
    const char *acc = r->acc[t->acct].id, *rep = vg__link_index_id(r->ix, l->entry);
    struct vg_buf b;
    vg_buf_init(&b, 1 << 20);
    vg_status rc = vg_buf_puts(&b, "{\"account\":");
    if (!rc)
        rc = vg_buf_json_str(&b, acc, strlen(acc));
    if (!rc)
        rc = vg_buf_puts(&b, ",\"replaces\":");
    if (!rc)
        rc = vg_buf_json_str(&b, rep, strlen(rep));
    if (!rc)
        rc = vg_buf_printf(&b, ",\"score\":%.4f,\"persona\":", l->score);
    if (!rc)
        rc = vg_buf_json_str(&b, l->persona, strlen(l->persona));
    if (!rc)
        rc = put_time(&b, "linked_at", l->at);
    if (!rc)
        rc = put_time(&b, "first_seen", t->first_action);
    if (!rc)
        rc = vg_buf_printf(&b, ",\"followers_at_link\":%u,\"evidence\":%s}", l->followers_at_link,
                           l->evidence);
    if (rc) {
        vg_buf_release(&b);
        return rc;
    }
    *json = vg_buf_take(&b);
    return *json ? VG_OK : VG_ENOMEM;
}

vg_status vg_returns_summary_json(const vg_returns *r, char **json)
{
    struct vg_buf b;
    vg_buf_init(&b, 1 << 16);
    char iso[21];
    vg_status rc = vg_buf_printf(
            &b,
            "{\"accounts\":%u,\"new_accounts\":%u,\"suspensions\":%llu,\"reinstatements\":%llu,"
            "\"indexed\":%zu,\"links\":%u,\"personas\":%llu,\"evaluations\":%llu,"
            "\"threshold\":%.4g,\"start\":",
            r->n_acc, r->n_new, (unsigned long long)r->suspensions,
            (unsigned long long)r->reinstatements, vg_return_index_size(r->ix), r->n_links,
            (unsigned long long)r->personas, (unsigned long long)r->evaluations, r->opts.threshold);
    if (!rc)
        rc = r->t_start == INT64_MAX ? vg_buf_puts(&b, "null")
                                     : vg_buf_printf(&b, "\"%s\"", vg_time_format(r->t_start, iso));
    if (!rc)
        rc = r->opts.before == VG_TIME_UNKNOWN
                     ? vg_buf_puts(&b, ",\"before\":null")
                     : vg_buf_printf(&b, ",\"before\":\"%s\"", vg_time_format(r->opts.before, iso));
    /* Only with an expiry, so that the default summary keeps its fields. */
    if (!rc && r->opts.track_secs > 0)
        rc = vg_buf_printf(&b, ",\"track_hours\":%.4g,\"expired\":%llu",
                           (double)r->opts.track_secs / 3600.0, (unsigned long long)r->expired);
    /* Only when a reviewer rejected links: how many, and how often a candidate was left out. */
    if (!rc && r->n_rejected)
        rc = vg_buf_printf(&b, ",\"rejections\":%u,\"passed_over\":%llu", r->n_rejected,
                           (unsigned long long)r->passed_over);
    if (!rc)
        rc = vg_buf_puts(&b, "}");
    if (rc) {
        vg_buf_release(&b);
        return rc;
    }
    *json = vg_buf_take(&b);
    return *json ? VG_OK : VG_ENOMEM;
}

vg_status vg_returns_store(vg_db *db, const vg_returns *r)
{
    struct vg_store_return_link *l = vg_malloc((r->n_links ? r->n_links : 1) * sizeof(*l));
    if (!l)
        return VG_ENOMEM;
    for (uint32_t i = 0; i < r->n_links; i++) {
        const struct link *k = &r->links[i];
        l[i] = (struct vg_store_return_link){ r->acc[r->nw[k->track].acct].id,
                                              vg__link_index_id(r->ix, k->entry),
                                              k->persona,
                                              k->score,
                                              k->at,
                                              k->evidence };
    }
    vg_status rc = vg__db_put_return_links(db, l, r->n_links);
    vg_free(l);
    return rc;
}

const char *vg_returns_link_account(const vg_returns *r, size_t i)
{
    if (!r || i >= r->n_links)
        return NULL;
    return r->acc[r->nw[r->links[i].track].acct].id;
}

vg_status vg_returns_store_link(vg_db *db, const vg_returns *r, size_t i)
{
    if (i >= r->n_links)
        return VG_EINVAL;
    const struct link *k = &r->links[i];
    const struct vg_store_return_link l = { r->acc[r->nw[k->track].acct].id,
                                            vg__link_index_id(r->ix, k->entry),
                                            k->persona,
                                            k->score,
                                            k->at,
                                            k->evidence };
    return vg__db_add_return_link(db, &l);
}

/* ---- for link_eval.c ----------------------------------------------------------------------- */

size_t vg__returns_n_new(const vg_returns *r)
{
    return r->n_new;
}

void vg__returns_new_info(const vg_returns *r, size_t i, struct vg_link_new_info *out)
{
    const struct track *t = &r->nw[i];
    const struct acct *a = &r->acc[t->acct];
    memset(out, 0, sizeof(*out));
    out->id = a->id;
    out->early_score = t->early_score;
    out->n_early = t->n_early;
    for (uint32_t k = 0; k < t->n_early; k++)
        out->early[k] = vg__link_index_id(r->ix, t->early_cand[k]);
    out->n_final = t->n_final;
    for (uint32_t k = 0; k < t->n_final; k++)
        out->final[k] = vg__link_index_id(r->ix, t->final_cand[k]);
    out->first_action = t->first_action;
    out->first_shout = t->first_shout;
    out->first_named = t->first_named;
    out->followers_final = a->followers.n;
    if (t->link != NONE) {
        const struct link *l = &r->links[t->link];
        out->linked = 1;
        out->replaces = vg__link_index_id(r->ix, l->entry);
        out->linked_at = l->at;
        out->followers_at_link = l->followers_at_link;
        out->score = l->score;
    }
}
