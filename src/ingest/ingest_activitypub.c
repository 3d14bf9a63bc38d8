/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ingest_activitypub.c: reader of ActivityPub JSON (docs/formats/activitypub.md): one activity
 * or object, an array of them, or a collection (an outbox, an account archive's outbox.json)
 * whose items are. Each activity or object is one record:
 *
 *   Create{Note|Question|Article|Page|...}, a bare Note...   post (+ account of an embedded actor)
 *   Announce                                                 post with repost_of
 *   Flag                                                     report
 *   Follow, Accept{Follow} / Undo{Follow}                    follow / unfollow
 *   Delete                                                   deletion
 *   Person|Service|Group|Application|Organization, Update    account (Update{Note}: post)
 *
 * Everything else (Like, Block, Move, Add, ...) is rejected as not an event vigie stores, with
 * the activity type in the reason. ActivityPub is JSON-LD: a reference may be a URI string, an
 * embedded object with an `id`, a Link with an `href`, or an array of these; ref() reads all of
 * them the same way.
 */
#include <stdio.h>
#include <string.h>

#include "ingest_fedi_int.h"

#define PLATFORM "activitypub"

/* Nesting followed inside one reference ([{"url": [{"href": ...}]}]). */
#define AP_REF_DEPTH 4

/* ---- references and types ------------------------------------------------------------------ */

/* A validated string: within max bytes and valid UTF-8, else a field error naming where.key. */
static vg_status checked_str(struct vg_conv *cx, const char *s, const char *where, const char *key,
                             size_t max, const char **out)
{
    size_t len = strlen(s);
    *out = NULL;
    if (len > max)
        return vg_conv_field_error(cx, "field %s%s%s: %zu bytes, over the limit of %zu", where,
                                   where[0] ? "." : "", key, len, max);
    if (!vg_utf8_valid(s, len))
        return vg_conv_field_error(cx, "field %s%s%s: invalid UTF-8", where, where[0] ? "." : "",
                                   key);
    *out = len ? s : NULL;
    return VG_OK;
}

/* The URI a reference value j names: itself (a string), its id/href/url (an object), or the
 * first that names one (an array). */
static vg_status ref_value(struct vg_conv *cx, const cJSON *j, const char *where, const char *key,
                           size_t max, int depth, const char **out)
{
    static const char *const keys[] = { "id", "href", "url" };
    const cJSON *it;
    vg_status rc = VG_OK;
    *out = NULL;
    if (cJSON_IsString(j))
        return checked_str(cx, j->valuestring, where, key, max, out);
    if (depth >= AP_REF_DEPTH)
        return VG_OK;
    if (cJSON_IsObject(j)) {
        for (size_t i = 0; i < VG_ARRAY_LEN(keys) && !rc && !*out; i++)
            if ((it = vg__fedi_get(j, keys[i])))
                rc = ref_value(cx, it, where, key, max, depth + 1, out);
        return rc;
    }
    if (cJSON_IsArray(j)) {
        cJSON_ArrayForEach(it, j)
        {
            if (rc || *out)
                break;
            rc = ref_value(cx, it, where, key, max, depth + 1, out);
        }
    }
    return rc;
}

/* The URI the member `key` of o refers to, or NULL. */
static vg_status ref(struct vg_conv *cx, const cJSON *o, const char *where, const char *key,
                     const char **out)
{
    return ref_value(cx, vg__fedi_get(o, key), where, key, VG_ID_MAX, 0, out);
}

/* The member's value when it is one embedded object (the first one of an array). */
static const cJSON *embedded(const cJSON *o, const char *key)
{
    const cJSON *j = vg__fedi_get(o, key);
    if (cJSON_IsArray(j))
        j = cJSON_GetArrayItem(j, 0);
    return cJSON_IsObject(j) ? j : NULL;
}

/* An object's type: the "type" string, or the first string of a "type" array; NULL if none. */
static const char *type_of(const cJSON *o)
{
    const cJSON *t = vg__fedi_get(o, "type"), *it;
    if (cJSON_IsString(t))
        return t->valuestring;
    const cJSON *list = cJSON_IsArray(t) ? t : NULL;
    cJSON_ArrayForEach(it, list)
    {
        if (cJSON_IsString(it))
            return it->valuestring;
    }
    return NULL;
}

static int type_in(const char *type, const char *const *list, size_t n)
{
    for (size_t i = 0; type && i < n; i++)
        if (!strcmp(type, list[i]))
            return 1;
    return 0;
}

static int is_actor_type(const char *type)
{
    static const char *const actors[] = { "Person", "Service", "Group", "Application",
                                          "Organization" };
    return type_in(type, actors, VG_ARRAY_LEN(actors));
}

static int is_post_type(const char *type)
{
    static const char *const posts[] = { "Note",  "Question", "Article", "Page",
                                         "Video", "Audio",    "Image",   "Event" };
    return type_in(type, posts, VG_ARRAY_LEN(posts));
}

/* A required instant: the member `key` of o, else of `fallback` (may be NULL). */
static vg_status read_time(struct vg_conv *cx, const cJSON *o, const cJSON *fallback,
                           const char *where, const char *key, int64_t *out)
{
    vg_status rc = vg_json_time(cx, o, where, key, out);
    if (rc || *out != VG_TIME_UNKNOWN || !fallback)
        return rc;
    return vg_json_time(cx, fallback, "activity", key, out);
}

/* ---- actors -------------------------------------------------------------------------------- */

/* A count from an embedded collection ({"type":"OrderedCollection","totalItems":12}). */
static vg_status collection_count(struct vg_conv *cx, const cJSON *a, const char *where,
                                  const char *key, int64_t *out)
{
    const cJSON *c = vg__fedi_get(a, key);
    char path[VG_FEDI_PATH_MAX];
    *out = -1;
    if (!cJSON_IsObject(c))
        return VG_OK;
    return vg_json_int(cx, c, vg_json_path(path, sizeof(path), where, key, -1), "totalItems", out);
}

static vg_status read_actor_fields(struct vg_conv *cx, const cJSON *a, const char *where,
                                   struct vg_account *acc, int64_t *updated)
{
    const char *username, *summary;
    char path[VG_FEDI_PATH_MAX];
    vg_status rc;
    if ((rc = vg_json_id(cx, a, where, "id", &acc->id)) ||
        (rc = vg_json_str(cx, a, where, "preferredUsername", VG_ID_MAX, &username)) ||
        (rc = vg_json_str(cx, a, where, "name", VG_FIELD_MAX, &acc->name)) ||
        (rc = vg_json_str(cx, a, where, "summary", VG_DOC_MAX, &summary)) ||
        (rc = vg_json_time(cx, a, where, "published", &acc->created_at)) ||
        (rc = vg_json_time(cx, a, where, "updated", updated)) ||
        (rc = ref_value(cx, vg__fedi_get(a, "icon"), where, "icon", VG_URL_MAX, 0,
                        &acc->avatar_url)) ||
        (rc = collection_count(cx, a, where, "followers", &acc->followers)) ||
        (rc = collection_count(cx, a, where, "following", &acc->following)) ||
        (rc = collection_count(cx, a, where, "outbox", &acc->posts)))
        return rc;
    if (!acc->id)
        return vg__fedi_missing(cx, where, "id", "the actor's id");
    if ((rc = vg__fedi_handle(cx, username, acc->id, &acc->handle)) || !summary || !*summary)
        return rc;
    return vg__fedi_text(cx, vg_json_path(path, sizeof(path), where, "summary", -1), NULL, summary,
                         &acc->bio);
}

/*
 * Add the account event of actor object a, seen at `seen` (the activity's time, or unknown). The
 * profile is current at least as of seen, its `updated` and its `published` (creation): the
 * latest is observed_at. Without any of the three, a required actor (standing alone) is a field
 * error, and an optional one (embedded in an activity) adds no event.
 */
static vg_status add_actor(struct vg_conv *cx, const cJSON *a, const char *where, int64_t seen,
                           int optional)
{
    struct vg_account acc;
    int64_t updated;
    vg__fedi_account_init(&acc);
    vg_status rc = read_actor_fields(cx, a, where, &acc, &updated);
    if (rc)
        return rc;
    acc.observed_at = vg__fedi_later(seen, vg__fedi_later(updated, acc.created_at));
    if (acc.observed_at == VG_TIME_UNKNOWN)
        return optional ? VG_OK
                        : vg__fedi_missing(cx, where, "published",
                                           "no published or updated time tells when the profile "
                                           "was seen");
    struct vg_event *ev = vg_conv_event(cx, VG_EV_ACCOUNT, PLATFORM);
    if (!ev)
        return cx->reason[0] ? VG_EFIELD : VG_ENOMEM;
    ev->u.account = acc;
    return VG_OK;
}

/* The actor (or attributedTo) of o: its id, and its account when it is embedded. */
static vg_status read_actor_ref(struct vg_conv *cx, const cJSON *o, const char *where,
                                const char *key, int64_t seen, const char **id)
{
    const cJSON *a = embedded(o, key);
    char path[VG_FEDI_PATH_MAX];
    vg_status rc = ref(cx, o, where, key, id);
    if (rc || !a || !is_actor_type(type_of(a)))
        return rc;
    return add_actor(cx, a, vg_json_path(path, sizeof(path), where, key, -1), seen, 1);
}

/* ---- posts --------------------------------------------------------------------------------- */

/*
 * The Mention objects of `tag` (an object or an array) as mentions, and its Hashtag objects as
 * hashtags when `want_tags` (the text showed none).
 */
static vg_status read_tags(struct vg_conv *cx, const cJSON *tags, const char *where, int want_tags,
                           struct vg_strv_builder *bt, struct vg_post *p)
{
    struct vg_strv_builder bm = { 0 };
    char path[VG_FEDI_PATH_MAX];
    const cJSON *t;
    int i = 0;
    /* `tag` is an array, or a single tag object. */
    const cJSON *list = cJSON_IsArray(tags) ? tags : NULL;
    for (t = list ? list->child : tags; t; t = list ? t->next : NULL) {
        const char *type = type_of(t), *name, *href, *handle;
        int mention = type && !strcmp(type, "Mention");
        vg_status rc;
        snprintf(path, sizeof(path), "%s.tag[%d]", where, i++);
        if (!mention && !(want_tags && type && !strcmp(type, "Hashtag")))
            continue; /* Emoji and others */
        if ((rc = vg_json_str(cx, t, path, "name", VG_ID_MAX, &name)) ||
            (rc = vg_json_str(cx, t, path, "href", VG_URL_MAX, &href)))
            return rc;
        if (!name)
            continue;
        if (!mention) {
            rc = vg_strv_push(cx, bt, &p->hashtags, name + (name[0] == '#'), "hashtags");
        } else {
            rc = vg__fedi_handle(cx, name + (name[0] == '@'), href, &handle);
            if (rc == VG_OK)
                rc = vg_strv_push(cx, &bm, &p->mentions, handle, "mentions");
        }
        if (rc)
            return rc;
    }
    return VG_OK;
}

/* One attachment: a media object gives type and URL; profile fields and links are skipped. */
static vg_status read_attachment(struct vg_conv *cx, const cJSON *m, const char *path,
                                 struct vg_post *p)
{
    static const char *const media[] = { "Document", "Image", "Video", "Audio" };
    const char *type = type_of(m), *mime;
    struct vg_media *md = &p->media[p->n_media];
    vg_status rc;
    if (!cJSON_IsObject(m) || !type_in(type, media, VG_ARRAY_LEN(media)))
        return VG_OK;
    if ((rc = vg_json_str(cx, m, path, "mediaType", VG_ID_MAX, &mime)) ||
        (rc = vg_json_id(cx, m, path, "id", &md->id)) ||
        (rc = ref_value(cx, vg__fedi_get(m, "url"), path, "url", VG_URL_MAX, 0, &md->url)))
        return rc;
    md->type = vg__fedi_media_type(mime ? mime : type);
    p->n_media++;
    return VG_OK;
}

/* `attachment` (an object or an array) as media. */
static vg_status read_media(struct vg_conv *cx, const cJSON *o, const char *where,
                            struct vg_post *p)
{
    const cJSON *att = vg__fedi_get(o, "attachment"), *m;
    char path[VG_FEDI_PATH_MAX];
    int n = cJSON_IsArray(att) ? cJSON_GetArraySize(att) : cJSON_IsObject(att) ? 1 : 0, i = 0;
    vg_status rc;
    if (n == 0)
        return VG_OK;
    if (n > (int)VG_LIST_MAX)
        return vg_conv_field_error(cx, "field %s.attachment: more than %u items", where,
                                   VG_LIST_MAX);
    p->media = vg_arena_alloc(&cx->arena, (size_t)n * sizeof(*p->media));
    if (!p->media)
        return VG_ENOMEM;
    memset(p->media, 0, (size_t)n * sizeof(*p->media));
    if (cJSON_IsObject(att))
        return read_attachment(cx, att, vg_json_path(path, sizeof(path), where, "attachment", -1),
                               p);
    cJSON_ArrayForEach(m, att)
    {
        snprintf(path, sizeof(path), "%s.attachment[%d]", where, i++);
        if ((rc = read_attachment(cx, m, path, p)))
            return rc;
    }
    return VG_OK;
}

/* The HTML of the post: `content`, else the first value of `contentMap`; *lang: the first key of
 * contentMap (Mastodon gives exactly one, the language of content). */
static vg_status read_content(struct vg_conv *cx, const cJSON *o, const char *where,
                              const char **html, const char **lang)
{
    const cJSON *map = vg__fedi_get(o, "contentMap"), *first;
    char path[VG_FEDI_PATH_MAX];
    vg_status rc = vg_json_str(cx, o, where, "content", VG_DOC_MAX, html);
    *lang = NULL;
    if (rc || !cJSON_IsObject(map) || !(first = map->child))
        return rc;
    if ((rc = checked_str(cx, first->string, where, "contentMap", 64, lang)) || *html)
        return rc;
    return vg_json_str(cx, map, vg_json_path(path, sizeof(path), where, "contentMap", -1),
                       first->string, VG_DOC_MAX, html);
}

/* The plain text shown before the content: the content warning (summary), else an article's
 * title (name). */
static vg_status read_prefix(struct vg_conv *cx, const cJSON *o, const char *where,
                             const char **out)
{
    const char *type = type_of(o);
    vg_status rc = vg_json_str(cx, o, where, "summary", VG_FIELD_MAX, out);
    if (rc || *out || !type || !strcmp(type, "Note") || !strcmp(type, "Question"))
        return rc;
    return vg_json_str(cx, o, where, "name", VG_FIELD_MAX, out);
}

/* quote_of: FEP-044f `quote`, then the older quoteUri (Fedibird), quoteUrl and _misskey_quote. */
static vg_status read_quote(struct vg_conv *cx, const cJSON *o, const char *where, const char **out)
{
    static const char *const keys[] = { "quote", "quoteUri", "quoteUrl", "_misskey_quote" };
    vg_status rc = VG_OK;
    *out = NULL;
    for (size_t i = 0; i < VG_ARRAY_LEN(keys) && !rc && !*out; i++)
        rc = ref(cx, o, where, keys[i], out);
    return rc;
}

/* A poll vote is a Note with the option's name, no content, replying to the Question. */
static int is_poll_vote(const cJSON *o)
{
    const char *type = type_of(o);
    return type && !strcmp(type, "Note") && vg__fedi_get(o, "name") &&
           !vg__fedi_get(o, "content") && !vg__fedi_get(o, "contentMap") &&
           vg__fedi_get(o, "inReplyTo");
}

/* Hashtags and URLs from the text (hashtags from `tag` when the text has none), mentions from
 * `tag`; without `tag`, all three from the text. */
static vg_status read_entities(struct vg_conv *cx, const cJSON *o, const char *where,
                               struct vg_post *p)
{
    const cJSON *tags = vg__fedi_get(o, "tag");
    struct vg_strv_builder bt = { 0 }, bu = { 0 };
    vg_status rc;
    if (!tags)
        return vg_conv_extract_entities(cx, p);
    if ((rc = vg__fedi_text_entities(cx, p, &bt, &bu)))
        return rc;
    return read_tags(cx, tags, where, p->hashtags.n == 0, &bt, p);
}

static vg_status read_post_fields(struct vg_conv *cx, const cJSON *o, const cJSON *activity,
                                  const char *where, struct vg_post *p)
{
    const char *html, *prefix;
    char path[VG_FEDI_PATH_MAX];
    vg_status rc;
    if ((rc = vg_json_id(cx, o, where, "id", &p->id)) ||
        (rc = read_time(cx, o, activity, where, "published", &p->created_at)) ||
        (rc = read_content(cx, o, where, &html, &p->lang)) ||
        (rc = read_prefix(cx, o, where, &prefix)) ||
        (rc = ref(cx, o, where, "inReplyTo", &p->reply_to)) ||
        (rc = read_quote(cx, o, where, &p->quote_of)))
        return rc;
    if (!p->id)
        return vg__fedi_missing(cx, where, "id", "the post's id");
    if (p->created_at == VG_TIME_UNKNOWN)
        return vg__fedi_missing(cx, where, "published", "a post needs its time");
    if ((rc = vg__fedi_text(cx, vg_json_path(path, sizeof(path), where, "content", -1), prefix,
                            html, &p->text)) ||
        (rc = read_entities(cx, o, where, p)))
        return rc;
    return read_media(cx, o, where, p);
}

/*
 * Add the post of object o (a Note, Question, Article...), created by `activity` (NULL for an
 * object standing alone): the author is attributedTo, else the activity's actor; the time is
 * published, else the activity's. *id_out: the post's id.
 */
static vg_status add_post(struct vg_conv *cx, const cJSON *o, const cJSON *activity,
                          const char *where, const char **id_out)
{
    struct vg_post p;
    size_t index;
    vg_status rc;
    *id_out = NULL;
    if (is_poll_vote(o))
        return vg_conv_field_error(cx,
                                   "%s is a poll vote (a Note with a name and no content): "
                                   "not an event vigie stores",
                                   where);
    vg__fedi_post_init(&p);
    if ((rc = vg__fedi_reserve(cx, VG_EV_POST, PLATFORM, &index)) ||
        (rc = read_post_fields(cx, o, activity, where, &p)) ||
        (rc = read_actor_ref(cx, o, where, "attributedTo", p.created_at, &p.account)))
        return rc;
    if (!p.account && activity && (rc = ref(cx, activity, "activity", "actor", &p.account)))
        return rc;
    if (!p.account)
        return vg__fedi_missing(cx, where, "attributedTo", "the author of the post");
    cx->events[index].u.post = p;
    *id_out = p.id;
    return VG_OK;
}

/* ---- activities ---------------------------------------------------------------------------- */

/* Create: the post it creates, and the actor's account when embedded. */
static vg_status add_create(struct vg_conv *cx, const cJSON *a)
{
    const cJSON *obj = vg__fedi_get(a, "object");
    const char *id, *actor;
    int64_t at;
    vg_status rc;
    if (cJSON_IsString(obj))
        return vg_conv_field_error(cx,
                                   "field object: Create of the bare URI \"%.80s\"; the "
                                   "created object is not included",
                                   obj->valuestring);
    if (!cJSON_IsObject(obj))
        return vg__fedi_missing(cx, "", "object", "the created object");
    if (!is_post_type(type_of(obj)))
        return vg_conv_field_error(cx, "activity type Create{%.40s} is not an event vigie stores",
                                   type_of(obj) ? type_of(obj) : "?");
    if ((rc = add_post(cx, obj, a, "object", &id)) ||
        (rc = read_time(cx, obj, a, "object", "published", &at)))
        return rc;
    return read_actor_ref(cx, a, "", "actor", at, &actor);
}

/* The first member an Announce lacks, for the message. */
static const char *announce_gap(const struct vg_post *p)
{
    if (!p->id)
        return "id";
    if (!p->account)
        return "actor";
    return p->repost_of ? "published" : "object";
}

/* Announce: a post with repost_of; the boosted post too when it is embedded. */
static vg_status add_announce(struct vg_conv *cx, const cJSON *a)
{
    const cJSON *obj = embedded(a, "object");
    struct vg_post p;
    size_t index;
    vg_status rc;
    vg__fedi_post_init(&p);
    p.text = "";
    /* A group (Lemmy) announces the Create of a post: what is boosted is the created object. */
    if (obj && (type_of(obj) && !strcmp(type_of(obj), "Create")) && embedded(obj, "object"))
        obj = embedded(obj, "object");
    if ((rc = vg__fedi_reserve(cx, VG_EV_POST, PLATFORM, &index)) ||
        (rc = vg_json_id(cx, a, "", "id", &p.id)) ||
        (rc = vg_json_time(cx, a, "", "published", &p.created_at)) ||
        (rc = read_actor_ref(cx, a, "", "actor", p.created_at, &p.account)))
        return rc;
    /* A boosted object complete enough to be a post is one; else only its id is kept. */
    if (obj && is_post_type(type_of(obj)) && vg__fedi_get(obj, "published") &&
        vg__fedi_get(obj, "attributedTo"))
        rc = add_post(cx, obj, NULL, "object", &p.repost_of);
    else
        rc = ref(cx, a, "", "object", &p.repost_of);
    if (rc)
        return rc;
    if (!p.id || !p.account || !p.repost_of || p.created_at == VG_TIME_UNKNOWN)
        return vg__fedi_missing(cx, "", announce_gap(&p),
                                "an Announce needs its id, actor, object and time");
    cx->events[index].u.post = p;
    return VG_OK;
}

/* The objects of a Flag: their ids, and whether each is an embedded actor. */
struct flag_objects {
    const char *ids[VG_LIST_MAX + 1];
    int is_actor[VG_LIST_MAX + 1];
    size_t n;
};

static vg_status flag_objects(struct vg_conv *cx, const cJSON *a, struct flag_objects *fo)
{
    const cJSON *obj = vg__fedi_get(a, "object"), *it;
    const cJSON *list = cJSON_IsArray(obj) ? obj : NULL;
    char path[VG_FEDI_PATH_MAX];
    fo->n = 0;
    for (it = list ? list->child : obj; it; it = list ? it->next : NULL) {
        const char *id;
        snprintf(path, sizeof(path), "object[%zu]", fo->n);
        vg_status rc = ref_value(cx, it, "", path, VG_ID_MAX, 0, &id);
        if (rc)
            return rc;
        if (!id)
            continue;
        if (fo->n > VG_LIST_MAX)
            return vg_conv_field_error(cx, "field object: more than %u items", VG_LIST_MAX);
        fo->is_actor[fo->n] = cJSON_IsObject(it) && is_actor_type(type_of(it));
        fo->ids[fo->n++] = id;
    }
    return VG_OK;
}

/* 1 if id is one of the strings of to/cc (Mastodon addresses a Flag to the reported account). */
static int addressed_to(const cJSON *a, const char *id)
{
    static const char *const keys[] = { "to", "cc" };
    for (size_t k = 0; k < VG_ARRAY_LEN(keys); k++) {
        const cJSON *j = vg__fedi_get(a, keys[k]), *it;
        if (cJSON_IsString(j) && !strcmp(j->valuestring, id))
            return 1;
        const cJSON *list = cJSON_IsArray(j) ? j : NULL;
        cJSON_ArrayForEach(it, list)
        {
            if (cJSON_IsString(it) && !strcmp(it->valuestring, id))
                return 1;
        }
    }
    return 0;
}

/* Which object of a Flag is the reported account: an embedded actor, else the object the Flag is
 * addressed to, else the first (Mastodon lists the account, then its statuses). */
static size_t flag_target(const cJSON *a, const struct flag_objects *fo)
{
    for (size_t i = 0; i < fo->n; i++)
        if (fo->is_actor[i])
            return i;
    for (size_t i = 0; i < fo->n; i++)
        if (addressed_to(a, fo->ids[i]))
            return i;
    return 0;
}

/* Flag: a report of its target account and the other objects as posts. */
static vg_status add_flag(struct vg_conv *cx, const cJSON *a)
{
    struct vg_report rp = { .at = VG_TIME_UNKNOWN };
    struct vg_strv_builder b = { 0 };
    struct flag_objects *fo = vg_arena_alloc(&cx->arena, sizeof(*fo));
    size_t index;
    vg_status rc;
    if (!fo)
        return VG_ENOMEM;
    if ((rc = vg__fedi_reserve(cx, VG_EV_REPORT, PLATFORM, &index)) ||
        (rc = vg_json_id(cx, a, "", "id", &rp.id)) ||
        (rc = read_actor_ref(cx, a, "", "actor", VG_TIME_UNKNOWN, &rp.reporter)) ||
        (rc = vg_json_str(cx, a, "", "content", VG_FIELD_MAX, &rp.reason)) ||
        (rc = vg_json_time(cx, a, "", "published", &rp.at)) || (rc = flag_objects(cx, a, fo)))
        return rc;
    if (fo->n == 0)
        return vg__fedi_missing(cx, "", "object", "a Flag names the reported account");
    /* Mastodon's Flag carries no time: it was made when it was received. The report's id keeps
     * a re-read idempotent whatever the clock says. */
    if (rp.at == VG_TIME_UNKNOWN)
        rp.at = cx->opts->received_at;
    size_t t = flag_target(a, fo);
    rp.target = fo->ids[t];
    for (size_t i = 0; i < fo->n; i++)
        if (i != t && (rc = vg_strv_push(cx, &b, &rp.posts, fo->ids[i], "posts")))
            return rc;
    cx->events[index].u.report = rp;
    return VG_OK;
}

/*
 * A follow or unfollow edge from Follow f: src its actor (else the outer activity's), dst its
 * object, at the time of `timed` (the Undo for an unfollow) or unknown.
 */
static vg_status add_edge(struct vg_conv *cx, enum vg_event_type type, const cJSON *f,
                          const cJSON *outer, const cJSON *timed)
{
    struct vg_edge e = { .at = VG_TIME_UNKNOWN };
    const char *where = f == outer ? "" : "object";
    size_t index;
    vg_status rc;
    if ((rc = vg__fedi_reserve(cx, type, PLATFORM, &index)) ||
        (rc = read_actor_ref(cx, f, where, "actor", VG_TIME_UNKNOWN, &e.src)) ||
        (rc = ref(cx, f, where, "object", &e.dst)) ||
        (rc = vg_json_time(cx, timed, timed == outer ? "" : "object", "published", &e.at)))
        return rc;
    if (!e.src && f != outer && (rc = ref(cx, outer, "", "actor", &e.src)))
        return rc;
    if (!e.src || !e.dst)
        return vg__fedi_missing(cx, where, e.src ? "object" : "actor",
                                "a follow needs the follower (actor) and the followed (object)");
    cx->events[index].u.edge = e;
    return VG_OK;
}

/* Undo{Follow} is an unfollow; Accept{Follow} confirms the follow. Other objects are refused. */
static vg_status add_wrapped_follow(struct vg_conv *cx, const cJSON *a, const char *type)
{
    const cJSON *inner = vg__fedi_get(a, "object");
    const char *inner_type = type_of(inner);
    if (cJSON_IsObject(inner) && inner_type && !strcmp(inner_type, "Follow")) {
        if (!strcmp(type, "Undo"))
            return add_edge(cx, VG_EV_UNFOLLOW, inner, a, a);
        return add_edge(cx, VG_EV_FOLLOW, inner, a, inner);
    }
    if (cJSON_IsString(inner))
        return vg_conv_field_error(cx,
                                   "%s of the bare URI \"%.80s\": what it applies to is not "
                                   "included",
                                   type, inner->valuestring);
    return vg_conv_field_error(cx, "activity type %s{%.40s} is not an event vigie stores", type,
                               inner_type ? inner_type : "?");
}

/* Delete: a deletion of a post, or of an account when the actor deletes itself. */
static vg_status add_delete(struct vg_conv *cx, const cJSON *a)
{
    struct vg_deletion d = { .at = VG_TIME_UNKNOWN, .target_type = "post", .reason = "deleted" };
    const cJSON *obj = embedded(a, "object");
    const char *actor, *former = NULL;
    size_t index;
    vg_status rc;
    if ((rc = vg__fedi_reserve(cx, VG_EV_DELETION, PLATFORM, &index)) ||
        (rc = ref(cx, a, "", "actor", &actor)) || (rc = ref(cx, a, "", "object", &d.target)) ||
        (rc = vg_json_time(cx, a, "", "published", &d.at)))
        return rc;
    if (d.at == VG_TIME_UNKNOWN && obj && (rc = vg_json_time(cx, obj, "object", "deleted", &d.at)))
        return rc;
    if (!d.target)
        return vg__fedi_missing(cx, "", "object", "what is deleted");
    /* Mastodon's Delete carries no time: the deletion happened by the time it was received.
     * Deletions are keyed by their target, so a re-read stays idempotent. */
    if (d.at == VG_TIME_UNKNOWN)
        d.at = cx->opts->received_at;
    if (obj && cJSON_IsString(vg__fedi_get(obj, "formerType")))
        former = vg__fedi_get(obj, "formerType")->valuestring;
    if ((actor && !strcmp(actor, d.target)) || is_actor_type(type_of(obj)) || is_actor_type(former))
        d.target_type = "account";
    cx->events[index].u.deletion = d;
    return VG_OK;
}

/* Update: a new profile of an actor, or a post (edits are not tracked: a known post is a
 * duplicate). */
static vg_status add_update(struct vg_conv *cx, const cJSON *a)
{
    const cJSON *obj = embedded(a, "object");
    const char *type = type_of(obj), *id;
    int64_t at;
    vg_status rc = vg_json_time(cx, a, "", "published", &at);
    if (rc)
        return rc;
    if (is_actor_type(type))
        return add_actor(cx, obj, "object", at, 0);
    if (is_post_type(type))
        return add_post(cx, obj, a, "object", &id);
    return vg_conv_field_error(cx, "activity type Update{%.40s} is not an event vigie stores",
                               type ? type : "?");
}

/* The reason a Move is refused: account migration has no native event yet. */
static vg_status refuse_move(struct vg_conv *cx, const cJSON *a)
{
    const char *from = NULL, *to = NULL;
    vg_status rc;
    if ((rc = ref(cx, a, "", "object", &from)) || (rc = ref(cx, a, "", "target", &to)))
        return rc;
    return vg_conv_field_error(cx,
                               "activity type Move (account migration from %.120s to %.120s) "
                               "is not an event vigie stores yet",
                               from ? from : "?", to ? to : "?");
}

/* The events of one activity or object: one record. */
static vg_status add_activity(struct vg_conv *cx, const cJSON *a)
{
    const char *type = type_of(a), *id;
    if (!type)
        return vg__fedi_missing(cx, "", "type", "an activity or object names its type");
    if (!strcmp(type, "Create"))
        return add_create(cx, a);
    if (!strcmp(type, "Announce"))
        return add_announce(cx, a);
    if (!strcmp(type, "Flag"))
        return add_flag(cx, a);
    if (!strcmp(type, "Follow"))
        return add_edge(cx, VG_EV_FOLLOW, a, a, a);
    if (!strcmp(type, "Undo") || !strcmp(type, "Accept"))
        return add_wrapped_follow(cx, a, type);
    if (!strcmp(type, "Delete"))
        return add_delete(cx, a);
    if (!strcmp(type, "Update"))
        return add_update(cx, a);
    if (!strcmp(type, "Move"))
        return refuse_move(cx, a);
    if (is_actor_type(type))
        return add_actor(cx, a, "", VG_TIME_UNKNOWN, 0);
    if (is_post_type(type))
        return add_post(cx, a, NULL, "", &id);
    return vg_conv_field_error(cx, "activity type %.40s is not an event vigie stores", type);
}

/* ---- documents and records ----------------------------------------------------------------- */

static vg_status read_record(struct vg_conv *cx, const cJSON *o, int64_t item)
{
    vg_status rc;
    vg_conv_begin(cx, item);
    if (item >= 0)
        vg_conv_set_raw_json(cx, o);
    if (cJSON_IsObject(o))
        rc = add_activity(cx, o);
    else if (cJSON_IsString(o))
        rc = vg_conv_field_error(cx, "item %lld is the bare URI \"%.80s\", not an activity",
                                 (long long)item, o->valuestring);
    else
        rc = vg_conv_field_error(cx, "item %lld: expected an object, got %s", (long long)item,
                                 vg_json_type_name(o));
    if (rc == VG_OK || rc == VG_EFIELD)
        rc = vg_conv_end(cx);
    /* The record's strings went to the sink; the next record starts with an empty arena. */
    vg_arena_reset(&cx->arena);
    return rc;
}

static vg_status read_items(struct vg_conv *cx, const cJSON *arr)
{
    const cJSON *it;
    int64_t item = 0;
    vg_status rc = VG_OK;
    cJSON_ArrayForEach(it, arr)
    {
        if ((rc = read_record(cx, it, item++)))
            break;
    }
    return rc;
}

/* The items of a collection or collection page (an outbox): orderedItems or items, of the
 * collection or of its embedded first page. NULL when o is not a collection. */
static const cJSON *collection_items(const cJSON *o)
{
    static const char *const types[] = { "OrderedCollection", "OrderedCollectionPage", "Collection",
                                         "CollectionPage" };
    if (!type_in(type_of(o), types, VG_ARRAY_LEN(types)))
        return NULL;
    for (int page = 0; page < 2 && o; page++, o = embedded(o, "first")) {
        const cJSON *items = vg__fedi_get(o, "orderedItems");
        if (!items)
            items = vg__fedi_get(o, "items");
        if (cJSON_IsArray(items))
            return items;
    }
    return NULL;
}

vg_status vg__read_activitypub(struct vg_conv *cx, const cJSON *doc)
{
    const cJSON *items;
    if (cJSON_IsArray(doc))
        return read_items(cx, doc);
    if ((items = collection_items(doc)))
        return read_items(cx, items);
    if (!cJSON_IsObject(doc))
        return vg_conv_reject(cx, "an ActivityPub document is a JSON object or array, got %s",
                              vg_json_type_name(doc));
    return read_record(cx, doc, -1);
}
