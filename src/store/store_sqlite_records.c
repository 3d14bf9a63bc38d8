/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store_sqlite_records.c: the records tables on SQLite (store_records.h): removal orders, the
 * posts they acted on, Annex III replies, the evidence vault, and the reads behind the TCO
 * report and the monitoring dashboard. As in store_sqlite_cases.c, statements are prepared per
 * call (a few per HTTP request) and transactions are the caller's.
 */
#include <stdio.h>
#include <string.h>

#include "store_sqlite_int.h"

static vg_status prep(void *st, const char *sql, sqlite3_stmt **s)
{
    return vg__sqlite_prep(st, sql, s, "preparing a records statement");
}

/* ---- removal orders ------------------------------------------------------------------------ */

#define ORDER_COLS                                                                                 \
    "id, reference, issuing_state, authority, provider_state, issued_at, received_at,"             \
    " received_by, annex1, reasons, n_urls, gag_until, state, clock_start, paused_at, acted_at,"   \
    " acted_by, scrutiny, scrutiny_at, reinstated_at, n_annex3"

static void read_order(sqlite3_stmt *s, struct vg_store_order *o)
{
    *o = (struct vg_store_order){
        .id = sqlite3_column_int64(s, 0),
        .reference = col_text(s, 1),
        .issuing_state = col_text(s, 2),
        .authority = col_text(s, 3),
        .provider_state = col_text(s, 4),
        .issued_at = col_time(s, 5),
        .received_at = col_time(s, 6),
        .received_by = col_text(s, 7),
        .annex1 = col_text(s, 8),
        .reasons = col_text(s, 9),
        .n_urls = sqlite3_column_int64(s, 10),
        .gag_until = col_time(s, 11),
        .state = col_text(s, 12),
        .clock_start = col_time(s, 13),
        .paused_at = col_time(s, 14),
        .acted_at = col_time(s, 15),
        .acted_by = col_text(s, 16),
        .scrutiny = col_text(s, 17),
        .scrutiny_at = col_time(s, 18),
        .reinstated_at = col_time(s, 19),
        .n_annex3 = sqlite3_column_int64(s, 20),
    };
}

static vg_status each_order(void *st, sqlite3_stmt *s, vg_store_order_fn fn, void *ud, int *found)
{
    vg_status rc = VG_OK;
    int src, n = 0;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        struct vg_store_order o;
        read_order(s, &o);
        n++;
        if ((rc = fn(&o, ud)))
            break;
    }
    if (!rc && src != SQLITE_DONE)
        rc = vg__sqlite_fail(st, src, "reading removal orders");
    sqlite3_finalize(s);
    if (found)
        *found = n > 0;
    return rc;
}

static vg_status order_insert(void *st, const struct vg_store_order *o, int64_t *id, int *dup)
{
    sqlite3_stmt *s;
    *id = 0;
    *dup = 0;
    vg_status rc = prep(st,
                        "INSERT OR IGNORE INTO removal_orders (reference, issuing_state, authority,"
                        " provider_state, issued_at, received_at, received_by, annex1, reasons,"
                        " n_urls, gag_until, state, clock_start)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'received', ?6)",
                        &s);
    if (rc)
        return rc;
    bind_text(s, 1, o->reference);
    bind_text(s, 2, o->issuing_state);
    bind_text(s, 3, o->authority);
    bind_text(s, 4, o->provider_state);
    bind_time(s, 5, o->issued_at);
    bind_time(s, 6, o->received_at);
    bind_text(s, 7, o->received_by);
    bind_text(s, 8, o->annex1);
    bind_text(s, 9, o->reasons);
    sqlite3_bind_int64(s, 10, o->n_urls);
    bind_time(s, 11, o->gag_until);
    if ((rc = vg__sqlite_run(st, s, "storing a removal order")))
        return rc;
    if (vg__sqlite_changes(st) > 0) {
        *id = sqlite3_last_insert_rowid(vg__sqlite_handle(st, NULL));
        return VG_OK;
    }
    *dup = 1;
    if ((rc = prep(st,
                   "SELECT id FROM removal_orders WHERE issuing_state = ?1 AND authority = ?2"
                   " AND reference = ?3",
                   &s)))
        return rc;
    bind_text(s, 1, o->issuing_state);
    bind_text(s, 2, o->authority);
    bind_text(s, 3, o->reference);
    int src = sqlite3_step(s);
    if (src == SQLITE_ROW)
        *id = sqlite3_column_int64(s, 0);
    else
        rc = vg__sqlite_fail(st, src, "reading a removal order");
    sqlite3_finalize(s);
    return rc;
}

