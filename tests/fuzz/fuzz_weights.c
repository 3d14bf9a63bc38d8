/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_weights.c: libFuzzer target for the account score's weights files (vg__weights_parse,
 * `--weights FILE`, written by `vigie accounts fit`). Invariants: the result is VG_OK,
 * VG_EPARSE or VG_EINVAL; a failure names a line and leaves the weights as they were; accepted
 * weights are finite and within [-1000, 1000], and write back to a file that parses to the same
 * values.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"

static int same(const struct vg_score_weights *a, const struct vg_score_weights *b, double tol)
{
    if (fabs(a->bias - b->bias) > tol)
        return 0;
    for (int i = 0; i < VG_AF__COUNT; i++)
        if (fabs(a->w[i] - b->w[i]) > tol)
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vg_score_weights w, before;
    vg__weights_default(&w);
    before = w;
    char err[300] = "";
    vg_status rc = vg__weights_parse((const char *)data, size, &w, err, sizeof(err));
    if (rc != VG_OK && rc != VG_EPARSE && rc != VG_EINVAL)
        abort();
    if (rc != VG_OK && (strncmp(err, "line ", 5) != 0 || !same(&w, &before, 0)))
        abort();
    if (rc != VG_OK)
        return 0;
    const double *all[VG_AF__COUNT + 1];
    all[0] = &w.bias;
    for (int i = 0; i < VG_AF__COUNT; i++)
        all[i + 1] = &w.w[i];
    for (int i = 0; i <= VG_AF__COUNT; i++)
        if (!isfinite(*all[i]) || fabs(*all[i]) > 1000)
            abort();
    struct vg_buf b;
    vg_buf_init(&b, 1 << 16);
    struct vg_score_weights back;
    memset(&back, 0, sizeof(back));
    /* %.6f keeps six decimals: the round trip holds to 5e-7 */
    if (vg__weights_format(&w, NULL, &b) != VG_OK ||
        vg__weights_parse(b.data, b.len, &back, NULL, 0) != VG_OK || !same(&w, &back, 5e-7))
        abort();
    vg_buf_release(&b);
    return 0;
}
