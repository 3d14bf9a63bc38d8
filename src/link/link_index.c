/* SPDX-License-Identifier: Apache-2.0 */
/*
 * link_index.c: the index of suspended accounts and the score of a (new account, suspended
 * account) pair (docs/returns.md, "Score").
 *
 * An entry keeps what matching needs, compactly (about 330 bytes): the skeletons of its handle
 * and display name in a shared string pool, its bio words, the hash of its avatar URL and its
 * picture's PDQ hash, and MinHash signatures of whom it followed and who followed it when it
 * was suspended. Postings map
 * keys to entries: every skeleton of the handle and the name (one namespace, so a handle meets a
 * display name spelled alike), each name part of three letters or more, the avatar, and
 * locality-sensitive bands of the two signatures (one value a band, 8 bands each). The avatars'
 * PDQ hashes are in a vg_pdq_index (src/pdq, multi-index hashing), keyed by entry: a query asks
 * it for the pictures within VG_LINK_PDQ_D bits of its own, the first candidates. A query gathers
 * the entries of its own keys, skipping keys shared by more than POSTING_CAP entries (a default
 * avatar, a common first name, a hub everyone follows say little and would make lookups slow), then
 * scores each. There is no hash map in the libraries we link; both tables here are open
 * addressing with linear probing.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "link.h"

#define POSTING_CAP  256 /* whole-name and avatar keys shared by more entries are not followed */
#define PART_CAP     64  /* nor name parts shared by more (a common first name) */
#define BAND_CAP     32  /* nor follow-set bands shared by more (a hub's) */
#define CAND_MAX     256 /* candidates scored per query */
#define AVATAR_RARE  3   /* an avatar URL or picture shared by more suspended accounts is generic */
#define POOL_MAX     (1ull << 32)
#define ENTRIES_MAX  (1u << 31)
#define KEY_NAME     1
#define KEY_PART     2
#define KEY_AVATAR   3
#define KEY_FOLLOWS  4
#define KEY_FOLLOWED 5

struct entry {
    uint32_t id, handle;            /* pool offsets: the id, the handle as written */
    uint32_t hk[3], nk[3];          /* pool offsets: handle and name key, alt, sorted */
    uint8_t h_ntok, n_ntok, active; /* name parts; 0 once reinstated or replaced */
    uint8_t has_pdq;                /* pdq is indexed (while active) */
    uint64_t avatar;
    struct vg_pdq pdq;
    struct vg_link_bio bio;
    struct vg_link_sig following, followers;
    int64_t suspended_at, first_seen;
};

struct slot {
    uint64_t key; /* 0: empty */
    uint32_t head, count;
};

struct node {
    uint32_t entry, next;
};

struct vg_return_index {
    struct entry *e;
    uint32_t n, cap;
    size_t active;
    char *pool;
    size_t pool_len, pool_cap;
    struct slot *slots; /* postings */
    size_t n_slots, used_slots;
    struct node *nodes;
    uint32_t n_nodes, cap_nodes;
    struct slot *ids; /* id hash -> entry (head), for replace and remove */
    size_t n_ids, used_ids;
    uint32_t *seen; /* query scratch: entry -> query stamp */
    uint32_t stamp;
    uint32_t cand[CAND_MAX];
    unsigned without;   /* VG_RETURN_NO_* */
    vg_pdq_index *pdqs; /* avatars' PDQ hashes of the active entries, by entry; NULL until one */

    /* Query scratch: the entries whose avatar is within VG_LINK_PDQ_D of the query's; none when
     * more than AVATAR_RARE are (a stock picture). */
    struct pdq_hit {
        uint32_t entry;
        int distance;
    } hits[AVATAR_RARE + 1];

    size_t n_hits;
};

/* ---- the string pool ----------------------------------------------------------------------- */

static vg_status pool_put(vg_link_index *ix, const char *s, uint32_t *off)
{
    size_t n = strlen(s) + 1;
    if (n == 1 && ix->pool_len) {
        *off = 0; /* "" is the pool's first byte */
        return VG_OK;
    }
    if (ix->pool_len + n > POOL_MAX)
        return VG_ELIMIT;
    if (ix->pool_len + n > ix->pool_cap) {
        size_t cap = ix->pool_cap ? ix->pool_cap * 2 : 1 << 16;
        while (cap < ix->pool_len + n)
            cap *= 2;
        if (cap > POOL_MAX)
            cap = POOL_MAX;
        char *p = vg_realloc(ix->pool, cap);
        if (!p)
            return VG_ENOMEM;
        ix->pool = p;
        ix->pool_cap = cap;
    }
    memcpy(ix->pool + ix->pool_len, s, n);
    *off = (uint32_t)ix->pool_len;
    ix->pool_len += n;
    return VG_OK;
}

