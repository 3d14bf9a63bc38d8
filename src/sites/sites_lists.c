/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sites_lists.c: lists of sites in the store: create, add, withdraw, read, import and export,
 * every change logged with its actor and the entry before and after (site_list_changes, which the
 * store keeps append-only). An import runs in one transaction: a file is taken whole or not at all
 * (rejected lines aside), and its summary counts exactly what the transaction committed.
 */
#include <string.h>
#include <time.h>

#include "sites.h"
#include "store.h"

/* The store handles every function here needs. */
struct ctx {
    vg_db *db;
    const struct vg_store_ops *ops;
    const struct vg_store_sites_ops *so;
    void *st;
    struct vg_arena rows; /* copies of rows read back (reset per entry) */
};

static vg_status ctx_open(vg_db *db, struct ctx *c)
{
    c->db = db;
    vg_arena_init(&c->rows, 1u << 16, 64u << 20);
    return vg__db_sites(db, &c->ops, &c->so, &c->st);
}

static void ctx_close(struct ctx *c)
{
    vg_arena_release(&c->rows);
}

static int64_t now_s(void)
{
    return (int64_t)time(NULL);
}

static int valid_name(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return 0;
    }
    return 1;
}

static int valid_scope(const char *s)
{
    if (!s)
        return 0;
    if (!strcmp(s, "global"))
        return 1;
    size_t n = strlen(s);
    if (n < 2 || n > 8)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return 0;
    return 1;
}

/* The entry as a JSON object, for the change log. */
static vg_status entry_json(struct vg_buf *b, const struct vg_list_entry *e)
{
    char t[21];
    vg_buf_reset(b);
    vg_status rc = vg_buf_puts(b, "{\"kind\":");
    if (!rc)
        rc = vg_buf_json_str(b, vg_list_kind_name(e->kind), strlen(vg_list_kind_name(e->kind)));
    if (!rc && !(rc = vg_buf_puts(b, ",\"value\":")))
        rc = vg_buf_json_str(b, e->value, strlen(e->value));
    if (!rc)
        rc = vg_buf_printf(b, ",\"added\":\"%s\"", vg_time_format(e->added, t));
    if (!rc && e->withdrawn != VG_TIME_UNKNOWN)
        rc = vg_buf_printf(b, ",\"withdrawn\":\"%s\"", vg_time_format(e->withdrawn, t));
    const char *keys[] = { "source", "note", "severity" };
    const char *vals[] = { e->source, e->note, e->severity };
    for (int i = 0; i < 3 && !rc; i++) {
        if (!vals[i])
            continue;
        if (!(rc = vg_buf_printf(b, ",\"%s\":", keys[i])))
            rc = vg_buf_json_str(b, vals[i], strlen(vals[i]));
    }
    if (!rc && e->severity)
        rc = vg_buf_printf(b, ",\"reject_media\":%s,\"reject_reports\":%s,\"obfuscate\":%s",
                           e->reject_media ? "true" : "false", e->reject_reports ? "true" : "false",
                           e->obfuscate ? "true" : "false");
    if (!rc)
        rc = vg_buf_putc(b, '}');
    return rc;
}

static vg_status log_change(struct ctx *c, const char *actor, const char *list, const char *action,
                            const char *before, const char *after)
{
    struct vg_list_change ch = {
        now_s(), actor ? actor : vg__os_user(), list, action, before, after
    };
    return c->so->change_put(c->st, &ch);
}

/* Run body inside a transaction: commit on success, roll back otherwise. */
static vg_status txn_end(struct ctx *c, vg_status rc)
{
    if (rc == VG_OK)
        rc = c->ops->commit(c->st);
    if (rc)
        c->ops->rollback(c->st);
    ctx_close(c);
    return rc;
}

/* ---- lists ---------------------------------------------------------------------------------- */

