/* SPDX-License-Identifier: Apache-2.0 */
/*
 * graph_score.c: the account score, content and network combined (docs/networks.md), and its
 * explanation.
 *
 * Personalised PageRank from the seeds gives each account a lift: PPR(v) / stationary share of
 * v (strength(v) / total strength), how much nearer the seeds v sits than a random walker would
 * put it. The score is logistic(bias + w . x) over the features of graph_features.c (content,
 * closeness on the lift's log scale relative to the seeds, ties to and from accounts with
 * evidence, activity, age); the weights are the ones `vigie accounts fit` found on generated
 * worlds (graph_fit.c), or those of a weights file.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"

#define PPR_TOL      1e-10
#define PPR_MAX_ITER 100

static int is_known(const struct vg_network *net, uint32_t v)
{
    return net->seed[v] || net->content[v].n_flagged > 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median lift of the seeds that have ties; 0 when there are none. */
static vg_status seed_lift(const struct vg_network *net, double *out)
{
    *out = 0;
    double *l = vg_malloc((net->n_seeds ? net->n_seeds : 1) * sizeof(*l));
    if (!l)
        return VG_ENOMEM;
    size_t k = 0;
    for (uint32_t v = 0; v < net->n && k < net->n_seeds; v++)
        if (net->seed[v] && net->strength[v] > 0)
            l[k++] = net->lift[v];
    qsort(l, k, sizeof(*l), cmp_double);
    if (k)
        *out = k % 2 ? l[k / 2] : (l[k / 2 - 1] + l[k / 2]) / 2;
    vg_free(l);
    return VG_OK;
}

static _Thread_local const struct vg_network *sort_net;

static int by_score(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    double sx = sort_net->score[x], sy = sort_net->score[y];
    if (sx != sy)
        return sx > sy ? -1 : 1;
    return (x > y) - (x < y);
}

vg_status vg__score_accounts(struct vg_network *net)
{
    uint32_t n = net->n;
    size_t sz = n ? n : 1;
    vg_free(net->ppr);
    vg_free(net->lift);
    vg_free(net->score);
    vg_free(net->rank);
    net->ppr = vg_malloc(sz * sizeof(double));
    net->lift = vg_malloc(sz * sizeof(double));
    net->score = vg_malloc(sz * sizeof(double));
    net->rank = vg_malloc(sz * sizeof(uint32_t));
    if (!net->ppr || !net->lift || !net->score || !net->rank)
        return VG_ENOMEM;
    vg_status rc =
            vg__ppr(net, net->opts.damping, PPR_TOL, PPR_MAX_ITER, net->ppr, &net->ppr_iterations);
    if (rc)
        return rc;
    double total = 0;
    for (uint32_t v = 0; v < n; v++)
        total += net->strength[v];
    for (uint32_t v = 0; v < n; v++)
        net->lift[v] = net->strength[v] > 0 ? net->ppr[v] * total / net->strength[v] : 0.0;
    double ref;
    if ((rc = seed_lift(net, &ref)) || (rc = vg__evidence_compute(net)))
        return rc;
    net->log_ref = ref > 1 ? log(ref) : 0.0;
    for (uint32_t v = 0; v < n; v++) {
        double x[VG_AF__COUNT];
        vg__account_features(net, v, net->log_ref, x);
        net->score[v] = vg__weights_apply(&net->weights, x);
        net->rank[v] = v;
    }
    /* qsort has no user pointer in C17: the network sorted is held in a thread-local. */
    sort_net = net;
    qsort(net->rank, n, sizeof(*net->rank), by_score);
    sort_net = NULL;
    net->scored = 1;
    return VG_OK;
}

vg_status vg_network_score(vg_db *db, vg_network *net)
{
    if (!db || !net)
        return VG_EINVAL;
    vg_status rc = vg__score_accounts(net);
    if (!rc)
        rc = vg__communities_detect(db, net);
    return rc;
}

size_t vg_network_ranked(const vg_network *net, size_t rank)
{
    return net && net->scored && rank < net->n ? net->rank[rank] : (size_t)-1;
}

double vg_network_score_of(const vg_network *net, size_t i)
{
    return net && net->scored && i < net->n ? net->score[i] : 0.0;
}

int vg_network_community_of(const vg_network *net, size_t i)
{
    return net && net->community && i < net->n ? net->community[i] : -1;
}

/* ---- explanation --------------------------------------------------------------------------- */

struct link {
    uint32_t to;
    uint32_t interactions;
    int follows;
};

static int by_link_weight(const void *a, const void *b)
{
    const struct link *x = a, *y = b;
    double wx = x->interactions + x->follows, wy = y->interactions + y->follows;
    if (wx != wy)
        return wx > wy ? -1 : 1;
    return (x->to > y->to) - (x->to < y->to);
}

