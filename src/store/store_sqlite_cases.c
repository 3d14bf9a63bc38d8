/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store_sqlite_cases.c: the casework tables on SQLite (store_cases.h): users, API tokens,
 * sessions, the hash-chained audit log and reports filed through the API. Statements are
 * prepared per call (sqlite3_prepare_v3): these are a few calls per HTTP request, where the
 * prepare costs microseconds, and it keeps this file independent of the ingest statements.
 * Transactions are the caller's (vg__db_txn_begin); each function here is one or two
 * statements.
 */
#include <stdio.h>
#include <string.h>

#include "store_sqlite_int.h"

static vg_status prep(void *st, const char *sql, sqlite3_stmt **s)
{
    return vg__sqlite_prep(st, sql, s, "preparing a casework statement");
}

/* ---- users --------------------------------------------------------------------------------- */

#define USER_COLS "id, name, role, pseudonym, pwhash, disabled, created_at"

static void read_user(sqlite3_stmt *s, int c, struct vg_store_user *u)
{
    u->id = sqlite3_column_int64(s, c);
    u->name = col_text(s, c + 1);
    u->role = col_text(s, c + 2);
    u->pseudonym = col_text(s, c + 3);
    u->pwhash = col_text(s, c + 4);
    u->disabled = sqlite3_column_int(s, c + 5);
    u->created_at = sqlite3_column_int64(s, c + 6);
}

static vg_status user_insert(void *st, const struct vg_store_user *u, int64_t *id, int *dup)
{
    sqlite3_stmt *s;
    *id = 0;
    *dup = 0;
    vg_status rc = prep(st,
                        "INSERT OR IGNORE INTO users (name, role, pseudonym, pwhash, disabled,"
                        " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        &s);
    if (rc)
        return rc;
    bind_text(s, 1, u->name);
    bind_text(s, 2, u->role);
    bind_text(s, 3, u->pseudonym);
    bind_text(s, 4, u->pwhash);
    sqlite3_bind_int(s, 5, u->disabled);
    sqlite3_bind_int64(s, 6, u->created_at);
    if ((rc = vg__sqlite_run(st, s, "storing a user")))
        return rc;
    sqlite3 *db = vg__sqlite_handle(st, NULL);
    if (sqlite3_changes(db) == 0)
        *dup = 1;
    else
        *id = sqlite3_last_insert_rowid(db);
    return VG_OK;
}

/* Call fn for every row of a prepared user query (columns USER_COLS), then finalize. */
static vg_status each_user(void *st, sqlite3_stmt *s, vg_store_user_fn fn, void *ud, int *found)
{
    vg_status rc = VG_OK;
    int src, n = 0;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        struct vg_store_user u;
        read_user(s, 0, &u);
        n++;
        if ((rc = fn(&u, ud)))
            break;
    }
    if (!rc && src != SQLITE_DONE)
        rc = vg__sqlite_fail(st, src, "reading users");
    sqlite3_finalize(s);
    if (found)
        *found = n > 0;
    return rc;
}

static vg_status user_get(void *st, int64_t id, const char *name, vg_store_user_fn fn, void *ud,
                          int *found)
{
    sqlite3_stmt *s;
    *found = 0;
    vg_status rc = prep(st,
                        name ? "SELECT " USER_COLS " FROM users WHERE name = ?1"
                             : "SELECT " USER_COLS " FROM users WHERE id = ?1",
                        &s);
    if (rc)
        return rc;
    if (name)
        bind_text(s, 1, name);
    else
        sqlite3_bind_int64(s, 1, id);
    return each_user(st, s, fn, ud, found);
}

static vg_status users_scan(void *st, vg_store_user_fn fn, void *ud)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st, "SELECT " USER_COLS " FROM users ORDER BY id", &s);
    return rc ? rc : each_user(st, s, fn, ud, NULL);
}

