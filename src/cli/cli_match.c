/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_match.c: `vigie match`: a text, a hash, a URL or image files against the banks, or every
 * stored post (docs/known.md). Matches print as JSON lines with their distance, then a summary;
 * with --posts they are also stored on the posts (table post_matches) for the rules to read.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void match_help(void)
{
    printf("usage: vigie match [--db FILE] [--bank NAME] (--text T | --pdq HEX | --md5 HEX |\n"
           "                   --sha256 HEX | --url U | --posts | --image FILE...)\n"
           "                   [--max-distance N] [--min-similarity X]\n\n"
           "Match against the live items of the banks (all banks, or --bank NAME):\n"
           "  --text T          near-duplicate text (similarity of 4-character shingles)\n"
           "  --pdq HEX         PDQ hash, Hamming distance up to --max-distance (default 31)\n"
           "  --md5, --sha256   file hashes, exact\n"
           "  --url U           URL, exact in canonical form\n"
           "  --posts           every stored post: its text, URLs and media hashes (table\n"
           "                    post_media); matches are stored on the post (table\n"
           "                    post_matches), a re-run adds nothing\n"
           "  --image FILE...   hash each file (PDQ of the picture, MD5 and SHA-256 of the\n"
           "                    bytes) and match the hashes\n"
           "  --min-similarity X  text matches need at least X (default 0.5)\n"
           "PDQ hashes of quality under 50 (media of posts, --image) are not matched, and\n"
           "counted as low_quality.\n\n"
           "One JSON line per match:\n"
           "  {[\"post\"|\"file\",]\"bank\",\"item\",\"type\",\"value\",\"label\",\"source\","
           "\"ideology\",\n   \"tco\",\"tags\",\"distance\",\"similarity\"}\n"
           "then a summary line. Exit 0 (also with no match), 1 when the value is not of its\n"
           "type, a file cannot be read or the store fails, 2 on usage errors.\n");
}

static void print_opt(const char *key, const char *v)
{
    printf(",\"%s\":", key);
    if (v)
        cli_print_json_str(v);
    else
        printf("null");
}

/* key (may be NULL): "post" or "file", the thing matched, printed first. */
static void print_match(const char *key, const char *what, const struct vg_match *m)
{
    printf("{");
    if (key) {
        printf("\"%s\":", key);
        cli_print_json_str(what);
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
    print_match(NULL, NULL, m);
    return 0;
}

static int on_post_match(const char *post, const struct vg_match *m, void *ud)
{
    (void)ud;
    print_match("post", post, m);
    return 0;
}

struct image_run {
    const char *file;
    uint64_t matches;
};

static int on_image_match(const struct vg_match *m, void *ud)
{
    struct image_run *r = ud;
    r->matches++;
    print_match("file", r->file, m);
    return 0;
}

struct image_summary {
    unsigned long read, hashed, rejected, low_quality, matched;
    uint64_t matches;
};

/* Hash one file and match its hashes; an unreadable file is named on stderr and counted. */
static vg_status match_image(const vg_matcher *m, const struct vg_match_opts *o, const char *path,
                             struct image_summary *sum)
{
    struct vg_media_hashes h;
    char why[256] = "";
    sum->read++;
    vg_status rc = vg_media_hash_file(path, &h, why, sizeof(why));
    if (rc == VG_ENOMEM)
        return rc;
    if (rc) {
        fprintf(stderr, "vigie match: %s: %s\n", path, why[0] ? why : vg_strerror(rc));
        sum->rejected++;
        return VG_OK;
    }
    sum->hashed++;
    struct image_run r = { path, 0 };
    if (h.pdq[0] && h.pdq_quality < VG_PDQ_MIN_QUAL)
        sum->low_quality++;
    else if (h.pdq[0])
        rc = vg_matcher_match(m, VG_ITEM_PDQ, h.pdq, o, on_image_match, &r, NULL, 0);
    if (!rc)
        rc = vg_matcher_match(m, VG_ITEM_MD5, h.md5, o, on_image_match, &r, NULL, 0);
    if (!rc)
        rc = vg_matcher_match(m, VG_ITEM_SHA256, h.sha256, o, on_image_match, &r, NULL, 0);
    sum->matches += r.matches;
    sum->matched += r.matches > 0;
    return rc;
}

static int run_images(const vg_matcher *m, const struct vg_match_opts *o, char **files, int n)
{
    struct image_summary sum = { 0 };
    vg_status rc = VG_OK;
    for (int i = 0; i < n && !rc; i++)
        rc = match_image(m, o, files[i], &sum);
    if (rc)
        fprintf(stderr, "vigie match: %s\n", vg_strerror(rc));
    printf("{\"summary\":\"match image\",\"read\":%lu,\"hashed\":%lu,\"rejected\":%lu,"
           "\"low_quality\":%lu,\"files_matched\":%lu,\"matches\":%llu}\n",
           sum.read, sum.hashed, sum.rejected, sum.low_quality, sum.matched,
           (unsigned long long)sum.matches);
    return rc || sum.rejected ? EXIT_DATA : 0;
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
        { "image", no_argument, NULL, 'I' },
        { "max-distance", required_argument, NULL, 'x' },
        { "min-similarity", required_argument, NULL, 'm' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *db_path = DEFAULT_DB, *bank = NULL, *value = NULL;
    enum vg_item_type type = VG_ITEM__COUNT;
    int posts = 0, image = 0, modes = 0, bad = 0, c;
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
            case 'I':
                image = 1;
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
    if (optind < argc && !image)
        return usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (modes != 1)
        return usage_error(cmd,
                           "give one of --text, --pdq, --md5, --sha256, --url, --posts, --image");
    if (image && optind >= argc)
        return usage_error(cmd, "--image needs at least one FILE");
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
    if (image) {
        ex = run_images(m, &o, argv + optind, argc - optind);
    } else if (posts) {
        struct vg_match_posts_summary sum = { 0 };
        rc = vg_match_posts(db, m, &o, on_post_match, NULL, &sum);
        if (rc) {
            fprintf(stderr, "vigie %s: %s\n", cmd, vg_strerror(rc));
            ex = EXIT_DATA;
        }
        printf("{\"summary\":\"match posts\",\"posts\":%llu,\"posts_matched\":%llu,"
               "\"matches\":%llu,\"new_matches\":%llu,\"media\":%llu,\"media_low_quality\":%llu,"
               "\"items_loaded\":%zu,\"items_skipped\":%zu}\n",
               (unsigned long long)sum.posts, (unsigned long long)sum.posts_matched,
               (unsigned long long)sum.matches, (unsigned long long)sum.new_matches,
               (unsigned long long)sum.media, (unsigned long long)sum.media_low_quality,
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
