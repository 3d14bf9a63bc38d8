/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_detect_classify.c: unit tests of the scoring API (detect_classifier.c), the function-word
 * filter (detect_stopwords.c), the training configuration table (detect_config.c) and the
 * threshold rule (detect_pipeline.c). Every text is invented: the "positives" only mimic the
 * vocabulary of recruitment, the negatives are cooking and weather talk.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "detect_pipeline.h"

/* ---- function words ------------------------------------------------------------------------- */

static void strip(const char *text, const char *want)
{
    char *norm = NULL;
    size_t len;
    assert_int_equal(vg_text_normalize(text, strlen(text), &norm, &len), VG_OK);
    struct vg_buf b;
    vg_buf_init(&b, 1 << 16);
    assert_int_equal(vg__strip_stopwords(norm, &b), VG_OK);
    char *want_norm = NULL;
    assert_int_equal(vg_text_normalize(want, strlen(want), &want_norm, &len), VG_OK);
    assert_string_equal(b.data, want_norm);
    vg_buf_release(&b);
    vg_free(norm);
    vg_free(want_norm);
}

static void function_words_are_dropped_in_three_languages(void **state)
{
    (void)state;
    strip("The caravan of the brothers is leaving from the city", "caravan brothers leaving city");
    strip("Le marché de la ville est déplacé", "marché ville déplacé");
    /* Arabic function words match whatever hamza form the text uses (normalised both ways). */
    strip("ذهبوا إلى المدينة في الصباح", "ذهبوا المدينة الصباح");
    strip("ذهبوا الى المدينة", "ذهبوا المدينة");
    /* Punctuation clinging to a function word does not hide it; other words keep theirs. */
    strip("(the) weather, again.", "weather, again.");
    struct vg_buf b;
    vg_buf_init(&b, 64);
    assert_int_equal(vg__strip_stopwords("", &b), VG_OK);
    assert_string_equal(b.data, "");
    vg_buf_release(&b);
    assert_true(vg__is_stopword("its", 3));
    assert_false(vg__is_stopword("caravan", 7));
}

/* ---- configuration table -------------------------------------------------------------------- */

static void config_defaults_and_settings(void **state)
{
    (void)state;
    struct vg_train_config c;
    vg__train_config_default(&c);
    assert_string_equal(c.name, "vigie-propaganda");
    assert_int_equal(c.bits, 20);
    assert_int_equal(c.solver, 6);
    assert_true(c.C == 4.0);
    assert_int_equal(c.flags & VG_FEAT_SHAPE, 0);
    assert_true(c.flags & VG_FEAT_CHAR);
    char err[256];
    assert_int_equal(vg__train_config_set(&c, "bits", "18", err, sizeof(err)), VG_OK);
    assert_int_equal(c.bits, 18);
    assert_int_equal(vg__train_config_set(&c, "solver", "l2", err, sizeof(err)), VG_OK);
    assert_int_equal(c.solver, 0);
    assert_int_equal(vg__train_config_set(&c, "features", "word1, char", err, sizeof(err)), VG_OK);
    assert_int_equal(c.flags, VG_FEAT_WORD1 | VG_FEAT_CHAR);
    assert_int_equal(vg__train_config_set(&c, "seed", "7", err, sizeof(err)), VG_OK);
    assert_int_equal(c.seed, 7);
    /* Every bad value is refused with its reason, the setting left as it was. */
    assert_int_equal(vg__train_config_set(&c, "bits", "40", err, sizeof(err)), VG_EINVAL);
    assert_non_null(strstr(err, "outside"));
    assert_int_equal(c.bits, 18);
    assert_int_equal(vg__train_config_set(&c, "bits", "18.5", err, sizeof(err)), VG_EINVAL);
    assert_int_equal(vg__train_config_set(&c, "C", "nan", err, sizeof(err)), VG_EINVAL);
    assert_int_equal(vg__train_config_set(&c, "C", "", err, sizeof(err)), VG_EINVAL);
    assert_int_equal(vg__train_config_set(&c, "solver", "svm", err, sizeof(err)), VG_EINVAL);
    assert_int_equal(vg__train_config_set(&c, "features", "words", err, sizeof(err)), VG_EINVAL);
    assert_int_equal(vg__train_config_set(&c, "features", " , ", err, sizeof(err)), VG_EINVAL);
    assert_int_equal(vg__train_config_set(&c, "name", "a\"b", err, sizeof(err)), VG_EINVAL);
    assert_int_equal(vg__train_config_set(&c, "colour", "red", err, sizeof(err)), VG_EINVAL);
    assert_non_null(strstr(err, "unknown setting 'colour'"));
}