static vg_status order_get(void *st, int64_t id, vg_store_order_fn fn, void *ud, int *found)
{
    sqlite3_stmt *s;
    *found = 0;
    vg_status rc = prep(st, "SELECT " ORDER_COLS " FROM removal_orders WHERE id = ?1", &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    return each_order(st, s, fn, ud, found);
}

static vg_status orders_scan(void *st, int64_t from, int64_t to, int64_t limit,
                             vg_store_order_fn fn, void *ud)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st,
                        "SELECT " ORDER_COLS " FROM removal_orders"
                        " WHERE (?1 IS NULL OR received_at >= ?1) AND (?2 IS NULL OR received_at"
                        " < ?2) ORDER BY id DESC LIMIT ?3",
                        &s);
    if (rc)
        return rc;
    bind_time(s, 1, from);
    bind_time(s, 2, to);
    sqlite3_bind_int64(s, 3, limit);
    return each_order(st, s, fn, ud, NULL);
}

static vg_status order_update(void *st, const struct vg_store_order *o)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st,
                        "UPDATE removal_orders SET state = ?2, clock_start = ?3, paused_at = ?4,"
                        " acted_at = ?5, acted_by = ?6, scrutiny = ?7, scrutiny_at = ?8,"
                        " reinstated_at = ?9, n_annex3 = ?10 WHERE id = ?1",
                        &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, o->id);
    bind_text(s, 2, o->state);
    bind_time(s, 3, o->clock_start);
    bind_time(s, 4, o->paused_at);
    bind_time(s, 5, o->acted_at);
    bind_text(s, 6, o->acted_by);
    bind_text(s, 7, o->scrutiny);
    bind_time(s, 8, o->scrutiny_at);
    bind_time(s, 9, o->reinstated_at);
    sqlite3_bind_int64(s, 10, o->n_annex3);
    return vg__sqlite_run(st, s, "updating a removal order");
}

static vg_status order_post_insert(void *st, int64_t order_id, const char *post_id)
{
    sqlite3_stmt *s;
    vg_status rc =
            prep(st, "INSERT OR IGNORE INTO order_posts (order_id, post_id) VALUES (?1, ?2)", &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, order_id);
    bind_text(s, 2, post_id);
    return vg__sqlite_run(st, s, "storing an order's post");
}

static vg_status post_gag(void *st, const char *post_id, int64_t *until)
{
    sqlite3_stmt *s;
    *until = VG_TIME_UNKNOWN;
    vg_status rc = prep(st,
                        "SELECT max(o.gag_until) FROM order_posts p JOIN removal_orders o"
                        " ON o.id = p.order_id WHERE p.post_id = ?1",
                        &s);
    if (rc)
        return rc;
    bind_text(s, 1, post_id);
    int src = sqlite3_step(s);
    if (src == SQLITE_ROW)
        *until = col_time(s, 0);
    else
        rc = vg__sqlite_fail(st, src, "reading a post's gag");
    sqlite3_finalize(s);
    return rc;
}

/* ---- Annex III ----------------------------------------------------------------------------- */