vg_status vg_list_create(vg_db *db, const char *name, const char *scope, const char *description,
                         const char *actor, int *created)
{
    struct ctx c;
    if (created)
        *created = 0;
    if (!db || !valid_name(name) || !valid_scope(scope))
        return VG_EINVAL;
    vg_status rc = ctx_open(db, &c);
    if (rc || (rc = c.ops->begin(c.st)))
        return rc;
    int64_t id;
    struct vg_list_info info;
    int found;
    struct vg_buf b;
    vg_buf_init(&b, 1u << 16);
    if ((rc = c.so->list_find(c.st, name, &c.rows, &id, &info, &found)))
        goto done;
    if (found) {
        if (strcmp(info.scope, scope)) {
            VG_LOG_ERR("list %s exists with scope %s, not %s", name, info.scope, scope);
            rc = VG_EFIELD;
        } else if (description && (!info.description || strcmp(info.description, description))) {
            rc = c.so->list_set_description(c.st, id, description);
            if (!rc && !(rc = vg_buf_puts(&b, "{\"description\":")) &&
                !(rc = vg_buf_json_str(&b, description, strlen(description))) &&
                !(rc = vg_buf_putc(&b, '}')))
                rc = log_change(&c, actor, name, "describe", NULL, b.data);
        }
        goto done;
    }
    if ((rc = c.so->list_insert(c.st, name, scope, description, now_s(), &id)))
        goto done;
    if (!(rc = vg_buf_puts(&b, "{\"scope\":")) && !(rc = vg_buf_json_str(&b, scope, strlen(scope))))
        rc = vg_buf_putc(&b, '}');
    if (!rc)
        rc = log_change(&c, actor, name, "create", NULL, b.data);
    if (!rc && created)
        *created = 1;
done:
    vg_buf_release(&b);
    return txn_end(&c, rc);
}

vg_status vg_list_each(vg_db *db, vg_list_info_fn fn, void *ud)
{
    struct ctx c;
    if (!db || !fn)
        return VG_EINVAL;
    vg_status rc = ctx_open(db, &c);
    if (!rc)
        rc = c.so->lists_each(c.st, fn, ud);
    ctx_close(&c);
    return rc;
}

static vg_status find_list(struct ctx *c, const char *list, int64_t *id)
{
    struct vg_list_info info;
    int found;
    vg_status rc = c->so->list_find(c->st, list, &c->rows, id, &info, &found);
    if (rc == VG_OK && !found) {
        VG_LOG_ERR("no list named %s (vigie list create)", list ? list : "(null)");
        rc = VG_ENOENT;
    }
    return rc;
}

/* ---- entries -------------------------------------------------------------------------------- */

static int same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

static int same_fields(const struct vg_list_entry *a, const struct vg_list_entry *b)
{
    return same_str(a->note, b->note) && same_str(a->severity, b->severity) &&
           a->reject_media == b->reject_media && a->reject_reports == b->reject_reports &&
           a->obfuscate == b->obfuscate && (b->added == VG_TIME_UNKNOWN || a->added == b->added);
}

/* Put one entry inside an open transaction (see vg_list_entry_put). */
static vg_status put_entry(struct ctx *c, int64_t list_id, const struct vg_list_entry *in,
                           const char *actor, struct vg_buf *b1, struct vg_buf *b2,
                           enum vg_put_result *res)
{
    struct vg_list_entry e = *in, old;
    int64_t old_id;
    int found;
    vg_arena_reset(&c->rows);
    vg_status rc =
            c->so->entry_in_force(c->st, list_id, e.kind, e.value, &c->rows, &old_id, &old, &found);
    if (rc)
        return rc;
    int withdrawing = e.withdrawn != VG_TIME_UNKNOWN;
    if (found && (!withdrawing || e.added == VG_TIME_UNKNOWN || e.added == old.added)) {
        if (!withdrawing && same_fields(&old, &e)) {
            *res = VG_PUT_DUPLICATE;
            return VG_OK;
        }
        /* The stored entry's source stays: it tells where the entry first came from. */
        e.source = old.source;
        if (e.added == VG_TIME_UNKNOWN)
            e.added = old.added;
        if ((rc = entry_json(b1, &old)) || (rc = entry_json(b2, &e)))
            return rc;
        rc = c->so->entry_update(c->st, old_id, &e);
        if (!rc && withdrawing)
            rc = c->so->entry_withdraw(c->st, old_id, e.withdrawn);
        if (!rc)
            rc = log_change(c, actor, e.list, withdrawing ? "withdraw" : "update", b1->data,
                            b2->data);
        *res = VG_PUT_UPDATED;
        return rc;
    }
    if (e.added == VG_TIME_UNKNOWN)
        e.added = withdrawing ? e.withdrawn : now_s();
    if (withdrawing) {
        if (e.withdrawn < e.added)
            return VG_EINVAL;
        if ((rc = c->so->entry_withdrawn_exists(c->st, list_id, e.kind, e.value, e.added,
                                                e.withdrawn, &found)))
            return rc;
        if (found) {
            *res = VG_PUT_DUPLICATE;
            return VG_OK;
        }
    }
    if ((rc = entry_json(b2, &e)) || (rc = c->so->entry_insert(c->st, list_id, &e)))
        return rc;
    *res = VG_PUT_NEW;
    return log_change(c, actor, e.list, "add", NULL, b2->data);
}

