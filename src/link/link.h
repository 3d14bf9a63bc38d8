/* SPDX-License-Identifier: Apache-2.0 */
/*
 * link.h: the returning-accounts stage (issue 5, docs/returns.md). A new account that replaces a
 * suspended one is found from what it shows (handle and display name, bio, avatar), whom it
 * follows and who follows it, and what others say about it (shout-outs). Three layers:
 *
 *   link_norm.c    names folded to keys robust to digit suffixes, look-alike characters,
 *                  Arabic/Latin transliteration and reordered parts;
 *   link_shout.c   a multilingual pattern set for shout-out posts ("new account of @x");
 *   link_index.c   the index of suspended accounts, updated one account at a time (add,
 *                  remove on reinstatement) and queried for the candidates of a new account;
 *   link_replay.c  the batch: the store replayed in time order, each new account linked as soon
 *                  as the evidence is enough, with the simulated time of the link;
 *   link_eval.c    the links measured against the planted truth of a generated world.
 *
 * The index knows nothing of the store, so ingest can feed it live (vigie.h, vg_return_index_*).
 */
#ifndef VG_LINK_H
#define VG_LINK_H

#include "core.h"

/* ---- names (link_norm.c) ------------------------------------------------------------------- */

#define VG_LINK_KEY_MAX    64 /* bytes of a folded key; longer names are cut */
#define VG_LINK_TOKENS_MAX 8  /* parts of a name kept */

/*
 * A handle or display name folded for matching. `key` is the consonant skeleton of the whole
 * name (parts in their order), `sorted` the same with the parts sorted (reordered names match),
 * `alt` the skeleton read with every '1' as 'l' instead of 'i' (both are look-alikes of '1').
 * `tok` are the skeletons of the parts. Keys are ASCII lower-case letters, NUL-terminated.
 */
struct vg_link_name {
    char key[VG_LINK_KEY_MAX + 1];
    char alt[VG_LINK_KEY_MAX + 1]; /* "" when the name has no '1' */
    char sorted[VG_LINK_KEY_MAX + 1];
    char tok[VG_LINK_TOKENS_MAX][VG_LINK_KEY_MAX + 1];
    uint8_t n_tok;
    uint8_t suffix_digits; /* digits dropped from the end (a "kari_mosa2" suffix) */
};

/*
 * Fold a handle or display name (s, len bytes of UTF-8; invalid bytes are skipped). Never fails:
 * an empty or unreadable name gives empty keys.
 */
void vg__link_name_fold(const char *s, size_t len, struct vg_link_name *out);

/* The skeletons of a folded name as the index keeps them (strings borrowed). */
struct vg_link_keys {
    const char *key, *alt, *sorted;
    unsigned n_tok;
};

void vg__link_name_keys(const struct vg_link_name *n, struct vg_link_keys *out);
/* Similarity of two folded names in [0, 1]: the best of the whole, sorted and '1'-as-'l'
 * skeletons (1 - edit distance / longer length), weighed down for skeletons under 4 letters,
 * which too many names share. */
double vg__link_keys_similarity(const struct vg_link_keys *a, const struct vg_link_keys *b);
double vg__link_name_similarity(const struct vg_link_name *a, const struct vg_link_name *b);
/* Levenshtein distance of two strings of at most VG_LINK_KEY_MAX bytes. */
size_t vg__link_edit_distance(const char *a, size_t na, const char *b, size_t nb);

#define VG_LINK_BIO_TOKENS 12

/* A bio as a set of hashed words (numbers, "#2" counters and one-letter words left out). */
struct vg_link_bio {
    uint32_t h[VG_LINK_BIO_TOKENS];
    uint8_t n;
};

void vg__link_bio_fold(const char *s, size_t len, struct vg_link_bio *out);
/* Jaccard index of the word sets; 0 when either is empty. */
double vg__link_bio_similarity(const struct vg_link_bio *a, const struct vg_link_bio *b);

/* ---- shout-outs (link_shout.c) ------------------------------------------------------------- */

enum {
    VG_SHOUT_RETURN = 1,  /* announces a return or a new account: "new account", "was suspended" */
    VG_SHOUT_PROMOTE = 2, /* asks to follow or share: "follow and share", "suivez", "تابعوا" */
    VG_SHOUT_BAQIYA = 4,  /* the "remaining" slogan of returning accounts */
};

/* The shout-out cues of a post text (a bit set of VG_SHOUT_*); 0 when none or unreadable. */
unsigned vg__link_shout_cues(const char *text, size_t len);
/* A cue set as the strength of a shout-out in [0, 1]: a return cue is strong, a call to follow
 * alone weak (ordinary posts say "follow @x" too). */
double vg__link_shout_strength(unsigned cues);
/* The name of each cue of a set, for evidence ("return", "promote", "baqiya"), comma-separated
 * into buf (cap bytes). */
