/* SPDX-License-Identifier: Apache-2.0 */
/*
 * detect_features.c: a post's normalised text (and its hashtags, domains and written form) as a
 * sparse hashed feature vector, the input of the propaganda classifier (detect_model.c scores
 * it, detect_train.c fits it). Vocabulary-free: a feature is a short string, its family tag in
 * front ("w:caravan", "w2:join the", "c:<ca", "#tag", "d:example.org", "shape:caps=high"),
 * hashed with vg_hash64(name, seed); the HIGH `bits` bits of the 64-bit hash are its index.
 *
 * Families (docs/model-format.md gives the full rules):
 *   w:   word unigrams. A word is a run of letters, combining marks, digits and '_' (any
 *        script). Mentions "@handle" become the word "@user" and http(s) URLs the word "url", so
 *        the handles and links of one dataset never become features; the datasets' own
 *        placeholders "@user" and "url" are the same words.
 *   w2:  word bigrams, "w2:first second", over the same word sequence.
 *   c:   character 2..5-grams of each word framed by '<' and '>' ("<wo", "rd>"), counted in
 *        code points; placeholders and runs over VG_CHAR_WORD_MAX code points have none.
 *   #:   hashtags: in->hashtags when the caller gives a list, otherwise the "#word"s of the text.
 *   d:   in->domains.
 *   shape: binned length, capitals ratio of the written text, URL/mention/hashtag counts,
 *        Arabic-script share, digit ratio and a leading "rt @".
 *
 * Values: a (family, index) pair seen c times weighs 1 + ln c (sublinear tf). Each family's
 * block is scaled to L2 norm 1 and then by a fixed family weight (fam_weight below), so that the
 * ~20 char n-grams of every word do not drown its one unigram; pairs of different families that
 * land in one bucket add up; the whole vector is finally L2-normalised.
 *
 * Speed: the hot path hashes each name from a stack buffer, collects 32-bit keys (index << 3 |
 * family) in a per-thread scratch array, radix-sorts them and merges the runs into f's arrays.
 * After the first few posts nothing is allocated. vg__features_each replays the same walk,
 * keeping the names, and reports the values the fast path computed.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "detect.h"
#include "text.h"

/* Longest feature name hashed, in bytes; longer names are cut at a code point boundary (the
 * same cut in both paths, so names and indices still agree). */
#define VG_FEAT_NAME_MAX 256
/* Words longer than this (code points) get no char n-grams: base64, glued links and keyboard
 * mashing, where n-grams are noise and would dominate the vector and the cost. */
#define VG_CHAR_WORD_MAX 64
/* A per-thread scratch array that grew past this many keys is freed after the call, so one huge
 * text does not keep megabytes per thread. */
#define VG_FEAT_KEEP_KEYS ((size_t)1 << 16)
/* Below this many keys insertion sort beats the radix passes. */
#define VG_FEAT_SMALL_SORT 48
/* Handles longer than this are no mentions (text_extract.c uses the same bound). */
#define VG_HANDLE_MAX 50

enum fam {
    FAM_W1 = 0,
    FAM_W2,
    FAM_CHAR,
    FAM_TAG,
    FAM_DOMAIN,
    FAM_SHAPE,
    FAM__COUNT
};

static const char *const fam_prefix[FAM__COUNT] = { "w:", "w2:", "c:", "#", "d:", "shape:" };
static const size_t fam_prefix_len[FAM__COUNT] = { 2, 3, 2, 1, 2, 6 };

/*
 * Family weights applied after each block is normalised to length 1. Words carry the most
 * specific evidence; char n-grams generalise across inflections and spellings (Arabic clitics,
 * French elision) and get nearly as much; bigrams are sparser and partly redundant with the
 * unigrams; hashtags, domains and shape are few and coarse. Part of the feature space: changing
 * them changes every model's input.
 */
static const double fam_weight[FAM__COUNT] = { 1.0, 0.6, 0.8, 0.5, 0.5, 0.3 };

