/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cases_rules.c: the declarative rules that turn signals into cases (docs/cases.md). A rules
 * file is JSON: a list of rules, each a name, a target (posts or accounts), a lane, a shadow flag
 * and a condition (thresholds on the post's scores, categories, bank and list matches, the
 * account's score, return link and storm membership, all of which must hold, plus "any" groups
 * of which one must). vg_rules_apply streams every stored post's signals (one statement,
 * store_queue.h) through the post rules and the accounts that a return link, a storm or the
 * network score brings in through the account rules, and, by mode, opens cases, records what it
 * would open (shadow), or only counts against the cases already there (backtest). The account
 * score and storm membership cost a network scoring and a storm replay; they are computed only
 * when a rule names them. A storm account's score (storm_score_min: its best-scored post on its
 * storm's hashtags during the storm) is read for every storm account in one statement after the
 * replay; live, from the high-scored posts with hashtags kept as the ingest stores them.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "cases.h"
#include "store_queue.h"

#define RULES_MAX      64
#define RULE_NAME_MAX  64
#define ANY_MAX        8
#define DEPTH_MAX      4
#define RULES_FILE_MAX (1u << 20)
/* The storm members whose scores storm_score_min reads in one statement, as JSON: about 60 bytes
 * a member and hashtag, so some four million of them. */
#define MEMBERS_MAX (1u << 28)

/* A condition: every set field must hold, and one of the `any` branches when there are some.
 * Thresholds < 0 are unset; tri-state flags: -1 unset, 1 required, 0 required absent. */
struct rule_cond {
    double post_score_min, threat_min, account_score_min, return_score_min, storm_score_min;
    int64_t followers_min;
    unsigned categories_any; /* 0: unset */
    int escalate, hash_match, text_match, url_match, list_match, return_link, storm_member;
    int exempt, suspended;
    struct rule_cond *any[ANY_MAX];
    int n_any;
};

/* What a rule decides by itself on each case it opens ("decide": an automated decision). */
struct rule_decide {
    char action[32], ground[32], legal_ground[256], explanation[1024];
    struct vg_decision_in in; /* points into the fields above */
};

struct rule {
    char name[RULE_NAME_MAX + 1];
    int account; /* target "account": the rule reads and opens cases on accounts, not posts */
    int urgent;  /* lane "urgent" (threat to life) rather than "normal" */
    int shadow;
    struct rule_cond when;
    struct rule_decide *decide; /* NULL: the case waits for a reviewer */
};

struct vg_rules {
    struct rule r[RULES_MAX];
    int n;
    int needs_network, needs_storms;
    int needs_storm_scores;   /* a rule names storm_score_min (needs_storms too) */
    double storm_score_floor; /* the lowest storm_score_min named (live: posts kept from it) */
    int n_post, n_account;    /* rules of each target */
    int all_accounts;         /* an account rule reaches accounts through storms or the score */
};

/* ---- parsing -------------------------------------------------------------------------------- */

struct parse {
    char *err;
    size_t cap;
    char where[160]; /* "rules[2].when" */
    vg_rules *rules;
    unsigned target; /* the rule's: FOR_POST or FOR_ACCOUNT */
};

enum {
    FOR_POST = 1,
    FOR_ACCOUNT = 2
};

/* The rules each condition applies to: a post rule reads the account conditions of the post's
 * author; an account rule has no post to read the others of. */
static const struct {
    const char *name;
    unsigned targets;
} cond_targets[] = {
    { "post_score_min", FOR_POST },
    { "threat_min", FOR_POST },
    { "categories_any", FOR_POST },
    { "escalate", FOR_POST },
    { "exempt", FOR_POST },
    { "hash_match", FOR_POST },
    { "text_match", FOR_POST },
    { "url_match", FOR_POST },
    { "list_match", FOR_POST },
    { "return_link", FOR_POST | FOR_ACCOUNT },
    { "return_score_min", FOR_POST | FOR_ACCOUNT },
    { "account_score_min", FOR_POST | FOR_ACCOUNT },
    { "storm_member", FOR_POST | FOR_ACCOUNT },
    { "storm_score_min", FOR_POST | FOR_ACCOUNT },
    { "followers_min", FOR_POST | FOR_ACCOUNT },
    { "any", FOR_POST | FOR_ACCOUNT },
    { "suspended", FOR_ACCOUNT },
};

/* 0 for a name that is no condition (parse_cond says so). */
static unsigned targets_of(const char *cond)
{
    for (size_t i = 0; i < VG_ARRAY_LEN(cond_targets); i++)
        if (!strcmp(cond, cond_targets[i].name))
            return cond_targets[i].targets;
    return 0;
}

static int fail_at(struct parse *p, const char *field, const char *what)
{
    vg_errf(p->err, p->cap, "%s.%s: %s", p->where, field, what);
    return 0;
}

static int cond_init(struct rule_cond *c)
{
    memset(c, 0, sizeof(*c));
    c->post_score_min = c->threat_min = c->account_score_min = c->return_score_min = -1;
    c->storm_score_min = -1;
    c->followers_min = -1;
    c->escalate = c->hash_match = c->text_match = c->url_match = c->list_match = -1;
    c->return_link = c->storm_member = c->exempt = c->suspended = -1;
    return 1;
}

static void cond_free(struct rule_cond *c)
{
    for (int i = 0; i < c->n_any; i++) {
        cond_free(c->any[i]);
        vg_free(c->any[i]);
    }
    c->n_any = 0;
}

static int unit_number(struct parse *p, const cJSON *v, double *out)
{
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0 && v->valuedouble <= 1))
        return fail_at(p, v->string, "must be a number from 0 to 1");
    *out = v->valuedouble;
    return 1;
}

static int flag(struct parse *p, const cJSON *v, int *out)
{
    if (!cJSON_IsBool(v))
        return fail_at(p, v->string, "must be true or false");
    *out = cJSON_IsTrue(v);
    return 1;
}

static int category_bits(struct parse *p, const cJSON *v, unsigned *out)
{
    static const char *const names[] = {
#define VG__TCO_NAME(name, letter, text) text,
        VG_TCO_MAP(VG__TCO_NAME)
#undef VG__TCO_NAME
    };
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0)
        return fail_at(p, v->string, "must be a non-empty list of TCO category names");
    const cJSON *e;
    cJSON_ArrayForEach(e, v)
    {
        int k = -1;
        for (int i = 0; i < VG_TCO__COUNT && cJSON_IsString(e); i++)
            if (!strcmp(e->valuestring, names[i]))
                k = i;
        if (k < 0)
            return fail_at(p, v->string,
                           "unknown category (incitement, solicitation_commit, "
                           "solicitation_join, instruction, threat)");
        *out |= 1u << k;
    }
    return 1;
}

static int parse_cond(struct parse *p, const cJSON *obj, struct rule_cond *c, int depth);

static int parse_any(struct parse *p, const cJSON *v, struct rule_cond *c, int depth)
{
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0 || cJSON_GetArraySize(v) > ANY_MAX)
        return fail_at(p, "any", "must be a list of 1 to 8 conditions");
    if (depth >= DEPTH_MAX)
        return fail_at(p, "any", "nested deeper than 4 levels");
    size_t len = strlen(p->where);
    const cJSON *e;
    cJSON_ArrayForEach(e, v)
    {
        struct rule_cond *sub = vg_malloc(sizeof(*sub));
        if (!sub)
            return fail_at(p, "any", "out of memory");
        cond_init(sub);
        c->any[c->n_any++] = sub;
        snprintf(p->where + len, sizeof(p->where) - len, ".any[%d]", c->n_any - 1);
        if (!parse_cond(p, e, sub, depth + 1))
            return 0;
        p->where[len] = 0;
    }
    return 1;
}

