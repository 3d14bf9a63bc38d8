/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store_sqlite_sites.c: the SQLite side of the lists of sites (src/sites/, docs/sites.md) and the
 * rows per-domain statistics read. Tables site_lists, site_list_entries and site_list_changes
 * come from migration 4 -> 5 in store_sqlite.c. Statements are prepared on first use and kept
 * until the connection closes: an import of a million entries runs three of them per entry.
 */
#include <string.h>

#include "store_sqlite_int.h"

/* clang-format off */
#define ENTRY_COLS "e.id, l.name, e.kind, e.value, e.added, e.withdrawn, e.source, e.note,"       \
                   " e.severity, e.reject_media, e.reject_reports, e.obfuscate"
#define SITES_STATEMENTS(X)                                                                        \
    X(LIST_FIND, "SELECT l.id, l.name, l.scope, l.description, l.created_at,"                      \
      " (SELECT count(*) FROM site_list_entries e WHERE e.list = l.id AND e.withdrawn IS NULL),"   \
      " (SELECT count(*) FROM site_list_entries e WHERE e.list = l.id AND e.withdrawn IS NOT NULL)"\
      " FROM site_lists l WHERE ?1 IS NULL OR l.name = ?1 ORDER BY l.name")                        \
    X(LIST_INSERT, "INSERT INTO site_lists (name, scope, description, created_at)"                 \
                   " VALUES (?1, ?2, ?3, ?4)")                                                     \
    X(LIST_DESCRIBE, "UPDATE site_lists SET description = ?2 WHERE id = ?1")                       \
    X(ENTRY_IN_FORCE, "SELECT " ENTRY_COLS " FROM site_list_entries e"                             \
      " JOIN site_lists l ON l.id = e.list"                                                        \
      " WHERE e.list = ?1 AND e.kind = ?2 AND e.value = ?3 AND e.withdrawn IS NULL")               \
    X(ENTRY_WITHDRAWN, "SELECT 1 FROM site_list_entries WHERE list = ?1 AND kind = ?2"             \
      " AND value = ?3 AND added = ?4 AND withdrawn = ?5")                                         \
    X(ENTRY_INSERT, "INSERT INTO site_list_entries (list, kind, value, added, withdrawn, source,"  \
      " note, severity, reject_media, reject_reports, obfuscate)"                                  \
      " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)")                                              \
    X(ENTRY_UPDATE, "UPDATE site_list_entries SET source = ?2, note = ?3, severity = ?4,"          \
      " reject_media = ?5, reject_reports = ?6, obfuscate = ?7, added = ?8 WHERE id = ?1")         \
    X(ENTRY_WITHDRAW, "UPDATE site_list_entries SET withdrawn = max(?2, added) WHERE id = ?1")     \
    X(ENTRIES, "SELECT " ENTRY_COLS " FROM site_list_entries e JOIN site_lists l ON l.id = e.list" \
      " WHERE (?1 < 0 OR e.list = ?1) AND (?2 OR e.withdrawn IS NULL)"                             \
      " ORDER BY l.name, e.kind, e.value, e.added")                                                \
    X(CHANGE_PUT, "INSERT INTO site_list_changes (at, actor, list, action, before, after)"         \
                  " VALUES (?1,?2,?3,?4,?5,?6)")                                                   \
    X(CHANGES, "SELECT at, actor, list, action, before, after FROM site_list_changes"              \
               " WHERE ?1 IS NULL OR list = ?1 ORDER BY id")                                       \
    X(URL_ROWS, "SELECT u.post, p.account, p.created_at, u.url, u.domain,"                         \
      " EXISTS (SELECT 1 FROM post_scores s WHERE s.post_id = p.id AND s.flagged)"                 \
      " FROM post_urls u JOIN posts p ON p.rowid = u.post WHERE u.domain IS NOT NULL")             \
    X(FLAGGED_ACCOUNTS, "SELECT DISTINCT p.account FROM post_scores s"                             \
                        " JOIN posts p ON p.id = s.post_id WHERE s.flagged")

/* clang-format on */

enum sites_stmt {
#define SITES_ENUM(name, sql) Q_##name,
    SITES_STATEMENTS(SITES_ENUM)
#undef SITES_ENUM
    Q__COUNT
};

static const char *const sites_sql[] = {
#define SITES_SQL(name, sql) sql,
    SITES_STATEMENTS(SITES_SQL)
#undef SITES_SQL
};

struct vg__sqlite_sites {
    sqlite3_stmt *stmt[Q__COUNT];
};

