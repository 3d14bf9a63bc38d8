/* SPDX-License-Identifier: Apache-2.0 */
/*
 * text_lang_int.h: internals of language identification shared by text_lang.c (the classifier),
 * text_lang_model.c (the generated model tables) and tools/langid-train.c (which trains the
 * model with exactly the same text preparation and hashing the library uses at run time).
 * Nothing here is public; vg_lang_identify() in vigie.h is the entry point.
 *
 * Pipeline: vg__lang_scan() lower-cases the text, drops URLs, @mentions, hashtags, HTML
 * entities, digits and punctuation, and counts letters per script. The dominant script decides:
 * most scripts name their language directly (Thai, Hangul, Greek, ...); Latin and Arabic scripts go
 * to a naive Bayes model over hashed character 1..max_ngram-grams (struct vg__lang_group), fed by
 * vg__lang_select() and vg__lang_hashes().
 */
#ifndef VG_TEXT_LANG_INT_H
#define VG_TEXT_LANG_INT_H

#include <stddef.h>
#include <stdint.h>

/* At most this many code points (letters, apostrophes, single separators) are looked at. */
#define VG__LANG_MAX_CPS 512
/* Longest n-gram the code supports; a model uses 1..max_ngram <= this. */
#define VG__LANG_MAX_NGRAM 5
/* Most languages one model group may hold. */
#define VG__LANG_MAX_GROUP 16

/* Scripts told apart by code point ranges. */
enum vg__script {
    VG__SC_NONE = 0,
    VG__SC_LATIN,
    VG__SC_ARABIC,
    VG__SC_CYRILLIC,
    VG__SC_GREEK,
    VG__SC_HEBREW,
    VG__SC_ARMENIAN,
    VG__SC_GEORGIAN,
    VG__SC_DEVANAGARI,
    VG__SC_BENGALI,
    VG__SC_GURMUKHI,
    VG__SC_GUJARATI,
    VG__SC_ORIYA,
    VG__SC_TAMIL,
    VG__SC_TELUGU,
    VG__SC_KANNADA,
    VG__SC_MALAYALAM,
    VG__SC_SINHALA,
    VG__SC_THAI,
    VG__SC_LAO,
    VG__SC_TIBETAN,
    VG__SC_MYANMAR,
    VG__SC_ETHIOPIC,
    VG__SC_KHMER,
    VG__SC_HANGUL,
    VG__SC_KANA,
    VG__SC_HAN,
    VG__SC_COUNT
};

/* Result of the first pass over a text. */
struct vg__lang_scan {
    uint32_t cp[VG__LANG_MAX_CPS]; /* lower-cased letters, '\'' inside words, ' ' between words */
    uint8_t script[VG__LANG_MAX_CPS];  /* enum vg__script of cp[i]; NONE for ' ' and '\'' */
    size_t n;                          /* entries used in cp[] and script[] */
    uint32_t n_letters;                /* letters kept (all scripts) */
    uint32_t n_hashtag_letters;        /* letters in hashtags left out */
    uint32_t per_script[VG__SC_COUNT]; /* letters per script */
    uint32_t n_ukrainian, n_russian;   /* Cyrillic letters specific to uk (і ї є ґ), ru */
};

/* The letters of one script, UTF-8 encoded, ready for n-gram hashing. */
struct vg__lang_text {
    char bytes[VG__LANG_MAX_CPS * 4 + 8];
    uint16_t off[VG__LANG_MAX_CPS + 3]; /* byte offset of each code point, plus the end */
    size_t n_cps;                       /* code points, including the padding spaces */
};

/* A naive Bayes model for the languages of one script. */
struct vg__lang_group {
    unsigned n_langs;
    const char *const *langs; /* ISO 639-1 codes, static strings */
    unsigned bucket_bits;     /* 2^bucket_bits hashed feature buckets */
    const int8_t *weights;    /* [bucket][lang]: log P(bucket | lang), centred per bucket, / step */
    const float *log_prior;   /* [lang], nats */
    float step;               /* nats per weight unit */
    float temperature;        /* log-odds are divided by this before the softmax (calibration) */
    float min_confidence;     /* below this the answer is "und" */
};

struct vg__lang_model {
    unsigned max_ngram; /* n-grams of 1..max_ngram code points */
    uint64_t seed;      /* vg_hash64 seed; n-grams of length n use seed + n */
    struct vg__lang_group latin;
    struct vg__lang_group arabic;
};

/* Seed of the n-gram hashes (an n-gram of n code points is hashed with seed + n). */
#define VG__LANG_FEATURE_SEED 0x6c616e6769643031ull

/* The compiled-in model (text_lang_model.c, written by tools/langid-train). */
extern const struct vg__lang_model vg__lang_model;

/* First pass: normalise s[0..len) into sc (see the file comment); hashtags are left out unless
 * with_hashtags (then only their '#' is). Never fails. */
void vg__lang_scan(const char *s, size_t len, int with_hashtags, struct vg__lang_scan *sc);

/* The first pass as vg_lang_identify() does it: hashtags only when nothing else has letters. */
void vg__lang_read(const char *s, size_t len, struct vg__lang_scan *sc);

/* The script with the most letters (Hiragana/Katakana and Han count together as KANA when any
 * kana is present), or VG__SC_NONE when there are no letters. */
enum vg__script vg__lang_dominant(const struct vg__lang_scan *sc);

/* Second pass: keep the letters of `script` (and apostrophes, for Latin), padded with one space
 * at each end, other letters and separators becoming single spaces. */
void vg__lang_select(const struct vg__lang_scan *sc, enum vg__script script,
                     struct vg__lang_text *t);

/* Iterator over the n-gram hashes of a prepared text. */
struct vg__lang_iter {
    size_t i; /* next start code point */
};

/*
 * Write the hashes of the n-grams (1..max_ngram code points, the lone space excluded) starting
 * at the next code points of t into out, continuing from *it (zero it to start), as long as
 * all n-grams of one start fit in cap (cap >= max_ngram). Returns how many were written; 0 means
 * the text is exhausted. The hash is vg_hash64(n-gram bytes, seed + n).
 */
size_t vg__lang_hashes(const struct vg__lang_text *t, unsigned max_ngram, uint64_t seed,
                       struct vg__lang_iter *it, uint64_t *out, size_t cap);

/* Sum the weight rows of the n-grams of t into acc[0..n_langs) (the raw naive Bayes score in
 * units of g->step, before the priors). acc has room for VG__LANG_MAX_GROUP entries. */
void vg__lang_score(const struct vg__lang_model *m, const struct vg__lang_group *g,
                    const struct vg__lang_text *t, int32_t *acc);

/*
 * A key for "the same text" when splitting labelled data: the hash of the scanned letters, so
 * retweets and copies differing only in URLs, mentions, case or punctuation share it. The
 * trainer and the unit test put a text in the test split when key % 5 == 0.
 */
#define VG__LANG_KEY_SEED 0x766967696c616e67ull
uint64_t vg__lang_text_key(const char *s, size_t len);

/* vg_lang_identify() with an explicit model (the trainer evaluates models it holds in memory). */
const char *vg__lang_identify_with(const struct vg__lang_model *m, const char *s, size_t len,
                                   double *confidence);

#endif /* VG_TEXT_LANG_INT_H */
