/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_ingest_live.c: the live detectors of `vigie ingest` (--storms, --returns). The ingest's
 * on_new_event hook hands each event that changed the store to them as it is stored:
 *
 *   storms   new posts go to the storm detector, whose alerts print as JSON lines and are
 *            stored as they are raised (docs/storms.md, "Live during ingest");
 *   returns  the returning-accounts batch replays the store first, then takes profiles,
 *            follows, posts and suspensions as they come; each link it makes prints as a JSON
 *            line and is stored with the events that made it (docs/returns.md, "Live").
 *
 * Both need time order. The storm detector leaves a post earlier than one already fed out (and
 * counts it); the returns stage applies a late event at its own time (and counts it).
 */
#include <string.h>

#include "cli.h"

static void print_storm_alert(const struct vg_storm_alert *alert, void *ud)
{
    struct cli_live *l = ud;
    char *json = NULL;
    if (vg_storm_alert_json(alert, &json) == VG_OK) {
        fprintf(l->out, "%s\n", json);
        fflush(l->out);
    }
    vg_free(json);
    l->storm_alerts += !alert->final;
    vg_status rc = vg_storm_alert_store(l->db, alert);
    if (rc && !l->storm_rc)
        l->storm_rc = rc;
}

static int storms_open(struct cli_live *l)
{
    struct vg_storm_opts o;
    vg_storm_opts_init(&o);
    o.on_alert = print_storm_alert;
    o.ud = l;
    vg_status rc = vg_storms_new(&o, &l->storms);
    if (rc)
        fprintf(stderr, "vigie ingest: cannot start the storm detector: %s\n", vg_strerror(rc));
    return rc ? EXIT_DATA : 0;
}

static vg_status storms_feed(struct cli_live *l, const struct vg_post *post)
{
    if (l->storm_posts && post->created_at < l->storm_last) {
        l->storm_late++;
        return VG_OK;
    }
    l->storm_last = post->created_at;
    l->storm_posts++;
    vg_status rc = vg_storms_feed(l->storms, post);
    return rc ? rc : l->storm_rc; /* an alert that could not be stored stops the input */
}

/* The batch over what the store holds already; its links replace the stored ones, as a run of
 * `vigie returns` would, and are not printed: only links made by this ingest's events are. */
static int returns_open(struct cli_live *l, vg_db *db, int64_t track_secs)
{
    struct vg_returns_opts o;
    vg_returns_opts_init(&o);
    o.track_secs = track_secs;
    vg_status rc = vg_returns_start(db, &o, &l->returns);
    if (!rc)
        rc = vg_returns_store(db, l->returns);
    if (rc) {
        fprintf(stderr, "vigie ingest: cannot start the returning-accounts stage: %s\n",
                vg_strerror(rc));
        return EXIT_DATA;
    }
    l->returns_links_before = vg_returns_n_links(l->returns);
    return 0;
}

static vg_status returns_feed(struct cli_live *l, const struct vg_event *ev)
{
    size_t before = vg_returns_n_links(l->returns);
    vg_status rc = vg_returns_feed(l->returns, ev);
    for (size_t i = before; !rc && i < vg_returns_n_links(l->returns); i++) {
        char *json = NULL;
        if (!(rc = vg_returns_store_link(l->db, l->returns, i)) &&
            !(rc = vg_returns_link_json(l->returns, i, &json))) {
            fprintf(l->out, "%s\n", json);
            fflush(l->out);
        }
        vg_free(json);
    }
    return rc;
}

int cli_live_open(struct cli_live *l, vg_db *db, FILE *out, int storms, int returns,
                  int64_t returns_track_secs)
{
    memset(l, 0, sizeof(*l));
    l->db = db;
    l->out = out;
    if (storms && storms_open(l))
        return EXIT_DATA;
    if (returns && returns_open(l, db, returns_track_secs))
        return EXIT_DATA;
    return 0;
}

int cli_live_on(const struct cli_live *l)
{
    return l->storms || l->returns;
}

vg_status cli_live_feed(const struct vg_event *ev, struct cli_live *l)
{
    vg_status rc = VG_OK;
    if (l->storms && ev->type == VG_EV_POST)
        rc = storms_feed(l, &ev->u.post);
    if (!rc && l->returns)
        rc = returns_feed(l, ev);
    return rc;
}

/* End of input: open storm alerts are reported final. */
int cli_live_finish(struct cli_live *l)
{
    if (!l->storms)
        return 0;
    vg_status rc = vg_storms_finish(l->storms);
    if (!rc && !(rc = l->storm_rc))
        rc = vg_db_flush(l->db);
    if (rc)
        fprintf(stderr, "vigie ingest: the storms' last alerts were not stored: %s\n",
                vg_strerror(rc));
    vg_storms_free(l->storms);
    l->storms = NULL;
    l->storms_done = 1;
    return rc ? EXIT_DATA : 0;
}

void cli_live_summary(FILE *f, const struct cli_live *l)
{
    if (l->storms || l->storms_done)
        fprintf(f, ",\"storms\":{\"posts\":%llu,\"late_posts\":%llu,\"alerts\":%llu}",
                (unsigned long long)l->storm_posts, (unsigned long long)l->storm_late,
                (unsigned long long)l->storm_alerts);
    if (l->returns) {
        uint64_t events, late;
        vg_returns_live_counts(l->returns, &events, &late);
        fprintf(f, ",\"returns\":{\"events\":%llu,\"late_events\":%llu,\"links\":%llu}",
                (unsigned long long)events, (unsigned long long)late,
                (unsigned long long)(vg_returns_n_links(l->returns) - l->returns_links_before));
    }
}

void cli_live_close(struct cli_live *l)
{
    vg_storms_free(l->storms);
    vg_returns_free(l->returns);
    memset(l, 0, sizeof(*l));
}