static vg_status user_update(void *st, int64_t id, const char *role, int disabled, int *found)
{
    sqlite3_stmt *s;
    *found = 0;
    vg_status rc = prep(st,
                        "UPDATE users SET role = coalesce(?2, role),"
                        " disabled = CASE WHEN ?3 < 0 THEN disabled ELSE ?3 END WHERE id = ?1",
                        &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    bind_text(s, 2, role);
    sqlite3_bind_int(s, 3, disabled);
    if ((rc = vg__sqlite_run(st, s, "updating a user")))
        return rc;
    *found = sqlite3_changes(vg__sqlite_handle(st, NULL)) > 0;
    return VG_OK;
}

static vg_status pseudonym_taken(void *st, const char *pseudonym, int *taken)
{
    sqlite3_stmt *s;
    *taken = 0;
    vg_status rc = prep(st, "SELECT 1 FROM users WHERE pseudonym = ?1", &s);
    if (rc)
        return rc;
    bind_text(s, 1, pseudonym);
    int src = sqlite3_step(s);
    *taken = src == SQLITE_ROW;
    sqlite3_finalize(s);
    if (src != SQLITE_ROW && src != SQLITE_DONE)
        return vg__sqlite_fail(st, src, "reading pseudonyms");
    return VG_OK;
}

/* ---- API tokens ---------------------------------------------------------------------------- */

#define TOKEN_COLS "id, name, role, revoked, created_at"

static vg_status token_insert(void *st, const struct vg_store_token *t, const char *hash,
                              int64_t *id)
{
    sqlite3_stmt *s;
    *id = 0;
    vg_status rc = prep(st,
                        "INSERT INTO api_tokens (name, role, hash, created_at, revoked)"
                        " VALUES (?1, ?2, ?3, ?4, 0)",
                        &s);
    if (rc)
        return rc;
    bind_text(s, 1, t->name);
    bind_text(s, 2, t->role);
    bind_text(s, 3, hash);
    sqlite3_bind_int64(s, 4, t->created_at);
    if ((rc = vg__sqlite_run(st, s, "storing a token")))
        return rc;
    *id = sqlite3_last_insert_rowid(vg__sqlite_handle(st, NULL));
    return VG_OK;
}

static vg_status each_token(void *st, sqlite3_stmt *s, vg_store_token_fn fn, void *ud, int *found)
{
    vg_status rc = VG_OK;
    int src, n = 0;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        struct vg_store_token t = {
            .id = sqlite3_column_int64(s, 0),
            .name = col_text(s, 1),
            .role = col_text(s, 2),
            .revoked = sqlite3_column_int(s, 3),
            .created_at = sqlite3_column_int64(s, 4),
        };
        n++;
        if ((rc = fn(&t, ud)))
            break;
    }
    if (!rc && src != SQLITE_DONE)
        rc = vg__sqlite_fail(st, src, "reading tokens");
    sqlite3_finalize(s);
    if (found)
        *found = n > 0;
    return rc;
}

static vg_status token_find(void *st, const char *hash, vg_store_token_fn fn, void *ud, int *found)
{
    sqlite3_stmt *s;
    *found = 0;
    vg_status rc =
            prep(st, "SELECT " TOKEN_COLS " FROM api_tokens WHERE hash = ?1 AND revoked = 0", &s);
    if (rc)
        return rc;
    bind_text(s, 1, hash);
    return each_token(st, s, fn, ud, found);
}

static vg_status tokens_scan(void *st, vg_store_token_fn fn, void *ud)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st, "SELECT " TOKEN_COLS " FROM api_tokens ORDER BY id", &s);
    return rc ? rc : each_token(st, s, fn, ud, NULL);
}

static vg_status token_revoke(void *st, int64_t id, int *found)
{
    sqlite3_stmt *s;
    *found = 0;
    vg_status rc = prep(st, "UPDATE api_tokens SET revoked = 1 WHERE id = ?1 AND revoked = 0", &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    if ((rc = vg__sqlite_run(st, s, "revoking a token")))
        return rc;
    *found = sqlite3_changes(vg__sqlite_handle(st, NULL)) > 0;
    return VG_OK;
}

/* ---- sessions ------------------------------------------------------------------------------ */

static vg_status session_insert(void *st, const char *hash, int64_t user_id, const char *csrf_hash,
                                int64_t at, int64_t expires_at)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st,
                        "INSERT INTO sessions (hash, user_id, csrf_hash, created_at, expires_at)"
                        " VALUES (?1, ?2, ?3, ?4, ?5)",
                        &s);
    if (rc)
        return rc;
    bind_text(s, 1, hash);
    sqlite3_bind_int64(s, 2, user_id);
    bind_text(s, 3, csrf_hash);
    sqlite3_bind_int64(s, 4, at);
    sqlite3_bind_int64(s, 5, expires_at);
    if ((rc = vg__sqlite_run(st, s, "storing a session")))
        return rc;
    /* Sessions past their expiry are never accepted; each login clears them away. */
    if ((rc = prep(st, "DELETE FROM sessions WHERE expires_at <= ?1", &s)))
        return rc;
    sqlite3_bind_int64(s, 1, at);
    return vg__sqlite_run(st, s, "removing expired sessions");
}

