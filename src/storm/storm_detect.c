/* SPDX-License-Identifier: Apache-2.0 */
/*
 * storm_detect.c: the streaming storm detector (vg_storms_*, docs/storms.md).
 *
 * Every post updates "keys": its hashtags, links, link domains and the sketch values of its
 * words (storm.h). A key has a baseline: an exponentially weighted count (time constant
 * baseline_hours) turned into a rate, scaled by the time-of-day profile of all posts. A hashtag key
 * also keeps the posts of the last window. When a hashtag's window count is improbable under its
 * baseline (a Poisson tail test against an exponentially weighted baseline, as TwitInfo's peak
 * detection compares counts with an EWMA, Marcus et al. 2011; Kleinberg's 2002 burst automaton was
 * not chosen because a stream needs a decision at each post, not a segmentation after the fact),
 * its window is checked for coordination (Pacheco et al. 2021: the same link, near-identical texts,
 * shared by many accounts within a short window): a link or text sketch value is a "marker" when
 * it is itself fresh (bursting against its own baseline) and shared by several accounts of the
 * window. Only a burst whose posts carry markers raises an alert; an organic burst, in which each
 * account writes its own words and no shared link dominates, does not. After the alert, each post
 * of the hashtag carrying a marker adds its account; the alert ends after close_minutes of
 * silence. Another hashtag bursting with an open alert's markers joins that alert.
 *
 * Recent posts live in one ring (the posts of the last window); a hashtag key holds the ring
 * sequence numbers of its window posts. Keys whose baseline has decayed below half a post a day
 * and that hold no window are dropped at the hourly sweep, so memory follows what was seen in
 * about a day. Keys are 64-bit hashes; a collision would merge two keys and is not handled.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "storm.h"

#define NONE32      UINT32_MAX
#define MAX_MARKERS 32
#define GROWTH_STEP 600 /* seconds per growth bucket */
#define GROWTH_MAX  288 /* two days of buckets */
#define SWEEP_EVERY 3600
#define TAG_MAX     256
#define MAX_TAGS    8 /* hashtags one alert names: its own and those that joined it */

enum key_kind {
    KEY_TAG = 1,
    KEY_URL,
    KEY_DOMAIN,
    KEY_TEXT
};

struct key {
    uint64_t h;   /* 0: empty slot */
    double acc;   /* exponentially weighted count at `last` */
    int64_t last; /* time of the latest post */
    uint64_t *q;  /* hashtag keys: ring sequence numbers of the window's posts */
    uint32_t q_head, q_n, q_cap;
    uint32_t alert;     /* open alert + 1, 0 when none */
    int64_t next_check; /* hashtag keys: earliest time of the next coordination check */
    uint8_t kind;
};

/* A post of the last window. */
struct rpost {
    int64_t at;
    uint32_t account;
    uint8_t repost, has_sketch;
    uint64_t url; /* key hash of its first link, 0 when none */
    uint64_t sketch[VG_STORM_SKETCH];
};

struct alert {
    uint64_t id, tag_key;
    char *tag, *link, *sample;
    char *tags[MAX_TAGS]; /* tags[0] = tag; then hashtags whose burst carried its markers */
    uint64_t tag_keys[MAX_TAGS];
    int64_t joined_at[MAX_TAGS];
    uint32_t n_tags;
    uint64_t link_key;
    uint64_t markers[MAX_MARKERS];
    uint32_t n_markers;
    int64_t onset, detected_at, last_at;
    uint64_t posts, window_posts;
    double expected, log10_p, coord_share;
    uint32_t *acc; /* accounts, in order of joining */
    size_t n_acc, cap_acc;
    uint32_t *set; /* open-addressing set of acc (NONE32 = empty) */
    size_t cap_set;
    uint32_t growth[GROWTH_MAX];
    size_t n_growth;
    uint64_t last_seq; /* ring sequence of the last post counted: a post with two of the
                          alert's hashtags counts once */
    int open;
};

struct vg_storms {
    struct vg_storm_opts o;
    double window, tau, close;

    struct key *keys; /* open addressing, power-of-two capacity (2^key_bits) */
    size_t cap_keys, n_keys, peak_keys;
    unsigned key_bits;

    struct rpost *ring; /* power-of-two capacity; seq -> ring[seq & (cap - 1)] */
    uint64_t ring_first, ring_next;
    size_t cap_ring;

    /* accounts: id -> index */
    struct vg_arena arena;
    char **acc_name;
    uint32_t n_acc, cap_acc;
    uint32_t *acc_slot; /* open addressing over acc_name, NONE32 = empty */
    size_t cap_acc_slot;

    struct alert *alerts;
    size_t n_alerts, cap_alerts;

    double tod[24];   /* posts per hour of the day over past days, decayed daily */
    double today[24]; /* posts per hour of the current day (folded into tod at midnight) */
    int tod_days;     /* days folded into tod */
    int64_t t_first, t_last, next_sweep, tod_day;
    uint64_t posts;

    /* scratch of the coordination check */
    uint64_t *scratch;
    size_t cap_scratch;
    const char **names;
    size_t cap_names;
};

/* ---- small helpers --------------------------------------------------------------------------- */

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t key_hash(int kind, const char *s, size_t len)
{
    uint64_t h = vg_hash64(s, len, 0x5707a11u + (uint64_t)kind);
    return h ? h : 1; /* 0 marks an empty slot */
}

static int is_sep(unsigned char c)
{
    return c < 0x80 && !(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'z') &&
           !(c >= 'A' && c <= 'Z') && c != '_' && c != '#' && c != '@' && c != '\'';
}

