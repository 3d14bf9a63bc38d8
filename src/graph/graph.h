/* SPDX-License-Identifier: Apache-2.0 */
/*
 * graph.h: the network stage's internals (src/graph/). The store's rows become a compact
 * in-memory graph: account ids interned to dense indexes 0..n-1 (graph_ids.c), follows and
 * interactions as CSR adjacency in both directions (graph_load.c, graph_csr.c). On it run
 * personalised PageRank from seeds (graph_ppr.c), the account score (graph_score.c),
 * communities with igraph (graph_community.c) and reach with CRoaring (graph_reach.c).
 * Callers outside the stage use the vg_network_* functions of vigie.h.
 */
#ifndef VG_GRAPH_H
#define VG_GRAPH_H

#include "core.h"
#include "store.h"

/* ---- account ids: string -> dense index ---------------------------------------------------- */

/*
 * Open addressing with linear probing over 64-bit slots: the high half is a 32-bit tag of the
 * string's hash (which also picks the home slot), the low half index + 1 (0 is empty). A probe
 * reads the string only when the tag matches, and the table grows without rehashing strings.
 * Our own: the libraries we link have no string hash map, and this one costs 8 bytes a slot
 * plus the string, against ~40 for a node-based map.
 */
struct vg_ids {
    uint64_t *slot;
    char **str; /* per index */
    uint32_t n, cap_idx;
    uint32_t mask;
    struct vg_arena arena;
};

vg_status vg__ids_init(struct vg_ids *ids);
void vg__ids_release(struct vg_ids *ids);
/* The index of s, adding it if new. */
vg_status vg__ids_intern(struct vg_ids *ids, const char *s, uint32_t *idx);
/* The index of s, or UINT32_MAX if absent. */
uint32_t vg__ids_find(const struct vg_ids *ids, const char *s);

/* ---- compressed sparse rows ---------------------------------------------------------------- */

/* An edge list being collected. */
struct vg_edges {
    uint32_t *src, *dst;
    float *w; /* NULL for unweighted lists */
    size_t n, cap;
};

vg_status vg__edges_push(struct vg_edges *e, uint32_t src, uint32_t dst, float w);
void vg__edges_release(struct vg_edges *e);

/* Adjacency of n nodes: the neighbours of v are adj[off[v] .. off[v+1]), sorted, unique. */
struct vg_csr {
    uint32_t n;
    uint64_t *off; /* n + 1 */
    uint32_t *adj;
    float *w; /* weights beside adj, or NULL */
};

/*
 * Build CSR from an edge list: by source (reverse = 0) or by destination (reverse = 1). Repeated
 * pairs are merged; with `weighted`, their weights (1 when the list has none) are summed into
 * c->w, else c->w is NULL. Two counting sorts: O(n + m), rows sorted by neighbour.
 */
vg_status vg__csr_build(struct vg_csr *c, uint32_t n, const struct vg_edges *e, int reverse,
                        int weighted);
/* dst = src with every tie turned round (the in-view of an out-view): one counting pass. */
vg_status vg__csr_transpose(const struct vg_csr *src, struct vg_csr *dst);
void vg__csr_release(struct vg_csr *c);

static inline uint64_t vg__csr_degree(const struct vg_csr *c, uint32_t v)
{
    return c->off[v + 1] - c->off[v];
}

/* ---- terms shared with known accounts (graph_terms.c) --------------------------------------- */

enum vg_term_kind {
    VG_TERM_TAG,     /* hashtags it posted */
    VG_TERM_DOMAIN,  /* domains it linked to */
    VG_TERM_PROFILE, /* words of its display name and bio */
    VG_TERM_KINDS
};

/* Accounts and the terms of one kind they use: collected as pairs while loading, then CSR. */
struct vg_terms {
    struct vg_ids ids;        /* term strings */
    struct vg_edges uses;     /* (account, term) pairs while loading */
    struct vg_csr by_account; /* account -> its distinct terms */
    uint32_t *users;          /* per term: accounts using it */
    double *known;            /* per term: evidence summed over them */
};

