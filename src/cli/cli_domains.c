/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_domains.c: `vigie domains`: per-site statistics of the store (docs/sites.md): for each
 * registrable domain linked from posts, posts and accounts (flagged or not), first and last seen,
 * categories and the lists hit; restricted to flagged posts, to URLs on chosen lists, or to a set
 * of accounts (a network's members), so "the websites backing a network" is one command.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define MAX_LISTS 64

static void domains_help(void)
{
    printf("usage: vigie domains [--db FILE] [--flagged] [--list NAME]... [--accounts FILE]\n"
           "                     [--limit N]\n\n"
           "Per registrable domain (eTLD+1) linked from stored posts, one JSON line each, most\n"
           "posts first:\n"
           "  {\"domain\",\"posts\",\"flagged_posts\",\"accounts\",\"flagged_accounts\",\n"
           "   \"first_seen\",\"last_seen\",\"categories\":[...],\"lists\":[...]}\n"
           "then {\"summary\":\"domains\",\"domains\":N,\"printed\":M}, N the distinct domains.\n"
           "A flagged post is one a classifier flagged (post_scores); a flagged account has at\n"
           "least one flagged post. lists: the lists whose entries (in force or withdrawn) the\n"
           "domain's URLs hit.\n\n"
           "options:\n"
           "  --db FILE        the store (default " DEFAULT_DB ")\n"
           "  --flagged        count flagged posts only\n"
           "  --list NAME      only URLs that hit this list (repeatable)\n"
           "  --accounts FILE  only posts by these accounts (one id a line, '#' comments)\n"
           "  --limit N        print at most N domains (default all)\n"
           "  --help, -h       this help\n");
}

struct id_file {
    char *text;
    char **ids;
    size_t n;
};

/* Read account ids, one a line; 0, or EXIT_DATA after a message. */
static int read_ids(const char *path, struct id_file *f)
{
    memset(f, 0, sizeof(*f));
    FILE *in = fopen(path, "r");
    if (!in) {
        fprintf(stderr, "vigie domains: cannot open %s\n", path);
        return EXIT_DATA;
    }
    char line[4096];
    size_t n_cap = 0;
    while (fgets(line, sizeof(line), in)) {
        size_t l = strcspn(line, "\r\n");
        line[l] = '\0';
        char *s = line;
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s || *s == '#')
            continue;
        if (f->n == n_cap) {
            n_cap = n_cap ? 2 * n_cap : 256;
            char **p = realloc(f->ids, n_cap * sizeof(*p));
            if (!p)
                break;
            f->ids = p;
        }
        f->ids[f->n] = strdup(s);
        if (!f->ids[f->n])
            break;
        f->n++;
    }
    int err = ferror(in);
    fclose(in);
    if (err) {
        fprintf(stderr, "vigie domains: cannot read %s\n", path);
        return EXIT_DATA;
    }
    return 0;
}

static void free_ids(struct id_file *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->ids[i]);
    free(f->ids);
}

static int print_domain(const struct vg_domain_stats *d, void *ud)
{
    char t[21];
    (*(size_t *)ud)++;
    printf("{\"domain\":");
    cli_print_json_str(d->domain);
    printf(",\"posts\":%lld,\"flagged_posts\":%lld,\"accounts\":%lld,\"flagged_accounts\":%lld",
           (long long)d->posts, (long long)d->flagged_posts, (long long)d->accounts,
           (long long)d->flagged_accounts);
    printf(",\"first_seen\":\"%s\"", vg_time_format(d->first_seen, t));
    printf(",\"last_seen\":\"%s\",\"categories\":[", vg_time_format(d->last_seen, t));
    int first = 1;
    for (unsigned bit = 1; bit && bit <= VG_SITE_ARCHIVE; bit <<= 1) {
        if (d->categories & bit) {
            printf("%s\"%s\"", first ? "" : ",", vg_site_category_name(bit));
            first = 0;
        }
    }
    printf("],\"lists\":[");
    for (size_t i = 0; i < d->n_lists; i++) {
        if (i)
            putchar(',');
        cli_print_json_str(d->lists[i]);
    }
    printf("]}\n");
    return 0;
}

/* The lists named by --list (repeatable). */
struct list_names {
    const char *names[MAX_LISTS];
    size_t n;
};

static int add_list_name(const char *cmd, const char *arg, void *dst)
{
    struct list_names *l = dst;
    if (l->n == MAX_LISTS)
        return usage_error(cmd, "at most 64 --list options");
    l->names[l->n++] = arg;
    return 0;
}

int cmd_domains(int argc, char **argv)
{
    const char *db_path = DEFAULT_DB, *accounts_path = NULL;
    struct list_names lists = { .n = 0 };
    struct vg_domain_stats_opts o;
    memset(&o, 0, sizeof(o));
    long limit = 0;
    const struct cli_opt opts[] = {
        { "db", .str = &db_path },
        { "flagged", .flag = &o.flagged_only },
        { "list", .parse = add_list_name, .dst = &lists },
        { "accounts", .str = &accounts_path },
        { "limit", .count = &limit, .max = 100000000 },
    };
    int bad = cli_parse_options("domains", argc, argv, opts, sizeof(opts) / sizeof(opts[0]),
                                domains_help);
    if (bad)
        return bad < 0 ? 0 : bad;
    if (optind < argc)
        return usage_error("domains", "unexpected argument '%s'", argv[optind]);
    cli_log_init(0);
    if (access(db_path, F_OK) != 0) {
        fprintf(stderr, "vigie domains: no store at %s (vigie ingest --db %s creates it)\n",
                db_path, db_path);
        return EXIT_DATA;
    }
    struct id_file ids = { 0 };
    if (accounts_path && read_ids(accounts_path, &ids))
        return EXIT_DATA;
    o.lists = lists.n ? lists.names : NULL;
    o.n_lists = lists.n;
    o.accounts = (const char *const *)ids.ids;
    o.n_accounts = ids.n;
    o.limit = (size_t)limit;
    if (accounts_path && ids.n == 0) {
        /* An empty set of accounts restricts to nothing: say so rather than print everything. */
        fprintf(stderr, "vigie domains: %s lists no account\n", accounts_path);
        free_ids(&ids);
        return EXIT_DATA;
    }
    vg_db *db;
    vg_status rc = vg_db_open(db_path, &db);
    if (rc) {
        fprintf(stderr, "vigie domains: cannot open %s: %s\n", db_path, vg_strerror(rc));
        free_ids(&ids);
        return EXIT_DATA;
    }
    size_t n_domains = 0, printed = 0;
    rc = vg_domain_stats(db, &o, print_domain, &printed, &n_domains);
    if (rc)
        fprintf(stderr, "vigie domains: %s%s%s\n", vg_strerror(rc), *vg_db_errmsg(db) ? ": " : "",
                vg_db_errmsg(db));
    else
        printf("{\"summary\":\"domains\",\"domains\":%zu,\"printed\":%zu}\n", n_domains, printed);
    vg_db_close(db);
    free_ids(&ids);
    return rc ? EXIT_DATA : 0;
}
