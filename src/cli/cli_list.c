/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_list.c: `vigie list`: lists of domains, URL prefixes and patterns in the store
 * (docs/sites.md): create, add, remove, import, export, show, log and check. Output is JSON
 * lines; commands that change or read many entries end with a summary line.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

struct list_args {
    const char *db_path, *scope, *description, *actor, *note, *source, *jur, *out_path;
    enum vg_list_format format;
    int replace, all;
    int64_t at, added;
    const char *lists[64];
    size_t n_lists;
    char **rest; /* positional arguments after the subcommand */
    int n_rest;
};

static void list_help(void)
{
    printf("usage: vigie list create NAME [--scope global|CODE] [--description TEXT]\n"
           "       vigie list add NAME VALUE... [--note TEXT] [--added T] [--source S]\n"
           "       vigie list remove NAME VALUE... [--at T]\n"
           "       vigie list import NAME FILE [--format plain|mastodon] [--replace]\n"
           "       vigie list export NAME [--format plain|mastodon] [--all] [--out FILE]\n"
           "       vigie list show [NAME] [--all]\n"
           "       vigie list log [NAME]\n"
           "       vigie list check URL... [--list NAME]... [--at T] [--jurisdiction CODE]\n"
           "  (every form takes --db FILE, default " DEFAULT_DB ", and --actor WHO)\n\n"
           "Lists of sites: a VALUE is a domain (it covers its subdomains), an http(s) URL (a\n"
           "URL prefix) or re:PATTERN (a regular expression over canonical URLs). A list's\n"
           "scope is global or a jurisdiction code (FR). Entries keep the dates they applied\n"
           "from and until; every change is logged with its actor (default: the OS user).\n"
           "Plain files: one VALUE a line, '#' comments, optional added=, withdrawn=, source=,\n"
           "note= fields. Mastodon: the admin domain-block CSV (#domain,#severity,...).\n"
           "import prints each rejected line as {\"file\",\"line\",\"field\",\"reason\"} then\n"
           "{\"summary\":\"list import\",\"read\",\"added\",\"updated\",\"unchanged\",\n"
           "\"duplicates\",\"rejected\",\"deleted\"}; --replace withdraws the entries the file\n"
           "no longer has (deleted). check prints one line per URL with its hits.\n\n"
           "options:\n"
           "  --db FILE            the store\n"
           "  --actor WHO          who makes the change, for the log\n"
           "  --scope S            create: global (default) or a jurisdiction code\n"
           "  --description TEXT   create: what the list is\n"
           "  --note TEXT          add: a note on the entries\n"
           "  --source S           add, import: where the entries come from\n"
           "  --added T            add: in force from instant T (default now)\n"
           "  --at T               remove: withdrawn at T; check: entries in force at T (default\n"
           "                       now for both)\n"
           "  --format F           import, export: plain (default) or mastodon\n"
           "  --replace            import: withdraw entries the file no longer has\n"
           "  --all                export, show: withdrawn entries too, with their dates\n"
           "  --out FILE           export: write there instead of stdout\n"
           "  --list NAME          check: only this list (repeatable; default all)\n"
           "  --jurisdiction CODE  check: global lists and lists of this scope only\n"
           "  --help, -h           this help\n");
}

/* --format F: plain or mastodon. */
static int parse_list_format(const char *cmd, const char *arg, void *dst)
{
    if (vg_list_format_parse(arg, dst))
        return usage_error(cmd, "--format takes plain or mastodon");
    return 0;
}

/* --list NAME, repeatable. */
static int add_list_name(const char *cmd, const char *arg, void *dst)
{
    struct list_args *a = dst;
    if (a->n_lists == sizeof(a->lists) / sizeof(a->lists[0]))
        return usage_error(cmd, "at most 64 --list options");
    a->lists[a->n_lists++] = arg;
    return 0;
}

