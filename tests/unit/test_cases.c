/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_cases.c: the casework foundation (src/cases/): roles, accounts and pseudonyms, password
 * verification, sessions (expiry, disabled accounts), CSRF tokens, API tokens (stored hashed,
 * revocation), reports and partner isolation, and the audit chain, including tampering done by
 * editing the SQLite file directly (altered, removed, reordered, re-hashed and truncated entries).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>
#include <unistd.h>

#include "cases.h"
#include "store_fixture.h"

#define PW "a long enough password"

static int64_t add_user(vg_db *db, const char *name, enum vg_role role)
{
    struct vg_actor cli;
    vg_actor_cli(&cli);
    int64_t id;
    enum vg_put_result res;
    assert_int_equal(vg_user_add(db, &cli, name, role, PW, &id, &res), VG_OK);
    assert_int_equal(res, VG_PUT_NEW);
    assert_true(id > 0);
    return id;
}

static int64_t count(vg_db *db, const char *table)
{
    int64_t n = -1;
    assert_int_equal(vg_cases_count(db, table, &n), VG_OK);
    return n;
}

static void roles_round_trip(void **state)
{
    (void)state;
    for (int i = 0; i < VG_ROLE__COUNT; i++) {
        enum vg_role r;
        assert_int_equal(vg_role_parse(vg_role_name((enum vg_role)i), &r), VG_OK);
        assert_int_equal(r, i);
    }
    enum vg_role r;
    assert_string_equal(vg_role_name(VG_ROLE_FLAGGER), "trusted_flagger");
    assert_int_equal(vg_role_parse("root", &r), VG_EINVAL);
    assert_int_equal(vg_role_parse(NULL, &r), VG_EINVAL);
    assert_string_equal(vg_role_name(VG_ROLE__COUNT), "?");
}

struct user_copy {
    char name[80], pseudonym[64];
    enum vg_role role;
    int disabled;
};

static vg_status copy_user(const struct vg_user *u, void *ud)
{
    struct user_copy *c = ud;
    snprintf(c->name, sizeof(c->name), "%s", u->name);
    snprintf(c->pseudonym, sizeof(c->pseudonym), "%s", u->pseudonym);
    c->role = u->role;
    c->disabled = u->disabled;
    return VG_OK;
}

static void accounts_and_pseudonyms(void **state)
{
    (void)state;
    vg_db *db = fixture_db("cases", "accounts");
    struct vg_actor cli;
    vg_actor_cli(&cli);
    int64_t a = add_user(db, "Alice Martin", VG_ROLE_REVIEWER);
    int64_t b = add_user(db, "Bob", VG_ROLE_ANALYST);
    struct user_copy ua, ua2, ub;
    int found;
    assert_int_equal(vg_user_get(db, a, copy_user, &ua, &found), VG_OK);
    assert_int_equal(found, 1);
    assert_string_equal(ua.name, "Alice Martin");
    assert_int_equal(ua.role, VG_ROLE_REVIEWER);
    /* Word-Word-NN, nothing of the name, different people differ, and it never changes. */
    char w1[16], w2[16];
    unsigned nn;
    assert_int_equal(sscanf(ua.pseudonym, "%15[A-Za-z]-%15[A-Za-z]-%u", w1, w2, &nn), 3);
    assert_true(nn >= 10 && nn <= 99);
    assert_null(strstr(ua.pseudonym, "Alice"));
    assert_int_equal(vg_user_get(db, b, copy_user, &ub, &found), VG_OK);
    assert_string_not_equal(ua.pseudonym, ub.pseudonym);
    enum vg_role lead = VG_ROLE_LEAD;
    assert_int_equal(vg_user_update(db, &cli, a, &lead, -1, &found), VG_OK);
    assert_int_equal(found, 1);
    assert_int_equal(vg_user_get(db, a, copy_user, &ua2, &found), VG_OK);
    assert_string_equal(ua2.pseudonym, ua.pseudonym);
    assert_int_equal(ua2.role, VG_ROLE_LEAD);
    assert_int_equal(vg_user_update(db, &cli, 999, &lead, -1, &found), VG_OK);
    assert_int_equal(found, 0);

    /* Refused: a taken name (nothing stored), short or long passwords, bad names. */
    int64_t id, users = count(db, "users"), entries = count(db, "audit_log");
    enum vg_put_result res;
    assert_int_equal(vg_user_add(db, &cli, "Bob", VG_ROLE_ADMIN, PW, &id, &res), VG_OK);
    assert_int_equal(res, VG_PUT_DUPLICATE);
    assert_int_equal(id, 0);
    assert_int_equal(vg_user_add(db, &cli, "Carol", VG_ROLE_ADMIN, "short", &id, &res), VG_EINVAL);
    assert_int_equal(vg_user_add(db, &cli, "", VG_ROLE_ADMIN, PW, &id, &res), VG_EINVAL);
    assert_int_equal(vg_user_add(db, &cli, "tab\there", VG_ROLE_ADMIN, PW, &id, &res), VG_EINVAL);
    assert_int_equal(count(db, "users"), users);
    assert_int_equal(count(db, "audit_log"), entries);
    /* Stored hashes are argon2id strings, never the password. */
    char pw[VG_PASSWORD_GEN + 1];
    assert_int_equal(vg_password_generate(pw), VG_OK);
    assert_int_equal(strlen(pw), VG_PASSWORD_GEN);
    fixture_close(db);
}

