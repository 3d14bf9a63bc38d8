/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pdq_exif.c: the one EXIF field PDQ needs, the orientation tag (0x0112) of IFD0, read from a
 * JPEG APP1 segment. A parser of our own rather than libexif: it is a dozen bounds-checked reads
 * and we never need the other tags. Layout (TIFF 6.0 / EXIF 2.3): "Exif\0\0", then a TIFF header
 * ("II" little-endian or "MM" big-endian, 42, the offset of IFD0), then IFD0: a 16-bit count of
 * 12-byte entries (tag, type, count, value or offset).
 */
#include <string.h>

#include "pdq_int.h"

#define TAG_ORIENTATION 0x0112
#define TYPE_SHORT      3

static unsigned read16(const uint8_t *p, int big)
{
    return big ? (unsigned)(p[0] << 8 | p[1]) : (unsigned)(p[1] << 8 | p[0]);
}

static uint32_t read32(const uint8_t *p, int big)
{
    return big ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
               : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

int vg__exif_orientation(const uint8_t *p, size_t len)
{
    if (len < 6 + 8 || memcmp(p, "Exif\0\0", 6))
        return 0;
    const uint8_t *t = p + 6; /* offsets below count from the TIFF header */
    size_t n = len - 6;
    int big;
    if (t[0] == 'I' && t[1] == 'I')
        big = 0;
    else if (t[0] == 'M' && t[1] == 'M')
        big = 1;
    else
        return 0;
    if (read16(t + 2, big) != 42)
        return 0;
    uint32_t ifd = read32(t + 4, big);
    if (ifd > n || n - ifd < 2)
        return 0;
    unsigned count = read16(t + ifd, big);
    size_t pos = (size_t)ifd + 2;
    for (unsigned k = 0; k < count && n - pos >= 12; k++, pos += 12) {
        const uint8_t *e = t + pos;
        if (read16(e, big) != TAG_ORIENTATION)
            continue;
        if (read16(e + 2, big) != TYPE_SHORT || read32(e + 4, big) != 1)
            return 0;
        unsigned o = read16(e + 8, big);
        return o >= 1 && o <= 8 ? (int)o : 0;
    }
    return 0;
}
