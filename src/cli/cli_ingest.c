/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_ingest.c: `vigie ingest` and `vigie convert`. Both read inputs in any supported format;
 * ingest stores the events, convert prints them as native JSON lines. Per input a JSON line
 * reports what happened; the last line is the summary (read = accepted + duplicates + rejected).
 * `ingest --storms` and `--returns` run live detectors on the events as they are stored
 * (cli_ingest_live.c); `ingest --media-dir` hashes the media files new posts name.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

struct ingest_args {
    const char *db_path;
    const char *rejects_path;
    const char *out_path;
    const char *model_path;
    const char *rules_path; /* --rules (with --returns or --storms) */
    struct vg_ingest_opts opts;
    int quiet;
    int verbose;
    int storms, returns;
    long track_hours; /* --track-hours (with --returns) */
    char **inputs;
    int n_inputs;
};

static void print_formats(FILE *f)
{
    fprintf(f, "formats:\n");
#define VG__FORMAT_HELP(name, text, doc) fprintf(f, "  %-12s %s\n", text, doc);
    VG_FORMAT_MAP(VG__FORMAT_HELP)
#undef VG__FORMAT_HELP
}

static void ingest_help(FILE *f, int convert)
{
    if (convert)
        fprintf(f, "usage: vigie convert [--format F] [--owner ID [--friends]] [--rejects FILE]\n"
                   "                     [--out FILE] [--quiet] INPUT...\n\n"
                   "Print the native events (docs/events.md) of each input as JSON lines, storing\n"
                   "nothing. Events go to stdout (or --out FILE); the summary goes last to stdout\n"
                   "with --out, else to stderr, so stdout stays a pure event stream.\n\n");
    else
        fprintf(f,
                "usage: vigie ingest [--db FILE] [--format F] [--owner ID [--friends]]\n"
                "                    [--model MODEL] [--storms] [--returns [--track-hours H]]\n"
                "                    [--rules FILE] [--rejects FILE] [--media-dir DIR] [--quiet]\n"
                "                    [--verbose] INPUT...\n\n"
                "Read every record of each INPUT ('-' is stdin; gzip is detected) and store its\n"
                "events. Prints a JSON line per input, then the summary:\n"
                "  {\"read\":N,\"accepted\":N,\"duplicates\":N,\"rejected\":N,\"by_type\":{...}}\n"
                "(with --media-dir, also \"media\":{\"hashed\":N,\"errors\":N}; with --storms,\n"
                "--returns and --rules, also \"storms\", \"returns\" and "
                "\"rules\":{...,\"queued\":N}).\n"
                "Exit status: 0 all records stored, 1 some rejected, a media file in error or\n"
                "an input unreadable, 2 usage error.\n\n");
    fprintf(f,
            "options:\n"
            "  --db FILE       SQLite store (default %s)%s\n"
            "  --format F      input format (default auto: detected per input)\n"
            "  --owner ID      the account whose follower ids a twitter-ids page lists\n"
            "  --friends       the ids are accounts the owner follows (not its followers)\n"
            "  --rejects FILE  write each rejected record as a JSON line to FILE\n"
            "  --model MODEL   (ingest) score each new post and store the score (default:\n"
            "                  $VIGIE_MODEL when set, else no scoring)\n"
            "  --storms        (ingest) run the storm detector on the new posts as they are\n"
            "                  stored and print its alerts as JSON lines (docs/storms.md)\n"
            "  --returns       (ingest) link new accounts to the suspended accounts they\n"
            "                  replace as their events are stored; print and store each link\n"
            "                  (the store is replayed first; docs/returns.md)\n"
            "  --track-hours H (ingest, with --returns) match a new account for H hours from\n"
            "                  its first action, then forget it (default 24; 0: never)\n"
            "  --rules FILE    (ingest, with --returns or --storms) apply the account rules of\n"
            "                  FILE (\"target\":\"account\", as `vigie rules run --rules FILE`;\n"
            "                  e.g. rules/default.json) to each account a new link or alert\n"
            "                  names, as it is made: each case opened prints as a line\n"
            "                  "
            "{\"queued\":{\"case\",\"account\",\"rule\",\"lane\",\"trigger\",\"at\"}}\n"
            "                  and the summary counts them (\"rules\":{...,\"queued\":N}). Post\n"
            "                  and account-score rules wait for `vigie rules run`, which opens\n"
            "                  no second case for an account (docs/cases.md)\n"
            "  --media-dir DIR (ingest) hash the media files new posts name (a media object's\n"
            "                  \"file\", else its \"id\", under DIR) when the event gives no\n"
            "                  hash: PDQ, MD5, SHA-256 (docs/events.md#media-hashes)\n"
            "  --out FILE      (convert) write events to FILE\n"
            "  --quiet, -q     no progress and no per-input lines; only the summary\n"
            "  --verbose, -v   log more\n"
            "  --help, -h      this help\n\n",
            DEFAULT_DB, convert ? " (ignored by convert)" : "");
    print_formats(f);
}

