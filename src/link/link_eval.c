/* SPDX-License-Identifier: Apache-2.0 */
/*
 * link_eval.c: the links of a batch measured against the planted truth of a generated world
 * (truth.json of `vigie sim`, docs/sim.md; figures defined in docs/returns.md, "Measuring").
 * The truth reader here takes only what this needs, each listed account's "id" and "replaces"
 * (a string or null; absent counts as null), and works on a buffer so that its fuzz target
 * (tests/fuzz/fuzz_link_truth.c) reaches it without a file.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "link.h"

#define TRUTH_FILE_MAX (256u << 20)
#define TRUTH_ID_MAX   512

/* ---- truth --------------------------------------------------------------------------------- */

void vg__link_truth_release(struct vg_link_truth *t)
{
    for (size_t i = 0; i < t->n; i++) {
        vg_free(t->id[i]);
        vg_free(t->replaces[i]);
    }
    vg_free(t->id);
    vg_free(t->replaces);
    memset(t, 0, sizeof(*t));
}

static int good_id(const cJSON *f)
{
    if (!cJSON_IsString(f) || !f->valuestring)
        return 0;
    size_t n = strlen(f->valuestring);
    return n > 0 && n <= TRUTH_ID_MAX && vg_utf8_valid(f->valuestring, n);
}

vg_status vg__link_truth_parse(const char *text, size_t len, struct vg_link_truth *t, char *err,
                               size_t cap)
{
    memset(t, 0, sizeof(*t));
    if (err && cap)
        err[0] = '\0';
    cJSON *root = cJSON_ParseWithLength(text, len);
    vg_status rc = VG_OK;
    if (!root) {
        vg_errf(err, cap, "not JSON");
        return VG_EPARSE;
    }
    const cJSON *acc = cJSON_GetObjectItemCaseSensitive(root, "accounts");
    if (!acc) {
        vg_errf(err, cap, "accounts: missing");
        rc = VG_EFIELD;
        goto fail;
    }
    if (!cJSON_IsArray(acc)) {
        vg_errf(err, cap, "accounts: expected an array");
        rc = VG_EPARSE;
        goto fail;
    }
    size_t n = (size_t)cJSON_GetArraySize(acc);
    t->id = vg_calloc(n ? n : 1, sizeof(*t->id));
    t->replaces = vg_calloc(n ? n : 1, sizeof(*t->replaces));
    if (!t->id || !t->replaces) {
        rc = VG_ENOMEM;
        goto fail;
    }
    size_t i = 0;
    for (const cJSON *it = acc->child; it; it = it->next, i++) {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id");
        const cJSON *rep =
                cJSON_IsObject(it) ? cJSON_GetObjectItemCaseSensitive(it, "replaces") : NULL;
        if (!cJSON_IsObject(it)) {
            vg_errf(err, cap, "accounts[%zu]: expected an object", i);
            rc = VG_EPARSE;
        } else if (!id) {
            vg_errf(err, cap, "accounts[%zu].id: missing", i);
            rc = VG_EFIELD;
        } else if (!good_id(id)) {
            vg_errf(err, cap, "accounts[%zu].id: expected 1 to 512 bytes of UTF-8", i);
            rc = VG_EPARSE;
        } else if (rep && !cJSON_IsNull(rep) && !good_id(rep)) {
            vg_errf(err, cap, "accounts[%zu].replaces: expected an id or null", i);
            rc = VG_EPARSE;
        }
        if (rc)
            goto fail;
        t->id[t->n] = vg_strdup(id->valuestring);
        t->replaces[t->n] = rep && cJSON_IsString(rep) ? vg_strdup(rep->valuestring) : NULL;
        t->n++;
        if (!t->id[t->n - 1] || (rep && cJSON_IsString(rep) && !t->replaces[t->n - 1])) {
            rc = VG_ENOMEM;
            goto fail;
        }
    }
    cJSON_Delete(root);
    return VG_OK;
fail:
    cJSON_Delete(root);
    vg__link_truth_release(t);
    return rc;
}

static vg_status parse_text(const char *text, size_t len, void *t, char *err, size_t cap)
{
    return vg__link_truth_parse(text, len, t, err, cap);
}