static vg_status annex3_insert(void *st, const struct vg_store_annex3 *a)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st,
                        "INSERT INTO order_annex3 (order_id, at, reasons, explanation,"
                        " clarification, by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, a->order_id);
    sqlite3_bind_int64(s, 2, a->at);
    bind_text(s, 3, a->reasons);
    bind_text(s, 4, a->explanation);
    bind_text(s, 5, a->clarification);
    bind_text(s, 6, a->by);
    return vg__sqlite_run(st, s, "storing an Annex III reply");
}

static vg_status annex3_clear(void *st, int64_t order_id, int64_t at)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st,
                        "UPDATE order_annex3 SET cleared_at = ?2 WHERE order_id = ?1"
                        " AND cleared_at IS NULL",
                        &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, order_id);
    sqlite3_bind_int64(s, 2, at);
    return vg__sqlite_run(st, s, "clearing an Annex III reply");
}

static vg_status annex3_scan(void *st, int64_t order_id, int64_t from, int64_t to,
                             vg_store_annex3_fn fn, void *ud)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st,
                        "SELECT a.order_id, a.at, a.cleared_at, a.reasons, a.explanation,"
                        " a.clarification, a.by FROM order_annex3 a"
                        " JOIN removal_orders o ON o.id = a.order_id"
                        " WHERE (?1 <= 0 OR a.order_id = ?1)"
                        " AND (?2 IS NULL OR o.received_at >= ?2)"
                        " AND (?3 IS NULL OR o.received_at < ?3) ORDER BY a.order_id, a.rowid",
                        &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, order_id);
    bind_time(s, 2, from);
    bind_time(s, 3, to);
    int src;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        struct vg_store_annex3 a = {
            .order_id = sqlite3_column_int64(s, 0),
            .at = sqlite3_column_int64(s, 1),
            .cleared_at = col_time(s, 2),
            .reasons = col_text(s, 3),
            .explanation = col_text(s, 4),
            .clarification = col_text(s, 5),
            .by = col_text(s, 6),
        };
        if ((rc = fn(&a, ud)))
            break;
    }
    if (!rc && src != SQLITE_DONE)
        rc = vg__sqlite_fail(st, src, "reading Annex III replies");
    sqlite3_finalize(s);
    return rc;
}

/* ---- evidence vault ------------------------------------------------------------------------ */

/* The post, its account as stored now, the identities it had before, and its scores. */
static const char snapshot_sql[] =
        "SELECT json_object("
        " 'post', json_object('id', p.id, 'platform', p.platform, 'account', p.account,"
        "  'created_at', p.created_at, 'text', p.text, 'lang', p.lang, 'reply_to', p.reply_to,"
        "  'repost_of', p.repost_of, 'quote_of', p.quote_of, 'hashtags', json(p.hashtags),"
        "  'mentions', json(p.mentions), 'urls', json(p.urls), 'media', json(p.media)),"
        " 'account', (SELECT json_object('id', a.id, 'platform', a.platform, 'handle', a.handle,"
        "  'name', a.name, 'bio', a.bio, 'created_at', a.created_at, 'followers', a.followers,"
        "  'following', a.following, 'posts', a.posts, 'avatar_url', a.avatar_url,"
        "  'first_seen', a.first_seen, 'observed_at', a.observed_at)"
        "  FROM accounts a WHERE a.id = p.account),"
        " 'past_identities', (SELECT json_group_array(json_object('handle', h.handle, 'name',"
        "  h.name, 'bio', h.bio, 'avatar_url', h.avatar_url, 'first_seen', h.first_seen,"
        "  'last_seen', h.last_seen)) FROM account_history h WHERE h.account = p.account),"
        " 'scores', (SELECT json_group_array(json_object('model', s.model, 'score', s.score,"
        "  'flagged', s.flagged, 'categories', s.categories)) FROM post_scores s"
        "  WHERE s.post_id = p.id)), p.account FROM posts p WHERE p.id = ?1";

