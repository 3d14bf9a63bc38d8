/* SPDX-License-Identifier: Apache-2.0 */
/*
 * graph_eval.c: detection quality of the account score against planted truth
 * (docs/networks.md, "Measuring against planted truth"): ranking metrics over the accounts that
 * are not seeds (ROC-AUC, average precision, precision at a recall, recall at a precision, false
 * positives by role among the top P), community recovery (best-match F1 per planted community),
 * and the random choice of supporter seeds for the curve against the number of seeds.
 * src/detect/detect_eval.c measures posts at a threshold with bootstrap intervals; its functions
 * do not take tie groups at every threshold, so the ranking metrics here are their own.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"

#define RECALL_TARGET    0.70
#define PRECISION_TARGET 0.95
#define EPS              1e-12
#define F1_CELLS_MAX     (64u << 20)

/* ---- ranking metrics ----------------------------------------------------------------------- */

static _Thread_local const double *sort_score;

static int by_score_desc(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    double sx = sort_score[x], sy = sort_score[y];
    if (sx != sy)
        return sx > sy ? -1 : 1;
    return (x > y) - (x < y);
}

static void metrics_undefined(struct vg_rank_metrics *m)
{
    m->roc_auc = NAN;
    m->average_precision = NAN;
    m->precision_at_recall = NAN;
    m->recall_at_precision = NAN;
}

/* Walk the items best first, one tie group at a time. */
static void metrics_sorted(const size_t *order, const double *score, const uint8_t *positive,
                           size_t n, double p, double q, struct vg_rank_metrics *m)
{
    double pos = 0, neg = 0;
    for (size_t i = 0; i < n; i++)
        positive[i] ? pos++ : neg++;
    if (pos == 0 || neg == 0) {
        metrics_undefined(m);
        if (pos > 0) {
            m->average_precision = 1;
            m->precision_at_recall = 1;
            m->recall_at_precision = 1;
        }
        return;
    }
    double tp = 0, fp = 0, auc = 0, ap = 0, best_p = 0, best_r = 0;
    for (size_t i = 0; i < n;) {
        double tg = 0, fg = 0, s = score[order[i]];
        for (; i < n && score[order[i]] == s; i++)
            positive[order[i]] ? tg++ : fg++;
        auc += tg * ((neg - fp - fg) + 0.5 * fg);
        tp += tg;
        fp += fg;
        double precision = tp / (tp + fp), recall = tp / pos;
        ap += (tg / pos) * precision;
        if (recall >= p - EPS && precision > best_p)
            best_p = precision;
        if (precision >= q - EPS && recall > best_r)
            best_r = recall;
    }
    m->roc_auc = auc / (pos * neg);
    m->average_precision = ap;
    m->precision_at_recall = best_p;
    m->recall_at_precision = best_r;
}

vg_status vg__rank_metrics(const double *score, const uint8_t *positive, size_t n,
                           double recall_target, double precision_target,
                           struct vg_rank_metrics *out)
{
    size_t *order = vg_malloc((n ? n : 1) * sizeof(*order));
    if (!order)
        return VG_ENOMEM;
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    sort_score = score;
    qsort(order, n, sizeof(*order), by_score_desc);
    sort_score = NULL;
    metrics_sorted(order, score, positive, n, recall_target, precision_target, out);
    vg_free(order);
    return VG_OK;
}

/* ---- community F1 -------------------------------------------------------------------------- */

static double best_f1(const uint32_t *overlap, const uint32_t *detected_size, uint32_t n_detected,
                      uint32_t planted_size)
{
    double best = 0;
    for (uint32_t d = 0; d < n_detected; d++)
        if (overlap[d]) {
            double f1 = 2.0 * overlap[d] / ((double)planted_size + detected_size[d]);
            if (f1 > best)
                best = f1;
        }
    return best;
}

