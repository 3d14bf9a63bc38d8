/* SPDX-License-Identifier: Apache-2.0 */
/*
 * core_buf.c: bounded growable buffers and arenas. Both have a hard limit set at init, so a
 * hostile input (a 2 GB JSON string, a million hashtags) ends in VG_ELIMIT rather than in the
 * machine running out of memory.
 */
#include <stdio.h>
#include <string.h>

#include "core.h"

void vg_buf_init(struct vg_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void vg_buf_release(struct vg_buf *b)
{
    vg_free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void vg_buf_reset(struct vg_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

vg_status vg_buf_reserve(struct vg_buf *b, size_t extra)
{
    if (extra > b->max || b->len > b->max - extra)
        return VG_ELIMIT;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return VG_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = vg_realloc(b->data, cap);
    if (!p)
        return VG_ENOMEM;
    b->data = p;
    b->cap = cap;
    return VG_OK;
}

vg_status vg_buf_append(struct vg_buf *b, const void *p, size_t len)
{
    vg_status rc = vg_buf_reserve(b, len);
    if (rc)
        return rc;
    if (len)
        memcpy(b->data + b->len, p, len);
    b->len += len;
    b->data[b->len] = '\0';
    return VG_OK;
}

vg_status vg_buf_puts(struct vg_buf *b, const char *s)
{
    return vg_buf_append(b, s, strlen(s));
}

vg_status vg_buf_putc(struct vg_buf *b, char c)
{
    return vg_buf_append(b, &c, 1);
}

vg_status vg_buf_printf(struct vg_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return VG_EINVAL;
    vg_status rc = vg_buf_reserve(b, (size_t)n);
    if (rc)
        return rc;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return VG_OK;
}

vg_status vg_buf_json_str(struct vg_buf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    vg_status rc = vg_buf_reserve(b, len + 2);
    if (rc)
        return rc;
    b->data[b->len++] = '"';
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        /* Copy runs of plain ASCII at once: the common case. */
        size_t j = i;
        while (j < len && (unsigned char)s[j] >= 0x20 && (unsigned char)s[j] < 0x80 &&
               s[j] != '"' && s[j] != '\\')
            j++;
        if (j > i) {
            if ((rc = vg_buf_append(b, s + i, j - i)))
                return rc;
            i = j;
            continue;
        }
        char esc[8];
        size_t n_esc = 0;
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            n_esc = 2;
        } else if (c == '\n' || c == '\r' || c == '\t') {
            esc[0] = '\\';
            esc[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
            n_esc = 2;
        } else if (c < 0x20) {
            memcpy(esc, "\\u00", 4);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            n_esc = 6;
        } else {
            int32_t cp;
            int k = vg_utf8_decode((const unsigned char *)s + i, len - i, &cp);
            if (k < 0) {
                if ((rc = vg_buf_append(b, "\xEF\xBF\xBD", 3)))
                    return rc;
                i++;
            } else {
                if ((rc = vg_buf_append(b, s + i, (size_t)k)))
                    return rc;
                i += (size_t)k;
            }
            continue;
        }
        if ((rc = vg_buf_append(b, esc, n_esc)))
            return rc;
        i++;
    }
    return vg_buf_putc(b, '"');
}

char *vg_buf_take(struct vg_buf *b)
{
    if (!b->data && vg_buf_reserve(b, 0))
        return NULL;
    char *p = b->data;
    p[b->len] = '\0';
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

/* ---- arena ---------------------------------------------------------------------------------- */

/*
 * Under AddressSanitizer, memory given back by vg_arena_reset is poisoned until handed out again,
 * so a pointer kept past a reset (into a parsed JSON tree, say) is reported where it is used, as
 * it would be after free(), instead of reading whatever the next document put there.
 */
#if defined(__SANITIZE_ADDRESS__)
#define VG__ARENA_POISON 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VG__ARENA_POISON 1
#endif
#endif
#ifdef VG__ARENA_POISON
#include <sanitizer/asan_interface.h>
#define arena_poison(p, n)   ASAN_POISON_MEMORY_REGION(p, n)
#define arena_unpoison(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define arena_poison(p, n)   ((void)(p), (void)(n))
#define arena_unpoison(p, n) ((void)(p), (void)(n))
#endif

struct vg_arena_block {
    struct vg_arena_block *next;
    size_t size;
    size_t used;
    /* Keep the payload 8-byte aligned. */
    _Alignas(8) unsigned char data[];
};

void vg_arena_init(struct vg_arena *a, size_t block_size, size_t max)
{
    a->head = NULL;
    a->block_size = block_size ? block_size : 16384;
    a->used_total = 0;
    a->max = max;
}

void vg_arena_release(struct vg_arena *a)
{
    struct vg_arena_block *b = a->head;
    while (b) {
        struct vg_arena_block *next = b->next;
        vg_free(b);
        b = next;
    }
    a->head = NULL;
    a->used_total = 0;
}

void vg_arena_reset(struct vg_arena *a)
{
    if (!a->head)
        return;
    /* Keep the oldest block (the last in the list), which has the standard size. */
    struct vg_arena_block *b = a->head;
    while (b->next) {
        struct vg_arena_block *next = b->next;
        vg_free(b);
        b = next;
    }
    b->used = 0;
    arena_poison(b->data, b->size);
    a->head = b;
    a->used_total = 0;
}

void *vg_arena_alloc(struct vg_arena *a, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    if (n > a->max || a->used_total > a->max - n)
        return NULL;
    struct vg_arena_block *b = a->head;
    if (!b || b->size - b->used < n) {
        size_t size = n > a->block_size ? n : a->block_size;
        b = vg_malloc(sizeof(*b) + size);
        if (!b)
            return NULL;
        b->size = size;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    arena_unpoison(p, n);
    b->used += n;
    a->used_total += n;
    return p;
}

char *vg_arena_strndup(struct vg_arena *a, const char *s, size_t n)
{
    char *d = vg_arena_alloc(a, n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *vg_arena_strdup(struct vg_arena *a, const char *s)
{
    return vg_arena_strndup(a, s, strlen(s));
}

char *vg_arena_printf(struct vg_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *d = vg_arena_alloc(a, (size_t)n + 1);
    if (!d)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(d, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return d;
}

vg_status vg_buf_read_file(struct vg_buf *b, const char *path)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f)
        return VG_ENOENT;
    vg_status rc = VG_OK;
    char chunk[65536];
    size_t got;
    while (!rc && (got = fread(chunk, 1, sizeof(chunk), f)) > 0)
        rc = vg_buf_append(b, chunk, got);
    if (!rc && ferror(f))
        rc = VG_EIO;
    if (f != stdin)
        fclose(f);
    return rc;
}

vg_status vg_file_parse(const char *path, size_t max, vg_text_parse_fn parse, void *ud, char *err,
                        size_t cap)
{
    struct vg_buf b;
    vg_buf_init(&b, max);
    vg_status rc = vg_buf_read_file(&b, path);
    if (rc == VG_ELIMIT)
        vg_errf(err, cap, "%s: over %zu MiB", path, max >> 20);
    else if (rc)
        vg_errf(err, cap, "cannot %s %s", rc == VG_ENOENT ? "open" : "read", path);
    char why[256] = "";
    if (!rc && (rc = parse(b.data ? b.data : "", b.len, ud, why, sizeof(why))))
        vg_errf(err, cap, "%s: %s", path, why[0] ? why : vg_strerror(rc));
    vg_buf_release(&b);
    return rc;
}
