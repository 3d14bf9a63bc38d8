/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cases_queue.c: the review queue and what happens to a case (docs/cases.md): listing and
 * showing cases, exclusive claims, bulk claim/release/decide, decisions (with the optional random
 * delay before enforcement and the action queued in the outbox), appeals decided by another
 * reviewer, trusted flaggers' cases, accuracy and mutes, and gag dates. Each change is one
 * transaction with its audit entry; refusals store nothing.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "cases.h"
#include "records.h"
#include "store_queue.h"

#define QUEUE_DEFAULT 100
#define QUEUE_MAX     1000
#define BULK_MAX      500
#define TEXT_MAX      2000

static const char *const lane_names[] = { "urgent", "removal_order", "trusted_flagger", "normal" };

static int64_t now_s(void)
{
    return (int64_t)time(NULL);
}

static vg_status take(struct vg_buf *b, char **json)
{
    *json = vg_buf_take(b);
    return *json ? VG_OK : VG_ENOMEM;
}

/* ---- the queue ------------------------------------------------------------------------------ */

static int lane_ok(const char *s)
{
    for (size_t i = 0; i < VG_ARRAY_LEN(lane_names); i++)
        if (!strcmp(s, lane_names[i]))
            return 1;
    return 0;
}

vg_status vg_queue_json(vg_db *db, const struct vg_actor *viewer, const struct vg_queue_filter *f,
                        char **json)
{
    *json = NULL;
    if (!viewer || !f)
        return VG_EINVAL;
    if (f->lane && !lane_ok(f->lane))
        return VG_EINVAL;
    const char *status = f->status ? f->status : "open";
    if (strcmp(status, "open") && strcmp(status, "decided") && strcmp(status, "appealed") &&
        strcmp(status, "any"))
        return VG_EINVAL;
    struct vg_store_queue_filter sf = {
        .lane = f->lane,
        .status = strcmp(status, "any") ? status : NULL,
        .claimed_by = f->mine ? viewer->actor_id : NULL,
        .unclaimed = f->unclaimed,
        .min_priority = f->min_priority,
        .limit = f->limit > 0 && f->limit <= QUEUE_MAX ? f->limit : QUEUE_DEFAULT,
    };
    void *st;
    const struct vg_store_queue_ops *ops = vg__db_queue(db, &st);
    struct vg_buf b;
    vg_buf_init(&b, 64u << 20);
    vg_status rc = ops->queue_json(st, &sf, &b);
    if (!rc)
        rc = take(&b, json);
    vg_buf_release(&b);
    return rc;
}

static const char *const part_keys[VG_PART__COUNT] = {
    [VG_PART_POSTS] = "posts",           [VG_PART_SCORES] = "scores",
    [VG_PART_MATCHES] = "matches",       [VG_PART_LIST_HITS] = "list_hits",
    [VG_PART_ACCOUNT] = "account",       [VG_PART_HISTORY] = "history",
    [VG_PART_RETURNS] = "return_links",  [VG_PART_NEIGHBOURS] = "neighbourhood",
    [VG_PART_MODERATION] = "moderation", [VG_PART_SOURCES] = "sources",
    [VG_PART_DECISIONS] = "decisions",   [VG_PART_APPEALS] = "appeals",
    [VG_PART_AUDIT] = "audit",           [VG_PART_COMMUNITY] = "community",
};

vg_status vg_case_json(vg_db *db, const struct vg_actor *viewer, int64_t id, char **json,
                       int *found)
{
    *json = NULL;
    *found = 0;
    if (!viewer)
        return VG_EINVAL;
    void *st;
    const struct vg_store_queue_ops *ops = vg__db_queue(db, &st);
    struct vg_buf b;
    vg_buf_init(&b, 64u << 20);
    vg_status rc = vg_buf_puts(&b, "{\"case\":");
    if (!rc)
        rc = ops->case_json(st, id, &b, found);
    if (rc || !*found)
        goto done;
    for (int p = 0; !rc && p < VG_PART__COUNT; p++) {
        rc = vg_buf_printf(&b, ",\"%s\":", part_keys[p]);
        if (!rc)
            rc = ops->case_part_json(st, (enum vg_case_part)p, id, &b);
    }
    if (!rc)
        rc = vg_buf_puts(&b,
                         ",\"priority_explained\":{\"formula\":\"risk * reach * freshness\","
                         "\"risk\":\"max(post score, threat, account score, return link score);"
                         " 1 on a hash match, at least 0.9 on a text or URL bank match, at least"
                         " 0.7 on a site list hit; 0.5 for a case opened by a report; for an"
                         " account rule's case max(return link score, account score, 0.7 in a"
                         " storm)\","
                         "\"reach\":\"min(1, log10(10 + followers) / 7)\","
                         "\"freshness\":\"2^(-age / 1 day), age from the post (an account"
                         " rule's case: its return link or storm, else its newest post) to the"
                         " newest post in the store when the rules ran\"}}");
    if (!rc)
        rc = take(&b, json);
done:
    vg_buf_release(&b);
    return rc;
}

