/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_driver.c: the ingest driver and the native reader: splitting into documents, malformed
 * JSON, gzip (whole, concatenated, truncated), over-long lines, empty input, detection, field
 * errors, and the native write/read round trip.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <zlib.h>

#include "ingest_int.h"
#include "ingest_test_util.h"

#define P1                                                                                         \
    "{\"type\":\"post\",\"id\":\"1\",\"account\":\"a\",\"created_at\":\"2026-01-01T00:00:00Z\","   \
    "\"text\":\"one\"}"
#define P2                                                                                         \
    "{\"type\":\"post\",\"id\":\"2\",\"account\":\"a\",\"created_at\":\"2026-01-01T00:00:01Z\","   \
    "\"text\":\"two\"}"

static char *gzip_mem(const char *s, size_t len, size_t *out_len)
{
    z_stream zs;
    memset(&zs, 0, sizeof(zs));
    deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    size_t cap = deflateBound(&zs, len) + 64;
    char *out = malloc(cap);
    zs.next_in = (Bytef *)s;
    zs.avail_in = (uInt)len;
    zs.next_out = (Bytef *)out;
    zs.avail_out = (uInt)cap;
    deflate(&zs, Z_FINISH);
    *out_len = cap - zs.avail_out;
    deflateEnd(&zs);
    return out;
}

static void malformed_line_is_rejected_and_neighbours_land(void **state)
{
    (void)state;
    const char in[] = P1 "\n{\"type\":\"post\",\"id\":\"x\" oops}\n\n   \n" P2 "\r\n";
    struct collected c;
    assert_int_equal(collect_mem(in, sizeof(in) - 1, VG_FORMAT_AUTO, NULL, &c), VG_OK);
    assert_int_equal(c.n_records, 3); /* blank lines are not records */
    assert_int_equal(c.n_events, 2);
    assert_int_equal(c.n_rejects, 1);
    assert_string_equal(c.reasons[0], "malformed JSON at line 2 column 25 near \"oops}\"");
    assert_int_equal(c.reject_lines[0], 2);
    assert_non_null(strstr(c.events[1], "\"id\":\"2\""));
    collected_free(&c);
}

static void truncated_last_line_says_so(void **state)
{
    (void)state;
    const char in[] = P1 "\n{\"type\":\"post\",\"id\":\"2\"";
    struct collected c;
    assert_int_equal(collect_mem(in, sizeof(in) - 1, VG_FORMAT_NATIVE, NULL, &c), VG_OK);
    assert_int_equal(c.n_events, 1);
    assert_int_equal(c.n_rejects, 1);
    assert_string_equal(c.reasons[0], "malformed JSON: input ends inside a value (line 2)");
    collected_free(&c);
}

static void extra_data_after_value_is_rejected(void **state)
{
    (void)state;
    const char in[] = P1 " {}\n";
    struct collected c;
    assert_int_equal(collect_mem(in, sizeof(in) - 1, VG_FORMAT_NATIVE, NULL, &c), VG_OK);
    assert_int_equal(c.n_rejects, 1);
    assert_non_null(strstr(c.reasons[0], "malformed JSON at line 1 column"));
    collected_free(&c);
}

static void pretty_printed_document_is_one_record(void **state)
{
    (void)state;
    const char in[] =
            "{\n  \"type\": \"post\",\n  \"id\": \"9\",\n  \"account\": \"a\",\n"
            "  \"created_at\": \"2026-01-01T00:00:00Z\",\n  \"text\": \"multi\\nline\"\n}\n";
    struct collected c;
    assert_int_equal(collect_mem(in, sizeof(in) - 1, VG_FORMAT_AUTO, NULL, &c), VG_OK);
    assert_int_equal(c.n_records, 1);
    assert_int_equal(c.n_events, 1);
    assert_non_null(strstr(c.events[0], "\"text\":\"multi\\nline\""));
    collected_free(&c);
}

static void broken_pretty_document_falls_back_to_lines(void **state)
{
    (void)state;
    /* Starts like a document, never completes: its lines are tried one by one. */
    const char in[] = "{\n" P1 "\n" P2 "\n";
    struct collected c;
    assert_int_equal(collect_mem(in, sizeof(in) - 1, VG_FORMAT_NATIVE, NULL, &c), VG_OK);
    assert_int_equal(c.n_events, 2);
    assert_int_equal(c.n_rejects, 1); /* the lone "{" */
    collected_free(&c);
}

