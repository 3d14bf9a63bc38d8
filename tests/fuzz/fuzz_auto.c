/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_auto.c: format detection and whichever reader it picks, through the real driver. */
#include "fuzz_ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_ingest_one(data, size, VG_FORMAT_AUTO);
}