static vg_status post_snapshot(void *st, const char *post_id, struct vg_buf *out,
                               struct vg_buf *account, int *found)
{
    sqlite3_stmt *s;
    *found = 0;
    vg_status rc = prep(st, snapshot_sql, &s);
    if (rc)
        return rc;
    bind_text(s, 1, post_id);
    int src = sqlite3_step(s);
    if (src == SQLITE_ROW) {
        *found = 1;
        const char *acc = col_text(s, 1);
        if ((rc = vg_buf_puts(out, col_text(s, 0))) || (rc = vg_buf_puts(account, acc ? acc : "")))
            goto done;
    } else if (src != SQLITE_DONE) {
        rc = vg__sqlite_fail(st, src, "reading a post for the evidence vault");
    }
done:
    sqlite3_finalize(s);
    return rc;
}

static vg_status evidence_insert(void *st, const struct vg_store_evidence *e, int64_t *id, int *dup)
{
    sqlite3_stmt *s;
    *id = 0;
    *dup = 0;
    vg_status rc = prep(st,
                        "INSERT OR IGNORE INTO evidence (post_id, account, order_id, basis,"
                        " preserved_at, expires_at, content, content_hash)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                        &s);
    if (rc)
        return rc;
    bind_text(s, 1, e->post_id);
    bind_text(s, 2, e->account);
    sqlite3_bind_int64(s, 3, e->order_id);
    bind_text(s, 4, e->basis);
    sqlite3_bind_int64(s, 5, e->preserved_at);
    sqlite3_bind_int64(s, 6, e->expires_at);
    bind_text(s, 7, e->content);
    bind_text(s, 8, e->content_hash);
    if ((rc = vg__sqlite_run(st, s, "storing evidence")))
        return rc;
    if (vg__sqlite_changes(st) > 0) {
        *id = sqlite3_last_insert_rowid(vg__sqlite_handle(st, NULL));
        return VG_OK;
    }
    *dup = 1;
    if ((rc = prep(st, "SELECT id FROM evidence WHERE post_id = ?1 AND order_id = ?2", &s)))
        return rc;
    bind_text(s, 1, e->post_id);
    sqlite3_bind_int64(s, 2, e->order_id);
    int src = sqlite3_step(s);
    if (src == SQLITE_ROW)
        *id = sqlite3_column_int64(s, 0);
    else
        rc = vg__sqlite_fail(st, src, "reading evidence");
    sqlite3_finalize(s);
    return rc;
}

#define EVIDENCE_COLS                                                                              \
    "id, post_id, account, order_id, basis, preserved_at, expires_at, content_hash,"               \
    " n_extensions, last_extension"

static vg_status each_evidence(void *st, sqlite3_stmt *s, int with_content, vg_store_evidence_fn fn,
                               void *ud, int *found)
{
    vg_status rc = VG_OK;
    int src, n = 0;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        struct vg_store_evidence e = {
            .id = sqlite3_column_int64(s, 0),
            .post_id = col_text(s, 1),
            .account = col_text(s, 2),
            .order_id = sqlite3_column_int64(s, 3),
            .basis = col_text(s, 4),
            .preserved_at = sqlite3_column_int64(s, 5),
            .expires_at = sqlite3_column_int64(s, 6),
            .content_hash = col_text(s, 7),
            .n_extensions = sqlite3_column_int64(s, 8),
            .last_extension = col_text(s, 9),
            .content = with_content ? col_text(s, 10) : NULL,
        };
        n++;
        if ((rc = fn(&e, ud)))
            break;
    }
    if (!rc && src != SQLITE_DONE)
        rc = vg__sqlite_fail(st, src, "reading evidence");
    sqlite3_finalize(s);
    if (found)
        *found = n > 0;
    return rc;
}

