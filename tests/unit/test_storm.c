/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_storm.c: the storm stage on invented streams. The text sketch (copies share a value,
 * different texts do not, tags and links ignored), hashtag and domain keys, the Poisson tail
 * against known values; the detector on a stream with a steady hashtag, a link storm, a copy
 * storm (reworded texts, no link) and an organic burst (many accounts, own words): exactly the two
 * storms alarm, within minutes, with their accounts and not the bystanders'; the same through the
 * store (replay); out-of-order posts and bad options refused; every allocation failure returns
 * VG_ENOMEM without leaks (ASan); the storm truth reader, strict on what it needs.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store.h"
#include "storm.h"

#define T0 1772323200 /* 2026-03-01T00:00:00Z */

/* ---- sketch, keys, tail ---------------------------------------------------------------------- */

static int shares_value(const uint64_t *a, const uint64_t *b)
{
    for (int i = 0; i < VG_STORM_SKETCH; i++)
        for (int j = 0; j < VG_STORM_SKETCH; j++)
            if (a[i] == b[j])
                return 1;
    return 0;
}

static void sketch_copies_and_others(void **state)
{
    (void)state;
    uint64_t a[VG_STORM_SKETCH], b[VG_STORM_SKETCH], c[VG_STORM_SKETCH], d[VG_STORM_SKETCH];
    uint64_t fa, fb, fc, fd, fe;
    const char *msg = "the invented province rises at dawn join the march to the old bridge now";
    assert_int_equal(vg__storm_sketch(msg, a, &fa), 12); /* "the" three times */
    /* A reworded copy: a prefix, a suffix, a hashtag and a link added. */
    assert_true(vg__storm_sketch("Spread this: The invented province rises at dawn, join the "
                                 "march to the old bridge now ... #Dawn1 https://x.example/s1",
                                 b, &fb) >= VG_STORM_MIN_WORDS);
    assert_true(shares_value(a, b));
    assert_true(fa != fb); /* other words: another text */
    /* Tags, mentions, links and a leading RT are not words of the message. */
    vg__storm_sketch("RT @someone: the invented province rises at dawn join the march to the old "
                     "bridge now #Other http://y.example/z",
                     c, &fc);
    assert_memory_equal(a, c, sizeof(a));
    assert_true(fa == fc);
    /* The same words in another order and case, punctuated otherwise, are the same text. */
    vg__storm_sketch("Now the old bridge: the march! Join at dawn, the invented province rises to",
                     d, &fe);
    assert_true(fa == fe);
    assert_int_equal(
            vg__storm_sketch("lovely weather near seaside this afternoon with good friends", d,
                             &fd),
            9);
    assert_false(shares_value(a, d));
    assert_true(fa != fd);
    assert_int_equal(vg__storm_sketch("too short", d, &fd), 2);
}

static void keys_and_tail(void **state)
{
    (void)state;
    char out[16];
    assert_int_equal(vg__storm_tag_norm("#DawnRises12", out, sizeof(out)), 11);
    assert_string_equal(out, "dawnrises12");
    assert_int_equal(vg__storm_tag_norm("###Ab", out, sizeof(out)), 2);
    assert_string_equal(out, "ab");
    assert_int_equal(vg__storm_tag_norm("VeryLongHashtagIndeed", out, 8), 7);
    assert_string_equal(out, "verylon");
    const char *h;
    size_t n = vg__storm_domain("https://www.Dawn-Storm.example/s3?x=1", &h);
    assert_int_equal(n, 18);
    assert_memory_equal(h, "Dawn-Storm.example", 18);
    assert_int_equal(vg__storm_domain("not a link", &h), 0);
    /* -log10 P(X >= 10 | 1) = 6.953, -log10 P(X >= 30 | 10) = 6.600 (exact sums). */
    assert_true(fabs(vg__storm_poisson_log10_tail(10, 1) - 6.953) < 0.01);
    assert_true(fabs(vg__storm_poisson_log10_tail(30, 10) - 6.600) < 0.01);
    assert_true(vg__storm_poisson_log10_tail(3, 5) == 0);
}

/* ---- an invented stream ---------------------------------------------------------------------- */

struct post_rec {
    char id[24], account[24], text[400], tag[32], url[64];
    int64_t at;
};

struct stream {
    struct post_rec *p;
    size_t n, cap;
    uint64_t rng;
};

static uint64_t rnd(struct stream *s)
{
    s->rng = s->rng * 6364136223846793005ull + 1442695040888963407ull;
    return s->rng >> 33;
}

static void words(struct stream *s, char *out, size_t cap, int n)
{
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        char w[16];
        snprintf(w, sizeof(w), "%sw%llu", i ? " " : "", (unsigned long long)(rnd(s) % 5000));
        strncat(out, w, cap - strlen(out) - 1);
    }
}

static struct post_rec *add(struct stream *s, int64_t at, const char *account, const char *tag)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 1024;
        s->p = realloc(s->p, s->cap * sizeof(*s->p));
        assert_non_null(s->p);
    }
    struct post_rec *r = &s->p[s->n++];
    memset(r, 0, sizeof(*r));
    snprintf(r->id, sizeof(r->id), "p%zu", s->n);
    snprintf(r->account, sizeof(r->account), "%s", account);
    snprintf(r->tag, sizeof(r->tag), "%s", tag);
    r->at = at;
    return r;
}

static int by_time(const void *a, const void *b)
{
    const struct post_rec *x = a, *y = b;
    return x->at < y->at ? -1 : x->at > y->at ? 1 : strcmp(x->id, y->id);
}

#define LINK_START    (T0 + 86400 + 12 * 3600)
#define COPY_START    (T0 + 86400 + 18 * 3600)
#define ORGANIC_START (T0 + 86400 + 8 * 3600)

/* Two days: 300 ordinary accounts post their own words, a third with #news; on day 2 a link
 * storm (#stormlink: 40 accounts, one link, their own words, 3 posts each over an hour), a copy
 * storm (#stormcopy: 40 accounts, reworded copies of one message, no link), 20 bystanders using
 * #stormlink without the link, and an organic burst (#match: 150 accounts, own words, a photo
 * link of their own now and then). */
