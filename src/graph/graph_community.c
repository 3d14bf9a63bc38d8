/* SPDX-License-Identifier: Apache-2.0 */
/*
 * graph_community.c: communities among the candidates (accounts scoring at least the threshold,
 * plus the seeds) with igraph's Leiden algorithm optimising modularity, on the undirected
 * weighted graph PPR walks (follows and interactions, graph_ppr.c) restricted to them. Each
 * community of two or more accounts gets an id (c1 = the largest), its main language, members
 * by score, and its top hashtags and domains, read from the store.
 *
 * igraph calls abort() on errors unless told otherwise; the library must never abort, so its
 * error and warning handlers are switched to "ignore" (we check every return code) for the
 * duration of a call, then restored. Leiden's random tie-breaks use igraph's default RNG, seeded
 * with a fixed value so that a run is reproducible.
 */
#include <igraph.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"

#define LEIDEN_SEED   20151117u
#define TOP_TERMS     10
#define LEIDEN_PASSES 10

struct term_count {
    uint32_t term, n;
};

/* ---- the candidate subgraph ---------------------------------------------------------------- */

/* Candidate edges as (min, max) local pairs with weights; CSR building merges repeats. */
static vg_status candidate_edges(const struct vg_network *net, const uint32_t *local,
                                 struct vg_edges *e)
{
    const struct vg_csr *rows[2] = { &net->follow_out, &net->inter_out };
    vg_status rc = VG_OK;
    for (uint32_t u = 0; u < net->n && !rc; u++) {
        if (local[u] == UINT32_MAX)
            continue;
        for (int k = 0; k < 2 && !rc; k++)
            for (uint64_t x = rows[k]->off[u]; x < rows[k]->off[u + 1] && !rc; x++) {
                uint32_t v = rows[k]->adj[x];
                if (local[v] == UINT32_MAX)
                    continue;
                uint32_t a = local[u] < local[v] ? local[u] : local[v];
                uint32_t b = local[u] < local[v] ? local[v] : local[u];
                rc = vg__edges_push(e, a, b, rows[k]->w ? rows[k]->w[x] : 1.0f);
            }
    }
    return rc;
}

/*
 * Leiden on the candidate graph c, with modularity's null model taken from the whole network:
 * node_weight[u] is candidate u's strength in the whole graph and `total` the whole graph's tie
 * weight. A null model of the candidate subgraph alone would see no structure in a candidate set
 * that is one dense group (the whole-set partition scores 0, like many splits of it; the planted
 * cell of test_graph came out as five pairs), whereas against the whole network a group whose
 * ties mostly stay inside it is the clear optimum.
 */
static vg_status run_leiden(const struct vg_csr *c, const double *node_weight, double total,
                            igraph_vector_int_t *membership)
{
    igraph_t g;
    igraph_vector_int_t edges;
    igraph_vector_t weights, strength;
    igraph_integer_t m = (igraph_integer_t)c->off[c->n], n_clusters = 0;
    igraph_real_t quality = 0;
    vg_status rc = VG_ENOMEM;
    int have_g = 0;
    if (m == 0) {
        /* No ties among the candidates: every one is alone (Leiden never returned on this
         * input with igraph 0.10.4). */
        if (igraph_vector_int_resize(membership, c->n))
            return VG_ENOMEM;
        for (uint32_t u = 0; u < c->n; u++)
            VECTOR(*membership)[u] = u;
        return VG_OK;
    }
    if (igraph_vector_int_init(&edges, 2 * m))
        return VG_ENOMEM;
    if (igraph_vector_init(&weights, m)) {
        igraph_vector_int_destroy(&edges);
        return VG_ENOMEM;
    }
    if (igraph_vector_init(&strength, c->n)) {
        igraph_vector_destroy(&weights);
        igraph_vector_int_destroy(&edges);
        return VG_ENOMEM;
    }
    for (uint32_t u = 0, k = 0; u < c->n; u++) {
        VECTOR(strength)[u] = node_weight[u];
        for (uint64_t x = c->off[u]; x < c->off[u + 1]; x++, k++) {
            VECTOR(edges)[2 * k] = u;
            VECTOR(edges)[2 * k + 1] = c->adj[x];
            VECTOR(weights)[k] = c->w[x];
        }
    }
    if (igraph_create(&g, &edges, c->n, IGRAPH_UNDIRECTED))
        goto done;
    have_g = 1;
    igraph_rng_seed(igraph_rng_default(), LEIDEN_SEED);
    /* Modularity: node weights are whole-network strengths, resolution 1 / (2m). A fixed number of
     * passes rather than "until stable" (-1), which bounds the time on any input; Leiden
     * usually settles in two to five. */
    if (igraph_community_leiden(&g, &weights, &strength, 1.0 / (2 * total), 0.01, 0, LEIDEN_PASSES,
                                membership, &n_clusters, &quality))
        goto done;
    rc = VG_OK;
done:
    if (have_g)
        igraph_destroy(&g);
    igraph_vector_destroy(&strength);
    igraph_vector_destroy(&weights);
    igraph_vector_int_destroy(&edges);
    return rc;
}

