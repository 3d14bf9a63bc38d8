/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_twitter_ids.c: the driver (gzip, lines, whole documents) and the follower/friend id reader
 * (pages, arrays, bare ids). */
#include "fuzz_ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_ingest_one(data, size, VG_FORMAT_TWITTER_IDS);
}
