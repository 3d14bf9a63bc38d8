/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cases_audit.c: the audit log, a hash chain. Entry k stores the hash of entry k-1 and its own
 * hash, BLAKE2b-256 (libsodium crypto_generichash) over that previous hash and the entry's
 * canonical JSON (vigie.h, vg_audit_entry). Changing any field of an entry breaks its hash;
 * removing or reordering entries breaks the chain or leaves a gap in seq; removing the last
 * entries is caught by audit_head, a one-row record of the last entry written in the same
 * transaction. The table is append-only in the database too (triggers refuse UPDATE and DELETE),
 * so only someone editing the file by other means can change it, and verify finds that.
 *
 * A chain proves integrity against edits of the file, not against someone who rewrites the whole
 * chain from the altered entry on: publishing the head hash elsewhere (docs/server.md) closes that.
 */
#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cases.h"

static const char zero_hash[VG_HASH_HEX] =
        "0000000000000000000000000000000000000000000000000000000000000000";

vg_status vg__audit_canonical(const struct vg_audit_entry *e, struct vg_buf *b)
{
    vg_buf_reset(b);
    vg_status rc = vg_buf_printf(b, "{\"seq\":%lld,\"at\":%lld,\"actor_id\":", (long long)e->seq,
                                 (long long)e->at);
    const char *const keys[] = { ",\"actor\":", ",\"action\":", ",\"object\":" };
    const char *const vals[] = { e->actor, e->action, e->object };
    if (!rc)
        rc = vg_buf_json_str(b, e->actor_id ? e->actor_id : "",
                             strlen(e->actor_id ? e->actor_id : ""));
    for (size_t i = 0; i < 3 && !rc; i++) {
        const char *v = vals[i] ? vals[i] : "";
        if (!(rc = vg_buf_puts(b, keys[i])))
            rc = vg_buf_json_str(b, v, strlen(v));
    }
    if (!rc)
        rc = vg_buf_printf(b, ",\"detail\":%s}", e->detail ? e->detail : "{}");
    return rc;
}

vg_status vg__audit_hash(const char *prev_hex, const char *canonical, size_t len,
                         char hash_hex[VG_HASH_HEX])
{
    unsigned char prev[32], h[32];
    size_t got = 0;
    hash_hex[0] = 0;
    if (!prev_hex || strlen(prev_hex) != 64 ||
        sodium_hex2bin(prev, sizeof(prev), prev_hex, 64, NULL, &got, NULL) != 0 || got != 32)
        return VG_EINVAL;
    crypto_generichash_state s;
    crypto_generichash_init(&s, NULL, 0, sizeof(h));
    crypto_generichash_update(&s, prev, sizeof(prev));
    crypto_generichash_update(&s, (const unsigned char *)canonical, len);
    crypto_generichash_final(&s, h, sizeof(h));
    sodium_bin2hex(hash_hex, VG_HASH_HEX, h, sizeof(h));
    return VG_OK;
}

vg_status vg__audit_append_txn(vg_db *db, const struct vg_actor *by, const char *action,
                               const char *object, const char *detail)
{
    vg_status rc = vg__sodium_ready();
    if (rc)
        return rc;
    void *st;
    const struct vg_store_cases_ops *ops = vg__db_cases(db, &st);
    int64_t last = 0;
    char prev[VG_HASH_HEX], hash[VG_HASH_HEX];
    if ((rc = ops->audit_last(st, &last, prev)))
        return rc;
    struct vg_audit_entry e = {
        .seq = last + 1,
        .at = (int64_t)time(NULL),
        .actor_id = by->actor_id,
        .actor = by->pseudonym,
        .action = action,
        .object = object ? object : "",
        .detail = detail ? detail : "{}",
        .prev_hash = last ? prev : zero_hash,
    };
    struct vg_buf b;
    vg_buf_init(&b, 1u << 20);
    if ((rc = vg__audit_canonical(&e, &b)) ||
        (rc = vg__audit_hash(e.prev_hash, b.data, b.len, hash)))
        goto done;
    struct vg_store_audit row = { .seq = e.seq,
                                  .at = e.at,
                                  .actor_id = e.actor_id,
                                  .actor = e.actor,
                                  .action = e.action,
                                  .object = e.object,
                                  .detail = e.detail,
                                  .prev_hash = e.prev_hash,
                                  .hash = hash };
    rc = ops->audit_insert(st, &row);
done:
    vg_buf_release(&b);
    return rc;
}

/* detail must be a JSON object: it is spliced into the canonical JSON as it is. */
static int detail_ok(const char *detail)
{
    if (!detail)
        return 1;
    cJSON *j = cJSON_Parse(detail);
    int ok = j && cJSON_IsObject(j);
    cJSON_Delete(j);
    return ok;
}

