/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_link_truth.c: libFuzzer target for vg__link_truth_parse(), the reader of the "replaces"
 * field of truth.json (src/link/link_eval.c). Invariants: the result is VG_OK, VG_EPARSE,
 * VG_EFIELD or VG_ENOMEM; on failure the truth is empty and, except VG_ENOMEM, the message is
 * non-empty; on success every id and every parent is 1 to 512 bytes of valid UTF-8.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "link.h"

static void check_id(const char *s, int nullable)
{
    if (!s) {
        if (!nullable)
            abort();
        return;
    }
    size_t n = strlen(s);
    if (n == 0 || n > 512 || !vg_utf8_valid(s, n))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vg_link_truth t;
    char err[200];
    vg_status rc = vg__link_truth_parse((const char *)data, size, &t, err, sizeof(err));
    if (rc == VG_OK) {
        for (size_t i = 0; i < t.n; i++) {
            check_id(t.id[i], 0);
            check_id(t.replaces[i], 1);
        }
        vg__link_truth_release(&t);
    } else if (rc == VG_EPARSE || rc == VG_EFIELD) {
        if (t.n || t.id || !err[0])
            abort();
    } else if (rc != VG_ENOMEM) {
        abort();
    }
    return 0;
}
