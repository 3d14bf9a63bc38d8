/* SPDX-License-Identifier: Apache-2.0 */
/*
 * storm_truth.c: the planted storms and organic bursts of a generated world (truth.json of
 * `vigie sim`, docs/sim.md), read strictly: "storms" must be an array whose items each have a
 * string "id", a non-empty string "hashtag", a "start" instant and an "accounts" array of
 * non-empty strings, and may have a "pattern" ("link" or "copy"; "link" when absent: worlds
 * written before the patterns existed). "bursts" is optional (older worlds have none); each item
 * has "id", "hashtag" and "start". Everything else is ignored. The parser works on a buffer so
 * the fuzz target (tests/fuzz/fuzz_storm_truth.c) reaches it without a file.
 */
#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "storm.h"

#define TRUTH_STR_MAX  512
#define TRUTH_FILE_MAX (256u << 20)

static vg_status fail(char *err, size_t cap, vg_status rc, const char *fmt, ...) VG_PRINTF(4, 5);

static vg_status fail(char *err, size_t cap, vg_status rc, const char *fmt, ...)
{
    if (err && cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, cap, fmt, ap);
        va_end(ap);
    }
    return rc;
}

/* A required string field: 1 to 512 bytes of UTF-8, copied into the arena. */
static vg_status str_field(struct vg_storm_truth *t, const cJSON *item, const char *arr, size_t i,
                           const char *name, char **out, char *err, size_t cap)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(item, name);
    if (!f)
        return fail(err, cap, VG_EFIELD, "%s[%zu].%s: missing", arr, i, name);
    if (!cJSON_IsString(f) || !f->valuestring)
        return fail(err, cap, VG_EPARSE, "%s[%zu].%s: expected a string", arr, i, name);
    size_t n = strlen(f->valuestring);
    if (n == 0 || n > TRUTH_STR_MAX || !vg_utf8_valid(f->valuestring, n))
        return fail(err, cap, VG_EPARSE, "%s[%zu].%s: expected 1 to 512 bytes of UTF-8", arr, i,
                    name);
    if (!(*out = vg_arena_strndup(&t->arena, f->valuestring, n)))
        return VG_ENOMEM;
    return VG_OK;
}

static vg_status tag_field(struct vg_storm_truth *t, const cJSON *item, const char *arr, size_t i,
                           char **out, char *err, size_t cap)
{
    char *raw = NULL;
    vg_status rc = str_field(t, item, arr, i, "hashtag", &raw, err, cap);
    if (rc)
        return rc;
    char norm[TRUTH_STR_MAX + 1];
    size_t n = vg__storm_tag_norm(raw, norm, sizeof(norm));
    if (!n)
        return fail(err, cap, VG_EPARSE, "%s[%zu].hashtag: empty", arr, i);
    if (!(*out = vg_arena_strndup(&t->arena, norm, n)))
        return VG_ENOMEM;
    return VG_OK;
}

static vg_status time_field(const cJSON *item, const char *arr, size_t i, int64_t *out, char *err,
                            size_t cap)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(item, "start");
    if (!f)
        return fail(err, cap, VG_EFIELD, "%s[%zu].start: missing", arr, i);
    if (!cJSON_IsString(f) || !f->valuestring || vg_time_parse(f->valuestring, out))
        return fail(err, cap, VG_EPARSE, "%s[%zu].start: expected an instant", arr, i);
    return VG_OK;
}

/* An array of 1 to 512-byte UTF-8 strings (field name of storm i), into the arena. */
static vg_status str_array(struct vg_storm_truth *t, const cJSON *arr, size_t i, const char *name,
                           char ***out, size_t *n_out, char *err, size_t cap)
{
    if (!cJSON_IsArray(arr))
        return fail(err, cap, VG_EPARSE, "storms[%zu].%s: expected an array", i, name);
    size_t n = (size_t)cJSON_GetArraySize(arr);
    *out = vg_arena_alloc(&t->arena, (n ? n : 1) * sizeof(char *));
    if (!*out)
        return VG_ENOMEM;
    const cJSON *a;
    cJSON_ArrayForEach(a, arr)
    {
        size_t len = cJSON_IsString(a) && a->valuestring ? strlen(a->valuestring) : 0;
        if (!len || len > TRUTH_STR_MAX || !vg_utf8_valid(a->valuestring, len))
            return fail(err, cap, VG_EPARSE,
                        "storms[%zu].%s[%zu]: expected 1 to 512 bytes of UTF-8", i, name, *n_out);
        if (!((*out)[(*n_out)++] = vg_arena_strndup(&t->arena, a->valuestring, len)))
            return VG_ENOMEM;
    }
    return VG_OK;
}

const char *vg_storm_pattern_name(int pattern)
{
    static const char *const names[VG_STORM__PATTERNS] = { "link", "copy", "seq", "retweet",
                                                           "sync" };
    return pattern >= 0 && pattern < VG_STORM__PATTERNS ? names[pattern] : NULL;
}

