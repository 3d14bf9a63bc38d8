/* SPDX-License-Identifier: Apache-2.0 */
/*
 * detect_pipeline.h: training and evaluating the propaganda classifier on the labelled corpus
 * (`vigie train`, `vigie eval`), and the training configuration table.
 */
#ifndef VG_DETECT_PIPELINE_H
#define VG_DETECT_PIPELINE_H

#include <stdio.h>

#include "detect_int.h"

struct vg_train_config {
    char name[64];
    uint64_t seed; /* splits and bootstrap */
    unsigned bits;
    unsigned flags; /* VG_FEAT_* */
    int solver;     /* liblinear: 0 L2R_LR, 6 L1R_LR */
    double C, eps, pos_weight;
    double hate_fpr_max;
    char eval_only[128]; /* comma-separated sources kept out of training (all go to test) */
};

/* 1 if source is listed in cfg->eval_only. */
int vg__train_config_eval_only(const char *eval_only, const char *source);

void vg__train_config_default(struct vg_train_config *cfg);
/* Set one key; err (cap bytes) says what is wrong. Errors: VG_EINVAL. */
vg_status vg__train_config_set(struct vg_train_config *cfg, const char *key, const char *value,
                               char *err, size_t cap);
/* Apply a config file's text ("key = value" lines, '#' comments). Errors: VG_EPARSE, VG_EINVAL. */
vg_status vg__train_config_parse(struct vg_train_config *cfg, const char *text, size_t len,
                                 char *err, size_t cap);
vg_status vg__train_config_json(const struct vg_train_config *cfg, struct vg_buf *out);
void vg__train_config_help(FILE *f);

/* A calibration example for the threshold rule. */
struct vg_threshold_cand {
    double score;
    int label, hate;
};

/*
 * The best-F1 threshold among those whose false-positive rate on hate-speech negatives (label
 * 0, hate 1) is at most hate_fpr_max; candidates are the distinct scores, flagging is score >=
 * threshold. Sorts v. *f1_out gets that threshold's F1.
 */
double vg__pick_threshold(struct vg_threshold_cand *v, size_t n, double hate_fpr_max,
                          double *f1_out);

/* Progress of a long phase: `done` of `total` items of `phase`. */
typedef void (*vg_phase_fn)(const char *phase, uint64_t done, uint64_t total, void *ud);

/*
 * Train a model on the corpus under data_dir and write it to out_path: features of every
 * example, liblinear on the train split, Platt calibration and the threshold on the
 * calibration split. *summary receives a JSON object (counts, timings, calibration metrics).
 */
vg_status vg__train_run(const char *data_dir, const struct vg_train_config *cfg,
                        const char *out_path, vg_phase_fn progress, void *ud,
                        struct vg_buf *summary);

/*
 * Evaluate classifier c on the test split of the corpus under data_dir (split with the seed the
 * model was trained with): overall, per language and at prevalences 50%, 10% and 1%, with
 * `rounds` bootstrap resamples; hate-speech false positives, news scores, category coverage.
 * The report goes to json (one object) and md (Markdown).
 */
vg_status vg__eval_run(vg_classifier *c, const char *data_dir, unsigned rounds,
                       vg_phase_fn progress, void *ud, struct vg_buf *json, struct vg_buf *md);

#endif /* VG_DETECT_PIPELINE_H */
