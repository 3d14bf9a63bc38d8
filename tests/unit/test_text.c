/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_text.c: unit tests of the text stage's normalisation (text_normalize.c), HTML handling
 * (text_html.c) and entity extraction (text_extract.c). The samples are invented; the real-data
 * tests read the shared corpus (VG_SHARED_DATA) at run time and skip when it is absent, so no
 * real post is ever copied into the repository.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "text.h"

/* ---- helpers -------------------------------------------------------------------------------- */

/* Normalise s into b (reset first); returns the status. */
static vg_status norm_into(struct vg_buf *b, const char *s, size_t len)
{
    vg_buf_reset(b);
    return vg_text_normalize_buf(s, len, b);
}

static void check_norm(const char *in, const char *want)
{
    struct vg_buf b;
    vg_buf_init(&b, 1 << 20);
    assert_int_equal(norm_into(&b, in, strlen(in)), VG_OK);
    assert_string_equal(b.data, want);
    /* Every expected output is itself normalised. */
    struct vg_buf again;
    vg_buf_init(&again, 1 << 20);
    assert_int_equal(norm_into(&again, b.data, b.len), VG_OK);
    assert_string_equal(again.data, want);
    vg_buf_release(&again);
    vg_buf_release(&b);
}

static void check_norm_fails(const char *in, size_t len, vg_status want)
{
    struct vg_buf b;
    vg_buf_init(&b, 1 << 20);
    assert_int_equal(vg_buf_puts(&b, "kept|"), VG_OK);
    assert_int_equal(vg_text_normalize_buf(in, len, &b), want);
    assert_string_equal(b.data, "kept|"); /* output untouched on failure */
    vg_buf_release(&b);
}

/* Read a whole file; NULL if it cannot be read. Caller frees with free(). */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *data = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 1 << 20;
            char *p = realloc(data, cap + 1);
            if (!p)
                break;
            data = p;
        }
        size_t got = fread(data + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    if (data)
        data[n] = '\0';
    *len = n;
    return data;
}

/* ---- normalisation -------------------------------------------------------------------------- */

static void test_normalize_width_and_case(void **state)
{
    (void)state;
    check_norm("Ｈｅｌｌｏ  Wörld", "hello world");
    check_norm("HELLO World", "hello world");
    check_norm("Straße ﬁnal Ǆ", "strasse final dz");
    check_norm("ΑΘΗΝΑ Ἀθῆναι", "αθηνα αθηναι");
    check_norm("①②③ ㎏", "123 kg");
}

static void test_normalize_latin_accents(void **state)
{
    (void)state;
    check_norm("Ça va, Élève naïve façade", "ca va, eleve naive facade");
    /* Decomposed input gives the same as precomposed. */
    check_norm("e\xCC\x81le\xCC\x80ve", "eleve");
    check_norm("#liberté", "#liberte");
    /* Zalgo: the marks go, however many. */
    char z[1 + 2 * 100 + 1];
    z[0] = 'a';
    for (int i = 0; i < 100; i++)
        memcpy(z + 1 + 2 * i, "\xCC\x81", 2);
    z[sizeof(z) - 1] = '\0';
    check_norm(z, "a");
}

static void test_normalize_whitespace_and_invisibles(void **state)
{
    (void)state;
    check_norm("  a\t\n b\u00A0c\u3000d\u2028e  ", "a b c d e");
    check_norm("ab\u200Bc\uFEFFd\u2060e", "abcde");
    check_norm("ji\u200Chad", "jihad");   /* ZWNJ */
    check_norm("\u202Eabc\u202C", "abc"); /* bidi override */
    check_norm("soft\u00ADhyphen", "softhyphen");
    check_norm("tab\001\002ctl\177", "tabctl"); /* controls */
    check_norm("", "");
    check_norm(" \t\n ", "");
}

