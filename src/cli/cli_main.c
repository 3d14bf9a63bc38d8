/* SPDX-License-Identifier: Apache-2.0 */
/* cli_main.c: the `vigie` command: dispatch to subcommands, top-level help. */
#include <stdarg.h>
#include <string.h>

#include "cli.h"

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *doc;
} commands[] = {
    { "ingest", cmd_ingest, "read activity in any supported format into the store" },
    { "convert", cmd_convert, "print the native events of any supported input (no store)" },
    { "stats", cmd_stats, "counts, languages, date range, top hashtags and domains" },
    { "classify", cmd_classify, "score posts: propaganda, TCO categories, threats (no store)" },
    { "explain", cmd_explain, "why a post scores as it does, in readable form" },
    { "train", cmd_train, "train the propaganda classifier on the labelled datasets" },
    { "eval", cmd_eval, "measure a model on the test split (JSON and Markdown report)" },
    { "accounts", cmd_accounts, "score accounts from content and network, with reasons" },
    { "network", cmd_network, "communities, reach and activity of account networks" },
    { "returns", cmd_returns, "link new accounts to the suspended accounts they replace" },
    { "storms", cmd_storms, "hashtag and link storms and coordinated posting" },
    { "serve", cmd_serve, "the HTTP API and web console (docs/server.md)" },
    { "user", cmd_user, "casework accounts: add, list, update" },
    { "token", cmd_token, "API tokens for machines: add, list, revoke" },
    { "audit", cmd_audit, "the audit log: verify the hash chain, list" },
    { "rules", cmd_rules, "rules that turn signals into cases: check, run, backtest" },
    { "cases", cmd_cases, "the review queue: list, show, gag" },
    { "outbox", cmd_outbox, "deliver decided actions: webhook and outbox file" },
    { "sor", cmd_sor, "DSA statements of reasons: export in batches of 100" },
    { "list", cmd_list, "lists of domains and URLs: blocking lists, Mastodon domain blocks" },
    { "domains", cmd_domains, "per-site statistics: posts, accounts, flagged, lists hit" },
    { "pdq", cmd_pdq, "PDQ perceptual hashes of image files (JPEG, PNG, WebP)" },
    { "bank", cmd_bank, "banks of known items: add, import, export, list, eval-text" },
    { "match", cmd_match, "match a text, a hash, a URL or stored posts against the banks" },
    { "order", cmd_order, "TCO removal orders: add, act, Annex II/III, scrutiny, stats" },
    { "evidence", cmd_evidence, "the evidence vault: list, access, extend, expire" },
    { "report", cmd_report, "transparency reports: TCO Art 7 (tco), DSA counters (dsa)" },
    { "dashboard", cmd_dashboard, "monitoring dashboard series (JSON)" },
    { "sim", cmd_sim, "generate a world with planted ground truth (events + truth.json)" },
    { "version", cmd_version, "print version information as JSON" },
};

static void print_help(FILE *f)
{
    fprintf(f, "usage: vigie <command> [options]\n\n"
               "Finds and disrupts violent-extremist propaganda networks in a platform's "
               "activity.\n\ncommands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].doc);
    fprintf(f, "\nRun 'vigie <command> --help' for a command's options. Docs: docs/cli.md.\n");
}

int usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "vigie%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    return EXIT_USAGE;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_help(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        print_help(stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version"))
        return cmd_version(argc - 1, argv + 1);
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (!strcmp(cmd, commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    usage_error(NULL, "unknown command '%s'", cmd);
    print_help(stderr);
    return EXIT_USAGE;
}
