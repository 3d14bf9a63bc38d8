/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_classify.c: `vigie classify` (score every post of any input format: one JSON line per
 * post, a summary last) and `vigie explain` (why a post scored as it did, in readable form:
 * the features that pushed the score up and down, the patterns that fired).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "detect_int.h"

const char *cli_default_model(void)
{
    const char *env = getenv("VIGIE_MODEL");
    return env && *env ? env : VG_DATA_DIR "/models/vigie-propaganda.vgm";
}

vg_classifier *cli_open_model(const char *cmd, const char *path)
{
    vg_classifier *c = NULL;
    vg_status rc = vg_classifier_open(path, &c);
    if (rc)
        fprintf(stderr, "vigie %s: cannot load model %s: %s\n", cmd, path, vg_strerror(rc));
    return c;
}

/* ---- vigie classify -------------------------------------------------------------------------- */

struct classify_run {
    vg_classifier *c;
    size_t top;
    FILE *out;
    uint64_t posts, flagged, escalated, errors, exempt;
    uint64_t per_category[VG_TCO__COUNT];
};

static void classify_event(const struct vg_event *ev, void *ud)
{
    struct classify_run *k = ud;
    if (ev->type != VG_EV_POST)
        return;
    const struct vg_post *p = &ev->u.post;
    struct vg_post_score s;
    char *json = NULL;
    vg_status rc = vg_post_score(k->c, p, &s);
    if (rc == VG_OK)
        rc = vg_post_score_json(k->c, p, k->top, &json);
    k->posts++;
    if (rc) {
        k->errors++;
        fprintf(stderr, "vigie classify: post %s: %s\n", p->id, vg_strerror(rc));
        return;
    }
    fprintf(k->out, "%s\n", json);
    vg_free(json);
    k->flagged += s.flagged;
    k->escalated += s.escalate;
    k->exempt += s.exempt != 0;
    for (int i = 0; i < VG_TCO__COUNT; i++)
        k->per_category[i] += (s.categories >> i) & 1u;
}

static void classify_help(FILE *f)
{
    fprintf(f,
            "usage: vigie classify [--model MODEL] [--format F] [--top N] [--quiet] INPUT...\n\n"
            "Score every post of each INPUT (any ingest format, '-' for stdin) and print one\n"
            "JSON line per post:\n"
            "  {\"id\":...,\"lang\":...,\"score\":0..1,\"flagged\":bool,\"categories\":[...],\n"
            "   \"threat\":0..1,\"escalate\":bool,\"exempt\":[...],\"reasons\":[...]}\n"
            "then a summary line. Exit 1 if a record was rejected or a post failed.\n\n"
            "options:\n"
            "  --model MODEL  model file (default $VIGIE_MODEL, else %s)\n"
            "  --format F     input format (default: detected per input)\n"
            "  --top N        reasons per post, each way (default 5; 0 for none)\n"
            "  --quiet, -q    no per-post lines, only the summary\n"
            "  --help, -h     this help\n",
            VG_DATA_DIR "/models/vigie-propaganda.vgm");
}

static void print_classify_summary(const struct classify_run *k, const struct vg_ingest_summary *s)
{
    printf("{\"read\":%llu,\"accepted\":%llu,\"rejected\":%llu,\"posts\":%llu,\"flagged\":%llu,"
           "\"escalated\":%llu,\"exempt_cues\":%llu,\"errors\":%llu,\"by_category\":{",
           (unsigned long long)s->read, (unsigned long long)s->accepted,
           (unsigned long long)s->rejected, (unsigned long long)k->posts,
           (unsigned long long)k->flagged, (unsigned long long)k->escalated,
           (unsigned long long)k->exempt, (unsigned long long)k->errors);
    for (int i = 0; i < VG_TCO__COUNT; i++)
        printf("%s\"%s\":%llu", i ? "," : "", vg_tco_category_name((enum vg_tco_category)i),
               (unsigned long long)k->per_category[i]);
    printf("},\"model\":\"%s\"}\n", vg_classifier_model_id(k->c));
}

