/* SPDX-License-Identifier: Apache-2.0 */
/* test_core.c: bounded buffers, arenas, UTF-8, time parsing and formatting, status texts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core.h"

static void buf_respects_its_limit(void **state)
{
    (void)state;
    struct vg_buf b;
    vg_buf_init(&b, 10);
    assert_int_equal(vg_buf_puts(&b, "0123456789"), VG_OK);
    assert_int_equal(b.len, 10);
    assert_int_equal(vg_buf_putc(&b, 'x'), VG_ELIMIT);
    assert_string_equal(b.data, "0123456789"); /* unchanged by the failed append */
    vg_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_int_equal(vg_buf_printf(&b, "%d-%s", 42, "ok"), VG_OK);
    assert_string_equal(b.data, "42-ok");
    char *taken = vg_buf_take(&b);
    assert_string_equal(taken, "42-ok");
    assert_null(b.data);
    vg_free(taken);
    vg_buf_release(&b);
}

static void buf_json_escapes(void **state)
{
    (void)state;
    struct vg_buf b;
    vg_buf_init(&b, 1024);
    const char in[] = "a\"b\\c\n\x01\xC3\xA9\xFF";
    assert_int_equal(vg_buf_json_str(&b, in, sizeof(in) - 1), VG_OK);
    /* The invalid byte 0xFF becomes U+FFFD; é stays as UTF-8. */
    assert_string_equal(b.data, "\"a\\\"b\\\\c\\n\\u0001\xC3\xA9\xEF\xBF\xBD\"");
    vg_buf_release(&b);
}

static void arena_allocates_aligned_and_resets(void **state)
{
    (void)state;
    struct vg_arena a;
    vg_arena_init(&a, 64, 1000);
    char *p = vg_arena_strdup(&a, "hello");
    void *q = vg_arena_alloc(&a, 3);
    assert_string_equal(p, "hello");
    assert_int_equal((uintptr_t)q % 8, 0);
    assert_non_null(vg_arena_alloc(&a, 500)); /* larger than a block: its own block */
    assert_null(vg_arena_alloc(&a, 600));     /* over the arena's limit */
    char *r = vg_arena_printf(&a, "%s-%d", "x", 7);
    assert_string_equal(r, "x-7");
    vg_arena_reset(&a);
    assert_int_equal(a.used_total, 0);
    assert_non_null(vg_arena_alloc(&a, 600)); /* the limit applies per reset */
    vg_arena_release(&a);
}

static void allocation_failure_is_reported(void **state)
{
    (void)state;
    struct vg_buf b;
    vg_buf_init(&b, 1 << 20);
    vg__alloc_fail_after(1);
    assert_int_equal(vg_buf_puts(&b, "x"), VG_ENOMEM);
    assert_int_equal(vg_buf_puts(&b, "x"), VG_OK); /* only the k-th allocation fails */
    vg_buf_release(&b);
    vg__alloc_fail_after(0);
}

/* Big tables: zeroed memory, small and mapped sizes alike; the failure hook applies to both. */
static void huge_alloc_is_zeroed_and_fails_on_demand(void **state)
{
    (void)state;
    size_t sizes[] = { 1000, (size_t)6 << 20 };
    for (size_t k = 0; k < 2; k++) {
        unsigned char *p = vg__huge_alloc(sizes[k]);
        assert_non_null(p);
        size_t nonzero = 0;
        for (size_t i = 0; i < sizes[k]; i += 997)
            nonzero += p[i] != 0;
        assert_int_equal(nonzero, 0);
        assert_int_equal(p[sizes[k] - 1], 0);
        memset(p, 0xab, sizes[k]); /* all of it is writable */
        vg__huge_free(p, sizes[k]);
        vg__alloc_fail_after(1);
        assert_null(vg__huge_alloc(sizes[k]));
        vg__alloc_fail_after(0);
    }
    vg__huge_free(NULL, 0);
}

