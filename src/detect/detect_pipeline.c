/* SPDX-License-Identifier: Apache-2.0 */
/*
 * detect_pipeline.c: `vigie train` and `vigie eval` on the labelled corpus (detect_corpus.c).
 *
 * Training: every example goes through the same text stage and feature extractor as a post at
 * scoring time (hashtags and URLs are found in the text, then vg__post_derive); liblinear fits
 * the train split; Platt scaling is fitted on the calibration split's margins; the threshold is
 * the calibration split's best-F1 threshold whose false-positive rate on hate-speech negatives
 * stays under the configured bound (hate speech is not terrorist content, and the issue caps its
 * false positives at 5%). The model records the split seed, so `vigie eval` rebuilds exactly the
 * same test split.
 *
 * Evaluation: the test split, overall and per language, at the natural prevalence and at 50%,
 * 10% and 1% (Nizzoli et al.'s ladder), each with a stratified bootstrap interval; plus the
 * false-positive rate on hate-speech negatives, how news about ISIS scores, and the TCO category
 * and threat patterns' coverage of the positives. A language whose test split has fewer than
 * MIN_MEASURED positives or negatives gets its counts and no figure.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "detect_corpus_int.h"
#include "detect_eval_int.h"
#include "detect_pipeline.h"

#define MIN_MEASURED 30 /* positives and negatives needed before a figure is given */
#define MAX_ENTITIES 64 /* hashtags or URLs kept per example */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- an example as a post ------------------------------------------------------------------ */

struct deriver {
    struct vg_arena arena;
    struct vg_buf scratch;
    struct vg_buf feat_text;
    const char *tags[MAX_ENTITIES], *urls[MAX_ENTITIES];
    size_t n_tags, n_urls;
};

static void deriver_init(struct deriver *d)
{
    memset(d, 0, sizeof(*d));
    vg_arena_init(&d->arena, 16384, 4u * VG_TEXT_MAX + (1u << 20));
    vg_buf_init(&d->scratch, 4u * VG_TEXT_MAX);
    vg_buf_init(&d->feat_text, 4u * VG_TEXT_MAX);
}

static void deriver_release(struct deriver *d)
{
    vg_arena_release(&d->arena);
    vg_buf_release(&d->scratch);
    vg_buf_release(&d->feat_text);
}

static vg_status collect_entity(enum vg_entity_kind kind, const char *s, size_t len, void *ud)
{
    struct deriver *d = ud;
    const char **v = kind == VG_ENTITY_HASHTAG ? d->tags : kind == VG_ENTITY_URL ? d->urls : NULL;
    size_t *n = kind == VG_ENTITY_HASHTAG ? &d->n_tags : &d->n_urls;
    if (!v || *n == MAX_ENTITIES)
        return VG_OK;
    const char *copy = vg_arena_strndup(&d->arena, s, len);
    if (!copy)
        return VG_ENOMEM;
    v[(*n)++] = copy;
    return VG_OK;
}

/* The example as the text stage sees a post: its hashtags and URLs found in its text (corpus
 * texts carry no entities), its language as the corpus identified it. */
static vg_status derive_example(struct deriver *d, const struct vg_example *e, struct vg_post *p,
                                struct vg_post_derived *out)
{
    vg_arena_reset(&d->arena);
    vg_buf_reset(&d->scratch);
    d->n_tags = d->n_urls = 0;
    memset(p, 0, sizeof(*p));
    p->id = "example";
    p->account = e->account ? e->account : "";
    p->created_at = e->at;
    p->text = e->text;
    p->lang = e->lang && strcmp(e->lang, "und") ? e->lang : NULL;
    long n = vg_text_extract(e->text, strlen(e->text), collect_entity, d);
    if (n < 0)
        return (vg_status)n;
    p->hashtags.v = d->tags;
    p->hashtags.n = d->n_tags;
    p->urls.v = d->urls;
    p->urls.n = d->n_urls;
    return vg__post_derive(p, &d->arena, &d->scratch, out);
}

/* ---- training -------------------------------------------------------------------------------- */

/* Sources kept out of training go whole to the test split (eval applies the same rule). */
static void move_eval_only(struct vg_corpus *c, const char *eval_only)
{
    for (size_t i = 0; i < c->n; i++)
        if (vg__train_config_eval_only(eval_only, c->ex[i].source))
            c->ex[i].split = VG_SPLIT_TEST;
}

