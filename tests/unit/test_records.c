/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_records.c: removal orders (Annex I validation naming the field, duplicates, roles, the
 * one-hour clock at chosen instants, Annex II after an action, Annex III pausing the clock and
 * the restart on clarification, cross-border scrutiny and reinstatement, the gag), the figures
 * (median and worst receipt-to-action times), the evidence vault (copy on action, metadata-only
 * listing, access only for a stated purpose and audited, extension, deletion on expiry), the TCO
 * report's counters and the dashboard's series on a small invented store.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <cmocka.h>
#include <time.h>

#include "records.h"
#include "store_fixture.h"

#define DAY 86400

static const char order_fr[] =
        "{\"reference\":\"FR-1\",\"issuing_state\":\"FR\",\"authority\":\"Invented Unit\","
        "\"addressee\":\"Example Host\",\"contact_point\":\"tco@example.invalid\","
        "\"provider_state\":\"IE\",\"issued_at\":\"2026-01-10T09:00:00Z\","
        "\"urls\":[\"https://example.invalid/a\",\"https://example.invalid/b\"],"
        "\"reasons\":[\"d\",\"a\",\"a\"],\"gag\":true,\"gag_until\":\"2026-02-01T00:00:00Z\"}";

static int64_t t(const char *iso)
{
    int64_t v;
    assert_int_equal(vg_time_parse(iso, &v), VG_OK);
    return v;
}

static cJSON *order_view(vg_db *db, int64_t id, int64_t now)
{
    char *text = NULL;
    int found = 0;
    assert_int_equal(vg_order_get_json(db, id, now, &text, &found), VG_OK);
    assert_int_equal(found, 1);
    cJSON *j = cJSON_Parse(text);
    assert_non_null(j);
    vg_free(text);
    return j;
}

static double num(const cJSON *j, const char *a, const char *b)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(j, a);
    if (b)
        x = cJSON_GetObjectItemCaseSensitive(x, b);
    assert_true(cJSON_IsNumber(x));
    return x->valuedouble;
}

static const char *str(const cJSON *j, const char *a, const char *b)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(j, a);
    if (b)
        x = cJSON_GetObjectItemCaseSensitive(x, b);
    return cJSON_IsString(x) ? x->valuestring : NULL;
}

static int truth(const cJSON *j, const char *a, const char *b)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(j, a);
    if (b)
        x = cJSON_GetObjectItemCaseSensitive(x, b);
    assert_true(cJSON_IsBool(x));
    return cJSON_IsTrue(x);
}

static int64_t receive(vg_db *db, const char *json, int64_t at)
{
    struct vg_actor cli;
    vg_actor_cli(&cli);
    char err[300];
    int64_t id;
    enum vg_put_result res;
    assert_int_equal(
            vg_order_receive(db, &cli, json, strlen(json), at, &id, &res, err, sizeof(err)), VG_OK);
    assert_int_equal(res, VG_PUT_NEW);
    return id;
}

/* The field a refused order names. */
static void refused_naming(vg_db *db, const char *json, const char *want)
{
    struct vg_actor cli;
    vg_actor_cli(&cli);
    char err[300];
    int64_t id;
    enum vg_put_result res;
    assert_int_equal(vg_order_receive(db, &cli, json, strlen(json), t("2026-01-10T10:00:00Z"), &id,
                                      &res, err, sizeof(err)),
                     VG_EFIELD);
    if (!strstr(err, want))
        fail_msg("'%s' does not name %s", err, want);
}

