/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_twitter_v1.c: the Twitter API v1.1 reader. Real data (read at run time from
 * VG_SHARED_DATA): the eight v1.1 sample tweets, one per shape, and whole gzip'd files of the
 * about-isis-2017 set. Invented fixtures (made-up ids and profiles) cover what the real files do
 * not: stream control messages, broken fields, limits, nesting bounds, pages and arrays.
 *
 * Note: the about-isis-2017 texts contain violent propaganda; no text or profile from them is
 * copied here, only ids, counts and hashtags.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ingest_test_util.h"
#include "ingest_twitter_int.h"

#define SAMPLES    VG_SHARED_DATA "/twitter-api-json/v1.1-samples/"
#define ABOUT_ISIS VG_SHARED_DATA "/about-isis-2017/"

/* ---- helpers -------------------------------------------------------------------------------- */

static vg_status run(const char *s, struct collected *c)
{
    return collect_mem(s, strlen(s), VG_FORMAT_TWITTER_V1, NULL, c);
}

/* Run s, expect exactly one rejected record, and check its reason. */
#define expect_reject(s, reason) expect_one_reject((s), VG_FORMAT_TWITTER_V1, (reason))

/* An invented tweet: ids, names and texts are made up. */
#define USER_A                                                                                     \
    "\"user\":{\"id_str\":\"2000000001\",\"id\":2000000001,\"screen_name\":\"sample_author\","     \
    "\"name\":\"Sample Author\",\"description\":\"an invented profile & nothing more\","           \
    "\"created_at\":\"Sun Jan 01 00:00:00 +0000 2012\",\"followers_count\":10,"                    \
    "\"friends_count\":20,\"statuses_count\":30,"                                                  \
    "\"profile_image_url_https\":\"https://img.example/a.jpg\"}"
#define USER_B "\"user\":{\"id_str\":\"2000000002\",\"screen_name\":\"other_author\"}"
#define USER_C "\"user\":{\"id_str\":\"2000000003\",\"screen_name\":\"third_author\"}"
#define WHEN   "\"created_at\":\"Mon Jan 02 10:00:00 +0000 2017\""
#define WHEN0  "\"created_at\":\"Sun Jan 01 09:00:00 +0000 2017\""

static const char plain_tweet[] =
        "{\"id_str\":\"1000000000000000001\",\"id\":1000000000000000001," WHEN
        ",\"text\":\"fish &amp; chips &lt;3 #Lunch @friend_one https://t.co/x\",\"lang\":\"en\","
        "\"in_reply_to_status_id_str\":\"1000000000000000000\","
        "\"entities\":{\"hashtags\":[{\"text\":\"Lunch\",\"indices\":[25,31]}],"
        "\"user_mentions\":[{\"screen_name\":\"friend_one\",\"id_str\":\"3000000001\"}],"
        "\"urls\":[{\"url\":\"https://t.co/x\",\"expanded_url\":\"https://example.org/"
        "menu\"}]}," USER_A "}";

/* ---- real data: the eight v1.1 shapes ------------------------------------------------------- */

struct shape {
    const char *file;
    size_t posts, accounts;
    const char *id;     /* the record's own tweet */
    const char *needle; /* in that post's JSON */
};

