/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sites_stats.c: per-domain statistics (`vigie domains`): which sites the posts of a store (or of
 * a network's accounts) link to, how many posts and accounts, how many flagged, when first and
 * last, and which lists the links hit. "How many websites back this network" is then a count of
 * rows, not a guess.
 *
 * One pass over every (post, URL) row of the store: the host maps to its registrable domain (once
 * per distinct host), (domain, post) and (domain, account) pairs are counted once each, and each
 * URL is checked against the matcher of every list (to name the lists hit, or to keep only URLs
 * that hit the lists asked for). The store computes nothing but the join; post_urls keeps the
 * host (www. removed) and the registrable domain is computed here, so no migration rewrites the
 * table and ingest does not pay for libpsl.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sites.h"
#include "store.h"

struct dom {
    int64_t posts, flagged_posts, accounts, flagged_accounts;
    int64_t first, last;
    unsigned categories;
    uint32_t *lists; /* list ids hit (index into st->list_names) */
    uint32_t n_lists, cap_lists;
};

struct stats {
    const struct vg_domain_stats_opts *opts;
    vg_site_matcher *m;
    struct vg__strmap hosts, domains, accounts, list_names, wanted_lists;
    int32_t *host_dom; /* host id -> domain id */
    size_t cap_host_dom;
    struct dom *doms;
    size_t cap_doms;
    struct vg__u64set dom_post, dom_account;
    struct vg__strmap flagged; /* accounts with a flagged post */
    struct vg__strmap only;    /* --accounts */
    /* per row: lists the URL hits */
    uint32_t row_lists[64];
    size_t n_row_lists;
    int row_wanted;
    vg_status rc;
};

static int on_hit(const struct vg_site_hit *hit, void *ud)
{
    struct stats *s = ud;
    uint32_t id;
    if ((s->rc = vg__strmap_intern(&s->list_names, hit->list, strlen(hit->list), &id, NULL)))
        return 1;
    if (s->opts->n_lists && vg__strmap_find(&s->wanted_lists, hit->list, strlen(hit->list)) >= 0)
        s->row_wanted = 1;
    for (size_t i = 0; i < s->n_row_lists; i++)
        if (s->row_lists[i] == id)
            return 0;
    if (s->n_row_lists < VG_ARRAY_LEN(s->row_lists))
        s->row_lists[s->n_row_lists++] = id;
    return 0;
}

/* The domain id of a host, computing its registrable domain the first time. */
static vg_status domain_of(struct stats *s, const char *host, uint32_t *dom)
{
    uint32_t hid;
    int added;
    vg_status rc = vg__strmap_intern(&s->hosts, host, strlen(host), &hid, &added);
    if (rc)
        return rc;
    if (hid >= s->cap_host_dom) {
        size_t cap = s->cap_host_dom ? 2 * s->cap_host_dom : 1024;
        int32_t *p = vg_realloc(s->host_dom, cap * sizeof(*p));
        if (!p)
            return VG_ENOMEM;
        s->host_dom = p;
        s->cap_host_dom = cap;
    }
    if (!added) {
        *dom = (uint32_t)s->host_dom[hid];
        return VG_OK;
    }
    char reg[VG_SITE_HOST_MAX + 3];
    if (vg_domain_registrable(host, reg)) /* a host too long for a DNS name: itself */
        snprintf(reg, sizeof(reg), "%.*s", VG_SITE_HOST_MAX, host);
    uint32_t did;
    int new_dom;
    if ((rc = vg__strmap_intern(&s->domains, reg, strlen(reg), &did, &new_dom)))
        return rc;
    if (did >= s->cap_doms) {
        size_t cap = s->cap_doms ? 2 * s->cap_doms : 1024;
        struct dom *p = vg_realloc(s->doms, cap * sizeof(*p));
        if (!p)
            return VG_ENOMEM;
        memset(p + s->cap_doms, 0, (cap - s->cap_doms) * sizeof(*p));
        s->doms = p;
        s->cap_doms = cap;
    }
    if (new_dom) {
        s->doms[did].first = INT64_MAX;
        s->doms[did].last = INT64_MIN;
    }
    s->doms[did].categories |= vg_domain_categories(host);
    s->host_dom[hid] = (int32_t)did;
    *dom = did;
    return VG_OK;
}

static vg_status dom_add_list(struct dom *d, uint32_t id)
{
    for (uint32_t i = 0; i < d->n_lists; i++)
        if (d->lists[i] == id)
            return VG_OK;
    if (d->n_lists == d->cap_lists) {
        uint32_t cap = d->cap_lists ? 2 * d->cap_lists : 4;
        uint32_t *p = vg_realloc(d->lists, cap * sizeof(*p));
        if (!p)
            return VG_ENOMEM;
        d->lists = p;
        d->cap_lists = cap;
    }
    d->lists[d->n_lists++] = id;
    return VG_OK;
}

static vg_status on_row(const struct vg_store_url_row *r, void *ud)
{
    struct stats *s = ud;
    const struct vg_domain_stats_opts *o = s->opts;
    if (o->flagged_only && !r->flagged)
        return VG_OK;
    if (o->n_accounts && vg__strmap_find(&s->only, r->account, strlen(r->account)) < 0)
        return VG_OK;
    s->n_row_lists = 0;
    s->row_wanted = 0;
    if (s->m) {
        /* Entries of any time: a domain is reported with every list it is or was on. */
        vg_status rc = vg_site_matcher_check(s->m, r->url, strlen(r->url), VG_TIME_UNKNOWN, NULL,
                                             on_hit, s, NULL);
        if (rc == VG_ECANCEL)
            return s->rc;
        /* A stored URL that is not canonical any more (older canonicalisation) hits nothing. */
        if (rc && rc != VG_EPARSE)
            return rc;
    }
    if (o->n_lists && !s->row_wanted)
        return VG_OK;
    uint32_t did, aid;
    int added;
    vg_status rc = domain_of(s, r->host, &did);
    if (rc || (rc = vg__strmap_intern(&s->accounts, r->account, strlen(r->account), &aid, NULL)))
        return rc;
    struct dom *d = &s->doms[did];
    for (size_t i = 0; i < s->n_row_lists; i++)
        if ((rc = dom_add_list(d, s->row_lists[i])))
            return rc;
    if ((rc = vg__u64set_add(&s->dom_post, ((uint64_t)did << 40) ^ (uint64_t)r->post, &added)))
        return rc;
    if (added) {
        d->posts++;
        d->flagged_posts += r->flagged != 0;
        d->first = r->at < d->first ? r->at : d->first;
        d->last = r->at > d->last ? r->at : d->last;
    }
    if ((rc = vg__u64set_add(&s->dom_account, ((uint64_t)did << 32) | aid, &added)))
        return rc;
    if (added) {
        d->accounts++;
        d->flagged_accounts += vg__strmap_find(&s->flagged, r->account, strlen(r->account)) >= 0;
    }
    return VG_OK;
}

static vg_status on_flagged(const char *account, void *ud)
{
    uint32_t id;
    return vg__strmap_intern(ud, account, strlen(account), &id, NULL);
}

static struct stats *sort_ctx;

static int by_posts(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    const struct dom *dx = &sort_ctx->doms[x], *dy = &sort_ctx->doms[y];
    if (dx->posts != dy->posts)
        return dx->posts > dy->posts ? -1 : 1;
    return strcmp(sort_ctx->domains.str[x], sort_ctx->domains.str[y]);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static vg_status report(struct stats *s, vg_domain_stats_fn fn, void *ud, size_t *n_domains)
{
    size_t n = s->domains.n;
    if (n_domains)
        *n_domains = n;
    uint32_t *order = vg_malloc((n ? n : 1) * sizeof(*order));
    const char **names = vg_malloc((s->list_names.n ? s->list_names.n : 1) * sizeof(*names));
    vg_status rc = VG_OK;
    if (!order || !names) {
        rc = VG_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        order[i] = (uint32_t)i;
    sort_ctx = s; /* qsort has no context argument in C17 */
    qsort(order, n, sizeof(*order), by_posts);
    size_t limit = s->opts->limit && s->opts->limit < n ? s->opts->limit : n;
    for (size_t k = 0; k < limit; k++) {
        const struct dom *d = &s->doms[order[k]];
        for (uint32_t i = 0; i < d->n_lists; i++)
            names[i] = s->list_names.str[d->lists[i]];
        qsort(names, d->n_lists, sizeof(*names), by_name);
        struct vg_domain_stats ds = {
            s->domains.str[order[k]],
            d->posts,
            d->flagged_posts,
            d->accounts,
            d->flagged_accounts,
            d->first,
            d->last,
            d->categories,
            names,
            d->n_lists,
        };
        if (fn(&ds, ud)) {
            rc = VG_ECANCEL;
            break;
        }
    }
out:
    vg_free(order);
    vg_free(names);
    return rc;
}

struct known_lists {
    const struct vg__strmap *wanted;
    size_t n;
};

static int count_known(const struct vg_list_info *info, void *ud)
{
    struct known_lists *k = ud;
    k->n += vg__strmap_find(k->wanted, info->name, strlen(info->name)) >= 0;
    return 0;
}

static vg_status setup(struct stats *s, vg_db *db)
{
    const struct vg_domain_stats_opts *o = s->opts;
    uint32_t id;
    vg_status rc = VG_OK;
    for (size_t i = 0; i < o->n_accounts && !rc; i++)
        rc = vg__strmap_intern(&s->only, o->accounts[i], strlen(o->accounts[i]), &id, NULL);
    for (size_t i = 0; i < o->n_lists && !rc; i++)
        rc = vg__strmap_intern(&s->wanted_lists, o->lists[i], strlen(o->lists[i]), &id, NULL);
    if (rc)
        return rc;
    /* Every list, so each domain names all the lists it hits; a named list must exist. */
    struct known_lists known = { &s->wanted_lists, 0 };
    if (o->n_lists && (rc = vg_list_each(db, count_known, &known)) == VG_OK &&
        known.n < s->wanted_lists.n) {
        VG_LOG_ERR("a list named by --list does not exist (vigie list show)");
        rc = VG_ENOENT;
    }
    if (rc || (rc = vg_site_matcher_load(db, NULL, 0, &s->m)))
        return rc;
    if (!vg_site_matcher_size(s->m)) {
        vg_site_matcher_free(s->m);
        s->m = NULL;
    }
    return VG_OK;
}

vg_status vg_domain_stats(vg_db *db, const struct vg_domain_stats_opts *opts, vg_domain_stats_fn fn,
                          void *ud, size_t *n_domains)
{
    if (n_domains)
        *n_domains = 0;
    if (!db || !opts || !fn)
        return VG_EINVAL;
    struct stats s;
    memset(&s, 0, sizeof(s));
    s.opts = opts;
    struct vg__strmap *maps[] = { &s.hosts,        &s.domains, &s.accounts, &s.list_names,
                                  &s.wanted_lists, &s.flagged, &s.only };
    for (size_t i = 0; i < VG_ARRAY_LEN(maps); i++)
        vg__strmap_init(maps[i]);
    vg__u64set_init(&s.dom_post);
    vg__u64set_init(&s.dom_account);
    const struct vg_store_ops *ops;
    const struct vg_store_sites_ops *so;
    void *st;
    vg_status rc = setup(&s, db);
    if (!rc)
        rc = vg__db_sites(db, &ops, &so, &st);
    if (!rc)
        rc = so->flagged_accounts(st, on_flagged, &s.flagged);
    if (!rc)
        rc = so->url_rows(st, on_row, &s);
    if (!rc)
        rc = report(&s, fn, ud, n_domains);
    for (size_t i = 0; i < s.domains.n && i < s.cap_doms; i++)
        vg_free(s.doms[i].lists);
    vg_free(s.doms);
    vg_free(s.host_dom);
    for (size_t i = 0; i < VG_ARRAY_LEN(maps); i++)
        vg__strmap_release(maps[i]);
    vg__u64set_release(&s.dom_post);
    vg__u64set_release(&s.dom_account);
    vg_site_matcher_free(s.m);
    return rc;
}
