/* SPDX-License-Identifier: Apache-2.0 */
/*
 * storm.h: what the files of the storm stage share. storm_detect.c is the streaming detector
 * (vg_storms_*), storm_replay.c feeds it the stored posts in time order, storm_truth.c reads the
 * planted storms and bursts of a generated world and storm_eval.c measures alerts against them.
 * The text sketch and key normalisation are here so that tests and the benchmark use the same.
 */
#ifndef VG_STORM_H
#define VG_STORM_H

#include "core.h"

/* Values kept per text: 8 MinHash values of its words in 4 bands of 2 (locality-sensitive
 * hashing), each band hashed to one value. A copy with word Jaccard J shares a band with
 * probability 1 - (1 - J^2)^4 (0.98 at J = 0.8); two texts that only share a common word
 * (J = 0.1) share one with probability 0.04, where single MinHash values would often meet on
 * that word. */
#define VG_STORM_SKETCH 4
/* Texts with fewer distinct words get no sketch (too short to call a copy). */
#define VG_STORM_MIN_WORDS 4
/* Hashtag pairs kept per post: its last adjacent pairs (a campaign appends its sequence). */
#define VG_STORM_PAIRS 4
/* Synchronised timing: posts of a hashtag within +-SYNC_HALF s of a post are its wave; the
 * background is the posts within +-SYNC_AROUND s outside the wave. */
#define VG_STORM_SYNC_HALF   5
#define VG_STORM_SYNC_AROUND 300

/* The MinHash sketch of a text's words: ASCII letters folded to lower case, split at ASCII
 * space and punctuation (other bytes, e.g. Arabic letters, belong to words); hashtags,
 * mentions, links and a leading "RT" are left out, since they are not the message. Returns the
 * distinct words (repeats are recognised among the first 32 distinct ones; capped at 255); out
 * is valid only when that is >= VG_STORM_MIN_WORDS. *text_fp gets a fingerprint of the distinct
 * words, whatever their order (never 0): two texts have the same one when they are the same
 * words, however punctuated, cased or ordered. */
unsigned vg__storm_sketch(const char *text, uint64_t out[VG_STORM_SKETCH], uint64_t *text_fp);

/* A hashtag as a key: without leading '#', ASCII folded to lower case, into out (cap bytes,
 * truncated); returns its length. */
size_t vg__storm_tag_norm(const char *tag, char *out, size_t cap);

/* The host of a link (lower case, without "www."), as a pointer into url and a length; 0 when
 * the link has no "scheme://host". */
size_t vg__storm_domain(const char *url, const char **host);

/* -log10 of P(X >= n) for X Poisson with mean lambda (0 when n <= lambda); a tight upper-tail
 * bound (the mass at n times the ratio of a geometric series), exact enough for thresholds. */
double vg__storm_poisson_log10_tail(double n, double lambda);

/* vg_storms_replay, calling fn (when not NULL) with each post before it is fed. */
typedef vg_status (*vg__storm_post_fn)(const struct vg_post *post, void *ud);
vg_status vg__storms_replay_with(vg_db *db, int64_t since, int64_t before, vg_storms *s,
                                 vg__storm_post_fn fn, void *ud, uint64_t *n_posts);

/* ---- truth (storm_truth.c) ------------------------------------------------------------------ */

struct storm_truth_storm {
    char *id, *hashtag; /* hashtag normalised as vg__storm_tag_norm */
    int pattern;        /* enum vg_storm_pattern */
    int64_t start;
    char **accounts;
    size_t n_accounts;
    char **posts; /* optional in the file: empty when absent */
    size_t n_posts;
};

struct storm_truth_burst {
    char *id, *hashtag;
    int64_t start;
};

struct vg_storm_truth {
    struct storm_truth_storm *storms;
    size_t n_storms;
    struct storm_truth_burst *bursts;
    size_t n_bursts;
    struct vg_arena arena;
};

/* Parse truth.json text (len bytes) into t; err (cap bytes) names the field at fault. The fuzz
 * target tests/fuzz/fuzz_storm_truth.c calls it. On failure t is released. */
vg_status vg__storm_truth_parse(const char *text, size_t len, struct vg_storm_truth *t, char *err,
                                size_t cap);
void vg__storm_truth_release(struct vg_storm_truth *t);

#endif /* VG_STORM_H */
