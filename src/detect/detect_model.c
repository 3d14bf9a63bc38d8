/* SPDX-License-Identifier: Apache-2.0 */
/*
 * detect_model.c: the propaganda classifier at run time. A model is a weight per hashed feature
 * bucket (detect_features.c), a bias, Platt coefficients and a flagging threshold; scoring is our
 * own sparse dot product, so liblinear is needed only to train (detect_train.c).
 *
 * The model file (docs/model-format.md) is little-endian:
 *
 *   off  size  field
 *     0     8  magic "VGMODEL\0"
 *     8     4  u32 format version (1)
 *    12     4  u32 header length: 64, the offset of meta_len
 *    16     8  u64 feature hash seed
 *    24     4  u32 bits (16..24)
 *    28     4  u32 feature flags (VG_FEAT_*)
 *    32     8  f64 bias
 *    40     8  f64 platt_a
 *    48     8  f64 platt_b
 *    56     8  f64 threshold (0..1)
 *    64     4  u32 meta_len, then meta_len bytes of UTF-8 JSON (an object, no NUL)
 *     .     4  u32 n_nonzero, then n_nonzero x (u32 idx, f32 w): idx strictly increasing and
 *              < 2^bits, w finite and not +0.0 (zero weights are left out)
 *     .     8  u64 XXH64 (seed 0) of every byte before it
 *
 * The loader checks every field, names the first bad one in a warning and fails without
 * touching *out; the structure is checked before the checksum so that the fuzzer reaches every
 * field check, and both before anything is allocated. The writer goes through a temporary file and
 * rename(), so a crash never leaves a half-written model under the final name.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <xxhash.h>

#include "detect.h"

#define VG_MODEL_HEADER_LEN 64u
#define VG_MODEL_BITS_MIN   16u
#define VG_MODEL_BITS_MAX   24u
/* Metadata is a few kilobytes of provenance and metrics; a megabyte is surely an error. */
#define VG_MODEL_META_MAX ((size_t)1 << 20)
/* The largest valid file: header, metadata, a dense 2^24 model and the checksum. */
#define VG_MODEL_FILE_MAX                                                                          \
    ((size_t)VG_MODEL_HEADER_LEN + 4 + VG_MODEL_META_MAX + 4 + ((size_t)8 << VG_MODEL_BITS_MAX) + 8)

/* ---- little-endian fields ----------------------------------------------------------------------
 */

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_u64(const unsigned char *p)
{
    return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

static double get_f64(const unsigned char *p)
{
    uint64_t u = get_u64(p);
    double d;
    memcpy(&d, &u, sizeof(d));
    return d;
}

static void put_u32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static void put_u64(unsigned char *p, uint64_t v)
{
    put_u32(p, (uint32_t)v);
    put_u32(p + 4, (uint32_t)(v >> 32));
}

static void put_f64(unsigned char *p, double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof(u));
    put_u64(p, u);
}

/* ---- lifecycle ------------------------------------------------------------------------------ */

static int params_ok(const struct vg_feat_params *p)
{
    return p->bits >= VG_MODEL_BITS_MIN && p->bits <= VG_MODEL_BITS_MAX &&
           (p->flags & ~VG_FEAT_ALL) == 0;
}

vg_status vg__model_new(const struct vg_feat_params *p, struct vg_model **out)
{
    struct vg_model *m = NULL;
    vg_status rc = VG_EINVAL;
    if (!out)
        return VG_EINVAL;
    *out = NULL;
    if (!p || !params_ok(p))
        goto fail;
    rc = VG_ENOMEM;
    m = vg_calloc(1, sizeof(*m));
    if (!m)
        goto fail;
    m->feat = *p;
    /* An untrained model: margin 0, p = 1 / (1 + exp(-margin)) until calibrated. */
    m->platt_a = -1.0;
    m->platt_b = 0.0;
    m->threshold = 0.5;
    m->w = vg_calloc((size_t)1 << p->bits, sizeof(float));
    m->meta_json = vg_strdup("{}");
    if (!m->w || !m->meta_json)
        goto fail;
    *out = m;
    return VG_OK;
fail:
    vg__model_free(m);
    return rc;
}

void vg__model_free(struct vg_model *m)
{
    if (!m)
        return;
    vg_free(m->w);
    vg_free(m->meta_json);
    vg_free(m);
}

/* ---- scoring -------------------------------------------------------------------------------- */