static void gzip_whole_concatenated_and_truncated(void **state)
{
    (void)state;
    const char a[] = P1 "\n";
    const char b[] = P2 "\n";
    size_t la, lb;
    char *ga = gzip_mem(a, sizeof(a) - 1, &la);
    char *gb = gzip_mem(b, sizeof(b) - 1, &lb);
    char *both = malloc(la + lb);
    memcpy(both, ga, la);
    memcpy(both + la, gb, lb);
    struct collected c;
    assert_int_equal(collect_mem(both, la + lb, VG_FORMAT_AUTO, NULL, &c), VG_OK);
    assert_int_equal(c.n_events, 2);
    assert_int_equal(c.n_rejects, 0);
    collected_free(&c);
    /* Cut inside the second member: the first member's record is kept, the damage reported. */
    assert_int_equal(collect_mem(both, la + lb / 2, VG_FORMAT_AUTO, NULL, &c), VG_EGZIP);
    assert_int_equal(c.n_events, 1);
    collected_free(&c);
    /* Cut inside the only member. */
    assert_int_equal(collect_mem(ga, la - 9, VG_FORMAT_AUTO, NULL, &c), VG_EGZIP);
    collected_free(&c);
    /* Corrupt bytes inside a member. */
    char *bad = malloc(la);
    memcpy(bad, ga, la);
    for (size_t i = 12; i < la - 8; i++)
        bad[i] ^= 0x5a;
    assert_int_equal(collect_mem(bad, la, VG_FORMAT_AUTO, NULL, &c), VG_EGZIP);
    collected_free(&c);
    free(bad);
    free(ga);
    free(gb);
    free(both);
}

static void over_long_line_is_rejected_and_reading_goes_on(void **state)
{
    (void)state;
    size_t big = VG_LINE_MAX + 10;
    size_t len = big + 2 * sizeof(P1) + 4;
    char *in = malloc(len);
    size_t pos = 0;
    memcpy(in + pos, P1 "\n", sizeof(P1));
    pos += sizeof(P1);
    memset(in + pos, 'x', big);
    pos += big;
    in[pos++] = '\n';
    memcpy(in + pos, P2 "\n", sizeof(P2));
    pos += sizeof(P2);
    struct collected c;
    assert_int_equal(collect_mem(in, pos, VG_FORMAT_NATIVE, NULL, &c), VG_OK);
    assert_int_equal(c.n_events, 2);
    assert_int_equal(c.n_rejects, 1);
    assert_string_equal(c.reasons[0], "line longer than the 67108864-byte limit");
    assert_int_equal(c.reject_lines[0], 2);
    collected_free(&c);
    free(in);
}

static void empty_input_has_no_records(void **state)
{
    (void)state;
    struct collected c;
    assert_int_equal(collect_mem("", 0, VG_FORMAT_AUTO, NULL, &c), VG_OK);
    assert_int_equal(c.n_records, 0);
    collected_free(&c);
    assert_int_equal(collect_mem("\n\n  \n", 5, VG_FORMAT_AUTO, NULL, &c), VG_OK);
    assert_int_equal(c.n_records, 0);
    collected_free(&c);
}

static void unknown_shape_is_rejected_in_auto_mode(void **state)
{
    (void)state;
    const char in[] = "{\"hello\":\"world\"}\n[1,2,3]\n";
    struct collected c;
    assert_int_equal(collect_mem(in, sizeof(in) - 1, VG_FORMAT_AUTO, NULL, &c), VG_OK);
    assert_int_equal(c.n_rejects, 2);
    assert_non_null(strstr(c.reasons[0], "unrecognised record"));
    collected_free(&c);
}

