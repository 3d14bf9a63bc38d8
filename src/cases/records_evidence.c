/* SPDX-License-Identifier: Apache-2.0 */
/*
 * records_evidence.c: the evidence vault (TCO Art 6). When content is removed (under a removal
 * order, or by a decision), the stored post and its account's data are copied into the vault as
 * one JSON object with its BLAKE2b-256 hash, kept six months, longer when someone extends it
 * with a reason. Listing shows metadata only; the content is read only for a stated purpose
 * (review, complaint, investigation), and every read is in the audit log before the content
 * leaves. Items past their expiry are deleted (with SQLite's secure_delete), each deletion
 * audited: by `vigie evidence expire` and periodically by the server.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "records.h"

#define NOTE_MAX 2000

static void content_hash(const char *content, char out[VG_HASH_HEX])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof(h), (const unsigned char *)content, strlen(content), NULL, 0);
    sodium_bin2hex(out, VG_HASH_HEX, h, sizeof(h));
}

vg_status vg__evidence_preserve_txn(vg_db *db, const struct vg_actor *by, const char *post_id,
                                    int64_t order_id, const char *basis, int64_t at,
                                    int64_t *id_out)
{
    *id_out = 0;
    vg_status rc = vg__sodium_ready();
    if (rc)
        return rc;
    void *st;
    const struct vg_store_records_ops *ops = vg__db_records(db, &st);
    struct vg_buf content, account;
    vg_buf_init(&content, VG_VIEW_MAX);
    vg_buf_init(&account, 1024);
    int found = 0, dup = 0;
    if ((rc = ops->post_snapshot(st, post_id, &content, &account, &found)))
        goto done;
    if (!found) {
        rc = VG_ENOENT;
        goto done;
    }
    char hash[VG_HASH_HEX];
    content_hash(content.data, hash);
    struct vg_store_evidence e = { .post_id = post_id,
                                   .account = account.len ? account.data : NULL,
                                   .order_id = order_id,
                                   .basis = basis,
                                   .preserved_at = at,
                                   .expires_at = at + VG_EVIDENCE_KEEP,
                                   .content = content.data,
                                   .content_hash = hash };
    int64_t id;
    if ((rc = ops->evidence_insert(st, &e, &id, &dup)))
        goto done;
    if (!dup) {
        char object[40];
        snprintf(object, sizeof(object), "evidence:%lld", (long long)id);
        struct vg_buf d;
        vg_buf_init(&d, 1024);
        vg_buf_puts(&d, "{\"post\":");
        vg_buf_json_str(&d, post_id, strlen(post_id));
        vg_buf_printf(&d, ",\"order\":%lld,\"hash\":\"%s\",\"expires_at\":%lld}",
                      (long long)order_id, hash, (long long)e.expires_at);
        rc = d.data ? vg__audit_append_txn(db, by, "evidence.preserve", object, d.data) : VG_ENOMEM;
        vg_buf_release(&d);
    }
    *id_out = id;
done:
    vg_buf_release(&content);
    vg_buf_release(&account);
    return rc;
}

vg_status vg_evidence_preserve(vg_db *db, const struct vg_actor *by, const char *post_id,
                               int64_t order_id, const char *basis, int64_t at, int64_t *id_out)
{
    *id_out = 0;
    if (!by || !post_id || !*post_id || !basis || !*basis || order_id < 0)
        return VG_EINVAL;
    vg_status rc = vg__db_txn_begin(db);
    if (rc)
        return rc;
    if ((rc = vg__evidence_preserve_txn(db, by, post_id, order_id, basis, at, id_out)) ||
        (rc = vg__db_txn_commit(db))) {
        vg__db_txn_rollback(db);
        *id_out = 0;
    }
    return rc;
}

/* ---- listing (metadata only) --------------------------------------------------------------- */

struct ev_writer {
    struct vg_buf *b;
    int64_t now;
    int n;
};

static vg_status write_meta(struct vg_buf *b, const struct vg_store_evidence *e, int64_t now)
{
    vg_status rc = vg_buf_printf(b, "{\"id\":%lld,\"post_id\":", (long long)e->id);
    rc = rc ? rc : vg__records_str(b, e->post_id);
    rc = rc ? rc : vg_buf_puts(b, ",\"account\":");
    rc = rc ? rc : vg__records_str(b, e->account);
    rc = rc ? rc : vg_buf_printf(b, ",\"order_id\":%lld,\"basis\":", (long long)e->order_id);
    rc = rc ? rc : vg__records_str(b, e->basis);
    rc = rc ? rc : vg_buf_puts(b, ",\"preserved_at\":");
    rc = rc ? rc : vg__records_time(b, e->preserved_at);
    rc = rc ? rc : vg_buf_puts(b, ",\"expires_at\":");
    rc = rc ? rc : vg__records_time(b, e->expires_at);
    rc = rc ? rc
            : vg_buf_printf(b,
                            ",\"expired\":%s,\"content_hash\":\"%s\",\"extensions\":%lld,"
                            "\"last_extension\":",
                            e->expires_at <= now ? "true" : "false", e->content_hash,
                            (long long)e->n_extensions);
    rc = rc ? rc : vg__records_str(b, e->last_extension);
    rc = rc ? rc : vg_buf_putc(b, '}');
    return rc;
}

