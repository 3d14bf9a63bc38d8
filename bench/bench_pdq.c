/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_pdq.c: speed of PDQ hashing on one thread, beside the decoding it needs.
 *
 * The images are the reference JPEGs of ../shared/data/pdq-reference (or the files given with
 * --dir), read into memory first. Then, R rounds each:
 *   1. decode only: vg_image_decode of every image (the baseline);
 *   2. decode + hash: vg_image_decode then vg_pdq_hash_image;
 *   3. hash of decoded pixels: vg_pdq_hash_image on images decoded beforehand;
 *   4. hash with the 8 dihedral variants, on decoded pixels.
 * Medians over the rounds, as images/s of this thread's CPU time (the machine is shared), and
 * the ratios to decoding. Large photos dominate decoding; the hash itself works on at most
 * 512 x 512 pixels (the reference's reduction). A benchmark, not a test: it prints figures.
 *
 *   bench_pdq [--dir DIR] [--rounds R]     (default: the reference set, 5 rounds)
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pdq.h"

#ifndef VG_SHARED_DATA
#define VG_SHARED_DATA VG_DATA_DIR "/../shared/data"
#endif

struct blob {
    char *path;
    uint8_t *data;
    size_t len;
    uint64_t pixels;
};

static double cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int is_jpeg_name(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && (!strcmp(name + n - 4, ".jpg") || !strcmp(name + n - 5, ".jpeg"));
}

/* Every .jpg under dir (one level of subfolders too). */
static void collect(const char *dir, int depth, struct blob **bs, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    if (!d)
        return;
    while ((e = readdir(d))) {
        char path[2048];
        if (e->d_name[0] == '.')
            continue;
        if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path)
            continue; /* a path too long to open is skipped, not truncated */
        if (is_jpeg_name(e->d_name)) {
            FILE *f = fopen(path, "rb");
            if (!f)
                continue;
            fseek(f, 0, SEEK_END);
            long len = ftell(f);
            fseek(f, 0, SEEK_SET);
            uint8_t *data = malloc((size_t)len);
            if (!data || fread(data, 1, (size_t)len, f) != (size_t)len) {
                free(data);
                fclose(f);
                continue;
            }
            fclose(f);
            *bs = realloc(*bs, (*n + 1) * sizeof **bs);
            (*bs)[(*n)++] = (struct blob){ strdup(path), data, (size_t)len, 0 };
        } else if (depth < 3) {
            collect(path, depth + 1, bs, n);
        }
    }
    closedir(d);
}

int main(int argc, char **argv)
{
    const char *dir = VG_SHARED_DATA "/pdq-reference/data";
    int rounds = 5;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--dir") && i + 1 < argc)
            dir = argv[++i];
        else if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
            rounds = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: bench_pdq [--dir DIR] [--rounds R]\n");
            return 2;
        }
    }
    if (rounds < 1 || rounds > 100)
        rounds = 5;
    struct blob *bs = NULL;
    size_t n = 0;
    collect(dir, 0, &bs, &n);
    if (!n) {
        fprintf(stderr, "bench_pdq: no .jpg under %s\n", dir);
        return 1;
    }
    struct vg_image *imgs = calloc(n, sizeof *imgs);
    uint64_t pixels = 0, bytes = 0;
    for (size_t i = 0; i < n; i++) {
        char err[256];
        if (vg_image_decode(bs[i].data, bs[i].len, NULL, &imgs[i], err, sizeof err)) {
            fprintf(stderr, "bench_pdq: %s: %s\n", bs[i].path, err);
            return 1;
        }
        pixels += (uint64_t)imgs[i].width * imgs[i].height;
        bytes += bs[i].len;
    }
    printf("PDQ: %zu JPEGs from %s, %.1f MB encoded, %.1f Mpixels decoded, %d rounds\n", n, dir,
           (double)bytes / 1e6, (double)pixels / 1e6, rounds);

    double *t[4];
    for (int k = 0; k < 4; k++)
        t[k] = calloc((size_t)rounds, sizeof(double));
    unsigned sink = 0;
    for (int r = 0; r < rounds; r++) {
        double t0 = cpu_s();
        for (size_t i = 0; i < n; i++) { /* 1: decode only */
            struct vg_image img;
            if (vg_image_decode(bs[i].data, bs[i].len, NULL, &img, NULL, 0))
                return 1;
            sink += img.pixels[0];
            vg_image_release(&img);
        }
        t[0][r] = cpu_s() - t0;
        t0 = cpu_s();
        for (size_t i = 0; i < n; i++) { /* 2: decode + hash */
            struct vg_image img;
            struct vg_pdq h;
            int q;
            if (vg_image_decode(bs[i].data, bs[i].len, NULL, &img, NULL, 0) ||
                vg_pdq_hash_image(&img, &h, 1, &q))
                return 1;
            sink += h.bytes[0];
            vg_image_release(&img);
        }
        t[1][r] = cpu_s() - t0;
        t0 = cpu_s();
        for (size_t i = 0; i < n; i++) { /* 3: hash of decoded pixels */
            struct vg_pdq h;
            int q;
            if (vg_pdq_hash_image(&imgs[i], &h, 1, &q))
                return 1;
            sink += h.bytes[0];
        }
        t[2][r] = cpu_s() - t0;
        t0 = cpu_s();
        for (size_t i = 0; i < n; i++) { /* 4: the 8 dihedral hashes */
            struct vg_pdq h[VG_PDQ__DIHEDRAL];
            int q;
            if (vg_pdq_hash_image(&imgs[i], h, VG_PDQ__DIHEDRAL, &q))
                return 1;
            sink += h[7].bytes[0];
        }
        t[3][r] = cpu_s() - t0;
    }
    double med[4];
    for (int k = 0; k < 4; k++) {
        qsort(t[k], (size_t)rounds, sizeof(double), cmp_double);
        med[k] = t[k][rounds / 2];
    }
    static const char *names[4] = { "decode only (baseline)", "decode + hash",
                                    "hash of decoded pixels", "hash, 8 dihedral variants" };
    for (int k = 0; k < 4; k++)
        printf("%-26s %8.1f images/s  (%.2f ms/image)  time ratio to decode %.3f\n", names[k],
               (double)n / med[k], 1e3 * med[k] / (double)n, med[k] / med[0]);
    printf("(checksum %u)\n", sink);
    for (size_t i = 0; i < n; i++) {
        vg_image_release(&imgs[i]);
        free(bs[i].data);
        free(bs[i].path);
    }
    free(imgs);
    free(bs);
    for (int k = 0; k < 4; k++)
        free(t[k]);
    return 0;
}
