/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_activitypub.c: the ActivityPub reader. Invented activities (hosts under .example) check
 * each mapping exactly: Create{Note} with an embedded actor, tags, attachments and
 * content warning; Announce; Flag with several objects; Follow, Accept, Undo; Delete; actors
 * and Update; collections; and the activities refused with their reasons (Move, Block, Like, poll
 * votes). Then every real file of the shared set is read and each rejection's reason asserted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ingest_test_util.h"

#define AP_DATA VG_SHARED_DATA "/mastodon-activitypub-json/activitypub"

static void run(const char *fixture, struct collected *c)
{
    char *doc = json_fixture(fixture);
    assert_int_equal(collect_mem(doc, strlen(doc), VG_FORMAT_AUTO, NULL, c), VG_OK);
    free(doc);
}

/* Run a fixture expected to give one rejected record, and check its reason. */
static void rejected(const char *fixture, const char *reason)
{
    struct collected c;
    run(fixture, &c);
    assert_int_equal(c.n_records, 1);
    assert_int_equal(c.n_rejects, 1);
    assert_string_equal(c.reasons[0], reason);
    collected_free(&c);
}

#define CTX "'@context':'https://www.w3.org/ns/activitystreams',"

#define ANA_ACTOR                                                                                  \
    "{'id':'https://social.example/users/ana','type':'Person','preferredUsername':'ana','name':"   \
    "'Ana','summary':'<p>Invented bio</p>','published':'2023-01-15T00:00:00Z','icon':{'type':"     \
    "'Image','url':'https://social.example/a.png'},'followers':{'type':'OrderedCollection',"       \
    "'totalItems':12}}"

#define NOTE_CONTENT                                                                                \
    "<p>Hello &amp; welcome <a href=\\'https://social.example/tags/cafe\\' class=\\'mention "       \
    "hashtag\\' rel=\\'tag\\'>#<span>Café</span></a> <span class=\\'h-card\\'><a href=\\'https://" \
    "other.example/@bob\\' class=\\'u-url mention\\'>@<span>bob</span></a></span> <a href=\\'"      \
    "https://news.example/x\\'>https://news.example/x</a></p>"

#define CREATE_NOTE                                                                                \
    "{" CTX "'id':'https://social.example/users/ana/statuses/1/activity','type':'Create',"         \
    "'actor':" ANA_ACTOR ",'published':'2024-03-01T10:00:00Z','to':['https://www.w3.org/ns/"       \
    "activitystreams#Public'],'cc':['https://other.example/users/bob'],'object':{'id':'https://"   \
    "social.example/users/ana/statuses/1','type':'Note','attributedTo':'https://social.example/"   \
    "users/ana','published':'2024-03-01T10:00:00Z','summary':'CW here','inReplyTo':'https://"      \
    "other.example/users/bob/statuses/7','content':'" NOTE_CONTENT                                 \
    "','contentMap':{'en':'" NOTE_CONTENT                                                          \
    "'},'tag':[{'type':'Hashtag','name':'#cafe','href':'https://social.example/tags/"              \
    "cafe'},{'type':'Mention','name':'@bob@other.example','href':'https://other.example/users/"    \
    "bob'},{'type':'Emoji','name':':blob:'}],'attachment':[{'type':'Document','mediaType':'image/" \
    "png','url':'https://social.example/m/1.png'},{'type':'Document','mediaType':'video/mp4',"     \
    "'url':[{'type':'Link','href':'https://social.example/m/2.mp4'}]},{'type':'PropertyValue',"    \
    "'name':'x','value':'y'}],'quote':'https://far.example/notes/q1'}}"

