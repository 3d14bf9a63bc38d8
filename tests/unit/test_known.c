/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_known.c: the known-items stage. Matching form and similarity of invented texts; the text
 * index through adds, replacements, removals and a failed allocation, against exact Jaccard;
 * recall on mutated real tweets (isis-fanboy, skipped when ../shared/data is absent); item
 * values; banks in the store (added/updated/unchanged, tombstones, revival); the three import
 * parsers with their rejects; TAT checkpoints; exports read back; the matcher's thresholds; and
 * post matches stored once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "known.h"
#include "store_fixture.h"

/* ---- matching form and similarity ---------------------------------------------------------- */

static void words_of(const char *s, char *out, size_t cap)
{
    struct vg_buf b;
    vg_buf_init(&b, 1 << 20);
    assert_int_equal(vg__known_text_words(s, strlen(s), &b), VG_OK);
    snprintf(out, cap, "%s", b.data ? b.data : "");
    vg_buf_release(&b);
}

static void matching_form(void **state)
{
    (void)state;
    char w[256];
    words_of("RT @someone: Hello, WORLD!! \xf0\x9f\x94\xa5 #Tag https://t.co/x1 ok", w, sizeof(w));
    assert_string_equal(w, "hello world tag ok");
    /* Accents and Arabic forms unified (alef with hamza -> alef, ta marbuta -> ha). */
    words_of("Caf\xc3\xa9 \xd8\xa3\xd9\x87\xd9\x84\xd8\xa7 \xd8\xaf\xd9\x88\xd9\x84\xd8\xa9", w,
             sizeof(w));
    assert_string_equal(w,
                        "cafe \xd8\xa7\xd9\x87\xd9\x84\xd8\xa7 \xd8\xaf\xd9\x88\xd9\x84\xd9\x87");
    words_of("rtx is a word", w, sizeof(w));
    assert_string_equal(w, "rtx is a word");
    words_of("\xf0\x9f\x94\xa5 https://t.co/a @b", w, sizeof(w));
    assert_string_equal(w, "");
}

static double sim(const char *a, const char *b)
{
    double s = -1;
    assert_int_equal(vg_text_similarity(a, strlen(a), b, strlen(b), &s), VG_OK);
    return s;
}

static const char *const base_text =
        "The invented brigade announces a new video about the caravan of the mountain people";

static void similarity_of_mutations(void **state)
{
    (void)state;
    assert_true(sim(base_text, base_text) == 1.0);
    /* Link swap, emoji, mention, case and punctuation do not count. */
    assert_true(sim("The invented brigade announces a new video about the caravan of the "
                    "mountain people https://t.co/AAAA",
                    "THE INVENTED BRIGADE ANNOUNCES A NEW VIDEO \xf0\x9f\x94\xa5 about the "
                    "caravan of the mountain people!!! @someone https://t.co/BBBB") == 1.0);
    /* One character edited: close, not equal. */
    double s = sim(base_text, "The invented brigade announces a new vidoe about the caravan of "
                              "the mountain people");
    assert_true(s > 0.8 && s < 1.0);
    /* An unrelated text. */
    assert_true(sim(base_text, "Rain again this morning, the bus was late and the coffee cold") <
                0.15);
    double d;
    assert_int_equal(vg_text_similarity("\xf0\x9f\x94\xa5", 4, base_text, strlen(base_text), &d),
                     VG_EPARSE);
}

/* The distinct 4-character shingles of an ASCII matching form, counted naively (strings). */
static size_t naive_shingles(const char *w, char (*out)[5], size_t cap)
{
    size_t n = 0, len = strlen(w);
    for (size_t i = 0; i + 4 <= len; i++) {
        size_t k = 0;
        while (k < n && memcmp(out[k], w + i, 4))
            k++;
        if (k == n && n < cap) {
            memcpy(out[n], w + i, 4);
            out[n++][4] = '\0';
        }
    }
    return n;
}

static size_t naive_common(char (*a)[5], size_t na, char (*b)[5], size_t nb)
{
    size_t c = 0;
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++)
            if (!memcmp(a[i], b[j], 4)) {
                c++;
                break;
            }
    return c;
}

/* Words of a small invented vocabulary, n of them from a seed (repeats: shingles repeat). */
static void words_text(unsigned seed, int n_words, char *out, size_t cap)
{
    static const char *const vocab[] = { "caravan", "mountain", "brigade", "video",  "release",
                                         "winter",  "river",    "market",  "bridge", "lantern",
                                         "orchard", "harbour",  "signal",  "valley", "meadow",
                                         "copper",  "falcon",   "garden",  "island", "thunder",
                                         "qaz",     "vex",      "jolt",    "kiwi",   "zephyr" };
    size_t len = 0;
    out[0] = '\0';
    uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
    for (int i = 0; i < n_words; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        len += (size_t)snprintf(out + len, cap - len, "%s%s%u", i ? " " : "", vocab[x % 25],
                                (unsigned)(x >> 40) % 97);
    }
}

/* The shingle sets are sorted and distinct on both sorting paths (a tweet: buckets; over 1,024
 * shingles: radix), with the counts and the Jaccard similarity a naive string count gives. */