static int parse_cond(struct parse *p, const cJSON *obj, struct rule_cond *c, int depth)
{
    if (!cJSON_IsObject(obj) || !obj->child) {
        vg_errf(p->err, p->cap, "%s: must be an object with at least one condition", p->where);
        return 0;
    }
    const cJSON *v;
    cJSON_ArrayForEach(v, obj)
    {
        const char *k = v->string;
        unsigned targets = targets_of(k);
        if (targets && !(targets & p->target))
            return fail_at(p, k,
                           p->target == FOR_ACCOUNT
                                   ? "is a post condition: an account rule takes return_link, "
                                     "return_score_min, account_score_min, storm_member, "
                                     "storm_score_min, followers_min, suspended and any"
                                   : "applies to account rules only (\"target\": \"account\")");
        int ok;
        if (!strcmp(k, "post_score_min"))
            ok = unit_number(p, v, &c->post_score_min);
        else if (!strcmp(k, "threat_min"))
            ok = unit_number(p, v, &c->threat_min);
        else if (!strcmp(k, "account_score_min"))
            ok = unit_number(p, v, &c->account_score_min);
        else if (!strcmp(k, "return_score_min"))
            ok = unit_number(p, v, &c->return_score_min);
        else if (!strcmp(k, "storm_score_min"))
            ok = unit_number(p, v, &c->storm_score_min);
        else if (!strcmp(k, "followers_min")) {
            ok = cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble <= 1e12;
            if (!ok)
                return fail_at(p, k, "must be a number from 0 to 10^12");
            c->followers_min = (int64_t)v->valuedouble;
        } else if (!strcmp(k, "categories_any"))
            ok = category_bits(p, v, &c->categories_any);
        else if (!strcmp(k, "escalate"))
            ok = flag(p, v, &c->escalate);
        else if (!strcmp(k, "hash_match"))
            ok = flag(p, v, &c->hash_match);
        else if (!strcmp(k, "text_match"))
            ok = flag(p, v, &c->text_match);
        else if (!strcmp(k, "url_match"))
            ok = flag(p, v, &c->url_match);
        else if (!strcmp(k, "list_match"))
            ok = flag(p, v, &c->list_match);
        else if (!strcmp(k, "return_link"))
            ok = flag(p, v, &c->return_link);
        else if (!strcmp(k, "storm_member"))
            ok = flag(p, v, &c->storm_member);
        else if (!strcmp(k, "exempt"))
            ok = flag(p, v, &c->exempt);
        else if (!strcmp(k, "suspended"))
            ok = flag(p, v, &c->suspended);
        else if (!strcmp(k, "any"))
            ok = parse_any(p, v, c, depth);
        else
            return fail_at(p, k, "unknown condition (docs/cases.md lists them)");
        if (!ok)
            return 0;
    }
    if (c->account_score_min >= 0)
        p->rules->needs_network = 1;
    if (c->storm_member >= 0 || c->storm_score_min >= 0)
        p->rules->needs_storms = 1;
    if (c->storm_score_min >= 0 &&
        (!p->rules->needs_storm_scores || c->storm_score_min < p->rules->storm_score_floor))
        p->rules->storm_score_floor = c->storm_score_min;
    if (c->storm_score_min >= 0)
        p->rules->needs_storm_scores = 1;
    return 1;
}

static int name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > RULE_NAME_MAX)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
            return 0;
    return 1;
}

/* "decide": {"action": ..., "ground": ..., "legal_ground": ..., "explanation": ...}, checked as
 * a reviewer's decision is (geo_restrict, which needs jurisdictions, is not offered here). */
static int parse_decide(struct parse *p, const cJSON *obj, struct rule *r)
{
    if (!cJSON_IsObject(obj))
        return fail_at(p, "decide", "must be an object");
    struct rule_decide *d = vg_calloc(1, sizeof(*d));
    if (!d)
        return fail_at(p, "decide", "out of memory");
    r->decide = d;
    const cJSON *v;
    cJSON_ArrayForEach(v, obj)
    {
        const char *k = v->string;
        char *to = !strcmp(k, "action")         ? d->action
                   : !strcmp(k, "ground")       ? d->ground
                   : !strcmp(k, "legal_ground") ? d->legal_ground
                   : !strcmp(k, "explanation")  ? d->explanation
                                                : NULL;
        size_t cap = !strcmp(k, "action") || !strcmp(k, "ground") ? 32
                     : !strcmp(k, "legal_ground")                 ? 256
                                                                  : 1024;
        if (!to)
            return fail_at(p, "decide",
                           "unknown field (action, ground, legal_ground, explanation)");
        if (!cJSON_IsString(v) || strlen(v->valuestring) >= cap)
            return fail_at(p, "decide",
                           "its fields must be strings (action and ground under 32 "
                           "bytes, legal_ground 256, explanation 1,024)");
        snprintf(to, cap, "%s", v->valuestring);
    }
    d->in.action = d->action;
    d->in.ground = d->ground[0] ? d->ground : NULL;
    d->in.legal_ground = d->legal_ground[0] ? d->legal_ground : NULL;
    d->in.explanation = d->explanation[0] ? d->explanation : NULL;
    d->in.automated = 1;
    char why[256];
    if (!strcmp(d->action, "geo_restrict"))
        return fail_at(p, "decide",
                       "geo_restrict is not decided by rules (it needs jurisdictions)");
    if (!vg__decision_valid(&d->in, why, sizeof(why)))
        return fail_at(p, "decide", why);
    return 1;
}

/* 1 when every account the condition holds for has a return link, a storm or a network score:
 * the accounts an account rule is evaluated on come from these (docs/cases.md). */
static int cond_anchored(const struct rule_cond *c)
{
    if (c->return_link == 1 || c->return_score_min >= 0 || c->account_score_min >= 0 ||
        c->storm_member == 1 || c->storm_score_min >= 0)
        return 1;
    for (int i = 0; i < c->n_any; i++)
        if (!cond_anchored(c->any[i]))
            return 0;
    return c->n_any > 0;
}

/* 1 when the condition may bring in accounts through a storm or the network score: then every
 * account the store knows is read, not only the linked ones. */
static int cond_beyond_links(const struct rule_cond *c)
{
    if (c->account_score_min >= 0 || c->storm_member == 1 || c->storm_score_min >= 0)
        return 1;
    for (int i = 0; i < c->n_any; i++)
        if (cond_beyond_links(c->any[i]))
            return 1;
    return 0;
}

/* An account rule reads the accounts its signals name, never all of them; a suspended account is
 * left alone unless the rule says "suspended" (the platform has acted already). */
static int account_rule_ready(struct parse *p, struct rule *r)
{
    if (!cond_anchored(&r->when)) {
        vg_errf(p->err, p->cap,
                "%s: an account rule needs return_link or storm_member true, return_score_min, "
                "account_score_min or storm_score_min (in each branch of its any)",
                p->where);
        return 0;
    }
    if (r->when.suspended < 0)
        r->when.suspended = 0;
    p->rules->all_accounts |= cond_beyond_links(&r->when);
    return 1;
}

static int parse_rule(struct parse *p, const cJSON *obj, struct rule *r)
{
    if (!cJSON_IsObject(obj)) {
        vg_errf(p->err, p->cap, "%s: must be an object", p->where);
        return 0;
    }
    const cJSON *v, *when = NULL;
    int have_name = 0;
    cJSON_ArrayForEach(v, obj)
    {
        const char *k = v->string;
        if (!strcmp(k, "name")) {
            if (!cJSON_IsString(v) || !name_ok(v->valuestring))
                return fail_at(p, k, "must be 1 to 64 characters of a-z, 0-9, '-' and '_'");
            snprintf(r->name, sizeof(r->name), "%s", v->valuestring);
            have_name = 1;
        } else if (!strcmp(k, "target")) {
            if (!cJSON_IsString(v) ||
                (strcmp(v->valuestring, "post") && strcmp(v->valuestring, "account")))
                return fail_at(p, k, "must be \"post\" or \"account\"");
            r->account = !strcmp(v->valuestring, "account");
        } else if (!strcmp(k, "lane")) {
            if (!cJSON_IsString(v) ||
                (strcmp(v->valuestring, "normal") && strcmp(v->valuestring, "urgent")))
                return fail_at(p, k, "must be \"normal\" or \"urgent\"");
            r->urgent = !strcmp(v->valuestring, "urgent");
        } else if (!strcmp(k, "shadow")) {
            if (!flag(p, v, &r->shadow))
                return 0;
        } else if (!strcmp(k, "when")) {
            when = v;
        } else if (!strcmp(k, "decide")) {
            if (!parse_decide(p, v, r))
                return 0;
        } else if (strcmp(k, "description")) {
            return fail_at(p, k,
                           "unknown field (name, description, target, lane, shadow, when, "
                           "decide)");
        } else if (!cJSON_IsString(v)) {
            return fail_at(p, k, "must be a string");
        }
    }
    if (!have_name)
        return fail_at(p, "name", "is required");
    for (int i = 0; i < p->rules->n - 1; i++) /* r is the last of them */
        if (!strcmp(p->rules->r[i].name, r->name))
            return fail_at(p, "name", "is used by an earlier rule");
    if (!when)
        return fail_at(p, "when", "is required");
    if (r->account && r->decide && !strcmp(r->decide->action, "remove_post"))
        return fail_at(p, "decide",
                       "remove_post is a post action (an account rule decides no_action, label, "
                       "restrict_visibility, suspend_account or escalate_law_enforcement)");
    p->target = r->account ? FOR_ACCOUNT : FOR_POST;
    size_t len = strlen(p->where);
    snprintf(p->where + len, sizeof(p->where) - len, ".when");
    if (!parse_cond(p, when, &r->when, 0))
        return 0;
    return r->account ? account_rule_ready(p, r) : 1;
}

