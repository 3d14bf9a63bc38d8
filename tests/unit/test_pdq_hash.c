/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_pdq_hash.c: the PDQ hash and the image decoders.
 * - Conformance with Meta's reference C++ build: every row of
 *   ../shared/data/pdq-reference/reference_hashes_current.csv is hashed and its distance printed;
 *   lossless (PNG) and WebP rows must be exact, JPEG rows within 2 bits, qualities equal. The
 *   older published outputs (expected_hashes.csv) are a second check with a looser bound.
 *   Both skip when the shared data is absent.
 * - The dihedral variants computed from one DCT against the hashes of the rotated and flipped
 *   files, and EXIF orientation against the dihedral variant it implies.
 * - Invented images (always run): images encoded here with libpng and libjpeg in every layout
 *   the decoders handle (palette, grey, grey+alpha, 16-bit, RGBA, EXIF orientation 6), decoded
 *   and checked pixel by pixel; tiny and flat images; garbage and over-limit input refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jpeglib.h>
#include <png.h>

#include "pdq.h"
#include "pdq_int.h"

#define REF_DIR VG_SHARED_DATA "/pdq-reference"

static int file_exists(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f)
        fclose(f);
    return f != NULL;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

/* Hash a file of the reference set as the reference tool does (EXIF not applied). */
static int hash_ref_file(const char *rel, struct vg_pdq *out, int n_out, int *quality)
{
    char path[1024], err[256] = "";
    struct vg_image_opts o = { .ignore_orientation = 1 };
    snprintf(path, sizeof path, "%s/%s", REF_DIR, rel);
    vg_status rc = vg_pdq_hash_file(path, &o, out, n_out, quality, err, sizeof err);
    if (rc)
        printf("  %s: %s\n", rel, err);
    return rc;
}

/* ---- conformance on reference_hashes_current.csv ------------------------------------------ */

static void reference_current(void **state)
{
    (void)state;
    FILE *f = fopen(REF_DIR "/reference_hashes_current.csv", "r");
    if (!f) {
        printf("  (skipped: %s absent)\n", REF_DIR);
        skip();
    }
    char line[512];
    int rows = 0, exact = 0, worst = 0;
    assert_non_null(fgets(line, sizeof line, f)); /* header */
    printf("  %-48s %5s %4s %4s\n", "image", "dist", "q", "refq");
    while (fgets(line, sizeof line, f)) {
        char rel[256], hex[80];
        int ref_q;
        if (sscanf(line, "%255[^,],%79[^,],%d", rel, hex, &ref_q) != 3)
            continue;
        struct vg_pdq want, got;
        int q = -1;
        assert_int_equal(vg_pdq_from_hex(hex, &want), VG_OK);
        assert_int_equal(hash_ref_file(rel, &got, 1, &q), VG_OK);
        int d = vg_pdq_distance(&want, &got);
        printf("  %-48s %5d %4d %4d\n", rel, d, q, ref_q);
        rows++;
        exact += d == 0;
        worst = d > worst ? d : worst;
        if (ends_with(rel, ".jpg"))
            assert_true(d <= 2);
        else
            assert_int_equal(d, 0); /* PNG (lossless) and WebP decode deterministically */
        assert_int_equal(q, ref_q);
    }
    fclose(f);
    printf("  %d rows, %d exact, largest distance %d\n", rows, exact, worst);
    assert_int_equal(rows, 49);
}

/* ---- second check: older published outputs ------------------------------------------------ */