static void utf8_validation(void **state)
{
    (void)state;
    assert_true(vg_utf8_valid("plain", 5));
    assert_true(vg_utf8_valid("\xD8\xA7\xD9\x84", 4));  /* Arabic alef lam */
    assert_true(vg_utf8_valid("\xF0\x9F\x98\x80", 4));  /* emoji */
    assert_false(vg_utf8_valid("\xC0\xAF", 2));         /* overlong '/' */
    assert_false(vg_utf8_valid("\xED\xA0\x80", 3));     /* surrogate */
    assert_false(vg_utf8_valid("\xF4\x90\x80\x80", 4)); /* above U+10FFFF */
    assert_false(vg_utf8_valid("\xE2\x82", 2));         /* truncated */
    char out[4];
    assert_int_equal(vg_utf8_encode(0x20AC, out), 3);
    assert_memory_equal(out, "\xE2\x82\xAC", 3);
}

static void time_parses_every_source_form(void **state)
{
    (void)state;
    int64_t t;
    assert_int_equal(vg_time_parse("2021-04-01T15:53:42.000Z", &t), VG_OK);
    assert_int_equal(t, 1617292422);
    assert_int_equal(vg_time_parse("2021-04-01T17:53:42+02:00", &t), VG_OK);
    assert_int_equal(t, 1617292422);
    assert_int_equal(vg_time_parse("2013-06-04T16:25:04+00:00", &t), VG_OK);
    assert_int_equal(t, 1370363104);
    assert_int_equal(vg_time_parse("Wed Oct 10 20:19:24 +0000 2018", &t), VG_OK);
    assert_int_equal(t, 1539202764);
    assert_int_equal(vg_time_parse("1/6/2015 21:07", &t), VG_OK);
    assert_int_equal(t, 1420578420);
    assert_int_equal(vg_time_parse("2016-02-29", &t), VG_OK);
    assert_int_equal(t, 1456704000);
    assert_int_equal(vg_time_parse("2015-02-29", &t), VG_EPARSE); /* not a leap year */
    assert_int_equal(vg_time_parse("2021-13-01T00:00:00Z", &t), VG_EPARSE);
    assert_int_equal(vg_time_parse("yesterday", &t), VG_EPARSE);
    assert_int_equal(vg_time_parse("2021-04-01T15:53:42Zjunk", &t), VG_EPARSE);
    assert_int_equal(t, VG_TIME_UNKNOWN);
}

static void time_formats_round_trip(void **state)
{
    (void)state;
    char buf[21];
    assert_string_equal(vg_time_format(0, buf), "1970-01-01T00:00:00Z");
    assert_string_equal(vg_time_format(1617292422, buf), "2021-04-01T15:53:42Z");
    assert_string_equal(vg_time_format(-1, buf), "1969-12-31T23:59:59Z");
    for (int64_t t = -86400 * 400; t < 86400LL * 365 * 90; t += 86400 * 37 + 3631) {
        int64_t back;
        assert_int_equal(vg_time_parse(vg_time_format(t, buf), &back), VG_OK);
        assert_int_equal(back, t);
    }
}

static void status_texts_come_from_the_table(void **state)
{
    (void)state;
    assert_string_equal(vg_strerror(VG_OK), "success");
    assert_string_equal(vg_errname(VG_EBUSY), "EBUSY");
    assert_string_equal(vg_strerror(VG_EGZIP), "corrupt or truncated gzip stream");
    assert_string_equal(vg_errname((vg_status)-999), "UNKNOWN");
    assert_string_equal(vg_version(), VG_VERSION_STRING);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(buf_respects_its_limit),
        cmocka_unit_test(buf_json_escapes),
        cmocka_unit_test(arena_allocates_aligned_and_resets),
        cmocka_unit_test(allocation_failure_is_reported),
        cmocka_unit_test(huge_alloc_is_zeroed_and_fails_on_demand),
        cmocka_unit_test(utf8_validation),
        cmocka_unit_test(time_parses_every_source_form),
        cmocka_unit_test(time_formats_round_trip),
        cmocka_unit_test(status_texts_come_from_the_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