static vg_status session_find(void *st, const char *hash, int64_t now, vg_store_session_fn fn,
                              void *ud, int *found)
{
    sqlite3_stmt *s;
    *found = 0;
    vg_status rc = prep(st,
                        "SELECT s.csrf_hash, s.expires_at, u.id, u.name, u.role, u.pseudonym,"
                        " u.pwhash, u.disabled, u.created_at FROM sessions s"
                        " JOIN users u ON u.id = s.user_id"
                        " WHERE s.hash = ?1 AND s.expires_at > ?2 AND u.disabled = 0",
                        &s);
    if (rc)
        return rc;
    bind_text(s, 1, hash);
    sqlite3_bind_int64(s, 2, now);
    int src = sqlite3_step(s);
    if (src == SQLITE_ROW) {
        struct vg_store_session ss = { .csrf_hash = col_text(s, 0),
                                       .expires_at = sqlite3_column_int64(s, 1) };
        read_user(s, 2, &ss.user);
        *found = 1;
        rc = fn(&ss, ud);
    } else if (src != SQLITE_DONE) {
        rc = vg__sqlite_fail(st, src, "reading a session");
    }
    sqlite3_finalize(s);
    return rc;
}

static vg_status session_delete(void *st, const char *hash, int *found)
{
    sqlite3_stmt *s;
    *found = 0;
    vg_status rc = prep(st, "DELETE FROM sessions WHERE hash = ?1", &s);
    if (rc)
        return rc;
    bind_text(s, 1, hash);
    if ((rc = vg__sqlite_run(st, s, "ending a session")))
        return rc;
    *found = sqlite3_changes(vg__sqlite_handle(st, NULL)) > 0;
    return VG_OK;
}

static vg_status sessions_delete_user(void *st, int64_t user_id)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st, "DELETE FROM sessions WHERE user_id = ?1", &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, user_id);
    return vg__sqlite_run(st, s, "ending a user's sessions");
}

/* ---- audit log ----------------------------------------------------------------------------- */

static void copy_hash(char out[VG_HASH_HEX], const char *h)
{
    snprintf(out, VG_HASH_HEX, "%s", h ? h : "");
}

static vg_status audit_last(void *st, int64_t *seq, char hash[VG_HASH_HEX])
{
    sqlite3_stmt *s;
    *seq = 0;
    hash[0] = 0;
    vg_status rc = prep(st, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", &s);
    if (rc)
        return rc;
    int src = sqlite3_step(s);
    if (src == SQLITE_ROW) {
        *seq = sqlite3_column_int64(s, 0);
        copy_hash(hash, col_text(s, 1));
    } else if (src != SQLITE_DONE) {
        rc = vg__sqlite_fail(st, src, "reading the audit log");
    }
    sqlite3_finalize(s);
    return rc;
}

static vg_status audit_head(void *st, int64_t *seq, char hash[VG_HASH_HEX], int *found)
{
    sqlite3_stmt *s;
    *seq = 0;
    *found = 0;
    hash[0] = 0;
    vg_status rc = prep(st, "SELECT seq, hash FROM audit_head WHERE one = 1", &s);
    if (rc)
        return rc;
    int src = sqlite3_step(s);
    if (src == SQLITE_ROW) {
        *seq = sqlite3_column_int64(s, 0);
        copy_hash(hash, col_text(s, 1));
        *found = 1;
    } else if (src != SQLITE_DONE) {
        rc = vg__sqlite_fail(st, src, "reading the audit head");
    }
    sqlite3_finalize(s);
    return rc;
}

static vg_status audit_insert(void *st, const struct vg_store_audit *a)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st,
                        "INSERT INTO audit_log (seq, at, actor_id, actor, action, object, detail,"
                        " prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                        &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, a->seq);
    sqlite3_bind_int64(s, 2, a->at);
    bind_text(s, 3, a->actor_id);
    bind_text(s, 4, a->actor);
    bind_text(s, 5, a->action);
    bind_text(s, 6, a->object);
    bind_text(s, 7, a->detail);
    bind_text(s, 8, a->prev_hash);
    bind_text(s, 9, a->hash);
    if ((rc = vg__sqlite_run(st, s, "appending to the audit log")))
        return rc;
    if ((rc = prep(st,
                   "INSERT INTO audit_head (one, seq, hash) VALUES (1, ?1, ?2)"
                   " ON CONFLICT(one) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
                   &s)))
        return rc;
    sqlite3_bind_int64(s, 1, a->seq);
    bind_text(s, 2, a->hash);
    return vg__sqlite_run(st, s, "moving the audit head");
}

