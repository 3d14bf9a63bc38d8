/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cases_users.c: accounts, pseudonyms, passwords, sessions and API tokens (vigie.h, @@cases).
 *
 * Passwords are hashed with argon2id (crypto_pwhash_str) at libsodium's "interactive" limits:
 * 64 MiB and 2 passes, about 0.1 s here, which makes each guess expensive and a stolen table
 * slow to crack; the login rate limiter (src/server/) stops online guessing long before. A login
 * for a name that does not exist verifies against a dummy hash, so the time taken does not tell
 * which names exist.
 *
 * Every change runs in one transaction with its audit entry (vg__audit_append_txn); the audit
 * entry names the actor by pseudonym and the object by id, never by a real name.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cases.h"

#define PWHASH_OPS crypto_pwhash_OPSLIMIT_INTERACTIVE
#define PWHASH_MEM crypto_pwhash_MEMLIMIT_INTERACTIVE

/* ---- pseudonyms ---------------------------------------------------------------------------- */

/* Pseudonyms are "Word-Word-NN": 40 x 40 x 90 = 144,000 of them, drawn at random and kept for
 * good, so a person is the same pseudonym to everyone, always, and it says nothing about them. */
static const char *const pseudo_a[] = {
    "Amber", "Ash",    "Birch",   "Blue",  "Brisk", "Calm",  "Cedar", "Clear", "Copper", "Coral",
    "Dawn",  "Dune",   "Ember",   "Fern",  "Flint", "Frost", "Gold",  "Grey",  "Hazel",  "Iron",
    "Ivory", "Jade",   "Juniper", "Linen", "Maple", "Mist",  "North", "Oak",   "Olive",  "Onyx",
    "Pine",  "Quartz", "Rain",    "Reed",  "Rust",  "Sage",  "Slate", "Stone", "Tide",   "Willow",
};
static const char *const pseudo_b[] = {
    "Badger", "Bear",   "Crane",  "Crow", "Deer",  "Dove",  "Eagle", "Egret",   "Falcon", "Finch",
    "Fox",    "Gull",   "Hare",   "Hawk", "Heron", "Ibis",  "Jay",   "Kestrel", "Kite",   "Lark",
    "Lynx",   "Marten", "Merlin", "Mole", "Moth",  "Otter", "Owl",   "Pike",    "Plover", "Raven",
    "Robin",  "Seal",   "Shrike", "Stag", "Stoat", "Swift", "Tern",  "Trout",   "Vole",   "Wren",
};

static void pseudonym_draw(char out[VG_PSEUDONYM_MAX])
{
    snprintf(out, VG_PSEUDONYM_MAX, "%s-%s-%u",
             pseudo_a[randombytes_uniform(VG_ARRAY_LEN(pseudo_a))],
             pseudo_b[randombytes_uniform(VG_ARRAY_LEN(pseudo_b))], 10 + randombytes_uniform(90));
}

/* A pseudonym no account has (inside the caller's transaction). */
static vg_status pseudonym_new(const struct vg_store_cases_ops *ops, void *st,
                               char out[VG_PSEUDONYM_MAX])
{
    for (int attempt = 0; attempt < 64; attempt++) {
        int taken;
        pseudonym_draw(out);
        vg_status rc = ops->pseudonym_taken(st, out, &taken);
        if (rc || !taken)
            return rc;
    }
    VG_LOG_ERR("cases: no free pseudonym after 64 draws (too many accounts for the word lists)");
    return VG_ELIMIT;
}

/* ---- accounts ------------------------------------------------------------------------------ */

static int password_ok(const char *pw)
{
    size_t n = pw ? strlen(pw) : 0;
    return n >= VG_PASSWORD_MIN && n <= VG_PASSWORD_MAX;
}