static int parse_list_args(const char *cmd, int argc, char **argv, struct list_args *a)
{
    memset(a, 0, sizeof(*a));
    a->db_path = DEFAULT_DB;
    a->at = a->added = VG_TIME_UNKNOWN;
    const struct cli_opt opts[] = {
        { "db", .str = &a->db_path },
        { "scope", .str = &a->scope },
        { "description", .str = &a->description },
        { "actor", .str = &a->actor },
        { "note", .str = &a->note },
        { "source", .str = &a->source },
        { "added", .time = &a->added },
        { "at", .time = &a->at },
        { "format", .parse = parse_list_format, .dst = &a->format },
        { "replace", .flag = &a->replace },
        { "all", .flag = &a->all },
        { "out", .str = &a->out_path },
        { "list", .parse = add_list_name, .dst = a },
        { "jurisdiction", .str = &a->jur },
    };
    int rc = cli_parse_options(cmd, argc, argv, opts, sizeof(opts) / sizeof(opts[0]), list_help);
    if (rc)
        return rc;
    a->rest = argv + optind;
    a->n_rest = argc - optind;
    return 0;
}

static void print_kv_str(const char *key, const char *v, int first)
{
    printf("%s\"%s\":", first ? "" : ",", key);
    if (v)
        cli_print_json_str(v);
    else
        fputs("null", stdout);
}

static void print_time(const char *key, int64_t t)
{
    char buf[21];
    if (t == VG_TIME_UNKNOWN)
        printf(",\"%s\":null", key);
    else
        printf(",\"%s\":\"%s\"", key, vg_time_format(t, buf));
}

/* ---- create --------------------------------------------------------------------------------- */

static int list_create(const char *cmd, vg_db *db, const struct list_args *a)
{
    if (a->n_rest != 1)
        return usage_error(cmd, "create takes one NAME");
    int created = 0;
    vg_status rc = vg_list_create(db, a->rest[0], a->scope ? a->scope : "global", a->description,
                                  a->actor, &created);
    if (rc == VG_EINVAL)
        return usage_error(cmd, "a list name is 1-64 letters, digits, '-', '_' or '.'; a scope "
                                "is global or a code of 2-8 capital letters, digits or '-'");
    if (rc) {
        fprintf(stderr, "vigie %s: %s: %s\n", cmd, vg_strerror(rc), vg_db_errmsg(db));
        return EXIT_DATA;
    }
    printf("{");
    print_kv_str("list", a->rest[0], 1);
    print_kv_str("scope", a->scope ? a->scope : "global", 0);
    printf(",\"created\":%s}\n", created ? "true" : "false");
    return 0;
}

/* ---- add and remove ------------------------------------------------------------------------- */

static void print_reject_value(const char *value, const char *reason)
{
    printf("{");
    print_kv_str("value", value, 1);
    print_kv_str("field", "value", 0);
    print_kv_str("reason", reason, 0);
    printf("}\n");
}

