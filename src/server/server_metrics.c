/* SPDX-License-Identifier: Apache-2.0 */
/*
 * server_metrics.c: request counts by route and status, and a latency histogram, kept in
 * atomic counters (no lock on the request path) and written in the Prometheus text format for
 * GET /metrics.
 */
#include <stdio.h>

#include "server.h"

static const int statuses[METRIC_STATUSES] = { 200, 201, 204, 400, 401, 403, 404,
                                               405, 409, 413, 429, 500, 503, 0 };
/* Upper bounds in microseconds; the last bucket is +Inf. */
static const uint64_t bounds_us[METRIC_BUCKETS - 1] = { 100,   250,   500,    1000,   2500,   5000,
                                                        10000, 25000, 100000, 250000, 1000000 };

static size_t status_index(int status)
{
    for (size_t i = 0; i < METRIC_STATUSES - 1; i++)
        if (statuses[i] == status)
            return i;
    return METRIC_STATUSES - 1; /* any other */
}

void vg__metrics_record(struct vg_server_metrics *m, size_t route, int status, uint64_t micros)
{
    if (route >= METRIC_ROUTES)
        route = METRIC_NOTFOUND;
    atomic_fetch_add_explicit(&m->count[route][status_index(status)], 1, memory_order_relaxed);
    size_t b = 0;
    while (b < METRIC_BUCKETS - 1 && micros > bounds_us[b])
        b++;
    atomic_fetch_add_explicit(&m->bucket[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->n, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->sum_us, micros, memory_order_relaxed);
}

static void route_label(const struct vg_route *routes, size_t n_routes, size_t i, char *out,
                        size_t cap)
{
    if (i < n_routes)
        snprintf(out, cap, "%s %s", routes[i].method, routes[i].pattern);
    else
        snprintf(out, cap, "%s", i == METRIC_STATIC ? "static" : "unmatched");
}

vg_status vg__metrics_text(const struct vg_server_metrics *m, const struct vg_route *routes,
                           size_t n_routes, struct vg_buf *b)
{
    vg_status rc = vg_buf_puts(b, "# HELP vigie_http_requests_total HTTP requests answered, by "
                                  "route and status.\n"
                                  "# TYPE vigie_http_requests_total counter\n");
    for (size_t i = 0; i < METRIC_ROUTES && !rc; i++) {
        if (i >= n_routes && i < METRIC_STATIC)
            continue;
        char label[160];
        route_label(routes, n_routes, i, label, sizeof(label));
        for (size_t s = 0; s < METRIC_STATUSES && !rc; s++) {
            uint64_t v = atomic_load_explicit(&m->count[i][s], memory_order_relaxed);
            if (!v)
                continue;
            char st[8];
            if (statuses[s])
                snprintf(st, sizeof(st), "%d", statuses[s]);
            else
                snprintf(st, sizeof(st), "other");
            rc = vg_buf_printf(b, "vigie_http_requests_total{route=\"%s\",status=\"%s\"} %llu\n",
                               label, st, (unsigned long long)v);
        }
    }
    if (!rc)
        rc = vg_buf_puts(b, "# HELP vigie_http_request_duration_seconds Time from the request "
                            "to its answer.\n"
                            "# TYPE vigie_http_request_duration_seconds histogram\n");
    uint64_t cum = 0;
    for (size_t k = 0; k < METRIC_BUCKETS && !rc; k++) {
        cum += atomic_load_explicit(&m->bucket[k], memory_order_relaxed);
        if (k < METRIC_BUCKETS - 1)
            rc = vg_buf_printf(b, "vigie_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
                               (double)bounds_us[k] / 1e6, (unsigned long long)cum);
        else
            rc = vg_buf_printf(b, "vigie_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
                               (unsigned long long)cum);
    }
    if (!rc)
        rc = vg_buf_printf(b,
                           "vigie_http_request_duration_seconds_sum %.6f\n"
                           "vigie_http_request_duration_seconds_count %llu\n",
                           (double)atomic_load(&m->sum_us) / 1e6,
                           (unsigned long long)atomic_load(&m->n));
    return rc;
}