/* ---- describing communities ---------------------------------------------------------------- */

struct cluster {
    uint32_t label, size, best; /* best: the rank of its best-ranked member */
};

static int by_size(const void *a, const void *b)
{
    const struct cluster *x = a, *y = b;
    if (x->size != y->size)
        return x->size > y->size ? -1 : 1;
    return (x->best > y->best) - (x->best < y->best);
}

/* Community per account from Leiden's labels: communities of 2+ numbered by size. */
static vg_status number_communities(struct vg_network *net, const uint32_t *cand, uint32_t k,
                                    const igraph_vector_int_t *mem)
{
    struct cluster *cl = vg_calloc(k ? k : 1, sizeof(*cl));
    uint32_t *pos = vg_malloc((size_t)net->n * sizeof(*pos) + 1);
    uint32_t *order = vg_malloc((k ? k : 1) * sizeof(*order));
    if (!cl || !pos || !order) {
        vg_free(cl);
        vg_free(pos);
        vg_free(order);
        return VG_ENOMEM;
    }
    for (uint32_t r = 0; r < net->n; r++)
        pos[net->rank[r]] = r;
    for (uint32_t i = 0; i < k; i++) {
        cl[i].label = i;
        cl[i].best = UINT32_MAX;
    }
    for (uint32_t i = 0; i < k; i++) {
        struct cluster *c = &cl[VECTOR(*mem)[i]];
        c->size++;
        if (pos[cand[i]] < c->best)
            c->best = pos[cand[i]];
    }
    qsort(cl, k, sizeof(*cl), by_size);
    for (uint32_t i = 0; i < k; i++)
        order[cl[i].label] = cl[i].size >= 2 ? i : UINT32_MAX;
    net->n_communities = 0;
    for (uint32_t i = 0; i < k && cl[i].size >= 2; i++)
        net->n_communities++;
    for (uint32_t i = 0; i < k; i++) {
        uint32_t c = order[VECTOR(*mem)[i]];
        net->community[cand[i]] = c == UINT32_MAX ? -1 : (int32_t)c;
    }
    vg_free(cl);
    vg_free(pos);
    vg_free(order);
    return VG_OK;
}

static vg_status fill_members(struct vg_network *net)
{
    net->communities =
            vg_calloc(net->n_communities ? net->n_communities : 1, sizeof(*net->communities));
    if (!net->communities)
        return VG_ENOMEM;
    for (uint32_t v = 0; v < net->n; v++)
        if (net->community[v] >= 0)
            net->communities[net->community[v]].size++;
    for (uint32_t c = 0; c < net->n_communities; c++) {
        net->communities[c].members =
                vg_arena_alloc(&net->arena, net->communities[c].size * sizeof(uint32_t));
        if (!net->communities[c].members)
            return VG_ENOMEM;
        net->communities[c].size = 0;
    }
    /* In rank order, so members come best first. */
    for (uint32_t r = 0; r < net->n; r++) {
        uint32_t v = net->rank[r];
        if (net->community[v] < 0)
            continue;
        struct vg_community *c = &net->communities[net->community[v]];
        c->members[c->size++] = v;
        c->mean_score += net->score[v];
        c->n_seeds += net->seed[v];
    }
    return VG_OK;
}