static int list_add_remove(const char *cmd, vg_db *db, const struct list_args *a, int remove)
{
    if (a->n_rest < 2)
        return usage_error(cmd, "%s takes a list NAME and at least one VALUE",
                           remove ? "remove" : "add");
    const char *list = a->rest[0];
    unsigned long long n[4] = { 0 }; /* added/removed, updated, unchanged/absent, rejected */
    for (int i = 1; i < a->n_rest; i++) {
        enum vg_list_kind kind;
        char *value = NULL;
        const char *why = NULL;
        vg_status rc = vg_list_entry_normalize(a->rest[i], strlen(a->rest[i]), &kind, &value, &why);
        if (rc) {
            print_reject_value(a->rest[i], why);
            n[3]++;
            continue;
        }
        const char *result;
        if (remove) {
            int found = 0;
            rc = vg_list_entry_withdraw(db, list, kind, value, a->at, a->actor, &found);
            result = found ? "withdrawn" : "absent";
            n[found ? 0 : 2]++;
        } else {
            struct vg_list_entry e = { .list = list,
                                       .kind = kind,
                                       .value = value,
                                       .added = a->added,
                                       .withdrawn = VG_TIME_UNKNOWN,
                                       .source = a->source ? a->source : "cli",
                                       .note = a->note };
            enum vg_put_result res = VG_PUT_NEW;
            rc = vg_list_entry_put(db, &e, a->actor, &res);
            result = res == VG_PUT_NEW ? "added" : res == VG_PUT_UPDATED ? "updated" : "unchanged";
            n[res == VG_PUT_NEW ? 0 : res == VG_PUT_UPDATED ? 1 : 2]++;
        }
        if (rc) {
            fprintf(stderr, "vigie %s: %s: %s\n", cmd, vg_strerror(rc),
                    rc == VG_ENOENT ? "no such list (vigie list create)" : vg_db_errmsg(db));
            vg_free(value);
            return EXIT_DATA;
        }
        printf("{");
        print_kv_str("list", list, 1);
        print_kv_str("kind", vg_list_kind_name(kind), 0);
        print_kv_str("value", value, 0);
        print_kv_str("result", result, 0);
        printf("}\n");
        vg_free(value);
    }
    if (remove)
        printf("{\"summary\":\"list remove\",\"read\":%d,\"withdrawn\":%llu,\"absent\":%llu,"
               "\"rejected\":%llu}\n",
               a->n_rest - 1, n[0], n[2], n[3]);
    else
        printf("{\"summary\":\"list add\",\"read\":%d,\"added\":%llu,\"updated\":%llu,"
               "\"unchanged\":%llu,\"rejected\":%llu}\n",
               a->n_rest - 1, n[0], n[1], n[2], n[3]);
    return n[3] ? EXIT_DATA : 0;
}

/* ---- import and export ---------------------------------------------------------------------- */

static void print_list_reject(const struct vg_list_reject *r, void *ud)
{
    (void)ud;
    printf("{");
    print_kv_str("file", r->file, 1);
    printf(",\"line\":%llu", (unsigned long long)r->line);
    print_kv_str("field", r->field, 0);
    print_kv_str("reason", r->reason, 0);
    printf("}\n");
}

static int list_import(const char *cmd, vg_db *db, const struct list_args *a)
{
    if (a->n_rest != 2)
        return usage_error(cmd, "import takes a list NAME and a FILE ('-': stdin)");
    struct vg_list_import_opts o = { a->format, a->replace,        a->actor,
                                     a->source, print_list_reject, NULL };
    struct vg_list_import_summary s;
    vg_status rc = vg_list_import(db, a->rest[0], a->rest[1], &o, &s);
    printf("{\"summary\":\"list import\",\"file\":");
    cli_print_json_str(a->rest[1]);
    printf(",\"read\":%llu,\"added\":%llu,\"updated\":%llu,\"unchanged\":%llu,\"duplicates\":%llu,"
           "\"rejected\":%llu,\"deleted\":%llu",
           (unsigned long long)s.read, (unsigned long long)s.added, (unsigned long long)s.updated,
           (unsigned long long)s.unchanged, (unsigned long long)s.duplicates,
           (unsigned long long)s.rejected, (unsigned long long)s.deleted);
    if (rc) {
        printf(",\"error\":");
        cli_print_json_str(vg_strerror(rc));
    }
    printf("}\n");
    if (rc)
        fprintf(stderr, "vigie %s: %s: %s\n", cmd, a->rest[1], vg_strerror(rc));
    return rc || s.rejected ? EXIT_DATA : 0;
}

static int list_export(const char *cmd, vg_db *db, const struct list_args *a)
{
    if (a->n_rest != 1)
        return usage_error(cmd, "export takes one list NAME");
    char *text = NULL;
    size_t len = 0;
    vg_status rc = vg_list_export(db, a->rest[0], a->format, a->all, &text, &len);
    if (rc) {
        fprintf(stderr, "vigie %s: %s: %s\n", cmd, a->rest[0], vg_strerror(rc));
        return EXIT_DATA;
    }
    FILE *f = a->out_path ? fopen(a->out_path, "w") : stdout;
    int ok = f && fwrite(text, 1, len, f) == len;
    if (f && f != stdout)
        ok &= fclose(f) == 0;
    vg_free(text);
    if (!ok) {
        fprintf(stderr, "vigie %s: cannot write %s\n", cmd, a->out_path ? a->out_path : "stdout");
        return EXIT_DATA;
    }
    return 0;
}

