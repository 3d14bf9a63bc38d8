/* SPDX-License-Identifier: Apache-2.0 */
/*
 * records_orders.c: removal orders under Regulation (EU) 2021/784 (TCO). An order arrives as
 * the JSON object of its Annex I fields; it is validated field by field (a refusal names the
 * field), stored with the instant of authenticated receipt, and from there its one-hour clock
 * runs (Art 3(3)). The provider acts on it (removed, or access disabled: Annex II), or answers
 * that it cannot (Annex III: the clock pauses until the authority clarifies or the grounds
 * cease, then restarts for a full hour, Art 3(7)/(8)). A cross-border order (the provider
 * established in another Member State) may go through scrutiny (Art 4): requested, then
 * confirmed or revoked; a revoked order's content is reinstated. A gag (Art 11(3)) holds the
 * user notice until gag_until. Every change writes an audit entry in its transaction.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cases.h"
#include "records.h"

#define REF_MAX      128
#define TEXT_MAX     1024
#define LONG_MAX_LEN 8000
#define URL_MAX      2048
#define URLS_MAX     1000
#define POSTS_MAX    1000
#define GAG_MAX      (12 * 7 * 86400) /* Art 11(3): six weeks, extendable by six */
#define SKEW_MAX     600              /* issued after receipt by more than this: refused */

/* ---- shared helpers ------------------------------------------------------------------------ */

vg_status vg__records_take(struct vg_buf *b, vg_status rc, char **out)
{
    *out = NULL;
    if (!rc && !(*out = vg_buf_take(b)))
        rc = VG_ENOMEM;
    vg_buf_release(b);
    return rc;
}

vg_status vg__records_time(struct vg_buf *b, int64_t t)
{
    if (t == VG_TIME_UNKNOWN)
        return vg_buf_puts(b, "null");
    char tb[32];
    return vg_buf_printf(b, "\"%s\"", vg_time_format(t, tb));
}

vg_status vg__records_str(struct vg_buf *b, const char *s)
{
    return s ? vg_buf_json_str(b, s, strlen(s)) : vg_buf_puts(b, "null");
}

int vg__records_may_manage(const struct vg_actor *by)
{
    return by && (by->role == VG_ROLE_ADMIN || by->role == VG_ROLE_LEAD);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

double vg__median(const int64_t *v, size_t n)
{
    if (!n)
        return 0;
    return n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2.0;
}

/* ---- Annex I validation -------------------------------------------------------------------- */

/* Member States (ISO 3166-1 alpha-2; Greece also as EL, the EU's own code). */
static int member_state(const char *s)
{
    static const char states[] = "AT BE BG HR CY CZ DK EE FI FR DE GR EL HU IE IT LV LT LU MT NL "
                                 "PL PT RO SK SI ES SE ";
    if (strlen(s) != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z')
        return 0;
    for (const char *p = states; *p; p += 3)
        if (p[0] == s[0] && p[1] == s[1])
            return 1;
    return 0;
}

struct annex1 {
    const char *reference, *issuing_state, *authority, *provider_state;
    int64_t issued_at, gag_until;
    char reasons[6];
    int64_t n_urls;
};

static int text_ok(const char *v, size_t max)
{
    size_t n = strlen(v);
    if (n == 0 || n > max || !vg_utf8_valid(v, n))
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)v[i] < 0x20 && v[i] != '\n' && v[i] != '\t')
            return 0;
    return 1;
}

/* A string field: 0 with err when missing (if required), of another type, empty or too long. */
static int str_field(const cJSON *j, const char *name, int required, size_t max, const char **out,
                     char *err, size_t cap)
{
    *out = NULL;
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(j, name);
    if (!f || cJSON_IsNull(f)) {
        if (required)
            vg_errf(err, cap, "field '%s' is required", name);
        return !required;
    }
    if (!cJSON_IsString(f)) {
        vg_errf(err, cap, "field '%s' must be a string", name);
        return 0;
    }
    if (!text_ok(f->valuestring, max)) {
        vg_errf(err, cap, "field '%s' must be 1 to %zu bytes of text", name, max);
        return 0;
    }
    *out = f->valuestring;
    return 1;
}

/* An instant: an ISO 8601 string or seconds since the epoch. */
static int time_field(const cJSON *j, const char *name, int required, int64_t *out, char *err,
                      size_t cap)
{
    *out = VG_TIME_UNKNOWN;
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(j, name);
    if (!f || cJSON_IsNull(f)) {
        if (required)
            vg_errf(err, cap, "field '%s' is required", name);
        return !required;
    }
    if (cJSON_IsNumber(f) && f->valuedouble >= 0 && f->valuedouble < 1e11 &&
        f->valuedouble == (double)(int64_t)f->valuedouble) {
        *out = (int64_t)f->valuedouble;
        return 1;
    }
    if (cJSON_IsString(f) && vg_time_parse(f->valuestring, out) == VG_OK && *out >= 0)
        return 1;
    vg_errf(err, cap, "field '%s' must be an ISO 8601 time or seconds since 1970", name);
    return 0;
}

/* An array of 1..max strings, each checked by ok(). */
static int str_array(const cJSON *j, const char *name, int required, size_t max_items,
                     size_t max_len, int (*ok)(const char *), const char *what, int64_t *n_out,
                     char *err, size_t cap)
{
    *n_out = 0;
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(j, name);
    if (!f || cJSON_IsNull(f)) {
        if (required)
            vg_errf(err, cap, "field '%s' is required", name);
        return !required;
    }
    int n = cJSON_IsArray(f) ? cJSON_GetArraySize(f) : -1;
    if (n < 1 || (size_t)n > max_items) {
        vg_errf(err, cap, "field '%s' must be an array of 1 to %zu %s", name, max_items, what);
        return 0;
    }
    int i = 0;
    for (const cJSON *e = f->child; e; e = e->next, i++) {
        if (!cJSON_IsString(e) || !text_ok(e->valuestring, max_len) ||
            (ok && !ok(e->valuestring))) {
            vg_errf(err, cap, "field '%s' item %d must be %s", name, i, what);
            return 0;
        }
    }
    *n_out = n;
    return 1;
}

