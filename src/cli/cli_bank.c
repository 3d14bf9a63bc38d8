/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_bank.c: `vigie bank`: banks of known items (docs/known.md). `eval-text` measures the
 * near-duplicate text index on the real corpora.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define DEFAULT_DATA "../shared/data"

static int bank_eval_text(int argc, char **argv)
{
    const char *cmd = "bank eval-text";
    static const struct option longopts[] = {
        { "data", required_argument, NULL, 'D' },
        { "threshold", required_argument, NULL, 't' },
        { "dedupe", required_argument, NULL, 'd' },
        { "min-chars", required_argument, NULL, 'm' },
        { "seed", required_argument, NULL, 's' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *data = DEFAULT_DATA;
    struct vg_known_eval_opts o;
    vg_known_eval_opts_init(&o);
    optind = 1;
    opterr = 0;
    int c, bad = 0;
    long n;
    while (!bad && (c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
            case 'D':
                data = optarg;
                break;
            case 't':
                bad = cli_parse_fraction(cmd, "--threshold", optarg, &o.threshold);
                break;
            case 'd':
                bad = cli_parse_fraction(cmd, "--dedupe", optarg, &o.dedupe);
                break;
            case 'm':
                bad = cli_parse_count(cmd, "--min-chars", optarg, 100000, &n);
                o.min_chars = (size_t)n;
                break;
            case 's':
                bad = cli_parse_count(cmd, "--seed", optarg, 0x7fffffffL, &n);
                o.seed = (uint64_t)n;
                break;
            case 'h':
                printf("usage: vigie bank eval-text [--data DIR] [--threshold X] [--dedupe X]\n"
                       "                            [--min-chars N] [--seed N]\n\n"
                       "Measure near-duplicate text matching on the real corpora under DIR\n"
                       "(default " DEFAULT_DATA "): mutations of pro-ISIS tweets against a bank\n"
                       "of them, negatives from the other corpora. Prints one JSON object\n"
                       "(docs/known.md explains every field).\n");
                return 0;
            default:
                return usage_error(cmd, "unknown or incomplete option '%s' (see --help)",
                                   argv[optind - 1]);
        }
    }
    if (bad)
        return bad;
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
    if (!strcmp(argv[1], "eval-text"))
        return bank_eval_text(argc - 1, argv + 1);
    return usage_error("bank", "unknown subcommand '%s' (add, import, export, list, eval-text)",
                       argv[1]);
}