static void annex1_validated(void **state)
{
    (void)state;
    vg_db *db = fixture_db("records", "annex1");
    refused_naming(db, "{\"issuing_state\":\"FR\"}", "'reference' is required");
    refused_naming(db,
                   "{\"reference\":\"x\",\"issuing_state\":\"US\",\"authority\":\"a\","
                   "\"issued_at\":0,\"urls\":[\"https://x\"],\"reasons\":[\"a\"]}",
                   "'issuing_state' must be a Member State");
    refused_naming(db,
                   "{\"reference\":\"x\",\"issuing_state\":\"FR\",\"authority\":\"a\","
                   "\"issued_at\":0,\"urls\":[\"ftp://x\"],\"reasons\":[\"a\"]}",
                   "'urls' item 0");
    refused_naming(db,
                   "{\"reference\":\"x\",\"issuing_state\":\"FR\",\"authority\":\"a\","
                   "\"issued_at\":0,\"urls\":[\"https://x\"],\"reasons\":[\"f\"]}",
                   "'reasons' item 0");
    refused_naming(db,
                   "{\"reference\":\"x\",\"issuing_state\":\"FR\",\"authority\":\"a\","
                   "\"issued_at\":0,\"urls\":[],\"reasons\":[\"a\"]}",
                   "'urls' must be an array of 1");
    refused_naming(db,
                   "{\"reference\":\"x\",\"issuing_state\":\"FR\",\"authority\":\"a\","
                   "\"issued_at\":0,\"urls\":[\"https://x\"],\"reasons\":[\"a\"],\"gag\":true}",
                   "'gag_until' is required");
    refused_naming(db,
                   "{\"reference\":\"x\",\"issuing_state\":\"FR\",\"authority\":\"a\","
                   "\"issued_at\":\"2026-01-10T09:00:00Z\",\"urls\":[\"https://x\"],"
                   "\"reasons\":[\"a\"],\"gag\":true,\"gag_until\":\"2026-06-01T00:00:00Z\"}",
                   "at most 12 weeks");
    refused_naming(db,
                   "{\"reference\":\"x\",\"issuing_state\":\"FR\",\"authority\":\"a\","
                   "\"issued_at\":\"2026-01-11T00:00:00Z\",\"urls\":[\"https://x\"],"
                   "\"reasons\":[\"a\"]}",
                   "'issued_at' is after the receipt");
    refused_naming(db,
                   "{\"reference\":\"x\",\"issuing_state\":\"FR\",\"authority\":\"a\","
                   "\"issued_at\":0,\"urls\":[\"https://x\"],\"reasons\":[\"a\"],\"admin\":1}",
                   "unknown field 'admin'");
    refused_naming(db, "{\"reference\":", "malformed JSON");
    /* A reviewer may not receive orders; nothing is stored. */
    struct vg_actor rev = { .role = VG_ROLE_REVIEWER, .actor_id = "user:9", .pseudonym = "R" };
    char err[300];
    int64_t id;
    enum vg_put_result res;
    assert_int_equal(
            vg_order_receive(db, &rev, order_fr, strlen(order_fr), 0, &id, &res, err, sizeof(err)),
            VG_EINVAL);
    int64_t n;
    assert_int_equal(vg_cases_count(db, "audit_log", &n), VG_OK);
    assert_int_equal(n, 0);
    /* Accepted, then the same order again is the stored one. */
    int64_t at = t("2026-01-10T10:00:00Z");
    int64_t first = receive(db, order_fr, at);
    struct vg_actor cli;
    vg_actor_cli(&cli);
    assert_int_equal(vg_order_receive(db, &cli, order_fr, strlen(order_fr), at + 5, &id, &res, err,
                                      sizeof(err)),
                     VG_OK);
    assert_int_equal(res, VG_PUT_DUPLICATE);
    assert_int_equal(id, first);
    cJSON *v = order_view(db, first, at);
    assert_string_equal(str(v, "annex1", "reference"), "FR-1");
    assert_true(truth(v, "cross_border", NULL));
    assert_true(truth(v, "gag", NULL));
    assert_string_equal(str(v, "notice_not_before", NULL), "2026-02-01T00:00:00Z");
    assert_int_equal((int64_t)num(v, "annex1", "issued_at"), t("2026-01-10T09:00:00Z"));
    cJSON_Delete(v);
    fixture_close(db);
}