void vg__link_shout_names(unsigned cues, char *buf, size_t cap);

/* ---- follow sets: MinHash ------------------------------------------------------------------ */

#define VG_LINK_MINHASH 16 /* values per signature (16 x 4 bytes per set and account) */
#define VG_LINK_BANDS   8  /* LSH bands of one value each, over the first 8 values */

struct vg_link_sig {
    uint32_t v[VG_LINK_MINHASH];
    uint32_t n; /* elements added (the set's size when each was added once) */
};

void vg__link_sig_init(struct vg_link_sig *s);
/* Add an element given by a 64-bit hash of its id. */
void vg__link_sig_add(struct vg_link_sig *s, uint64_t h);
/* Estimated Jaccard index of two sets; 0 when either is empty. */
double vg__link_sig_jaccard(const struct vg_link_sig *a, const struct vg_link_sig *b);
/* Estimated share of a's elements that are in b (from the Jaccard estimate and both sizes). */
double vg__link_sig_containment(const struct vg_link_sig *a, const struct vg_link_sig *b);

/* ---- the index of suspended accounts (link_index.c) ---------------------------------------- */

/* What the index and a query know of one account. */
struct vg_link_profile {
    const char *id;
    struct vg_link_name handle, name;
    char handle_lower[VG_LINK_KEY_MAX * 2 + 1]; /* the handle as written, ASCII-lowered */
    struct vg_link_bio bio;
    uint64_t avatar; /* hash of the avatar URL; 0 when none */
    struct vg_pdq avatar_pdq;
    int has_pdq; /* avatar_pdq holds the picture's PDQ hash, of quality enough to match */
    struct vg_link_sig following, followers;
    int64_t first_seen; /* VG_TIME_UNKNOWN when not known */
};

void vg__link_profile_init(struct vg_link_profile *p, const char *id, const char *handle,
                           const char *name, const char *bio, const char *avatar_url,
                           int64_t first_seen);

/*
 * Avatars whose PDQ hashes are within VG_LINK_PDQ_D bits are the same picture re-uploaded; the
 * avatar term is 1 up to VG_LINK_PDQ_FULL bits and falls linearly to 0 at VG_LINK_PDQ_D
 * (docs/returns.md, "Score", gives the measurements behind both).
 */
#define VG_LINK_PDQ_D    31
#define VG_LINK_PDQ_FULL 10

/* Give p its avatar's PDQ hash: 64 hex digits, quality 0..100 or -1 (unknown). A hash that does
 * not parse, or of quality under VG_PDQ_MIN_QUAL, is left out. */
void vg__link_profile_set_pdq(struct vg_link_profile *p, const char *hex, int quality);
/* The avatar term of two pictures d bits apart: 1 at or under VG_LINK_PDQ_FULL, 0 from
 * VG_LINK_PDQ_D. */
double vg__link_pdq_term(int d);

/* A post naming a suspended account's handle, as evidence for one pair. */
struct vg_link_named {
    uint32_t entry;   /* index entry named */
    double strength;  /* vg__link_shout_strength of the post, at least VG_LINK_NAMED_FLOOR */
    int by_self;      /* the new account wrote it (else someone else named both) */
    const char *post; /* post id, borrowed */
};

#define VG_LINK_NAMED_FLOOR 0.3 /* a new account naming a suspended handle without any cue */

/*
 * Exact follow overlap of a new account with one suspended account, each shared account weighed
 * by how rare it is among the suspended (the batch computes it from its follow lists; the index
 * alone only has MinHash signatures). An account x the new account follows weighs
 * ln(1 + S / d), S the suspended accounts indexed, d those of them that followed x (ln 2 when
 * none did: it says nothing of which one it replaces). `follows` sums the weights of the accounts
 * both followed. `followers` does the same for the accounts that follow the new account, d being
 * the suspended accounts each of them followed. A hub followed by most of the network weighs
 * ln 2 or less; an account that followed only this one suspended account weighs ln(1 + S).
 */
struct vg_link_net {
    uint32_t entry;
    float follows, followers;
};

/* The overlap term is (shared weight - the weight a random suspended account would share, at
 * least 0) / (the new account's whole weight + this): a weighted containment above chance,
 * shrunk when the new account has followed (or been followed by) little. */
#define VG_LINK_NET_PRIOR 4.0

/*
 * What others said about the new account (shout-outs naming it), and, when `net_exact`, its exact
 * follow overlap with the suspended accounts that share the most weight with it (net; an entry
 * not listed shares none or less than the last listed, and is scored as sharing none). With
 * net_exact the follow terms come from it instead of the MinHash signatures.
 */
