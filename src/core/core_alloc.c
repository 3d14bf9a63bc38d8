/* SPDX-License-Identifier: Apache-2.0 */
/*
 * core_alloc.c: the one place that calls malloc and free. Counting here lets benchmarks report
 * allocations, and the fail-after hook lets unit tests walk every allocation-failure path.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core.h"

static uint64_t n_allocs;
static uint64_t fail_at; /* 0: never; else the n_allocs value whose allocation fails */

void vg__alloc_fail_after(uint64_t k)
{
    fail_at = k ? n_allocs + k : 0;
}

uint64_t vg__alloc_count(void)
{
    return n_allocs;
}

static int should_fail(void)
{
    n_allocs++;
    return fail_at != 0 && n_allocs == fail_at;
}

void *vg_malloc(size_t n)
{
    if (should_fail())
        return NULL;
    return malloc(n ? n : 1);
}

void *vg_calloc(size_t n, size_t size)
{
    if (should_fail())
        return NULL;
    return calloc(n ? n : 1, size ? size : 1);
}

/* Blocks of at least this size come from mmap, with the advice; smaller ones from calloc. */
#define HUGE_MIN ((size_t)4 << 20)

void *vg__huge_alloc(size_t n)
{
    if (n < HUGE_MIN)
        return vg_calloc(1, n);
    if (should_fail())
        return NULL;
    /* Not malloc: glibc serves big blocks from an already touched heap once its mmap threshold
     * has grown, and touched pages stay 4 KB whatever the advice. A fresh mapping is zero and
     * untouched, so the 2 MB pages wholly inside it are faulted in as huge pages. */
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
#ifdef MADV_HUGEPAGE
    (void)madvise(p, n, MADV_HUGEPAGE); /* advice: failure is harmless */
#endif
    return p;
}

void vg__huge_free(void *p, size_t n)
{
    if (!p)
        return;
    if (n < HUGE_MIN)
        vg_free(p);
    else
        munmap(p, n);
}

void *vg_realloc(void *p, size_t n)
{
    if (should_fail())
        return NULL;
    return realloc(p, n ? n : 1);
}

void vg_free(void *p)
{
    free(p);
}

char *vg_strndup(const char *s, size_t n)
{
    char *d = vg_malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *vg_strdup(const char *s)
{
    return vg_strndup(s, strlen(s));
}