static void shingle_sets_exact(void **state)
{
    (void)state;
    static char sa[4000][5], sb[4000][5];
    static char a[8000], b[8000];
    const int sizes[] = { 3, 12, 60, 110, 160, 400 };
    for (size_t t = 0; t < VG_ARRAY_LEN(sizes); t++) {
        words_text((unsigned)t, sizes[t], a, sizeof(a));
        words_text((unsigned)t, sizes[t], b, sizeof(b));
        b[strlen(b) / 2] = 'X'; /* one edit in the middle, lower-cased by the matching form */
        struct vg_known_fp fa, fb;
        assert_int_equal(vg__known_fp_make(a, strlen(a), &fa), VG_OK);
        assert_int_equal(vg__known_fp_make(b, strlen(b), &fb), VG_OK);
        for (size_t i = 1; i < fa.n_shingles; i++)
            assert_true(fa.shingles[i - 1] < fa.shingles[i]);
        for (size_t i = 1; i < fb.n_shingles; i++)
            assert_true(fb.shingles[i - 1] < fb.shingles[i]);
        /* The matching form of these texts is the text lower-cased. */
        for (char *c = b; *c; c++)
            *c = *c == 'X' ? 'x' : *c;
        size_t na = naive_shingles(a, sa, 4000), nb = naive_shingles(b, sb, 4000);
        assert_int_equal(fa.n_shingles, na);
        assert_int_equal(fb.n_shingles, nb);
        size_t common = naive_common(sa, na, sb, nb);
        double want = (double)common / (double)(na + nb - common);
        assert_true(vg__known_fp_jaccard(&fa, &fb) == want);
        if (t == VG_ARRAY_LEN(sizes) - 1)
            assert_true(na > 1024); /* the radix path was taken */
        vg__known_fp_release(&fa);
        vg__known_fp_release(&fb);
    }
}

/* The sketch bound never rules out a pair at or above the threshold (pairs of every size, so
 * that lanes fill up to their stop at 3), and it does rule out most unrelated short pairs. */
static void sketch_bound_is_safe(void **state)
{
    (void)state;
    static char a[8000], b[8000];
    const int sizes[] = { 4, 10, 14, 30, 80, 200, 400 };
    size_t unrelated = 0, ruled_out = 0;
    for (unsigned pair = 0; pair < 400; pair++) {
        int wa = sizes[pair % VG_ARRAY_LEN(sizes)], wb = sizes[(pair / 7) % VG_ARRAY_LEN(sizes)];
        words_text(pair, wa, a, sizeof(a));
        if (pair % 3 == 0) { /* a near copy: b is a with its words shifted by one */
            snprintf(b, sizeof(b), "%s", a + 1);
        } else {
            words_text(10000 + pair, wb, b, sizeof(b));
        }
        struct vg_known_fp fa, fb;
        assert_int_equal(vg__known_fp_make(a, strlen(a), &fa), VG_OK);
        assert_int_equal(vg__known_fp_make(b, strlen(b), &fb), VG_OK);
        struct vg_known_sketch ka, kb;
        vg__known_sketch_make(fa.shingles, fa.n_shingles, &ka);
        vg__known_sketch_make(fb.shingles, fb.n_shingles, &kb);
        double j = vg__known_fp_jaccard(&fa, &fb);
        uint32_t na = (uint32_t)fa.n_shingles, nb = (uint32_t)fb.n_shingles;
        /* At the exact value itself, and below it. */
        assert_true(vg__known_sketch_may_reach(&ka, na, &kb, nb, j));
        assert_true(vg__known_sketch_may_reach(&kb, nb, &ka, na, j));
        for (double t = 0; t <= j; t += 0.05)
            assert_true(vg__known_sketch_may_reach(&ka, na, &kb, nb, t));
        if (j < 0.2 && na < 150 && nb < 150) {
            unrelated++;
            ruled_out += !vg__known_sketch_may_reach(&ka, na, &kb, nb, 0.5);
        }
        vg__known_fp_release(&fa);
        vg__known_fp_release(&fb);
    }
    assert_true(unrelated >= 30);
    assert_true(ruled_out * 10 >= unrelated * 9);
}

/* ---- the index ----------------------------------------------------------------------------- */

struct hits {
    uint64_t ids[64];
    double sims[64];
    size_t n;
};

static int collect_hit(uint64_t id, double estimate, double similarity, void *ud)
{
    struct hits *h = ud;
    assert_true(estimate >= 0 && estimate <= 1);
    if (h->n < 64) {
        h->ids[h->n] = id;
        h->sims[h->n] = similarity;
        h->n++;
    }
    return 0;
}

static struct hits query(vg_text_index *ix, const char *t, double min)
{
    struct hits h = { .n = 0 };
    assert_int_equal(vg_text_index_query(ix, t, strlen(t), min, collect_hit, &h), VG_OK);
    return h;
}

/* An invented sentence from a seed: words from a small vocabulary, so texts share shingles. */
static void invented_text(unsigned seed, char *out, size_t cap)
{
    static const char *const vocab[] = { "caravan", "mountain", "brigade", "video",  "release",
                                         "winter",  "river",    "market",  "bridge", "lantern",
                                         "orchard", "harbour",  "signal",  "valley", "meadow",
                                         "copper",  "falcon",   "garden",  "island", "thunder" };
    size_t len = 0;
    out[0] = '\0';
    uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
    for (int i = 0; i < 12; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? " " : "", vocab[x % 20]);
    }
}

