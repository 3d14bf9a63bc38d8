/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ingest_input.c: bytes in, lines out. An input is a file descriptor (file or stdin) or a memory
 * buffer (tests, fuzzers). gzip is recognised by its magic bytes and inflated on the fly
 * (concatenated members too, as `cat a.gz b.gz` makes); a stream that ends mid-member is
 * reported as VG_EGZIP after the lines before the damage have been handed out.
 *
 * Lines are split on "\n"; the "\n" is not part of the line, a "\r" before it is (the CSV reader
 * needs to see CRLF). A line longer than VG_LINE_MAX is reported once as too long and skipped up
 * to its end, so one huge line cannot exhaust memory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "ingest_input.h"

#define RAW_CHUNK (256u << 10)

static vg_status raw_read(struct vg_input *in, unsigned char *buf, size_t cap, size_t *got)
{
    *got = 0;
    if (in->mem) {
        size_t n = in->mem_len - in->mem_pos;
        if (n > cap)
            n = cap;
        memcpy(buf, in->mem + in->mem_pos, n);
        in->mem_pos += n;
        *got = n;
        return VG_OK;
    }
    for (;;) {
        ssize_t n = read(in->fd, buf, cap);
        if (n >= 0) {
            *got = (size_t)n;
            in->bytes_raw += (uint64_t)n;
            return VG_OK;
        }
        if (errno == EINTR)
            continue;
        in->err = errno;
        return VG_EIO;
    }
}

static vg_status gz_start(struct vg_input *in)
{
    in->zs = vg_calloc(1, sizeof(z_stream));
    if (!in->zs)
        return VG_ENOMEM;
    /* 16 + MAX_WBITS: gzip wrapper only. */
    if (inflateInit2((z_stream *)in->zs, 16 + MAX_WBITS) != Z_OK) {
        vg_free(in->zs);
        in->zs = NULL;
        return VG_ENOMEM;
    }
    return VG_OK;
}

/* Fill raw buffer if empty. Sets in->raw_eof at end of the underlying input. */
static vg_status refill_raw(struct vg_input *in)
{
    if (in->raw_pos < in->raw_len || in->raw_eof)
        return VG_OK;
    size_t got;
    vg_status rc = raw_read(in, in->raw, in->raw_cap, &got);
    if (rc)
        return rc;
    in->raw_pos = 0;
    in->raw_len = got;
    if (got == 0)
        in->raw_eof = 1;
    return VG_OK;
}

/* Append up to `want` decompressed bytes at dst; *got = 0 means end of input. */
static vg_status read_decoded(struct vg_input *in, unsigned char *dst, size_t want, size_t *got)
{
    *got = 0;
    vg_status rc;
    if (!in->started) {
        in->started = 1;
        if ((rc = refill_raw(in)))
            return rc;
        /* A gzip member starts 1f 8b; one byte of input cannot be told apart, so a lone 0x1f
         * is taken as plain text. */
        if (in->raw_len - in->raw_pos >= 2 && in->raw[in->raw_pos] == 0x1f &&
            in->raw[in->raw_pos + 1] == 0x8b) {
            if ((rc = gz_start(in)))
                return rc;
            in->gzip = 1;
        }
    }
    if (!in->gzip) {
        if ((rc = refill_raw(in)))
            return rc;
        size_t n = in->raw_len - in->raw_pos;
        if (n > want)
            n = want;
        memcpy(dst, in->raw + in->raw_pos, n);
        in->raw_pos += n;
        *got = n;
        return VG_OK;
    }
    z_stream *zs = in->zs;
    while (*got == 0) {
        if (in->gz_done)
            return VG_OK;
        if ((rc = refill_raw(in)))
            return rc;
        if (in->raw_pos == in->raw_len) {
            /* Underlying input ended: fine between members, damage inside one. */
            if (in->gz_in_member)
                return VG_EGZIP;
            in->gz_done = 1;
            return VG_OK;
        }
        zs->next_in = in->raw + in->raw_pos;
        zs->avail_in = (uInt)(in->raw_len - in->raw_pos);
        zs->next_out = dst;
        zs->avail_out = (uInt)want;
        in->gz_in_member = 1;
        int zrc = inflate(zs, Z_NO_FLUSH);
        in->raw_pos = in->raw_len - zs->avail_in;
        *got = want - zs->avail_out;
        if (zrc == Z_STREAM_END) {
            in->gz_in_member = 0;
            /* Another member may follow (concatenated gzip files). Trailing zero padding, as
             * some tools write, ends the stream. */
            if (inflateReset(zs) != Z_OK)
                return VG_EGZIP;
            if ((rc = refill_raw(in)))
                return rc;
            if (in->raw_pos < in->raw_len && in->raw[in->raw_pos] != 0x1f)
                in->gz_done = 1;
        } else if (zrc != Z_OK && zrc != Z_BUF_ERROR) {
            return VG_EGZIP;
        }
    }
    return VG_OK;
}

