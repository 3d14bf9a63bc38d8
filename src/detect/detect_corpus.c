/* SPDX-License-Identifier: Apache-2.0 */
/*
 * detect_corpus.c: the labelled corpus the propaganda classifier is trained, calibrated and
 * tested on (vg__corpus_load in detect.h), built from the public datasets under ../shared/data
 * (docs/training-data.md says what each contributes and how far its labels can be trusted).
 *
 * Positives are the tweets of accounts Fifth Tribe judged pro-ISIS (isis-fanboy, read with the
 * Fifth Tribe reader). Negatives are random English tweets, the MLMA and OSACT hate-speech sets
 * (hard negatives: hateful is not extremist) and the about-isis 2017 tweets (v1.1 objects read
 * with the Twitter reader), of which topic-TRAIN-PRO is news and opinion about ISIS: topic-
 * labelled, noisy, a minority may be supportive, and treated as negative all the same.
 *
 * Each dataset writes mentions, links and line breaks its own way ("@USER", "@url", "<LF>",
 * pseudonyms "@u" + 10 hex); left alone, those spellings would tell the model which dataset a
 * text comes from, which is the label. They are mapped to one spelling here.
 *
 * Copies are dropped: the first example with a given dedupe key (the normalised mapped text) is
 * kept, later ones are counted and dropped, so no text sits in two splits. Splits are
 * account-disjoint and time-ordered where the source has accounts and times: a source's
 * accounts are ordered by the median time of their posts and filled into TRAIN until ~70% of
 * its examples, CALIB ~10%, TEST ~20%; an account keeps the split an earlier source gave it (the
 * about-isis files share accounts). Other sources are split by a seeded hash of the dedupe key.
 *
 * The per-source counters travel with the examples: c->ex points into a block that starts with
 * them (struct corpus_store), so vg__corpus_summary_json() can print them from the corpus alone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "detect_corpus_int.h"
#include "text.h"

/* ---- CSV / TSV records ---------------------------------------------------------------------- */

enum csv_state {
    CSV_FIELD_START,
    CSV_UNQUOTED,
    CSV_QUOTED,
    CSV_QUOTE_SEEN
};

void vg__csv_init(struct vg_csv *r, const char *data, size_t len, char delim, int quoting)
{
    memset(r, 0, sizeof(*r));
    r->data = data;
    r->len = len;
    r->line = 1;
    r->delim = delim;
    r->quoting = quoting;
    vg_buf_init(&r->buf, VG_CSV_RECORD_MAX);
}

void vg__csv_release(struct vg_csv *r)
{
    vg_buf_release(&r->buf);
}

/* Give up the broken record's first line only; the lines after it are read again. */
static int csv_broken(struct vg_csv *r, size_t start, const char *reason)
{
    const char *nl = memchr(r->data + start, '\n', r->len - start);
    r->reason = reason;
    r->n_fields = 0;
    if (nl) {
        r->pos = (size_t)(nl - r->data) + 1;
        r->line = r->rec_line + 1;
    } else {
        r->pos = r->len;
        r->line = r->rec_line;
    }
    return VG_EPARSE;
}

/* Start field number r->n_fields; 0 when there are too many. */
static int csv_field_start(struct vg_csv *r)
{
    if (r->n_fields == VG_CSV_FIELDS_MAX)
        return 0;
    r->off[r->n_fields++] = r->buf.len;
    return 1;
}

int vg__csv_next(struct vg_csv *r)
{
    const char *d = r->data;
    size_t n = r->len;
    if (r->pos == 0 && n >= 3 && memcmp(d, "\xEF\xBB\xBF", 3) == 0)
        r->pos = 3;
    /* Empty lines hold no record. */
    while (r->pos < n &&
           (d[r->pos] == '\n' || (d[r->pos] == '\r' && r->pos + 1 < n && d[r->pos + 1] == '\n'))) {
        r->pos += d[r->pos] == '\r' ? 2 : 1;
        r->line++;
    }
    r->n_fields = 0;
    r->reason = NULL;
    if (r->pos >= n)
        return 0;
    r->rec_line = r->line;
    vg_buf_reset(&r->buf);

    size_t start = r->pos, i = start;
    uint64_t line = r->line, spanned = 0;
    enum csv_state st = CSV_FIELD_START;
    vg_status rc;
    csv_field_start(r);
    while (i < n) {
        char ch = d[i];
        int eol = ch == '\n' || (ch == '\r' && i + 1 < n && d[i + 1] == '\n');
        if (st == CSV_QUOTED) {
            if (ch == '"') {
                st = CSV_QUOTE_SEEN;
                i++;
                continue;
            }
            if (ch == '\n' && ++spanned > VG_CSV_SPAN_LINES)
                return csv_broken(r, start, "quoted field not closed within 1000 lines");
            if (ch == '\n')
                line++;
        } else if (st == CSV_QUOTE_SEEN && ch == '"') {
            st = CSV_QUOTED; /* "" inside a quoted field */
        } else if (ch == r->delim) {
            if ((rc = vg_buf_putc(&r->buf, '\0')))
                goto fail;
            if (!csv_field_start(r))
                return csv_broken(r, start, "more than 64 fields");
            st = CSV_FIELD_START;
            i++;
            continue;
        } else if (eol) {
            break;
        } else if (st == CSV_QUOTE_SEEN) {
            return csv_broken(r, start, "text after a closing quote");
        } else if (r->quoting && ch == '"') {
            if (st != CSV_FIELD_START)
                return csv_broken(r, start, "quote inside an unquoted field");
            st = CSV_QUOTED;
            i++;
            continue;
        } else {
            st = CSV_UNQUOTED;
        }
        if ((rc = vg_buf_putc(&r->buf, ch)))
            goto fail;
        i++;
    }
    if (st == CSV_QUOTED)
        return csv_broken(r, start, "quoted field not closed at the end of the input");
    if ((rc = vg_buf_putc(&r->buf, '\0')))
        goto fail;
    if (i < n) {
        i += d[i] == '\r' ? 2 : 1;
        line++;
    }
    r->pos = i;
    r->line = line;
    for (size_t k = 0; k < r->n_fields; k++) {
        size_t end = k + 1 < r->n_fields ? r->off[k + 1] : r->buf.len;
        r->field[k] = r->buf.data + r->off[k];
        r->field_len[k] = end - r->off[k] - 1; /* without its NUL */
    }
    return 1;

fail:
    if (rc == VG_ELIMIT)
        return csv_broken(r, start, "record over 1 MiB");
    r->n_fields = 0;
    return rc;
}