vg_status vg_list_entry_put(vg_db *db, const struct vg_list_entry *e, const char *actor,
                            enum vg_put_result *result)
{
    struct ctx c;
    if (!db || !e || !e->list || !e->value || (unsigned)e->kind >= VG_LIST__COUNT || !result)
        return VG_EINVAL;
    vg_status rc = ctx_open(db, &c);
    if (rc || (rc = c.ops->begin(c.st)))
        return rc;
    struct vg_buf b1, b2;
    vg_buf_init(&b1, 1u << 20);
    vg_buf_init(&b2, 1u << 20);
    int64_t id;
    if (!(rc = find_list(&c, e->list, &id)))
        rc = put_entry(&c, id, e, actor, &b1, &b2, result);
    vg_buf_release(&b1);
    vg_buf_release(&b2);
    return txn_end(&c, rc);
}

/* Withdraw the entry in force inside an open transaction; *found 0 when none. */
static vg_status withdraw_entry(struct ctx *c, int64_t list_id, const char *list,
                                enum vg_list_kind kind, const char *value, int64_t at,
                                const char *actor, struct vg_buf *b1, struct vg_buf *b2, int *found)
{
    struct vg_list_entry old;
    int64_t old_id;
    vg_arena_reset(&c->rows);
    vg_status rc =
            c->so->entry_in_force(c->st, list_id, kind, value, &c->rows, &old_id, &old, found);
    if (rc || !*found)
        return rc;
    if ((rc = entry_json(b1, &old)))
        return rc;
    old.withdrawn = at < old.added ? old.added : at;
    if ((rc = entry_json(b2, &old)) || (rc = c->so->entry_withdraw(c->st, old_id, at)))
        return rc;
    return log_change(c, actor, list, "withdraw", b1->data, b2->data);
}

vg_status vg_list_entry_withdraw(vg_db *db, const char *list, enum vg_list_kind kind,
                                 const char *value, int64_t at, const char *actor, int *found)
{
    struct ctx c;
    *found = 0;
    if (!db || !list || !value || (unsigned)kind >= VG_LIST__COUNT)
        return VG_EINVAL;
    vg_status rc = ctx_open(db, &c);
    if (rc || (rc = c.ops->begin(c.st)))
        return rc;
    struct vg_buf b1, b2;
    vg_buf_init(&b1, 1u << 20);
    vg_buf_init(&b2, 1u << 20);
    int64_t id;
    if (!(rc = find_list(&c, list, &id)))
        rc = withdraw_entry(&c, id, list, kind, value, at == VG_TIME_UNKNOWN ? now_s() : at, actor,
                            &b1, &b2, found);
    vg_buf_release(&b1);
    vg_buf_release(&b2);
    return txn_end(&c, rc);
}

vg_status vg_list_entries(vg_db *db, const char *list, int with_withdrawn, vg_list_entry_fn fn,
                          void *ud)
{
    struct ctx c;
    if (!db || !fn)
        return VG_EINVAL;
    vg_status rc = ctx_open(db, &c);
    int64_t id = -1;
    if (!rc && !(list && (rc = find_list(&c, list, &id))))
        rc = c.so->entries_each(c.st, id, with_withdrawn, fn, ud);
    ctx_close(&c);
    return rc;
}

vg_status vg_list_changes(vg_db *db, const char *list, vg_list_change_fn fn, void *ud)
{
    struct ctx c;
    if (!db || !fn)
        return VG_EINVAL;
    vg_status rc = ctx_open(db, &c);
    if (!rc)
        rc = c.so->changes_each(c.st, list, fn, ud);
    ctx_close(&c);
    return rc;
}

/* ---- import --------------------------------------------------------------------------------- */

struct import {
    struct ctx *c;
    int64_t list_id;
    const char *list;
    const struct vg_list_import_opts *opts;
    const char *source;
    struct vg_list_import_summary *sum;
    struct vg__strmap seen; /* kind byte + value of each entry of the file */
    struct vg_buf key, b1, b2;
    vg_status rc;
};