vg_status vg_rules_parse(const char *text, size_t len, vg_rules **out, char *err, size_t cap)
{
    *out = NULL;
    vg_errf(err, cap, "%s", "");
    if (len > RULES_FILE_MAX) {
        vg_errf(err, cap, "the rules file is over %u bytes", RULES_FILE_MAX);
        return VG_ELIMIT;
    }
    if (!vg_utf8_valid(text, len)) {
        vg_errf(err, cap, "the rules file is not valid UTF-8");
        return VG_EUTF8;
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!root) {
        vg_errf(err, cap, "malformed JSON at byte %zu", end ? (size_t)(end - text) : (size_t)0);
        return VG_EPARSE;
    }
    vg_rules *rules = vg_calloc(1, sizeof(*rules));
    if (!rules) {
        cJSON_Delete(root);
        return VG_ENOMEM;
    }
    struct parse p = { .err = err, .cap = cap, .rules = rules };
    vg_status rc = VG_EFIELD;
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "rules");
    if (!cJSON_IsObject(root) || !cJSON_IsArray(list) || cJSON_GetArraySize(root) != 1) {
        vg_errf(err, cap, "the file must be an object with one field, \"rules\": a list");
        goto fail;
    }
    if (cJSON_GetArraySize(list) == 0 || cJSON_GetArraySize(list) > RULES_MAX) {
        vg_errf(err, cap, "\"rules\" must hold 1 to %d rules", RULES_MAX);
        goto fail;
    }
    const cJSON *e;
    cJSON_ArrayForEach(e, list)
    {
        snprintf(p.where, sizeof(p.where), "rules[%d]", rules->n);
        struct rule *r = &rules->r[rules->n];
        cond_init(&r->when);
        rules->n++;
        if (!parse_rule(&p, e, r))
            goto fail;
        if (r->account)
            rules->n_account++;
        else
            rules->n_post++;
    }
    cJSON_Delete(root);
    *out = rules;
    return VG_OK;
fail:
    cJSON_Delete(root);
    vg_rules_free(rules);
    return rc;
}

vg_status vg_rules_read(const char *path, vg_rules **out, char *err, size_t cap)
{
    *out = NULL;
    struct vg_buf b;
    vg_buf_init(&b, RULES_FILE_MAX + 1);
    vg_status rc = vg_buf_read_file(&b, path);
    if (rc == VG_ELIMIT)
        vg_errf(err, cap, "%s: over %u bytes", path, RULES_FILE_MAX);
    else if (rc)
        vg_errf(err, cap, "%s: cannot read (%s)", path, vg_strerror(rc));
    else if ((rc = vg_rules_parse(b.data ? b.data : "", b.len, out, err, cap))) {
        char tmp[512];
        snprintf(tmp, sizeof(tmp), "%s: %s", path, err);
        vg_errf(err, cap, "%s", tmp);
    }
    vg_buf_release(&b);
    return rc;
}

void vg_rules_free(vg_rules *rules)
{
    if (!rules)
        return;
    for (int i = 0; i < rules->n; i++) {
        cond_free(&rules->r[i].when);
        vg_free(rules->r[i].decide);
    }
    vg_free(rules);
}

size_t vg_rules_count(const vg_rules *rules)
{
    return rules ? (size_t)rules->n : 0;
}

/* ---- evaluation ----------------------------------------------------------------------------- */

/* A storm an account posted in with a coordination marker (the latest by last post, when
 * several). The replay names an alert by its hashtag and onset, the key of storm_alerts. */
struct storm_seen {
    char *hashtag;
    int64_t onset, last_at;
};

/* An account's own post that scores highest among those carrying a hashtag of a storm it took
 * part in, within the storm's span (storm_score_min): the best over its storms. */
struct storm_best {
    double score;
    char *post;
    int32_t storm; /* its storm: an index into struct storms' seen */
};

/* What the rules see of a post or an account: the stored row plus the computed account signals
 * (of the post's author, or of the account). */
struct signals {
    const struct vg_store_signal_row *row;   /* a post; NULL for an account */
    const struct vg_store_account_row *acct; /* an account; NULL for a post */
    double return_score;                     /* -1: no return link */
    int64_t followers;                       /* -1: unknown */
    double account_score;                    /* -1: not computed or unknown account */
    const struct storm_seen *storm;          /* NULL: in no storm (or storms not replayed) */
    const struct storm_best *storm_best;     /* NULL: no scored post on its storms' hashtags */
    int suspended;                           /* accounts only */
};

static int tri(int want, int have)
{
    return want < 0 || want == (have != 0);
}

/* The conditions only post rules have (parse_cond refuses them in account rules). */
static int post_cond_holds(const struct rule_cond *c, const struct vg_store_signal_row *r)
{
    if (c->post_score_min >= 0 && !(r->scored && r->score >= c->post_score_min))
        return 0;
    if (c->threat_min >= 0 && !(r->scored && r->threat >= c->threat_min))
        return 0;
    if (c->categories_any && !(r->categories & c->categories_any))
        return 0;
    return tri(c->escalate, r->escalate) && tri(c->hash_match, r->hash_matches > 0) &&
           tri(c->text_match, r->text_matches > 0) && tri(c->url_match, r->url_matches > 0) &&
           tri(c->list_match, r->list_hits > 0) && tri(c->exempt, r->exempt != 0);
}

static int cond_holds(const struct rule_cond *c, const struct signals *s)
{
    if (s->row && !post_cond_holds(c, s->row))
        return 0;
    if (c->account_score_min >= 0 && !(s->account_score >= c->account_score_min))
        return 0;
    if (c->return_score_min >= 0 && !(s->return_score >= c->return_score_min))
        return 0;
    if (c->followers_min >= 0 && !(s->followers >= c->followers_min))
        return 0;
    if (c->storm_score_min >= 0 &&
        !(s->storm && s->storm_best && s->storm_best->score >= c->storm_score_min))
        return 0;
    if (!tri(c->return_link, s->return_score >= 0) || !tri(c->storm_member, s->storm != NULL) ||
        !tri(c->suspended, s->suspended))
        return 0;
    if (c->n_any == 0)
        return 1;
    for (int i = 0; i < c->n_any; i++)
        if (cond_holds(c->any[i], s))
            return 1;
    return 0;
}

double vg__case_risk(const struct vg_store_signal_row *r, double account_score)
{
    double risk = 0;
    if (r->scored)
        risk = fmax(r->score, r->threat);
    risk = fmax(risk, account_score);
    risk = fmax(risk, r->return_score);
    if (r->hash_matches)
        risk = 1.0;
    if (r->text_matches || r->url_matches)
        risk = fmax(risk, 0.9);
    if (r->list_hits)
        risk = fmax(risk, 0.7);
    return risk;
}

double vg__case_account_risk(double return_score, double account_score, int storm)
{
    return fmax(fmax(fmax(return_score, account_score), storm ? VG__STORM_RISK : 0), 0);
}

double vg__case_reach(int64_t followers)
{
    double f = followers > 0 ? (double)followers : 0;
    return fmin(1.0, log10(10.0 + f) / 7.0);
}

double vg__case_freshness(int64_t at, int64_t reference)
{
    double age = reference > at ? (double)(reference - at) : 0;
    return exp2(-age / 86400.0);
}

/* ---- account signals (only when a rule names them) ------------------------------------------ */

