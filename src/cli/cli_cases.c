/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_cases.c: `vigie user add|list|update`, `vigie token add|list|revoke`, `vigie audit
 * verify|list`: the accounts, API tokens and audit log of the casework (vigie.h @@cases,
 * docs/server.md). Changes made here are recorded in the audit log with the actor "cli".
 * Secrets are printed once: a generated password in the `user add` line, a token in the last
 * line of `token add`; the store keeps only hashes.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void cases_help(FILE *f)
{
    fprintf(f,
            "usage: vigie user add --name N --role R [--generate-password] [--db FILE]\n"
            "       vigie user list [--db FILE]\n"
            "       vigie user update --id ID [--role R] [--disable | --enable] [--db FILE]\n"
            "       vigie token add --name N --role R [--db FILE]\n"
            "       vigie token list [--db FILE]\n"
            "       vigie token revoke --id ID [--db FILE]\n"
            "       vigie audit verify [--db FILE]\n"
            "       vigie audit list [--after SEQ] [--limit N] [--db FILE]\n\n"
            "Accounts, API tokens and the audit log of the casework (docs/server.md).\n"
            "user add reads the password from stdin when stdin is not a terminal; otherwise it\n"
            "generates one and prints it once in its output line. token add prints the token\n"
            "once, in its last line; only hashes are stored. audit verify recomputes the hash\n"
            "chain and names the first altered, removed or reordered entry (exit 1).\n\n"
            "roles: admin, lead, reviewer, analyst, trusted_flagger, auditor\n\n"
            "options:\n"
            "  --db FILE      the store (default " DEFAULT_DB ")\n"
            "  --name N       account name (a person, or the partner organisation) or token name\n"
            "  --role R       one of the roles above\n"
            "  --id ID        the account or token\n"
            "  --generate-password  user add: generate the password even if stdin is not a\n"
            "                 terminal (printed once)\n"
            "  --disable      disable the account (its sessions end); --enable undoes it\n"
            "  --after SEQ    audit list: entries after this one\n"
            "  --limit N      audit list: at most N entries\n"
            "  --help, -h     this help\n");
}

struct cases_args {
    const char *db_path, *name, *role_name;
    long id, after, limit;
    int disable;  /* --disable 1, --enable 2 (the last one given), neither 0 */
    int generate; /* --generate-password */
    enum vg_role role;
};

static void cases_help_stdout(void)
{
    cases_help(stdout);
}

/* --role R: the name as given and the role it names. */
static int parse_role(const char *cmd, const char *arg, void *dst)
{
    struct cases_args *a = dst;
    a->role_name = arg;
    if (vg_role_parse(arg, &a->role) != VG_OK)
        return usage_error(cmd,
                           "unknown role '%s' (admin, lead, reviewer, analyst, "
                           "trusted_flagger, auditor)",
                           arg);
    return 0;
}

static int parse_args(const char *cmd, int argc, char **argv, struct cases_args *a)
{
    memset(a, 0, sizeof(*a));
    a->db_path = DEFAULT_DB;
    a->limit = -1;
    const struct cli_opt opts[] = {
        { "db", .str = &a->db_path },
        { "name", .str = &a->name },
        { "role", .parse = parse_role, .dst = a },
        { "id", .count = &a->id, .max = 1L << 62 },
        { "after", .count = &a->after, .max = 1L << 62 },
        { "limit", .count = &a->limit, .max = 1L << 62 },
        { "disable", .flag = &a->disable, .max = 1 },
        { "enable", .flag = &a->disable, .max = 2 },
        { "generate-password", .flag = &a->generate },
    };
    int rc = cli_parse_options(cmd, argc, argv, opts, sizeof(opts) / sizeof(opts[0]),
                               cases_help_stdout);
    if (rc)
        return rc;
    if (optind < argc)
        return usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    return 0;
}

static int open_db(const char *cmd, const char *path, vg_db **db)
{
    cli_log_init(0);
    vg_status rc = vg_db_open(path, db);
    if (rc) {
        fprintf(stderr, "vigie %s: cannot open %s: %s\n", cmd, path, vg_strerror(rc));
        return EXIT_DATA;
    }
    return 0;
}

/* The password from stdin (one line), or NULL with *generated filled when stdin is a terminal. */
static int read_password(const char *cmd, int generate, char *buf, size_t cap,
                         char generated[VG_PASSWORD_GEN + 1], const char **out)
{
    *out = NULL;
    if (generate || isatty(STDIN_FILENO)) {
        if (vg_password_generate(generated) != VG_OK) {
            fprintf(stderr, "vigie %s: cannot generate a password\n", cmd);
            return EXIT_DATA;
        }
        *out = generated;
        return 0;
    }
    if (!fgets(buf, (int)cap, stdin)) {
        fprintf(stderr, "vigie %s: no password on stdin\n", cmd);
        return EXIT_DATA;
    }
    size_t n = strlen(buf);
    if (n && buf[n - 1] != '\n' && !feof(stdin)) {
        fprintf(stderr, "vigie %s: the password on stdin is over %d bytes\n", cmd, VG_PASSWORD_MAX);
        return EXIT_DATA;
    }
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = 0;
    if (n < VG_PASSWORD_MIN) {
        fprintf(stderr, "vigie %s: the password must have at least %d bytes\n", cmd,
                VG_PASSWORD_MIN);
        return EXIT_DATA;
    }
    *out = buf;
    return 0;
}