unsigned vg__storm_sketch(const char *text, uint64_t out[VG_STORM_SKETCH])
{
    /* 2 x VG_STORM_SKETCH MinHash values; each band of two becomes one value of the sketch. */
    enum {
        ROWS = 2 * VG_STORM_SKETCH
    };

    static const uint64_t seeds[ROWS] = { 0x9e3779b97f4a7c15ull, 0xc2b2ae3d27d4eb4full,
                                          0x165667b19e3779f9ull, 0x27d4eb2f165667c5ull,
                                          0x85ebca77c2b2ae63ull, 0xff51afd7ed558ccdull,
                                          0xc4ceb9fe1a85ec53ull, 0x2545f4914f6cdd1dull };
    uint64_t mh[ROWS];
    for (int i = 0; i < ROWS; i++)
        mh[i] = UINT64_MAX;
    /* The distinct words are counted against the first 32 (a text of a post has fewer). */
    uint64_t seen[32];
    unsigned n_seen = 0, words = 0;
    const unsigned char *p = (const unsigned char *)(text ? text : "");
    int first = 1;
    while (*p) {
        while (*p && is_sep(*p))
            p++;
        if (!*p)
            break;
        const unsigned char *w = p;
        uint64_t h = 0xcbf29ce484222325ull;
        while (*p && !is_sep(*p)) {
            unsigned char c = *p >= 'A' && *p <= 'Z' ? (unsigned char)(*p + 32) : *p;
            h = (h ^ c) * 0x100000001b3ull;
            p++;
        }
        size_t len = (size_t)(p - w);
        int skip = w[0] == '#' || w[0] == '@' ||
                   (len >= 4 && (w[0] | 32) == 'h' && (w[1] | 32) == 't' && (w[2] | 32) == 't' &&
                    (w[3] | 32) == 'p') ||
                   (first && len == 2 && (w[0] | 32) == 'r' && (w[1] | 32) == 't');
        first = 0;
        if (skip) {
            /* A link runs to the next space: skip its path too. */
            if (w[0] != '#' && w[0] != '@')
                while (*p && *p != ' ' && *p != '\n' && *p != '\t')
                    p++;
            continue;
        }
        int dup = 0;
        for (unsigned i = 0; i < n_seen && !dup; i++)
            dup = seen[i] == h;
        if (!dup) {
            if (n_seen < 32)
                seen[n_seen++] = h;
            if (words < 255)
                words++;
        }
        for (int i = 0; i < ROWS; i++) {
            uint64_t v = mix64(h ^ seeds[i]);
            if (v < mh[i])
                mh[i] = v;
        }
    }
    for (int b = 0; b < VG_STORM_SKETCH; b++) {
        uint64_t v = mix64(mh[2 * b] ^ mix64(mh[2 * b + 1] + (uint64_t)b));
        out[b] = v ? v : 1;
    }
    return words;
}

size_t vg__storm_tag_norm(const char *tag, char *out, size_t cap)
{
    size_t n = 0;
    if (!cap)
        return 0;
    while (*tag == '#') /* "##tag" is still "tag" (the fuzz target found a truth with "###") */
        tag++;
    for (; *tag && n + 1 < cap; tag++)
        out[n++] = *tag >= 'A' && *tag <= 'Z' ? (char)(*tag + 32) : *tag;
    out[n] = '\0';
    return n;
}

size_t vg__storm_domain(const char *url, const char **host)
{
    const char *s = strstr(url, "://");
    *host = NULL;
    if (!s)
        return 0;
    s += 3;
    const char *e = s;
    while (*e && *e != '/' && *e != ':' && *e != '?' && *e != '#')
        e++;
    if ((e - s) > 4 && !strncmp(s, "www.", 4))
        s += 4;
    *host = s;
    return (size_t)(e - s);
}

double vg__storm_poisson_log10_tail(double n, double lambda)
{
    if (lambda < 1e-9)
        lambda = 1e-9;
    if (n <= lambda)
        return 0;
    double lp = n * log(lambda) - lambda - lgamma(n + 1);
    lp -= log1p(-lambda / (n + 1));
    double r = -lp / M_LN10;
    return r > 0 ? r : 0;
}

/* ---- options --------------------------------------------------------------------------------- */

void vg_storm_opts_init(struct vg_storm_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->window_minutes = 30;
    o->baseline_hours = 24;
    o->prior_per_day = 1;
    o->burst_log10p = 10;
    o->fresh_log10p = 6;
    o->coord_share = 0.3;
    o->min_accounts = 10;
    o->close_minutes = 60;
    o->alerts_from = VG_TIME_UNKNOWN;
}

/* ---- keys ------------------------------------------------------------------------------------ */

/* The home slot of h in a table of 2^bits: the high bits of a Fibonacci product. With the low
 * bits, rebuilding a table at half the size (the sweep) walks the old slots in the order of the
 * new ones and piles keys into ever longer runs (quadratic; bench_storms stalled on it). */
static size_t key_slot(uint64_t h, unsigned bits)
{
    return (size_t)((h * 0x9e3779b97f4a7c15ull) >> (64 - bits));
}

static vg_status keys_rehash(struct vg_storms *s, size_t cap)
{
    unsigned bits = 0;
    while (((size_t)1 << bits) < cap)
        bits++;
    struct key *nk = vg_calloc(cap, sizeof(*nk));
    if (!nk)
        return VG_ENOMEM;
    for (size_t i = 0; i < s->cap_keys; i++) {
        struct key *k = &s->keys[i];
        if (!k->h)
            continue;
        size_t j = key_slot(k->h, bits);
        while (nk[j].h)
            j = (j + 1) & (cap - 1);
        nk[j] = *k;
    }
    vg_free(s->keys);
    s->keys = nk;
    s->cap_keys = cap;
    s->key_bits = bits;
    return VG_OK;
}

