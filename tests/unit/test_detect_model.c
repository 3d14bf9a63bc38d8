/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_detect_model.c: unit tests of the classifier's feature extraction (detect_features.c), its
 * model file and scoring (detect_model.c) and its training and calibration (detect_train.c).
 * Every text here is invented for the test: the positives only mimic the vocabulary of
 * recruitment ("join the caravan"), the negatives are cooking and weather talk.
 *
 * With VG_FUZZ_SEED_DIR set, model_fuzz_seeds writes the committed seed corpus of
 * tests/fuzz/fuzz_model.c into that directory:
 *   VG_FUZZ_SEED_DIR=tests/fuzz/corpus/fuzz_model build/dev/tests/test_detect_model
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <dirent.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <xxhash.h>

#include "detect.h"
#include "text.h"

/* ---- helpers -------------------------------------------------------------------------------- */

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Uniform in [0, 1). */
static double rnd01(void)
{
    return (double)(rnd() >> 11) / 9007199254740992.0;
}

static char *normalize(const char *s)
{
    char *out = NULL;
    size_t len;
    assert_int_equal(vg_text_normalize(s, strlen(s), &out, &len), VG_OK);
    return out;
}

static struct vg_feat_params params(uint64_t seed, unsigned bits, unsigned flags)
{
    struct vg_feat_params p = { seed, bits, flags };
    return p;
}

/* Features of a written text (normalised here). */
static void features_of(const struct vg_feat_params *p, const char *text, struct vg_features *f)
{
    char *norm = normalize(text);
    struct vg_feat_input in = { .text = text, .text_norm = norm };
    assert_int_equal(vg__features_extract(p, &in, f), VG_OK);
    vg_free(norm);
}

/* Sorted, in range, L2 norm 1 (or empty). */
static void check_vector(const struct vg_features *f, unsigned bits)
{
    double sq = 0;
    for (size_t i = 0; i < f->n; i++) {
        assert_true(f->idx[i] < (1u << bits));
        if (i > 0)
            assert_true(f->idx[i] > f->idx[i - 1]);
        assert_true(isfinite(f->val[i]) && f->val[i] > 0);
        sq += (double)f->val[i] * f->val[i];
    }
    if (f->n > 0)
        assert_true(fabs(sq - 1.0) < 1e-5);
}

/* Every name vg__features_each reports, with its index and value. */
struct named {
    char name[300];
    uint32_t idx;
    float val;
};

struct names {
    struct named *v;
    size_t n, cap;
};

static void collect(const char *name, uint32_t idx, float val, void *ud)
{
    struct names *ns = ud;
    if (ns->n == ns->cap) {
        ns->cap = ns->cap ? ns->cap * 2 : 64;
        ns->v = realloc(ns->v, ns->cap * sizeof(*ns->v));
        assert_non_null(ns->v);
    }
    assert_true(strlen(name) < sizeof(ns->v[0].name));
    strcpy(ns->v[ns->n].name, name);
    ns->v[ns->n].idx = idx;
    ns->v[ns->n].val = val;
    ns->n++;
}

static void names_of(const struct vg_feat_params *p, const struct vg_feat_input *in,
                     struct names *ns)
{
    memset(ns, 0, sizeof(*ns));
    assert_int_equal(vg__features_each(p, in, collect, ns), VG_OK);
}

static const struct named *find_name(const struct names *ns, const char *name)
{
    for (size_t i = 0; i < ns->n; i++)
        if (strcmp(ns->v[i].name, name) == 0)
            return &ns->v[i];
    return NULL;
}

static size_t count_prefix(const struct names *ns, const char *prefix)
{
    size_t n = 0;
    for (size_t i = 0; i < ns->n; i++)
        n += strncmp(ns->v[i].name, prefix, strlen(prefix)) == 0;
    return n;
}

static const char *const sample_texts[] = {
    "Join the caravan, brothers: the road to the land is open. https://example.org/x #Hijrah",
    "RT @Some_Account: Bake the bread at 200 degrees for 35 minutes, then let it rest!",
    "Il pleut encore sur le vieux pont, la rivière est haute ce matin #météo",
    "أمطار غزيرة هذا الصباح والنهر مرتفع قرب الجسر القديم",
    "MIXED text عربي et français with 42 numbers and @user url placeholders",
    "",
    "!!! ??? ...",
    "a",
};

/* ---- features ------------------------------------------------------------------------------- */

static void feat_deterministic_and_seeded(void **state)
{
    (void)state;
    struct vg_feat_params p = params(VG_FEAT_SEED_DEFAULT, 20, VG_FEAT_ALL);
    struct vg_feat_params q = params(VG_FEAT_SEED_DEFAULT + 1, 20, VG_FEAT_ALL);
    struct vg_features a, b, c;
    vg__features_init(&a);
    vg__features_init(&b);
    vg__features_init(&c);
    for (size_t t = 0; t < VG_ARRAY_LEN(sample_texts); t++) {
        features_of(&p, sample_texts[t], &a);
        features_of(&p, sample_texts[t], &b);
        assert_int_equal(a.n, b.n);
        if (a.n) {
            assert_memory_equal(a.idx, b.idx, a.n * sizeof(*a.idx));
            assert_memory_equal(a.val, b.val, a.n * sizeof(*a.val));
        }
        /* Another seed: another feature space. Few indices may coincide by chance. */
        features_of(&q, sample_texts[t], &c);
        assert_int_equal(c.n > 0, a.n > 0);
        size_t same = 0;
        for (size_t i = 0, j = 0; i < a.n && j < c.n;) {
            if (a.idx[i] == c.idx[j])
                same++, i++, j++;
            else if (a.idx[i] < c.idx[j])
                i++;
            else
                j++;
        }
        assert_true(same * 10 <= a.n);
    }
    vg__features_release(&a);
    vg__features_release(&b);
    vg__features_release(&c);
}

static void feat_sorted_normalised(void **state)
{
    (void)state;
    struct vg_features f;
    vg__features_init(&f);
    for (unsigned bits = 16; bits <= 24; bits += 4) {
        struct vg_feat_params p = params(7, bits, VG_FEAT_ALL);
        for (size_t t = 0; t < VG_ARRAY_LEN(sample_texts); t++) {
            features_of(&p, sample_texts[t], &f);
            check_vector(&f, bits);
            assert_true(f.n > 0); /* shape features at least */
        }
    }
    /* Only the word families, an empty text: nothing at all. */
    struct vg_feat_params w = params(7, 20, VG_FEAT_WORD1 | VG_FEAT_WORD2);
    features_of(&w, "", &f);
    assert_int_equal(f.n, 0);
    /* Many repeats of few words: counts merge into single entries, still sorted and norm 1. */
    char big[8192] = "";
    for (int i = 0; i < 500; i++)
        strcat(big, i % 3 ? "salt " : "pepper ");
    struct vg_feat_params p = params(7, 16, VG_FEAT_ALL);
    features_of(&p, big, &f);
    check_vector(&f, 16);
    assert_true(f.n < 60);
    vg__features_release(&f);
}

