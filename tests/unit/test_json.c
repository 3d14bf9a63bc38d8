/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_json.c: the driver's JSON parser (src/ingest/ingest_json.c): values of every type and
 * their links, escapes and surrogate pairs, numbers bit for bit as cJSON makes them, nesting at
 * and over the limit, malformed input with its error position, cut input, the arena (chunks,
 * long strings, reuse, limit, allocation failure), the driver's messages, and a list of inputs
 * compared with cJSON node by node (tests/fuzz/json_diff.h, shared with the fuzz target).
 */
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "../fuzz/json_diff.h"
#include "ingest_test_util.h"

static struct vg_arena arena;

static int setup(void **state)
{
    (void)state;
    vg_arena_init(&arena, VG_JSON_CHUNK, 1u << 30);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    vg_arena_release(&arena);
    return 0;
}

/* Parse a NUL-terminated input that must be valid. */
static cJSON *parse_ok(const char *s)
{
    cJSON *doc = NULL;
    size_t err_pos = 99;
    int incomplete = 99;
    vg_arena_reset(&arena);
    assert_int_equal(vg__json_parse(s, strlen(s), &arena, &doc, &err_pos, &incomplete), VG_OK);
    assert_non_null(doc);
    assert_int_equal(err_pos, 0);
    assert_int_equal(incomplete, 0);
    return doc;
}

/* Parse s[0..len) that must fail with VG_EPARSE at want_pos, cut short or not. */
static void parse_bad(const char *s, size_t len, size_t want_pos, int want_incomplete)
{
    cJSON *doc = (cJSON *)&arena; /* must be reset to NULL */
    size_t err_pos;
    int incomplete;
    vg_arena_reset(&arena);
    vg_status rc = vg__json_parse(s, len, &arena, &doc, &err_pos, &incomplete);
    if (rc != VG_EPARSE || err_pos != want_pos || incomplete != want_incomplete)
        fail_msg("input [%.*s]: rc %d at %zu incomplete %d; expected EPARSE at %zu incomplete %d",
                 (int)len, s, (int)rc, err_pos, incomplete, want_pos, want_incomplete);
    assert_null(doc);
}

static void expect_same_as_cjson(const char *s, size_t len)
{
    const char *why = json_diff_one(s, len, &arena);
    if (why)
        fail_msg("input [%.*s]: %s", (int)len, s, why);
}

static void values_of_every_type_and_their_links(void **state)
{
    (void)state;
    cJSON *doc = parse_ok(" {\"s\":\"x y\",\"n\":-12.5,\"t\":true,\"f\":false,\"z\":null,"
                          "\"a\":[1,\"two\",[]],\"o\":{}}\n");
    assert_int_equal(doc->type, cJSON_Object);
    assert_null(doc->string);
    assert_null(doc->next);
    assert_null(doc->prev);
    const char *keys[] = { "s", "n", "t", "f", "z", "a", "o" };
    const int types[] = { cJSON_String, cJSON_Number, cJSON_True,  cJSON_False,
                          cJSON_NULL,   cJSON_Array,  cJSON_Object };
    const cJSON *j = doc->child, *prev = NULL;
    for (size_t i = 0; i < VG_ARRAY_LEN(keys); i++, prev = j, j = j->next) {
        assert_non_null(j);
        assert_string_equal(j->string, keys[i]);
        assert_int_equal(j->type, types[i]);
        if (prev)
            assert_ptr_equal(j->prev, prev);
    }
    assert_null(j);
    /* cJSON's shortcut: the first child's prev is the last child. */
    assert_ptr_equal(doc->child->prev, prev);
    assert_string_equal(prev->string, "o");

    const cJSON *s = cJSON_GetObjectItemCaseSensitive(doc, "s");
    assert_true(cJSON_IsString(s));
    assert_string_equal(s->valuestring, "x y");
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(doc, "n");
    assert_true(n->valuedouble == -12.5);
    assert_int_equal(n->valueint, -12);
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(doc, "t")->valueint, 1);
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(doc, "f")->valueint, 0);
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(doc, "a");
    assert_int_equal(cJSON_GetArraySize(a), 3);
    assert_null(a->child->string); /* array items have no key */
    assert_string_equal(cJSON_GetArrayItem(a, 1)->valuestring, "two");
    assert_ptr_equal(a->child->prev, cJSON_GetArrayItem(a, 2));
    assert_null(cJSON_GetArrayItem(a, 2)->child); /* [] */
    assert_null(cJSON_GetObjectItemCaseSensitive(doc, "o")->child);

    /* The ingest helpers and cJSON's printer read it like a cJSON tree. */
    assert_ptr_equal(vg_json_get(doc, "s"), s);
    assert_null(vg_json_get(doc, "z")); /* null is missing for the helpers */
    char *printed = cJSON_PrintUnformatted(doc);
    assert_string_equal(printed, "{\"s\":\"x y\",\"n\":-12.5,\"t\":true,\"f\":false,\"z\":null,"
                                 "\"a\":[1,\"two\",[]],\"o\":{}}");
    cJSON_free(printed);

    /* A scalar alone is a document too; so is a lone child, its own last child. */
    assert_int_equal(parse_ok("\"alone\"")->type, cJSON_String);
    assert_true(parse_ok("7")->valuedouble == 7.0);
    cJSON *one = parse_ok("[42]");
    assert_ptr_equal(one->child->prev, one->child);
    assert_null(one->child->next);
}