void vg__sqlite_sites_close(struct vg__sqlite_sites *s)
{
    if (!s)
        return;
    for (int i = 0; i < Q__COUNT; i++)
        sqlite3_finalize(s->stmt[i]);
    vg_free(s);
}

/* The prepared statement id of the connection, reset and unbound by the last user. */
static vg_status stmt(void *state, enum sites_stmt id, sqlite3_stmt **out)
{
    struct vg__sqlite_sites **slot;
    sqlite3 *db = vg__sqlite_handle(state, &slot);
    *out = NULL;
    if (!*slot && !(*slot = vg_calloc(1, sizeof(**slot))))
        return VG_ENOMEM;
    if (!(*slot)->stmt[id]) {
        int src = sqlite3_prepare_v3(db, sites_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                                     &(*slot)->stmt[id], NULL);
        if (src != SQLITE_OK)
            return vg__sqlite_fail(state, src, "preparing a statement of the lists of sites");
    }
    *out = (*slot)->stmt[id];
    return VG_OK;
}

static void done(sqlite3_stmt *s)
{
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
}

/* Run a statement that returns no rows. */
static vg_status run(void *state, sqlite3_stmt *s, const char *what)
{
    int src = sqlite3_step(s);
    done(s);
    return src == SQLITE_DONE || src == SQLITE_ROW ? VG_OK : vg__sqlite_fail(state, src, what);
}

static enum vg_list_kind kind_of(const char *name)
{
    for (int k = 0; k < VG_LIST__COUNT; k++)
        if (name && !strcmp(name, vg_list_kind_name((enum vg_list_kind)k)))
            return (enum vg_list_kind)k;
    return VG_LIST_DOMAIN; /* the table's CHECK allows nothing else */
}

/* ---- lists ---------------------------------------------------------------------------------- */

static void read_list(sqlite3_stmt *s, int64_t *id, struct vg_list_info *info)
{
    *id = sqlite3_column_int64(s, 0);
    info->name = col_text(s, 1);
    info->scope = col_text(s, 2);
    info->description = col_text(s, 3);
    info->created_at = sqlite3_column_int64(s, 4);
    info->n_active = sqlite3_column_int64(s, 5);
    info->n_withdrawn = sqlite3_column_int64(s, 6);
}

/* Copy the strings of a row into the caller's arena, so the statement can be reset at once
 * (a statement left on a row would hold a read transaction open). NULL stays NULL. */
static int copy_strs(struct vg_arena *a, const char **v[], int n)
{
    for (int i = 0; i < n; i++)
        if (*v[i] && !(*v[i] = vg_arena_strdup(a, *v[i])))
            return -1;
    return 0;
}

static vg_status list_find(void *state, const char *name, struct vg_arena *a, int64_t *id,
                           struct vg_list_info *info, int *found)
{
    sqlite3_stmt *s;
    vg_status rc = stmt(state, Q_LIST_FIND, &s);
    if (rc)
        return rc;
    done(s);
    sqlite3_bind_text(s, 1, name, -1, SQLITE_TRANSIENT);
    int src = sqlite3_step(s);
    *found = src == SQLITE_ROW;
    if (src == SQLITE_ROW) {
        read_list(s, id, info);
        const char **v[] = { &info->name, &info->scope, &info->description };
        int bad = copy_strs(a, v, 3);
        done(s);
        return bad ? VG_ENOMEM : VG_OK;
    }
    done(s);
    return src == SQLITE_DONE ? VG_OK : vg__sqlite_fail(state, src, "looking up a list");
}

static vg_status list_insert(void *state, const char *name, const char *scope,
                             const char *description, int64_t now, int64_t *id)
{
    sqlite3_stmt *s;
    vg_status rc = stmt(state, Q_LIST_INSERT, &s);
    if (rc)
        return rc;
    bind_text(s, 1, name);
    bind_text(s, 2, scope);
    bind_text(s, 3, description);
    sqlite3_bind_int64(s, 4, now);
    if ((rc = run(state, s, "creating a list")))
        return rc;
    *id = sqlite3_last_insert_rowid(vg__sqlite_handle(state, NULL));
    return VG_OK;
}

