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
 * partner slot of its word: the word filter runs on the bucket's contiguous 16-bit array
 * (AVX-512 BITALG, 32 entries at a time, or AVX2, 16, where the CPU has them, the bucket's end
 * included; SSE2, 8, otherwise) without touching the hashes. On
 * random hashes the filter keeps about 0.2 % of the entries scanned; only those rows are fetched
 * and measured in full. A query is a chain of cache misses (bucket header, bucket lines, survivor's
 * row number, survivor's hash), so it is software-pipelined: all 272 headers are asked for first,
 * bucket lines a few buckets ahead of their scan, and the survivors' row numbers then hashes in
 * batches before they are used. The headers, arenas and hash chunks are mappings advised to use
 * 2 MB pages (vg__huge_alloc), so that a miss is less often also a TLB miss.
 *
 * Each match is reported once: from the first table in which it passes the word filter (that
 * table is always probed and the entry always found there).
 *
 * Storage, sized for 10 million hashes in under 1.5 GB. A table's buckets are blocks in two
 * parallel arenas, partner slots (2 bytes) and row numbers (3 bytes while the index holds fewer
 * than 2^24 rows, then 4: the index widens itself once), addressed by a flat array of (offset,
 * count) headers. A bucket that outgrows its block moves to the arena's free tail; when the tail
 * runs out the table is copied into a fresh arena, every block sized to its count plus an eighth.
 * vg_pdq_index_add_many counts its hashes' keys first and sizes the blocks once (a 32nd of
 * slack). Rows (hash, id) live in fixed chunks of 131,072 (no reallocation of the whole array as
 * it grows); the last row fills the hole a removal leaves. An open-addressing table maps ids to
 * rows.
 */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_AVX2_PATH 1
#endif

#include "pdq.h"

#define N_TABLES   16
#define N_KEYS     65536
#define CHUNK_BITS 17 /* 4 MB of hashes a chunk: big enough for 2 MB pages */
#define CHUNK_ROWS (1u << CHUNK_BITS)
#define INDEX_MAX  ((size_t)1 << 31)
#define NARROW_MAX ((size_t)1 << 24) /* rows below this fit the 3-byte row numbers */

/* Slack of a block: count >> shift, plus pad entries (non-empty buckets). */
#define SLACK_SHIFT_ONE  3 /* one add at a time: an eighth */
#define SLACK_SHIFT_BULK 5 /* add_many knows the counts: a 32nd */
#define SLACK_PAD        2
#define ARENA_PAD        16 /* entries past the last block: room for a full vector's read */

/* Where bucket k's block starts in its table's arenas and how many entries it holds: the two
 * fields a probe needs, 8 headers a cache line. */
struct head {
    uint32_t off, n;
};

/* One table: bucket k holds heads[k].n entries at arena positions [off, off + caps[k]). */
struct table {
    struct head *heads; /* N_KEYS, inside the index's shared header block */
    uint32_t *caps;     /* N_KEYS */
    uint16_t *others;   /* size entries: the partner slot of each entry's word */
    uint8_t *rows;      /* size entries of row_bytes: the row each entry points to */
    size_t used, size;  /* entries handed out to blocks (the rest is free tail), arena size */
};

struct vg_pdq_index {
    struct vg_pdq **hash_chunks;
    uint64_t **id_chunks;
    size_t n_chunks, chunk_cap;
    size_t n;
    /* id -> row + 1 (0: empty), open addressing with linear probing, load at most 3/4 */
    uint32_t *slot_row;
    size_t slots;
    int row_bytes;      /* 3 or 4 */
    struct head *heads; /* N_TABLES x N_KEYS, allocated with the first hash, as are caps */
    uint32_t *caps;
    struct table tables[N_TABLES];
};

/* ---- memory -------------------------------------------------------------------------------- */

/* Big blocks are whole 2 MB pages (the kernel aligns such mappings so they can be huge pages). */
static size_t huge_bytes(size_t bytes)
{
    const size_t page = (size_t)2 << 20;
    return bytes >= 2 * page ? (bytes + page - 1) & ~(page - 1) : bytes;
}

