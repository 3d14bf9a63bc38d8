/* SPDX-License-Identifier: Apache-2.0 */
/*
 * graph_truth.c: the planted truth of a generated world (truth.json of `vigie sim`, docs/sim.md),
 * read strictly: an object with an "accounts" array whose items each have a non-empty string
 * "id", a "role" (supporter, news, researcher, counter) and a "community" (string or null).
 * "persona" and "replaces" (string or null) are read when present, for the over-time analysis
 * of returning accounts (graph_timeline.c); older files without them still parse. Other fields
 * (created_day, storms, ...) are ignored.
 * Accounts not listed are background. The parser works on a buffer so the fuzz target
 * (tests/fuzz/fuzz_truth.c) reaches it without a file.
 */
#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "graph.h"

#define TRUTH_ID_MAX   512
#define TRUTH_FILE_MAX (256u << 20)

static const char *const ROLE_NAMES[VG_ROLES] = { "background", "supporter", "news", "researcher",
                                                  "counter" };

const char *vg__role_name(int role)
{
    return role >= 0 && role < VG_ROLES ? ROLE_NAMES[role] : "?";
}

static int role_of(const char *s)
{
    for (int r = VG_ROLE_SUPPORTER; r < VG_ROLES; r++)
        if (!strcmp(s, ROLE_NAMES[r]))
            return r;
    return -1;
}

static vg_status fail(char *err, size_t cap, vg_status rc, const char *fmt, ...) VG_PRINTF(4, 5);

/* Write the message naming the field at fault into err; return rc. */
static vg_status fail(char *err, size_t cap, vg_status rc, const char *fmt, ...)
{
    if (err && cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, cap, fmt, ap);
        va_end(ap);
    }
    return rc;
}

/* How string_field treats a field: required, or may be null, or may be absent or null. */
enum {
    FIELD_REQUIRED,
    FIELD_NULLABLE,
    FIELD_OPTIONAL
};

/* A string field of item i: non-empty, at most 512 bytes, valid UTF-8. */
static vg_status string_field(const cJSON *item, const char *name, size_t i, int nullable,
                              const char **out, char *err, size_t cap)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(item, name);
    *out = NULL;
    if (!f && nullable == FIELD_OPTIONAL)
        return VG_OK;
    if (!f)
        return fail(err, cap, VG_EFIELD, "accounts[%zu].%s: missing", i, name);
    if (nullable && cJSON_IsNull(f))
        return VG_OK;
    if (!cJSON_IsString(f) || !f->valuestring)
        return fail(err, cap, VG_EPARSE, "accounts[%zu].%s: expected a string%s", i, name,
                    nullable ? " or null" : "");
    size_t n = strlen(f->valuestring);
    if (n == 0 || n > TRUTH_ID_MAX || !vg_utf8_valid(f->valuestring, n))
        return fail(err, cap, VG_EPARSE, "accounts[%zu].%s: expected 1 to 512 bytes of UTF-8", i,
                    name);
    *out = f->valuestring;
    return VG_OK;
}

static vg_status read_account(const cJSON *item, size_t i, struct vg_truth *t, char *err,
                              size_t cap)
{
    if (!cJSON_IsObject(item))
        return fail(err, cap, VG_EPARSE, "accounts[%zu]: expected an object", i);
    const char *id, *role, *community, *persona = NULL, *replaces = NULL;
    vg_status rc = string_field(item, "id", i, FIELD_REQUIRED, &id, err, cap);
    if (!rc)
        rc = string_field(item, "role", i, FIELD_REQUIRED, &role, err, cap);
    if (!rc)
        rc = string_field(item, "community", i, FIELD_NULLABLE, &community, err, cap);
    if (!rc)
        rc = string_field(item, "persona", i, FIELD_OPTIONAL, &persona, err, cap);
    if (!rc)
        rc = string_field(item, "replaces", i, FIELD_OPTIONAL, &replaces, err, cap);
    if (rc)
        return rc;
    int r = role_of(role);
    if (r < 0)
        return fail(err, cap, VG_EPARSE,
                    "accounts[%zu].role: expected supporter, news, researcher or counter, "
                    "not \"%.40s\"",
                    i, role);
    uint32_t idx;
    if ((rc = vg__ids_intern(&t->ids, id, &idx)))
        return rc;
    if (idx != t->n)
        return fail(err, cap, VG_EPARSE, "accounts[%zu].id: \"%.40s\" listed twice", i, id);
    struct vg_truth_account *a = &t->acc[t->n++];
    a->id = t->ids.str[idx];
    a->role = (uint8_t)r;
    a->community = a->persona = a->replaces = NULL;
    if ((community && !(a->community = vg_arena_strdup(&t->ids.arena, community))) ||
        (persona && !(a->persona = vg_arena_strdup(&t->ids.arena, persona))) ||
        (replaces && !(a->replaces = vg_arena_strdup(&t->ids.arena, replaces))))
        return VG_ENOMEM;
    return VG_OK;
}

