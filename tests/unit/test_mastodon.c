/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_mastodon.c: the Mastodon REST reader. Invented entities (hosts under .example) check each
 * mapping exactly: ids from ActivityPub URIs, handles made "user@host", text from HTML with its
 * content warning, entities, media, boosts, quotes, how a server-local in_reply_to_id becomes a
 * global id, notifications, reports, webhooks, and what is rejected and why. Then every real file
 * of the shared data set is read with its counts asserted, and a few real records field by field
 * (ids, times and counts only: no text of real people is copied here).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ingest_test_util.h"

#define MASTODON_DATA VG_SHARED_DATA "/mastodon-activitypub-json"

/* Run a fixture through the driver, format detected. */
static void run(const char *fixture, struct collected *c)
{
    char *doc = json_fixture(fixture);
    assert_int_equal(collect_mem(doc, strlen(doc), VG_FORMAT_AUTO, NULL, c), VG_OK);
    free(doc);
}

#define ANA                                                                                        \
    "{'id':'1','username':'ana','acct':'ana','display_name':'Ana','url':'https://social.example/"  \
    "@ana','uri':'https://social.example/users/ana','note':'<p>Invented &lt;profile&gt;</p>',"     \
    "'created_at':'2023-01-15T00:00:00.000Z','last_status_at':'2024-03-02','followers_count':10,"  \
    "'following_count':20,'statuses_count':30,'avatar':'https://social.example/a.png'}"

#define CARL                                                                                       \
    "{'id':'55','username':'carl','acct':'carl@far.example','display_name':'Carl','url':'https:"   \
    "//far.example/@carl','uri':'https://far.example/users/carl','note':'','created_at':'2022-05-" \
    "01T00:00:00.000Z','last_status_at':null,'followers_count':1,'following_count':2,"             \
    "'statuses_count':3,'avatar':'https://far.example/c.png'}"

/* A status of ana's with everything a status can carry. */
#define S1                                                                                          \
    "{'id':'1001','uri':'https://social.example/users/ana/statuses/1001','created_at':'2024-03-01"  \
    "T10:00:00.000Z','language':'fr','spoiler_text':'Attention','visibility':'public',"             \
    "'in_reply_to_id':null,'in_reply_to_account_id':null,'reblog':null,'content':'<p>Bonjour "      \
    "&amp; salut l&#39;ami <a href=\\'https://social.example/tags/cafe\\' class=\\'mention "        \
    "hashtag\\' rel=\\'tag\\'>#<span>Café</span></a> <span class=\\'h-card\\'><a href=\\'https://" \
    "other.example/@bob\\' class=\\'u-url mention\\'>@<span>bob</span></a></span></p><p><a "        \
    "href=\\'https://news.example/a/long/path?x=1&amp;y=2\\'><span class=\\'invisible\\'>https://"  \
    "</span><span class=\\'ellipsis\\'>news.example/a/lo</span><span class=\\'invisible\\'>ng/"     \
    "path?x=1&amp;y=2</span></a></p>','account':" ANA ",'tags':[{'name':'cafe'}],'mentions':[{"     \
    "'id':'77','acct':'bob@other.example','url':'https://other.example/@bob'}],'card':{'url':"      \
    "'https://news.example/a/long/path?x=1&y=2'},'media_attachments':[{'id':'5001','type':"         \
    "'image','url':'https://social.example/m/1.png','remote_url':null},{'id':'5002','type':"        \
    "'gifv','url':'https://social.example/m/2.mp4','remote_url':'https://other.example/f/2.mp4'}"   \
    "]}"

static void status_maps_every_field(void **state)
{
    (void)state;
    struct collected c;
    run("[" S1 "]", &c);
    assert_int_equal(c.n_records, 1);
    assert_int_equal(c.n_rejects, 0);
    assert_int_equal(c.n_events, 2);
    assert_string_equal(
            c.events[0],
            "{\"type\":\"post\",\"platform\":\"mastodon\",\"id\":\"https://social.example/users/"
            "ana/statuses/1001\",\"account\":\"https://social.example/users/ana\",\"created_at\":"
            "\"2024-03-01T10:00:00Z\",\"text\":\"Attention\\n\\nBonjour & salut l'ami #Café "
            "@bob\\n\\nhttps://news.example/a/long/path?x=1&y=2\",\"lang\":\"fr\",\"hashtags\":"
            "[\"Café\"],\"mentions\":[\"bob@other.example\"],\"urls\":[\"https://news.example/a/"
            "long/path?x=1&y=2\"],\"media\":[{\"type\":\"photo\",\"id\":\"5001\",\"url\":"
            "\"https://social.example/m/1.png\"},{\"type\":\"animated_gif\",\"id\":\"5002\","
            "\"url\":\"https://other.example/f/2.mp4\"}]}");
    /* observed_at: the latest of the status time, creation and last_status_at (a date). */
    assert_string_equal(
            c.events[1],
            "{\"type\":\"account\",\"platform\":\"mastodon\",\"id\":\"https://social.example/"
            "users/ana\",\"handle\":\"ana@social.example\",\"name\":\"Ana\",\"bio\":\"Invented "
            "<profile>\",\"created_at\":\"2023-01-15T00:00:00Z\",\"followers\":10,\"following\":"
            "20,\"posts\":30,\"avatar_url\":\"https://social.example/a.png\",\"observed_at\":"
            "\"2024-03-02T00:00:00Z\"}");
    collected_free(&c);
}

