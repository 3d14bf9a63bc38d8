/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ingest_driver.c: runs one input through a reader. It decides how the input splits into
 * documents, parses each JSON document once, and hands it to the reader of the input's format.
 *
 * Splitting: JSON lines are the common case and the only one where a broken record can be skipped
 * and reading can go on, so an input is read line by line unless its first non-blank line is an
 * incomplete JSON value (a pretty-printed file: "{" or "[" alone). Then the whole input (bounded by
 * VG_DOC_MAX) is parsed as one document; if that fails too, its lines are tried one by one so that
 * valid lines still land.
 *
 * Format: given by the caller, or detected per input from its first parseable document (or the
 * CSV header). Every document of the input then goes to that reader.
 *
 * Memory: the parsed tree of a document (ingest_json.c) lives in its own arena, reset together
 * with the readers' arena once the document has gone through its reader. Nothing may keep a
 * pointer into either past that point: the sink gets every record of the document before it.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ingest.h"
#include "ingest_input.h"
#include "ingest_json.h"

typedef vg_status (*json_reader_fn)(struct vg_conv *cx, const cJSON *doc);

static json_reader_fn json_reader(enum vg_format f)
{
    switch (f) {
        case VG_FORMAT_NATIVE:
            return vg__read_native;
        case VG_FORMAT_TWITTER_V1:
            return vg__read_twitter_v1;
        case VG_FORMAT_TWITTER_V2:
            return vg__read_twitter_v2;
        case VG_FORMAT_TWITTER_IDS:
            return vg__read_twitter_ids;
        case VG_FORMAT_MASTODON:
            return vg__read_mastodon;
        case VG_FORMAT_ACTIVITYPUB:
            return vg__read_activitypub;
        default:
            return NULL;
    }
}

struct run {
    struct vg_conv cx;
    struct vg_arena json; /* the current document's parsed tree */
    struct vg_input *in;
    enum vg_format format;
    uint64_t records;       /* records handed to the sink */
    vg_record_fn user_sink; /* the caller's sink, wrapped to count records */
    void *user_ud;
    struct timespec last_progress;
};

static vg_status count_sink(void *ud, const struct vg_record *rec)
{
    struct run *r = ud;
    r->records++;
    return r->user_sink(r->user_ud, rec);
}

static void report_progress(struct run *r, int force)
{
    const struct vg_ingest_opts *o = r->cx.opts;
    if (!o->on_progress)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double dt = (double)(now.tv_sec - r->last_progress.tv_sec) +
                (double)(now.tv_nsec - r->last_progress.tv_nsec) / 1e9;
    if (!force && dt < 0.25)
        return;
    r->last_progress = now;
    struct vg_progress p = {
        .file = r->in->name,
        .bytes_done = r->in->mem ? r->in->mem_pos : r->in->bytes_raw,
        .bytes_total = r->in->size,
        .records = r->records,
    };
    o->on_progress(&p, o->ud);
}

/* 1 if s[0..len) is only white space (JSON's four characters). */
static int blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return 0;
    return 1;
}

/* Line and column (1-based) of byte `pos` in s, counting from the document's first line. */
static void line_col(const char *s, size_t pos, uint64_t first_line, uint64_t *line, size_t *col)
{
    uint64_t l = first_line;
    size_t c = 1;
    for (size_t i = 0; i < pos; i++) {
        if (s[i] == '\n') {
            l++;
            c = 1;
        } else {
            c++;
        }
    }
    *line = l;
    *col = c;
}