/* A map from 64-bit hashes of ids to an int32 value (open addressing; 0 is the empty slot). */
struct idset {
    uint64_t *slot;
    int32_t *val;
    size_t cap, n;
};

static uint64_t id_hash(const char *id)
{
    uint64_t h = vg_hash64(id, strlen(id), 0x5eed);
    return h ? h : 1;
}

static vg_status idset_grow(struct idset *s)
{
    size_t cap = s->cap ? s->cap * 2 : 1024;
    uint64_t *slot = vg_calloc(cap, sizeof(*slot));
    int32_t *val = vg_calloc(cap, sizeof(*val));
    if (!slot || !val) {
        vg_free(slot);
        vg_free(val);
        return VG_ENOMEM;
    }
    for (size_t i = 0; i < s->cap; i++)
        if (s->slot[i]) {
            size_t j = s->slot[i] & (cap - 1);
            while (slot[j])
                j = (j + 1) & (cap - 1);
            slot[j] = s->slot[i];
            val[j] = s->val[i];
        }
    vg_free(s->slot);
    vg_free(s->val);
    s->slot = slot;
    s->val = val;
    s->cap = cap;
    return VG_OK;
}

/* Add id with value v, or set the value of an id already in. */
static vg_status idset_put(struct idset *s, const char *id, int32_t v)
{
    vg_status rc;
    if ((s->n + 1) * 2 > s->cap && (rc = idset_grow(s)))
        return rc;
    uint64_t h = id_hash(id);
    size_t j = h & (s->cap - 1);
    while (s->slot[j] && s->slot[j] != h)
        j = (j + 1) & (s->cap - 1);
    if (!s->slot[j]) {
        s->slot[j] = h;
        s->n++;
    }
    s->val[j] = v;
    return VG_OK;
}

static vg_status idset_add(struct idset *s, const char *id)
{
    return idset_put(s, id, 0);
}

/* The value of id, -1 when it is not in. */
static int32_t idset_get(const struct idset *s, const char *id)
{
    if (!s->cap)
        return -1;
    uint64_t h = id_hash(id);
    for (size_t j = h & (s->cap - 1); s->slot[j]; j = (j + 1) & (s->cap - 1))
        if (s->slot[j] == h)
            return s->val[j];
    return -1;
}

static int idset_has(const struct idset *s, const char *id)
{
    return idset_get(s, id) >= 0;
}

static void idset_release(struct idset *s)
{
    vg_free(s->slot);
    vg_free(s->val);
}

/* The storms of a replay and, per account, the index of its latest one in seen; with
 * storm_score_min, per account its best-scored post in its storms (best_of: an index in best). */
struct storms {
    struct idset of;
    struct storm_seen *seen;
    size_t n, cap;
    vg_status rc;
    struct vg_buf members; /* the batch: the final alerts' accounts, for storm_scores */
    int scores;            /* collect members (a rule names storm_score_min) */
    struct idset best_of;
    struct storm_best *best;
    size_t n_best, cap_best;
};

/* A storm's members as store_queue.h's storm_scores takes them, appended to the JSON array in
 * b (opened by the first element): [account, k, tag, onset, last_at] for each account and each
 * of the storm's hashtags, normalised as the store keeps post_hashtags.tag. */
static vg_status members_add(struct vg_buf *b, const struct vg_storm_alert *a, int32_t k)
{
    vg_status rc = VG_OK;
    for (size_t h = 0; h < a->n_hashtags && !rc; h++) {
        char *tag = NULL;
        if (vg_text_normalize(a->hashtags[h], strlen(a->hashtags[h]), &tag, NULL))
            continue; /* a hashtag the store could not have kept either */
        for (size_t i = 0; i < a->n_accounts && !rc; i++) {
            rc = vg_buf_puts(b, b->len ? ",[" : "[[");
            if (!rc)
                rc = vg_buf_json_str(b, a->accounts[i], strlen(a->accounts[i]));
            if (!rc)
                rc = vg_buf_printf(b, ",%d,", (int)k);
            if (!rc)
                rc = vg_buf_json_str(b, tag, strlen(tag));
            if (!rc)
                rc = vg_buf_printf(b, ",%lld,%lld]", (long long)a->onset, (long long)a->last_at);
        }
        vg_free(tag);
    }
    return rc;
}

/* A row of storm_scores: the account's best so far, unless this one scores higher (on a tie,
 * the storm seen first, so that a batch run is the same whatever order the rows come in). */
static vg_status best_note(const char *account, int64_t storm, const char *post, double score,
                           void *ud)
{
    struct storms *c = ud;
    int32_t had = idset_get(&c->best_of, account);
    if (had >= 0) {
        struct storm_best *b = &c->best[had];
        if (score < b->score || (score == b->score && storm >= b->storm))
            return VG_OK;
        char *copy = vg_strdup(post);
        if (!copy)
            return VG_ENOMEM;
        vg_free(b->post);
        *b = (struct storm_best){ .score = score, .post = copy, .storm = (int32_t)storm };
        return VG_OK;
    }
    if (c->n_best == c->cap_best) {
        size_t cap = c->cap_best ? c->cap_best * 2 : 64;
        if (cap > INT32_MAX)
            return VG_ELIMIT;
        struct storm_best *best = vg_realloc(c->best, cap * sizeof(*best));
        if (!best)
            return VG_ENOMEM;
        c->best = best;
        c->cap_best = cap;
    }
    char *copy = vg_strdup(post);
    if (!copy)
        return VG_ENOMEM;
    c->best[c->n_best] =
            (struct storm_best){ .score = score, .post = copy, .storm = (int32_t)storm };
    return idset_put(&c->best_of, account, (int32_t)c->n_best++);
}

/* The scores of the members collected in c->members read in one statement. */
static vg_status members_score(const struct vg_store_queue_ops *ops, void *st, struct storms *c)
{
    vg_status rc = VG_OK;
    if (c->members.len && !(rc = vg_buf_putc(&c->members, ']')))
        rc = ops->storm_scores(st, c->members.data, best_note, c);
    vg_buf_reset(&c->members);
    return rc;
}

static vg_status storm_note(struct storms *c, const struct vg_storm_alert *a)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        if (cap > INT32_MAX)
            return VG_ELIMIT;
        struct storm_seen *seen = vg_realloc(c->seen, cap * sizeof(*seen));
        if (!seen)
            return VG_ENOMEM;
        c->seen = seen;
        c->cap = cap;
    }
    struct storm_seen *s = &c->seen[c->n];
    if (!(s->hashtag = vg_strdup(a->hashtag)))
        return VG_ENOMEM;
    s->onset = a->onset;
    s->last_at = a->last_at;
    int32_t k = (int32_t)c->n++;
    vg_status rc = VG_OK;
    for (size_t i = 0; i < a->n_accounts && !rc; i++) {
        int32_t had = idset_get(&c->of, a->accounts[i]);
        if (had < 0 || c->seen[had].last_at <= s->last_at)
            rc = idset_put(&c->of, a->accounts[i], k);
    }
    return rc;
}

/* The batch's replay: every alert noted; with storm_score_min, the final version of each (its
 * whole span, every account) joins the members whose scores are read after the replay. */
static void on_storm(const struct vg_storm_alert *a, void *ud)
{
    struct storms *c = ud;
    if (!c->rc)
        c->rc = storm_note(c, a);
    if (!c->rc && c->scores && a->final)
        c->rc = members_add(&c->members, a, (int32_t)c->n - 1);
}

static vg_status storms_replay(vg_db *db, struct storms *c, uint64_t *alerts)
{
    struct vg_storm_opts o;
    vg_storm_opts_init(&o);
    o.on_alert = on_storm;
    o.ud = c;
    vg_storms *s = NULL;
    vg_status rc = vg_storms_new(&o, &s);
    if (!rc)
        rc = vg_storms_replay(db, VG_TIME_UNKNOWN, VG_TIME_UNKNOWN, s, NULL);
    struct vg_storms_stats stats = { 0 };
    if (s)
        vg_storms_stats(s, &stats);
    *alerts = stats.alerts;
    vg_storms_free(s);
    return rc ? rc : c->rc;
}

static void storms_release(struct storms *c)
{
    for (size_t i = 0; i < c->n; i++)
        vg_free(c->seen[i].hashtag);
    vg_free(c->seen);
    idset_release(&c->of);
    for (size_t i = 0; i < c->n_best; i++)
        vg_free(c->best[i].post);
    vg_free(c->best);
    idset_release(&c->best_of);
    vg_buf_release(&c->members);
}

