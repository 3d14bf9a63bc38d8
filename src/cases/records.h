/* SPDX-License-Identifier: Apache-2.0 */
/*
 * records.h: what the records files of the casework stage share (removal orders, evidence
 * vault, reports; the public functions are in vigie.h, section @@records).
 */
#ifndef VG_RECORDS_H
#define VG_RECORDS_H

#include "cases.h"
#include "store_records.h"

#define VG_VIEW_MAX (64u << 20) /* bytes of a JSON view handed back */

/* Hand the text of b to *out (vg_free) and release b. VG_ENOMEM when it cannot. */
vg_status vg__records_take(struct vg_buf *b, vg_status rc, char **out);
/* Append t as "YYYY-MM-DDTHH:MM:SSZ" in quotes, or null for VG_TIME_UNKNOWN. */
vg_status vg__records_time(struct vg_buf *b, int64_t t);
/* Append a JSON string, or null for NULL. */
vg_status vg__records_str(struct vg_buf *b, const char *s);
/* Preserve a post inside the caller's transaction (vg_evidence_preserve without begin/commit).
 * VG_ENOENT: no such post. */
vg_status vg__evidence_preserve_txn(vg_db *db, const struct vg_actor *by, const char *post_id,
                                    int64_t order_id, const char *basis, int64_t at,
                                    int64_t *id_out);
/* 1 when the roles may receive orders and act on them (admin, lead). */
int vg__records_may_manage(const struct vg_actor *by);

/* The Annex I fields of an order, validated (pure: no store; fuzz_order). */
struct vg__order_fields {
    char *reference, *issuing_state, *authority, *provider_state; /* provider_state may be NULL */
    char *annex1; /* the object as stored: as received, instants as seconds */
    char reasons[6];
    int64_t issued_at, gag_until, n_urls;
};

/* Parse and check an order's JSON (len bytes) received at received_at. VG_EFIELD: err names the
 * field. On VG_OK release *out with vg__order_fields_release. */
vg_status vg__order_check(const char *json, size_t len, int64_t received_at,
                          struct vg__order_fields *out, char *err, size_t cap);
void vg__order_fields_release(struct vg__order_fields *f);
/* The receipt-to-action figures of orders received in [from, to) as JSON members (no braces). */
vg_status vg__order_times(vg_db *db, int64_t from, int64_t to, struct vg_buf *b);
/* The median of n sorted values (0 when n is 0). */
double vg__median(const int64_t *v, size_t n);

#endif /* VG_RECORDS_H */
