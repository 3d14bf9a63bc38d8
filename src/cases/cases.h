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

#endif /* VG_CASES_H */
