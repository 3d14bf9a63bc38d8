/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_model.c: libFuzzer target for vg__model_load_mem(), the model-file parser
 * (detect_model.c). Invariants: any input either loads or fails with VG_EPARSE/VG_EFORMAT and
 * no model; a model that loads has bits in 16..24, known feature flags, finite parameters and
 * weights, a threshold in [0, 1] and NUL-terminated metadata; the parser never reads outside the
 * input (ASan). The committed seeds (tests/fuzz/corpus/fuzz_model/) are written by
 * test_detect_model with VG_FUZZ_SEED_DIR set: a valid bits=16 model, a weightless bits=24 one,
 * truncations, and field corruptions with a correct checksum.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vg_model *m = (struct vg_model *)(uintptr_t)1;
    vg_status rc = vg__model_load_mem(data, size, &m);
    if (rc != VG_OK) {
        if ((rc != VG_EPARSE && rc != VG_EFORMAT) || m != NULL)
            abort();
        return 0;
    }
    if (!m || m->feat.bits < 16 || m->feat.bits > 24 || (m->feat.flags & ~VG_FEAT_ALL))
        abort();
    if (!isfinite(m->bias) || !isfinite(m->platt_a) || !isfinite(m->platt_b) ||
        !(m->threshold >= 0 && m->threshold <= 1) || !m->meta_json || m->meta_json[0] != '{')
        abort();
    /* Weights finite: the first 2^16 only. Touching every page of a 2^24 model (64 MiB of
     * fresh zero pages) takes most of a second per input under the fuzzer. */
    for (size_t i = 0; i < ((size_t)1 << 16); i++)
        if (!isfinite(m->w[i]))
            abort();
    /* Scoring the loaded model works for its own feature space. */
    struct vg_features f;
    vg__features_init(&f);
    struct vg_feat_input in = { .text_norm = "fuzz the model" };
    if (vg__features_extract(&m->feat, &in, &f) != VG_OK)
        abort();
    double p = vg__model_prob(m, vg__model_margin(m, &f));
    if (!(p >= 0 && p <= 1))
        abort();
    vg__features_release(&f);
    vg__model_free(m);
    return 0;
}