/* A status of ana's replying to `to` (written by account `to_acct`). */
#define REPLY(id, to, to_acct)                                                                     \
    "{'id':'" id "','uri':'https://social.example/users/ana/statuses/" id "','created_at':'2024-"  \
    "03-03T00:00:00Z','content':'<p>re</p>','visibility':'public','in_reply_to_id':'" to "',"      \
    "'in_reply_to_account_id':'" to_acct "','account':" ANA "}"

#define CARL_REPLY                                                                                 \
    "{'id':'3001','uri':'https://far.example/users/carl/statuses/9','created_at':'2024-03-04T00:"  \
    "00:00Z','content':'<p>hi</p>','visibility':'public','in_reply_to_id':'888',"                  \
    "'in_reply_to_account_id':'56','account':" CARL "}"

static void reply_ids_become_global(void **state)
{
    (void)state;
    struct collected c;
    run("[" S1 "," REPLY("1002", "1001", "1") "," REPLY("1003", "999", "1") "," CARL_REPLY "]", &c);
    assert_int_equal(c.n_rejects, 0);
    assert_int_equal(count_type(&c, VG_EV_POST), 4);
    /* The replied-to status is in the document: its uri. */
    assert_non_null(strstr(c.events[2], "\"reply_to\":\"https://social.example/users/ana/"
                                        "statuses/1001\""));
    /* Not in the document, but written by a local account on a server shown to name statuses
     * <actor>/statuses/<id>. */
    assert_non_null(strstr(c.events[4], "\"reply_to\":\"https://social.example/users/ana/"
                                        "statuses/999\""));
    /* Otherwise the API URL on the serving server (known from ana, a local account). */
    assert_non_null(strstr(c.events[6], "\"reply_to\":\"https://social.example/api/v1/"
                                        "statuses/888\""));
    collected_free(&c);

    /* Without a local account the serving server is unknown: the local id is dropped. */
    run("[" CARL_REPLY "]", &c);
    assert_int_equal(c.n_events, 2);
    assert_null(strstr(c.events[0], "reply_to"));
    assert_non_null(strstr(c.events[1], "\"handle\":\"carl@far.example\""));
    collected_free(&c);
}

static void reblog_adds_its_own_post_and_account(void **state)
{
    (void)state;
    struct collected c;
    run("{'id':'1009','uri':'https://social.example/users/ana/statuses/1009/activity',"
        "'created_at':'2024-03-05T00:00:00Z','content':'','visibility':'public','account':" ANA
        ",'reblog':" CARL_REPLY "}",
        &c);
    assert_int_equal(c.n_records, 1);
    assert_int_equal(c.n_events, 4);
    assert_int_equal(c.event_types[0], VG_EV_POST);
    assert_int_equal(c.event_types[1], VG_EV_ACCOUNT);
    assert_int_equal(c.event_types[2], VG_EV_POST);
    assert_int_equal(c.event_types[3], VG_EV_ACCOUNT);
    assert_non_null(strstr(c.events[0], "\"text\":\"\",\"repost_of\":\"https://far.example/"
                                        "users/carl/statuses/9\""));
    assert_non_null(strstr(c.events[2], "\"id\":\"https://far.example/users/carl/statuses/9\""));
    assert_non_null(strstr(c.events[3], "\"id\":\"https://far.example/users/carl\""));
    /* The boosted status was fetched from social.example: its reply id is made global there. */
    assert_non_null(strstr(c.events[2], "\"reply_to\":\"https://social.example/api/v1/statuses/"
                                        "888\""));
    collected_free(&c);
}