static int parse_args(int argc, char **argv, int convert, struct ingest_args *a)
{
    const char *cmd = convert ? "convert" : "ingest";
    static const struct option longopts[] = {
        { "db", required_argument, NULL, 'd' },
        { "format", required_argument, NULL, 'f' },
        { "owner", required_argument, NULL, 'o' },
        { "friends", no_argument, NULL, 'F' },
        { "rejects", required_argument, NULL, 'r' },
        { "out", required_argument, NULL, 'O' },
        { "quiet", no_argument, NULL, 'q' },
        { "verbose", no_argument, NULL, 'v' },
        { "model", required_argument, NULL, 'm' },
        { "storms", no_argument, NULL, 'S' },
        { "returns", no_argument, NULL, 'R' },
        { "media-dir", required_argument, NULL, 'M' },
        { "track-hours", required_argument, NULL, 'H' },
        { "rules", required_argument, NULL, 'U' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    memset(a, 0, sizeof(*a));
    a->db_path = DEFAULT_DB;
    a->track_hours = -1;
    const char *env_model = getenv("VIGIE_MODEL");
    a->model_path = env_model && *env_model ? env_model : NULL;
    vg_ingest_opts_init(&a->opts);
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "qvh", longopts, NULL)) != -1) {
        switch (c) {
            case 'd':
                a->db_path = optarg;
                break;
            case 'f':
                if (vg_format_parse(optarg, &a->opts.format) != VG_OK) {
                    usage_error(cmd, "unknown format '%s'", optarg);
                    print_formats(stderr);
                    return EXIT_USAGE;
                }
                break;
            case 'o':
                a->opts.owner = optarg;
                break;
            case 'F':
                a->opts.owner_is_friends = 1;
                break;
            case 'r':
                a->rejects_path = optarg;
                break;
            case 'O':
                a->out_path = optarg;
                break;
            case 'm':
                a->model_path = optarg;
                break;
            case 'S':
                a->storms = 1;
                break;
            case 'R':
                a->returns = 1;
                break;
            case 'M':
                a->opts.media_dir = optarg;
                break;
            case 'U':
                a->rules_path = optarg;
                break;
            case 'H':
                if (cli_parse_count(cmd, "--track-hours", optarg, 87600, &a->track_hours))
                    return EXIT_USAGE;
                break;
            case 'q':
                a->quiet = 1;
                break;
            case 'v':
                a->verbose = 1;
                break;
            case 'h':
                ingest_help(stdout, convert);
                return -1;
            default:
                return usage_error(cmd, "unknown or incomplete option '%s' (see --help)",
                                   argv[optind - 1]);
        }
    }
    a->inputs = argv + optind;
    a->n_inputs = argc - optind;
    if (a->track_hours >= 0 && !a->returns)
        return usage_error(cmd, "--track-hours goes with --returns");
    if (a->track_hours < 0)
        a->track_hours = 24; /* the early window's 24 hours (docs/returns.md) */
    if (convert && (a->storms || a->returns))
        return usage_error(cmd, "--storms and --returns need a store: use vigie ingest");
    if (convert && a->rules_path)
        return usage_error(cmd, "--rules opens cases in a store: use vigie ingest");
    if (a->rules_path && !a->storms && !a->returns)
        return usage_error(cmd,
                           "--rules goes with --returns or --storms (the accounts their "
                           "links and alerts name); `vigie rules run` applies rules to a store");
    if (convert && a->opts.media_dir)
        return usage_error(cmd, "--media-dir hashes the media of stored posts: use vigie ingest");
    struct stat st;
    if (a->opts.media_dir && (stat(a->opts.media_dir, &st) != 0 || !S_ISDIR(st.st_mode)))
        return usage_error(cmd, "--media-dir %s: not a readable folder", a->opts.media_dir);
    if (a->n_inputs == 0)
        return usage_error(cmd, "no INPUT given ('-' reads stdin; see --help)");
    return 0;
}

