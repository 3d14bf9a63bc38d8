/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_graph_whatif.c: what-if suspensions (graph_whatif.c). A hand-worked case where the three
 * rankings differ (and where greedy on the reach removed is beaten by the naive top-K, the
 * myopia its missing guarantee allows), and a random graph on which the lazy (CELF) coverage
 * greedy must pick exactly what a plain greedy recomputing every gain picks, and the removal
 * greedy's own gains must equal the reach its picks remove.
 */
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

#define T0 1772352000

static vg_db *fresh_db(const char *name)
{
    return fixture_db("whatif", name);
}

static void close_db(vg_db *db)
{
    fixture_close(db);
}

static void follow(vg_db *db, const char *src, const char *dst)
{
    fixture_edge(db, VG_EV_FOLLOW, src, dst, T0);
}

static void suspend(vg_db *db, const char *id)
{
    fixture_moderate(db, VG_EV_SUSPENSION, id, T0 + 60);
}

static vg_network *load(vg_db *db)
{
    vg_network *net;
    assert_int_equal(vg_network_load(db, NULL, &net), VG_OK);
    return net;
}

static const char *id_of(const vg_network *net, const struct vg_whatif *w, size_t i)
{
    return vg_network_account_id(net, w->picks[i].account);
}

/*
 * m1 <- x1 x2 x3 x4 x5;  m2 <- x1 x2 x3 x4;  m3 <- x6 x7;  m4 <- x5 x8;  m5 (suspended) <- x9.
 * Reach of the live set: x1..x8 = 8. Budget 2:
 *   coverage:  m1 (5 new), then m3 (2 new): covers 7, but suspending them removes only x6, x7
 *              (x1..x4 still follow m2, x5 follows m4): reach 6;
 *   removal:   m3 (2 private followers), then m4 (x8): removes 3: reach 5;
 *   followers: m1, m2: removes x1..x4: reach 4, the best pair here, which greedy on removal
 *              misses because neither m1 nor m2 alone removes anything.
 */
static void rankings_differ_on_a_hand_worked_case(void **state)
{
    (void)state;
    vg_db *db = fresh_db("hand");
    const char *m1[] = { "x1", "x2", "x3", "x4", "x5" };
    for (int i = 0; i < 5; i++)
        follow(db, m1[i], "m1");
    for (int i = 0; i < 4; i++)
        follow(db, m1[i], "m2");
    follow(db, "x6", "m3");
    follow(db, "x7", "m3");
    follow(db, "x5", "m4");
    follow(db, "x8", "m4");
    follow(db, "x9", "m5");
    suspend(db, "m5");
    vg_network *net = load(db);
    const char *set[] = { "m1", "m2", "m3", "m4", "m5", "nobody", "m1" };
    struct vg_whatif w;

    assert_int_equal(vg_network_whatif(net, set, 7, 2, VG_WHATIF_COVERAGE, &w), VG_OK);
    assert_int_equal(w.accounts, 5);
    assert_int_equal(w.unknown, 1);
    assert_int_equal(w.already_suspended, 1);
    assert_int_equal(w.reach_before, 8);
    assert_int_equal(w.n_picks, 2);
    assert_string_equal(id_of(net, &w, 0), "m1");
    assert_string_equal(id_of(net, &w, 1), "m3");
    assert_int_equal(w.picks[0].gain, 5);
    assert_int_equal(w.picks[1].gain, 2);
    assert_int_equal(w.picks[0].removed, 0);
    assert_int_equal(w.picks[1].removed, 2);
    assert_int_equal(w.coverage, 7);
    assert_int_equal(w.reach_after, 6);
    char *json;
    assert_int_equal(vg_whatif_pick_json(net, &w, 1, &json), VG_OK);
    assert_string_equal(json, "{\"rank\":2,\"account\":\"m3\",\"followers\":2,\"gain\":2,"
                              "\"removed\":2,\"reach_left\":6}");
    vg_free(json);
    vg_whatif_release(&w);

    assert_int_equal(vg_network_whatif(net, set, 7, 2, VG_WHATIF_REMOVAL, &w), VG_OK);
    assert_string_equal(id_of(net, &w, 0), "m3");
    assert_string_equal(id_of(net, &w, 1), "m4");
    assert_int_equal(w.picks[0].gain, 2);
    assert_int_equal(w.picks[1].gain, 1);
    assert_int_equal(w.reach_after, 5);
    vg_whatif_release(&w);

    assert_int_equal(vg_network_whatif(net, set, 7, 2, VG_WHATIF_FOLLOWERS, &w), VG_OK);
    assert_string_equal(id_of(net, &w, 0), "m1");
    assert_string_equal(id_of(net, &w, 1), "m2");
    assert_int_equal(w.picks[1].removed, 4);
    assert_int_equal(w.reach_after, 4);
    vg_whatif_release(&w);

    /* A budget over the candidates picks them all: nothing is left. */
    assert_int_equal(vg_network_whatif(net, set, 7, 10, VG_WHATIF_REMOVAL, &w), VG_OK);
    assert_int_equal(w.n_picks, 4);
    assert_int_equal(w.reach_after, 0);
    vg_whatif_release(&w);
    vg_network_free(net);
    close_db(db);
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t draw(uint32_t n)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (uint32_t)(((rng * 2685821657736338717ull) >> 33) % n);
}

