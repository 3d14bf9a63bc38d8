/* SPDX-License-Identifier: Apache-2.0 */
/*
 * known_text.c: near-duplicate text. A text is reduced to its matching form (words only: no
 * URLs, mentions, emoji, punctuation or hashtag marks; case, accents and Arabic letter forms
 * unified), cut into shingles of VG_KNOWN_SHINGLE code points, and summarised by a
 * one-permutation MinHash signature (each shingle hash falls in one of VG_KNOWN_BINS bins, which
 * keeps its minimum; empty bins borrow from the next full one, "densification"). The index
 * files each known text under the hash of each band of VG_KNOWN_ROWS signature values (LSH):
 * texts that share a band are candidates, their similarity is estimated from the signatures and
 * then verified exactly as the Jaccard similarity of the two shingle sets.
 *
 * Why characters and not words: a one-letter edit changes one word shingle of three words in a
 * ten-word tweet (a third of its word trigrams) but only VG_KNOWN_SHINGLE character shingles of
 * a hundred. Why one permutation: it hashes each shingle once instead of once per bin, which
 * is what makes fingerprinting cheap enough for the match rate asked (docs/known.md).
 *
 * The index is updated in place: an add files the text's bands in a hash table of band keys to
 * posting lists, a remove unlinks them. Slots of removed texts are reused.
 *
 * A query is laid out for a million texts, where nearly every read is a cache miss: the 32 band
 * slots are asked of memory at once, a list of one text is read from its slot alone, and each
 * candidate costs one cache line (its shingle count and a sketch that bounds the similarity)
 * before its shingle set is read, which chance candidates never are (docs/known.md, Speed).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "known.h"
#include "text.h"

/* XXH3 compiled in here rather than called through vg_hash64: the same function (the same
 * values), but a fingerprint hashes a hundred 4-character shingles and the two calls around
 * each cost more than the hashing. */
#define XXH_INLINE_ALL
#include <xxhash.h>

/* ---- matching form ------------------------------------------------------------------------- */

struct span_blank {
    char *copy;
    const char *orig;
};

/* Blank URLs and mentions (with their '@') in the copy; hashtags stay, their '#' goes later
 * with the other non-word characters. */
static vg_status blank_entity(enum vg_entity_kind kind, const char *s, size_t len, void *ud)
{
    struct span_blank *b = ud;
    if (kind == VG_ENTITY_HASHTAG)
        return VG_OK;
    size_t at = (size_t)(s - b->orig);
    if (kind == VG_ENTITY_MENTION) {
        at--;
        len++;
    }
    memset(b->copy + at, ' ', len);
    return VG_OK;
}

/* Append the words of normalised text n to out, one space between them. The room is reserved
 * once (the words are never longer than n) and written directly: an append call per character
 * was a tenth of a fingerprint. */
static vg_status append_words(const char *n, size_t len, struct vg_buf *out)
{
    vg_status rc = vg_buf_reserve(out, len);
    if (rc)
        return rc;
    size_t start = out->len, at = out->len;
    char *d = out->data;
    size_t i = 0;
    int in_word = 0;
    while (i < len) {
        int32_t cp;
        int k;
        if ((unsigned char)n[i] < 0x80) {
            cp = (unsigned char)n[i];
            k = 1;
        } else if ((k = vg_utf8_decode((const unsigned char *)n + i, len - i, &cp)) < 0) {
            k = 1;
            cp = ' ';
        }
        int w = cp < 0x80 ? ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') ||
                             (cp >= 'A' && cp <= 'Z'))
                          : vg_text_cp_is_word(cp);
        if (w) {
            /* A space and the character take no more room than the non-word character before
             * it and the character: at stays within start + len. */
            if (!in_word && at > start)
                d[at++] = ' ';
            memcpy(d + at, n + i, (size_t)k);
            at += (size_t)k;
            in_word = 1;
        } else {
            in_word = 0;
        }
        i += (size_t)k;
    }
    d[at] = '\0';
    out->len = at;
    /* A retweet's "RT @user:" leaves "rt" in front: not part of the text. */
    if (out->len - start >= 2 && !memcmp(out->data + start, "rt", 2) &&
        (out->len - start == 2 || out->data[start + 2] == ' ')) {
        size_t cut = out->len - start == 2 ? 2 : 3;
        memmove(out->data + start, out->data + start + cut, out->len - start - cut);
        out->len -= cut;
        out->data[out->len] = '\0';
    }
    return VG_OK;
}

/* Bytes of a text whose working copies live on the stack: a post is nearly always shorter, and
 * the allocations were a tenth of a fingerprint. */
#define LOCAL_TEXT 1024