static vg_status truth_read(const char *path, struct vg_link_truth *t)
{
    memset(t, 0, sizeof(*t));
    char err[512];
    vg_status rc = vg_file_parse(path, TRUTH_FILE_MAX, parse_text, t, err, sizeof(err));
    if (rc)
        VG_LOG_ERR("truth: %s", err);
    return rc;
}

/* Truth as (id, replaces) pairs sorted by id, for bsearch. */
struct pair {
    const char *id, *replaces;
};

static int cmp_pair(const void *a, const void *b)
{
    return strcmp(((const struct pair *)a)->id, ((const struct pair *)b)->id);
}

static const char *parent_of(const struct pair *p, size_t n, const char *id)
{
    struct pair key = { id, NULL };
    const struct pair *hit = n ? bsearch(&key, p, n, sizeof(*p), cmp_pair) : NULL;
    return hit ? hit->replaces : NULL;
}

static vg_status truth_pairs(const struct vg_link_truth *t, struct pair **out)
{
    *out = vg_malloc((t->n ? t->n : 1) * sizeof(**out));
    if (!*out)
        return VG_ENOMEM;
    for (size_t i = 0; i < t->n; i++)
        (*out)[i] = (struct pair){ t->id[i], t->replaces[i] };
    qsort(*out, t->n, sizeof(**out), cmp_pair);
    return VG_OK;
}

/* ---- figures ------------------------------------------------------------------------------- */

struct scored {
    double s;
    int pos;
};

static int cmp_scored(const void *a, const void *b)
{
    double x = ((const struct scored *)a)->s, y = ((const struct scored *)b)->s;
    return (x > y) - (x < y);
}