/* 1 + ln c, written out for small counts (a const table needs no initialisation and no log()
 * in the hot loop; the literals are the correctly rounded doubles). */
static const double tf_small[17] = {
    0.0,
    1.0,
    1.6931471805599454,
    2.09861228866811,
    2.386294361119891,
    2.6094379124341005,
    2.791759469228055,
    2.9459101490553135,
    3.0794415416798357,
    3.1972245773362196,
    3.302585092994046,
    3.3978952727983707,
    3.4849066497880004,
    3.5649493574615367,
    3.6390573296152584,
    3.70805020110221,
    3.772588722239781,
};

static double tf_of(size_t count)
{
    return count < VG_ARRAY_LEN(tf_small) ? tf_small[count] : 1.0 + log((double)count);
}

void vg__feat_params_default(struct vg_feat_params *p)
{
    p->seed = VG_FEAT_SEED_DEFAULT;
    p->bits = VG_FEAT_BITS_DEFAULT;
    p->flags = VG_FEAT_ALL;
}

void vg__features_init(struct vg_features *f)
{
    f->idx = NULL;
    f->val = NULL;
    f->n = 0;
    f->cap = 0;
}

void vg__features_release(struct vg_features *f)
{
    if (!f)
        return;
    vg_free(f->idx);
    vg_free(f->val);
    vg__features_init(f);
}

/* Room for n entries in f (contents kept). */
static vg_status features_reserve(struct vg_features *f, size_t n)
{
    if (n <= f->cap)
        return VG_OK;
    size_t cap = f->cap ? f->cap : 64;
    while (cap < n)
        cap *= 2;
    uint32_t *idx = vg_realloc(f->idx, cap * sizeof(*idx));
    if (!idx)
        return VG_ENOMEM;
    f->idx = idx;
    float *val = vg_realloc(f->val, cap * sizeof(*val));
    if (!val)
        return VG_ENOMEM; /* idx is merely larger than cap: still consistent */
    f->val = val;
    f->cap = cap;
    return VG_OK;
}

/* ---- character classes ---------------------------------------------------------------------- */

static int is_word_cp(int32_t c)
{
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_';
    /* Arabic letters, tashkeel and digits: the common non-Latin case, without a table lookup. */
    if ((c >= 0x0621 && c <= 0x063A) || (c >= 0x0641 && c <= 0x0669))
        return 1;
    if (c == 0x200C || c == 0x200D) /* ZWNJ/ZWJ inside Persian and Indic words */
        return 1;
    return vg_text_cp_is_word(c);
}

static int is_letter_cp(int32_t c)
{
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    switch (utf8proc_category(c)) {
        case UTF8PROC_CATEGORY_LU:
        case UTF8PROC_CATEGORY_LL:
        case UTF8PROC_CATEGORY_LT:
        case UTF8PROC_CATEGORY_LM:
        case UTF8PROC_CATEGORY_LO:
            return 1;
        default:
            return 0;
    }
}

static int is_arabic_cp(int32_t c)
{
    return (c >= 0x0600 && c <= 0x06FF) || (c >= 0x0750 && c <= 0x077F) ||
           (c >= 0x08A0 && c <= 0x08FF) || (c >= 0xFB50 && c <= 0xFDFF) ||
           (c >= 0xFE70 && c <= 0xFEFF);
}

static int is_space_byte(unsigned char c)
{
    return c == ' ' || (c >= 0x09 && c <= 0x0D);
}

static int is_handle_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Decode the code point at s[i]; an invalid byte reads as U+FFFD (a separator), length 1. */
static int next_cp(const unsigned char *s, size_t len, size_t i, int32_t *cp)
{
    if (s[i] < 0x80) {
        *cp = s[i];
        return 1;
    }
    int k = vg_utf8_decode(s + i, len - i, cp);
    if (k < 0) {
        *cp = 0xFFFD;
        return 1;
    }
    return k;
}