static void duplicate_keys_are_all_kept_in_order(void **state)
{
    (void)state;
    cJSON *doc = parse_ok("{\"k\":1,\"k\":\"two\",\"k\":[3]}");
    assert_int_equal(cJSON_GetArraySize(doc), 3);
    assert_true(cJSON_IsNumber(doc->child));
    assert_true(cJSON_IsString(doc->child->next));
    assert_true(cJSON_IsArray(doc->child->next->next));
    /* Lookups find the first, as with cJSON. */
    assert_ptr_equal(cJSON_GetObjectItemCaseSensitive(doc, "k"), doc->child);
    expect_same_as_cjson("{\"k\":1,\"k\":\"two\",\"k\":[3]}", 23);
}

static void escapes_and_surrogate_pairs(void **state)
{
    (void)state;
    cJSON *doc = parse_ok("[\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\", \"\\u00e9\\u4E2D\\u0041\","
                          "\"\\ud83d\\ude00!\", \"\\uDBFF\\uDFFF\", \"x\\u0000y\", \"\\uZZZZ\","
                          "\"caf\\u00e9 plain \\/ mixed\"]");
    const char *want[] = {
        "a\"b\\c/d\b\f\n\r\t",
        "\xC3\xA9\xE4\xB8\xAD\x41", /* é 中 A */
        "\xF0\x9F\x98\x80!",
        "\xF4\x8F\xBF\xBF", /* U+10FFFF */
        "x",                /* \u0000 ends the C string, as in cJSON */
        "",                 /* cJSON reads "\u" with a non-hex digit as U+0000 */
        "caf\xC3\xA9 plain / mixed",
    };
    const cJSON *j = doc->child;
    for (size_t i = 0; i < VG_ARRAY_LEN(want); i++, j = j->next)
        assert_string_equal(j->valuestring, want[i]);
    assert_null(j);

    /* Keys are unescaped the same way. */
    cJSON *k = parse_ok("{\"\\u0041\\n\":1}");
    assert_string_equal(k->child->string, "A\n");

    /* Raw bytes pass through: control characters and invalid UTF-8 (the readers check). */
    const char raw[] = "[\"tab\there\x01\", \"\xFF\xC3(\"]";
    cJSON *r = parse_ok(raw);
    assert_string_equal(r->child->valuestring, "tab\there\x01");
    assert_string_equal(r->child->next->valuestring, "\xFF\xC3(");
    expect_same_as_cjson(raw, sizeof(raw) - 1);
}

