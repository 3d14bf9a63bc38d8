/* SPDX-License-Identifier: Apache-2.0 */
/*
 * detect_classifier.c: the public scoring API (vigie.h, "Scoring posts"). A vg_classifier is a
 * loaded model plus the scratch memory one thread needs to score posts: the text stage derives
 * the normalised text, language, hashtags and domains; the features go through the model's dot
 * product and calibration; the pattern sets add TCO categories, the threat score and the
 * exemption cues. `vigie classify`, `vigie explain`, `vigie eval` and ingest with a model all
 * score through here, so a post gets the same score whichever way it arrives.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "detect_int.h"
#include "text.h"

struct vg_classifier {
    struct vg_model *model;
    char model_id[96];
    struct vg_arena arena;   /* per-post derived text */
    struct vg_buf scratch;   /* the text stage's scratch */
    struct vg_features feat; /* the post's feature vector */
    struct vg_buf json;      /* vg_post_score_json's output */
    struct vg_buf feat_text; /* text_norm without function words */
};

static const char *const tco_names[] = {
#define VG__TCO_NAME(name, letter, text) text,
    VG_TCO_MAP(VG__TCO_NAME)
#undef VG__TCO_NAME
};
static const char tco_letters[] = {
#define VG__TCO_LETTER(name, letter, text) letter,
    VG_TCO_MAP(VG__TCO_LETTER)
#undef VG__TCO_LETTER
};

const char *vg_tco_category_name(enum vg_tco_category c)
{
    return (unsigned)c < VG_TCO__COUNT ? tco_names[c] : NULL;
}

char vg_tco_category_letter(enum vg_tco_category c)
{
    return (unsigned)c < VG_TCO__COUNT ? tco_letters[c] : '?';
}

/* "name@xxh64-prefix": the metadata's name and a checksum of the weights, so two models with
 * the same name but different weights never share stored scores. */
static void make_model_id(struct vg_classifier *c)
{
    const struct vg_model *m = c->model;
    size_t dim = (size_t)1 << m->feat.bits;
    uint64_t h = vg_hash64(m->w, dim * sizeof(float), m->feat.seed);
    char name[64] = "model";
    vg__meta_string(m->meta_json, "name", name, sizeof(name));
    snprintf(c->model_id, sizeof(c->model_id), "%s@%016llx", name, (unsigned long long)h);
}

vg_status vg__classifier_wrap(struct vg_model *m, vg_classifier **out)
{
    *out = NULL;
    struct vg_classifier *c = vg_calloc(1, sizeof(*c));
    if (!c)
        return VG_ENOMEM;
    c->model = m;
    vg_arena_init(&c->arena, 16384, 4u * VG_TEXT_MAX + (1u << 20));
    vg_buf_init(&c->scratch, 4u * VG_TEXT_MAX);
    vg_buf_init(&c->json, 1u << 20);
    vg_buf_init(&c->feat_text, 4u * VG_TEXT_MAX);
    vg__features_init(&c->feat);
    make_model_id(c);
    *out = c;
    return VG_OK;
}

vg_status vg_classifier_open(const char *path, vg_classifier **out)
{
    *out = NULL;
    struct vg_model *m = NULL;
    vg_status rc = vg__model_load(path, &m);
    if (rc)
        return rc;
    if ((rc = vg__classifier_wrap(m, out)))
        vg__model_free(m);
    return rc;
}

void vg_classifier_close(vg_classifier *c)
{
    if (!c)
        return;
    vg__model_free(c->model);
    vg_arena_release(&c->arena);
    vg_buf_release(&c->scratch);
    vg_buf_release(&c->json);
    vg_buf_release(&c->feat_text);
    vg__features_release(&c->feat);
    vg_free(c);
}

const char *vg_classifier_model_id(const vg_classifier *c)
{
    return c->model_id;
}

const char *vg_classifier_meta_json(const vg_classifier *c)
{
    return c->model->meta_json ? c->model->meta_json : "{}";
}

const struct vg_model *vg__classifier_model(const vg_classifier *c)
{
    return c->model;
}

vg_status vg__feature_input(const struct vg_post *p, const struct vg_post_derived *d,
                            struct vg_buf *text_buf, struct vg_feat_input *in)
{
    memset(in, 0, sizeof(*in));
    vg_status rc = vg__strip_stopwords(d->text_norm ? d->text_norm : "", text_buf);
    if (rc)
        return rc;
    in->text = p->text;
    in->text_norm = text_buf->data;
    in->lang = d->lang;
    in->hashtags = d->tags_norm.v;
    in->n_hashtags = d->tags_norm.n;
    in->domains = d->domains.v;
    in->n_domains = d->domains.n;
    return VG_OK;
}