vg_status vg__known_text_words(const char *s, size_t len, struct vg_buf *out)
{
    if (len > VG_TEXT_MAX)
        return VG_ELIMIT;
    char local[LOCAL_TEXT];
    char *copy = len < sizeof(local) ? local : vg_malloc(len + 1);
    struct vg_buf norm;
    vg_buf_init(&norm, 4 * (size_t)VG_TEXT_MAX);
    if (!copy)
        return VG_ENOMEM;
    memcpy(copy, s, len);
    copy[len] = '\0';
    struct span_blank b = { copy, s };
    /* Room for the normal form at once (it is rarely longer than the text), not by doublings. */
    vg_status rc = vg_buf_reserve(&norm, len + len / 4 + 16);
    long found = rc ? 0 : vg_text_extract(s, len, blank_entity, &b);
    if (found < 0)
        rc = (vg_status)found;
    if (!rc)
        rc = vg_text_normalize_buf(copy, len, &norm);
    if (!rc)
        rc = append_words(norm.data ? norm.data : "", norm.len, out);
    vg_buf_release(&norm);
    if (copy != local)
        vg_free(copy);
    return rc;
}

/* ---- fingerprints -------------------------------------------------------------------------- */

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Byte offsets of the code points of w (and len at the end), into local (n_local entries) when
 * they fit, else a vg_malloc'd array: shingles are code-point windows, so an Arabic letter
 * counts as one character like a Latin one. */
static vg_status cp_offsets(const char *w, size_t len, size_t *local, size_t n_local, size_t **out,
                            size_t *n_out)
{
    size_t *off = len + 1 <= n_local ? local : vg_malloc((len + 1) * sizeof(*off));
    if (!off)
        return VG_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)w[i] & 0xc0) != 0x80)
            off[n++] = i;
    off[n] = len;
    *out = off;
    *n_out = n;
    return VG_OK;
}

/* splitmix64's finaliser, to 32 bits: a well-spread hash of a small number. */
static uint32_t mix32(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return (uint32_t)(x >> 32);
}

/* The bin an empty bin i borrows from at a given attempt (1, 2, ...): the same sequence for every
 * text. */
static unsigned densify_bin(unsigned i, uint64_t attempt)
{
    return (unsigned)((mix32(((uint64_t)i << 32) | attempt) * (uint64_t)VG_KNOWN_BINS) >> 32);
}

/* The first DENSIFY_STEPS bins of each bin's sequence, computed once: a short text leaves about
 * half the bins empty and each tries a few bins, which was most of the signature's cost. */
#define DENSIFY_STEPS 32 /* bits of the mask in make_signature; a multiple of 8 */
static uint8_t densify_seq[VG_KNOWN_BINS][DENSIFY_STEPS];
static pthread_once_t densify_once = PTHREAD_ONCE_INIT;

static void densify_init(void)
{
    for (unsigned i = 0; i < VG_KNOWN_BINS; i++)
        for (unsigned k = 0; k < DENSIFY_STEPS; k++)
            densify_seq[i][k] = (uint8_t)densify_bin(i, k + 1);
}

static void make_signature(const uint64_t *h, size_t n, uint32_t sig[VG_KNOWN_BINS])
{
    _Static_assert(VG_KNOWN_BINS <= 256, "densify_seq holds bins in bytes");
    uint8_t filled[VG_KNOWN_BINS] = { 0 };
    for (int i = 0; i < VG_KNOWN_BINS; i++)
        sig[i] = UINT32_MAX;
    for (size_t i = 0; i < n; i++) {
        unsigned bin = (unsigned)(((h[i] >> 32) * VG_KNOWN_BINS) >> 32);
        uint32_t v = (uint32_t)h[i];
        sig[bin] = v < sig[bin] ? v : sig[bin];
        filled[bin] = 1;
    }
    /* Optimal densification (Shrivastava 2017): an empty bin takes the value of a full bin
     * chosen by a hash of (bin, attempt), the same sequence for every text, so two texts agree
     * on it as often as they agree on a random full bin. Borrowing from the next full bin
     * instead ("rotation") makes short texts' bins move together and LSH miss close pairs. */
    pthread_once(&densify_once, densify_init);
    for (unsigned i = 0; i < VG_KNOWN_BINS; i++) {
        if (filled[i])
            continue;
        /* The first full bin of the sequence, found without a branch per step (they were
         * unpredictable, a fifth of a fingerprint): one bit per step, then the lowest set one. */
        const uint8_t *seq = densify_seq[i];
        uint32_t hit = 0;
        unsigned k = 0;
        for (; k < DENSIFY_STEPS && !hit; k += 8) /* eight at a time: usually enough */
            for (unsigned m = k; m < k + 8; m++)
                hit |= (uint32_t)filled[seq[m]] << m;
        unsigned j;
        if (hit) {
            j = seq[__builtin_ctz(hit)];
        } else { /* rare: few full bins */
            uint64_t attempt = DENSIFY_STEPS + 1;
            while (!filled[j = densify_bin(i, attempt)])
                attempt++;
        }
        sig[i] = sig[j];
    }
}

/* Sort v[0..n) ascending: LSD radix sort on bytes through tmp (n values), the four histograms
 * counted in one pass: linear, no comparator calls, no bad case on repeated values. */