static void bad_escapes_and_surrogates_are_errors_at_the_backslash(void **state)
{
    (void)state;

    static const struct {
        const char *in;
        size_t pos;
    } cases[] = {
        { "[\"ok\",\"ab\\x\"]", 9 },  /* unknown escape */
        { "\"\\ud800\"", 1 },         /* lone high surrogate */
        { "\"\\ud800x\\udc00\"", 1 }, /* high surrogate not followed by \u */
        { "\"\\ud800\\u0041\"", 1 },  /* high surrogate, then not a low one */
        { "\"\\ud800\\uZZZZ\"", 1 },  /* high surrogate, then not hex */
        { "\"ab\\udc00\"", 3 },       /* lone low surrogate */
        { "\"\\u12\"", 1 },           /* fewer than four digits before the quote */
        { "{\"k\\q\":1}", 3 },        /* in a key too */
        { "[\"\\ud83d\\ude00\", \"\\ude00\"]", 18 },
    };

    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        parse_bad(cases[i].in, strlen(cases[i].in), cases[i].pos, 0);
        expect_same_as_cjson(cases[i].in, strlen(cases[i].in));
    }
}

static void numbers_are_bit_identical_to_cjson(void **state)
{
    (void)state;
    static const char *const nums[] = {
        "0",
        "-0",
        "1",
        "-1",
        "42",
        "2147483646",
        "2147483647",
        "2147483648",
        "-2147483647",
        "-2147483648",
        "-2147483649",
        "123456789012345678",
        "-123456789012345678",
        "999999999999999999",
        "1234567890123456789",
        "9007199254740993",
        "18446744073709551616",
        "864866110189043712",
        "1.5",
        "-0.0",
        "0.1",
        "3.99",
        "-3.99",
        "1e5",
        "1E+5",
        "1e-5",
        "2.5e-3",
        "1e308",
        "1e309",
        "-1e309",
        "4.9e-324",
        "2e-324",
        "01",
        "-01",
        "1.",
        "-.5",
        "1.e5",
        "00000000000000000000000000000000000000000000000000000000000000000000001",
        "1234567890123456789012345678901234567890123456789012345678901234567890.5e-3",
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(nums); i++) {
        cJSON *doc = parse_ok(nums[i]);
        assert_int_equal(doc->type, cJSON_Number);
        double want = strtod(nums[i], NULL);
        assert_memory_equal(&doc->valuedouble, &want, sizeof(double));
        expect_same_as_cjson(nums[i], strlen(nums[i]));
    }
    /* 64-bit ids lose precision exactly as in cJSON: the nearest double. */
    cJSON *id = parse_ok("1234567890123456789");
    assert_true(id->valuedouble == 1234567890123456768.0);
    assert_int_equal(id->valueint, INT_MAX);
    assert_true(signbit(parse_ok("-0")->valuedouble));
    /* valueint saturates, and truncates toward zero. */
    assert_int_equal(parse_ok("2147483648")->valueint, INT_MAX);
    assert_int_equal(parse_ok("-2147483649")->valueint, INT_MIN);
    assert_int_equal(parse_ok("-2147483647")->valueint, -2147483647);
    assert_int_equal(parse_ok("1e309")->valueint, INT_MAX);
    assert_int_equal(parse_ok("-3.99")->valueint, -3);
    assert_true(isinf(parse_ok("-1e309")->valuedouble));
    /* In context, what follows the number is checked as cJSON does. */
    expect_same_as_cjson("[1,-2,3.5e2,0e0,-0.0e-0]", 24);
}

