/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store_sqlite_queue.c: cases, rules, queues, decisions, appeals, trusted-flagger mutes, the
 * action outbox and statements of reasons on SQLite (store_queue.h, migration 9 -> 10), and the
 * stored communities of the case view (migration 12 -> 13).
 * Statements are prepared per call as in store_sqlite_cases.c; the rules' scan of every post is
 * one statement. Answers to the API are built as JSON by SQLite (json_object, json_group_array)
 * and appended to the caller's buffer.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_queue.h"
#include "store_sqlite_int.h"

static vg_status prep(void *st, const char *sql, sqlite3_stmt **s)
{
    return vg__sqlite_prep(st, sql, s, "preparing a queue statement");
}

static int64_t last_id(void *st)
{
    return sqlite3_last_insert_rowid(vg__sqlite_handle(st, NULL));
}

/* Step a statement whose one row has one text column (JSON) and append it to out; *found 0 and
 * nothing appended when there is no row or the column is NULL. Finalizes. */
static vg_status json_row(void *st, sqlite3_stmt *s, struct vg_buf *out, int *found,
                          const char *what)
{
    int src = sqlite3_step(s);
    vg_status rc = VG_OK;
    if (found)
        *found = 0;
    if (src == SQLITE_ROW) {
        const char *t = col_text(s, 0);
        if (t) {
            rc = vg_buf_puts(out, t);
            if (found)
                *found = 1;
        }
    } else if (src != SQLITE_DONE) {
        rc = vg__sqlite_fail(st, src, what);
    }
    sqlite3_finalize(s);
    return rc;
}

/* ---- rules ---------------------------------------------------------------------------------- */

/* One row per post; the aggregates are grouped subqueries SQLite materialises once (joined by
 * an automatic index), not correlated lookups per post: post_urls has no index on post. */
static const char signals_sql[] =
        "SELECT p.id, p.account, p.created_at, ifnull(a.followers, -1),"
        " s.n IS NOT NULL, ifnull(s.score, 0), ifnull(s.threat, 0), ifnull(s.cats, ''),"
        " ifnull(s.escalate, 0), ifnull(s.exempt, ''),"
        " ifnull(m.hash, 0), ifnull(m.text, 0), ifnull(m.url, 0), ifnull(l.n, 0),"
        " ifnull(r.score, -1)"
        " FROM posts p"
        " LEFT JOIN accounts a ON a.id = p.account"
        " LEFT JOIN (SELECT post_id, count(*) AS n, max(score) AS score, max(threat) AS threat,"
        "   group_concat(categories) AS cats, max(escalate) AS escalate,"
        "   group_concat(exempt) AS exempt FROM post_scores GROUP BY post_id) s"
        "  ON s.post_id = p.id"
        " LEFT JOIN (SELECT post, sum(kind IN ('pdq','md5','sha256')) AS hash,"
        "   sum(kind = 'text') AS text, sum(kind = 'url') AS url FROM post_matches"
        "   GROUP BY post) m ON m.post = p.id"
        " LEFT JOIN (SELECT u.post AS post, count(*) AS n FROM post_urls u"
        "   JOIN site_list_entries e ON e.kind = 'domain' AND e.withdrawn IS NULL"
        "    AND e.value = u.domain GROUP BY u.post) l ON l.post = p.rowid"
        " LEFT JOIN return_links r ON r.account = p.account"
        " ORDER BY p.rowid";

/* The union of comma-separated bit sets ("5,1" -> 5). */
static unsigned bits_union(const char *s)
{
    unsigned v = 0, cur = 0;
    for (; s && *s; s++) {
        if (*s >= '0' && *s <= '9') {
            cur = cur * 10 + (unsigned)(*s - '0');
        } else {
            v |= cur;
            cur = 0;
        }
    }
    return v | cur;
}

static vg_status signals_scan(void *st, vg_store_signal_fn fn, void *ud)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st, signals_sql, &s);
    if (rc)
        return rc;
    int src;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        struct vg_store_signal_row r = {
            .post = col_text(s, 0),
            .account = col_text(s, 1),
            .at = sqlite3_column_int64(s, 2),
            .followers = sqlite3_column_int64(s, 3),
            .scored = sqlite3_column_int(s, 4),
            .score = sqlite3_column_double(s, 5),
            .threat = sqlite3_column_double(s, 6),
            .categories = bits_union(col_text(s, 7)),
            .escalate = sqlite3_column_int(s, 8),
            .exempt = bits_union(col_text(s, 9)),
            .hash_matches = sqlite3_column_int64(s, 10),
            .text_matches = sqlite3_column_int64(s, 11),
            .url_matches = sqlite3_column_int64(s, 12),
            .list_hits = sqlite3_column_int64(s, 13),
            .return_score = sqlite3_column_double(s, 14),
        };
        if ((rc = fn(&r, ud)))
            break;
    }
    if (!rc && src != SQLITE_DONE)
        rc = vg__sqlite_fail(st, src, "reading post signals");
    sqlite3_finalize(s);
    return rc;
}

/* The columns of an account row after its id (x.id) and newest post (x.last_post): followers,
 * suspended (the latest suspension later than any reinstatement; the moderation table's unique
 * index on (kind, account, at) answers both lookups) and the return link. */
#define ACCOUNT_SIGNALS                                                                            \
    " ifnull(a.followers, -1),"                                                                    \
    " ifnull((SELECT max(at) FROM moderation WHERE kind = 'suspension' AND account = x.id) >"      \
    "  ifnull((SELECT max(at) FROM moderation WHERE kind = 'reinstatement'"                        \
    "  AND account = x.id), -9e18), 0),"                                                           \
    " ifnull(r.score, -1), r.replaces, r.persona, r.linked_at,"                                    \
    " (SELECT json_group_array(DISTINCT json_extract(e.value, '$.kind'))"                          \
    "  FROM json_each(r.evidence) e)"                                                              \
    " FROM x LEFT JOIN accounts a ON a.id = x.id LEFT JOIN return_links r ON r.account = x.id"     \
    " ORDER BY x.id"

/* Only linked accounts: return_links is read alone, nothing is scanned for the others. */
static const char linked_accounts_sql[] =
        "WITH x AS (SELECT account AS id, NULL AS last_post FROM return_links)"
        " SELECT x.id, x.last_post," ACCOUNT_SIGNALS;

/* Every account the store knows, grouped once (posts have no index on account). */
static const char all_accounts_sql[] =
        "WITH x AS (SELECT id, max(last_post) AS last_post FROM ("
        "  SELECT account AS id, created_at AS last_post FROM posts"
        "  UNION ALL SELECT id, NULL FROM accounts"
        "  UNION ALL SELECT account, NULL FROM return_links) GROUP BY id)"
        " SELECT x.id, x.last_post," ACCOUNT_SIGNALS;

/* A row of "x.id, x.last_post," ACCOUNT_SIGNALS. */
static struct vg_store_account_row account_row(sqlite3_stmt *s)
{
    return (struct vg_store_account_row){
        .account = col_text(s, 0),
        .last_post = col_time(s, 1),
        .followers = sqlite3_column_int64(s, 2),
        .suspended = sqlite3_column_int(s, 3),
        .return_score = sqlite3_column_double(s, 4),
        .replaces = col_text(s, 5),
        .persona = col_text(s, 6),
        .linked_at = col_time(s, 7),
        .evidence_kinds = col_text(s, 8),
    };
}