static vg_status reject_malformed(struct run *r, const char *s, size_t len, size_t err_pos,
                                  int incomplete)
{
    uint64_t line;
    size_t col;
    line_col(s, err_pos, r->cx.line, &line, &col);
    char near[40];
    size_t n = len - err_pos < 24 ? len - err_pos : 24;
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < sizeof(near); i++) {
        unsigned char c = (unsigned char)s[err_pos + i];
        near[k++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    near[k] = '\0';
    if (incomplete) {
        line_col(s, len, r->cx.line, &line, &col);
        return vg_conv_reject(&r->cx, "malformed JSON: input ends inside a value (line %llu)",
                              (unsigned long long)line);
    }
    return vg_conv_reject(&r->cx, "malformed JSON at line %llu column %zu near \"%s\"",
                          (unsigned long long)line, col, near);
}

/* A document whose parsed tree would pass VG_JSON_TREE_MAX: valid or not, it is not read. */
static vg_status reject_too_big(struct run *r)
{
    return vg_conv_reject(&r->cx,
                          "JSON document too large to parse: its tree would need more "
                          "than %u MiB of memory",
                          VG_JSON_TREE_MAX >> 20);
}

/* Hand one parsed document to the reader, detecting the format first if needed. */
static vg_status dispatch(struct run *r, const cJSON *doc)
{
    if (r->format == VG_FORMAT_AUTO) {
        enum vg_format f = vg__json_classify(doc);
        if (f == VG_FORMAT_AUTO)
            return vg_conv_reject(&r->cx,
                                  "unrecognised record: no known format has this shape (use "
                                  "--format to name one)");
        r->format = f;
        r->cx.format = vg_format_name(f);
    }
    json_reader_fn fn = json_reader(r->format);
    if (!fn)
        return vg_conv_reject(&r->cx, "format %s does not read JSON", vg_format_name(r->format));
    vg_status rc = fn(&r->cx, doc);
    if (rc == VG_OK && r->cx.in_record)
        rc = vg_conv_end(&r->cx); /* a reader that forgot to end its record */
    return rc;
}

static vg_status process_doc(struct run *r, const char *s, size_t len, uint64_t line,
                             uint64_t offset)
{
    r->cx.line = line;
    r->cx.offset = offset;
    r->cx.doc_raw = s;
    r->cx.doc_len = len;
    r->cx.in_record = 0;
    size_t err_pos;
    int incomplete;
    cJSON *doc;
    vg_status rc = vg__json_parse(s, len, &r->json, &doc, &err_pos, &incomplete);
    if (rc == VG_OK)
        rc = dispatch(r, doc);
    else if (rc == VG_EPARSE)
        rc = reject_malformed(r, s, len, err_pos, incomplete);
    else if (rc == VG_ELIMIT)
        rc = reject_too_big(r);
    vg_arena_reset(&r->json);
    vg_arena_reset(&r->cx.arena);
    report_progress(r, 0);
    return rc;
}

static vg_status reject_long_line(struct run *r, uint64_t line, uint64_t offset)
{
    r->cx.line = line;
    r->cx.offset = offset;
    r->cx.doc_raw = "";
    r->cx.doc_len = 0;
    r->cx.in_record = 0;
    return vg_conv_reject(&r->cx, "line longer than the %u-byte limit", VG_LINE_MAX);
}

/* Split a memory buffer into lines and process each (fallback for a broken whole document). */
static vg_status process_lines_mem(struct run *r, const char *s, size_t len, uint64_t first_line,
                                   uint64_t first_offset)
{
    size_t pos = 0;
    uint64_t line = first_line;
    while (pos < len) {
        const char *nl = memchr(s + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (s + pos)) : len - pos;
        vg_status rc = VG_OK;
        if (!blank(s + pos, n))
            rc = process_doc(r, s + pos, n, line, first_offset + pos);
        if (rc)
            return rc;
        pos += n + (nl ? 1 : 0);
        line++;
    }
    return VG_OK;
}

/* The first line looked like the start of a pretty-printed document: read the rest. */
static vg_status process_whole(struct run *r, const char *first, size_t first_len, uint64_t line_no,
                               uint64_t offset)
{
    struct vg_buf doc;
    vg_buf_init(&doc, VG_DOC_MAX);
    vg_status rc = vg_buf_append(&doc, first, first_len);
    const char *line;
    size_t len;
    uint64_t ln, off;
    int got;
    while (rc == VG_OK && (got = vg_input_getline(r->in, &line, &len, &ln, &off)) != 0) {
        if (got == VG_ELIMIT) {
            rc = VG_ELIMIT;
            break;
        }
        if (got < 0) {
            rc = (vg_status)got;
            break;
        }
        if ((rc = vg_buf_putc(&doc, '\n')) == VG_OK)
            rc = vg_buf_append(&doc, line, len);
        report_progress(r, 0);
    }
    if (rc == VG_ELIMIT) {
        r->cx.line = line_no;
        r->cx.offset = offset;
        r->cx.doc_raw = doc.data ? doc.data : "";
        r->cx.doc_len = doc.len;
        rc = vg_conv_reject(&r->cx, "JSON document larger than the %u-byte limit", VG_DOC_MAX);
        vg_buf_release(&doc);
        return rc;
    }
    if (rc) {
        /* Keep what was read before the damage (a truncated gzip ends here). */
        vg_status rc2 = process_lines_mem(r, doc.data ? doc.data : "", doc.len, line_no, offset);
        vg_buf_release(&doc);
        return rc2 ? rc2 : rc;
    }
    size_t err_pos;
    int incomplete;
    cJSON *parsed;
    rc = vg__json_parse(doc.data, doc.len, &r->json, &parsed, &err_pos, &incomplete);
    if (rc == VG_OK || rc == VG_ELIMIT) {
        r->cx.line = line_no;
        r->cx.offset = offset;
        r->cx.doc_raw = doc.data;
        r->cx.doc_len = doc.len;
        r->cx.in_record = 0;
        /* Too big is about the whole document: its lines alone would only be rejected too. */
        rc = rc == VG_OK ? dispatch(r, parsed) : reject_too_big(r);
    } else if (rc == VG_EPARSE) {
        vg_arena_reset(&r->json);
        rc = process_lines_mem(r, doc.data, doc.len, line_no, offset);
    }
    vg_arena_reset(&r->json);
    vg_arena_reset(&r->cx.arena);
    vg_buf_release(&doc);
    return rc;
}

/* 1 if the line starts a JSON value that the line alone does not complete. */
static int starts_document(struct run *r, const char *s, size_t len)
{
    size_t err_pos;
    int incomplete;
    cJSON *doc;
    vg_status rc = vg__json_parse(s, len, &r->json, &doc, &err_pos, &incomplete);
    vg_arena_reset(&r->json);
    return rc == VG_EPARSE && incomplete;
}

static vg_status run_json(struct run *r)
{
    const char *line;
    size_t len;
    uint64_t ln, off;
    int got, first = 1;
    while ((got = vg_input_getline(r->in, &line, &len, &ln, &off)) != 0) {
        vg_status rc;
        if (got == VG_ELIMIT) {
            rc = reject_long_line(r, ln, off);
        } else if (got < 0) {
            return (vg_status)got;
        } else if (blank(line, len)) {
            continue;
        } else if (first && starts_document(r, line, len)) {
            return process_whole(r, line, len, ln, off);
        } else {
            rc = process_doc(r, line, len, ln, off);
        }
        first = 0;
        if (rc)
            return rc;
    }
    return VG_OK;
}

static int csv_next(void *ud, const char **line, size_t *len, uint64_t *line_no, uint64_t *offset)
{
    struct run *r = ud;
    report_progress(r, 0);
    return vg_input_getline(r->in, line, len, line_no, offset);
}

static int looks_like_fifth_tribe(const char *head, size_t len)
{
    static const char hdr[] = "name,username,description,location,followers,numberstatuses";
    if (len >= 3 && !memcmp(head, "\xEF\xBB\xBF", 3)) {
        head += 3;
        len -= 3;
    }
    return len >= sizeof(hdr) - 1 && !memcmp(head, hdr, sizeof(hdr) - 1);
}

enum vg_format vg_format_detect(const char *head, size_t len)
{
    if (looks_like_fifth_tribe(head, len))
        return VG_FORMAT_FIFTH_TRIBE;
    /* Classify the first line, or the whole head when it is a pretty-printed document. */
    size_t pos = 0;
    while (pos < len && blank(head + pos, 1))
        pos++;
    const char *nl = memchr(head + pos, '\n', len - pos);
    size_t n = nl ? (size_t)(nl - (head + pos)) : len - pos;
    size_t err_pos;
    int incomplete;
    cJSON *doc;
    struct vg_arena arena;
    vg_arena_init(&arena, VG_JSON_CHUNK, VG_JSON_TREE_MAX);
    vg_status rc = vg__json_parse(head + pos, n, &arena, &doc, &err_pos, &incomplete);
    if (rc == VG_EPARSE && incomplete) {
        vg_arena_reset(&arena);
        rc = vg__json_parse(head + pos, len - pos, &arena, &doc, &err_pos, &incomplete);
    }
    enum vg_format f = rc == VG_OK ? vg__json_classify(doc) : VG_FORMAT_AUTO;
    vg_arena_release(&arena);
    return f;
}

vg_status vg__ingest_run(struct vg_input *in, const struct vg_ingest_opts *opts, vg_record_fn sink,
                         void *sink_ud)
{
    struct run r;
    memset(&r, 0, sizeof(r));
    r.in = in;
    r.format = opts->format;
    r.user_sink = sink;
    r.user_ud = sink_ud;
    r.cx.opts = opts;
    r.cx.file = in->name;
    r.cx.format = vg_format_name(r.format);
    r.cx.sink = count_sink;
    r.cx.sink_ud = &r;
    vg_arena_init(&r.cx.arena, 64 << 10, VG_DOC_MAX);
    vg_arena_init(&r.json, VG_JSON_CHUNK, VG_JSON_TREE_MAX);
    vg_buf_init(&r.cx.scratch, VG_DOC_MAX);
    clock_gettime(CLOCK_MONOTONIC, &r.last_progress);

    const char *head;
    size_t head_len;
    vg_status rc = (vg_status)vg_input_peek(in, &head, &head_len);
    if (rc == VG_OK && r.format == VG_FORMAT_AUTO && looks_like_fifth_tribe(head, head_len))
        r.format = VG_FORMAT_FIFTH_TRIBE;
    if (rc == VG_OK) {
        r.cx.format = vg_format_name(r.format);
        if (r.format == VG_FORMAT_FIFTH_TRIBE) {
            struct vg_line_src src = { csv_next, &r };
            rc = vg__read_fifth_tribe(&r.cx, &src);
        } else {
            rc = run_json(&r);
        }
    }
    report_progress(&r, 1);
    vg_arena_release(&r.json);
    vg_arena_release(&r.cx.arena);
    vg_buf_release(&r.cx.scratch);
    vg_free(r.cx.events);
    return rc;
}
