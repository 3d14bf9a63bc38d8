/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_csv.c: libFuzzer target for the corpus's CSV/TSV record reader (vg__csv_next) and the
 * placeholder mapping its fields go through (vg__corpus_map_text). The input is read twice:
 * as RFC 4180 CSV and as the unquoted TSV of OSACT. Invariants: every call that does not end the
 * input moves forward and starts on a later line than the last; fields are NUL-terminated and
 * within bounds; a CSV record written back with every field quoted reads back the same; a TSV
 * record is its line split at tabs. Each valid UTF-8 field, mapped, stays valid UTF-8, no
 * longer, trimmed, with no URL or pseudonym left.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "detect_corpus_int.h"

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static void check_mapped(const char *s, size_t len)
{
    static const unsigned flag_sets[] = { 0, VG_CORPUS_MAP_OSACT | VG_CORPUS_MAP_MLMA,
                                          VG_CORPUS_MAP_QUOTE, VG_CORPUS_MAP_NO_URL };
    if (!vg_utf8_valid(s, len))
        return;
    for (size_t f = 0; f < sizeof(flag_sets) / sizeof(flag_sets[0]); f++) {
        struct vg_buf out;
        vg_buf_init(&out, VG_TEXT_MAX);
        if (vg__corpus_map_text(s, len, flag_sets[f], &out) != VG_OK)
            abort();
        const char *d = out.data ? out.data : "";
        if (out.len > len || !vg_utf8_valid(d, out.len) || strlen(d) > out.len)
            abort();
        if (out.len && (is_space(d[0]) || is_space(d[out.len - 1])))
            abort();
        for (size_t i = 0; i < out.len; i++) {
            if ((d[i] == 'h' || d[i] == 'H') &&
                (strncasecmp(d + i, "http://", 7) == 0 || strncasecmp(d + i, "https://", 8) == 0))
                abort();
            if (d[i] == '@' && out.len - i >= 12 && d[i + 1] == 'u' &&
                strspn(d + i + 2, "0123456789abcdef") >= 10) {
                char next = out.len - i > 12 ? d[i + 12] : ' ';
                int handle = (next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') ||
                             (next >= '0' && next <= '9') || next == '_';
                if (!handle)
                    abort();
            }
        }
        vg_buf_release(&out);
    }
}

/* Write the record back with every field quoted and read it again: the same fields. */
static void check_roundtrip(const struct vg_csv *r)
{
    struct vg_buf enc;
    vg_buf_init(&enc, 8u << 20);
    for (size_t k = 0; k < r->n_fields; k++) {
        if ((k && vg_buf_putc(&enc, ',')) || vg_buf_putc(&enc, '"'))
            abort();
        for (size_t i = 0; i < r->field_len[k]; i++)
            if ((r->field[k][i] == '"' && vg_buf_putc(&enc, '"')) ||
                vg_buf_putc(&enc, r->field[k][i]))
                abort();
        if (vg_buf_putc(&enc, '"'))
            abort();
    }
    if (vg_buf_puts(&enc, "\r\n"))
        abort();
    struct vg_csv back;
    vg__csv_init(&back, enc.data, enc.len, ',', 1);
    int got = vg__csv_next(&back);
    /* A field of more than VG_CSV_SPAN_LINES lines cannot be read back, by design. */
    if (got == VG_EPARSE && back.reason && strstr(back.reason, "1000 lines"))
        goto done;
    if (got != 1 || back.n_fields != r->n_fields)
        abort();
    for (size_t k = 0; k < r->n_fields; k++)
        if (back.field_len[k] != r->field_len[k] ||
            memcmp(back.field[k], r->field[k], r->field_len[k]) != 0)
            abort();
    if (vg__csv_next(&back) != 0)
        abort();
done:
    vg__csv_release(&back);
    vg_buf_release(&enc);
}

static void read_all(const char *data, size_t size, char delim, int quoting)
{
    struct vg_csv r;
    size_t last_pos = 0;
    uint64_t last_line = 0, n_lines = 1;
    for (size_t i = 0; i < size; i++)
        n_lines += data[i] == '\n';
    vg__csv_init(&r, data, size, delim, quoting);
    for (;;) {
        int got = vg__csv_next(&r);
        if (got == 0)
            break;
        if (got != 1 && got != VG_EPARSE)
            abort(); /* no allocation fails here */
        if (r.pos <= last_pos && last_pos != 0)
            abort();
        if (r.rec_line <= last_line || r.rec_line > n_lines || r.line > n_lines + 1)
            abort();
        last_pos = r.pos;
        last_line = r.rec_line;
        if (got == VG_EPARSE) {
            if (!r.reason || !r.reason[0])
                abort();
            continue;
        }
        if (r.n_fields < 1 || r.n_fields > VG_CSV_FIELDS_MAX)
            abort();
        for (size_t k = 0; k < r.n_fields; k++) {
            if (r.field[k] < r.buf.data ||
                r.field[k] + r.field_len[k] >= r.buf.data + r.buf.len + 1 ||
                r.field[k][r.field_len[k]] != '\0')
                abort();
            if (!quoting && (memchr(r.field[k], delim, r.field_len[k]) ||
                             memchr(r.field[k], '\n', r.field_len[k])))
                abort();
            check_mapped(r.field[k], r.field_len[k]);
        }
        if (quoting)
            check_roundtrip(&r);
    }
    if (r.pos != size)
        abort();
    vg__csv_release(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    read_all((const char *)data, size, ',', 1);
    read_all((const char *)data, size, '\t', 0);
    return 0;
}
