/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_bank.c: `vigie bank`: banks of known items (docs/known.md). `add` stores one item, `import`
 * reads ThreatExchange CSV, HMA bank content JSON and TAT hash-list pages (rejects as JSON lines,
 * a summary last), `export` writes the same formats, `list` shows banks (and their items), and
 * `eval-text` measures the near-duplicate text index on the real corpora.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define DEFAULT_DATA "../shared/data"

/* Options every bank subcommand may take; each says which it accepts. */
struct bank_args {
    const char *db_path, *bank, *description, *out;
    const char *type, *value, *label, *source, *ideology, *tco, *tags, *external_id;
    const char *format;
    int items, deleted;
};

enum {
    OPT_DB = 256,
    OPT_BANK,
    OPT_DESCRIPTION,
    OPT_OUT,
    OPT_TYPE,
    OPT_VALUE,
    OPT_LABEL,
    OPT_SOURCE,
    OPT_IDEOLOGY,
    OPT_TCO,
    OPT_TAGS,
    OPT_EXTERNAL_ID,
    OPT_FORMAT,
    OPT_ITEMS,
    OPT_DELETED
};

static const struct option bank_longopts[] = {
    { "db", required_argument, NULL, OPT_DB },
    { "bank", required_argument, NULL, OPT_BANK },
    { "description", required_argument, NULL, OPT_DESCRIPTION },
    { "out", required_argument, NULL, OPT_OUT },
    { "type", required_argument, NULL, OPT_TYPE },
    { "value", required_argument, NULL, OPT_VALUE },
    { "label", required_argument, NULL, OPT_LABEL },
    { "source", required_argument, NULL, OPT_SOURCE },
    { "ideology", required_argument, NULL, OPT_IDEOLOGY },
    { "tco", required_argument, NULL, OPT_TCO },
    { "tags", required_argument, NULL, OPT_TAGS },
    { "external-id", required_argument, NULL, OPT_EXTERNAL_ID },
    { "format", required_argument, NULL, OPT_FORMAT },
    { "items", no_argument, NULL, OPT_ITEMS },
    { "deleted", no_argument, NULL, OPT_DELETED },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

/* Parse options; `allowed` lists the OPT_ values the subcommand takes (0-terminated). 0 to go
 * on, -1 after --help, else a usage exit status. Positional arguments stay from optind on. */
static int parse_bank_args(const char *cmd, int argc, char **argv, const int *allowed,
                           void (*help)(void), struct bank_args *a)
{
    memset(a, 0, sizeof(*a));
    a->db_path = DEFAULT_DB;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", bank_longopts, NULL)) != -1) {
        if (c == 'h') {
            help();
            return -1;
        }
        int ok = 0;
        for (const int *p = allowed; *p; p++)
            ok |= *p == c;
        if (!ok)
            return usage_error(cmd, "unknown or incomplete option '%s' (see --help)",
                               argv[optind - 1]);
        const char **slot[] = {
            [OPT_DB - OPT_DB] = &a->db_path,
            [OPT_BANK - OPT_DB] = &a->bank,
            [OPT_DESCRIPTION - OPT_DB] = &a->description,
            [OPT_OUT - OPT_DB] = &a->out,
            [OPT_TYPE - OPT_DB] = &a->type,
            [OPT_VALUE - OPT_DB] = &a->value,
            [OPT_LABEL - OPT_DB] = &a->label,
            [OPT_SOURCE - OPT_DB] = &a->source,
            [OPT_IDEOLOGY - OPT_DB] = &a->ideology,
            [OPT_TCO - OPT_DB] = &a->tco,
            [OPT_TAGS - OPT_DB] = &a->tags,
            [OPT_EXTERNAL_ID - OPT_DB] = &a->external_id,
            [OPT_FORMAT - OPT_DB] = &a->format,
        };
        if (c == OPT_ITEMS)
            a->items = 1;
        else if (c == OPT_DELETED)
            a->deleted = 1;
        else
            *slot[c - OPT_DB] = optarg;
    }
    return 0;
}

static int open_db(const char *cmd, const char *path, vg_db **db)
{
    cli_log_init(0);
    vg_status rc = vg_db_open(path, db);
    if (rc) {
        fprintf(stderr, "vigie %s: cannot open %s: %s\n", cmd, path, vg_strerror(rc));
        return EXIT_DATA;
    }
    return 0;
}

