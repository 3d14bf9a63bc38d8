/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ingest_json.h: the ingest stage's JSON parser, private to src/ingest/. It builds the same
 * struct cJSON trees as cJSON_ParseWithLengthOpts (same fields, type flags and linking), so the
 * readers keep using cJSON's accessors, but every node and string comes from an arena that the
 * driver resets after each document: no malloc or free per node. ingest_json.c says why it
 * exists and what it measured.
 *
 * A tree from here must never be given to cJSON_Delete (or to any cJSON function that frees or
 * detaches nodes): it is freed with its arena, and no pointer into it may outlive the arena's
 * next reset.
 */
#ifndef VG_INGEST_JSON_H
#define VG_INGEST_JSON_H

#include <cjson/cJSON.h>

#include "core.h"

/* Nesting depth accepted, the same as cJSON's: 1000 nested arrays or objects parse, 1001 fail. */
#define VG_JSON_DEPTH_MAX CJSON_NESTING_LIMIT

/* The parser takes memory from its arena in chunks of this size (larger for a long string).
 * An arena whose block size is a multiple of it wastes nothing between chunks. */
#define VG_JSON_CHUNK (64u << 10)

/*
 * Parse s[0..len) as one JSON value with optional white space around it, into nodes allocated
 * from `arena`.
 *
 * Accepts exactly what the driver accepted with cJSON 1.7.15 (cJSON_ParseWithLengthOpts, then
 * nothing but JSON white space after the value), leniencies included: see ingest_json.c.
 *
 *   s, len      the input; need not be NUL-terminated, may hold NUL bytes
 *   arena       where nodes and strings go; the tree lives until the arena is reset
 *   out         the root on VG_OK, else NULL
 *   err_pos     on failure, the byte offset of the error: the offending byte (a bad character,
 *               the backslash of a bad escape, the first byte after the value that is not white
 *               space, the bracket one level too deep); len - 1 when the input ends too early.
 *               0 on success.
 *   incomplete  on VG_EPARSE, 1 if the value could not be read and the input ends inside it (an
 *               open string, or more '{'/'[' than '}'/']'): a value cut short rather than a
 *               malformed one. A complete value followed by more data is never incomplete.
 *
 * Returns VG_OK; VG_EPARSE for malformed input; VG_ELIMIT when the tree would take the arena past
 * its limit (err_pos is where parsing stopped); VG_ENOMEM when an allocation fails. On failure
 * the arena may hold part of a tree: the caller resets it as after any document.
 */
vg_status vg__json_parse(const char *s, size_t len, struct vg_arena *arena, cJSON **out,
                         size_t *err_pos, int *incomplete);

#endif /* VG_INGEST_JSON_H */
