/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sites_file.c: list files, read and written.
 *
 * Plain: one entry a line: a domain, an http(s) URL (a URL prefix) or "re:" and a pattern,
 * optionally followed by fields separated by white space: added=DATE, withdrawn=DATE,
 * source=WORD, and note=TEXT (last: it takes the rest of the line). Lines starting with '#'
 * (after white space) and blank lines are skipped. A withdrawn entry keeps both dates.
 *
 * Mastodon: the admin domain-block CSV export, a header row naming the columns
 * (#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate; any order, '#'
 * optional, other columns ignored) then one row per domain; fields quoted as RFC 4180 says.
 * Severity is suspend, silence or noop (empty: suspend); flags are true/false in any case.
 *
 * Every line is either an entry or a reject naming file, line, field and reason.
 */
#include <string.h>
#include <strings.h>

#include "sites.h"

#define LINE_MAX_BYTES (64u << 10)

struct parser {
    const char *name;
    vg_list_entry_fn fn;
    void *fn_ud;
    void (*on_reject)(const struct vg_list_reject *r, void *ud);
    void *reject_ud;
    struct vg_list_import_summary *sum;
    uint64_t line;
};

static void reject(struct parser *p, const char *field, const char *reason)
{
    p->sum->rejected++;
    if (p->on_reject) {
        struct vg_list_reject r = { p->name, p->line, field, reason };
        p->on_reject(&r, p->reject_ud);
    }
}

/* Normalise the value and hand the entry over; VG_ECANCEL when fn stops. */
static vg_status emit(struct parser *p, struct vg_list_entry *e, const char *v, size_t n,
                      const char *field)
{
    const char *why = NULL;
    char *value = NULL;
    if (!vg_utf8_valid(v, n)) {
        reject(p, field, "invalid UTF-8");
        return VG_OK;
    }
    vg_status rc = vg_list_entry_normalize(v, n, &e->kind, &value, &why);
    if (rc == VG_ENOMEM)
        return rc;
    if (rc) {
        reject(p, field, why);
        return VG_OK;
    }
    if (e->kind != VG_LIST_DOMAIN && e->severity) {
        vg_free(value);
        reject(p, field, "a Mastodon domain block must be a domain");
        return VG_OK;
    }
    e->value = value;
    int stop = p->fn(e, p->fn_ud);
    vg_free(value);
    return stop ? VG_ECANCEL : VG_OK;
}

/* ---- plain ---------------------------------------------------------------------------------- */

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Parse the key=value fields after the value; 0, or -1 after a reject. */
static int plain_fields(struct parser *p, const char *s, const char *end, struct vg_list_entry *e,
                        char *buf, size_t cap)
{
    while (s < end) {
        while (s < end && is_space(*s))
            s++;
        if (s >= end)
            break;
        const char *f = s;
        while (s < end && !is_space(*s))
            s++;
        const char *eq = memchr(f, '=', (size_t)(s - f));
        if (!eq) {
            reject(p, "fields", "expected key=value after the value");
            return -1;
        }
        size_t kn = (size_t)(eq - f);
        const char *v = eq + 1;
        if (kn == 4 && !memcmp(f, "note", 4)) {
            size_t n = (size_t)(end - v);
            while (n > 0 && is_space(v[n - 1]))
                n--;
            if (n >= cap || !vg_utf8_valid(v, n)) {
                reject(p, "note", n >= cap ? "note too long" : "invalid UTF-8");
                return -1;
            }
            memcpy(buf, v, n);
            buf[n] = '\0';
            e->note = buf;
            return 0;
        }
        size_t vn = (size_t)(s - v);
        char tmp[64];
        if (kn == 6 && !memcmp(f, "source", 6)) {
            if (vn == 0 || vn >= 64 || !vg_utf8_valid(v, vn)) {
                reject(p, "source", "source must be 1-63 bytes of UTF-8 without spaces");
                return -1;
            }
            /* kept in the note buffer's tail: the note, if any, comes last */
            memcpy(buf + cap - 64, v, vn);
            buf[cap - 64 + vn] = '\0';
            e->source = buf + cap - 64;
            cap -= 64;
            continue;
        }
        int is_added = kn == 5 && !memcmp(f, "added", 5);
        int is_withdrawn = kn == 9 && !memcmp(f, "withdrawn", 9);
        if (!is_added && !is_withdrawn) {
            reject(p, "fields", "unknown field (added, withdrawn, source, note)");
            return -1;
        }
        int64_t t;
        if (vn == 0 || vn >= sizeof(tmp)) {
            reject(p, is_added ? "added" : "withdrawn", "not a date");
            return -1;
        }
        memcpy(tmp, v, vn);
        tmp[vn] = '\0';
        if (vg_time_parse(tmp, &t)) {
            reject(p, is_added ? "added" : "withdrawn", "not a date (ISO 8601)");
            return -1;
        }
        *(is_added ? &e->added : &e->withdrawn) = t;
    }
    if (e->withdrawn != VG_TIME_UNKNOWN && e->added != VG_TIME_UNKNOWN && e->withdrawn < e->added) {
        reject(p, "withdrawn", "withdrawn before added");
        return -1;
    }
    return 0;
}

