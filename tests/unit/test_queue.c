/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_queue.c: cases, rules, queues and decisions (src/cases/cases_rules.c, cases_queue.c,
 * cases_outbox.c, cases_sor.c): the rules parser's errors, the priority's parts, a rules run,
 * shadow run and backtest over an invented store, exclusive claims (also two connections racing
 * from two threads), decisions by the claimant only with the random delay, appeals decided by
 * another reviewer, muted flaggers, statements of reasons (valid, no personal data, puid
 * idempotent, gag dates), the webhook against a real loopback listener that fails first, bulk
 * decide (each case as the single call), the stored community in the case view, and account
 * rules (parse errors; a return link and a storm's accounts queued as account cases, and only
 * those whose own posts in the storm score high enough, batch and live; shadow, backtest and an
 * automated suspend_account).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cases.h"
#include "store_fixture.h"
#include "store_queue.h"
#include "storm.h"

static void actor(struct vg_actor *a, enum vg_role role, int64_t id, const char *pseudonym)
{
    memset(a, 0, sizeof(*a));
    a->role = role;
    a->user_id = id;
    snprintf(a->actor_id, sizeof(a->actor_id), "user:%lld", (long long)id);
    snprintf(a->pseudonym, sizeof(a->pseudonym), "%s", pseudonym);
}

static void post(vg_db *db, const char *id, const char *author, int64_t at, double score,
                 double threat, unsigned cats)
{
    struct vg_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = VG_EV_POST;
    ev.u.post.id = id;
    ev.u.post.account = author;
    ev.u.post.created_at = at;
    ev.u.post.text = "invented text for a test";
    ev.u.post.lang = "en";
    fixture_put(db, &ev);
    if (score >= 0) {
        struct vg_post_score s;
        memset(&s, 0, sizeof(s));
        s.score = score;
        s.threat = threat;
        s.categories = cats;
        s.flagged = score >= 0.5;
        s.lang = "en";
        assert_int_equal(vg__db_put_score(db, id, "test-model", &s), VG_OK);
    }
}

static int64_t sql_int(const char *sql)
{
    sqlite3 *h;
    assert_int_equal(sqlite3_open(fixture_path, &h), SQLITE_OK);
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &s, NULL), SQLITE_OK);
    int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    sqlite3_finalize(s);
    sqlite3_close(h);
    return v;
}

static void parse_fails(const char *text, vg_status want, const char *msg)
{
    vg_rules *r = (vg_rules *)1;
    char err[256];
    assert_int_equal(vg_rules_parse(text, strlen(text), &r, err, sizeof(err)), want);
    assert_null(r);
    assert_string_equal(err, msg);
}

static void rules_parse_errors(void **state)
{
    (void)state;
    parse_fails("{\"rules\":[", VG_EPARSE, "malformed JSON at byte 9");
    parse_fails("[]", VG_EFIELD, "the file must be an object with one field, \"rules\": a list");
    parse_fails("{\"rules\":[]}", VG_EFIELD, "\"rules\" must hold 1 to 64 rules");
    parse_fails("{\"rules\":[{\"name\":\"a\",\"when\":{\"post_score_min\":2}}]}", VG_EFIELD,
                "rules[0].when.post_score_min: must be a number from 0 to 1");
    parse_fails("{\"rules\":[{\"name\":\"a\",\"when\":{\"x\":1}}]}", VG_EFIELD,
                "rules[0].when.x: unknown condition (docs/cases.md lists them)");
    parse_fails("{\"rules\":[{\"name\":\"a\",\"when\":{\"hash_match\":true}},"
                "{\"name\":\"a\",\"when\":{\"hash_match\":true}}]}",
                VG_EFIELD, "rules[1].name: is used by an earlier rule");
    parse_fails("{\"rules\":[{\"name\":\"Bad Name\",\"when\":{\"hash_match\":true}}]}", VG_EFIELD,
                "rules[0].name: must be 1 to 64 characters of a-z, 0-9, '-' and '_'");
    parse_fails("{\"rules\":[{\"name\":\"a\",\"when\":{\"any\":[{\"categories_any\":[\"x\"]}]}}]}",
                VG_EFIELD,
                "rules[0].when.any[0].categories_any: unknown category (incitement, "
                "solicitation_commit, solicitation_join, instruction, threat)");
    parse_fails("{\"rules\":[{\"name\":\"a\",\"lane\":\"fast\",\"when\":{\"escalate\":true}}]}",
                VG_EFIELD, "rules[0].lane: must be \"normal\" or \"urgent\"");
    parse_fails("{\"rules\":[{\"name\":\"a\",\"when\":{}}]}", VG_EFIELD,
                "rules[0].when: must be an object with at least one condition");
    parse_fails("{\"rules\":[{\"name\":\"a\",\"decide\":{\"action\":\"delete\"},"
                "\"when\":{\"hash_match\":true}}]}",
                VG_EFIELD,
                "rules[0].decide: field 'action' must be one of no_action, label, remove_post, "
                "restrict_visibility, suspend_account, geo_restrict, escalate_law_enforcement");
    parse_fails("{\"rules\":[{\"name\":\"a\",\"decide\":{\"action\":\"geo_restrict\"},"
                "\"when\":{\"hash_match\":true}}]}",
                VG_EFIELD,
                "rules[0].decide: geo_restrict is not decided by rules (it needs jurisdictions)");
    parse_fails("{\"rules\":[{\"name\":\"a\",\"decide\":{\"action\":\"label\",\"x\":1},"
                "\"when\":{\"hash_match\":true}}]}",
                VG_EFIELD,
                "rules[0].decide: unknown field (action, ground, legal_ground, explanation)");
    const char *ok = "{\"rules\":[{\"name\":\"a\",\"when\":{\"post_score_min\":0.5,"
                     "\"any\":[{\"hash_match\":true},{\"any\":[{\"list_match\":true}]}]}},"
                     "{\"name\":\"b\",\"shadow\":true,\"lane\":\"urgent\",\"when\":"
                     "{\"threat_min\":0.9}}]}";
    vg_rules *r;
    char err[256];
    assert_int_equal(vg_rules_parse(ok, strlen(ok), &r, err, sizeof(err)), VG_OK);
    assert_int_equal(vg_rules_count(r), 2);
    vg_rules_free(r);
}

static void priority_parts(void **state)
{
    (void)state;
    assert_true(fabs(vg__case_reach(-1) - 1.0 / 7.0) < 1e-12);
    assert_true(fabs(vg__case_reach(990) - 3.0 / 7.0) < 1e-12);
    assert_true(vg__case_reach(100000000) == 1.0);
    assert_true(fabs(vg__case_freshness(1000, 1000 + 86400) - 0.5) < 1e-12);
    assert_true(fabs(vg__case_freshness(1000, 1000 + 3 * 86400) - 0.125) < 1e-12);
    assert_true(vg__case_freshness(5000, 1000) == 1.0);
    struct vg_store_signal_row r = { .scored = 1, .score = 0.4, .threat = 0.6, .return_score = -1 };
    assert_true(vg__case_risk(&r, -1) == 0.6);
    r.list_hits = 1;
    assert_true(vg__case_risk(&r, -1) == 0.7);
    r.text_matches = 1;
    assert_true(vg__case_risk(&r, -1) == 0.9);
    r.hash_matches = 2;
    assert_true(vg__case_risk(&r, -1) == 1.0);
}

#define T0 1767225600 /* 2026-01-01 */

static const char rules_text[] =
        "{\"rules\":[{\"name\":\"threat\",\"lane\":\"urgent\",\"when\":{\"threat_min\":0.6}},"
        "{\"name\":\"high\",\"when\":{\"post_score_min\":0.8}},"
        "{\"name\":\"watch\",\"shadow\":true,\"when\":{\"post_score_min\":0.6}}]}";

static vg_db *world(const char *name, vg_rules **rules)
{
    vg_db *db = fixture_db("queue", name);
    post(db, "p1", "u1", T0, 0.95, 0.7, 1u << VG_TCO_THREAT);
    post(db, "p2", "u2", T0 + 86400, 0.85, 0.0, 1u << VG_TCO_INCITEMENT);
    post(db, "p3", "u2", T0 + 86400, 0.65, 0.0, 0);
    post(db, "p4", "u3", T0, 0.10, 0.0, 0);
    post(db, "p5", "u3", T0, -1, 0, 0);
    assert_int_equal(vg_db_flush(db), VG_OK);
    char err[256];
    assert_int_equal(vg_rules_parse(rules_text, strlen(rules_text), rules, err, sizeof(err)),
                     VG_OK);
    return db;
}

static int64_t summary_num(const char *json, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof(pat), "\"%s\":", key);
    /* The totals come after the per-rule list: the last occurrence. */
    const char *p = NULL;
    for (const char *q = strstr(json, pat); q; q = strstr(q + 1, pat))
        p = q;
    return p ? strtoll(p + strlen(pat), NULL, 10) : -1;
}

static void rules_run_shadow_backtest(void **state)
{
    (void)state;
    vg_rules *rules;
    vg_db *db = world("run", &rules);
    struct vg_actor cli;
    vg_actor_cli(&cli);
    char *s;
    assert_int_equal(vg_rules_apply(db, &cli, rules, VG_RULES_BACKTEST, &s), VG_OK);
    assert_int_equal(summary_num(s, "posts"), 5);
    assert_int_equal(summary_num(s, "matched_posts"), 3);
    assert_int_equal(summary_num(s, "would_open"), 3);
    assert_non_null(strstr(s, "{\"name\":\"watch\",\"lane\":\"normal\",\"shadow\":true,"
                              "\"matched\":3,\"opened\":0,\"would_open\":3"));
    vg_free(s);
    assert_int_equal(sql_int("SELECT count(*) FROM rule_shadow"), 0); /* backtest: no writes */
    assert_int_equal(vg_rules_apply(db, &cli, rules, VG_RULES_SHADOW, &s), VG_OK);
    vg_free(s);
    assert_int_equal(sql_int("SELECT count(*) FROM cases"), 0);
    assert_int_equal(sql_int("SELECT count(*) FROM rule_shadow"), 6); /* 1 + 2 + 3 hits */
    assert_int_equal(vg_rules_apply(db, &cli, rules, VG_RULES_RUN, &s), VG_OK);
    assert_int_equal(summary_num(s, "opened"), 2);
    assert_int_equal(summary_num(s, "would_open"), 1); /* p3: only the shadow rule */
    vg_free(s);
    assert_int_equal(vg_rules_apply(db, &cli, rules, VG_RULES_RUN, &s), VG_OK);
    assert_int_equal(summary_num(s, "opened"), 0);
    assert_int_equal(summary_num(s, "already_cased"), 2);
    vg_free(s);
    /* p1 in the urgent lane (ranked first), p2 normal; freshness relative to the newest post. */
    assert_int_equal(sql_int("SELECT lane_rank FROM cases WHERE target = 'p1'"), VG_LANE_URGENT);
    assert_int_equal(sql_int("SELECT round(freshness * 1000) FROM cases WHERE target = 'p1'"), 500);
    assert_int_equal(sql_int("SELECT round(priority * 1e6) FROM cases WHERE target = 'p2'"),
                     (int64_t)round(0.85 * (1.0 / 7.0) * 1.0 * 1e6));
    struct vg_queue_filter f = { 0 };
    char *q;
    assert_int_equal(vg_queue_json(db, &cli, &f, &q), VG_OK);
    const char *a = strstr(q, "\"target\":\"p1\""), *b = strstr(q, "\"target\":\"p2\"");
    assert_true(a && b && a < b);
    vg_free(q);
    f.lane = "nowhere";
    assert_int_equal(vg_queue_json(db, &cli, &f, &q), VG_EINVAL);
    vg_rules_free(rules);
    fixture_close(db);
}