static void quotes_name_the_quoted_status(void **state)
{
    (void)state;
    struct collected c;
    run("[{'id':'1010','uri':'https://social.example/users/ana/statuses/1010','created_at':"
        "'2024-03-06T00:00:00Z','content':'<p>look</p>','visibility':'public','account':" ANA
        ",'quote':{'state':'accepted','quoted_status':" CARL_REPLY "}},"
        "{'id':'1011','uri':'https://social.example/users/ana/statuses/1011','created_at':"
        "'2024-03-06T00:00:00Z','content':'<p>again</p>','visibility':'public','account':" ANA
        ",'quote':{'state':'accepted','quoted_status_id':'3001'}},"
        "{'id':'1012','uri':'https://social.example/users/ana/statuses/1012','created_at':"
        "'2024-03-06T00:00:00Z','content':'<p>wait</p>','visibility':'public','account':" ANA
        ",'quote':{'state':'pending','quoted_status':null}}]",
        &c);
    assert_int_equal(c.n_records, 3);
    assert_int_equal(c.n_rejects, 0);
    assert_int_equal(c.n_events, 8);
    assert_non_null(strstr(c.events[0], "\"quote_of\":\"https://far.example/users/carl/"
                                        "statuses/9\""));
    assert_non_null(strstr(c.events[2], "\"id\":\"https://far.example/users/carl/statuses/9\""));
    /* A ShallowQuote's local id, resolved through the status with that id in the document. */
    assert_non_null(strstr(c.events[4], "\"quote_of\":\"https://far.example/users/carl/"
                                        "statuses/9\""));
    assert_null(strstr(c.events[6], "quote_of"));
    collected_free(&c);
}

static void context_reads_ancestors_then_descendants(void **state)
{
    (void)state;
    struct collected c;
    run("{'ancestors':[" S1 "],'descendants':[" REPLY("1002", "1001", "1") ",7]}", &c);
    assert_int_equal(c.n_records, 3);
    assert_int_equal(c.n_rejects, 1);
    assert_string_equal(c.reasons[0], "item 2: expected an object, got number");
    assert_non_null(strstr(c.events[2], "\"reply_to\":\"https://social.example/users/ana/"
                                        "statuses/1001\""));
    collected_free(&c);
}

static void search_results_give_accounts_and_statuses(void **state)
{
    (void)state;
    struct collected c;
    run("{'accounts':[" CARL "],'statuses':[" S1 "],'hashtags':[{'name':'cafe'}]}", &c);
    assert_int_equal(c.n_records, 2);
    assert_int_equal(count_type(&c, VG_EV_ACCOUNT), 2);
    assert_int_equal(count_type(&c, VG_EV_POST), 1);
    /* Carl alone: observed when created, the only time the document gives. */
    assert_non_null(strstr(c.events[0], "\"observed_at\":\"2022-05-01T00:00:00Z\""));
    collected_free(&c);
}

static void notifications_give_the_acting_account(void **state)
{
    (void)state;
    struct collected c;
    run("[{'id':'1','type':'follow','created_at':'2024-04-01T12:00:00.000Z','account':" CARL "},"
        "{'id':'2','type':'mention','created_at':'2024-04-02T12:00:00.000Z','account':" ANA
        ",'status':" S1 "}]",
        &c);
    assert_int_equal(c.n_records, 2);
    assert_int_equal(c.n_rejects, 0);
    assert_int_equal(c.n_events, 4);
    assert_non_null(strstr(c.events[0], "\"id\":\"https://far.example/users/carl\""));
    assert_non_null(strstr(c.events[0], "\"observed_at\":\"2024-04-01T12:00:00Z\""));
    assert_int_equal(count_type(&c, VG_EV_FOLLOW), 0); /* the followed account is not named */
    assert_non_null(strstr(c.events[1], "\"observed_at\":\"2024-04-02T12:00:00Z\""));
    assert_int_equal(c.event_types[2], VG_EV_POST);
    collected_free(&c);
}

static void reports_name_target_and_posts(void **state)
{
    (void)state;
    struct collected c;
    /* The reporting user's view: status_ids are local to social.example (ana is local). */
    run("{'id':'48','category':'violation','comment':'invented comment','created_at':'2024-05-01"
        "T00:00:00Z','status_ids':['1001','2002'],'target_account':" ANA "}",
        &c);
    assert_int_equal(c.n_records, 1);
    assert_int_equal(c.n_events, 2);
    assert_string_equal(c.events[0],
                        "{\"type\":\"report\",\"platform\":\"mastodon\",\"id\":\"https://"
                        "social.example/api/v1/reports/48\",\"target\":\"https://social.example/"
                        "users/ana\",\"posts\":[\"https://social.example/api/v1/statuses/1001\","
                        "\"https://social.example/api/v1/statuses/2002\"],\"reason\":\"violation:"
                        " invented comment\",\"at\":\"2024-05-01T00:00:00Z\"}");
    collected_free(&c);

    /* An admin webhook: Admin::Accounts for reporter and target, whole statuses. */
    run("{'event':'report.created','created_at':'2024-05-02T00:00:00Z','object':{'id':'49',"
        "'category':'spam','comment':'','created_at':'2024-05-02T00:00:00Z','account':{'id':'1',"
        "'username':'ana','domain':null,'account':" ANA "},'target_account':{'id':'55','username':"
        "'carl','domain':'far.example','account':" CARL "},'statuses':[" CARL_REPLY "]}}",
        &c);
    assert_int_equal(c.n_records, 1);
    assert_int_equal(c.n_rejects, 0);
    assert_int_equal(count_type(&c, VG_EV_REPORT), 1);
    assert_string_equal(c.events[0],
                        "{\"type\":\"report\",\"platform\":\"mastodon\",\"id\":\"https://"
                        "social.example/api/v1/reports/49\",\"reporter\":\"https://"
                        "social.example/users/ana\",\"target\":\"https://far.example/users/"
                        "carl\",\"posts\":[\"https://far.example/users/carl/statuses/9\"],"
                        "\"reason\":\"spam\",\"at\":\"2024-05-02T00:00:00Z\"}");
    assert_int_equal(count_type(&c, VG_EV_POST), 1);
    collected_free(&c);
}

