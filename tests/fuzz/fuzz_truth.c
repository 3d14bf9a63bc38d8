/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_truth.c: libFuzzer target for vg__truth_parse(), the strict reader of truth.json
 * (graph_truth.c). Invariants: the result is VG_OK, VG_EPARSE, VG_EFIELD, VG_ELIMIT or VG_ENOMEM;
 * on failure the truth is empty and the message is non-empty (except VG_ENOMEM); on success
 * every account has a non-empty id of at most 512 bytes of valid UTF-8 that occurs in the input,
 * a known role, ids are distinct, and only supporters or others may carry a community string.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"

static void check_account(const struct vg_truth *t, size_t i)
{
    const struct vg_truth_account *a = &t->acc[i];
    size_t n = strlen(a->id);
    if (n == 0 || n > 512 || !vg_utf8_valid(a->id, n))
        abort();
    if (a->role <= VG_ROLE_BACKGROUND || a->role >= VG_ROLES)
        abort();
    if (a->community && (!*a->community || strlen(a->community) > 512))
        abort();
    if (vg__ids_find(&t->ids, a->id) != i)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vg_truth t;
    char err[200];
    vg_status rc = vg__truth_parse((const char *)data, size, &t, err, sizeof(err));
    if (rc == VG_OK) {
        for (size_t i = 0; i < t.n; i++)
            check_account(&t, i);
        vg__truth_release(&t);
    } else if (rc == VG_EPARSE || rc == VG_EFIELD || rc == VG_ELIMIT) {
        if (t.n || t.acc || !err[0])
            abort();
    } else if (rc != VG_ENOMEM) {
        abort();
    }
    return 0;
}