/* ---- applying ------------------------------------------------------------------------------- */

struct rule_count {
    int64_t matched, opened, would_open, already, decided, upheld, no_action;
    int64_t auto_decided; /* cases this rule opened and decided by itself ("decide") */
};

/* Targets under a case, for backtests and "would open" (hash -> latest action). */
struct cased {
    struct idset all, decided, upheld;
};

struct apply {
    vg_db *db;
    const vg_rules *rules;
    enum vg_rules_mode mode;
    const struct vg_store_queue_ops *ops;
    void *st;
    vg_network *net;
    struct storms storms;
    struct cased cased_posts, cased_accounts;
    int64_t reference, now, run_id;
    int64_t posts, matched_posts, accounts, matched_accounts, opened, would_open, already;
    struct rule_count count[RULES_MAX];
    struct vg_buf json;
    int storms_known;           /* storm membership is known (signals say storm_member) */
    unsigned char *skip;        /* NULL, or 1 for each rule not applied (live: vg_rules_live) */
    int64_t last_case;          /* the case apply_rules opened last, 0 none */
    int last_rule, last_urgent; /* the rule that opened it, its lane */
};

/* A post or an account as the rules see it: its case's target, the rules of its kind and the
 * targets of its kind already under a case. */
struct target {
    const char *type, *id, *account;
    int account_rules;
    const struct cased *cased;
    int64_t *matched; /* matched_posts or matched_accounts */
};

static struct target account_target(struct apply *a, const char *account)
{
    return (struct target){
        .type = "account",
        .id = account,
        .account = account,
        .account_rules = 1,
        .cased = &a->cased_accounts,
        .matched = &a->matched_accounts,
    };
}

static vg_status note_target(const char *type, const char *target, const char *action, void *ud)
{
    struct apply *a = ud;
    struct cased *c = !strcmp(type, "post") ? &a->cased_posts : &a->cased_accounts;
    vg_status rc = idset_add(&c->all, target);
    if (!rc && action)
        rc = idset_add(&c->decided, target);
    if (!rc && action && strcmp(action, "no_action"))
        rc = idset_add(&c->upheld, target);
    return rc;
}

static void cased_release(struct cased *c)
{
    idset_release(&c->all);
    idset_release(&c->decided);
    idset_release(&c->upheld);
}

static const char *category_name(int k)
{
    static const char *const names[] = {
#define VG__TCO_NAME2(name, letter, text) text,
        VG_TCO_MAP(VG__TCO_NAME2)
#undef VG__TCO_NAME2
    };
    return k >= 0 && k < VG_TCO__COUNT ? names[k] : "?";
}

static vg_status rules_json(struct apply *a, const int *hits, struct vg_buf *b)
{
    vg_status rc = vg_buf_puts(b, ",\"rules\":[");
    for (int i = 0, n = 0; !rc && i < a->rules->n; i++)
        if (hits[i])
            rc = vg_buf_printf(b, "%s\"%s\"", n++ ? "," : "", a->rules->r[i].name);
    return rc ? rc : vg_buf_puts(b, "]}");
}

/* "name":"value" with value escaped (ids and hashtags come from the data). */
static vg_status json_field(struct vg_buf *b, const char *name, const char *value)
{
    vg_status rc = vg_buf_printf(b, ",\"%s\":", name);
    if (!rc && value)
        rc = vg_buf_json_str(b, value, strlen(value));
    else if (!rc)
        rc = vg_buf_puts(b, "null");
    return rc;
}

/* "storm_score": the account's best-scored post in its storms, when a rule names
 * storm_score_min: its score, the post and the storm (hashtag, onset), or null when none. */
static vg_status storm_score_json(const struct apply *a, const struct signals *s, struct vg_buf *b)
{
    if (!a->rules->needs_storm_scores || !a->storms_known)
        return VG_OK;
    const struct storm_best *best = s->storm ? s->storm_best : NULL;
    if (!best)
        return vg_buf_puts(b, ",\"storm_score\":null");
    const struct storm_seen *st = &a->storms.seen[best->storm];
    vg_status rc = vg_buf_printf(b, ",\"storm_score\":{\"score\":%.6g", best->score);
    if (!rc)
        rc = json_field(b, "post", best->post);
    if (!rc)
        rc = json_field(b, "hashtag", st->hashtag);
    return rc ? rc : vg_buf_printf(b, ",\"onset\":%lld}", (long long)st->onset);
}

/* The signals of a post case as stored with it (and shown in the case view). */
static vg_status post_signals_json(struct apply *a, const struct signals *s, const int *hits,
                                   struct vg_buf *b)
{
    const struct vg_store_signal_row *r = s->row;
    vg_status rc = vg_buf_printf(b, "{\"scored\":%s", r->scored ? "true" : "false");
    if (!rc && r->scored)
        rc = vg_buf_printf(b, ",\"post_score\":%.6g,\"threat\":%.6g,\"escalate\":%s", r->score,
                           r->threat, r->escalate ? "true" : "false");
    if (!rc)
        rc = vg_buf_puts(b, ",\"categories\":[");
    for (int k = 0, n = 0; !rc && k < VG_TCO__COUNT; k++)
        if (r->categories & (1u << k))
            rc = vg_buf_printf(b, "%s\"%s\"", n++ ? "," : "", category_name(k));
    if (!rc)
        rc = vg_buf_printf(b,
                           "],\"exempt\":%u,\"hash_matches\":%lld,\"text_matches\":%lld,"
                           "\"url_matches\":%lld,\"list_hits\":%lld,\"followers\":%lld",
                           r->exempt, (long long)r->hash_matches, (long long)r->text_matches,
                           (long long)r->url_matches, (long long)r->list_hits,
                           (long long)r->followers);
    if (!rc && r->return_score >= 0)
        rc = vg_buf_printf(b, ",\"return_score\":%.6g", r->return_score);
    if (!rc && s->account_score >= 0)
        rc = vg_buf_printf(b, ",\"account_score\":%.6g", s->account_score);
    if (!rc && a->storms_known)
        rc = vg_buf_printf(b, ",\"storm_member\":%s", s->storm ? "true" : "false");
    if (!rc)
        rc = storm_score_json(a, s, b);
    return rc ? rc : rules_json(a, hits, b);
}

/* The signals of an account case: why the account is there (its return link with the evidence's
 * kinds, its network score, its latest storm), as stored with it and shown in the case view. */
static vg_status account_signals_json(struct apply *a, const struct signals *s, const int *hits,
                                      struct vg_buf *b)
{
    const struct vg_store_account_row *r = s->acct;
    vg_status rc = vg_buf_printf(b, "{\"followers\":%lld,\"suspended\":%s", (long long)r->followers,
                                 r->suspended ? "true" : "false");
    if (!rc && r->return_score >= 0) {
        rc = vg_buf_printf(b, ",\"return_score\":%.6g,\"return_link\":{\"score\":%.6g",
                           r->return_score, r->return_score);
        if (!rc)
            rc = json_field(b, "replaces", r->replaces);
        if (!rc)
            rc = json_field(b, "persona", r->persona);
        if (!rc)
            rc = vg_buf_printf(b, ",\"linked_at\":%lld,\"evidence\":%s}", (long long)r->linked_at,
                               r->evidence_kinds ? r->evidence_kinds : "[]");
    }
    if (!rc && s->account_score >= 0)
        rc = vg_buf_printf(b, ",\"account_score\":%.6g", s->account_score);
    if (!rc && a->storms_known)
        rc = vg_buf_printf(b, ",\"storm_member\":%s", s->storm ? "true" : "false");
    if (!rc && s->storm) {
        rc = vg_buf_puts(b, ",\"storm\":{\"hashtag\":");
        if (!rc)
            rc = vg_buf_json_str(b, s->storm->hashtag, strlen(s->storm->hashtag));
        if (!rc)
            rc = vg_buf_printf(b, ",\"onset\":%lld,\"last_at\":%lld}", (long long)s->storm->onset,
                               (long long)s->storm->last_at);
    }
    if (!rc)
        rc = storm_score_json(a, s, b);
    return rc ? rc : rules_json(a, hits, b);
}

/* When an account's signals were last seen: its link or its storm, whichever is later, else its
 * newest post; the freshness of its case counts from there (unknown: fresh). */