static void test_normalize_arabic(void **state)
{
    (void)state;
    /* Harakat and shadda removed, ta marbuta to ha. */
    check_norm("بِسْمِ اللَّهِ", "بسم الله");
    check_norm("الْمَدِينَةِ", "المدينه");
    /* Tatweel. */
    check_norm("الدولــــة", "الدوله");
    /* Alef forms, with and without harakat on them. */
    check_norm("أحمد إسلام آمن ٱلله", "احمد اسلام امن الله");
    check_norm("أَمْر", "امر");
    /* Decomposed alef + hamza above gives the same. */
    check_norm("\u0627\u0654حمد", "احمد");
    /* Alef maqsura and Persian ya to ya, Persian kaf to kaf. */
    check_norm("على", "علي");
    check_norm("کتاب یک", "كتاب يك");
    /* Hamza on waw and ya is a letter of its own and stays. */
    check_norm("مسؤول شيئ", "مسؤول شيئ");
    /* Presentation forms (lam-alef ligature, isolated forms) to base letters. */
    check_norm("\xEF\xBB\xBB", "لا");
    check_norm("\xEF\xBB\x8B\xEF\xBB\x8C", "عع");
    /* Quranic annotation marks. */
    check_norm("الصلوٰة", "الصلوه");
}

static void test_normalize_digits(void **state)
{
    (void)state;
    check_norm("١٢٣", "123");
    check_norm("۱۲۳۴۵۶۷۸۹۰", "1234567890");
    check_norm("عام ٢٠١٥", "عام 2015");
}

static void test_normalize_entities(void **state)
{
    (void)state;
    check_norm("Tom &amp; Jerry", "tom & jerry");
    check_norm("&lt;b&gt;bold&lt;/b&gt;", "<b>bold</b>");
    /* Double escaping, as CSV exports of tweets carry it. */
    check_norm("fish &amp;amp; chips", "fish & chips");
    check_norm("&amp;amp;lt;", "<");
    check_norm("&#x627;&#1604;", "ال");
    check_norm("&Eacute;t&eacute;", "ete");
    check_norm("it&#39;s &quot;x&quot;", "it's \"x\"");
    check_norm("a&nbsp;&nbsp;b", "a b");
    /* Unknown or malformed references are text. */
    check_norm("&bogus; & &amp &#; AT&T", "&bogus; & &amp &#; at&t");
    /* References spelled by fold-equivalent characters decode in the first pass. */
    check_norm("＆ｌｔ；", "<");
    check_norm("&AMP;", "&");
    check_norm("&l&#116;;", "<");
    check_norm("&#x26;lt;", "<");
}

static void test_normalize_other_scripts_kept(void **state)
{
    (void)state;
    /* Marks that are part of letters in other scripts are kept (NFC). */
    check_norm("मुंबई", "मुंबई");
    check_norm("한국어", "한국어");
    check_norm("\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB", "한"); /* conjoining jamo compose */
    check_norm("ПРИВЕТ", "привет");
    check_norm("emoji 😀👍🏽", "emoji 😀👍🏽");
}

