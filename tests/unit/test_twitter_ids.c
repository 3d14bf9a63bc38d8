/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_twitter_ids.c: the reader of v1.1 follower/friend id lists. No real id pages are in the
 * shared data, so every fixture is invented: the page shape of followers/ids and friends/ids, a
 * JSON array, bare ids one per line, and the ways these go wrong (no --owner, ids that lost
 * precision as JSON numbers, ids that are not ids).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ingest_test_util.h"

#define OWNER "4000000001"

/* Run s as twitter-ids (or `format`) with this owner, followers or friends. */
static vg_status run_ids(const char *s, enum vg_format format, const char *owner, int friends,
                         struct collected *c)
{
    struct vg_ingest_opts opts;
    vg_ingest_opts_init(&opts);
    opts.format = format;
    opts.owner = owner;
    opts.owner_is_friends = friends;
    return collect_mem_opts(s, strlen(s), &opts, c);
}

static const char page[] = "{\"ids\":[\"5000000001\",5000000002,\"9007199254740993\"],"
                           "\"next_cursor\":0,\"next_cursor_str\":\"0\","
                           "\"previous_cursor\":0,\"previous_cursor_str\":\"0\"}";

static void followers_page_gives_follows_of_the_owner(void **state)
{
    (void)state;
    struct collected c;
    assert_int_equal(run_ids(page, VG_FORMAT_AUTO, OWNER, 0, &c), VG_OK);
    assert_int_equal(c.n_records, 3);
    assert_int_equal(c.n_rejects, 0);
    assert_int_equal(count_type(&c, VG_EV_FOLLOW), 3);
    assert_int_equal(find_event(&c, "\"dst\":\"5000000001\""), -1);
    assert_string_equal(c.events[0], "{\"type\":\"follow\",\"platform\":\"twitter\","
                                     "\"src\":\"5000000001\",\"dst\":\"" OWNER "\"}");
    assert_string_equal(c.events[1], "{\"type\":\"follow\",\"platform\":\"twitter\","
                                     "\"src\":\"5000000002\",\"dst\":\"" OWNER "\"}");
    /* Past 2^53 as a string is fine: strings lose nothing. */
    assert_string_equal(c.events[2], "{\"type\":\"follow\",\"platform\":\"twitter\","
                                     "\"src\":\"9007199254740993\",\"dst\":\"" OWNER "\"}");
    collected_free(&c);
}

static void friends_page_gives_follows_by_the_owner(void **state)
{
    (void)state;
    struct collected c;
    assert_int_equal(run_ids(page, VG_FORMAT_TWITTER_IDS, OWNER, 1, &c), VG_OK);
    assert_int_equal(c.n_events, 3);
    assert_string_equal(c.events[0], "{\"type\":\"follow\",\"platform\":\"twitter\","
                                     "\"src\":\"" OWNER "\",\"dst\":\"5000000001\"}");
    collected_free(&c);
}

static void without_owner_every_id_is_rejected(void **state)
{
    (void)state;
    struct collected c;
    assert_int_equal(run_ids(page, VG_FORMAT_TWITTER_IDS, NULL, 0, &c), VG_OK);
    assert_int_equal(c.n_records, 3);
    assert_int_equal(c.n_rejects, 3);
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(c.reasons[i],
                            "follower-id page needs --owner ACCOUNT (whose followers these are)");
    collected_free(&c);

    assert_int_equal(run_ids(page, VG_FORMAT_TWITTER_IDS, "", 1, &c), VG_OK);
    assert_int_equal(c.n_rejects, 3);
    assert_string_equal(c.reasons[0], "friend-id page needs --owner ACCOUNT (who follows these)");
    collected_free(&c);

    assert_int_equal(run_ids(page, VG_FORMAT_TWITTER_IDS, "@someone", 0, &c), VG_OK);
    assert_int_equal(c.n_rejects, 3);
    assert_string_equal(c.reasons[0], "--owner must be the numeric account id, not a handle");
    collected_free(&c);
}

static void bad_ids_are_rejected_one_by_one(void **state)
{
    (void)state;
    const char in[] = "{\"ids\":[1234567890123456789,\"12a\",{\"id\":1},-4,2.5,\"\",7]}";
    struct collected c;
    assert_int_equal(run_ids(in, VG_FORMAT_TWITTER_IDS, OWNER, 0, &c), VG_OK);
    assert_int_equal(c.n_records, 7);
    assert_int_equal(c.n_rejects, 6);
    assert_string_equal(c.reasons[0],
                        "field ids[0]: id 1234567890123456768 is a number beyond 2^53 and has "
                        "lost precision; request the page with stringify_ids=true");
    assert_string_equal(c.reasons[1], "field ids[1]: \"12a\" is not a numeric account id");
    assert_string_equal(c.reasons[2], "field ids[2]: expected an account id, got object");
    assert_string_equal(c.reasons[3], "field ids[3]: -4 is not an account id");
    assert_string_equal(c.reasons[4], "field ids[4]: 2.5 is not an account id");
    assert_string_equal(c.reasons[5], "field ids[5]: \"\" is not a numeric account id");
    assert_string_equal(c.events[0], "{\"type\":\"follow\",\"platform\":\"twitter\","
                                     "\"src\":\"7\",\"dst\":\"" OWNER "\"}");
    collected_free(&c);
}

