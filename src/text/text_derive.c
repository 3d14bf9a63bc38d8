/* SPDX-License-Identifier: Apache-2.0 */
/*
 * text_derive.c: the text stage's work on one post before it is stored: normalised text for
 * matching and features, the language (the source's label when it gives one, else identified),
 * case-folded hashtags, canonical URLs and their domains. The original text is never changed.
 */
#include <string.h>

#include "text.h"

static const char *normalize_into(struct vg_arena *arena, struct vg_buf *scratch, const char *s,
                                  size_t len)
{
    vg_buf_reset(scratch);
    if (vg_text_normalize_buf(s, len, scratch) != VG_OK)
        return NULL;
    return vg_arena_strndup(arena, scratch->data ? scratch->data : "", scratch->len);
}

static vg_status push(struct vg_arena *arena, struct vg_strv *v, size_t cap, const char *s)
{
    for (size_t i = 0; i < v->n; i++)
        if (!strcmp(v->v[i], s))
            return VG_OK;
    if (v->n == cap)
        return VG_ELIMIT;
    VG_UNUSED(arena);
    v->v[v->n++] = s;
    return VG_OK;
}

static vg_status alloc_strv(struct vg_arena *arena, struct vg_strv *v, size_t n)
{
    v->n = 0;
    v->v = NULL;
    if (!n)
        return VG_OK;
    v->v = vg_arena_alloc(arena, n * sizeof(*v->v));
    return v->v ? VG_OK : VG_ENOMEM;
}

static int lang_given(const char *lang)
{
    return lang && *lang && strcmp(lang, "und") && strcmp(lang, "zxx") && strcmp(lang, "qme") &&
           strcmp(lang, "qht") && strcmp(lang, "art");
}

static vg_status derive_urls(const struct vg_post *post, struct vg_arena *arena,
                             struct vg_buf *scratch, struct vg_post_derived *out)
{
    vg_status rc;
    if ((rc = alloc_strv(arena, &out->urls_canon, post->urls.n)) ||
        (rc = alloc_strv(arena, &out->domains, post->urls.n)))
        return rc;
    for (size_t i = 0; i < post->urls.n; i++) {
        const char *u = post->urls.v[i];
        vg_buf_reset(scratch);
        if (vg_url_canonicalize_buf(u, strlen(u), scratch) != VG_OK)
            continue;
        const char *canon = vg_arena_strndup(arena, scratch->data, scratch->len);
        vg_buf_reset(scratch);
        const char *domain = NULL;
        if (vg_url_domain_buf(canon ? canon : "", canon ? strlen(canon) : 0, scratch) == VG_OK)
            domain = vg_arena_strndup(arena, scratch->data, scratch->len);
        if (!canon || !domain)
            return VG_ENOMEM;
        /* Parallel lists: skip a duplicate URL in both. */
        size_t before = out->urls_canon.n;
        if ((rc = push(arena, &out->urls_canon, post->urls.n, canon)))
            return rc;
        if (out->urls_canon.n > before)
            out->domains.v[out->domains.n++] = domain;
    }
    return VG_OK;
}

vg_status vg__post_derive(const struct vg_post *post, struct vg_arena *arena,
                          struct vg_buf *scratch, struct vg_post_derived *out)
{
    memset(out, 0, sizeof(*out));
    const char *text = post->text ? post->text : "";
    size_t len = strlen(text);
    out->text_norm = normalize_into(arena, scratch, text, len);
    if (lang_given(post->lang)) {
        out->lang = post->lang;
    } else {
        double conf = 0;
        const char *lang = vg_lang_identify(text, len, &conf);
        if (strcmp(lang, "und")) {
            out->lang = lang;
            out->lang_identified = 1;
            out->lang_confidence = conf;
        }
    }
    vg_status rc = alloc_strv(arena, &out->tags_norm, post->hashtags.n);
    for (size_t i = 0; i < post->hashtags.n && !rc; i++) {
        const char *t = post->hashtags.v[i];
        const char *norm = normalize_into(arena, scratch, t, strlen(t));
        if (norm && *norm)
            rc = push(arena, &out->tags_norm, post->hashtags.n, norm);
    }
    if (rc)
        return rc;
    return derive_urls(post, arena, scratch, out);
}
