/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_known_te_csv.c: libFuzzer target for the bank import parser of the ThreatExchange CSV
 * (invariants in fuzz_known.h). */
#include "fuzz_known.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_known_run(VG_BANK_TE_CSV, data, size);
}
