/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_lang.c: unit tests of vg_lang_identify (src/text/text_lang.c). Invented sentences in the
 * languages the model and the script rules know, the "und" cases (empty, digits, URLs, mentions,
 * one letter), hostile input (invalid UTF-8, NUL bytes, a megabyte of text), and a regression
 * check on real labelled posts: the held-out test split of shared/data (texts whose
 * vg__lang_text_key() % 5 == 0, never used in training), read at test time and skipped when
 * the data is absent. The thresholds sit a few points below the accuracy measured when the model
 * was trained (docs/langid.md), so a worse model fails here.
 *
 * The real posts include violent-extremist propaganda and hate speech; only counts are printed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>
#include <zlib.h>

#include "core.h"
#include "text_lang_int.h"
#include "vigie.h"

static const char *identify(const char *s, double *confidence)
{
    return vg_lang_identify(s, strlen(s), confidence);
}

static void assert_lang(const char *text, const char *want, double min_confidence)
{
    double conf = -1;
    const char *got = identify(text, &conf);
    if (strcmp(got, want) != 0)
        print_message("text: %s\n", text);
    assert_string_equal(got, want);
    assert_true(conf >= min_confidence);
    assert_true(conf <= 1.0);
}

/* ---- invented sentences -----------------------------------------------------------------------
 */

static void test_arabic(void **state)
{
    VG_UNUSED(state);
    assert_lang("ذهبت إلى السوق صباح اليوم واشتريت الخبز والحليب والخضار للعائلة", "ar", 0.9);
    assert_lang("شكرا جزيلا لكم", "ar", 0.5);
    /* diacritics and tatweel do not change the answer */
    assert_lang("السَّلَامُ عَلَيْكُمْ يا أصدقـــــاء", "ar", 0.5);
    /* English hashtags beside Arabic text are left out */
    assert_lang("ذهبت إلى السوق صباح اليوم #Market #Shopping #Weekend", "ar", 0.9);
}

static void test_french(void **state)
{
    VG_UNUSED(state);
    assert_lang("Nous sommes allés au marché ce matin pour acheter du pain et des légumes frais.",
                "fr", 0.9);
    assert_lang("Je ne sais pas pourquoi elle n'est pas encore arrivée à la maison", "fr", 0.9);
    assert_lang("merci beaucoup à vous tous", "fr", 0.5);
    assert_lang("@u0123456789 c'est vraiment n'importe quoi https://t.co/AbCdEf", "fr", 0.5);
}

static void test_english(void **state)
{
    VG_UNUSED(state);
    assert_lang("We went to the market this morning to buy some bread and fresh vegetables.", "en",
                0.9);
    assert_lang("thanks so much everyone", "en", 0.5);
    assert_lang("RT @u0123456789: The weather is lovely today, let's go for a walk in the park "
                "https://t.co/xYz123 #Sunday",
                "en", 0.9);
    /* case and stylised (mathematical bold) letters do not matter */
    assert_lang("WHAT A WONDERFUL DAY IT HAS BEEN FOR ALL OF US", "en", 0.9);
    assert_lang("\xf0\x9d\x90\x87\xf0\x9d\x90\x9e\xf0\x9d\x90\xa5\xf0\x9d\x90\xa5\xf0\x9d\x90\xa8 "
                "what a wonderful day it has been for all of us",
                "en", 0.9);
}

static void test_other_latin(void **state)
{
    VG_UNUSED(state);
    assert_lang("Ayer fuimos a la playa con mis amigos y comimos pescado en un restaurante pequeño",
                "es", 0.5);
    assert_lang("Gestern sind wir mit unseren Freunden ins Kino gegangen und haben danach Pizza "
                "gegessen",
                "de", 0.5);
}

static void test_scripts(void **state)
{
    VG_UNUSED(state);
    assert_lang("میں کل اپنے دوستوں کے ساتھ بازار گیا تھا اور ہم نے وہاں چائے پی", "ur", 0.5);
    assert_lang("今日はとても良い天気ですね", "ja", 0.9);
    assert_lang("今天天气很好我们去公园散步吧", "zh", 0.9);
    assert_lang("오늘 날씨가 정말 좋네요", "ko", 0.9);
    assert_lang("Сегодня мы ходили в магазин за хлебом и молоком", "ru", 0.9);
    assert_lang("Сьогодні ми ходили до магазину по хліб і молоко", "uk", 0.9);
    assert_lang("Σήμερα ο καιρός είναι πολύ ωραίος", "el", 0.9);
    assert_lang("วันนี้อากาศดีมากเราไปเดินเล่นกัน", "th", 0.9);
    assert_lang("आज मौसम बहुत अच्छा है", "hi", 0.9);
    /* a Japanese phrase outweighs a few Latin letters (kana count three) */
    assert_lang("今日はとても良い天気ですね nice", "ja", 0.1);
}

