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
 * of the hashtag carrying a marker adds its account; the alert ends after close_minutes in which
 * its hashtag was silent or back to the rate expected of it before the storm (a habitual hashtag
 * that burst once keeps its copied texts: without this its alert took in every ordinary account
 * for the rest of the data). Another hashtag bursting with an open alert's markers joins that
 * alert. A copy alert also learns the texts that two of its accounts post on its hashtag, and
 * takes in the accounts that repeat them: a campaign's later variants share no band with the
 * markers found at detection.
 *
 * Co-retweets count two ways: originals retweeted by two accounts of the window, and, on a new
 * hashtag, the window's own originals retweeted within it, far more than the stream's rate of
 * retweets per original (learnt from the stream, with how soon after their original retweets
 * come) predicts (fast_coretweets); when that evidence is beyond burst_log10p, a storm needs
 * only min_shared_accounts accounts, not min_accounts (is_coordinated). Before the stream
 * has two windows of history (the warm-up) no hashtag has a baseline: a hashtag is then
 * compared with its own posts since the stream began, and the traces that need no baseline
 * (co-retweets, waves) are checked even without a burst.
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
#define MAX_MARKERS 64
#define GROWTH_STEP 600 /* seconds per growth bucket */
#define GROWTH_MAX  288 /* two days of buckets */
#define SWEEP_EVERY 3600
#define TAG_MAX     256
#define MAX_TAGS    8   /* hashtags one alert names: its own and those that joined it */
#define MAX_TEXTS   256 /* texts a copy alert keeps of its accounts' posts (alert_learn_text) */
#define RT_AGE_BINS 6   /* bins of a window for the age of retweets (rt_exposure) */
#define NOVEL_TAG                                                                                  \
    0.5 /* a hashtag is new when its baseline expects at most this many                            \
           posts in a window */

enum key_kind {
    KEY_TAG = 1,
    KEY_URL,
    KEY_DOMAIN,
    KEY_TEXT,
    KEY_PAIR, /* two hashtags adjacent in a post, in order */
    KEY_RT    /* the original a repost reposts */
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
    uint8_t warm_only; /* the last check was a warm-up check without a burst (CHECK_WARM) */
};

/* A post of the last window. */
struct rpost {
    int64_t at;
    uint32_t account;
    uint8_t repost, has_sketch, n_pairs;
    uint8_t novel_pairs; /* bit i: both hashtags of pair[i] were new to the stream */
    uint8_t sync;        /* found in a synchronised wave of one of its hashtags */
    uint32_t alert_id;   /* the alert that counted it last + 1, 0 when none */
    uint32_t own_alert;  /* the alert whose own hashtag (not a joined one) it carries + 1 */
    uint64_t url;        /* key hash of its first link, 0 when none */
    uint64_t sketch[VG_STORM_SKETCH];
    uint64_t pair[VG_STORM_PAIRS];         /* hashtag pairs (not of reposts) */
    uint64_t pair_tags[VG_STORM_PAIRS][2]; /* the KEY_TAG keys of each pair's hashtags */
    uint64_t text_fp; /* its distinct words (vg__storm_sketch), 0 for reposts and short texts */
    uint64_t rt;      /* a repost: key hash (KEY_RT) of its original; 0 for posts of one's own */
    uint64_t self;    /* a post of one's own: the key its reposts carry as rt */
};

/* A text posted on a copy alert's own hashtag by accounts of the alert (alert_learn_text). */
struct alert_text {
    uint64_t fp;    /* rpost.text_fp */
    uint32_t first; /* the first account of the alert that posted it */
    int learnt;     /* a second account of the alert posted it: the storm's text */
};

struct alert {
    uint64_t id, tag_key;
    size_t n_told; /* accounts reported (on_alert, on_join) so far */
    char *tag, *link, *sample;
    char *tags[MAX_TAGS]; /* tags[0] = tag; then hashtags whose burst carried its markers */
    uint64_t tag_keys[MAX_TAGS];
    int64_t joined_at[MAX_TAGS];
    uint32_t n_tags;
    uint64_t link_key;
    uint64_t markers[MAX_MARKERS]; /* text sketches, hashtag pairs, co-retweeted originals */
    uint32_t n_markers;
    uint32_t text_markers, pair_markers, rt_markers;
    int sync; /* the storm posts in synchronised waves */
    int64_t onset, detected_at, last_at;
    int64_t live_at;   /* the last post of its own hashtag while that was above live_above */
    double live_above; /* posts a window of its own hashtag holds while the storm lasts */
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
    struct alert_text texts[MAX_TEXTS];
    uint32_t n_texts;
    int64_t next_texts; /* earliest time its hashtag's window is gone over again for texts */
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
    /* The originals of the ring by their `self` key: slot -> ring sequence + 1 (0 = empty),
     * 2 cap_ring slots; a slot is overwritten on collision (it only feeds a rate). */
    uint64_t *recent;

    /* How many retweets an original gets within a window, over the stream: exponentially
     * weighted counts (time constant baseline_hours) of originals with hashtags and of
     * retweets whose original is still in the ring ("fast"), both at rt_last. */
    double orig_acc, fast_acc;
    /* The fast retweets by their age (time since their original) in RT_AGE_BINS bins of the
     * window, weighted likewise: how soon after its original a retweet comes (rt_exposure). */
    double age_acc[RT_AGE_BINS];
    int64_t rt_last;

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

unsigned vg__storm_sketch(const char *text, uint64_t out[VG_STORM_SKETCH], uint64_t *text_fp)
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
    uint64_t fp = 0; /* a sum of the distinct words' hashes: the order does not count */
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
            fp += mix64(h + 0x632be59bd9b4e019ull);
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
    *text_fp = fp ? fp : 1;
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

/* The stream's rate of retweets per original within a window before it has said much: 0.05,
 * about what the generated worlds show (c21: 6,693 retweets within 30 minutes of 137,149
 * originals with hashtags, most of them in organic bursts), weighing as 100 originals. */
#define RT_PRIOR_RATE   0.05
#define RT_PRIOR_WEIGHT 100

static size_t recent_slot(const struct vg_storms *s, uint64_t self)
{
    return (size_t)(mix64(self) & (2 * s->cap_ring - 1));
}

/* Index the original at ring sequence seq by its self key. */
static void recent_put(struct vg_storms *s, uint64_t seq)
{
    const struct rpost *p = &s->ring[seq & (s->cap_ring - 1)];
    if (p->self)
        s->recent[recent_slot(s, p->self)] = seq + 1;
}

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
        uint64_t *recent = vg_calloc(2 * cap, sizeof(*recent));
        if (!recent) {
            vg_free(r);
            return VG_ENOMEM;
        }
        for (uint64_t q = s->ring_first; q < s->ring_next; q++)
            r[q & (cap - 1)] = s->ring[q & (s->cap_ring - 1)];
        vg_free(s->ring);
        vg_free(s->recent);
        s->ring = r;
        s->recent = recent;
        s->cap_ring = cap;
        for (uint64_t q = s->ring_first; q < s->ring_next; q++)
            recent_put(s, q);
    }
    *seq = s->ring_next++;
    s->ring[*seq & (s->cap_ring - 1)] = *p;
    recent_put(s, *seq);
    return VG_OK;
}

/* The original whose `self` key is rt when it is still in the ring and within the window of
 * t, or NULL (also when its slot was taken by another original since). */
