/* SPDX-License-Identifier: Apache-2.0 */
/*
 * detect_patterns.c: the transparent pattern sets of the detect stage. No labelled data exists
 * for the EU TCO Art. 2(7) categories, violent threats or exempt purposes, so these signals are
 * weak supervision: readable phrase patterns in Arabic, French and English (the table is in
 * detect_patterns_table.c, the syntax and the threat formula in docs/categories.md). The caller
 * gets category bits, a threat score, exemption bits and the hits that explain them; it decides
 * what to do (exempt content goes to human review, never to automatic removal).
 *
 * Patterns are written in natural text and passed through vg_text_normalize() when the table is
 * compiled, so they match the normalised post text whatever its accents, case, Arabic alef/ya/
 * ta-marbuta forms or diacritics. The text is read as words (letters, marks and digits);
 * punctuation, emoji and white space separate words, '@' starts a mention, and . ? ; … ؟ ؛ ۔
 * end a sentence, which a gap never crosses. Each pattern is a sequence of elements: a word with
 * alternatives, an optional word, a gap of up to N words, or a mention.
 *
 * Speed: the compiled set indexes every pattern by the first two code points of each alternative
 * of its first word (Arabic alternatives that accept proclitics also under the word without
 * them), so at each word only the few patterns that can start there are tried. Words are read
 * through a fixed window of tokens on the stack: matching allocates nothing, whatever the length.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include <utf8proc.h>

#include "detect_patterns_int.h"
#include "text.h"

#define BUCKET_BITS 9u
#define N_BUCKETS   (1u << BUCKET_BITS) /* index buckets */
#define WIN_CAP     256u                /* tokens held at once while matching */
#define MAX_SPAN    64u                 /* most tokens one pattern may cover; below WIN_CAP */
#define MAX_ELEMS   32u                 /* elements per pattern */
#define MAX_MATCHES 128u                /* matches kept per text for hits and the threat score */
#define MAX_TRIED   32u                 /* patterns remembered per start word, to run each once */
#define GAP_DEFAULT 3u                  /* "*" alone */

/* ---- names ----------------------------------------------------------------------------------- */

/* Names and letters come from VG_TCO_MAP (vigie.h), the one table of the categories. */
const char *vg__tco_name(enum vg_tco_category c)
{
#define VG__TCO_NAME(name, letter, text) text,
    static const char *const names[VG_TCO__COUNT] = { VG_TCO_MAP(VG__TCO_NAME) };
#undef VG__TCO_NAME
    return (unsigned)c < VG_TCO__COUNT ? names[c] : "unknown";
}

char vg__tco_letter(enum vg_tco_category c)
{
#define VG__TCO_LETTER(name, letter, text) letter,
    static const char letters[VG_TCO__COUNT] = { VG_TCO_MAP(VG__TCO_LETTER) };
#undef VG__TCO_LETTER
    return (unsigned)c < VG_TCO__COUNT ? letters[c] : '?';
}

const char *vg__pattern_set_name(enum vg__pattern_set s)
{
    static const char *const names[VG__PS__COUNT] = {
        "tco:incitement",
        "tco:solicitation_commit",
        "tco:solicitation_join",
        "tco:instruction",
        "tco:threat",
        "threat",
        "threat:target",
        "threat:imminence",
        "threat:softener",
        "exempt:news",
        "exempt:research",
        "exempt:counter",
    };
    return (unsigned)s < VG__PS__COUNT ? names[s] : "unknown";
}

/* ---- words ----------------------------------------------------------------------------------- */

enum tok_flag {
    TOK_SENTENCE = 0x1, /* a sentence end lies between this token and the previous one */
    TOK_MENTION = 0x2,  /* "@handle" (the span excludes '@') */
};

#define MAX_OFFS 6 /* distinct proclitic lengths: 0, one, two or three letters */

struct tok {
    size_t start, len; /* bytes of the text */
    unsigned flags;
    unsigned n_off;        /* byte offsets at which the word may start after a proclitic */
    uint8_t off[MAX_OFFS]; /* off[0] = 0; computed once per word, Arabic words only */
};

static void find_proclitics(const char *w, struct tok *t);

struct tokenizer {
    const unsigned char *s;
    size_t len, pos;
    size_t word_end; /* where the last word ended: an '@' there is an e-mail address */
};

static int is_ascii_word(unsigned c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
}

/* Letters, marks and numbers make words; '_' does not, so "#join_the_caravan" reads as words. */
static int is_word_cp(int32_t c)
{
    if (c < 0x80)
        return is_ascii_word((unsigned)c);
    return vg_text_cp_is_word(c);
}

/* Sentence ends: a gap may not cross them ('!' is left out: propaganda uses it mid-thought). */
static int is_sentence_end(int32_t c)
{
    return c == '.' || c == '?' || c == ';' || c == 0x2026 || c == 0x061F || c == 0x061B ||
           c == 0x06D4 || c == 0x3002;
}

