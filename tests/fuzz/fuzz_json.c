/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_json.c: differential libFuzzer target for the driver's JSON parser (ingest_json.c)
 * against cJSON, which it replaces for speed and must not differ from: both accept or both
 * reject every input; accepted trees are the same node by node and print the same; rejected
 * inputs get the same cut-short verdict, and error positions that agree but for the documented
 * differences (tests/fuzz/json_diff.h). Any difference prints the input's length and what
 * differs, and aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "json_diff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* One arena for the whole run, reset per input, as the driver does per document. */
    static struct vg_arena arena;
    static int ready;
    if (!ready) {
        vg_arena_init(&arena, VG_JSON_CHUNK, 1u << 30);
        ready = 1;
    }
    const char *why = json_diff_one((const char *)data, size, &arena);
    if (why) {
        fprintf(stderr, "fuzz_json: %zu-byte input: %s\n", size, why);
        abort();
    }
    return 0;
}