static void every_v11_sample_shape_reads(void **state)
{
    (void)state;
    static const struct shape shapes[] = {
        { "plain_864866110189043712.json", 1, 1, "864866110189043712",
          "\"account\":\"376231288\",\"created_at\":\"2017-05-17T15:32:03Z\"" },
        { "reply_864866012595965952.json", 1, 1, "864866012595965952",
          "\"reply_to\":\"864863560375160834\"" },
        { "retweet_864866244360646656.json", 2, 2, "864866244360646656",
          "\"repost_of\":\"864774809753985025\"" },
        { "quote_864868173148979201.json", 2, 2, "864868173148979201",
          "\"quote_of\":\"864785085781901312\"" },
        { "media_864865986582851585.json", 1, 1, "864865986582851585",
          "\"media\":[{\"type\":\"photo\",\"id\":\"864865984821243904\",\"url\":\"https://"
          "pbs.twimg.com/media/DACfB-uWsAA7iYM.jpg\"}]" },
        { "truncated_864867766880395264.json", 1, 1, "864867766880395264",
          "\"hashtags\":[\"GotS7\",\"GameofThrones\"]" },
        { "arabic_832343462150275074.json", 1, 1, "832343462150275074", "\"lang\":\"ar\"" },
        /* A retweet of the author's own tweet: one account. */
        { "french_832336150551547909.json", 2, 1, "832336150551547909",
          "\"repost_of\":\"819280581188059137\"" },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(shapes); i++) {
        char path[512];
        snprintf(path, sizeof(path), "%s%s", SAMPLES, shapes[i].file);
        struct collected c;
        assert_int_equal(collect_file(path, VG_FORMAT_AUTO, &c), VG_OK);
        assert_int_equal(c.n_records, 1);
        assert_int_equal(c.n_rejects, 0);
        assert_int_equal(count_type(&c, VG_EV_POST), shapes[i].posts);
        assert_int_equal(count_type(&c, VG_EV_ACCOUNT), shapes[i].accounts);
        /* The record's own tweet comes first. */
        assert_int_equal(c.event_types[0], VG_EV_POST);
        assert_ptr_equal(twitter_event_of(&c, "post", shapes[i].id), c.events[0]);
        assert_contains(c.events[0], shapes[i].needle);
        collected_free(&c);
    }
}

static void retweet_sample_links_both_posts_and_authors(void **state)
{
    (void)state;
    struct collected c;
    assert_int_equal(
            collect_file(SAMPLES "retweet_864866244360646656.json", VG_FORMAT_TWITTER_V1, &c),
            VG_OK);
    const char *rt = twitter_event_of(&c, "post", "864866244360646656");
    const char *orig = twitter_event_of(&c, "post", "864774809753985025");
    assert_contains(rt, "\"account\":\"536640820\"");
    assert_contains(rt, "\"lang\":\"es\"");
    assert_contains(rt, "\"hashtags\":[\"GameOfThrones\",\"S7\"]");
    assert_contains(orig, "\"account\":\"3009857200\"");
    assert_contains(orig, "\"type\":\"animated_gif\",\"id\":\"864774792255287296\"");
    /* Both profiles are dated by the retweet: that is when Twitter serialised them. */
    assert_contains(twitter_event_of(&c, "account", "3009857200"),
                    "\"observed_at\":\"2017-05-17T15:32:35Z\"");
    assert_contains(twitter_event_of(&c, "account", "536640820"),
                    "\"observed_at\":\"2017-05-17T15:32:35Z\"");
    collected_free(&c);
}

static void sample_text_is_html_unescaped(void **state)
{
    (void)state;
    struct collected c;
    assert_int_equal(
            collect_file(SAMPLES "french_832336150551547909.json", VG_FORMAT_TWITTER_V1, &c),
            VG_OK);
    const char *rt = twitter_event_of(&c, "post", "832336150551547909");
    /* The source text has " &amp; "; the post has what readers saw, and no event keeps the
     * escaped form. */
    assert_int_equal(find_event(&c, "&amp;"), -1);
    assert_contains(rt, " & ");
    assert_lacks(rt, "&amp;");
    assert_contains(rt, "\"lang\":\"fr\"");
    assert_contains(rt, "\"hashtags\":[\"PKK\",\"Daech\",\"AlNusra\",\"AlQaida\"]");
    assert_contains(twitter_event_of(&c, "post", "819280581188059137"),
                    "\"reply_to\":\"819280112852041728\"");
    collected_free(&c);
}

static void arabic_sample_keeps_its_hashtags(void **state)
{
    (void)state;
    struct collected c;
    assert_int_equal(
            collect_file(SAMPLES "arabic_832343462150275074.json", VG_FORMAT_TWITTER_V1, &c),
            VG_OK);
    const char *p = twitter_event_of(&c, "post", "832343462150275074");
    assert_contains(p, "\"hashtags\":[\"مدينة_الباب\",");
    assert_contains(p, "\"IslamicState\",\"syria\",\"Turkey\",\"تركيا\"]");
    assert_contains(p, "\"account\":\"832341072475017216\"");
    collected_free(&c);
}

/* ---- real data: whole about-isis-2017 files (gzip) ------------------------------------------ */

