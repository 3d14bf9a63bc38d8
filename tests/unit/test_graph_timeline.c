/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_graph_timeline.c: a set of accounts through time (graph_timeline.c) on small invented
 * stores whose every figure is worked out by hand: daily snapshots (alive members, followers as
 * of each day with unfollows, insularity, posts), agreement with vg_network_reach at the same
 * instant, personas across returns, suspension survival with left and right censoring, and the
 * persona and replaces fields of truth.json.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store_fixture.h"

#include "graph.h"
#include "store.h"

#define T0  1772352000 /* 2026-03-01T08:00:00Z: the first instant of each store's data */
#define DAY 86400

static vg_db *fresh_db(const char *name)
{
    return fixture_db("timeline", name);
}

static void close_db(vg_db *db)
{
    fixture_close(db);
}

static void follow(vg_db *db, const char *src, const char *dst, int64_t at)
{
    fixture_edge(db, VG_EV_FOLLOW, src, dst, at);
}

/* A profile first seen at `at`. */
static void account(vg_db *db, const char *id, int64_t at)
{
    fixture_account(db, id, id, at);
}

static void moderate(vg_db *db, enum vg_event_type type, const char *id, int64_t at)
{
    fixture_moderate(db, type, id, at);
}

static void post(vg_db *db, const char *id, const char *author, int64_t at)
{
    struct vg_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = VG_EV_POST;
    ev.u.post.id = id;
    ev.u.post.account = author;
    ev.u.post.created_at = at;
    ev.u.post.text = "invented text for a test";
    ev.u.post.lang = "en";
    fixture_put(db, &ev);
}

/*
 * Members a, b (there from the start) and c (first seen at day 1.5); outsiders x, y, z.
 *   day 0: x, y, b follow a; x follows b; a posts.
 *   day 1: y unfollows a; c appears; a posts.
 *   day 2: z and y follow c at its start; b is suspended; c posts twice.
 */
static vg_db *three_day_store(void)
{
    vg_db *db = fresh_db("days");
    const char *start[] = { "a", "b", "x", "y", "z" };
    for (size_t i = 0; i < 5; i++)
        account(db, start[i], T0);
    account(db, "c", T0 + DAY + DAY / 2);
    follow(db, "x", "a", T0);
    follow(db, "y", "a", T0);
    follow(db, "b", "a", T0);
    follow(db, "x", "b", T0);
    post(db, "p1", "a", T0 + 10);
    fixture_edge(db, VG_EV_UNFOLLOW, "y", "a", T0 + DAY + 3600);
    post(db, "p2", "a", T0 + DAY + 10);
    follow(db, "z", "c", T0 + 2 * DAY);
    follow(db, "y", "c", T0 + 2 * DAY);
    moderate(db, VG_EV_SUSPENSION, "b", T0 + 2 * DAY + 100);
    post(db, "p3", "c", T0 + 2 * DAY + 5);
    post(db, "p4", "c", T0 + 2 * DAY + 6);
    return db;
}