/* ---- claims --------------------------------------------------------------------------------- */

struct state_copy {
    char status[16], lane[24], claimed_by[32], target_type[16], target[256];
    int claimed;
    int64_t not_before;
};

static vg_status copy_state(const struct vg_store_case_state *c, void *ud)
{
    struct state_copy *s = ud;
    snprintf(s->status, sizeof(s->status), "%s", c->status);
    snprintf(s->lane, sizeof(s->lane), "%s", c->lane);
    snprintf(s->target_type, sizeof(s->target_type), "%s", c->target_type);
    snprintf(s->target, sizeof(s->target), "%s", c->target ? c->target : "");
    s->claimed = c->claimed_by != NULL;
    snprintf(s->claimed_by, sizeof(s->claimed_by), "%s", c->claimed_by ? c->claimed_by : "");
    s->not_before = c->not_before;
    return VG_OK;
}

static vg_status audit_case(vg_db *db, const struct vg_actor *by, const char *action, int64_t id,
                            const char *detail)
{
    char object[32];
    snprintf(object, sizeof(object), "case:%lld", (long long)id);
    return vg__audit_append_txn(db, by, action, object, detail);
}

/* Claim inside an open transaction (also used by bulk). */
static vg_status claim_txn(vg_db *db, const struct vg_actor *by, int64_t id,
                           enum vg_case_outcome *out)
{
    void *st;
    const struct vg_store_queue_ops *ops = vg__db_queue(db, &st);
    struct state_copy s;
    int found, won;
    vg_status rc = ops->case_state(st, id, copy_state, &s, &found);
    if (rc)
        return rc;
    if (!found) {
        *out = VG_CASE_NOT_FOUND;
        return VG_OK;
    }
    if (!strcmp(s.status, "decided")) {
        *out = VG_CASE_CONFLICT;
        return VG_OK;
    }
    if ((rc = ops->case_claim(st, id, by->actor_id, by->pseudonym, now_s(), &won)))
        return rc;
    *out = won ? VG_CASE_DONE : VG_CASE_CONFLICT;
    return won ? audit_case(db, by, "case.claim", id, NULL) : VG_OK;
}

static vg_status release_txn(vg_db *db, const struct vg_actor *by, int64_t id, int force,
                             enum vg_case_outcome *out)
{
    void *st;
    const struct vg_store_queue_ops *ops = vg__db_queue(db, &st);
    struct state_copy s;
    int found, done;
    vg_status rc = ops->case_state(st, id, copy_state, &s, &found);
    if (rc)
        return rc;
    if (!found) {
        *out = VG_CASE_NOT_FOUND;
        return VG_OK;
    }
    if (!s.claimed) {
        *out = VG_CASE_CONFLICT;
        return VG_OK;
    }
    if ((rc = ops->case_release(st, id, force ? NULL : by->actor_id, now_s(), &done)))
        return rc;
    *out = done ? VG_CASE_DONE : VG_CASE_FORBIDDEN;
    return done ? audit_case(db, by, "case.release", id, force ? "{\"forced\":true}" : NULL)
                : VG_OK;
}

typedef vg_status (*txn_step)(vg_db *db, const struct vg_actor *by, int64_t id, int flag,
                              enum vg_case_outcome *out);

/* Run one step in a transaction of its own; a refusal rolls back (nothing stored). */
static vg_status in_txn(vg_db *db, const struct vg_actor *by, int64_t id, int flag, txn_step step,
                        enum vg_case_outcome *out)
{
    *out = VG_CASE_DONE;
    vg_status rc = vg__db_txn_begin(db);
    if (rc)
        return rc;
    if ((rc = step(db, by, id, flag, out)) || *out != VG_CASE_DONE) {
        vg__db_txn_rollback(db);
        return rc;
    }
    return vg__db_txn_commit(db);
}

static vg_status claim_step(vg_db *db, const struct vg_actor *by, int64_t id, int flag,
                            enum vg_case_outcome *out)
{
    (void)flag;
    return claim_txn(db, by, id, out);
}

static vg_status release_step(vg_db *db, const struct vg_actor *by, int64_t id, int force,
                              enum vg_case_outcome *out)
{
    return release_txn(db, by, id, force, out);
}

vg_status vg_case_claim(vg_db *db, const struct vg_actor *by, int64_t id, enum vg_case_outcome *out)
{
    if (!by)
        return VG_EINVAL;
    return in_txn(db, by, id, 0, claim_step, out);
}

