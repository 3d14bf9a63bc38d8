/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_url.c: libFuzzer target for vg_url_canonicalize_buf() and vg_url_domain_buf().
 * Invariants: input over 8 KiB is VG_ELIMIT, anything else VG_OK, VG_EPARSE or VG_ELIMIT (the
 * canonical form would pass 8 KiB); nothing is written on failure; a canonical URL
 * is printable ASCII, starts with http:// or https://, has no fragment, and is a fixed point;
 * the domain of a URL that canonicalises is its canonical host, "www." aside.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

static void check_canonical(const struct vg_buf *b)
{
    for (size_t i = 0; i < b->len; i++) {
        unsigned char c = (unsigned char)b->data[i];
        if (c <= 0x20 || c >= 0x7F || c == '#')
            abort();
    }
    if (strncmp(b->data, "http://", 7) != 0 && strncmp(b->data, "https://", 8) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    struct vg_buf once, twice, dom;
    vg_buf_init(&once, 65536);
    vg_buf_init(&twice, 65536);
    vg_buf_init(&dom, 65536);
    vg_status rc = vg_url_canonicalize_buf(s, size, &once);
    if (size > 8192) {
        if (rc != VG_ELIMIT)
            abort();
        goto done;
    }
    if (rc != VG_OK && rc != VG_EPARSE && rc != VG_ELIMIT)
        abort();
    if (rc != VG_OK) {
        if (once.len != 0)
            abort();
        goto done;
    }
    check_canonical(&once);
    if (vg_url_canonicalize_buf(once.data, once.len, &twice) != VG_OK || twice.len != once.len ||
        memcmp(once.data, twice.data, once.len) != 0)
        abort();
    if (vg_url_domain_buf(s, size, &dom) != VG_OK || dom.len == 0)
        abort();
    /* The host follows "://" in the canonical form, possibly after "www.". */
    const char *host = strstr(once.data, "://") + 3;
    if (strncmp(host, "www.", 4) == 0 && strncmp(host + 4, dom.data, dom.len) == 0)
        host += 4;
    if (strncmp(host, dom.data, dom.len) != 0)
        abort();
done:
    vg_buf_release(&once);
    vg_buf_release(&twice);
    vg_buf_release(&dom);
    return 0;
}
