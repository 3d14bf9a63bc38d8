/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cases.h: the casework stage (src/cases/): accounts, roles, pseudonyms, secrets (passwords,
 * tokens, sessions, CSRF), the hash-chained audit log and reports filed through the API. The
 * public functions are in vigie.h (section @@cases); these are what the stage's files and the
 * server share.
 */
#ifndef VG_CASES_H
#define VG_CASES_H

#include "core.h"
#include "store_cases.h"

/* libsodium initialised once per process (thread-safe). VG_OK or VG_ENOMEM. */
vg_status vg__sodium_ready(void);

/* A new secret: prefix (4 characters, e.g. "vgt_") + 43 base64url characters of 32 random bytes. */
void vg__secret_new(const char *prefix, char out[VG_SECRET_LEN + 1]);
/* BLAKE2b-256 of a NUL-terminated string as lower-case hex: how secrets are stored. */
void vg__secret_hash(const char *secret, char out[VG_HASH_HEX]);
/* 1 when s has the shape of a secret with this prefix (length and alphabet), else 0. */
int vg__secret_shaped(const char *s, const char *prefix);

/* A name is 1..VG_NAME_MAX bytes of valid UTF-8 without control characters. */
int vg__name_ok(const char *name);

/*
 * Append an audit entry inside the caller's transaction (vg__db_txn_begin): reads the last
 * entry, chains the new one to it. detail: a JSON object (NULL: "{}"), stored as given.
 */
vg_status vg__audit_append_txn(vg_db *db, const struct vg_actor *by, const char *action,
                               const char *object, const char *detail);
/* The canonical JSON of an entry into b (what its hash covers; vigie.h describes it). */
vg_status vg__audit_canonical(const struct vg_audit_entry *e, struct vg_buf *b);
/* hash_hex = BLAKE2b-256(prev_hash bytes || canonical). VG_EINVAL if prev_hex is not 64 hex. */
vg_status vg__audit_hash(const char *prev_hex, const char *canonical, size_t len,
                         char hash_hex[VG_HASH_HEX]);

/* ---- cases (cases_rules.c, cases_queue.c; docs/cases.md) ---- */

struct vg_store_signal_row;
/* risk = max(post score, threat, account score, return link score), raised to 1 by a hash
 * match, to 0.9 by a text or URL bank match, to 0.7 by a site list hit. */
double vg__case_risk(const struct vg_store_signal_row *r, double account_score);
/* The risk an account case starts from when its account posted in a storm (hand-set: a
 * coordination marker is firm evidence of taking part, not of what the account posts). */
#define VG__STORM_RISK 0.7
/* The risk of an account case: max(return link score, account score, VG__STORM_RISK when in a
 * storm); -1 scores count as 0. */
double vg__case_account_risk(double return_score, double account_score, int storm);
/* reach = min(1, log10(10 + followers) / 7): 0.14 for an unknown or new account, 1 at 10^7. */
double vg__case_reach(int64_t followers);
/* The checks a decision passes before it is stored (err says which field fails). */
int vg__decision_valid(const struct vg_decision_in *in, char *err, size_t cap);
/* Decide a case a rule has just opened, as the rule (cases_queue.c); inside a transaction. */
vg_status vg__case_decide_by_rule(vg_db *db, const char *rule, int64_t id,
                                  const struct vg_decision_in *in, int64_t *decision_id);
/* freshness = 2^(-age / 1 day), age = reference - at (0 when at is later). */
double vg__case_freshness(int64_t at, int64_t reference);

/* Open (or join) the case of a report just stored, inside the caller's transaction: notices of
 * trusted flaggers go to the trusted-flagger lane unless the filer is muted (then no case);
 * staff reports to the normal lane. *case_id 0 when none was opened or joined. */
vg_status vg__case_from_intake(vg_db *db, int64_t intake_id, const char *kind,
                               const char *target_type, const char *target, const char *filer,
                               int64_t at, int64_t *case_id);

/* Open (or join) the case of a post named in a removal order just stored, inside the caller's
 * transaction: the removal-order lane (a case in a later lane moves up to it), risk 1 (an
 * authority's order), the order recorded among the case's sources. */
vg_status vg__case_from_order(vg_db *db, int64_t order_id, const char *post_id, int64_t at,
                              int64_t *case_id);

/* Make the statement of reasons of one decision inside the caller's transaction; *made 0 when
 * its action has none or it exists already (cases_sor.c). */
vg_status vg__sor_make_one(vg_db *db, int64_t decision, int *made);
/* Text with personal-looking words (handles, e-mail addresses, URLs, runs of 6+ digits)
 * replaced by "[removed]", appended to b. */
vg_status vg__sor_scrub(const char *text, struct vg_buf *b);
/* POST body to an http:// URL; the HTTP status, 0 when there was no answer (err says why). */
/* secret NULL or "": no signature headers; now: the X-Vigie-Timestamp it signs. */
int vg__webhook_post(const char *url, const char *body, const char *secret, int64_t now,
                     int timeout_ms, char *err, size_t cap);
/* Seconds before retry number `attempts` (1-based): base * 2^(attempts - 1), at most max. */
int64_t vg__backoff(int attempts, int64_t base, int64_t max);

#endif /* VG_CASES_H */