/* Decode at p; invalid bytes read as U+FFFD of length 1 (a separator). */
static int decode(const unsigned char *p, size_t avail, int32_t *cp)
{
    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    int n = vg_utf8_decode(p, avail, cp);
    if (n < 0) {
        *cp = 0xFFFD;
        return 1;
    }
    return n;
}

/* The next word of the text into *t; 0 at the end. */
static int next_token(struct tokenizer *z, struct tok *t)
{
    unsigned flags = 0;
    while (z->pos < z->len) {
        int32_t c;
        int n = decode(z->s + z->pos, z->len - z->pos, &c);
        if (is_word_cp(c))
            break;
        if (c == '@' && z->pos != z->word_end && z->pos + 1 < z->len &&
            (is_ascii_word(z->s[z->pos + 1]) || z->s[z->pos + 1] == '_')) {
            size_t e = z->pos + 1;
            while (e < z->len && (is_ascii_word(z->s[e]) || z->s[e] == '_'))
                e++;
            t->start = z->pos + 1;
            t->len = e - t->start;
            t->flags = flags | TOK_MENTION;
            t->n_off = 1;
            t->off[0] = 0;
            z->pos = z->word_end = e;
            return 1;
        }
        if (is_sentence_end(c))
            flags |= TOK_SENTENCE;
        z->pos += (size_t)n;
    }
    if (z->pos >= z->len)
        return 0;
    t->start = z->pos;
    while (z->pos < z->len) {
        int32_t c;
        int n = decode(z->s + z->pos, z->len - z->pos, &c);
        if (!is_word_cp(c))
            break;
        z->pos += (size_t)n;
    }
    t->len = z->pos - t->start;
    t->flags = flags;
    z->word_end = z->pos;
    find_proclitics((const char *)z->s + t->start, t);
    return 1;
}

/* ---- Arabic proclitics ----------------------------------------------------------------------- */

/*
 * What a "~" alternative may find glued before the word: conjunctions wa/fa, prepositions bi/li/
 * ka, the future sa, the article al, and their usual combinations. "لل" is li + al with the alef
 * dropped; an alternative written with the article ("~الدولة") also matches "للدولة".
 */
struct proclitic {
    const char *s;
    uint8_t len;
};

/* clang-format off */
#define PC(lit) { lit, sizeof(lit) - 1 }
static const struct proclitic proclitics[] = {
    PC("و"),   PC("ف"),   PC("ب"),   PC("ل"),   PC("ك"),  PC("س"),   PC("ال"),
    PC("وال"), PC("فال"), PC("بال"), PC("كال"), PC("لل"), PC("ول"),  PC("فل"),
    PC("وب"),  PC("فب"),  PC("وك"),  PC("وس"),  PC("فس"), PC("ولل"), PC("فلل"),
};
#undef PC
/* clang-format on */

#define AL  "ال"
#define LIL "لل"

/* Fill t->off: 0, then each distinct length of a proclitic the word starts with (leaving at
 * least one byte after it). Every proclitic starts with a byte 0xD8 or 0xD9. */
static void find_proclitics(const char *w, struct tok *t)
{
    t->n_off = 1;
    t->off[0] = 0;
    unsigned char c = (unsigned char)w[0];
    if (t->len < 2 || (c != 0xD8 && c != 0xD9))
        return;
    for (size_t i = 0; i < VG_ARRAY_LEN(proclitics); i++) {
        size_t pl = proclitics[i].len;
        if (pl >= t->len || memcmp(w, proclitics[i].s, pl) != 0)
            continue;
        unsigned k = 0;
        while (k < t->n_off && t->off[k] != pl)
            k++;
        if (k == t->n_off && t->n_off < MAX_OFFS)
            t->off[t->n_off++] = (uint8_t)pl;
    }
}

/* ---- the compiled set ------------------------------------------------------------------------ */

enum alt_flag {
    ALT_PREFIX = 0x1,    /* "word*": the text word starts with the body */
    ALT_PROCLITIC = 0x2, /* "~word": Arabic proclitics may precede the body */
};

enum elem_kind {
    EL_WORD,
    EL_GAP,
    EL_MENTION,
};

struct alt {
    size_t off; /* body in the pool */
    size_t len;
    unsigned flags;
};

struct elem {
    enum elem_kind kind;
    int optional; /* EL_WORD: "word?" */
    unsigned gap; /* EL_GAP: at most this many words */
    size_t alt0;  /* EL_WORD: first alternative */
    size_t n_alt;
    /* A quick filter before the alternatives are scanned: the byte lengths of the exact ones
     * (63 stands for 63 and more), the shortest prefix one, and whether any takes proclitics. */
    uint64_t exact_lens;
    size_t min_prefix;
    int procl;
};

struct pat {
    size_t elem0, n_elem;
    int anchored; /* "^": only at the first word of the text */
};

