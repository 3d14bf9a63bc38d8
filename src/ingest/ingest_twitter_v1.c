/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ingest_twitter_v1.c: reader of X/Twitter API v1.1 tweet objects (docs/formats/twitter.md): one
 * tweet per line as the streaming API and most archives write them, a JSON array of tweets, or a
 * search page {"statuses":[...]} (each item a record).
 *
 * A tweet becomes a post event and an account event for its embedded `user`; a retweet or quote
 * carries the original tweet (`retweeted_status`, `quoted_status`), which becomes its own post and
 * account in the same record, down to VG_TW_NEST_MAX levels. Stream delete notices become deletion
 * events; the other stream control messages (limit, scrub_geo, withheld notices...) are rejected as
 * "not an activity record", so that they are counted and visible instead of silently dropped.
 *
 * Strings point into the cJSON document; only text that holds HTML references is decoded into the
 * arena. Ids are read from the *_str members: a tweet id as a JSON number past 2^53 has lost its
 * last digits, and vg_json_id rejects it naming the field.
 */
#include "ingest_twitter_int.h"

/* ---- entities and media -------------------------------------------------------------------- */

static vg_status read_entities(struct vg_conv *cx, const cJSON *ent, const char *where,
                               struct vg_post *p)
{
    static const char *const tag_keys[] = { "text", NULL };
    static const char *const mention_keys[] = { "screen_name", NULL };
    /* expanded_url is null in some old tweets: the t.co link is all there is. */
    static const char *const url_keys[] = { "expanded_url", "url", NULL };
    vg_status rc;
    if ((rc = vg__tw_entity_list(cx, ent, where, "hashtags", tag_keys, NULL, VG_ID_MAX,
                                 &p->hashtags)) ||
        (rc = vg__tw_entity_list(cx, ent, where, "user_mentions", mention_keys, NULL, VG_ID_MAX,
                                 &p->mentions)))
        return rc;
    return vg__tw_entity_list(cx, ent, where, "urls", url_keys, NULL, VG_URL_MAX, &p->urls);
}

/* The id of the i-th media object: id_str, or the number id when it is exact. */
static vg_status media_id(struct vg_conv *cx, const cJSON *m, const char *where, int i,
                          const char **out)
{
    vg_status rc = vg__tw_item_str(cx, m, where, "media", i, "id_str", VG_ID_MAX, out);
    if (rc || *out || !vg_json_get(m, "id"))
        return rc;
    char path[VG_TW_PATH_MAX];
    return vg_json_id(cx, m, vg_json_path(path, sizeof(path), where, "media", i), "id", out);
}

/* `where` names the object holding the media array ("extended_entities"). */
static vg_status read_media(struct vg_conv *cx, const cJSON *holder, const char *where,
                            struct vg_post *p)
{
    const cJSON *arr, *m;
    vg_status rc = vg__tw_array(cx, holder, where, "media", &arr);
    if (rc || !arr)
        return rc;
    int n = cJSON_GetArraySize(arr);
    if (n > (int)VG_LIST_MAX)
        return vg_conv_field_error(cx, "field %s.media: %d items, over the limit of %u", where, n,
                                   VG_LIST_MAX);
    if (n == 0)
        return VG_OK;
    p->media = vg_arena_alloc(&cx->arena, (size_t)n * sizeof(*p->media));
    if (!p->media)
        return VG_ENOMEM;
    int i = 0;
    cJSON_ArrayForEach(m, arr)
    {
        if (!cJSON_IsObject(m))
            return vg_conv_field_error(cx, "field %s.media[%d]: expected an object, got %s", where,
                                       i, vg_json_type_name(m));
        struct vg_media *md = &p->media[i];
        memset(md, 0, sizeof(*md));
        if ((rc = media_id(cx, m, where, i, &md->id)) ||
            (rc = vg__tw_item_str(cx, m, where, "media", i, "type", VG_ID_MAX, &md->type)) ||
            (rc = vg__tw_item_str(cx, m, where, "media", i, "media_url_https", VG_URL_MAX,
                                  &md->url)))
            return rc;
        if (!md->url &&
            (rc = vg__tw_item_str(cx, m, where, "media", i, "media_url", VG_URL_MAX, &md->url)))
            return rc;
        i++;
    }
    p->n_media = (size_t)n;
    return VG_OK;
}

