/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ingest_fifth_tribe.c: reader of the Fifth Tribe CSV (Kaggle "How ISIS Uses Twitter";
 * docs/formats/fifth-tribe.md). The header is name,username,description,location,followers,
 * numberstatuses,time,tweets; each row after it is one record giving an account event (the
 * profile as of the tweet) and a post event (the tweet).
 *
 * The CSV is RFC 4180: fields may be quoted, "" is a quote inside a quoted field, records end
 * with CRLF (LF alone is accepted), and a quoted field may hold line breaks, so a record may span
 * lines. The reader pulls lines from the driver and runs them through a small state machine
 * that both splits fields and finds where the record ends.
 *
 * Broken quoting rejects the row and reading goes on, losing as little as it can. A quote inside
 * an unquoted field or text after a closing quote ends the record at the end of that line. A
 * quote that is never closed would swallow the rest of the input, so a quoted field may span at
 * most FT_SPAN_MAX lines (and VG_LINE_MAX bytes). When a record that spans lines turns out broken
 * (its quote is not closed by the end of the input or within those bounds, or a quoting error
 * shows on a later line), the quote that opened the span was most likely stray: only the row's
 * first line is rejected, and the lines after it are read again as new rows.
 */
#include <stdio.h>
#include <string.h>

#include "ingest_int.h"

#define PLATFORM "fifth-tribe"

#define FT_COLUMNS  8
#define FT_SPAN_MAX 1000u /* lines one record may span */

enum ft_column {
    FT_NAME,
    FT_USERNAME,
    FT_DESCRIPTION,
    FT_LOCATION,
    FT_FOLLOWERS,
    FT_NUMBERSTATUSES,
    FT_TIME,
    FT_TWEETS
};

static const char *const ft_names[FT_COLUMNS] = { "name",     "username",  "description",
                                                  "location", "followers", "numberstatuses",
                                                  "time",     "tweets" };

/* Where one line of the current record (or of the replay queue) lies in its buffer. */
struct ft_line {
    size_t start, len;
    uint64_t line_no, offset;
};

/* The CSV state machine (RFC 4180). */
enum ft_state {
    FT_FIELD_START,
    FT_UNQUOTED,
    FT_QUOTED,
    FT_QUOTE_SEEN,
    FT_BROKEN
};

/* Growable array of line positions (vg_malloc; bounded by FT_SPAN_MAX per record). */
struct ft_lines {
    struct ft_line *v;
    size_t n, cap;
};

struct ft_reader {
    struct vg_conv *cx;
    struct vg_line_src *src;
    int started;   /* a line was read from src (the BOM is stripped from the first) */
    int header_ok; /* the header was read and is the Fifth Tribe one */

    /* Lines to read again before the source's next one (after an unclosed quote). */
    struct vg_buf replay;
    struct ft_lines replay_lines;
    size_t replay_next;

    /* The record being read. */
    struct vg_buf raw;     /* its lines, joined by "\n" */
    struct ft_lines lines; /* where each lies in raw */
    struct vg_buf fields;  /* decoded fields, each NUL-terminated */
    size_t starts[FT_COLUMNS];
    int n_fields; /* fields ended so far (counts past FT_COLUMNS) */
    enum ft_state state;
    char error[200]; /* why the record is broken, "" if it is not */

    struct vg_buf text; /* scratch for the tweet with references decoded */
};

/* ---- lines --------------------------------------------------------------------------------- */

static vg_status lines_push(struct ft_lines *l, struct ft_line line)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        struct ft_line *v = vg_realloc(l->v, cap * sizeof(*v));
        if (!v)
            return VG_ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = line;
    return VG_OK;
}

/* The next line: from the replay queue first, then from the source (first line: BOM dropped).
 * Returns 1, 0 at the end, VG_ELIMIT for an over-long line, or another negative status. */
