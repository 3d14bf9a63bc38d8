/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_live.c: speed of the live detectors of `vigie ingest` (--storms, --returns) on one
 * thread, against parsing alone, in the same run.
 *
 * An events file (native JSON lines, e.g. events.jsonl of `vigie sim`) is read K times each way:
 *   1. baseline: vg_convert_path with a callback that does nothing (read, parse, convert);
 *   2. storms:   the same, each post fed to vg_storms_feed (a fresh detector each run);
 *   3. returns:  the same, each event fed to vg_returns_feed (started on an empty in-memory
 *                store, so the whole world is live).
 * Nothing is stored: the store's cost is the ingest benchmark's. The medians are printed with
 * the detectors' own time (run minus baseline) as events/s and posts/s. On a loaded machine the
 * difference of two runs is noisy, so the time inside the detectors' feed of posts is also
 * measured call by call (for the returns stage this is the post part alone: most events of a
 * world are follows, which posts/s over the whole run would hide). A benchmark, not a
 * test: it prints figures and does not judge them.
 *
 *   bench_live EVENTS.jsonl [--runs K]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "vigie.h"

enum mode {
    BASELINE,
    STORMS,
    RETURNS
};

struct run {
    enum mode mode;
    vg_storms *storms;
    vg_returns *returns;
    uint64_t events, posts, links;
    double post_s; /* time inside the detector's feed of posts, call by call */
    vg_status rc;
};

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void on_event(const struct vg_event *ev, void *ud)
{
    struct run *r = ud;
    r->events++;
    r->posts += ev->type == VG_EV_POST;
    if (r->rc)
        return;
    if (r->mode == STORMS && ev->type == VG_EV_POST) {
        double t0 = now_s();
        r->rc = vg_storms_feed(r->storms, &ev->u.post);
        r->post_s += now_s() - t0;
    } else if (r->mode == RETURNS && ev->type == VG_EV_POST) {
        double t0 = now_s();
        r->rc = vg_returns_feed(r->returns, ev);
        r->post_s += now_s() - t0;
    } else if (r->mode == RETURNS)
        r->rc = vg_returns_feed(r->returns, ev);
}

static double one_run(const char *path, enum mode mode, struct run *r)
{
    memset(r, 0, sizeof(*r));
    r->mode = mode;
    vg_db *db = NULL;
    if (mode == STORMS && vg_storms_new(NULL, &r->storms))
        return -1;
    if (mode == RETURNS && (vg_db_open(":memory:", &db) || vg_returns_start(db, NULL, &r->returns)))
        return -1;
    struct vg_ingest_opts o;
    vg_ingest_opts_init(&o);
    struct vg_ingest_summary sum = { 0 };
    double t0 = now_s();
    vg_status rc = vg_convert_path(path, &o, on_event, r, &sum);
    if (!rc && mode == STORMS)
        rc = vg_storms_finish(r->storms);
    double t = now_s() - t0;
    if (r->returns)
        r->links = vg_returns_n_links(r->returns);
    vg_storms_free(r->storms);
    vg_returns_free(r->returns);
    vg_db_close(db);
    return rc || r->rc ? -1 : t;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_run(const char *path, enum mode mode, int runs, struct run *last)
{
    double t[64];
    for (int i = 0; i < runs; i++)
        if ((t[i] = one_run(path, mode, last)) < 0) {
            fprintf(stderr, "bench_live: run failed on %s\n", path);
            exit(1);
        }
    qsort(t, (size_t)runs, sizeof(double), cmp_d);
    return t[runs / 2];
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    int runs = 3;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--runs") && i + 1 < argc)
            runs = atoi(argv[++i]);
        else
            path = argv[i];
    }
    if (!path || runs < 1 || runs > 64) {
        fprintf(stderr, "usage: bench_live EVENTS.jsonl [--runs K]\n");
        return 2;
    }
    struct run r;
    double base = median_run(path, BASELINE, runs, &r);
    printf("events: %llu (%llu posts) in %s; %d runs each, medians, one thread\n",
           (unsigned long long)r.events, (unsigned long long)r.posts, path, runs);
    printf("baseline (read and parse):   %.3f s  %.0f events/s\n", base, (double)r.events / base);
    double st = median_run(path, STORMS, runs, &r);
    double st_own = st - base;
    printf("with storms:                 %.3f s  ratio %.2f; detector alone %.3f s = %.0f "
           "posts/s\n",
           st, st / base, st_own, st_own > 0 ? (double)r.posts / st_own : 0.0);
    printf("storms, its feed timed per call (last run): %.3f s = %.0f posts/s\n", r.post_s,
           r.post_s > 0 ? (double)r.posts / r.post_s : 0.0);
    double rt = median_run(path, RETURNS, runs, &r);
    double rt_own = rt - base;
    printf("with returns:                %.3f s  ratio %.2f; stage alone %.3f s = %.0f events/s, "
           "%.0f posts/s (%llu links)\n",
           rt, rt / base, rt_own, rt_own > 0 ? (double)r.events / rt_own : 0.0,
           rt_own > 0 ? (double)r.posts / rt_own : 0.0, (unsigned long long)r.links);
    printf("returns, its feed of posts timed per call (last run): %.3f s = %.0f posts/s\n",
           r.post_s, r.post_s > 0 ? (double)r.posts / r.post_s : 0.0);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS: %ld MB\n", ru.ru_maxrss / 1024);
    return 0;
}
