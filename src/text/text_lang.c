/* SPDX-License-Identifier: Apache-2.0 */
/*
 * text_lang.c: language identification for posts (vg_lang_identify in vigie.h), run once per
 * post during ingest, so it allocates nothing and reads at most VG__LANG_MAX_CPS code points.
 *
 * A first pass lower-cases the text and keeps only letters (URLs, @mentions, HTML entities,
 * digits, punctuation and emoji become word breaks; hashtags are left out unless nothing else
 * has letters) while counting letters per script. The script with the most letters decides: a
 * script used by one main language answers directly (Hangul is "ko", Thai "th", Greek "el",
 * Hiragana/Katakana "ja", ...); Latin and Arabic script texts are scored by a multinomial naive
 * Bayes model over hashed character n-grams of that script's letters (text_lang_model.c, trained by
 * tools/langid-train.c on labelled tweets; docs/langid.md has the method, the measurements and the
 * known failure modes).
 */
#include <math.h>
#include <string.h>

#include <utf8proc.h>
/* The same XXH3 as vg_hash64(), inlined: n-gram hashing is most of the work per post. */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "core.h"
#include "text_lang_int.h"

/* ---- scripts --------------------------------------------------------------------------------- */

struct script_range {
    uint32_t lo, hi;
    uint8_t script;
};

/* Sorted by lo; code points outside these ranges have no script we know. */
static const struct script_range script_ranges[] = {
    { 0x00AA, 0x00AA, VG__SC_LATIN },      { 0x00BA, 0x00BA, VG__SC_LATIN },
    { 0x00C0, 0x024F, VG__SC_LATIN },      { 0x0250, 0x02AF, VG__SC_LATIN },
    { 0x0370, 0x03FF, VG__SC_GREEK },      { 0x0400, 0x052F, VG__SC_CYRILLIC },
    { 0x0530, 0x058F, VG__SC_ARMENIAN },   { 0x0590, 0x05FF, VG__SC_HEBREW },
    { 0x0600, 0x06FF, VG__SC_ARABIC },     { 0x0750, 0x077F, VG__SC_ARABIC },
    { 0x08A0, 0x08FF, VG__SC_ARABIC },     { 0x0900, 0x097F, VG__SC_DEVANAGARI },
    { 0x0980, 0x09FF, VG__SC_BENGALI },    { 0x0A00, 0x0A7F, VG__SC_GURMUKHI },
    { 0x0A80, 0x0AFF, VG__SC_GUJARATI },   { 0x0B00, 0x0B7F, VG__SC_ORIYA },
    { 0x0B80, 0x0BFF, VG__SC_TAMIL },      { 0x0C00, 0x0C7F, VG__SC_TELUGU },
    { 0x0C80, 0x0CFF, VG__SC_KANNADA },    { 0x0D00, 0x0D7F, VG__SC_MALAYALAM },
    { 0x0D80, 0x0DFF, VG__SC_SINHALA },    { 0x0E00, 0x0E7F, VG__SC_THAI },
    { 0x0E80, 0x0EFF, VG__SC_LAO },        { 0x0F00, 0x0FFF, VG__SC_TIBETAN },
    { 0x1000, 0x109F, VG__SC_MYANMAR },    { 0x10A0, 0x10FF, VG__SC_GEORGIAN },
    { 0x1100, 0x11FF, VG__SC_HANGUL },     { 0x1200, 0x139F, VG__SC_ETHIOPIC },
    { 0x1780, 0x17FF, VG__SC_KHMER },      { 0x19E0, 0x19FF, VG__SC_KHMER },
    { 0x1C80, 0x1C8F, VG__SC_CYRILLIC },   { 0x1C90, 0x1CBF, VG__SC_GEORGIAN },
    { 0x1D00, 0x1DBF, VG__SC_LATIN },      { 0x1E00, 0x1EFF, VG__SC_LATIN },
    { 0x1F00, 0x1FFF, VG__SC_GREEK },      { 0x2C60, 0x2C7F, VG__SC_LATIN },
    { 0x2D00, 0x2D2F, VG__SC_GEORGIAN },   { 0x2D80, 0x2DDF, VG__SC_ETHIOPIC },
    { 0x2DE0, 0x2DFF, VG__SC_CYRILLIC },   { 0x2E80, 0x2FDF, VG__SC_HAN },
    { 0x3005, 0x3007, VG__SC_HAN },        { 0x3040, 0x30FF, VG__SC_KANA },
    { 0x3130, 0x318F, VG__SC_HANGUL },     { 0x31F0, 0x31FF, VG__SC_KANA },
    { 0x3400, 0x4DBF, VG__SC_HAN },        { 0x4E00, 0x9FFF, VG__SC_HAN },
    { 0xA640, 0xA69F, VG__SC_CYRILLIC },   { 0xA720, 0xA7FF, VG__SC_LATIN },
    { 0xA8E0, 0xA8FF, VG__SC_DEVANAGARI }, { 0xA960, 0xA97F, VG__SC_HANGUL },
    { 0xAB30, 0xAB6F, VG__SC_LATIN },      { 0xAC00, 0xD7FF, VG__SC_HANGUL },
    { 0xF900, 0xFAFF, VG__SC_HAN },        { 0xFB1D, 0xFB4F, VG__SC_HEBREW },
    { 0xFB50, 0xFDFF, VG__SC_ARABIC },     { 0xFE70, 0xFEFF, VG__SC_ARABIC },
    { 0xFF21, 0xFF3A, VG__SC_LATIN },      { 0xFF41, 0xFF5A, VG__SC_LATIN },
    { 0xFF66, 0xFF9F, VG__SC_KANA },       { 0xFFA0, 0xFFDC, VG__SC_HANGUL },
    { 0x20000, 0x3134F, VG__SC_HAN },
};