vg_status vg__terms_init(struct vg_terms *t);
void vg__terms_release(struct vg_terms *t);
/* Account uses term[0..len) (a longer term than 64 bytes, or an empty one, is skipped). */
vg_status vg__terms_add(struct vg_terms *t, uint32_t account, const char *term, size_t len);
/* Account's profile text: its words of 3 to 64 bytes, not all digits, ASCII lower-cased. */
vg_status vg__terms_add_words(struct vg_terms *t, uint32_t account, const char *text);
/* After loading: the pairs become CSR rows over n_accounts, and each term's user count. */
vg_status vg__terms_build(struct vg_terms *t, uint32_t n_accounts);
/* Each term's known mass from per-account evidence. */
void vg__terms_evidence(struct vg_terms *t, const double *evidence);
/* v's feature (see graph_terms.c); *best (may be NULL) gets the term that gave it, or
 * UINT32_MAX. */
double vg__terms_best(const struct vg_terms *t, uint32_t v, double evidence_v, uint32_t *best);
/* 1 if a handle or display name uses look-alike characters (a digit for a letter, Cyrillic
 * among Latin letters). Either may be NULL. */
uint8_t vg__name_lookalike(const char *handle, const char *name);

/* ---- the network --------------------------------------------------------------------------- */

/* Per account: what its posts say (post_scores) and how it posts. */
#define VG_TOP_POSTS 3

struct vg_content {
    uint32_t n_scored, n_flagged;
    float sum_score, max_score;
    float top_score[VG_TOP_POSTS];
    const char *top_post[VG_TOP_POSTS]; /* in the network's arena */
};

/* ---- account features and the score's weights (graph_features.c, graph_fit.c) -------------- */

/*
 * The features the account score combines (docs/networks.md, "The score"): X(ENUM, name, what).
 * "Evidence" of a neighbour u is 1 for a seed, else its flagged posts / (scored posts + 1).
 * Appending a feature is compatible with old weights files (its weight defaults to 0);
 * renaming or removing one is not.
 */
#define VG_ACCOUNT_FEATURES(X)                                                                     \
    X(CONTENT, "content", "(max + mean) / 2 of its posts' classifier scores")                      \
    X(FLAGGED_SHARE, "flagged_share", "share of its scored posts the classifier flagged")          \
    X(FLAGGED_POSTS, "flagged_posts", "log(1 + flagged posts)")                                    \
    X(CLOSENESS, "closeness", "clamp(log lift / log median seed lift, 0, 1) of the PPR")           \
    X(KNOWN_OUT, "known_out", "evidence-weighted share of its follows and interactions")           \
    X(KNOWN_IN, "known_in",                                                                        \
      "evidence-weighted share of its followers and of who interacts with it")                     \
    X(KNOWN_FOLLOWERS, "known_followers", "log(1 + evidence summed over its followers)")           \
    X(POSTS, "posts", "log(1 + posts)")                                                            \
    X(FOLLOWS, "follows", "log(1 + accounts it follows)")                                          \
    X(FOLLOWERS, "followers", "log(1 + its followers)")                                            \
    X(AGE, "age", "log(1 + days since first seen), at the cut-off")                                \
    X(TAGS, "tags", "best known share of the other accounts posting one of its hashtags")          \
    X(DOMAINS, "domains", "best known share of the other accounts linking to one of its domains")  \
    X(PROFILE, "profile_terms",                                                                    \
      "best known share of the other accounts with one of its profile words")                      \
    X(LOOKALIKE, "name_lookalike", "1 if its handle or name uses look-alike characters")

enum vg_account_feature {
#define VG_AF_ENUM(e, name, doc) VG_AF_##e,
    VG_ACCOUNT_FEATURES(VG_AF_ENUM)
#undef VG_AF_ENUM
    VG_AF__COUNT
};

extern const char *const vg__af_name[VG_AF__COUNT];
extern const char *const vg__af_doc[VG_AF__COUNT];

/* score = logistic(bias + sum w[i] x[i]) */
struct vg_score_weights {
    double bias;
    double w[VG_AF__COUNT];
    char source[128]; /* where they come from: "built-in (...)" or the file read */
};

/* The built-in weights (fitted on generated worlds, see graph_features.c). */
void vg__weights_default(struct vg_score_weights *w);
/* Parse a weights file ("bias = x", "<feature> = x" lines). Features it does not set get 0.
 * Errors: VG_EPARSE, VG_EINVAL (unknown key, a value outside [-1000, 1000]); err names the line. */