/* "http://" or "https://" at s, any case. */
static int starts_url(const unsigned char *s, size_t len)
{
    static const char http[] = "http";
    if (len < 7)
        return 0;
    for (size_t k = 0; k < 4; k++)
        if ((s[k] | 0x20) != (unsigned char)http[k])
            return 0;
    size_t k = 4;
    if ((s[k] | 0x20) == 's')
        k++;
    return len >= k + 3 && s[k] == ':' && s[k + 1] == '/' && s[k + 2] == '/';
}

/* Length of the mention at s[i] == '@' ('@', handle, optional "@host.tld"), or 0. */
static size_t mention_len(const unsigned char *s, size_t len, size_t i)
{
    size_t j = i + 1;
    while (j < len && is_handle_char(s[j]))
        j++;
    if (j == i + 1 || j - i - 1 > VG_HANDLE_MAX)
        return 0;
    /* Fediverse "@user@host.example": the host belongs to the mention too. */
    if (j + 1 < len && s[j] == '@' && is_handle_char(s[j + 1])) {
        size_t k = j + 1;
        while (k < len && (is_handle_char(s[k]) || s[k] == '-' || s[k] == '.'))
            k++;
        if (memchr(s + j + 1, '.', k - j - 1))
            j = k;
    }
    return j - i;
}

/* ---- the walk: every feature occurrence of a post ---------------------------------------- */

struct name_ref {
    uint32_t key;
    uint32_t off; /* into the names buffer */
    const char *name;
};

struct walk {
    uint64_t seed;
    unsigned shift; /* 64 - bits */
    unsigned flags;
    uint32_t *keys, *tmp; /* (index << 3 | family) per occurrence, and the sort's second array */
    size_t n, cap;
    int failed;
    /* names mode (vg__features_each) only */
    struct vg_buf *names;
    struct name_ref *refs;
    size_t n_refs, cap_refs;
    char name[VG_FEAT_NAME_MAX + 8];
};

static int walk_grow(struct walk *w)
{
    size_t cap = w->cap ? w->cap * 2 : 1024;
    uint32_t *k = vg_realloc(w->keys, cap * sizeof(*k));
    if (!k)
        return -1;
    w->keys = k;
    uint32_t *t = vg_realloc(w->tmp, cap * sizeof(*t));
    if (!t)
        return -1;
    w->tmp = t;
    w->cap = cap;
    return 0;
}

static void keep_name(struct walk *w, uint32_t key, size_t len)
{
    if (w->n_refs == w->cap_refs) {
        size_t cap = w->cap_refs ? w->cap_refs * 2 : 256;
        struct name_ref *r = vg_realloc(w->refs, cap * sizeof(*r));
        if (!r) {
            w->failed = 1;
            return;
        }
        w->refs = r;
        w->cap_refs = cap;
    }
    size_t off = w->names->len;
    if (off > UINT32_MAX || vg_buf_append(w->names, w->name, len) != VG_OK ||
        vg_buf_putc(w->names, '\0') != VG_OK) {
        w->failed = 1;
        return;
    }
    w->refs[w->n_refs++] = (struct name_ref){ key, (uint32_t)off, NULL };
}

/* Hash w->name[0..len) and record one occurrence of family fam. */
static void emit_name(struct walk *w, enum fam fam, size_t len)
{
    uint64_t h = vg_hash64(w->name, len, w->seed);
    uint32_t key = (uint32_t)(h >> w->shift) << 3 | (uint32_t)fam;
    if (w->n == w->cap && walk_grow(w) != 0) {
        w->failed = 1;
        return;
    }
    w->keys[w->n++] = key;
    if (w->names)
        keep_name(w, key, len);
}

/* Append s[0..len) to w->name at *at, stopping at VG_FEAT_NAME_MAX on a code point boundary.
 * Returns 0 when cut. */
