/* SPDX-License-Identifier: Apache-2.0 */
/*
 * text_html.c: HTML character references and HTML-to-text. Twitter escapes "&", "<" and ">" in
 * tweet text; Mastodon and ActivityPub carry a post as an HTML fragment (`content`). Readers call
 * vg_html_unescape_buf() on the former and vg_html_to_text_buf() on the latter, so every later
 * stage sees the text a reader of the post saw.
 *
 * References are decoded as HTML does, with two simplifications: the ';' is required (posts are
 * machine-written and always carry it) and only the HTML 4 names (plus &apos;) are known; an
 * unknown or malformed reference is kept as written. The tag handling is not a full HTML parser:
 * it knows the few elements that change the text (br, p, block elements, script, style) and drops
 * every other tag, keeping its text. That is what Mastodon's sanitised HTML needs.
 */
#include <stdlib.h>
#include <string.h>

#include "text.h"

/* Longest reference body considered, between '&' and ';' ("#x0010FFFF" is 10). */
#define VG_HTML_REF_MAX 32

struct html_entity {
    const char *name;
    int32_t cp;
};

/* The HTML 4.01 entity set plus &apos;, sorted by strcmp for bsearch. */
static const struct html_entity html_entities[] = {
    { "AElig", 0xC6 },     { "Aacute", 0xC1 },   { "Acirc", 0xC2 },     { "Agrave", 0xC0 },
    { "Alpha", 0x391 },    { "Aring", 0xC5 },    { "Atilde", 0xC3 },    { "Auml", 0xC4 },
    { "Beta", 0x392 },     { "Ccedil", 0xC7 },   { "Chi", 0x3A7 },      { "Dagger", 0x2021 },
    { "Delta", 0x394 },    { "ETH", 0xD0 },      { "Eacute", 0xC9 },    { "Ecirc", 0xCA },
    { "Egrave", 0xC8 },    { "Epsilon", 0x395 }, { "Eta", 0x397 },      { "Euml", 0xCB },
    { "Gamma", 0x393 },    { "Iacute", 0xCD },   { "Icirc", 0xCE },     { "Igrave", 0xCC },
    { "Iota", 0x399 },     { "Iuml", 0xCF },     { "Kappa", 0x39A },    { "Lambda", 0x39B },
    { "Mu", 0x39C },       { "Ntilde", 0xD1 },   { "Nu", 0x39D },       { "OElig", 0x152 },
    { "Oacute", 0xD3 },    { "Ocirc", 0xD4 },    { "Ograve", 0xD2 },    { "Omega", 0x3A9 },
    { "Omicron", 0x39F },  { "Oslash", 0xD8 },   { "Otilde", 0xD5 },    { "Ouml", 0xD6 },
    { "Phi", 0x3A6 },      { "Pi", 0x3A0 },      { "Prime", 0x2033 },   { "Psi", 0x3A8 },
    { "Rho", 0x3A1 },      { "Scaron", 0x160 },  { "Sigma", 0x3A3 },    { "THORN", 0xDE },
    { "Tau", 0x3A4 },      { "Theta", 0x398 },   { "Uacute", 0xDA },    { "Ucirc", 0xDB },
    { "Ugrave", 0xD9 },    { "Upsilon", 0x3A5 }, { "Uuml", 0xDC },      { "Xi", 0x39E },
    { "Yacute", 0xDD },    { "Yuml", 0x178 },    { "Zeta", 0x396 },     { "aacute", 0xE1 },
    { "acirc", 0xE2 },     { "acute", 0xB4 },    { "aelig", 0xE6 },     { "agrave", 0xE0 },
    { "alefsym", 0x2135 }, { "alpha", 0x3B1 },   { "amp", 0x26 },       { "and", 0x2227 },
    { "ang", 0x2220 },     { "apos", 0x27 },     { "aring", 0xE5 },     { "asymp", 0x2248 },
    { "atilde", 0xE3 },    { "auml", 0xE4 },     { "bdquo", 0x201E },   { "beta", 0x3B2 },
    { "brvbar", 0xA6 },    { "bull", 0x2022 },   { "cap", 0x2229 },     { "ccedil", 0xE7 },
    { "cedil", 0xB8 },     { "cent", 0xA2 },     { "chi", 0x3C7 },      { "circ", 0x2C6 },
    { "clubs", 0x2663 },   { "cong", 0x2245 },   { "copy", 0xA9 },      { "crarr", 0x21B5 },
    { "cup", 0x222A },     { "curren", 0xA4 },   { "dArr", 0x21D3 },    { "dagger", 0x2020 },
    { "darr", 0x2193 },    { "deg", 0xB0 },      { "delta", 0x3B4 },    { "diams", 0x2666 },
    { "divide", 0xF7 },    { "eacute", 0xE9 },   { "ecirc", 0xEA },     { "egrave", 0xE8 },
    { "empty", 0x2205 },   { "emsp", 0x2003 },   { "ensp", 0x2002 },    { "epsilon", 0x3B5 },
    { "equiv", 0x2261 },   { "eta", 0x3B7 },     { "eth", 0xF0 },       { "euml", 0xEB },
    { "euro", 0x20AC },    { "exist", 0x2203 },  { "fnof", 0x192 },     { "forall", 0x2200 },
    { "frac12", 0xBD },    { "frac14", 0xBC },   { "frac34", 0xBE },    { "frasl", 0x2044 },
    { "gamma", 0x3B3 },    { "ge", 0x2265 },     { "gt", 0x3E },        { "hArr", 0x21D4 },
    { "harr", 0x2194 },    { "hearts", 0x2665 }, { "hellip", 0x2026 },  { "iacute", 0xED },
    { "icirc", 0xEE },     { "iexcl", 0xA1 },    { "igrave", 0xEC },    { "image", 0x2111 },
    { "infin", 0x221E },   { "int", 0x222B },    { "iota", 0x3B9 },     { "iquest", 0xBF },
    { "isin", 0x2208 },    { "iuml", 0xEF },     { "kappa", 0x3BA },    { "lArr", 0x21D0 },
    { "lambda", 0x3BB },   { "lang", 0x2329 },   { "laquo", 0xAB },     { "larr", 0x2190 },
    { "lceil", 0x2308 },   { "ldquo", 0x201C },  { "le", 0x2264 },      { "lfloor", 0x230A },
    { "lowast", 0x2217 },  { "loz", 0x25CA },    { "lrm", 0x200E },     { "lsaquo", 0x2039 },
    { "lsquo", 0x2018 },   { "lt", 0x3C },       { "macr", 0xAF },      { "mdash", 0x2014 },
    { "micro", 0xB5 },     { "middot", 0xB7 },   { "minus", 0x2212 },   { "mu", 0x3BC },
    { "nabla", 0x2207 },   { "nbsp", 0xA0 },     { "ndash", 0x2013 },   { "ne", 0x2260 },
    { "ni", 0x220B },      { "not", 0xAC },      { "notin", 0x2209 },   { "nsub", 0x2284 },
    { "ntilde", 0xF1 },    { "nu", 0x3BD },      { "oacute", 0xF3 },    { "ocirc", 0xF4 },
    { "oelig", 0x153 },    { "ograve", 0xF2 },   { "oline", 0x203E },   { "omega", 0x3C9 },
    { "omicron", 0x3BF },  { "oplus", 0x2295 },  { "or", 0x2228 },      { "ordf", 0xAA },
    { "ordm", 0xBA },      { "oslash", 0xF8 },   { "otilde", 0xF5 },    { "otimes", 0x2297 },
    { "ouml", 0xF6 },      { "para", 0xB6 },     { "part", 0x2202 },    { "permil", 0x2030 },
    { "perp", 0x22A5 },    { "phi", 0x3C6 },     { "pi", 0x3C0 },       { "piv", 0x3D6 },
    { "plusmn", 0xB1 },    { "pound", 0xA3 },    { "prime", 0x2032 },   { "prod", 0x220F },
    { "prop", 0x221D },    { "psi", 0x3C8 },     { "quot", 0x22 },      { "rArr", 0x21D2 },
    { "radic", 0x221A },   { "rang", 0x232A },   { "raquo", 0xBB },     { "rarr", 0x2192 },
    { "rceil", 0x2309 },   { "rdquo", 0x201D },  { "real", 0x211C },    { "reg", 0xAE },
    { "rfloor", 0x230B },  { "rho", 0x3C1 },     { "rlm", 0x200F },     { "rsaquo", 0x203A },
    { "rsquo", 0x2019 },   { "sbquo", 0x201A },  { "scaron", 0x161 },   { "sdot", 0x22C5 },
    { "sect", 0xA7 },      { "shy", 0xAD },      { "sigma", 0x3C3 },    { "sigmaf", 0x3C2 },
    { "sim", 0x223C },     { "spades", 0x2660 }, { "sub", 0x2282 },     { "sube", 0x2286 },
    { "sum", 0x2211 },     { "sup", 0x2283 },    { "sup1", 0xB9 },      { "sup2", 0xB2 },
    { "sup3", 0xB3 },      { "supe", 0x2287 },   { "szlig", 0xDF },     { "tau", 0x3C4 },
    { "there4", 0x2234 },  { "theta", 0x3B8 },   { "thetasym", 0x3D1 }, { "thinsp", 0x2009 },
    { "thorn", 0xFE },     { "tilde", 0x2DC },   { "times", 0xD7 },     { "trade", 0x2122 },
    { "uArr", 0x21D1 },    { "uacute", 0xFA },   { "uarr", 0x2191 },    { "ucirc", 0xFB },
    { "ugrave", 0xF9 },    { "uml", 0xA8 },      { "upsih", 0x3D2 },    { "upsilon", 0x3C5 },
    { "uuml", 0xFC },      { "weierp", 0x2118 }, { "xi", 0x3BE },       { "yacute", 0xFD },
    { "yen", 0xA5 },       { "yuml", 0xFF },     { "zeta", 0x3B6 },     { "zwj", 0x200D },
    { "zwnj", 0x200C },
};

