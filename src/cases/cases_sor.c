/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cases_sor.c: DSA statements of reasons (Art. 17 and 24(5)) in the Transparency Database's
 * schema v2 (field rules: /work/shared/guide/reference/formats-and-law.md section 2.3; docs/
 * cases.md), the batches of at most 100 the database takes in one call, and the DSA counters.
 *
 * A statement is made for each decision that restricts something (label, remove, restrict,
 * geo-restrict, suspend); no_action, reversals and escalations have none. It carries no personal
 * data: no account or post id, no handle, no reviewer; the reviewer's free-text explanation
 * goes through scrub() (handles, e-mail addresses, URLs and long digit runs removed). The puid
 * is "vigie-decision-<id>": making a statement twice stores it once (UNIQUE), so the database's
 * puid check answers "exists" for a resend. Every statement is checked by vg_sor_valid() before
 * it is stored.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "cases.h"
#include "store_queue.h"

#define SOR_BATCH 100

static const char *const eu27[] = { "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES",
                                    "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU",
                                    "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK" };
static const char *const eea_extra[] = { "IS", "LI", "NO" };

static int eea_code(const char *c)
{
    for (size_t i = 0; i < VG_ARRAY_LEN(eu27); i++)
        if (!strcmp(c, eu27[i]))
            return 1;
    for (size_t i = 0; i < VG_ARRAY_LEN(eea_extra); i++)
        if (!strcmp(c, eea_extra[i]))
            return 1;
    return 0;
}

/* ---- personal data ----------------------------------------------------------------------------
 */

static int word_is_personal(const char *w, size_t n)
{
    int digits = 0, run = 0;
    if (n && (w[0] == '@' || w[0] == '#'))
        return w[0] == '@';
    for (size_t i = 0; i < n; i++) {
        if (w[i] == '@' || (i + 2 < n && w[i] == ':' && w[i + 1] == '/' && w[i + 2] == '/'))
            return 1;
        run = isdigit((unsigned char)w[i]) ? run + 1 : 0;
        if (run > digits)
            digits = run;
    }
    if (n > 4 && (!strncmp(w, "www.", 4)))
        return 1;
    return digits >= 6;
}

/* Copy text into b with every personal-looking word replaced by "[removed]". */
vg_status vg__sor_scrub(const char *text, struct vg_buf *b)
{
    vg_status rc = VG_OK;
    const char *p = text;
    while (!rc && *p) {
        size_t sp = strspn(p, " \t\r\n");
        if (sp) {
            rc = vg_buf_putc(b, ' ');
            p += sp;
            continue;
        }
        size_t n = strcspn(p, " \t\r\n");
        rc = word_is_personal(p, n) ? vg_buf_puts(b, "[removed]") : vg_buf_append(b, p, n);
        p += n;
    }
    return rc;
}

/* ---- making a statement --------------------------------------------------------------------- */

static void ymd(int64_t t, char out[11])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static const char *str_of(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double num_of(const cJSON *o, const char *k, double def)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : def;
}

static int add_str_array(cJSON *o, const char *k, const char *const *v, size_t n)
{
    cJSON *a = cJSON_AddArrayToObject(o, k);
    for (size_t i = 0; a && i < n; i++)
        if (!cJSON_AddItemToArray(a, cJSON_CreateString(v[i])))
            return 0;
    return a != NULL;
}

/* The measure of an action: 1 when it has one (else no statement). */
static int add_measure(cJSON *s, const char *action)
{
    const char *vis = NULL;
    if (!strcmp(action, "label"))
        vis = "DECISION_VISIBILITY_CONTENT_LABELLED";
    else if (!strcmp(action, "remove_post"))
        vis = "DECISION_VISIBILITY_CONTENT_REMOVED";
    else if (!strcmp(action, "restrict_visibility"))
        vis = "DECISION_VISIBILITY_CONTENT_DEMOTED";
    else if (!strcmp(action, "geo_restrict"))
        vis = "DECISION_VISIBILITY_CONTENT_DISABLED";
    if (vis)
        return add_str_array(s, "decision_visibility", &vis, 1);
    if (!strcmp(action, "suspend_account"))
        return cJSON_AddStringToObject(s, "decision_account", "DECISION_ACCOUNT_SUSPENDED") &&
               cJSON_AddStringToObject(s, "decision_provision",
                                       "DECISION_PROVISION_TOTAL_SUSPENSION");
    return 0;
}

