/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ingest_twitter_int.h: what the three Twitter readers (ingest_twitter_v1.c, _v2.c, _ids.c) share:
 * the platform name, the bound on embedded tweets, and small field helpers that sit on top of the
 * vg_json_* helpers of ingest_int.h. Everything here is static inline: the readers are the only
 * users, and the helpers run once or more per tweet on the ingest hot path.
 *
 * Error convention of the readers' internal functions: VG_OK; VG_EFIELD when a field error was
 * noted in cx (the record is then ended, and so rejected, by vg_conv_end); anything else is fatal
 * (VG_ENOMEM, or a sink failure) and is returned by the reader as is.
 */
#ifndef VG_INGEST_TWITTER_INT_H
#define VG_INGEST_TWITTER_INT_H

#include <stdio.h>
#include <string.h>

#include "ingest_int.h"

#define VG_TW_PLATFORM "twitter"

/* Levels of embedded tweets read into one record: the tweet itself (0), the tweet it retweets
 * or quotes (1), the tweet that one quotes (2), one more (3). Deeper references keep their id in
 * repost_of/quote_of/reply_to but add no post. Real data never goes past 2. */
#define VG_TW_NEST_MAX 3

/* Room for a field path such as "retweeted_status.quoted_status.extended_tweet". */
#define VG_TW_PATH_MAX 160

/* The object member `key` of obj (NULL if missing or null); a member of another type is a field
 * error naming it. */
static inline vg_status vg__tw_object(struct vg_conv *cx, const cJSON *obj, const char *where,
                                      const char *key, const cJSON **out)
{
    *out = vg_json_get(obj, key);
    if (!*out || cJSON_IsObject(*out))
        return VG_OK;
    const cJSON *bad = *out;
    *out = NULL;
    return vg_conv_field_error(cx, "field %s%s%s: expected an object, got %s", where,
                               where[0] ? "." : "", key, vg_json_type_name(bad));
}

/* The same for an array member. */
static inline vg_status vg__tw_array(struct vg_conv *cx, const cJSON *obj, const char *where,
                                     const char *key, const cJSON **out)
{
    *out = vg_json_get(obj, key);
    if (!*out || cJSON_IsArray(*out))
        return VG_OK;
    const cJSON *bad = *out;
    *out = NULL;
    return vg_conv_field_error(cx, "field %s%s%s: expected an array, got %s", where,
                               where[0] ? "." : "", key, vg_json_type_name(bad));
}

/*
 * A string member of the i-th object of the list `list` (under `where`), validated like
 * vg_json_str. The fast path checks it in place; only a bad value pays for formatting the indexed
 * field name ("entities.hashtags[3].text") that the rejection carries.
 */
static inline vg_status vg__tw_item_str(struct vg_conv *cx, const cJSON *item, const char *where,
                                        const char *list, int i, const char *key, size_t max,
                                        const char **out)
{
    const cJSON *j = vg_json_get(item, key);
    *out = NULL;
    if (!j)
        return VG_OK;
    if (cJSON_IsString(j)) {
        size_t len = strlen(j->valuestring);
        if (len <= max && vg_utf8_valid(j->valuestring, len)) {
            *out = len ? j->valuestring : NULL;
            return VG_OK;
        }
    }
    char path[VG_TW_PATH_MAX];
    return vg_json_str(cx, item, vg_json_path(path, sizeof(path), where, list, i), key, max, out);
}

/* Which entity objects a list leaves out (NULL: none). */
typedef int (*vg_tw_skip_fn)(const cJSON *item);

/*
 * Append to out one string per object of the array ent.list: the first of keys (a NULL-terminated
 * list, tried in order) that the object has. Objects for which leave_out() is true are left out (v2
 * lists a tweet's own media links among its urls). `where` names ent in messages
 * ("extended_tweet.entities"); past VG_LIST_MAX items the record is rejected.
 */
static inline vg_status vg__tw_entity_list(struct vg_conv *cx, const cJSON *ent, const char *where,
                                           const char *list, const char *const *keys,
                                           vg_tw_skip_fn leave_out, size_t max, struct vg_strv *out)
{
    const cJSON *arr, *item;
    vg_status rc = vg__tw_array(cx, ent, where, list, &arr);
    if (rc || !arr)
        return rc;
    struct vg_strv_builder b = { 0 };
    int i = 0;
    cJSON_ArrayForEach(item, arr)
    {
        if (!cJSON_IsObject(item))
            return vg_conv_field_error(cx, "field %s%s%s[%d]: expected an object, got %s", where,
                                       where[0] ? "." : "", list, i, vg_json_type_name(item));
        if (leave_out && leave_out(item)) {
            i++;
            continue;
        }
        const char *s = NULL;
        for (const char *const *k = keys; *k && !s; k++)
            if ((rc = vg__tw_item_str(cx, item, where, list, i, *k, max, &s)))
                return rc;
        if (s) {
            char what[VG_TW_PATH_MAX];
            /* The name is only formatted for the message once the list is full. */
            if (out->n >= VG_LIST_MAX)
                vg_json_path(what, sizeof(what), where, list, -1);
            if ((rc = vg_strv_push(cx, &b, out, s, out->n >= VG_LIST_MAX ? what : list)))
                return rc;
        }
        i++;
    }
    return VG_OK;
}