static int64_t account_signal_at(const struct apply *a, const struct signals *s)
{
    int64_t at = VG_TIME_UNKNOWN;
    if (s->acct->return_score >= 0)
        at = s->acct->linked_at;
    if (s->storm && (at == VG_TIME_UNKNOWN || s->storm->last_at > at))
        at = s->storm->last_at;
    if (at == VG_TIME_UNKNOWN)
        at = s->acct->last_post;
    return at == VG_TIME_UNKNOWN ? a->reference : at;
}

static vg_status open_case(struct apply *a, const struct signals *s, const struct target *t,
                           const int *hits, int first, int urgent, int64_t *case_id, int *created)
{
    vg_buf_reset(&a->json);
    vg_status rc = s->row ? post_signals_json(a, s, hits, &a->json)
                          : account_signals_json(a, s, hits, &a->json);
    if (rc)
        return rc;
    int64_t at = s->row ? s->row->at : account_signal_at(a, s);
    struct vg_store_case c = {
        .target_type = t->type,
        .target = t->id,
        .account = t->account,
        .lane = urgent ? "urgent" : "normal",
        .lane_rank = urgent ? VG_LANE_URGENT : VG_LANE_NORMAL,
        .risk = s->row ? vg__case_risk(s->row, s->account_score)
                       : vg__case_account_risk(s->return_score, s->account_score, !!s->storm),
        .reach = vg__case_reach(s->followers),
        .freshness = vg__case_freshness(at, a->reference),
        .source = "rule",
        .rule = a->rules->r[first].name,
        .signals = a->json.data,
        .at = a->now,
    };
    c.priority = c.risk * c.reach * c.freshness;
    if ((rc = a->ops->case_open(a->st, &c, case_id, created)))
        return rc;
    for (int i = 0; !rc && i < a->rules->n; i++)
        if (hits[i] && !a->rules->r[i].shadow)
            rc = a->ops->case_source_add(a->st, *case_id, "rule", a->rules->r[i].name, a->now);
    return rc;
}

/* Count what rule i does with a target it matched and record a shadow hit. */
static vg_status rule_matched(struct apply *a, int i, const struct target *t, int is_cased)
{
    const struct rule *r = &a->rules->r[i];
    struct rule_count *n = &a->count[i];
    n->matched++;
    int shadow = r->shadow || a->mode != VG_RULES_RUN;
    if (is_cased) {
        n->already++;
        if (idset_has(&t->cased->decided, t->id)) {
            n->decided++;
            if (idset_has(&t->cased->upheld, t->id))
                n->upheld++;
            else
                n->no_action++;
        }
    } else if (shadow) {
        n->would_open++;
    } else {
        n->opened++;
    }
    /* rule_shadow.target is the post, or the account for an account rule (docs/cases.md). A
     * backtest writes nothing, nor does live application (no run: run_id 0). */
    if (shadow && a->mode != VG_RULES_BACKTEST && a->run_id)
        return a->ops->rule_shadow_insert(a->st, a->run_id, r->name, t->id, !is_cased);
    return VG_OK;
}

/* The rules of the target's kind over its signals: counts, shadow hits, and its case opened
 * (and decided, when the rule that opened it says so) unless it has one. */
static vg_status apply_rules(struct apply *a, const struct signals *s, const struct target *t)
{
    int hits[RULES_MAX] = { 0 }, any = 0, live = -1, urgent = 0;
    int is_cased = idset_has(&t->cased->all, t->id);
    for (int i = 0; i < a->rules->n; i++) {
        const struct rule *r = &a->rules->r[i];
        if (r->account != t->account_rules || (a->skip && a->skip[i]) || !cond_holds(&r->when, s))
            continue;
        hits[i] = any = 1;
        vg_status rc = rule_matched(a, i, t, is_cased);
        if (rc)
            return rc;
        if (!r->shadow && a->mode == VG_RULES_RUN) {
            if (live < 0)
                live = i;
            urgent |= r->urgent;
        }
    }
    if (!any)
        return VG_OK;
    (*t->matched)++;
    if (is_cased) {
        a->already++;
        return VG_OK;
    }
    if (live < 0) {
        a->would_open++;
        return VG_OK;
    }
    a->opened++;
    int64_t id, decision;
    int created;
    vg_status rc = open_case(a, s, t, hits, live, urgent, &id, &created);
    if (!rc && created) {
        a->last_case = id;
        a->last_rule = live;
        a->last_urgent = urgent;
    }
    /* The rule that opened the case decides it by itself when it says so ("decide"). */
    const struct rule *opener = &a->rules->r[live];
    if (!rc && created && opener->decide &&
        !(rc = vg__case_decide_by_rule(a->db, opener->name, id, &opener->decide->in, &decision)))
        a->count[live].auto_decided++;
    return rc;
}

static double account_score_of(const struct apply *a, const char *account)
{
    size_t i = a->net ? vg_network_find(a->net, account) : (size_t)-1;
    return i != (size_t)-1 ? vg_network_score_of(a->net, i) : -1;
}

static const struct storm_seen *storm_of(const struct apply *a, const char *account)
{
    int32_t k = idset_get(&a->storms.of, account);
    return k >= 0 ? &a->storms.seen[k] : NULL;
}

static const struct storm_best *storm_best_of(const struct apply *a, const char *account)
{
    int32_t k = idset_get(&a->storms.best_of, account);
    return k >= 0 ? &a->storms.best[k] : NULL;
}

static vg_status on_post(const struct vg_store_signal_row *row, void *ud)
{
    struct apply *a = ud;
    struct signals s = {
        .row = row,
        .return_score = row->return_score,
        .followers = row->followers,
        .account_score = account_score_of(a, row->account),
        .storm = storm_of(a, row->account),
        .storm_best = storm_best_of(a, row->account),
    };
    struct target t = {
        .type = "post",
        .id = row->post,
        .account = row->account,
        .cased = &a->cased_posts,
        .matched = &a->matched_posts,
    };
    a->posts++;
    return apply_rules(a, &s, &t);
}

/* What the account rules read of an account's row; account_score -1 when unknown. */
static struct signals account_signals(struct apply *a, const struct vg_store_account_row *row,
                                      double account_score)
{
    return (struct signals){
        .acct = row,
        .return_score = row->return_score,
        .followers = row->followers,
        .account_score = account_score,
        .storm = storm_of(a, row->account),
        .storm_best = storm_best_of(a, row->account),
        .suspended = row->suspended,
    };
}

static vg_status on_account(const struct vg_store_account_row *row, void *ud)
{
    struct apply *a = ud;
    struct signals s = account_signals(a, row, account_score_of(a, row->account));
    struct target t = account_target(a, row->account);
    a->accounts++;
    return apply_rules(a, &s, &t);
}

static const char *mode_name(enum vg_rules_mode m)
{
    return m == VG_RULES_RUN ? "run" : m == VG_RULES_SHADOW ? "shadow" : "backtest";
}

