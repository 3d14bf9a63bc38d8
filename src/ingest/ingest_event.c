/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ingest_event.c: names of event types and formats, and the writer of native JSON events
 * (docs/events.md). The writer is the inverse of ingest_native.c: what it writes, the native
 * reader reads back to the same event (tests/unit/test_native.c checks the round trip).
 */
#include <string.h>

#include "ingest.h"

const char *vg_event_type_name(enum vg_event_type type)
{
    static const char *names[] = {
#define VG__EVENT_NAME(name, text) text,
        VG_EVENT_TYPE_MAP(VG__EVENT_NAME)
#undef VG__EVENT_NAME
    };
    if ((int)type < 0 || (size_t)type >= VG_ARRAY_LEN(names))
        return NULL;
    return names[type];
}

vg_status vg_event_type_parse(const char *name, enum vg_event_type *out)
{
    for (int t = 0; t < VG_EV__COUNT; t++) {
        if (!strcmp(name, vg_event_type_name((enum vg_event_type)t))) {
            *out = (enum vg_event_type)t;
            return VG_OK;
        }
    }
    return VG_EINVAL;
}

const char *vg_format_name(enum vg_format f)
{
    static const char *names[] = {
#define VG__FORMAT_NAME(name, text, doc) text,
        VG_FORMAT_MAP(VG__FORMAT_NAME)
#undef VG__FORMAT_NAME
    };
    if ((int)f < 0 || (size_t)f >= VG_ARRAY_LEN(names))
        return NULL;
    return names[f];
}

vg_status vg_format_parse(const char *name, enum vg_format *out)
{
    for (int f = 0; f < VG_FORMAT__COUNT; f++) {
        if (!strcmp(name, vg_format_name((enum vg_format)f))) {
            *out = (enum vg_format)f;
            return VG_OK;
        }
    }
    return VG_EINVAL;
}

/* ---- native JSON writer -------------------------------------------------------------------- */

struct writer {
    struct vg_buf *out;
    vg_status rc;
};

static void put_raw(struct writer *w, const char *s)
{
    if (!w->rc)
        w->rc = vg_buf_puts(w->out, s);
}

static void put_key(struct writer *w, const char *key)
{
    put_raw(w, ",\"");
    put_raw(w, key);
    put_raw(w, "\":");
}

static void put_str(struct writer *w, const char *key, const char *v)
{
    if (!v)
        return;
    put_key(w, key);
    if (!w->rc)
        w->rc = vg_buf_json_str(w->out, v, strlen(v));
}

static void put_int(struct writer *w, const char *key, int64_t v)
{
    if (v < 0)
        return;
    put_key(w, key);
    if (!w->rc)
        w->rc = vg_buf_printf(w->out, "%lld", (long long)v);
}

static void put_time(struct writer *w, const char *key, int64_t t)
{
    if (t == VG_TIME_UNKNOWN)
        return;
    char buf[21];
    put_str(w, key, vg_time_format(t, buf));
}

static void put_strv(struct writer *w, const char *key, const struct vg_strv *v)
{
    put_key(w, key);
    put_raw(w, "[");
    for (size_t i = 0; i < v->n; i++) {
        if (i)
            put_raw(w, ",");
        if (!w->rc)
            w->rc = vg_buf_json_str(w->out, v->v[i], strlen(v->v[i]));
    }
    put_raw(w, "]");
}

static void put_media(struct writer *w, const struct vg_media *m, size_t n)
{
    put_key(w, "media");
    put_raw(w, "[");
    for (size_t i = 0; i < n; i++) {
        put_raw(w, i ? ",{" : "{");
        /* The first member has no leading comma: write type first (always present). */
        put_raw(w, "\"type\":");
        const char *type = m[i].type ? m[i].type : "other";
        if (!w->rc)
            w->rc = vg_buf_json_str(w->out, type, strlen(type));
        put_str(w, "id", m[i].id);
        put_str(w, "url", m[i].url);
        put_str(w, "file", m[i].file);
        put_str(w, "pdq", m[i].pdq);
        if (m[i].pdq)
            put_int(w, "pdq_quality", m[i].pdq_quality);
        put_str(w, "md5", m[i].md5);
        put_str(w, "sha256", m[i].sha256);
        put_raw(w, "}");
    }
    put_raw(w, "]");
}