static void malformed_numbers_point_at_the_token_or_what_follows(void **state)
{
    (void)state;
    parse_bad("-", 1, 0, 0);
    parse_bad("[-]", 3, 1, 0);
    parse_bad("[+1]", 4, 1, 0);
    parse_bad("1e", 2, 1, 0);     /* 1, then "e" */
    parse_bad("[1e+]", 5, 2, 0);  /* strtod takes "1" only */
    parse_bad("[.5]", 4, 1, 0);   /* '.' does not start a number */
    parse_bad("[0x1F]", 6, 2, 0); /* 0, then 'x' */
    parse_bad("[--1]", 5, 1, 0);
    parse_bad("[1-2]", 5, 2, 0);
    parse_bad("[Infinity]", 10, 1, 0);
    parse_bad("[NaN]", 5, 1, 0);
    const char *const again[] = { "-", "[-]", "[+1]", "1e", "[1e+]", "[.5]", "[0x1F]", "[1-2]" };
    for (size_t i = 0; i < VG_ARRAY_LEN(again); i++)
        expect_same_as_cjson(again[i], strlen(again[i]));
}

static char *nested(size_t depth, const char *open, const char *inner, const char *close)
{
    size_t lo = strlen(open), li = strlen(inner), lc = strlen(close);
    char *s = malloc(depth * (lo + lc) + li + 1);
    char *p = s;
    for (size_t i = 0; i < depth; i++, p += lo)
        memcpy(p, open, lo);
    memcpy(p, inner, li);
    p += li;
    for (size_t i = 0; i < depth; i++, p += lc)
        memcpy(p, close, lc);
    *p = '\0';
    return s;
}

static void nesting_at_and_over_the_limit(void **state)
{
    (void)state;
    assert_int_equal(VG_JSON_DEPTH_MAX, 1000);
    char *ok = nested(1000, "[", "1", "]");
    cJSON *doc = parse_ok(ok);
    size_t depth = 0;
    for (const cJSON *j = doc; cJSON_IsArray(j); j = j->child)
        depth++;
    assert_int_equal(depth, 1000);
    expect_same_as_cjson(ok, strlen(ok));
    free(ok);

    /* One more: the error is at the bracket too deep; the input is whole, not cut. */
    char *over = nested(1001, "[", "", "]");
    parse_bad(over, strlen(over), 1000, 0);
    expect_same_as_cjson(over, strlen(over));
    free(over);

    char *objs = nested(1000, "{\"a\":", "0", "}");
    parse_ok(objs);
    expect_same_as_cjson(objs, strlen(objs));
    free(objs);
    char *objs_over = nested(1001, "{\"a\":", "0", "}");
    parse_bad(objs_over, strlen(objs_over), 5000, 0);
    expect_same_as_cjson(objs_over, strlen(objs_over));
    free(objs_over);

    /* Depth is counted along one path: siblings do not add up. */
    char *wide = malloc(1000 * 4 + 3);
    strcpy(wide, "[");
    for (int i = 0; i < 1000; i++)
        strcat(wide, i ? ",[1]" : "[1]");
    strcat(wide, "]");
    parse_ok(wide);
    free(wide);
}

