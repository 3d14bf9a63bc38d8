/* SPDX-License-Identifier: Apache-2.0 */
/*
 * langid-train.c: trains and evaluates the language identification model of text_lang.c.
 *
 * It reads the labelled tweets of shared/data (about-isis-2017 with Twitter's own `lang`, MLMA
 * ar/fr/en by file, OSACT 2022 Arabic, random English tweets), removes duplicates (retweets and
 * copies share vg__lang_text_key) and splits them by that key: key % 5 == 0 is the test split,
 * a tenth of the rest is a development split used to calibrate, the remainder trains. A
 * multinomial naive Bayes model over hashed character n-grams is counted for the Latin-script
 * and the Arabic-script languages with enough training texts, calibrated on the development
 * split (softmax temperature, "und" threshold), counted again on train + development, and
 * written as C source (src/text/text_lang_model.c). The same run evaluates it on the test
 * split beside libexttextcat and prints the tables of docs/langid.md, and the speed.
 *
 *   langid-train [--data DIR] [--out FILE] [--bits N] [--arabic-bits N] [--ngram N] [--alpha A]
 * [--step S]
 *                [--prior W] [--min-docs N] [--eval-only] [--select] [--no-textcat] [--bench]
 *                [--errors FILE]
 *
 * --eval-only evaluates the compiled-in model (vg_lang_identify) instead of training one;
 * --select evaluates on the development split instead of the test split (to choose parameters);
 * --errors writes the misclassified texts to FILE (real posts: keep it out of the repository).
 * Everything is deterministic: the split and the features use fixed hash seeds.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <libexttextcat/textcat.h>
#include <zlib.h>

#include "core.h"
#include "text_lang_int.h"

#ifndef VG_SHARED_DATA
#define VG_SHARED_DATA "../shared/data"
#endif

#define TEXTCAT_DIR "/usr/share/libexttextcat/"

/* ---- options -----------------------------------------------------------------------------------
 */

struct options {
    const char *data_dir;
    const char *out_path;
    unsigned bits;        /* bucket bits of the Latin group */
    unsigned arabic_bits; /* bucket bits of the Arabic group (two languages need fewer) */
    unsigned ngram;
    double alpha;
    double step;
    double prior_weight;
    unsigned min_docs;
    int eval_only;
    int textcat;
    int bench;
    const char *errors_path;
};

/* ---- samples -----------------------------------------------------------------------------------
 */

enum source {
    SRC_ABOUT_ISIS,
    SRC_MLMA,
    SRC_OSACT,
    SRC_RANDOM,
    SRC_COUNT
};

static const char *const source_name[SRC_COUNT] = { "about-isis-2017 (Twitter lang)",
                                                    "mlma-hate-speech", "osact2022-arabic",
                                                    "random-tweets" };

enum split {
    SPLIT_TRAIN,
    SPLIT_DEV,
    SPLIT_TEST
};

/* The split evaluated: the test split, or with --select the development split (the final model
 * is then counted on train only), for choosing parameters without looking at the test split. */
static int eval_split = SPLIT_TEST;

struct sample {
    char *text;
    size_t len;
    char lang[8];
    uint8_t source;
    uint8_t split;
    uint8_t script; /* dominant script */
    uint32_t n_cps; /* code points of the original text */
};

struct sample_set {
    struct sample *v;
    size_t n, cap;
    /* open-addressing set of text keys already taken (dedup) */
    uint64_t *keys;
    size_t keys_cap;
    size_t n_dup, n_und, n_empty;
};

static void die(const char *what)
{
    fprintf(stderr, "langid-train: %s: %s\n", what, errno ? strerror(errno) : "failed");
    exit(1);
}

static int key_insert(struct sample_set *set, uint64_t key)
{
    if (key == 0)
        key = 1;
    size_t mask = set->keys_cap - 1;
    for (size_t i = (size_t)key & mask;; i = (i + 1) & mask) {
        if (set->keys[i] == key)
            return 0;
        if (set->keys[i] == 0) {
            set->keys[i] = key;
            return 1;
        }
    }
}

static uint32_t count_cps(const char *s, size_t len)
{
    uint32_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/* Map Twitter's language codes to ISO 639-1. */
static const char *twitter_lang(const char *lang)
{
    if (strcmp(lang, "in") == 0)
        return "id";
    if (strcmp(lang, "iw") == 0)
        return "he";
    return lang;
}

static void add_sample(struct sample_set *set, const char *text, size_t len, const char *lang,
                       enum source src)
{
    if (strcmp(lang, "und") == 0 || strlen(lang) >= sizeof(set->v[0].lang)) {
        set->n_und++;
        return;
    }
    uint64_t key = vg__lang_text_key(text, len);
    if (!key_insert(set, key)) {
        set->n_dup++;
        return;
    }
    if (set->n == set->cap) {
        set->cap = set->cap ? set->cap * 2 : 4096;
        set->v = vg_realloc(set->v, set->cap * sizeof(*set->v));
        if (!set->v)
            die("out of memory");
    }
    struct sample *s = &set->v[set->n++];
    s->text = vg_strndup(text, len);
    if (!s->text)
        die("out of memory");
    s->len = len;
    snprintf(s->lang, sizeof(s->lang), "%s", lang);
    s->source = (uint8_t)src;
    s->split = key % 5 == 0 ? SPLIT_TEST : (key >> 32) % 10 == 0 ? SPLIT_DEV : SPLIT_TRAIN;
    struct vg__lang_scan sc;
    vg__lang_read(text, len, &sc);
    s->script = (uint8_t)vg__lang_dominant(&sc);
    s->n_cps = count_cps(text, len);
}

/* ---- readers ------------------------------------------------------------------------------------
 */

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die(path);
    struct vg_buf b;
    vg_buf_init(&b, (size_t)1 << 30);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (vg_buf_append(&b, chunk, n) != VG_OK)
            die(path);
    }
    fclose(f);
    *len = b.len;
    return vg_buf_take(&b);
}