vg_status vg_case_release(vg_db *db, const struct vg_actor *by, int64_t id, int force,
                          enum vg_case_outcome *out)
{
    if (!by)
        return VG_EINVAL;
    return in_txn(db, by, id, force, release_step, out);
}

static const char *outcome_name(enum vg_case_outcome o)
{
    switch (o) {
        case VG_CASE_DONE:
            return "done";
        case VG_CASE_NOT_FOUND:
            return "not_found";
        case VG_CASE_CONFLICT:
            return "conflict";
        case VG_CASE_FORBIDDEN:
            return "forbidden";
        default:
            return "bad_field";
    }
}

/*
 * A store error on ids[i] ends a bulk action. Each case has its own transaction, so the ones
 * before it stay done; the answer says which: that case "error" with the store's message, the
 * ones after it "not_attempted", and the message again as the answer's "error".
 */
static vg_status bulk_store_error(struct vg_buf *b, vg_db *db, vg_status failure,
                                  const int64_t *ids, size_t i, size_t n, char *msg, size_t cap)
{
    snprintf(msg, cap, "%s: %s", vg_strerror(failure), vg_db_errmsg(db));
    vg_status rc = vg_buf_printf(b, "%s{\"id\":%lld,\"result\":\"error\",\"error\":", i ? "," : "",
                                 (long long)ids[i]);
    if (!rc)
        rc = vg_buf_json_str(b, msg, strlen(msg));
    if (!rc)
        rc = vg_buf_putc(b, '}');
    for (size_t j = i + 1; !rc && j < n; j++)
        rc = vg_buf_printf(b, ",{\"id\":%lld,\"result\":\"not_attempted\"}", (long long)ids[j]);
    return rc;
}

/*
 * End a bulk answer: the counts (done + refused + failed = n), then the buffer handed to *json.
 * rc: the loop's own status (out of memory: returned, no answer). failure: the store error that
 * ended the loop at case `stopped` (VG_OK: none); it is returned, with *json still set, so the
 * caller can answer which cases were done.
 */
static vg_status bulk_finish(struct vg_buf *b, vg_status rc, vg_db *db, vg_status failure,
                             const int64_t *ids, size_t stopped, int64_t done, size_t n,
                             char **json)
{
    char msg[320] = "";
    if (!rc && failure)
        rc = bulk_store_error(b, db, failure, ids, stopped, n, msg, sizeof(msg));
    int64_t failed = failure ? (int64_t)(n - stopped) : 0;
    if (!rc)
        rc = vg_buf_printf(b, "],\"done\":%lld,\"refused\":%lld,\"failed\":%lld", (long long)done,
                           (long long)((int64_t)n - done - failed), (long long)failed);
    if (!rc && failure) {
        rc = vg_buf_puts(b, ",\"error\":");
        if (!rc)
            rc = vg_buf_json_str(b, msg, strlen(msg));
    }
    if (!rc)
        rc = vg_buf_putc(b, '}');
    if (!rc)
        rc = take(b, json);
    vg_buf_release(b);
    return rc ? rc : failure;
}

vg_status vg_cases_bulk(vg_db *db, const struct vg_actor *by, const char *action,
                        const int64_t *ids, size_t n, char **json)
{
    *json = NULL;
    if (!by || !action || n > BULK_MAX || (n && !ids))
        return VG_EINVAL;
    int claim = !strcmp(action, "claim");
    if (!claim && strcmp(action, "release"))
        return VG_EINVAL;
    int force = by->role == VG_ROLE_LEAD || by->role == VG_ROLE_ADMIN;
    struct vg_buf b;
    vg_buf_init(&b, 1u << 20);
    vg_status rc = vg_buf_puts(&b, "{\"results\":[");
    vg_status failure = VG_OK;
    int64_t done = 0;
    size_t i = 0;
    /* Each case in its own transaction: one refused case does not undo the others. */
    for (; !rc && i < n; i++) {
        enum vg_case_outcome o;
        if ((failure = in_txn(db, by, ids[i], force, claim ? claim_step : release_step, &o)))
            break;
        rc = vg_buf_printf(&b, "%s{\"id\":%lld,\"result\":\"%s\"}", i ? "," : "", (long long)ids[i],
                           outcome_name(o));
        done += !rc && o == VG_CASE_DONE;
    }
    return bulk_finish(&b, rc, db, failure, ids, i, done, n, json);
}

/* ---- decisions ------------------------------------------------------------------------------ */

static const char *const action_names[] = {
#define VG__ACTION_NAME(e, name) name,
    VG_ACTION_MAP(VG__ACTION_NAME)
#undef VG__ACTION_NAME
};

static int action_ok(const char *a)
{
    for (size_t i = 0; a && i < VG_ARRAY_LEN(action_names); i++)
        if (!strcmp(a, action_names[i]))
            return 1;
    return 0;
}