/* A sink that counts, and keeps the events of the records whose own tweet is watched. */
struct watched {
    const char *id;
    char *events[16];
    size_t n;
};

struct tally {
    uint64_t records, rejects, by_type[VG_EV__COUNT], posts_without_lang;
    struct watched *watch;
    size_t n_watch;
};

static vg_status tally_record(void *ud, const struct vg_record *rec)
{
    struct tally *t = ud;
    t->records++;
    if (rec->reason) {
        t->rejects++;
        return VG_OK;
    }
    for (size_t i = 0; i < rec->n_events; i++) {
        t->by_type[rec->events[i].type]++;
        if (rec->events[i].type == VG_EV_POST && !rec->events[i].u.post.lang)
            t->posts_without_lang++;
    }
    for (size_t w = 0; w < t->n_watch; w++) {
        struct watched *wt = &t->watch[w];
        if (rec->events[0].type != VG_EV_POST || strcmp(rec->events[0].u.post.id, wt->id))
            continue;
        for (size_t i = 0; i < rec->n_events && wt->n < 16; i++) {
            struct vg_buf b;
            vg_buf_init(&b, 1u << 20);
            assert_int_equal(vg__event_write_json(&rec->events[i], &b), VG_OK);
            wt->events[wt->n++] = vg_buf_take(&b);
        }
    }
    return VG_OK;
}

static vg_status tally_file(const char *path, struct tally *t)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return VG_ENOENT;
    struct vg_input in;
    vg_status rc = vg_input_open_fd(&in, fd, path, 0);
    struct vg_ingest_opts opts;
    vg_ingest_opts_init(&opts);
    if (rc == VG_OK) {
        rc = vg__ingest_run(&in, &opts, tally_record, t);
        vg_input_close(&in);
    }
    close(fd);
    return rc;
}

static void watched_free(struct watched *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < w[i].n; k++)
            vg_free(w[i].events[k]);
}

static void about_isis_test_file_reads_whole(void **state)
{
    (void)state;
    struct watched watch[] = {
        { .id = "864874233796722688" }, /* line 139: a retweet of a quote */
        { .id = "864874056771874816" }, /* line 135: lang "und" */
        { .id = "865547998708736000" }, /* the last line */
    };
    struct tally t = { .watch = watch, .n_watch = VG_ARRAY_LEN(watch) };
    assert_int_equal(tally_file(ABOUT_ISIS "topic-TEST.jsonl.gz", &t), VG_OK);
    /* 5,297 lines, one record each, none rejected. Posts: 5,297 tweets + 2,474 retweeted
     * originals + 128 quoted tweets (92 quoted directly, 36 inside a retweet). */
    assert_int_equal(t.records, 5297);
    assert_int_equal(t.rejects, 0);
    assert_int_equal(t.by_type[VG_EV_POST], 7899);
    assert_int_equal(t.by_type[VG_EV_ACCOUNT], 7835);
    assert_int_equal(t.by_type[VG_EV_DELETION], 0);

    /* The retweet of a quote: three posts and three authors in one record. */
    assert_int_equal(watch[0].n, 6);
    const char *rt = watch[0].events[0];
    assert_contains(rt, "\"account\":\"99138695483516165\"");
    assert_contains(rt, "\"repost_of\":\"864873298374643712\"");
    assert_lacks(rt, "quote_of"); /* the quote belongs to the retweeted post */
    assert_contains(rt, "\"hashtags\":[\"GameofThrones\",\"JoinTheNightsWatch\"]");
    assert_contains(watch[0].events[1], "{\"type\":\"account\",\"platform\":\"twitter\",\"id\":"
                                        "\"99138695483516165\"");
    assert_contains(watch[0].events[2], "\"id\":\"864873298374643712\",\"account\":"
                                        "\"612394829136903843\"");
    assert_contains(watch[0].events[2], "\"quote_of\":\"864415380252499969\"");
    assert_contains(watch[0].events[4], "\"id\":\"864415380252499969\",\"account\":"
                                        "\"113626522054990494\"");

    /* "und" leaves lang unset, for the text stage to identify. */
    assert_int_equal(watch[1].n, 2);
    assert_lacks(watch[1].events[0], "\"lang\"");
    assert_contains(watch[1].events[1], "\"id\":\"320421438485125200\"");

    assert_int_equal(watch[2].n, 2);
    assert_contains(watch[2].events[0], "\"lang\":\"tr\"");
    assert_contains(watch[2].events[0], "\"hashtags\":[\"GameOfThrones\"]");
    assert_contains(watch[2].events[1], "\"id\":\"619539775372158170\"");
    watched_free(watch, VG_ARRAY_LEN(watch));
}