static void config_file_lines(void **state)
{
    (void)state;
    struct vg_train_config c;
    vg__train_config_default(&c);
    char err[256];
    const char *text = "# a comment\n\n  C = 2.5   # trailing comment\r\nsolver=l2\nname = test\n";
    assert_int_equal(vg__train_config_parse(&c, text, strlen(text), err, sizeof(err)), VG_OK);
    assert_true(c.C == 2.5);
    assert_int_equal(c.solver, 0);
    assert_string_equal(c.name, "test");
    const char *bad = "C = 2\nno equals sign here\n";
    assert_int_equal(vg__train_config_parse(&c, bad, strlen(bad), err, sizeof(err)), VG_EPARSE);
    assert_non_null(strstr(err, "line 2"));
    const char *range = "\n\neps = 7\n";
    assert_int_equal(vg__train_config_parse(&c, range, strlen(range), err, sizeof(err)), VG_EINVAL);
    assert_non_null(strstr(err, "line 3: eps"));
    char nul[] = "C = 1\0x\n";
    assert_int_equal(vg__train_config_parse(&c, nul, sizeof(nul) - 1, err, sizeof(err)), VG_EPARSE);
    assert_true(vg__train_config_eval_only("mlma-en,mlma-fr", "mlma-fr"));
    assert_false(vg__train_config_eval_only("mlma-en,mlma-fr", "mlma"));
    assert_false(vg__train_config_eval_only("", "mlma-en"));
}

/* ---- the threshold rule --------------------------------------------------------------------- */

static void threshold_respects_the_hate_speech_bound(void **state)
{
    (void)state;
    /* Scores: 3 positives high, one hate-speech negative among them, plain negatives low. */
    struct vg_threshold_cand v[] = {
        { 0.95, 1, 0 }, { 0.90, 0, 1 }, { 0.85, 1, 0 }, { 0.80, 1, 0 },
        { 0.30, 0, 0 }, { 0.20, 0, 1 }, { 0.10, 0, 0 }, { 0.05, 0, 1 },
    };
    double f1;
    /* Unbounded: flag the top four (F1 = 2*3/(4+3) = 0.857). */
    double t = vg__pick_threshold(v, VG_ARRAY_LEN(v), 1.0, &f1);
    assert_true(t == 0.80);
    assert_true(f1 > 0.857 && f1 < 0.858);
    /* At most 0 of 3 hate negatives: only thresholds above 0.90 qualify. */
    struct vg_threshold_cand w[VG_ARRAY_LEN(v)];
    memcpy(w, v, sizeof(v));
    t = vg__pick_threshold(w, VG_ARRAY_LEN(w), 0.0, &f1);
    assert_true(t == 0.95);
    assert_true(f1 == 0.5);
}

/* ---- scoring a post ---------------------------------------------------------------------------
 */

static const char *const pos_texts[] = {
    "join the caravan brothers the hijrah is waiting",
    "brothers join the caravan now the land is waiting",
    "the caravan leaves soon join brothers hijrah",
    "hijrah is a duty join the caravan of the brothers",
};
static const char *const neg_texts[] = {
    "slow cooked lentil soup with cumin and lemon",
    "rain again this morning and the river is high",
    "add the onions then simmer the soup for an hour",
    "sunny afternoon after a grey and windy morning",
};

/* Features of a text exactly as the classifier builds them. */
static void features_of(const char *text, const struct vg_feat_params *fp, struct vg_features *f)
{
    struct vg_post p = { .id = "t", .account = "a", .text = text };
    struct vg_arena arena;
    struct vg_buf scratch, ft;
    vg_arena_init(&arena, 4096, 1 << 20);
    vg_buf_init(&scratch, 1 << 20);
    vg_buf_init(&ft, 1 << 20);
    struct vg_post_derived d;
    assert_int_equal(vg__post_derive(&p, &arena, &scratch, &d), VG_OK);
    struct vg_feat_input in;
    assert_int_equal(vg__feature_input(&p, &d, &ft, &in), VG_OK);
    vg__features_init(f);
    assert_int_equal(vg__features_extract(fp, &in, f), VG_OK);
    vg_arena_release(&arena);
    vg_buf_release(&scratch);
    vg_buf_release(&ft);
}

