/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_network.c: `vigie network communities` and `vigie network report`, and the steps the
 * network commands share (open a store that must exist, load its network, set the seeds).
 * Thin shells over the vg_network_* functions of vigie.h; docs/networks.md explains the output.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

int cli_network_open(const char *cmd, const char *db_path, const struct vg_network_opts *opts,
                     const char *seeds_path, vg_db **db_out, vg_network **net_out)
{
    *db_out = NULL;
    *net_out = NULL;
    cli_log_init(0);
    if (access(db_path, F_OK) != 0) {
        fprintf(stderr, "vigie %s: no store at %s (vigie ingest --db %s creates it)\n", cmd,
                db_path, db_path);
        return EXIT_DATA;
    }
    vg_db *db;
    vg_status rc = vg_db_open(db_path, &db);
    if (rc) {
        fprintf(stderr, "vigie %s: cannot open %s: %s\n", cmd, db_path, vg_strerror(rc));
        return EXIT_DATA;
    }
    vg_network *net = NULL;
    if ((rc = vg_network_load(db, opts, &net))) {
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
           "                                 [--threshold X] [--top N]\n\n"
           "Score accounts as 'vigie accounts score' does, then find communities (Leiden) among\n"
           "the seeds and the accounts scoring at least X. One JSON line per community of two\n"
           "or more accounts, largest first:\n"
           "  {\"community\":\"c1\",\"size\":..,\"seeds\":..,\"lang\":..,\"mean_score\":..,\n"
           "   \"top_accounts\":[..],\"top_hashtags\":[..],\"top_domains\":[..],\"reach\":{..}}\n"
           "then a summary line.\n\n"
           "options:\n"
           "  --db FILE       the store (default " DEFAULT_DB ")\n"
           "  --seeds FILE    known accounts, one id a line (default: the suspended accounts)\n"
           "  --before T      only data before instant T (e.g. 2026-03-02T00:00:00Z)\n"
           "  --threshold X   candidate score, 0..1 (default 0.5)\n"
           "  --top N         accounts, hashtags and domains shown per community (default 10)\n"
           "  --help, -h      this help\n");
}

static int cmd_network_communities(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "db", required_argument, NULL, 'd' },
        { "seeds", required_argument, NULL, 's' },
        { "before", required_argument, NULL, 'b' },
        { "threshold", required_argument, NULL, 'x' },
        { "top", required_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *cmd = "network communities", *db_path = DEFAULT_DB, *seeds = NULL;
    struct vg_network_opts o;
    vg_network_opts_init(&o);
    long top = 10;
    optind = 1;
    opterr = 0;
    int c, bad = 0;
    while (!bad && (c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
            case 'd':
                db_path = optarg;
                break;
            case 's':
                seeds = optarg;
                break;
            case 'b':
                bad = cli_parse_time(cmd, "--before", optarg, &o.before);
                break;
            case 'x':
                bad = cli_parse_fraction(cmd, "--threshold", optarg, &o.threshold);
                break;
            case 't':
                bad = cli_parse_count(cmd, "--top", optarg, 10, &top);
                break;
            case 'h':
                communities_help();
                return 0;
            default:
                return usage_error(cmd, "unknown or incomplete option '%s' (see --help)",
                                   argv[optind - 1]);
        }
    }
    if (bad)
        return bad;
    if (optind < argc)
        return usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    vg_db *db;
    vg_network *net;
    int ex = cli_network_open(cmd, db_path, &o, seeds, &db, &net);
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
    char *sum = NULL;
    if (!rc)
        rc = vg_network_summary_json(net, &sum);
    ex = print_and_free(cmd, rc, sum);
    vg_network_free(net);
    vg_db_close(db);
    return ex;
}

/* ---- vigie network report ------------------------------------------------------------------- */

static void report_help(void)
{
    printf("usage: vigie network report [--db FILE] [--from T] [--to T] [--accounts FILE]\n"
           "                            [--seeds FILE]\n\n"
           "Size, reach and activity of a set of accounts: the ids in --accounts, else the\n"
           "seeds (--seeds, else the accounts suspended before --to). Follows count as of --to;\n"
           "activity is the posts from --from to --to. One JSON line:\n"
           "  {\"set\":..,\"from\":..,\"to\":..,\"accounts\":..,\"unknown\":..,\"suspended\":..,\n"
           "   \"unique_followers\":..,\"followers_inside\":..,\"follower_edges\":..,\n"
           "   \"follower_edges_inside\":..,\"insularity\":..,\"followers_mean\":..,\n"
           "   \"followers_median\":..,\"posts\":..,\"active_accounts\":..}\n"
           "then a summary line of the network.\n\n"
           "options:\n"
           "  --db FILE         the store (default " DEFAULT_DB ")\n"
           "  --from T, --to T  the window (instants like 2026-03-01T00:00:00Z; default: all)\n"
           "  --accounts FILE   the set, one account id a line\n"
           "  --seeds FILE      the set when --accounts is not given\n"
           "  --help, -h        this help\n");
}

