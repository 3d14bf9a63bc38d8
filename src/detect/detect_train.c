/* SPDX-License-Identifier: Apache-2.0 */
/*
 * detect_train.c: fitting the propaganda classifier. vg__train_fit hands the hashed feature
 * vectors (detect_features.c) to liblinear (L2- or L1-regularised logistic regression) and copies
 * the weights back into the model, so that scoring needs only our own dot product
 * (detect_model.c); vg__train_calibrate then maps margins to probabilities with Platt scaling
 * fitted on a held-out fold, using Lin, Lin & Weng's (2007) numerically robust Newton method.
 *
 * liblinear allocates with malloc/new, not vg_malloc: its memory is outside the allocation
 * counters and failure hooks, and is all freed before vg__train_fit returns.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <linear.h>

#include "detect.h"

void vg__train_opts_default(struct vg_train_opts *o)
{
    o->solver = L2R_LR;
    o->C = 1.0;
    o->eps = 0.01;
    o->pos_weight = 1.0;
}

/* liblinear prints progress to stdout unless told otherwise; the library never prints. */
static void quiet(const char *s)
{
    VG_UNUSED(s);
}

vg_status vg__train_fit(struct vg_model *m, const struct vg_train_opts *o,
                        const struct vg_features *xs, const int *y, size_t n)
{
    struct feature_node *nodes = NULL;
    struct feature_node **rows = NULL;
    double *labels = NULL;
    struct model *lm = NULL;
    struct parameter param;
    int weight_label[1] = { 1 };
    double weight[1];
    vg_status rc = VG_EINVAL;
    memset(&param, 0, sizeof(param));
    if (!m || !o || !m->w || (!xs && n) || (!y && n))
        goto fail;
    if (o->solver != L2R_LR && o->solver != L1R_LR) {
        VG_LOG_WARN("train: solver %d unsupported (L2R_LR %d or L1R_LR %d)", o->solver, L2R_LR,
                    L1R_LR);
        goto fail;
    }
    if (!(o->C > 0) || !(o->eps > 0) || !(o->pos_weight > 0) || !isfinite(o->C) ||
        !isfinite(o->pos_weight)) {
        VG_LOG_WARN("train: C %g, eps %g and pos_weight %g must be positive", o->C, o->eps,
                    o->pos_weight);
        goto fail;
    }
    if (m->feat.bits < 16 || m->feat.bits > 24) {
        VG_LOG_WARN("train: model bits %u outside 16..24", m->feat.bits);
        goto fail;
    }
    size_t dim = (size_t)1 << m->feat.bits;
    size_t n_pos = 0, n_nodes = 0;
    for (size_t i = 0; i < n; i++) {
        if (y[i] != 0 && y[i] != 1) {
            VG_LOG_WARN("train: label %d of example %zu is neither 0 nor 1", y[i], i);
            goto fail;
        }
        n_pos += y[i] == 1;
        /* each row: its features, the bias node, the terminator */
        n_nodes += xs[i].n + 2;
    }
    if (n_pos == 0 || n_pos == n || n > (size_t)INT32_MAX || n_nodes > (size_t)INT32_MAX) {
        VG_LOG_WARN("train: %zu examples, %zu positive: need both classes (and < 2^31)", n, n_pos);
        goto fail;
    }
    rc = VG_ENOMEM;
    nodes = vg_malloc(n_nodes * sizeof(*nodes));
    rows = vg_malloc(n * sizeof(*rows));
    labels = vg_malloc(n * sizeof(*labels));
    if (!nodes || !rows || !labels)
        goto fail;
    rc = VG_EINVAL;
    /* liblinear counts features from 1; the bias is feature dim + 1 with value prob.bias. */
    struct feature_node *at = nodes;
    for (size_t i = 0; i < n; i++) {
        const struct vg_features *f = &xs[i];
        rows[i] = at;
        for (size_t k = 0; k < f->n; k++) {
            if (f->idx[k] >= dim || (k > 0 && f->idx[k] <= f->idx[k - 1])) {
                VG_LOG_WARN("train: example %zu: index %u out of order or >= 2^%u", i, f->idx[k],
                            m->feat.bits);
                goto fail;
            }
            at->index = (int)f->idx[k] + 1;
            at->value = f->val[k];
            at++;
        }
        at->index = (int)dim + 1;
        at->value = 1.0;
        at++;
        at->index = -1;
        at->value = 0;
        at++;
        labels[i] = y[i] ? 1.0 : -1.0;
    }
    struct problem prob = { .l = (int)n, .n = (int)dim + 1, .y = labels, .x = rows, .bias = 1.0 };
    param.solver_type = o->solver;
    param.eps = o->eps;
    param.C = o->C;
    weight[0] = o->pos_weight;
    param.nr_weight = 1;
    param.weight_label = weight_label;
    param.weight = weight;
    param.p = 0.1;
    const char *bad = check_parameter(&prob, &param);
    if (bad) {
        VG_LOG_WARN("train: liblinear rejects the parameters: %s", bad);
        goto fail;
    }
    set_print_string_function(quiet);
    /* The L1 solver visits coordinates in an order drawn from rand(): a fixed seed makes
     * training reproducible (at the cost of resetting the process's rand() sequence). */
    srand(1);
    rc = VG_ENOMEM;
    lm = train(&prob, &param);
    if (!lm)
        goto fail;
    rc = VG_EINVAL;
    if (lm->nr_class != 2 || lm->nr_feature != (int)dim) {
        VG_LOG_WARN("train: liblinear returned %d classes and %d features", lm->nr_class,
                    lm->nr_feature);
        goto fail;
    }
    /* A binary model's w scores label[0]; liblinear orders labels by first appearance. */
    double sign = lm->label[0] == 1 ? 1.0 : -1.0;
    for (size_t i = 0; i < dim; i++)
        m->w[i] = (float)(sign * lm->w[i]);
    m->bias = sign * lm->w[dim] * prob.bias;
    rc = VG_OK;
fail:
    if (lm)
        free_and_destroy_model(&lm);
    /* param's weight arrays are ours (on the stack): destroy_param would free them */
    vg_free(nodes);
    vg_free(rows);
    vg_free(labels);
    return rc;
}

