/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cases_outbox.c: delivering decided actions (docs/cases.md). A decision's action waits in the
 * outbox table until its enforcement time (after the optional random delay); a delivery pass
 * appends each due action to the outbox file (JSON lines, once, fsync'd) and POSTs it to the
 * configured webhook. A 2xx answer marks it delivered; anything else (refused connection,
 * timeout, 5xx, 4xx) schedules a retry after base * 2^(attempts - 1) seconds, capped, until
 * max_attempts. libcurl is not installed on the build machines, so the webhook client is a
 * small HTTP/1.1 POST over a socket: plain http:// only (put a TLS proxy in front for https).
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "cases.h"
#include "store_queue.h"

#define URL_MAX 512

struct http_target {
    char host[256], port[8], path[URL_MAX];
};

/* Split "http://host[:port][/path]". 0 when the URL is not of that form. */
static int url_parse(const char *url, struct http_target *t)
{
    memset(t, 0, sizeof(*t));
    if (!url || strncmp(url, "http://", 7) || strlen(url) >= URL_MAX)
        return 0;
    const char *h = url + 7, *end = h + strcspn(h, ":/");
    size_t hl = (size_t)(end - h);
    if (hl == 0 || hl >= sizeof(t->host))
        return 0;
    memcpy(t->host, h, hl);
    for (size_t i = 0; i < hl; i++)
        if (!((t->host[i] >= 'a' && t->host[i] <= 'z') ||
              (t->host[i] >= 'A' && t->host[i] <= 'Z') ||
              (t->host[i] >= '0' && t->host[i] <= '9') || t->host[i] == '.' || t->host[i] == '-'))
            return 0;
    const char *p = end;
    if (*p == ':') {
        p++;
        size_t pl = strspn(p, "0123456789");
        if (pl == 0 || pl > 5)
            return 0;
        memcpy(t->port, p, pl);
        p += pl;
    } else {
        strcpy(t->port, "80");
    }
    if (*p && *p != '/')
        return 0;
    snprintf(t->path, sizeof(t->path), "%s", *p ? p : "/");
    for (const char *c = t->path; *c; c++)
        if ((unsigned char)*c <= ' ' || *c == 0x7f)
            return 0;
    return 1;
}

static int wait_fd(int fd, short events, int timeout_ms)
{
    struct pollfd p = { .fd = fd, .events = events };
    int n;
    do
        n = poll(&p, 1, timeout_ms);
    while (n < 0 && errno == EINTR);
    return n > 0;
}

static int connect_to(const struct http_target *t, int timeout_ms, char *err, size_t cap)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res = NULL;
    int g = getaddrinfo(t->host, t->port, &hints, &res);
    if (g) {
        vg_errf(err, cap, "cannot resolve %s: %s", t->host, gai_strerror(g));
        return -1;
    }
    int fd = -1;
    for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
        if (fd < 0)
            continue;
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
            break;
        int soerr = errno;
        socklen_t len = sizeof(soerr);
        if (errno == EINPROGRESS && wait_fd(fd, POLLOUT, timeout_ms) &&
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0 && soerr == 0)
            break;
        vg_errf(err, cap, "cannot connect to %s:%s: %s", t->host, t->port,
                soerr ? strerror(soerr) : "timed out");
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

static int send_all(int fd, const char *p, size_t n, int timeout_ms)
{
    while (n) {
        if (!wait_fd(fd, POLLOUT, timeout_ms))
            return 0;
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (w <= 0)
            return 0;
        p += w;
        n -= (size_t)w;
    }
    return 1;
}

/* The signature headers of a request (empty without a secret): HMAC-SHA256 (libsodium) of
 * "<now>.<body>" under the secret, so that the receiver can check who sent the action and
 * refuse a replayed one by its timestamp (the scheme of Stripe's and GitHub's webhooks). */
static void sign_headers(const char *secret, int64_t now, const char *body, char *out, size_t cap)
{
    out[0] = 0;
    if (!secret || !*secret)
        return;
    char ts[24];
    snprintf(ts, sizeof ts, "%lld", (long long)now);
    crypto_auth_hmacsha256_state h;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_init(&h, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&h, (const unsigned char *)ts, strlen(ts));
    crypto_auth_hmacsha256_update(&h, (const unsigned char *)".", 1);
    crypto_auth_hmacsha256_update(&h, (const unsigned char *)body, strlen(body));
    crypto_auth_hmacsha256_final(&h, mac);
    char hex[2 * sizeof mac + 1];
    sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
    snprintf(out, cap, "X-Vigie-Timestamp: %s\r\nX-Vigie-Signature: sha256=%s\r\n", ts, hex);
}

/* POST body to the webhook; the HTTP status (0 when no answer) and err on failure. */
int vg__webhook_post(const char *url, const char *body, const char *secret, int64_t now,
                     int timeout_ms, char *err, size_t cap)
{
    struct http_target t;
    if (!url_parse(url, &t)) {
        vg_errf(err, cap, "webhook URL must be http://host[:port][/path]");
        return 0;
    }
    int fd = connect_to(&t, timeout_ms, err, cap);
    if (fd < 0)
        return 0;
    char head[URL_MAX + 768], sig[192];
    size_t len = strlen(body);
    sign_headers(secret, now, body, sig, sizeof sig);
    int hl = snprintf(head, sizeof(head),
                      "POST %s HTTP/1.1\r\nHost: %s:%s\r\nContent-Type: application/json\r\n"
                      "Content-Length: %zu\r\n%sUser-Agent: vigie\r\nConnection: close\r\n\r\n",
                      t.path, t.host, t.port, len, sig);
    int status = 0;
    char buf[512];
    size_t got = 0;
    if (!send_all(fd, head, (size_t)hl, timeout_ms) || !send_all(fd, body, len, timeout_ms)) {
        vg_errf(err, cap, "sending to %s:%s failed", t.host, t.port);
        goto done;
    }
    /* Read until the status line is complete. */
    while (got < sizeof(buf) - 1 && !memchr(buf, '\n', got)) {
        if (!wait_fd(fd, POLLIN, timeout_ms)) {
            vg_errf(err, cap, "no answer from %s:%s within %d ms", t.host, t.port, timeout_ms);
            goto done;
        }
        ssize_t r = recv(fd, buf + got, sizeof(buf) - 1 - got, 0);
        if (r < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    buf[got] = 0;
    if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1 || status < 100 || status > 599) {
        vg_errf(err, cap, "no HTTP answer from %s:%s", t.host, t.port);
        status = 0;
    } else if (status < 200 || status > 299) {
        vg_errf(err, cap, "webhook answered %d", status);
    }
done:
    close(fd);
    return status;
}

/* Append one line and flush it to disk. */
static vg_status file_append(const char *path, const char *line)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fd < 0) {
        VG_LOG_ERR("outbox: cannot open %s: %s", path, strerror(errno));
        return VG_EIO;
    }
    size_t n = strlen(line);
    int ok = write(fd, line, n) == (ssize_t)n && write(fd, "\n", 1) == 1 && fsync(fd) == 0;
    if (!ok)
        VG_LOG_ERR("outbox: cannot write %s: %s", path, strerror(errno));
    close(fd);
    return ok ? VG_OK : VG_EIO;
}