static void passwords_sessions_and_csrf(void **state)
{
    (void)state;
    vg_db *db = fixture_db("cases", "sessions");
    int64_t a = add_user(db, "alice", VG_ROLE_REVIEWER);
    char session[VG_SECRET_LEN + 1], csrf[VG_SECRET_LEN + 1];
    struct vg_actor who, again;
    assert_int_equal(vg_login(db, "alice", "wrong password!", 60, session, csrf, &who), VG_ENOENT);
    assert_string_equal(session, "");
    assert_int_equal(vg_login(db, "nobody", PW, 60, session, csrf, &who), VG_ENOENT);
    assert_int_equal(count(db, "sessions"), 0);
    assert_int_equal(vg_login(db, "alice", PW, 60, session, csrf, &who), VG_OK);
    assert_int_equal(strlen(session), VG_SECRET_LEN);
    assert_memory_equal(session, "vgs_", 4);
    assert_memory_equal(csrf, "vgc_", 4);
    assert_int_equal(who.user_id, a);
    assert_int_equal(who.role, VG_ROLE_REVIEWER);

    assert_int_equal(vg_session_check(db, session, &again), VG_OK);
    assert_int_equal(again.user_id, a);
    assert_string_equal(again.pseudonym, who.pseudonym);
    assert_int_equal(vg_csrf_ok(&again, csrf), 1);
    char forged[VG_SECRET_LEN + 1];
    memcpy(forged, csrf, sizeof(forged));
    forged[10] = forged[10] == 'A' ? 'B' : 'A';
    assert_int_equal(vg_csrf_ok(&again, forged), 0);
    assert_int_equal(vg_csrf_ok(&again, NULL), 0);
    assert_int_equal(vg_csrf_ok(&again, session), 0); /* the session id is not the CSRF token */

    /* The store holds hashes only: the session id itself appears nowhere. */
    char hash[VG_HASH_HEX];
    vg__secret_hash(session, hash);
    sqlite3 *raw;
    assert_int_equal(sqlite3_open(fixture_path, &raw), SQLITE_OK);
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(raw,
                                        "SELECT count(*) FROM sessions WHERE hash = ?1 AND"
                                        " hash <> ?2",
                                        -1, &s, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, session, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(s, 0), 1);
    sqlite3_finalize(s);
    sqlite3_close(raw);

    /* Forged and malformed session ids. */
    char fake[VG_SECRET_LEN + 1];
    vg__secret_new("vgs_", fake);
    assert_int_equal(vg_session_check(db, fake, &again), VG_ENOENT);
    assert_int_equal(vg_session_check(db, "vgs_short", &again), VG_ENOENT);
    assert_int_equal(vg_session_check(db, "'; DROP TABLE users; --", &again), VG_ENOENT);

    /* Disabling the account ends its sessions and refuses logins. */
    struct vg_actor cli;
    vg_actor_cli(&cli);
    int found;
    assert_int_equal(vg_user_update(db, &cli, a, NULL, 1, &found), VG_OK);
    assert_int_equal(vg_session_check(db, session, &again), VG_ENOENT);
    assert_int_equal(vg_login(db, "alice", PW, 60, session, csrf, &who), VG_ENOENT);
    assert_int_equal(vg_user_update(db, &cli, a, NULL, 0, &found), VG_OK);

    /* Expiry, and logout. The session lives ttl seconds; its end is then moved to now through
     * the file (sleeping past a 1-s ttl failed once on a loaded machine, where the login's
     * argon2id alone can take a second). */
    assert_int_equal(vg_login(db, "alice", PW, 90, session, csrf, &who), VG_OK);
    assert_int_equal(vg_session_check(db, session, &again), VG_OK);
    assert_int_equal(sqlite3_open(fixture_path, &raw), SQLITE_OK);
    assert_int_equal(
            sqlite3_prepare_v2(raw, "SELECT expires_at - created_at FROM sessions", -1, &s, NULL),
            SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(s, 0), 90);
    sqlite3_finalize(s);
    assert_int_equal(
            sqlite3_exec(raw, "UPDATE sessions SET expires_at = unixepoch()", NULL, NULL, NULL),
            SQLITE_OK);
    sqlite3_close(raw);
    assert_int_equal(vg_session_check(db, session, &again), VG_ENOENT);
    assert_int_equal(count(db, "sessions"), 1); /* the expired one, until the next login */
    assert_int_equal(vg_login(db, "alice", PW, 60, session, csrf, &who), VG_OK);
    assert_int_equal(count(db, "sessions"), 1);
    assert_int_equal(vg_logout(db, &who, session, &found), VG_OK);
    assert_int_equal(count(db, "sessions"), 0);
    assert_int_equal(found, 1);
    assert_int_equal(vg_session_check(db, session, &again), VG_ENOENT);
    fixture_close(db);
}

