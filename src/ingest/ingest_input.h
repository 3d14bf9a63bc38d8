/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ingest_input.h: the byte source under every reader: a file descriptor or a memory buffer,
 * gzip inflated transparently, split into lines with a hard limit. Private to src/ingest/.
 */
#ifndef VG_INGEST_INPUT_H
#define VG_INGEST_INPUT_H

#include "ingest_int.h"

struct vg_input {
    const char *name;
    int fd;                   /* -1 for memory input */
    const unsigned char *mem; /* memory input, or NULL */
    size_t mem_len, mem_pos;
    uint64_t size;      /* total raw bytes if known (progress), else 0 */
    uint64_t bytes_raw; /* raw bytes read so far from fd */
    int err;            /* errno of a failed read */

    unsigned char *raw; /* raw (possibly compressed) bytes */
    size_t raw_len, raw_pos, raw_cap;
    int raw_eof;

    int started, gzip, gz_done, gz_in_member;
    void *zs; /* z_stream when gzip */

    char *dec; /* decoded bytes not yet split into lines */
    size_t dec_len, dec_pos, dec_cap;

    struct vg_buf line; /* the current line */
    int line_too_long;
    uint64_t line_no; /* lines handed out so far */
    uint64_t offset;  /* decoded bytes consumed so far */
};

vg_status vg_input_open_fd(struct vg_input *in, int fd, const char *name, uint64_t size);
vg_status vg_input_open_mem(struct vg_input *in, const char *data, size_t len, const char *name);
void vg_input_close(struct vg_input *in);

/* The decoded bytes buffered ahead (at least one unless at end), without consuming them. */
int vg_input_peek(struct vg_input *in, const char **head, size_t *len);

/*
 * Next line. Returns 1 with *line (NUL-terminated, valid until the next call), 0 at end,
 * VG_ELIMIT for a line over VG_LINE_MAX (skipped; line_no and offset tell which; reading may
 * go on), or another negative status (VG_EIO, VG_EGZIP, VG_ENOMEM) that ends the input.
 */
int vg_input_getline(struct vg_input *in, const char **line, size_t *len, uint64_t *line_no,
                     uint64_t *offset);

/* strerror of the last failed read, or "". */
const char *vg_input_errmsg(const struct vg_input *in);

#endif /* VG_INGEST_INPUT_H */
