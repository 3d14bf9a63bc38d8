/* SPDX-License-Identifier: Apache-2.0 */
/*
 * known_eval.c: how well the near-duplicate text index finds re-posted propaganda, measured on
 * real texts (`vigie bank eval-text`, docs/known.md).
 *
 * Known set: the pro-ISIS tweets of isis-fanboy (../shared/data, read by the classifier's corpus
 * loader, which already drops exact copies by normalised text and maps URLs to "url" and
 * mentions to "@user"). Texts whose matching form is shorter than min_chars are left out (a bank
 * does not hold "url lol"). The rest is deduplicated by clustering: a text within dedupe
 * similarity of one kept before is a copy (a retweet with a comment, a template), and dropped.
 * The kept texts are split in two by a seeded hash: one half is the bank, the other half is held
 * out as negatives from the same corpus (by construction below dedupe similarity of the bank).
 * Every "url" placeholder becomes an invented https://t.co/ link.
 *
 * Positives: each bank text mutated in each way (enum mutation), queried against the bank; the
 * query is found when its source text comes back at the threshold. Negatives: the held-out half,
 * random-tweets, about-isis-2017 and the MLMA/OSACT texts, none of which is in the bank; every
 * text they match, and every bank text other than its source that a mutation matches, is a false
 * match. All queries run once at the lowest threshold of the sweep and are counted at each.
 */
#include <string.h>

#include "detect.h"
#include "known.h"

enum mutation {
    MUT_EDITS,    /* 3 characters inserted, deleted or replaced */
    MUT_EMOJI,    /* 3 emoji inserted between words */
    MUT_HASHTAGS, /* 2 hashtags inserted between words */
    MUT_LINK,     /* the links replaced by others (one appended when there is none) */
    MUT_WORDDROP, /* one word in eight dropped (at least one) */
    MUT_TRUNCATE, /* cut to 75 % of its characters, with an ellipsis */
    MUT_MIXED,    /* one edit, one emoji, one hashtag and a new link */
    MUT__COUNT
};

static const char *const mutation_name[MUT__COUNT] = { "edits",    "emoji",    "hashtags", "link",
                                                       "worddrop", "truncate", "mixed" };

#define N_SWEEP 9
static const double sweep[N_SWEEP] = { 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7 };

enum lang_group {
    LG_AR,
    LG_FR,
    LG_EN,
    LG_OTHER,
    LG__COUNT
};

static const char *const lang_name[LG__COUNT] = { "ar", "fr", "en", "other" };

static enum lang_group lang_group_of(const char *lang)
{
    if (lang && !strcmp(lang, "ar"))
        return LG_AR;
    if (lang && !strcmp(lang, "fr"))
        return LG_FR;
    if (lang && !strcmp(lang, "en"))
        return LG_EN;
    return LG_OTHER;
}

/* Counts at each threshold of the sweep. */
struct tally {
    uint64_t queries, found[N_SWEEP], lsh_missed[N_SWEEP];
    uint64_t negatives, false_matches[N_SWEEP]; /* pairs */
    uint64_t negatives_matching[N_SWEEP];       /* negative texts with at least one match */
};

struct eval {
    const struct vg_known_eval_opts *o;
    uint64_t rng;
    struct vg_buf a, b; /* scratch */
    vg_text_index *ix;
    struct vg_known_fp *fps; /* of the bank texts, by id */
    char **texts;            /* bank texts (with links), by id */
    enum lang_group *lang;
    size_t n_bank;
    struct tally by_kind[MUT__COUNT], by_lang[LG__COUNT], by_source[4], all;
    uint64_t pool, short_texts, near_copies, held_out, unfingerprintable;
    uint64_t candidates, n_queries; /* LSH candidates over all queries */
};

static uint64_t rnd(struct eval *e)
{
    uint64_t x = e->rng;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    e->rng = x;
    return x;
}

static size_t rnd_below(struct eval *e, size_t n)
{
    return n ? (size_t)(rnd(e) % n) : 0;
}

/* ---- mutations ----------------------------------------------------------------------------- */

