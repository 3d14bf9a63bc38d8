/* SPDX-License-Identifier: Apache-2.0 */
/*
 * graph_ppr.c: personalised PageRank from the seeds by power iteration, written here rather than
 * with igraph_personalized_pagerank: igraph would need the graph copied into its own 64-bit
 * edge vectors (about 16 bytes an edge plus indexes, against the 4 we hold), and our network is
 * four CSR views (follows and interactions, both directions) that one pull-style pass reads
 * without building a merged graph at all.
 *
 * The walk is on the undirected weighted graph whose u-v weight is [u follows v] + [v follows u]
 * + interactions u->v + interactions v->u. Undirected, because both who a supporter follows and
 * who follows or amplifies a supporter are evidence; the score then divides by the stationary
 * share (graph_score.c), so hubs that everyone follows do not win by degree alone.
 */
#include <math.h>
#include <string.h>

#include "graph.h"

/* y[v] += sum over neighbours u in rows of c of z[u] * w(u, v). */
static void pull(const struct vg_csr *c, const double *z, double *y)
{
    for (uint32_t v = 0; v < c->n; v++) {
        double acc = 0;
        uint64_t e = c->off[v], end = c->off[v + 1];
        if (c->w)
            for (; e < end; e++)
                acc += z[c->adj[e]] * c->w[e];
        else
            for (; e < end; e++)
                acc += z[c->adj[e]];
        y[v] += acc;
    }
}

vg_status vg__ppr(const struct vg_network *net, double damping, double tol, int max_iter, double *x,
                  int *iterations)
{
    uint32_t n = net->n;
    *iterations = 0;
    if (!n)
        return VG_OK;
    double *s = vg_calloc(n, sizeof(*s)), *z = vg_malloc(n * sizeof(*z)),
           *y = vg_malloc(n * sizeof(*y));
    if (!s || !z || !y) {
        vg_free(s);
        vg_free(z);
        vg_free(y);
        return VG_ENOMEM;
    }
    /* The jump vector: the seeds equally, or everyone when there are none (plain PageRank). */
    uint32_t n_seeds = 0;
    for (uint32_t v = 0; v < n; v++)
        n_seeds += net->seed[v] != 0;
    for (uint32_t v = 0; v < n; v++)
        s[v] = n_seeds ? (net->seed[v] ? 1.0 / n_seeds : 0.0) : 1.0 / n;
    memcpy(x, s, n * sizeof(*x));
    for (int it = 1; it <= max_iter; it++) {
        double dangling = 0;
        for (uint32_t v = 0; v < n; v++) {
            if (net->strength[v] > 0) {
                z[v] = x[v] / net->strength[v];
            } else {
                z[v] = 0;
                dangling += x[v];
            }
            y[v] = 0;
        }
        pull(&net->follow_out, z, y);
        pull(&net->follow_in, z, y);
        pull(&net->inter_out, z, y);
        pull(&net->inter_in, z, y);
        /* A walker on an account without ties jumps home like one that stops. */
        double jump = (1 - damping) + damping * dangling, diff = 0;
        for (uint32_t v = 0; v < n; v++) {
            double nv = damping * y[v] + jump * s[v];
            diff += fabs(nv - x[v]);
            x[v] = nv;
        }
        *iterations = it;
        if (diff < tol)
            break;
    }
    vg_free(s);
    vg_free(z);
    vg_free(y);
    return VG_OK;
}