static void test_hashtags_only(void **state)
{
    VG_UNUSED(state);
    /* with nothing else to read, the hashtags are read */
    assert_lang("#مرحبا_بكم_في_السوق #السوق_الكبير", "ar", 0.5);
    assert_lang("#nous_sommes_allés_au_marché_ce_matin", "fr", 0.3);
}

/* ---- "und" ------------------------------------------------------------------------------------
 */

static void assert_und(const char *s, size_t len)
{
    double conf = -1;
    assert_string_equal(vg_lang_identify(s, len, &conf), "und");
    assert_true(conf == 0.0);
}

static void test_undetermined(void **state)
{
    VG_UNUSED(state);
    assert_und("", 0);
    assert_und(NULL, 0);
    assert_und(NULL, 10);
    assert_und("12345 678 90", 12);
    assert_und("https://example.org/a/b?c=d", 27);
    assert_und("https://t.co/AbCdEf http://www.example.com/fr/le-chat", 52);
    assert_und("@user_one @user2 @u0123456789", 29);
    assert_und("!!! ??? ... --- ***", 19);
    assert_und("\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 12); /* emoji */
    assert_und("a", 1);
    assert_und("&amp; &lt;3 &#39;", 17);
    /* the confidence pointer may be NULL */
    assert_string_equal(vg_lang_identify("2024", 4, NULL), "und");
}

/* ---- hostile input ------------------------------------------------------------------------------
 */

static int known_code(const char *lang)
{
    return lang != NULL && strlen(lang) >= 2 && strlen(lang) <= 3;
}

static void test_invalid_utf8(void **state)
{
    VG_UNUSED(state);
    static const char *const bad[] = {
        "\xff\xfe\xfd",
        "\xc3\x28 abc \xe2\x82",
        "caf\xc3",
        "\xed\xa0\x80\xed\xbf\xbf surrogate",
        "\xf4\x90\x80\x80 above U+10FFFF",
        "\xc0\xaf overlong",
        "hello\x80world \xbf\xbf this is english text all the same",
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(bad); i++) {
        double conf = -1;
        const char *lang = vg_lang_identify(bad[i], strlen(bad[i]), &conf);
        assert_true(known_code(lang));
        assert_true(conf >= 0.0 && conf <= 1.0);
    }
    /* invalid bytes break words but the rest is read */
    assert_string_equal(identify(bad[6], NULL), "en");
}

static void test_nul_and_length(void **state)
{
    VG_UNUSED(state);
    static const char text[] = "We went to the market\0 this morning to buy some bread";
    /* only len bytes are read: a prefix too short to tell, then the whole with its NUL */
    assert_string_equal(vg_lang_identify(text, 1, NULL), "und");
    assert_string_equal(vg_lang_identify(text, sizeof(text) - 1, NULL), "en");
}

static void test_long_text(void **state)
{
    VG_UNUSED(state);
    static const char sentence[] = "Nous sommes allés au marché ce matin avec les enfants. ";
    size_t n = (size_t)1 << 20;
    char *big = vg_malloc(n);
    assert_non_null(big);
    for (size_t i = 0; i < n; i++)
        big[i] = sentence[i % (sizeof(sentence) - 1)];
    double conf = 0;
    assert_string_equal(vg_lang_identify(big, n, &conf), "fr");
    assert_true(conf > 0.9);
    vg_free(big);
}

static void test_static_result_and_no_allocation(void **state)
{
    VG_UNUSED(state);
    uint64_t before = vg__alloc_count();
    const char *a = identify("We went to the market this morning.", NULL);
    const char *b = identify("They went to the cinema last night.", NULL);
    assert_ptr_equal(a, b); /* the same static string */
    assert_true(vg__alloc_count() == before);
}

/* ---- real labelled posts: the held-out split ---------------------------------------------------
 */

struct lang_tally {
    const char *lang;
    unsigned n, ok;
};

static void tally(struct lang_tally *t, size_t n_t, const char *text, size_t len, const char *lang)
{
    if (vg__lang_text_key(text, len) % 5 != 0)
        return; /* training split */
    for (size_t i = 0; i < n_t; i++) {
        if (strcmp(t[i].lang, lang) == 0) {
            t[i].n++;
            t[i].ok += strcmp(vg_lang_identify(text, len, NULL), lang) == 0;
        }
    }
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct vg_buf b;
    vg_buf_init(&b, (size_t)64 << 20);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (vg_buf_append(&b, chunk, n) != VG_OK)
            break;
    }
    fclose(f);
    *len = b.len;
    return vg_buf_take(&b);
}

/* Column 1 ("tweet") of an RFC 4180 CSV file with a header: quoted fields, "" escapes, line
 * breaks inside quotes. Calls tally() for each record. */
