/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ingest_conv.c: the record life cycle every reader goes through (begin, add events, end or
 * reject) and the JSON field helpers that validate what a reader takes from a document. Keeping
 * the validation here means every format rejects a bad field with the same kind of message:
 * "field user.id_str: expected a string, got number".
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest_int.h"

void vg_conv_begin(struct vg_conv *cx, int64_t item)
{
    cx->in_record = 1;
    cx->item = item;
    cx->n_events = 0;
    cx->item_raw = NULL;
    cx->item_raw_len = 0;
    cx->item_json = NULL;
    cx->reason[0] = '\0';
    cx->n_dropped = 0;
}

void vg_conv_set_raw(struct vg_conv *cx, const char *raw, size_t len)
{
    cx->item_raw = raw;
    cx->item_raw_len = len;
}

void vg_conv_set_raw_json(struct vg_conv *cx, const cJSON *item)
{
    /* Printed only if the record is rejected (see emit): most records never need it. */
    cx->item_json = item;
}

/* The raw bytes of a rejected item: its JSON printed unformatted, bounded. */
static void print_item_json(struct vg_conv *cx)
{
    char *s = cJSON_PrintUnformatted(cx->item_json);
    if (!s)
        return;
    /* One byte past the limit is kept so the reject shows it was cut. */
    size_t len = strlen(s);
    if (len > VG_REJECT_RAW_MAX + 1)
        len = VG_REJECT_RAW_MAX + 1;
    const char *copy = vg_arena_strndup(&cx->arena, s, len);
    cJSON_free(s);
    if (copy)
        vg_conv_set_raw(cx, copy, len);
}

struct vg_event *vg_conv_event(struct vg_conv *cx, enum vg_event_type type, const char *platform)
{
    if (cx->n_events >= VG_EVENTS_MAX) {
        vg_conv_field_error(cx, "record produces more than %u events", VG_EVENTS_MAX);
        return NULL;
    }
    if (cx->n_events == cx->cap_events) {
        size_t cap = cx->cap_events ? cx->cap_events * 2 : 8;
        struct vg_event *ev = vg_realloc(cx->events, cap * sizeof(*ev));
        if (!ev)
            return NULL;
        cx->events = ev;
        cx->cap_events = cap;
    }
    struct vg_event *ev = &cx->events[cx->n_events++];
    memset(ev, 0, sizeof(*ev));
    ev->type = type;
    ev->platform = platform;
    switch (type) {
        case VG_EV_POST:
            ev->u.post.created_at = VG_TIME_UNKNOWN;
            break;
        case VG_EV_ACCOUNT:
            ev->u.account.created_at = VG_TIME_UNKNOWN;
            ev->u.account.observed_at = VG_TIME_UNKNOWN;
            ev->u.account.followers = -1;
            ev->u.account.following = -1;
            ev->u.account.posts = -1;
            ev->u.account.avatar_pdq_quality = -1;
            break;
        case VG_EV_FOLLOW:
        case VG_EV_UNFOLLOW:
            ev->u.edge.at = VG_TIME_UNKNOWN;
            break;
        case VG_EV_SUSPENSION:
        case VG_EV_REINSTATEMENT:
            ev->u.moderation.at = VG_TIME_UNKNOWN;
            break;
        case VG_EV_REPORT:
            ev->u.report.at = VG_TIME_UNKNOWN;
            break;
        case VG_EV_DELETION:
            ev->u.deletion.at = VG_TIME_UNKNOWN;
            break;
        default:
            break;
    }
    return ev;
}

static vg_status emit(struct vg_conv *cx, const char *reason)
{
    if (reason && cx->item_json && !cx->item_raw)
        print_item_json(cx);
    struct vg_record rec = {
        .events = reason ? NULL : cx->events,
        .n_events = reason ? 0 : cx->n_events,
        .reason = reason,
        .raw = cx->item_raw ? cx->item_raw : cx->doc_raw,
        .raw_len = cx->item_raw ? cx->item_raw_len : cx->doc_len,
        .item = cx->item,
        .line = cx->line,
        .offset = cx->offset,
        .file = cx->file,
        .format = cx->format,
        .n_dropped = cx->n_dropped,
    };
    cx->in_record = 0;
    cx->n_events = 0;
    return cx->sink(cx->sink_ud, &rec);
}

vg_status vg_conv_end(struct vg_conv *cx)
{
    if (!cx->in_record)
        return VG_OK;
    if (!cx->reason[0]) {
        for (size_t i = 0; i < cx->n_events && !cx->reason[0]; i++)
            vg_event_check(cx, &cx->events[i]);
    }
    if (!cx->reason[0] && cx->n_events == 0)
        snprintf(cx->reason, sizeof(cx->reason), "record holds no event");
    return emit(cx, cx->reason[0] ? cx->reason : NULL);
}

