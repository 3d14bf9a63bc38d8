/* SPDX-License-Identifier: Apache-2.0 */
/*
 * text_normalize.c: the matching form of a text. Two posts that a reader would call the same
 * words must normalise to the same bytes, whatever the keyboard, the presentation forms, the
 * diacritics or the HTML escaping used: classifier features, near-duplicate hashes and keyword
 * lists all work on this form (the text as written is always kept beside it).
 *
 * The pipeline, per code point:
 *   1. Unicode compatibility decomposition and full case folding (utf8proc), so "Ｈ" and "H"
 *      become "h" and Arabic presentation forms become the base letters;
 *   2. a filter: combining diacritics of the Latin/Greek/Cyrillic blocks dropped (é → e),
 *      Arabic tashkeel and tatweel dropped, hamza/madda on alef dropped (أ إ آ → ا) while
 *      hamza on waw, ya and heh stays (ؤ ئ are letters of their own), alef wasla → alef,
 *      alef maqsura and Persian ya → ya, ta marbuta → ha, Persian kaf → kaf, Arabic-Indic
 *      digits → ASCII, zero-width and bidi controls and other controls dropped, runs of white
 *      space → one space;
 *   3. character references decoded on the filtered output, repeatedly ("&amp;amp;" → "&"),
 *      each decoded code point going through steps 1-2 again;
 *   4. canonical ordering and composition of the marks that remain (Indic vowel signs, Hebrew
 *      points, hamza above waw), so the result is in NFC.
 * Step 3 works on the output of step 2, rather than on the input, so that normalising is
 * idempotent: text whose folded form spells a reference ("＆ＡＭＰ；") is decoded the first
 * time, not on a second pass.
 *
 * Hot path: pure ASCII without '&' (most English posts) skips all of this; otherwise the code
 * points live in a per-thread scratch array reused from call to call.
 */
#include <string.h>

#include <utf8proc.h>

#include "text.h"

/* Decomposition of one code point: utf8proc's longest (U+FDFA) is 18. */
#define VG_DECOMP_MAX 32
/* More combining marks than this on one base are dropped (zalgo text); it also bounds the
 * cost of reordering them. UAX #15's stream-safe format uses the same figure. */
#define VG_MARK_RUN_MAX 30
/*
 * Worst-case growth, measured over every code point with utf8proc 2.8: folding gives at most 6
 * code points and 11 UTF-8 bytes per input byte (both U+FDFA, 3 bytes to 18 letters); the filter,
 * composition and reference decoding only shrink. So VG_TEXT_MAX of input always fits.
 */
#define VG_NORM_CPS_PER_BYTE 6
#define VG_NORM_OUT_PER_BYTE 11
#define VG_NORM_MAX_CPS      ((size_t)VG_NORM_CPS_PER_BYTE * VG_TEXT_MAX)
/* A scratch array that grew past this is freed after the call, so one huge text does not keep
 * megabytes per thread. */
#define VG_NORM_KEEP_CPS ((size_t)1 << 16)
/* Longest character reference recognised: '&', 32 body characters, ';'. */
#define VG_REF_SPAN_MAX 34

struct norm {
    int32_t *v;       /* output code points */
    size_t n;         /* used */
    size_t cap;       /* allocated */
    size_t max;       /* bound on n for this call */
    int32_t starter;  /* last code point of combining class 0 written, or -1 */
    int mark_run;     /* combining marks written since it */
    int need_compose; /* a code point that can reorder or compose was written */
};

static _Thread_local struct {
    int32_t *v;
    size_t cap;
    int tracked; /* registered for release at thread exit */
} scratch;

static void scratch_release(void)
{
    vg_free(scratch.v);
    scratch.v = NULL;
    scratch.cap = 0;
    scratch.tracked = 0;
}

static struct vg_thread_scratch scratch_owner = { .release = scratch_release };

static int is_space_cp(int32_t c)
{
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
           c == 0x205F || c == 0x3000;
}

/* Code points that carry no letter for matching: controls, zero-width and bidi formatting,
 * soft hyphen, variation selectors. */
static int is_dropped_cp(int32_t c)
{
    return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0xAD || (c >= 0x200B && c <= 0x200F) ||
           (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x206F) || c == 0xFEFF ||
           (c >= 0xFE00 && c <= 0xFE0F);
}

