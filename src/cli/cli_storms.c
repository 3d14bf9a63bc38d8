/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_storms.c: `vigie storms`: replay the stored posts in time order through the streaming
 * storm detector (src/storm/, docs/storms.md) and print each alert as a JSON line when it is
 * raised and again when it ends, then a summary line. `vigie storms eval`: the same replay
 * measured against the planted storms and organic bursts of a generated world.
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static void storms_help(void)
{
    printf("usage: vigie storms [--db FILE] [--since T] [--before T] [--window MIN]\n"
           "                    [--min-accounts N]\n"
           "       vigie storms eval --truth FILE [--db FILE] [--md FILE] [--window MIN]\n"
           "                         [--min-accounts N]\n\n"
           "Replay the stored posts in time order through the storm detector: a hashtag that\n"
           "bursts against its baseline and whose posts carry a fresh shared link or\n"
           "near-identical texts from many accounts is a storm. One JSON line when a storm is\n"
           "raised ({\"alert\":\"storm\",...}) and one when it ends "
           "({\"alert\":\"storm_end\",...},\n"
           "with all its accounts), then a summary line. Alerts are stored (storm_alerts,\n"
           "by hashtag and onset: a re-run updates them). Fields: docs/storms.md.\n\n"
           "options:\n"
           "  --db FILE          the store (default " DEFAULT_DB ")\n"
           "  --since T          alerts from instant T on; the day before T warms the baselines\n"
           "  --before T         only posts before instant T\n"
           "  --window MIN       minutes of the sliding window (default 30)\n"
           "  --min-accounts N   accounts with shared markers needed (default 10; half,\n"
           "                     at least 3, when co-retweets within minutes are\n"
           "                     improbable beyond the burst bar)\n"
           "  --truth FILE       (eval) truth.json written by vigie sim\n"
           "  --md FILE          (eval) also write a Markdown report\n"
           "  --help, -h         this help\n");
}

struct storms_args {
    const char *db_path, *truth_path, *md_path;
    int64_t since, before;
    struct vg_storm_opts o;
};

