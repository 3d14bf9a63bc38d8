/* SPDX-License-Identifier: Apache-2.0 */
/*
 * detect_config.c: the training configuration as one declarative table (house style: Redis's
 * static_configs[]). Each entry has a name, a type, a default, bounds and a line of doc; the same
 * table drives `vigie train --config FILE`, `--set key=value`, the model's metadata and
 * docs/classifier.md. A config file is "key = value" lines; '#' starts a comment.
 */
#include <stdio.h>
#include <string.h>

#include "detect_pipeline.h"

enum cfg_type {
    CFG_INT,
    CFG_DOUBLE,
    CFG_STRING,
    CFG_SOLVER,
    CFG_FEATURES
};

struct cfg_entry {
    const char *name;
    enum cfg_type type;
    size_t offset;
    double min, max;
    const char *def;
    const char *doc;
};

#define OFF(f) offsetof(struct vg_train_config, f)

static const struct cfg_entry table[] = {
    { "name", CFG_STRING, OFF(name), 1, 63, "vigie-propaganda",
      "model name, stored in the model and beside every score" },
    { "seed", CFG_INT, OFF(seed), 0, 4294967295.0, "20261123",
      "seed of the splits and of the bootstrap; the feature-hash seed is fixed per format" },
    { "bits", CFG_INT, OFF(bits), 16, 24, "20", "feature space is 2^bits hashed dimensions" },
    { "features", CFG_FEATURES, OFF(flags), 0, 0, "word1,word2,char,hashtag,domain",
      "feature families: word1 word2 char hashtag domain shape (shape is off by default: "
      "the datasets' placeholders made 'no URL, no mention' a sign of propaganda)" },
    { "solver", CFG_SOLVER, OFF(solver), 0, 0, "l1",
      "l1 (L1-regularised logistic regression: sparse, 36 KB model) or l2; measured in "
      "docs/classifier.md" },
    { "C", CFG_DOUBLE, OFF(C), 1e-4, 1e4, "4", "inverse regularisation strength" },
    { "eps", CFG_DOUBLE, OFF(eps), 1e-6, 1, "0.01", "liblinear stopping tolerance" },
    { "pos_weight", CFG_DOUBLE, OFF(pos_weight), 0.01, 100, "1",
      "weight of positive examples in the loss" },
    { "hate_fpr_max", CFG_DOUBLE, OFF(hate_fpr_max), 0, 1, "0.04",
      "threshold rule: the highest-F1 threshold whose false-positive rate on hate-speech "
      "negatives of the calibration split stays at or under this" },
    { "eval_only", CFG_STRING, OFF(eval_only), 0, 127, "",
      "sources used only to evaluate (all their examples go to the test split): MLMA's texts "
      "had their stop words removed, so in training the mere presence of 'its' or 'from' "
      "became a sign of propaganda" },
};

static const struct {
    const char *name;
    unsigned flag;
} families[] = {
    { "word1", VG_FEAT_WORD1 },     { "word2", VG_FEAT_WORD2 },   { "char", VG_FEAT_CHAR },
    { "hashtag", VG_FEAT_HASHTAG }, { "domain", VG_FEAT_DOMAIN }, { "shape", VG_FEAT_SHAPE },
};

static vg_status parse_features(const char *v, unsigned *out, char *err, size_t cap)
{
    unsigned flags = 0;
    const char *p = v;
    while (*p) {
        size_t n = strcspn(p, ", ");
        if (n) {
            size_t i = 0;
            for (; i < VG_ARRAY_LEN(families); i++)
                if (strlen(families[i].name) == n && !strncmp(p, families[i].name, n))
                    break;
            if (i == VG_ARRAY_LEN(families)) {
                vg_errf(err, cap, "features: unknown family '%.*s'", (int)(n > 40 ? 40 : n), p);
                return VG_EINVAL;
            }
            flags |= families[i].flag;
        }
        p += n;
        p += strspn(p, ", ");
    }
    if (!flags) {
        vg_errf(err, cap, "features: at least one family is needed");
        return VG_EINVAL;
    }
    *out = flags;
    return VG_OK;
}

static vg_status parse_number(const struct cfg_entry *e, const char *v, double *out, char *err,
                              size_t cap)
{
    return vg_kv_number(e->name, v, e->min, e->max, e->type == CFG_INT, out, err, cap);
}