static const char *source_type(const char *source, const char *lane)
{
    if (lane && !strcmp(lane, "removal_order"))
        return "SOURCE_TYPE_OTHER_NOTIFICATION";
    if (source && !strcmp(source, "notice"))
        return "SOURCE_TRUSTED_FLAGGER";
    return "SOURCE_VOLUNTARY"; /* rules and staff reports: own initiative */
}

static int add_scope(cJSON *s, const cJSON *jur)
{
    cJSON *a = cJSON_AddArrayToObject(s, "territorial_scope");
    if (!a)
        return 0;
    const cJSON *j;
    int any = 0;
    cJSON_ArrayForEach(j, jur)
    {
        if (!cJSON_IsString(j))
            continue;
        if (!strcmp(j->valuestring, "EU")) {
            for (size_t i = 0; i < VG_ARRAY_LEN(eu27); i++)
                cJSON_AddItemToArray(a, cJSON_CreateString(eu27[i]));
            any = 1;
        } else if (eea_code(j->valuestring)) {
            cJSON_AddItemToArray(a, cJSON_CreateString(j->valuestring));
            any = 1;
        }
    }
    if (!any) /* no EEA code in a geo-restriction, or none given: the measure is EU-wide */
        for (size_t i = 0; i < VG_ARRAY_LEN(eu27); i++)
            cJSON_AddItemToArray(a, cJSON_CreateString(eu27[i]));
    return 1;
}

static char *scrubbed(const char *text, const char *def)
{
    struct vg_buf b;
    vg_buf_init(&b, 8192);
    if (!text || !*text || vg__sor_scrub(text, &b) != VG_OK || b.len == 0) {
        vg_buf_reset(&b);
        if (vg_buf_puts(&b, def) != VG_OK) {
            vg_buf_release(&b);
            return NULL;
        }
    }
    return vg_buf_take(&b);
}

/* The statement of decision d (its vg_decision_json object); NULL when the action has none. */
static cJSON *statement_of(const cJSON *d, int64_t id)
{
    const char *action = str_of(d, "action");
    if (!action || cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(d, "reverses")))
        return NULL;
    cJSON *s = cJSON_CreateObject();
    if (!s)
        return NULL;
    if (!add_measure(s, action)) {
        cJSON_Delete(s);
        return NULL;
    }
    int illegal = !strcmp(str_of(d, "ground") ? str_of(d, "ground") : "", "illegal_content");
    char *expl = scrubbed(str_of(d, "explanation"),
                          "Content of a terrorist organisation or glorifying terrorist violence.");
    const char *legal = str_of(d, "legal_ground");
    if (illegal) {
        cJSON_AddStringToObject(s, "decision_ground", "DECISION_GROUND_ILLEGAL_CONTENT");
        cJSON_AddStringToObject(s, "decision_ground_reference_url",
                                "https://eur-lex.europa.eu/eli/reg/2021/784/oj");
        cJSON_AddStringToObject(s, "illegal_content_legal_ground",
                                legal && *legal ? legal : "Regulation (EU) 2021/784 Art. 2(7)");
        cJSON_AddStringToObject(s, "illegal_content_explanation", expl ? expl : "");
    } else {
        cJSON_AddStringToObject(s, "decision_ground", "DECISION_GROUND_INCOMPATIBLE_CONTENT");
        cJSON_AddStringToObject(s, "incompatible_content_ground",
                                legal && *legal ? legal : "Terms of service: violent extremism");
        cJSON_AddStringToObject(s, "incompatible_content_explanation", expl ? expl : "");
    }
    vg_free(expl);
    const cJSON *media = cJSON_GetObjectItemCaseSensitive(d, "has_media");
    const char *types[2] = { "CONTENT_TYPE_TEXT", "CONTENT_TYPE_IMAGE" };
    add_str_array(s, "content_type", types, cJSON_IsNumber(media) && media->valueint ? 2 : 1);
    cJSON_AddStringToObject(s, "category", "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY");
    unsigned cats = (unsigned)num_of(d, "categories", 0);
    int violent = (cats & (1u << VG_TCO_INCITEMENT)) || (cats & (1u << VG_TCO_THREAT));
    const char *kw[2] = { "KEYWORD_TERRORIST_CONTENT", "KEYWORD_INCITEMENT_VIOLENCE_HATRED" };
    if (violent) {
        const char *add = "STATEMENT_CATEGORY_VIOLENCE";
        add_str_array(s, "category_addition", &add, 1);
    }
    add_str_array(s, "category_specification", kw, violent ? 2 : 1);
    add_scope(s, cJSON_GetObjectItemCaseSensitive(d, "jurisdictions"));
    const char *lang = str_of(d, "lang");
    if (lang && strlen(lang) == 2 && islower((unsigned char)lang[0]) &&
        islower((unsigned char)lang[1])) {
        char up[3] = { (char)toupper((unsigned char)lang[0]), (char)toupper((unsigned char)lang[1]),
                       0 };
        cJSON_AddStringToObject(s, "content_language", up);
    }
    int64_t posted = (int64_t)num_of(d, "post_created_at", num_of(d, "case_created_at", 0));
    if (posted < 946684800) /* 2000-01-01, the earliest date the database takes */
        posted = (int64_t)num_of(d, "case_created_at", 946684800);
    int64_t applied = (int64_t)num_of(d, "enforce_at", 0);
    char date[11];
    ymd(posted, date);
    cJSON_AddStringToObject(s, "content_date", date);
    ymd(applied, date);
    cJSON_AddStringToObject(s, "application_date", date);
    const char *src = str_of(d, "source"), *lane = str_of(d, "lane");
    char facts[400];
    snprintf(facts, sizeof(facts),
             "The content was %s and reviewed by the moderation team, which decided: %s.",
             src && !strcmp(src, "notice") ? "reported in a notice of a trusted flagger"
             : src && !strcmp(src, "rule") ? "detected by automated rules (classifier scores, "
                                             "known-content matches, network signals)"
             : lane && !strcmp(lane, "removal_order") ? "named in a removal order"
                                                      : "reported by staff",
             action);
    cJSON_AddStringToObject(s, "decision_facts", facts);
    cJSON_AddStringToObject(s, "source_type", source_type(src, lane));
    cJSON_AddStringToObject(s, "automated_detection", src && !strcmp(src, "rule") ? "Yes" : "No");
    const cJSON *au = cJSON_GetObjectItemCaseSensitive(d, "automated");
    cJSON_AddStringToObject(s, "automated_decision",
                            cJSON_IsNumber(au) && au->valueint
                                    ? "AUTOMATED_DECISION_FULLY"
                                    : "AUTOMATED_DECISION_NOT_AUTOMATED");
    char puid[48];
    snprintf(puid, sizeof(puid), "vigie-decision-%lld", (long long)id);
    cJSON_AddStringToObject(s, "puid", puid);
    return s;
}