static int has_words(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80 || ((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z') ||
            (*s >= '0' && *s <= '9'))
            return 1;
    return 0;
}

/* A static language string for the score: the three we measure, else "und" or "other". */
static const char *score_lang(const char *lang)
{
    static const char *const known[] = { "ar", "fr", "en", "und" };
    if (!lang)
        return "und";
    for (size_t i = 0; i < VG_ARRAY_LEN(known); i++)
        if (!strcmp(lang, known[i]))
            return known[i];
    return "other";
}

vg_status vg__classifier_score_derived(vg_classifier *c, const struct vg_post *post,
                                       const struct vg_post_derived *d, struct vg_post_score *out,
                                       struct vg_pattern_result *pr_out)
{
    memset(out, 0, sizeof(*out));
    struct vg_feat_input in;
    vg_status rc = vg__feature_input(post, d, &c->feat_text, &in);
    if (rc || (rc = vg__features_extract(&c->model->feat, &in, &c->feat)))
        return rc;
    const char *norm = d->text_norm ? d->text_norm : "";
    struct vg_pattern_result pr;
    if ((rc = vg__patterns_match(norm, strlen(norm), d->lang, &pr)))
        return rc;
    /* A post without words (a bare repost, an image alone) says nothing the model can read:
     * score 0 rather than whatever the bias and empty-text features give. Reposts are judged
     * through the post they repeat. */
    double margin = vg__model_margin(c->model, &c->feat);
    out->score = has_words(norm) ? vg__model_prob(c->model, margin) : 0.0;
    out->threshold = c->model->threshold;
    out->flagged = out->score >= c->model->threshold;
    out->categories = pr.categories;
    out->threat = pr.threat;
    out->escalate = pr.threat >= VG_THREAT_ESCALATE;
    out->exempt = pr.exempt;
    out->lang = score_lang(d->lang);
    if (pr_out)
        *pr_out = pr;
    return VG_OK;
}

/* Derive, then score; the derived text lives in c->arena until the next call. */
static vg_status score_post(vg_classifier *c, const struct vg_post *post, struct vg_post_derived *d,
                            struct vg_post_score *out, struct vg_pattern_result *pr)
{
    vg_arena_reset(&c->arena);
    vg_buf_reset(&c->scratch);
    const char *text = post->text ? post->text : "";
    if (!vg_utf8_valid(text, strlen(text)))
        return VG_EUTF8;
    if (strlen(text) > VG_TEXT_MAX)
        return VG_ELIMIT;
    vg_status rc = vg__post_derive(post, &c->arena, &c->scratch, d);
    if (rc)
        return rc;
    return vg__classifier_score_derived(c, post, d, out, pr);
}

vg_status vg_post_score(vg_classifier *c, const struct vg_post *post, struct vg_post_score *out)
{
    struct vg_post_derived d;
    vg_status rc = score_post(c, post, &d, out, NULL);
    if (rc)
        memset(out, 0, sizeof(*out));
    return rc;
}

/* ---- reasons: the features that pushed the margin most ------------------------------------- */

struct reason_acc {
    const struct vg_model *m;
    struct vg_reason *r;
    size_t n, cap;
    vg_status rc;
};

static void add_reason(const char *name, uint32_t idx, float val, void *ud)
{
    struct reason_acc *a = ud;
    if (a->rc)
        return;
    double w = (double)a->m->w[idx] * (double)val;
    if (w == 0.0)
        return;
    if (a->n == a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 64;
        struct vg_reason *r = vg_realloc(a->r, cap * sizeof(*r));
        if (!r) {
            a->rc = VG_ENOMEM;
            return;
        }
        a->r = r;
        a->cap = cap;
    }
    snprintf(a->r[a->n].feature, sizeof(a->r[a->n].feature), "%s", name);
    a->r[a->n].weight = w;
    a->n++;
}

static int by_weight_desc(const void *x, const void *y)
{
    double a = ((const struct vg_reason *)x)->weight, b = ((const struct vg_reason *)y)->weight;
    return (a < b) - (a > b);
}

vg_status vg__classifier_reasons(vg_classifier *c, const struct vg_post *post,
                                 const struct vg_post_derived *d, struct vg_reason **out,
                                 size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    struct vg_feat_input in;
    struct reason_acc a = { .m = c->model };
    vg_status rc = vg__feature_input(post, d, &c->feat_text, &in);
    if (rc == VG_OK)
        rc = vg__features_each(&c->model->feat, &in, add_reason, &a);
    if (rc == VG_OK)
        rc = a.rc;
    if (rc) {
        vg_free(a.r);
        return rc;
    }
    /* Several names can share a bucket (hashing); each is listed with the bucket's weight. */
    if (a.n)
        qsort(a.r, a.n, sizeof(*a.r), by_weight_desc);
    *out = a.r;
    *n_out = a.n;
    return VG_OK;
}

/* ---- the classify line ---------------------------------------------------------------------- */

static vg_status put_names(struct vg_buf *b, const char *key, unsigned bits, int exempt)
{
    static const char *const exempt_names[] = { "news", "research", "counter_speech" };
    vg_status rc = vg_buf_printf(b, ",\"%s\":[", key);
    int first = 1;
    size_t n = exempt ? VG_ARRAY_LEN(exempt_names) : VG_TCO__COUNT;
    for (size_t i = 0; rc == VG_OK && i < n; i++) {
        if (!(bits & (1u << i)))
            continue;
        const char *name = exempt ? exempt_names[i] : tco_names[i];
        rc = vg_buf_printf(b, "%s\"%s\"", first ? "" : ",", name);
        first = 0;
    }
    return rc ? rc : vg_buf_putc(b, ']');
}

/* Reasons in both directions: the top_n strongest for and the top_n strongest against. */
static vg_status put_reasons(struct vg_buf *b, const struct vg_reason *r, size_t n, size_t top_n)
{
    vg_status rc = vg_buf_puts(b, ",\"reasons\":[");
    int first = 1;
    for (size_t i = 0; rc == VG_OK && i < n && i < top_n; i++) {
        if (r[i].weight <= 0)
            break;
        rc = vg_buf_puts(b, first ? "{\"feature\":" : ",{\"feature\":");
        first = 0;
        if (rc == VG_OK)
            rc = vg_buf_json_str(b, r[i].feature, strlen(r[i].feature));
        if (rc == VG_OK)
            rc = vg_buf_printf(b, ",\"weight\":%.4f}", r[i].weight);
    }
    for (size_t k = 0; rc == VG_OK && k < n && k < top_n; k++) {
        const struct vg_reason *x = &r[n - 1 - k];
        if (x->weight >= 0)
            break;
        rc = vg_buf_puts(b, first ? "{\"feature\":" : ",{\"feature\":");
        first = 0;
        if (rc == VG_OK)
            rc = vg_buf_json_str(b, x->feature, strlen(x->feature));
        if (rc == VG_OK)
            rc = vg_buf_printf(b, ",\"weight\":%.4f}", x->weight);
    }
    return rc ? rc : vg_buf_putc(b, ']');
}

vg_status vg__score_json(struct vg_buf *b, const struct vg_post *post,
                         const struct vg_post_score *s, const struct vg_reason *r, size_t n_r,
                         size_t top_n)
{
    vg_status rc = vg_buf_puts(b, "{\"id\":");
    const char *id = post->id ? post->id : "";
    if (rc == VG_OK)
        rc = vg_buf_json_str(b, id, strlen(id));
    if (rc == VG_OK)
        rc = vg_buf_printf(b, ",\"lang\":\"%s\",\"score\":%.4f,\"flagged\":%s", s->lang, s->score,
                           s->flagged ? "true" : "false");
    if (rc == VG_OK)
        rc = put_names(b, "categories", s->categories, 0);
    if (rc == VG_OK)
        rc = vg_buf_printf(b, ",\"threat\":%.4f,\"escalate\":%s", s->threat,
                           s->escalate ? "true" : "false");
    if (rc == VG_OK)
        rc = put_names(b, "exempt", s->exempt, 1);
    if (rc == VG_OK)
        rc = put_reasons(b, r, n_r, top_n);
    return rc ? rc : vg_buf_putc(b, '}');
}

vg_status vg_post_score_json(vg_classifier *c, const struct vg_post *post, size_t top_n,
                             char **json_out)
{
    *json_out = NULL;
    struct vg_post_derived d;
    struct vg_post_score s;
    struct vg_reason *r = NULL;
    size_t n_r = 0;
    vg_status rc = score_post(c, post, &d, &s, NULL);
    if (rc == VG_OK && top_n)
        rc = vg__classifier_reasons(c, post, &d, &r, &n_r);
    vg_buf_reset(&c->json);
    if (rc == VG_OK)
        rc = vg__score_json(&c->json, post, &s, r, n_r, top_n);
    vg_free(r);
    if (rc == VG_OK && !(*json_out = vg_strndup(c->json.data, c->json.len)))
        rc = VG_ENOMEM;
    return rc;
}

vg_status vg__classifier_explain(vg_classifier *c, const struct vg_post *post,
                                 struct vg_post_score *s, struct vg_pattern_result *pr,
                                 struct vg_reason **r, size_t *n_r, const char **text_norm)
{
    *r = NULL;
    *n_r = 0;
    struct vg_post_derived d;
    vg_status rc = score_post(c, post, &d, s, pr);
    if (rc == VG_OK)
        rc = vg__classifier_reasons(c, post, &d, r, n_r);
    *text_norm = d.text_norm ? d.text_norm : "";
    return rc;
}

void vg__meta_string(const char *meta, const char *path, char *buf, size_t cap)
{
    cJSON *doc = meta ? cJSON_Parse(meta) : NULL;
    const cJSON *v = doc;
    char key[64];
    for (const char *p = path; v && *p;) {
        size_t n = strcspn(p, ".");
        snprintf(key, sizeof(key), "%.*s", (int)(n < sizeof(key) ? n : sizeof(key) - 1), p);
        v = cJSON_GetObjectItemCaseSensitive(v, key);
        p += n + (p[n] == '.');
    }
    if (cJSON_IsString(v) && cap)
        snprintf(buf, cap, "%s", v->valuestring);
    cJSON_Delete(doc);
}