vg_status vg_user_add(vg_db *db, const struct vg_actor *by, const char *name, enum vg_role role,
                      const char *password, int64_t *id_out, enum vg_put_result *res)
{
    *id_out = 0;
    *res = VG_PUT_NEW;
    if (!vg__name_ok(name) || !password_ok(password) || (unsigned)role >= VG_ROLE__COUNT)
        return VG_EINVAL;
    vg_status rc = vg__sodium_ready();
    if (rc)
        return rc;
    char pwhash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(pwhash, password, strlen(password), PWHASH_OPS, PWHASH_MEM) != 0)
        return VG_ENOMEM; /* libsodium fails only when it cannot get the memory */
    void *st;
    const struct vg_store_cases_ops *ops = vg__db_cases(db, &st);
    if ((rc = vg__db_txn_begin(db)))
        return rc;
    char pseudonym[VG_PSEUDONYM_MAX];
    struct vg_store_user u = { .name = name,
                               .role = vg_role_name(role),
                               .pseudonym = pseudonym,
                               .pwhash = pwhash,
                               .created_at = (int64_t)time(NULL) };
    int64_t id = 0;
    int dup = 0;
    if ((rc = pseudonym_new(ops, st, pseudonym)) || (rc = ops->user_insert(st, &u, &id, &dup)))
        goto fail;
    if (dup) {
        vg__db_txn_rollback(db);
        *res = VG_PUT_DUPLICATE;
        return VG_OK;
    }
    char object[32], detail[160];
    snprintf(object, sizeof(object), "user:%lld", (long long)id);
    snprintf(detail, sizeof(detail), "{\"role\":\"%s\",\"pseudonym\":\"%s\"}", u.role, pseudonym);
    if ((rc = vg__audit_append_txn(db, by, "user.add", object, detail)) ||
        (rc = vg__db_txn_commit(db)))
        goto fail;
    *id_out = id;
    return VG_OK;
fail:
    vg__db_txn_rollback(db);
    return rc;
}

struct user_relay {
    vg_user_fn fn;
    void *ud;
};

static vg_status relay_user(const struct vg_store_user *s, void *ud)
{
    struct user_relay *r = ud;
    struct vg_user u = { .id = s->id,
                         .name = s->name,
                         .pseudonym = s->pseudonym,
                         .disabled = s->disabled,
                         .created_at = s->created_at };
    if (vg_role_parse(s->role, &u.role) != VG_OK)
        VG_LOG_WARN("cases: user %lld has an unknown role '%s' (read as auditor)", (long long)s->id,
                    s->role);
    return r->fn(&u, r->ud);
}

vg_status vg_user_list(vg_db *db, vg_user_fn fn, void *ud)
{
    void *st;
    const struct vg_store_cases_ops *ops = vg__db_cases(db, &st);
    struct user_relay r = { fn, ud };
    return ops->users_scan(st, relay_user, &r);
}

vg_status vg_user_get(vg_db *db, int64_t id, vg_user_fn fn, void *ud, int *found)
{
    void *st;
    const struct vg_store_cases_ops *ops = vg__db_cases(db, &st);
    struct user_relay r = { fn, ud };
    return ops->user_get(st, id, NULL, relay_user, &r, found);
}

vg_status vg_user_update(vg_db *db, const struct vg_actor *by, int64_t id, const enum vg_role *role,
                         int disabled, int *found)
{
    *found = 0;
    if (role && (unsigned)*role >= VG_ROLE__COUNT)
        return VG_EINVAL;
    void *st;
    const struct vg_store_cases_ops *ops = vg__db_cases(db, &st);
    vg_status rc = vg__db_txn_begin(db);
    if (rc)
        return rc;
    const char *role_name = role ? vg_role_name(*role) : NULL;
    if ((rc = ops->user_update(st, id, role_name, disabled < 0 ? -1 : !!disabled, found)))
        goto fail;
    if (!*found) {
        vg__db_txn_rollback(db);
        return VG_OK;
    }
    /* A changed role or a disabled account must not keep sessions made with the old rights. */
    char object[32], detail[96];
    snprintf(object, sizeof(object), "user:%lld", (long long)id);
    snprintf(detail, sizeof(detail), "{\"role\":%s%s%s,\"disabled\":%s}", role ? "\"" : "",
             role ? role_name : "null", role ? "\"" : "",
             disabled < 0 ? "null" : (disabled ? "true" : "false"));
    if ((rc = ops->sessions_delete_user(st, id)) ||
        (rc = vg__audit_append_txn(db, by, "user.update", object, detail)) ||
        (rc = vg__db_txn_commit(db)))
        goto fail;
    return VG_OK;
fail:
    *found = 0;
    vg__db_txn_rollback(db);
    return rc;
}

