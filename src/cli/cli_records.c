/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_records.c: `vigie order`, `vigie evidence`, `vigie report tco` and `vigie dashboard`:
 * removal orders under the TCO Regulation, the evidence vault, the Art 7 transparency report
 * and the dashboard's series (vigie.h @@records, docs/records.md). The command acts as "cli"
 * (admin rights) in the audit log. An order given on the command line was received by other
 * means (the contact point's channel): its receipt time is now, or --received-at as that
 * channel recorded it.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

#define MAX_LIST 1000

static void records_help(FILE *f)
{
    fprintf(f,
            "usage: vigie order add [--received-at T] [--db FILE] FILE...\n"
            "       vigie order list [--limit N] [--db FILE]\n"
            "       vigie order show --id N [--db FILE]\n"
            "       vigie order act --id N --action removed|disabled [--post ID]... [--at T]\n"
            "       vigie order cannot-comply --id N --reason R... --explanation TEXT\n"
            "                                 [--clarification TEXT] [--at T]\n"
            "       vigie order clarified --id N [--note TEXT] [--at T]\n"
            "       vigie order scrutiny --id N --state requested|confirmed|revoked [--note TEXT]\n"
            "       vigie order annex --id N --annex 2|3\n"
            "       vigie order stats [--from T] [--to T]\n"
            "       vigie evidence list [--limit N]\n"
            "       vigie evidence access --id N --purpose review|complaint|investigation "
            "--note TEXT\n"
            "       vigie evidence extend --id N --until T --reason TEXT\n"
            "       vigie evidence expire\n"
            "       vigie report tco --year Y [--format json|md]\n"
            "       vigie dashboard [--from T] [--to T] [--top N]\n\n"
            "Removal orders (TCO Regulation (EU) 2021/784), the evidence vault, the Art 7\n"
            "transparency report and the dashboard series (docs/records.md). order add reads\n"
            "one order (a JSON object of its Annex I fields) per FILE, or one per line of a\n"
            "FILE ending in .jsonl; it prints a line per order and a summary (exit 1 when one\n"
            "is rejected). Annex III reasons: force_majeure, de_facto_impossibility,\n"
            "manifest_errors, insufficient_information. Times: ISO 8601 (2026-03-01T10:00:00Z).\n\n"
            "options:\n"
            "  --db FILE        the store (default " DEFAULT_DB ")\n"
            "  --help, -h       this help\n");
}

struct rec_args {
    const char *db_path, *action, *explanation, *clarification, *note, *state, *purpose;
    const char *reason, *format;
    const char *posts[MAX_LIST], *reasons[8];
    size_t n_posts, n_reasons;
    long id, limit, annex, year, top;
    int64_t at, received_at, from, to, until;
};

static void records_help_stdout(void)
{
    records_help(stdout);
}

static int parse_args(const char *cmd, int argc, char **argv, struct rec_args *a)
{
    memset(a, 0, sizeof(*a));
    a->db_path = DEFAULT_DB;
    a->limit = -1;
    a->at = a->received_at = a->from = a->to = a->until = VG_TIME_UNKNOWN;
    const struct cli_opt opts[] = {
        { "db", .str = &a->db_path },
        { "id", .count = &a->id, .max = 1L << 62 },
        { "limit", .count = &a->limit, .max = 1L << 30 },
        { "action", .str = &a->action },
        { "post", .list = a->posts, .n = &a->n_posts, .max = MAX_LIST },
        { "reason", .list = a->reasons, .n = &a->n_reasons,
          .max = sizeof(a->reasons) / sizeof(a->reasons[0]) },
        { "explanation", .str = &a->explanation },
        { "clarification", .str = &a->clarification },
        { "note", .str = &a->note },
        { "state", .str = &a->state },
        { "annex", .count = &a->annex, .max = 3 },
        { "at", .time = &a->at },
        { "received-at", .time = &a->received_at },
        { "from", .time = &a->from },
        { "to", .time = &a->to },
        { "until", .time = &a->until },
        { "purpose", .str = &a->purpose },
        { "year", .count = &a->year, .max = 9998 },
        { "format", .str = &a->format },
        { "top", .count = &a->top, .max = 1000 },
    };
    int rc = cli_parse_options(cmd, argc, argv, opts, sizeof(opts) / sizeof(opts[0]),
                               records_help_stdout);
    /* --reason is a list for order cannot-comply; evidence extend takes the last one given. */
    a->reason = a->n_reasons ? a->reasons[a->n_reasons - 1] : NULL;
    return rc;
}

static int64_t now_s(void)
{
    return (int64_t)time(NULL);
}

/* Print a view the library made (one JSON line) and free it. */
static int print_view(const char *cmd, vg_status rc, char *text, int found, const char *what,
                      long id)
{
    if (rc) {
        fprintf(stderr, "vigie %s: %s\n", cmd, vg_strerror(rc));
        vg_free(text);
        return EXIT_DATA;
    }
    if (!found) {
        fprintf(stderr, "vigie %s: no %s %ld\n", cmd, what, id);
        return EXIT_DATA;
    }
    fputs(text, stdout);
    if (!*text || text[strlen(text) - 1] != '\n')
        putchar('\n');
    vg_free(text);
    return 0;
}

/* A refused change: the message, exit 1. */
static int refused(const char *cmd, vg_status rc, const char *err)
{
    if (!rc)
        return 0;
    fprintf(stderr, "vigie %s: %s\n", cmd, *err ? err : vg_strerror(rc));
    return EXIT_DATA;
}

/* ---- order add ----------------------------------------------------------------------------- */

struct add_counts {
    long read, accepted, duplicates, rejected;
};

static void add_one(vg_db *db, const struct vg_actor *cli, const char *file, long line,
                    const char *text, size_t len, int64_t received_at, struct add_counts *n)
{
    char err[300];
    int64_t id = 0;
    enum vg_put_result res;
    n->read++;
    vg_status rc = vg_order_receive(db, cli, text, len, received_at, &id, &res, err, sizeof(err));
    printf("{\"file\":");
    cli_print_json_str(file);
    if (line)
        printf(",\"line\":%ld", line);
    if (rc) {
        n->rejected++;
        printf(",\"status\":\"rejected\",\"error\":");
        cli_print_json_str(rc == VG_EFIELD ? err : vg_strerror(rc));
        printf("}\n");
        return;
    }
    int dup = res == VG_PUT_DUPLICATE;
    n->accepted += !dup;
    n->duplicates += dup;
    printf(",\"status\":\"%s\",\"id\":%lld}\n", dup ? "duplicate" : "accepted", (long long)id);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *b = n > (64u << 20) ? NULL : realloc(buf, 2 * cap + 1);
            if (!b) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = b;
            cap *= 2;
        }
    }
    if (f != stdin)
        fclose(f);
    if (buf)
        buf[n] = 0;
    *len = n;
    return buf;
}

