/* SPDX-License-Identifier: Apache-2.0 */
/*
 * server_records.c: the HTTP handlers of the records (docs/records.md, docs/api.md): removal
 * orders and their replies, the evidence vault, the TCO transparency report and the
 * dashboard's series; and the evidence sweeper thread. The instant of authenticated receipt of
 * an order is the server's clock when its handler runs: the dispatcher has authenticated the
 * caller and checked the role by then. Each handler checks its fields, calls the public API and
 * writes the JSON it hands back.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server_records.h"

#define LIST_DEFAULT 100
#define LIST_MAX     1000
#define POSTS_MAX    1000

static int64_t now_s(void)
{
    return (int64_t)time(NULL);
}

/* Answer with JSON text the public API made (taking it), or a store error. */
static void res_text(struct vg_req *r, int status, vg_status rc, char *text)
{
    if (rc) {
        res_store_error(r, rc);
    } else {
        res_json(r, status);
        out_raw(r, text);
    }
    vg_free(text);
}

/* A refusal of the records API: VG_EFIELD 400, VG_ENOENT 404, VG_EINVAL 409 (the object's state
 * does not allow it). */
static int refused(struct vg_req *r, vg_status rc, const char *err)
{
    if (rc == VG_EFIELD)
        res_error(r, 400, "%s", err);
    else if (rc == VG_ENOENT)
        res_error(r, 404, "%s", err);
    else if (rc == VG_EINVAL)
        res_error(r, 409, "%s", err);
    else if (rc)
        res_store_error(r, rc);
    return rc != VG_OK;
}

/* An instant field: ISO 8601 text or seconds since 1970; absent: def. */
static int req_time(struct vg_req *r, const char *field, int64_t def, int64_t *out)
{
    *out = def;
    cJSON *f = r->json ? cJSON_GetObjectItemCaseSensitive(r->json, field) : NULL;
    if (!f || cJSON_IsNull(f))
        return 1;
    if (cJSON_IsNumber(f) && f->valuedouble >= 0 && f->valuedouble < 1e11) {
        *out = (int64_t)f->valuedouble;
        return 1;
    }
    if (cJSON_IsString(f) && vg_time_parse(f->valuestring, out) == VG_OK)
        return 1;
    res_error(r, 400, "field '%s' must be an ISO 8601 time or seconds since 1970", field);
    return 0;
}

/* An array of at most max strings (absent: *n 0). The strings belong to r->json. */
static int req_str_array(struct vg_req *r, const char *field, size_t max, const char **out,
                         size_t *n)
{
    *n = 0;
    cJSON *f = r->json ? cJSON_GetObjectItemCaseSensitive(r->json, field) : NULL;
    if (!f || cJSON_IsNull(f))
        return 1;
    if (!cJSON_IsArray(f) || (size_t)cJSON_GetArraySize(f) > max) {
        res_error(r, 400, "field '%s' must be an array of at most %zu strings", field, max);
        return 0;
    }
    for (cJSON *e = f->child; e; e = e->next) {
        if (!cJSON_IsString(e)) {
            res_error(r, 400, "field '%s' item %zu must be a string", field, *n);
            return 0;
        }
        out[(*n)++] = e->valuestring;
    }
    return 1;
}

/* A query argument as an instant (ISO 8601 or seconds); absent: VG_TIME_UNKNOWN. */
static int query_time(struct vg_req *r, const char *key, int64_t *out)
{
    *out = VG_TIME_UNKNOWN;
    const char *v = r->query ? r->query(r->conn, key) : NULL;
    if (!v)
        return 1;
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (*v && !*end && !errno && n >= 0) {
        *out = n;
        return 1;
    }
    if (vg_time_parse(v, out) == VG_OK)
        return 1;
    res_error(r, 400, "query argument '%s' must be an ISO 8601 time or seconds since 1970", key);
    return 0;
}

/* ---- removal orders ------------------------------------------------------------------------ */

