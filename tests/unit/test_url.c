/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_url.c: unit tests of URL canonicalisation and domains (text_url.c), one group per rule,
 * each case also checked to be a fixed point (canonicalising a canonical URL changes nothing).
 * Then a run over the URLs found in a real tweet file (read at test time, skipped when absent).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "text.h"

static void check_url(const char *in, const char *want)
{
    struct vg_buf b, again;
    vg_buf_init(&b, 65536);
    vg_buf_init(&again, 65536);
    assert_int_equal(vg_url_canonicalize_buf(in, strlen(in), &b), VG_OK);
    assert_string_equal(b.data, want);
    assert_int_equal(vg_url_canonicalize_buf(b.data, b.len, &again), VG_OK);
    assert_string_equal(again.data, want);
    vg_buf_release(&again);
    vg_buf_release(&b);
}

static void check_url_fails(const char *in, size_t len, vg_status want)
{
    struct vg_buf b;
    vg_buf_init(&b, 65536);
    assert_int_equal(vg_buf_puts(&b, "kept|"), VG_OK);
    assert_int_equal(vg_url_canonicalize_buf(in, len, &b), want);
    assert_string_equal(b.data, "kept|");
    vg_buf_release(&b);
}

static void check_domain(const char *in, const char *want)
{
    struct vg_buf b;
    vg_buf_init(&b, 4096);
    vg_status rc = vg_url_domain_buf(in, strlen(in), &b);
    if (want) {
        assert_int_equal(rc, VG_OK);
        assert_string_equal(b.data, want);
    } else {
        assert_int_equal(rc, VG_EPARSE);
        assert_int_equal(b.len, 0);
    }
    vg_buf_release(&b);
}

static void test_scheme_and_host_case(void **state)
{
    (void)state;
    check_url("HTTP://WWW.Example.COM/Path/To", "http://www.example.com/Path/To");
    check_url("HtTpS://EXAMPLE.org", "https://example.org/");
    check_url("  https://example.org/x  ", "https://example.org/x");
    /* Hosts are not rewritten: these stay three different hosts. */
    check_url("https://Mobile.Twitter.com/a", "https://mobile.twitter.com/a");
    check_url("https://twitter.com/a", "https://twitter.com/a");
    check_url("https://X.com/a", "https://x.com/a");
    check_url("http://example.com./a", "http://example.com/a");
    check_url("http://ex%41mple.com/", "http://example.com/");
    check_url("http://[2001:DB8::1]:8080/p", "http://[2001:db8::1]:8080/p");
    check_url("http://192.0.2.7/", "http://192.0.2.7/");
}

static void test_idn_host(void **state)
{
    (void)state;
    check_url("https://münchen.de/stadt", "https://xn--mnchen-3ya.de/stadt");
    check_url("https://MÜNCHEN.de", "https://xn--mnchen-3ya.de/");
    check_url("http://مثال.إختبار/", "http://xn--mgbh0fb.xn--kgbechtv/");
    check_url("http://%C3%A9t%C3%A9.example/", "http://xn--t-9fab.example/");
    check_url("http://xn--mnchen-3ya.de/", "http://xn--mnchen-3ya.de/");
}

static void test_userinfo_port_fragment(void **state)
{
    (void)state;
    check_url("http://user:pass@example.com/a", "http://example.com/a");
    check_url("http://a@b@example.com/", "http://example.com/");
    check_url("http://example.com:80/a", "http://example.com/a");
    check_url("https://example.com:443/a", "https://example.com/a");
    check_url("http://example.com:443/a", "http://example.com:443/a");
    check_url("https://example.com:8443/a", "https://example.com:8443/a");
    check_url("http://example.com:0080/a", "http://example.com/a");
    check_url("http://example.com:/a", "http://example.com/a");
    check_url("https://example.com/a#section-2", "https://example.com/a");
    check_url("https://example.com/a?x=1#frag?y=2", "https://example.com/a?x=1");
    /* Backslash is a path separator for http(s), as in browsers. */
    check_url("http://evil.example\\@good.example/x", "http://evil.example/@good.example/x");
    check_url("http://example.com\\a\\b?q=c\\d", "http://example.com/a/b?q=c%5Cd");
}

