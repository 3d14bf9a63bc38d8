/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sites_map.c: the two hash structures the list import and the per-domain statistics need:
 * strings interned to dense ids (hosts, accounts, entry keys) and a set of 64-bit keys ((domain,
 * post) and (domain, account) pairs). Open addressing, linear probing, doubled at half full.
 */
#include <string.h>

#include "sites.h"

#define EMPTY UINT64_MAX

void vg__strmap_init(struct vg__strmap *m)
{
    memset(m, 0, sizeof(*m));
    vg_arena_init(&m->strings, 1u << 16, SIZE_MAX);
}

void vg__strmap_release(struct vg__strmap *m)
{
    vg_arena_release(&m->strings);
    vg_free(m->str);
    vg_free(m->slots);
    memset(m, 0, sizeof(*m));
}

static size_t str_slot(const struct vg__strmap *m, const char *s, size_t n)
{
    for (size_t i = vg_hash64(s, n, 7) & m->mask;; i = (i + 1) & m->mask) {
        uint32_t id = m->slots[i];
        if (!id || (strlen(m->str[id - 1]) == n && !memcmp(m->str[id - 1], s, n)))
            return i;
    }
}

static vg_status strmap_grow(struct vg__strmap *m)
{
    size_t cap = m->mask ? 2 * (m->mask + 1) : 64;
    uint32_t *old = m->slots;
    size_t old_cap = m->mask ? m->mask + 1 : 0;
    if (!(m->slots = vg_calloc(cap, sizeof(*m->slots)))) {
        m->slots = old;
        return VG_ENOMEM;
    }
    m->mask = cap - 1;
    for (size_t i = 0; i < old_cap; i++) {
        if (!old[i])
            continue;
        const char *s = m->str[old[i] - 1];
        m->slots[str_slot(m, s, strlen(s))] = old[i];
    }
    vg_free(old);
    return VG_OK;
}

int64_t vg__strmap_find(const struct vg__strmap *m, const char *s, size_t n)
{
    if (!m->slots)
        return -1;
    uint32_t id = m->slots[str_slot(m, s, n)];
    return id ? (int64_t)id - 1 : -1;
}

vg_status vg__strmap_intern(struct vg__strmap *m, const char *s, size_t n, uint32_t *id, int *added)
{
    vg_status rc;
    if (added)
        *added = 0;
    if ((m->n + 1) * 2 > (m->mask ? m->mask + 1 : 0) && (rc = strmap_grow(m)))
        return rc;
    size_t i = str_slot(m, s, n);
    if (m->slots[i]) {
        *id = m->slots[i] - 1;
        return VG_OK;
    }
    if (m->n == m->cap_str) {
        size_t cap = m->cap_str ? 2 * m->cap_str : 64;
        const char **p = vg_realloc(m->str, cap * sizeof(*p));
        if (!p)
            return VG_ENOMEM;
        m->str = p;
        m->cap_str = cap;
    }
    const char *copy = vg_arena_strndup(&m->strings, s, n);
    if (!copy || m->n >= UINT32_MAX - 1)
        return VG_ENOMEM;
    m->str[m->n] = copy;
    m->slots[i] = (uint32_t)++m->n;
    *id = (uint32_t)(m->n - 1);
    if (added)
        *added = 1;
    return VG_OK;
}

void vg__u64set_init(struct vg__u64set *s)
{
    memset(s, 0, sizeof(*s));
}

void vg__u64set_release(struct vg__u64set *s)
{
    vg_free(s->slots);
    memset(s, 0, sizeof(*s));
}

static size_t u64_slot(const struct vg__u64set *s, uint64_t k)
{
    for (size_t i = vg_hash64(&k, sizeof(k), 11) & s->mask;; i = (i + 1) & s->mask)
        if (s->slots[i] == EMPTY || s->slots[i] == k)
            return i;
}

static vg_status u64set_grow(struct vg__u64set *s)
{
    size_t cap = s->mask ? 2 * (s->mask + 1) : 64;
    uint64_t *old = s->slots;
    size_t old_cap = s->mask ? s->mask + 1 : 0;
    if (!(s->slots = vg_malloc(cap * sizeof(*s->slots)))) {
        s->slots = old;
        return VG_ENOMEM;
    }
    memset(s->slots, 0xff, cap * sizeof(*s->slots));
    s->mask = cap - 1;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i] != EMPTY)
            s->slots[u64_slot(s, old[i])] = old[i];
    vg_free(old);
    return VG_OK;
}

vg_status vg__u64set_add(struct vg__u64set *s, uint64_t k, int *added)
{
    vg_status rc;
    *added = 0;
    if ((s->n + 1) * 2 > (s->mask ? s->mask + 1 : 0) && (rc = u64set_grow(s)))
        return rc;
    size_t i = u64_slot(s, k);
    if (s->slots[i] == k)
        return VG_OK;
    s->slots[i] = k;
    s->n++;
    *added = 1;
    return VG_OK;
}