static void *huge_alloc(size_t bytes)
{
    return bytes ? vg__huge_alloc(huge_bytes(bytes)) : NULL;
}

static void huge_free(void *p, size_t bytes)
{
    vg__huge_free(p, huge_bytes(bytes));
}

/* ---- rows ---------------------------------------------------------------------------------- */

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

/* The row number at arena position i (little-endian, rb bytes). */
static inline uint32_t entry_row(const uint8_t *rows, size_t i, int rb)
{
    const uint8_t *p = rows + i * (size_t)rb;
    uint32_t r = p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
    return rb == 4 ? r | (uint32_t)p[3] << 24 : r;
}

static inline void set_entry_row(uint8_t *rows, size_t i, int rb, uint32_t r)
{
    uint8_t *p = rows + i * (size_t)rb;
    p[0] = (uint8_t)r, p[1] = (uint8_t)(r >> 8), p[2] = (uint8_t)(r >> 16);
    if (rb == 4)
        p[3] = (uint8_t)(r >> 24);
}

vg_status vg_pdq_index_new(vg_pdq_index **out)
{
    *out = vg_calloc(1, sizeof **out);
    if (!*out)
        return VG_ENOMEM;
    (*out)->row_bytes = 3;
    return VG_OK;
}

void vg_pdq_index_free(vg_pdq_index *ix)
{
    if (!ix)
        return;
    for (size_t c = 0; c < ix->n_chunks; c++) {
        huge_free(ix->hash_chunks[c], CHUNK_ROWS * sizeof(struct vg_pdq));
        vg_free(ix->id_chunks[c]);
    }
    vg_free(ix->hash_chunks);
    vg_free(ix->id_chunks);
    huge_free(ix->slot_row, ix->slots * sizeof *ix->slot_row);
    for (int t = 0; t < N_TABLES; t++) {
        struct table *tab = &ix->tables[t];
        huge_free(tab->others, tab->size * sizeof *tab->others);
        huge_free(tab->rows, tab->size * (size_t)ix->row_bytes);
    }
    huge_free(ix->heads, (size_t)N_TABLES * N_KEYS * sizeof *ix->heads);
    huge_free(ix->caps, (size_t)N_TABLES * N_KEYS * sizeof *ix->caps);
    vg_free(ix);
}

size_t vg_pdq_index_size(const vg_pdq_index *ix)
{
    return ix ? ix->n : 0;
}