/* "EU" or two upper-case letters (ISO 3166-1 alpha-2 shape). */
static int jurisdiction_ok(const char *j)
{
    return j && strlen(j) == 2 && j[0] >= 'A' && j[0] <= 'Z' && j[1] >= 'A' && j[1] <= 'Z';
}

static int text_ok(const char *s, size_t max)
{
    return !s || (strlen(s) <= max && vg_utf8_valid(s, strlen(s)));
}

int vg__decision_valid(const struct vg_decision_in *in, char *err, size_t cap)
{
    if (!action_ok(in->action)) {
        vg_errf(err, cap,
                "field 'action' must be one of no_action, label, remove_post, "
                "restrict_visibility, suspend_account, geo_restrict, escalate_law_enforcement");
        return 0;
    }
    int geo = !strcmp(in->action, "geo_restrict");
    if (geo && in->n_jurisdictions == 0) {
        vg_errf(err, cap, "field 'jurisdictions' is required for geo_restrict");
        return 0;
    }
    if (!geo && in->n_jurisdictions) {
        vg_errf(err, cap, "field 'jurisdictions' applies to geo_restrict only");
        return 0;
    }
    if (in->n_jurisdictions > 40) {
        vg_errf(err, cap, "field 'jurisdictions' has over 40 codes");
        return 0;
    }
    for (size_t i = 0; i < in->n_jurisdictions; i++)
        if (!jurisdiction_ok(in->jurisdictions[i])) {
            vg_errf(err, cap,
                    "field 'jurisdictions' item %zu must be a two-letter country code or EU", i);
            return 0;
        }
    int needs_ground =
            strcmp(in->action, "no_action") && strcmp(in->action, "escalate_law_enforcement");
    if (needs_ground && (!in->ground || (strcmp(in->ground, "illegal_content") &&
                                         strcmp(in->ground, "incompatible_with_terms")))) {
        vg_errf(err, cap,
                "field 'ground' must be \"illegal_content\" or \"incompatible_with_terms\"");
        return 0;
    }
    if (!text_ok(in->explanation, TEXT_MAX) || !text_ok(in->legal_ground, 500)) {
        vg_errf(err, cap,
                "field 'explanation' (2000 bytes) or 'legal_ground' (500) is too long "
                "or not UTF-8");
        return 0;
    }
    return 1;
}

static vg_status jurisdictions_json(const struct vg_decision_in *in, struct vg_buf *b)
{
    vg_status rc = vg_buf_putc(b, '[');
    for (size_t i = 0; !rc && i < in->n_jurisdictions; i++)
        rc = vg_buf_printf(b, "%s\"%s\"", i ? "," : "", in->jurisdictions[i]);
    return rc ? rc : vg_buf_putc(b, ']');
}

static int64_t random_delay(const struct vg_enforce_delay *d)
{
    if (!d || d->max <= 0 || d->max < d->min)
        return 0;
    int64_t span = d->max - d->min;
    if (span > 0xfffffffe)
        span = 0xfffffffe;
    if (vg__sodium_ready() != VG_OK)
        return d->max; /* never earlier than asked */
    return d->min + (int64_t)randombytes_uniform((uint32_t)span + 1);
}

/* Queue the outbox row of a decision (its JSON as payload) inside the caller's transaction. */
static vg_status queue_action(vg_db *db, int64_t decision, int64_t due)
{
    void *st;
    const struct vg_store_queue_ops *ops = vg__db_queue(db, &st);
    struct vg_buf b;
    vg_buf_init(&b, 1u << 20);
    int found;
    vg_status rc = vg_buf_printf(&b, "{\"type\":\"vigie.action\",\"decision\":");
    if (!rc)
        rc = ops->decision_json(st, decision, &b, &found);
    if (!rc && !found)
        rc = VG_EDB;
    if (!rc)
        rc = vg_buf_putc(&b, '}');
    if (!rc)
        rc = ops->outbox_insert(st, decision, b.data, due);
    vg_buf_release(&b);
    return rc;
}

struct decide_args {
    const struct vg_decision_in *in;
    const struct vg_enforce_delay *delay;
    int64_t *decision_id;
    char *err;
    size_t cap;
};

/* A post taken down (removed, or its account suspended) is kept in the evidence vault for six
 * months (TCO Art 6; records_evidence.c), in the decision's transaction. */
static vg_status preserve_removed(vg_db *db, const struct vg_actor *by, const struct state_copy *s,
                                  const char *action, int64_t decision_id, int64_t now)
{
    if (strcmp(s->target_type, "post") ||
        (strcmp(action, "remove_post") && strcmp(action, "suspend_account")))
        return VG_OK;
    char basis[48];
    snprintf(basis, sizeof(basis), "decision %lld", (long long)decision_id);
    int64_t evidence_id;
    vg_status rc = vg__evidence_preserve_txn(db, by, s->target, 0, basis, now, &evidence_id);
    return rc == VG_ENOENT ? VG_OK : rc; /* a post the store does not hold: nothing to keep */
}