/* The key h, created when absent; NULL on out of memory. */
static struct key *key_get(struct vg_storms *s, uint64_t h, int kind)
{
    if ((s->n_keys + 1) * 4 > s->cap_keys * 3 && keys_rehash(s, s->cap_keys * 2))
        return NULL;
    size_t j = key_slot(h, s->key_bits);
    while (s->keys[j].h && s->keys[j].h != h)
        j = (j + 1) & (s->cap_keys - 1);
    struct key *k = &s->keys[j];
    if (!k->h) {
        memset(k, 0, sizeof(*k));
        k->h = h;
        k->kind = (uint8_t)kind;
        k->last = s->t_last;
        if (++s->n_keys > s->peak_keys)
            s->peak_keys = s->n_keys;
    }
    return k;
}

static const struct key *key_find(const struct vg_storms *s, uint64_t h)
{
    size_t j = key_slot(h, s->key_bits);
    while (s->keys[j].h) {
        if (s->keys[j].h == h)
            return &s->keys[j];
        j = (j + 1) & (s->cap_keys - 1);
    }
    return NULL;
}

static double decayed(const struct vg_storms *s, const struct key *k, int64_t t)
{
    return k->acc * exp(-(double)(t - k->last) / s->tau);
}

/* Time-of-day factor of hour-of-day of t: its share of all posts over the mean share, from
 * whole past days only (a day in progress would make its current hour look quiet). 1 until a
 * whole day has been seen. */
static double tod_factor(const struct vg_storms *s, int64_t t)
{
    double sum = 0;
    for (int h = 0; h < 24; h++)
        sum += s->tod[h];
    if (!s->tod_days || sum < 24 * 50)
        return 1;
    double f = s->tod[(t % 86400 + 86400) % 86400 / 3600] * 24 / sum;
    return f < 0.2 ? 0.2 : f > 5 ? 5 : f;
}

/* Expected posts of key k in the window ending at t, from its baseline only. The count is
 * corrected for the stream's age (an EWMA started from nothing underestimates). `self` posts of
 * the window are taken out of the count, so a burst does not raise its own baseline. */
static double expected(const struct vg_storms *s, const struct key *k, int64_t t, double self)
{
    /* The baseline is what came before the window: the history is the stream's age less the
     * window (tag_after_post tests nothing before a window of history), and the correction
     * 1 - exp(-history / tau) undoes the EWMA's start from nothing. */
    double history = (double)(t - s->t_first) - s->window;
    if (history < s->window)
        history = s->window;
    double acc = decayed(s, k, t) - self;
    if (acc < 0)
        acc = 0;
    double rate = acc / (s->tau * (1 - exp(-history / s->tau)));
    double prior = s->o.prior_per_day / 86400.0;
    if (rate < prior)
        rate = prior;
    return rate * s->window * tod_factor(s, t);
}

static void key_bump(struct vg_storms *s, struct key *k, int64_t t)
{
    k->acc = decayed(s, k, t) + 1;
    k->last = t;
}

/* Window posts of a key (sequence numbers still in the ring and within the window). */
static void key_trim(struct vg_storms *s, struct key *k, int64_t t)
{
    while (k->q_n) {
        uint64_t seq = k->q[k->q_head];
        if (seq >= s->ring_first && s->ring[seq & (s->cap_ring - 1)].at > t - (int64_t)s->window)
            break;
        k->q_head++;
        k->q_n--;
    }
    if (!k->q_n)
        k->q_head = 0;
}

static vg_status key_push(struct vg_storms *s, struct key *k, uint64_t seq, int64_t t)
{
    key_trim(s, k, t);
    if (k->q_head + k->q_n == k->q_cap) {
        if (k->q_head > k->q_cap / 2) {
            memmove(k->q, k->q + k->q_head, k->q_n * sizeof(*k->q));
            k->q_head = 0;
        } else {
            uint32_t cap = k->q_cap ? 2 * k->q_cap : 8;
            uint64_t *q = vg_realloc(k->q, cap * sizeof(*q));
            if (!q)
                return VG_ENOMEM;
            k->q = q;
            k->q_cap = cap;
        }
    }
    k->q[k->q_head + k->q_n++] = seq;
    return VG_OK;
}

/* Empty slot i of the table, shifting later keys of its run back (deletion without
 * tombstones in linear probing: Knuth 6.4, algorithm R), so no probe chain is broken. */
static void key_delete(struct vg_storms *s, size_t i)
{
    size_t mask = s->cap_keys - 1, j = i;
    for (;;) {
        j = (j + 1) & mask;
        if (!s->keys[j].h)
            break;
        size_t home = key_slot(s->keys[j].h, s->key_bits);
        /* keys[j] may move to i unless its home lies cyclically in (i, j] */
        int stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!stays) {
            s->keys[i] = s->keys[j];
            i = j;
        }
    }
    s->keys[i].h = 0;
    s->n_keys--;
}

/* Drop keys that hold no window, no open alert, and whose baseline fell below half a post a
 * day (a key seen once goes after about 17 hours with the default baseline). */
static vg_status sweep(struct vg_storms *s, int64_t t)
{
    double floor_acc = s->tau * 0.5 / 86400.0;
    for (size_t i = 0; i < s->cap_keys;) {
        struct key *k = &s->keys[i];
        if (k->h && k->q_n)
            key_trim(s, k, t);
        if (k->h && !k->q_n && !k->alert && decayed(s, k, t) < floor_acc) {
            vg_free(k->q);
            key_delete(s, i); /* slot i may now hold a later key: look at it again */
            continue;
        }
        i++;
    }
    /* Shrink when an eighth full (rebuilding at a quarter), so memory follows the live keys. */
    if (s->cap_keys > 1024 && s->n_keys * 8 < s->cap_keys)
        return keys_rehash(s, s->cap_keys / 2);
    return VG_OK;
}

