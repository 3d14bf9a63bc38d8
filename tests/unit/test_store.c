/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_store.c: the SQLite store: idempotent puts, account profiles and history, migrations
 * (13 to 14 on a store made as version 13 kept its data), avatar picture hashes,
 * a locked database, a file that is not a database, statistics, and consistency after a kill.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "ingest.h"
#include "store.h"

static void remove_with_sides(const char *p)
{
    unlink(p);
    char side[300];
    snprintf(side, sizeof(side), "%s-wal", p);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", p);
    unlink(side);
}

static char *temp_path(const char *suffix)
{
    char *p = malloc(256);
    snprintf(p, 256, "/tmp/vigie-test-%d-%s", (int)getpid(), suffix);
    remove_with_sides(p);
    return p;
}

/* Tests leave nothing behind in /tmp. */
static void release_path(char *p)
{
    remove_with_sides(p);
    free(p);
}

static int64_t count(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *s;
    int64_t n = -1;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        return -1;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return n;
}

static struct vg_event post(const char *id, const char *account, int64_t at, const char *text)
{
    struct vg_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = VG_EV_POST;
    ev.platform = "test";
    ev.u.post.id = id;
    ev.u.post.account = account;
    ev.u.post.created_at = at;
    ev.u.post.text = text;
    return ev;
}

static struct vg_event account(const char *id, const char *handle, int64_t followers, int64_t at)
{
    struct vg_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = VG_EV_ACCOUNT;
    ev.u.account.id = id;
    ev.u.account.handle = handle;
    ev.u.account.name = "Invented Name";
    ev.u.account.followers = followers;
    ev.u.account.following = -1;
    ev.u.account.posts = -1;
    ev.u.account.created_at = VG_TIME_UNKNOWN;
    ev.u.account.observed_at = at;
    return ev;
}

static void posts_are_stored_once(void **state)
{
    (void)state;
    char *path = temp_path("posts.db");
    vg_db *db;
    assert_int_equal(vg_db_open(path, &db), VG_OK);
    enum vg_put_result res;
    const char *tags[] = { "Weather", "weather", "MÉTÉO" };
    struct vg_event ev = post("p1", "a1", 1700000000,
                              "Rain again #Weather https://Example.org:443/x?utm_source=y#top");
    ev.u.post.hashtags.v = tags;
    ev.u.post.hashtags.n = 3;
    const char *urls[] = { "https://Example.org:443/x?utm_source=y#top" };
    ev.u.post.urls.v = urls;
    ev.u.post.urls.n = 1;
    assert_int_equal(vg_db_put(db, &ev, &res), VG_OK);
    assert_int_equal(res, VG_PUT_NEW);
    assert_int_equal(vg_db_put(db, &ev, &res), VG_OK);
    assert_int_equal(res, VG_PUT_DUPLICATE);
    assert_int_equal(vg_db_flush(db), VG_OK);
    vg_db_close(db);
    assert_int_equal(count(path, "SELECT count(*) FROM posts"), 1);
    /* Hashtags are case folded and deduplicated; URLs canonical, with their domain. */
    assert_int_equal(count(path, "SELECT count(*) FROM post_hashtags"), 2);
    assert_int_equal(count(path, "SELECT count(*) FROM post_hashtags WHERE tag = 'weather'"), 1);
    assert_int_equal(count(path, "SELECT count(*) FROM post_hashtags WHERE tag = 'meteo'"), 1);
    assert_int_equal(count(path, "SELECT count(*) FROM post_urls WHERE url = "
                                 "'https://example.org/x' AND domain = 'example.org'"),
                     1);
    /* The language was identified from the text (the event gave none). */
    assert_int_equal(count(path, "SELECT lang_identified FROM posts WHERE id = 'p1'"), 1);
    release_path(path);
}