static void radix_sort_u32(uint32_t *v, uint32_t *tmp, size_t n)
{
    uint32_t count[4][256];
    memset(count, 0, sizeof(count));
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 4; k++)
            count[k][(v[i] >> (8 * k)) & 0xff]++;
    uint32_t *src = v, *dst = tmp;
    for (int k = 0; k < 4; k++) {
        uint32_t at = 0;
        for (int b = 0; b < 256; b++) {
            uint32_t c = count[k][b];
            count[k][b] = at;
            at += c;
        }
        for (size_t i = 0; i < n; i++)
            dst[count[k][(src[i] >> (8 * k)) & 0xff]++] = src[i];
        uint32_t *t = src;
        src = dst;
        dst = t;
    }
    /* An even number of passes: the result is back in v. */
}

#define BUCKET_SORT_MAX 1024 /* values; above, the radix sort */

/* Sort v[0..n) ascending through tmp (n values). The values are hashes, spread evenly: for a
 * tweet's hundred or so, one counting pass into about n buckets by their top bits leaves them
 * nearly sorted, and an insertion sort finishes in about n steps. The radix sort's four passes
 * over 256 counters each cost more than that at this size (it was a quarter of a fingerprint).
 * Values that crowd one bucket (crafted text) cost at most BUCKET_SORT_MAX^2 / 2 steps. */