static void admin_account_and_instance_give_the_account(void **state)
{
    (void)state;
    struct collected c;
    run("{'id':'1','username':'ana','domain':null,'created_at':'2023-01-15T00:00:00Z','email':"
        "'ana@mail.example','ip':'192.0.2.1','account':" ANA "}",
        &c);
    assert_int_equal(c.n_events, 1);
    assert_non_null(strstr(c.events[0], "\"id\":\"https://social.example/users/ana\""));
    assert_null(strstr(c.events[0], "192.0.2.1"));
    collected_free(&c);

    run("{'domain':'far.example','title':'Far','contact':{'email':'x@far.example','account':" CARL
        "}}",
        &c);
    assert_int_equal(c.n_events, 1);
    assert_non_null(strstr(c.events[0], "\"handle\":\"carl@far.example\""));
    collected_free(&c);
}

static void moved_account_is_a_second_profile(void **state)
{
    (void)state;
    struct collected c;
    run("[{'id':'2','username':'dee','acct':'dee@old.example','url':'https://old.example/@dee',"
        "'uri':'https://old.example/users/dee','created_at':'2020-01-01T00:00:00Z','moved':" CARL
        "}]",
        &c);
    assert_int_equal(c.n_records, 1);
    assert_int_equal(count_type(&c, VG_EV_ACCOUNT), 2);
    assert_non_null(strstr(c.events[1], "\"id\":\"https://far.example/users/carl\""));
    collected_free(&c);
}

static void account_id_falls_back_to_url(void **state)
{
    (void)state;
    struct collected c;
    run("{'id':'3','username':'eve','acct':'eve','url':'https://old.example/@eve','created_at':"
        "'2019-01-01T00:00:00Z','last_status_at':'2019-06-01T08:00:00.000Z','followers_count':-1}",
        &c);
    assert_int_equal(c.n_events, 1);
    assert_string_equal(c.events[0],
                        "{\"type\":\"account\",\"platform\":\"mastodon\",\"id\":\"https://"
                        "old.example/@eve\",\"handle\":\"eve@old.example\",\"created_at\":"
                        "\"2019-01-01T00:00:00Z\",\"observed_at\":\"2019-06-01T08:00:00Z\"}");
    collected_free(&c);
}

