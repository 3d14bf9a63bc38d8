/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_extract.c: libFuzzer target for vg_text_extract(). Invariants: every span lies inside
 * the input, spans come in order without overlap, a hashtag is preceded by '#' and a mention by
 * '@', a URL starts with http:// or https://, mentions are ASCII handle characters, the count
 * returned is the number of calls, and a callback error stops extraction with that status.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text.h"

struct seen {
    const char *base;
    size_t size;
    size_t next; /* spans must start at or after this offset */
    long calls;
    long stop_at; /* return VG_ECANCEL on this call; 0 never */
};

static vg_status on_entity(enum vg_entity_kind kind, const char *s, size_t len, void *ud)
{
    struct seen *w = ud;
    if (s < w->base || len == 0 || (size_t)(s - w->base) + len > w->size)
        abort();
    size_t at = (size_t)(s - w->base);
    if (kind == VG_ENTITY_URL) {
        if (at < w->next ||
            (strncasecmp(s, "http://", 7) != 0 && strncasecmp(s, "https://", 8) != 0))
            abort();
    } else {
        if (at == 0 || at - 1 < w->next)
            abort();
        if (s[-1] != (kind == VG_ENTITY_HASHTAG ? '#' : '@'))
            abort();
    }
    if (kind == VG_ENTITY_MENTION) {
        for (size_t i = 0; i < len; i++)
            if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@.-", s[i]))
                abort();
    }
    w->next = at + len;
    if (++w->calls == w->stop_at)
        return VG_ECANCEL;
    return VG_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct seen w = { (const char *)data, size, 0, 0, 0 };
    long n = vg_text_extract((const char *)data, size, on_entity, &w);
    if (n != w.calls)
        abort();
    if (n >= 2) {
        struct seen stop = { (const char *)data, size, 0, 0, 2 };
        if (vg_text_extract((const char *)data, size, on_entity, &stop) != VG_ECANCEL ||
            stop.calls != 2)
            abort();
    }
    if (vg_text_extract((const char *)data, size, NULL, NULL) != n)
        abort();
    return 0;
}