static void clock_runs_and_pauses(void **state)
{
    (void)state;
    vg_db *db = fixture_db("records", "clock");
    int64_t at = t("2026-01-10T10:00:00Z");
    int64_t id = receive(db, order_fr, at);
    cJSON *v = order_view(db, id, at + 1800);
    assert_string_equal(str(v, "clock", "deadline"), "2026-01-10T11:00:00Z");
    assert_int_equal((int)num(v, "clock", "seconds_left"), 1800);
    assert_false(truth(v, "clock", "overdue"));
    cJSON_Delete(v);
    v = order_view(db, id, at + 4000);
    assert_int_equal((int)num(v, "clock", "seconds_left"), 0);
    assert_true(truth(v, "clock", "overdue"));
    cJSON_Delete(v);

    /* Annex III at +20 min: paused, no deadline; acting is refused until clarified. */
    struct vg_actor cli;
    vg_actor_cli(&cli);
    char err[300];
    const char *reasons[] = { "insufficient_information" };
    assert_int_equal(vg_order_cannot_comply(db, &cli, id, reasons, 1, "the URL b is not ours", NULL,
                                            at + 1200, err, sizeof(err)),
                     VG_EFIELD);
    assert_non_null(strstr(err, "'clarification' is required"));
    assert_int_equal(vg_order_cannot_comply(db, &cli, id, reasons, 1, "the URL b is not ours",
                                            "which post is meant", at + 1200, err, sizeof(err)),
                     VG_OK);
    v = order_view(db, id, at + 9000);
    assert_string_equal(str(v, "state", NULL), "paused");
    assert_true(truth(v, "clock", "paused"));
    assert_null(str(v, "clock", "deadline"));
    assert_false(truth(v, "clock", "overdue"));
    cJSON_Delete(v);
    assert_int_equal(vg_order_record_action(db, id, VG_ORDER_REMOVED, at + 1300, &cli, NULL, 0, err,
                                            sizeof(err)),
                     VG_EINVAL);
    char *a3 = NULL;
    int found = 0;
    assert_int_equal(vg_order_annex_json(db, id, 3, &a3, &found), VG_OK);
    assert_int_equal(found, 1);
    cJSON *j = cJSON_Parse(a3);
    assert_string_equal(str(j, "annex", NULL), "III");
    assert_string_equal(str(j, "section_b", "clarification_needed"), "which post is meant");
    assert_string_equal(str(j, "section_a", "reference"), "FR-1");
    cJSON_Delete(j);
    vg_free(a3);
    /* Clarified at +2 h: a full hour from there; acted 50 min later is within the hour. */
    assert_int_equal(vg_order_clarified(db, &cli, id, "post 17", at + 7200, err, sizeof(err)),
                     VG_OK);
    v = order_view(db, id, at + 7300);
    assert_string_equal(str(v, "clock", "deadline"), "2026-01-10T13:00:00Z");
    assert_int_equal((int)num(v, "clock", "seconds_left"), 3500);
    cJSON_Delete(v);
    assert_int_equal(vg_order_record_action(db, id, VG_ORDER_DISABLED, at + 10200, &cli, NULL, 0,
                                            err, sizeof(err)),
                     VG_OK);
    v = order_view(db, id, at + 20000);
    assert_string_equal(str(v, "state", NULL), "disabled");
    assert_int_equal((int)num(v, "seconds_receipt_to_action", NULL), 10200);
    assert_int_equal((int)num(v, "seconds_clock_to_action", NULL), 3000);
    assert_true(truth(v, "within_hour", NULL));
    cJSON_Delete(v);
    /* A second action is refused; the Annex II reply names the measure and its time. */
    assert_int_equal(vg_order_record_action(db, id, VG_ORDER_REMOVED, at + 10300, &cli, NULL, 0,
                                            err, sizeof(err)),
                     VG_EINVAL);
    char *a2 = NULL;
    assert_int_equal(vg_order_annex_json(db, id, 2, &a2, &found), VG_OK);
    j = cJSON_Parse(a2);
    assert_string_equal(str(j, "section_b", "measure"), "disabled");
    assert_string_equal(str(j, "section_b", "at"), "2026-01-10T12:50:00Z");
    assert_string_equal(str(j, "section_c", "contact_point"), "tco@example.invalid");
    cJSON_Delete(j);
    vg_free(a2);
    struct vg_audit_verdict verdict;
    assert_int_equal(vg_audit_verify(db, &verdict), VG_OK);
    assert_true(verdict.ok);
    assert_int_equal(verdict.entries, 4); /* receive, cannot_comply, clarified, act */
    fixture_close(db);
}

