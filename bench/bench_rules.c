/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_rules.c: speed of the case rules (vg_rules_apply, src/cases/cases_rules.c) over a store
 * of N invented posts (default 10,000; one in four scored, scores uniform), in backtest mode
 * (reads only) with four rules that need no network scoring or storm replay.
 *   baseline  streaming the stored post scores (vg__db_scan VG_SCAN_POST_SCORES): the cheapest
 *             read of every scored post, no rule work
 *   rules     the rules backtest: one joined scan of every post with its scores, bank matches,
 *             list hits and return links, the rules evaluated per post
 * Medians of R runs, posts per second and the ratio rules/baseline. Not a test.
 *
 *   bench_rules [--posts N] [--runs R]   (defaults 10000 5)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static vg_status count_row(const struct vg_scan_row *row, void *ud)
{
    (void)row;
    (*(long *)ud)++;
    return VG_OK;
}

static const char rules_text[] =
        "{\"rules\":[{\"name\":\"threat\",\"lane\":\"urgent\",\"when\":{\"threat_min\":0.5}},"
        "{\"name\":\"high\",\"when\":{\"post_score_min\":0.8}},"
        "{\"name\":\"watch\",\"shadow\":true,\"when\":{\"post_score_min\":0.6}},"
        "{\"name\":\"combined\",\"when\":{\"post_score_min\":0.3,\"any\":[{\"hash_match\":true},"
        "{\"list_match\":true},{\"return_link\":true}]}}]}";

int main(int argc, char **argv)
{
    long n = 10000, runs = 5;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--posts"))
            n = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--runs"))
            runs = atol(argv[i + 1]);
    }
    if (n < 1 || runs < 1 || runs > 100) {
        fprintf(stderr, "usage: bench_rules [--posts N] [--runs R]\n");
        return 2;
    }
    char path[128];
    snprintf(path, sizeof(path), "/tmp/bench-rules-%d.db", (int)getpid());
    vg_db *db;
    if (vg_db_open(path, &db) != VG_OK)
        return 1;
    srand(7);
    for (long i = 0; i < n; i++) {
        char id[32], acct[32];
        snprintf(id, sizeof(id), "p%ld", i);
        snprintf(acct, sizeof(acct), "u%ld", i % 997);
        struct vg_event ev;
        memset(&ev, 0, sizeof(ev));
        ev.type = VG_EV_POST;
        ev.u.post.id = id;
        ev.u.post.account = acct;
        ev.u.post.created_at = 1767225600 + i;
        ev.u.post.text = "invented text for a benchmark";
        enum vg_put_result res;
        if (vg_db_put(db, &ev, &res) != VG_OK)
            return 1;
        if (i % 4 == 0) {
            struct vg_post_score s = { .score = rand() / (double)RAND_MAX, .lang = "en" };
            if (vg__db_put_score(db, id, "bench", &s) != VG_OK)
                return 1;
        }
    }
    if (vg_db_flush(db) != VG_OK)
        return 1;
    char err[256];
    vg_rules *rules;
    if (vg_rules_parse(rules_text, strlen(rules_text), &rules, err, sizeof(err)) != VG_OK)
        return 1;
    struct vg_actor cli;
    vg_actor_cli(&cli);
    double *base = calloc((size_t)runs, sizeof(double)), *rl = calloc((size_t)runs, sizeof(double));
    for (long r = 0; r < runs; r++) {
        long rows = 0;
        double t = now();
        if (vg__db_scan(db, VG_SCAN_POST_SCORES, VG_TIME_UNKNOWN, VG_TIME_UNKNOWN, count_row,
                        &rows) != VG_OK)
            return 1;
        base[r] = now() - t;
        char *summary;
        t = now();
        if (vg_rules_apply(db, &cli, rules, VG_RULES_BACKTEST, &summary) != VG_OK)
            return 1;
        rl[r] = now() - t;
        vg_free(summary);
    }
    qsort(base, (size_t)runs, sizeof(double), cmp);
    qsort(rl, (size_t)runs, sizeof(double), cmp);
    double b = base[runs / 2], x = rl[runs / 2];
    printf("{\"posts\":%ld,\"runs\":%ld,\"baseline_scan_s\":%.4f,\"rules_backtest_s\":%.4f,"
           "\"rules_posts_per_s\":%.0f,\"ratio_rules_to_baseline\":%.2f}\n",
           n, runs, b, x, n / x, x / b);
    vg_rules_free(rules);
    vg_db_close(db);
    free(base);
    free(rl);
    const char *side[] = { "", "-wal", "-shm" };
    for (int i = 0; i < 3; i++) {
        char p[160];
        snprintf(p, sizeof(p), "%s%s", path, side[i]);
        unlink(p);
    }
    return 0;
}
