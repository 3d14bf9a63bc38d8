/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store_sqlite_int.h: what the SQLite back end's files share. store_sqlite.c owns the connection
 * state; store_sqlite_cases.c (the casework tables) reaches the connection and the error path
 * through these two functions, so its SQL can live in a file of its own.
 */
#ifndef VG_STORE_SQLITE_INT_H
#define VG_STORE_SQLITE_INT_H

#include <sqlite3.h>

#include "store.h"
#include "store_cases.h"

/* The connection of a back-end state (struct sqlite_state). */
sqlite3 *vg__sqlite_handle(void *state);
/* Record and log a failure of SQLite call `what` (result code src); returns the vg_status. */
vg_status vg__sqlite_fail(void *state, int src, const char *what);

extern const struct vg_store_cases_ops vg__store_sqlite_cases;

#endif /* VG_STORE_SQLITE_INT_H */
