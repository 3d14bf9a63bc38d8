/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_fifth_tribe.c: the Fifth Tribe CSV reader. Invented rows check the RFC 4180 parsing
 * (quotes, "" escapes, CRLF and LF, line breaks inside quoted fields, a BOM), the mapping to an
 * account and a post event, the stable post ids, and every rejection with the recovery after it:
 * wrong or missing header, wrong column counts, stray quotes, unclosed quotes at the end of the
 * input and past the span bound, bad values. Then the real file is read whole: every row lands,
 * and a few rows are checked field by field by username, time and counts (no text is copied).
 *
 * The real data is violent-extremist propaganda: nothing of its text is printed by this test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ingest_test_util.h"

#define HEADER "name,username,description,location,followers,numberstatuses,time,tweets\r\n"

static void run(const char *csv, struct collected *c)
{
    assert_int_equal(collect_mem(csv, strlen(csv), VG_FORMAT_AUTO, NULL, c), VG_OK);
}

static void rows_map_to_account_and_post(void **state)
{
    (void)state;
    struct collected c;
    run(HEADER "Ann Example,ann_x,\"Bio with \"\"quotes\"\", commas\",Somewhere,10,20,1/2/2015 "
               "3:04,\"Line one\r\nline two\nline three &amp; #tag @bob_y http://t.example/a\"\r\n"
               "Bob,bob_y,,,,,12/31/2015 23:59,RT @ann_x: hello\r\n",
        &c);
    assert_int_equal(c.n_records, 2);
    assert_int_equal(c.n_rejects, 0);
    assert_int_equal(c.n_events, 4);
    assert_string_equal(c.events[0],
                        "{\"type\":\"account\",\"platform\":\"fifth-tribe\",\"id\":\"ann_x\","
                        "\"handle\":\"ann_x\",\"name\":\"Ann Example\",\"bio\":\"Bio with "
                        "\\\"quotes\\\", commas\",\"followers\":10,\"posts\":20,\"observed_at\":"
                        "\"2015-01-02T03:04:00Z\"}");
    /* The line breaks inside the quotes are kept as written (CRLF and LF); "&amp;" is decoded. */
    char id[32];
    const char *user = "ann_x", *time = "1/2/2015 3:04",
               *tweet = "Line one\r\nline two\nline three &amp; #tag @bob_y http://t.example/a";
    uint64_t h = vg_hash64(user, strlen(user), 0);
    h = vg_hash64(time, strlen(time), h);
    h = vg_hash64(tweet, strlen(tweet), h);
    snprintf(id, sizeof(id), "ft:%016llx", (unsigned long long)h);
    char want[512];
    snprintf(want, sizeof(want),
             "{\"type\":\"post\",\"platform\":\"fifth-tribe\",\"id\":\"%s\",\"account\":\"ann_x\","
             "\"created_at\":\"2015-01-02T03:04:00Z\",\"text\":\"Line one\\r\\nline two\\nline "
             "three & #tag @bob_y http://t.example/a\",\"hashtags\":[\"tag\"],\"mentions\":"
             "[\"bob_y\"],\"urls\":[\"http://t.example/a\"],\"media\":[]}",
             id);
    assert_string_equal(c.events[1], want);
    /* Empty counts are "not given"; a retweet keeps its "RT @x:" text, x is a mention. */
    assert_string_equal(c.events[2],
                        "{\"type\":\"account\",\"platform\":\"fifth-tribe\",\"id\":\"bob_y\","
                        "\"handle\":\"bob_y\",\"name\":\"Bob\",\"observed_at\":\"2015-12-31T23:"
                        "59:00Z\"}");
    assert_non_null(strstr(c.events[3], "\"text\":\"RT @ann_x: hello\""));
    assert_null(strstr(c.events[3], "repost_of"));
    assert_non_null(strstr(c.events[3], "\"mentions\":[\"ann_x\"]"));
    collected_free(&c);
}

