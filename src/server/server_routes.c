/* SPDX-License-Identifier: Apache-2.0 */
/*
 * server_routes.c: the route table of the HTTP API and its handlers (docs/api.md). The
 * dispatcher (server_http.c) has authenticated the caller, checked the route's roles and the
 * CSRF token and parsed the body before a handler runs; a handler checks its fields, calls the
 * public API (vigie.h) and writes the answer. Real names leave the server only to admins:
 * everyone else sees pseudonyms (write_user, write_report).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "server.h"
#include "server_cases.h"
#include "server_records.h"

#define LIST_DEFAULT 100
#define LIST_MAX     1000

static int is_admin(const struct vg_req *r)
{
    return r->who.role == VG_ROLE_ADMIN;
}

/* ---- health and metrics -------------------------------------------------------------------- */

static void h_healthz(struct vg_req *r)
{
    res_json(r, 200);
    out_fmt(r, "{\"status\":\"ok\",\"version\":\"%s\",\"schema\":%d}", vg_version(),
            vg_db_schema_version(r->db));
}

static void h_metrics(struct vg_req *r)
{
    res_json(r, 200);
    r->content_type = "text/plain; version=0.0.4; charset=utf-8";
    if (vg__metrics_text(&r->srv->metrics, vg__routes, vg__n_routes, &r->out) != VG_OK)
        res_error(r, 500, "metrics too large");
}

/* ---- sessions ------------------------------------------------------------------------------ */

static void write_me(struct vg_req *r, const struct vg_actor *who)
{
    out_raw(r, "{\"kind\":");
    out_str(r, who->token_id ? "token" : "user");
    out_fmt(r, ",\"id\":%lld,\"pseudonym\":",
            (long long)(who->token_id ? who->token_id : who->user_id));
    out_str(r, who->pseudonym);
    out_raw(r, ",\"role\":");
    out_str(r, vg_role_name(who->role));
    if (who->role == VG_ROLE_ADMIN) {
        out_raw(r, ",\"name\":");
        out_str(r, who->name);
    }
    out_raw(r, "}");
}

static void h_login(struct vg_req *r)
{
    static const char *const fields[] = { "name", "password", NULL };
    const char *name, *password;
    if (!req_only(r, fields) || !req_str(r, "name", 1, VG_NAME_MAX, &name) ||
        !req_str(r, "password", 1, VG_PASSWORD_MAX, &password))
        return;
    struct vg_server *s = r->srv;
    char name_key[VG_NAME_MAX + 8], addr_key[80];
    snprintf(name_key, sizeof(name_key), "name:%s", name);
    snprintf(addr_key, sizeof(addr_key), "addr:%s", r->client);
    int64_t now = (int64_t)time(NULL);
    unsigned max = s->o.login_max_failures;
    unsigned wait = vg__ratelimit_wait(s->login_limit, name_key, max, now);
    unsigned wait_addr = vg__ratelimit_wait(s->login_limit, addr_key, 4 * max, now);
    if (wait_addr > wait)
        wait = wait_addr;
    if (wait) {
        snprintf(r->retry_after, sizeof(r->retry_after), "%u", wait);
        res_error(r, 429, "too many failed logins; try again in %u s", wait);
        return;
    }
    char session[VG_SECRET_LEN + 1], csrf[VG_SECRET_LEN + 1];
    struct vg_actor who;
    vg_status rc = vg_login(r->db, name, password, s->o.session_ttl, session, csrf, &who);
    if (rc == VG_ENOENT) {
        vg__ratelimit_fail(s->login_limit, name_key, now);
        vg__ratelimit_fail(s->login_limit, addr_key, now);
        res_error(r, 401, "wrong name or password");
        return;
    }
    if (rc) {
        res_store_error(r, rc);
        return;
    }
    vg__ratelimit_clear(s->login_limit, name_key);
    snprintf(r->set_cookie, sizeof(r->set_cookie),
             "vg_session=%s; HttpOnly; SameSite=Strict; Path=/; Max-Age=%lld", session,
             (long long)s->o.session_ttl);
    res_json(r, 200);
    out_fmt(r, "{\"csrf_token\":\"%s\",\"expires_in\":%lld,\"me\":", csrf,
            (long long)s->o.session_ttl);
    write_me(r, &who);
    out_raw(r, "}");
}

