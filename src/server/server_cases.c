/* SPDX-License-Identifier: Apache-2.0 */
/*
 * server_cases.c: the HTTP handlers of cases, queues, decisions, appeals, trusted flaggers,
 * statements of reasons and DSA counters (docs/api.md, docs/cases.md). Their rows are
 * VG_CASES_ROUTES in server_cases.h, appended to the route table (server_routes.c). A handler
 * checks its fields, calls the public API (vigie.h @@cases) and maps a refusal to its status:
 * not found 404, conflict 409 (claimed by another, already decided), forbidden 403 (not the
 * claimant; the original decider deciding an appeal), bad field 400.
 */
#include <string.h>

#include "server.h"
#include "server_cases.h"

#define IDS_MAX 500

static void send_json(struct vg_req *r, vg_status rc, char *json)
{
    if (rc && json) { /* a bulk action a store error ended: say which cases were done */
        VG_LOG_ERR("server: %s %s: %s: %s", r->method, r->path, vg_strerror(rc),
                   vg_db_errmsg(r->db));
        res_json(r, rc == VG_EBUSY ? 503 : 500);
        out_raw(r, json);
    } else if (rc) {
        res_store_error(r, rc);
    } else {
        res_json(r, 200);
        out_raw(r, json);
    }
    vg_free(json);
}

/* Answer a refusal; 1 when there was one. */
static int refused(struct vg_req *r, enum vg_case_outcome o, const char *err)
{
    const char *what = err && *err ? err : NULL;
    switch (o) {
        case VG_CASE_DONE:
            return 0;
        case VG_CASE_NOT_FOUND:
            res_error(r, 404, "%s", what ? what : "no such case");
            break;
        case VG_CASE_CONFLICT:
            res_error(r, 409, "%s", what ? what : "the case is claimed by another reviewer");
            break;
        case VG_CASE_FORBIDDEN:
            res_error(r, 403, "%s", what ? what : "you do not hold this case");
            break;
        default:
            res_error(r, 400, "%s", what ? what : "bad field");
            break;
    }
    return 1;
}

/* ---- the queue ------------------------------------------------------------------------------ */

void h_cases_list(struct vg_req *r)
{
    int64_t limit, mine, unclaimed;
    if (!req_query_int(r, "limit", 100, 1000, &limit) || !req_query_int(r, "mine", 0, 1, &mine) ||
        !req_query_int(r, "unclaimed", 0, 1, &unclaimed))
        return;
    struct vg_queue_filter f = { .lane = r->query ? r->query(r->conn, "lane") : NULL,
                                 .status = r->query ? r->query(r->conn, "status") : NULL,
                                 .mine = (int)mine,
                                 .unclaimed = (int)unclaimed,
                                 .limit = limit };
    char *json = NULL;
    vg_status rc = vg_queue_json(r->db, &r->who, &f, &json);
    if (rc == VG_EINVAL) {
        res_error(r, 400,
                  "query argument 'lane' (urgent, removal_order, trusted_flagger, normal) or "
                  "'status' (open, decided, appealed, any) has an unknown value");
        return;
    }
    send_json(r, rc, json);
}

void h_case_get(struct vg_req *r)
{
    char *json = NULL;
    int found = 0;
    vg_status rc = vg_case_json(r->db, &r->who, r->ids[0], &json, &found);
    if (!rc && !found) {
        res_error(r, 404, "no case %lld", (long long)r->ids[0]);
        return;
    }
    send_json(r, rc, json);
}

static void claim_answer(struct vg_req *r, const char *what)
{
    res_json(r, 200);
    out_fmt(r, "{\"id\":%lld,\"%s\":true,\"by\":", (long long)r->ids[0], what);
    out_str(r, r->who.pseudonym);
    out_raw(r, "}");
}

void h_case_claim(struct vg_req *r)
{
    enum vg_case_outcome o;
    vg_status rc = vg_case_claim(r->db, &r->who, r->ids[0], &o);
    if (rc)
        res_store_error(r, rc);
    else if (!refused(r, o,
                      o == VG_CASE_CONFLICT ? "the case is claimed by another reviewer "
                                              "or decided"
                                            : NULL))
        claim_answer(r, "claimed");
}

void h_case_release(struct vg_req *r)
{
    enum vg_case_outcome o;
    int force = r->who.role == VG_ROLE_LEAD || r->who.role == VG_ROLE_ADMIN;
    vg_status rc = vg_case_release(r->db, &r->who, r->ids[0], force, &o);
    if (rc)
        res_store_error(r, rc);
    else if (!refused(r, o, o == VG_CASE_CONFLICT ? "the case is not claimed" : NULL))
        claim_answer(r, "released");
}

