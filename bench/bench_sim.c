/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_sim.c: speed of the world generator (src/sim/, `vigie sim`), measured against a baseline
 * in the same run.
 *   1. generate: vg_sim_run on a world of N accounts and D days (default settings, invented
 *      texts, so the data loader's ~2 s is not counted), written to a scratch directory;
 *   2. baseline: write the same number of event lines with the same writer but no world model:
 *      follow lines between numbers from a PRNG (vg__sim_write_follow), i.e. the cost of
 *      formatting and writing alone.
 * Each phase runs K times (3 by default); the medians are reported as accounts/s, starting edges/s
 * and events/s, with the ratio generate/baseline, and the process's peak RSS. The scratch files
 * are deleted. A benchmark, not a test: it prints figures and does not judge them.
 *
 *   bench_sim [--accounts N] [--days D] [--runs K] [--dir DIR]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "sim.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(double), cmp_d);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
    const char *accounts = "200000", *days = "3", *dir = "/tmp";
    int runs = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--accounts"))
            accounts = argv[i + 1];
        else if (!strcmp(argv[i], "--days"))
            days = argv[i + 1];
        else if (!strcmp(argv[i], "--runs"))
            runs = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--dir"))
            dir = argv[i + 1];
    }
    if (runs < 1 || runs > 50)
        runs = 3;
    char scratch[4096];
    snprintf(scratch, sizeof(scratch), "%s/bench_sim_XXXXXX", dir);
    if (!mkdtemp(scratch)) {
        fprintf(stderr, "bench_sim: cannot make a scratch directory in %s\n", dir);
        return 1;
    }
    struct vg_sim_config cfg;
    vg_sim_config_default(&cfg);
    char err[256];
    if (vg_sim_config_set(&cfg, "accounts", accounts, err, sizeof(err)) ||
        vg_sim_config_set(&cfg, "days", days, err, sizeof(err))) {
        fprintf(stderr, "bench_sim: %s\n", err);
        return 1;
    }
    double gen[50], base[50];
    struct vg_sim_summary sum;
    uint64_t events = 0;
    for (int k = 0; k < runs; k++) {
        double t = now_s();
        if (vg_sim_run(&cfg, NULL, scratch, &sum) != VG_OK) {
            fprintf(stderr, "bench_sim: generation failed\n");
            return 1;
        }
        gen[k] = now_s() - t;
        events = 0;
        for (int i = 0; i < VG_EV__COUNT; i++)
            events += sum.by_type[i];
    }
    char path[4200];
    snprintf(path, sizeof(path), "%s/baseline.jsonl", scratch);
    for (int k = 0; k < runs; k++) {
        double t = now_s();
        struct sim_out o;
        if (vg__sim_out_open(&o, path) != VG_OK)
            return 1;
        struct sim_rng r;
        sim_rng_init(&r, 1, 99, (uint64_t)k);
        int64_t at = 1441065600;
        for (uint64_t i = 0; i < events; i++)
            vg__sim_write_follow(&o, (uint32_t)sim_below(&r, cfg.accounts),
                                 (uint32_t)sim_below(&r, cfg.accounts), at + (int64_t)(i >> 12));
        if (vg__sim_out_close(&o) != VG_OK)
            return 1;
        base[k] = now_s() - t;
    }
    double g = median(gen, runs), b = median(base, runs);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("world: %s accounts, %s days, %llu starting edges, %llu events, %d runs (median)\n",
           accounts, days, (unsigned long long)sum.initial_follows, (unsigned long long)events,
           runs);
    printf("generate: %.2f s  %.0f accounts/s  %.0f edges/s  %.0f events/s\n", g,
           (double)cfg.accounts / g, (double)sum.initial_follows / g, (double)events / g);
    printf("baseline (format+write the same number of lines, no model): %.2f s  %.0f events/s\n", b,
           (double)events / b);
    printf("ratio generate/baseline: %.2f\n", g / b);
    printf("peak RSS: %.1f MiB\n", (double)ru.ru_maxrss / 1024.0);
    char p[4200];
    snprintf(p, sizeof(p), "%s/events.jsonl", scratch);
    unlink(p);
    snprintf(p, sizeof(p), "%s/truth.json", scratch);
    unlink(p);
    unlink(path);
    rmdir(scratch);
    return 0;
}
