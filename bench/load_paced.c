// SPDX-License-Identifier: Apache-2.0
/*
 * load_paced.c: an open-loop HTTP load generator for loopback benchmarks (bench/bench_load.sh),
 * the C twin of load_paced.mjs. It sends GET URL at a fixed rate over a bounded pool of
 * keep-alive connections for a bounded time, and stops by itself. Each request's latency counts
 * from the moment it was due, not from when a connection was free, so a stalled server shows
 * its stall instead of slowing the client down (no "coordinated omission"); the service time
 * (from the moment a connection takes the request) is reported too.
 *
 * Why a C client beside the node one: on a 2-core machine shared with the server and an ingest,
 * node's own CPU time (about a third of a core at 1,000 requests/s) and its garbage collector
 * delayed requests, which the latency then charged to the server. This one is a single thread
 * on epoll with no allocation per request (wrk2, which does the same, is not in Debian).
 *
 *   load_paced URL TOKEN RATE SECONDS CONNECTIONS
 * Prints one JSON object, the same fields as load_paced.mjs.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS   256
#define RESP_MAX    (1u << 22) /* an answer larger than 4 MiB counts as an error */
#define DRAIN_SECS  30         /* requests unanswered this long after the last was due fail */
#define STATUS_KEYS 600

struct conn {
    int fd;
    int busy;          /* a request is in flight */
    double due, start; /* ms since t0 */
    char *buf;
    size_t len;
};

struct run {
    struct sockaddr_in addr;
    char request[2048];
    size_t request_len;
    struct conn conns[MAX_CONNS];
    int n_conns, ep;
    double *latency, *service;
    long total, next, sent, done, ok, errors;
    long statuses[STATUS_KEYS];
    double rate;
    struct timespec t0;
};

static double now_ms(const struct run *r)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - r->t0.tv_sec) * 1e3 + (double)(t.tv_nsec - r->t0.tv_nsec) / 1e6;
}

static int parse_url(const char *url, struct run *r, const char **path)
{
    unsigned port = 80;
    char host[64];
    const char *p = url;
    if (strncmp(p, "http://", 7))
        return -1;
    p += 7;
    size_t n = strcspn(p, ":/");
    if (n == 0 || n >= sizeof(host))
        return -1;
    memcpy(host, p, n);
    host[n] = 0;
    p += n;
    if (*p == ':') {
        char *end;
        port = (unsigned)strtoul(p + 1, &end, 10);
        p = end;
    }
    *path = *p ? p : "/";
    if (strcmp(host, "127.0.0.1") && strcmp(host, "localhost"))
        return -2; /* loopback only */
    if (!port || port > 65535)
        return -1;
    r->addr.sin_family = AF_INET;
    r->addr.sin_port = htons((uint16_t)port);
    r->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return 0;
}

static int conn_open(struct run *r, struct conn *c)
{
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0)
        return -1;
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (connect(c->fd, (struct sockaddr *)&r->addr, sizeof(r->addr)) && errno != EINPROGRESS) {
        close(c->fd);
        c->fd = -1;
        return -1;
    }
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
    epoll_ctl(r->ep, EPOLL_CTL_ADD, c->fd, &ev);
    c->busy = 0;
    c->len = 0;
    return 0;
}

