/* SPDX-License-Identifier: Apache-2.0 */
/*
 * detect_int.h: what the scoring API (detect_classifier.c), the training and evaluation
 * pipeline (detect_pipeline.c), ingest and the command share inside the detect stage, beyond
 * detect.h's building blocks.
 */
#ifndef VG_DETECT_INT_H
#define VG_DETECT_INT_H

#include "detect.h"
#include "text.h"

/* One feature's contribution to a post's margin (weight x value), for explanations. */
struct vg_reason {
    char feature[96];
    double weight;
};

/* Copy the string at `path` ("name", "config.eval_only") of the JSON object meta into buf (left
 * unchanged if absent). */
void vg__meta_string(const char *meta, const char *path, char *buf, size_t cap);

/* 1 if the normalised word s[0..len) is a function word (detect_stopwords.c). */
int vg__is_stopword(const char *s, size_t len);
/* Normalised text without its function words, for features (patterns keep the full text). */
vg_status vg__strip_stopwords(const char *norm, struct vg_buf *out);

/* The feature extractor's input for a derived post: text_norm without function words (kept in
 * text_buf), hashtags, domains. Training and scoring both build it here. */
vg_status vg__feature_input(const struct vg_post *p, const struct vg_post_derived *d,
                            struct vg_buf *text_buf, struct vg_feat_input *in);

/* Wrap a model in a classifier (taking ownership of m on success). */
vg_status vg__classifier_wrap(struct vg_model *m, vg_classifier **out);
const struct vg_model *vg__classifier_model(const vg_classifier *c);

/* Score a post whose text the text stage has already derived (ingest derives once for both).
 * pr (may be NULL) receives the pattern result. */
vg_status vg__classifier_score_derived(vg_classifier *c, const struct vg_post *post,
                                       const struct vg_post_derived *d, struct vg_post_score *out,
                                       struct vg_pattern_result *pr);

/* Every feature of the post with its contribution, strongest for first, strongest against
 * last. *out is the caller's (vg_free). */
vg_status vg__classifier_reasons(vg_classifier *c, const struct vg_post *post,
                                 const struct vg_post_derived *d, struct vg_reason **out,
                                 size_t *n_out);

/* Append the classify line of a scored post to b (docs/cli.md, `vigie classify`). */
vg_status vg__score_json(struct vg_buf *b, const struct vg_post *post,
                         const struct vg_post_score *s, const struct vg_reason *r, size_t n_r,
                         size_t top_n);

/* Everything `vigie explain` shows: score, pattern hits, reasons and the normalised text (valid
 * until the next call on c). *r is the caller's (vg_free). */
vg_status vg__classifier_explain(vg_classifier *c, const struct vg_post *post,
                                 struct vg_post_score *s, struct vg_pattern_result *pr,
                                 struct vg_reason **r, size_t *n_r, const char **text_norm);

#endif /* VG_DETECT_INT_H */
