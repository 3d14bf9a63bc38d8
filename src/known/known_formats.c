/* SPDX-License-Identifier: Apache-2.0 */
/*
 * known_formats.c: the parsers of the hash-sharing formats banks import (docs/known.md,
 * ../shared/guide/reference/formats-and-law.md section 5). Each turns a file into records and
 * rejects; it stores nothing (known_bank.c applies the records), so the fuzz targets run it alone.
 *
 *   te-csv    ThreatExchange `threatexchange dataset --csv`: header
 *             signal_type,signal_str,collab,category,tags (tags space-separated). collab becomes
 *             the source, category (POSITIVE_CLASS, ...) the label; tags "ideology:X" and "tco:Y"
 *             (written by our export) go back to their fields.
 *   hma-json  HMA 2.0 bank content objects {id, signals{type: value}, note, metadata{content_id,
 *             content_uri, json{...}}, ...}: a JSON array, or one object per line. One object can
 *             carry several signals: each is a record.
 *   tat-json  a Tech Against Terrorism hash-list page {count, next, previous, checkpoint,
 *             results[{id, hash_digest, algorithm PDQ|MD5, ideology, file_type, deleted,
 *             updated_on, created_on}]}.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "detect_corpus_int.h"
#include "known.h"

/* Signal type names of ThreatExchange/HMA and the item type they become. */
static int signal_type_of(const char *name, enum vg_item_type *out)
{
    static const struct {
        const char *name;
        enum vg_item_type t;
    } map[] = {
        { "pdq", VG_ITEM_PDQ }, { "video_md5", VG_ITEM_MD5 },       { "photo_md5", VG_ITEM_MD5 },
        { "md5", VG_ITEM_MD5 }, { "video_sha256", VG_ITEM_SHA256 }, { "sha256", VG_ITEM_SHA256 },
        { "url", VG_ITEM_URL }, { "raw_text", VG_ITEM_TEXT },       { "text", VG_ITEM_TEXT },
    };

    for (size_t i = 0; i < VG_ARRAY_LEN(map); i++)
        if (!strcmp(name, map[i].name)) {
            *out = map[i].t;
            return 1;
        }
    return 0;
}

static void reject(struct vg_known_sink *k, uint64_t line, int64_t item, const char *field,
                   const char *reason)
{
    if (k->reject)
        k->reject(line, item, field, reason, 1, k->ud);
}

/* A problem of the whole file, not of one record. */
static void note(struct vg_known_sink *k, uint64_t line, const char *field, const char *reason)
{
    if (k->reject)
        k->reject(line, -1, field, reason, 0, k->ud);
}

/* A field that is not the value: bounded, and "" counts as absent. */
static int short_field(const char *s, size_t len)
{
    return len <= VG_KNOWN_FIELD_MAX && !memchr(s, '\0', len);
}

/* ---- ThreatExchange CSV -------------------------------------------------------------------- */

enum {
    TE_TYPE,
    TE_STR,
    TE_COLLAB,
    TE_CATEGORY,
    TE_TAGS,
    TE__COUNT
};

static const char *const te_cols[TE__COUNT] = { "signal_type", "signal_str", "collab", "category",
                                                "tags" };

/* Split "ideology:X" and "tco:Y" out of the space-separated tags; the rest stay in tags. */
static vg_status split_tags(const char *tags, struct vg_buf *rest, struct vg_buf *ideology,
                            struct vg_buf *tco)
{
    const char *p = tags;
    vg_status rc = VG_OK;
    while (*p && !rc) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        if (!n)
            break;
        if (n > 9 && !strncmp(p, "ideology:", 9)) {
            vg_buf_reset(ideology);
            rc = vg_buf_append(ideology, p + 9, n - 9);
        } else if (n > 4 && !strncmp(p, "tco:", 4)) {
            vg_buf_reset(tco);
            rc = vg_buf_append(tco, p + 4, n - 4);
        } else {
            if (rest->len)
                rc = vg_buf_putc(rest, ' ');
            if (!rc)
                rc = vg_buf_append(rest, p, n);
        }
        p += n;
    }
    return rc;
}

static const char *nonempty(const struct vg_buf *b)
{
    return b->len ? b->data : NULL;
}

