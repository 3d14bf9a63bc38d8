/* SPDX-License-Identifier: Apache-2.0 */
/*
 * server_http.c: the HTTP side of the server on libmicrohttpd (0.9.75 API): a pool of worker
 * threads, each with its own store connection; request bodies read up to a limit (413 past
 * it, before reading more when Content-Length says so); the dispatcher that walks the route
 * table (server_routes.c): 404 / 405, then authentication (bearer token or session cookie, 401),
 * the route's roles (403), the CSRF token for state-changing calls made with a session (403),
 * the JSON body (400 naming the problem), and the handler. Everything else is a static file
 * from the web root. Every answer carries the same security headers and is counted in /metrics.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "server.h"
#include "server_records.h"

#define DEFAULT_THREADS  4
#define DEFAULT_MAX_BODY (64u * 1024)
#define DEFAULT_TTL      (8 * 3600)
#define LOGIN_WINDOW     (15 * 60)
#define EVIDENCE_SWEEP   3600 /* seconds between deletions of expired evidence */

static uint64_t now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
}

/* Per-request state across libmicrohttpd's calls of the access handler. */
struct conn_ctx {
    struct vg_buf body;
    int too_big;
    uint64_t start;
};

/* ---- store connections, one per worker thread ---------------------------------------------- */

static void close_thread_db(void *db)
{
    vg_db_close(db);
}

static vg_db *thread_db(struct vg_server *s)
{
    vg_db *db = pthread_getspecific(s->db_key);
    if (db)
        return db;
    if (vg_db_open(s->db_path, &db) != VG_OK)
        return NULL;
    pthread_setspecific(s->db_key, db);
    return db;
}

/* ---- answers ------------------------------------------------------------------------------- */

/* The console (static files) may load scripts, styles, images and API answers from this server
 * only: no inline script or style, no eval, no plugins, no <base>, forms post only here, never
 * framed. An API answer is data, never a page: it may load nothing. */
#define CSP_CONSOLE                                                                                \
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "        \
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "                   \
    "frame-ancestors 'none'"
#define CSP_API "default-src 'none'; frame-ancestors 'none'"

static void add_common_headers(struct MHD_Response *resp, int api)
{
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Content-Security-Policy", api ? CSP_API : CSP_CONSOLE);
    if (api)
        MHD_add_response_header(resp, "Cache-Control", "no-store");
}

static enum MHD_Result send_req(struct vg_server *s, struct MHD_Connection *c, struct vg_req *r,
                                size_t metric_route, uint64_t start)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(
            r->out.len, r->out.len ? r->out.data : (void *)"", MHD_RESPMEM_MUST_COPY);
    if (!resp)
        return MHD_NO;
    add_common_headers(resp, 1);
    if (r->content_type)
        MHD_add_response_header(resp, "Content-Type", r->content_type);
    if (r->set_cookie[0])
        MHD_add_response_header(resp, "Set-Cookie", r->set_cookie);
    if (r->retry_after[0])
        MHD_add_response_header(resp, "Retry-After", r->retry_after);
    if (r->status == 401)
        MHD_add_response_header(resp, "WWW-Authenticate", "Bearer realm=\"vigie\"");
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    vg__metrics_record(&s->metrics, metric_route, r->status, now_us() - start);
    return ok;
}

/* ---- authentication ------------------------------------------------------------------------ */

/* 0 when r->who is set; else an error answer is in r. */
static int authenticate(struct vg_req *r, struct MHD_Connection *c)
{
    const char *authz = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    vg_status rc;
    if (authz) {
        if (strncmp(authz, "Bearer ", 7) != 0) {
            res_error(r, 401, "the Authorization header must be 'Bearer <token>'");
            return -1;
        }
        rc = vg_token_check(r->db, authz + 7, &r->who);
        if (rc == VG_ENOENT) {
            res_error(r, 401, "unknown or revoked token");
            return -1;
        }
    } else {
        r->session = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "vg_session");
        if (!r->session) {
            res_error(r, 401, "authentication required (session cookie or bearer token)");
            return -1;
        }
        rc = vg_session_check(r->db, r->session, &r->who);
        if (rc == VG_ENOENT) {
            res_error(r, 401, "session expired or unknown; sign in again");
            return -1;
        }
        r->via_session = 1;
    }
    if (rc) {
        res_store_error(r, rc);
        return -1;
    }
    return 0;
}