static void index_add_query_remove(void **state)
{
    (void)state;
    vg_text_index *ix;
    assert_int_equal(vg_text_index_new(&ix), VG_OK);
    char t[256];
    for (unsigned i = 0; i < 2000; i++) {
        invented_text(i, t, sizeof(t));
        assert_int_equal(vg_text_index_add(ix, t, strlen(t), 1000 + i), VG_OK);
    }
    assert_int_equal(vg_text_index_size(ix), 2000);
    assert_int_equal(vg_text_index_add(ix, "\xf0\x9f\x94\xa5", 4, 1), VG_EPARSE);
    assert_int_equal(vg_text_index_size(ix), 2000);

    /* Every reported similarity is the exact one, and the source is found. */
    invented_text(77, t, sizeof(t));
    char q[300];
    snprintf(q, sizeof(q), "%s \xf0\x9f\x94\xa5 #share https://t.co/zz", t);
    struct hits h = query(ix, q, 0.5);
    int found = 0;
    for (size_t i = 0; i < h.n; i++) {
        char other[256];
        invented_text((unsigned)(h.ids[i] - 1000), other, sizeof(other));
        double exact = sim(q, other);
        assert_true(h.sims[i] == exact);
        assert_true(exact >= 0.5);
        found |= h.ids[i] == 1077;
    }
    assert_true(found);

    /* Remove: gone; add again under the same id with another text: replaced. */
    vg_text_index_remove(ix, 1077);
    vg_text_index_remove(ix, 1077);
    assert_int_equal(vg_text_index_size(ix), 1999);
    h = query(ix, q, 0.99);
    assert_int_equal(h.n, 0);
    assert_int_equal(vg_text_index_add(ix, base_text, strlen(base_text), 1077), VG_OK);
    assert_int_equal(vg_text_index_add(ix, base_text, strlen(base_text), 1077), VG_OK);
    assert_int_equal(vg_text_index_size(ix), 2000);
    h = query(ix, base_text, 0.99);
    assert_int_equal(h.n, 1);
    assert_int_equal(h.ids[0], 1077);

    /* A failed allocation, wherever it happens, leaves the index as it was (id 1077 keeps its
     * text when its replacement fails). */
    for (uint64_t k = 1;; k++) {
        vg__alloc_fail_after(k);
        vg_status rc = vg_text_index_add(ix, "another invented sentence", 25, 1077);
        vg__alloc_fail_after(0);
        if (rc == VG_OK)
            break;
        assert_int_equal(rc, VG_ENOMEM);
        assert_int_equal(vg_text_index_size(ix), 2000);
        h = query(ix, base_text, 0.99);
        assert_int_equal(h.n, 1);
    }
    assert_int_equal(vg_text_index_size(ix), 2000);
    h = query(ix, "another invented sentence", 0.99);
    assert_int_equal(h.n, 1);
    assert_int_equal(h.ids[0], 1077);
    assert_int_equal(vg_text_index_query(ix, base_text, strlen(base_text), 1.5, collect_hit, &h),
                     VG_EINVAL);
    vg_text_index_free(ix);
}

/* Texts that share all their bands (the same text under many ids) make posting lists longer
 * than one: removing from the head, the middle and the tail of such lists, down to one and to
 * none, and reusing the freed slots, leaves exactly the live ids found. */
static void index_shared_bands(void **state)
{
    (void)state;
    vg_text_index *ix;
    assert_int_equal(vg_text_index_new(&ix), VG_OK);
    char t[256];
    for (unsigned i = 0; i < 300; i++) { /* neighbours in the table */
        invented_text(5000 + i, t, sizeof(t));
        assert_int_equal(vg_text_index_add(ix, t, strlen(t), 90000 + i), VG_OK);
    }
    for (uint64_t id = 1; id <= 40; id++)
        assert_int_equal(vg_text_index_add(ix, base_text, strlen(base_text), id), VG_OK);
    struct hits h = query(ix, base_text, 0.99);
    assert_int_equal(h.n, 40);
    /* Added 1..40, each at the head: remove the head (40), the tail (1), and every third. */
    int live[41] = { 0 };
    for (int id = 1; id <= 40; id++)
        live[id] = 1;
    int order[] = { 40, 1, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33, 36, 39 };
    for (size_t k = 0; k < VG_ARRAY_LEN(order); k++) {
        vg_text_index_remove(ix, (uint64_t)order[k]);
        live[order[k]] = 0;
    }
    h = query(ix, base_text, 0.99);
    assert_int_equal(h.n, 40 - VG_ARRAY_LEN(order));
    for (size_t k = 0; k < h.n; k++) {
        assert_true(h.ids[k] >= 1 && h.ids[k] <= 40);
        assert_true(live[h.ids[k]]);
        assert_true(h.sims[k] == 1.0);
    }
    /* Down to one: the last one found alone, through its band slots only. */
    for (int id = 1; id <= 40; id++)
        if (live[id] && id != 20)
            vg_text_index_remove(ix, (uint64_t)id);
    h = query(ix, base_text, 0.99);
    assert_int_equal(h.n, 1);
    assert_int_equal(h.ids[0], 20);
    /* Freed slots reused by other texts; the shared list grows again. */
    for (unsigned i = 0; i < 30; i++) {
        invented_text(7000 + i, t, sizeof(t));
        assert_int_equal(vg_text_index_add(ix, t, strlen(t), 80000 + i), VG_OK);
    }
    assert_int_equal(vg_text_index_add(ix, base_text, strlen(base_text), 41), VG_OK);
    h = query(ix, base_text, 0.99);
    assert_int_equal(h.n, 2);
    assert_true((h.ids[0] == 20 && h.ids[1] == 41) || (h.ids[0] == 41 && h.ids[1] == 20));
    vg_text_index_remove(ix, 20);
    vg_text_index_remove(ix, 41);
    h = query(ix, base_text, 0.5);
    assert_int_equal(h.n, 0);
    /* The other texts are all still found, each as itself. */
    for (unsigned i = 0; i < 300; i += 7) {
        invented_text(5000 + i, t, sizeof(t));
        h = query(ix, t, 0.99);
        int self = 0;
        for (size_t k = 0; k < h.n; k++)
            self |= h.ids[k] == 90000 + i;
        assert_true(self);
    }
    assert_int_equal(vg_text_index_size(ix), 300 + 30);
    vg_text_index_free(ix);
}