static int url_ok(const char *s)
{
    return (!strncmp(s, "https://", 8) && s[8]) || (!strncmp(s, "http://", 7) && s[7]);
}

static int reason_ok(const char *s)
{
    return s[0] >= 'a' && s[0] <= 'e' && !s[1];
}

static int annex1_parse(const cJSON *j, int64_t received_at, struct annex1 *a, char *err,
                        size_t cap)
{
    static const char *const known[] = {
        "reference",         "issuing_state", "authority",       "authority_type",
        "authority_details", "addressee",     "contact_point",   "provider_state",
        "issued_at",         "urls",          "additional_info", "reasons",
        "reasons_detail",    "gag",           "gag_until",       "cross_border_copy",
        "follow_up_contact", "redress",       "posts",           NULL
    };
    memset(a, 0, sizeof(*a));
    if (!cJSON_IsObject(j)) {
        vg_errf(err, cap, "an order must be a JSON object");
        return 0;
    }
    for (const cJSON *f = j->child; f; f = f->next) {
        size_t i = 0;
        while (known[i] && strcmp(known[i], f->string))
            i++;
        if (!known[i]) {
            vg_errf(err, cap, "unknown field '%.64s'", f->string);
            return 0;
        }
    }
    const char *tmp;
    int64_t n;
    if (!str_field(j, "reference", 1, REF_MAX, &a->reference, err, cap) ||
        !str_field(j, "issuing_state", 1, 2, &a->issuing_state, err, cap))
        return 0;
    if (!member_state(a->issuing_state)) {
        vg_errf(err, cap, "field 'issuing_state' must be a Member State code (FR, DE, ...)");
        return 0;
    }
    if (!str_field(j, "authority", 1, TEXT_MAX, &a->authority, err, cap) ||
        !str_field(j, "provider_state", 0, 2, &a->provider_state, err, cap))
        return 0;
    if (a->provider_state && !member_state(a->provider_state)) {
        vg_errf(err, cap, "field 'provider_state' must be a Member State code (FR, DE, ...)");
        return 0;
    }
    if (!str_field(j, "authority_type", 0, 32, &tmp, err, cap))
        return 0;
    if (tmp && strcmp(tmp, "judicial") && strcmp(tmp, "law_enforcement") && strcmp(tmp, "other")) {
        vg_errf(err, cap, "field 'authority_type' must be judicial, law_enforcement or other");
        return 0;
    }
    const cJSON *details = cJSON_GetObjectItemCaseSensitive(j, "authority_details");
    if (details && !cJSON_IsObject(details) && !cJSON_IsNull(details)) {
        vg_errf(err, cap, "field 'authority_details' must be an object");
        return 0;
    }
    if (!str_field(j, "addressee", 0, TEXT_MAX, &tmp, err, cap) ||
        !str_field(j, "contact_point", 0, TEXT_MAX, &tmp, err, cap) ||
        !str_field(j, "follow_up_contact", 0, TEXT_MAX, &tmp, err, cap) ||
        !str_field(j, "redress", 0, LONG_MAX_LEN, &tmp, err, cap) ||
        !str_field(j, "additional_info", 0, LONG_MAX_LEN, &tmp, err, cap) ||
        !str_field(j, "reasons_detail", 0, LONG_MAX_LEN, &tmp, err, cap))
        return 0;
    if (!time_field(j, "issued_at", 1, &a->issued_at, err, cap))
        return 0;
    if (a->issued_at > received_at + SKEW_MAX) {
        vg_errf(err, cap, "field 'issued_at' is after the receipt");
        return 0;
    }
    if (!str_array(j, "urls", 1, URLS_MAX, URL_MAX, url_ok, "http(s) URLs", &a->n_urls, err, cap) ||
        !str_array(j, "reasons", 1, 5, 1, reason_ok, "letters a to e (Art 2(7))", &n, err, cap) ||
        !str_array(j, "posts", 0, POSTS_MAX, 256, NULL, "post ids", &n, err, cap))
        return 0;
    /* The reasons as a sorted set of letters. */
    int seen[5] = { 0 };
    for (const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "reasons")->child; e; e = e->next)
        seen[e->valuestring[0] - 'a'] = 1;
    size_t k = 0;
    for (int i = 0; i < 5; i++)
        if (seen[i])
            a->reasons[k++] = (char)('a' + i);
    const cJSON *gag = cJSON_GetObjectItemCaseSensitive(j, "gag");
    const cJSON *copy = cJSON_GetObjectItemCaseSensitive(j, "cross_border_copy");
    if ((gag && !cJSON_IsBool(gag)) || (copy && !cJSON_IsBool(copy))) {
        vg_errf(err, cap, "field '%s' must be true or false",
                gag && !cJSON_IsBool(gag) ? "gag" : "cross_border_copy");
        return 0;
    }
    int64_t gag_until;
    if (!time_field(j, "gag_until", 0, &gag_until, err, cap))
        return 0;
    if (cJSON_IsTrue(gag)) {
        if (gag_until == VG_TIME_UNKNOWN) {
            vg_errf(err, cap, "field 'gag_until' is required when 'gag' is true");
            return 0;
        }
        if (gag_until <= a->issued_at || gag_until > a->issued_at + GAG_MAX) {
            vg_errf(err, cap,
                    "field 'gag_until' must be after 'issued_at' and at most 12 weeks later "
                    "(Art 11(3): six weeks, extendable by six)");
            return 0;
        }
        a->gag_until = gag_until;
    } else {
        if (gag_until != VG_TIME_UNKNOWN) {
            vg_errf(err, cap, "field 'gag_until' is given but 'gag' is not true");
            return 0;
        }
        a->gag_until = VG_TIME_UNKNOWN;
    }
    return 1;
}

/* The Annex I object as stored: as received, with the instants as seconds. */
static char *annex1_normalise(cJSON *j, const struct annex1 *a)
{
    cJSON_ReplaceItemInObjectCaseSensitive(j, "issued_at",
                                           cJSON_CreateNumber((double)a->issued_at));
    if (a->gag_until != VG_TIME_UNKNOWN)
        cJSON_ReplaceItemInObjectCaseSensitive(j, "gag_until",
                                               cJSON_CreateNumber((double)a->gag_until));
    return cJSON_PrintUnformatted(j);
}