static int changes_state(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

static const char *mhd_query(void *conn, const char *key)
{
    return MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, key);
}

/* Run an API route: every check of the module comment, in order. */
static void dispatch_api(struct vg_req *r, struct MHD_Connection *c, size_t *metric_route)
{
    size_t i = 0;
    enum vg_route_match m =
            vg__route_find(vg__routes, vg__n_routes, r->method, r->path, &i, r->ids);
    if (m == VG_ROUTE_NONE) {
        res_error(r, 404, "no such endpoint: %.100s", r->path);
        return;
    }
    if (m == VG_ROUTE_PATH_ONLY) {
        res_error(r, 405, "method %.10s is not allowed on %.100s", r->method, r->path);
        return;
    }
    *metric_route = i;
    const struct vg_route *rt = &vg__routes[i];
    if (!(rt->flags & ROUTE_PUBLIC)) {
        if (authenticate(r, c))
            return;
        if (!(rt->roles & (1u << r->who.role))) {
            res_error(r, 403, "role '%s' may not %s %s", vg_role_name(r->who.role), rt->method,
                      rt->pattern);
            return;
        }
        /* A session cookie is sent by the browser whoever makes the page; the CSRF token is
         * readable only by our own pages (it comes in the login answer's body). */
        if (r->via_session && changes_state(r->method)) {
            const char *csrf = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token");
            if (!csrf || !vg_csrf_ok(&r->who, csrf)) {
                res_error(r, 403, "%s CSRF token (header X-CSRF-Token)",
                          csrf ? "wrong" : "missing");
                return;
            }
        }
    }
    if (!strcmp(r->method, "POST") || !strcmp(r->method, "PATCH") || !strcmp(r->method, "PUT")) {
        char err[160];
        if (!(r->json = vg__json_body_parse(r->body, r->body_len, err, sizeof(err)))) {
            res_error(r, 400, "%s", err);
            return;
        }
    }
    rt->handler(r);
}

/* ---- static files -------------------------------------------------------------------------- */

static const char *mime_type(const char *path)
{
    static const char *const types[][2] = {
        { ".html", "text/html; charset=utf-8" },
        { ".css", "text/css; charset=utf-8" },
        { ".js", "text/javascript; charset=utf-8" },
        { ".json", "application/json" },
        { ".svg", "image/svg+xml" },
        { ".png", "image/png" },
        { ".ico", "image/x-icon" },
        { ".txt", "text/plain; charset=utf-8" },
    };
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < VG_ARRAY_LEN(types); i++)
        if (!strcmp(dot, types[i][0]))
            return types[i][1];
    return "application/octet-stream";
}

/* Open the file a URL path names under the web root, or -1. The path was checked by
 * vg__static_path_ok; realpath then makes sure no symbolic link leads outside the root. */
static int open_static(struct vg_server *s, const char *path, struct stat *st)
{
    if (!s->web_real || !vg__static_path_ok(path))
        return -1;
    char full[PATH_MAX], real[PATH_MAX];
    int n = snprintf(full, sizeof(full), "%s%s", s->web_real,
                     !strcmp(path, "/") ? "/index.html" : path);
    if (n < 0 || (size_t)n >= sizeof(full) || !realpath(full, real))
        return -1;
    size_t root = strlen(s->web_real);
    if (strncmp(real, s->web_real, root) != 0 || real[root] != '/')
        return -1;
    int fd = open(real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
        close(fd);
        return -1;
    }
    return fd;
}

static enum MHD_Result serve_static(struct vg_server *s, struct MHD_Connection *c, struct vg_req *r,
                                    uint64_t start)
{
    if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD")) {
        res_error(r, 405, "method %.10s is not allowed on static files", r->method);
        return send_req(s, c, r, METRIC_STATIC, start);
    }
    struct stat st;
    int fd = open_static(s, r->path, &st);
    if (fd < 0) {
        res_error(r, 404, "not found");
        return send_req(s, c, r, METRIC_STATIC, start);
    }
    const char *file = !strcmp(r->path, "/") ? "/index.html" : r->path;
    struct MHD_Response *resp = MHD_create_response_from_fd((size_t)st.st_size, fd);
    if (!resp) {
        close(fd);
        return MHD_NO;
    }
    add_common_headers(resp, 0);
    MHD_add_response_header(resp, "Content-Type", mime_type(file));
    enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, resp);
    MHD_destroy_response(resp);
    vg__metrics_record(&s->metrics, METRIC_STATIC, 200, now_us() - start);
    return ok;
}

