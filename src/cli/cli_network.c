/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_network.c: `vigie network communities`, `vigie network report` (one window, or snapshots
 * with personas and survival over time) and `vigie network simulate-suspensions`, and the steps
 * the network commands share (open a store that must exist, load its network, set the seeds).
 * Thin shells over the vg_network_* functions of vigie.h; docs/networks.md explains the output.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

/* ---- shared ---------------------------------------------------------------------------------- */

int cli_parse_time(const char *cmd, const char *opt, const char *s, int64_t *out)
{
    if (vg_time_parse(s, out) != VG_OK)
        return usage_error(cmd, "%s takes an instant like 2026-03-01T00:00:00Z, not '%s'", opt, s);
    return 0;
}

int cli_parse_fraction(const char *cmd, const char *opt, const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (!*s || *end || !(v >= 0 && v <= 1))
        return usage_error(cmd, "%s takes a number from 0 to 1", opt);
    *out = v;
    return 0;
}

int cli_parse_count(const char *cmd, const char *opt, const char *s, long max, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < 0 || v > max)
        return usage_error(cmd, "%s takes a number from 0 to %ld", opt, max);
    *out = v;
    return 0;
}

/* Read a weights file into net: 0, or EXIT_DATA after a message naming the file and line. */
static int network_weights(const char *cmd, vg_network *net, const char *path)
{
    char err[512];
    vg_status rc = vg_network_weights_read(net, path, err, sizeof(err));
    if (rc)
        fprintf(stderr, "vigie %s: weights: %s\n", cmd, err[0] ? err : vg_strerror(rc));
    return rc ? EXIT_DATA : 0;
}

int cli_network_open(const char *cmd, const char *db_path, const struct vg_network_opts *opts,
                     const char *seeds_path, const char *weights_path, vg_db **db_out,
                     vg_network **net_out)
{
    *db_out = NULL;
    *net_out = NULL;
    vg_db *db;
    if (cli_open_store(cmd, db_path, &db))
        return EXIT_DATA;
    vg_network *net = NULL;
    vg_status rc = vg_network_load(db, opts, &net);
    if (rc) {
        fprintf(stderr, "vigie %s: cannot load the network: %s: %s\n", cmd, vg_strerror(rc),
                vg_db_errmsg(db));
        vg_db_close(db);
        return EXIT_DATA;
    }
    if (seeds_path) {
        char **ids = NULL;
        size_t n = 0;
        if ((rc = vg_seeds_read(seeds_path, &ids, &n)) == VG_OK)
            rc = vg_network_set_seeds(net, (const char *const *)ids, n, NULL);
        vg_seeds_free(ids, n);
        if (rc) {
            fprintf(stderr, "vigie %s: cannot read seeds %s: %s\n", cmd, seeds_path,
                    vg_strerror(rc));
            vg_network_free(net);
            vg_db_close(db);
            return EXIT_DATA;
        }
    }
    int ex = weights_path ? network_weights(cmd, net, weights_path) : 0;
    if (ex) {
        vg_network_free(net);
        vg_db_close(db);
        return ex;
    }
    *db_out = db;
    *net_out = net;
    return 0;
}

static int print_and_free(const char *cmd, vg_status rc, char *json)
{
    if (rc || !json) {
        fprintf(stderr, "vigie %s: %s\n", cmd, vg_strerror(rc));
        return EXIT_DATA;
    }
    printf("%s\n", json);
    vg_free(json);
    return 0;
}

/* ---- vigie network communities -------------------------------------------------------------- */

