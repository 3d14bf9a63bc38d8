/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_serve.c: `vigie serve`: the HTTP API and web console (vigie.h @@server, docs/server.md).
 * Prints {"listening":"ADDR:PORT",...} once bound (the port actually bound, so --listen with
 * port 0 works for tests), serves until SIGINT or SIGTERM, then stops cleanly (requests in
 * flight finish, store connections close) and prints a summary line.
 */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static void serve_help(void)
{
    printf("usage: vigie serve [--db FILE] [--listen ADDR:PORT] [--web DIR] [--threads N]\n"
           "                   [--max-body BYTES] [--webhook URL [--webhook-secret-file F]]\n"
           "                   [--outbox FILE]\n"
           "                   [--deliver-every S] [--enforce-delay MIN:MAX]\n"
           "       vigie serve --routes\n\n"
           "Serve the JSON API under /api/v1 (docs/api.md), the web console from --web, /healthz\n"
           "and /metrics. Prints one JSON line with the address once listening; stops on SIGINT\n"
           "or SIGTERM. Accounts: vigie user add. Security model: docs/server.md.\n\n"
           "options:\n"
           "  --db FILE          the store (default " DEFAULT_DB ")\n"
           "  --listen A:P       address and port (default 127.0.0.1:8080; port 0: any free)\n"
           "  --web DIR          static files of the console (default $VIGIE_WEB, else the\n"
           "                     web/ folder of the source tree)\n"
           "  --threads N        worker threads (default 4)\n"
           "  --max-body BYTES   request body limit (default 65536)\n"
           "  --webhook URL      deliver decided actions to this http:// URL (retries, backoff)\n"
           "  --webhook-secret-file F\n"
           "                     sign each webhook request (HMAC-SHA256, X-Vigie-Signature) with\n"
           "                     the secret on F's first line (at least 16 bytes)\n"
           "  --outbox FILE      and append each to this JSONL file\n"
           "  --deliver-every S  delivery pass every S seconds (default 5)\n"
           "  --enforce-delay A:B  random delay before enforcing a decision, A to B seconds\n"
           "  --routes           print the route table (JSON lines) and exit\n"
           "  --help, -h         this help\n");
}

/* One JSON line per route of the API: method, path, public, roles allowed. */
static vg_status print_route(const struct vg_route_info *r, void *ud)
{
    (void)ud;
    printf("{\"method\":\"%s\",\"path\":\"%s\",\"public\":%s,\"roles\":[", r->method, r->pattern,
           r->is_public ? "true" : "false");
    for (int i = 0, n = 0; i < VG_ROLE__COUNT; i++)
        if (r->roles & (1u << i))
            printf("%s\"%s\"", n++ ? "," : "", vg_role_name((enum vg_role)i));
    printf("],\"summary\":");
    cli_print_json_str(r->summary);
    printf("}\n");
    return VG_OK;
}

