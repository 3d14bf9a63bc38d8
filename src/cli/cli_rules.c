/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_rules.c: the casework commands of issue 7's cases part (docs/cases.md):
 *   vigie rules check|run|backtest   rules that turn signals into cases
 *   vigie cases list|show|gag        the queue, one case, a case's gag date
 *   vigie outbox flush               deliver due actions (webhook and outbox file)
 *   vigie sor export                 DSA statements of reasons in batches of 100
 *   vigie report dsa                 DSA transparency counters
 * Changes are recorded in the audit log with the actor "cli".
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "cli.h"

struct case_args {
    const char *db_path, *rules_path, *lane, *status, *webhook, *webhook_secret_file, *outbox;
    long id, limit, max_attempts, backoff;
    int64_t since, from, to, until;
    int shadow, clear;
};

static void rules_help(void)
{
    printf("usage: vigie rules check FILE\n"
           "       vigie rules run --rules FILE [--shadow] [--db FILE]\n"
           "       vigie rules backtest --rules FILE [--db FILE]\n"
           "       vigie cases list [--lane L] [--status S] [--limit N] [--db FILE]\n"
           "       vigie cases show --id N [--db FILE]\n"
           "       vigie cases gag --id N (--until T | --clear) [--db FILE]\n"
           "       vigie outbox flush [--webhook URL [--webhook-secret-file F]] [--outbox FILE]\n"
           "                          [--max-attempts N] [--backoff S] [--db FILE]\n"
           "       vigie sor export [--since T] [--db FILE]\n"
           "       vigie report dsa [--from T] [--to T] [--db FILE]\n\n"
           "Cases, queues and decisions (docs/cases.md). 'rules run' opens a case for each post\n"
           "a rule matches, and for each account an account rule (\"target\": \"account\":\n"
           "return links, storms, account scores) matches (rules marked shadow, or all with\n"
           "--shadow, only record what they would open); 'backtest' writes nothing and\n"
           "counts, per rule, matches, cases it would open and overlap with decided cases.\n"
           "One JSON line per rule, then a summary.\n"
           "'cases list' prints the queue (lanes first: urgent, removal_order,\n"
           "trusted_flagger, normal; then priority). 'outbox flush' appends due actions to the\n"
           "outbox file and posts them to the webhook (retries with backoff). 'sor export'\n"
           "makes missing statements of reasons and prints batches of at most 100, one JSON\n"
           "object {\"statements\":[...]} a line; gagged cases are held back.\n\n"
           "options:\n"
           "  --db FILE          the store (default " DEFAULT_DB ")\n"
           "  --rules FILE       the rules (JSON, docs/cases.md)\n"
           "  --shadow           record what every rule would do; open no case\n"
           "  --lane L           urgent, removal_order, trusted_flagger or normal\n"
           "  --status S         open (default), decided, appealed or any\n"
           "  --limit N          at most N cases (default 100, at most 1000)\n"
           "  --id N             the case\n"
           "  --until T          gag date: no statement of reasons exported before T\n"
           "  --clear            remove the gag date\n"
           "  --webhook URL      http://host:port/path the actions are posted to\n"
           "  --webhook-secret-file F\n"
           "                     sign each request (HMAC-SHA256, X-Vigie-Signature) with the\n"
           "                     secret on F's first line (at least 16 bytes; docs/cases.md)\n"
           "  --outbox FILE      JSONL file every due action is appended to\n"
           "  --max-attempts N   webhook tries per action (default 8)\n"
           "  --backoff S        first retry after S seconds, doubling (default 30)\n"
           "  --since T          statements of decisions made at or after T\n"
           "  --from T, --to T   report period (default: everything until now)\n"
           "  --help, -h         this help\n"
           "T is seconds since the epoch or an ISO 8601 UTC time.\n");
}

