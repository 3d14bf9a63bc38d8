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
#ifndef VG_KNOWN_BINS
#define VG_KNOWN_BINS 128
#endif
#ifndef VG_KNOWN_ROWS
#define VG_KNOWN_ROWS 4
#endif
#define VG_KNOWN_BANDS   (VG_KNOWN_BINS / VG_KNOWN_ROWS)
#define VG_KNOWN_SHINGLE 4 /* code points per shingle */
/* Texts with fewer distinct shingles carry too little to match: "hahahaha" or a run of one
 * Arabic letter is one shingle and would equal every other laugh (docs/known.md). */
#define VG_KNOWN_MIN_SHINGLES 8

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
 * Errors: VG_EPARSE (no words, or fewer than VG_KNOWN_MIN_SHINGLES distinct shingles),
 * VG_EUTF8, VG_ELIMIT, VG_ENOMEM. */
vg_status vg__known_fp_make(const char *s, size_t len, struct vg_known_fp *fp);
void vg__known_fp_release(struct vg_known_fp *fp);
/* Share of equal signature values (the MinHash estimate of the Jaccard similarity). */
double vg__known_fp_estimate(const struct vg_known_fp *a, const struct vg_known_fp *b);
/* Jaccard similarity of the two shingle sets, exactly. */
double vg__known_fp_jaccard(const struct vg_known_fp *a, const struct vg_known_fp *b);

/*
 * A 48-byte sketch of a shingle set, kept beside each indexed text so that most candidates are
 * ruled out without reading their shingle set (a cache miss): the set's shingles counted in
 * VG_KNOWN_SKETCH_LANES lanes by value, each count in 2 bits, stopping at 3 (bit planes lo and
 * hi: count = 2 * hi + lo). Two sets share at most min(count a, count b) shingles in a lane, which
 * bounds their Jaccard similarity from above: the bound never rules out a pair that reaches the
 * threshold (the index stays exact above its LSH).
 */
#define VG_KNOWN_SKETCH_LANES 192
#define VG_KNOWN_SKETCH_WORDS (VG_KNOWN_SKETCH_LANES / 64)

struct vg_known_sketch {
    uint64_t lo[VG_KNOWN_SKETCH_WORDS], hi[VG_KNOWN_SKETCH_WORDS];
};

/* The sketch of the n distinct shingle hashes s. */
void vg__known_sketch_make(const uint32_t *s, size_t n, struct vg_known_sketch *out);
/* 0 when the sets of a (na distinct shingles) and b (nb) cannot reach Jaccard similarity
 * min_similarity; 1 when they may. */
int vg__known_sketch_may_reach(const struct vg_known_sketch *a, uint32_t na,
                               const struct vg_known_sketch *b, uint32_t nb, double min_similarity);

/* vg_text_index_query that also tells how many candidates the bands gave (before verification):
 * for the benchmark and the evaluation. */
vg_status vg__text_index_query_n(const vg_text_index *ix, const char *text, size_t len,
                                 double min_similarity, vg_text_match_fn fn, void *ud,
                                 size_t *n_candidates);

/* ---- exchange formats (known_formats.c) ---------------------------------------------------- */

#define VG_KNOWN_FIELD_MAX 4096 /* bytes of a field other than a text value */

/* One record of an import file, before normalisation. Strings valid during the callback. */
struct vg_known_record {
    int deletion;           /* 1: remove the item (a TAT entry with "deleted": true) */
    struct vg_bank_item it; /* bank unset; value as written */
    uint64_t line;          /* 1-based, 0 in a JSON array */
    int64_t item;           /* index in an array or page, -1 */
    double updated_on;      /* TAT: the entry's time (seconds), else 0 */
    int64_t tat_id;         /* TAT: the entry's id, else -1 */
};

/* Where a parser sends what it reads. A record callback's error stops the parse. */
struct vg_known_sink {
    vg_status (*record)(const struct vg_known_record *r, void *ud);
    /* counts: 1 for a record given up (it counts as read and rejected), 0 for a note about the
     * whole file (a missing header, a checkpoint that does not parse). */
    void (*reject)(uint64_t line, int64_t item, const char *field, const char *reason, int counts,
                   void *ud);
    void *ud;
    char checkpoint[128]; /* TAT: the page's checkpoint ("" when it has none) */
};

/*
 * Parse a whole import file of format f, calling sink->record for each usable record and
 * sink->reject for each unusable one (naming line or item, and field). Errors: VG_EPARSE when the
 * file as a whole is not of the format (after one reject saying why), VG_ENOMEM, or what the
 * record callback returned.
 */
vg_status vg__known_parse(enum vg_bank_format f, const char *text, size_t len,
                          struct vg_known_sink *sink);

/* A TAT checkpoint "<unix time>,<id>" into its parts. Errors: VG_EPARSE. */
vg_status vg__known_checkpoint_parse(const char *s, double *t, int64_t *id);

/* ---- media files (known_media.c) ----------------------------------------------------------- */

/* MD5 (RFC 1321) of len bytes into out. */
void vg__md5(const void *data, size_t len, uint8_t out[16]);

/*
 * Open the media file `name` for reading inside the folder open as dir_fd, never outside it: the
 * name must pass vg_media_file_name_safe, and no component may be a symbolic link (docs/events.md
 * #media-hashes says why links inside the folder are refused too). With openat2() (Linux 5.6)
 * the kernel resolves the name with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS; without it, or with
 * walk set (the unit tests use it to test both ways), each component is opened with O_NOFOLLOW
 * from the one before. Either way the check is the open itself, so the folder cannot change
 * between a check and the open. *fd_out is the caller's to close (-1 on error).
 * Errors: VG_ENOENT (no such file), VG_EIO (an unsafe name, a link, any other failure; why in
 * why, cap bytes, may be NULL).
 */
vg_status vg__media_open_beneath(int dir_fd, const char *name, int walk, int *fd_out, char *why,
                                 size_t cap);
/* vg_media_hash_file on the file vg__media_open_beneath opens; its errors and those of
 * vg_media_hash_file. */
vg_status vg__media_hash_file_at(int dir_fd, const char *name, struct vg_media_hashes *out,
                                 char *why_no_pdq, size_t cap);

#endif /* VG_KNOWN_H */
