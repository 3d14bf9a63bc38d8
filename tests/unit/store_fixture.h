/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store_fixture.h: small invented stores for the network-stage tests (test_graph*.c): a fresh
 * SQLite file under /tmp that the test removes when done, and one-line writers of the events
 * the tests need. Include after cmocka.h; functions are static inline so that a test may use
 * any subset of them.
 */
#ifndef VG_TEST_STORE_FIXTURE_H
#define VG_TEST_STORE_FIXTURE_H

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "store.h"

static char fixture_path[256];

static inline void fixture_remove_files(void)
{
    const char *side[] = { "", "-wal", "-shm" };
    for (int i = 0; i < 3; i++) {
        char p[300];
        snprintf(p, sizeof(p), "%s%s", fixture_path, side[i]);
        unlink(p);
    }
}

/* A new, empty store /tmp/vigie-<suite>-<pid>-<name>.db. */
static inline vg_db *fixture_db(const char *suite, const char *name)
{
    snprintf(fixture_path, sizeof(fixture_path), "/tmp/vigie-%s-%d-%s.db", suite, (int)getpid(),
             name);
    fixture_remove_files();
    vg_db *db;
    assert_int_equal(vg_db_open(fixture_path, &db), VG_OK);
    return db;
}

/* Close the store of fixture_db and remove its files: tests leave nothing behind in /tmp. */
static inline void fixture_close(vg_db *db)
{
    vg_db_close(db);
    fixture_remove_files();
}

static inline void fixture_put(vg_db *db, const struct vg_event *ev)
{
    enum vg_put_result res;
    assert_int_equal(vg_db_put(db, ev, &res), VG_OK);
}

static inline void fixture_edge(vg_db *db, enum vg_event_type type, const char *src,
                                const char *dst, int64_t at)
{
    struct vg_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = type;
    ev.u.edge.src = src;
    ev.u.edge.dst = dst;
    ev.u.edge.at = at;
    fixture_put(db, &ev);
}

/* A profile snapshot of account id with this handle, seen at `at`. */
static inline void fixture_account(vg_db *db, const char *id, const char *handle, int64_t at)
{
    struct vg_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = VG_EV_ACCOUNT;
    ev.u.account.id = id;
    ev.u.account.handle = handle;
    ev.u.account.created_at = VG_TIME_UNKNOWN;
    ev.u.account.followers = ev.u.account.following = ev.u.account.posts = -1;
    ev.u.account.observed_at = at;
    fixture_put(db, &ev);
}

/* A suspension or reinstatement. */
static inline void fixture_moderate(vg_db *db, enum vg_event_type type, const char *id, int64_t at)
{
    struct vg_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = type;
    ev.u.moderation.account = id;
    ev.u.moderation.at = at;
    fixture_put(db, &ev);
}

#endif /* VG_TEST_STORE_FIXTURE_H */
