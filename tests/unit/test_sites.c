/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_sites.c: unit tests of the sites stage (src/sites/): registrable domains and categories,
 * entry normalisation, the matcher (domains with subdomains, URL prefixes, patterns, dates and
 * jurisdictions), lists in the store with their change log, plain and Mastodon list files, and
 * per-domain statistics over a small invented store. Every domain is invented (.example,
 * .invalid) except the public services of the category table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "sites.h"
#include "store_fixture.h"

/* ---- registrable domain and categories ------------------------------------------------------ */

static void check_site(const char *url, const char *host, const char *reg, unsigned cats)
{
    struct vg_url_site s;
    assert_int_equal(vg_url_site(url, strlen(url), &s), VG_OK);
    assert_string_equal(s.host, host);
    assert_string_equal(s.registrable, reg);
    assert_int_equal(s.categories, cats);
}

static void test_registrable(void **state)
{
    (void)state;
    check_site("https://www.bbc.co.uk/news", "bbc.co.uk", "bbc.co.uk", 0);
    check_site("https://a.b.news.co.uk/", "a.b.news.co.uk", "news.co.uk", 0);
    /* Private section of the public suffix list: each blog is a site. */
    check_site("https://x.y.someblog.blogspot.com/p", "x.y.someblog.blogspot.com",
               "someblog.blogspot.com", 0);
    check_site("http://192.168.10.20:8080/x", "192.168.10.20", "192.168.10.20", 0);
    check_site("http://[2001:db8::1]/x", "[2001:db8::1]", "[2001:db8::1]", 0);
    /* IDN hosts in punycode: пример.рф */
    check_site("https://www.\xd0\xbf\xd1\x80\xd0\xb8\xd0\xbc\xd0\xb5\xd1\x80.\xd1\x80\xd1\x84/",
               "xn--e1afmkfd.xn--p1ai", "xn--e1afmkfd.xn--p1ai", 0);
    check_site("https://cdn.mirror.invalid/a", "cdn.mirror.invalid", "mirror.invalid", 0);
    char out[VG_SITE_HOST_MAX + 3];
    assert_int_equal(vg_domain_registrable("co.uk", out), VG_OK);
    assert_string_equal(out, "co.uk");
    assert_int_equal(vg_domain_registrable("", out), VG_EINVAL);
    struct vg_url_site s;
    assert_int_equal(vg_url_site("ftp://x.example/", 16, &s), VG_EPARSE);
    assert_int_equal(vg_url_site("not a url", 9, &s), VG_EPARSE);
}

static void test_categories(void **state)
{
    (void)state;
    check_site("https://t.me/joinchat/abc", "t.me", "t.me", VG_SITE_MESSAGING);
    check_site("https://bit.ly/3xYz", "bit.ly", "bit.ly", VG_SITE_SHORTENER);
    check_site("https://drive.google.com/file/d/1", "drive.google.com", "google.com",
               VG_SITE_FILE_HOST);
    check_site("https://www.google.com/", "google.com", "google.com", 0);
    check_site("https://web.archive.org/web/2015/x", "web.archive.org", "archive.org",
               VG_SITE_ARCHIVE | VG_SITE_FILE_HOST);
    check_site("https://justpaste.it/abc", "justpaste.it", "justpaste.it", VG_SITE_PASTE);
    /* A name that only ends like a service is not that service. */
    assert_int_equal(vg_domain_categories("notbit.ly"), 0);
    assert_int_equal(vg_domain_categories("a.b.bit.ly"), VG_SITE_SHORTENER);
    assert_string_equal(vg_site_category_name(VG_SITE_PASTE), "paste");
    assert_null(vg_site_category_name(3));
    /* bsearch needs the table sorted, and each entry needs a source. */
    for (size_t i = 0; i < vg__n_site_services; i++) {
        assert_non_null(vg__site_services[i].source);
        assert_true(vg__site_services[i].categories != 0);
        if (i)
            assert_true(strcmp(vg__site_services[i - 1].domain, vg__site_services[i].domain) < 0);
    }
}

/* ---- normalisation -------------------------------------------------------------------------- */