/* The object `key` of extended_tweet when that has it, else of the tweet; path names it. */
static vg_status extended_or_own(struct vg_conv *cx, const cJSON *t, const cJSON *ext,
                                 const char *where, const char *key, char *path, size_t size,
                                 const cJSON **out)
{
    char ext_path[VG_TW_PATH_MAX];
    vg_status rc;
    *out = NULL;
    vg_json_path(ext_path, sizeof(ext_path), where, "extended_tweet", -1);
    if (ext && (rc = vg__tw_object(cx, ext, ext_path, key, out)))
        return rc;
    if (*out) {
        vg_json_path(path, size, ext_path, key, -1);
        return VG_OK;
    }
    vg_json_path(path, size, where, key, -1);
    return vg__tw_object(cx, t, where, key, out);
}

/*
 * Entities and media. Long tweets from the streaming API are "truncated": the full text and its
 * entities sit in extended_tweet, and all media in extended_entities (of extended_tweet, or of
 * the tweet itself); entities.media holds at most the first picture.
 */
static vg_status read_tweet_entities(struct vg_conv *cx, const cJSON *t, const cJSON *ext,
                                     const char *where, struct vg_post *p)
{
    char ent_path[VG_TW_PATH_MAX], xent_path[VG_TW_PATH_MAX];
    const cJSON *ent, *xent;
    vg_status rc;
    if ((rc = extended_or_own(cx, t, ext, where, "entities", ent_path, sizeof(ent_path), &ent)) ||
        (ent && (rc = read_entities(cx, ent, ent_path, p))) ||
        (rc = extended_or_own(cx, t, ext, where, "extended_entities", xent_path, sizeof(xent_path),
                              &xent)))
        return rc;
    return xent ? read_media(cx, xent, xent_path, p) : read_media(cx, ent, ent_path, p);
}

/* ---- the tweet and its author -------------------------------------------------------------- */

/* The text as the author wrote it: extended_tweet.full_text (streams), else full_text
 * (tweet_mode=extended), else text; HTML references decoded. */
static vg_status read_text(struct vg_conv *cx, const cJSON *t, const cJSON *ext, const char *where,
                           const char **out)
{
    char path[VG_TW_PATH_MAX];
    const char *s = NULL;
    vg_status rc;
    if (ext &&
        (rc = vg_json_str(cx, ext, vg_json_path(path, sizeof(path), where, "extended_tweet", -1),
                          "full_text", VG_FIELD_MAX, &s)))
        return rc;
    if (!s && (rc = vg_json_str(cx, t, where, "full_text", VG_FIELD_MAX, &s)))
        return rc;
    if (!s && (rc = vg_json_str(cx, t, where, "text", VG_FIELD_MAX, &s)))
        return rc;
    if (!s)
        return vg__tw_missing(cx, where, "text", "a tweet has text, full_text or extended_tweet");
    return vg__tw_unescape(cx, s, out);
}

/* The embedded user as an account event, seen at observed_at. */
static vg_status read_user(struct vg_conv *cx, const cJSON *user, const char *where,
                           int64_t observed_at, struct vg_account *a)
{
    vg_status rc;
    memset(a, 0, sizeof(*a));
    if ((rc = vg__tw_id(cx, user, where, "id_str", "id", &a->id)))
        return rc;
    if (!a->id)
        return vg__tw_missing(cx, where, "id_str", "the author's account id");
    if ((rc = vg_json_str(cx, user, where, "screen_name", VG_ID_MAX, &a->handle)) ||
        (rc = vg_json_str(cx, user, where, "name", VG_FIELD_MAX, &a->name)) ||
        (rc = vg_json_str(cx, user, where, "description", VG_FIELD_MAX, &a->bio)) ||
        (rc = vg_json_time(cx, user, where, "created_at", &a->created_at)) ||
        (rc = vg_json_int(cx, user, where, "followers_count", &a->followers)) ||
        (rc = vg_json_int(cx, user, where, "friends_count", &a->following)) ||
        (rc = vg_json_int(cx, user, where, "statuses_count", &a->posts)) ||
        (rc = vg_json_str(cx, user, where, "profile_image_url_https", VG_URL_MAX, &a->avatar_url)))
        return rc;
    if (!a->avatar_url &&
        (rc = vg_json_str(cx, user, where, "profile_image_url", VG_URL_MAX, &a->avatar_url)))
        return rc;
    a->observed_at = observed_at;
    return VG_OK;
}

/* The embedded tweets a tweet carries, found while reading it. */
struct embedded {
    const cJSON *retweeted;
    const cJSON *quoted;
};

