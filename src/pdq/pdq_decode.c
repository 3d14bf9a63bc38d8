/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pdq_decode.c: JPEG, PNG and WebP bytes to 8-bit grey or RGB pixels for PDQ hashing, with the
 * Debian libraries (libjpeg-turbo, libpng, libwebp). The format is recognised by its magic
 * bytes, never by a file name. Every decoder checks the dimensions against the limits before it
 * allocates pixels, and libjpeg/libpng errors come back through setjmp as VG_EPARSE with the
 * library's message. Pixels are produced the way the reference implementation's decoders give
 * them: grey images stay one channel, alpha is dropped (not composited), 16-bit samples are
 * rounded to 8 bits, a JPEG's EXIF orientation is applied (pdq_exif.c reads it).
 */
#include <stddef.h>
#include <stdio.h>

#include <jpeglib.h>
#include <png.h>
#include <setjmp.h>
#include <string.h>
#include <webp/decode.h>

#include "pdq.h"
#include "pdq_int.h"

enum image_format {
    FMT_UNKNOWN,
    FMT_JPEG,
    FMT_PNG,
    FMT_WEBP
};

static enum image_format sniff(const uint8_t *p, size_t len)
{
    static const uint8_t png_magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
        return FMT_JPEG;
    if (len >= 8 && !memcmp(p, png_magic, 8))
        return FMT_PNG;
    if (len >= 12 && !memcmp(p, "RIFF", 4) && !memcmp(p + 8, "WEBP", 4))
        return FMT_WEBP;
    return FMT_UNKNOWN;
}

static void limits_resolve(const struct vg_image_opts *lim, struct vg_image_opts *out)
{
    out->ignore_orientation = lim ? lim->ignore_orientation : 0;
    out->max_bytes = lim && lim->max_bytes ? lim->max_bytes : VG_IMAGE_MAX_BYTES;
    out->max_side = lim && lim->max_side ? lim->max_side : VG_IMAGE_MAX_SIDE;
    out->max_pixels = lim && lim->max_pixels ? lim->max_pixels : VG_IMAGE_MAX_PIXELS;
}

static vg_status check_size(uint64_t w, uint64_t h, const struct vg_image_opts *lim, char *err,
                            size_t cap)
{
    if (!w || !h) {
        vg_errf(err, cap, "image has no pixels (%llux%llu)", (unsigned long long)w,
                (unsigned long long)h);
        return VG_EPARSE;
    }
    if (w > lim->max_side || h > lim->max_side || w * h > lim->max_pixels) {
        vg_errf(err, cap, "image of %llux%llu pixels is over the limit (%u a side, %llu pixels)",
                (unsigned long long)w, (unsigned long long)h, lim->max_side,
                (unsigned long long)lim->max_pixels);
        return VG_ELIMIT;
    }
    return VG_OK;
}

static vg_status image_alloc(struct vg_image *img, uint32_t w, uint32_t h, int channels)
{
    img->width = w;
    img->height = h;
    img->channels = channels;
    img->stride = (size_t)w * (size_t)channels;
    img->pixels = vg_malloc(img->stride * h);
    return img->pixels ? VG_OK : VG_ENOMEM;
}

void vg_image_release(struct vg_image *img)
{
    if (!img)
        return;
    vg_free(img->pixels);
    memset(img, 0, sizeof *img);
}

/* ---- JPEG ---------------------------------------------------------------------------------- */

struct jpeg_fail {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char msg[JMSG_LENGTH_MAX];
};

static void jpeg_fail_exit(j_common_ptr cinfo)
{
    struct jpeg_fail *f = (struct jpeg_fail *)cinfo->err;
    cinfo->err->format_message(cinfo, f->msg);
    longjmp(f->jump, 1);
}

/* Warnings (corrupt data the decoder recovers from) are not printed: the library never prints.
 * The reference's decoder also returns the recovered pixels. */
