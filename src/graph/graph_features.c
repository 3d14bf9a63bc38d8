/* SPDX-License-Identifier: Apache-2.0 */
/*
 * graph_features.c: what the account score knows about an account (the features of
 * VG_ACCOUNT_FEATURES in graph.h), the weights that combine them, and the weights file that
 * `vigie accounts fit` writes and `--weights` reads (docs/networks.md, "The score").
 *
 * Features are on a few fixed scales (shares in [0, 1], counts as log(1 + n)) so that one
 * weight vector fits graphs of any size. "Evidence" stands for what the classifier and the
 * seeds say of a neighbour: 1 for a seed, flagged / (scored + 1) otherwise, which keeps an
 * account with one flagged post out of three below one with thirty of forty.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "graph.h"

#define VG_AF_NAME(e, name, doc) name,
#define VG_AF_DOC(e, name, doc)  doc,
const char *const vg__af_name[VG_AF__COUNT] = { VG_ACCOUNT_FEATURES(VG_AF_NAME) };
const char *const vg__af_doc[VG_AF__COUNT] = { VG_ACCOUNT_FEATURES(VG_AF_DOC) };
#undef VG_AF_NAME
#undef VG_AF_DOC

#define WEIGHT_BOUND 1000.0
#define DAY          86400.0

/* ---- weights ------------------------------------------------------------------------------- */

/*
 * Built-in weights: written by `vigie accounts fit` on two generated worlds that are not among
 * those docs/networks.md measures (vigie sim --seed 101 and --seed 102, 100,000 accounts, 7
 * days, default settings, posts scored by models/vigie-propaganda.vgm at ingest; seeds the
 * accounts suspended by the end; L2 logistic regression, C = 1). Regenerate with the commands
 * in docs/networks.md; `--weights FILE` overrides them.
 */
void vg__weights_default(struct vg_score_weights *w)
{
    memset(w, 0, sizeof(*w));
    w->bias = -2.340956;
    w->w[VG_AF_CONTENT] = 1.141647;
    w->w[VG_AF_FLAGGED_SHARE] = 0.309076;
    w->w[VG_AF_FLAGGED_POSTS] = 0.583717;
    w->w[VG_AF_CLOSENESS] = 3.515804;
    w->w[VG_AF_KNOWN_OUT] = 2.101335;
    w->w[VG_AF_KNOWN_IN] = 1.402467;
    w->w[VG_AF_KNOWN_FOLLOWERS] = 4.170275;
    w->w[VG_AF_POSTS] = 0.512587;
    w->w[VG_AF_FOLLOWS] = 0.351426;
    w->w[VG_AF_FOLLOWERS] = -2.431511;
    w->w[VG_AF_AGE] = -3.140801;
    w->w[VG_AF_TAGS] = 0.432526;
    w->w[VG_AF_DOMAINS] = 2.219494;
    w->w[VG_AF_PROFILE] = 2.162205;
    w->w[VG_AF_LOOKALIKE] = 0.995228;
    snprintf(w->source, sizeof(w->source), "built-in (fitted on worlds 101 and 102)");
}

struct parse_ctx {
    struct vg_score_weights *w;
};

static vg_status set_weight(void *ud, const char *key, const char *value, char *err, size_t cap)
{
    struct parse_ctx *p = ud;
    double *slot = NULL;
    if (!strcmp(key, "bias"))
        slot = &p->w->bias;
    for (int i = 0; i < VG_AF__COUNT && !slot; i++)
        if (!strcmp(key, vg__af_name[i]))
            slot = &p->w->w[i];
    if (!slot) {
        vg_errf(err, cap, "unknown weight '%s' (bias or a feature of docs/networks.md)", key);
        return VG_EINVAL;
    }
    return vg_kv_number(key, value, -WEIGHT_BOUND, WEIGHT_BOUND, 0, slot, err, cap);
}

vg_status vg__weights_parse(const char *text, size_t len, struct vg_score_weights *w, char *err,
                            size_t cap)
{
    struct vg_score_weights tmp;
    memset(&tmp, 0, sizeof(tmp));
    struct parse_ctx p = { &tmp };
    vg_status rc = vg_kv_parse(text, len, set_weight, &p, err, cap);
    if (rc)
        return rc;
    memcpy(tmp.source, w->source, sizeof(tmp.source));
    *w = tmp;
    return VG_OK;
}

