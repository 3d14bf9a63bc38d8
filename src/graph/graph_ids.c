/* SPDX-License-Identifier: Apache-2.0 */
/*
 * graph_ids.c: account ids (strings) to dense indexes 0..n-1, so the graph can be arrays of
 * 32-bit integers. Open addressing with linear probing over tagged slots (graph.h); the table
 * keeps a load factor under 1/2.
 */
#include <string.h>

#include "graph.h"

#define IDS_SEED 0x9e3779b97f4a7c15ull

vg_status vg__ids_init(struct vg_ids *ids)
{
    memset(ids, 0, sizeof(*ids));
    vg_arena_init(&ids->arena, 1u << 20, SIZE_MAX);
    ids->mask = 1023;
    ids->slot = vg_calloc(ids->mask + 1, sizeof(*ids->slot));
    return ids->slot ? VG_OK : VG_ENOMEM;
}

void vg__ids_release(struct vg_ids *ids)
{
    vg_free(ids->slot);
    vg_free(ids->str);
    vg_arena_release(&ids->arena);
    memset(ids, 0, sizeof(*ids));
}

/* The tag: the hash's high half, never 0 (so a tag never looks like an empty slot's). */
static uint32_t tag_of(const char *s)
{
    uint32_t t = (uint32_t)(vg_hash64(s, strlen(s), IDS_SEED) >> 32);
    return t ? t : 1;
}

static uint32_t probe(const struct vg_ids *ids, const char *s, uint32_t tag, int *found)
{
    uint32_t i = tag & ids->mask;
    for (;;) {
        uint64_t v = ids->slot[i];
        if (!v) {
            *found = 0;
            return i;
        }
        if ((uint32_t)(v >> 32) == tag && !strcmp(ids->str[(uint32_t)v - 1], s)) {
            *found = 1;
            return i;
        }
        i = (i + 1) & ids->mask;
    }
}

static vg_status grow_table(struct vg_ids *ids)
{
    uint32_t cap = (ids->mask + 1) * 2;
    if (cap == 0 || cap > (1u << 31))
        return VG_ELIMIT;
    uint64_t *slot = vg_calloc(cap, sizeof(*slot));
    if (!slot)
        return VG_ENOMEM;
    uint32_t mask = cap - 1;
    for (uint32_t k = 0; k <= ids->mask; k++) {
        uint64_t v = ids->slot[k];
        if (!v)
            continue;
        uint32_t i = (uint32_t)(v >> 32) & mask;
        while (slot[i])
            i = (i + 1) & mask;
        slot[i] = v;
    }
    vg_free(ids->slot);
    ids->slot = slot;
    ids->mask = mask;
    return VG_OK;
}

static vg_status grow_index(struct vg_ids *ids)
{
    uint32_t cap = ids->cap_idx ? ids->cap_idx * 2 : 1024;
    char **s = vg_realloc(ids->str, (size_t)cap * sizeof(*s));
    if (!s)
        return VG_ENOMEM;
    ids->str = s;
    ids->cap_idx = cap;
    return VG_OK;
}

vg_status vg__ids_intern(struct vg_ids *ids, const char *s, uint32_t *idx)
{
    uint32_t tag = tag_of(s);
    int found;
    uint32_t i = probe(ids, s, tag, &found);
    if (found) {
        *idx = (uint32_t)ids->slot[i] - 1;
        return VG_OK;
    }
    if (ids->n >= UINT32_MAX - 1)
        return VG_ELIMIT;
    vg_status rc;
    if (ids->n == ids->cap_idx && (rc = grow_index(ids)))
        return rc;
    char *copy = vg_arena_strdup(&ids->arena, s);
    if (!copy)
        return VG_ENOMEM;
    uint32_t v = ids->n++;
    ids->str[v] = copy;
    ids->slot[i] = (uint64_t)tag << 32 | (v + 1);
    *idx = v;
    if ((uint64_t)ids->n * 2 > (uint64_t)ids->mask + 1)
        return grow_table(ids);
    return VG_OK;
}

uint32_t vg__ids_find(const struct vg_ids *ids, const char *s)
{
    int found;
    uint32_t i = probe(ids, s, tag_of(s), &found);
    return found ? (uint32_t)ids->slot[i] - 1 : UINT32_MAX;
}
