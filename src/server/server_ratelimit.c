/* SPDX-License-Identifier: Apache-2.0 */
/*
 * server_ratelimit.c: failed-login counting for the login rate limiter (server.h). A fixed
 * table of slots indexed by a 64-bit hash of the key, so memory stays bounded whatever an
 * attacker sends: a slot whose window is over is reused, and when every probed slot is live
 * the oldest of them is taken over (an attacker flooding the table can at worst reset other
 * keys' counters, never lock out a key that did not fail). One mutex: a login already costs
 * an argon2id verification, far more than the lock.
 */
#include <string.h>

#include "server.h"

#define PROBES 8

struct rl_slot {
    uint64_t key;
    int64_t start; /* first failure of the window */
    unsigned failures;
};

struct vg_ratelimit {
    pthread_mutex_t mu;
    size_t n;
    unsigned window;
    struct rl_slot *slots;
};

vg_status vg__ratelimit_new(size_t slots, unsigned window, struct vg_ratelimit **out)
{
    *out = NULL;
    if (slots < PROBES || window == 0)
        return VG_EINVAL;
    struct vg_ratelimit *rl = vg_calloc(1, sizeof(*rl));
    if (!rl || !(rl->slots = vg_calloc(slots, sizeof(*rl->slots)))) {
        vg_free(rl);
        return VG_ENOMEM;
    }
    pthread_mutex_init(&rl->mu, NULL);
    rl->n = slots;
    rl->window = window;
    *out = rl;
    return VG_OK;
}

void vg__ratelimit_free(struct vg_ratelimit *rl)
{
    if (!rl)
        return;
    pthread_mutex_destroy(&rl->mu);
    vg_free(rl->slots);
    vg_free(rl);
}

static uint64_t key_hash(const char *key)
{
    uint64_t h = vg_hash64(key, strlen(key), 0x5eed);
    return h ? h : 1; /* 0 marks a free slot */
}

/* The slot of key, or NULL (lock held). */
static struct rl_slot *find(struct vg_ratelimit *rl, uint64_t h)
{
    for (size_t i = 0; i < PROBES; i++) {
        struct rl_slot *s = &rl->slots[(h + i) % rl->n];
        if (s->key == h)
            return s;
    }
    return NULL;
}

unsigned vg__ratelimit_wait(struct vg_ratelimit *rl, const char *key, unsigned max, int64_t now)
{
    unsigned wait = 0;
    pthread_mutex_lock(&rl->mu);
    struct rl_slot *s = find(rl, key_hash(key));
    if (s && now < s->start + rl->window && s->failures >= max)
        wait = (unsigned)(s->start + rl->window - now);
    pthread_mutex_unlock(&rl->mu);
    return wait;
}

void vg__ratelimit_fail(struct vg_ratelimit *rl, const char *key, int64_t now)
{
    uint64_t h = key_hash(key);
    pthread_mutex_lock(&rl->mu);
    struct rl_slot *s = find(rl, h);
    if (!s) {
        /* A free or expired slot, else the one whose window started first. */
        for (size_t i = 0; i < PROBES; i++) {
            struct rl_slot *c = &rl->slots[(h + i) % rl->n];
            if (!c->key || now >= c->start + rl->window) {
                s = c;
                break;
            }
            if (!s || c->start < s->start)
                s = c;
        }
        *s = (struct rl_slot){ .key = h, .start = now };
    }
    if (now >= s->start + rl->window) {
        s->start = now;
        s->failures = 0;
    }
    s->failures++;
    pthread_mutex_unlock(&rl->mu);
}

void vg__ratelimit_clear(struct vg_ratelimit *rl, const char *key)
{
    pthread_mutex_lock(&rl->mu);
    struct rl_slot *s = find(rl, key_hash(key));
    if (s)
        *s = (struct rl_slot){ 0 };
    pthread_mutex_unlock(&rl->mu);
}