static vg_status account_signals_scan(void *st, int all, vg_store_account_fn fn, void *ud)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st, all ? all_accounts_sql : linked_accounts_sql, &s);
    if (rc)
        return rc;
    int src;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        struct vg_store_account_row r = account_row(s);
        if ((rc = fn(&r, ud)))
            break;
    }
    if (!rc && src != SQLITE_DONE)
        rc = vg__sqlite_fail(st, src, "reading account signals");
    sqlite3_finalize(s);
    return rc;
}

/* One account (live rules, vg_rules_live): the same columns, the account bound. */
static const char one_account_sql[] = "WITH x AS (SELECT ?1 AS id, NULL AS last_post)"
                                      " SELECT x.id, x.last_post," ACCOUNT_SIGNALS;

static vg_status account_signals_get(void *st, const char *account, vg_store_account_fn fn,
                                     void *ud)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st, one_account_sql, &s);
    if (rc)
        return rc;
    bind_text(s, 1, account);
    int src = sqlite3_step(s);
    if (src == SQLITE_ROW) {
        struct vg_store_account_row r = account_row(s);
        rc = fn(&r, ud);
    } else {
        rc = vg__sqlite_fail(st, src, "reading an account's signals");
    }
    sqlite3_finalize(s);
    return rc;
}

/* Each storm hashtag's posts are read once (t drives the join; post_hashtags has no index, so
 * SQLite builds one by tag for the statement: one pass over the table), kept when their author
 * is a member of that storm (m, materialised once) and posted within its span. The score is a
 * post's highest over models, as signals_sql reads it, and the bare column p.id comes from the
 * row max() picked (SQLite's rule for a lone min or max aggregate). SQLite indexes m by tag and
 * account for the statement only with the TEXT casts: a bare json_extract has no affinity, and
 * its comparison with posts.account could not use such an index. */
static const char storm_scores_sql[] =
        "WITH m AS MATERIALIZED (SELECT CAST(json_extract(value, '$[0]') AS TEXT) AS account,"
        "  json_extract(value, '$[1]') AS storm, CAST(json_extract(value, '$[2]') AS TEXT) AS tag,"
        "  json_extract(value, '$[3]') AS since, json_extract(value, '$[4]') AS until"
        "  FROM json_each(?1)),"
        " t AS MATERIALIZED (SELECT DISTINCT tag FROM m)"
        " SELECT m.account, m.storm, p.id, max(s.score)"
        " FROM t CROSS JOIN post_hashtags h ON h.tag = t.tag"
        " JOIN posts p ON p.rowid = h.post"
        " JOIN m ON m.tag = t.tag AND m.account = p.account"
        "  AND p.created_at BETWEEN m.since AND m.until"
        " JOIN post_scores s ON s.post_id = p.id"
        " GROUP BY m.account, m.storm";

static vg_status storm_scores(void *st, const char *members, vg_store_storm_score_fn fn, void *ud)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st, storm_scores_sql, &s);
    if (rc)
        return rc;
    bind_text(s, 1, members);
    int src;
    while ((src = sqlite3_step(s)) == SQLITE_ROW)
        if ((rc = fn(col_text(s, 0), sqlite3_column_int64(s, 1), col_text(s, 2),
                     sqlite3_column_double(s, 3), ud)))
            break;
    if (!rc && src != SQLITE_DONE)
        rc = vg__sqlite_fail(st, src, "reading the scores of storm accounts' posts");
    sqlite3_finalize(s);
    return rc;
}

static vg_status latest_post(void *st, int64_t *at)
{
    sqlite3_stmt *s;
    *at = VG_TIME_UNKNOWN;
    vg_status rc = prep(st, "SELECT max(created_at) FROM posts", &s);
    if (rc)
        return rc;
    int src = sqlite3_step(s);
    if (src == SQLITE_ROW)
        *at = col_time(s, 0);
    sqlite3_finalize(s);
    return src == SQLITE_ROW ? VG_OK : vg__sqlite_fail(st, src, "reading the latest post");
}

static vg_status targets_scan(void *st, vg_store_target_fn fn, void *ud)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st,
                        "SELECT c.target_type, c.target, (SELECT d.action FROM decisions d"
                        " WHERE d.case_id = c.id ORDER BY d.id DESC LIMIT 1) FROM cases c",
                        &s);
    if (rc)
        return rc;
    int src;
    while ((src = sqlite3_step(s)) == SQLITE_ROW)
        if ((rc = fn(col_text(s, 0), col_text(s, 1), col_text(s, 2), ud)))
            break;
    if (!rc && src != SQLITE_DONE)
        rc = vg__sqlite_fail(st, src, "reading case targets");
    sqlite3_finalize(s);
    return rc;
}

static vg_status case_open(void *st, const struct vg_store_case *c, int64_t *id, int *created)
{
    sqlite3_stmt *s;
    *id = 0;
    *created = 0;
    vg_status rc = prep(st,
                        "INSERT INTO cases (target_type, target, account, lane, lane_rank, risk,"
                        " reach, freshness, priority, status, source, rule, signals, created_at,"
                        " updated_at) VALUES (?1, ?2, coalesce(?3, CASE WHEN ?1 = 'account' THEN ?2"
                        " ELSE (SELECT account FROM posts WHERE id = ?2) END), ?4, ?5, ?6, ?7,"
                        " ?8, ?9, 'open', ?10,"
                        " ?11, ?12, ?13, ?13) ON CONFLICT (target_type, target) DO NOTHING",
                        &s);
    if (rc)
        return rc;
    bind_text(s, 1, c->target_type);
    bind_text(s, 2, c->target);
    bind_text(s, 3, c->account);
    bind_text(s, 4, c->lane);
    sqlite3_bind_int(s, 5, c->lane_rank);
    sqlite3_bind_double(s, 6, c->risk);
    sqlite3_bind_double(s, 7, c->reach);
    sqlite3_bind_double(s, 8, c->freshness);
    sqlite3_bind_double(s, 9, c->priority);
    bind_text(s, 10, c->source);
    bind_text(s, 11, c->rule);
    bind_text(s, 12, c->signals);
    sqlite3_bind_int64(s, 13, c->at);
    if ((rc = vg__sqlite_run(st, s, "opening a case")))
        return rc;
    if (vg__sqlite_changes(st)) {
        *id = last_id(st);
        *created = 1;
        return VG_OK;
    }
    /* The target has a case: raise its lane when this one ranks before it. */
    if ((rc = prep(st,
                   "UPDATE cases SET lane = CASE WHEN ?3 < lane_rank THEN ?4 ELSE lane END,"
                   " lane_rank = min(lane_rank, ?3) WHERE target_type = ?1 AND target = ?2"
                   " RETURNING id",
                   &s)))
        return rc;
    bind_text(s, 1, c->target_type);
    bind_text(s, 2, c->target);
    sqlite3_bind_int(s, 3, c->lane_rank);
    bind_text(s, 4, c->lane);
    int src = sqlite3_step(s);
    if (src == SQLITE_ROW)
        *id = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    if (src != SQLITE_ROW)
        return vg__sqlite_fail(st, src, "finding a case");
    return VG_OK;
}