/* The language a script names on its own, for scripts without a model. */
static const char *const script_lang[VG__SC_COUNT] = {
    [VG__SC_GREEK] = "el",     [VG__SC_HEBREW] = "he",     [VG__SC_ARMENIAN] = "hy",
    [VG__SC_GEORGIAN] = "ka",  [VG__SC_DEVANAGARI] = "hi", [VG__SC_BENGALI] = "bn",
    [VG__SC_GURMUKHI] = "pa",  [VG__SC_GUJARATI] = "gu",   [VG__SC_ORIYA] = "or",
    [VG__SC_TAMIL] = "ta",     [VG__SC_TELUGU] = "te",     [VG__SC_KANNADA] = "kn",
    [VG__SC_MALAYALAM] = "ml", [VG__SC_SINHALA] = "si",    [VG__SC_THAI] = "th",
    [VG__SC_LAO] = "lo",       [VG__SC_TIBETAN] = "bo",    [VG__SC_MYANMAR] = "my",
    [VG__SC_ETHIOPIC] = "am",  [VG__SC_KHMER] = "km",      [VG__SC_HANGUL] = "ko",
    [VG__SC_KANA] = "ja",      [VG__SC_HAN] = "zh",
};

static const char lang_und[] = "und";

static enum vg__script script_of(uint32_t cp)
{
    if (cp < 0x80)
        return ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') ? VG__SC_LATIN : VG__SC_NONE;
    size_t lo = 0, hi = VG_ARRAY_LEN(script_ranges);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cp > script_ranges[mid].hi)
            lo = mid + 1;
        else if (cp < script_ranges[mid].lo)
            hi = mid;
        else
            return (enum vg__script)script_ranges[mid].script;
    }
    return VG__SC_NONE;
}

/* ---- first pass: letters, word breaks, script counts ---------------------------------------- */

/* What a code point is to the scanner. */
enum cp_kind {
    CP_LETTER,
    CP_APOSTROPHE,
    CP_IGNORE,
    CP_BREAK
};

static int is_ascii_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static int is_ascii_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int starts_with_ci(const unsigned char *p, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    if (n < k)
        return 0;
    for (size_t i = 0; i < k; i++) {
        unsigned char c = p[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c | 0x20);
        if (c != (unsigned char)prefix[i])
            return 0;
    }
    return 1;
}