/* The tables' headers, on the first add. */
static vg_status tables_init(vg_pdq_index *ix)
{
    if (ix->heads)
        return VG_OK;
    struct head *heads = huge_alloc((size_t)N_TABLES * N_KEYS * sizeof *heads);
    uint32_t *caps = huge_alloc((size_t)N_TABLES * N_KEYS * sizeof *caps);
    if (!heads || !caps) {
        huge_free(heads, (size_t)N_TABLES * N_KEYS * sizeof *heads);
        huge_free(caps, (size_t)N_TABLES * N_KEYS * sizeof *caps);
        return VG_ENOMEM;
    }
    ix->heads = heads, ix->caps = caps;
    for (int t = 0; t < N_TABLES; t++) {
        ix->tables[t].heads = heads + (size_t)t * N_KEYS;
        ix->tables[t].caps = caps + (size_t)t * N_KEYS;
    }
    return VG_OK;
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

/* Make the id map hold `want` ids at load at most 3/4. */
static vg_status reserve_slots(vg_pdq_index *ix, size_t want)
{
    size_t slots = ix->slots ? ix->slots : 1024;
    while (want * 4 > slots * 3)
        slots *= 2;
    if (slots == ix->slots)
        return VG_OK;
    uint32_t *s = huge_alloc(slots * sizeof *s);
    if (!s)
        return VG_ENOMEM;
    huge_free(ix->slot_row, ix->slots * sizeof *ix->slot_row);
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

static inline size_t block_cap(size_t need, unsigned shift)
{
    return need ? need + (need >> shift) + SLACK_PAD : 0;
}

/*
 * Copy table tab into fresh arenas, each bucket's block sized for its count plus extra[k]
 * (extra may be NULL) plus slack, in key order, with a free tail of an eighth. On failure the
 * table is unchanged.
 */
static vg_status table_rebuild(vg_pdq_index *ix, struct table *tab, const uint32_t *extra,
                               unsigned shift)
{
    int rb = ix->row_bytes;
    size_t total = 0;
    for (size_t k = 0; k < N_KEYS; k++)
        total += block_cap((size_t)tab->heads[k].n + (extra ? extra[k] : 0), shift);
    size_t size = total + total / 8 + 1024 + ARENA_PAD;
    if (size > UINT32_MAX)
        return VG_ELIMIT;
    uint16_t *others = huge_alloc(size * sizeof *others);
    uint8_t *rows = huge_alloc(size * (size_t)rb);
    if (!others || !rows) {
        huge_free(others, size * sizeof *others);
        huge_free(rows, size * (size_t)rb);
        return VG_ENOMEM;
    }
    size_t at = 0;
    for (size_t k = 0; k < N_KEYS; k++) {
        struct head *hd = &tab->heads[k];
        if (hd->n) {
            memcpy(others + at, tab->others + hd->off, hd->n * sizeof *others);
            memcpy(rows + at * (size_t)rb, tab->rows + hd->off * (size_t)rb, hd->n * (size_t)rb);
        }
        hd->off = (uint32_t)at;
        tab->caps[k] = (uint32_t)block_cap((size_t)hd->n + (extra ? extra[k] : 0), shift);
        at += tab->caps[k];
    }
    huge_free(tab->others, tab->size * sizeof *others);
    huge_free(tab->rows, tab->size * (size_t)rb);
    tab->others = others, tab->rows = rows;
    tab->used = at, tab->size = size;
    return VG_OK;
}

/* Room for one more entry in bucket k: grow its block at the end of the arena, move it to the
 * free tail, or rebuild the table when the tail is used up. */
static vg_status bucket_make_room(vg_pdq_index *ix, struct table *tab, unsigned k)
{
    struct head *hd = &tab->heads[k];
    uint32_t cap = tab->caps[k];
    if (hd->n < cap)
        return VG_OK;
    size_t new_cap = block_cap((size_t)cap + 1, SLACK_SHIFT_ONE);
    if (new_cap > UINT32_MAX)
        return VG_ELIMIT;
    int last = cap && hd->off + cap == tab->used;
    if (tab->used - (last ? cap : 0) + new_cap + ARENA_PAD > tab->size) {
        vg_status rc = table_rebuild(ix, tab, NULL, SLACK_SHIFT_ONE);
        if (rc || hd->n < tab->caps[k]) /* every non-empty block got room */
            return rc;
        last = 0, cap = 0; /* an empty bucket: its block is taken from the new tail */
    }
    if (last) {
        tab->used += new_cap - cap; /* the last block grows where it is */
    } else {
        int rb = ix->row_bytes;
        if (hd->n) {
            memcpy(tab->others + tab->used, tab->others + hd->off, hd->n * sizeof *tab->others);
            memcpy(tab->rows + tab->used * (size_t)rb, tab->rows + hd->off * (size_t)rb,
                   hd->n * (size_t)rb);
        }
        hd->off = (uint32_t)tab->used; /* the old block is dead until the next rebuild */
        tab->used += new_cap;
    }
    tab->caps[k] = (uint32_t)new_cap;
    return VG_OK;
}

static vg_status bucket_push(vg_pdq_index *ix, struct table *tab, unsigned k, uint32_t row,
                             uint16_t other)
{
    vg_status rc = bucket_make_room(ix, tab, k);
    if (rc)
        return rc;
    struct head *hd = &tab->heads[k];
    size_t at = (size_t)hd->off + hd->n++;
    tab->others[at] = other;
    set_entry_row(tab->rows, at, ix->row_bytes, row);
    return VG_OK;
}

/* Arena position of (row, other) in bucket k; the bucket must hold it. */
static size_t bucket_find(const vg_pdq_index *ix, const struct table *tab, unsigned k, uint32_t row,
                          uint16_t other)
{
    const struct head *hd = &tab->heads[k];
    size_t i = hd->off, end = i + hd->n;
    for (; i < end; i++)
        if (tab->others[i] == other && entry_row(tab->rows, i, ix->row_bytes) == row)
            return i;
    return end;
}

static void bucket_erase(vg_pdq_index *ix, struct table *tab, unsigned k, uint32_t row,
                         uint16_t other)
{
    struct head *hd = &tab->heads[k];
    size_t i = bucket_find(ix, tab, k, row, other), last = (size_t)hd->off + hd->n - 1;
    if (i > last)
        return;
    tab->others[i] = tab->others[last];
    set_entry_row(tab->rows, i, ix->row_bytes, entry_row(tab->rows, last, ix->row_bytes));
    hd->n--;
}

/* Enter row r (hash h) in every table. */
static vg_status tables_add(vg_pdq_index *ix, const struct vg_pdq *h, uint32_t r)
{
    for (int t = 0; t < N_TABLES; t++) {
        vg_status rc = bucket_push(ix, &ix->tables[t], slot_value(h, t), r,
                                   (uint16_t)slot_value(h, t ^ 1));
        if (rc) {
            while (t-- > 0)
                bucket_erase(ix, &ix->tables[t], slot_value(h, t), r,
                             (uint16_t)slot_value(h, t ^ 1));
            return rc;
        }
    }
    return VG_OK;
}

static void tables_remove(vg_pdq_index *ix, const struct vg_pdq *h, uint32_t r)
{
    for (int t = 0; t < N_TABLES; t++)
        bucket_erase(ix, &ix->tables[t], slot_value(h, t), r, (uint16_t)slot_value(h, t ^ 1));
}

/* Row numbers from 3 to 4 bytes, in every table, before the row 2^24 is added. All new arenas
 * are allocated before any is changed, so a failure leaves the index as it was. */
static vg_status widen_rows(vg_pdq_index *ix)
{
    uint8_t *wide[N_TABLES] = { 0 };
    if (ix->row_bytes == 4)
        return VG_OK;
    for (int t = 0; t < N_TABLES; t++)
        if (ix->tables[t].size && !(wide[t] = huge_alloc(ix->tables[t].size * 4))) {
            while (t-- > 0)
                huge_free(wide[t], ix->tables[t].size * 4);
            return VG_ENOMEM;
        }
    for (int t = 0; t < N_TABLES; t++) {
        struct table *tab = &ix->tables[t];
        for (size_t i = 0; i < tab->used; i++)
            set_entry_row(wide[t], i, 4, entry_row(tab->rows, i, 3));
        huge_free(tab->rows, tab->size * 3);
        tab->rows = wide[t];
    }
    ix->row_bytes = 4;
    return VG_OK;
}

vg_status vg__pdq_index_widen(vg_pdq_index *ix)
{
    return widen_rows(ix);
}

int vg__pdq_index_row_bytes(const vg_pdq_index *ix)
{
    return ix->row_bytes;
}

/* ---- add and remove ------------------------------------------------------------------------ */

/* Chunks for `want` rows. */
static vg_status reserve_rows(vg_pdq_index *ix, size_t want)
{
    while (want > ix->n_chunks * CHUNK_ROWS) {
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
        struct vg_pdq *h = huge_alloc(CHUNK_ROWS * sizeof *h);
        uint64_t *ids = vg_malloc(CHUNK_ROWS * sizeof *ids);
        if (!h || !ids) {
            huge_free(h, CHUNK_ROWS * sizeof *h);
            vg_free(ids);
            return VG_ENOMEM;
        }
        ix->hash_chunks[ix->n_chunks] = h;
        ix->id_chunks[ix->n_chunks++] = ids;
    }
    return VG_OK;
}

vg_status vg_pdq_index_add(vg_pdq_index *ix, const struct vg_pdq *h, uint64_t id)
{
    vg_status rc;
    if ((rc = tables_init(ix)))
        return rc;
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
    if (ix->n >= NARROW_MAX && (rc = widen_rows(ix)))
        return rc;
    if ((rc = reserve_slots(ix, ix->n + 1)) || (rc = reserve_rows(ix, ix->n + 1)))
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

/*
 * Room for n more hashes: rows, id map, and in each table a block per bucket big enough for its
 * present count plus the hashes about to land in it (counted here), so the adds that follow
 * never move a bucket. Changes no content; on failure the tables already resized stay so.
 */
static vg_status reserve_many(vg_pdq_index *ix, const struct vg_pdq *hashes, size_t n)
{
    vg_status rc;
    size_t want = ix->n + n < INDEX_MAX ? ix->n + n : INDEX_MAX;
    if ((rc = tables_init(ix)))
        return rc;
    if (want > NARROW_MAX && (rc = widen_rows(ix)))
        return rc;
    if ((rc = reserve_slots(ix, want)) || (rc = reserve_rows(ix, want)))
        return rc;
    uint32_t *extra = vg_malloc(N_KEYS * sizeof *extra);
    if (!extra)
        return VG_ENOMEM;
    for (int t = 0; t < N_TABLES && !rc; t++) {
        struct table *tab = &ix->tables[t];
        memset(extra, 0, N_KEYS * sizeof *extra);
        for (size_t i = 0; i < n; i++)
            extra[slot_value(&hashes[i], t)]++;
        size_t short_of = 0; /* buckets whose block is too small */
        for (size_t k = 0; k < N_KEYS; k++)
            short_of += (size_t)tab->heads[k].n + extra[k] > tab->caps[k];
        if (short_of)
            rc = table_rebuild(ix, tab, extra, SLACK_SHIFT_BULK);
    }
    vg_free(extra);
    return rc;
}

vg_status vg_pdq_index_add_many(vg_pdq_index *ix, const struct vg_pdq *hashes, const uint64_t *ids,
                                size_t n, size_t *n_added)
{
    vg_status rc = VG_OK;
    size_t i = 0;
    if (n && !(rc = reserve_many(ix, hashes, n)))
        for (; i < n; i++)
            if ((rc = vg_pdq_index_add(ix, &hashes[i], ids[i])))
                break;
    if (n_added)
        *n_added = i;
    return rc;
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
        for (int t = 0; t < N_TABLES; t++) {
            struct table *tab = &ix->tables[t];
            unsigned k = slot_value(lh, t);
            size_t at = bucket_find(ix, tab, k, last, (uint16_t)slot_value(lh, t ^ 1));
            set_entry_row(tab->rows, at, ix->row_bytes, r);
        }
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

/* Entries that passed the word filter (table, arena position), verified in batches so their
 * row numbers, then their hashes, can be fetched from memory in parallel. */
#define BATCH 256

struct probe {
    const vg_pdq_index *ix;
    const struct vg_pdq *q;
    int max_distance, P, H;
    vg_pdq_match_fn fn;
    void *ud;
    int (*distance)(const struct vg_pdq *a, const struct vg_pdq *b);
    uint32_t at[BATCH]; /* arena position, then row */
    uint8_t tables[BATCH];
    int n;
};

/* Measure the batch in full; report each match from its first table. -1 when fn stopped. */
static int flush(struct probe *p)
{
    const vg_pdq_index *ix = p->ix;
    int rb = ix->row_bytes;
    for (int i = 0; i < p->n; i++)
        __builtin_prefetch(ix->tables[p->tables[i]].rows + (size_t)p->at[i] * (size_t)rb);
    for (int i = 0; i < p->n; i++) {
        p->at[i] = entry_row(ix->tables[p->tables[i]].rows, p->at[i], rb);
        __builtin_prefetch(row_hash(ix, p->at[i]));
    }
    for (int i = 0; i < p->n; i++) {
        const struct vg_pdq *x = row_hash(ix, p->at[i]);
        int d = p->distance(p->q, x);
        if (d <= p->max_distance && first_table_is(p->q, x, p->tables[i], p->P, p->H) &&
            p->fn(*row_id(ix, p->at[i]), d, p->ud)) {
            p->n = 0;
            return -1;
        }
    }
    p->n = 0;
    return 0;
}

static inline int candidate(struct probe *p, size_t at, int t)
{
    p->at[p->n] = (uint32_t)at;
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

/* A bucket to scan: its header, the partner-slot bound, the table. */
struct scan_job {
    const struct head *hd;
    unsigned other;
    int k, t;
};

/* Scan one bucket for entries whose partner slot is within k bits of `other`. */
static int scan_bucket(struct probe *p, const struct scan_job *s)
{
    const uint16_t *o = p->ix->tables[s->t].others + s->hd->off;
    uint32_t n = s->hd->n, i = 0;
    unsigned other = s->other;
    int k = s->k;
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
            if (candidate(p, (size_t)s->hd->off + i + (uint32_t)lane, s->t))
                return -1;
        }
    }
#endif
    for (; i < n; i++)
        if (few_bits(o[i] ^ other, k) && candidate(p, (size_t)s->hd->off + i, s->t))
            return -1;
    return 0;
}

#ifdef HAVE_AVX2_PATH
/* vg_pdq_distance with the POPCNT instruction (every AVX2 CPU has it; the plain x86-64 build
 * calls libgcc's bit-twiddling popcount instead). */
__attribute__((target("popcnt"))) static int distance_popcnt(const struct vg_pdq *a,
                                                             const struct vg_pdq *b)
{
    return vg__pdq_distance_inline(a, b);
}

/* The same filter 16 entries at a time, for CPUs with AVX2 (chosen at run time: the build
 * targets plain x86-64), the bucket's last entries in a masked full vector: a scalar tail of up
 * to 15 entries a bucket, which this replaced, held the query to 0.76-0.84x of this at 10M. */
__attribute__((target("avx2"))) static int scan_bucket_avx2(struct probe *p,
                                                            const struct scan_job *s)
{
    const uint16_t *o = p->ix->tables[s->t].others + s->hd->off;
    uint32_t n = s->hd->n, i = 0;
    int k = s->k;
    const __m256i q = _mm256_set1_epi16((short)s->other), one = _mm256_set1_epi16(1),
                  zero = _mm256_setzero_si256();
    /* The last vector reads up to 15 entries past the bucket (the next block or the arena's
     * ARENA_PAD): their lanes are masked off. */
    for (; i < n; i += 16) {
        __m256i x = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(o + i)), q);
        for (int j = 0; j < k; j++)
            x = _mm256_and_si256(x, _mm256_sub_epi16(x, one));
        unsigned mask = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi16(x, zero));
        if (n - i < 16)
            mask &= (1u << (2 * (n - i))) - 1;
        while (mask) {
            int lane = __builtin_ctz(mask) / 2;
            mask &= ~(3u << (2 * lane));
            if (candidate(p, (size_t)s->hd->off + i + (uint32_t)lane, s->t))
                return -1;
        }
    }
    return 0;
}