static void check_norm(const char *in, enum vg_list_kind want_kind, const char *want)
{
    enum vg_list_kind kind;
    char *v = NULL;
    const char *why = NULL;
    assert_int_equal(vg_list_entry_normalize(in, strlen(in), &kind, &v, &why), VG_OK);
    assert_int_equal(kind, want_kind);
    assert_string_equal(v, want);
    vg_free(v);
}

static void check_norm_fails(const char *in, vg_status want, const char *why_part)
{
    enum vg_list_kind kind;
    char *v = NULL;
    const char *why = NULL;
    assert_int_equal(vg_list_entry_normalize(in, strlen(in), &kind, &v, &why), want);
    assert_null(v);
    assert_non_null(why);
    assert_non_null(strstr(why, why_part));
}

static void test_normalize(void **state)
{
    (void)state;
    check_norm("Propaganda-Site.EXAMPLE", VG_LIST_DOMAIN, "propaganda-site.example");
    check_norm("  *.mirror.invalid. ", VG_LIST_DOMAIN, "mirror.invalid");
    check_norm("www.x.example", VG_LIST_DOMAIN, "x.example");
    check_norm("\xd0\xbf\xd1\x80\xd0\xb8\xd0\xbc\xd0\xb5\xd1\x80.\xd1\x80\xd1\x84", VG_LIST_DOMAIN,
               "xn--e1afmkfd.xn--p1ai");
    check_norm("HTTPS://Files.Example/share/abc?utm_source=x&id=2#frag", VG_LIST_URL_PREFIX,
               "https://files.example/share/abc?id=2");
    check_norm("re:^https?://[^/]+/rel/[0-9]+", VG_LIST_PATTERN, "^https?://[^/]+/rel/[0-9]+");
    check_norm_fails("bad/domain", VG_EPARSE, "not a domain");
    check_norm_fails("a..b.example", VG_EPARSE, "not a valid domain");
    check_norm_fails("", VG_EPARSE, "empty");
    check_norm_fails("re:(unclosed", VG_EPARSE, "does not compile");
    check_norm_fails("re:", VG_EPARSE, "empty pattern");
    check_norm_fails("http://", VG_EPARSE, "URL");
    char big[VG_LIST_PATTERN_MAX + 16];
    memcpy(big, "re:", 3);
    memset(big + 3, 'a', VG_LIST_PATTERN_MAX + 1);
    big[VG_LIST_PATTERN_MAX + 4] = '\0';
    check_norm_fails(big, VG_ELIMIT, "1024");
}

/* ---- matcher -------------------------------------------------------------------------------- */

struct hits {
    char got[8][128];
    int n;
};

static int collect(const struct vg_site_hit *h, void *ud)
{
    struct hits *x = ud;
    if (x->n < 8)
        snprintf(x->got[x->n++], 128, "%s:%s:%s", h->list, vg_list_kind_name(h->kind), h->value);
    return 0;
}

static int n_hits(vg_site_matcher *m, const char *url, int64_t at, const char *jur, struct hits *x)
{
    size_t n = 99;
    memset(x, 0, sizeof(*x));
    assert_int_equal(vg_site_matcher_check(m, url, strlen(url), at, jur, collect, x, &n), VG_OK);
    assert_int_equal((int)n, x->n);
    return (int)n;
}

static vg_site_matcher *small_matcher(void)
{
    vg_site_matcher *m;
    assert_int_equal(vg_site_matcher_new(&m), VG_OK);
    const int64_t T0 = 1420070400; /* 2015-01-01 */
    const int64_t T1 = 1451606400; /* 2016-01-01 */
    assert_int_equal(
            vg_site_matcher_add(m, "fr", "FR", VG_LIST_DOMAIN, "evil.example", T0, VG_TIME_UNKNOWN),
            VG_OK);
    assert_int_equal(vg_site_matcher_add(m, "glob", "global", VG_LIST_DOMAIN, "evil.example", T0,
                                         VG_TIME_UNKNOWN),
                     VG_OK);
    assert_int_equal(vg_site_matcher_add(m, "fr", "FR", VG_LIST_DOMAIN, "old.invalid", T0, T1),
                     VG_OK);
    assert_int_equal(vg_site_matcher_add(m, "glob", "global", VG_LIST_URL_PREFIX,
                                         "https://files.example/share/abc", T0, VG_TIME_UNKNOWN),
                     VG_OK);
    assert_int_equal(vg_site_matcher_add(m, "glob", "global", VG_LIST_URL_PREFIX,
                                         "https://files.example/share/abcdef", T0, VG_TIME_UNKNOWN),
                     VG_OK);
    assert_int_equal(vg_site_matcher_add(m, "glob", "global", VG_LIST_PATTERN, "/rel/[0-9]+$", T0,
                                         VG_TIME_UNKNOWN),
                     VG_OK);
    assert_int_equal(vg_site_matcher_compile(m), VG_OK);
    assert_int_equal(vg_site_matcher_size(m), 6);
    return m;
}