static int name_put(struct walk *w, size_t *at, const char *s, size_t len)
{
    size_t room = VG_FEAT_NAME_MAX - *at;
    int whole = len <= room;
    if (!whole) {
        len = room;
        /* back off to the start of a code point (a continuation byte is 10xxxxxx) */
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;
    }
    memcpy(w->name + *at, s, len);
    *at += len;
    return whole;
}

static void emit(struct walk *w, enum fam fam, const char *s, size_t len)
{
    size_t at = 0;
    name_put(w, &at, fam_prefix[fam], fam_prefix_len[fam]);
    name_put(w, &at, s, len);
    emit_name(w, fam, at);
}

static void emit_bigram(struct walk *w, const char *a, size_t a_len, const char *b, size_t b_len)
{
    size_t at = 0;
    name_put(w, &at, fam_prefix[FAM_W2], fam_prefix_len[FAM_W2]);
    if (name_put(w, &at, a, a_len) && name_put(w, &at, " ", 1))
        name_put(w, &at, b, b_len);
    emit_name(w, FAM_W2, at);
}

/*
 * Char 2..5-grams of "<" word ">": off[k] is the byte offset of the word's k-th code point
 * (k = 0..n_cp, off[n_cp] = word length). Grams are counted in code points, so an Arabic
 * trigram is three letters whatever its bytes.
 */
static void emit_char_grams(struct walk *w, const char *word, const uint16_t *off, size_t n_cp)
{
    /* The framed word: '<' + word + '>' after the "c:" prefix, offsets shifted by one. */
    char framed[2 + 1 + VG_CHAR_WORD_MAX * 4 + 1];
    uint16_t pos[VG_CHAR_WORD_MAX + 3];
    size_t wlen = off[n_cp];
    framed[0] = '<';
    memcpy(framed + 1, word, wlen);
    framed[1 + wlen] = '>';
    pos[0] = 0;
    for (size_t k = 0; k <= n_cp; k++)
        pos[k + 1] = (uint16_t)(1 + off[k]);
    pos[n_cp + 2] = (uint16_t)(wlen + 2);
    size_t n_sym = n_cp + 2;
    w->name[0] = 'c';
    w->name[1] = ':';
    for (size_t n = 2; n <= 5 && n <= n_sym; n++) {
        for (size_t k = 0; k + n <= n_sym; k++) {
            size_t glen = (size_t)(pos[k + n] - pos[k]);
            memcpy(w->name + 2, framed + pos[k], glen);
            emit_name(w, FAM_CHAR, 2 + glen);
        }
    }
}

/* Counts gathered on the way for the shape features. */
struct shape {
    size_t n_cp, n_nonspace, n_digits, n_letters, n_arabic;
    size_t n_urls, n_mentions, n_tags;
    size_t n_upper, n_lower; /* cased letters of the written text */
    int rt, have_text;
};

/* One word (or placeholder) of the sequence. */
struct word_ctx {
    const char *prev;
    size_t prev_len;
};

static void emit_word(struct walk *w, struct word_ctx *ctx, const char *s, size_t len)
{
    if (w->flags & VG_FEAT_WORD1)
        emit(w, FAM_W1, s, len);
    if ((w->flags & VG_FEAT_WORD2) && ctx->prev)
        emit_bigram(w, ctx->prev, ctx->prev_len, s, len);
    ctx->prev = s;
    ctx->prev_len = len;
}

/*
 * Scan a word starting at s[i]: returns its end and fills off[] with the byte offsets (relative
 * to i) of its first VG_CHAR_WORD_MAX + 1 code points; *n_cp is the full count.
 */
static size_t scan_word(const unsigned char *s, size_t len, size_t i, uint16_t *off, size_t *n_cp,
                        struct shape *sh)
{
    size_t j = i, n = 0;
    while (j < len) {
        int32_t c;
        int k = next_cp(s, len, j, &c);
        if (!is_word_cp(c))
            break;
        if (n <= VG_CHAR_WORD_MAX)
            off[n] = (uint16_t)(j - i);
        n++;
        if (c >= '0' && c <= '9')
            sh->n_digits++;
        else if (is_letter_cp(c)) {
            sh->n_letters++;
            sh->n_arabic += is_arabic_cp(c);
        }
        j += (size_t)k;
    }
    if (n <= VG_CHAR_WORD_MAX)
        off[n] = (uint16_t)(j - i);
    sh->n_cp += n;
    sh->n_nonspace += n;
    *n_cp = n;
    return j;
}