double vg__model_margin(const struct vg_model *m, const struct vg_features *f)
{
    const uint32_t dim = (uint32_t)1 << m->feat.bits;
    double s = 0;
    for (size_t i = 0; i < f->n; i++) {
        /* Indices come from the model's own feature space; one from another (more bits) is a
         * caller's bug, skipped rather than read out of bounds. */
        if (f->idx[i] < dim)
            s += (double)m->w[f->idx[i]] * (double)f->val[i];
    }
    return m->bias + s;
}

double vg__model_prob(const struct vg_model *m, double margin)
{
    double z = m->platt_a * margin + m->platt_b;
    /* 1 / (1 + e^z) without overflow on either side */
    if (z >= 0) {
        double e = exp(-z);
        return e / (1.0 + e);
    }
    return 1.0 / (1.0 + exp(z));
}

/* ---- loading -------------------------------------------------------------------------------- */

/* A JSON object in UTF-8 without NUL bytes (it is kept as a C string). */
static int meta_ok(const char *s, size_t len)
{
    if (memchr(s, '\0', len) || !vg_utf8_valid(s, len))
        return 0;
    const char *end = NULL;
    cJSON *doc = cJSON_ParseWithLengthOpts(s, len, &end, 0);
    int ok = doc && cJSON_IsObject(doc);
    cJSON_Delete(doc);
    if (ok) {
        /* cJSON stops after the value: only white space may follow it */
        for (const char *p = end; p < s + len; p++)
            if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
                return 0;
    }
    return ok;
}

vg_status vg__model_load_mem(const void *data, size_t len, struct vg_model **out)
{
    const unsigned char *d = data;
    struct vg_model *m = NULL;
    vg_status rc = VG_EPARSE;
    const char *why = NULL;
    if (!out)
        return VG_EINVAL;
    *out = NULL;
    if (!data && len)
        return VG_EINVAL;
    if (len < 8 || memcmp(d, VG_MODEL_MAGIC, 8) != 0) { /* the magic's NUL is the 8th byte */
        rc = VG_EFORMAT;
        why = "magic: not a vigie model";
        goto fail;
    }
    if (len < VG_MODEL_HEADER_LEN + 4) {
        why = "header: truncated";
        goto fail;
    }
    uint32_t version = get_u32(d + 8);
    if (version != VG_MODEL_VERSION) {
        rc = VG_EFORMAT;
        VG_LOG_WARN("model: version %u unsupported (this program reads %u)", version,
                    VG_MODEL_VERSION);
        goto fail;
    }
    uint32_t header_len = get_u32(d + 12);
    if (header_len != VG_MODEL_HEADER_LEN) {
        VG_LOG_WARN("model: header_len %u, want %u", header_len, VG_MODEL_HEADER_LEN);
        goto fail;
    }
    struct vg_feat_params p = { get_u64(d + 16), get_u32(d + 24), get_u32(d + 28) };
    if (p.bits < VG_MODEL_BITS_MIN || p.bits > VG_MODEL_BITS_MAX) {
        VG_LOG_WARN("model: bits %u outside %u..%u", p.bits, VG_MODEL_BITS_MIN, VG_MODEL_BITS_MAX);
        goto fail;
    }
    if (p.flags & ~VG_FEAT_ALL) {
        rc = VG_EFORMAT; /* families this program does not compute */
        VG_LOG_WARN("model: unknown feature flags 0x%x", p.flags & ~VG_FEAT_ALL);
        goto fail;
    }
    double bias = get_f64(d + 32), pa = get_f64(d + 40), pb = get_f64(d + 48);
    double thr = get_f64(d + 56);
    if (!isfinite(bias) || !isfinite(pa) || !isfinite(pb)) {
        why = !isfinite(bias) ? "bias: not finite" : "platt_a/platt_b: not finite";
        goto fail;
    }
    if (!(thr >= 0.0 && thr <= 1.0)) {
        why = "threshold: not in [0, 1]";
        goto fail;
    }
    size_t pos = VG_MODEL_HEADER_LEN;
    size_t meta_len = get_u32(d + pos);
    pos += 4;
    if (meta_len > VG_MODEL_META_MAX || meta_len > len - pos) {
        VG_LOG_WARN("model: meta_len %zu beyond the file or the %zu-byte limit", meta_len,
                    VG_MODEL_META_MAX);
        goto fail;
    }
    const char *meta = (const char *)d + pos;
    pos += meta_len;
    if (!meta_ok(meta, meta_len)) {
        why = "meta: not a UTF-8 JSON object";
        goto fail;
    }
    if (len - pos < 4) {
        why = "n_nonzero: truncated";
        goto fail;
    }
    size_t n_nz = get_u32(d + pos);
    pos += 4;
    size_t dim = (size_t)1 << p.bits;
    if (n_nz > dim) {
        VG_LOG_WARN("model: n_nonzero %zu > 2^%u", n_nz, p.bits);
        goto fail;
    }
    /* Exactly the weights and the checksum must remain: neither truncated nor trailing bytes. */
    if (len - pos != n_nz * 8 + 8) {
        VG_LOG_WARN("model: %zu bytes after n_nonzero, want %zu (%s)", len - pos, n_nz * 8 + 8,
                    len - pos < n_nz * 8 + 8 ? "truncated" : "trailing bytes");
        goto fail;
    }
    /* Check every weight and the checksum before allocating: a corrupt file costs no memory
     * (a 2^24 model is 64 MiB), and the fuzzer runs fast. */
    size_t w_at = pos;
    int64_t last = -1;
    for (size_t i = 0; i < n_nz; i++, pos += 8) {
        uint32_t idx = get_u32(d + pos), bits = get_u32(d + pos + 4);
        float w;
        memcpy(&w, &bits, sizeof(w));
        if ((int64_t)idx <= last || idx >= dim) {
            VG_LOG_WARN("model: weight %zu: idx %u not increasing or >= 2^%u", i, idx, p.bits);
            goto fail;
        }
        if (!isfinite(w) || bits == 0) {
            VG_LOG_WARN("model: weight %zu (idx %u): %s", i, idx,
                        bits == 0 ? "zero weight stored" : "not finite");
            goto fail;
        }
        last = idx;
    }
    uint64_t want = get_u64(d + pos), got = XXH64(d, pos, 0);
    if (want != got) {
        VG_LOG_WARN("model: checksum %016llx, computed %016llx", (unsigned long long)want,
                    (unsigned long long)got);
        goto fail;
    }
    rc = VG_ENOMEM;
    m = vg_calloc(1, sizeof(*m));
    if (!m)
        goto fail;
    m->w = vg_calloc(dim, sizeof(float));
    m->meta_json = vg_strndup(meta, meta_len);
    if (!m->w || !m->meta_json)
        goto fail;
    for (size_t i = 0; i < n_nz; i++) {
        uint32_t bits = get_u32(d + w_at + 8 * i + 4);
        memcpy(&m->w[get_u32(d + w_at + 8 * i)], &bits, sizeof(float));
    }
    m->feat = p;
    m->bias = bias;
    m->platt_a = pa;
    m->platt_b = pb;
    m->threshold = thr;
    *out = m;
    return VG_OK;
fail:
    if (why)
        VG_LOG_WARN("model: %s", why);
    vg__model_free(m);
    return rc;
}