static void accounts_keep_latest_profile_and_history(void **state)
{
    (void)state;
    char *path = temp_path("accounts.db");
    vg_db *db;
    assert_int_equal(vg_db_open(path, &db), VG_OK);
    enum vg_put_result res;
    struct vg_event a = account("a1", "first_handle", 10, 1000);
    assert_int_equal(vg_db_put(db, &a, &res), VG_OK);
    assert_int_equal(res, VG_PUT_NEW);
    assert_int_equal(vg_db_put(db, &a, &res), VG_OK);
    assert_int_equal(res, VG_PUT_DUPLICATE);
    /* Later, more followers: the profile updates, the identity (history) does not change. */
    a = account("a1", "first_handle", 25, 2000);
    assert_int_equal(vg_db_put(db, &a, &res), VG_OK);
    assert_int_equal(res, VG_PUT_UPDATED);
    /* Later still, a new handle: history gains a row. */
    a = account("a1", "second_handle", 30, 3000);
    assert_int_equal(vg_db_put(db, &a, &res), VG_OK);
    assert_int_equal(res, VG_PUT_UPDATED);
    /* An older snapshot with a handle never seen: history only; the latest stays. */
    a = account("a1", "zeroth_handle", 5, 500);
    assert_int_equal(vg_db_put(db, &a, &res), VG_OK);
    assert_int_equal(res, VG_PUT_UPDATED);
    assert_int_equal(vg_db_put(db, &a, &res), VG_OK);
    assert_int_equal(res, VG_PUT_DUPLICATE);
    /* An older snapshot of a known identity is a duplicate. */
    a = account("a1", "first_handle", 12, 1500);
    assert_int_equal(vg_db_put(db, &a, &res), VG_OK);
    assert_int_equal(res, VG_PUT_DUPLICATE);
    vg_db_close(db);
    assert_int_equal(count(path, "SELECT count(*) FROM accounts"), 1);
    assert_int_equal(count(path, "SELECT followers FROM accounts WHERE handle = 'second_handle'"),
                     30);
    assert_int_equal(count(path, "SELECT first_seen FROM accounts"), 500);
    assert_int_equal(count(path, "SELECT count(*) FROM account_identities"), 3);
    assert_int_equal(count(path, "SELECT last_seen FROM account_identities WHERE handle = "
                                 "'first_handle'"),
                     2000);
    /* Past identities are history rows; the current one lives in the accounts row. */
    assert_int_equal(count(path, "SELECT count(*) FROM account_history"), 2);
    assert_int_equal(count(path, "SELECT first_seen FROM account_identities WHERE handle = "
                                 "'second_handle'"),
                     3000);
    release_path(path);
}

/* An account that goes back to an earlier identity: both sightings merge in one identity. */
static void identities_keep_first_and_last_sighting(void **state)
{
    (void)state;
    char *path = temp_path("identities.db");
    vg_db *db;
    assert_int_equal(vg_db_open(path, &db), VG_OK);
    enum vg_put_result res;

    const struct {
        const char *handle;
        int64_t followers, at;
    } seen[] = {
        { "h1", 1, 100 }, { "h1", 2, 200 }, { "h2", 3, 300 }, { "h1", 4, 400 }, { "h1", 5, 500 }
    };

    for (size_t i = 0; i < VG_ARRAY_LEN(seen); i++) {
        struct vg_event a = account("a2", seen[i].handle, seen[i].followers, seen[i].at);
        assert_int_equal(vg_db_put(db, &a, &res), VG_OK);
        assert_int_equal(res, i == 0 ? VG_PUT_NEW : VG_PUT_UPDATED);
    }
    vg_db_close(db);
    assert_int_equal(count(path, "SELECT count(*) FROM account_identities"), 2);
    assert_int_equal(count(path, "SELECT first_seen FROM account_identities WHERE handle='h1'"),
                     100);
    assert_int_equal(count(path, "SELECT last_seen FROM account_identities WHERE handle='h1'"),
                     500);
    assert_int_equal(count(path, "SELECT first_seen FROM account_identities WHERE handle='h2'"),
                     300);
    assert_int_equal(count(path, "SELECT last_seen FROM account_identities WHERE handle='h2'"),
                     300);
    assert_int_equal(count(path, "SELECT ident_since FROM accounts WHERE id='a2'"), 400);
    release_path(path);
}