static void expected_published(void **state)
{
    (void)state;
    FILE *f = fopen(REF_DIR "/expected_hashes.csv", "r");
    if (!f)
        skip();
    char line[512];
    int rows = 0, worst = 0;
    assert_non_null(fgets(line, sizeof line, f));
    while (fgets(line, sizeof line, f)) {
        /* image_path,pdq_hash_hex,quality,implementation,...; quality may be empty */
        char rel[256], hex[80], impl[128] = "";
        const char *fields[4] = { line, NULL, NULL, NULL };
        for (int k = 1; k < 4 && fields[k - 1]; k++) {
            const char *c = strchr(fields[k - 1], ',');
            fields[k] = c ? c + 1 : NULL;
        }
        if (!fields[3] || sscanf(fields[0], "%255[^,]", rel) != 1 ||
            sscanf(fields[1], "%79[^,]", hex) != 1)
            continue;
        sscanf(fields[3], "%127[^,]", impl);
        const char *p = rel;
        while (!strncmp(p, "../", 3))
            p += 3;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", REF_DIR, p);
        if (!file_exists(path)) { /* b.jpg was removed upstream */
            printf("  %-48s absent (%s)\n", p, impl);
            continue;
        }
        struct vg_pdq want, got;
        int q;
        assert_int_equal(vg_pdq_from_hex(hex, &want), VG_OK);
        assert_int_equal(hash_ref_file(p, &got, 1, &q), VG_OK);
        int d = vg_pdq_distance(&want, &got);
        printf("  %-48s %5d  %s\n", p, d, impl);
        worst = d > worst ? d : worst;
        rows++;
        /* Other builds and decoders: a few bits apart, far below the match threshold. */
        assert_true(d <= 16);
    }
    fclose(f);
    printf("  %d rows compared, largest distance %d\n", rows, worst);
    assert_true(rows >= 40);
}

/* ---- dihedral variants and EXIF orientation ------------------------------------------------ */

static const char *dih_files[VG_PDQ__DIHEDRAL] = {
    "data/reg-test-input/dih/bridge-1-original.jpg",
    "data/reg-test-input/dih/bridge-2-rotate-90.jpg",
    "data/reg-test-input/dih/bridge-3-rotate-180.jpg",
    "data/reg-test-input/dih/bridge-4-rotate-270.jpg",
    "data/reg-test-input/dih/bridge-5-flipx.jpg",
    "data/reg-test-input/dih/bridge-6-flipy.jpg",
    "data/reg-test-input/dih/bridge-7-flip-plus-1.jpg",
    "data/reg-test-input/dih/bridge-8-flip-minus-1.jpg",
};

static void dihedral_variants(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", REF_DIR, dih_files[0]);
    if (!file_exists(path))
        skip();
    struct vg_pdq variants[VG_PDQ__DIHEDRAL], one[VG_PDQ__DIHEDRAL];
    int q, q1;
    assert_int_equal(hash_ref_file(dih_files[0], variants, VG_PDQ__DIHEDRAL, &q), VG_OK);
    for (int t = 0; t < VG_PDQ__DIHEDRAL; t++) {
        struct vg_pdq h;
        assert_int_equal(hash_ref_file(dih_files[t], &h, 1, &q1), VG_OK);
        int d = vg_pdq_distance(&variants[t], &h);
        int d_other = 256;
        for (int u = 0; u < VG_PDQ__DIHEDRAL; u++)
            if (u != t && vg_pdq_distance(&variants[u], &h) < d_other)
                d_other = vg_pdq_distance(&variants[u], &h);
        printf("  variant %d vs %s: %d bits (nearest other variant %d)\n", t, dih_files[t], d,
               d_other);
        /* The files were rotated and re-encoded as JPEG: a few bits move. */
        assert_true(d <= 24);      /* the transformed file matches its variant... */
        assert_true(d_other > 64); /* ...and no other */
    }
    /* The first variant is the plain hash. */
    assert_int_equal(hash_ref_file(dih_files[0], one, 1, &q1), VG_OK);
    assert_memory_equal(&one[0], &variants[0], sizeof one[0]);
    assert_int_equal(q, q1);
}

/* exif-rotn-N stores the photo turned; upright it must hash near the matching variant of the
 * stored pixels' hash (3: rotated 180; 6: displayed turned 90 clockwise; 8: 270). */
