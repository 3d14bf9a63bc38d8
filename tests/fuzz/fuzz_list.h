/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_list.h: what the list-file fuzz targets (fuzz_list_plain.c, fuzz_list_mastodon.c) share:
 * vg_list_parse() on the input in one format, with the invariants both check. Every line counted
 * as read is an entry or a reject (read = entries + rejected); every reject names a line (>= 1),
 * a field and a reason; every entry's value is already normalised (normalising it again gives the
 * same kind and value) and valid UTF-8; an entry with a severity (Mastodon) is a domain with a
 * severity of suspend, silence or noop and 0/1 flags.
 */
#ifndef VG_FUZZ_LIST_H
#define VG_FUZZ_LIST_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigie.h"

struct counts {
    uint64_t entries, rejects;
};

static void on_reject(const struct vg_list_reject *r, void *ud)
{
    if (r->line < 1 || !r->field || !*r->field || !r->reason || !*r->reason)
        abort();
    ((struct counts *)ud)->rejects++;
}

static int on_entry(const struct vg_list_entry *e, void *ud)
{
    struct counts *c = ud;
    c->entries++;
    size_t n = strlen(e->value);
    if (!n || !vg_utf8_valid(e->value, n) || (e->note && !vg_utf8_valid(e->note, strlen(e->note))))
        abort();
    /* A pattern is stored without its "re:" marker. */
    char *again = NULL, *text = NULL;
    enum vg_list_kind kind;
    const char *why;
    if (e->kind == VG_LIST_PATTERN) {
        text = malloc(n + 4);
        if (!text)
            return 1;
        memcpy(text, "re:", 3);
        memcpy(text + 3, e->value, n + 1);
    }
    vg_status rc =
            vg_list_entry_normalize(text ? text : e->value, text ? n + 3 : n, &kind, &again, &why);
    free(text);
    if (rc == VG_ENOMEM)
        return 1;
    if (rc || kind != e->kind || strcmp(again, e->value))
        abort();
    vg_free(again);
    if (e->severity) {
        if (e->kind != VG_LIST_DOMAIN ||
            (strcmp(e->severity, "suspend") && strcmp(e->severity, "silence") &&
             strcmp(e->severity, "noop")) ||
            (e->reject_media | e->reject_reports | e->obfuscate) > 1)
            abort();
    }
    return 0;
}

/* Parse data in `format`; abort on a result other than VG_OK, VG_ENOMEM or `other_ok`. */
static int fuzz_list_parse(const uint8_t *data, size_t size, enum vg_list_format format,
                           vg_status other_ok)
{
    struct counts c = { 0, 0 };
    struct vg_list_import_summary s;
    memset(&s, 0, sizeof(s));
    vg_status rc = vg_list_parse((const char *)data, size, "fuzz", format, on_entry, &c, on_reject,
                                 &c, &s);
    if (rc != VG_OK && rc != VG_ENOMEM && rc != other_ok)
        abort();
    if (rc == VG_OK && (s.rejected != c.rejects || s.read != c.entries + c.rejects))
        abort();
    return 0;
}

#endif /* VG_FUZZ_LIST_H */