static void edges_reports_deletions_are_idempotent(void **state)
{
    (void)state;
    char *path = temp_path("edges.db");
    vg_db *db;
    assert_int_equal(vg_db_open(path, &db), VG_OK);
    enum vg_put_result res;
    struct vg_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = VG_EV_FOLLOW;
    ev.u.edge.src = "a";
    ev.u.edge.dst = "b";
    ev.u.edge.at = VG_TIME_UNKNOWN; /* follower lists carry no time: still one edge */
    assert_int_equal(vg_db_put(db, &ev, &res), VG_OK);
    assert_int_equal(res, VG_PUT_NEW);
    assert_int_equal(vg_db_put(db, &ev, &res), VG_OK);
    assert_int_equal(res, VG_PUT_DUPLICATE);
    ev.type = VG_EV_UNFOLLOW;
    ev.u.edge.at = 100;
    assert_int_equal(vg_db_put(db, &ev, &res), VG_OK);
    assert_int_equal(res, VG_PUT_NEW);

    memset(&ev, 0, sizeof(ev));
    ev.type = VG_EV_REPORT;
    ev.u.report.reporter = "r";
    ev.u.report.target = "t";
    ev.u.report.at = 50;
    assert_int_equal(vg_db_put(db, &ev, &res), VG_OK);
    assert_int_equal(res, VG_PUT_NEW);
    assert_int_equal(vg_db_put(db, &ev, &res), VG_OK);
    assert_int_equal(res, VG_PUT_DUPLICATE);
    ev.u.report.reason = "different reason, different report";
    assert_int_equal(vg_db_put(db, &ev, &res), VG_OK);
    assert_int_equal(res, VG_PUT_NEW);

    memset(&ev, 0, sizeof(ev));
    ev.type = VG_EV_SUSPENSION;
    ev.u.moderation.account = "t";
    ev.u.moderation.at = 60;
    assert_int_equal(vg_db_put(db, &ev, &res), VG_OK);
    assert_int_equal(vg_db_put(db, &ev, &res), VG_OK);
    assert_int_equal(res, VG_PUT_DUPLICATE);

    char *json = NULL;
    assert_int_equal(vg_db_stats_json(db, 5, &json), VG_OK);
    assert_non_null(strstr(json, "\"follows\":1,\"unfollows\":1,\"suspensions\":1"));
    assert_non_null(strstr(json, "\"reports\":2"));
    assert_non_null(strstr(json, "\"posts_from\":null"));
    vg_free(json);
    vg_db_close(db);
    release_path(path);
}

static void schema_is_versioned(void **state)
{
    (void)state;
    char *path = temp_path("schema.db");
    vg_db *db;
    assert_int_equal(vg_db_open(path, &db), VG_OK);
    int v = vg_db_schema_version(db);
    assert_true(v >= 1);
    vg_db_close(db);
    /* Re-opening migrates nothing. */
    assert_int_equal(vg_db_open(path, &db), VG_OK);
    vg_db_close(db);
    assert_int_equal(count(path, "SELECT count(*) FROM schema_version"), v);
    /* A file from a newer vigie is refused, not damaged. */
    sqlite3 *raw;
    assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
    assert_int_equal(
            sqlite3_exec(raw, "INSERT INTO schema_version VALUES (999, 0)", NULL, NULL, NULL),
            SQLITE_OK);
    sqlite3_close(raw);
    assert_int_equal(vg_db_open(path, &db), VG_ESCHEMA);
    assert_null(db);
    release_path(path);
}