/* One tweet object of the v1.1 API: the retweeted tweet's text and label when it is a retweet. */
static void add_v1_tweet(struct sample_set *set, const cJSON *tweet)
{
    const cJSON *rt = cJSON_GetObjectItemCaseSensitive(tweet, "retweeted_status");
    if (cJSON_IsObject(rt))
        tweet = rt;
    const cJSON *ext = cJSON_GetObjectItemCaseSensitive(tweet, "extended_tweet");
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(ext, "full_text");
    if (!cJSON_IsString(text))
        text = cJSON_GetObjectItemCaseSensitive(tweet, "full_text");
    if (!cJSON_IsString(text))
        text = cJSON_GetObjectItemCaseSensitive(tweet, "text");
    const cJSON *lang = cJSON_GetObjectItemCaseSensitive(tweet, "lang");
    if (!cJSON_IsString(text) || !cJSON_IsString(lang))
        return;
    add_sample(set, text->valuestring, strlen(text->valuestring), twitter_lang(lang->valuestring),
               SRC_ABOUT_ISIS);
}

static void read_jsonl_gz(struct sample_set *set, const char *path)
{
    gzFile f = gzopen(path, "rb");
    if (!f)
        die(path);
    struct vg_buf line;
    vg_buf_init(&line, (size_t)64 << 20);
    char chunk[65536];
    for (;;) {
        vg_buf_reset(&line);
        int eof = 0;
        for (;;) {
            if (!gzgets(f, chunk, sizeof(chunk))) {
                eof = 1;
                break;
            }
            size_t n = strlen(chunk);
            if (vg_buf_append(&line, chunk, n) != VG_OK)
                die(path);
            if (n > 0 && chunk[n - 1] == '\n')
                break;
        }
        if (line.len > 0) {
            cJSON *tweet = cJSON_ParseWithLength(line.data, line.len);
            if (tweet)
                add_v1_tweet(set, tweet);
            cJSON_Delete(tweet);
        }
        if (eof)
            break;
    }
    vg_buf_release(&line);
    gzclose(f);
}

/*
 * Parse an RFC 4180 record starting at *p (sep-separated, "quoted" fields with "" escapes and
 * line breaks inside quotes). Field i is written NUL-terminated to out and fields[i] points into
 * it. Returns the number of fields (0 at the end of input).
 */
static size_t csv_record(const char **p, const char *end, char sep, struct vg_buf *out,
                         size_t *fields, size_t max_fields)
{
    const char *s = *p;
    size_t n = 0;
    if (s >= end)
        return 0;
    vg_buf_reset(out);
    for (;;) {
        int quoted = s < end && *s == '"';
        if (n < max_fields)
            fields[n] = out->len;
        s += quoted;
        while (s < end) {
            if (quoted && *s == '"') {
                if (s + 1 < end && s[1] == '"') {
                    (void)vg_buf_putc(out, '"');
                    s += 2;
                    continue;
                }
                quoted = 0;
                s++;
                continue;
            }
            if (!quoted && (*s == sep || *s == '\n' || *s == '\r'))
                break;
            (void)vg_buf_putc(out, *s++);
        }
        (void)vg_buf_putc(out, '\0');
        n++;
        if (s < end && *s == sep) {
            s++;
            continue;
        }
        while (s < end && (*s == '\r' || *s == '\n'))
            s++;
        break;
    }
    *p = s;
    return n;
}

/* Column `col` of every record after the header. */
static void read_csv(struct sample_set *set, const char *path, size_t col, const char *lang,
                     enum source src)
{
    size_t len;
    char *data = read_file(path, &len);
    const char *p = data, *end = data + len;
    struct vg_buf rec;
    vg_buf_init(&rec, (size_t)16 << 20);
    size_t fields[16];
    size_t n = csv_record(&p, end, ',', &rec, fields, 16); /* header */
    while ((n = csv_record(&p, end, ',', &rec, fields, 16)) > 0) {
        if (n > col) {
            const char *text = rec.data + fields[col];
            add_sample(set, text, strlen(text), lang, src);
        }
    }
    vg_buf_release(&rec);
    vg_free(data);
}

/* OSACT 2022: id TAB text TAB labels..., no header, no quoting, line breaks written "<LF>". */
static void read_osact(struct sample_set *set, const char *path)
{
    size_t len;
    char *data = read_file(path, &len);
    struct vg_buf text;
    vg_buf_init(&text, (size_t)1 << 20);
    char *line = data;
    while (line < data + len) {
        char *nl = memchr(line, '\n', (size_t)(data + len - line));
        char *eol = nl ? nl : data + len;
        char *tab1 = memchr(line, '\t', (size_t)(eol - line));
        char *tab2 = tab1 ? memchr(tab1 + 1, '\t', (size_t)(eol - tab1 - 1)) : NULL;
        if (tab2) {
            vg_buf_reset(&text);
            for (char *c = tab1 + 1; c < tab2; c++) {
                if (tab2 - c >= 4 && memcmp(c, "<LF>", 4) == 0) {
                    (void)vg_buf_putc(&text, '\n');
                    c += 3;
                } else {
                    (void)vg_buf_putc(&text, *c);
                }
            }
            add_sample(set, text.data ? text.data : "", text.len, "ar", SRC_OSACT);
        }
        line = eol + 1;
    }
    vg_buf_release(&text);
    vg_free(data);
}

