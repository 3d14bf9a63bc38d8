/* SPDX-License-Identifier: Apache-2.0 */
/*
 * detect.h: post-level signals. The propaganda classifier (hashed n-gram features, a linear
 * model trained with liblinear, our own dot product at run time, Platt-calibrated), the EU TCO
 * Art. 2(7) category patterns, the violent-threat detector and the exempt-purpose (news,
 * research, counter-speech) cues; and what trains and measures them: the labelled corpus built
 * from ../shared/data and the evaluation metrics.
 *
 * Files:
 *   detect_features.c   text -> sparse hashed feature vector (and feature names, for explain)
 *   detect_model.c      the model file (load/save), scoring, calibration
 *   detect_train.c      liblinear training + Platt calibration on a held-out fold
 *   detect_corpus.c     labelled examples from the shared datasets, account-disjoint time splits
 *   detect_eval.c       ROC-AUC, PR-AUC, F1, precision at recall, prevalence ladder, bootstrap
 *   detect_patterns.c   TCO categories, threats, exemption cues (transparent pattern sets)
 */
#ifndef VG_DETECT_H
#define VG_DETECT_H

#include "core.h"

/* ---- features ------------------------------------------------------------------------------ */

/* What the feature extractor reads from a post. Only text_norm is required. */
struct vg_feat_input {
    const char *text;      /* as written (shape features: capitals, punctuation); may be NULL */
    const char *text_norm; /* vg_text_normalize() of the text */
    const char *lang;      /* "ar", "fr", "en", ... or NULL */
    const char *const *hashtags; /* normalised, without '#' */
    size_t n_hashtags;
    const char *const *domains; /* URL domains (vg_url_domain_buf) */
    size_t n_domains;
};

/* Feature-space parameters; part of a model file, so a model scores only with its own. */
struct vg_feat_params {
    uint64_t seed;  /* hash seed */
    unsigned bits;  /* dimension = 1 << bits (16..24) */
    unsigned flags; /* VG_FEAT_* families switched on */
};

#define VG_FEAT_WORD1        0x01u /* word unigrams */
#define VG_FEAT_WORD2        0x02u /* word bigrams */
#define VG_FEAT_CHAR         0x04u /* character 2..5-grams (within words, with boundary marks) */
#define VG_FEAT_HASHTAG      0x08u
#define VG_FEAT_DOMAIN       0x10u
#define VG_FEAT_SHAPE        0x20u /* length, capitals ratio, url/mention/hashtag counts, script */
#define VG_FEAT_ALL          0x3fu
#define VG_FEAT_SEED_DEFAULT 0x76696769655f3031ull /* "vigie_01" */
#define VG_FEAT_BITS_DEFAULT 20u

void vg__feat_params_default(struct vg_feat_params *p);

/* A sparse vector: indices strictly increasing, values L2-normalised to length 1. */
struct vg_features {
    uint32_t *idx;
    float *val;
    size_t n, cap;
};

void vg__features_init(struct vg_features *f);
void vg__features_release(struct vg_features *f);

/* Extract the features of one post into f (reset first). Errors: VG_ENOMEM, VG_EINVAL. */
vg_status vg__features_extract(const struct vg_feat_params *p, const struct vg_feat_input *in,
                               struct vg_features *f);

/*
 * Call fn once per distinct feature of in, with a readable name ("w:word", "w2:two words",
 * "c:gram", "#tag", "d:domain", "shape:caps_high"), its index and its (normalised) value. Used
 * by explanations; slower than vg__features_extract, same indices and values.
 */
typedef void (*vg_feat_name_fn)(const char *name, uint32_t idx, float val, void *ud);
vg_status vg__features_each(const struct vg_feat_params *p, const struct vg_feat_input *in,
                            vg_feat_name_fn fn, void *ud);

/* ---- the model ----------------------------------------------------------------------------- */

/*
 * A binary linear model over hashed features with Platt calibration:
 *   margin = bias + sum_i w[idx_i] * val_i;  p = 1 / (1 + exp(platt_a * margin + platt_b)).
 * File format (docs/model-format.md): little-endian, magic "VGMODEL\0", format version,
 * feature params, bias, Platt a/b, threshold, a JSON metadata blob (training data, date, metrics),
 * then the weights as (index, float32) pairs for non-zero weights. Vocabulary-free.
 */
struct vg_model {
    struct vg_feat_params feat;
    double bias;
    double platt_a, platt_b;
    double threshold; /* probability at or above which a post is flagged */
    float *w;         /* 1 << feat.bits weights */
    char *meta_json;  /* NUL-terminated JSON object, "{}" when none */
};

#define VG_MODEL_MAGIC   "VGMODEL"
#define VG_MODEL_VERSION 1u

/* Errors: VG_ENOENT/VG_EIO, VG_EFORMAT (bad magic or newer version), VG_EPARSE (corrupt),
 * VG_ENOMEM. */
vg_status vg__model_load(const char *path, struct vg_model **out);
/* Load from memory (what vg__model_load uses after reading the file; the fuzz target's entry). */
vg_status vg__model_load_mem(const void *data, size_t len, struct vg_model **out);
vg_status vg__model_save(const struct vg_model *m, const char *path);
vg_status vg__model_new(const struct vg_feat_params *p, struct vg_model **out);
void vg__model_free(struct vg_model *m);

double vg__model_margin(const struct vg_model *m, const struct vg_features *f);
double vg__model_prob(const struct vg_model *m, double margin);

/* ---- training ------------------------------------------------------------------------------ */

