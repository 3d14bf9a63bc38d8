/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store.c: the vg_db handle over a back end's operations table: picks the back end, batches
 * writes into transactions, and keeps the last error message.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store.h"
#include "store_cases.h"
#include "store_queue.h"
#include "store_records.h"

struct vg_db {
    const struct vg_store_ops *ops;
    void *state;
    int in_txn;
    int manual_flush; /* the caller commits (vg_db_flush); no automatic batches */
    size_t pending;   /* events written in the open transaction */
    int cases_txn;    /* a casework transaction is open (vg__db_txn_begin) */
    char errmsg[512];
};

vg_status vg_db_open(const char *path, vg_db **out)
{
    *out = NULL;
    if (!path || !*path)
        return VG_EINVAL;
    vg_db *db = vg_calloc(1, sizeof(*db));
    if (!db)
        return VG_ENOMEM;
    db->ops = &vg__store_sqlite;
    vg_status rc = db->ops->open(path, &db->state, db->errmsg, sizeof(db->errmsg));
    if (rc) {
        VG_LOG_ERR("cannot open store %s: %s", path, db->errmsg);
        vg_free(db);
        return rc;
    }
    *out = db;
    return VG_OK;
}

void vg_db_close(vg_db *db)
{
    if (!db)
        return;
    if (db->in_txn && db->ops->commit(db->state) != VG_OK)
        VG_LOG_ERR("store: final commit failed: %s", db->errmsg);
    db->ops->close(db->state);
    vg_free(db);
}

const char *vg_db_errmsg(const vg_db *db)
{
    return db ? db->errmsg : "";
}

const char *vg_db_sqlite_version(void)
{
    return sqlite3_libversion();
}

int vg_db_schema_version(const vg_db *db)
{
    return db->ops->schema_version(db->state);
}

static vg_status ensure_txn(vg_db *db)
{
    if (db->in_txn)
        return VG_OK;
    vg_status rc = db->ops->begin(db->state);
    if (rc == VG_OK) {
        db->in_txn = 1;
        db->pending = 0;
    }
    return rc;
}

vg_status vg_db_flush(vg_db *db)
{
    if (!db->in_txn)
        return VG_OK;
    vg_status rc = db->ops->commit(db->state);
    if (rc) {
        db->ops->rollback(db->state);
        db->in_txn = 0;
        return rc;
    }
    db->in_txn = 0;
    db->pending = 0;
    return VG_OK;
}

void vg__db_abort(vg_db *db)
{
    if (db->in_txn)
        db->ops->rollback(db->state);
    db->in_txn = 0;
    db->pending = 0;
}

static vg_status after_write(vg_db *db, vg_status rc)
{
    if (rc)
        return rc;
    if (++db->pending >= VG_STORE_BATCH && !db->manual_flush)
        return vg_db_flush(db);
    return VG_OK;
}

vg_status vg__db_put_derived(vg_db *db, const struct vg_event *ev, const struct vg_post_derived *d,
                             enum vg_put_result *res)
{
    vg_status rc = ensure_txn(db);
    if (rc)
        return rc;
    void *s = db->state;
    switch (ev->type) {
        case VG_EV_POST:
            rc = db->ops->put_post(s, ev, d, res);
            break;
        case VG_EV_ACCOUNT:
            rc = db->ops->put_account(s, ev, res);
            break;
        case VG_EV_FOLLOW:
        case VG_EV_UNFOLLOW:
            rc = db->ops->put_edge(s, ev, res);
            break;
        case VG_EV_SUSPENSION:
        case VG_EV_REINSTATEMENT:
            rc = db->ops->put_moderation(s, ev, res);
            break;
        case VG_EV_REPORT:
            rc = db->ops->put_report(s, ev, res);
            break;
        case VG_EV_DELETION:
            rc = db->ops->put_deletion(s, ev, res);
            break;
        default:
            return VG_EINVAL;
    }
    return after_write(db, rc);
}

void vg__db_set_manual_flush(vg_db *db, int on)
{
    db->manual_flush = on;
}

size_t vg__db_pending(const vg_db *db)
{
    return db->pending;
}

