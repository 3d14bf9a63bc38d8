/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_known_text.c: queries per second of the near-duplicate text index (src/known/) on one
 * thread, beside a baseline measured in the same run: fingerprinting the same queries alone
 * (normalisation, shingles, MinHash), which every query pays before it looks anything up.
 *
 * Known texts are invented: 14 words drawn from 5,000 invented words (~100 characters). Queries
 * are half copies of known texts with an emoji, a hashtag, a swapped link and one character
 * changed, half fresh texts. Reported: build rate, baseline and query rates (medians of K runs),
 * their ratio, recall on the copies and candidates per query. Times are CPU seconds of this
 * thread (the machine is shared: wall time would count other processes). A benchmark, not a test.
 *
 *   bench_known_text [--items N] [--queries Q] [--runs K]     (defaults 100000, 20000, 3;
 *                                                              --items 1000000 for the 1M figure)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "known.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t rng = 88172645463325252ull;

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static char words[5000][12];

static void make_words(void)
{
    static const char letters[] = "abcdefghijklmnopqrstuvwxyz";
    for (int i = 0; i < 5000; i++) {
        int n = 3 + (int)(rnd() % 8);
        for (int k = 0; k < n; k++)
            words[i][k] = letters[rnd() % 26];
        words[i][n] = '\0';
    }
}

static void text_of(uint64_t seed, char *out, size_t cap)
{
    uint64_t save = rng;
    rng = seed * 0x9e3779b97f4a7c15ull + 1;
    size_t len = 0;
    for (int i = 0; i < 14; i++)
        len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? " " : "", words[rnd() % 5000]);
    rng = save;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int on_hit(uint64_t id, double estimate, double similarity, void *ud)
{
    (void)estimate;
    (void)similarity;
    uint64_t *want = ud;
    if (id == want[0])
        want[1] = 1;
    return 0;
}

int main(int argc, char **argv)
{
    long items = 100000, queries = 20000, runs = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--items"))
            items = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--queries"))
            queries = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--runs"))
            runs = atol(argv[i + 1]);
    }
    if (items < 1 || queries < 2 || runs < 1 || runs > 99) {
        fprintf(stderr, "usage: bench_known_text [--items N] [--queries Q] [--runs K]\n");
        return 2;
    }
    make_words();
    vg_text_index *ix;
    if (vg_text_index_new(&ix))
        return 1;
    char t[512];
    double t0 = now_s();
    for (long i = 0; i < items; i++) {
        text_of((uint64_t)i, t, sizeof(t));
        if (vg_text_index_add(ix, t, strlen(t), (uint64_t)i)) {
            fprintf(stderr, "bench_known_text: add failed\n");
            return 1;
        }
    }
    double build = now_s() - t0;

    char **q = malloc((size_t)queries * sizeof(*q));
    uint64_t *src = malloc((size_t)queries * sizeof(*src));
    for (long i = 0; i < queries; i++) {
        q[i] = malloc(600);
        if (i % 2 == 0) { /* a copy of a known text, mutated */
            src[i] = rnd() % (uint64_t)items;
            text_of(src[i], t, sizeof(t));
            size_t at = rnd() % strlen(t);
            t[at] = t[at] == 'x' ? 'y' : 'x';
            snprintf(q[i], 600, "\xf0\x9f\x94\xa5 %s #share https://t.co/%08llx", t,
                     (unsigned long long)rnd() % 100000000ull);
        } else {
            src[i] = UINT64_MAX;
            text_of((uint64_t)items + rnd() % 1000000000ull, q[i], 600);
        }
    }
    double base[99], query[99];
    uint64_t found = 0, copies = 0, cand = 0, cand_fresh = 0;
    for (long r = 0; r < runs; r++) {
        t0 = now_s();
        for (long i = 0; i < queries; i++) {
            struct vg_known_fp fp;
            if (vg__known_fp_make(q[i], strlen(q[i]), &fp) == VG_OK)
                vg__known_fp_release(&fp);
        }
        base[r] = (double)queries / (now_s() - t0);
        t0 = now_s();
        for (long i = 0; i < queries; i++) {
            uint64_t want[2] = { src[i], 0 };
            size_t n = 0;
            vg__text_index_query_n(ix, q[i], strlen(q[i]), VG_TEXT_MATCH_DEFAULT, on_hit, want, &n);
            if (r == 0) {
                cand += n;
                cand_fresh += src[i] == UINT64_MAX ? n : 0;
                copies += src[i] != UINT64_MAX;
                found += want[1];
            }
        }
        query[r] = (double)queries / (now_s() - t0);
    }
    qsort(base, (size_t)runs, sizeof(double), cmp_double);
    qsort(query, (size_t)runs, sizeof(double), cmp_double);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("{\"bench\":\"known_text\",\"items\":%ld,\"queries\":%ld,\"runs\":%ld,"
           "\"build_items_per_s\":%.0f,\"baseline_fingerprint_per_s\":%.0f,"
           "\"query_per_s\":%.0f,\"query_vs_baseline\":%.3f,\"recall_on_copies\":%.4f,"
           "\"candidates_per_query\":%.2f,\"candidates_per_fresh_query\":%.2f,"
           "\"max_rss_mb\":%.0f}\n",
           items, queries, runs, (double)items / build, base[runs / 2], query[runs / 2],
           query[runs / 2] / base[runs / 2], copies ? (double)found / (double)copies : 0,
           (double)cand / (double)queries, (double)cand_fresh / (double)(queries - (long)copies),
           (double)ru.ru_maxrss / 1024);
    for (long i = 0; i < queries; i++)
        free(q[i]);
    free(q);
    free(src);
    vg_text_index_free(ix);
    return 0;
}
