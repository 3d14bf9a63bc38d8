/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_known_hma.c: libFuzzer target for the bank import parser of HMA bank content JSON
 * (invariants in fuzz_known.h). */
#include "fuzz_known.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_known_run(VG_BANK_HMA_JSON, data, size);
}