static int check_bank_name(const char *cmd, const char *bank)
{
    if (!bank)
        return usage_error(cmd, "--bank NAME is required");
    for (const char *p = bank; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '-'))
            return usage_error(cmd, "--bank: names are 1-64 of A-Z a-z 0-9 _ -");
    if (!*bank || strlen(bank) > 64)
        return usage_error(cmd, "--bank: names are 1-64 of A-Z a-z 0-9 _ -");
    return 0;
}

static const char *change_name(enum vg_bank_change c)
{
    static const char *const n[] = { "unchanged", "added", "updated", "deleted" };
    return (unsigned)c < 4 ? n[c] : "unknown";
}

/* ---- add ----------------------------------------------------------------------------------- */

static void add_help(void)
{
    printf("usage: vigie bank add --bank NAME [--db FILE] [--description D]\n"
           "       vigie bank add --bank NAME --type pdq|md5|sha256|text|url --value V [--db "
           "FILE]\n"
           "                      [--label L] [--source S] [--ideology I] [--tco C] [--tags T]\n"
           "                      [--external-id X]\n\n"
           "Create a bank, or add (or update) one item: hashes as hex, a URL (stored in\n"
           "canonical form) or a text (matched as a near-duplicate). Prints one JSON line:\n"
           "  {\"bank\",\"type\",\"value\",\"change\":\"added\"|\"updated\"|\"unchanged\"}\n"
           "A value that is not of its type: exit 1, with the reason.\n");
}

static int bank_add(int argc, char **argv)
{
    const char *cmd = "bank add";
    static const int allowed[] = { OPT_DB,    OPT_BANK,  OPT_DESCRIPTION, OPT_TYPE,
                                   OPT_VALUE, OPT_LABEL, OPT_SOURCE,      OPT_IDEOLOGY,
                                   OPT_TCO,   OPT_TAGS,  OPT_EXTERNAL_ID, 0 };
    struct bank_args a;
    int ex = parse_bank_args(cmd, argc, argv, allowed, add_help, &a);
    if (ex)
        return ex < 0 ? 0 : ex;
    if (optind < argc)
        return usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if ((ex = check_bank_name(cmd, a.bank)))
        return ex;
    enum vg_item_type type = VG_ITEM_TEXT;
    if (a.type && vg_item_type_parse(a.type, &type))
        return usage_error(cmd, "--type takes pdq, md5, sha256, text or url");
    if (!a.type != !a.value)
        return usage_error(cmd, "--type and --value go together");
    vg_db *db;
    if ((ex = open_db(cmd, a.db_path, &db)))
        return ex;
    int created = 0;
    vg_status rc = vg_bank_create(db, a.bank, a.description, &created);
    if (rc) {
        fprintf(stderr, "vigie %s: %s\n", cmd, vg_strerror(rc));
        vg_db_close(db);
        return EXIT_DATA;
    }
    if (!a.type) {
        printf("{\"bank\":");
        cli_print_json_str(a.bank);
        printf(",\"change\":\"%s\"}\n", created ? "added" : "unchanged");
        vg_db_close(db);
        return 0;
    }
    char why[256] = "", *value = NULL;
    if ((rc = vg_bank_item_normalize(type, a.value, &value, why, sizeof(why)))) {
        fprintf(stderr, "vigie %s: --value: %s\n", cmd, rc == VG_EFIELD ? why : vg_strerror(rc));
        vg_db_close(db);
        return EXIT_DATA;
    }
    struct vg_bank_item it = { .bank = a.bank,
                               .type = type,
                               .value = value,
                               .label = a.label,
                               .source = a.source,
                               .ideology = a.ideology,
                               .tco = a.tco,
                               .tags = a.tags,
                               .external_id = a.external_id };
    enum vg_bank_change change;
    if ((rc = vg_bank_put(db, &it, &change))) {
        fprintf(stderr, "vigie %s: %s\n", cmd, vg_strerror(rc));
        ex = EXIT_DATA;
    } else {
        printf("{\"bank\":");
        cli_print_json_str(a.bank);
        printf(",\"type\":\"%s\",\"value\":", vg_item_type_name(type));
        cli_print_json_str(value);
        printf(",\"change\":\"%s\"}\n", change_name(change));
    }
    vg_free(value);
    vg_db_close(db);
    return ex;
}

/* ---- import -------------------------------------------------------------------------------- */

