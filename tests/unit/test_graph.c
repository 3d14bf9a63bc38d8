/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_graph.c: the network stage on small invented graphs built through the store: PPR against
 * a hand-computed case, unfollows, "as of" loading, mentions by handle, reach and insularity,
 * communities of two cliques, the account score on a planted supporter cluster measured against
 * its truth (vigie accounts eval), seeds files.
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

#define T0 1772352000 /* 2026-03-01T08:00:00Z */

/* ---- building stores ------------------------------------------------------------------------ */

static vg_db *fresh_db(const char *name)
{
    return fixture_db("graph", name);
}

static void close_db(vg_db *db)
{
    fixture_close(db);
}

static void follow(vg_db *db, const char *src, const char *dst, int64_t at)
{
    fixture_edge(db, VG_EV_FOLLOW, src, dst, at);
}

static void account(vg_db *db, const char *id, const char *handle)
{
    fixture_account(db, id, handle, T0 - 86400);
}

static void post_mentioning(vg_db *db, const char *id, const char *author, const char *text,
                            const char **mentions, size_t n)
{
    struct vg_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = VG_EV_POST;
    ev.u.post.id = id;
    ev.u.post.account = author;
    ev.u.post.created_at = T0;
    ev.u.post.text = text;
    ev.u.post.mentions.v = mentions;
    ev.u.post.mentions.n = n;
    fixture_put(db, &ev);
}

static void suspend(vg_db *db, const char *id, int64_t at)
{
    fixture_moderate(db, VG_EV_SUSPENSION, id, at);
}

/* A post; reply_to may be NULL; score < 0: not scored. */
static void post(vg_db *db, const char *id, const char *author, int64_t at, const char *reply_to,
                 double score)
{
    struct vg_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = VG_EV_POST;
    ev.u.post.id = id;
    ev.u.post.account = author;
    ev.u.post.created_at = at;
    ev.u.post.text = "invented text for a test";
    ev.u.post.lang = "en";
    ev.u.post.reply_to = reply_to;
    fixture_put(db, &ev);
    if (score >= 0) {
        struct vg_post_score s;
        memset(&s, 0, sizeof(s));
        s.score = score;
        s.flagged = score >= 0.5;
        s.lang = "en";
        assert_int_equal(vg__db_put_score(db, id, "test-model", &s), VG_OK);
    }
}

static vg_network *load(vg_db *db, int64_t before)
{
    struct vg_network_opts o;
    vg_network_opts_init(&o);
    o.before = before;
    vg_network *net;
    assert_int_equal(vg_network_load(db, &o, &net), VG_OK);
    return net;
}

static uint32_t idx(const vg_network *net, const char *id)
{
    size_t i = vg_network_find(net, id);
    assert_true(i != (size_t)-1);
    return (uint32_t)i;
}

static int follows(const vg_network *net, const char *a, const char *b)
{
    uint32_t u = idx(net, a), v = idx(net, b);
    for (uint64_t e = net->follow_out.off[u]; e < net->follow_out.off[u + 1]; e++)
        if (net->follow_out.adj[e] == v)
            return 1;
    return 0;
}

/* ---- tests ----------------------------------------------------------------------------------- */

/*
 * b follows a (weight 1); c replies twice to a post of a (weight 2); seed a; damping d.
 * Strengths: a 3, b 1, c 2. x_b = d x_a / 3, x_c = 2 d x_a / 3, and
 * x_a = (1 - d) + d (x_b / 1 + 2 x_c / 2) = (1 - d) + d^2 x_a, so x_a = 1 / (1 + d),
 * x_b = d / (3 (1 + d)), x_c = 2 d / (3 (1 + d)).
 */
