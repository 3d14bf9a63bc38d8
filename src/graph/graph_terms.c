/* SPDX-License-Identifier: Apache-2.0 */
/*
 * graph_terms.c: what an account shares with known accounts besides ties: the hashtags it
 * posts, the domains it links to, the words of its profile (display name and bio), and how its
 * names look (docs/networks.md, "The score").
 *
 * Each of the three kinds is a bipartite graph of accounts and terms, held as CSR rows (account
 * -> distinct terms). Once the evidence of every account is known (graph_features.c), a term's
 * known mass is the evidence summed over the accounts that use it, and an account's feature is
 * the best, over its terms, of the share of the term's OTHER users that are known, smoothed:
 *
 *     (known(t) - evidence(v)) / (users(t) - 1 + TERM_PRIOR)
 *
 * Leaving v out keeps a seed's own evidence from vouching for it; the prior keeps a term shared
 * with a single known account from counting as much as one shared with thirty.
 *
 * Profile words are split on ASCII punctuation and white space and folded to lower case in
 * ASCII only: Arabic needs no folding, and running the full normaliser (utf8proc NFKC) on every
 * profile would cost a second a million accounts on a load that has to stay under a minute.
 */
#include <string.h>

#include "graph.h"

#define TERM_PRIOR    2.0
#define WORD_MIN      3  /* bytes: shorter words ("a", "de", "#2") say nothing */
#define WORD_MAX      64 /* bytes: longer runs are not words */
#define PROFILE_WORDS 32 /* words read from one profile */

vg_status vg__terms_init(struct vg_terms *t)
{
    memset(t, 0, sizeof(*t));
    return vg__ids_init(&t->ids);
}

void vg__terms_release(struct vg_terms *t)
{
    vg__ids_release(&t->ids);
    vg__edges_release(&t->uses);
    vg__csr_release(&t->by_account);
    vg_free(t->users);
    vg_free(t->known);
    memset(t, 0, sizeof(*t));
}

vg_status vg__terms_add(struct vg_terms *t, uint32_t account, const char *term, size_t len)
{
    char key[WORD_MAX + 1];
    if (!len || len > WORD_MAX)
        return VG_OK;
    memcpy(key, term, len);
    key[len] = '\0';
    uint32_t idx;
    vg_status rc = vg__ids_intern(&t->ids, key, &idx);
    return rc ? rc : vg__edges_push(&t->uses, account, idx, 1.0f);
}

static int is_separator(unsigned char c)
{
    return c < 0x80 &&
           !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
}

vg_status vg__terms_add_words(struct vg_terms *t, uint32_t account, const char *text)
{
    if (!text)
        return VG_OK;
    const unsigned char *s = (const unsigned char *)text;
    int words = 0;
    while (*s && words < PROFILE_WORDS) {
        while (*s && is_separator(*s))
            s++;
        char w[WORD_MAX + 1];
        size_t len = 0, digits = 0;
        for (; *s && !is_separator(*s); s++, len++) {
            if (len < WORD_MAX)
                w[len] = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
            digits += *s >= '0' && *s <= '9';
        }
        if (len < WORD_MIN || len > WORD_MAX || digits == len)
            continue;
        vg_status rc = vg__terms_add(t, account, w, len);
        if (rc)
            return rc;
        words++;
    }
    return VG_OK;
}

/* A look-alike digit (0 1 3 4 5 7 for o i e a s t) between two letters, as in "k0ri". */
static int digit_between_letters(const char *h)
{
    for (size_t i = 1; h[i] && h[i + 1]; i++) {
        char a = h[i - 1], c = h[i + 1];
        int letters = ((a | 32) >= 'a' && (a | 32) <= 'z') && ((c | 32) >= 'a' && (c | 32) <= 'z');
        if (letters && strchr("013457", h[i]))
            return 1;
    }
    return 0;
}

/* Latin letters and Cyrillic ones (U+0400..U+04FF: lead bytes 0xD0..0xD3) in one name. */
static int mixed_scripts(const char *name)
{
    int latin = 0, cyrillic = 0;
    for (const unsigned char *s = (const unsigned char *)name; *s; s++) {
        latin |= (*s | 32) >= 'a' && (*s | 32) <= 'z';
        cyrillic |= *s >= 0xD0 && *s <= 0xD3;
    }
    return latin && cyrillic;
}

uint8_t vg__name_lookalike(const char *handle, const char *name)
{
    return (uint8_t)((handle && digit_between_letters(handle)) || (name && mixed_scripts(name)));
}

vg_status vg__terms_build(struct vg_terms *t, uint32_t n_accounts)
{
    /* The CSR builder sorts by both ends over one index range: give it the larger of the two,
     * then keep the account rows (those after them are empty, so off[n_accounts] is the end). */
    uint32_t n = n_accounts > t->ids.n ? n_accounts : t->ids.n;
    vg_status rc = vg__csr_build(&t->by_account, n, &t->uses, 0, 0);
    if (rc)
        return rc;
    t->by_account.n = n_accounts;
    vg__edges_release(&t->uses);
    uint32_t n_terms = t->ids.n ? t->ids.n : 1;
    if (!(t->users = vg_calloc(n_terms, sizeof(*t->users))) ||
        !(t->known = vg_calloc(n_terms, sizeof(*t->known))))
        return VG_ENOMEM;
    const struct vg_csr *c = &t->by_account;
    for (uint64_t e = 0; e < c->off[c->n]; e++)
        t->users[c->adj[e]]++;
    return VG_OK;
}

void vg__terms_evidence(struct vg_terms *t, const double *evidence)
{
    const struct vg_csr *c = &t->by_account;
    if (!t->known)
        return;
    memset(t->known, 0, (t->ids.n ? t->ids.n : 1) * sizeof(*t->known));
    for (uint32_t v = 0; v < c->n; v++)
        for (uint64_t e = c->off[v]; e < c->off[v + 1]; e++)
            t->known[c->adj[e]] += evidence[v];
}

double vg__terms_best(const struct vg_terms *t, uint32_t v, double evidence_v, uint32_t *best)
{
    const struct vg_csr *c = &t->by_account;
    double top = 0;
    if (best)
        *best = UINT32_MAX;
    if (!t->known || v >= c->n)
        return 0;
    for (uint64_t e = c->off[v]; e < c->off[v + 1]; e++) {
        uint32_t term = c->adj[e];
        double others = t->known[term] - evidence_v;
        double share = others > 0 ? others / (t->users[term] - 1 + TERM_PRIOR) : 0.0;
        if (share > top) {
            top = share;
            if (best)
                *best = term;
        }
    }
    return top;
}
