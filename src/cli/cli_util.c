/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_util.c: the pieces subcommands share: the log sink, terminal progress (count, rate, time
 * left; silent when stderr is not a terminal so pipes and logs stay clean), reject lines,
 * option parsing from a table of options (cli_parse_options) and the choice of a group's
 * subcommand (cli_run_subcommand).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static void log_to_stderr(enum vg_log_level level, const char *msg, void *ud)
{
    (void)ud;
    static const char *names[] = { "error", "warning", "info", "debug" };
    fprintf(stderr, "vigie: %s: %s\n", names[level], msg);
}

void cli_log_init(int verbose)
{
    vg_log_set(log_to_stderr, NULL, verbose ? VG_LOG_INFO : VG_LOG_ERROR);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void cli_progress_init(struct cli_progress *p, int quiet, int n_inputs)
{
    memset(p, 0, sizeof(*p));
    p->enabled = !quiet && isatty(STDERR_FILENO);
    p->start = now_s();
    p->n_inputs = n_inputs;
}

static void human_bytes(unsigned long long n, char *buf, size_t cap)
{
    if (n >= 1ull << 30)
        snprintf(buf, cap, "%.1f GB", (double)n / (1 << 30));
    else if (n >= 1ull << 20)
        snprintf(buf, cap, "%.1f MB", (double)n / (1 << 20));
    else
        snprintf(buf, cap, "%.0f kB", (double)n / 1024);
}

void cli_progress_update(const struct vg_progress *pr, void *ud)
{
    struct cli_progress *p = ud;
    if (!p->enabled)
        return;
    double el = now_s() - p->start;
    unsigned long long total = p->records_before + pr->records;
    double rate = el > 0 ? (double)total / el : 0;
    char done[32], all[32], eta[32] = "?";
    human_bytes(pr->bytes_done, done, sizeof(done));
    if (pr->bytes_total) {
        human_bytes(pr->bytes_total, all, sizeof(all));
        double frac = (double)pr->bytes_done / (double)pr->bytes_total;
        if (frac > 0.01) {
            double left = el * (1 - frac) / frac;
            snprintf(eta, sizeof(eta), "%d:%02d", (int)left / 60, (int)left % 60);
        }
    } else {
        snprintf(all, sizeof(all), "?");
    }
    fprintf(stderr, "\r\033[K[%d/%d] %s: %llu records, %.0f/s, %s of %s, %s left",
            p->input_index + 1, p->n_inputs, pr->file, total, rate, done, all, eta);
    fflush(stderr);
}

void cli_progress_done(struct cli_progress *p)
{
    if (p->enabled)
        fprintf(stderr, "\r\033[K");
}

static void json_str(FILE *f, const char *s, size_t len)
{
    fputc('"', f);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\r')
            fputs("\\r", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c < 0x20 || c == 0x7f)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f); /* callers pass valid UTF-8 only */
    }
    fputc('"', f);
}

static void base64(FILE *f, const unsigned char *s, size_t len)
{
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    fputc('"', f);
    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned)s[i] << 16;
        if (i + 1 < len)
            v |= (unsigned)s[i + 1] << 8;
        if (i + 2 < len)
            v |= s[i + 2];
        fputc(tbl[(v >> 18) & 63], f);
        fputc(tbl[(v >> 12) & 63], f);
        fputc(i + 1 < len ? tbl[(v >> 6) & 63] : '=', f);
        fputc(i + 2 < len ? tbl[v & 63] : '=', f);
    }
    fputc('"', f);
}

void cli_write_reject(FILE *f, const struct vg_reject *r)
{
    fputs("{\"file\":", f);
    json_str(f, r->file, strlen(r->file));
    fprintf(f, ",\"line\":%llu,\"offset\":%llu", (unsigned long long)r->line,
            (unsigned long long)r->offset);
    if (r->item >= 0)
        fprintf(f, ",\"item\":%lld", (long long)r->item);
    fputs(",\"format\":", f);
    json_str(f, r->format ? r->format : "auto", strlen(r->format ? r->format : "auto"));
    fputs(",\"reason\":", f);
    json_str(f, r->reason, strlen(r->reason));
    const char *raw = r->raw ? r->raw : "";
    if (vg_utf8_valid(raw, r->raw_len)) {
        fputs(",\"raw\":", f);
        json_str(f, raw, r->raw_len);
    } else {
        /* Bytes that are not UTF-8 cannot be a JSON string; base64 keeps them exact. */
        fputs(",\"raw_base64\":", f);
        base64(f, (const unsigned char *)raw, r->raw_len);
    }
    fprintf(f, ",\"raw_truncated\":%s}\n", r->raw_truncated ? "true" : "false");
}

