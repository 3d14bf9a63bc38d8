/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_returns.c: `vigie returns`: new accounts linked to the suspended accounts they replace
 * (docs/returns.md). The store is replayed in time order, the links are stored (replacing those
 * of an earlier run) and printed as JSON lines, then a summary. `vigie returns eval`: the same
 * batch measured against the planted truth of a generated world.
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct returns_args {
    const char *db_path, *truth_path, *md_path, *misses_path;
    struct vg_returns_opts opts;
    int64_t since;
};

static void returns_help(void)
{
    printf("usage: vigie returns [--db FILE] [--since T] [--before T] [--threshold X]\n"
           "                     [--without LIST] [--track-hours H]\n"
           "       vigie returns eval --truth FILE [--db FILE] [--before T] [--threshold X]\n"
           "                          [--without LIST] [--track-hours H] [--md FILE]\n"
           "                          [--misses FILE]\n"
           "       vigie returns reject --account ID [--replaces ID] [--note TEXT] [--db FILE]\n\n"
           "Link new accounts to the suspended accounts they replace: the store is replayed in\n"
           "time order and each account first seen after the start of the data is linked as\n"
           "soon as its best candidate scores at least the threshold (names, bio, avatar, follow\n"
           "sets, shout-out posts, time since the suspension). The links are stored (table\n"
           "return_links, replacing an earlier run's) and printed, one JSON line each:\n"
           "  {\"account\",\"replaces\",\"score\",\"persona\",\"linked_at\",\"first_seen\",\n"
           "   \"followers_at_link\",\"evidence\":[{\"kind\",...},...]}\n"
           "then a summary line. 'eval' prints the figures against truth.json of vigie sim.\n"
           "'reject' records a reviewer's verdict that a link is wrong (see its --help).\n\n"
           "options:\n"
           "  --db FILE        the store (default " DEFAULT_DB ")\n"
           "  --since T        print only links made at or after instant T (all are stored)\n"
           "  --before T       only data before instant T\n"
           "  --threshold X    link when the best candidate scores at least X (default 0.5)\n"
           "  --without LIST   ignore signals, comma-separated: names, bio, avatar, follows, "
           "posts\n"
           "  --track-hours H  match a new account for H hours from its first action, then\n"
           "                   forget it, as vigie ingest --returns does (default 0: never)\n"
           "  --truth FILE     (eval) truth.json written by vigie sim\n"
           "  --md FILE        (eval) also write a Markdown table\n"
           "  --misses FILE    (eval) write each miss as a JSON line\n"
           "  --help, -h       this help\n");
}

static int parse_without(const char *cmd, const char *s, unsigned *out)
{
    static const struct {
        const char *name;
        unsigned bit;
    } sig[] = { { "names", VG_RETURN_NO_NAMES },
                { "bio", VG_RETURN_NO_BIO },
                { "avatar", VG_RETURN_NO_AVATAR },
                { "follows", VG_RETURN_NO_FOLLOWS },
                { "posts", VG_RETURN_NO_POSTS } };

    *out = 0;
    const char *p = s;
    while (*p) {
        size_t n = strcspn(p, ",");
        size_t k = 0;
        while (k < sizeof(sig) / sizeof(sig[0]) &&
               (strlen(sig[k].name) != n || strncmp(sig[k].name, p, n)))
            k++;
        if (k == sizeof(sig) / sizeof(sig[0]))
            return usage_error(cmd, "--without takes names, bio, avatar, follows or posts, "
                                    "separated by commas");
        *out |= sig[k].bit;
        p += n;
        if (*p == ',')
            p++;
    }
    return 0;
}

