/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ingest_mastodon.c: reader of Mastodon REST API responses (docs/formats/mastodon.md). A document
 * is one entity (Status, Account, Notification, Report, Admin::Account, Admin::Report, Quote,
 * Instance, a webhook payload) or a container of entities (an array such as a timeline, a status
 * context, search results). Each entity is one record: a status gives its post and its author's
 * account, plus the post and account of the status it boosts or quotes.
 *
 * The REST API names statuses and accounts by ids local to the server that answered. vigie names
 * them by their ActivityPub ids instead (a status's `uri`, an account's `uri`, else its `url`), so
 * that data fetched from several servers and ActivityPub data join up. A local id that points
 * elsewhere (in_reply_to_id, a report's status_ids) is made global, in this order: the uri of the
 * status with that id in the same document; "<actor id>/statuses/<id>" when the replied-to
 * account is local and the document shows that the server names its statuses that way; else the
 * API URL that names it on the serving server ("https://host/api/v1/statuses/<id>"), which never
 * equals a status uri but stays unique and can be fetched. The serving server is the host of any
 * local account (acct without "@host") in the document; without one, the local id is dropped.
 */
#include <stdio.h>
#include <string.h>

#include "ingest_fedi_int.h"

#define PLATFORM "mastodon"

/* Levels of statuses read into one record: the status (0), the one it boosts or quotes (1), the
 * one that quotes (2). Deeper references keep their uri in repost_of/quote_of but add no post. */
#define MD_NEST_MAX 2

/* ---- a map of server-local ids ------------------------------------------------------------- */

/* String to string, open addressing; keys and values point into the parsed document. */
struct id_map {
    const char **keys;
    const char **vals;
    size_t cap; /* a power of two, or 0 */
    size_t n;
};

static size_t map_slot(const struct id_map *m, const char *key)
{
    size_t i = (size_t)vg_hash64(key, strlen(key), 0) & (m->cap - 1);
    while (m->keys[i] && strcmp(m->keys[i], key))
        i = (i + 1) & (m->cap - 1);
    return i;
}

static vg_status map_grow(struct id_map *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    const char **keys = vg_calloc(cap, sizeof(*keys));
    const char **vals = vg_calloc(cap, sizeof(*vals));
    if (!keys || !vals) {
        vg_free(keys);
        vg_free(vals);
        return VG_ENOMEM;
    }
    struct id_map old = *m;
    m->keys = keys;
    m->vals = vals;
    m->cap = cap;
    for (size_t i = 0; i < old.cap; i++) {
        if (!old.keys[i])
            continue;
        size_t j = map_slot(m, old.keys[i]);
        m->keys[j] = old.keys[i];
        m->vals[j] = old.vals[i];
    }
    vg_free(old.keys);
    vg_free(old.vals);
    return VG_OK;
}

/* Map key to val; the first value put for a key stays. */
static vg_status map_put(struct id_map *m, const char *key, const char *val)
{
    if ((m->n + 1) * 2 > m->cap) {
        vg_status rc = map_grow(m);
        if (rc)
            return rc;
    }
    size_t i = map_slot(m, key);
    if (m->keys[i])
        return VG_OK;
    m->keys[i] = key;
    m->vals[i] = val;
    m->n++;
    return VG_OK;
}

static const char *map_get(const struct id_map *m, const char *key)
{
    if (!m->cap || !key)
        return NULL;
    size_t i = map_slot(m, key);
    return m->keys[i] ? m->vals[i] : NULL;
}

static void map_release(struct id_map *m)
{
    vg_free(m->keys);
    vg_free(m->vals);
    memset(m, 0, sizeof(*m));
}

/* ---- what the whole document tells about local ids ----------------------------------------- */

struct md {
    struct vg_conv *cx;
    struct id_map statuses; /* local status id -> status uri, every status of the document */
    struct id_map locals;   /* local account id -> actor id, for the serving server's accounts */
    const char *server;     /* host of the serving server (a span of a document string) or NULL */
    size_t server_len;
    int uri_pattern; /* the server names a status "<actor id>/statuses/<local id>" */
};

static int is_status(const cJSON *o)
{
    return vg__fedi_has(o, "uri") && vg__fedi_has(o, "account") && vg__fedi_has(o, "created_at") &&
           (vg__fedi_has(o, "content") || vg__fedi_has(o, "reblog"));
}

static int is_account(const cJSON *o)
{
    return vg__fedi_has(o, "acct") && vg__fedi_has(o, "username");
}

/* A string member usable as an id (non-empty, valid UTF-8, within VG_ID_MAX), else NULL. */
static const char *scan_str(const cJSON *o, const char *key)
{
    const cJSON *j = vg__fedi_get(o, key);
    if (!cJSON_IsString(j) || !j->valuestring[0])
        return NULL;
    size_t len = strlen(j->valuestring);
    return len <= VG_ID_MAX && vg_utf8_valid(j->valuestring, len) ? j->valuestring : NULL;
}

static int is_local_acct(const char *acct)
{
    return acct && !strchr(acct, '@');
}

static vg_status scan_account(struct md *r, const cJSON *a)
{
    const char *acct = scan_str(a, "acct"), *id = scan_str(a, "id"), *uri = scan_str(a, "uri");
    if (!is_local_acct(acct))
        return VG_OK;
    if (!r->server)
        r->server = vg__fedi_host_span(scan_str(a, "url"), &r->server_len);
    return id && uri ? map_put(&r->locals, id, uri) : VG_OK;
}

/* 1 if uri is "<actor>/statuses/<id>". */
static int uri_follows_pattern(const char *uri, const char *actor, const char *id)
{
    static const char mid[] = "/statuses/";
    size_t na = strlen(actor), nm = sizeof(mid) - 1;
    return !strncmp(uri, actor, na) && !strncmp(uri + na, mid, nm) && !strcmp(uri + na + nm, id);
}

static vg_status scan_status(struct md *r, const cJSON *s)
{
    const char *id = scan_str(s, "id"), *uri = scan_str(s, "uri");
    if (!id || !uri)
        return VG_OK;
    const cJSON *a = vg__fedi_get(s, "account");
    const char *actor = scan_str(a, "uri");
    if (!r->uri_pattern && actor && is_local_acct(scan_str(a, "acct")))
        r->uri_pattern = uri_follows_pattern(uri, actor, id);
    return map_put(&r->statuses, id, uri);
}

/* Collect the statuses and local accounts of the whole document, at any depth. */
static vg_status scan(struct md *r, const cJSON *node)
{
    vg_status rc = VG_OK;
    if (cJSON_IsObject(node)) {
        if (is_status(node))
            rc = scan_status(r, node);
        else if (is_account(node))
            rc = scan_account(r, node);
    }
    const cJSON *child;
    if (cJSON_IsObject(node) || cJSON_IsArray(node)) {
        cJSON_ArrayForEach(child, node)
        {
            if (rc)
                break;
            rc = scan(r, child);
        }
    }
    return rc;
}

/*
 * The global id of the status with server-local id local_id (see the file comment), written by
 * the account with local id account_id (may be NULL); NULL when it cannot be made.
 */
static vg_status resolve_status(struct md *r, const char *local_id, const char *account_id,
                                const char **out)
{
    struct vg_arena *arena = &r->cx->arena;
    *out = map_get(&r->statuses, local_id);
    if (*out || !local_id)
        return VG_OK;
    const char *actor = r->uri_pattern ? map_get(&r->locals, account_id) : NULL;
    if (actor)
        *out = vg_arena_printf(arena, "%s/statuses/%s", actor, local_id);
    else if (r->server)
        *out = vg_arena_printf(arena, "https://%.*s/api/v1/statuses/%s", (int)r->server_len,
                               r->server, local_id);
    else
        return VG_OK;
    return *out ? VG_OK : VG_ENOMEM;
}

/* ---- accounts ------------------------------------------------------------------------------ */

/* A count; a negative number (some servers hide counts that way) is "not given". */
static vg_status read_count(struct vg_conv *cx, const cJSON *o, const char *where, const char *key,
                            int64_t *out)
{
    const cJSON *j = vg__fedi_get(o, key);
    if (cJSON_IsNumber(j) && j->valuedouble < 0) {
        *out = -1;
        return VG_OK;
    }
    return vg_json_int(cx, o, where, key, out);
}

/* The account's id: its ActivityPub id `uri`, else its profile `url` (servers before 4.2). */
static vg_status read_account_id(struct vg_conv *cx, const cJSON *a, const char *where,
                                 const char **out)
{
    vg_status rc = vg_json_id(cx, a, where, "uri", out);
    if (rc || *out)
        return rc;
    if ((rc = vg_json_id(cx, a, where, "url", out)) || *out)
        return rc;
    return vg__fedi_missing(cx, where, "uri", "an account needs its ActivityPub id, or its url");
}

static vg_status read_account_fields(struct vg_conv *cx, const cJSON *a, const char *where,
                                     struct vg_account *acc, int64_t *last_status)
{
    const char *url, *acct, *note;
    vg_status rc;
    char path[VG_FEDI_PATH_MAX];
    if ((rc = read_account_id(cx, a, where, &acc->id)) ||
        (rc = vg_json_str(cx, a, where, "url", VG_URL_MAX, &url)) ||
        (rc = vg_json_str(cx, a, where, "acct", VG_ID_MAX, &acct)) ||
        (rc = vg_json_str(cx, a, where, "display_name", VG_FIELD_MAX, &acc->name)) ||
        (rc = vg_json_str(cx, a, where, "note", VG_DOC_MAX, &note)) ||
        (rc = vg_json_time(cx, a, where, "created_at", &acc->created_at)) ||
        (rc = vg_json_time(cx, a, where, "last_status_at", last_status)) ||
        (rc = read_count(cx, a, where, "followers_count", &acc->followers)) ||
        (rc = read_count(cx, a, where, "following_count", &acc->following)) ||
        (rc = read_count(cx, a, where, "statuses_count", &acc->posts)) ||
        (rc = vg_json_str(cx, a, where, "avatar", VG_URL_MAX, &acc->avatar_url)) ||
        (rc = vg__fedi_handle(cx, acct, url, &acc->handle)))
        return rc;
    if (!note || !*note)
        return VG_OK;
    return vg__fedi_text(cx, vg_json_path(path, sizeof(path), where, "note", -1), NULL, note,
                         &acc->bio);
}

static vg_status add_account(struct md *r, const cJSON *a, const char *where, int64_t seen,
                             int follow_moved, const char **id_out);

/* The account an account moved to is a profile seen too (the move itself has no event yet). */
static vg_status add_moved(struct md *r, const cJSON *a, const char *where, int64_t seen)
{
    const cJSON *moved = vg__fedi_get(a, "moved");
    if (!moved)
        return VG_OK;
    if (!cJSON_IsObject(moved))
        return vg__fedi_wrong_type(r->cx, where, "moved", "an Account object", moved);
    char path[VG_FEDI_PATH_MAX];
    const char *id;
    return add_account(r, moved, vg_json_path(path, sizeof(path), where, "moved", -1), seen, 0,
                       &id);
}

/*
 * Add the account event of Account a. seen: when the document shows the profile (the status or
 * notification carrying it), or VG_TIME_UNKNOWN. The profile is current as of the fetch, which
 * is no earlier than seen, the account's creation or its last status, so observed_at is the
 * latest of the three. *id_out: the account's id.
 */
static vg_status add_account(struct md *r, const cJSON *a, const char *where, int64_t seen,
                             int follow_moved, const char **id_out)
{
    struct vg_conv *cx = r->cx;
    struct vg_account acc;
    int64_t last_status;
    size_t index;
    vg_status rc;
    *id_out = NULL;
    if (!cJSON_IsObject(a))
        return vg_conv_field_error(cx, "field %s: expected an Account object, got %s", where,
                                   vg_json_type_name(a));
    vg__fedi_account_init(&acc);
    if ((rc = vg__fedi_reserve(cx, VG_EV_ACCOUNT, PLATFORM, &index)) ||
        (rc = read_account_fields(cx, a, where, &acc, &last_status)))
        return rc;
    acc.observed_at = vg__fedi_later(seen, vg__fedi_later(acc.created_at, last_status));
    if (acc.observed_at == VG_TIME_UNKNOWN)
        return vg__fedi_missing(cx, where, "created_at",
                                "no time in the document tells when the profile was seen");
    cx->events[index].u.account = acc;
    *id_out = acc.id;
    return follow_moved ? add_moved(r, a, where, acc.observed_at) : VG_OK;
}

/* The Account itself, or the Account inside an Admin::Account. */
static const cJSON *account_of(const cJSON *o)
{
    const cJSON *inner = vg__fedi_get(o, "account");
    return !is_account(o) && is_account(inner) ? inner : o;
}

/* ---- statuses ------------------------------------------------------------------------------ */

static vg_status add_status(struct md *r, const cJSON *s, const char *where, int depth,
                            const char **id_out);

/* tags[].name: the server's hashtags (normalised), used when the text shows none. */
static vg_status read_tags(struct vg_conv *cx, const cJSON *s, const char *where,
                           struct vg_strv_builder *b, struct vg_post *p)
{
    const cJSON *arr = vg__fedi_get(s, "tags"), *t;
    char path[VG_FEDI_PATH_MAX];
    int i = 0;
    if (arr && !cJSON_IsArray(arr))
        return vg__fedi_wrong_type(cx, where, "tags", "an array", arr);
    cJSON_ArrayForEach(t, arr)
    {
        const char *name;
        snprintf(path, sizeof(path), "%s.tags[%d]", where, i++);
        vg_status rc = vg_json_str(cx, t, path, "name", VG_ID_MAX, &name);
        if (rc || (rc = vg_strv_push(cx, b, &p->hashtags, name, "hashtags")))
            return rc;
    }
    return VG_OK;
}

/* mentions[].acct as "user@host" handles. */
static vg_status read_mentions(struct vg_conv *cx, const cJSON *s, const char *where,
                               struct vg_post *p)
{
    const cJSON *arr = vg__fedi_get(s, "mentions"), *m;
    struct vg_strv_builder b = { 0 };
    char path[VG_FEDI_PATH_MAX];
    int i = 0;
    if (arr && !cJSON_IsArray(arr))
        return vg__fedi_wrong_type(cx, where, "mentions", "an array", arr);
    cJSON_ArrayForEach(m, arr)
    {
        const char *acct, *url, *handle;
        snprintf(path, sizeof(path), "%s.mentions[%d]", where, i++);
        vg_status rc;
        if ((rc = vg_json_str(cx, m, path, "acct", VG_ID_MAX, &acct)) ||
            (rc = vg_json_str(cx, m, path, "url", VG_URL_MAX, &url)) ||
            (rc = vg__fedi_handle(cx, acct, url, &handle)) ||
            (rc = vg_strv_push(cx, &b, &p->mentions, handle, "mentions")))
            return rc;
    }
    return VG_OK;
}

/* Hashtags and URLs: those written in the text, the link preview's url, and the server's tags
 * when the text has no hashtag. */
static vg_status read_entities(struct vg_conv *cx, const cJSON *s, const char *where,
                               struct vg_post *p)
{
    const cJSON *card = vg__fedi_get(s, "card");
    struct vg_strv_builder bt = { 0 }, bu = { 0 };
    const char *url = NULL;
    char path[VG_FEDI_PATH_MAX];
    vg_status rc;
    if (card && !cJSON_IsObject(card))
        return vg__fedi_wrong_type(cx, where, "card", "an object", card);
    if ((rc = vg_json_str(cx, card, vg_json_path(path, sizeof(path), where, "card", -1), "url",
                          VG_URL_MAX, &url)) ||
        (rc = vg_strv_push(cx, &bu, &p->urls, url, "urls")) ||
        (rc = vg__fedi_text_entities(cx, p, &bt, &bu)))
        return rc;
    return p->hashtags.n ? VG_OK : read_tags(cx, s, where, &bt, p);
}

/* media_attachments: type, id (local to the server), and the original file's URL. */
static vg_status read_media(struct vg_conv *cx, const cJSON *s, const char *where,
                            struct vg_post *p)
{
    const cJSON *arr = vg__fedi_get(s, "media_attachments"), *m;
    char path[VG_FEDI_PATH_MAX];
    int n, i = 0;
    if (arr && !cJSON_IsArray(arr))
        return vg__fedi_wrong_type(cx, where, "media_attachments", "an array", arr);
    if ((n = cJSON_GetArraySize(arr)) == 0)
        return VG_OK;
    if (n > (int)VG_LIST_MAX)
        return vg_conv_field_error(cx, "field %s.media_attachments: more than %u items", where,
                                   VG_LIST_MAX);
    p->media = vg_arena_alloc(&cx->arena, (size_t)n * sizeof(*p->media));
    if (!p->media)
        return VG_ENOMEM;
    memset(p->media, 0, (size_t)n * sizeof(*p->media)); /* hashes and file: not given */
    cJSON_ArrayForEach(m, arr)
    {
        struct vg_media *md = &p->media[i];
        const char *type, *url, *remote;
        snprintf(path, sizeof(path), "%s.media_attachments[%d]", where, i++);
        vg_status rc;
        if (!cJSON_IsObject(m))
            return vg_conv_field_error(cx, "field %s: expected an object", path);
        if ((rc = vg_json_id(cx, m, path, "id", &md->id)) ||
            (rc = vg_json_str(cx, m, path, "type", VG_ID_MAX, &type)) ||
            (rc = vg_json_str(cx, m, path, "url", VG_URL_MAX, &url)) ||
            (rc = vg_json_str(cx, m, path, "remote_url", VG_URL_MAX, &remote)))
            return rc;
        md->type = vg__fedi_media_type(type);
        md->url = remote ? remote : url; /* the origin's file, the same on every server */
    }
    p->n_media = (size_t)n;
    return VG_OK;
}

/* reply_to from in_reply_to_id, a server-local id (see resolve_status). */
static vg_status read_reply(struct md *r, const cJSON *s, const char *where, struct vg_post *p)
{
    const char *local_id, *account_id;
    vg_status rc;
    if ((rc = vg_json_id(r->cx, s, where, "in_reply_to_id", &local_id)) ||
        (rc = vg_json_id(r->cx, s, where, "in_reply_to_account_id", &account_id)))
        return rc;
    return resolve_status(r, local_id, account_id, &p->reply_to);
}

/* The uri of a nested Status; its post and account join the record while depth allows. */
static vg_status nested_status(struct md *r, const cJSON *s, const char *where, int depth,
                               const char **uri)
{
    if (depth <= MD_NEST_MAX)
        return add_status(r, s, where, depth, uri);
    return vg_json_id(r->cx, s, where, "uri", uri);
}

/* repost_of from `reblog`, a whole Status. */
static vg_status read_reblog(struct md *r, const cJSON *s, const char *where, int depth,
                             struct vg_post *p)
{
    const cJSON *rb = vg__fedi_get(s, "reblog");
    char path[VG_FEDI_PATH_MAX];
    if (!rb)
        return VG_OK;
    if (!cJSON_IsObject(rb))
        return vg__fedi_wrong_type(r->cx, where, "reblog", "a Status object", rb);
    return nested_status(r, rb, vg_json_path(path, sizeof(path), where, "reblog", -1), depth + 1,
                         &p->repost_of);
}

/*
 * quote_of from `quote`: a Quote {state, quoted_status} (a Status when the quote is accepted),
 * a ShallowQuote {state, quoted_status_id} (a local id), or on some forks the quoted Status
 * itself.
 */
static vg_status read_quote(struct md *r, const cJSON *s, const char *where, int depth,
                            struct vg_post *p)
{
    const cJSON *q = vg__fedi_get(s, "quote"), *qs;
    char path[VG_FEDI_PATH_MAX];
    const char *local_id;
    vg_status rc;
    if (!q)
        return VG_OK;
    if (!cJSON_IsObject(q))
        return vg__fedi_wrong_type(r->cx, where, "quote", "a Quote object", q);
    vg_json_path(path, sizeof(path), where, "quote", -1);
    if (is_status(q))
        return nested_status(r, q, path, depth + 1, &p->quote_of);
    if ((qs = vg__fedi_get(q, "quoted_status"))) {
        if (!cJSON_IsObject(qs))
            return vg__fedi_wrong_type(r->cx, path, "quoted_status", "a Status object", qs);
        snprintf(path, sizeof(path), "%s.quote.quoted_status", where);
        return nested_status(r, qs, path, depth + 1, &p->quote_of);
    }
    if ((rc = vg_json_id(r->cx, q, path, "quoted_status_id", &local_id)))
        return rc;
    return resolve_status(r, local_id, NULL, &p->quote_of);
}

/* id, time, text and language of a status. */
static vg_status read_status_core(struct vg_conv *cx, const cJSON *s, const char *where,
                                  struct vg_post *p)
{
    const char *spoiler, *content;
    char path[VG_FEDI_PATH_MAX];
    vg_status rc;
    if ((rc = vg_json_id(cx, s, where, "uri", &p->id)) ||
        (rc = vg_json_time(cx, s, where, "created_at", &p->created_at)) ||
        (rc = vg_json_str(cx, s, where, "spoiler_text", VG_FIELD_MAX, &spoiler)) ||
        (rc = vg_json_str(cx, s, where, "content", VG_DOC_MAX, &content)) ||
        (rc = vg_json_str(cx, s, where, "language", 64, &p->lang)))
        return rc;
    if (!p->id)
        return vg__fedi_missing(cx, where, "uri", "the status's global id");
    if (p->created_at == VG_TIME_UNKNOWN)
        return vg__fedi_missing(cx, where, "created_at", "a post needs its time");
    if (!content && !vg__fedi_get(s, "reblog"))
        return vg__fedi_missing(cx, where, "content", "the text of the status");
    return vg__fedi_text(cx, vg_json_path(path, sizeof(path), where, "content", -1), spoiler,
                         content, &p->text);
}

/* Add the post of Status s, its author's account, and what it boosts or quotes. */
static vg_status add_status(struct md *r, const cJSON *s, const char *where, int depth,
                            const char **id_out)
{
    struct vg_conv *cx = r->cx;
    struct vg_post p;
    char path[VG_FEDI_PATH_MAX];
    size_t index;
    vg_status rc;
    *id_out = NULL;
    if (!cJSON_IsObject(s))
        return vg_conv_field_error(cx, "field %s: expected a Status object, got %s", where,
                                   vg_json_type_name(s));
    vg__fedi_post_init(&p);
    if ((rc = vg__fedi_reserve(cx, VG_EV_POST, PLATFORM, &index)) ||
        (rc = read_status_core(cx, s, where, &p)))
        return rc;
    const cJSON *author = vg__fedi_get(s, "account");
    if (!author)
        return vg__fedi_missing(cx, where, "account", "the author of the status");
    if ((rc = add_account(r, author, vg_json_path(path, sizeof(path), where, "account", -1),
                          p.created_at, 1, &p.account)) ||
        (rc = read_reply(r, s, where, &p)) || (rc = read_reblog(r, s, where, depth, &p)) ||
        (rc = read_quote(r, s, where, depth, &p)) || (rc = read_entities(cx, s, where, &p)) ||
        (rc = read_mentions(cx, s, where, &p)) || (rc = read_media(cx, s, where, &p)))
        return rc;
    cx->events[index].u.post = p;
    *id_out = p.id;
    return VG_OK;
}

/* ---- reports, notifications and the other entities ----------------------------------------- */

/* "category: comment", or whichever of the two is given. */
static vg_status report_reason(struct vg_conv *cx, const cJSON *rep, const char *where,
                               const char **out)
{
    const char *category, *comment;
    vg_status rc;
    *out = NULL;
    if ((rc = vg_json_str(cx, rep, where, "category", VG_ID_MAX, &category)) ||
        (rc = vg_json_str(cx, rep, where, "comment", VG_FIELD_MAX, &comment)))
        return rc;
    if (category && *category && comment && *comment)
        *out = vg_arena_printf(&cx->arena, "%s: %s", category, comment);
    else
        *out = comment && *comment ? comment : category;
    return *out || (!category && !comment) ? VG_OK : VG_ENOMEM;
}

/* The reported posts: `statuses` (whole Statuses, admin API) or `status_ids` (local ids). */
static vg_status report_posts(struct md *r, const cJSON *rep, const char *where,
                              const char *target_local_id, struct vg_report *out)
{
    struct vg_conv *cx = r->cx;
    struct vg_strv_builder b = { 0 };
    const cJSON *sts = vg__fedi_get(rep, "statuses"), *ids = vg__fedi_get(rep, "status_ids"), *it;
    char path[VG_FEDI_PATH_MAX];
    int i = 0;
    vg_status rc;
    if ((sts && !cJSON_IsArray(sts)) || (ids && !cJSON_IsArray(ids)))
        return vg__fedi_wrong_type(cx, where,
                                   sts && !cJSON_IsArray(sts) ? "statuses" : "status_ids",
                                   "an array", sts && !cJSON_IsArray(sts) ? sts : ids);
    cJSON_ArrayForEach(it, sts)
    {
        const char *uri;
        snprintf(path, sizeof(path), "%s.statuses[%d]", where, i++);
        if ((rc = add_status(r, it, path, 1, &uri)) ||
            (rc = vg_strv_push(cx, &b, &out->posts, uri, "posts")))
            return rc;
    }
    i = 0;
    cJSON_ArrayForEach(it, ids)
    {
        const char *uri;
        if (!cJSON_IsString(it) || !*it->valuestring || strlen(it->valuestring) > VG_ID_MAX ||
            !vg_utf8_valid(it->valuestring, strlen(it->valuestring)))
            return vg_conv_field_error(cx, "field %s.status_ids[%d]: expected an id string", where,
                                       i);
        i++;
        if ((rc = resolve_status(r, it->valuestring, target_local_id, &uri)) ||
            (rc = vg_strv_push(cx, &b, &out->posts, uri, "posts")))
            return rc;
    }
    return VG_OK;
}

/*
 * A Report (the reporting user's view: target_account, status_ids) or an Admin::Report (account
 * and target_account as Admin::Accounts, statuses). The report's local id becomes the API URL
 * that names it on the serving server, so both views of one report are the same event.
 */
static vg_status add_report(struct md *r, const cJSON *rep, const char *where)
{
    struct vg_conv *cx = r->cx;
    struct vg_report out = { .at = VG_TIME_UNKNOWN };
    const cJSON *target = account_of(vg__fedi_get(rep, "target_account"));
    const cJSON *reporter = account_of(vg__fedi_get(rep, "account"));
    const char *local_id, *target_local_id;
    char path[VG_FEDI_PATH_MAX];
    size_t index;
    vg_status rc;
    if ((rc = vg__fedi_reserve(cx, VG_EV_REPORT, PLATFORM, &index)) ||
        (rc = vg_json_id(cx, rep, where, "id", &local_id)) ||
        (rc = vg_json_time(cx, rep, where, "created_at", &out.at)) ||
        (rc = report_reason(cx, rep, where, &out.reason)))
        return rc;
    if (!target)
        return vg__fedi_missing(cx, where, "target_account", "the reported account");
    if ((rc = add_account(r, target, vg_json_path(path, sizeof(path), where, "target_account", -1),
                          out.at, 1, &out.target)) ||
        (rc = vg_json_id(cx, target, path, "id", &target_local_id)))
        return rc;
    if (reporter &&
        (rc = add_account(r, reporter, vg_json_path(path, sizeof(path), where, "account", -1),
                          out.at, 1, &out.reporter)))
        return rc;
    if ((rc = report_posts(r, rep, where, target_local_id, &out)))
        return rc;
    if (local_id && r->server &&
        !(out.id = vg_arena_printf(&cx->arena, "https://%.*s/api/v1/reports/%s", (int)r->server_len,
                                   r->server, local_id)))
        return VG_ENOMEM;
    cx->events[index].u.report = out;
    return VG_OK;
}

/*
 * A Notification: the account that acted, seen at the notification's time, and the status or
 * report it is about. A "follow" notification's followed account is the token's owner, whom the
 * document does not name, so it gives no follow event.
 */
static vg_status add_notification(struct md *r, const cJSON *n)
{
    const cJSON *account = vg__fedi_get(n, "account"), *status = vg__fedi_get(n, "status");
    const cJSON *report = vg__fedi_get(n, "report");
    const char *id;
    int64_t at;
    vg_status rc = vg_json_time(r->cx, n, "notification", "created_at", &at);
    if (rc)
        return rc;
    if (!account)
        return vg__fedi_missing(r->cx, "notification", "account", "the account that acted");
    if ((rc = add_account(r, account, "notification.account", at, 1, &id)))
        return rc;
    if (status && (rc = add_status(r, status, "notification.status", 0, &id)))
        return rc;
    if (report && !cJSON_IsObject(report))
        return vg__fedi_wrong_type(r->cx, "notification", "report", "a Report object", report);
    return report ? add_report(r, report, "notification.report") : VG_OK;
}

/* An Instance (v1 contact_account, v2 contact.account): its contact account's profile. */
static vg_status add_instance_contact(struct md *r, const cJSON *inst)
{
    const cJSON *a = vg__fedi_get(inst, "contact_account");
    const char *id;
    if (!a)
        a = vg__fedi_get(vg__fedi_get(inst, "contact"), "account");
    if (!a)
        return vg_conv_field_error(r->cx, "Instance entity without a contact account: server "
                                          "metadata holds no event");
    return add_account(r, a, "instance.contact_account", VG_TIME_UNKNOWN, 1, &id);
}

enum md_kind {
    MD_STATUS,
    MD_ACCOUNT,
    MD_ADMIN_ACCOUNT,
    MD_NOTIFICATION,
    MD_REPORT,
    MD_QUOTE,
    MD_INSTANCE,
    MD_WEBHOOK,
    MD_CONTEXT,
    MD_SEARCH,
    MD_UNKNOWN
};

static enum md_kind classify(const cJSON *o)
{
    if (is_status(o))
        return MD_STATUS;
    if (is_account(o))
        return MD_ACCOUNT;
    if (cJSON_IsObject(vg__fedi_get(o, "object")) && vg__fedi_has(o, "event"))
        return MD_WEBHOOK;
    if (vg__fedi_has(o, "target_account"))
        return MD_REPORT;
    if (cJSON_IsString(vg__fedi_get(o, "type")) && vg__fedi_has(o, "account"))
        return MD_NOTIFICATION;
    if (is_account(vg__fedi_get(o, "account")) && vg__fedi_has(o, "username"))
        return MD_ADMIN_ACCOUNT;
    if (vg__fedi_has(o, "state") &&
        (vg__fedi_has(o, "quoted_status") || vg__fedi_has(o, "quoted_status_id")))
        return MD_QUOTE;
    if (vg__fedi_has(o, "contact_account") || vg__fedi_has(o, "contact"))
        return MD_INSTANCE;
    if (vg__fedi_has(o, "ancestors") && vg__fedi_has(o, "descendants"))
        return MD_CONTEXT;
    if (vg__fedi_has(o, "statuses") && vg__fedi_has(o, "accounts"))
        return MD_SEARCH;
    return MD_UNKNOWN;
}

/* Reject an object of no known shape, listing its first members so the user sees what it is. */
static vg_status unknown_entity(struct vg_conv *cx, const cJSON *o, const char *where)
{
    char keys[160] = "";
    size_t k = 0;
    int n = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, o)
    {
        if (n++ == 6 || k + 1 >= sizeof(keys))
            break;
        int w = snprintf(keys + k, sizeof(keys) - k, "%s%.24s", k ? ", " : "", m->string);
        k = w < 0 ? k : k + (size_t)w;
    }
    return vg_conv_field_error(cx,
                               "%s is not a Mastodon entity this reader knows (Status, Account, "
                               "Notification, Report, Admin::Account, Quote, Instance, webhook); "
                               "its members: %s",
                               where, k ? keys : "none");
}

