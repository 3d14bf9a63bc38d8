/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_normalize.c: libFuzzer target for vg_text_normalize_buf(). Invariants: valid UTF-8 in
 * (within the limit) always succeeds and invalid UTF-8 is VG_EUTF8; the output is valid UTF-8,
 * trimmed, without double spaces, and a fixed point (normalising it again changes nothing); the
 * ASCII fast path agrees with the full path (forced by a leading zero-width space).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

static void check_shape(const struct vg_buf *b)
{
    const char *d = b->data ? b->data : "";
    if (!vg_utf8_valid(d, b->len))
        abort();
    if (b->len > 0 && (d[0] == ' ' || d[b->len - 1] == ' '))
        abort();
    for (size_t i = 1; i < b->len; i++)
        if (d[i] == ' ' && d[i - 1] == ' ')
            abort();
}

static int has_fast_path(const uint8_t *data, size_t size)
{
    for (size_t i = 0; i < size; i++)
        if (data[i] >= 0x80 || data[i] == '&')
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    struct vg_buf once, twice;
    vg_buf_init(&once, 8 * (size_t)VG_TEXT_MAX);
    vg_buf_init(&twice, 8 * (size_t)VG_TEXT_MAX);
    vg_status rc = vg_text_normalize_buf(s, size, &once);
    int valid = vg_utf8_valid(s, size);
    if (size > VG_TEXT_MAX) {
        if (rc != VG_ELIMIT)
            abort();
        goto done;
    }
    if (rc != (valid ? VG_OK : VG_EUTF8))
        abort();
    if (rc != VG_OK)
        goto done;
    check_shape(&once);
    if (vg_text_normalize_buf(once.data ? once.data : "", once.len, &twice) != VG_OK)
        abort();
    if (twice.len != once.len || (once.len && memcmp(once.data, twice.data, once.len) != 0))
        abort();
    if (has_fast_path(data, size) && size < 4096) {
        char forced[3 + 4096];
        memcpy(forced, "\xE2\x80\x8B", 3); /* U+200B: removed, but not ASCII */
        memcpy(forced + 3, data, size);
        vg_buf_reset(&twice);
        if (vg_text_normalize_buf(forced, size + 3, &twice) != VG_OK || twice.len != once.len ||
            (once.len && memcmp(once.data, twice.data, once.len) != 0))
            abort();
    }
done:
    vg_buf_release(&once);
    vg_buf_release(&twice);
    return 0;
}