static void bad_records_are_rejected_by_field(void **state)
{
    (void)state;
    struct collected c;
    static char acct[700], text[80000];
    memset(acct, 'a', 600);
    acct[600] = '\0';
    /* Missing account, missing uri, no time at all, wrong types. */
    run("[{'id':'1','uri':'https://social.example/s/1','created_at':'2024-01-01T00:00:00Z',"
        "'content':'x','visibility':'public','account':null},"
        "{'id':'2','created_at':'2024-01-01T00:00:00Z','content':'x','visibility':'public',"
        "'account':" ANA ",'uri':null},"
        "{'id':'4','username':'zed','acct':'zed','url':'https://social.example/@zed'},"
        "{'id':'5','uri':'https://social.example/s/5','created_at':'2024-01-01T00:00:00Z',"
        "'content':'x','visibility':'public','account':" ANA ",'tags':'x'},"
        "{'id':'6','uri':'https://social.example/s/6','created_at':'yesterday','content':'x',"
        "'visibility':'public','account':" ANA "},"
        "{'hello':'world','foo':1}]",
        &c);
    assert_int_equal(c.n_records, 6);
    assert_int_equal(c.n_rejects, 6);
    assert_string_equal(c.reasons[0], "field status.account: missing (the author of the status)");
    assert_string_equal(c.reasons[1], "field status.uri: missing (the status's global id)");
    assert_string_equal(c.reasons[2], "field account.created_at: missing (no time in the "
                                      "document tells when the profile was seen)");
    assert_string_equal(c.reasons[3], "field status.tags: expected an array, got string");
    assert_string_equal(c.reasons[4], "field status.created_at: \"yesterday\" is not a time");
    assert_string_equal(c.reasons[5], "the object is not a Mastodon entity this reader knows "
                                      "(Status, Account, Notification, Report, Admin::Account, "
                                      "Quote, Instance, webhook); its members: hello, foo");
    collected_free(&c);

    /* Invalid UTF-8, an over-long handle, an over-long text. */
    const char bad_utf8[] = "{\"id\":\"1\",\"uri\":\"https://social.example/s/1\",\"created_at\":"
                            "\"2024-01-01T00:00:00Z\",\"visibility\":\"public\",\"content\":"
                            "\"<p>\xC3\x28</p>\",\"account\":{\"id\":\"1\",\"username\":\"a\","
                            "\"acct\":\"a\",\"uri\":\"https://social.example/users/a\"}}";
    assert_int_equal(collect_mem(bad_utf8, sizeof(bad_utf8) - 1, VG_FORMAT_MASTODON, NULL, &c),
                     VG_OK);
    assert_int_equal(c.n_rejects, 1);
    assert_string_equal(c.reasons[0], "field status.content: invalid UTF-8");
    collected_free(&c);

    static char doc[200000];
    snprintf(doc, sizeof(doc),
             "{\"id\":\"1\",\"uri\":\"https://social.example/s/1\",\"created_at\":\"2024-01-01\","
             "\"visibility\":\"public\",\"content\":\"x\",\"account\":{\"id\":\"1\",\"username\":"
             "\"a\",\"acct\":\"%s\",\"uri\":\"https://social.example/users/a\"}}",
             acct);
    assert_int_equal(collect_mem(doc, strlen(doc), VG_FORMAT_MASTODON, NULL, &c), VG_OK);
    assert_string_equal(c.reasons[0],
                        "field status.account.acct: 600 bytes, over the limit of 512");
    collected_free(&c);
    memset(text, 'w', 70000);
    text[70000] = '\0';
    snprintf(doc, sizeof(doc),
             "{\"id\":\"1\",\"uri\":\"https://social.example/s/1\",\"created_at\":\"2024-01-01\","
             "\"visibility\":\"public\",\"content\":\"<p>%s</p>\",\"account\":{\"id\":\"1\","
             "\"username\":\"a\",\"acct\":\"a\",\"uri\":\"https://social.example/users/a\"}}",
             text);
    assert_int_equal(collect_mem(doc, strlen(doc), VG_FORMAT_MASTODON, NULL, &c), VG_OK);
    assert_string_equal(c.reasons[0], "field status.content: text over the limit of 65536 bytes");
    collected_free(&c);
}

static void empty_and_odd_documents(void **state)
{
    (void)state;
    struct collected c;
    const char empty[] = "[]";
    assert_int_equal(collect_mem(empty, 2, VG_FORMAT_MASTODON, NULL, &c), VG_OK);
    assert_int_equal(c.n_records, 0);
    collected_free(&c);
    const char number[] = "42";
    assert_int_equal(collect_mem(number, 2, VG_FORMAT_MASTODON, NULL, &c), VG_OK);
    assert_int_equal(c.n_rejects, 1);
    assert_string_equal(c.reasons[0], "a Mastodon document is a JSON object or array, got number");
    collected_free(&c);
    run("{'ancestors':{},'descendants':[]}", &c);
    assert_int_equal(c.n_rejects, 1);
    assert_string_equal(c.reasons[0], "field ancestors: expected an array, got object");
    collected_free(&c);
}

static void detection_finds_every_mastodon_shape(void **state)
{
    (void)state;
    static const char *const docs[] = {
        "[" S1 "]",
        ANA,
        "[{'id':'1','type':'follow','created_at':'2024-04-01T12:00:00Z','account':" CARL "}]",
        "{'id':'48','created_at':'2024-05-01T00:00:00Z','status_ids':[],'target_account':" ANA "}",
        "{'id':'1','username':'ana','domain':null,'account':" ANA "}",
        "{'state':'accepted','quoted_status':" S1 "}",
        "{'uri':'social.example','title':'x','contact_account':" ANA "}",
        "{'event':'account.created','created_at':'2024-05-02T00:00:00Z','object':{}}",
        "{'accounts':[],'statuses':[],'hashtags':[]}",
        "{'ancestors':[],'descendants':[]}",
    };
    for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        char *doc = json_fixture(docs[i]);
        assert_int_equal(vg_format_detect(doc, strlen(doc)), VG_FORMAT_MASTODON);
        free(doc);
    }
}

/* ---- the real files ------------------------------------------------------------------------ */

struct real_file {
    const char *path;
    size_t records, rejected, posts, accounts, reports;
};

/* Every file of the set; none is rejected. Accounts outnumber records where a status carries
 * its author, an account has moved (a second profile), or a report names two accounts. */
