/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_pdq_index.c: speed and memory of the PDQ index (src/pdq/pdq_index.c) on one thread,
 * beside its own linear scan measured in the same run.
 *
 * N random 256-bit hashes are added (build time: vg_pdq_index_add_many in batches of 1,048,576,
 * as a bank is loaded; --one-by-one adds them with vg_pdq_index_add, growing the index as it
 * goes), then queries are made of Q of the indexed
 * hashes with a few bits flipped, half of which also have a planted near copy (6..30 bits away)
 * in the index, so every query has at least one true match and some have more. For each distance
 * (31 and 16) it times Q multi-index queries and a smaller number of linear-scan queries (the
 * scan is slow), checks that the index returns exactly the scan's matches on the scanned queries
 * (recall and precision against the scan), and prints lookups/s and the ratio. Then a churn
 * phase removes and re-adds 1 % of the hashes in place and queries again. Peak RSS is the
 * process's (the index dominates it). Times are this thread's CPU time (the machine is shared;
 * the figure asked for is per core). A benchmark, not a test: it prints figures.
 *
 *   bench_pdq_index [--n N] [--queries Q] [--scan-queries S] [--one-by-one] [--filter L]
 *   (defaults 1,000,000 / 20,000 / 20; the size is --n 10000000; --filter caps the bucket
 *   filter at 1 SSE2, 2 AVX2 or 3 AVX-512, vg__pdq_index_filter, to compare them)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "pdq.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void random_hash(struct vg_pdq *h)
{
    for (size_t i = 0; i < VG_PDQ_BYTES; i += 8) {
        uint64_t r = next_random();
        memcpy(h->bytes + i, &r, 8);
    }
}

/* Flip exactly `bits` distinct bits. */
static void flip_bits(struct vg_pdq *h, int bits)
{
    uint8_t done[256] = { 0 };
    for (int k = 0; k < bits;) {
        unsigned r = (unsigned)(next_random() % 256);
        if (done[r])
            continue;
        done[r] = 1;
        h->bytes[r / 8] ^= (uint8_t)(1u << (r % 8));
        k++;
    }
}

/* CPU time of this thread: the machine is shared, and the figure wanted is per core. */
static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double peak_rss_mib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

struct hits {
    uint64_t sum_ids; /* order-free fingerprint of the match set */
    size_t n;
};

static int count_hit(uint64_t id, int distance, void *ud)
{
    struct hits *h = ud;
    (void)distance;
    h->n++;
    h->sum_ids += id * 0x9e3779b97f4a7c15ull;
    return 0;
}

static long parse_long(const char *s, const char *opt)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*end || v <= 0) {
        fprintf(stderr, "bench_pdq_index: %s takes a positive number\n", opt);
        exit(2);
    }
    return v;
}

/* Time `nq` queries at distance d with fn (index or scan); fill per-query hit sets. */
static double run_queries(const vg_pdq_index *ix, const struct vg_pdq *qs, size_t nq, int d,
                          int scan, struct hits *out, size_t *total)
{
    double t0 = now_s();
    *total = 0;
    for (size_t i = 0; i < nq; i++) {
        out[i] = (struct hits){ 0, 0 };
        vg_status rc = scan ? vg__pdq_index_scan(ix, &qs[i], d, count_hit, &out[i])
                            : vg_pdq_index_query(ix, &qs[i], d, count_hit, &out[i]);
        if (rc) {
            fprintf(stderr, "bench_pdq_index: query failed: %s\n", vg_strerror(rc));
            exit(1);
        }
        *total += out[i].n;
    }
    return now_s() - t0;
}

static void measure(const vg_pdq_index *ix, const struct vg_pdq *qs, size_t nq, size_t ns, int d)
{
    struct hits *hi = calloc(nq, sizeof *hi), *hs = calloc(ns, sizeof *hs);
    size_t ti, ts;
    if (!hi || !hs)
        exit(1);
    double t_ix = run_queries(ix, qs, nq, d, 0, hi, &ti);
    double t_scan = run_queries(ix, qs, ns, d, 1, hs, &ts);
    size_t agree = 0, found = 0, want = 0;
    for (size_t i = 0; i < ns; i++) {
        agree += hi[i].n == hs[i].n && hi[i].sum_ids == hs[i].sum_ids;
        want += hs[i].n;
        found += hi[i].n < hs[i].n ? hi[i].n : hs[i].n;
    }
    double qps_ix = (double)nq / t_ix, qps_scan = (double)ns / t_scan;
    printf("d=%-2d  index: %9.0f lookups/s (%zu queries, %.2f matches/query)   "
           "scan: %7.1f lookups/s (%zu queries)   ratio %.0fx\n",
           d, qps_ix, nq, (double)ti / (double)nq, qps_scan, ns, qps_ix / qps_scan);
    printf("      recall vs scan on the %zu scanned queries: %.4f (%zu of %zu matches), "
           "identical match sets: %zu of %zu\n",
           ns, want ? (double)found / (double)want : 1.0, found, want, agree, ns);
    free(hi);
    free(hs);
}