static vg_status print_user(const struct vg_user *u, void *ud)
{
    const char *password = ud;
    printf("{\"id\":%lld,\"name\":", (long long)u->id);
    cli_print_json_str(u->name);
    printf(",\"pseudonym\":");
    cli_print_json_str(u->pseudonym);
    printf(",\"role\":\"%s\",\"disabled\":%s,\"created_at\":%lld", vg_role_name(u->role),
           u->disabled ? "true" : "false", (long long)u->created_at);
    if (password) {
        printf(",\"password\":");
        cli_print_json_str(password);
    }
    printf("}\n");
    return VG_OK;
}

static int user_add(const char *cmd, vg_db *db, const struct cases_args *a)
{
    if (!a->name || !a->role_name)
        return usage_error(cmd, "--name N and --role R are required");
    char buf[VG_PASSWORD_MAX + 2], generated[VG_PASSWORD_GEN + 1];
    const char *pw;
    int ex = read_password(cmd, a->generate, buf, sizeof(buf), generated, &pw);
    if (ex)
        return ex;
    struct vg_actor cli;
    vg_actor_cli(&cli);
    int64_t id;
    enum vg_put_result res;
    vg_status rc = vg_user_add(db, &cli, a->name, a->role, pw, &id, &res);
    if (rc == VG_EINVAL) {
        fprintf(stderr,
                "vigie %s: the name must be 1 to %d bytes of text without control "
                "characters\n",
                cmd, VG_NAME_MAX);
        return EXIT_USAGE;
    }
    if (!rc && res == VG_PUT_DUPLICATE) {
        fprintf(stderr, "vigie %s: an account named '%s' exists already\n", cmd, a->name);
        return EXIT_DATA;
    }
    int found = 0;
    if (!rc)
        rc = vg_user_get(db, id, print_user, pw == generated ? (void *)generated : NULL, &found);
    if (rc || !found) {
        fprintf(stderr, "vigie %s: %s: %s\n", cmd, vg_strerror(rc), vg_db_errmsg(db));
        return EXIT_DATA;
    }
    return 0;
}

static vg_status count_user(const struct vg_user *u, void *ud)
{
    ++*(long *)ud;
    return print_user(u, NULL);
}

static int user_list(const char *cmd, vg_db *db)
{
    long n = 0;
    vg_status rc = vg_user_list(db, count_user, &n);
    if (rc) {
        fprintf(stderr, "vigie %s: %s: %s\n", cmd, vg_strerror(rc), vg_db_errmsg(db));
        return EXIT_DATA;
    }
    printf("{\"summary\":\"users\",\"listed\":%ld}\n", n);
    return 0;
}

static int user_update(const char *cmd, vg_db *db, const struct cases_args *a)
{
    if (!a->id || (!a->role_name && !a->disable))
        return usage_error(cmd, "--id ID and one of --role, --disable, --enable are required");
    struct vg_actor cli;
    vg_actor_cli(&cli);
    int found = 0;
    int disabled = a->disable ? a->disable == 1 : -1; /* -1 keeps it */
    vg_status rc =
            vg_user_update(db, &cli, a->id, a->role_name ? &a->role : NULL, disabled, &found);
    if (!rc && found)
        rc = vg_user_get(db, a->id, print_user, NULL, &found);
    if (rc || !found) {
        fprintf(stderr, "vigie %s: %s\n", cmd, rc ? vg_strerror(rc) : "no such account");
        return EXIT_DATA;
    }
    return 0;
}

static vg_status print_token(const struct vg_token *t, void *ud)
{
    ++*(long *)ud;
    printf("{\"id\":%lld,\"name\":", (long long)t->id);
    cli_print_json_str(t->name);
    printf(",\"role\":\"%s\",\"revoked\":%s,\"created_at\":%lld}\n", vg_role_name(t->role),
           t->revoked ? "true" : "false", (long long)t->created_at);
    return VG_OK;
}

