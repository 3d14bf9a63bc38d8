/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sites_match.c: which list entries a URL hits. Built once from the entries of the chosen lists,
 * then asked per canonical URL, at an instant and in a jurisdiction.
 *
 * - Domains: a hash table of the entry values; a URL's host is looked up, then each parent
 *   domain ("a.b.example", "b.example", "example"): as many lookups as the host has labels.
 * - URL prefixes: a hash table of the prefixes, and per host the distinct lengths its prefixes
 *   have; a URL is looked up at each of those lengths (usually one or two).
 * - Patterns: one Hyperscan database (HS_FLAG_SINGLEMATCH, block mode) over the canonical URL.
 *
 * Domains and prefixes are not given to Hyperscan: with 10,000 domain literals sharing their
 * last bytes (".invalid", ".com" in real lists) Hyperscan's literal matcher confirmed candidates
 * at nearly every position and checked 20,000 URLs a second (measured here, docs/sites.md); the
 * hash lookups do millions, whatever the list size.
 *
 * All entries are kept, withdrawn or not; the dates and the list's scope are applied per query.
 */
#include <hs/hs.h>
#include <string.h>
#include <strings.h>

#include "sites.h"

struct m_list {
    char *name, *scope;
    int global;
};

struct m_entry {
    const char *value;
    uint32_t len;
    uint32_t list;
    uint32_t next_same; /* next entry with the same kind and value, +1 (0: none) */
    uint8_t kind;
    int64_t added, withdrawn;
};

/* Open addressing, linear probing; a slot holds an entry index + 1 (0: empty) and the hash. */
struct m_slot {
    uint32_t idx;
    uint32_t h;
};

struct m_table {
    struct m_slot *slots;
    size_t mask;
};

/* Per host of the URL prefixes: the distinct prefix lengths, ascending. */
struct m_host {
    const char *host;
    uint32_t host_len;
    uint32_t n_lens, cap_lens;
    uint32_t *lens;
};

struct vg__site_tables {
    struct vg_arena strings;
    struct m_list *lists;
    size_t n_lists, cap_lists;
    struct m_entry *entries;
    size_t n_entries, cap_entries;
    struct m_table domains, prefixes, hosts;
    struct m_host *host_rows;
    size_t n_hosts;
    hs_database_t *patterns;
    int compiled;
};

struct vg_site_matcher {
    struct vg__site_tables *t;
    int owner; /* frees t */
    hs_scratch_t *scratch;
};

static uint32_t hash32(const char *s, size_t n)
{
    return (uint32_t)vg_hash64(s, n, 0x5173);
}

vg_status vg_site_matcher_new(vg_site_matcher **out)
{
    *out = NULL;
    vg_site_matcher *m = vg_calloc(1, sizeof(*m));
    if (!m || !(m->t = vg_calloc(1, sizeof(*m->t)))) {
        vg_free(m);
        return VG_ENOMEM;
    }
    m->owner = 1;
    vg_arena_init(&m->t->strings, 1u << 20, SIZE_MAX);
    *out = m;
    return VG_OK;
}

static void tables_free(struct vg__site_tables *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n_lists; i++) {
        vg_free(t->lists[i].name);
        vg_free(t->lists[i].scope);
    }
    for (size_t i = 0; i < t->n_hosts; i++)
        vg_free(t->host_rows[i].lens);
    vg_free(t->lists);
    vg_free(t->entries);
    vg_free(t->host_rows);
    vg_free(t->domains.slots);
    vg_free(t->prefixes.slots);
    vg_free(t->hosts.slots);
    hs_free_database(t->patterns);
    vg_arena_release(&t->strings);
    vg_free(t);
}

void vg_site_matcher_free(vg_site_matcher *m)
{
    if (!m)
        return;
    hs_free_scratch(m->scratch);
    if (m->owner)
        tables_free(m->t);
    vg_free(m);
}

size_t vg_site_matcher_size(const vg_site_matcher *m)
{
    return m ? m->t->n_entries : 0;
}