void vg__h_orders_create(struct vg_req *r)
{
    int64_t received_at = now_s(); /* authenticated receipt: the caller is authenticated */
    char err[300];
    int64_t id;
    enum vg_put_result res;
    vg_status rc = vg_order_receive(r->db, &r->who, r->body, r->body_len, received_at, &id, &res,
                                    err, sizeof(err));
    if (rc == VG_EINVAL) {
        res_error(r, 403, "%s", err);
        return;
    }
    if (refused(r, rc, err))
        return;
    if (res == VG_PUT_DUPLICATE) {
        res_error(r, 409, "this order (issuing state, authority, reference) is order %lld",
                  (long long)id);
        return;
    }
    char *text = NULL;
    int found = 0;
    rc = vg_order_get_json(r->db, id, now_s(), &text, &found);
    res_text(r, 201, rc ? rc : found ? VG_OK : VG_EDB, text);
}

void vg__h_orders_list(struct vg_req *r)
{
    int64_t limit;
    if (!req_query_int(r, "limit", LIST_DEFAULT, LIST_MAX, &limit))
        return;
    char *text = NULL;
    vg_status rc = vg_order_list_json(r->db, now_s(), limit, &text);
    res_text(r, 200, rc, text);
}

void vg__h_orders_stats(struct vg_req *r)
{
    int64_t from, to;
    if (!query_time(r, "from", &from) || !query_time(r, "to", &to))
        return;
    char *text = NULL;
    vg_status rc = vg_order_stats_json(r->db, from, to, &text);
    res_text(r, 200, rc, text);
}

void vg__h_order_get(struct vg_req *r)
{
    char *text = NULL;
    int found = 0;
    vg_status rc = vg_order_get_json(r->db, r->ids[0], now_s(), &text, &found);
    if (!rc && !found) {
        res_error(r, 404, "no removal order %lld", (long long)r->ids[0]);
        return;
    }
    res_text(r, 200, rc, text);
}

/* The order and one of its replies: {"order":...,"annexN":...}. */
static void answer_with_annex(struct vg_req *r, int annex)
{
    char *order = NULL, *reply = NULL;
    int found = 0, found_reply = 0;
    vg_status rc = vg_order_get_json(r->db, r->ids[0], now_s(), &order, &found);
    if (!rc)
        rc = vg_order_annex_json(r->db, r->ids[0], annex, &reply, &found_reply);
    if (rc || !found || !found_reply) {
        res_store_error(r, rc ? rc : VG_EDB);
    } else {
        res_json(r, 200);
        out_raw(r, "{\"order\":");
        out_raw(r, order);
        out_fmt(r, ",\"annex%d\":", annex);
        out_raw(r, reply);
        out_raw(r, "}");
    }
    vg_free(order);
    vg_free(reply);
}

void vg__h_order_action(struct vg_req *r)
{
    static const char *const fields[] = { "action",        "at", "posts", "reasons", "explanation",
                                          "clarification", NULL };
    const char *action, *explanation, *clarification;
    int64_t at;
    const char *list[POSTS_MAX];
    size_t n;
    if (!req_only(r, fields) || !req_str(r, "action", 1, 32, &action) ||
        !req_time(r, "at", now_s(), &at) || !req_str(r, "explanation", 0, 8000, &explanation) ||
        !req_str(r, "clarification", 0, 8000, &clarification))
        return;
    int cannot = !strcmp(action, "cannot_comply");
    if (!cannot && strcmp(action, "removed") && strcmp(action, "disabled")) {
        res_error(r, 400, "field 'action' must be removed, disabled or cannot_comply");
        return;
    }
    if (!req_str_array(r, cannot ? "reasons" : "posts", POSTS_MAX, list, &n))
        return;
    const char *other = cannot ? "posts" : "reasons";
    if (cJSON_GetObjectItemCaseSensitive(r->json, other) ||
        (!cannot && (explanation || clarification))) {
        res_error(r, 400, "field '%s' does not go with action '%s'",
                  cJSON_GetObjectItemCaseSensitive(r->json, other) ? other
                  : explanation                                    ? "explanation"
                                                                   : "clarification",
                  action);
        return;
    }
    char err[300];
    vg_status rc;
    if (cannot)
        rc = vg_order_cannot_comply(r->db, &r->who, r->ids[0], list, n, explanation, clarification,
                                    at, err, sizeof(err));
    else
        rc = vg_order_record_action(
                r->db, r->ids[0], !strcmp(action, "removed") ? VG_ORDER_REMOVED : VG_ORDER_DISABLED,
                at, &r->who, list, n, err, sizeof(err));
    if (refused(r, rc, err))
        return;
    answer_with_annex(r, cannot ? 3 : 2);
}

