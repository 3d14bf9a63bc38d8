/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_sites.c: URLs checked per second by the list matcher (src/sites/sites_match.c) against
 * generated lists, beside baselines measured in the same run.
 *
 * Lists: N entries (default 100,000; --full: 1,000,000), half domains under invented names
 * ("s0001234.example", ".invalid", ".test"; one in 64 a subdomain "cdn.s0001234.example"), half URL
 * prefixes on 50,000 invented hosts, plus 20 patterns, spread over four lists with dates and a
 * scope. URLs: M (default 200,000) canonical URLs, a quarter on a listed domain (or a subdomain of
 * one), a quarter on a prefix host (half of them under a listed prefix), half elsewhere; each also
 * in a raw form (upper case host, tracking parameters) for the canonicalising run. K runs (default
 * 3) of each, medians reported:
 *   1. parse: canonicalise the raw URLs only (vg_url_canonicalize_buf), no lists;
 *   2. host hash: look each canonical URL's exact host up in a plain hash set of the domains
 *      (no parent domains, prefixes or patterns): the cheapest possible list lookup;
 *   3. match: vg_site_matcher_check on each canonical URL (what the stored post_urls need);
 *      then the same with vg_site_matcher_prefetch of the URL 4 places on before each check (a
 *      caller holding a batch of URLs can do this);
 *   4. canonicalise + match: both on the raw URLs.
 * Times are CPU seconds of the benchmark thread (the machine is shared: wall time would count other
 * people's processes). Before timing, every URL is checked against a reference built in this file
 * the plain way (a string map of the entry values; every parent domain and every prefix length
 * of the URL looked up; patterns through their own Hyperscan database): the matcher must report
 * the same entries for every URL, or the benchmark stops.
 * Building the matcher (add + compile) is timed once. --hyperscan D also times Hyperscan's
 * literal matcher on D domains (hs_compile_lit_multi, the design the matcher does not use) over
 * 20,000 URLs, for docs/sites.md. A benchmark, not a test: it prints figures, judges none.
 *
 *   bench_sites [--entries N] [--urls M] [--runs K] [--full] [--patterns P] [--hyperscan D]
 */
#include <hs/hs.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "sites.h"
#include "text.h"

static const char *const tlds[] = { "example", "invalid", "test" };

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *what)
{
    fprintf(stderr, "bench_sites: %s\n", what);
    exit(1);
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    return v[n / 2];
}

static int n_patterns = 20;

struct urls {
    char **canon, **raw;
    size_t n;
};

static char *dupf(const char *fmt, ...) VG_PRINTF(1, 2);

static char *dupf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    char *s = strdup(buf);
    if (!s)
        die("out of memory");
    return s;
}

static void make_urls(struct urls *u, size_t m, size_t n_domains, size_t n_prefixes)
{
    u->n = m;
    u->canon = calloc(m, sizeof(char *));
    u->raw = calloc(m, sizeof(char *));
    if (!u->canon || !u->raw)
        die("out of memory");
    struct vg_buf b;
    vg_buf_init(&b, 1 << 16);
    for (size_t i = 0; i < m; i++) {
        uint32_t kind = rnd(4), d = rnd((uint32_t)(n_domains ? n_domains : 1));
        uint32_t p = rnd((uint32_t)(n_prefixes ? n_prefixes : 1));
        if (kind == 0) /* a listed domain or a subdomain of one */
            u->raw[i] = dupf("https://%sS%07u.%s/watch/%u?utm_source=x&id=%u",
                             (const char *[]){ "", "WWW.", "cdn." }[rnd(3)], d, tlds[d % 3],
                             rnd(100000), rnd(1000));
        else if (kind == 1) /* a prefix host, under a listed prefix half the time */
            u->raw[i] = dupf("https://H%05u.example/share/%07u%s?fbclid=1", p % 50000,
                             rnd(2) ? p : p + 1, rnd(2) ? "/file.mp4" : "");
        else if (kind == 2 && rnd(8) == 0) /* elsewhere, a pattern's path half the time */
            u->raw[i] = dupf("https://cdn%05u.example/release-%u/%u.%s", rnd(30000),
                             rnd((uint32_t)n_patterns + 1), rnd(100000), rnd(2) ? "mp4" : "html");
        else /* elsewhere */
            u->raw[i] = dupf("https://news%05u.example/%u/%u/article-%u.html", rnd(30000),
                             2015 + rnd(10), rnd(12), rnd(1000000));
        vg_buf_reset(&b);
        if (vg_url_canonicalize_buf(u->raw[i], strlen(u->raw[i]), &b))
            die("a generated URL does not canonicalise");
        u->canon[i] = strdup(b.data);
    }
    vg_buf_release(&b);
}