/* Schema 13, as a store of that version was: without the avatar's picture hash. */
static const char schema_13[] =
        "DROP VIEW account_identities;"
        "ALTER TABLE accounts DROP COLUMN avatar_pdq;"
        "ALTER TABLE accounts DROP COLUMN avatar_pdq_quality;"
        "ALTER TABLE account_history DROP COLUMN avatar_pdq;"
        "ALTER TABLE account_history DROP COLUMN avatar_pdq_quality;"
        "CREATE VIEW account_identities AS"
        " SELECT account, ident_hash, handle, name, bio, avatar_url,"
        "  min(first_seen) AS first_seen, max(last_seen) AS last_seen FROM ("
        "  SELECT account, ident_hash, handle, name, bio, avatar_url, first_seen, last_seen"
        "   FROM account_history"
        "  UNION ALL"
        "  SELECT id, ident_hash, handle, name, bio, avatar_url, ident_since, observed_at"
        "   FROM accounts WHERE ident_hash IS NOT NULL)"
        " GROUP BY account, ident_hash;"
        "DROP TABLE return_rejections;" /* version 15 */
        "DELETE FROM schema_version WHERE version >= 14;";

#define AVATAR_PDQ "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b23"

static enum vg_put_result put_pictured(vg_db *db, const char *handle, const char *url,
                                       const char *pdq, int64_t at)
{
    struct vg_event a = account("a1", handle, 10, at);
    a.u.account.avatar_url = url;
    a.u.account.avatar_pdq = pdq;
    a.u.account.avatar_pdq_quality = pdq ? 93 : -1;
    enum vg_put_result res;
    assert_int_equal(vg_db_put(db, &a, &res), VG_OK);
    assert_int_equal(vg_db_flush(db), VG_OK); /* for count(), another connection */
    return res;
}

static vg_status count_pictured(const struct vg_scan_row *r, void *ud)
{
    if (r->avatar_pdq) {
        assert_string_equal(r->avatar_pdq, AVATAR_PDQ);
        assert_int_equal(r->avatar_pdq_quality, 93);
        ++*(int *)ud;
    }
    return VG_OK;
}

/* A store made as version 13 (accounts with history) migrates to 14 with its identities kept:
 * the same profile is still a duplicate (the picture's hash joins an identity's hash only when
 * known), and a picture's hash then lands with the identity and in the identities scan. */
