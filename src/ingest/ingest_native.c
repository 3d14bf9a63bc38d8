/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ingest_native.c: reader of vigie's own JSON-lines events (docs/events.md). One line is one
 * record and one event. Unknown members are ignored, so newer writers stay readable; a member
 * of the wrong type or over its limit rejects the line and the message names it.
 */
#include <stdio.h>
#include <string.h>

#include "ingest_int.h"

static vg_status read_strv(struct vg_conv *cx, const cJSON *obj, const char *key,
                           struct vg_strv *out, size_t max)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!arr || cJSON_IsNull(arr))
        return VG_OK;
    if (!cJSON_IsArray(arr))
        return vg_conv_field_error(cx, "field %s: expected an array of strings", key);
    struct vg_strv_builder b = { 0 };
    int i = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        if (!cJSON_IsString(it))
            return vg_conv_field_error(cx, "field %s[%d]: expected a string", key, i);
        size_t len = strlen(it->valuestring);
        if (len > max)
            return vg_conv_field_error(cx, "field %s[%d]: %zu bytes, over the limit of %zu", key, i,
                                       len, max);
        if (!vg_utf8_valid(it->valuestring, len))
            return vg_conv_field_error(cx, "field %s[%d]: invalid UTF-8", key, i);
        vg_status rc = vg_strv_push(cx, &b, out, it->valuestring, key);
        if (rc)
            return rc;
        i++;
    }
    return VG_OK;
}

static vg_status read_media(struct vg_conv *cx, const cJSON *obj, struct vg_post *p)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(obj, "media");
    if (!arr || cJSON_IsNull(arr))
        return VG_OK;
    if (!cJSON_IsArray(arr))
        return vg_conv_field_error(cx, "field media: expected an array of objects");
    int n = cJSON_GetArraySize(arr);
    if (n > (int)VG_LIST_MAX)
        return vg_conv_field_error(cx, "field media: more than %u items", VG_LIST_MAX);
    if (n == 0)
        return VG_OK;
    p->media = vg_arena_alloc(&cx->arena, (size_t)n * sizeof(*p->media));
    if (!p->media)
        return VG_ENOMEM;
    char where[32];
    int i = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, arr)
    {
        snprintf(where, sizeof(where), "media[%d]", i);
        if (!cJSON_IsObject(m))
            return vg_conv_field_error(cx, "field %s: expected an object", where);
        struct vg_media *md = &p->media[i++];
        vg_status rc;
        if ((rc = vg_json_id(cx, m, where, "id", &md->id)) ||
            (rc = vg_json_str(cx, m, where, "type", VG_ID_MAX, &md->type)) ||
            (rc = vg_json_str(cx, m, where, "url", VG_URL_MAX, &md->url)))
            return rc;
    }
    p->n_media = (size_t)n;
    return VG_OK;
}

static vg_status read_post(struct vg_conv *cx, const cJSON *o, struct vg_post *p)
{
    vg_status rc;
    if ((rc = vg_json_id(cx, o, "", "id", &p->id)) ||
        (rc = vg_json_id(cx, o, "", "account", &p->account)) ||
        (rc = vg_json_time(cx, o, "", "created_at", &p->created_at)) ||
        (rc = vg_json_str(cx, o, "", "text", VG_FIELD_MAX, &p->text)) ||
        (rc = vg_json_str(cx, o, "", "lang", 64, &p->lang)) ||
        (rc = vg_json_id(cx, o, "", "reply_to", &p->reply_to)) ||
        (rc = vg_json_id(cx, o, "", "repost_of", &p->repost_of)) ||
        (rc = vg_json_id(cx, o, "", "quote_of", &p->quote_of)) ||
        (rc = read_strv(cx, o, "hashtags", &p->hashtags, VG_ID_MAX)) ||
        (rc = read_strv(cx, o, "mentions", &p->mentions, VG_ID_MAX)) ||
        (rc = read_strv(cx, o, "urls", &p->urls, VG_URL_MAX)) || (rc = read_media(cx, o, p)))
        return rc;
    return VG_OK;
}

