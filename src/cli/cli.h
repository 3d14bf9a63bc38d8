/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli.h: what the subcommands of the `vigie` command share. The command is a thin shell over
 * the public API (vigie.h): it parses options, prints JSON lines, shows progress on a terminal,
 * and maps outcomes to exit codes (0 success, 1 errors in the data or an input, 2 usage).
 */
#ifndef VG_CLI_H
#define VG_CLI_H

#include <stdio.h>

#include "vigie.h"

#define EXIT_DATA  1
#define EXIT_USAGE 2
#define DEFAULT_DB "vigie.db"

int cmd_ingest(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_classify(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_sim(int argc, char **argv);
int cmd_accounts(int argc, char **argv);
int cmd_network(int argc, char **argv);
int cmd_returns(int argc, char **argv);
int cmd_storms(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_domains(int argc, char **argv);
int cmd_pdq(int argc, char **argv);
int cmd_bank(int argc, char **argv);
int cmd_match(int argc, char **argv);
int cmd_order(int argc, char **argv);
int cmd_evidence(int argc, char **argv);
int cmd_report(int argc, char **argv); /* tco or dsa */
int cmd_report_tco(int argc, char **argv);
int cmd_report_dsa(int argc, char **argv);
int cmd_dashboard(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_cases(int argc, char **argv);
int cmd_outbox(int argc, char **argv);
int cmd_sor(int argc, char **argv);

/* For the network commands (cli_network.c): parse an instant or a count option (0, or the
 * usage exit code after printing why), and open a store that must exist, load its network and
 * set the seeds from a file (0, or EXIT_DATA after printing why). */
int cli_parse_time(const char *cmd, const char *opt, const char *s, int64_t *out);
int cli_parse_count(const char *cmd, const char *opt, const char *s, long max, long *out);
int cli_parse_fraction(const char *cmd, const char *opt, const char *s, double *out);
/* Print s to stdout as a JSON string (quoted, escaped). */
void cli_print_json_str(const char *s);
int cmd_accounts_fit(int argc, char **argv);
/* Open the store, load its network, set the seeds (a file, or NULL: the suspended accounts) and
 * the score's weights (a weights file, or NULL: the built-in ones). 0, or an exit status after a
 * message. */
int cli_network_open(const char *cmd, const char *db_path, const struct vg_network_opts *opts,
                     const char *seeds_path, const char *weights_path, vg_db **db_out,
                     vg_network **net_out);

/* The model `classify`, `explain` and `ingest --model` use when none is named: $VIGIE_MODEL,
 * else the one shipped in models/. */
const char *cli_default_model(void);
/* Load a model, printing why it failed (then NULL). */
vg_classifier *cli_open_model(const char *cmd, const char *path);

/*
 * One long option of a subcommand, for cli_parse_options. Exactly one destination is set, and
 * it says what the option takes:
 *   str    the argument as given                               --rules FILE
 *   flag   set to 1; the option takes no argument              --shadow
 *   count  a whole number 0..max (cli_parse_count)             --limit N
 *   time   an instant (cli_parse_time)                         --until T
 *   list   the argument appended to list[*n], at most max      --post ID (repeatable)
 *   fraction  a number from 0 to 1 (cli_parse_fraction)       --threshold X
 *   parse  a value the command checks: parse(cmd, arg, dst)    --rank removal
 *          stores it through dst, or says why not (usage_error) and returns EXIT_USAGE
 * A flag given a max sets *flag to max instead of 1: flags sharing one int (--disable,
 * --enable) leave the value of the last one given.
 */
struct cli_opt {
    const char *name; /* without "--" */
    const char **str;
    int *flag;
    long *count;
    int64_t *time;
    const char **list;
    size_t *n;
    long max;
    double *fraction;
    int (*parse)(const char *cmd, const char *arg, void *dst);
    void *dst;
};

/* getopt_long over argv with the options opts[0..n_opts) and --help (-h), which calls help()
 * and returns -1. The first bad value or unknown option is reported ("vigie CMD: ...") and
 * ends the parse with EXIT_USAGE; 0 otherwise, with optind at the first operand. Destinations
 * keep the defaults the caller put there until their option is given. */
int cli_parse_options(const char *cmd, int argc, char **argv, const struct cli_opt *opts,
                      size_t n_opts, void (*help)(void));

/* One subcommand of a command group (`vigie network report`), for cli_run_subcommand. */
struct cli_subcommand {
    const char *name;
    int (*run)(int argc, char **argv); /* argv[0] is the subcommand's name */
};

/* `vigie GROUP SUB [options]`: run the subcommand argv[1] names with argv from it on. Without
 * one: help(stderr) and EXIT_USAGE; with --help or -h: help(stdout) and 0; an unknown one is a
 * usage error naming the subcommands in their order ("(score, eval, fit)"). */
int cli_run_subcommand(const char *group, int argc, char **argv, const struct cli_subcommand *subs,
                       size_t n_subs, void (*help)(FILE *));

/* Print "vigie: <msg>" to stderr; returns EXIT_USAGE for `return usage_error(...)`. */
int usage_error(const char *cmd, const char *fmt, ...) VG_PRINTF(2, 3);
/* Open a store that must exist (commands that read one): 0, or EXIT_DATA after saying why. */
int cli_open_store(const char *cmd, const char *path, vg_db **db);

/* Read a shared secret from a file (not the command line, where ps would show it): its first
 * line, at least 16 and at most cap - 1 bytes. 0, or EXIT_USAGE after saying why. */
int cli_read_secret(const char *cmd, const char *opt, const char *path, char *out, size_t cap);

/* Install the log sink that prints library errors to stderr. */
void cli_log_init(int verbose);

/* Progress on stderr, only when stderr is a terminal and not quiet. */
struct cli_progress {
    int enabled;
    double start;                      /* monotonic seconds */
    unsigned long long records_before; /* records of earlier inputs */
    int n_inputs, input_index;
};

void cli_progress_init(struct cli_progress *p, int quiet, int n_inputs);
void cli_progress_update(const struct vg_progress *pr, void *ud);
void cli_progress_done(struct cli_progress *p);

/* The live detectors of `vigie ingest` (cli_ingest_live.c). */
struct cli_live {
    vg_db *db;
    FILE *out;
    vg_storms *storms;
    int storms_done;
    vg_status storm_rc; /* the first alert that could not be stored */
    int64_t storm_last;
    uint64_t storm_posts, storm_late, storm_alerts;
    vg_returns *returns;
    size_t returns_links_before; /* links of the replay of what was stored before the ingest */
    vg_rules_live *rules;        /* --rules: account rules applied to what links and alerts name */
};

/* Start the detectors asked for (returns replays the store): 0, or EXIT_DATA after saying why. */
/* returns_track_secs: vg_returns_opts.track_secs of the returning-accounts stage. */
/* rules (may be NULL): the account rules applied live to the accounts links and alerts name. */
int cli_live_open(struct cli_live *l, vg_db *db, FILE *out, int storms, int returns,
                  int64_t returns_track_secs, const vg_rules *rules);
/* 1 when a detector runs. */
int cli_live_on(const struct cli_live *l);
/* One event stored as new or changed (the ingest's on_new_event). */
vg_status cli_live_feed(const struct vg_event *ev, struct cli_live *l);
/* End of the inputs: open storm alerts are reported final. 0, or EXIT_DATA after saying why. */
int cli_live_finish(struct cli_live *l);
/* The detectors' counts as JSON members (",\"storms\":{...}"), for the summary. */
void cli_live_summary(FILE *f, const struct cli_live *l);
void cli_live_close(struct cli_live *l);

/* Write a rejected record as one JSON line to f. */
void cli_write_reject(FILE *f, const struct vg_reject *r);

#endif /* VG_CLI_H */
