/* SPDX-License-Identifier: Apache-2.0 */
/*
 * json_diff.h: compares src/ingest/ingest_json.c with cJSON on one input, for the differential
 * fuzz target (fuzz_json.c) and the unit tests (test_json.c). The reference is what the driver
 * did before it had its own parser: cJSON_ParseWithLengthOpts, then only JSON white space may
 * follow the value. Both must accept the same inputs; on success the trees must match node by
 * node (type, valueint, the bits of valuedouble, key, string, links) and print the same; on
 * failure both must say whether the input was cut short (the driver's former rule), and the
 * error positions must match except where ingest_json.c documents a difference.
 */
#ifndef VG_JSON_DIFF_H
#define VG_JSON_DIFF_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core.h"
#include "ingest_json.h"

static int json_diff_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The driver's former unclosed(): an open string, or more '{'/'[' than '}'/']'. */
static int json_diff_unclosed(const char *s, size_t len)
{
    long depth = 0;
    int in_str = 0;
    for (size_t i = 0; i < len; i++) {
        if (in_str) {
            if (s[i] == '\\')
                i++;
            else if (s[i] == '"')
                in_str = 0;
        } else if (s[i] == '"') {
            in_str = 1;
        } else if (s[i] == '{' || s[i] == '[') {
            depth++;
        } else if (s[i] == '}' || s[i] == ']') {
            depth--;
        }
    }
    return in_str || depth > 0;
}

/* The driver's former parse_json: cJSON, then only JSON white space. */
static cJSON *json_diff_reference(const char *s, size_t len, size_t *err_pos, int *incomplete)
{
    const char *end = NULL;
    cJSON *doc = cJSON_ParseWithLengthOpts(s, len, &end, 0);
    *err_pos = 0;
    *incomplete = 0;
    if (!doc) {
        const char *ep = cJSON_GetErrorPtr();
        *err_pos = ep && ep >= s && ep <= s + len ? (size_t)(ep - s) : len;
        *incomplete = json_diff_unclosed(s, len);
        return NULL;
    }
    size_t used = (size_t)(end - s);
    for (size_t i = used; i < len; i++) {
        if (!json_diff_ws(s[i])) {
            cJSON_Delete(doc);
            *err_pos = used;
            return NULL;
        }
    }
    return doc;
}

static int json_diff_str_eq(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

static const cJSON *json_diff_last(const cJSON *first)
{
    while (first->next)
        first = first->next;
    return first;
}

/* NULL if the sibling lists starting at a and b are the same, else what differs. */
static const char *json_diff_nodes(const cJSON *a, const cJSON *b)
{
    for (; a && b; a = a->next, b = b->next) {
        if (a->type != b->type)
            return "type";
        if (a->valueint != b->valueint)
            return "valueint";
        if (memcmp(&a->valuedouble, &b->valuedouble, sizeof(double)))
            return "valuedouble";
        if (!json_diff_str_eq(a->valuestring, b->valuestring))
            return "valuestring";
        if (!json_diff_str_eq(a->string, b->string))
            return "string (the key)";
        if (a->next && a->next->prev != a)
            return "cJSON: next->prev";
        if (b->next && b->next->prev != b)
            return "ours: next->prev";
        if (!a->child != !b->child)
            return "child";
        if (a->child) {
            if (a->child->prev != json_diff_last(a->child))
                return "cJSON: first child's prev";
            if (b->child->prev != json_diff_last(b->child))
                return "ours: first child's prev is not the last child";
            const char *why = json_diff_nodes(a->child, b->child);
            if (why)
                return why;
        }
    }
    return a || b ? "number of children" : NULL;
}

/*
 * Our error position may differ from cJSON's only where ingest_json.c says: data after the value
 * (cJSON pointed at the white space before it) and an object key that is not a string (cJSON
 * pointed at the byte after it, or at the last byte when that is the end).
 */
static int json_diff_pos_ok(const char *s, size_t len, size_t ours, size_t theirs)
{
    if (ours == theirs)
        return 1;
    if (ours >= len && len > 0)
        return 0;
    if (ours > theirs) {
        for (size_t i = theirs; i < ours; i++)
            if (!json_diff_ws(s[i]))
                return 0;
        return 1;
    }
    return theirs == ours + 1 || (ours + 1 == len && theirs == len - 1);
}

/*
 * Run both parsers on s[0..len) (ours with `arena`, which is reset first) and return NULL if
 * they agree, else a description of the difference (in a static buffer).
 */
static const char *json_diff_one(const char *s, size_t len, struct vg_arena *arena)
{
    static char why[160];
    size_t ref_pos, our_pos;
    int ref_incomplete, our_incomplete;
    cJSON *ours = NULL;
    vg_arena_reset(arena);
    cJSON *ref = json_diff_reference(s, len, &ref_pos, &ref_incomplete);
    vg_status rc = vg__json_parse(s, len, arena, &ours, &our_pos, &our_incomplete);
    const char *res = NULL;
    if (rc != VG_OK && rc != VG_EPARSE) {
        snprintf(why, sizeof(why), "ours returned %s", vg_strerror(rc));
        res = why;
    } else if (!ref != !ours) {
        snprintf(why, sizeof(why), "cJSON %s (at %zu), ours %s (at %zu)",
                 ref ? "accepts" : "rejects", ref_pos, ours ? "accepts" : "rejects", our_pos);
        res = why;
    } else if (!ref) {
        if (our_incomplete != ref_incomplete) {
            snprintf(why, sizeof(why), "incomplete %d, cJSON + the driver's rule %d",
                     our_incomplete, ref_incomplete);
            res = why;
        } else if (!json_diff_pos_ok(s, len, our_pos, ref_pos)) {
            snprintf(why, sizeof(why), "error at %zu, cJSON at %zu", our_pos, ref_pos);
            res = why;
        }
    } else if ((res = json_diff_nodes(ref, ours)) == NULL) {
        char *pa = cJSON_PrintUnformatted(ref);
        char *pb = cJSON_PrintUnformatted(ours);
        if (!json_diff_str_eq(pa, pb))
            res = "printed trees differ";
        cJSON_free(pa);
        cJSON_free(pb);
    }
    cJSON_Delete(ref);
    return res;
}

#endif /* VG_JSON_DIFF_H */