static void snapshots_follow_the_set_day_by_day(void **state)
{
    (void)state;
    vg_db *db = three_day_store();
    const char *set[] = { "a", "b", "c", "ghost" };
    vg_timeline *tl;
    assert_int_equal(vg_timeline_load(db, set, 4, T0 + 3 * DAY, &tl), VG_OK);
    assert_int_equal(vg_timeline_size(tl), 3);
    assert_int_equal(vg_timeline_unknown(tl), 1);
    struct vg_snapshot s;

    /* Day 0: a (x, y, b) and b (x) alive; c not yet there. */
    assert_int_equal(vg_timeline_snapshot(db, tl, T0, T0 + DAY, &s), VG_OK);
    assert_int_equal(s.alive, 2);
    assert_int_equal(s.created, 0); /* a and b were there when the data starts */
    assert_int_equal(s.unique_followers, 3);
    assert_int_equal(s.followers_inside, 1);
    assert_int_equal(s.follower_edges, 4);
    assert_int_equal(s.follower_edges_in, 1);
    assert_float_equal(s.insularity, 0.25, 1e-12);
    assert_float_equal(s.followers_mean, 2.0, 1e-12);
    assert_float_equal(s.followers_median, 2.0, 1e-12);
    assert_int_equal(s.posts, 1);
    assert_int_equal(s.active_accounts, 1);
    assert_int_equal(s.suspensions, 0);

    /* Day 1: y has unfollowed a; c appeared (its followers come at day 2 exactly, not before). */
    assert_int_equal(vg_timeline_snapshot(db, tl, T0 + DAY, T0 + 2 * DAY, &s), VG_OK);
    assert_int_equal(s.alive, 3);
    assert_int_equal(s.created, 1);
    assert_int_equal(s.unique_followers, 2);
    assert_int_equal(s.follower_edges, 3);
    assert_float_equal(s.followers_mean, 1.0, 1e-12);
    assert_float_equal(s.followers_median, 1.0, 1e-12);
    assert_int_equal(s.posts, 1);

    /* Day 2: b suspended; its follow of a still counts (reach counts follows, not states), but
     * b is no longer inside the set. */
    assert_int_equal(vg_timeline_snapshot(db, tl, T0 + 2 * DAY, T0 + 3 * DAY, &s), VG_OK);
    assert_int_equal(s.alive, 2);
    assert_int_equal(s.suspensions, 1);
    assert_int_equal(s.unique_followers, 4); /* x, b for a; z, y for c */
    assert_int_equal(s.followers_inside, 0);
    assert_int_equal(s.follower_edges_in, 0);
    assert_float_equal(s.insularity, 0.0, 1e-12);
    assert_int_equal(s.posts, 2);
    assert_int_equal(s.active_accounts, 1);

    char *json;
    assert_int_equal(vg_snapshot_json(&s, &json), VG_OK);
    assert_non_null(strstr(json, "{\"snapshot\":\"2026-03-03T08:00:00Z\",\"to\":\"2026-03-04T08:"
                                 "00:00Z\",\"alive\":2,\"created\":0,\"suspensions\":1,"));
    vg_free(json);
    assert_int_equal(vg_timeline_snapshot(db, tl, T0 + DAY, T0 + DAY, &s), VG_EINVAL);
    vg_timeline_free(tl);
    close_db(db);
}

/* A snapshot at T and vg_network_reach on a network loaded before T agree on the alive set. */
static void snapshot_agrees_with_network_reach(void **state)
{
    (void)state;
    vg_db *db = three_day_store();
    const char *set[] = { "a", "c" };
    vg_timeline *tl;
    assert_int_equal(vg_timeline_load(db, set, 2, VG_TIME_UNKNOWN, &tl), VG_OK);
    for (int d = 1; d <= 3; d++) {
        struct vg_snapshot s;
        assert_int_equal(vg_timeline_snapshot(db, tl, T0, T0 + d * DAY, &s), VG_OK);
        struct vg_network_opts o;
        vg_network_opts_init(&o);
        o.before = T0 + d * DAY;
        vg_network *net;
        assert_int_equal(vg_network_load(db, &o, &net), VG_OK);
        struct vg_reach r;
        /* c exists from day 1.5 on: the network knows it through its profile either way. */
        assert_int_equal(vg_network_reach(net, set, d == 1 ? 1 : 2, &r), VG_OK);
        assert_int_equal(s.alive, r.accounts);
        assert_int_equal(s.unique_followers, r.unique_followers);
        assert_int_equal(s.follower_edges, r.follower_edges);
        assert_int_equal(s.follower_edges_in, r.follower_edges_in);
        vg_network_free(net);
    }
    vg_timeline_free(tl);
    close_db(db);
}

struct lines {
    char text[4][512];
    int n;
};

static vg_status keep_line(const char *json, void *ud)
{
    struct lines *l = ud;
    if (l->n < 4)
        snprintf(l->text[l->n++], sizeof(l->text[0]), "%s", json);
    return VG_OK;
}