static void sort_u32(uint32_t *v, uint32_t *tmp, size_t n)
{
    if (n > BUCKET_SORT_MAX) {
        radix_sort_u32(v, tmp, n);
        return;
    }
    if (n < 2)
        return;
    unsigned bits = 1;
    while (((size_t)1 << bits) < n)
        bits++;
    uint16_t start[BUCKET_SORT_MAX + 1];
    size_t nb = (size_t)1 << bits;
    memset(start, 0, (nb + 1) * sizeof(start[0]));
    for (size_t i = 0; i < n; i++)
        start[(v[i] >> (32 - bits)) + 1]++;
    for (size_t b = 1; b <= nb; b++)
        start[b] = (uint16_t)(start[b] + start[b - 1]);
    for (size_t i = 0; i < n; i++)
        tmp[start[v[i] >> (32 - bits)]++] = v[i];
    for (size_t i = 0; i < n; i++) {
        uint32_t x = tmp[i];
        size_t j = i;
        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

/*
 * A fingerprint is made in two halves so that a query can ask memory for its band slots between
 * them: fp_sign gives the signature (what the band keys need) and the shingle hashes unsorted;
 * fp_settle sorts them and makes them distinct while the band slots are on their way.
 */

/* The signature of s and its shingle hashes, unsorted (fp->n_shingles of them); *scratch (the
 * 64-bit hashes, for fp_settle) is the caller's. On failure fp is released, *scratch NULL. */
static vg_status fp_sign(const char *s, size_t len, struct vg_known_fp *fp, uint64_t **scratch)
{
    memset(fp, 0, sizeof(*fp));
    *scratch = NULL;
    struct vg_buf w;
    vg_buf_init(&w, 4 * (size_t)VG_TEXT_MAX);
    size_t off_local[LOCAL_TEXT];
    size_t *off = NULL, n_cp = 0;
    uint64_t *h = NULL;
    vg_status rc = vg__known_text_words(s, len, &w);
    if (rc)
        goto fail;
    if (w.len == 0) {
        rc = VG_EPARSE;
        goto fail;
    }
    if ((rc = cp_offsets(w.data, w.len, off_local, LOCAL_TEXT, &off, &n_cp)))
        goto fail;
    /* A text shorter than a shingle is one shingle. */
    size_t n_sh = n_cp >= VG_KNOWN_SHINGLE ? n_cp - VG_KNOWN_SHINGLE + 1 : 1;
    h = vg_malloc(n_sh * sizeof(*h));
    fp->shingles = vg_malloc(n_sh * sizeof(*fp->shingles));
    if (!h || !fp->shingles) {
        rc = VG_ENOMEM;
        goto fail;
    }
    for (size_t i = 0; i < n_sh; i++) {
        size_t end = i + VG_KNOWN_SHINGLE < n_cp ? off[i + VG_KNOWN_SHINGLE] : w.len;
        h[i] = XXH3_64bits_withSeed(w.data + off[i], end - off[i], 0x6b6e6f776eull);
        fp->shingles[i] = (uint32_t)(h[i] >> 16);
    }
    make_signature(h, n_sh, fp->sig);
    fp->n_shingles = n_sh;
    if (off != off_local)
        vg_free(off);
    vg_buf_release(&w);
    *scratch = h;
    return VG_OK;
fail:
    vg_free(h);
    if (off != off_local)
        vg_free(off);
    vg_buf_release(&w);
    vg__known_fp_release(fp);
    return rc;
}

/* Sort fp's shingle hashes and make them distinct; frees scratch. On failure (VG_EPARSE: fewer
 * than VG_KNOWN_MIN_SHINGLES) fp is released. */
static vg_status fp_settle(struct vg_known_fp *fp, uint64_t *scratch)
{
    size_t n_sh = fp->n_shingles;
    sort_u32(fp->shingles, (uint32_t *)(void *)scratch, n_sh);
    vg_free(scratch);
    size_t k = 0;
    for (size_t i = 0; i < n_sh; i++)
        if (k == 0 || fp->shingles[i] != fp->shingles[k - 1])
            fp->shingles[k++] = fp->shingles[i];
    fp->n_shingles = k;
    if (k < VG_KNOWN_MIN_SHINGLES) {
        vg__known_fp_release(fp);
        return VG_EPARSE;
    }
    return VG_OK;
}

vg_status vg__known_fp_make(const char *s, size_t len, struct vg_known_fp *fp)
{
    uint64_t *scratch;
    vg_status rc = fp_sign(s, len, fp, &scratch);
    return rc ? rc : fp_settle(fp, scratch);
}

void vg__known_fp_release(struct vg_known_fp *fp)
{
    vg_free(fp->shingles);
    fp->shingles = NULL;
    fp->n_shingles = 0;
}

double vg__known_fp_estimate(const struct vg_known_fp *a, const struct vg_known_fp *b)
{
    int same = 0;
    for (int i = 0; i < VG_KNOWN_BINS; i++)
        same += a->sig[i] == b->sig[i];
    return (double)same / VG_KNOWN_BINS;
}

static double jaccard_sorted(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    if (!na && !nb)
        return 1;
    size_t i = 0, j = 0, common = 0;
    /* Branch-free merge: the comparisons are random, a branch on them mispredicts half the
     * time. */
    while (i < na && j < nb) {
        uint32_t x = a[i], y = b[j];
        common += x == y;
        i += x <= y;
        j += y <= x;
    }
    return (double)common / (double)(na + nb - common);
}

double vg__known_fp_jaccard(const struct vg_known_fp *a, const struct vg_known_fp *b)
{
    return jaccard_sorted(a->shingles, a->n_shingles, b->shingles, b->n_shingles);
}

vg_status vg_text_similarity(const char *a, size_t a_len, const char *b, size_t b_len, double *out)
{
    *out = 0;
    struct vg_known_fp fa, fb;
    vg_status rc = vg__known_fp_make(a, a_len, &fa);
    if (rc)
        return rc;
    rc = vg__known_fp_make(b, b_len, &fb);
    if (rc) {
        vg__known_fp_release(&fa);
        return rc;
    }
    *out = vg__known_fp_jaccard(&fa, &fb);
    vg__known_fp_release(&fa);
    vg__known_fp_release(&fb);
    return VG_OK;
}

/* ---- sketches ------------------------------------------------------------------------------ */

void vg__known_sketch_make(const uint32_t *s, size_t n, struct vg_known_sketch *out)
{
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < n; i++) {
        unsigned lane = (unsigned)(((uint64_t)s[i] * VG_KNOWN_SKETCH_LANES) >> 32);
        unsigned w = lane / 64;
        uint64_t bit = (uint64_t)1 << (lane % 64);
        if (out->hi[w] & out->lo[w] & bit) /* 3: stays */
            continue;
        if (out->lo[w] & bit) { /* 1 -> 2 */
            out->lo[w] &= ~bit;
            out->hi[w] |= bit;
        } else { /* 0 -> 1, 2 -> 3 */
            out->lo[w] |= bit;
        }
    }
}

int vg__known_sketch_may_reach(const struct vg_known_sketch *a, uint32_t na,
                               const struct vg_known_sketch *b, uint32_t nb, double min_similarity)
{
    /* min(x, y) = [x >= 1][y >= 1] + [x >= 2][y >= 2] + [x >= 3][y >= 3] + ...; exact in a lane
     * where at most one count stopped at 3. Lanes where both stopped ("full") share at most
     * min(what a has there, what b has there), and what a has there is at most na minus its
     * (exact or lower-bound) counts elsewhere. */
    int shared = 0, full = 0, tot_a = 0, tot_b = 0;
    for (int w = 0; w < VG_KNOWN_SKETCH_WORDS; w++) {
        uint64_t ge1a = a->lo[w] | a->hi[w], ge1b = b->lo[w] | b->hi[w];
        uint64_t both_full = a->lo[w] & a->hi[w] & b->lo[w] & b->hi[w];
        shared += __builtin_popcountll(ge1a & ge1b & ~both_full) +
                  __builtin_popcountll(a->hi[w] & b->hi[w] & ~both_full);
        full += __builtin_popcountll(both_full);
        tot_a += __builtin_popcountll(a->lo[w]) + 2 * __builtin_popcountll(a->hi[w]);
        tot_b += __builtin_popcountll(b->lo[w]) + 2 * __builtin_popcountll(b->hi[w]);
    }
    double inter = shared;
    if (full) {
        double rest_a = (double)na - (tot_a - 3 * full), rest_b = (double)nb - (tot_b - 3 * full);
        inter += rest_a < rest_b ? rest_a : rest_b;
    }
    double lo = na < nb ? na : nb;
    if (inter > lo)
        inter = lo;
    /* The same expression as the exact similarity: monotone in the intersection, so a pair
     * whose exact value reaches min_similarity is never ruled out by rounding. */
    return inter / ((double)na + (double)nb - inter) >= min_similarity;
}

/* ---- the index ----------------------------------------------------------------------------- */

#define NIL UINT32_MAX

/* One known text, the part a query reads only for a reported match (and add/remove read): its
 * id and 512-byte signature. What every candidate needs is in struct item_hot. */
struct item {
    uint64_t id;
    uint32_t next_free;
    uint32_t sig[VG_KNOWN_BINS];
};

/* One known text, the part a query reads for every candidate: 64 bytes, one cache line, in an
 * array of its own (2 MB pages). Its sketch rules most chance candidates out; only the others
 * cost a second miss, on their shingle set. */
struct item_hot {
    uint32_t *shingles; /* NULL: a free slot */
    uint32_t n_shingles;
    uint32_t unused;
    struct vg_known_sketch sketch; /* of the shingle set */
};

_Static_assert(sizeof(struct item_hot) == 64, "one cache line per candidate");

/*
 * Open-addressing table of band keys to the head of their posting list. Keys are never removed
 * (an emptied list keeps its key with head NIL); growth rebuilds without them. A key is 32 bits
 * of the band's hash, kept with its head in one 8-byte slot (one cache line per probe): two bands
 * whose keys collide share a list, which only adds a candidate that verification rejects.
 */
struct band_slot {
    uint32_t key;  /* 0: empty slot (a key of 0 is stored as 1) */
    uint32_t head; /* NIL: empty list; else the first posting, with HEAD_MORE when others follow */
};

/* A list of one posting (the usual case: most bands of a text are its own) is read from its slot
 * alone; only a head with this bit sends the query on to next[], another cache miss. */
#define HEAD_MORE    0x80000000u
#define POSTING_MASK 0x7fffffffu

struct band_table {
    struct band_slot *slots;
    size_t cap, used;
};

/* Open-addressing table of caller ids to slots, with tombstones for removals. */
struct id_table {
    uint64_t *ids;
    uint32_t *slot; /* NIL: empty, NIL - 1: removed */
    size_t cap, used;
};

struct vg_text_index {
    struct item *items;   /* cap_items of them, vg__huge_alloc'd */
    struct item_hot *hot; /* cap_items of them, vg__huge_alloc'd */
    uint32_t n_items, cap_items, free_head;
    size_t size;
    uint32_t *next; /* vg__huge_alloc'd; posting (slot * BANDS + band) -> next posting, NIL at the
                       end */
    struct band_table bands;
    struct id_table ids;
};

#define ID_EMPTY   NIL
#define ID_REMOVED (NIL - 1)

/* The 32-bit key of a band: its VG_KNOWN_ROWS values and its number mixed by multiplications,
 * inline (a query computes 32 of them; a library hash call each was a tenth of the index's
 * share of a query). */
static uint32_t band_key(const uint32_t *sig, int band)
{
    uint64_t h = ((uint64_t)band + 1) * 0xd6e8feb86659fd93ull;
    for (int r = 0; r < VG_KNOWN_ROWS; r++) {
        h = (h ^ sig[band * VG_KNOWN_ROWS + r]) * 0x9e3779b97f4a7c15ull;
        h ^= h >> 29;
    }
    uint32_t k = mix32(h);
    return k ? k : 1;
}

static size_t band_home(const struct band_table *t, uint32_t key)
{
    return (size_t)(key * 0x9e3779b97f4a7c15ull >> 20) & (t->cap - 1);
}

static size_t band_find(const struct band_table *t, uint32_t key)
{
    size_t m = t->cap - 1, i = band_home(t, key);
    while (t->slots[i].key && t->slots[i].key != key)
        i = (i + 1) & m;
    return i;
}

static void band_release(struct band_table *t)
{
    vg__huge_free(t->slots, t->cap * sizeof(*t->slots));
    t->slots = NULL;
}

static vg_status band_grow(struct band_table *t)
{
    size_t cap = t->cap ? t->cap * 2 : 1024;
    /* 2 MB pages: at a million texts the table is most of a gigabyte, probed at random. */
    struct band_table n = { vg__huge_alloc(cap * sizeof(struct band_slot)), cap, 0 };
    if (!n.slots) {
        band_release(&n);
        return VG_ENOMEM;
    }
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->slots[i].key || t->slots[i].head == NIL)
            continue;
        n.slots[band_find(&n, t->slots[i].key)] = t->slots[i];
        n.used++;
    }
    band_release(t);
    *t = n;
    return VG_OK;
}