static vg_status ev_item(const struct vg_store_evidence *e, void *ud)
{
    struct ev_writer *w = ud;
    vg_status rc = w->n++ ? vg_buf_putc(w->b, ',') : VG_OK;
    return rc ? rc : write_meta(w->b, e, w->now);
}

vg_status vg_evidence_list_json(vg_db *db, int64_t now, int64_t limit, char **out)
{
    void *st;
    const struct vg_store_records_ops *ops = vg__db_records(db, &st);
    struct vg_buf b;
    vg_buf_init(&b, VG_VIEW_MAX);
    struct ev_writer w = { &b, now, 0 };
    vg_status rc = vg_buf_puts(&b, "{\"evidence\":[");
    rc = rc ? rc : ops->evidence_scan(st, VG_TIME_UNKNOWN, limit, ev_item, &w);
    rc = rc ? rc : vg_buf_puts(&b, "]}");
    return vg__records_take(&b, rc, out);
}

/* ---- extension and access ------------------------------------------------------------------ */

struct ev_copy {
    int64_t expires_at;
    char hash[VG_HASH_HEX];
    char post[260];
    struct vg_buf *content; /* NULL: not wanted */
    vg_status rc;
};

static vg_status copy_ev(const struct vg_store_evidence *e, void *ud)
{
    struct ev_copy *c = ud;
    c->expires_at = e->expires_at;
    snprintf(c->hash, sizeof(c->hash), "%s", e->content_hash ? e->content_hash : "");
    snprintf(c->post, sizeof(c->post), "%s", e->post_id ? e->post_id : "");
    if (c->content && e->content)
        return vg_buf_puts(c->content, e->content);
    return VG_OK;
}

static int note_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    return n > 0 && n <= NOTE_MAX && vg_utf8_valid(s, n);
}

vg_status vg_evidence_extend(vg_db *db, const struct vg_actor *by, int64_t id, int64_t until,
                             const char *reason, char *err, size_t cap)
{
    vg_errf(err, cap, "%s", "");
    if (!by || !note_ok(reason)) {
        vg_errf(err, cap, "field 'reason' is required (1 to %d bytes)", NOTE_MAX);
        return VG_EFIELD;
    }
    int64_t now = (int64_t)time(NULL);
    void *st;
    const struct vg_store_records_ops *ops = vg__db_records(db, &st);
    vg_status rc = vg__db_txn_begin(db);
    if (rc)
        return rc;
    struct ev_copy c = { 0 };
    int found = 0;
    if ((rc = ops->evidence_get(st, id, 0, copy_ev, &c, &found)))
        goto fail;
    if (!found) {
        vg_errf(err, cap, "no evidence item %lld", (long long)id);
        rc = VG_ENOENT;
        goto fail;
    }
    if (until <= c.expires_at || until > now + VG_EVIDENCE_KEEP_MAX) {
        char tb[32];
        vg_errf(err, cap,
                "field 'until' must be after the item's expiry (%s) and at most 3 years from now",
                vg_time_format(c.expires_at, tb));
        rc = VG_EFIELD;
        goto fail;
    }
    char object[40];
    snprintf(object, sizeof(object), "evidence:%lld", (long long)id);
    struct vg_buf d;
    vg_buf_init(&d, 4 * NOTE_MAX);
    vg_buf_printf(&d, "{\"from\":%lld,\"until\":%lld,\"reason\":", (long long)c.expires_at,
                  (long long)until);
    vg_buf_json_str(&d, reason, strlen(reason));
    rc = vg_buf_putc(&d, '}');
    if (!rc && !(rc = ops->evidence_extend(st, id, until, reason)))
        rc = vg__audit_append_txn(db, by, "evidence.extend", object, d.data);
    vg_buf_release(&d);
    if (rc || (rc = vg__db_txn_commit(db)))
        goto fail;
    return VG_OK;
fail:
    vg__db_txn_rollback(db);
    return rc;
}

static const char *const purposes[] = { "review", "complaint", "investigation" };