static void h_logout(struct vg_req *r)
{
    if (!r->via_session) {
        res_error(r, 400, "logout ends a session; this request was made with a token");
        return;
    }
    int found;
    vg_status rc = vg_logout(r->db, &r->who, r->session, &found);
    if (rc) {
        res_store_error(r, rc);
        return;
    }
    snprintf(r->set_cookie, sizeof(r->set_cookie),
             "vg_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
    res_json(r, 200);
    out_raw(r, "{\"logged_out\":true}");
}

static void h_me(struct vg_req *r)
{
    res_json(r, 200);
    write_me(r, &r->who);
}

/* ---- users (admin) ------------------------------------------------------------------------- */

static vg_status write_user(const struct vg_user *u, void *ud)
{
    struct vg_req *r = ud;
    out_fmt(r, "{\"id\":%lld,\"name\":", (long long)u->id);
    out_str(r, u->name);
    out_raw(r, ",\"pseudonym\":");
    out_str(r, u->pseudonym);
    out_fmt(r, ",\"role\":\"%s\",\"disabled\":%s,\"created_at\":%lld}", vg_role_name(u->role),
            u->disabled ? "true" : "false", (long long)u->created_at);
    return VG_OK;
}

static vg_status write_user_item(const struct vg_user *u, void *ud)
{
    struct vg_req *r = ud;
    if (r->out.data[r->out.len - 1] == '}')
        out_raw(r, ",");
    return write_user(u, ud);
}

static void h_users_list(struct vg_req *r)
{
    res_json(r, 200);
    out_raw(r, "{\"users\":[");
    vg_status rc = vg_user_list(r->db, write_user_item, r);
    if (rc) {
        res_store_error(r, rc);
        return;
    }
    out_raw(r, "]}");
}

static int role_field(struct vg_req *r, int required, enum vg_role *role, int *given)
{
    const char *name;
    *given = 0;
    if (!req_str(r, "role", required, 32, &name))
        return 0;
    if (!name)
        return 1;
    if (vg_role_parse(name, role) != VG_OK) {
        res_error(r, 400,
                  "field 'role' must be one of admin, lead, reviewer, analyst, "
                  "trusted_flagger, auditor");
        return 0;
    }
    *given = 1;
    return 1;
}

static void h_users_create(struct vg_req *r)
{
    static const char *const fields[] = { "name", "role", "password", NULL };
    const char *name, *password;
    enum vg_role role;
    int given;
    if (!req_only(r, fields) || !req_str(r, "name", 1, VG_NAME_MAX, &name) ||
        !role_field(r, 1, &role, &given) || !req_str(r, "password", 0, VG_PASSWORD_MAX, &password))
        return;
    char generated[VG_PASSWORD_GEN + 1];
    if (!password) {
        if (vg_password_generate(generated) != VG_OK) {
            res_error(r, 500, "cannot generate a password");
            return;
        }
        password = generated;
    } else if (strlen(password) < VG_PASSWORD_MIN) {
        res_error(r, 400, "field 'password' must have at least %d bytes", VG_PASSWORD_MIN);
        return;
    }
    int64_t id;
    enum vg_put_result res;
    vg_status rc = vg_user_add(r->db, &r->who, name, role, password, &id, &res);
    if (rc == VG_EINVAL) {
        res_error(r, 400, "field 'name' must be text without control characters");
        return;
    }
    if (rc) {
        res_store_error(r, rc);
        return;
    }
    if (res == VG_PUT_DUPLICATE) {
        res_error(r, 409, "an account with this name exists");
        return;
    }
    res_json(r, 201);
    out_raw(r, "{\"user\":");
    int found = 0;
    if ((rc = vg_user_get(r->db, id, write_user, r, &found)) || !found) {
        res_store_error(r, rc ? rc : VG_EDB);
        return;
    }
    if (password == generated) {
        out_raw(r, ",\"password\":");
        out_str(r, generated);
    }
    out_raw(r, "}");
}

static void h_user_get(struct vg_req *r)
{
    int found = 0;
    res_json(r, 200);
    vg_status rc = vg_user_get(r->db, r->ids[0], write_user, r, &found);
    if (rc)
        res_store_error(r, rc);
    else if (!found)
        res_error(r, 404, "no account %lld", (long long)r->ids[0]);
}

static void h_user_update(struct vg_req *r)
{
    static const char *const fields[] = { "role", "disabled", NULL };
    enum vg_role role;
    int given, disabled = -1;
    if (!req_only(r, fields) || !role_field(r, 0, &role, &given) ||
        !req_bool(r, "disabled", &disabled))
        return;
    if (!given && disabled < 0) {
        res_error(r, 400, "give field 'role' or 'disabled'");
        return;
    }
    int found = 0;
    vg_status rc =
            vg_user_update(r->db, &r->who, r->ids[0], given ? &role : NULL, disabled, &found);
    if (rc) {
        res_store_error(r, rc);
        return;
    }
    if (!found) {
        res_error(r, 404, "no account %lld", (long long)r->ids[0]);
        return;
    }
    h_user_get(r);
}

/* ---- API tokens (admin) -------------------------------------------------------------------- */

static vg_status write_token(const struct vg_token *t, void *ud)
{
    struct vg_req *r = ud;
    if (r->out.data[r->out.len - 1] == '}')
        out_raw(r, ",");
    out_fmt(r, "{\"id\":%lld,\"name\":", (long long)t->id);
    out_str(r, t->name);
    out_fmt(r, ",\"role\":\"%s\",\"revoked\":%s,\"created_at\":%lld}", vg_role_name(t->role),
            t->revoked ? "true" : "false", (long long)t->created_at);
    return VG_OK;
}

static void h_tokens_list(struct vg_req *r)
{
    res_json(r, 200);
    out_raw(r, "{\"tokens\":[");
    vg_status rc = vg_token_list(r->db, write_token, r);
    if (rc) {
        res_store_error(r, rc);
        return;
    }
    out_raw(r, "]}");
}

static void h_tokens_create(struct vg_req *r)
{
    static const char *const fields[] = { "name", "role", NULL };
    const char *name;
    enum vg_role role;
    int given;
    if (!req_only(r, fields) || !req_str(r, "name", 1, VG_NAME_MAX, &name) ||
        !role_field(r, 1, &role, &given))
        return;
    char token[VG_SECRET_LEN + 1];
    int64_t id;
    vg_status rc = vg_token_add(r->db, &r->who, name, role, token, &id);
    if (rc == VG_EINVAL) {
        res_error(r, 400, "field 'name' must be text without control characters");
        return;
    }
    if (rc) {
        res_store_error(r, rc);
        return;
    }
    res_json(r, 201);
    out_fmt(r, "{\"id\":%lld,\"name\":", (long long)id);
    out_str(r, name);
    out_fmt(r, ",\"role\":\"%s\",\"token\":\"%s\"}", vg_role_name(role), token);
}

static void h_token_revoke(struct vg_req *r)
{
    int found = 0;
    vg_status rc = vg_token_revoke(r->db, &r->who, r->ids[0], &found);
    if (rc) {
        res_store_error(r, rc);
        return;
    }
    if (!found) {
        res_error(r, 404, "no live token %lld", (long long)r->ids[0]);
        return;
    }
    res_json(r, 200);
    out_fmt(r, "{\"id\":%lld,\"revoked\":true}", (long long)r->ids[0]);
}

/* ---- reports and notices ------------------------------------------------------------------- */

struct report_writer {
    struct vg_req *r;
    int n;
};

static vg_status write_report(const struct vg_intake *i, void *ud)
{
    struct report_writer *w = ud;
    struct vg_req *r = w->r;
    if (w->n++)
        out_raw(r, ",");
    out_fmt(r, "{\"id\":%lld,\"kind\":\"%s\",\"target_type\":\"%s\",\"target\":", (long long)i->id,
            i->kind, i->target_type);
    out_str(r, i->target);
    out_raw(r, ",\"platform\":");
    out_str(r, i->platform);
    out_raw(r, ",\"category\":");
    out_str(r, i->category);
    out_raw(r, ",\"reason\":");
    out_str(r, i->reason);
    out_raw(r, ",\"filer\":{\"pseudonym\":");
    out_str(r, i->filer_pseudonym);
    out_raw(r, ",\"role\":");
    out_str(r, i->filer_role);
    if (is_admin(r)) {
        out_raw(r, ",\"id\":");
        out_str(r, i->filer);
    }
    out_fmt(r, "},\"created_at\":%lld}", (long long)i->created_at);
    return VG_OK;
}

static void h_reports_create(struct vg_req *r)
{
    static const char *const fields[] = { "target_type", "target",   "reason",
                                          "platform",    "category", NULL };
    struct vg_intake in = { 0 };
    if (!req_only(r, fields) || !req_str(r, "target_type", 1, 64, &in.target_type) ||
        !req_str(r, "target", 1, 256, &in.target) || !req_str(r, "reason", 1, 4000, &in.reason) ||
        !req_str(r, "platform", 0, 64, &in.platform) ||
        !req_str(r, "category", 0, 64, &in.category))
        return;
    char err[160];
    int64_t id;
    vg_status rc = vg_intake_file(r->db, &r->who, &in, &id, err, sizeof(err));
    if (rc == VG_EFIELD || rc == VG_EINVAL) {
        res_error(r, rc == VG_EFIELD ? 400 : 403, "%s", err);
        return;
    }
    if (rc) {
        res_store_error(r, rc);
        return;
    }
    res_json(r, 201);
    struct report_writer w = { r, 0 };
    if ((rc = vg_intake_list(r->db, &r->who, id, 1, write_report, &w)) || w.n != 1)
        res_store_error(r, rc ? rc : VG_EDB);
}

static void h_reports_list(struct vg_req *r)
{
    int64_t limit;
    if (!req_query_int(r, "limit", LIST_DEFAULT, LIST_MAX, &limit))
        return;
    res_json(r, 200);
    out_raw(r, "{\"reports\":[");
    struct report_writer w = { r, 0 };
    vg_status rc = vg_intake_list(r->db, &r->who, 0, limit, write_report, &w);
    if (rc) {
        res_store_error(r, rc);
        return;
    }
    out_raw(r, "]}");
}

static void h_report_get(struct vg_req *r)
{
    res_json(r, 200);
    struct report_writer w = { r, 0 };
    /* A partner asking for another's report gets 404, as for one that does not exist. */
    vg_status rc = vg_intake_list(r->db, &r->who, r->ids[0], 1, write_report, &w);
    if (rc)
        res_store_error(r, rc);
    else if (!w.n)
        res_error(r, 404, "no report %lld", (long long)r->ids[0]);
}

/* ---- audit (auditor, admin) ---------------------------------------------------------------- */

struct audit_writer {
    struct vg_req *r;
    int n;
    int64_t last;
};

static vg_status write_audit(const struct vg_audit_entry *e, void *ud)
{
    struct audit_writer *w = ud;
    struct vg_req *r = w->r;
    if (w->n++)
        out_raw(r, ",");
    out_fmt(r, "{\"seq\":%lld,\"at\":%lld,\"actor_id\":", (long long)e->seq, (long long)e->at);
    out_str(r, e->actor_id);
    out_raw(r, ",\"actor\":");
    out_str(r, e->actor);
    out_raw(r, ",\"action\":");
    out_str(r, e->action);
    out_raw(r, ",\"object\":");
    out_str(r, e->object);
    out_raw(r, ",\"detail\":");
    out_raw(r, e->detail);
    out_fmt(r, ",\"hash\":\"%s\"}", e->hash);
    w->last = e->seq;
    return VG_OK;
}

static void h_audit_list(struct vg_req *r)
{
    int64_t after, limit;
    if (!req_query_int(r, "after", 0, INT64_MAX / 2, &after) ||
        !req_query_int(r, "limit", LIST_DEFAULT, LIST_MAX, &limit))
        return;
    res_json(r, 200);
    out_raw(r, "{\"entries\":[");
    struct audit_writer w = { r, 0, after };
    vg_status rc = vg_audit_list(r->db, after, limit, write_audit, &w);
    if (rc) {
        res_store_error(r, rc);
        return;
    }
    out_fmt(r, "],\"next_after\":%lld}", (long long)w.last);
}

static void h_audit_verify(struct vg_req *r)
{
    struct vg_audit_verdict v = { 0 };
    vg_status rc = vg_audit_verify(r->db, &v);
    if (rc) {
        res_store_error(r, rc);
        return;
    }
    res_json(r, 200);
    out_fmt(r, "{\"ok\":%s,\"entries\":%lld", v.ok ? "true" : "false", (long long)v.entries);
    if (!v.ok) {
        out_fmt(r, ",\"bad_entry\":%lld,\"problem\":", (long long)v.bad_seq);
        out_str(r, v.problem);
    }
    out_raw(r, "}");
}

/* ---- the table ----------------------------------------------------------------------------- */

#define AUDITORS (ROLE(ADMIN) | ROLE(AUDITOR))
#define FILERS   (ROLES_STAFF | ROLE(FLAGGER))

const struct vg_route vg__routes[] = {
    { "GET", "/healthz", 0, ROUTE_PUBLIC, h_healthz, "liveness and schema version" },
    { "GET", "/metrics", AUDITORS, 0, h_metrics, "Prometheus metrics" },
    { "POST", "/api/v1/login", 0, ROUTE_PUBLIC, h_login, "sign in: session cookie and CSRF token" },
    { "POST", "/api/v1/logout", ROLES_ALL, 0, h_logout, "end the session" },
    { "GET", "/api/v1/me", ROLES_ALL, 0, h_me, "who the caller is" },
    { "GET", "/api/v1/users", ROLE(ADMIN), 0, h_users_list, "list accounts" },
    { "POST", "/api/v1/users", ROLE(ADMIN), 0, h_users_create, "add an account" },
    { "GET", "/api/v1/users/{id}", ROLE(ADMIN), 0, h_user_get, "one account" },
    { "PATCH", "/api/v1/users/{id}", ROLE(ADMIN), 0, h_user_update,
      "change an account's role, disable or enable it" },
    { "GET", "/api/v1/tokens", ROLE(ADMIN), 0, h_tokens_list, "list API tokens" },
    { "POST", "/api/v1/tokens", ROLE(ADMIN), 0, h_tokens_create, "make an API token" },
    { "DELETE", "/api/v1/tokens/{id}", ROLE(ADMIN), 0, h_token_revoke, "revoke an API token" },
    { "GET", "/api/v1/reports", ROLES_ALL, 0, h_reports_list,
      "reports and notices (a trusted flagger: its own)" },
    { "POST", "/api/v1/reports", FILERS, 0, h_reports_create, "file a report or notice" },
    { "GET", "/api/v1/reports/{id}", ROLES_ALL, 0, h_report_get,
      "one report (a trusted flagger: its own)" },
    { "GET", "/api/v1/audit", AUDITORS, 0, h_audit_list, "the audit log" },
    { "GET", "/api/v1/audit/verify", AUDITORS, 0, h_audit_verify, "verify the audit chain" },
    VG_RECORDS_ROUTES VG_CASES_ROUTES
};

const size_t vg__n_routes = VG_ARRAY_LEN(vg__routes);

_Static_assert(VG_ARRAY_LEN(vg__routes) <= VG_SERVER_MAX_ROUTES, "raise VG_SERVER_MAX_ROUTES");

vg_status vg_server_routes(vg_route_fn fn, void *ud)
{
    for (size_t i = 0; i < vg__n_routes; i++) {
        const struct vg_route *rt = &vg__routes[i];
        struct vg_route_info info = { .method = rt->method,
                                      .pattern = rt->pattern,
                                      .roles = rt->flags & ROUTE_PUBLIC ? 0 : rt->roles,
                                      .is_public = !!(rt->flags & ROUTE_PUBLIC),
                                      .summary = rt->summary };
        vg_status rc = fn(&info, ud);
        if (rc)
            return rc;
    }
    return VG_OK;
}