static void about_isis_train_pro_file_reads_whole(void **state)
{
    (void)state;
    struct tally t = { 0 };
    assert_int_equal(tally_file(ABOUT_ISIS "topic-TRAIN-PRO.jsonl.gz", &t), VG_OK);
    assert_int_equal(t.records, 10282);
    assert_int_equal(t.rejects, 0);
    assert_int_equal(t.by_type[VG_EV_POST], 18341);
    assert_int_equal(t.by_type[VG_EV_ACCOUNT], 18218);
}

/* ---- invented: mapping ---------------------------------------------------------------------- */

static void plain_tweet_maps_every_field(void **state)
{
    (void)state;
    struct collected c;
    assert_int_equal(run(plain_tweet, &c), VG_OK);
    assert_int_equal(c.n_records, 1);
    assert_int_equal(c.n_events, 2);
    assert_string_equal(
            c.events[0],
            "{\"type\":\"post\",\"platform\":\"twitter\",\"id\":\"1000000000000000001\","
            "\"account\":\"2000000001\",\"created_at\":\"2017-01-02T10:00:00Z\","
            "\"text\":\"fish & chips <3 #Lunch @friend_one https://t.co/x\",\"lang\":\"en\","
            "\"reply_to\":\"1000000000000000000\",\"hashtags\":[\"Lunch\"],"
            "\"mentions\":[\"friend_one\"],\"urls\":[\"https://example.org/menu\"],\"media\":[]}");
    /* The bio is not HTML-escaped in v1.1 and is kept as given. */
    assert_string_equal(c.events[1],
                        "{\"type\":\"account\",\"platform\":\"twitter\",\"id\":\"2000000001\","
                        "\"handle\":\"sample_author\",\"name\":\"Sample Author\","
                        "\"bio\":\"an invented profile & nothing "
                        "more\",\"created_at\":\"2012-01-01T00:00:00Z\","
                        "\"followers\":10,\"following\":20,\"posts\":30,"
                        "\"avatar_url\":\"https://img.example/"
                        "a.jpg\",\"observed_at\":\"2017-01-02T10:00:00Z\"}");
    collected_free(&c);
}

static void extended_tweet_wins_over_text(void **state)
{
    (void)state;
    const char in[] =
            "{\"id_str\":\"1000000000000000002\"," WHEN ",\"truncated\":true,"
            "\"text\":\"short version\\u2026\",\"full_text\":\"not this either\","
            "\"entities\":{\"hashtags\":[{\"text\":\"Short\"}],\"media\":[{\"id_str\":\"5\","
            "\"type\":\"photo\",\"media_url_https\":\"https://img.example/5.jpg\"}]},"
            "\"extended_tweet\":{\"full_text\":\"the long version &gt; 280 #Long #Longer\","
            "\"entities\":{\"hashtags\":[{\"text\":\"Long\"},{\"text\":\"Longer\"}]},"
            "\"extended_entities\":{\"media\":[{\"id_str\":\"6\",\"type\":\"video\","
            "\"media_url\":\"http://img.example/6.jpg\"},{\"id\":7,\"type\":\"photo\","
            "\"media_url_https\":\"https://img.example/7.jpg\"}]}}," USER_B "}";
    struct collected c;
    assert_int_equal(run(in, &c), VG_OK);
    assert_int_equal(c.n_rejects, 0);
    assert_contains(c.events[0], "\"text\":\"the long version > 280 #Long #Longer\"");
    assert_contains(c.events[0], "\"hashtags\":[\"Long\",\"Longer\"]");
    assert_contains(c.events[0],
                    "\"media\":[{\"type\":\"video\",\"id\":\"6\",\"url\":\"http://img.example/"
                    "6.jpg\"},{\"type\":\"photo\",\"id\":\"7\",\"url\":\"https://img.example/"
                    "7.jpg\"}]");
    collected_free(&c);

    const char full[] =
            "{\"id_str\":\"1000000000000000003\"," WHEN
            ",\"text\":\"compat\",\"full_text\":\"extended mode\",\"lang\":\"und\"," USER_B "}";
    assert_int_equal(run(full, &c), VG_OK);
    assert_contains(c.events[0], "\"text\":\"extended mode\"");
    assert_lacks(c.events[0], "\"lang\"");
    collected_free(&c);
}

