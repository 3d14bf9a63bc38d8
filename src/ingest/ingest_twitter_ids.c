/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ingest_twitter_ids.c: reader of v1.1 follower and friend id lists (docs/formats/twitter.md):
 * the pages of followers/ids and friends/ids ({"ids":[...],"next_cursor":...}), a JSON array of
 * ids, or bare ids one per line (a number or a string, as `twarc followers` writes them).
 *
 * Every id is one record: a follow event between it and the account whose list this is, which
 * the page does not name: the caller gives it (opts->owner, `--owner`). For a followers list the
 * id follows the owner; with opts->owner_is_friends the owner follows the id. The lists carry no
 * time, so the edge's `at` is unknown.
 */
#include <math.h>

#include "ingest_twitter_int.h"

/* 1 if s is a Twitter account id: 1 to 20 decimal digits. */
static int is_numeric_id(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (s[n] < '0' || s[n] > '9' || n >= 20)
            return 0;
    return n > 0;
}

/* The id v (`name` in messages) as a string: a numeric string, or a number that is exact. */
static vg_status read_id(struct vg_conv *cx, const cJSON *v, const char *name, const char **out)
{
    *out = NULL;
    if (cJSON_IsString(v)) {
        const char *s = v->valuestring;
        if (!vg_utf8_valid(s, strlen(s)))
            s = "(invalid UTF-8)";
        if (!is_numeric_id(v->valuestring))
            return vg_conv_field_error(cx, "field %s: \"%.*s\" is not a numeric account id", name,
                                       vg__tw_utf8_cut(s, 40), s);
        *out = v->valuestring;
        return VG_OK;
    }
    if (!cJSON_IsNumber(v))
        return vg_conv_field_error(cx, "field %s: expected an account id, got %s", name,
                                   vg_json_type_name(v));
    double d = v->valuedouble;
    if (d < 0 || d != floor(d))
        return vg_conv_field_error(cx, "field %s: %g is not an account id", name, d);
    /* Doubles hold integers exactly only up to 2^53; 64-bit account ids do not fit. */
    if (d > 9007199254740992.0)
        return vg_conv_field_error(cx,
                                   "field %s: id %.*g is a number beyond 2^53 and has lost "
                                   "precision; request the page with stringify_ids=true",
                                   name, d < 1e21 ? 21 : 6, d);
    *out = vg_arena_printf(&cx->arena, "%.0f", d);
    return *out ? VG_OK : VG_ENOMEM;
}

/* The owner's side of every edge, or a reason why there is none. */
static const char *owner_problem(const struct vg_ingest_opts *opts)
{
    if (!opts->owner || !opts->owner[0])
        return opts->owner_is_friends
                       ? "friend-id page needs --owner ACCOUNT (who follows these)"
                       : "follower-id page needs --owner ACCOUNT (whose followers these are)";
    if (!is_numeric_id(opts->owner))
        return "--owner must be the numeric account id, not a handle";
    return NULL;
}

/* One record: the id v, item `item` of the document (-1 when it is the document). */
static vg_status read_record(struct vg_conv *cx, const cJSON *v, const char *list, int64_t item)
{
    char name[64];
    const char *id;
    struct vg_event *ev;
    vg_status rc;
    vg_conv_begin(cx, item);
    if (item >= 0)
        vg_conv_set_raw_json(cx, v);
    const char *problem = owner_problem(cx->opts);
    if (problem)
        return vg_conv_reject(cx, "%s", problem);
    vg_json_path(name, sizeof(name), "", item >= 0 ? list : "id", item);
    if ((rc = read_id(cx, v, name, &id)) || (rc = vg__tw_event(cx, VG_EV_FOLLOW, &ev)))
        return vg__tw_finish(cx, rc);
    const char *owner = cx->opts->owner;
    ev->u.edge.src = cx->opts->owner_is_friends ? owner : id;
    ev->u.edge.dst = cx->opts->owner_is_friends ? id : owner;
    ev->u.edge.at = VG_TIME_UNKNOWN;
    return vg_conv_end(cx);
}

static vg_status read_list(struct vg_conv *cx, const cJSON *arr, const char *list)
{
    const cJSON *v;
    int64_t i = 0;
    cJSON_ArrayForEach(v, arr)
    {
        vg_status rc = read_record(cx, v, list, i++);
        if (rc)
            return rc;
    }
    return VG_OK;
}

vg_status vg__read_twitter_ids(struct vg_conv *cx, const cJSON *doc)
{
    if (cJSON_IsArray(doc))
        return read_list(cx, doc, "");
    if (cJSON_IsString(doc) || cJSON_IsNumber(doc))
        return read_record(cx, doc, "", -1);
    const cJSON *ids = vg_json_get(doc, "ids");
    if (cJSON_IsArray(ids))
        return read_list(cx, ids, "ids");
    vg_conv_begin(cx, -1);
    if (ids)
        return vg_conv_reject(cx, "field ids: expected an array, got %s", vg_json_type_name(ids));
    return vg_conv_reject(cx,
                          "expected a follower/friend id page {\"ids\":[...]}, an array of "
                          "ids or one id per line, got %s",
                          cJSON_IsObject(doc) ? "an object without ids" : vg_json_type_name(doc));
}
