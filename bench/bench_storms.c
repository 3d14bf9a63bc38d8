/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_storms.c: speed of the streaming storm detector (src/storm/storm_detect.c) on one
 * thread, measured against a baseline in the same run.
 *
 * The posts are held in memory first, either read from a store (--db FILE: its posts in time
 * order, e.g. a world of `vigie sim` after `vigie ingest`) or made up (by default: N posts over
 * a week from 100,000 accounts, a third with one of 20,000 hashtags drawn from a Zipf law, one in
 * ten with a link, texts of ten words out of 5,000, and twenty link storms). Then, K times each:
 *   1. baseline: iterate the posts and hash each hashtag (vg_hash64), nothing else;
 *   2. detector: vg_storms_new, vg_storms_feed every post, vg_storms_finish, vg_storms_free.
 * The medians are reported as posts/s with their ratio; reading the store is not timed. A
 * benchmark, not a test: it prints figures and does not judge them.
 *
 *   bench_storms [--db FILE] [--posts N] [--runs K]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "store.h"
#include "storm.h"

struct mpost {
    char *id, *account, *text, *repost;
    char **tags, **urls;
    size_t n_tags, n_urls;
    int64_t at;
};

struct posts {
    struct mpost *p;
    size_t n, cap;
    struct vg_arena arena;
};

static void die(const char *what)
{
    fprintf(stderr, "bench_storms: %s\n", what);
    exit(1);
}

static struct mpost *grow(struct posts *ps)
{
    if (ps->n == ps->cap) {
        ps->cap = ps->cap ? 2 * ps->cap : 65536;
        ps->p = vg_realloc(ps->p, ps->cap * sizeof(*ps->p));
        if (!ps->p)
            die("out of memory");
    }
    struct mpost *m = &ps->p[ps->n++];
    memset(m, 0, sizeof(*m));
    return m;
}

static char *keep(struct posts *ps, const char *s)
{
    char *c = vg_arena_strdup(&ps->arena, s ? s : "");
    if (!c)
        die("out of memory");
    return c;
}

/* ---- posts from a store ---------------------------------------------------------------------- */

static size_t split(struct posts *ps, char *f, char ***out)
{
    size_t n = 0;
    for (char *c = f; *c; c++)
        n += *c == '\x1e';
    n = *f ? n + 1 : 0;
    *out = vg_arena_alloc(&ps->arena, (n ? n : 1) * sizeof(char *));
    if (!*out)
        die("out of memory");
    for (size_t i = 0; i < n; i++) {
        char *e = strchr(f, '\x1e');
        if (e)
            *e = '\0';
        (*out)[i] = f;
        f = e ? e + 1 : f + strlen(f);
    }
    return n;
}

static vg_status on_row(const struct vg_scan_row *r, void *ud)
{
    struct posts *ps = ud;
    struct mpost *m = grow(ps);
    m->id = keep(ps, r->other);
    m->account = keep(ps, r->account);
    m->at = r->at;
    char *item = keep(ps, r->item), *f[3];
    for (int i = 0; i < 3; i++) {
        f[i] = item;
        char *e = strchr(item, '\x1f');
        if (e) {
            *e = '\0';
            item = e + 1;
        } else {
            item += strlen(item);
        }
    }
    m->n_tags = split(ps, f[0], &m->tags);
    m->n_urls = split(ps, f[1], &m->urls);
    m->repost = *f[2] ? f[2] : NULL;
    m->text = item;
    return VG_OK;
}

static void load_db(const char *path, struct posts *ps)
{
    vg_db *db;
    if (vg_db_open(path, &db))
        die("cannot open the store");
    if (vg__db_scan(db, VG_SCAN_POSTS_BY_TIME, VG_TIME_UNKNOWN, VG_TIME_UNKNOWN, on_row, ps))
        die("cannot read the store");
    vg_db_close(db);
}

/* ---- made-up posts --------------------------------------------------------------------------- */

static uint64_t rnd(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return *s >> 33;
}

static int by_time(const void *a, const void *b)
{
    const struct mpost *x = a, *y = b;
    return x->at < y->at ? -1 : x->at > y->at;
}

