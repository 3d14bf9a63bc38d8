/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_native.c: the driver (gzip, lines, whole documents) and the native reader. */
#include "fuzz_ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_ingest_one(data, size, VG_FORMAT_NATIVE);
}
