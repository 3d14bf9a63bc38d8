/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ingest_twitter_v2.c: reader of X API v2 output as researchers keep it (docs/formats/twitter.md):
 * response pages as twarc2 writes them (data, includes, errors, meta, __twarc), filtered-stream
 * lines (data holding one tweet, includes, matching_rules), twarc2's flattened lines (one tweet
 * with its author and referenced tweets inlined), users pages, and batch-compliance result lines
 * ({"id","action","created_at","reason"}).
 *
 * Each item of `data` is one record. v2 does not inline expansions: a tweet names its author by
 * author_id, the tweets it references by id and its media by media_key, and the page carries them
 * once in `includes`. The page's includes are indexed by id (a hash table in the arena) before its
 * items are read, so joining stays linear in the page size.
 *
 * `errors` beside `data` are notes about objects the API could not expand (a deleted referenced
 * tweet, a suspended mentioned user): they are not records. A line holding only errors is one
 * rejected record quoting the first error.
 */
#include "ingest_twitter_int.h"

/* Twitter's epoch for snowflake ids (2010-11-04T01:42:54.657Z), in milliseconds. */
#define VG_TW_SNOWFLAKE_EPOCH_MS 1288834974657LL

/* ---- index of a page's includes ------------------------------------------------------------ */

/* includes.<list> by a string member (id, media_key): open addressing, slots in the arena. */
struct tw_index {
    const cJSON **slots; /* NULL: empty */
    const char *key;     /* the member objects are indexed by */
    size_t mask;
};

static const char *index_key(const struct tw_index *ix, const cJSON *obj)
{
    const cJSON *k = vg_json_get(obj, ix->key);
    return cJSON_IsString(k) ? k->valuestring : NULL;
}

/* Index the objects of arr (anything else in it is skipped; the first of equal keys wins). */
static vg_status index_build(struct vg_conv *cx, const cJSON *arr, const char *key,
                             struct tw_index *ix)
{
    memset(ix, 0, sizeof(*ix));
    ix->key = key;
    int n = cJSON_IsArray(arr) ? cJSON_GetArraySize(arr) : 0;
    if (n == 0)
        return VG_OK;
    size_t cap = 16;
    while (cap < 2 * (size_t)n)
        cap <<= 1;
    ix->slots = vg_arena_alloc(&cx->arena, cap * sizeof(*ix->slots));
    if (!ix->slots)
        return VG_ENOMEM;
    memset(ix->slots, 0, cap * sizeof(*ix->slots));
    ix->mask = cap - 1;
    const cJSON *obj;
    cJSON_ArrayForEach(obj, arr)
    {
        const char *k = cJSON_IsObject(obj) ? index_key(ix, obj) : NULL;
        if (!k)
            continue;
        size_t h = (size_t)vg_hash64(k, strlen(k), 0) & ix->mask;
        while (ix->slots[h] && strcmp(index_key(ix, ix->slots[h]), k))
            h = (h + 1) & ix->mask;
        if (!ix->slots[h])
            ix->slots[h] = obj;
    }
    return VG_OK;
}

static const cJSON *index_find(const struct tw_index *ix, const char *k)
{
    if (!ix->slots || !k)
        return NULL;
    size_t h = (size_t)vg_hash64(k, strlen(k), 0) & ix->mask;
    while (ix->slots[h]) {
        if (!strcmp(index_key(ix, ix->slots[h]), k))
            return ix->slots[h];
        h = (h + 1) & ix->mask;
    }
    return NULL;
}

/*
 * Referenced tweets read into one record at most. Real records have one to three (a reply that
 * quotes a retweet...); the bound keeps a crafted page, whose included tweets all reference each
 * other, from costing more than a few posts per record.
 */
#define VG_TW_REFERENCED_MAX 16