static void put_post(vg_db *db, const char *id, const char *account, int64_t at, const char *lang,
                     const char *url, int flagged)
{
    struct vg_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = VG_EV_POST;
    const char *urls[] = { url };
    ev.u.post.id = id;
    ev.u.post.account = account;
    ev.u.post.created_at = at;
    ev.u.post.text = "invented post text";
    ev.u.post.lang = lang;
    ev.u.post.urls.v = urls;
    ev.u.post.urls.n = url ? 1 : 0;
    fixture_put(db, &ev);
    if (flagged) {
        struct vg_post_score sc = { .score = 0.9, .flagged = 1, .lang = "en" };
        assert_int_equal(vg__db_put_score(db, id, "m1", &sc), VG_OK);
    }
}

static void evidence_vault(void **state)
{
    (void)state;
    vg_db *db = fixture_db("records", "vault");
    int64_t at = (int64_t)time(NULL) - 600;
    fixture_account(db, "acc-1", "invented_handle", at - DAY);
    put_post(db, "p-1", "acc-1", at - 3600, "ar", "https://example.invalid/x", 1);
    assert_int_equal(vg_db_flush(db), VG_OK);
    int64_t id = receive(db, order_fr, at);
    struct vg_actor cli;
    vg_actor_cli(&cli);
    char err[300];
    const char *missing[] = { "p-1", "p-404" };
    assert_int_equal(vg_order_record_action(db, id, VG_ORDER_REMOVED, at + 60, &cli, missing, 2,
                                            err, sizeof(err)),
                     VG_EFIELD);
    assert_non_null(strstr(err, "p-404"));
    int64_t n;
    assert_int_equal(vg_cases_count(db, "audit_log", &n), VG_OK);
    assert_int_equal(n, 1); /* the refused action stored nothing, not even p-1's copy */
    const char *posts[] = { "p-1" };
    assert_int_equal(vg_order_record_action(db, id, VG_ORDER_REMOVED, at + 60, &cli, posts, 1, err,
                                            sizeof(err)),
                     VG_OK);
    /* The gag follows the post. */
    int64_t nb;
    assert_int_equal(vg_notice_not_before(db, "p-1", &nb), VG_OK);
    assert_int_equal(nb, t("2026-02-01T00:00:00Z"));
    assert_int_equal(vg_notice_not_before(db, "p-2", &nb), VG_OK);
    assert_int_equal(nb, VG_TIME_UNKNOWN);

    /* Listing: metadata, never the content. */
    char *text = NULL;
    assert_int_equal(vg_evidence_list_json(db, at, 10, &text), VG_OK);
    assert_null(strstr(text, "invented post text"));
    cJSON *j = cJSON_Parse(text);
    cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "evidence"), 0);
    assert_string_equal(str(e, "post_id", NULL), "p-1");
    assert_string_equal(str(e, "account", NULL), "acc-1");
    assert_int_equal((int)num(e, "order_id", NULL), (int)id);
    int64_t eid = (int64_t)num(e, "id", NULL);
    cJSON_Delete(j);
    vg_free(text);

    /* Access needs a purpose and a note; the content comes back intact and the read is audited. */
    assert_int_equal(vg_evidence_access(db, &cli, eid, "curiosity", "x", &text, err, sizeof(err)),
                     VG_EFIELD);
    assert_int_equal(vg_evidence_access(db, &cli, eid, "review", NULL, &text, err, sizeof(err)),
                     VG_EFIELD);
    assert_int_equal(
            vg_evidence_access(db, &cli, eid, "review", "court file 12", &text, err, sizeof(err)),
            VG_OK);
    j = cJSON_Parse(text);
    assert_true(truth(j, "intact", NULL));
    cJSON *content = cJSON_GetObjectItem(j, "content");
    assert_string_equal(str(content, "post", "text"), "invented post text");
    assert_string_equal(str(content, "account", "handle"), "invented_handle");
    cJSON_Delete(j);
    vg_free(text);
    /* Three entries so far: the receipt, the action, the preservation; then the access. */
    assert_int_equal(vg_cases_count(db, "audit_log", &n), VG_OK);
    assert_int_equal(n, 4);
    int64_t before = n;

    /* Extension: not earlier than the expiry; with a reason. */
    int64_t expiry = at + 60 + VG_EVIDENCE_KEEP;
    assert_int_equal(vg_evidence_extend(db, &cli, eid, expiry - 1, "appeal", err, sizeof(err)),
                     VG_EFIELD);
    assert_int_equal(vg_evidence_extend(db, &cli, eid, expiry + 30 * DAY, "", err, sizeof(err)),
                     VG_EFIELD);
    assert_int_equal(
            vg_evidence_extend(db, &cli, eid, expiry + 30 * DAY, "court order 7", err, sizeof(err)),
            VG_OK);
    /* Expiry: nothing before the (extended) date, deleted after it. */
    int64_t deleted, kept;
    assert_int_equal(vg_evidence_expire(db, &cli, expiry + DAY, &deleted, &kept), VG_OK);
    assert_int_equal(deleted, 0);
    assert_int_equal(kept, 1);
    assert_int_equal(vg_evidence_expire(db, &cli, expiry + 31 * DAY, &deleted, &kept), VG_OK);
    assert_int_equal(deleted, 1);
    assert_int_equal(kept, 0);
    assert_int_equal(vg_evidence_access(db, &cli, eid, "review", "again", &text, err, sizeof(err)),
                     VG_ENOENT);
    assert_int_equal(vg_cases_count(db, "audit_log", &n), VG_OK);
    assert_int_equal(n, before + 2); /* the extension and the deletion */
    struct vg_audit_verdict verdict;
    assert_int_equal(vg_audit_verify(db, &verdict), VG_OK);
    assert_true(verdict.ok);
    fixture_close(db);
}