vg_status vg__order_check(const char *json, size_t len, int64_t received_at,
                          struct vg__order_fields *out, char *err, size_t cap)
{
    memset(out, 0, sizeof(*out));
    vg_errf(err, cap, "%s", "");
    if (!json || len == 0 || len > VG_ORDER_JSON_MAX || memchr(json, 0, len) ||
        !vg_utf8_valid(json, len)) {
        vg_errf(err, cap, "an order must be 1 to %d bytes of UTF-8 JSON", VG_ORDER_JSON_MAX);
        return VG_EFIELD;
    }
    cJSON *j = cJSON_ParseWithLength(json, len);
    if (!j) {
        vg_errf(err, cap, "malformed JSON");
        return VG_EFIELD;
    }
    struct annex1 a;
    if (!annex1_parse(j, received_at, &a, err, cap)) {
        cJSON_Delete(j);
        return VG_EFIELD;
    }
    char *annex1 = annex1_normalise(j, &a);
    if (!annex1) {
        cJSON_Delete(j);
        return VG_ENOMEM;
    }
    /* The strings of a point into the tree: copy them out before it goes. */
    *out = (struct vg__order_fields){ .issued_at = a.issued_at,
                                      .gag_until = a.gag_until,
                                      .n_urls = a.n_urls,
                                      .annex1 = vg_strdup(annex1),
                                      .reference = vg_strdup(a.reference),
                                      .issuing_state = vg_strdup(a.issuing_state),
                                      .authority = vg_strdup(a.authority),
                                      .provider_state = a.provider_state
                                                                ? vg_strdup(a.provider_state)
                                                                : NULL };
    memcpy(out->reasons, a.reasons, sizeof(out->reasons));
    cJSON_free(annex1);
    cJSON_Delete(j);
    if (!out->annex1 || !out->reference || !out->issuing_state || !out->authority ||
        (a.provider_state && !out->provider_state)) {
        vg__order_fields_release(out);
        return VG_ENOMEM;
    }
    return VG_OK;
}

void vg__order_fields_release(struct vg__order_fields *f)
{
    vg_free(f->annex1);
    vg_free(f->reference);
    vg_free(f->issuing_state);
    vg_free(f->authority);
    vg_free(f->provider_state);
    memset(f, 0, sizeof(*f));
}

/* The posts an order names (Annex I section B, field `posts`, already checked) each open or
 * join a case in the removal-order lane, inside the receipt's transaction. The URLs alone open
 * none: the store keeps no post's own address to match them with. */
static vg_status order_cases(vg_db *db, int64_t order_id, const char *annex1, int64_t at,
                             int64_t *n_cases)
{
    *n_cases = 0;
    cJSON *j = cJSON_Parse(annex1);
    if (!j)
        return VG_ENOMEM; /* annex1 is our own serialisation: only memory can fail here */
    const cJSON *posts = cJSON_GetObjectItemCaseSensitive(j, "posts"), *p;
    vg_status rc = VG_OK;
    cJSON_ArrayForEach(p, posts)
    {
        int64_t case_id;
        if (!cJSON_IsString(p) ||
            (rc = vg__case_from_order(db, order_id, p->valuestring, at, &case_id)))
            break;
        ++*n_cases;
    }
    cJSON_Delete(j);
    return rc;
}

vg_status vg_order_receive(vg_db *db, const struct vg_actor *by, const char *json, size_t len,
                           int64_t received_at, int64_t *id_out, enum vg_put_result *res, char *err,
                           size_t cap)
{
    *id_out = 0;
    *res = VG_PUT_NEW;
    vg_errf(err, cap, "%s", "");
    if (!vg__records_may_manage(by)) {
        vg_errf(err, cap, "role '%s' may not receive removal orders",
                by ? vg_role_name(by->role) : "none");
        return VG_EINVAL;
    }
    struct vg__order_fields a;
    vg_status rc = vg__order_check(json, len, received_at, &a, err, cap);
    if (rc)
        return rc;
    struct vg_store_order row = {
        .reference = a.reference,
        .issuing_state = a.issuing_state,
        .authority = a.authority,
        .provider_state = a.provider_state,
        .issued_at = a.issued_at,
        .received_at = received_at,
        .received_by = by->actor_id,
        .annex1 = a.annex1,
        .reasons = a.reasons,
        .n_urls = a.n_urls,
        .gag_until = a.gag_until,
    };
    void *st;
    const struct vg_store_records_ops *ops = vg__db_records(db, &st);
    struct vg_buf d;
    vg_buf_init(&d, 1024);
    if ((rc = vg__db_txn_begin(db)))
        goto done;
    int64_t id;
    int dup;
    if ((rc = ops->order_insert(st, &row, &id, &dup)))
        goto rollback;
    if (dup) {
        vg__db_txn_rollback(db);
        *id_out = id;
        *res = VG_PUT_DUPLICATE;
        goto done;
    }
    int64_t n_cases = 0;
    if ((rc = order_cases(db, id, a.annex1, received_at, &n_cases)))
        goto rollback;
    char object[32];
    snprintf(object, sizeof(object), "order:%lld", (long long)id);
    vg_buf_puts(&d, "{\"reference\":");
    vg_buf_json_str(&d, a.reference, strlen(a.reference));
    rc = vg_buf_printf(&d,
                       ",\"issuing_state\":\"%s\",\"received_at\":%lld,\"urls\":%lld,"
                       "\"cases\":%lld}",
                       a.issuing_state, (long long)received_at, (long long)a.n_urls,
                       (long long)n_cases);
    if (rc || (rc = vg__audit_append_txn(db, by, "order.receive", object, d.data)) ||
        (rc = vg__db_txn_commit(db)))
        goto rollback;
    *id_out = id;
    goto done;
rollback:
    vg__db_txn_rollback(db);
done:
    vg_buf_release(&d);
    vg__order_fields_release(&a);
    return rc;
}

/* ---- views --------------------------------------------------------------------------------- */

static int acted(const struct vg_store_order *o)
{
    return !strcmp(o->state, "removed") || !strcmp(o->state, "disabled");
}