vg_status vg__sor_make_one(vg_db *db, int64_t decision, int *made)
{
    *made = 0;
    void *st;
    const struct vg_store_queue_ops *ops = vg__db_queue(db, &st);
    struct vg_buf b;
    vg_buf_init(&b, 1u << 20);
    int found;
    vg_status rc = ops->decision_json(st, decision, &b, &found);
    if (rc || !found)
        goto done;
    cJSON *d = cJSON_ParseWithLength(b.data, b.len);
    if (!d) {
        rc = VG_EDB;
        goto done;
    }
    cJSON *s = statement_of(d, decision);
    cJSON_Delete(d);
    if (!s)
        goto done; /* no measure, no statement */
    char *body = cJSON_PrintUnformatted(s);
    char err[256];
    const char *puid = str_of(s, "puid");
    if (!body) {
        rc = VG_ENOMEM;
    } else if (!vg_sor_valid(body, err, sizeof(err))) {
        VG_LOG_ERR("statement of reasons of decision %lld is invalid: %s", (long long)decision,
                   err);
        rc = VG_EFIELD;
    } else {
        rc = ops->sor_insert(st, decision, puid, body, (int64_t)time(NULL), made);
    }
    cJSON_free(body);
    cJSON_Delete(s);
done:
    vg_buf_release(&b);
    return rc;
}

vg_status vg_sor_make(vg_db *db, const char *platform_name, int64_t *made)
{
    (void)platform_name; /* the database adds the platform from the API token */
    *made = 0;
    void *st;
    const struct vg_store_queue_ops *ops = vg__db_queue(db, &st);
    int64_t ids[256];
    size_t n;
    int64_t after_round = -1;
    vg_status rc;
    do {
        if ((rc = ops->sor_missing(st, (int64_t)VG_ARRAY_LEN(ids), ids, &n)))
            return rc;
        /* Decisions without a measure stay without a statement: stop when a round makes none. */
        int64_t round = 0;
        for (size_t i = 0; i < n; i++) {
            int m;
            if ((rc = vg__sor_make_one(db, ids[i], &m)))
                return rc;
            round += m;
        }
        *made += round;
        if (round == 0 || after_round == ids[n - 1])
            break;
        after_round = ids[n - 1];
    } while (n == VG_ARRAY_LEN(ids));
    return VG_OK;
}