static vg_status decide_txn(vg_db *db, const struct vg_actor *by, int64_t id, struct decide_args *d,
                            enum vg_case_outcome *out)
{
    void *st;
    const struct vg_store_queue_ops *ops = vg__db_queue(db, &st);
    struct state_copy s;
    int found;
    vg_status rc = ops->case_state(st, id, copy_state, &s, &found);
    if (rc)
        return rc;
    if (!found) {
        *out = VG_CASE_NOT_FOUND;
        return VG_OK;
    }
    if (strcmp(s.status, "open")) {
        vg_errf(d->err, d->cap, "case %lld is %s", (long long)id, s.status);
        *out = VG_CASE_CONFLICT;
        return VG_OK;
    }
    if (!s.claimed || strcmp(s.claimed_by, by->actor_id)) {
        vg_errf(d->err, d->cap, "only the reviewer who claimed case %lld may decide it",
                (long long)id);
        *out = VG_CASE_FORBIDDEN;
        return VG_OK;
    }
    const struct vg_decision_in *in = d->in;
    int64_t now = now_s();
    int64_t due = now + random_delay(d->delay);
    struct vg_buf j;
    vg_buf_init(&j, 4096);
    if ((rc = jurisdictions_json(in, &j)))
        goto done;
    int escalate = !strcmp(in->action, "escalate_law_enforcement");
    struct vg_store_decision row = {
        .case_id = id,
        .action = in->action,
        .jurisdictions = in->n_jurisdictions ? j.data : NULL,
        .ground = in->ground ? in->ground : "none",
        .legal_ground = in->legal_ground,
        .explanation = in->explanation,
        .decided_by = by->actor_id,
        .decider_pseudonym = by->pseudonym,
        .automated = in->automated,
        .decided_at = now,
        .enforce_at = escalate ? now : due, /* threat to life: never delayed */
    };
    if ((rc = ops->decision_insert(st, &row, d->decision_id)))
        goto done;
    int made;
    if ((rc = queue_action(db, *d->decision_id, row.enforce_at)) ||
        (rc = vg__sor_make_one(db, *d->decision_id, &made)) ||
        (rc = preserve_removed(db, by, &s, in->action, *d->decision_id, now)))
        goto done;
    /* Escalation moves the case to the urgent lane, still open, for a reviewer there. */
    if ((rc = ops->case_set(st, id, escalate ? "open" : "decided", escalate ? "urgent" : NULL,
                            VG_LANE_URGENT, now)))
        goto done;
    int released;
    if ((rc = ops->case_release(st, id, NULL, now, &released)))
        goto done;
    char detail[256];
    snprintf(detail, sizeof(detail),
             "{\"decision\":%lld,\"action\":\"%s\",\"enforce_at\":%lld,\"automated\":%s}",
             (long long)*d->decision_id, in->action, (long long)row.enforce_at,
             in->automated ? "true" : "false");
    rc = audit_case(db, by, "case.decide", id, detail);
done:
    vg_buf_release(&j);
    return rc;
}

vg_status vg_case_decide(vg_db *db, const struct vg_actor *by, int64_t id,
                         const struct vg_decision_in *in, const struct vg_enforce_delay *delay,
                         int64_t *decision_id, enum vg_case_outcome *out, char *err, size_t cap)
{
    *decision_id = 0;
    *out = VG_CASE_DONE;
    vg_errf(err, cap, "%s", "");
    if (!by || !in)
        return VG_EINVAL;
    if (!vg__decision_valid(in, err, cap)) {
        *out = VG_CASE_BAD_FIELD;
        return VG_OK;
    }
    struct decide_args d = { in, delay, decision_id, err, cap };
    vg_status rc = vg__db_txn_begin(db);
    if (rc)
        return rc;
    if ((rc = decide_txn(db, by, id, &d, out)) || *out != VG_CASE_DONE) {
        vg__db_txn_rollback(db);
        *decision_id = 0;
        return rc;
    }
    return vg__db_txn_commit(db);
}

/* A rule's automated decision on the case it has just opened, inside the rules run's transaction
 * (cases_rules.c): the rule claims the case under an actor of its own ("rule:NAME") and decides
 * it as a reviewer would (outbox, statement of reasons, evidence kept, audit entries), marked
 * automated and without the random delay. */
