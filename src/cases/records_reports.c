/* SPDX-License-Identifier: Apache-2.0 */
/*
 * records_reports.c: the TCO Art 7 transparency report of a calendar year (JSON and Markdown)
 * and the series of the monitoring dashboard. Both are computed from what the store holds at
 * the time of the call; a figure the store cannot give (complaints, before the appeals module)
 * is reported as unavailable with the reason, never guessed.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "records.h"

/* ---- the TCO report ------------------------------------------------------------------------ */

struct tco {
    int year;
    int64_t from, to;
    int64_t received, acted, removed, disabled, items, within, annex3_orders, by_reason[4];
    int64_t scrutiny_requested, scrutiny_confirmed, scrutiny_revoked, reinstated;
    int64_t specific_items; /* posts preserved under decisions (audit log) */
    int64_t bank_items, bank_matches;
    struct vg_buf times; /* vg__order_times members */
};

static vg_status count_order(const struct vg_store_order *o, void *ud)
{
    struct tco *t = ud;
    t->received++;
    int removed = !strcmp(o->state, "removed"), disabled = !strcmp(o->state, "disabled");
    if (removed || disabled) {
        t->acted++;
        t->removed += removed;
        t->disabled += disabled;
        t->items += o->n_urls;
        t->within += o->acted_at <= o->clock_start + VG_ORDER_HOUR;
    }
    t->annex3_orders += o->n_annex3 > 0;
    if (o->scrutiny) {
        t->scrutiny_requested++;
        t->scrutiny_confirmed += !strcmp(o->scrutiny, "confirmed");
        t->scrutiny_revoked += !strcmp(o->scrutiny, "revoked");
    }
    t->reinstated += o->reinstated_at != VG_TIME_UNKNOWN;
    return VG_OK;
}

/* Orders per Annex III reason: an order counts once per reason it gave. */
struct reason_count {
    struct tco *t;
    int64_t last_order;
    unsigned seen;
};

static vg_status count_annex3(const struct vg_store_annex3 *a, void *ud)
{
    static const char *const codes[] = { "\"force_majeure\"", "\"de_facto_impossibility\"",
                                         "\"manifest_errors\"", "\"insufficient_information\"" };
    struct reason_count *r = ud;
    if (a->order_id != r->last_order) {
        r->last_order = a->order_id;
        r->seen = 0;
    }
    for (int k = 0; k < 4; k++)
        if (strstr(a->reasons, codes[k]) && !(r->seen & (1u << k))) {
            r->seen |= 1u << k;
            r->t->by_reason[k]++;
        }
    return VG_OK;
}

static vg_status count_specific(const struct vg_audit_entry *e, void *ud)
{
    struct tco *t = ud;
    if (e->at >= t->from && e->at < t->to && !strcmp(e->action, "evidence.preserve") &&
        strstr(e->detail, "\"order\":0,"))
        t->specific_items++;
    return VG_OK;
}

static vg_status tco_compute(vg_db *db, int year, struct tco *t)
{
    memset(t, 0, sizeof(*t));
    vg_buf_init(&t->times, 4096);
    t->year = year;
    char d[16];
    if (year < 1970 || year > 9998)
        return VG_EINVAL;
    snprintf(d, sizeof(d), "%04d-01-01", year);
    vg_status rc = vg_time_parse(d, &t->from);
    snprintf(d, sizeof(d), "%04d-01-01", year + 1);
    rc = rc ? rc : vg_time_parse(d, &t->to);
    if (rc)
        return VG_EINVAL;
    void *st;
    const struct vg_store_records_ops *ops = vg__db_records(db, &st);
    struct reason_count rcnt = { t, 0, 0 };
    rc = ops->orders_scan(st, t->from, t->to, -1, count_order, t);
    rc = rc ? rc : ops->annex3_scan(st, 0, t->from, t->to, count_annex3, &rcnt);
    rc = rc ? rc : vg_audit_list(db, 0, -1, count_specific, t);
    rc = rc ? rc : ops->bank_counts(st, t->from, t->to, &t->bank_matches, &t->bank_items);
    rc = rc ? rc : vg__order_times(db, t->from, t->to, &t->times);
    return rc;
}