static vg_status entry_key(struct vg_buf *key, enum vg_list_kind kind, const char *value)
{
    vg_buf_reset(key);
    vg_status rc = vg_buf_putc(key, (char)('0' + kind));
    return rc ? rc : vg_buf_puts(key, value);
}

static int import_one(const struct vg_list_entry *fe, void *ud)
{
    struct import *im = ud;
    struct vg_list_entry e = *fe;
    e.list = im->list;
    e.source = e.source ? e.source : im->source;
    int added = 0;
    uint32_t id;
    /* A withdrawn line is history: it neither counts as "in the file" for --replace nor as a
     * duplicate of the value's line in force. */
    if (e.withdrawn == VG_TIME_UNKNOWN) {
        if ((im->rc = entry_key(&im->key, e.kind, e.value)) ||
            (im->rc = vg__strmap_intern(&im->seen, im->key.data, im->key.len, &id, &added)))
            return 1;
        if (!added) {
            im->sum->duplicates++;
            return 0;
        }
    }
    enum vg_put_result res;
    if ((im->rc = put_entry(im->c, im->list_id, &e, im->opts->actor, &im->b1, &im->b2, &res)))
        return 1;
    if (res == VG_PUT_NEW)
        im->sum->added++;
    else if (res == VG_PUT_UPDATED)
        im->sum->updated++;
    else
        im->sum->unchanged++;
    return 0;
}

struct stale {
    struct import *im;
    struct vg__strmap gone; /* keys in force that the file lacks */
};

static int collect_stale(const struct vg_list_entry *e, void *ud)
{
    struct stale *s = ud;
    struct import *im = s->im;
    uint32_t id;
    if ((im->rc = entry_key(&im->key, e->kind, e->value)))
        return 1;
    if (vg__strmap_find(&im->seen, im->key.data, im->key.len) < 0 &&
        (im->rc = vg__strmap_intern(&s->gone, im->key.data, im->key.len, &id, NULL)))
        return 1;
    return 0;
}

/* --replace: withdraw the entries in force that the file no longer has. Collected first, since
 * the store's cursor over entries must not see the rows being changed. */
static vg_status withdraw_stale(struct import *im)
{
    struct stale s = { .im = im };
    vg__strmap_init(&s.gone);
    vg_status rc = im->c->so->entries_each(im->c->st, im->list_id, 0, collect_stale, &s);
    if (rc == VG_ECANCEL)
        rc = im->rc;
    int64_t now = now_s();
    for (size_t i = 0; i < s.gone.n && !rc; i++) {
        const char *k = s.gone.str[i];
        int found;
        rc = withdraw_entry(im->c, im->list_id, im->list, (enum vg_list_kind)(k[0] - '0'), k + 1,
                            now, im->opts->actor, &im->b1, &im->b2, &found);
        if (!rc && found)
            im->sum->deleted++;
    }
    vg__strmap_release(&s.gone);
    return rc;
}

vg_status vg_list_import(vg_db *db, const char *list, const char *path,
                         const struct vg_list_import_opts *opts, struct vg_list_import_summary *sum)
{
    struct ctx c;
    if (!db || !list || !path || !opts || !sum)
        return VG_EINVAL;
    memset(sum, 0, sizeof(*sum));
    struct vg_buf text;
    vg_buf_init(&text, (size_t)1 << 31);
    vg_status rc = vg_buf_read_file(&text, path);
    if (rc) {
        VG_LOG_ERR("cannot read list file %s: %s", path, vg_strerror(rc));
        vg_buf_release(&text);
        return rc;
    }
    struct import im = { .c = &c,
                         .list = list,
                         .opts = opts,
                         .source = opts->source ? opts->source : path,
                         .sum = sum };
    vg__strmap_init(&im.seen);
    vg_buf_init(&im.key, 3 * VG_LIST_VALUE_MAX + 64);
    vg_buf_init(&im.b1, 1u << 20);
    vg_buf_init(&im.b2, 1u << 20);
    if ((rc = ctx_open(db, &c)) || (rc = c.ops->begin(c.st)))
        goto out;
    if ((rc = find_list(&c, list, &im.list_id)))
        goto end;
    rc = vg_list_parse(text.data ? text.data : "", text.len, path, opts->format, import_one, &im,
                       opts->on_reject, opts->ud, sum);
    if (rc == VG_ECANCEL)
        rc = im.rc;
    if (rc == VG_EFORMAT)
        VG_LOG_ERR("%s: not a Mastodon domain-block CSV (no header row with #domain)", path);
    if (!rc && opts->replace)
        rc = withdraw_stale(&im);
end:
    rc = txn_end(&c, rc);
    if (rc) { /* nothing was committed: the summary says so */
        uint64_t read = sum->read, rejected = sum->rejected;
        memset(sum, 0, sizeof(*sum));
        sum->read = read;
        sum->rejected = rejected;
    }
out:
    vg__strmap_release(&im.seen);
    vg_buf_release(&im.key);
    vg_buf_release(&im.b1);
    vg_buf_release(&im.b2);
    vg_buf_release(&text);
    return rc;
}