static const char *pool_str(const vg_link_index *ix, uint32_t off)
{
    return ix->pool + off;
}

/* ---- open addressing ----------------------------------------------------------------------- */

static uint64_t key_of(int ns, const void *p, size_t n)
{
    uint64_t k = vg_hash64(p, n, 0x5eed0000u + (uint64_t)ns);
    return k ? k : 1;
}

static struct slot *slot_find(struct slot *t, size_t n_slots, uint64_t key)
{
    size_t mask = n_slots - 1;
    for (size_t i = (size_t)key & mask;; i = (i + 1) & mask)
        if (t[i].key == key || !t[i].key)
            return &t[i];
}

/* Grow a table to keep it at most half full. */
static vg_status table_reserve(struct slot **t, size_t *n_slots, size_t used)
{
    if (*n_slots && (used + 1) * 2 <= *n_slots)
        return VG_OK;
    size_t n = *n_slots ? *n_slots * 2 : 1024;
    struct slot *nt = vg_calloc(n, sizeof(*nt));
    if (!nt)
        return VG_ENOMEM;
    for (size_t i = 0; i < *n_slots; i++)
        if ((*t)[i].key)
            *slot_find(nt, n, (*t)[i].key) = (*t)[i];
    vg_free(*t);
    *t = nt;
    *n_slots = n;
    return VG_OK;
}

static vg_status posting_add(vg_link_index *ix, uint64_t key, uint32_t entry)
{
    vg_status rc = table_reserve(&ix->slots, &ix->n_slots, ix->used_slots);
    if (rc)
        return rc;
    if (ix->n_nodes == ix->cap_nodes) {
        uint32_t cap = ix->cap_nodes ? ix->cap_nodes * 2 : 4096;
        if (cap < ix->cap_nodes)
            return VG_ELIMIT;
        struct node *p = vg_realloc(ix->nodes, (size_t)cap * sizeof(*p));
        if (!p)
            return VG_ENOMEM;
        ix->nodes = p;
        ix->cap_nodes = cap;
    }
    struct slot *s = slot_find(ix->slots, ix->n_slots, key);
    if (!s->key) {
        s->key = key;
        s->head = UINT32_MAX;
        ix->used_slots++;
    }
    ix->nodes[ix->n_nodes] = (struct node){ entry, s->head };
    s->head = ix->n_nodes++;
    s->count++;
    return VG_OK;
}

static const struct slot *posting_get(const vg_link_index *ix, uint64_t key)
{
    if (!ix->n_slots)
        return NULL;
    const struct slot *s = slot_find(ix->slots, ix->n_slots, key);
    return s->key ? s : NULL;
}

/* ---- keys of a profile --------------------------------------------------------------------- */

#define KEYS_MAX 64

struct keyset {
    uint64_t k[KEYS_MAX];
    size_t n;
    size_t n_whole, n_bands; /* [0, n_whole): whole names, avatar; then bands; then parts */
};

static void keys_add(struct keyset *ks, uint64_t k)
{
    for (size_t i = 0; i < ks->n; i++)
        if (ks->k[i] == k)
            return;
    if (ks->n < KEYS_MAX)
        ks->k[ks->n++] = k;
}

static void whole_keys(struct keyset *ks, const struct vg_link_name *nm)
{
    const char *whole[3] = { nm->key, nm->alt, nm->sorted };
    for (int i = 0; i < 3; i++)
        if (strlen(whole[i]) >= 2)
            keys_add(ks, key_of(KEY_NAME, whole[i], strlen(whole[i])));
}

static void part_keys(struct keyset *ks, const struct vg_link_name *nm)
{
    for (unsigned t = 0; t < nm->n_tok; t++)
        if (strlen(nm->tok[t]) >= 3)
            keys_add(ks, key_of(KEY_PART, nm->tok[t], strlen(nm->tok[t])));
}