static const struct rpost *recent_find(const struct vg_storms *s, uint64_t rt, int64_t t)
{
    uint64_t v = s->recent[recent_slot(s, rt)];
    if (!v || v - 1 < s->ring_first || v - 1 >= s->ring_next)
        return NULL;
    const struct rpost *p = &s->ring[(v - 1) & (s->cap_ring - 1)];
    return p->self == rt && p->at > t - (int64_t)s->window ? p : NULL;
}

/* Count a post in the stream's retweet rate: an original (with hashtags), or a retweet of an
 * original posted within the window (fast). */
static void rt_rate_count(struct vg_storms *s, int64_t t, int original, const struct rpost *fast)
{
    double d = s->rt_last == VG_TIME_UNKNOWN ? 1 : exp(-(double)(t - s->rt_last) / s->tau);
    s->orig_acc = s->orig_acc * d + original;
    s->fast_acc = s->fast_acc * d + (fast != NULL);
    for (int b = 0; b < RT_AGE_BINS; b++)
        s->age_acc[b] *= d;
    if (fast) {
        size_t b = (size_t)((double)(t - fast->at) * RT_AGE_BINS / s->window);
        s->age_acc[b < RT_AGE_BINS ? b : RT_AGE_BINS - 1] += 1;
    }
    s->rt_last = t;
}

/* Retweets an original gets within a window, over the stream, with RT_PRIOR_WEIGHT originals
 * of the prior RT_PRIOR_RATE (so the first posts of a stream do not decide it alone). */
static double rt_rate(const struct vg_storms *s)
{
    return (s->fast_acc + RT_PRIOR_RATE * RT_PRIOR_WEIGHT) / (s->orig_acc + RT_PRIOR_WEIGHT);
}

/* The share of an original's retweets within a window that come within `age` seconds of it,
 * learnt from the stream's fast retweets (age_acc; the prior's retweets spread evenly over the
 * window), linear within a bin. An age under a minute counts as a minute: a few retweets
 * within seconds of a fresh original are no rate (as warm_burst's first minute). */
static double rt_exposure(const struct vg_storms *s, double age)
{
    double bin = s->window / RT_AGE_BINS, prior = RT_PRIOR_RATE * RT_PRIOR_WEIGHT / RT_AGE_BINS;
    double all = s->fast_acc + RT_PRIOR_RATE * RT_PRIOR_WEIGHT, below = 0;
    if (age < 60)
        age = 60;
    for (int b = 0; b < RT_AGE_BINS; b++) {
        double in = (s->age_acc[b] + prior) * (age >= (b + 1) * bin ? 1 : (age - b * bin) / bin);
        if (in <= 0)
            break;
        below += in;
    }
    return below < all ? below / all : 1;
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

static int has_marker(const struct alert *a, uint64_t v)
{
    for (uint32_t m = 0; m < a->n_markers; m++)
        if (a->markers[m] == v)
            return 1;
    return 0;
}

/* Whether post p carries one of the alert's traces: its link, a synchronised wave, a text
 * sketch or hashtag pair among its markers (posts of one's own), or the original of a repost
 * among its markers (co-retweet). */
static int alert_marked(const struct alert *a, const struct rpost *p)
{
    if (a->link_key && p->url == a->link_key)
        return 1;
    if (a->sync && p->sync)
        return 1;
    if (p->repost)
        return p->rt && has_marker(a, p->rt);
    if (a->rt_markers && has_marker(a, p->self))
        return 1; /* the author of an original the storm retweets */
    for (int i = 0; i < VG_STORM_SKETCH && p->has_sketch; i++)
        if (has_marker(a, p->sketch[i]))
            return 1;
    for (int i = 0; i < p->n_pairs; i++)
        if (has_marker(a, p->pair[i]))
            return 1;
    return 0;
}

/* Report the alert to on_alert, or (join) its accounts from `from` on to on_join. */
static vg_status emit_to(struct vg_storms *s, struct alert *a, int join, size_t from)
{
    if (join ? !s->o.on_join : !s->o.on_alert)
        return VG_OK;
    a->n_told = a->n_acc;
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
        .copy_markers = a->text_markers,
        .sequence_markers = a->pair_markers,
        .coretweet_markers = a->rt_markers,
        .synchronised = a->sync,
        .accounts = s->names,
        .n_accounts = a->n_acc,
        .growth = a->growth,
        .n_growth = a->n_growth,
    };
    if (join)
        s->o.on_join(&pub, from, s->o.ud);
    else
        s->o.on_alert(&pub, s->o.ud);
    return VG_OK;
}

static vg_status emit(struct vg_storms *s, struct alert *a)
{
    return emit_to(s, a, 0, 0);
}

/* An open alert already reported that has gained accounts since: on_join hears of them. */
static vg_status tell_joined(struct vg_storms *s, struct alert *a)
{
    if (!s->o.on_join || !a->open || !a->n_told || a->n_acc <= a->n_told)
        return VG_OK;
    return emit_to(s, a, 1, a->n_told);
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

/* The window count above which a storm's own hashtag still runs above the rate expected of it
 * when the alert was raised (lam per window): three standard deviations and one post over it. */
static double live_count(double lam)
{
    return lam + 3 * sqrt(lam) + 1;
}

/* Close the alerts whose hashtag has been silent, or back to its expected rate, for
 * close_minutes before t. */
static vg_status close_quiet(struct vg_storms *s, int64_t t)
{
    vg_status rc = VG_OK;
    for (size_t i = 0; i < s->n_alerts && !rc; i++)
        if (s->alerts[i].open && t - s->alerts[i].live_at > (int64_t)s->close)
            rc = alert_close(s, &s->alerts[i]);
    return rc;
}

/* ---- the coordination check ------------------------------------------------------------------ */

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
    uint64_t markers[MAX_MARKERS]; /* fresh shared text sketches, hashtag pairs, originals */
    uint32_t n_markers, text_markers, pair_markers, rt_markers;
    int sync;          /* some of the window's posts came in synchronised waves */
    double share;      /* share of the window's posts that carry a trace */
    uint32_t accounts; /* distinct accounts of those posts */
    double rt_log10p;  /* evidence of the co-retweets within minutes (fast_coretweets) */
};

static int has_check_marker(const struct check *c, uint64_t v)
{
    for (uint32_t m = 0; m < c->n_markers; m++)
        if (c->markers[m] == v)
            return 1;
    return 0;
}

/* The values that at least min_acc distinct accounts carry, among n (value, account) pairs laid
 * out as 2n words; their post counts go to counts. Returns how many qualify (at most max). */