struct vg_link_talk {
    double shout;        /* sum of the strengths of shout-outs naming it, by distinct authors */
    uint32_t n_shouts;   /* those posts */
    uint32_t n_shouters; /* distinct authors */
    const struct vg_link_named *named;
    size_t n_named;
    const struct vg_link_net *net;
    size_t n_net;
    int net_exact;
    double net_follows_total, net_followers_total;   /* the new account's whole weights */
    double net_follows_chance, net_followers_chance; /* shared by a random suspended account */
};

/* One candidate parent with the terms of its score. */
struct vg_link_candidate {
    uint32_t entry;
    double score;
    double handle, name, bio, follows, followers, named, shout;
    double rare_follows, rare_followers; /* weight sums of vg_link_net, 0 when none */
    double avatar;    /* 1 for the same avatar URL, else the PDQ term (vg__link_pdq_term) */
    int same_url;     /* the same avatar URL (not a generic one) */
    int pdq_distance; /* bits between the avatars' PDQ hashes when within VG_LINK_PDQ_D; -1 */
    double hours;     /* from the suspension to the new account's first sighting */
    const char *named_post;
    int named_by_self;
};

typedef struct vg_return_index vg_link_index;

/* Entries: 0..n-1 in order of addition; an id suspended again replaces its entry. */
size_t vg__link_index_size(const vg_link_index *ix);
const char *vg__link_index_id(const vg_link_index *ix, uint32_t entry);
const char *vg__link_index_handle(const vg_link_index *ix, uint32_t entry);
int64_t vg__link_index_suspended_at(const vg_link_index *ix, uint32_t entry);
/* The active entry whose handle (ASCII case-insensitive) is `handle`; UINT32_MAX if none. */
uint32_t vg__link_index_find_handle(const vg_link_index *ix, const char *handle);
/* The entry of an id (active or not); UINT32_MAX if none. */
uint32_t vg__link_index_find_id(const vg_link_index *ix, const char *id);

/* Ignore the signals of a VG_RETURN_NO_* set when scoring (ablation). */
void vg__link_index_set_without(vg_link_index *ix, unsigned without);
/* Add (or replace) a suspended account. The profile is copied. */
vg_status vg__link_index_add(vg_link_index *ix, const struct vg_link_profile *p,
                             int64_t suspended_at);
/* Take an account out (reinstated): it is no longer a candidate. */
void vg__link_index_remove(vg_link_index *ix, const char *id);

/*
 * The best candidates of a new account, best first: at most `max` in out, their number in *n.
 * `now` is the query's instant (entries suspended later are not candidates). talk may be NULL.
 * Returns VG_ENOMEM only.
 */
vg_status vg__link_index_query(vg_link_index *ix, const struct vg_link_profile *q,
                               const struct vg_link_talk *talk, int64_t now,
                               struct vg_link_candidate *out, size_t max, size_t *n);
/* The score of an account that no candidate explains, from shout-outs alone. */
double vg__link_talk_score(const struct vg_link_talk *talk);
/* Evidence of a candidate as a JSON array into b. */
vg_status vg__link_evidence_json(const vg_link_index *ix, const struct vg_link_profile *q,
                                 const struct vg_link_candidate *c, struct vg_buf *b);

/* ---- what the batch knows of each new account (link_replay.c, for link_eval.c) ------------- */

#define VG_LINK_EARLY_MAX 10

struct vg_link_new_info {
    const char *id;
    double early_score;                   /* after 5 actions or 24 h, whichever first */
    const char *early[VG_LINK_EARLY_MAX]; /* its best candidates then, best first */
    uint32_t n_early;
    const char *final[VG_LINK_EARLY_MAX]; /* its candidates at its link (or last evaluation) */
    uint32_t n_final;
    int64_t first_action, first_shout; /* first_shout VG_TIME_UNKNOWN if none */
    int64_t first_named; /* its own first post naming a suspended handle, VG_TIME_UNKNOWN */
    int linked;
    const char *replaces; /* when linked */
    int64_t linked_at;
    double score;
    uint32_t followers_at_link, followers_final;
};

size_t vg__returns_n_new(const vg_returns *r);
void vg__returns_new_info(const vg_returns *r, size_t i, struct vg_link_new_info *out);

/* ---- truth of generated worlds (link_eval.c) ------------------------------------------------ */

/* Parse truth.json text: each listed account's id and the id it replaces (or none). Other
 * fields are ignored. Errors: VG_EPARSE (naming the field in err), VG_EFIELD, VG_ENOMEM. */
struct vg_link_truth {
    char **id, **replaces; /* replaces[i] NULL when the account replaces none */
    size_t n;
};

vg_status vg__link_truth_parse(const char *text, size_t len, struct vg_link_truth *t, char *err,
                               size_t cap);
void vg__link_truth_release(struct vg_link_truth *t);

#endif /* VG_LINK_H */
