/* SPDX-License-Identifier: Apache-2.0 */
/* core_kv.c: "key = value" settings files, the one reader behind every --config option. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

void vg_errf(char *err, size_t cap, const char *fmt, ...)
{
    if (!err || !cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
}

static char *trim(char *s, size_t *len)
{
    while (*len && (*s == ' ' || *s == '\t')) {
        s++;
        (*len)--;
    }
    while (*len && (s[*len - 1] == ' ' || s[*len - 1] == '\t' || s[*len - 1] == '\r'))
        (*len)--;
    s[*len] = '\0';
    return s;
}

vg_status vg_kv_parse(const char *text, size_t len, vg_kv_set_fn set, void *ud, char *err,
                      size_t cap)
{
    char line[512];
    size_t pos = 0;
    unsigned no = 0;
    while (pos < len) {
        no++;
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
        if (n >= sizeof(line)) {
            vg_errf(err, cap, "line %u: longer than %zu bytes", no, sizeof(line) - 1);
            return VG_EPARSE;
        }
        memcpy(line, text + pos, n);
        line[n] = '\0';
        pos += n + (nl ? 1 : 0);
        if (memchr(line, '\0', n)) {
            vg_errf(err, cap, "line %u: NUL byte", no);
            return VG_EPARSE;
        }
        char *hash = strchr(line, '#');
        size_t ln = hash ? (size_t)(hash - line) : n;
        char *s = trim(line, &ln);
        if (!ln)
            continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            vg_errf(err, cap, "line %u: expected 'key = value'", no);
            return VG_EPARSE;
        }
        size_t kn = (size_t)(eq - s), vn = ln - kn - 1;
        char *key = trim(s, &kn), *value = trim(eq + 1, &vn);
        char sub[256];
        if (set(ud, key, value, sub, sizeof(sub)) != VG_OK) {
            vg_errf(err, cap, "line %u: %s", no, sub);
            return VG_EINVAL;
        }
    }
    return VG_OK;
}

vg_status vg_kv_number(const char *name, const char *v, double min, double max, int whole,
                       double *out, char *err, size_t cap)
{
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (end == v || *end || errno || d != d) {
        vg_errf(err, cap, "%s: '%.40s' is not a number", name, v);
        return VG_EINVAL;
    }
    if (d < min || d > max) {
        vg_errf(err, cap, "%s: %g is outside [%g, %g]", name, d, min, max);
        return VG_EINVAL;
    }
    if (whole && d != floor(d)) {
        vg_errf(err, cap, "%s: %g is not a whole number", name, d);
        return VG_EINVAL;
    }
    *out = d;
    return VG_OK;
}