/* The queue listing writes its JSON itself (store_sqlite_queue.c): the same bytes SQLite's
 * json_object gave, on scores with every kind of decimal, text with quotes, newlines and
 * non-ASCII letters, and NULL fields. (One known difference is left out: a value within a
 * rounding error of a tie at the 7th decimal, such as 5e-7, rounds as its binary value says
 * (0.0) in glibc's printf and up (1.0e-06) in SQLite's.) */
static void queue_listing_bytes(void **state)
{
    (void)state;
    vg_db *db = fixture_db("queue", "bytes");
    sqlite3 *h;
    assert_int_equal(sqlite3_open(fixture_path, &h), SQLITE_OK);
    static const double values[] = {
        0,         1,           2,         0.5,           1e-7,  4e-6,
        1.0 / 3,   123.4567891, 0.1 + 0.2, 7e5,           1e20,  0.0000015001,
        0.9999999, 0.00012345,  5.5e-5,    12345.6789012, 2.5e9, 3.14159265358979
    };
    static const char *const targets[] = { "p\"1", "line\nbreak", "عربي", "ordinaire", "a\\b" };
    sqlite3_stmt *ins;
    assert_int_equal(
            sqlite3_prepare_v2(h,
                               "INSERT INTO cases (target_type, target, account, lane, lane_rank,"
                               " risk, reach, freshness, priority, status, source, rule, signals,"
                               " claimed_by, claimed_pseudonym, claimed_at, created_at, updated_at)"
                               " VALUES ('post', ?1, ?2, 'normal', 3, ?3, ?4, ?5, ?6, 'open',"
                               " 'rule', ?7, '{\"n\":1}', ?8, ?8, ?9, 1700000000, 1700000001)",
                               -1, &ins, NULL),
            SQLITE_OK);
    size_t nv = VG_ARRAY_LEN(values);
    for (size_t i = 0; i < 60; i++) {
        char target[64];
        snprintf(target, sizeof target, "%s-%zu", targets[i % VG_ARRAY_LEN(targets)], i);
        sqlite3_bind_text(ins, 1, target, -1, SQLITE_TRANSIENT);
        if (i % 3)
            sqlite3_bind_text(ins, 2, "acct-1", -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(ins, 2);
        sqlite3_bind_double(ins, 3, values[i % nv]);
        sqlite3_bind_double(ins, 4, values[(i + 3) % nv]);
        sqlite3_bind_double(ins, 5, values[(i + 7) % nv]);
        sqlite3_bind_double(ins, 6, values[(i * 5) % nv]);
        if (i % 2)
            sqlite3_bind_text(ins, 7, "high-score", -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(ins, 7);
        if (i % 4 == 1) {
            sqlite3_bind_text(ins, 8, "Reviewer Quiet Heron", -1, SQLITE_STATIC);
            sqlite3_bind_int64(ins, 9, 1700000100 + (int64_t)i);
        } else {
            sqlite3_bind_null(ins, 8);
            sqlite3_bind_null(ins, 9);
        }
        assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    sqlite3_stmt *s;
    assert_int_equal(
            sqlite3_prepare_v2(
                    h,
                    "SELECT json_object('cases', json(ifnull(json_group_array(json(o)), '[]')))"
                    " FROM (SELECT json_object('id', c.id, 'target_type', c.target_type,"
                    " 'target', c.target, 'account', c.account, 'lane', c.lane, 'priority',"
                    " round(c.priority, 6), 'risk', round(c.risk, 6), 'reach', round(c.reach, 6),"
                    " 'freshness', round(c.freshness, 6), 'status', c.status, 'source', c.source,"
                    " 'rule', c.rule, 'claimed_by', c.claimed_pseudonym, 'claimed_at',"
                    " c.claimed_at, 'not_before', c.not_before, 'created_at', c.created_at,"
                    " 'updated_at', c.updated_at, 'signals', json(c.signals)) AS o FROM cases c"
                    " ORDER BY c.lane_rank, c.priority DESC, c.id LIMIT 1000)",
                    -1, &s, NULL),
            SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    char *want = strdup((const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    sqlite3_close(h);
    struct vg_actor cli;
    vg_actor_cli(&cli);
    struct vg_queue_filter f = { .status = "any", .limit = 1000 };
    char *got;
    assert_int_equal(vg_queue_json(db, &cli, &f, &got), VG_OK);
    assert_string_equal(got, want);
    vg_free(got);
    free(want);
    fixture_close(db);
}

/* A rule with "decide" decides each case it opens by itself: automated, by the rule's actor,
 * with its outbox row, statement of reasons (automated_decision FULLY) and audit entries; the
 * cases it did not open (already cased, or opened by another rule) wait for a reviewer. */
static void rule_decides(void **state)
{
    (void)state;
    vg_rules *unused;
    vg_db *db = world("decide", &unused);
    vg_rules_free(unused);
    static const char text[] =
            "{\"rules\":[{\"name\":\"known-threat\",\"lane\":\"urgent\",\"when\":"
            "{\"threat_min\":0.5}},"
            "{\"name\":\"auto-remove\",\"decide\":{\"action\":\"remove_post\",\"ground\":"
            "\"illegal_content\",\"explanation\":\"an invented banked item\"},"
            "\"when\":{\"post_score_min\":0.6}}]}";
    vg_rules *rules;
    char err[256];
    assert_int_equal(vg_rules_parse(text, strlen(text), &rules, err, sizeof(err)), VG_OK);
    struct vg_actor cli;
    vg_actor_cli(&cli);
    char *s;
    assert_int_equal(vg_rules_apply(db, &cli, rules, VG_RULES_BACKTEST, &s), VG_OK);
    assert_non_null(strstr(s, "\"decides\":\"remove_post\",\"auto_decided\":0"));
    vg_free(s);
    assert_int_equal(sql_int("SELECT count(*) FROM decisions"), 0);
    assert_int_equal(vg_rules_apply(db, &cli, rules, VG_RULES_RUN, &s), VG_OK);
    /* p1 (threat 0.7) is opened by the first rule and waits; p2 and p3 are the second's. */
    assert_non_null(strstr(s, "\"name\":\"auto-remove\""));
    assert_non_null(strstr(s, "\"decides\":\"remove_post\",\"auto_decided\":2"));
    vg_free(s);
    assert_int_equal(sql_int("SELECT count(*) FROM cases WHERE status = 'decided'"), 2);
    assert_int_equal(sql_int("SELECT count(*) FROM cases WHERE target = 'p1' AND status = 'open'"
                             " AND claimed_by IS NULL"),
                     1);
    assert_int_equal(sql_int("SELECT count(*) FROM decisions WHERE automated = 1 AND"
                             " action = 'remove_post' AND decided_by = 'rule:auto-remove'"),
                     2);
    assert_int_equal(sql_int("SELECT count(*) FROM outbox"), 2);
    assert_int_equal(sql_int("SELECT count(*) FROM sor WHERE body LIKE"
                             " '%\"automated_decision\":\"AUTOMATED_DECISION_FULLY\"%'"),
                     2);
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE actor_id = 'rule:auto-remove'"
                             " AND action = 'case.decide'"),
                     2);
    /* A second run opens nothing and decides nothing again. */
    assert_int_equal(vg_rules_apply(db, &cli, rules, VG_RULES_RUN, &s), VG_OK);
    assert_non_null(strstr(s, "\"auto_decided\":0"));
    vg_free(s);
    assert_int_equal(sql_int("SELECT count(*) FROM decisions"), 2);
    vg_rules_free(rules);
    fixture_close(db);
}

static void claims_decisions_appeals(void **state)
{
    (void)state;
    vg_rules *rules;
    vg_db *db = world("decide", &rules);
    struct vg_actor cli, ra, rb, tf;
    vg_actor_cli(&cli);
    actor(&ra, VG_ROLE_REVIEWER, 11, "Reviewer-A");
    actor(&rb, VG_ROLE_REVIEWER, 12, "Reviewer-B");
    actor(&tf, VG_ROLE_FLAGGER, 13, "Partner-C");
    char *s;
    assert_int_equal(vg_rules_apply(db, &cli, rules, VG_RULES_RUN, &s), VG_OK);
    vg_free(s);
    int64_t id = sql_int("SELECT id FROM cases WHERE target = 'p2'");
    enum vg_case_outcome o;
    assert_int_equal(vg_case_claim(db, &ra, id, &o), VG_OK);
    assert_int_equal(o, VG_CASE_DONE);
    assert_int_equal(vg_case_claim(db, &rb, id, &o), VG_OK);
    assert_int_equal(o, VG_CASE_CONFLICT);
    assert_int_equal(vg_case_claim(db, &ra, 999, &o), VG_OK);
    assert_int_equal(o, VG_CASE_NOT_FOUND);

    struct vg_decision_in in = { .action = "remove_post",
                                 .ground = "illegal_content",
                                 .explanation = "Glorifies the attack, see @someone and "
                                                "https://x.example/1 (call 0612345678)" };
    struct vg_enforce_delay delay = { 100, 200 };
    char err[256];
    int64_t d;
    assert_int_equal(vg_case_decide(db, &rb, id, &in, &delay, &d, &o, err, sizeof(err)), VG_OK);
    assert_int_equal(o, VG_CASE_FORBIDDEN);
    struct vg_decision_in geo = { .action = "geo_restrict", .ground = "illegal_content" };
    assert_int_equal(vg_case_decide(db, &ra, id, &geo, NULL, &d, &o, err, sizeof(err)), VG_OK);
    assert_int_equal(o, VG_CASE_BAD_FIELD);
    assert_string_equal(err, "field 'jurisdictions' is required for geo_restrict");
    assert_int_equal(vg_case_decide(db, &ra, id, &in, &delay, &d, &o, err, sizeof(err)), VG_OK);
    assert_int_equal(o, VG_CASE_DONE);
    assert_true(d > 0);
    int64_t wait = sql_int("SELECT enforce_at - decided_at FROM decisions WHERE id = 1");
    assert_true(wait >= 100 && wait <= 200);
    assert_int_equal(sql_int("SELECT count(*) FROM cases WHERE status = 'decided' AND"
                             " claimed_by IS NULL"),
                     1);
    assert_int_equal(sql_int("SELECT count(*) FROM outbox WHERE due_at > strftime('%s','now')"), 1);
    /* The removed post is in the evidence vault for six months, its basis the decision. */
    assert_int_equal(sql_int("SELECT count(*) FROM evidence WHERE post_id = 'p2' AND order_id = 0"
                             " AND basis = 'decision 1'"
                             " AND expires_at - preserved_at BETWEEN 180 * 86400 AND 184 * 86400"),
                     1);
    /* The statement: valid, no personal data, made once. */
    assert_int_equal(sql_int("SELECT count(*) FROM sor WHERE puid = 'vigie-decision-1'"), 1);
    int64_t made;
    assert_int_equal(vg_sor_make(db, NULL, &made), VG_OK);
    assert_int_equal(made, 0);
    char *batch;
    int64_t last, n, held;
    assert_int_equal(vg_sor_batch(db, 0, VG_TIME_UNKNOWN, &batch, &last, &n, &held), VG_OK);
    assert_int_equal(n, 1);
    assert_null(strstr(batch, "someone"));
    assert_null(strstr(batch, "x.example"));
    assert_null(strstr(batch, "0612345678"));
    assert_non_null(strstr(batch, "Glorifies the attack, see [removed] and [removed] (call"));
    assert_non_null(strstr(batch, "\"category_addition\":[\"STATEMENT_CATEGORY_VIOLENCE\"]"));
    vg_free(batch);
    /* A removal order that acted on the post with a gag holds its statement back (TCO Art
     * 11(3)) until the gag ends, as the case's own date does. */
    char order[512];
    snprintf(order, sizeof(order),
             "{\"reference\":\"FR-Q1\",\"issuing_state\":\"FR\",\"authority\":\"Invented Unit\","
             "\"addressee\":\"Example Host\",\"contact_point\":\"tco@example.invalid\","
             "\"issued_at\":%lld,\"urls\":[\"https://example.invalid/p2\"],\"reasons\":[\"a\"],"
             "\"gag\":true,\"gag_until\":%lld}",
             (long long)time(NULL) - 60, (long long)time(NULL) + 7200);
    int64_t oid;
    enum vg_put_result res;
    assert_int_equal(vg_order_receive(db, &cli, order, strlen(order), (int64_t)time(NULL) - 30,
                                      &oid, &res, err, sizeof(err)),
                     VG_OK);
    const char *acted[] = { "p2" };
    assert_int_equal(vg_order_record_action(db, oid, VG_ORDER_REMOVED, (int64_t)time(NULL), &cli,
                                            acted, 1, err, sizeof(err)),
                     VG_OK);
    assert_int_equal(vg_sor_batch(db, 0, VG_TIME_UNKNOWN, &batch, &last, &n, &held), VG_OK);
    assert_int_equal(n, 0);
    assert_int_equal(held, 1);
    vg_free(batch);
    int found;
    assert_int_equal(vg_case_not_before(db, &cli, id, (int64_t)time(NULL) + 3600, &found), VG_OK);
    assert_int_equal(vg_sor_batch(db, 0, VG_TIME_UNKNOWN, &batch, &last, &n, &held), VG_OK);
    assert_int_equal(n, 0);
    assert_int_equal(held, 1);
    vg_free(batch);

    /* Appeal: filed by the partner, refused to the original decider, reversed by another. */
    int64_t ap;
    assert_int_equal(vg_appeal_file(db, &tf, id, "news reporting", &ap, &o, err, sizeof(err)),
                     VG_OK);
    assert_int_equal(o, VG_CASE_DONE);
    assert_int_equal(vg_appeal_file(db, &tf, id, "again", &ap, &o, err, sizeof(err)), VG_OK);
    assert_int_equal(o, VG_CASE_CONFLICT);
    assert_int_equal(vg_appeal_decide(db, &ra, id, "reversed", &o, err, sizeof(err)), VG_OK);
    assert_int_equal(o, VG_CASE_FORBIDDEN);
    assert_int_equal(vg_appeal_decide(db, &rb, id, "reversed", &o, err, sizeof(err)), VG_OK);
    assert_int_equal(o, VG_CASE_DONE);
    assert_int_equal(sql_int("SELECT reverses FROM decisions WHERE action = 'no_action'"), d);
    /* The case view carries the case's audit trail, oldest first, actors by pseudonym. */
    char *view;
    assert_int_equal(vg_case_json(db, &rb, id, &view, &found), VG_OK);
    assert_int_equal(found, 1);
    const char *trail = strstr(view, "\"audit\":[");
    assert_non_null(trail);
    const char *steps[] = { "\"actor\":\"Reviewer-A\",\"action\":\"case.claim\"",
                            "\"actor\":\"Reviewer-A\",\"action\":\"case.decide\"",
                            "\"actor\":\"Partner-C\",\"action\":\"case.appeal\"",
                            "\"actor\":\"Reviewer-B\",\"action\":\"case.appeal_decide\"" };
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        const char *at = strstr(trail, steps[i]);
        assert_non_null(at);
        trail = at;
    }
    assert_null(strstr(view, "user:11"));
    vg_free(view);
    char *dsa;
    assert_int_equal(vg_dsa_report_json(db, 0, INT64_MAX / 4, &dsa), VG_OK);
    assert_non_null(strstr(dsa, "\"appeals\":{\"filed\":1,\"decided\":1,\"upheld\":0,"
                                "\"reversed\":1}"));
    assert_non_null(strstr(dsa, "\"own_initiative\":1"));
    vg_free(dsa);
    struct vg_audit_verdict v;
    assert_int_equal(vg_audit_verify(db, &v), VG_OK);
    assert_true(v.ok);
    vg_rules_free(rules);
    fixture_close(db);
}

/* A removal order opens (or joins) a case in the removal-order lane for each post it names,
 * in the receipt's transaction; a duplicate order opens nothing. */
static void order_opens_cases(void **state)
{
    (void)state;
    vg_rules *rules;
    vg_db *db = world("order", &rules);
    struct vg_actor cli;
    vg_actor_cli(&cli);
    char *s;
    assert_int_equal(vg_rules_apply(db, &cli, rules, VG_RULES_RUN, &s), VG_OK);
    vg_free(s);
    int64_t before = sql_int("SELECT count(*) FROM cases");
    assert_int_equal(sql_int("SELECT count(*) FROM cases WHERE target = 'p2' AND lane = 'normal'"),
                     1);
    char order[512];
    snprintf(order, sizeof(order),
             "{\"reference\":\"DE-O7\",\"issuing_state\":\"DE\",\"authority\":\"Invented Office\","
             "\"issued_at\":%lld,\"urls\":[\"https://example.invalid/p2\"],\"reasons\":[\"a\"],"
             "\"posts\":[\"p2\",\"p-not-stored\"]}",
             (long long)time(NULL) - 60);
    int64_t oid;
    enum vg_put_result res;
    char err[256];
    assert_int_equal(vg_order_receive(db, &cli, order, strlen(order), (int64_t)time(NULL), &oid,
                                      &res, err, sizeof(err)),
                     VG_OK);
    assert_int_equal(res, VG_PUT_NEW);
    /* p2's rule case moved up to the removal-order lane; a case opened for the other post. */
    assert_int_equal(sql_int("SELECT count(*) FROM cases"), before + 1);
    assert_int_equal(sql_int("SELECT count(*) FROM cases WHERE lane = 'removal_order' AND"
                             " lane_rank = 1 AND target IN ('p2', 'p-not-stored')"),
                     2);
    assert_int_equal(sql_int("SELECT count(*) FROM cases WHERE target = 'p-not-stored' AND"
                             " source = 'order' AND risk = 1 AND account IS NULL"),
                     1);
    assert_int_equal(sql_int("SELECT count(*) FROM case_sources WHERE kind = 'order' AND"
                             " ref = CAST((SELECT max(id) FROM removal_orders) AS TEXT)"),
                     2);
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE action = 'order.receive' AND"
                             " json_extract(detail, '$.cases') = 2"),
                     1);
    /* The queue lists the removal-order lane after urgent and before the rest. */
    char *q;
    struct vg_queue_filter f = { .lane = "removal_order" };
    assert_int_equal(vg_queue_json(db, &cli, &f, &q), VG_OK);
    assert_non_null(strstr(q, "\"target\":\"p2\""));
    assert_non_null(strstr(q, "\"target\":\"p-not-stored\""));
    vg_free(q);
    /* The same order again: a duplicate, nothing opened. */
    assert_int_equal(vg_order_receive(db, &cli, order, strlen(order), (int64_t)time(NULL), &oid,
                                      &res, err, sizeof(err)),
                     VG_OK);
    assert_int_equal(res, VG_PUT_DUPLICATE);
    assert_int_equal(sql_int("SELECT count(*) FROM cases"), before + 1);
    assert_int_equal(sql_int("SELECT count(*) FROM case_sources WHERE kind = 'order'"), 2);
    vg_rules_free(rules);
    fixture_close(db);
}

/* Two connections, two threads, one case: exactly one claim wins, on every round. */
struct racer {
    const char *path;
    struct vg_actor who;
    int64_t id;
    pthread_barrier_t *go;
    enum vg_case_outcome o;
    vg_status rc;
};

static void *race(void *arg)
{
    struct racer *r = arg;
    vg_db *db;
    r->rc = vg_db_open(r->path, &db);
    pthread_barrier_wait(r->go);
    if (!r->rc)
        r->rc = vg_case_claim(db, &r->who, r->id, &r->o);
    vg_db_close(db);
    return NULL;
}

static void claim_race(void **state)
{
    (void)state;
    vg_rules *rules;
    vg_db *db = world("race", &rules);
    struct vg_actor cli;
    vg_actor_cli(&cli);
    char *s;
    assert_int_equal(vg_rules_apply(db, &cli, rules, VG_RULES_RUN, &s), VG_OK);
    vg_free(s);
    for (int64_t id = 1; id <= 2; id++) {
        pthread_barrier_t go;
        pthread_barrier_init(&go, NULL, 2);
        struct racer r[2] = { { .path = fixture_path, .id = id, .go = &go },
                              { .path = fixture_path, .id = id, .go = &go } };
        actor(&r[0].who, VG_ROLE_REVIEWER, 21, "Racer-One");
        actor(&r[1].who, VG_ROLE_REVIEWER, 22, "Racer-Two");
        pthread_t t[2];
        for (int i = 0; i < 2; i++)
            pthread_create(&t[i], NULL, race, &r[i]);
        for (int i = 0; i < 2; i++)
            pthread_join(t[i], NULL);
        pthread_barrier_destroy(&go);
        assert_int_equal(r[0].rc, VG_OK);
        assert_int_equal(r[1].rc, VG_OK);
        assert_int_equal((r[0].o == VG_CASE_DONE) + (r[1].o == VG_CASE_DONE), 1);
        assert_int_equal((r[0].o == VG_CASE_CONFLICT) + (r[1].o == VG_CASE_CONFLICT), 1);
    }
    vg_rules_free(rules);
    fixture_close(db);
}

static void muted_flagger(void **state)
{
    (void)state;
    vg_db *db = fixture_db("queue", "mute");
    struct vg_actor tf, lead;
    actor(&tf, VG_ROLE_FLAGGER, 31, "Partner-D");
    actor(&lead, VG_ROLE_LEAD, 32, "Lead-E");
    struct vg_intake in = { .target_type = "post", .target = "p9", .reason = "notice" };
    char err[160];
    int64_t id;
    assert_int_equal(vg_intake_file(db, &tf, &in, &id, err, sizeof(err)), VG_OK);
    assert_int_equal(sql_int("SELECT count(*) FROM cases WHERE lane = 'trusted_flagger'"), 1);
    int changed;
    assert_int_equal(vg_flagger_mute(db, &lead, "user:31", 1, "abusive", &changed), VG_OK);
    assert_int_equal(changed, 1);
    assert_int_equal(vg_flagger_mute(db, &lead, "nobody", 1, NULL, &changed), VG_EINVAL);
    in.target = "p10";
    assert_int_equal(vg_intake_file(db, &tf, &in, &id, err, sizeof(err)), VG_OK);
    assert_int_equal(sql_int("SELECT count(*) FROM cases"), 1);
    assert_int_equal(sql_int("SELECT count(*) FROM intake_reports"), 2);
    char *json;
    assert_int_equal(vg_flaggers_json(db, &tf, &json), VG_OK);
    assert_non_null(strstr(json, "\"notices\":2,\"decided\":0,\"upheld\":0,\"accuracy\":null,"
                                 "\"muted\":true"));
    assert_null(strstr(json, "user:31")); /* ids for leads only */
    vg_free(json);
    fixture_close(db);
}

static void sor_rules(void **state)
{
    (void)state;
    const char *ok =
            "{\"decision_visibility\":[\"DECISION_VISIBILITY_CONTENT_REMOVED\"],"
            "\"decision_ground\":\"DECISION_GROUND_ILLEGAL_CONTENT\","
            "\"illegal_content_legal_ground\":\"Regulation (EU) 2021/784 Art 2(7)(a)\","
            "\"illegal_content_explanation\":\"Video glorifying an attack.\","
            "\"content_type\":[\"CONTENT_TYPE_VIDEO\"],"
            "\"category\":\"STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY\","
            "\"category_specification\":[\"KEYWORD_TERRORIST_CONTENT\"],"
            "\"territorial_scope\":[\"AT\",\"GR\"],\"content_language\":\"AR\","
            "\"content_date\":\"2025-09-01\",\"application_date\":\"2025-09-01\","
            "\"decision_facts\":\"Removal order received.\","
            "\"source_type\":\"SOURCE_TYPE_OTHER_NOTIFICATION\",\"automated_detection\":\"Yes\","
            "\"automated_decision\":\"AUTOMATED_DECISION_PARTIALLY\","
            "\"puid\":\"tco-2025-000123-item-1\"}";
    char err[256];
    assert_true(vg_sor_valid(ok, err, sizeof(err)));

    struct {
        const char *from, *to, *msg;
    } bad[] = {
        { "\"puid\":\"tco-2025-000123-item-1\"", "\"puid\":\"a b\"",
          "puid: is required: at most 500 of [a-zA-Z0-9-_]" },
        { "RISK_FOR_PUBLIC_SECURITY\",", "SCOPE_OF_PLATFORM_SERVICE\",",
          "category: is required: one STATEMENT_CATEGORY_* value of schema v2" },
        { "\"GR\"", "\"EL\"", "territorial_scope: values must be EU/EEA alpha-2 codes" },
        { "\"2025-09-01\",\"application", "\"1999-12-31\",\"application",
          "content_date: is required: YYYY-MM-DD from 2000-01-01 to 2038-01-01" },
        { "\"AR\"", "\"ar\"", "content_language: must be an upper-case ISO 639-1 code" },
        { "\"decision_visibility\":[\"DECISION_VISIBILITY_CONTENT_REMOVED\"],", "",
          "decision_visibility: one of decision_visibility, decision_monetary, "
          "decision_provision, decision_account is required" },
        { "\"automated_detection\":\"Yes\"", "\"automated_detection\":\"yes\"",
          "automated_detection: is required: \"Yes\" or \"No\"" },
        { "\"content_language\"", "\"user_name\"", "user_name: is not a field of the schema" },
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char buf[2048];
        const char *at = strstr(ok, bad[i].from);
        assert_non_null(at);
        snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(at - ok), ok, bad[i].to,
                 at + strlen(bad[i].from));
        assert_false(vg_sor_valid(buf, err, sizeof(err)));
        assert_string_equal(err, bad[i].msg);
    }
}