static void communities_help(void)
{
    printf("usage: vigie network communities [--db FILE] [--seeds FILE] [--before T]\n"
           "                                 [--threshold X] [--top N] [--weights FILE]\n"
           "                                 [--no-store]\n\n"
           "Score accounts as 'vigie accounts score' does, then find communities (Leiden) among\n"
           "the seeds and the accounts scoring at least X. One JSON line per community of two\n"
           "or more accounts, largest first:\n"
           "  {\"community\":\"c1\",\"size\":..,\"seeds\":..,\"lang\":..,\"mean_score\":..,\n"
           "   \"top_accounts\":[..],\"top_hashtags\":[..],\"top_domains\":[..],\"reach\":{..}}\n"
           "then a summary line. The communities and their members are stored (replacing the\n"
           "previous run's) for the case view; the summary says how many (\"stored\").\n\n"
           "options:\n"
           "  --db FILE       the store (default " DEFAULT_DB ")\n"
           "  --seeds FILE    known accounts, one id a line (default: the suspended accounts)\n"
           "  --before T      only data before instant T (e.g. 2026-03-02T00:00:00Z)\n"
           "  --threshold X   candidate score, 0..1 (default 0.5)\n"
           "  --top N         accounts, hashtags and domains shown per community (default 10)\n"
           "  --weights FILE  the score's weights (vigie accounts fit; default: built in)\n"
           "  --no-store      print only; keep the stored communities as they are\n"
           "  --help, -h      this help\n");
}

static int cmd_network_communities(int argc, char **argv)
{
    int no_store = 0;
    const char *cmd = "network communities", *db_path = DEFAULT_DB, *seeds = NULL, *weights = NULL;
    struct vg_network_opts o;
    vg_network_opts_init(&o);
    long top = 10;
    const struct cli_opt opts[] = {
        { "db", .str = &db_path },           { "seeds", .str = &seeds },
        { "before", .time = &o.before },     { "threshold", .fraction = &o.threshold },
        { "top", .count = &top, .max = 10 }, { "weights", .str = &weights },
        { "no-store", .flag = &no_store },
    };
    int bad = cli_parse_options(cmd, argc, argv, opts, sizeof(opts) / sizeof(opts[0]),
                                communities_help);
    if (bad)
        return bad < 0 ? 0 : bad;
    if (optind < argc)
        return usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    vg_db *db;
    vg_network *net;
    int ex = cli_network_open(cmd, db_path, &o, seeds, weights, &db, &net);
    if (ex)
        return ex;
    vg_status rc = vg_network_score(db, net);
    for (size_t k = 0; !rc && k < vg_network_n_communities(net); k++) {
        char *json;
        if ((rc = vg_network_community_json(net, k, (size_t)top, &json)) == VG_OK) {
            printf("%s\n", json);
            vg_free(json);
        }
    }
    int stored_failed = 0;
    if (!rc && !no_store && (rc = vg_network_communities_store(db, net, (int64_t)time(NULL)))) {
        fprintf(stderr, "vigie %s: cannot store the communities: %s: %s\n", cmd, vg_strerror(rc),
                vg_db_errmsg(db));
        stored_failed = 1;
    }
    char *sum = NULL;
    if (!rc)
        rc = vg_network_summary_json(net, &sum);
    if (!rc && sum && sum[0] && sum[strlen(sum) - 1] == '}') {
        /* The summary object, with how many communities were stored. */
        sum[strlen(sum) - 1] = '\0';
        printf("%s,\"stored\":%zu}\n", sum, no_store ? (size_t)0 : vg_network_n_communities(net));
        vg_free(sum);
        ex = 0;
    } else {
        ex = stored_failed ? EXIT_DATA : print_and_free(cmd, rc, sum);
    }
    vg_network_free(net);
    vg_db_close(db);
    return ex;
}

/* ---- the set a report or a what-if is about ---------------------------------------------------
 */

/* Where the set comes from, in order of precedence. */
enum set_source {
    SET_ACCOUNTS,
    SET_SUPPORTERS,
    SET_CANDIDATES,
    SET_SEEDS
};

static const char *const SET_NAMES[] = { "accounts", "supporters", "candidates", "seeds" };

struct set_opts {
    const char *accounts, *truth, *seeds;
    int candidates;
    const char *weights; /* --weights FILE for --candidates */
};