static void bare_ids_one_per_line(void **state)
{
    (void)state;
    /* `twarc followers` output: numbers; some tools quote them. */
    const char in[] = "5000000001\n\"5000000002\"\n\n5000000003\nnot-an-id\n";
    struct collected c;
    assert_int_equal(run_ids(in, VG_FORMAT_AUTO, OWNER, 0, &c), VG_OK);
    assert_int_equal(c.n_records, 4);
    assert_int_equal(c.n_events, 3);
    assert_int_equal(c.n_rejects, 1);
    assert_int_equal(c.reject_lines[0], 5);
    assert_non_null(strstr(c.reasons[0], "malformed JSON"));
    assert_string_equal(c.events[2], "{\"type\":\"follow\",\"platform\":\"twitter\","
                                     "\"src\":\"5000000003\",\"dst\":\"" OWNER "\"}");
    collected_free(&c);

    const char bad[] = "\"@handle\"\n";
    assert_int_equal(run_ids(bad, VG_FORMAT_TWITTER_IDS, OWNER, 0, &c), VG_OK);
    assert_int_equal(c.n_rejects, 1);
    assert_string_equal(c.reasons[0], "field id: \"@handle\" is not a numeric account id");
    collected_free(&c);
}

static void array_of_ids(void **state)
{
    (void)state;
    /* A bare array is too ambiguous to detect: it needs --format twitter-ids. */
    const char in[] = "[\"5000000001\", 5000000002]";
    struct collected c;
    assert_int_equal(run_ids(in, VG_FORMAT_TWITTER_IDS, OWNER, 1, &c), VG_OK);
    assert_int_equal(c.n_records, 2);
    assert_int_equal(c.n_events, 2);
    assert_string_equal(c.events[1], "{\"type\":\"follow\",\"platform\":\"twitter\","
                                     "\"src\":\"" OWNER "\",\"dst\":\"5000000002\"}");
    collected_free(&c);
}

static void pages_that_are_not_id_pages(void **state)
{
    (void)state;
    struct collected c;
    assert_int_equal(run_ids("{\"ids\":\"5000000001\"}", VG_FORMAT_TWITTER_IDS, OWNER, 0, &c),
                     VG_OK);
    assert_int_equal(c.n_rejects, 1);
    assert_string_equal(c.reasons[0], "field ids: expected an array, got string");
    collected_free(&c);
    assert_int_equal(run_ids("{\"users\":[]}", VG_FORMAT_TWITTER_IDS, OWNER, 0, &c), VG_OK);
    assert_int_equal(c.n_rejects, 1);
    assert_string_equal(c.reasons[0], "expected a follower/friend id page {\"ids\":[...]}, an "
                                      "array of ids or one id per line, got an object without "
                                      "ids");
    collected_free(&c);
    /* A real v2 users page forced as twitter-ids is one rejected record, not misread. */
    assert_int_equal(collect_file(VG_SHARED_DATA "/twitter-api-json/v2-twarc-csv-test-data/"
                                                 "users.jsonl",
                                  VG_FORMAT_TWITTER_IDS, &c),
                     VG_OK);
    assert_int_equal(c.n_records, 1);
    assert_int_equal(c.n_events, 0);
    assert_string_equal(c.reasons[0], "expected a follower/friend id page {\"ids\":[...]}, an "
                                      "array of ids or one id per line, got an object without "
                                      "ids");
    collected_free(&c);
    /* An empty page holds no record. */
    assert_int_equal(run_ids("{\"ids\":[],\"next_cursor\":0}", VG_FORMAT_TWITTER_IDS, OWNER, 0, &c),
                     VG_OK);
    assert_int_equal(c.n_records, 0);
    collected_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(followers_page_gives_follows_of_the_owner),
        cmocka_unit_test(friends_page_gives_follows_by_the_owner),
        cmocka_unit_test(without_owner_every_id_is_rejected),
        cmocka_unit_test(bad_ids_are_rejected_one_by_one),
        cmocka_unit_test(bare_ids_one_per_line),
        cmocka_unit_test(array_of_ids),
        cmocka_unit_test(pages_that_are_not_id_pages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