int main(int argc, char **argv)
{
    size_t n = 1000000, nq = 20000, ns = 20;
    int one_by_one = 0, filter = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--n") && i + 1 < argc)
            n = (size_t)parse_long(argv[++i], "--n");
        else if (!strcmp(argv[i], "--queries") && i + 1 < argc)
            nq = (size_t)parse_long(argv[++i], "--queries");
        else if (!strcmp(argv[i], "--scan-queries") && i + 1 < argc)
            ns = (size_t)parse_long(argv[++i], "--scan-queries");
        else if (!strcmp(argv[i], "--one-by-one"))
            one_by_one = 1;
        else if (!strcmp(argv[i], "--filter") && i + 1 < argc)
            filter = (int)parse_long(argv[++i], "--filter");
        else {
            fprintf(stderr, "usage: bench_pdq_index [--n N] [--queries Q] [--scan-queries S] "
                            "[--one-by-one] [--filter 1|2|3]\n");
            return 2;
        }
    }
    if (filter && vg__pdq_index_filter(filter)) {
        fprintf(stderr, "bench_pdq_index: this CPU has no filter level %d\n", filter);
        return 2;
    }
    if (ns > nq)
        ns = nq;
    printf("PDQ index: %zu random hashes, %zu queries (half with a planted near copy); bucket "
           "filter: %s\n",
           n, nq,
           (const char *[]){ "the best of this CPU", "SSE2", "AVX2", "AVX-512 BITALG" }[filter]);
    double rss0 = peak_rss_mib();
    vg_pdq_index *ix;
    struct vg_pdq *qs = malloc(nq * sizeof *qs);
    size_t *picked = malloc(nq * sizeof *picked);
    if (!qs || !picked || vg_pdq_index_new(&ix))
        return 1;

    /* Queries are drawn from the hashes as they are generated (no copy of all N kept: the
     * batch buffer is the only other memory, 40 MB). */
    enum {
        BATCH = 1 << 20
    };
    struct vg_pdq *batch = malloc(BATCH * sizeof *batch);
    uint64_t *ids = malloc(BATCH * sizeof *ids);
    if (!batch || !ids)
        return 1;
    double t0 = now_s();
    size_t step = n / nq ? n / nq : 1, k = 0, in_batch = 0;
    for (size_t i = 0; i < n; i++) {
        struct vg_pdq *h = &batch[in_batch];
        random_hash(h);
        ids[in_batch++] = i;
        if (i % step == 0 && k < nq) {
            qs[k] = *h;
            picked[k++] = i;
        }
        if (in_batch == BATCH || i + 1 == n) {
            vg_status rc = VG_OK;
            for (size_t j = 0; j < in_batch && one_by_one && !rc; j++)
                rc = vg_pdq_index_add(ix, &batch[j], ids[j]);
            if (!one_by_one)
                rc = vg_pdq_index_add_many(ix, batch, ids, in_batch, NULL);
            if (rc) {
                fprintf(stderr, "bench_pdq_index: add failed: %s\n", vg_strerror(rc));
                return 1;
            }
            in_batch = 0;
        }
    }
    free(batch);
    free(ids);
    double t_build = now_s() - t0;
    nq = k;
    if (ns > nq)
        ns = nq;
    /* Plant near copies for every other query, then move each query a few bits. */
    size_t planted = 0;
    t0 = now_s();
    for (size_t i = 0; i < nq; i++) {
        if (i % 2 == 0) {
            struct vg_pdq near = qs[i];
            flip_bits(&near, 6 + (int)(next_random() % 25));
            if (vg_pdq_index_add(ix, &near, n + i))
                return 1;
            planted++;
        }
        flip_bits(&qs[i], 1 + (int)(next_random() % 5));
    }
    double t_plant = now_s() - t0;
    printf("build: %.2f s for %zu adds (%.0f adds/s, %s); %zu near copies planted in place "
           "(%.0f adds/s)\n",
           t_build, n, (double)n / t_build,
           one_by_one ? "one by one" : "add_many in batches of 1,048,576", planted,
           (double)planted / t_plant);
    printf("peak RSS: %.0f MiB (%.0f MiB before building; %.1f bytes per hash)\n", peak_rss_mib(),
           rss0, (peak_rss_mib() - rss0) * 1048576.0 / (double)(n + planted));
    measure(ix, qs, nq, ns, 31);
    measure(ix, qs, nq, ns, 16);

    /* Churn: remove and re-add 1 % in place (different hashes), then query again. */
    size_t churn = n / 100;
    t0 = now_s();
    for (size_t i = 0; i < churn; i++) {
        uint64_t id = next_random() % n;
        struct vg_pdq h;
        random_hash(&h);
        vg_pdq_index_remove(ix, id);
        if (vg_pdq_index_add(ix, &h, id))
            return 1;
    }
    double t_churn = now_s() - t0;
    printf("churn: %zu removes + re-adds in %.2f s (%.0f updates/s), size %zu\n", churn, t_churn,
           2.0 * (double)churn / t_churn, vg_pdq_index_size(ix));
    measure(ix, qs, nq, ns, 31);
    printf("peak RSS at the end: %.0f MiB\n", peak_rss_mib());
    vg_pdq_index_free(ix);
    free(qs);
    free(picked);
    return 0;
}