static int next_line(struct ft_reader *r, const char **line, size_t *len, uint64_t *no,
                     uint64_t *off)
{
    if (r->replay_next < r->replay_lines.n) {
        const struct ft_line *l = &r->replay_lines.v[r->replay_next++];
        *line = r->replay.data + l->start;
        *len = l->len;
        *no = l->line_no;
        *off = l->offset;
        return 1;
    }
    r->replay_lines.n = r->replay_next = 0;
    vg_buf_reset(&r->replay);
    int got = r->src->next(r->src->ud, line, len, no, off);
    if (got == 1 && !r->started && *len >= 3 && !memcmp(*line, "\xEF\xBB\xBF", 3)) {
        *line += 3;
        *len -= 3;
    }
    if (got != 0)
        r->started = 1;
    return got;
}

/* Append line l, whose bytes are s, to a replay queue being built. */
static vg_status queue_line(struct vg_buf *buf, struct ft_lines *lines, const char *s,
                            struct ft_line l)
{
    vg_status rc = vg_buf_append(buf, s, l.len);
    l.start = buf->len - l.len;
    return rc ? rc : lines_push(lines, l);
}

/*
 * Queue the record's lines after its first to be read again, then `extra` (a line read but not
 * kept in the record, or NULL), ahead of the lines still queued (a record read from the queue
 * took its lines from the queue's head).
 */
static vg_status replay_rest_of_record(struct ft_reader *r, const char *extra,
                                       const struct ft_line *extra_pos)
{
    struct vg_buf buf;
    struct ft_lines lines = { 0 };
    vg_status rc = VG_OK;
    vg_buf_init(&buf, 4 * (size_t)VG_LINE_MAX);
    for (size_t i = 1; i < r->lines.n && rc == VG_OK; i++)
        rc = queue_line(&buf, &lines, r->raw.data + r->lines.v[i].start, r->lines.v[i]);
    if (extra && rc == VG_OK)
        rc = queue_line(&buf, &lines, extra, *extra_pos);
    for (size_t i = r->replay_next; i < r->replay_lines.n && rc == VG_OK; i++)
        rc = queue_line(&buf, &lines, r->replay.data + r->replay_lines.v[i].start,
                        r->replay_lines.v[i]);
    if (rc) {
        vg_buf_release(&buf);
        vg_free(lines.v);
        return rc;
    }
    vg_buf_release(&r->replay);
    vg_free(r->replay_lines.v);
    r->replay = buf;
    r->replay_lines = lines;
    r->replay_next = 0;
    return VG_OK;
}

/* ---- the state machine --------------------------------------------------------------------- */

static const char *column_name(int i)
{
    return i < FT_COLUMNS ? ft_names[i] : "after tweets";
}

static void broken(struct ft_reader *r, const char *what)
{
    snprintf(r->error, sizeof(r->error), "column %s: %s", column_name(r->n_fields), what);
    r->state = FT_BROKEN;
}

/* End the current field: NUL-terminate it, and remember where the next starts. */
static void end_field(struct ft_reader *r)
{
    if (r->n_fields < FT_COLUMNS) {
        r->fields.data[r->fields.len++] = '\0';
        if (r->n_fields + 1 < FT_COLUMNS)
            r->starts[r->n_fields + 1] = r->fields.len;
    }
    r->n_fields++;
    r->state = FT_FIELD_START;
}

/* Append byte c to the current field (bytes of columns past the eighth are dropped). */
static void put(struct ft_reader *r, char c)
{
    if (r->n_fields < FT_COLUMNS)
        r->fields.data[r->fields.len++] = c;
}

/* Run the bytes of one line through the machine. Room was reserved by the caller. */
static void scan_bytes(struct ft_reader *r, const char *s, size_t len)
{
    for (size_t i = 0; i < len && r->state != FT_BROKEN; i++) {
        char c = s[i];
        switch (r->state) {
            case FT_FIELD_START:
                if (c == '"')
                    r->state = FT_QUOTED;
                else if (c == ',')
                    end_field(r);
                else {
                    put(r, c);
                    r->state = FT_UNQUOTED;
                }
                break;
            case FT_UNQUOTED:
                if (c == ',')
                    end_field(r);
                else if (c == '"')
                    broken(r, "a quote inside an unquoted field (quote the field and double "
                              "the quote)");
                else
                    put(r, c);
                break;
            case FT_QUOTED:
                if (c == '"')
                    r->state = FT_QUOTE_SEEN;
                else
                    put(r, c);
                break;
            case FT_QUOTE_SEEN:
                if (c == '"') {
                    put(r, '"');
                    r->state = FT_QUOTED;
                } else if (c == ',') {
                    end_field(r);
                } else {
                    broken(r, "text after the closing quote");
                }
                break;
            case FT_BROKEN:
                break;
        }
    }
}