static void make_posts(struct posts *ps, size_t n)
{
    uint64_t s = 7;
    const int64_t t0 = 1441065600; /* 2015-09-01 */

    /* Zipf(1) over 20,000 hashtags by inverse transform on the harmonic sums. */
    enum {
        TAGS = 20000
    };

    static double cum[TAGS];
    double h = 0;
    for (int i = 0; i < TAGS; i++)
        cum[i] = (h += 1.0 / (i + 1));
    char buf[512];
    for (size_t i = 0; i < n; i++) {
        struct mpost *m = grow(ps);
        m->at = t0 + (int64_t)(rnd(&s) % (7 * 86400));
        snprintf(buf, sizeof(buf), "p%zu", i);
        m->id = keep(ps, buf);
        snprintf(buf, sizeof(buf), "u%llu", (unsigned long long)(rnd(&s) % 100000));
        m->account = keep(ps, buf);
        size_t len = 0;
        for (int w = 0; w < 10; w++)
            len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%sw%llu", w ? " " : "",
                                    (unsigned long long)(rnd(&s) % 5000));
        m->text = keep(ps, buf);
        if (rnd(&s) % 3 == 0) {
            double u = (double)(rnd(&s) % 1000000) / 1e6 * h;
            size_t lo = 0, hi = TAGS - 1;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (cum[mid] < u)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            snprintf(buf, sizeof(buf), "tag%zu", lo);
            m->tags = vg_arena_alloc(&ps->arena, sizeof(char *));
            m->tags[0] = keep(ps, buf);
            m->n_tags = 1;
        }
        if (rnd(&s) % 10 == 0) {
            snprintf(buf, sizeof(buf), "https://site%llu.example/a/%zu",
                     (unsigned long long)(rnd(&s) % 300), i);
            m->urls = vg_arena_alloc(&ps->arena, sizeof(char *));
            m->urls[0] = keep(ps, buf);
            m->n_urls = 1;
        }
    }
    /* Twenty link storms of 200 accounts, three posts each over four hours. */
    for (int k = 0; k < 20; k++) {
        int64_t start = t0 + 3600 + (int64_t)(rnd(&s) % (7 * 86400 - 5 * 3600));
        char tag[32], url[64];
        snprintf(tag, sizeof(tag), "storm%d", k);
        snprintf(url, sizeof(url), "https://storm.example/s%d", k);
        for (int a = 0; a < 600; a++) {
            struct mpost *m = grow(ps);
            m->at = start + (int64_t)(rnd(&s) % (4 * 3600));
            snprintf(buf, sizeof(buf), "s%d-%d", k, a);
            m->id = keep(ps, buf);
            snprintf(buf, sizeof(buf), "st%d", a / 3);
            m->account = keep(ps, buf);
            m->text = keep(ps, "a storm text of several words for the benchmark");
            m->tags = vg_arena_alloc(&ps->arena, sizeof(char *));
            m->tags[0] = keep(ps, tag);
            m->n_tags = 1;
            m->urls = vg_arena_alloc(&ps->arena, sizeof(char *));
            m->urls[0] = keep(ps, url);
            m->n_urls = 1;
        }
    }
    qsort(ps->p, ps->n, sizeof(*ps->p), by_time);
}

/* ---- timing ---------------------------------------------------------------------------------- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static uint64_t sink;

static double run_baseline(const struct posts *ps)
{
    double t = now();
    uint64_t acc = 0;
    for (size_t i = 0; i < ps->n; i++)
        for (size_t k = 0; k < ps->p[i].n_tags; k++)
            acc ^= vg_hash64(ps->p[i].tags[k], strlen(ps->p[i].tags[k]), 1);
    sink ^= acc;
    return now() - t;
}

static uint64_t alerts_seen;

static void count_alert(const struct vg_storm_alert *a, void *ud)
{
    (void)ud;
    alerts_seen += !a->final;
}

static double run_detector(const struct posts *ps, struct vg_storms_stats *st)
{
    struct vg_storm_opts o;
    vg_storm_opts_init(&o);
    o.on_alert = count_alert;
    double t = now();
    vg_storms *s;
    if (vg_storms_new(&o, &s))
        die("vg_storms_new failed");
    for (size_t i = 0; i < ps->n; i++) {
        const struct mpost *m = &ps->p[i];
        struct vg_post p = { .id = m->id,
                             .account = m->account,
                             .created_at = m->at,
                             .text = m->text,
                             .repost_of = m->repost };
        p.hashtags.v = (const char **)m->tags;
        p.hashtags.n = m->n_tags;
        p.urls.v = (const char **)m->urls;
        p.urls.n = m->n_urls;
        if (vg_storms_feed(s, &p))
            die("vg_storms_feed failed");
    }
    if (vg_storms_finish(s))
        die("vg_storms_finish failed");
    vg_storms_stats(s, st);
    vg_storms_free(s);
    return now() - t;
}

int main(int argc, char **argv)
{
    const char *db = NULL;
    long n = 1000000, runs = 5;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--db") && i + 1 < argc)
            db = argv[++i];
        else if (!strcmp(argv[i], "--posts") && i + 1 < argc)
            n = atol(argv[++i]);
        else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
            runs = atol(argv[++i]);
        else {
            fprintf(stderr, "usage: bench_storms [--db FILE] [--posts N] [--runs K]\n");
            return 2;
        }
    }
    if (n < 1 || runs < 1 || runs > 101)
        die("--posts and --runs must be positive (runs at most 101)");
    struct posts ps = { 0 };
    vg_arena_init(&ps.arena, 1 << 20, SIZE_MAX);
    if (db)
        load_db(db, &ps);
    else
        make_posts(&ps, (size_t)n);
    size_t tagged = 0;
    for (size_t i = 0; i < ps.n; i++)
        tagged += ps.p[i].n_tags > 0;
    printf("posts: %zu (%s), %zu with hashtags; %ld runs, medians\n", ps.n, db ? db : "made up",
           tagged, runs);
    double *tb = calloc((size_t)runs, sizeof(double)), *td = calloc((size_t)runs, sizeof(double));
    if (!tb || !td)
        die("out of memory");
    struct vg_storms_stats st = { 0 };
    for (long r = 0; r < runs; r++) {
        tb[r] = run_baseline(&ps);
        alerts_seen = 0;
        td[r] = run_detector(&ps, &st);
    }
    qsort(tb, (size_t)runs, sizeof(double), cmp_d);
    qsort(td, (size_t)runs, sizeof(double), cmp_d);
    double b = tb[runs / 2], d = td[runs / 2];
    printf("baseline (hash each hashtag): %.3f s  %.0f posts/s\n", b, (double)ps.n / b);
    printf("detector (feed, finish):      %.3f s  %.0f posts/s  (%llu alerts, peak keys %llu)\n", d,
           (double)ps.n / d, (unsigned long long)alerts_seen, (unsigned long long)st.peak_keys);
    printf("ratio detector/baseline: %.1f\n", d / b);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS: %.1f MiB (posts held in memory included)\n", (double)ru.ru_maxrss / 1024);
    free(tb);
    free(td);
    vg_free(ps.p);
    vg_arena_release(&ps.arena);
    return (int)(sink & 0); /* keep the baseline's hashes alive */
}