static void create_note_maps_every_field(void **state)
{
    (void)state;
    struct collected c;
    run(CREATE_NOTE, &c);
    assert_int_equal(c.n_records, 1);
    assert_int_equal(c.n_rejects, 0);
    assert_int_equal(c.n_events, 2);
    assert_string_equal(
            c.events[0],
            "{\"type\":\"post\",\"platform\":\"activitypub\",\"id\":\"https://social.example/"
            "users/ana/statuses/1\",\"account\":\"https://social.example/users/ana\","
            "\"created_at\":\"2024-03-01T10:00:00Z\",\"text\":\"CW here\\n\\nHello & welcome "
            "#Café @bob https://news.example/x\",\"lang\":\"en\",\"reply_to\":\"https://"
            "other.example/users/bob/statuses/7\",\"quote_of\":\"https://far.example/notes/q1\","
            "\"hashtags\":[\"Café\"],\"mentions\":[\"bob@other.example\"],\"urls\":[\"https://"
            "news.example/x\"],\"media\":[{\"type\":\"photo\",\"url\":\"https://social.example/m/"
            "1.png\"},{\"type\":\"video\",\"url\":\"https://social.example/m/2.mp4\"}]}");
    assert_string_equal(
            c.events[1],
            "{\"type\":\"account\",\"platform\":\"activitypub\",\"id\":\"https://social.example/"
            "users/ana\",\"handle\":\"ana@social.example\",\"name\":\"Ana\",\"bio\":\"Invented "
            "bio\",\"created_at\":\"2023-01-15T00:00:00Z\",\"followers\":12,\"avatar_url\":"
            "\"https://social.example/a.png\",\"observed_at\":\"2024-03-01T10:00:00Z\"}");
    collected_free(&c);
}

static void note_without_tags_or_content_uses_text_and_content_map(void **state)
{
    (void)state;
    struct collected c;
    /* No `tag`: hashtags, mentions and URLs all come from the text. No `content`: contentMap. */
    run("{" CTX "'id':'https://far.example/notes/9','type':'Note','attributedTo':'https://"
        "far.example/users/carl','published':'2024-02-02T02:02:02Z','contentMap':{'fr':'<p>Salut "
        "#Lyon @dee@near.example https://x.example/y</p>'}}",
        &c);
    assert_int_equal(c.n_events, 1);
    assert_string_equal(c.events[0],
                        "{\"type\":\"post\",\"platform\":\"activitypub\",\"id\":\"https://"
                        "far.example/notes/9\",\"account\":\"https://far.example/users/carl\","
                        "\"created_at\":\"2024-02-02T02:02:02Z\",\"text\":\"Salut #Lyon "
                        "@dee@near.example https://x.example/y\",\"lang\":\"fr\",\"hashtags\":"
                        "[\"Lyon\"],\"mentions\":[\"dee@near.example\"],\"urls\":[\"https://"
                        "x.example/y\"],\"media\":[]}");
    collected_free(&c);
}

static void announce_is_a_repost(void **state)
{
    (void)state;
    struct collected c;
    run("{" CTX "'id':'https://social.example/users/ana/statuses/2/activity','type':'Announce',"
        "'actor':'https://social.example/users/ana','published':'2024-03-02T00:00:00Z','object':"
        "'https://far.example/notes/9'}",
        &c);
    assert_int_equal(c.n_events, 1);
    assert_string_equal(c.events[0],
                        "{\"type\":\"post\",\"platform\":\"activitypub\",\"id\":\"https://"
                        "social.example/users/ana/statuses/2/activity\",\"account\":\"https://"
                        "social.example/users/ana\",\"created_at\":\"2024-03-02T00:00:00Z\","
                        "\"text\":\"\",\"repost_of\":\"https://far.example/notes/9\",\"hashtags\":"
                        "[],\"mentions\":[],\"urls\":[],\"media\":[]}");
    collected_free(&c);

    /* The boosted Note embedded: it is a post of its own in the record. */
    run("{" CTX "'id':'https://social.example/users/ana/statuses/3/activity','type':'Announce',"
        "'actor':'https://social.example/users/ana','published':'2024-03-02T00:00:00Z','object':"
        "{'id':'https://far.example/notes/10','type':'Note','attributedTo':'https://far.example/"
        "users/carl','published':'2024-03-01T00:00:00Z','content':'<p>boosted</p>'}}",
        &c);
    assert_int_equal(c.n_events, 2);
    assert_non_null(strstr(c.events[0], "\"repost_of\":\"https://far.example/notes/10\""));
    assert_int_equal(find_event(&c, "\"id\":\"https://far.example/notes/10\",\"account\":"
                                    "\"https://far.example/users/carl\""),
                     1);
    collected_free(&c);

    /* An embedded object too thin to be a post (no time, no author): only its id is kept. */
    run("{" CTX "'id':'https://social.example/users/ana/statuses/4/activity','type':'Announce',"
        "'actor':'https://social.example/users/ana','published':'2024-03-02T00:00:00Z','object':"
        "{'id':'https://far.example/notes/11','type':'Note'}}",
        &c);
    assert_int_equal(c.n_rejects, 0);
    assert_int_equal(c.n_events, 1);
    assert_non_null(strstr(c.events[0], "\"repost_of\":\"https://far.example/notes/11\""));
    collected_free(&c);
}