/*
 * Feed one line of the record. A trailing "\r" ends the record (CRLF) unless the line ends
 * inside a quoted field, where it is text like the "\n" after it. *done: 1 when the record ends
 * with this line, 0 when it goes on to the next.
 */
static vg_status feed_line(struct ft_reader *r, const char *s, size_t len, int *done)
{
    int cr = len > 0 && s[len - 1] == '\r';
    vg_status rc = vg_buf_reserve(&r->fields, len + 3);
    if (rc)
        return rc;
    scan_bytes(r, s, len - (size_t)cr);
    if (r->state == FT_QUOTED) {
        if (cr)
            put(r, '\r');
        put(r, '\n');
        *done = 0;
        return VG_OK;
    }
    if (r->state != FT_BROKEN)
        end_field(r);
    r->fields.data[r->fields.len] = '\0';
    *done = 1;
    return VG_OK;
}

/* Start reading a new record. */
static void record_reset(struct ft_reader *r)
{
    vg_buf_reset(&r->raw);
    vg_buf_reset(&r->fields);
    r->lines.n = 0;
    r->n_fields = 0;
    r->starts[0] = 0;
    r->state = FT_FIELD_START;
    r->error[0] = '\0';
}

/* Add a line to the record's raw bytes and line list. */
static vg_status keep_line(struct ft_reader *r, const char *s, size_t len, uint64_t no,
                           uint64_t off)
{
    struct ft_line l = {
        .start = r->raw.len + (r->lines.n ? 1 : 0), .len = len, .line_no = no, .offset = off
    };
    vg_status rc = r->lines.n ? vg_buf_putc(&r->raw, '\n') : VG_OK;
    if (rc == VG_OK)
        rc = vg_buf_append(&r->raw, s, len);
    if (rc == VG_OK)
        rc = lines_push(&r->lines, l);
    return rc;
}

/* The quote opened in this record is not closed: reject from the opening line only, and read
 * the lines after it again (and `extra`, see replay_rest_of_record). `why` says where reading
 * stopped. */
static vg_status unclosed_quote(struct ft_reader *r, const char *why, const char *extra,
                                const struct ft_line *extra_pos)
{
    snprintf(r->error, sizeof(r->error),
             "column %s: the quoted field opened on line %llu is not closed %s",
             column_name(r->n_fields), (unsigned long long)r->lines.v[0].line_no, why);
    r->state = FT_BROKEN;
    vg_status rc = replay_rest_of_record(r, extra, extra_pos);
    r->lines.n = 1; /* the rejected record is the opening line */
    r->raw.len = r->lines.v[0].len;
    return rc;
}

/* 1 if the line is empty (or only the "\r" of a CRLF). */
static int blank_line(const char *s, size_t len)
{
    return len == 0 || (len == 1 && s[0] == '\r');
}

/*
 * A quoting error on a later line of a record that spans lines: the quote that made it span was
 * probably a stray one, so only the opening line is rejected and the lines after it are read
 * again, as for an unclosed quote.
 */
static int misquoted_span(struct ft_reader *r)
{
    char what[sizeof(r->error)];
    uint64_t at = r->lines.v[r->lines.n - 1].line_no;
    snprintf(what, sizeof(what), "%s", r->error);
    vg_status rc = replay_rest_of_record(r, NULL, NULL);
    snprintf(r->error, sizeof(r->error),
             "%.120s on line %llu, in a quoted field opened on line %llu", what,
             (unsigned long long)at, (unsigned long long)r->lines.v[0].line_no);
    r->lines.n = 1;
    r->raw.len = r->lines.v[0].len;
    return rc ? (int)rc : 1;
}