static vg_status te_record(struct vg_csv *c, const int *col, struct vg_known_sink *k,
                           struct vg_buf bufs[3])
{
    const char *f[TE__COUNT];
    for (int i = 0; i < TE__COUNT; i++) {
        f[i] = col[i] >= 0 && (size_t)col[i] < c->n_fields ? c->field[col[i]] : "";
        size_t len = col[i] >= 0 && (size_t)col[i] < c->n_fields ? c->field_len[col[i]] : 0;
        if (i != TE_STR && !short_field(f[i], len)) {
            reject(k, c->rec_line, -1, te_cols[i], "over 4096 bytes or holds a NUL byte");
            return VG_OK;
        }
    }
    struct vg_known_record r = { .line = c->rec_line, .item = -1, .tat_id = -1 };
    if (!*f[TE_TYPE] || !signal_type_of(f[TE_TYPE], &r.it.type)) {
        reject(k, c->rec_line, -1, "signal_type",
               "unknown signal type (pdq, video_md5, md5, video_sha256, sha256, url, raw_text)");
        return VG_OK;
    }
    if (!*f[TE_STR]) {
        reject(k, c->rec_line, -1, "signal_str", "empty");
        return VG_OK;
    }
    for (int i = 0; i < 3; i++)
        vg_buf_reset(&bufs[i]);
    vg_status rc = split_tags(f[TE_TAGS], &bufs[0], &bufs[1], &bufs[2]);
    if (rc)
        return rc;
    r.it.value = f[TE_STR];
    r.it.source = *f[TE_COLLAB] ? f[TE_COLLAB] : NULL;
    r.it.label = *f[TE_CATEGORY] ? f[TE_CATEGORY] : NULL;
    r.it.tags = nonempty(&bufs[0]);
    r.it.ideology = nonempty(&bufs[1]);
    r.it.tco = nonempty(&bufs[2]);
    return k->record(&r, k->ud);
}

/* Column positions from the header; 0, or VG_EPARSE when signal_type or signal_str is missing. */
static vg_status te_header(struct vg_csv *c, int col[TE__COUNT])
{
    for (int i = 0; i < TE__COUNT; i++) {
        col[i] = -1;
        for (size_t j = 0; j < c->n_fields; j++)
            if (!strcmp(c->field[j], te_cols[i]))
                col[i] = (int)j;
    }
    return col[TE_TYPE] < 0 || col[TE_STR] < 0 ? VG_EPARSE : VG_OK;
}

static vg_status parse_te_csv(const char *text, size_t len, struct vg_known_sink *k)
{
    struct vg_csv c;
    vg__csv_init(&c, text, len, ',', 1);
    struct vg_buf bufs[3];
    for (int i = 0; i < 3; i++)
        vg_buf_init(&bufs[i], VG_KNOWN_FIELD_MAX + 1);
    int col[TE__COUNT];
    vg_status rc = VG_OK;
    int got = vg__csv_next(&c);
    if (got != 1 || te_header(&c, col)) {
        if (got == VG_ENOMEM) {
            rc = VG_ENOMEM;
        } else {
            note(k, got == 1 || got == VG_EPARSE ? c.rec_line : 1, "header",
                 "no header with signal_type and signal_str columns");
            rc = VG_EPARSE;
        }
        goto done;
    }
    while ((got = vg__csv_next(&c)) != 0) {
        if (got == VG_ENOMEM) {
            rc = VG_ENOMEM;
            break;
        }
        if (got == VG_EPARSE) {
            reject(k, c.rec_line, -1, "record", c.reason ? c.reason : "broken CSV record");
            continue;
        }
        if ((rc = te_record(&c, col, k, bufs)))
            break;
    }
done:
    for (int i = 0; i < 3; i++)
        vg_buf_release(&bufs[i]);
    vg__csv_release(&c);
    return rc;
}

/* ---- JSON helpers -------------------------------------------------------------------------- */

/* A string member, NULL if absent or null; *bad set when present with another type or too long. */
static const char *json_str(const cJSON *o, const char *name, int *bad)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!v || cJSON_IsNull(v))
        return NULL;
    if (!cJSON_IsString(v) || strlen(v->valuestring) > VG_KNOWN_FIELD_MAX) {
        *bad = 1;
        return NULL;
    }
    return *v->valuestring ? v->valuestring : NULL;
}

/* An id that may be written as a number or a string, into buf (cap bytes); NULL if absent. */
static const char *json_id(const cJSON *o, const char *name, char *buf, size_t cap, int *bad)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!v || cJSON_IsNull(v))
        return NULL;
    if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 9e15 &&
        v->valuedouble == floor(v->valuedouble)) {
        snprintf(buf, cap, "%lld", (long long)v->valuedouble);
        return buf;
    }
    if (cJSON_IsString(v) && *v->valuestring && strlen(v->valuestring) < cap) {
        snprintf(buf, cap, "%s", v->valuestring);
        return buf;
    }
    *bad = 1;
    return NULL;
}

/* ---- HMA bank content ---------------------------------------------------------------------- */