/* ---- the reference: the plain way, to check the matcher's answers ------------------------- */

struct ref_entry {
    char *value;
    int list;
    int64_t added, withdrawn;
    int next; /* next entry of the same value, -1: none */
};

static const char *const lists[] = { "fr-admin", "global-a", "global-b", "de-admin" };
static const char *const scopes[] = { "FR", "global", "global", "DE" };

struct ref {
    struct ref_entry *e;
    size_t n, cap;
    struct vg__strmap domains, prefixes; /* value -> id; first[id]: its first entry */
    int *first_domain, *first_prefix;
    size_t cap_fd, cap_fp;
    hs_database_t *patterns;
    hs_scratch_t *scratch;
    int *pattern_entry; /* by pattern id */
};

static void ref_chain(struct vg__strmap *map, int **first, size_t *cap, const char *v, int idx,
                      struct ref *r)
{
    uint32_t id;
    int added;
    if (vg__strmap_intern(map, v, strlen(v), &id, &added))
        die("out of memory");
    if (id >= *cap) {
        size_t c = *cap ? 2 * *cap : 1024;
        while (c <= id)
            c *= 2;
        if (!(*first = realloc(*first, c * sizeof(int))))
            die("out of memory");
        *cap = c;
    }
    r->e[idx].next = added ? -1 : (*first)[id];
    (*first)[id] = idx;
}

static void ref_add(struct ref *r, enum vg_list_kind kind, const char *v, int list, int64_t added,
                    int64_t withdrawn)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 1024;
        if (!(r->e = realloc(r->e, r->cap * sizeof(*r->e))))
            die("out of memory");
    }
    int idx = (int)r->n++;
    r->e[idx] = (struct ref_entry){ strdup(v), list, added, withdrawn, -1 };
    if (kind == VG_LIST_DOMAIN)
        ref_chain(&r->domains, &r->first_domain, &r->cap_fd, v, idx, r);
    else if (kind == VG_LIST_URL_PREFIX)
        ref_chain(&r->prefixes, &r->first_prefix, &r->cap_fp, v, idx, r);
}

static void ref_compile_patterns(struct ref *r, char **exprs, int *entry, int n)
{
    r->pattern_entry = entry;
    if (!n)
        return;
    unsigned *flags = calloc((size_t)n, sizeof(unsigned)),
             *ids = calloc((size_t)n, sizeof(unsigned));
    if (!flags || !ids)
        die("out of memory");
    for (int i = 0; i < n; i++) {
        flags[i] = HS_FLAG_SINGLEMATCH;
        ids[i] = (unsigned)i;
    }
    hs_compile_error_t *err = NULL;
    if (hs_compile_multi((const char *const *)exprs, flags, ids, (unsigned)n, HS_MODE_BLOCK, NULL,
                         &r->patterns, &err) != HS_SUCCESS ||
        hs_alloc_scratch(r->patterns, &r->scratch) != HS_SUCCESS)
        die("reference patterns do not compile");
    free(flags);
    free(ids);
}

/* What a check reports, order aside: the number of hits and a sum over them. */
struct answer {
    size_t n;
    uint64_t sum;
};

static void answer_add(struct answer *a, const char *value, int64_t added)
{
    a->n++;
    a->sum += vg_hash64(value, strlen(value), (uint64_t)added);
}

static const int64_t q_at = 1600000000;
static const char *const q_jur = "FR";

static void ref_report(const struct ref *r, int i, struct answer *a)
{
    for (; i >= 0; i = r->e[i].next) {
        const struct ref_entry *e = &r->e[i];
        if (e->added > q_at || (e->withdrawn != VG_TIME_UNKNOWN && q_at >= e->withdrawn))
            continue;
        if (strcmp(scopes[e->list], "global") && strcmp(scopes[e->list], q_jur))
            continue;
        answer_add(a, e->value, e->added);
    }
}

struct ref_scan {
    const struct ref *r;
    struct answer *a;
};

static int on_ref_pattern(unsigned id, unsigned long long from, unsigned long long to,
                          unsigned flags, void *ctx)
{
    (void)from, (void)to, (void)flags;
    struct ref_scan *s = ctx;
    ref_report(s->r, s->r->pattern_entry[id], s->a);
    return 0;
}