/* What the items of one document share, and the walk of the current record. */
struct page {
    struct tw_index users;  /* includes.users by id */
    struct tw_index tweets; /* includes.tweets by id */
    struct tw_index media;  /* includes.media by media_key */
    const cJSON *twarc;     /* __twarc: url, version, retrieved_at */
    int refs_left;          /* referenced tweets the current record may still read */
};

/* includes members of the wrong type are left unindexed: the joins then find nothing, and the
 * posts come without their author's account or media details, as when an expansion is missing. */
static vg_status page_init(struct vg_conv *cx, const cJSON *doc, struct page *pg)
{
    const cJSON *inc = vg_json_get(doc, "includes");
    vg_status rc;
    if ((rc = index_build(cx, vg_json_get(inc, "users"), "id", &pg->users)) ||
        (rc = index_build(cx, vg_json_get(inc, "tweets"), "id", &pg->tweets)) ||
        (rc = index_build(cx, vg_json_get(inc, "media"), "media_key", &pg->media)))
        return rc;
    pg->twarc = vg_json_get(doc, "__twarc");
    return VG_OK;
}

/* ---- accounts ------------------------------------------------------------------------------ */

/* A v2 user object as an account event seen at observed_at (VG_TIME_UNKNOWN: its created_at). */
static vg_status read_user(struct vg_conv *cx, const cJSON *u, const char *where,
                           int64_t observed_at, struct vg_account *a)
{
    char path[VG_TW_PATH_MAX];
    const cJSON *metrics;
    vg_status rc;
    memset(a, 0, sizeof(*a));
    if ((rc = vg_json_id(cx, u, where, "id", &a->id)))
        return rc;
    if (!a->id)
        return vg__tw_missing(cx, where, "id", "the account id");
    if ((rc = vg_json_str(cx, u, where, "username", VG_ID_MAX, &a->handle)) ||
        (rc = vg_json_str(cx, u, where, "name", VG_FIELD_MAX, &a->name)) ||
        (rc = vg_json_str(cx, u, where, "description", VG_FIELD_MAX, &a->bio)) ||
        (rc = vg_json_time(cx, u, where, "created_at", &a->created_at)) ||
        (rc = vg_json_str(cx, u, where, "profile_image_url", VG_URL_MAX, &a->avatar_url)) ||
        (rc = vg__tw_object(cx, u, where, "public_metrics", &metrics)))
        return rc;
    a->followers = a->following = a->posts = -1;
    vg_json_path(path, sizeof(path), where, "public_metrics", -1);
    if (metrics && ((rc = vg_json_int(cx, metrics, path, "followers_count", &a->followers)) ||
                    (rc = vg_json_int(cx, metrics, path, "following_count", &a->following)) ||
                    (rc = vg_json_int(cx, metrics, path, "tweet_count", &a->posts))))
        return rc;
    a->observed_at = observed_at != VG_TIME_UNKNOWN ? observed_at : a->created_at;
    return VG_OK;
}

static vg_status add_account(struct vg_conv *cx, const struct vg_account *a)
{
    struct vg_event *ev;
    if (vg__tw_seen(cx, VG_EV_ACCOUNT, a->id))
        return VG_OK;
    vg_status rc = vg__tw_event(cx, VG_EV_ACCOUNT, &ev);
    if (rc == VG_OK)
        ev->u.account = *a;
    return rc;
}

/* ---- tweets -------------------------------------------------------------------------------- */

