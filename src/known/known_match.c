/* SPDX-License-Identifier: Apache-2.0 */
/*
 * known_match.c: matching against the banks (docs/known.md). A matcher copies the live items of
 * the banks into memory: PDQ hashes go to a vg_pdq_index, texts to a vg_text_index (both keyed by
 * the item's position here), MD5, SHA-256 and URL values to one table sorted by (type, value)
 * where a match is a binary search. vg_match_posts runs every stored post (its text, URLs and
 * the hashes of its media, table post_media) through it and stores the matches (table
 * post_matches), the signal the rules of the casework stage read.
 */
#include <stdlib.h>
#include <string.h>

#include "known.h"
#include "store.h"

/* An item as the matcher keeps it (strings in the arena). */
struct mitem {
    int64_t id;
    enum vg_item_type type;
    const char *bank, *value, *label, *source, *ideology, *tco, *tags;
};

struct vg_matcher {
    struct mitem *items;
    size_t n, cap;
    size_t *exact; /* positions of md5/sha256/url items, sorted by (type, value) */
    size_t n_exact;
    size_t count[VG_ITEM__COUNT];
    vg_pdq_index *pdq;
    /* PDQ hashes read but not yet indexed: loaded in batches by vg_pdq_index_add_many, which
     * sizes the index's buckets once a batch instead of growing them one hash at a time. */
    struct vg_pdq *pdq_pending;
    uint64_t *pdq_pending_pos;
    size_t n_pending, cap_pending;
    vg_text_index *text;
    struct vg_arena arena;
};

void vg_match_opts_init(struct vg_match_opts *o)
{
    o->pdq_max_distance = VG_PDQ_MATCH_D;
    o->text_min_similarity = VG_TEXT_MATCH_DEFAULT;
}

static int opts_valid(const struct vg_match_opts *o)
{
    return o->pdq_max_distance >= 0 && o->pdq_max_distance <= 256 && o->text_min_similarity >= 0 &&
           o->text_min_similarity <= 1;
}

/* ---- loading ------------------------------------------------------------------------------- */

struct load {
    vg_matcher *m;
    size_t skipped;
};

static const char *keep(vg_matcher *m, const char *s, vg_status *rc)
{
    if (!s || *rc)
        return NULL;
    char *c = vg_arena_strdup(&m->arena, s);
    if (!c)
        *rc = VG_ENOMEM;
    return c;
}

/* Up to this many PDQ hashes (40 MB) wait for one vg_pdq_index_add_many. */
#define PDQ_BATCH_MAX ((size_t)1 << 20)

static vg_status pdq_flush(vg_matcher *m)
{
    vg_status rc = VG_OK;
    if (m->n_pending)
        rc = vg_pdq_index_add_many(m->pdq, m->pdq_pending, m->pdq_pending_pos, m->n_pending, NULL);
    m->n_pending = 0;
    return rc;
}

/* Queue hash h of item pos for the next batch (flushed when full and at the end of the load). */
static vg_status pdq_queue(vg_matcher *m, const struct vg_pdq *h, size_t pos)
{
    if (m->n_pending == m->cap_pending) {
        if (m->cap_pending == PDQ_BATCH_MAX) {
            vg_status rc = pdq_flush(m);
            if (rc)
                return rc;
        } else {
            size_t cap = m->cap_pending ? 2 * m->cap_pending : 1024;
            struct vg_pdq *h2 = vg_realloc(m->pdq_pending, cap * sizeof(*h2));
            if (!h2)
                return VG_ENOMEM;
            m->pdq_pending = h2;
            uint64_t *p2 = vg_realloc(m->pdq_pending_pos, cap * sizeof(*p2));
            if (!p2)
                return VG_ENOMEM;
            m->pdq_pending_pos = p2;
            m->cap_pending = cap;
        }
    }
    m->pdq_pending[m->n_pending] = *h;
    m->pdq_pending_pos[m->n_pending++] = pos;
    return VG_OK;
}

static vg_status index_item(vg_matcher *m, size_t pos, struct load *l)
{
    const struct mitem *it = &m->items[pos];
    vg_status rc = VG_OK;
    struct vg_pdq h;
    switch (it->type) {
        case VG_ITEM_PDQ:
            if (vg_pdq_from_hex(it->value, &h) != VG_OK)
                return VG_EPARSE;
            return pdq_queue(m, &h, pos);
        case VG_ITEM_TEXT:
            rc = vg_text_index_add(m->text, it->value, strlen(it->value), pos);
            if (rc == VG_EPARSE || rc == VG_EUTF8 || rc == VG_ELIMIT) {
                l->skipped++;
                return VG_EPARSE;
            }
            return rc;
        default:
            if (m->n_exact == SIZE_MAX)
                return VG_ELIMIT;
            m->exact[m->n_exact++] = pos;
            return VG_OK;
    }
}