static void bom_lf_blank_lines_and_repeated_header(void **state)
{
    (void)state;
    static const char csv[] =
            "\xEF\xBB\xBFname,username,description,location,followers,numberstatuses,time,tweets\n"
            "A,a1,,,1,2,3/4/2015 5:06,one\n"
            "\n\r\n"
            "name,username,description,location,followers,numberstatuses,time,tweets\n"
            "B,b1,,,1,2,3/4/2015 5:07,\"two\"\n";
    /* Read from a file, detected by its header behind the BOM. */
    char path[] = "/tmp/vigie-test-ft-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, csv, sizeof(csv) - 1), (ssize_t)(sizeof(csv) - 1));
    close(fd);
    struct collected c;
    assert_int_equal(collect_file(path, VG_FORMAT_AUTO, &c), VG_OK);
    unlink(path);
    assert_int_equal(c.n_records, 2);
    assert_int_equal(c.n_rejects, 0);
    assert_int_equal(find_event(&c, "\"text\":\"two\""), 3);
    collected_free(&c);
}

static void empty_input_and_header_only(void **state)
{
    (void)state;
    struct collected c;
    assert_int_equal(collect_mem("", 0, VG_FORMAT_FIFTH_TRIBE, NULL, &c), VG_OK);
    assert_int_equal(c.n_records, 0);
    collected_free(&c);
    run(HEADER, &c);
    assert_int_equal(c.n_records, 0);
    collected_free(&c);
    const char no_newline[] = "name,username,description,location,followers,numberstatuses,time,"
                              "tweets";
    assert_int_equal(collect_mem(no_newline, sizeof(no_newline) - 1, VG_FORMAT_AUTO, NULL, &c),
                     VG_OK);
    assert_int_equal(c.n_records, 0);
    collected_free(&c);
}

static void wrong_or_missing_header_rejects_every_row(void **state)
{
    (void)state;
    struct collected c;
    const char wrong[] = "name,username,description,location,followers,numberstatuses,date,"
                         "tweets\r\nA,a1,,,1,2,3/4/2015 5:06,one\r\n";
    assert_int_equal(collect_mem(wrong, sizeof(wrong) - 1, VG_FORMAT_AUTO, NULL, &c), VG_OK);
    assert_int_equal(c.n_records, 2);
    assert_int_equal(c.n_rejects, 2);
    assert_string_equal(c.reasons[0], "header: expected name,username,description,location,"
                                      "followers,numberstatuses,time,tweets; column 7 is \"date\"");
    assert_string_equal(c.reasons[1],
                        "row not read: the input does not start with the Fifth Tribe header");
    assert_int_equal(c.reject_lines[1], 2);
    collected_free(&c);

    const char missing[] = "A,a1,,,1,2,3/4/2015 5:06,one\r\nB,b1,,,1,2\r\n";
    assert_int_equal(collect_mem(missing, sizeof(missing) - 1, VG_FORMAT_FIFTH_TRIBE, NULL, &c),
                     VG_OK);
    assert_int_equal(c.n_rejects, 2);
    assert_string_equal(c.reasons[0], "header: expected name,username,description,location,"
                                      "followers,numberstatuses,time,tweets; column 1 is \"A\"");
    collected_free(&c);
}

static void column_counts_and_values_are_checked(void **state)
{
    (void)state;
    struct collected c;
    static char long_tweet[70200];
    run(HEADER "A,a1,,,1,2,3/4/2015 5:06\r\n"           /* 7 columns */
               "A,a1,,,1,2,3/4/2015 5:06,one,extra\r\n" /* 9 */
               "A,a1,,,1x,2,3/4/2015 5:06,one\r\n"
               "A,a1,,,1,2,yesterday,one\r\n"
               "A,,,,1,2,3/4/2015 5:06,one\r\n"
               "A,a1,,,1,2,,one\r\n"
               "A,a1,,,1,2,3/4/2015 5:06,bad \xC3\x28 utf8\r\n"
               "A,a1,,,1,2,3/4/2015 5:06,fine\r\n",
        &c);
    assert_int_equal(c.n_records, 8);
    assert_int_equal(c.n_rejects, 7);
    assert_string_equal(c.reasons[0],
                        "row has 7 columns, expected 8 (column tweets or more is missing)");
    assert_string_equal(c.reasons[1], "row has 9 columns, expected 8 (text after column tweets)");
    assert_string_equal(c.reasons[2], "column followers: \"1x\" is not a non-negative integer");
    assert_string_equal(c.reasons[3], "column time: \"yesterday\" is not a time (M/D/YYYY H:MM)");
    assert_string_equal(c.reasons[4], "column username: empty (a row needs its account)");
    assert_string_equal(c.reasons[5], "column time: empty (a row needs the tweet's time)");
    assert_string_equal(c.reasons[6], "column tweets: invalid UTF-8 or a NUL byte");
    assert_int_equal(c.reject_lines[6], 8);
    assert_int_equal(c.n_events, 2);
    collected_free(&c);

    memcpy(long_tweet, HEADER "A,a1,,,1,2,3/4/2015 5:06,", sizeof(HEADER) - 1 + 25);
    size_t at = sizeof(HEADER) - 1 + 25;
    memset(long_tweet + at, 'x', 70000);
    strcpy(long_tweet + at + 70000, "\r\n");
    run(long_tweet, &c);
    assert_int_equal(c.n_rejects, 1);
    assert_string_equal(c.reasons[0], "column tweets: 70000 bytes, over the limit of 65536");
    collected_free(&c);
}

