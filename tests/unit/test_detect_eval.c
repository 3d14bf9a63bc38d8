/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_detect_eval.c: the evaluation metrics (src/detect/detect_eval.c) on small invented score
 * lists whose values were worked out by hand: perfect and reversed rankings, all scores tied,
 * ties across classes (the midrank half), a six-example list for average precision and the
 * threshold metrics, the same list reweighted to a 10% prevalence, the undefined cases, the
 * bootstrap (interval around the point, deterministic for a seed, degenerate when the ranking
 * is perfect, clean under allocation failure), and the JSON and Markdown writers.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "detect_eval_int.h"

#define EPS 1e-9

#define assert_near(a, b) assert_true(fabs((a) - (b)) < EPS)

/* The six-example list: scores descend, labels alternate 1, 0, 1, 0, 1, 0. */
static const struct vg_scored six[] = { { 0.9, 1 }, { 0.8, 0 }, { 0.7, 1 },
                                        { 0.6, 0 }, { 0.5, 1 }, { 0.4, 0 } };

static void perfect_separation(void **state)
{
    (void)state;
    const struct vg_scored s[] = { { 0.3, 0 }, { 0.9, 1 }, { 0.2, 0 },
                                   { 0.8, 1 }, { 0.1, 0 }, { 0.7, 1 } };
    struct vg_metrics m;
    vg__metrics_compute(s, 6, 0.5, &m);
    assert_int_equal(m.n, 6);
    assert_int_equal(m.n_pos, 3);
    assert_near(m.roc_auc, 1.0);
    assert_near(m.pr_auc, 1.0);
    assert_near(m.precision, 1.0);
    assert_near(m.recall, 1.0);
    assert_near(m.f1, 1.0);
    assert_near(m.fpr, 0.0);
    assert_near(m.prec_at_recall80, 1.0);
}

static void reversed_ranking(void **state)
{
    (void)state;
    const struct vg_scored s[] = { { 0.1, 1 }, { 0.2, 1 }, { 0.8, 0 }, { 0.9, 0 } };
    struct vg_metrics m;
    vg__metrics_compute(s, 4, 0.5, &m);
    assert_near(m.roc_auc, 0.0);
    /* Positives come third (precision 1/3) and fourth (1/2), each half the recall. */
    assert_near(m.pr_auc, 0.5 * (1.0 / 3) + 0.5 * 0.5);
    assert_near(m.precision, 0.0); /* two negatives flagged */
    assert_near(m.recall, 0.0);
    assert_near(m.f1, 0.0);
    assert_near(m.fpr, 1.0);
    assert_near(m.prec_at_recall80, 0.5);
}

static void all_ties(void **state)
{
    (void)state;
    const struct vg_scored s[] = { { 0.5, 1 }, { 0.5, 0 }, { 0.5, 1 }, { 0.5, 0 }, { 0.5, 0 } };
    struct vg_metrics m;
    vg__metrics_compute(s, 5, 0.5, &m);
    assert_near(m.roc_auc, 0.5);
    assert_near(m.pr_auc, 0.4); /* one threshold: recall 1 at precision 2/5 */
    assert_near(m.precision, 0.4);
    assert_near(m.recall, 1.0);
    assert_near(m.f1, 2 * 0.4 / 1.4);
    assert_near(m.fpr, 1.0);
    /* Above every score nothing is flagged: precision 0 by convention, not NaN. */
    vg__metrics_compute(s, 5, 0.6, &m);
    assert_near(m.precision, 0.0);
    assert_near(m.recall, 0.0);
    assert_near(m.f1, 0.0);
    assert_near(m.fpr, 0.0);
}