static void flag_reports_the_account_and_its_posts(void **state)
{
    (void)state;
    struct collected c;
    /* Mastodon's order: the account first, then its statuses; addressed to the account. */
    run("{" CTX "'id':'https://social.example/flags/1','type':'Flag','actor':'https://"
        "social.example/actor','content':'invented reason','published':'2024-06-01T00:00:00Z',"
        "'object':['https://far.example/users/carl','https://far.example/notes/9','https://"
        "far.example/notes/10'],'to':'https://far.example/users/carl'}",
        &c);
    assert_int_equal(c.n_events, 1);
    assert_string_equal(c.events[0],
                        "{\"type\":\"report\",\"platform\":\"activitypub\",\"id\":\"https://"
                        "social.example/flags/1\",\"reporter\":\"https://social.example/actor\","
                        "\"target\":\"https://far.example/users/carl\",\"posts\":[\"https://"
                        "far.example/notes/9\",\"https://far.example/notes/10\"],\"reason\":"
                        "\"invented reason\",\"at\":\"2024-06-01T00:00:00Z\"}");
    collected_free(&c);

    /* The account listed last but embedded as an actor: it is still the target. */
    run("{" CTX "'id':'https://social.example/flags/2','type':'Flag','actor':'https://"
        "social.example/actor','published':'2024-06-01T00:00:00Z','object':['https://far.example/"
        "notes/9',{'id':'https://far.example/users/carl','type':'Person'}]}",
        &c);
    assert_int_equal(c.n_events, 1);
    assert_non_null(strstr(c.events[0], "\"target\":\"https://far.example/users/carl\",\"posts\":"
                                        "[\"https://far.example/notes/9\"]"));
    collected_free(&c);

    /* Mastodon's Flag carries no time: the report is dated when the input was received. */
    run("{" CTX "'id':'https://social.example/flags/3','type':'Flag','actor':'https://"
        "social.example/actor','object':'https://far.example/users/carl'}",
        &c);
    assert_int_equal(c.n_events, 1);
    assert_non_null(strstr(c.events[0], "\"target\":\"https://far.example/users/carl\",\"posts\""
                                        ":[],\"at\":\"2023-11-14T22:13:20Z\"}"));
    collected_free(&c);
    rejected("{" CTX "'id':'https://social.example/flags/4','type':'Flag','actor':'https://"
             "social.example/actor','published':'2024-06-01T00:00:00Z','object':[]}",
             "field object: missing (a Flag names the reported account)");
}