/* ---- accounts -------------------------------------------------------------------------------- */

static vg_status account_index(struct vg_storms *s, const char *id, uint32_t *out)
{
    if ((size_t)(s->n_acc + 1) * 2 > s->cap_acc_slot) {
        size_t cap = s->cap_acc_slot ? 2 * s->cap_acc_slot : 4096;
        uint32_t *slot = vg_malloc(cap * sizeof(*slot));
        if (!slot)
            return VG_ENOMEM;
        memset(slot, 0xff, cap * sizeof(*slot));
        for (uint32_t a = 0; a < s->n_acc; a++) {
            size_t j = (size_t)vg_hash64(s->acc_name[a], strlen(s->acc_name[a]), 7) & (cap - 1);
            while (slot[j] != NONE32)
                j = (j + 1) & (cap - 1);
            slot[j] = a;
        }
        vg_free(s->acc_slot);
        s->acc_slot = slot;
        s->cap_acc_slot = cap;
    }
    size_t len = strlen(id);
    size_t j = (size_t)vg_hash64(id, len, 7) & (s->cap_acc_slot - 1);
    while (s->acc_slot[j] != NONE32) {
        if (!strcmp(s->acc_name[s->acc_slot[j]], id)) {
            *out = s->acc_slot[j];
            return VG_OK;
        }
        j = (j + 1) & (s->cap_acc_slot - 1);
    }
    if (s->n_acc == s->cap_acc) {
        uint32_t cap = s->cap_acc ? 2 * s->cap_acc : 4096;
        char **p = vg_realloc(s->acc_name, cap * sizeof(*p));
        if (!p)
            return VG_ENOMEM;
        s->acc_name = p;
        s->cap_acc = cap;
    }
    char *name = vg_arena_strndup(&s->arena, id, len);
    if (!name)
        return VG_ENOMEM;
    s->acc_name[s->n_acc] = name;
    s->acc_slot[j] = s->n_acc;
    *out = s->n_acc++;
    return VG_OK;
}

/* ---- the ring of recent posts ---------------------------------------------------------------- */

static vg_status ring_push(struct vg_storms *s, const struct rpost *p, uint64_t *seq)
{
    /* Forget posts older than the window. */
    while (s->ring_first < s->ring_next &&
           s->ring[s->ring_first & (s->cap_ring - 1)].at <= p->at - (int64_t)s->window)
        s->ring_first++;
    if (s->ring_next - s->ring_first == s->cap_ring) {
        size_t cap = s->cap_ring * 2;
        struct rpost *r = vg_malloc(cap * sizeof(*r));
        if (!r)
            return VG_ENOMEM;
        for (uint64_t q = s->ring_first; q < s->ring_next; q++)
            r[q & (cap - 1)] = s->ring[q & (s->cap_ring - 1)];
        vg_free(s->ring);
        s->ring = r;
        s->cap_ring = cap;
    }
    *seq = s->ring_next++;
    s->ring[*seq & (s->cap_ring - 1)] = *p;
    return VG_OK;
}

/* ---- alerts ---------------------------------------------------------------------------------- */

static vg_status alert_add_account(struct alert *a, uint32_t acc)
{
    if ((a->n_acc + 1) * 2 > a->cap_set) {
        size_t cap = a->cap_set ? 2 * a->cap_set : 64;
        uint32_t *set = vg_malloc(cap * sizeof(*set));
        if (!set)
            return VG_ENOMEM;
        memset(set, 0xff, cap * sizeof(*set));
        for (size_t i = 0; i < a->n_acc; i++) {
            size_t j = (size_t)mix64(a->acc[i]) & (cap - 1);
            while (set[j] != NONE32)
                j = (j + 1) & (cap - 1);
            set[j] = a->acc[i];
        }
        vg_free(a->set);
        a->set = set;
        a->cap_set = cap;
    }
    size_t j = (size_t)mix64(acc) & (a->cap_set - 1);
    while (a->set[j] != NONE32) {
        if (a->set[j] == acc)
            return VG_OK;
        j = (j + 1) & (a->cap_set - 1);
    }
    if (a->n_acc == a->cap_acc) {
        size_t cap = a->cap_acc ? 2 * a->cap_acc : 64;
        uint32_t *p = vg_realloc(a->acc, cap * sizeof(*p));
        if (!p)
            return VG_ENOMEM;
        a->acc = p;
        a->cap_acc = cap;
    }
    a->set[j] = acc;
    a->acc[a->n_acc++] = acc;
    return VG_OK;
}

static void alert_count(struct alert *a, int64_t t)
{
    a->posts++;
    a->last_at = t;
    size_t b = (size_t)((t - a->onset) / GROWTH_STEP);
    if (b < GROWTH_MAX) {
        a->growth[b]++;
        if (b + 1 > a->n_growth)
            a->n_growth = b + 1;
    }
}

static int alert_marked(const struct alert *a, const struct rpost *p)
{
    if (a->link_key && p->url == a->link_key)
        return 1;
    if (p->has_sketch && !p->repost)
        for (uint32_t m = 0; m < a->n_markers; m++)
            for (int i = 0; i < VG_STORM_SKETCH; i++)
                if (p->sketch[i] == a->markers[m])
                    return 1;
    return 0;
}

