/* SPDX-License-Identifier: Apache-2.0 */
/*
 * text_extract.c: hashtags, mentions and URLs in plain text, found the way the platforms mark
 * them. Readers use it when a source gives only the text (Fifth Tribe CSV, ActivityPub content
 * after vg_html_to_text_buf), so that every post carries its entities whatever its format.
 *
 * Rules (the span handed to the callback never includes '#' or the first '@'):
 *   hashtag  '#' at the start or after a non-word character other than '&' (the residue of
 *            "&#x27;"), then a letter, digit or '_' followed by letters, combining marks,
 *            digits, '_', ZWNJ or ZWJ (Persian); not all digits. Works for any script:
 *            "#الدولة_الإسلامية", "#liberté".
 *   mention  '@' at the start or after a non-word character, 1-50 of [A-Za-z0-9_], optionally
 *            "@host.tld" (fediverse handles). Longer runs are not handles; "a@b.c" (e-mail) is
 *            not a mention because '@' follows a word character.
 *   URL      "http://" or "https://" (any case) not after an ASCII letter or digit, up to white
 *            space; trailing punctuation . , ; : ! ? ) ] } ' " … ، ؛ ۔ » ” ’ 。 ， is dropped,
 *            except a ')' that closes a '(' inside the URL (Wikipedia links).
 * URLs are matched first and skipped whole, so "#frag" or "/@user" inside a URL is not a tag or
 * a mention. Invalid UTF-8 bytes are treated as non-word characters.
 */
#include <string.h>

#include <utf8proc.h>

#include "text.h"

#define VG_HANDLE_MAX 50

/* Decode the code point at s[i]; an invalid byte decodes as U+FFFD with length 1. */
static int next_cp(const char *s, size_t len, size_t i, int32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s + i;
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    int k = vg_utf8_decode(u, len - i, cp);
    if (k < 0) {
        *cp = 0xFFFD;
        return 1;
    }
    return k;
}

int vg_text_cp_is_word(int32_t c)
{
    switch (utf8proc_category(c)) {
        case UTF8PROC_CATEGORY_LU:
        case UTF8PROC_CATEGORY_LL:
        case UTF8PROC_CATEGORY_LT:
        case UTF8PROC_CATEGORY_LM:
        case UTF8PROC_CATEGORY_LO:
        case UTF8PROC_CATEGORY_MN:
        case UTF8PROC_CATEGORY_MC:
        case UTF8PROC_CATEGORY_ME:
        case UTF8PROC_CATEGORY_ND:
        case UTF8PROC_CATEGORY_NL:
        case UTF8PROC_CATEGORY_NO:
            return 1;
        default:
            return 0;
    }
}

/* Letters, marks, numbers and '_': what may not precede '#' or '@'. */
static int is_word_cp(int32_t c)
{
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_';
    return vg_text_cp_is_word(c);
}

enum tag_class {
    TAG_NONE,
    TAG_DIGIT,
    TAG_LETTER,
    TAG_MARK,
    TAG_JOINER
};

static enum tag_class tag_class(int32_t c)
{
    if (c < 0x80) {
        if (c >= '0' && c <= '9')
            return TAG_DIGIT;
        return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') ? TAG_LETTER
                                                                              : TAG_NONE;
    }
    if (c == 0x200C || c == 0x200D)
        return TAG_JOINER;
    switch (utf8proc_category(c)) {
        case UTF8PROC_CATEGORY_LU:
        case UTF8PROC_CATEGORY_LL:
        case UTF8PROC_CATEGORY_LT:
        case UTF8PROC_CATEGORY_LM:
        case UTF8PROC_CATEGORY_LO:
            return TAG_LETTER;
        case UTF8PROC_CATEGORY_MN:
        case UTF8PROC_CATEGORY_MC:
        case UTF8PROC_CATEGORY_ME:
            return TAG_MARK;
        case UTF8PROC_CATEGORY_ND:
            return TAG_DIGIT;
        default:
            return TAG_NONE;
    }
}

static int is_space_cp(int32_t c)
{
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
           c == 0x205F || c == 0x3000;
}

static int is_trailing_punct(int32_t c)
{
    switch (c) {
        case '.':
        case ',':
        case ';':
        case ':':
        case '!':
        case '?':
        case ')':
        case ']':
        case '}':
        case '\'':
        case '"':
        case 0x2026: /* … (truncated retweets) */
        case 0x060C: /* Arabic comma */
        case 0x061B: /* Arabic semicolon */
        case 0x06D4: /* Urdu full stop */
        case 0x00BB: /* » */
        case 0x201D: /* ” */
        case 0x2019: /* ’ */
        case 0x3002: /* 。 */
        case 0xFF0C: /* ， */
            return 1;
        default:
            return 0;
    }
}