vg_status vg__weights_parse(const char *text, size_t len, struct vg_score_weights *w, char *err,
                            size_t cap);
/* The weights as a weights file, with a comment per feature. */
vg_status vg__weights_format(const struct vg_score_weights *w, const char *header,
                             struct vg_buf *b);
/* Per-account evidence (see VG_ACCOUNT_FEATURES) into net->evidence. */
vg_status vg__evidence_compute(struct vg_network *net);
/* The features of account v, after PPR and evidence (vg__score_accounts). log_ref: log of the
 * median seed lift (0: no closeness). */
void vg__account_features(const struct vg_network *net, uint32_t v, double log_ref,
                          double x[VG_AF__COUNT]);
double vg__weights_apply(const struct vg_score_weights *w, const double x[VG_AF__COUNT]);

struct vg_network {
    struct vg_network_opts opts;
    struct vg_ids ids;
    uint32_t n; /* accounts, = ids.n once loaded */
    /* Follows (u follows v) by follower and by followee. */
    struct vg_csr follow_out, follow_in;
    /* Interactions (reply, repost, quote, mention) counted per pair, both directions. */
    struct vg_csr inter_out, inter_in;
    /* PPR walks the four as one undirected weighted graph (graph_ppr.c): the weight of u-v is
     * [u follows v] + [v follows u] + interactions u->v + interactions v->u. strength[v] is the
     * sum of v's weights. */
    double *strength;
    uint32_t cap;       /* per-account arrays are allocated for this many accounts */
    uint8_t *suspended; /* as of opts.before */
    uint8_t *seed;
    int64_t *profile_followers; /* accounts.followers, -1 unknown */
    uint32_t *posts_in_window;  /* posts in [activity_from, before) */
    uint16_t *lang;             /* main language, index into langs; 0 = "und" */
    char **langs;               /* interned language codes (arena) */
    uint32_t n_langs, cap_langs;
    struct vg_content *content;
    int64_t *first_seen;   /* accounts.first_seen; VG_TIME_UNKNOWN when no profile */
    uint32_t *posts_total; /* posts before the cut-off */
    uint8_t *lookalike;    /* vg__name_lookalike of its current profile */
    struct vg_terms terms[VG_TERM_KINDS];
    int64_t t_last; /* latest post or profile time loaded: the cut-off when none given */
    struct vg_score_weights weights;
    uint64_t n_follows, n_interactions, n_mentions_unresolved;
    /* Results. */
    double *ppr;
    double *score;
    double *lift;       /* ppr / stationary share: > 1 means nearer the seeds than chance */
    double *evidence;   /* per account: 1 for a seed, else flagged / (scored + 1) */
    double log_ref;     /* log of the median seed lift; 0 when no seed has ties */
    uint32_t *rank;     /* accounts by score, best first */
    int32_t *community; /* -1: not a candidate */
    int ppr_iterations;
    uint32_t n_seeds, n_seeds_unknown, n_candidates;
    int seeds_given; /* set_seeds was called; else the suspended accounts */
    uint32_t n_communities;
    struct vg_community *communities;
    int scored;
    struct vg_arena arena;
};

struct vg_community {
    uint32_t size;
    uint32_t *members; /* by score, best first */
    const char *lang;
    double mean_score;
    uint32_t n_seeds;
    char *tags_json, *domains_json; /* [{"tag":..,"n":..}] built at detection */
};

vg_status vg__network_load(vg_db *db, struct vg_network *net);
/* Sum each account's tie weights into net->strength (after the four CSRs are built). */
vg_status vg__network_strength(struct vg_network *net);
/*
 * Personalised PageRank on the network's undirected weighted graph: x = (1 - d) s + d P^T x,
 * seeds sharing s equally; the mass of accounts without ties goes back to the seeds. Iterates
 * until the L1 change is under tol or max_iter. x has net->n entries.
 */
vg_status vg__ppr(const struct vg_network *net, double damping, double tol, int max_iter, double *x,
                  int *iterations);
vg_status vg__score_accounts(struct vg_network *net);
vg_status vg__communities_detect(vg_db *db, struct vg_network *net);
void vg__communities_release(struct vg_network *net);
/* Reach of members (sorted by index, no repeats). */
vg_status vg__reach_of(const struct vg_network *net, const uint32_t *members, size_t n,
                       struct vg_reach *out);