static void native_field_errors_name_the_field(void **state)
{
    (void)state;

    static const struct {
        const char *line, *reason;
    } cases[] = {
        { "{\"id\":\"1\"}", "field type: required, a string naming the event type" },
        { "{\"type\":\"tweet\"}", "field type: unknown event type \"tweet\"" },
        { "{\"type\":\"post\",\"id\":12345678901234567890,\"account\":\"a\","
          "\"created_at\":\"2026-01-01T00:00:00Z\",\"text\":\"t\"}",
          "field id: id 12345678901234567168 is a number beyond 2^53 and has lost precision; ids "
          "must be strings" },
        { "{\"type\":\"post\",\"id\":\"1\",\"account\":\"a\",\"created_at\":\"2026-01-01\","
          "\"text\":5}",
          "field text: expected a string, got number" },
        { "{\"type\":\"post\",\"id\":\"1\",\"created_at\":\"2026-01-01\",\"text\":\"t\"}",
          "post event: field account is required" },
        { "{\"type\":\"post\",\"id\":\"1\",\"account\":\"a\",\"created_at\":\"soon\",\"text\":"
          "\"\"}",
          "field created_at: \"soon\" is not a time" },
        { "{\"type\":\"post\",\"id\":\"1\",\"account\":\"a\",\"created_at\":\"2026-01-01\","
          "\"text\":\"\xC3\x28\"}",
          "field text: invalid UTF-8" },
        { "{\"type\":\"account\",\"id\":\"1\",\"followers\":-3,\"observed_at\":\"2026-01-01\"}",
          "field followers: expected a non-negative integer, got number" },
        { "{\"type\":\"follow\",\"src\":\"a\"}", "follow event: field dst is required" },
        { "{\"type\":\"deletion\",\"target\":\"p\",\"target_type\":\"photo\",\"at\":0}",
          "deletion event: field target_type must be \"post\" or \"account\"" },
        { "{\"type\":\"post\",\"id\":\"1\",\"account\":\"a\",\"created_at\":\"2026-01-01\","
          "\"text\":\"\",\"hashtags\":[\"ok\",7]}",
          "field hashtags[1]: expected a string" },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct collected c;
        assert_int_equal(
                collect_mem(cases[i].line, strlen(cases[i].line), VG_FORMAT_NATIVE, NULL, &c),
                VG_OK);
        assert_int_equal(c.n_rejects, 1);
        assert_string_equal(c.reasons[0], cases[i].reason);
        collected_free(&c);
    }
}

#define MEDIA_POST(media)                                                                          \
    "{\"type\":\"post\",\"id\":\"1\",\"account\":\"a\",\"created_at\":\"2026-01-01\","             \
    "\"text\":\"\",\"media\":[{\"type\":\"photo\"}," media "]}"
#define PDQ64 "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b23"

/* The hashes of a media object are checked one by one, and the rejection names the item. */
static void native_media_hash_errors_name_the_item(void **state)
{
    (void)state;

    static const struct {
        const char *line, *reason;
    } cases[] = {
        { MEDIA_POST("{\"type\":\"photo\",\"pdq\":\"f8f8\"}"),
          "field media[1].pdq: expected 64 hex digits, got 4 characters" },
        { MEDIA_POST("{\"pdq\":\"" PDQ64 "\",\"pdq_quality\":101}"),
          "field media[1].pdq_quality: 101 is over 100" },
        { MEDIA_POST("{\"pdq\":\"" PDQ64 "\",\"pdq_quality\":-1}"),
          "field media[1].pdq_quality: expected a non-negative integer, got number" },
        { MEDIA_POST("{\"pdq_quality\":80}"), "field media[1].pdq_quality: given without pdq" },
        { MEDIA_POST("{\"md5\":\"0123456789abcdef0123456789abcdeg\"}"),
          "field media[1].md5: 'g' at 31 is not a hex digit" },
        { MEDIA_POST("{\"sha256\":7}"), "field media[1].sha256: expected a string, got number" },
        { MEDIA_POST("{\"file\":\"../etc/passwd\"}"),
          "field media[1].file: must be a relative path without '..' components" },
        { MEDIA_POST("{\"file\":\"/etc/passwd\"}"),
          "field media[1].file: must be a relative path without '..' components" },
        { MEDIA_POST("{\"file\":\"a/../../b.png\"}"),
          "field media[1].file: must be a relative path without '..' components" },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct collected c;
        assert_int_equal(
                collect_mem(cases[i].line, strlen(cases[i].line), VG_FORMAT_NATIVE, NULL, &c),
                VG_OK);
        assert_int_equal(c.n_rejects, 1);
        assert_string_equal(c.reasons[0], cases[i].reason);
        collected_free(&c);
    }
    /* The records around a bad one land: read = accepted + rejected. */
    const char in[] = MEDIA_POST("{\"md5\":\"00\"}") "\n" MEDIA_POST(
            "{\"md5\":\"D41D8CD98F00B204E9800998ECF8427E\",\"file\":\"img/a b.png\"}") "\n";
    struct collected c;
    assert_int_equal(collect_mem(in, sizeof(in) - 1, VG_FORMAT_NATIVE, NULL, &c), VG_OK);
    assert_int_equal(c.n_records, 2);
    assert_int_equal(c.n_rejects, 1);
    assert_int_equal(c.reject_lines[0], 1);
    assert_int_equal(c.n_events, 1);
    /* Upper-case hex is kept in lower case. */
    assert_non_null(strstr(c.events[0], "{\"type\":\"other\",\"file\":\"img/a b.png\","
                                        "\"md5\":\"d41d8cd98f00b204e9800998ecf8427e\"}"));
    collected_free(&c);
}

