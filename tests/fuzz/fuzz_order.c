/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_order.c: libFuzzer target for the removal-order parser (vg__order_check,
 * src/cases/records_orders.c): the Annex I JSON an authority sends. Invariants: a refused order
 * has a message naming what is wrong; an accepted one has a reference, a Member State, 1 to 1000
 * URLs, reasons that are sorted letters a-e without repeats, an issue time not after receipt
 * (plus the allowed skew), a gag end after the issue time, and its stored form is a JSON object
 * that parses again to the same checks.
 */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "records.h"

#define RECEIVED 1767945600 /* 2026-01-09T08:00:00Z */

static void check_accepted(const struct vg__order_fields *f)
{
    if (!f->reference || !*f->reference || !f->issuing_state || strlen(f->issuing_state) != 2 ||
        !f->authority || !*f->authority || f->n_urls < 1 || f->n_urls > 1000 || !f->reasons[0])
        abort();
    for (size_t i = 0; f->reasons[i]; i++)
        if (f->reasons[i] < 'a' || f->reasons[i] > 'e' || (i && f->reasons[i] <= f->reasons[i - 1]))
            abort();
    if (f->issued_at > RECEIVED + 600)
        abort();
    if (f->gag_until != VG_TIME_UNKNOWN && f->gag_until <= f->issued_at)
        abort();
    /* The stored form is accepted again, with the same fields. */
    struct vg__order_fields again;
    char err[300];
    if (vg__order_check(f->annex1, strlen(f->annex1), RECEIVED, &again, err, sizeof(err)) != VG_OK)
        abort();
    if (strcmp(again.reference, f->reference) || again.issued_at != f->issued_at ||
        again.n_urls != f->n_urls || strcmp(again.reasons, f->reasons))
        abort();
    vg__order_fields_release(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vg__order_fields f;
    char err[300] = "";
    vg_status rc = vg__order_check((const char *)data, size, RECEIVED, &f, err, sizeof(err));
    if (rc == VG_OK) {
        check_accepted(&f);
        vg__order_fields_release(&f);
    } else if (rc == VG_EFIELD) {
        if (!err[0])
            abort();
    } else if (rc != VG_ENOMEM) {
        abort();
    }
    return 0;
}