/* 0 to go on, -1 after --help, else the exit status of a usage error. */
static int parse_args(const char *cmd, int eval, int argc, char **argv, struct returns_args *a)
{
    static const struct option longopts[] = {
        { "db", required_argument, NULL, 'd' },
        { "since", required_argument, NULL, 's' },
        { "before", required_argument, NULL, 'b' },
        { "threshold", required_argument, NULL, 'x' },
        { "without", required_argument, NULL, 'w' },
        { "truth", required_argument, NULL, 'T' },
        { "md", required_argument, NULL, 'm' },
        { "misses", required_argument, NULL, 'M' },
        { "track-hours", required_argument, NULL, 'H' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    memset(a, 0, sizeof(*a));
    a->db_path = DEFAULT_DB;
    a->since = VG_TIME_UNKNOWN;
    vg_returns_opts_init(&a->opts);
    optind = 1;
    opterr = 0;
    int c, bad = 0;
    while (!bad && (c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        /* Options of the other form are usage errors, not silently ignored. */
        if (eval && c == 's')
            return usage_error(cmd, "--since is for 'vigie returns', not eval (see --help)");
        if (!eval && (c == 'T' || c == 'm' || c == 'M'))
            return usage_error(cmd, "--truth, --md and --misses are for 'vigie returns eval' "
                                    "(see --help)");
        switch (c) {
            case 'd':
                a->db_path = optarg;
                break;
            case 's':
                bad = cli_parse_time(cmd, "--since", optarg, &a->since);
                break;
            case 'b':
                bad = cli_parse_time(cmd, "--before", optarg, &a->opts.before);
                break;
            case 'x':
                bad = cli_parse_fraction(cmd, "--threshold", optarg, &a->opts.threshold);
                break;
            case 'w':
                bad = parse_without(cmd, optarg, &a->opts.without);
                break;
            case 'H': {
                long h = 0;
                bad = cli_parse_count(cmd, "--track-hours", optarg, 87600, &h);
                a->opts.track_secs = (int64_t)h * 3600;
                break;
            }
            case 'T':
                a->truth_path = optarg;
                break;
            case 'm':
                a->md_path = optarg;
                break;
            case 'M':
                a->misses_path = optarg;
                break;
            case 'h':
                returns_help();
                return -1;
            default:
                return usage_error(cmd, "unknown or incomplete option '%s' (see --help)",
                                   argv[optind - 1]);
        }
    }
    if (bad)
        return bad;
    if (optind < argc)
        return usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (eval && !a->truth_path)
        return usage_error(cmd, "--truth FILE is required (the truth.json of vigie sim)");
    return 0;
}

/* Open the store (it must exist) and run the batch; 0 or EXIT_DATA after saying why. */
static int run_batch(const char *cmd, const struct returns_args *a, vg_db **db, vg_returns **r)
{
    *r = NULL;
    int ex = cli_open_store(cmd, a->db_path, db);
    if (ex)
        return ex;
    vg_status rc;
    if ((rc = vg_returns_run(*db, &a->opts, r))) {
        fprintf(stderr, "vigie %s: replaying %s failed: %s\n", cmd, a->db_path, vg_strerror(rc));
        vg_db_close(*db);
        *db = NULL;
        return EXIT_DATA;
    }
    return 0;
}

static int returns_list(int argc, char **argv)
{
    const char *cmd = "returns";
    struct returns_args a;
    int ex = parse_args(cmd, 0, argc, argv, &a);
    if (ex)
        return ex < 0 ? 0 : ex;
    vg_db *db;
    vg_returns *r;
    if ((ex = run_batch(cmd, &a, &db, &r)))
        return ex;
    vg_status rc = vg_returns_store(db, r);
    if (rc)
        fprintf(stderr, "vigie %s: storing the links failed: %s\n", cmd, vg_strerror(rc));
    size_t listed = 0;
    for (size_t i = 0; !rc && i < vg_returns_n_links(r); i++) {
        if (a.since != VG_TIME_UNKNOWN && vg_returns_link_time(r, i) < a.since)
            continue;
        char *json;
        if ((rc = vg_returns_link_json(r, i, &json)) == VG_OK) {
            printf("%s\n", json);
            vg_free(json);
            listed++;
        }
    }
    char *sum = NULL;
    if (!rc && (rc = vg_returns_summary_json(r, &sum)) == VG_OK) {
        /* The library's summary, with what this command listed added in front. */
        char since[21] = "";
        if (a.since != VG_TIME_UNKNOWN)
            vg_time_format(a.since, since);
        printf("{\"summary\":\"returns\",\"listed\":%zu,\"since\":", listed);
        printf(since[0] ? "\"%s\"," : "null,", since);
        printf("%s\n", sum + 1);
    }
    if (rc) {
        fprintf(stderr, "vigie %s: %s\n", cmd, vg_strerror(rc));
        ex = EXIT_DATA;
    }
    vg_free(sum);
    vg_returns_free(r);
    vg_db_close(db);
    return ex;
}

static void md_report(FILE *md, const struct returns_args *a, const struct vg_returns_eval *e)
{
    fprintf(md,
            "# Returning accounts against planted truth\n\n"
            "Truth: `%s`; store: `%s`; threshold %.2f.\n\n"
            "| figure | value |\n|---|---|\n",
            a->truth_path, a->db_path, a->opts.threshold);
    fprintf(md, "| new accounts (children / ordinary) | %llu (%llu / %llu) |\n",
            (unsigned long long)e->new_accounts, (unsigned long long)e->children,
            (unsigned long long)e->ordinary);
    fprintf(md, "| early-detection ROC-AUC (5 actions or 24 h) | %.4f |\n", e->roc_auc);
    fprintf(md, "| parent ranking MRR / top-1, early (5 actions or 24 h) | %.4f / %.4f |\n", e->mrr,
            e->top1);
    fprintf(md, "| parent ranking MRR / top-1, at the link | %.4f / %.4f |\n", e->mrr_at_link,
            e->top1_at_link);
    fprintf(md, "| children linked / to the true parent | %llu / %llu |\n",
            (unsigned long long)e->linked_children, (unsigned long long)e->linked_right);
    fprintf(md,
            "| median delay from first action / first shout-out / own post naming the old "
            "account (s) | %.0f / %.0f / %.0f |\n",
            e->median_delay_s, e->median_delay_shout_s, e->median_delay_named_s);
    fprintf(md, "| mean followers at link / at the end | %.1f / %.1f |\n",
            e->mean_followers_at_link, e->mean_followers_final);
    fprintf(md, "| false links (per 10,000 ordinary new accounts) | %llu (%.1f) |\n",
            (unsigned long long)e->false_links, e->false_links_per_10k);
}

static int write_misses(const char *cmd, const vg_returns *r, const struct returns_args *a)
{
    char *text;
    vg_status rc = vg_returns_misses_json(r, a->truth_path, &text);
    if (rc) {
        fprintf(stderr, "vigie %s: misses: %s\n", cmd, vg_strerror(rc));
        return EXIT_DATA;
    }
    FILE *f = fopen(a->misses_path, "w");
    int ok = f && fputs(text, f) >= 0;
    if (f && fclose(f))
        ok = 0;
    vg_free(text);
    if (!ok) {
        fprintf(stderr, "vigie %s: cannot write %s\n", cmd, a->misses_path);
        return EXIT_DATA;
    }
    return 0;
}

static int returns_eval(int argc, char **argv)
{
    const char *cmd = "returns eval";
    struct returns_args a;
    int ex = parse_args(cmd, 1, argc, argv, &a);
    if (ex)
        return ex < 0 ? 0 : ex;
    vg_db *db;
    vg_returns *r;
    if ((ex = run_batch(cmd, &a, &db, &r)))
        return ex;
    struct vg_returns_eval e;
    char *json = NULL;
    vg_status rc = vg_returns_eval(r, a.truth_path, &e);
    if (!rc)
        rc = vg_returns_eval_json(&e, &json);
    if (rc) {
        fprintf(stderr, "vigie %s: %s: %s\n", cmd, a.truth_path, vg_strerror(rc));
        ex = EXIT_DATA;
    } else {
        char *sum = NULL;
        if (vg_returns_summary_json(r, &sum) == VG_OK)
            printf("{\"run\":\"batch\",\"batch\":%s}\n", sum);
        vg_free(sum);
        printf("{\"summary\":\"returns eval\",\"metrics\":%s}\n", json);
        if (a.md_path) {
            FILE *md = fopen(a.md_path, "w");
            if (md)
                md_report(md, &a, &e);
            if (!md || fclose(md)) {
                fprintf(stderr, "vigie %s: cannot write %s\n", cmd, a.md_path);
                ex = EXIT_DATA;
            }
        }
        if (!ex && a.misses_path)
            ex = write_misses(cmd, r, &a);
    }
    vg_free(json);
    vg_returns_free(r);
    vg_db_close(db);
    return ex;
}

static void reject_help(void)
{
    printf("usage: vigie returns reject --account ID [--replaces ID] [--note TEXT] [--db FILE]\n\n"
           "A reviewer's verdict that the new account ID does not replace the suspended account\n"
           "(docs/returns.md, \"Reviewing a link\"): the pair is kept and never linked again by\n"
           "'vigie returns' or by 'vigie ingest --returns' started after it (the next best\n"
           "candidate may be linked instead); the stored link, when it is that one, is deleted "
           "and\n"
           "the persona it had merged is split. Recorded in the audit log (actor \"cli\").\n"
           "Prints one JSON line: "
           "{\"rejected\",\"replaces\",\"already\",\"removed\",\"personas\"}.\n\n"
           "options:\n"
           "  --account ID   the new account\n"
           "  --replaces ID  the suspended account it was linked to (default: its stored link)\n"
           "  --note TEXT    why, kept with the rejection and in the audit entry\n"
           "  --db FILE      the store (default " DEFAULT_DB ")\n"
           "  --help, -h     this help\n");
}

static int returns_reject(int argc, char **argv)
{
    const char *cmd = "returns reject";
    const char *db_path = DEFAULT_DB, *account = NULL, *replaces = NULL, *note = NULL;
    const struct cli_opt opts[] = {
        { "db", .str = &db_path },
        { "account", .str = &account },
        { "replaces", .str = &replaces },
        { "note", .str = &note },
    };
    int ex = cli_parse_options(cmd, argc, argv, opts, sizeof(opts) / sizeof(opts[0]), reject_help);
    if (ex)
        return ex < 0 ? 0 : ex;
    if (optind < argc)
        return usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (!account || !*account)
        return usage_error(cmd, "--account ID is required");
    if (replaces && !*replaces)
        return usage_error(cmd, "--replaces takes an account id");
    vg_db *db;
    if ((ex = cli_open_store(cmd, db_path, &db)))
        return ex;
    struct vg_actor cli;
    vg_actor_cli(&cli);
    struct vg_return_rejection out;
    vg_status rc = vg_returns_reject(db, &cli, account, replaces, note, &out);
    if (rc == VG_ENOENT)
        fprintf(stderr,
                "vigie %s: account %s has no stored return link; name the account it "
                "replaces with --replaces\n",
                cmd, account);
    else if (rc)
        fprintf(stderr, "vigie %s: %s (%s)\n", cmd, vg_strerror(rc), vg_db_errmsg(db));
    else {
        printf("{\"rejected\":");
        cli_print_json_str(account);
        printf(",\"replaces\":");
        cli_print_json_str(out.replaces);
        printf(",\"already\":%s,\"removed\":%s,\"personas\":%lld}\n",
               out.already ? "true" : "false", out.removed ? "true" : "false",
               (long long)out.personas);
    }
    vg_db_close(db);
    return rc ? EXIT_DATA : 0;
}

int cmd_returns(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "eval"))
        return returns_eval(argc - 1, argv + 1);
    if (argc >= 2 && !strcmp(argv[1], "reject"))
        return returns_reject(argc - 1, argv + 1);
    return returns_list(argc, argv);
}