static vg_status read_storm(struct vg_storm_truth *t, const cJSON *item, size_t i, char *err,
                            size_t cap)
{
    struct storm_truth_storm *s = &t->storms[i];
    if (!cJSON_IsObject(item))
        return fail(err, cap, VG_EPARSE, "storms[%zu]: expected an object", i);
    vg_status rc = str_field(t, item, "storms", i, "id", &s->id, err, cap);
    if (!rc)
        rc = tag_field(t, item, "storms", i, &s->hashtag, err, cap);
    if (!rc)
        rc = time_field(item, "storms", i, &s->start, err, cap);
    if (rc)
        return rc;
    const cJSON *pat = cJSON_GetObjectItemCaseSensitive(item, "pattern");
    s->pattern = VG_STORM_LINK;
    if (pat) {
        int found = -1;
        for (int k = 0; k < VG_STORM__PATTERNS && found < 0 && cJSON_IsString(pat); k++)
            if (pat->valuestring && !strcmp(pat->valuestring, vg_storm_pattern_name(k)))
                found = k;
        if (found < 0)
            return fail(err, cap, VG_EPARSE,
                        "storms[%zu].pattern: expected \"link\", \"copy\", \"seq\", "
                        "\"retweet\" or \"sync\"",
                        i);
        s->pattern = (enum vg_storm_pattern)found;
    }
    const cJSON *acc = cJSON_GetObjectItemCaseSensitive(item, "accounts");
    if (!acc)
        return fail(err, cap, VG_EFIELD, "storms[%zu].accounts: missing", i);
    vg_status rc2 = str_array(t, acc, i, "accounts", &s->accounts, &s->n_accounts, err, cap);
    const cJSON *posts = cJSON_GetObjectItemCaseSensitive(item, "posts");
    if (!rc2 && posts)
        rc2 = str_array(t, posts, i, "posts", &s->posts, &s->n_posts, err, cap);
    return rc2;
}

static vg_status read_burst(struct vg_storm_truth *t, const cJSON *item, size_t i, char *err,
                            size_t cap)
{
    struct storm_truth_burst *b = &t->bursts[i];
    if (!cJSON_IsObject(item))
        return fail(err, cap, VG_EPARSE, "bursts[%zu]: expected an object", i);
    vg_status rc = str_field(t, item, "bursts", i, "id", &b->id, err, cap);
    if (!rc)
        rc = tag_field(t, item, "bursts", i, &b->hashtag, err, cap);
    if (!rc)
        rc = time_field(item, "bursts", i, &b->start, err, cap);
    return rc;
}

static vg_status read_doc(const cJSON *doc, struct vg_storm_truth *t, char *err, size_t cap)
{
    if (!cJSON_IsObject(doc))
        return fail(err, cap, VG_EPARSE, "truth: expected a JSON object");
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(doc, "storms");
    if (!st)
        return fail(err, cap, VG_EFIELD, "storms: missing");
    if (!cJSON_IsArray(st))
        return fail(err, cap, VG_EPARSE, "storms: expected an array");
    const cJSON *bu = cJSON_GetObjectItemCaseSensitive(doc, "bursts");
    if (bu && !cJSON_IsArray(bu))
        return fail(err, cap, VG_EPARSE, "bursts: expected an array");
    size_t ns = (size_t)cJSON_GetArraySize(st), nb = bu ? (size_t)cJSON_GetArraySize(bu) : 0;
    t->storms = vg_calloc(ns ? ns : 1, sizeof(*t->storms));
    t->bursts = vg_calloc(nb ? nb : 1, sizeof(*t->bursts));
    if (!t->storms || !t->bursts)
        return VG_ENOMEM;
    vg_status rc = VG_OK;
    const cJSON *item;
    for (item = st->child; item && !rc; item = item->next)
        if (!(rc = read_storm(t, item, t->n_storms, err, cap)))
            t->n_storms++;
    for (item = bu ? bu->child : NULL; item && !rc; item = item->next)
        if (!(rc = read_burst(t, item, t->n_bursts, err, cap)))
            t->n_bursts++;
    return rc;
}

static int trailing_data(const char *text, size_t len, size_t at)
{
    for (; at < len; at++)
        if (text[at] != ' ' && text[at] != '\t' && text[at] != '\n' && text[at] != '\r')
            return 1;
    return 0;
}

vg_status vg__storm_truth_parse(const char *text, size_t len, struct vg_storm_truth *t, char *err,
                                size_t cap)
{
    memset(t, 0, sizeof(*t));
    if (err && cap)
        err[0] = '\0';
    vg_arena_init(&t->arena, 1 << 16, TRUTH_FILE_MAX * 2);
    if (len > TRUTH_FILE_MAX) {
        vg__storm_truth_release(t);
        return fail(err, cap, VG_ELIMIT, "truth: over 256 MiB");
    }
    const char *end = NULL;
    cJSON *doc = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    size_t at = end && end >= text ? (size_t)(end - text) : 0;
    if (doc && trailing_data(text, len, at)) {
        cJSON_Delete(doc);
        doc = NULL;
    }
    vg_status rc;
    if (!doc) {
        rc = fail(err, cap, VG_EPARSE, "truth: not valid JSON (near byte %zu)", at);
    } else {
        rc = read_doc(doc, t, err, cap);
        cJSON_Delete(doc);
    }
    if (rc)
        vg__storm_truth_release(t);
    return rc;
}

void vg__storm_truth_release(struct vg_storm_truth *t)
{
    vg_free(t->storms);
    vg_free(t->bursts);
    vg_arena_release(&t->arena);
    memset(t, 0, sizeof(*t));
}

static vg_status parse_text(const char *text, size_t len, void *t, char *err, size_t cap)
{
    return vg__storm_truth_parse(text, len, t, err, cap);
}

vg_status vg_storm_truth_read(const char *path, vg_storm_truth **out)
{
    *out = NULL;
    if (!path)
        return VG_EINVAL;
    struct vg_storm_truth *t = vg_calloc(1, sizeof(*t));
    if (!t)
        return VG_ENOMEM;
    char err[512];
    vg_status rc = vg_file_parse(path, TRUTH_FILE_MAX + 1, parse_text, t, err, sizeof(err));
    if (rc)
        VG_LOG_ERR("storm truth: %s", err);
    if (rc) {
        vg_free(t);
        return rc;
    }
    *out = t;
    return VG_OK;
}

void vg_storm_truth_free(vg_storm_truth *t)
{
    if (!t)
        return;
    vg__storm_truth_release(t);
    vg_free(t);
}