static void load_all(struct sample_set *set, const char *dir)
{
    static const char *const gz[] = { "topic-FEATURE", "topic-TEST", "topic-TRAIN-CON",
                                      "topic-TRAIN-PRO" };
    static const char *const mlma[] = { "ar", "fr", "en" };
    char path[4096];
    set->keys_cap = (size_t)1 << 20;
    set->keys = vg_calloc(set->keys_cap, sizeof(uint64_t));
    if (!set->keys)
        die("out of memory");
    for (size_t i = 0; i < VG_ARRAY_LEN(gz); i++) {
        snprintf(path, sizeof(path), "%s/about-isis-2017/%s.jsonl.gz", dir, gz[i]);
        read_jsonl_gz(set, path);
    }
    for (size_t i = 0; i < VG_ARRAY_LEN(mlma); i++) {
        snprintf(path, sizeof(path), "%s/mlma-hate-speech/%s_dataset.csv", dir, mlma[i]);
        read_csv(set, path, 1, mlma[i], SRC_MLMA);
    }
    snprintf(path, sizeof(path), "%s/osact2022-arabic/osact2022.tsv", dir);
    read_osact(set, path);
    snprintf(path, sizeof(path), "%s/random-tweets/tweets.csv", dir);
    read_csv(set, path, 0, "en", SRC_RANDOM);
}

/* ---- training -------------------------------------------------------------------------------- */

/* A group being trained: its languages and naive Bayes counts. */
struct trained_group {
    enum vg__script script;
    unsigned bits;
    unsigned n_langs;
    const char *langs[VG__LANG_MAX_GROUP];
    uint32_t *counts;                  /* [bucket][lang] */
    double total[VG__LANG_MAX_GROUP];  /* n-grams counted per language */
    uint32_t docs[VG__LANG_MAX_GROUP]; /* training texts per language */
    int8_t *weights;                   /* quantised, for struct vg__lang_group */
    float log_prior[VG__LANG_MAX_GROUP];
    const char *lang_ptrs[VG__LANG_MAX_GROUP];
};

static int group_index(const struct trained_group *g, const char *lang)
{
    for (unsigned l = 0; l < g->n_langs; l++) {
        if (strcmp(g->langs[l], lang) == 0)
            return (int)l;
    }
    return -1;
}

struct lang_count {
    const char *lang;
    uint32_t n;
};

static int cmp_lang_count(const void *a, const void *b)
{
    const struct lang_count *x = a, *y = b;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return strcmp(x->lang, y->lang);
}

/*
 * Languages a group may learn: those written in its script, and Hindi, which Twitter also
 * labels romanised Hindi/Urdu with. Twitter labels some Latin-dominant tweets "ja" or "zh" (a
 * Japanese phrase beside English ones); those stay out.
 */
static const char *const latin_script_langs[] = {
    "en", "hi", "fr", "es", "de", "it", "pt", "nl", "tr", "id", "ms", "tl", "sv", "da", "no",
    "nb", "fi", "et", "pl", "cs", "sk", "sl", "hr", "bs", "ro", "hu", "lt", "lv", "is", "cy",
    "ga", "eu", "ca", "gl", "sq", "vi", "ht", "sw", "so", "af", "mt", "az", "uz", "lb",
};
static const char *const arabic_script_langs[] = { "ar", "fa", "ur", "ps", "ckb", "sd", "ug" };

static int script_has_lang(enum vg__script script, const char *lang)
{
    const char *const *v = script == VG__SC_LATIN ? latin_script_langs : arabic_script_langs;
    size_t n = script == VG__SC_LATIN ? VG_ARRAY_LEN(latin_script_langs)
                                      : VG_ARRAY_LEN(arabic_script_langs);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(v[i], lang) == 0)
            return 1;
    }
    return 0;
}

/* The languages of a script with at least min_docs training texts, most frequent first. */
static void choose_langs(struct trained_group *g, const struct sample_set *set, unsigned min_docs)
{
    struct lang_count lc[256];
    size_t n = 0;
    for (size_t i = 0; i < set->n; i++) {
        const struct sample *s = &set->v[i];
        if (s->split == SPLIT_TEST || s->script != g->script)
            continue;
        size_t k = 0;
        while (k < n && strcmp(lc[k].lang, s->lang) != 0)
            k++;
        if (k == n && n < VG_ARRAY_LEN(lc))
            lc[n++] = (struct lang_count){ s->lang, 0 };
        if (k < n)
            lc[k].n++;
    }
    qsort(lc, n, sizeof(lc[0]), cmp_lang_count);
    printf("%s-script training texts by label:", g->script == VG__SC_LATIN ? "Latin" : "Arabic");
    for (size_t k = 0; k < n && lc[k].n >= 10; k++)
        printf(" %s %u", lc[k].lang, lc[k].n);
    printf("\n");
    g->n_langs = 0;
    for (size_t k = 0; k < n && g->n_langs < VG__LANG_MAX_GROUP; k++) {
        if (lc[k].n >= min_docs && script_has_lang(g->script, lc[k].lang))
            g->langs[g->n_langs++] = lc[k].lang;
    }
}