static void scrutiny_and_figures(void **state)
{
    (void)state;
    vg_db *db = fixture_db("records", "figures");
    struct vg_actor cli;
    vg_actor_cli(&cli);
    char err[300], json[400];
    int64_t at = t("2026-03-01T08:00:00Z");
    /* Three orders acted on 10 s, 20 s and 4000 s after receipt; one never acted on. */
    const int64_t delays[] = { 20, 4000, 10 };
    int64_t ids[4];
    for (int i = 0; i < 4; i++) {
        snprintf(json, sizeof(json),
                 "{\"reference\":\"DE-%d\",\"issuing_state\":\"DE\",\"authority\":\"BKA-like\","
                 "\"provider_state\":\"%s\",\"issued_at\":\"2026-03-01T07:00:00Z\","
                 "\"urls\":[\"https://example.invalid/%d\"],\"reasons\":[\"c\"]}",
                 i, i == 0 ? "NL" : "DE", i);
        ids[i] = receive(db, json, at + i);
        if (i < 3)
            assert_int_equal(vg_order_record_action(db, ids[i], VG_ORDER_REMOVED,
                                                    at + i + delays[i], &cli, NULL, 0, err,
                                                    sizeof(err)),
                             VG_OK);
    }
    char *text = NULL;
    assert_int_equal(vg_order_stats_json(db, VG_TIME_UNKNOWN, VG_TIME_UNKNOWN, &text), VG_OK);
    cJSON *j = cJSON_Parse(text);
    assert_int_equal((int)num(j, "orders_received", NULL), 4);
    assert_int_equal((int)num(j, "orders_acted_on", NULL), 3);
    assert_int_equal((int)num(j, "acted_within_one_hour", NULL), 2);
    assert_int_equal((int)num(j, "pending_overdue", NULL), 1);
    assert_true(num(j, "seconds_receipt_to_action", "median") == 20.0);
    assert_int_equal((int)num(j, "seconds_receipt_to_action", "worst"), 4000);
    cJSON_Delete(j);
    vg_free(text);

    /* Scrutiny applies to the cross-border order only; revoked after removal: reinstated. */
    assert_int_equal(
            vg_order_scrutiny(db, &cli, ids[1], "requested", NULL, at + 100, err, sizeof(err)),
            VG_EINVAL);
    assert_non_null(strstr(err, "not cross-border"));
    assert_int_equal(vg_order_scrutiny(db, &cli, ids[0], "maybe", NULL, at + 100, err, sizeof(err)),
                     VG_EFIELD);
    assert_int_equal(vg_order_scrutiny(db, &cli, ids[0], "requested", "by the content provider",
                                       at + 100, err, sizeof(err)),
                     VG_OK);
    assert_int_equal(
            vg_order_scrutiny(db, &cli, ids[0], "requested", NULL, at + 101, err, sizeof(err)),
            VG_EINVAL);
    assert_int_equal(
            vg_order_scrutiny(db, &cli, ids[0], "revoked", NULL, at + 200, err, sizeof(err)),
            VG_OK);
    assert_int_equal(
            vg_order_scrutiny(db, &cli, ids[0], "confirmed", NULL, at + 300, err, sizeof(err)),
            VG_EINVAL);
    cJSON *v = order_view(db, ids[0], at + 400);
    assert_string_equal(str(v, "scrutiny", NULL), "revoked");
    assert_string_equal(str(v, "reinstated_at", NULL), "2026-03-01T08:03:20Z");
    cJSON_Delete(v);

    /* One more, not executed for force majeure. */
    snprintf(json, sizeof(json),
             "{\"reference\":\"DE-9\",\"issuing_state\":\"DE\",\"authority\":\"BKA-like\","
             "\"issued_at\":\"2026-03-01T07:00:00Z\",\"urls\":[\"https://example.invalid/9\"],"
             "\"reasons\":[\"e\"]}");
    int64_t nine = receive(db, json, at + 500);
    const char *fm[] = { "force_majeure" };
    assert_int_equal(vg_order_cannot_comply(db, &cli, nine, fm, 1, "data centre flooded", NULL,
                                            at + 600, err, sizeof(err)),
                     VG_OK);

    /* A post removed by a decision (no order) counts as a specific measure. */
    put_post(db, "p-dec", "acc-9", at - DAY, "fr", NULL, 1);
    assert_int_equal(vg_db_flush(db), VG_OK);
    int64_t eid = 0, again = 0;
    assert_int_equal(vg_evidence_preserve(db, &cli, "p-dec", 0, "decision 1", at, &eid), VG_OK);
    assert_int_equal(vg_evidence_preserve(db, &cli, "p-dec", 0, "decision 1", at, &again), VG_OK);
    assert_int_equal(again, eid);
    assert_int_equal(vg_evidence_preserve(db, &cli, "p-none", 0, "decision 2", at, &again),
                     VG_ENOENT);

    /* The year's report counts all of it; the year before is empty. */
    assert_int_equal(vg_report_tco_json(db, 2026, &text), VG_OK);
    j = cJSON_Parse(text);
    assert_non_null(j);
    assert_int_equal((int)num(j, "c_removal_orders", "received"), 5);
    assert_int_equal((int)num(j, "c_removal_orders", "acted_on"), 3);
    assert_int_equal((int)num(j, "c_removal_orders", "within_one_hour"), 2);
    assert_int_equal((int)num(j, "c_removal_orders", "items"), 3);
    assert_int_equal((int)num(j, "c_removal_orders", "not_executed"), 1);
    cJSON *by = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "c_removal_orders"),
                                    "not_executed_by_reason");
    assert_int_equal(cJSON_GetObjectItem(by, "force_majeure")->valueint, 1);
    assert_int_equal(cJSON_GetObjectItem(by, "manifest_errors")->valueint, 0);
    assert_int_equal((int)num(j, "f_reinstated_after_review", NULL), 1);
    cJSON *sc = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "e_review"), "cross_border_scrutiny");
    assert_int_equal(cJSON_GetObjectItem(sc, "revoked")->valueint, 1);
    assert_false(truth(j, "d_complaints", "available"));
    assert_int_equal((int)num(j, "c_specific_measures", "items_preserved"), 1);
    cJSON_Delete(j);
    vg_free(text);
    assert_int_equal(vg_report_tco_json(db, 2025, &text), VG_OK);
    j = cJSON_Parse(text);
    assert_int_equal((int)num(j, "c_removal_orders", "received"), 0);
    cJSON_Delete(j);
    vg_free(text);
    assert_int_equal(vg_report_tco_markdown(db, 2026, &text), VG_OK);
    assert_non_null(strstr(text, "| removal orders received | 5 |"));
    assert_non_null(strstr(text, "median 20 s, worst 4000 s"));
    vg_free(text);
    fixture_close(db);
}