static int entity_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const struct html_entity *)elem)->name);
}

/* Code points 0x80-0x9F in a numeric reference mean Windows-1252, as in the HTML spec. */
static const uint16_t cp1252_c1[32] = {
    0x20AC, 0x81,   0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x8D,   0x017D, 0x8F,   0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,   0x017E, 0x0178,
};

static int hex_val(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_alnum(unsigned char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9');
}

/* A numeric reference's value as HTML maps it: NUL, surrogates and values past U+10FFFF become
 * U+FFFD, the C1 range is read as Windows-1252. */
static int32_t numeric_ref_cp(uint32_t v)
{
    if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0xFFFD;
    if (v >= 0x80 && v <= 0x9F)
        return cp1252_c1[v - 0x80];
    return (int32_t)v;
}

/*
 * Decode the numeric reference whose body ('#' onwards, ';' excluded) is s[0..n). Returns 1 and
 * sets *cp, or 0 if the body is not a well-formed numeric reference.
 */
static int numeric_ref(const unsigned char *s, size_t n, int32_t *cp)
{
    size_t i = 1;
    int base = 10;
    if (i < n && (s[i] == 'x' || s[i] == 'X')) {
        base = 16;
        i++;
    }
    if (i == n)
        return 0;
    uint32_t v = 0;
    for (; i < n; i++) {
        int d = base == 16 ? hex_val(s[i]) : (s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -1);
        if (d < 0)
            return 0;
        /* Saturate: anything past U+10FFFF decodes to U+FFFD whatever its length. */
        v = v > 0x10FFFF ? v : v * (uint32_t)base + (uint32_t)d;
    }
    *cp = numeric_ref_cp(v);
    return 1;
}

/*
 * Decode the reference at s[0] == '&' (len bytes available). Returns the bytes it spans, ';'
 * included, and sets *cp; 0 when s does not start a known, well-formed reference.
 */
static size_t html_ref_decode(const char *s, size_t len, int32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s + 1;
    size_t avail = len - 1, n = 0;
    if (avail == 0)
        return 0;
    if (u[0] == '#') {
        n = 1;
        while (n < avail && n <= VG_HTML_REF_MAX && is_alnum(u[n]))
            n++;
        if (n > VG_HTML_REF_MAX || n == avail || u[n] != ';' || !numeric_ref(u, n, cp))
            return 0;
        return n + 2;
    }
    if (!is_alpha(u[0]))
        return 0;
    while (n < avail && n <= VG_HTML_REF_MAX && is_alnum(u[n]))
        n++;
    if (n > VG_HTML_REF_MAX || n == avail || u[n] != ';')
        return 0;
    char name[VG_HTML_REF_MAX + 1];
    memcpy(name, u, n);
    name[n] = '\0';
    const struct html_entity *e = bsearch(name, html_entities, VG_ARRAY_LEN(html_entities),
                                          sizeof(html_entities[0]), entity_cmp);
    if (!e)
        return 0;
    *cp = e->cp;
    return n + 2;
}

vg_status vg_html_unescape_buf(const char *s, size_t len, struct vg_buf *out)
{
    size_t start = out->len, i = 0;
    vg_status rc = VG_OK;
    while (i < len) {
        const char *amp = memchr(s + i, '&', len - i);
        size_t run = amp ? (size_t)(amp - (s + i)) : len - i;
        if (run && (rc = vg_buf_append(out, s + i, run)))
            goto fail;
        i += run;
        if (i == len)
            break;
        int32_t cp;
        size_t n = html_ref_decode(s + i, len - i, &cp);
        if (n == 0) {
            if ((rc = vg_buf_putc(out, '&')))
                goto fail;
            i++;
            continue;
        }
        char enc[4];
        if ((rc = vg_buf_append(out, enc, (size_t)vg_utf8_encode(cp, enc))))
            goto fail;
        i += n;
    }
    return VG_OK;
fail:
    out->len = start;
    if (out->data)
        out->data[start] = '\0';
    return rc;
}

/* ---- HTML fragment to text ------------------------------------------------------------------ */

struct html_text {
    struct vg_buf *out;
    size_t start;       /* where our text begins in out */
    int pending_breaks; /* line breaks owed before the next text (block boundaries) */
};

static int is_html_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static void trim_trailing_spaces(struct html_text *h)
{
    struct vg_buf *b = h->out;
    while (b->len > h->start && b->data[b->len - 1] == ' ')
        b->len--;
    if (b->data)
        b->data[b->len] = '\0';
}

/* Emit the line breaks owed by block boundaries, counting those a <br> already wrote, so
 * "a<br></p><p>b" gives one blank line, not two. Breaks owed at the very start are dropped. */
static vg_status flush_breaks(struct html_text *h)
{
    struct vg_buf *b = h->out;
    int want = h->pending_breaks;
    h->pending_breaks = 0;
    if (want == 0 || b->len == h->start)
        return VG_OK;
    trim_trailing_spaces(h);
    for (size_t i = b->len; i > h->start && b->data[i - 1] == '\n' && want > 0; i--)
        want--;
    for (; want > 0; want--) {
        vg_status rc = vg_buf_putc(b, '\n');
        if (rc)
            return rc;
    }
    return VG_OK;
}

/*
 * Append a run of character data: references decoded, then each run of HTML white space shown
 * as one space (none at a line start), as a browser renders it. &nbsp; is not HTML white space
 * and stays.
 */
static vg_status emit_text(struct html_text *h, const char *s, size_t n)
{
    struct vg_buf *b = h->out;
    size_t k = 0;
    if (n == 0)
        return VG_OK;
    while (k < n && is_html_space((unsigned char)s[k]))
        k++;
    vg_status rc;
    if (k < n && (rc = flush_breaks(h)))
        return rc;
    size_t from = b->len;
    if ((rc = vg_html_unescape_buf(s, n, b)))
        return rc;
    size_t w = from;
    for (size_t r = from; r < b->len; r++) {
        char c = b->data[r];
        if (is_html_space((unsigned char)c)) {
            if (w == h->start || b->data[w - 1] == ' ' || b->data[w - 1] == '\n')
                continue;
            c = ' ';
        }
        b->data[w++] = c;
    }
    b->len = w;
    b->data[w] = '\0';
    return VG_OK;
}

static int name_is(const char *name, size_t n, const char *want)
{
    size_t k = strlen(want);
    if (n != k)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != want[i])
            return 0;
    }
    return 1;
}