static vg_status hma_object(const cJSON *o, uint64_t line, int64_t item, struct vg_known_sink *k,
                            struct vg_buf *tags)
{
    if (!cJSON_IsObject(o)) {
        reject(k, line, item, "content", "not a JSON object");
        return VG_OK;
    }
    const cJSON *signals = cJSON_GetObjectItemCaseSensitive(o, "signals");
    if (!cJSON_IsObject(signals) || !signals->child) {
        reject(k, line, item, "signals", "missing, or not an object of signal type: value");
        return VG_OK;
    }
    int bad = 0;
    char idbuf[64];
    struct vg_known_record r = { .line = line, .item = item, .tat_id = -1 };
    const char *id = json_id(o, "id", idbuf, sizeof(idbuf), &bad);
    if (bad) {
        reject(k, line, item, "id", "not a number or a short string");
        return VG_OK;
    }
    const char *note = json_str(o, "note", &bad);
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(o, "metadata");
    const cJSON *mj = cJSON_IsObject(meta) ? cJSON_GetObjectItemCaseSensitive(meta, "json") : NULL;
    if (!cJSON_IsObject(mj))
        mj = NULL;
    const char *content_id = cJSON_IsObject(meta) ? json_str(meta, "content_id", &bad) : NULL;
    r.it.label = mj ? json_str(mj, "label", &bad) : NULL;
    r.it.source = mj ? json_str(mj, "source", &bad) : NULL;
    r.it.ideology = mj ? json_str(mj, "ideology", &bad) : NULL;
    r.it.tco = mj ? json_str(mj, "tco", &bad) : NULL;
    r.it.tags = mj ? json_str(mj, "tags", &bad) : NULL;
    if (bad) {
        reject(k, line, item, "note/metadata", "a field is not a string or is over 4096 bytes");
        return VG_OK;
    }
    if (!r.it.label)
        r.it.label = note;
    if (!r.it.source)
        r.it.source = "hma";
    r.it.external_id = content_id ? content_id : id;
    VG_UNUSED(tags);
    for (const cJSON *s = signals->child; s; s = s->next) {
        if (!signal_type_of(s->string, &r.it.type)) {
            reject(k, line, item, "signals", "unknown signal type");
            continue;
        }
        if (!cJSON_IsString(s) || !*s->valuestring) {
            reject(k, line, item, "signals", "a signal value is not a non-empty string");
            continue;
        }
        r.it.value = s->valuestring;
        vg_status rc = k->record(&r, k->ud);
        if (rc)
            return rc;
    }
    return VG_OK;
}

/* One object per line (JSON lines) when the text does not start with '['. */
static vg_status parse_hma_lines(const char *text, size_t len, struct vg_known_sink *k,
                                 struct vg_buf *tags)
{
    uint64_t line = 0;
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        line++;
        size_t a = pos, b = end;
        while (a < b && (text[a] == ' ' || text[a] == '\t' || text[a] == '\r'))
            a++;
        while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\t' || text[b - 1] == '\r'))
            b--;
        pos = end + 1;
        if (a == b)
            continue;
        cJSON *o = cJSON_ParseWithLength(text + a, b - a);
        if (!o) {
            reject(k, line, -1, "content", "not valid JSON");
            continue;
        }
        vg_status rc = hma_object(o, line, -1, k, tags);
        cJSON_Delete(o);
        if (rc)
            return rc;
    }
    return VG_OK;
}

static vg_status parse_hma_json(const char *text, size_t len, struct vg_known_sink *k)
{
    size_t i = 0;
    while (i < len && (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t'))
        i++;
    struct vg_buf tags;
    vg_buf_init(&tags, VG_KNOWN_FIELD_MAX + 1);
    vg_status rc = VG_OK;
    if (i < len && text[i] == '[') {
        cJSON *arr = cJSON_ParseWithLength(text, len);
        if (!arr) {
            note(k, 0, "content", "not valid JSON (an array was expected)");
            rc = VG_EPARSE;
        } else {
            int64_t n = 0;
            for (const cJSON *o = arr->child; o && !rc; o = o->next)
                rc = hma_object(o, 0, n++, k, &tags);
            cJSON_Delete(arr);
        }
    } else {
        rc = parse_hma_lines(text, len, k, &tags);
    }
    vg_buf_release(&tags);
    return rc;
}

/* ---- TAT hash-list page -------------------------------------------------------------------- */

vg_status vg__known_checkpoint_parse(const char *s, double *t, int64_t *id)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end != ',' || !isfinite(v))
        return VG_EPARSE;
    const char *p = end + 1;
    long long n = strtoll(p, &end, 10);
    if (end == p || *end || n < 0)
        return VG_EPARSE;
    *t = v;
    *id = n;
    return VG_OK;
}

