/* SPDX-License-Identifier: Apache-2.0 */
/*
 * core.h: what every stage shares: allocation (one choke point, so tests can count and fail
 * allocations), bounded growable buffers (a limit set at init; hitting it is VG_ELIMIT, never a
 * crash), arenas for per-record memory freed at once, the log macros, JSON string escaping and
 * fast hashing. Nothing here knows about events or formats.
 */
#ifndef VG_CORE_H
#define VG_CORE_H

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "vigie.h"

/* ---- allocation ---------------------------------------------------------------------------- */

void *vg_malloc(size_t n);
void *vg_calloc(size_t n, size_t size);
void *vg_realloc(void *p, size_t n);
char *vg_strdup(const char *s);
/*
 * Zeroed memory for big tables read at random (hash tables, indexes): from 4 MB on, a fresh
 * mapping advised to use 2 MB pages (madvise MADV_HUGEPAGE), so a random probe does not also miss
 * the TLB. Free with vg__huge_free and the same n (NULL accepted). NULL when out of memory.
 */
void *vg__huge_alloc(size_t n);
void vg__huge_free(void *p, size_t n);
char *vg_strndup(const char *s, size_t n);

/*
 * Test hook: make the k-th allocation from now on fail (k = 1 is the next one); 0 disables.
 * Used by unit tests to check that every error path cleans up (curl's torture tests).
 */
void vg__alloc_fail_after(uint64_t k);
/* Allocations made so far by this process (for benchmarks and leak checks). */
uint64_t vg__alloc_count(void);

/*
 * Per-thread scratch released when its thread ends. Hot paths keep reusable scratch arrays in
 * _Thread_local variables; without this, every thread that ever normalised a text or extracted
 * features left them behind when it ended (a server's worker threads come and go). The first
 * time a thread's scratch holds memory, call vg_thread_scratch_track(&t); t.release (the
 * module's function that frees the calling thread's scratch) then runs when the thread exits.
 * A process's last thread frees nothing: the process ends.
 */
struct vg_thread_scratch {
    void (*release)(void);
    int ready;         /* key made (under a lock in core_thread.c) */
    pthread_key_t key; /* its destructor calls release in the ending thread */
};

void vg_thread_scratch_track(struct vg_thread_scratch *t);

/* ---- "key = value" settings files ---------------------------------------------------------- */

/* vsnprintf into an error buffer of cap bytes; nothing when err is NULL or cap 0. */
void vg_errf(char *err, size_t cap, const char *fmt, ...) VG_PRINTF(3, 4);

/*
 * A setting's number: all of v must be a finite number in [min, max], and whole when `whole`.
 * Errors: VG_EINVAL, with err naming the setting ("C: 1e9 is outside [0.0001, 10000]").
 */
vg_status vg_kv_number(const char *name, const char *v, double min, double max, int whole,
                       double *out, char *err, size_t cap);

/* Set one setting; on failure write why (naming the setting) into err (cap bytes). */
typedef vg_status (*vg_kv_set_fn)(void *ud, const char *key, const char *value, char *err,
                                  size_t cap);

/*
 * Read a settings file's text: "key = value" lines, '#' starts a comment, blank lines and white
 * space around keys and values are skipped, CRLF is accepted; set() is called for each setting in
 * order. Settings before a bad line stay applied; err names the line.
 * Errors: VG_EPARSE (a line that is not "key = value", over 511 bytes, a NUL byte), VG_EINVAL
 * (set() refused a value: its message follows the line number).
 */
vg_status vg_kv_parse(const char *text, size_t len, vg_kv_set_fn set, void *ud, char *err,
                      size_t cap);

/* ---- bounded growable buffer (curl's dynbuf) ---------------------------------------------- */

struct vg_buf {
    char *data; /* NUL-terminated when len > 0 or after any append */
    size_t len; /* bytes used, without the NUL */
    size_t cap; /* bytes allocated */
    size_t max; /* hard limit on len */
};