static void retweet_of_quote_reads_three_posts_once(void **state)
{
    (void)state;
    /* As v1.1 writes it: the quote is embedded in the retweeted tweet, and the retweet repeats the
     * quoted id (and sometimes the quoted tweet) at its top level. */
    const char in[] =
            "{\"id_str\":\"1000000000000000030\"," WHEN ",\"text\":\"RT @other_author: look\","
            "\"quoted_status_id_str\":\"1000000000000000010\","
            "\"quoted_status\":{\"id_str\":\"1000000000000000010\"," WHEN0
            ",\"text\":\"quoted\"," USER_C "},"
            "\"retweeted_status\":{\"id_str\":\"1000000000000000020\"," WHEN0
            ",\"text\":\"look\",\"quoted_status_id_str\":\"1000000000000000010\","
            "\"quoted_status\":{\"id_str\":\"1000000000000000010\"," WHEN0
            ",\"text\":\"quoted\"," USER_C "}," USER_B "}," USER_A "}";
    struct collected c;
    assert_int_equal(run(in, &c), VG_OK);
    assert_int_equal(c.n_records, 1);
    assert_int_equal(count_type(&c, VG_EV_POST), 3);
    assert_int_equal(count_type(&c, VG_EV_ACCOUNT), 3);
    const char *rt = twitter_event_of(&c, "post", "1000000000000000030");
    assert_contains(rt, "\"repost_of\":\"1000000000000000020\"");
    assert_lacks(rt, "quote_of");
    assert_contains(twitter_event_of(&c, "post", "1000000000000000020"),
                    "\"account\":\"2000000002\",\"created_at\":\"2017-01-01T09:00:00Z\"");
    assert_contains(twitter_event_of(&c, "post", "1000000000000000020"),
                    "\"quote_of\":\"1000000000000000010\"");
    assert_contains(twitter_event_of(&c, "account", "2000000003"),
                    "\"observed_at\":\"2017-01-02T10:00:00Z\"");
    collected_free(&c);
}

static void embedded_tweets_stop_at_the_nesting_bound(void **state)
{
    (void)state;
    /* Six levels of quotes: levels 0..3 become posts; level 3 still names level 4 it quotes. */
    char in[4096] = "";
    for (int level = 0; level < 6; level++) {
        char part[256];
        snprintf(part, sizeof(part),
                 "{\"id_str\":\"%d\"," WHEN
                 ",\"text\":\"level %d\",\"quoted_status_id_str\":\"%d\"," USER_B
                 ",\"quoted_status\":",
                 100 + level, level, 101 + level);
        strcat(in, part);
    }
    strcat(in, "null");
    for (int level = 0; level < 6; level++)
        strcat(in, "}");
    struct collected c;
    assert_int_equal(run(in, &c), VG_OK);
    assert_int_equal(c.n_rejects, 0);
    assert_int_equal(count_type(&c, VG_EV_POST), VG_TW_NEST_MAX + 1);
    assert_int_equal(count_type(&c, VG_EV_ACCOUNT), 1);
    assert_contains(twitter_event_of(&c, "post", "103"), "\"quote_of\":\"104\"");
    assert_null(twitter_event_of(&c, "post", "104"));
    collected_free(&c);
}

static void small_numeric_ids_are_exact(void **state)
{
    (void)state;
    /* Below 2^53 a number is exact: invented ids from old exports stay readable. */
    const char in[] = "{\"id\":12345," WHEN ",\"text\":\"hi\",\"in_reply_to_status_id\":12344,"
                      "\"user\":{\"id\":678}}";
    struct collected c;
    assert_int_equal(run(in, &c), VG_OK);
    assert_int_equal(c.n_rejects, 0);
    assert_contains(c.events[0], "\"id\":\"12345\",\"account\":\"678\"");
    assert_contains(c.events[0], "\"reply_to\":\"12344\"");
    collected_free(&c);
}

