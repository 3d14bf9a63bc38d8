/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cases_intake.c: reports filed through the API. Staff (reviewer, analyst, lead, admin) report a
 * post or an account; a trusted flagger (an external partner organisation) files a notice. Each
 * is stored with its filer and the filer's pseudonym; a trusted flagger reads back only what it
 * filed itself. The queue, case creation and decisions (later in issue 7) start from these rows.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cases.h"

#define TARGET_MAX 256
#define REASON_MAX 4000
#define SHORT_MAX  64

static int may_file(enum vg_role r)
{
    return r == VG_ROLE_ADMIN || r == VG_ROLE_LEAD || r == VG_ROLE_REVIEWER ||
           r == VG_ROLE_ANALYST || r == VG_ROLE_FLAGGER;
}

/* A text field: required or not, at most max bytes, valid UTF-8. 0 when bad (err says why). */
static int field_ok(const char *name, const char *v, int required, size_t max, char *err,
                    size_t cap)
{
    if (!v) {
        if (required)
            vg_errf(err, cap, "field '%s' is required", name);
        return !required;
    }
    size_t n = strlen(v);
    if (required && n == 0)
        vg_errf(err, cap, "field '%s' is empty", name);
    else if (n > max)
        vg_errf(err, cap, "field '%s' is over %zu bytes", name, max);
    else if (!vg_utf8_valid(v, n))
        vg_errf(err, cap, "field '%s' is not valid UTF-8", name);
    else
        return 1;
    return 0;
}

static int intake_valid(const struct vg_intake *r, char *err, size_t cap)
{
    if (!field_ok("target_type", r->target_type, 1, SHORT_MAX, err, cap))
        return 0;
    if (strcmp(r->target_type, "post") && strcmp(r->target_type, "account")) {
        vg_errf(err, cap, "field 'target_type' must be \"post\" or \"account\"");
        return 0;
    }
    return field_ok("target", r->target, 1, TARGET_MAX, err, cap) &&
           field_ok("reason", r->reason, 1, REASON_MAX, err, cap) &&
           field_ok("platform", r->platform, 0, SHORT_MAX, err, cap) &&
           field_ok("category", r->category, 0, SHORT_MAX, err, cap);
}

vg_status vg_intake_file(vg_db *db, const struct vg_actor *by, const struct vg_intake *r,
                         int64_t *id_out, char *err, size_t cap)
{
    *id_out = 0;
    vg_errf(err, cap, "%s", "");
    if (!by || !may_file(by->role)) {
        vg_errf(err, cap, "role '%s' may not file reports", by ? vg_role_name(by->role) : "none");
        return VG_EINVAL;
    }
    if (!intake_valid(r, err, cap))
        return VG_EFIELD;
    struct vg_store_intake row = {
        .kind = by->role == VG_ROLE_FLAGGER ? "notice" : "report",
        .target_type = r->target_type,
        .target = r->target,
        .platform = r->platform,
        .category = r->category,
        .reason = r->reason,
        .filer = by->actor_id,
        .filer_pseudonym = by->pseudonym,
        .filer_role = vg_role_name(by->role),
        .created_at = (int64_t)time(NULL),
    };
    void *st;
    const struct vg_store_cases_ops *ops = vg__db_cases(db, &st);
    vg_status rc = vg__db_txn_begin(db);
    if (rc)
        return rc;
    int64_t id = 0;
    if ((rc = ops->intake_insert(st, &row, &id)))
        goto fail;
    /* The report opens (or joins) a case in the same transaction (cases_queue.c). */
    int64_t case_id = 0;
    if ((rc = vg__case_from_intake(db, id, row.kind, row.target_type, row.target, row.filer,
                                   row.created_at, &case_id)))
        goto fail;
    char object[32], detail[160];
    snprintf(object, sizeof(object), "report:%lld", (long long)id);
    snprintf(detail, sizeof(detail), "{\"kind\":\"%s\",\"target_type\":\"%s\",\"case\":%lld}",
             row.kind, row.target_type, (long long)case_id);
    if ((rc = vg__audit_append_txn(db, by, "report.file", object, detail)) ||
        (rc = vg__db_txn_commit(db)))
        goto fail;
    *id_out = id;
    return VG_OK;
fail:
    vg__db_txn_rollback(db);
    return rc;
}

struct intake_relay {
    vg_intake_fn fn;
    void *ud;
};

static vg_status relay_intake(const struct vg_store_intake *s, void *ud)
{
    struct intake_relay *r = ud;
    struct vg_intake i = { .id = s->id,
                           .kind = s->kind,
                           .target_type = s->target_type,
                           .target = s->target,
                           .platform = s->platform,
                           .category = s->category,
                           .reason = s->reason,
                           .filer = s->filer,
                           .filer_pseudonym = s->filer_pseudonym,
                           .filer_role = s->filer_role,
                           .created_at = s->created_at };
    return r->fn(&i, r->ud);
}

vg_status vg_intake_list(vg_db *db, const struct vg_actor *viewer, int64_t id, int64_t limit,
                         vg_intake_fn fn, void *ud)
{
    if (!viewer)
        return VG_EINVAL;
    void *st;
    const struct vg_store_cases_ops *ops = vg__db_cases(db, &st);
    struct intake_relay r = { fn, ud };
    /* The filter is applied in the query: a partner's request never reads another's rows. */
    const char *only = viewer->role == VG_ROLE_FLAGGER ? viewer->actor_id : NULL;
    return ops->intake_scan(st, only, id, limit, relay_intake, &r);
}