/* ---- the webhook against a loopback listener: 503 first, then 200 ---------------------------- */

struct listener {
    int fd, port, served;
    char got[4096];
};

static void *serve(void *arg)
{
    struct listener *l = arg;
    for (int i = 0; i < 2; i++) {
        int c = accept(l->fd, NULL, NULL);
        if (c < 0)
            return NULL;
        char buf[4096];
        size_t n = 0;
        /* Read the head and the body (Content-Length). */
        for (;;) {
            ssize_t r = recv(c, buf + n, sizeof(buf) - 1 - n, 0);
            if (r <= 0)
                break;
            n += (size_t)r;
            buf[n] = 0;
            const char *body = strstr(buf, "\r\n\r\n"), *cl = strstr(buf, "Content-Length: ");
            if (body && cl && n - (size_t)(body + 4 - buf) >= (size_t)atoi(cl + 16))
                break;
        }
        snprintf(l->got, sizeof(l->got), "%s", buf);
        const char *ans = i == 0 ? "HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n"
                                 : "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
        ssize_t w = send(c, ans, strlen(ans), 0);
        (void)w;
        close(c);
        l->served++;
    }
    return NULL;
}

static void webhook_retries(void **state)
{
    (void)state;
    assert_int_equal(vg__backoff(1, 30, 3600), 30);
    assert_int_equal(vg__backoff(4, 30, 3600), 240);
    assert_int_equal(vg__backoff(20, 30, 3600), 3600);
    vg_rules *rules;
    vg_db *db = world("hook", &rules);
    struct vg_actor cli, ra;
    vg_actor_cli(&cli);
    actor(&ra, VG_ROLE_REVIEWER, 41, "Reviewer-F");
    char *s;
    assert_int_equal(vg_rules_apply(db, &cli, rules, VG_RULES_RUN, &s), VG_OK);
    vg_free(s);
    enum vg_case_outcome o;
    assert_int_equal(vg_case_claim(db, &ra, 1, &o), VG_OK);
    struct vg_decision_in in = { .action = "escalate_law_enforcement" };
    char err[256];
    int64_t d;
    assert_int_equal(vg_case_decide(db, &ra, 1, &in, NULL, &d, &o, err, sizeof(err)), VG_OK);
    assert_int_equal(o, VG_CASE_DONE);
    assert_int_equal(sql_int("SELECT lane_rank FROM cases WHERE id = 1"), VG_LANE_URGENT);
    assert_int_equal(sql_int("SELECT count(*) FROM cases WHERE id = 1 AND status = 'open'"), 1);

    struct listener l = { 0 };
    l.fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    assert_int_equal(bind(l.fd, (struct sockaddr *)&a, sizeof(a)), 0);
    socklen_t len = sizeof(a);
    getsockname(l.fd, (struct sockaddr *)&a, &len);
    assert_int_equal(listen(l.fd, 4), 0);
    pthread_t t;
    pthread_create(&t, NULL, serve, &l);
    char url[64], file[300];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/hook", ntohs(a.sin_port));
    snprintf(file, sizeof(file), "%s.outbox.jsonl", fixture_path);
    unlink(file);
    static const char secret[] = "an-invented-shared-secret-for-tests";
    struct vg_outbox_opts ob = {
        .webhook_url = url, .webhook_secret = secret, .outbox_path = file, .backoff_base = 30
    };
    struct vg_outbox_stats st;
    int64_t now = (int64_t)time(NULL);
    assert_int_equal(vg_outbox_flush(db, &ob, now, &st), VG_OK);
    assert_int_equal(st.due, 1);
    assert_int_equal(st.filed, 1);
    assert_int_equal(st.failed, 1);
    assert_int_equal(sql_int("SELECT next_at - strftime('%s','now') BETWEEN 25 AND 30 FROM outbox"),
                     1);
    assert_int_equal(vg_outbox_flush(db, &ob, now + 10, &st), VG_OK);
    assert_int_equal(st.due, 0); /* not yet: backoff */
    assert_int_equal(vg_outbox_flush(db, &ob, now + 31, &st), VG_OK);
    assert_int_equal(st.delivered, 1);
    assert_int_equal(st.filed, 0); /* written once */
    pthread_join(t, NULL);
    close(l.fd);
    assert_int_equal(l.served, 2);
    assert_non_null(strstr(l.got, "POST /hook HTTP/1.1\r\n"));
    assert_non_null(strstr(l.got, "\"action\":\"escalate_law_enforcement\""));
    /* The signature: HMAC-SHA256 under the secret of "<X-Vigie-Timestamp>.<body>". */
    const char *ts = strstr(l.got, "\r\nX-Vigie-Timestamp: "), *sig = strstr(l.got, "sha256=");
    const char *body = strstr(l.got, "\r\n\r\n");
    assert_true(ts && sig && body);
    long long when = atoll(ts + 21);
    assert_true(when == now + 31);
    char msg[4096];
    snprintf(msg, sizeof msg, "%lld.%s", when, body + 4);
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state h;
    crypto_auth_hmacsha256_init(&h, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&h, (const unsigned char *)msg, strlen(msg));
    crypto_auth_hmacsha256_final(&h, mac);
    char hex[2 * sizeof mac + 1];
    sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
    assert_memory_equal(sig + 7, hex, 64);
    assert_int_equal(sql_int("SELECT attempts FROM outbox WHERE delivered_at IS NOT NULL"), 2);
    FILE *f = fopen(file, "r");
    assert_non_null(f);
    int lines = 0, c;
    while ((c = fgetc(f)) != EOF)
        lines += c == '\n';
    fclose(f);
    unlink(file);
    assert_int_equal(lines, 1);
    assert_int_equal(vg__webhook_post("https://x/", "{}", NULL, 0, 100, err, sizeof(err)), 0);
    assert_string_equal(err, "webhook URL must be http://host[:port][/path]");
    vg_rules_free(rules);
    fixture_close(db);
}