/* The fields of a decision from the request's JSON object (the body, or the "decision" object
 * of a bulk decide); 0 after answering 400. codes holds the jurisdictions' strings. */
static int decision_fields(struct vg_req *r, struct vg_decision_in *in, const char **codes)
{
    static const char *const fields[] = { "action",      "jurisdictions", "ground", "legal_ground",
                                          "explanation", "automated",     NULL };
    int automated = 0;
    memset(in, 0, sizeof(*in));
    if (!req_only(r, fields) || !req_str(r, "action", 1, 40, &in->action) ||
        !req_str(r, "ground", 0, 40, &in->ground) ||
        !req_str(r, "legal_ground", 0, 500, &in->legal_ground) ||
        !req_str(r, "explanation", 0, 2000, &in->explanation) ||
        !req_bool(r, "automated", &automated))
        return 0;
    in->automated = automated > 0;
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(r->json, "jurisdictions"), *e;
    if (j) {
        if (!cJSON_IsArray(j) || cJSON_GetArraySize(j) > 40) {
            res_error(r, 400, "field 'jurisdictions' must be a list of at most 40 codes");
            return 0;
        }
        cJSON_ArrayForEach(e, j)
        {
            if (!cJSON_IsString(e)) {
                res_error(r, 400, "field 'jurisdictions' items must be strings");
                return 0;
            }
            codes[in->n_jurisdictions++] = e->valuestring;
        }
        in->jurisdictions = codes;
    }
    return 1;
}

void h_cases_bulk(struct vg_req *r)
{
    static const char *const fields[] = { "action", "ids", "decision", NULL };
    const char *action;
    if (!req_only(r, fields) || !req_str(r, "action", 1, 16, &action))
        return;
    int decide = !strcmp(action, "decide");
    if (!decide && strcmp(action, "claim") && strcmp(action, "release")) {
        res_error(r, 400, "field 'action' must be \"claim\", \"release\" or \"decide\"");
        return;
    }
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(r->json, "decision");
    if (decide && !cJSON_IsObject(d)) {
        res_error(r, 400,
                  "field 'decision' is required for decide: an object as POST "
                  "/api/v1/cases/{id}/decisions takes");
        return;
    }
    if (!decide && d) {
        res_error(r, 400, "field 'decision' applies to decide only");
        return;
    }
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(r->json, "ids"), *e;
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) < 1 || cJSON_GetArraySize(a) > IDS_MAX) {
        res_error(r, 400, "field 'ids' must be a list of 1 to %d case ids", IDS_MAX);
        return;
    }
    int64_t ids[IDS_MAX];
    size_t n = 0;
    cJSON_ArrayForEach(e, a)
    {
        if (!cJSON_IsNumber(e) || e->valuedouble < 1 || e->valuedouble > 9e15 ||
            e->valuedouble != (double)(int64_t)e->valuedouble) {
            res_error(r, 400, "field 'ids' item %zu must be a positive integer", n);
            return;
        }
        ids[n++] = (int64_t)e->valuedouble;
    }
    char *json = NULL;
    if (!decide) {
        vg_status rc = vg_cases_bulk(r->db, &r->who, action, ids, n, &json);
        send_json(r, rc, json);
        return;
    }
    /* The decision object is read with the body's field helpers: point them at it. */
    struct vg_decision_in in;
    const char *codes[40];
    cJSON *body = r->json;
    r->json = (cJSON *)d;
    int ok = decision_fields(r, &in, codes);
    r->json = body;
    if (!ok)
        return;
    char err[256];
    enum vg_case_outcome o;
    vg_status rc = vg_cases_bulk_decide(r->db, &r->who, ids, n, &in, &r->srv->delay, &o, &json, err,
                                        sizeof(err));
    if (!rc && refused(r, o, err))
        return; /* a bad decision field: nothing stored */
    send_json(r, rc, json);
}

/* ---- decisions ------------------------------------------------------------------------------ */

void h_case_decide(struct vg_req *r)
{
    struct vg_decision_in in;
    const char *codes[40];
    if (!decision_fields(r, &in, codes))
        return;
    char err[256];
    int64_t id;
    enum vg_case_outcome o;
    vg_status rc = vg_case_decide(r->db, &r->who, r->ids[0], &in, &r->srv->delay, &id, &o, err,
                                  sizeof(err));
    if (rc) {
        res_store_error(r, rc);
        return;
    }
    if (refused(r, o, err))
        return;
    char *json = NULL;
    int found;
    rc = vg_decision_json(r->db, id, &json, &found);
    if (rc || !found) {
        vg_free(json);
        res_store_error(r, rc ? rc : VG_EDB);
        return;
    }
    res_json(r, 201);
    out_raw(r, json);
    vg_free(json);
}