static void build_stream(struct stream *s)
{
    memset(s, 0, sizeof(*s));
    s->rng = 42;
    char acc[24];
    for (int i = 0; i < 6000; i++) {
        snprintf(acc, sizeof(acc), "o%llu", (unsigned long long)(rnd(s) % 300));
        struct post_rec *r =
                add(s, T0 + (int64_t)(rnd(s) % (2 * 86400)), acc, i % 3 == 0 ? "news" : "");
        words(s, r->text, sizeof(r->text), 8);
    }
    for (int a = 0; a < 40; a++)
        for (int k = 0; k < 3; k++) {
            snprintf(acc, sizeof(acc), "L%d", a);
            struct post_rec *r = add(s, LINK_START + (int64_t)(rnd(s) % 3600), acc, "StormLink");
            if (a == 0 && k == 0)
                r->at = LINK_START;
            words(s, r->text, sizeof(r->text), 10);
            snprintf(r->url, sizeof(r->url), "https://storm.example/s1");
        }
    for (int a = 0; a < 20; a++) {
        snprintf(acc, sizeof(acc), "by%d", a);
        struct post_rec *r = add(s, LINK_START + 300 + (int64_t)(rnd(s) % 3600), acc, "StormLink");
        words(s, r->text, sizeof(r->text), 9);
    }
    static const char *const pre[] = { "", "Spread this: ", "Read: ", ">> " };
    static const char *const post[] = { "", " - share it", " ...", " !!" };
    for (int a = 0; a < 40; a++)
        for (int k = 0; k < 3; k++) {
            snprintf(acc, sizeof(acc), "C%d", a);
            struct post_rec *r = add(s, COPY_START + (int64_t)(rnd(s) % 3600), acc, "StormCopy");
            if (a == 0 && k == 0)
                r->at = COPY_START;
            snprintf(r->text, sizeof(r->text),
                     "%sthe province rises at dawn join the march to "
                     "the bridge and bring your brothers%s",
                     pre[rnd(s) % 4], post[rnd(s) % 4]);
        }
    for (int a = 0; a < 150; a++) {
        snprintf(acc, sizeof(acc), "o%d", a); /* ordinary accounts */
        int n = 1 + (int)(rnd(s) % 3);
        for (int k = 0; k < n; k++) {
            struct post_rec *r = add(s, ORGANIC_START + (int64_t)(rnd(s) % 5400), acc, "Match");
            words(s, r->text, sizeof(r->text), 9);
            if (rnd(s) % 10 == 0)
                snprintf(r->url, sizeof(r->url), "https://photos.example/%zu", s->n);
        }
    }
    qsort(s->p, s->n, sizeof(*s->p), by_time);
}

static void to_post(const struct post_rec *r, struct vg_post *p, const char **tag, const char **url)
{
    memset(p, 0, sizeof(*p));
    p->id = r->id;
    p->account = r->account;
    p->created_at = r->at;
    p->text = r->text;
    *tag = r->tag;
    *url = r->url;
    p->hashtags.v = tag;
    p->hashtags.n = r->tag[0] ? 1 : 0;
    p->urls.v = url;
    p->urls.n = r->url[0] ? 1 : 0;
}

struct seen {
    int raised, ended;
    char tag[32][32];
    int64_t detected[32];
    size_t accounts[32];
    int bystanders[32], members[32];
    uint32_t markers[32];
    int link[32];
};

static void collect(const struct vg_storm_alert *a, void *ud)
{
    struct seen *s = ud;
    if (!a->final) {
        s->raised++;
        return;
    }
    int i = s->ended++;
    if (i >= 32)
        return;
    snprintf(s->tag[i], sizeof(s->tag[i]), "%s", a->hashtag);
    s->detected[i] = a->detected_at;
    s->accounts[i] = a->n_accounts;
    s->markers[i] = a->copy_markers;
    s->link[i] = a->link != NULL;
    for (size_t k = 0; k < a->n_accounts; k++) {
        s->bystanders[i] += a->accounts[k][0] == 'b';
        s->members[i] += a->accounts[k][0] == 'L' || a->accounts[k][0] == 'C';
    }
}

static void check_seen(const struct seen *s)
{
    assert_int_equal(s->raised, 2);
    assert_int_equal(s->ended, 2);
    /* The link storm (earlier), then the copy storm; the organic burst and #news stay quiet. */
    assert_string_equal(s->tag[0], "stormlink");
    assert_string_equal(s->tag[1], "stormcopy");
    assert_true(s->detected[0] - LINK_START <= 600);
    assert_true(s->detected[1] - COPY_START <= 600);
    assert_true(s->link[0]);
    assert_false(s->link[1]);
    assert_int_equal(s->markers[0], 0);
    assert_true(s->markers[1] > 0);
    assert_int_equal(s->bystanders[0], 0);
    assert_int_equal(s->members[0], 40);
    assert_int_equal((int)s->accounts[0], 40);
    assert_true(s->members[1] >= 36);
    assert_int_equal((int)s->accounts[1], s->members[1]);
}

static vg_status feed_all(vg_storms *d, const struct stream *st)
{
    for (size_t i = 0; i < st->n; i++) {
        struct vg_post p;
        const char *tag, *url;
        to_post(&st->p[i], &p, &tag, &url);
        vg_status rc = vg_storms_feed(d, &p);
        if (rc)
            return rc;
    }
    return vg_storms_finish(d);
}

static void detector_on_stream(void **state)
{
    (void)state;
    struct stream st;
    build_stream(&st);
    struct seen seen = { 0 };
    struct vg_storm_opts o;
    vg_storm_opts_init(&o);
    o.on_alert = collect;
    o.ud = &seen;
    vg_storms *d;
    assert_int_equal(vg_storms_new(&o, &d), VG_OK);
    assert_int_equal(feed_all(d, &st), VG_OK);
    check_seen(&seen);
    struct vg_storms_stats ss;
    vg_storms_stats(d, &ss);
    assert_int_equal(ss.posts, st.n);
    assert_int_equal(ss.alerts, 2);
    /* A post earlier than the last one is refused. */
    struct vg_post p;
    const char *tag, *url;
    to_post(&st.p[0], &p, &tag, &url);
    assert_int_equal(vg_storms_feed(d, &p), VG_EINVAL);
    p.account = NULL;
    assert_int_equal(vg_storms_feed(d, &p), VG_EINVAL);
    vg_storms_free(d);
    /* alerts_from: nothing before it. */
    memset(&seen, 0, sizeof(seen));
    o.alerts_from = COPY_START - 60;
    assert_int_equal(vg_storms_new(&o, &d), VG_OK);
    assert_int_equal(feed_all(d, &st), VG_OK);
    assert_int_equal(seen.raised, 1);
    assert_string_equal(seen.tag[0], "stormcopy");
    vg_storms_free(d);
    free(st.p);
}

/* on_join: an open alert's accounts added after it was raised are reported as they join, each
 * once, in the order of the alert's account list; the alerts themselves are unchanged. */
struct joins {
    struct seen seen;
    size_t told[8];    /* per alert id: accounts reported so far (raise, then joins) */
    size_t joined[8];  /* of which by on_join */
    size_t final_n[8]; /* accounts of its end alert */
    int calls, bad;
};

static void joins_alert(const struct vg_storm_alert *a, void *ud)
{
    struct joins *j = ud;
    collect(a, &j->seen);
    if (a->id < 8 && !a->final)
        j->told[a->id] = a->n_accounts;
    if (a->id < 8 && a->final)
        j->final_n[a->id] = a->n_accounts;
}

static void joins_join(const struct vg_storm_alert *a, size_t from, void *ud)
{
    struct joins *j = ud;
    j->calls++;
    if (a->final || a->id >= 8 || from != j->told[a->id] || a->n_accounts <= from)
        j->bad++;
    else {
        j->joined[a->id] += a->n_accounts - from;
        j->told[a->id] = a->n_accounts;
    }
}

static void joins_reported(void **state)
{
    (void)state;
    struct stream st;
    build_stream(&st);
    struct joins j;
    memset(&j, 0, sizeof(j));
    struct vg_storm_opts o;
    vg_storm_opts_init(&o);
    o.on_alert = joins_alert;
    o.on_join = joins_join;
    o.ud = &j;
    vg_storms *d;
    assert_int_equal(vg_storms_new(&o, &d), VG_OK);
    assert_int_equal(feed_all(d, &st), VG_OK);
    vg_storms_free(d);
    check_seen(&j.seen); /* the same alerts as without on_join */
    assert_int_equal(j.bad, 0);
    assert_true(j.calls > 0);
    /* Every account of an alert's end was told before it, at the raise or as it joined. */
    size_t joined = 0;
    for (int i = 0; i < j.seen.ended; i++)
        joined += j.joined[i + 1];
    assert_true(joined > 0);
    for (int id = 1; id <= j.seen.ended; id++)
        assert_int_equal(j.told[id], j.final_n[id]);
    free(st.p);
}