/* A record made of one over-long line, which the source skipped. */
static int long_line(struct ft_reader *r, uint64_t no, uint64_t off)
{
    struct ft_line l = { .line_no = no, .offset = off };
    snprintf(r->error, sizeof(r->error), "line longer than the %u-byte limit", VG_LINE_MAX);
    vg_status rc = lines_push(&r->lines, l);
    return rc ? (int)rc : 1;
}

/* What read_record returns for a record that ends with an unclosed quote. */
static int unclosed(struct ft_reader *r, const char *why, const char *extra,
                    const struct ft_line *extra_pos)
{
    vg_status rc = unclosed_quote(r, why, extra, extra_pos);
    return rc ? (int)rc : 1;
}

/*
 * Read the next record's lines. Returns 1 with a record (r->error says if it is broken), 0 at
 * the end of the input, or a negative status.
 */
static int read_record(struct ft_reader *r)
{
    record_reset(r);
    for (;;) {
        const char *s;
        size_t len;
        uint64_t no, off;
        int done = 0, got = next_line(r, &s, &len, &no, &off);
        vg_status rc;
        if (got == 0)
            return r->lines.n ? unclosed(r, "before the end of the input", NULL, NULL) : 0;
        if (got == VG_ELIMIT && r->lines.n == 0)
            return long_line(r, no, off);
        if (got == VG_ELIMIT) {
            /* The long line was skipped; the quoted field cannot be trusted past it. */
            snprintf(r->error, sizeof(r->error),
                     "column %s: line %llu inside the quoted field is longer than the %u-byte "
                     "limit",
                     column_name(r->n_fields), (unsigned long long)no, VG_LINE_MAX);
            return 1;
        }
        if (got < 0)
            return got;
        if (r->lines.n == 0 && blank_line(s, len))
            continue; /* blank lines between records are not records */
        if ((rc = keep_line(r, s, len, no, off)) == VG_ELIMIT) {
            struct ft_line l = { .len = len, .line_no = no, .offset = off };
            return unclosed(r, "within the record size limit", s, &l);
        }
        if (rc || (rc = feed_line(r, s, len, &done)))
            return rc;
        if (done && r->state == FT_BROKEN && r->lines.n > 1)
            return misquoted_span(r);
        if (done)
            return 1;
        if (r->lines.n >= FT_SPAN_MAX)
            return unclosed(r, "within 1000 lines", NULL, NULL);
    }
}

/* ---- fields -------------------------------------------------------------------------------- */

/* Column i of the record and its length (fields may hold NUL bytes, so lengths are kept). */
static const char *field(const struct ft_reader *r, int i, size_t *len)
{
    size_t end = i + 1 < FT_COLUMNS ? r->starts[i + 1] : r->fields.len;
    *len = end - r->starts[i] - 1;
    return r->fields.data + r->starts[i];
}

/* A text column: valid UTF-8 without NUL, within max bytes; NULL when empty. */
static vg_status text_column(struct ft_reader *r, int i, size_t max, const char **out)
{
    size_t len;
    const char *s = field(r, i, &len);
    *out = NULL;
    if (len > max)
        return vg_conv_field_error(r->cx, "column %s: %zu bytes, over the limit of %zu",
                                   ft_names[i], len, max);
    if (memchr(s, '\0', len) || !vg_utf8_valid(s, len))
        return vg_conv_field_error(r->cx, "column %s: invalid UTF-8 or a NUL byte", ft_names[i]);
    *out = len ? s : NULL;
    return VG_OK;
}

/* A count column: digits, or empty for "not given". */
static vg_status count_column(struct ft_reader *r, int i, int64_t *out)
{
    size_t len;
    const char *s = field(r, i, &len);
    int64_t v = 0;
    *out = -1;
    if (len == 0)
        return VG_OK;
    for (size_t k = 0; k < len; k++) {
        if (s[k] < '0' || s[k] > '9' || k >= 18)
            return vg_conv_field_error(r->cx, "column %s: \"%.20s\" is not a non-negative integer",
                                       ft_names[i], s);
        v = v * 10 + (s[k] - '0');
    }
    *out = v;
    return VG_OK;
}

