/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_detect_corpus.c: the labelled corpus (src/detect/detect_corpus.c). First the CSV/TSV
 * record reader on invented input (quotes, "" escapes, CRLF and LF, line breaks inside quotes,
 * a BOM, broken quoting reported with its line and read past), the placeholder mapping and the
 * dedupe key. Then a whole invented data directory, laid out like ../shared/data, whose expected
 * counts, labels, flags and splits were worked out by hand, loaded again with every allocation
 * failing in turn. Last, when ../shared/data is there, the real corpus: per-source counts add up
 * to the dataset sizes, no account or text is in two splits, isis-fanboy's accounts are in time
 * order across splits, the proportions are near 70/10/20 and Arabic, French and English
 * negatives are all present.
 *
 * The real data holds violent-extremist propaganda and hate speech: this test prints counts
 * only, never a text.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>
#include <zlib.h>

#include "detect_corpus_int.h"

/* ---- the log: warnings are counted and kept, to check they name file and line -------------- */

static char warnings[8192];
static int n_warnings;

static void log_sink(enum vg_log_level level, const char *msg, void *ud)
{
    (void)ud;
    if (level != VG_LOG_WARN)
        return;
    n_warnings++;
    size_t used = strlen(warnings);
    snprintf(warnings + used, sizeof(warnings) - used, "%s\n", msg);
}

static void log_reset(void)
{
    warnings[0] = '\0';
    n_warnings = 0;
    vg_log_set(log_sink, NULL, VG_LOG_WARN);
}

/* ---- the CSV reader ------------------------------------------------------------------------- */

static void assert_field(const struct vg_csv *r, size_t k, const char *want)
{
    assert_true(k < r->n_fields);
    assert_int_equal(r->field_len[k], strlen(want));
    assert_string_equal(r->field[k], want);
}

static void csv_quotes_crlf_and_line_breaks(void **state)
{
    (void)state;
    static const char in[] = "\xEF\xBB\xBFid,text,note\r\n"
                             "1,plain,\r\n"
                             "2,\"with, comma and \"\"quotes\"\"\",x\n"
                             "\r\n"
                             "3,\"line one\r\nline two\nline three\",\"\"\n"
                             "4,last,no newline";
    struct vg_csv r;
    vg__csv_init(&r, in, sizeof(in) - 1, ',', 1);
    assert_int_equal(vg__csv_next(&r), 1);
    assert_int_equal(r.rec_line, 1);
    assert_int_equal(r.n_fields, 3);
    assert_field(&r, 0, "id"); /* the BOM is not part of the first field */
    assert_int_equal(vg__csv_next(&r), 1);
    assert_int_equal(r.rec_line, 2);
    assert_field(&r, 1, "plain");
    assert_field(&r, 2, "");
    assert_int_equal(vg__csv_next(&r), 1);
    assert_int_equal(r.rec_line, 3);
    assert_field(&r, 1, "with, comma and \"quotes\"");
    assert_field(&r, 2, "x");
    /* The empty line 4 holds no record; the next one spans lines 5 to 7. */
    assert_int_equal(vg__csv_next(&r), 1);
    assert_int_equal(r.rec_line, 5);
    assert_field(&r, 0, "3");
    assert_field(&r, 1, "line one\r\nline two\nline three");
    assert_field(&r, 2, "");
    assert_int_equal(vg__csv_next(&r), 1);
    assert_int_equal(r.rec_line, 8);
    assert_field(&r, 2, "no newline");
    assert_int_equal(vg__csv_next(&r), 0);
    assert_int_equal(vg__csv_next(&r), 0);
    vg__csv_release(&r);
}

static void csv_broken_quotes_are_reported_and_read_past(void **state)
{
    (void)state;
    static const char in[] = "a,b\"c,d\n"        /* line 1: quote inside an unquoted field */
                             "ok,1\n"            /* 2 */
                             "\"ab\"c,d\n"       /* 3: text after a closing quote */
                             "ok,2\n"            /* 4 */
                             "\"never closed,\n" /* 5: the quote swallows the rest... */
                             "ok,3\n"            /* 6: ...so these lines are read again */
                             "ok,4\n";           /* 7 */
    struct vg_csv r;
    vg__csv_init(&r, in, sizeof(in) - 1, ',', 1);
    assert_int_equal(vg__csv_next(&r), VG_EPARSE);
    assert_int_equal(r.rec_line, 1);
    assert_string_equal(r.reason, "quote inside an unquoted field");
    assert_int_equal(vg__csv_next(&r), 1);
    assert_int_equal(r.rec_line, 2);
    assert_field(&r, 1, "1");
    assert_int_equal(vg__csv_next(&r), VG_EPARSE);
    assert_int_equal(r.rec_line, 3);
    assert_string_equal(r.reason, "text after a closing quote");
    assert_int_equal(vg__csv_next(&r), 1);
    assert_field(&r, 1, "2");
    assert_int_equal(vg__csv_next(&r), VG_EPARSE);
    assert_int_equal(r.rec_line, 5);
    assert_string_equal(r.reason, "quoted field not closed at the end of the input");
    assert_int_equal(vg__csv_next(&r), 1);
    assert_int_equal(r.rec_line, 6);
    assert_field(&r, 1, "3");
    assert_int_equal(vg__csv_next(&r), 1);
    assert_int_equal(r.rec_line, 7);
    assert_field(&r, 1, "4");
    assert_int_equal(vg__csv_next(&r), 0);
    vg__csv_release(&r);
}