static vg_status case_source_add(void *st, int64_t case_id, const char *kind, const char *ref,
                                 int64_t at)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st,
                        "INSERT OR IGNORE INTO case_sources (case_id, kind, ref, at)"
                        " VALUES (?1, ?2, ?3, ?4)",
                        &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, case_id);
    bind_text(s, 2, kind);
    bind_text(s, 3, ref);
    sqlite3_bind_int64(s, 4, at);
    return vg__sqlite_run(st, s, "storing what opened a case");
}

static vg_status rule_run_insert(void *st, int64_t at, const char *mode, const char *summary,
                                 int64_t *id)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st, "INSERT INTO rule_runs (at, mode, summary) VALUES (?1, ?2, ?3)", &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, at);
    bind_text(s, 2, mode);
    bind_text(s, 3, summary);
    if ((rc = vg__sqlite_run(st, s, "storing a rules run")))
        return rc;
    *id = last_id(st);
    return VG_OK;
}

static vg_status rule_run_finish(void *st, int64_t id, const char *summary)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st, "UPDATE rule_runs SET summary = ?2 WHERE id = ?1", &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    bind_text(s, 2, summary);
    return vg__sqlite_run(st, s, "storing a rules run");
}

static vg_status rule_shadow_insert(void *st, int64_t run_id, const char *rule, const char *target,
                                    int would_open)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st,
                        "INSERT INTO rule_shadow (run, rule, target, would_open)"
                        " VALUES (?1, ?2, ?3, ?4)",
                        &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, run_id);
    bind_text(s, 2, rule);
    bind_text(s, 3, target);
    sqlite3_bind_int(s, 4, would_open);
    return vg__sqlite_run(st, s, "storing a shadow hit");
}

/* ---- the queue ------------------------------------------------------------------------------ */

/* A case as the queue lists it, written here rather than by SQLite's json_object: that formats
 * every number through its printf, and the json() that nests the objects parses them all again,
 * which was most of the 0.55 ms of server CPU a 100-case listing cost (perf, docs/console.md).
 * The bytes are those json_object gave (a test compares them). Claimants appear by pseudonym
 * only. */
#define CASE_COLUMNS                                                                               \
    "c.id, c.target_type, c.target, c.account, c.lane, c.priority, c.risk, c.reach,"               \
    " c.freshness, c.status, c.source, c.rule, c.claimed_pseudonym, c.claimed_at, c.not_before,"   \
    " c.created_at, c.updated_at, c.signals"

/* Append a decimal integer (vg_buf_printf goes through printf, the cost this file avoids). */
static vg_status put_int(struct vg_buf *b, int64_t v)
{
    char t[24], *p = t + sizeof t;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *--p = '-';
    return vg_buf_append(b, p, (size_t)(t + sizeof t - p));
}

/* SQLite's round(x, 6) (print with 6 decimals, read back) then the way its JSON writes a REAL
 * ("%!.15g": a ".0" when the digits show no point). Between 1e-4 and 1e9, where "%.15g" writes
 * the digits without an exponent and 15 of them hold the 6 decimals, in integers; elsewhere
 * through printf. */
static vg_status put_round6(struct vg_buf *b, double x)
{
    double ax = fabs(x);
    if (x == 0 || (ax >= 1e-4 && ax < 1e9)) {
        int64_t v = llround(ax * 1e6);
        if (x < 0 && v && vg_buf_putc(b, '-'))
            return VG_ENOMEM;
        vg_status rc = put_int(b, v / 1000000);
        char t[8];
        int frac = (int)(v % 1000000), n = 6;
        for (int i = 5; i >= 0; i--, frac /= 10)
            t[i] = (char)('0' + frac % 10);
        while (n > 1 && t[n - 1] == '0')
            n--;
        if (!rc)
            rc = vg_buf_putc(b, '.');
        return rc ? rc : vg_buf_append(b, t, (size_t)n);
    }
    char t[64];
    snprintf(t, sizeof t, "%.6f", x);
    snprintf(t, sizeof t, "%.15g", strtod(t, NULL));
    const char *e = strchr(t, 'e');
    size_t digits = e ? (size_t)(e - t) : strlen(t);
    vg_status rc = vg_buf_append(b, t, digits);
    if (!rc && !memchr(t, '.', digits) && !strpbrk(t, "in")) /* no point, not inf / nan */
        rc = vg_buf_puts(b, ".0");
    return rc || !e ? rc : vg_buf_puts(b, e);
}

static vg_status put_column(struct vg_buf *b, sqlite3_stmt *s, int i)
{
    switch (sqlite3_column_type(s, i)) {
        case SQLITE_NULL:
            return vg_buf_puts(b, "null");
        case SQLITE_INTEGER:
            return put_int(b, sqlite3_column_int64(s, i));
        default:
            return vg_buf_json_str(b, col_text(s, i), (size_t)sqlite3_column_bytes(s, i));
    }
}

/* Append the current row of a CASE_COLUMNS statement as one JSON object. */
static vg_status put_case(struct vg_buf *b, sqlite3_stmt *s)
{
    static const char *const keys[] = {
        "{\"id\":",         ",\"target_type\":", ",\"target\":",     ",\"account\":",
        ",\"lane\":",       ",\"priority\":",    ",\"risk\":",       ",\"reach\":",
        ",\"freshness\":",  ",\"status\":",      ",\"source\":",     ",\"rule\":",
        ",\"claimed_by\":", ",\"claimed_at\":",  ",\"not_before\":", ",\"created_at\":",
        ",\"updated_at\":", ",\"signals\":",
    };
    vg_status rc = VG_OK;
    for (int i = 0; !rc && i < (int)VG_ARRAY_LEN(keys); i++) {
        rc = vg_buf_puts(b, keys[i]);
        if (rc)
            break;
        if (i >= 5 && i <= 8) /* the scores */
            rc = put_round6(b, sqlite3_column_double(s, i));
        else if (i == 17) /* JSON text written by the rules: it goes in as it is stored */
            rc = vg_buf_puts(b, col_text(s, i) ? col_text(s, i) : "null");
        else
            rc = put_column(b, s, i);
    }
    return rc ? rc : vg_buf_putc(b, '}');
}

/* Step s (CASE_COLUMNS) to the end, appending its cases as a JSON list inside {"cases":...}
 * (list set) or the one case alone; *found says whether there was a row. Finalizes. */
static vg_status put_cases(void *st, sqlite3_stmt *s, struct vg_buf *out, int list, int *found,
                           const char *what)
{
    vg_status rc = list ? vg_buf_puts(out, "{\"cases\":[") : VG_OK;
    int n = 0, src;
    while (!rc && (src = sqlite3_step(s)) == SQLITE_ROW) {
        if (n++ && (rc = vg_buf_putc(out, ',')))
            break;
        rc = put_case(out, s);
    }
    if (!rc && src != SQLITE_DONE)
        rc = vg__sqlite_fail(st, src, what);
    if (!rc && list)
        rc = vg_buf_puts(out, "]}");
    if (found)
        *found = n > 0;
    sqlite3_finalize(s);
    return rc;
}

/* Only the filters given go into the statement: SQLite plans "?1 IS NULL OR c.lane = ?1" as a
 * scan and a sort of every case, while "c.status = ?2" alone reads the LIMIT rows in order from
 * the cases_queue index (status, lane_rank, priority DESC, id). */