/* ---- show and log --------------------------------------------------------------------------- */

static int show_info(const struct vg_list_info *i, void *ud)
{
    char t[21];
    (void)ud;
    printf("{");
    print_kv_str("list", i->name, 1);
    print_kv_str("scope", i->scope, 0);
    print_kv_str("description", i->description, 0);
    printf(",\"created_at\":\"%s\",\"in_force\":%lld,\"withdrawn\":%lld}\n",
           vg_time_format(i->created_at, t), (long long)i->n_active, (long long)i->n_withdrawn);
    return 0;
}

static int show_entry(const struct vg_list_entry *e, void *ud)
{
    (*(unsigned long long *)ud)++;
    printf("{");
    print_kv_str("list", e->list, 1);
    print_kv_str("kind", vg_list_kind_name(e->kind), 0);
    print_kv_str("value", e->value, 0);
    print_time("added", e->added);
    print_time("withdrawn", e->withdrawn);
    print_kv_str("source", e->source, 0);
    print_kv_str("note", e->note, 0);
    if (e->severity) {
        print_kv_str("severity", e->severity, 0);
        printf(",\"reject_media\":%s,\"reject_reports\":%s,\"obfuscate\":%s",
               e->reject_media ? "true" : "false", e->reject_reports ? "true" : "false",
               e->obfuscate ? "true" : "false");
    }
    printf("}\n");
    return 0;
}

static int list_show(const char *cmd, vg_db *db, const struct list_args *a)
{
    if (a->n_rest > 1)
        return usage_error(cmd, "show takes at most one list NAME");
    vg_status rc;
    if (a->n_rest == 0) {
        rc = vg_list_each(db, show_info, NULL);
    } else {
        unsigned long long n = 0;
        rc = vg_list_entries(db, a->rest[0], a->all, show_entry, &n);
        if (!rc)
            printf("{\"summary\":\"list show\",\"entries\":%llu}\n", n);
    }
    if (rc) {
        fprintf(stderr, "vigie %s: %s\n", cmd, rc == VG_ENOENT ? "no such list" : vg_strerror(rc));
        return EXIT_DATA;
    }
    return 0;
}

static int show_change(const struct vg_list_change *c, void *ud)
{
    char t[21];
    (void)ud;
    printf("{\"at\":\"%s\"", vg_time_format(c->at, t));
    print_kv_str("actor", c->actor, 0);
    print_kv_str("list", c->list, 0);
    print_kv_str("action", c->action, 0);
    printf(",\"before\":%s,\"after\":%s}\n", c->before ? c->before : "null",
           c->after ? c->after : "null");
    return 0;
}

static int list_log(const char *cmd, vg_db *db, const struct list_args *a)
{
    if (a->n_rest > 1)
        return usage_error(cmd, "log takes at most one list NAME");
    vg_status rc = vg_list_changes(db, a->n_rest ? a->rest[0] : NULL, show_change, NULL);
    if (rc) {
        fprintf(stderr, "vigie %s: %s\n", cmd, vg_strerror(rc));
        return EXIT_DATA;
    }
    return 0;
}

/* ---- check ---------------------------------------------------------------------------------- */

static int print_hit(const struct vg_site_hit *h, void *ud)
{
    int *first = ud;
    printf("%s{", *first ? "" : ",");
    *first = 0;
    print_kv_str("list", h->list, 1);
    print_kv_str("scope", h->scope, 0);
    print_kv_str("kind", vg_list_kind_name(h->kind), 0);
    print_kv_str("value", h->value, 0);
    print_time("added", h->added);
    print_time("withdrawn", h->withdrawn);
    printf("}");
    return 0;
}

