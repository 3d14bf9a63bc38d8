/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_seeds.c: libFuzzer target for vg__seeds_parse(), the reader of seeds and account-set
 * files (graph_seeds.c). Invariants: the result is VG_OK, VG_EUTF8, VG_EPARSE or VG_ELIMIT;
 * nothing is handed out on failure; on success every id is non-empty, at most 512 bytes, valid
 * UTF-8 without control characters or surrounding white space, does not start with '#', and
 * occurs in the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"

static int contains(const uint8_t *data, size_t size, const char *s, size_t n)
{
    for (size_t i = 0; i + n <= size; i++)
        if (!memcmp(data + i, s, n))
            return 1;
    return 0;
}

static void check_id(const char *id, const uint8_t *data, size_t size)
{
    size_t n = strlen(id);
    if (n == 0 || n > 512 || id[0] == '#' || !vg_utf8_valid(id, n))
        abort();
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)id[i] < 0x20 || id[i] == 0x7f)
            abort();
    if (id[0] == ' ' || id[n - 1] == ' ')
        abort();
    if (!contains(data, size, id, n))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vg_arena a;
    vg_arena_init(&a, 4096, 64u << 20);
    char **ids = (char **)1;
    size_t n = 99, line = 0;
    vg_status rc = vg__seeds_parse((const char *)data, size, 1000, &a, &ids, &n, &line);
    if (rc == VG_OK) {
        for (size_t i = 0; i < n; i++)
            check_id(ids[i], data, size);
        vg_free(ids);
    } else if (rc == VG_EUTF8 || rc == VG_EPARSE || rc == VG_ELIMIT) {
        if (ids || n || line == 0)
            abort();
    } else if (rc != VG_ENOMEM) {
        abort();
    }
    vg_arena_release(&a);
    return 0;
}