static void import_help(void)
{
    printf("usage: vigie bank import --bank NAME --format FORMAT [--db FILE] FILE...\n\n"
           "Import known items into a bank (created if needed). FORMAT:\n");
    for (int f = 0; f < VG_BANK_FORMAT__COUNT; f++)
        printf("  %-9s %s\n", vg_bank_format_name((enum vg_bank_format)f),
               f == VG_BANK_TE_CSV     ? "ThreatExchange CSV: signal_type,signal_str,collab,"
                                         "category,tags"
               : f == VG_BANK_HMA_JSON ? "HMA bank content JSON: an array, or one object per line"
                                       : "Tech Against Terrorism hash-list page, with checkpoint "
                                         "and deletions");
    printf("\nEach record that cannot be used prints a JSON line\n"
           "  {\"file\",\"line\",\"item\",\"field\",\"reason\"}\n"
           "(line 0 in a JSON array or page: item is the index), then one summary line\n"
           "  {\"summary\":\"bank import\",\"read\",\"added\",\"updated\",\"deleted\","
           "\"unchanged\",\"rejected\",...}\n"
           "with read = added + updated + deleted + unchanged + rejected. TAT pages are applied "
           "in\n"
           "checkpoint order: re-importing a page, or an older one, changes nothing.\n"
           "Exit 0; 1 when a record was rejected or a file could not be read; 2 usage.\n");
}

static void print_reject(const struct vg_bank_reject *r, void *ud)
{
    (void)ud;
    printf("{\"file\":");
    cli_print_json_str(r->file);
    printf(",\"line\":%llu,\"item\":%lld,\"field\":", (unsigned long long)r->line,
           (long long)r->item);
    cli_print_json_str(r->field);
    printf(",\"reason\":");
    cli_print_json_str(r->reason);
    printf("}\n");
}

static int bank_import(int argc, char **argv)
{
    const char *cmd = "bank import";
    static const int allowed[] = { OPT_DB, OPT_BANK, OPT_FORMAT, 0 };
    struct bank_args a;
    int ex = parse_bank_args(cmd, argc, argv, allowed, import_help, &a);
    if (ex)
        return ex < 0 ? 0 : ex;
    if ((ex = check_bank_name(cmd, a.bank)))
        return ex;
    enum vg_bank_format f;
    if (!a.format || vg_bank_format_parse(a.format, &f))
        return usage_error(cmd, "--format takes te-csv, hma-json or tat-json");
    if (optind >= argc)
        return usage_error(cmd, "no input FILE");
    vg_db *db;
    if ((ex = open_db(cmd, a.db_path, &db)))
        return ex;
    struct vg_bank_import_summary sum = { 0 };
    uint64_t files = 0, failed = 0, stale = 0;
    for (int i = optind; i < argc; i++) {
        sum.stale_page = 0;
        vg_status rc = vg_bank_import(db, a.bank, f, argv[i], print_reject, NULL, &sum);
        files++;
        stale += sum.stale_page;
        if (rc) {
            failed++;
            fprintf(stderr, "vigie %s: %s: %s\n", cmd, argv[i],
                    rc == VG_EPARSE ? "not a file of this format" : vg_strerror(rc));
        }
    }
    printf("{\"summary\":\"bank import\",\"bank\":");
    cli_print_json_str(a.bank);
    printf(",\"format\":\"%s\",\"files\":%llu,\"files_failed\":%llu,\"stale_pages\":%llu,"
           "\"read\":%llu,\"added\":%llu,\"updated\":%llu,\"deleted\":%llu,\"unchanged\":%llu,"
           "\"rejected\":%llu}\n",
           vg_bank_format_name(f), (unsigned long long)files, (unsigned long long)failed,
           (unsigned long long)stale, (unsigned long long)sum.read, (unsigned long long)sum.added,
           (unsigned long long)sum.updated, (unsigned long long)sum.deleted,
           (unsigned long long)sum.unchanged, (unsigned long long)sum.rejected);
    vg_db_close(db);
    return failed || sum.rejected ? EXIT_DATA : 0;
}

/* ---- export -------------------------------------------------------------------------------- */

