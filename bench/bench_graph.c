/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_graph.c: speed and memory of the network stage (src/graph/) on a generated power-law
 * graph held in memory, each phase beside a baseline measured in the same run.
 *
 * The graph: N accounts, M follows and M/4 interactions; both ends are drawn as N * u^a
 * (u uniform, a = 2.5 for destinations, 1.5 for sources), which gives heavy-tailed in- and
 * out-degrees (the most followed accounts have hundreds of thousands of followers).
 *   baseline   one pass summing the follow edge array (the least any phase must do)
 *   csr        building the four CSR views (follows and interactions, both directions)
 *   ppr        personalised PageRank from 1,000 seeds to L1 change < 1e-10 (at most 100 passes)
 *   score      PPR plus the account score and ranking (vg__score_accounts)
 *   reach      unique followers and insularity of the 50,000 most followed accounts
 * Then, smaller, the store path: S follows written to a temporary SQLite store, loaded with
 * vg_network_load, against a bare sqlite3 scan of the same rows as baseline.
 * Wall-clock seconds, ratio to the baseline, and peak RSS. A benchmark, not a test.
 *
 *   bench_graph [--accounts N] [--edges M] [--store-edges S]   (defaults 1000000 20000000 1000000)
 */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "graph.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double peak_rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

static uint64_t rng_state = 0x243f6a8885a308d3ull;

static double uniform(void)
{
    /* xorshift64*: fast and good enough for a benchmark's graph */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (double)((rng_state * 2685821657736338717ull) >> 11) / 9007199254740992.0;
}

static uint32_t skewed(uint32_t n, double a)
{
    uint32_t v = (uint32_t)(n * pow(uniform(), a));
    return v < n ? v : n - 1;
}

static void die(const char *what)
{
    fprintf(stderr, "bench_graph: %s failed\n", what);
    exit(1);
}

static void generate(struct vg_edges *e, uint32_t n, size_t m)
{
    e->src = malloc(m * sizeof(uint32_t));
    e->dst = malloc(m * sizeof(uint32_t));
    if (!e->src || !e->dst)
        die("allocating edges");
    for (size_t i = 0; i < m; i++) {
        uint32_t s = skewed(n, 1.5), d = skewed(n, 2.5);
        if (s == d)
            d = (d + 1) % n;
        e->src[i] = s;
        e->dst[i] = d;
    }
    e->n = e->cap = m;
}

static uint64_t sum_edges(const struct vg_edges *e)
{
    uint64_t s = 0;
    for (size_t i = 0; i < e->n; i++)
        s += e->src[i] + (uint64_t)e->dst[i];
    return s;
}

/* The accounts with the most followers, best first. */
static const struct vg_csr *by_in;

static int cmp_in(const void *a, const void *b)
{
    uint64_t x = vg__csr_degree(by_in, *(const uint32_t *)a),
             y = vg__csr_degree(by_in, *(const uint32_t *)b);
    return (x < y) - (x > y);
}