vg_status vg__case_decide_by_rule(vg_db *db, const char *rule, int64_t id,
                                  const struct vg_decision_in *in, int64_t *decision_id)
{
    struct vg_actor by;
    memset(&by, 0, sizeof(by));
    by.role = VG_ROLE_ADMIN;
    snprintf(by.actor_id, sizeof(by.actor_id), "rule:%.26s", rule);
    snprintf(by.pseudonym, sizeof(by.pseudonym), "rule %.42s", rule);
    struct vg_decision_in automated = *in;
    automated.automated = 1;
    char err[256] = "";
    struct decide_args d = { &automated, NULL, decision_id, err, sizeof(err) };
    enum vg_case_outcome o;
    vg_status rc = claim_txn(db, &by, id, &o);
    if (!rc && o == VG_CASE_DONE)
        rc = decide_txn(db, &by, id, &d, &o);
    if (!rc && o != VG_CASE_DONE) {
        VG_LOG_ERR("rule %s: case %lld could not be decided: %s", rule, (long long)id,
                   err[0] ? err : "held by someone else");
        rc = VG_EINVAL;
    }
    return rc;
}

vg_status vg_cases_bulk_decide(vg_db *db, const struct vg_actor *by, const int64_t *ids, size_t n,
                               const struct vg_decision_in *in,
                               const struct vg_enforce_delay *delay, enum vg_case_outcome *out,
                               char **json, char *err, size_t cap)
{
    *json = NULL;
    *out = VG_CASE_DONE;
    vg_errf(err, cap, "%s", "");
    if (!by || !in || n > BULK_MAX || (n && !ids))
        return VG_EINVAL;
    if (!vg__decision_valid(in, err, cap)) {
        *out = VG_CASE_BAD_FIELD;
        return VG_OK;
    }
    struct vg_buf b;
    vg_buf_init(&b, 1u << 20);
    vg_status rc = vg_buf_puts(&b, "{\"results\":[");
    vg_status failure = VG_OK;
    int64_t done = 0;
    size_t i = 0;
    char why[256];
    /* Each case exactly as the single call decides it, in a transaction of its own. */
    for (; !rc && i < n; i++) {
        enum vg_case_outcome o;
        int64_t decision;
        if ((failure = vg_case_decide(db, by, ids[i], in, delay, &decision, &o, why, sizeof(why))))
            break;
        rc = vg_buf_printf(&b, "%s{\"id\":%lld,\"result\":\"%s\"", i ? "," : "", (long long)ids[i],
                           outcome_name(o));
        if (!rc && o == VG_CASE_DONE)
            rc = vg_buf_printf(&b, ",\"decision\":%lld", (long long)decision);
        if (!rc && o != VG_CASE_DONE) {
            if (!why[0])
                snprintf(why, sizeof(why), "no case %lld", (long long)ids[i]);
            rc = vg_buf_puts(&b, ",\"error\":");
            if (!rc)
                rc = vg_buf_json_str(&b, why, strlen(why));
        }
        if (!rc)
            rc = vg_buf_putc(&b, '}');
        done += !rc && o == VG_CASE_DONE;
    }
    return bulk_finish(&b, rc, db, failure, ids, i, done, n, json);
}

vg_status vg_decision_json(vg_db *db, int64_t id, char **json, int *found)
{
    *json = NULL;
    void *st;
    const struct vg_store_queue_ops *ops = vg__db_queue(db, &st);
    struct vg_buf b;
    vg_buf_init(&b, 1u << 20);
    vg_status rc = ops->decision_json(st, id, &b, found);
    if (!rc && *found)
        rc = take(&b, json);
    vg_buf_release(&b);
    return rc;
}

/* ---- appeals -------------------------------------------------------------------------------- */

vg_status vg_appeal_file(vg_db *db, const struct vg_actor *by, int64_t id, const char *reason,
                         int64_t *appeal_id, enum vg_case_outcome *out, char *err, size_t cap)
{
    *appeal_id = 0;
    *out = VG_CASE_DONE;
    vg_errf(err, cap, "%s", "");
    if (!by)
        return VG_EINVAL;
    if (!reason || !*reason || !text_ok(reason, TEXT_MAX)) {
        vg_errf(err, cap, "field 'reason' is required: text of at most %d bytes", TEXT_MAX);
        *out = VG_CASE_BAD_FIELD;
        return VG_OK;
    }
    void *st;
    const struct vg_store_queue_ops *ops = vg__db_queue(db, &st);
    vg_status rc = vg__db_txn_begin(db);
    if (rc)
        return rc;
    struct state_copy s;
    int found;
    int64_t decision;
    char decider[32], action[32];
    if ((rc = ops->case_state(st, id, copy_state, &s, &found)))
        goto fail;
    if (!found) {
        *out = VG_CASE_NOT_FOUND;
        goto fail;
    }
    if ((rc = ops->last_decision(st, id, &decision, decider, sizeof(decider), action,
                                 sizeof(action))))
        goto fail;
    if (!decision || strcmp(s.status, "decided")) {
        vg_errf(err, cap, "case %lld has no decision to appeal (it is %s)", (long long)id,
                s.status);
        *out = VG_CASE_CONFLICT;
        goto fail;
    }
    int64_t now = now_s();
    if ((rc = ops->appeal_insert(st, id, decision, by->actor_id, by->pseudonym, reason, now,
                                 appeal_id)) ||
        (rc = ops->case_set(st, id, "appealed", NULL, 0, now)))
        goto fail;
    char detail[96];
    snprintf(detail, sizeof(detail), "{\"appeal\":%lld,\"decision\":%lld}", (long long)*appeal_id,
             (long long)decision);
    if ((rc = audit_case(db, by, "case.appeal", id, detail)) || (rc = vg__db_txn_commit(db)))
        goto fail;
    return VG_OK;
fail:
    vg__db_txn_rollback(db);
    if (*out != VG_CASE_DONE || rc)
        *appeal_id = 0;
    return rc;
}