static void sig_keys(struct keyset *ks, int ns, const struct vg_link_sig *s)
{
    if (s->n < 2)
        return;
    /* One value a band: two sets meet in band b when the same element has the least hash
     * there, which happens with probability J each. Bands of two values (J^2) missed most
     * returns whose early follow sets are small; the buckets of popular elements that one-value
     * bands make are cut by POSTING_CAP. */
    for (int b = 0; b < VG_LINK_BANDS; b++) {
        uint32_t band[2] = { (uint32_t)b, s->v[b] };
        keys_add(ks, key_of(ns, band, sizeof(band)));
    }
}

/* The most specific keys first: when a query meets more than CAND_MAX entries, those that
 * share a whole name or the avatar are scored before those that share a follow-set band (at
 * most BAND_CAP each), and those before the ones that only share a name part. */
static void profile_keys(const struct vg_link_profile *p, struct keyset *ks)
{
    ks->n = 0;
    whole_keys(ks, &p->handle);
    whole_keys(ks, &p->name);
    if (p->avatar)
        keys_add(ks, key_of(KEY_AVATAR, &p->avatar, sizeof(p->avatar)));
    ks->n_whole = ks->n;
    sig_keys(ks, KEY_FOLLOWS, &p->following);
    sig_keys(ks, KEY_FOLLOWED, &p->followers);
    ks->n_bands = ks->n;
    part_keys(ks, &p->handle);
    part_keys(ks, &p->name);
}

/* ---- profiles ------------------------------------------------------------------------------ */

void vg__link_profile_init(struct vg_link_profile *p, const char *id, const char *handle,
                           const char *name, const char *bio, const char *avatar_url,
                           int64_t first_seen)
{
    memset(p, 0, sizeof(*p));
    p->id = id;
    if (handle) {
        size_t n = strlen(handle), k = 0;
        vg__link_name_fold(handle, n, &p->handle);
        for (; k < n && k < sizeof(p->handle_lower) - 1; k++) {
            char c = handle[k];
            p->handle_lower[k] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
        }
        p->handle_lower[k] = '\0';
    }
    if (name)
        vg__link_name_fold(name, strlen(name), &p->name);
    if (bio)
        vg__link_bio_fold(bio, strlen(bio), &p->bio);
    if (avatar_url && *avatar_url)
        p->avatar = key_of(KEY_AVATAR, avatar_url, strlen(avatar_url));
    vg__link_sig_init(&p->following);
    vg__link_sig_init(&p->followers);
    p->first_seen = first_seen;
}

void vg__link_profile_set_pdq(struct vg_link_profile *p, const char *hex, int quality)
{
    /* Meta's advice: hashes of low quality (flat or tiny pictures) match too much. */
    p->has_pdq = hex && (quality < 0 || quality >= VG_PDQ_MIN_QUAL) &&
                 vg_pdq_from_hex(hex, &p->avatar_pdq) == VG_OK;
}

double vg__link_pdq_term(int d)
{
    if (d <= VG_LINK_PDQ_FULL)
        return 1;
    if (d >= VG_LINK_PDQ_D)
        return 0;
    return (double)(VG_LINK_PDQ_D - d) / (VG_LINK_PDQ_D - VG_LINK_PDQ_FULL);
}

/* ---- the index ----------------------------------------------------------------------------- */

vg_status vg_return_index_new(vg_return_index **out)
{
    *out = vg_calloc(1, sizeof(**out));
    if (!*out)
        return VG_ENOMEM;
    char nul = '\0';
    uint32_t off;
    vg_status rc = pool_put(*out, &nul, &off); /* offset 0 is "" */
    if (rc) {
        vg_return_index_free(*out);
        *out = NULL;
    }
    return rc;
}

void vg_return_index_free(vg_return_index *ix)
{
    if (!ix)
        return;
    vg_free(ix->e);
    vg_free(ix->pool);
    vg_free(ix->slots);
    vg_free(ix->nodes);
    vg_free(ix->ids);
    vg_free(ix->seen);
    vg_pdq_index_free(ix->pdqs);
    vg_free(ix);
}

size_t vg_return_index_size(const vg_return_index *ix)
{
    return ix->active;
}

size_t vg__link_index_size(const vg_link_index *ix)
{
    return ix->n;
}

const char *vg__link_index_id(const vg_link_index *ix, uint32_t entry)
{
    return pool_str(ix, ix->e[entry].id);
}

const char *vg__link_index_handle(const vg_link_index *ix, uint32_t entry)
{
    return pool_str(ix, ix->e[entry].handle);
}

