/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sim.h: what the files of the world generator (`vigie sim`, docs/sim.md) share. The generator
 * builds a population of accounts (background, supporters in insular communities, news,
 * researchers, counter-speech), streams the starting follow graph, then runs day by day:
 * posts, follows, suspensions, returns of suspended personas, hashtag storms and reports. Each
 * day's events are kept as small fixed records, sorted by time and formatted at the end of the
 * day, so memory holds the accounts and one day, never the edges or the texts written.
 *
 * Everything random comes from one PRNG family (xoshiro256**, seeded through splitmix64) keyed
 * by the seed and what is drawn, so the same seed and settings give the same bytes.
 */
#ifndef VG_SIM_H
#define VG_SIM_H

#include <stdio.h>

#include "core.h"

/* ---- PRNG ------------------------------------------------------------------------------------ */

struct sim_rng {
    uint64_t s[4];
};

static inline uint64_t sim_splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* A stream keyed by (seed, tag, id): the same key always gives the same numbers. */
static inline void sim_rng_init(struct sim_rng *r, uint64_t seed, uint64_t tag, uint64_t id)
{
    uint64_t x = seed ^ (tag * 0xd1b54a32d192ed03ull) ^ (id * 0xabc98388fb8fac03ull);
    for (int i = 0; i < 4; i++)
        r->s[i] = sim_splitmix(&x);
}

static inline uint64_t sim_next(struct sim_rng *r)
{
    uint64_t *s = r->s;
    uint64_t x = s[1] * 5;
    uint64_t result = ((x << 7) | (x >> 57)) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return result;
}

