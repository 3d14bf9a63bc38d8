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
#define XXH_INLINE_ALL
#include <xxhash.h>

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

/*
 * Open addressing, linear probing; a slot holds a row index + 1 (0: empty) and the high 32 bits
 * of the key's 64-bit hash (the low bits chose the slot), so a probe that misses almost never
 * touches the row or its string: one cache line per lookup, the cost at a million entries.
 */
struct m_slot {
    uint32_t idx;
    uint32_t tag;
};

struct m_table {
    struct m_slot *slots;
    size_t mask;
};

/*
 * A host or domain: the domain entries of that value (a chain through next_same) and the URL
 * prefixes on that exact host (their distinct lengths, ascending). One table for both, so the
 * URL's own host costs one lookup whatever it is listed as.
 */
struct m_host {
    const char *host;
    uint32_t host_len;
    uint32_t domain; /* first domain entry + 1 (0: none) */
    uint32_t n_lens, cap_lens;
    uint32_t *lens;
};

/*
 * The compiled form of a host row or of a URL prefix: what a query needs of its entries and its
 * key (NUL-terminated) stored in one block, so a lookup that finds its tag reads one record (one
 * or two cache lines) instead of a row, a string and each entry elsewhere.
 */
struct m_rec_entry {
    int64_t added, withdrawn;
    uint32_t list;
    uint32_t kind;
};

struct m_rec {
    uint32_t n_entries;       /* domain entries of a host, entries of a prefix (may be 0) */
    uint32_t lens_at, n_lens; /* a host's prefix lengths: lens[lens_at..+n_lens), ascending */
    uint32_t len;             /* of the key */
    struct m_rec_entry e[];   /* then the key */
};

struct vg__site_tables {
    struct vg_arena strings;
    struct m_list *lists;
    size_t n_lists, cap_lists;
    struct m_entry *entries;
    size_t n_entries, cap_entries;
    struct m_table prefixes, hosts;
    struct m_host *host_rows; /* while compiling; then the records below */
    size_t n_hosts;
    char *recs; /* struct m_rec, 4-byte aligned; slots of both tables index them once compiled */
    size_t recs_bytes;
    uint32_t *lens; /* the prefix lengths of every host, one run per record */
    int has_prefixes;
    uint64_t domain_labels; /* bit k: a domain entry has k labels (bit 63: 63 or more) */
    hs_database_t *patterns;
    int compiled;
};

struct vg_site_matcher {
    struct vg__site_tables *t;
    int owner; /* frees t */
    hs_scratch_t *scratch;
};

/* XXH3 inlined: the hash is a few nanoseconds, a call into the shared library more. */
static uint64_t key_hash(const char *s, size_t n)
{
    return XXH3_64bits_withSeed(s, n, 0x5173);
}

/* The number of labels of a host ("a.b.example": 3), capped at 63 (a bit of domain_labels). */
static unsigned label_bit(const char *s, size_t n)
{
    unsigned k = 1;
    for (size_t i = 0; i < n; i++)
        k += s[i] == '.';
    return k < 63 ? k : 63;
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
    for (size_t i = 0; t->host_rows && i < t->n_hosts; i++)
        vg_free(t->host_rows[i].lens);
    vg_free(t->lists);
    vg_free(t->entries);
    vg_free(t->host_rows);
    vg__huge_free(t->recs, t->recs_bytes);
    vg_free(t->lens);
    vg__huge_free(t->prefixes.slots,
                  t->prefixes.slots ? (t->prefixes.mask + 1) * sizeof(struct m_slot) : 0);
    vg__huge_free(t->hosts.slots, t->hosts.slots ? (t->hosts.mask + 1) * sizeof(struct m_slot) : 0);
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
    if (!(tb->slots = vg__huge_alloc(cap * sizeof(*tb->slots))))
        return VG_ENOMEM;
    tb->mask = cap - 1;
    return VG_OK;
}

/* The slot holding key s[0..n) of hash h (idx 0 when absent: where it would go). key_of gives
 * a row's key. */
typedef const char *(*key_fn)(const struct vg__site_tables *t, uint32_t idx, uint32_t *len);