/* ---- export --------------------------------------------------------------------------------- */

struct exporter {
    struct vg_buf *out;
    enum vg_list_format fmt;
    int with_dates;
    vg_status rc;
};

/* A CSV field, quoted when it holds a comma, a quote or a line break. */
static vg_status csv_field(struct vg_buf *b, const char *s)
{
    if (!s)
        return VG_OK;
    if (!strpbrk(s, ",\"\r\n"))
        return vg_buf_puts(b, s);
    vg_status rc = vg_buf_putc(b, '"');
    for (; *s && !rc; s++)
        rc = *s == '"' ? vg_buf_puts(b, "\"\"") : vg_buf_putc(b, *s);
    return rc ? rc : vg_buf_putc(b, '"');
}

static vg_status export_plain(struct exporter *x, const struct vg_list_entry *e)
{
    struct vg_buf *b = x->out;
    char t[21];
    vg_status rc = e->kind == VG_LIST_PATTERN ? vg_buf_puts(b, "re:") : VG_OK;
    if (!rc)
        rc = vg_buf_puts(b, e->value);
    if (!rc && x->with_dates) {
        rc = vg_buf_printf(b, " added=%s", vg_time_format(e->added, t));
        if (!rc && e->withdrawn != VG_TIME_UNKNOWN)
            rc = vg_buf_printf(b, " withdrawn=%s", vg_time_format(e->withdrawn, t));
        if (!rc && e->note && !strpbrk(e->note, "\r\n"))
            rc = vg_buf_printf(b, " note=%s", e->note);
    }
    return rc ? rc : vg_buf_putc(b, '\n');
}

static vg_status export_mastodon(struct exporter *x, const struct vg_list_entry *e)
{
    struct vg_buf *b = x->out;
    if (e->kind != VG_LIST_DOMAIN)
        return VG_OK; /* Mastodon blocks domains only */
    vg_status rc = csv_field(b, e->value);
    if (!rc)
        rc = vg_buf_printf(b, ",%s,%s,%s,", e->severity ? e->severity : "suspend",
                           e->reject_media ? "true" : "false",
                           e->reject_reports ? "true" : "false");
    if (!rc)
        rc = csv_field(b, e->note);
    if (!rc)
        rc = vg_buf_printf(b, ",%s\n", e->obfuscate ? "true" : "false");
    return rc;
}

static int export_one(const struct vg_list_entry *e, void *ud)
{
    struct exporter *x = ud;
    x->rc = x->fmt == VG_LIST_FORMAT_MASTODON ? export_mastodon(x, e) : export_plain(x, e);
    return x->rc != VG_OK;
}

vg_status vg_list_export(vg_db *db, const char *list, enum vg_list_format fmt, int with_withdrawn,
                         char **out, size_t *out_len)
{
    *out = NULL;
    if (out_len)
        *out_len = 0;
    if (!db || !list || (unsigned)fmt >= VG_LIST_FORMAT__COUNT)
        return VG_EINVAL;
    struct vg_buf b;
    vg_buf_init(&b, (size_t)1 << 31);
    struct exporter x = { &b, fmt, with_withdrawn, VG_OK };
    vg_status rc = fmt == VG_LIST_FORMAT_MASTODON
                           ? vg_buf_puts(&b, "#domain,#severity,#reject_media,#reject_reports,"
                                             "#public_comment,#obfuscate\n")
                           : vg_buf_printf(&b, "# vigie list %s\n", list);
    if (!rc)
        rc = vg_list_entries(db, list, fmt == VG_LIST_FORMAT_PLAIN && with_withdrawn, export_one,
                             &x);
    if (rc == VG_ECANCEL)
        rc = x.rc;
    if (rc) {
        vg_buf_release(&b);
        return rc;
    }
    if (out_len)
        *out_len = b.len;
    *out = vg_buf_take(&b);
    return *out ? VG_OK : VG_ENOMEM;
}