static void malformed_input_points_at_the_offending_byte(void **state)
{
    (void)state;

    static const struct {
        const char *in;
        size_t pos;
        int incomplete;
    } cases[] = {
        { "{\"type\":\"post\",\"id\":\"x\" oops}", 24, 0 }, /* expected , or } */
        { "[1 2]", 3, 0 },
        { "[1,]", 3, 0 },
        { "[,1]", 1, 0 },
        { "{\"a\" 1}", 5, 0 },     /* missing colon */
        { "{\"a\":}", 5, 0 },      /* missing value */
        { "{\"a\":1,2:3}", 7, 0 }, /* a key that is not a string (cJSON: one byte later) */
        { "{\"a\":1,}", 7, 0 },
        { "{'a':1}", 1, 0 },
        { "[tru]", 1, 0 },
        { "[nul, 1]", 1, 0 },
        { "[falsy]", 1, 0 }, /* a literal that is not one: at its first byte */
        { "x", 0, 0 },
        { "}", 0, 0 },
        { "{\"a\":1}}", 7, 0 },    /* data after the value */
        { "{\"a\":1}  {}", 9, 0 }, /* at the data, not at the spaces before it */
        { "[1]\x0c", 3, 0 },       /* only JSON's four white-space bytes may follow */
        { "\xEF\xBB\xBF"
          "1",
          0, 0 }, /* a byte order mark needs 5 bytes of input to be skipped */
    };

    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        size_t len = strlen(cases[i].in);
        parse_bad(cases[i].in, len, cases[i].pos, cases[i].incomplete);
        expect_same_as_cjson(cases[i].in, len);
    }
    /* Empty and blank input: nothing to point at but the end. */
    parse_bad("", 0, 0, 0);
    parse_bad("  \n", 3, 2, 0);
    /* A NUL byte is white space between tokens (cJSON), but not after the value. */
    const char nul_inside[] = "[1,\0 2]";
    cJSON *doc;
    size_t err_pos;
    int incomplete;
    vg_arena_reset(&arena);
    assert_int_equal(
            vg__json_parse(nul_inside, sizeof(nul_inside) - 1, &arena, &doc, &err_pos, &incomplete),
            VG_OK);
    assert_int_equal(cJSON_GetArraySize(doc), 2);
    expect_same_as_cjson(nul_inside, sizeof(nul_inside) - 1);
    parse_bad("[1]\0", 4, 3, 0);
    expect_same_as_cjson("[1]\0", 4);
}

static void cut_input_is_incomplete(void **state)
{
    (void)state;

    static const struct {
        const char *in;
        size_t pos;
    } cases[] = {
        { "{", 0 },
        { "[", 0 },
        { "{\"a\":", 4 },
        { "{\"a\":1", 5 },
        { "[1,2", 3 },
        { "[1,2,", 4 },
        { "\"abc", 1 },
        { "{\"a\":\"b", 6 },
        { "{\"a\":\"b\\", 6 },
        { "[\"x\\\"", 2 },
        { "{\"a\"", 3 },
        { "[[[\n  ", 5 },
        { "{\"k\":[1,{}", 9 },
    };

    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        parse_bad(cases[i].in, strlen(cases[i].in), cases[i].pos, 1);
        expect_same_as_cjson(cases[i].in, strlen(cases[i].in));
    }
    /* A whole value followed by more is malformed, never cut, even if what follows is open:
     * lines of a pretty-printed document tried alone, a TSV line starting with a number. */
    parse_bad("\"account\": {", 12, 9, 0);
    parse_bad("    \"content\": \"<p>Hello", 25, 13, 0);
    parse_bad("1\t\"quote\tNOT_OFF", 18, 2, 0);
    /* Malformed before the end but with brackets open: the driver's rule counts it as cut. */
    parse_bad("[1 2", 4, 3, 1);
    /* Closed brackets: malformed, not cut. */
    parse_bad("[1}", 3, 2, 0);
}

static void byte_order_mark_and_control_white_space(void **state)
{
    (void)state;
    cJSON *doc = parse_ok("\xEF\xBB\xBF{\"a\":1}");
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(doc, "a")->valueint, 1);
    const char ctl[] = "\x01\x1f[ 1 ,\x0c 2\x0b]";
    expect_same_as_cjson(ctl, sizeof(ctl) - 1);
    expect_same_as_cjson("\xEF\xBB\xBF 1 ", 6);
    expect_same_as_cjson("\xEF\xBB\xBF"
                         "12",
                         5);
}