static vg_status summary_json(struct apply *a, double seconds, uint64_t storm_alerts,
                              struct vg_buf *b)
{
    vg_buf_reset(b);
    vg_status rc = vg_buf_printf(b, "{\"mode\":\"%s\",\"rules\":[", mode_name(a->mode));
    for (int i = 0; !rc && i < a->rules->n; i++) {
        const struct rule *r = &a->rules->r[i];
        const struct rule_count *n = &a->count[i];
        rc = vg_buf_printf(b,
                           "%s{\"name\":\"%s\",%s\"lane\":\"%s\",\"shadow\":%s,\"matched\":%lld,"
                           "\"opened\":%lld,\"would_open\":%lld,\"already_cased\":%lld,"
                           "\"decided\":%lld,\"upheld\":%lld,\"no_action\":%lld",
                           i ? "," : "", r->name, r->account ? "\"target\":\"account\"," : "",
                           r->urgent ? "urgent" : "normal", r->shadow ? "true" : "false",
                           (long long)n->matched, (long long)n->opened, (long long)n->would_open,
                           (long long)n->already, (long long)n->decided, (long long)n->upheld,
                           (long long)n->no_action);
        if (!rc && r->decide)
            rc = vg_buf_printf(b, ",\"decides\":\"%s\",\"auto_decided\":%lld", r->decide->action,
                               (long long)n->auto_decided);
        if (!rc)
            rc = vg_buf_putc(b, '}');
    }
    if (!rc)
        rc = vg_buf_printf(b,
                           "],\"posts\":%lld,\"matched_posts\":%lld,\"opened\":%lld,"
                           "\"would_open\":%lld,\"already_cased\":%lld",
                           (long long)a->posts, (long long)a->matched_posts, (long long)a->opened,
                           (long long)a->would_open, (long long)a->already);
    if (!rc && a->rules->n_account)
        rc = vg_buf_printf(b, ",\"accounts\":%lld,\"matched_accounts\":%lld",
                           (long long)a->accounts, (long long)a->matched_accounts);
    if (!rc && a->net)
        rc = vg_buf_printf(b, ",\"accounts_scored\":%zu", vg_network_size(a->net));
    if (!rc && a->rules->needs_storms)
        rc = vg_buf_printf(b, ",\"storm_alerts\":%llu,\"storm_accounts\":%zu",
                           (unsigned long long)storm_alerts, a->storms.of.n);
    if (!rc)
        rc = vg_buf_printf(b, ",\"seconds\":%.3f}", seconds);
    return rc;
}

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static vg_status load_account_signals(struct apply *a, uint64_t *storm_alerts)
{
    vg_status rc = VG_OK;
    if (a->rules->needs_network) {
        if ((rc = vg_network_load(a->db, NULL, &a->net)) || (rc = vg_network_score(a->db, a->net)))
            return rc;
    }
    if (a->rules->needs_storms)
        rc = storms_replay(a->db, &a->storms, storm_alerts);
    return rc;
}

vg_status vg_rules_apply(vg_db *db, const struct vg_actor *by, const vg_rules *rules,
                         enum vg_rules_mode mode, char **summary)
{
    *summary = NULL;
    if (!db || !by || !rules || mode < VG_RULES_RUN || mode > VG_RULES_BACKTEST)
        return VG_EINVAL;
    struct apply *a = vg_calloc(1, sizeof(*a));
    if (!a)
        return VG_ENOMEM;
    a->db = db;
    a->rules = rules;
    a->mode = mode;
    a->now = (int64_t)time(NULL);
    a->storms_known = rules->needs_storms;
    a->storms.scores = rules->needs_storm_scores;
    vg_buf_init(&a->storms.members, MEMBERS_MAX);
    vg_buf_init(&a->json, 1u << 20);
    struct vg_buf out;
    vg_buf_init(&out, 1u << 20);
    double t0 = mono();
    uint64_t storm_alerts = 0;
    int in_txn = 0;
    vg_status rc = load_account_signals(a, &storm_alerts);
    if (rc)
        goto fail;
    a->ops = vg__db_queue(db, &a->st);
    if ((rc = members_score(a->ops, a->st, &a->storms)) ||
        (rc = a->ops->latest_post(a->st, &a->reference)))
        goto fail;
    if (a->reference == VG_TIME_UNKNOWN)
        a->reference = a->now;
    if ((rc = a->ops->targets_scan(a->st, note_target, a)))
        goto fail;
    if (mode != VG_RULES_BACKTEST) {
        /* One transaction: the cases, the shadow hits, the run's row and its audit entry. */
        if ((rc = vg__db_txn_begin(db)))
            goto fail;
        in_txn = 1;
        if ((rc = a->ops->rule_run_insert(a->st, a->now, mode_name(mode), "{}", &a->run_id)))
            goto fail;
    }
    if (rules->n_post && (rc = a->ops->signals_scan(a->st, on_post, a)))
        goto fail;
    if (rules->n_account &&
        (rc = a->ops->account_signals_scan(a->st, rules->all_accounts, on_account, a)))
        goto fail;
    if ((rc = summary_json(a, mono() - t0, storm_alerts, &out)))
        goto fail;
    if (in_txn) {
        char object[40];
        snprintf(object, sizeof(object), "rule_run:%lld", (long long)a->run_id);
        if ((rc = a->ops->rule_run_finish(a->st, a->run_id, out.data)) ||
            (rc = vg__audit_append_txn(db, by, "rules.run", object, out.data)) ||
            (rc = vg__db_txn_commit(db)))
            goto fail;
        in_txn = 0;
    }
    *summary = vg_buf_take(&out);
fail:
    if (in_txn)
        vg__db_txn_rollback(db);
    vg_buf_release(&out);
    vg_buf_release(&a->json);
    vg_network_free(a->net);
    storms_release(&a->storms);
    cased_release(&a->cased_posts);
    cased_release(&a->cased_accounts);
    vg_free(a);
    return rc;
}

/* ---- live: the account rules as links and storm alerts are made (docs/cases.md, "Live") ------ */

/* Live storm scores: a post of the ingest with a hashtag, scoring at least the lowest
 * storm_score_min of the rules; one per hashtag, chained per account (next: the account's previous
 * one, -1 none). */
struct live_tagged {
    uint64_t tag; /* hash of the normalised hashtag */
    int64_t at;
    double score;
    char *post;
    int32_t next;
};

#define LIVE_TAGGED_MAX (1u << 24)

struct vg_rules_live {
    struct apply a;
    struct idset tagged_of; /* account -> its latest live_tagged */
    struct live_tagged *tagged;
    size_t n_tagged, cap_tagged;
    unsigned char skip[RULES_MAX]; /* rules left to vg_rules_apply */
    struct vg_actor by;
    vg_rules_live_case_fn on_case;
    void *ud;
    struct vg_rules_live_stats stats;
    const char *trigger; /* "link" or "storm": what named the account being read */
    int64_t at;          /* the link's or alert's stream time */
};

/* 1 when the condition (or one of its any branches) names storm membership. */
static int cond_names_storms(const struct rule_cond *c)
{
    if (c->storm_member >= 0 || c->storm_score_min >= 0)
        return 1;
    for (int i = 0; i < c->n_any; i++)
        if (cond_names_storms(c->any[i]))
            return 1;
    return 0;
}

vg_status vg_rules_live_open(vg_db *db, const struct vg_actor *by, const vg_rules *rules,
                             int storms, vg_rules_live_case_fn on_case, void *ud,
                             vg_rules_live **out)
{
    if (!out)
        return VG_EINVAL;
    *out = NULL;
    if (!db || !by || !rules)
        return VG_EINVAL;
    struct vg_rules_live *l = vg_calloc(1, sizeof(*l));
    if (!l)
        return VG_ENOMEM;
    struct apply *a = &l->a;
    a->db = db;
    a->rules = rules;
    a->mode = VG_RULES_RUN;
    a->now = (int64_t)time(NULL);
    a->storms_known = rules->needs_storms && storms;
    a->skip = l->skip;
    vg_buf_init(&a->json, 1u << 20);
    l->by = *by;
    l->on_case = on_case;
    l->ud = ud;
    /* Post rules wait for `rules run` (a post is not what a link or an alert names); a rule
     * naming storms without a live storm detector would judge every account as in no storm.
     * Shadow rules are applied (a case lists every rule that matched, shadow ones too) but
     * write no rule_shadow row: those belong to a run (rule_matched). */
    for (int i = 0; i < rules->n; i++) {
        const struct rule *r = &rules->r[i];
        l->skip[i] = !r->account || (!storms && cond_names_storms(&r->when));
        l->stats.rules += !l->skip[i];
    }
    a->ops = vg__db_queue(db, &a->st);
    vg_status rc = a->ops->latest_post(a->st, &a->reference);
    if (!rc)
        rc = a->ops->targets_scan(a->st, note_target, a);
    if (rc) {
        vg_rules_live_free(l);
        return rc;
    }
    *out = l;
    return VG_OK;
}

/* Cases decided by their rules so far, all rules together. */
static int64_t auto_decided(const struct apply *a)
{
    int64_t n = 0;
    for (int i = 0; i < a->rules->n; i++)
        n += a->count[i].auto_decided;
    return n;
}

/* The account's stored row through the rules; its case opened in one transaction with an
 * audit entry that says what named it. */