/* Greece is GR in ISO 3166 and EL in EU documents: the same state. */
static int same_state(const char *a, const char *b)
{
    int ga = !strcmp(a, "GR") || !strcmp(a, "EL"), gb = !strcmp(b, "GR") || !strcmp(b, "EL");
    return (ga && gb) || !strcmp(a, b);
}

static int cross_border(const struct vg_store_order *o)
{
    return o->provider_state && !same_state(o->provider_state, o->issuing_state);
}

/* The order, with its clock at now, as one JSON object. */
static vg_status write_order(struct vg_buf *b, const struct vg_store_order *o, int64_t now)
{
    int64_t deadline = o->clock_start + VG_ORDER_HOUR;
    int is_acted = acted(o), paused = !strcmp(o->state, "paused");
    vg_status rc = vg_buf_printf(b, "{\"id\":%lld,\"reference\":", (long long)o->id);
    rc = rc ? rc : vg__records_str(b, o->reference);
    rc = rc ? rc : vg_buf_printf(b, ",\"issuing_state\":\"%s\",\"authority\":", o->issuing_state);
    rc = rc ? rc : vg__records_str(b, o->authority);
    rc = rc ? rc : vg_buf_puts(b, ",\"provider_state\":");
    rc = rc ? rc : vg__records_str(b, o->provider_state);
    rc = rc ? rc
            : vg_buf_printf(
                      b, ",\"cross_border\":%s,\"issued_at\":", cross_border(o) ? "true" : "false");
    rc = rc ? rc : vg__records_time(b, o->issued_at);
    rc = rc ? rc : vg_buf_puts(b, ",\"received_at\":");
    rc = rc ? rc : vg__records_time(b, o->received_at);
    rc = rc ? rc
            : vg_buf_printf(b, ",\"received_at_epoch\":%lld,\"state\":\"%s\"",
                            (long long)o->received_at, o->state);
    /* The clock: a deadline while it runs or once acted on; none while paused. */
    rc = rc ? rc : vg_buf_puts(b, ",\"clock\":{\"started_at\":");
    rc = rc ? rc : vg__records_time(b, o->clock_start);
    rc = rc ? rc : vg_buf_puts(b, ",\"deadline\":");
    rc = rc ? rc : vg__records_time(b, paused ? VG_TIME_UNKNOWN : deadline);
    if (!rc) {
        if (paused)
            rc = vg_buf_puts(b, ",\"seconds_left\":null,\"paused\":true,\"overdue\":false}");
        else if (is_acted)
            rc = vg_buf_printf(b, ",\"seconds_left\":null,\"paused\":false,\"overdue\":%s}",
                               o->acted_at > deadline ? "true" : "false");
        else
            rc = vg_buf_printf(b, ",\"seconds_left\":%lld,\"paused\":false,\"overdue\":%s}",
                               (long long)(deadline > now ? deadline - now : 0),
                               now > deadline ? "true" : "false");
    }
    rc = rc ? rc : vg_buf_puts(b, ",\"acted_at\":");
    rc = rc ? rc : vg__records_time(b, o->acted_at);
    if (!rc && is_acted)
        rc = vg_buf_printf(b,
                           ",\"seconds_receipt_to_action\":%lld,\"seconds_clock_to_action\":%lld,"
                           "\"within_hour\":%s",
                           (long long)(o->acted_at - o->received_at),
                           (long long)(o->acted_at - o->clock_start),
                           o->acted_at <= deadline ? "true" : "false");
    rc = rc ? rc
            : vg_buf_printf(b, ",\"gag\":%s,\"notice_not_before\":",
                            o->gag_until != VG_TIME_UNKNOWN ? "true" : "false");
    rc = rc ? rc : vg__records_time(b, o->gag_until);
    rc = rc ? rc : vg_buf_puts(b, ",\"scrutiny\":");
    rc = rc ? rc : vg__records_str(b, o->scrutiny);
    rc = rc ? rc : vg_buf_puts(b, ",\"scrutiny_at\":");
    rc = rc ? rc : vg__records_time(b, o->scrutiny_at);
    rc = rc ? rc : vg_buf_puts(b, ",\"reinstated_at\":");
    rc = rc ? rc : vg__records_time(b, o->reinstated_at);
    rc = rc ? rc
            : vg_buf_printf(b, ",\"annex3_replies\":%lld,\"annex1\":%s}", (long long)o->n_annex3,
                            o->annex1);
    return rc;
}

struct order_writer {
    struct vg_buf *b;
    int64_t now;
    int n;
};

static vg_status order_item(const struct vg_store_order *o, void *ud)
{
    struct order_writer *w = ud;
    vg_status rc = w->n++ ? vg_buf_putc(w->b, ',') : VG_OK;
    return rc ? rc : write_order(w->b, o, w->now);
}

vg_status vg_order_get_json(vg_db *db, int64_t id, int64_t now, char **out, int *found)
{
    *out = NULL;
    void *st;
    const struct vg_store_records_ops *ops = vg__db_records(db, &st);
    struct vg_buf b;
    vg_buf_init(&b, VG_VIEW_MAX);
    struct order_writer w = { &b, now, 0 };
    vg_status rc = ops->order_get(st, id, order_item, &w, found);
    if (!rc && !*found) {
        vg_buf_release(&b);
        return VG_OK;
    }
    return vg__records_take(&b, rc, out);
}

vg_status vg_order_list_json(vg_db *db, int64_t now, int64_t limit, char **out)
{
    void *st;
    const struct vg_store_records_ops *ops = vg__db_records(db, &st);
    struct vg_buf b;
    vg_buf_init(&b, VG_VIEW_MAX);
    struct order_writer w = { &b, now, 0 };
    vg_status rc = vg_buf_puts(&b, "{\"orders\":[");
    rc = rc ? rc : ops->orders_scan(st, VG_TIME_UNKNOWN, VG_TIME_UNKNOWN, limit, order_item, &w);
    rc = rc ? rc : vg_buf_puts(&b, "]}");
    return vg__records_take(&b, rc, out);
}

/* ---- changes ------------------------------------------------------------------------------- */

/* An order copied out of the store (its strings owned here). */
struct order_copy {
    struct vg_store_order o;
    char *strs[10];
};