static vg_status queue_json(void *st, const struct vg_store_queue_filter *f, struct vg_buf *out)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT " CASE_COLUMNS " FROM cases c WHERE c.priority >= ?5%s%s%s%s"
             " ORDER BY c.lane_rank, c.priority DESC, c.id LIMIT ?6",
             f->lane ? " AND c.lane = ?1" : "", f->status ? " AND c.status = ?2" : "",
             f->claimed_by ? " AND c.claimed_by = ?3" : "",
             f->unclaimed ? " AND c.claimed_by IS NULL" : "");
    sqlite3_stmt *s;
    vg_status rc = prep(st, sql, &s);
    if (rc)
        return rc;
    bind_text(s, 1, f->lane);
    bind_text(s, 2, f->status);
    bind_text(s, 3, f->claimed_by);
    sqlite3_bind_double(s, 5, f->min_priority);
    sqlite3_bind_int64(s, 6, f->limit);
    return put_cases(st, s, out, 1, NULL, "listing the queue");
}

static vg_status case_json(void *st, int64_t id, struct vg_buf *out, int *found)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st, "SELECT " CASE_COLUMNS " FROM cases c WHERE c.id = ?1", &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    return put_cases(st, s, out, 0, found, "reading a case");
}

/* The posts of a case: the post itself, or the account's latest 20. */
#define CASE_POSTS                                                                                 \
    "WITH c AS (SELECT * FROM cases WHERE id = ?1),"                                               \
    " cp AS (SELECT p.* FROM posts p, c WHERE (c.target_type = 'post' AND p.id = c.target)"        \
    "  OR (c.target_type = 'account' AND p.rowid IN (SELECT rowid FROM posts"                      \
    "  WHERE account = c.target ORDER BY created_at DESC LIMIT 20))) "

/* clang-format off */
static const char *const part_sql[VG_PART__COUNT] = {
    [VG_PART_POSTS] = CASE_POSTS
        "SELECT json_group_array(json_object('id', id, 'platform', platform, 'account', account,"
        " 'created_at', created_at, 'text', text, 'lang', lang, 'reply_to', reply_to,"
        " 'repost_of', repost_of, 'quote_of', quote_of, 'hashtags', json(hashtags),"
        " 'urls', json(urls), 'media', (SELECT json_group_array(json_object('url', m.value,"
        " 'blurred', json('true'))) FROM json_each(ifnull(cp.media, '[]')) m))) FROM cp",
    [VG_PART_SCORES] = CASE_POSTS
        "SELECT json_group_array(json_object('post', s.post_id, 'model', s.model, 'score',"
        " round(s.score, 6), 'flagged', s.flagged, 'categories', s.categories, 'threat',"
        " round(s.threat, 6), 'escalate', s.escalate, 'exempt', s.exempt, 'lang', s.lang))"
        " FROM post_scores s JOIN cp ON cp.id = s.post_id",
    [VG_PART_MATCHES] = CASE_POSTS
        "SELECT json_group_array(json_object('post', m.post, 'bank', m.bank, 'item', m.item,"
        " 'kind', m.kind, 'distance', m.distance, 'label', i.label, 'tco', i.tco))"
        " FROM post_matches m JOIN cp ON cp.id = m.post LEFT JOIN bank_items i ON i.id = m.item",
    [VG_PART_LIST_HITS] = CASE_POSTS
        "SELECT json_group_array(json_object('post', cp.id, 'url', u.url, 'list', l.name,"
        " 'scope', l.scope, 'value', e.value, 'severity', e.severity)) FROM cp"
        " JOIN post_urls u ON u.post = cp.rowid JOIN site_list_entries e ON e.kind = 'domain'"
        " AND e.withdrawn IS NULL AND e.value = u.domain JOIN site_lists l ON l.id = e.list",
    [VG_PART_ACCOUNT] =
        "SELECT json_group_array(json_object('id', a.id, 'platform', a.platform, 'handle',"
        " a.handle, 'name', a.name, 'bio', a.bio, 'created_at', a.created_at, 'followers',"
        " a.followers, 'following', a.following, 'posts', a.posts, 'first_seen', a.first_seen,"
        " 'avatar', json_object('url', a.avatar_url, 'blurred', json('true'))))"
        " FROM accounts a WHERE a.id = (SELECT account FROM cases WHERE id = ?1)",
    [VG_PART_HISTORY] =
        "SELECT json_group_array(json_object('handle', h.handle, 'name', h.name, 'bio', h.bio,"
        " 'first_seen', h.first_seen, 'last_seen', h.last_seen)) FROM account_history h"
        " WHERE h.account = (SELECT account FROM cases WHERE id = ?1)",
    [VG_PART_RETURNS] =
        "SELECT json_group_array(json_object('account', r.account, 'replaces', r.replaces,"
        " 'persona', r.persona, 'score', round(r.score, 6), 'linked_at', r.linked_at,"
        " 'evidence', json(r.evidence))) FROM return_links r, (SELECT account AS a FROM cases"
        " WHERE id = ?1) c WHERE r.account = c.a OR r.replaces = c.a OR r.persona = c.a"
        " OR r.persona = (SELECT persona FROM return_links WHERE account = c.a)",
    [VG_PART_NEIGHBOURS] =
        "WITH c AS (SELECT account AS a FROM cases WHERE id = ?1) SELECT json_object("
        " 'follows', (SELECT json_group_array(dst) FROM (SELECT DISTINCT e.dst FROM edges e, c"
        "  WHERE e.kind = 'follow' AND e.src = c.a LIMIT 25)),"
        " 'followers', (SELECT json_group_array(src) FROM (SELECT DISTINCT e.src FROM edges e, c"
        "  WHERE e.kind = 'follow' AND e.dst = c.a LIMIT 25)),"
        " 'interacts_with', (SELECT json_group_array(json_object('account', b, 'times', n))"
        "  FROM (SELECT q.account AS b, count(*) AS n FROM posts p, c JOIN posts q"
        "  ON q.id IN (p.reply_to, p.repost_of, p.quote_of) WHERE p.account = c.a"
        "  AND q.account <> c.a GROUP BY q.account ORDER BY n DESC LIMIT 25)))",
    [VG_PART_MODERATION] =
        "SELECT json_group_array(json_object('kind', m.kind, 'at', m.at, 'reason', m.reason))"
        " FROM moderation m WHERE m.account = (SELECT account FROM cases WHERE id = ?1)",
    [VG_PART_SOURCES] =
        "SELECT json_group_array(json_object('kind', s.kind, 'ref', s.ref, 'at', s.at,"
        " 'report', (SELECT json_object('kind', i.kind, 'reason', i.reason, 'category',"
        " i.category, 'filer', i.filer_pseudonym, 'filer_role', i.filer_role) FROM intake_reports"
        " i WHERE s.kind = 'intake' AND i.id = CAST(s.ref AS INTEGER))))"
        " FROM case_sources s WHERE s.case_id = ?1",
    [VG_PART_DECISIONS] =
        "SELECT json_group_array(json_object('id', d.id, 'action', d.action, 'jurisdictions',"
        " json(d.jurisdictions), 'ground', d.ground, 'explanation', d.explanation,"
        " 'decided_by', d.decider_pseudonym, 'automated', d.automated, 'decided_at',"
        " d.decided_at, 'enforce_at', d.enforce_at, 'reverses', d.reverses)) FROM"
        " (SELECT * FROM decisions WHERE case_id = ?1 ORDER BY id) d",
    [VG_PART_APPEALS] =
        "SELECT json_group_array(json_object('id', a.id, 'decision', a.decision, 'filed_by',"
        " a.filer_pseudonym, 'reason', a.reason, 'filed_at', a.filed_at, 'outcome', a.outcome,"
        " 'decided_at', a.decided_at)) FROM (SELECT * FROM appeals WHERE case_id = ?1"
        " ORDER BY id) a",
    /* The case's own audit trail, actors by pseudonym (actor_id names no one but is left out:
     * the case view is read by reviewers, who see colleagues by pseudonym only). */
    [VG_PART_AUDIT] =
        "SELECT json_group_array(json_object('seq', a.seq, 'at', a.at, 'actor', a.actor,"
        " 'action', a.action, 'detail', json(a.detail))) FROM (SELECT * FROM audit_log"
        " WHERE object = 'case:' || ?1 ORDER BY seq) a",
    /* The account's community as the last `vigie network communities` run stored it: the run
     * (null fields when none ran), the account's place in it (null when it was in none) and the
     * community's summary with its 10 highest-scoring members. */
    [VG_PART_COMMUNITY] =
        "WITH c AS (SELECT account AS a FROM cases WHERE id = ?1),"
        " m AS (SELECT x.* FROM account_communities x, c WHERE x.account = c.a)"
        " SELECT json_object('computed_at', r.at, 'before', r.before, 'threshold', r.threshold,"
        " 'account', (SELECT json_object('rank', m.rank, 'score', round(m.score, 6), 'seed',"
        "  json(CASE WHEN m.seed THEN 'true' ELSE 'false' END)) FROM m),"
        " 'community', (SELECT json_object('id', 'c' || k.id, 'size', k.size, 'seeds', k.seeds,"
        "  'lang', k.lang, 'mean_score', round(k.mean_score, 6), 'top_members',"
        "  (SELECT json_group_array(json_object('account', t.account, 'handle', (SELECT handle"
        "   FROM accounts WHERE id = t.account), 'score', round(t.score, 6), 'seed',"
        "   json(CASE WHEN t.seed THEN 'true' ELSE 'false' END))) FROM (SELECT * FROM"
        "   account_communities WHERE community = k.id ORDER BY rank LIMIT 10) t),"
        "  'top_hashtags', json(k.top_hashtags), 'top_domains', json(k.top_domains))"
        "  FROM m JOIN communities k ON k.id = m.community))"
        " FROM (SELECT 1) LEFT JOIN community_run r ON r.one = 1",
};