static vg_status emit(struct vg_storms *s, const struct alert *a)
{
    if (!s->o.on_alert)
        return VG_OK;
    if (a->n_acc > s->cap_names) {
        const char **p = vg_realloc(s->names, a->n_acc * sizeof(*p));
        if (!p)
            return VG_ENOMEM;
        s->names = p;
        s->cap_names = a->n_acc;
    }
    for (size_t i = 0; i < a->n_acc; i++)
        s->names[i] = s->acc_name[a->acc[i]];
    struct vg_storm_alert pub = {
        .id = a->id,
        .final = !a->open,
        .hashtag = a->tag,
        .hashtags = (const char *const *)a->tags,
        .joined_at = a->joined_at,
        .n_hashtags = a->n_tags,
        .link = a->link,
        .sample_text = a->sample,
        .onset = a->onset,
        .detected_at = a->detected_at,
        .last_at = a->last_at,
        .posts = a->posts,
        .window_posts = a->window_posts,
        .expected = a->expected,
        .log10_p = a->log10_p,
        .coord_share = a->coord_share,
        .copy_markers = a->n_markers,
        .accounts = s->names,
        .n_accounts = a->n_acc,
        .growth = a->growth,
        .n_growth = a->n_growth,
    };
    s->o.on_alert(&pub, s->o.ud);
    return VG_OK;
}

static vg_status alert_close(struct vg_storms *s, struct alert *a)
{
    a->open = 0;
    for (uint32_t i = 0; i < a->n_tags; i++) {
        struct key *k = (struct key *)key_find(s, a->tag_keys[i]);
        if (k)
            k->alert = 0;
    }
    return emit(s, a);
}

/* Close the alerts whose hashtag has been silent for close_minutes before t. */
static vg_status close_quiet(struct vg_storms *s, int64_t t)
{
    vg_status rc = VG_OK;
    for (size_t i = 0; i < s->n_alerts && !rc; i++)
        if (s->alerts[i].open && t - s->alerts[i].last_at > (int64_t)s->close)
            rc = alert_close(s, &s->alerts[i]);
    return rc;
}

/* ---- the coordination check ------------------------------------------------------------------ */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static vg_status scratch_room(struct vg_storms *s, size_t n)
{
    if (n <= s->cap_scratch)
        return VG_OK;
    uint64_t *p = vg_realloc(s->scratch, n * sizeof(*p));
    if (!p)
        return VG_ENOMEM;
    s->scratch = p;
    s->cap_scratch = n;
    return VG_OK;
}

/* Whether key h (a link or a text sketch value) is fresh at t: n posts with it in a window are
 * improbable under its own baseline. n counts those of the hashtag's window only, a lower bound
 * of the key's own window count, so the test errs towards "not fresh". */
static int fresh(const struct vg_storms *s, uint64_t h, double n, int64_t t)
{
    const struct key *k = key_find(s, h);
    if (!k)
        return 0;
    double lam = expected(s, k, t, n);
    return vg__storm_poisson_log10_tail(n, lam) >= s->o.fresh_log10p;
}

/* What the coordination check found in a hashtag's window. */
struct check {
    uint64_t link;                 /* the fresh shared link, 0 when none */
    uint64_t markers[MAX_MARKERS]; /* fresh shared text sketches */
    uint32_t n_markers;
    double share;      /* share of the window's posts that carry a marker */
    uint32_t accounts; /* distinct accounts of those posts */
};

/* The values that at least min_acc distinct accounts carry, among n (value, account) pairs laid
 * out as 2n words; their post counts go to counts. Returns how many qualify (at most max). */
static size_t shared_values(uint64_t *pairs, size_t n, uint32_t min_acc, uint64_t *vals,
                            double *counts, size_t max)
{
    /* Sort the pairs as 16-byte records by their first word, the value. */
    qsort(pairs, n, 2 * sizeof(uint64_t), cmp_u64);
    size_t out = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        uint32_t distinct = 0;
        /* A value's accounts are few: count the distinct ones with a small scan (capped). */
        while (j < n && pairs[2 * j] == pairs[2 * i]) {
            int dup = 0;
            for (size_t k = i; k < j && !dup; k++)
                dup = pairs[2 * k + 1] == pairs[2 * j + 1];
            distinct += !dup;
            j++;
            if (j - i > 4096)
                break;
        }
        while (j < n && pairs[2 * j] == pairs[2 * i])
            j++;
        if (distinct >= min_acc && out < max) {
            vals[out] = pairs[2 * i];
            counts[out++] = (double)(j - i);
        }
        i = j;
    }
    return out;
}

static vg_status coordination(struct vg_storms *s, const struct key *k, int64_t t, struct check *c)
{
    memset(c, 0, sizeof(*c));
    size_t n = k->q_n;
    vg_status rc = scratch_room(s, 2 * n * (VG_STORM_SKETCH + 1) + 2);
    if (rc)
        return rc;
    uint32_t min_share_acc = s->o.min_accounts / 2 > 3 ? s->o.min_accounts / 2 : 3;
    /* Links. */
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const struct rpost *p = &s->ring[k->q[k->q_head + i] & (s->cap_ring - 1)];
        if (p->url) {
            s->scratch[2 * m] = p->url;
            s->scratch[2 * m + 1] = p->account;
            m++;
        }
    }
    uint64_t vals[MAX_MARKERS];
    double counts[MAX_MARKERS];
    size_t nv = shared_values(s->scratch, m, min_share_acc, vals, counts, MAX_MARKERS);
    double best = 0;
    for (size_t i = 0; i < nv; i++)
        if (counts[i] > best && fresh(s, vals[i], counts[i], t)) {
            best = counts[i];
            c->link = vals[i];
        }
    /* Text sketches of posts that are not reposts (a retweet cascade is not a copy). */
    m = 0;
    for (size_t i = 0; i < n; i++) {
        const struct rpost *p = &s->ring[k->q[k->q_head + i] & (s->cap_ring - 1)];
        if (!p->has_sketch || p->repost)
            continue;
        for (int j = 0; j < VG_STORM_SKETCH; j++) {
            s->scratch[2 * m] = p->sketch[j];
            s->scratch[2 * m + 1] = p->account;
            m++;
        }
    }
    nv = shared_values(s->scratch, m, min_share_acc, vals, counts, MAX_MARKERS);
    for (size_t i = 0; i < nv; i++)
        if (fresh(s, vals[i], counts[i], t))
            c->markers[c->n_markers++] = vals[i];
    /* Share of the window's posts carrying a marker, and their distinct accounts. */
    struct alert probe = { .link_key = c->link, .n_markers = c->n_markers };
    memcpy(probe.markers, c->markers, sizeof(c->markers));
    size_t marked = 0;
    m = 0;
    for (size_t i = 0; i < n; i++) {
        const struct rpost *p = &s->ring[k->q[k->q_head + i] & (s->cap_ring - 1)];
        if (alert_marked(&probe, p)) {
            marked++;
            s->scratch[m++] = p->account;
        }
    }
    qsort(s->scratch, m, sizeof(uint64_t), cmp_u64);
    for (size_t i = 0; i < m; i++)
        c->accounts += i == 0 || s->scratch[i] != s->scratch[i - 1];
    c->share = n ? (double)marked / (double)n : 0;
    return VG_OK;
}

