/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_server.c: the server's pure pieces (route matching, JSON body limits, the login rate
 * limiter, the metrics text, the static path check) and one in-process start and stop of the
 * real server answering over a loopback socket. The full walk of every route with every role
 * runs through the real `vigie serve` in tests/cases/0070-server.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server.h"
#include "store_fixture.h"

static void routes_match_ids(void **state)
{
    (void)state;
    int64_t ids[VG_SERVER_MAX_PARAMS] = { 0 };
    assert_int_equal(vg__route_match("/api/v1/users/{id}", "/api/v1/users/12", ids), 1);
    assert_int_equal(ids[0], 12);
    assert_int_equal(vg__route_match("/api/v1/users/{id}", "/api/v1/users/0", ids), 0);
    assert_int_equal(vg__route_match("/api/v1/users/{id}", "/api/v1/users/012", ids), 0);
    assert_int_equal(vg__route_match("/api/v1/users/{id}", "/api/v1/users/12x", ids), 0);
    assert_int_equal(vg__route_match("/api/v1/users/{id}", "/api/v1/users/", ids), 0);
    assert_int_equal(vg__route_match("/api/v1/users/{id}", "/api/v1/users/12/", ids), 0);
    assert_int_equal(vg__route_match("/api/v1/users/{id}", "/api/v1/users/-1", ids), 0);
    assert_int_equal(
            vg__route_match("/api/v1/users/{id}", "/api/v1/users/1234567890123456789", ids),
            0); /* 19 digits could overflow */
    assert_int_equal(vg__route_match("/a/{id}/b/{id}", "/a/7/b/9", ids), 1);
    assert_int_equal(ids[0], 7);
    assert_int_equal(ids[1], 9);
    assert_int_equal(vg__route_match("/api/v1/me", "/api/v1/me", ids), 1);
    assert_int_equal(vg__route_match("/api/v1/me", "/api/v1/mex", ids), 0);
    assert_int_equal(vg__route_match("/api/v1/me", "/api/v1/m", ids), 0);
}

static void route_table_is_consistent(void **state)
{
    (void)state;
    size_t i;
    int64_t ids[VG_SERVER_MAX_PARAMS];
    assert_int_equal(vg__route_find(vg__routes, vg__n_routes, "GET", "/api/v1/me", &i, ids),
                     VG_ROUTE_OK);
    assert_string_equal(vg__routes[i].pattern, "/api/v1/me");
    assert_int_equal(vg__route_find(vg__routes, vg__n_routes, "DELETE", "/api/v1/me", &i, ids),
                     VG_ROUTE_PATH_ONLY);
    assert_int_equal(vg__route_find(vg__routes, vg__n_routes, "GET", "/api/v1/nope", &i, ids),
                     VG_ROUTE_NONE);
    assert_int_equal(
            vg__route_find(vg__routes, vg__n_routes, "GET", "/api/v1/audit/verify", &i, ids),
            VG_ROUTE_OK);
    assert_string_equal(vg__routes[i].pattern, "/api/v1/audit/verify");
    /* Every row is reached by its own path (ids as 1), no two rows share method and pattern,
     * and every non-public row names at least one role. */
    for (size_t k = 0; k < vg__n_routes; k++) {
        char path[128];
        const char *p = vg__routes[k].pattern;
        size_t n = 0;
        while (*p && n + 2 < sizeof(path)) {
            if (*p == '{') {
                path[n++] = '1';
                p = strchr(p, '}') + 1;
            } else {
                path[n++] = *p++;
            }
        }
        path[n] = 0;
        assert_int_equal(
                vg__route_find(vg__routes, vg__n_routes, vg__routes[k].method, path, &i, ids),
                VG_ROUTE_OK);
        assert_int_equal(i, k);
        assert_true((vg__routes[k].flags & ROUTE_PUBLIC) || vg__routes[k].roles);
        assert_int_equal(vg__routes[k].roles & ~(unsigned)ROLES_ALL, 0);
    }
}

/* {"a":[[...]]} with `arrays` arrays inside the object; returns its length. */
static size_t nested(char *out, int arrays)
{
    size_t n = 0;
    n += (size_t)sprintf(out, "{\"a\":");
    for (int k = 0; k < arrays; k++)
        out[n++] = '[';
    for (int k = 0; k < arrays; k++)
        out[n++] = ']';
    out[n++] = '}';
    out[n] = 0;
    return n;
}