/* clang-format on */

static vg_status case_part_json(void *st, enum vg_case_part part, int64_t id, struct vg_buf *out)
{
    if ((unsigned)part >= VG_PART__COUNT)
        return VG_EINVAL;
    sqlite3_stmt *s;
    vg_status rc = prep(st, part_sql[part], &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    int found;
    if ((rc = json_row(st, s, out, &found, "reading a case")))
        return rc;
    return found ? VG_OK : vg_buf_puts(out, "[]");
}

static vg_status case_state(void *st, int64_t id, vg_store_case_state_fn fn, void *ud, int *found)
{
    sqlite3_stmt *s;
    *found = 0;
    vg_status rc = prep(st,
                        "SELECT id, target_type, target, account, lane, status, claimed_by,"
                        " not_before FROM cases WHERE id = ?1",
                        &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    int src = sqlite3_step(s);
    if (src == SQLITE_ROW) {
        struct vg_store_case_state c = {
            .id = sqlite3_column_int64(s, 0),
            .target_type = col_text(s, 1),
            .target = col_text(s, 2),
            .account = col_text(s, 3),
            .lane = col_text(s, 4),
            .status = col_text(s, 5),
            .claimed_by = col_text(s, 6),
            .not_before = col_time(s, 7),
        };
        *found = 1;
        rc = fn(&c, ud);
    } else if (src != SQLITE_DONE) {
        rc = vg__sqlite_fail(st, src, "reading a case");
    }
    sqlite3_finalize(s);
    return rc;
}

static vg_status case_claim(void *st, int64_t id, const char *by, const char *pseudonym, int64_t at,
                            int *won)
{
    sqlite3_stmt *s;
    *won = 0;
    /* The exclusive claim: whoever's UPDATE finds the row unclaimed wins; SQLite serialises
     * writers, so of two racing reviewers one changes the row and the other changes nothing. */
    vg_status rc = prep(st,
                        "UPDATE cases SET claimed_by = ?2, claimed_pseudonym = ?3,"
                        " claimed_at = ?4, updated_at = ?4 WHERE id = ?1"
                        " AND (claimed_by IS NULL OR claimed_by = ?2)",
                        &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    bind_text(s, 2, by);
    bind_text(s, 3, pseudonym);
    sqlite3_bind_int64(s, 4, at);
    if ((rc = vg__sqlite_run(st, s, "claiming a case")))
        return rc;
    *won = vg__sqlite_changes(st) > 0;
    return VG_OK;
}

static vg_status case_release(void *st, int64_t id, const char *by, int64_t at, int *done)
{
    sqlite3_stmt *s;
    *done = 0;
    vg_status rc = prep(st,
                        "UPDATE cases SET claimed_by = NULL, claimed_pseudonym = NULL,"
                        " claimed_at = NULL, updated_at = ?3 WHERE id = ?1"
                        " AND claimed_by IS NOT NULL AND (?2 IS NULL OR claimed_by = ?2)",
                        &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    bind_text(s, 2, by);
    sqlite3_bind_int64(s, 3, at);
    if ((rc = vg__sqlite_run(st, s, "releasing a case")))
        return rc;
    *done = vg__sqlite_changes(st) > 0;
    return VG_OK;
}

static vg_status case_set(void *st, int64_t id, const char *status, const char *lane, int lane_rank,
                          int64_t at)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st,
                        "UPDATE cases SET status = coalesce(?2, status), lane = coalesce(?3,"
                        " lane), lane_rank = CASE WHEN ?3 IS NULL THEN lane_rank ELSE ?4 END,"
                        " updated_at = ?5 WHERE id = ?1",
                        &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    bind_text(s, 2, status);
    bind_text(s, 3, lane);
    sqlite3_bind_int(s, 4, lane_rank);
    sqlite3_bind_int64(s, 5, at);
    return vg__sqlite_run(st, s, "updating a case");
}

static vg_status case_not_before(void *st, int64_t id, int64_t not_before)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st, "UPDATE cases SET not_before = ?2 WHERE id = ?1", &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    bind_time(s, 2, not_before);
    return vg__sqlite_run(st, s, "setting a gag date");
}

/* ---- decisions and delivery ----------------------------------------------------------------- */

static vg_status decision_insert(void *st, const struct vg_store_decision *d, int64_t *id)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st,
                        "INSERT INTO decisions (case_id, action, jurisdictions, ground,"
                        " explanation, decided_by, decider_pseudonym, automated, decided_at,"
                        " enforce_at, reverses, legal_ground) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
                        " ?7, ?8, ?9, ?10, nullif(?11, 0), ?12)",
                        &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, d->case_id);
    bind_text(s, 2, d->action);
    bind_text(s, 3, d->jurisdictions);
    bind_text(s, 4, d->ground);
    bind_text(s, 5, d->explanation);
    bind_text(s, 6, d->decided_by);
    bind_text(s, 7, d->decider_pseudonym);
    sqlite3_bind_int(s, 8, d->automated);
    sqlite3_bind_int64(s, 9, d->decided_at);
    sqlite3_bind_int64(s, 10, d->enforce_at);
    sqlite3_bind_int64(s, 11, d->reverses);
    bind_text(s, 12, d->legal_ground);
    if ((rc = vg__sqlite_run(st, s, "storing a decision")))
        return rc;
    *id = last_id(st);
    return VG_OK;
}