static void count_sample(struct trained_group *g, const struct options *o, unsigned lang,
                         const struct sample *s)
{
    struct vg__lang_scan sc;
    struct vg__lang_text t;
    uint64_t h[256];
    struct vg__lang_iter it = { 0 };
    size_t k;
    unsigned shift = 64u - g->bits;
    vg__lang_read(s->text, s->len, &sc);
    vg__lang_select(&sc, g->script, &t);
    while ((k = vg__lang_hashes(&t, o->ngram, VG__LANG_FEATURE_SEED, &it, h, 256)) > 0) {
        for (size_t j = 0; j < k; j++)
            g->counts[(size_t)(h[j] >> shift) * g->n_langs + lang]++;
        g->total[lang] += (double)k;
    }
    g->docs[lang]++;
}

/* Count the texts of the given splits, then derive quantised weights and priors. */
static void train_group(struct trained_group *g, const struct sample_set *set,
                        const struct options *o, int with_dev)
{
    size_t n_buckets = (size_t)1 << g->bits;
    vg_free(g->counts);
    g->counts = vg_calloc(n_buckets * g->n_langs, sizeof(uint32_t));
    if (!g->counts)
        die("out of memory");
    memset(g->total, 0, sizeof(g->total));
    memset(g->docs, 0, sizeof(g->docs));
    for (size_t i = 0; i < set->n; i++) {
        const struct sample *s = &set->v[i];
        if (s->split == SPLIT_TEST || (s->split == SPLIT_DEV && !with_dev) ||
            s->script != g->script)
            continue;
        int l = group_index(g, s->lang);
        if (l >= 0)
            count_sample(g, o, (unsigned)l, s);
    }
    vg_free(g->weights);
    g->weights = vg_malloc(n_buckets * g->n_langs);
    if (!g->weights)
        die("out of memory");
    double denom[VG__LANG_MAX_GROUP];
    double n_docs = 0;
    for (unsigned l = 0; l < g->n_langs; l++) {
        denom[l] = log(g->total[l] + o->alpha * (double)n_buckets);
        n_docs += g->docs[l];
    }
    for (size_t b = 0; b < n_buckets; b++) {
        double lp[VG__LANG_MAX_GROUP], mean = 0;
        for (unsigned l = 0; l < g->n_langs; l++) {
            lp[l] = log(g->counts[b * g->n_langs + l] + o->alpha) - denom[l];
            mean += lp[l] / g->n_langs;
        }
        for (unsigned l = 0; l < g->n_langs; l++) {
            double q = round((lp[l] - mean) / o->step);
            g->weights[b * g->n_langs + l] = (int8_t)(q > 127 ? 127 : q < -127 ? -127 : q);
        }
    }
    for (unsigned l = 0; l < g->n_langs; l++) {
        g->log_prior[l] = (float)(o->prior_weight * log(g->docs[l] / n_docs));
        g->lang_ptrs[l] = g->langs[l];
    }
}

static void export_group(const struct trained_group *g, const struct options *o,
                         struct vg__lang_group *out)
{
    out->n_langs = g->n_langs;
    out->langs = g->lang_ptrs;
    out->bucket_bits = g->bits;
    out->weights = g->weights;
    out->log_prior = g->log_prior;
    out->step = (float)o->step;
}

/* ---- calibration on the development split
 * -------------------------------------------------------- */

/* Scores of a development text: the raw log-odds per language and the reference index. */
struct dev_point {
    double logit[VG__LANG_MAX_GROUP];
    int ref; /* index in the group, or -1 for a language the group does not have */
};

static size_t dev_points(const struct vg__lang_model *m, const struct vg__lang_group *mg,
                         const struct trained_group *g, const struct sample_set *set,
                         struct dev_point **out)
{
    size_t n = 0;
    struct dev_point *v = vg_calloc(set->n, sizeof(*v));
    if (!v)
        die("out of memory");
    for (size_t i = 0; i < set->n; i++) {
        const struct sample *s = &set->v[i];
        if (s->split != SPLIT_DEV || s->script != g->script)
            continue;
        struct vg__lang_scan sc;
        struct vg__lang_text t;
        int32_t acc[VG__LANG_MAX_GROUP];
        vg__lang_read(s->text, s->len, &sc);
        vg__lang_select(&sc, g->script, &t);
        vg__lang_score(m, mg, &t, acc);
        for (unsigned l = 0; l < mg->n_langs; l++)
            v[n].logit[l] = acc[l] * (double)mg->step + mg->log_prior[l];
        v[n].ref = group_index(g, s->lang);
        n++;
    }
    *out = v;
    return n;
}

static double softmax_top(const double *logit, unsigned n, double temp, unsigned *best)
{
    unsigned b = 0;
    for (unsigned l = 1; l < n; l++) {
        if (logit[l] > logit[b])
            b = l;
    }
    double sum = 0;
    for (unsigned l = 0; l < n; l++)
        sum += exp((logit[l] - logit[b]) / temp);
    *best = b;
    return 1.0 / sum;
}

/* Temperature minimising the log-loss of known-language texts, then the "und" threshold
 * maximising correct answers (a language the group lacks is right only as "und"). */