static void write_post(struct writer *w, const struct vg_post *p)
{
    put_str(w, "id", p->id);
    put_str(w, "account", p->account);
    put_time(w, "created_at", p->created_at);
    put_str(w, "text", p->text);
    put_str(w, "lang", p->lang);
    put_str(w, "reply_to", p->reply_to);
    put_str(w, "repost_of", p->repost_of);
    put_str(w, "quote_of", p->quote_of);
    put_strv(w, "hashtags", &p->hashtags);
    put_strv(w, "mentions", &p->mentions);
    put_strv(w, "urls", &p->urls);
    put_media(w, p->media, p->n_media);
}

static void write_account(struct writer *w, const struct vg_account *a)
{
    put_str(w, "id", a->id);
    put_str(w, "handle", a->handle);
    put_str(w, "name", a->name);
    put_str(w, "bio", a->bio);
    put_time(w, "created_at", a->created_at);
    put_int(w, "followers", a->followers);
    put_int(w, "following", a->following);
    put_int(w, "posts", a->posts);
    put_str(w, "avatar_url", a->avatar_url);
    put_str(w, "avatar_pdq", a->avatar_pdq);
    if (a->avatar_pdq)
        put_int(w, "avatar_pdq_quality", a->avatar_pdq_quality);
    put_str(w, "avatar_file", a->avatar_file);
    put_time(w, "observed_at", a->observed_at);
}

vg_status vg__event_write_json(const struct vg_event *ev, struct vg_buf *out)
{
    struct writer w = { out, VG_OK };
    const char *type = vg_event_type_name(ev->type);
    if (!type)
        return VG_EINVAL;
    put_raw(&w, "{\"type\":\"");
    put_raw(&w, type);
    put_raw(&w, "\"");
    put_str(&w, "platform", ev->platform);
    switch (ev->type) {
        case VG_EV_POST:
            write_post(&w, &ev->u.post);
            break;
        case VG_EV_ACCOUNT:
            write_account(&w, &ev->u.account);
            break;
        case VG_EV_FOLLOW:
        case VG_EV_UNFOLLOW:
            put_str(&w, "src", ev->u.edge.src);
            put_str(&w, "dst", ev->u.edge.dst);
            put_time(&w, "at", ev->u.edge.at);
            break;
        case VG_EV_SUSPENSION:
        case VG_EV_REINSTATEMENT:
            put_str(&w, "account", ev->u.moderation.account);
            put_time(&w, "at", ev->u.moderation.at);
            put_str(&w, "reason", ev->u.moderation.reason);
            break;
        case VG_EV_REPORT:
            put_str(&w, "id", ev->u.report.id);
            put_str(&w, "reporter", ev->u.report.reporter);
            put_str(&w, "target", ev->u.report.target);
            put_strv(&w, "posts", &ev->u.report.posts);
            put_str(&w, "reason", ev->u.report.reason);
            put_time(&w, "at", ev->u.report.at);
            break;
        case VG_EV_DELETION:
            put_str(&w, "target", ev->u.deletion.target);
            put_str(&w, "target_type", ev->u.deletion.target_type);
            put_time(&w, "at", ev->u.deletion.at);
            put_str(&w, "reason", ev->u.deletion.reason);
            break;
        default:
            return VG_EINVAL;
    }
    put_raw(&w, "}");
    return w.rc;
}

vg_status vg_event_to_json(const struct vg_event *ev, char **json_out)
{
    *json_out = NULL;
    struct vg_buf b;
    vg_buf_init(&b, VG_DOC_MAX);
    vg_status rc = vg__event_write_json(ev, &b);
    if (rc) {
        vg_buf_release(&b);
        return rc;
    }
    *json_out = vg_buf_take(&b);
    return *json_out ? VG_OK : VG_ENOMEM;
}