static vg_status decision_json(void *st, int64_t id, struct vg_buf *out, int *found)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st,
                        "SELECT json_object('id', d.id, 'case', d.case_id, 'action', d.action,"
                        " 'jurisdictions', json(d.jurisdictions), 'ground', d.ground,"
                        " 'legal_ground', d.legal_ground,"
                        " 'explanation', d.explanation, 'decided_by', d.decider_pseudonym,"
                        " 'automated', d.automated, 'decided_at', d.decided_at, 'enforce_at',"
                        " d.enforce_at, 'reverses', d.reverses, 'target_type', c.target_type,"
                        " 'target', c.target, 'account', c.account, 'platform',"
                        " (SELECT platform FROM posts WHERE id = c.target), 'categories',"
                        " (SELECT max(categories) FROM post_scores WHERE post_id = c.target),"
                        " 'source', c.source, 'lane', c.lane, 'post_created_at', (SELECT created_at"
                        " FROM posts WHERE id = c.target), 'lang', (SELECT lang FROM posts"
                        " WHERE id = c.target), 'has_media', (SELECT ifnull(json_array_length("
                        "media), 0) > 0 FROM posts WHERE id = c.target), 'case_created_at',"
                        " c.created_at)"
                        " FROM decisions d JOIN cases c ON c.id = d.case_id WHERE d.id = ?1",
                        &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    return json_row(st, s, out, found, "reading a decision");
}

static vg_status outbox_insert(void *st, int64_t decision, const char *payload, int64_t due_at)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st,
                        "INSERT INTO outbox (decision, payload, due_at, next_at)"
                        " VALUES (?1, ?2, ?3, ?3)",
                        &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, decision);
    bind_text(s, 2, payload);
    sqlite3_bind_int64(s, 3, due_at);
    return vg__sqlite_run(st, s, "queueing an action");
}

static vg_status outbox_due(void *st, int64_t now, int max_attempts, int64_t limit,
                            vg_store_outbox_fn fn, void *ud)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st,
                        "SELECT id, decision, payload, attempts, file_at FROM outbox"
                        " WHERE delivered_at IS NULL AND next_at <= ?1 AND due_at <= ?1"
                        " AND (attempts < ?2 OR file_at IS NULL) ORDER BY id LIMIT ?3",
                        &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, now);
    sqlite3_bind_int(s, 2, max_attempts);
    sqlite3_bind_int64(s, 3, limit);
    int src;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        struct vg_store_outbox o = {
            .id = sqlite3_column_int64(s, 0),
            .decision = sqlite3_column_int64(s, 1),
            .payload = col_text(s, 2),
            .attempts = sqlite3_column_int(s, 3),
            .file_at = col_time(s, 4),
        };
        if ((rc = fn(&o, ud)))
            break;
    }
    if (!rc && src != SQLITE_DONE)
        rc = vg__sqlite_fail(st, src, "reading the outbox");
    sqlite3_finalize(s);
    return rc;
}

static vg_status outbox_filed(void *st, int64_t id, int64_t at)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st, "UPDATE outbox SET file_at = ?2 WHERE id = ?1", &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, at);
    return vg__sqlite_run(st, s, "marking an action filed");
}

static vg_status outbox_result(void *st, int64_t id, int delivered, int64_t at, int64_t next_at,
                               const char *error)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st,
                        delivered ? "UPDATE outbox SET delivered_at = ?2, attempts = attempts + 1,"
                                    " last_error = NULL WHERE id = ?1"
                                  : "UPDATE outbox SET attempts = attempts + 1, next_at = ?3,"
                                    " last_error = ?4 WHERE id = ?1",
                        &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    if (delivered) {
        sqlite3_bind_int64(s, 2, at);
    } else {
        sqlite3_bind_int64(s, 3, next_at);
        bind_text(s, 4, error);
    }
    return vg__sqlite_run(st, s, "recording a delivery");
}

static vg_status outbox_counts_json(void *st, int max_attempts, struct vg_buf *out)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st,
                        "SELECT json_object('queued', count(*), 'delivered',"
                        " count(delivered_at), 'failed', ifnull(sum(delivered_at IS NULL AND"
                        " attempts >= ?1), 0), 'filed', count(file_at)) FROM outbox",
                        &s);
    if (rc)
        return rc;
    sqlite3_bind_int(s, 1, max_attempts);
    return json_row(st, s, out, NULL, "counting the outbox");
}

/* ---- appeals -------------------------------------------------------------------------------- */

static vg_status appeal_insert(void *st, int64_t case_id, int64_t decision, const char *by,
                               const char *pseudonym, const char *reason, int64_t at, int64_t *id)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st,
                        "INSERT INTO appeals (case_id, decision, filed_by, filer_pseudonym,"
                        " reason, filed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, case_id);
    sqlite3_bind_int64(s, 2, decision);
    bind_text(s, 3, by);
    bind_text(s, 4, pseudonym);
    bind_text(s, 5, reason);
    sqlite3_bind_int64(s, 6, at);
    if ((rc = vg__sqlite_run(st, s, "storing an appeal")))
        return rc;
    *id = last_id(st);
    return VG_OK;
}

static vg_status appeal_get(void *st, int64_t case_id, struct vg_store_appeal *a, int *found)
{
    sqlite3_stmt *s;
    *found = 0;
    memset(a, 0, sizeof(*a));
    vg_status rc = prep(st,
                        "SELECT a.id, a.decision, ifnull(a.outcome, ''), d.decided_by FROM appeals"
                        " a JOIN decisions d ON d.id = a.decision WHERE a.case_id = ?1"
                        " ORDER BY a.outcome IS NULL DESC, a.id DESC LIMIT 1",
                        &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, case_id);
    int src = sqlite3_step(s);
    if (src == SQLITE_ROW) {
        a->id = sqlite3_column_int64(s, 0);
        a->case_id = case_id;
        a->decision = sqlite3_column_int64(s, 1);
        snprintf(a->outcome, sizeof(a->outcome), "%s", col_text(s, 2));
        snprintf(a->decided_by, sizeof(a->decided_by), "%s", col_text(s, 3));
        *found = 1;
    }
    sqlite3_finalize(s);
    return src == SQLITE_ROW || src == SQLITE_DONE ? VG_OK
                                                   : vg__sqlite_fail(st, src, "reading an appeal");
}

static vg_status appeal_decide(void *st, int64_t id, const char *outcome, const char *by,
                               int64_t at)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st,
                        "UPDATE appeals SET outcome = ?2, decided_by = ?3, decided_at = ?4"
                        " WHERE id = ?1 AND outcome IS NULL",
                        &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    bind_text(s, 2, outcome);
    bind_text(s, 3, by);
    sqlite3_bind_int64(s, 4, at);
    return vg__sqlite_run(st, s, "deciding an appeal");
}