static void feat_char_ngrams_by_code_point(void **state)
{
    (void)state;
    struct vg_feat_params p = params(VG_FEAT_SEED_DEFAULT, 20, VG_FEAT_CHAR);
    struct names ns;
    /* Arabic: 4 letters, 8 bytes; framed 6 symbols give 5 + 4 + 3 + 2 = 14 grams. */
    struct vg_feat_input ar = { .text_norm = "سلام" };
    names_of(&p, &ar, &ns);
    assert_int_equal(ns.n, 14);
    assert_non_null(find_name(&ns, "c:<س"));
    assert_non_null(find_name(&ns, "c:سلا"));
    assert_non_null(find_name(&ns, "c:لام>"));
    assert_non_null(find_name(&ns, "c:<سلام"));
    assert_non_null(find_name(&ns, "c:سلام>"));
    assert_null(find_name(&ns, "c:<سلام>")); /* 6 symbols: longer than 5 */
    for (size_t i = 0; i < ns.n; i++)
        assert_true(vg_utf8_valid(ns.v[i].name, strlen(ns.v[i].name)));
    free(ns.v);
    /* French after normalisation ("été" -> "ete"), and Cyrillic kept as written. */
    char *norm = normalize("Été");
    struct vg_feat_input fr = { .text_norm = norm };
    names_of(&p, &fr, &ns);
    assert_non_null(find_name(&ns, "c:<ete>"));
    assert_non_null(find_name(&ns, "c:<e"));
    assert_int_equal(ns.n, 4 + 3 + 2 + 1); /* "<ete>": 5 symbols, all grams distinct */
    free(ns.v);
    vg_free(norm);
    struct vg_feat_input ru = { .text_norm = "мир" };
    names_of(&p, &ru, &ns);
    assert_int_equal(ns.n, 4 + 3 + 2 + 1);
    assert_non_null(find_name(&ns, "c:<ми"));
    assert_non_null(find_name(&ns, "c:<мир>"));
    free(ns.v);
    /* English: boundary marks on both ends; a one-letter word has "<a", "a>" and "<a>". */
    struct vg_feat_input en = { .text_norm = "word a" };
    names_of(&p, &en, &ns);
    assert_non_null(find_name(&ns, "c:<wo"));
    assert_non_null(find_name(&ns, "c:rd>"));
    assert_non_null(find_name(&ns, "c:<word"));
    assert_non_null(find_name(&ns, "c:<a>"));
    assert_int_equal(ns.n, 14 + 3);
    free(ns.v);
}

static void feat_each_matches_extract(void **state)
{
    (void)state;
    struct vg_features f;
    vg__features_init(&f);
    const char *tags[] = { "given_tag", "другой" };
    const char *domains[] = { "example.org" };
    for (unsigned bits = 16; bits <= 24; bits += 8) {
        struct vg_feat_params p = params(99, bits, VG_FEAT_ALL);
        for (size_t t = 0; t < VG_ARRAY_LEN(sample_texts); t++) {
            char *norm = normalize(sample_texts[t]);
            for (int with_lists = 0; with_lists < 2; with_lists++) {
                struct vg_feat_input in = { .text = sample_texts[t], .text_norm = norm };
                if (with_lists) {
                    in.hashtags = tags;
                    in.n_hashtags = 2;
                    in.domains = domains;
                    in.n_domains = 1;
                }
                assert_int_equal(vg__features_extract(&p, &in, &f), VG_OK);
                struct names ns;
                names_of(&p, &in, &ns);
                /* Every reported (idx, val) is in f, bit for bit... */
                for (size_t i = 0; i < ns.n; i++) {
                    size_t k = 0;
                    while (k < f.n && f.idx[k] != ns.v[i].idx)
                        k++;
                    assert_true(k < f.n);
                    assert_memory_equal(&f.val[k], &ns.v[i].val, sizeof(float));
                    if (i > 0) /* in index order, each name once */
                        assert_true(ns.v[i].idx > ns.v[i - 1].idx ||
                                    (ns.v[i].idx == ns.v[i - 1].idx &&
                                     strcmp(ns.v[i].name, ns.v[i - 1].name) != 0));
                }
                /* ...and every entry of f has a name. */
                for (size_t k = 0; k < f.n; k++) {
                    size_t i = 0;
                    while (i < ns.n && ns.v[i].idx != f.idx[k])
                        i++;
                    assert_true(i < ns.n);
                }
                /* The name's own hash gives its index: the documented rule. */
                for (size_t i = 0; i < ns.n; i++) {
                    uint64_t h = vg_hash64(ns.v[i].name, strlen(ns.v[i].name), p.seed);
                    assert_int_equal((uint32_t)(h >> (64 - bits)), ns.v[i].idx);
                }
                if (with_lists) {
                    assert_non_null(find_name(&ns, "#given_tag"));
                    assert_non_null(find_name(&ns, "#другой"));
                    assert_non_null(find_name(&ns, "d:example.org"));
                    assert_null(find_name(&ns, "#hijrah")); /* the given list wins */
                }
                free(ns.v);
            }
            vg_free(norm);
        }
    }
    vg__features_release(&f);
}

static void feat_placeholders(void **state)
{
    (void)state;
    struct vg_feat_params p = params(VG_FEAT_SEED_DEFAULT, 20, VG_FEAT_ALL);
    const char *text = "@Someone_Real look at https://example.org/page?id=7 and url, mail me at "
                       "a@b.com, hi @user";
    char *norm = normalize(text);
    struct vg_feat_input in = { .text = text, .text_norm = norm };
    struct names ns;
    names_of(&p, &in, &ns);
    assert_non_null(find_name(&ns, "w:@user"));
    assert_non_null(find_name(&ns, "w:url"));
    assert_non_null(find_name(&ns, "w2:@user look"));
    assert_non_null(find_name(&ns, "w2:at url"));
    assert_non_null(find_name(&ns, "w2:url and"));
    assert_non_null(find_name(&ns, "w2:hi @user"));
    assert_non_null(find_name(&ns, "w:a")); /* an e-mail address is not a mention */
    assert_non_null(find_name(&ns, "shape:urls=2+"));
    assert_non_null(find_name(&ns, "shape:mentions=2"));
    for (size_t i = 0; i < ns.n; i++) {
        assert_null(strstr(ns.v[i].name, "someone"));
        assert_null(strstr(ns.v[i].name, "example"));
        assert_null(strstr(ns.v[i].name, "page"));
        assert_null(strstr(ns.v[i].name, "http"));
    }
    /* Placeholders have no char n-grams. */
    assert_null(find_name(&ns, "c:<url>"));
    assert_null(find_name(&ns, "c:<@u"));
    free(ns.v);
    vg_free(norm);
}