static vg_status copy_order(const struct vg_store_order *o, void *ud)
{
    struct order_copy *c = ud;
    c->o = *o;
    const char **fields[] = { &c->o.reference,      &c->o.issuing_state, &c->o.authority,
                              &c->o.provider_state, &c->o.received_by,   &c->o.annex1,
                              &c->o.state,          &c->o.scrutiny,      &c->o.reasons,
                              &c->o.acted_by };
    for (size_t i = 0; i < VG_ARRAY_LEN(fields); i++) {
        c->strs[i] = *fields[i] ? vg_strdup(*fields[i]) : NULL;
        if (*fields[i] && !c->strs[i])
            return VG_ENOMEM;
        *fields[i] = c->strs[i];
    }
    return VG_OK;
}

static void order_copy_release(struct order_copy *c)
{
    for (size_t i = 0; i < VG_ARRAY_LEN(c->strs); i++)
        vg_free(c->strs[i]);
    memset(c, 0, sizeof(*c));
}

/* Begin a transaction and read the order into c. VG_ENOENT (rolled back) when there is none. */
static vg_status begin_with_order(vg_db *db, int64_t id, struct order_copy *c, char *err,
                                  size_t cap)
{
    void *st;
    const struct vg_store_records_ops *ops = vg__db_records(db, &st);
    memset(c, 0, sizeof(*c));
    vg_status rc = vg__db_txn_begin(db);
    if (rc)
        return rc;
    int found = 0;
    if ((rc = ops->order_get(st, id, copy_order, c, &found)) || !found) {
        vg__db_txn_rollback(db);
        order_copy_release(c);
        if (!rc)
            vg_errf(err, cap, "no removal order %lld", (long long)id);
        return rc ? rc : VG_ENOENT;
    }
    return VG_OK;
}

/* Write the order back, append the audit entry and commit; roll back on failure. */
static vg_status finish_change(vg_db *db, const struct vg_actor *by, struct order_copy *c,
                               const char *action, const char *detail)
{
    void *st;
    const struct vg_store_records_ops *ops = vg__db_records(db, &st);
    char object[32];
    snprintf(object, sizeof(object), "order:%lld", (long long)c->o.id);
    vg_status rc = ops->order_update(st, &c->o);
    if (!rc)
        rc = vg__audit_append_txn(db, by, action, object, detail);
    if (!rc)
        rc = vg__db_txn_commit(db);
    if (rc)
        vg__db_txn_rollback(db);
    order_copy_release(c);
    return rc;
}

static vg_status refuse(vg_db *db, struct order_copy *c, vg_status rc, char *err, size_t cap,
                        const char *fmt, const char *a)
{
    vg__db_txn_rollback(db);
    vg_errf(err, cap, fmt, (long long)c->o.id, a);
    order_copy_release(c);
    return rc;
}

/* `at` may not be before receipt nor more than a minute in the future. */
static int instant_ok(const struct vg_store_order *o, int64_t at)
{
    return at >= o->received_at && at <= (int64_t)time(NULL) + 60;
}

vg_status vg_order_record_action(vg_db *db, int64_t order_id, enum vg_order_action action,
                                 int64_t at, const struct vg_actor *by, const char *const *posts,
                                 size_t n_posts, char *err, size_t cap)
{
    vg_errf(err, cap, "%s", "");
    if (!by || (action != VG_ORDER_REMOVED && action != VG_ORDER_DISABLED)) {
        vg_errf(err, cap, "field 'action' must be removed, disabled or cannot_comply");
        return VG_EFIELD;
    }
    struct order_copy c;
    vg_status rc = begin_with_order(db, order_id, &c, err, cap);
    if (rc)
        return rc;
    if (acted(&c.o))
        return refuse(db, &c, VG_EINVAL, err, cap, "removal order %lld was acted on already (%s)",
                      c.o.state);
    if (!strcmp(c.o.state, "paused"))
        return refuse(db, &c, VG_EINVAL, err, cap,
                      "removal order %lld is paused by an Annex III reply%s: record the "
                      "clarification first",
                      "");
    if (!instant_ok(&c.o, at))
        return refuse(db, &c, VG_EFIELD, err, cap,
                      "the action time of order %lld must be between its receipt and now%s", "");
    char basis[48];
    snprintf(basis, sizeof(basis), "removal order %lld", (long long)order_id);
    void *st;
    const struct vg_store_records_ops *ops = vg__db_records(db, &st);
    for (size_t i = 0; i < n_posts; i++) {
        int64_t eid;
        if (!posts[i] || !*posts[i] || strlen(posts[i]) > 256)
            return refuse(db, &c, VG_EFIELD, err, cap, "order %lld: a post id is empty%s", "");
        rc = vg__evidence_preserve_txn(db, by, posts[i], order_id, basis, at, &eid);
        if (rc == VG_ENOENT)
            return refuse(db, &c, VG_EFIELD, err, cap,
                          "order %lld: field 'posts': no stored post '%.200s'", posts[i]);
        if (rc || (rc = ops->order_post_insert(st, order_id, posts[i]))) {
            vg__db_txn_rollback(db);
            order_copy_release(&c);
            return rc;
        }
    }
    c.o.state = action == VG_ORDER_REMOVED ? "removed" : "disabled";
    c.o.acted_at = at;
    c.o.acted_by = by->pseudonym;
    char detail[160];
    snprintf(detail, sizeof(detail),
             "{\"measure\":\"%s\",\"at\":%lld,\"seconds_from_receipt\":%lld,\"posts\":%zu}",
             c.o.state, (long long)at, (long long)(at - c.o.received_at), n_posts);
    return finish_change(db, by, &c, "order.act", detail);
}

static const char *const annex3_codes[] = { "force_majeure", "de_facto_impossibility",
                                            "manifest_errors", "insufficient_information" };