/* The language most members post in ("und" only if none is known). */
static vg_status main_languages(struct vg_network *net)
{
    uint32_t *votes = vg_malloc((net->n_langs ? net->n_langs : 1) * sizeof(*votes));
    if (!votes)
        return VG_ENOMEM;
    for (uint32_t c = 0; c < net->n_communities; c++) {
        struct vg_community *k = &net->communities[c];
        memset(votes, 0, net->n_langs * sizeof(*votes));
        for (uint32_t i = 0; i < k->size; i++)
            votes[net->lang[k->members[i]]]++;
        uint32_t best = 0;
        for (uint32_t l = 1; l < net->n_langs; l++)
            if (votes[l] > votes[best] || (best == 0 && votes[l] > 0))
                best = l;
        k->lang = net->langs[best];
        k->mean_score /= k->size;
    }
    vg_free(votes);
    return VG_OK;
}

/* Hashtag or domain counts per community: key "<community>\x1f<term>" in a string table. */
struct term_scan {
    struct vg_network *net;
    struct vg_ids keys;
    uint32_t *count, *owner, cap;
    char *buf;
    size_t buf_cap;
};

static vg_status on_term(const struct vg_scan_row *r, void *ud)
{
    struct term_scan *t = ud;
    uint32_t v = vg__ids_find(&t->net->ids, r->account);
    if (v == UINT32_MAX || t->net->community[v] < 0 || !r->item)
        return VG_OK;
    size_t need = strlen(r->item) + 16;
    if (need > t->buf_cap) {
        char *b = vg_realloc(t->buf, need);
        if (!b)
            return VG_ENOMEM;
        t->buf = b;
        t->buf_cap = need;
    }
    snprintf(t->buf, t->buf_cap, "%d\x1f%s", t->net->community[v], r->item);
    uint32_t key;
    vg_status rc = vg__ids_intern(&t->keys, t->buf, &key);
    if (rc)
        return rc;
    if (key >= t->cap) {
        uint32_t cap = t->cap ? t->cap * 2 : 1024;
        uint32_t *c = vg_realloc(t->count, cap * sizeof(*c));
        if (!c)
            return VG_ENOMEM;
        t->count = c;
        uint32_t *o = vg_realloc(t->owner, cap * sizeof(*o));
        if (!o)
            return VG_ENOMEM;
        t->owner = o;
        memset(t->count + t->cap, 0, (cap - t->cap) * sizeof(*c));
        t->cap = cap;
    }
    t->count[key]++;
    t->owner[key] = (uint32_t)t->net->community[v];
    return VG_OK;
}

static int by_count(const void *a, const void *b, const struct term_scan *t)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    if (t->count[x] != t->count[y])
        return t->count[x] > t->count[y] ? -1 : 1;
    return strcmp(t->keys.str[x], t->keys.str[y]);
}

static _Thread_local const struct term_scan *sort_terms;

static int by_count_qsort(const void *a, const void *b)
{
    return by_count(a, b, sort_terms);
}