/*
 * Bytes to skip at p when a URL, @mention, HTML entity or retweet marker ("RT @") starts there,
 * else 0. Called only at a token start (the previous byte is not an ASCII letter or digit).
 */
static size_t skip_entity(const unsigned char *p, size_t n)
{
    size_t i = 0;
    unsigned char c = (unsigned char)(p[0] | 0x20);
    if (c != 'h' && c != 'w' && p[0] != '@' && p[0] != '&' && p[0] != 'R')
        return 0; /* the common case: no entity can start here */
    if (starts_with_ci(p, n, "http://") || starts_with_ci(p, n, "https://") ||
        starts_with_ci(p, n, "www.")) {
        while (i < n && !is_ascii_space(p[i]) && p[i] < 0x80)
            i++;
        return i;
    }
    if (p[0] == '@' && n > 1 && (is_ascii_alnum(p[1]) || p[1] == '_')) {
        i = 1;
        while (i < n && (is_ascii_alnum(p[i]) || p[i] == '_' ||
                         ((p[i] == '.' || p[i] == '-' || p[i] == '@') && i + 1 < n &&
                          is_ascii_alnum(p[i + 1]))))
            i++;
        return i;
    }
    if (p[0] == '&') {
        for (i = 1; i < n && i < 10 && (is_ascii_alnum(p[i]) || p[i] == '#'); i++)
            ;
        return (i > 1 && i < n && p[i] == ';') ? i + 1 : 0;
    }
    if (n >= 4 && p[0] == 'R' && p[1] == 'T' && p[2] == ' ' && p[3] == '@')
        return 2;
    return 0;
}

/* Map stylised letters (mathematical alphanumerics, full-width forms) to plain ones. */
static uint32_t unstyle(uint32_t cp)
{
    if ((cp >= 0x1D400 && cp <= 0x1D7FF) || (cp >= 0xFF01 && cp <= 0xFF5E)) {
        utf8proc_int32_t dst[4];
        int last = 0;
        utf8proc_ssize_t n =
                utf8proc_decompose_char((utf8proc_int32_t)cp, dst, 4, UTF8PROC_COMPAT, &last);
        if (n == 1)
            return (uint32_t)dst[0];
    }
    return cp;
}

static enum cp_kind classify(uint32_t *cp)
{
    uint32_t c = *cp;
    if (c < 0x80) {
        if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
            *cp = c | 0x20;
            return CP_LETTER;
        }
        return c == '\'' ? CP_APOSTROPHE : CP_BREAK;
    }
    if (c == 0x2019 || c == 0x02BC)
        return CP_APOSTROPHE;
    if (c == 0x0640) /* Arabic tatweel: stretches a word, is not a letter */
        return CP_IGNORE;
    c = unstyle(c);
    switch (utf8proc_category((utf8proc_int32_t)c)) {
        case UTF8PROC_CATEGORY_LU:
        case UTF8PROC_CATEGORY_LL:
        case UTF8PROC_CATEGORY_LT:
        case UTF8PROC_CATEGORY_LM:
        case UTF8PROC_CATEGORY_LO:
            *cp = (uint32_t)utf8proc_tolower((utf8proc_int32_t)c);
            return CP_LETTER;
        case UTF8PROC_CATEGORY_MN:
        case UTF8PROC_CATEGORY_MC:
        case UTF8PROC_CATEGORY_ME:
        case UTF8PROC_CATEGORY_CF:
            /* diacritics (Arabic tashkeel), vowel signs, ZWNJ, bidi marks: inside words */
            return CP_IGNORE;
        default:
            return CP_BREAK;
    }
}

static int last_is_letter(const struct vg__lang_scan *sc)
{
    return sc->n > 0 && sc->cp[sc->n - 1] != ' ' && sc->cp[sc->n - 1] != '\'';
}

static void push(struct vg__lang_scan *sc, uint32_t cp, enum vg__script script)
{
    sc->cp[sc->n] = cp;
    sc->script[sc->n] = (uint8_t)script;
    sc->n++;
}

static void push_break(struct vg__lang_scan *sc)
{
    if (sc->n > 0 && sc->cp[sc->n - 1] == '\'')
        sc->n--;
    if (sc->n > 0 && sc->cp[sc->n - 1] != ' ')
        push(sc, ' ', VG__SC_NONE);
}

