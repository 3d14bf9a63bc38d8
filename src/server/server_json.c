/* SPDX-License-Identifier: Apache-2.0 */
/*
 * server_json.c: the pure pieces of request handling: route matching, request-body parsing
 * with its limits, the static path check, and the helpers handlers use to read fields and
 * write answers. Nothing here touches the network or the store (fuzz_server covers the parsers).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

/* ---- routes -------------------------------------------------------------------------------- */

/* A positive decimal id of at most 18 digits (fits int64) from s[0..n). 0 when not one. */
static int64_t parse_id(const char *s, size_t n)
{
    if (n == 0 || n > 18 || s[0] == '0')
        return 0;
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int vg__route_match(const char *pattern, const char *path, int64_t ids[VG_SERVER_MAX_PARAMS])
{
    int n_ids = 0;
    const char *p = pattern, *q = path;
    while (*p) {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            size_t seg = strcspn(q, "/");
            int64_t id = parse_id(q, seg);
            if (!close || !id || n_ids >= VG_SERVER_MAX_PARAMS)
                return 0;
            ids[n_ids++] = id;
            p = close + 1;
            q += seg;
            continue;
        }
        if (*p != *q)
            return 0;
        p++;
        q++;
    }
    return *q == 0;
}

enum vg_route_match vg__route_find(const struct vg_route *routes, size_t n, const char *method,
                                   const char *path, size_t *route,
                                   int64_t ids[VG_SERVER_MAX_PARAMS])
{
    enum vg_route_match m = VG_ROUTE_NONE;
    for (size_t i = 0; i < n; i++) {
        int64_t tmp[VG_SERVER_MAX_PARAMS] = { 0 };
        if (!vg__route_match(routes[i].pattern, path, tmp))
            continue;
        m = VG_ROUTE_PATH_ONLY;
        if (!strcmp(routes[i].method, method)) {
            *route = i;
            memcpy(ids, tmp, sizeof(tmp));
            return VG_ROUTE_OK;
        }
    }
    return m;
}

/* ---- bodies -------------------------------------------------------------------------------- */

/* Offset of the first place nesting exceeds max, or -1. Strings (with escapes) are skipped. */
static long depth_exceeded(const char *s, size_t len, int max)
{
    int depth = 0, in_str = 0;
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
            if (++depth > max)
                return (long)i;
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return -1;
}

cJSON *vg__json_body_parse(const char *body, size_t len, char *err, size_t cap)
{
    if (len == 0) {
        vg_errf(err, cap, "the body must be a JSON object (it is empty)");
        return NULL;
    }
    const char *nul = memchr(body, 0, len);
    if (nul) {
        vg_errf(err, cap, "malformed JSON: a NUL byte at byte %zu", (size_t)(nul - body));
        return NULL;
    }
    if (!vg_utf8_valid(body, len)) {
        vg_errf(err, cap, "the body is not valid UTF-8");
        return NULL;
    }
    long deep = depth_exceeded(body, len, VG_JSON_MAX_DEPTH);
    if (deep >= 0) {
        vg_errf(err, cap, "JSON nested deeper than %d levels at byte %ld", VG_JSON_MAX_DEPTH, deep);
        return NULL;
    }
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(body, len, &end, 0);
    if (!j) {
        size_t at = end && end >= body && end <= body + len ? (size_t)(end - body) : 0;
        vg_errf(err, cap, "malformed JSON at byte %zu", at);
        return NULL;
    }
    /* Only white space may follow the value. */
    size_t at = (size_t)(end - body);
    while (at < len && isspace((unsigned char)body[at]))
        at++;
    if (at < len) {
        cJSON_Delete(j);
        vg_errf(err, cap, "malformed JSON: trailing data at byte %zu", at);
        return NULL;
    }
    if (!cJSON_IsObject(j)) {
        cJSON_Delete(j);
        vg_errf(err, cap, "the body must be a JSON object");
        return NULL;
    }
    return j;
}

/* ---- static paths -------------------------------------------------------------------------- */

