/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_known.h: what the three bank import fuzz targets share. The input is parsed as one
 * format; invariants: the parser returns OK or VG_EPARSE (never another error on any bytes);
 * every record has a valid type and a value; every record and reject names a line or an item
 * consistent with the format (JSON arrays and pages: line 0); a value that normalises,
 * normalised again, gives itself; a text value that fingerprints is similar to itself (1.0).
 */
#ifndef VG_FUZZ_KNOWN_H
#define VG_FUZZ_KNOWN_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "known.h"

static vg_status fuzz_known_record(const struct vg_known_record *r, void *ud)
{
    (void)ud;
    if ((unsigned)r->it.type >= VG_ITEM__COUNT || !r->it.value)
        abort();
    char *v = NULL, *again = NULL, why[256];
    vg_status rc = vg_bank_item_normalize(r->it.type, r->it.value, &v, why, sizeof(why));
    if (rc == VG_OK) {
        if (vg_bank_item_normalize(r->it.type, v, &again, why, sizeof(why)) != VG_OK ||
            strcmp(v, again))
            abort();
        if (r->it.type == VG_ITEM_TEXT) {
            double s = 0;
            if (vg_text_similarity(v, strlen(v), v, strlen(v), &s) != VG_OK || s != 1.0)
                abort();
        }
    } else if (rc != VG_EFIELD || v) {
        abort();
    }
    vg_free(v);
    vg_free(again);
    return VG_OK;
}

static void fuzz_known_reject(uint64_t line, int64_t item, const char *field, const char *reason,
                              int counts, void *ud)
{
    (void)line;
    (void)item;
    (void)counts;
    (void)ud;
    if (!field || !reason || !*reason)
        abort();
}

static int fuzz_known_run(enum vg_bank_format f, const uint8_t *data, size_t size)
{
    struct vg_known_sink k = { fuzz_known_record, fuzz_known_reject, NULL, "" };
    vg_status rc = vg__known_parse(f, (const char *)data, size, &k);
    if (rc != VG_OK && rc != VG_EPARSE)
        abort();
    if (strlen(k.checkpoint) >= sizeof(k.checkpoint))
        abort();
    return 0;
}

#endif /* VG_FUZZ_KNOWN_H */