/* JSON [{"<name>":..,"n":..}] of each community's top terms, kept in the arena. */
static vg_status terms_json(struct term_scan *t, const char *name, int domains)
{
    struct vg_network *net = t->net;
    uint32_t n = t->keys.n;
    uint32_t *order = vg_malloc((n ? n : 1) * sizeof(*order));
    if (!order)
        return VG_ENOMEM;
    for (uint32_t i = 0; i < n; i++)
        order[i] = i;
    sort_terms = t;
    qsort(order, n, sizeof(*order), by_count_qsort);
    sort_terms = NULL;
    vg_status rc = VG_OK;
    struct vg_buf b;
    vg_buf_init(&b, 1u << 20);
    for (uint32_t c = 0; c < net->n_communities && !rc; c++) {
        vg_buf_reset(&b);
        rc = vg_buf_putc(&b, '[');
        uint32_t shown = 0;
        for (uint32_t i = 0; i < n && shown < TOP_TERMS && !rc; i++) {
            uint32_t key = order[i];
            if (t->owner[key] != c)
                continue;
            const char *term = strchr(t->keys.str[key], '\x1f') + 1;
            rc = vg_buf_printf(&b, "%s{\"%s\":", shown++ ? "," : "", name);
            if (!rc)
                rc = vg_buf_json_str(&b, term, strlen(term));
            if (!rc)
                rc = vg_buf_printf(&b, ",\"n\":%u}", t->count[key]);
        }
        if (!rc)
            rc = vg_buf_putc(&b, ']');
        char *s = rc ? NULL : vg_arena_strdup(&net->arena, b.data);
        if (!rc && !s)
            rc = VG_ENOMEM;
        if (!rc) {
            if (domains)
                net->communities[c].domains_json = s;
            else
                net->communities[c].tags_json = s;
        }
    }
    vg_buf_release(&b);
    vg_free(order);
    return rc;
}

static vg_status top_terms(vg_db *db, struct vg_network *net, enum vg_scan kind, const char *name)
{
    struct term_scan t;
    memset(&t, 0, sizeof(t));
    t.net = net;
    vg_status rc = vg__ids_init(&t.keys);
    if (!rc)
        rc = vg__db_scan(db, kind, VG_TIME_UNKNOWN, net->opts.before, on_term, &t);
    if (!rc)
        rc = terms_json(&t, name, kind == VG_SCAN_DOMAINS);
    vg__ids_release(&t.keys);
    vg_free(t.count);
    vg_free(t.owner);
    vg_free(t.buf);
    return rc;
}

/* ---- entry points -------------------------------------------------------------------------- */

static vg_status detect_on_candidates(struct vg_network *net, const uint32_t *cand, uint32_t k,
                                      const uint32_t *local)
{
    struct vg_edges e;
    struct vg_csr c;
    memset(&e, 0, sizeof(e));
    memset(&c, 0, sizeof(c));
    igraph_vector_int_t mem;
    if (igraph_vector_int_init(&mem, k))
        return VG_ENOMEM;
    vg_status rc = candidate_edges(net, local, &e);
    if (!rc)
        rc = vg__csr_build(&c, k, &e, 0, 1);
    vg__edges_release(&e);
    double *node_weight = vg_malloc((k ? k : 1) * sizeof(*node_weight)), total = 0;
    if (!rc && !node_weight)
        rc = VG_ENOMEM;
    for (uint32_t v = 0; !rc && v < net->n; v++)
        total += net->strength[v];
    for (uint32_t u = 0; !rc && u < k; u++)
        node_weight[u] = net->strength[cand[u]];
    /* strengths count every tie at both ends */
    if (!rc)
        rc = run_leiden(&c, node_weight, total / 2, &mem);
    vg_free(node_weight);
    vg__csr_release(&c);
    if (!rc)
        rc = number_communities(net, cand, k, &mem);
    igraph_vector_int_destroy(&mem);
    return rc;
}