int64_t vg__link_index_suspended_at(const vg_link_index *ix, uint32_t entry)
{
    return ix->e[entry].suspended_at;
}

uint32_t vg__link_index_find_id(const vg_link_index *ix, const char *id)
{
    if (!ix->n_ids)
        return UINT32_MAX;
    const struct slot *s = slot_find(ix->ids, ix->n_ids, key_of(0, id, strlen(id)));
    /* A 64-bit hash names the id; the pool confirms it. */
    if (!s->key || strcmp(pool_str(ix, ix->e[s->head].id), id))
        return UINT32_MAX;
    return s->head;
}

uint32_t vg__link_index_find_handle(const vg_link_index *ix, const char *handle)
{
    char low[VG_LINK_KEY_MAX * 2 + 1];
    size_t n = strlen(handle), k = 0;
    if (n >= sizeof(low))
        return UINT32_MAX;
    for (; k < n; k++)
        low[k] = (handle[k] >= 'A' && handle[k] <= 'Z') ? (char)(handle[k] + 32) : handle[k];
    low[k] = '\0';
    const struct slot *s = posting_get(ix, key_of(KEY_NAME + 100, low, k));
    if (!s)
        return UINT32_MAX;
    /* The latest active entry with that handle. */
    for (uint32_t i = s->head; i != UINT32_MAX; i = ix->nodes[i].next) {
        uint32_t e = ix->nodes[i].entry;
        if (ix->e[e].active && !strcmp(pool_str(ix, ix->e[e].handle), low))
            return e;
    }
    return UINT32_MAX;
}

/* Index the avatar's picture of entry ei. */
static vg_status pdq_add(vg_link_index *ix, uint32_t ei, const struct vg_pdq *h)
{
    vg_status rc;
    if (!ix->pdqs && (rc = vg_pdq_index_new(&ix->pdqs)))
        return rc;
    if ((rc = vg_pdq_index_add(ix->pdqs, h, ei)))
        return rc;
    ix->e[ei].pdq = *h;
    ix->e[ei].has_pdq = 1;
    return VG_OK;
}

/* Entry ei is no longer a candidate (reinstated, or replaced by a new suspension). */
static void deactivate(vg_link_index *ix, uint32_t ei)
{
    struct entry *e = &ix->e[ei];
    if (!e->active)
        return;
    e->active = 0;
    ix->active--;
    if (e->has_pdq)
        vg_pdq_index_remove(ix->pdqs, ei);
}

static vg_status put_keys(vg_link_index *ix, uint32_t *off, const struct vg_link_name *nm)
{
    vg_status rc = pool_put(ix, nm->key, &off[0]);
    if (!rc)
        rc = pool_put(ix, nm->alt, &off[1]);
    if (!rc)
        rc = pool_put(ix, nm->sorted, &off[2]);
    return rc;
}

vg_status vg__link_index_add(vg_link_index *ix, const struct vg_link_profile *p,
                             int64_t suspended_at)
{
    if (!p->id || !*p->id)
        return VG_EINVAL;
    if (ix->n >= ENTRIES_MAX)
        return VG_ELIMIT;
    vg_status rc;
    uint64_t idk = key_of(0, p->id, strlen(p->id));
    if ((rc = table_reserve(&ix->ids, &ix->n_ids, ix->used_ids)))
        return rc;
    if (ix->n == ix->cap) {
        uint32_t cap = ix->cap ? ix->cap * 2 : 1024;
        struct entry *e = vg_realloc(ix->e, (size_t)cap * sizeof(*e));
        uint32_t *seen = vg_realloc(ix->seen, (size_t)cap * sizeof(*seen));
        if (e)
            ix->e = e;
        if (seen) {
            memset(seen + ix->cap, 0, (size_t)(cap - ix->cap) * sizeof(*seen));
            ix->seen = seen;
        }
        if (!e || !seen)
            return VG_ENOMEM;
        ix->cap = cap;
    }
    struct entry *e = &ix->e[ix->n];
    memset(e, 0, sizeof(*e));
    if ((rc = pool_put(ix, p->id, &e->id)) || (rc = pool_put(ix, p->handle_lower, &e->handle)) ||
        (rc = put_keys(ix, e->hk, &p->handle)) || (rc = put_keys(ix, e->nk, &p->name)))
        return rc;
    e->h_ntok = p->handle.n_tok;
    e->n_ntok = p->name.n_tok;
    e->avatar = p->avatar;
    e->bio = p->bio;
    e->following = p->following;
    e->followers = p->followers;
    e->suspended_at = suspended_at;
    e->first_seen = p->first_seen;
    e->active = 1;
    struct keyset ks;
    profile_keys(p, &ks);
    if (p->handle_lower[0])
        keys_add(&ks, key_of(KEY_NAME + 100, p->handle_lower, strlen(p->handle_lower)));
    for (size_t i = 0; i < ks.n; i++)
        if ((rc = posting_add(ix, ks.k[i], ix->n)))
            return rc;
    if (p->has_pdq && (rc = pdq_add(ix, ix->n, &p->avatar_pdq)))
        return rc;
    /* The same id suspended again: the new entry replaces the old one. */
    struct slot *s = slot_find(ix->ids, ix->n_ids, idk);
    if (s->key) {
        deactivate(ix, s->head);
    } else {
        s->key = idk;
        ix->used_ids++;
    }
    s->head = ix->n++;
    ix->active++;
    return VG_OK;
}