/* ROC-AUC as the Mann-Whitney statistic, ties counted half. NaN without both classes. */
static double roc_auc(struct scored *v, size_t n)
{
    qsort(v, n, sizeof(*v), cmp_scored);
    double pos = 0, neg = 0, rank_sum = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && v[j].s == v[i].s)
            j++;
        double mid = (double)(i + j + 1) / 2.0; /* ranks i+1 .. j */
        for (size_t k = i; k < j; k++) {
            if (v[k].pos) {
                pos++;
                rank_sum += mid;
            } else {
                neg++;
            }
        }
        i = j;
    }
    if (!pos || !neg)
        return NAN;
    return (rank_sum - pos * (pos + 1) / 2.0) / (pos * neg);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
    if (!n)
        return NAN;
    qsort(v, n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

struct eval_work {
    struct scored *sc;
    double *delay, *delay_shout, *delay_named; /* per linked child, with their counts */
    size_t n_delay, n_shout, n_named;
};

static void eval_release(struct eval_work *w)
{
    vg_free(w->sc);
    vg_free(w->delay);
    vg_free(w->delay_shout);
    vg_free(w->delay_named);
}

/* The rank (1 = first) of parent in a candidate list, 0 when absent. */
static uint32_t rank_of(const char *const *cand, uint32_t n, const char *parent)
{
    for (uint32_t k = 0; k < n; k++)
        if (!strcmp(cand[k], parent))
            return k + 1;
    return 0;
}

/* Sums of reciprocal ranks and top-1 counts; evaluate() divides them by the children. */
static void add_rank(uint32_t rank, double *mrr, double *top1)
{
    *mrr += rank ? 1.0 / (double)rank : 0;
    *top1 += rank == 1;
}

static void eval_child(const struct vg_link_new_info *in, const char *parent,
                       struct vg_returns_eval *e, struct eval_work *w, double *fol_link,
                       double *fol_final)
{
    e->children++;
    add_rank(rank_of(in->early, in->n_early, parent), &e->mrr, &e->top1);
    add_rank(rank_of(in->final, in->n_final, parent), &e->mrr_at_link, &e->top1_at_link);
    if (!in->linked)
        return;
    e->linked_children++;
    e->linked_right += !strcmp(in->replaces, parent);
    w->delay[w->n_delay++] = (double)(in->linked_at - in->first_action);
    *fol_link += in->followers_at_link;
    *fol_final += in->followers_final;
    if (in->first_shout != VG_TIME_UNKNOWN) {
        double d = (double)(in->linked_at - in->first_shout);
        w->delay_shout[w->n_shout++] = d > 0 ? d : 0;
    }
    if (in->first_named != VG_TIME_UNKNOWN) {
        double d = (double)(in->linked_at - in->first_named);
        w->delay_named[w->n_named++] = d > 0 ? d : 0;
    }
}

static vg_status evaluate(const vg_returns *r, const struct pair *p, size_t np,
                          struct vg_returns_eval *e)
{
    memset(e, 0, sizeof(*e));
    size_t n = vg__returns_n_new(r);
    struct eval_work w = { vg_malloc((n ? n : 1) * sizeof(*w.sc)),
                           vg_malloc((n ? n : 1) * sizeof(double)),
                           vg_malloc((n ? n : 1) * sizeof(double)),
                           vg_malloc((n ? n : 1) * sizeof(double)),
                           0,
                           0,
                           0 };
    if (!w.sc || !w.delay || !w.delay_shout || !w.delay_named) {
        eval_release(&w);
        return VG_ENOMEM;
    }
    double fol_link = 0, fol_final = 0;
    for (size_t i = 0; i < n; i++) {
        struct vg_link_new_info in;
        vg__returns_new_info(r, i, &in);
        const char *parent = parent_of(p, np, in.id);
        w.sc[i] = (struct scored){ in.early_score, parent != NULL };
        if (parent) {
            eval_child(&in, parent, e, &w, &fol_link, &fol_final);
        } else {
            e->ordinary++;
            e->false_links += in.linked;
        }
    }
    e->new_accounts = n;
    e->roc_auc = roc_auc(w.sc, n);
    double k = e->children ? 1.0 / (double)e->children : NAN;
    e->mrr *= k;
    e->top1 *= k;
    e->mrr_at_link *= k;
    e->top1_at_link *= k;
    e->false_links_per_10k =
            e->ordinary ? 10000.0 * (double)e->false_links / (double)e->ordinary : NAN;
    e->median_delay_s = median(w.delay, w.n_delay);
    e->median_delay_shout_s = median(w.delay_shout, w.n_shout);
    e->median_delay_named_s = median(w.delay_named, w.n_named);
    e->with_shout = w.n_shout;
    e->mean_followers_at_link = w.n_delay ? fol_link / (double)w.n_delay : NAN;
    e->mean_followers_final = w.n_delay ? fol_final / (double)w.n_delay : NAN;
    eval_release(&w);
    return VG_OK;
}

vg_status vg_returns_eval(const vg_returns *r, const char *truth_path, struct vg_returns_eval *out)
{
    memset(out, 0, sizeof(*out));
    struct vg_link_truth t;
    vg_status rc = truth_read(truth_path, &t);
    if (rc)
        return rc;
    struct pair *p;
    if (!(rc = truth_pairs(&t, &p))) {
        /* Only planted returns matter: drop the others from the lookup. */
        size_t k = 0;
        for (size_t i = 0; i < t.n; i++)
            if (p[i].replaces)
                p[k++] = p[i];
        rc = evaluate(r, p, k, out);
        vg_free(p);
    }
    vg__link_truth_release(&t);
    return rc;
}

static vg_status put_num(struct vg_buf *b, const char *key, double x, const char *fmt)
{
    if (!isfinite(x))
        return vg_buf_printf(b, ",\"%s\":null", key);
    vg_status rc = vg_buf_printf(b, ",\"%s\":", key);
    return rc ? rc : vg_buf_printf(b, fmt, x);
}

vg_status vg_returns_eval_json(const struct vg_returns_eval *e, char **json)
{
    struct vg_buf b;
    vg_buf_init(&b, 1 << 16);
    vg_status rc =
            vg_buf_printf(&b,
                          "{\"new_accounts\":%llu,\"children\":%llu,\"ordinary\":%llu,"
                          "\"linked_children\":%llu,\"linked_right\":%llu,"
                          "\"false_links\":%llu,\"with_shout\":%llu",
                          (unsigned long long)e->new_accounts, (unsigned long long)e->children,
                          (unsigned long long)e->ordinary, (unsigned long long)e->linked_children,
                          (unsigned long long)e->linked_right, (unsigned long long)e->false_links,
                          (unsigned long long)e->with_shout);
    if (!rc)
        rc = put_num(&b, "roc_auc", e->roc_auc, "%.4f");
    if (!rc)
        rc = put_num(&b, "mrr", e->mrr, "%.4f");
    if (!rc)
        rc = put_num(&b, "top1", e->top1, "%.4f");
    if (!rc)
        rc = put_num(&b, "mrr_at_link", e->mrr_at_link, "%.4f");
    if (!rc)
        rc = put_num(&b, "top1_at_link", e->top1_at_link, "%.4f");
    if (!rc)
        rc = put_num(&b, "false_links_per_10k", e->false_links_per_10k, "%.1f");
    if (!rc)
        rc = put_num(&b, "median_delay_s", e->median_delay_s, "%.0f");
    if (!rc)
        rc = put_num(&b, "median_delay_shout_s", e->median_delay_shout_s, "%.0f");
    if (!rc)
        rc = put_num(&b, "median_delay_named_s", e->median_delay_named_s, "%.0f");
    if (!rc)
        rc = put_num(&b, "mean_followers_at_link", e->mean_followers_at_link, "%.1f");
    if (!rc)
        rc = put_num(&b, "mean_followers_final", e->mean_followers_final, "%.1f");
    if (!rc)
        rc = vg_buf_puts(&b, "}");
    if (rc) {
        vg_buf_release(&b);
        return rc;
    }
    *json = vg_buf_take(&b);
    return *json ? VG_OK : VG_ENOMEM;
}

/* ---- misses -------------------------------------------------------------------------------- */

static vg_status miss_line(struct vg_buf *b, const char *kind, const struct vg_link_new_info *in,
                           const char *parent)
{
    vg_status rc = vg_buf_printf(b, "{\"miss\":\"%s\",\"account\":", kind);
    if (!rc)
        rc = vg_buf_json_str(b, in->id, strlen(in->id));
    if (!rc && parent && !(rc = vg_buf_puts(b, ",\"true_parent\":")))
        rc = vg_buf_json_str(b, parent, strlen(parent));
    if (!rc && in->linked && !(rc = vg_buf_puts(b, ",\"linked_to\":")))
        rc = vg_buf_json_str(b, in->replaces, strlen(in->replaces));
    if (!rc)
        rc = vg_buf_printf(b, ",\"score\":%.4f,\"early_score\":%.4f,\"early_candidates\":[",
                           in->linked ? in->score : 0.0, in->early_score);
    for (uint32_t k = 0; !rc && k < in->n_early && k < 3; k++) {
        if (k)
            rc = vg_buf_putc(b, ',');
        if (!rc)
            rc = vg_buf_json_str(b, in->early[k], strlen(in->early[k]));
    }
    if (!rc)
        rc = vg_buf_puts(b, "]}\n");
    return rc;
}

vg_status vg_returns_misses_json(const vg_returns *r, const char *truth_path, char **text)
{
    *text = NULL;
    struct vg_link_truth t;
    vg_status rc = truth_read(truth_path, &t);
    if (rc)
        return rc;
    struct pair *p = NULL;
    struct vg_buf b;
    vg_buf_init(&b, 256u << 20);
    if ((rc = truth_pairs(&t, &p)))
        goto done;
    size_t n = vg__returns_n_new(r);
    for (size_t i = 0; i < n && !rc; i++) {
        struct vg_link_new_info in;
        vg__returns_new_info(r, i, &in);
        const char *parent = parent_of(p, t.n, in.id);
        if (parent && !in.linked)
            rc = miss_line(&b, "unlinked", &in, parent);
        else if (parent && strcmp(in.replaces, parent))
            rc = miss_line(&b, "wrong_parent", &in, parent);
        else if (!parent && in.linked)
            rc = miss_line(&b, "false_link", &in, NULL);
    }
    if (!rc && !(rc = vg_buf_reserve(&b, 0)))
        *text = vg_buf_take(&b);
done:
    vg_free(p);
    vg_buf_release(&b);
    vg__link_truth_release(&t);
    return rc;
}
