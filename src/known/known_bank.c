/* SPDX-License-Identifier: Apache-2.0 */
/*
 * known_bank.c: banks of known items (docs/known.md): item values in their stored form, the
 * bank functions of vigie.h over the store, imports (known_formats.c parses, this file applies
 * and counts) and exports in the same three formats.
 *
 * Counting: every record an import reads ends as added, updated, deleted, unchanged or rejected,
 * so read is always their sum. A TAT page's entries at or before the bank's stored checkpoint
 * are unchanged without being applied: pages arrive in checkpoint order, and an old page replayed
 * after a newer one must not bring back what the newer one deleted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "known.h"
#include "store.h"

/* ---- names --------------------------------------------------------------------------------- */

static const char *const item_type_names[VG_ITEM__COUNT] = {
#define ITEM_NAME(name, text) text,
    VG_ITEM_TYPE_MAP(ITEM_NAME)
#undef ITEM_NAME
};

const char *vg_item_type_name(enum vg_item_type t)
{
    return (unsigned)t < VG_ITEM__COUNT ? item_type_names[t] : "unknown";
}

vg_status vg_item_type_parse(const char *name, enum vg_item_type *out)
{
    for (int i = 0; name && i < VG_ITEM__COUNT; i++)
        if (!strcmp(name, item_type_names[i])) {
            *out = (enum vg_item_type)i;
            return VG_OK;
        }
    return VG_EINVAL;
}

static const char *const format_names[VG_BANK_FORMAT__COUNT] = {
#define FORMAT_NAME(name, text, doc) text,
    VG_BANK_FORMAT_MAP(FORMAT_NAME)
#undef FORMAT_NAME
};

const char *vg_bank_format_name(enum vg_bank_format f)
{
    return (unsigned)f < VG_BANK_FORMAT__COUNT ? format_names[f] : "unknown";
}

vg_status vg_bank_format_parse(const char *name, enum vg_bank_format *out)
{
    for (int i = 0; name && i < VG_BANK_FORMAT__COUNT; i++)
        if (!strcmp(name, format_names[i])) {
            *out = (enum vg_bank_format)i;
            return VG_OK;
        }
    return VG_EINVAL;
}

/* ---- values -------------------------------------------------------------------------------- */

/* n hex digits exactly, lower-cased into a new string. */
static vg_status hex_value(const char *v, size_t n, const char *what, char **out, char *why,
                           size_t cap)
{
    size_t len = strlen(v);
    if (len != n) {
        vg_errf(why, cap, "%s: %zu characters, %zu hex digits expected", what, len, n);
        return VG_EFIELD;
    }
    char *s = vg_malloc(n + 1);
    if (!s)
        return VG_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        char c = v[i];
        if (c >= 'A' && c <= 'F')
            c = (char)(c - 'A' + 'a');
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            vg_free(s);
            vg_errf(why, cap, "%s: '%c' at %zu is not a hex digit", what,
                    (v[i] >= 0x20 && v[i] < 0x7f) ? v[i] : '?', i + 1);
            return VG_EFIELD;
        }
        s[i] = c;
    }
    s[n] = '\0';
    *out = s;
    return VG_OK;
}

static vg_status text_value(const char *v, char **out, char *why, size_t cap)
{
    size_t len = strlen(v);
    if (len > VG_TEXT_MAX) {
        vg_errf(why, cap, "text: over %u bytes", VG_TEXT_MAX);
        return VG_EFIELD;
    }
    if (!vg_utf8_valid(v, len)) {
        vg_errf(why, cap, "text: not valid UTF-8");
        return VG_EFIELD;
    }
    struct vg_known_fp fp;
    vg_status rc = vg__known_fp_make(v, len, &fp);
    vg__known_fp_release(&fp);
    if (rc == VG_ENOMEM)
        return rc;
    if (rc) {
        vg_errf(why, cap,
                "text: too little to match (its words, without links, mentions and "
                "emoji, make fewer than %d distinct 4-character pieces)",
                VG_KNOWN_MIN_SHINGLES);
        return VG_EFIELD;
    }
    return (*out = vg_strdup(v)) ? VG_OK : VG_ENOMEM;
}