/* Feature vectors of every example, each copied out of the extractor's reusable arrays. */
static vg_status featurise(const struct vg_corpus *c, const struct vg_feat_params *fp,
                           struct vg_features *xs, vg_phase_fn progress, void *ud)
{
    struct deriver d;
    deriver_init(&d);
    struct vg_features f;
    vg__features_init(&f);
    vg_status rc = VG_OK;
    for (size_t i = 0; i < c->n; i++) {
        struct vg_post p;
        struct vg_post_derived pd;
        struct vg_feat_input in;
        if ((rc = derive_example(&d, &c->ex[i], &p, &pd)) ||
            (rc = vg__feature_input(&p, &pd, &d.feat_text, &in)) ||
            (rc = vg__features_extract(fp, &in, &f)))
            goto fail;
        xs[i].n = xs[i].cap = f.n;
        xs[i].idx = vg_malloc((f.n ? f.n : 1) * sizeof(uint32_t));
        xs[i].val = vg_malloc((f.n ? f.n : 1) * sizeof(float));
        if (!xs[i].idx || !xs[i].val) {
            rc = VG_ENOMEM;
            goto fail;
        }
        memcpy(xs[i].idx, f.idx, f.n * sizeof(uint32_t));
        memcpy(xs[i].val, f.val, f.n * sizeof(float));
        if (progress && (i % 4096 == 0 || i + 1 == c->n))
            progress("features", i + 1, c->n, ud);
    }
fail:
    vg__features_release(&f);
    deriver_release(&d);
    return rc;
}

static void free_features(struct vg_features *xs, size_t n)
{
    for (size_t i = 0; xs && i < n; i++)
        vg__features_release(&xs[i]);
    vg_free(xs);
}

/* The examples of one split, as shallow copies (the vectors stay owned by `all`). */
static vg_status split_view(const struct vg_corpus *c, const struct vg_features *all,
                            enum vg_split split, struct vg_features **xs, int **y, size_t **idx,
                            size_t *n)
{
    size_t k = 0;
    for (size_t i = 0; i < c->n; i++)
        k += c->ex[i].split == split;
    *xs = vg_malloc((k ? k : 1) * sizeof(**xs));
    *y = vg_malloc((k ? k : 1) * sizeof(**y));
    *idx = vg_malloc((k ? k : 1) * sizeof(**idx));
    if (!*xs || !*y || !*idx) {
        vg_free(*xs);
        vg_free(*y);
        vg_free(*idx);
        *xs = NULL;
        *y = NULL;
        *idx = NULL;
        return VG_ENOMEM;
    }
    k = 0;
    for (size_t i = 0; i < c->n; i++)
        if (c->ex[i].split == split) {
            (*xs)[k] = all[i];
            (*y)[k] = c->ex[i].label;
            (*idx)[k] = i;
            k++;
        }
    *n = k;
    return VG_OK;
}

static int by_score_desc(const void *a, const void *b)
{
    double x = ((const struct vg_threshold_cand *)a)->score;
    double y = ((const struct vg_threshold_cand *)b)->score;
    return (x < y) - (x > y);
}

double vg__pick_threshold(struct vg_threshold_cand *v, size_t n, double hate_fpr_max,
                          double *f1_out)
{
    qsort(v, n, sizeof(*v), by_score_desc);
    size_t P = 0, H = 0;
    for (size_t i = 0; i < n; i++) {
        P += v[i].label == 1;
        H += v[i].label == 0 && v[i].hate;
    }
    double best = 0.5, best_f1 = -1;
    size_t tp = 0, fp = 0, hfp = 0;
    for (size_t i = 0; i < n; i++) {
        tp += v[i].label == 1;
        fp += v[i].label == 0;
        hfp += v[i].label == 0 && v[i].hate;
        if (i + 1 < n && v[i + 1].score == v[i].score)
            continue; /* a threshold cannot split ties */
        if (H && (double)hfp / (double)H > hate_fpr_max)
            break; /* lower thresholds only flag more */
        double f1 = P ? 2.0 * (double)tp / (double)(tp + fp + P) : 0;
        if (f1 > best_f1) {
            best_f1 = f1;
            best = v[i].score;
        }
    }
    *f1_out = best_f1 < 0 ? 0 : best_f1;
    return best;
}