static size_t shared_values(uint64_t *pairs, size_t n, uint32_t min_acc, uint64_t *vals,
                            double *counts, size_t max)
{
    /* Sort the pairs as 16-byte records by their first word, the value. */
    qsort(pairs, n, 2 * sizeof(uint64_t), vg_cmp_u64);
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

static const struct rpost *window_post(const struct vg_storms *s, const struct key *k, size_t i)
{
    return &s->ring[k->q[k->q_head + i] & (s->cap_ring - 1)];
}

/* ---- the warm-up: the stream's first two windows ---------------------------------------------
 *
 * A hashtag's baseline needs history: before the stream has a window of it before the window,
 * every hashtag is unseen, a habitual one as much as a storm's, and the prior rate of an unseen
 * key would make every busy hashtag burst. So during the warm-up the burst test compares a
 * hashtag with itself: its posts since the stream began, N, of which n came in its window,
 * over the h seconds before the window's first post and the d seconds since. Under a constant
 * rate the window holds Binomial(N, d / (h + d)) of them; a storm that starts some minutes into
 * the stream (silent for h, then n posts in d) is improbable, a habitual hashtag posted since
 * the start is not. The tail is bounded by Chernoff's (N times the relative entropy; exact
 * when N = n), which errs towards "no burst". A storm that starts with the stream itself has no
 * silence to show: it is found only by the traces that need no baseline (CHECK_WARM). */

static int warm_up(const struct vg_storms *s, int64_t t)
{
    return (double)(t - s->t_first) < 2 * s->window;
}

/* Posts of k before its window, scaled to a window of the time the stream ran before it
 * (at least a window): what its baseline would expect, by the warm-up's evidence. */
static double warm_before(const struct vg_storms *s, const struct key *k, int64_t t)
{
    double before = decayed(s, k, t) - (double)k->q_n;
    double h = (double)(window_post(s, k, 0)->at - s->t_first);
    return before > 0 ? before * s->window / (h > s->window ? h : s->window) : 0;
}

/* -log10 P of k's window under its own rate since the stream began (the comment above). */
static double warm_burst(const struct vg_storms *s, const struct key *k, int64_t t)
{
    double n = (double)k->q_n, before = decayed(s, k, t) - n;
    double h = (double)(window_post(s, k, 0)->at - s->t_first);
    double d = (double)(t - window_post(s, k, 0)->at);
    if (d < 60)
        d = 60; /* the posts of one minute are no rate */
    double all = n + (before > 0 ? before : 0), p = d / (h + d), f = n / all;
    if (f <= p)
        return 0;
    double kl = f * log(f / p) + (f < 1 ? (1 - f) * log((1 - f) / (1 - p)) : 0);
    return all * kl / M_LN10;
}

static uint32_t min_shared_accounts(const struct vg_storms *s)
{
    return s->o.min_accounts / 2 > 3 ? s->o.min_accounts / 2 : 3;
}

/* Distinct accounts of the window posts lo..hi-1 of k (a wave is small: a quadratic scan). */
static uint32_t distinct_accounts(const struct vg_storms *s, const struct key *k, size_t lo,
                                  size_t hi)
{
    uint32_t n = 0;
    for (size_t i = lo; i < hi; i++) {
        int dup = 0;
        for (size_t j = lo; j < i && !dup; j++)
            dup = window_post(s, k, j)->account == window_post(s, k, i)->account;
        n += !dup;
    }
    return n;
}

/* -log10 P of a wave: `wave` posts within a span of 2 SYNC_HALF + 1 s, against `bg` posts of
 * the same hashtag seen over `covered` seconds around it (outside the wave). The background
 * rate is floored at one post in 10 minutes, so that a quiet hashtag's first posts (a handful
 * within seconds, as when a thread is posted) are not a wave by themselves. */
static double wave_score(double wave, double bg, double covered)
{
    const double len = 2 * VG_STORM_SYNC_HALF + 1;
    double rate = bg / (covered > 60 ? covered : 60);
    if (rate < 1.0 / 600)
        rate = 1.0 / 600;
    return vg__storm_poisson_log10_tail(wave, rate * len);
}

/* Synchronised timing (Pacheco et al. 2021): a post whose wave (the hashtag's posts within
 * +-SYNC_HALF s) holds at least min_shared_accounts distinct accounts and is improbable
 * (tail below 10^-fresh_log10p) under the hashtag's own rate around it (+-SYNC_AROUND s, the
 * wave left out). Such posts are flagged `sync` in the ring; the other posts of their waves
 * are not: a post up to SYNC_HALF s off a scheduled release is in the release's wave, but its
 * own wave holds only the edge of the release (an ordinary account that posts the hashtag 8 s
 * after it is not synchronised with it). The window's posts are in time order, so both
 * neighbourhoods are found with moving bounds. */
static void mark_sync(struct vg_storms *s, const struct key *k, int64_t now, struct check *c)
{
    size_t n = k->q_n, lo = 0, hi = 0, alo = 0, ahi = 0;
    int64_t first = window_post(s, k, 0)->at;
    for (size_t i = 0; i < n; i++) {
        int64_t t = window_post(s, k, i)->at;
        while (window_post(s, k, lo)->at < t - VG_STORM_SYNC_HALF)
            lo++;
        while (hi < n && window_post(s, k, hi)->at <= t + VG_STORM_SYNC_HALF)
            hi++;
        while (window_post(s, k, alo)->at < t - VG_STORM_SYNC_AROUND)
            alo++;
        while (ahi < n && window_post(s, k, ahi)->at <= t + VG_STORM_SYNC_AROUND)
            ahi++;
        double wave = (double)(hi - lo);
        if (wave < min_shared_accounts(s))
            continue;
        /* The neighbourhood seen: not before the window's first post, not after now. */
        int64_t from = t - VG_STORM_SYNC_AROUND < first ? first : t - VG_STORM_SYNC_AROUND;
        int64_t to = t + VG_STORM_SYNC_AROUND > now ? now : t + VG_STORM_SYNC_AROUND;
        double covered = (double)(to - from) - (2 * VG_STORM_SYNC_HALF + 1);
        if (wave_score(wave, (double)(ahi - alo) - wave, covered) < s->o.fresh_log10p ||
            distinct_accounts(s, k, lo, hi) < min_shared_accounts(s))
            continue;
        s->ring[k->q[k->q_head + i] & (s->cap_ring - 1)].sync = 1;
        c->sync = 1;
    }
}

/* Retweeters that make an original a co-retweet marker, and originals needed (authors, in the
 * test within minutes: fast_coretweets). */
#define RT_ACCOUNTS  2
#define RT_ORIGINALS 3

/* Distinct accounts of value v among the n sorted (value, account) pairs. */
static uint32_t distinct_of(const uint64_t *pairs, size_t n, uint64_t v)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pairs[2 * mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    uint32_t d = 0;
    for (size_t i = lo; i < n && pairs[2 * i] == v; i++) {
        int dup = 0;
        for (size_t j = lo; j < i && !dup; j++)
            dup = pairs[2 * j + 1] == pairs[2 * i + 1];
        d += !dup;
        if (i - lo > 4096)
            break;
    }
    return d;
}

/* Co-retweets within minutes. Pacheco et al. (2021) find co-retweeting accounts by the sets of
 * originals they retweet; a campaign's first minutes show it as many accounts retweeting the
 * same few new originals, which ordinary posts seldom get: an original of the stream is
 * retweeted rho times within a window on average (rt_rate, learnt from the stream). An original
 * posted `age` seconds ago has had only part of that time: it expects mu = rho F(age) retweets
 * so far, F the share of the stream's fast retweets that come within age of their original
 * (rt_exposure; before the seventh session every original expected rho, as if a window old,
 * which made a storm's first minutes look ordinary).
 * The unit of the test is the author, not the original (eighth session): one account's audience
 * retweets all its posts, so many retweets of one account's few posts say that the account is
 * followed, not that its retweeters act together (a real cricket stream: 44 fans retweeting two
 * posts of a team account read as a storm at 10^-184). An author of the window's
 * originals expects mu, the sum of its originals' mu, and is retweeted with q = 1 - e^-mu. Of
 * the A authors of originals posted on k within its window, D were retweeted in it (Poisson,
 * mean the sum of their q), and an author whose originals j accounts retweeted has
 * P(X >= j | X >= 1). The evidence is the sum of the -log10 of these tails; an organic trend's
 * retweets spread over many authors, A is large and few are retweeted twice. Returns the
 * evidence; the retweeted originals go to out (at most max), their number to *n_out. The
 * scratch must hold 6 words per window post. */
static double fast_coretweets(struct vg_storms *s, const struct key *k, uint64_t *out, size_t max,
                              size_t *n_out)
{
    size_t n = k->q_n, n_orig = 0, n_auth = 0, m = 0;
    /* (self, author) of the window's originals, (author, mu) of their authors, and (author,
     * retweeter) of the retweets of them */
    uint64_t *orig = s->scratch, *auth = s->scratch + 2 * n, *pairs = s->scratch + 4 * n;
    double rho = rt_rate(s), now = (double)s->t_last, mean_hit = 0, again = 0;
    *n_out = 0;
    for (size_t i = 0; i < n; i++) {
        const struct rpost *p = window_post(s, k, i);
        if (!p->repost && p->self) {
            double mu = rho * rt_exposure(s, now - (double)p->at);
            orig[2 * n_orig] = p->self;
            orig[2 * n_orig + 1] = auth[2 * n_orig] = p->account;
            memcpy(&auth[2 * n_orig + 1], &mu, sizeof(mu));
            n_orig++;
        }
    }
    if (!n_orig)
        return 0;
    qsort(orig, n_orig, 2 * sizeof(*orig), vg_cmp_u64);
    qsort(auth, n_orig, 2 * sizeof(*auth), vg_cmp_u64);
    for (size_t i = 0; i < n_orig; i++) { /* one (author, summed mu) per author, in place */
        double mu, sum;
        memcpy(&mu, &auth[2 * i + 1], sizeof(mu));
        if (n_auth && auth[2 * (n_auth - 1)] == auth[2 * i]) {
            memcpy(&sum, &auth[2 * (n_auth - 1) + 1], sizeof(sum));
            mu += sum;
        } else {
            auth[2 * n_auth++] = auth[2 * i];
        }
        memcpy(&auth[2 * (n_auth - 1) + 1], &mu, sizeof(mu));
    }
    for (size_t i = 0; i < n_auth; i++) {
        double mu;
        memcpy(&mu, &auth[2 * i + 1], sizeof(mu));
        mean_hit += 1 - exp(-mu);
    }
    for (size_t i = 0; i < n; i++) {
        const struct rpost *p = window_post(s, k, i);
        const uint64_t *o;
        if (p->repost && p->rt &&
            (o = bsearch(&p->rt, orig, n_orig, 2 * sizeof(*orig), vg_cmp_u64))) {
            pairs[2 * m] = o[1];
            pairs[2 * m + 1] = p->account;
            m++;
            int listed = 0;
            for (size_t j = 0; j < *n_out && !listed; j++)
                listed = out[j] == p->rt;
            if (!listed && *n_out < max)
                out[(*n_out)++] = p->rt;
        }
    }
    qsort(pairs, m, 2 * sizeof(uint64_t), vg_cmp_u64);
    size_t hit = 0;
    for (size_t i = 0; i < m;) {
        uint32_t j = distinct_of(pairs, m, pairs[2 * i]);
        if (j >= 2) {
            const uint64_t *a = bsearch(&pairs[2 * i], auth, n_auth, 2 * sizeof(*auth), vg_cmp_u64);
            double mu;
            memcpy(&mu, &a[1], sizeof(mu));
            again += vg__storm_poisson_log10_tail(j, mu) + log10(1 - exp(-mu));
        }
        hit++;
        uint64_t v = pairs[2 * i];
        while (i < m && pairs[2 * i] == v)
            i++;
    }
    if (hit < RT_ORIGINALS)
        return 0;
    return vg__storm_poisson_log10_tail((double)hit, mean_hit) + again;
}

/* How a hashtag's window is checked: after a burst; or, during the warm-up (the stream's first
 * two windows, when no hashtag has a baseline yet), without a burst and only for the traces that
 * need no baseline (co-retweets, against the stream's rate, and synchronised waves, against the
 * hashtag's own posts around them). */
enum check_mode {
    CHECK_BURST,
    CHECK_WARM_BURST, /* a warm-up burst: the hashtag rose from silence (warm_burst) */
    CHECK_WARM        /* warm-up, no burst: co-retweets and waves only */
};

static vg_status coordination(struct vg_storms *s, const struct key *k, int64_t t,
                              enum check_mode mode, struct check *c)
{
    memset(c, 0, sizeof(*c));
    size_t n = k->q_n;
    vg_status rc = scratch_room(s, 2 * n * (VG_STORM_SKETCH + VG_STORM_PAIRS + 1) + 6 * n + 2);
    if (rc)
        return rc;
    uint32_t min_share_acc = min_shared_accounts(s);
    /* Links that accounts post themselves: a repost carries its original's link, so a viral
     * post with a link would read as many accounts sharing it (a real cricket stream did). */
    size_t m = 0;
    for (size_t i = 0; i < n && mode != CHECK_WARM; i++) {
        const struct rpost *p = window_post(s, k, i);
        if (p->url && !p->repost) {
            s->scratch[2 * m] = p->url;
            s->scratch[2 * m + 1] = p->account;
            m++;
        }
    }

    enum {
        MAX_SHARED = 256 /* shared values tested for freshness */
    };

    uint64_t vals[MAX_SHARED];
    double counts[MAX_SHARED];
    size_t nv = shared_values(s->scratch, m, min_share_acc, vals, counts, MAX_SHARED);
    double best = 0;
    for (size_t i = 0; i < nv; i++)
        if (counts[i] > best && fresh(s, vals[i], counts[i], t)) {
            best = counts[i];
            c->link = vals[i];
        }
    /* Text sketches and hashtag pairs of posts of one's own (a retweet cascade is not a copy),
     * and the originals that reposts repost. Pairs count only when the bursting hashtag is
     * itself new: a habitual hashtag (one a copied text carries) bursting with a copy's own
     * hashtag sequence is the copy's trace, not a campaign's sequence. So do retweets: on a
     * busy habitual hashtag (#ipl) many originals are retweeted twice within minutes
     * without any campaign. */
    int new_tag = mode == CHECK_BURST ? expected(s, k, t, (double)n) <= NOVEL_TAG
                                      : warm_before(s, k, t) <= NOVEL_TAG;
    /* Without a burst (warm-up), only co-retweets: texts and pairs need their baselines. */
    int own_traces = mode != CHECK_WARM;
    m = 0;
    for (size_t i = 0; i < n; i++) {
        const struct rpost *p = window_post(s, k, i);
        uint64_t own[VG_STORM_SKETCH + VG_STORM_PAIRS + 1];
        size_t n_own = 0;
        if (new_tag && p->repost && p->rt)
            own[n_own++] = p->rt;
        for (int j = 0; own_traces && !p->repost && p->has_sketch && j < VG_STORM_SKETCH; j++)
            own[n_own++] = p->sketch[j];
        /* Pairs with the bursting hashtag itself are left out: a copied text's last hashtag
         * and the storm's make one, which says no more than the copy; a campaign's sequence
         * is two or more new hashtags of its own beside the one that bursts. */
        for (int j = 0; own_traces && new_tag && !p->repost && j < p->n_pairs; j++)
            if ((p->novel_pairs >> j & 1) && p->pair_tags[j][0] != k->h &&
                p->pair_tags[j][1] != k->h)
                own[n_own++] = p->pair[j];
        for (size_t j = 0; j < n_own; j++) {
            s->scratch[2 * m] = own[j];
            s->scratch[2 * m + 1] = p->account;
            m++;
        }
    }
    /* An original counts from RT_ACCOUNTS retweeters: the co-retweet test below asks for several
     * originals, so each may have fewer accounts than a text or a link. */
    nv = shared_values(s->scratch, m, RT_ACCOUNTS < min_share_acc ? RT_ACCOUNTS : min_share_acc,
                       vals, counts, MAX_SHARED);
    uint64_t rts[MAX_MARKERS];
    uint32_t n_rts = 0;
    for (size_t i = 0; i < nv && c->n_markers < MAX_MARKERS; i++) {
        const struct key *vk = key_find(s, vals[i]);
        int kind = vk ? vk->kind : 0;
        /* An original is new by nature: its retweets need no freshness test. */
        if (!vk || (kind != KEY_RT && !fresh(s, vals[i], counts[i], t)))
            continue;
        if (kind == KEY_RT) {
            if (n_rts < MAX_MARKERS)
                rts[n_rts++] = vals[i];
            continue;
        }
        if (kind == KEY_TEXT && distinct_of(s->scratch, m, vals[i]) < min_share_acc)
            continue;
        if (kind == KEY_PAIR && distinct_of(s->scratch, m, vals[i]) < min_share_acc)
            continue;
        c->markers[c->n_markers++] = vals[i];
        c->text_markers += kind == KEY_TEXT;
        c->pair_markers += kind == KEY_PAIR;
    }
    /* Co-retweet: a campaign amplifies several posts; one original retweeted by many is a
     * viral post, which organic trends have too. */
    if (n_rts >= RT_ORIGINALS)
        for (uint32_t i = 0; i < n_rts && c->n_markers < MAX_MARKERS; i++) {
            c->markers[c->n_markers++] = rts[i];
            c->rt_markers++;
        }
    /* Or many retweets of the window's own originals within minutes (fast_coretweets). */
    uint64_t fast[MAX_MARKERS];
    size_t n_fast = 0;
    if (new_tag)
        c->rt_log10p = fast_coretweets(s, k, fast, MAX_MARKERS, &n_fast);
    if (c->rt_log10p >= s->o.fresh_log10p)
        for (size_t i = 0; i < n_fast && c->n_markers < MAX_MARKERS; i++)
            if (!(c->rt_markers && has_check_marker(c, fast[i]))) {
                c->markers[c->n_markers++] = fast[i];
                c->rt_markers++;
            }
    mark_sync(s, k, t, c);
    /* Share of the window's posts carrying a trace, and their distinct accounts. The authors of
     * co-retweeted originals count among the accounts (as alert_marked counts them), but their
     * originals not among the posts: the share says how much of the hashtag's traffic is the
     * coordinated posting, and counting an organic trend's retweeted posts beside their
     * retweets would double its retweet share (world c26: a trend with a fifth of its window in
     * retweets read 0.326 and was alarmed). */
    struct alert probe = {
        .link_key = c->link, .n_markers = c->n_markers, .rt_markers = c->rt_markers, .sync = c->sync
    };
    memcpy(probe.markers, c->markers, sizeof(c->markers));
    struct alert posts_probe = probe;
    posts_probe.rt_markers = 0; /* alert_marked then leaves the authors out */
    size_t marked = 0;
    m = 0;
    for (size_t i = 0; i < n; i++) {
        const struct rpost *p = window_post(s, k, i);
        if (alert_marked(&probe, p)) {
            marked += alert_marked(&posts_probe, p);
            s->scratch[m++] = p->account;
        }
    }
    qsort(s->scratch, m, sizeof(uint64_t), vg_cmp_u64);
    for (size_t i = 0; i < m; i++)
        c->accounts += i == 0 || s->scratch[i] != s->scratch[i - 1];
    c->share = n ? (double)marked / (double)n : 0;
    return VG_OK;
}

static int alert_has_account(const struct alert *a, uint32_t acc)
{
    if (!a->cap_set)
        return 0;
    size_t j = (size_t)mix64(acc) & (a->cap_set - 1);
    while (a->set[j] != NONE32) {
        if (a->set[j] == acc)
            return 1;
        j = (j + 1) & (a->cap_set - 1);
    }
    return 0;
}

/* ---- texts a copy storm repeats ------------------------------------------------------------- */

/* A copy campaign posts a few messages, each in a few variants (a prefix, a suffix, an
 * emoji), over hours. The band markers found at detection cover the variants posted by then;
 * an account that later posts only other variants shares no band with them and was missed (most
 * of the copy-storm accounts missed on world c21 posted after the alert, a text the alert's own
 * accounts had posted too). So a copy alert learns the texts its accounts post on its own
 * hashtag: a text posted there by two of its accounts is the storm's, and a post of the hashtag
 * that repeats it (the same distinct words) adds its account. Two, not one: a bystander counted
 * by mistake cannot bring in the others who post its words. Only the alert's own hashtag: the
 * hashtags that joined it are carried by other storms' texts too. */

static struct alert_text *alert_text_find(struct alert *a, uint64_t fp)
{
    for (uint32_t i = 0; i < a->n_texts; i++)
        if (a->texts[i].fp == fp)
            return &a->texts[i];
    return NULL;
}

/* Account acc of alert a posted text fp on its hashtag. Returns 1 when that makes fp one of the
 * storm's texts. The table is bounded: texts beyond MAX_TEXTS are not learnt. */
static int alert_learn_text(struct alert *a, uint64_t fp, uint32_t acc)
{
    struct alert_text *x = alert_text_find(a, fp);
    if (!x) {
        if (a->n_texts < MAX_TEXTS)
            a->texts[a->n_texts++] = (struct alert_text){ .fp = fp, .first = acc };
        return 0;
    }
    if (x->learnt || x->first == acc)
        return 0;
    x->learnt = 1;
    return 1;
}

/* The posts of k's window with text fp add their accounts: they may have come before the
 * alert learnt it, or before the alert was raised. */
static vg_status alert_backfill_text(struct vg_storms *s, const struct key *k, struct alert *a,
                                     uint64_t fp)
{
    vg_status rc = VG_OK;
    for (uint32_t q = 0; q < k->q_n && !rc; q++) {
        const struct rpost *p = window_post(s, k, q);
        if (p->text_fp == fp)
            rc = alert_add_account(a, p->account);
    }
    return rc;
}

/* Post p of copy alert a's own hashtag k: its account joins when it repeats one of the storm's
 * texts, and its text counts towards them when its account is the alert's. */
static vg_status alert_follow_text(struct vg_storms *s, const struct key *k, struct alert *a,
                                   const struct rpost *p)
{
    if (!p->text_fp)
        return VG_OK;
    const struct alert_text *x = alert_text_find(a, p->text_fp);
    vg_status rc = x && x->learnt ? alert_add_account(a, p->account) : VG_OK;
    if (!rc && alert_has_account(a, p->account) && alert_learn_text(a, p->text_fp, p->account))
        rc = alert_backfill_text(s, k, a, p->text_fp);
    return rc;
}

/* Every post of k's window, at most every 30 s of stream time (and when the alert is raised):
 * an account that joined the alert after posting on its hashtag teaches it that post's text. */
static vg_status alert_follow_window(struct vg_storms *s, const struct key *k, struct alert *a,
                                     int64_t t)
{
    if (t < a->next_texts)
        return VG_OK;
    a->next_texts = t + 30;
    vg_status rc = VG_OK;
    for (uint32_t i = 0; i < k->q_n && !rc; i++)
        rc = alert_follow_text(s, k, a, window_post(s, k, i));
    return rc;
}

/* Whether at least half of k's synchronised window posts (and at least min_shared_accounts of
 * them) are posts of the own hashtag of alert number alert_id (index + 1): another hashtag of
 * the same posts, not another storm of the same people (storms of one movement share
 * accounts). Not posts the alert counted under a hashtag that joined it: another storm whose
 * texts carry that hashtag would join too. */
static int sync_posts_known(const struct vg_storms *s, const struct key *k, uint32_t alert_id)
{
    uint32_t synced = 0, known = 0;
    for (uint32_t q = 0; q < k->q_n; q++) {
        const struct rpost *p = window_post(s, k, q);
        if (p->sync) {
            synced++;
            known += p->own_alert == alert_id;
        }
    }
    return known >= min_shared_accounts(s) && 2 * known >= synced;
}

/* Whether at least half of k's window reposts of the check's co-retweeted originals (and at
 * least min_shared_accounts of them) are posts that alert number alert_id has counted already:
 * the storm's retweets seen under another hashtag that its originals carry. */
static int rt_posts_known(const struct vg_storms *s, const struct key *k, const struct check *c,
                          uint32_t alert_id)
{
    uint32_t rts = 0, known = 0;
    for (uint32_t q = 0; q < k->q_n; q++) {
        const struct rpost *p = window_post(s, k, q);
        if (p->repost && p->rt && has_check_marker(c, p->rt)) {
            rts++;
            known += p->alert_id == alert_id;
        }
    }
    return known >= min_shared_accounts(s) && 2 * known >= rts;
}

static int names_tag(const struct alert *a, uint64_t tag_key)
{
    for (uint32_t i = 0; i < a->n_tags; i++)
        if (a->tag_keys[i] == tag_key)
            return 1;
    return 0;
}

/* Whether at least min_shared_accounts of k's window posts carry a new hashtag pair with one of
 * the sequence alert a's hashtags: the campaign's sequence seen from another of its hashtags. */
static int continues_sequence(const struct vg_storms *s, const struct key *k, const struct alert *a)
{
    uint32_t n = 0;
    for (uint32_t q = 0; q < k->q_n; q++) {
        const struct rpost *p = window_post(s, k, q);
        for (int j = 0; j < p->n_pairs; j++)
            if ((p->novel_pairs >> j & 1) &&
                (names_tag(a, p->pair_tags[j][0]) || names_tag(a, p->pair_tags[j][1]))) {
                n++;
                break;
            }
    }
    return n >= min_shared_accounts(s);
}

/* An open alert of a hashtag sequence that k's window continues, or NULL. */
static struct alert *sequence_alert(struct vg_storms *s, const struct key *k)
{
    for (size_t i = 0; i < s->n_alerts; i++) {
        struct alert *a = &s->alerts[i];
        if (a->open && a->pair_markers && continues_sequence(s, k, a))
            return a;
    }
    return NULL;
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
            if (has_marker(a, c->markers[m]))
                return a;
        /* Retweets of another of its hashtags: most of them are posts the alert counted. */
        if (c->rt_markers && a->rt_markers && rt_posts_known(s, k, c, (uint32_t)i + 1))
            return a;
        /* Waves of another of its hashtags: most of their accounts are already the alert's. */
        if (c->sync && a->sync && sync_posts_known(s, k, (uint32_t)i + 1))
            return a;
        if (a->pair_markers && continues_sequence(s, k, a))
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
    a->text_markers = c->text_markers;
    a->pair_markers = c->pair_markers;
    a->rt_markers = c->rt_markers;
    a->sync = c->sync;
    a->detected_at = t;
    a->live_at = t;
    a->live_above = live_count(lam);
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
        s->ring[k->q[k->q_head + i] & (s->cap_ring - 1)].alert_id = (uint32_t)s->n_alerts;
        s->ring[k->q[k->q_head + i] & (s->cap_ring - 1)].own_alert = (uint32_t)s->n_alerts;
        if (alert_marked(a, p))
            rc = alert_add_account(a, p->account);
    }
    if (!rc && a->text_markers)
        rc = alert_follow_window(s, k, a, t);
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
    s->recent = vg_calloc(2 * s->cap_ring, sizeof(*s->recent));
    s->rt_last = VG_TIME_UNKNOWN;
    if (!s->keys || !s->ring || !s->recent) {
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
    vg_free(s->recent);
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

/* A synchronised storm's new post at t: each post of its hashtag of the last SYNC_HALF s, whose
 * wave (its posts within +-SYNC_HALF s) is now complete or still filling, is tested as in
 * mark_sync, against the rate of the SYNC_AROUND s before its wave; a post that passes is
 * flagged and its account joins the alert (a wave's first posts came before it filled). */
static vg_status alert_sync_wave(struct vg_storms *s, const struct key *k, struct alert *a,
                                 int64_t t)
{
    size_t n = k->q_n, lo = n, alo = n;
    int64_t first = window_post(s, k, 0)->at;
    vg_status rc = VG_OK;
    /* Newest first: the wave's start (lo) and the background's (alo) move back. */
    for (size_t i = n; i > 0 && !rc; i--) {
        const struct rpost *p = window_post(s, k, i - 1);
        if (p->at < t - VG_STORM_SYNC_HALF)
            break;
        while (lo > 0 && window_post(s, k, lo - 1)->at >= p->at - VG_STORM_SYNC_HALF)
            lo--;
        int64_t from = p->at - VG_STORM_SYNC_HALF - VG_STORM_SYNC_AROUND;
        if (from < first)
            from = first;
        while (alo > 0 && window_post(s, k, alo - 1)->at >= from)
            alo--;
        if (alo > lo)
            alo = lo;
        double wave = (double)(n - lo);
        double covered = (double)(p->at - VG_STORM_SYNC_HALF - from);
        if (wave < min_shared_accounts(s) ||
            wave_score(wave, (double)(lo - alo), covered) < s->o.fresh_log10p ||
            distinct_accounts(s, k, lo, n) < min_shared_accounts(s))
            continue;
        s->ring[k->q[k->q_head + i - 1] & (s->cap_ring - 1)].sync = 1;
        rc = alert_add_account(a, p->account);
    }
    return rc;
}

/* A co-retweet storm retweets more originals as it goes: every 30 s of stream time, an original
 * that RT_ACCOUNTS accounts of the hashtag's window retweeted, at least half of them accounts
 * of the alert already, becomes one of its markers, and the window's posts that carry it (and
 * the original's author) add their accounts. */
static vg_status alert_refresh_retweets(struct vg_storms *s, struct key *k, struct alert *a,
                                        int64_t t)
{
    if (t < k->next_check)
        return VG_OK;
    k->next_check = t + 30;
    size_t n = k->q_n, m = 0;
    vg_status rc = scratch_room(s, 2 * n + 2);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        const struct rpost *p = window_post(s, k, i);
        if (p->rt && !has_marker(a, p->rt)) {
            s->scratch[2 * m] = p->rt;
            s->scratch[2 * m + 1] = p->account;
            m++;
        }
    }
    uint64_t vals[MAX_MARKERS];
    double counts[MAX_MARKERS];
    size_t nv = shared_values(s->scratch, m, RT_ACCOUNTS, vals, counts, MAX_MARKERS);
    size_t added = 0;
    for (size_t v = 0; v < nv && a->n_markers < MAX_MARKERS; v++) {
        uint32_t known = 0, all = 0;
        for (size_t i = 0; i < n; i++) {
            const struct rpost *p = window_post(s, k, i);
            if (p->rt == vals[v]) {
                all++;
                known += alert_has_account(a, p->account);
            }
        }
        if (2 * known >= all) {
            a->markers[a->n_markers++] = vals[v];
            a->rt_markers++;
            added++;
        }
    }
    /* And the originals of the window retweeted within it, while they still make the evidence
     * of fast_coretweets: a storm keeps retweeting its new originals within minutes, and its
     * retweeters are new to the alert (the rule above waits until half of them are known). */
    uint64_t fast[MAX_MARKERS];
    size_t n_fast = 0;
    if ((rc = scratch_room(s, 6 * n + 2)))
        return rc;
    if (fast_coretweets(s, k, fast, MAX_MARKERS, &n_fast) >= s->o.fresh_log10p)
        for (size_t v = 0; v < n_fast && a->n_markers < MAX_MARKERS; v++)
            if (!has_marker(a, fast[v])) {
                a->markers[a->n_markers++] = fast[v];
                a->rt_markers++;
                added++;
            }
    for (size_t i = 0; i < n && added && !rc; i++) {
        const struct rpost *p = window_post(s, k, i);
        if (alert_marked(a, p))
            rc = alert_add_account(a, p->account);
    }
    return rc;
}

/* Another hashtag of an open storm: it joins that alert, whose accounts it feeds from now. */
static vg_status alert_join(struct vg_storms *s, struct alert *a, struct key *k, const char *tag,
                            int64_t t)
{
    if (a->n_tags < MAX_TAGS) {
        if (!(a->tags[a->n_tags] = vg_strdup(tag)))
            return VG_ENOMEM;
        a->joined_at[a->n_tags] = t;
        a->tag_keys[a->n_tags++] = k->h;
        k->alert = (uint32_t)(a - s->alerts) + 1;
    }
    return VG_OK;
}

/* Whether a check shows a storm: coord_share of the window's posts carry a trace, from
 * min_accounts accounts, or from min_shared_accounts when the co-retweets within minutes are
 * improbable beyond burst_log10p (early_coretweets). */
static int is_coordinated(const struct vg_storms *s, const struct check *c)
{
    if (c->share < s->o.coord_share)
        return 0;
    return c->accounts >= s->o.min_accounts ||
           (c->rt_log10p >= s->o.burst_log10p && c->accounts >= min_shared_accounts(s));
}

/* The burst test of k's window at t: lam the posts its baseline expects, score the -log10 of
 * the tail, mode how the window is to be checked. During the warm-up the window is compared
 * with the hashtag's own posts since the stream began and is always checked (CHECK_WARM when it
 * did not burst); after it, 0 when the window does not burst. */
static int window_test(const struct vg_storms *s, const struct key *k, int64_t t, double *lam,
                       double *score, enum check_mode *mode)
{
    if (warm_up(s, t)) {
        *lam = warm_before(s, k, t);
        *score = warm_burst(s, k, t);
        *mode = *score >= s->o.burst_log10p ? CHECK_WARM_BURST : CHECK_WARM;
        return 1;
    }
    double n = (double)k->q_n;
    *lam = expected(s, k, t, n);
    *score = vg__storm_poisson_log10_tail(n, *lam);
    *mode = CHECK_BURST;
    return *score >= s->o.burst_log10p;
}

/* Co-retweets before min_accounts (docs/storms.md, seventh session). A co-retweet storm's
 * hashtag has few posters in its first minutes (its originals come out over a fifth of its
 * span), and the test of tag_after_post waits for min_accounts of them: on 4-hour worlds the
 * median time until ten accounts had posted was 8 to 11 minutes. min_accounts guards against
 * a handful of accounts that happen to share a trace, whose evidence is weak; the co-retweet
 * trace's own evidence (fast_coretweets) says how improbable its retweets are for the stream.
 * So, on a new hashtag whose window bursts (or, in the warm-up, as tag_after_post checks it),
 * a retweet that brings that evidence to burst_log10p (10^-10, the bar of a burst, four
 * orders beyond fresh_log10p) runs the check, and is_coordinated accepts min_shared_accounts
 * (5) accounts, the number a link or a text marker needs, instead of min_accounts. Nothing
 * else is relaxed: the share of marked posts is coord_share as before.
 * Run at a retweet of a window of min_shared_accounts..min_accounts-1 posts (only a retweet
 * can raise the evidence), without next_check: the windows are small and the check rare. */
static vg_status early_coretweets(struct vg_storms *s, struct key *k, const struct vg_post *post,
                                  const char *tag, int64_t t)
{
    double lam, score;
    enum check_mode mode;
    if (!window_test(s, k, t, &lam, &score, &mode))
        return VG_OK;
    if (lam > NOVEL_TAG) /* co-retweets count on new hashtags only (coordination) */
        return VG_OK;
    uint64_t fast[MAX_MARKERS];
    size_t n_fast = 0;
    vg_status rc = scratch_room(s, 6 * k->q_n + 2);
    if (rc)
        return rc;
    if (fast_coretweets(s, k, fast, MAX_MARKERS, &n_fast) < s->o.burst_log10p)
        return rc;
    struct check c;
    if ((rc = coordination(s, k, t, mode, &c)))
        return rc;
    if (!is_coordinated(s, &c))
        return VG_OK;
    struct alert *a = same_campaign(s, k, &c);
    return a ? alert_join(s, a, k, tag, t) : raise_alert(s, k, post, tag, &c, t, lam, score);
}

/* A hashtag key after its post: update the open alert, or test for a storm. */
static vg_status tag_after_post(struct vg_storms *s, struct key *k, const struct vg_post *post,
                                const char *tag, const struct rpost *p, uint64_t seq, int64_t t)
{
    if (k->alert) {
        struct alert *a = &s->alerts[k->alert - 1];
        if (k->h == a->tag_key)
            s->ring[seq & (s->cap_ring - 1)].own_alert = k->alert;
        /* A synchronised alert tests waves on its own hashtag only: the hashtags that joined
         * it are carried by other storms' texts too, whose waves would bring their accounts
         * in. Its own hashtag may come after a joined one in the post, which counted the post
         * already: the wave test is not skipped then. */
        int own_wave = a->sync && k->h == a->tag_key;
        if (a->last_seq == seq) {
            vg_status rc = own_wave ? alert_sync_wave(s, k, a, t) : VG_OK;
            return rc ? rc : own_wave ? tell_joined(s, a) : VG_OK;
        }
        a->last_seq = seq;
        alert_count(a, t);
        if (k->h == a->tag_key && (double)k->q_n > a->live_above)
            a->live_at = t;
        s->ring[seq & (s->cap_ring - 1)].alert_id = k->alert;
        vg_status rc = own_wave ? alert_sync_wave(s, k, a, t) : VG_OK;
        /* Only on the alert's own hashtag: the hashtags that joined it are carried by other
         * storms too (their texts' own tags), whose originals would come in. */
        if (!rc && a->rt_markers && k->h == a->tag_key)
            rc = alert_refresh_retweets(s, k, a, t);
        if (!rc && alert_marked(a, p)) {
            rc = alert_add_account(a, p->account);
            for (size_t i = 0; i < post->urls.n && !rc && a->link_key && !a->link; i++)
                if (key_hash(KEY_URL, post->urls.v[i], strlen(post->urls.v[i])) == a->link_key &&
                    !(a->link = vg_strdup(post->urls.v[i])))
                    rc = VG_ENOMEM;
        }
        /* A copy storm's other texts, learnt from its accounts on its own hashtag. */
        if (!rc && a->text_markers && k->h == a->tag_key) {
            rc = alert_follow_text(s, k, a, p);
            if (!rc)
                rc = alert_follow_window(s, k, a, t);
        }
        return rc ? rc : tell_joined(s, a);
    }
    if (s->o.alerts_from != VG_TIME_UNKNOWN && t < s->o.alerts_from)
        return VG_OK;
    if (k->q_n < s->o.min_accounts)
        return p->repost && k->q_n >= min_shared_accounts(s) ? early_coretweets(s, k, post, tag, t)
                                                             : VG_OK;
    /* A warm-up check without a burst does not hold back the first check of a burst. */
    if (t < k->next_check && !(k->warm_only && warm_up(s, t)))
        return VG_OK;
    /* Without a window of history before the window, no baseline says what is unusual: the
     * warm-up compares the hashtag with its own posts since the stream began, and checks the
     * traces that need no baseline even without a burst. */
    double lam, score;
    enum check_mode mode;
    if (!window_test(s, k, t, &lam, &score, &mode))
        return VG_OK;
    if (mode != CHECK_BURST) {
        if (t < k->next_check && mode == CHECK_WARM)
            return VG_OK;
        k->warm_only = mode == CHECK_WARM;
    }
    /* A burst: is it coordinated? At most every 30 s of stream time per hashtag, so a large
     * organic trend costs a few checks a minute, not one per post. */
    k->next_check = t + 30;
    struct check c;
    vg_status rc = coordination(s, k, t, mode, &c);
    if (rc)
        return rc;
    /* The middle hashtag of a campaign's sequence has no pair without itself: it joins the
     * alert of its sequence even when its own traces fall short. */
    int coordinated = is_coordinated(s, &c);
    struct alert *a = coordinated ? same_campaign(s, k, &c) : sequence_alert(s, k);
    if (!a)
        return coordinated ? raise_alert(s, k, post, tag, &c, t, lam, score) : VG_OK;
    return alert_join(s, a, k, tag, t);
}

/* Count a post of key h (a marker candidate) in its baseline. */
static vg_status key_seen(struct vg_storms *s, uint64_t h, int kind, int64_t t)
{
    struct key *k = key_get(s, h, kind);
    if (!k)
        return VG_ENOMEM;
    key_bump(s, k, t);
    return VG_OK;
}

/* Whether a hashtag is new to the stream: its baseline, its window's posts left out, expects
 * at most NOVEL_TAG posts in a window. */
static int tag_novel(struct vg_storms *s, const char *tag, size_t len, int64_t t)
{
    struct key *k = (struct key *)key_find(s, key_hash(KEY_TAG, tag, len));
    if (!k)
        return 1;
    key_trim(s, k, t);
    return expected(s, k, t, (double)k->q_n) <= NOVEL_TAG;
}

/* The post's last VG_STORM_PAIRS pairs of adjacent (distinct) hashtags, in order, as keys: a
 * campaign appends the same sequence of hashtags to texts of its accounts' own. Bit i of
 * *novel is set when both hashtags of pair i are new to the stream: only such pairs can
 * become markers, since a habitual hashtag followed by a trending one (#gameofthrones
 * #CupFinal) is what an organic trend looks like too. */
static size_t hashtag_pairs(struct vg_storms *s, const struct vg_post *post, int64_t t,
                            struct rpost *p)
{
    uint64_t *out = p->pair;
    uint8_t *novel = &p->novel_pairs;
    size_t n = 0;
    char prev[TAG_MAX], cur[TAG_MAX];
    size_t prev_len = 0;
    int prev_novel = 0;
    *novel = 0;
    for (size_t i = 0; i < post->hashtags.n; i++) {
        size_t len = vg__storm_tag_norm(post->hashtags.v[i], cur, sizeof(cur));
        if (!len || (len == prev_len && !memcmp(cur, prev, len)))
            continue;
        int cur_novel = tag_novel(s, cur, len, t);
        if (prev_len) {
            char both[2 * TAG_MAX];
            memcpy(both, prev, prev_len);
            both[prev_len] = '\0';
            memcpy(both + prev_len + 1, cur, len);
            if (n == VG_STORM_PAIRS) { /* keep the last ones */
                memmove(out, out + 1, (VG_STORM_PAIRS - 1) * sizeof(*out));
                memmove(p->pair_tags, p->pair_tags + 1,
                        (VG_STORM_PAIRS - 1) * sizeof(p->pair_tags[0]));
                *novel >>= 1;
                n--;
            }
            *novel |= (uint8_t)((prev_novel && cur_novel) << n);
            p->pair_tags[n][0] = key_hash(KEY_TAG, prev, prev_len);
            p->pair_tags[n][1] = key_hash(KEY_TAG, cur, len);
            out[n++] = key_hash(KEY_PAIR, both, prev_len + 1 + len);
        }
        memcpy(prev, cur, len + 1);
        prev_len = len;
        prev_novel = cur_novel;
    }
    return n;
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
    uint64_t text_fp;
    p.has_sketch = vg__storm_sketch(post->text, p.sketch, &text_fp) >= VG_STORM_MIN_WORDS;
    if (p.has_sketch && !p.repost)
        p.text_fp = text_fp;
    if (p.repost) {
        p.rt = key_hash(KEY_RT, post->repost_of, strlen(post->repost_of));
    } else {
        p.n_pairs = (uint8_t)hashtag_pairs(s, post, t, &p);
        if (post->id)
            p.self = key_hash(KEY_RT, post->id, strlen(post->id));
    }
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
        for (int i = 0; i < VG_STORM_SKETCH; i++)
            if ((rc = key_seen(s, p.sketch[i], KEY_TEXT, t)))
                return rc;
    for (int i = 0; i < p.n_pairs; i++)
        if ((rc = key_seen(s, p.pair[i], KEY_PAIR, t)))
            return rc;
    if (p.rt && (rc = key_seen(s, p.rt, KEY_RT, t)))
        return rc;
    if (post->hashtags.n && (p.self || p.rt))
        rt_rate_count(s, t, p.self != 0, p.rt ? recent_find(s, p.rt, t) : NULL);
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
        rc = vg_buf_printf(&b, "],\"sequence_markers\":%u,\"coretweet_markers\":%u,\"traces\":[",
                           a->sequence_markers, a->coretweet_markers);
    const char *traces[5];
    size_t n_traces = 0;
    if (a->link)
        traces[n_traces++] = "link";
    if (a->copy_markers)
        traces[n_traces++] = "text";
    if (a->sequence_markers)
        traces[n_traces++] = "hashtag_sequence";
    if (a->coretweet_markers)
        traces[n_traces++] = "co_retweet";
    if (a->synchronised)
        traces[n_traces++] = "synchronised";
    for (size_t i = 0; i < n_traces && !rc; i++)
        rc = vg_buf_printf(&b, "%s\"%s\"", i ? "," : "", traces[i]);
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