/* The filter 32 entries at a time with AVX-512 BITALG's 16-bit popcount (one instruction where
 * AVX2 needs a subtract and an and per bit allowed), the last ones by a masked load that reads
 * nothing past the bucket; the compare's mask has a bit per entry. 1.3x to 1.6x the lookups/s
 * of the AVX2 filter at 10M (docs/pdq.md). */
__attribute__((target("avx512f,avx512bw,avx512bitalg"))) static int
scan_bucket_avx512(struct probe *p, const struct scan_job *s)
{
    const uint16_t *o = p->ix->tables[s->t].others + s->hd->off;
    uint32_t n = s->hd->n;
    const __m512i q = _mm512_set1_epi16((short)s->other), k = _mm512_set1_epi16((short)s->k);
    for (uint32_t i = 0; i < n; i += 32) {
        __mmask32 live = n - i >= 32 ? ~(__mmask32)0 : ((__mmask32)1 << (n - i)) - 1;
        __m512i x = _mm512_xor_si512(_mm512_maskz_loadu_epi16(live, o + i), q);
        uint32_t mask = (uint32_t)_mm512_mask_cmple_epu16_mask(live, _mm512_popcnt_epi16(x), k);
        while (mask) {
            uint32_t lane = (uint32_t)__builtin_ctz(mask);
            mask &= mask - 1;
            if (candidate(p, (size_t)s->hd->off + i + lane, s->t))
                return -1;
        }
    }
    return 0;
}