static void test_normalize_errors(void **state)
{
    (void)state;
    check_norm_fails("ab\xC3\x28", 4, VG_EUTF8);
    check_norm_fails("\xED\xA0\x80", 3, VG_EUTF8);     /* surrogate */
    check_norm_fails("\xC0\xAF", 2, VG_EUTF8);         /* overlong '/' */
    check_norm_fails("\xF4\x90\x80\x80", 4, VG_EUTF8); /* above U+10FFFF */
    check_norm_fails("abc\xE2\x82", 5, VG_EUTF8);      /* truncated */

    char *big = malloc((size_t)VG_TEXT_MAX + 1);
    assert_non_null(big);
    memset(big, 'A', (size_t)VG_TEXT_MAX + 1);
    check_norm_fails(big, (size_t)VG_TEXT_MAX + 1, VG_ELIMIT);
    struct vg_buf b;
    vg_buf_init(&b, 2 * VG_TEXT_MAX);
    assert_int_equal(norm_into(&b, big, VG_TEXT_MAX), VG_OK);
    assert_int_equal(b.len, VG_TEXT_MAX);
    assert_int_equal(b.data[0], 'a');
    /* An output buffer too small for the result is VG_ELIMIT, not a crash. */
    struct vg_buf small;
    vg_buf_init(&small, 8);
    assert_int_equal(vg_text_normalize_buf("élève élève", strlen("élève élève"), &small),
                     VG_ELIMIT);
    assert_int_equal(small.len, 0);
    vg_buf_release(&small);
    vg_buf_release(&b);
    free(big);

    /* The largest expansion (U+FDFA, 3 bytes to 18 letters) still fits at the input limit. */
    size_t n = VG_TEXT_MAX / 3 * 3;
    char *wide = malloc(n);
    assert_non_null(wide);
    for (size_t i = 0; i < n; i += 3)
        memcpy(wide + i, "\uFDFA", 3);
    char *out = NULL;
    size_t out_len = 0;
    assert_int_equal(vg_text_normalize(wide, n, &out, &out_len), VG_OK);
    assert_true(out_len > 10 * n);
    assert_memory_equal(out, "صلي الله عليه وسلمصلي", strlen("صلي الله عليه وسلمصلي"));
    vg_free(out);
    free(wide);
}

/* The ASCII fast path and the full path must agree: a leading zero-width space (removed by
 * normalisation) forces the full path on the same text. */
static void test_normalize_fast_path_agrees(void **state)
{
    (void)state;
    static const char *const samples[] = {
        "Hello World",
        "  MIXED case\t\tand\r\nnewlines  ",
        "ctl\x01\x1f\x7f chars",
        "a;b;c #tag @user http://t.co/X",
        "",
        "   ",
        "\v\f",
        "UPPER_lower 0123 !?",
    };
    struct vg_buf fast, full;
    vg_buf_init(&fast, 4096);
    vg_buf_init(&full, 4096);
    for (size_t i = 0; i < VG_ARRAY_LEN(samples); i++) {
        char with_zw[256];
        snprintf(with_zw, sizeof(with_zw), "\xE2\x80\x8B%s", samples[i]);
        assert_int_equal(norm_into(&fast, samples[i], strlen(samples[i])), VG_OK);
        assert_int_equal(norm_into(&full, with_zw, strlen(with_zw)), VG_OK);
        assert_int_equal(fast.len, full.len);
        assert_memory_equal(fast.data ? fast.data : "", full.data ? full.data : "", fast.len);
    }
    vg_buf_release(&fast);
    vg_buf_release(&full);
}

static void test_normalize_appends(void **state)
{
    (void)state;
    struct vg_buf b;
    vg_buf_init(&b, 1024);
    assert_int_equal(vg_buf_puts(&b, "x|"), VG_OK);
    assert_int_equal(vg_text_normalize_buf("ÉTÉ", strlen("ÉTÉ"), &b), VG_OK);
    assert_int_equal(vg_text_normalize_buf(" |A B", 5, &b), VG_OK);
    assert_string_equal(b.data, "x|ete|a b");
    vg_buf_release(&b);
}

static void test_normalize_public(void **state)
{
    (void)state;
    char *out = (char *)1;
    size_t n = 99;
    assert_int_equal(vg_text_normalize("Ｗｏｒｌｄ", strlen("Ｗｏｒｌｄ"), &out, &n), VG_OK);
    assert_string_equal(out, "world");
    assert_int_equal(n, 5);
    vg_free(out);
    assert_int_equal(vg_text_normalize("", 0, &out, &n), VG_OK);
    assert_string_equal(out, "");
    assert_int_equal(n, 0);
    vg_free(out);
    out = (char *)1;
    assert_int_equal(vg_text_normalize("\xFF", 1, &out, &n), VG_EUTF8);
    assert_null(out);
    assert_int_equal(n, 0);
}