vg_status vg__community_f1(const int32_t *planted, const int32_t *detected, size_t n,
                           uint32_t n_planted, uint32_t n_detected, double *mean, uint32_t *counted)
{
    *mean = NAN;
    *counted = 0;
    if ((uint64_t)n_planted * (n_detected + 1) > F1_CELLS_MAX)
        return VG_ELIMIT;
    uint32_t *overlap = vg_calloc((size_t)n_planted * n_detected + 1, sizeof(*overlap));
    uint32_t *psize = vg_calloc(n_planted + 1, sizeof(*psize));
    uint32_t *dsize = vg_calloc(n_detected + 1, sizeof(*dsize));
    vg_status rc = VG_ENOMEM;
    if (!overlap || !psize || !dsize)
        goto done;
    for (size_t i = 0; i < n; i++) {
        int32_t p = planted[i], d = detected[i];
        if (p >= 0 && (uint32_t)p < n_planted)
            psize[p]++;
        if (d >= 0 && (uint32_t)d < n_detected)
            dsize[d]++;
        if (p >= 0 && (uint32_t)p < n_planted && d >= 0 && (uint32_t)d < n_detected)
            overlap[(size_t)p * n_detected + d]++;
    }
    double sum = 0;
    for (uint32_t p = 0; p < n_planted; p++) {
        if (!psize[p])
            continue;
        sum += best_f1(overlap + (size_t)p * n_detected, dsize, n_detected, psize[p]);
        (*counted)++;
    }
    if (*counted)
        *mean = sum / *counted;
    rc = VG_OK;
done:
    vg_free(overlap);
    vg_free(psize);
    vg_free(dsize);
    return rc;
}

/* ---- the network against the truth --------------------------------------------------------- */

/* Per network account: its role and planted community (index into `names`, or -1). */
struct labels {
    uint8_t *role;
    int32_t *planted;
    struct vg_ids names;
};

static vg_status label_accounts(const struct vg_network *net, const struct vg_truth *t,
                                struct labels *l, uint64_t *unknown)
{
    *unknown = 0;
    for (size_t i = 0; i < t->n; i++) {
        uint32_t v = vg__ids_find(&net->ids, t->acc[i].id);
        if (v == UINT32_MAX) {
            (*unknown)++;
            continue;
        }
        l->role[v] = t->acc[i].role;
        if (t->acc[i].role != VG_ROLE_SUPPORTER || !t->acc[i].community)
            continue;
        uint32_t c;
        vg_status rc = vg__ids_intern(&l->names, t->acc[i].community, &c);
        if (rc)
            return rc;
        l->planted[v] = (int32_t)c;
    }
    return VG_OK;
}

static void count_top_p(const struct vg_network *net, const struct labels *l,
                        struct vg_account_eval *e)
{
    uint64_t taken = 0;
    for (uint32_t r = 0; r < net->n && taken < e->positives; r++) {
        uint32_t v = net->rank[r];
        if (net->seed[v])
            continue;
        taken++;
        if (l->role[v] == VG_ROLE_SUPPORTER)
            e->top_p_supporters++;
        else
            e->top_p_false_positives[l->role[v]]++;
    }
}

/* Scores, labels and communities of the accounts that are not seeds, side by side. */
static vg_status measure(const struct vg_network *net, const struct labels *l,
                         struct vg_account_eval *e)
{
    size_t n = net->n ? net->n : 1;
    double *score = vg_malloc(n * sizeof(*score));
    uint8_t *pos = vg_malloc(n);
    int32_t *planted = vg_malloc(n * sizeof(*planted)),
            *detected = vg_malloc(n * sizeof(*detected));
    vg_status rc = VG_ENOMEM;
    if (!score || !pos || !planted || !detected)
        goto done;
    size_t k = 0;
    for (uint32_t v = 0; v < net->n; v++) {
        if (net->seed[v]) {
            e->seeds++;
            e->seed_supporters += l->role[v] == VG_ROLE_SUPPORTER;
            continue;
        }
        score[k] = net->score[v];
        pos[k] = l->role[v] == VG_ROLE_SUPPORTER;
        planted[k] = l->planted[v];
        detected[k] = net->community ? net->community[v] : -1;
        e->positives += pos[k];
        k++;
    }
    e->evaluated = k;
    e->prevalence = k ? (double)e->positives / k : NAN;
    struct vg_rank_metrics m;
    if ((rc = vg__rank_metrics(score, pos, k, RECALL_TARGET, PRECISION_TARGET, &m)))
        goto done;
    e->roc_auc = m.roc_auc;
    e->pr_auc = m.average_precision;
    e->precision_at_recall_70 = m.precision_at_recall;
    e->recall_at_precision_95 = m.recall_at_precision;
    uint32_t counted;
    rc = vg__community_f1(planted, detected, k, l->names.n, net->n_communities, &e->community_f1,
                          &counted);
    e->planted_communities = counted;
done:
    vg_free(score);
    vg_free(pos);
    vg_free(planted);
    vg_free(detected);
    return rc;
}