static enum set_source set_source_of(const struct set_opts *so, enum set_source fallback)
{
    if (so->accounts)
        return SET_ACCOUNTS;
    if (so->truth)
        return SET_SUPPORTERS;
    if (so->candidates)
        return SET_CANDIDATES;
    return so->seeds ? SET_SEEDS : fallback;
}

/* The set's ids. *owned (freed with vg_seeds_free) holds them when read from a file; otherwise
 * *view points into the truth or the network (free the array with vg_free). */
struct set_ids {
    char **owned;
    const char **view;
    size_t n;
};

static const char *const *set_ids_of(const struct set_ids *s)
{
    return s->owned ? (const char *const *)s->owned : s->view;
}

static void set_ids_release(struct set_ids *s)
{
    if (s->owned)
        vg_seeds_free(s->owned, s->n);
    vg_free(s->view);
    memset(s, 0, sizeof(*s));
}

/* Fill s from the source; the network (may be NULL for accounts and supporters) must be
 * scored for candidates. 0 or EXIT_DATA after printing why. */
static int set_ids_get(const char *cmd, enum set_source src, const struct set_opts *so,
                       const vg_truth *truth, const vg_network *net, struct set_ids *s)
{
    memset(s, 0, sizeof(*s));
    vg_status rc;
    switch (src) {
        case SET_ACCOUNTS:
            rc = vg_seeds_read(so->accounts, &s->owned, &s->n);
            break;
        case SET_SUPPORTERS:
            rc = vg_truth_ids(truth, "supporter", &s->view, &s->n);
            break;
        case SET_CANDIDATES:
            rc = vg_network_set_ids(net, VG_SET_CANDIDATES, &s->view, &s->n);
            break;
        default:
            rc = vg_network_set_ids(net, VG_SET_SEEDS, &s->view, &s->n);
            break;
    }
    if (rc) {
        fprintf(stderr, "vigie %s: cannot read the set (%s): %s\n", cmd, SET_NAMES[src],
                src == SET_ACCOUNTS     ? so->accounts
                : src == SET_SUPPORTERS ? so->truth
                                        : "network");
        return EXIT_DATA;
    }
    return 0;
}

static int open_truth(const char *cmd, const char *path, vg_truth **t)
{
    *t = NULL;
    if (!path)
        return 0;
    cli_log_init(0);
    vg_status rc = vg_truth_read(path, t);
    if (rc) {
        fprintf(stderr, "vigie %s: cannot read the truth %s: %s\n", cmd, path, vg_strerror(rc));
        return EXIT_DATA;
    }
    return 0;
}

/* ---- vigie network report ------------------------------------------------------------------- */

static void report_help(void)
{
    printf("usage: vigie network report [--db FILE] [--from T] [--to T] [--every D]\n"
           "                            [--accounts FILE | --truth FILE | --candidates |\n"
           "                             --seeds FILE] [--personas FILE] [--threshold X]\n\n"
           "Size, reach and activity of a set of accounts. The set: the ids in --accounts, else\n"
           "the supporters of --truth (a truth.json of 'vigie sim'), else with --candidates the\n"
           "seeds plus the accounts scoring at least X (as 'network communities' picks them),\n"
           "else the seeds (--seeds, else the accounts suspended before --to).\n\n"
           "Without --every: one JSON line, follows as of --to, posts from --from to --to:\n"
           "  {\"set\":..,\"from\":..,\"to\":..,\"accounts\":..,\"unknown\":..,\"suspended\":..,\n"
           "   \"unique_followers\":..,\"followers_inside\":..,\"follower_edges\":..,\n"
           "   \"follower_edges_inside\":..,\"insularity\":..,\"followers_mean\":..,\n"
           "   \"followers_median\":..,\"posts\":..,\"active_accounts\":..}\n"
           "With --every D (e.g. 1d, 12h; needs --from and --to): one line per period\n"
           "  {\"snapshot\":from,\"to\":..,\"alive\":..,\"created\":..,\"suspensions\":..,\n"
           "   "
           "\"reinstatements\":..,\"unique_followers\":..,...,\"posts\":..,\"active_accounts\":..}"
           "\n"
           "(alive: first seen and not suspended at the period's end), then with --truth or\n"
           "--personas one line per persona with two or more accounts and a {\"personas\":..}\n"
           "line (followers each account had at its suspension, by account number), then a\n"
           "{\"survival\":..} line (accounts first seen in the window suspended within 48 h\n"
           "and 90 days).\n"
           "Last, a summary line of what the report read.\n\n"
           "options:\n"
           "  --db FILE         the store (default " DEFAULT_DB ")\n"
           "  --from T, --to T  the window (instants like 2026-03-01T00:00:00Z; default: all)\n"
           "  --every D         snapshots every D (Nd or Nh)\n"
           "  --accounts FILE   the set, one account id a line\n"
           "  --truth FILE      the set is its supporters; personas from it\n"
           "  --personas FILE   personas: one \"account persona\" pair a line (with --every)\n"
           "  --candidates      the set is the seeds plus the accounts scoring at least X\n"
           "  --seeds FILE      the seeds\n"
           "  --threshold X     candidate score, 0..1 (default 0.5)\n"
           "  --weights FILE    the score's weights for --candidates (default: built in)\n"
           "  --help, -h        this help\n");
}

