/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_patterns.c: libFuzzer target for vg__patterns_match (src/detect/detect_patterns.c). Any
 * bytes are a post: valid UTF-8 is normalised first, as the pipeline does, and anything else is
 * matched as it is (the matcher must survive bytes it was never meant to see). Invariants: the
 * call succeeds; bits, score and target flag are in range and agree with the hits; at most 16
 * hits, each a distinct pattern with a non-empty span inside the text; the same input gives the
 * same result. Corpus: tests/fuzz/corpus/fuzz_patterns/ (invented texts).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"

static void check(const char *s, size_t len, struct vg_pattern_result *r)
{
    if (vg__patterns_match(s, len, NULL, r) != VG_OK)
        abort();
    if (r->categories >> VG_TCO__COUNT || r->exempt & ~7u || r->n_hits > 16)
        abort();
    if (!(r->threat >= 0.0 && r->threat <= 1.0) || (r->threat_target != 0 && r->threat_target != 1))
        abort();
    if (r->threat_target && r->threat <= 0.0)
        abort();
    unsigned cats = 0, exempt = 0;
    for (size_t i = 0; i < r->n_hits; i++) {
        const struct vg_pattern_hit *h = &r->hits[i];
        if (!h->set || !h->pattern || h->len == 0 || h->start > len || h->len > len - h->start)
            abort();
        for (size_t j = 0; j < i; j++)
            if (strcmp(h->pattern, r->hits[j].pattern) == 0)
                abort();
        for (int c = 0; c < VG_TCO__COUNT; c++)
            if (strncmp(h->set, "tco:", 4) == 0 && strcmp(h->set + 4, vg__tco_name(c)) == 0)
                cats |= 1u << c;
        exempt |= !strcmp(h->set, "exempt:news")       ? VG_EXEMPT_NEWS
                  : !strcmp(h->set, "exempt:research") ? VG_EXEMPT_RESEARCH
                  : !strcmp(h->set, "exempt:counter")  ? VG_EXEMPT_COUNTER
                                                       : 0u;
        /* Threat modifiers are shown only when there is an intent. */
        if (strncmp(h->set, "threat:", 7) == 0 && r->threat <= 0.0)
            abort();
    }
    /* A hit implies its bit; with 16 hits shown, later bits may have no hit. */
    if ((cats & ~r->categories) || (exempt & ~r->exempt))
        abort();
    if (r->n_hits < 16 && (cats != r->categories || exempt != r->exempt))
        abort();
}

static void run_twice(const char *s, size_t len)
{
    struct vg_pattern_result a, b;
    check(s, len, &a);
    check(s, len, &b);
    if (a.categories != b.categories || a.exempt != b.exempt || a.threat != b.threat ||
        a.threat_target != b.threat_target || a.n_hits != b.n_hits)
        abort();
    for (size_t i = 0; i < a.n_hits; i++)
        if (a.hits[i].pattern != b.hits[i].pattern || a.hits[i].start != b.hits[i].start ||
            a.hits[i].len != b.hits[i].len)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    char *norm = NULL;
    size_t nlen = 0;
    if (vg_utf8_valid(s, size) && size <= VG_TEXT_MAX &&
        vg_text_normalize(s, size, &norm, &nlen) == VG_OK) {
        run_twice(norm, nlen);
        vg_free(norm);
    }
    run_twice(s, size);
    if (size > 0)
        run_twice(s, size - 1);
    return 0;
}