static void csv_limits(void **state)
{
    (void)state;
    struct vg_buf b;
    vg_buf_init(&b, 1 << 20);
    /* 65 fields, then a good row. */
    for (int i = 0; i < VG_CSV_FIELDS_MAX; i++)
        assert_int_equal(vg_buf_puts(&b, "x,"), VG_OK);
    assert_int_equal(vg_buf_puts(&b, "y\nlast\n"), VG_OK);
    struct vg_csv r;
    vg__csv_init(&r, b.data, b.len, ',', 1);
    assert_int_equal(vg__csv_next(&r), VG_EPARSE);
    assert_string_equal(r.reason, "more than 64 fields");
    assert_int_equal(vg__csv_next(&r), 1);
    assert_field(&r, 0, "last");
    vg__csv_release(&r);
    /* A quote open for more than VG_CSV_SPAN_LINES lines gives up its first line only. */
    vg_buf_reset(&b);
    assert_int_equal(vg_buf_puts(&b, "\"open\n"), VG_OK);
    for (unsigned i = 0; i < VG_CSV_SPAN_LINES + 5; i++)
        assert_int_equal(vg_buf_puts(&b, "row\n"), VG_OK);
    assert_int_equal(vg_buf_puts(&b, "\"\n"), VG_OK);
    vg__csv_init(&r, b.data, b.len, ',', 1);
    assert_int_equal(vg__csv_next(&r), VG_EPARSE);
    assert_string_equal(r.reason, "quoted field not closed within 1000 lines");
    assert_int_equal(vg__csv_next(&r), 1);
    assert_int_equal(r.rec_line, 2);
    assert_field(&r, 0, "row");
    vg__csv_release(&r);
    vg_buf_release(&b);
}

static void tsv_without_quoting(void **state)
{
    (void)state;
    static const char in[] = "1\t\"half quoted\ttext\r\n2\ta \"b\" c\t\n";
    struct vg_csv r;
    vg__csv_init(&r, in, sizeof(in) - 1, '\t', 0);
    assert_int_equal(vg__csv_next(&r), 1);
    assert_int_equal(r.n_fields, 3);
    assert_field(&r, 1, "\"half quoted");
    assert_field(&r, 2, "text");
    assert_int_equal(vg__csv_next(&r), 1);
    assert_int_equal(r.rec_line, 2);
    assert_field(&r, 1, "a \"b\" c");
    assert_field(&r, 2, "");
    assert_int_equal(vg__csv_next(&r), 0);
    vg__csv_release(&r);
}

/* ---- texts ---------------------------------------------------------------------------------- */

static void assert_mapped(const char *in, unsigned flags, const char *want)
{
    struct vg_buf b;
    vg_buf_init(&b, 1 << 16);
    assert_int_equal(vg__corpus_map_text(in, strlen(in), flags, &b), VG_OK);
    assert_string_equal(b.data ? b.data : "", want);
    vg_buf_release(&b);
}

