/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_list_mastodon.c: libFuzzer target for vg_list_parse() on the Mastodon domain-block CSV
 * (src/sites/sites_file.c), with the invariants of fuzz_list.h; VG_EFORMAT (no header row) is
 * an allowed result.
 */
#include "fuzz_list.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_list_parse(data, size, VG_LIST_FORMAT_MASTODON, VG_EFORMAT);
}