static vg_classifier *tiny_classifier(void)
{
    struct vg_feat_params fp;
    vg__feat_params_default(&fp);
    fp.bits = 16;
    struct vg_model *m = NULL;
    assert_int_equal(vg__model_new(&fp, &m), VG_OK);

    enum {
        N = 2 * VG_ARRAY_LEN(pos_texts)
    };
    struct vg_features xs[N];
    int y[N];
    for (size_t i = 0; i < VG_ARRAY_LEN(pos_texts); i++) {
        features_of(pos_texts[i], &fp, &xs[2 * i]);
        y[2 * i] = 1;
        features_of(neg_texts[i], &fp, &xs[2 * i + 1]);
        y[2 * i + 1] = 0;
    }
    struct vg_train_opts o;
    vg__train_opts_default(&o);
    o.C = 10;
    assert_int_equal(vg__train_fit(m, &o, xs, y, N), VG_OK);
    for (size_t i = 0; i < N; i++)
        vg__features_release(&xs[i]);
    m->platt_a = -1;
    m->platt_b = 0;
    m->threshold = 0.5;
    vg_free(m->meta_json);
    m->meta_json = vg_strdup("{\"name\":\"tiny\"}");
    vg_classifier *c = NULL;
    assert_int_equal(vg__classifier_wrap(m, &c), VG_OK);
    return c;
}

static void scores_separate_invented_examples(void **state)
{
    (void)state;
    vg_classifier *c = tiny_classifier();
    struct vg_post_score s;
    struct vg_post p = { .id = "p1", .account = "a", .text = "Join the caravan, brothers!" };
    assert_int_equal(vg_post_score(c, &p, &s), VG_OK);
    assert_true(s.score > 0.5);
    assert_true(s.flagged);
    assert_true(s.threshold == 0.5);
    p.text = "Lentil soup with lemon, again this morning";
    assert_int_equal(vg_post_score(c, &p, &s), VG_OK);
    assert_true(s.score < 0.5);
    assert_false(s.flagged);
    /* No words: nothing to judge, score 0 whatever the bias says. */
    p.text = "";
    assert_int_equal(vg_post_score(c, &p, &s), VG_OK);
    assert_true(s.score == 0.0);
    assert_string_equal(s.lang, "und");
    p.text = "bad \xff byte";
    assert_int_equal(vg_post_score(c, &p, &s), VG_EUTF8);
    assert_true(s.score == 0.0);
    const char *id = vg_classifier_model_id(c);
    assert_int_equal(strncmp(id, "tiny@", 5), 0);
    assert_int_equal(strlen(id), 5 + 16);
    vg_classifier_close(c);
}

static void score_json_names_reasons(void **state)
{
    (void)state;
    vg_classifier *c = tiny_classifier();
    struct vg_post p = { .id = "p\"2", .account = "a", .text = "join the caravan, brothers" };
    char *json = NULL;
    assert_int_equal(vg_post_score_json(c, &p, 3, &json), VG_OK);
    assert_int_equal(strncmp(json, "{\"id\":\"p\\\"2\",\"lang\":", 20), 0);
    assert_non_null(strstr(json, "\"flagged\":true"));
    assert_non_null(strstr(json, "\"categories\":["));
    assert_non_null(strstr(json, "\"threat\":"));
    assert_non_null(strstr(json, "\"exempt\":["));
    /* The strongest reason for is a word of the positives, with a positive weight. */
    const char *r = strstr(json, "\"reasons\":[{\"feature\":\"");
    assert_non_null(r);
    assert_non_null(strstr(json, "\"weight\":0.") ? strstr(json, "\"weight\":0.")
                                                  : strstr(json, "\"weight\":1."));
    vg_free(json);
    /* top_n = 0: no reasons at all. */
    assert_int_equal(vg_post_score_json(c, &p, 0, &json), VG_OK);
    assert_non_null(strstr(json, "\"reasons\":[]}"));
    vg_free(json);
    vg_classifier_close(c);
}

static void model_file_that_is_missing_or_not_a_model(void **state)
{
    (void)state;
    vg_classifier *c = (vg_classifier *)1;
    assert_int_equal(vg_classifier_open("/nonexistent/model.vgm", &c), VG_ENOENT);
    assert_null(c);
    char path[] = "/tmp/vigie-not-a-model-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "hello, world\n", 13), 13);
    close(fd);
    assert_int_equal(vg_classifier_open(path, &c), VG_EFORMAT);
    assert_null(c);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(function_words_are_dropped_in_three_languages),
        cmocka_unit_test(config_defaults_and_settings),
        cmocka_unit_test(config_file_lines),
        cmocka_unit_test(threshold_respects_the_hate_speech_bound),
        cmocka_unit_test(scores_separate_invented_examples),
        cmocka_unit_test(score_json_names_reasons),
        cmocka_unit_test(model_file_that_is_missing_or_not_a_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
