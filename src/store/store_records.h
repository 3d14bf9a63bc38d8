/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store_records.h: the tables of removal orders, the evidence vault and the reads of the TCO
 * report and the monitoring dashboard (migration 8 -> 9, docs/records.md). src/cases/records_*.c
 * is the only caller; it reaches these with vg__db_records() and groups a change with its audit
 * entry in one vg__db_txn_begin/commit transaction (store_cases.h).
 *
 * Rows handed to callbacks hold strings valid during the call only. Times are seconds since
 * the epoch; VG_TIME_UNKNOWN stands for SQL NULL.
 */
#ifndef VG_STORE_RECORDS_H
#define VG_STORE_RECORDS_H

#include "store.h"

struct vg_store_order {
    int64_t id;
    const char *reference, *issuing_state, *authority, *provider_state;
    int64_t issued_at, received_at;
    const char *received_by; /* actor id */
    const char *annex1;      /* the Annex I object as received, re-serialised (JSON) */
    const char *reasons;     /* Art 2(7) letters, e.g. "ad" */
    int64_t n_urls;
    int64_t gag_until;   /* UNKNOWN: no gag */
    const char *state;   /* "received" | "paused" | "removed" | "disabled" */
    int64_t clock_start; /* receipt, or the last restart after Annex III */
    int64_t paused_at;   /* UNKNOWN unless paused */
    int64_t acted_at;    /* UNKNOWN until acted on */
    const char *acted_by;
    const char *scrutiny; /* NULL | "requested" | "confirmed" | "revoked" */
    int64_t scrutiny_at, reinstated_at;
    int64_t n_annex3; /* Annex III replies sent */
};

/* One Annex III reply: reasons as a JSON array of codes. */
struct vg_store_annex3 {
    int64_t order_id, at, cleared_at; /* cleared_at UNKNOWN while the clock is paused */
    const char *reasons, *explanation, *clarification, *by;
};

struct vg_store_evidence {
    int64_t id;
    const char *post_id, *account;
    int64_t order_id; /* 0: not under an order */
    const char *basis;
    int64_t preserved_at, expires_at;
    const char *content; /* JSON; NULL in listings */
    const char *content_hash;
    int64_t n_extensions;
    const char *last_extension;
};

/* One point of a dashboard series: a day (UTC midnight) or 0, a key (language, domain) or
 * NULL, and up to two values. */
struct vg_store_point {
    int64_t day;
    const char *key;
    int64_t v1, v2;
};

enum vg_dash_series {
    VG_DASH_FLAGGED_POSTS,    /* day, language, flagged posts */
    VG_DASH_FLAGGED_ACCOUNTS, /* day, -, accounts with a flagged post that day */
    VG_DASH_NETWORK,          /* day, -, accounts first flagged that day, their followers */
    VG_DASH_DOMAINS,          /* 0, domain, flagged posts linking it, accounts (top n) */
    VG_DASH_RETURNS,          /* day, -, returning accounts linked that day */
    VG_DASH_STORMS,           /* day, -, storm alerts raised that day, their accounts */
    VG_DASH__COUNT
};

typedef vg_status (*vg_store_order_fn)(const struct vg_store_order *o, void *ud);
typedef vg_status (*vg_store_annex3_fn)(const struct vg_store_annex3 *a, void *ud);
typedef vg_status (*vg_store_evidence_fn)(const struct vg_store_evidence *e, void *ud);
typedef vg_status (*vg_store_point_fn)(const struct vg_store_point *p, void *ud);

struct vg_store_records_ops {
    /* *dup = 1 and *id the stored order when (issuing_state, authority, reference) exists. */
    vg_status (*order_insert)(void *st, const struct vg_store_order *o, int64_t *id, int *dup);
    vg_status (*order_get)(void *st, int64_t id, vg_store_order_fn fn, void *ud, int *found);
    /* Orders received in [from, to) (UNKNOWN: no bound), newest first, at most limit (< 0:
     * all). */
    vg_status (*orders_scan)(void *st, int64_t from, int64_t to, int64_t limit,
                             vg_store_order_fn fn, void *ud);
    /* Write the changing columns of o (state, clock, action, scrutiny, counters). */
    vg_status (*order_update)(void *st, const struct vg_store_order *o);
    vg_status (*order_post_insert)(void *st, int64_t order_id, const char *post_id);
    /* Latest gag_until over the orders that acted on post (UNKNOWN: none). */
    vg_status (*post_gag)(void *st, const char *post_id, int64_t *until);

    vg_status (*annex3_insert)(void *st, const struct vg_store_annex3 *a);
    /* Mark the open Annex III reply of an order cleared at `at`. */
    vg_status (*annex3_clear)(void *st, int64_t order_id, int64_t at);
    /* Replies of one order (order_id > 0) or of the orders received in [from, to), oldest
     * first. */
    vg_status (*annex3_scan)(void *st, int64_t order_id, int64_t from, int64_t to,
                             vg_store_annex3_fn fn, void *ud);

    /* The stored post and its account as one JSON object into out (*found 0: no such post);
     * *account its author. */
    vg_status (*post_snapshot)(void *st, const char *post_id, struct vg_buf *out,
                               struct vg_buf *account, int *found);
    /* *dup = 1 and *id the stored item when the post was preserved for that order before. */
    vg_status (*evidence_insert)(void *st, const struct vg_store_evidence *e, int64_t *id,
                                 int *dup);
    /* with_content 0: content NULL. */
    vg_status (*evidence_get)(void *st, int64_t id, int with_content, vg_store_evidence_fn fn,
                              void *ud, int *found);
    /* Newest first, at most limit (< 0: all); expired_at > UNKNOWN: only items expiring at or
     * before it. Never the content. */
    vg_status (*evidence_scan)(void *st, int64_t expired_at, int64_t limit, vg_store_evidence_fn fn,
                               void *ud);
    vg_status (*evidence_extend)(void *st, int64_t id, int64_t until, const char *reason);
    /* Delete with secure_delete on (freed pages are zeroed). */
    vg_status (*evidence_delete)(void *st, int64_t id);
    vg_status (*evidence_count)(void *st, int64_t *n);

    /* A dashboard series over posts created in [from, to); limit bounds DOMAINS. */
    vg_status (*dash_series)(void *st, enum vg_dash_series s, int64_t from, int64_t to,
                             int64_t limit, vg_store_point_fn fn, void *ud);
    /* Matches of stored posts against banks made in [from, to) (re-appearance detection), and
     * live bank items. */
    vg_status (*bank_counts)(void *st, int64_t from, int64_t to, int64_t *matches, int64_t *items);
};

extern const struct vg_store_records_ops vg__store_sqlite_records;

/* The records operations of db's back end and its state (pending ingest writes committed when
 * no casework transaction is open). */
const struct vg_store_records_ops *vg__db_records(vg_db *db, void **state);

#endif /* VG_STORE_RECORDS_H */