static void feat_shape_and_families(void **state)
{
    (void)state;
    struct vg_feat_params p = params(VG_FEAT_SEED_DEFAULT, 20, VG_FEAT_ALL);
    struct names ns;
    struct vg_feat_input in = { .text = "JOIN THE CARAVAN NOW",
                                .text_norm = "join the caravan now" };
    names_of(&p, &in, &ns);
    assert_non_null(find_name(&ns, "shape:caps=all"));
    assert_non_null(find_name(&ns, "shape:len=s"));
    assert_non_null(find_name(&ns, "shape:arabic=none"));
    assert_non_null(find_name(&ns, "shape:digits=none"));
    assert_non_null(find_name(&ns, "shape:tags=0"));
    assert_null(find_name(&ns, "shape:rt"));
    /* A word outweighs any one of its char n-grams, and a unigram its bigram. */
    const struct named *w = find_name(&ns, "w:caravan");
    const struct named *b = find_name(&ns, "w2:the caravan");
    assert_non_null(w);
    assert_non_null(b);
    assert_true(w->val > b->val);
    for (size_t i = 0; i < ns.n; i++)
        if (strncmp(ns.v[i].name, "c:", 2) == 0)
            assert_true(ns.v[i].val < w->val);
    /* The char block as a whole does not drown the words either. */
    double sq_w = 0, sq_c = 0;
    for (size_t i = 0; i < ns.n; i++) {
        double v = ns.v[i].val;
        if (strncmp(ns.v[i].name, "w:", 2) == 0)
            sq_w += v * v;
        else if (strncmp(ns.v[i].name, "c:", 2) == 0)
            sq_c += v * v;
    }
    assert_true(sq_c < sq_w);
    free(ns.v);

    /* No written text: no capitals feature. Arabic script share, a leading "rt @". */
    struct vg_feat_input ar = { .text_norm = "rt @u12: الدوله باقيه 7 #وسم" };
    names_of(&p, &ar, &ns);
    assert_null(find_name(&ns, "shape:caps=all"));
    assert_int_equal(count_prefix(&ns, "shape:caps"), 0);
    assert_non_null(find_name(&ns, "shape:rt"));
    assert_non_null(find_name(&ns, "shape:arabic=most"));
    assert_non_null(find_name(&ns, "shape:digits=low"));
    assert_non_null(find_name(&ns, "shape:tags=1"));
    assert_non_null(find_name(&ns, "#وسم"));
    free(ns.v);

    /* Capitals of URLs and handles do not count. */
    struct vg_feat_input low = {
        .text = "quiet words here https://x.example/ABCDEFGHIJ @LOUDNAME",
        .text_norm = "quiet words here https://x.example/abcdefghij @loudname"
    };
    names_of(&p, &low, &ns);
    assert_non_null(find_name(&ns, "shape:caps=low"));
    free(ns.v);

    /* Families can be switched off one by one. */
    struct vg_feat_params only_w = params(VG_FEAT_SEED_DEFAULT, 20, VG_FEAT_WORD1);
    names_of(&only_w, &in, &ns);
    assert_int_equal(ns.n, 4);
    assert_int_equal(count_prefix(&ns, "w:"), 4);
    free(ns.v);
    /* "w:fi" and "c:fi" are different features. */
    struct vg_feat_params wc = params(VG_FEAT_SEED_DEFAULT, 24, VG_FEAT_WORD1 | VG_FEAT_CHAR);
    struct vg_feat_input fi = { .text_norm = "fi" };
    names_of(&wc, &fi, &ns);
    const struct named *wfi = find_name(&ns, "w:fi"), *cfi = find_name(&ns, "c:fi");
    assert_non_null(wfi);
    assert_non_null(cfi);
    assert_int_not_equal(wfi->idx, cfi->idx);
    free(ns.v);
}

static void feat_bad_arguments(void **state)
{
    (void)state;
    struct vg_features f;
    vg__features_init(&f);
    struct vg_feat_input in = { .text_norm = "some text" };
    struct vg_feat_params p;
    vg__feat_params_default(&p);
    assert_int_equal(p.bits, VG_FEAT_BITS_DEFAULT);
    assert_int_equal(p.flags, VG_FEAT_ALL);
    assert_true(p.seed == VG_FEAT_SEED_DEFAULT);
    struct vg_feat_params bad = p;
    bad.bits = 15;
    assert_int_equal(vg__features_extract(&bad, &in, &f), VG_EINVAL);
    bad.bits = 25;
    assert_int_equal(vg__features_extract(&bad, &in, &f), VG_EINVAL);
    bad = p;
    bad.flags = 0x40;
    assert_int_equal(vg__features_extract(&bad, &in, &f), VG_EINVAL);
    struct vg_feat_input none = { .text_norm = NULL };
    assert_int_equal(vg__features_extract(&p, &none, &f), VG_EINVAL);
    assert_int_equal(vg__features_each(&p, &in, NULL, NULL), VG_EINVAL);
    assert_int_equal(f.n, 0);
    /* Invalid UTF-8 bytes separate words; nothing breaks. */
    struct vg_feat_input raw = { .text_norm = "ab\xff\xfe"
                                              "cd \xc3 \xe2\x82 z\xf0\x9f" };
    assert_int_equal(vg__features_extract(&p, &raw, &f), VG_OK);
    check_vector(&f, p.bits);
    struct names ns;
    names_of(&p, &raw, &ns);
    assert_non_null(find_name(&ns, "w:ab"));
    assert_non_null(find_name(&ns, "w:cd"));
    for (size_t i = 0; i < ns.n; i++)
        assert_true(vg_utf8_valid(ns.v[i].name, strlen(ns.v[i].name)));
    free(ns.v);
    /* A very long word: names are cut at a code point boundary, no char n-grams. */
    char *long_word = malloc(4001);
    for (int i = 0; i < 2000; i++)
        memcpy(long_word + 2 * i, "ж", 2);
    long_word[4000] = '\0';
    struct vg_feat_input lw = { .text_norm = long_word };
    names_of(&p, &lw, &ns);
    assert_int_equal(count_prefix(&ns, "c:"), 0);
    const struct named *w = NULL;
    for (size_t i = 0; i < ns.n; i++)
        if (strncmp(ns.v[i].name, "w:", 2) == 0)
            w = &ns.v[i];
    assert_non_null(w);
    assert_true(strlen(w->name) <= 256 && strlen(w->name) >= 250);
    assert_true(vg_utf8_valid(w->name, strlen(w->name)));
    free(ns.v);
    free(long_word);
    vg__features_release(&f);
}