/* A list of inputs, valid and not, compared with cJSON node by node and printed. */
static void same_trees_as_cjson(void **state)
{
    (void)state;
    static const char *const inputs[] = {
        "{\"created_at\":\"Wed May 17 10:00:00 +0000 2017\",\"id\":864866110189043712,"
        "\"id_str\":\"864866110189043712\",\"text\":\"Invented \\u00e9 #tag https:\\/\\/t.co\\/x\","
        "\"user\":{\"id\":42,\"screen_name\":\"sample\",\"verified\":false,\"url\":null},"
        "\"entities\":{\"hashtags\":[{\"text\":\"tag\",\"indices\":[9,13]}],\"urls\":[]},"
        "\"coordinates\":{\"type\":\"Point\",\"coordinates\":[-1.5536,47.2184]},\"lang\":\"fr\"}",
        "[]",
        "{}",
        "[[]]",
        "[{}]",
        "{\"\":\"\"}",
        "[\"\"]",
        "\"\"",
        "null",
        "true",
        "false",
        "  [ 1 , 2 ]  ",
        "\n{\n  \"a\" : [ true , false , null ]\n}\n",
        "[\"\\u0000\"]",
        "{\"a\":{\"b\":{\"c\":{\"d\":[1,[2,[3,[4]]]]}}}}",
        "[1,2,3,4,5,6,7,8,9,10]",
        "[\"\\u000\\\\\"]",
        "[\"\\u1\\\"ab\"]",
        "[\"\\ud83d\\ude00\\ud83d\\ude01\"]",
        "{\"a\":1,\"b\":2,\"a\":3}",
        "[1e999,-1e999]",
        "[0.30000000000000004,1e-7,123.456]",
        "{\"a\" :1 , \"b\":[ ] ,\"c\":{ } }",
        "[\"\\/\\/\"]",
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(inputs); i++)
        expect_same_as_cjson(inputs[i], strlen(inputs[i]));
}

static void big_documents_span_chunks_and_long_strings(void **state)
{
    (void)state;
    /* 20,000 small objects: well past one chunk. */
    struct vg_buf b;
    vg_buf_init(&b, 1u << 26);
    vg_buf_putc(&b, '[');
    for (int i = 0; i < 20000; i++)
        vg_buf_printf(&b, "%s{\"i\":%d,\"s\":\"item %d\",\"f\":%d.25}", i ? "," : "", i, i, i);
    vg_buf_putc(&b, ']');
    cJSON *doc = parse_ok(b.data);
    assert_int_equal(cJSON_GetArraySize(doc), 20000);
    assert_true(arena.used_total > 2 * VG_JSON_CHUNK);
    const cJSON *last = doc->child->prev;
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(last, "i")->valueint, 19999);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(last, "s")->valuestring, "item 19999");
    expect_same_as_cjson(b.data, b.len);

    /* Strings longer than a quarter chunk get their own allocation; escapes in them too. */
    vg_buf_reset(&b);
    vg_buf_puts(&b, "[\"");
    for (int i = 0; i < 40000; i++)
        vg_buf_puts(&b, "ab");
    vg_buf_puts(&b, "\",\"");
    for (int i = 0; i < 20000; i++)
        vg_buf_puts(&b, "\\u00e9\\n");
    vg_buf_puts(&b, "\",\"after\"]");
    doc = parse_ok(b.data);
    assert_int_equal(strlen(doc->child->valuestring), 80000);
    assert_int_equal(strlen(doc->child->next->valuestring), 60000);
    assert_string_equal(doc->child->next->next->valuestring, "after");
    expect_same_as_cjson(b.data, b.len);
    vg_buf_release(&b);
}

static void arena_is_reused_across_documents(void **state)
{
    (void)state;
    const char doc[] = "{\"a\":[1,2,3],\"b\":\"text\",\"c\":{\"d\":null}}";
    parse_ok(doc);
    uint64_t before = vg__alloc_count();
    for (int i = 0; i < 100; i++)
        parse_ok(doc); /* parse_ok resets the arena first, as the driver does */
    assert_int_equal(vg__alloc_count(), before); /* no malloc per document */
}

