/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_pdq_index.c: PDQ hash text form and distance on known values; the index against a brute
 * force scan over random hashes with planted near copies, through adds, replacements and
 * removals; bad distances refused; a callback that stops the query.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <stdio.h>

#include "pdq.h"

static void hex_and_distance(void **state)
{
    (void)state;
    struct vg_pdq a, b;
    const char *hex = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    assert_int_equal(vg_pdq_from_hex(hex, &a), VG_OK);
    char back[VG_PDQ_HEX_LEN + 1];
    vg_pdq_to_hex(&a, back);
    assert_string_equal(back, hex);
    assert_int_equal(a.bytes[0], 0xf8);
    assert_int_equal(
            vg_pdq_from_hex("F8F8F0CEE0F4A84F06370A22038F63F0B36E2ED596621E1D33E6B39C4E9C9B22", &b),
            VG_OK);
    assert_int_equal(vg_pdq_distance(&a, &b), 0);
    b.bytes[0] ^= 0x81;
    b.bytes[31] ^= 0xff;
    assert_int_equal(vg_pdq_distance(&a, &b), 10);
    assert_int_equal(vg_pdq_from_hex("f8", &b), VG_EPARSE);
    assert_int_equal(
            vg_pdq_from_hex("g8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22", &b),
            VG_EPARSE);
    assert_int_equal(vg_pdq_from_hex(NULL, &b), VG_EPARSE);
}

static uint64_t rng_state = 88172645463325252ull;