static vg_status tat_entry(const cJSON *e, int64_t item, struct vg_known_sink *k,
                           struct vg_buf *tags)
{
    if (!cJSON_IsObject(e)) {
        reject(k, 0, item, "results", "an entry is not a JSON object");
        return VG_OK;
    }
    int bad = 0;
    char idbuf[32];
    struct vg_known_record r = { .line = 0, .item = item, .tat_id = -1 };
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(e, "id");
    if (!cJSON_IsNumber(id) || id->valuedouble < 0 || id->valuedouble >= 9e15 ||
        id->valuedouble != floor(id->valuedouble)) {
        reject(k, 0, item, "id", "missing or not a non-negative integer");
        return VG_OK;
    }
    r.tat_id = (int64_t)id->valuedouble;
    snprintf(idbuf, sizeof(idbuf), "%lld", (long long)r.tat_id);
    r.it.external_id = idbuf;
    const char *alg = json_str(e, "algorithm", &bad);
    if (!alg || bad || (strcmp(alg, "PDQ") && strcmp(alg, "MD5"))) {
        reject(k, 0, item, "algorithm", "missing, or not PDQ or MD5");
        return VG_OK;
    }
    r.it.type = !strcmp(alg, "PDQ") ? VG_ITEM_PDQ : VG_ITEM_MD5;
    r.it.value = json_str(e, "hash_digest", &bad);
    if (!r.it.value || bad) {
        reject(k, 0, item, "hash_digest", "missing or not a string");
        return VG_OK;
    }
    r.it.ideology = json_str(e, "ideology", &bad);
    const char *file_type = json_str(e, "file_type", &bad);
    if (bad) {
        reject(k, 0, item, "ideology/file_type", "not a string or over 4096 bytes");
        return VG_OK;
    }
    const cJSON *del = cJSON_GetObjectItemCaseSensitive(e, "deleted");
    if (del && !cJSON_IsBool(del)) {
        reject(k, 0, item, "deleted", "not true or false");
        return VG_OK;
    }
    r.deletion = cJSON_IsTrue(del);
    const cJSON *upd = cJSON_GetObjectItemCaseSensitive(e, "updated_on");
    if (!cJSON_IsNumber(upd) || !isfinite(upd->valuedouble)) {
        reject(k, 0, item, "updated_on", "missing or not a number (unix time)");
        return VG_OK;
    }
    r.updated_on = upd->valuedouble;
    r.it.source = "tat";
    vg_buf_reset(tags);
    if (file_type) {
        vg_status rc = vg_buf_printf(tags, "file_type:%s", file_type);
        if (rc)
            return rc;
        r.it.tags = tags->data;
    }
    return k->record(&r, k->ud);
}

static vg_status parse_tat_json(const char *text, size_t len, struct vg_known_sink *k)
{
    cJSON *page = cJSON_ParseWithLength(text, len);
    vg_status rc = VG_OK;
    struct vg_buf tags;
    vg_buf_init(&tags, VG_KNOWN_FIELD_MAX + 64);
    const cJSON *results = page ? cJSON_GetObjectItemCaseSensitive(page, "results") : NULL;
    if (!cJSON_IsObject(page) || !cJSON_IsArray(results)) {
        note(k, 0, "results", page ? "not a hash-list page (no results array)" : "not valid JSON");
        rc = VG_EPARSE;
        goto done;
    }
    const cJSON *cp = cJSON_GetObjectItemCaseSensitive(page, "checkpoint");
    double t;
    int64_t id;
    k->checkpoint[0] = '\0';
    if (cJSON_IsString(cp) && strlen(cp->valuestring) < sizeof(k->checkpoint) &&
        vg__known_checkpoint_parse(cp->valuestring, &t, &id) == VG_OK)
        snprintf(k->checkpoint, sizeof(k->checkpoint), "%s", cp->valuestring);
    else if (cp && !cJSON_IsNull(cp))
        note(k, 0, "checkpoint", "not \"<unix time>,<id>\": the page is read without it");
    int64_t n = 0;
    for (const cJSON *e = results->child; e && !rc; e = e->next)
        rc = tat_entry(e, n++, k, &tags);
done:
    vg_buf_release(&tags);
    cJSON_Delete(page);
    return rc;
}

vg_status vg__known_parse(enum vg_bank_format f, const char *text, size_t len,
                          struct vg_known_sink *k)
{
    k->checkpoint[0] = '\0';
    switch (f) {
        case VG_BANK_TE_CSV:
            return parse_te_csv(text, len, k);
        case VG_BANK_HMA_JSON:
            return parse_hma_json(text, len, k);
        case VG_BANK_TAT_JSON:
            return parse_tat_json(text, len, k);
        default:
            return VG_EINVAL;
    }
}