static vg_status calibrate_and_threshold(struct vg_model *m, const struct vg_corpus *c,
                                         const struct vg_features *xs, const size_t *idx, size_t n,
                                         double hate_fpr_max, double *f1)
{
    double *margins = vg_malloc((n ? n : 1) * sizeof(double));
    int *y = vg_malloc((n ? n : 1) * sizeof(int));
    struct vg_threshold_cand *v = vg_malloc((n ? n : 1) * sizeof(*v));
    vg_status rc = VG_ENOMEM;
    if (!margins || !y || !v)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        margins[i] = vg__model_margin(m, &xs[i]);
        y[i] = c->ex[idx[i]].label;
    }
    if ((rc = vg__train_calibrate(m, margins, y, n)))
        goto fail;
    for (size_t i = 0; i < n; i++) {
        v[i].score = vg__model_prob(m, margins[i]);
        v[i].label = y[i];
        v[i].hate = c->ex[idx[i]].hate;
    }
    m->threshold = vg__pick_threshold(v, n, hate_fpr_max, f1);
fail:
    vg_free(margins);
    vg_free(y);
    vg_free(v);
    return rc;
}

static vg_status model_meta(struct vg_model *m, const struct vg_train_config *cfg,
                            const struct vg_corpus *c, size_t n_train, size_t n_calib,
                            double calib_f1)
{
    struct vg_buf b;
    vg_buf_init(&b, 1u << 20);
    vg_status rc = vg_buf_printf(&b,
                                 "{\"name\":\"%s\",\"vigie\":\"%s\",\"corpus_seed\":%llu,"
                                 "\"config\":",
                                 cfg->name, vg_version(), (unsigned long long)cfg->seed);
    if (rc == VG_OK)
        rc = vg__train_config_json(cfg, &b);
    if (rc == VG_OK)
        rc = vg_buf_printf(&b,
                           ",\"train_examples\":%zu,\"calibration_examples\":%zu,"
                           "\"threshold\":%.6f,\"threshold_rule\":\"best F1 on the calibration "
                           "split with hate-speech FPR <= %g\",\"calibration_f1\":%.4f,"
                           "\"platt\":[%.6f,%.6f],\"corpus\":",
                           n_train, n_calib, m->threshold, cfg->hate_fpr_max, calib_f1, m->platt_a,
                           m->platt_b);
    if (rc == VG_OK)
        rc = vg__corpus_summary_json(c, &b);
    if (rc == VG_OK)
        rc = vg_buf_putc(&b, '}');
    if (rc == VG_OK) {
        vg_free(m->meta_json);
        m->meta_json = vg_buf_take(&b);
    }
    vg_buf_release(&b);
    return rc;
}