/* Links to other tweets: reply, retweet, quote. */
static vg_status read_links(struct vg_conv *cx, const cJSON *t, const char *where,
                            struct vg_post *p, struct embedded *emb)
{
    char path[VG_TW_PATH_MAX];
    vg_status rc;
    if ((rc = vg__tw_id(cx, t, where, "in_reply_to_status_id_str", "in_reply_to_status_id",
                        &p->reply_to)) ||
        (rc = vg__tw_object(cx, t, where, "retweeted_status", &emb->retweeted)) ||
        (rc = vg__tw_object(cx, t, where, "quoted_status", &emb->quoted)))
        return rc;
    if (emb->retweeted) {
        vg_json_path(path, sizeof(path), where, "retweeted_status", -1);
        if ((rc = vg__tw_id(cx, emb->retweeted, path, "id_str", "id", &p->repost_of)))
            return rc;
        if (!p->repost_of)
            return vg__tw_missing(cx, path, "id_str", "the retweeted tweet's id");
        /* A retweet of a quote repeats the quoted id at its top level; the quote belongs to the
         * retweeted post (as in v2), so the retweet itself quotes nothing. */
        return VG_OK;
    }
    if ((rc = vg__tw_id(cx, t, where, "quoted_status_id_str", "quoted_status_id", &p->quote_of)))
        return rc;
    if (!p->quote_of && emb->quoted)
        rc = vg__tw_id(cx, emb->quoted,
                       vg_json_path(path, sizeof(path), where, "quoted_status", -1), "id_str", "id",
                       &p->quote_of);
    return rc;
}

/* Every field of the post but its author. */
static vg_status read_post(struct vg_conv *cx, const cJSON *t, const char *where, struct vg_post *p,
                           struct embedded *emb)
{
    const cJSON *ext;
    const char *lang;
    vg_status rc;
    memset(p, 0, sizeof(*p));
    if ((rc = vg__tw_id(cx, t, where, "id_str", "id", &p->id)))
        return rc;
    if (!p->id)
        return vg__tw_missing(cx, where, "id_str", "the tweet id");
    if ((rc = vg_json_time(cx, t, where, "created_at", &p->created_at)))
        return rc;
    if (p->created_at == VG_TIME_UNKNOWN)
        return vg__tw_missing(cx, where, "created_at", "when the tweet was posted");
    if ((rc = vg__tw_object(cx, t, where, "extended_tweet", &ext)) ||
        (rc = read_text(cx, t, ext, where, &p->text)) ||
        (rc = vg_json_str(cx, t, where, "lang", 64, &lang)) ||
        (rc = read_links(cx, t, where, p, emb)) || (rc = read_tweet_entities(cx, t, ext, where, p)))
        return rc;
    p->lang = vg__tw_lang(lang);
    return VG_OK;
}

/*
 * Add the tweet t (found at `where`, `depth` levels down) to the record: its post, its author's
 * account, then the tweets it embeds. Profiles are dated by the record's own tweet (observed_at,
 * VG_TIME_UNKNOWN for the record's tweet itself): that is when Twitter serialised them all.
 */
static vg_status read_tweet(struct vg_conv *cx, const cJSON *t, const char *where, int depth,
                            int64_t observed_at)
{
    struct vg_post post;
    struct vg_account author;
    struct embedded emb = { 0 };
    const cJSON *user;
    char path[VG_TW_PATH_MAX];
    struct vg_event *ev;
    vg_status rc;
    if ((rc = read_post(cx, t, where, &post, &emb)))
        return rc;
    if (vg__tw_seen(cx, VG_EV_POST, post.id))
        return VG_OK;
    if (observed_at == VG_TIME_UNKNOWN)
        observed_at = post.created_at;
    if ((rc = vg__tw_object(cx, t, where, "user", &user)))
        return rc;
    if (!user)
        return vg__tw_missing(cx, where, "user", "the tweet's author");
    if ((rc = read_user(cx, user, vg_json_path(path, sizeof(path), where, "user", -1), observed_at,
                        &author)))
        return rc;
    post.account = author.id;

    if ((rc = vg__tw_event(cx, VG_EV_POST, &ev)))
        return rc;
    ev->u.post = post;
    if (!vg__tw_seen(cx, VG_EV_ACCOUNT, author.id)) {
        if ((rc = vg__tw_event(cx, VG_EV_ACCOUNT, &ev)))
            return rc;
        ev->u.account = author;
    }
    if (depth >= VG_TW_NEST_MAX)
        return VG_OK;
    if (emb.retweeted &&
        (rc = read_tweet(cx, emb.retweeted,
                         vg_json_path(path, sizeof(path), where, "retweeted_status", -1), depth + 1,
                         observed_at)))
        return rc;
    if (emb.quoted)
        rc = read_tweet(cx, emb.quoted,
                        vg_json_path(path, sizeof(path), where, "quoted_status", -1), depth + 1,
                        observed_at);
    return rc;
}