/*
 * A reason quotes values cut to a few bytes ("%.40s") and is itself cut at its buffer's size:
 * either may split a UTF-8 character, and a quoted value may not be UTF-8 at all. Reasons are
 * written to JSON and to the store, so every byte that is not part of a valid character becomes
 * '?', here, once, for every reader.
 */
static void make_valid_utf8(char *s)
{
    size_t len = strlen(s), i = 0;
    while (i < len) {
        int32_t cp;
        int n = vg_utf8_decode((const unsigned char *)s + i, len - i, &cp);
        if (n < 0) {
            s[i++] = '?';
            continue;
        }
        i += (size_t)n;
    }
}

vg_status vg_conv_reject(struct vg_conv *cx, const char *fmt, ...)
{
    if (!cx->in_record)
        vg_conv_begin(cx, -1);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cx->reason, sizeof(cx->reason), fmt, ap);
    va_end(ap);
    make_valid_utf8(cx->reason);
    return emit(cx, cx->reason);
}

vg_status vg_conv_field_error(struct vg_conv *cx, const char *fmt, ...)
{
    if (cx->reason[0])
        return VG_EFIELD;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cx->reason, sizeof(cx->reason), fmt, ap);
    va_end(ap);
    make_valid_utf8(cx->reason);
    return VG_EFIELD;
}

void vg_conv_drop_field(struct vg_conv *cx, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    make_valid_utf8(msg);
    VG_LOG_ERR("%s:%llu: %s; the record is kept without it", cx->file ? cx->file : "-",
               (unsigned long long)cx->line, msg);
    cx->n_dropped++;
}

/* ---- required fields ----------------------------------------------------------------------- */

static int missing(const char *s)
{
    return !s || !*s;
}

static vg_status require_str(struct vg_conv *cx, const char *type, const char *name, const char *s)
{
    if (missing(s))
        return vg_conv_field_error(cx, "%s event: field %s is required", type, name);
    return VG_OK;
}

static vg_status require_time(struct vg_conv *cx, const char *type, const char *name, int64_t t)
{
    if (t == VG_TIME_UNKNOWN)
        return vg_conv_field_error(cx, "%s event: field %s is required", type, name);
    return VG_OK;
}

vg_status vg_event_check(struct vg_conv *cx, const struct vg_event *ev)
{
    const char *type = vg_event_type_name(ev->type);
    vg_status rc = VG_OK;
    switch (ev->type) {
        case VG_EV_POST:
            if ((rc = require_str(cx, type, "id", ev->u.post.id)) ||
                (rc = require_str(cx, type, "account", ev->u.post.account)) ||
                (rc = require_time(cx, type, "created_at", ev->u.post.created_at)))
                return rc;
            if (!ev->u.post.text)
                return vg_conv_field_error(cx, "post event: field text is required");
            return VG_OK;
        case VG_EV_ACCOUNT:
            if ((rc = require_str(cx, type, "id", ev->u.account.id)) ||
                (rc = require_time(cx, type, "observed_at", ev->u.account.observed_at)))
                return rc;
            return VG_OK;
        case VG_EV_FOLLOW:
        case VG_EV_UNFOLLOW:
            if ((rc = require_str(cx, type, "src", ev->u.edge.src)) ||
                (rc = require_str(cx, type, "dst", ev->u.edge.dst)))
                return rc;
            return VG_OK;
        case VG_EV_SUSPENSION:
        case VG_EV_REINSTATEMENT:
            if ((rc = require_str(cx, type, "account", ev->u.moderation.account)) ||
                (rc = require_time(cx, type, "at", ev->u.moderation.at)))
                return rc;
            return VG_OK;
        case VG_EV_REPORT:
            if ((rc = require_str(cx, type, "target", ev->u.report.target)) ||
                (rc = require_time(cx, type, "at", ev->u.report.at)))
                return rc;
            return VG_OK;
        case VG_EV_DELETION:
            if ((rc = require_str(cx, type, "target", ev->u.deletion.target)) ||
                (rc = require_time(cx, type, "at", ev->u.deletion.at)))
                return rc;
            if (!ev->u.deletion.target_type || (strcmp(ev->u.deletion.target_type, "post") &&
                                                strcmp(ev->u.deletion.target_type, "account")))
                return vg_conv_field_error(cx, "deletion event: field target_type must be \"post\" "
                                               "or \"account\"");
            return VG_OK;
        default:
            return vg_conv_field_error(cx, "unknown event type %d", (int)ev->type);
    }
}

/* ---- JSON field helpers -------------------------------------------------------------------- */

const char *vg_json_type_name(const cJSON *j)
{
    if (cJSON_IsString(j))
        return "string";
    if (cJSON_IsNumber(j))
        return "number";
    if (cJSON_IsBool(j))
        return "boolean";
    if (cJSON_IsArray(j))
        return "array";
    if (cJSON_IsObject(j))
        return "object";
    if (cJSON_IsNull(j))
        return "null";
    return "invalid";
}

