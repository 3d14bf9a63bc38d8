/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_train.c: `vigie train` (fit the propaganda classifier on the labelled datasets) and
 * `vigie eval` (measure a model on the test split: JSON report on stdout, Markdown with --md).
 * Both are thin shells over detect_pipeline.c; long phases show progress on a terminal.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "detect_pipeline.h"

#define DEFAULT_DATA "../shared/data"

/* ---- progress of a phase -------------------------------------------------------------------- */

struct phase_progress {
    int enabled;
    double start, last;
    char phase[32];
};

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_phase(const char *phase, uint64_t done, uint64_t total, void *ud)
{
    struct phase_progress *p = ud;
    if (!p->enabled)
        return;
    double t = mono();
    if (strcmp(p->phase, phase)) {
        snprintf(p->phase, sizeof(p->phase), "%s", phase);
        p->start = t;
        p->last = 0;
    }
    if (t - p->last < 0.25 && done != total)
        return;
    p->last = t;
    double el = t - p->start, rate = el > 0 ? (double)done / el : 0;
    if (!total) {
        fprintf(stderr, "\r%-9s ...%30s", phase, "");
    } else {
        double left = rate > 0 ? (double)(total - done) / rate : 0;
        fprintf(stderr, "\r%-9s %llu/%llu  %.0f/s  %.0fs left   ", phase, (unsigned long long)done,
                (unsigned long long)total, rate, left);
    }
    if (total && done == total)
        fputc('\n', stderr);
}

static void phase_done(struct phase_progress *p)
{
    if (p->enabled && p->phase[0])
        fprintf(stderr, "\r%60s\r", "");
}

static int read_text_file(const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t cap = 4096, n = 0;
    char *b = malloc(cap);
    size_t k;
    while (b && (k = fread(b + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap && n < (1u << 20)) {
            char *nb = realloc(b, cap *= 2);
            if (!nb) {
                free(b);
                b = NULL;
            }
            b = nb;
        } else if (n == cap) {
            break;
        }
    }
    fclose(f);
    if (!b || n >= (1u << 20)) {
        free(b);
        return -1;
    }
    *out = b;
    *len = n;
    return 0;
}

/* ---- vigie train ---------------------------------------------------------------------------- */

static void train_help(FILE *f)
{
    fprintf(f,
            "usage: vigie train --out MODEL [--config FILE] [--set KEY=VALUE]... [--quiet]\n"
            "                   [DATA]\n\n"
            "Train the propaganda classifier on the labelled datasets under DATA (default\n"
            "%s; see docs/training-data.md): hashed word and character n-grams, liblinear\n"
            "logistic regression on the train split, Platt calibration and the threshold on\n"
            "the calibration split. Reproducible: the same data and settings give the same\n"
            "model file. Prints one JSON summary line.\n\n"
            "options:\n"
            "  --out MODEL     where to write the model (written whole or not at all)\n"
            "  --config FILE   settings as 'key = value' lines\n"
            "  --set K=V       one setting (after --config; may repeat)\n"
            "  --quiet, -q     no progress\n"
            "  --help, -h      this help\n\nsettings:\n",
            DEFAULT_DATA);
    vg__train_config_help(f);
}

static int apply_set(struct vg_train_config *cfg, const char *kv)
{
    const char *eq = strchr(kv, '=');
    if (!eq)
        return usage_error("train", "--set wants KEY=VALUE, got '%s'", kv);
    char key[64];
    snprintf(key, sizeof(key), "%.*s", (int)(eq - kv), kv);
    char err[256];
    if (vg__train_config_set(cfg, key, eq + 1, err, sizeof(err)) != VG_OK)
        return usage_error("train", "%s", err);
    return 0;
}

static int apply_config_file(struct vg_train_config *cfg, const char *path)
{
    char *text = NULL;
    size_t len = 0;
    if (read_text_file(path, &text, &len)) {
        fprintf(stderr, "vigie train: cannot read config %s (missing, unreadable or over 1 MiB)\n",
                path);
        return EXIT_DATA;
    }
    char err[300];
    vg_status rc = vg__train_config_parse(cfg, text, len, err, sizeof(err));
    free(text);
    if (rc) {
        fprintf(stderr, "vigie train: %s: %s\n", path, err);
        return EXIT_DATA;
    }
    return 0;
}

int cmd_train(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "out", required_argument, NULL, 'o' }, { "config", required_argument, NULL, 'c' },
        { "set", required_argument, NULL, 's' }, { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },      { NULL, 0, NULL, 0 },
    };
    const char *out = NULL, *config = NULL;
    char **sets = calloc((size_t)argc + 1, sizeof(char *));
    int n_sets = 0, quiet = 0, c, rc = 0;
    if (!sets)
        return EXIT_DATA;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
        switch (c) {
            case 'o':
                out = optarg;
                break;
            case 'c':
                config = optarg;
                break;
            case 's':
                sets[n_sets++] = optarg;
                break;
            case 'q':
                quiet = 1;
                break;
            case 'h':
                train_help(stdout);
                goto done;
            default:
                rc = usage_error("train", "unknown or incomplete option '%s' (see --help)",
                                 argv[optind - 1]);
                goto done;
        }
    }
    if (!out) {
        rc = usage_error("train", "--out MODEL is required (see --help)");
        goto done;
    }
    if (argc - optind > 1) {
        rc = usage_error("train", "one DATA directory at most");
        goto done;
    }
    const char *data = optind < argc ? argv[optind] : DEFAULT_DATA;
    struct vg_train_config cfg;
    vg__train_config_default(&cfg);
    if (config && (rc = apply_config_file(&cfg, config)))
        goto done;
    for (int i = 0; i < n_sets; i++)
        if ((rc = apply_set(&cfg, sets[i])))
            goto done;
    cli_log_init(0);
    struct phase_progress pp = { .enabled = !quiet && isatty(2) };
    struct vg_buf summary;
    vg_buf_init(&summary, 1u << 20);
    vg_status st = vg__train_run(data, &cfg, out, on_phase, &pp, &summary);
    phase_done(&pp);
    if (st) {
        fprintf(stderr, "vigie train: %s (data %s, model %s)\n", vg_strerror(st), data, out);
        rc = EXIT_DATA;
    } else {
        printf("%s\n", summary.data);
    }
    vg_buf_release(&summary);