/* Bulk decide: each case exactly as the single call decides it (claimant only, its own
 * transaction, audit entry, outbox, delay, statement), one result per case; a bad decision is
 * refused before any case and stores nothing. */
static void bulk_decide(void **state)
{
    (void)state;
    vg_rules *rules;
    vg_db *db = world("bulk", &rules);
    struct vg_actor cli, ra, rb;
    vg_actor_cli(&cli);
    actor(&ra, VG_ROLE_REVIEWER, 41, "Reviewer-F");
    actor(&rb, VG_ROLE_REVIEWER, 42, "Reviewer-G");
    char *s;
    assert_int_equal(vg_rules_apply(db, &cli, rules, VG_RULES_RUN, &s), VG_OK);
    vg_free(s);
    int64_t c1 = sql_int("SELECT id FROM cases WHERE target = 'p1'");
    int64_t c2 = sql_int("SELECT id FROM cases WHERE target = 'p2'");
    enum vg_case_outcome o;
    assert_int_equal(vg_case_claim(db, &ra, c1, &o), VG_OK);
    assert_int_equal(vg_case_claim(db, &rb, c2, &o), VG_OK);
    int64_t audit_before = sql_int("SELECT count(*) FROM audit_log");

    /* A bad decision: refused before any case, nothing stored. */
    int64_t ids[3] = { c1, c2, 999 };
    struct vg_decision_in geo = { .action = "geo_restrict", .ground = "illegal_content" };
    char err[256], *json = (char *)1;
    assert_int_equal(vg_cases_bulk_decide(db, &ra, ids, 3, &geo, NULL, &o, &json, err, sizeof(err)),
                     VG_OK);
    assert_int_equal(o, VG_CASE_BAD_FIELD);
    assert_null(json);
    assert_string_equal(err, "field 'jurisdictions' is required for geo_restrict");
    assert_int_equal(sql_int("SELECT count(*) FROM decisions"), 0);
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log"), audit_before);

    /* Reviewer F holds case 1 only: 1 done, case 2 (G's) forbidden, 999 not found. */
    struct vg_decision_in none = { .action = "no_action", .explanation = "spam, not propaganda" };
    assert_int_equal(
            vg_cases_bulk_decide(db, &ra, ids, 3, &none, NULL, &o, &json, err, sizeof(err)), VG_OK);
    assert_int_equal(o, VG_CASE_DONE);
    char want[512];
    snprintf(want, sizeof(want),
             "{\"results\":[{\"id\":%lld,\"result\":\"done\",\"decision\":1},"
             "{\"id\":%lld,\"result\":\"forbidden\",\"error\":\"only the reviewer who claimed case"
             " %lld may decide it\"},{\"id\":999,\"result\":\"not_found\",\"error\":\"no case"
             " 999\"}],\"done\":1,\"refused\":2,\"failed\":0}",
             (long long)c1, (long long)c2, (long long)c2);
    assert_string_equal(json, want);
    vg_free(json);
    assert_int_equal(sql_int("SELECT count(*) FROM decisions"), 1);
    assert_int_equal(sql_int("SELECT count(*) FROM outbox"), 1);
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE action = 'case.decide'"), 1);
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log"), audit_before + 1);
    assert_int_equal(sql_int("SELECT count(*) FROM cases WHERE status = 'open' AND claimed_by ="
                             " 'user:42'"),
                     1);

    /* Reviewer G: case 2 removed with the random delay drawn for it, case 1 already decided. */
    int64_t ids2[2] = { c2, c1 };
    struct vg_decision_in rm = { .action = "remove_post", .ground = "illegal_content" };
    struct vg_enforce_delay delay = { 100, 200 };
    assert_int_equal(
            vg_cases_bulk_decide(db, &rb, ids2, 2, &rm, &delay, &o, &json, err, sizeof(err)),
            VG_OK);
    snprintf(want, sizeof(want),
             "{\"results\":[{\"id\":%lld,\"result\":\"done\",\"decision\":2},"
             "{\"id\":%lld,\"result\":\"conflict\",\"error\":\"case %lld is decided\"}],"
             "\"done\":1,\"refused\":1,\"failed\":0}",
             (long long)c2, (long long)c1, (long long)c1);
    assert_string_equal(json, want);
    vg_free(json);
    int64_t wait = sql_int("SELECT enforce_at - decided_at FROM decisions WHERE id = 2");
    assert_true(wait >= 100 && wait <= 200);
    assert_int_equal(sql_int("SELECT count(*) FROM sor WHERE puid = 'vigie-decision-2'"), 1);
    assert_int_equal(sql_int("SELECT count(*) FROM sor WHERE puid = 'vigie-decision-1'"), 0);
    assert_int_equal(sql_int("SELECT count(*) FROM evidence WHERE post_id = 'p2'"
                             " AND basis = 'decision 2'"),
                     1);
    assert_int_equal(sql_int("SELECT count(*) FROM cases WHERE status = 'decided'"
                             " AND claimed_by IS NULL"),
                     2);
    /* At most 500 ids. */
    int64_t many[501];
    for (int i = 0; i < 501; i++)
        many[i] = i + 1;
    assert_int_equal(
            vg_cases_bulk_decide(db, &ra, many, 501, &none, NULL, &o, &json, err, sizeof(err)),
            VG_EINVAL);
    struct vg_audit_verdict v;
    assert_int_equal(vg_audit_verify(db, &v), VG_OK);
    assert_true(v.ok);
    vg_rules_free(rules);
    fixture_close(db);
}