/* An open alert whose markers the check found (the same link, or a shared text sketch): the
 * burst is the same campaign under another of its hashtags. */
static struct alert *same_campaign(struct vg_storms *s, const struct key *k, const struct check *c)
{
    for (size_t i = 0; i < s->n_alerts; i++) {
        struct alert *a = &s->alerts[i];
        if (!a->open)
            continue;
        if (c->link && c->link == a->link_key)
            return a;
        /* A hashtag of the storm's own texts: its window carries the storm's link, though by
         * fewer accounts than make a marker. */
        uint32_t with_link = 0;
        for (uint32_t q = 0; q < k->q_n && a->link_key; q++)
            with_link += s->ring[k->q[k->q_head + q] & (s->cap_ring - 1)].url == a->link_key;
        if (with_link >= 2)
            return a;
        for (uint32_t m = 0; m < c->n_markers; m++)
            for (uint32_t n = 0; n < a->n_markers; n++)
                if (c->markers[m] == a->markers[n])
                    return a;
    }
    return NULL;
}

static vg_status raise_alert(struct vg_storms *s, struct key *k, const struct vg_post *post,
                             const char *tag, const struct check *c, int64_t t, double lam,
                             double score)
{
    if (s->n_alerts == s->cap_alerts) {
        size_t cap = s->cap_alerts ? 2 * s->cap_alerts : 16;
        struct alert *p = vg_realloc(s->alerts, cap * sizeof(*p));
        if (!p)
            return VG_ENOMEM;
        s->alerts = p;
        s->cap_alerts = cap;
    }
    struct alert *a = &s->alerts[s->n_alerts];
    memset(a, 0, sizeof(*a));
    a->id = s->n_alerts + 1;
    a->tag_key = k->h;
    a->tag_keys[0] = k->h;
    a->joined_at[0] = t;
    a->n_tags = 1;
    a->link_key = c->link;
    a->n_markers = c->n_markers;
    memcpy(a->markers, c->markers, sizeof(a->markers));
    a->detected_at = t;
    a->window_posts = k->q_n;
    a->expected = lam;
    a->log10_p = score;
    a->coord_share = c->share;
    a->open = 1;
    a->last_seq = UINT64_MAX;
    a->onset = s->ring[k->q[k->q_head] & (s->cap_ring - 1)].at;
    if (!(a->tag = vg_strdup(tag)) || !(a->sample = vg_strdup(post->text ? post->text : "")))
        goto fail;
    a->tags[0] = a->tag;
    for (size_t i = 0; i < post->urls.n && c->link && !a->link; i++)
        if (key_hash(KEY_URL, post->urls.v[i], strlen(post->urls.v[i])) == c->link &&
            !(a->link = vg_strdup(post->urls.v[i])))
            goto fail;
    s->n_alerts++;
    k->alert = (uint32_t)s->n_alerts;
    vg_status rc = VG_OK;
    for (uint32_t i = 0; i < k->q_n && !rc; i++) {
        const struct rpost *p = &s->ring[k->q[k->q_head + i] & (s->cap_ring - 1)];
        alert_count(a, p->at);
        if (alert_marked(a, p))
            rc = alert_add_account(a, p->account);
    }
    a->last_seq = k->q[k->q_head + k->q_n - 1]; /* the post that raised it */
    return rc ? rc : emit(s, a);
fail:
    vg_free(a->tag);
    vg_free(a->sample);
    vg_free(a->link);
    return VG_ENOMEM;
}

/* ---- feeding --------------------------------------------------------------------------------- */

vg_status vg_storms_new(const struct vg_storm_opts *o, vg_storms **out)
{
    *out = NULL;
    struct vg_storm_opts d;
    if (!o) {
        vg_storm_opts_init(&d);
        o = &d;
    }
    if (!(o->window_minutes >= 1 && o->window_minutes <= 1440) ||
        !(o->baseline_hours >= 1 && o->baseline_hours <= 24 * 365) ||
        !(o->prior_per_day > 0 && o->prior_per_day <= 1e6) || !(o->burst_log10p >= 0) ||
        !(o->fresh_log10p >= 0) || !(o->coord_share >= 0 && o->coord_share <= 1) ||
        o->min_accounts < 2 || !(o->close_minutes >= 1 && o->close_minutes <= 7 * 1440))
        return VG_EINVAL;
    struct vg_storms *s = vg_calloc(1, sizeof(*s));
    if (!s)
        return VG_ENOMEM;
    s->o = *o;
    s->window = o->window_minutes * 60;
    s->tau = o->baseline_hours * 3600;
    s->close = o->close_minutes * 60;
    s->t_first = s->t_last = VG_TIME_UNKNOWN;
    vg_arena_init(&s->arena, 1 << 16, SIZE_MAX);
    s->cap_keys = 1024;
    s->key_bits = 10;
    s->cap_ring = 1024;
    s->keys = vg_calloc(s->cap_keys, sizeof(*s->keys));
    s->ring = vg_malloc(s->cap_ring * sizeof(*s->ring));
    if (!s->keys || !s->ring) {
        vg_storms_free(s);
        return VG_ENOMEM;
    }
    *out = s;
    return VG_OK;
}