static void migration_13_to_14_keeps_identities(void **state)
{
    (void)state;
    char *path = temp_path("v13.db");
    vg_db *db;
    const char *url = "https://img.example/a1.jpg";
    assert_int_equal(vg_db_open(path, &db), VG_OK);
    assert_int_equal(put_pictured(db, "old_handle", url, NULL, 1700000000), VG_PUT_NEW);
    assert_int_equal(put_pictured(db, "new_handle", url, NULL, 1700003600), VG_PUT_UPDATED);
    vg_db_close(db);
    sqlite3 *raw;
    assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
    assert_int_equal(sqlite3_exec(raw, schema_13, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(raw);
    assert_int_equal(count(path, "SELECT max(version) FROM schema_version"), 13);

    assert_int_equal(vg_db_open(path, &db), VG_OK);
    assert_int_equal(vg_db_schema_version(db), 15); /* through 14 to the latest */
    assert_int_equal(count(path, "SELECT count(*) FROM account_identities"), 2);
    assert_int_equal(count(path, "SELECT count(*) FROM accounts WHERE avatar_pdq IS NULL"), 1);
    assert_int_equal(put_pictured(db, "new_handle", url, NULL, 1700003600), VG_PUT_DUPLICATE);
    /* The picture's hash arrives: a new identity, the one it leaves goes to history. */
    assert_int_equal(put_pictured(db, "new_handle", url, AVATAR_PDQ, 1700007200), VG_PUT_UPDATED);
    assert_int_equal(count(path, "SELECT count(*) FROM account_identities"), 3);
    /* A later snapshot of the same URL without the hash keeps it: nothing changed. */
    assert_int_equal(put_pictured(db, "new_handle", url, NULL, 1700010800), VG_PUT_DUPLICATE);
    assert_int_equal(count(path, "SELECT count(*) FROM accounts WHERE avatar_pdq_quality = 93"), 1);
    /* A new URL without a hash: the hash stays with the identity it belonged to. */
    assert_int_equal(
            put_pictured(db, "new_handle", "https://img.example/a1-b.jpg", NULL, 1700014400),
            VG_PUT_UPDATED);
    assert_int_equal(count(path, "SELECT count(*) FROM accounts WHERE avatar_pdq IS NULL"), 1);
    assert_int_equal(
            count(path, "SELECT count(*) FROM account_history WHERE avatar_pdq = '" AVATAR_PDQ "'"),
            1);
    int pictured = 0;
    assert_int_equal(vg__db_scan(db, VG_SCAN_IDENTITIES, VG_TIME_UNKNOWN, VG_TIME_UNKNOWN,
                                 count_pictured, &pictured),
                     VG_OK);
    assert_int_equal(pictured, 1);
    vg_db_close(db);
    release_path(path);
}

static void not_a_database_is_refused(void **state)
{
    (void)state;
    char *path = temp_path("garbage.db");
    FILE *f = fopen(path, "w");
    for (int i = 0; i < 200; i++)
        fputs("this is not a database file, just text\n", f);
    fclose(f);
    vg_db *db;
    assert_int_equal(vg_db_open(path, &db), VG_EDB);
    assert_null(db);
    unlink(path);
    release_path(path);
}

static void locked_database_is_reported(void **state)
{
    (void)state;
    char *path = temp_path("locked.db");
    vg_db *db;
    assert_int_equal(vg_db_open(path, &db), VG_OK);
    sqlite3 *other;
    assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
    assert_int_equal(sqlite3_exec(other, "BEGIN EXCLUSIVE", NULL, NULL, NULL), SQLITE_OK);
    enum vg_put_result res;
    struct vg_event ev = post("p1", "a1", 1, "x");
    assert_int_equal(vg_db_put(db, &ev, &res), VG_EBUSY);
    assert_non_null(strstr(vg_db_errmsg(db), "locked"));
    sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(other);
    /* Once the other writer is gone, the same handle works again. */
    assert_int_equal(vg_db_put(db, &ev, &res), VG_OK);
    assert_int_equal(res, VG_PUT_NEW);
    vg_db_close(db);
    release_path(path);
}

static int64_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (int64_t)st.st_size : -1;
}

/* Commits leave pages in the WAL; the background checkpointer copies them into the database file
 * while the writer goes on, and closing leaves no WAL behind. */
static void background_checkpoints_copy_the_wal(void **state)
{
    (void)state;
    char *path = temp_path("ckpt.db");
    char wal[300];
    snprintf(wal, sizeof(wal), "%s-wal", path);
    vg_db *db;
    assert_int_equal(vg_db_open(path, &db), VG_OK);
    char *text = malloc(4001);
    const int batches = 4, per_batch = 5000; /* ~20 MB a batch: above 1000 16-KiB frames */
    char id[32];
    enum vg_put_result res;
    for (int b = 0; b < batches; b++) {
        for (int i = 0; i < per_batch; i++) {
            int k = b * per_batch + i;
            for (int j = 0; j < 4000; j++)
                text[j] = (char)('a' + (k * 7 + j * 13) % 26);
            text[4000] = '\0';
            snprintf(id, sizeof(id), "c%d", k);
            struct vg_event ev = post(id, "a1", 1700000000 + k, text);
            assert_int_equal(vg_db_put(db, &ev, &res), VG_OK);
        }
        assert_int_equal(vg_db_flush(db), VG_OK);
    }
    /* Still open: only a checkpoint can have grown the database file past the schema. */
    int64_t grown = 0;
    for (int i = 0; i < 500 && grown < 20 * 1000 * 1000; i++) {
        usleep(10000);
        grown = file_size(path);
    }
    assert_true(grown >= 20 * 1000 * 1000);
    vg_db_close(db);
    assert_int_equal(file_size(wal), -1);
    assert_int_equal(count(path, "SELECT count(*) FROM posts"), batches * per_batch);
    assert_int_equal(count(path, "SELECT count(*) FROM pragma_integrity_check WHERE "
                                 "integrity_check = 'ok'"),
                     1);
    free(text);
    release_path(path);
}

/* Write n native post lines to path. */
static void write_native_posts(const char *path, int n)
{
    FILE *f = fopen(path, "w");
    for (int i = 0; i < n; i++)
        fprintf(f,
                "{\"type\":\"post\",\"id\":\"k%d\",\"account\":\"a%d\",\"created_at\":"
                "\"2026-01-01T00:00:00Z\",\"text\":\"invented text number %d #tag%d\","
                "\"lang\":\"en\",\"hashtags\":[\"tag%d\"]}\n",
                i, i % 100, i, i % 7, i % 7);
    fclose(f);
}

static void kill_mid_run_leaves_store_consistent(void **state)
{
    (void)state;
    char *db_path = temp_path("kill.db");
    char *in_path = temp_path("kill.jsonl");
    const int n = 200000;
    write_native_posts(in_path, n);
    pid_t pid = fork();
    if (pid == 0) {
        vg_db *db;
        if (vg_db_open(db_path, &db))
            _exit(3);
        struct vg_ingest_opts opts;
        vg_ingest_opts_init(&opts);
        struct vg_ingest_summary sum = { 0 };
        vg_status rc = vg_ingest_path(db, in_path, &opts, &sum);
        vg_db_close(db);
        _exit(rc ? 4 : 0);
    }
    /* Kill it once some batches are committed but before the end. */
    int64_t seen = 0;
    for (int i = 0; i < 2000 && seen < VG_STORE_BATCH; i++) {
        usleep(5000);
        seen = count(db_path, "SELECT count(*) FROM posts");
    }
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFSIGNALED(status)); /* it was still running: the test killed it mid-run */
    int64_t before = count(db_path, "SELECT count(*) FROM posts");
    assert_true(before >= VG_STORE_BATCH && before < n);
    assert_int_equal(before % VG_STORE_BATCH, 0); /* whole batches only */

    vg_db *db;
    assert_int_equal(vg_db_open(db_path, &db), VG_OK);
    struct vg_ingest_opts opts;
    vg_ingest_opts_init(&opts);
    struct vg_ingest_summary sum = { 0 };
    assert_int_equal(vg_ingest_path(db, in_path, &opts, &sum), VG_OK);
    vg_db_close(db);
    assert_int_equal(sum.read, n);
    assert_int_equal(sum.duplicates, before);
    assert_int_equal(sum.accepted, n - before);
    assert_int_equal(count(db_path, "SELECT count(*) FROM posts"), n);
    assert_int_equal(count(db_path, "SELECT count(*) FROM post_hashtags"), n);
    sqlite3 *raw;
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_open(db_path, &raw), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(raw, "PRAGMA integrity_check", -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(s, 0), "ok");
    sqlite3_finalize(s);
    sqlite3_close(raw);
    release_path(in_path);
    release_path(db_path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(posts_are_stored_once),
        cmocka_unit_test(accounts_keep_latest_profile_and_history),
        cmocka_unit_test(identities_keep_first_and_last_sighting),
        cmocka_unit_test(edges_reports_deletions_are_idempotent),
        cmocka_unit_test(schema_is_versioned),
        cmocka_unit_test(migration_13_to_14_keeps_identities),
        cmocka_unit_test(not_a_database_is_refused),
        cmocka_unit_test(locked_database_is_reported),
        cmocka_unit_test(background_checkpoints_copy_the_wal),
        cmocka_unit_test(kill_mid_run_leaves_store_consistent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