/* Diacritics of the generic combining blocks (used on Latin, Greek and Cyrillic letters). */
static int is_diacritic_cp(int32_t c)
{
    return (c >= 0x0300 && c <= 0x036F) || (c >= 0x1AB0 && c <= 0x1AFF) ||
           (c >= 0x1DC0 && c <= 0x1DFF) || (c >= 0x20D0 && c <= 0x20FF) ||
           (c >= 0xFE20 && c <= 0xFE2F);
}

/* Arabic tashkeel, Quranic annotation signs and tatweel. Madda and hamza above/below
 * (U+0653-U+0655) are not here: they are handled with the letter they sit on. */
static int is_tashkeel_cp(int32_t c)
{
    return (c >= 0x0610 && c <= 0x061A) || (c >= 0x064B && c <= 0x0652) ||
           (c >= 0x0656 && c <= 0x065F) || c == 0x0670 || (c >= 0x06D6 && c <= 0x06ED) ||
           c == 0x0640;
}

/* Letter unification: one form for letters that writers use interchangeably. */
static int32_t unify_cp(int32_t c)
{
    switch (c) {
        case 0x0671: /* alef wasla */
        /* Alef with madda, hamza above, hamza below: decomposition already split these into
         * alef and a mark; listed so that the table is the whole rule. */
        case 0x0622:
        case 0x0623:
        case 0x0625:
            return 0x0627;
        case 0x0649: /* alef maqsura */
        case 0x06CC: /* Persian ya */
            return 0x064A;
        case 0x0629: /* ta marbuta */
            return 0x0647;
        case 0x06A9: /* Persian kaf */
            return 0x0643;
        default:
            break;
    }
    if (c >= 0x0660 && c <= 0x0669)
        return '0' + (c - 0x0660);
    if (c >= 0x06F0 && c <= 0x06F9)
        return '0' + (c - 0x06F0);
    return c;
}

/* Code points that canonical ordering or composition may change: combining marks (including
 * spacing vowel signs, which compose in some Indic scripts) and Hangul jamo. */
static int may_compose(int32_t c, const utf8proc_property_t *p)
{
    return p->combining_class > 0 || (c >= 0x1100 && c <= 0x11FF) ||
           p->category == UTF8PROC_CATEGORY_MC || p->category == UTF8PROC_CATEGORY_MN ||
           p->category == UTF8PROC_CATEGORY_ME;
}

/* Arabic letters without decomposition, case or combining class: the bulk of Arabic text, which
 * can skip utf8proc. (U+0622-U+0626 decompose and are not in these ranges.) */
static int is_plain_arabic_letter(int32_t c)
{
    return (c >= 0x0627 && c <= 0x063A) || (c >= 0x0641 && c <= 0x064A);
}

static int combining_class(int32_t c)
{
    return c < 0x300 ? 0 : utf8proc_get_property(c)->combining_class;
}

static vg_status norm_grow(struct norm *st)
{
    if (st->n >= st->max)
        return VG_ELIMIT;
    size_t cap = st->cap ? st->cap * 2 : 1024;
    if (cap > st->max)
        cap = st->max;
    int32_t *v = vg_realloc(st->v, cap * sizeof(*v));
    if (!v)
        return VG_ENOMEM;
    st->v = v;
    st->cap = cap;
    return VG_OK;
}

/* Recompute starter and mark_run after the output was cut back (a reference replaced). The
 * scan is short: at most VG_MARK_RUN_MAX marks follow a starter. */
static void rescan_tail(struct norm *st)
{
    size_t i = st->n;
    while (i > 0 && combining_class(st->v[i - 1]) > 0)
        i--;
    st->mark_run = (int)(st->n - i);
    st->starter = i > 0 ? st->v[i - 1] : -1;
}

/* The code point of a character reference "&...;" at the end of the output, or -1. */
static int32_t trailing_reference(struct norm *st, size_t *at)
{
    size_t n = st->n, j = n - 1;
    while (j > 0 && n - j <= VG_REF_SPAN_MAX) {
        int32_t c = st->v[j - 1];
        j--;
        if (c == '&')
            break;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '#'))
            return -1;
    }
    if (st->v[j] != '&' || n - j > VG_REF_SPAN_MAX || n - j < 4)
        return -1;
    /* The reference is ASCII; decode it with the HTML table through a buffer on the stack (its
     * max is below its capacity, so the buffer never reallocates). */
    char ref[VG_REF_SPAN_MAX], dec_mem[VG_REF_SPAN_MAX + 8];
    for (size_t k = j; k < n; k++)
        ref[k - j] = (char)st->v[k];
    struct vg_buf dec = {
        .data = dec_mem, .len = 0, .cap = sizeof(dec_mem), .max = VG_REF_SPAN_MAX + 4
    };
    if (vg_html_unescape_buf(ref, n - j, &dec) != VG_OK ||
        (dec.len == n - j && memcmp(dec.data, ref, dec.len) == 0))
        return -1; /* unknown: kept as written */
    int32_t cp;
    if (vg_utf8_decode((const unsigned char *)dec.data, dec.len, &cp) != (int)dec.len)
        return -1;
    *at = j;
    return cp;
}