static void test_matcher(void **state)
{
    (void)state;
    vg_site_matcher *m = small_matcher();
    struct hits x;
    const int64_t NOW = 1700000000, MID = 1430000000, EARLY = 1400000000;
    /* A domain covers its subdomains, never a name that only ends alike. */
    assert_int_equal(n_hits(m, "https://evil.example/", NOW, NULL, &x), 2);
    assert_int_equal(n_hits(m, "https://a.b.evil.example:8443/x", NOW, NULL, &x), 2);
    assert_int_equal(n_hits(m, "https://notevil.example/", NOW, NULL, &x), 0);
    assert_int_equal(n_hits(m, "https://evil.example.org/", NOW, NULL, &x), 0);
    /* Jurisdiction: FR lists apply in FR only; global lists everywhere. */
    assert_int_equal(n_hits(m, "https://evil.example/", NOW, "DE", &x), 1);
    assert_string_equal(x.got[0], "glob:domain:evil.example");
    assert_int_equal(n_hits(m, "https://evil.example/", NOW, "fr", &x), 2);
    /* Dates: not yet added, in force, withdrawn; any time. */
    assert_int_equal(n_hits(m, "https://old.invalid/", EARLY, NULL, &x), 0);
    assert_int_equal(n_hits(m, "https://old.invalid/", MID, NULL, &x), 1);
    assert_int_equal(n_hits(m, "https://old.invalid/", NOW, NULL, &x), 0);
    assert_int_equal(n_hits(m, "https://old.invalid/", VG_TIME_UNKNOWN, NULL, &x), 1);
    /* Prefixes: each that the URL starts with. */
    assert_int_equal(n_hits(m, "https://files.example/share/abcdefgh", NOW, NULL, &x), 2);
    assert_int_equal(n_hits(m, "https://files.example/share/abc", NOW, NULL, &x), 1);
    assert_int_equal(n_hits(m, "https://files.example/share/ab", NOW, NULL, &x), 0);
    assert_int_equal(n_hits(m, "http://files.example/share/abc", NOW, NULL, &x), 0);
    /* Patterns, reported once however often they match. */
    assert_int_equal(n_hits(m, "https://any.example/rel/12", NOW, NULL, &x), 1);
    assert_string_equal(x.got[0], "glob:pattern:/rel/[0-9]+$");
    assert_int_equal(n_hits(m, "https://any.example/rel/12/x", NOW, NULL, &x), 0);
    size_t n;
    assert_int_equal(vg_site_matcher_check(m, "evil.example", 12, NOW, NULL, NULL, NULL, &n),
                     VG_EPARSE);
    /* The prefetch hint takes anything (not a URL, NULL) and changes no answer. */
    const char *u = "https://cdn.evil.example/rel/7";
    vg_site_matcher_prefetch(m, u, strlen(u));
    vg_site_matcher_prefetch(m, "evil.example", 12);
    vg_site_matcher_prefetch(m, NULL, 0);
    vg_site_matcher_prefetch(NULL, u, strlen(u));
    assert_int_equal(n_hits(m, u, NOW, NULL, &x), 3);
    assert_int_equal(n_hits(m, "https://evil.example/", NOW, "DE", &x), 1);
    /* A clone answers alike with scratch of its own. */
    vg_site_matcher *c;
    assert_int_equal(vg_site_matcher_clone(m, &c), VG_OK);
    assert_int_equal(n_hits(c, "https://x.evil.example/rel/1", NOW, NULL, &x), 3);
    vg_site_matcher_free(c);
    /* Adding after compile is refused; a bad pattern fails the compile. */
    assert_int_equal(
            vg_site_matcher_add(m, "l", "global", VG_LIST_DOMAIN, "x.example", 0, VG_TIME_UNKNOWN),
            VG_EINVAL);
    vg_site_matcher_free(m);
    assert_int_equal(vg_site_matcher_new(&m), VG_OK);
    assert_int_equal(
            vg_site_matcher_add(m, "l", "global", VG_LIST_PATTERN, "(", 0, VG_TIME_UNKNOWN), VG_OK);
    vg_site_matcher_prefetch(m, u, strlen(u)); /* not compiled: nothing */
    assert_int_equal(vg_site_matcher_compile(m), VG_EPARSE);
    vg_site_matcher_free(m);
}