/* The index of list (name, scope), added when new. Lists are few: a linear search. */
static vg_status list_index(struct vg__site_tables *t, const char *name, const char *scope,
                            uint32_t *out)
{
    for (size_t i = 0; i < t->n_lists; i++) {
        if (!strcmp(t->lists[i].name, name) && !strcmp(t->lists[i].scope, scope)) {
            *out = (uint32_t)i;
            return VG_OK;
        }
    }
    if (t->n_lists == t->cap_lists) {
        size_t cap = t->cap_lists ? 2 * t->cap_lists : 8;
        struct m_list *l = vg_realloc(t->lists, cap * sizeof(*l));
        if (!l)
            return VG_ENOMEM;
        t->lists = l;
        t->cap_lists = cap;
    }
    struct m_list *l = &t->lists[t->n_lists];
    l->name = vg_strdup(name);
    l->scope = vg_strdup(scope);
    if (!l->name || !l->scope) {
        vg_free(l->name);
        vg_free(l->scope);
        return VG_ENOMEM;
    }
    l->global = !strcasecmp(scope, "global");
    *out = (uint32_t)t->n_lists++;
    return VG_OK;
}

vg_status vg_site_matcher_add(vg_site_matcher *m, const char *list, const char *scope,
                              enum vg_list_kind kind, const char *value, int64_t added,
                              int64_t withdrawn)
{
    if (!m || !m->owner || m->t->compiled || !list || !value || (unsigned)kind >= VG_LIST__COUNT)
        return VG_EINVAL;
    struct vg__site_tables *t = m->t;
    size_t len = strlen(value);
    if (len == 0 || len > UINT32_MAX || t->n_entries >= UINT32_MAX - 1)
        return VG_EINVAL;
    uint32_t li;
    vg_status rc = list_index(t, list, scope ? scope : "global", &li);
    if (rc)
        return rc;
    if (t->n_entries == t->cap_entries) {
        size_t cap = t->cap_entries ? 2 * t->cap_entries : 1024;
        struct m_entry *e = vg_realloc(t->entries, cap * sizeof(*e));
        if (!e)
            return VG_ENOMEM;
        t->entries = e;
        t->cap_entries = cap;
    }
    const char *v = vg_arena_strndup(&t->strings, value, len);
    if (!v)
        return VG_ENOMEM;
    t->entries[t->n_entries++] = (struct m_entry){
        .value = v,
        .len = (uint32_t)len,
        .list = li,
        .kind = (uint8_t)kind,
        .added = added,
        .withdrawn = withdrawn,
    };
    return VG_OK;
}

/* ---- hash tables ---------------------------------------------------------------------------- */

static vg_status table_init(struct m_table *tb, size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    if (!(tb->slots = vg_calloc(cap, sizeof(*tb->slots))))
        return VG_ENOMEM;
    tb->mask = cap - 1;
    return VG_OK;
}

/* The slot holding key s[0..n) (idx 0 when absent: where it would go). key_of gives a slot's key.
 */
typedef const char *(*key_fn)(const struct vg__site_tables *t, uint32_t idx, uint32_t *len);

static struct m_slot *table_find(const struct vg__site_tables *t, const struct m_table *tb,
                                 key_fn key_of, const char *s, size_t n, uint32_t h)
{
    for (size_t i = h & tb->mask;; i = (i + 1) & tb->mask) {
        struct m_slot *sl = &tb->slots[i];
        if (!sl->idx)
            return sl;
        if (sl->h == h) {
            uint32_t kn;
            const char *k = key_of(t, sl->idx - 1, &kn);
            if (kn == n && !memcmp(k, s, n))
                return sl;
        }
    }
}

static const char *entry_key(const struct vg__site_tables *t, uint32_t idx, uint32_t *len)
{
    *len = t->entries[idx].len;
    return t->entries[idx].value;
}

static const char *host_key(const struct vg__site_tables *t, uint32_t idx, uint32_t *len)
{
    *len = t->host_rows[idx].host_len;
    return t->host_rows[idx].host;
}

/* Chain entry i into the table: first of its value, or behind the first. */
static void table_put_entry(struct vg__site_tables *t, struct m_table *tb, uint32_t i)
{
    struct m_entry *e = &t->entries[i];
    uint32_t h = hash32(e->value, e->len);
    struct m_slot *sl = table_find(t, tb, entry_key, e->value, e->len, h);
    if (sl->idx) {
        e->next_same = t->entries[sl->idx - 1].next_same;
        t->entries[sl->idx - 1].next_same = i + 1;
    } else {
        sl->idx = i + 1;
        sl->h = h;
    }
}

