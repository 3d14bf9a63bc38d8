/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cases_secret.c: roles, names and secrets. Secrets (API tokens, session ids, CSRF tokens) are
 * 32 random bytes from libsodium written as base64url after a 4-character prefix that tells
 * them apart in logs and leaks ("vgt_" token, "vgs_" session, "vgc_" CSRF); the store keeps
 * only their BLAKE2b hash, so a copy of the database signs nobody in. A hash lookup is enough
 * here (no slow hash): 256 random bits cannot be guessed, unlike a password.
 */
#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "cases.h"

static const char *const role_names[] = {
#define ROLE_NAME(e, name, doc) name,
    VG_ROLE_MAP(ROLE_NAME)
#undef ROLE_NAME
};

const char *vg_role_name(enum vg_role role)
{
    return (unsigned)role < VG_ROLE__COUNT ? role_names[role] : "?";
}

vg_status vg_role_parse(const char *s, enum vg_role *out)
{
    *out = VG_ROLE_AUDITOR;
    for (int i = 0; s && i < VG_ROLE__COUNT; i++)
        if (!strcmp(s, role_names[i])) {
            *out = (enum vg_role)i;
            return VG_OK;
        }
    return VG_EINVAL;
}

void vg_actor_cli(struct vg_actor *out)
{
    memset(out, 0, sizeof(*out));
    out->role = VG_ROLE_ADMIN;
    strcpy(out->actor_id, "cli");
    strcpy(out->pseudonym, "cli");
    strcpy(out->name, "cli");
}

static int sodium_status = -1;

static void sodium_once(void)
{
    sodium_status = sodium_init() < 0 ? -1 : 0;
}

vg_status vg__sodium_ready(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, sodium_once);
    return sodium_status == 0 ? VG_OK : VG_ENOMEM;
}

void vg__secret_new(const char *prefix, char out[VG_SECRET_LEN + 1])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof(raw));
    memcpy(out, prefix, 4);
    /* 32 bytes are 43 base64url characters without padding (plus the NUL). */
    sodium_bin2base64(out + 4, VG_SECRET_LEN + 1 - 4, raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof(raw));
}

void vg__secret_hash(const char *secret, char out[VG_HASH_HEX])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof(h), (const unsigned char *)secret, strlen(secret), NULL, 0);
    sodium_bin2hex(out, VG_HASH_HEX, h, sizeof(h));
}

int vg__secret_shaped(const char *s, const char *prefix)
{
    if (!s || strlen(s) != VG_SECRET_LEN || memcmp(s, prefix, 4) != 0)
        return 0;
    for (const char *p = s + 4; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_'))
            return 0;
    return 1;
}

int vg__name_ok(const char *name)
{
    if (!name)
        return 0;
    size_t n = strlen(name);
    if (n == 0 || n > VG_NAME_MAX || !vg_utf8_valid(name, n))
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
            return 0;
    return 1;
}

vg_status vg_password_generate(char out[VG_PASSWORD_GEN + 1])
{
    /* 57 characters without look-alikes (0/O, 1/l/I): about 117 bits in 20 characters. */
    static const char alphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    vg_status rc = vg__sodium_ready();
    if (rc)
        return rc;
    for (int i = 0; i < VG_PASSWORD_GEN; i++)
        out[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
    out[VG_PASSWORD_GEN] = 0;
    return VG_OK;
}