void vg__link_index_set_without(vg_link_index *ix, unsigned without)
{
    ix->without = without;
}

void vg__link_index_remove(vg_link_index *ix, const char *id)
{
    uint32_t e = vg__link_index_find_id(ix, id);
    if (e != UINT32_MAX)
        deactivate(ix, e);
}

/* ---- the score of a pair ------------------------------------------------------------------- */

/* Weights of the logistic score (docs/returns.md gives the reasoning; set by hand). */
#define W_BIAS      (-7.0)
#define W_HANDLE    4.0
#define W_NAME      2.5
#define W_BIO       1.0
#define W_AVATAR    3.5
#define W_FOLLOWS   3.0
#define W_FOLLOWERS 3.0
#define W_NAMED     8.0
#define W_SHOUT     1.0
#define W_TALK_BIAS (-5.0)
#define W_TALK      2.0

static double logistic(double z)
{
    return 1.0 / (1.0 + exp(-z));
}

/* A set of n elements says little when n is small: shrink its overlap toward 0. */
static double shrunk_overlap(const struct vg_link_sig *q, const struct vg_link_sig *e)
{
    if (q->n < 2 || e->n < 2)
        return 0;
    return vg__link_sig_containment(q, e) * (double)q->n / ((double)q->n + 5.0);
}

static void entry_keys(const vg_link_index *ix, const uint32_t *off, unsigned ntok,
                       struct vg_link_keys *k)
{
    k->key = pool_str(ix, off[0]);
    k->alt = pool_str(ix, off[1]);
    k->sorted = pool_str(ix, off[2]);
    k->n_tok = ntok;
}

static int avatar_generic(const vg_link_index *ix, uint64_t avatar)
{
    const struct slot *s = posting_get(ix, key_of(KEY_AVATAR, &avatar, sizeof(avatar)));
    return s && s->count > AVATAR_RARE;
}

/* The PDQ distance of entry ei's avatar to the query's, when the lookup found it; else -1. */
static int pdq_hit_distance(const vg_link_index *ix, uint32_t ei)
{
    for (size_t i = 0; i < ix->n_hits; i++)
        if (ix->hits[i].entry == ei)
            return ix->hits[i].distance;
    return -1;
}

/* The avatar term: the same URL (not a generic one), else the same picture by its PDQ hash. */
static void score_avatar(const vg_link_index *ix, const struct vg_link_profile *q,
                         const struct entry *e, uint32_t ei, struct vg_link_candidate *c)
{
    c->same_url = q->avatar && q->avatar == e->avatar && !avatar_generic(ix, e->avatar);
    c->pdq_distance = pdq_hit_distance(ix, ei);
    c->avatar = c->same_url ? 1 : c->pdq_distance >= 0 ? vg__link_pdq_term(c->pdq_distance) : 0;
}

