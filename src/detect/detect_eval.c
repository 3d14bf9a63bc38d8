/* SPDX-License-Identifier: Apache-2.0 */
/*
 * detect_eval.c: how well a scorer separates propaganda from the rest (vg__metrics_* in
 * detect.h): ROC-AUC, PR-AUC (average precision), precision, recall, F1 and false-positive rate
 * at the operating threshold, and the best precision reachable at recall 0.8; at the test set's
 * own class balance or at a target prevalence; with stratified bootstrap intervals.
 *
 * Everything is computed in one pass over the examples sorted by descending score, taking
 * examples with equal scores together (a threshold cannot split them): ROC-AUC is then the
 * Mann-Whitney statistic with ties counted one half (the midrank form), and average precision is
 * sum over distinct thresholds of (recall step) x (precision there), as scikit-learn computes it.
 *
 * Prevalence: on a platform propaganda is rare, so precision measured on a balanced test set
 * flatters the model. Each negative is given the weight w = (P / prevalence - P) / N, so that the
 * P positives are `prevalence` of the weighted total; this is what resampling the negatives to
 * that prevalence gives in expectation, without throwing examples away. Weights change the
 * precision-based figures (precision, F1, PR-AUC, precision at recall 0.8) but not ROC-AUC,
 * recall or FPR, which are rates within one class.
 *
 * The bootstrap resamples positives and negatives separately (each class keeps its count, so
 * every resample has both classes). The examples are sorted once; a resample is a count per
 * sorted example, so each round is one linear pass with no sorting.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "detect_eval_int.h"

/* Examples sorted by descending score; NaN scores rank lowest. */
static int cmp_desc(const void *a, const void *b)
{
    double x = ((const struct vg_scored *)a)->score, y = ((const struct vg_scored *)b)->score;
    return (x < y) - (x > y);
}

static struct vg_scored *sorted_copy(const struct vg_scored *s, size_t n)
{
    struct vg_scored *v = vg_malloc((n ? n : 1) * sizeof(*v));
    if (!v)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        v[i].score = isnan(s[i].score) ? -INFINITY : s[i].score;
        v[i].label = s[i].label != 0;
    }
    qsort(v, n, sizeof(*v), cmp_desc);
    return v;
}

static void metrics_nan(struct vg_metrics *m)
{
    m->roc_auc = m->pr_auc = m->f1 = m->precision = m->recall = NAN;
    m->prec_at_recall80 = m->fpr = NAN;
}

/*
 * The metrics of v[0..n) sorted by descending score, example i counted cnt[i] times (once when
 * cnt is NULL), negatives reweighted to `prevalence` when it is in (0, 1).
 */
static void metrics_sorted(const struct vg_scored *v, const uint32_t *cnt, size_t n,
                           double threshold, double prevalence, struct vg_metrics *out)
{
    double P = 0, N = 0;
    for (size_t i = 0; i < n; i++) {
        double c = cnt ? cnt[i] : 1;
        if (v[i].label)
            P += c;
        else
            N += c;
    }
    memset(out, 0, sizeof(*out));
    out->n = (size_t)(P + N);
    out->n_pos = (size_t)P;
    double w = 1;
    if (prevalence > 0 && prevalence < 1 && P > 0 && N > 0)
        w = (P / prevalence - P) / N;

    double tp = 0, fp = 0, tp_t = 0, fp_t = 0, auc = 0, ap = 0, best80 = 0;
    for (size_t i = 0; i < n;) {
        double p = 0, q = 0, score = v[i].score;
        for (; i < n && v[i].score == score; i++) {
            double c = cnt ? cnt[i] : 1;
            if (v[i].label)
                p += c;
            else
                q += c;
        }
        /* Each negative of the group ranks below the positives seen so far, level with p. */
        auc += q * (tp + 0.5 * p);
        tp += p;
        fp += q;
        double prec = tp + fp > 0 ? tp / (tp + w * fp) : 0;
        if (P > 0 && p > 0)
            ap += p / P * prec;
        if (P > 0 && tp >= 0.8 * P && prec > best80)
            best80 = prec;
        if (score >= threshold) {
            tp_t = tp;
            fp_t = fp;
        }
    }
    out->roc_auc = P > 0 && N > 0 ? auc / (P * N) : NAN;
    out->pr_auc = P > 0 ? ap : NAN;
    out->prec_at_recall80 = P > 0 ? best80 : NAN;
    out->precision = tp_t + fp_t > 0 ? tp_t / (tp_t + w * fp_t) : 0;
    out->recall = P > 0 ? tp_t / P : NAN;
    out->fpr = N > 0 ? fp_t / N : NAN;
    if (P > 0)
        out->f1 = out->precision + out->recall > 0
                          ? 2 * out->precision * out->recall / (out->precision + out->recall)
                          : 0;
    else
        out->f1 = NAN;
}