static void conn_close(struct run *r, struct conn *c)
{
    if (c->fd >= 0) {
        epoll_ctl(r->ep, EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
    }
    c->fd = -1;
    c->busy = 0;
    c->len = 0;
}

static void record(struct run *r, struct conn *c, int status)
{
    double end = now_ms(r);
    if (status >= 0 && status < STATUS_KEYS)
        r->statuses[status]++;
    if (status == 200)
        r->ok++;
    else
        r->errors++;
    r->latency[r->done] = end - c->due;
    r->service[r->done] = end - c->start;
    r->done++;
    c->busy = 0;
}

/* A failed request: counted, its connection opened again for the next one. */
static void fail_request(struct run *r, struct conn *c)
{
    if (c->busy) {
        r->errors++;
        r->latency[r->done] = r->service[r->done] = now_ms(r) - c->due;
        r->done++;
    }
    conn_close(r, c);
    conn_open(r, c);
}

static int send_request(struct run *r, struct conn *c, double due)
{
    c->due = due;
    c->start = now_ms(r);
    if (c->fd < 0 && conn_open(r, c)) { /* no connection: the request fails at once */
        r->errors++;
        r->latency[r->done] = r->service[r->done] = now_ms(r) - due;
        r->done++;
        return -1;
    }
    c->busy = 1;
    r->sent++;
    /* Loopback and a request of a few hundred bytes: one send, or the connection is broken
     * (a connect still in progress is answered by EAGAIN: wait for it with a blocking poll). */
    size_t off = 0;
    while (off < r->request_len) {
        ssize_t w = send(c->fd, r->request + off, r->request_len - off, MSG_NOSIGNAL);
        if (w > 0)
            off += (size_t)w;
        else if (w < 0 && (errno == EAGAIN || errno == EINTR || errno == ENOTCONN))
            usleep(50);
        else {
            fail_request(r, c);
            return -1;
        }
    }
    return 0;
}

/* The body length of a complete header block, or -1 when it has no Content-Length. */
static long content_length(const char *head, size_t n)
{
    const char *p = head;
    const char *end = head + n;
    while (p < end) {
        const char *eol = memmem(p, (size_t)(end - p), "\r\n", 2);
        if (!eol)
            break;
        if ((size_t)(eol - p) > 15 && !strncasecmp(p, "Content-Length:", 15))
            return strtol(p + 15, NULL, 10);
        p = eol + 2;
    }
    return -1;
}

/* Consumes one complete answer from c->buf if there is one: 1 done, 0 need more, -1 bad. */
static int take_answer(struct run *r, struct conn *c)
{
    char *hend = memmem(c->buf, c->len, "\r\n\r\n", 4);
    if (!hend)
        return c->len >= RESP_MAX ? -1 : 0;
    size_t head = (size_t)(hend - c->buf) + 4;
    long body = content_length(c->buf, head);
    if (body < 0 || head + (size_t)body > RESP_MAX)
        return -1; /* the server answers with a length; chunked answers are not expected */
    if (c->len < head + (size_t)body)
        return 0;
    int status = c->len > 12 ? atoi(c->buf + 9) : -1;
    size_t used = head + (size_t)body;
    memmove(c->buf, c->buf + used, c->len - used);
    c->len -= used;
    if (c->busy)
        record(r, c, status);
    return 1;
}

static void on_readable(struct run *r, struct conn *c)
{
    for (;;) {
        if (c->len == RESP_MAX) {
            fail_request(r, c);
            return;
        }
        ssize_t got = recv(c->fd, c->buf + c->len, RESP_MAX - c->len, 0);
        if (got > 0) {
            c->len += (size_t)got;
            continue;
        }
        if (got < 0 && errno == EAGAIN)
            break;
        if (got < 0 && errno == EINTR)
            continue;
        fail_request(r, c); /* closed or broken */
        return;
    }
    int t;
    while ((t = take_answer(r, c)) == 1)
        ;
    if (t < 0)
        fail_request(r, c);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double pct(const double *a, long n, double p)
{
    if (n <= 0)
        return 0;
    long i = (long)((p / 100.0) * (double)n + 0.999999) - 1;
    if (i < 0)
        i = 0;
    if (i >= n)
        i = n - 1;
    return a[i];
}

static void report(struct run *r, const char *path, double seconds, int conns)
{
    double elapsed = now_ms(r) / 1000.0;
    qsort(r->latency, (size_t)r->done, sizeof(double), cmp_double);
    qsort(r->service, (size_t)r->done, sizeof(double), cmp_double);
    printf("{\"url\":\"%s\",\"client\":\"c\",\"target_rps\":%g,\"seconds\":%g,\"connections\":%d,"
           "\"due\":%ld,\"sent\":%ld,\"ok\":%ld,\"errors\":%ld,\"statuses\":{",
           path, r->rate, seconds, conns, r->total, r->sent, r->ok, r->errors);
    int first = 1;
    for (int s = 0; s < STATUS_KEYS; s++)
        if (r->statuses[s]) {
            printf("%s\"%d\":%ld", first ? "" : ",", s, r->statuses[s]);
            first = 0;
        }
    printf("},\"achieved_rps\":%.1f,\"p50_ms\":%.2f,\"p90_ms\":%.2f,\"p99_ms\":%.2f,"
           "\"max_ms\":%.2f,\"service_p50_ms\":%.2f,\"service_p99_ms\":%.2f}\n",
           (double)r->ok / elapsed, pct(r->latency, r->done, 50), pct(r->latency, r->done, 90),
           pct(r->latency, r->done, 99), pct(r->latency, r->done, 100),
           pct(r->service, r->done, 50), pct(r->service, r->done, 99));
}

/* Due requests wait in arrival order for a free connection; their due times are kept. */
static struct conn *free_conn(struct run *r)
{
    for (int i = 0; i < r->n_conns; i++)
        if (!r->conns[i].busy)
            return &r->conns[i];
    return NULL;
}

static int run_load(struct run *r, double seconds)
{
    double horizon = seconds * 1e3 + DRAIN_SECS * 1e3;
    while (r->done < r->total) {
        double now = now_ms(r);
        if (now > horizon)
            return 1;
        struct conn *c;
        while (r->next < r->total && (double)r->next * 1e3 / r->rate <= now && (c = free_conn(r))) {
            send_request(r, c, (double)r->next * 1e3 / r->rate); /* a failure is counted */
            r->next++;
        }
        /* Wake for the next due request (or every ms while all connections are busy). */
        struct timespec wait = { 0, 1000000 };
        if (r->next < r->total && free_conn(r)) {
            double gap = (double)r->next * 1e3 / r->rate - now_ms(r);
            wait.tv_nsec = gap <= 0 ? 0 : (long)(gap * 1e6 < 1e6 ? gap * 1e6 : 1e6);
        }
        struct epoll_event ev[MAX_CONNS];
        int n = epoll_pwait2(r->ep, ev, MAX_CONNS, &wait, NULL);
        for (int i = 0; i < n; i++)
            on_readable(r, ev[i].data.ptr);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: load_paced URL TOKEN RATE(1..100000) SECONDS(1..600) "
                        "CONNECTIONS(1..256)\n");
        return 2;
    }
    static struct run r;
    const char *path;
    double rate = atof(argv[3]), seconds = atof(argv[4]);
    int conns = atoi(argv[5]);
    int u = parse_url(argv[1], &r, &path);
    if (u == -2) {
        fprintf(stderr, "load_paced: loopback targets only\n");
        return 2;
    }
    if (u || !(rate > 0 && rate <= 100000) || !(seconds > 0 && seconds <= 600) || conns < 1 ||
        conns > MAX_CONNS) {
        fprintf(stderr, "usage: load_paced URL TOKEN RATE(1..100000) SECONDS(1..600) "
                        "CONNECTIONS(1..256)\n");
        return 2;
    }
    int len = snprintf(
            r.request, sizeof(r.request),
            "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n%s%s%sConnection: keep-alive\r\n\r\n", path,
            ntohs(r.addr.sin_port), *argv[2] ? "Authorization: Bearer " : "", argv[2],
            *argv[2] ? "\r\n" : "");
    if (len < 0 || (size_t)len >= sizeof(r.request)) {
        fprintf(stderr, "load_paced: URL or token too long\n");
        return 2;
    }
    r.request_len = (size_t)len;
    r.rate = rate;
    r.total = (long)(rate * seconds + 0.5);
    r.n_conns = conns;
    r.latency = malloc(sizeof(double) * (size_t)r.total);
    r.service = malloc(sizeof(double) * (size_t)r.total);
    r.ep = epoll_create1(EPOLL_CLOEXEC);
    if (!r.latency || !r.service || r.ep < 0) {
        fprintf(stderr, "load_paced: out of memory\n");
        return 1;
    }
    for (int i = 0; i < conns; i++) {
        r.conns[i].buf = malloc(RESP_MAX);
        if (!r.conns[i].buf || conn_open(&r, &r.conns[i])) {
            fprintf(stderr, "load_paced: cannot connect to %s\n", argv[1]);
            return 1;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &r.t0);
    int late = run_load(&r, seconds);
    if (late) { /* bounded: whatever is still unanswered counts as an error */
        r.errors += r.total - r.done;
        for (long i = r.done; i < r.total; i++)
            r.latency[i] = r.service[i] = seconds * 1e3 + DRAIN_SECS * 1e3;
        r.done = r.total;
    }
    report(&r, path, seconds, conns);
    return late;
}