static void ref_check(const struct ref *r, const char *url, struct answer *a)
{
    size_t len = strlen(url), hn;
    const char *h;
    *a = (struct answer){ 0, 0 };
    if (vg__canonical_host(url, len, &h, &hn))
        return;
    for (const char *s = h; s;) { /* the host and every parent domain */
        size_t n = hn - (size_t)(s - h);
        int64_t id = vg__strmap_find(&r->domains, s, n);
        if (id >= 0)
            ref_report(r, r->first_domain[id], a);
        const char *dot = memchr(s, '.', n);
        s = dot ? dot + 1 : NULL;
    }
    for (size_t l = (size_t)(h - url) + hn; l <= len; l++) { /* every prefix length */
        int64_t id = vg__strmap_find(&r->prefixes, url, l);
        if (id >= 0)
            ref_report(r, r->first_prefix[id], a);
    }
    struct ref_scan sc = { r, a };
    if (r->patterns)
        hs_scan(r->patterns, url, (unsigned)len, 0, r->scratch, on_ref_pattern, &sc);
}

static int on_hit(const struct vg_site_hit *hit, void *ud)
{
    answer_add(ud, hit->value, hit->added);
    return 0;
}

/* Every URL: the matcher's answer against the reference's. */
static void check_against_reference(const struct urls *u, vg_site_matcher *m, const struct ref *r)
{
    for (size_t i = 0; i < u->n; i++) {
        struct answer want, got = { 0, 0 };
        ref_check(r, u->canon[i], &want);
        size_t n;
        if (vg_site_matcher_check(m, u->canon[i], strlen(u->canon[i]), q_at, q_jur, on_hit, &got,
                                  &n) != VG_OK ||
            n != got.n || got.n != want.n || got.sum != want.sum) {
            fprintf(stderr, "bench_sites: %s: matcher %zu hits, reference %zu\n", u->canon[i],
                    got.n, want.n);
            die("the matcher and the reference disagree");
        }
    }
}

static vg_site_matcher *build(size_t n, struct vg__strmap *hostset, struct ref *ref, double *secs)
{
    double t0 = now_s();
    vg_site_matcher *m;
    if (vg_site_matcher_new(&m))
        die("out of memory");
    char v[256];
    for (size_t i = 0; i < n; i++) {
        uint32_t l = (uint32_t)(i % 4);
        int64_t added = 1420070400 + (int64_t)rnd(100000000);
        int64_t withdrawn = rnd(10) == 0 ? added + 86400 * 365 : VG_TIME_UNKNOWN;
        enum vg_list_kind kind = i % 2 ? VG_LIST_URL_PREFIX : VG_LIST_DOMAIN;
        size_t k = i / 2;
        if (kind == VG_LIST_DOMAIN && k % 64 == 63) /* some lists name subdomains */
            snprintf(v, sizeof(v), "cdn.s%07zu.%s", k, tlds[k % 3]);
        else if (kind == VG_LIST_DOMAIN)
            snprintf(v, sizeof(v), "s%07zu.%s", k, tlds[k % 3]);
        else
            snprintf(v, sizeof(v), "https://h%05zu.example/share/%07zu", k % 50000, k);
        if (vg_site_matcher_add(m, lists[l], scopes[l], kind, v, added, withdrawn))
            die("cannot add an entry");
        ref_add(ref, kind, v, (int)l, added, withdrawn);
        uint32_t id;
        if (kind == VG_LIST_DOMAIN && vg__strmap_intern(hostset, v, strlen(v), &id, NULL))
            die("out of memory");
    }
    char **exprs = calloc((size_t)n_patterns + 1, sizeof(char *));
    int *entry = calloc((size_t)n_patterns + 1, sizeof(int));
    if (!exprs || !entry)
        die("out of memory");
    for (int i = 0; i < n_patterns; i++) {
        snprintf(v, sizeof(v), "^https?://[^/]+/release-%d/[0-9]+\\.(mp4|pdf)$", i);
        if (vg_site_matcher_add(m, "global-b", "global", VG_LIST_PATTERN, v, 1420070400,
                                VG_TIME_UNKNOWN))
            die("cannot add a pattern");
        entry[i] = (int)ref->n;
        ref_add(ref, VG_LIST_PATTERN, v, 2, 1420070400, VG_TIME_UNKNOWN);
        exprs[i] = ref->e[entry[i]].value;
    }
    if (vg_site_matcher_compile(m))
        die("cannot compile");
    *secs = now_s() - t0;
    ref_compile_patterns(ref, exprs, entry, n_patterns);
    free(exprs);
    return m;
}