static void bad_options(void **state)
{
    (void)state;
    struct vg_storm_opts o;
    vg_storm_opts_init(&o);
    vg_storms *d = (vg_storms *)&o;
    o.window_minutes = 0;
    assert_int_equal(vg_storms_new(&o, &d), VG_EINVAL);
    assert_null(d);
    vg_storm_opts_init(&o);
    o.coord_share = 1.5;
    assert_int_equal(vg_storms_new(&o, &d), VG_EINVAL);
    vg_storm_opts_init(&o);
    o.min_accounts = 1;
    assert_int_equal(vg_storms_new(&o, &d), VG_EINVAL);
    vg_storms_free(NULL);
}

static void allocation_failures(void **state)
{
    (void)state;
    struct stream st;
    build_stream(&st);
    int failed = 0;
    for (uint64_t k = 1; k < 400; k += 7) {
        struct seen seen = { 0 };
        struct vg_storm_opts o;
        vg_storm_opts_init(&o);
        o.on_alert = collect;
        o.ud = &seen;
        vg_storms *d = NULL;
        vg__alloc_fail_after(k);
        vg_status rc = vg_storms_new(&o, &d);
        if (!rc)
            rc = feed_all(d, &st);
        vg__alloc_fail_after(0);
        assert_true(rc == VG_OK || rc == VG_ENOMEM);
        failed += rc == VG_ENOMEM;
        vg_storms_free(d);
    }
    assert_true(failed > 10);
    free(st.p);
}

/* ---- through the store ----------------------------------------------------------------------- */

static void replay_from_store(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof(path), "/tmp/vigie-storm-%d.db", (int)getpid());
    unlink(path);
    vg_db *db;
    assert_int_equal(vg_db_open(path, &db), VG_OK);
    struct stream st;
    build_stream(&st);
    /* Store them in reverse order: the replay must sort by time. */
    for (size_t i = st.n; i-- > 0;) {
        struct vg_event ev = { .type = VG_EV_POST, .platform = "test" };
        const char *tag, *url;
        to_post(&st.p[i], &ev.u.post, &tag, &url);
        enum vg_put_result res;
        assert_int_equal(vg_db_put(db, &ev, &res), VG_OK);
    }
    struct seen seen = { 0 };
    struct vg_storm_opts o;
    vg_storm_opts_init(&o);
    o.on_alert = collect;
    o.ud = &seen;
    vg_storms *d;
    assert_int_equal(vg_storms_new(&o, &d), VG_OK);
    uint64_t n;
    assert_int_equal(vg_storms_replay(db, VG_TIME_UNKNOWN, VG_TIME_UNKNOWN, d, &n), VG_OK);
    assert_int_equal(n, st.n);
    check_seen(&seen);
    vg_storms_free(d);
    /* `before` keeps the link storm out. */
    memset(&seen, 0, sizeof(seen));
    assert_int_equal(vg_storms_new(&o, &d), VG_OK);
    assert_int_equal(vg_storms_replay(db, VG_TIME_UNKNOWN, LINK_START, d, &n), VG_OK);
    assert_int_equal(seen.raised, 0);
    vg_storms_free(d);
    vg_db_close(db);
    char side[160];
    unlink(path);
    snprintf(side, sizeof(side), "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", path);
    unlink(side);
    free(st.p);
}

/* ---- truth ----------------------------------------------------------------------------------- */

static void truth_reader(void **state)
{
    (void)state;
    struct vg_storm_truth t;
    char err[200];
    const char *ok =
            "{\"accounts\":[],\"storms\":[{\"id\":\"s1\",\"hashtag\":\"DawnRises1\","
            "\"pattern\":\"copy\",\"start\":\"2015-09-01T02:00:00Z\",\"accounts\":[\"u1\",\"u2\"],"
            "\"posts\":[\"p9\"]},{\"id\":\"s2\",\"hashtag\":\"#X\",\"start\":"
            "\"2015-09-02T00:00:00Z\",\"accounts\":[]}],\"bursts\":[{\"id\":\"b1\",\"hashtag\":"
            "\"CupFinal2\",\"lang\":\"en\",\"start\":\"2015-09-01T05:00:00Z\",\"accounts\":9,"
            "\"posts\":12}]}";
    assert_int_equal(vg__storm_truth_parse(ok, strlen(ok), &t, err, sizeof(err)), VG_OK);
    assert_int_equal(t.n_storms, 2);
    assert_string_equal(t.storms[0].hashtag, "dawnrises1");
    assert_int_equal(t.storms[0].pattern, VG_STORM_COPY);
    assert_int_equal(t.storms[0].n_accounts, 2);
    assert_string_equal(t.storms[0].accounts[1], "u2");
    assert_int_equal(t.storms[0].n_posts, 1);
    assert_int_equal(t.storms[0].start, 1441072800);
    assert_string_equal(t.storms[1].hashtag, "x");
    assert_int_equal(t.storms[1].pattern, VG_STORM_LINK);
    assert_int_equal(t.n_bursts, 1);
    assert_string_equal(t.bursts[0].hashtag, "cupfinal2");
    vg__storm_truth_release(&t);

    struct {
        const char *doc;
        vg_status rc;
        const char *msg;
    } bad[] = {
        { "{\"accounts\":[]}", VG_EFIELD, "storms: missing" },
        { "{\"storms\":{}}", VG_EPARSE, "storms: expected an array" },
        { "{\"storms\":[{\"id\":\"s1\",\"start\":\"2015-09-01T00:00:00Z\",\"accounts\":[]}]}",
          VG_EFIELD, "storms[0].hashtag: missing" },
        { "{\"storms\":[{\"id\":\"s1\",\"hashtag\":\"a\",\"start\":\"yesterday\",\"accounts\":[]}]"
          "}",
          VG_EPARSE, "storms[0].start: expected an instant" },
        { "{\"storms\":[{\"id\":\"s1\",\"hashtag\":\"a\",\"start\":\"2015-09-01T00:00:00Z\","
          "\"pattern\":\"slow\",\"accounts\":[]}]}",
          VG_EPARSE,
          "storms[0].pattern: expected \"link\", \"copy\", \"seq\", \"retweet\" or "
          "\"sync\"" },
        { "{\"storms\":[{\"id\":\"s1\",\"hashtag\":\"a\",\"start\":\"2015-09-01T00:00:00Z\","
          "\"accounts\":[\"u1\",7]}]}",
          VG_EPARSE, "storms[0].accounts[1]: expected 1 to 512 bytes of UTF-8" },
        { "{\"storms\":[],\"bursts\":[{\"id\":\"b1\",\"hashtag\":\"#\",\"start\":"
          "\"2015-09-01T00:00:00Z\"}]}",
          VG_EPARSE, "bursts[0].hashtag: empty" },
        { "{\"storms\":[]} x", VG_EPARSE, "truth: not valid JSON (near byte 13)" },
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(
                vg__storm_truth_parse(bad[i].doc, strlen(bad[i].doc), &t, err, sizeof(err)),
                bad[i].rc);
        assert_string_equal(err, bad[i].msg);
        assert_int_equal(t.n_storms, 0);
        assert_null(t.storms);
    }
    vg_storm_truth *pt = (vg_storm_truth *)&t;
    assert_int_equal(vg_storm_truth_read("/nonexistent/truth.json", &pt), VG_ENOENT);
    assert_null(pt);
}