vg_status vg__db_has_post(vg_db *db, const char *id, int *found)
{
    return db->ops->has_post(db->state, id, found);
}

vg_status vg__db_put_reject(vg_db *db, const struct vg_reject *r)
{
    vg_status rc = ensure_txn(db);
    if (rc)
        return rc;
    return after_write(db, db->ops->put_reject(db->state, r, (int64_t)time(NULL)));
}

vg_status vg__db_put_score(vg_db *db, const char *post_id, const char *model,
                           const struct vg_post_score *s)
{
    vg_status rc = ensure_txn(db);
    if (rc)
        return rc;
    return after_write(db, db->ops->put_score(db->state, post_id, model, s, (int64_t)time(NULL)));
}

vg_status vg_db_stats_json(vg_db *db, size_t top_n, char **json_out)
{
    *json_out = NULL;
    vg_status rc = vg_db_flush(db);
    if (rc)
        return rc;
    struct vg_buf b;
    vg_buf_init(&b, 64u << 20);
    rc = db->ops->stats_json(db->state, top_n, &b);
    if (rc) {
        vg_buf_release(&b);
        return rc;
    }
    *json_out = vg_buf_take(&b);
    return *json_out ? VG_OK : VG_ENOMEM;
}

/* ---- reads for the network stage (src/graph/) ----------------------------------------------- */

vg_status vg__db_scan(vg_db *db, enum vg_scan kind, int64_t from, int64_t before, vg_scan_fn fn,
                      void *ud)
{
    if ((unsigned)kind >= VG_SCAN__COUNT || !fn)
        return VG_EINVAL;
    vg_status rc = vg_db_flush(db);
    if (rc)
        return rc;
    return db->ops->scan(db->state, kind, from, before, fn, ud);
}

/* ---- returning accounts (src/link/) --------------------------------------------------------- */

vg_status vg__db_put_return_links(vg_db *db, const struct vg_store_return_link *links, size_t n)
{
    vg_status rc = vg_db_flush(db);
    if (rc)
        return rc;
    return db->ops->put_return_links(db->state, links, n);
}

vg_status vg__db_add_return_link(vg_db *db, const struct vg_store_return_link *link)
{
    vg_status rc = ensure_txn(db);
    return rc ? rc : after_write(db, db->ops->add_return_link(db->state, link));
}

vg_status vg__db_get_return_link(vg_db *db, const char *account, char *replaces, size_t cap,
                                 int *found)
{
    vg_status rc = vg_db_flush(db);
    return rc ? rc : db->ops->get_return_link(db->state, account, replaces, cap, found);
}

vg_status vg__db_reject_return_link(vg_db *db, const struct vg_store_return_reject *r,
                                    struct vg_store_return_reject_out *out)
{
    return db->ops->reject_return_link(db->state, r, out);
}

vg_status vg__db_post_score(vg_db *db, const char *post, double *score, int *found)
{
    return db->ops->post_score(db->state, post, score, found);
}

vg_status vg__db_put_storm_alert(vg_db *db, const struct vg_store_storm_alert *a)
{
    vg_status rc = ensure_txn(db);
    return rc ? rc : after_write(db, db->ops->put_storm_alert(db->state, a));
}

/* ---- lists of sites (src/sites/) ------------------------------------------------------------ */

vg_status vg__db_sites(vg_db *db, const struct vg_store_ops **ops,
                       const struct vg_store_sites_ops **sites, void **state)
{
    vg_status rc = vg_db_flush(db);
    if (rc)
        return rc;
    *ops = db->ops;
    *sites = db->ops->sites;
    *state = db->state;
    return VG_OK;
}

/* ---- banks of known items (src/known/) ------------------------------------------------------ */

static int64_t now_s(void)
{
    return (int64_t)time(NULL);
}

vg_status vg__db_bank_create(vg_db *db, const char *name, const char *description, int *created)
{
    vg_status rc = ensure_txn(db);
    if (rc)
        return rc;
    return after_write(db, db->ops->bank_create(db->state, name, description, now_s(), created));
}

