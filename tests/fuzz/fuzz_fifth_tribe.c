/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_fifth_tribe.c: the driver's line source and the Fifth Tribe CSV reader (quoting, recovery
 * after broken rows). */
#include "fuzz_ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_ingest_one(data, size, VG_FORMAT_FIFTH_TRIBE);
}