static void follows_and_unfollows(void **state)
{
    (void)state;
    struct collected c;
    run("[{" CTX "'id':'https://social.example/f/1','type':'Follow','actor':'https://"
        "social.example/users/ana','object':'https://far.example/users/carl'},"
        "{" CTX "'id':'https://far.example/a/1','type':'Accept','actor':'https://far.example/users/"
        "carl','object':{'id':'https://social.example/f/2','type':'Follow','actor':'https://"
        "social.example/users/dee','object':'https://far.example/users/carl','published':'2024-01-"
        "01T00:00:00Z'}},"
        "{" CTX "'id':'https://social.example/f/1/undo','type':'Undo','actor':'https://"
        "social.example/users/ana','published':'2024-07-01T00:00:00Z','object':{'id':'https://"
        "social.example/f/1','type':'Follow','object':'https://far.example/users/carl'}}]",
        &c);
    assert_int_equal(c.n_records, 3);
    assert_int_equal(c.n_rejects, 0);
    assert_string_equal(c.events[0],
                        "{\"type\":\"follow\",\"platform\":\"activitypub\",\"src\":\"https://"
                        "social.example/users/ana\",\"dst\":\"https://far.example/users/carl\"}");
    assert_string_equal(c.events[1],
                        "{\"type\":\"follow\",\"platform\":\"activitypub\",\"src\":\"https://"
                        "social.example/users/dee\",\"dst\":\"https://far.example/users/carl\","
                        "\"at\":\"2024-01-01T00:00:00Z\"}");
    /* The Undo's actor stands in for the Follow's, and the Undo's time is the unfollow's. */
    assert_string_equal(c.events[2],
                        "{\"type\":\"unfollow\",\"platform\":\"activitypub\",\"src\":\"https://"
                        "social.example/users/ana\",\"dst\":\"https://far.example/users/carl\","
                        "\"at\":\"2024-07-01T00:00:00Z\"}");
    collected_free(&c);

    rejected("{" CTX "'id':'https://social.example/u/1','type':'Undo','actor':'https://"
             "social.example/users/ana','object':{'type':'Like','object':'https://x.example/1'}}",
             "activity type Undo{Like} is not an event vigie stores");
    rejected("{" CTX "'id':'https://social.example/u/2','type':'Undo','actor':'https://"
             "social.example/users/ana','object':'https://social.example/f/1'}",
             "Undo of the bare URI \"https://social.example/f/1\": what it applies to is not "
             "included");
    rejected("{" CTX "'id':'https://social.example/f/3','type':'Follow','actor':'https://"
             "social.example/users/ana'}",
             "field object: missing (a follow needs the follower (actor) and the followed "
             "(object))");
}

static void deletes_of_posts_and_accounts(void **state)
{
    (void)state;
    struct collected c;
    run("[{" CTX "'id':'https://far.example/notes/9#delete','type':'Delete','actor':'https://"
        "far.example/users/carl','object':{'id':'https://far.example/notes/9','type':'Tombstone',"
        "'deleted':'2024-08-01T00:00:00Z'}},"
        "{" CTX "'id':'https://far.example/users/carl#delete','type':'Delete','actor':'https://"
        "far.example/users/carl','object':'https://far.example/users/carl','published':'2024-08-"
        "02T00:00:00Z'}]",
        &c);
    assert_int_equal(c.n_rejects, 0);
    assert_string_equal(c.events[0],
                        "{\"type\":\"deletion\",\"platform\":\"activitypub\",\"target\":\"https://"
                        "far.example/notes/9\",\"target_type\":\"post\",\"at\":\"2024-08-01T00:00:"
                        "00Z\",\"reason\":\"deleted\"}");
    assert_string_equal(c.events[1],
                        "{\"type\":\"deletion\",\"platform\":\"activitypub\",\"target\":\"https://"
                        "far.example/users/carl\",\"target_type\":\"account\",\"at\":\"2024-08-02"
                        "T00:00:00Z\",\"reason\":\"deleted\"}");
    collected_free(&c);

    /* Neither the Delete nor its Tombstone gives a time (as Mastodon sends it): received. */
    run("{" CTX "'id':'https://far.example/notes/9#delete','type':'Delete','actor':'https://"
        "far.example/users/carl','object':{'id':'https://far.example/notes/9','type':"
        "'Tombstone'}}",
        &c);
    assert_int_equal(c.n_events, 1);
    assert_string_equal(c.events[0],
                        "{\"type\":\"deletion\",\"platform\":\"activitypub\",\"target\":\"https://"
                        "far.example/notes/9\",\"target_type\":\"post\",\"at\":\"2023-11-14"
                        "T22:13:20Z\",\"reason\":\"deleted\"}");
    collected_free(&c);
}