vg_status vg_appeal_decide(vg_db *db, const struct vg_actor *by, int64_t id, const char *outcome,
                           enum vg_case_outcome *out, char *err, size_t cap)
{
    *out = VG_CASE_DONE;
    vg_errf(err, cap, "%s", "");
    if (!by)
        return VG_EINVAL;
    int reversed = outcome && !strcmp(outcome, "reversed");
    if (!outcome || (!reversed && strcmp(outcome, "upheld"))) {
        vg_errf(err, cap, "field 'outcome' must be \"upheld\" or \"reversed\"");
        *out = VG_CASE_BAD_FIELD;
        return VG_OK;
    }
    void *st;
    const struct vg_store_queue_ops *ops = vg__db_queue(db, &st);
    vg_status rc = vg__db_txn_begin(db);
    if (rc)
        return rc;
    struct vg_store_appeal a;
    int found;
    if ((rc = ops->appeal_get(st, id, &a, &found)))
        goto fail;
    if (!found || a.outcome[0]) {
        vg_errf(err, cap, "case %lld has no open appeal", (long long)id);
        *out = found ? VG_CASE_CONFLICT : VG_CASE_NOT_FOUND;
        goto fail;
    }
    if (!strcmp(a.decided_by, by->actor_id)) {
        vg_errf(err, cap, "an appeal is decided by a reviewer other than the one who decided");
        *out = VG_CASE_FORBIDDEN;
        goto fail;
    }
    int64_t now = now_s(), new_decision = 0;
    if ((rc = ops->appeal_decide(st, a.id, outcome, by->actor_id, now)))
        goto fail;
    if (reversed) {
        /* The restriction is lifted: a no_action decision naming the reversed one, delivered
         * like any other (the platform reinstates). */
        struct vg_store_decision row = {
            .case_id = id,
            .action = "no_action",
            .ground = "none",
            .explanation = "appeal upheld by the user: the earlier decision is reversed",
            .decided_by = by->actor_id,
            .decider_pseudonym = by->pseudonym,
            .decided_at = now,
            .enforce_at = now,
            .reverses = a.decision,
        };
        if ((rc = ops->decision_insert(st, &row, &new_decision)) ||
            (rc = queue_action(db, new_decision, now)))
            goto fail;
    }
    if ((rc = ops->case_set(st, id, "decided", NULL, 0, now)))
        goto fail;
    char detail[128];
    snprintf(detail, sizeof(detail), "{\"appeal\":%lld,\"outcome\":\"%s\",\"decision\":%lld}",
             (long long)a.id, outcome, (long long)new_decision);
    if ((rc = audit_case(db, by, "case.appeal_decide", id, detail)) || (rc = vg__db_txn_commit(db)))
        goto fail;
    return VG_OK;
fail:
    vg__db_txn_rollback(db);
    return rc;
}

/* ---- trusted flaggers ----------------------------------------------------------------------- */

/* Open (or find) the case of a target that a record outside the rules brings in, an intake
 * report or a removal order: no signals, reach unknown, fresh; the record is named as its
 * source (kind, id). */
static vg_status case_from_record(vg_db *db, const char *target_type, const char *target,
                                  const char *lane, int lane_rank, double risk, const char *source,
                                  const char *kind, int64_t record_id, int64_t at, int64_t *case_id)
{
    void *st;
    const struct vg_store_queue_ops *ops = vg__db_queue(db, &st);
    struct vg_store_case c = {
        .target_type = target_type,
        .target = target,
        .lane = lane,
        .lane_rank = lane_rank,
        .risk = risk,
        .reach = vg__case_reach(-1),
        .freshness = 1,
        .source = source,
        .signals = "{}",
        .at = at,
    };
    c.priority = c.risk * c.reach * c.freshness;
    int created;
    char ref[24];
    snprintf(ref, sizeof(ref), "%lld", (long long)record_id);
    vg_status rc = ops->case_open(st, &c, case_id, &created);
    return rc ? rc : ops->case_source_add(st, *case_id, kind, ref, at);
}