static void stray_quotes_reject_one_row(void **state)
{
    (void)state;
    struct collected c;
    run(HEADER "A,a\"1,,,1,2,3/4/2015 5:06,one\r\n"
               "\"A\"x,a1,,,1,2,3/4/2015 5:06,one\r\n"
               "B,b1,,,1,2,3/4/2015 5:07,two\r\n",
        &c);
    assert_int_equal(c.n_records, 3);
    assert_int_equal(c.n_rejects, 2);
    assert_string_equal(c.reasons[0], "column username: a quote inside an unquoted field (quote "
                                      "the field and double the quote)");
    assert_string_equal(c.reasons[1], "column name: text after the closing quote");
    assert_int_equal(c.reject_lines[0], 2);
    assert_int_equal(c.reject_lines[1], 3);
    assert_non_null(strstr(c.events[1], "\"text\":\"two\""));
    collected_free(&c);

    /* A stray opening quote closed by a later row's quotes: the rows in between are kept. */
    run(HEADER "A,a1,,,1,2,3/4/2015 5:06,\"oops\r\n"
               "B,b1,,,1,2,3/4/2015 5:07,two\r\n"
               "C,c1,,,1,2,3/4/2015 5:08,\"three\"\r\n",
        &c);
    assert_int_equal(c.n_records, 3);
    assert_int_equal(c.n_rejects, 1);
    assert_string_equal(c.reasons[0], "column tweets: text after the closing quote on line 4, in a "
                                      "quoted field opened on line 2");
    assert_int_equal(c.reject_lines[0], 2);
    assert_non_null(strstr(c.events[1], "\"text\":\"two\""));
    assert_non_null(strstr(c.events[3], "\"text\":\"three\""));
    collected_free(&c);
}

static void unclosed_quote_at_the_end_keeps_the_rows_after_it(void **state)
{
    (void)state;
    struct collected c;
    run(HEADER "A,a1,,,1,2,3/4/2015 5:06,one\r\n"
               "X,x1,,,1,2,3/4/2015 5:06,\"never closed\r\n"
               "B,b1,,,1,2,3/4/2015 5:07,two\r\n"
               "C,c1,,,1,2,3/4/2015 5:08,three\r\n",
        &c);
    assert_int_equal(c.n_records, 4);
    assert_int_equal(c.n_rejects, 1);
    assert_string_equal(c.reasons[0], "column tweets: the quoted field opened on line 3 is not "
                                      "closed before the end of the input");
    assert_int_equal(c.reject_lines[0], 3);
    assert_int_equal(count_type(&c, VG_EV_POST), 3);
    assert_non_null(strstr(c.events[5], "\"text\":\"three\""));
    collected_free(&c);
}

static void unclosed_quote_is_bounded_to_1000_lines(void **state)
{
    (void)state;
    size_t cap = 1200 * 48 + 200, len = 0;
    char *csv = malloc(cap);
    assert_non_null(csv);
    len += (size_t)snprintf(csv + len, cap - len, "%sX,x1,,,1,2,3/4/2015 5:06,\"open\r\n", HEADER);
    for (int i = 0; i < 1100; i++)
        len += (size_t)snprintf(csv + len, cap - len, "N,n%d,,,1,2,3/4/2015 5:06,row %d\r\n", i, i);
    struct collected c;
    run(csv, &c);
    assert_int_equal(c.n_records, 1101);
    assert_int_equal(c.n_rejects, 1);
    assert_string_equal(c.reasons[0], "column tweets: the quoted field opened on line 2 is not "
                                      "closed within 1000 lines");
    assert_int_equal(count_type(&c, VG_EV_POST), 1100);
    /* Rows read again after the bound and rows read for the first time are alike. */
    assert_non_null(strstr(c.events[1], "\"text\":\"row 0\""));
    assert_non_null(strstr(c.events[2 * 1099 + 1], "\"text\":\"row 1099\""));
    collected_free(&c);
    free(csv);
}