static void count_cyrillic(struct vg__lang_scan *sc, uint32_t cp)
{
    /* і ї є ґ are Ukrainian (also Belarusian і); ы э ё are Russian, not Ukrainian. */
    if (cp == 0x0456 || cp == 0x0457 || cp == 0x0454 || cp == 0x0491)
        sc->n_ukrainian++;
    else if (cp == 0x044B || cp == 0x044D || cp == 0x0451)
        sc->n_russian++;
}

static void push_letter(struct vg__lang_scan *sc, uint32_t cp)
{
    enum vg__script script = script_of(cp);
    push(sc, cp, script);
    sc->n_letters++;
    sc->per_script[script]++;
    if (script == VG__SC_CYRILLIC)
        count_cyrillic(sc, cp);
}

/*
 * Whether cp continues a hashtag (letters, marks, digits and '_', as the platforms read them):
 * 2 for a letter, 1 for the others, 0 when the hashtag ends before cp.
 */
static int in_hashtag_word(uint32_t cp)
{
    if (cp < 0x80)
        return is_ascii_alnum((unsigned char)cp) ? 1 + (cp > '9') : cp == '_';
    switch (utf8proc_category((utf8proc_int32_t)cp)) {
        case UTF8PROC_CATEGORY_LU:
        case UTF8PROC_CATEGORY_LL:
        case UTF8PROC_CATEGORY_LT:
        case UTF8PROC_CATEGORY_LM:
        case UTF8PROC_CATEGORY_LO:
            return 2;
        case UTF8PROC_CATEGORY_MN:
        case UTF8PROC_CATEGORY_MC:
        case UTF8PROC_CATEGORY_ND:
        case UTF8PROC_CATEGORY_CF:
            return 1;
        default:
            return 0;
    }
}

static void scan_cp(struct vg__lang_scan *sc, uint32_t cp)
{
    switch (classify(&cp)) {
        case CP_LETTER:
            push_letter(sc, cp);
            break;
        case CP_APOSTROPHE:
            if (last_is_letter(sc))
                push(sc, '\'', VG__SC_NONE);
            else
                push_break(sc);
            break;
        case CP_IGNORE:
            break;
        case CP_BREAK:
            push_break(sc);
            break;
    }
}

void vg__lang_scan(const char *s, size_t len, int with_hashtags, struct vg__lang_scan *sc)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    int token_start = 1, in_hashtag = 0;
    sc->n = 0;
    sc->n_letters = sc->n_hashtag_letters = 0;
    memset(sc->per_script, 0, sizeof(sc->per_script));
    sc->n_ukrainian = sc->n_russian = 0;
    while (i < len && sc->n < VG__LANG_MAX_CPS - 1) {
        size_t skip = token_start ? skip_entity(p + i, len - i) : 0;
        if (skip > 0) {
            push_break(sc);
            i += skip;
            in_hashtag = 0;
            continue;
        }
        int32_t cp;
        int used = vg_utf8_decode(p + i, len - i, &cp);
        if (used < 0) {
            push_break(sc); /* an invalid byte breaks the word and is skipped */
            i++;
            token_start = 1;
            in_hashtag = 0;
            continue;
        }
        i += (size_t)used;
        token_start = !(cp < 0x80 && is_ascii_alnum((unsigned char)cp));
        int hashtag_part = in_hashtag ? in_hashtag_word((uint32_t)cp) : 0;
        if (hashtag_part > 0) {
            sc->n_hashtag_letters += hashtag_part == 2;
            continue;
        }
        in_hashtag = 0;
        if (cp == '#' || cp == 0xFF03) {
            /* Hashtags are mostly language-neutral (#ISIS, #Daesh) and stacked in any
             * language: left out unless the text has nothing else. */
            push_break(sc);
            in_hashtag = !with_hashtags;
            continue;
        }
        scan_cp(sc, (uint32_t)cp);
    }
    push_break(sc);
    if (sc->n > 0 && sc->cp[sc->n - 1] == ' ')
        sc->n--;
}