static void ties_across_classes_count_half(void **state)
{
    (void)state;
    /* Pairs (pos, neg): (.8,.5) 1, (.8,.2) 1, (.5,.5) 1/2, (.5,.2) 1 -> 3.5 / 4. */
    const struct vg_scored s[] = { { 0.8, 1 }, { 0.5, 1 }, { 0.5, 0 }, { 0.2, 0 } };
    struct vg_metrics m;
    vg__metrics_compute(s, 4, 0.5, &m);
    assert_near(m.roc_auc, 0.875);
    /* Thresholds .8 (1/1) then .5 taking both tied examples (2/3). */
    assert_near(m.pr_auc, 0.5 * 1 + 0.5 * (2.0 / 3));
    assert_near(m.precision, 2.0 / 3);
    assert_near(m.recall, 1.0);
    assert_near(m.fpr, 0.5);
}

static void six_point_example(void **state)
{
    (void)state;
    struct vg_metrics m;
    vg__metrics_compute(six, 6, 0.65, &m);
    /* Positive .9 beats 3 negatives, .7 beats 2, .5 beats 1: 6 of 9 pairs. */
    assert_near(m.roc_auc, 6.0 / 9);
    /* AP = 1/3 * (1/1 + 2/3 + 3/5). */
    assert_near(m.pr_auc, (1.0 + 2.0 / 3 + 3.0 / 5) / 3);
    /* Flagged .9 .8 .7: TP 2, FP 1. */
    assert_near(m.precision, 2.0 / 3);
    assert_near(m.recall, 2.0 / 3);
    assert_near(m.f1, 2.0 / 3);
    assert_near(m.fpr, 1.0 / 3);
    /* Recall >= 0.8 needs all 3 positives: at .5 precision 3/5, at .4 3/6. */
    assert_near(m.prec_at_recall80, 0.6);
    /* The order of the input does not matter. */
    struct vg_scored rev[6];
    for (int i = 0; i < 6; i++)
        rev[i] = six[5 - i];
    struct vg_metrics r;
    vg__metrics_compute(rev, 6, 0.65, &r);
    assert_near(r.roc_auc, m.roc_auc);
    assert_near(r.pr_auc, m.pr_auc);
    assert_near(r.f1, m.f1);
}

static void prevalence_reweights_negatives(void **state)
{
    (void)state;
    struct vg_metrics m;
    /* P = N = 3; at prevalence 0.1 each negative weighs w = (3 / 0.1 - 3) / 3 = 9. */
    vg__metrics_at_prevalence(six, 6, 0.65, 0.1, &m);
    assert_int_equal(m.n, 6);
    assert_int_equal(m.n_pos, 3);
    assert_near(m.precision, 2.0 / (2 + 9 * 1));
    assert_near(m.recall, 2.0 / 3);
    assert_near(m.f1, 2 * (2.0 / 11) * (2.0 / 3) / (2.0 / 11 + 2.0 / 3));
    assert_near(m.fpr, 1.0 / 3);     /* a rate within the negatives: unchanged */
    assert_near(m.roc_auc, 6.0 / 9); /* unchanged */
    /* AP = 1/3 * (1/1 + 2/(2+9) + 3/(3+18)). */
    assert_near(m.pr_auc, (1.0 + 2.0 / 11 + 3.0 / 21) / 3);
    assert_near(m.prec_at_recall80, 3.0 / 21);
    /* Balanced data at prevalence 0.5: weight 1, the plain figures. */
    struct vg_metrics plain, half;
    vg__metrics_compute(six, 6, 0.65, &plain);
    vg__metrics_at_prevalence(six, 6, 0.65, 0.5, &half);
    assert_near(half.precision, plain.precision);
    assert_near(half.pr_auc, plain.pr_auc);
    /* Outside (0, 1): no reweighting. */
    vg__metrics_at_prevalence(six, 6, 0.65, 0, &half);
    assert_near(half.precision, plain.precision);
}