/* ---- the access handler -------------------------------------------------------------------- */

static void client_address(struct MHD_Connection *c, char *out, size_t cap)
{
    const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, cap, "?");
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                  (socklen_t)cap);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                  (socklen_t)cap);
}

static enum MHD_Result answer(struct vg_server *s, struct MHD_Connection *c, const char *url,
                              const char *method, struct conn_ctx *ctx)
{
    char client[64];
    client_address(c, client, sizeof(client));
    struct vg_req r = { .method = method,
                        .path = url,
                        .client = client,
                        .body = ctx->body.data ? ctx->body.data : "",
                        .body_len = ctx->body.len,
                        .srv = s,
                        .conn = c,
                        .query = mhd_query };
    vg_buf_init(&r.out, 16u << 20);
    size_t metric_route = METRIC_NOTFOUND;
    int api = !strncmp(url, "/api/", 5) || !strcmp(url, "/healthz") || !strcmp(url, "/metrics");
    enum MHD_Result ok;
    if (ctx->too_big) {
        res_error(&r, 413, "the body is over %zu bytes", s->o.max_body);
    } else if (!api) {
        ok = serve_static(s, c, &r, ctx->start);
        vg_buf_release(&r.out);
        return ok;
    } else if (!(r.db = thread_db(s))) {
        res_error(&r, 503, "the store cannot be opened");
    } else {
        dispatch_api(&r, c, &metric_route);
    }
    if (!r.status)
        res_error(&r, 500, "internal error (no answer)");
    ok = send_req(s, c, &r, metric_route, ctx->start);
    cJSON_Delete(r.json);
    vg_buf_release(&r.out);
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
    struct vg_server *s = cls;
    struct conn_ctx *ctx = *con_cls;
    VG_UNUSED(version);
    if (!ctx) {
        if (!(ctx = vg_calloc(1, sizeof(*ctx))))
            return MHD_NO;
        vg_buf_init(&ctx->body, s->o.max_body);
        ctx->start = now_us();
        *con_cls = ctx;
        /* A declared length over the limit is refused before the body is read. */
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        if (cl && strtoull(cl, NULL, 10) > s->o.max_body) {
            ctx->too_big = 1;
            return answer(s, c, url, method, ctx);
        }
        return MHD_YES;
    }
    if (*upload_size) {
        if (!ctx->too_big && vg_buf_append(&ctx->body, upload_data, *upload_size) != VG_OK)
            ctx->too_big = 1; /* keep reading and dropping: answered when the body ends */
        *upload_size = 0;
        return MHD_YES;
    }
    return answer(s, c, url, method, ctx);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    VG_UNUSED(cls);
    VG_UNUSED(c);
    VG_UNUSED(toe);
    struct conn_ctx *ctx = *con_cls;
    if (!ctx)
        return;
    vg_buf_release(&ctx->body);
    vg_free(ctx);
    *con_cls = NULL;
}

static size_t mhd_unescape(void *cls, struct MHD_Connection *c, char *s)
{
    VG_UNUSED(cls);
    VG_UNUSED(c);
    return vg__url_unescape(s);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    VG_UNUSED(cls);
    char msg[512];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    size_t n = strlen(msg);
    while (n && msg[n - 1] == '\n')
        msg[--n] = 0;
    VG_LOG_WARN("http: %s", msg);
}

/* ---- start and stop ------------------------------------------------------------------------ */

/* "ADDR:PORT" or "[ADDR6]:PORT" into a socket address. */
static vg_status parse_listen(const char *listen, struct sockaddr_storage *ss, int *v6)
{
    char host[64];
    const char *colon = strrchr(listen, ':');
    if (!colon || colon == listen || (size_t)(colon - listen) >= sizeof(host))
        return VG_EINVAL;
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (!colon[1] || *end || port < 0 || port > 65535)
        return VG_EINVAL;
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = 0;
    memset(ss, 0, sizeof(*ss));
    *v6 = host[0] == '[';
    if (*v6) {
        size_t n = strlen(host);
        if (n < 3 || host[n - 1] != ']')
            return VG_EINVAL;
        host[n - 1] = 0;
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)port);
        return inet_pton(AF_INET6, host + 1, &a->sin6_addr) == 1 ? VG_OK : VG_EINVAL;
    }
    struct sockaddr_in *a = (struct sockaddr_in *)ss;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    return inet_pton(AF_INET, host, &a->sin_addr) == 1 ? VG_OK : VG_EINVAL;
}