static void calibrate(struct vg__lang_group *mg, const struct dev_point *v, size_t n)
{
    double best_t = 1, best_loss = INFINITY;
    for (double t = 1; t <= 64; t *= 1.05) {
        double loss = 0;
        for (size_t i = 0; i < n; i++) {
            if (v[i].ref < 0)
                continue;
            unsigned b;
            softmax_top(v[i].logit, mg->n_langs, t, &b);
            double lse = 0;
            for (unsigned l = 0; l < mg->n_langs; l++)
                lse += exp((v[i].logit[l] - v[i].logit[b]) / t);
            loss += log(lse) - (v[i].logit[v[i].ref] - v[i].logit[b]) / t;
        }
        if (loss < best_loss) {
            best_loss = loss;
            best_t = t;
        }
    }
    mg->temperature = (float)best_t;
    size_t best_ok = 0;
    double best_thr = 0;
    for (int k = 0; k <= 95; k++) {
        double thr = k / 100.0;
        size_t ok = 0;
        for (size_t i = 0; i < n; i++) {
            unsigned b;
            double p = softmax_top(v[i].logit, mg->n_langs, best_t, &b);
            if (p < thr)
                ok += v[i].ref < 0;
            else
                ok += v[i].ref == (int)b;
        }
        if (ok > best_ok) {
            best_ok = ok;
            best_thr = thr;
        }
    }
    mg->min_confidence = (float)best_thr;
    printf("  calibration (%zu development texts): temperature %.3f, und below %.2f\n", n, best_t,
           best_thr);
}

/* ---- evaluation ------------------------------------------------------------------------------ */

static const char *const eval_langs[] = { "ar", "fr", "en" };
#define N_EVAL   3
#define SHORT_CP 40

/* Results of one method on one subset of the test split. */
struct tally {
    uint32_t tp[N_EVAL], fp[N_EVAL], fn[N_EVAL], n_ref[N_EVAL];
    uint32_t correct, total;
    uint32_t by_source_ok[SRC_COUNT], by_source_n[SRC_COUNT];
    uint32_t short_conf[N_EVAL + 1][N_EVAL + 2]; /* ref ar fr en other x pred ar fr en other und */
    uint32_t n_short;
};

static int eval_index(const char *lang)
{
    for (int k = 0; k < N_EVAL; k++) {
        if (strcmp(lang, eval_langs[k]) == 0)
            return k;
    }
    return -1;
}

static void tally_add(struct tally *t, const struct sample *s, const char *pred)
{
    int r = eval_index(s->lang), p = eval_index(pred);
    int ok = strcmp(s->lang, pred) == 0;
    t->total++;
    t->correct += ok;
    t->by_source_n[s->source]++;
    t->by_source_ok[s->source] += ok;
    if (r >= 0) {
        t->n_ref[r]++;
        if (ok)
            t->tp[r]++;
        else
            t->fn[r]++;
    }
    if (p >= 0 && !ok)
        t->fp[p]++;
    if (s->n_cps < SHORT_CP) {
        int row = r >= 0 ? r : N_EVAL;
        int col = p >= 0 ? p : strcmp(pred, "und") == 0 ? N_EVAL + 1 : N_EVAL;
        t->short_conf[row][col]++;
        t->n_short++;
    }
}

static double ratio(double a, double b)
{
    return b > 0 ? a / b : 0.0;
}

static void print_tally(const char *method, const char *subset, const struct tally *t)
{
    printf("\n%s on %s: %u texts, accuracy %.4f\n", method, subset, t->total,
           ratio(t->correct, t->total));
    printf("  | lang | n (ref) | predicted | precision | recall | F1 |\n");
    printf("  |---|---:|---:|---:|---:|---:|\n");
    for (int k = 0; k < N_EVAL; k++) {
        double p = ratio(t->tp[k], t->tp[k] + t->fp[k]);
        double r = ratio(t->tp[k], t->n_ref[k]);
        printf("  | %s | %u | %u | %.4f | %.4f | %.4f |\n", eval_langs[k], t->n_ref[k],
               t->tp[k] + t->fp[k], p, r, ratio(2 * p * r, p + r));
    }
}

static void print_sources(const char *method, const struct tally *t)
{
    printf("  %s accuracy by source:", method);
    for (int s = 0; s < SRC_COUNT; s++)
        printf(" %s %.4f (%u);", source_name[s], ratio(t->by_source_ok[s], t->by_source_n[s]),
               t->by_source_n[s]);
    printf("\n");
}

static void print_short(const char *method, const struct tally *t)
{
    static const char *const rows[] = { "ar", "fr", "en", "other" };
    printf("\n%s, texts under %d code points (%u): rows reference, columns prediction\n", method,
           SHORT_CP, t->n_short);
    printf("  | ref \\ pred | ar | fr | en | other | und |\n  |---|---:|---:|---:|---:|---:|\n");
    for (int r = 0; r <= N_EVAL; r++) {
        printf("  | %s |", rows[r]);
        for (int c = 0; c <= N_EVAL + 1; c++)
            printf(" %u |", t->short_conf[r][c]);
        printf("\n");
    }
}

/* A method under evaluation. */
struct method {
    const char *name;
    const char *(*identify)(void *ctx, const char *s, size_t len);
    void *ctx;
};

static const char *ours_identify(void *ctx, const char *s, size_t len)
{
    const struct vg__lang_model *m = ctx;
    return m ? vg__lang_identify_with(m, s, len, NULL) : vg_lang_identify(s, len, NULL);
}

