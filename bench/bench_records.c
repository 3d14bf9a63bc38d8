/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_records.c: the records' hot paths beside baselines measured in the same run.
 *
 * A generated store: P posts (default 20,000; --full: 200,000) by P/10 accounts over 30 days in
 * three languages, one in five flagged by a model, each linking one of 300 invented domains.
 * K runs (default 5) of each, medians reported:
 *   1. baseline: vg_db_stats_json (the `vigie stats` scan of the same tables);
 *   2. vg_dashboard_json over every post, and over the last 7 days;
 * then M removal orders (default 2,000):
 *   3. baseline: vg_intake_file (a report: one transaction with its audit entry), per second;
 *   4. vg_order_receive (parse, validate, store, audit), per second;
 *   5. vg_order_record_action with one post (evidence copy and its audit entry), per second;
 *   6. vg_order_stats_json and vg_report_tco_json over the M orders.
 * The store is a file under /tmp removed at the end. A benchmark, not a test: it prints figures.
 *
 *   bench_records [--posts P] [--orders M] [--runs K] [--full]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "records.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *what, vg_status rc)
{
    fprintf(stderr, "bench_records: %s: %s\n", what, vg_strerror(rc));
    exit(1);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    return v[n / 2];
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

static void fill(vg_db *db, long n_posts, int64_t start)
{
    static const char *const langs[] = { "ar", "fr", "en" };
    char id[32], acc[32], url[96];
    for (long i = 0; i < n_posts; i++) {
        snprintf(id, sizeof(id), "p%ld", i);
        snprintf(acc, sizeof(acc), "a%u", rnd((uint32_t)(n_posts / 10 + 1)));
        snprintf(url, sizeof(url), "https://d%03u.example/x/%ld", rnd(300), i);
        const char *urls[] = { url };
        struct vg_event ev;
        memset(&ev, 0, sizeof(ev));
        ev.type = VG_EV_POST;
        ev.u.post.id = id;
        ev.u.post.account = acc;
        ev.u.post.created_at = start + (int64_t)rnd(30 * 86400);
        ev.u.post.text = "invented benchmark text";
        ev.u.post.lang = langs[rnd(3)];
        ev.u.post.urls.v = urls;
        ev.u.post.urls.n = 1;
        enum vg_put_result res;
        vg_status rc = vg_db_put(db, &ev, &res);
        if (rc)
            die("storing a post", rc);
        if (rnd(5) == 0) {
            struct vg_post_score sc = { .score = 0.9, .flagged = 1, .lang = ev.u.post.lang };
            if ((rc = vg__db_put_score(db, id, "m", &sc)))
                die("storing a score", rc);
        }
    }
    vg_status rc = vg_db_flush(db);
    if (rc)
        die("flushing", rc);
}

int main(int argc, char **argv)
{
    long n_posts = 20000, n_orders = 2000;
    int runs = 5;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--full"))
            n_posts = 200000;
        else if (!strcmp(argv[i], "--posts") && i + 1 < argc)
            n_posts = atol(argv[++i]);
        else if (!strcmp(argv[i], "--orders") && i + 1 < argc)
            n_orders = atol(argv[++i]);
        else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
            runs = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: bench_records [--posts P] [--orders M] [--runs K] [--full]\n");
            return 2;
        }
    }
    if (n_posts < 10 || n_orders < 1 || runs < 1 || runs > 100)
        return 2;
    char path[128];
    snprintf(path, sizeof(path), "/tmp/vigie-bench-records-%d.db", (int)getpid());
    vg_db *db;
    vg_status rc = vg_db_open(path, &db);
    if (rc)
        die("opening the store", rc);
    int64_t start = 1767225600; /* 2026-01-01 */
    double t0 = now_s();
    fill(db, n_posts, start);
    printf("store: %ld posts, %ld accounts, 20%% flagged, 300 domains, filled in %.2f s\n", n_posts,
           n_posts / 10, now_s() - t0);

    double a[100], b[100], c[100];
    for (int k = 0; k < runs; k++) {
        char *out = NULL;
        t0 = now_s();
        if ((rc = vg_db_stats_json(db, 10, &out)))
            die("stats", rc);
        a[k] = now_s() - t0;
        vg_free(out);
        t0 = now_s();
        if ((rc = vg_dashboard_json(db, VG_TIME_UNKNOWN, VG_TIME_UNKNOWN, 20, &out)))
            die("dashboard", rc);
        b[k] = now_s() - t0;
        vg_free(out);
        t0 = now_s();
        if ((rc = vg_dashboard_json(db, start + 23 * 86400, VG_TIME_UNKNOWN, 20, &out)))
            die("dashboard (7 days)", rc);
        c[k] = now_s() - t0;
        vg_free(out);
    }
    double ms = median(a, runs) * 1e3, md = median(b, runs) * 1e3, m7 = median(c, runs) * 1e3;
    printf("baseline  vg_db_stats_json            %8.1f ms (median of %d)\n", ms, runs);
    printf("dashboard all posts                   %8.1f ms  (%.2fx stats)\n", md, md / ms);
    printf("dashboard last 7 days                 %8.1f ms  (%.2fx stats)\n", m7, m7 / ms);

    struct vg_actor cli;
    vg_actor_cli(&cli);
    char err[300], json[512];
    t0 = now_s();
    for (long i = 0; i < n_orders; i++) {
        struct vg_intake in = { .target_type = "post", .target = "p1", .reason = "benchmark" };
        int64_t id;
        if ((rc = vg_intake_file(db, &cli, &in, &id, err, sizeof(err))))
            die("filing a report", rc);
    }
    double t_intake = now_s() - t0;
    int64_t received = (int64_t)time(NULL) - 86400;
    int64_t *ids = malloc((size_t)n_orders * sizeof(*ids));
    if (!ids)
        die("allocating", VG_ENOMEM);
    t0 = now_s();
    for (long i = 0; i < n_orders; i++) {
        snprintf(json, sizeof(json),
                 "{\"reference\":\"B-%ld\",\"issuing_state\":\"FR\",\"authority\":\"Bench Unit\","
                 "\"provider_state\":\"IE\",\"issued_at\":%lld,\"urls\":"
                 "[\"https://example.invalid/p%ld\"],\"reasons\":[\"a\",\"d\"]}",
                 i, (long long)(received - 600), i);
        enum vg_put_result res;
        if ((rc = vg_order_receive(db, &cli, json, strlen(json), received, &ids[i], &res, err,
                                   sizeof(err))))
            die(err, rc);
    }
    double t_receive = now_s() - t0;
    t0 = now_s();
    for (long i = 0; i < n_orders; i++) {
        char post[32];
        snprintf(post, sizeof(post), "p%ld", i % n_posts);
        const char *posts[] = { post };
        if ((rc = vg_order_record_action(db, ids[i], VG_ORDER_REMOVED, received + 60 + i % 5000,
                                         &cli, posts, 1, err, sizeof(err))))
            die(err, rc);
    }
    double t_act = now_s() - t0;
    free(ids);
    printf("baseline  vg_intake_file              %8.0f /s (%ld)\n", n_orders / t_intake, n_orders);
    printf("vg_order_receive                      %8.0f /s  (%.2fx intake)\n", n_orders / t_receive,
           t_intake / t_receive);
    printf("vg_order_record_action + evidence     %8.0f /s  (%.2fx intake)\n", n_orders / t_act,
           t_intake / t_act);
    for (int k = 0; k < runs; k++) {
        char *out = NULL;
        t0 = now_s();
        if ((rc = vg_order_stats_json(db, VG_TIME_UNKNOWN, VG_TIME_UNKNOWN, &out)))
            die("stats", rc);
        a[k] = now_s() - t0;
        vg_free(out);
        t0 = now_s();
        char tb[32];
        vg_time_format(received, tb);
        tb[4] = 0;
        if ((rc = vg_report_tco_json(db, atoi(tb), &out)))
            die("report", rc);
        b[k] = now_s() - t0;
        vg_free(out);
    }
    printf("vg_order_stats_json (%ld orders)     %8.1f ms\n", n_orders, median(a, runs) * 1e3);
    printf("vg_report_tco_json (%ld orders)      %8.1f ms\n", n_orders, median(b, runs) * 1e3);
    vg_db_close(db);
    const char *side[] = { "", "-wal", "-shm" };
    for (int i = 0; i < 3; i++) {
        char p[160];
        snprintf(p, sizeof(p), "%s%s", path, side[i]);
        unlink(p);
    }
    return 0;
}