static void ppr_matches_hand_computed_case(void **state)
{
    (void)state;
    vg_db *db = fresh_db("ppr");
    follow(db, "b", "a", T0);
    post(db, "pa", "a", T0, NULL, -1);
    post(db, "r1", "c", T0 + 60, "pa", -1);
    post(db, "r2", "c", T0 + 120, "pa", -1);
    vg_network *net = load(db, VG_TIME_UNKNOWN);
    const char *seeds[] = { "a" };
    assert_int_equal(vg_network_set_seeds(net, seeds, 1, NULL), VG_OK);
    assert_int_equal(vg_network_score(db, net), VG_OK);
    double d = 0.85;
    assert_float_equal(net->ppr[idx(net, "a")], 1 / (1 + d), 1e-9);
    assert_float_equal(net->ppr[idx(net, "b")], d / (3 * (1 + d)), 1e-9);
    assert_float_equal(net->ppr[idx(net, "c")], 2 * d / (3 * (1 + d)), 1e-9);
    /* Interaction weights are counted: c's two replies make one tie of weight 2. */
    assert_float_equal(net->strength[idx(net, "c")], 2.0, 1e-12);
    vg_network_free(net);
    close_db(db);
}

static void unfollow_later_than_follow_removes_it(void **state)
{
    (void)state;
    vg_db *db = fresh_db("unfollow");
    follow(db, "a", "b", T0);
    fixture_edge(db, VG_EV_UNFOLLOW, "a", "b", T0 + 10); /* later: removes */
    follow(db, "c", "d", T0 + 10);
    fixture_edge(db, VG_EV_UNFOLLOW, "c", "d", T0); /* earlier: the follow stands */
    follow(db, "e", "f", T0);
    fixture_edge(db, VG_EV_UNFOLLOW, "e", "f", T0 + 10);
    follow(db, "e", "f", T0 + 20); /* followed again */
    follow(db, "g", "h", VG_TIME_UNKNOWN);
    fixture_edge(db, VG_EV_UNFOLLOW, "g", "h", T0); /* a timeless follow is the earliest */
    vg_network *net = load(db, VG_TIME_UNKNOWN);
    assert_false(follows(net, "a", "b"));
    assert_true(follows(net, "c", "d"));
    assert_true(follows(net, "e", "f"));
    assert_false(follows(net, "g", "h"));
    assert_int_equal(net->n_follows, 2);
    vg_network_free(net);
    /* As of before the unfollow, a still follows b. */
    net = load(db, T0 + 5);
    assert_true(follows(net, "a", "b"));
    vg_network_free(net);
    close_db(db);
}

static void before_excludes_later_data(void **state)
{
    (void)state;
    vg_db *db = fresh_db("before");
    follow(db, "a", "b", T0);
    follow(db, "a", "c", T0 + 3600);
    post(db, "p1", "b", T0, NULL, 0.9);
    post(db, "p2", "a", T0 + 3600, "p1", 0.9);
    suspend(db, "b", T0 + 7200);
    vg_network *all = load(db, VG_TIME_UNKNOWN), *early = load(db, T0 + 1800);
    assert_int_equal(all->n_follows, 2);
    assert_int_equal(early->n_follows, 1);
    assert_int_equal(all->n_interactions, 1);
    assert_int_equal(early->n_interactions, 0);
    assert_int_equal(all->content[idx(all, "a")].n_scored, 1);
    assert_int_equal(early->content[idx(early, "a")].n_scored, 0);
    assert_int_equal(all->suspended[idx(all, "b")], 1);
    assert_int_equal(early->suspended[idx(early, "b")], 0);
    assert_int_equal(vg_network_n_seeds(all), 1);
    assert_int_equal(vg_network_n_seeds(early), 0);
    vg_network_free(all);
    vg_network_free(early);
    close_db(db);
}