static void test_path(void **state)
{
    (void)state;
    check_url("https://example.com", "https://example.com/");
    check_url("https://example.com?q=1", "https://example.com/?q=1");
    check_url("https://example.com/a/./b/../c", "https://example.com/a/c");
    check_url("https://example.com/a/b/..", "https://example.com/a/");
    check_url("https://example.com/a/.", "https://example.com/a/");
    check_url("https://example.com/../../x", "https://example.com/x");
    check_url("https://example.com/a//b/", "https://example.com/a//b/");
    check_url("https://example.com/%2E%2E/x/%2e", "https://example.com/x/");
    check_url("https://example.com/..a/b..", "https://example.com/..a/b..");
}

static void test_percent_encoding(void **state)
{
    (void)state;
    /* Unreserved escapes decoded, the others upper-cased and kept. */
    check_url("https://example.com/%7euser/%41%2d%5F", "https://example.com/~user/A-_");
    check_url("https://example.com/a%2fb%3f%c3%a9", "https://example.com/a%2Fb%3F%C3%A9");
    /* Raw space, non-ASCII and unsafe characters encoded; a stray '%' too. */
    check_url("https://example.com/a b/é", "https://example.com/a%20b/%C3%A9");
    check_url("https://example.com/<x>|{y}", "https://example.com/%3Cx%3E%7C%7By%7D");
    check_url("https://example.com/100%/%zz", "https://example.com/100%25/%25zz");
    check_url("https://example.com/?q=a b&r=%e2%82%ac", "https://example.com/?q=a%20b&r=%E2%82%AC");
    check_url("https://example.com/?q=a+b", "https://example.com/?q=a+b");
}

static void test_tracking_params(void **state)
{
    (void)state;
    check_url("https://example.com/a?utm_source=tw&id=5&utm_medium=social&UTM_Campaign=x",
              "https://example.com/a?id=5");
    check_url("https://example.com/?fbclid=1&gclid=2&dclid=3&msclkid=4&mc_cid=5&mc_eid=6",
              "https://example.com/");
    check_url("https://example.com/?igshid=1&_ga=2&yclid=3&ref_src=4&ref_url=5&keep=6",
              "https://example.com/?keep=6");
    check_url("https://example.com/?b=2&a=1&utm_x=0&c=3", "https://example.com/?b=2&a=1&c=3");
    check_url("https://example.com/?utm%5Fsource=x&k", "https://example.com/?k");
    check_url("https://example.com/?&&a=1&&", "https://example.com/?a=1");
    check_url("https://example.com/?", "https://example.com/");
    /* Share parameters removed only where they are share parameters. */
    check_url("https://www.youtube.com/watch?v=abc&feature=share&si=XyZ",
              "https://www.youtube.com/watch?v=abc");
    check_url("https://youtu.be/abc?si=XyZ&t=42", "https://youtu.be/abc?t=42");
    check_url("https://open.spotify.com/track/1?si=abc", "https://open.spotify.com/track/1");
    check_url("https://example.com/?si=keep&feature=other",
              "https://example.com/?si=keep&feature=other");
    check_url("https://twitter.com/u/status/1?s=20&t=AbC", "https://twitter.com/u/status/1");
    check_url("https://mobile.twitter.com/u/status/1?s=21",
              "https://mobile.twitter.com/u/status/1");
    check_url("https://x.com/u/status/1?s=46&t=q&lang=ar", "https://x.com/u/status/1?lang=ar");
    check_url("https://example.com/search?s=term&t=2", "https://example.com/search?s=term&t=2");
    check_url("https://notx.com/?s=1", "https://notx.com/?s=1");
}

static void test_errors(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "www.example.com/x",
        "ftp://example.com/",
        "mailto:a@example.com",
        "http:/example.com",
        "http:///x",
        "http://",
        "http://:80/",
        "http://a.com:99999/",
        "http://a.com:8o/",
        "http://a..b/",
        "http://.a.com/",
        "http://a b.com/",
        "http://[::1/",
        "http://[zz::1]/",
        "http://a%00b.com/",
        "http://a%2Fb.com/",
        "",
        "https://xn--a.\377/",
        "http://a.com\303",
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(bad); i++)
        check_url_fails(bad[i], strlen(bad[i]), VG_EPARSE);

    /* 8 KiB is accepted, one byte more is not. */
    static char u[8193 + 1];
    memcpy(u, "https://example.com/", 20);
    memset(u + 20, 'a', sizeof(u) - 21);
    struct vg_buf b;
    vg_buf_init(&b, 65536);
    assert_int_equal(vg_url_canonicalize_buf(u, 8192, &b), VG_OK);
    assert_int_equal(b.len, 8192);
    vg_buf_release(&b);
    check_url_fails(u, 8193, VG_ELIMIT);
    /* So is a canonical form over 8 KiB (each '%' below becomes "%25"), which could not be
     * canonicalised again. */
    memset(u + 20, '%', 4000);
    check_url_fails(u, 4020, VG_ELIMIT);
    memset(u + 20, '%', 2700);
    vg_buf_init(&b, 65536);
    assert_int_equal(vg_url_canonicalize_buf(u, 2720, &b), VG_OK);
    assert_int_equal(b.len, 20 + 3 * 2700);
    vg_buf_release(&b);
}