vg_status vg__communities_detect(vg_db *db, struct vg_network *net)
{
    vg__communities_release(net);
    net->community = vg_malloc((net->n ? net->n : 1) * sizeof(*net->community));
    uint32_t *local = vg_malloc((net->n ? net->n : 1) * sizeof(*local));
    uint32_t *cand = vg_malloc((net->n ? net->n : 1) * sizeof(*cand));
    vg_status rc = VG_ENOMEM;
    if (!net->community || !local || !cand)
        goto done;
    uint32_t k = 0;
    for (uint32_t v = 0; v < net->n; v++) {
        net->community[v] = -1;
        local[v] = UINT32_MAX;
        if (net->seed[v] || net->score[v] >= net->opts.threshold) {
            local[v] = k;
            cand[k++] = v;
        }
    }
    net->n_candidates = k;
    igraph_error_handler_t *old_err = igraph_set_error_handler(igraph_error_handler_ignore);
    igraph_warning_handler_t *old_warn = igraph_set_warning_handler(igraph_warning_handler_ignore);
    rc = k ? detect_on_candidates(net, cand, k, local) : VG_OK;
    igraph_set_error_handler(old_err);
    igraph_set_warning_handler(old_warn);
    if (!rc)
        rc = fill_members(net);
    if (!rc)
        rc = main_languages(net);
    if (!rc)
        rc = top_terms(db, net, VG_SCAN_HASHTAGS, "tag");
    if (!rc)
        rc = top_terms(db, net, VG_SCAN_DOMAINS, "domain");
done:
    vg_free(local);
    vg_free(cand);
    return rc;
}

void vg__communities_release(struct vg_network *net)
{
    /* Members and JSON live in the network's arena. */
    vg_free(net->communities);
    net->communities = NULL;
    vg_free(net->community);
    net->community = NULL;
    net->n_communities = 0;
}

size_t vg_network_n_communities(const vg_network *net)
{
    return net ? net->n_communities : 0;
}

static int cmp_member(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static vg_status community_reach(const struct vg_network *net, const struct vg_community *c,
                                 struct vg_reach *r)
{
    uint32_t *sorted = vg_malloc((c->size ? c->size : 1) * sizeof(*sorted));
    if (!sorted)
        return VG_ENOMEM;
    memcpy(sorted, c->members, c->size * sizeof(*sorted));
    qsort(sorted, c->size, sizeof(*sorted), cmp_member);
    vg_status rc = vg__reach_of(net, sorted, c->size, r);
    vg_free(sorted);
    return rc;
}

vg_status vg_network_community_json(const vg_network *net, size_t k, size_t top_n, char **json)
{
    *json = NULL;
    if (!net || k >= net->n_communities)
        return VG_EINVAL;
    const struct vg_community *c = &net->communities[k];
    struct vg_reach r;
    vg_status rc = community_reach(net, c, &r);
    if (rc)
        return rc;
    struct vg_buf b;
    vg_buf_init(&b, 16u << 20);
    rc = vg_buf_printf(&b, "{\"community\":\"c%zu\",\"size\":%u,\"seeds\":%u,\"lang\":", k + 1,
                       c->size, c->n_seeds);
    if (!rc)
        rc = vg_buf_json_str(&b, c->lang, strlen(c->lang));
    if (!rc)
        rc = vg_buf_printf(&b, ",\"mean_score\":%.4f,\"top_accounts\":[", c->mean_score);
    for (size_t i = 0; i < c->size && i < top_n && !rc; i++) {
        const char *id = net->ids.str[c->members[i]];
        rc = vg_buf_puts(&b, i ? ",{\"account\":" : "{\"account\":");
        if (!rc)
            rc = vg_buf_json_str(&b, id, strlen(id));
        if (!rc)
            rc = vg_buf_printf(&b, ",\"score\":%.4f}", net->score[c->members[i]]);
    }
    if (!rc)
        rc = vg_buf_printf(&b, "],\"top_hashtags\":%s,\"top_domains\":%s,\"reach\":",
                           c->tags_json ? c->tags_json : "[]",
                           c->domains_json ? c->domains_json : "[]");
    if (!rc)
        rc = vg__reach_json_buf(&r, &b);
    if (!rc)
        rc = vg_buf_putc(&b, '}');
    if (rc) {
        vg_buf_release(&b);
        return rc;
    }
    *json = vg_buf_take(&b);
    return *json ? VG_OK : VG_ENOMEM;
}
