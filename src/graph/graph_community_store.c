/* SPDX-License-Identifier: Apache-2.0 */
/*
 * graph_community_store.c: keeps the communities of a scored network in the store, so the case
 * view can show an account's community without a network run per request (docs/cases.md,
 * docs/networks.md). A run replaces what the previous one stored, in one transaction: a reader
 * sees the old communities or the new ones, never a mix. Members are ranked inside their
 * community by network score (the order fill_members of graph_community.c keeps).
 */
#include <string.h>

#include "graph.h"
#include "store_cases.h"
#include "store_queue.h"

vg_status vg_network_communities_store(vg_db *db, const vg_network *net, int64_t at)
{
    if (!db || !net || !net->scored || (net->n_communities && !net->communities))
        return VG_EINVAL;
    size_t n_m = 0;
    for (uint32_t k = 0; k < net->n_communities; k++)
        n_m += net->communities[k].size;
    struct vg_store_community *c =
            vg_calloc(net->n_communities ? net->n_communities : 1, sizeof(*c));
    struct vg_store_community_member *m = vg_calloc(n_m ? n_m : 1, sizeof(*m));
    vg_status rc = VG_ENOMEM;
    if (!c || !m)
        goto done;
    size_t j = 0;
    for (uint32_t k = 0; k < net->n_communities; k++) {
        const struct vg_community *src = &net->communities[k];
        c[k] = (struct vg_store_community){
            .id = k + 1,
            .size = src->size,
            .seeds = src->n_seeds,
            .lang = src->lang,
            .mean_score = src->mean_score,
            .top_hashtags = src->tags_json,
            .top_domains = src->domains_json,
        };
        for (uint32_t i = 0; i < src->size; i++, j++) {
            uint32_t v = src->members[i];
            m[j] = (struct vg_store_community_member){
                .account = net->ids.str[v],
                .community = k + 1,
                .rank = i + 1,
                .score = net->score[v],
                .seed = net->seed[v],
            };
        }
    }
    struct vg_store_community_run run = {
        .at = at,
        .before = net->opts.before,
        .threshold = net->opts.threshold,
        .seeds = net->n_seeds,
        .candidates = net->n_candidates,
    };
    void *st;
    const struct vg_store_queue_ops *ops = vg__db_queue(db, &st);
    if ((rc = vg__db_txn_begin(db)))
        goto done;
    if ((rc = ops->communities_replace(st, &run, c, net->n_communities, m, n_m))) {
        vg__db_txn_rollback(db);
        goto done;
    }
    rc = vg__db_txn_commit(db);
done:
    vg_free(c);
    vg_free(m);
    return rc;
}