static int parse_case_args(const char *cmd, int argc, char **argv, struct case_args *a)
{
    memset(a, 0, sizeof(*a));
    a->db_path = DEFAULT_DB;
    a->since = a->until = VG_TIME_UNKNOWN;
    a->from = 0;
    a->to = (int64_t)time(NULL) + 1;
    const struct cli_opt opts[] = {
        { "db", .str = &a->db_path },
        { "rules", .str = &a->rules_path },
        { "shadow", .flag = &a->shadow },
        { "lane", .str = &a->lane },
        { "status", .str = &a->status },
        { "limit", .count = &a->limit, .max = 1000 },
        { "id", .count = &a->id, .max = 1L << 62 },
        { "until", .time = &a->until },
        { "clear", .flag = &a->clear },
        { "webhook", .str = &a->webhook },
        { "webhook-secret-file", .str = &a->webhook_secret_file },
        { "outbox", .str = &a->outbox },
        { "max-attempts", .count = &a->max_attempts, .max = 100 },
        { "backoff", .count = &a->backoff, .max = 86400 },
        { "since", .time = &a->since },
        { "from", .time = &a->from },
        { "to", .time = &a->to },
    };
    return cli_parse_options(cmd, argc, argv, opts, sizeof(opts) / sizeof(opts[0]), rules_help);
}

/* ---- vigie rules ---------------------------------------------------------------------------- */

static int rules_check(const char *path)
{
    char err[512];
    vg_rules *r = NULL;
    cli_log_init(0);
    vg_status rc = vg_rules_read(path, &r, err, sizeof(err));
    printf("{\"summary\":\"rules check\",\"file\":");
    cli_print_json_str(path);
    if (rc) {
        printf(",\"ok\":false,\"error\":");
        cli_print_json_str(err);
        printf("}\n");
        fprintf(stderr, "vigie rules: %s\n", err);
        return EXIT_DATA;
    }
    printf(",\"ok\":true,\"rules\":%zu}\n", vg_rules_count(r));
    vg_rules_free(r);
    return 0;
}

/* Print one line per rule, then the summary without the rules list. */
static void print_rule_summary(const char *what, const char *json)
{
    cJSON *s = cJSON_Parse(json);
    cJSON *rules = cJSON_DetachItemFromObjectCaseSensitive(s, "rules"), *r;
    cJSON_ArrayForEach(r, rules)
    {
        char *line = cJSON_PrintUnformatted(r);
        printf("%s\n", line);
        cJSON_free(line);
    }
    cJSON_Delete(rules);
    char *rest = cJSON_PrintUnformatted(s);
    printf("{\"summary\":\"%s\",%s\n", what, rest + 1);
    cJSON_free(rest);
    cJSON_Delete(s);
}

static int rules_apply(const char *cmd, const struct case_args *a, enum vg_rules_mode mode)
{
    if (!a->rules_path)
        return usage_error(cmd, "--rules FILE is required");
    vg_db *db;
    int ex = cli_open_store(cmd, a->db_path, &db);
    if (ex)
        return ex;
    char err[512];
    vg_rules *r = NULL;
    vg_status rc = vg_rules_read(a->rules_path, &r, err, sizeof(err));
    if (rc) {
        fprintf(stderr, "vigie rules: %s\n", err);
        vg_db_close(db);
        return EXIT_DATA;
    }
    struct vg_actor cli;
    vg_actor_cli(&cli);
    char *summary = NULL;
    rc = vg_rules_apply(db, &cli, r, mode, &summary);
    if (rc)
        fprintf(stderr, "vigie rules: %s (%s)\n", vg_strerror(rc), vg_db_errmsg(db));
    else
        print_rule_summary(mode == VG_RULES_BACKTEST ? "rules backtest" : "rules run", summary);
    vg_free(summary);
    vg_rules_free(r);
    vg_db_close(db);
    return rc ? EXIT_DATA : 0;
}

int cmd_rules(int argc, char **argv)
{
    const char *cmd = "rules";
    if (argc < 2 || argv[1][0] == '-') {
        if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
            rules_help();
            return 0;
        }
        return usage_error(cmd, "give check, run or backtest (see --help)");
    }
    const char *sub = argv[1];
    struct case_args a;
    int ex = parse_case_args(cmd, argc - 1, argv + 1, &a);
    if (ex)
        return ex < 0 ? 0 : ex;
    if (!strcmp(sub, "check")) {
        if (argc - 1 - optind != 1)
            return usage_error(cmd, "rules check takes one FILE");
        return rules_check(argv[optind + 1]);
    }
    if (optind < argc - 1)
        return usage_error(cmd, "unexpected argument '%s'", argv[optind + 1]);
    if (!strcmp(sub, "run"))
        return rules_apply(cmd, &a, a.shadow ? VG_RULES_SHADOW : VG_RULES_RUN);
    if (!strcmp(sub, "backtest"))
        return rules_apply(cmd, &a, VG_RULES_BACKTEST);
    return usage_error(cmd, "unknown subcommand '%s' (check, run, backtest)", sub);
}

