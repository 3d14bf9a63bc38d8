/* SPDX-License-Identifier: Apache-2.0 */
/*
 * link_norm.c: handles, display names and bios folded so that the names of one person's
 * successive accounts meet (docs/returns.md, "Names").
 *
 * A name goes through these steps:
 *   1. each code point is decomposed, case-folded and stripped of marks by utf8proc
 *      (compatibility forms: "Ｈ" -> "h", "é" -> "e", Arabic hamza carriers -> bare letters);
 *   2. look-alikes of other scripts become the Latin letter they imitate (Cyrillic "а", Greek
 *      "ο"...): our own table, as neither utf8proc nor libidn2 ship the Unicode confusables;
 *   3. Arabic letters are romanised (one common spelling each: "ش" -> "sh", "ق" -> "q");
 *   4. the digits ending the name are a suffix and dropped ("kari_mosa2"), parts made of digits
 *      only are dropped, and digits left inside words are read as the letters they imitate
 *      ("0" -> "o", "3" -> "e", "1" -> "i", and a second reading with "1" -> "l");
 *   5. each part (split at spaces, "_", ".", "-" and other punctuation) becomes its consonant
 *      skeleton: vowels and the half-vowels w and y are dropped (Arabic script writes no short
 *      vowels, and transliterations differ mostly in vowels: "mo"/"mu", "ree"/"ri", "oua"/"wa"),
 *      an "h" closing a vowel is dropped ("sah"/"sa"), q and c are k, "dj" is j, "ph" is f, and
 *      doubled letters are one ("ll" in "allah"; not "l-l" in "lola").
 * The skeleton of the whole name keeps the parts in order; a second one sorts them, so that
 * reordered parts ("mosa_kari") meet too. Similarity is the edit distance of skeletons.
 */
#include <string.h>
#include <utf8proc.h>

#include "link.h"

#define RAW_MAX 256 /* bytes of the romanised name before skeletons; the rest is cut */

/* ---- look-alikes and romanisation ----------------------------------------------------------- */

struct cp_map {
    int32_t cp;
    const char *to;
};

/* Cyrillic and Greek letters that pass for Latin ones (lower case: folding comes first). */
static const struct cp_map lookalikes[] = {
    { 0x0430, "a" }, { 0x0432, "b" }, { 0x0435, "e" }, { 0x0451, "e" }, { 0x043a, "k" },
    { 0x043c, "m" }, { 0x043d, "h" }, { 0x043e, "o" }, { 0x043f, "n" }, { 0x0440, "p" },
    { 0x0441, "c" }, { 0x0442, "t" }, { 0x0443, "y" }, { 0x0445, "x" }, { 0x044c, "b" },
    { 0x0455, "s" }, { 0x0456, "i" }, { 0x0457, "i" }, { 0x0458, "j" }, { 0x0461, "w" },
    { 0x0501, "d" }, { 0x051b, "q" }, { 0x051d, "w" }, { 0x03b1, "a" }, { 0x03b2, "b" },
    { 0x03b5, "e" }, { 0x03b7, "n" }, { 0x03b9, "i" }, { 0x03ba, "k" }, { 0x03bc, "u" },
    { 0x03bd, "v" }, { 0x03bf, "o" }, { 0x03c1, "p" }, { 0x03c4, "t" }, { 0x03c5, "u" },
    { 0x03c7, "x" }, { 0x03c9, "w" }, { 0x03b6, "z" }, { 0x0131, "i" }, { 0x0269, "i" },
    { 0x0261, "g" }, { 0x01c0, "l" }, { 0x2113, "l" },
};

/*
 * Arabic script (and the Persian and Urdu letters names use) to Latin. Long vowels and half-vowels
 * become vowels, which the skeleton drops as it drops Latin vowels; ta marbuta, ayn and hamza
 * become nothing, as most Latin spellings leave them out ("fatima", "fatimah").
 */