vg_status vg__model_load(const char *path, struct vg_model **out)
{
    unsigned char *data = NULL;
    vg_status rc = VG_EINVAL;
    int fd = -1;
    if (!out)
        return VG_EINVAL;
    *out = NULL;
    if (!path)
        goto fail;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        rc = errno == ENOENT ? VG_ENOENT : VG_EIO;
        VG_LOG_WARN("model: cannot open %s: %s", path, strerror(errno));
        goto fail;
    }
    struct stat st;
    rc = VG_EIO;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        VG_LOG_WARN("model: %s is not a regular file", path);
        goto fail;
    }
    if ((uint64_t)st.st_size > VG_MODEL_FILE_MAX) {
        rc = VG_EPARSE;
        VG_LOG_WARN("model: %s is %lld bytes, larger than any valid model", path,
                    (long long)st.st_size);
        goto fail;
    }
    size_t len = (size_t)st.st_size, got = 0;
    rc = VG_ENOMEM;
    data = vg_malloc(len ? len : 1);
    if (!data)
        goto fail;
    rc = VG_EIO;
    while (got < len) {
        ssize_t r = read(fd, data + got, len - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            VG_LOG_WARN("model: reading %s: %s", path, r < 0 ? strerror(errno) : "short read");
            goto fail;
        }
        got += (size_t)r;
    }
    rc = vg__model_load_mem(data, len, out);
    if (rc) {
        VG_LOG_WARN("model: %s rejected", path);
        goto fail;
    }
    close(fd);
    vg_free(data);
    return VG_OK;
fail:
    if (fd >= 0)
        close(fd);
    vg_free(data);
    return rc;
}

/* ---- saving --------------------------------------------------------------------------------- */