/* ---- sessions ------------------------------------------------------------------------------ */

struct login_user {
    int64_t id;
    char pwhash[crypto_pwhash_STRBYTES];
    char pseudonym[VG_PSEUDONYM_MAX];
    char name[VG_NAME_MAX + 1];
    char role[32];
    int disabled;
};

static vg_status copy_login_user(const struct vg_store_user *u, void *ud)
{
    struct login_user *l = ud;
    l->id = u->id;
    snprintf(l->pwhash, sizeof(l->pwhash), "%s", u->pwhash ? u->pwhash : "");
    snprintf(l->pseudonym, sizeof(l->pseudonym), "%s", u->pseudonym ? u->pseudonym : "");
    snprintf(l->name, sizeof(l->name), "%s", u->name ? u->name : "");
    snprintf(l->role, sizeof(l->role), "%s", u->role ? u->role : "");
    l->disabled = u->disabled;
    return VG_OK;
}

/* A hash of a random password, made once: unknown names are verified against it so that they
 * cost the same time as known ones. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static int dummy_ready;

static void make_dummy_hash(void)
{
    char pw[VG_PASSWORD_GEN + 1];
    if (vg_password_generate(pw) == VG_OK &&
        crypto_pwhash_str(dummy_hash, pw, strlen(pw), PWHASH_OPS, PWHASH_MEM) == 0)
        dummy_ready = 1;
}

static void fill_user_actor(struct vg_actor *who, int64_t id, const char *role,
                            const char *pseudonym, const char *name, const char *csrf_hash)
{
    memset(who, 0, sizeof(*who));
    if (vg_role_parse(role, &who->role) != VG_OK)
        who->role = VG_ROLE_AUDITOR;
    who->user_id = id;
    snprintf(who->actor_id, sizeof(who->actor_id), "user:%lld", (long long)id);
    snprintf(who->pseudonym, sizeof(who->pseudonym), "%s", pseudonym ? pseudonym : "");
    snprintf(who->name, sizeof(who->name), "%s", name ? name : "");
    snprintf(who->csrf_hash, sizeof(who->csrf_hash), "%s", csrf_hash ? csrf_hash : "");
}

vg_status vg_login(vg_db *db, const char *name, const char *password, int64_t ttl,
                   char session_out[VG_SECRET_LEN + 1], char csrf_out[VG_SECRET_LEN + 1],
                   struct vg_actor *who)
{
    session_out[0] = csrf_out[0] = 0;
    memset(who, 0, sizeof(*who));
    if (!name || !password || ttl <= 0)
        return VG_EINVAL;
    vg_status rc = vg__sodium_ready();
    if (rc)
        return rc;
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, make_dummy_hash);
    void *st;
    const struct vg_store_cases_ops *ops = vg__db_cases(db, &st);
    struct login_user u = { 0 };
    int found = 0;
    if (vg__name_ok(name) && (rc = ops->user_get(st, 0, name, copy_login_user, &u, &found)))
        return rc;
    size_t pwlen = strnlen(password, VG_PASSWORD_MAX + 1);
    const char *hash = found ? u.pwhash : dummy_hash;
    int good = dummy_ready && pwlen <= VG_PASSWORD_MAX &&
               crypto_pwhash_str_verify(hash, password, pwlen) == 0;
    if (!found || !good || u.disabled)
        return VG_ENOENT;
    char csrf_hash[VG_HASH_HEX], session_hash[VG_HASH_HEX];
    vg__secret_new("vgs_", session_out);
    vg__secret_new("vgc_", csrf_out);
    vg__secret_hash(session_out, session_hash);
    vg__secret_hash(csrf_out, csrf_hash);
    fill_user_actor(who, u.id, u.role, u.pseudonym, u.name, csrf_hash);
    int64_t now = (int64_t)time(NULL);
    char object[32];
    snprintf(object, sizeof(object), "user:%lld", (long long)u.id);
    if ((rc = vg__db_txn_begin(db)))
        goto fail;
    if ((rc = ops->session_insert(st, session_hash, u.id, csrf_hash, now, now + ttl)) ||
        (rc = vg__audit_append_txn(db, who, "login", object, NULL)) ||
        (rc = vg__db_txn_commit(db))) {
        vg__db_txn_rollback(db);
        goto fail;
    }
    return VG_OK;
fail:
    session_out[0] = csrf_out[0] = 0;
    memset(who, 0, sizeof(*who));
    return rc;
}

static vg_status copy_session(const struct vg_store_session *s, void *ud)
{
    fill_user_actor(ud, s->user.id, s->user.role, s->user.pseudonym, s->user.name, s->csrf_hash);
    return VG_OK;
}

vg_status vg_session_check(vg_db *db, const char *session, struct vg_actor *who)
{
    memset(who, 0, sizeof(*who));
    if (!vg__secret_shaped(session, "vgs_"))
        return VG_ENOENT;
    char hash[VG_HASH_HEX];
    vg__secret_hash(session, hash);
    void *st;
    const struct vg_store_cases_ops *ops = vg__db_cases(db, &st);
    int found = 0;
    vg_status rc = ops->session_find(st, hash, (int64_t)time(NULL), copy_session, who, &found);
    if (rc)
        return rc;
    return found ? VG_OK : VG_ENOENT;
}

int vg_csrf_ok(const struct vg_actor *who, const char *csrf)
{
    if (!who || strlen(who->csrf_hash) != VG_HASH_HEX - 1 || !vg__secret_shaped(csrf, "vgc_"))
        return 0;
    char hash[VG_HASH_HEX];
    vg__secret_hash(csrf, hash);
    return sodium_memcmp(hash, who->csrf_hash, VG_HASH_HEX - 1) == 0;
}

vg_status vg_logout(vg_db *db, const struct vg_actor *by, const char *session, int *found)
{
    *found = 0;
    if (!vg__secret_shaped(session, "vgs_"))
        return VG_OK;
    char hash[VG_HASH_HEX];
    vg__secret_hash(session, hash);
    void *st;
    const struct vg_store_cases_ops *ops = vg__db_cases(db, &st);
    vg_status rc = vg__db_txn_begin(db);
    if (rc)
        return rc;
    if ((rc = ops->session_delete(st, hash, found)))
        goto fail;
    if (!*found) {
        vg__db_txn_rollback(db);
        return VG_OK;
    }
    if ((rc = vg__audit_append_txn(db, by, "logout", by->actor_id, NULL)) ||
        (rc = vg__db_txn_commit(db)))
        goto fail;
    return VG_OK;
fail:
    *found = 0;
    vg__db_txn_rollback(db);
    return rc;
}

/* ---- API tokens ---------------------------------------------------------------------------- */