/* The case view's community: none before a run; after vg_network_communities_store, the case
 * account's community (two cliques of five, each its own), its rank and the top members by
 * score with their handles; a later run replaces what the first stored. */
static void case_view_community(void **state)
{
    (void)state;
    vg_db *db = fixture_db("queue", "community");
    char ids[10][8];
    for (int i = 0; i < 10; i++) {
        snprintf(ids[i], sizeof(ids[i]), "%c%d", i < 5 ? 'a' : 'b', i % 5);
        char handle[16];
        snprintf(handle, sizeof(handle), "handle_%s", ids[i]);
        fixture_account(db, ids[i], handle, T0 - 86400);
    }
    for (int g = 0; g < 2; g++)
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 5; j++)
                if (i != j)
                    fixture_edge(db, VG_EV_FOLLOW, ids[g * 5 + i], ids[g * 5 + j], T0);
    fixture_edge(db, VG_EV_FOLLOW, "a0", "b0", T0); /* the one bridge */
    post(db, "pa", "a2", T0, 0.95, 0.0, 0);
    assert_int_equal(vg_db_flush(db), VG_OK);
    struct vg_actor cli;
    vg_actor_cli(&cli);
    vg_rules *rules;
    char err[256], *s;
    assert_int_equal(vg_rules_parse(rules_text, strlen(rules_text), &rules, err, sizeof(err)),
                     VG_OK);
    assert_int_equal(vg_rules_apply(db, &cli, rules, VG_RULES_RUN, &s), VG_OK);
    vg_free(s);
    int64_t id = sql_int("SELECT id FROM cases WHERE target = 'pa'");
    char *view;
    int found;
    assert_int_equal(vg_case_json(db, &cli, id, &view, &found), VG_OK);
    assert_non_null(strstr(view, "\"community\":{\"computed_at\":null,\"before\":null,"
                                 "\"threshold\":null,\"account\":null,\"community\":null}"));
    vg_free(view);

    vg_network *net;
    assert_int_equal(vg_network_load(db, NULL, &net), VG_OK);
    assert_int_equal(vg_network_communities_store(db, net, 1000), VG_EINVAL); /* not scored */
    const char *seeds[10];
    for (int i = 0; i < 10; i++)
        seeds[i] = ids[i];
    assert_int_equal(vg_network_set_seeds(net, seeds, 10, NULL), VG_OK);
    assert_int_equal(vg_network_score(db, net), VG_OK);
    assert_int_equal(vg_network_n_communities(net), 2);
    assert_int_equal(vg_network_communities_store(db, net, 1000), VG_OK);
    int k = vg_network_community_of(net, vg_network_find(net, "a2"));
    assert_true(k >= 0);
    assert_int_equal(sql_int("SELECT count(*) FROM account_communities"), 10);
    assert_int_equal(sql_int("SELECT count(*) FROM communities"), 2);
    assert_int_equal(vg_case_json(db, &cli, id, &view, &found), VG_OK);
    const char *c = strstr(view, "\"community\":{\"computed_at\":1000,\"before\":null,");
    assert_non_null(c);
    char want[128];
    snprintf(want, sizeof(want), "\"community\":{\"id\":\"c%d\",\"size\":5,\"seeds\":5,", k + 1);
    assert_non_null(strstr(c, want));
    /* Top members: the five of a's clique, best first, with their handles; no b. */
    const char *top = strstr(c, "\"top_members\":[");
    assert_non_null(top);
    const char *end = strstr(top, "]");
    double last = 2;
    int n = 0;
    for (const char *m = strstr(top, "{\"account\":\"a"); m && m < end;
         m = strstr(m + 1, "{\"account\":\"a")) {
        char handle[32];
        snprintf(handle, sizeof(handle), "\"handle\":\"handle_a%c\"", m[13]);
        assert_non_null(strstr(m, handle));
        double score = strtod(strstr(m, "\"score\":") + 8, NULL);
        assert_true(score <= last);
        last = score;
        n++;
    }
    assert_int_equal(n, 5);
    assert_null(strstr(top, "\"account\":\"b"));
    int64_t rank = sql_int("SELECT rank FROM account_communities WHERE account = 'a2'");
    assert_true(rank >= 1 && rank <= 5);
    snprintf(want, sizeof(want), "\"account\":{\"rank\":%lld,", (long long)rank);
    assert_non_null(strstr(c, want));
    vg_free(view);
    vg_network_free(net);

    /* A later run over the b clique alone (threshold 1: only seeds are candidates) replaces
     * the stored communities: a2 is then in none. */
    struct vg_network_opts o;
    vg_network_opts_init(&o);
    o.threshold = 1;
    assert_int_equal(vg_network_load(db, &o, &net), VG_OK);
    assert_int_equal(vg_network_set_seeds(net, seeds + 5, 5, NULL), VG_OK);
    assert_int_equal(vg_network_score(db, net), VG_OK);
    assert_int_equal(vg_network_communities_store(db, net, 2000), VG_OK);
    vg_network_free(net);
    assert_int_equal(sql_int("SELECT count(*) FROM account_communities WHERE account LIKE 'a%'"),
                     0);
    assert_int_equal(sql_int("SELECT count(*) FROM account_communities"), 5);
    assert_int_equal(vg_case_json(db, &cli, id, &view, &found), VG_OK);
    assert_non_null(strstr(view, "\"community\":{\"computed_at\":2000,\"before\":null,"
                                 "\"threshold\":1.0,\"account\":null,\"community\":null}"));
    vg_free(view);
    vg_rules_free(rules);
    fixture_close(db);
}

