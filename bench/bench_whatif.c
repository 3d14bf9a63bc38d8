/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_whatif.c: speed of the what-if suspensions (src/graph/graph_whatif.c) on a generated
 * power-law follow graph held in memory (the generator of bench_graph.c: both ends drawn as
 * N * u^a, a = 2.5 for followees, 1.5 for followers), beside a baseline measured in the same run.
 * The set is the C most followed accounts; each ranking picks K of them.
 *   baseline   one CRoaring union of the C accounts' follower lists (the set's reach: the least
 *              any ranking must do, since each reads every follower list once)
 *   bitmaps    building one bitmap per account of the set (the part of coverage that is not
 *              choosing)
 *   coverage   lazy greedy maximum coverage (CELF) over per-account bitmaps, then the simulation
 *              of suspending the picks; with the gains computed, against the C + K x C a plain
 *              greedy computes
 *   removal    exact greedy on the reach removed (incremental gains, a scan of the C candidates
 *              per pick), then the simulation
 *   followers  the naive top K by follower count, then the simulation
 * Wall-clock seconds, ratio to the baseline, peak RSS. A benchmark, not a test.
 *
 *   bench_whatif [--accounts N] [--edges M] [--set C] [--budget K]
 *                (defaults 1000000 20000000 50000 100)
 */
#include <math.h>
#include <roaring/roaring.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

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
    fprintf(stderr, "bench_whatif: %s failed\n", what);
    exit(1);
}

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

static long arg(int argc, char **argv, const char *name, long def)
{
    for (int i = 1; i + 1 < argc; i++)
        if (!strcmp(argv[i], name))
            return atol(argv[i + 1]);
    return def;
}

int main(int argc, char **argv)
{
    uint32_t n = (uint32_t)arg(argc, argv, "--accounts", 1000000);
    size_t m = (size_t)arg(argc, argv, "--edges", 20000000);
    size_t c = (size_t)arg(argc, argv, "--set", 50000),
           k = (size_t)arg(argc, argv, "--budget", 100);
    if (n < 2 || c > n)
        die("arguments");

    struct vg_edges follows = { 0 };
    follows.src = malloc(m * sizeof(uint32_t));
    follows.dst = malloc(m * sizeof(uint32_t));
    if (!follows.src || !follows.dst)
        die("allocating edges");
    for (size_t i = 0; i < m; i++) {
        uint32_t s = skewed(n, 1.5), d = skewed(n, 2.5);
        follows.src[i] = s;
        follows.dst[i] = s == d ? (d + 1) % n : d;
    }
    follows.n = follows.cap = m;
    struct vg_network net;
    memset(&net, 0, sizeof(net));
    vg_network_opts_init(&net.opts);
    net.n = n;
    if (vg__csr_build(&net.follow_out, n, &follows, 0, 0) ||
        vg__csr_transpose(&net.follow_out, &net.follow_in))
        die("csr");
    free(follows.src);
    free(follows.dst);
    printf("graph: %u accounts, %llu unique follows\n", n,
           (unsigned long long)net.follow_out.off[n]);

    uint32_t *order = malloc(n * sizeof(*order));
    if (!order)
        die("allocating");
    for (uint32_t v = 0; v < n; v++)
        order[v] = v;
    by_in = &net.follow_in;
    qsort(order, n, sizeof(*order), cmp_in);
    qsort(order, c, sizeof(*order), cmp_index); /* vg__whatif_run wants them by index */
    uint64_t edges = 0;
    for (size_t i = 0; i < c; i++)
        edges += vg__csr_degree(&net.follow_in, order[i]);

    /* Baseline: one union of every follower list of the set, best of three. */
    double base = INFINITY;
    uint64_t reach = 0;
    for (int rep = 0; rep < 3; rep++) {
        double t = now();
        roaring_bitmap_t *u = roaring_bitmap_create();
        for (size_t i = 0; i < c; i++) {
            const struct vg_csr *in = &net.follow_in;
            roaring_bitmap_add_many(u, (size_t)vg__csr_degree(in, order[i]),
                                    in->adj + in->off[order[i]]);
        }
        reach = roaring_bitmap_get_cardinality(u);
        roaring_bitmap_free(u);
        double dt = now() - t;
        if (dt < base)
            base = dt;
    }
    printf("set: the %zu most followed accounts, %llu follower edges, reach %llu; budget %zu\n", c,
           (unsigned long long)edges, (unsigned long long)reach, k);
    printf("%-10s %8.3f s  ratio %7.1f  (one union of the set's follower lists)\n", "baseline",
           base, 1.0);

    /* The part of coverage that is building one bitmap per account of the set. */
    double t_bm = now();
    for (size_t i = 0; i < c; i++) {
        const struct vg_csr *in = &net.follow_in;
        roaring_bitmap_t *b = roaring_bitmap_of_ptr((size_t)vg__csr_degree(in, order[i]),
                                                    in->adj + in->off[order[i]]);
        if (!b)
            die("bitmap");
        roaring_bitmap_free(b);
    }
    t_bm = now() - t_bm;
    printf("%-10s %8.3f s  ratio %7.1f  (one bitmap per account of the set, built and freed)\n",
           "bitmaps", t_bm, t_bm / base);

    for (int r = 0; r < 3; r++) {
        struct vg_whatif w;
        memset(&w, 0, sizeof(w));
        double t = now();
        if (vg__whatif_run(&net, order, c, k, (enum vg_whatif_rank)r, &w))
            die("what-if");
        double dt = now() - t;
        if (w.reach_before != reach)
            die("reach check (the simulation's reach differs from the union)");
        printf("%-10s %8.3f s  ratio %7.1f  (reach after %llu, removed %.2f%%, picks cover %llu",
               vg_whatif_rank_name((enum vg_whatif_rank)r), dt, dt / base,
               (unsigned long long)w.reach_after,
               100.0 * (double)(w.reach_before - w.reach_after) / (double)w.reach_before,
               (unsigned long long)w.coverage);
        if (r == VG_WHATIF_COVERAGE)
            printf("; %llu gains computed, a plain greedy computes %llu",
                   (unsigned long long)w.gain_evaluations, (unsigned long long)(c + k * c));
        printf(")\n");
        vg_whatif_release(&w);
    }
    printf("peak RSS: %.0f MB\n", peak_rss_mb());
    free(order);
    vg__csr_release(&net.follow_out);
    vg__csr_release(&net.follow_in);
    return 0;
}