vg_status vg_evidence_access(vg_db *db, const struct vg_actor *by, int64_t id, const char *purpose,
                             const char *note, char **out, char *err, size_t cap)
{
    *out = NULL;
    vg_errf(err, cap, "%s", "");
    size_t k = 0;
    while (k < VG_ARRAY_LEN(purposes) && (!purpose || strcmp(purpose, purposes[k])))
        k++;
    if (!by || k == VG_ARRAY_LEN(purposes)) {
        vg_errf(err, cap, "field 'purpose' must be review, complaint or investigation (Art 6)");
        return VG_EFIELD;
    }
    if (!note_ok(note)) {
        vg_errf(err, cap, "field 'note' is required: what the access is for (1 to %d bytes)",
                NOTE_MAX);
        return VG_EFIELD;
    }
    vg_status rc = vg__sodium_ready();
    if (rc)
        return rc;
    void *st;
    const struct vg_store_records_ops *ops = vg__db_records(db, &st);
    struct vg_buf content, b;
    vg_buf_init(&content, VG_VIEW_MAX);
    vg_buf_init(&b, VG_VIEW_MAX);
    struct ev_copy c = { .content = &content };
    int found = 0;
    if ((rc = vg__db_txn_begin(db)))
        goto done;
    if ((rc = ops->evidence_get(st, id, 1, copy_ev, &c, &found)))
        goto fail;
    if (!found) {
        vg_errf(err, cap, "no evidence item %lld", (long long)id);
        rc = VG_ENOENT;
        goto fail;
    }
    char hash[VG_HASH_HEX];
    content_hash(content.data ? content.data : "", hash);
    int intact = !strcmp(hash, c.hash);
    char object[40];
    snprintf(object, sizeof(object), "evidence:%lld", (long long)id);
    struct vg_buf d;
    vg_buf_init(&d, 4 * NOTE_MAX);
    vg_buf_printf(&d, "{\"purpose\":\"%s\",\"intact\":%s,\"note\":", purposes[k],
                  intact ? "true" : "false");
    vg_buf_json_str(&d, note, strlen(note));
    rc = vg_buf_putc(&d, '}');
    /* The access is recorded (and committed) before the content is handed out. */
    if (!rc)
        rc = vg__audit_append_txn(db, by, "evidence.access", object, d.data);
    vg_buf_release(&d);
    if (rc || (rc = vg__db_txn_commit(db)))
        goto fail;
    rc = vg_buf_printf(&b, "{\"id\":%lld,\"post_id\":", (long long)id);
    rc = rc ? rc : vg__records_str(&b, c.post);
    rc = rc ? rc
            : vg_buf_printf(&b,
                            ",\"purpose\":\"%s\",\"content_hash\":\"%s\",\"intact\":%s,"
                            "\"content\":%s}",
                            purposes[k], c.hash, intact ? "true" : "false", content.data);
    goto done;
fail:
    vg__db_txn_rollback(db);
done:
    vg_buf_release(&content);
    return vg__records_take(&b, rc, out);
}

/* ---- expiry -------------------------------------------------------------------------------- */

struct expired {
    int64_t *ids;
    size_t n, cap;
};

static vg_status collect_expired(const struct vg_store_evidence *e, void *ud)
{
    struct expired *x = ud;
    if (x->n == x->cap) {
        size_t cap = x->cap ? 2 * x->cap : 64;
        int64_t *p = vg_realloc(x->ids, cap * sizeof(*p));
        if (!p)
            return VG_ENOMEM;
        x->ids = p;
        x->cap = cap;
    }
    x->ids[x->n++] = e->id;
    return VG_OK;
}

vg_status vg_evidence_expire(vg_db *db, const struct vg_actor *by, int64_t now, int64_t *n_deleted,
                             int64_t *n_kept)
{
    *n_deleted = *n_kept = 0;
    if (!by)
        return VG_EINVAL;
    void *st;
    const struct vg_store_records_ops *ops = vg__db_records(db, &st);
    struct expired x = { 0 };
    vg_status rc = vg__db_txn_begin(db);
    if (rc)
        return rc;
    if ((rc = ops->evidence_scan(st, now, -1, collect_expired, &x)))
        goto fail;
    for (size_t i = 0; i < x.n; i++) {
        char object[40], detail[64];
        snprintf(object, sizeof(object), "evidence:%lld", (long long)x.ids[i]);
        snprintf(detail, sizeof(detail), "{\"expired_by\":%lld}", (long long)now);
        if ((rc = ops->evidence_delete(st, x.ids[i])) ||
            (rc = vg__audit_append_txn(db, by, "evidence.delete", object, detail)))
            goto fail;
    }
    if ((rc = ops->evidence_count(st, n_kept)) || (rc = vg__db_txn_commit(db)))
        goto fail;
    *n_deleted = (int64_t)x.n;
    vg_free(x.ids);
    return VG_OK;
fail:
    vg__db_txn_rollback(db);
    vg_free(x.ids);
    *n_kept = 0;
    return rc;
}