struct reject_sink {
    FILE *f;
};

static void on_reject(const struct vg_reject *r, void *ud)
{
    struct reject_sink *k = ud;
    if (k->f)
        cli_write_reject(k->f, r);
}

/* Per-input callbacks share one userdata: progress state, the rejects file, live detectors. */
struct run_ctx {
    struct cli_progress progress;
    struct reject_sink rejects;
    struct cli_live live;
};

static void run_reject(const struct vg_reject *r, void *ud)
{
    on_reject(r, &((struct run_ctx *)ud)->rejects);
}

static void run_progress(const struct vg_progress *p, void *ud)
{
    cli_progress_update(p, &((struct run_ctx *)ud)->progress);
}

static vg_status run_new_event(const struct vg_event *ev, void *ud)
{
    return cli_live_feed(ev, &((struct run_ctx *)ud)->live);
}

static void print_input_line(FILE *f, const char *path, const struct vg_ingest_summary *before,
                             const struct vg_ingest_summary *after, vg_status rc)
{
    fprintf(f, "{\"input\":\"");
    for (const char *p = path; *p; p++) {
        if (*p == '"' || *p == '\\')
            fputc('\\', f);
        if ((unsigned char)*p >= 0x20)
            fputc(*p, f);
    }
    fprintf(f,
            "\",\"read\":%llu,\"accepted\":%llu,\"duplicates\":%llu,\"rejected\":%llu,"
            "\"status\":\"%s\"",
            (unsigned long long)(after->read - before->read),
            (unsigned long long)(after->accepted - before->accepted),
            (unsigned long long)(after->duplicates - before->duplicates),
            (unsigned long long)(after->rejected - before->rejected), rc ? vg_errname(rc) : "OK");
    if (rc)
        fprintf(f, ",\"error\":\"%s\"", vg_strerror(rc));
    fprintf(f, "}\n");
}

/* The library's summary object; with live detectors, their counts before its closing brace, and
 * with --media-dir the media counts. */
static void print_summary(FILE *f, const struct vg_ingest_summary *sum, const struct cli_live *live,
                          int media)
{
    char *json = NULL;
    if (vg_ingest_summary_json(sum, &json) == VG_OK) {
        size_t len = strlen(json);
        if (len && json[len - 1] == '}') {
            fprintf(f, "%.*s", (int)(len - 1), json);
            if (media)
                fprintf(f, ",\"media\":{\"hashed\":%llu,\"errors\":%llu}",
                        (unsigned long long)sum->media_hashed,
                        (unsigned long long)sum->media_errors);
            cli_live_summary(f, live);
            fprintf(f, "}\n");
        } else {
            fprintf(f, "%s\n", json);
        }
    }
    vg_free(json);
    fflush(f);
}

/* A failure that makes further inputs pointless (the store is unusable). */
static int fatal(vg_status rc)
{
    return rc == VG_EFULL || rc == VG_EBUSY || rc == VG_EDB || rc == VG_ENOMEM;
}

static void on_event_print(const struct vg_event *ev, void *ud)
{
    char *json = NULL;
    if (vg_event_to_json(ev, &json) == VG_OK)
        fprintf((FILE *)ud, "%s\n", json);
    vg_free(json);
}

