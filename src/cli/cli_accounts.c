/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_accounts.c: `vigie accounts score`: every account's score (content and network combined,
 * docs/networks.md) as one JSON line, best first, then a summary line.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void score_help(void)
{
    printf("usage: vigie accounts score [--db FILE] [--seeds FILE] [--top N] [--before T]\n"
           "                            [--threshold X] [--reasons N]\n\n"
           "Score every account of the store from its posts' classifier scores and its place in\n"
           "the follow and interaction graph, expanding from seed accounts (personalised\n"
           "PageRank). One JSON line per account, highest score first:\n"
           "  {\"account\":..,\"score\":0..1,\"community\":\"c1\"|null,\"seed\":bool,\n"
           "   \"suspended\":bool,\"content\":{..},\"network\":{..},\"reasons\":[..]}\n"
           "then a summary line.\n\n"
           "options:\n"
           "  --db FILE       the store (default " DEFAULT_DB ")\n"
           "  --seeds FILE    known accounts, one id a line (default: the suspended accounts)\n"
           "  --top N         only the N best accounts (default: all)\n"
           "  --before T      only data before instant T (e.g. 2026-03-02T00:00:00Z)\n"
           "  --threshold X   community candidates score at least X (default 0.5)\n"
           "  --reasons N     reasons per account (default 5)\n"
           "  --help, -h      this help\n");
}

static int accounts_score(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "db", required_argument, NULL, 'd' },
        { "seeds", required_argument, NULL, 's' },
        { "top", required_argument, NULL, 't' },
        { "before", required_argument, NULL, 'b' },
        { "threshold", required_argument, NULL, 'x' },
        { "reasons", required_argument, NULL, 'r' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *cmd = "accounts score", *db_path = DEFAULT_DB, *seeds = NULL;
    struct vg_network_opts o;
    vg_network_opts_init(&o);
    long top = -1, reasons = 5;
    optind = 1;
    opterr = 0;
    int c, bad = 0;
    while (!bad && (c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        char *end;
        switch (c) {
            case 'd':
                db_path = optarg;
                break;
            case 's':
                seeds = optarg;
                break;
            case 't':
                bad = cli_parse_count(cmd, "--top", optarg, 1000000000L, &top);
                break;
            case 'b':
                bad = cli_parse_time(cmd, "--before", optarg, &o.before);
                break;
            case 'x':
                o.threshold = strtod(optarg, &end);
                if (*end || !*optarg || !(o.threshold >= 0 && o.threshold <= 1))
                    bad = usage_error(cmd, "--threshold takes a number from 0 to 1");
                break;
            case 'r':
                bad = cli_parse_count(cmd, "--reasons", optarg, 100, &reasons);
                break;
            case 'h':
                score_help();
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
    size_t n = vg_network_size(net);
    if (top >= 0 && (size_t)top < n)
        n = (size_t)top;
    for (size_t r = 0; !rc && r < n; r++) {
        char *json;
        if ((rc = vg_network_account_json(net, vg_network_ranked(net, r), (size_t)reasons,
                                          &json)) == VG_OK) {
            printf("%s\n", json);
            vg_free(json);
        }
    }
    char *sum = NULL;
    if (!rc)
        rc = vg_network_summary_json(net, &sum);
    if (rc) {
        fprintf(stderr, "vigie %s: %s\n", cmd, vg_strerror(rc));
        ex = EXIT_DATA;
    } else {
        printf("%s\n", sum);
    }
    vg_free(sum);
    vg_network_free(net);
    vg_db_close(db);
    return ex;
}

static void accounts_help(FILE *f)
{
    fprintf(f, "usage: vigie accounts score [options]\n\n"
               "  score  score accounts from content and network, with reasons\n\n"
               "Run 'vigie accounts score --help' for its options. Docs: docs/networks.md.\n");
}

int cmd_accounts(int argc, char **argv)
{
    if (argc < 2) {
        accounts_help(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        accounts_help(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "score"))
        return accounts_score(argc - 1, argv + 1);
    usage_error("accounts", "unknown subcommand '%s' (score)", argv[1]);
    return EXIT_USAGE;
}