static void undefined_cases(void **state)
{
    (void)state;
    const struct vg_scored pos_only[] = { { 0.9, 1 }, { 0.2, 1 } };
    const struct vg_scored neg_only[] = { { 0.9, 0 }, { 0.2, 0 } };
    struct vg_metrics m;
    vg__metrics_compute(pos_only, 2, 0.5, &m);
    assert_true(isnan(m.roc_auc));
    assert_true(isnan(m.fpr));
    assert_near(m.recall, 0.5);
    assert_near(m.pr_auc, 1.0);
    vg__metrics_compute(neg_only, 2, 0.5, &m);
    assert_true(isnan(m.roc_auc));
    assert_true(isnan(m.recall));
    assert_true(isnan(m.pr_auc));
    assert_near(m.fpr, 0.5);
    vg__metrics_compute(NULL, 0, 0.5, &m);
    assert_int_equal(m.n, 0);
    assert_true(isnan(m.roc_auc));
    /* A NaN score ranks lowest. */
    const struct vg_scored with_nan[] = { { NAN, 1 }, { 0.4, 0 }, { 0.6, 1 } };
    vg__metrics_compute(with_nan, 3, 0.5, &m);
    assert_near(m.roc_auc, 0.5);
}

/* 400 invented examples: positives score higher on average, with overlap. */
static void make_overlapping(struct vg_scored *s, size_t n)
{
    uint64_t x = 12345;
    for (size_t i = 0; i < n; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        double u = (double)(x >> 11) * 0x1.0p-53;
        s[i].label = i % 4 == 0;
        s[i].score = s[i].label ? 0.3 + 0.7 * u : 0.7 * u;
    }
}

static double field(const struct vg_metrics *m, int k)
{
    const double v[] = { m->roc_auc, m->pr_auc,           m->f1, m->precision,
                         m->recall,  m->prec_at_recall80, m->fpr };
    return v[k];
}

static void bootstrap_interval_holds_point(void **state)
{
    (void)state;
    struct vg_scored s[400];
    make_overlapping(s, 400);
    struct vg_metrics_ci a, b, c;
    assert_int_equal(vg__metrics_bootstrap(s, 400, 0.5, 0.1, 1000, 7, &a), VG_OK);
    struct vg_metrics point;
    vg__metrics_at_prevalence(s, 400, 0.5, 0.1, &point);
    assert_near(a.point.roc_auc, point.roc_auc);
    assert_near(a.point.precision, point.precision);
    assert_int_equal(a.lo.n, 400);
    assert_int_equal(a.hi.n_pos, 100);
    for (int k = 0; k < 7; k++) {
        assert_true(field(&a.lo, k) <= field(&a.point, k) + EPS);
        assert_true(field(&a.point, k) <= field(&a.hi, k) + EPS);
    }
    /* The ranking overlaps, so the AUC interval is a real interval inside (0.5, 1). */
    assert_true(a.lo.roc_auc > 0.5 && a.hi.roc_auc < 1.0 && a.hi.roc_auc - a.lo.roc_auc > 0.01);
    /* Same seed, same intervals; another seed, other intervals. */
    assert_int_equal(vg__metrics_bootstrap(s, 400, 0.5, 0.1, 1000, 7, &b), VG_OK);
    assert_memory_equal(&a, &b, sizeof(a));
    assert_int_equal(vg__metrics_bootstrap(s, 400, 0.5, 0.1, 1000, 8, &c), VG_OK);
    assert_true(a.lo.roc_auc != c.lo.roc_auc || a.hi.roc_auc != c.hi.roc_auc);
}

