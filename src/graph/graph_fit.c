/* SPDX-License-Identifier: Apache-2.0 */
/*
 * graph_fit.c: fit the account score's weights on networks whose truth is known (generated
 * worlds of `vigie sim`, or any labelled accounts in a truth.json), and read weights files
 * (`vigie accounts fit`, `--weights`; docs/networks.md, "The score").
 *
 * The examples are every non-seed account of each network (seeds are given, not found; the same
 * rule as vigie accounts eval), labelled 1 when the truth says supporter; the features are those
 * of graph_features.c after PPR from the network's seeds. liblinear's L2-regularised logistic
 * regression fits them (dual solver, bias as an extra feature), as for the post classifier
 * (detect_train.c). The score is a ranking first: logistic regression on a hundred positives
 * among a hundred thousand accounts is a proxy for average precision, not its optimum, which is
 * why `vigie accounts eval` measures the result on other worlds.
 */
#include <linear.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"

#define WEIGHTS_FILE_MAX (1u << 20)

/* liblinear prints progress to stdout unless told otherwise; the library never prints. */
static void quiet(const char *s)
{
    VG_UNUSED(s);
}

static vg_status parse_weights(const char *text, size_t len, void *w, char *err, size_t cap)
{
    return vg__weights_parse(text, len, w, err, cap);
}

vg_status vg_network_weights_read(vg_network *net, const char *path, char *err, size_t cap)
{
    if (err && cap)
        err[0] = 0;
    if (!net || !path)
        return VG_EINVAL;
    struct vg_score_weights w = net->weights;
    vg_status rc = vg_file_parse(path, WEIGHTS_FILE_MAX, parse_weights, &w, err, cap);
    if (rc)
        return rc;
    snprintf(w.source, sizeof(w.source), "%s", path);
    net->weights = w;
    net->scored = 0;
    return VG_OK;
}

/* One network's examples appended to (x, y): non-seed accounts, features and label. */
static vg_status collect(struct vg_network *net, const vg_truth *t, double **x, double **y,
                         size_t *n, size_t *cap, uint64_t *positives)
{
    vg_status rc = net->scored ? VG_OK : vg__score_accounts(net);
    if (rc)
        return rc;
    for (uint32_t v = 0; v < net->n; v++) {
        if (net->seed[v])
            continue;
        if (*n == *cap) {
            size_t c = *cap ? *cap * 2 : 4096;
            double *nx = vg_realloc(*x, c * VG_AF__COUNT * sizeof(double));
            if (!nx)
                return VG_ENOMEM;
            *x = nx;
            double *ny = vg_realloc(*y, c * sizeof(double));
            if (!ny)
                return VG_ENOMEM;
            *y = ny;
            *cap = c;
        }
        vg__account_features(net, v, net->log_ref, *x + *n * VG_AF__COUNT);
        uint32_t i = vg__ids_find(&t->ids, net->ids.str[v]);
        int pos = i != UINT32_MAX && t->acc[i].role == VG_ROLE_SUPPORTER;
        (*y)[*n] = pos ? 1.0 : -1.0;
        *positives += pos;
        (*n)++;
    }
    return VG_OK;
}

/* liblinear on (x, y): weights into w. */
static vg_status fit_logistic(const double *x, const double *y, size_t n, double C,
                              struct vg_score_weights *w)
{
    vg_status rc = VG_ENOMEM;
    struct model *lm = NULL;
    /* each row: the features, the bias node, the terminator */
    struct feature_node *nodes = vg_malloc(n * (VG_AF__COUNT + 2) * sizeof(*nodes));
    struct feature_node **rows = vg_malloc(n * sizeof(*rows));
    if (!nodes || !rows)
        goto fail;
    struct feature_node *at = nodes;
    for (size_t i = 0; i < n; i++) {
        rows[i] = at;
        for (int k = 0; k < VG_AF__COUNT; k++)
            if (x[i * VG_AF__COUNT + k] != 0)
                *at++ = (struct feature_node){ k + 1, x[i * VG_AF__COUNT + k] };
        *at++ = (struct feature_node){ VG_AF__COUNT + 1, 1.0 };
        *at++ = (struct feature_node){ -1, 0 };
    }
    struct problem prob = {
        .l = (int)n, .n = VG_AF__COUNT + 1, .y = (double *)y, .x = rows, .bias = 1.0
    };
    struct parameter param;
    memset(&param, 0, sizeof(param));
    param.solver_type = L2R_LR_DUAL;
    param.eps = 1e-4;
    param.C = C;
    const char *bad = check_parameter(&prob, &param);
    if (bad) {
        VG_LOG_WARN("fit: liblinear rejects the parameters: %s", bad);
        rc = VG_EINVAL;
        goto fail;
    }
    set_print_string_function(quiet);
    if (!(lm = train(&prob, &param)))
        goto fail;
    /* A binary model's w scores label[0]; liblinear orders labels by first appearance. */
    double sign = lm->label[0] == 1 ? 1.0 : -1.0;
    for (int k = 0; k < VG_AF__COUNT; k++)
        w->w[k] = sign * lm->w[k];
    w->bias = sign * lm->w[VG_AF__COUNT];
    rc = VG_OK;
fail:
    if (lm)
        free_and_destroy_model(&lm);
    vg_free(nodes);
    vg_free(rows);
    return rc;
}

vg_status vg_network_fit(vg_network *const *nets, const vg_truth *const *truths, size_t n_nets,
                         double C, char **weights_text, struct vg_fit_summary *sum)
{
    *weights_text = NULL;
    memset(sum, 0, sizeof(*sum));
    if (!nets || !truths || !n_nets || !(C > 0) || !isfinite(C))
        return VG_EINVAL;
    double *x = NULL, *y = NULL;
    size_t n = 0, cap = 0;
    vg_status rc = VG_OK;
    for (size_t i = 0; i < n_nets && !rc; i++)
        rc = collect(nets[i], truths[i], &x, &y, &n, &cap, &sum->positives);
    sum->examples = n;
    if (!rc && (sum->positives == 0 || sum->positives == n || n > (size_t)INT32_MAX / 2)) {
        VG_LOG_WARN("fit: %zu examples, %llu supporters: need both kinds", n,
                    (unsigned long long)sum->positives);
        rc = VG_EINVAL;
    }
    struct vg_score_weights w;
    memset(&w, 0, sizeof(w));
    if (!rc)
        rc = fit_logistic(x, y, n, C, &w);
    struct vg_buf b;
    vg_buf_init(&b, WEIGHTS_FILE_MAX);
    char header[256];
    snprintf(header, sizeof(header),
             "# vigie account score weights (vigie accounts fit): %llu accounts, %llu supporters,"
             " %zu networks, C = %g\n",
             (unsigned long long)n, (unsigned long long)sum->positives, n_nets, C);
    if (!rc)
        rc = vg__weights_format(&w, header, &b);
    if (!rc && !(*weights_text = vg_buf_take(&b)))
        rc = VG_ENOMEM;
    vg_buf_release(&b);
    vg_free(x);
    vg_free(y);
    return rc;
}