/* Appends s to buf[*at..size-1), cut to fit; buf stays terminated. */
static void path_append(char *buf, size_t size, size_t *at, const char *s, size_t n)
{
    if (*at + n >= size)
        n = size - 1 - *at;
    memcpy(buf + *at, s, n);
    *at += n;
    buf[*at] = '\0';
}

/*
 * where.key[index], cut to the buffer (a message with a shortened path beats none). Readers build
 * a path for every nested object whether or not an error follows, so this avoids snprintf, which
 * was 6% of ingest instructions (callgrind on bench_ingest tweets).
 */
const char *vg_json_path(char *buf, size_t size, const char *where, const char *key,
                         long long index)
{
    size_t at = 0;
    if (!size)
        return buf;
    buf[0] = '\0';
    path_append(buf, size, &at, where, strlen(where));
    if (where[0])
        path_append(buf, size, &at, ".", 1);
    path_append(buf, size, &at, key, strlen(key));
    if (index >= 0) {
        char num[24];
        size_t n = sizeof(num);
        num[--n] = ']';
        unsigned long long v = (unsigned long long)index;
        do
            num[--n] = (char)('0' + v % 10);
        while ((v /= 10) && n > 1);
        num[--n] = '[';
        path_append(buf, size, &at, num + n, sizeof(num) - n);
    }
    return buf;
}

/*
 * The same first-match lookup as cJSON_GetObjectItemCaseSensitive, with the first byte compared
 * before calling strcmp: a tweet has some 30 members and its user 40, most lookups pass over most
 * of them, and this is the readers' hottest loop (strcmp was 8 % of ingest time in perf).
 */
const cJSON *vg_json_get(const cJSON *obj, const char *key)
{
    if (!cJSON_IsObject(obj))
        return NULL;
    for (const cJSON *j = obj->child; j; j = j->next)
        if (j->string && j->string[0] == key[0] && !strcmp(j->string, key))
            return cJSON_IsNull(j) ? NULL : j;
    return NULL;
}

static const char *dot(const char *where)
{
    return where && *where ? "." : "";
}

vg_status vg_json_str(struct vg_conv *cx, const cJSON *obj, const char *where, const char *key,
                      size_t max, const char **out)
{
    *out = NULL;
    const cJSON *j = vg_json_get(obj, key);
    if (!j)
        return VG_OK;
    if (!cJSON_IsString(j))
        return vg_conv_field_error(cx, "field %s%s%s: expected a string, got %s", where, dot(where),
                                   key, vg_json_type_name(j));
    size_t len = strlen(j->valuestring);
    if (len > max)
        return vg_conv_field_error(cx, "field %s%s%s: %zu bytes, over the limit of %zu", where,
                                   dot(where), key, len, max);
    if (!vg_utf8_valid(j->valuestring, len))
        return vg_conv_field_error(cx, "field %s%s%s: invalid UTF-8", where, dot(where), key);
    *out = j->valuestring;
    return VG_OK;
}

vg_status vg_json_id(struct vg_conv *cx, const cJSON *obj, const char *where, const char *key,
                     const char **out)
{
    *out = NULL;
    const cJSON *j = vg_json_get(obj, key);
    if (j && cJSON_IsNumber(j)) {
        double d = j->valuedouble;
        /* Doubles hold integers exactly only up to 2^53; 64-bit tweet ids do not fit. */
        if (d < 0 || d > 9007199254740992.0 || d != floor(d))
            return vg_conv_field_error(cx,
                                       "field %s%s%s: id %.0f is a number beyond 2^53 and has "
                                       "lost precision; ids must be strings",
                                       where, dot(where), key, d);
        *out = vg_arena_printf(&cx->arena, "%.0f", d);
        return *out ? VG_OK : VG_ENOMEM;
    }
    vg_status rc = vg_json_str(cx, obj, where, key, VG_ID_MAX, out);
    if (rc == VG_OK && *out && !**out)
        *out = NULL;
    return rc;
}

vg_status vg_json_int(struct vg_conv *cx, const cJSON *obj, const char *where, const char *key,
                      int64_t *out)
{
    *out = -1;
    const cJSON *j = vg_json_get(obj, key);
    if (!j)
        return VG_OK;
    if (cJSON_IsString(j)) {
        /* Some exports write counts as strings ("1,234" is not accepted). */
        char *end;
        long long v = strtoll(j->valuestring, &end, 10);
        if (*j->valuestring && !*end && v >= 0) {
            *out = v;
            return VG_OK;
        }
    } else if (cJSON_IsNumber(j) && j->valuedouble >= 0 && j->valuedouble < 9.2e18 &&
               j->valuedouble == floor(j->valuedouble)) {
        *out = (int64_t)j->valuedouble;
        return VG_OK;
    }
    return vg_conv_field_error(cx, "field %s%s%s: expected a non-negative integer, got %s", where,
                               dot(where), key, vg_json_type_name(j));
}