static void export_help(void)
{
    printf("usage: vigie bank export --format FORMAT [--bank NAME] [--db FILE] [--out FILE]\n\n"
           "Write a bank's items (all banks without --bank) as te-csv, hma-json or tat-json to\n"
           "FILE (default: standard output). A TAT page carries PDQ and MD5 items, tombstones\n"
           "included (\"deleted\": true); TE CSV and HMA JSON carry live items only. With --out,\n"
           "a summary line {\"summary\":\"bank export\",\"written\",\"skipped\"} goes to standard\n"
           "output; without it, to standard error.\n");
}

static vg_status write_file(const char *s, size_t len, void *ud)
{
    return fwrite(s, 1, len, ud) == len ? VG_OK : VG_EIO;
}

static int bank_export(int argc, char **argv)
{
    const char *cmd = "bank export";
    static const int allowed[] = { OPT_DB, OPT_BANK, OPT_FORMAT, OPT_OUT, 0 };
    struct bank_args a;
    int ex = parse_bank_args(cmd, argc, argv, allowed, export_help, &a);
    if (ex)
        return ex < 0 ? 0 : ex;
    if (optind < argc)
        return usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (a.bank && (ex = check_bank_name(cmd, a.bank)))
        return ex;
    enum vg_bank_format f;
    if (!a.format || vg_bank_format_parse(a.format, &f))
        return usage_error(cmd, "--format takes te-csv, hma-json or tat-json");
    vg_db *db;
    if ((ex = open_db(cmd, a.db_path, &db)))
        return ex;
    FILE *out = stdout;
    if (a.out && strcmp(a.out, "-") && !(out = fopen(a.out, "wb"))) {
        fprintf(stderr, "vigie %s: cannot write %s\n", cmd, a.out);
        vg_db_close(db);
        return EXIT_DATA;
    }
    uint64_t written = 0, skipped = 0;
    vg_status rc = vg_bank_export(db, a.bank, f, write_file, out, &written, &skipped);
    if (out != stdout && fclose(out) != 0 && !rc)
        rc = VG_EIO;
    if (rc) {
        fprintf(stderr, "vigie %s: %s\n", cmd, vg_strerror(rc));
        ex = EXIT_DATA;
    }
    fprintf(out == stdout ? stderr : stdout,
            "{\"summary\":\"bank export\",\"format\":\"%s\",\"written\":%llu,\"skipped\":%llu}\n",
            vg_bank_format_name(f), (unsigned long long)written, (unsigned long long)skipped);
    vg_db_close(db);
    return ex;
}

/* ---- list ---------------------------------------------------------------------------------- */

static void list_help(void)
{
    printf("usage: vigie bank list [--db FILE] [--bank NAME] [--items [--deleted]]\n\n"
           "One JSON line per bank: {\"bank\",\"description\",\"created\",\"items\",\"deleted\"};\n"
           "with --items, one line per item of the banks listed (tombstones too with --deleted):\n"
           "  "
           "{\"bank\",\"id\",\"type\",\"value\",\"label\",\"source\",\"ideology\",\"tco\",\"tags\","
           "\n"
           "   \"external_id\",\"added\",\"updated\",\"deleted\"}\n"
           "then a summary line.\n");
}

struct list_ctx {
    const char *bank;
    uint64_t banks, items;
};

static void print_time(const char *key, int64_t t)
{
    char buf[21];
    printf(",\"%s\":", key);
    if (t == VG_TIME_UNKNOWN)
        printf("null");
    else
        printf("\"%s\"", vg_time_format(t, buf));
}

static vg_status list_bank(const char *name, const char *description, int64_t created, int64_t live,
                           int64_t deleted, void *ud)
{
    struct list_ctx *l = ud;
    if (l->bank && strcmp(l->bank, name))
        return VG_OK;
    printf("{\"bank\":");
    cli_print_json_str(name);
    printf(",\"description\":");
    if (description)
        cli_print_json_str(description);
    else
        printf("null");
    print_time("created", created);
    printf(",\"items\":%lld,\"deleted\":%lld}\n", (long long)live, (long long)deleted);
    l->banks++;
    return VG_OK;
}

static void print_opt(const char *key, const char *v)
{
    printf(",\"%s\":", key);
    if (v)
        cli_print_json_str(v);
    else
        printf("null");
}