static const char *const reason_names[] = { "force_majeure", "de_facto_impossibility",
                                            "manifest_errors", "insufficient_information" };

static const char measures_text[] =
        "Posts are scored by a propaganda classifier with the Art 2(7) categories, accounts by "
        "their content and network; flagged items go to human reviewers, who decide. No content "
        "is removed automatically.";
static const char reappearance_text[] =
        "Removed material is added to banks of known items (perceptual PDQ hashes of images, "
        "exact hashes, near-duplicate text, URLs); new posts are matched against the banks and "
        "matches go to review.";
static const char complaints_why[] =
        "Art 10 complaints and their outcomes are kept by the appeals module, which this store "
        "does not have";

static vg_status tco_json(const struct tco *t, struct vg_buf *b)
{
    char tb[32], tb2[32];
    vg_status rc = vg_buf_printf(
            b,
            "{\"report\":\"TCO transparency report (Regulation (EU) 2021/784, Art 7)\","
            "\"year\":%d,\"period\":{\"from\":\"%s\",\"to\":\"%s\"},",
            t->year, vg_time_format(t->from, tb), vg_time_format(t->to, tb2));
    rc = rc ? rc : vg_buf_printf(b, "\"a_measures\":\"%s\",", measures_text);
    rc = rc ? rc
            : vg_buf_printf(b,
                            "\"b_reappearance\":{\"text\":\"%s\",\"bank_items\":%lld,"
                            "\"bank_matches\":%lld},",
                            reappearance_text, (long long)t->bank_items,
                            (long long)t->bank_matches);
    rc = rc ? rc
            : vg_buf_printf(b,
                            "\"c_removal_orders\":{\"received\":%lld,\"acted_on\":%lld,"
                            "\"removed\":%lld,\"disabled\":%lld,\"items\":%lld,"
                            "\"within_one_hour\":%lld,\"not_executed\":%lld,"
                            "\"not_executed_by_reason\":{",
                            (long long)t->received, (long long)t->acted, (long long)t->removed,
                            (long long)t->disabled, (long long)t->items, (long long)t->within,
                            (long long)t->annex3_orders);
    for (int k = 0; k < 4 && !rc; k++)
        rc = vg_buf_printf(b, "%s\"%s\":%lld", k ? "," : "", reason_names[k],
                           (long long)t->by_reason[k]);
    rc = rc ? rc : vg_buf_printf(b, "},%s},", t->times.data ? t->times.data : "");
    rc = rc ? rc
            : vg_buf_printf(b,
                            "\"c_specific_measures\":{\"items_preserved\":%lld,"
                            "\"source\":\"audit log: evidence preserved without an order\"},",
                            (long long)t->specific_items);
    rc = rc ? rc
            : vg_buf_printf(b, "\"d_complaints\":{\"available\":false,\"why\":\"%s\"},",
                            complaints_why);
    rc = rc ? rc
            : vg_buf_printf(b,
                            "\"e_review\":{\"cross_border_scrutiny\":{\"requested\":%lld,"
                            "\"confirmed\":%lld,\"revoked\":%lld}},",
                            (long long)t->scrutiny_requested, (long long)t->scrutiny_confirmed,
                            (long long)t->scrutiny_revoked);
    rc = rc ? rc
            : vg_buf_printf(b, "\"f_reinstated_after_review\":%lld,", (long long)t->reinstated);
    rc = rc ? rc
            : vg_buf_printf(b,
                            "\"g_reinstated_after_complaint\":{\"available\":false,"
                            "\"why\":\"%s\"}}",
                            complaints_why);
    return rc;
}

vg_status vg_report_tco_json(vg_db *db, int year, char **out)
{
    *out = NULL;
    struct tco t;
    struct vg_buf b;
    vg_buf_init(&b, VG_VIEW_MAX);
    vg_status rc = tco_compute(db, year, &t);
    rc = rc ? rc : tco_json(&t, &b);
    vg_buf_release(&t.times);
    return vg__records_take(&b, rc, out);
}