/* One alternative of a first word, under the key of its first two code points. */
struct entry {
    int32_t cp1, cp2; /* cp2 = 0 for a one-code-point word */
    size_t pat, alt;
};

struct index {
    size_t start[N_BUCKETS + 1];
    struct entry *e;
};

struct vg__patterns {
    const struct vg__pattern_def *defs;
    size_t n_pats;
    struct pat *pats;
    struct elem *elems;
    size_t n_elems, cap_elems;
    struct alt *alts;
    size_t n_alts, cap_alts;
    char *pool;
    size_t pool_len, pool_cap;
    struct index plain, procl; /* first words without and with "~" */
    size_t *mention_pats;      /* patterns that start with "@" */
    size_t n_mention;
    size_t max_span;
};

static size_t bucket_of(int32_t cp1, int32_t cp2)
{
    uint32_t h = ((uint32_t)cp1 * 31u + (uint32_t)cp2) * 2654435761u;
    return h >> (32 - BUCKET_BITS);
}

/* The key of the word at w: first code point, and the second or 0. */
static void word_key(const char *w, size_t len, int32_t *cp1, int32_t *cp2)
{
    const unsigned char *s = (const unsigned char *)w;
    int n = decode(s, len, cp1);
    *cp2 = 0;
    if ((size_t)n < len)
        decode(s + n, len - (size_t)n, cp2);
}

void vg__patterns_free(struct vg__patterns *p)
{
    if (!p)
        return;
    vg_free(p->pats);
    vg_free(p->elems);
    vg_free(p->alts);
    vg_free(p->pool);
    vg_free(p->plain.e);
    vg_free(p->procl.e);
    vg_free(p->mention_pats);
    vg_free(p);
}

size_t vg__patterns_count(const struct vg__patterns *p)
{
    return p ? p->n_pats : 0;
}

static vg_status add_elem(struct vg__patterns *p, const struct elem *e)
{
    if (p->n_elems == p->cap_elems) {
        size_t cap = p->cap_elems ? 2 * p->cap_elems : 256;
        struct elem *n = vg_realloc(p->elems, cap * sizeof(*n));
        if (!n)
            return VG_ENOMEM;
        p->elems = n;
        p->cap_elems = cap;
    }
    p->elems[p->n_elems++] = *e;
    return VG_OK;
}

static vg_status add_alt(struct vg__patterns *p, const char *body, size_t len, unsigned flags)
{
    if (p->n_alts == p->cap_alts) {
        size_t cap = p->cap_alts ? 2 * p->cap_alts : 1024;
        struct alt *n = vg_realloc(p->alts, cap * sizeof(*n));
        if (!n)
            return VG_ENOMEM;
        p->alts = n;
        p->cap_alts = cap;
    }
    while (p->pool_len + len + 1 > p->pool_cap) {
        size_t ncap = p->pool_cap ? p->pool_cap * 2 : 4096;
        char *n = vg_realloc(p->pool, ncap);
        if (!n)
            return VG_ENOMEM;
        p->pool = n;
        p->pool_cap = ncap;
    }
    memcpy(p->pool + p->pool_len, body, len);
    p->pool[p->pool_len + len] = '\0';
    p->alts[p->n_alts++] = (struct alt){ .off = p->pool_len, .len = len, .flags = flags };
    p->pool_len += len + 1;
    return VG_OK;
}