static void actors_and_updates_give_accounts(void **state)
{
    (void)state;
    struct collected c;
    run("{" CTX "'id':'https://social.example/users/ana/u/1','type':'Update','actor':'https://"
        "social.example/users/ana','published':'2024-09-01T00:00:00Z','object':" ANA_ACTOR "}",
        &c);
    assert_int_equal(c.n_events, 1);
    assert_non_null(strstr(c.events[0], "\"id\":\"https://social.example/users/ana\",\"handle\":"
                                        "\"ana@social.example\""));
    assert_non_null(strstr(c.events[0], "\"observed_at\":\"2024-09-01T00:00:00Z\""));
    collected_free(&c);

    /* An actor alone: observed when last updated. */
    run("{" CTX "'id':'https://far.example/users/carl','type':'Service','preferredUsername':"
        "'carl','published':'2022-01-01T00:00:00Z','updated':'2023-01-01T00:00:00Z','icon':["
        "'https://far.example/c.png']}",
        &c);
    assert_int_equal(c.n_events, 1);
    assert_string_equal(c.events[0],
                        "{\"type\":\"account\",\"platform\":\"activitypub\",\"id\":\"https://"
                        "far.example/users/carl\",\"handle\":\"carl@far.example\",\"created_at\":"
                        "\"2022-01-01T00:00:00Z\",\"avatar_url\":\"https://far.example/c.png\","
                        "\"observed_at\":\"2023-01-01T00:00:00Z\"}");
    collected_free(&c);

    rejected("{" CTX "'id':'https://social.example/u/2','type':'Update','actor':'https://"
             "social.example/users/ana','object':{'type':'Collection','id':'https://x.example/c'}}",
             "activity type Update{Collection} is not an event vigie stores");
}

static void refused_activities_say_why(void **state)
{
    (void)state;
    rejected("{" CTX "'id':'https://social.example/users/ana#moves/1','type':'Move','actor':"
             "'https://social.example/users/ana','object':'https://social.example/users/ana',"
             "'target':'https://far.example/users/ana2'}",
             "activity type Move (account migration from https://social.example/users/ana to "
             "https://far.example/users/ana2) is not an event vigie stores yet");
    rejected("{" CTX "'id':'https://social.example/b/1','type':'Block','actor':'https://"
             "social.example/users/ana','object':'https://far.example/users/carl'}",
             "activity type Block is not an event vigie stores");
    rejected("{" CTX "'id':'https://social.example/l/1','type':'Like','actor':'https://"
             "social.example/users/ana','object':'https://far.example/notes/9'}",
             "activity type Like is not an event vigie stores");
    rejected("{" CTX "'id':'https://social.example/v/1','type':'Create','actor':'https://"
             "social.example/users/bob','object':{'id':'https://social.example/v/1/n','type':"
             "'Note','name':'yes','attributedTo':'https://social.example/users/bob',"
             "'inReplyTo':'https://far.example/q/1'}}",
             "object is a poll vote (a Note with a name and no content): not an event vigie "
             "stores");
    rejected("{" CTX "'id':'https://social.example/c/1','type':'Create','actor':'https://"
             "social.example/users/bob','object':'https://social.example/notes/5'}",
             "field object: Create of the bare URI \"https://social.example/notes/5\"; the "
             "created object is not included");
    rejected("{" CTX "'id':'https://social.example/c/2','type':'Create','actor':'https://"
             "social.example/users/bob','object':{'type':'Listen','id':'https://x.example/1'}}",
             "activity type Create{Listen} is not an event vigie stores");
    rejected("{" CTX "'id':'https://social.example/n/1','type':'Note','content':'x',"
             "'attributedTo':'https://social.example/users/bob'}",
             "field published: missing (a post needs its time)");
    rejected("{" CTX "'id':'https://social.example/n/2','type':'Note','content':'x',"
             "'published':'2024-01-01T00:00:00Z'}",
             "field attributedTo: missing (the author of the post)");
    rejected("{" CTX "'id':'https://social.example/n/3'}",
             "field type: missing (an activity or object names its type)");
}

