/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_twitter_v2.c: the X API v2 reader. Real data (read at run time from VG_SHARED_DATA): every
 * file of twarc-csv's test-data (search pages, stream lines with a broken one, flattened lines,
 * users, counts, lists, compliance). Invented fixtures (made-up ids and profiles) cover error-only
 * lines, empty pages, long posts, missing expansions, cycles, compliance actions and bad fields.
 *
 * The real figures below (records, events per file) were cross-checked by an independent join
 * of the same files in Python when the test was written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ingest_test_util.h"

#define V2 VG_SHARED_DATA "/twitter-api-json/v2-twarc-csv-test-data/"

/* ---- helpers -------------------------------------------------------------------------------- */

/* The position of that event, or -1. */
static long index_of(const struct collected *c, const char *type, const char *id)
{
    const char *ev = twitter_event_of(c, type, id);
    for (size_t i = 0; ev && i < c->n_events; i++)
        if (c->events[i] == ev)
            return (long)i;
    return -1;
}

static vg_status run(const char *s, struct collected *c)
{
    return collect_mem(s, strlen(s), VG_FORMAT_TWITTER_V2, NULL, c);
}

/* Run s, expect exactly one rejected record, and check its reason. */
#define expect_reject(s, reason) expect_one_reject((s), VG_FORMAT_TWITTER_V2, (reason))

/* Invented objects. */
#define TWEET(id, author, extra)                                                                   \
    "{\"id\":\"" id "\",\"author_id\":\"" author "\",\"created_at\":\"2022-03-04T05:06:07.000Z\"," \
    "\"text\":\"text of " id "\"" extra "}"
#define USER(id, extra)                                                                            \
    "{\"id\":\"" id "\",\"username\":\"user" id "\",\"name\":\"Invented " id "\","                 \
    "\"created_at\":\"2015-01-01T00:00:00.000Z\",\"public_metrics\":{\"followers_count\":1,"       \
    "\"following_count\":2,\"tweet_count\":3,\"listed_count\":4}" extra "}"
#define TWARC "\"__twarc\":{\"version\":\"2.0.0\",\"retrieved_at\":\"2022-03-05T00:00:00+00:00\"}"

/* ---- real data: every file ------------------------------------------------------------------ */

struct expect {
    const char *file;
    size_t records, rejects, posts, accounts, deletions;
};

static void every_twarc_test_file_reads(void **state)
{
    (void)state;
    static const struct expect files[] = {
        { "2sets.jsonl", 200, 0, 372, 371, 0 },
        { "brexit.jsonl", 100, 0, 194, 193, 0 },
        { "cashtags.jsonl", 1, 0, 1, 1, 0 },
        { "cotweet.jsonl", 1, 0, 1, 1, 0 },
        { "counts.jsonl", 169, 169, 0, 0, 0 },
        { "edited.jsonl", 1, 0, 1, 1, 0 },
        { "edited_after.jsonl", 1, 0, 1, 1, 0 },
        { "edited_before.jsonl", 1, 0, 1, 1, 0 },
        { "entities_test.jsonl", 474, 0, 923, 913, 0 }, /* its 11 errors are not records */
        { "flat.jsonl", 100, 0, 194, 187, 0 },
        { "geo_tweets.jsonl", 2, 0, 3, 3, 0 },
        { "kpop.jsonl", 100, 0, 178, 178, 0 },
        { "lists.jsonl", 6, 6, 0, 0, 0 },
        { "many_urls.jsonl", 1, 0, 2, 1, 0 },
        { "media_policy_violation_off.jsonl", 100, 0, 164, 162, 0 },
        { "media_policy_violation_on.jsonl", 100, 0, 164, 162, 0 },
        { "media_tweet.jsonl", 1, 0, 1, 1, 0 },
        { "mentions_tweet.jsonl", 1, 0, 2, 2, 0 },
        { "noflat.jsonl", 100, 0, 194, 187, 0 },
        { "quoted_edit.jsonl", 1, 0, 3, 2, 0 },
        { "streaming_output_with_error.jsonl", 8, 1, 11, 11, 0 },
        { "tweets_compliance.jsonl", 2, 0, 0, 0, 2 },
        { "two_tweets.jsonl", 1, 0, 2, 2, 0 },
        { "users.jsonl", 96, 0, 53, 96, 0 }, /* 53 pinned tweets join their users */
        { "users_compliance.jsonl", 2, 0, 0, 0, 2 },
        { "verified_type.jsonl", 1, 0, 1, 1, 0 },
        { "withheld.jsonl", 215, 0, 302, 294, 0 }, /* 6 authors withheld from includes */
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(files); i++) {
        char path[512];
        snprintf(path, sizeof(path), "%s%s", V2, files[i].file);
        struct collected c;
        /* Detection must pick v2 for every one of them. */
        assert_int_equal(collect_file(path, VG_FORMAT_AUTO, &c), VG_OK);
        if (c.n_records != files[i].records || c.n_rejects != files[i].rejects ||
            count_type(&c, VG_EV_POST) != files[i].posts ||
            count_type(&c, VG_EV_ACCOUNT) != files[i].accounts ||
            count_type(&c, VG_EV_DELETION) != files[i].deletions)
            fail_msg("%s: records %zu rejects %zu posts %zu accounts %zu deletions %zu",
                     files[i].file, c.n_records, c.n_rejects, count_type(&c, VG_EV_POST),
                     count_type(&c, VG_EV_ACCOUNT), count_type(&c, VG_EV_DELETION));
        collected_free(&c);
    }
}