void cli_print_json_str(const char *s)
{
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p < 0x20)
            printf("\\u%04x", *p);
        else
            putchar(*p);
    }
    putchar('"');
}

int cli_open_store(const char *cmd, const char *path, vg_db **db)
{
    *db = NULL;
    cli_log_init(0);
    /* Opening creates a missing file; for a command that reads a store, a typo in the path
     * should say so rather than report an empty store. */
    if (access(path, F_OK) != 0) {
        fprintf(stderr, "vigie %s: no store at %s (vigie ingest --db %s creates it)\n", cmd, path,
                path);
        return EXIT_DATA;
    }
    vg_status rc = vg_db_open(path, db);
    if (rc) {
        fprintf(stderr, "vigie %s: cannot open %s: %s\n", cmd, path, vg_strerror(rc));
        return EXIT_DATA;
    }
    return 0;
}

int cli_read_secret(const char *cmd, const char *opt, const char *path, char *out, size_t cap)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return usage_error(cmd, "%s: cannot read %s: %s", opt, path, strerror(errno));
    int ok = fgets(out, (int)cap, f) != NULL;
    fclose(f);
    size_t n = ok ? strcspn(out, "\r\n") : 0;
    if (ok && n == strlen(out) && n == cap - 1)
        return usage_error(cmd, "%s: the secret in %s is over %zu bytes", opt, path, cap - 1);
    out[n] = 0;
    if (n < 16)
        return usage_error(cmd, "%s: the secret in %s must be at least 16 bytes on its first line",
                           opt, path);
    return 0;
}

/* Options a table may hold; getopt_long needs them in an array with --help and an end mark. */
#define CLI_OPTS_MAX 40

/* One option's argument into its destination: 0, or EXIT_USAGE after saying why. */
static int store_option(const char *cmd, const struct cli_opt *o, const char *arg)
{
    char opt[64];
    snprintf(opt, sizeof(opt), "--%s", o->name);
    if (o->str)
        *o->str = arg;
    else if (o->flag)
        *o->flag = o->max ? (int)o->max : 1;
    else if (o->count)
        return cli_parse_count(cmd, opt, arg, o->max, o->count);
    else if (o->time)
        return cli_parse_time(cmd, opt, arg, o->time);
    else if (o->fraction)
        return cli_parse_fraction(cmd, opt, arg, o->fraction);
    else if (o->parse)
        return o->parse(cmd, arg, o->dst);
    else if (*o->n == (size_t)o->max)
        return usage_error(cmd, "at most %ld %s", o->max, opt);
    else
        o->list[(*o->n)++] = arg;
    return 0;
}

int cli_parse_options(const char *cmd, int argc, char **argv, const struct cli_opt *opts,
                      size_t n_opts, void (*help)(void))
{
    struct option longopts[CLI_OPTS_MAX + 2];
    if (n_opts > CLI_OPTS_MAX)
        return usage_error(cmd, "internal error: %zu options, at most %d", n_opts, CLI_OPTS_MAX);
    /* Option i is returned as 256 + i, out of the way of 'h' and '?'. */
    for (size_t i = 0; i < n_opts; i++)
        longopts[i] = (struct option){ opts[i].name, opts[i].flag ? no_argument : required_argument,
                                       NULL, 256 + (int)i };
    longopts[n_opts] = (struct option){ "help", no_argument, NULL, 'h' };
    longopts[n_opts + 1] = (struct option){ NULL, 0, NULL, 0 };
    optind = 1;
    opterr = 0;
    int c, bad = 0;
    while (!bad && (c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (c == 'h') {
            help();
            return -1;
        }
        if (c < 256)
            return usage_error(cmd, "unknown or incomplete option '%s' (see --help)",
                               argv[optind - 1]);
        bad = store_option(cmd, &opts[c - 256], optarg);
    }
    return bad;
}

int cli_run_subcommand(const char *group, int argc, char **argv, const struct cli_subcommand *subs,
                       size_t n_subs, void (*help)(FILE *))
{
    if (argc < 2) {
        help(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        help(stdout);
        return 0;
    }
    char names[256] = "";
    size_t len = 0;
    for (size_t i = 0; i < n_subs; i++) {
        if (!strcmp(argv[1], subs[i].name))
            return subs[i].run(argc - 1, argv + 1);
        if (len < sizeof(names))
            len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s", i ? ", " : "",
                                    subs[i].name);
    }
    return usage_error(group, "unknown subcommand '%s' (%s)", argv[1], names);
}