static void exif_orientation(void **state)
{
    (void)state;

    static const struct {
        const char *file;
        enum vg_pdq_dihedral t;
    } cases[] = {
        { "data/reg-test-input/exif-rotn/exif-rotn-1.jpg", VG_PDQ_ORIGINAL },
        { "data/reg-test-input/exif-rotn/exif-rotn-3.jpg", VG_PDQ_ROTATE180 },
        { "data/reg-test-input/exif-rotn/exif-rotn-6.jpg", VG_PDQ_ROTATE270 },
        { "data/reg-test-input/exif-rotn/exif-rotn-8.jpg", VG_PDQ_ROTATE90 },
    };

    char path[1024], err[256];
    snprintf(path, sizeof path, "%s/%s", REF_DIR, cases[0].file);
    if (!file_exists(path))
        skip();
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct vg_pdq raw[VG_PDQ__DIHEDRAL], upright;
        int q;
        assert_int_equal(hash_ref_file(cases[k].file, raw, VG_PDQ__DIHEDRAL, &q), VG_OK);
        snprintf(path, sizeof path, "%s/%s", REF_DIR, cases[k].file);
        assert_int_equal(vg_pdq_hash_file(path, NULL, &upright, 1, &q, err, sizeof err), VG_OK);
        int d = vg_pdq_distance(&raw[cases[k].t], &upright);
        printf("  %s upright vs variant %d of the stored pixels: %d bits\n", cases[k].file,
               cases[k].t, d);
        assert_true(d <= 24);
        if (cases[k].t != VG_PDQ_ORIGINAL)
            assert_true(vg_pdq_distance(&raw[0], &upright) > 64);
    }
}

/* ---- invented images ----------------------------------------------------------------------- */

struct mem {
    uint8_t *p;
    size_t len, cap;
};

static void png_write_mem(png_structp png, png_bytep data, size_t n)
{
    struct mem *m = png_get_io_ptr(png);
    if (m->len + n > m->cap) {
        m->cap = (m->len + n) * 2;
        m->p = realloc(m->p, m->cap);
    }
    memcpy(m->p + m->len, data, n);
    m->len += n;
}

static void png_flush_mem(png_structp png)
{
    (void)png;
}

/* Encode w x h samples (rows of w * channels * bytes_per_sample) as a PNG of color_type. */
static struct mem png_encode(int w, int h, int color_type, int depth, const uint8_t *rows,
                             const png_color *palette, int n_palette)
{
    struct mem m = { 0 };
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    assert_int_equal(setjmp(png_jmpbuf(png)), 0);
    png_set_write_fn(png, &m, png_write_mem, png_flush_mem);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, depth, color_type, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (palette)
        png_set_PLTE(png, info, palette, n_palette);
    png_write_info(png, info);
    size_t row_bytes = png_get_rowbytes(png, info);
    for (int y = 0; y < h; y++)
        png_write_row(png, rows + (size_t)y * row_bytes);
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return m;
}