static vg_status add_entity(struct md *r, const cJSON *o, int64_t seen, int in_webhook);

/* A webhook payload {event, created_at, object}: the object, seen at the event's time. */
static vg_status add_webhook(struct md *r, const cJSON *w)
{
    int64_t at;
    vg_status rc = vg_json_time(r->cx, w, "webhook", "created_at", &at);
    return rc ? rc : add_entity(r, vg__fedi_get(w, "object"), at, 1);
}

/* The events of one entity: one record. */
static vg_status add_entity(struct md *r, const cJSON *o, int64_t seen, int in_webhook)
{
    struct vg_conv *cx = r->cx;
    const char *id;
    switch (classify(o)) {
        case MD_STATUS:
            return add_status(r, o, "status", 0, &id);
        case MD_ACCOUNT:
            return add_account(r, o, "account", seen, 1, &id);
        case MD_ADMIN_ACCOUNT:
            return add_account(r, account_of(o), "admin_account.account", seen, 1, &id);
        case MD_NOTIFICATION:
            return add_notification(r, o);
        case MD_REPORT:
            return add_report(r, o, "report");
        case MD_QUOTE:
            if (!cJSON_IsObject(vg__fedi_get(o, "quoted_status")))
                return vg_conv_field_error(cx, "Quote entity without quoted_status (the quote "
                                               "is not accepted): no post to store");
            return add_status(r, vg__fedi_get(o, "quoted_status"), "quote.quoted_status", 0, &id);
        case MD_INSTANCE:
            return add_instance_contact(r, o);
        case MD_WEBHOOK:
            if (!in_webhook)
                return add_webhook(r, o);
            break;
        case MD_CONTEXT:
        case MD_SEARCH:
            return vg_conv_field_error(cx, "a status context or search result is read only as "
                                           "a whole document, not inside another");
        case MD_UNKNOWN:
            break;
    }
    return unknown_entity(cx, o, in_webhook ? "webhook object" : "the object");
}