/* ---- texts ---------------------------------------------------------------------------------- */

static int is_handle_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int starts_with_ci(const char *s, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    if (n < k)
        return 0;
    for (size_t i = 0; i < k; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != lit[i])
            return 0;
    }
    return 1;
}

/* s[0..n) begins with the word `lit` (not followed by a handle character). */
static int starts_with_word(const char *s, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    return n >= k && memcmp(s, lit, k) == 0 && (n == k || !is_handle_char(s[k]));
}

static int is_url_start(const char *s, size_t n)
{
    return starts_with_ci(s, n, "http://") || starts_with_ci(s, n, "https://");
}

static size_t scheme_prefix_len(const char *s, size_t n, const char *scheme)
{
    size_t k = 0;
    while (k < n && scheme[k] && (s[k] | 0x20) == scheme[k])
        k++;
    return k;
}

/*
 * A link cut short where the text was truncated: "htt…", "https…", "http:/…" (a prefix of
 * "http://" or "https://" of 3 bytes or more, then "…", "..." or the end of the text). 5% of the
 * positives end so and 1% of random-tweets, so left alone "https" became a sign of propaganda.
 * Returns its length with the ellipsis, or 0.
 */
static size_t truncated_url_len(const char *s, size_t n)
{
    size_t k = scheme_prefix_len(s, n, "https://"), k2 = scheme_prefix_len(s, n, "http://");
    if (k2 > k)
        k = k2;
    if (k < 3)
        return 0;
    if (k == n)
        return k;
    if (n - k >= 3 && (memcmp(s + k, "\xe2\x80\xa6", 3) == 0 || memcmp(s + k, "...", 3) == 0))
        return k + 3;
    return 0;
}

/*
 * "@u" + 10 lower-case hex digits, the datasets' pseudonym for a mentioned account, ending where
 * a handle ends or where a URL glued to it starts.
 */
static int is_pseudonym(const char *s, size_t n)
{
    if (n < 12 || s[0] != '@' || s[1] != 'u' ||
        (n > 12 && is_handle_char(s[12]) && !is_url_start(s + 12, n - 12)))
        return 0;
    for (size_t i = 2; i < 12; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

/* The "url" placeholder, set off from a word before it. */
static vg_status put_url(struct vg_buf *out, size_t start, unsigned flags)
{
    vg_status rc;
    if (flags & VG_CORPUS_MAP_NO_URL)
        return vg_buf_putc(out, ' ');
    if (out->len > start && !is_space(out->data[out->len - 1]) && (rc = vg_buf_putc(out, ' ')))
        return rc;
    return vg_buf_puts(out, "url");
}

vg_status vg__corpus_map_text(const char *s, size_t len, unsigned flags, struct vg_buf *out)
{
    size_t start = out->len, i = 0;
    int saw_backslash = 0;
    vg_status rc = VG_OK;
    while (i < len) {
        const char *p = s + i;
        size_t rest = len - i, cut;
        if (*p == '@' && (flags & VG_CORPUS_MAP_OSACT) && starts_with_word(p, rest, "@USER")) {
            rc = vg_buf_puts(out, "@user");
            i += 5;
        } else if (*p == '@' && (flags & VG_CORPUS_MAP_MLMA) && starts_with_word(p, rest, "@url")) {
            rc = put_url(out, start, flags);
            i += 4;
        } else if (*p == '@' && is_pseudonym(p, rest)) {
            rc = vg_buf_puts(out, "@user");
            i += 12;
        } else if ((*p == 'h' || *p == 'H') && is_url_start(p, rest)) {
            /* A URL runs to white space: t.co links and truncated "https://t.co/x…" alike. */
            while (i < len && !is_space(s[i]))
                i++;
            rc = put_url(out, start, flags);
        } else if ((*p == 'h' || *p == 'H') && (i == 0 || is_space(s[i - 1])) &&
                   (cut = truncated_url_len(p, rest)) > 0) {
            i += cut;
            rc = put_url(out, start, flags);
        } else if (*p == '<' && (flags & VG_CORPUS_MAP_OSACT) && rest >= 4 &&
                   memcmp(p, "<LF>", 4) == 0) {
            rc = vg_buf_putc(out, '\n');
            i += 4;
        } else if (*p == '\\' && (flags & VG_CORPUS_MAP_QUOTE)) {
            rc = vg_buf_putc(out, '"');
            saw_backslash = 1;
            i++;
        } else {
            /* Copy up to the next character that may start a placeholder. */
            size_t j = i + 1;
            while (j < len && s[j] != '@' && s[j] != 'h' && s[j] != 'H' && s[j] != '<' &&
                   s[j] != '\\')
                j++;
            rc = vg_buf_append(out, p, j - i);
            i = j;
        }
        if (rc)
            goto fail;
    }
    if ((rc = vg_buf_reserve(out, 0)))
        goto fail;

    /* Trim, then drop leading "RT @handle:" markers so a retweet dedupes with its original. */
    char *b = out->data + start;
    size_t n = out->len - start, a = 0;
    for (;;) {
        while (a < n && is_space(b[a]))
            a++;
        if (n - a < 5 || memcmp(b + a, "RT @", 4) != 0 || !is_handle_char(b[a + 4]))
            break;
        size_t k = a + 4;
        while (k < n && is_handle_char(b[k]))
            k++;
        if (k < n && b[k] == ':')
            k++;
        a = k;
    }
    while (n > a && is_space(b[n - 1]))
        n--;
    /* random-tweets: the closing quote of a text that ended in a quotation was kept once too
     * many when the JSON escapes were half decoded; an unmatched final quote is that one. */
    if (saw_backslash && n > a && b[n - 1] == '"') {
        size_t quotes = 0;
        for (size_t k = a; k < n; k++)
            quotes += b[k] == '"';
        if (quotes % 2)
            n--;
        while (n > a && is_space(b[n - 1]))
            n--;
    }
    memmove(b, b + a, n - a);
    out->len = start + (n - a);
    out->data[out->len] = '\0';
    return VG_OK;

fail:
    out->len = start;
    if (out->data)
        out->data[start] = '\0';
    return rc;
}

vg_status vg__corpus_dedupe_key(const char *text, size_t len, struct vg_buf *out)
{
    vg_buf_reset(out);
    return vg_text_normalize_buf(text, len, out);
}

/* ---- a map of 64-bit hashes (0 is the empty slot) ------------------------------------------- */

struct u64map {
    uint64_t *key;
    uint32_t *val;
    size_t cap, n; /* cap a power of two, n <= cap / 2 */
};

static void u64map_release(struct u64map *m)
{
    vg_free(m->key);
    vg_free(m->val);
    memset(m, 0, sizeof(*m));
}

static size_t u64map_slot(const struct u64map *m, uint64_t k)
{
    size_t mask = m->cap - 1, i = (size_t)(k ^ (k >> 29)) & mask;
    while (m->key[i] && m->key[i] != k)
        i = (i + 1) & mask;
    return i;
}

static vg_status u64map_grow(struct u64map *m)
{
    struct u64map g = { 0 };
    g.cap = m->cap ? m->cap * 2 : 1024;
    g.key = vg_calloc(g.cap, sizeof(*g.key));
    g.val = vg_calloc(g.cap, sizeof(*g.val));
    if (!g.key || !g.val)
        goto fail;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->key[i])
            continue;
        size_t s = u64map_slot(&g, m->key[i]);
        g.key[s] = m->key[i];
        g.val[s] = m->val[i];
    }
    g.n = m->n;
    u64map_release(m);
    *m = g;
    return VG_OK;

fail:
    u64map_release(&g);
    return VG_ENOMEM;
}