/* ---- appeals -------------------------------------------------------------------------------- */

void h_case_appeal(struct vg_req *r)
{
    static const char *const fields[] = { "reason", NULL };
    const char *reason;
    if (!req_only(r, fields) || !req_str(r, "reason", 1, 2000, &reason))
        return;
    char err[256];
    int64_t id;
    enum vg_case_outcome o;
    vg_status rc = vg_appeal_file(r->db, &r->who, r->ids[0], reason, &id, &o, err, sizeof(err));
    if (rc) {
        res_store_error(r, rc);
        return;
    }
    if (refused(r, o, err))
        return;
    res_json(r, 201);
    out_fmt(r, "{\"appeal\":%lld,\"case\":%lld,\"status\":\"appealed\"}", (long long)id,
            (long long)r->ids[0]);
}

void h_case_appeal_decide(struct vg_req *r)
{
    static const char *const fields[] = { "outcome", NULL };
    const char *outcome;
    if (!req_only(r, fields) || !req_str(r, "outcome", 1, 16, &outcome))
        return;
    char err[256];
    enum vg_case_outcome o;
    vg_status rc = vg_appeal_decide(r->db, &r->who, r->ids[0], outcome, &o, err, sizeof(err));
    if (rc) {
        res_store_error(r, rc);
        return;
    }
    if (refused(r, o, err))
        return;
    res_json(r, 200);
    out_fmt(r, "{\"case\":%lld,\"outcome\":", (long long)r->ids[0]);
    out_str(r, outcome);
    out_raw(r, "}");
}

/* ---- trusted flaggers ----------------------------------------------------------------------- */

void h_flaggers(struct vg_req *r)
{
    char *json = NULL;
    vg_status rc = vg_flaggers_json(r->db, &r->who, &json);
    if (rc) {
        vg_free(json);
        res_store_error(r, rc);
        return;
    }
    res_json(r, 200);
    out_raw(r, "{\"flaggers\":");
    out_raw(r, json);
    out_raw(r, "}");
    vg_free(json);
}

void h_flaggers_mute(struct vg_req *r)
{
    static const char *const fields[] = { "filer", "muted", "reason", NULL };
    const char *filer, *reason;
    int muted = -1;
    if (!req_only(r, fields) || !req_str(r, "filer", 1, 32, &filer) ||
        !req_bool(r, "muted", &muted) || !req_str(r, "reason", 0, 2000, &reason))
        return;
    if (muted < 0) {
        res_error(r, 400, "field 'muted' is required (true or false)");
        return;
    }
    int changed;
    vg_status rc = vg_flagger_mute(r->db, &r->who, filer, muted, reason, &changed);
    if (rc == VG_EINVAL) {
        res_error(r, 400, "field 'filer' must be \"user:ID\" or \"token:ID\"");
        return;
    }
    if (rc) {
        res_store_error(r, rc);
        return;
    }
    res_json(r, 200);
    out_raw(r, "{\"filer\":");
    out_str(r, filer);
    out_fmt(r, ",\"muted\":%s,\"changed\":%s}", muted ? "true" : "false",
            changed ? "true" : "false");
}

/* ---- statements of reasons and counters ----------------------------------------------------- */

void h_sor(struct vg_req *r)
{
    int64_t after, since;
    if (!req_query_int(r, "after", 0, INT64_MAX / 2, &after) ||
        !req_query_int(r, "since", -1, INT64_MAX / 2, &since))
        return;
    /* Read only: statements are made with their decisions (and by `vigie sor export`). */
    char *json = NULL;
    int64_t last = after, n = 0, held = 0;
    vg_status rc = vg_sor_batch(r->db, after, since < 0 ? VG_TIME_UNKNOWN : since, &json, &last, &n,
                                &held);
    if (rc) {
        vg_free(json);
        res_store_error(r, rc);
        return;
    }
    res_json(r, 200);
    out_fmt(r, "{\"count\":%lld,\"next_after\":%lld,\"held_by_gag\":%lld,\"batch\":", (long long)n,
            (long long)last, (long long)held);
    out_raw(r, json);
    out_raw(r, "}");
    vg_free(json);
}

void h_dsa_report(struct vg_req *r)
{
    int64_t from, to;
    if (!req_query_int(r, "from", 0, INT64_MAX / 2, &from) ||
        !req_query_int(r, "to", INT64_MAX / 4, INT64_MAX / 2, &to))
        return;
    char *json = NULL;
    vg_status rc = vg_dsa_report_json(r->db, from, to, &json);
    send_json(r, rc, json);
}

void vg_server_cases_config(vg_server *s, const struct vg_enforce_delay *delay)
{
    if (s && delay)
        s->delay = *delay;
}