static const struct cp_map arabic[] = {
    { 0x0621, "" },   { 0x0622, "a" }, { 0x0623, "a" }, { 0x0624, "u" },  { 0x0625, "i" },
    { 0x0626, "i" },  { 0x0627, "a" }, { 0x0628, "b" }, { 0x0629, "" },   { 0x062a, "t" },
    { 0x062b, "th" }, { 0x062c, "j" }, { 0x062d, "h" }, { 0x062e, "kh" }, { 0x062f, "d" },
    { 0x0630, "dh" }, { 0x0631, "r" }, { 0x0632, "z" }, { 0x0633, "s" },  { 0x0634, "sh" },
    { 0x0635, "s" },  { 0x0636, "d" }, { 0x0637, "t" }, { 0x0638, "z" },  { 0x0639, "" },
    { 0x063a, "gh" }, { 0x0641, "f" }, { 0x0642, "q" }, { 0x0643, "k" },  { 0x0644, "l" },
    { 0x0645, "m" },  { 0x0646, "n" }, { 0x0647, "h" }, { 0x0648, "w" },  { 0x0649, "a" },
    { 0x064a, "y" },  { 0x0671, "a" }, { 0x067e, "p" }, { 0x0686, "ch" }, { 0x0698, "zh" },
    { 0x06a9, "k" },  { 0x06af, "g" }, { 0x06cc, "y" }, { 0x06c1, "h" },  { 0x06d2, "y" },
};

static const char *map_lookup(const struct cp_map *m, size_t n, int32_t cp)
{
    for (size_t i = 0; i < n; i++)
        if (m[i].cp == cp)
            return m[i].to;
    return NULL;
}

/* The Latin text of one folded code point: letters and digits as they are, ' ' for a break,
 * "" for what names do not need (marks, emoji, tatweel). */
static const char *romanise(int32_t cp, char buf[2])
{
    if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
        buf[0] = (char)cp;
        buf[1] = '\0';
        return buf;
    }
    if (cp >= 0x0660 && cp <= 0x0669) { /* Arabic-Indic digits */
        buf[0] = (char)('0' + cp - 0x0660);
        buf[1] = '\0';
        return buf;
    }
    if (cp >= 0x06f0 && cp <= 0x06f9) { /* Extended (Persian) digits */
        buf[0] = (char)('0' + cp - 0x06f0);
        buf[1] = '\0';
        return buf;
    }
    const char *s;
    if (cp >= 0x0600 && cp <= 0x06ff && (s = map_lookup(arabic, VG_ARRAY_LEN(arabic), cp)))
        return s;
    if ((s = map_lookup(lookalikes, VG_ARRAY_LEN(lookalikes), cp)))
        return s;
    if (cp < 0x80 || cp == 0x00a0 || (cp >= 0x2000 && cp <= 0x206f) || cp == 0x3000)
        return " "; /* ASCII punctuation and spaces, Unicode spaces and punctuation */
    const utf8proc_property_t *p = utf8proc_get_property(cp);
    if (p->category == UTF8PROC_CATEGORY_LL || p->category == UTF8PROC_CATEGORY_LO ||
        p->category == UTF8PROC_CATEGORY_LU)
        return ""; /* letters of other scripts: not matched in this version */
    return " ";
}

/* Steps 1-3: the romanised name, parts separated by single spaces, into raw (RAW_MAX). */
static size_t romanise_name(const char *s, size_t len, char *raw)
{
    size_t n = 0;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    size_t i = 0;
    while (i < len && n + 8 < RAW_MAX) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
        if (k <= 0) {
            i++; /* an invalid byte: skipped */
            continue;
        }
        i += (size_t)k;
        utf8proc_int32_t dec[24];
        int last = 0;
        utf8proc_ssize_t nd = utf8proc_decompose_char(
                cp, dec, 24, UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK, &last);
        for (utf8proc_ssize_t j = 0; j < nd && j < 24 && n + 8 < RAW_MAX; j++) {
            char one[2];
            const char *r = romanise(dec[j], one);
            for (; *r && n + 1 < RAW_MAX; r++) {
                if (*r == ' ' && (n == 0 || raw[n - 1] == ' '))
                    continue;
                raw[n++] = *r;
            }
        }
    }
    while (n && raw[n - 1] == ' ')
        n--;
    raw[n] = '\0';
    return n;
}