static int run(struct ingest_args *a, int convert)
{
    struct run_ctx ctx;
    memset(&ctx, 0, sizeof(ctx));
    cli_log_init(a->verbose);
    int exit_code = 0;
    vg_db *db = NULL;
    vg_rules *rules = NULL;
    FILE *out = stdout;
    if (a->rules_path) {
        char err[512];
        if (vg_rules_read(a->rules_path, &rules, err, sizeof(err))) {
            fprintf(stderr, "vigie ingest: %s\n", err);
            return EXIT_DATA;
        }
    }
    if (a->rejects_path && !(ctx.rejects.f = fopen(a->rejects_path, "w"))) {
        fprintf(stderr, "vigie: cannot write rejects file %s\n", a->rejects_path);
        vg_rules_free(rules);
        return EXIT_DATA;
    }
    if (convert && a->out_path && !(out = fopen(a->out_path, "w"))) {
        fprintf(stderr, "vigie: cannot write %s\n", a->out_path);
        exit_code = EXIT_DATA;
        goto done;
    }
    if (!convert && a->model_path &&
        !(a->opts.classifier = cli_open_model("ingest", a->model_path))) {
        exit_code = EXIT_DATA;
        goto done;
    }
    if (!convert) {
        vg_status rc = vg_db_open(a->db_path, &db);
        if (rc) {
            /* The library logged the reason; say what it means for this run. */
            fprintf(stderr, "vigie: cannot use the store %s (%s); nothing was read\n", a->db_path,
                    vg_strerror(rc));
            exit_code = EXIT_DATA;
            goto done;
        }
    }
    a->opts.on_reject = run_reject;
    a->opts.on_progress = run_progress;
    a->opts.ud = &ctx;
    if ((a->storms || a->returns) &&
        (exit_code = cli_live_open(&ctx.live, db, stdout, a->storms, a->returns,
                                   (int64_t)a->track_hours * 3600, rules)))
        goto done;
    if (cli_live_on(&ctx.live))
        a->opts.on_new_event = run_new_event;
    cli_progress_init(&ctx.progress, a->quiet, a->n_inputs);
    struct vg_ingest_summary sum = { 0 };
    FILE *info = convert && !a->out_path ? stderr : stdout;
    for (int i = 0; i < a->n_inputs; i++) {
        struct vg_ingest_summary before = sum;
        ctx.progress.input_index = i;
        ctx.progress.records_before = sum.read;
        vg_status rc = convert ? vg_convert_path(a->inputs[i], &a->opts, on_event_print, out, &sum)
                               : vg_ingest_path(db, a->inputs[i], &a->opts, &sum);
        cli_progress_done(&ctx.progress);
        if (!a->quiet)
            print_input_line(info, a->inputs[i], &before, &sum, rc);
        if (rc)
            exit_code = EXIT_DATA;
        if (fatal(rc)) {
            fprintf(stderr,
                    "vigie: stopping: %s; what was committed stays, and a re-run completes the "
                    "job without duplicates\n",
                    vg_strerror(rc));
            break;
        }
    }
    if (sum.rejected || sum.media_errors)
        exit_code = EXIT_DATA;
    if (out != stdout)
        fclose(out);
    out = stdout;
    if (cli_live_finish(&ctx.live))
        exit_code = EXIT_DATA;
    fflush(stdout);
    /* The media counts also when a malformed avatar hash was dropped without --media-dir. */
    print_summary(info, &sum, &ctx.live, a->opts.media_dir != NULL || sum.media_errors);
done:
    cli_live_close(&ctx.live);
    if (ctx.rejects.f)
        fclose(ctx.rejects.f);
    if (out != stdout)
        fclose(out);
    vg_db_close(db);
    vg_rules_free(rules);
    vg_classifier_close(a->opts.classifier);
    return exit_code;
}

int cmd_ingest(int argc, char **argv)
{
    struct ingest_args a;
    int rc = parse_args(argc, argv, 0, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    return run(&a, 0);
}

int cmd_convert(int argc, char **argv)
{
    struct ingest_args a;
    int rc = parse_args(argc, argv, 1, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    return run(&a, 1);
}
