/* SPDX-License-Identifier: Apache-2.0 */
/*
 * graph_csr.c: edge lists and compressed sparse rows. Our own rather than igraph's graph type:
 * igraph stores edges as 64-bit integer vectors plus index vectors (about 4x the memory of two
 * uint32 arrays) and has no per-edge float weights inside the graph, so propagation over 50M
 * edges would need a copy in any case. igraph is used where it shines, on the (much smaller)
 * candidate subgraph for communities.
 */
#include <string.h>

#include "graph.h"

vg_status vg__edges_push(struct vg_edges *e, uint32_t src, uint32_t dst, float w)
{
    if (e->n == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 4096;
        uint32_t *s = vg_realloc(e->src, cap * sizeof(*s));
        if (!s)
            return VG_ENOMEM;
        e->src = s;
        uint32_t *d = vg_realloc(e->dst, cap * sizeof(*d));
        if (!d)
            return VG_ENOMEM;
        e->dst = d;
        if (w != 1.0f || e->w) {
            float *ww = vg_realloc(e->w, cap * sizeof(*ww));
            if (!ww)
                return VG_ENOMEM;
            if (!e->w) /* the list was unweighted so far: earlier edges weighed 1 */
                for (size_t i = 0; i < e->n; i++)
                    ww[i] = 1.0f;
            e->w = ww;
        }
        e->cap = cap;
    } else if (w != 1.0f && !e->w) {
        float *ww = vg_malloc(e->cap * sizeof(*ww));
        if (!ww)
            return VG_ENOMEM;
        for (size_t i = 0; i < e->n; i++)
            ww[i] = 1.0f;
        e->w = ww;
    }
    e->src[e->n] = src;
    e->dst[e->n] = dst;
    if (e->w)
        e->w[e->n] = w;
    e->n++;
    return VG_OK;
}

void vg__edges_release(struct vg_edges *e)
{
    vg_free(e->src);
    vg_free(e->dst);
    vg_free(e->w);
    memset(e, 0, sizeof(*e));
}

void vg__csr_release(struct vg_csr *c)
{
    vg_free(c->off);
    vg_free(c->adj);
    vg_free(c->w);
    memset(c, 0, sizeof(*c));
}

/* Merge repeated neighbours of each (sorted) row, summing weights; rows are compacted in place. */
static void merge_sorted_rows(struct vg_csr *c)
{
    uint64_t out = 0;
    for (uint32_t v = 0; v < c->n; v++) {
        uint64_t b = c->off[v], e = c->off[v + 1];
        c->off[v] = out;
        for (uint64_t i = b; i < e; i++) {
            if (i > b && c->adj[i] == c->adj[i - 1]) {
                if (c->w)
                    c->w[out - 1] += c->w[i];
                continue;
            }
            c->adj[out] = c->adj[i];
            if (c->w)
                c->w[out] = c->w[i];
            out++;
        }
    }
    c->off[c->n] = out;
}

/*
 * Counting sort of m (row, col, weight) triples into rows: O(n + m). Within a row, entries
 * keep the order in which rows[] lists them, so when the triples come row by row from another
 * CSR (a transposition) every row ends up sorted by column.
 */
static vg_status place(struct vg_csr *c, uint32_t n, size_t m, const uint32_t *row,
                       const uint32_t *col, const float *w, int weighted, const struct vg_csr *src)
{
    memset(c, 0, sizeof(*c));
    c->n = n;
    c->off = vg_calloc((size_t)n + 1, sizeof(*c->off));
    c->adj = vg_malloc((m ? m : 1) * sizeof(*c->adj));
    uint64_t *cur = vg_malloc(((size_t)n + 1) * sizeof(*cur));
    if (weighted)
        c->w = vg_malloc((m ? m : 1) * sizeof(*c->w));
    if (!c->off || !c->adj || !cur || (weighted && !c->w)) {
        vg_free(cur);
        vg__csr_release(c);
        return VG_ENOMEM;
    }
    for (size_t i = 0; i < m; i++)
        c->off[(src ? src->adj[i] : row[i]) + 1]++;
    for (uint32_t v = 0; v < n; v++)
        c->off[v + 1] += c->off[v];
    memcpy(cur, c->off, ((size_t)n + 1) * sizeof(*cur));
    if (src) {
        /* Transposition: entry (u -> v) of src becomes (v -> u); u ascends, so rows sort. */
        for (uint32_t u = 0; u < src->n; u++)
            for (uint64_t e = src->off[u]; e < src->off[u + 1]; e++) {
                uint64_t at = cur[src->adj[e]]++;
                c->adj[at] = u;
                if (c->w)
                    c->w[at] = src->w ? src->w[e] : 1.0f;
            }
    } else {
        for (size_t i = 0; i < m; i++) {
            uint64_t at = cur[row[i]]++;
            c->adj[at] = col[i];
            if (c->w)
                c->w[at] = w ? w[i] : 1.0f;
        }
    }
    vg_free(cur);
    return VG_OK;
}

/*
 * Two counting sorts, no comparison sort: first by the far end (rows unsorted), then that
 * transposed back, which leaves every row sorted so repeats merge in one linear pass. An
 * earlier version sorted each row with qsort: 23.7 s for 50M follows both ways (bench_graph).
 */
vg_status vg__csr_build(struct vg_csr *c, uint32_t n, const struct vg_edges *e, int reverse,
                        int weighted)
{
    const uint32_t *from = reverse ? e->dst : e->src, *to = reverse ? e->src : e->dst;
    struct vg_csr by_far;
    vg_status rc = place(&by_far, n, e->n, to, from, e->w, weighted, NULL);
    if (rc) {
        memset(c, 0, sizeof(*c));
        return rc;
    }
    rc = place(c, n, e->n, NULL, NULL, NULL, weighted, &by_far);
    vg__csr_release(&by_far);
    if (rc)
        return rc;
    merge_sorted_rows(c);
    return VG_OK;
}

vg_status vg__csr_transpose(const struct vg_csr *src, struct vg_csr *dst)
{
    /* src's rows hold no repeats, so neither do dst's. */
    return place(dst, src->n, src->off[src->n], NULL, NULL, NULL, src->w != NULL, src);
}