static void print_time_field(const char *name, int64_t t, int comma)
{
    char s[21];
    printf("%s\"%s\":", comma ? "," : "", name);
    if (t == VG_TIME_UNKNOWN)
        printf("null");
    else
        printf("\"%s\"", vg_time_format(t, s));
}

static int report_line(vg_network *net, enum set_source src, const struct set_ids *ids,
                       const struct vg_network_opts *o)
{
    struct vg_reach r;
    vg_status rc = vg_network_reach(net, set_ids_of(ids), ids->n, &r);
    char *json = NULL;
    if (!rc)
        rc = vg_reach_json(&r, &json);
    if (rc) {
        fprintf(stderr, "vigie network report: %s\n", vg_strerror(rc));
        return EXIT_DATA;
    }
    printf("{\"set\":\"%s\"", SET_NAMES[src]);
    print_time_field("from", o->activity_from, 1);
    print_time_field("to", o->before, 1);
    printf(",%s\n", json + 1); /* the reach object's members, after our own */
    vg_free(json);
    return 0;
}

static vg_status print_line(const char *json, void *ud)
{
    (void)ud;
    printf("%s\n", json);
    return VG_OK;
}

/*
 * (account, persona) pairs: from --personas FILE (one "account persona" pair a line, separated
 * by spaces; blank lines and '#' lines skipped, as in a seeds file), else from the truth. The
 * pairs point into *lines (a personas file) or into the truth. 0 or EXIT_DATA after printing why.
 */
struct persona_pairs {
    char **lines;
    size_t n_lines;
    struct vg_persona_link *links;
    size_t n;
};

static int persona_pairs_get(const char *cmd, const char *path, const vg_truth *truth,
                             struct persona_pairs *p)
{
    memset(p, 0, sizeof(*p));
    vg_status rc = VG_OK;
    if (path) {
        if ((rc = vg_seeds_read(path, &p->lines, &p->n_lines)) == VG_OK &&
            !(p->links = malloc((p->n_lines ? p->n_lines : 1) * sizeof(*p->links))))
            rc = VG_ENOMEM;
        for (size_t i = 0; !rc && i < p->n_lines; i++) {
            char *sp = strchr(p->lines[i], ' ');
            if (!sp) {
                fprintf(stderr, "vigie %s: %s: \"%.60s\" is not \"account persona\"\n", cmd, path,
                        p->lines[i]);
                return EXIT_DATA;
            }
            *sp++ = '\0'; /* the line ends trimmed: a persona follows the spaces */
            while (*sp == ' ')
                sp++;
            p->links[p->n++] = (struct vg_persona_link){ p->lines[i], sp };
        }
    } else if (truth) {
        rc = vg_truth_personas(truth, &p->links, &p->n);
    }
    if (rc) {
        fprintf(stderr, "vigie %s: cannot read the personas %s: %s\n", cmd,
                path ? path : "of the truth", vg_strerror(rc));
        return EXIT_DATA;
    }
    return 0;
}