static void brexit_page_joins_includes(void **state)
{
    (void)state;
    struct collected c;
    assert_int_equal(collect_file(V2 "brexit.jsonl", VG_FORMAT_TWITTER_V2, &c), VG_OK);

    /* A reply with a GIF: the media key joined with includes.media (preview picture), the
     * pic.twitter.com link left out of urls as v1.1 does. */
    const char *reply = twitter_event_of(&c, "post", "1440716745577140229");
    assert_contains(reply, "\"account\":\"870028999\",\"created_at\":\"2021-09-22T16:36:54Z\"");
    assert_contains(reply, "\"reply_to\":\"1440621713281093641\"");
    assert_contains(reply, "\"urls\":[],\"media\":[{\"type\":\"animated_gif\","
                           "\"id\":\"16_1440716736051830786\",\"url\":\"https://pbs.twimg.com/"
                           "tweet_video_thumb/");
    assert_contains(twitter_event_of(&c, "account", "870028999"),
                    "\"observed_at\":\"2021-09-22T16:36:54Z\"");
    assert_non_null(twitter_event_of(&c, "post", "1440621713281093641"));

    /* A retweet: the original from includes.tweets, with its own author and hashtags. */
    assert_contains(twitter_event_of(&c, "post", "1440716856763977732"),
                    "\"repost_of\":\"1440713161355583489\"");
    const char *orig = twitter_event_of(&c, "post", "1440713161355583489");
    assert_contains(orig, "\"account\":\"711945679\"");
    assert_contains(orig, "\"UniversalCredit\",\"Brexit\",\"brexit\"");
    assert_non_null(twitter_event_of(&c, "account", "711945679"));

    /* v2 text is HTML-escaped too. */
    const char *amp = twitter_event_of(&c, "post", "1440716848299872269");
    assert_non_null(amp);
    assert_lacks(amp, "&amp;");
    assert_contains(amp, "&");
    collected_free(&c);
}

static void stream_file_keeps_lines_around_the_broken_one(void **state)
{
    (void)state;
    struct collected c;
    assert_int_equal(collect_file(V2 "streaming_output_with_error.jsonl", VG_FORMAT_AUTO, &c),
                     VG_OK);
    assert_int_equal(c.n_records, 8);
    assert_int_equal(c.n_rejects, 1);
    assert_int_equal(c.reject_lines[0], 8);
    assert_non_null(strstr(c.reasons[0], "malformed JSON"));
    /* Seven accepted records, in order, each with its own tweet. */
    static const char *const ids[] = { "1377650090978992134", "1377650093109743620",
                                       "1377650277642338305", "1377650387579248643",
                                       "1377650459033280516", "1377650500687044618",
                                       "1377650529766154240" };
    long last = -1;
    for (size_t i = 0; i < VG_ARRAY_LEN(ids); i++) {
        long at = index_of(&c, "post", ids[i]);
        assert_true(at > last);
        last = at;
    }
    assert_contains(twitter_event_of(&c, "post", "1377650090978992134"),
                    "\"quote_of\":\"1377640162566496258\"");
    assert_contains(twitter_event_of(&c, "post", "1377650500687044618"),
                    "\"account\":\"1164149377532907520\"");
    collected_free(&c);
}