static void score_pair(const vg_link_index *ix, const struct vg_link_profile *q,
                       const struct vg_link_talk *talk, uint32_t ei, struct vg_link_candidate *c)
{
    const struct entry *e = &ix->e[ei];
    memset(c, 0, sizeof(*c));
    c->entry = ei;
    struct vg_link_keys qh, qn, eh, en;
    vg__link_name_keys(&q->handle, &qh);
    vg__link_name_keys(&q->name, &qn);
    entry_keys(ix, e->hk, e->h_ntok, &eh);
    entry_keys(ix, e->nk, e->n_ntok, &en);
    c->handle = vg__link_keys_similarity(&qh, &eh);
    c->name = vg__link_keys_similarity(&qn, &en);
    /* A handle spelled like the old display name, or the reverse, counts a little less. */
    double cross =
            0.8 * fmax(vg__link_keys_similarity(&qh, &en), vg__link_keys_similarity(&qn, &eh));
    if (cross > c->handle)
        c->handle = cross;
    c->bio = vg__link_bio_similarity(&q->bio, &e->bio);
    score_avatar(ix, q, e, ei, c);
    c->follows = shrunk_overlap(&q->following, &e->following);
    c->followers = shrunk_overlap(&q->followers, &e->followers);
    /* The batch's exact overlap weighed by rarity replaces the estimate: a few rare accounts in
     * common say more than many that the whole network follows. */
    if (talk && talk->net_exact) {
        c->follows = c->followers = 0;
        for (size_t i = 0; i < talk->n_net; i++) {
            if (talk->net[i].entry != ei)
                continue;
            c->rare_follows = talk->net[i].follows;
            c->rare_followers = talk->net[i].followers;
            c->follows = fmax(0, c->rare_follows - talk->net_follows_chance) /
                         (talk->net_follows_total + VG_LINK_NET_PRIOR);
            c->followers = fmax(0, c->rare_followers - talk->net_followers_chance) /
                           (talk->net_followers_total + VG_LINK_NET_PRIOR);
            break;
        }
    }
    unsigned no = ix->without;
    if (no & VG_RETURN_NO_NAMES)
        c->handle = c->name = 0;
    if (no & VG_RETURN_NO_BIO)
        c->bio = 0;
    if (no & VG_RETURN_NO_AVATAR) {
        c->avatar = 0;
        c->same_url = 0;
        c->pdq_distance = -1;
    }
    if (no & VG_RETURN_NO_FOLLOWS)
        c->follows = c->followers = c->rare_follows = c->rare_followers = 0;
    if (no & VG_RETURN_NO_POSTS)
        talk = NULL;
    double z = W_BIAS + W_HANDLE * c->handle + W_NAME * c->name + W_BIO * c->bio +
               W_AVATAR * c->avatar + W_FOLLOWS * c->follows + W_FOLLOWERS * c->followers;
    if (talk) {
        for (size_t i = 0; i < talk->n_named; i++) {
            const struct vg_link_named *nd = &talk->named[i];
            if (nd->entry != ei)
                continue;
            double s = nd->by_self ? nd->strength : 0.8 * nd->strength;
            if (s > c->named) {
                c->named = s;
                c->named_post = nd->post;
                c->named_by_self = nd->by_self;
            }
        }
        c->shout = talk->shout > 2 ? 2 : talk->shout;
        z += W_NAMED * c->named + W_SHOUT * c->shout;
    }
    c->hours = q->first_seen == VG_TIME_UNKNOWN
                       ? 0
                       : (double)(q->first_seen - e->suspended_at) / 3600.0;
    /* Seen a day or more before the suspension: a second account, not a replacement (spares
     * exist, hence a penalty and not a veto); later returns are less likely the further away. */
    if (c->hours < -24)
        z -= 2.0;
    else if (c->hours > 0)
        z -= 0.5 * log1p(c->hours / 24.0);
    c->score = logistic(z);
}

double vg__link_talk_score(const struct vg_link_talk *talk)
{
    if (!talk || talk->shout <= 0)
        return 0;
    return logistic(W_TALK_BIAS + W_TALK * (talk->shout > 2 ? 2 : talk->shout));
}

static void cand_add(vg_link_index *ix, uint32_t e, size_t *n)
{
    if (ix->seen[e] == ix->stamp || *n >= CAND_MAX)
        return;
    ix->seen[e] = ix->stamp;
    ix->cand[(*n)++] = e;
}

static int on_pdq_hit(uint64_t id, int distance, void *ud)
{
    vg_link_index *ix = ud;
    ix->hits[ix->n_hits++] = (struct pdq_hit){ (uint32_t)id, distance };
    return ix->n_hits > AVATAR_RARE; /* one too many: a stock picture, stop */
}

/* The suspended accounts whose avatar is the query's picture (ix->hits); none when more than
 * AVATAR_RARE are, as for a URL. Returns VG_ENOMEM only. */
