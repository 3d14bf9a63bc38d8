/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_html.c: libFuzzer target for vg_html_unescape_buf() and vg_html_to_text_buf().
 * Invariants: both always succeed with a buffer as large as the input (decoding and dropping
 * markup never lengthen a text), keep valid UTF-8 valid, and leave text already in the buffer
 * alone; the text of a fragment has no white space at either end.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    int valid = vg_utf8_valid(s, size);
    struct vg_buf b;
    vg_buf_init(&b, size + 8);

    if (vg_buf_puts(&b, "pre") != VG_OK || vg_html_unescape_buf(s, size, &b) != VG_OK)
        abort();
    if (memcmp(b.data, "pre", 3) != 0 || b.len - 3 > size)
        abort();
    if (valid && !vg_utf8_valid(b.data, b.len))
        abort();

    vg_buf_reset(&b);
    if (vg_html_to_text_buf(s, size, &b) != VG_OK || b.len > size)
        abort();
    const char *t = b.data ? b.data : "";
    if (valid && !vg_utf8_valid(t, b.len))
        abort();
    if (b.len > 0 && (is_space(t[0]) || is_space(t[b.len - 1])))
        abort();
    vg_buf_release(&b);
    return 0;
}
