/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ingest_json.c: the JSON parser of the ingest driver. It builds the trees cJSON builds (struct
 * cJSON nodes with the same types, values and links: child, next, and prev, the first child's
 * prev pointing at the last child) so every reader keeps using cJSON's accessors, but it takes
 * the nodes and strings from an arena in large chunks, and the driver frees a whole document by
 * resetting that arena.
 *
 * Why our own: the house rule is to use a library unless it is measured too slow. It was:
 * profiling `vigie ingest` put cJSON's parse and cJSON_Delete at about 30 % of ingest time,
 * because cJSON mallocs every node and every string and frees them one by one (a generated 3 KB
 * tweet has about 110 nodes, nearly all with a key). cJSON's allocation hooks cannot fix that:
 * they are process-wide and have no free-all. bench/bench_ingest, 100,000 generated 3 KB v1.1
 * tweets, median of 3, one run on the shared 2-core machine (2026-11-23): cJSON parse + delete
 * 96,670 tweets/s, this parser 182,887 (1.89x; 2.8x in a loop parsing the same lines twice in one
 * process); the driver with the v1.1 reader and text stage went from 73,989 to 114,923 tweets/s,
 * and ingest into SQLite from 31,895 to 38,908 (docs/ingest.md#speed-and-memory has the rest).
 *
 * What it accepts is what the driver accepted with cJSON 1.7.15 as Debian 12 ships it
 * (1.7.15-1+deb12u4, whose fix for CVE-2023-26819 reads numbers of any length), checked by the
 * differential fuzz target tests/fuzz/fuzz_json.c, so that changing parser changes no record's
 * fate. That includes cJSON's leniencies, which are not RFC 8259:
 *   - between tokens, any byte up to 0x20 is white space (NUL, form feed, control characters);
 *     after the value only JSON's four are allowed (the driver has always required that);
 *   - a UTF-8 byte order mark is skipped at the start when the input has 5 bytes or more;
 *   - a number is the run of bytes 0-9 + - . e E that follows, of which strtod takes what it
 *     can: "01", "1.", "-.5" and "1.e5" are numbers, "1e" and "1e+" are 1 followed by garbage,
 *     "-" alone is an error;
 *   - raw control characters and invalid UTF-8 inside strings are kept as they are (the readers
 *     validate UTF-8 per field), and "\u" with a non-hex digit among its four stands for U+0000;
 *   - a lone or mismatched UTF-16 surrogate in "\u" escapes is an error;
 *   - duplicate keys are all kept, in order.
 * Numbers go through strtod on a NUL-terminated copy of the token, as in cJSON (with the locale's
 * decimal point, as cJSON does), so valuedouble is bit-identical; integers of up to 18 digits
 * without fraction or exponent are converted directly, which gives the same double since both
 * round the exact value to nearest. valueint saturates at INT_MIN and INT_MAX like cJSON's.
 *
 * Error positions point at the offending byte. They match cJSON's except in two places: an
 * object key that is not a string (cJSON pointed at the byte after it) and data after the value
 * (the driver pointed at the byte right after the value, often white space). Whether a failed input
 * was cut short is decided as the driver always did (unclosed() below).
 *
 * Memory: nodes (64 bytes) and strings are bump-allocated from VG_JSON_CHUNK chunks of the
 * caller's arena; a tree takes about 3.2 to 3.5 bytes per byte of real tweets and 2.2 of
 * pretty-printed Mastodon JSON, and at worst 32 ("[0,0,0,...]"). The arena's limit turns a tree
 * that would pass it into VG_ELIMIT, never into the machine running out of memory.
 */
#include <limits.h>
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest_json.h"

_Static_assert(sizeof(cJSON) % 8 == 0, "nodes keep the chunk 8-byte aligned");

struct parser {
    const char *s;
    size_t len;
    size_t pos;   /* next byte to read */
    size_t depth; /* arrays and objects open */
    char *cur;    /* free part of the current chunk: cur[0..left), cur 8-byte aligned */
    size_t left;
    struct vg_arena *arena;
    int point;    /* the locale's decimal point, -1 until a number needs strtod */
    vg_status rc; /* the first failure, VG_OK until then */
    size_t err;   /* where it happened */
};

/* 1 for the bytes cJSON copies into a number token. */
static const unsigned char num_byte[256] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
    ['8'] = 1, ['9'] = 1, ['+'] = 1, ['-'] = 1, ['.'] = 1, ['e'] = 1, ['E'] = 1,
};