static size_t id_find(const struct id_table *t, uint64_t id, int for_insert)
{
    size_t m = t->cap - 1, i = (size_t)((id + 1) * 0x9e3779b97f4a7c15ull >> 17) & m;
    size_t first_removed = SIZE_MAX;
    while (t->slot[i] != ID_EMPTY) {
        if (t->slot[i] == ID_REMOVED) {
            if (first_removed == SIZE_MAX)
                first_removed = i;
        } else if (t->ids[i] == id) {
            return i;
        }
        i = (i + 1) & m;
    }
    return for_insert && first_removed != SIZE_MAX ? first_removed : i;
}

static vg_status id_grow(struct id_table *t)
{
    size_t cap = t->cap ? t->cap * 2 : 1024;
    struct id_table n = { vg_malloc(cap * sizeof(uint64_t)), vg_malloc(cap * sizeof(uint32_t)), cap,
                          0 };
    if (!n.ids || !n.slot) {
        vg_free(n.ids);
        vg_free(n.slot);
        return VG_ENOMEM;
    }
    memset(n.slot, 0xff, cap * sizeof(uint32_t));
    for (size_t i = 0; i < t->cap; i++) {
        if (t->slot[i] >= ID_REMOVED)
            continue;
        size_t j = id_find(&n, t->ids[i], 1);
        n.ids[j] = t->ids[i];
        n.slot[j] = t->slot[i];
        n.used++;
    }
    vg_free(t->ids);
    vg_free(t->slot);
    *t = n;
    return VG_OK;
}