static void decode_png_layouts(void **state)
{
    (void)state;
    struct vg_image img;
    char err[256];
    /* Palette 3 x 2. */
    png_color pal[3] = { { 255, 0, 0 }, { 0, 255, 0 }, { 10, 20, 30 } };
    uint8_t idx[6] = { 0, 1, 2, 2, 1, 0 };
    struct mem m = png_encode(3, 2, PNG_COLOR_TYPE_PALETTE, 8, idx, pal, 3);
    assert_int_equal(vg_image_decode(m.p, m.len, NULL, &img, err, sizeof err), VG_OK);
    assert_int_equal(img.channels, 3);
    assert_int_equal(img.width, 3);
    assert_int_equal(img.height, 2);
    assert_int_equal(img.pixels[0], 255);
    assert_int_equal(img.pixels[4], 255);
    assert_int_equal(img.pixels[6 + 1], 20);
    assert_int_equal(img.pixels[img.stride + 0], 10);
    vg_image_release(&img);
    free(m.p);

    /* Grey + alpha: one channel, alpha dropped (not composited). */
    uint8_t ga[4] = { 200, 0, 50, 255 };
    m = png_encode(2, 1, PNG_COLOR_TYPE_GRAY_ALPHA, 8, ga, NULL, 0);
    assert_int_equal(vg_image_decode(m.p, m.len, NULL, &img, err, sizeof err), VG_OK);
    assert_int_equal(img.channels, 1);
    assert_int_equal(img.pixels[0], 200);
    assert_int_equal(img.pixels[1], 50);
    vg_image_release(&img);
    free(m.p);

    /* 16-bit RGBA, big-endian samples: rounded to 8 bits, alpha dropped. */
    uint8_t rgba16[8] = { 0xff, 0xff, 0x80, 0x00, 0x00, 0x00, 0x12, 0x34 };
    m = png_encode(1, 1, PNG_COLOR_TYPE_RGB_ALPHA, 16, rgba16, NULL, 0);
    assert_int_equal(vg_image_decode(m.p, m.len, NULL, &img, err, sizeof err), VG_OK);
    assert_int_equal(img.channels, 3);
    assert_int_equal(img.pixels[0], 255);
    assert_int_equal(img.pixels[1], 128); /* 0x8000 / 257 = 127.5, rounded */
    assert_int_equal(img.pixels[2], 0);
    vg_image_release(&img);
    free(m.p);

    /* 1-bit grey: 0 and 255. */
    uint8_t bits[1] = { 0x40 };
    m = png_encode(2, 1, PNG_COLOR_TYPE_GRAY, 1, bits, NULL, 0);
    assert_int_equal(vg_image_decode(m.p, m.len, NULL, &img, err, sizeof err), VG_OK);
    assert_int_equal(img.channels, 1);
    assert_int_equal(img.pixels[0], 0);
    assert_int_equal(img.pixels[1], 255);
    vg_image_release(&img);

    /* Truncated: an error that says PNG, and the image left empty. */
    err[0] = '\0';
    assert_int_equal(vg_image_decode(m.p, m.len - 20, NULL, &img, err, sizeof err), VG_EPARSE);
    assert_non_null(strstr(err, "PNG"));
    assert_null(img.pixels);
    free(m.p);
}

/* A w x h RGB JPEG at quality 100 whose left half is black and right half white, with an EXIF
 * APP1 segment carrying orientation o (0: none). */
static struct mem jpeg_encode(int w, int h, int o)
{
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr e;
    unsigned char *buf = NULL;
    unsigned long len = 0;
    c.err = jpeg_std_error(&e);
    jpeg_create_compress(&c);
    jpeg_mem_dest(&c, &buf, &len);
    c.image_width = (JDIMENSION)w;
    c.image_height = (JDIMENSION)h;
    c.input_components = 3;
    c.in_color_space = JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 100, TRUE);
    jpeg_start_compress(&c, TRUE);
    if (o) { /* "Exif\0\0", little-endian TIFF, IFD0 with one entry: 0x0112 SHORT 1 o */
        uint8_t app1[] = { 'E',  'x', 'i', 'f', 0, 0, 'I', 'I', 42,         0, 8, 0, 0, 0, 1, 0,
                           0x12, 1,   3,   0,   1, 0, 0,   0,   (uint8_t)o, 0, 0, 0, 0, 0, 0, 0 };
        jpeg_write_marker(&c, JPEG_APP0 + 1, app1, sizeof app1);
    }
    uint8_t *row = malloc((size_t)w * 3);
    for (int x = 0; x < w; x++)
        memset(row + 3 * x, x < w / 2 ? 0 : 255, 3);
    while (c.next_scanline < c.image_height)
        jpeg_write_scanlines(&c, &row, 1);
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    free(row);
    return (struct mem){ buf, len, len };
}