/* Line breaks a block element's start or end owes: 2 for a paragraph, 1 for other blocks. */
static int block_breaks(const char *name, size_t n)
{
    static const char *const blocks[] = { "div", "li", "ul", "ol", "blockquote", "pre", "tr",
                                          "h1",  "h2", "h3", "h4", "h5",         "h6" };
    if (name_is(name, n, "p"))
        return 2;
    for (size_t i = 0; i < VG_ARRAY_LEN(blocks); i++)
        if (name_is(name, n, blocks[i]))
            return 1;
    return 0;
}

/* Index just past the '>' closing the tag that starts at s[i] == '<', honouring quoted
 * attribute values ("<a title='x>y'>"); len when the tag is unterminated. */
static size_t tag_end(const char *s, size_t len, size_t i)
{
    char quote = 0;
    for (i++; i < len; i++) {
        char c = s[i];
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '>') {
            return i + 1;
        }
    }
    return len;
}

/* Index just past "</name ...>" searched case-insensitively from i; len if absent. Used to
 * drop the content of script and style, which is not text. */
static size_t skip_raw_element(const char *s, size_t len, size_t i, const char *name)
{
    size_t k = strlen(name);
    for (; i + 2 + k <= len; i++) {
        if (s[i] == '<' && s[i + 1] == '/' && name_is(s + i + 2, k, name) &&
            (i + 2 + k == len || !is_alnum((unsigned char)s[i + 2 + k])))
            return tag_end(s, len, i);
    }
    return len;
}

