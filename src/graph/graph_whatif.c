/* SPDX-License-Identifier: Apache-2.0 */
/*
 * graph_whatif.c: what-if suspensions (issue 4; docs/networks.md "What-if suspensions"). Given a
 * set of accounts and a budget K, which K to suspend to cut the set's reach (the unique
 * followers of its live members, as vg_network_reach counts them) the most, and what is left.
 *
 * Three rankings, all then simulated the same way (suspend the picks in order and count the
 * followers left with no live followee in the set):
 *   - coverage: greedy maximum coverage of the picks' followers, lazy (CELF, Leskovec et al.
 *     2007) over CRoaring bitmaps. Coverage is monotone submodular, so greedy reaches at least
 *     1 - 1/e of the best K (Nemhauser, Wolsey and Fisher 1978), and a gain only shrinks as
 *     picks accumulate, so a stale gain is an upper bound and most need no recomputation.
 *   - removal: greedy on the reach actually removed. That objective (followers all of whose
 *     followees in the set are picked) is supermodular, not submodular: greedy has no constant
 *     guarantee and lazy evaluation is not valid, so gains are kept exact, incrementally: when a
 *     follower is left with one live followee, that followee's gain grows by one.
 *   - followers: the naive top K by follower count, the baseline both are compared with.
 */
#include <roaring/roaring.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"

static uint64_t followers_of(const struct vg_network *net, uint32_t v)
{
    return vg__csr_degree(&net->follow_in, v);
}

/* Better candidate first: larger gain, then more followers, then lower index (repeatable). */
static int better(const struct vg_network *net, uint64_t ga, uint32_t a, uint64_t gb, uint32_t b)
{
    if (ga != gb)
        return ga > gb;
    uint64_t fa = followers_of(net, a), fb = followers_of(net, b);
    if (fa != fb)
        return fa > fb;
    return a < b;
}

/* ---- coverage: lazy greedy (CELF) ------------------------------------------------------------ */

struct celf_entry {
    uint64_t gain;  /* exact when stamp == picks made, else an upper bound */
    uint32_t pos;   /* index into the candidates */
    uint32_t stamp; /* picks made when gain was computed */
};

struct celf_heap {
    struct celf_entry *e;
    size_t n;
    const struct vg_network *net;
    const uint32_t *cand;
};

static int heap_above(const struct celf_heap *h, size_t i, size_t j)
{
    return better(h->net, h->e[i].gain, h->cand[h->e[i].pos], h->e[j].gain, h->cand[h->e[j].pos]);
}

static void heap_swap(struct celf_heap *h, size_t i, size_t j)
{
    struct celf_entry t = h->e[i];
    h->e[i] = h->e[j];
    h->e[j] = t;
}

static void sift_down(struct celf_heap *h, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, best = i;
        if (l < h->n && heap_above(h, l, best))
            best = l;
        if (r < h->n && heap_above(h, r, best))
            best = r;
        if (best == i)
            return;
        heap_swap(h, i, best);
        i = best;
    }
}

static vg_status rank_coverage(const struct vg_network *net, const uint32_t *cand, size_t n,
                               size_t budget, struct vg_whatif *out)
{
    const struct vg_csr *in = &net->follow_in;
    roaring_bitmap_t **bm = vg_calloc(n ? n : 1, sizeof(*bm));
    roaring_bitmap_t *covered = roaring_bitmap_create();
    struct celf_heap h = { vg_malloc((n ? n : 1) * sizeof(*h.e)), 0, net, cand };
    vg_status rc = VG_ENOMEM;
    if (!bm || !covered || !h.e)
        goto done;
    for (size_t i = 0; i < n; i++) {
        uint32_t v = cand[i];
        if (!(bm[i] = roaring_bitmap_of_ptr((size_t)vg__csr_degree(in, v), in->adj + in->off[v])))
            goto done;
        h.e[h.n++] = (struct celf_entry){ followers_of(net, v), (uint32_t)i, 0 };
    }
    /* Heapify: with nothing covered, every gain is exact (the follower count). */
    for (size_t i = h.n / 2; i-- > 0;)
        sift_down(&h, i);
    out->gain_evaluations = n;
    while (out->n_picks < budget && h.n) {
        struct celf_entry *top = &h.e[0];
        if (top->stamp != out->n_picks) {
            top->gain = roaring_bitmap_andnot_cardinality(bm[top->pos], covered);
            top->stamp = (uint32_t)out->n_picks;
            out->gain_evaluations++;
            sift_down(&h, 0);
            continue;
        }
        roaring_bitmap_or_inplace(covered, bm[top->pos]);
        uint32_t v = cand[top->pos];
        out->picks[out->n_picks++] =
                (struct vg_whatif_pick){ v, followers_of(net, v), top->gain, 0 };
        h.e[0] = h.e[--h.n];
        sift_down(&h, 0);
    }
    rc = VG_OK;
done:
    for (size_t i = 0; bm && i < n; i++)
        if (bm[i]) /* this CRoaring's roaring_bitmap_free does not accept NULL */
            roaring_bitmap_free(bm[i]);
    vg_free(bm);
    vg_free(h.e);
    if (covered)
        roaring_bitmap_free(covered);
    return rc;
}