/* referenced_tweets: [{"type":"retweeted"|"quoted"|"replied_to","id":...}] */
static vg_status read_links(struct vg_conv *cx, const cJSON *refs, const char *where,
                            struct vg_post *p)
{
    const cJSON *r;
    int i = 0;
    cJSON_ArrayForEach(r, refs)
    {
        const char *type, *id;
        vg_status rc;
        if (!cJSON_IsObject(r))
            return vg_conv_field_error(cx, "field %s%sreferenced_tweets[%d]: expected an object",
                                       where, where[0] ? "." : "", i);
        if ((rc = vg__tw_item_str(cx, r, where, "referenced_tweets", i, "type", 64, &type)) ||
            (rc = vg__tw_item_str(cx, r, where, "referenced_tweets", i, "id", VG_ID_MAX, &id)))
            return rc;
        const char **slot = NULL;
        if (type && !strcmp(type, "retweeted"))
            slot = &p->repost_of;
        else if (type && !strcmp(type, "quoted"))
            slot = &p->quote_of;
        else if (type && !strcmp(type, "replied_to"))
            slot = &p->reply_to;
        if (slot && !*slot)
            *slot = id;
        i++;
    }
    return VG_OK;
}

/*
 * A url entity that is the tweet's own picture or video link (pic.twitter.com/..., expanding to
 * .../status/ID/photo/1): newer pages mark it with a media_key, older ones only by its display
 * form. v1.1 lists these under media, not urls, and so do we.
 */
static int is_media_link(const cJSON *url)
{
    const char *shown = cJSON_GetStringValue(vg_json_get(url, "display_url"));
    return vg_json_get(url, "media_key") || (shown && (!strncmp(shown, "pic.twitter.com/", 16) ||
                                                       !strncmp(shown, "pic.x.com/", 10)));
}

static vg_status read_entities(struct vg_conv *cx, const cJSON *ent, const char *where,
                               struct vg_post *p)
{
    static const char *const tag_keys[] = { "tag", NULL };
    static const char *const mention_keys[] = { "username", NULL };
    static const char *const url_keys[] = { "expanded_url", "unwound_url", "url", NULL };
    vg_status rc;
    if ((rc = vg__tw_entity_list(cx, ent, where, "hashtags", tag_keys, NULL, VG_ID_MAX,
                                 &p->hashtags)) ||
        (rc = vg__tw_entity_list(cx, ent, where, "mentions", mention_keys, NULL, VG_ID_MAX,
                                 &p->mentions)))
        return rc;
    return vg__tw_entity_list(cx, ent, where, "urls", url_keys, is_media_link, VG_URL_MAX,
                              &p->urls);
}

/* One media object (from includes.media, or inline in a flattened tweet), named in messages as
 * where.list[i]. `key` is the media_key the tweet gave; the object may be NULL when the page does
 * not include it (the post then keeps the key alone). */
static vg_status read_media_object(struct vg_conv *cx, const cJSON *m, const char *where,
                                   const char *list, int i, const char *key, struct vg_media *md)
{
    vg_status rc;
    md->id = key;
    md->type = NULL;
    md->url = NULL;
    if (!m)
        return VG_OK;
    if ((rc = vg__tw_item_str(cx, m, where, list, i, "type", VG_ID_MAX, &md->type)) ||
        (rc = vg__tw_item_str(cx, m, where, list, i, "url", VG_URL_MAX, &md->url)))
        return rc;
    /* Videos and GIFs have no url, only a preview picture. */
    if (!md->url &&
        (rc = vg__tw_item_str(cx, m, where, list, i, "preview_image_url", VG_URL_MAX, &md->url)))
        return rc;
    if (!md->id)
        rc = vg__tw_item_str(cx, m, where, list, i, "media_key", VG_ID_MAX, &md->id);
    return rc;
}

/* The object of arr whose media_key is key, or NULL. */
static const cJSON *find_media(const cJSON *arr, const char *key)
{
    const cJSON *m;
    cJSON_ArrayForEach(m, arr)
    {
        const char *k = cJSON_GetStringValue(vg_json_get(m, "media_key"));
        if (k && !strcmp(k, key))
            return m;
    }
    return NULL;
}

/*
 * attachments.media_keys joined with the media objects: those a flattened tweet inlines in
 * attachments.media (empty objects where twarc had none), else the page's includes.media.
 */
