/* SPDX-License-Identifier: Apache-2.0 */
/* pdq_int.h: what only the pdq stage's files share (the decoders and the EXIF reader). */
#ifndef VG_PDQ_INT_H
#define VG_PDQ_INT_H

#include <stddef.h>
#include <stdint.h>

/* The orientation (1..8) in an APP1 segment's body ("Exif\0\0" then a TIFF header), or 0 when
 * the segment is not EXIF, has no orientation tag or is malformed. Reads only inside [p, p+len). */
int vg__exif_orientation(const uint8_t *p, size_t len);

#endif /* VG_PDQ_INT_H */