static int report_line(vg_network *net, const char *set_path, const struct vg_network_opts *o)
{
    char **ids = NULL;
    size_t n = 0;
    vg_status rc = set_path ? vg_seeds_read(set_path, &ids, &n) : VG_OK;
    struct vg_reach r;
    if (rc) {
        fprintf(stderr, "vigie network report: cannot read %s: %s\n", set_path, vg_strerror(rc));
        return EXIT_DATA;
    }
    rc = vg_network_reach(net, set_path ? (const char *const *)ids : NULL, n, &r);
    vg_seeds_free(ids, n);
    char *json = NULL;
    if (!rc)
        rc = vg_reach_json(&r, &json);
    if (rc) {
        fprintf(stderr, "vigie network report: %s\n", vg_strerror(rc));
        return EXIT_DATA;
    }
    char from[21], to[21];
    printf("{\"set\":\"%s\",\"from\":", set_path ? "accounts" : "seeds");
    if (o->activity_from == VG_TIME_UNKNOWN)
        printf("null");
    else
        printf("\"%s\"", vg_time_format(o->activity_from, from));
    if (o->before == VG_TIME_UNKNOWN)
        printf(",\"to\":null,");
    else
        printf(",\"to\":\"%s\",", vg_time_format(o->before, to));
    printf("%s\n", json + 1); /* the reach object's members, after our own */
    vg_free(json);
    return 0;
}

static int cmd_network_report(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "db", required_argument, NULL, 'd' },
        { "from", required_argument, NULL, 'f' },
        { "to", required_argument, NULL, 't' },
        { "accounts", required_argument, NULL, 'a' },
        { "seeds", required_argument, NULL, 's' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *cmd = "network report", *db_path = DEFAULT_DB, *accounts = NULL, *seeds = NULL;
    struct vg_network_opts o;
    vg_network_opts_init(&o);
    optind = 1;
    opterr = 0;
    int c, bad = 0;
    while (!bad && (c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
            case 'd':
                db_path = optarg;
                break;
            case 'f':
                bad = cli_parse_time(cmd, "--from", optarg, &o.activity_from);
                break;
            case 't':
                bad = cli_parse_time(cmd, "--to", optarg, &o.before);
                break;
            case 'a':
                accounts = optarg;
                break;
            case 's':
                seeds = optarg;
                break;
            case 'h':
                report_help();
                return 0;
            default:
                return usage_error(cmd, "unknown or incomplete option '%s' (see --help)",
                                   argv[optind - 1]);
        }
    }
    if (bad)
        return bad;
    if (optind < argc)
        return usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (o.activity_from != VG_TIME_UNKNOWN && o.before != VG_TIME_UNKNOWN &&
        o.activity_from >= o.before)
        return usage_error(cmd, "--from must be earlier than --to");
    vg_db *db;
    vg_network *net;
    int ex = cli_network_open(cmd, db_path, &o, seeds, &db, &net);
    if (ex)
        return ex;
    ex = report_line(net, accounts, &o);
    if (!ex) {
        char *sum = NULL;
        vg_status rc = vg_network_summary_json(net, &sum);
        ex = print_and_free(cmd, rc, sum);
    }
    vg_network_free(net);
    vg_db_close(db);
    return ex;
}

/* ---- dispatch -------------------------------------------------------------------------------- */

static void network_help(FILE *f)
{
    fprintf(f, "usage: vigie network <communities|report> [options]\n\n"
               "  communities  communities among the seeds and high-scoring accounts\n"
               "  report       size, reach, insularity and activity of a set of accounts\n\n"
               "Run 'vigie network <subcommand> --help' for its options. Docs: "
               "docs/networks.md.\n");
}

int cmd_network(int argc, char **argv)
{
    if (argc < 2) {
        network_help(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        network_help(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "communities"))
        return cmd_network_communities(argc - 1, argv + 1);
    if (!strcmp(argv[1], "report"))
        return cmd_network_report(argc - 1, argv + 1);
    usage_error("network", "unknown subcommand '%s' (communities, report)", argv[1]);
    return EXIT_USAGE;
}