static vg_status read_media(struct vg_conv *cx, const struct page *pg, const cJSON *t,
                            const char *where, struct vg_post *p)
{
    char path[VG_TW_PATH_MAX];
    const cJSON *att, *keys, *inline_media, *it;
    vg_status rc;
    if ((rc = vg__tw_object(cx, t, where, "attachments", &att)) || !att)
        return rc;
    vg_json_path(path, sizeof(path), where, "attachments", -1);
    if ((rc = vg__tw_array(cx, att, path, "media_keys", &keys)) ||
        (rc = vg__tw_array(cx, att, path, "media", &inline_media)))
        return rc;
    const cJSON *list = keys ? keys : inline_media;
    const char *list_name = keys ? "media_keys" : "media";
    int n = list ? cJSON_GetArraySize(list) : 0;
    if (n > (int)VG_LIST_MAX)
        return vg_conv_field_error(cx, "field %s.%s: %d items, over the limit of %u", path,
                                   list_name, n, VG_LIST_MAX);
    if (n == 0)
        return VG_OK;
    p->media = vg_arena_alloc(&cx->arena, (size_t)n * sizeof(*p->media));
    if (!p->media)
        return VG_ENOMEM;
    memset(p->media, 0, (size_t)n * sizeof(*p->media)); /* hashes and file: not given */
    int i = 0;
    cJSON_ArrayForEach(it, list)
    {
        const char *key = NULL;
        const cJSON *m = it;
        if (keys) {
            key = cJSON_GetStringValue(it);
            if (!key || !key[0] || strlen(key) > VG_ID_MAX || !vg_utf8_valid(key, strlen(key)))
                return vg_conv_field_error(cx,
                                           "field %s.media_keys[%d]: expected a media key "
                                           "string",
                                           path, i);
            m = inline_media ? find_media(inline_media, key) : NULL;
            if (!m)
                m = index_find(&pg->media, key);
        } else if (!cJSON_IsObject(it)) {
            return vg_conv_field_error(cx, "field %s.media[%d]: expected an object, got %s", path,
                                       i, vg_json_type_name(it));
        }
        if ((rc = read_media_object(cx, m, path, list_name, i, key, &p->media[i])))
            return rc;
        i++;
    }
    p->n_media = (size_t)n;
    return VG_OK;
}

/* The text: note_tweet.text for long posts (text then holds the first 280 characters), else
 * text; HTML references decoded. Entities come from the same place. */
static vg_status read_text(struct vg_conv *cx, const cJSON *t, const char *where, struct vg_post *p)
{
    char note_path[VG_TW_PATH_MAX], ent_path[VG_TW_PATH_MAX];
    const cJSON *note, *ent = NULL;
    const char *s = NULL;
    vg_status rc;
    if ((rc = vg__tw_object(cx, t, where, "note_tweet", &note)))
        return rc;
    vg_json_path(note_path, sizeof(note_path), where, "note_tweet", -1);
    if (note && ((rc = vg_json_str(cx, note, note_path, "text", VG_FIELD_MAX, &s)) ||
                 (rc = vg__tw_object(cx, note, note_path, "entities", &ent))))
        return rc;
    if (ent) {
        vg_json_path(ent_path, sizeof(ent_path), note_path, "entities", -1);
    } else {
        if ((rc = vg__tw_object(cx, t, where, "entities", &ent)))
            return rc;
        vg_json_path(ent_path, sizeof(ent_path), where, "entities", -1);
    }
    if (!s && (rc = vg_json_str(cx, t, where, "text", VG_FIELD_MAX, &s)))
        return rc;
    if (!s)
        return vg__tw_missing(cx, where, "text", "the tweet's text");
    if ((rc = vg__tw_unescape(cx, s, &p->text)))
        return rc;
    return ent ? read_entities(cx, ent, ent_path, p) : VG_OK;
}