static vg_status host_add_len(struct m_host *hr, uint32_t len)
{
    uint32_t k = 0;
    while (k < hr->n_lens && hr->lens[k] < len)
        k++;
    if (k < hr->n_lens && hr->lens[k] == len)
        return VG_OK;
    if (hr->n_lens == hr->cap_lens) {
        uint32_t cap = hr->cap_lens ? 2 * hr->cap_lens : 2;
        uint32_t *l = vg_realloc(hr->lens, cap * sizeof(*l));
        if (!l)
            return VG_ENOMEM;
        hr->lens = l;
        hr->cap_lens = cap;
    }
    memmove(hr->lens + k + 1, hr->lens + k, (hr->n_lens - k) * sizeof(*hr->lens));
    hr->lens[k] = len;
    hr->n_lens++;
    return VG_OK;
}

/* Record the length of URL prefix entry i under its host. */
static vg_status index_prefix_host(struct vg__site_tables *t, uint32_t i)
{
    const struct m_entry *e = &t->entries[i];
    const char *host;
    size_t hn;
    if (vg__canonical_host(e->value, e->len, &host, &hn))
        return VG_EINVAL;
    uint32_t h = hash32(host, hn);
    struct m_slot *sl = table_find(t, &t->hosts, host_key, host, hn, h);
    if (!sl->idx) {
        t->host_rows[t->n_hosts] = (struct m_host){ .host = host, .host_len = (uint32_t)hn };
        sl->idx = (uint32_t)++t->n_hosts;
        sl->h = h;
    }
    return host_add_len(&t->host_rows[sl->idx - 1], e->len);
}

static vg_status compile_patterns(struct vg__site_tables *t, size_t n_patterns)
{
    if (!n_patterns)
        return VG_OK;
    vg_status rc = VG_ENOMEM;
    const char **exprs = vg_calloc(n_patterns, sizeof(*exprs));
    unsigned *flags = vg_calloc(n_patterns, sizeof(*flags));
    unsigned *ids = vg_calloc(n_patterns, sizeof(*ids));
    if (!exprs || !flags || !ids)
        goto fail;
    size_t k = 0;
    for (size_t i = 0; i < t->n_entries; i++) {
        if (t->entries[i].kind != VG_LIST_PATTERN)
            continue;
        exprs[k] = t->entries[i].value;
        flags[k] = HS_FLAG_SINGLEMATCH;
        ids[k++] = (unsigned)i;
    }
    hs_compile_error_t *err = NULL;
    if (hs_compile_multi(exprs, flags, ids, (unsigned)k, HS_MODE_BLOCK, NULL, &t->patterns, &err) !=
        HS_SUCCESS) {
        int at = err ? err->expression : -1;
        VG_LOG_ERR("sites: pattern %s does not compile: %s",
                   at >= 0 && (size_t)at < k ? exprs[at] : "(all)",
                   err ? err->message : "Hyperscan error");
        hs_free_compile_error(err);
        t->patterns = NULL;
        rc = VG_EPARSE;
        goto fail;
    }
    rc = VG_OK;
fail:
    vg_free(exprs);
    vg_free(flags);
    vg_free(ids);
    return rc;
}

vg_status vg_site_matcher_compile(vg_site_matcher *m)
{
    if (!m || !m->owner || m->t->compiled)
        return VG_EINVAL;
    struct vg__site_tables *t = m->t;
    size_t n[VG_LIST__COUNT] = { 0 };
    for (size_t i = 0; i < t->n_entries; i++)
        n[t->entries[i].kind]++;
    vg_status rc;
    if ((rc = table_init(&t->domains, n[VG_LIST_DOMAIN])) ||
        (rc = table_init(&t->prefixes, n[VG_LIST_URL_PREFIX])) ||
        (rc = table_init(&t->hosts, n[VG_LIST_URL_PREFIX])))
        return rc;
    if (n[VG_LIST_URL_PREFIX] &&
        !(t->host_rows = vg_calloc(n[VG_LIST_URL_PREFIX], sizeof(*t->host_rows))))
        return VG_ENOMEM;
    for (uint32_t i = 0; i < t->n_entries; i++) {
        struct m_entry *e = &t->entries[i];
        if (e->kind == VG_LIST_DOMAIN) {
            table_put_entry(t, &t->domains, i);
        } else if (e->kind == VG_LIST_URL_PREFIX) {
            table_put_entry(t, &t->prefixes, i);
            if ((rc = index_prefix_host(t, i))) {
                VG_LOG_ERR("sites: URL prefix %s has no host", e->value);
                return rc;
            }
        }
    }
    if ((rc = compile_patterns(t, n[VG_LIST_PATTERN])))
        return rc;
    if (t->patterns && hs_alloc_scratch(t->patterns, &m->scratch) != HS_SUCCESS)
        return VG_ENOMEM;
    t->compiled = 1;
    return VG_OK;
}

