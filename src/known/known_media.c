/* SPDX-License-Identifier: Apache-2.0 */
/*
 * known_media.c: the hashes a bank can hold, computed from a media file (docs/known.md#media):
 * PDQ of the decoded picture with its quality (src/pdq/), MD5 (our own, RFC 1321: none of the
 * libraries vigie links has one) and SHA-256 (libsodium) of the bytes as they are. `vigie ingest
 * --media-dir` hashes the files posts name, opened inside the media folder and never out of it
 * (vg__media_open_beneath: events are not trusted); `vigie match --image` hashes the files its
 * user names.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#if defined(__linux__)
#include <linux/openat2.h>
#endif

#include "known.h"

/* ---- MD5 (RFC 1321) ------------------------------------------------------------------------ */

/* Per-round shift amounts and the constants floor(abs(sin(i + 1)) * 2^32). */
static const uint8_t md5_shift[64] = { 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                                       5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
                                       4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                                       6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21 };
static const uint32_t md5_k[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391
};

static uint32_t rotl32(uint32_t x, unsigned n)
{
    return (x << n) | (x >> (32 - n));
}

/* One 64-byte block into the state h[4]. */
static void md5_block(uint32_t h[4], const uint8_t *p)
{
    uint32_t m[16];
    for (int i = 0; i < 16; i++)
        m[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 | (uint32_t)p[4 * i + 2] << 16 |
               (uint32_t)p[4 * i + 3] << 24;
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
    for (int i = 0; i < 64; i++) {
        uint32_t f;
        int g;
        if (i < 16) {
            f = (b & c) | (~b & d);
            g = i;
        } else if (i < 32) {
            f = (d & b) | (~d & c);
            g = (5 * i + 1) & 15;
        } else if (i < 48) {
            f = b ^ c ^ d;
            g = (3 * i + 5) & 15;
        } else {
            f = c ^ (b | ~d);
            g = (7 * i) & 15;
        }
        uint32_t t = d;
        d = c;
        c = b;
        b = b + rotl32(a + f + md5_k[i] + m[g], md5_shift[i]);
        a = t;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
}

void vg__md5(const void *data, size_t len, uint8_t out[16])
{
    uint32_t h[4] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476 };
    const uint8_t *p = data;
    size_t full = len & ~(size_t)63;
    for (size_t i = 0; i < full; i += 64)
        md5_block(h, p + i);
    /* The tail, a 0x80 byte, zeros, and the length in bits (little-endian) in one or two
     * blocks. */
    uint8_t tail[128] = { 0 };
    size_t rest = len - full;
    if (rest)
        memcpy(tail, p + full, rest);
    tail[rest] = 0x80;
    size_t n = rest < 56 ? 64 : 128;
    uint64_t bits = (uint64_t)len * 8;
    for (int i = 0; i < 8; i++)
        tail[n - 8 + (size_t)i] = (uint8_t)(bits >> (8 * i));
    md5_block(h, tail);
    if (n == 128)
        md5_block(h, tail + 64);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            out[4 * i + j] = (uint8_t)(h[i] >> (8 * j));
}

static void to_hex(const uint8_t *b, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
    out[2 * n] = '\0';
}

/* ---- hashing a file ------------------------------------------------------------------------ */

vg_status vg_media_hash_bytes(const void *data, size_t len, struct vg_media_hashes *out,
                              char *why_no_pdq, size_t cap)
{
    memset(out, 0, sizeof(*out));
    out->pdq_quality = -1;
    if (why_no_pdq && cap)
        why_no_pdq[0] = '\0';
    uint8_t md5[16], sha[crypto_hash_sha256_BYTES];
    /* SHA-256 needs no set-up, but libsodium asks for sodium_init() before any use; it is
     * idempotent and thread-safe (1 when already done). */
    if (sodium_init() < 0)
        return VG_ENOMEM; /* cannot happen for SHA-256 in practice; reported, not ignored */
    vg__md5(data, len, md5);
    crypto_hash_sha256(sha, data, len);
    to_hex(md5, sizeof(md5), out->md5);
    to_hex(sha, sizeof(sha), out->sha256);

    struct vg_image img;
    vg_status rc = vg_image_decode(data, len, NULL, &img, why_no_pdq, cap);
    if (rc == VG_ENOMEM) {
        memset(out, 0, sizeof(*out));
        return rc;
    }
    if (rc) /* not a picture: the file hashes stand alone */
        return VG_OK;
    struct vg_pdq h;
    int q = 0;
    rc = vg_pdq_hash_image(&img, &h, 1, &q);
    vg_image_release(&img);
    if (rc == VG_ENOMEM) {
        memset(out, 0, sizeof(*out));
        return rc;
    }
    if (rc) {
        if (why_no_pdq && cap)
            snprintf(why_no_pdq, cap, "the picture could not be hashed (%s)", vg_strerror(rc));
        return VG_OK;
    }
    vg_pdq_to_hex(&h, out->pdq);
    out->pdq_quality = q;
    return VG_OK;
}

/* Read the whole of the open file fd (closed here), a regular file of at most
 * VG_IMAGE_MAX_BYTES. */
static vg_status read_fd(int fd, uint8_t **data, size_t *len, char *why, size_t cap)
{
    *data = NULL;
    *len = 0;
    vg_status rc = VG_OK;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (why && cap)
            snprintf(why, cap, "not a regular file");
        rc = VG_EIO;
        goto done;
    }
    if ((uint64_t)st.st_size > VG_IMAGE_MAX_BYTES) {
        if (why && cap)
            snprintf(why, cap, "%lld bytes, over the limit of %u", (long long)st.st_size,
                     VG_IMAGE_MAX_BYTES);
        rc = VG_ELIMIT;
        goto done;
    }
    size_t want = (size_t)st.st_size;
    *data = vg_malloc(want ? want : 1);
    if (!*data) {
        rc = VG_ENOMEM;
        goto done;
    }
    while (*len < want) {
        ssize_t n = read(fd, *data + *len, want - *len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (why && cap)
                snprintf(why, cap, "read error: %s", n < 0 ? strerror(errno) : "file shrank");
            rc = VG_EIO;
            goto done;
        }
        *len += (size_t)n;
    }
done:
    close(fd);
    if (rc) {
        vg_free(*data);
        *data = NULL;
        *len = 0;
    }
    return rc;
}