/* ---- removal: exact greedy ---------------------------------------------------------------------
 */

/*
 * cnt[x]: live candidates x follows (as computed by the caller); live[v]: candidate not picked.
 * gain[i]: followers of cand[i] whose only live followee it is.
 */
static vg_status rank_removal(const struct vg_network *net, const uint32_t *cand, size_t n,
                              size_t budget, const uint32_t *cnt_in, struct vg_whatif *out)
{
    const struct vg_csr *in = &net->follow_in, *fo = &net->follow_out;
    uint32_t *cnt = vg_malloc((net->n ? net->n : 1) * sizeof(*cnt));
    uint64_t *gain = vg_calloc(n ? n : 1, sizeof(*gain));
    uint32_t *pos_of = vg_malloc((net->n ? net->n : 1) * sizeof(*pos_of)); /* UINT32_MAX: not a
                                                                               live candidate */
    if (!cnt || !gain || !pos_of) {
        vg_free(cnt);
        vg_free(gain);
        vg_free(pos_of);
        return VG_ENOMEM;
    }
    memcpy(cnt, cnt_in, net->n * sizeof(*cnt));
    memset(pos_of, 0xff, net->n * sizeof(*pos_of));
    for (size_t i = 0; i < n; i++) {
        uint32_t v = cand[i];
        pos_of[v] = (uint32_t)i;
        for (uint64_t e = in->off[v]; e < in->off[v + 1]; e++)
            gain[i] += cnt[in->adj[e]] == 1;
    }
    out->gain_evaluations = n;
    while (out->n_picks < budget) {
        size_t best = SIZE_MAX;
        for (size_t i = 0; i < n; i++)
            if (pos_of[cand[i]] != UINT32_MAX &&
                (best == SIZE_MAX || better(net, gain[i], cand[i], gain[best], cand[best])))
                best = i;
        if (best == SIZE_MAX)
            break;
        out->gain_evaluations += n;
        uint32_t a = cand[best];
        pos_of[a] = UINT32_MAX;
        out->picks[out->n_picks++] =
                (struct vg_whatif_pick){ a, followers_of(net, a), gain[best], 0 };
        for (uint64_t e = in->off[a]; e < in->off[a + 1]; e++) {
            uint32_t x = in->adj[e];
            if (--cnt[x] != 1)
                continue;
            /* x now depends on one live candidate: find it among whom x follows. */
            for (uint64_t f = fo->off[x]; f < fo->off[x + 1]; f++)
                if (pos_of[fo->adj[f]] != UINT32_MAX) {
                    gain[pos_of[fo->adj[f]]]++;
                    break;
                }
        }
    }
    vg_free(cnt);
    vg_free(gain);
    vg_free(pos_of);
    return VG_OK;
}

/* ---- followers: the naive baseline ------------------------------------------------------------
 */

struct by_followers {
    uint64_t followers;
    uint32_t v;
};

/* More followers first, then lower index: the order better() gives at equal gains. */
static int cmp_by_followers(const void *a, const void *b)
{
    const struct by_followers *x = a, *y = b;
    if (x->followers != y->followers)
        return x->followers > y->followers ? -1 : 1;
    return (x->v > y->v) - (x->v < y->v);
}

static vg_status rank_followers(const struct vg_network *net, const uint32_t *cand, size_t n,
                                size_t budget, struct vg_whatif *out)
{
    struct by_followers *order = vg_malloc((n ? n : 1) * sizeof(*order));
    if (!order)
        return VG_ENOMEM;
    for (size_t i = 0; i < n; i++)
        order[i] = (struct by_followers){ followers_of(net, cand[i]), cand[i] };
    qsort(order, n, sizeof(*order), cmp_by_followers);
    for (size_t i = 0; i < n && out->n_picks < budget; i++)
        out->picks[out->n_picks++] =
                (struct vg_whatif_pick){ order[i].v, order[i].followers, order[i].followers, 0 };
    vg_free(order);
    return VG_OK;
}

/* ---- simulate -------------------------------------------------------------------------------- */