static size_t count_cps(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/*
 * Parse one word element s[0..len) ("a|b*|~c" with an optional trailing "?") into elements of
 * p. A single plain alternative with inner separators ("d'apres", "al-qaida") becomes one
 * element per word; an alternative inside "|" must be one word.
 */
static vg_status parse_word_elem(struct vg__patterns *p, const char *id, const char *s, size_t len,
                                 int first)
{
    struct elem e = { .kind = EL_WORD };
    if (len > 1 && s[len - 1] == '?') {
        e.optional = 1;
        len--;
    }
    if (first && e.optional) {
        VG_LOG_ERR("detect patterns: %s: the first word may not be optional", id);
        return VG_EINVAL;
    }
    e.alt0 = p->n_alts;
    size_t a = 0;
    while (a <= len) {
        size_t b = a;
        while (b < len && s[b] != '|')
            b++;
        const char *body = s + a;
        size_t blen = b - a;
        unsigned flags = 0;
        if (blen > 0 && body[0] == '~') {
            flags |= ALT_PROCLITIC;
            body++;
            blen--;
        }
        if (blen > 0 && body[blen - 1] == '*') {
            flags |= ALT_PREFIX;
            blen--;
        }
        /* Only words and the separators people write inside words (apostrophes, hyphens):
         * any other character is a mistake the tokenizer would silently drop. */
        for (size_t k = 0; k < blen;) {
            int32_t c;
            int n = decode((const unsigned char *)body + k, blen - k, &c);
            if (!is_word_cp(c) && c != '\'' && c != '-' && c != 0x2019) {
                VG_LOG_ERR("detect patterns: %s: unexpected character in \"%.*s\"", id, (int)len,
                           s);
                return VG_EINVAL;
            }
            k += (size_t)n;
        }
        /* Split the body into words the way the text is split. */
        struct tokenizer z = { (const unsigned char *)body, blen, 0, SIZE_MAX };
        struct tok w[MAX_ELEMS];
        size_t nw = 0;
        while (nw < MAX_ELEMS && next_token(&z, &w[nw]))
            nw++;
        struct tok more;
        if (nw == 0 || (w[0].flags & TOK_MENTION) || next_token(&z, &more)) {
            VG_LOG_ERR("detect patterns: %s: empty or non-word alternative in \"%.*s\"", id,
                       (int)len, s);
            return VG_EINVAL;
        }
        if (nw > 1) {
            /* Only a lone plain word may be a phrase: "d'apres" reads as "d apres". */
            if (a != 0 || b != len || flags || e.optional) {
                VG_LOG_ERR("detect patterns: %s: \"%.*s\": an alternative must be one word", id,
                           (int)blen, body);
                return VG_EINVAL;
            }
            for (size_t i = 0; i < nw; i++) {
                struct elem one = { .kind = EL_WORD, .alt0 = p->n_alts, .n_alt = 1 };
                one.exact_lens = UINT64_C(1) << (w[i].len < 63 ? w[i].len : 63);
                one.min_prefix = SIZE_MAX;
                vg_status rc = add_alt(p, body + w[i].start, w[i].len, 0);
                if (rc == VG_OK)
                    rc = add_elem(p, &one);
                if (rc != VG_OK)
                    return rc;
            }
            return VG_OK;
        }
        /* The index keys a first word on two code points; later words may be shorter. */
        if (first && (flags & ALT_PREFIX) && count_cps(body + w[0].start, w[0].len) < 2) {
            VG_LOG_ERR("detect patterns: %s: a first-word prefix (\"%.*s\") needs two letters", id,
                       (int)blen, body);
            return VG_EINVAL;
        }
        vg_status rc = add_alt(p, body + w[0].start, w[0].len, flags);
        if (rc != VG_OK)
            return rc;
        a = b + 1;
    }
    e.n_alt = p->n_alts - e.alt0;
    e.min_prefix = SIZE_MAX;
    for (size_t i = e.alt0; i < p->n_alts; i++) {
        const struct alt *x = &p->alts[i];
        if (x->flags & ALT_PREFIX)
            e.min_prefix = x->len < e.min_prefix ? x->len : e.min_prefix;
        else
            e.exact_lens |= UINT64_C(1) << (x->len < 63 ? x->len : 63);
        if (x->flags & ALT_PROCLITIC)
            e.procl = 1;
    }
    return add_elem(p, &e);
}

/* Normalise and parse pattern i of the table. */
static vg_status compile_one(struct vg__patterns *p, size_t i)
{
    const struct vg__pattern_def *d = &p->defs[i];
    struct pat *pt = &p->pats[i];
    char *norm = NULL;
    size_t nlen = 0, span = 0;
    vg_status rc = VG_EINVAL;
    if (!d->id || !d->pattern || (unsigned)d->set >= VG__PS__COUNT) {
        VG_LOG_ERR("detect patterns: row %zu: missing id or pattern, or unknown set", i);
        goto fail;
    }
    rc = vg_text_normalize(d->pattern, strlen(d->pattern), &norm, &nlen);
    if (rc != VG_OK) {
        VG_LOG_ERR("detect patterns: %s: cannot normalise the pattern: %s", d->id, vg_strerror(rc));
        goto fail;
    }
    rc = VG_EINVAL;
    pt->elem0 = p->n_elems;
    int prev_gap = 0;
    size_t a = 0;
    while (a < nlen) {
        size_t b = a;
        while (b < nlen && norm[b] != ' ')
            b++;
        const char *s = norm + a;
        size_t len = b - a;
        int first = p->n_elems == pt->elem0;
        if (s[0] == '^') {
            if (!first || len == 1) {
                VG_LOG_ERR("detect patterns: %s: '^' must be glued to the first word", d->id);
                goto fail;
            }
            pt->anchored = 1;
            s++;
            len--;
        }
        if (s[0] == '*') {
            unsigned gap = GAP_DEFAULT;
            if (len == 2 && s[1] >= '1' && s[1] <= '9')
                gap = (unsigned)(s[1] - '0');
            else if (len != 1)
                gap = 0;
            if (gap == 0 || first || prev_gap) {
                VG_LOG_ERR("detect patterns: %s: bad gap \"%.*s\" (\"*\" or \"*1\"..\"*9\", "
                           "between two words)",
                           d->id, (int)len, s);
                goto fail;
            }
            struct elem e = { .kind = EL_GAP, .gap = gap };
            if ((rc = add_elem(p, &e)) != VG_OK)
                goto fail;
            rc = VG_EINVAL;
            span += gap;
        } else if (len == 1 && s[0] == '@') {
            struct elem e = { .kind = EL_MENTION };
            if ((rc = add_elem(p, &e)) != VG_OK)
                goto fail;
            rc = VG_EINVAL;
            span++;
        } else {
            size_t before = p->n_elems;
            if ((rc = parse_word_elem(p, d->id, s, len, first)) != VG_OK)
                goto fail;
            rc = VG_EINVAL;
            span += p->n_elems - before;
        }
        prev_gap = p->n_elems > pt->elem0 && p->elems[p->n_elems - 1].kind == EL_GAP;
        a = b + 1;
    }
    pt->n_elem = p->n_elems - pt->elem0;
    if (pt->n_elem == 0 || prev_gap || pt->n_elem > MAX_ELEMS || span > MAX_SPAN) {
        VG_LOG_ERR("detect patterns: %s: empty, ends with a gap, or longer than %u words", d->id,
                   MAX_SPAN);
        goto fail;
    }
    if (span > p->max_span)
        p->max_span = span;
    vg_free(norm);
    return VG_OK;
fail:
    vg_free(norm);
    return rc;
}

/* Index the first word of every pattern (two passes: count per bucket, then place). */
static vg_status build_index(struct vg__patterns *p)
{
    size_t n_plain = 0, n_procl = 0, n_mention = 0;
    for (size_t i = 0; i < p->n_pats; i++) {
        const struct elem *e = &p->elems[p->pats[i].elem0];
        if (e->kind == EL_MENTION) {
            n_mention++;
            continue;
        }
        for (size_t k = 0; k < e->n_alt; k++) {
            const struct alt *a = &p->alts[e->alt0 + k];
            int32_t c1, c2;
            word_key(p->pool + a->off, a->len, &c1, &c2);
            struct index *ix = (a->flags & ALT_PROCLITIC) ? &p->procl : &p->plain;
            ix->start[bucket_of(c1, c2) + 1]++;
            if (a->flags & ALT_PROCLITIC)
                n_procl++;
            else
                n_plain++;
        }
    }
    p->plain.e = vg_malloc((n_plain ? n_plain : 1) * sizeof *p->plain.e);
    p->procl.e = vg_malloc((n_procl ? n_procl : 1) * sizeof *p->procl.e);
    p->mention_pats = vg_malloc((n_mention ? n_mention : 1) * sizeof *p->mention_pats);
    if (!p->plain.e || !p->procl.e || !p->mention_pats)
        return VG_ENOMEM;
    size_t fill_plain[N_BUCKETS], fill_procl[N_BUCKETS];
    for (size_t b = 0; b < N_BUCKETS; b++) {
        p->plain.start[b + 1] += p->plain.start[b];
        p->procl.start[b + 1] += p->procl.start[b];
        fill_plain[b] = p->plain.start[b];
        fill_procl[b] = p->procl.start[b];
    }
    for (size_t i = 0; i < p->n_pats; i++) {
        const struct elem *e = &p->elems[p->pats[i].elem0];
        if (e->kind == EL_MENTION) {
            p->mention_pats[p->n_mention++] = i;
            continue;
        }
        for (size_t k = 0; k < e->n_alt; k++) {
            const struct alt *a = &p->alts[e->alt0 + k];
            struct entry en = { .pat = i, .alt = e->alt0 + k };
            word_key(p->pool + a->off, a->len, &en.cp1, &en.cp2);
            size_t b = bucket_of(en.cp1, en.cp2);
            if (a->flags & ALT_PROCLITIC)
                p->procl.e[fill_procl[b]++] = en;
            else
                p->plain.e[fill_plain[b]++] = en;
        }
    }
    return VG_OK;
}

vg_status vg__patterns_compile(const struct vg__pattern_def *defs, size_t n,
                               struct vg__patterns **out)
{
    struct vg__patterns *p = NULL;
    vg_status rc = VG_EINVAL;
    if (out)
        *out = NULL;
    if (!out || (!defs && n > 0))
        goto fail;
    rc = VG_ENOMEM;
    p = vg_calloc(1, sizeof *p);
    if (!p)
        goto fail;
    p->defs = defs;
    p->n_pats = n;
    p->pats = vg_calloc(n ? n : 1, sizeof *p->pats);
    if (!p->pats)
        goto fail;
    for (size_t i = 0; i < n; i++)
        if ((rc = compile_one(p, i)) != VG_OK)
            goto fail;
    /* The first element must be a word or a mention (what the index looks up). */
    for (size_t i = 0; i < n; i++) {
        if (p->elems[p->pats[i].elem0].kind == EL_GAP) {
            VG_LOG_ERR("detect patterns: %s: must start with a word", defs[i].id);
            rc = VG_EINVAL;
            goto fail;
        }
    }
    if ((rc = build_index(p)) != VG_OK)
        goto fail;
    *out = p;
    return VG_OK;
fail:
    vg__patterns_free(p);
    return rc;
}

/* ---- matching -------------------------------------------------------------------------------- */

/* Does body (blen bytes, prefix or exact) match the word w? The last byte is checked first:
 * UTF-8 Arabic letters share their first byte, so that is where words differ. */
static int body_match(const char *body, size_t blen, int prefix, const char *w, size_t wlen)
{
    if (prefix ? wlen < blen : wlen != blen)
        return 0;
    return body[blen - 1] == w[blen - 1] && memcmp(body, w, blen) == 0;
}

/* Does alternative a match the word k of text? */
static int alt_match(const struct vg__patterns *p, const struct alt *a, const char *text,
                     const struct tok *k)
{
    const char *body = p->pool + a->off;
    const char *w = text + k->start;
    int prefix = (a->flags & ALT_PREFIX) != 0;
    if (!(a->flags & ALT_PROCLITIC))
        return body_match(body, a->len, prefix, w, k->len);
    int al = a->len > 4 && memcmp(body, AL, 4) == 0;
    for (unsigned i = 0; i < k->n_off; i++) {
        const char *r = w + k->off[i];
        size_t rlen = k->len - k->off[i];
        if (body_match(body, a->len, prefix, r, rlen))
            return 1;
        /* li + al: "للدولة" for "الدولة". */
        if (al && rlen > 4 && memcmp(r, LIL, 4) == 0 &&
            body_match(body + 4, a->len - 4, prefix, r + 4, rlen - 4))
            return 1;
    }
    return 0;
}

struct window {
    struct tok tok[WIN_CAP];
    size_t n;    /* tokens held */
    size_t base; /* index in the text of tok[0] */
};

struct match {
    size_t pat;
    size_t t0, t1; /* words [t0, t1) in the text */
    size_t b0, b1; /* bytes */
};

struct run {
    const struct vg__patterns *p;
    const char *text;
    const struct window *w;
    struct vg_pattern_result *out;
    struct match m[MAX_MATCHES];
    size_t n_m;
};

/* Can any alternative of e match a word of len bytes (or its rest after a proclitic)? */
static int length_may_match(const struct elem *e, const struct tok *k)
{
    unsigned n = e->procl ? k->n_off : 1;
    for (unsigned i = 0; i < n; i++) {
        size_t rlen = k->len - k->off[i];
        if (rlen >= e->min_prefix || (e->exact_lens >> (rlen < 63 ? rlen : 63)) & 1)
            return 1;
    }
    /* li + al needs no case of its own: "لل" and "ال" have the same length. */
    return 0;
}

static int word_at(const struct run *r, const struct elem *e, size_t t)
{
    const struct tok *k = &r->w->tok[t];
    if ((k->flags & TOK_MENTION) || !length_may_match(e, k))
        return 0;
    for (size_t i = 0; i < e->n_alt; i++)
        if (alt_match(r->p, &r->p->alts[e->alt0 + i], r->text, k))
            return 1;
    return 0;
}

/*
 * Match elements e.. of pt from token t (an index in the window). Returns one past the last
 * token consumed, or -1. Depth is bounded by MAX_ELEMS; the window holds max_span tokens
 * beyond any start, or the text ends inside it.
 */
static long match_from(const struct run *r, const struct pat *pt, size_t e, size_t t)
{
    if (e == pt->n_elem)
        return (long)t;
    const struct elem *el = &r->p->elems[pt->elem0 + e];
    size_t n = r->w->n;
    switch (el->kind) {
        case EL_GAP:
            for (size_t k = 0; k <= el->gap; k++) {
                if (t + k >= n || (r->w->tok[t + k].flags & TOK_SENTENCE))
                    break;
                long end = match_from(r, pt, e + 1, t + k);
                if (end >= 0)
                    return end;
            }
            return -1;
        case EL_MENTION:
            if (t < n && (r->w->tok[t].flags & TOK_MENTION))
                return match_from(r, pt, e + 1, t + 1);
            return -1;
        case EL_WORD:
        default:
            if (t < n && word_at(r, el, t)) {
                long end = match_from(r, pt, e + 1, t + 1);
                if (end >= 0)
                    return end;
            }
            return el->optional ? match_from(r, pt, e + 1, t) : -1;
    }
}

static int is_threat_set(enum vg__pattern_set s)
{
    return s >= VG__PS_THREAT_INTENT && s <= VG__PS_THREAT_SOFTENER;
}

/* Record a match: set the bits now, keep it for hits and the threat score if there is room. */
static void record(struct run *r, size_t pat, size_t t0, size_t t1)
{
    enum vg__pattern_set set = r->p->defs[pat].set;
    if (set <= VG__PS_TCO_THREAT)
        r->out->categories |= 1u << set;
    else if (set == VG__PS_EXEMPT_NEWS)
        r->out->exempt |= VG_EXEMPT_NEWS;
    else if (set == VG__PS_EXEMPT_RESEARCH)
        r->out->exempt |= VG_EXEMPT_RESEARCH;
    else if (set == VG__PS_EXEMPT_COUNTER)
        r->out->exempt |= VG_EXEMPT_COUNTER;
    /* Outside the threat sets only the first match of a pattern is shown; the threat score
     * needs every occurrence (a target counts only near an intent). */
    for (size_t i = 0; i < r->n_m; i++)
        if (r->m[i].pat == pat && (!is_threat_set(set) || r->m[i].t0 == t0 + r->w->base))
            return;
    if (r->n_m == MAX_MATCHES)
        return;
    const struct tok *a = &r->w->tok[t0], *b = &r->w->tok[t1 - 1];
    r->m[r->n_m++] = (struct match){
        .pat = pat,
        .t0 = r->w->base + t0,
        .t1 = r->w->base + t1,
        .b0 = a->start,
        .b1 = b->start + b->len,
    };
}

/* Run pattern pat from token t if it was not run there already. */
static void try_pattern(struct run *r, size_t pat, size_t t, size_t *tried, size_t *n_tried)
{
    for (size_t i = 0; i < *n_tried; i++)
        if (tried[i] == pat)
            return;
    if (*n_tried < MAX_TRIED)
        tried[(*n_tried)++] = pat;
    const struct pat *pt = &r->p->pats[pat];
    if (pt->anchored && r->w->base + t != 0)
        return;
    long end = match_from(r, pt, 1, t + 1);
    if (end >= 0)
        record(r, pat, t, (size_t)end);
}

static void lookup(struct run *r, const struct index *ix, const char *w, size_t len, size_t t,
                   size_t *tried, size_t *n_tried)
{
    int32_t c1, c2;
    word_key(w, len, &c1, &c2);
    size_t b = bucket_of(c1, c2);
    const struct tok *k = &r->w->tok[t];
    for (size_t i = ix->start[b]; i < ix->start[b + 1]; i++) {
        const struct entry *en = &ix->e[i];
        if (en->cp1 != c1 || en->cp2 != c2)
            continue;
        if (alt_match(r->p, &r->p->alts[en->alt], r->text, k))
            try_pattern(r, en->pat, t, tried, n_tried);
    }
}

/* Try every pattern that can start at token t. */
static void try_start(struct run *r, size_t t)
{
    const struct tok *k = &r->w->tok[t];
    size_t tried[MAX_TRIED], n_tried = 0;
    if (k->flags & TOK_MENTION) {
        for (size_t i = 0; i < r->p->n_mention; i++)
            try_pattern(r, r->p->mention_pats[i], t, tried, &n_tried);
        return;
    }
    const char *w = r->text + k->start;
    lookup(r, &r->p->plain, w, k->len, t, tried, &n_tried);
    for (unsigned i = 0; i < k->n_off; i++) {
        const char *rest = w + k->off[i];
        size_t rlen = k->len - k->off[i];
        lookup(r, &r->p->procl, rest, rlen, t, tried, &n_tried);
        if (rlen > 4 && memcmp(rest, LIL, 4) == 0)
            lookup(r, &r->p->procl, AL, 4, t, tried, &n_tried);
    }
}

/* ---- results --------------------------------------------------------------------------------- */

static double clamp01(double x)
{
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

static int near(const struct match *a, const struct match *b)
{
    return a->t0 <= b->t1 + VG__THREAT_WINDOW && b->t0 <= a->t1 + VG__THREAT_WINDOW;
}

static void add_hit(struct run *r, const struct match *m)
{
    struct vg_pattern_result *o = r->out;
    const struct vg__pattern_def *d = &r->p->defs[m->pat];
    if (o->n_hits == VG_ARRAY_LEN(o->hits))
        return;
    for (size_t i = 0; i < o->n_hits; i++)
        if (o->hits[i].pattern == d->id)
            return;
    o->hits[o->n_hits++] = (struct vg_pattern_hit){
        .set = vg__pattern_set_name(d->set),
        .pattern = d->id,
        .start = m->b0,
        .len = m->b1 - m->b0,
    };
}

/* Category and exemption bits are set as matches are found; this computes the threat score
 * (formula in detect_patterns_int.h; no intent, no threat) and chooses the hits to show. */
static void finish(struct run *r)
{
    const struct vg__pattern_def *defs = r->p->defs;
    double intent = 0, target = 0, imminence = 0, keep = 1;
    for (size_t i = 0; i < r->n_m; i++) {
        const struct vg__pattern_def *d = &defs[r->m[i].pat];
        if (d->set == VG__PS_THREAT_INTENT) {
            intent = d->weight > intent ? d->weight : intent;
            target = d->target > target ? d->target : target;
        }
    }
    if (intent > 0) {
        for (size_t i = 0; i < r->n_m; i++) {
            const struct match *m = &r->m[i];
            const struct vg__pattern_def *d = &defs[m->pat];
            if (d->set == VG__PS_THREAT_TARGET) {
                for (size_t j = 0; j < r->n_m; j++) {
                    if (defs[r->m[j].pat].set == VG__PS_THREAT_INTENT && near(m, &r->m[j])) {
                        target = d->weight > target ? d->weight : target;
                        break;
                    }
                }
            } else if (d->set == VG__PS_THREAT_IMMINENCE) {
                imminence = d->weight > imminence ? d->weight : imminence;
            } else if (d->set == VG__PS_THREAT_SOFTENER) {
                size_t j = 0; /* each softener pattern once */
                while (j < i && r->m[j].pat != m->pat)
                    j++;
                if (j == i)
                    keep *= 1.0 - clamp01(d->weight);
            }
        }
        double raw = intent * (VG__THREAT_BASE + VG__THREAT_TARGET * target +
                               VG__THREAT_IMMINENCE * target * imminence);
        r->out->threat = clamp01(clamp01(raw) * keep);
        r->out->threat_target = r->out->threat > 0 && target >= VG__THREAT_TARGET_MIN;
    }
    /* Hits: what decides first (categories, intents, exemptions), then what shaped the threat
     * score (targets near an intent, imminence, softeners), each in text order. */
    for (size_t i = 0; i < r->n_m; i++) {
        enum vg__pattern_set s = defs[r->m[i].pat].set;
        if (!is_threat_set(s) || s == VG__PS_THREAT_INTENT)
            add_hit(r, &r->m[i]);
    }
    if (intent <= 0)
        return;
    for (size_t i = 0; i < r->n_m; i++) {
        const struct match *m = &r->m[i];
        enum vg__pattern_set s = defs[m->pat].set;
        if (s == VG__PS_THREAT_TARGET) {
            for (size_t j = 0; j < r->n_m; j++) {
                if (defs[r->m[j].pat].set == VG__PS_THREAT_INTENT && near(m, &r->m[j])) {
                    add_hit(r, m);
                    break;
                }
            }
        } else if (s == VG__PS_THREAT_IMMINENCE || s == VG__PS_THREAT_SOFTENER) {
            add_hit(r, m);
        }
    }
}

vg_status vg__patterns_run(const struct vg__patterns *p, const char *text_norm, size_t len,
                           struct vg_pattern_result *out)
{
    if (!out)
        return VG_EINVAL;
    memset(out, 0, sizeof *out);
    if (!p || (!text_norm && len > 0))
        return VG_EINVAL;
    /* About 10 KiB of stack: the window and the matches. */
    struct window w;
    struct run r = { .p = p, .text = text_norm, .w = &w, .out = out };
    struct tokenizer z = { (const unsigned char *)text_norm, len, 0, SIZE_MAX };
    w.n = 0;
    w.base = 0;
    for (;;) {
        while (w.n < WIN_CAP && next_token(&z, &w.tok[w.n]))
            w.n++;
        int end = w.n < WIN_CAP;
        /* Start only where a whole pattern fits in the window, unless the text ends in it. */
        size_t limit = end ? w.n : w.n - p->max_span;
        for (size_t t = 0; t < limit; t++)
            try_start(&r, t);
        if (end)
            break;
        memmove(w.tok, w.tok + limit, (w.n - limit) * sizeof *w.tok);
        w.base += limit;
        w.n -= limit;
    }
    finish(&r);
    return VG_OK;
}

/* ---- the built-in set ------------------------------------------------------------------------ */

/*
 * Compiled on first use and kept for the life of the process. A mutex rather than
 * pthread_once, so that a failed compilation (out of memory) is retried by the next call
 * instead of being remembered for ever.
 */
static _Atomic(struct vg__patterns *) builtin;
static pthread_mutex_t builtin_lock = PTHREAD_MUTEX_INITIALIZER;

static vg_status builtin_get(const struct vg__patterns **out)
{
    struct vg__patterns *p = atomic_load_explicit(&builtin, memory_order_acquire);
    vg_status rc = VG_OK;
    if (p)
        goto done;
    pthread_mutex_lock(&builtin_lock);
    p = atomic_load_explicit(&builtin, memory_order_relaxed);
    if (!p) {
        rc = vg__patterns_compile(vg__pattern_table, vg__pattern_table_len, &p);
        if (rc == VG_OK)
            atomic_store_explicit(&builtin, p, memory_order_release);
    }
    pthread_mutex_unlock(&builtin_lock);
done:
    *out = p;
    return rc;
}

vg_status vg__patterns_match(const char *text_norm, size_t len, const char *lang,
                             struct vg_pattern_result *out)
{
    /* Every set runs whatever the language: posts mix languages, and identification is
     * unreliable on short texts. The argument is kept for language-specific sets later. */
    VG_UNUSED(lang);
    const struct vg__patterns *p = NULL;
    if (!out)
        return VG_EINVAL;
    memset(out, 0, sizeof *out);
    vg_status rc = builtin_get(&p);
    if (rc != VG_OK)
        return rc;
    return vg__patterns_run(p, text_norm, len, out);
}