static void persona_pairs_release(struct persona_pairs *p)
{
    if (p->lines) {
        vg_seeds_free(p->lines, p->n_lines);
        free(p->links); /* ours (malloc); from a truth, the library's (vg_free) */
    } else {
        vg_free(p->links);
    }
    memset(p, 0, sizeof(*p));
}

/* Snapshots, personas and survival of the set over [from, to). */
static int report_over_time(vg_db *db, const struct set_ids *ids,
                            const struct vg_persona_link *links, size_t n_links, int64_t from,
                            int64_t to, int64_t every, size_t *n_snapshots, size_t *n_known,
                            size_t *n_unknown)
{
    const char *cmd = "network report";
    vg_timeline *tl = NULL;
    vg_status rc = vg_timeline_load(db, set_ids_of(ids), ids->n, to, &tl);
    char *json = NULL;
    for (int64_t t = from; !rc && t < to; t += every) {
        struct vg_snapshot s;
        int64_t end = to - t > every ? t + every : to;
        if (!(rc = vg_timeline_snapshot(db, tl, t, end, &s)) &&
            !(rc = vg_snapshot_json(&s, &json))) {
            printf("%s\n", json);
            vg_free(json);
            (*n_snapshots)++;
        }
    }
    if (!rc && links) {
        struct vg_persona_stats ps;
        if (!(rc = vg_timeline_personas(tl, links, n_links, print_line, NULL, &ps)) &&
            !(rc = vg_persona_stats_json(&ps, &json))) {
            printf("{\"personas\":%s}\n", json);
            vg_free(json);
        }
    }
    struct vg_survival sv;
    if (!rc && !(rc = vg_timeline_survival(tl, from, to, &sv)) &&
        !(rc = vg_survival_json(&sv, &json))) {
        printf("%s\n", json);
        vg_free(json);
    }
    if (!rc) {
        *n_known = vg_timeline_size(tl);
        *n_unknown = vg_timeline_unknown(tl);
    }
    vg_timeline_free(tl);
    if (rc) {
        fprintf(stderr, "vigie %s: %s: %s\n", cmd, vg_strerror(rc), vg_db_errmsg(db));
        return EXIT_DATA;
    }
    return 0;
}

/* --every "1d", "12h": seconds into the int64_t at dst; 0, or EXIT_USAGE after saying why. */
static int parse_every(const char *cmd, const char *s, void *dst)
{
    char *end;
    long v = strtol(s, &end, 10);
    int64_t unit = !strcmp(end, "d") ? 86400 : !strcmp(end, "h") ? 3600 : 0;
    if (!*s || !unit || v < 1 || v > 3650 * 24)
        return usage_error(cmd, "--every takes a period like 1d or 12h, not '%s'", s);
    *(int64_t *)dst = (int64_t)v * unit;
    return 0;
}