vg_status vg_sor_batch(vg_db *db, int64_t after, int64_t since, char **json, int64_t *last,
                       int64_t *n, int64_t *held)
{
    *json = NULL;
    void *st;
    const struct vg_store_queue_ops *ops = vg__db_queue(db, &st);
    struct vg_buf lines, b;
    vg_buf_init(&lines, 64u << 20);
    vg_buf_init(&b, 64u << 20);
    vg_status rc = ops->sor_export(st, after, since, (int64_t)time(NULL), SOR_BATCH, &lines, last,
                                   n, held);
    if (!rc)
        rc = vg_buf_puts(&b, "{\"statements\":[");
    const char *p = lines.data ? lines.data : "";
    for (int64_t i = 0; !rc && *p; i++) {
        const char *nl = strchr(p, '\n');
        rc = vg_buf_puts(&b, i ? "," : "");
        if (!rc)
            rc = vg_buf_append(&b, p, (size_t)(nl - p));
        p = nl + 1;
    }
    if (!rc)
        rc = vg_buf_puts(&b, "]}");
    if (!rc && !(*json = vg_buf_take(&b)))
        rc = VG_ENOMEM;
    vg_buf_release(&lines);
    vg_buf_release(&b);
    return rc;
}

vg_status vg_dsa_report_json(vg_db *db, int64_t from, int64_t to, char **json)
{
    *json = NULL;
    void *st;
    const struct vg_store_queue_ops *ops = vg__db_queue(db, &st);
    struct vg_buf b;
    vg_buf_init(&b, 1u << 20);
    vg_status rc = vg_buf_printf(&b, "{\"from\":%lld,\"to\":%lld,\"counters\":", (long long)from,
                                 (long long)to);
    if (!rc)
        rc = ops->dsa_json(st, from, to, &b);
    if (!rc)
        rc = vg_buf_puts(&b, ",\"outbox\":");
    if (!rc)
        rc = ops->outbox_counts_json(st, 8, &b);
    if (!rc)
        rc = vg_buf_putc(&b, '}');
    if (!rc && !(*json = vg_buf_take(&b)))
        rc = VG_ENOMEM;
    vg_buf_release(&b);
    return rc;
}

/* ---- validation (StatementStoreRequest's rules, formats-and-law.md 2.3) --------------------- */

static int bad(char *err, size_t cap, const char *field, const char *what)
{
    vg_errf(err, cap, "%s: %s", field, what);
    return 0;
}

static int one_of(const char *v, const char *const *set, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        if (!strcmp(v, set[i]))
            return 1;
    return 0;
}

static int check_enum_array(const cJSON *a, const char *const *set, size_t n)
{
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) == 0)
        return 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, a)
    {
        if (!cJSON_IsString(e) || !one_of(e->valuestring, set, n))
            return 0;
    }
    return 1;
}

static int date_ok(const char *s, const char *min, const char *max)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
            return 0;
    int mo = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
    return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && strcmp(s, min) >= 0 &&
           (!max || strcmp(s, max) <= 0);
}

static int text_max(const cJSON *o, const char *k, size_t max, int required, char *err, size_t cap)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (!v)
        return required ? bad(err, cap, k, "is required") : 1;
    if (!cJSON_IsString(v) || strlen(v->valuestring) > max || !*v->valuestring)
        return bad(err, cap, k, "must be a non-empty string within its length limit");
    return 1;
}