#endif /* HAVE_AVX2_PATH */

/* The bucket scan and distance this CPU runs best (flags libgcc set at start-up), unless a test
 * asked for a lower level. */
typedef int (*scan_fn)(struct probe *p, const struct scan_job *s);

static int filter_cap = VG__PDQ_FILTER_AVX512;

static int filter_level(void)
{
#ifdef HAVE_AVX2_PATH
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512bitalg"))
        return VG__PDQ_FILTER_AVX512;
    if (__builtin_cpu_supports("avx2"))
        return VG__PDQ_FILTER_AVX2;
#endif
    return VG__PDQ_FILTER_SSE2;
}

int vg__pdq_index_filter(int level)
{
    if (level < 0 || level > VG__PDQ_FILTER_AVX512 || (level && level > filter_level()))
        return -1;
    filter_cap = level ? level : VG__PDQ_FILTER_AVX512;
    return 0;
}

static scan_fn pick_scan(struct probe *p)
{
    int level = filter_level();
    if (level > filter_cap)
        level = filter_cap;
    p->distance = vg_pdq_distance;
#ifdef HAVE_AVX2_PATH
    if (level >= VG__PDQ_FILTER_AVX2)
        p->distance = distance_popcnt;
    if (level == VG__PDQ_FILTER_AVX512)
        return scan_bucket_avx512;
    if (level == VG__PDQ_FILTER_AVX2)
        return scan_bucket_avx2;
#endif
    return scan_bucket;
}

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
    scan_fn scan = pick_scan(&p);
    /*
     * Up to 16 x 17 buckets, all known up front. A query is otherwise a chain of cache misses
     * (header, then each line of the bucket, then each candidate's row); asking for them all
     * before using any lets the memory system fetch them in parallel.
     */
    struct scan_job jobs[N_TABLES * 17];
    int n_jobs = 0;
    for (int t = 0; t < N_TABLES; t++) {
        unsigned key = slot_value(h, t), other = slot_value(h, t ^ 1);
        const struct head *heads = ix->tables[t].heads;
        jobs[n_jobs++] = (struct scan_job){ &heads[key], other, p.P, t };
        if (p.H < 1 || p.P < 1)
            continue;
        for (int bit = 0; bit < 16; bit++)
            jobs[n_jobs++] = (struct scan_job){ &heads[key ^ (1u << bit)], other, p.P - 1, t };
    }
    for (int j = 0; j < n_jobs; j++)
        __builtin_prefetch(jobs[j].hd);

    /* The buckets' lines are asked for AHEAD jobs before their scan: enough to overlap the
     * misses, few enough not to flood the core's outstanding-miss slots (3, 12, 20 and 24 were
     * within the noise of 6 at 10M with the vector filters of today). */
    enum {
        AHEAD = 6
    };

    for (int j = 0; j < n_jobs + AHEAD; j++) {
        if (j < n_jobs) {
            const struct head *hd = jobs[j].hd;
            const uint16_t *base = ix->tables[jobs[j].t].others + hd->off;
            const char *o = (const char *)base, *end = (const char *)(base + hd->n);
            for (; o < end; o += 64)
                __builtin_prefetch(o);
        }
        const struct scan_job *s = j >= AHEAD ? &jobs[j - AHEAD] : NULL;
        if (s && s->hd->n && scan(&p, s))
            return VG_ECANCEL;
    }
    return flush(&p) ? VG_ECANCEL : VG_OK;
}