static void url_without_expanded_url_keeps_the_link(void **state)
{
    (void)state;
    const char in[] =
            "{\"id_str\":\"9\"," WHEN ",\"text\":\"x\",\"entities\":{\"urls\":["
            "{\"url\":\"https://t.co/abc\",\"expanded_url\":null},"
            "{\"url\":\"https://t.co/def\",\"expanded_url\":\"https://example.net/\"}]}," USER_B
            "}";
    struct collected c;
    assert_int_equal(run(in, &c), VG_OK);
    assert_contains(c.events[0], "\"urls\":[\"https://t.co/abc\",\"https://example.net/\"]");
    collected_free(&c);
}

/* ---- invented: pages, arrays, stream messages ----------------------------------------------- */

static void search_page_items_are_records(void **state)
{
    (void)state;
    char in[4096];
    snprintf(in, sizeof(in),
             "{\"statuses\":[%s,{\"id_str\":\"7\",\"text\":\"no date\"," USER_B "},%s],"
             "\"search_metadata\":{\"count\":3}}",
             plain_tweet, plain_tweet);
    struct collected c;
    assert_int_equal(run(in, &c), VG_OK);
    assert_int_equal(c.n_records, 3);
    assert_int_equal(c.n_rejects, 1);
    assert_string_equal(c.reasons[0], "field created_at: missing (when the tweet was posted)");
    assert_int_equal(count_type(&c, VG_EV_POST), 2);
    collected_free(&c);

    /* Detected without --format. */
    assert_int_equal(collect_mem(in, strlen(in), VG_FORMAT_AUTO, NULL, &c), VG_OK);
    assert_int_equal(c.n_records, 3);
    collected_free(&c);
}

static void array_of_tweets_is_read_item_by_item(void **state)
{
    (void)state;
    char in[4096];
    snprintf(in, sizeof(in), "[%s, 42, %s]", plain_tweet, plain_tweet);
    struct collected c;
    assert_int_equal(collect_mem(in, strlen(in), VG_FORMAT_AUTO, NULL, &c), VG_OK);
    assert_int_equal(c.n_records, 3);
    assert_int_equal(c.n_rejects, 1);
    assert_string_equal(c.reasons[0], "expected a tweet object, got number");
    assert_int_equal(c.n_events, 4);
    collected_free(&c);
}

static void delete_notice_is_a_deletion(void **state)
{
    (void)state;
    const char in[] = "{\"delete\":{\"status\":{\"id\":1000000000000000001,"
                      "\"id_str\":\"1000000000000000001\",\"user_id\":2000000001,"
                      "\"user_id_str\":\"2000000001\"},\"timestamp_ms\":\"1483351200123\"}}";
    struct collected c;
    assert_int_equal(collect_mem(in, strlen(in), VG_FORMAT_AUTO, NULL, &c), VG_OK);
    assert_int_equal(c.n_records, 1);
    assert_int_equal(c.n_rejects, 0);
    assert_string_equal(c.events[0], "{\"type\":\"deletion\",\"platform\":\"twitter\","
                                     "\"target\":\"1000000000000000001\",\"target_type\":\"post\","
                                     "\"at\":\"2017-01-02T10:00:00Z\",\"reason\":\"deleted\"}");
    collected_free(&c);

    expect_reject("{\"delete\":{\"status\":{\"id_str\":\"1\",\"user_id_str\":\"2\"}}}",
                  "field delete.timestamp_ms: missing (when the tweet was deleted)");
    expect_reject("{\"delete\":{\"direct_message\":{\"id_str\":\"1\"},\"timestamp_ms\":\"1\"}}",
                  "not an activity record: direct-message deletion notice");
}