static void classify_reject(const struct vg_reject *r, void *ud)
{
    VG_UNUSED(ud);
    fprintf(stderr, "vigie classify: %s line %llu: rejected: %s\n", r->file,
            (unsigned long long)r->line, r->reason);
}

int cmd_classify(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "model", required_argument, NULL, 'm' }, { "format", required_argument, NULL, 'f' },
        { "top", required_argument, NULL, 't' },   { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },        { NULL, 0, NULL, 0 },
    };
    const char *model = cli_default_model();
    struct vg_ingest_opts opts;
    vg_ingest_opts_init(&opts);
    size_t top = 5;
    int quiet = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
        switch (c) {
            case 'm':
                model = optarg;
                break;
            case 'f':
                if (vg_format_parse(optarg, &opts.format) != VG_OK)
                    return usage_error("classify", "unknown format '%s'", optarg);
                break;
            case 't': {
                char *end;
                long v = strtol(optarg, &end, 10);
                if (*end || v < 0 || v > 100)
                    return usage_error("classify", "--top wants a number in 0..100");
                top = (size_t)v;
                break;
            }
            case 'q':
                quiet = 1;
                break;
            case 'h':
                classify_help(stdout);
                return 0;
            default:
                return usage_error("classify", "unknown or incomplete option '%s' (see --help)",
                                   argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return usage_error("classify", "no INPUT given ('-' reads stdin; see --help)");
    cli_log_init(0);
    struct classify_run k = { .top = top };
    if (!(k.c = cli_open_model("classify", model)))
        return EXIT_DATA;
    FILE *devnull = quiet ? fopen("/dev/null", "w") : NULL;
    k.out = devnull ? devnull : stdout;
    opts.on_reject = classify_reject;
    struct vg_ingest_summary sum = { 0 };
    int rc = 0;
    for (int i = optind; i < argc; i++) {
        vg_status st = vg_convert_path(argv[i], &opts, classify_event, &k, &sum);
        if (st) {
            fprintf(stderr, "vigie classify: %s: %s\n", argv[i], vg_strerror(st));
            rc = EXIT_DATA;
        }
    }
    if (sum.rejected || k.errors)
        rc = EXIT_DATA;
    fflush(k.out);
    print_classify_summary(&k, &sum);
    if (devnull)
        fclose(devnull);
    vg_classifier_close(k.c);
    return rc;
}

/* ---- vigie explain --------------------------------------------------------------------------- */

struct explain_run {
    vg_classifier *c;
    const char *only_id;
    size_t top;
    uint64_t shown;
    vg_status rc;
};

static void print_names(const char *label, unsigned bits, int exempt)
{
    static const char *const exempt_names[] = { "news", "research", "counter-speech" };
    printf("%s", label);
    int any = 0;
    for (int i = 0; i < (exempt ? 3 : VG_TCO__COUNT); i++)
        if (bits & (1u << i)) {
            if (exempt)
                printf("%s%s", any ? ", " : " ", exempt_names[i]);
            else
                printf("%s%s (Art. 2(7)(%c))", any ? ", " : " ",
                       vg_tco_category_name((enum vg_tco_category)i),
                       vg_tco_category_letter((enum vg_tco_category)i));
            any = 1;
        }
    printf("%s\n", any ? "" : " none");
}

static void explain_post(struct explain_run *k, const struct vg_post *p)
{
    struct vg_post_score s;
    struct vg_pattern_result pr;
    struct vg_reason *r = NULL;
    size_t n = 0;
    const char *norm = "";
    vg_status rc = vg__classifier_explain(k->c, p, &s, &pr, &r, &n, &norm);
    if (rc) {
        fprintf(stderr, "vigie explain: post %s: %s\n", p->id, vg_strerror(rc));
        k->rc = rc;
        return;
    }
    printf("%spost %s (%s): score %.3f, %s (threshold %.3f)\n", k->shown ? "\n" : "", p->id, s.lang,
           s.score, s.flagged ? "FLAGGED" : "not flagged", s.threshold);
    printf("normalised: %s\n", norm);
    print_names("TCO categories:", s.categories, 0);
    printf("threat: %.2f%s\n", s.threat, s.escalate ? " (escalate)" : "");
    print_names("exemption cues:", s.exempt, 1);
    for (size_t i = 0; i < pr.n_hits; i++) {
        const struct vg_pattern_hit *h = &pr.hits[i];
        printf("  pattern %-22s %-40s \"%.*s\"\n", h->set, h->pattern, (int)h->len,
               norm + h->start);
    }
    printf("features for (contribution to the margin):\n");
    for (size_t i = 0; i < n && i < k->top && r[i].weight > 0; i++)
        printf("  %+8.4f  %s\n", r[i].weight, r[i].feature);
    printf("features against:\n");
    for (size_t i = 0; i < n && i < k->top && r[n - 1 - i].weight < 0; i++)
        printf("  %+8.4f  %s\n", r[n - 1 - i].weight, r[n - 1 - i].feature);
    vg_free(r);
    k->shown++;
}

static void explain_event(const struct vg_event *ev, void *ud)
{
    struct explain_run *k = ud;
    if (ev->type != VG_EV_POST || (k->only_id && strcmp(ev->u.post.id, k->only_id)))
        return;
    explain_post(k, &ev->u.post);
}

static void explain_help(FILE *f)
{
    fprintf(f, "usage: vigie explain [--model MODEL] [--top N] --text TEXT\n"
               "       vigie explain [--model MODEL] [--top N] [--id POST_ID] INPUT...\n\n"
               "Show why a post scores as it does: its score and threshold, the TCO categories,\n"
               "threat and exemption patterns that fired (with the matched words), and the\n"
               "features that pushed the score up and down most. Reads TEXT, or the posts of\n"
               "each INPUT (any ingest format; --id picks one).\n\n"
               "options:\n"
               "  --model MODEL  model file (default $VIGIE_MODEL, else the shipped model)\n"
               "  --text TEXT    explain this text\n"
               "  --id ID        only the post with this id\n"
               "  --top N        features each way (default 10)\n"
               "  --help, -h     this help\n");
}

static void explain_help_stdout(void)
{
    explain_help(stdout);
}

/* --top N, 1..1000, into the size_t at dst. */
static int parse_explain_top(const char *cmd, const char *arg, void *dst)
{
    char *end;
    long v = strtol(arg, &end, 10);
    if (*end || v < 1 || v > 1000)
        return usage_error(cmd, "--top wants a number in 1..1000");
    *(size_t *)dst = (size_t)v;
    return 0;
}

int cmd_explain(int argc, char **argv)
{
    const char *model = cli_default_model(), *text = NULL;
    struct explain_run k = { .top = 10 };
    const struct cli_opt options[] = {
        { "model", .str = &model },
        { "text", .str = &text },
        { "id", .str = &k.only_id },
        { "top", .parse = parse_explain_top, .dst = &k.top },
    };
    int bad = cli_parse_options("explain", argc, argv, options,
                                sizeof(options) / sizeof(options[0]), explain_help_stdout);
    if (bad)
        return bad < 0 ? 0 : bad;
    if (!text == (optind >= argc))
        return usage_error("explain", "give either --text TEXT or INPUT files (see --help)");
    cli_log_init(0);
    if (!(k.c = cli_open_model("explain", model)))
        return EXIT_DATA;
    int rc = 0;
    if (text) {
        struct vg_post p = { .id = "text", .account = "", .text = text };
        explain_post(&k, &p);
    } else {
        struct vg_ingest_opts opts;
        vg_ingest_opts_init(&opts);
        struct vg_ingest_summary sum = { 0 };
        for (int i = optind; i < argc; i++)
            if (vg_convert_path(argv[i], &opts, explain_event, &k, &sum) != VG_OK)
                rc = EXIT_DATA;
        if (k.only_id && !k.shown) {
            fprintf(stderr, "vigie explain: no post with id %s in the input\n", k.only_id);
            rc = EXIT_DATA;
        }
    }
    if (k.rc)
        rc = EXIT_DATA;
    vg_classifier_close(k.c);
    return rc;
}