/* Fail each allocation in turn: the call returns VG_ENOMEM or succeeds, and leaks nothing
 * (checked by the sanitizer build). */
static void test_normalize_alloc_failures(void **state)
{
    (void)state;
    const char *s = "Ｈｅｌｌｏ &amp; أَهْلاً";
    for (uint64_t k = 1; k <= 4; k++) {
        char *out = NULL;
        size_t n;
        vg__alloc_fail_after(k);
        vg_status rc = vg_text_normalize(s, strlen(s), &out, &n);
        vg__alloc_fail_after(0);
        if (rc == VG_OK) {
            assert_string_equal(out, "hello & اهلا");
            vg_free(out);
        } else {
            assert_int_equal(rc, VG_ENOMEM);
            assert_null(out);
        }
    }
}

static void test_normalize_mark_runs_bounded(void **state)
{
    (void)state;
    /* A Hebrew letter with 40 points keeps 30 (stream-safe bound). */
    char in[2 + 40 * 2 + 1];
    memcpy(in, "\xD7\x91", 2);
    for (int i = 0; i < 40; i++)
        memcpy(in + 2 + 2 * i, "\xD6\xB0", 2);
    in[sizeof(in) - 1] = '\0';
    struct vg_buf b;
    vg_buf_init(&b, 4096);
    assert_int_equal(norm_into(&b, in, strlen(in)), VG_OK);
    assert_int_equal(b.len, 2 + 30 * 2);
    vg_buf_release(&b);
}

/* Normalise every line of a real file: valid lines never fail, and the result is a fixed
 * point. Returns the number of lines checked. */
static size_t normalize_file_lines(const char *path)
{
    size_t len;
    char *data = read_file(path, &len);
    if (!data)
        return 0;
    struct vg_buf once, twice;
    vg_buf_init(&once, 8 * (size_t)VG_TEXT_MAX);
    vg_buf_init(&twice, 8 * (size_t)VG_TEXT_MAX);
    size_t n_lines = 0;
    for (char *line = data, *end = data + len; line < end;) {
        char *nl = memchr(line, '\n', (size_t)(end - line));
        size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line);
        if (vg_utf8_valid(line, n)) {
            assert_int_equal(norm_into(&once, line, n), VG_OK);
            assert_true(vg_utf8_valid(once.data ? once.data : "", once.len));
            assert_int_equal(norm_into(&twice, once.data ? once.data : "", once.len), VG_OK);
            if (once.len != twice.len || memcmp(once.data, twice.data, once.len) != 0)
                fail_msg("not idempotent on line %zu of %s", n_lines + 1, path);
            n_lines++;
        }
        line += n + 1;
    }
    vg_buf_release(&once);
    vg_buf_release(&twice);
    free(data);
    return n_lines;
}

static void test_normalize_real_data(void **state)
{
    (void)state;
    static const char *const files[] = {
        "isis-fanboy/tweets.csv",
        "osact2022-arabic/osact2022.tsv",
        "mlma-hate-speech/fr_dataset.csv",
    };
    size_t total = 0;
    for (size_t i = 0; i < VG_ARRAY_LEN(files); i++) {
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s", VG_SHARED_DATA, files[i]);
        total += normalize_file_lines(path);
    }
    if (total == 0)
        skip();
    assert_true(total > 1000);
}

/* ---- HTML ----------------------------------------------------------------------------------- */

static void check_unescape(const char *in, const char *want)
{
    struct vg_buf b;
    vg_buf_init(&b, 4096);
    assert_int_equal(vg_html_unescape_buf(in, strlen(in), &b), VG_OK);
    assert_string_equal(b.data ? b.data : "", want);
    vg_buf_release(&b);
}