static vg_status audit_scan(void *st, int64_t after, int64_t limit, vg_store_audit_fn fn, void *ud)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st,
                        "SELECT seq, at, actor_id, actor, action, object, detail, prev_hash, hash"
                        " FROM audit_log WHERE seq > ?1 ORDER BY seq LIMIT ?2",
                        &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, after);
    sqlite3_bind_int64(s, 2, limit);
    int src;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        struct vg_store_audit a = {
            .seq = sqlite3_column_int64(s, 0),
            .at = sqlite3_column_int64(s, 1),
            .actor_id = col_text(s, 2),
            .actor = col_text(s, 3),
            .action = col_text(s, 4),
            .object = col_text(s, 5),
            .detail = col_text(s, 6),
            .prev_hash = col_text(s, 7),
            .hash = col_text(s, 8),
        };
        if ((rc = fn(&a, ud)))
            break;
    }
    if (!rc && src != SQLITE_DONE)
        rc = vg__sqlite_fail(st, src, "reading the audit log");
    sqlite3_finalize(s);
    return rc;
}

/* ---- reports filed through the API --------------------------------------------------------- */

static vg_status intake_insert(void *st, const struct vg_store_intake *r, int64_t *id)
{
    sqlite3_stmt *s;
    *id = 0;
    vg_status rc = prep(st,
                        "INSERT INTO intake_reports (kind, target_type, target, platform,"
                        " category, reason, filer, filer_role, created_at, filer_pseudonym)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                        &s);
    if (rc)
        return rc;
    bind_text(s, 1, r->kind);
    bind_text(s, 2, r->target_type);
    bind_text(s, 3, r->target);
    bind_text(s, 4, r->platform);
    bind_text(s, 5, r->category);
    bind_text(s, 6, r->reason);
    bind_text(s, 7, r->filer);
    bind_text(s, 8, r->filer_role);
    sqlite3_bind_int64(s, 9, r->created_at);
    bind_text(s, 10, r->filer_pseudonym);
    if ((rc = vg__sqlite_run(st, s, "storing a report")))
        return rc;
    *id = sqlite3_last_insert_rowid(vg__sqlite_handle(st, NULL));
    return VG_OK;
}

static vg_status intake_scan(void *st, const char *filer, int64_t id, int64_t limit,
                             vg_store_intake_fn fn, void *ud)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st,
                        "SELECT id, kind, target_type, target, platform, category, reason, filer,"
                        " filer_role, created_at, filer_pseudonym FROM intake_reports"
                        " WHERE (?1 IS NULL OR filer = ?1) AND (?2 <= 0 OR id = ?2)"
                        " ORDER BY id DESC LIMIT ?3",
                        &s);
    if (rc)
        return rc;
    bind_text(s, 1, filer);
    sqlite3_bind_int64(s, 2, id);
    sqlite3_bind_int64(s, 3, limit);
    int src;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        struct vg_store_intake r = {
            .id = sqlite3_column_int64(s, 0),
            .kind = col_text(s, 1),
            .target_type = col_text(s, 2),
            .target = col_text(s, 3),
            .platform = col_text(s, 4),
            .category = col_text(s, 5),
            .reason = col_text(s, 6),
            .filer = col_text(s, 7),
            .filer_role = col_text(s, 8),
            .created_at = sqlite3_column_int64(s, 9),
            .filer_pseudonym = col_text(s, 10),
        };
        if ((rc = fn(&r, ud)))
            break;
    }
    if (!rc && src != SQLITE_DONE)
        rc = vg__sqlite_fail(st, src, "reading reports");
    sqlite3_finalize(s);
    return rc;
}

static vg_status count_rows(void *st, const char *table, int64_t *n)
{
    static const char *const tables[] = { "users", "api_tokens", "sessions", "audit_log",
                                          "intake_reports" };
    *n = 0;
    size_t i = 0;
    while (i < VG_ARRAY_LEN(tables) && strcmp(table, tables[i]))
        i++;
    if (i == VG_ARRAY_LEN(tables))
        return VG_EINVAL;
    char sql[64];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", tables[i]);
    sqlite3_stmt *s;
    vg_status rc = prep(st, sql, &s);
    if (rc)
        return rc;
    int src = sqlite3_step(s);
    if (src == SQLITE_ROW)
        *n = sqlite3_column_int64(s, 0);
    else
        rc = vg__sqlite_fail(st, src, "counting rows");
    sqlite3_finalize(s);
    return rc;
}

const struct vg_store_cases_ops vg__store_sqlite_cases = {
    .user_insert = user_insert,
    .user_get = user_get,
    .users_scan = users_scan,
    .user_update = user_update,
    .pseudonym_taken = pseudonym_taken,
    .token_insert = token_insert,
    .token_find = token_find,
    .tokens_scan = tokens_scan,
    .token_revoke = token_revoke,
    .session_insert = session_insert,
    .session_find = session_find,
    .session_delete = session_delete,
    .sessions_delete_user = sessions_delete_user,
    .audit_last = audit_last,
    .audit_head = audit_head,
    .audit_insert = audit_insert,
    .audit_scan = audit_scan,
    .intake_insert = intake_insert,
    .intake_scan = intake_scan,
    .count_rows = count_rows,
};