void vg_buf_init(struct vg_buf *b, size_t max);
void vg_buf_release(struct vg_buf *b);
/* Empty the buffer, keeping its memory. */
void vg_buf_reset(struct vg_buf *b);
vg_status vg_buf_append(struct vg_buf *b, const void *p, size_t len);
vg_status vg_buf_puts(struct vg_buf *b, const char *s);
vg_status vg_buf_putc(struct vg_buf *b, char c);
vg_status vg_buf_printf(struct vg_buf *b, const char *fmt, ...) VG_PRINTF(2, 3);
/* Append s as a JSON string literal, quotes included; invalid UTF-8 bytes become U+FFFD. */
vg_status vg_buf_json_str(struct vg_buf *b, const char *s, size_t len);
/* Ensure room for `extra` more bytes plus the NUL. */
vg_status vg_buf_reserve(struct vg_buf *b, size_t extra);
/* Append the whole of file `path` ("-": stdin). Errors: VG_ENOENT (cannot open), VG_EIO,
 * VG_ELIMIT (over the buffer's limit), VG_ENOMEM. The caller logs, naming what the file is. */
vg_status vg_buf_read_file(struct vg_buf *b, const char *path);

/* Parse a whole text; on failure write why into err (cap bytes). */
typedef vg_status (*vg_text_parse_fn)(const char *text, size_t len, void *ud, char *err,
                                      size_t cap);
/*
 * Read file `path` (at most max bytes) and hand its text to parse(). On failure err says why,
 * naming the file: "cannot open PATH", "cannot read PATH", "PATH: over N MiB", or
 * "PATH: <what parse said>". Errors: those of vg_buf_read_file, and parse()'s.
 */
vg_status vg_file_parse(const char *path, size_t max, vg_text_parse_fn parse, void *ud, char *err,
                        size_t cap);
/* Take the data out (caller frees with vg_free); the buffer is left empty. Never NULL on OK. */
char *vg_buf_take(struct vg_buf *b);

/* ---- arena: per-record memory freed in one call -------------------------------------------- */

struct vg_arena_block;

struct vg_arena {
    struct vg_arena_block *head;
    size_t block_size;
    size_t used_total; /* bytes handed out since the last reset */
    size_t max;        /* hard limit on used_total */
};

void vg_arena_init(struct vg_arena *a, size_t block_size, size_t max);
void vg_arena_release(struct vg_arena *a);
/* Free everything handed out, keeping the first block for reuse. */
void vg_arena_reset(struct vg_arena *a);
/* 8-byte aligned memory, or NULL on exhaustion or limit. */
void *vg_arena_alloc(struct vg_arena *a, size_t n);
char *vg_arena_strndup(struct vg_arena *a, const char *s, size_t n);
char *vg_arena_strdup(struct vg_arena *a, const char *s);
char *vg_arena_printf(struct vg_arena *a, const char *fmt, ...) VG_PRINTF(2, 3);

/* ---- logging -------------------------------------------------------------------------------- */

void vg__log(enum vg_log_level level, const char *fmt, ...) VG_PRINTF(2, 3);
int vg__log_enabled(enum vg_log_level level);

#define VG_LOG_ERR(...)  vg__log(VG_LOG_ERROR, __VA_ARGS__)
#define VG_LOG_WARN(...) vg__log(VG_LOG_WARN, __VA_ARGS__)
#define VG_LOG_INFO(...) vg__log(VG_LOG_INFO, __VA_ARGS__)
#ifdef NDEBUG
#define VG_LOG_DEBUG(...) ((void)0)
#else
#define VG_LOG_DEBUG(...) vg__log(VG_LOG_DEBUG, __VA_ARGS__)
#endif

/* ---- UTF-8 ---------------------------------------------------------------------------------- */

/*
 * Decode one code point at s (len bytes available). Returns the number of bytes consumed (>= 1)
 * and sets *cp, or returns -1 for an invalid sequence (then one byte should be skipped).
 */
int vg_utf8_decode(const unsigned char *s, size_t len, int32_t *cp);
/* Encode cp into out (4 bytes room); returns bytes written. */
int vg_utf8_encode(int32_t cp, char *out);

/* ---- hashing -------------------------------------------------------------------------------- */

uint64_t vg_hash64(const void *p, size_t len, uint64_t seed);

/* qsort and bsearch order of uint64_t values, ascending (also of records whose first word is
 * the key). */
static inline int vg_cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* ---- small helpers -------------------------------------------------------------------------- */

#define VG_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define VG_UNUSED(x)    ((void)(x))

#endif /* VG_CORE_H */
