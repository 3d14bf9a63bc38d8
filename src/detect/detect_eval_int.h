/* SPDX-License-Identifier: Apache-2.0 */
/*
 * detect_eval_int.h: how the evaluation report (`vigie eval`, the model card) prints metrics
 * computed by detect_eval.c: one JSON object per evaluated set, or one row of a Markdown table.
 *
 * Conventions of the values (detect_eval.c): a metric that is undefined for the set (ROC-AUC
 * with one class only, recall with no positives, FPR with no negatives) is NaN, written null in
 * JSON and "n/a" in Markdown; precision with nothing flagged is 0. A prevalence outside (0, 1)
 * means no reweighting.
 */
#ifndef VG_DETECT_EVAL_INT_H
#define VG_DETECT_EVAL_INT_H

#include "detect.h"

/*
 * Append {"n":..,"n_pos":..,"roc_auc":{"point":..,"lo":..,"hi":..},"pr_auc":{...},"f1":{...},
 * "precision":{...},"recall":{...},"prec_at_recall80":{...},"fpr":{...}} to out.
 * Errors: VG_ENOMEM, VG_ELIMIT (out is left as it was).
 */
vg_status vg__metrics_ci_json(const struct vg_metrics_ci *ci, struct vg_buf *out);

/* Append the header and separator lines of the Markdown table the rows below fill. */
vg_status vg__metrics_md_header(struct vg_buf *out);

/*
 * Append one table row: `label` (e.g. "test, prevalence 1%"; '|' written as '/'), n, positives,
 * then each metric as "0.912 [0.897, 0.925]" (point and 95% interval), with a final newline.
 */
vg_status vg__metrics_ci_md_row(const char *label, const struct vg_metrics_ci *ci,
                                struct vg_buf *out);

#endif /* VG_DETECT_EVAL_INT_H */