vg_status vg__reach_json_buf(const struct vg_reach *r, struct vg_buf *b);
/* The median of v[0..n) (sorts v in place); 0 when n is 0. */
double vg__median_u64(uint64_t *v, size_t n);

/* Read a seeds list: one account id per line; blank lines and lines starting with '#' are
 * skipped, surrounding white space trimmed. Ids are copied into the arena. Errors: VG_EUTF8,
 * VG_ELIMIT (an id over 512 bytes, or more than `max_ids`), VG_EPARSE (a control character in
 * an id), VG_ENOMEM. *line_out (may be NULL) gets the line at fault. */
vg_status vg__seeds_parse(const char *text, size_t len, size_t max_ids, struct vg_arena *arena,
                          char ***ids_out, size_t *n_out, size_t *line_out);

/* ---- planted truth and measurement (graph_truth.c, graph_eval.c) --------------------------- */

enum {
    VG_ROLE_BACKGROUND,
    VG_ROLE_SUPPORTER,
    VG_ROLE_NEWS,
    VG_ROLE_RESEARCHER,
    VG_ROLE_COUNTER,
    VG_ROLES
};

struct vg_truth_account {
    const char *id;        /* in ids' arena */
    const char *community; /* planted community ("c3") or NULL */
    const char *persona;   /* the person behind successive accounts ("p17") or NULL */
    const char *replaces;  /* the suspended account this one replaces, or NULL */
    uint8_t role;          /* VG_ROLE_* */
};

/* truth.json of `vigie sim`: listed accounts, ids interned in the order listed (index = acc). */
struct vg_truth {
    struct vg_ids ids;
    struct vg_truth_account *acc;
    size_t n;
};

/* "background", "supporter", ... */
const char *vg__role_name(int role);
/* Parse truth.json text strictly. Errors: VG_EPARSE (not JSON, a wrong type or value, an id
 * listed twice), VG_EFIELD (a missing field), VG_ELIMIT (over 256 MiB), VG_ENOMEM. On error `err`
 * (cap bytes, may be NULL) names the field, e.g. "accounts[3].role: missing", and t is empty. */
vg_status vg__truth_parse(const char *text, size_t len, struct vg_truth *t, char *err, size_t cap);
void vg__truth_release(struct vg_truth *t);

/* Ranking metrics of n scored items, positive[i] 0/1; NaN where undefined (no positive or no
 * negative). Ties share a threshold: ROC-AUC counts a tied positive-negative pair as 1/2; average
 * precision is sum over distinct scores of (recall step) x (precision at that score). */
struct vg_rank_metrics {
    double roc_auc, average_precision;
    double precision_at_recall; /* best precision at a threshold reaching recall >= the target */
    double recall_at_precision; /* best recall at a threshold with precision >= the target; 0 if
                                   none */
};

vg_status vg__rank_metrics(const double *score, const uint8_t *positive, size_t n,
                           double recall_target, double precision_target,
                           struct vg_rank_metrics *out);
/* Community recovery. planted[i], detected[i]: community index of item i or -1. For each planted
 * community with at least one item, the best F1 (2|A n B| / (|A| + |B|)) over detected
 * communities (0 if none overlaps); *mean gets their mean (NaN if none), *counted how many. */
vg_status vg__community_f1(const int32_t *planted, const int32_t *detected, size_t n,
                           uint32_t n_planted, uint32_t n_detected, double *mean,
                           uint32_t *counted);

/* ---- over time and what-if (graph_timeline.c, graph_whatif.c; issue 4) ---------------------- */

/*
 * What-if suspensions over network indexes: cand are live accounts (not suspended), sorted,
 * distinct. Fills reach_before/after, coverage, gain_evaluations and picks (out->picks
 * allocated here; the count fields of *out the caller set are kept). For the benchmark and the
 * tests; vg_network_whatif maps ids first.
 */
vg_status vg__whatif_run(const struct vg_network *net, const uint32_t *cand, size_t n,
                         size_t budget, enum vg_whatif_rank rank, struct vg_whatif *out);

#endif /* VG_GRAPH_H */