/* Mutations of real pro-ISIS tweets (the first 300 long enough) are found again. */
struct real {
    vg_text_index *ix;
    char *texts[300];
    size_t n;
};

static void on_real_event(const struct vg_event *ev, void *ud)
{
    struct real *r = ud;
    if (ev->type != VG_EV_POST || r->n >= 300 || !ev->u.post.text || strlen(ev->u.post.text) < 60)
        return;
    const char *t = ev->u.post.text;
    if (vg_text_index_add(r->ix, t, strlen(t), r->n) == VG_OK)
        r->texts[r->n++] = vg_strdup(t);
}

static void recall_on_real_tweets(void **state)
{
    (void)state;
    const char *path = VG_SHARED_DATA "/isis-fanboy/tweets.csv";
    if (access(path, R_OK) != 0)
        skip();
    struct real r = { .n = 0 };
    assert_int_equal(vg_text_index_new(&r.ix), VG_OK);
    struct vg_ingest_opts o;
    vg_ingest_opts_init(&o);
    o.format = VG_FORMAT_FIFTH_TRIBE;
    struct vg_ingest_summary sum = { 0 };
    assert_int_equal(vg_convert_path(path, &o, on_real_event, &r, &sum), VG_OK);
    assert_int_equal(r.n, 300);
    size_t found = 0;
    for (size_t i = 0; i < r.n; i++) {
        /* Emoji in front, a hashtag and a link at the end, the last word dropped. */
        char q[2048];
        size_t len = strlen(r.texts[i]);
        while (len && r.texts[i][len - 1] != ' ')
            len--;
        snprintf(q, sizeof(q), "\xf0\x9f\x94\xa5 %.*s #share https://t.co/zz", (int)len,
                 r.texts[i]);
        struct hits h = { .n = 0 };
        vg_status rc =
                vg_text_index_query(r.ix, q, strlen(q), VG_TEXT_MATCH_DEFAULT, collect_hit, &h);
        assert_true(rc == VG_OK || rc == VG_EPARSE); /* a tweet of links and one word */
        for (size_t k = 0; k < h.n; k++)
            if (h.ids[k] == i) {
                found++;
                break;
            }
        vg_free(r.texts[i]);
    }
    /* The corpus holds copies, so a query may find others too; its own text must be there. */
    assert_true(found >= 285);
    vg_text_index_free(r.ix);
}

/* ---- item values --------------------------------------------------------------------------- */

static void item_values(void **state)
{
    (void)state;
    char *v, why[128];
    assert_int_equal(vg_bank_item_normalize(VG_ITEM_MD5, "D41D8CD98F00B204E9800998ECF8427E", &v,
                                            why, sizeof(why)),
                     VG_OK);
    assert_string_equal(v, "d41d8cd98f00b204e9800998ecf8427e");
    vg_free(v);
    assert_int_equal(vg_bank_item_normalize(VG_ITEM_MD5, "d41d8cd98f00b204e9800998ecf8427g", &v,
                                            why, sizeof(why)),
                     VG_EFIELD);
    assert_string_equal(why, "md5: 'g' at 32 is not a hex digit");
    assert_null(v);
    assert_int_equal(vg_bank_item_normalize(VG_ITEM_SHA256, "abc", &v, why, sizeof(why)),
                     VG_EFIELD);
    assert_string_equal(why, "sha256: 3 characters, 64 hex digits expected");
    assert_int_equal(vg_bank_item_normalize(VG_ITEM_URL, "HTTPS://Example.INVALID/a?utm_source=x",
                                            &v, why, sizeof(why)),
                     VG_OK);
    assert_string_equal(v, "https://example.invalid/a");
    vg_free(v);
    assert_int_equal(vg_bank_item_normalize(VG_ITEM_URL, "ftp://x", &v, why, sizeof(why)),
                     VG_EFIELD);
    assert_int_equal(vg_bank_item_normalize(VG_ITEM_TEXT, "https://t.co/x \xf0\x9f\x94\xa5", &v,
                                            why, sizeof(why)),
                     VG_EFIELD);
    assert_int_equal(vg_bank_item_normalize(VG_ITEM_TEXT, "a\xff", &v, why, sizeof(why)),
                     VG_EFIELD);
    assert_string_equal(why, "text: not valid UTF-8");
    enum vg_item_type t;
    assert_int_equal(vg_item_type_parse("sha256", &t), VG_OK);
    assert_int_equal(t, VG_ITEM_SHA256);
    assert_int_equal(vg_item_type_parse("sha1", &t), VG_EINVAL);
}