/* ---- vigie cases ---------------------------------------------------------------------------- */

static int cases_list(const char *cmd, vg_db *db, const struct case_args *a)
{
    struct vg_actor cli;
    vg_actor_cli(&cli);
    struct vg_queue_filter f = { .lane = a->lane, .status = a->status, .limit = a->limit };
    char *json = NULL;
    vg_status rc = vg_queue_json(db, &cli, &f, &json);
    if (rc == VG_EINVAL)
        return usage_error(cmd, "--lane or --status has an unknown value (see --help)");
    if (rc) {
        fprintf(stderr, "vigie cases: %s\n", vg_strerror(rc));
        return EXIT_DATA;
    }
    cJSON *root = cJSON_Parse(json), *c;
    int n = 0;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(root, "cases"))
    {
        char *line = cJSON_PrintUnformatted(c);
        printf("%s\n", line);
        cJSON_free(line);
        n++;
    }
    cJSON_Delete(root);
    vg_free(json);
    printf("{\"summary\":\"cases list\",\"cases\":%d}\n", n);
    return 0;
}

static int cases_show(const char *cmd, vg_db *db, const struct case_args *a)
{
    if (!a->id)
        return usage_error(cmd, "--id N is required");
    struct vg_actor cli;
    vg_actor_cli(&cli);
    char *json = NULL;
    int found;
    vg_status rc = vg_case_json(db, &cli, a->id, &json, &found);
    if (rc) {
        fprintf(stderr, "vigie cases: %s\n", vg_strerror(rc));
        return EXIT_DATA;
    }
    if (!found) {
        fprintf(stderr, "vigie cases: no case %ld\n", a->id);
        return EXIT_DATA;
    }
    printf("%s\n", json);
    vg_free(json);
    return 0;
}

static int cases_gag(const char *cmd, vg_db *db, const struct case_args *a)
{
    if (!a->id || (a->until == VG_TIME_UNKNOWN) == !a->clear)
        return usage_error(cmd, "cases gag takes --id N and one of --until T, --clear");
    struct vg_actor cli;
    vg_actor_cli(&cli);
    int found;
    vg_status rc =
            vg_case_not_before(db, &cli, a->id, a->clear ? VG_TIME_UNKNOWN : a->until, &found);
    if (rc || !found) {
        fprintf(stderr, "vigie cases: %s\n", rc ? vg_strerror(rc) : "no such case");
        return EXIT_DATA;
    }
    printf("{\"summary\":\"cases gag\",\"id\":%ld,\"not_before\":", a->id);
    if (a->clear)
        printf("null}\n");
    else
        printf("%lld}\n", (long long)a->until);
    return 0;
}

int cmd_cases(int argc, char **argv)
{
    const char *cmd = "cases";
    if (argc < 2 || argv[1][0] == '-') {
        if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
            rules_help();
            return 0;
        }
        return usage_error(cmd, "give list, show or gag (see --help)");
    }
    const char *sub = argv[1];
    struct case_args a;
    int ex = parse_case_args(cmd, argc - 1, argv + 1, &a);
    if (ex)
        return ex < 0 ? 0 : ex;
    if (optind < argc - 1)
        return usage_error(cmd, "unexpected argument '%s'", argv[optind + 1]);
    if (strcmp(sub, "list") && strcmp(sub, "show") && strcmp(sub, "gag"))
        return usage_error(cmd, "unknown subcommand '%s' (list, show, gag)", sub);
    vg_db *db;
    if ((ex = cli_open_store(cmd, a.db_path, &db)))
        return ex;
    ex = !strcmp(sub, "list")   ? cases_list(cmd, db, &a)
         : !strcmp(sub, "show") ? cases_show(cmd, db, &a)
                                : cases_gag(cmd, db, &a);
    vg_db_close(db);
    return ex;
}

/* ---- vigie outbox, sor, report -------------------------------------------------------------- */

