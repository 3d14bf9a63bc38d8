/* SPDX-License-Identifier: Apache-2.0 */
/*
 * server.h: the HTTP server stage (src/server/). One declarative route table (server_routes.c)
 * says, for every endpoint, its method, path pattern, the roles allowed and its handler; the
 * dispatcher (server_http.c) authenticates, checks the role and the CSRF token, parses the JSON
 * body and calls the handler, which reads fields with the req_* helpers (server_json.c) and
 * answers with the res_* helpers. A new endpoint is one row and one handler function.
 *
 * Also here: the login rate limiter, the metrics (Prometheus text) and the static file path
 * check, each a small piece with its own unit test.
 */
#ifndef VG_SERVER_H
#define VG_SERVER_H

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdatomic.h>

#include "cases.h"
#include "core.h"

#define VG_SERVER_MAX_ROUTES 64
#define VG_SERVER_MAX_PARAMS 2
#define VG_JSON_MAX_DEPTH    16

/* Role masks of the route table. */
#define ROLE(r)     (1u << VG_ROLE_##r)
#define ROLES_ALL   ((1u << VG_ROLE__COUNT) - 1)
#define ROLES_STAFF (ROLE(ADMIN) | ROLE(LEAD) | ROLE(REVIEWER) | ROLE(ANALYST))

/* Route flags. */
#define ROUTE_PUBLIC 1u /* no authentication (login, healthz) */

struct vg_req;
typedef void (*vg_handler)(struct vg_req *r);

struct vg_route {
    const char *method;  /* "GET", "POST", "PATCH", "DELETE" */
    const char *pattern; /* "/api/v1/users/{id}": {id} matches a positive decimal integer */
    unsigned roles;      /* mask of 1 << enum vg_role allowed (ignored when PUBLIC) */
    unsigned flags;
    vg_handler handler;
    const char *summary; /* one line for docs/api.md */
};

extern const struct vg_route vg__routes[];
extern const size_t vg__n_routes;

/* ---- route matching (pure; fuzzed) --------------------------------------------------------- */

enum vg_route_match {
    VG_ROUTE_NONE,
    VG_ROUTE_PATH_ONLY,
    VG_ROUTE_OK
};

/*
 * Find the route of method + path. VG_ROUTE_OK: *route is its index and ids[] its {id} values;
 * VG_ROUTE_PATH_ONLY: a route has this path but not this method (405); VG_ROUTE_NONE: 404.
 */
enum vg_route_match vg__route_find(const struct vg_route *routes, size_t n, const char *method,
                                   const char *path, size_t *route,
                                   int64_t ids[VG_SERVER_MAX_PARAMS]);
/* 1 when path matches pattern (ids filled), else 0. */
int vg__route_match(const char *pattern, const char *path, int64_t ids[VG_SERVER_MAX_PARAMS]);

/* ---- JSON bodies (pure; fuzzed) ------------------------------------------------------------ */

/*
 * Parse a request body that must be one JSON object: valid UTF-8, no NUL byte, nesting at most
 * VG_JSON_MAX_DEPTH. On failure NULL and err names the problem with its byte offset
 * ("malformed JSON at byte 17", "JSON nested deeper than 16 levels at byte 40",
 * "the body must be a JSON object").
 */
cJSON *vg__json_body_parse(const char *body, size_t len, char *err, size_t cap);

/* ---- requests and responses ---------------------------------------------------------------- */

struct vg_server_metrics;

struct vg_req {
    /* in */
    const char *method, *path, *client;
    const char *body;
    size_t body_len;
    cJSON *json; /* the body (POST/PATCH/PUT), parsed; NULL otherwise */
    int64_t ids[VG_SERVER_MAX_PARAMS];
    struct vg_actor who; /* valid unless the route is public */
    int via_session;
    const char *session; /* the session cookie's value, or NULL */
    vg_db *db;           /* this worker thread's connection */
    struct vg_server *srv;
    void *conn;                                        /* struct MHD_Connection */
    const char *(*query)(void *conn, const char *key); /* a query argument or NULL */
    /* out */
    int status;
    struct vg_buf out;
    const char *content_type;
    char set_cookie[256];
    char retry_after[16];
};