static const struct real_file real_files[] = {
    { "rest_with_status/admin_webhooks_L43.json", 1, 0, 1, 3, 1 },
    { "rest_with_status/entities_Quote_L14.json", 1, 0, 1, 1, 0 },
    { "rest_with_status/entities_Status_L21.json", 1, 0, 1, 1, 0 },
    { "rest_with_status/methods_statuses_L183.json", 1, 0, 1, 1, 0 },
    { "rest_with_status/methods_statuses_L299.json", 1, 0, 1, 1, 0 },
    { "rest_account_only/entities_Account_L37.json", 1, 0, 0, 1, 0 },
    { "rest_account_only/entities_Admin_Account_L21.json", 1, 0, 0, 1, 0 },
    { "rest_account_only/entities_Instance_L17.json", 1, 0, 0, 1, 0 },
    { "rest_account_only/entities_Report_L17.json", 1, 0, 0, 1, 1 },
    { "rest_account_only/entities_V1_Instance_L17.json", 1, 0, 0, 1, 0 },
    { "rest_account_only/methods_accounts_L183.json", 1, 0, 0, 1, 0 },
    { "rest_account_only/methods_accounts_L2025.json", 2, 0, 0, 2, 0 },
    { "rest_account_only/methods_accounts_L462.json", 1, 0, 0, 1, 0 },
    { "rest_account_only/methods_accounts_L609.json", 1, 0, 0, 1, 0 },
    { "rest_account_only/methods_accounts_L654.json", 1, 0, 0, 1, 0 },
    { "rest_account_only/methods_accounts_L722.json", 1, 0, 0, 1, 0 },
    { "rest_account_only/methods_accounts_L808.json", 1, 0, 0, 1, 0 },
    { "rest_account_only/methods_admin_accounts_L501.json", 1, 0, 0, 1, 0 },
    { "rest_account_only/methods_admin_accounts_L607.json", 1, 0, 0, 1, 0 },
    { "rest_account_only/methods_endorsements_L56.json", 2, 0, 0, 2, 0 },
    { "rest_account_only/methods_instance_L41.json", 1, 0, 0, 1, 0 },
    { "rest_account_only/methods_instance_L912.json", 1, 0, 0, 1, 0 },
    { "rest_account_only/methods_profile_L223.json", 1, 0, 0, 1, 0 },
    { "rest_account_only/methods_profile_L307.json", 1, 0, 0, 1, 0 },
    { "rest_account_only/methods_reports_L72.json", 1, 0, 0, 1, 1 },
    { "rtoot-vcr/get_account_bookmarks_default_0.json", 3, 0, 3, 3, 0 },
    { "rtoot-vcr/get_account_default_0.json", 1, 0, 0, 1, 0 },
    { "rtoot-vcr/get_account_favourites_default_0.json", 3, 0, 3, 3, 0 },
    { "rtoot-vcr/get_account_followers_default_0.json", 3, 0, 0, 3, 0 },
    { "rtoot-vcr/get_account_following_default_0.json", 3, 0, 0, 3, 0 },
    { "rtoot-vcr/get_account_statuses_default_0.json", 20, 0, 20, 20, 0 },
    { "rtoot-vcr/get_account_statuses_limit_0.json", 20, 0, 20, 20, 0 },
    { "rtoot-vcr/get_account_statuses_limit_1.json", 20, 0, 20, 20, 0 },
    { "rtoot-vcr/get_account_statuses_limit_2.json", 20, 0, 21, 21, 0 },
    { "rtoot-vcr/get_account_statuses_limit_3.json", 20, 0, 20, 20, 0 },
    { "rtoot-vcr/get_account_statuses_limit_4.json", 20, 0, 20, 20, 0 },
    { "rtoot-vcr/get_context_anonymous_0.json", 59, 0, 59, 70, 0 },
    { "rtoot-vcr/get_context_with_ancesters_0.json", 1, 0, 1, 1, 0 },
    { "rtoot-vcr/get_favourited_by_anonymous_0.json", 40, 0, 0, 42, 0 },
    { "rtoot-vcr/get_instance_directory_anonymous_false_0.json", 3, 0, 0, 3, 0 },
    { "rtoot-vcr/get_instance_directory_default_0.json", 3, 0, 0, 3, 0 },
    { "rtoot-vcr/get_instance_general_anonymous_false_0.json", 1, 0, 0, 1, 0 },
    { "rtoot-vcr/get_instance_general_default_0.json", 1, 0, 0, 1, 0 },
    { "rtoot-vcr/get_instance_rules_default_0.json", 1, 0, 0, 1, 0 },
    { "rtoot-vcr/get_list_accounts_0.json", 1, 0, 0, 1, 0 },
    { "rtoot-vcr/get_reblogged_by_anonymous_0.json", 40, 0, 0, 44, 0 },
    { "rtoot-vcr/get_status_anonymous_0.json", 1, 0, 1, 1, 0 },
    { "rtoot-vcr/get_status_default_0.json", 1, 0, 1, 1, 0 },
    { "rtoot-vcr/get_timeline_hashtag_anonymous_0.json", 5, 0, 5, 5, 0 },
    { "rtoot-vcr/get_timeline_hashtag_default_0.json", 5, 0, 5, 5, 0 },
    { "rtoot-vcr/get_timeline_home_default_0.json", 5, 0, 5, 5, 0 },
    { "rtoot-vcr/get_timeline_list_default_0.json", 4, 0, 4, 4, 0 },
    { "rtoot-vcr/get_timeline_public_anonymous_0.json", 20, 0, 20, 20, 0 },
    { "rtoot-vcr/get_timeline_public_default_0.json", 20, 0, 20, 20, 0 },
    { "rtoot-vcr/get_timeline_public_instance_local_0.json", 10, 0, 10, 10, 0 },
    { "rtoot-vcr/get_timeline_public_notparse_0.json", 20, 0, 20, 20, 0 },
    { "rtoot-vcr/handle_params_max_id_0.json", 40, 0, 40, 40, 0 },
    { "rtoot-vcr/handle_params_max_id_1.json", 40, 0, 40, 40, 0 },
    { "rtoot-vcr/handle_params_max_id_2.json", 40, 0, 40, 40, 0 },
    { "rtoot-vcr/handle_params_max_id_3.json", 40, 0, 40, 41, 0 },
    { "rtoot-vcr/process_request_bigger_0.json", 10, 0, 10, 10, 0 },
    { "rtoot-vcr/process_request_bigger_1.json", 10, 0, 10, 10, 0 },
    { "rtoot-vcr/process_request_equal1_0.json", 20, 0, 20, 20, 0 },
    { "rtoot-vcr/process_request_smaller_0.json", 20, 0, 20, 20, 0 },
    { "rtoot-vcr/rtoot_examples_0.json", 2, 0, 0, 2, 0 },
    { "rtoot-vcr/rtoot_examples_1.json", 3, 0, 0, 3, 0 },
    { "rtoot-vcr/rtoot_examples_2.json", 20, 0, 20, 20, 0 },
    { "rtoot-vcr/search_accounts_default_0.json", 3, 0, 0, 3, 0 },
    { "rtoot-vcr/search_accounts_noparse_0.json", 5, 0, 0, 5, 0 },
};