static void placeholders_are_mapped(void **state)
{
    (void)state;
    assert_mapped("hi @u0123456789 and @u0a1b2c3d4e.", 0, "hi @user and @user.");
    /* Not a pseudonym: 11 characters, upper-case hex, a real-looking handle. */
    assert_mapped("@u0123456789a @U0123456789 @someone", 0, "@u0123456789a @U0123456789 @someone");
    /* A pseudonym glued to the next word (as the datasets have it). */
    assert_mapped("@u0123456789\xd9\x83\xd9\x85\xd8\xa7", 0, "@user\xd9\x83\xd9\x85\xd8\xa7");
    assert_mapped("@u0123456789https://t.co/x", 0, "@user url"); /* found by fuzz_csv */
    assert_mapped("see https://t.co/AbC123 and HTTP://x.example/a?b=c, ok", 0,
                  "see url and url ok");
    assert_mapped("glued:https://t.co/x", 0, "glued: url");
    assert_mapped("cut https://t.co/x\xe2\x80\xa6", 0, "cut url");
    /* Cut before the scheme was complete. */
    assert_mapped("cut https\xe2\x80\xa6", 0, "cut url");
    assert_mapped("cut http:/\xe2\x80\xa6", 0, "cut url");
    assert_mapped("cut HTT...", 0, "cut url");
    assert_mapped("cut htt", 0, "cut url");
    /* Not links: inside a word, too short, or going on as a word. */
    assert_mapped("ahttp\xe2\x80\xa6 ht\xe2\x80\xa6 https are", 0,
                  "ahttp\xe2\x80\xa6 ht\xe2\x80\xa6 https are");
    assert_mapped("  RT @u0123456789: the text  ", 0, "the text");
    assert_mapped("RT @someone_else:RT @u0123456789: nested", 0, "nested");
    assert_mapped("RT @USER no colon", VG_CORPUS_MAP_OSACT, "no colon");
    assert_mapped("RTS @x: stays", 0, "RTS @x: stays");
    assert_mapped("@USER one<LF><LF>two @USERS", VG_CORPUS_MAP_OSACT, "@user one\n\ntwo @USERS");
    assert_mapped("@USER kept without the flag", 0, "@USER kept without the flag");
    assert_mapped("words @url more @urls", VG_CORPUS_MAP_MLMA, "words url more @urls");
    /* random-tweets: '\' was an opening quote; the unmatched final quote goes. */
    assert_mapped("the \\merits\" of it\xe2\x80\xa6\"", VG_CORPUS_MAP_QUOTE,
                  "the \"merits\" of it\xe2\x80\xa6");
    assert_mapped("\\whole quote\"", VG_CORPUS_MAP_QUOTE, "\"whole quote\"");
    /* For language identification URLs go entirely. */
    assert_mapped("texte https://t.co/x ici", VG_CORPUS_MAP_NO_URL, "texte   ici");
    assert_mapped("https://t.co/x", 0, "url");
    assert_mapped("   ", 0, "");
}

static void dedupe_key_folds_case_and_space(void **state)
{
    (void)state;
    struct vg_buf a, b;
    vg_buf_init(&a, 1 << 16);
    vg_buf_init(&b, 1 << 16);
    const char *x = "Invented  Text\n with URL", *y = "invented text with url";
    assert_int_equal(vg__corpus_dedupe_key(x, strlen(x), &a), VG_OK);
    assert_int_equal(vg__corpus_dedupe_key(y, strlen(y), &b), VG_OK);
    assert_string_equal(a.data, b.data);
    assert_int_equal(vg__corpus_dedupe_key("\xff", 1, &a), VG_EUTF8);
    vg_buf_release(&a);
    vg_buf_release(&b);
}

/* ---- an invented data directory ------------------------------------------------------------- */

static char fixture_dir[64];

static void write_file(const char *rel, const char *content)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", fixture_dir, rel);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(content, 1, strlen(content), f), strlen(content));
    fclose(f);
}

static void write_gz(const char *rel, const char *content)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", fixture_dir, rel);
    gzFile g = gzopen(path, "wb");
    assert_non_null(g);
    assert_int_equal(gzwrite(g, content, (unsigned)strlen(content)), (int)strlen(content));
    gzclose(g);
}

static void make_dir(const char *rel)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", fixture_dir, rel);
    assert_int_equal(mkdir(path, 0700), 0);
}

#define FT_HEADER      "name,username,description,location,followers,numberstatuses,time,tweets\r\n"
#define FT_ROW(k, day) "A,acct" #k ",,,1,1,1/" #day "/2015 10:00,Invented positive text " #k "\r\n"

#define TW(id, when, text, user, rest)                                                             \
    "{\"id_str\":\"" id "\",\"created_at\":\"" when "\",\"text\":\"" text                          \
    "\",\"user\":{\"id_str\":\"" user "\"}" rest "}"
#define MAY16       "Tue May 16 10:00:00 +0000 2017"
#define MAY17       "Wed May 17 10:00:00 +0000 2017"
#define JAN16       "Fri Jan 01 10:00:00 +0000 2016"
#define FEB17       "Thu Feb 16 10:00:00 +0000 2017"
#define ORIGINAL    TW("102", JAN16, "Invented court report for a test", "502", "")
#define MLMA_HEADER "HITId,tweet,sentiment,directness,annotator_sentiment,target,group\n"
#define AR_TEXT     "\xd9\x87\xd8\xb0\xd8\xa7 \xd9\x86\xd8\xb5 \xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a"
#define AR_TEXT2                                                                                   \
    "\xd9\x86\xd8\xb5 \xd8\xa2\xd8\xae\xd8\xb1 \xd9\x85\xd8\xae\xd8\xaa\xd8\xb1\xd8\xb9"