/*
 * Persona P1: p1a (4 followers when suspended on day 1; one unfollows later, which must not
 * count), p1b (2 followers when suspended on day 2), p1c (1 follower, live at the end).
 * Persona P2: p2a alone (2 followers, live). A pair naming an account the store never saw.
 */
static void personas_keep_followers_at_each_suspension(void **state)
{
    (void)state;
    vg_db *db = fresh_db("personas");
    account(db, "p1a", T0);
    account(db, "p2a", T0);
    const char *f[] = { "f1", "f2", "f3", "f4" };
    for (int i = 0; i < 4; i++) {
        account(db, f[i], T0);
        follow(db, f[i], "p1a", T0);
    }
    follow(db, "f1", "p2a", T0);
    follow(db, "f2", "p2a", T0);
    moderate(db, VG_EV_SUSPENSION, "p1a", T0 + DAY);
    fixture_edge(db, VG_EV_UNFOLLOW, "f4", "p1a", T0 + DAY + 60);
    account(db, "p1b", T0 + DAY + 3600);
    follow(db, "f1", "p1b", T0 + DAY + 7200);
    follow(db, "f2", "p1b", T0 + DAY + 7200);
    moderate(db, VG_EV_SUSPENSION, "p1b", T0 + 2 * DAY);
    account(db, "p1c", T0 + 2 * DAY + 60);
    follow(db, "f1", "p1c", T0 + 2 * DAY + 120);
    const char *set[] = { "p1a", "p1b", "p1c", "p2a" };
    vg_timeline *tl;
    assert_int_equal(vg_timeline_load(db, set, 4, T0 + 3 * DAY, &tl), VG_OK);
    /* Listed out of order: the chain follows first sightings. */
    struct vg_persona_link links[] = {
        { "p1b", "P1" }, { "p2a", "P2" }, { "p1c", "P1" }, { "p1a", "P1" }, { "ghost", "P1" },
    };
    struct lines l = { .n = 0 };
    struct vg_persona_stats ps;
    assert_int_equal(vg_timeline_personas(tl, links, 5, keep_line, &l, &ps), VG_OK);
    assert_int_equal(ps.personas, 2);
    assert_int_equal(ps.accounts, 4);
    assert_int_equal(ps.unknown, 1);
    assert_int_equal(ps.n_returns, 3);
    assert_int_equal(ps.returns[0].accounts, 2);
    assert_float_equal(ps.returns[0].followers_mean, 3.0, 1e-12); /* p1a 4, p2a 2 */
    assert_int_equal(ps.returns[0].live_at_end, 1);
    assert_float_equal(ps.returns[1].followers_mean, 2.0, 1e-12);
    assert_float_equal(ps.returns[1].share_of_first, 0.5, 1e-12);
    assert_int_equal(ps.returns[1].live_at_end, 0);
    assert_float_equal(ps.returns[2].followers_mean, 1.0, 1e-12);
    assert_float_equal(ps.returns[2].share_of_first, 0.25, 1e-12);
    assert_int_equal(ps.returns[2].live_at_end, 1);
    /* One line: P1 (P2 has one account), its accounts in order of first sighting. */
    assert_int_equal(l.n, 1);
    const char *a = strstr(l.text[0], "\"p1a\""), *b = strstr(l.text[0], "\"p1b\""),
               *c = strstr(l.text[0], "\"p1c\"");
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(c);
    assert_true(a < b && b < c);
    assert_non_null(strstr(l.text[0], "\"suspended\":\"2026-03-02T08:00:00Z\",\"followers\":4}"));
    char *json;
    assert_int_equal(vg_persona_stats_json(&ps, &json), VG_OK);
    assert_non_null(strstr(json, "{\"k\":3,\"accounts\":1,\"live_at_end\":1,\"followers_mean\":1.00"
                                 ",\"followers_median\":1.0,\"share_of_first\":0.2500,"));
    vg_free(json);
    vg_timeline_free(tl);
    close_db(db);
}