static vg_status list_set_description(void *state, int64_t id, const char *description)
{
    sqlite3_stmt *s;
    vg_status rc = stmt(state, Q_LIST_DESCRIBE, &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    bind_text(s, 2, description);
    return run(state, s, "describing a list");
}

static vg_status lists_each(void *state, vg_list_info_fn fn, void *ud)
{
    sqlite3_stmt *s;
    vg_status rc = stmt(state, Q_LIST_FIND, &s);
    if (rc)
        return rc;
    done(s);
    int src;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        struct vg_list_info info;
        int64_t id;
        read_list(s, &id, &info);
        if (fn(&info, ud)) {
            done(s);
            return VG_ECANCEL;
        }
    }
    done(s);
    return src == SQLITE_DONE ? VG_OK : vg__sqlite_fail(state, src, "reading lists");
}

/* ---- entries -------------------------------------------------------------------------------- */

static void read_entry(sqlite3_stmt *s, int64_t *id, struct vg_list_entry *e)
{
    *id = sqlite3_column_int64(s, 0);
    e->list = col_text(s, 1);
    e->kind = kind_of(col_text(s, 2));
    e->value = col_text(s, 3);
    e->added = col_time(s, 4);
    e->withdrawn = col_time(s, 5);
    e->source = col_text(s, 6);
    e->note = col_text(s, 7);
    e->severity = col_text(s, 8);
    e->reject_media = sqlite3_column_int(s, 9);
    e->reject_reports = sqlite3_column_int(s, 10);
    e->obfuscate = sqlite3_column_int(s, 11);
}

static vg_status entry_in_force(void *state, int64_t list, enum vg_list_kind kind,
                                const char *value, struct vg_arena *a, int64_t *entry_id,
                                struct vg_list_entry *e, int *found)
{
    sqlite3_stmt *s;
    vg_status rc = stmt(state, Q_ENTRY_IN_FORCE, &s);
    if (rc)
        return rc;
    done(s);
    sqlite3_bind_int64(s, 1, list);
    bind_text(s, 2, vg_list_kind_name(kind));
    sqlite3_bind_text(s, 3, value, -1, SQLITE_TRANSIENT);
    int src = sqlite3_step(s);
    *found = src == SQLITE_ROW;
    if (src == SQLITE_ROW) {
        read_entry(s, entry_id, e);
        const char **v[] = { &e->list, &e->value, &e->source, &e->note, &e->severity };
        int bad = copy_strs(a, v, 5);
        done(s);
        return bad ? VG_ENOMEM : VG_OK;
    }
    done(s);
    return src == SQLITE_DONE ? VG_OK : vg__sqlite_fail(state, src, "looking up an entry");
}

static vg_status entry_withdrawn_exists(void *state, int64_t list, enum vg_list_kind kind,
                                        const char *value, int64_t added, int64_t withdrawn,
                                        int *found)
{
    sqlite3_stmt *s;
    vg_status rc = stmt(state, Q_ENTRY_WITHDRAWN, &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, list);
    bind_text(s, 2, vg_list_kind_name(kind));
    bind_text(s, 3, value);
    sqlite3_bind_int64(s, 4, added);
    sqlite3_bind_int64(s, 5, withdrawn);
    int src = sqlite3_step(s);
    *found = src == SQLITE_ROW;
    done(s);
    return src == SQLITE_DONE || src == SQLITE_ROW
                   ? VG_OK
                   : vg__sqlite_fail(state, src, "looking up a withdrawn entry");
}

static void bind_entry_fields(sqlite3_stmt *s, int from, const struct vg_list_entry *e)
{
    bind_text(s, from, e->source);
    bind_text(s, from + 1, e->note);
    bind_text(s, from + 2, e->severity);
    sqlite3_bind_int(s, from + 3, e->reject_media);
    sqlite3_bind_int(s, from + 4, e->reject_reports);
    sqlite3_bind_int(s, from + 5, e->obfuscate);
}

static vg_status entry_insert(void *state, int64_t list, const struct vg_list_entry *e)
{
    sqlite3_stmt *s;
    vg_status rc = stmt(state, Q_ENTRY_INSERT, &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, list);
    bind_text(s, 2, vg_list_kind_name(e->kind));
    bind_text(s, 3, e->value);
    sqlite3_bind_int64(s, 4, e->added);
    bind_time(s, 5, e->withdrawn);
    bind_entry_fields(s, 6, e);
    return run(state, s, "adding an entry");
}

static vg_status entry_update(void *state, int64_t entry_id, const struct vg_list_entry *e)
{
    sqlite3_stmt *s;
    vg_status rc = stmt(state, Q_ENTRY_UPDATE, &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, entry_id);
    bind_entry_fields(s, 2, e);
    sqlite3_bind_int64(s, 8, e->added);
    return run(state, s, "updating an entry");
}