static void feat_no_allocation_after_warmup(void **state)
{
    (void)state;
    struct vg_feat_params p;
    vg__feat_params_default(&p);
    const char *text = sample_texts[0];
    char *norm = normalize(text);
    struct vg_feat_input in = { .text = text, .text_norm = norm };
    struct vg_features f;
    vg__features_init(&f);
    assert_int_equal(vg__features_extract(&p, &in, &f), VG_OK);
    uint64_t before = vg__alloc_count();
    for (int i = 0; i < 1000; i++)
        assert_int_equal(vg__features_extract(&p, &in, &f), VG_OK);
    assert_int_equal(vg__alloc_count() - before, 0);
    vg__features_release(&f);
    vg_free(norm);
}

static void feat_alloc_failures(void **state)
{
    (void)state;
    struct vg_feat_params p;
    vg__feat_params_default(&p);
    struct vg_feat_input in = { .text = sample_texts[0], .text_norm = "join the caravan #now" };
    struct names ns = { 0 };
    int failures = 0;
    for (uint64_t k = 1; k < 200; k++) {
        vg__alloc_fail_after(k);
        vg_status rc = vg__features_each(&p, &in, collect, &ns);
        vg__alloc_fail_after(0);
        if (rc == VG_OK)
            break;
        assert_int_equal(rc, VG_ENOMEM);
        failures++;
        ns.n = 0;
    }
    assert_true(failures >= 3);
    free(ns.v);
    /* extract into a fresh vector: the scratch is warm, f's two arrays are what may fail */
    failures = 0;
    for (uint64_t k = 1; k < 10; k++) {
        struct vg_features f;
        vg__features_init(&f);
        vg__alloc_fail_after(k);
        vg_status rc = vg__features_extract(&p, &in, &f);
        vg__alloc_fail_after(0);
        if (rc == VG_OK) {
            check_vector(&f, p.bits);
            vg__features_release(&f);
            break;
        }
        assert_int_equal(rc, VG_ENOMEM);
        assert_int_equal(f.n, 0);
        vg__features_release(&f);
        failures++;
    }
    assert_int_equal(failures, 2);
}

/* ---- the model file ---------------------------------------------------------------------------
 */

static char tmpdir[64];