static void users_page_dates_profiles_by_retrieval(void **state)
{
    (void)state;
    struct collected c;
    assert_int_equal(collect_file(V2 "users.jsonl", VG_FORMAT_AUTO, &c), VG_OK);
    const char *a = twitter_event_of(&c, "account", "119369819");
    assert_contains(a, "\"created_at\":\"2010-03-03T12:49:24Z\",\"followers\":580,"
                       "\"following\":518,\"posts\":55186");
    assert_contains(a, "\"observed_at\":\"2021-10-23T19:36:18Z\"}");
    /* The pinned tweet joins the user's record, right after the account. */
    long at = index_of(&c, "account", "119369819");
    assert_int_equal(at, 0);
    assert_int_equal(index_of(&c, "post", "1434874170039545862"), at + 1);
    assert_contains(c.events[at + 1], "\"account\":\"119369819\"");
    collected_free(&c);
}

static void compliance_lines_tell_tweets_from_accounts(void **state)
{
    (void)state;
    struct collected c;
    assert_int_equal(collect_file(V2 "tweets_compliance.jsonl", VG_FORMAT_AUTO, &c), VG_OK);
    assert_int_equal(c.n_events, 2);
    assert_string_equal(c.events[0], "{\"type\":\"deletion\",\"platform\":\"twitter\","
                                     "\"target\":\"1170025343920402432\",\"target_type\":\"post\","
                                     "\"at\":\"2019-09-06T17:25:54Z\",\"reason\":\"protected\"}");
    /* redacted_at, when given, dates the deletion. */
    assert_string_equal(c.events[1], "{\"type\":\"deletion\",\"platform\":\"twitter\","
                                     "\"target\":\"1170147183095664640\",\"target_type\":\"post\","
                                     "\"at\":\"2021-08-17T17:26:15Z\",\"reason\":\"deactivated\"}");
    collected_free(&c);

    assert_int_equal(collect_file(V2 "users_compliance.jsonl", VG_FORMAT_AUTO, &c), VG_OK);
    assert_int_equal(c.n_events, 2);
    assert_string_equal(c.events[0], "{\"type\":\"deletion\",\"platform\":\"twitter\","
                                     "\"target\":\"1482680858\",\"target_type\":\"account\","
                                     "\"at\":\"2013-06-04T16:25:04Z\",\"reason\":\"protected\"}");
    collected_free(&c);
}

static void counts_and_lists_are_not_activity(void **state)
{
    (void)state;
    struct collected c;
    assert_int_equal(collect_file(V2 "counts.jsonl", VG_FORMAT_AUTO, &c), VG_OK);
    assert_int_equal(c.n_rejects, 169);
    assert_string_equal(c.reasons[168], "not an activity record: tweet counts bucket");
    collected_free(&c);
    assert_int_equal(collect_file(V2 "lists.jsonl", VG_FORMAT_AUTO, &c), VG_OK);
    assert_int_equal(c.n_rejects, 6);
    assert_string_equal(c.reasons[5], "not an activity record: list");
    assert_int_equal(c.reject_lines[5], 2);
    collected_free(&c);
}

