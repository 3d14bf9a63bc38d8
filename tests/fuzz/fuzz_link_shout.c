/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_link_shout.c: libFuzzer target for the shout-out cues of the returning-accounts stage
 * (src/link/link_shout.c). Invariants: the cues are a subset of the three kinds; invalid UTF-8
 * gives none; the strength is in [0, 1] and 0 exactly when there is no cue; a text with a cue
 * keeps it when a space and an ordinary word are appended (cues do not depend on the end of
 * the buffer); the names of the cues fit the buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "link.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    if (size > 4096)
        return 0; /* cues are for posts; longer inputs only slow the search down */
    unsigned c = vg__link_shout_cues(s, size);
    if (c & ~7u)
        abort();
    if (c && !vg_utf8_valid(s, size))
        abort();
    double st = vg__link_shout_strength(c);
    if (!(st >= 0 && st <= 1) || (st == 0) != (c == 0))
        abort();
    if (c) {
        char *t = malloc(size + 8);
        if (!t)
            return 0;
        memcpy(t, s, size);
        memcpy(t + size, " zebra", 6);
        unsigned c2 = vg__link_shout_cues(t, size + 6);
        free(t);
        if ((c2 & c) != c)
            abort();
    }
    char names[32];
    vg__link_shout_names(c, names, sizeof(names));
    if (strlen(names) >= sizeof(names))
        abort();
    return 0;
}