void vg_storms_free(vg_storms *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->cap_keys; i++)
        if (s->keys[i].h)
            vg_free(s->keys[i].q);
    vg_free(s->keys);
    vg_free(s->ring);
    for (size_t i = 0; i < s->n_alerts; i++) {
        struct alert *a = &s->alerts[i];
        for (uint32_t j = 0; j < a->n_tags; j++)
            vg_free(a->tags[j]);
        vg_free(a->link);
        vg_free(a->sample);
        vg_free(a->acc);
        vg_free(a->set);
    }
    vg_free(s->alerts);
    vg_free(s->acc_name);
    vg_free(s->acc_slot);
    vg_free(s->scratch);
    vg_free(s->names);
    vg_arena_release(&s->arena);
    vg_free(s);
}

/* A hashtag key after its post: update the open alert, or test for a storm. */
static vg_status tag_after_post(struct vg_storms *s, struct key *k, const struct vg_post *post,
                                const char *tag, const struct rpost *p, uint64_t seq, int64_t t)
{
    if (k->alert) {
        struct alert *a = &s->alerts[k->alert - 1];
        if (a->last_seq == seq)
            return VG_OK;
        a->last_seq = seq;
        alert_count(a, t);
        vg_status rc = VG_OK;
        if (alert_marked(a, p)) {
            rc = alert_add_account(a, p->account);
            for (size_t i = 0; i < post->urls.n && !rc && a->link_key && !a->link; i++)
                if (key_hash(KEY_URL, post->urls.v[i], strlen(post->urls.v[i])) == a->link_key &&
                    !(a->link = vg_strdup(post->urls.v[i])))
                    rc = VG_ENOMEM;
        }
        return rc;
    }
    if (k->q_n < s->o.min_accounts || t < k->next_check ||
        (s->o.alerts_from != VG_TIME_UNKNOWN && t < s->o.alerts_from))
        return VG_OK;
    /* Without a window of history before the window, nothing is unusual yet. */
    if ((double)(t - s->t_first) < 2 * s->window)
        return VG_OK;
    double n = (double)k->q_n;
    double lam = expected(s, k, t, n);
    double score = vg__storm_poisson_log10_tail(n, lam);
    if (score < s->o.burst_log10p)
        return VG_OK;
    /* A burst: is it coordinated? At most every 30 s of stream time per hashtag, so a large
     * organic trend costs a few checks a minute, not one per post. */
    k->next_check = t + 30;
    struct check c;
    vg_status rc = coordination(s, k, t, &c);
    if (rc || c.share < s->o.coord_share || c.accounts < s->o.min_accounts)
        return rc;
    struct alert *a = same_campaign(s, k, &c);
    if (!a)
        return raise_alert(s, k, post, tag, &c, t, lam, score);
    /* Another hashtag of an open storm: it joins that alert, whose accounts it feeds from now. */
    if (a->n_tags < MAX_TAGS) {
        if (!(a->tags[a->n_tags] = vg_strdup(tag)))
            return VG_ENOMEM;
        a->joined_at[a->n_tags] = t;
        a->tag_keys[a->n_tags++] = k->h;
        k->alert = (uint32_t)(a - s->alerts) + 1;
    }
    return VG_OK;
}

vg_status vg_storms_feed(vg_storms *s, const struct vg_post *post)
{
    if (!s || !post || !post->account)
        return VG_EINVAL;
    int64_t t = post->created_at;
    if (s->t_last != VG_TIME_UNKNOWN && t < s->t_last)
        return VG_EINVAL;
    if (s->t_first == VG_TIME_UNKNOWN) {
        s->t_first = t;
        s->next_sweep = t + SWEEP_EVERY;
        s->tod_day = t / 86400;
    }
    s->t_last = t;
    s->posts++;
    vg_status rc = VG_OK;
    if (t >= s->next_sweep) {
        s->next_sweep = t + SWEEP_EVERY;
        if ((rc = close_quiet(s, t)) || (rc = sweep(s, t)))
            return rc;
    }
    if (t / 86400 != s->tod_day) {
        /* The time-of-day profile forgets with a time constant of a week. The stream's first
         * day is partial (it began during it) and is left out. */
        int whole = s->tod_day != s->t_first / 86400;
        for (int h = 0; h < 24; h++) {
            s->tod[h] = s->tod[h] * exp(-1.0 / 7) + (whole ? s->today[h] : 0);
            s->today[h] = 0;
        }
        s->tod_days += whole;
        s->tod_day = t / 86400;
    }
    s->today[(t % 86400 + 86400) % 86400 / 3600] += 1;

    struct rpost p = { .at = t, .repost = post->repost_of != NULL };
    if ((rc = account_index(s, post->account, &p.account)))
        return rc;
    p.has_sketch = vg__storm_sketch(post->text, p.sketch) >= VG_STORM_MIN_WORDS;
    for (size_t i = 0; i < post->urls.n; i++) {
        const char *u = post->urls.v[i];
        uint64_t h = key_hash(KEY_URL, u, strlen(u));
        if (!p.url)
            p.url = h;
        struct key *k = key_get(s, h, KEY_URL);
        if (!k)
            return VG_ENOMEM;
        key_bump(s, k, t);
        const char *host;
        size_t hl = vg__storm_domain(u, &host);
        if (hl) {
            char d[TAG_MAX];
            size_t n = vg__storm_tag_norm(host, d, hl + 1 < sizeof(d) ? hl + 1 : sizeof(d));
            if (!(k = key_get(s, key_hash(KEY_DOMAIN, d, n), KEY_DOMAIN)))
                return VG_ENOMEM;
            key_bump(s, k, t);
        }
    }
    if (p.has_sketch && !p.repost)
        for (int i = 0; i < VG_STORM_SKETCH; i++) {
            struct key *k = key_get(s, p.sketch[i], KEY_TEXT);
            if (!k)
                return VG_ENOMEM;
            key_bump(s, k, t);
        }
    uint64_t seq = 0;
    if (post->hashtags.n && (rc = ring_push(s, &p, &seq)))
        return rc;
    for (size_t i = 0; i < post->hashtags.n && !rc; i++) {
        char tag[TAG_MAX];
        size_t n = vg__storm_tag_norm(post->hashtags.v[i], tag, sizeof(tag));
        if (!n)
            continue;
        uint64_t h = key_hash(KEY_TAG, tag, n);
        /* the same tag twice in one post counts once */
        int dup = 0;
        for (size_t j = 0; j < i && !dup; j++) {
            char other[TAG_MAX];
            size_t m = vg__storm_tag_norm(post->hashtags.v[j], other, sizeof(other));
            dup = m == n && !memcmp(other, tag, n);
        }
        if (dup)
            continue;
        struct key *k = key_get(s, h, KEY_TAG);
        if (!k)
            return VG_ENOMEM;
        key_bump(s, k, t);
        if (!(rc = key_push(s, k, seq, t)))
            rc = tag_after_post(s, k, post, tag, &p, seq, t);
    }
    return rc;
}