/* The flattened and the plain form of the same 100 tweets give the same events. */
static void flat_and_noflat_agree(void **state)
{
    (void)state;
    struct collected flat, noflat;
    assert_int_equal(collect_file(V2 "flat.jsonl", VG_FORMAT_AUTO, &flat), VG_OK);
    assert_int_equal(collect_file(V2 "noflat.jsonl", VG_FORMAT_AUTO, &noflat), VG_OK);
    assert_int_equal(flat.n_events, noflat.n_events);
    size_t same = 0;
    for (size_t i = 0; i < flat.n_events; i++)
        for (size_t k = 0; k < noflat.n_events; k++)
            if (!strcmp(flat.events[i], noflat.events[k])) {
                same++;
                break;
            }
    assert_int_equal(same, flat.n_events);
    assert_contains(twitter_event_of(&flat, "post", "1380242611781386245"),
                    "\"account\":\"1352661060663336960\"");
    assert_contains(twitter_event_of(&flat, "post", "1380242611781386245"),
                    "\"repost_of\":\"1380175475545362437\"");
    assert_non_null(twitter_event_of(&flat, "account", "2718660392"));
    collected_free(&flat);
    collected_free(&noflat);
}

static void withheld_author_leaves_the_post_alone(void **state)
{
    (void)state;
    struct collected c;
    assert_int_equal(collect_file(V2 "withheld.jsonl", VG_FORMAT_AUTO, &c), VG_OK);
    assert_contains(twitter_event_of(&c, "post", "1404393588541202433"),
                    "\"account\":\"1228027987439702016\"");
    assert_null(twitter_event_of(&c, "account", "1228027987439702016"));
    /* No event anywhere names that author as an account. */
    assert_int_equal(find_event(&c, "\"type\":\"account\",\"platform\":\"twitter\",\"id\":"
                                    "\"1228027987439702016\""),
                     -1);
    collected_free(&c);
}

/* ---- invented: pages and lines -------------------------------------------------------------- */

static void page_with_author_missing_from_includes(void **state)
{
    (void)state;
    const char in[] = "{\"data\":[" TWEET("11", "21", "") "," TWEET(
            "12", "22",
            "") "],"
                "\"includes\":{\"users\":[" USER("21", "") "]},"
                                                           "\"errors\":[{\"title\":\"Forbidden\","
                                                           "\"detail\":\"User has been suspended: "
                                                           "[user22].\"}]," TWARC "}";
    struct collected c;
    assert_int_equal(run(in, &c), VG_OK);
    assert_int_equal(c.n_records, 2); /* the error beside data is not a record */
    assert_int_equal(c.n_rejects, 0);
    assert_int_equal(count_type(&c, VG_EV_POST), 2);
    assert_int_equal(count_type(&c, VG_EV_ACCOUNT), 1);
    assert_string_equal(c.events[1],
                        "{\"type\":\"account\",\"platform\":\"twitter\",\"id\":\"21\","
                        "\"handle\":\"user21\",\"name\":\"Invented 21\","
                        "\"created_at\":\"2015-01-01T00:00:00Z\",\"followers\":1,\"following\":2,"
                        "\"posts\":3,\"observed_at\":\"2022-03-04T05:06:07Z\"}");
    assert_contains(twitter_event_of(&c, "post", "12"), "\"account\":\"22\"");
    assert_null(twitter_event_of(&c, "account", "22"));
    collected_free(&c);
}

static void empty_pages_hold_no_records(void **state)
{
    (void)state;
    struct collected c;
    const char in[] = "{\"data\":[],\"meta\":{\"result_count\":0}," TWARC "}\n"
                      "{\"meta\":{\"result_count\":0}}\n";
    assert_int_equal(collect_mem(in, strlen(in), VG_FORMAT_AUTO, NULL, &c), VG_OK);
    assert_int_equal(c.n_records, 0);
    assert_int_equal(c.n_rejects, 0);
    collected_free(&c);
}

static void error_only_line_is_one_rejected_record(void **state)
{
    (void)state;
    expect_reject(
            "{\"errors\":[{\"value\":\"5\",\"detail\":\"Could not find tweet with ids: [5].\","
            "\"title\":\"Not Found Error\",\"resource_type\":\"tweet\"},{\"title\":\"x\"}]}",
            "API error, no data: Not Found Error: Could not find tweet with ids: [5]. (and "
            "more errors)");
    expect_reject("{\"errors\":[{\"code\":88,\"message\":\"Rate limit exceeded\"}]}",
                  "API error, no data: Rate limit exceeded");
    /* Stream disconnects come the same way. */
    struct collected c;
    const char in[] = "{\"errors\":[{\"title\":\"operational-disconnect\",\"disconnect_type\":"
                      "\"UpstreamOperationalDisconnect\",\"detail\":\"This stream has been "
                      "disconnected upstream for operational reasons.\"}]}";
    assert_int_equal(collect_mem(in, strlen(in), VG_FORMAT_AUTO, NULL, &c), VG_OK);
    assert_int_equal(c.n_rejects, 1);
    assert_non_null(strstr(c.reasons[0], "operational-disconnect: This stream"));
    collected_free(&c);
}