/* The whole file in memory; *out is the caller's (vg_free). */
static vg_status serialize(const struct vg_model *m, unsigned char **out, size_t *out_len)
{
    unsigned char *buf = NULL;
    vg_status rc = VG_EINVAL;
    const char *meta = m->meta_json ? m->meta_json : "{}";
    size_t meta_len = strlen(meta);
    size_t dim = (size_t)1 << m->feat.bits;
    if (!params_ok(&m->feat) || !m->w) {
        VG_LOG_WARN("model save: bits %u or flags 0x%x invalid", m->feat.bits, m->feat.flags);
        goto fail;
    }
    if (!isfinite(m->bias) || !isfinite(m->platt_a) || !isfinite(m->platt_b) ||
        !(m->threshold >= 0.0 && m->threshold <= 1.0)) {
        VG_LOG_WARN("model save: bias, Platt coefficients or threshold out of range");
        goto fail;
    }
    if (meta_len > VG_MODEL_META_MAX || !meta_ok(meta, meta_len)) {
        VG_LOG_WARN("model save: meta_json is not a JSON object of at most %zu bytes",
                    VG_MODEL_META_MAX);
        goto fail;
    }
    size_t n_nz = 0;
    for (size_t i = 0; i < dim; i++) {
        uint32_t bits;
        memcpy(&bits, &m->w[i], sizeof(bits));
        if (!isfinite(m->w[i])) {
            VG_LOG_WARN("model save: weight %zu is not finite", i);
            goto fail;
        }
        /* -0.0 is kept so that a round trip is bit-exact */
        n_nz += bits != 0;
    }
    size_t len = VG_MODEL_HEADER_LEN + 4 + meta_len + 4 + n_nz * 8 + 8;
    rc = VG_ENOMEM;
    buf = vg_malloc(len);
    if (!buf)
        goto fail;
    memcpy(buf, VG_MODEL_MAGIC, 8); /* includes the terminating NUL */
    put_u32(buf + 8, VG_MODEL_VERSION);
    put_u32(buf + 12, VG_MODEL_HEADER_LEN);
    put_u64(buf + 16, m->feat.seed);
    put_u32(buf + 24, m->feat.bits);
    put_u32(buf + 28, m->feat.flags);
    put_f64(buf + 32, m->bias);
    put_f64(buf + 40, m->platt_a);
    put_f64(buf + 48, m->platt_b);
    put_f64(buf + 56, m->threshold);
    size_t pos = VG_MODEL_HEADER_LEN;
    put_u32(buf + pos, (uint32_t)meta_len);
    memcpy(buf + pos + 4, meta, meta_len);
    pos += 4 + meta_len;
    put_u32(buf + pos, (uint32_t)n_nz);
    pos += 4;
    for (size_t i = 0; i < dim; i++) {
        uint32_t bits;
        memcpy(&bits, &m->w[i], sizeof(bits));
        if (bits == 0)
            continue;
        put_u32(buf + pos, (uint32_t)i);
        put_u32(buf + pos + 4, bits);
        pos += 8;
    }
    put_u64(buf + pos, XXH64(buf, pos, 0));
    *out = buf;
    *out_len = len;
    return VG_OK;
fail:
    vg_free(buf);
    return rc;
}

static int write_all(int fd, const unsigned char *p, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

vg_status vg__model_save(const struct vg_model *m, const char *path)
{
    unsigned char *buf = NULL;
    char *tmp = NULL;
    int fd = -1;
    size_t len = 0;
    vg_status rc = VG_EINVAL;
    if (!m || !path)
        goto fail;
    rc = serialize(m, &buf, &len);
    if (rc)
        goto fail;
    /* The temporary sits beside the target so that rename() stays within one file system. */
    rc = VG_ENOMEM;
    size_t plen = strlen(path);
    tmp = vg_malloc(plen + sizeof(".tmp.XXXXXX"));
    if (!tmp)
        goto fail;
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp.XXXXXX", sizeof(".tmp.XXXXXX"));
    rc = VG_EIO;
    fd = mkstemp(tmp);
    if (fd < 0) {
        VG_LOG_WARN("model save: cannot create %s: %s", tmp, strerror(errno));
        vg_free(tmp);
        tmp = NULL;
        goto fail;
    }
    if (fchmod(fd, 0644) != 0 || write_all(fd, buf, len) != 0 || fsync(fd) != 0) {
        VG_LOG_WARN("model save: writing %s: %s", tmp, strerror(errno));
        goto fail;
    }
    int crc = close(fd);
    fd = -1;
    if (crc != 0 || rename(tmp, path) != 0) {
        VG_LOG_WARN("model save: %s -> %s: %s", tmp, path, strerror(errno));
        goto fail;
    }
    vg_free(tmp);
    vg_free(buf);
    return VG_OK;
fail:
    if (fd >= 0)
        close(fd);
    if (tmp) {
        unlink(tmp);
        vg_free(tmp);
    }
    vg_free(buf);
    return rc;
}