/* libexttextcat answers "[en--utf8][fr--utf8]", "SHORT" or "UNKNOWN": keep the first code. */
static const char *textcat_identify(void *ctx, const char *s, size_t len)
{
    static char code[16];
    const char *r = textcat_Classify(ctx, s, len);
    if (!r || r[0] != '[')
        return "und";
    size_t n = 0;
    for (const char *c = r + 1; *c && *c != '-' && *c != ']' && n + 1 < sizeof(code); c++)
        code[n++] = *c;
    code[n] = '\0';
    return code;
}

/* libexttextcat on the text as vg_lang_identify reads it: lower-cased letters, without URLs,
 * mentions, hashtags, digits and punctuation (the same cleaning, for a fair comparison). */
static const char *textcat_clean_identify(void *ctx, const char *s, size_t len)
{
    struct vg__lang_scan sc;
    char buf[VG__LANG_MAX_CPS * 4 + 1];
    size_t n = 0;
    vg__lang_read(s, len, &sc);
    for (size_t i = 0; i < sc.n; i++)
        n += (size_t)vg_utf8_encode((int32_t)sc.cp[i], buf + n);
    buf[n] = '\0';
    return textcat_identify(ctx, buf, n);
}

/* A configuration file for libexttextcat restricted to the given languages. */
static void *textcat_restricted(const char *const *langs, size_t n, char *path, size_t cap)
{
    snprintf(path, cap, "/tmp/langid-train-fpdb-%ld.conf", (long)getpid());
    FILE *f = fopen(path, "w");
    if (!f)
        die(path);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s.lm %s--utf8\n", langs[i], langs[i]);
    fclose(f);
    return special_textcat_Init(path, TEXTCAT_DIR);
}

/* Misclassified test texts, one per line: source, reference, prediction, text (for analysis;
 * the file holds real posts and must stay out of the repository). */
static void write_errors(const struct sample_set *set, const struct method *m, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        die(path);
    for (size_t i = 0; i < set->n; i++) {
        const struct sample *s = &set->v[i];
        if (s->split != eval_split)
            continue;
        double conf = 0;
        const char *pred = m->ctx ? vg__lang_identify_with(m->ctx, s->text, s->len, &conf)
                                  : vg_lang_identify(s->text, s->len, &conf);
        if (strcmp(pred, s->lang) == 0)
            continue;
        fprintf(f, "%d\t%s\t%s\t%.3f\t", s->source, s->lang, pred, conf);
        for (size_t k = 0; k < s->len; k++)
            fputc(s->text[k] == '\n' || s->text[k] == '\t' ? ' ' : s->text[k], f);
        fputc('\n', f);
    }
    fclose(f);
}

static void evaluate(const struct sample_set *set, const struct method *m)
{
    struct tally all = { 0 }, tweets = { 0 };
    for (size_t i = 0; i < set->n; i++) {
        const struct sample *s = &set->v[i];
        if (s->split != eval_split)
            continue;
        const char *pred = m->identify(m->ctx, s->text, s->len);
        tally_add(&all, s, pred);
        if (s->source == SRC_ABOUT_ISIS)
            tally_add(&tweets, s, pred);
    }
    print_tally(m->name,
                eval_split == SPLIT_TEST ? "the whole test split" : "the development split", &all);
    print_sources(m->name, &all);
    print_tally(m->name, "about-isis-2017 tweets (reference: Twitter's lang)", &tweets);
    print_short(m->name, &all);
}

/* ---- speed ----------------------------------------------------------------------------------- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static volatile size_t bench_sink;

/* Texts per second, median of 5 runs of `rounds` passes over the test texts. */
static double bench(const struct sample_set *set, const struct method *m, int rounds)
{
    double rates[5];
    size_t n_texts = 0;
    for (size_t i = 0; i < set->n; i++)
        n_texts += set->v[i].split == eval_split;
    for (int r = 0; r < 5; r++) {
        double t0 = now();
        for (int k = 0; k < rounds; k++) {
            for (size_t i = 0; i < set->n; i++) {
                if (set->v[i].split != eval_split)
                    continue;
                if (m)
                    bench_sink += (size_t)m->identify(m->ctx, set->v[i].text, set->v[i].len)[0];
                else
                    bench_sink += strlen(set->v[i].text);
            }
        }
        rates[r] = (double)n_texts * rounds / (now() - t0);
    }
    qsort(rates, 5, sizeof(double), cmp_double);
    return rates[2];
}

/* ---- writing the model ------------------------------------------------------------------------
 */

static void write_weights(FILE *f, const char *name, const struct trained_group *g, unsigned bits)
{
    size_t n = ((size_t)1 << bits) * g->n_langs;
    fprintf(f, "static const int8_t %s[%zu] = {\n", name, n);
    int col = 0;
    for (size_t i = 0; i < n; i++) {
        char num[8];
        int w = snprintf(num, sizeof(num), "%d,", g->weights[i]);
        if (col + w > 99) {
            fputc('\n', f);
            col = 0;
        }
        fputs(num, f);
        col += w;
    }
    fprintf(f, "\n};\n\n");
}

/* A float as a C literal that reads back to the same value. */
static const char *float_literal(float x, char *buf, size_t cap)
{
    snprintf(buf, cap, "%.9g", x);
    if (!strpbrk(buf, ".eE"))
        strncat(buf, ".0", cap - strlen(buf) - 1);
    strncat(buf, "f", cap - strlen(buf) - 1);
    return buf;
}