/*
 * Survival over [T0, T0 + 3 days), data ending at T0 + 3 days:
 *   old: there at the data's first instant: left-censored, out;
 *   d: first seen at 0.5 day, suspended at 1 day (12 h after): an event within 48 h;
 *   e: first seen at 0.25 day, never suspended: seen 2.75 days, followed up for 48 h;
 *   c: first seen at 1.5 days, never suspended: seen 1.5 days, censored before 48 h;
 *   late: first seen after the window: out.
 * 48 h: d and e were first seen 48 h or more before the end: 1 suspended of 2 followed up;
 * Kaplan-Meier: at 12 h 1 event among 3 at risk, so 1/3 (c counts while it is observed).
 * 90 days: no one first seen 90 days before the end: no share (d's suspension alone would give
 * a share of 1, the bias of counting early events among the late accounts); Kaplan-Meier
 * undefined (no one seen 90 days).
 */
static void survival_counts_censoring(void **state)
{
    (void)state;
    vg_db *db = fresh_db("survival");
    account(db, "old", T0);
    account(db, "d", T0 + DAY / 2);
    account(db, "e", T0 + DAY / 4);
    account(db, "c", T0 + DAY + DAY / 2);
    moderate(db, VG_EV_SUSPENSION, "d", T0 + DAY);
    moderate(db, VG_EV_SUSPENSION, "old", T0 + DAY);
    account(db, "late", T0 + 3 * DAY + 10);
    const char *set[] = { "old", "d", "e", "c", "late" };
    vg_timeline *tl;
    assert_int_equal(vg_timeline_load(db, set, 5, T0 + 3 * DAY, &tl), VG_OK);
    /* late is after `before`: the timeline does not see it at all. */
    assert_int_equal(vg_timeline_unknown(tl), 1);
    struct vg_survival s;
    assert_int_equal(vg_timeline_survival(tl, T0, T0 + 3 * DAY, &s), VG_OK);
    assert_int_equal(s.created, 3);
    assert_int_equal(s.left_censored, 1);
    assert_int_equal(s.data_start, T0);
    assert_int_equal(s.data_end, T0 + 3 * DAY);
    assert_int_equal(s.h48.suspended, 1);
    assert_int_equal(s.h48.followed_up, 2);
    assert_float_equal(s.h48.share, 0.5, 1e-12);
    assert_float_equal(s.h48.km_share, 1.0 / 3.0, 1e-12);
    assert_int_equal(s.h90d.suspended, 0);
    assert_int_equal(s.h90d.followed_up, 0);
    assert_true(isnan(s.h90d.share));
    assert_true(isnan(s.h90d.km_share));
    char *json;
    assert_int_equal(vg_survival_json(&s, &json), VG_OK);
    assert_non_null(strstr(json, "\"within_90d\":{\"suspended\":0,\"followed_up\":0,\"share\":null"
                                 ",\"km_share\":null}"));
    vg_free(json);
    /* A window that starts later leaves out e and d. */
    assert_int_equal(vg_timeline_survival(tl, T0 + DAY, T0 + 3 * DAY, &s), VG_OK);
    assert_int_equal(s.created, 1);
    assert_int_equal(s.h48.followed_up, 0);
    assert_true(isnan(s.h48.share));
    vg_timeline_free(tl);
    /* d alone: suspended 12 h after it appeared, survival is 0 from then on, so Kaplan-Meier is
     * defined (1) at every horizon past its last observation, 90 days included. */
    assert_int_equal(vg_timeline_load(db, set + 1, 1, T0 + 3 * DAY, &tl), VG_OK);
    assert_int_equal(vg_timeline_survival(tl, T0, T0 + 3 * DAY, &s), VG_OK);
    assert_int_equal(s.created, 1);
    assert_float_equal(s.h48.km_share, 1.0, 1e-12);
    assert_float_equal(s.h90d.km_share, 1.0, 1e-12);
    assert_int_equal(s.h90d.followed_up, 0);
    vg_timeline_free(tl);
    close_db(db);
}