void vg__lang_read(const char *s, size_t len, struct vg__lang_scan *sc)
{
    vg__lang_scan(s, len, 0, sc);
    if (sc->n_letters < 2 && sc->n_hashtag_letters > 0)
        vg__lang_scan(s, len, 1, sc);
}

enum vg__script vg__lang_dominant(const struct vg__lang_scan *sc)
{
    uint32_t counts[VG__SC_COUNT];
    memcpy(counts, sc->per_script, sizeof(counts));
    if (counts[VG__SC_KANA] > 0) {
        counts[VG__SC_KANA] += counts[VG__SC_HAN];
        counts[VG__SC_HAN] = 0;
    }
    /* A kana, Han or Hangul character is a syllable or a word, worth about three Latin
     * letters: a Japanese phrase beside an English one makes the tweet Japanese, as Twitter
     * labels it (measured on the development split: +0.2 points of accuracy). */
    counts[VG__SC_KANA] *= 3;
    counts[VG__SC_HAN] *= 3;
    counts[VG__SC_HANGUL] *= 3;
    enum vg__script best = VG__SC_NONE;
    uint32_t best_n = counts[VG__SC_NONE];
    for (int k = 1; k < VG__SC_COUNT; k++) {
        if (counts[k] > best_n) {
            best = (enum vg__script)k;
            best_n = counts[k];
        }
    }
    return best;
}

/* ---- second pass: the letters of one script, UTF-8 encoded ---------------------------------- */

static void text_put(struct vg__lang_text *t, size_t *len, uint32_t cp)
{
    t->off[t->n_cps++] = (uint16_t)*len;
    *len += (size_t)vg_utf8_encode((int32_t)cp, t->bytes + *len);
}

static uint32_t text_last(const struct vg__lang_text *t)
{
    /* The first byte of the last code point: enough to tell ' ' and '\'' (one byte each)
     * from a letter. */
    return (unsigned char)t->bytes[t->off[t->n_cps - 1]];
}

void vg__lang_select(const struct vg__lang_scan *sc, enum vg__script script,
                     struct vg__lang_text *t)
{
    size_t len = 0;
    t->n_cps = 0;
    text_put(t, &len, ' ');
    for (size_t i = 0; i < sc->n; i++) {
        uint32_t cp = sc->cp[i];
        if (sc->script[i] == script && cp != ' ' && cp != '\'') {
            text_put(t, &len, cp);
        } else if (cp == '\'' && script == VG__SC_LATIN && text_last(t) != ' ') {
            text_put(t, &len, cp);
        } else if (text_last(t) != ' ') {
            if (text_last(t) == '\'')
                len = t->off[--t->n_cps];
            if (text_last(t) != ' ')
                text_put(t, &len, ' ');
        }
    }
    if (text_last(t) == '\'')
        len = t->off[--t->n_cps];
    if (t->n_cps > 1 && text_last(t) != ' ')
        text_put(t, &len, ' ');
    t->off[t->n_cps] = (uint16_t)len;
}

size_t vg__lang_hashes(const struct vg__lang_text *t, unsigned max_ngram, uint64_t seed,
                       struct vg__lang_iter *it, uint64_t *out, size_t cap)
{
    size_t k = 0, i = it->i;
    while (i < t->n_cps && k + max_ngram <= cap) {
        const char *base = t->bytes + t->off[i];
        size_t longest = t->n_cps - i < max_ngram ? t->n_cps - i : max_ngram;
        for (size_t n = *base == ' ' ? 2 : 1; n <= longest; n++)
            out[k++] = XXH3_64bits_withSeed(base, t->off[i + n] - t->off[i], seed + n);
        i++;
    }
    it->i = i;
    return k;
}

uint64_t vg__lang_text_key(const char *s, size_t len)
{
    struct vg__lang_scan sc;
    char buf[VG__LANG_MAX_CPS * 4];
    size_t n = 0;
    vg__lang_scan(s, len, 1, &sc);
    for (size_t i = 0; i < sc.n; i++)
        n += (size_t)vg_utf8_encode((int32_t)sc.cp[i], buf + n);
    if (sc.n_letters == 0)
        return vg_hash64(s, len, VG__LANG_KEY_SEED);
    return vg_hash64(buf, n, VG__LANG_KEY_SEED);
}

