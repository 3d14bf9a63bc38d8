/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_server.c: libFuzzer target for what the server does with untrusted request text before
 * any handler runs (src/server/server_json.c): route matching, the static path check, the JSON
 * body parser with its limits, and the field readers. The input's first line is "METHOD PATH",
 * the rest is the body. Invariants: a matched route has that method and its pattern matches the
 * path with positive ids; an accepted static path has no segment starting with '.',
 * no "//"; a parsed body is a JSON object; a refused one has a message, and a byte offset in
 * it lies within the body; field readers answer 400 or give a string of at most their limit;
 * URL unescaping never lengthens a path nor puts a NUL inside it (its length is the string's).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

static void check_route(const char *method, const char *path)
{
    size_t i = 0;
    int64_t ids[VG_SERVER_MAX_PARAMS] = { 0 };
    enum vg_route_match m = vg__route_find(vg__routes, vg__n_routes, method, path, &i, ids);
    if (m != VG_ROUTE_OK)
        return;
    if (i >= vg__n_routes || strcmp(vg__routes[i].method, method) != 0)
        abort();
    int64_t again[VG_SERVER_MAX_PARAMS] = { 0 };
    if (!vg__route_match(vg__routes[i].pattern, path, again))
        abort();
    if (strchr(vg__routes[i].pattern, '{') && again[0] <= 0)
        abort();
}

static void check_static(const char *path)
{
    if (!vg__static_path_ok(path))
        return;
    if (strstr(path, "/.") || strstr(path, "//") || path[0] != '/')
        abort();
}

static void check_unescape(const char *path)
{
    char copy[301];
    size_t n = strlen(path);
    memcpy(copy, path, n + 1);
    size_t got = vg__url_unescape(copy);
    if (got > n || got != strlen(copy))
        abort();
    check_static(copy);
}

static void check_body(const char *body, size_t len)
{
    char err[160] = "";
    cJSON *j = vg__json_body_parse(body, len, err, sizeof(err));
    if (!j) {
        if (!err[0])
            abort();
        const char *at = strstr(err, "at byte ");
        if (at && strtoull(at + 8, NULL, 10) > len)
            abort();
        return;
    }
    if (!cJSON_IsObject(j))
        abort();
    struct vg_req r = { .method = "POST", .path = "/", .json = j };
    vg_buf_init(&r.out, 1 << 16);
    static const char *const allowed[] = { "name", "role", "target", NULL };
    const char *s = NULL;
    int b = -1;
    if (req_only(&r, allowed) && req_str(&r, "name", 1, 64, &s)) {
        if (!s || strlen(s) > 64)
            abort();
    } else if (r.status != 400) {
        abort();
    }
    if (!req_bool(&r, "role", &b) && r.status != 400)
        abort();
    vg_buf_release(&r.out);
    cJSON_Delete(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *nl = memchr(data, '\n', size);
    size_t head = nl ? (size_t)(nl - (const char *)data) : size;
    if (head > 300)
        head = 300;
    char line[301];
    memcpy(line, data, head);
    line[head] = 0;
    char *sp = strchr(line, ' ');
    const char *method = line, *path = "/";
    if (sp) {
        *sp = 0;
        path = sp + 1;
    }
    check_route(method, path);
    check_static(path);
    check_unescape(path);
    const char *body = nl ? nl + 1 : "";
    size_t blen = nl ? size - (size_t)(nl - (const char *)data) - 1 : 0;
    check_body(body, blen);
    return 0;
}