/*
 * Find k; if absent, insert it with value v. Returns 1 and sets *found_val when k was there,
 * 0 when inserted, or VG_ENOMEM.
 */
static int u64map_put(struct u64map *m, uint64_t k, uint32_t v, uint32_t *found_val)
{
    if (!k)
        k = 1;
    if ((m->n + 1) * 2 > m->cap && u64map_grow(m) != VG_OK)
        return VG_ENOMEM;
    size_t s = u64map_slot(m, k);
    if (m->key[s]) {
        *found_val = m->val[s];
        return 1;
    }
    m->key[s] = k;
    m->val[s] = v;
    m->n++;
    return 0;
}

static int u64map_get(const struct u64map *m, uint64_t k, uint32_t *val)
{
    if (!k)
        k = 1;
    if (!m->cap)
        return 0;
    size_t s = u64map_slot(m, k);
    if (!m->key[s])
        return 0;
    *val = m->val[s];
    return 1;
}

/* ---- the loader ----------------------------------------------------------------------------- */

/* The sources, in the order they are read: the first copy of a text wins, so positives first. */
enum source_id {
    SRC_FANBOY,
    SRC_ABOUT_PRO,
    SRC_ABOUT_CON,
    SRC_ABOUT_FEATURE,
    SRC_ABOUT_TEST,
    SRC_RANDOM,
    SRC_MLMA_EN,
    SRC_MLMA_FR,
    SRC_MLMA_AR,
    SRC_OSACT,
    SRC__COUNT
};

enum source_kind {
    KIND_FIFTH_TRIBE, /* vg_convert_path, Fifth Tribe CSV */
    KIND_TWITTER_V1,  /* vg_convert_path, v1.1 JSON lines (gzip) */
    KIND_CSV_TEXT,    /* one column "text" */
    KIND_MLMA,        /* HITId,tweet,sentiment,... */
    KIND_OSACT        /* TSV without header: id, text, OFF/NOT_OFF, HS, VLG, VIO */
};

struct source_def {
    const char *name;
    const char *file;
    enum source_kind kind;
    int label;
    const char *lang; /* the dataset's only language, the fallback for "und"; NULL if mixed */
    unsigned map;     /* VG_CORPUS_MAP_* artefacts to undo */
    int news;
};