static double run_parse(const struct urls *u)
{
    struct vg_buf b;
    vg_buf_init(&b, 1 << 16);
    double t0 = now_s();
    size_t sum = 0;
    for (size_t i = 0; i < u->n; i++) {
        vg_buf_reset(&b);
        if (vg_url_canonicalize_buf(u->raw[i], strlen(u->raw[i]), &b) == VG_OK)
            sum += b.len;
    }
    double t = now_s() - t0;
    vg_buf_release(&b);
    if (!sum)
        die("nothing parsed");
    return t;
}

static double run_hostset(const struct urls *u, const struct vg__strmap *hs, size_t *hits)
{
    double t0 = now_s();
    *hits = 0;
    for (size_t i = 0; i < u->n; i++) {
        const char *h;
        size_t hn;
        if (vg__canonical_host(u->canon[i], strlen(u->canon[i]), &h, &hn) == 0)
            *hits += vg__strmap_find(hs, h, hn) >= 0;
    }
    return now_s() - t0;
}

/* How many URLs ahead the prefetched run asks for a URL's host slot (2, 4 and 8 were tried). */
#define PREFETCH_AHEAD 4

/* Check every URL (canonicalise: from its raw form); ahead: with vg_site_matcher_prefetch of the
 * canonical URL PREFETCH_AHEAD places on, as a caller with a batch of URLs can. */
static double run_match(const struct urls *u, vg_site_matcher *m, int canonicalise, int ahead,
                        size_t *hits)
{
    struct vg_buf b;
    vg_buf_init(&b, 1 << 16);
    double t0 = now_s();
    *hits = 0;
    for (size_t i = 0; i < u->n; i++) {
        const char *url = u->canon[i];
        size_t len = strlen(url);
        if (canonicalise) {
            vg_buf_reset(&b);
            if (vg_url_canonicalize_buf(u->raw[i], strlen(u->raw[i]), &b))
                continue;
            url = b.data;
            len = b.len;
        }
        if (ahead && i + PREFETCH_AHEAD < u->n)
            vg_site_matcher_prefetch(m, u->canon[i + PREFETCH_AHEAD],
                                     strlen(u->canon[i + PREFETCH_AHEAD]));
        size_t n = 0;
        if (vg_site_matcher_check(m, url, len, q_at, q_jur, NULL, NULL, &n) == VG_OK)
            *hits += n > 0;
    }
    double t = now_s() - t0;
    vg_buf_release(&b);
    return t;
}

static int on_lit(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                  void *ctx)
{
    (void)id, (void)from, (void)to, (void)flags;
    (*(size_t *)ctx)++;
    return 0;
}

/* Hyperscan literals ".domain\x01" scanned over "." + host + "\x01": a match is the host or a
 * parent domain ending at the host's end. */
static void run_hyperscan(size_t d, const struct urls *u)
{
    char **lits = calloc(d, sizeof(char *));
    size_t *lens = calloc(d, sizeof(size_t));
    unsigned *ids = calloc(d, sizeof(unsigned)), *flags = calloc(d, sizeof(unsigned));
    if (!lits || !lens || !ids || !flags)
        die("out of memory");
    for (size_t i = 0; i < d; i++) {
        lits[i] = dupf(".s%07zu.%s\x01", i, tlds[i % 3]);
        lens[i] = strlen(lits[i]);
        ids[i] = (unsigned)i;
        flags[i] = HS_FLAG_SINGLEMATCH;
    }
    hs_database_t *db = NULL;
    hs_compile_error_t *err = NULL;
    double t0 = now_s();
    if (hs_compile_lit_multi((const char *const *)lits, flags, ids, lens, (unsigned)d,
                             HS_MODE_BLOCK, NULL, &db, &err) != HS_SUCCESS)
        die("hyperscan compile failed");
    double tc = now_s() - t0;
    hs_scratch_t *scratch = NULL;
    if (hs_alloc_scratch(db, &scratch) != HS_SUCCESS)
        die("hyperscan scratch");
    size_t n = u->n < 20000 ? u->n : 20000, hits = 0;
    char subj[600];
    t0 = now_s();
    for (size_t i = 0; i < n; i++) {
        const char *h;
        size_t hn;
        if (vg__canonical_host(u->canon[i], strlen(u->canon[i]), &h, &hn) || hn > 500)
            continue;
        subj[0] = '.';
        memcpy(subj + 1, h, hn);
        subj[hn + 1] = '\x01';
        hs_scan(db, subj, (unsigned)(hn + 2), 0, scratch, on_lit, &hits);
    }
    double ts = now_s() - t0;
    printf("hyperscan literals: %zu domains compiled in %.2f s; %zu URLs in %.3f s = %.0f URLs/s "
           "(%zu hits)\n",
           d, tc, n, ts, (double)n / ts, hits);
    hs_free_scratch(scratch);
    hs_free_database(db);
    for (size_t i = 0; i < d; i++)
        free(lits[i]);
    free(lits);
    free(lens);
    free(ids);
    free(flags);
}

