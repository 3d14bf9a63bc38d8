/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_twitter_v2.c: the driver (gzip, lines, whole documents) and the X API v2 reader (pages,
 * stream lines, flattened lines, users, compliance). */
#include "fuzz_ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_ingest_one(data, size, VG_FORMAT_TWITTER_V2);
}