/* Hashtag body at s[i] (after '#'): a word with at least one letter; its length or 0. */
static size_t tag_len(const unsigned char *s, size_t len, size_t i)
{
    size_t j = i;
    int letter = 0;
    while (j < len) {
        int32_t c;
        int k = next_cp(s, len, j, &c);
        if (!is_word_cp(c))
            break;
        letter |= !(c >= '0' && c <= '9') && c != '_';
        j += (size_t)k;
    }
    return letter ? j - i : 0;
}

static void walk_text(struct walk *w, const struct vg_feat_input *in, struct shape *sh)
{
    const unsigned char *s = (const unsigned char *)in->text_norm;
    const char *cs = in->text_norm;
    size_t len = strlen(in->text_norm);
    int tags_from_text = in->hashtags == NULL;
    struct word_ctx ctx = { NULL, 0 };
    uint16_t off[VG_CHAR_WORD_MAX + 2];
    int after_word = 0; /* the previous code point was a word character */
    sh->rt = len >= 4 && memcmp(s, "rt @", 4) == 0;
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        if (c == '@' && !after_word) {
            size_t m = mention_len(s, len, i);
            if (m) {
                sh->n_mentions++;
                sh->n_cp += m;
                sh->n_nonspace += m;
                emit_word(w, &ctx, "@user", 5);
                i += m;
                after_word = 1;
                continue;
            }
        }
        if ((c == 'h' || c == 'H') && !after_word && starts_url(s + i, len - i)) {
            size_t j = i;
            while (j < len && !is_space_byte(s[j]))
                j++;
            sh->n_urls++;
            sh->n_cp += j - i; /* bytes, close enough for a binned length */
            sh->n_nonspace += j - i;
            emit_word(w, &ctx, "url", 3);
            i = j;
            after_word = 1;
            continue;
        }
        int32_t cp;
        int k = next_cp(s, len, i, &cp);
        if (!is_word_cp(cp)) {
            if (c == '#' && !after_word) {
                size_t t = tag_len(s, len, i + 1);
                if (t && tags_from_text) {
                    sh->n_tags++;
                    if (w->flags & VG_FEAT_HASHTAG)
                        emit(w, FAM_TAG, cs + i + 1, t);
                }
            }
            sh->n_cp++;
            sh->n_nonspace += !is_space_byte(c);
            after_word = 0;
            i += (size_t)k;
            continue;
        }
        size_t n_cp;
        size_t j = scan_word(s, len, i, off, &n_cp, sh);
        const char *word = cs + i;
        size_t wlen = j - i;
        if (wlen == 3 && memcmp(word, "url", 3) == 0) {
            /* the datasets' own placeholder for a link */
            sh->n_urls++;
            emit_word(w, &ctx, "url", 3);
        } else {
            emit_word(w, &ctx, word, wlen);
            if ((w->flags & VG_FEAT_CHAR) && n_cp <= VG_CHAR_WORD_MAX)
                emit_char_grams(w, word, off, n_cp);
        }
        i = j;
        after_word = 1;
    }
}

/* Capitals among the cased letters of the written text, URLs and mentions left out (their
 * random capitals say nothing about the writer). */