void vg__metrics_at_prevalence(const struct vg_scored *s, size_t n, double threshold,
                               double prevalence, struct vg_metrics *out)
{
    struct vg_scored *v = NULL;
    memset(out, 0, sizeof(*out));
    if (!s && n)
        goto fail;
    if (!(v = sorted_copy(s, n))) {
        VG_LOG_ERR("metrics: out of memory sorting %zu scores", n);
        goto fail;
    }
    metrics_sorted(v, NULL, n, threshold, prevalence, out);
    vg_free(v);
    return;

fail:
    metrics_nan(out);
}

void vg__metrics_compute(const struct vg_scored *s, size_t n, double threshold,
                         struct vg_metrics *out)
{
    vg__metrics_at_prevalence(s, n, threshold, 0, out);
}

/* ---- bootstrap ------------------------------------------------------------------------------ */

/* splitmix64 (Steele, Lea and Flood 2014): seeded, fast, good enough to pick resamples. */
static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [0, n) for n < 2^32 (Lemire's multiply-shift; the bias is below n / 2^32). */
static size_t pick(uint64_t *state, size_t n)
{
    return (size_t)(((splitmix64(state) >> 32) * (uint64_t)n) >> 32);
}

#define N_FIELDS 7

static double *field_of(struct vg_metrics *m, int k)
{
    double *f[N_FIELDS] = { &m->roc_auc, &m->pr_auc,           &m->f1, &m->precision,
                            &m->recall,  &m->prec_at_recall80, &m->fpr };
    return f[k];
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Percentile q of the sorted v[0..n), interpolating between order statistics. */
static double percentile(const double *v, size_t n, double q)
{
    double pos = q * (double)(n - 1);
    size_t lo = (size_t)pos;
    if (lo + 1 >= n)
        return v[n - 1];
    return v[lo] + (pos - (double)lo) * (v[lo + 1] - v[lo]);
}

vg_status vg__metrics_bootstrap(const struct vg_scored *s, size_t n, double threshold,
                                double prevalence, unsigned rounds, uint64_t seed,
                                struct vg_metrics_ci *out)
{
    struct vg_scored *v = NULL;
    uint32_t *cnt = NULL;
    size_t *pos = NULL, *neg = NULL, n_pos = 0, n_neg = 0;
    double *vals = NULL;
    uint64_t state = seed;
    vg_status rc = VG_EINVAL;
    memset(out, 0, sizeof(*out));
    if ((!s && n) || rounds == 0 || n > UINT32_MAX)
        goto fail;
    rc = VG_ENOMEM;
    if (!(v = sorted_copy(s, n)) || !(cnt = vg_malloc((n ? n : 1) * sizeof(*cnt))) ||
        !(pos = vg_malloc((n ? n : 1) * sizeof(*pos))) ||
        !(neg = vg_malloc((n ? n : 1) * sizeof(*neg))) ||
        !(vals = vg_malloc((size_t)N_FIELDS * rounds * sizeof(*vals))))
        goto fail;
    for (size_t i = 0; i < n; i++) {
        if (v[i].label)
            pos[n_pos++] = i;
        else
            neg[n_neg++] = i;
    }
    metrics_sorted(v, NULL, n, threshold, prevalence, &out->point);
    for (unsigned r = 0; r < rounds; r++) {
        struct vg_metrics m;
        memset(cnt, 0, n * sizeof(*cnt));
        for (size_t k = 0; k < n_pos; k++)
            cnt[pos[pick(&state, n_pos)]]++;
        for (size_t k = 0; k < n_neg; k++)
            cnt[neg[pick(&state, n_neg)]]++;
        metrics_sorted(v, cnt, n, threshold, prevalence, &m);
        for (int k = 0; k < N_FIELDS; k++)
            vals[(size_t)k * rounds + r] = *field_of(&m, k);
    }
    out->lo = out->hi = out->point;
    for (int k = 0; k < N_FIELDS; k++) {
        double *f = vals + (size_t)k * rounds;
        int any_nan = 0;
        for (unsigned r = 0; r < rounds; r++)
            any_nan |= isnan(f[r]);
        if (any_nan) {
            /* Undefined in some resample (a class absent): no interval. */
            *field_of(&out->lo, k) = *field_of(&out->hi, k) = NAN;
            continue;
        }
        qsort(f, rounds, sizeof(*f), cmp_double);
        *field_of(&out->lo, k) = percentile(f, rounds, 0.025);
        *field_of(&out->hi, k) = percentile(f, rounds, 0.975);
    }
    rc = VG_OK;
    goto done;

fail:
    memset(out, 0, sizeof(*out));
done:
    vg_free(v);
    vg_free(cnt);
    vg_free(pos);
    vg_free(neg);
    vg_free(vals);
    return rc;
}

/* ---- printing ------------------------------------------------------------------------------- */

static const char *const field_names[N_FIELDS] = { "roc_auc", "pr_auc",           "f1", "precision",
                                                   "recall",  "prec_at_recall80", "fpr" };

static vg_status put_num(struct vg_buf *out, double x)
{
    return isfinite(x) ? vg_buf_printf(out, "%.6g", x) : vg_buf_puts(out, "null");
}

vg_status vg__metrics_ci_json(const struct vg_metrics_ci *ci, struct vg_buf *out)
{
    size_t start = out->len;
    struct vg_metrics_ci c = *ci;
    vg_status rc;
    if ((rc = vg_buf_printf(out, "{\"n\":%zu,\"n_pos\":%zu", c.point.n, c.point.n_pos)))
        goto fail;
    for (int k = 0; k < N_FIELDS; k++) {
        if ((rc = vg_buf_printf(out, ",\"%s\":{\"point\":", field_names[k])) ||
            (rc = put_num(out, *field_of(&c.point, k))) || (rc = vg_buf_puts(out, ",\"lo\":")) ||
            (rc = put_num(out, *field_of(&c.lo, k))) || (rc = vg_buf_puts(out, ",\"hi\":")) ||
            (rc = put_num(out, *field_of(&c.hi, k))) || (rc = vg_buf_putc(out, '}')))
            goto fail;
    }
    if ((rc = vg_buf_putc(out, '}')))
        goto fail;
    return VG_OK;

fail:
    out->len = start;
    if (out->data)
        out->data[start] = '\0';
    return rc;
}

vg_status vg__metrics_md_header(struct vg_buf *out)
{
    return vg_buf_puts(out, "| set | n | positives | ROC-AUC | PR-AUC | F1 | precision | recall "
                            "| precision at recall 0.8 | FPR |\n"
                            "|---|---:|---:|---|---|---|---|---|---|---|\n");
}

vg_status vg__metrics_ci_md_row(const char *label, const struct vg_metrics_ci *ci,
                                struct vg_buf *out)
{
    size_t start = out->len;
    struct vg_metrics_ci c = *ci;
    vg_status rc = VG_OK;
    if ((rc = vg_buf_puts(out, "| ")))
        goto fail;
    for (const char *p = label ? label : ""; *p && !rc; p++)
        rc = vg_buf_putc(out, *p == '|' ? '/' : *p == '\n' ? ' ' : *p);
    if (rc || (rc = vg_buf_printf(out, " | %zu | %zu |", c.point.n, c.point.n_pos)))
        goto fail;
    for (int k = 0; k < N_FIELDS; k++) {
        double p = *field_of(&c.point, k), lo = *field_of(&c.lo, k), hi = *field_of(&c.hi, k);
        if (!isfinite(p))
            rc = vg_buf_puts(out, " n/a |");
        else if (!isfinite(lo) || !isfinite(hi))
            rc = vg_buf_printf(out, " %.3f |", p);
        else
            rc = vg_buf_printf(out, " %.3f [%.3f, %.3f] |", p, lo, hi);
        if (rc)
            goto fail;
    }
    if ((rc = vg_buf_putc(out, '\n')))
        goto fail;
    return VG_OK;

fail:
    out->len = start;
    if (out->data)
        out->data[start] = '\0';
    return rc;
}