static inline struct m_slot *table_find(const struct vg__site_tables *t, const struct m_table *tb,
                                        key_fn key_of, const char *s, size_t n, uint64_t h)
{
    uint32_t tag = (uint32_t)(h >> 32);
    for (size_t i = h & tb->mask;; i = (i + 1) & tb->mask) {
        struct m_slot *sl = &tb->slots[i];
        if (!sl->idx)
            return sl;
        if (sl->tag == tag) {
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

/* The row of host[0..hn), added when new. The rows were allocated for every possible key. */
static struct m_host *host_row(struct vg__site_tables *t, const char *host, size_t hn)
{
    uint64_t h = key_hash(host, hn);
    struct m_slot *sl = table_find(t, &t->hosts, host_key, host, hn, h);
    if (!sl->idx) {
        t->host_rows[t->n_hosts] = (struct m_host){ .host = host, .host_len = (uint32_t)hn };
        sl->idx = (uint32_t)++t->n_hosts;
        sl->tag = (uint32_t)(h >> 32);
    }
    return &t->host_rows[sl->idx - 1];
}

/* Domain entry i into its host row: first of its value, or chained behind the first (entries of
 * one value are reported in the order they were added). */
static void index_domain(struct vg__site_tables *t, uint32_t i)
{
    struct m_entry *e = &t->entries[i];
    struct m_host *hr = host_row(t, e->value, e->len);
    if (hr->domain) {
        e->next_same = t->entries[hr->domain - 1].next_same;
        t->entries[hr->domain - 1].next_same = i + 1;
    } else {
        hr->domain = i + 1;
    }
    t->domain_labels |= 1ull << label_bit(e->value, e->len);
}

/* URL prefix entry i into the prefix table, chained like domains. */
static void index_prefix(struct vg__site_tables *t, uint32_t i)
{
    struct m_entry *e = &t->entries[i];
    uint64_t h = key_hash(e->value, e->len);
    struct m_slot *sl = table_find(t, &t->prefixes, entry_key, e->value, e->len, h);
    if (sl->idx) {
        e->next_same = t->entries[sl->idx - 1].next_same;
        t->entries[sl->idx - 1].next_same = i + 1;
    } else {
        sl->idx = i + 1;
        sl->tag = (uint32_t)(h >> 32);
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
    return host_add_len(host_row(t, host, hn), e->len);
}

/* ---- the compiled records ------------------------------------------------------------------ */

/* The entries of a chain (first + 1; 0: none): how many. */
static uint32_t chain_length(const struct vg__site_tables *t, uint32_t first)
{
    uint32_t n = 0;
    for (uint32_t k = first; k; k = t->entries[k - 1].next_same)
        n++;
    return n;
}

static size_t rec_size(uint32_t n_entries, size_t key_len)
{
    return (sizeof(struct m_rec) + n_entries * sizeof(struct m_rec_entry) + key_len + 1 + 7) &
           ~(size_t)7;
}

static const struct m_rec *rec_at(const struct vg__site_tables *t, uint32_t idx)
{
    return (const struct m_rec *)(const void *)(t->recs + (size_t)idx * 8);
}

static const char *rec_key_of(const struct m_rec *r)
{
    return (const char *)(r->e + r->n_entries);
}

static const char *rec_key(const struct vg__site_tables *t, uint32_t idx, uint32_t *len)
{
    const struct m_rec *r = rec_at(t, idx);
    *len = r->len;
    return rec_key_of(r);
}

/* Write the record of key[0..len) and the chain from first at *at (bytes); its index (at / 8). */
static uint32_t rec_put(struct vg__site_tables *t, size_t *at, uint32_t first, uint32_t lens_at,
                        uint32_t n_lens, const char *key, uint32_t len)
{
    struct m_rec *r = (struct m_rec *)(void *)(t->recs + *at);
    uint32_t n = chain_length(t, first);
    *r = (struct m_rec){ n, lens_at, n_lens, len };
    n = 0;
    for (uint32_t k = first; k; k = t->entries[k - 1].next_same) {
        const struct m_entry *e = &t->entries[k - 1];
        r->e[n++] = (struct m_rec_entry){ e->added, e->withdrawn, e->list, e->kind };
    }
    char *kp = (char *)(r->e + n);
    memcpy(kp, key, len);
    kp[len] = '\0';
    uint32_t idx = (uint32_t)(*at / 8);
    *at += rec_size(n, len);
    return idx;
}

/*
 * Replace the host rows and the prefix table's entry indexes by records (struct m_rec) in one
 * block: slots then hold a record index + 1. Errors: VG_ENOMEM, VG_ELIMIT (over 32 GB).
 */
static vg_status freeze(struct vg__site_tables *t)
{
    size_t bytes = 0, n_lens = 0;
    for (size_t i = 0; i < t->n_hosts; i++) {
        const struct m_host *hr = &t->host_rows[i];
        bytes += rec_size(chain_length(t, hr->domain), hr->host_len);
        n_lens += hr->n_lens;
    }
    for (size_t i = 0; i <= t->prefixes.mask; i++) {
        uint32_t first = t->prefixes.slots[i].idx;
        if (first)
            bytes += rec_size(chain_length(t, first), t->entries[first - 1].len);
    }
    if (bytes / 8 >= UINT32_MAX || n_lens >= UINT32_MAX)
        return VG_ELIMIT;
    t->recs_bytes = bytes ? bytes : 8;
    if (!(t->recs = vg__huge_alloc(t->recs_bytes)) ||
        !(t->lens = vg_malloc((n_lens ? n_lens : 1) * sizeof(*t->lens))))
        return VG_ENOMEM;
    size_t at = 0, lens_at = 0;
    uint32_t *row_rec = vg_malloc((t->n_hosts ? t->n_hosts : 1) * sizeof(*row_rec));
    if (!row_rec)
        return VG_ENOMEM;
    for (size_t i = 0; i < t->n_hosts; i++) {
        const struct m_host *hr = &t->host_rows[i];
        row_rec[i] =
                rec_put(t, &at, hr->domain, (uint32_t)lens_at, hr->n_lens, hr->host, hr->host_len);
        if (hr->n_lens) /* a domain-only host has no lengths (lens NULL) */
            memcpy(t->lens + lens_at, hr->lens, hr->n_lens * sizeof(*t->lens));
        lens_at += hr->n_lens;
    }
    for (size_t i = 0; i <= t->hosts.mask; i++)
        if (t->hosts.slots[i].idx)
            t->hosts.slots[i].idx = row_rec[t->hosts.slots[i].idx - 1] + 1;
    for (size_t i = 0; i <= t->prefixes.mask; i++) {
        struct m_slot *sl = &t->prefixes.slots[i];
        if (sl->idx) {
            const struct m_entry *e = &t->entries[sl->idx - 1];
            sl->idx = rec_put(t, &at, sl->idx, 0, 0, e->value, e->len) + 1;
        }
    }
    vg_free(row_rec);
    for (size_t i = 0; i < t->n_hosts; i++)
        vg_free(t->host_rows[i].lens);
    vg_free(t->host_rows);
    t->host_rows = NULL;
    return VG_OK;
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
    /* At most one host row per domain entry and per URL prefix entry. */
    size_t n_keys = n[VG_LIST_DOMAIN] + n[VG_LIST_URL_PREFIX];
    if ((rc = table_init(&t->prefixes, n[VG_LIST_URL_PREFIX])) ||
        (rc = table_init(&t->hosts, n_keys)))
        return rc;
    t->has_prefixes = n[VG_LIST_URL_PREFIX] > 0;
    if (n_keys && !(t->host_rows = vg_calloc(n_keys, sizeof(*t->host_rows))))
        return VG_ENOMEM;
    for (uint32_t i = 0; i < t->n_entries; i++) {
        struct m_entry *e = &t->entries[i];
        if (e->kind == VG_LIST_DOMAIN) {
            index_domain(t, i);
        } else if (e->kind == VG_LIST_URL_PREFIX) {
            index_prefix(t, i);
            if ((rc = index_prefix_host(t, i))) {
                VG_LOG_ERR("sites: URL prefix %s has no host", e->value);
                return rc;
            }
        }
    }
    if ((rc = freeze(t)) || (rc = compile_patterns(t, n[VG_LIST_PATTERN])))
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

static int applies(const struct query *q, const struct m_rec_entry *e)
{
    if (q->at != VG_TIME_UNKNOWN &&
        (e->added > q->at || (e->withdrawn != VG_TIME_UNKNOWN && q->at >= e->withdrawn)))
        return 0;
    const struct m_list *l = &q->t->lists[e->list];
    return !q->jur || l->global || !strcasecmp(l->scope, q->jur);
}

/* Report one entry in force at q->at in q->jur (value: its list value). */
static void report_entry(struct query *q, const struct m_rec_entry *e, const char *value)
{
    if (!applies(q, e))
        return;
    q->n++;
    if (q->fn) {
        const struct m_list *l = &q->t->lists[e->list];
        struct vg_site_hit hit = { l->name, l->scope, (enum vg_list_kind)e->kind,
                                   value,   e->added, e->withdrawn };
        q->stopped = q->fn(&hit, q->ud) != 0;
    }
}

/* Report the entries of a record, in the order they were chained. */
static void report_rec(struct query *q, const struct m_rec *r)
{
    const char *value = rec_key_of(r);
    for (uint32_t k = 0; k < r->n_entries && !q->stopped; k++)
        report_entry(q, &r->e[k], value);
}

/* The record of key s[0..n) in tb, or NULL. */
static const struct m_rec *find_rec(const struct vg__site_tables *t, const struct m_table *tb,
                                    const char *s, size_t n)
{
    const struct m_slot *sl = table_find(t, tb, rec_key, s, n, key_hash(s, n));
    return sl->idx ? rec_at(t, sl->idx - 1) : NULL;
}

/*
 * The domain entries of the host and of each parent domain ("a.b.example", "b.example",
 * "example"), in that order. A suffix is looked up only when some domain entry has its number of
 * labels (domain_labels): with lists of "name.tld" domains, one lookup per URL. The host's own
 * record is returned for the URL prefixes (NULL when the host is in no list).
 */
static const struct m_rec *match_domains(struct query *q, const char *host, size_t n)
{
    const struct vg__site_tables *t = q->t;
    if (!t->n_hosts)
        return NULL;
    unsigned labels = label_bit(host, n);
    const struct m_rec *own = NULL;
    if (t->domain_labels >> labels & 1 || t->has_prefixes) {
        own = find_rec(t, &t->hosts, host, n);
        if (own)
            report_rec(q, own);
    }
    for (;;) {
        const char *dot = memchr(host, '.', n);
        if (!dot || q->stopped)
            return own;
        n -= (size_t)(dot + 1 - host);
        host = dot + 1;
        labels = labels < 63 ? labels - 1 : label_bit(host, n);
        if (!(t->domain_labels >> labels & 1))
            continue;
        const struct m_rec *r = find_rec(t, &t->hosts, host, n);
        if (r)
            report_rec(q, r);
    }
}

static void match_prefixes(struct query *q, const char *url, size_t len, const struct m_rec *own)
{
    const struct vg__site_tables *t = q->t;
    const uint32_t *lens = t->lens + own->lens_at;
    for (uint32_t k = 0; k < own->n_lens && lens[k] <= len && !q->stopped; k++) {
        const struct m_rec *r = find_rec(t, &t->prefixes, url, lens[k]);
        if (r)
            report_rec(q, r);
    }
}

static int on_pattern(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                      void *ctx)
{
    VG_UNUSED(from);
    VG_UNUSED(to);
    VG_UNUSED(flags);
    struct query *q = ctx;
    const struct m_entry *e = &q->t->entries[id];
    const struct m_rec_entry re = { e->added, e->withdrawn, e->list, e->kind };
    report_entry(q, &re, e->value);
    return q->stopped;
}

/* The first line a check reads that is not already in the cache for a list of a million entries
 * is the host's slot (the URL and the tables' headers are): asked for here, a few URLs early. */
void vg_site_matcher_prefetch(const vg_site_matcher *m, const char *url, size_t len)
{
    const char *host;
    size_t hn;
    if (!m || !url || !m->t->compiled || !m->t->n_hosts || vg__canonical_host(url, len, &host, &hn))
        return;
    const struct m_table *tb = &m->t->hosts;
    __builtin_prefetch(&tb->slots[key_hash(host, hn) & tb->mask]);
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
    const struct m_rec *own = match_domains(&q, host, hn);
    if (own && !q.stopped)
        match_prefixes(&q, url, len, own);
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
