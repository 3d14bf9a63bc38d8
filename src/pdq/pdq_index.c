/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pdq_index.c: the PDQ hash index. For now a linear scan over a packed array (ids found through
 * an open-addressing table, so add/remove stay O(1)); multi-index hashing replaces the query
 * (issue 6) and this scan remains the reference it is checked against.
 */
#include <string.h>

#include "pdq.h"

struct vg_pdq_index {
    struct vg_pdq *hashes;
    uint64_t *ids;
    size_t n, cap;
    /* id -> position + 1 (0: empty slot), open addressing with linear probing */
    uint64_t *slot_id;
    uint32_t *slot_pos;
    size_t slots; /* a power of two, at least twice n */
};

#define INDEX_MAX (1u << 31)

vg_status vg_pdq_index_new(vg_pdq_index **out)
{
    *out = vg_calloc(1, sizeof **out);
    return *out ? VG_OK : VG_ENOMEM;
}

void vg_pdq_index_free(vg_pdq_index *ix)
{
    if (!ix)
        return;
    vg_free(ix->hashes);
    vg_free(ix->ids);
    vg_free(ix->slot_id);
    vg_free(ix->slot_pos);
    vg_free(ix);
}

size_t vg_pdq_index_size(const vg_pdq_index *ix)
{
    return ix ? ix->n : 0;
}

static size_t slot_of(const vg_pdq_index *ix, uint64_t id)
{
    size_t mask = ix->slots - 1, i = (size_t)vg_hash64(&id, sizeof id, 0) & mask;
    while (ix->slot_pos[i] && ix->slot_id[i] != id)
        i = (i + 1) & mask;
    return i;
}

static vg_status grow_slots(vg_pdq_index *ix)
{
    size_t slots = ix->slots ? ix->slots * 2 : 1024;
    uint64_t *ids = vg_calloc(slots, sizeof *ids);
    uint32_t *pos = vg_calloc(slots, sizeof *pos);
    if (!ids || !pos) {
        vg_free(ids);
        vg_free(pos);
        return VG_ENOMEM;
    }
    vg_free(ix->slot_id);
    vg_free(ix->slot_pos);
    ix->slot_id = ids;
    ix->slot_pos = pos;
    ix->slots = slots;
    for (size_t k = 0; k < ix->n; k++) {
        size_t i = slot_of(ix, ix->ids[k]);
        ix->slot_id[i] = ix->ids[k];
        ix->slot_pos[i] = (uint32_t)k + 1;
    }
    return VG_OK;
}

static vg_status grow_entries(vg_pdq_index *ix)
{
    size_t cap = ix->cap ? ix->cap * 2 : 256;
    struct vg_pdq *h = vg_realloc(ix->hashes, cap * sizeof *h);
    if (!h)
        return VG_ENOMEM;
    ix->hashes = h;
    uint64_t *ids = vg_realloc(ix->ids, cap * sizeof *ids);
    if (!ids)
        return VG_ENOMEM;
    ix->ids = ids;
    ix->cap = cap;
    return VG_OK;
}

vg_status vg_pdq_index_add(vg_pdq_index *ix, const struct vg_pdq *h, uint64_t id)
{
    vg_status rc;
    if (ix->slots && ix->slot_pos[slot_of(ix, id)]) {
        ix->hashes[ix->slot_pos[slot_of(ix, id)] - 1] = *h;
        return VG_OK;
    }
    if (ix->n >= INDEX_MAX)
        return VG_ELIMIT;
    if ((ix->n + 1) * 2 > ix->slots && (rc = grow_slots(ix)))
        return rc;
    if (ix->n == ix->cap && (rc = grow_entries(ix)))
        return rc;
    ix->hashes[ix->n] = *h;
    ix->ids[ix->n] = id;
    size_t i = slot_of(ix, id);
    ix->slot_id[i] = id;
    ix->slot_pos[i] = (uint32_t)++ix->n;
    return VG_OK;
}

/* Backward-shift deletion keeps every probe chain unbroken without tombstones. */
static void slot_delete(vg_pdq_index *ix, size_t i)
{
    size_t mask = ix->slots - 1, j = i;
    ix->slot_pos[i] = 0;
    for (;;) {
        j = (j + 1) & mask;
        if (!ix->slot_pos[j])
            return;
        size_t home = (size_t)vg_hash64(&ix->slot_id[j], sizeof ix->slot_id[j], 0) & mask;
        /* j's entry may move to i when its home is not in (i, j] (cyclically). */
        if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
            ix->slot_id[i] = ix->slot_id[j];
            ix->slot_pos[i] = ix->slot_pos[j];
            ix->slot_pos[j] = 0;
            i = j;
        }
    }
}

void vg_pdq_index_remove(vg_pdq_index *ix, uint64_t id)
{
    if (!ix || !ix->slots)
        return;
    size_t i = slot_of(ix, id);
    if (!ix->slot_pos[i])
        return;
    size_t pos = ix->slot_pos[i] - 1, last = ix->n - 1;
    slot_delete(ix, i);
    if (pos != last) { /* the last entry fills the hole */
        ix->hashes[pos] = ix->hashes[last];
        ix->ids[pos] = ix->ids[last];
        ix->slot_pos[slot_of(ix, ix->ids[pos])] = (uint32_t)pos + 1;
    }
    ix->n--;
}

vg_status vg_pdq_index_query(const vg_pdq_index *ix, const struct vg_pdq *h, int max_distance,
                             vg_pdq_match_fn fn, void *ud)
{
    if (max_distance < 0 || max_distance > VG_PDQ_BYTES * 8)
        return VG_EINVAL;
    for (size_t k = 0; k < ix->n; k++) {
        int d = vg_pdq_distance(h, &ix->hashes[k]);
        if (d <= max_distance && fn(ix->ids[k], d, ud))
            return VG_ECANCEL;
    }
    return VG_OK;
}