vg_status vg_text_index_new(vg_text_index **out)
{
    *out = NULL;
    vg_text_index *ix = vg_calloc(1, sizeof(*ix));
    if (!ix)
        return VG_ENOMEM;
    ix->free_head = NIL;
    if (band_grow(&ix->bands) || id_grow(&ix->ids)) {
        vg_text_index_free(ix);
        return VG_ENOMEM;
    }
    *out = ix;
    return VG_OK;
}

void vg_text_index_free(vg_text_index *ix)
{
    if (!ix)
        return;
    for (uint32_t i = 0; i < ix->n_items; i++)
        vg_free(ix->hot[i].shingles);
    vg__huge_free(ix->hot, (size_t)ix->cap_items * sizeof(*ix->hot));
    vg__huge_free(ix->items, (size_t)ix->cap_items * sizeof(*ix->items));
    vg__huge_free(ix->next, (size_t)ix->cap_items * VG_KNOWN_BANDS * sizeof(*ix->next));
    band_release(&ix->bands);
    vg_free(ix->ids.ids);
    vg_free(ix->ids.slot);
    vg_free(ix);
}

size_t vg_text_index_size(const vg_text_index *ix)
{
    return ix->size;
}

/* Move the first used elements of size bytes from *old (old_cap of them) into fresh (cap of
 * them), both from vg__huge_alloc, and free *old. */
static void huge_move(void **old, size_t old_cap, void *fresh, size_t used, size_t size)
{
    if (used)
        memcpy(fresh, *old, used * size);
    vg__huge_free(*old, old_cap * size);
    *old = fresh;
}

/* Grow the three per-slot arrays to cap slots; all or none (the new blocks are all had before
 * anything moves). They are read at random by queries: in 2 MB pages, a miss on them is not also
 * a TLB miss. vg__huge_alloc has no realloc: a copy. */
static vg_status grow_slots(vg_text_index *ix, uint32_t cap)
{
    size_t old = ix->cap_items, used = ix->n_items, bands = VG_KNOWN_BANDS;
    void *items = vg__huge_alloc(cap * sizeof(*ix->items));
    void *next = vg__huge_alloc(cap * bands * sizeof(*ix->next));
    void *hot = vg__huge_alloc(cap * sizeof(*ix->hot));
    if (!items || !next || !hot) {
        vg__huge_free(items, cap * sizeof(*ix->items));
        vg__huge_free(next, cap * bands * sizeof(*ix->next));
        vg__huge_free(hot, cap * sizeof(*ix->hot));
        return VG_ENOMEM;
    }
    huge_move((void **)&ix->items, old, items, used, sizeof(*ix->items));
    huge_move((void **)&ix->next, old * bands, next, used * bands, sizeof(*ix->next));
    huge_move((void **)&ix->hot, old, hot, used, sizeof(*ix->hot));
    ix->cap_items = cap;
    return VG_OK;
}

/* A slot for a new item: a freed one, or a new one at the end. */
static vg_status take_slot(vg_text_index *ix, uint32_t *out)
{
    if (ix->free_head != NIL) {
        *out = ix->free_head;
        ix->free_head = ix->items[*out].next_free;
        return VG_OK;
    }
    if (ix->n_items == ix->cap_items) {
        /* Postings (slot * BANDS + band) must stay below POSTING_MASK: HEAD_MORE is their top
         * bit. */
        if (ix->cap_items >= POSTING_MASK / 2 / VG_KNOWN_BANDS)
            return VG_ELIMIT;
        vg_status rc = grow_slots(ix, ix->cap_items ? ix->cap_items * 2 : 256);
        if (rc)
            return rc;
    }
    *out = ix->n_items++;
    ix->hot[*out].shingles = NULL;
    return VG_OK;
}

static void release_slot(vg_text_index *ix, uint32_t slot)
{
    vg_free(ix->hot[slot].shingles);
    ix->hot[slot].shingles = NULL;
    ix->hot[slot].n_shingles = 0;
    ix->items[slot].next_free = ix->free_head;
    ix->free_head = slot;
}

/* The head word of a list that starts at posting first (NIL: empty). */
static uint32_t head_of(const vg_text_index *ix, uint32_t first)
{
    if (first == NIL)
        return NIL;
    return first | (ix->next[first] != NIL ? HEAD_MORE : 0);
}