/* Run SQL on the fixture's file through a connection of the test's own. */
static void sql_exec(const char *sql)
{
    sqlite3 *h;
    assert_int_equal(sqlite3_open(fixture_path, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
}

/* A store error part-way through a bulk action: the cases before it stay done, the answer says
 * which case failed and which were not attempted, and the error comes back with it. */
static void bulk_store_error(void **state)
{
    (void)state;
    vg_rules *rules;
    vg_db *db = world("bulkerr", &rules);
    struct vg_actor cli, ra;
    vg_actor_cli(&cli);
    actor(&ra, VG_ROLE_REVIEWER, 43, "Reviewer-H");
    char *s;
    assert_int_equal(vg_rules_apply(db, &cli, rules, VG_RULES_RUN, &s), VG_OK);
    vg_free(s);
    int64_t ids[3] = { sql_int("SELECT id FROM cases WHERE target = 'p1'"),
                       sql_int("SELECT id FROM cases WHERE target = 'p2'"), 999 };
    /* The store refuses any change to the second case. */
    char sql[256];
    snprintf(sql, sizeof(sql),
             "CREATE TRIGGER broken BEFORE UPDATE ON cases WHEN NEW.id = %lld"
             " BEGIN SELECT RAISE(ABORT, 'disk says no'); END",
             (long long)ids[1]);
    sql_exec(sql);

    char *json = NULL, want[640];
    assert_int_not_equal(vg_cases_bulk(db, &ra, "claim", ids, 3, &json), VG_OK);
    assert_non_null(json);
    snprintf(want, sizeof(want),
             "{\"results\":[{\"id\":%lld,\"result\":\"done\"},{\"id\":%lld,\"result\":"
             "\"error\",\"error\":\"%s\"},{\"id\":999,\"result\":\"not_attempted\"}],"
             "\"done\":1,\"refused\":0,\"failed\":2,\"error\":\"%s\"}",
             (long long)ids[0], (long long)ids[1], "database error: claiming a case: disk says no",
             "database error: claiming a case: disk says no");
    assert_string_equal(json, want);
    vg_free(json);
    assert_int_equal(sql_int("SELECT count(*) FROM cases WHERE claimed_by = 'user:43'"), 1);

    /* Decide: case 1 (claimed above) is decided; case 2, claimed while the store allowed it,
     * fails; 999 is not attempted. */
    enum vg_case_outcome o;
    sql_exec("DROP TRIGGER broken");
    assert_int_equal(vg_case_claim(db, &ra, ids[1], &o), VG_OK);
    assert_int_equal(o, VG_CASE_DONE);
    sql_exec(sql);
    struct vg_decision_in none = { .action = "no_action", .explanation = "not propaganda" };
    char err[256];
    assert_int_not_equal(
            vg_cases_bulk_decide(db, &ra, ids, 3, &none, NULL, &o, &json, err, sizeof(err)), VG_OK);
    assert_non_null(json);
    assert_non_null(strstr(json, "\"result\":\"done\",\"decision\":1}"));
    assert_non_null(strstr(json, "\"done\":1,\"refused\":0,\"failed\":2,\"error\":"));
    vg_free(json);
    assert_int_equal(sql_int("SELECT count(*) FROM decisions"), 1);
    struct vg_audit_verdict v;
    assert_int_equal(vg_audit_verify(db, &v), VG_OK);
    assert_true(v.ok);
    vg_rules_free(rules);
    fixture_close(db);
}

/* ---- account rules -------------------------------------------------------------------------- */

static void account_rule_parse_errors(void **state)
{
    (void)state;
    parse_fails("{\"rules\":[{\"name\":\"a\",\"target\":\"account\",\"when\":{\"return_link\":true,"
                "\"post_score_min\":0.5}}]}",
                VG_EFIELD,
                "rules[0].when.post_score_min: is a post condition: an account rule takes "
                "return_link, return_score_min, account_score_min, storm_member, "
                "storm_score_min, followers_min, suspended and any");
    parse_fails("{\"rules\":[{\"name\":\"a\",\"target\":\"account\",\"when\":{\"any\":["
                "{\"storm_member\":true},{\"hash_match\":true}]}}]}",
                VG_EFIELD,
                "rules[0].when.any[1].hash_match: is a post condition: an account rule takes "
                "return_link, return_score_min, account_score_min, storm_member, "
                "storm_score_min, followers_min, suspended and any");
    parse_fails("{\"rules\":[{\"name\":\"a\",\"when\":{\"suspended\":false}}]}", VG_EFIELD,
                "rules[0].when.suspended: applies to account rules only (\"target\": "
                "\"account\")");
    parse_fails("{\"rules\":[{\"name\":\"a\",\"target\":\"account\",\"when\":{\"any\":["
                "{\"storm_score_min\":1.5}]}}]}",
                VG_EFIELD, "rules[0].when.any[0].storm_score_min: must be a number from 0 to 1");
    parse_fails("{\"rules\":[{\"name\":\"a\",\"when\":{\"storm_score_min\":\"high\"}}]}", VG_EFIELD,
                "rules[0].when.storm_score_min: must be a number from 0 to 1");
    parse_fails("{\"rules\":[{\"name\":\"a\",\"target\":\"account\",\"when\":{\"storm_score_min\":"
                "-0.1}}]}",
                VG_EFIELD, "rules[0].when.storm_score_min: must be a number from 0 to 1");
    parse_fails(
            "{\"rules\":[{\"name\":\"a\",\"target\":\"user\",\"when\":{\"return_link\":true}}]}",
            VG_EFIELD, "rules[0].target: must be \"post\" or \"account\"");
    /* Accounts are never all scanned: every branch must name a signal that brings them in. */
    parse_fails("{\"rules\":[{\"name\":\"a\",\"target\":\"account\",\"when\":{\"followers_min\":10,"
                "\"any\":[{\"return_link\":true},{\"storm_member\":false}]}}]}",
                VG_EFIELD,
                "rules[0].when: an account rule needs return_link or storm_member true, "
                "return_score_min, account_score_min or storm_score_min (in each branch of its "
                "any)");
    parse_fails(
            "{\"rules\":[{\"name\":\"a\",\"target\":\"account\",\"decide\":{\"action\":"
            "\"remove_post\",\"ground\":\"illegal_content\"},\"when\":{\"return_link\":true}}]}",
            VG_EFIELD,
            "rules[0].decide: remove_post is a post action (an account rule decides "
            "no_action, label, restrict_visibility, suspend_account or "
            "escalate_law_enforcement)");
    const char *ok =
            "{\"rules\":[{\"name\":\"a\",\"target\":\"account\",\"when\":{\"followers_min\":"
            "10,\"any\":[{\"return_score_min\":0.6},{\"storm_member\":true,"
            "\"suspended\":true}]}},{\"name\":\"b\",\"target\":\"post\",\"when\":"
            "{\"return_link\":true}},{\"name\":\"c\",\"target\":\"account\",\"when\":"
            "{\"followers_min\":10,\"any\":[{\"storm_score_min\":0.5}]}}]}";
    vg_rules *r;
    char err[256];
    assert_int_equal(vg_rules_parse(ok, strlen(ok), &r, err, sizeof(err)), VG_OK);
    assert_int_equal(vg_rules_count(r), 3);
    vg_rules_free(r);
}

static void profile_with_followers(vg_db *db, const char *id, int64_t followers)
{
    struct vg_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = VG_EV_ACCOUNT;
    ev.u.account.id = id;
    ev.u.account.handle = id;
    ev.u.account.created_at = VG_TIME_UNKNOWN;
    ev.u.account.followers = followers;
    ev.u.account.following = ev.u.account.posts = -1;
    ev.u.account.observed_at = T0;
    fixture_put(db, &ev);
}

/* Invented accounts: s1 and s2 suspended; r1 returns as s1 (linked a day before the newest
 * post, 990 followers); r2 returns as s2 and is suspended again; u1 and u2 post. */
static vg_db *linked_world(const char *name)
{
    vg_db *db = fixture_db("queue", name);
    post(db, "p1", "u1", T0, 0.2, 0, 0);
    post(db, "p2", "u2", T0 + 86400, 0.3, 0, 0);
    post(db, "p3", "r1", T0 + 3600, -1, 0, 0);
    profile_with_followers(db, "r1", 990);
    fixture_moderate(db, VG_EV_SUSPENSION, "s1", T0 - 86400);
    fixture_moderate(db, VG_EV_SUSPENSION, "s2", T0 - 86400);
    fixture_moderate(db, VG_EV_SUSPENSION, "r2", T0 + 7200);
    assert_int_equal(vg_db_flush(db), VG_OK);
    const struct vg_store_return_link links[] = {
        { "r1", "s1", "s1", 0.8, T0,
          "[{\"kind\":\"handle\",\"similarity\":1},{\"kind\":\"since_suspension\"},"
          "{\"kind\":\"handle\",\"similarity\":0.9}]" },
        { "r2", "s2", "s2", 0.9, T0, "[{\"kind\":\"bio\"}]" },
    };
    assert_int_equal(vg__db_put_return_links(db, links, 2), VG_OK);
    assert_int_equal(vg_db_flush(db), VG_OK);
    return db;
}

static vg_rules *rules_of(const char *text)
{
    vg_rules *rules;
    char err[256];
    assert_int_equal(vg_rules_parse(text, strlen(text), &rules, err, sizeof(err)), VG_OK);
    return rules;
}

/* The first column of sql's first row on the store at path, strdup'd (NULL when none). */
static char *sql_text_at(const char *path, const char *sql)
{
    sqlite3 *h;
    assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &s, NULL), SQLITE_OK);
    char *v = NULL;
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        v = strdup((const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    sqlite3_close(h);
    return v;
}

static char *sql_text(const char *sql)
{
    return sql_text_at(fixture_path, sql);
}

/* A return link queues its account: one account case with the link in its signals, priority
 * from the link's score, the followers and the link's age; the account suspended again is left
 * alone; a backtest writes nothing, a shadow run records the account, a second run opens
 * nothing, and a post rule beside it still reads posts. */
static void account_rule_return_link(void **state)
{
    (void)state;
    vg_db *db = linked_world("acct-link");
    vg_rules *rules = rules_of(
            "{\"rules\":[{\"name\":\"returns\",\"target\":\"account\",\"when\":"
            "{\"return_link\":true}},{\"name\":\"high\",\"when\":{\"post_score_min\":0.9}}]}");
    struct vg_actor cli;
    vg_actor_cli(&cli);
    char *s;
    assert_int_equal(vg_rules_apply(db, &cli, rules, VG_RULES_BACKTEST, &s), VG_OK);
    assert_non_null(strstr(s, "{\"name\":\"returns\",\"target\":\"account\",\"lane\":\"normal\","
                              "\"shadow\":false,\"matched\":1,\"opened\":0,\"would_open\":1"));
    assert_non_null(strstr(s, "\"posts\":3,\"matched_posts\":0,\"opened\":0,\"would_open\":1,"
                              "\"already_cased\":0,\"accounts\":2,\"matched_accounts\":1"));
    vg_free(s);
    assert_int_equal(sql_int("SELECT count(*) FROM rule_shadow"), 0);
    assert_int_equal(vg_rules_apply(db, &cli, rules, VG_RULES_SHADOW, &s), VG_OK);
    vg_free(s);
    assert_int_equal(sql_int("SELECT count(*) FROM cases"), 0);
    assert_int_equal(sql_int("SELECT count(*) FROM rule_shadow WHERE rule = 'returns' AND"
                             " target = 'r1' AND would_open = 1"),
                     1);
    assert_int_equal(vg_rules_apply(db, &cli, rules, VG_RULES_RUN, &s), VG_OK);
    assert_int_equal(summary_num(s, "opened"), 1);
    vg_free(s);
    assert_int_equal(sql_int("SELECT count(*) FROM cases"), 1);
    char *sig = sql_text("SELECT target_type || ' ' || target || ' ' || account || ' ' || signals"
                         " FROM cases");
    assert_string_equal(sig, "account r1 r1 {\"followers\":990,\"suspended\":false,"
                             "\"return_score\":0.8,\"return_link\":{\"score\":0.8,"
                             "\"replaces\":\"s1\",\"persona\":\"s1\",\"linked_at\":1767225600,"
                             "\"evidence\":[\"handle\",\"since_suspension\"]},"
                             "\"rules\":[\"returns\"]}");
    free(sig);
    assert_int_equal(sql_int("SELECT round(priority * 1e6) FROM cases"),
                     (int64_t)round(0.8 * (3.0 / 7.0) * 0.5 * 1e6));
    assert_int_equal(sql_int("SELECT count(*) FROM case_sources WHERE kind = 'rule' AND"
                             " ref = 'returns'"),
                     1);
    assert_int_equal(vg_rules_apply(db, &cli, rules, VG_RULES_RUN, &s), VG_OK);
    assert_int_equal(summary_num(s, "opened"), 0);
    assert_int_equal(summary_num(s, "already_cased"), 1);
    vg_free(s);
    assert_int_equal(sql_int("SELECT count(*) FROM cases"), 1);
    /* The case view shows the link's evidence for the account case. */
    char *view;
    int found;
    assert_int_equal(vg_case_json(db, &cli, 1, &view, &found), VG_OK);
    assert_true(found);
    assert_non_null(strstr(view, "\"return_links\":[{\"account\":\"r1\",\"replaces\":\"s1\""));
    vg_free(view);
    vg_rules_free(rules);
    /* "suspended": true reaches the account the platform has suspended again. */
    rules = rules_of("{\"rules\":[{\"name\":\"gone\",\"target\":\"account\",\"when\":"
                     "{\"return_score_min\":0.5,\"suspended\":true}}]}");
    assert_int_equal(vg_rules_apply(db, &cli, rules, VG_RULES_BACKTEST, &s), VG_OK);
    assert_non_null(strstr(s, "\"matched\":1,\"opened\":0,\"would_open\":1"));
    vg_free(s);
    vg_rules_free(rules);
    fixture_close(db);
}

/* An account rule that suspends the accounts it matches (return links scoring 0.7 or more). */
#define DECIDING_RULE                                                                              \
    "{\"rules\":[{\"name\":\"returns-suspended\",\"target\":\"account\",\"decide\":"               \
    "{\"action\":\"suspend_account\",\"ground\":\"incompatible_with_terms\","                      \
    "\"explanation\":\"an invented ban evasion\"},\"when\":{\"return_score_min\":0.7}}]}"

/* A rule that decides its account cases: suspend_account, automated, by the rule's actor, with
 * the outbox row, the statement of reasons and the audit entries; a later backtest counts the
 * account as decided and upheld. */
static void account_rule_decides(void **state)
{
    (void)state;
    vg_db *db = linked_world("acct-decide");
    vg_rules *rules = rules_of(DECIDING_RULE);
    struct vg_actor cli;
    vg_actor_cli(&cli);
    char *s;
    assert_int_equal(vg_rules_apply(db, &cli, rules, VG_RULES_RUN, &s), VG_OK);
    assert_non_null(strstr(s, "\"decides\":\"suspend_account\",\"auto_decided\":1"));
    vg_free(s);
    assert_int_equal(sql_int("SELECT count(*) FROM cases WHERE target_type = 'account' AND"
                             " target = 'r1' AND status = 'decided'"),
                     1);
    assert_int_equal(sql_int("SELECT count(*) FROM decisions WHERE automated = 1 AND"
                             " action = 'suspend_account' AND"
                             " decided_by = 'rule:returns-suspended'"),
                     1);
    assert_int_equal(sql_int("SELECT count(*) FROM outbox WHERE payload LIKE"
                             " '%\"action\":\"suspend_account\"%'"),
                     1);
    assert_int_equal(sql_int("SELECT count(*) FROM sor WHERE body LIKE"
                             " '%\"decision_account\":\"DECISION_ACCOUNT_SUSPENDED\"%' AND body"
                             " LIKE '%\"automated_decision\":\"AUTOMATED_DECISION_FULLY\"%'"),
                     1);
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE actor_id ="
                             " 'rule:returns-suspended' AND action IN ('case.claim',"
                             " 'case.decide')"),
                     2);
    assert_int_equal(vg_rules_apply(db, &cli, rules, VG_RULES_BACKTEST, &s), VG_OK);
    assert_non_null(strstr(s, "\"matched\":1,\"opened\":0,\"would_open\":0,\"already_cased\":1,"
                              "\"decided\":1,\"upheld\":1,\"no_action\":0"));
    vg_free(s);
    vg_rules_free(rules);
    fixture_close(db);
}