/* Plain greedy coverage: every gain recomputed each round, same tie-breaking as the library
 * (gain, then followers, then lower network index). */
static void plain_greedy(const vg_network *net, const uint32_t *cand, size_t n, size_t k,
                         uint32_t *picks)
{
    uint8_t *covered = calloc(net->n, 1), *picked = calloc(n, 1);
    assert_non_null(covered);
    assert_non_null(picked);
    const struct vg_csr *in = &net->follow_in;
    for (size_t r = 0; r < k; r++) {
        size_t best = SIZE_MAX;
        uint64_t best_gain = 0;
        for (size_t i = 0; i < n; i++) {
            if (picked[i])
                continue;
            uint64_t g = 0;
            for (uint64_t e = in->off[cand[i]]; e < in->off[cand[i] + 1]; e++)
                g += !covered[in->adj[e]];
            uint64_t f = vg__csr_degree(in, cand[i]);
            if (best == SIZE_MAX || g > best_gain ||
                (g == best_gain && f > vg__csr_degree(in, cand[best])))
                best = i, best_gain = g;
        }
        picked[best] = 1;
        picks[r] = cand[best];
        for (uint64_t e = in->off[cand[best]]; e < in->off[cand[best] + 1]; e++)
            covered[in->adj[e]] = 1;
    }
    free(covered);
    free(picked);
}

static void lazy_greedy_matches_plain_greedy(void **state)
{
    (void)state;
    vg_db *db = fresh_db("random");
    char src[16], dst[16];
    /* 60 members with skewed follower counts among 400 accounts, overlapping heavily. */
    for (int e = 0; e < 3000; e++) {
        uint32_t m = draw(60), f = draw(400);
        m = m * m / 60; /* low numbers more often: a heavy-ish tail */
        snprintf(src, sizeof(src), "f%u", f);
        snprintf(dst, sizeof(dst), "m%u", m);
        follow(db, src, dst);
    }
    vg_network *net = load(db);
    uint32_t cand[60];
    size_t n = 0;
    for (int m = 0; m < 60; m++) {
        snprintf(dst, sizeof(dst), "m%d", m);
        size_t v = vg_network_find(net, dst);
        if (v != (size_t)-1)
            cand[n++] = (uint32_t)v;
    }
    /* by index, as vg__whatif_run wants */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && cand[j - 1] > cand[j]; j--) {
            uint32_t t = cand[j];
            cand[j] = cand[j - 1];
            cand[j - 1] = t;
        }
    assert_true(n > 20);
    size_t k = 15;
    uint32_t expect[15];
    plain_greedy(net, cand, n, k, expect);
    struct vg_whatif w;
    memset(&w, 0, sizeof(w));
    assert_int_equal(vg__whatif_run(net, cand, n, k, VG_WHATIF_COVERAGE, &w), VG_OK);
    assert_int_equal(w.n_picks, k);
    uint64_t gains = 0;
    for (size_t i = 0; i < k; i++) {
        assert_int_equal(w.picks[i].account, expect[i]);
        gains += w.picks[i].gain;
    }
    assert_int_equal(gains, w.coverage); /* marginal gains add up to the coverage */
    /* Lazy evaluation saved work: fewer gains than the n + k * n a plain greedy computes. */
    assert_true(w.gain_evaluations < n + k * n);
    vg_whatif_release(&w);

    memset(&w, 0, sizeof(w));
    assert_int_equal(vg__whatif_run(net, cand, n, k, VG_WHATIF_REMOVAL, &w), VG_OK);
    uint64_t removed = 0;
    for (size_t i = 0; i < k; i++) {
        assert_int_equal(w.picks[i].gain, w.picks[i].removed);
        removed += w.picks[i].removed;
    }
    assert_int_equal(w.reach_before - w.reach_after, removed);
    vg_whatif_release(&w);
    vg_network_free(net);
    close_db(db);
}