/* 0 to go on, -1 after --help, else the exit status of a usage error. */
static int parse_args(const char *cmd, int eval, int argc, char **argv, struct storms_args *a)
{
    static const struct option longopts[] = {
        { "db", required_argument, NULL, 'd' },
        { "since", required_argument, NULL, 's' },
        { "before", required_argument, NULL, 'b' },
        { "window", required_argument, NULL, 'w' },
        { "min-accounts", required_argument, NULL, 'm' },
        { "truth", required_argument, NULL, 't' },
        { "md", required_argument, NULL, 'M' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    memset(a, 0, sizeof(*a));
    a->db_path = DEFAULT_DB;
    a->since = a->before = VG_TIME_UNKNOWN;
    vg_storm_opts_init(&a->o);
    optind = 1;
    opterr = 0;
    int c, bad = 0;
    long v;
    while (!bad && (c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
            case 'd':
                a->db_path = optarg;
                break;
            case 's':
                bad = eval ? usage_error(cmd, "--since is not an option of storms eval")
                           : cli_parse_time(cmd, "--since", optarg, &a->since);
                break;
            case 'b':
                bad = eval ? usage_error(cmd, "--before is not an option of storms eval")
                           : cli_parse_time(cmd, "--before", optarg, &a->before);
                break;
            case 'w':
                bad = cli_parse_count(cmd, "--window", optarg, 1440, &v);
                if (!bad && v < 1)
                    bad = usage_error(cmd, "--window takes a number from 1 to 1440");
                a->o.window_minutes = (double)v;
                break;
            case 'm':
                bad = cli_parse_count(cmd, "--min-accounts", optarg, 100000, &v);
                if (!bad && v < 2)
                    bad = usage_error(cmd, "--min-accounts takes a number from 2 to 100000");
                a->o.min_accounts = (uint32_t)v;
                break;
            case 't':
                bad = eval ? 0 : usage_error(cmd, "--truth is an option of storms eval");
                a->truth_path = optarg;
                break;
            case 'M':
                bad = eval ? 0 : usage_error(cmd, "--md is an option of storms eval");
                a->md_path = optarg;
                break;
            case 'h':
                storms_help();
                return -1;
            default:
                return usage_error(cmd, "unknown or incomplete option '%s' (see --help)",
                                   argv[optind - 1]);
        }
    }
    if (bad)
        return bad;
    if (optind < argc)
        return usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (eval && !a->truth_path)
        return usage_error(cmd, "--truth FILE is required");
    return 0;
}

/* Each alert is printed and stored (storm_alerts) as it comes; the first failure is kept. */
struct printer {
    vg_db *db;
    vg_status rc;
};

static void print_alert(const struct vg_storm_alert *a, void *ud)
{
    struct printer *p = ud;
    char *json;
    vg_status rc = vg_storm_alert_json(a, &json);
    if (!rc) {
        printf("%s\n", json);
        vg_free(json);
        rc = vg_storm_alert_store(p->db, a);
    }
    if (rc && !p->rc)
        p->rc = rc;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int storms_run(int argc, char **argv)
{
    const char *cmd = "storms";
    struct storms_args a;
    int ex = parse_args(cmd, 0, argc, argv, &a);
    if (ex)
        return ex < 0 ? 0 : ex;
    vg_db *db;
    if ((ex = cli_open_store(cmd, a.db_path, &db)))
        return ex;
    struct printer pr = { db, VG_OK };
    a.o.on_alert = print_alert;
    a.o.ud = &pr;
    /* The day before --since warms the baselines; alerts start at --since. */
    int64_t from = VG_TIME_UNKNOWN;
    if (a.since != VG_TIME_UNKNOWN) {
        a.o.alerts_from = a.since;
        from = a.since - (int64_t)(a.o.baseline_hours * 3600);
    }
    double t0 = now_s();
    vg_storms *s = NULL;
    uint64_t n = 0;
    vg_status rc = vg_storms_new(&a.o, &s);
    if (!rc)
        rc = vg_storms_replay(db, from, a.before, s, &n);
    if (!rc)
        rc = pr.rc;
    if (!rc)
        rc = vg_db_flush(db);
    double secs = now_s() - t0;
    struct vg_storms_stats st;
    vg_storms_stats(s, &st);
    if (rc) {
        fprintf(stderr, "vigie %s: %s: %s\n", cmd, vg_strerror(rc), vg_db_errmsg(db));
        ex = EXIT_DATA;
    }
    char since[21] = "", before[21] = "";
    if (a.since != VG_TIME_UNKNOWN)
        vg_time_format(a.since, since);
    if (a.before != VG_TIME_UNKNOWN)
        vg_time_format(a.before, before);
    printf("{\"summary\":\"storms\",\"ok\":%s,\"posts\":%llu,\"alerts\":%llu,\"since\":%s%s%s,"
           "\"before\":%s%s%s,\"peak_keys\":%llu,\"seconds\":%.2f,\"posts_per_s\":%.0f}\n",
           rc ? "false" : "true", (unsigned long long)n, (unsigned long long)st.alerts,
           since[0] ? "\"" : "", since[0] ? since : "null", since[0] ? "\"" : "",
           before[0] ? "\"" : "", before[0] ? before : "null", before[0] ? "\"" : "",
           (unsigned long long)st.peak_keys, secs, secs > 0 ? (double)n / secs : 0.0);
    vg_storms_free(s);
    vg_db_close(db);
    return ex;
}

/* ---- vigie storms eval ---------------------------------------------------------------------- */

static void md_cell(FILE *f, double v, const char *fmt)
{
    if (isnan(v))
        fputs(" - |", f);
    else {
        fputc(' ', f);
        fprintf(f, fmt, v);
        fputs(" |", f);
    }
}

static void md_group(FILE *f, const char *name, const struct vg_storm_group_eval *g)
{
    fprintf(f, "| %s | %llu | %llu |", name, (unsigned long long)g->storms,
            (unsigned long long)g->detected);
    md_cell(f, g->tpr, "%.3f");
    md_cell(f, g->delay_median_s / 60, "%.1f");
    md_cell(f, g->delay_p90_s / 60, "%.1f");
    md_cell(f, g->precision, "%.3f");
    md_cell(f, g->recall, "%.3f");
    fputc('\n', f);
}

static void write_md(FILE *f, const char *db, const char *truth, const struct vg_storm_eval *e)
{
    fprintf(f, "# Storm detection against planted truth\n\n");
    fprintf(f, "Store `%s`, truth `%s`: %llu posts replayed in %.2f s.\n\n", db, truth,
            (unsigned long long)e->posts, e->seconds);
    fprintf(f, "| hashtag-days | storm | alarmed storm | negative | false alarmed | TPR | FPR |\n"
               "|---|---|---|---|---|---|---|\n");
    fprintf(f, "| %llu | %llu | %llu | %llu | %llu |", (unsigned long long)e->hashtag_days,
            (unsigned long long)e->storm_hashtag_days,
            (unsigned long long)e->alarmed_storm_hashtag_days,
            (unsigned long long)e->negative_hashtag_days,
            (unsigned long long)e->false_hashtag_days);
    md_cell(f, e->tpr, "%.3f");
    md_cell(f, e->fpr, "%.5f");
    fprintf(f,
            "\n\nOrganic bursts alarmed: %llu of %llu. Alerts: %llu, of which %llu match no "
            "storm. Account precision counting every alert: ",
            (unsigned long long)e->bursts_alarmed, (unsigned long long)e->bursts,
            (unsigned long long)e->alerts, (unsigned long long)e->false_alerts);
    if (isnan(e->precision_all))
        fputs("-.\n\n", f);
    else
        fprintf(f, "%.3f.\n\n", e->precision_all);
    fprintf(f, "| storms | planted | detected | TPR | median delay (min) | p90 delay (min) | "
               "account precision | account recall |\n|---|---|---|---|---|---|---|---|\n");
    md_group(f, "all", &e->all);
    for (int k = 0; k < VG_STORM__PATTERNS; k++) {
        char label[32];
        snprintf(label, sizeof(label), "%s pattern", vg_storm_pattern_name(k));
        if (e->by_pattern[k].storms || k <= VG_STORM_COPY)
            md_group(f, label, &e->by_pattern[k]);
    }
}

static int storms_eval(int argc, char **argv)
{
    const char *cmd = "storms eval";
    struct storms_args a;
    int ex = parse_args(cmd, 1, argc, argv, &a);
    if (ex)
        return ex < 0 ? 0 : ex;
    vg_db *db;
    if ((ex = cli_open_store(cmd, a.db_path, &db)))
        return ex;
    vg_storm_truth *t = NULL;
    FILE *md = NULL;
    char *json = NULL;
    vg_status rc = vg_storm_truth_read(a.truth_path, &t);
    if (rc) {
        fprintf(stderr, "vigie %s: cannot read the truth %s: %s\n", cmd, a.truth_path,
                vg_strerror(rc));
        ex = EXIT_DATA;
        goto done;
    }
    if (a.md_path && !(md = fopen(a.md_path, "w"))) {
        fprintf(stderr, "vigie %s: cannot write %s\n", cmd, a.md_path);
        ex = EXIT_DATA;
        goto done;
    }
    struct vg_storm_eval e;
    if ((rc = vg_storms_eval(db, t, &a.o, &e)) || (rc = vg_storm_eval_json(&e, &json))) {
        fprintf(stderr, "vigie %s: %s: %s\n", cmd, vg_strerror(rc), vg_db_errmsg(db));
        ex = EXIT_DATA;
        goto done;
    }
    printf("{\"summary\":\"storms eval\",\"window_minutes\":%g,\"min_accounts\":%u,"
           "\"metrics\":%s}\n",
           a.o.window_minutes, a.o.min_accounts, json);
    if (md) {
        write_md(md, a.db_path, a.truth_path, &e);
        if (fclose(md)) {
            fprintf(stderr, "vigie %s: cannot write %s\n", cmd, a.md_path);
            ex = EXIT_DATA;
        }
        md = NULL;
    }
done:
    if (md)
        fclose(md);
    vg_free(json);
    vg_storm_truth_free(t);
    vg_db_close(db);
    return ex;
}

int cmd_storms(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "eval"))
        return storms_eval(argc - 1, argv + 1);
    return storms_run(argc, argv);
}
