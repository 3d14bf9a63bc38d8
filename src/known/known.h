/* SPDX-License-Identifier: Apache-2.0 */
/*
 * known.h: the known-items stage (docs/known.md): near-duplicate text fingerprints and their
 * index (known_text.c), and the parsers and writers of the hash-sharing formats the banks
 * exchange (known_formats.c). What the stage shares inside the library; the public API is the
 * @@known section of vigie.h.
 */
#ifndef VG_KNOWN_H
#define VG_KNOWN_H

#include "core.h"

/* One-permutation MinHash: VG_KNOWN_BINS values, cut into VG_KNOWN_BANDS bands of
 * VG_KNOWN_ROWS values for LSH (docs/known.md says how these were chosen). */
#define VG_KNOWN_BINS    32
#define VG_KNOWN_ROWS    2
#define VG_KNOWN_BANDS   (VG_KNOWN_BINS / VG_KNOWN_ROWS)
#define VG_KNOWN_SHINGLE 4 /* code points per shingle */

/* The fingerprint of one text: its shingle hashes (sorted, distinct) and MinHash signature. */
struct vg_known_fp {
    uint32_t *shingles; /* vg_malloc'd, n_shingles of them */
    size_t n_shingles;
    uint32_t sig[VG_KNOWN_BINS];
};

/*
 * Append the matching form of a post's text to out: URLs and mentions removed, then
 * vg_text_normalize (case, accents, Arabic forms), then only the words (letters, marks,
 * digits) separated by one space: emoji, punctuation and hashtag marks go, a leading "rt" too.
 * Errors: those of vg_text_normalize_buf.
 */
vg_status vg__known_text_words(const char *s, size_t len, struct vg_buf *out);

/* Fingerprint a text (its matching form). fp->shingles is the caller's (vg__known_fp_release).
 * Errors: VG_EPARSE (no words), VG_EUTF8, VG_ELIMIT, VG_ENOMEM. */
vg_status vg__known_fp_make(const char *s, size_t len, struct vg_known_fp *fp);
void vg__known_fp_release(struct vg_known_fp *fp);
/* Share of equal signature values (the MinHash estimate of the Jaccard similarity). */
double vg__known_fp_estimate(const struct vg_known_fp *a, const struct vg_known_fp *b);
/* Jaccard similarity of the two shingle sets, exactly. */
double vg__known_fp_jaccard(const struct vg_known_fp *a, const struct vg_known_fp *b);

#endif /* VG_KNOWN_H */