struct vg_train_opts {
    int solver;        /* liblinear solver: L2R_LR (0, default) or L1R_LR (6) */
    double C;          /* inverse regularisation, default 1 */
    double eps;        /* stopping tolerance, default 0.01 */
    double pos_weight; /* weight of the positive class, default 1 */
};

void vg__train_opts_default(struct vg_train_opts *o);

/*
 * Fit m->bias and m->w (m->feat must be set) on n examples xs[i] with labels y[i] (1 positive,
 * 0 negative). liblinear's own state is freed before return. Deterministic for the same input.
 */
vg_status vg__train_fit(struct vg_model *m, const struct vg_train_opts *o,
                        const struct vg_features *xs, const int *y, size_t n);

/* Fit m->platt_a/b on held-out margins (Platt 1999, with Lin et al. 2007's target smoothing). */
vg_status vg__train_calibrate(struct vg_model *m, const double *margins, const int *y, size_t n);

/* ---- the labelled corpus ------------------------------------------------------------------- */

enum vg_split {
    VG_SPLIT_TRAIN = 0,
    VG_SPLIT_CALIB = 1,
    VG_SPLIT_TEST = 2
};

/* The corpus seed `vigie train` uses by default (its "seed" setting): the splits of the shipped
 * model. The world generator draws its texts from this corpus's TEST split. */
#define VG_CORPUS_SEED_DEFAULT 20261123u

struct vg_example {
    const char *text;   /* as written, source placeholders mapped (see detect_corpus.c) */
    const char *source; /* "isis-fanboy", "random-tweets", "mlma-en", "osact2022", "about-isis-pro",
                           ... */
    const char *lang;   /* "ar", "fr", "en", "und": identified with vg_lang_identify */
    const char *account; /* author id, or NULL when the source has none */
    int64_t at;          /* VG_TIME_UNKNOWN when the source has no time */
    int label;           /* 1 propaganda-source positive, 0 negative */
    int hate;            /* 1 for hate-speech/offensive negatives (mlma, osact offensive) */
    int news;            /* 1 for news/talk about ISIS (about-isis topic-TRAIN-PRO) */
    enum vg_split split;
};

struct vg_corpus {
    struct vg_example *ex;
    size_t n, cap;
    struct vg_arena arena; /* the strings */
};

/*
 * Read the labelled datasets under data_dir (../shared/data) into c and assign splits:
 * account-disjoint and time-ordered where the source has accounts and times, a seeded hash
 * otherwise; texts that repeat across splits (retweets, copies) stay in the split of their
 * first occurrence. Errors: VG_ENOENT (a dataset missing; the log names it), VG_EIO, VG_ENOMEM.
 */
vg_status vg__corpus_load(const char *data_dir, uint64_t seed, struct vg_corpus *c);
void vg__corpus_release(struct vg_corpus *c);

/* ---- evaluation ---------------------------------------------------------------------------- */

struct vg_scored {
    double score; /* calibrated probability */
    int label;
};

struct vg_metrics {
    size_t n, n_pos;
    double roc_auc, pr_auc;       /* PR-AUC as average precision */
    double f1, precision, recall; /* at the threshold given */
    double prec_at_recall80;      /* best precision with recall >= 0.8 */
    double fpr;                   /* false-positive rate at the threshold */
};

/* Metrics of s[0..n) at threshold (flag when score >= threshold). */
void vg__metrics_compute(const struct vg_scored *s, size_t n, double threshold,
                         struct vg_metrics *out);

/*
 * Metrics at a target prevalence (0.5, 0.1, 0.01): negatives are reweighted so positives make
 * up `prevalence` of the weighted total, which is what resampling to that prevalence gives in
 * expectation without throwing data away.
 */
void vg__metrics_at_prevalence(const struct vg_scored *s, size_t n, double threshold,
                               double prevalence, struct vg_metrics *out);

/* 95% bootstrap intervals (percentile method, `rounds` resamples, seeded) of every field. */
struct vg_metrics_ci {
    struct vg_metrics point, lo, hi;
};

vg_status vg__metrics_bootstrap(const struct vg_scored *s, size_t n, double threshold,
                                double prevalence, unsigned rounds, uint64_t seed,
                                struct vg_metrics_ci *out);

/* ---- TCO categories, threats, exemption cues ----------------------------------------------- */

/* enum vg_tco_category and VG_EXEMPT_* are public (vigie.h). */

/* "incitement", "solicitation_commit", "solicitation_join", "instruction", "threat". */
const char *vg__tco_name(enum vg_tco_category c);
/* The Art. 2(7) letter, 'a'..'e'. */
char vg__tco_letter(enum vg_tco_category c);

/* One pattern that fired, for explanations: the set, the pattern's id and the matched span. */
struct vg_pattern_hit {
    const char *set;     /* "tco:incitement", "threat", "exempt:news", ... */
    const char *pattern; /* the pattern's id, e.g. "en.glorify.martyrdom_operation" */
    size_t start, len;   /* span in text_norm */
};

struct vg_pattern_result {
    unsigned categories; /* bit (1u << vg_tco_category) per category found */
    double threat;       /* 0..1: violent threat against an identifiable person or staff */
    int threat_target;   /* 1 if the threat names or addresses a target (person, staff, office) */
    unsigned exempt;     /* bit per exemption cue: VG_EXEMPT_* */
    struct vg_pattern_hit hits[16];
    size_t n_hits; /* at most 16 kept */
};

/* Run every pattern set on the normalised text (vg_text_normalize output). */
vg_status vg__patterns_match(const char *text_norm, size_t len, const char *lang,
                             struct vg_pattern_result *out);

#endif /* VG_DETECT_H */