/* ---- banks in the store -------------------------------------------------------------------- */

static const char *const pdq_a = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

static int64_t count_items(vg_db *db, const char *bank, int with_deleted);

static vg_status count_item(const struct vg_bank_item *it, void *ud)
{
    (void)it;
    (*(int64_t *)ud)++;
    return VG_OK;
}

static int64_t count_items(vg_db *db, const char *bank, int with_deleted)
{
    int64_t n = 0;
    assert_int_equal(vg_bank_scan(db, bank, with_deleted, count_item, &n), VG_OK);
    return n;
}

static void banks_put_delete(void **state)
{
    (void)state;
    vg_db *db = fixture_db("known", "banks");
    int created = -1;
    assert_int_equal(vg_bank_create(db, "INVENTED_1", "test bank", &created), VG_OK);
    assert_int_equal(created, 1);
    assert_int_equal(vg_bank_create(db, "INVENTED_1", NULL, &created), VG_OK);
    assert_int_equal(created, 0);
    assert_int_equal(vg_bank_create(db, "bad name", NULL, &created), VG_EINVAL);

    struct vg_bank_item it = {
        .bank = "INVENTED_1", .type = VG_ITEM_PDQ, .value = pdq_a, .label = "POSITIVE_CLASS"
    };
    enum vg_bank_change ch;
    assert_int_equal(vg_bank_put(db, &it, &ch), VG_OK);
    assert_int_equal(ch, VG_BANK_ADDED);
    assert_int_equal(vg_bank_put(db, &it, &ch), VG_OK);
    assert_int_equal(ch, VG_BANK_UNCHANGED);
    it.label = NULL; /* NULL keeps the stored label */
    it.ideology = "islamist";
    assert_int_equal(vg_bank_put(db, &it, &ch), VG_OK);
    assert_int_equal(ch, VG_BANK_UPDATED);
    assert_int_equal(vg_bank_delete(db, "INVENTED_1", VG_ITEM_PDQ, pdq_a, NULL, &ch), VG_OK);
    assert_int_equal(ch, VG_BANK_DELETED);
    assert_int_equal(vg_bank_delete(db, "INVENTED_1", VG_ITEM_PDQ, pdq_a, NULL, &ch), VG_OK);
    assert_int_equal(ch, VG_BANK_UNCHANGED);
    assert_int_equal(count_items(db, "INVENTED_1", 0), 0);
    assert_int_equal(count_items(db, "INVENTED_1", 1), 1);
    /* Put again: the tombstone comes back to life, label kept. */
    assert_int_equal(vg_bank_put(db, &it, &ch), VG_OK);
    assert_int_equal(ch, VG_BANK_UPDATED);
    assert_int_equal(count_items(db, NULL, 0), 1);
    fixture_close(db);
}

/* ---- import parsers ------------------------------------------------------------------------ */

struct parsed {
    int records, rejects, notes;
    char last_field[64];
    uint64_t last_line;
    int64_t last_item;
    char values[8][128];
};

static vg_status on_record(const struct vg_known_record *r, void *ud)
{
    struct parsed *p = ud;
    if (p->records < 8)
        snprintf(p->values[p->records], sizeof(p->values[0]), "%s:%s%s",
                 vg_item_type_name(r->it.type), r->it.value, r->deletion ? ":deleted" : "");
    p->records++;
    return VG_OK;
}

static void on_reject(uint64_t line, int64_t item, const char *field, const char *reason,
                      int counts, void *ud)
{
    struct parsed *p = ud;
    assert_non_null(reason);
    if (counts)
        p->rejects++;
    else
        p->notes++;
    snprintf(p->last_field, sizeof(p->last_field), "%s", field);
    p->last_line = line;
    p->last_item = item;
}

static vg_status parse(enum vg_bank_format f, const char *text, struct parsed *p,
                       struct vg_known_sink *k)
{
    memset(p, 0, sizeof(*p));
    memset(k, 0, sizeof(*k));
    k->record = on_record;
    k->reject = on_reject;
    k->ud = p;
    return vg__known_parse(f, text, strlen(text), k);
}

static void parse_te_csv(void **state)
{
    (void)state;
    struct parsed p;
    struct vg_known_sink k;
    assert_int_equal(parse(VG_BANK_TE_CSV,
                           "signal_type,signal_str,collab,category,tags\r\n"
                           "pdq,abc,c1,POSITIVE_CLASS,t1 ideology:far-right\r\n"
                           "sha1,abc,c1,,\r\n"
                           "raw_text,\"multi\nline, quoted \"\"text\"\"\",c1,,\r\n"
                           ",x,,,\r\n",
                           &p, &k),
                     VG_OK);
    assert_int_equal(p.records, 2);
    assert_string_equal(p.values[0], "pdq:abc");
    assert_string_equal(p.values[1], "text:multi\nline, quoted \"text\"");
    assert_int_equal(p.rejects, 2);
    assert_string_equal(p.last_field, "signal_type");
    assert_int_equal(p.last_line, 6);
    assert_int_equal(parse(VG_BANK_TE_CSV, "a,b\n1,2\n", &p, &k), VG_EPARSE);
    assert_int_equal(p.notes, 1);
    assert_int_equal(p.rejects, 0);
    assert_string_equal(p.last_field, "header");
}