static int token_cmd(const char *cmd, const char *sub, vg_db *db, const struct cases_args *a)
{
    struct vg_actor cli;
    vg_actor_cli(&cli);
    vg_status rc;
    if (!strcmp(sub, "list")) {
        long n = 0;
        if ((rc = vg_token_list(db, print_token, &n)))
            goto fail;
        printf("{\"summary\":\"tokens\",\"listed\":%ld}\n", n);
        return 0;
    }
    if (!strcmp(sub, "revoke")) {
        int found = 0;
        if (!a->id)
            return usage_error(cmd, "--id ID is required");
        if ((rc = vg_token_revoke(db, &cli, a->id, &found)))
            goto fail;
        if (!found) {
            fprintf(stderr, "vigie %s: no live token with id %ld\n", cmd, a->id);
            return EXIT_DATA;
        }
        printf("{\"id\":%ld,\"revoked\":true}\n", a->id);
        return 0;
    }
    if (!a->name || !a->role_name)
        return usage_error(cmd, "--name N and --role R are required");
    char token[VG_SECRET_LEN + 1];
    int64_t id;
    if ((rc = vg_token_add(db, &cli, a->name, a->role, token, &id)) == VG_EINVAL)
        return usage_error(cmd, "the name must be 1 to %d bytes of text", VG_NAME_MAX);
    if (rc)
        goto fail;
    printf("{\"id\":%lld,\"name\":", (long long)id);
    cli_print_json_str(a->name);
    printf(",\"role\":\"%s\",\"token\":\"%s\"}\n", vg_role_name(a->role), token);
    return 0;
fail:
    fprintf(stderr, "vigie %s: %s: %s\n", cmd, vg_strerror(rc), vg_db_errmsg(db));
    return EXIT_DATA;
}

static vg_status print_audit(const struct vg_audit_entry *e, void *ud)
{
    ++*(long *)ud;
    printf("{\"seq\":%lld,\"at\":%lld,\"actor_id\":", (long long)e->seq, (long long)e->at);
    cli_print_json_str(e->actor_id);
    printf(",\"actor\":");
    cli_print_json_str(e->actor);
    printf(",\"action\":");
    cli_print_json_str(e->action);
    printf(",\"object\":");
    cli_print_json_str(e->object);
    printf(",\"detail\":%s,\"hash\":\"%s\"}\n", e->detail, e->hash);
    return VG_OK;
}

static int audit_cmd(const char *cmd, const char *sub, vg_db *db, const struct cases_args *a)
{
    vg_status rc;
    if (!strcmp(sub, "list")) {
        long n = 0;
        if ((rc = vg_audit_list(db, a->after, a->limit, print_audit, &n)))
            goto fail;
        printf("{\"summary\":\"audit list\",\"listed\":%ld}\n", n);
        return 0;
    }
    struct vg_audit_verdict v;
    if ((rc = vg_audit_verify(db, &v)))
        goto fail;
    printf("{\"summary\":\"audit verify\",\"ok\":%s,\"entries\":%lld", v.ok ? "true" : "false",
           (long long)v.entries);
    if (!v.ok) {
        printf(",\"bad_entry\":%lld,\"problem\":", (long long)v.bad_seq);
        cli_print_json_str(v.problem);
    }
    printf("}\n");
    return v.ok ? 0 : EXIT_DATA;
fail:
    fprintf(stderr, "vigie %s: %s: %s\n", cmd, vg_strerror(rc), vg_db_errmsg(db));
    return EXIT_DATA;
}

/* `vigie user|token|audit SUB [options]`: argv[0] is the group. */
static int cases_main(const char *group, const char *const *subs, int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        cases_help(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : 0;
    }
    const char *sub = argv[1];
    int known = 0;
    for (size_t i = 0; subs[i]; i++)
        known |= !strcmp(sub, subs[i]);
    char cmd[32];
    snprintf(cmd, sizeof(cmd), "%s %.16s", group, sub);
    if (!known)
        return usage_error(group, "unknown subcommand '%s' (see --help)", sub);
    struct cases_args a;
    int ex = parse_args(cmd, argc - 1, argv + 1, &a);
    if (ex)
        return ex < 0 ? 0 : ex;
    /* Only adding creates a store; reading or changing one that is not there is an error. */
    if (strcmp(sub, "add") && access(a.db_path, F_OK) != 0) {
        fprintf(stderr, "vigie %s: no store at %s\n", cmd, a.db_path);
        return EXIT_DATA;
    }
    vg_db *db;
    if ((ex = open_db(cmd, a.db_path, &db)))
        return ex;
    if (!strcmp(group, "user"))
        ex = !strcmp(sub, "add")    ? user_add(cmd, db, &a)
             : !strcmp(sub, "list") ? user_list(cmd, db)
                                    : user_update(cmd, db, &a);
    else if (!strcmp(group, "token"))
        ex = token_cmd(cmd, sub, db, &a);
    else
        ex = audit_cmd(cmd, sub, db, &a);
    vg_db_close(db);
    return ex;
}

int cmd_user(int argc, char **argv)
{
    static const char *const subs[] = { "add", "list", "update", NULL };
    return cases_main("user", subs, argc, argv);
}

int cmd_token(int argc, char **argv)
{
    static const char *const subs[] = { "add", "list", "revoke", NULL };
    return cases_main("token", subs, argc, argv);
}

int cmd_audit(int argc, char **argv)
{
    static const char *const subs[] = { "verify", "list", NULL };
    return cases_main("audit", subs, argc, argv);
}