static void jpeg_quiet(j_common_ptr cinfo, int level)
{
    (void)cinfo;
    (void)level;
}

/* Adobe CMYK JPEGs store inverted inks; with them R = C K / 255 (and so on), rounded. */
static void cmyk_row_to_rgb(const uint8_t *in, uint8_t *out, uint32_t w)
{
    for (uint32_t x = 0; x < w; x++, in += 4, out += 3) {
        unsigned k = in[3];
        out[0] = (uint8_t)((in[0] * k + 127) / 255);
        out[1] = (uint8_t)((in[1] * k + 127) / 255);
        out[2] = (uint8_t)((in[2] * k + 127) / 255);
    }
}

static int jpeg_exif_orientation(struct jpeg_decompress_struct *ci)
{
    for (jpeg_saved_marker_ptr m = ci->marker_list; m; m = m->next)
        if (m->marker == JPEG_APP0 + 1) {
            int o = vg__exif_orientation(m->data, m->data_length);
            if (o)
                return o;
        }
    return 1;
}

/* volatile: these change between setjmp and a longjmp back to it. */
static vg_status decode_jpeg(const uint8_t *data, size_t len, const struct vg_image_opts *lim,
                             struct vg_image *out, int *orientation, char *err, size_t cap)
{
    struct jpeg_decompress_struct ci;
    struct jpeg_fail jf;
    uint8_t *volatile row = NULL;
    volatile vg_status rc = VG_EPARSE;
    memset(&ci, 0, sizeof ci);
    ci.err = jpeg_std_error(&jf.pub);
    jf.pub.error_exit = jpeg_fail_exit;
    jf.pub.emit_message = jpeg_quiet;
    if (setjmp(jf.jump)) {
        vg_errf(err, cap, "JPEG: %s", jf.msg);
        goto fail;
    }
    jpeg_create_decompress(&ci);
    jpeg_mem_src(&ci, data, (unsigned long)len);
    jpeg_save_markers(&ci, JPEG_APP0 + 1, 0xffff);
    jpeg_read_header(&ci, TRUE);
    if ((rc = check_size(ci.image_width, ci.image_height, lim, err, cap)))
        goto fail;
    rc = VG_EPARSE;
    int cmyk = ci.jpeg_color_space == JCS_CMYK || ci.jpeg_color_space == JCS_YCCK;
    int grey = ci.num_components == 1;
    ci.out_color_space = grey ? JCS_GRAYSCALE : cmyk ? JCS_CMYK : JCS_RGB;
    *orientation = jpeg_exif_orientation(&ci);
    jpeg_start_decompress(&ci);
    if (ci.output_components != (grey ? 1 : cmyk ? 4 : 3)) {
        vg_errf(err, cap, "JPEG: unexpected %d components", ci.output_components);
        goto fail;
    }
    if ((rc = image_alloc(out, ci.output_width, ci.output_height, grey ? 1 : 3)))
        goto fail;
    rc = VG_EPARSE;
    if (cmyk && !(row = vg_malloc((size_t)ci.output_width * 4))) {
        rc = VG_ENOMEM;
        goto fail;
    }
    while (ci.output_scanline < ci.output_height) {
        uint8_t *dst = out->pixels + (size_t)ci.output_scanline * out->stride;
        JSAMPROW r = cmyk ? row : dst;
        if (jpeg_read_scanlines(&ci, &r, 1) != 1)
            break;
        if (cmyk)
            cmyk_row_to_rgb(row, dst, ci.output_width);
    }
    /* A truncated stream leaves the rest of the rows as libjpeg fills them (grey); accepted, as
     * the reference's decoder accepts it. */
    jpeg_finish_decompress(&ci);
    rc = VG_OK;
fail:
    jpeg_destroy_decompress(&ci);
    vg_free(row);
    if (rc)
        vg_image_release(out);
    return rc;
}

/* ---- PNG ----------------------------------------------------------------------------------- */

struct png_src {
    const uint8_t *data;
    size_t len, pos;
    char msg[128];
};