vg_status vg__whatif_run(const struct vg_network *net, const uint32_t *cand, size_t n,
                         size_t budget, enum vg_whatif_rank rank, struct vg_whatif *out)
{
    const struct vg_csr *in = &net->follow_in;
    size_t k = budget < n ? budget : n;
    uint32_t *cnt = vg_calloc(net->n ? net->n : 1, sizeof(*cnt));
    roaring_bitmap_t *cover = roaring_bitmap_create();
    out->picks = vg_malloc((k ? k : 1) * sizeof(*out->picks));
    vg_status rc = VG_ENOMEM;
    if (!cnt || !cover || !out->picks)
        goto fail;
    /* Reach before: followers with at least one live followee in the set. */
    for (size_t i = 0; i < n; i++)
        for (uint64_t e = in->off[cand[i]]; e < in->off[cand[i] + 1]; e++)
            out->reach_before += cnt[in->adj[e]]++ == 0;
    switch (rank) {
        case VG_WHATIF_COVERAGE:
            rc = rank_coverage(net, cand, n, k, out);
            break;
        case VG_WHATIF_REMOVAL:
            rc = rank_removal(net, cand, n, k, cnt, out);
            break;
        case VG_WHATIF_FOLLOWERS:
            rc = rank_followers(net, cand, n, k, out);
            break;
        default:
            rc = VG_EINVAL;
    }
    if (rc)
        goto fail;
    /* Suspend the picks in order: a follower is lost when its last live followee goes. */
    uint64_t left = out->reach_before;
    for (size_t p = 0; p < out->n_picks; p++) {
        uint32_t a = (uint32_t)out->picks[p].account;
        roaring_bitmap_add_many(cover, (size_t)vg__csr_degree(in, a), in->adj + in->off[a]);
        for (uint64_t e = in->off[a]; e < in->off[a + 1]; e++)
            out->picks[p].removed += --cnt[in->adj[e]] == 0;
        left -= out->picks[p].removed;
    }
    out->reach_after = left;
    out->coverage = roaring_bitmap_get_cardinality(cover);
    vg_free(cnt);
    if (cover)
        roaring_bitmap_free(cover);
    return VG_OK;
fail:
    vg_free(cnt);
    if (cover)
        roaring_bitmap_free(cover);
    vg_free(out->picks);
    out->picks = NULL;
    out->n_picks = 0;
    return rc;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

vg_status vg_network_whatif(const vg_network *net, const char *const *ids, size_t n, size_t budget,
                            enum vg_whatif_rank rank, struct vg_whatif *out)
{
    memset(out, 0, sizeof(*out));
    if (!net || (n && !ids) || rank > VG_WHATIF_FOLLOWERS)
        return VG_EINVAL;
    uint32_t *cand = vg_malloc((n ? n : 1) * sizeof(*cand));
    if (!cand)
        return VG_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t v = ids[i] ? vg__ids_find(&net->ids, ids[i]) : UINT32_MAX;
        if (v == UINT32_MAX)
            out->unknown++;
        else
            cand[k++] = v;
    }
    qsort(cand, k, sizeof(*cand), cmp_u32);
    size_t w = 0;
    for (size_t i = 0; i < k; i++) {
        if (w && cand[w - 1] == cand[i])
            continue;
        out->accounts++;
        if (net->suspended[cand[i]])
            out->already_suspended++; /* already gone: neither a candidate nor in the reach */
        else
            cand[w++] = cand[i];
    }
    struct vg_whatif res = *out;
    vg_status rc = vg__whatif_run(net, cand, w, budget, rank, &res);
    vg_free(cand);
    if (rc)
        return rc;
    *out = res;
    return VG_OK;
}

void vg_whatif_release(struct vg_whatif *w)
{
    if (!w)
        return;
    vg_free(w->picks);
    w->picks = NULL;
    w->n_picks = 0;
}

const char *vg_whatif_rank_name(enum vg_whatif_rank rank)
{
    switch (rank) {
        case VG_WHATIF_COVERAGE:
            return "coverage";
        case VG_WHATIF_REMOVAL:
            return "removal";
        case VG_WHATIF_FOLLOWERS:
            return "followers";
    }
    return "?";
}

vg_status vg_whatif_pick_json(const vg_network *net, const struct vg_whatif *w, size_t i,
                              char **json)
{
    *json = NULL;
    if (!net || !w || i >= w->n_picks)
        return VG_EINVAL;
    uint64_t left = w->reach_before;
    for (size_t p = 0; p <= i; p++)
        left -= w->picks[p].removed;
    const struct vg_whatif_pick *p = &w->picks[i];
    const char *id = net->ids.str[p->account];
    struct vg_buf b;
    vg_buf_init(&b, 1u << 16);
    vg_status rc = vg_buf_printf(&b, "{\"rank\":%zu,\"account\":", i + 1);
    if (!rc)
        rc = vg_buf_json_str(&b, id, strlen(id));
    if (!rc)
        rc = vg_buf_printf(&b,
                           ",\"followers\":%llu,\"gain\":%llu,\"removed\":%llu,"
                           "\"reach_left\":%llu}",
                           (unsigned long long)p->followers, (unsigned long long)p->gain,
                           (unsigned long long)p->removed, (unsigned long long)left);
    if (rc) {
        vg_buf_release(&b);
        return rc;
    }
    *json = vg_buf_take(&b);
    return *json ? VG_OK : VG_ENOMEM;
}