vg_status vg__weights_format(const struct vg_score_weights *w, const char *header, struct vg_buf *b)
{
    vg_status rc = header ? vg_buf_puts(b, header) : VG_OK;
    if (!rc)
        rc = vg_buf_printf(b, "bias = %.6f\n", w->bias);
    for (int i = 0; i < VG_AF__COUNT && !rc; i++)
        rc = vg_buf_printf(b, "# %s\n%s = %.6f\n", vg__af_doc[i], vg__af_name[i], w->w[i]);
    return rc;
}

double vg__weights_apply(const struct vg_score_weights *w, const double x[VG_AF__COUNT])
{
    double z = w->bias;
    for (int i = 0; i < VG_AF__COUNT; i++)
        z += w->w[i] * x[i];
    return 1 / (1 + exp(-z));
}

/* ---- features ------------------------------------------------------------------------------ */

vg_status vg__evidence_compute(struct vg_network *net)
{
    vg_free(net->evidence);
    if (!(net->evidence = vg_malloc((net->n ? net->n : 1) * sizeof(double))))
        return VG_ENOMEM;
    for (uint32_t v = 0; v < net->n; v++) {
        const struct vg_content *c = &net->content[v];
        net->evidence[v] = net->seed[v] ? 1.0 : (double)c->n_flagged / (c->n_scored + 1.0);
    }
    for (int k = 0; k < VG_TERM_KINDS; k++)
        vg__terms_evidence(&net->terms[k], net->evidence);
    return VG_OK;
}

/* Evidence-weighted share of a follow row and an interaction row (weights summed), and the
 * evidence summed over the follow row. */
static void known_share(const struct vg_network *net, const struct vg_csr *f,
                        const struct vg_csr *i, uint32_t v, double *share, double *follow_sum)
{
    double all = 0, known = 0, fsum = 0;
    for (uint64_t e = f->off[v]; e < f->off[v + 1]; e++)
        fsum += net->evidence[f->adj[e]];
    all += (double)vg__csr_degree(f, v);
    for (uint64_t e = i->off[v]; e < i->off[v + 1]; e++) {
        all += i->w[e];
        known += net->evidence[i->adj[e]] * i->w[e];
    }
    *share = all > 0 ? (known + fsum) / all : 0.0;
    *follow_sum = fsum;
}

void vg__account_features(const struct vg_network *net, uint32_t v, double log_ref,
                          double x[VG_AF__COUNT])
{
    const struct vg_content *c = &net->content[v];
    x[VG_AF_CONTENT] = c->n_scored ? 0.5 * (c->max_score + c->sum_score / c->n_scored) : 0.0;
    x[VG_AF_FLAGGED_SHARE] = c->n_scored ? (double)c->n_flagged / c->n_scored : 0.0;
    x[VG_AF_FLAGGED_POSTS] = log1p(c->n_flagged);
    double p = net->lift[v] > 1 && log_ref > 0 ? log(net->lift[v]) / log_ref : 0.0;
    x[VG_AF_CLOSENESS] = p > 1 ? 1 : p;
    double unused, known_followers;
    known_share(net, &net->follow_out, &net->inter_out, v, &x[VG_AF_KNOWN_OUT], &unused);
    known_share(net, &net->follow_in, &net->inter_in, v, &x[VG_AF_KNOWN_IN], &known_followers);
    x[VG_AF_KNOWN_FOLLOWERS] = log1p(known_followers);
    x[VG_AF_POSTS] = log1p(net->posts_total[v]);
    x[VG_AF_FOLLOWS] = log1p((double)vg__csr_degree(&net->follow_out, v));
    x[VG_AF_FOLLOWERS] = log1p((double)vg__csr_degree(&net->follow_in, v));
    int64_t ref = net->opts.before != VG_TIME_UNKNOWN ? net->opts.before : net->t_last;
    double days = net->first_seen[v] != VG_TIME_UNKNOWN && ref > net->first_seen[v]
                          ? (double)(ref - net->first_seen[v]) / DAY
                          : 0.0;
    x[VG_AF_AGE] = log1p(days);
    x[VG_AF_TAGS] = vg__terms_best(&net->terms[VG_TERM_TAG], v, net->evidence[v], NULL);
    x[VG_AF_DOMAINS] = vg__terms_best(&net->terms[VG_TERM_DOMAIN], v, net->evidence[v], NULL);
    x[VG_AF_PROFILE] = vg__terms_best(&net->terms[VG_TERM_PROFILE], v, net->evidence[v], NULL);
    x[VG_AF_LOOKALIKE] = net->lookalike[v];
}
