/* SPDX-License-Identifier: Apache-2.0 */
/*
 * text_url.c: the canonical form of a URL, so that the links of a propaganda network match
 * whatever tracking parameters, letter case or encoding each account's copy carries. The
 * detect stage matches canonical URLs against lists and counts shared links with them; the
 * domain of a URL (vg_url_domain_buf) feeds the domain statistics and lists.
 *
 * Canonical form, for absolute http(s) URLs of at most 8 KiB (the canonical form too):
 *   - scheme and host lower-cased; an IDN host in punycode (libidn2, UTS #46 non-transitional);
 *     trailing dots of the host removed; user:password@ dropped; the default port dropped;
 *   - '\' read as '/' (as browsers do for http, so "http://evil.example\@good.example" is
 *     evil.example's);
 *   - percent-encoding: unreserved characters (A-Z a-z 0-9 - . _ ~) decoded, other escapes in
 *     upper case, spaces, controls, non-ASCII bytes and " < > ` { } | ^ encoded;
 *   - "." and ".." path segments resolved; an empty path is "/";
 *   - tracking query parameters removed (utm_*, fbclid, gclid, ..., see is_tracking_param),
 *     others kept in order; no '?' when none is left; the fragment dropped.
 * Hosts are not rewritten otherwise: twitter.com, mobile.twitter.com and x.com stay distinct,
 * and "www." is kept (only vg_url_domain_buf drops it).
 */
#include <string.h>

#include <idn2.h>

#include "text.h"

/* Longest URL accepted, and longest canonical form produced: escaping can triple a URL, and a
 * canonical form that could not be canonicalised again would break idempotence. */
#define VG_URL_MAX 8192
/* Longest host accepted, raw (before punycode) and as a DNS name. */
#define VG_HOST_RAW_MAX 1024
#define VG_HOST_MAX     253

struct url_parts {
    int https;
    const char *host; /* host text as written (may be percent-encoded, IDN, [IPv6]) */
    size_t host_len;
    long port;        /* -1 when absent */
    const char *path; /* from the first '/' or '\' up to '?' or '#'; may be empty */
    size_t path_len;
    const char *query; /* after '?' up to '#'; NULL when there is no '?' */
    size_t query_len;
};

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c + ('a' - 'A')) : c;
}

static int hex_val(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = lower(c);
    return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

static int prefix_ci(const char *s, size_t len, const char *want)
{
    size_t n = strlen(want);
    if (len < n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lower(s[i]) != want[i])
            return 0;
    return 1;
}

static int equal_ci(const char *s, size_t len, const char *want)
{
    return strlen(want) == len && prefix_ci(s, len, want);
}

/* Parse "[:port]" text after the host. */
static vg_status parse_port(const char *s, size_t n, long *port)
{
    *port = -1;
    if (n == 0)
        return VG_OK;
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return VG_EPARSE;
        v = v * 10 + (s[i] - '0');
        if (v > 65535)
            return VG_EPARSE;
    }
    *port = v;
    return VG_OK;
}

/* Split the authority (after "//", user info already dropped) into host and port. */
static vg_status split_host_port(const char *a, size_t n, struct url_parts *p)
{
    size_t host_end;
    if (n > 0 && a[0] == '[') {
        const char *rb = memchr(a, ']', n);
        if (!rb)
            return VG_EPARSE;
        host_end = (size_t)(rb - a) + 1;
        if (host_end < n && a[host_end] != ':')
            return VG_EPARSE;
    } else {
        const char *colon = memchr(a, ':', n);
        host_end = colon ? (size_t)(colon - a) : n;
    }
    p->host = a;
    p->host_len = host_end;
    if (host_end == 0)
        return VG_EPARSE;
    size_t port_at = host_end < n ? host_end + 1 : n;
    return parse_port(a + port_at, n - port_at, &p->port);
}