static vg_status entry_withdraw(void *state, int64_t entry_id, int64_t at)
{
    sqlite3_stmt *s;
    vg_status rc = stmt(state, Q_ENTRY_WITHDRAW, &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, entry_id);
    sqlite3_bind_int64(s, 2, at);
    return run(state, s, "withdrawing an entry");
}

static vg_status entries_each(void *state, int64_t list, int with_withdrawn, vg_list_entry_fn fn,
                              void *ud)
{
    sqlite3_stmt *s;
    vg_status rc = stmt(state, Q_ENTRIES, &s);
    if (rc)
        return rc;
    done(s);
    sqlite3_bind_int64(s, 1, list);
    sqlite3_bind_int(s, 2, with_withdrawn != 0);
    int src;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        struct vg_list_entry e;
        int64_t id;
        read_entry(s, &id, &e);
        if (fn(&e, ud)) {
            done(s);
            return VG_ECANCEL;
        }
    }
    done(s);
    return src == SQLITE_DONE ? VG_OK : vg__sqlite_fail(state, src, "reading entries");
}

/* ---- the change log ------------------------------------------------------------------------- */

static vg_status change_put(void *state, const struct vg_list_change *c)
{
    sqlite3_stmt *s;
    vg_status rc = stmt(state, Q_CHANGE_PUT, &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, c->at);
    bind_text(s, 2, c->actor);
    bind_text(s, 3, c->list);
    bind_text(s, 4, c->action);
    bind_text(s, 5, c->before);
    bind_text(s, 6, c->after);
    return run(state, s, "logging a list change");
}

static vg_status changes_each(void *state, const char *list, vg_list_change_fn fn, void *ud)
{
    sqlite3_stmt *s;
    vg_status rc = stmt(state, Q_CHANGES, &s);
    if (rc)
        return rc;
    done(s);
    bind_text(s, 1, list);
    int src;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        struct vg_list_change c = {
            .at = sqlite3_column_int64(s, 0),
            .actor = col_text(s, 1),
            .list = col_text(s, 2),
            .action = col_text(s, 3),
            .before = col_text(s, 4),
            .after = col_text(s, 5),
        };
        if (fn(&c, ud)) {
            done(s);
            return VG_ECANCEL;
        }
    }
    done(s);
    return src == SQLITE_DONE ? VG_OK : vg__sqlite_fail(state, src, "reading list changes");
}

/* ---- per-domain statistics ------------------------------------------------------------------ */

static vg_status url_rows(void *state, vg_store_url_row_fn fn, void *ud)
{
    sqlite3_stmt *s;
    vg_status rc = stmt(state, Q_URL_ROWS, &s);
    if (rc)
        return rc;
    done(s);
    int src;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        struct vg_store_url_row r = {
            .post = sqlite3_column_int64(s, 0),
            .account = col_text(s, 1),
            .at = sqlite3_column_int64(s, 2),
            .url = col_text(s, 3),
            .host = col_text(s, 4),
            .flagged = sqlite3_column_int(s, 5),
        };
        if (!r.account || !r.url || !r.host)
            continue;
        if ((rc = fn(&r, ud))) {
            done(s);
            return rc;
        }
    }
    done(s);
    return src == SQLITE_DONE ? VG_OK : vg__sqlite_fail(state, src, "reading post URLs");
}

static vg_status flagged_accounts(void *state, vg_store_str_fn fn, void *ud)
{
    sqlite3_stmt *s;
    vg_status rc = stmt(state, Q_FLAGGED_ACCOUNTS, &s);
    if (rc)
        return rc;
    done(s);
    int src;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        const char *a = col_text(s, 0);
        if (a && (rc = fn(a, ud))) {
            done(s);
            return rc;
        }
    }
    done(s);
    return src == SQLITE_DONE ? VG_OK : vg__sqlite_fail(state, src, "reading flagged accounts");
}

const struct vg_store_sites_ops vg__store_sqlite_sites = {
    .list_find = list_find,
    .list_insert = list_insert,
    .list_set_description = list_set_description,
    .lists_each = lists_each,
    .entry_in_force = entry_in_force,
    .entry_withdrawn_exists = entry_withdrawn_exists,
    .entry_insert = entry_insert,
    .entry_update = entry_update,
    .entry_withdraw = entry_withdraw,
    .entries_each = entries_each,
    .change_put = change_put,
    .changes_each = changes_each,
    .url_rows = url_rows,
    .flagged_accounts = flagged_accounts,
};
