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
 * With --rules FILE --store-dir DIR the file is also ingested K times each way into a fresh
 * store under DIR, as `vigie ingest` does:
 *   4. ingest:        stored, nothing live (the baseline of the live account rules);
 *   5. ingest live:   stored, with storms and returns live, alerts and links stored
 *                     (`vigie ingest --storms --returns`);
 *   6. ingest rules:  the same, each link and alert then through the account rules of FILE
 *                     (vg_rules_live: `vigie ingest --storms --returns --rules FILE`), each call
 *                     timed: the cost of live rule application per link and per alert.
 *
 *   bench_live EVENTS.jsonl [--runs K] [--rules FILE --store-dir DIR [--stored-only]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "vigie.h"

enum mode {
    BASELINE,
    STORMS,
    RETURNS,
    STORE,       /* stored, nothing live */
    STORE_LIVE,  /* stored, storms and returns live */
    STORE_RULES, /* and the account rules live */
};

struct run {
    enum mode mode;
    vg_storms *storms;
    vg_returns *returns;
    uint64_t events, posts, links;
    double post_s; /* time inside the detector's feed of posts, call by call */
    vg_status rc;
    /* stored modes */
    vg_db *db;
    vg_rules_live *rules;
    uint64_t alerts;
    double link_rules_s, alert_rules_s; /* time inside vg_rules_live_link / _storm */
    struct vg_rules_live_stats rstats;
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

/* The stored modes: what cli_ingest_live.c does (alerts and links stored as made), timed. */
static void stored_alert(const struct vg_storm_alert *a, void *ud)
{
    struct run *r = ud;
    r->alerts++;
    if (r->rc || (r->rc = vg_storm_alert_store(r->db, a)) || !r->rules)
        return;
    double t0 = now_s();
    r->rc = vg_rules_live_storm(r->rules, a);
    r->alert_rules_s += now_s() - t0;
}

static void stored_join(const struct vg_storm_alert *a, size_t from, void *ud)
{
    struct run *r = ud;
    if (r->rc)
        return;
    double t0 = now_s();
    r->rc = vg_rules_live_storm_join(r->rules, a, from);
    r->alert_rules_s += now_s() - t0;
}

static vg_status stored_event(const struct vg_event *ev, void *ud)
{
    struct run *r = ud;
    r->events++;
    r->posts += ev->type == VG_EV_POST;
    if (r->mode == STORE || r->rc)
        return r->rc;
    if (ev->type == VG_EV_POST && (r->rc = vg_storms_feed(r->storms, &ev->u.post)))
        return r->rc;
    size_t before = vg_returns_n_links(r->returns);
    if ((r->rc = vg_returns_feed(r->returns, ev)))
        return r->rc;
    for (size_t i = before; !r->rc && i < vg_returns_n_links(r->returns); i++) {
        if ((r->rc = vg_returns_store_link(r->db, r->returns, i)) || !r->rules)
            continue;
        double t0 = now_s();
        r->rc = vg_rules_live_link(r->rules, vg_returns_link_account(r->returns, i),
                                   vg_returns_link_time(r->returns, i));
        r->link_rules_s += now_s() - t0;
    }
    return r->rc;
}

static void remove_store(const char *path)
{
    char p[4200];
    const char *side[] = { "", "-wal", "-shm" };
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof(p), "%s%s", path, side[i]);
        unlink(p);
    }
}

static double stored_run(const char *path, enum mode mode, const char *dir, const vg_rules *rules,
                         struct run *r)
{
    memset(r, 0, sizeof(*r));
    r->mode = mode;
    char db_path[4096];
    snprintf(db_path, sizeof(db_path), "%s/bench_live_rules.db", dir);
    remove_store(db_path);
    double t = -1;
    struct vg_storm_opts so;
    vg_storm_opts_init(&so);
    so.on_alert = stored_alert;
    so.on_join = mode == STORE_RULES ? stored_join : NULL;
    so.ud = r;
    struct vg_actor cli;
    vg_actor_cli(&cli);
    struct vg_ingest_opts o;
    vg_ingest_opts_init(&o);
    o.on_new_event = stored_event;
    o.ud = r;
    struct vg_ingest_summary sum = { 0 };
    double t0 = now_s();
    if (vg_db_open(db_path, &r->db))
        goto done;
    if (mode != STORE &&
        (vg_storms_new(&so, &r->storms) || vg_returns_start(r->db, NULL, &r->returns) ||
         vg_returns_store(r->db, r->returns)))
        goto done;
    if (mode == STORE_RULES && vg_rules_live_open(r->db, &cli, rules, 1, NULL, NULL, &r->rules))
        goto done;
    vg_status rc = vg_ingest_path(r->db, path, &o, &sum);
    if (!rc && r->storms)
        rc = vg_storms_finish(r->storms);
    if (!rc)
        rc = vg_db_flush(r->db);
    if (!rc && !r->rc)
        t = now_s() - t0;
    if (r->returns)
        r->links = vg_returns_n_links(r->returns);
    vg_rules_live_stats(r->rules, &r->rstats);
done:
    vg_rules_live_free(r->rules);
    vg_storms_free(r->storms);
    vg_returns_free(r->returns);
    vg_db_close(r->db);
    remove_store(db_path);
    return t;
}