/* The status and words for errno e from opening a media file. */
static vg_status open_error(int e, char *why, size_t cap)
{
    if (why && cap) {
        if (e == ELOOP)
            snprintf(why, cap,
                     "a symbolic link, not followed (media files must be regular "
                     "files inside the media folder)");
        else if (e == EXDEV)
            snprintf(why, cap, "resolves outside the media folder");
        else
            snprintf(why, cap, "cannot open: %s", strerror(e));
    }
    return e == ENOENT ? VG_ENOENT : VG_EIO;
}

/*
 * O_NONBLOCK so that opening a FIFO someone left in the folder does not wait for a writer (it is
 * then refused as not a regular file); it changes nothing for regular files. O_NOCTTY so that a
 * terminal device never becomes the controlling terminal.
 */
#define MEDIA_OPEN_FLAGS (O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)

static vg_status read_all(const char *path, uint8_t **data, size_t *len, char *why, size_t cap)
{
    *data = NULL;
    *len = 0;
    int fd = open(path, MEDIA_OPEN_FLAGS);
    if (fd < 0)
        return open_error(errno, why, cap);
    return read_fd(fd, data, len, why, cap);
}

/* The component walk: each folder on the way opened with O_NOFOLLOW | O_DIRECTORY relative to
 * the one before, the file itself with O_NOFOLLOW, so a symbolic link anywhere fails (ELOOP) at
 * the component where it is, at the moment it is opened: nothing is checked first and opened
 * after. The name has no "." or ".." component (vg_media_file_name_safe). */