/* An id given as the string member key_str, or else as the number key_num (vg_json_id rejects a
 * number past 2^53: it has lost digits). */
static inline vg_status vg__tw_id(struct vg_conv *cx, const cJSON *obj, const char *where,
                                  const char *key_str, const char *key_num, const char **out)
{
    vg_status rc = vg_json_id(cx, obj, where, key_str, out);
    if (rc || *out || !key_num)
        return rc;
    return vg_json_id(cx, obj, where, key_num, out);
}

/* The length of s cut to at most max bytes without splitting a UTF-8 sequence, for quoting a
 * value in a message ("%.*s"): a reason must stay valid UTF-8. */
static inline int vg__tw_utf8_cut(const char *s, size_t max)
{
    size_t len = strlen(s);
    if (len > max) {
        len = max;
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;
    }
    return (int)len;
}

/* Note that a required member is missing; returns VG_EFIELD. */
static inline vg_status vg__tw_missing(struct vg_conv *cx, const char *where, const char *key,
                                       const char *why)
{
    return vg_conv_field_error(cx, "field %s%s%s: missing (%s)", where, where[0] ? "." : "", key,
                               why);
}

/*
 * Post text as a reader sees it. Twitter escapes "&", "<" and ">" in tweet text (v1.1 and v2);
 * the references are decoded into the arena. Text without '&' (most tweets) is used in place, not
 * copied. The result is checked again for UTF-8, since a reference can decode to anything.
 */
static inline vg_status vg__tw_unescape(struct vg_conv *cx, const char *s, const char **out)
{
    *out = s;
    if (!s || !strchr(s, '&'))
        return VG_OK;
    vg_buf_reset(&cx->scratch);
    vg_status rc = vg_html_unescape_buf(s, strlen(s), &cx->scratch);
    if (rc == VG_ELIMIT)
        return vg_conv_field_error(cx, "field text: over the limit once decoded");
    if (rc)
        return rc;
    if (cx->scratch.len == 0) {
        *out = "";
        return VG_OK;
    }
    *out = vg_conv_strndup(cx, cx->scratch.data, cx->scratch.len);
    if (*out)
        return VG_OK;
    return cx->reason[0] ? VG_EFIELD : VG_ENOMEM;
}

/*
 * A language tag as the post's lang, or NULL when Twitter says it has none: "und" (undetermined),
 * "zxx" (no linguistic content) and Twitter's private-use codes for posts made only of media,
 * hashtags, mentions, cashtags or links ("qme", "qht", "qam", "qct", "qst"). Leaving these NULL
 * lets the text stage identify the language itself.
 */
static inline const char *vg__tw_lang(const char *lang)
{
    static const char *none[] = { "und", "zxx", "qme", "qht", "qam", "qct", "qst" };
    if (!lang || !*lang)
        return NULL;
    for (size_t i = 0; i < VG_ARRAY_LEN(none); i++)
        if (!strcmp(lang, none[i]))
            return NULL;
    return lang;
}

/* A new event in the current record; VG_EFIELD if the record is over its event limit (noted),
 * VG_ENOMEM if memory ran out. */
static inline vg_status vg__tw_event(struct vg_conv *cx, enum vg_event_type type,
                                     struct vg_event **out)
{
    *out = vg_conv_event(cx, type, VG_TW_PLATFORM);
    if (*out)
        return VG_OK;
    return cx->reason[0] ? VG_EFIELD : VG_ENOMEM;
}

/* 1 if the current record already holds an event of this type for this id (a tweet quoted by
 * both a retweet and its original, an author quoting themself). */
static inline int vg__tw_seen(const struct vg_conv *cx, enum vg_event_type type, const char *id)
{
    for (size_t i = 0; i < cx->n_events; i++) {
        const struct vg_event *ev = &cx->events[i];
        if (ev->type != type)
            continue;
        const char *have = type == VG_EV_POST ? ev->u.post.id : ev->u.account.id;
        if (have && !strcmp(have, id))
            return 1;
    }
    return 0;
}

/* End the current record after building it: a field error (VG_EFIELD) rejects it, a fatal status
 * is passed up with the record left open (the driver stops). */
static inline vg_status vg__tw_finish(struct vg_conv *cx, vg_status rc)
{
    if (rc == VG_OK || rc == VG_EFIELD || (rc == VG_ELIMIT && cx->reason[0]))
        return vg_conv_end(cx);
    return rc;
}

#endif /* VG_INGEST_TWITTER_INT_H */