static vg_status last_decision(void *st, int64_t case_id, int64_t *id, char *decider, size_t cap,
                               char *action, size_t acap)
{
    sqlite3_stmt *s;
    *id = 0;
    decider[0] = action[0] = 0;
    vg_status rc = prep(st,
                        "SELECT id, decided_by, action FROM decisions WHERE case_id = ?1"
                        " ORDER BY id DESC LIMIT 1",
                        &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, case_id);
    int src = sqlite3_step(s);
    if (src == SQLITE_ROW) {
        *id = sqlite3_column_int64(s, 0);
        snprintf(decider, cap, "%s", col_text(s, 1));
        snprintf(action, acap, "%s", col_text(s, 2));
    }
    sqlite3_finalize(s);
    return src == SQLITE_ROW || src == SQLITE_DONE ? VG_OK
                                                   : vg__sqlite_fail(st, src, "reading a decision");
}

/* ---- trusted flaggers ----------------------------------------------------------------------- */

static vg_status mute_set(void *st, const char *filer, int muted, const char *by,
                          const char *reason, int64_t at, int *changed)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st,
                        muted ? "INSERT OR IGNORE INTO flagger_mutes (filer, muted_by, reason, at)"
                                " VALUES (?1, ?2, ?3, ?4)"
                              : "DELETE FROM flagger_mutes WHERE filer = ?1",
                        &s);
    if (rc)
        return rc;
    bind_text(s, 1, filer);
    if (muted) {
        bind_text(s, 2, by);
        bind_text(s, 3, reason);
        sqlite3_bind_int64(s, 4, at);
    }
    if ((rc = vg__sqlite_run(st, s, "muting a reporter")))
        return rc;
    *changed = vg__sqlite_changes(st) > 0;
    return VG_OK;
}

static vg_status muted(void *st, const char *filer, int *is_muted)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st, "SELECT 1 FROM flagger_mutes WHERE filer = ?1", &s);
    if (rc)
        return rc;
    bind_text(s, 1, filer);
    int src = sqlite3_step(s);
    *is_muted = src == SQLITE_ROW;
    sqlite3_finalize(s);
    return src == SQLITE_ROW || src == SQLITE_DONE ? VG_OK
                                                   : vg__sqlite_fail(st, src, "reading mutes");
}

/* Per notice: the latest decision of the case it joined. Upheld = an action other than
 * no_action; accuracy = upheld / decided. */
static vg_status flaggers_json(void *st, const char *filer, int with_ids, struct vg_buf *out)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st,
                        "SELECT json_group_array(json_object('filer', CASE WHEN ?2 THEN filer"
                        " END, 'pseudonym', pseudonym, 'notices', notices, 'decided', decided,"
                        " 'upheld', upheld, 'accuracy', CASE WHEN decided > 0 THEN"
                        " round(1.0 * upheld / decided, 4) END, 'muted', json(CASE WHEN"
                        " muted THEN 'true' ELSE 'false' END))) FROM (SELECT i.filer AS filer,"
                        " max(i.filer_pseudonym) AS pseudonym, count(*) AS notices,"
                        " count(d.action) AS decided, ifnull(sum(d.action <> 'no_action'), 0)"
                        " AS upheld, EXISTS (SELECT 1 FROM flagger_mutes m WHERE m.filer ="
                        " i.filer) AS muted FROM intake_reports i LEFT JOIN case_sources cs ON"
                        " cs.kind = 'intake' AND cs.ref = CAST(i.id AS TEXT) LEFT JOIN"
                        " decisions d ON d.id = (SELECT max(id) FROM decisions WHERE case_id ="
                        " cs.case_id) WHERE i.kind = 'notice' AND (?1 IS NULL OR i.filer = ?1)"
                        " GROUP BY i.filer ORDER BY i.filer)",
                        &s);
    if (rc)
        return rc;
    bind_text(s, 1, filer);
    sqlite3_bind_int(s, 2, with_ids);
    return json_row(st, s, out, NULL, "reading flagger accuracy");
}

/* ---- statements of reasons and counters ---------------------------------------------------- */

static vg_status sor_missing(void *st, int64_t limit, int64_t *ids, size_t *n)
{
    sqlite3_stmt *s;
    *n = 0;
    vg_status rc = prep(st,
                        "SELECT d.id FROM decisions d LEFT JOIN sor ON sor.decision = d.id"
                        " WHERE sor.decision IS NULL ORDER BY d.id LIMIT ?1",
                        &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, limit);
    int src;
    while ((src = sqlite3_step(s)) == SQLITE_ROW)
        ids[(*n)++] = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return src == SQLITE_DONE ? VG_OK : vg__sqlite_fail(st, src, "reading decisions");
}

static vg_status sor_insert(void *st, int64_t decision, const char *puid, const char *body,
                            int64_t at, int *inserted)
{
    sqlite3_stmt *s;
    vg_status rc = prep(st,
                        "INSERT OR IGNORE INTO sor (decision, puid, body, created_at)"
                        " VALUES (?1, ?2, ?3, ?4)",
                        &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, decision);
    bind_text(s, 2, puid);
    bind_text(s, 3, body);
    sqlite3_bind_int64(s, 4, at);
    if ((rc = vg__sqlite_run(st, s, "storing a statement of reasons")))
        return rc;
    *inserted = vg__sqlite_changes(st) > 0;
    return VG_OK;
}

static vg_status sor_export(void *st, int64_t after, int64_t since, int64_t now, int64_t limit,
                            struct vg_buf *out, int64_t *last, int64_t *n, int64_t *held)
{
    sqlite3_stmt *s;
    *last = after;
    *n = 0;
    *held = 0;
    vg_status rc = prep(st,
                        "SELECT s.decision, s.body, (c.not_before IS NOT NULL AND"
                        " c.not_before > ?3) OR (c.target_type = 'post' AND"
                        " coalesce((SELECT max(o.gag_until) FROM order_posts p"
                        " JOIN removal_orders o ON o.id = p.order_id WHERE p.post_id = c.target),"
                        " 0) > ?3) FROM sor s JOIN decisions d ON d.id = s.decision"
                        " JOIN cases c ON c.id = d.case_id WHERE s.decision > ?1"
                        " AND (?2 IS NULL OR d.decided_at >= ?2) ORDER BY s.decision",
                        &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, after);
    bind_time(s, 2, since);
    sqlite3_bind_int64(s, 3, now);
    int src;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        if (sqlite3_column_int(s, 2)) {
            (*held)++; /* gagged (the case's date, or a removal order's gag on its post, TCO
                        * Art 11(3)): not exported before its date */
            continue;
        }
        if (*n == limit)
            break;
        if ((rc = vg_buf_puts(out, col_text(s, 1))) || (rc = vg_buf_putc(out, '\n')))
            break;
        *last = sqlite3_column_int64(s, 0);
        (*n)++;
    }
    if (!rc && src != SQLITE_DONE && src != SQLITE_ROW)
        rc = vg__sqlite_fail(st, src, "reading statements of reasons");
    sqlite3_finalize(s);
    return rc;
}

/* DSA Art. 15/24 counters over decisions and intake in [from, to). Handling time: from the
 * case's opening to its first decision. */