#define AVATAR_ACCOUNT(fields)                                                                     \
    "{\"type\":\"account\",\"id\":\"a\",\"handle\":\"h\",\"observed_at\":"                         \
    "\"2026-01-01T00:00:00Z\"" fields "}"
#define ACCOUNT_EVENT(fields)                                                                      \
    "{\"type\":\"account\",\"id\":\"a\",\"handle\":\"h\"" fields                                   \
    ",\"observed_at\":\"2026-01-01T00:00:00Z\"}"

/* A profile's avatar hash is optional evidence: a malformed one is dropped (counted in the
 * record's n_dropped, logged naming the field) and the profile lands without it. */
static void native_avatar_hash_errors_drop_the_value(void **state)
{
    (void)state;
    static const char *const bad[] = {
        AVATAR_ACCOUNT(",\"avatar_pdq\":\"f8f8\""),
        AVATAR_ACCOUNT(",\"avatar_pdq\":\"" PDQ64 "\",\"avatar_pdq_quality\":101"),
        AVATAR_ACCOUNT(",\"avatar_pdq\":\"" PDQ64 "\",\"avatar_pdq_quality\":\"high\""),
        /* Beyond int's range: dropped like 101. Converting them to int before the range check
         * was undefined; x86 happened to give INT_MIN, which was dropped too, so only UBSan's
         * float-cast-overflow sees the difference (clang's undefined has it; the asan preset
         * adds it for gcc, whose undefined leaves it out). */
        AVATAR_ACCOUNT(",\"avatar_pdq\":\"" PDQ64 "\",\"avatar_pdq_quality\":3.3e47"),
        AVATAR_ACCOUNT(",\"avatar_pdq\":\"" PDQ64 "\",\"avatar_pdq_quality\":-3e300"),
        AVATAR_ACCOUNT(",\"avatar_pdq\":\"" PDQ64 "\",\"avatar_pdq_quality\":1e999"),
        AVATAR_ACCOUNT(",\"avatar_pdq\":\"" PDQ64 "\",\"avatar_pdq_quality\":-0.5"),
        AVATAR_ACCOUNT(",\"avatar_pdq\":7"),
        AVATAR_ACCOUNT(",\"avatar_pdq_quality\":80"),
        AVATAR_ACCOUNT(",\"avatar_pdq\":"
                       "\"f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b2z\""),
        AVATAR_ACCOUNT(",\"avatar_file\":\"../secret.png\""),
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct collected c;
        assert_int_equal(collect_mem(bad[i], strlen(bad[i]), VG_FORMAT_NATIVE, NULL, &c), VG_OK);
        assert_int_equal(c.n_rejects, 0);
        assert_int_equal(c.n_records, 1);
        assert_int_equal(c.n_dropped, 1);
        assert_int_equal(c.n_events, 1);
        assert_string_equal(c.events[0], ACCOUNT_EVENT(""));
        collected_free(&c);
    }
    /* Well formed: upper-case hex kept in lower case, the quality and the file with it. */
    const char good[] = AVATAR_ACCOUNT(
            ",\"avatar_pdq\":\"F8F8F0CEE0F4A84F06370A22038F63F0B36E2ED596621E1D33E6B39C4E9C9B23\","
            "\"avatar_pdq_quality\":0,\"avatar_file\":\"av/a.png\"");
    struct collected c;
    assert_int_equal(collect_mem(good, sizeof(good) - 1, VG_FORMAT_NATIVE, NULL, &c), VG_OK);
    assert_int_equal(c.n_dropped, 0);
    assert_string_equal(c.events[0],
                        ACCOUNT_EVENT(",\"avatar_pdq\":\"" PDQ64 "\",\"avatar_pdq_quality\":0,"
                                      "\"avatar_file\":\"av/a.png\""));
    collected_free(&c);
}

