/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pdq_index.c: the PDQ hash index: multi-index hashing (Norouzi et al., as in Meta's MIH
 * notes) with 16 tables keyed by the hash's 16 slots of 16 bits, exact for every distance up to
 * VG_PDQ_MATCH_D (31), updated in place. Larger distances fall back to a linear scan, which also
 * stays available (vg__pdq_index_scan) as the reference the tests and the benchmark check the
 * tables against.
 *
 * Why it is exact. Split the 256 bits into 8 words of 32 bits, each word into 2 slots of 16. If
 * two hashes are within d, some word differs in at most P = floor(d / 8) bits (8 (P + 1) > d), and
 * in that word some slot differs in at most H = floor(P / 2) bits (2 (H + 1) > P). For d <= 31,
 * P <= 3 and H <= 1. So a query probes, in each table, the buckets of its own slot value and
 * (when H = 1) the 16 values one bit away, and keeps the entries whose whole word is within P.
 *
 * Why it is fast. Each bucket entry stores, beside the row it points to, the 16 bits of the
 * partner slot of its word: the word filter runs on the bucket's contiguous 16-bit array (SSE2,
 * eight entries at a time) without touching the hashes. On random hashes the filter keeps about
 * 0.2 % of the entries scanned; only those rows are fetched and measured in full.
 *
 * Each match is reported once: from the first table in which it passes the word filter (that
 * table is always probed and the entry always found there).
 *
 * Storage: rows (hash, id) live in fixed chunks of 65,536 (no reallocation of the whole array as
 * it grows); the last row fills the hole a removal leaves. An open-addressing table maps ids to
 * rows. Bucket arrays grow by an eighth, keeping slack small at 10 million hashes.
 */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "pdq.h"

#define N_TABLES   16
#define N_KEYS     65536
#define CHUNK_BITS 16
#define CHUNK_ROWS (1u << CHUNK_BITS)
#define INDEX_MAX  ((size_t)1 << 31)

/* One bucket: rows[cap] then others[cap] in one block. */
struct bucket {
    uint32_t *rows;
    uint32_t n, cap;
};

struct vg_pdq_index {
    struct vg_pdq **hash_chunks;
    uint64_t **id_chunks;
    size_t n_chunks, chunk_cap;
    size_t n;
    /* id -> row + 1 (0: empty), open addressing with linear probing, load at most 3/4 */
    uint32_t *slot_row;
    size_t slots;
    struct bucket *tables; /* N_TABLES x N_KEYS, allocated with the first hash */
};

static inline uint16_t *bucket_others(const struct bucket *b)
{
    return (uint16_t *)(b->rows + b->cap);
}

static inline unsigned slot_value(const struct vg_pdq *h, int t)
{
    return (unsigned)h->bytes[2 * t] << 8 | h->bytes[2 * t + 1];
}

static inline struct vg_pdq *row_hash(const vg_pdq_index *ix, size_t r)
{
    return &ix->hash_chunks[r >> CHUNK_BITS][r & (CHUNK_ROWS - 1)];
}

static inline uint64_t *row_id(const vg_pdq_index *ix, size_t r)
{
    return &ix->id_chunks[r >> CHUNK_BITS][r & (CHUNK_ROWS - 1)];
}

vg_status vg_pdq_index_new(vg_pdq_index **out)
{
    *out = vg_calloc(1, sizeof **out);
    return *out ? VG_OK : VG_ENOMEM;
}

void vg_pdq_index_free(vg_pdq_index *ix)
{
    if (!ix)
        return;
    for (size_t c = 0; c < ix->n_chunks; c++) {
        vg_free(ix->hash_chunks[c]);
        vg_free(ix->id_chunks[c]);
    }
    vg_free(ix->hash_chunks);
    vg_free(ix->id_chunks);
    vg_free(ix->slot_row);
    if (ix->tables)
        for (size_t k = 0; k < (size_t)N_TABLES * N_KEYS; k++)
            vg_free(ix->tables[k].rows);
    vg_free(ix->tables);
    vg_free(ix);
}

size_t vg_pdq_index_size(const vg_pdq_index *ix)
{
    return ix ? ix->n : 0;
}

/* ---- id map -------------------------------------------------------------------------------- */

static size_t home_of(const vg_pdq_index *ix, uint64_t id)
{
    return (size_t)vg_hash64(&id, sizeof id, 0) & (ix->slots - 1);
}

static size_t slot_of(const vg_pdq_index *ix, uint64_t id)
{
    size_t mask = ix->slots - 1, i = home_of(ix, id);
    while (ix->slot_row[i] && *row_id(ix, ix->slot_row[i] - 1) != id)
        i = (i + 1) & mask;
    return i;
}