/* 2,400 ordinary posts over a day and a half (their own words, #news now and then), then a link
 * storm: 30 invented accounts post #stormx with one link, three times each within an hour. */
static void storm_world(vg_db *db)
{
    char id[32], acc[32], text[128];
    uint64_t rng = 7;
    for (int i = 0; i < 2400; i++) {
        rng = rng * 6364136223846793005ull + 1442695040888963407ull;
        snprintf(id, sizeof(id), "o%d", i);
        snprintf(acc, sizeof(acc), "o%llu", (unsigned long long)((rng >> 33) % 200));
        snprintf(text, sizeof(text), "ordinary words w%llu w%llu w%d",
                 (unsigned long long)((rng >> 20) % 5000), (unsigned long long)((rng >> 40) % 5000),
                 i);
        const char *tag = "news";
        struct vg_event ev = { .type = VG_EV_POST, .platform = "test" };
        ev.u.post.id = id;
        ev.u.post.account = acc;
        ev.u.post.created_at = T0 + (int64_t)i * 54;
        ev.u.post.text = text;
        ev.u.post.hashtags.v = &tag;
        ev.u.post.hashtags.n = i % 3 == 0;
        fixture_put(db, &ev);
    }
    for (int a = 0; a < 30; a++)
        for (int k = 0; k < 3; k++) {
            snprintf(id, sizeof(id), "st%d-%d", a, k);
            snprintf(acc, sizeof(acc), "st%d", a);
            snprintf(text, sizeof(text), "invented call number %d from %d", k, a);
            const char *tag = "stormx", *url = "https://storm.invalid/s1";
            struct vg_event ev = { .type = VG_EV_POST, .platform = "test" };
            ev.u.post.id = id;
            ev.u.post.account = acc;
            ev.u.post.created_at = T0 + 130000 + (a * 3 + k) * 40;
            ev.u.post.text = text;
            ev.u.post.hashtags.v = &tag;
            ev.u.post.hashtags.n = 1;
            ev.u.post.urls.v = &url;
            ev.u.post.urls.n = 1;
            fixture_put(db, &ev);
        }
    assert_int_equal(vg_db_flush(db), VG_OK);
}

/* A storm's accounts are queued: one account case each, the storm (hashtag, onset) in its
 * signals and risk VG__STORM_RISK; ordinary accounts are not. */
static void account_rule_storm(void **state)
{
    (void)state;
    vg_db *db = fixture_db("queue", "acct-storm");
    storm_world(db);
    vg_rules *rules = rules_of("{\"rules\":[{\"name\":\"storm-accounts\",\"target\":\"account\","
                               "\"when\":{\"storm_member\":true}}]}");
    struct vg_actor cli;
    vg_actor_cli(&cli);
    char *s;
    assert_int_equal(vg_rules_apply(db, &cli, rules, VG_RULES_RUN, &s), VG_OK);
    assert_true(summary_num(s, "storm_alerts") >= 1);
    int64_t opened = summary_num(s, "opened");
    vg_free(s);
    assert_true(opened >= 10);
    assert_int_equal(sql_int("SELECT count(*) FROM cases"), opened);
    assert_int_equal(sql_int("SELECT count(*) FROM cases WHERE target_type = 'account' AND"
                             " target LIKE 'st%' AND signals LIKE"
                             " '%\"storm_member\":true,\"storm\":{\"hashtag\":\"stormx\",%'"
                             " AND round(risk, 6) = 0.7"),
                     opened);
    vg_rules_free(rules);
    fixture_close(db);
}

/* A scored post with one hashtag (NULL: none); score < 0: not scored. */
static void tagged_post(vg_db *db, const char *id, const char *author, int64_t at, const char *tag,
                        double score)
{
    struct vg_event ev = { .type = VG_EV_POST, .platform = "test" };
    ev.u.post.id = id;
    ev.u.post.account = author;
    ev.u.post.created_at = at;
    ev.u.post.text = "invented words of a test post";
    ev.u.post.lang = "en";
    ev.u.post.hashtags.v = &tag;
    ev.u.post.hashtags.n = tag != NULL;
    fixture_put(db, &ev);
    if (score >= 0) {
        struct vg_post_score sc = { .score = score, .flagged = score >= 0.5, .lang = "en" };
        assert_int_equal(vg__db_put_score(db, id, "test-model", &sc), VG_OK);
    }
}

static void score_of(vg_db *db, const char *post, double score)
{
    struct vg_post_score sc = { .score = score, .flagged = score >= 0.5, .lang = "en" };
    assert_int_equal(vg__db_put_score(db, post, "test-model", &sc), VG_OK);
}

/* The storm world with classifier scores (storm_score_min): st0's own storm post scores 0.9
 * (queued); st1 posts 0.9 only on #otherx during the storm, st2's storm posts score 0.2, st3
 * posts 0.95 on #stormx two hours after the storm's last post (outside its span): none queued;
 * st25 joins late and posts 0.9 on #stormx after its marked posts, the storm's last post (queued,
 * live by the end alert: when it joined, that post was not yet in the storm). */
#define STORM_SCORE_RULES                                                                          \
    "{\"rules\":[{\"name\":\"storm-propaganda\",\"target\":\"account\","                           \
    "\"when\":{\"storm_member\":true,\"storm_score_min\":0.5}},"                                   \
    "{\"name\":\"storm-post-watch\",\"shadow\":true,\"when\":{\"storm_score_min\":0.5}}]}"

static void scored_storm_world(vg_db *db)
{
    storm_world(db);
    score_of(db, "st0-1", 0.9);
    score_of(db, "st0-0", 0.1);
    tagged_post(db, "x1", "st1", T0 + 131000, "otherx", 0.9);
    for (int k = 0; k < 3; k++) {
        char id[16];
        snprintf(id, sizeof(id), "st2-%d", k);
        score_of(db, id, 0.2);
    }
    tagged_post(db, "x3", "st3", T0 + 133560 + 7200, "stormx", 0.95);
    tagged_post(db, "x25", "st25", T0 + 133600, "stormx", 0.9);
    assert_int_equal(vg_db_flush(db), VG_OK);
}

/* storm_score_min: a storm account is queued only when its own post on the storm's hashtag,
 * within the storm, scores high enough; the case carries that post and its score. */
static void account_rule_storm_score(void **state)
{
    (void)state;
    vg_db *db = fixture_db("queue", "acct-storm-score");
    scored_storm_world(db);
    vg_rules *rules = rules_of(STORM_SCORE_RULES);
    struct vg_actor cli;
    vg_actor_cli(&cli);
    char *s;
    assert_int_equal(vg_rules_apply(db, &cli, rules, VG_RULES_RUN, &s), VG_OK);
    assert_true(summary_num(s, "storm_accounts") >= 26);
    assert_int_equal(summary_num(s, "opened"), 2);
    /* The post rule: the posts of st0 (3) and st25 (4). */
    assert_int_equal(summary_num(s, "would_open"), 7);
    vg_free(s);
    char *got = sql_text("SELECT group_concat(target || ' ' || json_extract(signals,"
                         " '$.storm_score'), '|') FROM (SELECT * FROM cases ORDER BY target)");
    assert_non_null(got);
    char want[256];
    int64_t onset = sql_int("SELECT json_extract(signals, '$.storm.onset') FROM cases LIMIT 1");
    snprintf(want, sizeof(want),
             "st0 {\"score\":0.9,\"post\":\"st0-1\",\"hashtag\":\"stormx\",\"onset\":%lld}|"
             "st25 {\"score\":0.9,\"post\":\"x25\",\"hashtag\":\"stormx\",\"onset\":%lld}",
             (long long)onset, (long long)onset);
    assert_string_equal(got, want);
    free(got);
    /* A storm account with no scored post on its storm's hashtags says so. */
    vg_rules_free(rules);
    rules = rules_of("{\"rules\":[{\"name\":\"any-storm\",\"target\":\"account\",\"when\":"
                     "{\"any\":[{\"storm_score_min\":0.95},{\"storm_member\":true}]}}]}");
    assert_int_equal(vg_rules_apply(db, &cli, rules, VG_RULES_RUN, &s), VG_OK);
    vg_free(s);
    assert_int_equal(sql_int("SELECT count(*) FROM cases WHERE target = 'st5' AND"
                             " signals LIKE '%\"storm_score\":null,%'"),
                     1);
    assert_int_equal(sql_int("SELECT count(*) FROM cases WHERE target = 'st2' AND"
                             " json_extract(signals, '$.storm_score.score') = 0.2"),
                     1);
    vg_rules_free(rules);
    fixture_close(db);
}

/* Live (vg_rules_live, `vigie ingest --returns --rules`): the link's account is queued as it is
 * linked, with the signals and priority a batch run gives it and an audit entry naming the link;
 * the account suspended again is left alone, a second link of the account reads nothing, and
 * a later batch run opens no second case. */
static void cases_collect(const struct vg_rules_live_case *c, void *ud)
{
    char *seen = ud;
    snprintf(seen + strlen(seen), 256 - strlen(seen), "%lld %s %s %s %s %lld;",
             (long long)c->case_id, c->account, c->rule, c->lane, c->trigger, (long long)c->at);
}

static const char live_link_rules[] =
        "{\"rules\":[{\"name\":\"returns\",\"target\":\"account\",\"when\":{\"return_link\":true}},"
        "{\"name\":\"high\",\"when\":{\"post_score_min\":0.9}},"
        "{\"name\":\"watch\",\"shadow\":true,\"target\":\"account\","
        "\"when\":{\"return_link\":true}},"
        "{\"name\":\"core\",\"target\":\"account\",\"when\":{\"account_score_min\":0.1}},"
        "{\"name\":\"storms\",\"target\":\"account\",\"when\":{\"storm_member\":false,"
        "\"return_link\":true}}]}";