static int stop_first(const struct vg_site_hit *h, void *ud)
{
    (void)h;
    (*(int *)ud)++;
    return 1;
}

static void test_matcher_stop(void **state)
{
    (void)state;
    vg_site_matcher *m = small_matcher();
    int calls = 0;
    size_t n;
    const char *u = "https://x.evil.example/rel/1";
    assert_int_equal(
            vg_site_matcher_check(m, u, strlen(u), VG_TIME_UNKNOWN, NULL, stop_first, &calls, &n),
            VG_ECANCEL);
    assert_int_equal(calls, 1);
    vg_site_matcher_free(m);
}

/* ---- lists in the store --------------------------------------------------------------------- */

static int count_changes(const struct vg_list_change *c, void *ud)
{
    struct hits *x = ud;
    if (x->n < 8)
        snprintf(x->got[x->n], 128, "%s:%s", c->action, c->actor);
    x->n++;
    return 0;
}

struct entries {
    int n, withdrawn;
    char last_note[64];
};

static int count_entries(const struct vg_list_entry *e, void *ud)
{
    struct entries *x = ud;
    x->n++;
    x->withdrawn += e->withdrawn != VG_TIME_UNKNOWN;
    snprintf(x->last_note, sizeof(x->last_note), "%s", e->note ? e->note : "");
    return 0;
}