/* An invented short link (t.co style, as tweets carry them). */
static vg_status put_link(struct eval *e, struct vg_buf *out)
{
    static const char an[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    vg_status rc = vg_buf_puts(out, "https://t.co/");
    for (int i = 0; i < 10 && !rc; i++)
        rc = vg_buf_putc(out, an[rnd_below(e, sizeof(an) - 1)]);
    return rc;
}

static int is_alpha_ascii(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Copy s to out with every standalone "url" (the loader's placeholder) replaced by a link. */
static vg_status with_links(struct eval *e, const char *s, struct vg_buf *out, int *n_links)
{
    vg_buf_reset(out);
    *n_links = 0;
    size_t len = strlen(s);
    vg_status rc = VG_OK;
    for (size_t i = 0; i < len && !rc;) {
        if (!strncmp(s + i, "url", 3) && (i == 0 || !is_alpha_ascii(s[i - 1])) &&
            !is_alpha_ascii(s[i + 3])) {
            rc = put_link(e, out);
            (*n_links)++;
            i += 3;
        } else {
            rc = vg_buf_putc(out, s[i++]);
        }
    }
    if (!rc && !out->len)
        rc = vg_buf_puts(out, "");
    return rc;
}

/* Byte offsets of the code points of s (and its length last); n code points. */
static size_t cp_starts(const char *s, size_t len, size_t *off, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < len && n + 1 < cap; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80)
            off[n++] = i;
    off[n] = len;
    return n;
}

#define MAX_CP 4096

/* Byte offsets where a word could be inserted: the start, the end and after each space. */
static size_t gaps(const char *s, size_t len, size_t *off, size_t cap)
{
    size_t n = 0;
    off[n++] = 0;
    for (size_t i = 0; i < len && n + 1 < cap; i++)
        if (s[i] == ' ')
            off[n++] = i + 1;
    off[n++] = len;
    return n;
}

/* Insert word (with a space after it) at a random gap of in; result in out. */
static vg_status insert_word(struct eval *e, const char *in, size_t len, const char *word,
                             struct vg_buf *out)
{
    static size_t off[MAX_CP + 2];
    size_t n = gaps(in, len, off, MAX_CP);
    size_t at = off[rnd_below(e, n)];
    vg_buf_reset(out);
    vg_status rc = vg_buf_append(out, in, at);
    if (!rc && at == len && len)
        rc = vg_buf_putc(out, ' ');
    if (!rc)
        rc = vg_buf_puts(out, word);
    if (!rc && at < len)
        rc = vg_buf_putc(out, ' ');
    if (!rc)
        rc = vg_buf_append(out, in + at, len - at);
    return rc;
}

/* One character inserted, deleted or replaced (the new one taken from the text itself). */
static vg_status edit_char(struct eval *e, const char *in, size_t len, struct vg_buf *out)
{
    static size_t off[MAX_CP + 2];
    size_t n = cp_starts(in, len, off, MAX_CP + 1);
    vg_buf_reset(out);
    if (n == 0)
        return vg_buf_append(out, in, len);
    size_t at = rnd_below(e, n), from = rnd_below(e, n);
    int op = (int)rnd_below(e, 3); /* 0 insert, 1 delete, 2 replace */
    vg_status rc = vg_buf_append(out, in, off[at]);
    if (!rc && op != 1)
        rc = vg_buf_append(out, in + off[from], off[from + 1] - off[from]);
    size_t rest = op == 0 ? off[at] : off[at + 1];
    if (!rc)
        rc = vg_buf_append(out, in + rest, len - rest);
    return rc;
}

static vg_status drop_word(struct eval *e, const char *in, size_t len, struct vg_buf *out)
{
    static size_t off[MAX_CP + 2];
    size_t n = gaps(in, len, off, MAX_CP);
    vg_buf_reset(out);
    if (n <= 2) /* one word: nothing to drop */
        return vg_buf_append(out, in, len);
    size_t w = rnd_below(e, n - 1); /* word w spans [off[w], off[w + 1]) */
    vg_status rc = vg_buf_append(out, in, off[w]);
    if (!rc)
        rc = vg_buf_append(out, in + off[w + 1], len - off[w + 1]);
    return rc;
}

static vg_status truncate_text(const char *in, size_t len, struct vg_buf *out)
{
    static size_t off[MAX_CP + 2];
    size_t n = cp_starts(in, len, off, MAX_CP + 1);
    vg_buf_reset(out);
    vg_status rc = vg_buf_append(out, in, off[n * 3 / 4]);
    if (!rc)
        rc = vg_buf_puts(out, "\xe2\x80\xa6");
    return rc;
}

static const char *const emoji[] = {
    "\xf0\x9f\x94\xa5", "\xf0\x9f\x91\x87",         "\xe2\x9d\x97",
    "\xf0\x9f\x98\xa1", "\xe2\x9c\x8c\xef\xb8\x8f", "\xf0\x9f\x92\xaf"
};
/* Invented tags of the kind inserted into re-posts (news, calls to share, Arabic). */
static const char *const hashtags[] = { "#breaking",
                                        "#share",
                                        "#news",
                                        "#urgent",
                                        "#\xd8\xb9\xd8\xa7\xd8\xac\xd9\x84",
                                        "#info",
                                        "#\xd8\xa7\xd9\x86\xd8\xb4\xd8\xb1" };

/* Apply mutation m to the bank text in e->a; the result in e->b. */
static vg_status mutate(struct eval *e, enum mutation m, const char *bank_text, const char *base)
{
    struct vg_buf *a = &e->a, *b = &e->b;
    vg_status rc = VG_OK;
    int n_links;
    vg_buf_reset(a);
    if ((rc = vg_buf_puts(a, bank_text)))
        return rc;
    switch (m) {
        case MUT_EDITS:
            for (int i = 0; i < 3 && !rc; i++) {
                rc = edit_char(e, a->data, a->len, b);
                if (!rc && i < 2) {
                    vg_buf_reset(a);
                    rc = vg_buf_append(a, b->data, b->len);
                }
            }
            return rc;
        case MUT_EMOJI:
            for (int i = 0; i < 3 && !rc; i++) {
                rc = insert_word(e, a->data, a->len, emoji[rnd_below(e, VG_ARRAY_LEN(emoji))], b);
                if (!rc && i < 2) {
                    vg_buf_reset(a);
                    rc = vg_buf_append(a, b->data, b->len);
                }
            }
            return rc;
        case MUT_HASHTAGS:
            for (int i = 0; i < 2 && !rc; i++) {
                rc = insert_word(e, a->data, a->len, hashtags[rnd_below(e, VG_ARRAY_LEN(hashtags))],
                                 b);
                if (!rc && i < 1) {
                    vg_buf_reset(a);
                    rc = vg_buf_append(a, b->data, b->len);
                }
            }
            return rc;
        case MUT_LINK:
            if ((rc = with_links(e, base, b, &n_links)))
                return rc;
            if (n_links == 0) {
                rc = vg_buf_putc(b, ' ');
                if (!rc)
                    rc = put_link(e, b);
            }
            return rc;
        case MUT_WORDDROP: {
            size_t words = 1;
            for (size_t i = 0; i < a->len; i++)
                words += a->data[i] == ' ';
            size_t drops = words / 8 ? words / 8 : 1;
            for (size_t i = 0; i < drops && !rc; i++) {
                rc = drop_word(e, a->data, a->len, b);
                if (!rc && i + 1 < drops) {
                    vg_buf_reset(a);
                    rc = vg_buf_append(a, b->data, b->len);
                }
            }
            return rc;
        }
        case MUT_TRUNCATE:
            return truncate_text(a->data, a->len, b);
        case MUT_MIXED:
            if ((rc = with_links(e, base, a, &n_links)))
                return rc;
            if (!n_links && !(rc = vg_buf_putc(a, ' ')))
                rc = put_link(e, a);
            if (!rc)
                rc = edit_char(e, a->data, a->len, b);
            if (!rc) {
                vg_buf_reset(a);
                rc = vg_buf_append(a, b->data, b->len);
            }
            if (!rc)
                rc = insert_word(e, a->data, a->len, emoji[rnd_below(e, VG_ARRAY_LEN(emoji))], b);
            if (!rc) {
                vg_buf_reset(a);
                rc = vg_buf_append(a, b->data, b->len);
            }
            if (!rc)
                rc = insert_word(e, a->data, a->len, hashtags[rnd_below(e, VG_ARRAY_LEN(hashtags))],
                                 b);
            return rc;
        default:
            return VG_EINVAL;
    }
}

/* ---- queries ------------------------------------------------------------------------------- */

struct query_result {
    uint64_t source; /* bank id the query came from, UINT64_MAX for a negative */
    double source_sim;
    double wrong[64]; /* similarities of other texts matched (the first 64) */
    size_t n_wrong;
    uint64_t n_wrong_total;
};

static int on_match(uint64_t id, double estimate, double similarity, void *ud)
{
    VG_UNUSED(estimate);
    struct query_result *q = ud;
    if (id == q->source) {
        q->source_sim = similarity;
    } else {
        if (q->n_wrong < VG_ARRAY_LEN(q->wrong))
            q->wrong[q->n_wrong++] = similarity;
        q->n_wrong_total++;
    }
    return 0;
}

static void count_wrong(struct tally *t, const struct query_result *q)
{
    for (int s = 0; s < N_SWEEP; s++) {
        uint64_t n = 0;
        for (size_t i = 0; i < q->n_wrong; i++)
            n += q->wrong[i] >= sweep[s];
        t->false_matches[s] += n;
    }
}

static void count_positive(struct tally *t, const struct query_result *q, double exact)
{
    t->queries++;
    for (int s = 0; s < N_SWEEP; s++) {
        t->found[s] += q->source_sim >= sweep[s];
        t->lsh_missed[s] += q->source_sim < sweep[s] && exact >= sweep[s];
    }
    count_wrong(t, q);
}

static void count_negative(struct tally *t, const struct query_result *q)
{
    t->negatives++;
    for (int s = 0; s < N_SWEEP; s++) {
        int any = 0;
        for (size_t i = 0; i < q->n_wrong; i++)
            any |= q->wrong[i] >= sweep[s];
        t->negatives_matching[s] += any;
    }
    count_wrong(t, q);
}

/* Query text; VG_EPARSE (no words) leaves q empty. */
static vg_status run_query(struct eval *e, const char *text, size_t len, struct query_result *q)
{
    size_t n_cand = 0;
    vg_status rc = vg__text_index_query_n(e->ix, text, len, sweep[0], on_match, q, &n_cand);
    e->candidates += n_cand;
    e->n_queries++;
    return rc == VG_EPARSE ? VG_OK : rc;
}

static vg_status query_positives(struct eval *e, const struct vg_corpus *c, const size_t *src)
{
    for (size_t id = 0; id < e->n_bank; id++) {
        for (int m = 0; m < MUT__COUNT; m++) {
            vg_status rc = mutate(e, (enum mutation)m, e->texts[id], c->ex[src[id]].text);
            if (rc)
                return rc;
            struct query_result q = { .source = id, .source_sim = -1 };
            if ((rc = run_query(e, e->b.data ? e->b.data : "", e->b.len, &q)))
                return rc;
            /* The exact similarity, to tell what LSH missed from what the threshold refused. */
            struct vg_known_fp fp;
            double exact = 0;
            if (vg__known_fp_make(e->b.data ? e->b.data : "", e->b.len, &fp) == VG_OK) {
                exact = vg__known_fp_jaccard(&fp, &e->fps[id]);
                vg__known_fp_release(&fp);
            }
            count_positive(&e->by_kind[m], &q, exact);
            count_positive(&e->by_lang[e->lang[id]], &q, exact);
            count_positive(&e->all, &q, exact);
        }
    }
    return VG_OK;
}

static vg_status query_negative(struct eval *e, const char *text, const char *lang, int source)
{
    int n_links;
    vg_status rc = with_links(e, text, &e->a, &n_links);
    if (rc)
        return rc;
    struct query_result q = { .source = UINT64_MAX, .source_sim = -1 };
    if ((rc = run_query(e, e->a.data ? e->a.data : "", e->a.len, &q)))
        return rc;
    count_negative(&e->by_lang[lang_group_of(lang)], &q);
    count_negative(&e->by_source[source], &q);
    count_negative(&e->all, &q);
    return VG_OK;
}

/* ---- the bank ------------------------------------------------------------------------------ */

static int is_known_source(const struct vg_example *x)
{
    return !strcmp(x->source, "isis-fanboy");
}

/* Codepoints of the matching form of s (0 when it has no words). */
static size_t matching_chars(struct eval *e, const char *s)
{
    vg_buf_reset(&e->b);
    if (vg__known_text_words(s, strlen(s), &e->b) != VG_OK)
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < e->b.len; i++)
        n += ((unsigned char)e->b.data[i] & 0xc0) != 0x80;
    return n;
}

/*
 * Choose the bank: isis-fanboy texts long enough, one per cluster of near copies; every other
 * kept text (by a seeded hash of its position) is held out. src[id] is the corpus example of bank
 * text id; held[] marks the held-out examples.
 */
/* 1 when fp is within dedupe similarity of a kept text: every kept text is compared (the
 * signature estimate first, the exact similarity when the estimate comes near), so the
 * deduplication does not depend on the LSH bands being measured. */
static int near_kept(const struct eval *e, const struct vg_known_fp *kept, size_t n,
                     const struct vg_known_fp *fp)
{
    for (size_t i = 0; i < n; i++)
        if (vg__known_fp_estimate(&kept[i], fp) >= e->o->dedupe - 0.15 &&
            vg__known_fp_jaccard(&kept[i], fp) >= e->o->dedupe)
            return 1;
    return 0;
}

/*
 * Choose the bank: isis-fanboy texts long enough, one per cluster of near copies; every other
 * kept text (by a seeded hash of its position) is held out. src[id] is the corpus example of bank
 * text id; held[] marks the held-out examples.
 */
static vg_status choose_bank(struct eval *e, const struct vg_corpus *c, size_t *src, int *held)
{
    struct vg_known_fp *kept = vg_calloc(c->n ? c->n : 1, sizeof(*kept));
    if (!kept)
        return VG_ENOMEM;
    vg_status rc = VG_OK;
    size_t n_kept = 0;
    for (size_t i = 0; i < c->n && !rc; i++) {
        const struct vg_example *x = &c->ex[i];
        if (!is_known_source(x))
            continue;
        e->pool++;
        /* Judged as the bank will hold it: the "url" placeholders as links (which do not count). */
        int n_links;
        if ((rc = with_links(e, x->text, &e->a, &n_links)))
            break;
        if (matching_chars(e, e->a.data ? e->a.data : "") < e->o->min_chars) {
            e->short_texts++;
            continue;
        }
        struct vg_known_fp fp;
        if ((rc = vg__known_fp_make(e->a.data, e->a.len, &fp)) == VG_EPARSE) {
            e->short_texts++; /* too few distinct shingles: nothing a bank could match */
            rc = VG_OK;
            continue;
        }
        if (rc)
            break;
        if (near_kept(e, kept, n_kept, &fp)) {
            e->near_copies++;
            vg__known_fp_release(&fp);
            continue;
        }
        kept[n_kept++] = fp;
        uint64_t k = n_kept;
        if (vg_hash64(&k, sizeof(k), e->o->seed) & 1) {
            held[i] = 1;
            e->held_out++;
        } else {
            src[e->n_bank++] = i;
        }
    }
    for (size_t i = 0; i < n_kept; i++)
        vg__known_fp_release(&kept[i]);
    vg_free(kept);
    return rc;
}

static vg_status fill_bank(struct eval *e, const struct vg_corpus *c, const size_t *src)
{
    e->fps = vg_calloc(e->n_bank ? e->n_bank : 1, sizeof(*e->fps));
    e->texts = vg_calloc(e->n_bank ? e->n_bank : 1, sizeof(*e->texts));
    e->lang = vg_calloc(e->n_bank ? e->n_bank : 1, sizeof(*e->lang));
    if (!e->fps || !e->texts || !e->lang)
        return VG_ENOMEM;
    for (size_t id = 0; id < e->n_bank; id++) {
        const struct vg_example *x = &c->ex[src[id]];
        int n_links;
        vg_status rc = with_links(e, x->text, &e->a, &n_links);
        if (rc)
            return rc;
        if (!(e->texts[id] = vg_strdup(e->a.data ? e->a.data : "")))
            return VG_ENOMEM;
        e->lang[id] = lang_group_of(x->lang);
        if ((rc = vg__known_fp_make(e->a.data, e->a.len, &e->fps[id])))
            return rc;
        if ((rc = vg_text_index_add(e->ix, e->a.data, e->a.len, id)))
            return rc;
    }
    return VG_OK;
}

/* ---- report -------------------------------------------------------------------------------- */

static int pick(double t)
{
    int best = 0;
    for (int s = 0; s < N_SWEEP; s++)
        if (sweep[s] <= t + 1e-9)
            best = s;
    return best;
}

static double ratio(uint64_t a, uint64_t b)
{
    return b ? (double)a / (double)b : 0;
}

static vg_status tally_json(const struct tally *t, int s, struct vg_buf *out)
{
    uint64_t fm = t->false_matches[s];
    return vg_buf_printf(out,
                         "{\"queries\":%llu,\"found\":%llu,\"recall\":%.4f,\"lsh_missed\":%llu,"
                         "\"negatives\":%llu,\"negatives_matching\":%llu,\"false_matches\":%llu,"
                         "\"precision\":%.4f}",
                         (unsigned long long)t->queries, (unsigned long long)t->found[s],
                         ratio(t->found[s], t->queries), (unsigned long long)t->lsh_missed[s],
                         (unsigned long long)t->negatives,
                         (unsigned long long)t->negatives_matching[s], (unsigned long long)fm,
                         t->found[s] + fm ? ratio(t->found[s], t->found[s] + fm) : 1.0);
}

static vg_status report(struct eval *e, uint64_t negatives_by_source[4], struct vg_buf *out)
{
    int s = pick(e->o->threshold);
    vg_status rc = vg_buf_printf(
            out,
            "{\"threshold\":%.2f,\"shingle\":%d,\"bins\":%d,\"bands\":%d,\"rows\":%d,"
            "\"known\":{\"source\":\"isis-fanboy\",\"texts\":%llu,\"shorter_than_min_chars\":%llu,"
            "\"min_chars\":%zu,\"min_shingles\":%d,\"near_copies_dropped\":%llu,\"dedupe_"
            "similarity\":%.2f,"
            "\"held_out_as_negatives\":%llu,\"bank\":%zu},"
            "\"candidates_per_query\":%.2f,\"negatives\":{\"isis-fanboy-held-out\":%llu,\"random-"
            "tweets\":%llu,\"about-isis-"
            "2017\":"
            "%llu,\"hate-speech\":%llu},\"mutations_per_text\":%d,\"all\":",
            sweep[s], VG_KNOWN_SHINGLE, VG_KNOWN_BINS, VG_KNOWN_BANDS, VG_KNOWN_ROWS,
            (unsigned long long)e->pool, (unsigned long long)e->short_texts, e->o->min_chars,
            VG_KNOWN_MIN_SHINGLES, (unsigned long long)e->near_copies, e->o->dedupe,
            (unsigned long long)e->held_out, e->n_bank, ratio(e->candidates, e->n_queries),
            (unsigned long long)negatives_by_source[0], (unsigned long long)negatives_by_source[1],
            (unsigned long long)negatives_by_source[2], (unsigned long long)negatives_by_source[3],
            MUT__COUNT);
    if (!rc)
        rc = tally_json(&e->all, s, out);
    if (!rc)
        rc = vg_buf_puts(out, ",\"by_kind\":{");
    for (int m = 0; m < MUT__COUNT && !rc; m++) {
        rc = vg_buf_printf(out, "%s\"%s\":", m ? "," : "", mutation_name[m]);
        if (!rc)
            rc = tally_json(&e->by_kind[m], s, out);
    }
    if (!rc)
        rc = vg_buf_puts(out, "},\"by_lang\":{");
    for (int l = 0; l < LG__COUNT && !rc; l++) {
        rc = vg_buf_printf(out, "%s\"%s\":", l ? "," : "", lang_name[l]);
        if (!rc)
            rc = tally_json(&e->by_lang[l], s, out);
    }
    static const char *const source_name[4] = { "isis-fanboy-held-out", "random-tweets",
                                                "about-isis-2017", "hate-speech" };
    if (!rc)
        rc = vg_buf_puts(out, "},\"negatives_by_source\":{");
    for (int k = 0; k < 4 && !rc; k++) {
        rc = vg_buf_printf(out, "%s\"%s\":", k ? "," : "", source_name[k]);
        if (!rc)
            rc = tally_json(&e->by_source[k], s, out);
    }
    if (!rc)
        rc = vg_buf_puts(out, "},\"sweep\":[");
    for (int k = 0; k < N_SWEEP && !rc; k++) {
        uint64_t f = e->all.found[k], fm = e->all.false_matches[k];
        rc = vg_buf_printf(out,
                           "%s{\"threshold\":%.2f,\"recall\":%.4f,\"precision\":%.4f,"
                           "\"false_matches\":%llu,\"lsh_missed\":%llu}",
                           k ? "," : "", sweep[k], ratio(f, e->all.queries),
                           f + fm ? ratio(f, f + fm) : 1.0, (unsigned long long)fm,
                           (unsigned long long)e->all.lsh_missed[k]);
    }
    if (!rc)
        rc = vg_buf_puts(out, "]}");
    return rc;
}

void vg_known_eval_opts_init(struct vg_known_eval_opts *o)
{
    o->threshold = VG_TEXT_MATCH_DEFAULT;
    o->dedupe = 0.3;
    o->min_chars = 30;
    o->seed = 20261123u;
}

static int negative_source(const struct vg_example *x)
{
    if (!strcmp(x->source, "random-tweets"))
        return 1;
    if (!strncmp(x->source, "about-isis", 10))
        return 2;
    return 3;
}

vg_status vg_known_eval_text(const char *data_dir, const struct vg_known_eval_opts *o,
                             char **json_out)
{
    *json_out = NULL;
    struct vg_corpus c;
    memset(&c, 0, sizeof(c));
    struct eval e;
    memset(&e, 0, sizeof(e));
    e.o = o;
    e.rng = o->seed | 1;
    vg_buf_init(&e.a, 4 * (size_t)VG_TEXT_MAX);
    vg_buf_init(&e.b, 4 * (size_t)VG_TEXT_MAX);
    struct vg_buf out;
    vg_buf_init(&out, 1u << 20);
    size_t *src = NULL;
    int *held = NULL;
    uint64_t neg_by_source[4] = { 0 };
    vg_status rc = vg__corpus_load(data_dir, VG_CORPUS_SEED_DEFAULT, &c);
    if (rc)
        goto fail;
    src = vg_calloc(c.n ? c.n : 1, sizeof(*src));
    held = vg_calloc(c.n ? c.n : 1, sizeof(*held));
    if (!src || !held) {
        rc = VG_ENOMEM;
        goto fail;
    }
    if ((rc = vg_text_index_new(&e.ix)) || (rc = choose_bank(&e, &c, src, held)) ||
        (rc = fill_bank(&e, &c, src)) || (rc = query_positives(&e, &c, src)))
        goto fail;
    for (size_t i = 0; i < c.n && !rc; i++) {
        const struct vg_example *x = &c.ex[i];
        if (is_known_source(x) && !held[i])
            continue;
        int source = is_known_source(x) ? 0 : negative_source(x);
        if ((rc = query_negative(&e, x->text, x->lang, source)))
            goto fail;
        neg_by_source[source]++;
    }
    if ((rc = report(&e, neg_by_source, &out)))
        goto fail;
    *json_out = vg_buf_take(&out);
fail:
    for (size_t i = 0; e.fps && i < e.n_bank; i++)
        vg__known_fp_release(&e.fps[i]);
    for (size_t i = 0; e.texts && i < e.n_bank; i++)
        vg_free(e.texts[i]);
    vg_free(e.fps);
    vg_free(e.texts);
    vg_free(e.lang);
    vg_text_index_free(e.ix);
    vg_free(src);
    vg_free(held);
    vg_buf_release(&e.a);
    vg_buf_release(&e.b);
    vg_buf_release(&out);
    vg__corpus_release(&c);
    return rc;
}