/* cap: size of the raw and decoded buffers (a small memory input needs no 256 KiB ones). */
static vg_status input_init(struct vg_input *in, const char *name, size_t cap)
{
    memset(in, 0, sizeof(*in));
    in->fd = -1;
    in->name = name;
    in->raw_cap = in->dec_cap = cap;
    in->raw = vg_malloc(cap);
    in->dec = vg_malloc(cap);
    vg_buf_init(&in->line, VG_LINE_MAX);
    if (!in->raw || !in->dec) {
        vg_free(in->raw);
        vg_free(in->dec);
        in->raw = NULL;
        in->dec = NULL;
        return VG_ENOMEM;
    }
    return VG_OK;
}

vg_status vg_input_open_fd(struct vg_input *in, int fd, const char *name, uint64_t size)
{
    vg_status rc = input_init(in, name, RAW_CHUNK);
    if (rc)
        return rc;
    in->fd = fd;
    in->size = size;
    return VG_OK;
}

vg_status vg_input_open_mem(struct vg_input *in, const char *data, size_t len, const char *name)
{
    /* Compressed data can expand: keep at least 4 KiB for the decoded side. */
    size_t cap = len < 4096 ? 4096 : len < RAW_CHUNK ? len : RAW_CHUNK;
    vg_status rc = input_init(in, name, cap);
    if (rc)
        return rc;
    in->mem = (const unsigned char *)data;
    in->mem_len = len;
    in->size = len;
    return VG_OK;
}

void vg_input_close(struct vg_input *in)
{
    if (in->zs) {
        inflateEnd((z_stream *)in->zs);
        vg_free(in->zs);
    }
    vg_free(in->raw);
    vg_free(in->dec);
    vg_buf_release(&in->line);
    memset(in, 0, sizeof(*in));
    in->fd = -1;
}

/* Make sure at least one unread decoded byte is buffered; *eof when none remain. */
static vg_status fill_decoded(struct vg_input *in, int *eof)
{
    *eof = 0;
    if (in->dec_pos < in->dec_len)
        return VG_OK;
    size_t got;
    vg_status rc = read_decoded(in, (unsigned char *)in->dec, in->dec_cap, &got);
    in->dec_pos = 0;
    in->dec_len = got;
    if (rc)
        return rc;
    if (got == 0)
        *eof = 1;
    return VG_OK;
}

int vg_input_peek(struct vg_input *in, const char **head, size_t *len)
{
    int eof;
    vg_status rc = fill_decoded(in, &eof);
    if (rc)
        return rc;
    *head = in->dec + in->dec_pos;
    *len = in->dec_len - in->dec_pos;
    return VG_OK;
}

int vg_input_getline(struct vg_input *in, const char **line, size_t *len, uint64_t *line_no,
                     uint64_t *offset)
{
    vg_buf_reset(&in->line);
    in->line_too_long = 0;
    uint64_t start = in->offset;
    int have_any = 0;
    for (;;) {
        int eof;
        vg_status rc = fill_decoded(in, &eof);
        if (rc)
            return rc;
        if (eof) {
            if (!have_any)
                return 0;
            break;
        }
        have_any = 1;
        const char *p = in->dec + in->dec_pos;
        size_t avail = in->dec_len - in->dec_pos;
        const char *nl = memchr(p, '\n', avail);
        size_t take = nl ? (size_t)(nl - p) : avail;
        if (!in->line_too_long && vg_buf_append(&in->line, p, take) == VG_ELIMIT)
            in->line_too_long = 1;
        in->dec_pos += take + (nl ? 1 : 0);
        in->offset += take + (nl ? 1 : 0);
        if (nl)
            break;
    }
    in->line_no++;
    *line_no = in->line_no;
    *offset = start;
    if (in->line_too_long) {
        *line = NULL;
        *len = 0;
        return VG_ELIMIT;
    }
    *line = in->line.data ? in->line.data : "";
    *len = in->line.len;
    return 1;
}

const char *vg_input_errmsg(const struct vg_input *in)
{
    return in->err ? strerror(in->err) : "";
}
