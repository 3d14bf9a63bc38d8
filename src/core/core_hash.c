/* SPDX-License-Identifier: Apache-2.0 */
/* core_hash.c: 64-bit non-cryptographic hashing (xxHash XXH3) for keys, features and dedup. */
#include <xxhash.h>

#include "core.h"

uint64_t vg_hash64(const void *p, size_t len, uint64_t seed)
{
    return XXH3_64bits_withSeed(p, len, seed);
}