vg_status vg__train_run(const char *data_dir, const struct vg_train_config *cfg,
                        const char *out_path, vg_phase_fn progress, void *ud,
                        struct vg_buf *summary)
{
    struct vg_corpus c;
    memset(&c, 0, sizeof(c));
    struct vg_features *all = NULL, *xt = NULL, *xc = NULL;
    int *yt = NULL, *yc = NULL;
    size_t *it = NULL, *ic = NULL, nt = 0, nc = 0;
    struct vg_model *m = NULL;
    double t0 = now_s(), t_load, t_feat, t_fit;
    vg_status rc;
    if (progress)
        progress("corpus", 0, 0, ud);
    if ((rc = vg__corpus_load(data_dir, cfg->seed, &c)))
        goto fail;
    move_eval_only(&c, cfg->eval_only);
    t_load = now_s();
    struct vg_feat_params fp;
    vg__feat_params_default(&fp);
    fp.bits = cfg->bits;
    fp.flags = cfg->flags;
    rc = VG_ENOMEM;
    if (!(all = vg_calloc(c.n ? c.n : 1, sizeof(*all))))
        goto fail;
    if ((rc = featurise(&c, &fp, all, progress, ud)))
        goto fail;
    t_feat = now_s();
    if ((rc = split_view(&c, all, VG_SPLIT_TRAIN, &xt, &yt, &it, &nt)) ||
        (rc = split_view(&c, all, VG_SPLIT_CALIB, &xc, &yc, &ic, &nc)) ||
        (rc = vg__model_new(&fp, &m)))
        goto fail;
    struct vg_train_opts o;
    vg__train_opts_default(&o);
    o.solver = cfg->solver;
    o.C = cfg->C;
    o.eps = cfg->eps;
    o.pos_weight = cfg->pos_weight;
    if (progress)
        progress("fit", 0, nt, ud);
    if ((rc = vg__train_fit(m, &o, xt, yt, nt)))
        goto fail;
    t_fit = now_s();
    double calib_f1 = 0;
    if ((rc = calibrate_and_threshold(m, &c, xc, ic, nc, cfg->hate_fpr_max, &calib_f1)) ||
        (rc = model_meta(m, cfg, &c, nt, nc, calib_f1)) || (rc = vg__model_save(m, out_path)))
        goto fail;
    size_t nnz = 0;
    for (size_t i = 0; i < ((size_t)1 << fp.bits); i++)
        nnz += m->w[i] != 0.0f;
    rc = vg_buf_printf(summary,
                       "{\"model\":\"%s\",\"examples\":%zu,\"train\":%zu,\"calibration\":%zu,"
                       "\"nonzero_weights\":%zu,\"threshold\":%.6f,\"calibration_f1\":%.4f,"
                       "\"seconds\":{\"corpus\":%.2f,\"features\":%.2f,\"fit\":%.2f,"
                       "\"total\":%.2f}}",
                       cfg->name, c.n, nt, nc, nnz, m->threshold, calib_f1, t_load - t0,
                       t_feat - t_load, t_fit - t_feat, now_s() - t0);
fail:
    vg__model_free(m);
    vg_free(xt);
    vg_free(yt);
    vg_free(it);
    vg_free(xc);
    vg_free(yc);
    vg_free(ic);
    free_features(all, c.n);
    vg__corpus_release(&c);
    return rc;
}

/* ---- evaluation ------------------------------------------------------------------------------ */

struct test_row {
    double score;
    int label, hate, news, flagged, escalate;
    unsigned categories, exempt;
    const char *lang, *source;
};

/* Score every test example through the classifier, as a post would be. */
static vg_status score_test(vg_classifier *c, const struct vg_corpus *cp, struct test_row **rows,
                            size_t *n_rows, vg_phase_fn progress, void *ud)
{
    size_t n = 0, total = 0;
    for (size_t i = 0; i < cp->n; i++)
        total += cp->ex[i].split == VG_SPLIT_TEST;
    struct test_row *r = vg_calloc(total ? total : 1, sizeof(*r));
    if (!r)
        return VG_ENOMEM;
    struct deriver d;
    deriver_init(&d);
    vg_status rc = VG_OK;
    for (size_t i = 0; i < cp->n; i++) {
        const struct vg_example *e = &cp->ex[i];
        if (e->split != VG_SPLIT_TEST)
            continue;
        struct vg_post p;
        struct vg_post_derived pd;
        struct vg_post_score s;
        if ((rc = derive_example(&d, e, &p, &pd)) ||
            (rc = vg__classifier_score_derived(c, &p, &pd, &s, NULL)))
            break;
        r[n] = (struct test_row){ s.score,    e->label,     e->hate,  e->news, s.flagged,
                                  s.escalate, s.categories, s.exempt, s.lang,  e->source };
        n++;
        if (progress && (n % 4096 == 0 || n == total))
            progress("score", n, total, ud);
    }
    deriver_release(&d);
    if (rc) {
        vg_free(r);
        return rc;
    }
    *rows = r;
    *n_rows = n;
    return VG_OK;
}

typedef int (*row_filter)(const struct test_row *r, const void *arg);

static int all_rows(const struct test_row *r, const void *arg)
{
    VG_UNUSED(r);
    VG_UNUSED(arg);
    return 1;
}

static int lang_rows(const struct test_row *r, const void *arg)
{
    return !strcmp(r->lang, (const char *)arg);
}

struct report {
    const struct test_row *rows;
    size_t n;
    double threshold;
    unsigned rounds;
    uint64_t seed;
    struct vg_buf *json, *md;
};

/* Metrics with intervals over the rows the filter keeps, at the natural prevalence and the
 * ladder; a group too thin to measure gets its counts only. */
