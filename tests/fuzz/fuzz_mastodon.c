/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_mastodon.c: the driver and the Mastodon REST reader (statuses, accounts, notifications,
 * reports, containers). */
#include "fuzz_ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_ingest_one(data, size, VG_FORMAT_MASTODON);
}
