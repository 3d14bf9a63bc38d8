/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sim_run.c: vg_sim_run, the whole generation: load the texts, build the population, stream the
 * starting graph (profiles observed at the start instant, then every follow edge at that same
 * instant), then day by day generate, sort by time and write; truth.json last.
 *
 * The starting graph is produced twice from the same seeds: a first pass counts each account's
 * followers and followings for its profile, the second writes the edges. Recomputing is cheaper
 * than holding 50 million edges.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim.h"

const char *vg_sim_role_name(enum vg_sim_role role)
{
    static const char *const names[VG_SIM__ROLES] = { "background", "supporter", "news",
                                                      "researcher", "counter" };
    return (unsigned)role < VG_SIM__ROLES ? names[role] : NULL;
}

static double wall_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_ev(const void *pa, const void *pb)
{
    const struct sim_ev *a = pa, *b = pb;
    if (a->t != b->t)
        return a->t < b->t ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static uint64_t events_so_far(const struct vg_sim_summary *s)
{
    uint64_t n = 0;
    for (int i = 0; i < VG_EV__COUNT; i++)
        n += s->by_type[i];
    return n;
}

/* Pass 1: followers and followings of the starting graph, for the first profiles. */
static vg_status count_initial(struct sim_world *w)
{
    for (uint32_t v = 0; v < w->n_initial; v++) {
        w->n_scratch = 0;
        vg_status rc = vg__sim_followers(w, v, &w->scratch, &w->n_scratch, &w->cap_scratch);
        if (rc)
            return rc;
        w->acct[v].followers = (uint32_t)w->n_scratch;
        for (size_t i = 0; i < w->n_scratch; i++)
            w->acct[w->scratch[i]].following++;
    }
    return VG_OK;
}

/* Pass 2: profiles at the start, then every starting edge. */
static vg_status write_initial(struct sim_world *w, struct sim_out *o)
{
    for (uint32_t v = 0; v < w->n_initial; v++) {
        w->sum->by_type[VG_EV_ACCOUNT] += (uint64_t)vg__sim_write_account(o, w, v, w->t0);
    }
    for (uint32_t v = 0; v < w->n_initial && !o->rc; v++) {
        w->n_scratch = 0;
        vg_status rc = vg__sim_followers(w, v, &w->scratch, &w->n_scratch, &w->cap_scratch);
        if (rc)
            return rc;
        for (size_t i = 0; i < w->n_scratch; i++)
            vg__sim_write_follow(o, w->scratch[i], v, w->t0);
        w->sum->by_type[VG_EV_FOLLOW] += w->n_scratch;
        w->sum->initial_follows += w->n_scratch;
    }
    return o->rc;
}

static vg_status write_day(struct sim_world *w, struct sim_out *o, uint32_t d)
{
    struct sim_evq *q = &w->days[d];
    if (q->n)
        qsort(q->ev, q->n, sizeof(*q->ev), cmp_ev);
    for (size_t i = 0; i < q->n; i++)
        vg__sim_write_event(o, w, &q->ev[i]);
    vg_free(q->ev);
    memset(q, 0, sizeof(*q));
    return o->rc;
}

static int join(char *out, size_t cap, const char *dir, const char *file)
{
    int n = snprintf(out, cap, "%s/%s", dir, file);
    return n > 0 && (size_t)n < cap;
}

vg_status vg_sim_run(const struct vg_sim_config *cfg, const struct vg_sim_opts *opts,
                     const char *out_dir, struct vg_sim_summary *sum)
{
    if (!cfg || !out_dir || !sum)
        return VG_EINVAL;
    double start = wall_s();
    memset(sum, 0, sizeof(*sum));
    char events_path[4096], truth_path[4096];
    if (!join(events_path, sizeof(events_path), out_dir, "events.jsonl") ||
        !join(truth_path, sizeof(truth_path), out_dir, "truth.json"))
        return VG_EINVAL;
    if (cfg->storm_copy_share + cfg->storm_seq_share + cfg->storm_retweet_share +
                cfg->storm_sync_share >
        1 + 1e-9) {
        VG_LOG_ERR("sim: the storm pattern shares (copy, seq, retweet, sync) add up to more "
                   "than 1");
        return VG_EINVAL;
    }
    struct sim_world w;
    memset(&w, 0, sizeof(w));
    w.cfg = cfg;
    w.seed = cfg->seed;
    w.sum = sum;
    struct sim_out o = { 0 };
    vg_status rc;
    if ((rc = vg_time_parse(cfg->start, &w.t0))) {
        VG_LOG_ERR("sim: start '%s' is not a date", cfg->start);
        return VG_EINVAL;
    }
    if ((rc = vg__sim_texts_load(&w.texts, opts ? opts->text_from : NULL,
                                 cfg->held_out_texts != 0)))
        goto done;
    sum->texts = w.texts.n;
    if ((rc = vg__sim_world_build(&w)))
        goto done;
    if (!(w.days = vg_calloc(cfg->days, sizeof(*w.days)))) {
        rc = VG_ENOMEM;
        goto done;
    }
    if ((rc = vg__sim_out_open(&o, events_path)))
        goto done;
    if ((rc = count_initial(&w)) || (rc = write_initial(&w, &o)))
        goto done;
    if (opts && opts->on_progress)
        opts->on_progress(0, cfg->days, events_so_far(sum), opts->ud);
    for (uint32_t d = 0; d < cfg->days; d++) {
        if ((rc = vg__sim_day(&w, d)) || (rc = write_day(&w, &o, d)))
            goto done;
        if (opts && opts->on_progress)
            opts->on_progress(d + 1, cfg->days, events_so_far(sum), opts->ud);
    }
    rc = vg__sim_out_close(&o);
    if (!rc)
        rc = vg__sim_write_truth(&w, truth_path);
    sum->accounts_total = w.n_acct;
    sum->storms = w.n_storms;
    sum->returns = w.returns;
done:
    if (o.f)
        vg__sim_out_close(&o);
    vg__sim_world_release(&w);
    sum->seconds = wall_s() - start;
    return rc;
}
