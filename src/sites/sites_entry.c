/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sites_entry.c: the values a list holds. What a person types or a list file says ("Example.ORG",
 * "*.example.org", "https://files.example/share/abc?utm_source=x", "re:^https?://[^/]+/rel/")
 * becomes one stored form per entry, so that the same entry written twice is the same row and the
 * matcher compares like with like: domains as canonical hosts, URLs in canonical form, patterns
 * checked to compile with Hyperscan.
 */
#include <hs/hs.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "sites.h"
#include "text.h"

const char *vg_list_kind_name(enum vg_list_kind kind)
{
    static const char *const names[] = {
#define VG__LIST_KIND_NAME(name, text) text,
        VG_LIST_KIND_MAP(VG__LIST_KIND_NAME)
#undef VG__LIST_KIND_NAME
    };
    return (unsigned)kind < VG_LIST__COUNT ? names[kind] : NULL;
}

vg_status vg_list_format_parse(const char *name, enum vg_list_format *out)
{
    static const char *const names[] = {
#define VG__LIST_FORMAT_NAME(name, text, doc) text,
        VG_LIST_FORMAT_MAP(VG__LIST_FORMAT_NAME)
#undef VG__LIST_FORMAT_NAME
    };
    for (size_t i = 0; name && i < VG_ARRAY_LEN(names); i++) {
        if (!strcmp(name, names[i])) {
            *out = (enum vg_list_format)i;
            return VG_OK;
        }
    }
    return VG_EINVAL;
}

const char *vg__os_user(void)
{
    const char *u = getenv("USER");
    if (u && *u)
        return u;
    struct passwd *pw = getpwuid(getuid());
    return pw && pw->pw_name ? pw->pw_name : "unknown";
}

vg_status vg__domain_normalize(const char *s, size_t len, struct vg_buf *out, const char **why)
{
    *why = NULL;
    while (len > 0 && (s[0] == ' ' || s[0] == '\t'))
        s++, len--;
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (len >= 2 && s[0] == '*' && s[1] == '.') /* a domain covers its subdomains anyway */
        s += 2, len -= 2;
    if (len == 0) {
        *why = "empty domain";
        return VG_EPARSE;
    }
    for (size_t i = 0; i < len; i++) {
        if (strchr("/:?#@\\[] *", s[i]) || s[i] == '\0') {
            *why = "not a domain (a URL starts with http:// or https://)";
            return VG_EPARSE;
        }
    }
    /* The URL code canonicalises hosts (case, IDN, percent escapes, trailing dots, "www."): ask
     * it, so a list entry and a post's host are written alike. */
    char url[VG_LIST_VALUE_MAX + 8];
    if (len > VG_LIST_VALUE_MAX) {
        *why = "domain too long";
        return VG_ELIMIT;
    }
    memcpy(url, "http://", 7);
    memcpy(url + 7, s, len);
    size_t start = out->len;
    vg_status rc = vg_url_domain_buf(url, len + 7, out);
    if (rc == VG_OK && out->len - start > VG_SITE_HOST_MAX)
        rc = VG_EPARSE;
    /* vg_url_domain_buf drops one "www."; drop them all, so that normalising a normalised value
     * changes nothing ("www.www.a.example" -> "a.example", which covers its subdomains anyway;
     * found by fuzz_list_mastodon). */
    while (rc == VG_OK && out->len - start > 4 && !memcmp(out->data + start, "www.", 4) &&
           memchr(out->data + start + 4, '.', out->len - start - 4)) {
        memmove(out->data + start, out->data + start + 4, out->len - start - 4 + 1);
        out->len -= 4;
    }
    if (rc) {
        out->len = start;
        if (out->data)
            out->data[start] = '\0';
        if (rc != VG_ENOMEM) {
            *why = "not a valid domain name";
            rc = VG_EPARSE;
        }
    }
    return rc;
}

vg_status vg__pattern_check(const char *pattern, const char **why)
{
    hs_database_t *db = NULL;
    hs_compile_error_t *err = NULL;
    *why = NULL;
    if (hs_compile(pattern, HS_FLAG_SINGLEMATCH, HS_MODE_BLOCK, NULL, &db, &err) != HS_SUCCESS) {
        *why = "pattern does not compile (Hyperscan syntax: PCRE without back-references)";
        hs_free_compile_error(err);
        return VG_EPARSE;
    }
    hs_free_database(db);
    return VG_OK;
}

static vg_status normalize_into(const char *text, size_t len, enum vg_list_kind *kind,
                                struct vg_buf *b, const char **why)
{
    while (len > 0 && (text[0] == ' ' || text[0] == '\t'))
        text++, len--;
    while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t' || text[len - 1] == '\r'))
        len--;
    if (len > VG_LIST_VALUE_MAX) {
        *why = "value over 8 KiB";
        return VG_ELIMIT;
    }
    if (len >= 3 && !memcmp(text, "re:", 3)) {
        *kind = VG_LIST_PATTERN;
        if (len - 3 > VG_LIST_PATTERN_MAX) {
            *why = "pattern over 1024 bytes";
            return VG_ELIMIT;
        }
        if (len == 3 || memchr(text, '\0', len)) {
            *why = len == 3 ? "empty pattern" : "pattern contains a NUL byte";
            return VG_EPARSE;
        }
        vg_status rc = vg_buf_append(b, text + 3, len - 3);
        return rc ? rc : vg__pattern_check(b->data, why);
    }
    if ((len >= 7 && !strncasecmp(text, "http://", 7)) ||
        (len >= 8 && !strncasecmp(text, "https://", 8))) {
        *kind = VG_LIST_URL_PREFIX;
        vg_status rc = vg_url_canonicalize_buf(text, len, b);
        if (rc == VG_EPARSE)
            *why = "not a valid http(s) URL";
        else if (rc == VG_ELIMIT)
            *why = "URL over 8 KiB";
        return rc;
    }
    *kind = VG_LIST_DOMAIN;
    return vg__domain_normalize(text, len, b, why);
}

vg_status vg_list_entry_normalize(const char *text, size_t len, enum vg_list_kind *kind,
                                  char **value, const char **why)
{
    static const char *no_reason = "invalid value";
    const char *w = NULL;
    *value = NULL;
    if (why)
        *why = NULL;
    if (!text || !kind)
        return VG_EINVAL;
    struct vg_buf b;
    vg_buf_init(&b, 3 * VG_LIST_VALUE_MAX + 64);
    vg_status rc = normalize_into(text, len, kind, &b, &w);
    if (rc == VG_OK && !(*value = vg_buf_take(&b)))
        rc = VG_ENOMEM;
    if (rc) {
        vg_buf_release(&b);
        if (why)
            *why = w ? w : (rc == VG_ENOMEM ? "out of memory" : no_reason);
    }
    return rc;
}