static void json_bodies(void **state)
{
    (void)state;
    char err[160];
    cJSON *j = vg__json_body_parse("{\"a\":\"[[[[\"} \n", 14, err, sizeof(err));
    assert_non_null(j);
    cJSON_Delete(j);
    assert_null(vg__json_body_parse("", 0, err, sizeof(err)));
    assert_string_equal(err, "the body must be a JSON object (it is empty)");
    assert_null(vg__json_body_parse("[1]", 3, err, sizeof(err)));
    assert_string_equal(err, "the body must be a JSON object");
    assert_null(vg__json_body_parse("{\"a\":", 5, err, sizeof(err)));
    assert_string_equal(err, "malformed JSON at byte 4");
    assert_null(vg__json_body_parse("{\"a\":tru}", 9, err, sizeof(err)));
    assert_string_equal(err, "malformed JSON at byte 5");
    assert_null(vg__json_body_parse("{} {}", 5, err, sizeof(err)));
    assert_string_equal(err, "malformed JSON: trailing data at byte 3");
    assert_null(vg__json_body_parse("{\"a\":\"\0\"}", 8, err, sizeof(err)));
    assert_string_equal(err, "malformed JSON: a NUL byte at byte 6");
    assert_null(vg__json_body_parse("{\"a\":\"\xff\"}", 8, err, sizeof(err)));
    assert_string_equal(err, "the body is not valid UTF-8");
    /* 16 levels pass, 17 do not; the offset is where the 17th opens. */
    char deep[64];
    j = vg__json_body_parse(deep, nested(deep, 15), err, sizeof(err));
    assert_non_null(j);
    cJSON_Delete(j);
    assert_null(vg__json_body_parse(deep, nested(deep, 16), err, sizeof(err)));
    assert_string_equal(err, "JSON nested deeper than 16 levels at byte 20");
}

static void login_rate_limiter(void **state)
{
    (void)state;
    struct vg_ratelimit *rl;
    assert_int_equal(vg__ratelimit_new(4, 900, &rl), VG_EINVAL);
    assert_int_equal(vg__ratelimit_new(1024, 900, &rl), VG_OK);
    int64_t t = 1000000;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(vg__ratelimit_wait(rl, "name:alice", 3, t + i), 0);
        vg__ratelimit_fail(rl, "name:alice", t + i);
    }
    assert_int_equal(vg__ratelimit_wait(rl, "name:alice", 3, t + 10), 890);
    assert_int_equal(vg__ratelimit_wait(rl, "name:alice", 4, t + 10), 0); /* a higher max */
    assert_int_equal(vg__ratelimit_wait(rl, "name:bob", 3, t + 10), 0);
    assert_int_equal(vg__ratelimit_wait(rl, "name:alice", 3, t + 899), 1);
    assert_int_equal(vg__ratelimit_wait(rl, "name:alice", 3, t + 900), 0); /* window over */
    vg__ratelimit_fail(rl, "name:alice", t + 900);
    assert_int_equal(vg__ratelimit_wait(rl, "name:alice", 1, t + 901), 899); /* a new window */
    vg__ratelimit_clear(rl, "name:alice");
    assert_int_equal(vg__ratelimit_wait(rl, "name:alice", 1, t + 901), 0);
    /* A flood of other keys never locks out a key that did not fail. */
    for (int i = 0; i < 5000; i++) {
        char k[32];
        snprintf(k, sizeof(k), "addr:10.0.%d.%d", i / 256, i % 256);
        vg__ratelimit_fail(rl, k, t);
    }
    assert_int_equal(vg__ratelimit_wait(rl, "name:carol", 1, t), 0);
    vg__ratelimit_free(rl);
}

static void metrics_text(void **state)
{
    (void)state;
    static struct vg_server_metrics m; /* large: not on the stack */
    memset(&m, 0, sizeof(m));
    vg__metrics_record(&m, 0, 200, 50);
    vg__metrics_record(&m, 0, 200, 700);
    vg__metrics_record(&m, 4, 401, 3000);
    vg__metrics_record(&m, METRIC_STATIC, 404, 2000000);
    vg__metrics_record(&m, 2, 418, 10);
    struct vg_buf b;
    vg_buf_init(&b, 1 << 20);
    assert_int_equal(vg__metrics_text(&m, vg__routes, vg__n_routes, &b), VG_OK);
    assert_non_null(strstr(b.data, "vigie_http_requests_total{route=\"GET /healthz\","
                                   "status=\"200\"} 2\n"));
    assert_non_null(strstr(b.data, "vigie_http_requests_total{route=\"GET /api/v1/me\","
                                   "status=\"401\"} 1\n"));
    assert_non_null(strstr(b.data, "{route=\"static\",status=\"404\"} 1\n"));
    assert_non_null(strstr(b.data, "{route=\"POST /api/v1/login\",status=\"other\"} 1\n"));
    assert_non_null(strstr(b.data, "duration_seconds_bucket{le=\"0.0001\"} 2\n"));
    assert_non_null(strstr(b.data, "duration_seconds_bucket{le=\"0.001\"} 3\n"));
    assert_non_null(strstr(b.data, "duration_seconds_bucket{le=\"0.0025\"} 3\n"));
    assert_non_null(strstr(b.data, "duration_seconds_bucket{le=\"0.005\"} 4\n"));
    assert_non_null(strstr(b.data, "duration_seconds_bucket{le=\"1\"} 4\n"));
    assert_non_null(strstr(b.data, "duration_seconds_bucket{le=\"+Inf\"} 5\n"));
    assert_non_null(strstr(b.data, "vigie_http_request_duration_seconds_count 5\n"));
    assert_non_null(strstr(b.data, "vigie_http_request_duration_seconds_sum 2.003760\n"));
    vg_buf_release(&b);
}