static void rejection_reasons_are_valid_utf8(void **state)
{
    (void)state;
    /* The type is quoted cut to 40 bytes, which splits the 21st two-byte character, and an
     * invalid byte is quoted as is: both become '?' so the reason stays valid UTF-8. */
    const char in[] = "{\"type\":\"\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"
                      "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9x\u00e9\"}\n"
                      "{\"type\":\"p\xffst\"}\n";
    struct collected c;
    assert_int_equal(collect_mem(in, sizeof(in) - 1, VG_FORMAT_NATIVE, NULL, &c), VG_OK);
    assert_int_equal(c.n_rejects, 2);
    assert_true(vg_utf8_valid(c.reasons[0], strlen(c.reasons[0])));
    assert_true(vg_utf8_valid(c.reasons[1], strlen(c.reasons[1])));
    assert_string_equal(c.reasons[1], "field type: unknown event type \"p?st\"");
    collected_free(&c);
}

static void native_round_trip(void **state)
{
    (void)state;
    const char in[] =
            "{\"type\":\"post\",\"platform\":\"x\",\"id\":\"7\",\"account\":\"a\","
            "\"created_at\":\"2026-02-03T04:05:06Z\",\"text\":\"\xD8\xA7\xD9\x84 \\\"q\\\"\","
            "\"lang\":\"ar\",\"reply_to\":\"6\",\"repost_of\":null,\"quote_of\":\"5\","
            "\"hashtags\":[\"h\"],\"mentions\":[\"m\"],\"urls\":[\"https://e.org/\"],"
            "\"media\":[{\"type\":\"photo\",\"id\":\"m1\",\"url\":\"https://e.org/i.jpg\"},"
            "{\"type\":\"photo\",\"pdq\":\"" PDQ64 "\",\"pdq_quality\":90,\"sha256\":\""
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"},"
            "{\"type\":\"video\",\"pdq\":\"" PDQ64 "\",\"md5\":"
            "\"d41d8cd98f00b204e9800998ecf8427e\",\"file\":\"v/1.mp4\"}]}\n"
            "{\"type\":\"account\",\"id\":\"a\",\"handle\":\"h\",\"name\":\"n\",\"bio\":\"b\","
            "\"created_at\":\"2020-01-01T00:00:00Z\",\"followers\":1,\"following\":2,\"posts\":3,"
            "\"avatar_url\":\"https://e.org/a.png\",\"observed_at\":\"2026-01-01T00:00:00Z\"}\n"
            "{\"type\":\"report\",\"id\":\"r\",\"reporter\":\"x\",\"target\":\"a\",\"posts\":["
            "\"7\"],"
            "\"reason\":\"spam\",\"at\":\"2026-01-02T00:00:00Z\"}\n";
    struct collected c1, c2;
    assert_int_equal(collect_mem(in, sizeof(in) - 1, VG_FORMAT_NATIVE, NULL, &c1), VG_OK);
    assert_int_equal(c1.n_events, 3);
    /* What the writer printed reads back to the same JSON. */
    struct vg_buf all;
    vg_buf_init(&all, 1 << 20);
    for (size_t i = 0; i < c1.n_events; i++) {
        vg_buf_puts(&all, c1.events[i]);
        vg_buf_putc(&all, '\n');
    }
    assert_int_equal(collect_mem(all.data, all.len, VG_FORMAT_AUTO, NULL, &c2), VG_OK);
    assert_int_equal(c2.n_events, 3);
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(c1.events[i], c2.events[i]);
    assert_string_equal(c1.events[0],
                        "{\"type\":\"post\",\"platform\":\"x\",\"id\":\"7\",\"account\":\"a\","
                        "\"created_at\":\"2026-02-03T04:05:06Z\",\"text\":\"\xD8\xA7\xD9\x84 "
                        "\\\"q\\\"\",\"lang\":\"ar\",\"reply_to\":\"6\",\"quote_of\":\"5\","
                        "\"hashtags\":[\"h\"],\"mentions\":[\"m\"],\"urls\":[\"https://e.org/\"],"
                        "\"media\":[{\"type\":\"photo\",\"id\":\"m1\",\"url\":"
                        "\"https://e.org/i.jpg\"},{\"type\":\"photo\",\"pdq\":\"" PDQ64
                        "\",\"pdq_quality\":90,\"sha256\":\"e3b0c44298fc1c149afbf4c8996fb924"
                        "27ae41e4649b934ca495991b7852b855\"},{\"type\":\"video\",\"file\":"
                        "\"v/1.mp4\",\"pdq\":\"" PDQ64 "\",\"md5\":"
                        "\"d41d8cd98f00b204e9800998ecf8427e\"}]}");
    vg_buf_release(&all);
    collected_free(&c1);
    collected_free(&c2);
}