vg_status vg__case_from_intake(vg_db *db, int64_t intake_id, const char *kind,
                               const char *target_type, const char *target, const char *filer,
                               int64_t at, int64_t *case_id)
{
    *case_id = 0;
    void *st;
    const struct vg_store_queue_ops *ops = vg__db_queue(db, &st);
    int notice = !strcmp(kind, "notice"), is_muted = 0;
    vg_status rc = notice ? ops->muted(st, filer, &is_muted) : VG_OK;
    if (rc || is_muted)
        return rc; /* a muted reporter's notice is stored and counted, but opens no case */
    return case_from_record(db, target_type, target, notice ? "trusted_flagger" : "normal",
                            notice ? VG_LANE_TRUSTED_FLAGGER : VG_LANE_NORMAL, 0.5, kind, "intake",
                            intake_id, at, case_id);
}

vg_status vg__case_from_order(vg_db *db, int64_t order_id, const char *post_id, int64_t at,
                              int64_t *case_id)
{
    *case_id = 0;
    return case_from_record(db, "post", post_id, "removal_order", VG_LANE_REMOVAL_ORDER, 1, "order",
                            "order", order_id, at, case_id);
}

vg_status vg_flaggers_json(vg_db *db, const struct vg_actor *viewer, char **json)
{
    *json = NULL;
    if (!viewer)
        return VG_EINVAL;
    void *st;
    const struct vg_store_queue_ops *ops = vg__db_queue(db, &st);
    struct vg_buf b;
    vg_buf_init(&b, 16u << 20);
    int partner = viewer->role == VG_ROLE_FLAGGER;
    int ids = viewer->role == VG_ROLE_ADMIN || viewer->role == VG_ROLE_LEAD;
    vg_status rc = ops->flaggers_json(st, partner ? viewer->actor_id : NULL, ids, &b);
    if (!rc)
        rc = take(&b, json);
    vg_buf_release(&b);
    return rc;
}

static int filer_ok(const char *f)
{
    const char *digits = !strncmp(f, "user:", 5) ? f + 5 : !strncmp(f, "token:", 6) ? f + 6 : NULL;
    if (!digits || !*digits || strlen(digits) > 18)
        return 0;
    for (; *digits; digits++)
        if (*digits < '0' || *digits > '9')
            return 0;
    return 1;
}

vg_status vg_flagger_mute(vg_db *db, const struct vg_actor *by, const char *filer, int muted,
                          const char *reason, int *changed)
{
    *changed = 0;
    if (!by || !filer || !filer_ok(filer) || !text_ok(reason, TEXT_MAX))
        return VG_EINVAL;
    void *st;
    const struct vg_store_queue_ops *ops = vg__db_queue(db, &st);
    vg_status rc = vg__db_txn_begin(db);
    if (rc)
        return rc;
    if ((rc = ops->mute_set(st, filer, muted, by->actor_id, reason, now_s(), changed)))
        goto fail;
    if (*changed) {
        struct vg_buf b;
        vg_buf_init(&b, 8192);
        rc = vg_buf_puts(&b, "{\"reason\":");
        if (!rc)
            rc = reason ? vg_buf_json_str(&b, reason, strlen(reason)) : vg_buf_puts(&b, "null");
        if (!rc)
            rc = vg_buf_putc(&b, '}');
        if (!rc)
            rc = vg__audit_append_txn(db, by, muted ? "flagger.mute" : "flagger.unmute", filer,
                                      b.data);
        vg_buf_release(&b);
        if (rc)
            goto fail;
    }
    return vg__db_txn_commit(db);
fail:
    vg__db_txn_rollback(db);
    return rc;
}

vg_status vg_case_not_before(vg_db *db, const struct vg_actor *by, int64_t id, int64_t not_before,
                             int *found)
{
    *found = 0;
    if (!by)
        return VG_EINVAL;
    void *st;
    const struct vg_store_queue_ops *ops = vg__db_queue(db, &st);
    vg_status rc = vg__db_txn_begin(db);
    if (rc)
        return rc;
    struct state_copy s;
    if ((rc = ops->case_state(st, id, copy_state, &s, found)) || !*found)
        goto fail;
    char detail[64];
    snprintf(detail, sizeof(detail), "{\"not_before\":%lld}",
             (long long)(not_before == VG_TIME_UNKNOWN ? -1 : not_before));
    if ((rc = ops->case_not_before(st, id, not_before)) ||
        (rc = audit_case(db, by, "case.gag", id, detail)) || (rc = vg__db_txn_commit(db)))
        goto fail;
    return VG_OK;
fail:
    vg__db_txn_rollback(db);
    return rc;
}