static void over_long_lines_reject_their_row(void **state)
{
    (void)state;
    /* A physical line over VG_LINE_MAX is skipped by the line source: alone it is a rejected
     * record; inside a quoted field it breaks that row. Reading goes on after it. */
    size_t big = (size_t)VG_LINE_MAX + 10, cap = 2 * big + 4096, len = 0;
    char *csv = malloc(cap);
    assert_non_null(csv);
    len += (size_t)snprintf(csv, cap, "%sA,a1,,,1,2,3/4/2015 5:06,one\r\n", HEADER);
    memset(csv + len, 'x', big);
    len += big;
    len += (size_t)snprintf(csv + len, cap - len, "\r\nB,b1,,,1,2,3/4/2015 5:07,\"open\r\n");
    memset(csv + len, 'y', big);
    len += big;
    len += (size_t)snprintf(csv + len, cap - len, "\r\nC,c1,,,1,2,3/4/2015 5:08,three\r\n");
    struct collected c;
    assert_int_equal(collect_mem(csv, len, VG_FORMAT_AUTO, NULL, &c), VG_OK);
    free(csv);
    assert_int_equal(c.n_records, 4);
    assert_int_equal(c.n_rejects, 2);
    assert_string_equal(c.reasons[0], "line longer than the 67108864-byte limit");
    assert_int_equal(c.reject_lines[0], 3);
    assert_string_equal(c.reasons[1], "column tweets: line 5 inside the quoted field is longer "
                                      "than the 67108864-byte limit");
    assert_int_equal(c.reject_lines[1], 4);
    assert_int_equal(count_type(&c, VG_EV_POST), 2);
    assert_non_null(strstr(c.events[3], "\"text\":\"three\""));
    collected_free(&c);
}

static void post_ids_are_stable(void **state)
{
    (void)state;
    struct collected c;
    run(HEADER "A,a1,,,1,2,3/4/2015 5:06,same\r\n"
               "A,a1,,,9,9,3/4/2015 5:06,same\r\n"
               "A,a1,,,1,2,3/4/2015 5:06,other\r\n",
        &c);
    assert_int_equal(c.n_events, 6);
    const char *id1 = strstr(c.events[1], "\"id\":\"ft:");
    const char *id2 = strstr(c.events[3], "\"id\":\"ft:");
    const char *id3 = strstr(c.events[5], "\"id\":\"ft:");
    assert_non_null(id1);
    assert_non_null(id3);
    assert_memory_equal(id1, id2, 25); /* the counts are not part of the id */
    assert_memory_not_equal(id1, id3, 25);
    collected_free(&c);
}

/* ---- the real file ------------------------------------------------------------------------- */

/* Counts what comes out of the real file and keeps the events of a few rows, found by the line
 * the row starts on (username and time do not single out a row: 1,734 rows share both). */
struct real_rows {
    size_t records, rejects, accounts, posts, retweets, posts_with_mentions;

    struct {
        uint64_t line;
        char *account, *post;
    } want[4];
};

static vg_status real_sink(void *ud, const struct vg_record *rec)
{
    struct real_rows *r = ud;
    r->records++;
    if (rec->reason) {
        r->rejects++;
        return VG_OK;
    }
    for (size_t i = 0; i < rec->n_events; i++) {
        const struct vg_event *ev = &rec->events[i];
        if (ev->type == VG_EV_ACCOUNT)
            r->accounts++;
        if (ev->type != VG_EV_POST)
            continue;
        r->posts++;
        r->retweets += !strncmp(ev->u.post.text, "RT @", 4);
        r->posts_with_mentions += ev->u.post.mentions.n > 0;
    }
    for (size_t k = 0; k < 4; k++) {
        if (r->want[k].line != rec->line || rec->n_events != 2)
            continue;
        struct vg_buf b;
        vg_buf_init(&b, 1 << 20);
        assert_int_equal(vg__event_write_json(&rec->events[0], &b), VG_OK);
        r->want[k].account = vg_buf_take(&b);
        /* The post without its text. */
        struct vg_event post = rec->events[1];
        post.u.post.text = "";
        assert_int_equal(vg__event_write_json(&post, &b), VG_OK);
        r->want[k].post = vg_buf_take(&b);
    }
    return VG_OK;
}