static int list_check(const char *cmd, vg_db *db, const struct list_args *a)
{
    if (a->n_rest < 1)
        return usage_error(cmd, "check takes at least one URL");
    vg_site_matcher *m = NULL;
    /* Entries in force now unless --at says when. */
    int64_t at = a->at == VG_TIME_UNKNOWN ? (int64_t)time(NULL) : a->at;
    vg_status rc = vg_site_matcher_load(db, a->lists, a->n_lists, &m);
    if (rc) {
        fprintf(stderr, "vigie %s: cannot load the lists: %s\n", cmd, vg_strerror(rc));
        return EXIT_DATA;
    }
    unsigned long long hit_urls = 0, bad = 0;
    for (int i = 0; i < a->n_rest; i++) {
        char *canon = NULL;
        struct vg_url_site site;
        printf("{");
        print_kv_str("url", a->rest[i], 1);
        if (vg_url_canonicalize(a->rest[i], strlen(a->rest[i]), &canon) ||
            vg_url_site(canon, strlen(canon), &site)) {
            print_kv_str("error", "not an http(s) URL", 0);
            printf("}\n");
            bad++;
            vg_free(canon);
            continue;
        }
        print_kv_str("canonical", canon, 0);
        print_kv_str("domain", site.registrable, 0);
        printf(",\"categories\":[");
        int first = 1;
        for (unsigned bit = 1; bit && bit <= VG_SITE_ARCHIVE; bit <<= 1) {
            if (site.categories & bit) {
                printf("%s\"%s\"", first ? "" : ",", vg_site_category_name(bit));
                first = 0;
            }
        }
        printf("],\"hits\":[");
        first = 1;
        size_t n = 0;
        rc = vg_site_matcher_check(m, canon, strlen(canon), at, a->jur, print_hit, &first, &n);
        printf("]}\n");
        hit_urls += n > 0;
        vg_free(canon);
    }
    printf("{\"summary\":\"list "
           "check\",\"urls\":%d,\"hit\":%llu,\"invalid\":%llu,\"entries\":%zu}\n",
           a->n_rest, hit_urls, bad, vg_site_matcher_size(m));
    vg_site_matcher_free(m);
    return bad ? EXIT_DATA : 0;
}

int cmd_list(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        if (argc < 2) {
            usage_error("list", "which one: create, add, remove, import, export, show, log, "
                                "check (see --help)");
            return EXIT_USAGE;
        }
        list_help();
        return 0;
    }
    static const char *const subs[] = { "create", "add",  "remove", "import",
                                        "export", "show", "log",    "check" };
    size_t k = 0;
    while (k < sizeof(subs) / sizeof(subs[0]) && strcmp(argv[1], subs[k]))
        k++;
    if (k == sizeof(subs) / sizeof(subs[0]))
        return usage_error("list", "unknown subcommand '%s' (see --help)", argv[1]);
    char cmd[32];
    snprintf(cmd, sizeof(cmd), "list %s", subs[k]);
    struct list_args a;
    int r = parse_list_args(cmd, argc - 1, argv + 1, &a);
    if (r)
        return r < 0 ? 0 : r;
    cli_log_init(0);
    int reads_only = k >= 4; /* export, show, log, check */
    if (reads_only && access(a.db_path, F_OK) != 0) {
        fprintf(stderr, "vigie %s: no store at %s\n", cmd, a.db_path);
        return EXIT_DATA;
    }
    vg_db *db;
    vg_status rc = vg_db_open(a.db_path, &db);
    if (rc) {
        fprintf(stderr, "vigie %s: cannot open %s: %s\n", cmd, a.db_path, vg_strerror(rc));
        return EXIT_DATA;
    }
    switch (k) {
        case 0:
            r = list_create(cmd, db, &a);
            break;
        case 1:
        case 2:
            r = list_add_remove(cmd, db, &a, k == 2);
            break;
        case 3:
            r = list_import(cmd, db, &a);
            break;
        case 4:
            r = list_export(cmd, db, &a);
            break;
        case 5:
            r = list_show(cmd, db, &a);
            break;
        case 6:
            r = list_log(cmd, db, &a);
            break;
        default:
            r = list_check(cmd, db, &a);
            break;
    }
    vg_db_close(db);
    return r;
}