static int sub_only(const char *cmd, int argc, char **argv, const char *want, struct case_args *a)
{
    if (argc < 2 || strcmp(argv[1], want)) {
        if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
            rules_help();
            return -1;
        }
        return usage_error(cmd, "give '%s' (see --help)", want);
    }
    int ex = parse_case_args(cmd, argc - 1, argv + 1, a);
    if (ex)
        return ex;
    if (optind < argc - 1)
        return usage_error(cmd, "unexpected argument '%s'", argv[optind + 1]);
    return 0;
}

int cmd_outbox(int argc, char **argv)
{
    const char *cmd = "outbox";
    struct case_args a;
    int ex = sub_only(cmd, argc, argv, "flush", &a);
    if (ex)
        return ex < 0 ? 0 : ex;
    if (!a.webhook && !a.outbox)
        return usage_error(cmd, "give --webhook URL and/or --outbox FILE");
    if (a.webhook && strncmp(a.webhook, "http://", 7))
        return usage_error(cmd, "--webhook takes an http:// URL (no TLS client: docs/cases.md)");
    char secret[256] = "";
    if (a.webhook_secret_file && !a.webhook)
        return usage_error(cmd, "--webhook-secret-file needs --webhook");
    if (a.webhook_secret_file &&
        (ex = cli_read_secret(cmd, "--webhook-secret-file", a.webhook_secret_file, secret,
                              sizeof secret)))
        return ex;
    vg_db *db;
    if ((ex = cli_open_store(cmd, a.db_path, &db)))
        return ex;
    struct vg_outbox_opts o = { .webhook_url = a.webhook,
                                .webhook_secret = secret,
                                .outbox_path = a.outbox,
                                .max_attempts = (int)a.max_attempts,
                                .backoff_base = a.backoff };
    struct vg_outbox_stats s;
    vg_status rc = vg_outbox_flush(db, &o, (int64_t)time(NULL), &s);
    vg_db_close(db);
    if (rc)
        fprintf(stderr, "vigie outbox: %s\n", vg_strerror(rc));
    printf("{\"summary\":\"outbox flush\",\"due\":%lld,\"filed\":%lld,\"delivered\":%lld,"
           "\"failed\":%lld}\n",
           (long long)s.due, (long long)s.filed, (long long)s.delivered, (long long)s.failed);
    return rc || s.failed ? EXIT_DATA : 0;
}

int cmd_sor(int argc, char **argv)
{
    const char *cmd = "sor";
    struct case_args a;
    int ex = sub_only(cmd, argc, argv, "export", &a);
    if (ex)
        return ex < 0 ? 0 : ex;
    vg_db *db;
    if ((ex = cli_open_store(cmd, a.db_path, &db)))
        return ex;
    int64_t made = 0, after = 0, total = 0, batches = 0, held = 0;
    vg_status rc = vg_sor_make(db, NULL, &made);
    while (!rc) {
        char *json = NULL;
        int64_t last, n, h;
        if ((rc = vg_sor_batch(db, after, a.since, &json, &last, &n, &h)))
            break;
        if (batches == 0)
            held = h;
        if (n)
            printf("%s\n", json);
        vg_free(json);
        if (!n)
            break;
        total += n;
        batches++;
        after = last;
    }
    vg_db_close(db);
    if (rc)
        fprintf(stderr, "vigie sor: %s\n", vg_strerror(rc));
    printf("{\"summary\":\"sor export\",\"made\":%lld,\"statements\":%lld,\"batches\":%lld,"
           "\"held_by_gag\":%lld}\n",
           (long long)made, (long long)total, (long long)batches, (long long)held);
    return rc ? EXIT_DATA : 0;
}

int cmd_report_dsa(int argc, char **argv)
{
    const char *cmd = "report";
    struct case_args a;
    int ex = sub_only(cmd, argc, argv, "dsa", &a);
    if (ex)
        return ex < 0 ? 0 : ex;
    vg_db *db;
    if ((ex = cli_open_store(cmd, a.db_path, &db)))
        return ex;
    char *json = NULL;
    vg_status rc = vg_dsa_report_json(db, a.from, a.to, &json);
    vg_db_close(db);
    if (rc) {
        fprintf(stderr, "vigie report: %s\n", vg_strerror(rc));
        return EXIT_DATA;
    }
    printf("{\"summary\":\"report dsa\",%s\n", json + 1);
    vg_free(json);
    return 0;
}
