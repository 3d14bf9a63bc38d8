/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_storm_truth.c: libFuzzer target for vg__storm_truth_parse(), the strict reader of the
 * storms and bursts of truth.json (storm_truth.c). Invariants: the result is VG_OK, VG_EPARSE,
 * VG_EFIELD, VG_ELIMIT or VG_ENOMEM; on failure the truth is empty and the message is non-empty
 * (except VG_ENOMEM); on success every storm and burst has a non-empty id and a non-empty
 * hashtag without ASCII capitals or a leading '#', a pattern that is link or copy, and accounts
 * and posts of 1 to 512 bytes of valid UTF-8.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "storm.h"

static void check_tag(const char *tag)
{
    if (!tag || !*tag || *tag == '#')
        abort();
    for (const char *p = tag; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            abort();
}

static void check_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(v[i]);
        if (len == 0 || len > 512 || !vg_utf8_valid(v[i], len))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vg_storm_truth t;
    char err[200];
    vg_status rc = vg__storm_truth_parse((const char *)data, size, &t, err, sizeof(err));
    if (rc == VG_OK) {
        for (size_t i = 0; i < t.n_storms; i++) {
            const struct storm_truth_storm *s = &t.storms[i];
            if (!s->id || !*s->id || (unsigned)s->pattern >= VG_STORM__PATTERNS)
                abort();
            check_tag(s->hashtag);
            check_strings(s->accounts, s->n_accounts);
            check_strings(s->posts, s->n_posts);
        }
        for (size_t i = 0; i < t.n_bursts; i++) {
            if (!t.bursts[i].id || !*t.bursts[i].id)
                abort();
            check_tag(t.bursts[i].hashtag);
        }
        vg__storm_truth_release(&t);
    } else if (rc == VG_EPARSE || rc == VG_EFIELD || rc == VG_ELIMIT) {
        if (t.n_storms || t.storms || t.n_bursts || t.bursts || !err[0])
            abort();
    } else if (rc != VG_ENOMEM) {
        abort();
    }
    return 0;
}
