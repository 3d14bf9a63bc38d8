/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_twitter_v1.c: the driver (gzip, lines, whole documents) and the Twitter v1.1 reader (tweets,
 * search pages, arrays, stream messages). */
#include "fuzz_ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_ingest_one(data, size, VG_FORMAT_TWITTER_V1);
}
