/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cases_returns.c: a reviewer's verdict on a return link (docs/returns.md, "Reviewing a link").
 * A link the returning-accounts stage made and queued may be wrong: two people with alike names
 * in one community. Rejected, it is deleted, the persona it had merged is split again, and the
 * pair is kept so that neither `vigie returns` nor live linking makes it again
 * (src/link/link_replay.c reads the rejections). One transaction with its audit entry.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cases.h"
#include "store.h"

/* The audit detail: {"replaces":...,"note":...,"removed":b,"personas":n}. */
static vg_status reject_detail(struct vg_buf *b, const char *replaces, const char *note,
                               const struct vg_store_return_reject_out *o)
{
    vg_buf_puts(b, "{\"replaces\":");
    vg_buf_json_str(b, replaces, strlen(replaces));
    if (note) {
        vg_buf_puts(b, ",\"note\":");
        vg_buf_json_str(b, note, strlen(note));
    }
    return vg_buf_printf(b, ",\"removed\":%s,\"personas\":%lld}", o->removed ? "true" : "false",
                         (long long)o->personas);
}

vg_status vg_returns_reject(vg_db *db, const struct vg_actor *by, const char *account,
                            const char *replaces, const char *note, struct vg_return_rejection *out)
{
    if (!db || !by || !account || !*account || !out || (replaces && !*replaces))
        return VG_EINVAL;
    memset(out, 0, sizeof(*out));
    if (strlen(account) >= sizeof(out->replaces))
        return VG_ELIMIT;
    int found = 0;
    vg_status rc =
            vg__db_get_return_link(db, account, out->replaces, sizeof(out->replaces), &found);
    if (rc)
        return rc;
    if (replaces) {
        if (strlen(replaces) >= sizeof(out->replaces))
            return VG_ELIMIT;
        snprintf(out->replaces, sizeof(out->replaces), "%s", replaces);
    } else if (!found) {
        return VG_ENOENT; /* no stored link to reject: name the account it replaces */
    }
    struct vg_store_return_reject r = { account, out->replaces, by->actor_id, note,
                                        (int64_t)time(NULL) };
    struct vg_store_return_reject_out o;
    struct vg_buf b;
    vg_buf_init(&b, 1u << 16);
    char object[600];
    snprintf(object, sizeof(object), "account:%s", account);
    if ((rc = vg__db_txn_begin(db)))
        goto done;
    rc = vg__db_reject_return_link(db, &r, &o);
    /* A pair rejected before whose link is gone already: nothing changed, nothing to audit. */
    if (!rc && (!o.already || o.removed) && !(rc = reject_detail(&b, out->replaces, note, &o)))
        rc = vg__audit_append_txn(db, by, "returns.reject", object, b.data);
    if (!rc)
        rc = vg__db_txn_commit(db);
    if (rc) {
        vg__db_txn_rollback(db);
        goto done;
    }
    out->already = o.already;
    out->removed = o.removed;
    out->personas = o.personas;
done:
    vg_buf_release(&b);
    return rc;
}
