/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_accounts.c: `vigie accounts score`: every account's score (content and network combined,
 * docs/networks.md) as one JSON line, best first, then a summary line. `vigie accounts eval`:
 * the same scoring measured against the planted truth of a generated world (truth.json of
 * `vigie sim`), with the seeds of the store and with k random supporters as seeds.
 */
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void score_help(void)
{
    printf("usage: vigie accounts score [--db FILE] [--seeds FILE] [--top N] [--before T]\n"
           "                            [--threshold X] [--reasons N] [--weights FILE]\n\n"
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
           "  --weights FILE  the score's weights (vigie accounts fit; default: built in)\n"
           "  --help, -h      this help\n");
}

static int accounts_score(int argc, char **argv)
{
    const char *cmd = "accounts score", *db_path = DEFAULT_DB, *seeds = NULL, *weights = NULL;
    struct vg_network_opts o;
    vg_network_opts_init(&o);
    long top = -1, reasons = 5;
    const struct cli_opt opts[] = {
        { "db", .str = &db_path },
        { "seeds", .str = &seeds },
        { "top", .count = &top, .max = 1000000000L },
        { "before", .time = &o.before },
        { "threshold", .fraction = &o.threshold },
        { "reasons", .count = &reasons, .max = 100 },
        { "weights", .str = &weights },
    };
    int bad = cli_parse_options(cmd, argc, argv, opts, sizeof(opts) / sizeof(opts[0]), score_help);
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

/* ---- vigie accounts eval -------------------------------------------------------------------- */

#define MAX_SEED_COUNTS 32

struct eval_args {
    const char *db_path, *truth_path, *seeds, *md_path, *weights;
    struct vg_network_opts opts;
    long counts[MAX_SEED_COUNTS];
    size_t n_counts;
    long repeats;
    unsigned long long rng_seed;
    int quiet;
};

static void eval_help(void)
{
    printf("usage: vigie accounts eval --truth FILE [--db FILE] [--seeds FILE] [--before T]\n"
           "                           [--seed-counts LIST] [--repeats N] [--rng-seed N]\n"
           "                           [--md FILE] [--weights FILE] [--quiet]\n\n"
           "Score the accounts as 'vigie accounts score' does and measure the ranking against\n"
           "the planted truth of a generated world (truth.json of 'vigie sim'). Seeds are left\n"
           "out of every figure; positives are the supporters. One JSON line for the run with\n"
           "the store's seeds, one per seed count (k random supporters as seeds, repeated), then\n"
           "a summary line. Metrics: docs/networks.md, \"Measuring against planted truth\".\n\n"
           "options:\n"
           "  --truth FILE        truth.json written by vigie sim (required)\n"
           "  --db FILE           the store (default " DEFAULT_DB ")\n"
           "  --seeds FILE        seeds of the first run (default: the suspended accounts)\n"
           "  --before T          only data before instant T (simulated real time)\n"
           "  --seed-counts LIST  comma-separated k for the curve (default 5,10,20,50,100;\n"
           "                      \"none\" for no curve)\n"
           "  --repeats N         random draws per k (default 3)\n"
           "  --rng-seed N        seed of the draws (default 1)\n"
           "  --md FILE           also write a Markdown report\n"
           "  --weights FILE      the score's weights (vigie accounts fit; default: built in)\n"
           "  --quiet             no progress on stderr\n"
           "  --help, -h          this help\n");
}

/* --seed-counts LIST into the struct eval_args at dst. */
static int parse_seed_counts(const char *cmd, const char *s, void *dst)
{
    struct eval_args *a = dst;
    a->n_counts = 0;
    if (!strcmp(s, "none"))
        return 0;
    const char *p = s;
    for (;;) {
        char *end;
        long k = strtol(p, &end, 10);
        if (end == p || k < 1 || k > 1000000L || (*end && *end != ','))
            return usage_error(cmd, "--seed-counts takes numbers from 1 to 1000000 separated "
                                    "by commas, or none");
        if (a->n_counts == MAX_SEED_COUNTS)
            return usage_error(cmd, "--seed-counts takes at most %d numbers", MAX_SEED_COUNTS);
        a->counts[a->n_counts++] = k;
        if (!*end)
            return 0;
        p = end + 1;
    }
}

/* --rng-seed N into the unsigned long long at dst. */
static int parse_rng_seed(const char *cmd, const char *s, void *dst)
{
    unsigned long long *out = dst;
    char *end;
    if (!*s || *s == '-')
        return usage_error(cmd, "--rng-seed takes a non-negative number");
    *out = strtoull(s, &end, 10);
    return *end ? usage_error(cmd, "--rng-seed takes a non-negative number") : 0;
}

/* --repeats N, 1..1000, into the long at dst. */
static int parse_repeats(const char *cmd, const char *s, void *dst)
{
    int bad = cli_parse_count(cmd, "--repeats", s, 1000, dst);
    if (!bad && *(long *)dst < 1)
        bad = usage_error(cmd, "--repeats takes a number from 1 to 1000");
    return bad;
}

static void eval_defaults(struct eval_args *a)
{
    memset(a, 0, sizeof(*a));
    a->db_path = DEFAULT_DB;
    vg_network_opts_init(&a->opts);
    static const long counts[] = { 5, 10, 20, 50, 100 };
    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
        a->counts[a->n_counts++] = counts[i];
    a->repeats = 3;
    a->rng_seed = 1;
}

/* 0 to go on, -1 after --help, else the exit status of a usage error. */
static int parse_eval_args(int argc, char **argv, struct eval_args *a)
{
    const char *cmd = "accounts eval";
    const struct cli_opt opts[] = {
        { "db", .str = &a->db_path },
        { "truth", .str = &a->truth_path },
        { "seeds", .str = &a->seeds },
        { "before", .time = &a->opts.before },
        { "seed-counts", .parse = parse_seed_counts, .dst = a },
        { "repeats", .parse = parse_repeats, .dst = &a->repeats },
        { "rng-seed", .parse = parse_rng_seed, .dst = &a->rng_seed },
        { "md", .str = &a->md_path },
        { "weights", .str = &a->weights },
        { "quiet", .flag = &a->quiet },
    };
    int bad = cli_parse_options(cmd, argc, argv, opts, sizeof(opts) / sizeof(opts[0]), eval_help);
    if (bad)
        return bad;
    if (optind < argc)
        return usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (!a->truth_path)
        return usage_error(cmd, "--truth FILE is required (the truth.json of vigie sim)");
    return 0;
}

static void md_rate(FILE *md, double x)
{
    if (isfinite(x))
        fprintf(md, " %.4f |", x);
    else
        fprintf(md, " n/a |");
}

static void md_header(FILE *md, const struct eval_args *a, const struct vg_account_eval *e)
{
    char before[32] = "the end of the data";
    if (a->opts.before != VG_TIME_UNKNOWN)
        vg_time_format(a->opts.before, before);
    fprintf(md,
            "# Account detection against planted truth\n\n"
            "Truth: `%s`; store: `%s`; as of %s. %llu accounts, %llu supporters outside "
            "the seeds (prevalence %.3g).\n\n",
            a->truth_path, a->db_path, before, (unsigned long long)e->accounts,
            (unsigned long long)e->positives, e->prevalence);
    fprintf(md, "| seeds | evaluated | positives | ROC-AUC | PR-AUC | P@R0.70 | R@P0.95 | "
                "community F1 |\n|---|---|---|---|---|---|---|---|\n");
}

static void md_row(FILE *md, const char *label, const struct vg_account_eval *e)
{
    fprintf(md, "| %s | %llu | %llu |", label, (unsigned long long)e->evaluated,
            (unsigned long long)e->positives);
    md_rate(md, e->roc_auc);
    md_rate(md, e->pr_auc);
    md_rate(md, e->precision_at_recall_70);
    md_rate(md, e->recall_at_precision_95);
    md_rate(md, e->community_f1);
    fputc('\n', md);
}

static void md_top_p(FILE *md, const struct vg_account_eval *e)
{
    fprintf(md,
            "\nAmong the %llu best-scored accounts outside the seeds (the default seeds): "
            "%llu supporters; false positives: %llu background, %llu news, %llu "
            "researcher, %llu counter-speech.\n",
            (unsigned long long)e->positives, (unsigned long long)e->top_p_supporters,
            (unsigned long long)e->top_p_false_positives[0],
            (unsigned long long)e->top_p_false_positives[2],
            (unsigned long long)e->top_p_false_positives[3],
            (unsigned long long)e->top_p_false_positives[4]);
}

/* Print one JSON line: {"run":..,<extra>,"metrics":{..}}. */
static vg_status print_run(const char *run, const char *extra, const struct vg_account_eval *e)
{
    char *json;
    vg_status rc = vg_account_eval_json(e, &json);
    if (rc)
        return rc;
    printf("{\"run\":\"%s\"%s,\"metrics\":%s}\n", run, extra, json);
    vg_free(json);
    return VG_OK;
}

static vg_status run_default(vg_db *db, vg_network *net, const vg_truth *t, int seeds_given,
                             struct vg_account_eval *e)
{
    vg_status rc = vg_network_score(db, net);
    if (!rc)
        rc = vg_network_eval(net, t, e);
    if (!rc)
        rc = print_run("default",
                       seeds_given ? ",\"seeds_from\":\"list\"" : ",\"seeds_from\":\"suspended\"",
                       e);
    return rc;
}

/* One point of the curve: `repeats` draws of k supporter seeds. */
static vg_status run_seed_count(vg_db *db, vg_network *net, const vg_truth *t,
                                const struct eval_args *a, long k, uint64_t *rng,
                                struct vg_account_eval *runs, FILE *md)
{
    vg_status rc = VG_OK;
    size_t picked = 0;
    for (long r = 0; r < a->repeats && !rc; r++) {
        if (!a->quiet)
            fprintf(stderr, "vigie accounts eval: %ld seeds, draw %ld of %ld\n", k, r + 1,
                    a->repeats);
        rc = vg_network_seed_supporters(net, t, (size_t)k, rng, &picked);
        if (!rc)
            rc = vg_network_score(db, net);
        if (!rc)
            rc = vg_network_eval(net, t, &runs[r]);
    }
    char *spread = NULL;
    if (!rc)
        rc = vg_account_eval_spread_json(runs, (size_t)a->repeats, &spread);
    if (rc)
        return rc;
    printf("{\"run\":\"seeds\",\"k\":%ld,\"picked\":%zu,\"repeats\":%ld,\"spread\":%s,\"runs\":[",
           k, picked, a->repeats, spread);
    vg_free(spread);
    for (long r = 0; r < a->repeats && !rc; r++) {
        char *json;
        if ((rc = vg_account_eval_json(&runs[r], &json)) == VG_OK) {
            printf("%s%s", r ? "," : "", json);
            vg_free(json);
        }
    }
    printf("]}\n");
    if (md)
        for (long r = 0; r < a->repeats; r++) {
            char label[64];
            snprintf(label, sizeof(label), "%zu random supporters (draw %ld)", picked, r + 1);
            md_row(md, label, &runs[r]);
        }
    return rc;
}

static vg_status run_curve(vg_db *db, vg_network *net, const vg_truth *t, const struct eval_args *a,
                           FILE *md)
{
    struct vg_account_eval *runs = calloc((size_t)a->repeats, sizeof(*runs));
    if (!runs)
        return VG_ENOMEM;
    uint64_t rng = a->rng_seed;
    vg_status rc = VG_OK;
    for (size_t i = 0; i < a->n_counts && !rc; i++)
        rc = run_seed_count(db, net, t, a, a->counts[i], &rng, runs, md);
    free(runs);
    return rc;
}

static void print_summary(const struct eval_args *a, const vg_truth *t,
                          const struct vg_account_eval *e, const char *metrics)
{
    char before[32] = "";
    if (a->opts.before != VG_TIME_UNKNOWN)
        vg_time_format(a->opts.before, before);
    printf("{\"summary\":\"accounts eval\",\"truth_accounts\":%zu,\"before\":", vg_truth_size(t));
    printf(before[0] ? "\"%s\"" : "null", before);
    printf(",\"seed_counts\":[");
    for (size_t i = 0; i < a->n_counts; i++)
        printf("%s%ld", i ? "," : "", a->counts[i]);
    printf("],\"repeats\":%ld,\"rng_seed\":%llu,\"roc_auc\":", a->repeats, a->rng_seed);
    printf(isfinite(e->roc_auc) ? "%.4f" : "null", e->roc_auc);
    printf(",\"metrics\":%s}\n", metrics);
}

static int eval_fail(const char *what, vg_status rc)
{
    fprintf(stderr, "vigie accounts eval: %s: %s\n", what, vg_strerror(rc));
    return EXIT_DATA;
}

static int eval_with(vg_db *db, vg_network *net, const vg_truth *t, const struct eval_args *a,
                     FILE *md)
{
    struct vg_account_eval e;
    vg_status rc = run_default(db, net, t, a->seeds != NULL, &e);
    if (rc)
        return eval_fail("scoring", rc);
    if (md) {
        md_header(md, a, &e);
        char label[64];
        snprintf(label, sizeof(label), "%s (%llu)", a->seeds ? "from --seeds" : "suspended",
                 (unsigned long long)e.seeds);
        md_row(md, label, &e);
    }
    if ((rc = run_curve(db, net, t, a, md)))
        return eval_fail("seed curve", rc);
    if (md)
        md_top_p(md, &e);
    char *metrics;
    if ((rc = vg_account_eval_json(&e, &metrics)))
        return eval_fail("summary", rc);
    print_summary(a, t, &e, metrics);
    vg_free(metrics);
    return 0;
}

static int accounts_eval(int argc, char **argv)
{
    const char *cmd = "accounts eval";
    struct eval_args a;
    eval_defaults(&a);
    int ex = parse_eval_args(argc, argv, &a);
    if (ex)
        return ex < 0 ? 0 : ex;
    cli_log_init(0);
    vg_truth *t = NULL;
    vg_status rc = vg_truth_read(a.truth_path, &t);
    if (rc)
        return eval_fail("cannot read the truth", rc);
    FILE *md = NULL;
    if (a.md_path && !(md = fopen(a.md_path, "w"))) {
        vg_truth_free(t);
        fprintf(stderr, "vigie %s: cannot write %s\n", cmd, a.md_path);
        return EXIT_DATA;
    }
    vg_db *db;
    vg_network *net;
    ex = cli_network_open(cmd, a.db_path, &a.opts, a.seeds, a.weights, &db, &net);
    if (!ex) {
        ex = eval_with(db, net, t, &a, md);
        vg_network_free(net);
        vg_db_close(db);
    }
    if (md && fclose(md) && !ex)
        ex = eval_fail("writing the report", VG_EIO);
    vg_truth_free(t);
    return ex;
}

static void accounts_help(FILE *f)
{
    fprintf(f, "usage: vigie accounts score|eval|fit [options]\n\n"
               "  score  score accounts from content and network, with reasons\n"
               "  eval   measure the scores against the planted truth of a generated world\n"
               "  fit    fit the score's weights on generated worlds (truth known)\n\n"
               "Run 'vigie accounts score --help' for its options. Docs: docs/networks.md.\n");
}

int cmd_accounts(int argc, char **argv)
{
    static const struct cli_subcommand subs[] = {
        { "score", accounts_score },
        { "eval", accounts_eval },
        { "fit", cmd_accounts_fit },
    };
    return cli_run_subcommand("accounts", argc, argv, subs, sizeof(subs) / sizeof(subs[0]),
                              accounts_help);
}