static int fixture_setup(void **state)
{
    (void)state;
    snprintf(fixture_dir, sizeof(fixture_dir), "/tmp/vg_corpus_XXXXXX");
    if (!mkdtemp(fixture_dir))
        return -1;
    make_dir("isis-fanboy");
    make_dir("about-isis-2017");
    make_dir("random-tweets");
    make_dir("mlma-hate-speech");
    make_dir("osact2022-arabic");
    /* Ten accounts with one example each, in time order; a retweet that copies acct0's text. */
    write_file(
            "isis-fanboy/tweets.csv",
            FT_HEADER FT_ROW(0, 1) FT_ROW(1, 2) FT_ROW(2, 3) FT_ROW(3, 4) FT_ROW(4, 5) FT_ROW(5, 6)
                    FT_ROW(6, 7) FT_ROW(7, 8) FT_ROW(8, 9) FT_ROW(
                            9,
                            10) "B,acct5,,,1,1,1/20/2015 10:00,RT @u0123456789: INVENTED positive "
                                " text 0\r\n");
    write_gz("about-isis-2017/topic-TRAIN-PRO.jsonl.gz",
             TW("100", MAY16, "Invented report about a conflict https://t.co/x", "500",
                "") "\n" TW("101", MAY17, "RT @u0123456789: Invented court report", "501",
                            ",\"retweeted_status\":" ORIGINAL) "\n");
    write_gz("about-isis-2017/topic-TRAIN-CON.jsonl.gz",
             TW("103", MAY16, "Invented cricket score update", "503",
                "") "\n" TW("104", MAY17, "RT @u0123456789: Invented court report", "504",
                            ",\"retweeted_status\":" ORIGINAL) "\n");
    write_gz("about-isis-2017/topic-FEATURE.jsonl.gz",
             TW("105", FEB17, "Invented mixed topic post", "500", "") "\n");
    write_gz("about-isis-2017/topic-TEST.jsonl.gz",
             TW("106", MAY16, "invented positive text 0", "505", "") "\n");
    write_file("random-tweets/tweets.csv", "text\r\n"
                                           "plain invented sentence one\r\n"
                                           "\"quoted, with a comma\"\r\n"
                                           "\"two\r\nlines\"\r\n"
                                           "bad\"quote row\r\n"
                                           "\"the \\merits\"\" of it\"\"\"\r\n");
    write_file("mlma-hate-speech/en_dataset.csv",
               MLMA_HEADER "1,invented rude words @url,offensive,direct,anger,origin,other\n"
                           "2,@user invented calm words,normal,indirect,fear,other,other\n"
                           "3,too,few,fields\n");
    write_file("mlma-hate-speech/fr_dataset.csv",
               MLMA_HEADER "1,nous avons invente cette phrase pour le test avec des mots de tous "
                           "les jours,normal,indirect,fear,other,other\n");
    write_file("mlma-hate-speech/ar_dataset.csv",
               MLMA_HEADER "1," AR_TEXT ",hateful,direct,anger,origin,other\n");
    write_file("osact2022-arabic/osact2022.tsv",
               "1\t@USER " AR_TEXT "<LF>" AR_TEXT2 "\tOFF\tNOT_HS\tNOT_VLG\tNOT_VIO\n"
               "2\t" AR_TEXT2 " \"quoted\"\tNOT_OFF\tNOT_HS\tNOT_VLG\tNOT_VIO\n"
               "3\t" AR_TEXT2 " " AR_TEXT "\tNOT_OFF\tHS1\tNOT_VLG\tNOT_VIO\n");
    return 0;
}

static int fixture_teardown(void **state)
{
    (void)state;
    static const char *const files[] = {
        "isis-fanboy/tweets.csv",
        "about-isis-2017/topic-TRAIN-PRO.jsonl.gz",
        "about-isis-2017/topic-TRAIN-CON.jsonl.gz",
        "about-isis-2017/topic-FEATURE.jsonl.gz",
        "about-isis-2017/topic-TEST.jsonl.gz",
        "random-tweets/tweets.csv",
        "mlma-hate-speech/en_dataset.csv",
        "mlma-hate-speech/fr_dataset.csv",
        "mlma-hate-speech/ar_dataset.csv",
        "osact2022-arabic/osact2022.tsv",
    };
    static const char *const dirs[] = { "isis-fanboy",      "about-isis-2017",  "random-tweets",
                                        "mlma-hate-speech", "osact2022-arabic", "" };
    char path[256];
    for (size_t i = 0; i < VG_ARRAY_LEN(files); i++) {
        snprintf(path, sizeof(path), "%s/%s", fixture_dir, files[i]);
        unlink(path);
    }
    for (size_t i = 0; i < VG_ARRAY_LEN(dirs); i++) {
        snprintf(path, sizeof(path), "%s/%s", fixture_dir, dirs[i]);
        rmdir(path);
    }
    return 0;
}

static const struct vg_example *find_text(const struct vg_corpus *c, const char *text)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->ex[i].text, text) == 0)
            return &c->ex[i];
    return NULL;
}