static vg_status url_split(const char *u, size_t len, struct url_parts *p)
{
    /* Surrounding spaces and controls are not part of a URL (WHATWG strips them too). */
    while (len > 0 && (unsigned char)u[0] <= 0x20)
        u++, len--;
    while (len > 0 && (unsigned char)u[len - 1] <= 0x20)
        len--;
    size_t i;
    if (prefix_ci(u, len, "https://")) {
        p->https = 1;
        i = 8;
    } else if (prefix_ci(u, len, "http://")) {
        p->https = 0;
        i = 7;
    } else {
        return VG_EPARSE;
    }
    size_t auth = i;
    while (i < len && u[i] != '/' && u[i] != '\\' && u[i] != '?' && u[i] != '#')
        i++;
    const char *a = u + auth;
    size_t alen = i - auth;
    for (size_t k = alen; k > 0; k--) {
        if (a[k - 1] == '@') { /* drop "user:password@" */
            a += k;
            alen -= k;
            break;
        }
    }
    vg_status rc = split_host_port(a, alen, p);
    if (rc)
        return rc;
    p->path = u + i;
    while (i < len && u[i] != '?' && u[i] != '#')
        i++;
    p->path_len = (size_t)(u + i - p->path);
    p->query = NULL;
    p->query_len = 0;
    if (i < len && u[i] == '?') {
        p->query = u + i + 1;
        while (i < len && u[i] != '#')
            i++;
        p->query_len = (size_t)(u + i - p->query);
    }
    return VG_OK;
}

/* ---- host ----------------------------------------------------------------------------------- */

static int is_host_ascii(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

static vg_status check_ipv6(const char *h, size_t n)
{
    int colons = 0;
    for (size_t i = 1; i + 1 < n; i++) {
        char c = h[i];
        colons += c == ':';
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == ':' || c == '.'))
            return VG_EPARSE;
    }
    return colons >= 2 ? VG_OK : VG_EPARSE;
}

/* Check a lower-case ASCII host name: allowed characters, no empty label. */
static vg_status check_host_name(const char *h, size_t n)
{
    if (n == 0 || n > VG_HOST_MAX || h[0] == '.')
        return VG_EPARSE;
    for (size_t i = 0; i < n; i++) {
        if (!is_host_ascii(h[i]) || (h[i] == '.' && i + 1 < n && h[i + 1] == '.'))
            return VG_EPARSE;
    }
    return VG_OK;
}

/*
 * Write the canonical host into host[] (VG_HOST_RAW_MAX + 1 bytes), NUL-terminated, and its
 * length in *n: percent-escapes decoded, IDN to punycode, lower case, trailing dots removed.
 */
static vg_status host_canon(const struct url_parts *p, char *host, size_t *n)
{
    if (p->host_len > VG_HOST_RAW_MAX)
        return VG_EPARSE;
    size_t k = 0;
    int non_ascii = 0;
    for (size_t i = 0; i < p->host_len; i++) {
        char c = p->host[i];
        if (c == '%' && i + 2 < p->host_len && hex_val(p->host[i + 1]) >= 0 &&
            hex_val(p->host[i + 2]) >= 0) {
            c = (char)(hex_val(p->host[i + 1]) * 16 + hex_val(p->host[i + 2]));
            i += 2;
        }
        if (c == '\0')
            return VG_EPARSE;
        non_ascii |= (unsigned char)c >= 0x80;
        host[k++] = lower(c);
    }
    host[k] = '\0';
    if (host[0] == '[') {
        *n = k;
        return check_ipv6(host, k);
    }
    if (non_ascii) {
        char *ascii = NULL;
        if (!vg_utf8_valid(host, k) ||
            idn2_to_ascii_8z(host, &ascii, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL) != IDN2_OK)
            return VG_EPARSE;
        size_t m = strlen(ascii);
        if (m > VG_HOST_RAW_MAX) {
            idn2_free(ascii);
            return VG_EPARSE;
        }
        for (k = 0; k < m; k++)
            host[k] = lower(ascii[k]);
        host[k] = '\0';
        idn2_free(ascii);
    }
    while (k > 0 && host[k - 1] == '.')
        host[--k] = '\0';
    *n = k;
    return check_host_name(host, k);
}

/* ---- path and query ------------------------------------------------------------------------- */