static vg_status load_item(const struct vg_bank_item *it, void *ud)
{
    struct load *l = ud;
    vg_matcher *m = l->m;
    if ((unsigned)it->type >= VG_ITEM__COUNT)
        return VG_OK;
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 256;
        struct mitem *items = vg_realloc(m->items, cap * sizeof(*items));
        if (!items)
            return VG_ENOMEM;
        m->items = items;
        size_t *exact = vg_realloc(m->exact, cap * sizeof(*exact));
        if (!exact)
            return VG_ENOMEM;
        m->exact = exact;
        m->cap = cap;
    }
    vg_status rc = VG_OK;
    struct mitem *x = &m->items[m->n];
    x->id = it->id;
    x->type = it->type;
    x->bank = keep(m, it->bank, &rc);
    x->value = keep(m, it->value, &rc);
    x->label = keep(m, it->label, &rc);
    x->source = keep(m, it->source, &rc);
    x->ideology = keep(m, it->ideology, &rc);
    x->tco = keep(m, it->tco, &rc);
    x->tags = keep(m, it->tags, &rc);
    if (rc)
        return rc;
    rc = index_item(m, m->n, l);
    if (rc == VG_EPARSE) /* a value the store should not hold: not matchable, counted */
        return VG_OK;
    if (rc)
        return rc;
    m->count[it->type]++;
    m->n++;
    return VG_OK;
}

static _Thread_local const vg_matcher *sort_matcher;

static int cmp_exact(const struct mitem *a, const struct mitem *b)
{
    if (a->type != b->type)
        return a->type < b->type ? -1 : 1;
    return strcmp(a->value, b->value);
}

static int cmp_pos(const void *a, const void *b)
{
    const struct mitem *x = &sort_matcher->items[*(const size_t *)a];
    const struct mitem *y = &sort_matcher->items[*(const size_t *)b];
    return cmp_exact(x, y);
}

vg_status vg_matcher_open(vg_db *db, const char *bank, vg_matcher **out, size_t *n_skipped)
{
    *out = NULL;
    vg_matcher *m = vg_calloc(1, sizeof(*m));
    if (!m)
        return VG_ENOMEM;
    vg_arena_init(&m->arena, 1u << 16, SIZE_MAX / 2);
    struct load l = { m, 0 };
    vg_status rc = vg_pdq_index_new(&m->pdq);
    if (!rc)
        rc = vg_text_index_new(&m->text);
    if (!rc)
        rc = vg__db_bank_scan(db, bank, 0, load_item, &l);
    if (!rc)
        rc = pdq_flush(m);
    vg_free(m->pdq_pending);
    vg_free(m->pdq_pending_pos);
    m->pdq_pending = NULL, m->pdq_pending_pos = NULL;
    m->n_pending = m->cap_pending = 0;
    if (rc) {
        vg_matcher_free(m);
        return rc;
    }
    sort_matcher = m;
    if (m->n_exact)
        qsort(m->exact, m->n_exact, sizeof(*m->exact), cmp_pos);
    sort_matcher = NULL;
    if (n_skipped)
        *n_skipped = l.skipped;
    *out = m;
    return VG_OK;
}

void vg_matcher_free(vg_matcher *m)
{
    if (!m)
        return;
    vg_pdq_index_free(m->pdq);
    vg_text_index_free(m->text);
    vg_free(m->items);
    vg_free(m->exact);
    vg_arena_release(&m->arena);
    vg_free(m);
}

size_t vg_matcher_size(const vg_matcher *m, enum vg_item_type t)
{
    return (unsigned)t < VG_ITEM__COUNT ? m->count[t] : 0;
}

/* ---- matching ------------------------------------------------------------------------------ */

struct reporter {
    const vg_matcher *m;
    vg_match_fn fn;
    void *ud;
};

static int report(const struct reporter *r, size_t pos, double distance, double similarity)
{
    const struct mitem *it = &r->m->items[pos];
    struct vg_match x = { it->bank,     it->id,  it->type, it->value, it->label, it->source,
                          it->ideology, it->tco, it->tags, distance,  similarity };
    return r->fn(&x, r->ud);
}

static int on_pdq(uint64_t id, int distance, void *ud)
{
    return report(ud, (size_t)id, distance, 1.0 - distance / 256.0);
}