static const struct vg_corpus_source_stats *stats_of(const struct vg_corpus *c, const char *name)
{
    size_t n;
    const struct vg_corpus_source_stats *st = vg__corpus_stats(c, &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(st[i].name, name) == 0)
            return &st[i];
    fail_msg("no source %s", name);
    return NULL;
}

static void assert_stats(const struct vg_corpus *c, const char *name, uint64_t records,
                         uint64_t read, uint64_t kept, uint64_t dups, uint64_t skipped)
{
    const struct vg_corpus_source_stats *st = stats_of(c, name);
    assert_int_equal(st->records, records);
    assert_int_equal(st->read, read);
    assert_int_equal(st->kept, kept);
    assert_int_equal(st->duplicates, dups);
    assert_int_equal(st->skipped, skipped);
}

static void fixture_corpus(void **state)
{
    (void)state;
    struct vg_corpus c;
    log_reset();
    assert_int_equal(vg__corpus_load(fixture_dir, 42, &c), VG_OK);
    vg_log_set(NULL, NULL, VG_LOG_ERROR);
    assert_int_equal(c.n, 25);

    /* isis-fanboy: 11 rows, the retweet copies acct0's text and is dropped. */
    assert_stats(&c, "isis-fanboy", 11, 11, 10, 1, 0);
    for (int k = 0; k < 10; k++) {
        char text[64];
        snprintf(text, sizeof(text), "Invented positive text %d", k);
        const struct vg_example *e = find_text(&c, text);
        assert_non_null(e);
        assert_int_equal(e->label, 1);
        assert_string_equal(e->source, "isis-fanboy");
        char acct[16];
        snprintf(acct, sizeof(acct), "acct%d", k);
        assert_string_equal(e->account, acct);
        assert_int_equal(e->at, 1420106400 + (int64_t)k * 86400); /* 2015-01-(k+1) 10:00 */
        /* One example per account, in time order: the middles 0.5 .. 6.5 fall below 7 (70%),
         * 7.5 below 8 (80%), the last two above. */
        assert_int_equal(e->split, k < 7 ? VG_SPLIT_TRAIN : k < 8 ? VG_SPLIT_CALIB : VG_SPLIT_TEST);
    }

    /* about-isis: retweets left out, the original they share read once, a copy of a positive. */
    assert_stats(&c, "about-isis-pro", 2, 2, 2, 0, 0);
    assert_int_equal(stats_of(&c, "about-isis-pro")->reposts, 1);
    assert_stats(&c, "about-isis-con", 2, 1, 1, 0, 0);
    assert_int_equal(stats_of(&c, "about-isis-con")->reposts, 1);
    assert_int_equal(stats_of(&c, "about-isis-con")->repeated_ids, 1);
    assert_stats(&c, "about-isis-feature", 1, 1, 1, 0, 0);
    assert_stats(&c, "about-isis-test", 1, 1, 0, 1, 0);
    assert_int_equal(stats_of(&c, "about-isis-test")->conflicts, 1);
    const struct vg_example *a = find_text(&c, "Invented report about a conflict url");
    const struct vg_example *b = find_text(&c, "Invented court report for a test");
    const struct vg_example *d = find_text(&c, "Invented mixed topic post");
    const struct vg_example *cr = find_text(&c, "Invented cricket score update");
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(d);
    assert_non_null(cr);
    assert_int_equal(a->news, 1);
    assert_int_equal(b->news, 1);
    assert_int_equal(d->news, 0);
    assert_int_equal(a->label, 0);
    assert_string_equal(b->account, "502");
    /* about-isis-pro: 502 (2016) then 500 (2017): middles 0.5 < 1.4 and 1.5 in [1.4, 1.6). */
    assert_int_equal(b->split, VG_SPLIT_TRAIN);
    assert_int_equal(a->split, VG_SPLIT_CALIB);
    /* Account 500 keeps its split in about-isis-feature. */
    assert_int_equal(d->split, VG_SPLIT_CALIB);
    assert_int_equal(cr->split, VG_SPLIT_TRAIN);

    /* random-tweets: one broken row, skipped with a warning naming file and line. */
    assert_stats(&c, "random-tweets", 5, 5, 4, 0, 1);
    assert_non_null(find_text(&c, "quoted, with a comma"));
    assert_non_null(find_text(&c, "two\r\nlines"));
    const struct vg_example *q = find_text(&c, "the \"merits\" of it");
    assert_non_null(q);
    assert_null(q->account);
    assert_true(q->at == VG_TIME_UNKNOWN);
    assert_non_null(strstr(warnings, "random-tweets/tweets.csv:6: row skipped: quote inside an "
                                     "unquoted field"));

    /* mlma: hate unless "normal"; "@url" is a URL; a short row skipped. */
    assert_stats(&c, "mlma-en", 3, 3, 2, 0, 1);
    assert_non_null(strstr(warnings, "en_dataset.csv:4: row skipped: 4 fields, expected 7"));
    assert_int_equal(n_warnings, 2);
    assert_int_equal(find_text(&c, "invented rude words url")->hate, 1);
    assert_int_equal(find_text(&c, "@user invented calm words")->hate, 0);
    assert_stats(&c, "mlma-fr", 1, 1, 1, 0, 0);
    assert_string_equal(
            find_text(
                    &c,
                    "nous avons invente cette phrase pour le test avec des mots de tous les jours")
                    ->lang,
            "fr");
    const struct vg_example *ar = find_text(&c, AR_TEXT);
    assert_non_null(ar);
    assert_string_equal(ar->source, "mlma-ar");
    assert_string_equal(ar->lang, "ar");
    assert_int_equal(ar->hate, 1);

    /* osact: placeholders mapped, bare quotes kept, OFF or HS* is hate. */
    assert_stats(&c, "osact2022", 3, 3, 3, 0, 0);
    const struct vg_example *o1 = find_text(&c, "@user " AR_TEXT "\n" AR_TEXT2);
    const struct vg_example *o2 = find_text(&c, AR_TEXT2 " \"quoted\"");
    const struct vg_example *o3 = find_text(&c, AR_TEXT2 " " AR_TEXT);
    assert_non_null(o1);
    assert_non_null(o2);
    assert_non_null(o3);
    assert_int_equal(o1->hate, 1);
    assert_int_equal(o2->hate, 0);
    assert_int_equal(o3->hate, 1);
    assert_string_equal(o1->lang, "ar");

    /* The summary says the same. */
    struct vg_buf js;
    vg_buf_init(&js, 1 << 20);
    assert_int_equal(vg__corpus_summary_json(&c, &js), VG_OK);
    cJSON *doc = cJSON_Parse(js.data);
    assert_non_null(doc);
    assert_int_equal(cJSON_GetObjectItem(doc, "examples")->valueint, 25);
    cJSON *srcs = cJSON_GetObjectItem(doc, "sources");
    assert_int_equal(cJSON_GetArraySize(srcs), 10);
    cJSON *fan = cJSON_GetArrayItem(srcs, 0);
    assert_string_equal(cJSON_GetObjectItem(fan, "name")->valuestring, "isis-fanboy");
    assert_int_equal(cJSON_GetObjectItem(fan, "duplicates")->valueint, 1);
    cJSON *split = cJSON_GetObjectItem(fan, "split");
    assert_int_equal(cJSON_GetObjectItem(split, "train")->valueint, 7);
    assert_int_equal(cJSON_GetObjectItem(split, "calib")->valueint, 1);
    assert_int_equal(cJSON_GetObjectItem(split, "test")->valueint, 2);
    cJSON *acc = cJSON_GetObjectItem(fan, "accounts");
    assert_int_equal(cJSON_GetObjectItem(acc, "test")->valueint, 2);
    cJSON_Delete(doc);
    vg_buf_release(&js);

    vg__corpus_release(&c);
    assert_null(c.ex);
    assert_int_equal(c.n, 0);
    assert_int_equal(vg__corpus_summary_json(&c, &js), VG_EINVAL);
    vg__corpus_release(&c); /* twice is harmless */
}