static void stream_line_is_one_record(void **state)
{
    (void)state;
    const char in[] = "{\"data\":" TWEET(
            "31", "21",
            ",\"referenced_tweets\":[{\"type\":\"quoted\","
            "\"id\":\"32\"}]") ",\"includes\":{\"users\":[" USER("21",
                                                                 "") "],\"tweets\":[" TWEET("32",
                                                                                            "21",
                                                                                            "") "]}"
                                                                                                ","
                                                                                                "\""
                                                                                                "ma"
                                                                                                "tc"
                                                                                                "hi"
                                                                                                "ng"
                                                                                                "_r"
                                                                                                "ul"
                                                                                                "es"
                                                                                                "\""
                                                                                                ":["
                                                                                                "{"
                                                                                                "\""
                                                                                                "id"
                                                                                                "\""
                                                                                                ":"
                                                                                                "\""
                                                                                                "1"
                                                                                                "\""
                                                                                                ","
                                                                                                "\""
                                                                                                "ta"
                                                                                                "g"
                                                                                                "\""
                                                                                                ":"
                                                                                                "\""
                                                                                                "t"
                                                                                                "\""
                                                                                                "}]"
                                                                                                "}";
    struct collected c;
    assert_int_equal(collect_mem(in, strlen(in), VG_FORMAT_AUTO, NULL, &c), VG_OK);
    assert_int_equal(c.n_records, 1);
    assert_int_equal(count_type(&c, VG_EV_POST), 2);
    assert_int_equal(count_type(&c, VG_EV_ACCOUNT), 1); /* self-quote: one author */
    assert_contains(twitter_event_of(&c, "post", "31"), "\"quote_of\":\"32\"");
    collected_free(&c);
}

static void note_tweet_wins_over_text(void **state)
{
    (void)state;
    const char in[] = "{\"data\":[" TWEET(
            "41", "21",
            ",\"entities\":{\"hashtags\":[{\"tag\":\"Cut\"}]},\"note_tweet\":{\"text\":\"the whole "
            "long post &amp; more #Full\",\"entities\":{\"hashtags\":[{\"tag\":\"Full\"}],"
            "\"urls\":[{\"url\":\"https://t.co/a\",\"unwound_url\":\"https://example.org/x\"},"
            "{\"url\":\"https://t.co/b\",\"expanded_url\":\"https://example.org/y\","
            "\"unwound_url\":\"https://example.org/z\"},{\"url\":\"https://t.co/c\","
            "\"expanded_url\":\"https://twitter.com/u/status/41/photo/"
            "1\",\"media_key\":\"3_1\"}]}}") "]}";
    struct collected c;
    assert_int_equal(run(in, &c), VG_OK);
    assert_int_equal(c.n_rejects, 0);
    assert_contains(c.events[0], "\"text\":\"the whole long post & more #Full\"");
    assert_contains(c.events[0], "\"hashtags\":[\"Full\"]");
    assert_contains(c.events[0], "\"urls\":[\"https://example.org/x\",\"https://example.org/y\"]");
    collected_free(&c);
}