static void test_lists_store(void **state)
{
    (void)state;
    vg_db *db = fixture_db("sites", "lists");
    int created = 0;
    assert_int_equal(vg_list_create(db, "fr-admin", "FR", "invented", "alice", &created), VG_OK);
    assert_int_equal(created, 1);
    assert_int_equal(vg_list_create(db, "fr-admin", "FR", NULL, "alice", &created), VG_OK);
    assert_int_equal(created, 0);
    assert_int_equal(vg_list_create(db, "fr-admin", "DE", NULL, "alice", &created), VG_EFIELD);
    assert_int_equal(vg_list_create(db, "bad name", "global", NULL, NULL, &created), VG_EINVAL);
    assert_int_equal(vg_list_create(db, "x", "fr", NULL, NULL, &created), VG_EINVAL);

    struct vg_list_entry e = { .list = "fr-admin",
                               .kind = VG_LIST_DOMAIN,
                               .value = "evil.example",
                               .added = 1420070400,
                               .withdrawn = VG_TIME_UNKNOWN,
                               .source = "decree-1" };
    enum vg_put_result res;
    assert_int_equal(vg_list_entry_put(db, &e, "alice", &res), VG_OK);
    assert_int_equal(res, VG_PUT_NEW);
    assert_int_equal(vg_list_entry_put(db, &e, "alice", &res), VG_OK);
    assert_int_equal(res, VG_PUT_DUPLICATE);
    e.note = "mirror of releases";
    assert_int_equal(vg_list_entry_put(db, &e, "bob", &res), VG_OK);
    assert_int_equal(res, VG_PUT_UPDATED);
    e.list = "nope";
    assert_int_equal(vg_list_entry_put(db, &e, "bob", &res), VG_ENOENT);
    e.list = "fr-admin";

    int found = 0;
    assert_int_equal(vg_list_entry_withdraw(db, "fr-admin", VG_LIST_DOMAIN, "evil.example",
                                            1451606400, "bob", &found),
                     VG_OK);
    assert_int_equal(found, 1);
    assert_int_equal(vg_list_entry_withdraw(db, "fr-admin", VG_LIST_DOMAIN, "evil.example",
                                            1451606400, "bob", &found),
                     VG_OK);
    assert_int_equal(found, 0);
    /* Added again: a new row; the withdrawn one keeps its dates. */
    e.added = 1483228800;
    e.note = NULL;
    assert_int_equal(vg_list_entry_put(db, &e, "carol", &res), VG_OK);
    assert_int_equal(res, VG_PUT_NEW);
    struct entries en = { 0 };
    assert_int_equal(vg_list_entries(db, "fr-admin", 1, count_entries, &en), VG_OK);
    assert_int_equal(en.n, 2);
    assert_int_equal(en.withdrawn, 1);
    memset(&en, 0, sizeof(en));
    assert_int_equal(vg_list_entries(db, "fr-admin", 0, count_entries, &en), VG_OK);
    assert_int_equal(en.n, 1);

    /* The log: create, add, update, withdraw, add, each with its actor. */
    struct hits x = { 0 };
    assert_int_equal(vg_list_changes(db, "fr-admin", count_changes, &x), VG_OK);
    assert_int_equal(x.n, 5);
    assert_string_equal(x.got[0], "create:alice");
    assert_string_equal(x.got[2], "update:bob");
    assert_string_equal(x.got[3], "withdraw:bob");
    assert_string_equal(x.got[4], "add:carol");

    /* The matcher from the store: at 2015-06 the first row, at 2016-06 nothing, now the second. */
    vg_site_matcher *m;
    const char *lists[] = { "fr-admin" };
    assert_int_equal(vg_site_matcher_load(db, lists, 1, &m), VG_OK);
    struct hits h;
    assert_int_equal(n_hits(m, "https://www.evil.example/", 1433116800, "FR", &h), 1);
    assert_int_equal(n_hits(m, "https://www.evil.example/", 1464739200, "FR", &h), 0);
    assert_int_equal(n_hits(m, "https://www.evil.example/", 1700000000, "FR", &h), 1);
    assert_int_equal(n_hits(m, "https://www.evil.example/", 1700000000, "DE", &h), 0);
    vg_site_matcher_free(m);
    const char *missing[] = { "nope" };
    assert_int_equal(vg_site_matcher_load(db, missing, 1, &m), VG_ENOENT);
    assert_null(m);
    fixture_close(db);
}

static void test_log_append_only(void **state)
{
    (void)state;
    vg_db *db = fixture_db("sites", "appendonly");
    int created;
    assert_int_equal(vg_list_create(db, "l", "global", NULL, "alice", &created), VG_OK);
    sqlite3 *raw;
    assert_int_equal(sqlite3_open(fixture_path, &raw), SQLITE_OK);
    assert_int_not_equal(
            sqlite3_exec(raw, "UPDATE site_list_changes SET actor = 'mallory'", NULL, NULL, NULL),
            SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(raw, "DELETE FROM site_list_changes", NULL, NULL, NULL),
                         SQLITE_OK);
    sqlite3_close(raw);
    struct hits x = { 0 };
    assert_int_equal(vg_list_changes(db, NULL, count_changes, &x), VG_OK);
    assert_int_equal(x.n, 1);
    assert_string_equal(x.got[0], "create:alice");
    fixture_close(db);
}

/* ---- files ---------------------------------------------------------------------------------- */

struct rejects {
    int n;
    uint64_t line[8];
    char field[8][32];
};

static void on_reject(const struct vg_list_reject *r, void *ud)
{
    struct rejects *x = ud;
    if (x->n < 8) {
        x->line[x->n] = r->line;
        snprintf(x->field[x->n], 32, "%s", r->field);
    }
    x->n++;
}