/* ---- documents and records ----------------------------------------------------------------- */

/* One record: the entity o, item `item` of its container (-1 for a whole document). */
static vg_status read_record(struct md *r, const cJSON *o, int64_t item)
{
    struct vg_conv *cx = r->cx;
    vg_status rc;
    vg_conv_begin(cx, item);
    if (item >= 0)
        vg_conv_set_raw_json(cx, o);
    if (cJSON_IsObject(o))
        rc = add_entity(r, o, VG_TIME_UNKNOWN, 0);
    else
        rc = vg_conv_field_error(cx, "item %lld: expected an object, got %s", (long long)item,
                                 vg_json_type_name(o));
    if (rc == VG_OK || rc == VG_EFIELD)
        rc = vg_conv_end(cx);
    /* The record's strings went to the sink; the next record starts with an empty arena. */
    vg_arena_reset(&cx->arena);
    return rc;
}

/* Every item of the array member `key` of doc (or doc itself when key is NULL) is a record. */
static vg_status read_items(struct md *r, const cJSON *doc, const char *key, int64_t *item)
{
    const cJSON *arr = key ? vg__fedi_get(doc, key) : doc, *it;
    vg_status rc = VG_OK;
    if (!arr)
        return VG_OK;
    if (!cJSON_IsArray(arr))
        return vg_conv_reject(r->cx, "field %s: expected an array, got %s", key,
                              vg_json_type_name(arr));
    cJSON_ArrayForEach(it, arr)
    {
        if ((rc = read_record(r, it, (*item)++)))
            break;
    }
    return rc;
}

static vg_status read_document(struct md *r, const cJSON *doc)
{
    int64_t item = 0;
    vg_status rc;
    if (cJSON_IsArray(doc))
        return read_items(r, doc, NULL, &item);
    if (!cJSON_IsObject(doc))
        return vg_conv_reject(r->cx, "a Mastodon document is a JSON object or array, got %s",
                              vg_json_type_name(doc));
    switch (classify(doc)) {
        case MD_CONTEXT:
            /* Ancestors then descendants, numbered as one list. */
            rc = read_items(r, doc, "ancestors", &item);
            return rc ? rc : read_items(r, doc, "descendants", &item);
        case MD_SEARCH:
            /* Hashtags are not events: only accounts and statuses are records. */
            rc = read_items(r, doc, "accounts", &item);
            return rc ? rc : read_items(r, doc, "statuses", &item);
        default:
            return read_record(r, doc, -1);
    }
}

vg_status vg__read_mastodon(struct vg_conv *cx, const cJSON *doc)
{
    struct md r = { .cx = cx };
    vg_status rc = scan(&r, doc);
    if (rc == VG_OK)
        rc = read_document(&r, doc);
    map_release(&r.statuses);
    map_release(&r.locals);
    return rc;
}
