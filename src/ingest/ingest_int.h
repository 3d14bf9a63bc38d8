/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ingest_int.h: what the readers of the ingest stage share, private to src/ingest/.
 *
 * The driver (ingest_driver.c) opens an input, decompresses it, splits it into documents (a JSON
 * line, or a whole pretty-printed JSON file), parses each into a cJSON tree (ingest_json.c) and
 * hands it to the reader of the input's format. A reader turns a document into one or more
 * *records* (a tweet, an item of a page, a CSV row): for each it calls vg_conv_begin(), adds events
 * with vg_conv_event(), and ends with vg_conv_end() or vg_conv_reject(). Every record the reader
 * begins must end one way or the other: that is what keeps read = accepted + duplicates + rejected.
 *
 * Memory: everything a reader allocates for events comes from cx->arena, which the driver resets
 * after each document. Strings from the parsed tree may be referenced directly while the document
 * lives (its nodes are in an arena the driver resets after the reader returns), but must be
 * validated first: the vg_json_* helpers below do that and report the field by name. No pointer
 * into the tree or cx->arena may be kept across documents.
 */
#ifndef VG_INGEST_INT_H
#define VG_INGEST_INT_H

#include <cjson/cJSON.h>

#include "core.h"
#include "text.h"

/* Limits on fields (docs/events.md#limits). A longer field rejects its record. */
#define VG_ID_MAX     512u         /* ids, handles */
#define VG_FIELD_MAX  65536u       /* text, bio, names, reasons */
#define VG_URL_MAX    8192u        /* URLs */
#define VG_LIST_MAX   1000u        /* items in hashtags/mentions/urls/media/posts lists */
#define VG_LINE_MAX   (64u << 20)  /* one JSON line or CSV record */
#define VG_DOC_MAX    (256u << 20) /* one whole JSON document */
#define VG_EVENTS_MAX 4096u        /* events one record may produce */

/*
 * Memory for one document's parsed tree (ingest_json.c). Real JSON takes 2 to 3.5 bytes of tree
 * per byte, so a document of VG_DOC_MAX fits; the worst case ("[0,0,...]", 32 bytes per byte) is
 * rejected from 32 MiB on instead of taking 8 GiB.
 */
#define VG_JSON_TREE_MAX (1024u << 20)

struct vg_record;

/* Receives every finished or rejected record (the store, or the converter's writer). */
typedef vg_status (*vg_record_fn)(void *ud, const struct vg_record *rec);

/* One finished record: its events, or the reason it was rejected. */
struct vg_record {
    const struct vg_event *events;
    size_t n_events;
    const char *reason; /* non-NULL: rejected */
    const char *raw;    /* the record as read (for rejects); the sink bounds it */
    size_t raw_len;
    int64_t item;  /* index within the page/array, -1 if the document is the record */
    uint64_t line; /* where the record starts */
    uint64_t offset;
    const char *file;   /* input name */
    const char *format; /* reader name */
    /* Optional values dropped from the record (logged by vg_conv_drop_field): the record is
     * kept without them, and the store counts them as media errors. */
    uint32_t n_dropped;
};

/* The conversion context of one input. */
struct vg_conv {
    struct vg_arena arena; /* per-document memory */
    struct vg_buf scratch; /* reusable buffer for readers (e.g. normalising, HTML) */
    const struct vg_ingest_opts *opts;
    const char *file;   /* input name */
    const char *format; /* reader name, for rejects */

    /* Position of the current document; readers of line-oriented formats update line/offset
     * per record themselves. */
    uint64_t line;
    uint64_t offset;
    const char *doc_raw; /* the current document's bytes (or the CSV record's) */
    size_t doc_len;      /* its full length; rejects keep the first VG_REJECT_RAW_MAX */

    /* The record being built. */
    int in_record;
    int64_t item;
    struct vg_event *events;
    size_t n_events;
    size_t cap_events;
    const char *item_raw; /* raw bytes of the current item if not the whole document */
    size_t item_raw_len;
    const cJSON *item_json; /* or the item's node, printed if the record is rejected */
    char reason[512];       /* first field error of the current record, "" if none */
    uint32_t n_dropped;     /* values of the current record dropped by vg_conv_drop_field */

    vg_record_fn sink;
    void *sink_ud;
};

/* Start a record. item: index in the page or array, or -1 when the document is the record. */
void vg_conv_begin(struct vg_conv *cx, int64_t item);
/* Raw bytes to show if this record is rejected (default: the whole document). The item's cJSON
 * node can be given instead: it is printed (unformatted, bounded) only if the record is
 * rejected. */
void vg_conv_set_raw(struct vg_conv *cx, const char *raw, size_t len);
void vg_conv_set_raw_json(struct vg_conv *cx, const cJSON *item);
/* A new zeroed event of the given type in the current record (counts -1, times unknown), or NULL
 * when out of memory or over VG_EVENTS_MAX (then the record is rejected at vg_conv_end). */