static void test_html_unescape(void **state)
{
    (void)state;
    check_unescape("a &amp; b &lt;&gt; &quot;q&quot; &apos;s", "a & b <> \"q\" 's");
    check_unescape("&nbsp;", "\xC2\xA0");
    check_unescape("&#39;&#x27;&#X27;", "'''");
    check_unescape("&#x1F600;", "😀");
    check_unescape("&eacute;&Eacute;&ccedil;&euro;&hellip;&mdash;", "éÉç€…—");
    check_unescape("&alpha;&Omega;&rarr;&rArr;", "αΩ→⇒");
    /* Single pass: double escaping is kept as one level of text. */
    check_unescape("&amp;lt;", "&lt;");
    /* Invalid code points become U+FFFD; C1 values are Windows-1252. */
    check_unescape("&#0;&#xD800;&#x110000;&#99999999999999999999;", "\xEF\xBF\xBD\xEF\xBF\xBD"
                                                                    "\xEF\xBF\xBD\xEF\xBF\xBD");
    check_unescape("&#150;&#x80;", "–€");
    /* Unknown, unterminated or malformed references stay as written. */
    check_unescape("&bogus; &amp &#; &#x; &#12a; & x &", "&bogus; &amp &#; &#x; &#12a; & x &");
    check_unescape("&aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa;",
                   "&aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa;");
    check_unescape("", "");
}

static void check_html(const char *in, const char *want)
{
    struct vg_buf b;
    vg_buf_init(&b, 4096);
    assert_int_equal(vg_html_to_text_buf(in, strlen(in), &b), VG_OK);
    assert_string_equal(b.data ? b.data : "", want);
    vg_buf_release(&b);
}

static void test_html_to_text_mastodon(void **state)
{
    (void)state;
    /* Invented posts in the shape Mastodon renders. */
    check_html("<p>Meeting at the <a href=\"https://social.example/tags/market\" class=\"mention "
               "hashtag\" rel=\"tag\">#<span>market</span></a> with <span class=\"h-card\" "
               "translate=\"no\"><a href=\"https://social.example/@alice\" class=\"u-url "
               "mention\">@<span>alice</span></a></span></p>",
               "Meeting at the #market with @alice");
    check_html("<p>Read <a href=\"https://news.example.org/2024/05/a-long-article-title?x=1\" "
               "rel=\"nofollow noopener noreferrer\" target=\"_blank\"><span "
               "class=\"invisible\">https://</span><span class=\"ellipsis\">news.example.org/"
               "2024/05/a-lo</span><span class=\"invisible\">ng-article-title?x=1</span></a> "
               "now</p>",
               "Read https://news.example.org/2024/05/a-long-article-title?x=1 now");
    check_html("<p>first paragraph</p><p>second<br />line<br>third<br/>end</p>",
               "first paragraph\n\nsecond\nline\nthird\nend");
    check_html("<p>Tom &amp; Jerry &lt;3 &#x1F600;</p>", "Tom & Jerry <3 😀");
}

static void test_html_to_text_markup(void **state)
{
    (void)state;
    check_html("x<script>alert('<p>')</script>y<STYLE>p { color: red }</STYLE>z", "xyz");
    check_html("a < b <3 <!-- hidden <p> --> c", "a < b <3 c");
    check_html("<a title=\"x>y\" href='z'>text</a>", "text");
    check_html("  <p>  spaced \n\t out  </p>  ", "spaced out");
    check_html("<P>upper</P><P>case<BR>tags</P>", "upper\n\ncase\ntags");
    check_html("<p>a<br></p><p>b</p>", "a\n\nb");
    check_html("<div>one</div><div>two</div>", "one\ntwo");
    check_html("&nbsp;x&nbsp;", "x");
    check_html("<p>open <b", "open");
    check_html("<br><br><p></p>", "");
    check_html("", "");
}