done:
    free(sets);
    return rc;
}

/* ---- vigie eval ------------------------------------------------------------------------------ */

static void eval_help(FILE *f)
{
    fprintf(f,
            "usage: vigie eval --model MODEL [--md FILE] [--rounds N] [--quiet] [DATA]\n\n"
            "Measure MODEL on the test split of the labelled datasets under DATA (default\n"
            "%s), split exactly as when it was trained: ROC-AUC, PR-AUC, F1, precision at\n"
            "recall 0.8, at the natural prevalence and at 50%%, 10%% and 1%%, overall and per\n"
            "language, with bootstrap intervals; false positives on hate speech, scores of\n"
            "news about ISIS, category pattern coverage. Prints the report as one JSON line.\n\n"
            "options:\n"
            "  --model MODEL   the model file\n"
            "  --md FILE       also write the report as Markdown\n"
            "  --rounds N      bootstrap resamples (default 1000)\n"
            "  --quiet, -q     no progress\n"
            "  --help, -h      this help\n",
            DEFAULT_DATA);
}

int cmd_eval(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "model", required_argument, NULL, 'm' },  { "md", required_argument, NULL, 'M' },
        { "rounds", required_argument, NULL, 'r' }, { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },         { NULL, 0, NULL, 0 },
    };
    const char *model = NULL, *md_path = NULL;
    unsigned rounds = 1000;
    int quiet = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
        switch (c) {
            case 'm':
                model = optarg;
                break;
            case 'M':
                md_path = optarg;
                break;
            case 'r': {
                char *end;
                long v = strtol(optarg, &end, 10);
                if (*end || v < 10 || v > 100000)
                    return usage_error("eval", "--rounds wants a number in 10..100000");
                rounds = (unsigned)v;
                break;
            }
            case 'q':
                quiet = 1;
                break;
            case 'h':
                eval_help(stdout);
                return 0;
            default:
                return usage_error("eval", "unknown or incomplete option '%s' (see --help)",
                                   argv[optind - 1]);
        }
    }
    if (!model)
        return usage_error("eval", "--model MODEL is required (see --help)");
    if (argc - optind > 1)
        return usage_error("eval", "one DATA directory at most");
    const char *data = optind < argc ? argv[optind] : DEFAULT_DATA;
    cli_log_init(0);
    vg_classifier *cl = NULL;
    vg_status st = vg_classifier_open(model, &cl);
    if (st) {
        fprintf(stderr, "vigie eval: cannot load model %s: %s\n", model, vg_strerror(st));
        return EXIT_DATA;
    }
    struct phase_progress pp = { .enabled = !quiet && isatty(2) };
    struct vg_buf json, md;
    vg_buf_init(&json, 16u << 20);
    vg_buf_init(&md, 16u << 20);
    st = vg__eval_run(cl, data, rounds, on_phase, &pp, &json, &md);
    phase_done(&pp);
    int rc = 0;
    if (st) {
        fprintf(stderr, "vigie eval: %s (data %s)\n", vg_strerror(st), data);
        rc = EXIT_DATA;
    } else {
        printf("%s\n", json.data);
        FILE *f = md_path ? fopen(md_path, "w") : NULL;
        if (md_path && !f) {
            fprintf(stderr, "vigie eval: cannot write %s\n", md_path);
            rc = EXIT_DATA;
        }
        if (f) {
            fputs(md.data, f);
            fclose(f);
        }
    }
    vg_buf_release(&json);
    vg_buf_release(&md);
    vg_classifier_close(cl);
    return rc;
}
