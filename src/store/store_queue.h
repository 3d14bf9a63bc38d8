/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store_queue.h: the tables of cases, rules, queues, decisions, appeals, trusted-flagger mutes,
 * the action outbox and DSA statements of reasons (docs/cases.md), and the stored communities
 * the case view shows. src/cases/ is the caller (and the graph stage, for communities_replace);
 * it reaches these operations with vg__db_queue() and groups writes that belong together (a
 * change and its audit entry) in one transaction with vg__db_txn_begin/commit, as the casework
 * foundation does (store_cases.h).
 *
 * Reads that only feed an answer return JSON built by the database (SQLite's json_object), so
 * no row struct and no copy sits between the table and the HTTP answer. Reads the engine
 * decides on return plain fields.
 */
#ifndef VG_STORE_QUEUE_H
#define VG_STORE_QUEUE_H

#include "store.h"

/* What the rules see of one stored post (every post of the store, streamed). */
struct vg_store_signal_row {
    const char *post, *account;
    int64_t at;           /* the post's created_at */
    int64_t followers;    /* the author's, -1 unknown */
    int scored;           /* a model scored it */
    double score, threat; /* highest over models */
    unsigned categories;  /* union over models (bit k: enum vg_tco_category k) */
    int escalate;
    unsigned exempt;
    int64_t hash_matches; /* post_matches of kind pdq, md5 or sha256 */
    int64_t text_matches; /* kind text */
    int64_t url_matches;  /* kind url */
    int64_t list_hits;    /* its URLs whose host is a domain entry in force of a site list */
    double return_score;  /* the author's return link score, -1 when none */
};

typedef vg_status (*vg_store_signal_fn)(const struct vg_store_signal_row *r, void *ud);

/* What account rules see of one account. */
struct vg_store_account_row {
    const char *account;
    int64_t followers; /* -1 unknown */
    int suspended;     /* its latest suspension has no later reinstatement */
    int64_t last_post; /* its newest post's created_at; VG_TIME_UNKNOWN: none or not read */
    /* Its return link (docs/returns.md): score -1 and the strings NULL when it has none. */
    double return_score;
    const char *replaces, *persona;
    const char *evidence_kinds; /* the kinds of the link's evidence, a JSON array */
    int64_t linked_at;
};

typedef vg_status (*vg_store_account_fn)(const struct vg_store_account_row *r, void *ud);

/* The best-scored post of an account in a storm (storm_scores): `storm` is the number the
 * caller gave the storm, score the post's highest over models. */
typedef vg_status (*vg_store_storm_score_fn)(const char *account, int64_t storm, const char *post,
                                             double score, void *ud);

/* A case to open (case_open). */
struct vg_store_case {
    const char *target_type, *target, *account;
    const char *lane; /* "urgent", "removal_order", "trusted_flagger", "normal" */
    int lane_rank;    /* 0..3, that order */
    double risk, reach, freshness, priority;
    const char *source;  /* "rule", "notice", "report" */
    const char *rule;    /* the first rule that opened it (NULL otherwise) */
    const char *signals; /* JSON object */
    int64_t at;
};

/* What the engine needs of a case to decide on a request. */
struct vg_store_case_state {
    int64_t id;
    const char *target_type, *target, *account, *lane, *status;
    const char *claimed_by; /* NULL when not claimed */
    int64_t not_before;     /* VG_TIME_UNKNOWN when none */
};

typedef vg_status (*vg_store_case_state_fn)(const struct vg_store_case_state *c, void *ud);

/* A target already under a case, with the action of its latest decision (NULL: undecided). */
typedef vg_status (*vg_store_target_fn)(const char *target_type, const char *target,
                                        const char *action, void *ud);

struct vg_store_decision {
    int64_t case_id;
    const char *action, *jurisdictions; /* JSON array or NULL */
    const char *ground, *legal_ground, *explanation;
    const char *decided_by, *decider_pseudonym;
    int automated;
    int64_t decided_at, enforce_at;
    int64_t reverses; /* the decision an appeal reversed, 0 none */
};

/* The queue filter (NULL / negative: any). */
struct vg_store_queue_filter {
    const char *lane, *status, *claimed_by;
    int unclaimed;
    double min_priority;
    int64_t limit;
};

/* Parts of the case view, each a JSON array (docs/cases.md). */
enum vg_case_part {
    VG_PART_POSTS,      /* the post (post case) or the account's latest 20 posts */
    VG_PART_SCORES,     /* post_scores rows of those posts */
    VG_PART_MATCHES,    /* post_matches of those posts, with the bank item's label */
    VG_PART_LIST_HITS,  /* site list entries their URLs hit */
    VG_PART_ACCOUNT,    /* the account's row (one element) */
    VG_PART_HISTORY,    /* identities the account had before */
    VG_PART_RETURNS,    /* return links of or to the account */
    VG_PART_NEIGHBOURS, /* up to 25 follows each way and 25 interaction partners */
    VG_PART_MODERATION, /* the account's suspensions and reinstatements */
    VG_PART_SOURCES,    /* what opened the case: rules and intake reports */
    VG_PART_DECISIONS,  /* decisions, oldest first */
    VG_PART_APPEALS,
    VG_PART_AUDIT,     /* the case's audit entries (object "case:N"), oldest first */
    VG_PART_COMMUNITY, /* the account's stored Leiden community (an object, not an array) */
    VG_PART__COUNT
};

/* The communities of one `vigie network communities` run (communities_replace). */
struct vg_store_community_run {
    int64_t at;     /* when it ran */
    int64_t before; /* the data's cut-off, VG_TIME_UNKNOWN: all */
    double threshold;
    uint32_t seeds, candidates;
};

struct vg_store_community {
    uint32_t id; /* 1 = c1, the largest */
    uint32_t size, seeds;
    const char *lang;
    double mean_score;
    const char *top_hashtags, *top_domains; /* JSON arrays */
};

struct vg_store_community_member {
    const char *account;
    uint32_t community; /* struct vg_store_community.id */
    uint32_t rank;      /* 1 = the member scoring highest in its community */
    double score;
    int seed;
};

/* An outbox row due for delivery. */
struct vg_store_outbox {
    int64_t id, decision;
    const char *payload;
    int attempts;
    int64_t file_at; /* VG_TIME_UNKNOWN until written to the outbox file */
};

typedef vg_status (*vg_store_outbox_fn)(const struct vg_store_outbox *o, void *ud);

struct vg_store_appeal {
    int64_t id, case_id, decision;
    char outcome[16];    /* "" while open */
    char decided_by[32]; /* the appealed decision's decider */
};

struct vg_store_queue_ops {
    /* ---- rules ---- */
    vg_status (*signals_scan)(void *st, vg_store_signal_fn fn, void *ud);
    /* The accounts with a return link, in id order; all: every account the store knows (profiles,
     * authors of posts, linked accounts) with its newest post. */
    vg_status (*account_signals_scan)(void *st, int all, vg_store_account_fn fn, void *ud);
    /* One account's row as account_signals_scan reads it (last_post not read), whether or not the
     * store knows it: fn is called once. */
    vg_status (*account_signals_get)(void *st, const char *account, vg_store_account_fn fn,
                                     void *ud);
    /* For each account of each storm in `members`, a JSON array of [account, storm, tag, since,
     * until] (tag normalised as post_hashtags.tag; one element per hashtag of the storm), its
     * scored post carrying one of the storm's tags, created within [since, until], that scores
     * highest: fn once per (account, storm) that has one, in no particular order. One statement,
     * which reads the posts of the storms' hashtags once. */
    vg_status (*storm_scores)(void *st, const char *members, vg_store_storm_score_fn fn, void *ud);
    /* The newest post's created_at (VG_TIME_UNKNOWN: no posts). */
    vg_status (*latest_post)(void *st, int64_t *at);
    vg_status (*targets_scan)(void *st, vg_store_target_fn fn, void *ud);
    /* Open a case unless the target has one; *created 0 then (its lane is raised when the new
     * one ranks before it). *id is the case either way. */
    vg_status (*case_open)(void *st, const struct vg_store_case *c, int64_t *id, int *created);
    /* What opened a case: kind "rule" (ref: its name) or "intake" (ref: the report id). */
    vg_status (*case_source_add)(void *st, int64_t case_id, const char *kind, const char *ref,
                                 int64_t at);
    vg_status (*rule_run_insert)(void *st, int64_t at, const char *mode, const char *summary,
                                 int64_t *id);
    vg_status (*rule_run_finish)(void *st, int64_t id, const char *summary);
    vg_status (*rule_shadow_insert)(void *st, int64_t run, const char *rule, const char *target,
                                    int would_open);

    /* ---- the queue ---- */
    /* {"cases":[...]} ordered lane rank, priority descending, id. */
    vg_status (*queue_json)(void *st, const struct vg_store_queue_filter *f, struct vg_buf *out);
    /* The case row as a JSON object; *found 0 when none. */
    vg_status (*case_json)(void *st, int64_t id, struct vg_buf *out, int *found);
    vg_status (*case_part_json)(void *st, enum vg_case_part part, int64_t id, struct vg_buf *out);
    vg_status (*case_state)(void *st, int64_t id, vg_store_case_state_fn fn, void *ud, int *found);
    /* Claim when unclaimed (or already the claimant's): one conditional UPDATE. *won 1 if now
     * claimed by `by`. */
    vg_status (*case_claim)(void *st, int64_t id, const char *by, const char *pseudonym, int64_t at,
                            int *won);
    /* Release the claim of `by` (NULL: whoever holds it). *done 0 when by did not hold it. */
    vg_status (*case_release)(void *st, int64_t id, const char *by, int64_t at, int *done);
    vg_status (*case_set)(void *st, int64_t id, const char *status, const char *lane, int lane_rank,
                          int64_t at);
    vg_status (*case_not_before)(void *st, int64_t id, int64_t not_before);

    /* ---- decisions and delivery ---- */
    vg_status (*decision_insert)(void *st, const struct vg_store_decision *d, int64_t *id);
    /* The decision as a JSON object (with its case's target) into out. */
    vg_status (*decision_json)(void *st, int64_t id, struct vg_buf *out, int *found);
    vg_status (*outbox_insert)(void *st, int64_t decision, const char *payload, int64_t due_at);
    /* Rows due at `now` not yet delivered, attempts below max, oldest first. */
    vg_status (*outbox_due)(void *st, int64_t now, int max_attempts, int64_t limit,
                            vg_store_outbox_fn fn, void *ud);
    vg_status (*outbox_filed)(void *st, int64_t id, int64_t at);
    /* delivered: delivered_at = at; else attempts + 1, next_at, last_error. */
    vg_status (*outbox_result)(void *st, int64_t id, int delivered, int64_t at, int64_t next_at,
                               const char *error);
    /* {"pending":N,"delivered":N,"failed":N,"filed":N} (failed: attempts >= max). */
    vg_status (*outbox_counts_json)(void *st, int max_attempts, struct vg_buf *out);

    /* ---- appeals ---- */
    vg_status (*appeal_insert)(void *st, int64_t case_id, int64_t decision, const char *by,
                               const char *pseudonym, const char *reason, int64_t at, int64_t *id);
    /* The open appeal of a case (or its last one), with its decision's decider. */
    vg_status (*appeal_get)(void *st, int64_t case_id, struct vg_store_appeal *a, int *found);
    vg_status (*appeal_decide)(void *st, int64_t id, const char *outcome, const char *by,
                               int64_t at);
    /* The latest decision of a case: id and decider ("" / 0 when none). */
    vg_status (*last_decision)(void *st, int64_t case_id, int64_t *id, char *decider, size_t cap,
                               char *action, size_t acap);

    /* ---- trusted flaggers ---- */
    vg_status (*mute_set)(void *st, const char *filer, int muted, const char *by,
                          const char *reason, int64_t at, int *changed);
    vg_status (*muted)(void *st, const char *filer, int *muted);
    /* Accuracy per filer of notices: [{"filer","pseudonym","notices","decided","upheld",
     * "accuracy","muted"}]; only filer when not NULL. */
    vg_status (*flaggers_json)(void *st, const char *filer, int with_ids, struct vg_buf *out);

    /* ---- statements of reasons and counters ---- */
    /* Decisions without a statement, oldest first (their ids). */
    vg_status (*sor_missing)(void *st, int64_t limit, int64_t *ids, size_t *n);
    /* Store a statement; *inserted 0 when the decision has one (idempotent by puid). */
    vg_status (*sor_insert)(void *st, int64_t decision, const char *puid, const char *body,
                            int64_t at, int *inserted);
    /* Statements with decision > after whose case has no gag date later than now, by
     * decision id, at most limit; each body followed by '\n'. *last: the last decision id,
     * *n the count. */
    vg_status (*sor_export)(void *st, int64_t after, int64_t since, int64_t now, int64_t limit,
                            struct vg_buf *out, int64_t *last, int64_t *n, int64_t *held);
    /* The DSA counters as one JSON object (docs/cases.md). */
    vg_status (*dsa_json)(void *st, int64_t from, int64_t to, struct vg_buf *out);

    /* ---- communities (the graph stage's vg_network_communities_store) ---- */
    /* Replace the stored run, communities and members with these, inside the caller's
     * transaction (vg__db_txn_begin). */
    vg_status (*communities_replace)(void *st, const struct vg_store_community_run *run,
                                     const struct vg_store_community *c, size_t n_c,
                                     const struct vg_store_community_member *m, size_t n_m);
};

extern const struct vg_store_queue_ops vg__store_sqlite_queue;

/* The queue operations of db's back end and its state (after committing pending ingest
 * writes when no casework transaction is open). */
const struct vg_store_queue_ops *vg__db_queue(vg_db *db, void **state);

#endif /* VG_STORE_QUEUE_H */