/* Every field of the post; *author is the inlined author object of a flattened tweet. */
static vg_status read_post(struct vg_conv *cx, const struct page *pg, const cJSON *t,
                           const char *where, struct vg_post *p, const cJSON **author)
{
    char path[VG_TW_PATH_MAX];
    const cJSON *refs;
    const char *lang;
    vg_status rc;
    memset(p, 0, sizeof(*p));
    if ((rc = vg_json_id(cx, t, where, "id", &p->id)))
        return rc;
    if (!p->id)
        return vg__tw_missing(cx, where, "id", "the tweet id");
    if ((rc = vg_json_id(cx, t, where, "author_id", &p->account)) ||
        (rc = vg__tw_object(cx, t, where, "author", author)))
        return rc;
    if (!p->account && *author &&
        (rc = vg_json_id(cx, *author, vg_json_path(path, sizeof(path), where, "author", -1), "id",
                         &p->account)))
        return rc;
    if (!p->account)
        return vg__tw_missing(cx, where, "author_id", "request tweet.fields=author_id");
    if ((rc = vg_json_time(cx, t, where, "created_at", &p->created_at)))
        return rc;
    if (p->created_at == VG_TIME_UNKNOWN)
        return vg__tw_missing(cx, where, "created_at", "request tweet.fields=created_at");
    if ((rc = read_text(cx, t, where, p)) || (rc = vg_json_str(cx, t, where, "lang", 64, &lang)) ||
        (rc = vg__tw_array(cx, t, where, "referenced_tweets", &refs)) ||
        (refs && (rc = read_links(cx, refs, where, p))) || (rc = read_media(cx, pg, t, where, p)))
        return rc;
    p->lang = vg__tw_lang(lang);
    return VG_OK;
}

static vg_status read_tweet(struct vg_conv *cx, struct page *pg, const cJSON *t, const char *where,
                            int depth, int64_t observed_at);

/* The tweet a referenced_tweets item points to: the item itself in a flattened line (the tweet's
 * fields beside its type), else the page's included tweet with that id; NULL if neither has it. */
static const cJSON *referenced_tweet(const struct page *pg, const cJSON *r)
{
    if (vg_json_get(r, "text") || vg_json_get(r, "note_tweet"))
        return r;
    return index_find(&pg->tweets, cJSON_GetStringValue(vg_json_get(r, "id")));
}

/* The tweets t references, as their own posts when the page (or the flattened line) has them. */
static vg_status read_referenced(struct vg_conv *cx, struct page *pg, const cJSON *t,
                                 const char *where, int depth, int64_t observed_at)
{
    char path[VG_TW_PATH_MAX];
    const cJSON *refs = vg_json_get(t, "referenced_tweets"), *r;
    int i = 0;
    cJSON_ArrayForEach(r, refs)
    {
        const cJSON *ref = referenced_tweet(pg, r);
        if (ref && pg->refs_left-- > 0) {
            vg_json_path(path, sizeof(path), where, "referenced_tweets", i);
            vg_status rc = read_tweet(cx, pg, ref, path, depth + 1, observed_at);
            if (rc)
                return rc;
        }
        i++;
    }
    return VG_OK;
}

/*
 * Add tweet t to the record: its post, its author's account (from includes.users, or inlined),
 * then the tweets it references, down to VG_TW_NEST_MAX levels. Profiles are dated by the
 * record's own tweet (observed_at; VG_TIME_UNKNOWN for that tweet itself).
 */
