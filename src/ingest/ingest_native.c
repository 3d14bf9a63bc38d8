/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ingest_native.c: reader of vigie's own JSON-lines events (docs/events.md). One line is one
 * record and one event. Unknown members are ignored, so newer writers stay readable; a member
 * of the wrong type or over its limit rejects the line and the message names it. Media hashes
 * (pdq, md5, sha256) must be hex of their exact length, and a media file name must stay under
 * the media folder: the message names the item, as in "field media[1].pdq". A profile's
 * avatar_pdq, avatar_pdq_quality and avatar_file are different: a malformed one is logged and
 * dropped, and the profile is kept (a picture's hash is not worth the names and bio).
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

/* s as exactly `digits` hex digits of either case, copied in lower case into the arena; NULL
 * when it is not (why says how, cap bytes) or out of memory (why empty). */
static const char *hex_lower(struct vg_conv *cx, const char *s, size_t digits, char *why,
                             size_t cap)
{
    size_t len = strlen(s);
    why[0] = '\0';
    if (len != digits) {
        snprintf(why, cap, "expected %zu hex digits, got %zu characters", digits, len);
        return NULL;
    }
    char *lower = vg_arena_alloc(&cx->arena, len + 1);
    if (!lower)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'F')
            c = (char)(c - 'A' + 'a');
        else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            snprintf(why, cap, "'%c' at %zu is not a hex digit",
                     s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?', i);
            return NULL;
        }
        lower[i] = c;
    }
    lower[len] = '\0';
    return lower;
}

/* A hash as exactly `digits` hex digits of either case, kept in lower case. */
static vg_status read_hex(struct vg_conv *cx, const cJSON *m, const char *where, const char *key,
                          size_t digits, const char **out)
{
    const char *s;
    vg_status rc = vg_json_str(cx, m, where, key, 256, &s);
    *out = NULL;
    if (rc || !s)
        return rc;
    char why[96];
    if (!(*out = hex_lower(cx, s, digits, why, sizeof(why))))
        return why[0] ? vg_conv_field_error(cx, "field %s.%s: %s", where, key, why) : VG_ENOMEM;
    return VG_OK;
}

/* A file name under --media-dir: relative and never climbing out of it. */
static vg_status read_file_name(struct vg_conv *cx, const cJSON *m, const char *where,
                                const char **out)
{
    vg_status rc = vg_json_str(cx, m, where, "file", VG_ID_MAX, out);
    if (rc || !*out)
        return rc;
    if (!vg_media_file_name_safe(*out)) {
        *out = NULL;
        return vg_conv_field_error(cx,
                                   "field %s.file: must be a relative path without '..' "
                                   "components",
                                   where);
    }
    return VG_OK;
}

static vg_status read_media_hashes(struct vg_conv *cx, const cJSON *m, const char *where,
                                   struct vg_media *md)
{
    int64_t quality;
    vg_status rc;
    if ((rc = read_hex(cx, m, where, "pdq", VG_PDQ_HEX_LEN, &md->pdq)) ||
        (rc = read_hex(cx, m, where, "md5", 32, &md->md5)) ||
        (rc = read_hex(cx, m, where, "sha256", 64, &md->sha256)) ||
        (rc = vg_json_int(cx, m, where, "pdq_quality", &quality)) ||
        (rc = read_file_name(cx, m, where, &md->file)))
        return rc;
    if (quality > 100)
        return vg_conv_field_error(cx, "field %s.pdq_quality: %lld is over 100", where,
                                   (long long)quality);
    if (quality >= 0 && !md->pdq)
        return vg_conv_field_error(cx, "field %s.pdq_quality: given without pdq", where);
    md->pdq_quality = (int)quality;
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
    memset(p->media, 0, (size_t)n * sizeof(*p->media)); /* hashes and file: not given */
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
            (rc = vg_json_str(cx, m, where, "url", VG_URL_MAX, &md->url)) ||
            (rc = read_media_hashes(cx, m, where, md)))
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

/* ---- the avatar's hash: a malformed value is dropped, the profile kept ------------------------
 */

/* The string member `key`, or NULL when absent; a member of another type is dropped. */
static const char *avatar_member(struct vg_conv *cx, const cJSON *o, const char *key)
{
    const cJSON *j = vg_json_get(o, key);
    if (j && !cJSON_IsString(j)) {
        vg_conv_drop_field(cx, "field %s: expected a string, got %s", key, vg_json_type_name(j));
        return NULL;
    }
    return j ? j->valuestring : NULL;
}

/* avatar_pdq_quality: 0..100, or -1 when absent; -2 when malformed (dropped). */
static int avatar_quality(struct vg_conv *cx, const cJSON *o)
{
    const cJSON *j = vg_json_get(o, "avatar_pdq_quality");
    if (!j)
        return -1;
    /* The range first: converting a double outside int's range to int is undefined (libFuzzer
     * found 3.3e47 here, tests/fuzz/corpus/fuzz_native/avatar_quality_huge.jsonl). */
    if (!cJSON_IsNumber(j) || !(j->valuedouble >= 0 && j->valuedouble <= 100) ||
        j->valuedouble != (double)(int)j->valuedouble) {
        vg_conv_drop_field(cx, "field avatar_pdq_quality: expected an integer 0..100");
        return -2;
    }
    return (int)j->valuedouble;
}

/* avatar_pdq with its quality. The two go together: when either is malformed, or the quality
 * comes without a hash, neither is kept (a hash without its quality would be matched). */
static vg_status read_avatar_pdq(struct vg_conv *cx, const cJSON *o, struct vg_account *a)
{
    const char *hex = avatar_member(cx, o, "avatar_pdq");
    const char *pdq = NULL;
    char why[96] = "";
    if (hex && !(pdq = hex_lower(cx, hex, VG_PDQ_HEX_LEN, why, sizeof(why)))) {
        if (!why[0])
            return VG_ENOMEM;
        vg_conv_drop_field(cx, "field avatar_pdq: %s", why);
    }
    int quality = avatar_quality(cx, o);
    if (quality >= 0 && !hex)
        vg_conv_drop_field(cx, "field avatar_pdq_quality: given without avatar_pdq");
    if (pdq && quality != -2) {
        a->avatar_pdq = pdq;
        a->avatar_pdq_quality = quality;
    }
    return VG_OK;
}

/* avatar_file: a name under --media-dir, as a media object's `file`. */
static void read_avatar_file(struct vg_conv *cx, const cJSON *o, struct vg_account *a)
{
    const char *file = avatar_member(cx, o, "avatar_file");
    if (!file)
        return;
    if (strlen(file) > VG_ID_MAX || !vg_utf8_valid(file, strlen(file)) ||
        !vg_media_file_name_safe(file)) {
        vg_conv_drop_field(cx,
                           "field avatar_file: must be a relative path without '..' "
                           "components, at most %u bytes of UTF-8",
                           VG_ID_MAX);
        return;
    }
    a->avatar_file = file;
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
        (rc = vg_json_time(cx, o, "", "observed_at", &a->observed_at)) ||
        (rc = read_avatar_pdq(cx, o, a)))
        return rc;
    read_avatar_file(cx, o, a);
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