static vg_status grow_slots(vg_pdq_index *ix)
{
    size_t slots = ix->slots ? ix->slots * 2 : 1024;
    uint32_t *s = vg_calloc(slots, sizeof *s);
    if (!s)
        return VG_ENOMEM;
    vg_free(ix->slot_row);
    ix->slot_row = s;
    ix->slots = slots;
    for (size_t r = 0; r < ix->n; r++)
        ix->slot_row[slot_of(ix, *row_id(ix, r))] = (uint32_t)r + 1;
    return VG_OK;
}

/* Backward-shift deletion keeps every probe chain unbroken without tombstones. */
static void slot_delete(vg_pdq_index *ix, size_t i)
{
    size_t mask = ix->slots - 1, j = i;
    ix->slot_row[i] = 0;
    for (;;) {
        j = (j + 1) & mask;
        if (!ix->slot_row[j])
            return;
        size_t home = home_of(ix, *row_id(ix, ix->slot_row[j] - 1));
        /* j's entry may move to i when its home is not in (i, j] (cyclically). */
        if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
            ix->slot_row[i] = ix->slot_row[j];
            ix->slot_row[j] = 0;
            i = j;
        }
    }
}

/* ---- buckets ------------------------------------------------------------------------------- */

static vg_status bucket_push(struct bucket *b, uint32_t row, uint16_t other)
{
    if (b->n == b->cap) {
        uint32_t cap = b->cap + b->cap / 8 + 4; /* small slack: 10M hashes x 16 tables */
        uint32_t *rows = vg_malloc((size_t)cap * (sizeof(uint32_t) + sizeof(uint16_t)));
        if (!rows)
            return VG_ENOMEM;
        if (b->n) {
            memcpy(rows, b->rows, b->n * sizeof *rows);
            memcpy(rows + cap, bucket_others(b), b->n * sizeof(uint16_t));
        }
        vg_free(b->rows);
        b->rows = rows;
        b->cap = cap;
    }
    b->rows[b->n] = row;
    bucket_others(b)[b->n] = other;
    b->n++;
    return VG_OK;
}

static void bucket_erase(struct bucket *b, uint32_t row)
{
    uint16_t *others = bucket_others(b);
    for (uint32_t k = 0; k < b->n; k++)
        if (b->rows[k] == row) {
            b->n--;
            b->rows[k] = b->rows[b->n];
            others[k] = others[b->n];
            return;
        }
}

static void bucket_rename(struct bucket *b, uint32_t from, uint32_t to)
{
    for (uint32_t k = 0; k < b->n; k++)
        if (b->rows[k] == from) {
            b->rows[k] = to;
            return;
        }
}

static struct bucket *bucket_of(const vg_pdq_index *ix, const struct vg_pdq *h, int t)
{
    return &ix->tables[(size_t)t * N_KEYS + slot_value(h, t)];
}

/* Enter row r (hash h) in the first `upto` tables. */
static vg_status tables_add(vg_pdq_index *ix, const struct vg_pdq *h, uint32_t r)
{
    for (int t = 0; t < N_TABLES; t++) {
        vg_status rc = bucket_push(bucket_of(ix, h, t), r, (uint16_t)slot_value(h, t ^ 1));
        if (rc) {
            while (t-- > 0)
                bucket_erase(bucket_of(ix, h, t), r);
            return rc;
        }
    }
    return VG_OK;
}

static void tables_remove(vg_pdq_index *ix, const struct vg_pdq *h, uint32_t r)
{
    for (int t = 0; t < N_TABLES; t++)
        bucket_erase(bucket_of(ix, h, t), r);
}

/* ---- add and remove ------------------------------------------------------------------------ */

static vg_status grow_rows(vg_pdq_index *ix)
{
    if (ix->n_chunks == ix->chunk_cap) {
        size_t cap = ix->chunk_cap ? ix->chunk_cap * 2 : 16;
        struct vg_pdq **h = vg_realloc(ix->hash_chunks, cap * sizeof *h);
        if (!h)
            return VG_ENOMEM;
        ix->hash_chunks = h;
        uint64_t **ids = vg_realloc(ix->id_chunks, cap * sizeof *ids);
        if (!ids)
            return VG_ENOMEM;
        ix->id_chunks = ids;
        ix->chunk_cap = cap;
    }
    struct vg_pdq *h = vg_malloc(CHUNK_ROWS * sizeof *h);
    uint64_t *ids = vg_malloc(CHUNK_ROWS * sizeof *ids);
    if (!h || !ids) {
        vg_free(h);
        vg_free(ids);
        return VG_ENOMEM;
    }
    ix->hash_chunks[ix->n_chunks] = h;
    ix->id_chunks[ix->n_chunks++] = ids;
    return VG_OK;
}