static int is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

static int must_encode(unsigned char c)
{
    return c <= 0x20 || c >= 0x7F || c == '"' || c == '<' || c == '>' || c == '`' || c == '{' ||
           c == '}' || c == '|' || c == '^';
}

static vg_status put_escape(struct vg_buf *out, unsigned char c)
{
    static const char hex[] = "0123456789ABCDEF";
    char e[3] = { '%', hex[c >> 4], hex[c & 15] };
    return vg_buf_append(out, e, 3);
}

/* Append s[0..n) with percent-encoding normalised (see the file comment). In the path '\' is a
 * separator, as browsers read it; elsewhere it is data and is escaped. */
static vg_status put_normalized(struct vg_buf *out, const char *s, size_t n, int in_path)
{
    vg_status rc = VG_OK;
    for (size_t i = 0; i < n && rc == VG_OK; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%' && i + 2 < n && hex_val(s[i + 1]) >= 0 && hex_val(s[i + 2]) >= 0) {
            unsigned char v = (unsigned char)(hex_val(s[i + 1]) * 16 + hex_val(s[i + 2]));
            i += 2;
            rc = is_unreserved(v) ? vg_buf_putc(out, (char)v) : put_escape(out, v);
        } else if (c == '\\' && in_path) {
            rc = vg_buf_putc(out, '/');
        } else if (c == '%' || c == '\\' || must_encode(c)) {
            rc = put_escape(out, c);
        } else {
            rc = vg_buf_putc(out, (char)c);
        }
    }
    return rc;
}

/*
 * Resolve "." and ".." segments of the path at out->data[from..out->len) in place (RFC 3986
 * 5.2.4, on whole segments). The path starts with '/'. Writing never overtakes reading, since
 * each segment is copied, skipped or cancels an earlier one.
 */
static void remove_dot_segments(struct vg_buf *out, size_t from)
{
    char *d = out->data;
    size_t r = from, w = from, end = out->len;
    while (r < end) {
        size_t seg = r + 1, seg_end = seg; /* d[r] == '/' */
        while (seg_end < end && d[seg_end] != '/')
            seg_end++;
        size_t n = seg_end - seg;
        int last = seg_end == end;
        if (n == 1 && d[seg] == '.') {
            if (last)
                d[w++] = '/';
        } else if (n == 2 && d[seg] == '.' && d[seg + 1] == '.') {
            while (w > from && d[w - 1] != '/')
                w--;
            if (w > from)
                w--; /* drop the segment's '/' too */
            if (last)
                d[w++] = '/';
        } else {
            memmove(d + w, d + r, seg_end - r);
            w += seg_end - r;
        }
        r = seg_end;
    }
    out->len = w;
    d[w] = '\0';
}

static int host_is(const char *host, size_t n, const char *domain)
{
    size_t k = strlen(domain);
    if (n < k || memcmp(host + n - k, domain, k) != 0)
        return 0;
    return n == k || host[n - k - 1] == '.';
}

/* 1 if the parameter (normalised; name up to '=') only tracks who shared or clicked. */
static int is_tracking_param(const char *p, size_t n, const char *host, size_t host_len)
{
    static const char *const names[] = { "fbclid",  "gclid",   "dclid",  "msclkid", "mc_cid",
                                         "mc_eid",  "igshid",  "igsh",   "_ga",     "yclid",
                                         "ref_src", "ref_url", "gbraid", "wbraid" };
    const char *eq = memchr(p, '=', n);
    size_t kn = eq ? (size_t)(eq - p) : n;
    if (prefix_ci(p, kn, "utm_"))
        return 1;
    for (size_t i = 0; i < VG_ARRAY_LEN(names); i++)
        if (equal_ci(p, kn, names[i]))
            return 1;
    if (equal_ci(p, n, "feature=share"))
        return 1;
    /* Share-link parameters that mean something else on other sites. */
    if (equal_ci(p, kn, "si") &&
        (host_is(host, host_len, "youtube.com") || host_is(host, host_len, "youtu.be") ||
         host_is(host, host_len, "spotify.com")))
        return 1;
    if ((equal_ci(p, kn, "s") || equal_ci(p, kn, "t")) &&
        (host_is(host, host_len, "twitter.com") || host_is(host, host_len, "x.com")))
        return 1;
    return 0;
}