int main(int argc, char **argv)
{
    size_t n = 100000, m = 200000, hyper = 0;
    int runs = 3;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--full"))
            n = 1000000;
        else if (!strcmp(argv[i], "--entries") && i + 1 < argc)
            n = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--urls") && i + 1 < argc)
            m = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--patterns") && i + 1 < argc)
            n_patterns = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--hyperscan") && i + 1 < argc)
            hyper = strtoul(argv[++i], NULL, 10);
        else
            die("usage: bench_sites [--entries N] [--urls M] [--runs K] [--full] "
                "[--patterns P] [--hyperscan D]");
    }
    if (n < 2 || m < 1 || runs < 1 || runs > 50)
        die("bad sizes");
    struct vg__strmap hostset;
    vg__strmap_init(&hostset);
    double build_s;
    struct ref ref;
    memset(&ref, 0, sizeof(ref));
    vg__strmap_init(&ref.domains);
    vg__strmap_init(&ref.prefixes);
    vg_site_matcher *mt = build(n, &hostset, &ref, &build_s);
    struct urls u;
    make_urls(&u, m, n / 2, n / 2);
    check_against_reference(&u, mt, &ref);
    double t_parse[50], t_host[50], t_match[50], t_both[50], t_ahead[50];
    size_t h_host = 0, h_match = 0, h_both = 0, h_ahead = 0;
    for (int r = 0; r < runs; r++) {
        t_parse[r] = run_parse(&u);
        t_host[r] = run_hostset(&u, &hostset, &h_host);
        t_match[r] = run_match(&u, mt, 0, 0, &h_match);
        t_ahead[r] = run_match(&u, mt, 0, 1, &h_ahead);
        t_both[r] = run_match(&u, mt, 1, 0, &h_both);
    }
    if (h_ahead != h_match)
        die("the prefetched run found other hits");
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double p = (double)m / median(t_parse, runs), h = (double)m / median(t_host, runs);
    double x = (double)m / median(t_match, runs), b = (double)m / median(t_both, runs);
    double xa = (double)m / median(t_ahead, runs);
    printf("bench_sites: %zu list entries (%zu domains, %zu URL prefixes, %d patterns), %zu URLs, "
           "median of %d runs\n",
           n, n - n / 2, n / 2, n_patterns, m, runs);
    printf("matcher built in %.2f s; peak RSS %.0f MB; answers equal to the reference on all %zu "
           "URLs\n",
           build_s, (double)ru.ru_maxrss / 1024, m);
    printf("rates in URLs per CPU second of this thread\n");
    printf("  %-34s %12.0f URLs/s\n", "parse (canonicalise only)", p);
    printf("  %-34s %12.0f URLs/s  (%zu hits)\n", "host hash (exact host, domains)", h, h_host);
    printf("  %-34s %12.0f URLs/s  (%zu hits)  %.2fx host hash\n", "match (canonical URLs)", x,
           h_match, x / h);
    printf("  %-34s %12.0f URLs/s  (%zu hits)  %.2fx host hash, %.2fx match\n",
           "match, prefetch 4 URLs ahead", xa, h_ahead, xa / h, xa / x);
    printf("  %-34s %12.0f URLs/s  (%zu hits)  %.2fx parse\n", "canonicalise + match", b, h_both,
           b / p);
    if (hyper)
        run_hyperscan(hyper, &u);
    for (size_t i = 0; i < m; i++) {
        free(u.canon[i]);
        free(u.raw[i]);
    }
    free(u.canon);
    free(u.raw);
    vg__strmap_release(&hostset);
    vg_site_matcher_free(mt);
    for (size_t i = 0; i < ref.n; i++)
        free(ref.e[i].value);
    free(ref.e);
    free(ref.first_domain);
    free(ref.first_prefix);
    free(ref.pattern_entry);
    vg__strmap_release(&ref.domains);
    vg__strmap_release(&ref.prefixes);
    hs_free_scratch(ref.scratch);
    hs_free_database(ref.patterns);
    return 0;
}