/* ---- scoring --------------------------------------------------------------------------------- */

/* Add the weight rows of k hashed n-grams to acc. */
static void accumulate(const struct vg__lang_group *g, const uint64_t *h, size_t k, int32_t *acc)
{
    unsigned shift = 64u - g->bucket_bits;
    size_t n_langs = g->n_langs;
    for (size_t j = 0; j < k; j++) {
        const int8_t *row = g->weights + (size_t)(h[j] >> shift) * n_langs;
        for (size_t l = 0; l < n_langs; l++)
            acc[l] += row[l];
    }
}

/* Posterior of the best language, after temperature scaling; sets *best. */
static double posterior(const struct vg__lang_group *g, const int32_t *acc, unsigned *best)
{
    double logit[VG__LANG_MAX_GROUP];
    unsigned b = 0;
    for (unsigned l = 0; l < g->n_langs; l++) {
        logit[l] = ((double)acc[l] * g->step + g->log_prior[l]) / g->temperature;
        if (logit[l] > logit[b])
            b = l;
    }
    double sum = 0.0;
    for (unsigned l = 0; l < g->n_langs; l++)
        sum += exp(logit[l] - logit[b]);
    *best = b;
    return 1.0 / sum;
}

void vg__lang_score(const struct vg__lang_model *m, const struct vg__lang_group *g,
                    const struct vg__lang_text *t, int32_t *acc)
{
    uint64_t h[64];
    struct vg__lang_iter it = { 0 };
    size_t k;
    memset(acc, 0, VG__LANG_MAX_GROUP * sizeof(*acc));
    while ((k = vg__lang_hashes(t, m->max_ngram, m->seed, &it, h, VG_ARRAY_LEN(h))) > 0)
        accumulate(g, h, k, acc);
}

static const char *group_identify(const struct vg__lang_model *m, const struct vg__lang_group *g,
                                  const struct vg__lang_text *t, double *confidence)
{
    int32_t acc[VG__LANG_MAX_GROUP];
    if (g->n_langs == 0 || g->n_langs > VG__LANG_MAX_GROUP)
        return lang_und;
    vg__lang_score(m, g, t, acc);
    unsigned best;
    double p = posterior(g, acc, &best);
    if (p < g->min_confidence)
        return lang_und;
    *confidence = p;
    return g->langs[best];
}

static const char *script_identify(const struct vg__lang_scan *sc, enum vg__script script)
{
    if (script == VG__SC_CYRILLIC)
        return (sc->n_ukrainian > 0 && sc->n_russian == 0) ? "uk" : "ru";
    return script_lang[script] ? script_lang[script] : lang_und;
}

const char *vg__lang_identify_with(const struct vg__lang_model *m, const char *s, size_t len,
                                   double *confidence)
{
    struct vg__lang_scan sc;
    struct vg__lang_text t;
    double conf = 0.0;
    const char *lang = lang_und;
    if (s != NULL && len > 0) {
        vg__lang_read(s, len, &sc);
        enum vg__script script = vg__lang_dominant(&sc);
        uint32_t n_script = sc.per_script[script];
        if (script == VG__SC_KANA)
            n_script += sc.per_script[VG__SC_HAN];
        if (script != VG__SC_NONE && n_script >= 2) {
            const struct vg__lang_group *g = script == VG__SC_LATIN    ? &m->latin
                                             : script == VG__SC_ARABIC ? &m->arabic
                                                                       : NULL;
            if (g != NULL) {
                vg__lang_select(&sc, script, &t);
                lang = group_identify(m, g, &t, &conf);
            } else {
                lang = script_identify(&sc, script);
                conf = (double)n_script / sc.n_letters;
            }
        }
    }
    if (lang == lang_und)
        conf = 0.0;
    if (confidence != NULL)
        *confidence = conf;
    return lang;
}

const char *vg_lang_identify(const char *s, size_t len, double *confidence)
{
    return vg__lang_identify_with(&vg__lang_model, s, len, confidence);
}