static void truth_reads_persona_and_replaces(void **state)
{
    (void)state;
    const char *doc = "{\"accounts\":["
                      "{\"id\":\"u1\",\"role\":\"supporter\",\"community\":\"c1\","
                      "\"persona\":\"p1\",\"replaces\":null},"
                      "{\"id\":\"u2\",\"role\":\"supporter\",\"community\":\"c1\","
                      "\"persona\":\"p1\",\"replaces\":\"u1\"},"
                      "{\"id\":\"u3\",\"role\":\"news\",\"community\":null}]}";
    struct vg_truth t;
    char err[200];
    assert_int_equal(vg__truth_parse(doc, strlen(doc), &t, err, sizeof(err)), VG_OK);
    assert_string_equal(t.acc[1].persona, "p1");
    assert_string_equal(t.acc[1].replaces, "u1");
    assert_null(t.acc[0].replaces);
    assert_null(t.acc[2].persona);
    struct vg_persona_link *links;
    size_t n;
    assert_int_equal(vg_truth_personas(&t, &links, &n), VG_OK);
    assert_int_equal(n, 2);
    assert_string_equal(links[1].account, "u2");
    assert_string_equal(links[1].persona, "p1");
    vg_free(links);
    const char **ids;
    assert_int_equal(vg_truth_ids(&t, "supporter", &ids, &n), VG_OK);
    assert_int_equal(n, 2);
    assert_string_equal(ids[0], "u1");
    vg_free(ids);
    assert_int_equal(vg_truth_ids(&t, "fan", &ids, &n), VG_EINVAL);
    vg__truth_release(&t);
    /* A persona of the wrong type names the field. */
    const char *bad = "{\"accounts\":[{\"id\":\"u1\",\"role\":\"supporter\",\"community\":null,"
                      "\"persona\":7}]}";
    assert_int_equal(vg__truth_parse(bad, strlen(bad), &t, err, sizeof(err)), VG_EPARSE);
    assert_non_null(strstr(err, "accounts[0].persona"));
}

/* Every allocation that fails is reported (VG_ENOMEM, or VG_EDB when the store's own fails),
 * leaks nothing (the ASan build checks), and the runs that succeed give the same figures. */
static void allocation_failures_are_reported(void **state)
{
    (void)state;
    vg_db *db = three_day_store();
    assert_int_equal(vg_db_flush(db), VG_OK);
    const char *set[] = { "a", "b", "c", "ghost" };
    struct vg_persona_link links[] = { { "a", "P1" }, { "c", "P1" }, { "b", "P2" } };
    int failures = 0, successes = 0;
    for (uint64_t k = 1; k < 300; k++) {
        vg_timeline *tl = NULL;
        struct vg_snapshot snap;
        struct vg_persona_stats ps;
        struct vg_survival sv;
        char *json = NULL;
        struct lines l = { .n = 0 };
        vg__alloc_fail_after(k);
        vg_status rc = vg_timeline_load(db, set, 4, T0 + 3 * DAY, &tl);
        if (!rc)
            rc = vg_timeline_snapshot(db, tl, T0 + 2 * DAY, T0 + 3 * DAY, &snap);
        if (!rc)
            rc = vg_snapshot_json(&snap, &json);
        if (!rc)
            rc = vg_timeline_personas(tl, links, 3, keep_line, &l, &ps);
        if (!rc)
            rc = vg_timeline_survival(tl, T0, T0 + 3 * DAY, &sv);
        vg__alloc_fail_after(0);
        if (rc) {
            failures++;
            assert_true(rc == VG_ENOMEM || rc == VG_EDB);
        } else {
            successes++;
            assert_int_equal(snap.unique_followers, 4);
            assert_int_equal(ps.accounts, 3);
            assert_int_equal(sv.created, 1);
        }
        vg_free(json);
        vg_timeline_free(tl);
    }
    assert_true(failures > 10);
    assert_true(successes > 0);
    close_db(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(snapshots_follow_the_set_day_by_day),
        cmocka_unit_test(snapshot_agrees_with_network_reach),
        cmocka_unit_test(personas_keep_followers_at_each_suspension),
        cmocka_unit_test(survival_counts_censoring),
        cmocka_unit_test(truth_reads_persona_and_replaces),
        cmocka_unit_test(allocation_failures_are_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