/* Index past a comment "<!-- ... -->" starting at i; len if unterminated. */
static size_t comment_end(const char *s, size_t len, size_t i)
{
    for (i += 4; i + 3 <= len; i++)
        if (s[i] == '-' && s[i + 1] == '-' && s[i + 2] == '>')
            return i + 3;
    return len;
}

/* 1 if the '<' at s[i] opens markup; otherwise ("a < b", "<3") it is text. */
static int starts_markup(const char *s, size_t len, size_t i)
{
    if (i + 1 >= len)
        return 0;
    unsigned char c = (unsigned char)s[i + 1];
    if (c == '!' || c == '?' || is_alpha(c))
        return 1;
    return c == '/' && i + 2 < len && is_alpha((unsigned char)s[i + 2]);
}

/* Apply the markup at s[i] == '<' (starts_markup() true) and set *next past it. */
static vg_status handle_markup(struct html_text *h, const char *s, size_t len, size_t i,
                               size_t *next)
{
    unsigned char c = (unsigned char)s[i + 1];
    if (c == '!' || c == '?') {
        int comment = i + 4 <= len && s[i + 2] == '-' && s[i + 3] == '-';
        *next = comment ? comment_end(s, len, i) : tag_end(s, len, i);
        return VG_OK;
    }
    int closing = c == '/';
    size_t p = i + 1 + (size_t)closing, name_start = p;
    while (p < len && is_alnum((unsigned char)s[p]))
        p++;
    const char *name = s + name_start;
    size_t n = p - name_start;
    size_t end = tag_end(s, len, i);
    int self_closing = s[end - 1] == '>' && s[end - 2] == '/';
    *next = end;
    if (name_is(name, n, "br")) {
        vg_status rc = flush_breaks(h);
        trim_trailing_spaces(h);
        return rc ? rc : vg_buf_putc(h->out, '\n');
    }
    if (!closing && !self_closing && (name_is(name, n, "script") || name_is(name, n, "style"))) {
        *next = skip_raw_element(s, len, end, name_is(name, n, "script") ? "script" : "style");
        return VG_OK;
    }
    int breaks = block_breaks(name, n);
    if (breaks > h->pending_breaks)
        h->pending_breaks = breaks;
    return VG_OK;
}

