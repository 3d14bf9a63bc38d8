/* SPDX-License-Identifier: Apache-2.0 */
/* pdq.h: PDQ image hashes (docs/pdq.md): what the pdq stage shares inside the library. */
#ifndef VG_PDQ_H
#define VG_PDQ_H

#include <stdlib.h>

#include "core.h"

/* The index's linear scan over every row: the reference its multi-index query is checked against
 * (tests, benchmark baseline), and what the query uses past VG_PDQ_MATCH_D. Same contract as
 * vg_pdq_index_query. */
vg_status vg__pdq_index_scan(const vg_pdq_index *ix, const struct vg_pdq *h, int max_distance,
                             vg_pdq_match_fn fn, void *ud);

/* Test hooks: switch the index's row numbers from 3 to 4 bytes now (it does so by itself at 2^24
 * rows, too many for a unit test; errors VG_ENOMEM, index unchanged), and the width in use. */
vg_status vg__pdq_index_widen(vg_pdq_index *ix);
int vg__pdq_index_row_bytes(const vg_pdq_index *ix);

#endif /* VG_PDQ_H */