/*
 * Filter one folded code point and append it. When it completes a character reference, the
 * reference is removed from the output and its code point returned in *decoded (else -1): the
 * caller folds it and feeds it back.
 */
static vg_status norm_put(struct norm *st, int32_t c, int32_t *decoded)
{
    *decoded = -1;
    if (is_space_cp(c)) {
        if (st->n == 0 || st->v[st->n - 1] == ' ')
            return VG_OK;
        c = ' ';
    } else if (c >= 0x80) {
        if (is_dropped_cp(c) || is_diacritic_cp(c) || is_tashkeel_cp(c))
            return VG_OK;
        /* Hamza or madda on alef is the alef form that unification removes. */
        if (c >= 0x0653 && c <= 0x0655 && st->starter == 0x0627)
            return VG_OK;
        c = unify_cp(c);
    } else if (is_dropped_cp(c)) {
        return VG_OK;
    }
    int ccc = 0;
    if (c >= 0x300 && !is_plain_arabic_letter(c)) {
        const utf8proc_property_t *p = utf8proc_get_property(c);
        ccc = p->combining_class;
        if (ccc > 0 && st->mark_run >= VG_MARK_RUN_MAX)
            return VG_OK;
        st->need_compose |= may_compose(c, p);
    }
    if (ccc > 0) {
        st->mark_run++;
    } else {
        st->mark_run = 0;
        st->starter = c;
    }
    vg_status rc;
    if (st->n == st->cap && (rc = norm_grow(st)))
        return rc;
    st->v[st->n++] = c;
    size_t at;
    if (c == ';' && (*decoded = trailing_reference(st, &at)) >= 0) {
        st->n = at;
        rescan_tail(st);
    }
    return VG_OK;
}

/* Fold one input code point (steps 1-2 of the file comment), decoding references it completes.
 * A reference ends in ';', which folding yields only as a whole decomposition (';', U+037E,
 * U+FE14, U+FE54, U+FF1B), so the stack holds at most one decomposition. */
static vg_status norm_feed(struct norm *st, int32_t cp)
{
    int32_t stack[2 * VG_DECOMP_MAX];
    size_t sp = 0;
    stack[sp++] = cp;
    while (sp > 0) {
        int32_t c = stack[--sp], decoded, dec[VG_DECOMP_MAX];
        utf8proc_ssize_t n;
        if (c < 0x80) {
            dec[0] = (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
            n = 1;
        } else if (is_plain_arabic_letter(c)) {
            dec[0] = c;
            n = 1;
        } else {
            int boundclass = 0;
            n = utf8proc_decompose_char(c, dec, VG_DECOMP_MAX,
                                        UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD,
                                        &boundclass);
            if (n < 0 || n > VG_DECOMP_MAX)
                return VG_EUTF8;
        }
        for (utf8proc_ssize_t i = 0; i < n; i++) {
            vg_status rc = norm_put(st, dec[i], &decoded);
            if (rc)
                return rc;
            if (decoded < 0)
                continue;
            if (sp + (size_t)(n - i) >= VG_ARRAY_LEN(stack))
                return VG_ELIMIT;
            /* Keep what is left of this decomposition after the decoded code point. */
            for (utf8proc_ssize_t k = n - 1; k > i; k--)
                stack[sp++] = dec[k];
            stack[sp++] = decoded;
            break;
        }
    }
    return VG_OK;
}

/* Canonical ordering: stable sort of each run of marks by combining class. Runs are at most
 * VG_MARK_RUN_MAX long, so insertion sort is cheap. */
static void canonical_order(int32_t *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        int ccc = combining_class(v[i]);
        if (ccc == 0)
            continue;
        int32_t c = v[i];
        size_t j = i;
        while (j > 0) {
            int prev = combining_class(v[j - 1]);
            if (prev <= ccc)
                break;
            v[j] = v[j - 1];
            j--;
        }
        v[j] = c;
    }
}

static size_t utf8_len(int32_t c)
{
    return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
}