static void collections_and_arrays_hold_records(void **state)
{
    (void)state;
    struct collected c;
    run("{" CTX "'id':'https://social.example/users/ana/outbox','type':'OrderedCollection',"
        "'totalItems':3,'orderedItems':[" CREATE_NOTE ",'https://social.example/x',"
        "{'id':'https://social.example/f/1','type':'Follow','actor':'https://social.example/users/"
        "ana','object':'https://far.example/users/carl'}]}",
        &c);
    assert_int_equal(c.n_records, 3);
    assert_int_equal(c.n_rejects, 1);
    assert_string_equal(c.reasons[0],
                        "item 1 is the bare URI \"https://social.example/x\", not an activity");
    assert_int_equal(count_type(&c, VG_EV_POST), 1);
    assert_int_equal(count_type(&c, VG_EV_FOLLOW), 1);
    collected_free(&c);

    /* A collection whose first page is embedded. */
    run("{" CTX "'id':'https://social.example/c','type':'OrderedCollection','first':{'type':"
        "'OrderedCollectionPage','orderedItems':[" CREATE_NOTE "]}}",
        &c);
    assert_int_equal(c.n_records, 1);
    assert_int_equal(c.n_events, 2);
    collected_free(&c);
}

static void invalid_and_oversized_fields(void **state)
{
    (void)state;
    struct collected c;
    const char bad[] = "{\"@context\":\"https://www.w3.org/ns/activitystreams\",\"id\":\"https://"
                       "social.example/n/1\",\"type\":\"Note\",\"published\":\"2024-01-01\","
                       "\"attributedTo\":\"https://social.example/users/a\",\"content\":\"\xFF"
                       "\"}";
    assert_int_equal(collect_mem(bad, sizeof(bad) - 1, VG_FORMAT_AUTO, NULL, &c), VG_OK);
    assert_int_equal(c.n_rejects, 1);
    assert_string_equal(c.reasons[0], "field content: invalid UTF-8");
    collected_free(&c);

    static char doc[4096];
    char id[700];
    memset(id, 'i', 600);
    id[600] = '\0';
    snprintf(doc, sizeof(doc),
             "{\"type\":\"Follow\",\"@context\":\"x\",\"actor\":\"https://a.example/%s\","
             "\"object\":\"https://b.example/u\"}",
             id);
    assert_int_equal(collect_mem(doc, strlen(doc), VG_FORMAT_AUTO, NULL, &c), VG_OK);
    assert_int_equal(c.n_rejects, 1);
    assert_string_equal(c.reasons[0], "field actor: 618 bytes, over the limit of 512");
    collected_free(&c);
}

/* ---- the real files ------------------------------------------------------------------------ */

/* The documentation's examples: illustrative fragments, each rejected for a stated reason. */
static const struct {
    const char *file, *reason;
} real_files[] = {
    { "spec_activitypub_L377.json", "activity type Block is not an event vigie stores" },
    { "spec_activitypub_L392.json", NULL }, /* a Flag: a report, dated when received */
    { "spec_activitypub_L412.json",
      "activity type Move (account migration from https://mastodon.example/users/alice to "
      "https://alice.com/users/109835986274379) is not an event vigie stores yet" },
    { "spec_activitypub_L435.json", "field attributedTo: missing (the author of the post)" },
    { "spec_activitypub_L481.json",
      "object is a poll vote (a Note with a name and no content): not an event vigie stores" },
    { "spec_activitypub_L498.json",
      "object is a poll vote (a Note with a name and no content): not an event vigie stores" },
    { "spec_activitypub_L542.json", "field published: missing (no published or updated time "
                                    "tells when the profile was seen)" },
    { "spec_activitypub_L562.json", "field published: missing (no published or updated time "
                                    "tells when the profile was seen)" },
    { "spec_activitypub_L584.json", "field published: missing (no published or updated time "
                                    "tells when the profile was seen)" },
    { "spec_activitypub_L610.json", "field published: missing (no published or updated time "
                                    "tells when the profile was seen)" },
    { "spec_activitypub_L645.json", "field published: missing (no published or updated time "
                                    "tells when the profile was seen)" },
    { "spec_activitypub_L671.json", "field published: missing (no published or updated time "
                                    "tells when the profile was seen)" },
    { "spec_activitypub_L689.json", "field published: missing (no published or updated time "
                                    "tells when the profile was seen)" },
    { "spec_activitypub_L707.json", "field published: missing (no published or updated time "
                                    "tells when the profile was seen)" },
    { "spec_activitypub_L725.json", "field published: missing (no published or updated time "
                                    "tells when the profile was seen)" },
    { "spec_activitypub_L745.json", "field published: missing (a post needs its time)" },
    { "spec_activitypub_L802.json", "field published: missing (a post needs its time)" },
    { "spec_activitypub_L839.json", "field published: missing (a post needs its time)" },
};

