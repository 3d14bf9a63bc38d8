/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store_cases.h: the casework tables (migration 4 -> 5): users, API tokens, sessions, the audit
 * log and reports filed through the API. src/cases/ is the only caller; it reaches these
 * operations with vg__db_cases() and groups writes that belong together (a change and its audit
 * entry) in one transaction with vg__db_txn_begin/commit/rollback, so a refused or failed call
 * stores nothing.
 *
 * Rows handed to callbacks hold strings valid during the call only. Operations that look one
 * row up set *found (0 or 1) and call fn at most once.
 */
#ifndef VG_STORE_CASES_H
#define VG_STORE_CASES_H

#include "store.h"

#define VG_HASH_HEX 65 /* 32-byte BLAKE2b as lower-case hex, plus the NUL */

struct vg_store_user {
    int64_t id;
    const char *name, *role, *pseudonym, *pwhash;
    int disabled;
    int64_t created_at;
};

struct vg_store_token {
    int64_t id;
    const char *name, *role;
    int revoked;
    int64_t created_at;
};

/* A live session: its user and the hash of its CSRF token. */
struct vg_store_session {
    struct vg_store_user user;
    const char *csrf_hash;
    int64_t expires_at;
};

struct vg_store_audit {
    int64_t seq, at;
    const char *actor_id, *actor, *action, *object;
    const char *detail;    /* a JSON object */
    const char *prev_hash; /* hex; 64 zeros for the first entry */
    const char *hash;      /* hex */
};

struct vg_store_intake {
    int64_t id;
    const char *kind;        /* "report" | "notice" */
    const char *target_type; /* "post" | "account" */
    const char *target, *platform, *category, *reason;
    const char *filer; /* "user:ID" or "token:ID" */
    const char *filer_pseudonym;
    const char *filer_role; /* its role when it filed */
    int64_t created_at;
};

typedef vg_status (*vg_store_user_fn)(const struct vg_store_user *u, void *ud);
typedef vg_status (*vg_store_token_fn)(const struct vg_store_token *t, void *ud);
typedef vg_status (*vg_store_session_fn)(const struct vg_store_session *s, void *ud);
typedef vg_status (*vg_store_audit_fn)(const struct vg_store_audit *a, void *ud);
typedef vg_status (*vg_store_intake_fn)(const struct vg_store_intake *r, void *ud);

struct vg_store_cases_ops {
    /* *dup = 1 (and nothing stored) when the name or pseudonym is taken. */
    vg_status (*user_insert)(void *st, const struct vg_store_user *u, int64_t *id, int *dup);
    /* By name when name is not NULL, else by id. */
    vg_status (*user_get)(void *st, int64_t id, const char *name, vg_store_user_fn fn, void *ud,
                          int *found);
    vg_status (*users_scan)(void *st, vg_store_user_fn fn, void *ud);
    /* role NULL: unchanged; disabled < 0: unchanged. */
    vg_status (*user_update)(void *st, int64_t id, const char *role, int disabled, int *found);
    vg_status (*pseudonym_taken)(void *st, const char *pseudonym, int *taken);

    vg_status (*token_insert)(void *st, const struct vg_store_token *t, const char *hash,
                              int64_t *id);
    /* A token that is not revoked, by the hash of its secret. */
    vg_status (*token_find)(void *st, const char *hash, vg_store_token_fn fn, void *ud, int *found);
    vg_status (*tokens_scan)(void *st, vg_store_token_fn fn, void *ud);
    vg_status (*token_revoke)(void *st, int64_t id, int *found);

    vg_status (*session_insert)(void *st, const char *hash, int64_t user_id, const char *csrf_hash,
                                int64_t at, int64_t expires_at);
    /* A session unexpired at `now` whose user is not disabled. */
    vg_status (*session_find)(void *st, const char *hash, int64_t now, vg_store_session_fn fn,
                              void *ud, int *found);
    vg_status (*session_delete)(void *st, const char *hash, int *found);
    /* End every session of a user (disabled, or role changed). */
    vg_status (*sessions_delete_user)(void *st, int64_t user_id);

    /* The last entry of the log (seq 0 and hash "" when empty), and the head record. */
    vg_status (*audit_last)(void *st, int64_t *seq, char hash[VG_HASH_HEX]);
    vg_status (*audit_head)(void *st, int64_t *seq, char hash[VG_HASH_HEX], int *found);
    /* Append an entry and move the head to it. */
    vg_status (*audit_insert)(void *st, const struct vg_store_audit *a);
    /* Entries with seq > after, in seq order, at most limit (< 0: all). */
    vg_status (*audit_scan)(void *st, int64_t after, int64_t limit, vg_store_audit_fn fn, void *ud);

    vg_status (*intake_insert)(void *st, const struct vg_store_intake *r, int64_t *id);
    /* Reports, newest first, at most limit (< 0: all); of one filer when filer is not NULL;
     * only report `id` when id > 0. */
    vg_status (*intake_scan)(void *st, const char *filer, int64_t id, int64_t limit,
                             vg_store_intake_fn fn, void *ud);

    /* Rows of one casework table (tests and /metrics): users, api_tokens, sessions,
     * audit_log, intake_reports. VG_EINVAL for any other name. */
    vg_status (*count_rows)(void *st, const char *table, int64_t *n);
};

/* The casework operations of db's back end and its state (after committing pending ingest
 * writes when no casework transaction is open). */
const struct vg_store_cases_ops *vg__db_cases(vg_db *db, void **state);
/* One transaction for writes that belong together (BEGIN IMMEDIATE on SQLite: it takes the
 * write lock at once, so the audit log's last entry read inside cannot change before the
 * append, even with other connections or processes writing). */
vg_status vg__db_txn_begin(vg_db *db);
vg_status vg__db_txn_commit(vg_db *db);
void vg__db_txn_rollback(vg_db *db);

#endif /* VG_STORE_CASES_H */