/* Record the first failure; err is clamped to the last byte as cJSON does at the end. */
static int fail(struct parser *p, vg_status rc, size_t at)
{
    if (p->rc == VG_OK) {
        p->rc = rc;
        p->err = at < p->len ? at : (p->len ? p->len - 1 : 0);
    }
    return 0;
}

/*
 * 1 if s ends inside a JSON value: an open string, or more '{'/'[' opened than closed. This tells
 * a value cut short (or the first line of a pretty-printed document) from a malformed one, which
 * the error position alone does not: it points at the last byte in both cases.
 */
static int unclosed(const char *s, size_t len)
{
    long depth = 0;
    int in_str = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = 0;
        } else if (c == '"') {
            in_str = 1;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return in_str || depth > 0;
}

/* ---- memory -------------------------------------------------------------------------------- */

/*
 * Between `need` and `want` bytes (multiples of 8) from the arena: as many as its limit allows.
 * Checking the limit here tells VG_ELIMIT (a document too big) from VG_ENOMEM.
 */
static char *arena_take(struct parser *p, size_t need, size_t want, size_t *got)
{
    struct vg_arena *a = p->arena;
    size_t room = a->used_total < a->max ? (a->max - a->used_total) & ~(size_t)7 : 0;
    size_t size = want < room ? want : room;
    if (size < need) {
        fail(p, VG_ELIMIT, p->pos);
        return NULL;
    }
    char *c = vg_arena_alloc(a, size);
    if (!c) {
        fail(p, VG_ENOMEM, p->pos);
        return NULL;
    }
    *got = size;
    return c;
}

static size_t align8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

/* A new chunk with at least `need` bytes; what was left of the old one is abandoned. */
static int refill(struct parser *p, size_t need)
{
    need = align8(need);
    char *c = arena_take(p, need, need > VG_JSON_CHUNK ? need : VG_JSON_CHUNK, &p->left);
    if (!c)
        return 0;
    p->cur = c;
    return 1;
}

static cJSON *new_node(struct parser *p)
{
    if (p->left < sizeof(cJSON) && !refill(p, sizeof(cJSON)))
        return NULL;
    cJSON *n = (cJSON *)(void *)p->cur;
    p->cur += sizeof(cJSON);
    p->left -= sizeof(cJSON);
    memset(n, 0, sizeof(*n));
    return n;
}

/*
 * Room for a string of at most n bytes (NUL included), to be given back with string_done once
 * its real length is known. A long string gets its own allocation so that the current chunk is
 * not abandoned for it.
 */
static char *string_room(struct parser *p, size_t n, int *in_chunk)
{
    *in_chunk = 1;
    if (p->left >= n)
        return p->cur;
    if (n > VG_JSON_CHUNK / 4) {
        size_t got;
        *in_chunk = 0;
        return arena_take(p, align8(n), align8(n), &got);
    }
    return refill(p, n) ? p->cur : NULL;
}

static void string_done(struct parser *p, int in_chunk, size_t used)
{
    if (in_chunk) {
        /* The chunk's free size is a multiple of 8, so the aligned size still fits. */
        size_t n = align8(used);
        p->cur += n;
        p->left -= n;
    }
}

/* ---- values -------------------------------------------------------------------------------- */

/* Skip what cJSON skips between tokens: every byte up to 0x20. */
static size_t skip_ws(const struct parser *p, size_t i)
{
    while (i < p->len && (unsigned char)p->s[i] <= ' ')
        i++;
    return i;
}

/*
 * Index of the first '"' or '\\' at or after i, or len: eight bytes at a time while it can (a byte
 * of v ^ c is zero where v has c; the lowest flagged byte of the zero test is exact).
 */
static size_t find_quote_or_backslash(const char *s, size_t i, size_t len)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    while (len - i >= 8) {
        uint64_t v;
        memcpy(&v, s + i, 8);
        uint64_t q = v ^ (ones * '"'), b = v ^ (ones * '\\');
        uint64_t hit = ((q - ones) & ~q & highs) | ((b - ones) & ~b & highs);
        if (hit) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            return i + (size_t)__builtin_ctzll(hit) / 8;
#else
            break;
#endif
        }
        i += 8;
    }
    while (i < len && s[i] != '"' && s[i] != '\\')
        i++;
    return i;
}