/* ---- stream messages ----------------------------------------------------------------------- */

/* {"delete":{"status":{"id_str":...,"user_id_str":...},"timestamp_ms":"..."}} */
static vg_status read_delete(struct vg_conv *cx, const cJSON *doc)
{
    const cJSON *del, *status;
    const char *target;
    int64_t at;
    struct vg_event *ev;
    vg_status rc;
    if ((rc = vg__tw_object(cx, doc, "", "delete", &del)) ||
        (rc = vg__tw_object(cx, del, "delete", "status", &status)))
        return rc;
    if (!status && vg_json_get(del, "direct_message"))
        return vg_conv_reject(cx, "not an activity record: direct-message deletion notice");
    if (!status)
        return vg__tw_missing(cx, "delete", "status", "the deleted tweet");
    if ((rc = vg__tw_id(cx, status, "delete.status", "id_str", "id", &target)) ||
        (rc = vg_json_time(cx, del, "delete", "timestamp_ms", &at)))
        return rc;
    if (!target)
        return vg__tw_missing(cx, "delete.status", "id_str", "the deleted tweet's id");
    if (at == VG_TIME_UNKNOWN)
        return vg__tw_missing(cx, "delete", "timestamp_ms", "when the tweet was deleted");
    if ((rc = vg__tw_event(cx, VG_EV_DELETION, &ev)))
        return rc;
    ev->u.deletion.target = target;
    ev->u.deletion.target_type = "post";
    ev->u.deletion.at = at;
    ev->u.deletion.reason = "deleted";
    return VG_OK;
}

/* What a stream control message is, by its only key; NULL for anything else. */
static const char *control_message(const cJSON *t)
{
    static const char *const names[][2] = {
        { "limit", "limit notice (tweets the stream did not deliver)" },
        { "scrub_geo", "scrub_geo notice (location data to remove)" },
        { "status_withheld", "status_withheld notice" },
        { "user_withheld", "user_withheld notice" },
        { "disconnect", "disconnect notice" },
        { "warning", "stall warning" },
        { "friends", "user-stream friends list" },
        { "friends_str", "user-stream friends list" },
        { "event", "user-stream event" },
        { "control", "site-stream control message" },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(names); i++)
        if (vg_json_get(t, names[i][0]))
            return names[i][1];
    return NULL;
}

/* ---- records ------------------------------------------------------------------------------- */

/* One record: the tweet or stream message t, item `item` of the document (-1: the document). */
static vg_status read_record(struct vg_conv *cx, const cJSON *t, int64_t item)
{
    vg_conv_begin(cx, item);
    if (item >= 0)
        vg_conv_set_raw_json(cx, t);
    if (!cJSON_IsObject(t))
        return vg_conv_reject(cx, "expected a tweet object, got %s", vg_json_type_name(t));
    /* Tweets have an id_str; only then is it worth looking for the stream messages. */
    if (!vg_json_get(t, "id_str")) {
        if (vg_json_get(t, "delete"))
            return vg__tw_finish(cx, read_delete(cx, t));
        const char *what = control_message(t);
        if (what)
            return vg_conv_reject(cx, "not an activity record: %s, a stream control message", what);
    }
    return vg__tw_finish(cx, read_tweet(cx, t, "", 0, VG_TIME_UNKNOWN));
}

static vg_status read_items(struct vg_conv *cx, const cJSON *arr)
{
    const cJSON *t;
    int64_t i = 0;
    cJSON_ArrayForEach(t, arr)
    {
        vg_status rc = read_record(cx, t, i++);
        if (rc)
            return rc;
    }
    return VG_OK;
}

vg_status vg__read_twitter_v1(struct vg_conv *cx, const cJSON *doc)
{
    if (cJSON_IsArray(doc))
        return read_items(cx, doc);
    if (cJSON_IsObject(doc)) {
        /* A search page: {"statuses":[...],"search_metadata":{...}}. */
        const cJSON *statuses = vg_json_get(doc, "statuses");
        if (cJSON_IsArray(statuses) && !vg_json_get(doc, "id_str"))
            return read_items(cx, statuses);
        return read_record(cx, doc, -1);
    }
    vg_conv_begin(cx, -1);
    return vg_conv_reject(cx,
                          "expected a v1.1 tweet object, an array of tweets or a search page "
                          "{\"statuses\":[...]}, got %s",
                          vg_json_type_name(doc));
}
