/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_graph_eval.c: measuring account detection against planted truth (graph_eval.c,
 * graph_truth.c): ranking metrics against hand-computed small cases (ties, average precision,
 * precision at a recall, recall at a precision), community F1 on a tiny case, and the strict
 * reader of truth.json (malformed JSON, wrong types, missing fields, unknown roles, repeats).
 * All accounts and communities are invented.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "graph.h"

#define NEAR(x, y) assert_true(fabs((x) - (y)) < 1e-9)

static struct vg_rank_metrics metrics_of(const double *s, const uint8_t *pos, size_t n)
{
    struct vg_rank_metrics m;
    assert_int_equal(vg__rank_metrics(s, pos, n, 0.70, 0.95, &m), VG_OK);
    return m;
}

/* + at 0.9, a tie of + and - at 0.8, - at 0.3. AUC: pairs (0.9,0.8) 1, (0.9,0.3) 1,
 * (0.8,0.8) 1/2, (0.8,0.3) 1: 3.5 / 4. AP: 1/2 x 1 + 1/2 x 2/3. Recall 0.70 is first reached
 * with the tie (precision 2/3); precision 0.95 holds only above it (recall 1/2). */
static void ties_count_half(void **state)
{
    (void)state;
    const double s[] = { 0.8, 0.3, 0.9, 0.8 };
    const uint8_t pos[] = { 0, 0, 1, 1 };
    struct vg_rank_metrics m = metrics_of(s, pos, 4);
    NEAR(m.roc_auc, 0.875);
    NEAR(m.average_precision, 0.5 + 1.0 / 3);
    NEAR(m.precision_at_recall, 2.0 / 3);
    NEAR(m.recall_at_precision, 0.5);
}

/* +,-,+,- from the top, no ties: AUC 3/4, AP (1 + 2/3) / 2, P at R0.70 = 2/3, R at P0.95 = 1/2. */
static void ranking_without_ties(void **state)
{
    (void)state;
    const double s[] = { 4, 3, 2, 1 };
    const uint8_t pos[] = { 1, 0, 1, 0 };
    struct vg_rank_metrics m = metrics_of(s, pos, 4);
    NEAR(m.roc_auc, 0.75);
    NEAR(m.average_precision, (1 + 2.0 / 3) / 2);
    NEAR(m.precision_at_recall, 2.0 / 3);
    NEAR(m.recall_at_precision, 0.5);
}

/* A perfect ranking, and one where everything ties (AUC 1/2, AP = prevalence). */
static void perfect_and_all_tied(void **state)
{
    (void)state;
    const double s[] = { 9, 8, 1, 0, 0 };
    const uint8_t pos[] = { 1, 1, 0, 0, 0 };
    struct vg_rank_metrics m = metrics_of(s, pos, 5);
    NEAR(m.roc_auc, 1);
    NEAR(m.average_precision, 1);
    NEAR(m.precision_at_recall, 1);
    NEAR(m.recall_at_precision, 1);
    const double t[] = { 0.5, 0.5, 0.5, 0.5, 0.5 };
    m = metrics_of(t, pos, 5);
    NEAR(m.roc_auc, 0.5);
    NEAR(m.average_precision, 0.4);
    NEAR(m.precision_at_recall, 0.4);
    NEAR(m.recall_at_precision, 0);
}

/* Precision never reaches 0.95 at any threshold: recall at precision 0.95 is 0. The best
 * precision at recall >= 0.70 is taken over all thresholds reaching it, not the first. */
static void targets_over_thresholds(void **state)
{
    (void)state;
    /* from the top: - + + + - + (P = 4): recall 0.75 first at rank 4 (3/4), 1.0 at rank 6 (4/6) */
    const double s[] = { 6, 5, 4, 3, 2, 1 };
    const uint8_t pos[] = { 0, 1, 1, 1, 0, 1 };
    struct vg_rank_metrics m = metrics_of(s, pos, 6);
    NEAR(m.precision_at_recall, 0.75);
    NEAR(m.recall_at_precision, 0);
    NEAR(m.roc_auc, 3.0 / 8); /* positives at 5, 4, 3 beat the negative at 2; none beats 6 */
    NEAR(m.average_precision, 0.25 * (0.5 + 2.0 / 3 + 0.75 + 4.0 / 6));
}

static void undefined_without_both_classes(void **state)
{
    (void)state;
    const double s[] = { 1, 2 };
    const uint8_t none[] = { 0, 0 };
    struct vg_rank_metrics m = metrics_of(s, none, 2);
    assert_true(isnan(m.roc_auc));
    assert_true(isnan(m.average_precision));
    m = metrics_of(s, none, 0);
    assert_true(isnan(m.roc_auc));
}

/* Planted 0 = {a,b,c}, planted 1 = {d,e}; detected 0 = {a,b}, detected 1 = {c,d,e,f}.
 * Best F1: planted 0 with detected 0: 2*2/(3+2) = 0.8; planted 1 with detected 1: 2*2/(2+4). */