static void scan_caps(const char *text, struct shape *sh)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t len = strlen(text);
    int after_word = 0;
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        if (!after_word && (c == 'h' || c == 'H') && starts_url(s + i, len - i)) {
            while (i < len && !is_space_byte(s[i]))
                i++;
            continue;
        }
        if (!after_word && c == '@') {
            size_t m = mention_len(s, len, i);
            if (m) {
                i += m;
                after_word = 1;
                continue;
            }
        }
        int32_t cp;
        int k = next_cp(s, len, i, &cp);
        if (cp < 0x80) {
            sh->n_upper += c >= 'A' && c <= 'Z';
            sh->n_lower += c >= 'a' && c <= 'z';
        } else {
            utf8proc_category_t cat = utf8proc_category(cp);
            sh->n_upper += cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT;
            sh->n_lower += cat == UTF8PROC_CATEGORY_LL;
        }
        after_word = is_word_cp(cp);
        i += (size_t)k;
    }
    sh->have_text = 1;
}

static void emit_shape(struct walk *w, const char *s)
{
    emit(w, FAM_SHAPE, s, strlen(s));
}

static void walk_shape(struct walk *w, const struct shape *sh)
{
    size_t n = sh->n_cp;
    emit_shape(w, n < 20    ? "len=xs"
                  : n < 60  ? "len=s"
                  : n < 140 ? "len=m"
                  : n < 280 ? "len=l"
                            : "len=xl");
    if (sh->have_text) {
        size_t cased = sh->n_upper + sh->n_lower;
        if (cased < 4) {
            emit_shape(w, "caps=na");
        } else {
            double r = (double)sh->n_upper / (double)cased;
            emit_shape(w, r < 0.1   ? "caps=low"
                          : r < 0.3 ? "caps=mid"
                          : r < 0.6 ? "caps=high"
                                    : "caps=all");
        }
    }
    emit_shape(w, sh->n_urls == 0 ? "urls=0" : sh->n_urls == 1 ? "urls=1" : "urls=2+");
    emit_shape(w, sh->n_mentions == 0   ? "mentions=0"
                  : sh->n_mentions == 1 ? "mentions=1"
                  : sh->n_mentions == 2 ? "mentions=2"
                                        : "mentions=3+");
    emit_shape(w, sh->n_tags == 0   ? "tags=0"
                  : sh->n_tags == 1 ? "tags=1"
                  : sh->n_tags == 2 ? "tags=2"
                  : sh->n_tags <= 4 ? "tags=3-4"
                                    : "tags=5+");
    if (sh->n_letters == 0) {
        emit_shape(w, "arabic=na");
    } else {
        double r = (double)sh->n_arabic / (double)sh->n_letters;
        emit_shape(w, r == 0 ? "arabic=none" : r < 0.5 ? "arabic=some" : "arabic=most");
    }
    double d = sh->n_nonspace ? (double)sh->n_digits / (double)sh->n_nonspace : 0;
    emit_shape(w, d == 0 ? "digits=none" : d < 0.1 ? "digits=low" : "digits=high");
    if (sh->rt)
        emit_shape(w, "rt");
}

/* Every feature occurrence of in, in a fixed order. */
static void walk_post(struct walk *w, const struct vg_feat_input *in)
{
    struct shape sh;
    memset(&sh, 0, sizeof(sh));
    walk_text(w, in, &sh);
    if (in->hashtags) {
        for (size_t i = 0; i < in->n_hashtags; i++) {
            const char *t = in->hashtags[i];
            if (!t || !*t)
                continue;
            sh.n_tags++;
            if (w->flags & VG_FEAT_HASHTAG)
                emit(w, FAM_TAG, t, strlen(t));
        }
    }
    if (in->domains && (w->flags & VG_FEAT_DOMAIN)) {
        for (size_t i = 0; i < in->n_domains; i++) {
            const char *d = in->domains[i];
            if (d && *d)
                emit(w, FAM_DOMAIN, d, strlen(d));
        }
    }
    if (w->flags & VG_FEAT_SHAPE) {
        if (in->text)
            scan_caps(in->text, &sh);
        walk_shape(w, &sh);
    }
}

/* ---- keys to a vector --------------------------------------------------------------------- */