static vg_status pdq_lookup(vg_link_index *ix, const struct vg_link_profile *q)
{
    ix->n_hits = 0;
    if (!q->has_pdq || !ix->pdqs || (ix->without & VG_RETURN_NO_AVATAR))
        return VG_OK;
    vg_status rc = vg_pdq_index_query(ix->pdqs, &q->avatar_pdq, VG_LINK_PDQ_D, on_pdq_hit, ix);
    if (ix->n_hits > AVATAR_RARE)
        ix->n_hits = 0;
    return rc == VG_ECANCEL ? VG_OK : rc;
}

vg_status vg__link_index_query(vg_link_index *ix, const struct vg_link_profile *q,
                               const struct vg_link_talk *talk, int64_t now,
                               struct vg_link_candidate *out, size_t max, size_t *n)
{
    *n = 0;
    if (!ix->n || !max)
        return VG_OK;
    if (++ix->stamp == 0) { /* wrapped: clear the stamps */
        memset(ix->seen, 0, (size_t)ix->cap * sizeof(*ix->seen));
        ix->stamp = 1;
    }
    size_t nc = 0;
    if (talk)
        for (size_t i = 0; i < talk->n_named; i++)
            cand_add(ix, talk->named[i].entry, &nc);
    for (size_t i = 0; talk && i < talk->n_net; i++)
        cand_add(ix, talk->net[i].entry, &nc);
    vg_status rc = pdq_lookup(ix, q);
    if (rc)
        return rc;
    for (size_t i = 0; i < ix->n_hits; i++)
        cand_add(ix, ix->hits[i].entry, &nc);
    struct keyset ks;
    profile_keys(q, &ks);
    for (size_t k = 0; k < ks.n && nc < CAND_MAX; k++) {
        const struct slot *s = posting_get(ix, ks.k[k]);
        uint32_t cap = k < ks.n_whole ? POSTING_CAP : k < ks.n_bands ? BAND_CAP : PART_CAP;
        if (!s || s->count > cap)
            continue;
        for (uint32_t i = s->head; i != UINT32_MAX && nc < CAND_MAX; i = ix->nodes[i].next)
            cand_add(ix, ix->nodes[i].entry, &nc);
    }
    for (size_t i = 0; i < nc; i++) {
        const struct entry *e = &ix->e[ix->cand[i]];
        if (!e->active || (now != VG_TIME_UNKNOWN && e->suspended_at > now) ||
            !strcmp(pool_str(ix, e->id), q->id ? q->id : ""))
            continue;
        struct vg_link_candidate c;
        score_pair(ix, q, talk, ix->cand[i], &c);
        /* Insert into the best `max`, kept sorted (best first; ties: earlier entry). */
        size_t pos = *n;
        while (pos > 0 && (out[pos - 1].score < c.score ||
                           (out[pos - 1].score == c.score && out[pos - 1].entry > c.entry)))
            pos--;
        if (pos >= max)
            continue;
        size_t last = *n < max ? *n : max - 1;
        memmove(&out[pos + 1], &out[pos], (last - pos) * sizeof(*out));
        out[pos] = c;
        if (*n < max)
            (*n)++;
    }
    return VG_OK;
}

/* ---- evidence ------------------------------------------------------------------------------ */

/* A follow-overlap evidence line, with the rarity weight when the batch computed one. */
static vg_status put_overlap(struct vg_buf *b, const char *sep, const char *kind, double overlap,
                             double rare)
{
    vg_status rc = vg_buf_printf(b, "%s{\"kind\":\"%s\",\"overlap\":%.3f", sep, kind, overlap);
    if (!rc && rare > 0)
        rc = vg_buf_printf(b, ",\"rare_weight\":%.2f", rare);
    return rc ? rc : vg_buf_putc(b, '}');
}