static int keep_entry(const struct vg_list_entry *e, void *ud)
{
    struct hits *x = ud;
    if (x->n < 8)
        snprintf(x->got[x->n], 128, "%s|%s|%s|%s", vg_list_kind_name(e->kind), e->value,
                 e->severity ? e->severity : "-", e->note ? e->note : "-");
    x->n++;
    return 0;
}

static void test_parse_mastodon(void **state)
{
    (void)state;
    const char *csv = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n"
                      "spam.example,suspend,false,false,\"spam, \"\"mostly\"\"\",false\n"
                      "Bad.Example,silence,TRUE,false,\"two\nlines\",true\n"
                      "\n"
                      "x.example,explode,false,false,,false\n"
                      "y.example,suspend,maybe,false,,false\n"
                      ",suspend,false,false,,false\n"
                      "quiet.invalid,,,,,\n";
    struct hits x = { 0 };
    struct rejects r = { 0 };
    struct vg_list_import_summary s = { 0 };
    assert_int_equal(vg_list_parse(csv, strlen(csv), "b.csv", VG_LIST_FORMAT_MASTODON, keep_entry,
                                   &x, on_reject, &r, &s),
                     VG_OK);
    assert_int_equal(s.read, 6);
    assert_int_equal(s.rejected, 3);
    assert_int_equal(x.n, 3);
    assert_string_equal(x.got[0], "domain|spam.example|suspend|spam, \"mostly\"");
    assert_string_equal(x.got[1], "domain|bad.example|silence|two\nlines");
    assert_string_equal(x.got[2], "domain|quiet.invalid|suspend|-");
    /* Lines count the line break inside the quoted comment. */
    assert_int_equal(r.line[0], 6);
    assert_string_equal(r.field[0], "#severity");
    assert_int_equal(r.line[1], 7);
    assert_string_equal(r.field[1], "#reject_media");
    assert_int_equal(r.line[2], 8);
    assert_string_equal(r.field[2], "#domain");
    /* No header: not a Mastodon file. */
    memset(&s, 0, sizeof(s));
    assert_int_equal(vg_list_parse("a.example,suspend\n", 18, "x", VG_LIST_FORMAT_MASTODON,
                                   keep_entry, &x, NULL, NULL, &s),
                     VG_EFORMAT);
}

static void test_parse_plain(void **state)
{
    (void)state;
    const char *txt = "# comment\n"
                      "\n"
                      "  Evil.Example  \n"
                      "old.invalid added=2015-01-01 withdrawn=2016-01-01 note=first list\n"
                      "x.invalid withdrawn=2014-01-01 added=2015-01-01\n"
                      "y.invalid color=red\n"
                      "https://files.example/a?fbclid=1\r\n"
                      "re:[\n";
    struct hits x = { 0 };
    struct rejects r = { 0 };
    struct vg_list_import_summary s = { 0 };
    assert_int_equal(vg_list_parse(txt, strlen(txt), "p.txt", VG_LIST_FORMAT_PLAIN, keep_entry, &x,
                                   on_reject, &r, &s),
                     VG_OK);
    assert_int_equal(s.read, 6);
    assert_int_equal(s.rejected, 3);
    assert_int_equal(x.n, 3);
    assert_string_equal(x.got[0], "domain|evil.example|-|-");
    assert_string_equal(x.got[1], "domain|old.invalid|-|first list");
    assert_string_equal(x.got[2], "url-prefix|https://files.example/a|-|-");
    assert_int_equal(r.line[0], 5);
    assert_string_equal(r.field[0], "withdrawn");
    assert_int_equal(r.line[1], 6);
    assert_string_equal(r.field[1], "fields");
    assert_int_equal(r.line[2], 8);
    assert_string_equal(r.field[2], "value");
}