static void arena_limit_and_allocation_failure(void **state)
{
    (void)state;
    struct vg_arena small;
    vg_arena_init(&small, 1024, 4096);
    cJSON *doc;
    size_t err_pos;
    int incomplete;
    /* 40 nodes fit in 4 KiB (64 bytes each)... */
    const char fits[] = "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20]";
    assert_int_equal(vg__json_parse(fits, sizeof(fits) - 1, &small, &doc, &err_pos, &incomplete),
                     VG_OK);
    assert_int_equal(cJSON_GetArraySize(doc), 20);
    vg_arena_reset(&small);
    /* ...100 do not: VG_ELIMIT, not a malformed document, and no tree. */
    struct vg_buf b;
    vg_buf_init(&b, 1 << 20);
    vg_buf_putc(&b, '[');
    for (int i = 0; i < 100; i++)
        vg_buf_printf(&b, "%s%d", i ? "," : "", i);
    vg_buf_putc(&b, ']');
    assert_int_equal(vg__json_parse(b.data, b.len, &small, &doc, &err_pos, &incomplete), VG_ELIMIT);
    assert_null(doc);
    assert_int_equal(incomplete, 0);
    assert_true(err_pos > 0 && err_pos < b.len);
    /* A string over the limit alone. */
    vg_buf_reset(&b);
    vg_buf_putc(&b, '"');
    for (int i = 0; i < 5000; i++)
        vg_buf_putc(&b, 'x');
    vg_buf_putc(&b, '"');
    vg_arena_reset(&small);
    assert_int_equal(vg__json_parse(b.data, b.len, &small, &doc, &err_pos, &incomplete), VG_ELIMIT);
    vg_arena_release(&small);
    vg_buf_release(&b);

    /* Allocation failure is VG_ENOMEM, not a malformed document. */
    struct vg_arena fresh;
    vg_arena_init(&fresh, VG_JSON_CHUNK, 1u << 30);
    vg__alloc_fail_after(1);
    assert_int_equal(vg__json_parse("[1]", 3, &fresh, &doc, &err_pos, &incomplete), VG_ENOMEM);
    vg__alloc_fail_after(0);
    assert_null(doc);
    vg_arena_reset(&fresh);
    assert_int_equal(vg__json_parse("[1]", 3, &fresh, &doc, &err_pos, &incomplete), VG_OK);
    vg_arena_release(&fresh);
}

static void driver_messages_quote_the_offending_byte(void **state)
{
    (void)state;
    const char in[] = "{\"type\":\"post\",\"id\":\"1\",\"account\":\"a\","
                      "\"created_at\":\"2026-01-01T00:00:00Z\",\"text\":\"one\"}  {}\n"
                      "{\"a\":1,\n"
                      "[1,\"x\\q\"]\n";
    struct collected c;
    assert_int_equal(collect_mem(in, sizeof(in) - 1, VG_FORMAT_NATIVE, NULL, &c), VG_OK);
    assert_int_equal(c.n_rejects, 3);
    assert_string_equal(c.reasons[0], "malformed JSON at line 1 column 90 near \"{}\"");
    assert_string_equal(c.reasons[1], "malformed JSON: input ends inside a value (line 2)");
    assert_string_equal(c.reasons[2], "malformed JSON at line 3 column 6 near \"\\q\"]\"");
    collected_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(values_of_every_type_and_their_links),
        cmocka_unit_test(duplicate_keys_are_all_kept_in_order),
        cmocka_unit_test(escapes_and_surrogate_pairs),
        cmocka_unit_test(bad_escapes_and_surrogates_are_errors_at_the_backslash),
        cmocka_unit_test(numbers_are_bit_identical_to_cjson),
        cmocka_unit_test(malformed_numbers_point_at_the_token_or_what_follows),
        cmocka_unit_test(nesting_at_and_over_the_limit),
        cmocka_unit_test(malformed_input_points_at_the_offending_byte),
        cmocka_unit_test(cut_input_is_incomplete),
        cmocka_unit_test(byte_order_mark_and_control_white_space),
        cmocka_unit_test(same_trees_as_cjson),
        cmocka_unit_test(big_documents_span_chunks_and_long_strings),
        cmocka_unit_test(arena_is_reused_across_documents),
        cmocka_unit_test(arena_limit_and_allocation_failure),
        cmocka_unit_test(driver_messages_quote_the_offending_byte),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