static uint64_t next_random(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void random_hash(struct vg_pdq *h)
{
    for (size_t i = 0; i < VG_PDQ_BYTES; i += 8) {
        uint64_t r = next_random();
        memcpy(h->bytes + i, &r, 8);
    }
}

static void flip_bits(struct vg_pdq *h, int bits)
{
    for (int k = 0; k < bits; k++) { /* may flip a bit twice: distance at most `bits` */
        uint64_t r = next_random() % 256;
        h->bytes[r / 8] ^= (uint8_t)(1u << (r % 8));
    }
}

#define N_HASHES 3000

struct found {
    uint64_t ids[N_HASHES];
    int dist[N_HASHES];
    size_t n;
};

static int collect(uint64_t id, int distance, void *ud)
{
    struct found *f = ud;
    f->ids[f->n] = id;
    f->dist[f->n++] = distance;
    return 0;
}

/* Expected matches of q among the live hashes, by brute force. */
static size_t brute_force(const struct vg_pdq *all, const int *live, const struct vg_pdq *q, int d)
{
    size_t n = 0;
    for (size_t i = 0; i < N_HASHES; i++)
        n += live[i] && vg_pdq_distance(&all[i], q) <= d;
    return n;
}

/* Queries near every stride-th hash at 13 distances: the index reports exactly the brute force's
 * matches, each once, live, at its true distance, and the linear scan agrees. Returns the
 * matches found within 31. */
static size_t check_queries(const vg_pdq_index *ix, const struct vg_pdq *all, const int *live,
                            size_t stride)
{
    static struct found f;
    size_t total = 0;
    for (size_t i = 0; i < N_HASHES; i += stride) {
        struct vg_pdq q = all[i];
        flip_bits(&q, 3);
        f.n = 0;
        assert_int_equal(vg_pdq_index_query(ix, &q, 31, collect, &f), VG_OK);
        total += f.n;
        static const int ds[] = { 0, 1, 7, 8, 15, 16, 17, 23, 24, 30, 31, 32, 48 };
        for (size_t k = 0; k < sizeof ds / sizeof ds[0]; k++) {
            int d = ds[k];
            f.n = 0;
            assert_int_equal(vg_pdq_index_query(ix, &q, d, collect, &f), VG_OK);
            size_t want = brute_force(all, live, &q, d);
            assert_int_equal(f.n, want);
            for (size_t m = 0; m < f.n; m++) { /* each match once, live, at its distance */
                assert_true(live[f.ids[m]]);
                assert_int_equal(f.dist[m], vg_pdq_distance(&all[f.ids[m]], &q));
                assert_true(f.dist[m] <= d);
                for (size_t m2 = m + 1; m2 < f.n; m2++)
                    assert_true(f.ids[m] != f.ids[m2]);
            }
            f.n = 0; /* the linear scan agrees */
            assert_int_equal(vg__pdq_index_scan(ix, &q, d, collect, &f), VG_OK);
            assert_int_equal(f.n, want);
        }
    }
    return total;
}

/* N_HASHES hashes, every third a near copy (up to 40 bits) of the one before. */
static void make_hashes(struct vg_pdq *all)
{
    for (size_t i = 0; i < N_HASHES; i++) {
        if (i % 3 == 2) {
            all[i] = all[i - 1];
            flip_bits(&all[i], (int)(next_random() % 40));
        } else {
            random_hash(&all[i]);
        }
    }
}

/* Remove every 7th id, replace every 11th's hash (5 bits moved), remove an id not in. */
static void churn(vg_pdq_index *ix, struct vg_pdq *all, int *live)
{
    for (size_t i = 0; i < N_HASHES; i += 7) {
        vg_pdq_index_remove(ix, i);
        live[i] = 0;
    }
    for (size_t i = 1; i < N_HASHES; i += 11) {
        flip_bits(&all[i], 5);
        assert_int_equal(vg_pdq_index_add(ix, &all[i], i), VG_OK);
        live[i] = 1;
    }
    vg_pdq_index_remove(ix, N_HASHES + 5); /* not in: nothing */
    size_t n_live = 0;
    for (size_t i = 0; i < N_HASHES; i++)
        n_live += live[i];
    assert_int_equal(vg_pdq_index_size(ix), n_live);
}

static void index_matches_brute_force(void **state)
{
    (void)state;
    static struct vg_pdq all[N_HASHES];
    static int live[N_HASHES];
    vg_pdq_index *ix;
    assert_int_equal(vg_pdq_index_new(&ix), VG_OK);
    make_hashes(all);
    for (size_t i = 0; i < N_HASHES; i++) {
        assert_int_equal(vg_pdq_index_add(ix, &all[i], i), VG_OK);
        live[i] = 1;
    }
    assert_int_equal(vg__pdq_index_row_bytes(ix), 3);
    churn(ix, all, live);
    /* The near copies (up to 40 bits apart) make matches at every distance tested. */
    assert_true(check_queries(ix, all, live, 5) > 500);
    vg_pdq_index_free(ix);
}

/* add_many in two batches (the second repeats ids of the first and of itself: the last hash of
 * an id wins) gives the same answers as the brute force, before and after in-place changes. */
static void add_many_matches_brute_force(void **state)
{
    (void)state;
    static struct vg_pdq all[N_HASHES], batch[N_HASHES];
    static uint64_t ids[N_HASHES];
    static int live[N_HASHES];
    vg_pdq_index *ix;
    assert_int_equal(vg_pdq_index_new(&ix), VG_OK);
    make_hashes(all);
    size_t half = N_HASHES / 2, added = 0;
    for (size_t i = 0; i < half; i++)
        ids[i] = i, live[i] = 1;
    assert_int_equal(vg_pdq_index_add_many(ix, all, ids, half, &added), VG_OK);
    assert_int_equal(added, half);
    assert_int_equal(vg_pdq_index_size(ix), half);
    /* Second batch: the rest, plus ids 0..99 again with new hashes, each given twice (a
     * throwaway hash first). */
    size_t n = 0;
    for (size_t i = half; i < N_HASHES; i++)
        batch[n] = all[i], ids[n++] = i, live[i] = 1;
    for (size_t i = 0; i < 100; i++) {
        random_hash(&batch[n]);
        ids[n++] = i;
        random_hash(&all[i]);
        batch[n] = all[i], ids[n++] = i;
    }
    assert_int_equal(vg_pdq_index_add_many(ix, batch, ids, n, &added), VG_OK);
    assert_int_equal(added, n);
    assert_int_equal(vg_pdq_index_size(ix), N_HASHES);
    assert_int_equal(vg_pdq_index_add_many(ix, batch, ids, 0, &added), VG_OK);
    assert_int_equal(added, 0);
    assert_true(check_queries(ix, all, live, 17) > 150);
    churn(ix, all, live);
    assert_true(check_queries(ix, all, live, 17) > 150);
    vg_pdq_index_free(ix);
}

/* Every filter this CPU has (SSE2, AVX2, AVX-512) on buckets of hundreds of entries: each slot
 * takes one of 8 values 0..3 bits apart, so the vectors run full and the bucket ends fall at every
 * lane, and many entries pass the word filter. Same answers as the brute force at each level. */
static void crowded_buckets_every_filter(void **state)
{
    (void)state;
    static struct vg_pdq all[N_HASHES];
    static int live[N_HASHES];
    struct vg_pdq base;
    random_hash(&base);
    for (size_t i = 0; i < N_HASHES; i++) {
        all[i] = base;
        for (int t = 0; t < 16; t++)
            all[i].bytes[2 * t + 1] ^= (uint8_t)(next_random() % 8);
        live[i] = 1;
    }
    int levels_run = 0;
    for (int level = VG__PDQ_FILTER_SSE2; level <= VG__PDQ_FILTER_AVX512; level++) {
        if (vg__pdq_index_filter(level))
            continue; /* not on this CPU */
        levels_run++;
        vg_pdq_index *ix;
        assert_int_equal(vg_pdq_index_new(&ix), VG_OK);
        for (size_t i = 0; i < N_HASHES - 7; i++) /* bucket sizes not multiples of 8 */
            assert_int_equal(vg_pdq_index_add(ix, &all[i], i), VG_OK);
        for (size_t i = N_HASHES - 7; i < N_HASHES; i++)
            live[i] = 0;
        assert_true(check_queries(ix, all, live, 97) > 1000);
        vg_pdq_index_free(ix);
        for (size_t i = N_HASHES - 7; i < N_HASHES; i++)
            live[i] = 1;
    }
    assert_int_equal(vg__pdq_index_filter(0), 0);
    assert_true(levels_run >= 1);
    assert_int_equal(vg__pdq_index_filter(VG__PDQ_FILTER_SSE2), 0); /* every x86-64 CPU */
    assert_int_equal(vg__pdq_index_filter(-1), -1);
    assert_int_equal(vg__pdq_index_filter(VG__PDQ_FILTER_AVX512 + 1), -1);
    assert_int_equal(vg__pdq_index_filter(0), 0);
}

/* Row numbers widened from 3 to 4 bytes (done by itself at 2^24 rows) keep every answer, before
 * and after in-place changes, and under add_many. */
static void widened_rows_match_brute_force(void **state)
{
    (void)state;
    static struct vg_pdq all[N_HASHES];
    static uint64_t ids[N_HASHES];
    static int live[N_HASHES];
    vg_pdq_index *ix;
    assert_int_equal(vg_pdq_index_new(&ix), VG_OK);
    make_hashes(all);
    size_t half = N_HASHES / 2;
    for (size_t i = 0; i < half; i++) {
        assert_int_equal(vg_pdq_index_add(ix, &all[i], i), VG_OK);
        live[i] = 1;
    }
    assert_int_equal(vg__pdq_index_widen(ix), VG_OK);
    assert_int_equal(vg__pdq_index_row_bytes(ix), 4);
    assert_int_equal(vg__pdq_index_widen(ix), VG_OK); /* once is enough */
    for (size_t i = half; i < N_HASHES; i++)
        ids[i] = i, live[i] = 1;
    assert_int_equal(vg_pdq_index_add_many(ix, all + half, ids + half, N_HASHES - half, NULL),
                     VG_OK);
    assert_true(check_queries(ix, all, live, 17) > 150);
    churn(ix, all, live);
    assert_true(check_queries(ix, all, live, 17) > 150);
    vg_pdq_index_free(ix);
}

/* Every hash of haystack.txt indexed under its line number; each needle's matches at d <= 31
 * must be exactly the lines a brute-force scan finds (ThreatExchange's MIH test data). */
static void haystack_needles(void **state)
{
    (void)state;
    const char *dir = VG_SHARED_DATA "/pdq-reference/data/reg-test-input";
    char path[512], line[256];
    static struct vg_pdq hay[4096];
    size_t n_hay = 0, n_needles = 0, n_matches = 0;
    snprintf(path, sizeof path, "%s/haystack.txt", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        skip();
    vg_pdq_index *ix;
    assert_int_equal(vg_pdq_index_new(&ix), VG_OK);
    while (fgets(line, sizeof line, f) && n_hay < 4096) {
        line[strcspn(line, "\r\n")] = '\0';
        assert_int_equal(vg_pdq_from_hex(line, &hay[n_hay]), VG_OK);
        assert_int_equal(vg_pdq_index_add(ix, &hay[n_hay], n_hay), VG_OK);
        n_hay++;
    }
    fclose(f);
    snprintf(path, sizeof path, "%s/needles.txt", dir);
    assert_non_null(f = fopen(path, "r"));
    static struct found got;
    while (fgets(line, sizeof line, f)) {
        struct vg_pdq q;
        line[strcspn(line, "\r\n")] = '\0';
        assert_int_equal(vg_pdq_from_hex(line, &q), VG_OK);
        n_needles++;
        for (int d = 0; d <= 32; d += 8) {
            int dd = d == 32 ? 31 : d;
            got.n = 0;
            assert_int_equal(vg_pdq_index_query(ix, &q, dd, collect, &got), VG_OK);
            size_t want = 0;
            for (size_t i = 0; i < n_hay; i++)
                want += vg_pdq_distance(&hay[i], &q) <= dd;
            assert_int_equal(got.n, want);
            for (size_t k = 0; k < got.n; k++)
                assert_int_equal(got.dist[k], vg_pdq_distance(&hay[got.ids[k]], &q));
            if (dd == 31)
                n_matches += got.n;
        }
    }
    fclose(f);
    printf("  %zu haystack hashes, %zu needles, %zu matches within 31\n", n_hay, n_needles,
           n_matches);
    assert_int_equal(n_hay, 1350);
    assert_int_equal(n_needles, 100);
    assert_true(n_matches > 0);
    vg_pdq_index_free(ix);
}

/* Add N_FAIL hashes (the same ones each time: the generator is reseeded), the k-th allocation
 * from hash N_FAIL / 2 on failing (k = 0: none). Returns how many were added before the failure
 * and how many allocations the second half made. */
#define N_FAIL 4000

static size_t add_failing_at(vg_pdq_index *ix, struct vg_pdq *hs, uint64_t k, int *failed,
                             uint64_t *allocs)
{
    size_t added = 0;
    uint64_t before = 0;
    rng_state = 0x2545f4914f6cdd1dull;
    *failed = 0;
    for (size_t i = 0; i < N_FAIL; i++) {
        random_hash(&hs[i]);
        if (i == N_FAIL / 2) {
            vg__alloc_fail_after(k);
            before = vg__alloc_count();
        }
        vg_status rc = vg_pdq_index_add(ix, &hs[i], i);
        if (rc) {
            assert_int_equal(rc, VG_ENOMEM);
            *failed = 1;
            break;
        }
        added++;
    }
    vg__alloc_fail_after(0);
    *allocs = vg__alloc_count() - before;
    return added;
}

/* A failed allocation during an add (a bucket table rebuilt, a new chunk, a bigger id map)
 * leaves the index as it was: every hash added before is still found, the failed one is not. */
static void add_survives_allocation_failure(void **state)
{
    (void)state;
    static struct vg_pdq hs[N_FAIL];
    static struct found f;
    vg_pdq_index *ix;
    int failed;
    uint64_t allocs, ignored;
    assert_int_equal(vg_pdq_index_new(&ix), VG_OK);
    assert_int_equal(add_failing_at(ix, hs, 0, &failed, &allocs), N_FAIL);
    vg_pdq_index_free(ix);
    assert_false(failed);
    assert_true(allocs >= 10); /* the second half does allocate: the failures below happen */
    uint64_t step = allocs / 12 ? allocs / 12 : 1;
    for (uint64_t k = 1; k <= allocs; k += step) {
        assert_int_equal(vg_pdq_index_new(&ix), VG_OK);
        size_t added = add_failing_at(ix, hs, k, &failed, &ignored);
        assert_true(failed);
        assert_int_equal(vg_pdq_index_size(ix), added);
        for (size_t i = 0; i < added + 1; i++) {
            f.n = 0;
            assert_int_equal(vg_pdq_index_query(ix, &hs[i], 0, collect, &f), VG_OK);
            assert_int_equal(f.n, i < added ? 1 : 0);
        }
        vg_pdq_index_free(ix);
    }
}

static int stop_at_first(uint64_t id, int distance, void *ud)
{
    (void)id, (void)distance;
    ++*(int *)ud;
    return 1;
}

static void bad_distance_and_stop(void **state)
{
    (void)state;
    vg_pdq_index *ix;
    struct vg_pdq h;
    assert_int_equal(vg_pdq_index_new(&ix), VG_OK);
    random_hash(&h);
    assert_int_equal(vg_pdq_index_add(ix, &h, 1), VG_OK);
    assert_int_equal(vg_pdq_index_add(ix, &h, 2), VG_OK);
    int calls = 0;
    assert_int_equal(vg_pdq_index_query(ix, &h, -1, stop_at_first, &calls), VG_EINVAL);
    assert_int_equal(vg_pdq_index_query(ix, &h, 257, stop_at_first, &calls), VG_EINVAL);
    assert_int_equal(vg_pdq_index_query(ix, &h, 0, stop_at_first, &calls), VG_ECANCEL);
    assert_int_equal(calls, 1);
    vg_pdq_index_free(ix);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hex_and_distance),
        cmocka_unit_test(index_matches_brute_force),
        cmocka_unit_test(add_many_matches_brute_force),
        cmocka_unit_test(widened_rows_match_brute_force),
        cmocka_unit_test(crowded_buckets_every_filter),
        cmocka_unit_test(bad_distance_and_stop),
        cmocka_unit_test(haystack_needles),
        cmocka_unit_test(add_survives_allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