static void format_detection_from_head(void **state)
{
    (void)state;
    assert_int_equal(vg_format_detect(P1, strlen(P1)), VG_FORMAT_NATIVE);
    const char csv[] =
            "name,username,description,location,followers,numberstatuses,time,tweets\r\n";
    assert_int_equal(vg_format_detect(csv, strlen(csv)), VG_FORMAT_FIFTH_TRIBE);
    const char ids[] = "{\"ids\":[1,2,3],\"next_cursor\":0}";
    assert_int_equal(vg_format_detect(ids, strlen(ids)), VG_FORMAT_TWITTER_IDS);
    const char v1[] = "{\"id_str\":\"1\",\"text\":\"t\",\"user\":{\"id_str\":\"2\"}}";
    assert_int_equal(vg_format_detect(v1, strlen(v1)), VG_FORMAT_TWITTER_V1);
    const char v2[] = "{\"data\":[{\"id\":\"1\",\"text\":\"t\",\"author_id\":\"2\"}]}";
    assert_int_equal(vg_format_detect(v2, strlen(v2)), VG_FORMAT_TWITTER_V2);
    const char ap[] = "{\"@context\":\"https://www.w3.org/ns/activitystreams\",\"type\":\"Flag\"}";
    assert_int_equal(vg_format_detect(ap, strlen(ap)), VG_FORMAT_ACTIVITYPUB);
    const char m[] = "[\n {\"id\":\"1\",\"uri\":\"u\",\"account\":{},\"content\":\"\","
                     "\"visibility\":\"public\"}\n]";
    assert_int_equal(vg_format_detect(m, strlen(m)), VG_FORMAT_MASTODON);
    assert_int_equal(vg_format_detect("hello", 5), VG_FORMAT_AUTO);
}

/* Field paths in error messages: where.key[index], cut to the buffer and always terminated. */
static void json_paths_are_built_and_cut_to_fit(void **state)
{
    (void)state;
    char b[32];
    assert_string_equal(vg_json_path(b, sizeof(b), "", "user", -1), "user");
    assert_string_equal(vg_json_path(b, sizeof(b), "retweeted_status", "user", -1),
                        "retweeted_status.user");
    assert_string_equal(vg_json_path(b, sizeof(b), "entities", "urls", 0), "entities.urls[0]");
    assert_string_equal(vg_json_path(b, sizeof(b), "a", "b", 9223372036854775807LL),
                        "a.b[9223372036854775807]");
    char small[8];
    assert_string_equal(vg_json_path(small, sizeof(small), "entities", "urls", 12), "entitie");
    assert_string_equal(vg_json_path(small, sizeof(small), "ab", "cd", 12), "ab.cd[1");
    char one[1] = { 'x' };
    assert_string_equal(vg_json_path(one, sizeof(one), "ab", "cd", -1), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(malformed_line_is_rejected_and_neighbours_land),
        cmocka_unit_test(truncated_last_line_says_so),
        cmocka_unit_test(extra_data_after_value_is_rejected),
        cmocka_unit_test(pretty_printed_document_is_one_record),
        cmocka_unit_test(broken_pretty_document_falls_back_to_lines),
        cmocka_unit_test(gzip_whole_concatenated_and_truncated),
        cmocka_unit_test(over_long_line_is_rejected_and_reading_goes_on),
        cmocka_unit_test(empty_input_has_no_records),
        cmocka_unit_test(unknown_shape_is_rejected_in_auto_mode),
        cmocka_unit_test(native_field_errors_name_the_field),
        cmocka_unit_test(native_media_hash_errors_name_the_item),
        cmocka_unit_test(native_avatar_hash_errors_drop_the_value),
        cmocka_unit_test(rejection_reasons_are_valid_utf8),
        cmocka_unit_test(native_round_trip),
        cmocka_unit_test(format_detection_from_head),
        cmocka_unit_test(json_paths_are_built_and_cut_to_fit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