static vg_status read_tweet(struct vg_conv *cx, struct page *pg, const cJSON *t, const char *where,
                            int depth, int64_t observed_at)
{
    char path[VG_TW_PATH_MAX];
    struct vg_post post;
    struct vg_account author;
    const cJSON *author_obj = NULL;
    struct vg_event *ev;
    const char *id;
    vg_status rc;
    /* A tweet already in the record (referenced twice, or a cycle) is not read again. */
    if ((rc = vg_json_id(cx, t, where, "id", &id)) || (id && vg__tw_seen(cx, VG_EV_POST, id)))
        return rc;
    if ((rc = read_post(cx, pg, t, where, &post, &author_obj)))
        return rc;
    if (observed_at == VG_TIME_UNKNOWN)
        observed_at = post.created_at;
    if ((rc = vg__tw_event(cx, VG_EV_POST, &ev)))
        return rc;
    ev->u.post = post;
    /* An author the page does not include (suspended, withheld) leaves the post alone. */
    if (!author_obj)
        author_obj = index_find(&pg->users, post.account);
    if (author_obj) {
        if ((rc = read_user(cx, author_obj, vg_json_path(path, sizeof(path), where, "author", -1),
                            observed_at, &author)) ||
            (rc = add_account(cx, &author)))
            return rc;
    }
    if (depth >= VG_TW_NEST_MAX)
        return VG_OK;
    return read_referenced(cx, pg, t, where, depth, observed_at);
}

/* ---- records ------------------------------------------------------------------------------- */

/*
 * A user as an account record. Its profile is dated by the page's __twarc.retrieved_at, when
 * twarc recorded it, else by the account's created_at (the one instant the object has). The
 * pinned tweet, when the page includes it, joins the record as a post.
 */
static vg_status read_user_record(struct vg_conv *cx, struct page *pg, const cJSON *u)
{
    struct vg_account a;
    int64_t retrieved_at;
    const char *pinned_id;
    vg_status rc;
    if ((rc = vg_json_time(cx, pg->twarc, "__twarc", "retrieved_at", &retrieved_at)) ||
        (rc = read_user(cx, u, "", retrieved_at, &a)))
        return rc;
    if (a.observed_at == VG_TIME_UNKNOWN)
        return vg__tw_missing(cx, "", "created_at",
                              "a profile is dated by __twarc.retrieved_at or its created_at");
    if ((rc = add_account(cx, &a)) || (rc = vg_json_id(cx, u, "", "pinned_tweet_id", &pinned_id)))
        return rc;
    const cJSON *pinned = index_find(&pg->tweets, pinned_id);
    return pinned ? read_tweet(cx, pg, pinned, "pinned_tweet", 1, a.observed_at) : VG_OK;
}

enum item_kind {
    ITEM_TWEET,
    ITEM_USER,
    ITEM_COUNTS,
    ITEM_LIST,
    ITEM_UNKNOWN
};

/* What a data item is, by the members only that kind has. */
static enum item_kind item_kind(const cJSON *o)
{
    if (vg_json_get(o, "text") || vg_json_get(o, "note_tweet"))
        return ITEM_TWEET;
    if (vg_json_get(o, "username"))
        return ITEM_USER;
    if (vg_json_get(o, "tweet_count") && (vg_json_get(o, "start") || vg_json_get(o, "end")))
        return ITEM_COUNTS;
    if (vg_json_get(o, "member_count") || vg_json_get(o, "follower_count") ||
        vg_json_get(o, "owner_id"))
        return ITEM_LIST;
    return ITEM_UNKNOWN;
}

/* One record: the object o (an item of data, index `item`; -1 when it is the whole document). */
static vg_status read_item(struct vg_conv *cx, struct page *pg, const cJSON *o, int64_t item)
{
    vg_conv_begin(cx, item);
    if (item >= 0)
        vg_conv_set_raw_json(cx, o);
    pg->refs_left = VG_TW_REFERENCED_MAX;
    if (!cJSON_IsObject(o))
        return vg_conv_reject(cx, "expected a tweet or user object, got %s", vg_json_type_name(o));
    switch (item_kind(o)) {
        case ITEM_TWEET:
            return vg__tw_finish(cx, read_tweet(cx, pg, o, "", 0, VG_TIME_UNKNOWN));
        case ITEM_USER:
            return vg__tw_finish(cx, read_user_record(cx, pg, o));
        case ITEM_COUNTS:
            return vg_conv_reject(cx, "not an activity record: tweet counts bucket");
        case ITEM_LIST:
            return vg_conv_reject(cx, "not an activity record: list");
        default:
            return vg_conv_reject(cx, "not a tweet (no text) nor a user (no username)");
    }
}