static void stream_control_messages_are_not_activity(void **state)
{
    (void)state;
    expect_reject("{\"limit\":{\"track\":42,\"timestamp_ms\":\"1483351200123\"}}",
                  "not an activity record: limit notice (tweets the stream did not deliver), a "
                  "stream control message");
    expect_reject("{\"scrub_geo\":{\"user_id_str\":\"2\",\"up_to_status_id_str\":\"9\"}}",
                  "not an activity record: scrub_geo notice (location data to remove), a stream "
                  "control message");
    expect_reject("{\"status_withheld\":{\"id_str\":\"9\",\"withheld_in_countries\":[\"DE\"]}}",
                  "not an activity record: status_withheld notice, a stream control message");
    expect_reject("{\"user_withheld\":{\"id_str\":\"2\",\"withheld_in_countries\":[\"DE\"]}}",
                  "not an activity record: user_withheld notice, a stream control message");
    expect_reject("{\"disconnect\":{\"code\":7,\"reason\":\"duplicate stream\"}}",
                  "not an activity record: disconnect notice, a stream control message");

    /* Detection picks v1.1 from these alone. */
    struct collected c;
    const char in[] = "{\"limit\":{\"track\":1}}\n{\"user_withheld\":{\"id_str\":\"2\"}}\n";
    assert_int_equal(collect_mem(in, strlen(in), VG_FORMAT_AUTO, NULL, &c), VG_OK);
    assert_int_equal(c.n_rejects, 2);
    assert_non_null(strstr(c.reasons[1], "user_withheld notice"));
    collected_free(&c);
}

/* ---- invented: broken records --------------------------------------------------------------- */

static void missing_user_is_rejected(void **state)
{
    (void)state;
    expect_reject("{\"id_str\":\"1\"," WHEN ",\"text\":\"x\"}",
                  "field user: missing (the tweet's author)");
    expect_reject("{\"id_str\":\"1\"," WHEN ",\"text\":\"x\",\"user\":\"2000000001\"}",
                  "field user: expected an object, got string");
    expect_reject("{\"id_str\":\"1\"," WHEN ",\"text\":\"x\",\"user\":{\"screen_name\":\"a\"}}",
                  "field user.id_str: missing (the author's account id)");
    expect_reject("{\"id_str\":\"1\"," WHEN ",\"text\":\"x\",\"retweeted_status\":{\"id_str\":"
                  "\"2\"," WHEN ",\"text\":\"y\",\"user\":{}}," USER_A "}",
                  "field retweeted_status.user.id_str: missing (the author's account id)");
}

static void bad_text_is_rejected(void **state)
{
    (void)state;
    expect_reject("{\"id_str\":\"1\"," WHEN ",\"text\":42," USER_A "}",
                  "field text: expected a string, got number");
    expect_reject("{\"id_str\":\"1\"," WHEN "," USER_A "}",
                  "field text: missing (a tweet has text, full_text or extended_tweet)");
    expect_reject("{\"id_str\":\"1\"," WHEN ",\"text\":\"bad \xC3\x28 byte\"," USER_A "}",
                  "field text: invalid UTF-8");
    expect_reject("{\"id_str\":\"1\"," WHEN ",\"text\":\"x\",\"extended_tweet\":[]," USER_A "}",
                  "field extended_tweet: expected an object, got array");
}

static void ids_past_2_53_as_numbers_are_rejected(void **state)
{
    (void)state;
    expect_reject("{\"id\":864866110189043712," WHEN ",\"text\":\"x\"," USER_A "}",
                  "field id: id 864866110189043712 is a number beyond 2^53 and has lost "
                  "precision; ids must be strings");
    expect_reject("{\"id_str\":\"1\"," WHEN ",\"text\":\"x\","
                  "\"user\":{\"id\":316240618623998792}}",
                  "field user.id: id 316240618623998784 is a number beyond 2^53 and has lost "
                  "precision; ids must be strings");
    expect_reject("{\"id_str\":\"1\"," WHEN ",\"text\":\"x\","
                  "\"quoted_status_id\":864785085781901312," USER_A "}",
                  "field quoted_status_id: id 864785085781901312 is a number beyond 2^53 and has "
                  "lost precision; ids must be strings");
}