static void parse_hma_json(void **state)
{
    (void)state;
    struct parsed p;
    struct vg_known_sink k;
    assert_int_equal(parse(VG_BANK_HMA_JSON,
                           "[{\"id\":7,\"signals\":{\"pdq\":\"aa\",\"video_md5\":\"bb\"},"
                           "\"note\":\"n\"},{\"id\":8,\"signals\":{}},{\"id\":9,\"signals\":"
                           "{\"tmk\":\"x\"}},3]",
                           &p, &k),
                     VG_OK);
    assert_int_equal(p.records, 2);
    assert_string_equal(p.values[1], "md5:bb");
    assert_int_equal(p.rejects, 3);
    assert_string_equal(p.last_field, "content");
    assert_int_equal(p.last_item, 3);
    assert_int_equal(parse(VG_BANK_HMA_JSON,
                           "{\"id\":1,\"signals\":{\"url\":\"https://a.invalid/\"}}\n\n"
                           "{broken\n{\"id\":\"x\",\"signals\":{\"raw_text\":\"hello there\"}}\n",
                           &p, &k),
                     VG_OK);
    assert_int_equal(p.records, 2);
    assert_int_equal(p.rejects, 1);
    assert_int_equal(p.last_line, 3);
    assert_int_equal(parse(VG_BANK_HMA_JSON, "[{\"id\":1", &p, &k), VG_EPARSE);
}

static void parse_tat_page(void **state)
{
    (void)state;
    struct parsed p;
    struct vg_known_sink k;
    assert_int_equal(
            parse(VG_BANK_TAT_JSON,
                  "{\"count\":3,\"next\":null,\"checkpoint\":\"1724856487.709035,10594\","
                  "\"results\":["
                  "{\"id\":10594,\"hash_digest\":\"ab\",\"algorithm\":\"MD5\",\"ideology\":"
                  "\"islamist\","
                  "\"file_type\":\"mp4\",\"deleted\":true,\"updated_on\":1724856487.709035},"
                  "{\"id\":10593,\"hash_digest\":\"cd\",\"algorithm\":\"TMK\",\"updated_on\":1},"
                  "{\"id\":10592,\"hash_digest\":\"ef\",\"algorithm\":\"PDQ\",\"deleted\":false}]}",
                  &p, &k),
            VG_OK);
    assert_int_equal(p.records, 1);
    assert_string_equal(p.values[0], "md5:ab:deleted");
    assert_int_equal(p.rejects, 2);
    assert_string_equal(p.last_field, "updated_on");
    assert_int_equal(p.last_item, 2);
    assert_string_equal(k.checkpoint, "1724856487.709035,10594");
    double t;
    int64_t id;
    assert_int_equal(vg__known_checkpoint_parse("1724856487.709035,10594", &t, &id), VG_OK);
    assert_int_equal(id, 10594);
    assert_true(t > 1724856487.7 && t < 1724856487.71);
    assert_int_equal(vg__known_checkpoint_parse("12", &t, &id), VG_EPARSE);
    assert_int_equal(parse(VG_BANK_TAT_JSON, "{\"count\":0}", &p, &k), VG_EPARSE);
}

/* ---- import into the store ----------------------------------------------------------------- */

static char tmp_path[256];