vg_status vg_site_matcher_clone(const vg_site_matcher *m, vg_site_matcher **out)
{
    *out = NULL;
    if (!m || !m->t->compiled)
        return VG_EINVAL;
    vg_site_matcher *c = vg_calloc(1, sizeof(*c));
    if (!c)
        return VG_ENOMEM;
    c->t = m->t;
    if (m->scratch && hs_clone_scratch(m->scratch, &c->scratch) != HS_SUCCESS) {
        vg_free(c);
        return VG_ENOMEM;
    }
    *out = c;
    return VG_OK;
}

/* ---- queries -------------------------------------------------------------------------------- */

struct query {
    const struct vg__site_tables *t;
    int64_t at;
    const char *jur;
    vg_site_hit_fn fn;
    void *ud;
    size_t n;
    int stopped;
};

static int applies(const struct query *q, const struct m_entry *e)
{
    if (q->at != VG_TIME_UNKNOWN &&
        (e->added > q->at || (e->withdrawn != VG_TIME_UNKNOWN && q->at >= e->withdrawn)))
        return 0;
    const struct m_list *l = &q->t->lists[e->list];
    return !q->jur || l->global || !strcasecmp(l->scope, q->jur);
}

/* Report entry i (and its chain of the same value when chain is set). */
static void report(struct query *q, uint32_t i, int chain)
{
    for (uint32_t k = i + 1; k && !q->stopped; k = chain ? q->t->entries[k - 1].next_same : 0) {
        const struct m_entry *e = &q->t->entries[k - 1];
        if (!applies(q, e))
            continue;
        q->n++;
        if (q->fn) {
            const struct m_list *l = &q->t->lists[e->list];
            struct vg_site_hit hit = { l->name,  l->scope, (enum vg_list_kind)e->kind,
                                       e->value, e->added, e->withdrawn };
            q->stopped = q->fn(&hit, q->ud) != 0;
        }
    }
}

static void lookup(struct query *q, const struct m_table *tb, const char *s, size_t n)
{
    if (!tb->slots)
        return;
    const struct m_slot *sl = table_find(q->t, tb, entry_key, s, n, hash32(s, n));
    if (sl->idx)
        report(q, sl->idx - 1, 1);
}

static void match_domains(struct query *q, const char *host, size_t n)
{
    for (;;) {
        lookup(q, &q->t->domains, host, n);
        const char *dot = memchr(host, '.', n);
        if (!dot || q->stopped)
            return;
        n -= (size_t)(dot + 1 - host);
        host = dot + 1;
    }
}

static void match_prefixes(struct query *q, const char *url, size_t len, const char *host,
                           size_t hn)
{
    if (!q->t->hosts.slots)
        return;
    const struct m_slot *sl = table_find(q->t, &q->t->hosts, host_key, host, hn, hash32(host, hn));
    if (!sl->idx)
        return;
    const struct m_host *hr = &q->t->host_rows[sl->idx - 1];
    for (uint32_t k = 0; k < hr->n_lens && hr->lens[k] <= len && !q->stopped; k++)
        lookup(q, &q->t->prefixes, url, hr->lens[k]);
}

static int on_pattern(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                      void *ctx)
{
    VG_UNUSED(from);
    VG_UNUSED(to);
    VG_UNUSED(flags);
    struct query *q = ctx;
    report(q, id, 0);
    return q->stopped;
}