vg_status vg_network_eval(const vg_network *net, const vg_truth *t, struct vg_account_eval *out)
{
    if (!net || !t || !out || !net->scored)
        return VG_EINVAL;
    memset(out, 0, sizeof(*out));
    out->accounts = net->n;
    out->detected_communities = net->n_communities;
    struct labels l;
    size_t n = net->n ? net->n : 1;
    l.role = vg_calloc(n, 1);
    l.planted = vg_malloc(n * sizeof(*l.planted));
    vg_status rc = vg__ids_init(&l.names);
    if (!rc && (!l.role || !l.planted))
        rc = VG_ENOMEM;
    for (uint32_t v = 0; !rc && v < net->n; v++)
        l.planted[v] = -1;
    if (!rc)
        rc = label_accounts(net, t, &l, &out->truth_unknown);
    if (!rc)
        rc = measure(net, &l, out);
    if (!rc)
        count_top_p(net, &l, out);
    vg__ids_release(&l.names);
    vg_free(l.role);
    vg_free(l.planted);
    return rc;
}

/* ---- seeds for the curve ------------------------------------------------------------------- */

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [0, n), n > 0, without modulo bias. */
static size_t uniform_below(uint64_t *state, size_t n)
{
    uint64_t limit = UINT64_MAX - UINT64_MAX % n, x;
    do
        x = splitmix64(state);
    while (x >= limit);
    return (size_t)(x % n);
}

vg_status vg_network_seed_supporters(vg_network *net, const vg_truth *t, size_t k,
                                     uint64_t *rng_state, size_t *picked)
{
    if (!net || !t || !rng_state)
        return VG_EINVAL;
    const char **ids = vg_malloc((t->n ? t->n : 1) * sizeof(*ids));
    if (!ids)
        return VG_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < t->n; i++)
        if (t->acc[i].role == VG_ROLE_SUPPORTER &&
            vg__ids_find(&net->ids, t->acc[i].id) != UINT32_MAX)
            ids[n++] = t->acc[i].id;
    if (k > n)
        k = n;
    /* Partial Fisher-Yates: the first k are a uniform sample. */
    for (size_t i = 0; i < k; i++) {
        size_t j = i + uniform_below(rng_state, n - i);
        const char *s = ids[i];
        ids[i] = ids[j];
        ids[j] = s;
    }
    vg_status rc = vg_network_set_seeds(net, ids, k, NULL);
    vg_free(ids);
    if (picked)
        *picked = k;
    return rc;
}

/* ---- JSON ---------------------------------------------------------------------------------- */

static vg_status put_num(struct vg_buf *b, const char *name, double x)
{
    return isfinite(x) ? vg_buf_printf(b, ",\"%s\":%.4f", name, x)
                       : vg_buf_printf(b, ",\"%s\":null", name);
}