/* A number member of the times object, or -1. */
static double times_num(const cJSON *j, const char *obj, const char *key)
{
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(j, obj);
    const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
    return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

static vg_status tco_markdown(const struct tco *t, struct vg_buf *b)
{
    char tb[32], tb2[32];
    vg_status rc = vg_buf_printf(
            b,
            "# Transparency report on terrorist content, %d\n\n"
            "Regulation (EU) 2021/784, Article 7. Period: %s to %s (UTC).\n\n"
            "## (a) Measures to identify and remove terrorist content\n\n%s\n\n"
            "## (b) Measures against re-appearance\n\n%s Items in the banks: %lld; matches in the "
            "year: %lld.\n\n"
            "## (c) Items removed or disabled\n\n"
            "| | count |\n|---|---:|\n"
            "| removal orders received | %lld |\n| orders acted on | %lld |\n"
            "| content removed | %lld |\n| access disabled in all Member States | %lld |\n"
            "| items (URLs) acted on under orders | %lld |\n| acted on within one hour | %lld |\n"
            "| items removed under specific measures (preserved as evidence) | %lld |\n"
            "| orders not executed (Art 3(7)/(8)) | %lld |\n",
            t->year, vg_time_format(t->from, tb), vg_time_format(t->to, tb2), measures_text,
            reappearance_text, (long long)t->bank_items, (long long)t->bank_matches,
            (long long)t->received, (long long)t->acted, (long long)t->removed,
            (long long)t->disabled, (long long)t->items, (long long)t->within,
            (long long)t->specific_items, (long long)t->annex3_orders);
    for (int k = 0; k < 4 && !rc; k++)
        rc = vg_buf_printf(b, "| not executed: %s | %lld |\n", reason_names[k],
                           (long long)t->by_reason[k]);
    /* The times, read back from their JSON members. */
    struct vg_buf w;
    vg_buf_init(&w, 8192);
    vg_buf_printf(&w, "{%s}", t->times.data ? t->times.data : "");
    cJSON *j = w.data ? cJSON_Parse(w.data) : NULL;
    vg_buf_release(&w);
    double med = times_num(j, "seconds_receipt_to_action", "median");
    double worst = times_num(j, "seconds_receipt_to_action", "worst");
    cJSON_Delete(j);
    if (!rc && med >= 0)
        rc = vg_buf_printf(b, "\nTime from receipt to action: median %.0f s, worst %.0f s.\n", med,
                           worst);
    rc = rc ? rc
            : vg_buf_printf(b,
                            "\n## (d) Complaints\n\nNot available: %s.\n\n"
                            "## (e) Review proceedings\n\n"
                            "Cross-border scrutiny (Art 4): requested %lld, order confirmed "
                            "%lld, order revoked %lld.\n\n"
                            "## (f) Content reinstated after review\n\n%lld\n\n"
                            "## (g) Content reinstated after a complaint\n\nNot available: "
                            "%s.\n",
                            complaints_why, (long long)t->scrutiny_requested,
                            (long long)t->scrutiny_confirmed, (long long)t->scrutiny_revoked,
                            (long long)t->reinstated, complaints_why);
    return rc;
}

vg_status vg_report_tco_markdown(vg_db *db, int year, char **out)
{
    *out = NULL;
    struct tco t;
    struct vg_buf b;
    vg_buf_init(&b, VG_VIEW_MAX);
    vg_status rc = tco_compute(db, year, &t);
    rc = rc ? rc : tco_markdown(&t, &b);
    vg_buf_release(&t.times);
    return vg__records_take(&b, rc, out);
}

/* ---- the dashboard ------------------------------------------------------------------------- */

struct series {
    struct vg_buf *b;
    enum vg_dash_series which;
    int n;
    int64_t total_accounts, total_reach; /* running sums for NETWORK */
};

static vg_status write_point(const struct vg_store_point *p, void *ud)
{
    struct series *s = ud;
    struct vg_buf *b = s->b;
    char day[32];
    vg_time_format(p->day, day);
    day[10] = 0; /* YYYY-MM-DD */
    vg_status rc = s->n++ ? vg_buf_putc(b, ',') : VG_OK;
    switch (s->which) {
        case VG_DASH_FLAGGED_POSTS:
            rc = rc ? rc : vg_buf_printf(b, "{\"day\":\"%s\",\"lang\":", day);
            rc = rc ? rc : vg__records_str(b, p->key);
            rc = rc ? rc : vg_buf_printf(b, ",\"posts\":%lld}", (long long)p->v1);
            break;
        case VG_DASH_FLAGGED_ACCOUNTS:
            rc = rc ? rc
                    : vg_buf_printf(b, "{\"day\":\"%s\",\"accounts\":%lld}", day, (long long)p->v1);
            break;
        case VG_DASH_NETWORK:
            s->total_accounts += p->v1;
            s->total_reach += p->v2;
            rc = rc ? rc
                    : vg_buf_printf(b,
                                    "{\"day\":\"%s\",\"new_accounts\":%lld,\"accounts\":%lld,"
                                    "\"reach\":%lld}",
                                    day, (long long)p->v1, (long long)s->total_accounts,
                                    (long long)s->total_reach);
            break;
        case VG_DASH_DOMAINS:
            rc = rc ? rc : vg_buf_puts(b, "{\"domain\":");
            rc = rc ? rc : vg__records_str(b, p->key);
            rc = rc ? rc
                    : vg_buf_printf(b, ",\"posts\":%lld,\"accounts\":%lld}", (long long)p->v1,
                                    (long long)p->v2);
            break;
        case VG_DASH_RETURNS:
            rc = rc ? rc
                    : vg_buf_printf(b, "{\"day\":\"%s\",\"accounts\":%lld}", day, (long long)p->v1);
            break;
        case VG_DASH_STORMS:
            rc = rc ? rc
                    : vg_buf_printf(b, "{\"day\":\"%s\",\"alerts\":%lld,\"accounts\":%lld}", day,
                                    (long long)p->v1, (long long)p->v2);
            break;
        default:
            rc = VG_EINVAL;
    }
    return rc;
}

vg_status vg_dashboard_json(vg_db *db, int64_t from, int64_t to, int top_n, char **out)
{
    static const char *const names[VG_DASH__COUNT] = {
        [VG_DASH_FLAGGED_POSTS] = "flagged_posts_per_day",
        [VG_DASH_FLAGGED_ACCOUNTS] = "flagged_accounts_per_day",
        [VG_DASH_NETWORK] = "network_over_time",
        [VG_DASH_DOMAINS] = "top_domains",
        [VG_DASH_RETURNS] = "returns_per_day",
        [VG_DASH_STORMS] = "storms_per_day",
    };
    *out = NULL;
    if (top_n < 1)
        top_n = 20;
    void *st;
    const struct vg_store_records_ops *ops = vg__db_records(db, &st);
    struct vg_buf b;
    vg_buf_init(&b, VG_VIEW_MAX);
    vg_status rc = vg_buf_puts(&b, "{\"from\":");
    rc = rc ? rc : vg__records_time(&b, from);
    rc = rc ? rc : vg_buf_puts(&b, ",\"to\":");
    rc = rc ? rc : vg__records_time(&b, to);
    for (int k = 0; k < VG_DASH__COUNT && !rc; k++) {
        struct series s = { .b = &b, .which = (enum vg_dash_series)k };
        rc = vg_buf_printf(&b, ",\"%s\":[", names[k]);
        rc = rc ? rc : ops->dash_series(st, s.which, from, to, top_n, write_point, &s);
        rc = rc ? rc : vg_buf_putc(&b, ']');
    }
    rc = rc ? rc
            : vg_buf_puts(&b, ",\"gaps\":[],\"reach_is\":\"sum of the follower counts "
                              "last observed of the flagged accounts (followers shared by "
                              "several accounts count once per account)\"}");
    return vg__records_take(&b, rc, out);
}