static void fixture_corpus_allocation_failures(void **state)
{
    (void)state;
    struct vg_corpus c;
    uint64_t before = vg__alloc_count();
    assert_int_equal(vg__corpus_load(fixture_dir, 42, &c), VG_OK);
    uint64_t n_alloc = vg__alloc_count() - before;
    size_t n = c.n;
    vg__corpus_release(&c);
    /* Each allocation failing in turn: an error and an empty corpus, or (when a reader turns the
     * failure into a rejected record) a smaller one; never a leak (ASan) or a crash. */
    for (uint64_t k = 1; k <= n_alloc; k++) {
        vg__alloc_fail_after(k);
        vg_status rc = vg__corpus_load(fixture_dir, 42, &c);
        vg__alloc_fail_after(0);
        if (rc != VG_OK) {
            assert_null(c.ex);
            assert_int_equal(c.n, 0);
        } else {
            assert_true(c.n <= n);
        }
        vg__corpus_release(&c);
    }
}

static void missing_dataset(void **state)
{
    (void)state;
    struct vg_corpus c;
    char path[256];
    snprintf(path, sizeof(path), "%s/osact2022-arabic/osact2022.tsv", fixture_dir);
    char moved[300];
    snprintf(moved, sizeof(moved), "%s.away", path);
    assert_int_equal(rename(path, moved), 0);
    assert_int_equal(vg__corpus_load(fixture_dir, 42, &c), VG_ENOENT);
    assert_null(c.ex);
    assert_int_equal(rename(moved, path), 0);
    assert_int_equal(vg__corpus_load("/nonexistent/vigie-data", 42, &c), VG_ENOENT);
    assert_int_equal(vg__corpus_load(NULL, 42, &c), VG_EINVAL);
}

