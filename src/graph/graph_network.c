/* SPDX-License-Identifier: Apache-2.0 */
/*
 * graph_network.c: the vg_network handle of vigie.h: options, load and free, account ids, and
 * the seeds expansion starts from.
 */
#include <string.h>

#include "graph.h"

void vg_network_opts_init(struct vg_network_opts *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->before = VG_TIME_UNKNOWN;
    opts->activity_from = VG_TIME_UNKNOWN;
    opts->damping = 0.85;
    opts->threshold = 0.5;
}

vg_status vg_network_load(vg_db *db, const struct vg_network_opts *opts, vg_network **out)
{
    *out = NULL;
    if (!db)
        return VG_EINVAL;
    struct vg_network *net = vg_calloc(1, sizeof(*net));
    if (!net)
        return VG_ENOMEM;
    if (opts)
        net->opts = *opts;
    else
        vg_network_opts_init(&net->opts);
    if (!(net->opts.damping > 0 && net->opts.damping < 1)) {
        vg_free(net);
        return VG_EINVAL;
    }
    vg_arena_init(&net->arena, 1u << 20, SIZE_MAX);
    net->t_last = INT64_MIN;
    vg__weights_default(&net->weights);
    vg_status rc = vg__ids_init(&net->ids);
    for (int k = 0; k < VG_TERM_KINDS && !rc; k++)
        rc = vg__terms_init(&net->terms[k]);
    if (!rc)
        rc = vg__network_load(db, net);
    if (rc) {
        VG_LOG_ERR("network: loading failed: %s", vg_strerror(rc));
        vg_network_free(net);
        return rc;
    }
    /* Until set_seeds says otherwise, the seeds are the suspended accounts. */
    for (uint32_t v = 0; v < net->n; v++) {
        net->seed[v] = net->suspended[v];
        net->n_seeds += net->seed[v];
    }
    *out = net;
    return VG_OK;
}

void vg_network_free(vg_network *net)
{
    if (!net)
        return;
    vg__communities_release(net);
    vg__ids_release(&net->ids);
    vg__csr_release(&net->follow_out);
    vg__csr_release(&net->follow_in);
    vg__csr_release(&net->inter_out);
    vg__csr_release(&net->inter_in);
    for (int k = 0; k < VG_TERM_KINDS; k++)
        vg__terms_release(&net->terms[k]);
    void *arrays[] = { net->strength,
                       net->suspended,
                       net->seed,
                       net->profile_followers,
                       net->posts_in_window,
                       net->lang,
                       net->langs,
                       net->content,
                       net->ppr,
                       net->score,
                       net->lift,
                       net->evidence,
                       net->first_seen,
                       net->posts_total,
                       net->lookalike,
                       net->rank,
                       net->community };
    for (size_t i = 0; i < VG_ARRAY_LEN(arrays); i++)
        vg_free(arrays[i]);
    vg_arena_release(&net->arena);
    vg_free(net);
}

size_t vg_network_size(const vg_network *net)
{
    return net ? net->n : 0;
}

const char *vg_network_account_id(const vg_network *net, size_t i)
{
    return net && i < net->n ? net->ids.str[i] : NULL;
}

size_t vg_network_find(const vg_network *net, const char *id)
{
    uint32_t v = id ? vg__ids_find(&net->ids, id) : UINT32_MAX;
    return v == UINT32_MAX ? (size_t)-1 : v;
}

vg_status vg_network_set_seeds(vg_network *net, const char *const *ids, size_t n, size_t *n_unknown)
{
    if (!net || (n && !ids))
        return VG_EINVAL;
    if (net->n)
        memset(net->seed, 0, net->n);
    net->n_seeds = 0;
    net->n_seeds_unknown = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t v = vg__ids_find(&net->ids, ids[i]);
        if (v == UINT32_MAX) {
            net->n_seeds_unknown++;
        } else if (!net->seed[v]) {
            net->seed[v] = 1;
            net->n_seeds++;
        }
    }
    net->seeds_given = 1;
    if (n_unknown)
        *n_unknown = net->n_seeds_unknown;
    return VG_OK;
}

size_t vg_network_n_seeds(const vg_network *net)
{
    return net ? net->n_seeds : 0;
}