static const struct source_def sources[SRC__COUNT] = {
    [SRC_FANBOY] = { "isis-fanboy", "isis-fanboy/tweets.csv", KIND_FIFTH_TRIBE, 1, NULL, 0, 0 },
    [SRC_ABOUT_PRO] = { "about-isis-pro", "about-isis-2017/topic-TRAIN-PRO.jsonl.gz",
                        KIND_TWITTER_V1, 0, NULL, 0, 1 },
    [SRC_ABOUT_CON] = { "about-isis-con", "about-isis-2017/topic-TRAIN-CON.jsonl.gz",
                        KIND_TWITTER_V1, 0, NULL, 0, 0 },
    [SRC_ABOUT_FEATURE] = { "about-isis-feature", "about-isis-2017/topic-FEATURE.jsonl.gz",
                            KIND_TWITTER_V1, 0, NULL, 0, 0 },
    [SRC_ABOUT_TEST] = { "about-isis-test", "about-isis-2017/topic-TEST.jsonl.gz", KIND_TWITTER_V1,
                         0, NULL, 0, 0 },
    [SRC_RANDOM] = { "random-tweets", "random-tweets/tweets.csv", KIND_CSV_TEXT, 0, "en",
                     VG_CORPUS_MAP_QUOTE, 0 },
    [SRC_MLMA_EN] = { "mlma-en", "mlma-hate-speech/en_dataset.csv", KIND_MLMA, 0, "en",
                      VG_CORPUS_MAP_MLMA, 0 },
    [SRC_MLMA_FR] = { "mlma-fr", "mlma-hate-speech/fr_dataset.csv", KIND_MLMA, 0, "fr",
                      VG_CORPUS_MAP_MLMA, 0 },
    [SRC_MLMA_AR] = { "mlma-ar", "mlma-hate-speech/ar_dataset.csv", KIND_MLMA, 0, "ar",
                      VG_CORPUS_MAP_MLMA, 0 },
    [SRC_OSACT] = { "osact2022", "osact2022-arabic/osact2022.tsv", KIND_OSACT, 0, "ar",
                    VG_CORPUS_MAP_OSACT, 0 },
};

#define SPLIT_TRAIN 0.7
#define SPLIT_CALIB 0.1 /* TEST takes the rest, ~0.2 */

/* The block c->ex points into: the counters, then the examples. */
#define CORPUS_MAGIC 0x5647434f52505553ull /* "VGCORPUS" */

struct corpus_store {
    uint64_t magic;
    uint64_t seed;
    size_t n_sources;
    struct vg_corpus_source_stats stats[VG_CORPUS_SOURCES_MAX];
    struct vg_example ex[];
};

struct item {
    struct vg_example ex;
    uint64_t split_hash; /* seeded hash of the dedupe key */
    uint32_t src;
};

struct loader {
    const char *data_dir;
    uint64_t seed;
    struct vg_arena *arena;
    struct item *items;
    size_t n, cap;
    struct u64map keys;     /* dedupe key hash -> first item */
    struct u64map post_ids; /* about-isis post ids already read */
    struct u64map accounts; /* account hash -> split, across sources */
    struct vg_buf text, key, lid;
    struct vg_corpus_source_stats stats[SRC__COUNT];
    /* The event callbacks cannot return errors: the first one is kept here. */
    vg_status rc;
    enum source_id src;
    const char *path;
};

static vg_status push_item(struct loader *L, const struct item *it)
{
    if (L->n == L->cap) {
        size_t cap = L->cap ? L->cap * 2 : 4096;
        struct item *p = vg_realloc(L->items, cap * sizeof(*p));
        if (!p)
            return VG_ENOMEM;
        L->items = p;
        L->cap = cap;
    }
    L->items[L->n++] = *it;
    return VG_OK;
}

/*
 * One candidate example of source `src`: mapped, deduplicated, its language identified, stored.
 * line is for messages (0 when the reader gives none).
 */
static vg_status add_example(struct loader *L, enum source_id src, uint64_t line, const char *s,
                             size_t len, const char *account, int64_t at, int hate)
{
    const struct source_def *def = &sources[src];
    struct vg_corpus_source_stats *st = &L->stats[src];
    struct item it;
    uint32_t first;
    vg_status rc = VG_OK;
    int found;
    st->read++;
    if (!vg_utf8_valid(s, len)) {
        VG_LOG_WARN("corpus: %s/%s:%llu: invalid UTF-8 in the text; row skipped", L->data_dir,
                    def->file, (unsigned long long)line);
        st->skipped++;
        return VG_OK;
    }
    vg_buf_reset(&L->text);
    if ((rc = vg__corpus_map_text(s, len, def->map, &L->text)))
        goto fail;
    if (L->text.len && (rc = vg__corpus_dedupe_key(L->text.data, L->text.len, &L->key)))
        goto fail;
    if (L->text.len == 0 || L->key.len == 0) {
        st->skipped++;
        st->empty++;
        return VG_OK;
    }
    uint64_t h = vg_hash64(L->key.data, L->key.len, 0);
    if ((found = u64map_put(&L->keys, h, (uint32_t)L->n, &first)) < 0) {
        rc = VG_ENOMEM;
        goto fail;
    }
    if (found) {
        st->duplicates++;
        if (L->items[first].ex.label != def->label)
            st->conflicts++;
        return VG_OK;
    }

    memset(&it, 0, sizeof(it));
    it.src = src;
    it.split_hash = vg_hash64(L->key.data, L->key.len, L->seed);
    it.ex.source = def->name;
    it.ex.label = def->label;
    it.ex.hate = hate;
    it.ex.news = def->news;
    it.ex.at = at;
    it.ex.split = VG_SPLIT_TRAIN;
    /* Language from the text without placeholders: "url" would read as a Latin word. */
    vg_buf_reset(&L->lid);
    if ((rc = vg__corpus_map_text(s, len, def->map | VG_CORPUS_MAP_NO_URL, &L->lid)))
        goto fail;
    it.ex.lang = vg_lang_identify(L->lid.data ? L->lid.data : "", L->lid.len, NULL);
    if (strcmp(it.ex.lang, "und") == 0 && def->lang)
        it.ex.lang = def->lang;
    rc = VG_ENOMEM;
    if (!(it.ex.text = vg_arena_strndup(L->arena, L->text.data, L->text.len)) ||
        (account && !(it.ex.account = vg_arena_strdup(L->arena, account))))
        goto fail;
    if ((rc = push_item(L, &it)))
        goto fail;
    st->kept++;
    return VG_OK;

fail:
    return rc;
}