static void test_html_to_text_appends(void **state)
{
    (void)state;
    struct vg_buf b;
    vg_buf_init(&b, 4096);
    assert_int_equal(vg_buf_puts(&b, "  before "), VG_OK);
    assert_int_equal(vg_html_to_text_buf("<p> after </p>", 14, &b), VG_OK);
    assert_string_equal(b.data, "  before after");
    /* A limit hit leaves the buffer as it was. */
    struct vg_buf small;
    vg_buf_init(&small, 4);
    assert_int_equal(vg_html_to_text_buf("<p>too long</p>", 15, &small), VG_ELIMIT);
    assert_int_equal(small.len, 0);
    vg_buf_release(&small);
    vg_buf_release(&b);
}

/* Each `<span class="invisible">X</span>` text X of a real status must appear in the text. */
static void check_invisible_spans(const char *html, const char *text)
{
    static const char open[] = "<span class=\"invisible\">";
    for (const char *p = strstr(html, open); p; p = strstr(p + 1, open)) {
        const char *x = p + strlen(open), *e = strstr(x, "</span>");
        assert_non_null(e);
        struct vg_buf want;
        vg_buf_init(&want, 65536);
        assert_int_equal(vg_html_unescape_buf(x, (size_t)(e - x), &want), VG_OK);
        /* Text at a line end loses its trailing space; compare without it. */
        while (want.len > 0 && want.data[want.len - 1] == ' ')
            want.data[--want.len] = '\0';
        if (want.len > 0 && !strstr(text, want.data))
            fail_msg("invisible span text \"%s\" lost", want.data);
        vg_buf_release(&want);
    }
}

static size_t html_statuses(const cJSON *j, struct vg_buf *b)
{
    size_t n = 0;
    if (cJSON_IsArray(j) || cJSON_IsObject(j)) {
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(j, "content");
        if (cJSON_IsObject(j) && cJSON_IsString(c) && cJSON_GetObjectItemCaseSensitive(j, "uri")) {
            const char *html = c->valuestring;
            vg_buf_reset(b);
            assert_int_equal(vg_html_to_text_buf(html, strlen(html), b), VG_OK);
            const char *t = b->data ? b->data : "";
            assert_true(vg_utf8_valid(t, b->len));
            assert_null(strstr(t, "<p>"));
            assert_null(strstr(t, "<br"));
            assert_null(strstr(t, "<span"));
            if (b->len > 0) {
                assert_false(t[0] == ' ' || t[0] == '\n');
                assert_false(t[b->len - 1] == ' ' || t[b->len - 1] == '\n');
            }
            check_invisible_spans(html, t);
            n++;
        }
        for (const cJSON *k = j->child; k; k = k->next)
            n += html_statuses(k, b);
    }
    return n;
}

static void test_html_to_text_real_mastodon(void **state)
{
    (void)state;
    static const char *const files[] = {
        "get_account_statuses_default_0.json",
        "get_account_statuses_limit_0.json",
        "get_account_statuses_limit_1.json",
        "get_account_bookmarks_default_0.json",
    };
    size_t n = 0;
    struct vg_buf b;
    vg_buf_init(&b, 1 << 20);
    for (size_t i = 0; i < VG_ARRAY_LEN(files); i++) {
        char path[1024];
        snprintf(path, sizeof(path), "%s/mastodon-activitypub-json/rtoot-vcr/%s", VG_SHARED_DATA,
                 files[i]);
        size_t len;
        char *data = read_file(path, &len);
        if (!data)
            continue;
        cJSON *j = cJSON_ParseWithLength(data, len);
        assert_non_null(j);
        n += html_statuses(j, &b);
        cJSON_Delete(j);
        free(data);
    }
    vg_buf_release(&b);
    if (n == 0)
        skip();
}

/* ---- extraction ----------------------------------------------------------------------------- */

struct found {
    char items[32][160]; /* "H:tag", "M:user", "U:url" */
    size_t n;
    size_t stop_at; /* return VG_ECANCEL at this call (1-based); 0 never */
};