vg_status vg_pdq_index_add(vg_pdq_index *ix, const struct vg_pdq *h, uint64_t id)
{
    vg_status rc;
    if (!ix->tables && !(ix->tables = vg_calloc((size_t)N_TABLES * N_KEYS, sizeof *ix->tables)))
        return VG_ENOMEM;
    if (ix->slots && ix->slot_row[slot_of(ix, id)]) { /* replace the hash of a known id */
        uint32_t r = ix->slot_row[slot_of(ix, id)] - 1;
        struct vg_pdq old = *row_hash(ix, r);
        tables_remove(ix, &old, r);
        if ((rc = tables_add(ix, h, r))) {
            if (tables_add(ix, &old, r)) /* cannot fail: the buckets had room for it */
                return VG_ENOMEM;
            return rc;
        }
        *row_hash(ix, r) = *h;
        return VG_OK;
    }
    if (ix->n >= INDEX_MAX)
        return VG_ELIMIT;
    if ((ix->n + 1) * 4 > ix->slots * 3 && (rc = grow_slots(ix)))
        return rc;
    if (ix->n == ix->n_chunks * CHUNK_ROWS && (rc = grow_rows(ix)))
        return rc;
    uint32_t r = (uint32_t)ix->n;
    if ((rc = tables_add(ix, h, r)))
        return rc;
    *row_hash(ix, r) = *h;
    *row_id(ix, r) = id;
    ix->n++;
    ix->slot_row[slot_of(ix, id)] = r + 1;
    return VG_OK;
}

void vg_pdq_index_remove(vg_pdq_index *ix, uint64_t id)
{
    if (!ix || !ix->slots)
        return;
    size_t i = slot_of(ix, id);
    if (!ix->slot_row[i])
        return;
    uint32_t r = ix->slot_row[i] - 1, last = (uint32_t)ix->n - 1;
    slot_delete(ix, i);
    tables_remove(ix, row_hash(ix, r), r);
    if (r != last) { /* the last row fills the hole */
        const struct vg_pdq *lh = row_hash(ix, last);
        for (int t = 0; t < N_TABLES; t++)
            bucket_rename(bucket_of(ix, lh, t), last, r);
        *row_hash(ix, r) = *lh;
        *row_id(ix, r) = *row_id(ix, last);
        ix->slot_row[slot_of(ix, *row_id(ix, r))] = r + 1;
    }
    ix->n--;
}

/* ---- queries ------------------------------------------------------------------------------- */

vg_status vg__pdq_index_scan(const vg_pdq_index *ix, const struct vg_pdq *h, int max_distance,
                             vg_pdq_match_fn fn, void *ud)
{
    if (max_distance < 0 || max_distance > VG_PDQ_BYTES * 8)
        return VG_EINVAL;
    for (size_t r = 0; r < ix->n; r++) {
        const struct vg_pdq *x = row_hash(ix, r);
        int d = vg_pdq_distance(h, x);
        if (d <= max_distance && fn(*row_id(ix, r), d, ud))
            return VG_ECANCEL;
    }
    return VG_OK;
}

/* Per-slot distances of the candidate, and whether table t is the first where it passes. */
static int first_table_is(const struct vg_pdq *q, const struct vg_pdq *x, int t, int P, int H)
{
    int ds[N_TABLES];
    for (int s = 0; s < N_TABLES; s++)
        ds[s] = __builtin_popcount(slot_value(q, s) ^ slot_value(x, s));
    for (int s = 0; s < N_TABLES; s++)
        if (ds[s] <= H && ds[s] + ds[s ^ 1] <= P)
            return s == t;
    return 0;
}

/* Entries that passed the word filter, verified in batches so their rows can be fetched from
 * memory in parallel. */
#define BATCH 256

struct probe {
    const vg_pdq_index *ix;
    const struct vg_pdq *q;
    int max_distance, P, H;
    vg_pdq_match_fn fn;
    void *ud;
    uint32_t rows[BATCH];
    uint8_t tables[BATCH];
    int n;
};

/* Measure the batch in full; report each match from its first table. -1 when fn stopped. */
static int flush(struct probe *p)
{
    for (int i = 0; i < p->n; i++)
        __builtin_prefetch(row_hash(p->ix, p->rows[i]));
    for (int i = 0; i < p->n; i++) {
        const struct vg_pdq *x = row_hash(p->ix, p->rows[i]);
        int d = vg_pdq_distance(p->q, x);
        if (d <= p->max_distance && first_table_is(p->q, x, p->tables[i], p->P, p->H) &&
            p->fn(*row_id(p->ix, p->rows[i]), d, p->ud)) {
            p->n = 0;
            return -1;
        }
    }
    p->n = 0;
    return 0;
}