void vg__h_order_clarified(struct vg_req *r)
{
    static const char *const fields[] = { "note", "at", NULL };
    const char *note;
    int64_t at;
    if (!req_only(r, fields) || !req_str(r, "note", 0, 8000, &note) ||
        !req_time(r, "at", now_s(), &at))
        return;
    char err[300];
    vg_status rc = vg_order_clarified(r->db, &r->who, r->ids[0], note, at, err, sizeof(err));
    if (refused(r, rc, err))
        return;
    vg__h_order_get(r);
}

void vg__h_order_scrutiny(struct vg_req *r)
{
    static const char *const fields[] = { "state", "note", "at", NULL };
    const char *state, *note;
    int64_t at;
    if (!req_only(r, fields) || !req_str(r, "state", 1, 32, &state) ||
        !req_str(r, "note", 0, 8000, &note) || !req_time(r, "at", now_s(), &at))
        return;
    char err[300];
    vg_status rc = vg_order_scrutiny(r->db, &r->who, r->ids[0], state, note, at, err, sizeof(err));
    if (refused(r, rc, err))
        return;
    vg__h_order_get(r);
}

static void annex(struct vg_req *r, int which)
{
    char *text = NULL;
    int found = 0;
    vg_status rc = vg_order_annex_json(r->db, r->ids[0], which, &text, &found);
    if (!rc && !found) {
        res_error(r, 404, "removal order %lld has no Annex %s reply", (long long)r->ids[0],
                  which == 2 ? "II" : "III");
        return;
    }
    res_text(r, 200, rc, text);
}

void vg__h_order_annex2(struct vg_req *r)
{
    annex(r, 2);
}

void vg__h_order_annex3(struct vg_req *r)
{
    annex(r, 3);
}

/* ---- evidence ------------------------------------------------------------------------------ */

void vg__h_evidence_list(struct vg_req *r)
{
    int64_t limit;
    if (!req_query_int(r, "limit", LIST_DEFAULT, LIST_MAX, &limit))
        return;
    char *text = NULL;
    vg_status rc = vg_evidence_list_json(r->db, now_s(), limit, &text);
    res_text(r, 200, rc, text);
}

void vg__h_evidence_access(struct vg_req *r)
{
    static const char *const fields[] = { "purpose", "note", NULL };
    const char *purpose, *note;
    if (!req_only(r, fields) || !req_str(r, "purpose", 1, 32, &purpose) ||
        !req_str(r, "note", 1, 2000, &note))
        return;
    char err[300], *text = NULL;
    vg_status rc =
            vg_evidence_access(r->db, &r->who, r->ids[0], purpose, note, &text, err, sizeof(err));
    if (refused(r, rc, err))
        return;
    res_text(r, 200, VG_OK, text);
}

void vg__h_evidence_extend(struct vg_req *r)
{
    static const char *const fields[] = { "until", "reason", NULL };
    const char *reason;
    int64_t until;
    if (!req_only(r, fields) || !req_str(r, "reason", 1, 2000, &reason) ||
        !req_time(r, "until", VG_TIME_UNKNOWN, &until))
        return;
    if (until == VG_TIME_UNKNOWN) {
        res_error(r, 400, "field 'until' is required");
        return;
    }
    char err[300];
    vg_status rc = vg_evidence_extend(r->db, &r->who, r->ids[0], until, reason, err, sizeof(err));
    if (refused(r, rc, err))
        return;
    res_json(r, 200);
    out_fmt(r, "{\"id\":%lld,\"until\":%lld}", (long long)r->ids[0], (long long)until);
}