vg_status vg__link_evidence_json(const vg_link_index *ix, const struct vg_link_profile *q,
                                 const struct vg_link_candidate *c, struct vg_buf *b)
{
    const char *old = vg__link_index_handle(ix, c->entry);
    vg_status rc = vg_buf_puts(b, "[");
    const char *sep = "";
    if (!rc && c->handle > 0) {
        rc = vg_buf_printf(b, "{\"kind\":\"handle\",\"similarity\":%.3f,\"new\":", c->handle);
        if (!rc)
            rc = vg_buf_json_str(b, q->handle_lower, strlen(q->handle_lower));
        if (!rc)
            rc = vg_buf_puts(b, ",\"old\":");
        if (!rc)
            rc = vg_buf_json_str(b, old, strlen(old));
        if (!rc)
            rc = vg_buf_puts(b, "}");
        sep = ",";
    }
    if (!rc && c->name > 0) {
        rc = vg_buf_printf(b, "%s{\"kind\":\"name\",\"similarity\":%.3f}", sep, c->name);
        sep = ",";
    }
    if (!rc && c->bio > 0) {
        rc = vg_buf_printf(b, "%s{\"kind\":\"bio\",\"similarity\":%.3f}", sep, c->bio);
        sep = ",";
    }
    if (!rc && c->same_url) {
        rc = vg_buf_printf(b, "%s{\"kind\":\"avatar\",\"same_url\":true}", sep);
        sep = ",";
    } else if (!rc && c->avatar > 0) {
        rc = vg_buf_printf(b, "%s{\"kind\":\"avatar\",\"pdq_distance\":%d}", sep, c->pdq_distance);
        sep = ",";
    }
    if (!rc && c->follows > 0) {
        rc = put_overlap(b, sep, "follows", c->follows, c->rare_follows);
        sep = ",";
    }
    if (!rc && c->followers > 0) {
        rc = put_overlap(b, sep, "followers", c->followers, c->rare_followers);
        sep = ",";
    }
    if (!rc && c->named > 0) {
        rc = vg_buf_printf(b,
                           "%s{\"kind\":\"names_old_handle\",\"by\":\"%s\",\"strength\":%.2f,"
                           "\"post\":",
                           sep, c->named_by_self ? "self" : "other", c->named);
        if (!rc)
            rc = c->named_post ? vg_buf_json_str(b, c->named_post, strlen(c->named_post))
                               : vg_buf_puts(b, "null");
        if (!rc)
            rc = vg_buf_puts(b, "}");
        sep = ",";
    }
    if (!rc && c->shout > 0) {
        rc = vg_buf_printf(b, "%s{\"kind\":\"shout_outs\",\"strength\":%.2f}", sep, c->shout);
        sep = ",";
    }
    if (!rc)
        rc = vg_buf_printf(b, "%s{\"kind\":\"since_suspension\",\"hours\":%.2f}]", sep, c->hours);
    return rc;
}

/* ---- the public face ----------------------------------------------------------------------- */

static void public_profile(const struct vg_return_account *a, struct vg_link_profile *p)
{
    vg__link_profile_init(p, a->id, a->handle, a->name, a->bio, a->avatar_url, a->first_seen);
    vg__link_profile_set_pdq(p, a->avatar_pdq, a->avatar_pdq_quality);
    for (size_t i = 0; a->following && i < a->n_following; i++)
        if (a->following[i])
            vg__link_sig_add(&p->following, vg_hash64(a->following[i], strlen(a->following[i]), 0));
    for (size_t i = 0; a->followers && i < a->n_followers; i++)
        if (a->followers[i])
            vg__link_sig_add(&p->followers, vg_hash64(a->followers[i], strlen(a->followers[i]), 0));
}

vg_status vg_return_index_add(vg_return_index *ix, const struct vg_return_account *a,
                              int64_t suspended_at)
{
    if (!a || !a->id || !*a->id)
        return VG_EINVAL;
    struct vg_link_profile p;
    public_profile(a, &p);
    return vg__link_index_add(ix, &p, suspended_at);
}

void vg_return_index_remove(vg_return_index *ix, const char *id)
{
    if (ix && id)
        vg__link_index_remove(ix, id);
}

vg_status vg_return_index_query(vg_return_index *ix, const struct vg_return_account *a, int64_t now,
                                struct vg_return_candidate *out, size_t max, size_t *n)
{
    *n = 0;
    if (!a || !a->id)
        return VG_EINVAL;
    struct vg_link_profile p;
    public_profile(a, &p);
    struct vg_link_candidate c[64];
    size_t got = 0;
    vg_status rc = vg__link_index_query(ix, &p, NULL, now, c, max < 64 ? max : 64, &got);
    if (rc)
        return rc;
    for (size_t i = 0; i < got; i++)
        out[i] = (struct vg_return_candidate){ vg__link_index_id(ix, c[i].entry), c[i].score };
    *n = got;
    return VG_OK;
}