static vg_status plain_line(struct parser *p, const char *s, size_t n)
{
    const char *end = s + n;
    while (s < end && is_space(*s))
        s++;
    while (end > s && is_space(end[-1]))
        end--;
    if (s == end || *s == '#')
        return VG_OK;
    p->sum->read++;
    if ((size_t)(end - s) > LINE_MAX_BYTES) {
        reject(p, "value", "line over 64 KiB");
        return VG_OK;
    }
    const char *v = s;
    while (s < end && !is_space(*s))
        s++;
    struct vg_list_entry e = { .added = VG_TIME_UNKNOWN, .withdrawn = VG_TIME_UNKNOWN };
    char fields[4096];
    if (plain_fields(p, s, end, &e, fields, sizeof(fields)))
        return VG_OK;
    return emit(p, &e, v, (size_t)(s - v), "value");
}

/* ---- Mastodon CSV --------------------------------------------------------------------------- */

enum m_col {
    C_DOMAIN,
    C_SEVERITY,
    C_REJECT_MEDIA,
    C_REJECT_REPORTS,
    C_COMMENT,
    C_OBFUSCATE,
    C__N
};

static const char *const m_col_names[C__N] = { "#domain",         "#severity",
                                               "#reject_media",   "#reject_reports",
                                               "#public_comment", "#obfuscate" };

#define MAX_COLS 32

/* Split one CSV record starting at s (quoted fields may span lines): fields are written into buf
 * (unquoted), starts and lengths into f/fl. Returns where the record ends (after its newline),
 * *nf the number of fields, *lines the newlines it spans; NULL on a syntax error (*why). */
static const char *csv_record(const char *s, const char *end, char *buf, size_t cap, const char **f,
                              size_t *fl, int *nf, uint64_t *lines, const char **why)
{
    size_t k = 0;
    *nf = 0;
    *lines = 1;
    for (;;) {
        if (*nf == MAX_COLS) {
            *why = "more than 32 columns";
            return NULL;
        }
        f[*nf] = buf + k;
        size_t start = k;
        if (s < end && *s == '"') {
            s++;
            for (;;) {
                if (s >= end) {
                    *why = "unterminated quoted field";
                    return NULL;
                }
                if (*s == '"') {
                    if (s + 1 < end && s[1] == '"') {
                        s += 2;
                        if (k + 1 >= cap)
                            goto too_long;
                        buf[k++] = '"';
                        continue;
                    }
                    s++;
                    break;
                }
                *lines += *s == '\n';
                if (k + 1 >= cap)
                    goto too_long;
                buf[k++] = *s++;
            }
            if (s < end && *s != ',' && *s != '\n' && *s != '\r') {
                *why = "text after a closing quote";
                return NULL;
            }
        } else {
            while (s < end && *s != ',' && *s != '\n') {
                if (k + 1 >= cap)
                    goto too_long;
                buf[k++] = *s++;
            }
            if (k > start && buf[k - 1] == '\r')
                k--;
        }
        fl[*nf] = k - start;
        buf[k++] = '\0';
        (*nf)++;
        if (s < end && *s == '\r')
            s++;
        if (s >= end)
            return end;
        if (*s == '\n')
            return s + 1;
        s++; /* ',' */
    }
too_long:
    *why = "record over 64 KiB";
    return NULL;
}

/* Columns of the header row: col[c] is the index of column c, or -1. */
static int mastodon_header(const char **f, const size_t *fl, int nf, int *col)
{
    for (int c = 0; c < C__N; c++)
        col[c] = -1;
    for (int i = 0; i < nf; i++) {
        const char *name = f[i];
        size_t n = fl[i];
        for (int c = 0; c < C__N; c++) {
            const char *want = m_col_names[c];
            if ((n == strlen(want) && !memcmp(name, want, n)) ||
                (n == strlen(want) - 1 && !memcmp(name, want + 1, n)))
                col[c] = i;
        }
    }
    return col[C_DOMAIN] >= 0 ? 0 : -1;
}

/* A true/false column; -1 when neither. Empty means false. */
static int parse_flag(const char *s, size_t n)
{
    if (n == 0 || (n == 5 && !strncasecmp(s, "false", 5)) || (n == 1 && s[0] == '0'))
        return 0;
    if ((n == 4 && !strncasecmp(s, "true", 4)) || (n == 1 && s[0] == '1'))
        return 1;
    return -1;
}