static double median_stored(const char *path, enum mode mode, int runs, const char *dir,
                            const vg_rules *rules, struct run *last)
{
    double t[64];
    for (int i = 0; i < runs; i++)
        if ((t[i] = stored_run(path, mode, dir, rules, last)) < 0) {
            fprintf(stderr, "bench_live: stored run failed on %s\n", path);
            exit(1);
        }
    qsort(t, (size_t)runs, sizeof(double), cmp_d);
    return t[runs / 2];
}

static void print_stored(const char *path, int runs, const char *dir, const char *rules_path)
{
    char err[512];
    vg_rules *rules = NULL;
    if (vg_rules_read(rules_path, &rules, err, sizeof(err))) {
        fprintf(stderr, "bench_live: %s\n", err);
        exit(2);
    }
    struct run r;
    double base = median_stored(path, STORE, runs, dir, rules, &r);
    printf("stored in %s; %d runs each, medians\n", dir, runs);
    printf("ingest (stored, nothing live): %.3f s  %.0f events/s\n", base, (double)r.events / base);
    double lv = median_stored(path, STORE_LIVE, runs, dir, rules, &r);
    printf("ingest + storms + returns:     %.3f s  ratio %.2f (%llu alerts, %llu links)\n", lv,
           lv / base, (unsigned long long)r.alerts, (unsigned long long)r.links);
    double ru = median_stored(path, STORE_RULES, runs, dir, rules, &r);
    const struct vg_rules_live_stats *st = &r.rstats;
    double in = r.link_rules_s + r.alert_rules_s;
    printf("ingest + storms + returns + rules (%s): %.3f s  ratio %.2f to ingest, %.2f to "
           "ingest + storms + returns\n",
           rules_path, ru, ru / base, ru / lv);
    printf("live rules (last run): %llu rules applied; %llu links, %llu alerts and %llu joins "
           "naming %llu accounts (%llu already cased), %llu matched, %llu cases queued\n",
           (unsigned long long)st->rules, (unsigned long long)st->links,
           (unsigned long long)st->alerts, (unsigned long long)st->joins,
           (unsigned long long)st->accounts, (unsigned long long)st->already_cased,
           (unsigned long long)st->matched, (unsigned long long)st->queued);
    printf("live rules, timed per call (last run): %.3f s in all = %.2f%% of the ingest-only "
           "run; %.3f ms per link, %.3f ms per alert or join, %.3f ms per case queued; "
           "ingest-only: "
           "%.4f ms per event\n",
           in, 100.0 * in / base, st->links ? 1e3 * r.link_rules_s / (double)st->links : 0.0,
           st->alerts + st->joins ? 1e3 * r.alert_rules_s / (double)(st->alerts + st->joins) : 0.0,
           st->queued ? 1e3 * in / (double)st->queued : 0.0, 1e3 * base / (double)r.events);
    vg_rules_free(rules);
}

int main(int argc, char **argv)
{
    const char *path = NULL, *rules_path = NULL, *dir = NULL;
    int runs = 3, stored_only = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--runs") && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--rules") && i + 1 < argc)
            rules_path = argv[++i];
        else if (!strcmp(argv[i], "--store-dir") && i + 1 < argc)
            dir = argv[++i];
        else if (!strcmp(argv[i], "--stored-only"))
            stored_only = 1;
        else
            path = argv[i];
    }
    if (!path || runs < 1 || runs > 64 || !rules_path != !dir || (stored_only && !dir)) {
        fprintf(stderr, "usage: bench_live EVENTS.jsonl [--runs K] [--rules FILE --store-dir DIR "
                        "[--stored-only]]\n");
        return 2;
    }
    if (dir) {
        print_stored(path, runs, dir, rules_path);
        if (stored_only)
            return 0;
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