static const char *write_tmp(const char *name, const char *text)
{
    static char path[256];
    snprintf(path, sizeof(path), "/tmp/vigie-sites-%d-%s", (int)getpid(), name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_import_export(void **state)
{
    (void)state;
    vg_db *db = fixture_db("sites", "import");
    int created;
    assert_int_equal(vg_list_create(db, "m", "global", NULL, "t", &created), VG_OK);
    const char *csv = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n"
                      "a.example,suspend,false,false,\"x, y\",false\n"
                      "b.example,silence,true,false,,true\n"
                      "c.example,noop,false,true,,false\n"
                      "a.example,suspend,false,false,\"x, y\",false\n"
                      "bad..example,suspend,false,false,,false\n";
    const char *path = write_tmp("m.csv", csv);
    struct vg_list_import_opts o = { VG_LIST_FORMAT_MASTODON, 0, "t", NULL, NULL, NULL };
    struct vg_list_import_summary s;
    assert_int_equal(vg_list_import(db, "m", path, &o, &s), VG_OK);
    assert_int_equal(s.read, 5);
    assert_int_equal(s.added, 3);
    assert_int_equal(s.duplicates, 1);
    assert_int_equal(s.rejected, 1);
    assert_int_equal(s.read, s.added + s.updated + s.unchanged + s.duplicates + s.rejected);
    /* Again: nothing changes. */
    assert_int_equal(vg_list_import(db, "m", path, &o, &s), VG_OK);
    assert_int_equal(s.added + s.updated + s.deleted, 0);
    assert_int_equal(s.unchanged, 3);
    /* Export, and the export imports as unchanged. */
    char *out = NULL;
    size_t len;
    assert_int_equal(vg_list_export(db, "m", VG_LIST_FORMAT_MASTODON, 0, &out, &len), VG_OK);
    assert_string_equal(
            out, "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n"
                 "a.example,suspend,false,false,\"x, y\",false\n"
                 "b.example,silence,true,false,,true\n"
                 "c.example,noop,false,true,,false\n");
    path = write_tmp("m2.csv", out);
    vg_free(out);
    assert_int_equal(vg_list_import(db, "m", path, &o, &s), VG_OK);
    assert_int_equal(s.unchanged, 3);
    assert_int_equal(s.added + s.updated + s.rejected, 0);
    /* A changed severity is an update; --replace withdraws what the file lacks. */
    path = write_tmp("m3.csv", "#domain,#severity\nb.example,suspend\n");
    o.replace = 1;
    assert_int_equal(vg_list_import(db, "m", path, &o, &s), VG_OK);
    assert_int_equal(s.updated, 1);
    assert_int_equal(s.deleted, 2);
    struct entries en = { 0 };
    assert_int_equal(vg_list_entries(db, "m", 0, count_entries, &en), VG_OK);
    assert_int_equal(en.n, 1);
    memset(&en, 0, sizeof(en));
    assert_int_equal(vg_list_entries(db, "m", 1, count_entries, &en), VG_OK);
    assert_int_equal(en.n, 3);
    assert_int_equal(en.withdrawn, 2);
    /* A list that does not exist, a file that does not. */
    assert_int_equal(vg_list_import(db, "nope", path, &o, &s), VG_ENOENT);
    assert_int_equal(vg_list_import(db, "m", "/nonexistent/x.csv", &o, &s), VG_ENOENT);
    unlink(path);
    unlink(write_tmp("m.csv", ""));
    unlink(write_tmp("m2.csv", ""));
    fixture_close(db);
}

/* ---- per-domain statistics ------------------------------------------------------------------ */

static void put_post(vg_db *db, const char *id, const char *account, int64_t at, const char *url,
                     int flagged)
{
    struct vg_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = VG_EV_POST;
    const char *urls[] = { url };
    ev.u.post.id = id;
    ev.u.post.account = account;
    ev.u.post.created_at = at;
    ev.u.post.text = "invented";
    ev.u.post.urls.v = urls;
    ev.u.post.urls.n = 1;
    fixture_put(db, &ev);
    if (flagged) {
        struct vg_post_score sc = { .score = 0.9, .flagged = 1, .lang = "en" };
        assert_int_equal(vg__db_put_score(db, id, "m1", &sc), VG_OK);
    }
}

struct dstats {
    int n;
    char line[8][256];
};

static int keep_domain(const struct vg_domain_stats *d, void *ud)
{
    struct dstats *x = ud;
    if (x->n < 8)
        snprintf(x->line[x->n], 256, "%s p%lld f%lld a%lld fa%lld %lld-%lld c%u l%zu%s%s",
                 d->domain, (long long)d->posts, (long long)d->flagged_posts,
                 (long long)d->accounts, (long long)d->flagged_accounts, (long long)d->first_seen,
                 (long long)d->last_seen, d->categories, d->n_lists, d->n_lists ? ":" : "",
                 d->n_lists ? d->lists[0] : "");
    x->n++;
    return 0;
}

static void test_domain_stats(void **state)
{
    (void)state;
    vg_db *db = fixture_db("sites", "stats");
    put_post(db, "p1", "u1", 100, "https://a.mirror.invalid/x", 1);
    put_post(db, "p2", "u1", 200, "https://b.mirror.invalid/y", 0);
    put_post(db, "p3", "u2", 300, "https://www.mirror.invalid/z", 0);
    put_post(db, "p4", "u3", 50, "https://t.me/joinchat/abc", 0);
    put_post(db, "p5", "u2", 400, "https://news.example/a", 0);
    assert_int_equal(vg_db_flush(db), VG_OK);
    int created;
    assert_int_equal(vg_list_create(db, "blk", "FR", NULL, "t", &created), VG_OK);
    struct vg_list_entry e = { .list = "blk",
                               .kind = VG_LIST_DOMAIN,
                               .value = "mirror.invalid",
                               .added = 1,
                               .withdrawn = VG_TIME_UNKNOWN };
    enum vg_put_result res;
    assert_int_equal(vg_list_entry_put(db, &e, "t", &res), VG_OK);

    struct vg_domain_stats_opts o;
    memset(&o, 0, sizeof(o));
    struct dstats x = { 0 };
    size_t n;
    assert_int_equal(vg_domain_stats(db, &o, keep_domain, &x, &n), VG_OK);
    assert_int_equal(n, 3);
    assert_int_equal(x.n, 3);
    /* u1 has a flagged post, so both of its accounts' links count a flagged account. */
    assert_string_equal(x.line[0], "mirror.invalid p3 f1 a2 fa1 100-300 c0 l1:blk");
    assert_string_equal(x.line[1], "news.example p1 f0 a1 fa0 400-400 c0 l0");
    assert_string_equal(x.line[2], "t.me p1 f0 a1 fa0 50-50 c8 l0");

    o.flagged_only = 1;
    memset(&x, 0, sizeof(x));
    assert_int_equal(vg_domain_stats(db, &o, keep_domain, &x, &n), VG_OK);
    assert_int_equal(n, 1);
    assert_string_equal(x.line[0], "mirror.invalid p1 f1 a1 fa1 100-100 c0 l1:blk");

    o.flagged_only = 0;
    const char *acc[] = { "u2" };
    o.accounts = acc;
    o.n_accounts = 1;
    memset(&x, 0, sizeof(x));
    assert_int_equal(vg_domain_stats(db, &o, keep_domain, &x, &n), VG_OK);
    assert_int_equal(n, 2);
    assert_string_equal(x.line[0], "mirror.invalid p1 f0 a1 fa0 300-300 c0 l1:blk");
    assert_string_equal(x.line[1], "news.example p1 f0 a1 fa0 400-400 c0 l0");

    const char *lists[] = { "blk" };
    o.accounts = NULL;
    o.n_accounts = 0;
    o.lists = lists;
    o.n_lists = 1;
    o.limit = 1;
    memset(&x, 0, sizeof(x));
    assert_int_equal(vg_domain_stats(db, &o, keep_domain, &x, &n), VG_OK);
    assert_int_equal(n, 1);
    assert_int_equal(x.n, 1);
    const char *missing[] = { "nope" };
    o.lists = missing;
    assert_int_equal(vg_domain_stats(db, &o, keep_domain, &x, &n), VG_ENOENT);
    fixture_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registrable),     cmocka_unit_test(test_categories),
        cmocka_unit_test(test_normalize),       cmocka_unit_test(test_matcher),
        cmocka_unit_test(test_matcher_stop),    cmocka_unit_test(test_lists_store),
        cmocka_unit_test(test_log_append_only), cmocka_unit_test(test_parse_mastodon),
        cmocka_unit_test(test_parse_plain),     cmocka_unit_test(test_import_export),
        cmocka_unit_test(test_domain_stats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