static void community_f1_best_match(void **state)
{
    (void)state;
    const int32_t planted[] = { 0, 0, 0, 1, 1, -1 };
    const int32_t detected[] = { 0, 0, 1, 1, 1, 1 };
    double mean;
    uint32_t counted;
    assert_int_equal(vg__community_f1(planted, detected, 6, 2, 2, &mean, &counted), VG_OK);
    assert_int_equal(counted, 2);
    NEAR(mean, (0.8 + 4.0 / 6) / 2);
    /* A planted community nobody detected counts 0; an empty planted one is not counted. */
    const int32_t none[] = { -1, -1, -1, -1, -1, -1 };
    assert_int_equal(vg__community_f1(planted, none, 6, 3, 0, &mean, &counted), VG_OK);
    assert_int_equal(counted, 2);
    NEAR(mean, 0);
}

/* ---- truth.json ----------------------------------------------------------------------------- */

static vg_status parse(const char *s, struct vg_truth *t, char *err)
{
    return vg__truth_parse(s, strlen(s), t, err, 200);
}

static void truth_reads_roles_and_communities(void **state)
{
    (void)state;
    const char *s = "{\"seed\":7,\"accounts\":["
                    "{\"id\":\"u1\",\"role\":\"supporter\",\"lang\":\"fr\",\"community\":\"c2\","
                    "\"persona\":\"p1\",\"replaces\":null,\"created_day\":0,\"suspended_day\":3},"
                    "{\"id\":\"u9\",\"role\":\"news\",\"community\":null}],\"storms\":[]}";
    struct vg_truth t;
    char err[200];
    assert_int_equal(parse(s, &t, err), VG_OK);
    assert_int_equal(t.n, 2);
    assert_string_equal(t.acc[0].id, "u1");
    assert_int_equal(t.acc[0].role, VG_ROLE_SUPPORTER);
    assert_string_equal(t.acc[0].community, "c2");
    assert_int_equal(t.acc[1].role, VG_ROLE_NEWS);
    assert_null(t.acc[1].community);
    assert_string_equal(vg__role_name(t.acc[1].role), "news");
    vg__truth_release(&t);
}

static void expect_error(const char *s, vg_status want, const char *message)
{
    struct vg_truth t;
    char err[200];
    assert_int_equal(parse(s, &t, err), want);
    if (!strstr(err, message))
        fail_msg("error \"%s\" does not contain \"%s\"", err, message);
    assert_int_equal(t.n, 0);
    assert_null(t.acc);
}

static void truth_errors_name_the_field(void **state)
{
    (void)state;
    expect_error("{\"accounts\":[", VG_EPARSE, "not valid JSON");
    expect_error("[]", VG_EPARSE, "expected a JSON object");
    expect_error("{\"storms\":[]}", VG_EFIELD, "accounts: missing");
    expect_error("{\"accounts\":{}}", VG_EPARSE, "accounts: expected an array");
    expect_error("{\"accounts\":[7]}", VG_EPARSE, "accounts[0]: expected an object");
    expect_error("{\"accounts\":[{\"role\":\"news\",\"community\":null}]}", VG_EFIELD,
                 "accounts[0].id: missing");
    expect_error("{\"accounts\":[{\"id\":\"u1\",\"role\":\"news\",\"community\":null},"
                 "{\"id\":\"u2\",\"role\":3,\"community\":null}]}",
                 VG_EPARSE, "accounts[1].role: expected a string");
    expect_error("{\"accounts\":[{\"id\":\"u1\",\"role\":\"supporter\"}]}", VG_EFIELD,
                 "accounts[0].community: missing");
    expect_error("{\"accounts\":[{\"id\":\"u1\",\"role\":\"supporter\",\"community\":5}]}",
                 VG_EPARSE, "accounts[0].community: expected a string or null");
    expect_error("{\"accounts\":[{\"id\":\"\",\"role\":\"news\",\"community\":null}]}", VG_EPARSE,
                 "accounts[0].id: expected 1 to 512 bytes");
    expect_error("{\"accounts\":[{\"id\":\"u1\",\"role\":\"fan\",\"community\":null}]}", VG_EPARSE,
                 "accounts[0].role: expected supporter, news, researcher or counter");
    expect_error("{\"accounts\":[{\"id\":\"u1\",\"role\":\"news\",\"community\":null},"
                 "{\"id\":\"u1\",\"role\":\"news\",\"community\":null}]}",
                 VG_EPARSE, "accounts[1].id: \"u1\" listed twice");
    expect_error("{\"accounts\":[]} trailing", VG_EPARSE, "not valid JSON");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ties_count_half),
        cmocka_unit_test(ranking_without_ties),
        cmocka_unit_test(perfect_and_all_tied),
        cmocka_unit_test(targets_over_thresholds),
        cmocka_unit_test(undefined_without_both_classes),
        cmocka_unit_test(community_f1_best_match),
        cmocka_unit_test(truth_reads_roles_and_communities),
        cmocka_unit_test(truth_errors_name_the_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