static vg_status collect(enum vg_entity_kind kind, const char *s, size_t len, void *ud)
{
    struct found *f = ud;
    if (f->stop_at && f->n + 1 == f->stop_at)
        return VG_ECANCEL;
    assert_true(f->n < VG_ARRAY_LEN(f->items));
    static const char letter[] = {
        [VG_ENTITY_HASHTAG] = 'H', [VG_ENTITY_MENTION] = 'M', [VG_ENTITY_URL] = 'U'
    };
    snprintf(f->items[f->n++], sizeof(f->items[0]), "%c:%.*s", letter[kind], (int)len, s);
    return VG_OK;
}

/* want: entities joined by '|', e.g. "H:tag|M:user"; "" for none. */
static void check_extract(const char *in, const char *want)
{
    struct found f = { .n = 0, .stop_at = 0 };
    long n = vg_text_extract(in, strlen(in), collect, &f);
    char got[2048] = "";
    for (size_t i = 0; i < f.n; i++) {
        if (i)
            strcat(got, "|");
        strcat(got, f.items[i]);
    }
    assert_string_equal(got, want);
    assert_int_equal(n, (long)f.n);
}

static void test_extract_hashtags(void **state)
{
    (void)state;
    check_extract("#hello world #World_2 end", "H:hello|H:World_2");
    check_extract("a#b C# x.#ok (#paren)", "H:ok|H:paren");
    check_extract("#123 #1a #_ #١٢٣", "H:1a|H:_");
    check_extract("نشر #الدولة_الإسلامية اليوم", "H:الدولة_الإسلامية");
    check_extract("vive la #liberté!", "H:liberté");
    check_extract("#e\xCC\x81t\xC3\xA9 mark", "H:e\xCC\x81t\xC3\xA9");
    check_extract("keycaps #\xEF\xB8\x8F\xE2\x83\xA3 #1\xEF\xB8\x8F\xE2\x83\xA3", "");
    check_extract("#foo#bar", "H:foo");
    check_extract("##double", "H:double");
    /* The residue of an HTML reference is not a tag. */
    check_extract("it&#x27;s &#xyz;", "");
    check_extract("#می\xE2\x80\x8Cخواهم", "H:می\xE2\x80\x8Cخواهم"); /* ZWNJ inside */
}

static void test_extract_mentions(void **state)
{
    (void)state;
    check_extract("RT @user_1: hi @Other", "M:user_1|M:Other");
    check_extract("mail me at name@example.com or a.b@c.org", "");
    check_extract("(@paren) @user's", "M:paren|M:user");
    check_extract("fedi @alice@social.example.org. bye", "M:alice@social.example.org");
    check_extract("@bob@localhost only", "M:bob");
    check_extract("@ alone @", "");
    check_extract("@ab\xC3\xA9", "M:ab");
    char handle50[64] = "@", handle51[64] = "@";
    memset(handle50 + 1, 'x', 50);
    memset(handle51 + 1, 'y', 51);
    check_extract(handle51, "");
    struct found f = { .n = 0, .stop_at = 0 };
    assert_int_equal(vg_text_extract(handle50, 51, collect, &f), 1);
    assert_int_equal(strlen(f.items[0]), 2 + 50);
}