void vg_server_opts_init(struct vg_server_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->listen = "127.0.0.1:8080";
    o->threads = DEFAULT_THREADS;
    o->max_body = DEFAULT_MAX_BODY;
    o->session_ttl = DEFAULT_TTL;
    o->login_max_failures = 5;
}

static void server_free(struct vg_server *s)
{
    if (!s)
        return;
    vg__ratelimit_free(s->login_limit);
    vg_free(s->db_path);
    vg_free(s->web_root);
    free(s->web_real); /* from realpath() */
    vg_free(s);
}

vg_status vg_server_start(const struct vg_server_opts *o, vg_server **out)
{
    *out = NULL;
    struct sockaddr_storage ss;
    int v6 = 0;
    if (!o || !o->db_path || !o->listen || parse_listen(o->listen, &ss, &v6) != VG_OK)
        return VG_EINVAL;
    vg_status rc = vg__sodium_ready();
    if (rc)
        return rc;
    struct vg_server *s = vg_calloc(1, sizeof(*s));
    if (!s)
        return VG_ENOMEM;
    s->o = *o;
    if (!s->o.threads)
        s->o.threads = DEFAULT_THREADS;
    if (!s->o.max_body)
        s->o.max_body = DEFAULT_MAX_BODY;
    if (s->o.session_ttl <= 0)
        s->o.session_ttl = DEFAULT_TTL;
    if (!s->o.login_max_failures)
        s->o.login_max_failures = 5;
    if (!(s->db_path = vg_strdup(o->db_path)) ||
        (o->web_root && !(s->web_root = vg_strdup(o->web_root)))) {
        rc = VG_ENOMEM;
        goto fail;
    }
    if (s->web_root && !(s->web_real = realpath(s->web_root, NULL)))
        VG_LOG_WARN("server: web root %s: %s (no static files served)", s->web_root,
                    strerror(errno));
    if ((rc = vg__ratelimit_new(65536, LOGIN_WINDOW, &s->login_limit)))
        goto fail;
    /* Open once here: a missing or newer store fails now, not on the first request, and the
     * schema is migrated before the workers start. */
    vg_db *db;
    if ((rc = vg_db_open(s->db_path, &db)))
        goto fail;
    vg_db_close(db);
    if (pthread_key_create(&s->db_key, close_thread_db) != 0) {
        rc = VG_ENOMEM;
        goto fail;
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
                     (v6 ? MHD_USE_IPv6 : 0);
    s->daemon = MHD_start_daemon(
            flags, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
            MHD_OPTION_THREAD_POOL_SIZE, (unsigned)s->o.threads, MHD_OPTION_NOTIFY_COMPLETED,
            on_completed, s, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
            MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
            MHD_OPTION_UNESCAPE_CALLBACK, mhd_unescape, NULL, MHD_OPTION_END);
    if (!s->daemon) {
        VG_LOG_ERR("server: cannot listen on %s (address in use or not available)", o->listen);
        pthread_key_delete(s->db_key);
        rc = VG_EIO;
        goto fail;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    const char *colon = strrchr(o->listen, ':');
    snprintf(s->address, sizeof(s->address), "%.*s:%u", (int)(colon - o->listen), o->listen,
             di ? di->port : 0);
    /* Not fatal: `vigie evidence expire` does the same from cron. */
    if (vg__sweeper_start(s->db_path, EVIDENCE_SWEEP, &s->sweeper) != VG_OK)
        VG_LOG_WARN("server: cannot start the evidence sweeper; expired evidence stays until "
                    "`vigie evidence expire` runs");
    *out = s;
    return VG_OK;
fail:
    server_free(s);
    return rc;
}

const char *vg_server_address(const vg_server *s)
{
    return s ? s->address : "";
}

void vg_server_stop(vg_server *s)
{
    if (!s)
        return;
    /* Joins the worker threads; each closes its store connection as it ends. */
    MHD_stop_daemon(s->daemon);
    vg__sweeper_stop(s->sweeper);
    pthread_key_delete(s->db_key);
    server_free(s);
}