static void decode_jpeg_exif(void **state)
{
    (void)state;
    struct vg_image img;
    char err[256];
    struct mem m = jpeg_encode(32, 16, 0);
    assert_int_equal(vg_image_decode(m.p, m.len, NULL, &img, err, sizeof err), VG_OK);
    assert_int_equal(img.width, 32);
    assert_int_equal(img.height, 16);
    assert_true(img.pixels[0] < 8);                /* left: black */
    assert_true(img.pixels[img.stride - 1] > 247); /* right: white */
    vg_image_release(&img);
    free(m.p);

    /* Orientation 6: stored rows are shown turned 90 degrees clockwise, so the black left half
     * becomes the top half of a 16 x 32 image. */
    m = jpeg_encode(32, 16, 6);
    assert_int_equal(vg_image_decode(m.p, m.len, NULL, &img, err, sizeof err), VG_OK);
    assert_int_equal(img.width, 16);
    assert_int_equal(img.height, 32);
    assert_true(img.pixels[0] < 8);
    assert_true(img.pixels[(size_t)31 * img.stride] > 247);
    vg_image_release(&img);
    struct vg_image_opts raw = { .ignore_orientation = 1 };
    assert_int_equal(vg_image_decode(m.p, m.len, &raw, &img, err, sizeof err), VG_OK);
    assert_int_equal(img.width, 32);
    vg_image_release(&img);

    /* Limits: the side and the byte count. */
    struct vg_image_opts small = { .max_side = 20 };
    err[0] = '\0';
    assert_int_equal(vg_image_decode(m.p, m.len, &small, &img, err, sizeof err), VG_ELIMIT);
    assert_non_null(strstr(err, "32x16"));
    struct vg_image_opts tiny = { .max_bytes = 100 };
    assert_int_equal(vg_image_decode(m.p, m.len, &tiny, &img, err, sizeof err), VG_ELIMIT);
    /* Garbage after a JPEG signature. */
    uint8_t junk[64] = { 0xff, 0xd8, 0xff, 0x01 };
    assert_int_equal(vg_image_decode(junk, sizeof junk, NULL, &img, err, sizeof err), VG_EPARSE);
    assert_non_null(strstr(err, "JPEG"));
    assert_int_equal(vg_image_decode("GIF89a", 6, NULL, &img, err, sizeof err), VG_EFORMAT);
    assert_int_equal(vg_image_decode("", 0, NULL, &img, err, sizeof err), VG_EFORMAT);
    free(m.p);
}

static void exif_parser(void **state)
{
    (void)state;
    uint8_t le[] = { 'E', 'x', 'i',  'f', 0, 0, 'I', 'I', 42, 0, 8, 0, 0, 0,
                     1,   0,   0x12, 1,   3, 0, 1,   0,   0,  0, 8, 0, 0, 0 };
    uint8_t be[] = { 'E', 'x', 'i', 'f',  0, 0, 'M', 'M', 0, 42, 0, 0, 0, 8,
                     0,   1,   1,   0x12, 0, 3, 0,   0,   0, 1,  0, 3, 0, 0 };
    assert_int_equal(vg__exif_orientation(le, sizeof le), 8);
    assert_int_equal(vg__exif_orientation(be, sizeof be), 3);
    assert_int_equal(vg__exif_orientation(le, sizeof le - 4), 0); /* entry cut short */
    le[24] = 9;
    assert_int_equal(vg__exif_orientation(le, sizeof le), 0); /* out of range */
    be[13] = 200;                                             /* IFD offset past the end */
    assert_int_equal(vg__exif_orientation(be, sizeof be), 0);
    assert_int_equal(vg__exif_orientation((const uint8_t *)"Exif", 4), 0);
}