vg_status vg_json_time(struct vg_conv *cx, const cJSON *obj, const char *where, const char *key,
                       int64_t *out)
{
    *out = VG_TIME_UNKNOWN;
    const cJSON *j = vg_json_get(obj, key);
    if (!j)
        return VG_OK;
    if (cJSON_IsNumber(j)) {
        double d = j->valuedouble;
        /* Epoch milliseconds (Twitter's timestamp_ms) are told apart by magnitude. */
        if (d > 1e11)
            d /= 1000.0;
        if (d >= 0 && d < 253402300800.0) {
            *out = (int64_t)d;
            return VG_OK;
        }
    } else if (cJSON_IsString(j)) {
        const char *s = j->valuestring;
        if (vg_time_parse(s, out) == VG_OK)
            return VG_OK;
        char *end;
        long long v = strtoll(s, &end, 10);
        if (*s && !*end && v >= 0) {
            *out = v > 100000000000LL ? v / 1000 : v;
            return VG_OK;
        }
        return vg_conv_field_error(cx, "field %s%s%s: \"%.40s\" is not a time", where, dot(where),
                                   key, s);
    }
    return vg_conv_field_error(cx, "field %s%s%s: expected a time, got %s", where, dot(where), key,
                               vg_json_type_name(j));
}

vg_status vg_json_bool(struct vg_conv *cx, const cJSON *obj, const char *where, const char *key,
                       int def, int *out)
{
    *out = def;
    const cJSON *j = vg_json_get(obj, key);
    if (!j)
        return VG_OK;
    if (!cJSON_IsBool(j))
        return vg_conv_field_error(cx, "field %s%s%s: expected a boolean, got %s", where,
                                   dot(where), key, vg_json_type_name(j));
    *out = cJSON_IsTrue(j);
    return VG_OK;
}

const char *vg_conv_strndup(struct vg_conv *cx, const char *s, size_t len)
{
    if (!vg_utf8_valid(s, len)) {
        vg_conv_field_error(cx, "text: invalid UTF-8");
        return NULL;
    }
    return vg_arena_strndup(&cx->arena, s, len);
}

/* ---- string lists -------------------------------------------------------------------------- */

vg_status vg_strv_push(struct vg_conv *cx, struct vg_strv_builder *b, struct vg_strv *v,
                       const char *s, const char *what)
{
    if (!s || !*s)
        return VG_OK;
    for (size_t i = 0; i < v->n; i++)
        if (!strcmp(v->v[i], s))
            return VG_OK;
    if (v->n >= VG_LIST_MAX)
        return vg_conv_field_error(cx, "field %s: more than %u items", what, VG_LIST_MAX);
    if (v->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4;
        const char **nv = vg_arena_alloc(&cx->arena, cap * sizeof(*nv));
        if (!nv)
            return VG_ENOMEM;
        if (v->n)
            memcpy(nv, v->v, v->n * sizeof(*nv));
        v->v = nv;
        b->cap = cap;
    }
    v->v[v->n++] = s;
    return VG_OK;
}

struct extract_ctx {
    struct vg_conv *cx;
    struct vg_post *post;
    struct vg_strv_builder tags, mentions, urls;
};

static vg_status on_entity(enum vg_entity_kind kind, const char *s, size_t len, void *ud)
{
    struct extract_ctx *e = ud;
    const char *copy = vg_arena_strndup(&e->cx->arena, s, len);
    if (!copy)
        return VG_ENOMEM;
    switch (kind) {
        case VG_ENTITY_HASHTAG:
            return vg_strv_push(e->cx, &e->tags, &e->post->hashtags, copy, "hashtags");
        case VG_ENTITY_MENTION:
            return vg_strv_push(e->cx, &e->mentions, &e->post->mentions, copy, "mentions");
        case VG_ENTITY_URL:
            return vg_strv_push(e->cx, &e->urls, &e->post->urls, copy, "urls");
    }
    return VG_OK;
}

vg_status vg_conv_extract_entities(struct vg_conv *cx, struct vg_post *post)
{
    if (!post->text)
        return VG_OK;
    struct extract_ctx e = { .cx = cx, .post = post };
    /* Lists already filled by the source are kept; extraction only fills empty ones. */
    if (post->hashtags.n || post->mentions.n || post->urls.n)
        return VG_OK;
    long n = vg_text_extract(post->text, strlen(post->text), on_entity, &e);
    if (n == VG_EFIELD)
        return VG_OK; /* noted in cx; the record is rejected at its end */
    return n < 0 ? (vg_status)n : VG_OK;
}