/* cJSON's parse_hex4: the value of four hex digits, or 0 if any of them is not one. */
static unsigned hex4(const unsigned char *h)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned c = h[i], d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else
            return 0;
        v = v << 4 | d;
    }
    return v;
}

/*
 * The "\uXXXX" escape (or surrogate pair) at r, the string's closing quote at end: writes its
 * UTF-8 at *o and returns the bytes it took (6 or 12), or 0 if it is invalid.
 */
static size_t utf16_escape(const unsigned char *r, const unsigned char *end, char **o)
{
    if (end - r < 6)
        return 0;
    uint32_t cp = hex4(r + 2);
    size_t used = 6;
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return 0; /* a low surrogate first */
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        const unsigned char *r2 = r + 6;
        if (end - r2 < 6 || r2[0] != '\\' || r2[1] != 'u')
            return 0;
        uint32_t lo = hex4(r2 + 2);
        if (lo < 0xDC00 || lo > 0xDFFF)
            return 0;
        cp = 0x10000 + (((cp & 0x3FF) << 10) | (lo & 0x3FF));
        used = 12;
    }
    unsigned char *u = (unsigned char *)*o;
    if (cp < 0x80) {
        u[0] = (unsigned char)cp;
        *o += 1;
    } else if (cp < 0x800) {
        u[0] = (unsigned char)(0xC0 | cp >> 6);
        u[1] = (unsigned char)(0x80 | (cp & 0x3F));
        *o += 2;
    } else if (cp < 0x10000) {
        u[0] = (unsigned char)(0xE0 | cp >> 12);
        u[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        u[2] = (unsigned char)(0x80 | (cp & 0x3F));
        *o += 3;
    } else {
        u[0] = (unsigned char)(0xF0 | cp >> 18);
        u[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
        u[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        u[3] = (unsigned char)(0x80 | (cp & 0x3F));
        *o += 4;
    }
    return used;
}

/*
 * Unescape s[from..end) (end is the closing quote) into out, as cJSON does: escapes are taken in
 * order from the left, "\u" always takes six bytes (so it may swallow a backslash the scan saw as
 * escaping the next byte). Returns the output length, or (size_t)-1 with the error recorded.
 */
static size_t unescape(struct parser *p, size_t from, size_t end, char *out)
{
    const char *s = p->s;
    const char *r = s + from, *e = s + end;
    char *o = out;
    while (r < e) {
        if (*r != '\\') {
            /* Copy up to the next escape (often right there: "\u0623\u0645..."). */
            const char *bs = memchr(r, '\\', (size_t)(e - r));
            if (!bs) {
                memcpy(o, r, (size_t)(e - r));
                o += e - r;
                break;
            }
            memcpy(o, r, (size_t)(bs - r));
            o += bs - r;
            r = bs;
        }
        /* r < e, so r[1] is at most the closing quote. */
        switch (r[1]) {
            case 'b':
                *o++ = '\b';
                break;
            case 'f':
                *o++ = '\f';
                break;
            case 'n':
                *o++ = '\n';
                break;
            case 'r':
                *o++ = '\r';
                break;
            case 't':
                *o++ = '\t';
                break;
            case '"':
            case '\\':
            case '/':
                *o++ = r[1];
                break;
            case 'u': {
                size_t used = utf16_escape((const unsigned char *)r, (const unsigned char *)e, &o);
                if (!used) {
                    fail(p, VG_EPARSE, (size_t)(r - s));
                    return (size_t)-1;
                }
                r += used;
                continue;
            }
            default:
                fail(p, VG_EPARSE, (size_t)(r - s));
                return (size_t)-1;
        }
        r += 2;
    }
    *o = '\0';
    return (size_t)(o - out);
}

/* The string literal at s[pos] == '"', copied into the arena; pos moves past its closing quote. */
static char *parse_string(struct parser *p)
{
    const char *s = p->s;
    size_t start = p->pos + 1, q = start;
    int escaped = 0;
    for (;;) {
        q = find_quote_or_backslash(s, q, p->len);
        if (q < p->len && s[q] == '"')
            break;
        if (q + 1 >= p->len) {
            /* No closing quote, or a backslash as the last byte: cJSON points after the quote. */
            fail(p, VG_EPARSE, start);
            return NULL;
        }
        escaped = 1;
        q += 2; /* a backslash escapes the next byte, whatever it is */
    }
    /* The output is never longer than the literal: every escape shrinks or keeps its size. */
    size_t n = q - start;
    int in_chunk;
    char *out = string_room(p, n + 1, &in_chunk);
    if (!out)
        return NULL;
    if (!escaped) {
        memcpy(out, s + start, n);
        out[n] = '\0';
    } else if ((n = unescape(p, start, q, out)) == (size_t)-1) {
        return NULL;
    }
    string_done(p, in_chunk, n + 1);
    p->pos = q + 1;
    return out;
}

static int saturate(double d)
{
    if (d >= INT_MAX)
        return INT_MAX;
    if (d <= (double)INT_MIN)
        return INT_MIN;
    return (int)d;
}

/*
 * cJSON's parse_number: strtod on a NUL-terminated copy of the whole run of number bytes, with
 * '.' replaced by the locale's decimal point as cJSON does. A run too long for the stack buffer
 * is copied into the free part of the chunk, which is not kept.
 */
static int number_strtod(struct parser *p, double *out)
{
    const char *s = p->s;
    size_t i = p->pos, n = 0;
    while (i + n < p->len && num_byte[(unsigned char)s[i + n]])
        n++;
    char small[64], *buf = small;
    int in_chunk;
    if (n >= sizeof(small) && !(buf = string_room(p, n + 1, &in_chunk)))
        return 0;
    memcpy(buf, s + i, n);
    buf[n] = '\0';
    char *dot = memchr(buf, '.', n);
    if (dot) {
        if (p->point < 0)
            p->point = (unsigned char)localeconv()->decimal_point[0];
        for (; dot; dot = memchr(dot + 1, '.', (size_t)(buf + n - dot - 1)))
            *dot = (char)p->point;
    }
    char *end;
    double d = strtod(buf, &end);
    if (end == buf)
        return fail(p, VG_EPARSE, i);
    p->pos = i + (size_t)(end - buf);
    *out = d;
    return 1;
}

static int parse_number(struct parser *p, cJSON *node)
{
    const char *s = p->s;
    size_t j = p->pos, len = p->len;
    int neg = s[j] == '-';
    j += (size_t)neg;
    size_t first = j;
    uint64_t u = 0;
    while (j < len && j - first < 19 && (unsigned)(s[j] - '0') < 10)
        u = u * 10 + (uint64_t)(s[j++] - '0');
    double d;
    if (j > first && j - first <= 18 && (j >= len || !num_byte[(unsigned char)s[j]])) {
        /* Below 10^18 the conversion is exact to the nearest double, as strtod's. */
        d = (double)(int64_t)u;
        if (neg)
            d = -d; /* "-0" is -0.0, as from strtod */
        p->pos = j;
    } else if (!number_strtod(p, &d)) {
        return 0;
    }
    node->type = cJSON_Number;
    node->valuedouble = d;
    node->valueint = saturate(d);
    return 1;
}

static int parse_value(struct parser *p, cJSON *node);

/* Append child after last (NULL: child is the first) under a container being built. */
static cJSON *link_child(cJSON **head, cJSON *last, cJSON *child)
{
    if (last) {
        last->next = child;
        child->prev = last;
    } else {
        *head = child;
    }
    return child;
}

static int open_container(struct parser *p, cJSON *node, int type)
{
    if (p->depth >= VG_JSON_DEPTH_MAX)
        return fail(p, VG_EPARSE, p->pos); /* the bracket one level too deep */
    p->depth++;
    node->type = type;
    p->pos = skip_ws(p, p->pos + 1);
    return 1;
}

/* At the closing bracket of a container whose children are head..last (or none). */
static void close_container(struct parser *p, cJSON *node, cJSON *head, cJSON *last)
{
    if (head)
        head->prev = last; /* cJSON's shortcut from the first child to the last */
    node->child = head;
    p->pos++;
    p->depth--;
}

static int parse_array(struct parser *p, cJSON *node)
{
    if (!open_container(p, node, cJSON_Array))
        return 0;
    const char *s = p->s;
    cJSON *head = NULL, *last = NULL;
    int more = p->pos >= p->len || s[p->pos] != ']';
    while (more) {
        cJSON *c = new_node(p);
        if (!c)
            return 0;
        last = link_child(&head, last, c);
        if (!parse_value(p, c))
            return 0;
        p->pos = skip_ws(p, p->pos);
        more = p->pos < p->len && s[p->pos] == ',';
        if (more)
            p->pos = skip_ws(p, p->pos + 1);
    }
    if (p->pos >= p->len || s[p->pos] != ']')
        return fail(p, VG_EPARSE, p->pos);
    close_container(p, node, head, last);
    return 1;
}

static int parse_object(struct parser *p, cJSON *node)
{
    if (!open_container(p, node, cJSON_Object))
        return 0;
    const char *s = p->s;
    cJSON *head = NULL, *last = NULL;
    int more = p->pos >= p->len || s[p->pos] != '}';
    while (more) {
        if (p->pos >= p->len || s[p->pos] != '"')
            return fail(p, VG_EPARSE, p->pos); /* a key must be a string */
        cJSON *c = new_node(p);
        if (!c)
            return 0;
        last = link_child(&head, last, c);
        if (!(c->string = parse_string(p)))
            return 0;
        p->pos = skip_ws(p, p->pos);
        if (p->pos >= p->len || s[p->pos] != ':')
            return fail(p, VG_EPARSE, p->pos);
        p->pos = skip_ws(p, p->pos + 1);
        if (!parse_value(p, c))
            return 0;
        p->pos = skip_ws(p, p->pos);
        more = p->pos < p->len && s[p->pos] == ',';
        if (more)
            p->pos = skip_ws(p, p->pos + 1);
    }
    if (p->pos >= p->len || s[p->pos] != '}')
        return fail(p, VG_EPARSE, p->pos);
    close_container(p, node, head, last);
    return 1;
}

/* The value at p->pos (white space already skipped) into node. */
static int parse_value(struct parser *p, cJSON *node)
{
    const char *s = p->s;
    size_t i = p->pos;
    if (i >= p->len)
        return fail(p, VG_EPARSE, i);
    size_t avail = p->len - i;
    switch (s[i]) {
        case '"':
            node->type = cJSON_String;
            return (node->valuestring = parse_string(p)) != NULL;
        case '{':
            return parse_object(p, node);
        case '[':
            return parse_array(p, node);
        case 'n':
            if (avail < 4 || memcmp(s + i, "null", 4))
                return fail(p, VG_EPARSE, i);
            node->type = cJSON_NULL;
            p->pos += 4;
            return 1;
        case 't':
            if (avail < 4 || memcmp(s + i, "true", 4))
                return fail(p, VG_EPARSE, i);
            node->type = cJSON_True;
            node->valueint = 1;
            p->pos += 4;
            return 1;
        case 'f':
            if (avail < 5 || memcmp(s + i, "false", 5))
                return fail(p, VG_EPARSE, i);
            node->type = cJSON_False;
            p->pos += 5;
            return 1;
        case '-':
        case '0':
        case '1':
        case '2':
        case '3':
        case '4':
        case '5':
        case '6':
        case '7':
        case '8':
        case '9':
            return parse_number(p, node);
        default:
            return fail(p, VG_EPARSE, i);
    }
}

vg_status vg__json_parse(const char *s, size_t len, struct vg_arena *arena, cJSON **out,
                         size_t *err_pos, int *incomplete)
{
    struct parser p = { .s = s, .len = len, .arena = arena, .point = -1, .rc = VG_OK };
    *out = NULL;
    *err_pos = 0;
    *incomplete = 0;
    if (len >= 5 && !memcmp(s, "\xEF\xBB\xBF", 3))
        p.pos = 3;
    p.pos = skip_ws(&p, p.pos);
    cJSON *root = new_node(&p);
    if (!root || !parse_value(&p, root))
        goto fail;
    /* After the value, only JSON's own white space. */
    size_t end = p.pos;
    while (end < len && (s[end] == ' ' || s[end] == '\t' || s[end] == '\n' || s[end] == '\r'))
        end++;
    if (end < len) {
        /* A whole value with more after it is malformed, never cut short, whatever follows
         * (a line of a pretty-printed document: "key": {). */
        *err_pos = end;
        return VG_EPARSE;
    }
    *out = root;
    return VG_OK;

fail:
    *err_pos = p.err;
    *incomplete = p.rc == VG_EPARSE && unclosed(s, len);
    return p.rc;
}