static vg_status time_column(struct ft_reader *r, int64_t *out)
{
    const char *s;
    vg_status rc = text_column(r, FT_TIME, 64, &s);
    if (rc)
        return rc;
    if (!s)
        return vg_conv_field_error(r->cx, "column time: empty (a row needs the tweet's time)");
    if (vg_time_parse(s, out) != VG_OK)
        return vg_conv_field_error(r->cx, "column time: \"%.40s\" is not a time (M/D/YYYY H:MM)",
                                   s);
    return VG_OK;
}

/* The tweet as a reader sees it: Twitter wrote "&", "<" and ">" as references. */
static vg_status tweet_text(struct ft_reader *r, const char *raw, const char **out)
{
    *out = "";
    if (!raw)
        return VG_OK;
    if (!strchr(raw, '&')) {
        *out = raw;
        return VG_OK;
    }
    vg_buf_reset(&r->text);
    vg_status rc = vg_html_unescape_buf(raw, strlen(raw), &r->text);
    if (rc == VG_ELIMIT || (rc == VG_OK && r->text.len > VG_FIELD_MAX))
        return vg_conv_field_error(r->cx, "column tweets: over the limit once decoded");
    if (rc)
        return rc;
    *out = r->text.len ? vg_conv_strndup(r->cx, r->text.data, r->text.len) : "";
    if (*out)
        return VG_OK;
    return r->cx->reason[0] ? VG_EFIELD : VG_ENOMEM;
}

/* "ft:" and 16 hex digits of a hash of username, time and tweet as written: the CSV has no
 * tweet ids, and these three tell two tweets apart (none of the real rows share all three). */
static const char *post_id(struct ft_reader *r, const char *user, const char *time,
                           const char *tweet)
{
    uint64_t h = vg_hash64(user, strlen(user), 0);
    h = vg_hash64(time, strlen(time), h);
    h = vg_hash64(tweet ? tweet : "", tweet ? strlen(tweet) : 0, h);
    return vg_arena_printf(&r->cx->arena, "ft:%016llx", (unsigned long long)h);
}

/* The account and post events of a well-formed row. */
static vg_status row_events(struct ft_reader *r)
{
    struct vg_conv *cx = r->cx;
    struct vg_account a;
    const char *user, *raw_tweet, *time_str, *text;
    int64_t at;
    size_t len;
    vg_status rc;
    memset(&a, 0, sizeof(a));
    a.created_at = VG_TIME_UNKNOWN;
    a.following = -1;
    if ((rc = text_column(r, FT_NAME, VG_FIELD_MAX, &a.name)) ||
        (rc = text_column(r, FT_USERNAME, VG_ID_MAX, &user)) ||
        (rc = text_column(r, FT_DESCRIPTION, VG_FIELD_MAX, &a.bio)) ||
        (rc = count_column(r, FT_FOLLOWERS, &a.followers)) ||
        (rc = count_column(r, FT_NUMBERSTATUSES, &a.posts)) || (rc = time_column(r, &at)) ||
        (rc = text_column(r, FT_TWEETS, VG_FIELD_MAX, &raw_tweet)) ||
        (rc = tweet_text(r, raw_tweet, &text)))
        return rc;
    if (!user)
        return vg_conv_field_error(cx, "column username: empty (a row needs its account)");
    time_str = field(r, FT_TIME, &len);
    a.id = a.handle = user;
    a.observed_at = at;
    struct vg_event *ev = vg_conv_event(cx, VG_EV_ACCOUNT, PLATFORM);
    if (!ev)
        return cx->reason[0] ? VG_EFIELD : VG_ENOMEM;
    ev->u.account = a;
    if (!(ev = vg_conv_event(cx, VG_EV_POST, PLATFORM)))
        return cx->reason[0] ? VG_EFIELD : VG_ENOMEM;
    struct vg_post *p = &ev->u.post;
    if (!(p->id = post_id(r, user, time_str, raw_tweet)))
        return VG_ENOMEM;
    p->account = user;
    p->created_at = at;
    p->text = text;
    return vg_conv_extract_entities(cx, p);
}

/* ---- header and rows ----------------------------------------------------------------------- */