struct vg_event *vg_conv_event(struct vg_conv *cx, enum vg_event_type type, const char *platform);
/* Finish the record: it is rejected if a field error was noted, else handed to the sink. */
vg_status vg_conv_end(struct vg_conv *cx);
/* Reject the current record (or a record that was never begun: one is begun) with a reason. */
vg_status vg_conv_reject(struct vg_conv *cx, const char *fmt, ...) VG_PRINTF(2, 3);
/* Note a field error for the current record (the first one wins); returns VG_EFIELD. */
vg_status vg_conv_field_error(struct vg_conv *cx, const char *fmt, ...) VG_PRINTF(2, 3);
/* An optional value that is malformed but not worth the record (an avatar's hash): log it
 * naming the input, line and field (fmt starts with "field ..."), and count it in the record's
 * n_dropped. The caller leaves the value out. */
void vg_conv_drop_field(struct vg_conv *cx, const char *fmt, ...) VG_PRINTF(2, 3);
/* Check that an event has its required fields; notes a field error if not. Called by
 * vg_conv_end for every event. */
vg_status vg_event_check(struct vg_conv *cx, const struct vg_event *ev);

/*
 * JSON field helpers. `where` names the object in messages ("user", "includes.users[3]"), so a
 * rejection reads "field user.id_str: expected a string, got number". They return VG_OK with
 * *out = NULL (or the default) when the member is missing or null, VG_EFIELD (noted in cx) when
 * it has the wrong type, invalid UTF-8 or exceeds its limit.
 */
vg_status vg_json_str(struct vg_conv *cx, const cJSON *obj, const char *where, const char *key,
                      size_t max, const char **out);
/* An id: a string, or an integer number below 2^53 (printed without exponent). */
vg_status vg_json_id(struct vg_conv *cx, const cJSON *obj, const char *where, const char *key,
                     const char **out);
/* An integer count; missing gives -1. */
vg_status vg_json_int(struct vg_conv *cx, const cJSON *obj, const char *where, const char *key,
                      int64_t *out);
/* An instant (any form vg_time_parse takes, or epoch seconds/milliseconds as a number). Missing
 * gives VG_TIME_UNKNOWN. */
vg_status vg_json_time(struct vg_conv *cx, const cJSON *obj, const char *where, const char *key,
                       int64_t *out);
/* A boolean; missing gives def. */
vg_status vg_json_bool(struct vg_conv *cx, const cJSON *obj, const char *where, const char *key,
                       int def, int *out);
/* The member `key` of obj; NULL when obj is not an object or the member is missing or null. */
const cJSON *vg_json_get(const cJSON *obj, const char *key);
/* The JSON type of j in words ("string", "number", ...), for messages. */
const char *vg_json_type_name(const cJSON *j);
/* "where.key" or "where.key[index]" (index < 0: none; where "" : no dot) into buf, for messages. */
const char *vg_json_path(char *buf, size_t size, const char *where, const char *key,
                         long long index);
/* Validate and copy a string into the arena (for text built by the reader). */
const char *vg_conv_strndup(struct vg_conv *cx, const char *s, size_t len);

/* A growable list of strings in the arena, for hashtags, mentions, urls. */
struct vg_strv_builder {
    struct vg_strv *v;
    size_t cap;
};

/* Append s (borrowed, must outlive the record) unless already present. Past VG_LIST_MAX items
 * it notes a field error naming `what` and returns VG_EFIELD. */
vg_status vg_strv_push(struct vg_conv *cx, struct vg_strv_builder *b, struct vg_strv *v,
                       const char *s, const char *what);

/* Fill post->hashtags/mentions/urls from post->text when the source gives no entities. */
vg_status vg_conv_extract_entities(struct vg_conv *cx, struct vg_post *post);

/* ---- readers: each turns one parsed document into records ---------------------------------- */

vg_status vg__read_native(struct vg_conv *cx, const cJSON *doc);
vg_status vg__read_twitter_v1(struct vg_conv *cx, const cJSON *doc);
vg_status vg__read_twitter_v2(struct vg_conv *cx, const cJSON *doc);
vg_status vg__read_twitter_ids(struct vg_conv *cx, const cJSON *doc);
vg_status vg__read_mastodon(struct vg_conv *cx, const cJSON *doc);
vg_status vg__read_activitypub(struct vg_conv *cx, const cJSON *doc);

/* Which JSON format a parsed document looks like; VG_FORMAT_AUTO if none. */
enum vg_format vg__json_classify(const cJSON *doc);

/*
 * The CSV reader is line-oriented, not document-oriented: it pulls lines itself (a quoted field
 * may span lines). The driver passes a line source.
 */
struct vg_line_src {
    /* Next line without its "\n" (a trailing "\r" is kept: CSV needs it to see CRLF). Returns
     * 1 with a line, 0 at end, or a negative status. The line stays valid until the next call. */
    int (*next)(void *ud, const char **line, size_t *len, uint64_t *line_no, uint64_t *offset);
    void *ud;
};

vg_status vg__read_fifth_tribe(struct vg_conv *cx, struct vg_line_src *src);

#endif /* VG_INGEST_INT_H */
