/* SPDX-License-Identifier: Apache-2.0 */
/* pdq_hex.c: a PDQ hash's text form and the Hamming distance between two hashes. */
#include <string.h>

#include "pdq.h"

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

vg_status vg_pdq_from_hex(const char *hex, struct vg_pdq *out)
{
    if (!hex || !out || strlen(hex) != VG_PDQ_HEX_LEN)
        return VG_EPARSE;
    for (size_t i = 0; i < VG_PDQ_BYTES; i++) {
        int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return VG_EPARSE;
        out->bytes[i] = (uint8_t)(hi << 4 | lo);
    }
    return VG_OK;
}

void vg_pdq_to_hex(const struct vg_pdq *h, char out[VG_PDQ_HEX_LEN + 1])
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < VG_PDQ_BYTES; i++) {
        out[2 * i] = digits[h->bytes[i] >> 4];
        out[2 * i + 1] = digits[h->bytes[i] & 15];
    }
    out[VG_PDQ_HEX_LEN] = '\0';
}

int vg_pdq_distance(const struct vg_pdq *a, const struct vg_pdq *b)
{
    return vg__pdq_distance_inline(a, b);
}