static vg_status read_account(struct vg_conv *cx, const cJSON *o, struct vg_account *a)
{
    vg_status rc;
    if ((rc = vg_json_id(cx, o, "", "id", &a->id)) ||
        (rc = vg_json_str(cx, o, "", "handle", VG_ID_MAX, &a->handle)) ||
        (rc = vg_json_str(cx, o, "", "name", VG_FIELD_MAX, &a->name)) ||
        (rc = vg_json_str(cx, o, "", "bio", VG_FIELD_MAX, &a->bio)) ||
        (rc = vg_json_time(cx, o, "", "created_at", &a->created_at)) ||
        (rc = vg_json_int(cx, o, "", "followers", &a->followers)) ||
        (rc = vg_json_int(cx, o, "", "following", &a->following)) ||
        (rc = vg_json_int(cx, o, "", "posts", &a->posts)) ||
        (rc = vg_json_str(cx, o, "", "avatar_url", VG_URL_MAX, &a->avatar_url)) ||
        (rc = vg_json_time(cx, o, "", "observed_at", &a->observed_at)))
        return rc;
    /* A profile snapshot without its own time was seen when the account was created. */
    if (a->observed_at == VG_TIME_UNKNOWN)
        a->observed_at = a->created_at;
    return VG_OK;
}

static vg_status read_event(struct vg_conv *cx, const cJSON *o, struct vg_event *ev)
{
    vg_status rc;
    switch (ev->type) {
        case VG_EV_POST:
            return read_post(cx, o, &ev->u.post);
        case VG_EV_ACCOUNT:
            return read_account(cx, o, &ev->u.account);
        case VG_EV_FOLLOW:
        case VG_EV_UNFOLLOW:
            if ((rc = vg_json_id(cx, o, "", "src", &ev->u.edge.src)) ||
                (rc = vg_json_id(cx, o, "", "dst", &ev->u.edge.dst)))
                return rc;
            return vg_json_time(cx, o, "", "at", &ev->u.edge.at);
        case VG_EV_SUSPENSION:
        case VG_EV_REINSTATEMENT:
            if ((rc = vg_json_id(cx, o, "", "account", &ev->u.moderation.account)) ||
                (rc = vg_json_time(cx, o, "", "at", &ev->u.moderation.at)))
                return rc;
            return vg_json_str(cx, o, "", "reason", VG_FIELD_MAX, &ev->u.moderation.reason);
        case VG_EV_REPORT:
            if ((rc = vg_json_id(cx, o, "", "id", &ev->u.report.id)) ||
                (rc = vg_json_id(cx, o, "", "reporter", &ev->u.report.reporter)) ||
                (rc = vg_json_id(cx, o, "", "target", &ev->u.report.target)) ||
                (rc = read_strv(cx, o, "posts", &ev->u.report.posts, VG_ID_MAX)) ||
                (rc = vg_json_str(cx, o, "", "reason", VG_FIELD_MAX, &ev->u.report.reason)))
                return rc;
            return vg_json_time(cx, o, "", "at", &ev->u.report.at);
        case VG_EV_DELETION:
            if ((rc = vg_json_id(cx, o, "", "target", &ev->u.deletion.target)) ||
                (rc = vg_json_str(cx, o, "", "target_type", 16, &ev->u.deletion.target_type)) ||
                (rc = vg_json_time(cx, o, "", "at", &ev->u.deletion.at)))
                return rc;
            return vg_json_str(cx, o, "", "reason", VG_FIELD_MAX, &ev->u.deletion.reason);
        default:
            return VG_EINVAL;
    }
}

vg_status vg__read_native(struct vg_conv *cx, const cJSON *doc)
{
    vg_conv_begin(cx, -1);
    if (!cJSON_IsObject(doc))
        return vg_conv_reject(cx, "native event must be a JSON object");
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(doc, "type");
    if (!cJSON_IsString(type))
        return vg_conv_reject(cx, "field type: required, a string naming the event type");
    enum vg_event_type t;
    if (vg_event_type_parse(type->valuestring, &t) != VG_OK)
        return vg_conv_reject(cx, "field type: unknown event type \"%.40s\"", type->valuestring);
    const char *platform = NULL;
    if (vg_json_str(cx, doc, "", "platform", 64, &platform) == VG_EFIELD)
        return vg_conv_end(cx);
    struct vg_event *ev = vg_conv_event(cx, t, platform);
    if (!ev)
        return cx->reason[0] ? vg_conv_end(cx) : VG_ENOMEM;
    vg_status rc = read_event(cx, doc, ev);
    if (rc && rc != VG_EFIELD)
        return rc;
    return vg_conv_end(cx);
}
