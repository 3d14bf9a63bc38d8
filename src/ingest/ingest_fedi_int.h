/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ingest_fedi_int.h: what the two fediverse readers (ingest_mastodon.c, ingest_activitypub.c)
 * share: member access, field paths for messages, the host of a URL, "user@host" handles, post
 * text from an HTML fragment, URLs found in that text, media types, and adding a post or account
 * built on the stack to the current record. Everything is static inline: the two readers are the
 * only users.
 *
 * Error convention of the readers' internal functions: VG_OK; VG_EFIELD when a field error was
 * noted in cx (the record is then ended, and so rejected, by vg_conv_end); anything else is fatal
 * (VG_ENOMEM, or a sink failure) and is returned by the reader as is.
 */
#ifndef VG_INGEST_FEDI_INT_H
#define VG_INGEST_FEDI_INT_H

#include <stdio.h>
#include <string.h>

#include "ingest_int.h"

/* Room for a field path such as "notification.status.reblog.account". */
#define VG_FEDI_PATH_MAX 160

/* The member `key` of obj, or NULL when obj is not an object, or the member is missing or null. */
static inline const cJSON *vg__fedi_get(const cJSON *obj, const char *key)
{
    if (!cJSON_IsObject(obj))
        return NULL;
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNull(j) ? NULL : j;
}

/* 1 if obj has the member `key`, even null. */
static inline int vg__fedi_has(const cJSON *obj, const char *key)
{
    return cJSON_IsObject(obj) && cJSON_GetObjectItemCaseSensitive(obj, key) != NULL;
}

/* Note that a required member is missing; returns VG_EFIELD. */
static inline vg_status vg__fedi_missing(struct vg_conv *cx, const char *where, const char *key,
                                         const char *why)
{
    return vg_conv_field_error(cx, "field %s%s%s: missing (%s)", where, where[0] ? "." : "", key,
                               why);
}

/* Note that a member has the wrong JSON type; returns VG_EFIELD. */
static inline vg_status vg__fedi_wrong_type(struct vg_conv *cx, const char *where, const char *key,
                                            const char *want, const cJSON *got)
{
    return vg_conv_field_error(cx, "field %s%s%s: expected %s, got %s", where, where[0] ? "." : "",
                               key, want, vg_json_type_name(got));
}

/*
 * The host of an absolute URL ("https://user@host:8443/path" gives "host"), as a span of url:
 * returns its start and sets *len, or NULL when url has no "scheme://" or an empty host.
 */
static inline const char *vg__fedi_host_span(const char *url, size_t *len)
{
    const char *p = url ? strstr(url, "://") : NULL;
    if (!p)
        return NULL;
    const char *host = p + 3;
    const char *end = host + strcspn(host, "/?#");
    for (const char *q = host; q < end; q++)
        if (*q == '@')
            host = q + 1; /* drop user info */
    const char *colon = host < end && *host != '[' ? memchr(host, ':', (size_t)(end - host)) : NULL;
    if (colon)
        end = colon;
    *len = (size_t)(end - host);
    return *len ? host : NULL;
}

/*
 * A handle "user@host": acct as given when it already names its host (a remote account), else
 * acct + "@" + the host of the profile URL (a local account of the serving server). A NULL or
 * empty acct gives NULL; an acct whose URL has no host stays as given. The result lives in the
 * arena.
 */
static inline vg_status vg__fedi_handle(struct vg_conv *cx, const char *acct, const char *url,
                                        const char **out)
{
    *out = acct && *acct ? acct : NULL;
    if (!*out || strchr(acct, '@'))
        return VG_OK;
    size_t n;
    const char *host = vg__fedi_host_span(url, &n);
    if (!host)
        return VG_OK;
    if (strlen(acct) + 1 + n > VG_ID_MAX)
        return vg_conv_field_error(cx, "handle %.40s...@%.*s: over the limit of %u bytes", acct,
                                   (int)(n > 40 ? 40 : n), host, VG_ID_MAX);
    *out = vg_arena_printf(&cx->arena, "%s@%.*s", acct, (int)n, host);
    return *out ? VG_OK : VG_ENOMEM;
}

/*
 * The text of a post or bio: the plain `prefix` (a content warning; may be NULL), a blank line,
 * then the text of the HTML fragment `html` (vg_html_to_text_buf). Either part may be absent; the
 * result is "" when both are. `what` names the field in messages. The result lives in the arena.
 */
static inline vg_status vg__fedi_text(struct vg_conv *cx, const char *what, const char *prefix,
                                      const char *html, const char **out)
{
    struct vg_buf *b = &cx->scratch;
    vg_status rc = VG_OK;
    *out = NULL;
    vg_buf_reset(b);
    if (prefix && *prefix)
        rc = vg_buf_puts(b, prefix);
    size_t before = b->len;
    if (rc == VG_OK && html && *html) {
        if (before)
            rc = vg_buf_puts(b, "\n\n");
        if (rc == VG_OK)
            rc = vg_html_to_text_buf(html, strlen(html), b);
        if (rc == VG_OK && before && b->len == before + 2)
            b->len = before; /* the fragment had no text: no separator either */
    }
    if (rc == VG_ELIMIT || (rc == VG_OK && b->len > VG_FIELD_MAX))
        return vg_conv_field_error(cx, "field %s: text over the limit of %u bytes", what,
                                   VG_FIELD_MAX);
    if (rc)
        return rc;
    if (b->len == 0) {
        *out = "";
        return VG_OK;
    }
    *out = vg_conv_strndup(cx, b->data, b->len);
    if (*out)
        return VG_OK;
    return cx->reason[0] ? VG_EFIELD : VG_ENOMEM;
}