static void bootstrap_degenerate_and_errors(void **state)
{
    (void)state;
    const struct vg_scored s[] = { { 0.3, 0 }, { 0.9, 1 }, { 0.2, 0 }, { 0.8, 1 } };
    struct vg_metrics_ci ci;
    /* A perfect ranking stays perfect in every resample. */
    assert_int_equal(vg__metrics_bootstrap(s, 4, 0.5, 0, 200, 1, &ci), VG_OK);
    assert_near(ci.lo.roc_auc, 1.0);
    assert_near(ci.hi.roc_auc, 1.0);
    assert_near(ci.lo.recall, 1.0);
    /* One class only: the AUC has no interval. */
    const struct vg_scored one[] = { { 0.3, 1 }, { 0.9, 1 } };
    assert_int_equal(vg__metrics_bootstrap(one, 2, 0.5, 0, 50, 1, &ci), VG_OK);
    assert_true(isnan(ci.point.roc_auc) && isnan(ci.lo.roc_auc) && isnan(ci.hi.roc_auc));
    assert_int_equal(vg__metrics_bootstrap(s, 4, 0.5, 0, 0, 1, &ci), VG_EINVAL);
    assert_int_equal(vg__metrics_bootstrap(NULL, 4, 0.5, 0, 10, 1, &ci), VG_EINVAL);
    /* Every allocation failing in turn: ENOMEM, nothing leaked (ASan checks). */
    for (uint64_t k = 1; k <= 6; k++) {
        vg__alloc_fail_after(k);
        vg_status rc = vg__metrics_bootstrap(s, 4, 0.5, 0, 10, 1, &ci);
        vg__alloc_fail_after(0);
        assert_true(rc == VG_ENOMEM || rc == VG_OK);
        if (rc == VG_ENOMEM)
            assert_int_equal(ci.point.n, 0);
    }
}

static void json_and_markdown(void **state)
{
    (void)state;
    struct vg_metrics_ci ci;
    struct vg_buf b;
    vg_buf_init(&b, 1 << 16);
    assert_int_equal(vg__metrics_bootstrap(six, 6, 0.65, 0, 100, 3, &ci), VG_OK);
    assert_int_equal(vg__metrics_ci_json(&ci, &b), VG_OK);
    cJSON *doc = cJSON_Parse(b.data);
    assert_non_null(doc);
    assert_int_equal(cJSON_GetObjectItem(doc, "n")->valueint, 6);
    assert_int_equal(cJSON_GetObjectItem(doc, "n_pos")->valueint, 3);
    cJSON *auc = cJSON_GetObjectItem(doc, "roc_auc");
    assert_true(fabs(cJSON_GetObjectItem(auc, "point")->valuedouble - 6.0 / 9) < 1e-5);
    assert_true(cJSON_IsNumber(cJSON_GetObjectItem(auc, "lo")));
    assert_non_null(cJSON_GetObjectItem(doc, "prec_at_recall80"));
    cJSON_Delete(doc);

    vg_buf_reset(&b);
    assert_int_equal(vg__metrics_md_header(&b), VG_OK);
    assert_int_equal(vg__metrics_ci_md_row("test | six", &ci, &b), VG_OK);
    assert_non_null(strstr(b.data, "| test / six | 6 | 3 | 0.667 ["));
    assert_int_equal(b.data[b.len - 1], '\n');

    /* Undefined values: null in JSON, n/a in Markdown. */
    const struct vg_scored one[] = { { 0.3, 1 }, { 0.9, 1 } };
    assert_int_equal(vg__metrics_bootstrap(one, 2, 0.5, 0, 10, 1, &ci), VG_OK);
    vg_buf_reset(&b);
    assert_int_equal(vg__metrics_ci_json(&ci, &b), VG_OK);
    assert_non_null(strstr(b.data, "\"roc_auc\":{\"point\":null,\"lo\":null,\"hi\":null}"));
    vg_buf_reset(&b);
    assert_int_equal(vg__metrics_ci_md_row("x", &ci, &b), VG_OK);
    assert_non_null(strstr(b.data, "| x | 2 | 2 | n/a |"));
    vg_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(perfect_separation),
        cmocka_unit_test(reversed_ranking),
        cmocka_unit_test(all_ties),
        cmocka_unit_test(ties_across_classes_count_half),
        cmocka_unit_test(six_point_example),
        cmocka_unit_test(prevalence_reweights_negatives),
        cmocka_unit_test(undefined_cases),
        cmocka_unit_test(bootstrap_interval_holds_point),
        cmocka_unit_test(bootstrap_degenerate_and_errors),
        cmocka_unit_test(json_and_markdown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