int cmd_serve(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "db", required_argument, NULL, 'd' },
        { "listen", required_argument, NULL, 'l' },
        { "web", required_argument, NULL, 'w' },
        { "threads", required_argument, NULL, 't' },
        { "max-body", required_argument, NULL, 'b' },
        { "help", no_argument, NULL, 'h' },
        { "routes", no_argument, NULL, 'r' },
        { "webhook", required_argument, NULL, 'W' },
        { "webhook-secret-file", required_argument, NULL, 'K' },
        { "outbox", required_argument, NULL, 'O' },
        { "deliver-every", required_argument, NULL, 'E' },
        { "enforce-delay", required_argument, NULL, 'D' },
        { NULL, 0, NULL, 0 },
    };
    const char *cmd = "serve";
    struct vg_server_opts o;
    vg_server_opts_init(&o);
    o.db_path = DEFAULT_DB;
    o.web_root = getenv("VIGIE_WEB") ? getenv("VIGIE_WEB") : VG_DATA_DIR "/web";
    optind = 1;
    opterr = 0;
    int c, bad = 0;
    long v, every = 5;
    struct vg_outbox_opts ob = { 0 };
    const char *secret_file = NULL;
    char secret[256] = "";
    struct vg_enforce_delay delay = { 0, 0 };
    while (!bad && (c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
            case 'd':
                o.db_path = optarg;
                break;
            case 'l':
                o.listen = optarg;
                break;
            case 'w':
                o.web_root = optarg;
                break;
            case 't':
                bad = cli_parse_count(cmd, "--threads", optarg, 256, &v);
                if (!bad && v < 1)
                    bad = usage_error(cmd, "--threads takes a number from 1 to 256");
                o.threads = (unsigned)v;
                break;
            case 'b':
                bad = cli_parse_count(cmd, "--max-body", optarg, 64L << 20, &v);
                if (!bad && v < 1024)
                    bad = usage_error(cmd, "--max-body takes a number from 1024 to 67108864");
                o.max_body = (size_t)v;
                break;
            case 'W':
                ob.webhook_url = optarg;
                if (strncmp(optarg, "http://", 7))
                    bad = usage_error(cmd, "--webhook takes an http:// URL (docs/cases.md)");
                break;
            case 'K':
                secret_file = optarg;
                break;
            case 'O':
                ob.outbox_path = optarg;
                break;
            case 'E':
                bad = cli_parse_count(cmd, "--deliver-every", optarg, 3600, &every);
                if (!bad && every < 1)
                    bad = usage_error(cmd, "--deliver-every takes 1 to 3600 seconds");
                break;
            case 'D': {
                long long a, b;
                char tail;
                if (sscanf(optarg, "%lld:%lld%c", &a, &b, &tail) != 2 || a < 0 || b < a ||
                    b > 7 * 86400)
                    bad = usage_error(cmd, "--enforce-delay takes MIN:MAX seconds, 0 <= MIN <= "
                                           "MAX <= 604800");
                delay.min = a;
                delay.max = b;
                break;
            }
            case 'h':
                serve_help();
                return 0;
            case 'r':
                return vg_server_routes(print_route, NULL) == VG_OK ? 0 : EXIT_DATA;
            default:
                return usage_error(cmd, "unknown or incomplete option '%s' (see --help)",
                                   argv[optind - 1]);
        }
    }
    if (bad)
        return bad;
    if (optind < argc)
        return usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (secret_file && !ob.webhook_url)
        return usage_error(cmd, "--webhook-secret-file needs --webhook");
    if (secret_file &&
        (bad = cli_read_secret(cmd, "--webhook-secret-file", secret_file, secret, sizeof secret)))
        return bad;
    ob.webhook_secret = secret;
    cli_log_init(0);
    /* Block the stop signals in every thread (the server's threads inherit the mask), then
     * wait for one here: no handler runs inside a worker. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    vg_server *srv;
    vg_status rc = vg_server_start(&o, &srv);
    if (rc == VG_EINVAL)
        return usage_error(cmd, "--listen takes ADDR:PORT (e.g. 127.0.0.1:8080 or [::1]:0)");
    if (rc) {
        fprintf(stderr, "vigie serve: cannot start: %s\n", vg_strerror(rc));
        return EXIT_DATA;
    }
    printf("{\"listening\":");
    cli_print_json_str(vg_server_address(srv));
    printf(",\"db\":");
    cli_print_json_str(o.db_path);
    printf(",\"threads\":%u}\n", o.threads);
    fflush(stdout);
    vg_server_cases_config(srv, &delay);
    /* The delivery worker: a pass every `every` seconds on a connection of its own, between
     * waits for the stop signal. */
    vg_db *odb = NULL;
    if ((ob.webhook_url || ob.outbox_path) && vg_db_open(o.db_path, &odb) != VG_OK) {
        fprintf(stderr, "vigie serve: cannot open %s for delivery\n", o.db_path);
        odb = NULL;
    }
    int sig = 0;
    for (;;) {
        if (!odb) {
            sigwait(&stop, &sig);
            break;
        }
        struct timespec ts = { .tv_sec = every };
        sig = sigtimedwait(&stop, NULL, &ts);
        if (sig > 0)
            break;
        struct vg_outbox_stats st;
        if (vg_outbox_flush(odb, &ob, (int64_t)time(NULL), &st) != VG_OK)
            fprintf(stderr, "vigie serve: delivery pass failed: %s\n", vg_db_errmsg(odb));
    }
    vg_db_close(odb);
    vg_server_stop(srv);
    printf("{\"summary\":\"serve\",\"stopped_by\":\"%s\"}\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    return 0;
}