static vg_status encode_out(const int32_t *v, size_t n, struct vg_buf *out)
{
    size_t bytes = 0;
    for (size_t i = 0; i < n; i++)
        bytes += utf8_len(v[i]);
    vg_status rc = vg_buf_reserve(out, bytes);
    if (rc)
        return rc;
    char *o = out->data + out->len;
    for (size_t i = 0; i < n; i++)
        o += vg_utf8_encode(v[i], o);
    out->len += bytes;
    out->data[out->len] = '\0';
    return VG_OK;
}

static vg_status normalize_full(const char *s, size_t len, struct vg_buf *out)
{
    struct norm st = {
        .v = scratch.v, .n = 0, .cap = scratch.cap, .max = VG_NORM_MAX_CPS, .starter = -1
    };
    if (out->max - out->len < st.max)
        st.max = out->max - out->len; /* every code point is at least one output byte */
    const unsigned char *u = (const unsigned char *)s;
    vg_status rc = VG_OK;
    size_t i = 0;
    while (i < len) {
        int32_t cp;
        int k = u[i] < 0x80 ? (cp = u[i], 1) : vg_utf8_decode(u + i, len - i, &cp);
        if (k < 0) {
            rc = VG_EUTF8; /* validated by the caller; kept for safety */
            goto done;
        }
        i += (size_t)k;
        if ((rc = norm_feed(&st, cp)))
            goto done;
    }
    if (st.n > 0 && st.v[st.n - 1] == ' ')
        st.n--;
    if (st.need_compose) {
        canonical_order(st.v, st.n);
        utf8proc_ssize_t m =
                utf8proc_normalize_utf32(st.v, (utf8proc_ssize_t)st.n, UTF8PROC_COMPOSE);
        if (m < 0) {
            rc = VG_EUTF8;
            goto done;
        }
        st.n = (size_t)m;
    }
    rc = encode_out(st.v, st.n, out);
done:
    if (st.cap > VG_NORM_KEEP_CPS) {
        vg_free(st.v);
        st.v = NULL;
        st.cap = 0;
    }
    scratch.v = st.v;
    scratch.cap = st.cap;
    if (scratch.v && !scratch.tracked) {
        vg_thread_scratch_track(&scratch_owner);
        scratch.tracked = 1;
    }
    return rc;
}

/* Pure ASCII without '&': folding is lowering A-Z, and the filter is dropping controls and
 * collapsing white space. Same result as normalize_full(), without utf8proc. */
static vg_status normalize_ascii(const char *s, size_t len, struct vg_buf *out)
{
    vg_status rc = vg_buf_reserve(out, len);
    if (rc)
        return rc;
    char *o = out->data + out->len, *o0 = o;
    int space = 1; /* drop white space at the start */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || (c >= 0x09 && c <= 0x0D)) {
            if (!space)
                *o++ = ' ';
            space = 1;
            continue;
        }
        if (c < 0x20 || c == 0x7F)
            continue;
        *o++ = (char)((c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c);
        space = 0;
    }
    if (o > o0 && o[-1] == ' ')
        o--;
    *o = '\0';
    out->len += (size_t)(o - o0);
    return VG_OK;
}

static int is_plain_ascii(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80 || c == '&')
            return 0;
    }
    return 1;
}

vg_status vg_text_normalize_buf(const char *s, size_t len, struct vg_buf *out)
{
    if (len > VG_TEXT_MAX)
        return VG_ELIMIT;
    if (is_plain_ascii(s, len))
        return normalize_ascii(s, len, out);
    if (!vg_utf8_valid(s, len))
        return VG_EUTF8;
    size_t start = out->len;
    vg_status rc = normalize_full(s, len, out);
    if (rc) {
        out->len = start;
        if (out->data)
            out->data[start] = '\0';
    }
    return rc;
}

vg_status vg_text_normalize(const char *s, size_t len, char **out, size_t *out_len)
{
    *out = NULL;
    if (out_len)
        *out_len = 0;
    if (!s && len > 0)
        return VG_EINVAL;
    struct vg_buf b;
    vg_buf_init(&b, (size_t)VG_NORM_OUT_PER_BYTE * VG_TEXT_MAX);
    vg_status rc = vg_text_normalize_buf(s ? s : "", len, &b);
    if (rc) {
        vg_buf_release(&b);
        return rc;
    }
    size_t n = b.len;
    char *p = vg_buf_take(&b);
    if (!p)
        return VG_ENOMEM;
    *out = p;
    if (out_len)
        *out_len = n;
    return VG_OK;
}