static void read_real(const char *rel, struct collected *c)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", MASTODON_DATA, rel);
    /* Detected, not forced: the detector must recognise every real shape. */
    assert_int_equal(collect_file(path, VG_FORMAT_AUTO, c), VG_OK);
}

/* A set of strings (post ids), to count distinct ones across files. */
struct idset {
    char **v;
    size_t n;
};

static void idset_add(struct idset *s, const char *json_event)
{
    const char *p = strstr(json_event, "\"id\":\"");
    assert_non_null(p);
    p += 6;
    size_t len = strcspn(p, "\"");
    for (size_t i = 0; i < s->n; i++)
        if (strlen(s->v[i]) == len && !memcmp(s->v[i], p, len))
            return;
    s->v = realloc(s->v, (s->n + 1) * sizeof(*s->v));
    s->v[s->n++] = strndup(p, len);
}

static void every_real_file_reads_cleanly(void **state)
{
    (void)state;
    struct idset posts = { 0 };
    for (size_t i = 0; i < sizeof(real_files) / sizeof(real_files[0]); i++) {
        const struct real_file *f = &real_files[i];
        struct collected c;
        read_real(f->path, &c);
        if (c.n_records != f->records || c.n_rejects != f->rejected ||
            count_type(&c, VG_EV_POST) != f->posts ||
            count_type(&c, VG_EV_ACCOUNT) != f->accounts ||
            count_type(&c, VG_EV_REPORT) != f->reports)
            fail_msg("%s: %zu records, %zu rejected (%s), %zu posts, %zu accounts, %zu reports",
                     f->path, c.n_records, c.n_rejects, c.n_rejects ? c.reasons[0] : "-",
                     count_type(&c, VG_EV_POST), count_type(&c, VG_EV_ACCOUNT),
                     count_type(&c, VG_EV_REPORT));
        for (size_t k = 0; k < c.n_events; k++)
            if (c.event_types[k] == VG_EV_POST)
                idset_add(&posts, c.events[k]);
        collected_free(&c);
    }
    /* SOURCE.md counts 432 distinct Status objects, de-duplicated by uri. */
    assert_int_equal(posts.n, 432);
    for (size_t i = 0; i < posts.n; i++)
        free(posts.v[i]);
    free(posts.v);
}