static void real_file_reads_every_row(void **state)
{
    (void)state;
    struct real_rows r = {
        .want = { { .line = 2 }, { .line = 1352 }, { .line = 1527 }, { .line = 23193 } }
    };
    int fd = open(VG_SHARED_DATA "/isis-fanboy/tweets.csv", O_RDONLY);
    assert_true(fd >= 0);
    struct vg_input in;
    assert_int_equal(vg_input_open_fd(&in, fd, "tweets.csv", 0), VG_OK);
    struct vg_ingest_opts opts;
    vg_ingest_opts_init(&opts); /* format detected from the header */
    assert_int_equal(vg__ingest_run(&in, &opts, real_sink, &r), VG_OK);
    vg_input_close(&in);
    close(fd);

    /* 13,997 rows (SOURCE.md), every one read; 3,993 of them span lines. */
    assert_int_equal(r.records, 13997);
    assert_int_equal(r.rejects, 0);
    assert_int_equal(r.accounts, 13997);
    assert_int_equal(r.posts, 13997);
    assert_int_equal(r.retweets, 4821); /* "RT @x:" (one more tweet starts "RT " but is not) */
    assert_true(r.posts_with_mentions > 4821); /* every retweet mentions its source */

    /* The first row; the id pins the id scheme, which must never change. */
    assert_non_null(strstr(r.want[0].account, "{\"type\":\"account\",\"platform\":\"fifth-tribe\","
                                              "\"id\":\"u9ae1a6e052\",\"handle\":\"u9ae1a6e052\","
                                              "\"name\":\"u9ae1a6e052\",\"bio\":"));
    assert_non_null(strstr(r.want[0].account, "\"followers\":640,\"posts\":49,\"observed_at\":"
                                              "\"2015-01-06T21:07:00Z\"}"));
    assert_non_null(strstr(r.want[0].post, "\"id\":\"ft:4279490353ac61ec\",\"account\":"
                                           "\"u9ae1a6e052\",\"created_at\":\"2015-01-06T21:07:"
                                           "00Z\""));
    /* A row whose tweet holds a lone CR; one whose tweet spans 14 lines; the last row. */
    assert_non_null(strstr(r.want[1].account, "\"id\":\"u7988cb0adc\""));
    assert_non_null(strstr(r.want[1].account, "\"followers\":2121,\"posts\":4992,\"observed_at\":"
                                              "\"2016-01-06T06:17:00Z\""));
    assert_non_null(strstr(r.want[2].account, "\"id\":\"ue79d25b991\""));
    assert_non_null(strstr(r.want[2].account, "\"followers\":24,\"posts\":144,\"observed_at\":"
                                              "\"2016-01-15T05:22:00Z\""));
    assert_non_null(strstr(r.want[2].post, "\"account\":\"ue79d25b991\",\"created_at\":"
                                           "\"2016-01-15T05:22:00Z\""));
    assert_non_null(strstr(r.want[3].account, "\"id\":\"u23cbf1133f\""));
    assert_non_null(strstr(r.want[3].account, "\"followers\":1482,\"posts\":33091,\"observed_at\":"
                                              "\"2016-05-13T16:10:00Z\""));
    for (size_t k = 0; k < 4; k++) {
        vg_free(r.want[k].account);
        vg_free(r.want[k].post);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rows_map_to_account_and_post),
        cmocka_unit_test(bom_lf_blank_lines_and_repeated_header),
        cmocka_unit_test(empty_input_and_header_only),
        cmocka_unit_test(wrong_or_missing_header_rejects_every_row),
        cmocka_unit_test(column_counts_and_values_are_checked),
        cmocka_unit_test(stray_quotes_reject_one_row),
        cmocka_unit_test(unclosed_quote_at_the_end_keeps_the_rows_after_it),
        cmocka_unit_test(unclosed_quote_is_bounded_to_1000_lines),
        cmocka_unit_test(over_long_lines_reject_their_row),
        cmocka_unit_test(post_ids_are_stable),
        cmocka_unit_test(real_file_reads_every_row),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