int vg__static_path_ok(const char *path)
{
    size_t n = strlen(path);
    if (n == 0 || n > 200 || path[0] != '/')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = path[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '_' || c == '-' || c == '/';
        if (!ok)
            return 0;
        /* A segment may not start with '.' ("..", ".git", ".env") nor be empty ("//"). */
        if (c == '/' && i + 1 < n && (path[i + 1] == '.' || path[i + 1] == '/'))
            return 0;
    }
    return 1;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

size_t vg__url_unescape(char *s)
{
    char *w = s;
    for (const char *p = s; *p; p++) {
        int hi = p[0] == '%' ? hex_value(p[1]) : -1;
        int lo = hi >= 0 ? hex_value(p[2]) : -1;
        if (lo >= 0 && (hi | lo)) {
            *w++ = (char)(hi * 16 + lo);
            p += 2;
        } else {
            *w++ = *p; /* not an escape, or %00: kept as written */
        }
    }
    *w = 0;
    return (size_t)(w - s);
}

/* ---- answers ------------------------------------------------------------------------------- */

void res_json(struct vg_req *r, int status)
{
    r->status = status;
    r->content_type = "application/json";
    vg_buf_reset(&r->out);
}

void out_raw(struct vg_req *r, const char *s)
{
    vg_buf_puts(&r->out, s);
}

void out_str(struct vg_req *r, const char *s)
{
    if (!s)
        vg_buf_puts(&r->out, "null");
    else
        vg_buf_json_str(&r->out, s, strlen(s));
}

void out_fmt(struct vg_req *r, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    vg_buf_puts(&r->out, tmp);
}

void res_error(struct vg_req *r, int status, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    res_json(r, status);
    out_raw(r, "{\"error\":");
    out_str(r, msg);
    out_raw(r, "}");
}

void res_store_error(struct vg_req *r, vg_status rc)
{
    VG_LOG_ERR("server: %s %s: %s: %s", r->method, r->path, vg_strerror(rc), vg_db_errmsg(r->db));
    if (rc == VG_EBUSY)
        res_error(r, 503, "the store is busy; try again");
    else
        res_error(r, 500, "internal error (%s)", vg_strerror(rc));
}

/* ---- fields -------------------------------------------------------------------------------- */

int req_only(struct vg_req *r, const char *const *allowed)
{
    for (cJSON *f = r->json ? r->json->child : NULL; f; f = f->next) {
        size_t i = 0;
        while (allowed[i] && strcmp(allowed[i], f->string))
            i++;
        if (!allowed[i]) {
            res_error(r, 400, "unknown field '%.64s'", f->string);
            return 0;
        }
    }
    return 1;
}

int req_str(struct vg_req *r, const char *field, int required, size_t max, const char **out)
{
    *out = NULL;
    cJSON *f = r->json ? cJSON_GetObjectItemCaseSensitive(r->json, field) : NULL;
    if (!f || cJSON_IsNull(f)) {
        if (required)
            res_error(r, 400, "field '%s' is required", field);
        return !required;
    }
    if (!cJSON_IsString(f)) {
        res_error(r, 400, "field '%s' must be a string", field);
        return 0;
    }
    if (strlen(f->valuestring) > max) {
        res_error(r, 400, "field '%s' is over %zu bytes", field, max);
        return 0;
    }
    if (required && !*f->valuestring) {
        res_error(r, 400, "field '%s' is empty", field);
        return 0;
    }
    *out = f->valuestring;
    return 1;
}

int req_bool(struct vg_req *r, const char *field, int *out)
{
    cJSON *f = r->json ? cJSON_GetObjectItemCaseSensitive(r->json, field) : NULL;
    if (!f)
        return 1;
    if (!cJSON_IsBool(f)) {
        res_error(r, 400, "field '%s' must be true or false", field);
        return 0;
    }
    *out = cJSON_IsTrue(f);
    return 1;
}

int req_query_int(struct vg_req *r, const char *key, int64_t def, int64_t max, int64_t *out)
{
    *out = def;
    const char *v = r->query ? r->query(r->conn, key) : NULL;
    if (!v)
        return 1;
    size_t n = strlen(v);
    int64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9' || n > 18) {
            res_error(r, 400, "query argument '%s' must be a number from 0 to %lld", key,
                      (long long)max);
            return 0;
        }
        x = x * 10 + (v[i] - '0');
    }
    if (n == 0 || x > max) {
        res_error(r, 400, "query argument '%s' must be a number from 0 to %lld", key,
                  (long long)max);
        return 0;
    }
    *out = x;
    return 1;
}