/* A readable string member of an error object, or "". */
static const char *error_str(const cJSON *e, const char *key)
{
    const char *s = cJSON_GetStringValue(vg_json_get(e, key));
    return s && vg_utf8_valid(s, strlen(s)) ? s : "";
}

/* {"errors":[...]} and nothing else: the API answered with a problem instead of data. */
static vg_status reject_errors(struct vg_conv *cx, const cJSON *errors)
{
    const cJSON *e = cJSON_GetArrayItem(errors, 0);
    int n = cJSON_GetArraySize(errors);
    const char *title = error_str(e, "title");
    const char *detail = error_str(e, "detail");
    if (!detail[0])
        detail = error_str(e, "message"); /* v1.1-style {"code":88,"message":...} */
    vg_conv_begin(cx, -1);
    return vg_conv_reject(cx, "API error, no data: %.*s%s%.*s%s", vg__tw_utf8_cut(title, 120),
                          title, title[0] && detail[0] ? ": " : "", vg__tw_utf8_cut(detail, 240),
                          detail, n > 1 ? " (and more errors)" : "");
}

/*
 * Whether a compliance line's id is a tweet's. A tweet id is a snowflake: its top 42 bits are
 * the creation time in milliseconds, and the tweets-compliance output dates each line by exactly
 * that instant, milliseconds included. The users-compliance output has the same shape but dates
 * accounts to the second, and old accounts have small ids that are not snowflakes at all. So a
 * line whose created_at is its id's time to the millisecond is a tweet's; any other an account's.
 */
static int is_tweet_id(const char *id, const char *created_at)
{
    uint64_t v = 0;
    size_t n = 0;
    for (; id[n]; n++) {
        if (id[n] < '0' || id[n] > '9' || n >= 19)
            return 0;
        v = v * 10 + (uint64_t)(id[n] - '0');
    }
    int64_t t;
    if (n == 0 || (v >> 22) == 0 || !created_at || vg_time_parse(created_at, &t) != VG_OK)
        return 0;
    int64_t ms = 0, scale = 100;
    const char *frac = strchr(created_at, 'T');
    frac = frac ? strchr(frac, '.') : NULL;
    for (const char *c = frac ? frac + 1 : ""; *c >= '0' && *c <= '9' && scale > 0; c++) {
        ms += (*c - '0') * scale;
        scale /= 10;
    }
    return (int64_t)(v >> 22) + VG_TW_SNOWFLAKE_EPOCH_MS == t * 1000 + ms;
}