/*
 * Platt scaling: find A, B minimising the cross-entropy of p_i = 1 / (1 + exp(A f_i + B))
 * against smoothed targets t_i = (N+ + 1) / (N+ + 2) for positives and 1 / (N- + 2) for
 * negatives. Newton's method with a backtracking line search and a small ridge on the Hessian,
 * as in Lin, Lin & Weng, "A note on Platt's probabilistic outputs for support vector machines"
 * (Machine Learning 68, 2007), Algorithm 1, with their overflow-free evaluation of log(1 + e^x).
 */
vg_status vg__train_calibrate(struct vg_model *m, const double *margins, const int *y, size_t n)
{
    vg_status rc = VG_EINVAL;
    if (!m || !margins || !y || n == 0)
        goto fail;
    double n_pos = 0, n_neg = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(margins[i]) || (y[i] != 0 && y[i] != 1)) {
            VG_LOG_WARN("calibrate: example %zu: margin %g, label %d", i, margins[i], y[i]);
            goto fail;
        }
        n_pos += y[i] == 1;
        n_neg += y[i] == 0;
    }
    if (n_pos == 0 || n_neg == 0) {
        VG_LOG_WARN("calibrate: %g positives, %g negatives: need both", n_pos, n_neg);
        goto fail;
    }
    const int max_iter = 100;
    const double min_step = 1e-10, sigma = 1e-12, eps = 1e-5;
    const double hi = (n_pos + 1.0) / (n_pos + 2.0), lo = 1.0 / (n_neg + 2.0);
    double a = 0.0, b = log((n_neg + 1.0) / (n_pos + 1.0));
    double fval = 0.0;
    for (size_t i = 0; i < n; i++) {
        double t = y[i] ? hi : lo, z = margins[i] * a + b;
        fval += z >= 0 ? t * z + log1p(exp(-z)) : (t - 1.0) * z + log1p(exp(z));
    }
    for (int it = 0; it < max_iter; it++) {
        double h11 = sigma, h22 = sigma, h21 = 0, g1 = 0, g2 = 0;
        for (size_t i = 0; i < n; i++) {
            double f = margins[i], t = y[i] ? hi : lo, z = f * a + b, p, q;
            if (z >= 0) {
                double e = exp(-z);
                p = e / (1.0 + e);
                q = 1.0 / (1.0 + e);
            } else {
                double e = exp(z);
                p = 1.0 / (1.0 + e);
                q = e / (1.0 + e);
            }
            double d2 = p * q, d1 = t - p;
            h11 += f * f * d2;
            h22 += d2;
            h21 += f * d2;
            g1 += f * d1;
            g2 += d1;
        }
        if (fabs(g1) < eps && fabs(g2) < eps)
            break;
        double det = h11 * h22 - h21 * h21;
        double da = -(h22 * g1 - h21 * g2) / det, db = -(-h21 * g1 + h11 * g2) / det;
        double gd = g1 * da + g2 * db, step = 1.0;
        while (step >= min_step) {
            double na = a + step * da, nb = b + step * db, nf = 0.0;
            for (size_t i = 0; i < n; i++) {
                double t = y[i] ? hi : lo, z = margins[i] * na + nb;
                nf += z >= 0 ? t * z + log1p(exp(-z)) : (t - 1.0) * z + log1p(exp(z));
            }
            if (nf < fval + 1e-4 * step * gd) {
                a = na;
                b = nb;
                fval = nf;
                break;
            }
            step /= 2.0;
        }
        if (step < min_step) {
            VG_LOG_INFO("calibrate: line search stopped at iteration %d (A %g, B %g)", it, a, b);
            break;
        }
    }
    if (!isfinite(a) || !isfinite(b)) {
        VG_LOG_WARN("calibrate: no finite solution");
        goto fail;
    }
    m->platt_a = a;
    m->platt_b = b;
    return VG_OK;
fail:
    return rc;
}