static void api_tokens(void **state)
{
    (void)state;
    vg_db *db = fixture_db("cases", "tokens");
    struct vg_actor cli, who;
    vg_actor_cli(&cli);
    char token[VG_SECRET_LEN + 1];
    int64_t id;
    assert_int_equal(vg_token_add(db, &cli, "acme-feed", VG_ROLE_FLAGGER, token, &id), VG_OK);
    assert_int_equal(strlen(token), VG_SECRET_LEN);
    assert_int_equal(vg_token_check(db, token, &who), VG_OK);
    assert_int_equal(who.role, VG_ROLE_FLAGGER);
    assert_int_equal(who.token_id, id);
    assert_string_equal(who.actor_id, "token:1");
    assert_string_equal(who.pseudonym, "token-1"); /* its name may be a partner's */
    assert_string_equal(who.csrf_hash, "");
    assert_int_equal(vg_csrf_ok(&who, token), 0);
    char other[VG_SECRET_LEN + 1];
    vg__secret_new("vgt_", other);
    assert_int_equal(vg_token_check(db, other, &who), VG_ENOENT);
    assert_int_equal(vg_token_check(db,
                                    "vgs_"
                                    "notatoken",
                                    &who),
                     VG_ENOENT);
    int found;
    assert_int_equal(vg_token_revoke(db, &cli, id, &found), VG_OK);
    assert_int_equal(found, 1);
    assert_int_equal(vg_token_check(db, token, &who), VG_ENOENT);
    assert_int_equal(vg_token_revoke(db, &cli, id, &found), VG_OK);
    assert_int_equal(found, 0);
    assert_int_equal(vg_token_add(db, &cli, "", VG_ROLE_ADMIN, token, &id), VG_EINVAL);
    /* Secrets are 32 random bytes: two never repeat. */
    vg__secret_new("vgt_", token);
    assert_string_not_equal(token, other);
    assert_int_equal(vg__secret_shaped(token, "vgt_"), 1);
    token[20] = '!';
    assert_int_equal(vg__secret_shaped(token, "vgt_"), 0);
    fixture_close(db);
}

struct intake_count {
    int n;
    char last_kind[16];
};

static vg_status count_intake(const struct vg_intake *r, void *ud)
{
    struct intake_count *c = ud;
    c->n++;
    snprintf(c->last_kind, sizeof(c->last_kind), "%s", r->kind);
    return VG_OK;
}