static const char *write_tmp(const char *name, const char *text)
{
    snprintf(tmp_path, sizeof(tmp_path), "/tmp/vigie-known-%d-%s", (int)getpid(), name);
    FILE *f = fopen(tmp_path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return tmp_path;
}

static struct vg_bank_import_summary import_text(vg_db *db, const char *bank, enum vg_bank_format f,
                                                 const char *text)
{
    struct vg_bank_import_summary s = { 0 };
    const char *path = write_tmp("in", text);
    assert_int_equal(vg_bank_import(db, bank, f, path, NULL, NULL, &s), VG_OK);
    unlink(path);
    assert_int_equal(s.read, s.added + s.updated + s.deleted + s.unchanged + s.rejected);
    return s;
}

#define TAT_ENTRY(id, hash, del, upd)                                                              \
    "{\"id\":" #id ",\"hash_digest\":\"" hash                                                      \
    "\",\"algorithm\":\"MD5\",\"ideology\":\"islamist\","                                          \
    "\"file_type\":\"mp4\",\"deleted\":" del ",\"updated_on\":" #upd "}"

static const char *const page1 = "{\"count\":2,\"checkpoint\":\"200,2\",\"results\":[" TAT_ENTRY(
        1, "00000000000000000000000000000001", "false",
        100) "," TAT_ENTRY(2, "00000000000000000000000000000002", "false", 200) "]}";
static const char *const page2 = "{\"count\":2,\"checkpoint\":\"400,3\",\"results\":[" TAT_ENTRY(
        1, "00000000000000000000000000000001", "true",
        300) "," TAT_ENTRY(3, "00000000000000000000000000000003", "false", 400) "]}";

static void tat_checkpoints(void **state)
{
    (void)state;
    vg_db *db = fixture_db("known", "tat");
    struct vg_bank_import_summary s = import_text(db, "TAT", VG_BANK_TAT_JSON, page1);
    assert_int_equal(s.added, 2);
    s = import_text(db, "TAT", VG_BANK_TAT_JSON, page1); /* the same page again */
    assert_int_equal(s.unchanged, 2);
    assert_int_equal(s.added + s.updated + s.deleted, 0);
    s = import_text(db, "TAT", VG_BANK_TAT_JSON, page2);
    assert_int_equal(s.deleted, 1);
    assert_int_equal(s.added, 1);
    assert_int_equal(count_items(db, "TAT", 0), 2);
    s = import_text(db, "TAT", VG_BANK_TAT_JSON, page1); /* older: brings nothing back */
    assert_int_equal(s.unchanged, 2);
    assert_int_equal(s.stale_page, 1);
    assert_int_equal(count_items(db, "TAT", 0), 2);
    assert_int_equal(count_items(db, "TAT", 1), 3);
    fixture_close(db);
}

struct sink_buf {
    char data[8192];
    size_t len;
};

static vg_status to_buf(const char *s, size_t len, void *ud)
{
    struct sink_buf *b = ud;
    assert_true(b->len + len < sizeof(b->data));
    memcpy(b->data + b->len, s, len);
    b->len += len;
    b->data[b->len] = '\0';
    return VG_OK;
}

static void export_round_trip(void **state)
{
    (void)state;
    vg_db *db = fixture_db("known", "export");
    struct vg_bank_import_summary s =
            import_text(db, "A", VG_BANK_TE_CSV,
                        "signal_type,signal_str,collab,category,tags\n"
                        "pdq,F8F8F0CEE0F4A84F06370A22038F63F0B36E2ED596621E1D33E6B39C4E9C9B22,c,"
                        "POSITIVE_CLASS,x ideology:islamist tco:a\n"
                        "raw_text,\"An invented, quoted \"\"slogan\"\" of the test\",c,,\n"
                        "url,https://a.invalid/x?utm_source=1,c,,\n"
                        "video_md5,nothex,c,,\n");
    assert_int_equal(s.added, 3);
    assert_int_equal(s.rejected, 1);
    for (int f = 0; f < VG_BANK_FORMAT__COUNT; f++) {
        struct sink_buf b = { .len = 0 };
        uint64_t written, skipped;
        assert_int_equal(
                vg_bank_export(db, "A", (enum vg_bank_format)f, to_buf, &b, &written, &skipped),
                VG_OK);
        assert_int_equal(written, f == VG_BANK_TAT_JSON ? 1 : 3);
        assert_int_equal(skipped, f == VG_BANK_TAT_JSON ? 2 : 0);
        char bank[8];
        snprintf(bank, sizeof(bank), "B%d", f);
        s = import_text(db, bank, (enum vg_bank_format)f, b.data);
        assert_int_equal(s.added, written);
        assert_int_equal(s.rejected, 0);
        if (f == VG_BANK_TE_CSV)
            assert_non_null(strstr(b.data, "ideology:islamist tco:a"));
    }
    /* What came back through TE CSV and HMA JSON has the same fields. */
    vg_matcher *m;
    assert_int_equal(vg_matcher_open(db, NULL, &m, NULL), VG_OK);
    assert_int_equal(vg_matcher_size(m, VG_ITEM_PDQ), 4);
    assert_int_equal(vg_matcher_size(m, VG_ITEM_TEXT), 3);
    assert_int_equal(vg_matcher_size(m, VG_ITEM_URL), 3);
    vg_matcher_free(m);
    fixture_close(db);
}

/* ---- matching ------------------------------------------------------------------------------ */

struct mcount {
    int n;
    double distance;
    char bank[16];
};

static int count_match(const struct vg_match *x, void *ud)
{
    struct mcount *c = ud;
    c->n++;
    c->distance = x->distance;
    snprintf(c->bank, sizeof(c->bank), "%s", x->bank);
    return 0;
}

/* pdq_a with its first `bits` bits flipped. */
static void flipped(int bits, char out[65])
{
    struct vg_pdq h;
    assert_int_equal(vg_pdq_from_hex(pdq_a, &h), VG_OK);
    for (int i = 0; i < bits; i++)
        h.bytes[i / 8] ^= (uint8_t)(0x80 >> (i % 8));
    vg_pdq_to_hex(&h, out);
}

static void matcher_thresholds(void **state)
{
    (void)state;
    vg_db *db = fixture_db("known", "match");
    struct vg_bank_item it = { .bank = "M", .type = VG_ITEM_PDQ, .value = pdq_a };
    enum vg_bank_change ch;
    assert_int_equal(vg_bank_put(db, &it, &ch), VG_OK);
    it.type = VG_ITEM_TEXT;
    it.value = base_text;
    assert_int_equal(vg_bank_put(db, &it, &ch), VG_OK);
    it.type = VG_ITEM_SHA256;
    it.value = "0000000000000000000000000000000000000000000000000000000000000abc";
    assert_int_equal(vg_bank_put(db, &it, &ch), VG_OK);
    vg_matcher *m;
    assert_int_equal(vg_matcher_open(db, NULL, &m, NULL), VG_OK);
    struct vg_match_opts o;
    vg_match_opts_init(&o);
    assert_int_equal(o.pdq_max_distance, 31);
    char h[65], why[128];
    flipped(31, h);
    struct mcount c = { 0 };
    assert_int_equal(vg_matcher_match(m, VG_ITEM_PDQ, h, &o, count_match, &c, why, sizeof(why)),
                     VG_OK);
    assert_int_equal(c.n, 1);
    assert_true(c.distance == 31);
    flipped(32, h);
    c.n = 0;
    assert_int_equal(vg_matcher_match(m, VG_ITEM_PDQ, h, &o, count_match, &c, why, sizeof(why)),
                     VG_OK);
    assert_int_equal(c.n, 0);
    c.n = 0;
    assert_int_equal(vg_matcher_match(m, VG_ITEM_SHA256,
                                      "0000000000000000000000000000000000000000000000000000000000"
                                      "000ABC",
                                      &o, count_match, &c, why, sizeof(why)),
                     VG_OK);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.bank, "M");
    c.n = 0;
    assert_int_equal(vg_matcher_match(m, VG_ITEM_TEXT,
                                      "the invented BRIGADE announces a new video about the "
                                      "caravan of the mountain people \xf0\x9f\x94\xa5",
                                      &o, count_match, &c, why, sizeof(why)),
                     VG_OK);
    assert_int_equal(c.n, 1);
    assert_true(c.distance == 0);
    assert_int_equal(vg_matcher_match(m, VG_ITEM_MD5, "zz", &o, count_match, &c, why, sizeof(why)),
                     VG_EFIELD);
    o.pdq_max_distance = 300;
    assert_int_equal(vg_matcher_match(m, VG_ITEM_PDQ, pdq_a, &o, count_match, &c, why, sizeof(why)),
                     VG_EINVAL);
    vg_matcher_free(m);
    fixture_close(db);
}