/* ---- the real corpus ------------------------------------------------------------------------ */

struct acc_split {
    uint64_t account; /* hash */
    int64_t at;
    int split;
};

static int cmp_acc_split(const void *a, const void *b)
{
    const struct acc_split *x = a, *y = b;
    if (x->account != y->account)
        return x->account < y->account ? -1 : 1;
    return (x->at > y->at) - (x->at < y->at);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static int has_url(const char *t)
{
    for (; *t; t++)
        if ((*t == 'h' || *t == 'H') && strncasecmp(t, "http", 4) == 0 &&
            (strncmp(t + 4, "://", 3) == 0 || strncasecmp(t + 4, "s://", 4) == 0))
            return 1;
    return 0;
}

static int has_placeholder_left(const char *t)
{
    if (has_url(t) || strstr(t, "<LF>"))
        return 1;
    for (const char *p = strchr(t, '@'); p; p = strchr(p + 1, '@')) {
        size_t n = strlen(p);
        if ((n >= 5 && strncmp(p, "@USER", 5) == 0 && (n == 5 || !isalnum((unsigned char)p[5]))) ||
            (n >= 4 && strncmp(p, "@url", 4) == 0 && (n == 4 || !isalnum((unsigned char)p[4]))))
            return 1;
        if (n >= 12 && p[1] == 'u' && strspn(p + 2, "0123456789abcdef") == 10 &&
            (n == 12 || !(isalnum((unsigned char)p[12]) || p[12] == '_')))
            return 1;
    }
    return 0;
}

static void real_corpus(void **state)
{
    (void)state;
    struct stat st;
    if (stat(VG_SHARED_DATA "/isis-fanboy/tweets.csv", &st) != 0)
        skip();
    struct vg_corpus c;
    log_reset();
    assert_int_equal(vg__corpus_load(VG_SHARED_DATA, 42, &c), VG_OK);
    vg_log_set(NULL, NULL, VG_LOG_ERROR);
    assert_true(c.n > 50000);

    /* Every candidate is accounted for; the CSV sources read every row of their file. */
    size_t n_src;
    const struct vg_corpus_source_stats *ss = vg__corpus_stats(&c, &n_src);
    assert_int_equal(n_src, 10);

    static const struct {
        const char *name;
        uint64_t rows;
    } sizes[] = { { "isis-fanboy", 13997 }, { "random-tweets", 13157 }, { "mlma-en", 4518 },
                  { "mlma-fr", 3212 },      { "mlma-ar", 2683 },        { "osact2022", 8126 } };

    for (size_t i = 0; i < VG_ARRAY_LEN(sizes); i++) {
        const struct vg_corpus_source_stats *s = stats_of(&c, sizes[i].name);
        assert_int_equal(s->records, sizes[i].rows);
        assert_int_equal(s->read, sizes[i].rows);
    }
    uint64_t about_records = 0;
    size_t total_kept = 0;
    for (size_t i = 0; i < n_src; i++) {
        assert_int_equal(ss[i].read, ss[i].kept + ss[i].duplicates + ss[i].skipped);
        assert_true(ss[i].conflicts <= ss[i].duplicates);
        if (strncmp(ss[i].name, "about-isis-", 11) == 0)
            about_records += ss[i].records;
        size_t kept = 0;
        for (size_t k = 0; k < c.n; k++)
            kept += strcmp(c.ex[k].source, ss[i].name) == 0;
        assert_int_equal(kept, ss[i].kept);
        total_kept += kept;
    }
    assert_int_equal(about_records, 79423);
    assert_int_equal(total_kept, c.n);
    assert_int_equal(n_warnings, 0); /* no broken row in the shared data */

    /* Labels and flags by source; no placeholder spelling survives. */
    size_t neg_lang[3] = { 0 }; /* ar, fr, en */
    size_t split_pos[3] = { 0 };
    for (size_t i = 0; i < c.n; i++) {
        const struct vg_example *e = &c.ex[i];
        int fanboy = strcmp(e->source, "isis-fanboy") == 0;
        assert_int_equal(e->label, fanboy);
        assert_int_equal(e->news, strcmp(e->source, "about-isis-pro") == 0);
        if (e->hate)
            assert_true(strncmp(e->source, "mlma-", 5) == 0 || strcmp(e->source, "osact2022") == 0);
        assert_true(e->split <= VG_SPLIT_TEST);
        assert_true(e->text[0] != '\0');
        assert_false(has_placeholder_left(e->text));
        assert_int_equal(e->account != NULL, fanboy || strncmp(e->source, "about-isis-", 11) == 0);
        split_pos[e->split] += e->label;
        if (!e->label) {
            neg_lang[0] += strcmp(e->lang, "ar") == 0;
            neg_lang[1] += strcmp(e->lang, "fr") == 0;
            neg_lang[2] += strcmp(e->lang, "en") == 0;
        }
    }
    assert_true(neg_lang[0] > 5000 && neg_lang[1] > 3000 && neg_lang[2] > 20000);
    assert_true(split_pos[VG_SPLIT_TRAIN] > 5000 && split_pos[VG_SPLIT_CALIB] > 500 &&
                split_pos[VG_SPLIT_TEST] > 1000);

    /* No account in two splits, across all sources. */
    struct acc_split *as = calloc(c.n, sizeof(*as));
    size_t n_as = 0;
    assert_non_null(as);
    for (size_t i = 0; i < c.n; i++)
        if (c.ex[i].account)
            as[n_as++] = (struct acc_split){ vg_hash64(c.ex[i].account, strlen(c.ex[i].account), 0),
                                             c.ex[i].at, (int)c.ex[i].split };
    qsort(as, n_as, sizeof(*as), cmp_acc_split);
    for (size_t i = 1; i < n_as; i++)
        if (as[i].account == as[i - 1].account)
            assert_int_equal(as[i].split, as[i - 1].split);

    /* isis-fanboy, the rule as implemented: accounts ordered by the lower median time of their
     * examples, so every TRAIN account's median <= every CALIB account's <= every TEST one's. */
    n_as = 0;
    for (size_t i = 0; i < c.n; i++)
        if (strcmp(c.ex[i].source, "isis-fanboy") == 0)
            as[n_as++] = (struct acc_split){ vg_hash64(c.ex[i].account, strlen(c.ex[i].account), 0),
                                             c.ex[i].at, (int)c.ex[i].split };
    qsort(as, n_as, sizeof(*as), cmp_acc_split);
    int64_t med_min[3] = { INT64_MAX, INT64_MAX, INT64_MAX },
            med_max[3] = { INT64_MIN, INT64_MIN, INT64_MIN };
    size_t n_accounts[3] = { 0 };
    for (size_t i = 0; i < n_as;) {
        size_t j = i;
        while (j < n_as && as[j].account == as[i].account)
            j++;
        int64_t med = as[i + (j - i - 1) / 2].at;
        int s = as[i].split;
        med_min[s] = med < med_min[s] ? med : med_min[s];
        med_max[s] = med > med_max[s] ? med : med_max[s];
        n_accounts[s]++;
        i = j;
    }
    assert_true(med_max[VG_SPLIT_TRAIN] <= med_min[VG_SPLIT_CALIB]);
    assert_true(med_max[VG_SPLIT_CALIB] <= med_min[VG_SPLIT_TEST]);
    assert_true(n_accounts[VG_SPLIT_TRAIN] >= 40 && n_accounts[VG_SPLIT_TEST] >= 10);
    free(as);

    /* No dedupe key twice: so none in two splits. */
    uint64_t *keys = calloc(c.n, sizeof(*keys));
    struct vg_buf kb;
    vg_buf_init(&kb, 1 << 24);
    assert_non_null(keys);
    for (size_t i = 0; i < c.n; i++) {
        assert_int_equal(vg__corpus_dedupe_key(c.ex[i].text, strlen(c.ex[i].text), &kb), VG_OK);
        keys[i] = vg_hash64(kb.data, kb.len, 0);
    }
    qsort(keys, c.n, sizeof(*keys), cmp_u64);
    for (size_t i = 1; i < c.n; i++)
        assert_true(keys[i] != keys[i - 1]);
    vg_buf_release(&kb);
    free(keys);

    /* Near 70/10/20 within every source. */
    for (size_t i = 0; i < n_src; i++) {
        size_t by[3] = { 0 }, n = 0;
        for (size_t k = 0; k < c.n; k++) {
            if (strcmp(c.ex[k].source, ss[i].name) == 0) {
                by[c.ex[k].split]++;
                n++;
            }
        }
        assert_true(n > 2000);
        double tr = (double)by[0] / (double)n, ca = (double)by[1] / (double)n,
               te = (double)by[2] / (double)n;
        print_message("corpus: %-18s kept %6zu  train %.3f calib %.3f test %.3f\n", ss[i].name, n,
                      tr, ca, te);
        assert_true(tr > 0.64 && tr < 0.76);
        assert_true(ca > 0.07 && ca < 0.13);
        assert_true(te > 0.15 && te < 0.25);
    }
    vg__corpus_release(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(csv_quotes_crlf_and_line_breaks),
        cmocka_unit_test(csv_broken_quotes_are_reported_and_read_past),
        cmocka_unit_test(csv_limits),
        cmocka_unit_test(tsv_without_quoting),
        cmocka_unit_test(placeholders_are_mapped),
        cmocka_unit_test(dedupe_key_folds_case_and_space),
        cmocka_unit_test_setup_teardown(fixture_corpus, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(fixture_corpus_allocation_failures, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(missing_dataset, fixture_setup, fixture_teardown),
        cmocka_unit_test(real_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