static void reports_and_partner_isolation(void **state)
{
    (void)state;
    vg_db *db = fixture_db("cases", "intake");
    struct vg_actor staff, partner, other, auditor;
    char tok[VG_SECRET_LEN + 1];
    int64_t id, rid;
    struct vg_actor cli;
    vg_actor_cli(&cli);
    assert_int_equal(vg_token_add(db, &cli, "s", VG_ROLE_REVIEWER, tok, &id), VG_OK);
    assert_int_equal(vg_token_check(db, tok, &staff), VG_OK);
    assert_int_equal(vg_token_add(db, &cli, "p1", VG_ROLE_FLAGGER, tok, &id), VG_OK);
    assert_int_equal(vg_token_check(db, tok, &partner), VG_OK);
    assert_int_equal(vg_token_add(db, &cli, "p2", VG_ROLE_FLAGGER, tok, &id), VG_OK);
    assert_int_equal(vg_token_check(db, tok, &other), VG_OK);
    assert_int_equal(vg_token_add(db, &cli, "a", VG_ROLE_AUDITOR, tok, &id), VG_OK);
    assert_int_equal(vg_token_check(db, tok, &auditor), VG_OK);

    char err[128];
    struct vg_intake in = { .target_type = "post", .target = "p-1", .reason = "praise" };
    assert_int_equal(vg_intake_file(db, &staff, &in, &rid, err, sizeof(err)), VG_OK);
    assert_int_equal(vg_intake_file(db, &partner, &in, &rid, err, sizeof(err)), VG_OK);
    int64_t before = count(db, "intake_reports"), entries = count(db, "audit_log");
    assert_int_equal(vg_intake_file(db, &auditor, &in, &id, err, sizeof(err)), VG_EINVAL);
    struct vg_intake bad = in;
    bad.reason = NULL;
    assert_int_equal(vg_intake_file(db, &staff, &bad, &id, err, sizeof(err)), VG_EFIELD);
    assert_string_equal(err, "field 'reason' is required");
    bad = in;
    bad.target_type = "group";
    assert_int_equal(vg_intake_file(db, &staff, &bad, &id, err, sizeof(err)), VG_EFIELD);
    assert_non_null(strstr(err, "target_type"));
    assert_int_equal(count(db, "intake_reports"), before);
    assert_int_equal(count(db, "audit_log"), entries);

    struct intake_count c = { 0 };
    assert_int_equal(vg_intake_list(db, &staff, 0, -1, count_intake, &c), VG_OK);
    assert_int_equal(c.n, 2);
    memset(&c, 0, sizeof(c));
    assert_int_equal(vg_intake_list(db, &partner, 0, -1, count_intake, &c), VG_OK);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.last_kind, "notice");
    memset(&c, 0, sizeof(c));
    assert_int_equal(vg_intake_list(db, &other, 0, -1, count_intake, &c), VG_OK);
    assert_int_equal(c.n, 0);
    memset(&c, 0, sizeof(c));
    assert_int_equal(vg_intake_list(db, &other, rid, 1, count_intake, &c), VG_OK);
    assert_int_equal(c.n, 0); /* asking for another partner's notice by id gives nothing */
    fixture_close(db);
}

/* ---- the audit chain ----------------------------------------------------------------------- */

/* A store with five audit entries; closed, so the test can edit the file. */
static void five_entries(const char *name)
{
    vg_db *db = fixture_db("cases", name);
    struct vg_actor cli;
    vg_actor_cli(&cli);
    for (int i = 0; i < 5; i++) {
        char detail[32];
        snprintf(detail, sizeof(detail), "{\"n\":%d}", i);
        assert_int_equal(vg_audit_append(db, &cli, "test.step", "thing:1", detail), VG_OK);
    }
    vg_db_close(db);
}

static void edit_file(const char *sql)
{
    sqlite3 *raw;
    assert_int_equal(sqlite3_open(fixture_path, &raw), SQLITE_OK);
    char *err = NULL;
    int src = sqlite3_exec(raw, sql, NULL, NULL, &err);
    if (src != SQLITE_OK)
        fail_msg("editing the file: %s", err);
    sqlite3_close(raw);
}

static struct vg_audit_verdict verify_file(void)
{
    vg_db *db;
    assert_int_equal(vg_db_open(fixture_path, &db), VG_OK);
    struct vg_audit_verdict v;
    assert_int_equal(vg_audit_verify(db, &v), VG_OK);
    vg_db_close(db);
    return v;
}

#define UNLOCK "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;"