static vg_status join_path(const struct loader *L, const char *file, char *out, size_t size)
{
    int k = snprintf(out, size, "%s/%s", L->data_dir, file);
    if (k < 0 || (size_t)k >= size) {
        VG_LOG_ERR("corpus: path too long: %s/%s", L->data_dir, file);
        return VG_EINVAL;
    }
    return VG_OK;
}

/* ---- sources read through the ingest readers ------------------------------------------------ */

static void on_reject(const struct vg_reject *r, void *ud)
{
    struct loader *L = ud;
    VG_LOG_WARN("corpus: %s:%llu: record skipped (%s): %s", L->path, (unsigned long long)r->line,
                r->format, r->reason);
    L->stats[L->src].read++;
    L->stats[L->src].skipped++;
}

static void on_event(const struct vg_event *ev, void *ud)
{
    struct loader *L = ud;
    const struct vg_post *p = &ev->u.post;
    struct vg_corpus_source_stats *st = &L->stats[L->src];
    uint32_t dummy;
    int found;
    if (L->rc || ev->type != VG_EV_POST)
        return;
    if (sources[L->src].kind == KIND_TWITTER_V1) {
        /* A v1.1 retweet's text is a truncated "RT @x: ..." copy; the reader hands over the
         * original it embeds as a post of its own, which is the one kept. */
        if (p->repost_of) {
            st->reposts++;
            return;
        }
        /* An original embedded in several records (or files) counts once. */
        found = u64map_put(&L->post_ids, vg_hash64(p->id, strlen(p->id), 0), 0, &dummy);
        if (found < 0) {
            L->rc = VG_ENOMEM;
            return;
        }
        if (found) {
            st->repeated_ids++;
            return;
        }
    }
    const char *text = p->text ? p->text : "";
    L->rc = add_example(L, L->src, 0, text, strlen(text), p->account, p->created_at, 0);
}

static vg_status read_events(struct loader *L, enum source_id src, const char *path)
{
    struct vg_ingest_opts opts;
    struct vg_ingest_summary sum;
    vg_status rc;
    vg_ingest_opts_init(&opts);
    opts.format =
            sources[src].kind == KIND_FIFTH_TRIBE ? VG_FORMAT_FIFTH_TRIBE : VG_FORMAT_TWITTER_V1;
    opts.received_at = 0; /* no record here lacks a time; keep the run reproducible */
    opts.on_reject = on_reject;
    opts.ud = L;
    memset(&sum, 0, sizeof(sum));
    L->src = src;
    L->path = path;
    L->rc = VG_OK;
    rc = vg_convert_path(path, &opts, on_event, L, &sum);
    L->stats[src].records = sum.read;
    if (!rc)
        rc = L->rc;
    return rc;
}

/* ---- sources read as CSV/TSV ---------------------------------------------------------------- */

static vg_status read_file(const char *path, char **out, size_t *out_len)
{
    struct vg_buf b;
    FILE *f = NULL;
    vg_status rc;
    vg_buf_init(&b, (size_t)1 << 30);
    if (!(f = fopen(path, "rb"))) {
        rc = errno == ENOENT ? VG_ENOENT : VG_EIO;
        goto fail;
    }
    for (;;) {
        if ((rc = vg_buf_reserve(&b, 1u << 16)))
            goto fail;
        size_t got = fread(b.data + b.len, 1, 1u << 16, f);
        b.len += got;
        if (got < (1u << 16))
            break;
    }
    b.data[b.len] = '\0';
    rc = ferror(f) ? VG_EIO : VG_OK;
    fclose(f);
    f = NULL;
    if (rc)
        goto fail;
    *out_len = b.len;
    *out = vg_buf_take(&b);
    return VG_OK;

fail:
    if (f)
        fclose(f);
    vg_buf_release(&b);
    return rc;
}

/* The column named `name` in the header record, or -1. */
static int csv_column(const struct vg_csv *r, const char *name)
{
    for (size_t k = 0; k < r->n_fields; k++)
        if (strcmp(r->field[k], name) == 0)
            return (int)k;
    return -1;
}

static vg_status read_csv(struct loader *L, enum source_id src, const char *path)
{
    const struct source_def *def = &sources[src];
    struct vg_corpus_source_stats *st = &L->stats[src];
    struct vg_csv r;
    char *data = NULL;
    size_t len = 0;
    int col_text = 1, col_sent = -1, got;
    size_t want = 6; /* OSACT */
    vg_status rc;
    vg__csv_init(&r, NULL, 0, ',', 1); /* empty, so that the cleanup can release it */
    if ((rc = read_file(path, &data, &len)))
        goto fail;
    vg__csv_init(&r, data, len, def->kind == KIND_OSACT ? '\t' : ',', def->kind != KIND_OSACT);
    if (def->kind != KIND_OSACT) {
        got = vg__csv_next(&r);
        col_text = got == 1 ? csv_column(&r, def->kind == KIND_MLMA ? "tweet" : "text") : -1;
        col_sent = got == 1 ? csv_column(&r, "sentiment") : -1;
        if (got < 0 && got != VG_EPARSE) {
            rc = got;
            goto fail;
        }
        if (col_text < 0 || (def->kind == KIND_MLMA && col_sent < 0)) {
            VG_LOG_ERR("corpus: %s:1: not the expected header (%s)", path,
                       def->kind == KIND_MLMA ? "HITId,tweet,sentiment,..." : "text");
            rc = VG_EPARSE;
            goto fail;
        }
        want = r.n_fields;
    }
    while ((got = vg__csv_next(&r)) != 0) {
        if (got < 0 && got != VG_EPARSE) {
            rc = got;
            goto fail;
        }
        st->records++;
        if (got == VG_EPARSE || r.n_fields != want) {
            if (got == VG_EPARSE)
                VG_LOG_WARN("corpus: %s:%llu: row skipped: %s", path,
                            (unsigned long long)r.rec_line, r.reason);
            else
                VG_LOG_WARN("corpus: %s:%llu: row skipped: %zu fields, expected %zu", path,
                            (unsigned long long)r.rec_line, r.n_fields, want);
            st->read++;
            st->skipped++;
            continue;
        }
        int hate = 0;
        if (def->kind == KIND_MLMA)
            hate = strcmp(r.field[col_sent], "normal") != 0;
        else if (def->kind == KIND_OSACT)
            hate = strcmp(r.field[2], "OFF") == 0 || strcmp(r.field[3], "NOT_HS") != 0;
        if ((rc = add_example(L, src, r.rec_line, r.field[col_text], r.field_len[col_text], NULL,
                              VG_TIME_UNKNOWN, hate)))
            goto fail;
    }
    vg__csv_release(&r);
    vg_free(data);
    return VG_OK;

fail:
    vg__csv_release(&r);
    vg_free(data);
    return rc;
}