/* ---- the other traces: hashtag sequences, co-retweets, synchronised waves ---------------------
 */

struct trace_rec {
    char id[24], account[24], text[200], repost_of[24], url[64];
    char tags[4][32];
    size_t n_tags;
    int64_t at;
};

struct trace_stream {
    struct trace_rec *p;
    size_t n, cap;
    uint64_t rng;
};

static uint64_t trnd(struct trace_stream *s)
{
    s->rng = s->rng * 6364136223846793005ull + 1442695040888963407ull;
    return s->rng >> 33;
}

/* A post of account `acc` at `at` with up to three hashtags (NULL ends them early), its own
 * words, and repost_of when given. */
static struct trace_rec *tadd(struct trace_stream *s, int64_t at, const char *acc, const char *t1,
                              const char *t2, const char *t3, const char *rt)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 1024;
        s->p = realloc(s->p, s->cap * sizeof(*s->p));
        assert_non_null(s->p);
    }
    struct trace_rec *r = &s->p[s->n++];
    memset(r, 0, sizeof(*r));
    snprintf(r->id, sizeof(r->id), "q%zu", s->n);
    snprintf(r->account, sizeof(r->account), "%s", acc);
    r->at = at;
    const char *tags[] = { t1, t2, t3 };
    for (int i = 0; i < 3 && tags[i]; i++)
        snprintf(r->tags[r->n_tags++], sizeof(r->tags[0]), "%s", tags[i]);
    for (int i = 0; i < 8; i++) {
        char w[16];
        snprintf(w, sizeof(w), "%sw%llu", i ? " " : "", (unsigned long long)(trnd(s) % 5000));
        strncat(r->text, w, sizeof(r->text) - strlen(r->text) - 1);
    }
    if (rt)
        snprintf(r->repost_of, sizeof(r->repost_of), "%s", rt);
    return r;
}

static int trace_by_time(const void *a, const void *b)
{
    const struct trace_rec *x = a, *y = b;
    return x->at < y->at ? -1 : x->at > y->at ? 1 : strcmp(x->id, y->id);
}

/* A new stream (PRNG seed `seed`) with two days of 300 ordinary accounts o0..o299, 6,000
 * posts in their own words, a third of them with the habitual pair "#football #news". */
static void trace_stream_begin(struct trace_stream *s, uint64_t seed)
{
    memset(s, 0, sizeof(*s));
    s->rng = seed;
    char acc[24];
    for (int i = 0; i < 6000; i++) {
        snprintf(acc, sizeof(acc), "o%llu", (unsigned long long)(trnd(s) % 300));
        int habit = i % 3 == 0;
        tadd(s, T0 + (int64_t)(trnd(s) % (2 * 86400)), acc, habit ? "football" : NULL,
             habit ? "news" : NULL, NULL, NULL);
    }
}

#define SEQ_START  (T0 + 86400 + 2 * 3600)
#define FINAL_AT   (T0 + 86400 + 5 * 3600)
#define RT_START   (T0 + 86400 + 8 * 3600)
#define VIRAL_AT   (T0 + 86400 + 11 * 3600)
#define WAVE_START (T0 + 86400 + 14 * 3600)

/* Two days of 300 ordinary accounts (a third of their posts "#football #news", a habitual
 * pair), then on day 2: a sequence storm (40 accounts, own words, "#rise #standfirm
 * #ourvoice"); an organic trend appending the new "#final" to the habitual "#football" (150
 * accounts); a co-retweet storm (5 accounts post 2 originals each on #amplify, 40 others
 * retweet 3 of them each); a viral post on the new #viral retweeted by 120 ordinary accounts,
 * with 60 posts of their own; a synchronised storm (40 accounts, own words, #wave, 4 waves 10
 * minutes apart, each within 3 s). */
static void build_trace_stream(struct trace_stream *s)
{
    trace_stream_begin(s, 7);
    char acc[24], id[24];
    for (int a = 0; a < 40; a++)
        for (int k = 0; k < 3; k++) {
            snprintf(acc, sizeof(acc), "S%d", a);
            struct trace_rec *r = tadd(s, SEQ_START + (int64_t)(trnd(s) % 3600), acc, "Rise",
                                       "StandFirm", "OurVoice", NULL);
            if (a == 0 && k == 0)
                r->at = SEQ_START;
        }
    for (int a = 0; a < 150; a++) {
        snprintf(acc, sizeof(acc), "o%d", a);
        for (int k = 0; k < 2; k++)
            tadd(s, FINAL_AT + (int64_t)(trnd(s) % 3600), acc, "football", "Final", NULL, NULL);
    }
    char orig[10][24];
    for (int a = 0; a < 5; a++)
        for (int k = 0; k < 2; k++) {
            snprintf(acc, sizeof(acc), "R%d", a);
            struct trace_rec *r =
                    tadd(s, RT_START + (int64_t)(trnd(s) % 300), acc, "Amplify", NULL, NULL, NULL);
            snprintf(orig[2 * a + k], sizeof(orig[0]), "%s", r->id);
        }
    for (int a = 0; a < 40; a++)
        for (int k = 0; k < 3; k++) {
            snprintf(acc, sizeof(acc), "A%d", a);
            int o = (int)(trnd(s) % 10);
            tadd(s, RT_START + 300 + (int64_t)(trnd(s) % 3600), acc, "Amplify", NULL, NULL,
                 orig[o]);
        }
    struct trace_rec *v = tadd(s, VIRAL_AT, "o7", "Viral", NULL, NULL, NULL);
    snprintf(id, sizeof(id), "%s", v->id);
    for (int a = 0; a < 180; a++) {
        snprintf(acc, sizeof(acc), "o%d", 100 + a % 200);
        tadd(s, VIRAL_AT + 30 + (int64_t)(trnd(s) % 1800), acc, "Viral", NULL, NULL,
             a < 120 ? id : NULL);
    }
    for (int a = 0; a < 40; a++)
        for (int w = 0; w < 4; w++) {
            snprintf(acc, sizeof(acc), "W%d", a);
            tadd(s, WAVE_START + 600 * w + (int64_t)(trnd(s) % 3), acc, "Wave", NULL, NULL, NULL);
        }
    qsort(s->p, s->n, sizeof(*s->p), trace_by_time);
}

struct trace_seen {
    int ended;
    int64_t onset[16], detected[16];
    char tag[16][32];
    size_t n_tags[16], accounts[16], members[16], others[16];
    uint32_t seq[16], rt[16];
    int sync[16];
};