/* Length of the hashtag body at s[i] (after '#'), or 0 if there is none. */
static size_t hashtag_len(const char *s, size_t len, size_t i)
{
    size_t j = i;
    int has_letter = 0;
    while (j < len) {
        int32_t c;
        int k = next_cp(s, len, j, &c);
        enum tag_class cls = tag_class(c);
        /* A body starts with a letter, digit or '_', and marks alone do not make it more than
         * digits: the keycaps "#\uFE0F\u20E3" and "#1\uFE0F\u20E3" are no tags. */
        if (cls == TAG_NONE || (j == i && cls != TAG_LETTER && cls != TAG_DIGIT))
            break;
        has_letter |= cls == TAG_LETTER;
        j += (size_t)k;
    }
    return has_letter ? j - i : 0;
}

static int is_handle_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static int is_host_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

/* Length of "@host.tld" at s[i] == '@' for a fediverse handle (labels of [A-Za-z0-9-], at
 * least two, a final '.' left out), or 0. */
static size_t fedi_host_len(const char *s, size_t len, size_t i)
{
    size_t j = i + 1, end = 0;
    int labels = 0;
    for (;;) {
        size_t l = j;
        while (l < len && is_host_char((unsigned char)s[l]))
            l++;
        if (l == j)
            break;
        labels++;
        end = l;
        if (l + 1 >= len || s[l] != '.' || !is_host_char((unsigned char)s[l + 1]))
            break;
        j = l + 1;
    }
    return labels >= 2 ? end - i : 0;
}

/* Length of the mention at s[i] (after '@'), or 0. */
static size_t mention_len(const char *s, size_t len, size_t i)
{
    size_t j = i;
    while (j < len && is_handle_char((unsigned char)s[j]))
        j++;
    if (j == i || j - i > VG_HANDLE_MAX)
        return 0;
    if (j < len && s[j] == '@')
        j += fedi_host_len(s, len, j);
    return j - i;
}

static char ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c + ('a' - 'A')) : c;
}

static size_t scheme_len(const char *s, size_t len, size_t i)
{
    static const char *const schemes[] = { "https://", "http://" };
    for (size_t k = 0; k < VG_ARRAY_LEN(schemes); k++) {
        size_t n = strlen(schemes[k]);
        if (len - i < n)
            continue;
        size_t m = 0;
        while (m < n && ascii_lower(s[i + m]) == schemes[k][m])
            m++;
        if (m == n)
            return n;
    }
    return 0;
}

/* Start of the code point that ends at s[end - 1]. */
static size_t last_cp_start(const char *s, size_t from, size_t end)
{
    size_t p = end - 1;
    while (p > from && end - p < 4 && ((unsigned char)s[p] & 0xC0) == 0x80)
        p--;
    return p;
}

/* Length of the URL at s[i], or 0. */
static size_t url_len(const char *s, size_t len, size_t i)
{
    size_t sl = scheme_len(s, len, i);
    if (sl == 0)
        return 0;
    size_t end = i + sl;
    long opens = 0, closes = 0;
    while (end < len) {
        int32_t c;
        int k = next_cp(s, len, end, &c);
        if (is_space_cp(c))
            break;
        opens += c == '(';
        closes += c == ')';
        end += (size_t)k;
    }
    while (end > i + sl) {
        size_t p = last_cp_start(s, i + sl, end);
        int32_t c;
        if (next_cp(s, len, p, &c) != (int)(end - p) || !is_trailing_punct(c))
            break;
        if (c == ')') {
            if (closes <= opens)
                break; /* it closes a '(' of the URL */
            closes--;
        }
        end = p;
    }
    return end > i + sl ? end - i : 0;
}

static int is_ascii_alnum(int32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

long vg_text_extract(const char *s, size_t len, vg_entity_fn fn, void *ud)
{
    long found = 0;
    int32_t prev = ' '; /* the code point before i; the start of text counts as a space */
    size_t i = 0;
    while (i < len) {
        unsigned char b = (unsigned char)s[i];
        enum vg_entity_kind kind = VG_ENTITY_URL;
        size_t skip = 0, n = 0;
        if ((b == 'h' || b == 'H') && !is_ascii_alnum(prev)) {
            n = url_len(s, len, i);
        } else if (b == '#' && !is_word_cp(prev) && prev != '&') {
            kind = VG_ENTITY_HASHTAG;
            skip = 1;
            n = hashtag_len(s, len, i + 1);
        } else if (b == '@' && !is_word_cp(prev)) {
            kind = VG_ENTITY_MENTION;
            skip = 1;
            n = mention_len(s, len, i + 1);
        }
        if (n == 0) {
            i += (size_t)next_cp(s, len, i, &prev);
            continue;
        }
        if (fn) {
            vg_status rc = fn(kind, s + i + skip, n, ud);
            if (rc < 0)
                return rc;
        }
        found++;
        size_t end = i + skip + n;
        next_cp(s, len, last_cp_start(s, i, end), &prev);
        i = end;
    }
    return found;
}
