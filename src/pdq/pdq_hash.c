/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pdq_hash.c: the PDQ perceptual hash (Meta's 2017 algorithm) of decoded pixels. The steps
 * follow the reference C++ implementation (facebook/ThreatExchange pdq/cpp) so that the same
 * pixels give the same 256 bits:
 *   1. images larger than 512 on a side are first reduced to 512 x 512 by nearest neighbour
 *      (the reference does this with CImg's resize before hashing, aspect ratio not kept);
 *   2. luminance Y = 0.299 R + 0.587 G + 0.114 B in single precision (grey taken as is);
 *   3. two passes of row and column box filters ("Jarosz" tent filter) with windows of
 *      ceil(side / 128), then decimation to 64 x 64 by sampling the centres of the cells;
 *   4. the quality score from the 64 x 64 image's quantised gradients (0..100);
 *   5. a 16 x 16 DCT (coefficients 1..16 of a 64-point DCT-II along each axis);
 *   6. one bit per coefficient: set when it is above the median (the 128th smallest).
 * The eight dihedral transforms of the image (rotations and flips) permute and negate DCT
 * coefficients, so their hashes come from the one DCT without re-hashing pixels.
 * The floating-point operations are done in the reference's order and precision: exact bit
 * agreement on the same pixels depends on it.
 */
#include <math.h>
#include <string.h>

#include "pdq.h"

#define CELLS       64 /* the downsampled image is CELLS x CELLS */
#define DCT_N       16 /* coefficients kept along each axis */
#define JAROSZ_REPS 2  /* two box passes per axis make a tent filter */
#define MIN_SIDE    5  /* smaller images hash to zero with quality 0, as in the reference */

/* 16 x 64 DCT-II basis (rows 1..16), scaled by sqrt(2/64); built once. */
static float dct_basis[DCT_N][CELLS];
static pthread_once_t dct_once = PTHREAD_ONCE_INIT;

static void dct_basis_init(void)
{
    const double pi = 3.14159265358979323846;
    /* The scale is rounded to float first and each product rounded to float after, as in the
     * reference; the last bit of a coefficient can decide a hash bit. */
    const float scale = (float)sqrt(2.0 / CELLS);
    for (int i = 0; i < DCT_N; i++)
        for (int j = 0; j < CELLS; j++)
            dct_basis[i][j] = (float)(scale * cos((pi / 2.0 / CELLS) * (i + 1) * (2 * j + 1)));
}

/* Box filter along one line of n values read and written `stride` apart: each output is the mean
 * of the window around it, the window shrinking at both ends. A running sum, in float. */
static void box_line(const float *in, float *out, int n, int stride, int window)
{
    int half = (window + 2) / 2;
    int lead = half - 1, head = window - half + 1, body = n - window, tail = half - 1;
    float sum = 0;
    int count = 0, li = 0, ri = 0, oi = 0;
    /* Windows longer than the line (tiny images) are clipped: a line shorter than the
     * reference's phases would read outside it. */
    if (body < 0) {
        for (int k = 0; k < n; k++) {
            int lo = k - (half - 1), hi = k + (window - half);
            float s = 0;
            int c = 0;
            for (int m = lo < 0 ? 0 : lo; m <= hi && m < n; m++, c++)
                s += in[m * stride];
            out[k * stride] = s / (float)c;
        }
        return;
    }
    for (int k = 0; k < lead; k++, ri += stride, count++)
        sum += in[ri];
    for (int k = 0; k < head; k++, ri += stride, oi += stride) {
        sum += in[ri];
        count++;
        out[oi] = sum / (float)count;
    }
    for (int k = 0; k < body; k++, li += stride, ri += stride, oi += stride) {
        sum += in[ri];
        sum -= in[li];
        out[oi] = sum / (float)count;
    }
    for (int k = 0; k < tail; k++, li += stride, oi += stride) {
        sum -= in[li];
        count--;
        out[oi] = sum / (float)count;
    }
}

static int jarosz_window(int side)
{
    return (side + 2 * CELLS - 1) / (2 * CELLS);
}

/*
 * The column pass of box_line on every column at once: row by row, each column's running sum
 * takes exactly the operations box_line would do on it, in the same order (so the same bits),
 * but memory is read along rows and the compiler can vectorise across columns. sum holds cols
 * floats. Lines shorter than the window go through box_line.
 */
static void box_columns(const float *in, float *out, int rows, int cols, int window, float *sum)
{
    int half = (window + 2) / 2;
    int lead = half - 1, head = window - half + 1, body = rows - window, tail = half - 1;
    if (body < 0) {
        for (int j = 0; j < cols; j++)
            box_line(in + j, out + j, rows, cols, window);
        return;
    }
    size_t w = (size_t)cols;
    const float *ri = in, *li = in;
    float *oi = out;
    int count = 0;
    for (int j = 0; j < cols; j++)
        sum[j] = 0;
    for (int k = 0; k < lead; k++, ri += w, count++)
        for (int j = 0; j < cols; j++)
            sum[j] += ri[j];
    for (int k = 0; k < head; k++, ri += w, oi += w) {
        count++;
        for (int j = 0; j < cols; j++) {
            sum[j] += ri[j];
            oi[j] = sum[j] / (float)count;
        }
    }
    for (int k = 0; k < body; k++, li += w, ri += w, oi += w)
        for (int j = 0; j < cols; j++) {
            sum[j] += ri[j];
            sum[j] -= li[j];
            oi[j] = sum[j] / (float)count;
        }
    for (int k = 0; k < tail; k++, li += w, oi += w) {
        count--;
        for (int j = 0; j < cols; j++) {
            sum[j] -= li[j];
            oi[j] = sum[j] / (float)count;
        }
    }
}

/* Blur a (rows x cols) in place (tmp is scratch of the same size, sum of cols floats), then
 * sample 64 x 64 at the centres of the cells. */
static void downsample(float *a, float *tmp, float *sum, int rows, int cols,
                       float out[CELLS][CELLS])
{
    int wr = jarosz_window(cols), wc = jarosz_window(rows);
    for (int rep = 0; rep < JAROSZ_REPS; rep++) {
        for (int i = 0; i < rows; i++)
            box_line(a + (size_t)i * cols, tmp + (size_t)i * cols, cols, 1, wr);
        box_columns(tmp, a, rows, cols, wc, sum);
    }
    for (int oi = 0; oi < CELLS; oi++) {
        int ii = (int)(((oi + 0.5) * rows) / CELLS);
        for (int oj = 0; oj < CELLS; oj++) {
            int jj = (int)(((oj + 0.5) * cols) / CELLS);
            out[oi][oj] = a[(size_t)ii * cols + jj];
        }
    }
}

/* Sum of quantised absolute differences between neighbours, scaled to 0..100. */
static int quality_of(const float a[CELLS][CELLS])
{
    int sum = 0;
    for (int i = 0; i < CELLS - 1; i++)
        for (int j = 0; j < CELLS; j++) {
            int d = (int)(((a[i][j] - a[i + 1][j]) * 100) / 255);
            sum += abs(d);
        }
    for (int i = 0; i < CELLS; i++)
        for (int j = 0; j < CELLS - 1; j++) {
            int d = (int)(((a[i][j] - a[i][j + 1]) * 100) / 255);
            sum += abs(d);
        }
    int q = sum / 90;
    return q > 100 ? 100 : q;
}

/* B = D A D^T with D the 16 x 64 basis; sums run over k in order, in float. */
static void dct_16(const float a[CELLS][CELLS], float b[DCT_N][DCT_N])
{
    float t[DCT_N][CELLS];
    pthread_once(&dct_once, dct_basis_init);
    for (int i = 0; i < DCT_N; i++)
        for (int j = 0; j < CELLS; j++) {
            float s = 0;
            for (int k = 0; k < CELLS; k++)
                s += dct_basis[i][k] * a[k][j];
            t[i][j] = s;
        }
    for (int i = 0; i < DCT_N; i++)
        for (int j = 0; j < DCT_N; j++) {
            float s = 0;
            for (int k = 0; k < CELLS; k++)
                s += t[i][k] * dct_basis[j][k];
            b[i][j] = s;
        }
}

static int float_cmp(const void *x, const void *y)
{
    float a = *(const float *)x, b = *(const float *)y;
    return (a > b) - (a < b);
}

/* Bit k = 16 i + j is set when coefficient (i, j) exceeds the median; bit 255 is the first hex
 * digit's high bit, so bit k lives in bytes[31 - k / 8]. */
static void bits_of(const float b[DCT_N][DCT_N], struct vg_pdq *out)
{
    float sorted[DCT_N * DCT_N];
    memcpy(sorted, b, sizeof sorted);
    qsort(sorted, DCT_N * DCT_N, sizeof sorted[0], float_cmp);
    float median = sorted[DCT_N * DCT_N / 2 - 1]; /* the lower median, as Torben's selection */
    memset(out, 0, sizeof *out);
    for (int i = 0; i < DCT_N; i++)
        for (int j = 0; j < DCT_N; j++)
            if (b[i][j] > median) {
                int k = i * DCT_N + j;
                out->bytes[VG_PDQ_BYTES - 1 - k / 8] |= (uint8_t)(1u << (k % 8));
            }
}

/*
 * The DCT of a transformed image from the original's: a flip along an axis negates the odd
 * frequencies on it (with 1-based frequencies kept from index 0, index i is frequency i + 1,
 * so the even indices change sign); a transpose swaps the axes.
 */
static void dct_dihedral(const float a[DCT_N][DCT_N], enum vg_pdq_dihedral t, float b[DCT_N][DCT_N])
{
    int flip_rows = 0, flip_cols = 0, transpose = 0;
    switch (t) {
        case VG_PDQ_ORIGINAL:
            break;
        case VG_PDQ_ROTATE90:
            transpose = 1, flip_cols = 1;
            break;
        case VG_PDQ_ROTATE180:
            flip_rows = 1, flip_cols = 1;
            break;
        case VG_PDQ_ROTATE270:
            transpose = 1, flip_rows = 1;
            break;
        case VG_PDQ_FLIPX:
            flip_rows = 1;
            break;
        case VG_PDQ_FLIPY:
            flip_cols = 1;
            break;
        case VG_PDQ_FLIP_PLUS1:
            transpose = 1;
            break;
        case VG_PDQ_FLIP_MINUS1:
            transpose = 1, flip_rows = 1, flip_cols = 1;
            break;
    }
    for (int i = 0; i < DCT_N; i++)
        for (int j = 0; j < DCT_N; j++) {
            int neg = (flip_rows && !(i & 1)) ^ (flip_cols && !(j & 1));
            float v = neg ? -a[i][j] : a[i][j];
            if (transpose)
                b[j][i] = v;
            else
                b[i][j] = v;
        }
}

vg_status vg_pdq_hash_luma(float *luma, float *scratch, int rows, int cols, struct vg_pdq *out,
                           int n_out, int *quality)
{
    if (!luma || !out || !quality || rows <= 0 || cols <= 0 || n_out < 1 ||
        n_out > VG_PDQ__DIHEDRAL)
        return VG_EINVAL;
    if (rows < MIN_SIDE || cols < MIN_SIDE) {
        memset(out, 0, sizeof *out * (size_t)n_out);
        *quality = 0;
        return VG_OK;
    }
    float small[CELLS][CELLS], dct[DCT_N][DCT_N], aux[DCT_N][DCT_N];
    if (rows == CELLS && cols == CELLS) {
        /* Already 64 x 64: the reference takes it as is, without the blur. */
        memcpy(small, luma, sizeof small);
    } else {
        float *sum = scratch ? vg_malloc((size_t)cols * sizeof *sum) : NULL;
        if (!sum)
            return scratch ? VG_ENOMEM : VG_EINVAL;
        downsample(luma, scratch, sum, rows, cols, small);
        vg_free(sum);
    }
    *quality = quality_of(small);
    dct_16(small, dct);
    bits_of(dct, &out[0]);
    for (int t = 1; t < n_out; t++) {
        dct_dihedral(dct, (enum vg_pdq_dihedral)t, aux);
        bits_of(aux, &out[t]);
    }
    return VG_OK;
}

/* The reference's reduction of large images: nearest neighbour to 512 x 512, source index
 * floor(x * W / 512) (CImg's resize, interpolation 1). */
static uint32_t source_index(uint32_t x, uint32_t from, uint32_t to)
{
    return from == to ? x : (uint32_t)((uint64_t)x * from / to);
}

static void luma_of(const struct vg_image *img, uint32_t rows, uint32_t cols, float *out)
{
    const float kr = 0.299f, kg = 0.587f, kb = 0.114f;
    for (uint32_t i = 0; i < rows; i++) {
        const uint8_t *row = img->pixels + (size_t)source_index(i, img->height, rows) * img->stride;
        float *o = out + (size_t)i * cols;
        if (img->channels == 1) {
            for (uint32_t j = 0; j < cols; j++)
                o[j] = (float)row[source_index(j, img->width, cols)];
        } else {
            for (uint32_t j = 0; j < cols; j++) {
                const uint8_t *p = row + (size_t)source_index(j, img->width, cols) * 3;
                o[j] = kr * p[0] + kg * p[1] + kb * p[2];
            }
        }
    }
}

vg_status vg_pdq_hash_image(const struct vg_image *img, struct vg_pdq *out, int n_out, int *quality)
{
    if (!img || !img->pixels || !out || !quality || (img->channels != 1 && img->channels != 3) ||
        !img->width || !img->height || n_out < 1 || n_out > VG_PDQ__DIHEDRAL)
        return VG_EINVAL;
    uint32_t rows = img->height, cols = img->width;
    if (rows > VG_PDQ_REDUCE_SIDE || cols > VG_PDQ_REDUCE_SIDE)
        rows = cols = VG_PDQ_REDUCE_SIDE;
    size_t n = (size_t)rows * cols;
    float *a = vg_malloc(n * sizeof *a), *b = vg_malloc(n * sizeof *b);
    vg_status rc = VG_ENOMEM;
    if (!a || !b)
        goto fail;
    luma_of(img, rows, cols, a);
    rc = vg_pdq_hash_luma(a, b, (int)rows, (int)cols, out, n_out, quality);
fail:
    vg_free(a);
    vg_free(b);
    return rc;
}

vg_status vg_pdq_hash_file(const char *path, const struct vg_image_opts *opts, struct vg_pdq *out,
                           int n_out, int *quality, char *err, size_t cap)
{
    struct vg_image img;
    vg_status rc = vg_image_read_file(path, opts, &img, err, cap);
    if (rc)
        return rc;
    if ((rc = vg_pdq_hash_image(&img, out, n_out, quality)))
        vg_errf(err, cap, "cannot hash: %s", vg_strerror(rc));
    vg_image_release(&img);
    return rc;
}