static void bad_entities_are_rejected(void **state)
{
    (void)state;
    expect_reject("{\"id_str\":\"1\"," WHEN ",\"text\":\"x\",\"entities\":{\"hashtags\":"
                  "[{\"text\":\"ok\"},\"bare\"]}," USER_A "}",
                  "field entities.hashtags[1]: expected an object, got string");
    expect_reject("{\"id_str\":\"1\"," WHEN ",\"text\":\"x\",\"entities\":{\"user_mentions\":"
                  "[{\"screen_name\":7}]}," USER_A "}",
                  "field entities.user_mentions[0].screen_name: expected a string, got number");
    expect_reject("{\"id_str\":\"1\"," WHEN ",\"text\":\"x\",\"extended_entities\":{\"media\":"
                  "{}}," USER_A "}",
                  "field extended_entities.media: expected an array, got object");
}

static void hundred_thousand_hashtags_hit_the_limit(void **state)
{
    (void)state;
    size_t n = 100000;
    size_t cap = n * 32 + 1024;
    char *in = malloc(cap);
    size_t len = (size_t)snprintf(
            in, cap, "{\"id_str\":\"1\"," WHEN ",\"text\":\"x\",\"entities\":{\"hashtags\":[");
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(in + len, cap - len, "%s{\"text\":\"t%zu\"}", i ? "," : "", i);
    len += (size_t)snprintf(in + len, cap - len, "]}," USER_A "}");
    struct collected c;
    assert_int_equal(collect_mem(in, len, VG_FORMAT_TWITTER_V1, NULL, &c), VG_OK);
    assert_int_equal(c.n_records, 1);
    assert_int_equal(c.n_rejects, 1);
    assert_string_equal(c.reasons[0], "field entities.hashtags: more than 1000 items");
    collected_free(&c);
    free(in);
}

static void truncated_json_is_rejected_and_the_rest_lands(void **state)
{
    (void)state;
    char in[4096];
    int cut = 60;
    snprintf(in, sizeof(in), "%s\n%.*s\n%s\n", plain_tweet, cut, plain_tweet, plain_tweet);
    struct collected c;
    assert_int_equal(run(in, &c), VG_OK);
    assert_int_equal(c.n_records, 3);
    assert_int_equal(c.n_rejects, 1);
    assert_int_equal(c.reject_lines[0], 2);
    assert_string_equal(c.reasons[0], "malformed JSON: input ends inside a value (line 2)");
    assert_int_equal(count_type(&c, VG_EV_POST), 2);
    collected_free(&c);
}

static void other_json_is_rejected(void **state)
{
    (void)state;
    expect_reject("\"just a string\"",
                  "expected a v1.1 tweet object, an array of tweets or a search page "
                  "{\"statuses\":[...]}, got string");
    expect_reject("{\"hello\":\"world\"}", "field id_str: missing (the tweet id)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_v11_sample_shape_reads),
        cmocka_unit_test(retweet_sample_links_both_posts_and_authors),
        cmocka_unit_test(sample_text_is_html_unescaped),
        cmocka_unit_test(arabic_sample_keeps_its_hashtags),
        cmocka_unit_test(about_isis_test_file_reads_whole),
        cmocka_unit_test(about_isis_train_pro_file_reads_whole),
        cmocka_unit_test(plain_tweet_maps_every_field),
        cmocka_unit_test(extended_tweet_wins_over_text),
        cmocka_unit_test(retweet_of_quote_reads_three_posts_once),
        cmocka_unit_test(embedded_tweets_stop_at_the_nesting_bound),
        cmocka_unit_test(small_numeric_ids_are_exact),
        cmocka_unit_test(url_without_expanded_url_keeps_the_link),
        cmocka_unit_test(search_page_items_are_records),
        cmocka_unit_test(array_of_tweets_is_read_item_by_item),
        cmocka_unit_test(delete_notice_is_a_deletion),
        cmocka_unit_test(stream_control_messages_are_not_activity),
        cmocka_unit_test(missing_user_is_rejected),
        cmocka_unit_test(bad_text_is_rejected),
        cmocka_unit_test(ids_past_2_53_as_numbers_are_rejected),
        cmocka_unit_test(bad_entities_are_rejected),
        cmocka_unit_test(hundred_thousand_hashtags_hit_the_limit),
        cmocka_unit_test(truncated_json_is_rejected_and_the_rest_lands),
        cmocka_unit_test(other_json_is_rejected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