/* Bytes of white space (HTML white space or a no-break space) ending at d[end - 1]. */
static size_t space_before(const char *d, size_t from, size_t end)
{
    if (end > from && is_html_space((unsigned char)d[end - 1]))
        return 1;
    if (end - from >= 2 && (unsigned char)d[end - 2] == 0xC2 && (unsigned char)d[end - 1] == 0xA0)
        return 2;
    return 0;
}

/* Bytes of white space starting at d[i]. */
static size_t space_at(const char *d, size_t i, size_t end)
{
    if (i < end && is_html_space((unsigned char)d[i]))
        return 1;
    if (end - i >= 2 && (unsigned char)d[i] == 0xC2 && (unsigned char)d[i + 1] == 0xA0)
        return 2;
    return 0;
}

/* Remove white space, no-break spaces included, at both ends of our part of the buffer. */
static void trim_segment(struct html_text *h)
{
    struct vg_buf *b = h->out;
    size_t k;
    while ((k = space_before(b->data, h->start, b->len)) > 0)
        b->len -= k;
    size_t lead = h->start;
    while ((k = space_at(b->data, lead, b->len)) > 0)
        lead += k;
    if (lead > h->start) {
        memmove(b->data + h->start, b->data + lead, b->len - lead);
        b->len -= lead - h->start;
    }
    if (b->data)
        b->data[b->len] = '\0';
}

vg_status vg_html_to_text_buf(const char *s, size_t len, struct vg_buf *out)
{
    struct html_text h = { .out = out, .start = out->len, .pending_breaks = 0 };
    vg_status rc = VG_OK;
    size_t i = 0, text_from = 0;
    while (i < len) {
        const char *lt = memchr(s + i, '<', len - i);
        if (!lt)
            break;
        i = (size_t)(lt - s);
        if (!starts_markup(s, len, i)) {
            i++; /* a literal '<' stays in the current text run */
            continue;
        }
        size_t next;
        if ((rc = emit_text(&h, s + text_from, i - text_from)) ||
            (rc = handle_markup(&h, s, len, i, &next)))
            goto fail;
        i = text_from = next;
    }
    if (text_from < len && (rc = emit_text(&h, s + text_from, len - text_from)))
        goto fail;
    trim_segment(&h);
    return VG_OK;
fail:
    out->len = h.start;
    if (out->data)
        out->data[h.start] = '\0';
    return rc;
}
