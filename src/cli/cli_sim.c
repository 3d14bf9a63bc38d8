/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_sim.c: `vigie sim`, the world generator (docs/sim.md): a thin shell over vg_sim_run. It
 * turns options into settings (--seed, --accounts and --days are settings like any other), finds
 * the default text source, shows per-day progress on a terminal and prints one JSON summary.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "sim.h"

#define DEFAULT_TEXTS VG_DATA_DIR "/../shared/data"

static void sim_help(FILE *f)
{
    fprintf(f,
            "usage: vigie sim --seed N --accounts N --days N --out DIR [--config FILE]\n"
            "                 [--set KEY=VALUE]... [--text-from DIR | --invented-text] "
            "[--quiet]\n\n"
            "Generate a world with planted ground truth: DIR/events.jsonl (native events in\n"
            "time order: profiles, follows, posts, suspensions, reports) and DIR/truth.json\n"
            "(supporters, communities, personas and the accounts that replace suspended ones,\n"
            "storms). Same seed, settings and texts give byte-identical files. Prints one\n"
            "JSON summary line. See docs/sim.md.\n\n"
            "options:\n"
            "  --seed N          PRNG seed (setting 'seed')\n"
            "  --accounts N      accounts at the start (setting 'accounts')\n"
            "  --days N          simulated days (setting 'days')\n"
            "  --out DIR         where to write (created if missing)\n"
            "  --config FILE     settings as 'key = value' lines\n"
            "  --set K=V         one setting (after --config; may repeat)\n"
            "  --text-from DIR   post texts from these datasets (default %s\n"
            "                    when it exists, else the invented pool)\n"
            "  --invented-text   use the small invented pool even if the data is there\n"
            "  --quiet, -q       no progress\n"
            "  --settings-markdown  print the settings as the Markdown table of docs/sim.md\n"
            "  --help, -h        this help\n\nsettings:\n",
            DEFAULT_TEXTS);
    vg__sim_config_help(f);
}

struct sim_progress {
    int enabled;
    double start;
};

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_progress(uint64_t day, uint64_t days, uint64_t events, void *ud)
{
    struct sim_progress *p = ud;
    if (!p->enabled)
        return;
    double el = mono() - p->start;
    fprintf(stderr, "\r\033[Kday %llu/%llu: %llu events, %.0f/s, %.0fs", (unsigned long long)day,
            (unsigned long long)days, (unsigned long long)events, el > 0 ? (double)events / el : 0,
            el);
    fflush(stderr);
}

static int read_small_file(const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char *b = malloc((1u << 20) + 1);
    size_t n = b ? fread(b, 1, (1u << 20) + 1, f) : 0;
    fclose(f);
    if (!b || n > (1u << 20)) {
        free(b);
        return -1;
    }
    *out = b;
    *len = n;
    return 0;
}

static int apply_set(struct vg_sim_config *cfg, const char *key, const char *value)
{
    char err[256];
    if (vg_sim_config_set(cfg, key, value, err, sizeof(err)) != VG_OK)
        return usage_error("sim", "%s", err);
    return 0;
}

static int apply_kv(struct vg_sim_config *cfg, const char *kv)
{
    const char *eq = strchr(kv, '=');
    if (!eq)
        return usage_error("sim", "--set wants KEY=VALUE, got '%s'", kv);
    char key[64];
    snprintf(key, sizeof(key), "%.*s", (int)(eq - kv), kv);
    return apply_set(cfg, key, eq + 1);
}

static void print_summary(const char *out, const char *texts, const struct vg_sim_summary *s)
{
    printf("{\"out\":\"%s\",\"texts\":\"%s\",\"text_pool\":%llu,\"accounts_total\":%llu,"
           "\"by_role\":{",
           out, texts, (unsigned long long)s->texts, (unsigned long long)s->accounts_total);
    for (int r = 0; r < VG_SIM__ROLES; r++)
        printf("%s\"%s\":%llu", r ? "," : "", vg_sim_role_name((enum vg_sim_role)r),
               (unsigned long long)s->by_role[r]);
    printf("},\"by_type\":{");
    uint64_t total = 0;
    for (int t = 0; t < VG_EV__COUNT; t++) {
        printf("%s\"%s\":%llu", t ? "," : "", vg_event_type_name((enum vg_event_type)t),
               (unsigned long long)s->by_type[t]);
        total += s->by_type[t];
    }
    printf("},\"events\":%llu,\"initial_follows\":%llu,\"storms\":%llu,\"returns\":%llu,"
           "\"seconds\":%.2f}\n",
           (unsigned long long)total, (unsigned long long)s->initial_follows,
           (unsigned long long)s->storms, (unsigned long long)s->returns, s->seconds);
}