static void dashboard_series(void **state)
{
    (void)state;
    vg_db *db = fixture_db("records", "dash");
    int64_t d1 = t("2026-02-01T10:00:00Z"), d2 = t("2026-02-02T11:00:00Z");
    put_post(db, "p1", "a1", d1, "ar", "https://one.example/x", 1);
    put_post(db, "p2", "a1", d1 + 60, "ar", "https://one.example/y", 1);
    put_post(db, "p3", "a2", d1 + 120, "fr", "https://two.example/z", 1);
    put_post(db, "p4", "a3", d2, "ar", "https://one.example/w", 1);
    put_post(db, "p5", "a4", d2, "en", "https://three.example/", 0); /* not flagged */
    /* A storm alert raised on the first day, stored twice (raised, then final): one alert. */
    const char *storm_accounts[] = { "a1", "a2", "a3" };
    struct vg_storm_alert alert = { .id = 1,
                                    .hashtag = "invented_storm",
                                    .onset = d1,
                                    .detected_at = d1 + 300,
                                    .last_at = d1 + 600,
                                    .posts = 12,
                                    .accounts = storm_accounts,
                                    .n_accounts = 2 };
    const char *tags[] = { "invented_storm" };
    int64_t joined[] = { d1 + 300 };
    alert.hashtags = tags;
    alert.joined_at = joined;
    alert.n_hashtags = 1;
    assert_int_equal(vg_storm_alert_store(db, &alert), VG_OK);
    alert.final = 1;
    alert.n_accounts = 3;
    assert_int_equal(vg_storm_alert_store(db, &alert), VG_OK);
    assert_int_equal(vg_db_flush(db), VG_OK);
    char *text = NULL;
    assert_int_equal(vg_dashboard_json(db, VG_TIME_UNKNOWN, VG_TIME_UNKNOWN, 10, &text), VG_OK);
    cJSON *j = cJSON_Parse(text);
    assert_non_null(j);
    cJSON *fp = cJSON_GetObjectItem(j, "flagged_posts_per_day");
    assert_int_equal(cJSON_GetArraySize(fp), 3); /* (d1, ar) (d1, fr) (d2, ar) */
    assert_string_equal(str(cJSON_GetArrayItem(fp, 0), "day", NULL), "2026-02-01");
    assert_string_equal(str(cJSON_GetArrayItem(fp, 0), "lang", NULL), "ar");
    assert_int_equal((int)num(cJSON_GetArrayItem(fp, 0), "posts", NULL), 2);
    cJSON *fa = cJSON_GetObjectItem(j, "flagged_accounts_per_day");
    assert_int_equal((int)num(cJSON_GetArrayItem(fa, 0), "accounts", NULL), 2);
    assert_int_equal((int)num(cJSON_GetArrayItem(fa, 1), "accounts", NULL), 1);
    cJSON *net = cJSON_GetObjectItem(j, "network_over_time");
    assert_int_equal((int)num(cJSON_GetArrayItem(net, 1), "accounts", NULL), 3);
    cJSON *dom = cJSON_GetObjectItem(j, "top_domains");
    assert_int_equal(cJSON_GetArraySize(dom), 2);
    assert_string_equal(str(cJSON_GetArrayItem(dom, 0), "domain", NULL), "one.example");
    assert_int_equal((int)num(cJSON_GetArrayItem(dom, 0), "posts", NULL), 3);
    assert_int_equal((int)num(cJSON_GetArrayItem(dom, 0), "accounts", NULL), 2);
    cJSON *storms = cJSON_GetObjectItem(j, "storms_per_day");
    assert_int_equal(cJSON_GetArraySize(storms), 1);
    assert_string_equal(str(cJSON_GetArrayItem(storms, 0), "day", NULL), "2026-02-01");
    assert_int_equal((int)num(cJSON_GetArrayItem(storms, 0), "alerts", NULL), 1);
    assert_int_equal((int)num(cJSON_GetArrayItem(storms, 0), "accounts", NULL), 3);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "gaps")), 0);
    cJSON_Delete(j);
    vg_free(text);
    /* A range keeps the second day only. */
    assert_int_equal(vg_dashboard_json(db, t("2026-02-02T00:00:00Z"), VG_TIME_UNKNOWN, 10, &text),
                     VG_OK);
    j = cJSON_Parse(text);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "flagged_posts_per_day")), 1);
    cJSON_Delete(j);
    vg_free(text);
    fixture_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(annex1_validated), cmocka_unit_test(clock_runs_and_pauses),
        cmocka_unit_test(evidence_vault),   cmocka_unit_test(scrutiny_and_figures),
        cmocka_unit_test(dashboard_series),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