/* v's ties to known accounts, heaviest first; *n_out of them in *out (caller frees). Both rows
 * are sorted by neighbour, so one merge pass joins follows and interactions. */
static vg_status known_links(const struct vg_network *net, uint32_t v, struct link **out,
                             size_t *n_out)
{
    const struct vg_csr *f = &net->follow_out, *i = &net->inter_out;
    uint64_t a = f->off[v], ae = f->off[v + 1], b = i->off[v], be = i->off[v + 1];
    struct link *l = vg_malloc(((ae - a) + (be - b) + 1) * sizeof(*l));
    if (!l)
        return VG_ENOMEM;
    size_t n = 0;
    while (a < ae || b < be) {
        struct link k = { 0, 0, 0 };
        if (b >= be || (a < ae && f->adj[a] < i->adj[b])) {
            k.to = f->adj[a++];
            k.follows = 1;
        } else if (a >= ae || i->adj[b] < f->adj[a]) {
            k.to = i->adj[b];
            k.interactions = (uint32_t)i->w[b++];
        } else {
            k.to = f->adj[a++];
            k.follows = 1;
            k.interactions = (uint32_t)i->w[b++];
        }
        if (is_known(net, k.to))
            l[n++] = k;
    }
    qsort(l, n, sizeof(*l), by_link_weight);
    *out = l;
    *n_out = n;
    return VG_OK;
}

#define TERM_REASON_MIN 0.3 /* a shared term is a reason from this known share on */

/* The terms (hashtag, domain, profile word) v shares most with known accounts. */
static vg_status put_term_reasons(const struct vg_network *net, uint32_t v, size_t max, size_t *k,
                                  struct vg_buf *b)
{
    static const char *const key[VG_TERM_KINDS] = { "hashtag", "domain", "profile_term" };
    vg_status rc = VG_OK;
    for (int kind = 0; kind < VG_TERM_KINDS && *k < max && !rc; kind++) {
        const struct vg_terms *t = &net->terms[kind];
        uint32_t best;
        double share = vg__terms_best(t, v, net->evidence[v], &best);
        if (share < TERM_REASON_MIN || best == UINT32_MAX)
            continue;
        rc = vg_buf_printf(b, "%s{\"%s\":", (*k)++ ? "," : "", key[kind]);
        if (!rc)
            rc = vg_buf_json_str(b, t->ids.str[best], strlen(t->ids.str[best]));
        if (!rc)
            rc = vg_buf_printf(b, ",\"known_share\":%.3f,\"accounts\":%u}", share, t->users[best]);
    }
    return rc;
}

static vg_status put_reasons(const struct vg_network *net, uint32_t v, size_t max, struct vg_buf *b)
{
    const struct vg_content *c = &net->content[v];
    vg_status rc = vg_buf_puts(b, ",\"reasons\":[");
    size_t k = 0;
    /* Posts the classifier scored high (at least 0.5), best first. */
    for (int i = 0; i < VG_TOP_POSTS && k < max && !rc; i++) {
        if (!c->top_post[i] || c->top_score[i] < 0.5f)
            break;
        rc = vg_buf_puts(b, k++ ? ",{\"post\":" : "{\"post\":");
        if (!rc)
            rc = vg_buf_json_str(b, c->top_post[i], strlen(c->top_post[i]));
        if (!rc)
            rc = vg_buf_printf(b, ",\"score\":%.4f}", c->top_score[i]);
    }
    struct link *l = NULL;
    size_t n = 0;
    if (!rc)
        rc = known_links(net, v, &l, &n);
    for (size_t i = 0; i < n && k < max && !rc; i++) {
        const char *to = net->ids.str[l[i].to];
        rc = vg_buf_puts(b, k++ ? ",{\"link\":" : "{\"link\":");
        if (!rc)
            rc = vg_buf_json_str(b, to, strlen(to));
        if (!rc)
            rc = vg_buf_printf(b, ",\"follows\":%s,\"interactions\":%u,\"to\":\"%s\"}",
                               l[i].follows ? "true" : "false", l[i].interactions,
                               net->seed[l[i].to] ? "seed" : "flagged");
    }
    vg_free(l);
    if (!rc)
        rc = put_term_reasons(net, v, max, &k, b);
    if (!rc)
        rc = vg_buf_putc(b, ']');
    return rc;
}