static int on_text(uint64_t id, double estimate, double similarity, void *ud)
{
    VG_UNUSED(estimate);
    return report(ud, (size_t)id, 1.0 - similarity, similarity);
}

/* Items of type t with exactly this value: a binary search for the first, then the run. */
static vg_status match_exact(const vg_matcher *m, enum vg_item_type t, const char *value,
                             const struct reporter *r)
{
    struct mitem key = { .type = t, .value = value };
    size_t lo = 0, hi = m->n_exact;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_exact(&m->items[m->exact[mid]], &key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < m->n_exact && !cmp_exact(&m->items[m->exact[lo]], &key); lo++)
        if (report(r, m->exact[lo], 0, 1))
            return VG_ECANCEL;
    return VG_OK;
}

vg_status vg_matcher_match(const vg_matcher *m, enum vg_item_type t, const char *value,
                           const struct vg_match_opts *o, vg_match_fn fn, void *ud, char *why,
                           size_t cap)
{
    if (!opts_valid(o) || !fn)
        return VG_EINVAL;
    char *v = NULL;
    vg_status rc = vg_bank_item_normalize(t, value, &v, why, cap);
    if (rc)
        return rc;
    struct reporter r = { m, fn, ud };
    struct vg_pdq h;
    switch (t) {
        case VG_ITEM_PDQ:
            rc = vg_pdq_from_hex(v, &h);
            if (!rc)
                rc = vg_pdq_index_query(m->pdq, &h, o->pdq_max_distance, on_pdq, &r);
            break;
        case VG_ITEM_TEXT:
            rc = vg_text_index_query(m->text, v, strlen(v), o->text_min_similarity, on_text, &r);
            break;
        default:
            rc = match_exact(m, t, v, &r);
    }
    vg_free(v);
    return rc;
}

/* ---- stored posts -------------------------------------------------------------------------- */

/* A match found during the scan, stored once the scan is over (no writes while reading). */
struct found {
    char *post;
    size_t pos;
    double distance, similarity;
};

struct post_run {
    const vg_matcher *m;
    const struct vg_match_opts *o;
    struct found *found;
    size_t n, cap;
    const char *post;
    struct vg_match_posts_summary *sum;
    vg_status rc;
};

static int collect(const struct vg_match *x, void *ud)
{
    struct post_run *p = ud;
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64;
        struct found *f = vg_realloc(p->found, cap * sizeof(*f));
        if (!f) {
            p->rc = VG_ENOMEM;
            return 1;
        }
        p->found = f;
        p->cap = cap;
    }
    char *post = vg_strdup(p->post);
    if (!post) {
        p->rc = VG_ENOMEM;
        return 1;
    }
    /* The item's position in the matcher: items are in id order (vg_match_posts checks). */
    size_t pos = 0;
    for (size_t lo = 0, hi = p->m->n; lo < hi;) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->m->items[mid].id < x->item) {
            lo = mid + 1;
        } else {
            hi = mid;
            pos = mid;
        }
    }
    p->found[p->n++] = (struct found){ post, pos, x->distance, x->similarity };
    return 0;
}

/* Split the POSTS_BY_TIME item "hashtags 0x1f urls 0x1f repost_of 0x1f text" and match. */
static vg_status match_post(struct post_run *p, const char *post_id, const char *item)
{
    const char *f[4] = { item, NULL, NULL, NULL };
    for (int i = 1; i < 4; i++) {
        const char *sep = strchr(f[i - 1], 0x1f);
        if (!sep)
            return VG_OK; /* not the layout store.h promises: nothing to match */
        f[i] = sep + 1;
    }
    p->post = post_id;
    vg_status rc = vg_matcher_match(p->m, VG_ITEM_TEXT, f[3], p->o, collect, p, NULL, 0);
    if (rc == VG_EFIELD) /* no words: nothing to match */
        rc = VG_OK;
    /* URLs: items joined by 0x1e, up to the 0x1f before repost_of. */
    const char *u = f[1], *end = f[2] - 1;
    char buf[8192];
    while (!rc && !p->rc && u < end && p->m->count[VG_ITEM_URL]) {
        const char *e = memchr(u, 0x1e, (size_t)(end - u));
        size_t n = e ? (size_t)(e - u) : (size_t)(end - u);
        if (n && n < sizeof(buf)) {
            memcpy(buf, u, n);
            buf[n] = '\0';
            rc = vg_matcher_match(p->m, VG_ITEM_URL, buf, p->o, collect, p, NULL, 0);
            if (rc == VG_EFIELD)
                rc = VG_OK;
        }
        u += n + 1;
    }
    if (p->rc)
        return p->rc;
    if (rc == VG_ECANCEL)
        rc = VG_OK;
    p->sum->posts++;
    return rc;
}

