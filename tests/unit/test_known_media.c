/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_known_media.c: media hashes (src/known/known_media.c, docs/known.md#media). MD5 against
 * RFC 1321's vectors and lengths around the padding boundaries; the hashes of invented fixture
 * files (PNG and text of tests/cases/0090-pdq, values from `vigie pdq` and Python's hashlib);
 * file names that may be joined to a media folder; names opened inside a media folder (links
 * refused wherever they point, names climbing out refused, a FIFO not waited on, with openat2
 * and with the component walk); post_media rows stored with a post; stored
 * media matched against the banks (PDQ distance, low quality not matched, MD5 exact, a post
 * matched by text and media counted once); and `ingest --media-dir` hashing files named by
 * `file` or `id` (an id naming no file is left alone), with a missing file reported while its
 * post lands.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "known.h"
#include "store_fixture.h"

#define FIXTURES VG_SOURCE_DIR "/tests/cases/0090-pdq"

static void md5_hex(const char *s, size_t len, char out[33])
{
    uint8_t d[16];
    vg__md5(s, len, d);
    for (int i = 0; i < 16; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void md5_vectors(void **state)
{
    (void)state;

    static const struct {
        const char *in, *md5;
    } rfc[] = {
        { "", "d41d8cd98f00b204e9800998ecf8427e" },
        { "a", "0cc175b9c0f1b6a831c399e269772661" },
        { "abc", "900150983cd24fb0d6963f7d28e17f72" },
        { "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
        { "abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b" },
        { "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
          "d174ab98d277d9f5a5611c2c9f419d9f" },
        { "1234567890123456789012345678901234567890"
          "1234567890123456789012345678901234567890",
          "57edf4a22be3c955ac49da2e2107b67a" },
    };

    char hex[33];
    for (size_t i = 0; i < sizeof(rfc) / sizeof(rfc[0]); i++) {
        md5_hex(rfc[i].in, strlen(rfc[i].in), hex);
        assert_string_equal(hex, rfc[i].md5);
    }

    /* Around the padding: 55 bytes fit one block with the length, 56 need two. */
    static const struct {
        size_t n;
        const char *md5;
    } runs[] = {
        { 55, "ef1772b6dff9a122358552954ad0df65" },   { 56, "3b0c8ac703f828b04c6c197006d17218" },
        { 64, "014842d480b571495a4a0363793f7367" },   { 119, "8a7bd0732ed6a28ce75f6dabc90e1613" },
        { 1000, "cabe45dcc9ae5b66ba86600cca6b8ba8" },
    };

    char a[1000];
    memset(a, 'a', sizeof(a));
    for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
        md5_hex(a, runs[i].n, hex);
        assert_string_equal(hex, runs[i].md5);
    }
}

static void hashes_of_fixture_files(void **state)
{
    (void)state;
    struct vg_media_hashes h;
    char why[200];
    assert_int_equal(vg_media_hash_file(FIXTURES "/rgb.png", &h, why, sizeof(why)), VG_OK);
    assert_string_equal(h.pdq, "ff6a008cab6f55d5209b34f06f0a35df6b0ac0b08b5fce10149acff0bea54a0f");
    assert_int_equal(h.pdq_quality, 100);
    assert_string_equal(h.md5, "0ef147daa588e1b6c5f2e98c91dac34d");
    assert_string_equal(h.sha256,
                        "8a4841c6c02dfa4840143c0a54b2e60497af8d4d11035eed37616aaf1c35d6bf");
    /* Not a picture: the file hashes stand, no PDQ, and why says so. */
    assert_int_equal(vg_media_hash_file(FIXTURES "/notes.txt", &h, why, sizeof(why)), VG_OK);
    assert_string_equal(h.pdq, "");
    assert_int_equal(h.pdq_quality, -1);
    assert_string_equal(h.md5, "f03bad8114ea048ed5390cd5bc76cfa8");
    assert_string_equal(h.sha256,
                        "c04bee9d659201c6647cbc29f7c2e1556b8370c54f4a50a32d84ceab2fddf6cd");
    assert_true(why[0] != '\0');
    assert_int_equal(vg_media_hash_file(FIXTURES "/missing.png", &h, why, sizeof(why)), VG_ENOENT);
    assert_string_equal(h.md5, "");
    assert_int_equal(vg_media_hash_file(FIXTURES, &h, why, sizeof(why)), VG_EIO);
    assert_string_equal(why, "not a regular file");
}

static void safe_file_names(void **state)
{
    (void)state;
    const char *good[] = { "a.png", "d/a.png", "a..b.png", ".hidden", "x/.y/z", "a b.jpg" };
    const char *bad[] = { "",     "/a.png", "../a.png", "a/../b", "a/..", "./a.png",
                          "a//b", "a/",     "a\\b",     "..",     "." };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        assert_int_equal(vg_media_file_name_safe(good[i]), 1);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(vg_media_file_name_safe(bad[i]), 0);
    assert_int_equal(vg_media_file_name_safe(NULL), 0);
}

/* ---- opening a name inside the media folder ------------------------------------------------ */

/* A folder made for the test: root/outside.txt, and in root/media: in.txt, d/deep.txt, links to
 * a file and a folder inside, links out (relative, absolute, through a folder), and a FIFO. */
struct beneath_tree {
    char root[128], media[160];
};

/* dir/name into path (300 bytes), which must hold it. */
static void join_path(char *path, const char *dir, const char *name)
{
    int n = snprintf(path, 300, "%s/%s", dir, name);
    assert_true(n > 0 && n < 300);
}

static void put_file(const char *dir, const char *name, const char *text)
{
    char path[300];
    join_path(path, dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void link_at(const char *dir, const char *name, const char *target)
{
    char path[300];
    join_path(path, dir, name);
    assert_int_equal(symlink(target, path), 0);
}

static void beneath_tree_make(struct beneath_tree *t)
{
    snprintf(t->root, sizeof(t->root), "/tmp/vigie-beneath-%d", (int)getpid());
    snprintf(t->media, sizeof(t->media), "%s/media", t->root);
    char path[300];
    assert_int_equal(mkdir(t->root, 0700), 0);
    assert_int_equal(mkdir(t->media, 0700), 0);
    join_path(path, t->media, "d");
    assert_int_equal(mkdir(path, 0700), 0);
    put_file(t->root, "outside.txt", "secret\n");
    put_file(t->media, "in.txt", "inside\n");
    put_file(path, "deep.txt", "deep\n");
    link_at(t->media, "link_in", "in.txt");
    link_at(t->media, "dlink_in", "d");
    link_at(t->media, "link_out", "../outside.txt");
    snprintf(path, sizeof(path), "%s/outside.txt", t->root);
    link_at(t->media, "link_abs", path);
    link_at(t->media, "dlink_out", "..");
    snprintf(path, sizeof(path), "%s/fifo", t->media);
    assert_int_equal(mkfifo(path, 0600), 0);
}

static void beneath_tree_remove(const struct beneath_tree *t)
{
    static const char *const names[] = {
        "media/d/deep.txt", "media/d",        "media/in.txt",   "media/link_in",
        "media/dlink_in",   "media/link_out", "media/link_abs", "media/dlink_out",
        "media/fifo",       "media",          "outside.txt"
    };
    char path[300];
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", t->root, names[i]);
        assert_int_equal(remove(path), 0);
    }
    assert_int_equal(rmdir(t->root), 0);
}

/* What vg__media_open_beneath reads of name (walk as given): VG_OK and the bytes in text, or
 * the error and why. */
static vg_status read_beneath(int dir_fd, const char *name, int walk, char *text, char *why)
{
    text[0] = 0;
    int fd;
    vg_status rc = vg__media_open_beneath(dir_fd, name, walk, &fd, why, 200);
    if (rc) {
        assert_int_equal(fd, -1);
        return rc;
    }
    ssize_t n = read(fd, text, 63);
    close(fd);
    assert_true(n >= 0);
    text[n] = 0;
    return rc;
}

static void open_beneath_refuses_links_and_escapes(void **state)
{
    (void)state;
    struct beneath_tree t;
    beneath_tree_make(&t);
    int dir_fd = open(t.media, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    assert_true(dir_fd >= 0);
    static const char link_why[] = "a symbolic link, not followed (media files must be regular "
                                   "files inside the media folder)";
    static const char *const links[] = { "link_in", "dlink_in/deep.txt", "link_out", "link_abs",
                                         "dlink_out/outside.txt" };
    char abs_out[300];
    snprintf(abs_out, sizeof(abs_out), "%s/outside.txt", t.root);
    const char *const escapes[] = { "../outside.txt", abs_out, "d/../../outside.txt", "./in.txt" };
    char text[64], why[200];
    /* walk 0: openat2 on this kernel (Linux >= 5.6), the walk elsewhere; walk 1: the walk. The
     * outcome is the same. */
    for (int walk = 0; walk <= 1; walk++) {
        assert_int_equal(read_beneath(dir_fd, "in.txt", walk, text, why), VG_OK);
        assert_string_equal(text, "inside\n");
        assert_int_equal(read_beneath(dir_fd, "d/deep.txt", walk, text, why), VG_OK);
        assert_string_equal(text, "deep\n");
        /* Links are refused wherever they point, inside the folder too. */
        for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
            assert_int_equal(read_beneath(dir_fd, links[i], walk, text, why), VG_EIO);
            assert_string_equal(why, link_why);
            assert_string_equal(text, "");
        }
        for (size_t i = 0; i < sizeof(escapes) / sizeof(escapes[0]); i++) {
            assert_int_equal(read_beneath(dir_fd, escapes[i], walk, text, why), VG_EIO);
            assert_string_equal(why, "not a relative path inside the media folder");
        }
        assert_int_equal(read_beneath(dir_fd, "gone.png", walk, text, why), VG_ENOENT);
        assert_string_equal(why, "cannot open: No such file or directory");
        assert_int_equal(read_beneath(dir_fd, "in.txt/x", walk, text, why), VG_EIO);
        assert_string_equal(why, "cannot open: Not a directory");
    }
    /* A FIFO is opened without waiting for a writer, then refused. */
    struct vg_media_hashes h;
    assert_int_equal(vg__media_hash_file_at(dir_fd, "fifo", &h, why, sizeof(why)), VG_EIO);
    assert_string_equal(why, "not a regular file");
    assert_int_equal(vg__media_hash_file_at(dir_fd, "link_out", &h, why, sizeof(why)), VG_EIO);
    assert_string_equal(why, link_why);
    assert_string_equal(h.md5, "");
    assert_int_equal(vg__media_hash_file_at(dir_fd, "d/deep.txt", &h, why, sizeof(why)), VG_OK);
    assert_string_equal(h.md5, "1b385affd7adb5a6283fef292b5df0f7"); /* md5sum of "deep\n" */
    close(dir_fd);
    beneath_tree_remove(&t);
}

/* ---- stored with the post, matched against the banks --------------------------------------- */

static const char *const pdq_a = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
static const char *const md5_a = "0ef147daa588e1b6c5f2e98c91dac34d";

/* pdq_a with its first `bits` bits flipped. */
static void flipped(int bits, char out[65])
{
    struct vg_pdq h;
    assert_int_equal(vg_pdq_from_hex(pdq_a, &h), VG_OK);
    for (int i = 0; i < bits; i++)
        h.bytes[i / 8] ^= (uint8_t)(0x80 >> (i % 8));
    vg_pdq_to_hex(&h, out);
}

static void put_post(vg_db *db, const char *id, int64_t at, const char *text,
                     struct vg_media *media, size_t n)
{
    struct vg_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = VG_EV_POST;
    ev.u.post.id = id;
    ev.u.post.account = "acc";
    ev.u.post.created_at = at;
    ev.u.post.text = text;
    ev.u.post.media = media;
    ev.u.post.n_media = n;
    fixture_put(db, &ev);
}

struct seen {
    char line[8][160];
    int n;
};

static int on_post_match(const char *post, const struct vg_match *m, void *ud)
{
    struct seen *s = ud;
    if (s->n < 8)
        snprintf(s->line[s->n++], sizeof(s->line[0]), "%s %s %s %g", post, m->bank,
                 vg_item_type_name(m->type), m->distance);
    return 0;
}

static int64_t count_rows(const char *sql)
{
    sqlite3 *raw;
    assert_int_equal(sqlite3_open(fixture_path, &raw), SQLITE_OK);
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(raw, sql, -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(raw);
    return n;
}

static void media_matched_against_banks(void **state)
{
    (void)state;
    vg_db *db = fixture_db("media", "match");
    struct vg_bank_item it = { .bank = "B", .type = VG_ITEM_PDQ, .value = pdq_a };
    enum vg_bank_change ch;
    assert_int_equal(vg_bank_put(db, &it, &ch), VG_OK);
    it.type = VG_ITEM_MD5;
    it.value = md5_a;
    assert_int_equal(vg_bank_put(db, &it, &ch), VG_OK);
    it.type = VG_ITEM_TEXT;
    it.value = "the invented brigade announces a new video about the caravan of the mountain";
    assert_int_equal(vg_bank_put(db, &it, &ch), VG_OK);

    char d5[65], d3[65], d40[65];
    flipped(5, d5);
    flipped(3, d3);
    flipped(40, d40);
    /* p1: PDQ at distance 5, quality 90: matched. p2: distance 3 but quality 40: not matched,
     * counted. p3: quality not given: matched; and its MD5 too. p4: distance 40: no match, and
     * no hash at all on its second media (no row). p5: the text and the MD5 both match. */
    struct vg_media m1 = { .type = "photo", .pdq = d5, .pdq_quality = 90 };
    struct vg_media m2 = { .type = "photo", .pdq = d3, .pdq_quality = 40 };
    struct vg_media m3 = { .type = "photo", .pdq = d3, .pdq_quality = -1, .md5 = md5_a };
    struct vg_media m4[2] = { { .type = "photo", .pdq = d40, .pdq_quality = 100 },
                              { .type = "video", .url = "https://e.invalid/v.mp4" } };
    struct vg_media m5 = { .md5 = md5_a, .pdq_quality = -1 };
    put_post(db, "p1", 1700000001, "a picture", &m1, 1);
    put_post(db, "p2", 1700000002, "a dark picture", &m2, 1);
    put_post(db, "p3", 1700000003, "another", &m3, 1);
    put_post(db, "p4", 1700000004, "two files", m4, 2);
    put_post(db, "p5", 1700000005,
             "The invented brigade announces a NEW video about the caravan of the mountain", &m5,
             1);
    put_post(db, "p6", 1700000006, "no media", NULL, 0);
    assert_int_equal(vg_db_flush(db), VG_OK);
    assert_int_equal(count_rows("SELECT count(*) FROM post_media"), 5);
    assert_int_equal(count_rows("SELECT count(*) FROM post_media WHERE post = 'p3' AND idx = 0"
                                " AND pdq_quality IS NULL AND md5 = '"
                                "0ef147daa588e1b6c5f2e98c91"
                                "dac34d'"),
                     1);
    assert_int_equal(count_rows("SELECT pdq_quality FROM post_media WHERE post = 'p2'"), 40);

    vg_matcher *m;
    assert_int_equal(vg_matcher_open(db, NULL, &m, NULL), VG_OK);
    struct vg_match_opts o;
    vg_match_opts_init(&o);
    struct vg_match_posts_summary s = { 0 };
    struct seen seen = { 0 };
    assert_int_equal(vg_match_posts(db, m, &o, on_post_match, &seen, &s), VG_OK);
    assert_int_equal(s.posts, 6);
    assert_int_equal(s.media, 5);
    assert_int_equal(s.media_low_quality, 1);
    assert_int_equal(s.matches, 5);
    assert_int_equal(s.new_matches, 5);
    assert_int_equal(s.posts_matched, 3); /* p1, p3, p5 (text and media: once) */
    assert_int_equal(seen.n, 5);
    assert_string_equal(seen.line[0], "p5 B text 0");
    assert_string_equal(seen.line[1], "p1 B pdq 5");
    assert_string_equal(seen.line[2], "p3 B pdq 3");
    assert_string_equal(seen.line[3], "p3 B md5 0");
    assert_string_equal(seen.line[4], "p5 B md5 0");
    assert_int_equal(count_rows("SELECT count(*) FROM post_matches WHERE kind = 'pdq'"
                                " AND post = 'p1' AND distance = 5"),
                     1);
    /* Idempotent. */
    memset(&s, 0, sizeof(s));
    assert_int_equal(vg_match_posts(db, m, &o, NULL, NULL, &s), VG_OK);
    assert_int_equal(s.matches, 5);
    assert_int_equal(s.new_matches, 0);
    /* A stricter distance loses the PDQ match at 5 but keeps the one at 3. */
    o.pdq_max_distance = 4;
    memset(&s, 0, sizeof(s));
    assert_int_equal(vg_match_posts(db, m, &o, NULL, NULL, &s), VG_OK);
    assert_int_equal(s.matches, 4);
    vg_matcher_free(m);
    fixture_close(db);
}

/* ---- ingest --media-dir --------------------------------------------------------------------- */

struct logged {
    char msg[8][300];
    int n;
};

static void capture_log(enum vg_log_level level, const char *msg, void *ud)
{
    struct logged *l = ud;
    if (level == VG_LOG_ERROR && l->n < 8)
        snprintf(l->msg[l->n++], sizeof(l->msg[0]), "%s", msg);
}

#define POST(id, media)                                                                            \
    "{\"type\":\"post\",\"id\":\"" id "\",\"account\":\"a\",\"created_at\":\"2026-01-01\","        \
    "\"text\":\"\",\"media\":[" media "]}\n"
#define PDQ_GIVEN "0000000000000000000000000000000000000000000000000000000000000001"

static void ingest_hashes_media_files(void **state)
{
    (void)state;
    char input[128];
    snprintf(input, sizeof(input), "/tmp/vigie-media-%d.jsonl", (int)getpid());
    FILE *f = fopen(input, "w");
    assert_non_null(f);
    fputs(POST("a1", "{\"type\":\"photo\",\"file\":\"rgb.png\"}")
                  POST("a2", "{\"type\":\"photo\",\"id\":\"palette.png\",\"pdq\":\"" PDQ_GIVEN
                             "\"}") POST("a3", "{\"type\":\"photo\",\"file\":\"missing.png\"}")
                          POST("a4", "{\"type\":\"photo\",\"file\":\"notes.txt\"}")
                                  POST("a5", "{\"type\":\"video\",\"file\":\"notes.txt\"}")
                                          POST("a6", "{\"type\":\"photo\",\"id\":"
                                                     "\"https://e.invalid/m/1\"}"),
          f);
    fclose(f);

    vg_db *db = fixture_db("media", "ingest");
    struct logged log = { 0 };
    vg_log_set(capture_log, &log, VG_LOG_ERROR);
    struct vg_ingest_opts o;
    vg_ingest_opts_init(&o);
    o.media_dir = FIXTURES;
    struct vg_ingest_summary sum = { 0 };
    assert_int_equal(vg_ingest_path(db, input, &o, &sum), VG_OK);
    assert_int_equal(sum.read, 6);
    assert_int_equal(sum.accepted, 6);
    assert_int_equal(sum.rejected, 0);
    assert_int_equal(sum.media_hashed, 4); /* a1, a2, a4, a5 */
    /* a3's file is missing, a4's is not a picture; a6's id names no file: not an error. */
    assert_int_equal(sum.media_errors, 2);
    assert_int_equal(log.n, 2);
    char want[400];
    snprintf(want, sizeof(want),
             "%s:3: field media[0].file: missing.png: cannot open: No such file or directory",
             input);
    assert_string_equal(log.msg[0], want);
    assert_non_null(strstr(log.msg[1], ":4: field media[0].file: notes.txt: not a picture PDQ "
                                       "can hash ("));
    assert_int_equal(count_rows("SELECT count(*) FROM posts"), 6);
    assert_int_equal(count_rows("SELECT count(*) FROM post_media"), 4);
    assert_int_equal(count_rows("SELECT count(*) FROM post_media WHERE post = 'a1' AND pdq = "
                                "'ff6a008cab6f55d5209b34f06f0a35df6b0ac0b08b5fce10149acff0bea54a0f'"
                                " AND pdq_quality = 100 AND md5 = "
                                "'0ef147daa588e1b6c5f2e98c91dac34d' AND sha256 = "
                                "'8a4841c6c02dfa4840143c0a54b2e60497af8d4d11035eed37616aaf1c35d6bf'"
                                " AND file = 'rgb.png'"),
                     1);
    /* The hash the event gives is kept; the missing ones are computed. */
    assert_int_equal(
            count_rows("SELECT count(*) FROM post_media WHERE post = 'a2' AND pdq = '" PDQ_GIVEN
                       "' AND pdq_quality IS NULL AND md5 = "
                       "'6edc4601ac8a575135a8dae8312f8aa6'"),
            1);
    assert_int_equal(count_rows("SELECT count(*) FROM post_media WHERE post IN ('a4', 'a5') AND "
                                "pdq IS NULL AND md5 = 'f03bad8114ea048ed5390cd5bc76cfa8'"),
                     2);

    /* Again: every post is a duplicate, and nothing is read from disk. */
    memset(&sum, 0, sizeof(sum));
    log.n = 0;
    assert_int_equal(vg_ingest_path(db, input, &o, &sum), VG_OK);
    assert_int_equal(sum.duplicates, 6);
    assert_int_equal(sum.media_hashed + sum.media_errors, 0);
    assert_int_equal(log.n, 0);
    fixture_close(db);

    /* Without a media folder nothing is hashed: only the hash a2's event gives is stored. */
    db = fixture_db("media", "ingest-nodir");
    o.media_dir = NULL;
    memset(&sum, 0, sizeof(sum));
    assert_int_equal(vg_ingest_path(db, input, &o, &sum), VG_OK);
    assert_int_equal(sum.accepted, 6);
    assert_int_equal(sum.media_hashed + sum.media_errors, 0);
    assert_int_equal(count_rows("SELECT count(*) FROM post_media"), 1);
    vg_log_set(NULL, NULL, VG_LOG_ERROR);
    fixture_close(db);
    unlink(input);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(md5_vectors),
        cmocka_unit_test(hashes_of_fixture_files),
        cmocka_unit_test(safe_file_names),
        cmocka_unit_test(open_beneath_refuses_links_and_escapes),
        cmocka_unit_test(media_matched_against_banks),
        cmocka_unit_test(ingest_hashes_media_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