static void unlink_postings(vg_text_index *ix, uint32_t slot)
{
    for (int b = 0; b < VG_KNOWN_BANDS; b++) {
        uint32_t p = slot * VG_KNOWN_BANDS + (uint32_t)b;
        /* The key is recomputed from the stored signature rather than kept per posting. */
        struct band_slot *sl =
                &ix->bands.slots[band_find(&ix->bands, band_key(ix->items[slot].sig, b))];
        if (sl->head == NIL)
            continue;
        uint32_t first = sl->head & POSTING_MASK;
        if (first == p) {
            first = ix->next[p];
        } else {
            uint32_t q = first;
            while (ix->next[q] != NIL && ix->next[q] != p)
                q = ix->next[q];
            if (ix->next[q] == p)
                ix->next[q] = ix->next[p];
        }
        sl->head = head_of(ix, first);
    }
}

vg_status vg_text_index_add(vg_text_index *ix, const char *text, size_t len, uint64_t id)
{
    struct vg_known_fp fp;
    vg_status rc = vg__known_fp_make(text, len, &fp);
    if (rc)
        return rc;
    if ((ix->bands.used + VG_KNOWN_BANDS) * 2 >= ix->bands.cap && (rc = band_grow(&ix->bands)))
        goto fail;
    if ((ix->ids.used + 1) * 2 >= ix->ids.cap && (rc = id_grow(&ix->ids)))
        goto fail;
    /* The new slot first: if it cannot be had, the id keeps its old text. */
    uint32_t slot;
    if ((rc = take_slot(ix, &slot)))
        goto fail;
    vg_text_index_remove(ix, id);
    struct item *it = &ix->items[slot];
    it->id = id;
    ix->hot[slot].shingles = fp.shingles;
    ix->hot[slot].n_shingles = (uint32_t)fp.n_shingles;
    vg__known_sketch_make(fp.shingles, fp.n_shingles, &ix->hot[slot].sketch);
    memcpy(it->sig, fp.sig, sizeof(it->sig));
    for (int b = 0; b < VG_KNOWN_BANDS; b++) {
        uint32_t p = slot * VG_KNOWN_BANDS + (uint32_t)b;
        uint32_t key = band_key(fp.sig, b);
        struct band_slot *sl = &ix->bands.slots[band_find(&ix->bands, key)];
        if (!sl->key) {
            sl->key = key;
            sl->head = NIL;
            ix->bands.used++;
        }
        ix->next[p] = sl->head == NIL ? NIL : sl->head & POSTING_MASK;
        sl->head = head_of(ix, p);
    }
    size_t j = id_find(&ix->ids, id, 1);
    if (ix->ids.slot[j] == ID_EMPTY)
        ix->ids.used++;
    ix->ids.ids[j] = id;
    ix->ids.slot[j] = slot;
    ix->size++;
    return VG_OK;
fail:
    vg__known_fp_release(&fp);
    return rc;
}

void vg_text_index_remove(vg_text_index *ix, uint64_t id)
{
    size_t j = id_find(&ix->ids, id, 0);
    uint32_t slot = ix->ids.slot[j];
    if (slot >= ID_REMOVED)
        return;
    unlink_postings(ix, slot);
    release_slot(ix, slot);
    ix->ids.slot[j] = ID_REMOVED;
    ix->size--;
}

static int cmp_slot(const void *a, const void *b)
{
    return cmp_u32(a, b);
}

/* Sort and make distinct the n candidate slots; returns how many are left. Usually a handful
 * (one text found in many bands, pushed once per run of bands): insertion sort then. */
static size_t distinct_slots(uint32_t *c, size_t n)
{
    if (n < 2)
        return n;
    if (n <= 32) {
        for (size_t i = 1; i < n; i++) {
            uint32_t v = c[i];
            size_t j = i;
            for (; j > 0 && c[j - 1] > v; j--)
                c[j] = c[j - 1];
            c[j] = v;
        }
    } else {
        qsort(c, n, sizeof(*c), cmp_slot);
    }
    size_t k = 1;
    for (size_t i = 1; i < n; i++)
        if (c[i] != c[k - 1])
            c[k++] = c[i];
    return k;
}

/* The candidate slots of one query: on the stack while they fit (nearly always), else on the
 * heap. */
struct cands {
    uint32_t *v;
    size_t n, cap;
    uint32_t local[64];
};

/* Append slot to c, unless it is the last one there: a copy's source comes band after band. */
static vg_status push_candidate(struct cands *c, uint32_t slot)
{
    if (c->n && c->v[c->n - 1] == slot)
        return VG_OK;
    if (c->n == c->cap) {
        size_t nc = c->cap * 2;
        uint32_t *g = vg_malloc(nc * sizeof(*g));
        if (!g)
            return VG_ENOMEM;
        memcpy(g, c->v, c->n * sizeof(*g));
        if (c->v != c->local)
            vg_free(c->v);
        c->v = g;
        c->cap = nc;
    }
    c->v[c->n++] = slot;
    return VG_OK;
}