static void trace_collect(const struct vg_storm_alert *a, void *ud)
{
    struct trace_seen *s = ud;
    if (!a->final || s->ended >= 16)
        return;
    int i = s->ended++;
    s->onset[i] = a->onset;
    s->detected[i] = a->detected_at;
    snprintf(s->tag[i], sizeof(s->tag[i]), "%s", a->hashtag);
    s->n_tags[i] = a->n_hashtags;
    s->accounts[i] = a->n_accounts;
    s->seq[i] = a->sequence_markers;
    s->rt[i] = a->coretweet_markers;
    s->sync[i] = a->synchronised;
    for (size_t k = 0; k < a->n_accounts; k++) {
        char c = a->accounts[k][0];
        if (c == 'S' || c == 'A' || c == 'R' || c == 'W' || c == 'C' || c == 'E' || c == 'B' ||
            c == 'L')
            s->members[i]++;
        else
            s->others[i]++;
    }
}

/* Feed the whole stream to a detector with default options; the ended alerts go to seen. The
 * stream's posts are freed. */
static void feed_trace_stream(struct trace_stream *st, struct trace_seen *seen)
{
    struct vg_storm_opts o;
    vg_storm_opts_init(&o);
    o.on_alert = trace_collect;
    o.ud = seen;
    vg_storms *d;
    assert_int_equal(vg_storms_new(&o, &d), VG_OK);
    for (size_t i = 0; i < st->n; i++) {
        const struct trace_rec *r = &st->p[i];
        const char *tags[4] = { r->tags[0], r->tags[1], r->tags[2], r->tags[3] };
        const char *urls[1] = { r->url };
        struct vg_post p = { .id = r->id,
                             .account = r->account,
                             .created_at = r->at,
                             .text = r->text,
                             .repost_of = r->repost_of[0] ? r->repost_of : NULL };
        p.hashtags.v = tags;
        p.hashtags.n = r->n_tags;
        p.urls.v = urls;
        p.urls.n = r->url[0] ? 1 : 0;
        assert_int_equal(vg_storms_feed(d, &p), VG_OK);
    }
    assert_int_equal(vg_storms_finish(d), VG_OK);
    vg_storms_free(d);
    free(st->p);
}

static void coordination_traces(void **state)
{
    (void)state;
    struct trace_stream st;
    build_trace_stream(&st);
    struct trace_seen seen = { 0 };
    feed_trace_stream(&st, &seen);
    /* Three storms, one alert each; neither the habitual pair with a trend nor the viral post. */
    assert_int_equal(seen.ended, 3);
    /* The sequence: raised on one of its hashtags, the two others joined it. */
    assert_true(!strcmp(seen.tag[0], "rise") || !strcmp(seen.tag[0], "standfirm") ||
                !strcmp(seen.tag[0], "ourvoice"));
    assert_int_equal((int)seen.n_tags[0], 3);
    assert_true(seen.seq[0] > 0);
    assert_int_equal((int)seen.members[0], 40);
    assert_int_equal((int)seen.others[0], 0);
    /* The co-retweet storm: its retweeters and the authors of the originals. */
    assert_string_equal(seen.tag[1], "amplify");
    assert_true(seen.rt[1] >= 3);
    assert_true(seen.members[1] >= 40);
    assert_int_equal((int)seen.others[1], 0);
    /* The waves. */
    assert_string_equal(seen.tag[2], "wave");
    assert_true(seen.sync[2]);
    assert_int_equal((int)seen.members[2], 40);
    assert_int_equal((int)seen.others[2], 0);
}

/* A habitual hashtag (#daily, 300 ordinary accounts, three days) bursts once with a copied text
 * (60 accounts C* within 30 minutes on day 2), after which ordinary accounts keep posting it at
 * the usual rate, one post in five with the same text. The alert must end once the hashtag is
 * back to its rate, not take in every ordinary account that posts the text for the rest of the
 * data (the alert of a habitual hashtag stayed open as long as the hashtag was never silent for
 * an hour). */
static void habitual_burst_ends(void **state)
{
    (void)state;
    static const char copied[] = "everyone share this message now before it is taken down";
    struct trace_stream st;
    memset(&st, 0, sizeof(st));
    st.rng = 11;
    char acc[24];
    const int64_t burst = T0 + 86400 + 10 * 3600;
    for (int i = 0; i < 3000; i++) {
        snprintf(acc, sizeof(acc), "o%llu", (unsigned long long)(trnd(&st) % 300));
        int64_t at = T0 + (int64_t)(trnd(&st) % (3 * 86400));
        struct trace_rec *r = tadd(&st, at, acc, "daily", NULL, NULL, NULL);
        if (at > burst + 1800 && trnd(&st) % 5 == 0)
            snprintf(r->text, sizeof(r->text), "%s", copied);
    }
    for (int a = 0; a < 60; a++) {
        snprintf(acc, sizeof(acc), "C%d", a);
        struct trace_rec *r =
                tadd(&st, burst + (int64_t)(trnd(&st) % 1800), acc, "daily", NULL, NULL, NULL);
        snprintf(r->text, sizeof(r->text), "%s", copied);
    }
    qsort(st.p, st.n, sizeof(*st.p), trace_by_time);
    struct trace_seen seen = { 0 };
    feed_trace_stream(&st, &seen);
    assert_int_equal(seen.ended, 1);
    assert_string_equal(seen.tag[0], "daily");
    assert_true(seen.members[0] >= 50);
    assert_true(seen.others[0] <= 30);
}

/* A copy storm's second message. Day 2, 20 accounts C0..C19 post one message on the new
 * #dawn, 30 s apart: the alert is raised on its text markers. The campaign's second message, in
 * other words (no band in common), is posted by C30 before the alert, then by C3 and C7, who are
 * the alert's, then by C31 and C32, who post nothing else; five ordinary accounts post #dawn in
 * their own words meanwhile. C30, C31 and C32 are the storm's (the detector before the alert
 * learnt its accounts' texts missed them); the ordinary accounts are not. */
static void copy_storm_learns_texts(void **state)
{
    (void)state;
    static const char first[] = "the invented province rises at dawn join the march to the bridge";
    static const char second[] = "brothers and sisters the enemy fears our voice so raise it today";
    struct trace_stream st;
    memset(&st, 0, sizeof(st));
    st.rng = 5;
    char acc[24];
    const int64_t storm = T0 + 86400 + 10 * 3600;
    for (int i = 0; i < 3000; i++) {
        snprintf(acc, sizeof(acc), "o%llu", (unsigned long long)(trnd(&st) % 300));
        tadd(&st, T0 + (int64_t)(trnd(&st) % (2 * 86400)), acc, i % 2 ? "daily" : NULL, NULL, NULL,
             NULL);
    }
    for (int a = 0; a < 20; a++) {
        snprintf(acc, sizeof(acc), "C%d", a);
        struct trace_rec *r = tadd(&st, storm + 30 * a, acc, "Dawn", NULL, NULL, NULL);
        snprintf(r->text, sizeof(r->text), "%s %s", a % 2 ? "Spread this:" : ">>", first);
    }

    static const struct {
        const char *account;
        int64_t after;
    } repeats[] = { { "C30", 100 }, { "C3", 700 }, { "C7", 720 }, { "C31", 900 }, { "C32", 950 } };

    for (size_t i = 0; i < sizeof(repeats) / sizeof(repeats[0]); i++) {
        struct trace_rec *r =
                tadd(&st, storm + repeats[i].after, repeats[i].account, "Dawn", NULL, NULL, NULL);
        snprintf(r->text, sizeof(r->text), "%s", second);
    }
    for (int a = 0; a < 5; a++) {
        snprintf(acc, sizeof(acc), "o%d", a);
        tadd(&st, storm + 800 + 60 * a, acc, "Dawn", NULL, NULL, NULL);
    }
    qsort(st.p, st.n, sizeof(*st.p), trace_by_time);
    struct trace_seen seen = { 0 };
    feed_trace_stream(&st, &seen);
    assert_int_equal(seen.ended, 1);
    assert_string_equal(seen.tag[0], "dawn");
    assert_int_equal((int)seen.members[0], 23);
    assert_int_equal((int)seen.others[0], 0);
}