static vg_status list_item(const struct vg_bank_item *it, void *ud)
{
    struct list_ctx *l = ud;
    printf("{\"bank\":");
    cli_print_json_str(it->bank);
    printf(",\"id\":%lld,\"type\":\"%s\"", (long long)it->id, vg_item_type_name(it->type));
    print_opt("value", it->value);
    print_opt("label", it->label);
    print_opt("source", it->source);
    print_opt("ideology", it->ideology);
    print_opt("tco", it->tco);
    print_opt("tags", it->tags);
    print_opt("external_id", it->external_id);
    print_time("added", it->added);
    print_time("updated", it->updated);
    print_time("deleted", it->deleted);
    printf("}\n");
    l->items++;
    return VG_OK;
}

static int bank_list(int argc, char **argv)
{
    const char *cmd = "bank list";
    static const int allowed[] = { OPT_DB, OPT_BANK, OPT_ITEMS, OPT_DELETED, 0 };
    struct bank_args a;
    int ex = parse_bank_args(cmd, argc, argv, allowed, list_help, &a);
    if (ex)
        return ex < 0 ? 0 : ex;
    if (optind < argc)
        return usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (a.deleted && !a.items)
        return usage_error(cmd, "--deleted goes with --items");
    vg_db *db;
    if ((ex = open_db(cmd, a.db_path, &db)))
        return ex;
    struct list_ctx l = { a.bank, 0, 0 };
    vg_status rc = vg_bank_list(db, list_bank, &l);
    if (!rc && a.items)
        rc = vg_bank_scan(db, a.bank, a.deleted, list_item, &l);
    if (rc) {
        fprintf(stderr, "vigie %s: %s\n", cmd, vg_strerror(rc));
        ex = EXIT_DATA;
    }
    printf("{\"summary\":\"bank list\",\"banks\":%llu,\"items\":%llu}\n",
           (unsigned long long)l.banks, (unsigned long long)l.items);
    vg_db_close(db);
    return ex;
}

static void eval_text_help(void)
{
    printf("usage: vigie bank eval-text [--data DIR] [--threshold X] [--dedupe X]\n"
           "                            [--min-chars N] [--seed N]\n\n"
           "Measure near-duplicate text matching on the real corpora under DIR\n"
           "(default " DEFAULT_DATA "): mutations of pro-ISIS tweets against a bank\n"
           "of them, negatives from the other corpora. Prints one JSON object\n"
           "(docs/known.md explains every field).\n");
}

static int bank_eval_text(int argc, char **argv)
{
    const char *cmd = "bank eval-text";
    const char *data = DEFAULT_DATA;
    struct vg_known_eval_opts o;
    vg_known_eval_opts_init(&o);
    long min_chars = (long)o.min_chars, seed = (long)o.seed;
    const struct cli_opt opts[] = {
        { "data", .str = &data },
        { "threshold", .fraction = &o.threshold },
        { "dedupe", .fraction = &o.dedupe },
        { "min-chars", .count = &min_chars, .max = 100000 },
        { "seed", .count = &seed, .max = 0x7fffffffL },
    };
    int bad = cli_parse_options(cmd, argc, argv, opts, sizeof(opts) / sizeof(opts[0]),
                                eval_text_help);
    if (bad)
        return bad < 0 ? 0 : bad;
    o.min_chars = (size_t)min_chars;
    o.seed = (uint64_t)seed;
    if (optind < argc)
        return usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    cli_log_init(0);
    char *json = NULL;
    vg_status rc = vg_known_eval_text(data, &o, &json);
    if (rc) {
        fprintf(stderr, "vigie %s: %s (data under %s)\n", cmd, vg_strerror(rc), data);
        return EXIT_DATA;
    }
    printf("%s\n", json);
    vg_free(json);
    return 0;
}

int cmd_bank(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        printf("usage: vigie bank add|import|export|list|eval-text [options]\n"
               "Run 'vigie bank <sub> --help' for each.\n");
        return argc < 2 ? EXIT_USAGE : 0;
    }
    if (!strcmp(argv[1], "add"))
        return bank_add(argc - 1, argv + 1);
    if (!strcmp(argv[1], "import"))
        return bank_import(argc - 1, argv + 1);
    if (!strcmp(argv[1], "export"))
        return bank_export(argc - 1, argv + 1);
    if (!strcmp(argv[1], "list"))
        return bank_list(argc - 1, argv + 1);
    if (!strcmp(argv[1], "eval-text"))
        return bank_eval_text(argc - 1, argv + 1);
    return usage_error("bank", "unknown subcommand '%s' (add, import, export, list, eval-text)",
                       argv[1]);
}