static void live_rules_link(void **state)
{
    (void)state;
    vg_db *db = linked_world("acct-live");
    vg_rules *rules = rules_of(live_link_rules);
    struct vg_actor cli;
    vg_actor_cli(&cli);
    char seen[256] = "";
    vg_rules_live *l;
    /* Without alerts (storms 0) the storm rule is left to the batch, as is the post rule; the
     * shadow rule is applied (the case lists it) without a rule_shadow row; "core" is applied
     * but cannot hold without a network score. */
    assert_int_equal(vg_rules_live_open(db, &cli, rules, 0, cases_collect, seen, &l), VG_OK);
    assert_int_equal(vg_rules_live_link(l, "r1", T0), VG_OK);
    assert_int_equal(vg_rules_live_link(l, "r2", T0), VG_OK);
    assert_int_equal(vg_rules_live_link(l, "r1", T0 + 60), VG_OK);
    struct vg_rules_live_stats st;
    vg_rules_live_stats(l, &st);
    assert_int_equal(st.rules, 3);
    assert_int_equal(st.links, 3);
    assert_int_equal(st.accounts, 3);
    assert_int_equal(st.already_cased, 1);
    assert_int_equal(st.matched, 1);
    assert_int_equal(st.queued, 1);
    vg_rules_live_free(l);
    assert_string_equal(seen, "1 r1 returns normal link 1767225600;");
    assert_int_equal(sql_int("SELECT count(*) FROM cases"), 1);
    char *sig = sql_text("SELECT target_type || ' ' || target || ' ' || account || ' ' || rule"
                         " || ' ' || signals FROM cases");
    assert_string_equal(sig, "account r1 r1 returns {\"followers\":990,\"suspended\":false,"
                             "\"return_score\":0.8,\"return_link\":{\"score\":0.8,"
                             "\"replaces\":\"s1\",\"persona\":\"s1\",\"linked_at\":1767225600,"
                             "\"evidence\":[\"handle\",\"since_suspension\"]},"
                             "\"rules\":[\"returns\",\"watch\"]}");
    free(sig);
    /* Freshness counts from the newest stored post, as in the batch. */
    assert_int_equal(sql_int("SELECT round(priority * 1e6) FROM cases"),
                     (int64_t)round(0.8 * (3.0 / 7.0) * 0.5 * 1e6));
    assert_int_equal(sql_int("SELECT count(*) FROM case_sources WHERE kind = 'rule' AND"
                             " ref = 'returns'"),
                     1);
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE action = 'rules.live' AND"
                             " object = 'case:1' AND detail = '{\"rule\":\"returns\","
                             "\"trigger\":\"link\",\"at\":1767225600}'"),
                     1);
    assert_int_equal(sql_int("SELECT count(*) FROM rule_shadow"), 0);
    /* The batch afterwards: the account is cased already, nothing is opened twice. */
    char *s;
    assert_int_equal(vg_rules_apply(db, &cli, rules, VG_RULES_RUN, &s), VG_OK);
    /* r1 is found cased; the network-score rule opens what no link named (u1, u2). */
    assert_non_null(strstr(s, "{\"name\":\"returns\",\"target\":\"account\",\"lane\":"
                              "\"normal\",\"shadow\":false,\"matched\":1,\"opened\":0,"
                              "\"would_open\":0,\"already_cased\":1"));
    assert_int_equal(summary_num(s, "already_cased"), 1);
    assert_int_equal(summary_num(s, "opened"), 2);
    vg_free(s);
    assert_int_equal(sql_int("SELECT count(*) FROM cases WHERE target = 'r1'"), 1);
    vg_rules_free(rules);
    fixture_close(db);
}

/* A rule that decides, live: the case is decided by its rule as the batch decides it. */
static void live_rules_decides(void **state)
{
    (void)state;
    vg_db *db = linked_world("acct-live-decide");
    vg_rules *rules = rules_of(DECIDING_RULE);
    struct vg_actor cli;
    vg_actor_cli(&cli);
    vg_rules_live *l;
    assert_int_equal(vg_rules_live_open(db, &cli, rules, 1, NULL, NULL, &l), VG_OK);
    assert_int_equal(vg_rules_live_link(l, "r1", T0), VG_OK);
    struct vg_rules_live_stats st;
    vg_rules_live_stats(l, &st);
    assert_int_equal(st.queued, 1);
    assert_int_equal(st.auto_decided, 1);
    vg_rules_live_free(l);
    assert_int_equal(sql_int("SELECT count(*) FROM cases WHERE target = 'r1' AND"
                             " status = 'decided'"),
                     1);
    assert_int_equal(sql_int("SELECT count(*) FROM decisions WHERE automated = 1 AND"
                             " action = 'suspend_account' AND"
                             " decided_by = 'rule:returns-suspended'"),
                     1);
    assert_int_equal(sql_int("SELECT count(*) FROM outbox"), 1);
    vg_rules_free(rules);
    fixture_close(db);
}

struct live_feed {
    vg_rules_live *l;
    vg_status rc;
    int queued_by_join;
    uint64_t queued_before_end; /* cases queued before the storm's end alert */
};

static void live_on_alert(const struct vg_storm_alert *a, void *ud)
{
    struct live_feed *f = ud;
    if (a->final) {
        struct vg_rules_live_stats st;
        vg_rules_live_stats(f->l, &st);
        f->queued_before_end = st.queued;
    }
    if (!f->rc)
        f->rc = vg_rules_live_storm(f->l, a);
}

static void live_on_join(const struct vg_storm_alert *a, size_t from, void *ud)
{
    struct live_feed *f = ud;
    if (!f->rc)
        f->rc = vg_rules_live_storm_join(f->l, a, from);
    f->queued_by_join = 1;
}

/* Each post to the live rules before the detector sees it, as `vigie ingest` feeds them. */
static vg_status live_post(const struct vg_post *post, void *ud)
{
    struct live_feed *f = ud;
    return vg_rules_live_post(f->l, post);
}

/* The rules applied live to the storms of db's posts, replayed through a detector as
 * `vigie ingest --storms --rules` feeds it (each post to the rules first when with_posts). */
static void live_storm_rules(vg_db *db, const vg_rules *rules, vg_rules_live_case_fn on_case,
                             void *ud, int with_posts, struct live_feed *f,
                             struct vg_rules_live_stats *st)
{
    struct vg_actor cli;
    vg_actor_cli(&cli);
    assert_int_equal(vg_rules_live_open(db, &cli, rules, 1, on_case, ud, &f->l), VG_OK);
    struct vg_storm_opts o;
    vg_storm_opts_init(&o);
    o.on_alert = live_on_alert;
    o.on_join = live_on_join;
    o.ud = f;
    vg_storms *det;
    assert_int_equal(vg_storms_new(&o, &det), VG_OK);
    assert_int_equal(vg__storms_replay_with(db, VG_TIME_UNKNOWN, VG_TIME_UNKNOWN, det,
                                            with_posts ? live_post : NULL, f, NULL),
                     VG_OK);
    vg_storms_free(det);
    assert_int_equal(f->rc, VG_OK);
    vg_rules_live_stats(f->l, st);
    vg_rules_live_free(f->l);
}

/* Every case target with its rule and storm (hashtag, onset) and risk, sorted, one per line. */
static char *case_set(const char *path)
{
    return sql_text_at(path, "SELECT group_concat(x, '|') FROM (SELECT target_type || ' ' ||"
                             " target || ' ' || rule || ' ' || round(risk, 6) || ' ' ||"
                             " json_extract(signals, '$.storm.hashtag') || ' ' ||"
                             " json_extract(signals, '$.storm.onset') || ' ' ||"
                             " json_extract(signals, '$.rules') AS x FROM cases ORDER BY x)");
}

/* The cases a batch `rules run` opens on a store made by make: the set (case_set), and the
 * number opened into *opened. */
static char *batch_case_set(const vg_rules *rules, const char *name, void (*make)(vg_db *),
                            int64_t *opened)
{
    struct vg_actor cli;
    vg_actor_cli(&cli);
    vg_db *batch = fixture_db("queue", name);
    make(batch);
    char *s;
    assert_int_equal(vg_rules_apply(batch, &cli, rules, VG_RULES_RUN, &s), VG_OK);
    *opened = summary_num(s, "opened");
    vg_free(s);
    char *set = case_set(fixture_path);
    fixture_close(batch);
    return set;
}

/* db (the fixture just used live) holds the batch's cases, want; a batch run after it opens none
 * (all `opened` already cased). Frees want. */
static void live_cases_as_the_batch(vg_db *db, const vg_rules *rules, char *want, int64_t opened)
{
    char *got = case_set(fixture_path);
    assert_non_null(want);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
    free(want);
    struct vg_actor cli;
    vg_actor_cli(&cli);
    char *s;
    assert_int_equal(vg_rules_apply(db, &cli, rules, VG_RULES_RUN, &s), VG_OK);
    assert_int_equal(summary_num(s, "opened"), 0);
    assert_int_equal(summary_num(s, "already_cased"), opened);
    vg_free(s);
}

/* A storm's accounts are queued as its alert is raised and as they join it (on_join): every
 * case before the storm's end, the same cases (targets, rule, risk, storm) as a batch run on the
 * same world, and a batch run afterwards opens none. */
static void live_rules_storm(void **state)
{
    (void)state;
    const char *storm_rules = "{\"rules\":[{\"name\":\"storm-accounts\",\"target\":\"account\","
                              "\"when\":{\"storm_member\":true}}]}";
    vg_rules *rules = rules_of(storm_rules);
    int64_t opened;
    char *want = batch_case_set(rules, "live-storm-batch", storm_world, &opened);

    vg_db *db = fixture_db("queue", "live-storm");
    storm_world(db);
    struct live_feed f = { 0 };
    struct vg_rules_live_stats st;
    live_storm_rules(db, rules, NULL, NULL, 0, &f, &st);
    assert_true(st.alerts >= 1);
    assert_int_equal(st.queued, opened);
    /* The accounts that joined after the alert was raised were queued as they joined: all of
     * them before the storm's end. */
    assert_true(st.joins >= 1);
    assert_true(f.queued_by_join);
    assert_int_equal(f.queued_before_end, opened);
    assert_true(opened >= 10);
    live_cases_as_the_batch(db, rules, want, opened);
    vg_rules_free(rules);
    fixture_close(db);
}

/* storm_score_min live: st0 is queued as the alert names it (its 0.9 post was stored and scored
 * before the detector saw it); st25 joins before its 0.9 post on the hashtag and is judged again,
 * and queued, when the end alert names it; no other account. The same cases as the batch, whose
 * rules run afterwards opens none. */
static void live_rules_storm_score(void **state)
{
    (void)state;
    vg_rules *rules = rules_of(STORM_SCORE_RULES);
    int64_t opened;
    char *want = batch_case_set(rules, "live-storm-score-batch", scored_storm_world, &opened);
    assert_int_equal(opened, 2);

    vg_db *db = fixture_db("queue", "live-storm-score");
    scored_storm_world(db);
    struct live_feed f = { 0 };
    char seen[256] = "";
    struct vg_rules_live_stats st;
    live_storm_rules(db, rules, cases_collect, seen, 1, &f, &st);
    assert_true(st.joins >= 1);
    assert_int_equal(st.queued, 2);
    assert_int_equal(f.queued_before_end, 1);
    /* st0 by the raised alert; st25 by the end alert, whose last post is st25's own. */
    char expect[256];
    snprintf(expect, sizeof(expect),
             "1 st0 storm-propaganda normal storm %lld;"
             "2 st25 storm-propaganda normal storm %lld;",
             (long long)sql_int("SELECT json_extract(detail, '$.at') FROM audit_log WHERE"
                                " object = 'case:1' AND action = 'rules.live'"),
             (long long)(T0 + 133600));
    assert_string_equal(seen, expect);
    assert_int_equal(sql_int("SELECT count(*) FROM cases WHERE target = 'st25' AND"
                             " json_extract(signals, '$.storm_score.post') = 'x25'"),
                     1);
    live_cases_as_the_batch(db, rules, want, opened);
    vg_rules_free(rules);
    fixture_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rules_parse_errors),
        cmocka_unit_test(priority_parts),
        cmocka_unit_test(rules_run_shadow_backtest),
        cmocka_unit_test(queue_listing_bytes),
        cmocka_unit_test(rule_decides),
        cmocka_unit_test(claims_decisions_appeals),
        cmocka_unit_test(order_opens_cases),
        cmocka_unit_test(claim_race),
        cmocka_unit_test(muted_flagger),
        cmocka_unit_test(sor_rules),
        cmocka_unit_test(webhook_retries),
        cmocka_unit_test(bulk_decide),
        cmocka_unit_test(bulk_store_error),
        cmocka_unit_test(case_view_community),
        cmocka_unit_test(account_rule_parse_errors),
        cmocka_unit_test(account_rule_return_link),
        cmocka_unit_test(account_rule_decides),
        cmocka_unit_test(account_rule_storm),
        cmocka_unit_test(account_rule_storm_score),
        cmocka_unit_test(live_rules_link),
        cmocka_unit_test(live_rules_decides),
        cmocka_unit_test(live_rules_storm),
        cmocka_unit_test(live_rules_storm_score),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