static void media_keys_join_includes_media(void **state)
{
    (void)state;
    const char in[] = "{\"data\":[" TWEET("51", "21",
                                          ",\"attachments\":{\"media_keys\":[\"3_1\",\"7_2\",\"3_"
                                          "9\"]}") "],"
                                                   "\"includes\":{\"media\":[{\"media_key\":\"3_"
                                                   "1\",\"type\":\"photo\","
                                                   "\"url\":\"https://img.example/"
                                                   "1.jpg\"},{\"media_key\":\"7_2\",\"type\":"
                                                   "\"video\",\"preview_image_url\":\"https://"
                                                   "img.example/2.jpg\"}]}}";
    struct collected c;
    assert_int_equal(run(in, &c), VG_OK);
    assert_int_equal(c.n_rejects, 0);
    /* A key the page does not include keeps its id alone. */
    assert_contains(c.events[0], "\"media\":[{\"type\":\"photo\",\"id\":\"3_1\",\"url\":"
                                 "\"https://img.example/1.jpg\"},{\"type\":\"video\",\"id\":"
                                 "\"7_2\",\"url\":\"https://img.example/2.jpg\"},{\"type\":"
                                 "\"other\",\"id\":\"3_9\"}]");
    collected_free(&c);
}

static void reference_cycles_end(void **state)
{
    (void)state;
    /* 61 retweets 62, which (in a corrupt page) quotes 61 and 63, which quotes 62. */
    const char in[] = "{\"data\":[" TWEET(
            "61", "21",
            ",\"referenced_tweets\":[{\"type\":"
            "\"retweeted\",\"id\":\"62\"}]") "],\"includes\":{\"tweets\":"
                                             "[" TWEET(
                                                     "62", "22",
                                                     ",\"referenced_tweets\":"
                                                     "[{\"type\":\"quoted\","
                                                     "\"id\":"
                                                     "\"61\"},{\"type\":"
                                                     "\"replied_to\",\"id\":"
                                                     "\"63\"}]") "," TWEET("6"
                                                                           "3",
                                                                           "2"
                                                                           "3",
                                                                           ","
                                                                           "\"referenced_tweets\":["
                                                                           "{\"type\":\"quoted\","
                                                                           "\"id\":"
                                                                           "\"62\"},{\"type\":"
                                                                           "\"bookmarked\",\"id\":"
                                                                           "\"64\"}]") "]}}";
    struct collected c;
    assert_int_equal(run(in, &c), VG_OK);
    assert_int_equal(c.n_rejects, 0);
    assert_int_equal(count_type(&c, VG_EV_POST), 3);
    assert_contains(twitter_event_of(&c, "post", "62"), "\"reply_to\":\"63\",\"quote_of\":\"61\"");
    assert_contains(twitter_event_of(&c, "post", "63"), "\"quote_of\":\"62\"");
    collected_free(&c);
}

static void referenced_tweets_per_record_are_bounded(void **state)
{
    (void)state;
    /* A crafted tweet referencing 40 included tweets: 16 are read, the rest stay ids. */
    char in[16384];
    size_t len = (size_t)snprintf(in, sizeof(in),
                                  "{\"data\":[{\"id\":\"1\",\"author_id\":"
                                  "\"2\",\"created_at\":\"2022-01-01T00:00:00Z\","
                                  "\"text\":\"x\",\"referenced_tweets\":[");
    for (int i = 0; i < 40; i++)
        len += (size_t)snprintf(in + len, sizeof(in) - len,
                                "%s{\"type\":\"quoted\",\"id\":"
                                "\"%d\"}",
                                i ? "," : "", 100 + i);
    len += (size_t)snprintf(in + len, sizeof(in) - len, "]}],\"includes\":{\"tweets\":[");
    for (int i = 0; i < 40; i++)
        len += (size_t)snprintf(in + len, sizeof(in) - len,
                                "%s{\"id\":\"%d\",\"author_id\":\"2\",\"created_at\":"
                                "\"2022-01-01T00:00:00Z\",\"text\":\"y\"}",
                                i ? "," : "", 100 + i);
    snprintf(in + len, sizeof(in) - len, "]}}");
    struct collected c;
    assert_int_equal(run(in, &c), VG_OK);
    assert_int_equal(c.n_rejects, 0);
    assert_int_equal(count_type(&c, VG_EV_POST), 1 + 16);
    assert_contains(c.events[0], "\"quote_of\":\"100\"");
    assert_non_null(twitter_event_of(&c, "post", "115"));
    assert_null(twitter_event_of(&c, "post", "116"));
    collected_free(&c);
}