/* Day 2 of two days of ordinary posts (a third on the habitual "#football #news"): five
 * accounts R0..R4 post two originals each on the new #echo, one a minute; from the second
 * minute, 40 accounts A0..A39 retweet one original each, 45 s apart, in turn (so an original
 * has a second retweeter only after ten retweets). The old co-retweet test waited for three
 * originals with two retweeters and ten such retweeters (15 retweets, 13 minutes); ten fresh
 * originals retweeted within minutes, where the stream's originals are not, is evidence from
 * the fifth retweet on. Meanwhile an organic trend, the new #derby: 60 ordinary accounts post
 * 180 posts of their own over an hour, and 40 others retweet one of them each, a post a minute
 * old, so that a sixth of its window is retweets of its own fresh originals: far more than the
 * stream's rate, but a trend's retweets, not a storm's; it must not alarm (counted with the
 * originals they retweet, its retweets made a third of its window). */
static void coretweet_storm_found_early(void **state)
{
    (void)state;
    struct trace_stream st;
    trace_stream_begin(&st, 13);
    char acc[24];
    const int64_t storm = T0 + 86400 + 8 * 3600, derby = T0 + 86400 + 12 * 3600;
    char orig[10][24];
    for (int i = 0; i < 10; i++) {
        snprintf(acc, sizeof(acc), "R%d", i / 2);
        struct trace_rec *r = tadd(&st, storm + 60 * i, acc, "Echo", NULL, NULL, NULL);
        snprintf(orig[i], sizeof(orig[0]), "%s", r->id);
    }
    for (int a = 0; a < 40; a++) {
        snprintf(acc, sizeof(acc), "A%d", a);
        int64_t at = storm + 90 + 45 * a;
        int posted = (int)((at - storm) / 60) + 1;
        tadd(&st, at, acc, "Echo", NULL, NULL, orig[a % (posted < 10 ? posted : 10)]);
    }
    char derby_ids[180][24];
    for (int i = 0; i < 180; i++) {
        snprintf(acc, sizeof(acc), "o%d", i % 60);
        struct trace_rec *r = tadd(&st, derby + 20 * i, acc, "Derby", NULL, NULL, NULL);
        snprintf(derby_ids[i], sizeof(derby_ids[0]), "%s", r->id);
    }
    for (int i = 0; i < 40; i++) {
        snprintf(acc, sizeof(acc), "o%d", 100 + i);
        int64_t at = derby + 120 + 90 * i;
        tadd(&st, at, acc, "Derby", NULL, NULL, derby_ids[(at - derby) / 20 - 3]);
    }
    qsort(st.p, st.n, sizeof(*st.p), trace_by_time);
    struct trace_seen seen = { 0 };
    feed_trace_stream(&st, &seen);
    assert_int_equal(seen.ended, 1);
    assert_string_equal(seen.tag[0], "echo");
    assert_int_equal(seen.onset[0], storm);
    assert_true(seen.detected[0] - storm <= 9 * 60);
    assert_true(seen.rt[0] >= 3);
    assert_int_equal((int)seen.members[0], 45);
    assert_int_equal((int)seen.others[0], 0);
}

/* A retweet carries its original's link: a viral post with a link, retweeted by 60 ordinary
 * accounts within 20 minutes on a new hashtag (#matchday), is not 60 accounts sharing a link
 * (a real cricket stream alarmed that way). Three hours later 40 accounts L0..L39 post one
 * fresh link themselves on the new #march: that link storm is found, with exactly them. */
static void retweets_of_a_link_are_not_shares(void **state)
{
    (void)state;
    struct trace_stream st;
    trace_stream_begin(&st, 17);
    char acc[24];
    const int64_t viral = T0 + 86400 + 8 * 3600, storm = viral + 3 * 3600;
    struct trace_rec *v = tadd(&st, viral, "o7", "Matchday", NULL, NULL, NULL);
    snprintf(v->url, sizeof(v->url), "https://scores.example/m1");
    char id[24];
    snprintf(id, sizeof(id), "%s", v->id);
    for (int a = 0; a < 60; a++) {
        snprintf(acc, sizeof(acc), "o%d", 100 + a);
        struct trace_rec *r = tadd(&st, viral + 20 * (a + 1), acc, "Matchday", NULL, NULL, id);
        snprintf(r->url, sizeof(r->url), "https://scores.example/m1");
    }
    for (int a = 0; a < 40; a++) {
        snprintf(acc, sizeof(acc), "L%d", a);
        struct trace_rec *r = tadd(&st, storm + 15 * a, acc, "March", NULL, NULL, NULL);
        snprintf(r->url, sizeof(r->url), "https://rally.example/s1");
    }
    qsort(st.p, st.n, sizeof(*st.p), trace_by_time);
    struct trace_seen seen = { 0 };
    feed_trace_stream(&st, &seen);
    assert_int_equal(seen.ended, 1);
    assert_string_equal(seen.tag[0], "march");
    assert_int_equal((int)seen.members[0], 40);
    assert_int_equal((int)seen.others[0], 0);
}

/* Two days of 300 ordinary accounts (a third of their posts on the habitual "#football #news",
 * one in ten of those retweeted once by another ordinary account within half an hour, so the
 * stream learns how many retweets an original gets and how soon), then on day 2 a small
 * co-retweet storm on the new #relay, when `storm`: C0..C2 post an original each, 20 s apart,
 * and from the second minute C3..C8 retweet them, two each, 15 s apart (nine posts, nine
 * accounts); or, when `trend`, an organic trend of the same size on the new #street: six
 * ordinary accounts post their own words within two minutes, and three others retweet three
 * of them, a different one each, within a minute of it; or, when `viral`, a followed account's
 * posts on the new #tagless: V0 posts three originals, 20 s apart, and from the second minute
 * 40 ordinary accounts retweet them within ten minutes, all but the sixth the first two. */