static vg_status eval_fields(const struct vg_account_eval *e, struct vg_buf *b)
{
    vg_status rc = vg_buf_printf(
            b,
            "{\"accounts\":%llu,\"truth_unknown\":%llu,\"seeds\":%llu,\"seed_supporters\":%llu,"
            "\"evaluated\":%llu,\"positives\":%llu",
            (unsigned long long)e->accounts, (unsigned long long)e->truth_unknown,
            (unsigned long long)e->seeds, (unsigned long long)e->seed_supporters,
            (unsigned long long)e->evaluated, (unsigned long long)e->positives);
    if (!rc)
        rc = isfinite(e->prevalence) ? vg_buf_printf(b, ",\"prevalence\":%.4g", e->prevalence)
                                     : vg_buf_puts(b, ",\"prevalence\":null");
    if (!rc)
        rc = put_num(b, "roc_auc", e->roc_auc);
    if (!rc)
        rc = put_num(b, "pr_auc", e->pr_auc);
    if (!rc)
        rc = put_num(b, "precision_at_recall_70", e->precision_at_recall_70);
    if (!rc)
        rc = put_num(b, "recall_at_precision_95", e->recall_at_precision_95);
    if (!rc)
        rc = vg_buf_printf(b, ",\"top_p\":{\"supporters\":%llu",
                           (unsigned long long)e->top_p_supporters);
    for (int r = 0; r < VG_ROLES && !rc; r++)
        if (r != VG_ROLE_SUPPORTER)
            rc = vg_buf_printf(b, ",\"%s\":%llu", vg__role_name(r),
                               (unsigned long long)e->top_p_false_positives[r]);
    if (!rc)
        rc = vg_buf_printf(b, "},\"planted_communities\":%llu,\"detected_communities\":%llu",
                           (unsigned long long)e->planted_communities,
                           (unsigned long long)e->detected_communities);
    if (!rc)
        rc = put_num(b, "community_f1", e->community_f1);
    if (!rc)
        rc = vg_buf_putc(b, '}');
    return rc;
}

static vg_status finish(struct vg_buf *b, vg_status rc, char **json)
{
    if (rc) {
        vg_buf_release(b);
        return rc;
    }
    *json = vg_buf_take(b);
    return *json ? VG_OK : VG_ENOMEM;
}

vg_status vg_account_eval_json(const struct vg_account_eval *e, char **json)
{
    *json = NULL;
    if (!e)
        return VG_EINVAL;
    struct vg_buf b;
    vg_buf_init(&b, 1u << 16);
    return finish(&b, eval_fields(e, &b), json);
}

static double rate_field(const struct vg_account_eval *e, int k)
{
    const double v[] = { e->roc_auc, e->pr_auc, e->precision_at_recall_70,
                         e->recall_at_precision_95, e->community_f1 };
    return v[k];
}

static vg_status spread_of(const struct vg_account_eval *runs, size_t n, int k, struct vg_buf *b)
{
    double sum = 0, lo = INFINITY, hi = -INFINITY;
    size_t defined = 0;
    for (size_t i = 0; i < n; i++) {
        double x = rate_field(&runs[i], k);
        if (!isfinite(x))
            continue;
        sum += x;
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
        defined++;
    }
    if (!defined)
        return vg_buf_puts(b, "{\"mean\":null,\"min\":null,\"max\":null}");
    return vg_buf_printf(b, "{\"mean\":%.4f,\"min\":%.4f,\"max\":%.4f}", sum / defined, lo, hi);
}

vg_status vg_account_eval_spread_json(const struct vg_account_eval *runs, size_t n, char **json)
{
    static const char *const names[] = { "roc_auc", "pr_auc", "precision_at_recall_70",
                                         "recall_at_precision_95", "community_f1" };
    *json = NULL;
    if (!runs && n)
        return VG_EINVAL;
    struct vg_buf b;
    vg_buf_init(&b, 1u << 16);
    vg_status rc = VG_OK;
    for (int k = 0; k < (int)VG_ARRAY_LEN(names) && !rc; k++) {
        rc = vg_buf_printf(&b, "%s\"%s\":", k ? "," : "{", names[k]);
        if (!rc)
            rc = spread_of(runs, n, k, &b);
    }
    if (!rc)
        rc = vg_buf_putc(&b, '}');
    return finish(&b, rc, json);
}
