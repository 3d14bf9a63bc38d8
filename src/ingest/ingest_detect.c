/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ingest_detect.c: which format a parsed JSON document is, from its shape alone. Used once per
 * input (the first parseable document decides; `--format` overrides). The tests are ordered from
 * the most specific marker to the least, so a v2 page that embeds tweets is never taken for v1.1.
 */
#include <string.h>

#include "ingest_int.h"

static const cJSON *get(const cJSON *o, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(o, key);
}

static int has(const cJSON *o, const char *key)
{
    return get(o, key) != NULL;
}

static int is_native(const cJSON *o)
{
    const cJSON *t = get(o, "type");
    enum vg_event_type type;
    return cJSON_IsString(t) && !has(o, "@context") &&
           vg_event_type_parse(t->valuestring, &type) == VG_OK;
}

static int is_activitypub(const cJSON *o)
{
    static const char *types[] = { "Create",   "Announce", "Flag",   "Follow",  "Undo", "Delete",
                                   "Block",    "Move",     "Like",   "Update",  "Note", "Person",
                                   "Question", "Accept",   "Reject", "Service", "Group" };
    if (has(o, "@context"))
        return 1;
    const cJSON *t = get(o, "type");
    if (!cJSON_IsString(t) || !has(o, "id"))
        return 0;
    for (size_t i = 0; i < VG_ARRAY_LEN(types); i++)
        if (!strcmp(t->valuestring, types[i]))
            return has(o, "actor") || has(o, "attributedTo") || has(o, "inbox");
    return 0;
}

static int is_mastodon_status(const cJSON *o)
{
    return has(o, "uri") && has(o, "account") && has(o, "content") && has(o, "visibility");
}

static int is_mastodon_account(const cJSON *o)
{
    return has(o, "acct") && has(o, "username") && (has(o, "url") || has(o, "uri"));
}

/*
 * Mastodon entities that carry Statuses or Accounts without being one: a Notification {id, type,
 * created_at, account} (tested before is_native, whose "follow" type it shares), an
 * Admin::Account {username, account}, a Report or Admin::Report {target_account}, a Quote
 * {state, quoted_status}, an Instance {contact_account} or {contact: {account}}, a webhook
 * payload {event, created_at, object}, and search results {accounts, statuses, hashtags} (tested
 * before v1.1 search, which also has "statuses").
 */
static int is_mastodon_wrapper(const cJSON *o)
{
    const cJSON *account = get(o, "account"), *contact = get(o, "contact");
    if (cJSON_IsObject(account) && is_mastodon_account(account))
        return (cJSON_IsString(get(o, "type")) && has(o, "created_at")) || has(o, "username");
    if (cJSON_IsObject(get(o, "target_account")) && has(o, "created_at"))
        return 1;
    if (has(o, "state") && has(o, "quoted_status"))
        return 1;
    if (cJSON_IsObject(get(o, "contact_account")) ||
        (cJSON_IsObject(contact) && cJSON_IsObject(get(contact, "account"))))
        return 1;
    if (cJSON_IsString(get(o, "event")) && cJSON_IsObject(get(o, "object")) && has(o, "created_at"))
        return 1;
    return cJSON_IsArray(get(o, "accounts")) && cJSON_IsArray(get(o, "statuses")) &&
           has(o, "hashtags");
}

static int is_twitter_v1(const cJSON *o)
{
    if (has(o, "delete") || has(o, "scrub_geo") || has(o, "status_withheld") ||
        has(o, "user_withheld"))
        return 1;
    /* A streaming limit notice: {"limit":{"track":N,"timestamp_ms":...}}. */
    if (has(get(o, "limit"), "track"))
        return 1;
    return has(o, "id_str") && (has(o, "user") || has(o, "screen_name")) &&
           (has(o, "text") || has(o, "full_text") || has(o, "screen_name"));
}

static int is_twitter_v2(const cJSON *o)
{
    if (has(o, "data") || has(o, "includes") || has(o, "__twarc") || has(o, "matching_rules"))
        return 1;
    /* An error-only page or stream line. */
    if (cJSON_IsArray(get(o, "errors")) && !has(o, "type"))
        return 1;
    /* twarc2 "flattened" tweets: one tweet with its author inlined. */
    if (has(o, "author_id") && has(o, "text") && !has(o, "id_str"))
        return 1;
    /* Compliance job results. */
    return has(o, "action") && has(o, "id") && has(o, "created_at") && !has(o, "type");
}

/* A v1.1 followers/ids or friends/ids page: {"ids":[...],"next_cursor":...}. */
static int is_twitter_ids(const cJSON *o)
{
    return cJSON_IsArray(get(o, "ids"));
}

/* A bare account id (a number, or a string of digits): `twarc followers` writes one per line. */
static int is_bare_id(const cJSON *j)
{
    if (cJSON_IsNumber(j))
        return 1;
    if (!cJSON_IsString(j) || !j->valuestring[0])
        return 0;
    for (const char *c = j->valuestring; *c; c++)
        if (*c < '0' || *c > '9')
            return 0;
    return 1;
}

static enum vg_format classify_object(const cJSON *o)
{
    if (is_mastodon_wrapper(o))
        return VG_FORMAT_MASTODON;
    if (is_native(o))
        return VG_FORMAT_NATIVE;
    if (is_activitypub(o))
        return VG_FORMAT_ACTIVITYPUB;
    if (is_mastodon_status(o) || is_mastodon_account(o) ||
        (has(o, "ancestors") && has(o, "descendants")))
        return VG_FORMAT_MASTODON;
    if (is_twitter_ids(o))
        return VG_FORMAT_TWITTER_IDS;
    if (is_twitter_v1(o))
        return VG_FORMAT_TWITTER_V1;
    /* v1.1 search responses wrap tweets in "statuses". */
    const cJSON *statuses = get(o, "statuses");
    if (cJSON_IsArray(statuses))
        return VG_FORMAT_TWITTER_V1;
    if (is_twitter_v2(o))
        return VG_FORMAT_TWITTER_V2;
    return VG_FORMAT_AUTO;
}

enum vg_format vg__json_classify(const cJSON *doc)
{
    if (cJSON_IsObject(doc))
        return classify_object(doc);
    if (is_bare_id(doc))
        return VG_FORMAT_TWITTER_IDS;
    /* An array (Mastodon timelines, lists of tweets): classify by its first object. */
    if (cJSON_IsArray(doc)) {
        const cJSON *it;
        cJSON_ArrayForEach(it, doc)
        {
            if (cJSON_IsObject(it))
                return classify_object(it);
        }
    }
    return VG_FORMAT_AUTO;
}