vg_status vg_order_cannot_comply(vg_db *db, const struct vg_actor *by, int64_t id,
                                 const char *const *reasons, size_t n, const char *explanation,
                                 const char *clarification, int64_t at, char *err, size_t cap)
{
    vg_errf(err, cap, "%s", "");
    if (!by || n == 0 || n > 4) {
        vg_errf(err, cap, "field 'reasons' must list 1 to 4 Annex III reasons");
        return VG_EFIELD;
    }
    int needs_clarification = 0;
    unsigned seen = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < 4 && (!reasons[i] || strcmp(reasons[i], annex3_codes[k])))
            k++;
        if (k == 4 || (seen & (1u << k))) {
            vg_errf(err, cap,
                    "field 'reasons' item %zu must be one of force_majeure, "
                    "de_facto_impossibility, manifest_errors, insufficient_information (once)",
                    i);
            return VG_EFIELD;
        }
        seen |= 1u << k;
        needs_clarification |= k >= 2;
    }
    if (!explanation || !text_ok(explanation, LONG_MAX_LEN)) {
        vg_errf(err, cap, "field 'explanation' is required (1 to %d bytes)", LONG_MAX_LEN);
        return VG_EFIELD;
    }
    if (clarification && !text_ok(clarification, LONG_MAX_LEN)) {
        vg_errf(err, cap, "field 'clarification' must be 1 to %d bytes of text", LONG_MAX_LEN);
        return VG_EFIELD;
    }
    if (needs_clarification && !clarification) {
        vg_errf(err, cap,
                "field 'clarification' is required for manifest_errors and "
                "insufficient_information (Annex III: the errors and what is needed)");
        return VG_EFIELD;
    }
    struct order_copy c;
    vg_status rc = begin_with_order(db, id, &c, err, cap);
    if (rc)
        return rc;
    if (acted(&c.o) || !strcmp(c.o.state, "paused"))
        return refuse(db, &c, VG_EINVAL, err, cap, "removal order %lld is %s already",
                      acted(&c.o) ? "acted on" : "paused");
    if (!instant_ok(&c.o, at))
        return refuse(db, &c, VG_EFIELD, err, cap,
                      "the time of order %lld's Annex III must be between its receipt and now%s",
                      "");
    struct vg_buf list;
    vg_buf_init(&list, 256);
    vg_buf_putc(&list, '[');
    for (size_t i = 0; i < n; i++)
        vg_buf_printf(&list, "%s\"%s\"", i ? "," : "", reasons[i]);
    rc = vg_buf_putc(&list, ']');
    void *st;
    const struct vg_store_records_ops *ops = vg__db_records(db, &st);
    struct vg_store_annex3 a = { .order_id = id,
                                 .at = at,
                                 .reasons = list.data,
                                 .explanation = explanation,
                                 .clarification = clarification,
                                 .by = by->pseudonym };
    if (rc || (rc = ops->annex3_insert(st, &a))) {
        vg_buf_release(&list);
        vg__db_txn_rollback(db);
        order_copy_release(&c);
        return rc;
    }
    c.o.state = "paused";
    c.o.paused_at = at;
    c.o.n_annex3++;
    char detail[200];
    snprintf(detail, sizeof(detail), "{\"reasons\":%s,\"at\":%lld}", list.data, (long long)at);
    vg_buf_release(&list);
    return finish_change(db, by, &c, "order.cannot_comply", detail);
}

vg_status vg_order_clarified(vg_db *db, const struct vg_actor *by, int64_t id, const char *note,
                             int64_t at, char *err, size_t cap)
{
    vg_errf(err, cap, "%s", "");
    if (!by || (note && !text_ok(note, LONG_MAX_LEN))) {
        vg_errf(err, cap, "field 'note' must be 1 to %d bytes of text", LONG_MAX_LEN);
        return VG_EFIELD;
    }
    struct order_copy c;
    vg_status rc = begin_with_order(db, id, &c, err, cap);
    if (rc)
        return rc;
    if (strcmp(c.o.state, "paused"))
        return refuse(db, &c, VG_EINVAL, err, cap,
                      "removal order %lld is not paused (state %s): nothing to restart", c.o.state);
    if (!instant_ok(&c.o, at) || at < c.o.paused_at)
        return refuse(db, &c, VG_EFIELD, err, cap,
                      "the clarification time of order %lld must be between the pause and now%s",
                      "");
    void *st;
    const struct vg_store_records_ops *ops = vg__db_records(db, &st);
    if ((rc = ops->annex3_clear(st, id, at))) {
        vg__db_txn_rollback(db);
        order_copy_release(&c);
        return rc;
    }
    /* Art 3(7)/(8): the one-hour deadline starts again once the clarification arrives. */
    int64_t paused_for = at - c.o.paused_at;
    c.o.state = "received";
    c.o.clock_start = at;
    c.o.paused_at = VG_TIME_UNKNOWN;
    char detail[128];
    snprintf(detail, sizeof(detail), "{\"clock_restarted_at\":%lld,\"paused_seconds\":%lld}",
             (long long)at, (long long)paused_for);
    return finish_change(db, by, &c, "order.clarified", detail);
}

vg_status vg_order_scrutiny(vg_db *db, const struct vg_actor *by, int64_t id, const char *state,
                            const char *note, int64_t at, char *err, size_t cap)
{
    vg_errf(err, cap, "%s", "");
    if (!by || !state ||
        (strcmp(state, "requested") && strcmp(state, "confirmed") && strcmp(state, "revoked"))) {
        vg_errf(err, cap, "field 'state' must be requested, confirmed or revoked");
        return VG_EFIELD;
    }
    if (note && !text_ok(note, LONG_MAX_LEN)) {
        vg_errf(err, cap, "field 'note' must be 1 to %d bytes of text", LONG_MAX_LEN);
        return VG_EFIELD;
    }
    struct order_copy c;
    vg_status rc = begin_with_order(db, id, &c, err, cap);
    if (rc)
        return rc;
    if (!cross_border(&c.o))
        return refuse(db, &c, VG_EINVAL, err, cap,
                      "removal order %lld is not cross-border (no provider_state other than the "
                      "issuing state%s): Art 4 scrutiny does not apply",
                      "");
    /* requested -> confirmed | revoked; the host authority may also decide on its own
     * initiative (none -> confirmed | revoked). A decision is final. */
    if (c.o.scrutiny && strcmp(c.o.scrutiny, "requested"))
        return refuse(db, &c, VG_EINVAL, err, cap, "the scrutiny of order %lld was decided (%s)",
                      c.o.scrutiny);
    if (c.o.scrutiny && !strcmp(state, "requested"))
        return refuse(db, &c, VG_EINVAL, err, cap, "scrutiny of order %lld was requested%s already",
                      "");
    if (!instant_ok(&c.o, at))
        return refuse(db, &c, VG_EFIELD, err, cap,
                      "the scrutiny time of order %lld must be between its receipt and now%s", "");
    c.o.scrutiny = state;
    c.o.scrutiny_at = at;
    /* Art 4(7): a revoked order ceases to have effect: content acted on is reinstated. */
    int reinstated = !strcmp(state, "revoked") && acted(&c.o);
    if (reinstated)
        c.o.reinstated_at = at;
    char detail[128];
    snprintf(detail, sizeof(detail), "{\"scrutiny\":\"%s\",\"at\":%lld,\"reinstated\":%s}", state,
             (long long)at, reinstated ? "true" : "false");
    return finish_change(db, by, &c, "order.scrutiny", detail);
}