/* ---- splits --------------------------------------------------------------------------------- */

/* One example of an account source, for sorting by account then time. */
struct acc_post {
    const char *account;
    int64_t at;
    uint32_t item;
};

/* One account of a source: its examples are posts[first .. first + count). */
struct acc {
    const char *account;
    int64_t median;
    size_t first, count;
    int forced; /* split given by an earlier source, or -1 */
};

static int cmp_acc_post(const void *a, const void *b)
{
    const struct acc_post *x = a, *y = b;
    int c = strcmp(x->account, y->account);
    if (c)
        return c;
    return (x->at > y->at) - (x->at < y->at);
}

static int cmp_acc(const void *a, const void *b)
{
    const struct acc *x = a, *y = b;
    if (x->median != y->median)
        return (x->median > y->median) - (x->median < y->median);
    return strcmp(x->account, y->account);
}

/*
 * Accounts ordered by the median time of their posts in this source (the lower median for an
 * even count); an account goes to TRAIN while the middle of its run of examples falls in the
 * first 70% of the source's examples, then CALIB to 80%, then TEST. Accounts an earlier source
 * placed keep their split and their examples count against that split's share.
 */
static vg_status split_by_account(struct loader *L, enum source_id src)
{
    struct acc_post *posts = NULL;
    struct acc *accs = NULL;
    size_t m = 0, n_acc = 0;
    double forced[3] = { 0, 0, 0 };
    vg_status rc = VG_ENOMEM;
    for (size_t i = 0; i < L->n; i++)
        m += L->items[i].src == (uint32_t)src;
    if (m == 0)
        return VG_OK;
    if (!(posts = vg_malloc(m * sizeof(*posts))) || !(accs = vg_malloc(m * sizeof(*accs))))
        goto fail;
    m = 0;
    for (size_t i = 0; i < L->n; i++) {
        const struct vg_example *e = &L->items[i].ex;
        if (L->items[i].src == (uint32_t)src)
            posts[m++] = (struct acc_post){ e->account ? e->account : "", e->at, (uint32_t)i };
    }
    qsort(posts, m, sizeof(*posts), cmp_acc_post);
    for (size_t i = 0; i < m;) {
        size_t j = i;
        while (j < m && strcmp(posts[j].account, posts[i].account) == 0)
            j++;
        struct acc *a = &accs[n_acc++];
        uint32_t split;
        a->account = posts[i].account;
        a->first = i;
        a->count = j - i;
        a->median = posts[i + (a->count - 1) / 2].at;
        a->forced = -1;
        if (u64map_get(&L->accounts, vg_hash64(a->account, strlen(a->account), 0), &split)) {
            a->forced = (int)split;
            forced[split] += (double)a->count;
        }
        i = j;
    }
    qsort(accs, n_acc, sizeof(*accs), cmp_acc);

    double want_train = SPLIT_TRAIN * (double)m - forced[VG_SPLIT_TRAIN];
    double want_calib = SPLIT_CALIB * (double)m - forced[VG_SPLIT_CALIB];
    want_train = want_train > 0 ? want_train : 0;
    want_calib = want_calib > 0 ? want_calib : 0;
    double cum = 0;
    for (size_t k = 0; k < n_acc; k++) {
        struct acc *a = &accs[k];
        int split = a->forced;
        uint32_t dummy;
        if (split < 0) {
            double mid = cum + (double)a->count / 2;
            split = mid < want_train                ? VG_SPLIT_TRAIN
                    : mid < want_train + want_calib ? VG_SPLIT_CALIB
                                                    : VG_SPLIT_TEST;
            cum += (double)a->count;
            if (u64map_put(&L->accounts, vg_hash64(a->account, strlen(a->account), 0),
                           (uint32_t)split, &dummy) < 0)
                goto fail;
        }
        for (size_t i = a->first; i < a->first + a->count; i++)
            L->items[posts[i].item].ex.split = (enum vg_split)split;
    }
    rc = VG_OK;

fail:
    vg_free(posts);
    vg_free(accs);
    return rc;
}