static inline int candidate(struct probe *p, uint32_t row, int t)
{
    p->rows[p->n] = row;
    p->tables[p->n++] = (uint8_t)t;
    return p->n == BATCH ? flush(p) : 0;
}

/* 1 where popcount(x) <= k (k 0..3): clear the lowest set bit k times, then test for zero. */
static inline int few_bits(unsigned x, int k)
{
    for (int i = 0; i < k; i++)
        x &= x - 1;
    return x == 0;
}

/* Scan one bucket for entries whose partner slot is within k bits of `other`. */
static int scan_bucket(struct probe *p, const struct bucket *b, unsigned other, int k, int t)
{
    const uint16_t *o = bucket_others(b);
    uint32_t n = b->n, i = 0;
#ifdef __SSE2__
    const __m128i q = _mm_set1_epi16((short)other), one = _mm_set1_epi16(1),
                  zero = _mm_setzero_si128();
    for (; i + 8 <= n; i += 8) {
        __m128i x = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(o + i)), q);
        for (int j = 0; j < k; j++)
            x = _mm_and_si128(x, _mm_sub_epi16(x, one));
        int mask = _mm_movemask_epi8(_mm_cmpeq_epi16(x, zero));
        while (mask) {
            int lane = __builtin_ctz((unsigned)mask) / 2;
            mask &= ~(3 << (2 * lane));
            if (candidate(p, b->rows[i + (uint32_t)lane], t))
                return -1;
        }
    }
#endif
    for (; i < n; i++)
        if (few_bits(o[i] ^ other, k) && candidate(p, b->rows[i], t))
            return -1;
    return 0;
}

/* A bucket to scan: which one, the partner-slot bound, the table. */
struct scan_job {
    const struct bucket *b;
    unsigned other;
    int k, t;
};

vg_status vg_pdq_index_query(const vg_pdq_index *ix, const struct vg_pdq *h, int max_distance,
                             vg_pdq_match_fn fn, void *ud)
{
    if (max_distance < 0 || max_distance > VG_PDQ_BYTES * 8)
        return VG_EINVAL;
    if (max_distance > VG_PDQ_MATCH_D)
        return vg__pdq_index_scan(ix, h, max_distance, fn, ud);
    if (!ix->n)
        return VG_OK;
    struct probe p;
    p.ix = ix, p.q = h, p.max_distance = max_distance, p.fn = fn, p.ud = ud, p.n = 0;
    p.P = max_distance / 8, p.H = max_distance / 16;
    /*
     * Up to 16 x 17 buckets, all known up front. A query is otherwise a chain of cache misses
     * (header, then each line of the bucket, then each candidate's row); asking for them all
     * before using any lets the memory system fetch them in parallel.
     */
    struct scan_job jobs[N_TABLES * 17];
    int n_jobs = 0;
    for (int t = 0; t < N_TABLES; t++) {
        unsigned key = slot_value(h, t), other = slot_value(h, t ^ 1);
        const struct bucket *tab = ix->tables + (size_t)t * N_KEYS;
        jobs[n_jobs++] = (struct scan_job){ &tab[key], other, p.P, t };
        if (p.H < 1 || p.P < 1)
            continue;
        for (int bit = 0; bit < 16; bit++)
            jobs[n_jobs++] = (struct scan_job){ &tab[key ^ (1u << bit)], other, p.P - 1, t };
    }
    for (int j = 0; j < n_jobs; j++)
        __builtin_prefetch(jobs[j].b);

    /* The buckets' lines are asked for AHEAD jobs before their scan: enough to overlap the
     * misses, few enough not to flood the core's outstanding-miss slots. */
    enum {
        AHEAD = 6
    };

    for (int j = 0; j < n_jobs + AHEAD; j++) {
        if (j < n_jobs) {
            const struct bucket *b = jobs[j].b;
            const char *o = (const char *)bucket_others(b), *end = o + b->n * sizeof(uint16_t);
            for (; o < end; o += 64)
                __builtin_prefetch(o);
        }
        const struct scan_job *s = j >= AHEAD ? &jobs[j - AHEAD] : NULL;
        if (s && s->b->n && scan_bucket(&p, s->b, s->other, s->k, s->t))
            return VG_ECANCEL;
    }
    return flush(&p) ? VG_ECANCEL : VG_OK;
}