/* Pixel-level hashing properties on an invented pattern. */
static void fill_pattern(struct vg_image *img, uint32_t w, uint32_t h)
{
    img->width = w;
    img->height = h;
    img->channels = 1;
    img->stride = w;
    img->pixels = malloc((size_t)w * h);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++)
            img->pixels[(size_t)y * w + x] =
                    (uint8_t)((x * 7 + y * 3) % 256 ^ ((x / 9 + y / 5) % 2 ? 0x55 : 0));
}

static void hash_properties(void **state)
{
    (void)state;
    struct vg_image img;
    struct vg_pdq h[VG_PDQ__DIHEDRAL], t[1], zero;
    int q;
    memset(&zero, 0, sizeof zero);

    /* Under 5 pixels a side: zero hash, quality 0. */
    fill_pattern(&img, 4, 100);
    assert_int_equal(vg_pdq_hash_image(&img, h, 1, &q), VG_OK);
    assert_int_equal(q, 0);
    assert_memory_equal(&h[0], &zero, sizeof zero);
    free(img.pixels);

    /* A flat image has no gradient: quality 0. */
    img = (struct vg_image){ malloc(100 * 80), 100, 80, 100, 1 };
    memset(img.pixels, 128, 100 * 80);
    assert_int_equal(vg_pdq_hash_image(&img, h, 1, &q), VG_OK);
    assert_int_equal(q, 0);
    free(img.pixels);

    /* A textured image: 128 bits set (above the median), good quality, deterministic. */
    fill_pattern(&img, 200, 120);
    assert_int_equal(vg_pdq_hash_image(&img, h, VG_PDQ__DIHEDRAL, &q), VG_OK);
    assert_int_equal(vg_pdq_distance(&h[0], &zero), 128);
    assert_int_equal(q, 100);
    /* The same pixels as RGB with R = G = B give the same hash up to luma rounding. */
    struct vg_image rgb = { malloc(200 * 120 * 3), 200, 120, 600, 3 };
    for (size_t k = 0; k < 200 * 120; k++)
        memset(rgb.pixels + 3 * k, img.pixels[k], 3);
    assert_int_equal(vg_pdq_hash_image(&rgb, t, 1, &q), VG_OK);
    assert_true(vg_pdq_distance(&t[0], &h[0]) <= 4);
    /* Flipping the pixels top to bottom hashes near the FLIPX variant. */
    for (uint32_t y = 0; y < 60; y++)
        for (uint32_t x = 0; x < 200; x++) {
            uint8_t a = img.pixels[y * 200 + x];
            img.pixels[y * 200 + x] = img.pixels[(119 - y) * 200 + x];
            img.pixels[(119 - y) * 200 + x] = a;
        }
    assert_int_equal(vg_pdq_hash_image(&img, t, 1, &q), VG_OK);
    printf("  flipped pixels vs FLIPX variant: %d bits\n", vg_pdq_distance(&t[0], &h[4]));
    assert_true(vg_pdq_distance(&t[0], &h[VG_PDQ_FLIPX]) <= 16);
    assert_true(vg_pdq_distance(&t[0], &h[VG_PDQ_ORIGINAL]) > 64);
    free(img.pixels);
    free(rgb.pixels);

    /* Bad arguments. */
    img = (struct vg_image){ NULL, 10, 10, 10, 1 };
    assert_int_equal(vg_pdq_hash_image(&img, h, 1, &q), VG_EINVAL);
    uint8_t px[100];
    img.pixels = px;
    assert_int_equal(vg_pdq_hash_image(&img, h, 9, &q), VG_EINVAL);
    img.channels = 2;
    assert_int_equal(vg_pdq_hash_image(&img, h, 1, &q), VG_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reference_current),  cmocka_unit_test(expected_published),
        cmocka_unit_test(dihedral_variants),  cmocka_unit_test(exif_orientation),
        cmocka_unit_test(decode_png_layouts), cmocka_unit_test(decode_jpeg_exif),
        cmocka_unit_test(exif_parser),        cmocka_unit_test(hash_properties),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