static void build_small_stream(struct trace_stream *st, int storm, int trend, int viral)
{
    memset(st, 0, sizeof(*st));
    st->rng = 23;
    char acc[24];
    for (int i = 0; i < 6000; i++) {
        snprintf(acc, sizeof(acc), "o%llu", (unsigned long long)(trnd(st) % 300));
        int habit = i % 3 == 0;
        struct trace_rec *r = tadd(st, T0 + (int64_t)(trnd(st) % (2 * 86400)), acc,
                                   habit ? "football" : NULL, habit ? "news" : NULL, NULL, NULL);
        if (habit && i % 10 == 0) {
            char id[24];
            int64_t at = r->at + 60 + (int64_t)(trnd(st) % 1740);
            snprintf(id, sizeof(id), "%s", r->id);
            snprintf(acc, sizeof(acc), "o%llu", (unsigned long long)(trnd(st) % 300));
            tadd(st, at, acc, "football", "news", NULL, id);
        }
    }
    const int64_t at = T0 + 86400 + 8 * 3600;
    char orig[6][24];
    for (int i = 0; i < 3 && storm; i++) {
        snprintf(acc, sizeof(acc), "C%d", i);
        snprintf(orig[i], sizeof(orig[0]), "%s",
                 tadd(st, at + 20 * i, acc, "Relay", NULL, NULL, NULL)->id);
    }
    for (int i = 0; i < 6 && storm; i++) {
        snprintf(acc, sizeof(acc), "C%d", 3 + i);
        tadd(st, at + 60 + 15 * i, acc, "Relay", NULL, NULL, orig[i % 3]);
    }
    for (int i = 0; i < 6 && trend; i++) {
        snprintf(acc, sizeof(acc), "o%d", 10 + i);
        snprintf(orig[i], sizeof(orig[0]), "%s",
                 tadd(st, at + 20 * i, acc, "Street", NULL, NULL, NULL)->id);
    }
    for (int i = 0; i < 3 && trend; i++) {
        snprintf(acc, sizeof(acc), "o%d", 20 + i);
        tadd(st, at + 30 + 40 * i, acc, "Street", NULL, NULL, orig[2 * i]);
    }
    for (int i = 0; i < 3 && viral; i++)
        snprintf(orig[i], sizeof(orig[0]), "%s",
                 tadd(st, at + 20 * i, "V0", "Tagless", NULL, NULL, NULL)->id);
    for (int i = 0; i < 40 && viral; i++) {
        snprintf(acc, sizeof(acc), "o%d", 100 + i);
        tadd(st, at + 60 + 15 * i, acc, "Tagless", NULL, NULL, orig[i == 5 ? 2 : i % 2]);
    }
    qsort(st->p, st->n, sizeof(*st->p), trace_by_time);
}

/* The co-retweet storm of build_small_stream never has ten posts in its window: the detector
 * before the seventh session waited for min_accounts (10) and raised nothing. Six retweets of
 * three originals within two minutes of them, where the stream's originals get about a tenth
 * of a retweet in half an hour, spread over it, is evidence beyond 10^-10 (burst_log10p): it
 * is found with min_shared_accounts (5), within three minutes, with its nine accounts and no
 * other. */
static void coretweet_storm_before_ten_accounts(void **state)
{
    (void)state;
    struct trace_stream st;
    build_small_stream(&st, 1, 0, 0);
    struct trace_seen seen = { 0 };
    feed_trace_stream(&st, &seen);
    assert_int_equal(seen.ended, 1);
    assert_string_equal(seen.tag[0], "relay");
    assert_int_equal(seen.onset[0], T0 + 86400 + 8 * 3600);
    assert_true(seen.detected[0] - seen.onset[0] <= 3 * 60);
    assert_true(seen.rt[0] >= 3);
    assert_int_equal((int)seen.members[0], 9);
    assert_int_equal((int)seen.others[0], 0);
}

/* The organic trend of build_small_stream, as many posts and accounts as the storm above and
 * its retweets as quick, but spread over its originals (none retweeted twice): its evidence is
 * far below burst_log10p, and it must not alarm. */
static void small_trend_not_alarmed(void **state)
{
    (void)state;
    struct trace_stream st;
    build_small_stream(&st, 0, 1, 0);
    struct trace_seen seen = { 0 };
    feed_trace_stream(&st, &seen);
    assert_int_equal(seen.ended, 0);
}

/* The viral posts of build_small_stream: 40 accounts retweet one account's posts within
 * minutes, more than any original of the stream gets, but they are that account's audience,
 * not a campaign: the test within minutes counts authors (one here, three needed) and two
 * originals retweeted twice are fewer than the three a co-retweet marker needs. A real cricket
 * stream had this (44 fans, a team account's pictures); the detector before the eighth session
 * raised it as a co-retweet storm. */
static void viral_account_not_alarmed(void **state)
{
    (void)state;
    struct trace_stream st;
    build_small_stream(&st, 0, 0, 1);
    struct trace_seen seen = { 0 };
    feed_trace_stream(&st, &seen);
    assert_int_equal(seen.ended, 0);
}

/* Storms at the very start of a stream, before any hashtag has a baseline. From T0, 300
 * ordinary accounts post the habitual #daily twice a minute, one post in three with the same
 * popular news link (at a cold start a link shared by many looks new: it must not alarm). At
 * T0 + 30 s, five accounts E0..E4 start the new #echo with two originals each, retweeted by 40
 * accounts B0..B39 from the third minute (the co-retweet pattern needs no hashtag baseline).
 * At T0 + 10 min a link storm: 40 accounts L0..L39 post the new #march with one link, 15 s
 * apart. The detector before the warm-up tested nothing in the first hour and missed both
 * (their own posts then made their baselines); both must be found, #march within 6 minutes,
 * and #daily not. */
static void storms_at_cold_start(void **state)
{
    (void)state;
    struct trace_stream st;
    memset(&st, 0, sizeof(st));
    st.rng = 17;
    char acc[24];
    for (int i = 0; i < 2 * 60 * 6; i++) {
        snprintf(acc, sizeof(acc), "o%llu", (unsigned long long)(trnd(&st) % 300));
        struct trace_rec *r = tadd(&st, T0 + 30 * i, acc, "daily", NULL, NULL, NULL);
        if (i % 3 == 0)
            snprintf(r->url, sizeof(r->url), "https://news.example/today");
    }
    char orig[10][24];
    for (int i = 0; i < 10; i++) {
        snprintf(acc, sizeof(acc), "E%d", i / 2);
        struct trace_rec *r = tadd(&st, T0 + 30 + 60 * i, acc, "Echo", NULL, NULL, NULL);
        snprintf(orig[i], sizeof(orig[0]), "%s", r->id);
    }
    for (int a = 0; a < 40; a++) {
        snprintf(acc, sizeof(acc), "B%d", a);
        int64_t at = T0 + 150 + 40 * a;
        int posted = (int)((at - T0 - 30) / 60) + 1;
        tadd(&st, at, acc, "Echo", NULL, NULL, orig[a % (posted < 10 ? posted : 10)]);
    }
    for (int a = 0; a < 40; a++) {
        snprintf(acc, sizeof(acc), "L%d", a);
        struct trace_rec *r = tadd(&st, T0 + 600 + 15 * a, acc, "March", NULL, NULL, NULL);
        snprintf(r->url, sizeof(r->url), "https://invented.example/call");
    }
    qsort(st.p, st.n, sizeof(*st.p), trace_by_time);
    struct trace_seen seen = { 0 };
    feed_trace_stream(&st, &seen);
    assert_int_equal(seen.ended, 2);
    int echo = !strcmp(seen.tag[0], "echo") ? 0 : 1, march = 1 - echo;
    assert_string_equal(seen.tag[echo], "echo");
    assert_string_equal(seen.tag[march], "march");
    assert_true(seen.rt[echo] >= 3);
    assert_int_equal((int)seen.members[echo], 45);
    assert_int_equal((int)seen.others[echo], 0);
    assert_int_equal(seen.onset[march], T0 + 600);
    assert_true(seen.detected[march] - seen.onset[march] <= 6 * 60);
    assert_int_equal((int)seen.members[march], 40);
    assert_int_equal((int)seen.others[march], 0);
}