static void real_status_fields(void **state)
{
    (void)state;
    struct collected c;
    read_real("rtoot-vcr/get_status_default_0.json", &c);
    assert_int_equal(c.n_events, 2);
    assert_non_null(strstr(c.events[0], "\"id\":\"https://fosstodon.org/users/schochastics/"
                                        "statuses/114620457512351116\",\"account\":\"https://"
                                        "fosstodon.org/users/schochastics\",\"created_at\":"
                                        "\"2025-06-03T16:49:43Z\""));
    assert_non_null(strstr(c.events[0], "\"lang\":\"en\""));
    assert_null(strstr(c.events[0], "reply_to"));
    assert_non_null(strstr(c.events[1], "\"handle\":\"schochastics@fosstodon.org\""));
    collected_free(&c);

    /* The one boost of the set: the wrapper's uri ends in /activity. */
    read_real("rtoot-vcr/get_account_statuses_limit_2.json", &c);
    long i = find_event(&c, "\"repost_of\":");
    assert_true(i >= 0);
    assert_non_null(strstr(c.events[i], "\"id\":\"https://fosstodon.org/users/schochastics/"
                                        "statuses/112526202686547299/activity\""));
    assert_non_null(strstr(c.events[i], "\"text\":\"\",\"repost_of\":\"https://fosstodon.org/"
                                        "users/termehs/statuses/112525606646148711\""));
    assert_int_equal(c.event_types[i + 2], VG_EV_POST);
    assert_non_null(strstr(c.events[i + 2], "\"id\":\"https://fosstodon.org/users/termehs/"
                                            "statuses/112525606646148711\""));
    collected_free(&c);
}

static void real_context_replies_resolve(void **state)
{
    (void)state;
    static const char root[] = "\"reply_to\":\"https://mastodon.social/users/austinkocher/"
                               "statuses/109294719267373593\"";
    struct collected c;
    size_t to_root = 0, in_doc = 0, other = 0;
    read_real("rtoot-vcr/get_context_anonymous_0.json", &c);
    for (size_t i = 0; i < c.n_events; i++) {
        const char *r = strstr(c.events[i], "\"reply_to\":\"");
        char needle[600];
        if (!r)
            continue;
        snprintf(needle, sizeof(needle), "\"id\":\"%.*s\"", (int)strcspn(r + 12, "\""), r + 12);
        if (strstr(c.events[i], root))
            to_root++;
        else if (find_event(&c, needle) >= 0)
            in_doc++;
        else
            other++;
    }
    /* All 59 statuses are replies. The thread's root (109294719267373593, a local status of a
     * local account) is not in its own context: its uri follows the server's pattern. The 16
     * others reply to statuses of the response itself. */
    assert_int_equal(to_root, 43);
    assert_int_equal(in_doc, 16);
    assert_int_equal(other, 0);
    collected_free(&c);
}

static void real_report_and_notification_fields(void **state)
{
    (void)state;
    struct collected c;
    read_real("rest_account_only/entities_Report_L17.json", &c);
    assert_string_equal(c.events[0],
                        "{\"type\":\"report\",\"platform\":\"mastodon\",\"id\":\"https://"
                        "mastodon.social/api/v1/reports/48914\",\"target\":\"https://"
                        "mastodon.social/@Baluke\",\"posts\":[\"https://mastodon.social/api/v1/"
                        "statuses/108882889550545820\"],\"reason\":\"spam: Spam account\","
                        "\"at\":\"2022-08-25T09:56:16Z\"}");
    collected_free(&c);

    read_real("rtoot-vcr/rtoot_examples_1.json", &c);
    assert_int_equal(c.n_events, 3);
    assert_non_null(strstr(c.events[0], "\"id\":\"https://fosstodon.org/users/diegantobass\""));
    assert_non_null(strstr(c.events[0], "\"observed_at\":\"2025-07-17T11:54:21Z\""));
    assert_non_null(strstr(c.events[2], "\"observed_at\":\"2025-07-13T19:34:47Z\""));
    collected_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(status_maps_every_field),
        cmocka_unit_test(reply_ids_become_global),
        cmocka_unit_test(reblog_adds_its_own_post_and_account),
        cmocka_unit_test(quotes_name_the_quoted_status),
        cmocka_unit_test(context_reads_ancestors_then_descendants),
        cmocka_unit_test(search_results_give_accounts_and_statuses),
        cmocka_unit_test(notifications_give_the_acting_account),
        cmocka_unit_test(reports_name_target_and_posts),
        cmocka_unit_test(admin_account_and_instance_give_the_account),
        cmocka_unit_test(moved_account_is_a_second_profile),
        cmocka_unit_test(account_id_falls_back_to_url),
        cmocka_unit_test(bad_records_are_rejected_by_field),
        cmocka_unit_test(empty_and_odd_documents),
        cmocka_unit_test(detection_finds_every_mastodon_shape),
        cmocka_unit_test(every_real_file_reads_cleanly),
        cmocka_unit_test(real_status_fields),
        cmocka_unit_test(real_context_replies_resolve),
        cmocka_unit_test(real_report_and_notification_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
