/* SPDX-License-Identifier: Apache-2.0 */
/* pdq.h: PDQ image hashes (docs/pdq.md): what the pdq stage shares inside the library. */
#ifndef VG_PDQ_H
#define VG_PDQ_H

#include <stdlib.h>
#include <string.h>

#include "core.h"

/* Hamming distance of two hashes: vg_pdq_distance's body, inlined as well into the index's
 * POPCNT-targeted copy (pdq_index.c), where __builtin_popcountll becomes one instruction. */
static inline int vg__pdq_distance_inline(const struct vg_pdq *a, const struct vg_pdq *b)
{
    int d = 0;
    for (size_t i = 0; i < VG_PDQ_BYTES; i += 8) {
        uint64_t x, y;
        memcpy(&x, a->bytes + i, 8);
        memcpy(&y, b->bytes + i, 8);
        d += __builtin_popcountll(x ^ y);
    }
    return d;
}

/* The index's linear scan over every row: the reference its multi-index query is checked against
 * (tests, benchmark baseline), and what the query uses past VG_PDQ_MATCH_D. Same contract as
 * vg_pdq_index_query. */
vg_status vg__pdq_index_scan(const vg_pdq_index *ix, const struct vg_pdq *h, int max_distance,
                             vg_pdq_match_fn fn, void *ud);

/* Test hooks: switch the index's row numbers from 3 to 4 bytes now (it does so by itself at 2^24
 * rows, too many for a unit test; errors VG_ENOMEM, index unchanged), and the width in use. */
vg_status vg__pdq_index_widen(vg_pdq_index *ix);
int vg__pdq_index_row_bytes(const vg_pdq_index *ix);

/* Test hook: the bucket filter a query may use at most (VG__PDQ_FILTER_*; 0: the best this CPU
 * has, the default). Returns -1, changing nothing, when the CPU lacks that level. Process-wide,
 * not thread-safe: for tests and benchmarks only. */
enum {
    VG__PDQ_FILTER_SSE2 = 1, /* SSE2 8 entries at a time (plain C without SSE2) */
    VG__PDQ_FILTER_AVX2 = 2,
    VG__PDQ_FILTER_AVX512 = 3 /* AVX-512 BW + BITALG */
};

int vg__pdq_index_filter(int level);

#endif /* VG_PDQ_H */