static int open_walk(int dir_fd, const char *name)
{
    char comp[NAME_MAX + 1];
    int cur = dir_fd, fd = -1, e = 0;
    for (const char *c = name;;) {
        const char *slash = strchr(c, '/');
        size_t n = slash ? (size_t)(slash - c) : strlen(c);
        if (n > NAME_MAX) {
            e = ENAMETOOLONG;
            break;
        }
        memcpy(comp, c, n);
        comp[n] = 0;
        int next = openat(cur, comp,
                          slash ? O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
                                : MEDIA_OPEN_FLAGS | O_NOFOLLOW);
        e = next < 0 ? errno : 0;
        if (next < 0) {
            /* A link to a folder opened with O_DIRECTORY | O_NOFOLLOW may fail with ENOTDIR
             * rather than ELOOP: say what it is. */
            struct stat st;
            if (e == ENOTDIR && fstatat(cur, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                S_ISLNK(st.st_mode))
                e = ELOOP;
            break;
        }
        if (cur != dir_fd)
            close(cur);
        cur = next;
        if (!slash) {
            fd = next;
            cur = dir_fd;
            break;
        }
        c = slash + 1;
    }
    if (cur != dir_fd)
        close(cur);
    errno = e;
    return fd;
}

vg_status vg__media_open_beneath(int dir_fd, const char *name, int walk, int *fd_out, char *why,
                                 size_t cap)
{
    *fd_out = -1;
    if (why && cap)
        why[0] = 0;
    /* The reader refuses such names already; checked again here because this is the function
     * that must not be fooled, whoever built the event. */
    if (!vg_media_file_name_safe(name)) {
        if (why && cap)
            snprintf(why, cap, "not a relative path inside the media folder");
        return VG_EIO;
    }
    int fd = -1;
#if defined(__linux__) && defined(SYS_openat2)
    if (!walk) {
        /* RESOLVE_BENEATH refuses any step out of dir_fd (a "..", an absolute link) with EXDEV;
         * RESOLVE_NO_SYMLINKS refuses every symbolic link, magic /proc links included, with
         * ELOOP: the same rule as the walk below, so the outcome does not depend on the
         * kernel. */
        struct open_how how = { .flags = MEDIA_OPEN_FLAGS,
                                .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
                                           RESOLVE_NO_MAGICLINKS };
        /* EAGAIN: the kernel could not rule out an escape during a concurrent rename; retried a
         * few times, then an error. */
        for (int tries = 0; tries < 8; tries++) {
            fd = (int)syscall(SYS_openat2, dir_fd, name, &how, sizeof(how));
            if (fd >= 0 || (errno != EAGAIN && errno != EINTR))
                break;
        }
        /* ENOSYS: a kernel before 5.6; EPERM: a seccomp filter that does not know it. */
        if (fd < 0 && errno != ENOSYS && errno != EPERM)
            return open_error(errno, why, cap);
    }
#else
    (void)walk;
#endif
    if (fd < 0 && (fd = open_walk(dir_fd, name)) < 0)
        return open_error(errno, why, cap);
    *fd_out = fd;
    return VG_OK;
}

vg_status vg__media_hash_file_at(int dir_fd, const char *name, struct vg_media_hashes *out,
                                 char *why_no_pdq, size_t cap)
{
    memset(out, 0, sizeof(*out));
    out->pdq_quality = -1;
    int fd;
    vg_status rc = vg__media_open_beneath(dir_fd, name, 0, &fd, why_no_pdq, cap);
    if (rc)
        return rc;
    uint8_t *data;
    size_t len;
    if ((rc = read_fd(fd, &data, &len, why_no_pdq, cap)))
        return rc;
    rc = vg_media_hash_bytes(data, len, out, why_no_pdq, cap);
    vg_free(data);
    return rc;
}

vg_status vg_media_hash_file(const char *path, struct vg_media_hashes *out, char *why_no_pdq,
                             size_t cap)
{
    memset(out, 0, sizeof(*out));
    out->pdq_quality = -1;
    uint8_t *data;
    size_t len;
    vg_status rc = read_all(path, &data, &len, why_no_pdq, cap);
    if (rc)
        return rc;
    rc = vg_media_hash_bytes(data, len, out, why_no_pdq, cap);
    vg_free(data);
    return rc;
}

int vg_media_file_name_safe(const char *name)
{
    if (!name || !*name || *name == '/' || strchr(name, '\\'))
        return 0;
    for (const char *c = name; *c;) {
        const char *end = strchr(c, '/');
        size_t n = end ? (size_t)(end - c) : strlen(c);
        if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
            return 0;
        c += n;
        if (*c == '/')
            c++;
        else
            break;
    }
    return name[strlen(name) - 1] != '/';
}