/* Sources without accounts: the seeded hash of the dedupe key, uniform in [0, 1). */
static void split_by_hash(struct loader *L, enum source_id src)
{
    for (size_t i = 0; i < L->n; i++) {
        struct item *it = &L->items[i];
        if (it->src != (uint32_t)src)
            continue;
        double u = (double)(it->split_hash >> 11) * 0x1.0p-53;
        it->ex.split = u < SPLIT_TRAIN                 ? VG_SPLIT_TRAIN
                       : u < SPLIT_TRAIN + SPLIT_CALIB ? VG_SPLIT_CALIB
                                                       : VG_SPLIT_TEST;
    }
}

/* ---- load and release ----------------------------------------------------------------------- */

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static struct corpus_store *store_of(const struct vg_corpus *c)
{
    if (!c || !c->ex)
        return NULL;
    struct corpus_store *s =
            (struct corpus_store *)(void *)((char *)c->ex - offsetof(struct corpus_store, ex));
    return s->magic == CORPUS_MAGIC ? s : NULL;
}

vg_status vg__corpus_load(const char *data_dir, uint64_t seed, struct vg_corpus *c)
{
    struct loader L;
    struct corpus_store *store = NULL;
    char path[4096];
    double t0 = now_seconds();
    vg_status rc = VG_EINVAL;
    memset(&L, 0, sizeof(L));
    if (c)
        memset(c, 0, sizeof(*c));
    if (!data_dir || !c)
        return VG_EINVAL;
    vg_arena_init(&c->arena, 1u << 20, (size_t)1 << 32);
    L.data_dir = data_dir;
    L.seed = seed;
    L.arena = &c->arena;
    vg_buf_init(&L.text, VG_TEXT_MAX);
    vg_buf_init(&L.key, 4 * (size_t)VG_TEXT_MAX);
    vg_buf_init(&L.lid, VG_TEXT_MAX);

    for (int s = 0; s < SRC__COUNT; s++) {
        L.stats[s].name = sources[s].name;
        L.stats[s].file = sources[s].file;
        L.stats[s].label = sources[s].label;
        if ((rc = join_path(&L, sources[s].file, path, sizeof(path))))
            goto fail;
        if (sources[s].kind == KIND_FIFTH_TRIBE || sources[s].kind == KIND_TWITTER_V1)
            rc = read_events(&L, (enum source_id)s, path);
        else
            rc = read_csv(&L, (enum source_id)s, path);
        if (rc == VG_ENOENT)
            VG_LOG_ERR("corpus: dataset missing: %s", path);
        else if (rc)
            VG_LOG_ERR("corpus: cannot read %s: %s", path, vg_strerror(rc));
        if (rc)
            goto fail;
    }

    /* Sources in reading order, so accounts of about-isis-pro are placed first. */
    for (int s = 0; s < SRC__COUNT; s++) {
        if (sources[s].kind == KIND_FIFTH_TRIBE || sources[s].kind == KIND_TWITTER_V1)
            rc = split_by_account(&L, (enum source_id)s);
        else
            split_by_hash(&L, (enum source_id)s);
        if (rc)
            goto fail;
    }

    rc = VG_ENOMEM;
    if (!(store = vg_malloc(sizeof(*store) + (L.n ? L.n : 1) * sizeof(struct vg_example))))
        goto fail;
    memset(store, 0, sizeof(*store));
    store->magic = CORPUS_MAGIC;
    store->seed = seed;
    store->n_sources = SRC__COUNT;
    memcpy(store->stats, L.stats, sizeof(L.stats));
    for (size_t i = 0; i < L.n; i++)
        store->ex[i] = L.items[i].ex;
    c->ex = store->ex;
    c->n = c->cap = L.n;
    VG_LOG_INFO("corpus: %zu examples from %s in %.2f s", L.n, data_dir, now_seconds() - t0);
    rc = VG_OK;
    goto done;

fail:
    vg_arena_release(&c->arena);
    memset(c, 0, sizeof(*c));
done:
    vg_free(L.items);
    u64map_release(&L.keys);
    u64map_release(&L.post_ids);
    u64map_release(&L.accounts);
    vg_buf_release(&L.text);
    vg_buf_release(&L.key);
    vg_buf_release(&L.lid);
    return rc;
}

void vg__corpus_release(struct vg_corpus *c)
{
    if (!c)
        return;
    struct corpus_store *s = store_of(c);
    if (s) {
        s->magic = 0;
        vg_free(s);
    }
    vg_arena_release(&c->arena);
    memset(c, 0, sizeof(*c));
}

const struct vg_corpus_source_stats *vg__corpus_stats(const struct vg_corpus *c, size_t *n_sources)
{
    const struct corpus_store *s = store_of(c);
    *n_sources = s ? s->n_sources : 0;
    return s ? s->stats : NULL;
}

/* ---- summary -------------------------------------------------------------------------------- */

static const char *const split_names[3] = { "train", "calib", "test" };

/* What the summary derives from the examples of one source. */
struct source_view {
    uint64_t split[3], hate, news;
    uint64_t lang[5]; /* ar, fr, en, und, other */
    uint64_t accounts[3];
    int64_t t_min[3], t_max[3];
};