static int setup_tmpdir(void **state)
{
    (void)state;
    strcpy(tmpdir, "/tmp/vg-test-model-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_tmpdir(void **state)
{
    (void)state;
    DIR *d = opendir(tmpdir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.')
                continue;
            char p[512];
            snprintf(p, sizeof(p), "%s/%s", tmpdir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(tmpdir);
    return 0;
}

static void tmp_path(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", tmpdir, name);
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *d = malloc((size_t)n + 1);
    assert_non_null(d);
    assert_int_equal(fread(d, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return d;
}

/* A small model with awkward weights: zeros, -0.0, subnormals, extremes. */
static struct vg_model *small_model(unsigned bits, size_t n_nonzero)
{
    struct vg_feat_params p = params(0x1234567890abcdefull, bits, VG_FEAT_ALL & ~VG_FEAT_DOMAIN);
    struct vg_model *m;
    assert_int_equal(vg__model_new(&p, &m), VG_OK);
    size_t dim = (size_t)1 << bits;
    for (size_t k = 0; k < n_nonzero; k++)
        m->w[rnd() % dim] = (float)(rnd01() * 4 - 2);
    m->w[0] = -0.0f;
    m->w[1] = 1e-40f; /* subnormal */
    m->w[dim - 1] = -3.4e38f;
    m->bias = -0.125;
    m->platt_a = -1.75;
    m->platt_b = 0.3;
    m->threshold = 0.8;
    vg_free(m->meta_json);
    m->meta_json = vg_strdup("{\"trained_on\":\"invented\",\"n\":3,\"auc\":0.5,\"note\":\"é\"}");
    return m;
}

static void assert_models_equal(const struct vg_model *a, const struct vg_model *b)
{
    assert_true(a->feat.seed == b->feat.seed);
    assert_int_equal(a->feat.bits, b->feat.bits);
    assert_int_equal(a->feat.flags, b->feat.flags);
    assert_memory_equal(&a->bias, &b->bias, sizeof(double));
    assert_memory_equal(&a->platt_a, &b->platt_a, sizeof(double));
    assert_memory_equal(&a->platt_b, &b->platt_b, sizeof(double));
    assert_memory_equal(&a->threshold, &b->threshold, sizeof(double));
    assert_memory_equal(a->w, b->w, sizeof(float) << a->feat.bits);
    assert_string_equal(a->meta_json, b->meta_json);
}

static void model_round_trip_bit_exact(void **state)
{
    (void)state;
    char path[128], path2[128];
    tmp_path(path, sizeof(path), "m1.vgmodel");
    tmp_path(path2, sizeof(path2), "m2.vgmodel");
    for (unsigned bits = 16; bits <= 18; bits++) {
        struct vg_model *m = small_model(bits, 500), *back = NULL;
        assert_int_equal(vg__model_save(m, path), VG_OK);
        assert_int_equal(vg__model_load(path, &back), VG_OK);
        assert_models_equal(m, back);
        /* Saving what was loaded gives the same bytes. */
        assert_int_equal(vg__model_save(back, path2), VG_OK);
        size_t l1, l2;
        unsigned char *d1 = slurp(path, &l1), *d2 = slurp(path2, &l2);
        assert_int_equal(l1, l2);
        assert_memory_equal(d1, d2, l1);
        /* The header as documented. */
        assert_memory_equal(d1, "VGMODEL\0", 8);
        assert_int_equal(d1[8], 1);
        assert_int_equal(d1[12], 64);
        assert_int_equal(d1[24], bits);
        /* Scores agree too. */
        struct vg_features f;
        vg__features_init(&f);
        features_of(&m->feat, sample_texts[0], &f);
        assert_true(vg__model_margin(m, &f) == vg__model_margin(back, &f));
        vg__features_release(&f);
        free(d1);
        free(d2);
        vg__model_free(m);
        vg__model_free(back);
    }
    /* No temporary file is left behind. */
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    while ((e = readdir(d)))
        assert_null(strstr(e->d_name, ".tmp"));
    closedir(d);
}

/* Replace the trailing checksum so that a tampered field, not the checksum, is what fails. */
static void fix_checksum(unsigned char *d, size_t len)
{
    uint64_t h = XXH64(d, len - 8, 0);
    for (int i = 0; i < 8; i++)
        d[len - 8 + (size_t)i] = (unsigned char)(h >> (8 * i));
}

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void putf64(unsigned char *p, double v)
{
    uint64_t u;
    memcpy(&u, &v, 8);
    put64(p, u);
}

static unsigned char *saved_small(size_t *len, size_t n_nonzero)
{
    char path[128];
    tmp_path(path, sizeof(path), "small.vgmodel");
    struct vg_model *m = small_model(16, n_nonzero);
    assert_int_equal(vg__model_save(m, path), VG_OK);
    vg__model_free(m);
    return slurp(path, len);
}

static void expect_reject(const unsigned char *d, size_t len, vg_status want)
{
    struct vg_model *m = (struct vg_model *)(uintptr_t)1;
    assert_int_equal(vg__model_load_mem(d, len, &m), want);
    assert_null(m);
}

static void model_rejects_truncation(void **state)
{
    (void)state;
    size_t len;
    unsigned char *d = saved_small(&len, 20);
    struct vg_model *m = NULL;
    assert_int_equal(vg__model_load_mem(d, len, &m), VG_OK);
    vg__model_free(m);
    for (size_t k = 0; k < len; k++) {
        m = (struct vg_model *)(uintptr_t)1;
        vg_status rc = vg__model_load_mem(d, k, &m);
        assert_true(rc == VG_EPARSE || rc == VG_EFORMAT);
        assert_null(m);
    }
    /* trailing bytes */
    unsigned char *longer = malloc(len + 1);
    memcpy(longer, d, len);
    longer[len] = 0;
    expect_reject(longer, len + 1, VG_EPARSE);
    free(longer);
    free(d);
}

static void model_rejects_corruption(void **state)
{
    (void)state;
    size_t len;
    unsigned char *orig = saved_small(&len, 20);
    unsigned char *d = malloc(len + 64);
    uint32_t meta_len = orig[64] | orig[65] << 8 | orig[66] << 16 | (uint32_t)orig[67] << 24;
    size_t nz_at = 68 + meta_len, w_at = nz_at + 4;
    uint32_t n_nz = orig[nz_at] | orig[nz_at + 1] << 8 | orig[nz_at + 2] << 16;
    assert_true(n_nz >= 10);

#define TAMPER(want, stmt)                                                                         \
    do {                                                                                           \
        memcpy(d, orig, len);                                                                      \
        stmt;                                                                                      \
        fix_checksum(d, len);                                                                      \
        expect_reject(d, len, want);                                                               \
    } while (0)

    TAMPER(VG_EFORMAT, d[0] = 'X');                /* magic */
    TAMPER(VG_EFORMAT, d[7] = 'X');                /* the magic's NUL */
    TAMPER(VG_EFORMAT, put32(d + 8, 2));           /* newer version */
    TAMPER(VG_EFORMAT, put32(d + 8, 0));           /* no such version */
    TAMPER(VG_EPARSE, put32(d + 12, 65));          /* header length */
    TAMPER(VG_EPARSE, put32(d + 24, 15));          /* bits below range */
    TAMPER(VG_EPARSE, put32(d + 24, 25));          /* bits above range */
    TAMPER(VG_EFORMAT, put32(d + 28, 0x40));       /* unknown family */
    TAMPER(VG_EPARSE, putf64(d + 32, NAN));        /* bias */
    TAMPER(VG_EPARSE, putf64(d + 40, INFINITY));   /* platt_a */
    TAMPER(VG_EPARSE, putf64(d + 48, -INFINITY));  /* platt_b */
    TAMPER(VG_EPARSE, putf64(d + 56, 1.5));        /* threshold */
    TAMPER(VG_EPARSE, putf64(d + 56, NAN));        /* threshold */
    TAMPER(VG_EPARSE, put32(d + 64, 0xFFFFFFFFu)); /* meta_len beyond the file */
    TAMPER(VG_EPARSE, put32(d + 64, meta_len + 1));
    TAMPER(VG_EPARSE, put32(d + 64, meta_len - 1));
    TAMPER(VG_EPARSE, d[68] = '[');                 /* meta not an object */
    TAMPER(VG_EPARSE, d[68 + meta_len - 1] = ' ');  /* meta not closed */
    TAMPER(VG_EPARSE, d[70] = '\0');                /* NUL inside meta */
    TAMPER(VG_EPARSE, d[70] = (unsigned char)0xFF); /* invalid UTF-8 in meta */
    TAMPER(VG_EPARSE, put32(d + nz_at, n_nz + 1));  /* n_nonzero vs length */
    TAMPER(VG_EPARSE, put32(d + nz_at, n_nz - 1));
    TAMPER(VG_EPARSE, put32(d + nz_at, 70000));                       /* n_nonzero > 2^bits */
    TAMPER(VG_EPARSE, put32(d + w_at + 8 * 5, 1u << 16));             /* idx out of range */
    TAMPER(VG_EPARSE, put32(d + w_at + 8 * 5, 0));                    /* idx not increasing */
    TAMPER(VG_EPARSE, memcpy(d + w_at + 8 * 6, d + w_at + 8 * 5, 4)); /* idx repeated */
    TAMPER(VG_EPARSE, put32(d + w_at + 8 * 5 + 4, 0x7FC00000u));      /* NaN weight */
    TAMPER(VG_EPARSE, put32(d + w_at + 8 * 5 + 4, 0x7F800000u));      /* +inf weight */
    TAMPER(VG_EPARSE, put32(d + w_at + 8 * 5 + 4, 0xFF800000u));      /* -inf weight */
    TAMPER(VG_EPARSE, put32(d + w_at + 8 * 5 + 4, 0));                /* a stored zero */
#undef TAMPER
    /* Without fixing the checksum, no single-bit flip anywhere may load. */
    for (size_t i = 0; i < len; i++) {
        for (int bit = 0; bit < 8; bit += 3) {
            memcpy(d, orig, len);
            d[i] ^= (unsigned char)(1u << bit);
            struct vg_model *m = (struct vg_model *)(uintptr_t)1;
            vg_status rc = vg__model_load_mem(d, len, &m);
            assert_true(rc == VG_EPARSE || rc == VG_EFORMAT);
            assert_null(m);
        }
    }
    /* Valid except for the stored checksum. */
    memcpy(d, orig, len);
    d[len - 1] ^= 0x80;
    expect_reject(d, len, VG_EPARSE);
    /* Files that do not exist or are not files. */
    struct vg_model *m = NULL;
    char path[128];
    tmp_path(path, sizeof(path), "nope.vgmodel");
    assert_int_equal(vg__model_load(path, &m), VG_ENOENT);
    assert_int_equal(vg__model_load(tmpdir, &m), VG_EIO);
    assert_null(m);
    free(d);
    free(orig);
}

static void model_load_alloc_failures(void **state)
{
    (void)state;
    char path[128];
    tmp_path(path, sizeof(path), "alloc.vgmodel");
    struct vg_model *m = small_model(16, 100);
    assert_int_equal(vg__model_save(m, path), VG_OK);
    vg__model_free(m);
    int failures = 0;
    for (uint64_t k = 1; k < 100; k++) {
        m = (struct vg_model *)(uintptr_t)1;
        vg__alloc_fail_after(k);
        vg_status rc = vg__model_load(path, &m);
        vg__alloc_fail_after(0);
        if (rc == VG_OK) {
            vg__model_free(m);
            break;
        }
        assert_int_equal(rc, VG_ENOMEM);
        assert_null(m);
        failures++;
    }
    assert_int_equal(failures, 4); /* file buffer, model, weights, metadata */
    /* vg__model_new too */
    struct vg_feat_params p;
    vg__feat_params_default(&p);
    for (uint64_t k = 1; k <= 3; k++) {
        m = (struct vg_model *)(uintptr_t)1;
        vg__alloc_fail_after(k);
        assert_int_equal(vg__model_new(&p, &m), VG_ENOMEM);
        vg__alloc_fail_after(0);
        assert_null(m);
    }
    p.bits = 12;
    assert_int_equal(vg__model_new(&p, &m), VG_EINVAL);
}

static void model_save_is_atomic_and_checked(void **state)
{
    (void)state;
    char path[128], bad[160];
    tmp_path(path, sizeof(path), "atomic.vgmodel");
    struct vg_model *m = small_model(16, 10);
    assert_int_equal(vg__model_save(m, path), VG_OK);
    size_t l1, l2;
    unsigned char *before = slurp(path, &l1);
    /* Refused saves leave the previous file as it was. */
    char *meta = m->meta_json;
    m->meta_json = "[1,2]";
    assert_int_equal(vg__model_save(m, path), VG_EINVAL);
    m->meta_json = "{\"a\":1} x";
    assert_int_equal(vg__model_save(m, path), VG_EINVAL);
    m->meta_json = meta;
    m->w[5] = NAN;
    assert_int_equal(vg__model_save(m, path), VG_EINVAL);
    m->w[5] = 0;
    m->threshold = 2;
    assert_int_equal(vg__model_save(m, path), VG_EINVAL);
    m->threshold = 0.5;
    unsigned char *after = slurp(path, &l2);
    assert_int_equal(l1, l2);
    assert_memory_equal(before, after, l1);
    snprintf(bad, sizeof(bad), "%s/no/such/dir/m.vgmodel", tmpdir);
    assert_int_equal(vg__model_save(m, bad), VG_EIO);
    /* A NULL metadata is written as "{}". */
    vg_free(m->meta_json);
    m->meta_json = NULL;
    assert_int_equal(vg__model_save(m, path), VG_OK);
    struct vg_model *back;
    assert_int_equal(vg__model_load(path, &back), VG_OK);
    assert_string_equal(back->meta_json, "{}");
    vg__model_free(back);
    free(before);
    free(after);
    vg__model_free(m);
}

static void model_prob_formula(void **state)
{
    (void)state;
    struct vg_feat_params p = params(1, 16, VG_FEAT_WORD1);
    struct vg_model *m;
    assert_int_equal(vg__model_new(&p, &m), VG_OK);
    /* Untrained: the logistic function of the margin. */
    assert_true(fabs(vg__model_prob(m, 0.0) - 0.5) < 1e-15);
    assert_true(fabs(vg__model_prob(m, 2.0) - 1.0 / (1.0 + exp(-2.0))) < 1e-15);
    m->platt_a = -2.0;
    m->platt_b = 0.5;
    assert_true(fabs(vg__model_prob(m, 1.0) - 1.0 / (1.0 + exp(-1.5))) < 1e-15);
    assert_true(vg__model_prob(m, 1e6) == 1.0);
    assert_true(vg__model_prob(m, -1e6) == 0.0);
    assert_false(isnan(vg__model_prob(m, 1e308)));
    /* margin = bias + w . x over the vector's entries */
    struct vg_features f;
    vg__features_init(&f);
    struct vg_feat_input in = { .text_norm = "alpha beta" };
    assert_int_equal(vg__features_extract(&p, &in, &f), VG_OK);
    assert_int_equal(f.n, 2);
    m->bias = 0.25;
    m->w[f.idx[0]] = 2.0f;
    m->w[f.idx[1]] = -1.0f;
    double want = 0.25 + 2.0 * f.val[0] - 1.0 * f.val[1];
    assert_true(fabs(vg__model_margin(m, &f) - want) < 1e-12);
    assert_true(fabs(f.val[0] - 1.0 / sqrt(2.0)) < 1e-6);
    vg__features_release(&f);
    vg__model_free(m);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Not a timed test: prints the load time of a dense 2^20 model for the record. */
static void model_load_time_2p20(void **state)
{
    (void)state;
    char path[128];
    tmp_path(path, sizeof(path), "big.vgmodel");
    struct vg_feat_params p;
    vg__feat_params_default(&p);
    struct vg_model *m, *back = NULL;
    assert_int_equal(vg__model_new(&p, &m), VG_OK);
    for (size_t i = 0; i < ((size_t)1 << 20); i++)
        m->w[i] = (float)(rnd01() - 0.5);
    assert_int_equal(vg__model_save(m, path), VG_OK);
    double best = 1e9;
    for (int r = 0; r < 3; r++) {
        double t0 = now_s();
        assert_int_equal(vg__model_load(path, &back), VG_OK);
        double t = now_s() - t0;
        best = t < best ? t : best;
        if (r < 2)
            vg__model_free(back);
    }
    assert_models_equal(m, back);
    print_message("load of a dense 2^20 model (8 MiB file): %.1f ms (best of 3, this build)\n",
                  best * 1e3);
    vg__model_free(back);
    vg__model_free(m);
}

/* Writes tests/fuzz/corpus/fuzz_model/ when VG_FUZZ_SEED_DIR is set; otherwise does nothing. */
static void model_fuzz_seeds(void **state)
{
    (void)state;
    const char *dir = getenv("VG_FUZZ_SEED_DIR");
    if (!dir)
        skip();
    size_t len;
    unsigned char *d = saved_small(&len, 12);

    const struct {
        const char *name;
        size_t len;
    } seeds[] = {
        { "valid-bits16", len },
        { "truncated-header", 40 },
        { "truncated-weights", len - 13 },
    };

    char path[512];
    for (size_t i = 0; i < VG_ARRAY_LEN(seeds); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, seeds[i].name);
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(d, 1, seeds[i].len, f), seeds[i].len);
        fclose(f);
    }
    /* Corrupt fields with a correct checksum, so the fuzzer starts near each check. */
    unsigned char *c = malloc(len);

    const struct {
        const char *name;
        size_t at;
        uint32_t v;
    } edits[] = {
        { "bad-bits", 24, 30 },
        { "bad-version", 8, 2 },
        { "bad-meta-len", 64, 3 },
        { "bad-flags", 28, 0x80 },
    };

    for (size_t i = 0; i < VG_ARRAY_LEN(edits); i++) {
        memcpy(c, d, len);
        put32(c + edits[i].at, edits[i].v);
        fix_checksum(c, len);
        snprintf(path, sizeof(path), "%s/%s", dir, edits[i].name);
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(c, 1, len, f), len);
        fclose(f);
    }
    /* A model of every bits value's smallest form: no weights. */
    struct vg_feat_params p = params(3, 24, VG_FEAT_ALL);
    struct vg_model *m;
    assert_int_equal(vg__model_new(&p, &m), VG_OK);
    snprintf(path, sizeof(path), "%s/empty-bits24", dir);
    assert_int_equal(vg__model_save(m, path), VG_OK);
    vg__model_free(m);
    free(c);
    free(d);
}

/* ---- training and calibration ---------------------------------------------------------------- */

static const char *const positives[] = {
    "join the caravan brothers, the land is waiting for you",
    "the caravan leaves soon, join your brothers on the road",
    "brothers, pack your bags and join the caravan of the faithful",
    "do not sit at home, join the caravan before it is too late",
    "the brothers of the caravan call you to join them",
    "answer the call, join the caravan, the road is open",
    "your brothers are waiting, the caravan will not wait forever",
    "leave everything and join the caravan with your brothers",
    "the call of the caravan: join us brothers",
    "a true brother joins the caravan when it calls",
};

static const char *const negatives[] = {
    "add the garlic to the pan and cook until golden",
    "bake the bread for forty minutes at a high heat",
    "chop the onions finely and fry them in olive oil",
    "this soup needs more salt and a little pepper",
    "let the dough rest overnight in the fridge",
    "roast the vegetables with thyme and a drizzle of oil",
    "the cake came out of the oven perfectly golden",
    "stir the sauce gently and add the tomatoes",
    "cook the pasta in salted water for ten minutes",
    "serve the stew warm with fresh bread and butter",
};

struct trainset {
    struct vg_features xs[20];
    int y[20];
    size_t n;
};

static void trainset_build(struct trainset *t, const struct vg_feat_params *p)
{
    t->n = 0;
    for (size_t i = 0; i < VG_ARRAY_LEN(positives); i++) {
        vg__features_init(&t->xs[t->n]);
        features_of(p, positives[i], &t->xs[t->n]);
        t->y[t->n++] = 1;
        vg__features_init(&t->xs[t->n]);
        features_of(p, negatives[i], &t->xs[t->n]);
        t->y[t->n++] = 0;
    }
}

static void trainset_release(struct trainset *t)
{
    for (size_t i = 0; i < t->n; i++)
        vg__features_release(&t->xs[i]);
}

static double prob_of(const struct vg_model *m, const char *text)
{
    struct vg_features f;
    vg__features_init(&f);
    features_of(&m->feat, text, &f);
    double p = vg__model_prob(m, vg__model_margin(m, &f));
    vg__features_release(&f);
    return p;
}

static void train_separates_tiny_set(void **state)
{
    (void)state;
    struct vg_feat_params p = params(VG_FEAT_SEED_DEFAULT, 18, VG_FEAT_ALL);
    struct trainset t;
    trainset_build(&t, &p);
    struct vg_model *m;
    assert_int_equal(vg__model_new(&p, &m), VG_OK);
    struct vg_train_opts o;
    vg__train_opts_default(&o);
    assert_int_equal(o.solver, 0);
    assert_true(o.C == 1.0 && o.eps == 0.01 && o.pos_weight == 1.0);
    o.C = 10;
    assert_int_equal(vg__train_fit(m, &o, t.xs, t.y, t.n), VG_OK);
    double margins[20];
    for (size_t i = 0; i < t.n; i++) {
        margins[i] = vg__model_margin(m, &t.xs[i]);
        assert_true(t.y[i] ? margins[i] > 0 : margins[i] < 0);
    }
    assert_int_equal(vg__train_calibrate(m, margins, t.y, t.n), VG_OK);
    assert_true(m->platt_a < 0); /* higher margin, higher probability */
    for (size_t i = 0; i < t.n; i++) {
        double pr = vg__model_prob(m, margins[i]);
        assert_true(t.y[i] ? pr > 0.5 : pr < 0.5);
    }
    /* Unseen sentences with the same vocabulary land on their side too. */
    assert_true(prob_of(m, "Brothers, JOIN THE CARAVAN today") > 0.5);
    assert_true(prob_of(m, "fry the garlic and bake the bread") < 0.5);
    vg__model_free(m);
    trainset_release(&t);
}

static void train_deterministic_and_l1(void **state)
{
    (void)state;
    struct vg_feat_params p = params(5, 16, VG_FEAT_ALL);
    struct trainset t;
    trainset_build(&t, &p);
    struct vg_train_opts o;
    vg__train_opts_default(&o);
    o.C = 10; /* with C = 1 the L1 solver may keep no feature at all on 20 examples */
    size_t nz[2];
    for (int s = 0; s < 2; s++) {
        o.solver = s == 0 ? 0 : 6; /* L2R_LR, L1R_LR */
        struct vg_model *a, *b;
        assert_int_equal(vg__model_new(&p, &a), VG_OK);
        assert_int_equal(vg__model_new(&p, &b), VG_OK);
        assert_int_equal(vg__train_fit(a, &o, t.xs, t.y, t.n), VG_OK);
        assert_int_equal(vg__train_fit(b, &o, t.xs, t.y, t.n), VG_OK);
        assert_memory_equal(a->w, b->w, sizeof(float) << p.bits);
        assert_memory_equal(&a->bias, &b->bias, sizeof(double));
        nz[s] = 0;
        for (size_t i = 0; i < ((size_t)1 << p.bits); i++)
            nz[s] += a->w[i] != 0;
        for (size_t i = 0; i < t.n; i++)
            assert_true(t.y[i] ? vg__model_margin(a, &t.xs[i]) > 0
                               : vg__model_margin(a, &t.xs[i]) < 0);
        vg__model_free(a);
        vg__model_free(b);
    }
    assert_true(nz[1] > 0 && nz[1] * 5 < nz[0]); /* L1 is sparse */
    /* A heavier positive class moves every margin up. */
    struct vg_model *plain, *heavy;
    assert_int_equal(vg__model_new(&p, &plain), VG_OK);
    assert_int_equal(vg__model_new(&p, &heavy), VG_OK);
    vg__train_opts_default(&o);
    assert_int_equal(vg__train_fit(plain, &o, t.xs, t.y, t.n), VG_OK);
    o.pos_weight = 8;
    assert_int_equal(vg__train_fit(heavy, &o, t.xs, t.y, t.n), VG_OK);
    double mean_plain = 0, mean_heavy = 0;
    for (size_t i = 0; i < t.n; i++) {
        mean_plain += vg__model_margin(plain, &t.xs[i]);
        mean_heavy += vg__model_margin(heavy, &t.xs[i]);
    }
    assert_true(mean_heavy > mean_plain);
    vg__model_free(plain);
    vg__model_free(heavy);
    trainset_release(&t);
}

static void train_rejects_bad_input(void **state)
{
    (void)state;
    struct vg_feat_params p = params(5, 16, VG_FEAT_ALL);
    struct trainset t;
    trainset_build(&t, &p);
    struct vg_model *m;
    assert_int_equal(vg__model_new(&p, &m), VG_OK);
    struct vg_train_opts o;
    vg__train_opts_default(&o);
    int ones[20];
    for (int i = 0; i < 20; i++)
        ones[i] = 1;
    assert_int_equal(vg__train_fit(m, &o, t.xs, ones, t.n), VG_EINVAL); /* one class */
    int bad[20];
    memcpy(bad, t.y, sizeof(bad));
    bad[3] = 2;
    assert_int_equal(vg__train_fit(m, &o, t.xs, bad, t.n), VG_EINVAL);
    o.solver = 1; /* a dual SVM: not ours */
    assert_int_equal(vg__train_fit(m, &o, t.xs, t.y, t.n), VG_EINVAL);
    vg__train_opts_default(&o);
    o.C = 0;
    assert_int_equal(vg__train_fit(m, &o, t.xs, t.y, t.n), VG_EINVAL);
    vg__train_opts_default(&o);
    o.pos_weight = NAN;
    assert_int_equal(vg__train_fit(m, &o, t.xs, t.y, t.n), VG_EINVAL);
    /* Features from a larger space than the model's. */
    struct vg_model *small;
    struct vg_feat_params q = params(5, 16, VG_FEAT_ALL);
    assert_int_equal(vg__model_new(&q, &small), VG_OK);
    struct vg_feat_params big = params(5, 24, VG_FEAT_ALL);
    struct trainset tb;
    trainset_build(&tb, &big);
    vg__train_opts_default(&o);
    assert_int_equal(vg__train_fit(small, &o, tb.xs, tb.y, tb.n), VG_EINVAL);
    /* Nothing changed the weights. */
    for (size_t i = 0; i < ((size_t)1 << 16); i++)
        assert_true(m->w[i] == 0 && small->w[i] == 0);
    double margins[3] = { 0.1, NAN, 0.3 };
    int y3[3] = { 1, 0, 1 };
    assert_int_equal(vg__train_calibrate(m, margins, y3, 3), VG_EINVAL);
    margins[1] = 0.2;
    int same[3] = { 1, 1, 1 };
    assert_int_equal(vg__train_calibrate(m, margins, same, 3), VG_EINVAL);
    assert_true(m->platt_a == -1.0 && m->platt_b == 0.0);
    vg__model_free(small);
    vg__model_free(m);
    trainset_release(&t);
    trainset_release(&tb);
}

static void calibrate_recovers_known_coefficients(void **state)
{
    (void)state;
    struct vg_feat_params p = params(1, 16, VG_FEAT_WORD1);
    struct vg_model *m;
    assert_int_equal(vg__model_new(&p, &m), VG_OK);

    const struct {
        double a, b;
    } cases[] = { { -1.5, 0.4 }, { -0.5, -1.0 }, { -3.0, 2.0 } };

    size_t n = 40000;
    double *mg = malloc(n * sizeof(*mg));
    int *y = malloc(n * sizeof(*y));
    for (size_t c = 0; c < VG_ARRAY_LEN(cases); c++) {
        for (size_t i = 0; i < n; i++) {
            mg[i] = rnd01() * 8 - 4;
            double pr = 1.0 / (1.0 + exp(cases[c].a * mg[i] + cases[c].b));
            y[i] = rnd01() < pr;
        }
        assert_int_equal(vg__train_calibrate(m, mg, y, n), VG_OK);
        print_message("Platt: true A %.3f B %.3f, fitted A %.4f B %.4f\n", cases[c].a, cases[c].b,
                      m->platt_a, m->platt_b);
        assert_true(fabs(m->platt_a - cases[c].a) < 0.06 * fabs(cases[c].a) + 0.03);
        assert_true(fabs(m->platt_b - cases[c].b) < 0.08);
    }
    /* Perfectly separated margins stay finite (the target smoothing's purpose). */
    for (size_t i = 0; i < 100; i++) {
        mg[i] = (double)i - 50;
        y[i] = i >= 50;
    }
    assert_int_equal(vg__train_calibrate(m, mg, y, 100), VG_OK);
    assert_true(isfinite(m->platt_a) && isfinite(m->platt_b) && m->platt_a < 0);
    assert_true(vg__model_prob(m, 49) > 0.95 && vg__model_prob(m, -50) < 0.05);
    free(mg);
    free(y);
    vg__model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(feat_deterministic_and_seeded),
        cmocka_unit_test(feat_sorted_normalised),
        cmocka_unit_test(feat_char_ngrams_by_code_point),
        cmocka_unit_test(feat_each_matches_extract),
        cmocka_unit_test(feat_placeholders),
        cmocka_unit_test(feat_shape_and_families),
        cmocka_unit_test(feat_bad_arguments),
        cmocka_unit_test(feat_no_allocation_after_warmup),
        cmocka_unit_test(feat_alloc_failures),
        cmocka_unit_test(model_round_trip_bit_exact),
        cmocka_unit_test(model_rejects_truncation),
        cmocka_unit_test(model_rejects_corruption),
        cmocka_unit_test(model_load_alloc_failures),
        cmocka_unit_test(model_save_is_atomic_and_checked),
        cmocka_unit_test(model_prob_formula),
        cmocka_unit_test(model_load_time_2p20),
        cmocka_unit_test(model_fuzz_seeds),
        cmocka_unit_test(train_separates_tiny_set),
        cmocka_unit_test(train_deterministic_and_l1),
        cmocka_unit_test(train_rejects_bad_input),
        cmocka_unit_test(calibrate_recovers_known_coefficients),
    };
    return cmocka_run_group_tests(tests, setup_tmpdir, teardown_tmpdir);
}