/* Answer with status and a JSON body {"error": msg}. */
void res_error(struct vg_req *r, int status, const char *fmt, ...) VG_PRINTF(3, 4);
/* Start a JSON answer with this status (the handler appends the body to r->out). */
void res_json(struct vg_req *r, int status);
/* Answer 500 after a store failure (logged with the store's message). */
void res_store_error(struct vg_req *r, vg_status rc);
void out_str(struct vg_req *r, const char *s); /* a JSON string, or null for NULL */
void out_raw(struct vg_req *r, const char *s);
void out_fmt(struct vg_req *r, const char *fmt, ...) VG_PRINTF(2, 3);

/*
 * Body field readers. On a missing required field or a wrong type they answer 400 naming the
 * field and return 0; the handler then returns. Optional fields absent: *out NULL / unchanged.
 */
int req_only(struct vg_req *r, const char *const *allowed); /* 400 on any other field */
int req_str(struct vg_req *r, const char *field, int required, size_t max, const char **out);
int req_bool(struct vg_req *r, const char *field, int *out); /* absent: *out unchanged */
/* A query argument as a non-negative integer (absent: def). 400 when malformed. */
int req_query_int(struct vg_req *r, const char *key, int64_t def, int64_t max, int64_t *out);

/* ---- login rate limiting ------------------------------------------------------------------- */

/*
 * Failed logins counted per key ("name:..." and "addr:...") in a fixed window: after `max`
 * failures within `window` seconds from the first, the key is locked until the window ends.
 * A fixed-size table (collisions of the 64-bit key hash are ignored: they only share a
 * counter); thread-safe.
 */
struct vg_ratelimit;
vg_status vg__ratelimit_new(size_t slots, unsigned window, struct vg_ratelimit **out);
void vg__ratelimit_free(struct vg_ratelimit *rl);
/* Seconds until key may try again (0: allowed now) with at most max failures. */
unsigned vg__ratelimit_wait(struct vg_ratelimit *rl, const char *key, unsigned max, int64_t now);
void vg__ratelimit_fail(struct vg_ratelimit *rl, const char *key, int64_t now);
void vg__ratelimit_clear(struct vg_ratelimit *rl, const char *key);

/* ---- metrics ------------------------------------------------------------------------------- */

/* Route index for requests outside the table. */
#define METRIC_STATIC   VG_SERVER_MAX_ROUTES
#define METRIC_NOTFOUND (VG_SERVER_MAX_ROUTES + 1)
#define METRIC_ROUTES   (VG_SERVER_MAX_ROUTES + 2)
#define METRIC_STATUSES 14
#define METRIC_BUCKETS  12

struct vg_server_metrics {
    _Atomic uint64_t count[METRIC_ROUTES][METRIC_STATUSES];
    _Atomic uint64_t bucket[METRIC_BUCKETS]; /* cumulative at export, not here */
    _Atomic uint64_t n, sum_us;
};

void vg__metrics_record(struct vg_server_metrics *m, size_t route, int status, uint64_t micros);
/* Prometheus text exposition into b. */
vg_status vg__metrics_text(const struct vg_server_metrics *m, const struct vg_route *routes,
                           size_t n_routes, struct vg_buf *b);

/* ---- static files -------------------------------------------------------------------------- */

/* 1 when a URL path may name a file under the web root: [A-Za-z0-9._/-] only, no segment that
 * starts with '.', no "//", at most 200 bytes. Anything else is refused before touching disk. */
int vg__static_path_ok(const char *path);

/* Decode the %HH escapes of a URL path or argument in place and return its new length, except
 * %00, which stays as written: a decoded NUL would end the C string early, so
 * "/app.js%00.png" would name /app.js. Malformed escapes ("%zz", "%4") stay as written. */
size_t vg__url_unescape(char *s);

/* ---- the server ---------------------------------------------------------------------------- */

struct vg_server {
    struct vg_server_opts o;
    char *db_path, *web_root, *web_real;
    char address[80];
    void *daemon; /* struct MHD_Daemon */
    /* One SQLite connection per worker thread, opened on the thread's first request and closed
     * when the thread ends (MHD joins its pool threads in MHD_stop_daemon): vg_db handles are
     * not thread-safe, and separate connections let WAL readers run in parallel while SQLite
     * serialises writers (BEGIN IMMEDIATE, 5 s busy timeout). */
    pthread_key_t db_key;
    struct vg_ratelimit *login_limit;
    struct vg_server_metrics metrics;
    struct vg__sweeper *sweeper;   /* expired evidence deleted periodically (server_records.c) */
    struct vg_enforce_delay delay; /* before enforcing a decision (vg_server_cases_config) */
};

#endif /* VG_SERVER_H */