vg_status vg_audit_append(vg_db *db, const struct vg_actor *by, const char *action,
                          const char *object, const char *detail)
{
    if (!by || !action || !*action || !detail_ok(detail))
        return VG_EINVAL;
    vg_status rc = vg__db_txn_begin(db);
    if (rc)
        return rc;
    if ((rc = vg__audit_append_txn(db, by, action, object, detail)) || (rc = vg__db_txn_commit(db)))
        vg__db_txn_rollback(db);
    return rc;
}

struct audit_relay {
    vg_audit_fn fn;
    void *ud;
};

static void entry_from_row(const struct vg_store_audit *a, struct vg_audit_entry *e)
{
    *e = (struct vg_audit_entry){ .seq = a->seq,
                                  .at = a->at,
                                  .actor_id = a->actor_id,
                                  .actor = a->actor,
                                  .action = a->action,
                                  .object = a->object,
                                  .detail = a->detail,
                                  .prev_hash = a->prev_hash,
                                  .hash = a->hash };
}

static vg_status relay_audit(const struct vg_store_audit *a, void *ud)
{
    struct audit_relay *r = ud;
    struct vg_audit_entry e;
    entry_from_row(a, &e);
    return r->fn(&e, r->ud);
}

vg_status vg_audit_list(vg_db *db, int64_t after, int64_t limit, vg_audit_fn fn, void *ud)
{
    void *st;
    const struct vg_store_cases_ops *ops = vg__db_cases(db, &st);
    struct audit_relay r = { fn, ud };
    return ops->audit_scan(st, after, limit, relay_audit, &r);
}

/* ---- verification -------------------------------------------------------------------------- */

struct verifier {
    struct vg_audit_verdict *v;
    int64_t expect_seq;
    char prev[VG_HASH_HEX];
    struct vg_buf b;
};

static vg_status bad(struct verifier *w, int64_t seq, const char *fmt, long long a, long long b)
{
    w->v->ok = 0;
    w->v->bad_seq = seq;
    snprintf(w->v->problem, sizeof(w->v->problem), fmt, a, b);
    return VG_ECANCEL; /* stop the scan at the first bad entry */
}

static vg_status verify_entry(const struct vg_store_audit *a, void *ud)
{
    struct verifier *w = ud;
    if (a->seq != w->expect_seq)
        return bad(w, w->expect_seq,
                   "entry %lld is missing or out of place (the next entry is %lld)",
                   (long long)w->expect_seq, (long long)a->seq);
    if (!a->prev_hash || strcmp(a->prev_hash, w->prev) != 0)
        return bad(w, a->seq,
                   "entry %lld does not follow entry %lld (an entry was removed, reordered or "
                   "altered)",
                   (long long)a->seq, (long long)a->seq - 1);
    struct vg_audit_entry e;
    entry_from_row(a, &e);
    char hash[VG_HASH_HEX];
    vg_status rc = vg__audit_canonical(&e, &w->b);
    if (!rc)
        rc = vg__audit_hash(w->prev, w->b.data, w->b.len, hash);
    if (rc == VG_ENOMEM)
        return rc;
    if (rc || !a->hash || strcmp(hash, a->hash) != 0)
        return bad(w, a->seq, "entry %lld was altered (its hash does not match its content)%.0lld",
                   (long long)a->seq, 0);
    snprintf(w->prev, sizeof(w->prev), "%s", a->hash);
    w->v->entries++;
    w->expect_seq++;
    return VG_OK;
}

vg_status vg_audit_verify(vg_db *db, struct vg_audit_verdict *out)
{
    memset(out, 0, sizeof(*out));
    out->ok = 1;
    vg_status rc = vg__sodium_ready();
    if (rc)
        return rc;
    struct verifier w = { .v = out, .expect_seq = 1 };
    memcpy(w.prev, zero_hash, sizeof(zero_hash));
    vg_buf_init(&w.b, 1u << 20);
    void *st;
    const struct vg_store_cases_ops *ops = vg__db_cases(db, &st);
    rc = ops->audit_scan(st, 0, -1, verify_entry, &w);
    vg_buf_release(&w.b);
    if (rc == VG_ECANCEL)
        return VG_OK; /* a verdict, not a failure to read */
    if (rc)
        return rc;
    int64_t head_seq;
    char head_hash[VG_HASH_HEX];
    int found;
    if ((rc = ops->audit_head(st, &head_seq, head_hash, &found)))
        return rc;
    int64_t last = w.expect_seq - 1;
    if (!found && last > 0)
        bad(&w, 1, "the head record is missing (the log has %lld entries)%.0lld", (long long)last,
            0);
    else if (found && head_seq != last)
        bad(&w, head_seq,
            "the log ends at entry %lld but its head names entry %lld (entries "
            "removed from the end)",
            (long long)last, (long long)head_seq);
    else if (found && strcmp(head_hash, w.prev) != 0)
        bad(&w, last, "entry %lld differs from the one its head record names%.0lld",
            (long long)last, 0);
    return VG_OK;
}