int64_t vg__backoff(int attempts, int64_t base, int64_t max)
{
    int64_t d = base;
    for (int i = 1; i < attempts && d < max; i++)
        d *= 2;
    return d < max ? d : max;
}

struct due_item {
    int64_t id;
    int attempts;
    int filed;
    char *payload;
};

struct due_list {
    struct due_item *it;
    size_t n, cap;
    vg_status rc;
};

static vg_status collect_due(const struct vg_store_outbox *o, void *ud)
{
    struct due_list *l = ud;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        struct due_item *it = vg_realloc(l->it, cap * sizeof(*it));
        if (!it)
            return VG_ENOMEM;
        l->it = it;
        l->cap = cap;
    }
    char *p = vg_malloc(strlen(o->payload) + 1);
    if (!p)
        return VG_ENOMEM;
    strcpy(p, o->payload);
    l->it[l->n++] = (struct due_item){ o->id, o->attempts, o->file_at != VG_TIME_UNKNOWN, p };
    return VG_OK;
}

vg_status vg_outbox_flush(vg_db *db, const struct vg_outbox_opts *o, int64_t now,
                          struct vg_outbox_stats *out)
{
    memset(out, 0, sizeof(*out));
    if (!o)
        return VG_EINVAL;
    int max_attempts = o->max_attempts > 0 ? o->max_attempts : 8;
    int64_t base = o->backoff_base > 0 ? o->backoff_base : 30;
    int64_t cap = o->backoff_max > 0 ? o->backoff_max : 3600;
    int timeout = o->timeout_ms > 0 ? o->timeout_ms : 5000;
    void *st;
    const struct vg_store_queue_ops *ops = vg__db_queue(db, &st);
    struct due_list l = { 0 };
    /* Read first, deliver after: no statement stays open across the network calls. */
    vg_status rc =
            ops->outbox_due(st, now, o->webhook_url ? max_attempts : 0, 1000, collect_due, &l);
    for (size_t i = 0; !rc && i < l.n; i++) {
        struct due_item *d = &l.it[i];
        out->due++;
        if (o->outbox_path && !d->filed) {
            if ((rc = file_append(o->outbox_path, d->payload)) ||
                (rc = ops->outbox_filed(st, d->id, now)))
                break;
            out->filed++;
        }
        if (!o->webhook_url || d->attempts >= max_attempts)
            continue;
        char err[256] = "";
        int status = vg__webhook_post(o->webhook_url, d->payload, o->webhook_secret, now, timeout,
                                      err, sizeof(err));
        int ok = status >= 200 && status <= 299;
        if (ok)
            out->delivered++;
        else
            out->failed++;
        rc = ops->outbox_result(st, d->id, ok, now, now + vg__backoff(d->attempts + 1, base, cap),
                                ok ? NULL : err);
    }
    for (size_t i = 0; i < l.n; i++)
        vg_free(l.it[i].payload);
    vg_free(l.it);
    return rc;
}
