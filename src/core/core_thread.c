/* SPDX-License-Identifier: Apache-2.0 */
/* core_thread.c: per-thread scratch released when its thread ends (see core.h). */
#include <pthread.h>

#include "core.h"

static pthread_mutex_t keys_mu = PTHREAD_MUTEX_INITIALIZER;

/* The key's destructor: runs in the ending thread, whose _Thread_local scratch is still there. */
static void release_in_ending_thread(void *arg)
{
    ((struct vg_thread_scratch *)arg)->release();
}

void vg_thread_scratch_track(struct vg_thread_scratch *t)
{
    pthread_mutex_lock(&keys_mu);
    if (!t->ready && pthread_key_create(&t->key, release_in_ending_thread) == 0)
        t->ready = 1;
    int ready = t->ready;
    pthread_mutex_unlock(&keys_mu);
    /* Without a key (none left) the scratch stays until the process ends, as before. */
    if (ready)
        pthread_setspecific(t->key, t);
}
