/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_rules.c: libFuzzer target for the case rules parser (vg_rules_parse, `vigie rules check`)
 * and the statement-of-reasons checker (vg_sor_valid), both of which read JSON from outside.
 * Invariants: the parser returns VG_OK with 1 to 64 rules, or one of its documented errors with
 * a non-empty message and no rules; the checker answers 0 or 1, with a message when 0.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigie.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512] = "";
    vg_rules *r = NULL;
    vg_status rc = vg_rules_parse((const char *)data, size, &r, err, sizeof(err));
    if (rc == VG_OK) {
        if (!r || vg_rules_count(r) < 1 || vg_rules_count(r) > 64)
            abort();
    } else if ((rc != VG_EPARSE && rc != VG_EFIELD && rc != VG_EUTF8 && rc != VG_ELIMIT &&
                rc != VG_ENOMEM) ||
               r || !err[0]) {
        abort();
    }
    vg_rules_free(r);
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = 0;
    char serr[256] = "";
    int ok = vg_sor_valid(text, serr, sizeof(serr));
    if ((ok != 0 && ok != 1) || (!ok && !serr[0]))
        abort();
    free(text);
    return 0;
}