static vg_status dsa_json(void *st, int64_t from, int64_t to, struct vg_buf *out)
{
    sqlite3_stmt *s;
    vg_status rc = prep(
            st,
            "WITH d AS (SELECT * FROM decisions WHERE decided_at >= ?1 AND decided_at < ?2"
            "  AND reverses IS NULL),"
            " first AS (SELECT c.id, c.source, min(x.decided_at) - c.created_at AS secs"
            "  FROM cases c JOIN decisions x ON x.case_id = c.id WHERE x.decided_at >= ?1"
            "  AND x.decided_at < ?2 GROUP BY c.id),"
            " tf AS (SELECT secs, row_number() OVER (ORDER BY secs) AS k, count(*) OVER () AS n"
            "  FROM first WHERE source = 'notice'),"
            " oth AS (SELECT secs, row_number() OVER (ORDER BY secs) AS k, count(*) OVER () AS n"
            "  FROM first WHERE source <> 'notice'),"
            " i AS (SELECT * FROM intake_reports WHERE created_at >= ?1 AND created_at < ?2),"
            " ap AS (SELECT * FROM appeals WHERE filed_at >= ?1 AND filed_at < ?2)"
            " SELECT json_object("
            " 'notices', json_object('total', (SELECT count(*) FROM i),"
            "  'trusted_flaggers', (SELECT count(*) FROM i WHERE kind = 'notice'),"
            "  'staff_reports', (SELECT count(*) FROM i WHERE kind = 'report')),"
            " 'decisions', json_object('total', (SELECT count(*) FROM d),"
            "  'own_initiative', (SELECT count(*) FROM d JOIN cases c ON c.id = d.case_id"
            "   WHERE c.source = 'rule'),"
            "  'on_notice', (SELECT count(*) FROM d JOIN cases c ON c.id = d.case_id"
            "   WHERE c.source <> 'rule'),"
            "  'automated', (SELECT count(*) FROM d WHERE automated),"
            "  'automated_share', (SELECT CASE WHEN count(*) THEN round(1.0 * sum(automated)"
            "   / count(*), 4) END FROM d),"
            "  'by_action', (SELECT json_group_object(action, n) FROM (SELECT action,"
            "   count(*) AS n FROM d GROUP BY action))),"
            " 'median_handling_seconds', json_object("
            "  'trusted_flagger_notices', (SELECT avg(secs) FROM tf WHERE k IN ((n + 1) / 2,"
            "   (n + 2) / 2)),"
            "  'other', (SELECT avg(secs) FROM oth WHERE k IN ((n + 1) / 2, (n + 2) / 2))),"
            " 'appeals', json_object('filed', (SELECT count(*) FROM ap),"
            "  'decided', (SELECT count(outcome) FROM ap),"
            "  'upheld', (SELECT count(*) FROM ap WHERE outcome = 'upheld'),"
            "  'reversed', (SELECT count(*) FROM ap WHERE outcome = 'reversed')))",
            &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, from);
    sqlite3_bind_int64(s, 2, to);
    return json_row(st, s, out, NULL, "counting for the DSA report");
}

/* ---- communities ---------------------------------------------------------------------------- */

static vg_status communities_replace(void *st, const struct vg_store_community_run *run,
                                     const struct vg_store_community *c, size_t n_c,
                                     const struct vg_store_community_member *m, size_t n_m)
{
    static const char *const clear[] = { "DELETE FROM community_run", "DELETE FROM communities",
                                         "DELETE FROM account_communities" };
    sqlite3_stmt *s;
    vg_status rc = VG_OK;
    for (size_t i = 0; i < VG_ARRAY_LEN(clear) && !rc; i++)
        if (!(rc = prep(st, clear[i], &s)))
            rc = vg__sqlite_run(st, s, "replacing communities");
    if (rc || (rc = prep(st,
                         "INSERT INTO community_run (one, at, before, threshold, seeds,"
                         " candidates, communities, members) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6,"
                         " ?7)",
                         &s)))
        return rc;
    sqlite3_bind_int64(s, 1, run->at);
    bind_time(s, 2, run->before);
    sqlite3_bind_double(s, 3, run->threshold);
    sqlite3_bind_int64(s, 4, run->seeds);
    sqlite3_bind_int64(s, 5, run->candidates);
    sqlite3_bind_int64(s, 6, (int64_t)n_c);
    sqlite3_bind_int64(s, 7, (int64_t)n_m);
    if ((rc = vg__sqlite_run(st, s, "storing a communities run")))
        return rc;
    /* Many rows: one prepared statement each for communities and members, reset per row. */
    if ((rc = prep(st,
                   "INSERT INTO communities (id, size, seeds, lang, mean_score, top_hashtags,"
                   " top_domains, computed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                   &s)))
        return rc;
    int src = SQLITE_DONE;
    for (size_t i = 0; i < n_c && src == SQLITE_DONE; i++) {
        sqlite3_bind_int64(s, 1, c[i].id);
        sqlite3_bind_int64(s, 2, c[i].size);
        sqlite3_bind_int64(s, 3, c[i].seeds);
        bind_text(s, 4, c[i].lang ? c[i].lang : "und");
        sqlite3_bind_double(s, 5, c[i].mean_score);
        bind_text(s, 6, c[i].top_hashtags ? c[i].top_hashtags : "[]");
        bind_text(s, 7, c[i].top_domains ? c[i].top_domains : "[]");
        sqlite3_bind_int64(s, 8, run->at);
        src = sqlite3_step(s);
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    if (src != SQLITE_DONE)
        return vg__sqlite_fail(st, src, "storing a community");
    if ((rc = prep(st,
                   "INSERT INTO account_communities (account, community, rank, score, seed,"
                   " computed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                   &s)))
        return rc;
    for (size_t i = 0; i < n_m && src == SQLITE_DONE; i++) {
        bind_text(s, 1, m[i].account);
        sqlite3_bind_int64(s, 2, m[i].community);
        sqlite3_bind_int64(s, 3, m[i].rank);
        sqlite3_bind_double(s, 4, m[i].score);
        sqlite3_bind_int(s, 5, m[i].seed != 0);
        sqlite3_bind_int64(s, 6, run->at);
        src = sqlite3_step(s);
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    return src == SQLITE_DONE ? VG_OK : vg__sqlite_fail(st, src, "storing a community member");
}

const struct vg_store_queue_ops vg__store_sqlite_queue = {
    .signals_scan = signals_scan,
    .account_signals_scan = account_signals_scan,
    .account_signals_get = account_signals_get,
    .storm_scores = storm_scores,
    .latest_post = latest_post,
    .targets_scan = targets_scan,
    .case_open = case_open,
    .case_source_add = case_source_add,
    .rule_run_insert = rule_run_insert,
    .rule_run_finish = rule_run_finish,
    .rule_shadow_insert = rule_shadow_insert,
    .queue_json = queue_json,
    .case_json = case_json,
    .case_part_json = case_part_json,
    .case_state = case_state,
    .case_claim = case_claim,
    .case_release = case_release,
    .case_set = case_set,
    .case_not_before = case_not_before,
    .decision_insert = decision_insert,
    .decision_json = decision_json,
    .outbox_insert = outbox_insert,
    .outbox_due = outbox_due,
    .outbox_filed = outbox_filed,
    .outbox_result = outbox_result,
    .outbox_counts_json = outbox_counts_json,
    .appeal_insert = appeal_insert,
    .appeal_get = appeal_get,
    .appeal_decide = appeal_decide,
    .last_decision = last_decision,
    .mute_set = mute_set,
    .muted = muted,
    .flaggers_json = flaggers_json,
    .sor_missing = sor_missing,
    .sor_insert = sor_insert,
    .sor_export = sor_export,
    .dsa_json = dsa_json,
    .communities_replace = communities_replace,
};