void vg__h_evidence_expire(struct vg_req *r)
{
    static const char *const fields[] = { NULL };
    if (!req_only(r, fields))
        return;
    int64_t deleted, kept;
    vg_status rc = vg_evidence_expire(r->db, &r->who, now_s(), &deleted, &kept);
    if (rc) {
        res_store_error(r, rc);
        return;
    }
    res_json(r, 200);
    out_fmt(r, "{\"deleted\":%lld,\"kept\":%lld}", (long long)deleted, (long long)kept);
}

/* ---- reports ------------------------------------------------------------------------------- */

void vg__h_report_tco(struct vg_req *r)
{
    int64_t year;
    if (!req_query_int(r, "year", 0, 9998, &year))
        return;
    if (year < 1970) {
        res_error(r, 400, "query argument 'year' is required (1970 to 9998)");
        return;
    }
    const char *format = r->query ? r->query(r->conn, "format") : NULL;
    if (format && strcmp(format, "json") && strcmp(format, "md")) {
        res_error(r, 400, "query argument 'format' must be json or md");
        return;
    }
    char *text = NULL;
    int md = format && !strcmp(format, "md");
    vg_status rc = md ? vg_report_tco_markdown(r->db, (int)year, &text)
                      : vg_report_tco_json(r->db, (int)year, &text);
    res_text(r, 200, rc, text);
    if (!rc && md)
        r->content_type = "text/markdown; charset=utf-8";
}

void vg__h_dashboard(struct vg_req *r)
{
    int64_t from, to, top;
    if (!query_time(r, "from", &from) || !query_time(r, "to", &to) ||
        !req_query_int(r, "top", 20, 1000, &top))
        return;
    char *text = NULL;
    vg_status rc = vg_dashboard_json(r->db, from, to, (int)(top ? top : 20), &text);
    res_text(r, 200, rc, text);
}

/* ---- the evidence sweeper ------------------------------------------------------------------ */

struct vg__sweeper {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int stop;
    unsigned interval;
    char *db_path;
};

static void sweep_once(const char *db_path)
{
    vg_db *db;
    if (vg_db_open(db_path, &db) != VG_OK) {
        VG_LOG_WARN("server: evidence sweeper: cannot open %s", db_path);
        return;
    }
    struct vg_actor who;
    vg_actor_cli(&who);
    strcpy(who.actor_id, "server");
    strcpy(who.pseudonym, "evidence-sweeper");
    int64_t deleted = 0, kept = 0;
    vg_status rc = vg_evidence_expire(db, &who, now_s(), &deleted, &kept);
    if (rc)
        VG_LOG_WARN("server: evidence sweeper: %s", vg_strerror(rc));
    else if (deleted)
        VG_LOG_INFO("server: evidence sweeper deleted %lld expired item(s), %lld kept",
                    (long long)deleted, (long long)kept);
    vg_db_close(db);
}

static void *sweeper_main(void *arg)
{
    struct vg__sweeper *s = arg;
    pthread_mutex_lock(&s->lock);
    while (!s->stop) {
        pthread_mutex_unlock(&s->lock);
        sweep_once(s->db_path);
        pthread_mutex_lock(&s->lock);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += s->interval;
        while (!s->stop && pthread_cond_timedwait(&s->wake, &s->lock, &until) != ETIMEDOUT)
            ;
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

vg_status vg__sweeper_start(const char *db_path, unsigned interval, struct vg__sweeper **out)
{
    *out = NULL;
    struct vg__sweeper *s = vg_calloc(1, sizeof(*s));
    if (!s || !(s->db_path = vg_strdup(db_path))) {
        vg_free(s);
        return VG_ENOMEM;
    }
    s->interval = interval ? interval : 3600;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->wake, NULL);
    if (pthread_create(&s->thread, NULL, sweeper_main, s) != 0) {
        pthread_mutex_destroy(&s->lock);
        pthread_cond_destroy(&s->wake);
        vg_free(s->db_path);
        vg_free(s);
        return VG_ENOMEM;
    }
    *out = s;
    return VG_OK;
}

void vg__sweeper_stop(struct vg__sweeper *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->lock);
    s->stop = 1;
    pthread_cond_signal(&s->wake);
    pthread_mutex_unlock(&s->lock);
    pthread_join(s->thread, NULL);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->wake);
    vg_free(s->db_path);
    vg_free(s);
}