static vg_status evidence_get(void *st, int64_t id, int with_content, vg_store_evidence_fn fn,
                              void *ud, int *found)
{
    sqlite3_stmt *s;
    *found = 0;
    vg_status rc =
            prep(st,
                 with_content ? "SELECT " EVIDENCE_COLS ", content FROM evidence WHERE id = ?1"
                              : "SELECT " EVIDENCE_COLS " FROM evidence WHERE id = ?1",
                 &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    return each_evidence(st, s, with_content, fn, ud, found);
}

static vg_status evidence_scan(void *st, int64_t expired_at, int64_t limit, vg_store_evidence_fn fn,
                               void *ud)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st,
                        "SELECT " EVIDENCE_COLS " FROM evidence WHERE ?1 IS NULL OR expires_at <="
                        " ?1 ORDER BY id DESC LIMIT ?2",
                        &s);
    if (rc)
        return rc;
    bind_time(s, 1, expired_at);
    sqlite3_bind_int64(s, 2, limit);
    return each_evidence(st, s, 0, fn, ud, NULL);
}

static vg_status evidence_extend(void *st, int64_t id, int64_t until, const char *reason)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st,
                        "UPDATE evidence SET expires_at = ?2, n_extensions = n_extensions + 1,"
                        " last_extension = ?3 WHERE id = ?1",
                        &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, until);
    bind_text(s, 3, reason);
    return vg__sqlite_run(st, s, "extending evidence");
}

static vg_status evidence_delete(void *st, int64_t id)
{
    sqlite3 *db = vg__sqlite_handle(st, NULL);
    /* secure_delete zeroes the freed content in the database file (and in the WAL as pages are
     * rewritten): an expired item leaves no readable copy behind a DELETE. */
    sqlite3_exec(db, "PRAGMA secure_delete = ON", NULL, NULL, NULL);
    sqlite3_stmt *s;
    vg_status rc = prep(st, "DELETE FROM evidence WHERE id = ?1", &s);
    if (!rc) {
        sqlite3_bind_int64(s, 1, id);
        rc = vg__sqlite_run(st, s, "deleting evidence");
    }
    sqlite3_exec(db, "PRAGMA secure_delete = OFF", NULL, NULL, NULL);
    return rc;
}

static vg_status evidence_count(void *st, int64_t *n)
{
    sqlite3_stmt *s;
    *n = 0;
    vg_status rc = prep(st, "SELECT count(*) FROM evidence", &s);
    if (rc)
        return rc;
    int src = sqlite3_step(s);
    if (src == SQLITE_ROW)
        *n = sqlite3_column_int64(s, 0);
    else
        rc = vg__sqlite_fail(st, src, "counting evidence");
    sqlite3_finalize(s);
    return rc;
}

/* ---- dashboard and report reads ------------------------------------------------------------ */

/* Flagged posts: any model flagged them (post_scores' primary key serves the lookup). ?1, ?2:
 * the posts' creation range, NULL when open. */
#define FLAGGED                                                                                    \
    " EXISTS (SELECT 1 FROM post_scores s WHERE s.post_id = p.id AND s.flagged)"                   \
    " AND (?1 IS NULL OR p.created_at >= ?1) AND (?2 IS NULL OR p.created_at < ?2)"
#define DAY(col) "(" col " - (" col " % 86400))"