static void write_group(FILE *f, const char *prefix, const struct trained_group *g)
{
    fprintf(f, "/* %s: trained on", prefix);
    for (unsigned l = 0; l < g->n_langs; l++)
        fprintf(f, " %s %u%s", g->langs[l], g->docs[l], l + 1 < g->n_langs ? "," : "");
    fprintf(f, " texts. */\n");
    fprintf(f, "static const char *const %s_langs[] = {", prefix);
    for (unsigned l = 0; l < g->n_langs; l++)
        fprintf(f, " \"%s\",", g->langs[l]);
    fprintf(f, " };\n\nstatic const float %s_prior[] = {", prefix);
    char num[32];
    for (unsigned l = 0; l < g->n_langs; l++)
        fprintf(f, " %s,", float_literal(g->log_prior[l], num, sizeof(num)));
    fprintf(f, " };\n\n");
    char name[64];
    snprintf(name, sizeof(name), "%s_weights", prefix);
    write_weights(f, name, g, g->bits);
}

static void write_group_init(FILE *f, const char *field, const char *prefix,
                             const struct vg__lang_group *mg)
{
    char step[32], temp[32], minc[32];
    fprintf(f,
            "    .%s = {\n        .n_langs = %u,\n        .langs = %s_langs,\n"
            "        .bucket_bits = %u,\n        .weights = %s_weights,\n"
            "        .log_prior = %s_prior,\n        .step = %s,\n"
            "        .temperature = %s,\n        .min_confidence = %s,\n    },\n",
            field, mg->n_langs, prefix, mg->bucket_bits, prefix, prefix,
            float_literal(mg->step, step, sizeof(step)),
            float_literal(mg->temperature, temp, sizeof(temp)),
            float_literal(mg->min_confidence, minc, sizeof(minc)));
}

static void write_model(const char *path, const struct options *o, const struct vg__lang_model *m,
                        const struct trained_group *latin, const struct trained_group *arabic)
{
    FILE *f = fopen(path, "w");
    if (!f)
        die(path);
    fprintf(f, "/* SPDX-License-Identifier: Apache-2.0 */\n/*\n"
               " * text_lang_model.c: the language identification model of text_lang.c, "
               "GENERATED by\n * tools/langid-train.c; do not edit. Retrain as docs/langid.md "
               "says.\n *\n");
    fprintf(f,
            " * Parameters: --bits %u --arabic-bits %u --ngram %u --alpha %g --step %g --prior %g\n"
            " * --min-docs %u.\n"
            " * Naive Bayes log-probabilities of hashed character n-grams, centred per bucket and "
            "quantised\n * to int8 (units of `step` nats); no text of the training data is "
            "stored.\n */\n",
            o->bits, o->arabic_bits, o->ngram, o->alpha, o->step, o->prior_weight, o->min_docs);
    fprintf(f, "#include \"text_lang_int.h\"\n\n/* clang-format off */\n\n");
    write_group(f, "latin", latin);
    write_group(f, "arabic", arabic);
    fprintf(f,
            "const struct vg__lang_model vg__lang_model = {\n    .max_ngram = %u,\n"
            "    .seed = VG__LANG_FEATURE_SEED,\n",
            m->max_ngram);
    write_group_init(f, "latin", "latin", &m->latin);
    write_group_init(f, "arabic", "arabic", &m->arabic);
    fprintf(f, "};\n\n/* clang-format on */\n");
    if (fclose(f) != 0)
        die(path);
}

/* ---- main ------------------------------------------------------------------------------------ */

static void usage(void)
{
    fprintf(stderr, "usage: langid-train [--data DIR] [--out FILE] [--bits N] [--arabic-bits N] "
                    "[--ngram N] "
                    "[--alpha A] [--step S] [--prior W] [--min-docs N] [--eval-only] "
                    "[--select] [--no-textcat] [--bench] [--errors FILE]\n");
    exit(2);
}

static void parse_args(int argc, char **argv, struct options *o)
{
    *o = (struct options){ .data_dir = VG_SHARED_DATA,
                           .bits = 16,
                           .arabic_bits = 14,
                           .ngram = 4,
                           .alpha = 0.1,
                           .step = 0.08,
                           .prior_weight = 1.0,
                           .min_docs = 80,
                           .textcat = 1 };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--eval-only") == 0) {
            o->eval_only = 1;
        } else if (strcmp(a, "--select") == 0) {
            eval_split = SPLIT_DEV;
        } else if (strcmp(a, "--no-textcat") == 0) {
            o->textcat = 0;
        } else if (strcmp(a, "--bench") == 0) {
            o->bench = 1;
        } else if (!v) {
            usage();
        } else {
            i++;
            if (strcmp(a, "--data") == 0)
                o->data_dir = v;
            else if (strcmp(a, "--out") == 0)
                o->out_path = v;
            else if (strcmp(a, "--bits") == 0)
                o->bits = (unsigned)atoi(v);
            else if (strcmp(a, "--arabic-bits") == 0)
                o->arabic_bits = (unsigned)atoi(v);
            else if (strcmp(a, "--ngram") == 0)
                o->ngram = (unsigned)atoi(v);
            else if (strcmp(a, "--alpha") == 0)
                o->alpha = atof(v);
            else if (strcmp(a, "--step") == 0)
                o->step = atof(v);
            else if (strcmp(a, "--prior") == 0)
                o->prior_weight = atof(v);
            else if (strcmp(a, "--min-docs") == 0)
                o->min_docs = (unsigned)atoi(v);
            else if (strcmp(a, "--errors") == 0)
                o->errors_path = v;
            else
                usage();
        }
    }
    if (o->bits < 8 || o->bits > 24 || o->arabic_bits < 8 || o->arabic_bits > 24 || o->ngram < 1 ||
        o->ngram > VG__LANG_MAX_NGRAM || o->alpha <= 0 || o->step <= 0)
        usage();
}