static int cmd_network_report(int argc, char **argv)
{
    const char *cmd = "network report", *db_path = DEFAULT_DB, *personas = NULL;
    struct set_opts so = { 0 };
    struct vg_network_opts o;
    vg_network_opts_init(&o);
    int64_t every = 0;
    const struct cli_opt opts[] = {
        { "db", .str = &db_path },           { "from", .time = &o.activity_from },
        { "to", .time = &o.before },         { "every", .parse = parse_every, .dst = &every },
        { "accounts", .str = &so.accounts }, { "truth", .str = &so.truth },
        { "personas", .str = &personas },    { "candidates", .flag = &so.candidates },
        { "seeds", .str = &so.seeds },       { "threshold", .fraction = &o.threshold },
        { "weights", .str = &so.weights },
    };
    int bad = cli_parse_options(cmd, argc, argv, opts, sizeof(opts) / sizeof(opts[0]), report_help);
    if (bad)
        return bad < 0 ? 0 : bad;
    if (optind < argc)
        return usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (o.activity_from != VG_TIME_UNKNOWN && o.before != VG_TIME_UNKNOWN &&
        o.activity_from >= o.before)
        return usage_error(cmd, "--from must be earlier than --to");
    if (every && (o.activity_from == VG_TIME_UNKNOWN || o.before == VG_TIME_UNKNOWN))
        return usage_error(cmd, "--every needs --from and --to");
    if (every && (o.before - o.activity_from) / every >= 100000)
        return usage_error(cmd, "--every gives over 100000 snapshots; take a longer period");
    if (personas && !every)
        return usage_error(cmd, "--personas needs --every (personas are part of the report over "
                                "time)");
    enum set_source src = set_source_of(&so, SET_SEEDS);
    vg_truth *truth = NULL;
    int ex = open_truth(cmd, so.truth, &truth);
    if (ex)
        return ex;
    /* The network is loaded when the report needs it: the one-window reach, or a set drawn
     * from it. Snapshots of a given set read only what they need (vg_timeline_load). */
    int need_net = !every || src == SET_SEEDS || src == SET_CANDIDATES;
    vg_db *db = NULL;
    vg_network *net = NULL;
    if (need_net) {
        ex = cli_network_open(cmd, db_path, &o, so.seeds, so.weights, &db, &net);
    } else {
        ex = cli_open_store(cmd, db_path, &db);
    }
    vg_status rc = VG_OK;
    if (!ex && src == SET_CANDIDATES && (rc = vg_network_score(db, net))) {
        fprintf(stderr, "vigie %s: scoring failed: %s\n", cmd, vg_strerror(rc));
        ex = EXIT_DATA;
    }
    struct set_ids ids = { 0 };
    if (!ex)
        ex = set_ids_get(cmd, src, &so, truth, net, &ids);
    size_t n_snapshots = 0, known = 0, unknown = 0;
    struct persona_pairs pp = { 0 };
    if (!ex && every)
        ex = persona_pairs_get(cmd, personas, truth, &pp);
    if (!ex && !every)
        ex = report_line(net, src, &ids, &o);
    else if (!ex)
        ex = report_over_time(db, &ids, pp.links, pp.n, o.activity_from, o.before, every,
                              &n_snapshots, &known, &unknown);
    persona_pairs_release(&pp);
    if (!ex) {
        /* The summary says what this report read and computed, nothing of a scoring run it
         * did not make (vg_network_summary_json is the scoring commands' summary). */
        printf("{\"report\":{\"set\":\"%s\",\"ids\":%zu", SET_NAMES[src], ids.n);
        print_time_field("from", o.activity_from, 1);
        print_time_field("to", o.before, 1);
        if (every)
            printf(",\"every_seconds\":%lld,\"snapshots\":%zu,\"known\":%zu,\"unknown\":%zu",
                   (long long)every, n_snapshots, known, unknown);
        if (src == SET_CANDIDATES)
            printf(",\"seeds\":%zu,\"threshold\":%.2f", vg_network_n_seeds(net), o.threshold);
        printf("}");
        char *sum = NULL;
        if (net && (rc = vg_network_load_summary_json(net, &sum)) == VG_OK) {
            printf(",\"network\":%s", sum);
            vg_free(sum);
        }
        printf("}\n");
        if (rc) {
            fprintf(stderr, "vigie %s: %s\n", cmd, vg_strerror(rc));
            ex = EXIT_DATA;
        }
    }
    set_ids_release(&ids);
    vg_truth_free(truth);
    vg_network_free(net);
    vg_db_close(db);
    return ex;
}

/* ---- vigie network simulate-suspensions ------------------------------------------------------ */