vg_status vg_token_add(vg_db *db, const struct vg_actor *by, const char *name, enum vg_role role,
                       char token_out[VG_SECRET_LEN + 1], int64_t *id_out)
{
    token_out[0] = 0;
    *id_out = 0;
    if (!vg__name_ok(name) || (unsigned)role >= VG_ROLE__COUNT)
        return VG_EINVAL;
    vg_status rc = vg__sodium_ready();
    if (rc)
        return rc;
    char secret[VG_SECRET_LEN + 1], hash[VG_HASH_HEX];
    vg__secret_new("vgt_", secret);
    vg__secret_hash(secret, hash);
    void *st;
    const struct vg_store_cases_ops *ops = vg__db_cases(db, &st);
    struct vg_store_token t = { .name = name,
                                .role = vg_role_name(role),
                                .created_at = (int64_t)time(NULL) };
    int64_t id = 0;
    if ((rc = vg__db_txn_begin(db)))
        return rc;
    if ((rc = ops->token_insert(st, &t, hash, &id)))
        goto fail;
    char object[32], detail[64];
    snprintf(object, sizeof(object), "token:%lld", (long long)id);
    snprintf(detail, sizeof(detail), "{\"role\":\"%s\"}", t.role);
    if ((rc = vg__audit_append_txn(db, by, "token.add", object, detail)) ||
        (rc = vg__db_txn_commit(db)))
        goto fail;
    memcpy(token_out, secret, sizeof(secret));
    *id_out = id;
    return VG_OK;
fail:
    vg__db_txn_rollback(db);
    return rc;
}

