/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store_sqlite_int.h: what the SQLite back end's files share. store_sqlite.c owns the connection;
 * store_sqlite_sites.c (the lists of sites) and store_sqlite_cases.c, _queue.c and _records.c
 * (the casework tables) reach it and the error path through these, so their SQL lives in files
 * of their own. The sites file keeps its prepared statements in a slot of the connection's
 * state, freed when it closes; the casework files prepare theirs per call.
 */
#ifndef VG_STORE_SQLITE_INT_H
#define VG_STORE_SQLITE_INT_H

#include <sqlite3.h>

#include "store.h"
#include "store_cases.h"
#include "store_records.h"

struct vg__sqlite_sites;

/* The connection of a back-end state, and (when sites is not NULL) its sites slot. */
sqlite3 *vg__sqlite_handle(void *state, struct vg__sqlite_sites ***sites);
/* Record SQLite error src while doing `what` (for vg_db_errmsg) and map it to a status. */
vg_status vg__sqlite_fail(void *state, int src, const char *what);
/* Finalise the sites statements (NULL accepted). */
void vg__sqlite_sites_close(struct vg__sqlite_sites *s);

extern const struct vg_store_cases_ops vg__store_sqlite_cases;

/* Binding and reading helpers all three files use: NULL binds as SQL NULL, VG_TIME_UNKNOWN too;
 * a NULL column reads as NULL or VG_TIME_UNKNOWN. */
static inline void bind_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

static inline void bind_time(sqlite3_stmt *s, int i, int64_t t)
{
    if (t == VG_TIME_UNKNOWN)
        sqlite3_bind_null(s, i);
    else
        sqlite3_bind_int64(s, i, t);
}

static inline const char *col_text(sqlite3_stmt *s, int i)
{
    return (const char *)sqlite3_column_text(s, i);
}

static inline int64_t col_time(sqlite3_stmt *s, int i)
{
    return sqlite3_column_type(s, i) == SQLITE_NULL ? VG_TIME_UNKNOWN : sqlite3_column_int64(s, i);
}

/* Statements prepared per call (cases, queue and records files): prepare sql, recording a
 * failure as "preparing <what>"; *s is NULL then. */
static inline vg_status vg__sqlite_prep(void *st, const char *sql, sqlite3_stmt **s,
                                        const char *what)
{
    int src = sqlite3_prepare_v3(vg__sqlite_handle(st, NULL), sql, -1, 0, s, NULL);
    if (src != SQLITE_OK) {
        *s = NULL;
        return vg__sqlite_fail(st, src, what);
    }
    return VG_OK;
}

/* Step a statement whose rows are not read and finalise it. */
static inline vg_status vg__sqlite_run(void *st, sqlite3_stmt *s, const char *what)
{
    int src = sqlite3_step(s);
    sqlite3_finalize(s);
    if (src != SQLITE_DONE && src != SQLITE_ROW)
        return vg__sqlite_fail(st, src, what);
    return VG_OK;
}

/* Rows the last statement changed. */
static inline int64_t vg__sqlite_changes(void *st)
{
    return sqlite3_changes64(vg__sqlite_handle(st, NULL));
}

#endif /* VG_STORE_SQLITE_INT_H */