/* 1 if the record's fields are the header's names. */
static int is_header(const struct ft_reader *r)
{
    if (r->error[0] || r->n_fields != FT_COLUMNS)
        return 0;
    for (int i = 0; i < FT_COLUMNS; i++) {
        size_t len;
        const char *s = field(r, i, &len);
        if (len != strlen(ft_names[i]) || memcmp(s, ft_names[i], len))
            return 0;
    }
    return 1;
}

/* Why the first record is not the header. */
static void header_problem(const struct ft_reader *r, char *buf, size_t size)
{
    if (r->error[0]) {
        snprintf(buf, size, "%s", r->error);
        return;
    }
    if (r->n_fields != FT_COLUMNS) {
        snprintf(buf, size, "%d columns", r->n_fields);
        return;
    }
    for (int i = 0; i < FT_COLUMNS; i++) {
        size_t len;
        const char *s = field(r, i, &len);
        if (len != strlen(ft_names[i]) || memcmp(s, ft_names[i], len)) {
            snprintf(buf, size, "column %d is \"%.40s\"", i + 1, s);
            return;
        }
    }
}

/* Hand the record to the sink: rejected with r->error or `why`, else with its events. */
static vg_status finish_record(struct ft_reader *r, const char *why)
{
    struct vg_conv *cx = r->cx;
    vg_status rc;
    cx->line = r->lines.v[0].line_no;
    cx->offset = r->lines.v[0].offset;
    cx->doc_raw = r->raw.data ? r->raw.data : "";
    cx->doc_len = r->raw.len > VG_REJECT_RAW_MAX ? VG_REJECT_RAW_MAX : r->raw.len;
    vg_conv_begin(cx, -1);
    if (r->error[0])
        rc = vg_conv_reject(cx, "%s", r->error);
    else if (why)
        rc = vg_conv_reject(cx, "%s", why);
    else if (r->n_fields != FT_COLUMNS)
        rc = vg_conv_reject(cx, "row has %d columns, expected %d (%s)", r->n_fields, FT_COLUMNS,
                            r->n_fields < FT_COLUMNS ? "column tweets or more is missing"
                                                     : "text after column tweets");
    else if ((rc = row_events(r)) == VG_OK || rc == VG_EFIELD)
        rc = vg_conv_end(cx);
    vg_arena_reset(&cx->arena);
    return rc;
}

/* The first record: the header. A wrong one is rejected, and so is every row after it. */
static vg_status read_header(struct ft_reader *r, int *more)
{
    char problem[240], why[400];
    int got = read_record(r);
    *more = got == 1;
    if (got <= 0)
        return (vg_status)got;
    if ((r->header_ok = is_header(r)))
        return VG_OK;
    header_problem(r, problem, sizeof(problem));
    snprintf(why, sizeof(why),
             "header: expected name,username,description,location,followers,numberstatuses,"
             "time,tweets; %s",
             problem);
    r->error[0] = '\0';
    return finish_record(r, why);
}

static vg_status read_rows(struct ft_reader *r)
{
    static const char no_header[] =
            "row not read: the input does not start with the Fifth Tribe header";
    int got;
    while ((got = read_record(r)) == 1) {
        vg_status rc;
        if (r->header_ok && is_header(r))
            continue; /* the header again: files concatenated */
        if ((rc = finish_record(r, r->header_ok ? NULL : no_header)))
            return rc;
    }
    return (vg_status)got;
}

vg_status vg__read_fifth_tribe(struct vg_conv *cx, struct vg_line_src *src)
{
    struct ft_reader r;
    int more;
    memset(&r, 0, sizeof(r));
    r.cx = cx;
    r.src = src;
    vg_buf_init(&r.replay, 4 * (size_t)VG_LINE_MAX);
    vg_buf_init(&r.raw, VG_LINE_MAX);
    vg_buf_init(&r.fields, 2 * (size_t)VG_LINE_MAX);
    vg_buf_init(&r.text, 4 * (size_t)VG_FIELD_MAX);
    vg_status rc = read_header(&r, &more);
    if (rc == VG_OK && more)
        rc = read_rows(&r);
    vg_buf_release(&r.replay);
    vg_buf_release(&r.raw);
    vg_buf_release(&r.fields);
    vg_buf_release(&r.text);
    vg_free(r.lines.v);
    vg_free(r.replay_lines.v);
    return rc;
}