/* Every allocation that fails is reported and leaks nothing (the ASan build checks); the runs
 * that succeed give the hand-worked figures. */
static void allocation_failures_are_reported(void **state)
{
    (void)state;
    vg_db *db = fresh_db("alloc");
    const char *m1[] = { "x1", "x2", "x3", "x4", "x5" };
    for (int i = 0; i < 5; i++)
        follow(db, m1[i], "m1");
    for (int i = 0; i < 4; i++)
        follow(db, m1[i], "m2");
    follow(db, "x6", "m3");
    follow(db, "x5", "m4");
    assert_int_equal(vg_db_flush(db), VG_OK);
    vg_network *net = load(db);
    const char *set[] = { "m1", "m2", "m3", "m4" };
    int failures = 0, successes = 0;
    for (int r = 0; r < 3; r++)
        for (uint64_t k = 1; k < 40; k++) {
            struct vg_whatif w;
            char *json = NULL;
            vg__alloc_fail_after(k);
            vg_status rc = vg_network_whatif(net, set, 4, 2, (enum vg_whatif_rank)r, &w);
            if (!rc) {
                rc = vg_whatif_pick_json(net, &w, 1, &json);
                if (rc)
                    vg_whatif_release(&w);
            }
            vg__alloc_fail_after(0);
            if (rc) {
                failures++;
                assert_int_equal(rc, VG_ENOMEM);
                assert_null(w.picks);
            } else {
                successes++;
                assert_int_equal(w.reach_before, 6);
                vg_whatif_release(&w);
            }
            vg_free(json);
        }
    assert_true(failures >= 6);
    assert_true(successes > 0);
    vg_network_free(net);
    close_db(db);
}

/* The sets a report or a what-if can be about: seeds, and candidates after scoring (threshold 0
 * takes every account; no score reaches 1, so threshold 1 leaves the seeds). */
static void sets_of_a_network(void **state)
{
    (void)state;
    vg_db *db = fresh_db("sets");
    follow(db, "a", "b");
    follow(db, "b", "c");
    follow(db, "d", "a");
    suspend(db, "c");
    vg_network *net = load(db);
    const char **ids;
    size_t n;
    /* Before set_seeds, the seeds are the suspended accounts. */
    assert_int_equal(vg_network_set_ids(net, VG_SET_SEEDS, &ids, &n), VG_OK);
    assert_int_equal(n, 1);
    assert_string_equal(ids[0], "c");
    vg_free(ids);
    assert_int_equal(vg_network_set_ids(net, VG_SET_CANDIDATES, &ids, &n), VG_EINVAL);
    const char *seeds[] = { "a", "b" };
    assert_int_equal(vg_network_set_seeds(net, seeds, 2, NULL), VG_OK);
    assert_int_equal(vg_network_score(db, net), VG_OK);
    assert_int_equal(vg_network_set_ids(net, VG_SET_SEEDS, &ids, &n), VG_OK);
    assert_int_equal(n, 2);
    vg_free(ids);
    vg_network_free(net);
    for (int t = 0; t <= 1; t++) {
        struct vg_network_opts o;
        vg_network_opts_init(&o);
        o.threshold = t;
        assert_int_equal(vg_network_load(db, &o, &net), VG_OK);
        assert_int_equal(vg_network_set_seeds(net, seeds, 2, NULL), VG_OK);
        assert_int_equal(vg_network_score(db, net), VG_OK);
        assert_int_equal(vg_network_set_ids(net, VG_SET_CANDIDATES, &ids, &n), VG_OK);
        assert_int_equal(n, t == 0 ? 4 : 2);
        vg_free(ids);
        char *json;
        assert_int_equal(vg_network_load_summary_json(net, &json), VG_OK);
        assert_string_equal(json, "{\"accounts\":4,\"follows\":3,\"suspended\":1,\"before\":null}");
        vg_free(json);
        vg_network_free(net);
    }
    close_db(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rankings_differ_on_a_hand_worked_case),
        cmocka_unit_test(lazy_greedy_matches_plain_greedy),
        cmocka_unit_test(sets_of_a_network),
        cmocka_unit_test(allocation_failures_are_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