static int cmp_index(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static void in_memory(uint32_t n, size_t m)
{
    struct vg_edges follows = { 0 }, inter = { 0 };
    double t = now();
    generate(&follows, n, m);
    generate(&inter, n, m / 4);
    printf("generated %u accounts, %zu follows, %zu interactions in %.2f s\n", n, m, m / 4,
           now() - t);

    t = now();
    volatile uint64_t sink = sum_edges(&follows);
    double base = now() - t;
    (void)sink;
    printf("%-10s %8.3f s  ratio %7.1f\n", "baseline", base, 1.0);

    struct vg_network net;
    memset(&net, 0, sizeof(net));
    vg_network_opts_init(&net.opts);
    net.n = n;
    t = now();
    if (vg__csr_build(&net.follow_out, n, &follows, 0, 0) ||
        vg__csr_transpose(&net.follow_out, &net.follow_in) ||
        vg__csr_build(&net.inter_out, n, &inter, 0, 1) ||
        vg__csr_transpose(&net.inter_out, &net.inter_in) || vg__network_strength(&net))
        die("csr");
    double csr = now() - t;
    printf("%-10s %8.3f s  ratio %7.1f  (%llu unique follows)\n", "csr", csr, csr / base,
           (unsigned long long)net.follow_out.off[n]);
    free(follows.src);
    free(follows.dst);
    free(inter.src);
    free(inter.dst);

    net.seed = vg_calloc(n, 1);
    net.suspended = vg_calloc(n, 1);
    net.content = vg_calloc(n, sizeof(*net.content));
    net.posts_in_window = vg_calloc(n, sizeof(*net.posts_in_window));
    net.posts_total = vg_calloc(n, sizeof(*net.posts_total));
    net.first_seen = vg_calloc(n, sizeof(*net.first_seen)); /* all seen at instant 0 */
    net.t_last = 30 * 86400;
    vg__weights_default(&net.weights);
    for (int i = 0; i < 1000; i++) {
        uint32_t v = (uint32_t)(uniform() * n);
        net.n_seeds += !net.seed[v];
        net.seed[v] = 1;
    }
    double *x = vg_malloc(n * sizeof(double));
    int it = 0;
    t = now();
    if (vg__ppr(&net, 0.85, 1e-10, 100, x, &it))
        die("ppr");
    double ppr = now() - t;
    printf("%-10s %8.3f s  ratio %7.1f  (%d passes, %.1f ms a pass)\n", "ppr", ppr, ppr / base, it,
           1000 * ppr / it);
    vg_free(x);

    t = now();
    if (vg__score_accounts(&net))
        die("score");
    double score = now() - t;
    printf("%-10s %8.3f s  ratio %7.1f  (PPR included)\n", "score", score, score / base);

    uint32_t *order = malloc(n * sizeof(*order));
    for (uint32_t v = 0; v < n; v++)
        order[v] = v;
    by_in = &net.follow_in;
    qsort(order, n, sizeof(*order), cmp_in);
    uint32_t k = n < 50000 ? n : 50000;
    uint32_t *set = malloc(k * sizeof(*set));
    memcpy(set, order, k * sizeof(*set));
    qsort(set, k, sizeof(*set), cmp_index); /* vg__reach_of wants them by index */
    struct vg_reach r;
    t = now();
    if (vg__reach_of(&net, set, k, &r))
        die("reach");
    double reach = now() - t;
    printf("%-10s %8.3f s  ratio %7.1f  (%u accounts, %llu follower edges, %llu unique "
           "followers, insularity %.3f)\n",
           "reach", reach, reach / base, k, (unsigned long long)r.follower_edges,
           (unsigned long long)r.unique_followers, r.insularity);
    free(order);
    free(set);
    net.n = 0; /* the arrays below are ours; vg_network_free would also free ids */
    vg__csr_release(&net.follow_out);
    vg__csr_release(&net.follow_in);
    vg__csr_release(&net.inter_out);
    vg__csr_release(&net.inter_in);
    void *arrays[] = { net.strength,        net.seed,        net.suspended,  net.content,
                       net.posts_in_window, net.posts_total, net.first_seen, net.ppr,
                       net.score,           net.lift,        net.evidence,   net.rank };
    for (size_t i = 0; i < VG_ARRAY_LEN(arrays); i++)
        vg_free(arrays[i]);
    printf("peak RSS after in-memory phases: %.0f MB\n", peak_rss_mb());
}

static void store_path(uint32_t n, size_t m)
{
    char path[256];
    snprintf(path, sizeof(path), "/tmp/bench-graph-%d.db", (int)getpid());
    vg_db *db;
    if (vg_db_open(path, &db))
        die("opening the store");
    double t = now();
    char src[24], dst[24];
    for (size_t i = 0; i < m; i++) {
        snprintf(src, sizeof(src), "u%u", skewed(n, 1.5));
        snprintf(dst, sizeof(dst), "u%u", skewed(n, 2.5));
        struct vg_event ev;
        memset(&ev, 0, sizeof(ev));
        ev.type = VG_EV_FOLLOW;
        ev.u.edge.src = src;
        ev.u.edge.dst = dst;
        ev.u.edge.at = 1772352000 + (int64_t)i;
        enum vg_put_result res;
        if (vg_db_put(db, &ev, &res))
            die("storing follows");
    }
    if (vg_db_flush(db))
        die("flush");
    printf("store: %zu follows written in %.1f s (not timed below)\n", m, now() - t);
    vg_db_close(db);

    /* The bare scan twice, the second (warm page cache, as the load will see) counted. */
    double base = 0;
    for (int pass = 0; pass < 2; pass++) {
        sqlite3 *s;
        sqlite3_stmt *st;
        t = now();
        if (sqlite3_open(path, &s) != SQLITE_OK ||
            sqlite3_prepare_v2(s, "SELECT src, dst, at FROM edges WHERE +kind = 'follow'", -1, &st,
                               NULL) != SQLITE_OK)
            die("sqlite scan");
        size_t rows = 0, bytes = 0;
        while (sqlite3_step(st) == SQLITE_ROW) {
            bytes += strlen((const char *)sqlite3_column_text(st, 0)) +
                     strlen((const char *)sqlite3_column_text(st, 1));
            rows++;
        }
        sqlite3_finalize(st);
        sqlite3_close(s);
        base = now() - t;
        if (pass)
            printf("%-10s %8.3f s  ratio %7.1f  (bare sqlite3 scan of %zu rows, %zu bytes of "
                   "ids)\n",
                   "scan", base, 1.0, rows, bytes);
    }

    if (vg_db_open(path, &db))
        die("reopening the store");
    vg_network *net;
    t = now();
    if (vg_network_load(db, NULL, &net))
        die("loading the network");
    double load = now() - t;
    printf("%-10s %8.3f s  ratio %7.1f  (%zu accounts)\n", "load", load, load / base,
           vg_network_size(net));
    t = now();
    if (vg_network_score(db, net))
        die("scoring");
    double score = now() - t;
    printf("%-10s %8.3f s  ratio %7.1f  (no seeds, so plain PageRank; score; communities of "
           "%u candidates)\n",
           "score", score, score / base, net->n_candidates);
    vg_network_free(net);
    vg_db_close(db);
    const char *side[] = { "", "-wal", "-shm" };
    for (int i = 0; i < 3; i++) {
        char p[300];
        snprintf(p, sizeof(p), "%s%s", path, side[i]);
        unlink(p);
    }
}

int main(int argc, char **argv)
{
    uint32_t n = 1000000;
    size_t m = 20000000, sm = 1000000;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--accounts"))
            n = (uint32_t)strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--edges"))
            m = strtoull(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--store-edges"))
            sm = strtoull(argv[i + 1], NULL, 10);
    }
    if (n < 2) {
        fprintf(stderr, "usage: bench_graph [--accounts N] [--edges M] [--store-edges S]\n");
        return 2;
    }
    in_memory(n, m);
    if (sm)
        store_path(n, sm);
    printf("peak RSS: %.0f MB\n", peak_rss_mb());
    return 0;
}