vg_status vg__db_bank_list(vg_db *db, vg_bank_list_fn fn, void *ud)
{
    vg_status rc = vg_db_flush(db);
    if (rc)
        return rc;
    return db->ops->bank_list(db->state, fn, ud);
}

vg_status vg__db_bank_put(vg_db *db, const struct vg_bank_item *it, enum vg_bank_change *change,
                          int64_t *id)
{
    vg_status rc = ensure_txn(db);
    if (rc)
        return rc;
    return after_write(db, db->ops->bank_put(db->state, it, now_s(), change, id));
}

vg_status vg__db_bank_delete(vg_db *db, const char *bank, enum vg_item_type type, const char *value,
                             const char *external_id, enum vg_bank_change *change)
{
    vg_status rc = ensure_txn(db);
    if (rc)
        return rc;
    return after_write(
            db, db->ops->bank_delete(db->state, bank, type, value, external_id, now_s(), change));
}

vg_status vg__db_bank_scan(vg_db *db, const char *bank, int with_deleted, vg_bank_item_fn fn,
                           void *ud)
{
    vg_status rc = vg_db_flush(db);
    if (rc)
        return rc;
    return db->ops->bank_scan(db->state, bank, with_deleted, fn, ud);
}

vg_status vg__db_checkpoint_get(vg_db *db, const char *bank, const char *source, struct vg_buf *out,
                                int *found)
{
    return db->ops->checkpoint_get(db->state, bank, source, out, found);
}

vg_status vg__db_checkpoint_put(vg_db *db, const char *bank, const char *source,
                                const char *checkpoint)
{
    vg_status rc = ensure_txn(db);
    if (rc)
        return rc;
    return after_write(db, db->ops->checkpoint_put(db->state, bank, source, checkpoint, now_s()));
}

vg_status vg__db_put_post_match(vg_db *db, const struct vg_store_post_match *m, int *inserted)
{
    vg_status rc = ensure_txn(db);
    if (rc)
        return rc;
    return after_write(db, db->ops->put_post_match(db->state, m, now_s(), inserted));
}

/* ---- casework (src/cases/, store_cases.h) -----------------------------------------------------
 */

const struct vg_store_cases_ops *vg__db_cases(vg_db *db, void **state)
{
    /* Ingest batches stay out of casework transactions: commit any pending batch first. */
    if (!db->cases_txn && db->in_txn && vg_db_flush(db) != VG_OK)
        VG_LOG_WARN("store: committing pending writes failed: %s", db->errmsg);
    *state = db->state;
    return db->ops->cases;
}

const struct vg_store_records_ops *vg__db_records(vg_db *db, void **state)
{
    if (!db->cases_txn && db->in_txn && vg_db_flush(db) != VG_OK)
        VG_LOG_WARN("store: committing pending writes failed: %s", db->errmsg);
    *state = db->state;
    return db->ops->records;
}

vg_status vg__db_txn_begin(vg_db *db)
{
    vg_status rc = vg_db_flush(db);
    if (rc)
        return rc;
    if (db->cases_txn)
        return VG_EINVAL; /* no nesting */
    if ((rc = db->ops->begin(db->state)))
        return rc;
    db->cases_txn = 1;
    return VG_OK;
}

vg_status vg__db_txn_commit(vg_db *db)
{
    if (!db->cases_txn)
        return VG_EINVAL;
    db->cases_txn = 0;
    vg_status rc = db->ops->commit(db->state);
    if (rc)
        db->ops->rollback(db->state);
    return rc;
}

void vg__db_txn_rollback(vg_db *db)
{
    if (!db->cases_txn)
        return;
    db->cases_txn = 0;
    db->ops->rollback(db->state);
}

const struct vg_store_queue_ops *vg__db_queue(vg_db *db, void **state)
{
    void *st;
    (void)vg__db_cases(db, &st); /* commits a pending ingest batch the same way */
    *state = st;
    return db->ops->queue;
}

vg_status vg__db_post_media_scan(vg_db *db, vg_store_media_fn fn, void *ud)
{
    vg_status rc = vg_db_flush(db);
    if (rc)
        return rc;
    return db->ops->post_media_scan(db->state, fn, ud);
}