static vg_status mastodon_row(struct parser *p, const int *col, const char **f, const size_t *fl,
                              int nf)
{
    p->sum->read++;
    struct vg_list_entry e = { .added = VG_TIME_UNKNOWN, .withdrawn = VG_TIME_UNKNOWN };
    if (col[C_DOMAIN] >= nf || fl[col[C_DOMAIN]] == 0) {
        reject(p, "#domain", "missing domain");
        return VG_OK;
    }
    static const char *const severities[] = { "suspend", "silence", "noop" };
    e.severity = "suspend";
    if (col[C_SEVERITY] >= 0 && col[C_SEVERITY] < nf && fl[col[C_SEVERITY]] > 0) {
        e.severity = NULL;
        for (size_t i = 0; i < VG_ARRAY_LEN(severities); i++)
            if (!strcasecmp(f[col[C_SEVERITY]], severities[i]))
                e.severity = severities[i];
        if (!e.severity) {
            reject(p, "#severity", "severity must be suspend, silence or noop");
            return VG_OK;
        }
    }
    int *flags[] = { &e.reject_media, &e.reject_reports, &e.obfuscate };

    enum m_col fcols[] = { C_REJECT_MEDIA, C_REJECT_REPORTS, C_OBFUSCATE };

    for (int i = 0; i < 3; i++) {
        int c = col[fcols[i]];
        if (c < 0 || c >= nf)
            continue;
        int v = parse_flag(f[c], fl[c]);
        if (v < 0) {
            reject(p, m_col_names[fcols[i]], "expected true or false");
            return VG_OK;
        }
        *flags[i] = v;
    }
    int cc = col[C_COMMENT];
    if (cc >= 0 && cc < nf && fl[cc] > 0) {
        if (!vg_utf8_valid(f[cc], fl[cc])) {
            reject(p, "#public_comment", "invalid UTF-8");
            return VG_OK;
        }
        e.note = f[cc];
    }
    return emit(p, &e, f[col[C_DOMAIN]], fl[col[C_DOMAIN]], "#domain");
}

static vg_status parse_mastodon(struct parser *p, const char *s, const char *end)
{
    char *rec = vg_malloc(LINE_MAX_BYTES);
    if (!rec)
        return VG_ENOMEM;
    const char *f[MAX_COLS];
    size_t fl[MAX_COLS];
    int col[C__N], nf, have_header = 0;
    for (int c = 0; c < C__N; c++)
        col[c] = -1; /* set by mastodon_header before any row; gcc cannot see it */
    vg_status rc = VG_OK;
    uint64_t next_line = 1;
    while (s < end && rc == VG_OK) {
        uint64_t lines;
        const char *why = NULL;
        p->line = next_line;
        const char *after = csv_record(s, end, rec, LINE_MAX_BYTES, f, fl, &nf, &lines, &why);
        if (!after) {
            /* Skip to the next line and go on: the rows around it still count. */
            const char *nl = memchr(s, '\n', (size_t)(end - s));
            after = nl ? nl + 1 : end;
            lines = 1;
            if (have_header) {
                p->sum->read++;
                reject(p, "record", why);
            }
        }
        next_line += lines;
        int blank = nf == 1 && fl[0] == 0;
        if (why || blank) {
            /* nothing */
        } else if (!have_header) {
            if (mastodon_header(f, fl, nf, col)) {
                rc = VG_EFORMAT;
                break;
            }
            have_header = 1;
        } else {
            rc = mastodon_row(p, col, f, fl, nf);
        }
        s = after;
    }
    if (rc == VG_OK && !have_header)
        rc = VG_EFORMAT;
    vg_free(rec);
    return rc;
}

vg_status vg_list_parse(const char *text, size_t len, const char *name, enum vg_list_format format,
                        vg_list_entry_fn fn, void *fn_ud,
                        void (*on_reject)(const struct vg_list_reject *r, void *ud),
                        void *reject_ud, struct vg_list_import_summary *sum)
{
    if ((!text && len) || !fn || !sum || (unsigned)format >= VG_LIST_FORMAT__COUNT)
        return VG_EINVAL;
    struct parser p = { name ? name : "-", fn, fn_ud, on_reject, reject_ud, sum, 0 };
    const char *s = text, *end = text + len;
    if (len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) /* a byte-order mark from spreadsheet tools */
        s += 3;
    if (format == VG_LIST_FORMAT_MASTODON)
        return parse_mastodon(&p, s, end);
    vg_status rc = VG_OK;
    while (s < end && rc == VG_OK) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *le = nl ? nl : end;
        p.line++;
        rc = plain_line(&p, s, (size_t)(le - s));
        s = nl ? nl + 1 : end;
    }
    return rc;
}