static void users_page_without_twarc_uses_created_at(void **state)
{
    (void)state;
    const char in[] = "{\"data\":[" USER(
            "71", ",\"pinned_tweet_id\":\"72\"") ","
                                                 "{\"id\":\"73\",\"username\":\"undated\"}],"
                                                 "\"includes\":{\"tweets\":[" TWEET("72", "71",
                                                                                    "") "]}}";
    struct collected c;
    assert_int_equal(run(in, &c), VG_OK);
    assert_int_equal(c.n_records, 2);
    assert_int_equal(c.n_rejects, 1);
    assert_string_equal(c.reasons[0], "field created_at: missing (a profile is dated by "
                                      "__twarc.retrieved_at or its created_at)");
    assert_contains(twitter_event_of(&c, "account", "71"),
                    "\"observed_at\":\"2015-01-01T00:00:00Z\"");
    assert_contains(twitter_event_of(&c, "post", "72"), "\"account\":\"71\"");
    collected_free(&c);

    /* A flattened user line dates itself by its own __twarc. */
    const char flat[] = USER("74", "," TWARC);
    assert_int_equal(run(flat, &c), VG_OK);
    assert_contains(twitter_event_of(&c, "account", "74"),
                    "\"observed_at\":\"2022-03-05T00:00:00Z\"");
    collected_free(&c);
}

/* ---- invented: compliance ------------------------------------------------------------------- */

static void compliance_actions(void **state)
{
    (void)state;
    /* A tweet id made for 2020-01-01T00:00:00.123Z: its top 42 bits are the time in ms since
     * Twitter's epoch. */
    uint64_t ms = 1577836800123ULL - 1288834974657ULL;
    char id[32], in[512];
    snprintf(id, sizeof(id), "%llu", (unsigned long long)((ms << 22) | 4242));
    struct collected c;
    snprintf(in, sizeof(in),
             "{\"id\":\"%s\",\"action\":\"delete\",\"created_at\":\"2020-01-01T00:00:00.123Z\","
             "\"reason\":\"deleted\"}\n"
             "{\"id\":\"%s\",\"action\":\"delete\",\"created_at\":\"2020-01-01T00:00:00+00:00\","
             "\"reason\":\"suspended\"}\n"
             "{\"id\":\"123\",\"action\":\"suspend\",\"created_at\":\"2013-01-01T00:00:00Z\","
             "\"reason\":\"suspended\"}\n"
             "{\"id\":\"124\",\"action\":\"scrub_geo\",\"created_at\":\"2013-01-01T00:00:00Z\"}\n"
             "{\"id\":\"125\",\"action\":\"delete\"}\n",
             id, id);
    assert_int_equal(collect_mem(in, strlen(in), VG_FORMAT_AUTO, NULL, &c), VG_OK);
    assert_int_equal(c.n_records, 5);
    assert_int_equal(c.n_rejects, 2);
    assert_contains(c.events[0], "\"target_type\":\"post\",\"at\":\"2020-01-01T00:00:00Z\"");
    /* Same id, dated to the second: an account (with a snowflake id) in a users job. */
    assert_contains(c.events[1], "\"target_type\":\"account\"");
    assert_string_equal(c.events[2],
                        "{\"type\":\"suspension\",\"platform\":\"twitter\",\"account\":\"123\","
                        "\"at\":\"2013-01-01T00:00:00Z\",\"reason\":\"suspended\"}");
    assert_string_equal(c.reasons[0], "not an activity record: compliance action \"scrub_geo\"");
    assert_string_equal(c.reasons[1], "field created_at: missing (the line's only date)");
    collected_free(&c);
}

/* ---- invented: broken records --------------------------------------------------------------- */