/* "features":{name: value, ...}: what the score combined, so a reader (or a fit) sees why. */
static vg_status put_features(const struct vg_network *net, uint32_t v, struct vg_buf *b)
{
    double x[VG_AF__COUNT];
    vg__account_features(net, v, net->log_ref, x);
    vg_status rc = vg_buf_puts(b, ",\"features\":{");
    for (int i = 0; i < VG_AF__COUNT && !rc; i++)
        rc = vg_buf_printf(b, "%s\"%s\":%.4f", i ? "," : "", vg__af_name[i], x[i]);
    return rc ? rc : vg_buf_putc(b, '}');
}

vg_status vg_network_account_json(const vg_network *net, size_t i, size_t max_reasons, char **json)
{
    *json = NULL;
    if (!net || !net->scored || i >= net->n)
        return VG_EINVAL;
    uint32_t v = (uint32_t)i;
    const struct vg_content *c = &net->content[v];
    struct vg_buf b;
    vg_buf_init(&b, 1u << 20);
    vg_status rc = vg_buf_puts(&b, "{\"account\":");
    if (!rc)
        rc = vg_buf_json_str(&b, net->ids.str[v], strlen(net->ids.str[v]));
    if (!rc)
        rc = vg_buf_printf(&b, ",\"score\":%.4f,\"community\":", net->score[v]);
    if (!rc)
        rc = net->community && net->community[v] >= 0
                     ? vg_buf_printf(&b, "\"c%d\"", net->community[v] + 1)
                     : vg_buf_puts(&b, "null");
    if (!rc)
        rc = vg_buf_printf(&b,
                           ",\"seed\":%s,\"suspended\":%s,\"content\":{\"posts_scored\":%u,"
                           "\"flagged\":%u,\"max\":%.4f,\"mean\":%.4f},\"network\":{\"ppr\":%.6g,"
                           "\"lift\":%.4g,\"follows\":%llu,\"followers\":%llu}",
                           net->seed[v] ? "true" : "false", net->suspended[v] ? "true" : "false",
                           c->n_scored, c->n_flagged, c->max_score,
                           c->n_scored ? c->sum_score / c->n_scored : 0.0, net->ppr[v],
                           net->lift[v], (unsigned long long)vg__csr_degree(&net->follow_out, v),
                           (unsigned long long)vg__csr_degree(&net->follow_in, v));
    if (!rc)
        rc = put_features(net, v, &b);
    if (!rc)
        rc = put_reasons(net, v, max_reasons, &b);
    if (!rc)
        rc = vg_buf_putc(&b, '}');
    if (rc) {
        vg_buf_release(&b);
        return rc;
    }
    *json = vg_buf_take(&b);
    return *json ? VG_OK : VG_ENOMEM;
}

vg_status vg_network_summary_json(const vg_network *net, char **json)
{
    *json = NULL;
    if (!net)
        return VG_EINVAL;
    uint64_t above = 0, suspended = 0, scored = 0;
    for (uint32_t v = 0; v < net->n; v++) {
        above += net->scored && net->score[v] >= net->opts.threshold;
        suspended += net->suspended[v];
        scored += net->content[v].n_scored > 0;
    }
    char before[21] = "";
    if (net->opts.before != VG_TIME_UNKNOWN)
        vg_time_format(net->opts.before, before);
    struct vg_buf b;
    vg_buf_init(&b, 1u << 16);
    vg_status rc = vg_buf_printf(
            &b,
            "{\"accounts\":%u,\"follows\":%llu,\"interactions\":%llu,"
            "\"mentions_unresolved\":%llu,\"suspended\":%llu,\"accounts_with_scored_posts\":%llu,"
            "\"seeds\":%u,\"seeds_unknown\":%u,\"seeds_from\":\"%s\",\"ppr_iterations\":%d,"
            "\"threshold\":%.2f,\"above_threshold\":%llu,\"communities\":%u,\"weights\":",
            net->n, (unsigned long long)net->n_follows, (unsigned long long)net->n_interactions,
            (unsigned long long)net->n_mentions_unresolved, (unsigned long long)suspended,
            (unsigned long long)scored, net->n_seeds, net->n_seeds_unknown,
            net->seeds_given ? "list" : "suspended", net->ppr_iterations, net->opts.threshold,
            (unsigned long long)above, net->n_communities);
    if (!rc)
        rc = vg_buf_json_str(&b, net->weights.source, strlen(net->weights.source));
    if (!rc)
        rc = vg_buf_puts(&b, ",\"before\":");
    if (!rc)
        rc = before[0] ? vg_buf_printf(&b, "\"%s\"}", before) : vg_buf_puts(&b, "null}");
    if (rc) {
        vg_buf_release(&b);
        return rc;
    }
    *json = vg_buf_take(&b);
    return *json ? VG_OK : VG_ENOMEM;
}