static void test_public_api(void **state)
{
    (void)state;
    char *out = (char *)1;
    const char *u = "HTTPS://Example.COM:443?utm_source=x#f";
    assert_int_equal(vg_url_canonicalize(u, strlen(u), &out), VG_OK);
    assert_string_equal(out, "https://example.com/");
    vg_free(out);
    out = (char *)1;
    assert_int_equal(vg_url_canonicalize("nope", 4, &out), VG_EPARSE);
    assert_null(out);
    /* Allocation failure: VG_ENOMEM and nothing handed out. */
    vg__alloc_fail_after(1);
    vg_status rc = vg_url_canonicalize(u, strlen(u), &out);
    vg__alloc_fail_after(0);
    assert_int_equal(rc, VG_ENOMEM);
    assert_null(out);
}

static void test_domain(void **state)
{
    (void)state;
    check_domain("https://www.Example.com:8080/x?y#z", "example.com");
    check_domain("http://user@WWW.example.co.uk/", "example.co.uk");
    check_domain("https://mobile.twitter.com/a", "mobile.twitter.com");
    check_domain("http://www.com/", "www.com");
    check_domain("https://www.Bücher.example/", "xn--bcher-kva.example");
    check_domain("https://t.co", "t.co");
    check_domain("http:///x", NULL);
    check_domain("example.com", NULL);
}

struct url_run {
    struct vg_buf once, twice;
    size_t n_ok, n_tco;
};

static int is_ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return 0;
    return 1;
}

static vg_status check_found_url(enum vg_entity_kind kind, const char *s, size_t n, void *ud)
{
    struct url_run *r = ud;
    if (kind != VG_ENTITY_URL)
        return VG_OK;
    vg_buf_reset(&r->once);
    if (vg_url_canonicalize_buf(s, n, &r->once) != VG_OK)
        return VG_OK; /* "http://t.co/" cut by a truncated tweet, and the like */
    r->n_ok++;
    vg_buf_reset(&r->twice);
    assert_int_equal(vg_url_canonicalize_buf(r->once.data, r->once.len, &r->twice), VG_OK);
    assert_string_equal(r->once.data, r->twice.data);
    int tco = (n > 12 && strncmp(s, "http://t.co/", 12) == 0) ||
              (n > 13 && strncmp(s, "https://t.co/", 13) == 0);
    if (tco && is_ascii(s, n)) {
        r->n_tco++;
        assert_int_equal(r->once.len, n);
        assert_memory_equal(r->once.data, s, n);
    }
    return VG_OK;
}

/* Canonicalise every URL extracted from a real tweet file: always a fixed point, and the t.co
 * short links that make up the bulk come out unchanged. */
static void test_real_urls(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof(path), "%s/isis-fanboy/tweets.csv", VG_SHARED_DATA);
    FILE *f = fopen(path, "rb");
    if (!f)
        skip();
    struct url_run r = { .n_ok = 0, .n_tco = 0 };
    vg_buf_init(&r.once, 65536);
    vg_buf_init(&r.twice, 65536);
    char line[65536];
    while (fgets(line, sizeof(line), f))
        assert_true(vg_text_extract(line, strlen(line), check_found_url, &r) >= 0);
    fclose(f);
    vg_buf_release(&r.once);
    vg_buf_release(&r.twice);
    assert_true(r.n_ok > 1000);
    assert_true(r.n_tco > 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scheme_and_host_case),
        cmocka_unit_test(test_idn_host),
        cmocka_unit_test(test_userinfo_port_fragment),
        cmocka_unit_test(test_path),
        cmocka_unit_test(test_percent_encoding),
        cmocka_unit_test(test_tracking_params),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_public_api),
        cmocka_unit_test(test_domain),
        cmocka_unit_test(test_real_urls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