static void bad_fields_are_rejected(void **state)
{
    (void)state;
    expect_reject(
            "{\"data\":[{\"id\":\"1\",\"text\":\"x\",\"created_at\":\"2022-01-01T00:00:00Z\"}]}",
            "field author_id: missing (request tweet.fields=author_id)");
    expect_reject("{\"data\":[{\"id\":\"1\",\"text\":\"x\",\"author_id\":\"2\"}]}",
                  "field created_at: missing (request tweet.fields=created_at)");
    expect_reject("{\"data\":[{\"id\":\"1\",\"author_id\":\"2\",\"created_at\":"
                  "\"2022-01-01T00:00:00Z\",\"text\":7}]}",
                  "field text: expected a string, got number");
    expect_reject("{\"data\":[{\"text\":\"no id\"}]}", "field id: missing (the tweet id)");
    expect_reject("{\"data\":[" TWEET("1", "2",
                                      ",\"referenced_tweets\":[{\"type\":\"quoted\","
                                      "\"id\":3}]") "]}",
                  "field referenced_tweets[0].id: expected a string, got number");
    expect_reject("{\"data\":[" TWEET("1", "2", ",\"attachments\":{\"media_keys\":[5]}") "]}",
                  "field attachments.media_keys[0]: expected a media key string");
    expect_reject("{\"data\":[" TWEET("1", "2", ",\"note_tweet\":{\"text\":[]}") "]}",
                  "field note_tweet.text: expected a string, got array");
    /* A referenced tweet's own fields are checked too. */
    expect_reject("{\"data\":[" TWEET("1", "2",
                                      ",\"referenced_tweets\":[{\"type\":\"quoted\","
                                      "\"id\":\"3\"}]") "],"
                                                        "\"includes\":{\"tweets\":[{\"id\":\"3\","
                                                        "\"author_id\":\"2\",\"text\":\"y\"}]}}",
                  "field referenced_tweets[0].created_at: missing (request "
                  "tweet.fields=created_at)");
    expect_reject(
            "{\"data\":[" TWEET("1", "2", "") "],\"includes\":{\"users\":[{\"id\":\"2\","
                                              "\"public_metrics\":{\"followers_count\":-5}}]}}",
            "field author.public_metrics.followers_count: expected a non-negative integer, "
            "got number");
}

static void items_that_are_not_tweets_or_users(void **state)
{
    (void)state;
    expect_reject("{\"data\":[42]}", "expected a tweet or user object, got number");
    expect_reject("{\"data\":[{\"id\":\"1\"}]}", "not a tweet (no text) nor a user (no username)");
    expect_reject("{\"data\":\"x\"}", "field data: expected an array or an object, got string");
    expect_reject("{\"something\":\"else\"}",
                  "not a v2 page (data, errors), tweet, user or compliance line");
    expect_reject("true", "expected a v2 response page or tweet object, got boolean");
}

static void invalid_utf8_in_text_is_rejected(void **state)
{
    (void)state;
    expect_reject("{\"data\":[{\"id\":\"1\",\"author_id\":\"2\",\"created_at\":"
                  "\"2022-01-01T00:00:00Z\",\"text\":\"bad \xF0\x28\x8C\x28\"}]}",
                  "field text: invalid UTF-8");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_twarc_test_file_reads),
        cmocka_unit_test(brexit_page_joins_includes),
        cmocka_unit_test(stream_file_keeps_lines_around_the_broken_one),
        cmocka_unit_test(users_page_dates_profiles_by_retrieval),
        cmocka_unit_test(compliance_lines_tell_tweets_from_accounts),
        cmocka_unit_test(counts_and_lists_are_not_activity),
        cmocka_unit_test(flat_and_noflat_agree),
        cmocka_unit_test(withheld_author_leaves_the_post_alone),
        cmocka_unit_test(page_with_author_missing_from_includes),
        cmocka_unit_test(empty_pages_hold_no_records),
        cmocka_unit_test(error_only_line_is_one_rejected_record),
        cmocka_unit_test(stream_line_is_one_record),
        cmocka_unit_test(note_tweet_wins_over_text),
        cmocka_unit_test(media_keys_join_includes_media),
        cmocka_unit_test(reference_cycles_end),
        cmocka_unit_test(referenced_tweets_per_record_are_bounded),
        cmocka_unit_test(users_page_without_twarc_uses_created_at),
        cmocka_unit_test(compliance_actions),
        cmocka_unit_test(bad_fields_are_rejected),
        cmocka_unit_test(items_that_are_not_tweets_or_users),
        cmocka_unit_test(invalid_utf8_in_text_is_rejected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