static void post_matches_stored_once(void **state)
{
    (void)state;
    vg_db *db = fixture_db("known", "posts");
    struct vg_bank_item it = { .bank = "P", .type = VG_ITEM_TEXT, .value = base_text };
    enum vg_bank_change ch;
    assert_int_equal(vg_bank_put(db, &it, &ch), VG_OK);
    it.type = VG_ITEM_URL;
    it.value = "https://a.invalid/x";
    assert_int_equal(vg_bank_put(db, &it, &ch), VG_OK);
    const char *texts[3] = { "RT @x: The invented brigade announces a NEW video about the "
                             "caravan of the mountain people \xf0\x9f\x94\xa5",
                             "Rain again this morning", "see https://a.invalid/x?utm_source=z" };
    const char *urls[3] = { NULL, NULL, "https://a.invalid/x?utm_source=z" };
    for (int i = 0; i < 3; i++) {
        struct vg_event ev;
        memset(&ev, 0, sizeof(ev));
        ev.type = VG_EV_POST;
        char id[8];
        snprintf(id, sizeof(id), "p%d", i);
        ev.u.post.id = id;
        ev.u.post.account = "acc";
        ev.u.post.created_at = 1700000000 + i;
        ev.u.post.text = texts[i];
        const char *u[1] = { urls[i] };
        if (urls[i]) {
            ev.u.post.urls.v = u;
            ev.u.post.urls.n = 1;
        }
        fixture_put(db, &ev);
    }
    vg_matcher *m;
    assert_int_equal(vg_matcher_open(db, NULL, &m, NULL), VG_OK);
    struct vg_match_opts o;
    vg_match_opts_init(&o);
    struct vg_match_posts_summary s = { 0 };
    assert_int_equal(vg_match_posts(db, m, &o, NULL, NULL, &s), VG_OK);
    assert_int_equal(s.posts, 3);
    assert_int_equal(s.posts_matched, 2);
    assert_int_equal(s.matches, 2);
    assert_int_equal(s.new_matches, 2);
    memset(&s, 0, sizeof(s));
    assert_int_equal(vg_match_posts(db, m, &o, NULL, NULL, &s), VG_OK);
    assert_int_equal(s.matches, 2);
    assert_int_equal(s.new_matches, 0);
    vg_matcher_free(m);
    fixture_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matching_form),          cmocka_unit_test(similarity_of_mutations),
        cmocka_unit_test(shingle_sets_exact),     cmocka_unit_test(sketch_bound_is_safe),
        cmocka_unit_test(index_add_query_remove), cmocka_unit_test(index_shared_bands),
        cmocka_unit_test(recall_on_real_tweets),  cmocka_unit_test(item_values),
        cmocka_unit_test(banks_put_delete),       cmocka_unit_test(parse_te_csv),
        cmocka_unit_test(parse_hma_json),         cmocka_unit_test(parse_tat_page),
        cmocka_unit_test(tat_checkpoints),        cmocka_unit_test(export_round_trip),
        cmocka_unit_test(matcher_thresholds),     cmocka_unit_test(post_matches_stored_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