static void print_data_summary(const struct sample_set *set)
{
    size_t n_split[3] = { 0 }, by_lang[3][3] = { { 0 } }, other[3] = { 0 };
    for (size_t i = 0; i < set->n; i++) {
        const struct sample *s = &set->v[i];
        int k = eval_index(s->lang);
        n_split[s->split]++;
        if (k >= 0)
            by_lang[s->split][k]++;
        else
            other[s->split]++;
    }
    printf("data: %zu distinct labelled texts (%zu duplicates dropped, %zu labelled und skipped)\n",
           set->n, set->n_dup, set->n_und);
    static const char *const names[] = { "train", "dev", "test" };
    for (int sp = 0; sp < 3; sp++)
        printf("  %-5s %6zu: ar %zu, fr %zu, en %zu, other %zu\n", names[sp], n_split[sp],
               by_lang[sp][0], by_lang[sp][1], by_lang[sp][2], other[sp]);
}

/* Train both groups: count on train, calibrate on dev, count again on train + dev. */
static void train(const struct sample_set *set, const struct options *o, struct vg__lang_model *m,
                  struct trained_group *latin, struct trained_group *arabic)
{
    struct trained_group *groups[2] = { latin, arabic };
    struct vg__lang_group *mgroups[2] = { &m->latin, &m->arabic };
    m->max_ngram = o->ngram;
    m->seed = VG__LANG_FEATURE_SEED;
    for (int k = 0; k < 2; k++) {
        struct trained_group *g = groups[k];
        choose_langs(g, set, o->min_docs);
        printf("%s group:", k == 0 ? "Latin" : "Arabic");
        for (unsigned l = 0; l < g->n_langs; l++)
            printf(" %s", g->langs[l]);
        printf("\n");
        train_group(g, set, o, 0);
        export_group(g, o, mgroups[k]);
        struct dev_point *v;
        size_t n = dev_points(m, mgroups[k], g, set, &v);
        calibrate(mgroups[k], v, n);
        vg_free(v);
        train_group(g, set, o, eval_split == SPLIT_TEST);
        export_group(g, o, mgroups[k]);
    }
}

int main(int argc, char **argv)
{
    struct options o;
    parse_args(argc, argv, &o);
    struct sample_set set = { 0 };
    load_all(&set, o.data_dir);
    print_data_summary(&set);

    struct vg__lang_model model = { 0 };
    struct trained_group latin = { .script = VG__SC_LATIN, .bits = o.bits };
    struct trained_group arabic = { .script = VG__SC_ARABIC, .bits = o.arabic_bits };
    struct method ours = { "vigie (compiled-in model)", ours_identify, NULL };
    if (!o.eval_only) {
        train(&set, &o, &model, &latin, &arabic);
        ours.name = "vigie (model trained now)";
        ours.ctx = &model;
        if (o.out_path)
            write_model(o.out_path, &o, &model, &latin, &arabic);
    }
    evaluate(&set, &ours);
    if (o.errors_path)
        write_errors(&set, &ours, o.errors_path);

    void *tc_full = NULL, *tc_small = NULL;
    char small_path[256];
    if (o.textcat) {
        tc_full = special_textcat_Init(TEXTCAT_DIR "fpdb.conf", TEXTCAT_DIR);
        static const char *const small[] = { "ar", "fr", "en", "es", "de", "it",
                                             "pt", "nl", "tr", "id", "ur" };
        tc_small = textcat_restricted(small, VG_ARRAY_LEN(small), small_path, sizeof(small_path));
        if (!tc_full || !tc_small)
            die("libexttextcat init");
        struct method full = { "libexttextcat (all 164 models)", textcat_identify, tc_full };
        struct method few = { "libexttextcat (ar fr en es de it pt nl tr id ur)", textcat_identify,
                              tc_small };
        struct method few_clean = { "libexttextcat (same 11, on cleaned text)",
                                    textcat_clean_identify, tc_small };
        evaluate(&set, &full);
        evaluate(&set, &few);
        evaluate(&set, &few_clean);
        remove(small_path);
    }
    if (o.bench) {
        double base = bench(&set, NULL, 20);
        double rate = bench(&set, &ours, 3);
        printf("\nspeed over the test texts (median of 5): strlen %.0f texts/s, %s %.0f texts/s "
               "(%.1fx slower than strlen)\n",
               base, ours.name, rate, base / rate);
        if (tc_full) {
            struct method full = { "libexttextcat (all)", textcat_identify, tc_full };
            struct method few = { "libexttextcat (11)", textcat_identify, tc_small };
            printf("  libexttextcat all models %.0f texts/s, restricted %.0f texts/s\n",
                   bench(&set, &full, 1), bench(&set, &few, 1));
        }
    }
    if (tc_full)
        textcat_Done(tc_full);
    if (tc_small)
        textcat_Done(tc_small);
    return 0;
}