static void mentions_resolve_by_handle(void **state)
{
    (void)state;
    vg_db *db = fresh_db("mentions");
    account(db, "u1", "Alpha_One");
    account(db, "u2", "beta");
    /* u3 was "gamma_old" and is "gamma" now; u4 had "gamma_old" before u3 did, and "beta"
     * (u2's current handle) before that. */
    fixture_account(db, "u4", "beta", T0 - 5 * 86400);
    fixture_account(db, "u4", "gamma_old", T0 - 4 * 86400);
    fixture_account(db, "u4", "delta", T0 - 3 * 86400);
    fixture_account(db, "u3", "gamma_old", T0 - 2 * 86400);
    fixture_account(db, "u3", "gamma", T0 - 86400);
    const char *m1[] = { "alpha_one", "nobody" };
    post_mentioning(db, "m1", "u2", "hello @alpha_one and @nobody", m1, 2);
    const char *m2[] = { "GAMMA_OLD", "beta" };
    post_mentioning(db, "m2", "u1", "old names: @GAMMA_OLD @beta", m2, 2);
    vg_network *net = load(db, VG_TIME_UNKNOWN);
    uint32_t u2 = idx(net, "u2"), u1 = idx(net, "u1"), u3 = idx(net, "u3");
    assert_int_equal(vg__csr_degree(&net->inter_out, u2), 1);
    assert_int_equal(net->inter_out.adj[net->inter_out.off[u2]], u1);
    assert_int_equal(net->n_mentions_unresolved, 1);
    /* A past handle resolves to its latest holder; a current one to its current holder. */
    assert_int_equal(vg__csr_degree(&net->inter_out, u1), 2);
    const uint32_t *to = net->inter_out.adj + net->inter_out.off[u1];
    assert_true((to[0] == u2 && to[1] == u3) || (to[0] == u3 && to[1] == u2));
    vg_network_free(net);
    close_db(db);
}

static void reach_union_and_insularity_are_exact(void **state)
{
    (void)state;
    vg_db *db = fresh_db("reach");
    /* followers: a <- b, x, y; b <- a, x, z; c <- x */
    const char *pairs[][2] = { { "b", "a" }, { "x", "a" }, { "y", "a" }, { "a", "b" },
                               { "x", "b" }, { "z", "b" }, { "x", "c" } };
    for (size_t i = 0; i < VG_ARRAY_LEN(pairs); i++)
        follow(db, pairs[i][0], pairs[i][1], T0);
    post(db, "p1", "a", T0, NULL, -1);
    post(db, "p2", "a", T0 + 10, NULL, -1);
    vg_network *net = load(db, VG_TIME_UNKNOWN);
    const char *set[] = { "a", "b", "c", "nobody", "a" };
    struct vg_reach r;
    assert_int_equal(vg_network_reach(net, set, 5, &r), VG_OK);
    assert_int_equal(r.accounts, 3);
    assert_int_equal(r.unknown, 1);
    assert_int_equal(r.unique_followers, 5); /* a b x y z */
    assert_int_equal(r.followers_inside, 2); /* a b */
    assert_int_equal(r.follower_edges, 7);
    assert_int_equal(r.follower_edges_in, 2); /* b->a, a->b */
    assert_float_equal(r.insularity, 2.0 / 7.0, 1e-12);
    assert_float_equal(r.followers_mean, 7.0 / 3.0, 1e-12);
    assert_float_equal(r.followers_median, 3.0, 1e-12);
    assert_int_equal(r.posts, 2);
    assert_int_equal(r.active_accounts, 1);
    vg_network_free(net);
    close_db(db);
}

static void communities_recover_two_cliques(void **state)
{
    (void)state;
    vg_db *db = fresh_db("cliques");
    char ids[10][8];
    for (int i = 0; i < 10; i++)
        snprintf(ids[i], sizeof(ids[i]), "%c%d", i < 5 ? 'a' : 'b', i % 5);
    for (int g = 0; g < 2; g++)
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 5; j++)
                if (i != j)
                    follow(db, ids[g * 5 + i], ids[g * 5 + j], T0);
    follow(db, "a0", "b0", T0); /* the one bridge */
    /* An outsider who follows one seed among four ordinary accounts: not a candidate. */
    follow(db, "x", "a1", T0);
    for (int i = 0; i < 4; i++) {
        char y[8];
        snprintf(y, sizeof(y), "y%d", i);
        follow(db, "x", y, T0);
    }
    vg_network *net = load(db, VG_TIME_UNKNOWN);
    const char *seeds[10];
    for (int i = 0; i < 10; i++)
        seeds[i] = ids[i];
    assert_int_equal(vg_network_set_seeds(net, seeds, 10, NULL), VG_OK);
    assert_int_equal(vg_network_score(db, net), VG_OK);
    assert_int_equal(vg_network_n_communities(net), 2);
    int ca = vg_network_community_of(net, idx(net, "a0"));
    int cb = vg_network_community_of(net, idx(net, "b0"));
    assert_true(ca >= 0 && cb >= 0 && ca != cb);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(vg_network_community_of(net, idx(net, ids[i])), ca);
        assert_int_equal(vg_network_community_of(net, idx(net, ids[5 + i])), cb);
    }
    char *json = NULL;
    assert_int_equal(vg_network_community_json(net, 0, 3, &json), VG_OK);
    assert_non_null(strstr(json, "\"size\":5"));
    vg_free(json);
    vg_network_free(net);
    close_db(db);
}

