/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_match.c: `vigie match`: a text, a hash or a URL against the banks, or every stored post
 * (docs/known.md). Matches print as JSON lines with their distance, then a summary; with --posts
 * they are also stored on the posts (table post_matches) for the rules to read.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void match_help(void)
{
    printf("usage: vigie match [--db FILE] [--bank NAME] (--text T | --pdq HEX | --md5 HEX |\n"
           "                   --sha256 HEX | --url U | --posts)\n"
           "                   [--max-distance N] [--min-similarity X]\n\n"
           "Match against the live items of the banks (all banks, or --bank NAME):\n"
           "  --text T          near-duplicate text (similarity of 4-character shingles)\n"
           "  --pdq HEX         PDQ hash, Hamming distance up to --max-distance (default 31)\n"
           "  --md5, --sha256   file hashes, exact\n"
           "  --url U           URL, exact in canonical form\n"
           "  --posts           every stored post: its text and URLs; matches are stored on\n"
           "                    the post (table post_matches), a re-run adds nothing\n"
           "  --min-similarity X  text matches need at least X (default 0.5)\n"
           "Images: hash them to PDQ first and pass --pdq (no image hasher in this build).\n\n"
           "One JSON line per match:\n"
           "  {[\"post\",]\"bank\",\"item\",\"type\",\"value\",\"label\",\"source\",\"ideology\","
           "\"tco\",\n   \"tags\",\"distance\",\"similarity\"}\n"
           "then a summary line. Exit 0 (also with no match), 1 when the value is not of its\n"
           "type or the store fails, 2 on usage errors.\n");
}

static void print_opt(const char *key, const char *v)
{
    printf(",\"%s\":", key);
    if (v)
        cli_print_json_str(v);
    else
        printf("null");
}

static void print_match(const char *post, const struct vg_match *m)
{
    printf("{");
    if (post) {
        printf("\"post\":");
        cli_print_json_str(post);
        printf(",");
    }
    printf("\"bank\":");
    cli_print_json_str(m->bank);
    printf(",\"item\":%lld,\"type\":\"%s\"", (long long)m->item, vg_item_type_name(m->type));
    print_opt("value", m->value);
    print_opt("label", m->label);
    print_opt("source", m->source);
    print_opt("ideology", m->ideology);
    print_opt("tco", m->tco);
    print_opt("tags", m->tags);
    if (m->type == VG_ITEM_PDQ)
        printf(",\"distance\":%d", (int)m->distance);
    else
        printf(",\"distance\":%.4f", m->distance);
    printf(",\"similarity\":%.4f}\n", m->similarity);
}

static int on_match(const struct vg_match *m, void *ud)
{
    (*(uint64_t *)ud)++;
    print_match(NULL, m);
    return 0;
}

static int on_post_match(const char *post, const struct vg_match *m, void *ud)
{
    (void)ud;
    print_match(post, m);
    return 0;
}

int cmd_match(int argc, char **argv)
{
    const char *cmd = "match";
    static const struct option longopts[] = {
        { "db", required_argument, NULL, 'd' },
        { "bank", required_argument, NULL, 'b' },
        { "text", required_argument, NULL, 't' },
        { "pdq", required_argument, NULL, 'p' },
        { "md5", required_argument, NULL, '5' },
        { "sha256", required_argument, NULL, 'S' },
        { "url", required_argument, NULL, 'u' },
        { "posts", no_argument, NULL, 'P' },
        { "max-distance", required_argument, NULL, 'x' },
        { "min-similarity", required_argument, NULL, 'm' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *db_path = DEFAULT_DB, *bank = NULL, *value = NULL;
    enum vg_item_type type = VG_ITEM__COUNT;
    int posts = 0, modes = 0, bad = 0, c;
    long n;
    struct vg_match_opts o;
    vg_match_opts_init(&o);
    optind = 1;
    opterr = 0;
    while (!bad && (c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
            case 'd':
                db_path = optarg;
                break;
            case 'b':
                bank = optarg;
                break;
            case 't':
            case 'p':
            case '5':
            case 'S':
            case 'u':
                type = c == 't'   ? VG_ITEM_TEXT
                       : c == 'p' ? VG_ITEM_PDQ
                       : c == '5' ? VG_ITEM_MD5
                       : c == 'S' ? VG_ITEM_SHA256
                                  : VG_ITEM_URL;
                value = optarg;
                modes++;
                break;
            case 'P':
                posts = 1;
                modes++;
                break;
            case 'x':
                bad = cli_parse_count(cmd, "--max-distance", optarg, 256, &n);
                o.pdq_max_distance = (int)n;
                break;
            case 'm':
                bad = cli_parse_fraction(cmd, "--min-similarity", optarg, &o.text_min_similarity);
                break;
            case 'h':
                match_help();
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
    if (modes != 1)
        return usage_error(cmd, "give one of --text, --pdq, --md5, --sha256, --url, --posts");
    cli_log_init(0);
    vg_db *db;
    vg_status rc = vg_db_open(db_path, &db);
    if (rc) {
        fprintf(stderr, "vigie %s: cannot open %s: %s\n", cmd, db_path, vg_strerror(rc));
        return EXIT_DATA;
    }
    vg_matcher *m = NULL;
    size_t skipped = 0;
    int ex = 0;
    if ((rc = vg_matcher_open(db, bank, &m, &skipped))) {
        fprintf(stderr, "vigie %s: loading the banks: %s\n", cmd, vg_strerror(rc));
        vg_db_close(db);
        return EXIT_DATA;
    }
    if (posts) {
        struct vg_match_posts_summary sum = { 0 };
        rc = vg_match_posts(db, m, &o, on_post_match, NULL, &sum);
        if (rc) {
            fprintf(stderr, "vigie %s: %s\n", cmd, vg_strerror(rc));
            ex = EXIT_DATA;
        }
        printf("{\"summary\":\"match posts\",\"posts\":%llu,\"posts_matched\":%llu,"
               "\"matches\":%llu,\"new_matches\":%llu,\"items_loaded\":%zu,\"items_skipped\":%zu}"
               "\n",
               (unsigned long long)sum.posts, (unsigned long long)sum.posts_matched,
               (unsigned long long)sum.matches, (unsigned long long)sum.new_matches,
               vg_matcher_size(m, VG_ITEM_TEXT) + vg_matcher_size(m, VG_ITEM_URL) +
                       vg_matcher_size(m, VG_ITEM_PDQ) + vg_matcher_size(m, VG_ITEM_MD5) +
                       vg_matcher_size(m, VG_ITEM_SHA256),
               skipped);
    } else {
        uint64_t found = 0;
        char why[256] = "";
        rc = vg_matcher_match(m, type, value, &o, on_match, &found, why, sizeof(why));
        if (rc) {
            fprintf(stderr, "vigie %s: %s\n", cmd, rc == VG_EFIELD ? why : vg_strerror(rc));
            ex = EXIT_DATA;
        }
        printf("{\"summary\":\"match\",\"type\":\"%s\",\"items_of_type\":%zu,\"matches\":%llu}\n",
               vg_item_type_name(type), vg_matcher_size(m, type), (unsigned long long)found);
    }
    vg_matcher_free(m);
    vg_db_close(db);
    return ex;
}
