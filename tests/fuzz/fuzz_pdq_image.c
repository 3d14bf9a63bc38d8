/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_pdq_image.c: libFuzzer target for the image decoders (pdq_decode.c: JPEG, PNG, WebP, the
 * EXIF orientation reader) and the PDQ hash, on arbitrary bytes with small limits (256 pixels a
 * side, 64K pixels) so each input stays fast. Invariants: the result is VG_OK, VG_EFORMAT,
 * VG_EPARSE or VG_ELIMIT (VG_ENOMEM only if memory runs out); on failure no pixels are handed out
 * and the error text is set; on success the image is within the limits, 1 or 3 channels, and
 * hashing it succeeds with a quality in 0..100 and, for images of 5 pixels a side or more, a
 * hash whose dihedral variants all have 128 bits set at most. The EXIF reader is also run on the
 * raw bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pdq.h"
#include "pdq_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vg_image_opts o = { .max_bytes = 1u << 20, .max_side = 256, .max_pixels = 65536 };
    struct vg_image img;
    char err[256] = "";
    int orientation = vg__exif_orientation(data, size);
    if (orientation < 0 || orientation > 8)
        abort();
    o.ignore_orientation = size > 0 && (data[size - 1] & 1);
    vg_status rc = vg_image_decode(data, size, &o, &img, err, sizeof err);
    if (rc) {
        if (rc != VG_EFORMAT && rc != VG_EPARSE && rc != VG_ELIMIT && rc != VG_ENOMEM)
            abort();
        if (img.pixels || !err[0])
            abort();
        return 0;
    }
    if (!img.pixels || img.width == 0 || img.height == 0 || img.width > 256 || img.height > 256 ||
        (uint64_t)img.width * img.height > 65536 || (img.channels != 1 && img.channels != 3) ||
        img.stride != (size_t)img.width * (size_t)img.channels)
        abort();
    struct vg_pdq h[VG_PDQ__DIHEDRAL], zero;
    int q = -1;
    memset(&zero, 0, sizeof zero);
    if (vg_pdq_hash_image(&img, h, VG_PDQ__DIHEDRAL, &q) || q < 0 || q > 100)
        abort();
    for (int t = 0; t < VG_PDQ__DIHEDRAL; t++)
        if (vg_pdq_distance(&h[t], &zero) > 128)
            abort();
    vg_image_release(&img);
    return 0;
}
