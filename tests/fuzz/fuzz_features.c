/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_features.c: libFuzzer target for vg__features_extract() and vg__features_each()
 * (detect_features.c). The first two bytes choose the bits (16..24) and the families, the rest
 * is the post, used as both the written and the normalised text when it is valid UTF-8 without
 * NUL (what vg_text_normalize can produce; invalid bytes go in as they are too, as separators).
 * Invariants: indices strictly increasing and below 2^bits, values finite and positive, L2 norm
 * 1 (or no feature at all), and vg__features_each reports exactly the indices and values of
 * vg__features_extract.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"

struct seen {
    const struct vg_features *f;
    size_t *hits; /* per entry of f: names reported for it */
    int bad;
};

static void on_name(const char *name, uint32_t idx, float val, void *ud)
{
    struct seen *s = ud;
    size_t lo = 0, hi = s->f->n;
    while (lo < hi) { /* f is sorted: binary search */
        size_t mid = lo + (hi - lo) / 2;
        if (s->f->idx[mid] < idx)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == s->f->n || s->f->idx[lo] != idx || memcmp(&s->f->val[lo], &val, sizeof(val)) != 0 ||
        !vg_utf8_valid(name, strlen(name)))
        s->bad = 1;
    else
        s->hits[lo]++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || size > 65536)
        return 0;
    struct vg_feat_params p = { 0x76696769655f3031ull ^ data[0], 16u + data[0] % 9u,
                                data[1] & VG_FEAT_ALL };
    char *text = malloc(size - 1);
    if (!text)
        return 0;
    memcpy(text, data + 2, size - 2);
    text[size - 2] = '\0'; /* an embedded NUL simply ends the text early */
    struct vg_feat_input in = { .text = text, .text_norm = text };
    struct vg_features f;
    vg__features_init(&f);
    if (vg__features_extract(&p, &in, &f) != VG_OK)
        abort();
    double sq = 0;
    for (size_t i = 0; i < f.n; i++) {
        if (f.idx[i] >> p.bits || (i > 0 && f.idx[i] <= f.idx[i - 1]))
            abort();
        if (!isfinite(f.val[i]) || !(f.val[i] > 0))
            abort();
        sq += (double)f.val[i] * f.val[i];
    }
    if (f.n > 0 && fabs(sq - 1.0) > 1e-4)
        abort();
    if (size <= 4096) {
        struct seen s = { &f, calloc(f.n + 1, sizeof(size_t)), 0 };
        if (!s.hits)
            abort();
        if (vg__features_each(&p, &in, on_name, &s) != VG_OK || s.bad)
            abort();
        for (size_t i = 0; i < f.n; i++)
            if (s.hits[i] == 0)
                abort();
        free(s.hits);
    }
    vg__features_release(&f);
    free(text);
    return 0;
}
