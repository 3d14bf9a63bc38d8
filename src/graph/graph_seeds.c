/* SPDX-License-Identifier: Apache-2.0 */
/*
 * graph_seeds.c: the seeds file, a list of account ids, one a line (docs/networks.md). The parser
 * works on a buffer so the fuzz target (tests/fuzz/fuzz_seeds.c) reaches it without a file.
 */
#include <stdio.h>
#include <string.h>

#include "graph.h"

#define SEED_ID_MAX    512
#define SEEDS_MAX      10000000u
#define SEEDS_FILE_MAX (1u << 30)

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static vg_status push_id(struct vg_arena *arena, char ***ids, size_t *n, size_t *cap, const char *s,
                         size_t len)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 64;
        char **v = vg_realloc(*ids, c * sizeof(*v));
        if (!v)
            return VG_ENOMEM;
        *ids = v;
        *cap = c;
    }
    char *copy = vg_arena_strndup(arena, s, len);
    if (!copy)
        return VG_ENOMEM;
    (*ids)[(*n)++] = copy;
    return VG_OK;
}

/* One line, trimmed: VG_OK with *len 0 when it holds no id. */
static vg_status check_line(const char *s, size_t len)
{
    if (len > SEED_ID_MAX)
        return VG_ELIMIT;
    if (!vg_utf8_valid(s, len))
        return VG_EUTF8;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return VG_EPARSE;
    return VG_OK;
}

vg_status vg__seeds_parse(const char *text, size_t len, size_t max_ids, struct vg_arena *arena,
                          char ***ids_out, size_t *n_out, size_t *line_out)
{
    char **ids = NULL;
    size_t n = 0, cap = 0, line = 0;
    vg_status rc = VG_OK;
    *ids_out = NULL;
    *n_out = 0;
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - text) : len, b = at, e = end;
        line++;
        at = nl ? end + 1 : len;
        while (b < e && is_space(text[b]))
            b++;
        while (e > b && is_space(text[e - 1]))
            e--;
        if (b == e || text[b] == '#')
            continue;
        if ((rc = check_line(text + b, e - b)))
            goto fail;
        if (n >= max_ids) {
            rc = VG_ELIMIT;
            goto fail;
        }
        if ((rc = push_id(arena, &ids, &n, &cap, text + b, e - b)))
            goto fail;
    }
    *ids_out = ids;
    *n_out = n;
    return VG_OK;
fail:
    if (line_out)
        *line_out = line;
    vg_free(ids);
    return rc;
}

vg_status vg_seeds_read(const char *path, char ***ids, size_t *n)
{
    *ids = NULL;
    *n = 0;
    struct vg_buf b;
    vg_buf_init(&b, SEEDS_FILE_MAX);
    vg_status rc = vg_buf_read_file(&b, path);
    if (rc)
        VG_LOG_ERR("seeds: cannot %s %s: %s", rc == VG_ENOENT ? "open" : "read", path,
                   vg_strerror(rc));
    struct vg_arena arena;
    vg_arena_init(&arena, 1u << 16, SIZE_MAX);
    char **tmp = NULL;
    size_t k = 0, line = 0;
    if (!rc &&
        (rc = vg__seeds_parse(b.data ? b.data : "", b.len, SEEDS_MAX, &arena, &tmp, &k, &line)))
        VG_LOG_ERR("seeds: %s line %zu: %s", path, line, vg_strerror(rc));
    vg_buf_release(&b);
    /* Copy out of the arena so the caller owns plain strings (vg_seeds_free). */
    char **out = NULL;
    if (!rc && k && !(out = vg_calloc(k, sizeof(*out))))
        rc = VG_ENOMEM;
    for (size_t i = 0; !rc && i < k; i++)
        if (!(out[i] = vg_strdup(tmp[i])))
            rc = VG_ENOMEM;
    vg_free(tmp);
    vg_arena_release(&arena);
    if (rc) {
        vg_seeds_free(out, k);
        return rc;
    }
    *ids = out;
    *n = k;
    return VG_OK;
}

void vg_seeds_free(char **ids, size_t n)
{
    if (!ids)
        return;
    for (size_t i = 0; i < n; i++)
        vg_free(ids[i]);
    vg_free(ids);
}