static int read_mlma(const char *path, const char *lang, struct lang_tally *t, size_t n_t)
{
    size_t len;
    char *data = slurp(path, &len);
    if (!data)
        return 0;
    struct vg_buf field;
    vg_buf_init(&field, (size_t)1 << 20);
    size_t i = 0, col = 0, row = 0;
    while (i < len) {
        int quoted = data[i] == '"';
        i += quoted;
        vg_buf_reset(&field);
        while (i < len) {
            if (quoted && data[i] == '"') {
                if (i + 1 < len && data[i + 1] == '"') {
                    (void)vg_buf_putc(&field, '"');
                    i += 2;
                    continue;
                }
                quoted = 0;
                i++;
                continue;
            }
            if (!quoted && (data[i] == ',' || data[i] == '\n' || data[i] == '\r'))
                break;
            (void)vg_buf_putc(&field, data[i++]);
        }
        if (col == 1 && row > 0)
            tally(t, n_t, field.data ? field.data : "", field.len, lang);
        if (i < len && data[i] == ',') {
            col++;
            i++;
            continue;
        }
        while (i < len && (data[i] == '\r' || data[i] == '\n'))
            i++;
        col = 0;
        row++;
    }
    vg_buf_release(&field);
    vg_free(data);
    return 1;
}

/* Twitter API v1.1 tweets, one JSON object a line; Twitter's own `lang` is the reference. */
static int read_tweets(const char *path, struct lang_tally *t, size_t n_t)
{
    gzFile f = gzopen(path, "rb");
    if (!f)
        return 0;
    static char line[1 << 20];
    while (gzgets(f, line, sizeof(line))) {
        cJSON *tweet = cJSON_Parse(line);
        const cJSON *obj = cJSON_GetObjectItemCaseSensitive(tweet, "retweeted_status");
        if (!cJSON_IsObject(obj))
            obj = tweet;
        const cJSON *text = cJSON_GetObjectItemCaseSensitive(obj, "text");
        const cJSON *lang = cJSON_GetObjectItemCaseSensitive(obj, "lang");
        if (cJSON_IsString(text) && cJSON_IsString(lang))
            tally(t, n_t, text->valuestring, strlen(text->valuestring), lang->valuestring);
        cJSON_Delete(tweet);
    }
    gzclose(f);
    return 1;
}

static void check(const char *what, const struct lang_tally *t, size_t n_t, const double *min)
{
    for (size_t i = 0; i < n_t; i++) {
        double acc = t[i].n ? (double)t[i].ok / t[i].n : 0;
        print_message("%s %s: %u/%u correct (%.4f), threshold %.2f\n", what, t[i].lang, t[i].ok,
                      t[i].n, acc, min[i]);
        assert_true(t[i].n >= 20);
        assert_true(acc >= min[i]);
    }
}

static void test_real_heldout(void **state)
{
    VG_UNUSED(state);
    char path[1024];
    struct lang_tally mlma[] = { { "ar", 0, 0 }, { "fr", 0, 0 }, { "en", 0, 0 } };
    int found = 1;
    for (size_t i = 0; i < VG_ARRAY_LEN(mlma); i++) {
        snprintf(path, sizeof(path), "%s/mlma-hate-speech/%s_dataset.csv", VG_SHARED_DATA,
                 mlma[i].lang);
        found &= read_mlma(path, mlma[i].lang, mlma, VG_ARRAY_LEN(mlma));
    }
    /* "TRAIN"/"TEST" in these names are the topic study's; our split is the key's */
    static const char *const files[] = { "topic-FEATURE", "topic-TEST", "topic-TRAIN-CON",
                                         "topic-TRAIN-PRO" };
    struct lang_tally tweets[] = { { "ar", 0, 0 }, { "fr", 0, 0 }, { "en", 0, 0 } };
    for (size_t i = 0; i < VG_ARRAY_LEN(files); i++) {
        snprintf(path, sizeof(path), "%s/about-isis-2017/%s.jsonl.gz", VG_SHARED_DATA, files[i]);
        found &= read_tweets(path, tweets, VG_ARRAY_LEN(tweets));
    }
    if (!found)
        skip();
    /*
     * Held-out recall measured with the shipped model (duplicates counted, as read here):
     * mlma ar 1.0000, fr 0.9954, en 0.9925; tweets ar 1.0000, fr 0.8415 (82 texts, Twitter's
     * label noise included), en 0.9978. The thresholds are about three points lower (six for
     * the small French tweet sample).
     */
    static const double min_mlma[] = { 0.97, 0.96, 0.96 };
    static const double min_tweets[] = { 0.97, 0.78, 0.97 };
    check("mlma-hate-speech held-out", mlma, VG_ARRAY_LEN(mlma), min_mlma);
    check("about-isis-2017 held-out (Twitter lang)", tweets, VG_ARRAY_LEN(tweets), min_tweets);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arabic),
        cmocka_unit_test(test_french),
        cmocka_unit_test(test_english),
        cmocka_unit_test(test_other_latin),
        cmocka_unit_test(test_scripts),
        cmocka_unit_test(test_hashtags_only),
        cmocka_unit_test(test_undetermined),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_nul_and_length),
        cmocka_unit_test(test_long_text),
        cmocka_unit_test(test_static_result_and_no_allocation),
        cmocka_unit_test(test_real_heldout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