static vg_status put_query(struct vg_buf *out, const struct url_parts *p, const char *host,
                           size_t host_len)
{
    const char *q = p->query, *end = p->query + p->query_len;
    int first = 1;
    while (q < end) {
        const char *amp = memchr(q, '&', (size_t)(end - q));
        const char *pe = amp ? amp : end;
        size_t mark = out->len;
        vg_status rc = vg_buf_putc(out, first ? '?' : '&');
        if (rc || (rc = put_normalized(out, q, (size_t)(pe - q), 0)))
            return rc;
        const char *param = out->data + mark + 1;
        size_t n = out->len - mark - 1;
        if (n == 0 || is_tracking_param(param, n, host, host_len)) {
            out->len = mark;
            out->data[mark] = '\0';
        } else {
            first = 0;
        }
        q = amp ? amp + 1 : end;
    }
    return VG_OK;
}

static vg_status canonicalize(const char *url, size_t len, struct vg_buf *out)
{
    struct url_parts p;
    char host[VG_HOST_RAW_MAX + 1];
    size_t host_len;
    if (len > VG_URL_MAX)
        return VG_ELIMIT;
    vg_status rc = url_split(url, len, &p);
    if (rc || (rc = host_canon(&p, host, &host_len)))
        return rc;
    if ((rc = vg_buf_puts(out, p.https ? "https://" : "http://")) ||
        (rc = vg_buf_append(out, host, host_len)))
        return rc;
    if (p.port >= 0 && p.port != (p.https ? 443 : 80) && (rc = vg_buf_printf(out, ":%ld", p.port)))
        return rc;
    size_t path_at = out->len;
    if (p.path_len == 0)
        rc = vg_buf_putc(out, '/');
    else if ((rc = put_normalized(out, p.path, p.path_len, 1)) == VG_OK)
        remove_dot_segments(out, path_at);
    if (rc)
        return rc;
    if (out->len == path_at && (rc = vg_buf_putc(out, '/')))
        return rc;
    return p.query ? put_query(out, &p, host, host_len) : VG_OK;
}

vg_status vg_url_canonicalize_buf(const char *url, size_t len, struct vg_buf *out)
{
    size_t start = out->len;
    vg_status rc = canonicalize(url, len, out);
    if (rc == VG_OK && out->len - start > VG_URL_MAX)
        rc = VG_ELIMIT;
    if (rc) {
        out->len = start;
        if (out->data)
            out->data[start] = '\0';
    }
    return rc;
}

vg_status vg_url_canonicalize(const char *url, size_t len, char **out)
{
    *out = NULL;
    if (!url)
        return VG_EINVAL;
    struct vg_buf b;
    /* Every input byte becomes at most one 3-byte escape. */
    vg_buf_init(&b, (size_t)3 * VG_URL_MAX + 64);
    vg_status rc = vg_url_canonicalize_buf(url, len, &b);
    if (rc) {
        vg_buf_release(&b);
        return rc;
    }
    *out = vg_buf_take(&b);
    return *out ? VG_OK : VG_ENOMEM;
}

vg_status vg_url_domain_buf(const char *url, size_t len, struct vg_buf *out)
{
    struct url_parts p;
    char host[VG_HOST_RAW_MAX + 1];
    size_t host_len;
    if (len > VG_URL_MAX)
        return VG_ELIMIT;
    vg_status rc = url_split(url, len, &p);
    if (rc || (rc = host_canon(&p, host, &host_len)))
        return rc;
    const char *h = host;
    /* "www.example.com" is example.com's, but "www.com" is a domain of its own. */
    if (host_len > 4 && memcmp(host, "www.", 4) == 0 && memchr(host + 4, '.', host_len - 4)) {
        h += 4;
        host_len -= 4;
    }
    return vg_buf_append(out, h, host_len);
}