static vg_status apply(struct vg_train_config *cfg, const struct cfg_entry *e, const char *v,
                       char *err, size_t cap)
{
    char *field = (char *)cfg + e->offset;
    double d;
    vg_status rc;
    switch (e->type) {
        case CFG_INT:
            if ((rc = parse_number(e, v, &d, err, cap)))
                return rc;
            if (!strcmp(e->name, "seed"))
                cfg->seed = (uint64_t)d;
            else
                *(unsigned *)(void *)field = (unsigned)d;
            return VG_OK;
        case CFG_DOUBLE:
            if ((rc = parse_number(e, v, &d, err, cap)))
                return rc;
            *(double *)(void *)field = d;
            return VG_OK;
        case CFG_STRING: {
            size_t n = strlen(v);
            if (n < (size_t)e->min || n > (size_t)e->max || !vg_utf8_valid(v, n)) {
                vg_errf(err, cap, "%s: must be %d..%d bytes of UTF-8", e->name, (int)e->min,
                        (int)e->max);
                return VG_EINVAL;
            }
            for (size_t i = 0; i < n; i++)
                if ((unsigned char)v[i] < 0x20 || v[i] == '"' || v[i] == '\\' || v[i] == '@') {
                    vg_errf(err, cap, "%s: no control characters, quotes, '\\' or '@'", e->name);
                    return VG_EINVAL;
                }
            memcpy(field, v, n + 1);
            return VG_OK;
        }
        case CFG_SOLVER:
            if (!strcmp(v, "l2"))
                cfg->solver = 0;
            else if (!strcmp(v, "l1"))
                cfg->solver = 6;
            else {
                vg_errf(err, cap, "solver: '%.40s' is not l2 or l1", v);
                return VG_EINVAL;
            }
            return VG_OK;
        case CFG_FEATURES:
            return parse_features(v, &cfg->flags, err, cap);
    }
    return VG_EINVAL;
}

vg_status vg__train_config_set(struct vg_train_config *cfg, const char *key, const char *value,
                               char *err, size_t cap)
{
    for (size_t i = 0; i < VG_ARRAY_LEN(table); i++)
        if (!strcmp(table[i].name, key))
            return apply(cfg, &table[i], value, err, cap);
    vg_errf(err, cap, "unknown setting '%.40s' (see vigie train --help)", key);
    return VG_EINVAL;
}

void vg__train_config_default(struct vg_train_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    for (size_t i = 0; i < VG_ARRAY_LEN(table); i++) {
        vg_status rc = apply(cfg, &table[i], table[i].def, NULL, 0);
        VG_UNUSED(rc); /* the defaults are in bounds: test_detect_pipeline checks it */
    }
}

static vg_status set_one(void *cfg, const char *key, const char *value, char *err, size_t cap)
{
    return vg__train_config_set(cfg, key, value, err, cap);
}

vg_status vg__train_config_parse(struct vg_train_config *cfg, const char *text, size_t len,
                                 char *err, size_t cap)
{
    return vg_kv_parse(text, len, set_one, cfg, err, cap);
}

int vg__train_config_eval_only(const char *eval_only, const char *source)
{
    size_t n = strlen(source);
    for (const char *p = eval_only; *p;) {
        size_t k = strcspn(p, ", ");
        if (k == n && !strncmp(p, source, n))
            return 1;
        p += k;
        p += strspn(p, ", ");
    }
    return 0;
}

vg_status vg__train_config_json(const struct vg_train_config *cfg, struct vg_buf *out)
{
    vg_status rc = vg_buf_printf(out, "{\"name\":\"%s\",\"seed\":%llu,\"bits\":%u,\"features\":\"",
                                 cfg->name, (unsigned long long)cfg->seed, cfg->bits);
    int first = 1;
    for (size_t i = 0; rc == VG_OK && i < VG_ARRAY_LEN(families); i++)
        if (cfg->flags & families[i].flag) {
            rc = vg_buf_printf(out, "%s%s", first ? "" : ",", families[i].name);
            first = 0;
        }
    if (rc == VG_OK)
        rc = vg_buf_printf(out,
                           "\",\"solver\":\"%s\",\"C\":%g,\"eps\":%g,\"pos_weight\":%g,"
                           "\"hate_fpr_max\":%g,\"eval_only\":\"%s\"}",
                           cfg->solver == 6 ? "l1" : "l2", cfg->C, cfg->eps, cfg->pos_weight,
                           cfg->hate_fpr_max, cfg->eval_only);
    return rc;
}

void vg__train_config_help(FILE *f)
{
    for (size_t i = 0; i < VG_ARRAY_LEN(table); i++)
        fprintf(f, "  %-13s %s (default %s)\n", table[i].name, table[i].doc, table[i].def);
}