vg_status vg_storms_finish(vg_storms *s)
{
    vg_status rc = VG_OK;
    for (size_t i = 0; s && i < s->n_alerts && !rc; i++)
        if (s->alerts[i].open)
            rc = alert_close(s, &s->alerts[i]);
    return rc;
}

void vg_storms_stats(const vg_storms *s, struct vg_storms_stats *out)
{
    memset(out, 0, sizeof(*out));
    if (!s)
        return;
    out->posts = s->posts;
    out->alerts = s->n_alerts;
    out->keys = s->n_keys;
    out->peak_keys = s->peak_keys;
}

/* ---- JSON ------------------------------------------------------------------------------------ */

vg_status vg_storm_alert_json(const struct vg_storm_alert *a, char **json)
{
    *json = NULL;
    struct vg_buf b;
    vg_buf_init(&b, 256u << 20);
    char t1[21], t2[21], t3[21];
    vg_status rc = vg_buf_printf(&b, "{\"alert\":\"%s\",\"id\":%llu,\"hashtag\":",
                                 a->final ? "storm_end" : "storm", (unsigned long long)a->id);
    if (!rc)
        rc = vg_buf_json_str(&b, a->hashtag, strlen(a->hashtag));
    if (!rc)
        rc = vg_buf_puts(&b, ",\"hashtags\":[");
    for (size_t i = 0; i < a->n_hashtags && !rc; i++) {
        if (i)
            rc = vg_buf_putc(&b, ',');
        if (!rc)
            rc = vg_buf_json_str(&b, a->hashtags[i], strlen(a->hashtags[i]));
    }
    if (!rc)
        rc = vg_buf_puts(&b, "],\"joined_at\":[");
    for (size_t i = 0; i < a->n_hashtags && !rc; i++)
        rc = vg_buf_printf(&b, "%s\"%s\"", i ? "," : "", vg_time_format(a->joined_at[i], t1));
    if (!rc)
        rc = vg_buf_puts(&b, "],\"link\":");
    if (!rc)
        rc = a->link ? vg_buf_json_str(&b, a->link, strlen(a->link)) : vg_buf_puts(&b, "null");
    if (!rc)
        rc = vg_buf_printf(&b,
                           ",\"onset\":\"%s\",\"detected_at\":\"%s\",\"delay_s\":%lld,"
                           "\"last_at\":\"%s\",\"posts\":%llu,\"window_posts\":%llu,"
                           "\"expected\":%.4g,\"log10_p\":%.1f,\"coord_share\":%.3f,"
                           "\"copy_markers\":%u,\"n_accounts\":%zu,\"growth_10min\":[",
                           vg_time_format(a->onset, t1), vg_time_format(a->detected_at, t2),
                           (long long)(a->detected_at - a->onset), vg_time_format(a->last_at, t3),
                           (unsigned long long)a->posts, (unsigned long long)a->window_posts,
                           a->expected, a->log10_p, a->coord_share, a->copy_markers, a->n_accounts);
    for (size_t i = 0; i < a->n_growth && !rc; i++)
        rc = vg_buf_printf(&b, "%s%u", i ? "," : "", a->growth[i]);
    if (!rc)
        rc = vg_buf_puts(&b, "],\"sample_text\":");
    if (!rc)
        rc = vg_buf_json_str(&b, a->sample_text ? a->sample_text : "",
                             a->sample_text ? strlen(a->sample_text) : 0);
    if (!rc)
        rc = vg_buf_puts(&b, ",\"accounts\":[");
    for (size_t i = 0; i < a->n_accounts && !rc; i++) {
        if (i)
            rc = vg_buf_putc(&b, ',');
        if (!rc)
            rc = vg_buf_json_str(&b, a->accounts[i], strlen(a->accounts[i]));
    }
    if (!rc)
        rc = vg_buf_puts(&b, "]}");
    if (rc) {
        vg_buf_release(&b);
        return rc;
    }
    *json = vg_buf_take(&b);
    return VG_OK;
}