static int order_add(const char *cmd, vg_db *db, const struct rec_args *a, int n_files,
                     char **files)
{
    if (n_files < 1)
        return usage_error(cmd, "give one or more order files (JSON; .jsonl: one per line)");
    struct vg_actor cli;
    vg_actor_cli(&cli);
    int64_t received_at = a->received_at != VG_TIME_UNKNOWN ? a->received_at : now_s();
    struct add_counts n = { 0 };
    int unreadable = 0;
    for (int i = 0; i < n_files; i++) {
        size_t len;
        char *text = slurp(files[i], &len);
        if (!text) {
            fprintf(stderr, "vigie %s: cannot read %s\n", cmd, files[i]);
            unreadable++;
            continue;
        }
        size_t fl = strlen(files[i]);
        if (fl > 6 && !strcmp(files[i] + fl - 6, ".jsonl")) {
            long line = 0;
            for (char *p = text; *p || p == text;) {
                char *nl = strchr(p, '\n');
                size_t l = nl ? (size_t)(nl - p) : strlen(p);
                line++;
                size_t k = 0;
                while (k < l && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r'))
                    k++;
                if (k < l)
                    add_one(db, &cli, files[i], line, p, l, received_at, &n);
                if (!nl)
                    break;
                p = nl + 1;
            }
        } else {
            add_one(db, &cli, files[i], 0, text, len, received_at, &n);
        }
        free(text);
    }
    printf("{\"summary\":true,\"read\":%ld,\"accepted\":%ld,\"duplicates\":%ld,\"rejected\":%ld,"
           "\"unreadable_files\":%d}\n",
           n.read, n.accepted, n.duplicates, n.rejected, unreadable);
    return n.rejected || unreadable ? EXIT_DATA : 0;
}

/* ---- order subcommands --------------------------------------------------------------------- */

static int order_show(const char *cmd, vg_db *db, long id)
{
    char *text = NULL;
    int found = 0;
    vg_status rc = vg_order_get_json(db, id, now_s(), &text, &found);
    return print_view(cmd, rc, text, found, "removal order", id);
}

static int order_cmd(const char *cmd, vg_db *db, const char *sub, const struct rec_args *a,
                     int n_rest, char **rest)
{
    struct vg_actor cli;
    vg_actor_cli(&cli);
    int64_t at = a->at != VG_TIME_UNKNOWN ? a->at : now_s();
    char err[300] = "", *text = NULL;
    int found = 1;
    vg_status rc;
    if (!strcmp(sub, "add"))
        return order_add(cmd, db, a, n_rest, rest);
    if (n_rest)
        return usage_error(cmd, "unexpected argument '%s'", rest[0]);
    if (!strcmp(sub, "list")) {
        rc = vg_order_list_json(db, now_s(), a->limit, &text);
        return print_view(cmd, rc, text, 1, "", 0);
    }
    if (!strcmp(sub, "stats")) {
        rc = vg_order_stats_json(db, a->from, a->to, &text);
        return print_view(cmd, rc, text, 1, "", 0);
    }
    static const char *const subs[] = { "show",      "act",      "cannot-comply",
                                        "clarified", "scrutiny", "annex" };
    size_t k = 0;
    while (k < (sizeof(subs) / sizeof(subs[0])) && strcmp(sub, subs[k]))
        k++;
    if (k == (sizeof(subs) / sizeof(subs[0])))
        return usage_error(cmd, "unknown subcommand '%s' (see --help)", sub);
    if (!a->id)
        return usage_error(cmd, "--id N is required");
    if (!strcmp(sub, "show"))
        return order_show(cmd, db, a->id);
    if (!strcmp(sub, "act")) {
        if (!a->action || (strcmp(a->action, "removed") && strcmp(a->action, "disabled")))
            return usage_error(cmd, "--action removed or --action disabled is required");
        rc = vg_order_record_action(
                db, a->id, !strcmp(a->action, "removed") ? VG_ORDER_REMOVED : VG_ORDER_DISABLED, at,
                &cli, a->posts, a->n_posts, err, sizeof(err));
    } else if (!strcmp(sub, "cannot-comply")) {
        if (!a->n_reasons || !a->explanation)
            return usage_error(cmd, "--reason R and --explanation TEXT are required");
        rc = vg_order_cannot_comply(db, &cli, a->id, a->reasons, a->n_reasons, a->explanation,
                                    a->clarification, at, err, sizeof(err));
    } else if (!strcmp(sub, "clarified")) {
        rc = vg_order_clarified(db, &cli, a->id, a->note, at, err, sizeof(err));
    } else if (!strcmp(sub, "scrutiny")) {
        if (!a->state)
            return usage_error(cmd, "--state requested|confirmed|revoked is required");
        rc = vg_order_scrutiny(db, &cli, a->id, a->state, a->note, at, err, sizeof(err));
    } else if (!strcmp(sub, "annex")) {
        if (a->annex != 2 && a->annex != 3)
            return usage_error(cmd, "--annex 2 or --annex 3 is required");
        rc = vg_order_annex_json(db, a->id, (int)a->annex, &text, &found);
        return print_view(cmd, rc, text, found,
                          a->annex == 2 ? "Annex II reply for order" : "Annex III reply for order",
                          a->id);
    } else {
        return usage_error(cmd, "unknown subcommand '%s' (see --help)", sub);
    }
    int ex = refused(cmd, rc, err);
    return ex ? ex : order_show(cmd, db, a->id);
}

/* ---- evidence ------------------------------------------------------------------------------ */

static int evidence_cmd(const char *cmd, vg_db *db, const char *sub, const struct rec_args *a)
{
    struct vg_actor cli;
    vg_actor_cli(&cli);
    char err[300] = "", *text = NULL;
    vg_status rc;
    if (!strcmp(sub, "list")) {
        rc = vg_evidence_list_json(db, now_s(), a->limit, &text);
        return print_view(cmd, rc, text, 1, "", 0);
    }
    if (!strcmp(sub, "expire")) {
        int64_t deleted, kept;
        rc = vg_evidence_expire(db, &cli, now_s(), &deleted, &kept);
        if (rc)
            return refused(cmd, rc, "");
        printf("{\"summary\":true,\"deleted\":%lld,\"kept\":%lld}\n", (long long)deleted,
               (long long)kept);
        return 0;
    }
    if (strcmp(sub, "access") && strcmp(sub, "extend"))
        return usage_error(cmd, "unknown subcommand '%s' (see --help)", sub);
    if (!a->id)
        return usage_error(cmd, "--id N is required");
    if (!strcmp(sub, "access")) {
        if (!a->purpose || !a->note)
            return usage_error(cmd, "--purpose P and --note TEXT are required");
        rc = vg_evidence_access(db, &cli, a->id, a->purpose, a->note, &text, err, sizeof(err));
        int ex = refused(cmd, rc, err);
        return ex ? ex : print_view(cmd, rc, text, 1, "", 0);
    }
    if (!strcmp(sub, "extend")) {
        if (a->until == VG_TIME_UNKNOWN || !a->reason)
            return usage_error(cmd, "--until T and --reason TEXT are required");
        rc = vg_evidence_extend(db, &cli, a->id, a->until, a->reason, err, sizeof(err));
        int ex = refused(cmd, rc, err);
        if (ex)
            return ex;
        char tb[32];
        printf("{\"id\":%ld,\"until\":\"%s\"}\n", a->id, vg_time_format(a->until, tb));
        return 0;
    }
    return usage_error(cmd, "unknown subcommand '%s' (see --help)", sub);
}

/* ---- entry points -------------------------------------------------------------------------- */

/* `vigie NAME SUB [options]` (sub NULL: `vigie NAME [options]`). */
static int run(const char *name, int has_sub, int argc, char **argv)
{
    char cmd[48];
    const char *sub = NULL;
    if (has_sub) {
        if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
            records_help(argc < 2 ? stderr : stdout);
            return argc < 2 ? EXIT_USAGE : 0;
        }
        sub = argv[1];
        argc--;
        argv++;
    }
    snprintf(cmd, sizeof(cmd), "%s%s%s", name, sub ? " " : "", sub ? sub : "");
    struct rec_args a;
    int ex = parse_args(cmd, argc, argv, &a);
    if (ex)
        return ex < 0 ? 0 : ex;
    int n_rest = argc - optind;
    char **rest = argv + optind;
    vg_db *db;
    if (!strcmp(name, "order") && sub && !strcmp(sub, "add")) {
        cli_log_init(0);
        vg_status rc = vg_db_open(a.db_path, &db);
        if (rc) {
            fprintf(stderr, "vigie %s: cannot open %s: %s\n", cmd, a.db_path, vg_strerror(rc));
            return EXIT_DATA;
        }
    } else if ((ex = cli_open_store(cmd, a.db_path, &db))) {
        return ex;
    }
    if (!strcmp(name, "order")) {
        ex = order_cmd(cmd, db, sub, &a, n_rest, rest);
    } else if (n_rest) {
        ex = usage_error(cmd, "unexpected argument '%s'", rest[0]);
    } else if (!strcmp(name, "evidence")) {
        ex = evidence_cmd(cmd, db, sub, &a);
    } else if (!strcmp(name, "report")) {
        if (strcmp(sub, "tco")) {
            ex = usage_error(cmd, "unknown report '%s' (tco)", sub);
        } else if (a.year < 1970) {
            ex = usage_error(cmd, "--year Y is required");
        } else if (a.format && strcmp(a.format, "json") && strcmp(a.format, "md")) {
            ex = usage_error(cmd, "--format json or --format md");
        } else {
            char *text = NULL;
            vg_status rc = a.format && !strcmp(a.format, "md")
                                   ? vg_report_tco_markdown(db, (int)a.year, &text)
                                   : vg_report_tco_json(db, (int)a.year, &text);
            ex = print_view(cmd, rc, text, 1, "", 0);
        }
    } else {
        char *text = NULL;
        vg_status rc = vg_dashboard_json(db, a.from, a.to, a.top ? (int)a.top : 20, &text);
        ex = print_view(cmd, rc, text, 1, "", 0);
    }
    vg_db_close(db);
    return ex;
}

int cmd_order(int argc, char **argv)
{
    return run("order", 1, argc, argv);
}

int cmd_evidence(int argc, char **argv)
{
    return run("evidence", 1, argc, argv);
}

int cmd_report_tco(int argc, char **argv)
{
    return run("report", 1, argc, argv);
}

/* `vigie report tco` (Art 7 of the TCO Regulation, here) and `vigie report dsa` (the DSA
 * counters, cli_rules.c): one command, the report named by its first argument. */
int cmd_report(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "dsa"))
        return cmd_report_dsa(argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "tco"))
        return cmd_report_tco(argc, argv);
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        printf("usage: vigie report tco --year Y [--db FILE] [--format json|md]\n"
               "       vigie report dsa [--db FILE] [--from T] [--to T]\n\n"
               "tco: the TCO Regulation Art 7 transparency report (docs/records.md);\n"
               "dsa: the DSA transparency counters (docs/cases.md). --help on each.\n");
        return 0;
    }
    return usage_error("report", "which report: tco or dsa (see --help)");
}

int cmd_dashboard(int argc, char **argv)
{
    return run("dashboard", 0, argc, argv);
}
