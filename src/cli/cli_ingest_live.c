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
 * With --rules, the account rules then go over each account a new link or alert names, and
 * each case they open prints as a JSON line {"queued":{...}} (docs/cases.md, "Live during
 * ingest"); each new post goes to the rules first (its score, for storm_score_min).
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
    if (!rc && l->rules)
        rc = vg_rules_live_storm(l->rules, alert);
    if (rc && !l->storm_rc)
        l->storm_rc = rc;
}

static void print_queued(const struct vg_rules_live_case *c, void *ud)
{
    struct cli_live *l = ud;
    fprintf(l->out, "{\"queued\":{\"case\":%lld,\"account\":", (long long)c->case_id);
    fflush(l->out);
    cli_print_json_str(c->account); /* stdout, which l->out is (cli_live_open) */
    fprintf(l->out, ",\"rule\":\"%s\",\"lane\":\"%s\",\"trigger\":\"%s\",\"at\":%lld", c->rule,
            c->lane, c->trigger, (long long)c->at);
    if (c->decided)
        fprintf(l->out, ",\"decided\":\"%s\"", c->decided);
    fprintf(l->out, "}}\n");
    fflush(l->out);
}

/* Accounts that join an open storm (--rules): queued as they join, not at the storm's end. */
static void storm_join(const struct vg_storm_alert *alert, size_t from, void *ud)
{
    struct cli_live *l = ud;
    vg_status rc = l->storm_rc ? VG_OK : vg_rules_live_storm_join(l->rules, alert, from);
    if (rc)
        l->storm_rc = rc;
}

static int storms_open(struct cli_live *l)
{
    struct vg_storm_opts o;
    vg_storm_opts_init(&o);
    o.on_alert = print_storm_alert;
    o.on_join = l->rules ? storm_join : NULL;
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
        if (!rc && l->rules)
            rc = vg_rules_live_link(l->rules, vg_returns_link_account(l->returns, i),
                                    vg_returns_link_time(l->returns, i));
    }
    return rc;
}

int cli_live_open(struct cli_live *l, vg_db *db, FILE *out, int storms, int returns,
                  int64_t returns_track_secs, const vg_rules *rules)
{
    memset(l, 0, sizeof(*l));
    l->db = db;
    l->out = out;
    if (rules) {
        struct vg_actor cli;
        vg_actor_cli(&cli);
        vg_status rc = vg_rules_live_open(db, &cli, rules, storms, print_queued, l, &l->rules);
        if (rc) {
            fprintf(stderr, "vigie ingest: cannot apply the rules live: %s (%s)\n", vg_strerror(rc),
                    vg_db_errmsg(db));
            return EXIT_DATA;
        }
    }
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
    /* The rules keep the post's stored score (storm_score_min) before the detector sees it. */
    if (l->storms && l->rules && ev->type == VG_EV_POST)
        rc = vg_rules_live_post(l->rules, &ev->u.post);
    if (!rc && l->storms && ev->type == VG_EV_POST)
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
    if (l->rules) {
        struct vg_rules_live_stats st;
        vg_rules_live_stats(l->rules, &st);
        fprintf(f,
                ",\"rules\":{\"applied\":%llu,\"links\":%llu,\"alerts\":%llu,\"joins\":%llu,"
                "\"accounts\":%llu,\"already_cased\":%llu,\"matched\":%llu,\"queued\":%llu,"
                "\"auto_decided\":%llu}",
                (unsigned long long)st.rules, (unsigned long long)st.links,
                (unsigned long long)st.alerts, (unsigned long long)st.joins,
                (unsigned long long)st.accounts, (unsigned long long)st.already_cased,
                (unsigned long long)st.matched, (unsigned long long)st.queued,
                (unsigned long long)st.auto_decided);
    }
}

void cli_live_close(struct cli_live *l)
{
    vg_storms_free(l->storms);
    vg_returns_free(l->returns);
    vg_rules_live_free(l->rules);
    memset(l, 0, sizeof(*l));
}