static vg_status report_group(struct report *R, const char *label, row_filter keep, const void *arg)
{
    static const double ladder[] = { 0, 0.5, 0.1, 0.01 };
    static const char *const ladder_keys[] = { "natural", "prevalence_50", "prevalence_10",
                                               "prevalence_1" };
    struct vg_scored *s = vg_malloc((R->n ? R->n : 1) * sizeof(*s));
    if (!s)
        return VG_ENOMEM;
    size_t n = 0, pos = 0;
    for (size_t i = 0; i < R->n; i++)
        if (keep(&R->rows[i], arg)) {
            s[n].score = R->rows[i].score;
            s[n].label = R->rows[i].label;
            pos += s[n].label;
            n++;
        }
    vg_status rc = vg_buf_printf(R->json, "\"%s\":{\"n\":%zu,\"positives\":%zu,\"negatives\":%zu",
                                 label, n, pos, n - pos);
    int measured = pos >= MIN_MEASURED && n - pos >= MIN_MEASURED;
    if (rc == VG_OK && !measured) {
        rc = vg_buf_printf(R->json,
                           ",\"measured\":false,\"why\":\"fewer than %d positives or "
                           "negatives in the test split\"}",
                           MIN_MEASURED);
        if (rc == VG_OK)
            rc = vg_buf_printf(R->md, "| %s | n=%zu, positives=%zu: too few to measure |\n", label,
                               n, pos);
        vg_free(s);
        return rc;
    }
    if (rc == VG_OK)
        rc = vg_buf_puts(R->json, ",\"measured\":true");
    for (size_t k = 0; rc == VG_OK && k < VG_ARRAY_LEN(ladder); k++) {
        struct vg_metrics_ci ci;
        if ((rc = vg__metrics_bootstrap(s, n, R->threshold, ladder[k], R->rounds, R->seed, &ci)))
            break;
        if ((rc = vg_buf_printf(R->json, ",\"%s\":", ladder_keys[k])) ||
            (rc = vg__metrics_ci_json(&ci, R->json)))
            break;
        char row_label[96];
        snprintf(row_label, sizeof(row_label), "%s, %s", label, ladder_keys[k]);
        rc = vg__metrics_ci_md_row(row_label, &ci, R->md);
    }
    vg_free(s);
    return rc ? rc : vg_buf_putc(R->json, '}');
}