static void audit_chain_detects_tampering(void **state)
{
    (void)state;
    five_entries("audit-ok");
    struct vg_audit_verdict v = verify_file();
    assert_int_equal(v.ok, 1);
    assert_int_equal(v.entries, 5);
    /* The table refuses edits through SQL while its triggers stand. */
    sqlite3 *raw;
    assert_int_equal(sqlite3_open(fixture_path, &raw), SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(raw, "UPDATE audit_log SET actor = 'x'", NULL, NULL, NULL),
                         SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(raw, "DELETE FROM audit_log", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(raw);
    fixture_remove_files();

    five_entries("audit-altered");
    edit_file(UNLOCK "UPDATE audit_log SET detail = '{\"n\":9}' WHERE seq = 2");
    v = verify_file();
    assert_int_equal(v.ok, 0);
    assert_int_equal(v.bad_seq, 2);
    assert_int_equal(v.entries, 1);
    assert_non_null(strstr(v.problem, "entry 2 was altered"));
    fixture_remove_files();

    five_entries("audit-actor");
    edit_file(UNLOCK "UPDATE audit_log SET at = at + 1 WHERE seq = 4");
    v = verify_file();
    assert_int_equal(v.bad_seq, 4);
    fixture_remove_files();

    five_entries("audit-removed");
    edit_file(UNLOCK "DELETE FROM audit_log WHERE seq = 3");
    v = verify_file();
    assert_int_equal(v.ok, 0);
    assert_int_equal(v.bad_seq, 3);
    assert_non_null(strstr(v.problem, "entry 3 is missing"));
    fixture_remove_files();

    /* Swapping two entries' places (their seq) breaks the chain at the first of them. */
    five_entries("audit-reordered");
    edit_file(UNLOCK "UPDATE audit_log SET seq = 100 WHERE seq = 2;"
                     "UPDATE audit_log SET seq = 2 WHERE seq = 3;"
                     "UPDATE audit_log SET seq = 3 WHERE seq = 100;");
    v = verify_file();
    assert_int_equal(v.ok, 0);
    assert_int_equal(v.bad_seq, 2);
    fixture_remove_files();

    /* An entry altered and its own hash recomputed: the next entry no longer follows it. */
    five_entries("audit-rehashed");
    char prev[VG_HASH_HEX] = { 0 }, hash[VG_HASH_HEX];
    struct vg_buf b;
    vg_buf_init(&b, 4096);
    struct vg_audit_entry e = { .seq = 2,
                                .actor_id = "cli",
                                .actor = "cli",
                                .action = "test.step",
                                .object = "thing:1",
                                .detail = "{\"n\":42}" };
    assert_int_equal(sqlite3_open(fixture_path, &raw), SQLITE_OK);
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(raw, "SELECT prev_hash, at FROM audit_log WHERE seq = 2",
                                        -1, &s, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    snprintf(prev, sizeof(prev), "%s", (const char *)sqlite3_column_text(s, 0));
    e.at = sqlite3_column_int64(s, 1);
    sqlite3_finalize(s);
    sqlite3_close(raw);
    assert_int_equal(vg__audit_canonical(&e, &b), VG_OK);
    assert_int_equal(vg__audit_hash(prev, b.data, b.len, hash), VG_OK);
    vg_buf_release(&b);
    char sql[512];
    snprintf(sql, sizeof(sql),
             UNLOCK "UPDATE audit_log SET detail = '{\"n\":42}', hash = '%s' WHERE seq = 2", hash);
    edit_file(sql);
    v = verify_file();
    assert_int_equal(v.ok, 0);
    assert_int_equal(v.bad_seq, 3);
    assert_non_null(strstr(v.problem, "does not follow"));
    fixture_remove_files();

    /* The last entries removed: the head record still names entry 5. */
    five_entries("audit-truncated");
    edit_file(UNLOCK "DELETE FROM audit_log WHERE seq >= 4");
    v = verify_file();
    assert_int_equal(v.ok, 0);
    assert_int_equal(v.bad_seq, 5);
    assert_non_null(strstr(v.problem, "ends at entry 3"));
    fixture_remove_files();
}

static void audit_entries_name_no_one(void **state)
{
    (void)state;
    vg_db *db = fixture_db("cases", "audit-names");
    add_user(db, "Real Name", VG_ROLE_REVIEWER);
    char session[VG_SECRET_LEN + 1], csrf[VG_SECRET_LEN + 1];
    struct vg_actor who;
    assert_int_equal(vg_login(db, "Real Name", PW, 60, session, csrf, &who), VG_OK);
    struct vg_actor cli;
    vg_actor_cli(&cli);
    assert_int_equal(vg_audit_append(db, &cli, "x", "y", "[1]"), VG_EINVAL);
    assert_int_equal(vg_audit_append(db, &cli, "", "y", NULL), VG_EINVAL);
    sqlite3 *raw;
    assert_int_equal(sqlite3_open(fixture_path, &raw), SQLITE_OK);
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(raw,
                                        "SELECT count(*), sum(instr(actor || object || detail,"
                                        " 'Real Name')) FROM audit_log",
                                        -1, &s, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(s, 0), 2); /* user.add, login */
    assert_int_equal(sqlite3_column_int(s, 1), 0);
    sqlite3_finalize(s);
    sqlite3_close(raw);
    fixture_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(roles_round_trip),
        cmocka_unit_test(accounts_and_pseudonyms),
        cmocka_unit_test(passwords_sessions_and_csrf),
        cmocka_unit_test(api_tokens),
        cmocka_unit_test(reports_and_partner_isolation),
        cmocka_unit_test(audit_chain_detects_tampering),
        cmocka_unit_test(audit_entries_name_no_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
