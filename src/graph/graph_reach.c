/* SPDX-License-Identifier: Apache-2.0 */
/*
 * graph_reach.c: the reach of a set of accounts over the follow graph: its unique followers (a
 * CRoaring bitmap union of the members' follower lists, which arrive sorted from the CSR),
 * insularity (the share of follows pointing at the set that come from inside it: Berger &
 * Morgan's "nearly half of followers were other accounts in the dataset"), follower mean and
 * median, and activity in the window the network was loaded with.
 */
#include <roaring/roaring.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"

double vg__median_u64(uint64_t *v, size_t n)
{
    if (!n)
        return 0;
    qsort(v, n, sizeof(*v), vg_cmp_u64);
    return n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2;
}

vg_status vg__reach_of(const struct vg_network *net, const uint32_t *members, size_t n,
                       struct vg_reach *out)
{
    memset(out, 0, sizeof(*out));
    roaring_bitmap_t *followers = roaring_bitmap_create();
    roaring_bitmap_t *set = roaring_bitmap_create();
    uint64_t *deg = vg_malloc((n ? n : 1) * sizeof(*deg));
    vg_status rc = VG_ENOMEM;
    if (!followers || !set || !deg)
        goto done;
    for (size_t i = 0; i < n; i++)
        roaring_bitmap_add(set, members[i]);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t v = members[i];
        if (i && members[i - 1] == v) /* callers pass sorted, deduplicated lists */
            continue;
        const struct vg_csr *in = &net->follow_in;
        uint64_t d = vg__csr_degree(in, v);
        roaring_bitmap_add_many(followers, d, in->adj + in->off[v]);
        out->follower_edges += d;
        for (uint64_t e = in->off[v]; e < in->off[v + 1]; e++)
            out->follower_edges_in += roaring_bitmap_contains(set, in->adj[e]);
        deg[k++] = d;
        out->suspended += net->suspended[v];
        out->posts += net->posts_in_window[v];
        out->active_accounts += net->posts_in_window[v] > 0;
    }
    out->accounts = k;
    out->unique_followers = roaring_bitmap_get_cardinality(followers);
    out->followers_inside = roaring_bitmap_and_cardinality(followers, set);
    out->insularity =
            out->follower_edges ? (double)out->follower_edges_in / out->follower_edges : 0.0;
    out->followers_mean = k ? (double)out->follower_edges / k : 0.0;
    out->followers_median = vg__median_u64(deg, k);
    rc = VG_OK;
done:
    /* this CRoaring's roaring_bitmap_free does not accept NULL */
    if (followers)
        roaring_bitmap_free(followers);
    if (set)
        roaring_bitmap_free(set);
    vg_free(deg);
    return rc;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

vg_status vg_network_reach(const vg_network *net, const char *const *ids, size_t n,
                           struct vg_reach *out)
{
    memset(out, 0, sizeof(*out));
    if (!net || (n && !ids))
        return VG_EINVAL;
    size_t cap = ids ? n : net->n_seeds;
    uint32_t *members = vg_malloc((cap ? cap : 1) * sizeof(*members));
    if (!members)
        return VG_ENOMEM;
    size_t k = 0;
    uint64_t unknown = 0;
    if (ids) {
        for (size_t i = 0; i < n; i++) {
            uint32_t v = vg__ids_find(&net->ids, ids[i]);
            if (v == UINT32_MAX)
                unknown++;
            else
                members[k++] = v;
        }
    } else {
        for (uint32_t v = 0; v < net->n; v++)
            if (net->seed[v])
                members[k++] = v;
    }
    qsort(members, k, sizeof(*members), cmp_u32);
    vg_status rc = vg__reach_of(net, members, k, out);
    out->unknown = unknown;
    vg_free(members);
    return rc;
}

vg_status vg__reach_json_buf(const struct vg_reach *r, struct vg_buf *b)
{
    return vg_buf_printf(
            b,
            "{\"accounts\":%llu,\"unknown\":%llu,\"suspended\":%llu,\"unique_followers\":%llu,"
            "\"followers_inside\":%llu,\"follower_edges\":%llu,\"follower_edges_inside\":%llu,"
            "\"insularity\":%.4f,\"followers_mean\":%.2f,\"followers_median\":%.1f,"
            "\"posts\":%llu,\"active_accounts\":%llu}",
            (unsigned long long)r->accounts, (unsigned long long)r->unknown,
            (unsigned long long)r->suspended, (unsigned long long)r->unique_followers,
            (unsigned long long)r->followers_inside, (unsigned long long)r->follower_edges,
            (unsigned long long)r->follower_edges_in, r->insularity, r->followers_mean,
            r->followers_median, (unsigned long long)r->posts,
            (unsigned long long)r->active_accounts);
}

vg_status vg_reach_json(const struct vg_reach *r, char **json)
{
    *json = NULL;
    struct vg_buf b;
    vg_buf_init(&b, 1u << 16);
    vg_status rc = vg__reach_json_buf(r, &b);
    if (rc) {
        vg_buf_release(&b);
        return rc;
    }
    *json = vg_buf_take(&b);
    return *json ? VG_OK : VG_ENOMEM;
}