static vg_status view_source(const struct vg_corpus *c, const char *name, struct source_view *v)
{
    uint64_t *acc = NULL;
    size_t n_acc = 0;
    memset(v, 0, sizeof(*v));
    for (int k = 0; k < 3; k++) {
        v->t_min[k] = INT64_MAX;
        v->t_max[k] = INT64_MIN;
    }
    if (c->n && !(acc = vg_malloc(c->n * sizeof(*acc))))
        return VG_ENOMEM;
    for (size_t i = 0; i < c->n; i++) {
        const struct vg_example *e = &c->ex[i];
        if (strcmp(e->source, name) != 0)
            continue;
        int s = (int)e->split;
        v->split[s]++;
        v->hate += e->hate != 0;
        v->news += e->news != 0;
        v->lang[strcmp(e->lang, "ar") == 0    ? 0
                : strcmp(e->lang, "fr") == 0  ? 1
                : strcmp(e->lang, "en") == 0  ? 2
                : strcmp(e->lang, "und") == 0 ? 3
                                              : 4]++;
        if (e->at != VG_TIME_UNKNOWN) {
            v->t_min[s] = e->at < v->t_min[s] ? e->at : v->t_min[s];
            v->t_max[s] = e->at > v->t_max[s] ? e->at : v->t_max[s];
        }
        /* An account and its split in one key: the split in the low 2 bits. */
        if (e->account)
            acc[n_acc++] = (vg_hash64(e->account, strlen(e->account), 0) << 2) | (uint64_t)s;
    }
    qsort(acc, n_acc, sizeof(*acc), vg_cmp_u64);
    for (size_t i = 0; i < n_acc; i++)
        if (i == 0 || acc[i] != acc[i - 1])
            v->accounts[acc[i] & 3]++;
    vg_free(acc);
    return VG_OK;
}

static vg_status put_split_counts(struct vg_buf *out, const char *key, const uint64_t n[3])
{
    return vg_buf_printf(out, ",\"%s\":{\"train\":%llu,\"calib\":%llu,\"test\":%llu}", key,
                         (unsigned long long)n[0], (unsigned long long)n[1],
                         (unsigned long long)n[2]);
}

static vg_status put_source(struct vg_buf *out, const struct vg_corpus_source_stats *st,
                            const struct source_view *v)
{
    vg_status rc;
    char a[21], b[21];
    if ((rc = vg_buf_puts(out, "{\"name\":")) ||
        (rc = vg_buf_json_str(out, st->name, strlen(st->name))) ||
        (rc = vg_buf_puts(out, ",\"file\":")) ||
        (rc = vg_buf_json_str(out, st->file, strlen(st->file))) ||
        (rc = vg_buf_printf(out,
                            ",\"label\":%d,\"records\":%llu,\"read\":%llu,\"kept\":%llu,"
                            "\"duplicates\":%llu,\"label_conflicts\":%llu,\"skipped\":%llu,"
                            "\"empty\":%llu,\"reposts\":%llu,\"repeated_ids\":%llu",
                            st->label, (unsigned long long)st->records,
                            (unsigned long long)st->read, (unsigned long long)st->kept,
                            (unsigned long long)st->duplicates, (unsigned long long)st->conflicts,
                            (unsigned long long)st->skipped, (unsigned long long)st->empty,
                            (unsigned long long)st->reposts,
                            (unsigned long long)st->repeated_ids)) ||
        (rc = put_split_counts(out, "split", v->split)) ||
        (rc = vg_buf_printf(out,
                            ",\"lang\":{\"ar\":%llu,\"fr\":%llu,\"en\":%llu,\"und\":%llu,"
                            "\"other\":%llu},\"hate\":%llu,\"news\":%llu",
                            (unsigned long long)v->lang[0], (unsigned long long)v->lang[1],
                            (unsigned long long)v->lang[2], (unsigned long long)v->lang[3],
                            (unsigned long long)v->lang[4], (unsigned long long)v->hate,
                            (unsigned long long)v->news)))
        return rc;
    if (v->accounts[0] + v->accounts[1] + v->accounts[2]) {
        if ((rc = put_split_counts(out, "accounts", v->accounts)) ||
            (rc = vg_buf_puts(out, ",\"time\":{")))
            return rc;
        for (int k = 0; k < 3; k++) {
            if (v->t_min[k] > v->t_max[k])
                rc = vg_buf_printf(out, "%s\"%s\":null", k ? "," : "", split_names[k]);
            else
                rc = vg_buf_printf(out, "%s\"%s\":[\"%s\",\"%s\"]", k ? "," : "", split_names[k],
                                   vg_time_format(v->t_min[k], a), vg_time_format(v->t_max[k], b));
            if (rc)
                return rc;
        }
        if ((rc = vg_buf_putc(out, '}')))
            return rc;
    }
    return vg_buf_putc(out, '}');
}

vg_status vg__corpus_summary_json(const struct vg_corpus *c, struct vg_buf *out)
{
    const struct corpus_store *s = store_of(c);
    uint64_t total[3] = { 0 }, pos[3] = { 0 };
    size_t start = out->len;
    struct source_view v;
    vg_status rc;
    if (!s)
        return VG_EINVAL;
    for (size_t i = 0; i < c->n; i++) {
        total[c->ex[i].split]++;
        pos[c->ex[i].split] += c->ex[i].label == 1;
    }
    if ((rc = vg_buf_printf(out,
                            "{\"seed\":%llu,\"examples\":%zu,"
                            "\"split_rule\":\"accounts ordered by the median time of their posts, "
                            "first 70%% of a source's examples train, next 10%% calib, last 20%% "
                            "test; sources without accounts by a seeded hash of the dedupe key; "
                            "an account keeps the split an earlier source gave it\","
                            "\"dedupe\":\"first occurrence of each normalised text kept\"",
                            (unsigned long long)s->seed, c->n)) ||
        (rc = put_split_counts(out, "split", total)) ||
        (rc = put_split_counts(out, "positives", pos)) || (rc = vg_buf_puts(out, ",\"sources\":[")))
        goto fail;
    for (size_t k = 0; k < s->n_sources; k++) {
        if ((rc = view_source(c, s->stats[k].name, &v)) || (k && (rc = vg_buf_putc(out, ','))) ||
            (rc = put_source(out, &s->stats[k], &v)))
            goto fail;
    }
    if ((rc = vg_buf_puts(out, "]}")))
        goto fail;
    return VG_OK;

fail:
    out->len = start;
    if (out->data)
        out->data[start] = '\0';
    return rc;
}