static void every_real_file_is_read_and_explained(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(real_files) / sizeof(real_files[0]); i++) {
        char path[512];
        struct collected c;
        snprintf(path, sizeof(path), "%s/%s", AP_DATA, real_files[i].file);
        assert_int_equal(collect_file(path, VG_FORMAT_AUTO, &c), VG_OK);
        const char *want = real_files[i].reason;
        if (c.n_records != 1 || c.n_rejects != (want ? 1u : 0u) ||
            (want && strcmp(c.reasons[0], want)))
            fail_msg("%s: %zu records, %zu rejected: %s", real_files[i].file, c.n_records,
                     c.n_rejects, c.n_rejects ? c.reasons[0] : "-");
        if (!want && (c.n_events != 1 || c.event_types[0] != VG_EV_REPORT))
            fail_msg("%s: expected one report", real_files[i].file);
        collected_free(&c);
    }
}

/* The real Flag and Note with the one thing the documentation leaves out added: they land. */
static void real_flag_and_note_land_once_timed(void **state)
{
    (void)state;
    static const char *const files[] = { "spec_activitypub_L392.json",
                                         "spec_activitypub_L745.json" };
    for (size_t i = 0; i < 2; i++) {
        char path[512], buf[4096];
        snprintf(path, sizeof(path), "%s/%s", AP_DATA, files[i]);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        size_t n = fread(buf, 1, sizeof(buf) - 64, f);
        fclose(f);
        buf[n] = '\0';
        /* Insert a time after the opening brace. */
        char *doc = malloc(n + 64);
        assert_non_null(doc);
        snprintf(doc, n + 64, "{\"published\":\"2024-01-02T03:04:05Z\",%s", strchr(buf, '{') + 1);
        struct collected c;
        assert_int_equal(collect_mem(doc, strlen(doc), VG_FORMAT_AUTO, NULL, &c), VG_OK);
        assert_int_equal(c.n_rejects, 0);
        assert_int_equal(c.n_events, 1);
        if (i == 0)
            assert_string_equal(
                    c.events[0],
                    "{\"type\":\"report\",\"platform\":\"activitypub\",\"id\":\"https://"
                    "mastodon.example/ccb4f39a-506a-490e-9a8c-71831c7713a4\",\"reporter\":"
                    "\"https://mastodon.example/actor\",\"target\":\"https://example.com/users/1\","
                    "\"posts\":[\"https://example.com/posts/380590\",\"https://example.com/posts/"
                    "380591\"],\"reason\":\"Please take a look at this user and their posts\","
                    "\"at\":\"2024-01-02T03:04:05Z\"}");
        else
            assert_non_null(strstr(c.events[0], "\"account\":\"https://example.com\""));
        collected_free(&c);
        free(doc);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(create_note_maps_every_field),
        cmocka_unit_test(note_without_tags_or_content_uses_text_and_content_map),
        cmocka_unit_test(announce_is_a_repost),
        cmocka_unit_test(flag_reports_the_account_and_its_posts),
        cmocka_unit_test(follows_and_unfollows),
        cmocka_unit_test(deletes_of_posts_and_accounts),
        cmocka_unit_test(actors_and_updates_give_accounts),
        cmocka_unit_test(refused_activities_say_why),
        cmocka_unit_test(collections_and_arrays_hold_records),
        cmocka_unit_test(invalid_and_oversized_fields),
        cmocka_unit_test(every_real_file_is_read_and_explained),
        cmocka_unit_test(real_flag_and_note_land_once_timed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