static void insertion_sort(uint32_t *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint32_t x = v[i];
        size_t j = i;
        while (j > 0 && v[j - 1] > x) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

/*
 * Sort w->keys[0..n) (keys < 2^(bits+3) <= 2^27): three stable LSD radix passes of at most 9
 * bits, all histograms counted in one read. Returns the array that holds the result.
 */
static uint32_t *sort_keys(struct walk *w, unsigned key_bits)
{
    size_t n = w->n;
    if (n <= VG_FEAT_SMALL_SORT) {
        insertion_sort(w->keys, n);
        return w->keys;
    }
    unsigned d = (key_bits + 2) / 3;
    uint32_t mask = ((uint32_t)1 << d) - 1;
    uint32_t hist[3][512];
    for (unsigned pass = 0; pass < 3; pass++)
        memset(hist[pass], 0, ((size_t)mask + 1) * sizeof(uint32_t));
    for (size_t i = 0; i < n; i++) {
        uint32_t k = w->keys[i];
        hist[0][k & mask]++;
        hist[1][(k >> d) & mask]++;
        hist[2][(k >> (2 * d)) & mask]++;
    }
    uint32_t *src = w->keys, *dst = w->tmp;
    for (unsigned pass = 0; pass < 3; pass++) {
        uint32_t *h = hist[pass], sum = 0;
        for (uint32_t b = 0; b <= mask; b++) {
            uint32_t c = h[b];
            h[b] = sum;
            sum += c;
        }
        unsigned sh = pass * d;
        for (size_t i = 0; i < n; i++) {
            uint32_t k = src[i];
            dst[h[(k >> sh) & mask]++] = k;
        }
        uint32_t *t = src;
        src = dst;
        dst = t;
    }
    return src;
}

/*
 * Merge the sorted occurrence keys into f: runs of one key are one (family, index) feature worth
 * 1 + ln(count); each family block is scaled to norm fam_weight; features sharing an index add
 * up; the result is L2-normalised.
 */
static vg_status walk_finish(struct walk *w, struct vg_features *f)
{
    f->n = 0;
    if (w->n == 0)
        return VG_OK;
    unsigned bits = 64 - w->shift;
    const uint32_t *k = sort_keys(w, bits + 3);
    size_t n = w->n;
    /* Room for one entry per occurrence: distinct features are at most that many. */
    vg_status rc = features_reserve(f, n);
    if (rc)
        return rc;
    /* Pass 1, over occurrences: one entry per (family, index) with its tf, still keyed (the
     * family in the low bits of f->idx), and each family's sum of squares. */
    double sq[8] = { 0 };
    size_t m = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && k[j] == k[i])
            j++;
        double t = tf_of(j - i);
        sq[k[i] & 7] += t * t;
        f->idx[m] = k[i];
        f->val[m] = (float)t;
        m++;
        i = j;
    }
    double scale[8] = { 0 };
    for (int fam = 0; fam < FAM__COUNT; fam++)
        scale[fam] = sq[fam] > 0 ? fam_weight[fam] / sqrt(sq[fam]) : 0;
    /* Pass 2, over features: scale, add up families sharing an index, in place (out <= i). */
    size_t out = 0;
    double total = 0;
    for (size_t i = 0; i < m;) {
        uint32_t idx = f->idx[i] >> 3;
        double acc = f->val[i] * scale[f->idx[i] & 7];
        for (i++; i < m && f->idx[i] >> 3 == idx; i++)
            acc += f->val[i] * scale[f->idx[i] & 7];
        f->idx[out] = idx;
        f->val[out] = (float)acc;
        total += acc * acc;
        out++;
    }
    f->n = out;
    if (total > 0) {
        float inv = (float)(1.0 / sqrt(total));
        for (size_t i = 0; i < out; i++)
            f->val[i] *= inv;
    }
    return VG_OK;
}

static vg_status check_args(const struct vg_feat_params *p, const struct vg_feat_input *in)
{
    if (!p || !in || !in->text_norm)
        return VG_EINVAL;
    if (p->bits < 16 || p->bits > 24 || (p->flags & ~VG_FEAT_ALL)) {
        VG_LOG_WARN("features: bits %u (16..24) or flags 0x%x unsupported", p->bits, p->flags);
        return VG_EINVAL;
    }
    return VG_OK;
}