static vg_status live_row(const struct vg_store_account_row *row, void *ud)
{
    struct vg_rules_live *l = ud;
    struct apply *a = &l->a;
    /* No account score: a network scoring per link is the batch's (docs/cases.md). */
    struct signals s = account_signals(a, row, -1);
    int any = 0;
    for (int i = 0; i < a->rules->n && !any; i++)
        any = !l->skip[i] && cond_holds(&a->rules->r[i].when, &s);
    if (!any)
        return VG_OK;
    l->stats.matched++;
    struct target t = account_target(a, row->account);
    int64_t decided_before = auto_decided(a);
    a->last_case = 0;
    vg_status rc = vg__db_txn_begin(a->db);
    if (rc)
        return rc;
    if ((rc = apply_rules(a, &s, &t)))
        goto fail;
    if (a->last_case) {
        char object[40], detail[256];
        snprintf(object, sizeof(object), "case:%lld", (long long)a->last_case);
        snprintf(detail, sizeof(detail), "{\"rule\":\"%s\",\"trigger\":\"%s\",\"at\":%lld}",
                 a->rules->r[a->last_rule].name, l->trigger, (long long)l->at);
        if ((rc = vg__audit_append_txn(a->db, &l->by, "rules.live", object, detail)))
            goto fail;
    }
    if ((rc = vg__db_txn_commit(a->db)))
        return rc;
    if (!a->last_case)
        return VG_OK;
    if ((rc = idset_add(&a->cased_accounts.all, row->account)))
        return rc;
    int64_t decided_after = auto_decided(a);
    l->stats.queued++;
    l->stats.auto_decided += (uint64_t)(decided_after - decided_before);
    if (l->on_case) {
        const struct rule *opener = &a->rules->r[a->last_rule];
        struct vg_rules_live_case c = {
            .case_id = a->last_case,
            .account = row->account,
            .rule = opener->name,
            .lane = a->last_urgent ? "urgent" : "normal",
            .trigger = l->trigger,
            .at = l->at,
            .decided = decided_after > decided_before ? opener->decide->action : NULL,
        };
        l->on_case(&c, l->ud);
    }
    return VG_OK;
fail:
    vg__db_txn_rollback(a->db);
    return rc;
}

static vg_status live_account(struct vg_rules_live *l, const char *account)
{
    struct apply *a = &l->a;
    l->stats.accounts++;
    if (idset_has(&a->cased_accounts.all, account)) {
        l->stats.already_cased++;
        return VG_OK;
    }
    return a->ops->account_signals_get(a->st, account, live_row, l);
}

static void live_at(struct vg_rules_live *l, const char *trigger, int64_t at)
{
    l->trigger = trigger;
    l->at = at;
    /* Freshness counts from the latest time the stream has reached, as the batch's counts from
     * the latest stored post. */
    if (at != VG_TIME_UNKNOWN && (l->a.reference == VG_TIME_UNKNOWN || at > l->a.reference))
        l->a.reference = at;
    if (l->a.reference == VG_TIME_UNKNOWN)
        l->a.reference = l->a.now;
}

vg_status vg_rules_live_link(vg_rules_live *l, const char *account, int64_t at)
{
    if (!l || !account)
        return VG_EINVAL;
    l->stats.links++;
    live_at(l, "link", at);
    return live_account(l, account);
}

/* The hash of a hashtag as the store keeps it (normalised); 0 when it cannot be normalised. */
static uint64_t tag_hash(const char *tag)
{
    char *norm = NULL;
    if (vg_text_normalize(tag, strlen(tag), &norm, NULL))
        return 0;
    uint64_t h = vg_hash64(norm, strlen(norm), 0x7a65);
    vg_free(norm);
    return h ? h : 1;
}

/* The best post of each account of alert (k: its index in seen) from `from` on, not cased, among
 * its kept posts on the alert's hashtags within its span: what storm_scores reads in the batch. */
static vg_status live_storm_scores(struct vg_rules_live *l, const struct vg_storm_alert *alert,
                                   int32_t k, size_t from)
{
    struct apply *a = &l->a;
    uint64_t tags[8];
    size_t n_tags = 0;
    for (size_t h = 0; h < alert->n_hashtags && n_tags < VG_ARRAY_LEN(tags); h++)
        if ((tags[n_tags] = tag_hash(alert->hashtags[h])))
            n_tags++;
    vg_status rc = VG_OK;
    for (size_t i = from; i < alert->n_accounts && !rc; i++) {
        const char *account = alert->accounts[i];
        if (idset_has(&a->cased_accounts.all, account))
            continue;
        for (int32_t j = idset_get(&l->tagged_of, account); j >= 0 && !rc; j = l->tagged[j].next) {
            const struct live_tagged *t = &l->tagged[j];
            int on = 0;
            for (size_t h = 0; h < n_tags && !on; h++)
                on = t->tag == tags[h];
            if (on && t->at >= alert->onset && t->at <= alert->last_at)
                rc = best_note(account, k, t->post, t->score, &a->storms);
        }
    }
    return rc;
}

vg_status vg_rules_live_post(vg_rules_live *l, const struct vg_post *post)
{
    if (!l || !post || !post->id || !post->account)
        return VG_EINVAL;
    struct apply *a = &l->a;
    if (!a->storms_known || !a->rules->needs_storm_scores || !post->hashtags.n)
        return VG_OK;
    double score;
    int found;
    vg_status rc = vg__db_post_score(a->db, post->id, &score, &found);
    if (rc || !found || score < a->rules->storm_score_floor)
        return rc;
    for (size_t i = 0; i < post->hashtags.n && !rc; i++) {
        uint64_t tag = tag_hash(post->hashtags.v[i]);
        if (!tag)
            continue;
        if (l->n_tagged == l->cap_tagged) {
            size_t cap = l->cap_tagged ? l->cap_tagged * 2 : 256;
            if (l->cap_tagged >= LIVE_TAGGED_MAX)
                return VG_ELIMIT;
            struct live_tagged *t = vg_realloc(l->tagged, cap * sizeof(*t));
            if (!t)
                return VG_ENOMEM;
            l->tagged = t;
            l->cap_tagged = cap;
        }
        char *copy = vg_strdup(post->id);
        if (!copy)
            return VG_ENOMEM;
        l->tagged[l->n_tagged] = (struct live_tagged){
            .tag = tag,
            .at = post->created_at,
            .score = score,
            .post = copy,
            .next = idset_get(&l->tagged_of, post->account),
        };
        rc = idset_put(&l->tagged_of, post->account, (int32_t)l->n_tagged++);
    }
    return rc;
}

/* The alert's accounts from `from` on through the rules. */
static vg_status live_storm(vg_rules_live *l, const struct vg_storm_alert *alert, size_t from)
{
    struct apply *a = &l->a;
    vg_status rc = VG_OK;
    /* Its accounts' latest storm, as the batch's replay notes every alert. */
    if (a->storms_known && (rc = storm_note(&a->storms, alert)))
        return rc;
    /* Their posts on its hashtags so far, as vg_rules_live_post kept them; an account under a
     * case already is not looked at. An account whose propaganda comes after it joined is
     * judged again when the end alert names it. */
    if (a->storms_known && a->rules->needs_storm_scores &&
        (rc = live_storm_scores(l, alert, (int32_t)a->storms.n - 1, from)))
        return rc;
    live_at(l, "storm", alert->last_at);
    for (size_t i = from; !rc && i < alert->n_accounts; i++)
        rc = live_account(l, alert->accounts[i]);
    return rc;
}

vg_status vg_rules_live_storm(vg_rules_live *l, const struct vg_storm_alert *alert)
{
    if (!l || !alert)
        return VG_EINVAL;
    l->stats.alerts++;
    return live_storm(l, alert, 0);
}

vg_status vg_rules_live_storm_join(vg_rules_live *l, const struct vg_storm_alert *alert,
                                   size_t from)
{
    if (!l || !alert || from > alert->n_accounts)
        return VG_EINVAL;
    l->stats.joins++;
    return live_storm(l, alert, from);
}

void vg_rules_live_stats(const vg_rules_live *l, struct vg_rules_live_stats *out)
{
    memset(out, 0, sizeof(*out));
    if (l)
        *out = l->stats;
}

void vg_rules_live_free(vg_rules_live *l)
{
    if (!l)
        return;
    vg_buf_release(&l->a.json);
    storms_release(&l->a.storms);
    for (size_t i = 0; i < l->n_tagged; i++)
        vg_free(l->tagged[i].post);
    vg_free(l->tagged);
    idset_release(&l->tagged_of);
    cased_release(&l->a.cased_posts);
    cased_release(&l->a.cased_accounts);
    vg_free(l);
}