static vg_status read_accounts(const cJSON *doc, struct vg_truth *t, char *err, size_t cap)
{
    if (!cJSON_IsObject(doc))
        return fail(err, cap, VG_EPARSE, "truth: expected a JSON object");
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(doc, "accounts");
    if (!arr)
        return fail(err, cap, VG_EFIELD, "accounts: missing");
    if (!cJSON_IsArray(arr))
        return fail(err, cap, VG_EPARSE, "accounts: expected an array");
    size_t n = (size_t)cJSON_GetArraySize(arr);
    t->acc = vg_malloc((n ? n : 1) * sizeof(*t->acc));
    if (!t->acc)
        return VG_ENOMEM;
    size_t i = 0;
    vg_status rc = VG_OK;
    for (const cJSON *item = arr->child; item && !rc; item = item->next, i++)
        rc = read_account(item, i, t, err, cap);
    return rc;
}

/* Anything but white space after the document. */
static int trailing_data(const char *text, size_t len, size_t at)
{
    for (; at < len; at++)
        if (text[at] != ' ' && text[at] != '\t' && text[at] != '\n' && text[at] != '\r')
            return 1;
    return 0;
}

vg_status vg__truth_parse(const char *text, size_t len, struct vg_truth *t, char *err, size_t cap)
{
    memset(t, 0, sizeof(*t));
    if (err && cap)
        err[0] = '\0';
    vg_status rc = vg__ids_init(&t->ids);
    if (rc)
        return rc;
    if (len > TRUTH_FILE_MAX) {
        vg__truth_release(t);
        return fail(err, cap, VG_ELIMIT, "truth: over 256 MiB");
    }
    const char *end = NULL;
    cJSON *doc = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    size_t at = end && end >= text ? (size_t)(end - text) : 0;
    if (doc && trailing_data(text, len, at)) {
        cJSON_Delete(doc);
        doc = NULL;
    }
    if (!doc) {
        rc = fail(err, cap, VG_EPARSE, "truth: not valid JSON (near byte %zu)", at);
    } else {
        rc = read_accounts(doc, t, err, cap);
        cJSON_Delete(doc);
    }
    if (rc)
        vg__truth_release(t);
    return rc;
}

void vg__truth_release(struct vg_truth *t)
{
    vg__ids_release(&t->ids);
    vg_free(t->acc);
    memset(t, 0, sizeof(*t));
}

/* ---- public handle ------------------------------------------------------------------------- */

static vg_status parse_text(const char *text, size_t len, void *t, char *err, size_t cap)
{
    return vg__truth_parse(text, len, t, err, cap);
}

vg_status vg_truth_read(const char *path, vg_truth **out)
{
    *out = NULL;
    if (!path)
        return VG_EINVAL;
    struct vg_truth *t = vg_calloc(1, sizeof(*t));
    if (!t)
        return VG_ENOMEM;
    char err[512];
    vg_status rc = vg_file_parse(path, TRUTH_FILE_MAX, parse_text, t, err, sizeof(err));
    if (rc)
        VG_LOG_ERR("truth: %s", err);
    if (rc) {
        vg_free(t);
        return rc;
    }
    *out = t;
    return VG_OK;
}

void vg_truth_free(vg_truth *t)
{
    if (!t)
        return;
    vg__truth_release(t);
    vg_free(t);
}

size_t vg_truth_size(const vg_truth *t)
{
    return t ? t->n : 0;
}

vg_status vg_truth_ids(const vg_truth *t, const char *role, const char ***ids, size_t *n)
{
    *ids = NULL;
    *n = 0;
    int r = role ? role_of(role) : -1;
    if (!t || r < 0)
        return VG_EINVAL;
    const char **out = vg_malloc((t->n ? t->n : 1) * sizeof(*out));
    if (!out)
        return VG_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < t->n; i++)
        if (t->acc[i].role == r)
            out[k++] = t->acc[i].id;
    *ids = out;
    *n = k;
    return VG_OK;
}

vg_status vg_truth_personas(const vg_truth *t, struct vg_persona_link **links, size_t *n)
{
    *links = NULL;
    *n = 0;
    if (!t)
        return VG_EINVAL;
    struct vg_persona_link *out = vg_malloc((t->n ? t->n : 1) * sizeof(*out));
    if (!out)
        return VG_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < t->n; i++)
        if (t->acc[i].persona)
            out[k++] = (struct vg_persona_link){ t->acc[i].id, t->acc[i].persona };
    *links = out;
    *n = k;
    return VG_OK;
}