/* {"id":...,"action":"delete"|"suspend","created_at":...,"redacted_at":...,"reason":...} */
static vg_status read_compliance(struct vg_conv *cx, const cJSON *doc)
{
    const char *id, *action, *reason;
    int64_t created_at, redacted_at;
    struct vg_event *ev;
    vg_status rc;
    vg_conv_begin(cx, -1);
    if ((rc = vg_json_id(cx, doc, "", "id", &id)) ||
        (rc = vg_json_str(cx, doc, "", "action", 64, &action)) ||
        (rc = vg_json_time(cx, doc, "", "created_at", &created_at)) ||
        (rc = vg_json_time(cx, doc, "", "redacted_at", &redacted_at)) ||
        (rc = vg_json_str(cx, doc, "", "reason", VG_FIELD_MAX, &reason)))
        return vg__tw_finish(cx, rc);
    if (!id)
        return vg__tw_finish(cx, vg__tw_missing(cx, "", "id", "the tweet or account id"));
    /* The line gives no time of the action itself: redacted_at when present, else created_at
     * (when the object was made), a lower bound. */
    int64_t at = redacted_at != VG_TIME_UNKNOWN ? redacted_at : created_at;
    if (at == VG_TIME_UNKNOWN)
        return vg__tw_finish(cx, vg__tw_missing(cx, "", "created_at", "the line's only date"));
    if (action && !strcmp(action, "delete")) {
        const char *created_str = cJSON_GetStringValue(vg_json_get(doc, "created_at"));
        if ((rc = vg__tw_event(cx, VG_EV_DELETION, &ev)))
            return vg__tw_finish(cx, rc);
        ev->u.deletion.target = id;
        ev->u.deletion.target_type = is_tweet_id(id, created_str) ? "post" : "account";
        ev->u.deletion.at = at;
        ev->u.deletion.reason = reason;
        return vg_conv_end(cx);
    }
    if (action && !strcmp(action, "suspend")) {
        if ((rc = vg__tw_event(cx, VG_EV_SUSPENSION, &ev)))
            return vg__tw_finish(cx, rc);
        ev->u.moderation.account = id;
        ev->u.moderation.at = at;
        ev->u.moderation.reason = reason;
        return vg_conv_end(cx);
    }
    return vg_conv_reject(cx, "not an activity record: compliance action \"%.*s\"",
                          action ? vg__tw_utf8_cut(action, 40) : 0, action ? action : "");
}

static vg_status read_data(struct vg_conv *cx, const cJSON *doc, const cJSON *data)
{
    struct page pg;
    vg_status rc = page_init(cx, doc, &pg);
    if (rc)
        return rc;
    if (cJSON_IsObject(data)) /* a stream line: one tweet */
        return read_item(cx, &pg, data, -1);
    if (!cJSON_IsArray(data)) {
        vg_conv_begin(cx, -1);
        return vg_conv_reject(cx, "field data: expected an array or an object, got %s",
                              vg_json_type_name(data));
    }
    const cJSON *it;
    int64_t i = 0;
    cJSON_ArrayForEach(it, data)
    {
        if ((rc = read_item(cx, &pg, it, i++)))
            return rc;
    }
    return VG_OK;
}

/* A JSON array: flattened tweets or users, each its own record with no page around it. */
static vg_status read_array(struct vg_conv *cx, const cJSON *doc)
{
    struct page pg;
    memset(&pg, 0, sizeof(pg));
    const cJSON *it;
    int64_t i = 0;
    cJSON_ArrayForEach(it, doc)
    {
        vg_status rc = read_item(cx, &pg, it, i++);
        if (rc)
            return rc;
    }
    return VG_OK;
}

vg_status vg__read_twitter_v2(struct vg_conv *cx, const cJSON *doc)
{
    if (cJSON_IsArray(doc))
        return read_array(cx, doc);
    if (!cJSON_IsObject(doc)) {
        vg_conv_begin(cx, -1);
        return vg_conv_reject(cx, "expected a v2 response page or tweet object, got %s",
                              vg_json_type_name(doc));
    }
    const cJSON *data = vg_json_get(doc, "data");
    if (data)
        return read_data(cx, doc, data);
    const cJSON *errors = vg_json_get(doc, "errors");
    if (cJSON_IsArray(errors) && cJSON_GetArraySize(errors) > 0)
        return reject_errors(cx, errors);
    if (vg_json_get(doc, "action"))
        return read_compliance(cx, doc);
    if (item_kind(doc) != ITEM_UNKNOWN) {
        /* A flattened tweet or user: the line is the object, with its own __twarc. */
        struct page pg;
        memset(&pg, 0, sizeof(pg));
        pg.twarc = vg_json_get(doc, "__twarc");
        return read_item(cx, &pg, doc, -1);
    }
    /* A page with no data and no errors (a search that found nothing) holds no record. */
    if (vg_json_get(doc, "meta"))
        return VG_OK;
    vg_conv_begin(cx, -1);
    return vg_conv_reject(cx, "not a v2 page (data, errors), tweet, user or compliance line");
}