struct token_relay {
    vg_token_fn fn;
    void *ud;
};

static vg_status relay_token(const struct vg_store_token *s, void *ud)
{
    struct token_relay *r = ud;
    struct vg_token t = {
        .id = s->id, .name = s->name, .revoked = s->revoked, .created_at = s->created_at
    };
    if (vg_role_parse(s->role, &t.role) != VG_OK)
        t.role = VG_ROLE_AUDITOR;
    return r->fn(&t, r->ud);
}

vg_status vg_token_list(vg_db *db, vg_token_fn fn, void *ud)
{
    void *st;
    const struct vg_store_cases_ops *ops = vg__db_cases(db, &st);
    struct token_relay r = { fn, ud };
    return ops->tokens_scan(st, relay_token, &r);
}

vg_status vg_token_revoke(vg_db *db, const struct vg_actor *by, int64_t id, int *found)
{
    *found = 0;
    void *st;
    const struct vg_store_cases_ops *ops = vg__db_cases(db, &st);
    vg_status rc = vg__db_txn_begin(db);
    if (rc)
        return rc;
    if ((rc = ops->token_revoke(st, id, found)))
        goto fail;
    if (!*found) {
        vg__db_txn_rollback(db);
        return VG_OK;
    }
    char object[32];
    snprintf(object, sizeof(object), "token:%lld", (long long)id);
    if ((rc = vg__audit_append_txn(db, by, "token.revoke", object, NULL)) ||
        (rc = vg__db_txn_commit(db)))
        goto fail;
    return VG_OK;
fail:
    *found = 0;
    vg__db_txn_rollback(db);
    return rc;
}

static vg_status copy_token(const struct vg_store_token *t, void *ud)
{
    struct vg_actor *who = ud;
    memset(who, 0, sizeof(*who));
    if (vg_role_parse(t->role, &who->role) != VG_OK)
        who->role = VG_ROLE_AUDITOR;
    who->token_id = t->id;
    snprintf(who->actor_id, sizeof(who->actor_id), "token:%lld", (long long)t->id);
    /* A token's name may name a partner organisation: others see "token-ID". */
    snprintf(who->pseudonym, sizeof(who->pseudonym), "token-%lld", (long long)t->id);
    snprintf(who->name, sizeof(who->name), "%s", t->name ? t->name : "");
    return VG_OK;
}

vg_status vg_token_check(vg_db *db, const char *token, struct vg_actor *who)
{
    memset(who, 0, sizeof(*who));
    if (!vg__secret_shaped(token, "vgt_"))
        return VG_ENOENT;
    char hash[VG_HASH_HEX];
    vg__secret_hash(token, hash);
    void *st;
    const struct vg_store_cases_ops *ops = vg__db_cases(db, &st);
    int found = 0;
    vg_status rc = ops->token_find(st, hash, copy_token, who, &found);
    if (rc)
        return rc;
    return found ? VG_OK : VG_ENOENT;
}

vg_status vg_cases_count(vg_db *db, const char *table, int64_t *n)
{
    void *st;
    const struct vg_store_cases_ops *ops = vg__db_cases(db, &st);
    return ops->count_rows(st, table, n);
}
