/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_activitypub.c: the driver and the ActivityPub reader (activities, actors, collections). */
#include "fuzz_ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_ingest_one(data, size, VG_FORMAT_ACTIVITYPUB);
}