static void simulate_help(void)
{
    printf("usage: vigie network simulate-suspensions [--db FILE] [--budget K] [--before T]\n"
           "          [--accounts FILE | --truth FILE | --seeds FILE | --candidates]\n"
           "          [--threshold X] [--rank coverage|removal|followers]\n\n"
           "Which K accounts of a set to suspend to cut its reach (unique followers of its live\n"
           "members, as of --before) the most. The set: --accounts, else the supporters of\n"
           "--truth, else the seeds of --seeds, else (also with --candidates) the seeds plus the\n"
           "accounts scoring at least X. Accounts already suspended are not candidates.\n"
           "Rankings: removal (greedy on the reach actually removed: followers left with no\n"
           "live followee in the set), coverage (greedy maximum coverage of the picks'\n"
           "followers, lazy/CELF: within 1 - 1/e of the best coverage, which is not the reach\n"
           "removed), followers (the K most followed). One line per pick of --rank:\n"
           "  {\"rank\":..,\"account\":..,\"followers\":..,\"gain\":..,\"removed\":..,"
           "\"reach_left\":..}\n"
           "then a summary comparing the three rankings, with the one that removed the most.\n\n"
           "options:\n"
           "  --db FILE        the store (default " DEFAULT_DB ")\n"
           "  --budget K       accounts to suspend (default 10)\n"
           "  --before T       only data before instant T\n"
           "  --accounts FILE  the set, one account id a line\n"
           "  --truth FILE     the set is its supporters\n"
           "  --seeds FILE     the seeds (the set unless --candidates)\n"
           "  --candidates     the seeds plus the accounts scoring at least X\n"
           "  --threshold X    candidate score, 0..1 (default 0.5)\n"
           "  --weights FILE   the score's weights for --candidates (default: built in)\n"
           "  --rank R         the ranking whose picks are printed (default removal)\n"
           "  --help, -h       this help\n");
}

/* --rank R: the ranking whose picks are printed, into the enum vg_whatif_rank at dst. */
static int parse_rank(const char *cmd, const char *arg, void *dst)
{
    enum vg_whatif_rank *shown = dst;
    if (!strcmp(arg, "coverage"))
        *shown = VG_WHATIF_COVERAGE;
    else if (!strcmp(arg, "removal"))
        *shown = VG_WHATIF_REMOVAL;
    else if (!strcmp(arg, "followers"))
        *shown = VG_WHATIF_FOLLOWERS;
    else
        return usage_error(cmd, "--rank takes coverage, removal or followers");
    return 0;
}