/* The band keys of a signature, and their slots asked of memory at once: at a million texts
 * each probe misses the cache, and 32 misses in parallel cost little more than one. */
static void prefetch_bands(const vg_text_index *ix, const uint32_t *sig,
                           uint32_t keys[VG_KNOWN_BANDS])
{
    for (int b = 0; b < VG_KNOWN_BANDS; b++) {
        keys[b] = band_key(sig, b);
        __builtin_prefetch(&ix->bands.slots[band_home(&ix->bands, keys[b])]);
    }
}

/* The distinct slots filed under the band keys, into c. */
static vg_status collect_candidates(const vg_text_index *ix, const uint32_t keys[VG_KNOWN_BANDS],
                                    struct cands *c)
{
    vg_status rc = VG_OK;
    for (int b = 0; b < VG_KNOWN_BANDS && !rc; b++) {
        const struct band_slot *sl = &ix->bands.slots[band_find(&ix->bands, keys[b])];
        if (!sl->key || sl->head == NIL)
            continue;
        uint32_t p = sl->head & POSTING_MASK;
        rc = push_candidate(c, p / VG_KNOWN_BANDS);
        if (sl->head & HEAD_MORE)
            for (p = ix->next[p]; p != NIL && !rc; p = ix->next[p])
                rc = push_candidate(c, p / VG_KNOWN_BANDS);
    }
    if (!rc)
        c->n = distinct_slots(c->v, c->n);
    return rc;
}

vg_status vg_text_index_query(const vg_text_index *ix, const char *text, size_t len,
                              double min_similarity, vg_text_match_fn fn, void *ud)
{
    return vg__text_index_query_n(ix, text, len, min_similarity, fn, ud, NULL);
}

/* Ask memory for the candidates' hot records, all at once (each is a cache miss at a million
 * texts). Their shingle sets are not: the sketch rules most of them out first. */
static void prefetch_candidates(const vg_text_index *ix, const uint32_t *cand, size_t n)
{
    for (size_t i = 0; i < n; i++)
        __builtin_prefetch(&ix->hot[cand[i]]);
}

vg_status vg__text_index_query_n(const vg_text_index *ix, const char *text, size_t len,
                                 double min_similarity, vg_text_match_fn fn, void *ud,
                                 size_t *n_candidates)
{
    if (!(min_similarity >= 0 && min_similarity <= 1) || !fn)
        return VG_EINVAL;
    struct vg_known_fp fp;
    uint64_t *scratch;
    vg_status rc = fp_sign(text, len, &fp, &scratch);
    if (rc)
        return rc;
    /* The band slots are on their way while the shingle set is sorted. */
    uint32_t keys[VG_KNOWN_BANDS];
    prefetch_bands(ix, fp.sig, keys);
    if ((rc = fp_settle(&fp, scratch)))
        return rc;
    struct vg_known_sketch qsk;
    vg__known_sketch_make(fp.shingles, fp.n_shingles, &qsk);
    struct cands c;
    c.v = c.local;
    c.n = 0;
    c.cap = VG_ARRAY_LEN(c.local);
    rc = collect_candidates(ix, keys, &c);
    if (rc)
        goto done;
    const uint32_t *cand = c.v;
    size_t n = c.n;
    if (n_candidates)
        *n_candidates = n;
    prefetch_candidates(ix, cand, n);
    for (size_t i = 0; i < n; i++) {
        const struct item_hot *h = &ix->hot[cand[i]];
        /* Jaccard is at most min/max of the set sizes: skip pairs that cannot reach it. */
        uint32_t lo = h->n_shingles < fp.n_shingles ? h->n_shingles : (uint32_t)fp.n_shingles;
        uint32_t hi = h->n_shingles < fp.n_shingles ? (uint32_t)fp.n_shingles : h->n_shingles;
        if ((double)lo / (double)hi < min_similarity)
            continue;
        if (!vg__known_sketch_may_reach(&h->sketch, h->n_shingles, &qsk, (uint32_t)fp.n_shingles,
                                        min_similarity))
            continue;
        /* The signature is read if the pair passes: asked for now, it arrives while the shingle
         * sets are compared. */
        const char *sig = (const char *)ix->items[cand[i]].sig;
        for (size_t k = 0; k < sizeof(ix->items->sig); k += 64)
            __builtin_prefetch(sig + k);
        double sim = jaccard_sorted(h->shingles, h->n_shingles, fp.shingles, fp.n_shingles);
        if (sim < min_similarity)
            continue;
        /* The estimate only for what is reported: it reads the 512-byte signature. */
        const struct item *it = &ix->items[cand[i]];
        int same = 0;
        for (int k = 0; k < VG_KNOWN_BINS; k++)
            same += it->sig[k] == fp.sig[k];
        if (fn(it->id, (double)same / VG_KNOWN_BINS, sim, ud)) {
            rc = VG_ECANCEL;
            break;
        }
    }
done:
    if (c.v != c.local)
        vg_free(c.v);
    vg__known_fp_release(&fp);
    return rc;
}