vg_status vg_site_matcher_check(vg_site_matcher *m, const char *url, size_t len, int64_t at,
                                const char *jur, vg_site_hit_fn fn, void *ud, size_t *n_hits)
{
    if (n_hits)
        *n_hits = 0;
    if (!m || !url || !m->t->compiled)
        return VG_EINVAL;
    const char *host;
    size_t hn;
    if (vg__canonical_host(url, len, &host, &hn))
        return VG_EPARSE;
    struct query q = { m->t, at, jur, fn, ud, 0, 0 };
    match_domains(&q, host, hn);
    if (!q.stopped)
        match_prefixes(&q, url, len, host, hn);
    if (!q.stopped && m->t->patterns && len <= UINT32_MAX) {
        hs_error_t e = hs_scan(m->t->patterns, url, (unsigned)len, 0, m->scratch, on_pattern, &q);
        if (e != HS_SUCCESS && e != HS_SCAN_TERMINATED)
            return VG_EINVAL;
    }
    if (n_hits)
        *n_hits = q.n;
    return q.stopped ? VG_ECANCEL : VG_OK;
}

/* ---- loading from the store ----------------------------------------------------------------- */

struct loader {
    vg_site_matcher *m;
    struct vg__strmap wanted;
    int all;
    const char *cur_list, *cur_scope; /* the scope of the list being read (lists come in order) */
    struct vg_list_info *infos;
    size_t n_infos, cap_infos;
    struct vg_arena names;
    vg_status rc;
};

static int load_info(const struct vg_list_info *info, void *ud)
{
    struct loader *ld = ud;
    if (!ld->all && vg__strmap_find(&ld->wanted, info->name, strlen(info->name)) < 0)
        return 0;
    if (ld->n_infos == ld->cap_infos) {
        size_t cap = ld->cap_infos ? 2 * ld->cap_infos : 8;
        struct vg_list_info *p = vg_realloc(ld->infos, cap * sizeof(*p));
        if (!p) {
            ld->rc = VG_ENOMEM;
            return 1;
        }
        ld->infos = p;
        ld->cap_infos = cap;
    }
    struct vg_list_info *c = &ld->infos[ld->n_infos];
    c->name = vg_arena_strdup(&ld->names, info->name);
    c->scope = vg_arena_strdup(&ld->names, info->scope);
    if (!c->name || !c->scope) {
        ld->rc = VG_ENOMEM;
        return 1;
    }
    ld->n_infos++;
    return 0;
}

static int load_entry(const struct vg_list_entry *e, void *ud)
{
    struct loader *ld = ud;
    ld->rc = vg_site_matcher_add(ld->m, e->list, ld->cur_scope, e->kind, e->value, e->added,
                                 e->withdrawn);
    return ld->rc != VG_OK;
}

vg_status vg_site_matcher_load(vg_db *db, const char *const *lists, size_t n_lists,
                               vg_site_matcher **out)
{
    *out = NULL;
    if (!db || (n_lists && !lists))
        return VG_EINVAL;
    struct loader ld;
    memset(&ld, 0, sizeof(ld));
    ld.all = n_lists == 0;
    vg__strmap_init(&ld.wanted);
    vg_arena_init(&ld.names, 4096, SIZE_MAX);
    uint32_t id;
    vg_status rc = vg_site_matcher_new(&ld.m);
    for (size_t i = 0; i < n_lists && !rc; i++)
        rc = vg__strmap_intern(&ld.wanted, lists[i], strlen(lists[i]), &id, NULL);
    if (!rc && (rc = vg_list_each(db, load_info, &ld)) == VG_ECANCEL)
        rc = ld.rc;
    if (!rc && !ld.all && ld.n_infos < ld.wanted.n) {
        for (size_t i = 0; i < ld.wanted.n; i++) {
            int known = 0;
            for (size_t k = 0; k < ld.n_infos; k++)
                known |= !strcmp(ld.infos[k].name, ld.wanted.str[i]);
            if (!known)
                VG_LOG_ERR("no list named %s", ld.wanted.str[i]);
        }
        rc = VG_ENOENT;
    }
    for (size_t i = 0; i < ld.n_infos && !rc; i++) {
        ld.cur_scope = ld.infos[i].scope;
        if ((rc = vg_list_entries(db, ld.infos[i].name, 1, load_entry, &ld)) == VG_ECANCEL)
            rc = ld.rc;
    }
    if (!rc)
        rc = vg_site_matcher_compile(ld.m);
    vg__strmap_release(&ld.wanted);
    vg_arena_release(&ld.names);
    vg_free(ld.infos);
    if (rc) {
        vg_site_matcher_free(ld.m);
        return rc;
    }
    *out = ld.m;
    return VG_OK;
}