/* Only plain characters in a path printed inside JSON: the summary stays valid. */
static int json_safe(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == '"' || *s == '\\')
            return 0;
    return 1;
}

int cmd_sim(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "seed", required_argument, NULL, 'S' },
        { "accounts", required_argument, NULL, 'A' },
        { "days", required_argument, NULL, 'D' },
        { "out", required_argument, NULL, 'o' },
        { "config", required_argument, NULL, 'c' },
        { "set", required_argument, NULL, 's' },
        { "text-from", required_argument, NULL, 't' },
        { "invented-text", no_argument, NULL, 'I' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { "settings-markdown", no_argument, NULL, 'M' },
        { NULL, 0, NULL, 0 },
    };
    const char *out = NULL, *config = NULL, *texts = NULL, *seed = NULL, *accounts = NULL,
               *days = NULL;
    char **sets = calloc((size_t)argc + 1, sizeof(char *));
    int n_sets = 0, quiet = 0, invented = 0, c, rc = 0;
    if (!sets)
        return EXIT_DATA;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
        switch (c) {
            case 'S':
                seed = optarg;
                break;
            case 'A':
                accounts = optarg;
                break;
            case 'D':
                days = optarg;
                break;
            case 'o':
                out = optarg;
                break;
            case 'c':
                config = optarg;
                break;
            case 's':
                sets[n_sets++] = optarg;
                break;
            case 't':
                texts = optarg;
                break;
            case 'I':
                invented = 1;
                break;
            case 'q':
                quiet = 1;
                break;
            case 'h':
                sim_help(stdout);
                goto done;
            case 'M': /* the settings table of docs/sim.md */
                vg__sim_config_markdown(stdout);
                goto done;
            default:
                rc = usage_error("sim", "unknown or incomplete option '%s' (see --help)",
                                 argv[optind - 1]);
                goto done;
        }
    }
    if (optind < argc) {
        rc = usage_error("sim", "unexpected argument '%s'", argv[optind]);
        goto done;
    }
    if (!out) {
        rc = usage_error("sim", "--out DIR is required (see --help)");
        goto done;
    }
    if (texts && invented) {
        rc = usage_error("sim", "--text-from and --invented-text exclude each other");
        goto done;
    }
    struct vg_sim_config cfg;
    vg_sim_config_default(&cfg);
    if (config) {
        char *text = NULL;
        size_t len = 0;
        if (read_small_file(config, &text, &len)) {
            fprintf(stderr,
                    "vigie sim: cannot read config %s (missing, unreadable or over 1 MiB)\n",
                    config);
            rc = EXIT_DATA;
            goto done;
        }
        char err[300];
        vg_status st = vg_sim_config_parse(&cfg, text, len, err, sizeof(err));
        free(text);
        if (st) {
            fprintf(stderr, "vigie sim: %s: %s\n", config, err);
            rc = EXIT_DATA;
            goto done;
        }
    }
    if ((seed && (rc = apply_set(&cfg, "seed", seed))) ||
        (accounts && (rc = apply_set(&cfg, "accounts", accounts))) ||
        (days && (rc = apply_set(&cfg, "days", days))))
        goto done;
    for (int i = 0; i < n_sets; i++)
        if ((rc = apply_kv(&cfg, sets[i])))
            goto done;
    struct stat st;
    if (!texts && !invented && stat(DEFAULT_TEXTS, &st) == 0 && S_ISDIR(st.st_mode))
        texts = DEFAULT_TEXTS;
    if (texts && (stat(texts, &st) != 0 || !S_ISDIR(st.st_mode))) {
        rc = usage_error("sim", "--text-from %s is not a directory", texts);
        goto done;
    }
    if (mkdir(out, 0777) != 0 && (stat(out, &st) != 0 || !S_ISDIR(st.st_mode))) {
        fprintf(stderr, "vigie sim: cannot create %s\n", out);
        rc = EXIT_DATA;
        goto done;
    }
    if (!json_safe(out) || (texts && !json_safe(texts))) {
        rc = usage_error("sim", "paths with quotes, backslashes or control characters");
        goto done;
    }
    cli_log_init(0);
    struct sim_progress prog = { !quiet && isatty(STDERR_FILENO), mono() };
    struct vg_sim_opts opts = { texts, on_progress, &prog };
    struct vg_sim_summary sum;
    vg_status vr = vg_sim_run(&cfg, &opts, out, &sum);
    if (prog.enabled)
        fprintf(stderr, "\r\033[K");
    if (vr) {
        fprintf(stderr, "vigie sim: %s\n", vg_strerror(vr));
        rc = vr == VG_EINVAL ? EXIT_USAGE : EXIT_DATA;
        goto done;
    }
    print_summary(out, texts ? texts : "invented", &sum);
done:
    free(sets);
    return rc;
}