static const char *const dash_sql[VG_DASH__COUNT] = {
    [VG_DASH_FLAGGED_POSTS] = "SELECT " DAY("p.created_at") ", coalesce(p.lang, 'und'), count(*),"
                                                            " 0 FROM posts p WHERE" FLAGGED
                                                            " GROUP BY 1, 2 ORDER BY 1, 2",
    [VG_DASH_FLAGGED_ACCOUNTS] =
            "SELECT " DAY("p.created_at") ", NULL, count(DISTINCT p.account),"
                                          " 0 FROM posts p WHERE" FLAGGED " GROUP BY 1 ORDER BY 1",
    [VG_DASH_NETWORK] =
            "SELECT f.day, NULL, count(*), sum(max(ifnull(a.followers, 0), 0))"
            " FROM (SELECT p.account, min(" DAY(
                    "p.created_at") ") AS day"
                                    " FROM posts p WHERE" FLAGGED " GROUP BY p.account) f"
                                    " LEFT JOIN accounts a ON a.id = f.account GROUP BY f.day "
                                    "ORDER BY f.day",
    [VG_DASH_DOMAINS] = "SELECT 0, u.domain, count(DISTINCT p.rowid), count(DISTINCT p.account)"
                        " FROM post_urls u JOIN posts p ON p.rowid = u.post"
                        " WHERE u.domain IS NOT NULL AND" FLAGGED
                        " GROUP BY u.domain ORDER BY 3 DESC, 2 LIMIT ?3",
    [VG_DASH_RETURNS] = "SELECT " DAY(
            "linked_at") ", NULL, count(*), 0 FROM return_links"
                         " WHERE (?1 IS NULL OR linked_at >= ?1) AND (?2 IS NULL OR linked_at < ?2)"
                         " GROUP BY 1 ORDER BY 1",
    [VG_DASH_STORMS] = "SELECT " DAY(
            "detected_at") ", NULL, count(*), sum(n_accounts)"
                           " FROM storm_alerts WHERE (?1 IS NULL OR detected_at >= ?1)"
                           " AND (?2 IS NULL OR detected_at < ?2) GROUP BY 1 ORDER BY 1",
};

static vg_status dash_series(void *st, enum vg_dash_series which, int64_t from, int64_t to,
                             int64_t limit, vg_store_point_fn fn, void *ud)
{
    if ((unsigned)which >= VG_DASH__COUNT)
        return VG_EINVAL;
    sqlite3_stmt *s;
    vg_status rc = prep(st, dash_sql[which], &s);
    if (rc)
        return rc;
    bind_time(s, 1, from);
    bind_time(s, 2, to);
    if (which == VG_DASH_DOMAINS)
        sqlite3_bind_int64(s, 3, limit);
    int src;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        struct vg_store_point p = { .day = sqlite3_column_int64(s, 0),
                                    .key = col_text(s, 1),
                                    .v1 = sqlite3_column_int64(s, 2),
                                    .v2 = sqlite3_column_int64(s, 3) };
        if ((rc = fn(&p, ud)))
            break;
    }
    if (!rc && src != SQLITE_DONE)
        rc = vg__sqlite_fail(st, src, "reading a dashboard series");
    sqlite3_finalize(s);
    return rc;
}

static vg_status bank_counts(void *st, int64_t from, int64_t to, int64_t *matches, int64_t *items)
{
    sqlite3_stmt *s;
    *matches = *items = 0;
    vg_status rc = prep(st,
                        "SELECT (SELECT count(*) FROM post_matches WHERE (?1 IS NULL OR at >= ?1)"
                        " AND (?2 IS NULL OR at < ?2)),"
                        " (SELECT count(*) FROM bank_items WHERE deleted IS NULL)",
                        &s);
    if (rc)
        return rc;
    bind_time(s, 1, from);
    bind_time(s, 2, to);
    int src = sqlite3_step(s);
    if (src == SQLITE_ROW) {
        *matches = sqlite3_column_int64(s, 0);
        *items = sqlite3_column_int64(s, 1);
    } else {
        rc = vg__sqlite_fail(st, src, "counting bank matches");
    }
    sqlite3_finalize(s);
    return rc;
}

const struct vg_store_records_ops vg__store_sqlite_records = {
    .order_insert = order_insert,
    .order_get = order_get,
    .orders_scan = orders_scan,
    .order_update = order_update,
    .order_post_insert = order_post_insert,
    .post_gag = post_gag,
    .annex3_insert = annex3_insert,
    .annex3_clear = annex3_clear,
    .annex3_scan = annex3_scan,
    .post_snapshot = post_snapshot,
    .evidence_insert = evidence_insert,
    .evidence_get = evidence_get,
    .evidence_scan = evidence_scan,
    .evidence_extend = evidence_extend,
    .evidence_delete = evidence_delete,
    .evidence_count = evidence_count,
    .dash_series = dash_series,
    .bank_counts = bank_counts,
};