/* ---- Annex II and III ---------------------------------------------------------------------- */

struct annex3_last {
    struct vg_buf *b;
    int n;
    vg_status rc;
};

static vg_status keep_last_annex3(const struct vg_store_annex3 *a, void *ud)
{
    struct annex3_last *l = ud;
    struct vg_buf *b = l->b;
    vg_buf_reset(b);
    l->n++;
    static const char *const text[] = {
        "force majeure or de facto impossibility not attributable to the hosting service "
        "provider, including for objectively justifiable technical or operational reasons",
        "force majeure or de facto impossibility not attributable to the hosting service "
        "provider, including for objectively justifiable technical or operational reasons",
        "the removal order contains manifest errors",
        "the removal order does not contain sufficient information",
    };
    vg_status rc = vg_buf_printf(b, "{\"reasons\":%s,\"reasons_text\":[", a->reasons);
    cJSON *codes = cJSON_Parse(a->reasons);
    int i = 0;
    for (const cJSON *e = codes ? codes->child : NULL; e && !rc; e = e->next)
        for (size_t k = 0; k < 4; k++)
            if (cJSON_IsString(e) && !strcmp(e->valuestring, annex3_codes[k]))
                rc = vg_buf_printf(b, "%s\"%s\"", i++ ? "," : "", text[k]);
    cJSON_Delete(codes);
    rc = rc ? rc : vg_buf_puts(b, "],\"explanation\":");
    rc = rc ? rc : vg__records_str(b, a->explanation);
    rc = rc ? rc : vg_buf_puts(b, ",\"clarification_needed\":");
    rc = rc ? rc : vg__records_str(b, a->clarification);
    rc = rc ? rc : vg_buf_puts(b, ",\"sent_at\":");
    rc = rc ? rc : vg__records_time(b, a->at);
    rc = rc ? rc : vg_buf_puts(b, ",\"clock_restarted_at\":");
    rc = rc ? rc : vg__records_time(b, a->cleared_at);
    rc = rc ? rc : vg_buf_puts(b, ",\"authorised_person\":");
    rc = rc ? rc : vg__records_str(b, a->by);
    rc = rc ? rc : vg_buf_putc(b, '}');
    l->rc = rc;
    return rc;
}

/* A string member of the stored Annex I object, or NULL. */
static const char *annex1_str(const cJSON *a1, const char *name)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(a1, name);
    return cJSON_IsString(f) ? f->valuestring : NULL;
}

static vg_status write_annex(struct vg_buf *b, const struct vg_store_order *o, int annex,
                             const char *acted_by, const char *annex3)
{
    cJSON *a1 = cJSON_Parse(o->annex1);
    if (!a1)
        return VG_EDB;
    const char *addressee = annex1_str(a1, "addressee");
    vg_status rc = vg_buf_printf(
            b, "{\"annex\":\"%s\",\"title\":\"%s\",\"regulation\":\"(EU) 2021/784\"",
            annex == 2 ? "II" : "III",
            annex == 2 ? "Feedback following removal of terrorist content or disabling access "
                         "thereto (Article 3(6))"
                       : "Information on the impossibility to execute the removal order "
                         "(Article 3(7) and (8))");
    rc = rc ? rc : vg_buf_puts(b, ",\"section_a\":{\"addressee\":");
    rc = rc ? rc : vg__records_str(b, addressee);
    rc = rc ? rc : vg_buf_puts(b, ",\"issuing_authority\":");
    rc = rc ? rc : vg__records_str(b, o->authority);
    rc = rc ? rc : vg_buf_printf(b, ",\"issuing_state\":\"%s\",\"reference\":", o->issuing_state);
    rc = rc ? rc : vg__records_str(b, o->reference);
    rc = rc ? rc : vg_buf_puts(b, ",\"received_at\":");
    rc = rc ? rc : vg__records_time(b, o->received_at);
    rc = rc ? rc : vg_buf_puts(b, "},\"section_b\":");
    if (!rc && annex == 2) {
        int removed = !strcmp(o->state, "removed");
        rc = vg_buf_printf(b, "{\"measure\":\"%s\",\"measure_text\":\"%s\",\"at\":", o->state,
                           removed ? "the terrorist content has been removed"
                                   : "access to the terrorist content has been disabled in all "
                                     "Member States");
        rc = rc ? rc : vg__records_time(b, o->acted_at);
        const cJSON *urls = cJSON_GetObjectItemCaseSensitive(a1, "urls");
        char *u = urls ? cJSON_PrintUnformatted(urls) : NULL;
        rc = rc ? rc : vg_buf_printf(b, ",\"urls\":%s}", u ? u : "[]");
        cJSON_free(u);
    } else if (!rc) {
        rc = vg_buf_puts(b, annex3);
    }
    rc = rc ? rc : vg_buf_puts(b, ",\"section_c\":{\"provider\":");
    rc = rc ? rc : vg__records_str(b, addressee);
    rc = rc ? rc : vg_buf_puts(b, ",\"provider_state\":");
    rc = rc ? rc : vg__records_str(b, o->provider_state);
    rc = rc ? rc : vg_buf_puts(b, ",\"authorised_person\":");
    rc = rc ? rc : vg__records_str(b, acted_by);
    rc = rc ? rc : vg_buf_puts(b, ",\"contact_point\":");
    rc = rc ? rc : vg__records_str(b, annex1_str(a1, "contact_point"));
    rc = rc ? rc : vg_buf_puts(b, ",\"send_to\":");
    rc = rc ? rc : vg__records_str(b, annex1_str(a1, "follow_up_contact"));
    rc = rc ? rc : vg_buf_puts(b, ",\"date\":");
    rc = rc ? rc : vg__records_time(b, annex == 2 ? o->acted_at : VG_TIME_UNKNOWN);
    rc = rc ? rc : vg_buf_puts(b, "}}");
    cJSON_Delete(a1);
    return rc;
}