static void test_extract_urls(void **state)
{
    (void)state;
    check_extract("see http://t.co/abc.", "U:http://t.co/abc");
    check_extract("(see https://example.com/a)", "U:https://example.com/a");
    check_extract("https://en.wikipedia.org/wiki/Foo_(bar)).",
                  "U:https://en.wikipedia.org/wiki/Foo_(bar)");
    check_extract("\"https://x.org/q?a=1&b=2\",", "U:https://x.org/q?a=1&b=2");
    check_extract("truncated https://t.co/abc\xE2\x80\xA6", "U:https://t.co/abc");
    check_extract("HTTPS://EXAMPLE.COM/X", "U:HTTPS://EXAMPLE.COM/X");
    /* Arabic text glued to a URL still yields it; a letter before "http" does not. */
    check_extract("شاهدhttps://t.co/xyz", "U:https://t.co/xyz");
    check_extract("xhttp://no.example http:// https://…", "");
    /* '#' and '@' inside a URL are part of it, not entities. */
    check_extract("https://example.com/page#section https://x.com/@user #after",
                  "U:https://example.com/page#section|U:https://x.com/@user|H:after");
    check_extract("clip here:http://t.co/Ab1 http://t.co/Cd2\n#tag",
                  "U:http://t.co/Ab1|U:http://t.co/Cd2|H:tag");
}

static void test_extract_callback_and_input(void **state)
{
    (void)state;
    const char *s = "#a #b #c";
    struct found f = { .n = 0, .stop_at = 2 };
    assert_int_equal(vg_text_extract(s, strlen(s), collect, &f), VG_ECANCEL);
    assert_int_equal(f.n, 1);
    assert_int_equal(vg_text_extract(s, strlen(s), NULL, NULL), 3);
    /* Only len bytes are read. */
    assert_int_equal(vg_text_extract(s, 4, NULL, NULL), 1);
    assert_int_equal(vg_text_extract(s, 5, NULL, NULL), 2);
    /* Invalid UTF-8 is skipped, not fatal. */
    check_extract("#ab\377cd \303 @x", "H:ab|M:x");
    assert_int_equal(vg_text_extract("", 0, NULL, NULL), 0);
}

/* A thread that normalised text leaves nothing behind when it ends: its scratch is released at
 * thread exit (under ASan, LeakSanitizer fails this program otherwise). */
static void *normalise_in_thread(void *arg)
{
    (void)arg;
    static const char s[] = "Caf\xc3\xa9 \xd8\xa7\xd9\x84\xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a\xd8\xa9";
    char *out = NULL;
    vg_status rc = vg_text_normalize(s, sizeof(s) - 1, &out, NULL);
    vg_free(out);
    return (void *)(intptr_t)rc;
}

static void test_thread_scratch_released_at_exit(void **state)
{
    (void)state;
    for (int i = 0; i < 4; i++) {
        pthread_t t;
        void *rc;
        assert_int_equal(pthread_create(&t, NULL, normalise_in_thread, NULL), 0);
        assert_int_equal(pthread_join(t, &rc), 0);
        assert_int_equal((intptr_t)rc, VG_OK);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalize_width_and_case),
        cmocka_unit_test(test_normalize_latin_accents),
        cmocka_unit_test(test_normalize_whitespace_and_invisibles),
        cmocka_unit_test(test_normalize_arabic),
        cmocka_unit_test(test_normalize_digits),
        cmocka_unit_test(test_normalize_entities),
        cmocka_unit_test(test_normalize_other_scripts_kept),
        cmocka_unit_test(test_normalize_errors),
        cmocka_unit_test(test_normalize_fast_path_agrees),
        cmocka_unit_test(test_normalize_appends),
        cmocka_unit_test(test_normalize_public),
        cmocka_unit_test(test_normalize_alloc_failures),
        cmocka_unit_test(test_normalize_mark_runs_bounded),
        cmocka_unit_test(test_normalize_real_data),
        cmocka_unit_test(test_html_unescape),
        cmocka_unit_test(test_html_to_text_mastodon),
        cmocka_unit_test(test_html_to_text_markup),
        cmocka_unit_test(test_html_to_text_appends),
        cmocka_unit_test(test_html_to_text_real_mastodon),
        cmocka_unit_test(test_extract_hashtags),
        cmocka_unit_test(test_extract_mentions),
        cmocka_unit_test(test_extract_urls),
        cmocka_unit_test(test_extract_callback_and_input),
        cmocka_unit_test(test_thread_scratch_released_at_exit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