/* Uniform in [0, 1). */
static inline double sim_unif(struct sim_rng *r)
{
    return (double)(sim_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform in [0, n) for n > 0 (Lemire's multiply; the bias is below 2^-32 for our n). */
static inline uint64_t sim_below(struct sim_rng *r, uint64_t n)
{
    return (uint64_t)(((unsigned __int128)sim_next(r) * n) >> 64);
}

double vg__sim_normal(struct sim_rng *r);
/* Lognormal with the given mean (not median) and sigma of the log. */
double vg__sim_lognormal(struct sim_rng *r, double mean, double sigma);
uint64_t vg__sim_poisson(struct sim_rng *r, double lambda);
double vg__sim_exp(struct sim_rng *r, double mean);

/* Keys of the PRNG streams (the tag argument), one per kind of draw. */
enum sim_tag {
    TAG_ROLES = 1,
    TAG_ACCOUNT,
    TAG_FOLLOWERS,
    TAG_DAY,
    TAG_ACTIVITY,
    TAG_INHERIT,
    TAG_NAME,
    TAG_STORM,
    TAG_STORM_VARIANT, /* draws of the storm patterns: a stream of its own, so that with the
                          variants off the default world's draws, and bytes, do not change */
    TAG_BURST,
    TAG_FOLLOWBACK /* supporters following audience accounts (audience_followback) */
};

/* ---- configuration (sim_config.c) --------------------------------------------------------- */

/* One line per setting: "  name  doc (default D)". */
void vg__sim_config_help(FILE *f);
/* The settings as one JSON object (every setting, in table order). */
vg_status vg__sim_config_json(const struct vg_sim_config *cfg, struct vg_buf *out);
/* The table as Markdown rows "| name | default | bounds | doc |" (docs/sim.md is made from it). */
void vg__sim_config_markdown(FILE *f);

/* ---- texts (sim_text.c, sim_text_invented.c) ------------------------------------------------ */

enum sim_lang {
    LANG_EN = 0,
    LANG_FR,
    LANG_AR,
    LANG__N
};

enum sim_pool {
    POOL_SUPPORTER = 0, /* isis-fanboy */
    POOL_NEWS,          /* about-isis-pro: news and talk about ISIS */
    POOL_EVERYDAY,      /* random-tweets, about-isis-con/test */
    POOL_COUNTER,       /* invented counter-speech (no such dataset) */
    POOL_SHOUT_SELF,    /* invented: "new account, the old one was suspended"; {h} = old handle */
    POOL_SHOUT_OTHER,   /* invented: "follow our returning brother @{h}" */
    POOL__N
};

struct sim_text {
    const char *json; /* the text as a JSON string literal, quotes included */
    const char *tags; /* its hashtags as a JSON array ("[]" when none) */
    int8_t lang;      /* enum sim_lang, or -1 when not identified */
};

struct sim_texts {
    struct sim_text *t;
    size_t n, cap;
    /* per pool and language: indexes into t */
    uint32_t *idx[POOL__N][LANG__N];
    size_t n_idx[POOL__N][LANG__N];
    size_t cap_idx[POOL__N][LANG__N];
    struct vg_arena arena;
    int from_data; /* 1 when read from a data directory */
};

/* Load the pools from data_dir (the labelled datasets; with held_out, only the TEST split of the
 * classifier corpus) or, when NULL, the invented pool. Pools a
 * language lacks fall back to English, then to the invented pool. Errors: VG_ENOENT, VG_EIO,
 * VG_ENOMEM. */
vg_status vg__sim_texts_load(struct sim_texts *tx, const char *data_dir, int held_out);
void vg__sim_texts_release(struct sim_texts *tx);
/* A random text of the pool in lang (falling back as described). */
uint32_t vg__sim_text_pick(const struct sim_texts *tx, enum sim_pool pool, enum sim_lang lang,
                           struct sim_rng *r);

/* The invented pool: NULL-terminated lists per pool and language. */
extern const char *const *const vg__sim_invented[POOL__N][LANG__N];

/* ---- names (sim_names.c) -------------------------------------------------------------------- */

#define SIM_HANDLE_MAX 40
#define SIM_NAME_MAX   128

/* Handle and display name of an account: from its persona and incarnation (a returning persona's
 * k-th account applies k mutations to the first one's), else from the account itself. */
void vg__sim_names(uint64_t seed, uint32_t account, int32_t persona, unsigned incarnation, int lang,
                   char handle[SIM_HANDLE_MAX], char name[SIM_NAME_MAX]);

/* ---- the world (sim_world.c, sim_days.c) ----------------------------------------------------- */

#define SIM_NONE UINT32_MAX

enum {
    ACC_ALIVE = 0x01,
    ACC_CORE = 0x02,     /* hyperactive core of the supporters */
    ACC_AUDIENCE = 0x04, /* background account in a language's supporter audience */
    ACC_INITIAL = 0x08   /* present at the start */
};

struct sim_acct {
    uint8_t role, lang, flags, incarnation;
    int32_t community;     /* -1 when none */
    int32_t persona;       /* -1 when none */
    uint32_t parent;       /* account this one replaces, SIM_NONE when none */
    int32_t created_day;   /* day index (negative: before the start) */
    int32_t suspended_day; /* INT32_MIN when never */
    int64_t created_at;
    int64_t suspended_at; /* INT64_MAX while not (finally) suspended */
    uint32_t followers, following, posts;
    float post_rate;    /* posts a day */
    float in_target;    /* followers at the start (drawn) */
    uint32_t snap_hash; /* counts of the last profile written: an unchanged one is a duplicate */
};

/* Compact event of one day's queue: formatted only when written. */
enum sim_ev_type {
    EV_ACCOUNT = 0,
    EV_FOLLOW,
    EV_UNFOLLOW,
    EV_POST,
    EV_SUSPENSION,
    EV_REINSTATEMENT,
    EV_REPORT
};

enum sim_post_kind {
    POST_ORIGINAL = 0,
    POST_REPOST,
    POST_REPLY,
    POST_SHOUT_SELF,  /* mention = the suspended account's handle */
    POST_SHOUT_OTHER, /* mention = the returning account's handle */
    POST_STORM
};

struct sim_ev {
    int64_t t;
    uint64_t seq;   /* order of creation: breaks ties, so sorting is deterministic */
    uint64_t id;    /* post or report number */
    uint64_t ref;   /* post referred to (repost, reply, reported post), 0 when none */
    uint32_t a, b;  /* author/src/target/account; dst/mentioned/ref author/reporter */
    uint32_t text;  /* index into the texts */
    uint16_t storm; /* storm number + 1, 0 when none (storm and bystander posts) */
    uint16_t burst; /* organic burst number + 1, 0 when none */
    uint8_t type, kind;
    uint8_t url;    /* 0 none, else an url family (sim_write.c) */
    uint8_t reason; /* suspensions, reports; posts of a copy storm: the rewording (1..) */
};

struct sim_evq {
    struct sim_ev *ev;
    size_t n, cap;
};

/* A post others can refer to. */
struct sim_recent {
    uint64_t id;
    int64_t t;
    uint32_t author, text;
};

#define SIM_RING 128

struct sim_ring {
    struct sim_recent r[SIM_RING];
    uint32_t n, next;
};

struct sim_community {
    uint8_t lang;
    uint32_t *members; /* initial members (accounts) */
    uint32_t n_members;
    struct sim_ring recent;
};

enum sim_storm_pattern {
    STORM_LINK = 0, /* a shared hashtag and link, the texts drawn at random */
    STORM_COPY,     /* no link: reworded copies of three messages */
    STORM_SEQ,      /* no link, own words, the same three campaign hashtags in the same order */
    STORM_RETWEET,  /* a few originals, retweeted by the other accounts (co-retweet) */
    STORM_SYNC      /* no link, own words, posted in waves of a few seconds */
};

struct sim_storm {
    char hashtag[64];
    char seq_tags[2][64]; /* STORM_SEQ: the campaign hashtags that follow hashtag */
    int64_t start;
    uint8_t pattern; /* enum sim_storm_pattern */
    uint32_t *accounts;
    size_t n_accounts;
    uint64_t *posts;
    size_t n_posts, cap_posts;
};

/* An organic burst (a control): ordinary accounts independently posting a trending hashtag. */
struct sim_burst {
    char hashtag[64];
    int64_t start;
    uint8_t lang;
    uint64_t n_accounts, n_posts;
};

/* A returned persona's new account, waiting for its creation time. */
struct sim_pending {
    int64_t t;
    uint32_t parent;
};

struct sim_alias {
    float *prob;
    uint32_t *alias;
    uint32_t n;
};

struct sim_world {
    const struct vg_sim_config *cfg;
    uint64_t seed;
    int64_t t0;
    struct sim_texts texts;

    struct sim_acct *acct;
    uint32_t n_acct, cap_acct, n_initial;
    uint32_t n_personas;

    struct sim_community *comm;
    uint32_t n_comm;
    uint32_t *audience[LANG__N];
    uint32_t n_audience[LANG__N];
    uint32_t *role_list[VG_SIM__ROLES]; /* initial accounts of each non-background role */
    uint32_t n_role_list[VG_SIM__ROLES];

    struct sim_alias src_alias; /* who follows: initial accounts by out-propensity */
    struct sim_alias dst_alias; /* who is followed: initial accounts by followers */

    struct sim_ring bg_recent;
    struct sim_evq *days; /* one queue per day */
    struct sim_pending *pending;
    size_t n_pending, cap_pending;
    struct sim_storm *storms;
    size_t n_storms, cap_storms;
    struct sim_burst *bursts;
    size_t n_bursts, cap_bursts;

    uint32_t *scratch; /* a follower list being worked on */
    size_t n_scratch, cap_scratch;

    uint32_t day_now; /* the day being generated: earlier days are written */
    uint64_t next_post, next_report, seq;
    uint64_t returns;
    struct vg_sim_summary *sum;
};

/* Build the population, communities, audiences and alias tables. */
vg_status vg__sim_world_build(struct sim_world *w);
void vg__sim_world_release(struct sim_world *w);
/* Append the followers v had at the start (or inherited, for a returning persona's account) to
 * *out; the list is a pure function of the world and v. */
vg_status vg__sim_followers(const struct sim_world *w, uint32_t v, uint32_t **out, size_t *n,
                            size_t *cap);
/* A random account by followers (who gets followed) or by out-propensity (who follows). */
uint32_t vg__sim_draw_popular(const struct sim_world *w, struct sim_rng *r);
uint32_t vg__sim_draw_follower(const struct sim_world *w, struct sim_rng *r);
/* Add a new account (created at t); returns its index or SIM_NONE when out of memory. */
uint32_t vg__sim_account_add(struct sim_world *w, uint8_t role, uint8_t lang, int64_t t);

/* Queue an event on the day of its time (dropped when after the last day). */
vg_status vg__sim_push(struct sim_world *w, const struct sim_ev *ev);
/* Generate day d's events into w->days[d]. */
vg_status vg__sim_day(struct sim_world *w, uint32_t d);

/* ---- writing (sim_write.c) ------------------------------------------------------------------ */

struct sim_out {
    FILE *f;
    char *buf;
    size_t len, cap;
    vg_status rc;
    int64_t day_cached; /* the day whose date is in date[] */
    char date[12];      /* "YYYY-MM-DDT" */
};

vg_status vg__sim_out_open(struct sim_out *o, const char *path);
/* Flush and close; returns the first error seen. */
vg_status vg__sim_out_close(struct sim_out *o);
/* Write one event as a JSON line. */
void vg__sim_write_event(struct sim_out *o, struct sim_world *w, const struct sim_ev *ev);
/* Write a profile of v observed at t, unless it would repeat the last one written (same
 * counts; the store would count it a duplicate). Returns 1 when written. */
int vg__sim_write_account(struct sim_out *o, struct sim_world *w, uint32_t v, int64_t t);
/* Write a follow of src to dst at t. */
void vg__sim_write_follow(struct sim_out *o, uint32_t src, uint32_t dst, int64_t t);
/* Write truth.json. */
vg_status vg__sim_write_truth(const struct sim_world *w, const char *path);

#endif /* VG_SIM_H */
