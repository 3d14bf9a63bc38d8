/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_link.c: the returning-accounts stage (src/link/): names folded through digit suffixes,
 * look-alikes, Arabic/Latin transliteration and reordering; the bit-parallel edit distance
 * against the textbook table; shout-out cues in three languages and the texts that must not
 * fire; the index (candidates, reinstatement, time, generic avatars, avatar pictures by PDQ
 * distance); the batch over a small
 * invented store (link time, evidence, personas across two returns, the stored table); follows
 * weighed by rarity among the suspended; the
 * evaluation against a truth file; allocation failures. All names and texts are invented.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "link.h"
#include "store.h"

#define T0 1772352000 /* 2026-03-01T08:00:00Z */

static double name_sim(const char *a, const char *b)
{
    struct vg_link_name x, y;
    vg__link_name_fold(a, strlen(a), &x);
    vg__link_name_fold(b, strlen(b), &y);
    return vg__link_name_similarity(&x, &y);
}

/* ---- names --------------------------------------------------------------------------------- */

static void names_fold_to_skeletons(void **state)
{
    (void)state;
    struct vg_link_name n;
    vg__link_name_fold("Qaridun_Malisa22", 16, &n);
    assert_string_equal(n.key, "krdnmls");
    assert_int_equal(n.suffix_digits, 2);
    assert_int_equal(n.n_tok, 2);
    assert_string_equal(n.tok[0], "krdn");
    assert_string_equal(n.tok[1], "mls");
    assert_string_equal(n.sorted, "krdnmls");
    assert_string_equal(n.alt, "");
    /* Arabic script: the same consonants. */
    const char *ar = "قاريدون ماليسا";
    vg__link_name_fold(ar, strlen(ar), &n);
    assert_string_equal(n.key, "krdnmls");
    /* '1' is read as i, and as l in the second reading. */
    vg__link_name_fold("ba1oru", 6, &n);
    assert_string_equal(n.key, "br");
    assert_string_equal(n.alt, "blr");
    /* Empty, digits only, emoji only: empty keys, no crash. */
    vg__link_name_fold("", 0, &n);
    assert_string_equal(n.key, "");
    vg__link_name_fold("12345", 5, &n);
    assert_string_equal(n.key, "");
    assert_int_equal(n.suffix_digits, 5);
    vg__link_name_fold("\xf0\x9f\x94\xa5\xf0\x9f\x94\xa5", 8, &n);
    assert_string_equal(n.key, "");
    /* Invalid UTF-8 bytes are skipped. */
    vg__link_name_fold("ta\xff\xfemira", 9, &n);
    assert_string_equal(n.key, "tmr");
}

static void names_match_through_mutations(void **state)
{
    (void)state;
    /* Digit suffix. */
    assert_true(name_sim("qaridun_malisa", "qaridun_malisa7") == 1.0);
    /* Look-alike digits and Cyrillic letters (U+0430 a, U+043E o). */
    assert_true(name_sim("qaridun_malisa", "qar1dun_m4l1sa") == 1.0);
    assert_true(name_sim("Qaridun Malisa", "Q\xd0\xb0ridun M\xd0\xb0lis\xd0\xb0") == 1.0);
    assert_true(name_sim("Tolomeki Sarun", "T\xd0\xbel\xd0\xbemeki Sarun") == 1.0);
    /* Another Latin transliteration of the same syllables, and Arabic script. */
    assert_true(name_sim("mosa_rida", "musah_reeda") == 1.0);
    assert_true(name_sim("qaridun malisa", "kareedoun maleesah") == 1.0);
    assert_true(name_sim("Qaridun Malisa", "قاريدون ماليسا") == 1.0);
    /* Reordered parts. */
    assert_true(name_sim("qaridun_malisa", "malisa.qaridun") == 1.0);
    /* One letter more: close, not equal. */
    double s = name_sim("qaridun_malisa", "qaridun_malisat");
    assert_true(s > 0.8 && s < 1.0);
    /* Unrelated names are far apart. */
    assert_true(name_sim("qaridun_malisa", "bozefi_tarunel") < 0.5);
    assert_true(name_sim("Qaridun Malisa", "Wepo Zlatigor") < 0.5);
    /* Short skeletons weigh less even when equal. */
    s = name_sim("ali", "aly");
    assert_true(s > 0 && s < 0.7);
}