vg_status vg_order_annex_json(vg_db *db, int64_t id, int annex, char **out, int *found)
{
    *out = NULL;
    *found = 0;
    if (annex != 2 && annex != 3)
        return VG_EINVAL;
    void *st;
    const struct vg_store_records_ops *ops = vg__db_records(db, &st);
    struct order_copy c = { 0 };
    int got = 0;
    vg_status rc = ops->order_get(st, id, copy_order, &c, &got);
    if (rc || !got) {
        order_copy_release(&c);
        return rc;
    }
    struct vg_buf b, a3;
    vg_buf_init(&b, VG_VIEW_MAX);
    vg_buf_init(&a3, VG_VIEW_MAX);
    struct annex3_last last = { &a3, 0, VG_OK };
    if (annex == 3)
        rc = ops->annex3_scan(st, id, VG_TIME_UNKNOWN, VG_TIME_UNKNOWN, keep_last_annex3, &last);
    int have = annex == 2 ? acted(&c.o) : last.n > 0;
    if (!rc && have) {
        /* Annex III's section C names who sent it; Annex II's, who acted. */
        rc = write_annex(&b, &c.o, annex, annex == 2 ? c.o.acted_by : NULL, a3.data);
        *found = !rc;
    }
    vg_buf_release(&a3);
    order_copy_release(&c);
    if (!*found) {
        vg_buf_release(&b);
        return rc;
    }
    return vg__records_take(&b, rc, out);
}

/* ---- figures ------------------------------------------------------------------------------- */

struct times {
    int64_t *receipt, *clock;
    size_t n, cap;
    int64_t received, acted, within, paused, pending, overdue_pending, now;
    vg_status rc;
};

static vg_status collect_time(const struct vg_store_order *o, void *ud)
{
    struct times *t = ud;
    t->received++;
    if (!strcmp(o->state, "paused"))
        t->paused++;
    if (!acted(o)) {
        if (strcmp(o->state, "paused")) {
            t->pending++;
            t->overdue_pending += t->now > o->clock_start + VG_ORDER_HOUR;
        }
        return VG_OK;
    }
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 64;
        int64_t *r = vg_realloc(t->receipt, cap * sizeof(*r));
        if (!r)
            return VG_ENOMEM;
        t->receipt = r;
        int64_t *c = vg_realloc(t->clock, cap * sizeof(*c));
        if (!c)
            return VG_ENOMEM;
        t->clock = c;
        t->cap = cap;
    }
    t->receipt[t->n] = o->acted_at - o->received_at;
    t->clock[t->n] = o->acted_at - o->clock_start;
    t->n++;
    t->acted++;
    t->within += o->acted_at <= o->clock_start + VG_ORDER_HOUR;
    return VG_OK;
}

vg_status vg__order_times(vg_db *db, int64_t from, int64_t to, struct vg_buf *b)
{
    void *st;
    const struct vg_store_records_ops *ops = vg__db_records(db, &st);
    struct times t = { .now = (int64_t)time(NULL) };
    vg_status rc = ops->orders_scan(st, from, to, -1, collect_time, &t);
    if (!rc) {
        if (t.n) {
            qsort(t.receipt, t.n, sizeof(int64_t), cmp_i64);
            qsort(t.clock, t.n, sizeof(int64_t), cmp_i64);
        }
        rc = vg_buf_printf(b,
                           "\"orders_received\":%lld,\"orders_acted_on\":%lld,"
                           "\"acted_within_one_hour\":%lld,\"paused\":%lld,\"pending\":%lld,"
                           "\"pending_overdue\":%lld,",
                           (long long)t.received, (long long)t.acted, (long long)t.within,
                           (long long)t.paused, (long long)t.pending, (long long)t.overdue_pending);
        if (!rc && t.n)
            rc = vg_buf_printf(b,
                               "\"seconds_receipt_to_action\":{\"median\":%.1f,\"worst\":%lld},"
                               "\"seconds_clock_to_action\":{\"median\":%.1f,\"worst\":%lld}",
                               vg__median(t.receipt, t.n), (long long)t.receipt[t.n - 1],
                               vg__median(t.clock, t.n), (long long)t.clock[t.n - 1]);
        else if (!rc)
            rc = vg_buf_puts(b, "\"seconds_receipt_to_action\":null,"
                                "\"seconds_clock_to_action\":null");
    }
    vg_free(t.receipt);
    vg_free(t.clock);
    return rc;
}

vg_status vg_order_stats_json(vg_db *db, int64_t from, int64_t to, char **out)
{
    struct vg_buf b;
    vg_buf_init(&b, VG_VIEW_MAX);
    vg_status rc = vg_buf_puts(&b, "{\"from\":");
    rc = rc ? rc : vg__records_time(&b, from);
    rc = rc ? rc : vg_buf_puts(&b, ",\"to\":");
    rc = rc ? rc : vg__records_time(&b, to);
    rc = rc ? rc : vg_buf_putc(&b, ',');
    rc = rc ? rc : vg__order_times(db, from, to, &b);
    rc = rc ? rc : vg_buf_putc(&b, '}');
    return vg__records_take(&b, rc, out);
}

vg_status vg_notice_not_before(vg_db *db, const char *post_id, int64_t *out)
{
    *out = VG_TIME_UNKNOWN;
    if (!post_id)
        return VG_EINVAL;
    void *st;
    const struct vg_store_records_ops *ops = vg__db_records(db, &st);
    return ops->post_gag(st, post_id, out);
}