/* A deterministic stream for the background graph. */
static uint32_t lcg(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

/* The planted world of score_ranks_planted_supporters_above_background measured against its
 * truth (s0..s9 supporters of community c1, bg0 a news account): seeds s0 and s5 are left out;
 * every other supporter ranks above every background account, so the ranking is perfect. The
 * one detected community holds all ten: without the seeds, the 8 planted members, F1 = 1.
 * Then k random supporters as seeds. */
static void measure_planted_world(vg_network *net)
{
    char text[2048] = "{\"accounts\":[{\"id\":\"bg0\",\"role\":\"news\",\"community\":null}";
    for (int i = 0; i < 10; i++) {
        size_t at = strlen(text);
        snprintf(text + at, sizeof(text) - at,
                 ",{\"id\":\"s%d\",\"role\":\"supporter\",\"community\":\"c1\"}", i);
    }
    strcat(text, "]}");
    struct vg_truth t;
    assert_int_equal(vg__truth_parse(text, strlen(text), &t, NULL, 0), VG_OK);
    struct vg_account_eval e;
    assert_int_equal(vg_network_eval(net, &t, &e), VG_OK);
    assert_int_equal(e.seeds, 2);
    assert_int_equal(e.seed_supporters, 2);
    assert_int_equal(e.evaluated, vg_network_size(net) - 2);
    assert_int_equal(e.positives, 8);
    assert_true(e.roc_auc == 1 && e.pr_auc == 1 && e.precision_at_recall_70 == 1);
    assert_int_equal(e.top_p_supporters, 8);
    assert_int_equal(e.planted_communities, 1);
    assert_true(fabs(e.community_f1 - 1.0) < 1e-9);
    char *json = NULL;
    assert_int_equal(vg_account_eval_json(&e, &json), VG_OK);
    assert_non_null(strstr(json, "\"roc_auc\":1.0000"));
    vg_free(json);
    uint64_t rng = 1;
    size_t picked = 0;
    assert_int_equal(vg_network_seed_supporters(net, &t, 3, &rng, &picked), VG_OK);
    assert_int_equal(picked, 3);
    assert_int_equal(vg_network_n_seeds(net), 3);
    for (size_t v = 0; v < vg_network_size(net); v++)
        if (net->seed[v])
            assert_int_equal(vg_network_account_id(net, v)[0], 's');
    assert_int_equal(vg_network_seed_supporters(net, &t, 100, &rng, &picked), VG_OK);
    assert_int_equal(picked, 10);
    vg__truth_release(&t);
}

/* Sixty background accounts and a cell of ten supporters (s0..s9; s0 and s5 suspended). */
static void build_planted_world(vg_db *db, uint32_t seed)
{
    enum {
        BG = 60,
        SUP = 10
    };

    char bg[BG][8], sup[SUP][8], pid[16];
    uint32_t rng = seed;
    int np = 0;
    for (int i = 0; i < BG; i++)
        snprintf(bg[i], sizeof(bg[i]), "bg%d", i);
    for (int i = 0; i < SUP; i++)
        snprintf(sup[i], sizeof(sup[i]), "s%d", i);
    /* Background: each follows 4 random others and writes two ordinary posts. */
    for (int i = 0; i < BG; i++) {
        for (int k = 0; k < 4; k++) {
            int j = (int)(lcg(&rng) % BG);
            if (j != i)
                follow(db, bg[i], bg[j], T0);
        }
        for (int k = 0; k < 2; k++) {
            snprintf(pid, sizeof(pid), "p%d", np++);
            post(db, pid, bg[i], T0 + np, NULL, 0.02 + 0.1 * (lcg(&rng) % 4) / 3.0);
        }
    }
    /* Supporters: a dense cell (each follows the next five), a few background followers, and
     * posts the classifier scores high (except s8 and s9, who post nothing scored). */
    for (int i = 0; i < SUP; i++) {
        for (int k = 1; k <= 5; k++)
            follow(db, sup[i], sup[(i + k) % SUP], T0);
        follow(db, bg[(i * 7) % BG], sup[i], T0);
        if (i < 8) {
            snprintf(pid, sizeof(pid), "p%d", np++);
            post(db, pid, sup[i], T0 + np, NULL, 0.55 + 0.04 * i);
            snprintf(pid, sizeof(pid), "p%d", np++);
            post(db, pid, sup[i], T0 + np, NULL, 0.3);
        }
    }
    /* A background account with one borderline post, to keep the content signal honest. */
    snprintf(pid, sizeof(pid), "p%d", np++);
    post(db, pid, bg[0], T0 + np, NULL, 0.45);
    suspend(db, "s0", T0 + 100000);
    suspend(db, "s5", T0 + 100000);
}

static void score_ranks_planted_supporters_above_background(void **state)
{
    (void)state;
    vg_db *db = fresh_db("planted");
    build_planted_world(db, 7);

    enum {
        BG = 60,
        SUP = 10
    };

    char bg[BG][8], sup[SUP][8];
    for (int i = 0; i < BG; i++)
        snprintf(bg[i], sizeof(bg[i]), "bg%d", i);
    for (int i = 0; i < SUP; i++)
        snprintf(sup[i], sizeof(sup[i]), "s%d", i);
    vg_network *net = load(db, VG_TIME_UNKNOWN);
    assert_int_equal(vg_network_n_seeds(net), 2);
    assert_int_equal(vg_network_score(db, net), VG_OK);
    /* Every supporter ranks above every background account and passes the 0.5 threshold,
     * also those known only by their ties (s8, s9), with the built-in (fitted) weights. */
    double min_sup = 1, min_with_posts = 1, max_bg = 0;
    for (int i = 0; i < SUP; i++)
        if (strcmp(sup[i], "s0") && strcmp(sup[i], "s5")) {
            double s = vg_network_score_of(net, idx(net, sup[i]));
            min_sup = s < min_sup ? s : min_sup;
            if (i < 8)
                min_with_posts = s < min_with_posts ? s : min_with_posts;
        }
    for (int i = 0; i < BG; i++) {
        double s = vg_network_score_of(net, idx(net, bg[i]));
        max_bg = s > max_bg ? s : max_bg;
    }
    assert_true(min_sup > max_bg);
    assert_true(min_with_posts >= 0.5);
    assert_true(min_sup >= 0.5);
    assert_true(max_bg < 0.5);
    /* The explanation names a post and a link to a seed. */
    char *json = NULL;
    assert_int_equal(vg_network_account_json(net, idx(net, "s4"), 5, &json), VG_OK);
    assert_non_null(strstr(json, "\"post\":"));
    assert_non_null(strstr(json, "\"to\":\"seed\""));
    vg_free(json);
    /* The candidates (the ten supporters) form the one community. */
    assert_int_equal(vg_network_n_communities(net), 1);
    assert_int_equal(net->communities[0].size, 10);
    assert_int_equal(vg_network_community_of(net, idx(net, "s9")), 0);
    measure_planted_world(net);
    vg_network_free(net);
    close_db(db);
}

static void seeds_files_are_parsed_strictly(void **state)
{
    (void)state;
    struct vg_arena a;
    vg_arena_init(&a, 4096, SIZE_MAX);
    char **ids;
    size_t n, line = 0;
    const char *ok = "# known accounts\n  u1 \n\nu2\r\n\t# indented comment\nu3";
    assert_int_equal(vg__seeds_parse(ok, strlen(ok), 100, &a, &ids, &n, &line), VG_OK);
    assert_int_equal(n, 3);
    assert_string_equal(ids[0], "u1");
    assert_string_equal(ids[1], "u2");
    assert_string_equal(ids[2], "u3");
    vg_free(ids);
    const char *ctl = "u1\nu\x01x\n";
    assert_int_equal(vg__seeds_parse(ctl, strlen(ctl), 100, &a, &ids, &n, &line), VG_EPARSE);
    assert_int_equal(line, 2);
    assert_null(ids);
    const char *bad = "u1\n\xff\xfe\n";
    assert_int_equal(vg__seeds_parse(bad, strlen(bad), 100, &a, &ids, &n, &line), VG_EUTF8);
    char longid[600];
    memset(longid, 'x', sizeof(longid) - 1);
    longid[sizeof(longid) - 1] = 0;
    assert_int_equal(vg__seeds_parse(longid, strlen(longid), 100, &a, &ids, &n, &line), VG_ELIMIT);
    assert_int_equal(vg__seeds_parse("a\nb\nc", 5, 2, &a, &ids, &n, &line), VG_ELIMIT);
    vg_arena_release(&a);
}

/* Every allocation of loading, scoring and describing may fail: each failure comes back as an
 * error (never a crash), and ASan's leak check at exit sees nothing left behind. */
static void allocation_failures_are_reported(void **state)
{
    (void)state;
    vg_db *db = fresh_db("alloc");
    follow(db, "a", "b", T0);
    follow(db, "b", "a", T0);
    fixture_edge(db, VG_EV_UNFOLLOW, "c", "a", T0);
    follow(db, "c", "a", T0 - 10);
    post(db, "p1", "a", T0, NULL, 0.9);
    post(db, "p2", "b", T0 + 1, "p1", 0.8);
    suspend(db, "a", T0 + 5);
    assert_int_equal(vg_db_flush(db), VG_OK);
    int failures = 0;
    for (uint64_t k = 1; k < 400; k++) {
        vg_network *net = NULL;
        char *json = NULL;
        vg__alloc_fail_after(k);
        vg_status rc = vg_network_load(db, NULL, &net);
        if (!rc)
            rc = vg_network_score(db, net);
        if (!rc)
            rc = vg_network_account_json(net, 0, 5, &json);
        vg__alloc_fail_after(0);
        if (rc) {
            failures++;
            assert_true(rc == VG_ENOMEM || rc == VG_EDB);
        }
        vg_free(json);
        vg_network_free(net);
    }
    assert_true(failures > 20);
    close_db(db);
}

static void weights_files_round_trip_and_fail_clearly(void **state)
{
    (void)state;
    struct vg_score_weights w, back;
    vg__weights_default(&w);
    struct vg_buf b;
    vg_buf_init(&b, 1u << 16);
    assert_int_equal(vg__weights_format(&w, "# test\n", &b), VG_OK);
    memset(&back, 0, sizeof(back));
    assert_int_equal(vg__weights_parse(b.data, b.len, &back, NULL, 0), VG_OK);
    assert_float_equal(back.bias, w.bias, 1e-6);
    for (int i = 0; i < VG_AF__COUNT; i++)
        assert_float_equal(back.w[i], w.w[i], 1e-6);
    vg_buf_release(&b);
    /* What a file does not name weighs 0. */
    const char *some = "bias = -1.5\n# a comment\ncontent = 2\n";
    assert_int_equal(vg__weights_parse(some, strlen(some), &back, NULL, 0), VG_OK);
    assert_float_equal(back.bias, -1.5, 0);
    assert_float_equal(back.w[VG_AF_CONTENT], 2, 0);
    assert_float_equal(back.w[VG_AF_AGE], 0, 0);
    char err[200];
    const char *unknown = "bias = 1\nloyalty = 3\n";
    assert_int_equal(vg__weights_parse(unknown, strlen(unknown), &back, err, sizeof(err)),
                     VG_EINVAL);
    assert_non_null(strstr(err, "line 2"));
    assert_non_null(strstr(err, "loyalty"));
    assert_float_equal(back.bias, -1.5, 0); /* unchanged on error */
    const char *huge = "content = 5000\n";
    assert_int_equal(vg__weights_parse(huge, strlen(huge), &back, err, sizeof(err)), VG_EINVAL);
    assert_non_null(strstr(err, "content"));
    const char *junk = "content\n";
    assert_int_equal(vg__weights_parse(junk, strlen(junk), &back, err, sizeof(err)), VG_EPARSE);
}

/* Weights fitted on one planted world, written to a file and read back, rank the supporters of
 * another planted world (other background ties) above every other account. */
static void fitted_weights_carry_to_another_world(void **state)
{
    (void)state;
    char text[2048] = "{\"accounts\":[";
    for (int i = 0; i < 10; i++) {
        size_t at = strlen(text);
        snprintf(text + at, sizeof(text) - at,
                 "%s{\"id\":\"s%d\",\"role\":\"supporter\",\"community\":\"c1\"}", i ? "," : "", i);
    }
    strcat(text, "]}");
    struct vg_truth t;
    assert_int_equal(vg__truth_parse(text, strlen(text), &t, NULL, 0), VG_OK);
    vg_db *db = fresh_db("fit");
    build_planted_world(db, 11);
    vg_network *net = load(db, VG_TIME_UNKNOWN);
    char *weights = NULL;
    struct vg_fit_summary sum;
    assert_int_equal(vg_network_fit(&net, (const vg_truth *const *)&(const vg_truth *){ &t }, 1,
                                    1.0, &weights, &sum),
                     VG_OK);
    assert_int_equal(sum.examples, vg_network_size(net) - 2);
    assert_int_equal(sum.positives, 8);
    assert_non_null(strstr(weights, "known_followers = "));
    vg_network_free(net);
    close_db(db);
    char wpath[300];
    snprintf(wpath, sizeof(wpath), "%s.weights", fixture_path);
    FILE *f = fopen(wpath, "w");
    assert_non_null(f);
    fputs(weights, f);
    fclose(f);
    vg_free(weights);

    db = fresh_db("fit2");
    build_planted_world(db, 23);
    net = load(db, VG_TIME_UNKNOWN);
    char err[200];
    assert_int_equal(vg_network_weights_read(net, "/nonexistent/w", err, sizeof(err)), VG_ENOENT);
    assert_non_null(strstr(err, "/nonexistent/w"));
    assert_int_equal(vg_network_weights_read(net, wpath, err, sizeof(err)), VG_OK);
    unlink(wpath);
    assert_int_equal(vg_network_score(db, net), VG_OK);
    struct vg_account_eval e;
    assert_int_equal(vg_network_eval(net, &t, &e), VG_OK);
    assert_int_equal(e.positives, 8);
    assert_true(e.roc_auc == 1 && e.pr_auc == 1);
    char *sum_json = NULL;
    assert_int_equal(vg_network_summary_json(net, &sum_json), VG_OK);
    assert_non_null(strstr(sum_json, ".weights\""));
    vg_free(sum_json);
    vg_network_free(net);
    close_db(db);
    vg__truth_release(&t);
}

/* A post by author carrying one hashtag and one link. */
static void post_with(vg_db *db, const char *id, const char *author, const char *tag,
                      const char *url)
{
    struct vg_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = VG_EV_POST;
    ev.u.post.id = id;
    ev.u.post.account = author;
    ev.u.post.created_at = T0 + 60;
    ev.u.post.text = "invented text for a test";
    ev.u.post.lang = "en";
    const char *tags[1] = { tag }, *urls[1] = { url };
    ev.u.post.hashtags.v = tags;
    ev.u.post.hashtags.n = tag != NULL;
    ev.u.post.urls.v = urls;
    ev.u.post.urls.n = url != NULL;
    fixture_put(db, &ev);
}

static void profile(vg_db *db, const char *id, const char *handle, const char *name,
                    const char *bio)
{
    struct vg_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = VG_EV_ACCOUNT;
    ev.u.account.id = id;
    ev.u.account.handle = handle;
    ev.u.account.name = name;
    ev.u.account.bio = bio;
    ev.u.account.created_at = VG_TIME_UNKNOWN;
    ev.u.account.followers = ev.u.account.following = ev.u.account.posts = -1;
    ev.u.account.observed_at = T0;
    fixture_put(db, &ev);
}

/*
 * Terms shared with known accounts: s1..s4 are suspended (the seeds, evidence 1); x shares a
 * hashtag, a domain and a bio word with all four; y uses a hashtag only s1 used; z uses terms
 * nobody known uses. Leave-one-out with prior 2: x's tag share is 4 / (5 - 1 + 2) = 2/3, y's
 * is 1 / (2 - 1 + 2) = 1/3; a seed alone with its tag gets 0, not credit from itself.
 */
static void terms_shared_with_known_accounts(void **state)
{
    (void)state;
    vg_db *db = fresh_db("terms");
    const char *seeds[4] = { "s1", "s2", "s3", "s4" };
    char id[16];
    for (int i = 0; i < 4; i++) {
        profile(db, seeds[i], seeds[i], "Invented Name", "Servant of the invented dawn");
        snprintf(id, sizeof(id), "p%d", i);
        post_with(db, id, seeds[i], "dawncall", "https://relay.example.net/a");
        suspend(db, seeds[i], T0 + 3600);
    }
    post_with(db, "p9", "s1", "onlys1", NULL);
    profile(db, "x", "x_k0ri", "Someone", "A servant of nobody");
    post_with(db, "px", "x", "DawnCall", "https://relay.example.net/b");
    profile(db, "y", "y", "Y", "Coffee and books");
    post_with(db, "py", "y", "onlys1", NULL);
    profile(db, "z", "z", "Z", "Football is life");
    post_with(db, "pz", "z", "football", "https://sports.example.org/");
    vg_network *net = load(db, VG_TIME_UNKNOWN);
    assert_int_equal(vg_network_score(db, net), VG_OK);
    double x[VG_AF__COUNT];
    vg__account_features(net, idx(net, "x"), net->log_ref, x);
    assert_true(fabs(x[VG_AF_TAGS] - 4.0 / 6) < 1e-9); /* "DawnCall" normalised to "dawncall" */
    assert_true(fabs(x[VG_AF_DOMAINS] - 4.0 / 6) < 1e-9);
    assert_true(fabs(x[VG_AF_PROFILE] - 4.0 / 6) < 1e-9); /* "servant" */
    assert_int_equal(x[VG_AF_LOOKALIKE], 1);              /* k0ri */
    vg__account_features(net, idx(net, "y"), net->log_ref, x);
    assert_true(fabs(x[VG_AF_TAGS] - 1.0 / 3) < 1e-9);
    assert_true(x[VG_AF_DOMAINS] == 0 && x[VG_AF_LOOKALIKE] == 0);
    vg__account_features(net, idx(net, "z"), net->log_ref, x);
    assert_true(x[VG_AF_TAGS] == 0 && x[VG_AF_DOMAINS] == 0 && x[VG_AF_PROFILE] == 0);
    /* s1's own tag "onlys1" is shared with y only (no evidence): s1 gets its dawncall share
     * from the three other seeds, 3 / (5 - 1 + 2). */
    vg__account_features(net, idx(net, "s1"), net->log_ref, x);
    assert_true(fabs(x[VG_AF_TAGS] - 3.0 / 6) < 1e-9);
    /* The explanation names the shared terms. */
    char *json;
    assert_int_equal(vg_network_account_json(net, idx(net, "x"), 10, &json), VG_OK);
    assert_non_null(
            strstr(json, "{\"hashtag\":\"dawncall\",\"known_share\":0.667,\"accounts\":5}"));
    assert_non_null(strstr(json, "{\"domain\":\"relay.example.net\""));
    assert_non_null(strstr(json, "{\"profile_term\":\"servant\""));
    vg_free(json);
    vg_network_free(net);
    close_db(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ppr_matches_hand_computed_case),
        cmocka_unit_test(unfollow_later_than_follow_removes_it),
        cmocka_unit_test(before_excludes_later_data),
        cmocka_unit_test(mentions_resolve_by_handle),
        cmocka_unit_test(reach_union_and_insularity_are_exact),
        cmocka_unit_test(communities_recover_two_cliques),
        cmocka_unit_test(score_ranks_planted_supporters_above_background),
        cmocka_unit_test(seeds_files_are_parsed_strictly),
        cmocka_unit_test(weights_files_round_trip_and_fail_clearly),
        cmocka_unit_test(fitted_weights_carry_to_another_world),
        cmocka_unit_test(terms_shared_with_known_accounts),
        cmocka_unit_test(allocation_failures_are_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
