/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ingest_test_util.h: helpers for reader tests. Runs bytes or a file through the real driver and
 * collects what came out: every event as native JSON (one string per event, in order) and every
 * rejection's reason, so tests assert on exact values.
 */
#ifndef VG_INGEST_TEST_UTIL_H
#define VG_INGEST_TEST_UTIL_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ingest.h"
#include "ingest_input.h"

/* Inputs in tests are "received" at this fixed time, so records without a time of their own
 * (ActivityPub Flag and Delete as Mastodon sends them) give reproducible events. */
#define VG_TEST_RECEIVED_AT 1700000000 /* 2023-11-14T22:13:20Z */

struct collected {
    char **events; /* native JSON of each event */
    int *event_types;
    size_t n_events;
    size_t cap_events;
    char **reasons; /* reason of each rejected record */
    uint64_t *reject_lines;
    size_t n_rejects;
    size_t n_records; /* records seen (accepted + rejected) */
    size_t n_dropped; /* optional values dropped from records that were kept */
};

static inline vg_status collect_record(void *ud, const struct vg_record *rec)
{
    struct collected *c = ud;
    c->n_records++;
    c->n_dropped += rec->n_dropped;
    if (rec->reason) {
        c->reasons = realloc(c->reasons, (c->n_rejects + 1) * sizeof(*c->reasons));
        c->reject_lines = realloc(c->reject_lines, (c->n_rejects + 1) * sizeof(uint64_t));
        c->reasons[c->n_rejects] = strdup(rec->reason);
        c->reject_lines[c->n_rejects++] = rec->line;
        return VG_OK;
    }
    for (size_t i = 0; i < rec->n_events; i++) {
        struct vg_buf b;
        vg_buf_init(&b, 1u << 30);
        if (vg__event_write_json(&rec->events[i], &b) != VG_OK)
            return VG_EINVAL;
        if (c->n_events == c->cap_events) {
            /* Grow geometrically: a real file gives tens of thousands of events. */
            c->cap_events = c->cap_events ? c->cap_events * 2 : 64;
            c->events = realloc(c->events, c->cap_events * sizeof(*c->events));
            c->event_types = realloc(c->event_types, c->cap_events * sizeof(int));
        }
        c->event_types[c->n_events] = rec->events[i].type;
        c->events[c->n_events++] = vg_buf_take(&b);
    }
    return VG_OK;
}

/* Run `len` bytes through the driver with the given options (tests' fixed received time). */
static inline vg_status collect_mem_opts(const char *data, size_t len,
                                         const struct vg_ingest_opts *opts, struct collected *c)
{
    memset(c, 0, sizeof(*c));
    struct vg_input in;
    vg_status rc = vg_input_open_mem(&in, data, len, "test");
    if (rc)
        return rc;
    rc = vg__ingest_run(&in, opts, collect_record, c);
    vg_input_close(&in);
    return rc;
}

/* Run `len` bytes through the driver with the given format (VG_FORMAT_AUTO to detect). */
static inline vg_status collect_mem(const char *data, size_t len, enum vg_format format,
                                    const char *owner, struct collected *c)
{
    struct vg_ingest_opts opts;
    vg_ingest_opts_init(&opts);
    opts.format = format;
    opts.owner = owner;
    opts.received_at = VG_TEST_RECEIVED_AT;
    return collect_mem_opts(data, len, &opts, c);
}

/* Fixtures written with ' for " stay readable: this turns them into JSON (caller frees). */
static inline char *json_fixture(const char *s)
{
    char *out = strdup(s);
    for (char *p = out; *p; p++)
        if (*p == '\'')
            *p = '"';
    return out;
}

/* The same over a file (e.g. under VG_SHARED_DATA). */
static inline vg_status collect_file(const char *path, enum vg_format format, struct collected *c)
{
    memset(c, 0, sizeof(*c));
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return VG_ENOENT;
    struct vg_input in;
    vg_status rc = vg_input_open_fd(&in, fd, path, 0);
    if (rc) {
        close(fd);
        return rc;
    }
    struct vg_ingest_opts opts;
    vg_ingest_opts_init(&opts);
    opts.format = format;
    opts.received_at = VG_TEST_RECEIVED_AT;
    rc = vg__ingest_run(&in, &opts, collect_record, c);
    vg_input_close(&in);
    close(fd);
    return rc;
}

/* Number of collected events of a type. */
static inline size_t count_type(const struct collected *c, enum vg_event_type t)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n_events; i++)
        n += c->event_types[i] == (int)t;
    return n;
}

/* Index of the first event whose JSON contains `needle`, or -1. */
static inline long find_event(const struct collected *c, const char *needle)
{
    for (size_t i = 0; i < c->n_events; i++)
        if (strstr(c->events[i], needle))
            return (long)i;
    return -1;
}

#define assert_contains(hay, needle)                                                               \
    do {                                                                                           \
        const char *h_ = (hay);                                                                    \
        if (!h_ || !strstr(h_, (needle)))                                                          \
            fail_msg("expected %s in %s", (needle), h_ ? h_ : "(null)");                           \
    } while (0)

#define assert_lacks(hay, needle)                                                                  \
    do {                                                                                           \
        const char *h_ = (hay);                                                                    \
        if (h_ && strstr(h_, (needle)))                                                            \
            fail_msg("did not expect %s in %s", (needle), h_);                                     \
    } while (0)

/* The native JSON of the event of this type, platform and id, or NULL. */
static inline const char *event_of(const struct collected *c, const char *type,
                                   const char *platform, const char *id)
{
    char head[256];
    snprintf(head, sizeof(head), "{\"type\":\"%s\",\"platform\":\"%s\",\"id\":\"%s\"", type,
             platform, id);
    for (size_t i = 0; i < c->n_events; i++)
        if (!strncmp(c->events[i], head, strlen(head)))
            return c->events[i];
    return NULL;
}

/* The same for the twitter readers' events. */
#define twitter_event_of(c, type, id) event_of((c), (type), "twitter", (id))

static inline void collected_free(struct collected *c)
{
    for (size_t i = 0; i < c->n_events; i++)
        vg_free(c->events[i]);
    for (size_t i = 0; i < c->n_rejects; i++)
        free(c->reasons[i]);
    free(c->events);
    free(c->event_types);
    free(c->reasons);
    free(c->reject_lines);
    memset(c, 0, sizeof(*c));
}

/* Run s with the given format, expect exactly one rejected record, and check its reason. */
static inline void expect_one_reject(const char *s, enum vg_format format, const char *reason)
{
    struct collected c;
    assert_int_equal(collect_mem(s, strlen(s), format, NULL, &c), VG_OK);
    if (c.n_records != 1 || c.n_rejects != 1)
        fail_msg("expected one rejection (%s); got %zu records, %zu rejects, event %s", reason,
                 c.n_records, c.n_rejects, c.n_events ? c.events[0] : "(none)");
    assert_int_equal(c.n_events, 0);
    assert_string_equal(c.reasons[0], reason);
    collected_free(&c);
}

#endif /* VG_INGEST_TEST_UTIL_H */
