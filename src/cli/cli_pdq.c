/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_pdq.c: `vigie pdq FILE...`: the PDQ hash of each image file (JPEG, PNG, WebP; docs/pdq.md)
 * as "HASH QUALITY FILE" lines, or JSON lines with --json. An unreadable image gets an error
 * line naming the file and the reason on stderr (and a JSON line with --json); the others are
 * still hashed, and the exit status is 1 at the end. The last line is a JSON summary (stdout
 * with --json, stderr otherwise, so the text output stays three columns).
 */
#include <getopt.h>
#include <string.h>

#include "cli.h"

static void pdq_help(void)
{
    printf("usage: vigie pdq [--dihedral] [--json] [--raw-orientation] FILE...\n\n"
           "Print the PDQ perceptual hash of each image (JPEG, PNG or WebP, recognised by its\n"
           "content) as \"HASH QUALITY FILE\": 64 hex digits, the quality 0..100 (hashes under\n"
           "50 should not be matched) and the file. Two images whose hashes differ in at most\n"
           "31 bits are the same picture for PDQ. Docs: docs/pdq.md.\n\n"
           "options:\n"
           "  --dihedral         print the hashes of the 8 rotations and flips, in the order\n"
           "                     original, rot90, rot180, rot270, flipx, flipy, flip+1, flip-1,\n"
           "                     before the quality\n"
           "  --json             one JSON object per image, then a summary line\n"
           "  --raw-orientation  ignore EXIF orientation (hash the pixels as stored, as Meta's\n"
           "                     reference tool does)\n"
           "  --help, -h         this help\n");
}

static void print_json_hashes(const struct vg_pdq *h, int n)
{
    char hex[VG_PDQ_HEX_LEN + 1];
    vg_pdq_to_hex(&h[0], hex);
    printf("\"hash\":\"%s\"", hex);
    if (n > 1) {
        static const char *names[VG_PDQ__DIHEDRAL] = { "original",   "rotate90",   "rotate180",
                                                       "rotate270",  "flipx",      "flipy",
                                                       "flip_plus1", "flip_minus1" };
        printf(",\"dihedral\":{");
        for (int t = 0; t < n; t++) {
            vg_pdq_to_hex(&h[t], hex);
            printf("%s\"%s\":\"%s\"", t ? "," : "", names[t], hex);
        }
        putchar('}');
    }
}

static void print_text_hashes(const struct vg_pdq *h, int n)
{
    char hex[VG_PDQ_HEX_LEN + 1];
    for (int t = 0; t < n; t++) {
        vg_pdq_to_hex(&h[t], hex);
        printf("%s ", hex);
    }
}

int cmd_pdq(int argc, char **argv)
{
    const char *cmd = "pdq";
    int n_out = 1, json = 0;
    struct vg_image_opts opts = { 0 };
    const struct cli_opt options[] = {
        { "dihedral", .flag = &n_out, .max = VG_PDQ__DIHEDRAL },
        { "json", .flag = &json },
        { "raw-orientation", .flag = &opts.ignore_orientation },
    };
    int bad = cli_parse_options(cmd, argc, argv, options, sizeof(options) / sizeof(options[0]),
                                pdq_help);
    if (bad)
        return bad < 0 ? 0 : bad;
    if (optind >= argc)
        return usage_error(cmd, "no image file given (see --help)");
    cli_log_init(0);
    unsigned long read = 0, hashed = 0, rejected = 0, low_quality = 0;
    for (int i = optind; i < argc; i++) {
        const char *path = argv[i];
        struct vg_pdq h[VG_PDQ__DIHEDRAL];
        char err[256] = "";
        int q = 0;
        read++;
        vg_status rc = vg_pdq_hash_file(path, &opts, h, n_out, &q, err, sizeof err);
        if (rc) {
            rejected++;
            fprintf(stderr, "vigie pdq: %s: %s\n", path, err[0] ? err : vg_strerror(rc));
            if (json) {
                printf("{\"file\":");
                cli_print_json_str(path);
                printf(",\"error\":");
                cli_print_json_str(err[0] ? err : vg_strerror(rc));
                printf(",\"code\":\"%s\"}\n", vg_errname(rc));
            }
            continue;
        }
        hashed++;
        low_quality += q < VG_PDQ_MIN_QUAL;
        if (json) {
            printf("{\"file\":");
            cli_print_json_str(path);
            putchar(',');
            print_json_hashes(h, n_out);
            printf(",\"quality\":%d}\n", q);
        } else {
            print_text_hashes(h, n_out);
            printf("%d %s\n", q, path);
        }
    }
    FILE *sf = json ? stdout : stderr;
    fprintf(sf,
            "{\"summary\":\"pdq\",\"read\":%lu,\"hashed\":%lu,\"rejected\":%lu,"
            "\"low_quality\":%lu}\n",
            read, hashed, rejected, low_quality);
    return rejected ? EXIT_DATA : 0;
}