int vg_sor_valid(const char *json, char *err, size_t cap)
{
    static const char *const known[] = { "decision_visibility",
                                         "decision_visibility_other",
                                         "decision_monetary",
                                         "decision_monetary_other",
                                         "decision_provision",
                                         "decision_account",
                                         "account_type",
                                         "decision_ground",
                                         "decision_ground_reference_url",
                                         "illegal_content_legal_ground",
                                         "illegal_content_explanation",
                                         "incompatible_content_ground",
                                         "incompatible_content_explanation",
                                         "incompatible_content_illegal",
                                         "content_type",
                                         "content_type_other",
                                         "category",
                                         "category_addition",
                                         "category_specification",
                                         "category_specification_other",
                                         "territorial_scope",
                                         "content_language",
                                         "content_date",
                                         "application_date",
                                         "end_date_visibility_restriction",
                                         "end_date_monetary_restriction",
                                         "end_date_service_restriction",
                                         "end_date_account_restriction",
                                         "decision_facts",
                                         "source_type",
                                         "source_identity",
                                         "automated_detection",
                                         "automated_decision",
                                         "puid",
                                         "content_id" };
    static const char *const vis[] = { "DECISION_VISIBILITY_CONTENT_REMOVED",
                                       "DECISION_VISIBILITY_CONTENT_DISABLED",
                                       "DECISION_VISIBILITY_CONTENT_DEMOTED",
                                       "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
                                       "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",
                                       "DECISION_VISIBILITY_CONTENT_LABELLED",
                                       "DECISION_VISIBILITY_OTHER" };
    static const char *const account[] = { "DECISION_ACCOUNT_SUSPENDED",
                                           "DECISION_ACCOUNT_TERMINATED" };
    static const char *const provision[] = { "DECISION_PROVISION_PARTIAL_SUSPENSION",
                                             "DECISION_PROVISION_TOTAL_SUSPENSION",
                                             "DECISION_PROVISION_PARTIAL_TERMINATION",
                                             "DECISION_PROVISION_TOTAL_TERMINATION" };
    static const char *const monetary[] = { "DECISION_MONETARY_SUSPENSION",
                                            "DECISION_MONETARY_TERMINATION",
                                            "DECISION_MONETARY_OTHER" };
    static const char *const grounds[] = { "DECISION_GROUND_ILLEGAL_CONTENT",
                                           "DECISION_GROUND_INCOMPATIBLE_CONTENT" };
    static const char *const ctypes[] = { "CONTENT_TYPE_APP",
                                          "CONTENT_TYPE_AUDIO",
                                          "CONTENT_TYPE_IMAGE",
                                          "CONTENT_TYPE_PRODUCT",
                                          "CONTENT_TYPE_SYNTHETIC_MEDIA",
                                          "CONTENT_TYPE_TEXT",
                                          "CONTENT_TYPE_VIDEO",
                                          "CONTENT_TYPE_OTHER" };
    static const char *const cats[] = {
        "STATEMENT_CATEGORY_ANIMAL_WELFARE",
        "STATEMENT_CATEGORY_CONSUMER_INFORMATION",
        "STATEMENT_CATEGORY_CYBER_VIOLENCE",
        "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN",
        "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
        "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
        "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
        "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
        "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE",
        "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
        "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
        "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
        "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
        "STATEMENT_CATEGORY_SELF_HARM",
        "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
        "STATEMENT_CATEGORY_VIOLENCE",
    };
    static const char *const sources[] = { "SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER",
                                           "SOURCE_TYPE_OTHER_NOTIFICATION", "SOURCE_VOLUNTARY" };
    static const char *const yesno[] = { "Yes", "No" };
    static const char *const autod[] = { "AUTOMATED_DECISION_FULLY", "AUTOMATED_DECISION_PARTIALLY",
                                         "AUTOMATED_DECISION_NOT_AUTOMATED" };
    vg_errf(err, cap, "%s", "");
    cJSON *s = json ? cJSON_Parse(json) : NULL;
    int ok = 0;
    if (!cJSON_IsObject(s)) {
        bad(err, cap, "statement", "must be a JSON object");
        goto done;
    }
    const cJSON *f;
    cJSON_ArrayForEach(f, s)
    {
        if (!one_of(f->string, known, VG_ARRAY_LEN(known))) {
            bad(err, cap, f->string, "is not a field of the schema");
            goto done;
        }
    }
#define GET(k) cJSON_GetObjectItemCaseSensitive(s, k)
    const cJSON *v_vis = GET("decision_visibility"), *v_mon = GET("decision_monetary"),
                *v_pro = GET("decision_provision"), *v_acc = GET("decision_account");
    if (!v_vis && !v_mon && !v_pro && !v_acc) {
        bad(err, cap, "decision_visibility",
            "one of decision_visibility, decision_monetary, decision_provision, "
            "decision_account is required");
        goto done;
    }
    if ((v_vis && !check_enum_array(v_vis, vis, VG_ARRAY_LEN(vis))) ||
        (v_mon && !one_of(str_of(s, "decision_monetary"), monetary, VG_ARRAY_LEN(monetary))) ||
        (v_pro && !one_of(str_of(s, "decision_provision"), provision, VG_ARRAY_LEN(provision))) ||
        (v_acc && !one_of(str_of(s, "decision_account"), account, VG_ARRAY_LEN(account)))) {
        bad(err, cap, "decision_*", "a value outside its list");
        goto done;
    }
    const char *ground = str_of(s, "decision_ground");
    if (!one_of(ground, grounds, VG_ARRAY_LEN(grounds))) {
        bad(err, cap, "decision_ground", "is required: ILLEGAL_CONTENT or INCOMPATIBLE_CONTENT");
        goto done;
    }
    int illegal = !strcmp(ground, grounds[0]);
    if (!text_max(s, illegal ? "illegal_content_legal_ground" : "incompatible_content_ground", 500,
                  1, err, cap) ||
        !text_max(s, illegal ? "illegal_content_explanation" : "incompatible_content_explanation",
                  2000, 1, err, cap) ||
        !text_max(s, "decision_facts", 5000, 1, err, cap) ||
        !text_max(s, "decision_ground_reference_url", 500, 0, err, cap))
        goto done;
    if (!check_enum_array(GET("content_type"), ctypes, VG_ARRAY_LEN(ctypes))) {
        bad(err, cap, "content_type", "is required: a list of CONTENT_TYPE_* values");
        goto done;
    }
    if (!one_of(str_of(s, "category"), cats, VG_ARRAY_LEN(cats))) {
        bad(err, cap, "category", "is required: one STATEMENT_CATEGORY_* value of schema v2");
        goto done;
    }
    if (GET("category_addition") &&
        !check_enum_array(GET("category_addition"), cats, VG_ARRAY_LEN(cats))) {
        bad(err, cap, "category_addition", "values must be STATEMENT_CATEGORY_* of schema v2");
        goto done;
    }
    const cJSON *spec = GET("category_specification"), *e;
    if (spec) {
        if (!cJSON_IsArray(spec)) {
            bad(err, cap, "category_specification", "must be a list");
            goto done;
        }
        cJSON_ArrayForEach(e, spec)
        {
            if (!cJSON_IsString(e) || strncmp(e->valuestring, "KEYWORD_", 8)) {
                bad(err, cap, "category_specification", "values must be KEYWORD_*");
                goto done;
            }
        }
    }
    const cJSON *scope = GET("territorial_scope");
    if (scope) {
        if (!cJSON_IsArray(scope)) {
            bad(err, cap, "territorial_scope", "must be a list of EU/EEA country codes");
            goto done;
        }
        cJSON_ArrayForEach(e, scope)
        {
            if (!cJSON_IsString(e) || !eea_code(e->valuestring)) {
                bad(err, cap, "territorial_scope", "values must be EU/EEA alpha-2 codes");
                goto done;
            }
        }
    }
    const char *lang = str_of(s, "content_language");
    if (GET("content_language") && !(lang && strlen(lang) == 2 && isupper((unsigned char)lang[0]) &&
                                     isupper((unsigned char)lang[1]))) {
        bad(err, cap, "content_language", "must be an upper-case ISO 639-1 code");
        goto done;
    }
    if (!date_ok(str_of(s, "content_date"), "2000-01-01", "2038-01-01")) {
        bad(err, cap, "content_date", "is required: YYYY-MM-DD from 2000-01-01 to 2038-01-01");
        goto done;
    }
    if (!date_ok(str_of(s, "application_date"), "2020-01-01", NULL)) {
        bad(err, cap, "application_date", "is required: YYYY-MM-DD from 2020-01-01");
        goto done;
    }
    if (!one_of(str_of(s, "source_type"), sources, VG_ARRAY_LEN(sources))) {
        bad(err, cap, "source_type", "is required: one of the SOURCE_* values");
        goto done;
    }
    if (!one_of(str_of(s, "automated_detection"), yesno, 2)) {
        bad(err, cap, "automated_detection", "is required: \"Yes\" or \"No\"");
        goto done;
    }
    if (!one_of(str_of(s, "automated_decision"), autod, VG_ARRAY_LEN(autod))) {
        bad(err, cap, "automated_decision", "is required: one of the AUTOMATED_DECISION_* values");
        goto done;
    }
    const char *puid = str_of(s, "puid");
    if (!puid || !*puid || strlen(puid) > 500 ||
        strspn(puid, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") !=
                strlen(puid)) {
        bad(err, cap, "puid", "is required: at most 500 of [a-zA-Z0-9-_]");
        goto done;
    }
#undef GET
    ok = 1;
done:
    cJSON_Delete(s);
    return ok;
}
