/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_link_name.c: libFuzzer target for the name and bio folding of the returning-accounts
 * stage (src/link/link_norm.c) and its edit distance. The input is split at its first NUL byte
 * (or in half) into two names. Invariants: keys are lower-case ASCII letters of at most 64
 * bytes; at most 8 parts; the sorted skeleton is a permutation of the whole one; similarity is in
 * [0, 1], symmetric, and 1 for a name with itself when its skeleton has 4 letters or more; the
 * bit-parallel edit distance equals the textbook table; bios give at most 12 distinct words and a
 * Jaccard index in [0, 1].
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "link.h"

static void check_key(const char *k)
{
    size_t n = strlen(k);
    if (n > VG_LINK_KEY_MAX)
        abort();
    for (size_t i = 0; i < n; i++)
        if (k[i] < 'a' || k[i] > 'z')
            abort();
}

static void check_name(const struct vg_link_name *n)
{
    check_key(n->key);
    check_key(n->alt);
    check_key(n->sorted);
    if (n->n_tok > VG_LINK_TOKENS_MAX)
        abort();
    for (unsigned t = 0; t < n->n_tok; t++)
        check_key(n->tok[t]);
    /* Same letters, other order (both cut at 64 bytes, so compare counts only when uncut). */
    size_t nk = strlen(n->key), ns = strlen(n->sorted);
    if (nk < VG_LINK_KEY_MAX && ns < VG_LINK_KEY_MAX) {
        unsigned ca[26] = { 0 }, cb[26] = { 0 };
        for (size_t i = 0; i < nk; i++)
            ca[n->key[i] - 'a']++;
        for (size_t i = 0; i < ns; i++)
            cb[n->sorted[i] - 'a']++;
        if (memcmp(ca, cb, sizeof(ca)))
            abort();
    }
}

static size_t table_distance(const char *a, size_t na, const char *b, size_t nb)
{
    size_t d[65][65];
    for (size_t i = 0; i <= na; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= nb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= na; i++)
        for (size_t j = 1; j <= nb; j++) {
            size_t s = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            size_t x = d[i - 1][j] + 1, y = d[i][j - 1] + 1;
            d[i][j] = s < x ? (s < y ? s : y) : (x < y ? x : y);
        }
    return d[na][nb];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    const char *nul = memchr(s, '\0', size);
    size_t na = nul ? (size_t)(nul - s) : size / 2;
    const char *b = nul ? nul + 1 : s + na;
    size_t nb = size - (size_t)(b - s);
    struct vg_link_name x, y;
    vg__link_name_fold(s, na, &x);
    vg__link_name_fold(b, nb, &y);
    check_name(&x);
    check_name(&y);
    double sxy = vg__link_name_similarity(&x, &y), syx = vg__link_name_similarity(&y, &x);
    if (!(sxy >= 0 && sxy <= 1) || sxy != syx)
        abort();
    if (strlen(x.key) >= 4 && vg__link_name_similarity(&x, &x) != 1.0)
        abort();
    size_t ka = strlen(x.key), kb = strlen(y.key);
    if (vg__link_edit_distance(x.key, ka, y.key, kb) != table_distance(x.key, ka, y.key, kb))
        abort();
    struct vg_link_bio p, q;
    vg__link_bio_fold(s, na, &p);
    vg__link_bio_fold(b, nb, &q);
    if (p.n > VG_LINK_BIO_TOKENS || q.n > VG_LINK_BIO_TOKENS)
        abort();
    for (unsigned i = 0; i < p.n; i++)
        for (unsigned j = i + 1; j < p.n; j++)
            if (p.h[i] == p.h[j])
                abort();
    double j = vg__link_bio_similarity(&p, &q);
    if (!(j >= 0 && j <= 1) || (p.n && vg__link_bio_similarity(&p, &p) != 1.0))
        abort();
    return 0;
}
