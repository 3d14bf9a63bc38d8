/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_accounts_fit.c: `vigie accounts fit`: fit the account score's weights on stores whose
 * truth is known (generated worlds), for `--weights FILE` of the commands that score accounts
 * (docs/networks.md, "The score").
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_WORLDS 16

static void fit_help(void)
{
    printf("usage: vigie accounts fit --db FILE --truth FILE [--seeds FILE]\n"
           "                          [--db FILE --truth FILE [--seeds FILE] ...]\n"
           "                          --out FILE [--before T] [--cost C]\n\n"
           "Fit the weights of the account score (docs/networks.md) on stores whose truth is\n"
           "known: the i-th --truth (truth.json of vigie sim) labels the i-th --db, whose\n"
           "seeds are the i-th --seeds file (give one for every store, or none: then the\n"
           "suspended accounts). Every account that is not a seed is an example, a supporter a\n"
           "positive. Writes a weights file for --weights of 'accounts score', 'accounts eval'\n"
           "and 'network communities'; prints one JSON line per weight, then a summary.\n"
           "Measure the result on other worlds than those it was fitted on.\n\n"
           "options:\n"
           "  --db FILE      a store (up to %d)\n"
           "  --truth FILE   its truth.json\n"
           "  --seeds FILE   its seeds, one id a line\n"
           "  --out FILE     the weights file to write\n"
           "  --before T     only data before instant T, in every store\n"
           "  --cost C       cost of the L2 logistic regression (default 1)\n"
           "  --help, -h     this help\n",
           MAX_WORLDS);
}

struct fit_args {
    const char *dbs[MAX_WORLDS], *truths[MAX_WORLDS], *seeds[MAX_WORLDS], *out;
    size_t n_dbs, n_truths, n_seeds;
    struct vg_network_opts opts;
    double cost;
};

/* One of the per-store lists (--db, --truth, --seeds): names[*n], at most MAX_WORLDS. */
struct store_list {
    const char **names;
    size_t *n;
};

static int add_store_file(const char *cmd, const char *arg, void *dst)
{
    const struct store_list *l = dst;
    if (*l->n == MAX_WORLDS)
        return usage_error(cmd, "at most %d stores", MAX_WORLDS);
    l->names[(*l->n)++] = arg;
    return 0;
}

/* --cost C, 0.0001..10000, into the double at dst. */
static int parse_cost(const char *cmd, const char *arg, void *dst)
{
    char *end;
    double cost = strtod(arg, &end);
    if (end == arg || *end || !(cost >= 1e-4 && cost <= 1e4))
        return usage_error(cmd, "--cost takes a number from 0.0001 to 10000");
    *(double *)dst = cost;
    return 0;
}

/* 0 to go on, -1 after --help, else the exit status. */
static int parse_fit_args(int argc, char **argv, struct fit_args *a)
{
    const char *cmd = "accounts fit";
    struct store_list dbs = { a->dbs, &a->n_dbs }, truths = { a->truths, &a->n_truths },
                      seeds = { a->seeds, &a->n_seeds };
    const struct cli_opt opts[] = {
        { "db", .parse = add_store_file, .dst = &dbs },
        { "truth", .parse = add_store_file, .dst = &truths },
        { "out", .str = &a->out },
        { "before", .time = &a->opts.before },
        { "cost", .parse = parse_cost, .dst = &a->cost },
        { "seeds", .parse = add_store_file, .dst = &seeds },
    };
    int bad = cli_parse_options(cmd, argc, argv, opts, sizeof(opts) / sizeof(opts[0]), fit_help);
    if (bad)
        return bad;
    if (optind < argc)
        return usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (!a->n_dbs || a->n_dbs != a->n_truths)
        return usage_error(cmd, "give each --db its --truth (%zu stores, %zu truths)", a->n_dbs,
                           a->n_truths);
    if (a->n_seeds && a->n_seeds != a->n_dbs)
        return usage_error(cmd, "give each --db its --seeds, or none (%zu stores, %zu seeds)",
                           a->n_dbs, a->n_seeds);
    if (!a->out)
        return usage_error(cmd, "--out FILE is required");
    return 0;
}

/* Print the weights file's settings as JSON lines: {"feature":..,"weight":..}. */
static void print_weights(const char *text)
{
    const char *p = text;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        char name[64];
        double w;
        if (*p != '#' && sscanf(p, "%63s = %lf", name, &w) == 2)
            printf("{\"feature\":\"%s\",\"weight\":%.6f}\n", name, w);
        p += len + (eol != NULL);
    }
}

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    int bad = fputs(text, f) < 0;
    return fclose(f) || bad ? -1 : 0;
}

int cmd_accounts_fit(int argc, char **argv)
{
    const char *cmd = "accounts fit";
    struct fit_args a;
    memset(&a, 0, sizeof(a));
    vg_network_opts_init(&a.opts);
    a.cost = 1.0;
    int ex = parse_fit_args(argc, argv, &a);
    if (ex)
        return ex < 0 ? 0 : ex;
    cli_log_init(0);
    vg_db *dbs[MAX_WORLDS] = { 0 };
    vg_network *nets[MAX_WORLDS] = { 0 };
    vg_truth *truths[MAX_WORLDS] = { 0 };
    vg_status rc = VG_OK;
    for (size_t i = 0; i < a.n_dbs && !ex; i++) {
        if ((rc = vg_truth_read(a.truths[i], &truths[i]))) {
            fprintf(stderr, "vigie %s: cannot read the truth %s: %s\n", cmd, a.truths[i],
                    vg_strerror(rc));
            ex = EXIT_DATA;
        } else {
            ex = cli_network_open(cmd, a.dbs[i], &a.opts, a.n_seeds ? a.seeds[i] : NULL, NULL,
                                  &dbs[i], &nets[i]);
        }
    }
    char *text = NULL;
    struct vg_fit_summary sum;
    if (!ex && (rc = vg_network_fit(nets, (const vg_truth *const *)truths, a.n_dbs, a.cost, &text,
                                    &sum))) {
        fprintf(stderr, "vigie %s: fitting failed: %s\n", cmd, vg_strerror(rc));
        ex = EXIT_DATA;
    }
    if (!ex && write_file(a.out, text)) {
        fprintf(stderr, "vigie %s: cannot write %s\n", cmd, a.out);
        ex = EXIT_DATA;
    }
    if (!ex) {
        print_weights(text);
        printf("{\"summary\":\"accounts fit\",\"stores\":%zu,\"examples\":%llu,"
               "\"supporters\":%llu,\"cost\":%g,\"out\":",
               a.n_dbs, (unsigned long long)sum.examples, (unsigned long long)sum.positives,
               a.cost);
        cli_print_json_str(a.out);
        printf("}\n");
    }
    vg_free(text);
    for (size_t i = 0; i < a.n_dbs; i++) {
        vg_network_free(nets[i]);
        if (dbs[i])
            vg_db_close(dbs[i]);
        vg_truth_free(truths[i]);
    }
    return ex;
}