static int cmd_network_simulate(int argc, char **argv)
{
    const char *cmd = "network simulate-suspensions", *db_path = DEFAULT_DB;
    struct set_opts so = { 0 };
    struct vg_network_opts o;
    vg_network_opts_init(&o);
    long budget = 10;
    enum vg_whatif_rank shown = VG_WHATIF_REMOVAL;
    const struct cli_opt opts[] = {
        { "db", .str = &db_path },
        { "budget", .count = &budget, .max = 1000000 },
        { "before", .time = &o.before },
        { "accounts", .str = &so.accounts },
        { "truth", .str = &so.truth },
        { "seeds", .str = &so.seeds },
        { "candidates", .flag = &so.candidates },
        { "threshold", .fraction = &o.threshold },
        { "rank", .parse = parse_rank, .dst = &shown },
        { "weights", .str = &so.weights },
    };
    int bad =
            cli_parse_options(cmd, argc, argv, opts, sizeof(opts) / sizeof(opts[0]), simulate_help);
    if (bad)
        return bad < 0 ? 0 : bad;
    if (optind < argc)
        return usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    /* Seeds default to the suspended accounts, who cannot be suspended again: without a set,
     * the candidates are what is worth simulating. */
    enum set_source src = set_source_of(&so, SET_CANDIDATES);
    vg_truth *truth = NULL;
    int ex = open_truth(cmd, so.truth, &truth);
    if (ex)
        return ex;
    vg_db *db = NULL;
    vg_network *net = NULL;
    ex = cli_network_open(cmd, db_path, &o, so.seeds, so.weights, &db, &net);
    vg_status rc = VG_OK;
    if (!ex && src == SET_CANDIDATES && (rc = vg_network_score(db, net))) {
        fprintf(stderr, "vigie %s: scoring failed: %s\n", cmd, vg_strerror(rc));
        ex = EXIT_DATA;
    }
    struct set_ids ids = { 0 };
    if (!ex)
        ex = set_ids_get(cmd, src, &so, truth, net, &ids);
    struct vg_whatif w[3];
    memset(w, 0, sizeof(w));
    for (int r = 0; !ex && !rc && r < 3; r++)
        rc = vg_network_whatif(net, set_ids_of(&ids), ids.n, (size_t)budget, (enum vg_whatif_rank)r,
                               &w[r]);
    for (size_t i = 0; !ex && !rc && i < w[shown].n_picks; i++) {
        char *json;
        if ((rc = vg_whatif_pick_json(net, &w[shown], i, &json)) == VG_OK) {
            printf("%s\n", json);
            vg_free(json);
        }
    }
    if (!ex && !rc) {
        printf("{\"simulate\":{\"set\":\"%s\",\"ids\":%zu,\"accounts\":%llu,\"unknown\":%llu,"
               "\"already_suspended\":%llu,\"candidates\":%llu,\"budget\":%ld,\"rank\":\"%s\"",
               SET_NAMES[src], ids.n, (unsigned long long)w[0].accounts,
               (unsigned long long)w[0].unknown, (unsigned long long)w[0].already_suspended,
               (unsigned long long)(w[0].accounts - w[0].already_suspended), budget,
               vg_whatif_rank_name(shown));
        print_time_field("before", o.before, 1);
        printf(",\"reach_before\":%llu", (unsigned long long)w[0].reach_before);
        for (int r = 0; r < 3; r++)
            printf(",\"%s\":{\"picks\":%zu,\"reach_after\":%llu,\"removed\":%llu,"
                   "\"removed_share\":%.4f,\"picks_coverage\":%llu,\"gain_evaluations\":%llu}",
                   vg_whatif_rank_name((enum vg_whatif_rank)r), w[r].n_picks,
                   (unsigned long long)w[r].reach_after,
                   (unsigned long long)(w[r].reach_before - w[r].reach_after),
                   w[r].reach_before
                           ? (double)(w[r].reach_before - w[r].reach_after) / w[r].reach_before
                           : 0.0,
                   (unsigned long long)w[r].coverage, (unsigned long long)w[r].gain_evaluations);
        /* No ranking wins everywhere (docs/networks.md): say which removed the most here. */
        int best = VG_WHATIF_REMOVAL;
        for (int r = 0; r < 3; r++)
            if (w[r].reach_after < w[best].reach_after)
                best = r;
        printf(",\"best\":\"%s\"}}\n", vg_whatif_rank_name((enum vg_whatif_rank)best));
    }
    if (!ex && rc) {
        fprintf(stderr, "vigie %s: %s\n", cmd, vg_strerror(rc));
        ex = EXIT_DATA;
    }
    for (int r = 0; r < 3; r++)
        vg_whatif_release(&w[r]);
    set_ids_release(&ids);
    vg_truth_free(truth);
    vg_network_free(net);
    vg_db_close(db);
    return ex;
}

/* ---- dispatch -------------------------------------------------------------------------------- */

static void network_help(FILE *f)
{
    fprintf(f, "usage: vigie network <communities|report|simulate-suspensions> [options]\n\n"
               "  communities  communities among the seeds and high-scoring accounts\n"
               "  report       size, reach, insularity and activity of a set of accounts,\n"
               "               over one window or day by day\n"
               "  simulate-suspensions\n"
               "               which accounts to suspend to cut a set's reach the most\n\n"
               "Run 'vigie network <subcommand> --help' for its options. Docs: "
               "docs/networks.md.\n");
}

int cmd_network(int argc, char **argv)
{
    static const struct cli_subcommand subs[] = {
        { "communities", cmd_network_communities },
        { "report", cmd_network_report },
        { "simulate-suspensions", cmd_network_simulate },
    };
    return cli_run_subcommand("network", argc, argv, subs, sizeof(subs) / sizeof(subs[0]),
                              network_help);
}