static void walk_init(struct walk *w, const struct vg_feat_params *p)
{
    memset(w, 0, sizeof(*w));
    w->seed = p->seed;
    w->shift = 64 - p->bits;
    w->flags = p->flags;
}

/* The hot path's scratch: one per thread, reused from post to post. */
static _Thread_local struct {
    uint32_t *keys, *tmp;
    size_t cap;
    int tracked; /* registered for release at thread exit */
} scratch;

static void scratch_release(void)
{
    vg_free(scratch.keys);
    vg_free(scratch.tmp);
    scratch.keys = scratch.tmp = NULL;
    scratch.cap = 0;
    scratch.tracked = 0;
}

static struct vg_thread_scratch scratch_owner = { .release = scratch_release };

vg_status vg__features_extract(const struct vg_feat_params *p, const struct vg_feat_input *in,
                               struct vg_features *f)
{
    vg_status rc = f ? check_args(p, in) : VG_EINVAL;
    if (rc)
        goto fail;
    struct walk w;
    walk_init(&w, p);
    w.keys = scratch.keys;
    w.tmp = scratch.tmp;
    w.cap = scratch.cap;
    walk_post(&w, in);
    rc = w.failed ? VG_ENOMEM : walk_finish(&w, f);
    if (w.cap > VG_FEAT_KEEP_KEYS) {
        vg_free(w.keys);
        vg_free(w.tmp);
        w.keys = w.tmp = NULL;
        w.cap = 0;
    }
    /* walk_grow may have moved one array and failed on the other: keep what it holds */
    scratch.keys = w.keys;
    scratch.tmp = w.tmp;
    scratch.cap = w.cap;
    if ((scratch.keys || scratch.tmp) && !scratch.tracked) {
        vg_thread_scratch_track(&scratch_owner);
        scratch.tracked = 1;
    }
    if (rc)
        goto fail;
    return VG_OK;
fail:
    if (f)
        f->n = 0;
    return rc;
}

static int cmp_ref(const void *a, const void *b)
{
    const struct name_ref *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return strcmp(x->name, y->name);
}

vg_status vg__features_each(const struct vg_feat_params *p, const struct vg_feat_input *in,
                            vg_feat_name_fn fn, void *ud)
{
    struct vg_buf names;
    struct vg_features f;
    struct walk w;
    vg_buf_init(&names, (size_t)1 << 30);
    vg__features_init(&f);
    memset(&w, 0, sizeof(w));
    vg_status rc = check_args(p, in);
    if (rc || !fn) {
        rc = rc ? rc : VG_EINVAL;
        goto fail;
    }
    walk_init(&w, p);
    w.names = &names;
    walk_post(&w, in);
    rc = w.failed ? VG_ENOMEM : walk_finish(&w, &f);
    if (rc)
        goto fail;
    for (size_t i = 0; i < w.n_refs; i++)
        w.refs[i].name = names.data + w.refs[i].off;
    if (w.n_refs > 1)
        qsort(w.refs, w.n_refs, sizeof(*w.refs), cmp_ref);
    /* refs and f are both in index order: walk them together. */
    size_t at = 0;
    for (size_t i = 0; i < w.n_refs; i++) {
        const struct name_ref *r = &w.refs[i];
        if (i > 0 && cmp_ref(r, &w.refs[i - 1]) == 0)
            continue;
        uint32_t idx = r->key >> 3;
        while (at < f.n && f.idx[at] < idx)
            at++;
        fn(r->name, idx, at < f.n ? f.val[at] : 0.0f, ud);
    }
    rc = VG_OK;
fail:
    vg_free(w.keys);
    vg_free(w.tmp);
    vg_free(w.refs);
    vg_buf_release(&names);
    vg__features_release(&f);
    return rc;
}