static vg_status on_post(const struct vg_scan_row *row, void *ud)
{
    if (!row->other || !row->item)
        return VG_OK;
    return match_post(ud, row->other, row->item);
}

/* One hashed media item of a stored post: its PDQ hash (unless its known quality is too low to
 * match) and its file hashes. */
static vg_status on_media(const struct vg_store_media_row *row, void *ud)
{
    struct post_run *p = ud;
    p->post = row->post;
    p->sum->media++;
    vg_status rc = VG_OK;
    if (row->pdq && row->pdq_quality >= 0 && row->pdq_quality < VG_PDQ_MIN_QUAL)
        p->sum->media_low_quality++;
    else if (row->pdq && p->m->count[VG_ITEM_PDQ])
        rc = vg_matcher_match(p->m, VG_ITEM_PDQ, row->pdq, p->o, collect, p, NULL, 0);
    if (!rc && row->md5 && p->m->count[VG_ITEM_MD5])
        rc = vg_matcher_match(p->m, VG_ITEM_MD5, row->md5, p->o, collect, p, NULL, 0);
    if (!rc && row->sha256 && p->m->count[VG_ITEM_SHA256])
        rc = vg_matcher_match(p->m, VG_ITEM_SHA256, row->sha256, p->o, collect, p, NULL, 0);
    if (p->rc)
        return p->rc;
    /* A value the store should not hold (it was checked at ingest) is not matchable. */
    return rc == VG_EFIELD ? VG_OK : rc;
}

static int cmp_found_post(const void *a, const void *b)
{
    return strcmp((*(const struct found *const *)a)->post, (*(const struct found *const *)b)->post);
}

/* Posts with at least one match: text, URL and media matches of a post count it once. */
static vg_status count_matched_posts(const struct post_run *p, uint64_t *out)
{
    *out = 0;
    if (!p->n)
        return VG_OK;
    const struct found **v = vg_malloc(p->n * sizeof(*v));
    if (!v)
        return VG_ENOMEM;
    for (size_t i = 0; i < p->n; i++)
        v[i] = &p->found[i];
    qsort(v, p->n, sizeof(*v), cmp_found_post);
    for (size_t i = 0; i < p->n; i++)
        *out += i == 0 || strcmp(v[i - 1]->post, v[i]->post) != 0;
    vg_free(v);
    return VG_OK;
}

static int cmp_item_id(const void *a, const void *b)
{
    int64_t x = ((const struct mitem *)a)->id, y = ((const struct mitem *)b)->id;
    return (x > y) - (x < y);
}

vg_status vg_match_posts(vg_db *db, const vg_matcher *m, const struct vg_match_opts *o,
                         vg_post_match_fn fn, void *ud, struct vg_match_posts_summary *sum)
{
    if (!opts_valid(o))
        return VG_EINVAL;
    /* Items arrive from the store in id order (vg_bank_scan), which collect() relies on. */
    for (size_t i = 1; i < m->n; i++)
        if (cmp_item_id(&m->items[i - 1], &m->items[i]) >= 0)
            return VG_EINVAL;
    struct post_run p = { .m = m, .o = o, .sum = sum };
    vg_status rc =
            vg__db_scan(db, VG_SCAN_POSTS_BY_TIME, VG_TIME_UNKNOWN, VG_TIME_UNKNOWN, on_post, &p);
    if (!rc)
        rc = vg__db_post_media_scan(db, on_media, &p);
    uint64_t matched = 0;
    if (!rc && !(rc = count_matched_posts(&p, &matched)))
        sum->posts_matched += matched;
    for (size_t i = 0; !rc && i < p.n; i++) {
        const struct found *f = &p.found[i];
        const struct mitem *it = &m->items[f->pos];
        struct vg_store_post_match pm = { f->post, it->bank, it->id, it->type, f->distance };
        int inserted = 0;
        if ((rc = vg__db_put_post_match(db, &pm, &inserted)))
            break;
        sum->matches++;
        sum->new_matches += (uint64_t)inserted;
        if (fn) {
            struct vg_match x = { it->bank,  it->id,      it->type,     it->value,
                                  it->label, it->source,  it->ideology, it->tco,
                                  it->tags,  f->distance, f->similarity };
            if (fn(f->post, &x, ud)) {
                rc = VG_ECANCEL;
                break;
            }
        }
    }
    if (!rc)
        rc = vg_db_flush(db);
    else
        vg__db_abort(db);
    for (size_t i = 0; i < p.n; i++)
        vg_free(p.found[i].post);
    vg_free(p.found);
    return rc;
}