/* What vg__fedi_text_entities hands to its entity callback. */
struct vg__fedi_found {
    struct vg_conv *cx;
    struct vg_post *p;
    struct vg_strv_builder *tags, *urls;
};

static inline vg_status vg__fedi_on_entity(enum vg_entity_kind kind, const char *s, size_t len,
                                           void *ud)
{
    struct vg__fedi_found *f = ud;
    if (kind == VG_ENTITY_MENTION)
        return VG_OK;
    if (len > (kind == VG_ENTITY_URL ? VG_URL_MAX : VG_ID_MAX))
        return vg_conv_field_error(f->cx, "field %s: an entity of the text is over the limit",
                                   kind == VG_ENTITY_URL ? "urls" : "hashtags");
    const char *copy = vg_arena_strndup(&f->cx->arena, s, len);
    if (!copy)
        return VG_ENOMEM;
    if (kind == VG_ENTITY_URL)
        return vg_strv_push(f->cx, f->urls, &f->p->urls, copy, "urls");
    return vg_strv_push(f->cx, f->tags, &f->p->hashtags, copy, "hashtags");
}

/*
 * Add to p's hashtags and urls (each list built with its builder) those written in p->text.
 * Hashtags are taken as written: the servers' tag lists hold a normalised form ("#Liberté" is
 * "liberte" there). Mastodon writes a link's full address as its text (the parts it hides are in
 * invisible spans, which the text keeps), so the URLs of the text are the post's links; a link
 * whose text is not its address is not seen. Mentions are not taken from the text: it shows
 * "@user" without the host, the source's mention list has the full handle.
 */
static inline vg_status vg__fedi_text_entities(struct vg_conv *cx, struct vg_post *p,
                                               struct vg_strv_builder *tags,
                                               struct vg_strv_builder *urls)
{
    if (!p->text || !*p->text)
        return VG_OK;
    struct vg__fedi_found f = { cx, p, tags, urls };
    long n = vg_text_extract(p->text, strlen(p->text), vg__fedi_on_entity, &f);
    return n < 0 ? (vg_status)n : VG_OK;
}

/* The native media type of a Mastodon attachment type or an ActivityPub MIME type/object type. */
static inline const char *vg__fedi_media_type(const char *t)
{
    static const struct {
        const char *from, *to;
    } map[] = { { "image", "photo" }, { "gifv", "animated_gif" }, { "video", "video" },
                { "audio", "audio" }, { "Image", "photo" },       { "Video", "video" },
                { "Audio", "audio" } };

    if (!t)
        return "other";
    if (!strcmp(t, "image/gif"))
        return "animated_gif";
    size_t n = strcspn(t, "/"); /* "image/png" is an image */
    for (size_t i = 0; i < VG_ARRAY_LEN(map); i++)
        if (strlen(map[i].from) == n && !strncmp(t, map[i].from, n))
            return map[i].to;
    return "other";
}

/* The later of two instants, either of which may be VG_TIME_UNKNOWN. */
static inline int64_t vg__fedi_later(int64_t a, int64_t b)
{
    if (a == VG_TIME_UNKNOWN)
        return b;
    if (b == VG_TIME_UNKNOWN)
        return a;
    return a > b ? a : b;
}

/*
 * Reserve the next event of the record and return its index; the reader fills it once the
 * events it nests (a boosted status, a moved account) are added, so the record lists the outer
 * event first. Index values stay valid while cx->events grows; pointers would not.
 */
static inline vg_status vg__fedi_reserve(struct vg_conv *cx, enum vg_event_type type,
                                         const char *platform, size_t *index)
{
    if (!vg_conv_event(cx, type, platform))
        return cx->reason[0] ? VG_EFIELD : VG_ENOMEM;
    *index = cx->n_events - 1;
    return VG_OK;
}

/* A zeroed account with the "not given" values of vg_conv_event. */
static inline void vg__fedi_account_init(struct vg_account *a)
{
    memset(a, 0, sizeof(*a));
    a->created_at = VG_TIME_UNKNOWN;
    a->observed_at = VG_TIME_UNKNOWN;
    a->followers = -1;
    a->following = -1;
    a->posts = -1;
}

/* A zeroed post with the "not given" values of vg_conv_event. */
static inline void vg__fedi_post_init(struct vg_post *p)
{
    memset(p, 0, sizeof(*p));
    p->created_at = VG_TIME_UNKNOWN;
}

#endif /* VG_INGEST_FEDI_INT_H */