static void png_read_mem(png_structp png, png_bytep buf, size_t n)
{
    struct png_src *s = png_get_io_ptr(png);
    if (n > s->len - s->pos)
        png_error(png, "truncated file");
    memcpy(buf, s->data + s->pos, n);
    s->pos += n;
}

static void png_fail(png_structp png, png_const_charp msg)
{
    struct png_src *s = png_get_error_ptr(png);
    snprintf(s->msg, sizeof s->msg, "%s", msg);
    png_longjmp(png, 1);
}

static void png_warn(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

static vg_status decode_png(const uint8_t *data, size_t len, const struct vg_image_opts *lim,
                            struct vg_image *out, char *err, size_t cap)
{
    struct png_src src = { data, len, 0, "" };
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &src, png_fail, png_warn);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    png_bytep *volatile rows = NULL;
    volatile vg_status rc = VG_ENOMEM;
    if (!png || !info)
        goto fail;
    rc = VG_EPARSE;
    if (setjmp(png_jmpbuf(png))) {
        vg_errf(err, cap, "PNG: %s", src.msg[0] ? src.msg : "decoding failed");
        goto fail;
    }
    png_set_read_fn(png, &src, png_read_mem);
    /* libpng refuses larger images itself, before any pixel allocation. */
    png_set_user_limits(png, lim->max_side, lim->max_side);
    png_set_chunk_malloc_max(png, 8u << 20);
    png_read_info(png, info);
    uint32_t w = png_get_image_width(png, info), h = png_get_image_height(png, info);
    if ((rc = check_size(w, h, lim, err, cap)))
        goto fail;
    rc = VG_EPARSE;
    int type = png_get_color_type(png, info);
    png_set_expand(png); /* palette to RGB, grey under 8 bits to 8, tRNS to alpha */
    png_set_scale_16(png);
    png_set_strip_alpha(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    int channels = png_get_channels(png, info);
    int want = (type & PNG_COLOR_MASK_COLOR) ? 3 : 1;
    if (channels != want || png_get_bit_depth(png, info) != 8) {
        vg_errf(err, cap, "PNG: unexpected layout (%d channels, %d bits)", channels,
                png_get_bit_depth(png, info));
        goto fail;
    }
    if ((rc = image_alloc(out, w, h, channels)))
        goto fail;
    rc = VG_ENOMEM;
    if (!(rows = vg_malloc(sizeof *rows * h)))
        goto fail;
    for (uint32_t y = 0; y < h; y++)
        rows[y] = out->pixels + (size_t)y * out->stride;
    rc = VG_EPARSE;
    png_read_image(png, rows);
    rc = VG_OK;
fail:
    png_destroy_read_struct(png ? &png : NULL, info ? &info : NULL, NULL);
    vg_free(rows);
    if (rc)
        vg_image_release(out);
    return rc;
}

/* ---- WebP ---------------------------------------------------------------------------------- */

static vg_status decode_webp(const uint8_t *data, size_t len, const struct vg_image_opts *lim,
                             struct vg_image *out, char *err, size_t cap)
{
    int w = 0, h = 0;
    vg_status rc;
    if (!WebPGetInfo(data, len, &w, &h)) {
        vg_errf(err, cap, "WebP: not a valid WebP header");
        return VG_EPARSE;
    }
    if ((rc = check_size((uint64_t)w, (uint64_t)h, lim, err, cap)))
        return rc;
    if ((rc = image_alloc(out, (uint32_t)w, (uint32_t)h, 3)))
        return rc;
    if (!WebPDecodeRGBInto(data, len, out->pixels, out->stride * (size_t)h, (int)out->stride)) {
        vg_errf(err, cap, "WebP: decoding failed (corrupt, truncated or animated)");
        vg_image_release(out);
        return VG_EPARSE;
    }
    return VG_OK;
}

/* ---- EXIF orientation ---------------------------------------------------------------------- */

/*
 * Make the pixels upright: EXIF orientation o (1..8) says how the stored rows must be turned to
 * be displayed. Orientations 5..8 swap width and height. Destination (x, y) takes the stored
 * pixel (sx, sy) given in the switch (sw, sh: stored width and height).
 */
static vg_status apply_orientation(struct vg_image *img, int o)
{
    if (o < 2 || o > 8)
        return VG_OK;
    int swap = o >= 5;
    uint32_t sw = img->width, sh = img->height;
    uint32_t dw = swap ? sh : sw, dh = swap ? sw : sh;
    struct vg_image t = { 0 };
    vg_status rc = image_alloc(&t, dw, dh, img->channels);
    if (rc)
        return rc;
    int c = img->channels;
    for (uint32_t y = 0; y < dh; y++) {
        uint8_t *d = t.pixels + (size_t)y * t.stride;
        for (uint32_t x = 0; x < dw; x++, d += c) {
            uint32_t sx, sy;
            switch (o) {
                case 2:
                    sx = sw - 1 - x, sy = y;
                    break;
                case 3:
                    sx = sw - 1 - x, sy = sh - 1 - y;
                    break;
                case 4:
                    sx = x, sy = sh - 1 - y;
                    break;
                case 5:
                    sx = y, sy = x;
                    break;
                case 6:
                    sx = y, sy = sh - 1 - x;
                    break;
                case 7:
                    sx = sw - 1 - y, sy = sh - 1 - x;
                    break;
                default:
                    sx = sw - 1 - y, sy = x;
                    break; /* 8 */
            }
            memcpy(d, img->pixels + (size_t)sy * img->stride + (size_t)sx * c, (size_t)c);
        }
    }
    vg_image_release(img);
    *img = t;
    return VG_OK;
}

vg_status vg_image_decode(const void *data, size_t len, const struct vg_image_opts *lim,
                          struct vg_image *out, char *err, size_t cap)
{
    struct vg_image_opts l;
    vg_status rc;
    int orientation = 1;
    if (!out)
        return VG_EINVAL;
    memset(out, 0, sizeof *out);
    if (!data && len)
        return VG_EINVAL;
    limits_resolve(lim, &l);
    if (len > l.max_bytes) {
        vg_errf(err, cap, "image of %zu bytes is over the limit of %zu", len, l.max_bytes);
        return VG_ELIMIT;
    }
    switch (sniff(data, len)) {
        case FMT_JPEG:
            rc = decode_jpeg(data, len, &l, out, &orientation, err, cap);
            break;
        case FMT_PNG:
            rc = decode_png(data, len, &l, out, err, cap);
            break;
        case FMT_WEBP:
            rc = decode_webp(data, len, &l, out, err, cap);
            break;
        default:
            vg_errf(err, cap, "not a JPEG, PNG or WebP image");
            return VG_EFORMAT;
    }
    if (l.ignore_orientation)
        orientation = 1;
    if (!rc && (rc = apply_orientation(out, orientation)))
        vg_image_release(out);
    return rc;
}

vg_status vg_image_read_file(const char *path, const struct vg_image_opts *lim,
                             struct vg_image *out, char *err, size_t cap)
{
    struct vg_image_opts l;
    struct vg_buf b;
    if (!out || !path)
        return VG_EINVAL;
    memset(out, 0, sizeof *out);
    limits_resolve(lim, &l);
    vg_buf_init(&b, l.max_bytes);
    vg_status rc = vg_buf_read_file(&b, path);
    if (rc == VG_ELIMIT)
        vg_errf(err, cap, "file is over the limit of %zu bytes", l.max_bytes);
    else if (rc == VG_ENOENT || rc == VG_EIO)
        vg_errf(err, cap, "cannot %s the file", rc == VG_ENOENT ? "open" : "read");
    else if (!rc)
        rc = vg_image_decode(b.data, b.len, &l, out, err, cap);
    vg_buf_release(&b);
    return rc;
}