static size_t naive_distance(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    size_t d[65][65];
    for (size_t i = 0; i <= na; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= nb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= na; i++)
        for (size_t j = 1; j <= nb; j++) {
            size_t sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
            d[i][j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
    return d[na][nb];
}

static void edit_distance_matches_the_table(void **state)
{
    (void)state;
    assert_int_equal(vg__link_edit_distance("kitten", 6, "sitting", 7), 3);
    assert_int_equal(vg__link_edit_distance("", 0, "abc", 3), 3);
    uint64_t x = 12345;
    for (int t = 0; t < 2000; t++) {
        char a[65], b[65];
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        size_t na = (size_t)(x >> 58), nb = (size_t)((x >> 52) & 63);
        for (size_t i = 0; i < na; i++) {
            x = x * 6364136223846793005ull + 1;
            a[i] = (char)('a' + (x >> 61));
        }
        for (size_t i = 0; i < nb; i++) {
            x = x * 6364136223846793005ull + 1;
            b[i] = (char)('a' + (x >> 61));
        }
        a[na] = b[nb] = '\0';
        assert_int_equal(vg__link_edit_distance(a, na, b, nb), naive_distance(a, b));
    }
}

/* ---- bios and signatures ------------------------------------------------------------------- */

static void bios_and_signatures(void **state)
{
    (void)state;
    struct vg_link_bio a, b;
    const char *x = "Gardener of the valley. Invented words", *y = "Gardener of the valley #3";
    vg__link_bio_fold(x, strlen(x), &a);
    vg__link_bio_fold(y, strlen(y), &b);
    /* {gardener, of, the, valley, invented, words} vs {gardener, of, the, valley}: 4/6. */
    assert_int_equal(a.n, 6);
    assert_int_equal(b.n, 4);
    assert_true(fabs(vg__link_bio_similarity(&a, &b) - 4.0 / 6.0) < 1e-9);
    struct vg_link_sig s1, s2, s3;
    vg__link_sig_init(&s1);
    vg__link_sig_init(&s2);
    vg__link_sig_init(&s3);
    for (uint64_t i = 0; i < 400; i++) {
        vg__link_sig_add(&s1, vg_hash64(&i, sizeof(i), 1));
        if (i < 200)
            vg__link_sig_add(&s2, vg_hash64(&i, sizeof(i), 1));
        uint64_t j = i + 100000;
        vg__link_sig_add(&s3, vg_hash64(&j, sizeof(j), 1));
    }
    /* s2 is half of s1: Jaccard 0.5, containment of s2 in s1 1. */
    double j = vg__link_sig_jaccard(&s1, &s2);
    assert_true(j > 0.2 && j < 0.8);
    assert_true(vg__link_sig_containment(&s2, &s1) > 0.6);
    assert_true(vg__link_sig_jaccard(&s1, &s3) < 0.15);
    assert_true(vg__link_sig_jaccard(&s1, &s1) == 1.0);
}

/* ---- shout-outs ---------------------------------------------------------------------------- */

static unsigned cues(const char *t)
{
    return vg__link_shout_cues(t, strlen(t));
}

static void shout_cues_in_three_languages(void **state)
{
    (void)state;
    assert_int_equal(cues("My backup account got suspended, this is the new one"), VG_SHOUT_RETURN);
    assert_int_equal(cues("Brothers, please FOLLOW @zorvik_nel and RT"), VG_SHOUT_PROMOTE);
    assert_int_equal(cues("Nouveau compte de notre frère, abonnez-vous @zorvik"),
                     VG_SHOUT_RETURN | VG_SHOUT_PROMOTE);
    assert_int_equal(cues("Suivez @zorvik, l'ancien a été suspendu"),
                     VG_SHOUT_RETURN | VG_SHOUT_PROMOTE);
    assert_int_equal(cues("الحساب الجديد للأخ @zorvik تابعوا وانشروا"),
                     VG_SHOUT_RETURN | VG_SHOUT_PROMOTE);
    assert_int_equal(cues("عاد الأخ بعد التعليق @zorvik"), VG_SHOUT_RETURN);
    assert_int_equal(cues("#Baqiyah @zorvik"), VG_SHOUT_BAQIYA);
    assert_int_equal(cues("باقية وتتمدد"), VG_SHOUT_BAQIYA);
    /* Not cues: words that contain a cue, everyday posts. */
    assert_int_equal(cues("I started a new job and my sharpening kit arrived"), 0);
    assert_int_equal(cues("The restart went fine, the artist is happy"), 0);
    assert_int_equal(cues("هذا عادي جدا في الصيف"), 0);
    assert_int_equal(cues(""), 0);
    /* Invalid UTF-8: no cues, no crash. */
    assert_int_equal(cues("follow \xff\xfe"), 0);
    assert_true(vg__link_shout_strength(VG_SHOUT_RETURN | VG_SHOUT_PROMOTE) >
                vg__link_shout_strength(VG_SHOUT_PROMOTE));
    assert_true(vg__link_shout_strength(0) == 0);
    char names[64];
    vg__link_shout_names(VG_SHOUT_RETURN | VG_SHOUT_BAQIYA, names, sizeof(names));
    assert_string_equal(names, "return,baqiya");
}

/* ---- the index ----------------------------------------------------------------------------- */

static void add(vg_return_index *ix, const char *id, const char *handle, const char *name,
                const char *avatar, int64_t at)
{
    struct vg_return_account a = { id,     handle,     name, "Invented bio of a test account",
                                   avatar, NULL,       0,    NULL,
                                   0,      T0 - 86400, NULL, -1 };
    assert_int_equal(vg_return_index_add(ix, &a, at), VG_OK);
}

static void index_ranks_and_forgets(void **state)
{
    (void)state;
    vg_return_index *ix;
    assert_int_equal(vg_return_index_new(&ix), VG_OK);
    add(ix, "p1", "qaridun_malisa", "Qaridun Malisa", "https://img.example/a/1.jpg", T0);
    add(ix, "p2", "bozefi_tarunel", "Bozefi Tarunel", "https://img.example/a/2.jpg", T0);
    add(ix, "p3", "qaridun_molesk", "Qaridun Molesk", "https://img.example/a/3.jpg", T0 + 500);
    assert_int_equal(vg_return_index_size(ix), 3);
    struct vg_return_account q = { "c1",
                                   "qar1dun_malisa4",
                                   "قاريدون ماليسا",
                                   NULL,
                                   "https://img.example/a/1.jpg",
                                   NULL,
                                   0,
                                   NULL,
                                   0,
                                   T0 + 3600,
                                   NULL,
                                   -1 };
    struct vg_return_candidate c[8];
    size_t n;
    assert_int_equal(vg_return_index_query(ix, &q, T0 + 3600, c, 8, &n), VG_OK);
    assert_true(n >= 2);
    assert_string_equal(c[0].replaces, "p1");
    assert_true(c[0].score > 0.9);
    assert_string_equal(c[1].replaces, "p3"); /* shares "qaridun" */
    assert_true(c[1].score < 0.5);
    /* Before p3's suspension, p3 is no candidate. */
    assert_int_equal(vg_return_index_query(ix, &q, T0 + 100, c, 8, &n), VG_OK);
    for (size_t i = 0; i < n; i++)
        assert_string_not_equal(c[i].replaces, "p3");
    /* Reinstated: gone. */
    vg_return_index_remove(ix, "p1");
    assert_int_equal(vg_return_index_size(ix), 2);
    assert_int_equal(vg_return_index_query(ix, &q, T0 + 3600, c, 8, &n), VG_OK);
    assert_true(n >= 1);
    assert_string_equal(c[0].replaces, "p3");
    /* Suspended again: back, and the id is not doubled. */
    add(ix, "p1", "qaridun_malisa", "Qaridun Malisa", "https://img.example/a/1.jpg", T0);
    assert_int_equal(vg_return_index_size(ix), 3);
    /* An avatar URL shared by many suspended accounts is no evidence. */
    for (int i = 0; i < 5; i++) {
        char id[16], h[32];
        snprintf(id, sizeof(id), "g%d", i);
        snprintf(h, sizeof(h), "wepo_zlat%c", 'a' + i);
        add(ix, id, h, "Zlat", "https://img.example/default.png", T0);
    }
    struct vg_return_account g = { "c2",
                                   "tumeki_horan",
                                   "Tumeki Horan",
                                   NULL,
                                   "https://img.example/default.png",
                                   NULL,
                                   0,
                                   NULL,
                                   0,
                                   T0 + 60,
                                   NULL,
                                   -1 };
    assert_int_equal(vg_return_index_query(ix, &g, T0 + 60, c, 8, &n), VG_OK);
    for (size_t i = 0; i < n; i++)
        assert_true(c[i].score < 0.05);
    /* A query without an id is refused. */
    struct vg_return_account bad = { 0 };
    assert_int_equal(vg_return_index_query(ix, &bad, T0, c, 8, &n), VG_EINVAL);
    vg_return_index_free(ix);
    vg_return_index_free(NULL);
}

/* ---- avatar pictures by PDQ distance ------------------------------------------------------- */

/* An invented picture hash: 256 bits from a seed, with the first `flips` bits flipped. */
static void picture(uint64_t seed, int flips, char hex[VG_PDQ_HEX_LEN + 1])
{
    struct vg_pdq h;
    for (int i = 0; i < VG_PDQ_BYTES; i += 8) {
        uint64_t v = vg_hash64(&seed, sizeof(seed), (uint64_t)i);
        memcpy(h.bytes + i, &v, 8);
    }
    for (int b = 0; b < flips; b++)
        h.bytes[b / 8] ^= (uint8_t)(1u << (b % 8));
    vg_pdq_to_hex(&h, hex);
}

/* A suspended account whose only evidence is its avatar's picture (names unlike the query's). */
static void add_pictured(vg_link_index *ix, const char *id, uint64_t seed, int quality)
{
    char hex[VG_PDQ_HEX_LEN + 1];
    picture(seed, 0, hex);
    struct vg_link_profile p;
    vg__link_profile_init(&p, id, id, NULL, NULL, NULL, T0 - 86400);
    vg__link_profile_set_pdq(&p, hex, quality);
    assert_int_equal(vg__link_index_add(ix, &p, T0), VG_OK);
}

/* The candidate `id` of a query showing picture seed with `flips` bits flipped; 0 if none. */
static int pictured_candidate(vg_link_index *ix, uint64_t seed, int flips, int quality,
                              const char *id, struct vg_link_candidate *out)
{
    char hex[VG_PDQ_HEX_LEN + 1];
    picture(seed, flips, hex);
    struct vg_link_profile q;
    vg__link_profile_init(&q, "new1", "zorvex_palun", "Zorvex Palun", NULL,
                          "https://img.example/new.jpg", T0 + 3600);
    vg__link_profile_set_pdq(&q, hex, quality);
    struct vg_link_candidate c[8];
    size_t n;
    assert_int_equal(vg__link_index_query(ix, &q, NULL, T0 + 3600, c, 8, &n), VG_OK);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(vg__link_index_id(ix, c[i].entry), id)) {
            *out = c[i];
            struct vg_buf b;
            vg_buf_init(&b, 1 << 16);
            assert_int_equal(vg__link_evidence_json(ix, &q, &c[i], &b), VG_OK);
            char want[64];
            snprintf(want, sizeof(want), "{\"kind\":\"avatar\",\"pdq_distance\":%d}",
                     c[i].pdq_distance);
            assert_true((c[i].avatar > 0) == (strstr(b.data, want) != NULL));
            vg_buf_release(&b);
            return 1;
        }
    return 0;
}

static void index_matches_avatar_pictures(void **state)
{
    (void)state;
    assert_true(vg__link_pdq_term(0) == 1 && vg__link_pdq_term(VG_LINK_PDQ_FULL) == 1);
    assert_true(fabs(vg__link_pdq_term(20) - 11.0 / 21.0) < 1e-12);
    assert_true(vg__link_pdq_term(VG_LINK_PDQ_D) == 0);
    vg_link_index *ix;
    assert_int_equal(vg_return_index_new(&ix), VG_OK);
    add_pictured(ix, "s1", 1, 90);
    add_pictured(ix, "s2", 2, -1); /* quality unknown: matched */
    add_pictured(ix, "s3", 3, 49); /* low quality: not indexed */
    for (int i = 0; i < 4; i++) {  /* a stock picture of four suspended accounts */
        char id[8];
        snprintf(id, sizeof(id), "g%d", i);
        add_pictured(ix, id, 99, 100);
    }
    struct vg_link_candidate c;
    /* A re-encoded copy under a new URL: within VG_LINK_PDQ_FULL the term is 1. */
    assert_true(pictured_candidate(ix, 1, 6, 95, "s1", &c));
    assert_int_equal(c.pdq_distance, 6);
    assert_true(c.avatar == 1 && !c.same_url);
    /* Further away the term falls linearly; from D on the picture is not found. */
    assert_true(pictured_candidate(ix, 1, 20, 95, "s1", &c));
    assert_int_equal(c.pdq_distance, 20);
    assert_true(fabs(c.avatar - 11.0 / 21.0) < 1e-12);
    assert_false(pictured_candidate(ix, 1, VG_LINK_PDQ_D + 1, 95, "s1", &c));
    assert_true(pictured_candidate(ix, 2, 3, -1, "s2", &c));
    assert_int_equal(c.pdq_distance, 3);
    /* Low quality on either side: ignored. */
    assert_false(pictured_candidate(ix, 3, 0, 90, "s3", &c));
    assert_false(pictured_candidate(ix, 1, 0, 30, "s1", &c));
    /* The stock picture matches four suspended accounts: generic, no candidate. After one is
     * reinstated, three: evidence again. */
    assert_false(pictured_candidate(ix, 99, 2, 90, "g0", &c));
    vg__link_index_remove(ix, "g3");
    assert_true(pictured_candidate(ix, 99, 2, 90, "g0", &c));
    assert_true(c.avatar == 1);
    /* Reinstated: gone; suspended again with another picture: the old one no longer matches. */
    vg__link_index_remove(ix, "s1");
    assert_false(pictured_candidate(ix, 1, 6, 95, "s1", &c));
    add_pictured(ix, "s1", 7, 90);
    assert_false(pictured_candidate(ix, 1, 0, 95, "s1", &c));
    assert_true(pictured_candidate(ix, 7, 0, 95, "s1", &c));
    assert_int_equal(c.pdq_distance, 0);
    /* Ablation: without the avatar, no picture counts. */
    vg__link_index_set_without(ix, VG_RETURN_NO_AVATAR);
    assert_false(pictured_candidate(ix, 7, 0, 95, "s1", &c));
    vg_return_index_free(ix);
}

/* ---- the batch over a store ---------------------------------------------------------------- */

static char path[256];

static void remove_db_files(void)
{
    const char *side[] = { "", "-wal", "-shm" };
    for (int i = 0; i < 3; i++) {
        char p[300];
        snprintf(p, sizeof(p), "%s%s", path, side[i]);
        unlink(p);
    }
}

/* When set, every event that changes the store is also fed to it, as ingest's hook does. */
static vg_returns *g_live;
static uint64_t g_fed;

static void put(vg_db *db, const struct vg_event *ev)
{
    enum vg_put_result res;
    assert_int_equal(vg_db_put(db, ev, &res), VG_OK);
    if (g_live && res != VG_PUT_DUPLICATE) {
        assert_int_equal(vg_returns_feed(g_live, ev), VG_OK);
        g_fed++;
    }
}

/* A profile; pdq: its picture's hash (NULL: none). */
static void account_pictured(vg_db *db, const char *id, const char *handle, const char *name,
                             const char *avatar, const char *pdq, int64_t at)
{
    struct vg_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = VG_EV_ACCOUNT;
    ev.u.account.id = id;
    ev.u.account.handle = handle;
    ev.u.account.name = name;
    ev.u.account.bio = "Invented bio of a test account";
    ev.u.account.avatar_url = avatar;
    ev.u.account.created_at = VG_TIME_UNKNOWN;
    ev.u.account.followers = ev.u.account.following = ev.u.account.posts = -1;
    ev.u.account.observed_at = at;
    ev.u.account.avatar_pdq = pdq;
    ev.u.account.avatar_pdq_quality = -1;
    put(db, &ev);
}

static void account(vg_db *db, const char *id, const char *handle, const char *name,
                    const char *avatar, int64_t at)
{
    account_pictured(db, id, handle, name, avatar, NULL, at);
}

static void follow(vg_db *db, const char *src, const char *dst, int64_t at)
{
    struct vg_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = VG_EV_FOLLOW;
    ev.u.edge.src = src;
    ev.u.edge.dst = dst;
    ev.u.edge.at = at;
    put(db, &ev);
}

static void moderate(vg_db *db, enum vg_event_type type, const char *id, int64_t at)
{
    struct vg_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = type;
    ev.u.moderation.account = id;
    ev.u.moderation.at = at;
    put(db, &ev);
}

static void post(vg_db *db, const char *id, const char *author, int64_t at, const char *text,
                 const char *mention)
{
    struct vg_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = VG_EV_POST;
    ev.u.post.id = id;
    ev.u.post.account = author;
    ev.u.post.created_at = at;
    ev.u.post.text = text;
    const char *m[1] = { mention };
    if (mention) {
        ev.u.post.mentions.v = m;
        ev.u.post.mentions.n = 1;
    }
    put(db, &ev);
}

/*
 * A small world: p1 and p2 are suspended; c1 comes back as p1 with mutated names and the same
 * avatar (linked on sight); c2 looks like nobody but names p2's handle in a post with cues and
 * follows what p2 followed (linked at that post); n1 is an ordinary newcomer; c1 is suspended
 * in turn and c3 replaces it (persona p1 across two returns).
 */
static vg_db *small_world_fed(vg_returns **live, const struct vg_returns_opts *opts)
{
    snprintf(path, sizeof(path), "/tmp/vigie-link-%d.db", (int)getpid());
    remove_db_files();
    vg_db *db;
    assert_int_equal(vg_db_open(path, &db), VG_OK);
    if (live) {
        assert_int_equal(vg_returns_start(db, opts, live), VG_OK);
        g_live = *live;
        g_fed = 0;
    }
    account(db, "p1", "qaridun_malisa", "Qaridun Malisa", "https://img.example/a/1.jpg", T0);
    account(db, "p2", "zorvik_nelamo", "Zorvik Nelamo", "https://img.example/a/2.jpg", T0);
    const char *fans[] = { "f1", "f2", "f3", "f4", "f5", "f6" };
    for (int i = 0; i < 6; i++) {
        account(db, fans[i], fans[i], fans[i], NULL, T0);
        follow(db, fans[i], "p1", T0);
        follow(db, "p2", fans[i], T0);
    }
    moderate(db, VG_EV_SUSPENSION, "p1", T0 + 3600);
    moderate(db, VG_EV_SUSPENSION, "p2", T0 + 3600);
    account(db, "c1", "qar1dun_malisa4", "قاريدون ماليسا", "https://img.example/a/1.jpg",
            T0 + 7200);
    account(db, "n1", "bozefi_tarunel", "Bozefi Tarunel", NULL, T0 + 7300);
    post(db, "q1", "n1", T0 + 7400, "Lovely weather at the invented lake today", NULL);
    account(db, "c2", "lumbo_seraf", "Lumbo Seraf", NULL, T0 + 8000);
    for (int i = 0; i < 6; i++)
        follow(db, "c2", fans[i], T0 + 8100 + i);
    post(db, "q2", "c2", T0 + 9000,
         "New account: my old one @zorvik_nelamo was suspended, follow and share", "zorvik_nelamo");
    post(db, "q3", "f1", T0 + 9500, "Our friend is back, follow @qar1dun_malisa4",
         "qar1dun_malisa4");
    moderate(db, VG_EV_SUSPENSION, "c1", T0 + 20000);
    account(db, "c3", "qaridun_malisa9", "Qaridun Malisa", "https://img.example/a/1.jpg",
            T0 + 30000);
    assert_int_equal(vg_db_flush(db), VG_OK);
    g_live = NULL;
    return db;
}

static vg_db *small_world(void)
{
    return small_world_fed(NULL, NULL);
}

static const char *link_field(char *json, const char *key, char *out, size_t cap)
{
    char pat[64];
    snprintf(pat, sizeof(pat), "\"%s\":\"", key);
    const char *p = strstr(json, pat);
    assert_non_null(p);
    p += strlen(pat);
    size_t n = strcspn(p, "\"");
    assert_true(n < cap);
    memcpy(out, p, n);
    out[n] = '\0';
    return out;
}

static void batch_links_on_time_with_personas(void **state)
{
    (void)state;
    vg_db *db = small_world();
    vg_returns *r;
    assert_int_equal(vg_returns_run(db, NULL, &r), VG_OK);
    assert_int_equal(vg_returns_n_links(r), 3);
    const char *want[3][4] = {
        { "c1", "p1", "p1", "2026-03-01T10:00:00Z" },
        { "c2", "p2", "p2", "2026-03-01T10:30:00Z" },
        { "c3", "c1", "p1", "2026-03-01T16:20:00Z" },
    };
    for (size_t i = 0; i < 3; i++) {
        char *json, buf[64];
        assert_int_equal(vg_returns_link_json(r, i, &json), VG_OK);
        assert_string_equal(link_field(json, "account", buf, sizeof(buf)), want[i][0]);
        assert_string_equal(link_field(json, "replaces", buf, sizeof(buf)), want[i][1]);
        assert_string_equal(link_field(json, "persona", buf, sizeof(buf)), want[i][2]);
        assert_string_equal(link_field(json, "linked_at", buf, sizeof(buf)), want[i][3]);
        if (i == 0)
            assert_non_null(strstr(json, "{\"kind\":\"avatar\",\"same_url\":true}"));
        if (i == 1) {
            assert_non_null(strstr(json, "\"kind\":\"names_old_handle\",\"by\":\"self\""));
            assert_non_null(strstr(json, "\"post\":\"q2\""));
            assert_non_null(strstr(json, "\"kind\":\"follows\""));
        }
        vg_free(json);
    }
    assert_int_equal(vg_returns_link_time(r, 1), T0 + 9000);
    char *sum;
    assert_int_equal(vg_returns_summary_json(r, &sum), VG_OK);
    assert_non_null(strstr(sum, "\"new_accounts\":4,\"suspensions\":3"));
    assert_non_null(strstr(sum, "\"links\":3,\"personas\":2"));
    vg_free(sum);
    /* Stored, replacing an earlier run's links. */
    assert_int_equal(vg_returns_store(db, r), VG_OK);
    assert_int_equal(vg_returns_store(db, r), VG_OK);
    vg_returns_free(r);
    vg_db_close(db);
    sqlite3 *s;
    assert_int_equal(sqlite3_open(path, &s), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(s,
                                        "SELECT count(*), sum(persona = 'p1'), "
                                        "min(linked_at) FROM return_links",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 3);
    assert_int_equal(sqlite3_column_int(st, 1), 2);
    assert_int_equal(sqlite3_column_int64(st, 2), T0 + 7200);
    sqlite3_finalize(st);
    sqlite3_close(s);
    remove_db_files();
}

static int64_t sql_count(const char *sql)
{
    sqlite3 *s;
    assert_int_equal(sqlite3_open(path, &s), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(s, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(s);
    return n;
}

/* A reviewer rejects c1 -> p1 (the first return of persona p1, which c3 continues): the stored
 * link goes, c3's link now names c1 as its persona (p1's persona split), one audit entry; again,
 * nothing; an account without a link must name the one it replaces. The batch run after it
 * makes no c1 -> p1 link and says it passed the pair over; so does live linking started after. */
static void rejected_link_splits_its_persona(void **state)
{
    (void)state;
    vg_db *db = small_world();
    vg_returns *r;
    assert_int_equal(vg_returns_run(db, NULL, &r), VG_OK);
    assert_int_equal(vg_returns_store(db, r), VG_OK);
    vg_returns_free(r);
    struct vg_actor by;
    vg_actor_cli(&by);
    struct vg_return_rejection out;
    assert_int_equal(vg_returns_reject(db, &by, "c1", NULL, "alike names", &out), VG_OK);
    assert_string_equal(out.replaces, "p1");
    assert_int_equal(out.already, 0);
    assert_int_equal(out.removed, 1);
    assert_int_equal(out.personas, 1);
    assert_int_equal(vg_returns_reject(db, &by, "c1", "p1", NULL, &out), VG_OK);
    assert_int_equal(out.already, 1);
    assert_int_equal(out.removed, 0);
    assert_int_equal(vg_returns_reject(db, &by, "n1", NULL, NULL, &out), VG_ENOENT);
    assert_int_equal(vg_returns_reject(db, &by, "n1", "", NULL, &out), VG_EINVAL);
    vg_returns *live;
    assert_int_equal(vg_returns_run(db, NULL, &r), VG_OK);
    assert_int_equal(vg_returns_start(db, NULL, &live), VG_OK);
    const vg_returns *runs[2] = { r, live };
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < vg_returns_n_links(runs[k]); i++) {
            char *json, acc[64], rep[64];
            assert_int_equal(vg_returns_link_json(runs[k], i, &json), VG_OK);
            assert_false(!strcmp(link_field(json, "account", acc, sizeof(acc)), "c1") &&
                         !strcmp(link_field(json, "replaces", rep, sizeof(rep)), "p1"));
            vg_free(json);
        }
        char *sum;
        assert_int_equal(vg_returns_summary_json(runs[k], &sum), VG_OK);
        assert_non_null(strstr(sum, "\"rejections\":1,\"passed_over\":"));
        assert_null(strstr(sum, "\"passed_over\":0"));
        vg_free(sum);
    }
    vg_returns_free(live);
    vg_returns_free(r);
    vg_db_close(db);
    assert_int_equal(sql_count("SELECT count(*) FROM return_links WHERE account = 'c1'"), 0);
    assert_int_equal(sql_count("SELECT count(*) FROM return_links WHERE account = 'c3' AND "
                               "replaces = 'c1' AND persona = 'c1'"),
                     1);
    assert_int_equal(sql_count("SELECT count(*) FROM return_links WHERE persona = 'p2'"), 1);
    assert_int_equal(sql_count("SELECT count(*) FROM return_rejections"), 1);
    assert_int_equal(sql_count("SELECT count(*) FROM audit_log WHERE action = 'returns.reject' "
                               "AND object = 'account:c1' AND detail LIKE '%alike names%'"),
                     1);
    remove_db_files();
}

/* Fed live as the events are stored, the stage makes the batch's links, at the same instants,
 * with the same evidence; the stored table gets them one by one. */
static void live_feed_links_as_the_batch(void **state)
{
    (void)state;
    vg_returns *live, *batch;
    vg_db *db = small_world_fed(&live, NULL);
    assert_int_equal(vg_returns_run(db, NULL, &batch), VG_OK);
    assert_int_equal(vg_returns_n_links(live), 3);
    assert_int_equal(vg_returns_n_links(batch), 3);
    for (size_t i = 0; i < 3; i++) {
        char *a, *b;
        assert_int_equal(vg_returns_link_json(live, i, &a), VG_OK);
        assert_int_equal(vg_returns_link_json(batch, i, &b), VG_OK);
        assert_string_equal(a, b);
        vg_free(a);
        vg_free(b);
        assert_int_equal(vg_returns_store_link(db, live, i), VG_OK);
    }
    uint64_t events, late;
    vg_returns_live_counts(live, &events, &late);
    assert_int_equal(events, g_fed);
    assert_int_equal(late, 0);
    /* A profile whose counts alone changed is not a new identity: nothing re-evaluated. */
    struct vg_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = VG_EV_ACCOUNT;
    ev.u.account = (struct vg_account){ .id = "n1",
                                        .followers = 12,
                                        .following = -1,
                                        .posts = -1,
                                        .created_at = VG_TIME_UNKNOWN,
                                        .observed_at = T0 + 40000 };
    char *before, *after;
    assert_int_equal(vg_returns_summary_json(live, &before), VG_OK);
    assert_int_equal(vg_returns_feed(live, &ev), VG_OK);
    assert_int_equal(vg_returns_summary_json(live, &after), VG_OK);
    assert_string_equal(before, after);
    vg_free(before);
    vg_free(after);
    /* An event earlier than the last one fed is applied and counted late. */
    ev.type = VG_EV_FOLLOW;
    ev.u.edge = (struct vg_edge){ "f2", "c3", T0 + 100 };
    assert_int_equal(vg_returns_feed(live, &ev), VG_OK);
    vg_returns_live_counts(live, &events, &late);
    assert_int_equal(late, 1);
    /* A batch result is not live; kinds the stage does not read are ignored. */
    assert_int_equal(vg_returns_feed(batch, &ev), VG_EINVAL);
    ev.type = VG_EV_REPORT;
    assert_int_equal(vg_returns_feed(live, &ev), VG_OK);
    assert_int_equal(vg_returns_store_link(db, live, 3), VG_EINVAL);
    vg_returns_free(live);
    vg_returns_free(batch);
    vg_db_close(db);
    sqlite3 *s;
    assert_int_equal(sqlite3_open(path, &s), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(s, "SELECT count(*), min(linked_at) FROM return_links", -1,
                                        &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 3);
    assert_int_equal(sqlite3_column_int64(st, 1), T0 + 7200);
    sqlite3_finalize(st);
    sqlite3_close(s);
    remove_db_files();
}

/* With track_secs, a new account is forgotten that long after its first action, live and in the
 * batch alike: c2 (first seen at +8000 s, its post naming p2 at +9000 s) is no longer linked with
 * 500 s; c1 and c3, linked on sight, are. Events about an expired account change nothing. */
static void live_tracks_expire(void **state)
{
    (void)state;
    struct vg_returns_opts o;
    vg_returns_opts_init(&o);
    assert_true(o.track_secs == 0);
    o.track_secs = 500;
    vg_returns *live, *batch;
    vg_db *db = small_world_fed(&live, &o);
    assert_int_equal(vg_returns_run(db, &o, &batch), VG_OK);
    assert_int_equal(vg_returns_n_links(live), 2);
    assert_int_equal(vg_returns_n_links(batch), 2);
    for (size_t i = 0; i < 2; i++) {
        char *a, *b, buf[64];
        assert_int_equal(vg_returns_link_json(live, i, &a), VG_OK);
        assert_int_equal(vg_returns_link_json(batch, i, &b), VG_OK);
        assert_string_equal(a, b);
        assert_string_equal(link_field(a, "account", buf, sizeof(buf)), i ? "c3" : "c1");
        vg_free(a);
        vg_free(b);
    }
    /* By c3's profile (+30000 s), c1, n1 and c2 have expired. */
    char *sum;
    assert_int_equal(vg_returns_summary_json(live, &sum), VG_OK);
    assert_non_null(strstr(sum, "\"track_hours\":0.1389,\"expired\":3}"));
    vg_free(sum);
    /* The early figures of an expired account stay for the evaluation. */
    struct vg_link_new_info info;
    vg__returns_new_info(live, 2, &info);
    assert_string_equal(info.id, "c2");
    assert_int_equal(info.linked, 0);
    assert_true(info.first_action == T0 + 8000);
    /* Its later events are applied to the graph and link nothing. */
    struct vg_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = VG_EV_FOLLOW;
    ev.u.edge = (struct vg_edge){ "f3", "c2", T0 + 40000 };
    assert_int_equal(vg_returns_feed(live, &ev), VG_OK);
    ev.u.edge = (struct vg_edge){ "c2", "f4", T0 + 40001 };
    assert_int_equal(vg_returns_feed(live, &ev), VG_OK);
    memset(&ev, 0, sizeof(ev));
    ev.type = VG_EV_POST;
    const char *m[1] = { "zorvik_nelamo" };
    ev.u.post = (struct vg_post){ .id = "q9", .account = "c2", .created_at = T0 + 40002 };
    ev.u.post.text = "Old account @zorvik_nelamo was suspended, follow and share";
    ev.u.post.mentions.v = m;
    ev.u.post.mentions.n = 1;
    assert_int_equal(vg_returns_feed(live, &ev), VG_OK);
    assert_int_equal(vg_returns_n_links(live), 2);
    vg_returns_free(live);
    vg_returns_free(batch);
    /* Without expiry the batch links c2 too. */
    assert_int_equal(vg_returns_run(db, NULL, &batch), VG_OK);
    assert_int_equal(vg_returns_n_links(batch), 3);
    vg_returns_free(batch);
    vg_db_close(db);
    remove_db_files();
}

static void batch_respects_before_and_ablation(void **state)
{
    (void)state;
    vg_db *db = small_world();
    struct vg_returns_opts o;
    vg_returns_opts_init(&o);
    /* Before c2's post: only c1 is linked. */
    o.before = T0 + 9000;
    vg_returns *r;
    assert_int_equal(vg_returns_run(db, &o, &r), VG_OK);
    assert_int_equal(vg_returns_n_links(r), 1);
    vg_returns_free(r);
    /* Without posts, c2 has nothing but its follows: not linked. */
    vg_returns_opts_init(&o);
    o.without = VG_RETURN_NO_POSTS;
    assert_int_equal(vg_returns_run(db, &o, &r), VG_OK);
    assert_int_equal(vg_returns_n_links(r), 2);
    vg_returns_free(r);
    /* Without names and avatar, c1 has only its bio and the shout-out by f1: not linked. */
    o.without = VG_RETURN_NO_NAMES | VG_RETURN_NO_AVATAR;
    assert_int_equal(vg_returns_run(db, &o, &r), VG_OK);
    assert_int_equal(vg_returns_n_links(r), 1);
    vg_returns_free(r);
    vg_db_close(db);
    remove_db_files();
}

/*
 * Rare follows weigh more than common ones. Six accounts are suspended: pa followed h1 and r1;
 * pb and s1..s4 followed h1, h2 and h3 (so h2 and h3 are followed by five of the six, h1 by all
 * six, r1 by pa alone); y1 followed pa alone. The new account c follows h1, h2, h3 and r1 and is
 * followed by y1. Plain containment prefers pb (3 of its 4 follows against pa's 2); weighed by
 * rarity (ln(1 + 6 / d)), pa shares ln 2 + ln 7 = 2.64 of c's 4.22 and pb ln 2 + 2 ln 2.2 = 2.27,
 * less than a suspended account shares by chance (2.33), and y1 (ln 7 = 1.95) points at pa
 * alone. c's post naming pa's handle links it, with the weights
 * in the evidence.
 */
static vg_db *rare_world(void)
{
    snprintf(path, sizeof(path), "/tmp/vigie-link-rare-%d.db", (int)getpid());
    remove_db_files();
    vg_db *db;
    assert_int_equal(vg_db_open(path, &db), VG_OK);
    const char *sus[] = { "pa", "pb", "s1", "s2", "s3", "s4" };
    const char *handles[] = { "vorilo_kamesh", "tesunar_bilo", "gadimu_perro",
                              "holafi_zenkar", "jumeto_ribas", "kifaro_lesnu" };
    const char *other[] = { "h1", "h2", "h3", "r1", "y1" };
    for (int i = 0; i < 6; i++)
        account(db, sus[i], handles[i], handles[i], NULL, T0);
    for (int i = 0; i < 5; i++)
        account(db, other[i], other[i], other[i], NULL, T0);
    follow(db, "pa", "h1", T0);
    follow(db, "pa", "r1", T0);
    for (int i = 1; i < 6; i++)
        for (int k = 0; k < 3; k++)
            follow(db, sus[i], other[k], T0);
    follow(db, "y1", "pa", T0);
    for (int i = 0; i < 6; i++)
        moderate(db, VG_EV_SUSPENSION, sus[i], T0 + 3600);
    account(db, "c", "mirelu_dostan", "Mirelu Dostan", NULL, T0 + 7200);
    for (int k = 0; k < 4; k++)
        follow(db, "c", other[k], T0 + 7300 + k);
    follow(db, "y1", "c", T0 + 7400);
    post(db, "qc", "c", T0 + 9000, "New account, the old one @vorilo_kamesh was suspended",
         "vorilo_kamesh");
    assert_int_equal(vg_db_flush(db), VG_OK);
    return db;
}

static void rare_follows_weigh_more(void **state)
{
    (void)state;
    vg_db *db = rare_world();
    vg_returns *r;
    assert_int_equal(vg_returns_run(db, NULL, &r), VG_OK);
    /* Early (5 actions: profile and 4 follows, then y1's follow), pa ranks first. */
    struct vg_link_new_info info;
    assert_int_equal(vg__returns_n_new(r), 1);
    vg__returns_new_info(r, 0, &info);
    assert_string_equal(info.id, "c");
    assert_true(info.n_early >= 2);
    assert_string_equal(info.early[0], "pa");
    assert_int_equal(vg_returns_n_links(r), 1);
    char *json, buf[64];
    assert_int_equal(vg_returns_link_json(r, 0, &json), VG_OK);
    assert_string_equal(link_field(json, "replaces", buf, sizeof(buf)), "pa");
    /* (shared - chance) / (whole + 4). Chance: each account's weight times the share of the
     * suspended that follow it, ln 2 + 2 ln 2.2 x 5/6 + ln 7 / 6 = 2.332 for the follows, ln 7 / 6
     * = 0.324 for y1: (2.639 - 2.332) / 8.216 and (1.946 - 0.324) / 5.946. */
    assert_non_null(strstr(json, "{\"kind\":\"follows\",\"overlap\":0.037,\"rare_weight\":2.64}"));
    assert_non_null(
            strstr(json, "{\"kind\":\"followers\",\"overlap\":0.273,\"rare_weight\":1.95}"));
    vg_free(json);
    vg_returns_free(r);
    /* Without follows, no weights, and the early ranking has nothing to tell pa from pb. */
    struct vg_returns_opts o;
    vg_returns_opts_init(&o);
    o.without = VG_RETURN_NO_FOLLOWS;
    assert_int_equal(vg_returns_run(db, &o, &r), VG_OK);
    assert_int_equal(vg_returns_link_json(r, 0, &json), VG_OK);
    assert_null(strstr(json, "rare_weight"));
    assert_null(strstr(json, "\"kind\":\"follows\""));
    vg_free(json);
    vg_returns_free(r);
    vg_db_close(db);
    remove_db_files();
}

/* Two suspended accounts the newcomer resembles almost equally (one letter of their names
 * apart): no link on sight, though the better scores over the threshold; its own post naming
 * the other settles it. */
static void near_tie_waits(void **state)
{
    (void)state;
    snprintf(path, sizeof(path), "/tmp/vigie-link-tie-%d.db", (int)getpid());
    remove_db_files();
    vg_db *db;
    assert_int_equal(vg_db_open(path, &db), VG_OK);
    account(db, "pa", "vorilo_kamed", "Vorilo Kamed", NULL, T0);
    account(db, "pb", "vorilo_kamet", "Vorilo Kamet", NULL, T0);
    moderate(db, VG_EV_SUSPENSION, "pa", T0 + 3600);
    moderate(db, VG_EV_SUSPENSION, "pb", T0 + 3600);
    account(db, "c", "vorilo_kamet7", "Vorilo Kamet", NULL, T0 + 7200);
    for (int k = 0; k < 4; k++) { /* 5 actions before its post: the early figures */
        char id[8];
        snprintf(id, sizeof(id), "h%d", k);
        account(db, id, id, id, NULL, T0);
        follow(db, "c", id, T0 + 7300 + k);
    }
    post(db, "qc", "c", T0 + 9000, "New account, the old one @vorilo_kamed was suspended",
         "vorilo_kamed");
    assert_int_equal(vg_db_flush(db), VG_OK);
    vg_returns *r;
    assert_int_equal(vg_returns_run(db, NULL, &r), VG_OK);
    struct vg_link_new_info in;
    vg__returns_new_info(r, 0, &in);
    assert_true(in.n_early >= 2);
    assert_string_equal(in.early[0], "pb"); /* the same names: ahead, but not by enough */
    assert_string_equal(in.early[1], "pa");
    assert_true(in.early_score >= 0.5);
    assert_int_equal(vg_returns_n_links(r), 1);
    char *json, buf[64];
    assert_int_equal(vg_returns_link_json(r, 0, &json), VG_OK);
    assert_string_equal(link_field(json, "replaces", buf, sizeof(buf)), "pa");
    assert_int_equal(vg_returns_link_time(r, 0), T0 + 9000);
    vg_free(json);
    vg_returns_free(r);
    vg_db_close(db);
    remove_db_files();
}

/* A stock picture shown by many accounts but by one suspended account alone: the index's own
 * count (suspended accounts) calls it rare; the batch counts every account and ignores it. */
static void stock_pictures_are_counted_over_all_accounts(void **state)
{
    (void)state;
    snprintf(path, sizeof(path), "/tmp/vigie-link-stock-%d.db", (int)getpid());
    remove_db_files();
    vg_db *db;
    assert_int_equal(vg_db_open(path, &db), VG_OK);
    char stock[VG_PDQ_HEX_LEN + 1], own[VG_PDQ_HEX_LEN + 1], reupload[VG_PDQ_HEX_LEN + 1];
    picture(50, 0, stock);
    picture(60, 0, own);
    picture(60, 5, reupload);
    for (int i = 0; i < 10; i++) {
        char id[8], url[64];
        snprintf(id, sizeof(id), "o%d", i);
        snprintf(url, sizeof(url), "https://img.example/o/%d.jpg", i);
        account_pictured(db, id, id, id, url, stock, T0);
    }
    account_pictured(db, "ps", "vorilo_kamesh", "Vorilo Kamesh", "https://img.example/s.jpg", stock,
                     T0);
    account_pictured(db, "pu", "tesunar_bilo", "Tesunar Bilo", "https://img.example/u.jpg", own,
                     T0);
    moderate(db, VG_EV_SUSPENSION, "ps", T0 + 3600);
    moderate(db, VG_EV_SUSPENSION, "pu", T0 + 3600);
    account_pictured(db, "c1", "gadimu_perro", "Gadimu Perro", "https://img.example/c1.jpg", stock,
                     T0 + 7200);
    account_pictured(db, "c2", "holafi_zenkar", "Holafi Zenkar", "https://img.example/c2.jpg",
                     reupload, T0 + 7200);
    assert_int_equal(vg_db_flush(db), VG_OK);
    vg_returns *r;
    assert_int_equal(vg_returns_run(db, NULL, &r), VG_OK);
    assert_int_equal(vg__returns_n_new(r), 2);
    struct vg_link_new_info c1, c2;
    vg__returns_new_info(r, 0, &c1);
    vg__returns_new_info(r, 1, &c2);
    assert_string_equal(c1.id, "c1");
    /* The re-upload of pu's own picture is evidence (3.5 of z); the stock picture is not. */
    assert_true(c2.n_early >= 1);
    assert_string_equal(c2.early[0], "pu");
    assert_true(c2.early_score > 0.05);
    assert_true(c1.early_score < 0.01);
    vg_returns_free(r);
    vg_db_close(db);
    remove_db_files();
}

/* ---- evaluation ---------------------------------------------------------------------------- */

static void write_file(const char *p, const char *text)
{
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void eval_against_truth(void **state)
{
    (void)state;
    vg_db *db = small_world();
    vg_returns *r;
    assert_int_equal(vg_returns_run(db, NULL, &r), VG_OK);
    char tp[300];
    snprintf(tp, sizeof(tp), "%s.truth.json", path);
    /* c3 is said to replace p1 (it linked to c1): one wrong parent, top-1 2/3. */
    write_file(tp, "{\"accounts\":[{\"id\":\"c1\",\"replaces\":\"p1\"},"
                   "{\"id\":\"c2\",\"replaces\":\"p2\"},{\"id\":\"c3\",\"replaces\":\"p1\"},"
                   "{\"id\":\"p1\",\"replaces\":null},{\"id\":\"p2\"}]}");
    struct vg_returns_eval e;
    assert_int_equal(vg_returns_eval(r, tp, &e), VG_OK);
    assert_int_equal(e.new_accounts, 4);
    assert_int_equal(e.children, 3);
    assert_int_equal(e.ordinary, 1);
    assert_int_equal(e.linked_children, 3);
    assert_int_equal(e.linked_right, 2);
    assert_int_equal(e.false_links, 0);
    assert_true(e.roc_auc == 1.0);
    assert_true(fabs(e.top1 - 2.0 / 3.0) < 1e-9);
    assert_true(fabs(e.mrr - 2.5 / 3.0) < 1e-9); /* c1 and c2 first, p1 second for c3 */
    assert_true(e.median_delay_s == 0);          /* c1 and c3 on sight, c2 1000 s after */
    char *json;
    assert_int_equal(vg_returns_eval_json(&e, &json), VG_OK);
    assert_non_null(strstr(json, "\"linked_right\":2"));
    vg_free(json);
    char *misses;
    assert_int_equal(vg_returns_misses_json(r, tp, &misses), VG_OK);
    assert_non_null(strstr(misses, "{\"miss\":\"wrong_parent\",\"account\":\"c3\","
                                   "\"true_parent\":\"p1\",\"linked_to\":\"c1\""));
    vg_free(misses);
    /* Malformed truth files are refused, naming the field. */
    struct vg_link_truth t;
    char err[128];
    const char *bad = "{\"accounts\":[{\"id\":\"c1\",\"replaces\":7}]}";
    assert_int_equal(vg__link_truth_parse(bad, strlen(bad), &t, err, sizeof(err)), VG_EPARSE);
    assert_string_equal(err, "accounts[0].replaces: expected an id or null");
    bad = "{\"accounts\":[{\"replaces\":null}]}";
    assert_int_equal(vg__link_truth_parse(bad, strlen(bad), &t, err, sizeof(err)), VG_EFIELD);
    bad = "{\"accounts\":";
    assert_int_equal(vg__link_truth_parse(bad, strlen(bad), &t, err, sizeof(err)), VG_EPARSE);
    snprintf(tp, sizeof(tp), "%s.missing.json", path);
    assert_int_equal(vg_returns_eval(r, tp, &e), VG_ENOENT);
    unlink(tp);
    snprintf(tp, sizeof(tp), "%s.truth.json", path);
    unlink(tp);
    vg_returns_free(r);
    vg_db_close(db);
    remove_db_files();
}

/* A child whose first 5 actions point at the wrong parent (pb's display name; follows that say
 * nothing), then names its old handle: ranked wrong early, right at its link. */
static void ranking_early_and_at_link(void **state)
{
    (void)state;
    snprintf(path, sizeof(path), "/tmp/vigie-link-late-%d.db", (int)getpid());
    remove_db_files();
    vg_db *db;
    assert_int_equal(vg_db_open(path, &db), VG_OK);
    account(db, "pa", "vorilo_kamesh", "Vorilo Kamesh", NULL, T0);
    account(db, "pb", "tesunar_bilo", "Tesunar Bilo", NULL, T0);
    moderate(db, VG_EV_SUSPENSION, "pa", T0 + 3600);
    moderate(db, VG_EV_SUSPENSION, "pb", T0 + 3600);
    account(db, "c", "gadimu_perro", "Tesunar Bilo", NULL, T0 + 7200);
    const char *quiet[] = { "h1", "h2", "h3", "h4" };
    for (int k = 0; k < 4; k++) {
        account(db, quiet[k], quiet[k], quiet[k], NULL, T0);
        follow(db, "c", quiet[k], T0 + 7300 + k);
    }
    post(db, "qc", "c", T0 + 9000, "New account, the old one @vorilo_kamesh was suspended",
         "vorilo_kamesh");
    assert_int_equal(vg_db_flush(db), VG_OK);
    vg_returns *r;
    assert_int_equal(vg_returns_run(db, NULL, &r), VG_OK);
    char tp[300];
    snprintf(tp, sizeof(tp), "%s.truth.json", path);
    write_file(tp, "{\"accounts\":[{\"id\":\"c\",\"replaces\":\"pa\"}]}");
    struct vg_returns_eval e;
    assert_int_equal(vg_returns_eval(r, tp, &e), VG_OK);
    assert_int_equal(e.children, 1);
    assert_int_equal(e.linked_right, 1);
    assert_true(e.top1 == 0 && e.mrr == 0); /* pb alone: nothing yet pointed at pa */
    assert_true(e.top1_at_link == 1 && e.mrr_at_link == 1);
    assert_true(e.median_delay_s == 1800);
    assert_true(e.median_delay_named_s == 0); /* linked by the post naming pa */
    char *json;
    assert_int_equal(vg_returns_eval_json(&e, &json), VG_OK);
    assert_non_null(strstr(json, "\"mrr\":0.0000,\"top1\":0.0000,\"mrr_at_link\":1.0000,"
                                 "\"top1_at_link\":1.0000"));
    vg_free(json);
    unlink(tp);
    vg_returns_free(r);
    vg_db_close(db);
    remove_db_files();
}

/* ---- allocation failures ------------------------------------------------------------------- */

static void allocation_failures_are_reported(void **state)
{
    (void)state;
    int failures = 0;
    for (uint64_t k = 1; k < 400; k++) {
        vg_return_index *ix = NULL;
        vg__alloc_fail_after(k);
        vg_status rc = vg_return_index_new(&ix);
        for (int i = 0; i < 50 && !rc; i++) {
            char id[16], h[32];
            snprintf(id, sizeof(id), "s%d", i);
            snprintf(h, sizeof(h), "kumo_ridan%d", i);
            struct vg_return_account a = { id,   h, "Kumo Ridan", NULL, NULL, NULL, 0,
                                           NULL, 0, T0,           NULL, -1 };
            rc = vg_return_index_add(ix, &a, T0);
        }
        struct vg_return_candidate c[4];
        size_t n = 0;
        struct vg_return_account q = { "q", "kumo_ridan", NULL, NULL, NULL, NULL,
                                       0,   NULL,         0,    T0,   NULL, -1 };
        if (!rc)
            rc = vg_return_index_query(ix, &q, T0 + 1, c, 4, &n);
        vg__alloc_fail_after(0);
        assert_true(rc == VG_OK || rc == VG_ENOMEM);
        failures += rc == VG_ENOMEM;
        if (!rc)
            assert_true(n >= 1);
        vg_return_index_free(ix);
    }
    assert_true(failures > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_fold_to_skeletons),
        cmocka_unit_test(names_match_through_mutations),
        cmocka_unit_test(edit_distance_matches_the_table),
        cmocka_unit_test(bios_and_signatures),
        cmocka_unit_test(shout_cues_in_three_languages),
        cmocka_unit_test(index_ranks_and_forgets),
        cmocka_unit_test(index_matches_avatar_pictures),
        cmocka_unit_test(batch_links_on_time_with_personas),
        cmocka_unit_test(rejected_link_splits_its_persona),
        cmocka_unit_test(live_feed_links_as_the_batch),
        cmocka_unit_test(live_tracks_expire),
        cmocka_unit_test(batch_respects_before_and_ablation),
        cmocka_unit_test(rare_follows_weigh_more),
        cmocka_unit_test(near_tie_waits),
        cmocka_unit_test(stock_pictures_are_counted_over_all_accounts),
        cmocka_unit_test(eval_against_truth),
        cmocka_unit_test(ranking_early_and_at_link),
        cmocka_unit_test(allocation_failures_are_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