vg_status vg_bank_item_normalize(enum vg_item_type t, const char *value, char **out, char *why,
                                 size_t cap)
{
    *out = NULL;
    if (!value) {
        vg_errf(why, cap, "no value");
        return VG_EFIELD;
    }
    switch (t) {
        case VG_ITEM_PDQ:
            return hex_value(value, VG_PDQ_HEX_LEN, "pdq", out, why, cap);
        case VG_ITEM_MD5:
            return hex_value(value, 32, "md5", out, why, cap);
        case VG_ITEM_SHA256:
            return hex_value(value, 64, "sha256", out, why, cap);
        case VG_ITEM_TEXT:
            return text_value(value, out, why, cap);
        case VG_ITEM_URL: {
            vg_status rc = vg_url_canonicalize(value, strlen(value), out);
            if (rc == VG_EPARSE || rc == VG_ELIMIT) {
                vg_errf(why, cap, "url: %s",
                        rc == VG_ELIMIT ? "over 8 KiB" : "not an absolute http(s) URL");
                return VG_EFIELD;
            }
            return rc;
        }
        default:
            vg_errf(why, cap, "unknown item type");
            return VG_EFIELD;
    }
}

/* ---- banks --------------------------------------------------------------------------------- */

static int valid_bank_name(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

vg_status vg_bank_create(vg_db *db, const char *name, const char *description, int *created)
{
    if (!valid_bank_name(name))
        return VG_EINVAL;
    vg_status rc = vg__db_bank_create(db, name, description, created);
    if (!rc)
        rc = vg_db_flush(db);
    return rc;
}

vg_status vg_bank_list(vg_db *db, vg_bank_list_fn fn, void *ud)
{
    return vg__db_bank_list(db, fn, ud);
}

/* Put without committing (imports commit in batches). */
static vg_status bank_put(vg_db *db, const struct vg_bank_item *it, enum vg_bank_change *change)
{
    if (!valid_bank_name(it->bank) || !it->value || (unsigned)it->type >= VG_ITEM__COUNT)
        return VG_EINVAL;
    vg_status rc = vg__db_bank_create(db, it->bank, NULL, NULL);
    int64_t id;
    if (!rc)
        rc = vg__db_bank_put(db, it, change, &id);
    return rc;
}

vg_status vg_bank_put(vg_db *db, const struct vg_bank_item *it, enum vg_bank_change *change)
{
    vg_status rc = bank_put(db, it, change);
    if (!rc)
        rc = vg_db_flush(db);
    return rc;
}

vg_status vg_bank_delete(vg_db *db, const char *bank, enum vg_item_type type, const char *value,
                         const char *external_id, enum vg_bank_change *change)
{
    if (!valid_bank_name(bank) || (!value && !external_id))
        return VG_EINVAL;
    vg_status rc = vg__db_bank_delete(db, bank, type, value, external_id, change);
    if (!rc)
        rc = vg_db_flush(db);
    return rc;
}

vg_status vg_bank_scan(vg_db *db, const char *bank, int with_deleted, vg_bank_item_fn fn, void *ud)
{
    return vg__db_bank_scan(db, bank, with_deleted, fn, ud);
}

/* ---- import -------------------------------------------------------------------------------- */

struct import {
    vg_db *db;
    const char *bank, *file;
    enum vg_bank_format format;
    struct vg_bank_import_summary *sum;
    void (*on_reject)(const struct vg_bank_reject *r, void *ud);
    void *ud;
    int has_checkpoint; /* the bank's stored TAT checkpoint */
    double cp_time;
    int64_t cp_id;
};

static void import_reject(uint64_t line, int64_t item, const char *field, const char *reason,
                          int counts, void *ud)
{
    struct import *im = ud;
    if (counts) {
        im->sum->read++;
        im->sum->rejected++;
    }
    if (im->on_reject) {
        struct vg_bank_reject r = { im->file, line, item, field, reason };
        im->on_reject(&r, im->ud);
    }
}

static const char *value_field(enum vg_bank_format f)
{
    return f == VG_BANK_TE_CSV ? "signal_str" : f == VG_BANK_HMA_JSON ? "signals" : "hash_digest";
}

/* 1 when a TAT entry is at or before the stored checkpoint (applied by an earlier import). */
static int before_checkpoint(const struct import *im, const struct vg_known_record *r)
{
    if (!im->has_checkpoint || r->tat_id < 0)
        return 0;
    return r->updated_on < im->cp_time || (r->updated_on == im->cp_time && r->tat_id <= im->cp_id);
}

static void count_change(struct vg_bank_import_summary *s, enum vg_bank_change c)
{
    switch (c) {
        case VG_BANK_ADDED:
            s->added++;
            break;
        case VG_BANK_UPDATED:
            s->updated++;
            break;
        case VG_BANK_DELETED:
            s->deleted++;
            break;
        default:
            s->unchanged++;
    }
}

static vg_status import_record(const struct vg_known_record *r, void *ud)
{
    struct import *im = ud;
    if (before_checkpoint(im, r)) {
        im->sum->read++;
        im->sum->unchanged++;
        return VG_OK;
    }
    char why[256] = "";
    char *value = NULL;
    vg_status rc = vg_bank_item_normalize(r->it.type, r->it.value, &value, why, sizeof(why));
    if (rc == VG_EFIELD) {
        import_reject(r->line, r->item, value_field(im->format), why, 1, im);
        return VG_OK;
    }
    if (rc)
        return rc;
    enum vg_bank_change change = VG_BANK_UNCHANGED;
    if (r->deletion) {
        rc = vg__db_bank_delete(im->db, im->bank, r->it.type, value, r->it.external_id, &change);
    } else {
        struct vg_bank_item it = r->it;
        it.bank = im->bank;
        it.value = value;
        rc = bank_put(im->db, &it, &change);
    }
    vg_free(value);
    if (rc)
        return rc;
    im->sum->read++;
    count_change(im->sum, change);
    return VG_OK;
}

static vg_status load_checkpoint(struct import *im)
{
    struct vg_buf b;
    vg_buf_init(&b, 4096);
    int found = 0;
    vg_status rc = vg__db_checkpoint_get(im->db, im->bank, "tat", &b, &found);
    if (!rc && found &&
        vg__known_checkpoint_parse(b.data ? b.data : "", &im->cp_time, &im->cp_id) == VG_OK)
        im->has_checkpoint = 1;
    vg_buf_release(&b);
    return rc;
}

/* Keep the page's checkpoint when it is later than the stored one; note a stale page. */
static vg_status save_checkpoint(struct import *im, const char *cp)
{
    double t;
    int64_t id;
    if (!*cp || vg__known_checkpoint_parse(cp, &t, &id))
        return VG_OK;
    if (im->has_checkpoint && (t < im->cp_time || (t == im->cp_time && id <= im->cp_id))) {
        im->sum->stale_page = 1;
        return VG_OK;
    }
    return vg__db_checkpoint_put(im->db, im->bank, "tat", cp);
}

vg_status vg_bank_import(vg_db *db, const char *bank, enum vg_bank_format f, const char *path,
                         void (*on_reject)(const struct vg_bank_reject *r, void *ud), void *ud,
                         struct vg_bank_import_summary *sum)
{
    if (!valid_bank_name(bank) || (unsigned)f >= VG_BANK_FORMAT__COUNT)
        return VG_EINVAL;
    struct import im = { db, bank, path, f, sum, on_reject, ud, 0, 0, 0 };
    struct vg_buf text;
    vg_buf_init(&text, 256u << 20);
    vg_status rc = vg_buf_read_file(&text, path);
    if (rc)
        goto fail;
    if ((rc = vg__db_bank_create(db, bank, NULL, NULL)))
        goto fail;
    if (f == VG_BANK_TAT_JSON && (rc = load_checkpoint(&im)))
        goto fail;
    struct vg_known_sink sink = { import_record, import_reject, &im, "" };
    rc = vg__known_parse(f, text.data ? text.data : "", text.len, &sink);
    if (!rc && f == VG_BANK_TAT_JSON)
        rc = save_checkpoint(&im, sink.checkpoint);
    if (rc == VG_EPARSE) { /* nothing of the file was usable: keep the bank it created */
        vg_status frc = vg_db_flush(db);
        rc = frc ? frc : rc;
    } else if (!rc) {
        rc = vg_db_flush(db);
    } else {
        goto fail;
    }
    vg_buf_release(&text);
    return rc;
fail:
    vg__db_abort(db);
    vg_buf_release(&text);
    return rc;
}

/* ---- export -------------------------------------------------------------------------------- */

struct export
{
    enum vg_bank_format format;
    vg_write_fn write;
    void *ud;
    struct vg_buf line;
    uint64_t written, skipped;
    double max_updated; /* TAT checkpoint */
    int64_t max_id;
};

static vg_status csv_field(struct vg_buf *b, const char *s)
{
    if (!s)
        return VG_OK;
    int quote = strpbrk(s, ",\"\r\n") != NULL || (*s && (s[0] == ' ' || s[strlen(s) - 1] == ' '));
    if (!quote)
        return vg_buf_puts(b, s);
    vg_status rc = vg_buf_putc(b, '"');
    for (const char *p = s; *p && !rc; p++)
        rc = *p == '"' ? vg_buf_puts(b, "\"\"") : vg_buf_putc(b, *p);
    if (!rc)
        rc = vg_buf_putc(b, '"');
    return rc;
}

/* ThreatExchange names of our types (what pytx reads back: signal_type_of in known_formats.c). */
static const char *te_signal_type(enum vg_item_type t)
{
    static const char *const n[VG_ITEM__COUNT] = { "pdq", "video_md5", "video_sha256", "raw_text",
                                                   "url" };
    return (unsigned)t < VG_ITEM__COUNT ? n[t] : "unknown";
}

static vg_status te_row(struct export *x, const struct vg_bank_item *it)
{
    struct vg_buf *b = &x->line;
    vg_status rc = vg_buf_printf(b, "%s,", te_signal_type(it->type));
    if (!rc)
        rc = csv_field(b, it->value);
    if (!rc)
        rc = vg_buf_putc(b, ',');
    if (!rc)
        rc = csv_field(b, it->source);
    if (!rc)
        rc = vg_buf_putc(b, ',');
    if (!rc)
        rc = csv_field(b, it->label);
    if (!rc)
        rc = vg_buf_putc(b, ',');
    /* Ideology and TCO category ride in the tags (the CSV has no columns for them). */
    struct vg_buf tags;
    vg_buf_init(&tags, 3 * VG_KNOWN_FIELD_MAX + 64);
    if (!rc && it->tags)
        rc = vg_buf_puts(&tags, it->tags);
    if (!rc && it->ideology)
        rc = vg_buf_printf(&tags, "%sideology:%s", tags.len ? " " : "", it->ideology);
    if (!rc && it->tco)
        rc = vg_buf_printf(&tags, "%stco:%s", tags.len ? " " : "", it->tco);
    if (!rc)
        rc = csv_field(b, tags.len ? tags.data : NULL);
    vg_buf_release(&tags);
    if (!rc)
        rc = vg_buf_puts(b, "\r\n");
    return rc;
}

static vg_status json_member(struct vg_buf *b, const char *name, const char *v, int *first)
{
    if (!v)
        return VG_OK;
    vg_status rc = vg_buf_printf(b, "%s\"%s\":", *first ? "" : ",", name);
    *first = 0;
    return rc ? rc : vg_buf_json_str(b, v, strlen(v));
}

static vg_status hma_object_out(struct export *x, const struct vg_bank_item *it)
{
    struct vg_buf *b = &x->line;
    vg_status rc = vg_buf_printf(b,
                                 "%s{\"id\":%lld,\"disable_until_ts\":0,\"original_media_uri\":"
                                 "null,\"bank\":{\"name\":",
                                 x->written ? ",\n" : "", (long long)it->id);
    if (!rc)
        rc = vg_buf_json_str(b, it->bank, strlen(it->bank));
    if (!rc)
        rc = vg_buf_printf(b, ",\"matching_enabled_ratio\":1.0},\"signals\":{\"%s\":",
                           te_signal_type(it->type));
    if (!rc)
        rc = vg_buf_json_str(b, it->value, strlen(it->value));
    if (!rc)
        rc = vg_buf_puts(b, "},\"metadata\":{");
    int first = 1;
    if (!rc)
        rc = json_member(b, "content_id", it->external_id, &first);
    if (!rc)
        rc = vg_buf_printf(b, "%s\"json\":{", first ? "" : ",");
    first = 1;
    if (!rc)
        rc = json_member(b, "label", it->label, &first);
    if (!rc)
        rc = json_member(b, "source", it->source, &first);
    if (!rc)
        rc = json_member(b, "ideology", it->ideology, &first);
    if (!rc)
        rc = json_member(b, "tco", it->tco, &first);
    if (!rc)
        rc = json_member(b, "tags", it->tags, &first);
    if (!rc)
        rc = vg_buf_puts(b, "}},\"note\":");
    if (!rc)
        rc = it->label ? vg_buf_json_str(b, it->label, strlen(it->label)) : vg_buf_puts(b, "null");
    if (!rc)
        rc = vg_buf_putc(b, '}');
    return rc;
}

/* A TAT entry: its own id when the item came from TAT, else the store's id. */
static vg_status tat_entry_out(struct export *x, const struct vg_bank_item *it)
{
    struct vg_buf *b = &x->line;
    long long id = it->id;
    if (it->external_id && it->source && !strcmp(it->source, "tat"))
        id = atoll(it->external_id);
    char when[21];
    vg_status rc = vg_buf_printf(b,
                                 "%s{\"id\":%lld,\"hash_digest\":\"%s\",\"algorithm\":\"%s\","
                                 "\"ideology\":",
                                 x->written ? ",\n" : "", id, it->value,
                                 it->type == VG_ITEM_PDQ ? "PDQ" : "MD5");
    if (!rc)
        rc = it->ideology ? vg_buf_json_str(b, it->ideology, strlen(it->ideology))
                          : vg_buf_puts(b, "null");
    const char *ft = it->tags ? strstr(it->tags, "file_type:") : NULL;
    if (!rc)
        rc = vg_buf_puts(b, ",\"file_type\":");
    if (!rc && ft) {
        ft += 10;
        rc = vg_buf_json_str(b, ft, strcspn(ft, " "));
    } else if (!rc) {
        rc = vg_buf_puts(b, "null");
    }
    int64_t updated = it->deleted != VG_TIME_UNKNOWN ? it->deleted : it->updated;
    if (!rc)
        rc = vg_buf_printf(b, ",\"deleted\":%s,\"updated_on\":%lld,\"created_on\":\"%s\"}",
                           it->deleted != VG_TIME_UNKNOWN ? "true" : "false", (long long)updated,
                           vg_time_format(it->added, when));
    if ((double)updated > x->max_updated || ((double)updated == x->max_updated && id > x->max_id)) {
        x->max_updated = (double)updated;
        x->max_id = id;
    }
    return rc;
}

static vg_status export_item(const struct vg_bank_item *it, void *ud)
{
    struct export *x = ud;
    /* TAT pages carry PDQ and MD5 only, tombstones included; the other formats have no way to
     * say "deleted", so their exports hold live items only. */
    int carried = x->format == VG_BANK_TAT_JSON
                          ? (it->type == VG_ITEM_PDQ || it->type == VG_ITEM_MD5)
                          : it->deleted == VG_TIME_UNKNOWN;
    if (!carried) {
        x->skipped++;
        return VG_OK;
    }
    vg_buf_reset(&x->line);
    vg_status rc = x->format == VG_BANK_TE_CSV     ? te_row(x, it)
                   : x->format == VG_BANK_HMA_JSON ? hma_object_out(x, it)
                                                   : tat_entry_out(x, it);
    if (!rc)
        rc = x->write(x->line.data, x->line.len, x->ud);
    if (!rc)
        x->written++;
    return rc;
}

static vg_status put_str(struct export *x, const char *s)
{
    return x->write(s, strlen(s), x->ud);
}

vg_status vg_bank_export(vg_db *db, const char *bank, enum vg_bank_format f, vg_write_fn write,
                         void *ud, uint64_t *n_written, uint64_t *n_skipped)
{
    if ((unsigned)f >= VG_BANK_FORMAT__COUNT || !write)
        return VG_EINVAL;
    struct export x = { f, write, ud, { 0 }, 0, 0, 0, 0 };
    vg_buf_init(&x.line, 8 * (size_t)VG_TEXT_MAX);
    const char *head = f == VG_BANK_TE_CSV     ? "signal_type,signal_str,collab,category,tags\r\n"
                       : f == VG_BANK_HMA_JSON ? "[\n"
                                               : "{\"next\":null,\"previous\":null,\"results\":[\n";
    vg_status rc = put_str(&x, head);
    /* TAT pages carry tombstones: that is how an exchange tells a deletion. */
    if (!rc)
        rc = vg__db_bank_scan(db, bank, f == VG_BANK_TAT_JSON, export_item, &x);
    if (!rc && f == VG_BANK_HMA_JSON)
        rc = put_str(&x, "\n]\n");
    if (!rc && f == VG_BANK_TAT_JSON) {
        vg_buf_reset(&x.line);
        rc = vg_buf_printf(&x.line,
                           "\n],\"count\":%llu,\"checkpoint\":", (unsigned long long)x.written);
        if (!rc)
            rc = x.written ? vg_buf_printf(&x.line, "\"%.0f,%lld\"}\n", x.max_updated,
                                           (long long)x.max_id)
                           : vg_buf_puts(&x.line, "null}\n");
        if (!rc)
            rc = x.write(x.line.data, x.line.len, x.ud);
    }
    vg_buf_release(&x.line);
    if (n_written)
        *n_written = x.written;
    if (n_skipped)
        *n_skipped = x.skipped;
    return rc;
}