/* Two synchronised storms of one movement, whose posts both carry the habitual #news before
 * their own hashtag. Day 2: 40 accounts W0..W39 post "#news #wavea" in six waves ten minutes
 * apart, each within 3 s; #news bursts with the same posts and joins the #wavea alert. Five
 * minutes after the first wave, 40 other accounts V0..V39 post "#news #waveb" in four waves,
 * five minutes off the first storm's. Each storm must have its own alert with its own accounts.
 * The detector before tested waves on every hashtag of an alert, so the second storm's waves on
 * #news brought its 40 accounts into the first alert, and counted #waveb's posts as the first
 * alert's (they had been counted under #news), so #waveb joined it instead of raising its own. */
static void sync_storms_share_a_hashtag(void **state)
{
    (void)state;
    struct trace_stream st;
    trace_stream_begin(&st, 23);
    char acc[24];
    for (int a = 0; a < 40; a++)
        for (int w = 0; w < 6; w++) {
            snprintf(acc, sizeof(acc), "W%d", a);
            tadd(&st, WAVE_START + 600 * w + (int64_t)(trnd(&st) % 3), acc, "news", "WaveA", NULL,
                 NULL);
        }
    for (int a = 0; a < 40; a++)
        for (int w = 0; w < 4; w++) {
            snprintf(acc, sizeof(acc), "V%d", a);
            tadd(&st, WAVE_START + 300 + 600 * w + (int64_t)(trnd(&st) % 3), acc, "news", "WaveB",
                 NULL, NULL);
        }
    qsort(st.p, st.n, sizeof(*st.p), trace_by_time);
    struct trace_seen seen = { 0 };
    feed_trace_stream(&st, &seen);
    assert_int_equal(seen.ended, 2);
    int a = !strcmp(seen.tag[0], "wavea") ? 0 : 1, b = 1 - a;
    assert_string_equal(seen.tag[a], "wavea");
    assert_string_equal(seen.tag[b], "waveb");
    assert_true(seen.sync[a] && seen.sync[b]);
    assert_int_equal((int)seen.n_tags[a], 2); /* #news joined it */
    assert_int_equal((int)seen.n_tags[b], 1);
    assert_int_equal((int)seen.members[a], 40); /* W0..W39 */
    assert_int_equal((int)seen.others[a], 0);
    assert_int_equal((int)seen.members[b], 0);
    assert_int_equal((int)seen.others[b], 40); /* V0..V39, counted as others by trace_collect */
}

/* A synchronised storm and ordinary accounts who post its hashtag seconds after its waves.
 * Day 2: 40 accounts W0..W39 post the new #pulse in six waves ten minutes apart, each within
 * 3 s; 9 s after the start of each wave from the second on, an ordinary account posts #pulse
 * in its own words. A post is synchronised when its own wave (the posts within 5 s of it) is
 * one: theirs holds none of the storm's posts. The detector before took in every post of the
 * last 11 s once they made a wave, and so the five ordinary accounts. */
static void sync_wave_edges(void **state)
{
    (void)state;
    struct trace_stream st;
    trace_stream_begin(&st, 29);
    char acc[24];
    for (int a = 0; a < 40; a++)
        for (int w = 0; w < 6; w++) {
            snprintf(acc, sizeof(acc), "W%d", a);
            tadd(&st, WAVE_START + 600 * w + (int64_t)(trnd(&st) % 3), acc, "Pulse", NULL, NULL,
                 NULL);
        }
    for (int w = 1; w < 6; w++) {
        snprintf(acc, sizeof(acc), "o%d", 200 + w);
        tadd(&st, WAVE_START + 600 * w + 9, acc, "Pulse", NULL, NULL, NULL);
    }
    qsort(st.p, st.n, sizeof(*st.p), trace_by_time);
    struct trace_seen seen = { 0 };
    feed_trace_stream(&st, &seen);
    assert_int_equal(seen.ended, 1);
    assert_string_equal(seen.tag[0], "pulse");
    assert_true(seen.sync[0]);
    assert_true(seen.detected[0] - seen.onset[0] <= 3);
    assert_int_equal((int)seen.members[0], 40);
    assert_int_equal((int)seen.others[0], 0);
}

static void alert_json(void **state)
{
    (void)state;
    const char *acc[] = { "u1", "u\"2" };
    const char *tags[] = { "dawn" };
    int64_t joined[] = { T0 + 300 };
    uint32_t growth[] = { 4, 9 };
    struct vg_storm_alert a = { .id = 3,
                                .final = 1,
                                .hashtag = "dawn",
                                .hashtags = tags,
                                .joined_at = joined,
                                .n_hashtags = 1,
                                .link = "https://x.example/1",
                                .sample_text = "hi",
                                .onset = T0,
                                .detected_at = T0 + 300,
                                .last_at = T0 + 900,
                                .posts = 13,
                                .window_posts = 11,
                                .expected = 0.02,
                                .log10_p = 25.04,
                                .coord_share = 0.75,
                                .accounts = acc,
                                .n_accounts = 2,
                                .growth = growth,
                                .n_growth = 2 };
    char *json;
    assert_int_equal(vg_storm_alert_json(&a, &json), VG_OK);
    assert_string_equal(
            json,
            "{\"alert\":\"storm_end\",\"id\":3,\"hashtag\":\"dawn\",\"hashtags\":[\"dawn\"],"
            "\"joined_at\":[\"2026-03-01T00:05:00Z\"],\"link\":\"https://x.example/1\","
            "\"onset\":\"2026-03-01T00:00:00Z\",\"detected_at\":\"2026-03-01T00:05:00Z\","
            "\"delay_s\":300,\"last_at\":\"2026-03-01T00:15:00Z\",\"posts\":13,"
            "\"window_posts\":11,\"expected\":0.02,\"log10_p\":25.0,\"coord_share\":0.750,"
            "\"copy_markers\":0,\"n_accounts\":2,\"growth_10min\":[4,9],\"sequence_markers\":0,"
            "\"coretweet_markers\":0,\"traces\":[\"link\"],\"sample_text\":\"hi\","
            "\"accounts\":[\"u1\",\"u\\\"2\"]}");
    vg_free(json);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sketch_copies_and_others),
        cmocka_unit_test(keys_and_tail),
        cmocka_unit_test(detector_on_stream),
        cmocka_unit_test(joins_reported),
        cmocka_unit_test(bad_options),
        cmocka_unit_test(allocation_failures),
        cmocka_unit_test(replay_from_store),
        cmocka_unit_test(truth_reader),
        cmocka_unit_test(coordination_traces),
        cmocka_unit_test(habitual_burst_ends),
        cmocka_unit_test(copy_storm_learns_texts),
        cmocka_unit_test(coretweet_storm_found_early),
        cmocka_unit_test(storms_at_cold_start),
        cmocka_unit_test(retweets_of_a_link_are_not_shares),
        cmocka_unit_test(coretweet_storm_before_ten_accounts),
        cmocka_unit_test(small_trend_not_alarmed),
        cmocka_unit_test(viral_account_not_alarmed),
        cmocka_unit_test(sync_storms_share_a_hashtag),
        cmocka_unit_test(sync_wave_edges),
        cmocka_unit_test(alert_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
