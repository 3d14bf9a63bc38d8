/* SPDX-License-Identifier: Apache-2.0 */
/* cli_stats.c: `vigie stats` and `vigie version`. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void stats_help(void)
{
    printf("usage: vigie stats [--db FILE] [--top N]\n\n"
           "Print what the store holds as one JSON object: counts of posts, accounts,\n"
           "follows, suspensions, reports, deletions, rejected records; posts per\n"
           "language and platform; the date range; the top N hashtags and domains.\n");
}

/* --top N, 1..100000, into the long at dst. */
static int parse_top(const char *cmd, const char *arg, void *dst)
{
    char *end;
    long top = strtol(arg, &end, 10);
    if (*end || top < 1 || top > 100000)
        return usage_error(cmd, "--top takes a number from 1 to 100000");
    *(long *)dst = top;
    return 0;
}

int cmd_stats(int argc, char **argv)
{
    const char *db_path = DEFAULT_DB;
    long top = 10;
    const struct cli_opt opts[] = {
        { "db", .str = &db_path },
        { "top", .parse = parse_top, .dst = &top },
    };
    int bad = cli_parse_options("stats", argc, argv, opts, sizeof(opts) / sizeof(opts[0]),
                                stats_help);
    if (bad)
        return bad < 0 ? 0 : bad;
    if (optind < argc)
        return usage_error("stats", "unexpected argument '%s'", argv[optind]);
    vg_db *db;
    if (cli_open_store("stats", db_path, &db))
        return EXIT_DATA;
    char *json = NULL;
    vg_status rc = vg_db_stats_json(db, (size_t)top, &json);
    if (rc == VG_OK)
        printf("%s\n", json);
    else
        fprintf(stderr, "vigie stats: %s: %s\n", vg_strerror(rc), vg_db_errmsg(db));
    vg_free(json);
    vg_db_close(db);
    return rc ? EXIT_DATA : 0;
}

int cmd_version(int argc, char **argv)
{
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        printf("usage: vigie version\n\nPrint the versions of vigie and its libraries as JSON.\n");
        return 0;
    }
    printf("{\"vigie\":\"%s\",\"sqlite\":\"%s\"}\n", vg_version(), vg_db_sqlite_version());
    return 0;
}