static void static_paths(void **state)
{
    (void)state;
    assert_int_equal(vg__static_path_ok("/"), 1);
    assert_int_equal(vg__static_path_ok("/index.html"), 1);
    assert_int_equal(vg__static_path_ok("/js/app-1.2.js"), 1);
    assert_int_equal(vg__static_path_ok("/../etc/passwd"), 0);
    assert_int_equal(vg__static_path_ok("/js/../../x"), 0);
    assert_int_equal(vg__static_path_ok("/.git/config"), 0);
    assert_int_equal(vg__static_path_ok("//etc/passwd"), 0);
    assert_int_equal(vg__static_path_ok("/a\\..\\b"), 0);
    assert_int_equal(vg__static_path_ok("/a%2e%2e"), 0);
    assert_int_equal(vg__static_path_ok("index.html"), 0);
    assert_int_equal(vg__static_path_ok(""), 0);
    char long_path[256];
    memset(long_path, 'a', sizeof(long_path));
    long_path[0] = '/';
    long_path[255] = 0;
    assert_int_equal(vg__static_path_ok(long_path), 0);
}

static void url_unescape(void **state)
{
    (void)state;
    char a[] = "/js/app%2Ejs%20x", b[] = "/js/app.js%00.png", c[] = "%zz%4%", d[] = "%2e%2E/%41",
         e[] = "";
    assert_int_equal(vg__url_unescape(a), 12);
    assert_string_equal(a, "/js/app.js x");
    assert_int_equal(vg__url_unescape(b), 17);
    assert_string_equal(b, "/js/app.js%00.png");
    assert_int_equal(vg__static_path_ok(b), 0);
    assert_int_equal(vg__url_unescape(c), 6);
    assert_string_equal(c, "%zz%4%");
    assert_int_equal(vg__url_unescape(d), 4);
    assert_string_equal(d, "../A");
    assert_int_equal(vg__url_unescape(e), 0);
}

/* Send a raw request to 127.0.0.1:port; return the status of the answer (0 on failure). */
static int http_status(int port, const char *request)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    size_t len = strlen(request);
    if (write(fd, request, len) != (ssize_t)len) {
        close(fd);
        return 0;
    }
    char buf[64] = { 0 };
    ssize_t got = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    int status = 0;
    if (got > 12)
        sscanf(buf, "HTTP/1.1 %d", &status);
    return status;
}

static void server_starts_answers_and_stops(void **state)
{
    (void)state;
    vg_db *db = fixture_db("server", "inproc");
    vg_db_close(db);
    struct vg_server_opts o;
    vg_server_opts_init(&o);
    o.db_path = fixture_path;
    o.listen = "127.0.0.1:0";
    o.threads = 2;
    vg_server *srv;
    o.listen = "127.0.0.1";
    assert_int_equal(vg_server_start(&o, &srv), VG_EINVAL);
    o.listen = "localhost:80";
    assert_int_equal(vg_server_start(&o, &srv), VG_EINVAL);
    o.listen = "127.0.0.1:0";
    assert_int_equal(vg_server_start(&o, &srv), VG_OK);
    const char *addr = vg_server_address(srv);
    assert_memory_equal(addr, "127.0.0.1:", 10);
    int port = atoi(addr + 10);
    assert_true(port > 0);
    assert_int_equal(http_status(port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"), 200);
    assert_int_equal(http_status(port, "GET /api/v1/me HTTP/1.1\r\nHost: x\r\n\r\n"), 401);
    assert_int_equal(http_status(port, "PUT /api/v1/me HTTP/1.1\r\nHost: x\r\n\r\n"), 405);
    assert_int_equal(http_status(port, "GET /api/v1/x HTTP/1.1\r\nHost: x\r\n\r\n"), 404);
    assert_int_equal(http_status(port, "GET /../x HTTP/1.1\r\nHost: x\r\n\r\n"), 404);
    assert_int_equal(http_status(port, "POST /api/v1/login HTTP/1.1\r\nHost: x\r\n"
                                       "Content-Length: 9999999\r\n\r\n"),
                     413);
    assert_int_equal(http_status(port, "POST /api/v1/login HTTP/1.1\r\nHost: x\r\n"
                                       "Content-Length: 5\r\n\r\n{\"a\":"),
                     400);
    vg_server_stop(srv);
    assert_int_equal(http_status(port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
    fixture_remove_files();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(routes_match_ids), cmocka_unit_test(route_table_is_consistent),
        cmocka_unit_test(json_bodies),      cmocka_unit_test(login_rate_limiter),
        cmocka_unit_test(metrics_text),     cmocka_unit_test(static_paths),
        cmocka_unit_test(url_unescape),     cmocka_unit_test(server_starts_answers_and_stops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