/* ---- skeletons ----------------------------------------------------------------------------- */

static int is_vowel(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y' || c == 'w';
}

/* Digits inside words read as the letters they imitate ("1" as one_as). */
static char digit_letter(char d, char one_as)
{
    static const char map[] = "oizeasgtbg"; /* 0 1 2 3 4 5 6 7 8 9 */
    return d == '1' ? one_as : map[d - '0'];
}

/* Step 5 for one part (letters only, n bytes) into out (VG_LINK_KEY_MAX + 1). */
static void skeleton(const char *w, size_t n, char *out)
{
    size_t o = 0;
    int vowel_since = 0; /* a vowel since the last letter kept */
    for (size_t i = 0; i < n && o < VG_LINK_KEY_MAX; i++) {
        char c = w[i], next = i + 1 < n ? w[i + 1] : '\0';
        char prev = i ? w[i - 1] : '\0';
        if (is_vowel(c)) {
            vowel_since = 1;
            continue;
        }
        if (c == 'h' && prev == 'p')
            continue; /* "ph" became f at the p */
        if (c == 'h' && i && is_vowel(prev) && !is_vowel(next))
            continue; /* "sah" = "sa" */
        if (c == 'p' && next == 'h')
            c = 'f';
        if (c == 'd' && next == 'j')
            continue; /* "dj" = "j" */
        if (c == 'q' || c == 'c')
            c = 'k';
        if (c == 'k' && prev == 'c')
            continue; /* "ck" = "k" */
        /* Doubled letters are one ("allah" = "alah"), but not a letter repeated across a vowel
         * ("lola" keeps both l). */
        if (o && out[o - 1] == c && !vowel_since)
            continue;
        out[o++] = c;
        vowel_since = 0;
    }
    out[o] = '\0';
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* Step 4 and 5 with "1" read as one_as: tokens and the two whole-name skeletons. */
static void fold_reading(const char *raw, size_t n, char one_as, struct vg_link_name *out,
                         char *key, char *sorted)
{
    char toks[VG_LINK_TOKENS_MAX][VG_LINK_KEY_MAX + 1];
    size_t nt = 0;
    size_t i = 0;
    while (i < n && nt < VG_LINK_TOKENS_MAX) {
        while (i < n && raw[i] == ' ')
            i++;
        size_t start = i, letters = 0;
        char word[RAW_MAX];
        size_t wn = 0;
        while (i < n && raw[i] != ' ') {
            char c = raw[i++];
            if (c >= '0' && c <= '9')
                c = digit_letter(c, one_as);
            else
                letters++;
            word[wn++] = c;
        }
        if (i == start || !letters)
            continue; /* a part of digits only: a counter, not a name */
        skeleton(word, wn, toks[nt]);
        if (toks[nt][0])
            nt++;
    }
    size_t k = 0;
    key[0] = '\0';
    for (size_t t = 0; t < nt; t++)
        for (const char *c = toks[t]; *c && k < VG_LINK_KEY_MAX; c++)
            key[k++] = *c;
    key[k] = '\0';
    if (out) {
        out->n_tok = (uint8_t)nt;
        memcpy(out->tok, toks, sizeof(toks[0]) * nt);
    }
    qsort(toks, nt, sizeof(toks[0]), cmp_str);
    k = 0;
    for (size_t t = 0; t < nt; t++)
        for (const char *c = toks[t]; *c && k < VG_LINK_KEY_MAX; c++)
            sorted[k++] = *c;
    sorted[k] = '\0';
}

void vg__link_name_fold(const char *s, size_t len, struct vg_link_name *out)
{
    memset(out, 0, sizeof(*out));
    if (!s)
        return;
    char raw[RAW_MAX];
    size_t n = romanise_name(s, len, raw);
    /* The digits ending the name: a suffix ("kari_mosa2", "kari mosa 2"). */
    size_t end = n;
    while (end && raw[end - 1] >= '0' && raw[end - 1] <= '9')
        end--;
    out->suffix_digits = (uint8_t)(n - end > 255 ? 255 : n - end);
    n = end;
    while (n && raw[n - 1] == ' ')
        n--;
    raw[n] = '\0';
    char sorted_alt[VG_LINK_KEY_MAX + 1];
    fold_reading(raw, n, 'i', out, out->key, out->sorted);
    if (memchr(raw, '1', n)) {
        fold_reading(raw, n, 'l', NULL, out->alt, sorted_alt);
        if (!strcmp(out->alt, out->key))
            out->alt[0] = '\0';
    }
}

/* ---- edit distance ------------------------------------------------------------------------- */

/*
 * Myers' bit-parallel edit distance (Hyyro's global form): one machine word holds a column of
 * the dynamic programme, so two keys of up to 64 letters cost one pass over the second. The
 * lookup of candidates compares dozens of keys per query; the plain O(n*m) table was the largest
 * part of a query in bench_returns.
 */
size_t vg__link_edit_distance(const char *a, size_t na, const char *b, size_t nb)
{
    if (na > 64)
        na = 64;
    if (nb > 64)
        nb = 64;
    if (!na)
        return nb;
    if (!nb)
        return na;
    /* Only the entries of a's bytes are set, and a 256-bit map says which: clearing the whole
     * 2 KiB table on every call was most of a candidate's scoring time (bench_returns). */
    uint64_t peq[256], present[4] = { 0 };
    for (size_t i = 0; i < na; i++) {
        unsigned c = (unsigned char)a[i];
        if (!(present[c >> 6] & (1ull << (c & 63)))) {
            present[c >> 6] |= 1ull << (c & 63);
            peq[c] = 0;
        }
        peq[c] |= 1ull << i;
    }
    uint64_t pv = na == 64 ? ~0ull : (1ull << na) - 1, mv = 0, top = 1ull << (na - 1);
    size_t score = na;
    for (size_t j = 0; j < nb; j++) {
        unsigned c = (unsigned char)b[j];
        uint64_t eq = present[c >> 6] & (1ull << (c & 63)) ? peq[c] : 0;
        uint64_t xv = eq | mv;
        uint64_t xh = (((eq & pv) + pv) ^ pv) | eq;
        uint64_t ph = mv | ~(xh | pv);
        uint64_t mh = pv & xh;
        if (ph & top)
            score++;
        else if (mh & top)
            score--;
        ph = (ph << 1) | 1;
        mh <<= 1;
        pv = mh | ~(xv | ph);
        mv = ph & xv;
    }
    return score;
}

static double key_similarity(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    if (!na || !nb)
        return 0;
    size_t longer = na > nb ? na : nb, shorter = na < nb ? na : nb;
    double sim;
    if (na == nb && !memcmp(a, b, na))
        sim = 1;
    else
        sim = 1.0 - (double)vg__link_edit_distance(a, na, b, nb) / (double)longer;
    /* Short skeletons are shared by many names ("Ali", "Omar"): they count less. */
    if (shorter < 4)
        sim *= 0.4 + 0.15 * (double)shorter;
    return sim;
}

void vg__link_name_keys(const struct vg_link_name *n, struct vg_link_keys *out)
{
    out->key = n->key;
    out->alt = n->alt;
    out->sorted = n->sorted;
    out->n_tok = n->n_tok;
}

double vg__link_name_similarity(const struct vg_link_name *a, const struct vg_link_name *b)
{
    struct vg_link_keys ka, kb;
    vg__link_name_keys(a, &ka);
    vg__link_name_keys(b, &kb);
    return vg__link_keys_similarity(&ka, &kb);
}

double vg__link_keys_similarity(const struct vg_link_keys *a, const struct vg_link_keys *b)
{
    double best = key_similarity(a->key, b->key);
    if (best < 1 && (a->n_tok > 1 || b->n_tok > 1)) {
        double s = key_similarity(a->sorted, b->sorted);
        if (s > best)
            best = s;
    }
    const char *ka[2] = { a->key, a->alt }, *kb[2] = { b->key, b->alt };
    for (int i = 0; i < 2 && best < 1; i++)
        for (int j = 0; j < 2; j++) {
            if ((!i && !j) || !ka[i][0] || !kb[j][0])
                continue;
            double s = key_similarity(ka[i], kb[j]);
            if (s > best)
                best = s;
        }
    return best;
}

/* ---- bios ---------------------------------------------------------------------------------- */

static int is_word_byte(unsigned char c)
{
    return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

void vg__link_bio_fold(const char *s, size_t len, struct vg_link_bio *out)
{
    memset(out, 0, sizeof(*out));
    if (!s)
        return;
    size_t i = 0;
    while (i < len && out->n < VG_LINK_BIO_TOKENS) {
        while (i < len && !is_word_byte((unsigned char)s[i]))
            i++;
        char w[64];
        size_t n = 0, digits = 0;
        while (i < len && is_word_byte((unsigned char)s[i])) {
            char c = s[i++];
            if (c >= 'A' && c <= 'Z')
                c = (char)(c + 32);
            if (c >= '0' && c <= '9')
                digits++;
            if (n < sizeof(w))
                w[n++] = c;
        }
        /* Counters ("#2", "2015") and one-letter words say nothing of the person. */
        if (n < 2 || digits == n)
            continue;
        uint32_t h = (uint32_t)vg_hash64(w, n, 0x6c696e6b);
        int dup = 0;
        for (size_t k = 0; k < out->n; k++)
            dup |= out->h[k] == h;
        if (!dup)
            out->h[out->n++] = h;
    }
}

double vg__link_bio_similarity(const struct vg_link_bio *a, const struct vg_link_bio *b)
{
    if (!a->n || !b->n)
        return 0;
    size_t common = 0;
    for (size_t i = 0; i < a->n; i++)
        for (size_t j = 0; j < b->n; j++)
            if (a->h[i] == b->h[j]) {
                common++;
                break;
            }
    return (double)common / (double)(a->n + b->n - common);
}

/* ---- MinHash ------------------------------------------------------------------------------- */

void vg__link_sig_init(struct vg_link_sig *s)
{
    memset(s->v, 0xff, sizeof(s->v));
    s->n = 0;
}

/* One value per slot from one 64-bit hash: multiply-shift with odd constants (a family of
 * hash functions good enough for MinHash on already mixed input). */
void vg__link_sig_add(struct vg_link_sig *s, uint64_t h)
{
    static const uint64_t mul[4] = { 0x9e3779b97f4a7c15ull, 0xbf58476d1ce4e5b9ull,
                                     0x94d049bb133111ebull, 0xd6e8feb86659fd93ull };
    uint64_t x = h;
    for (int i = 0; i < VG_LINK_MINHASH; i++) {
        x = (x ^ (x >> 31)) * mul[i & 3] + (uint64_t)i;
        uint32_t v = (uint32_t)(x >> 32);
        if (v < s->v[i])
            s->v[i] = v;
    }
    s->n++;
}

double vg__link_sig_jaccard(const struct vg_link_sig *a, const struct vg_link_sig *b)
{
    if (!a->n || !b->n)
        return 0;
    int same = 0;
    for (int i = 0; i < VG_LINK_MINHASH; i++)
        same += a->v[i] == b->v[i];
    return (double)same / VG_LINK_MINHASH;
}

double vg__link_sig_containment(const struct vg_link_sig *a, const struct vg_link_sig *b)
{
    double j = vg__link_sig_jaccard(a, b);
    if (j <= 0)
        return 0;
    /* |A n B| = J (|A| + |B|) / (1 + J) */
    double c = j * ((double)a->n + (double)b->n) / ((1.0 + j) * (double)a->n);
    return c > 1 ? 1 : c;
}