static double quantile(double *v, size_t n, double q)
{
    if (!n)
        return 0;
    size_t k = (size_t)(q * (double)(n - 1) + 0.5);
    return v[k];
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* How a set of negatives (hate speech, news about ISIS) scores at the shipped threshold. */
/* Which negatives a row of the "negatives" table covers; NULL or -1 means any. */
struct neg_filter {
    int hate, news;
    const char *lang, *source;
};

static int neg_matches(const struct test_row *r, const struct neg_filter *f)
{
    return !r->label && (f->hate < 0 || r->hate == f->hate) &&
           (f->news < 0 || r->news == f->news) && (!f->lang || !strcmp(r->lang, f->lang)) &&
           (!f->source || !strcmp(r->source, f->source));
}

static vg_status report_negatives(struct report *R, const char *key, const struct neg_filter *f)
{
    double *v = vg_malloc((R->n ? R->n : 1) * sizeof(double));
    if (!v)
        return VG_ENOMEM;
    size_t n = 0, flagged = 0;
    for (size_t i = 0; i < R->n; i++) {
        const struct test_row *r = &R->rows[i];
        if (!neg_matches(r, f))
            continue;
        v[n++] = r->score;
        flagged += r->flagged;
    }
    qsort(v, n, sizeof(double), cmp_double);
    double mean = 0;
    for (size_t i = 0; i < n; i++)
        mean += v[i] / (double)n;
    vg_status rc = vg_buf_printf(R->json,
                                 "\"%s\":{\"n\":%zu,\"flagged\":%zu,\"fpr\":%.4f,\"mean\":%.4f,"
                                 "\"p50\":%.4f,\"p90\":%.4f,\"p99\":%.4f}",
                                 key, n, flagged, n ? (double)flagged / (double)n : 0, mean,
                                 quantile(v, n, 0.5), quantile(v, n, 0.9), quantile(v, n, 0.99));
    if (rc == VG_OK)
        rc = vg_buf_printf(R->md, "| %s | %zu | %zu | %.4f | %.3f | %.3f | %.3f |\n", key, n,
                           flagged, n ? (double)flagged / (double)n : 0, mean, quantile(v, n, 0.5),
                           quantile(v, n, 0.9));
    vg_free(v);
    return rc;
}

/* Share of a group's posts each TCO category, the threat escalation and the exemption cues hit. */
static vg_status report_patterns(struct report *R, const char *key, int label, int news)
{
    size_t n = 0, any = 0, esc = 0, exempt = 0, per[VG_TCO__COUNT] = { 0 };
    for (size_t i = 0; i < R->n; i++) {
        const struct test_row *r = &R->rows[i];
        if (r->label != label || (news >= 0 && r->news != news))
            continue;
        n++;
        any += r->categories != 0;
        esc += r->escalate;
        exempt += r->exempt != 0;
        for (int k = 0; k < VG_TCO__COUNT; k++)
            per[k] += (r->categories >> k) & 1u;
    }
    vg_status rc = vg_buf_printf(R->json, "\"%s\":{\"n\":%zu,\"any_category\":%zu", key, n, any);
    for (int k = 0; rc == VG_OK && k < VG_TCO__COUNT; k++)
        rc = vg_buf_printf(R->json, ",\"%s\":%zu", vg_tco_category_name((enum vg_tco_category)k),
                           per[k]);
    if (rc == VG_OK)
        rc = vg_buf_printf(R->json, ",\"threat_escalated\":%zu,\"exempt_cue\":%zu}", esc, exempt);
    if (rc == VG_OK) {
        double d = n ? 100.0 / (double)n : 0;
        rc = vg_buf_printf(R->md, "| %s | %zu | %.1f%% |", key, n, (double)any * d);
        for (int k = 0; rc == VG_OK && k < VG_TCO__COUNT; k++)
            rc = vg_buf_printf(R->md, " %.1f%% |", (double)per[k] * d);
        if (rc == VG_OK)
            rc = vg_buf_printf(R->md, " %.2f%% | %.1f%% |\n", (double)esc * d, (double)exempt * d);
    }
    return rc;
}

/* One "negatives" row per source (source:NAME), in the order sources first appear: where the
 * false positives come from. The corpus has a dozen sources; more than 64 are not listed. */
static vg_status report_negatives_by_source(struct report *R)
{
    const char *seen[64];
    size_t n_seen = 0;
    vg_status rc = VG_OK;
    for (size_t i = 0; i < R->n && rc == VG_OK; i++) {
        const struct test_row *r = &R->rows[i];
        size_t k = 0;
        while (k < n_seen && strcmp(seen[k], r->source))
            k++;
        if (r->label || k < n_seen || n_seen == VG_ARRAY_LEN(seen))
            continue;
        seen[n_seen++] = r->source;
        char key[80];
        snprintf(key, sizeof(key), "source:%s", r->source);
        struct neg_filter f = { -1, -1, NULL, r->source };
        if (!(rc = vg_buf_putc(R->json, ',')))
            rc = report_negatives(R, key, &f);
    }
    return rc;
}

static uint64_t meta_seed(const char *meta)
{
    char buf[32] = "";
    const char *p = meta ? strstr(meta, "\"corpus_seed\":") : NULL;
    if (p)
        snprintf(buf, sizeof(buf), "%s", p + strlen("\"corpus_seed\":"));
    return p ? strtoull(buf, NULL, 10) : VG_CORPUS_SEED_DEFAULT;
}

static vg_status eval_report(struct report *R, const char *model_id, size_t n_all)
{
    static const char *const langs[] = { "en", "ar", "fr", "und", "other" };
    struct vg_buf *J = R->json, *M = R->md;
    vg_status rc =
            vg_buf_printf(J,
                          "{\"model\":\"%s\",\"split\":\"test\",\"corpus_examples\":%zu,"
                          "\"test_examples\":%zu,\"threshold\":%.6f,\"bootstrap_rounds\":%u,",
                          model_id, n_all, R->n, R->threshold, R->rounds);
    if (rc == VG_OK)
        rc = vg_buf_printf(M,
                           "# Evaluation of %s\n\nTest split: %zu examples of %zu; threshold "
                           "%.4f; 95%% intervals from %u stratified bootstrap resamples. "
                           "Prevalence rows reweight the negatives so positives are that share "
                           "of the total.\n\n## Propaganda classifier\n\n",
                           model_id, R->n, n_all, R->threshold, R->rounds);
    if (rc == VG_OK)
        rc = vg__metrics_md_header(M);
    if (rc == VG_OK)
        rc = vg_buf_puts(J, "\"overall\":{");
    if (rc == VG_OK)
        rc = report_group(R, "all", all_rows, NULL);
    if (rc == VG_OK)
        rc = vg_buf_puts(J, "},\"by_language\":{");
    for (size_t k = 0; rc == VG_OK && k < VG_ARRAY_LEN(langs); k++) {
        if (k && (rc = vg_buf_putc(J, ',')))
            break;
        rc = report_group(R, langs[k], lang_rows, langs[k]);
    }
    if (rc == VG_OK)
        rc = vg_buf_printf(M,
                           "\n## Negatives that must stay low (threshold %.4f)\n\n"
                           "| set | n | flagged | FPR | mean | median | p90 |\n"
                           "|---|---:|---:|---:|---:|---:|---:|\n",
                           R->threshold);
    if (rc == VG_OK)
        rc = vg_buf_puts(J, "},\"negatives\":{");

    static const struct {
        const char *key;
        struct neg_filter f;
    } negs[] = { { "hate_speech", { 1, -1, NULL, NULL } },
                 { "hate_speech_en", { 1, -1, "en", NULL } },
                 { "hate_speech_fr", { 1, -1, "fr", NULL } },
                 { "hate_speech_ar", { 1, -1, "ar", NULL } },
                 { "news_about_isis", { -1, 1, NULL, NULL } } };

    for (size_t k = 0; rc == VG_OK && k < VG_ARRAY_LEN(negs); k++) {
        if (k && (rc = vg_buf_putc(J, ',')))
            break;
        rc = report_negatives(R, negs[k].key, &negs[k].f);
    }
    if (rc == VG_OK)
        rc = report_negatives_by_source(R);
    if (rc == VG_OK)
        rc = vg_buf_puts(M, "\n## TCO category patterns, threats and exemption cues\n\n"
                            "| group | n | any category | incitement | solicitation_commit | "
                            "solicitation_join | instruction | threat | threat escalated | "
                            "exempt cue |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    if (rc == VG_OK)
        rc = vg_buf_puts(J, "},\"patterns\":{");
    if (rc == VG_OK)
        rc = report_patterns(R, "positives", 1, -1);
    if (rc == VG_OK && !(rc = vg_buf_putc(J, ',')))
        rc = report_patterns(R, "negatives_other", 0, 0);
    if (rc == VG_OK && !(rc = vg_buf_putc(J, ',')))
        rc = report_patterns(R, "news_about_isis", 0, 1);
    if (rc == VG_OK)
        rc = vg_buf_puts(J, "}}");
    return rc;
}

vg_status vg__eval_run(vg_classifier *c, const char *data_dir, unsigned rounds,
                       vg_phase_fn progress, void *ud, struct vg_buf *json, struct vg_buf *md)
{
    struct vg_corpus cp;
    memset(&cp, 0, sizeof(cp));
    struct test_row *rows = NULL;
    size_t n = 0;
    uint64_t seed = meta_seed(vg_classifier_meta_json(c));
    if (progress)
        progress("corpus", 0, 0, ud);
    vg_status rc = vg__corpus_load(data_dir, seed, &cp);
    char eval_only[128] = "";
    vg__meta_string(vg_classifier_meta_json(c), "config.eval_only", eval_only, sizeof(eval_only));
    if (rc == VG_OK)
        move_eval_only(&cp, eval_only);
    if (rc == VG_OK)
        rc = score_test(c, &cp, &rows, &n, progress, ud);
    if (rc == VG_OK) {
        struct report R = { rows, n, vg__classifier_model(c)->threshold, rounds, seed, json, md };
        rc = eval_report(&R, vg_classifier_model_id(c), cp.n);
    }
    vg_free(rows);
    vg__corpus_release(&cp);
    return rc;
}
