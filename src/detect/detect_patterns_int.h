/* SPDX-License-Identifier: Apache-2.0 */
/*
 * detect_patterns_int.h: what only the pattern matcher (detect_patterns.c), its table
 * (detect_patterns_table.c) and their tests see. The table is declarative: one row per pattern,
 * written in natural text, normalised with vg_text_normalize() when it is compiled. A compiled
 * set can be built from any table, so tests exercise the syntax on small tables of their own;
 * vg__patterns_match() (detect.h) runs the built-in table, compiled once per process.
 *
 * The syntax, the threat score formula and how callers use the exemption bits are in
 * docs/categories.md.
 */
#ifndef VG_DETECT_PATTERNS_INT_H
#define VG_DETECT_PATTERNS_INT_H

#include "detect.h"

/*
 * What a pattern signals. The first five are the vg_tco_category values, so a TCO pattern's set
 * is also its category bit. The threat sets feed the threat score; the exempt sets the
 * VG_EXEMPT_* bits.
 */
enum vg__pattern_set {
    VG__PS_INCITEMENT = VG_TCO_INCITEMENT,         /* "tco:incitement" */
    VG__PS_SOLICIT_COMMIT = VG_TCO_SOLICIT_COMMIT, /* "tco:solicitation_commit" */
    VG__PS_SOLICIT_JOIN = VG_TCO_SOLICIT_JOIN,     /* "tco:solicitation_join" */
    VG__PS_INSTRUCTION = VG_TCO_INSTRUCTION,       /* "tco:instruction" */
    VG__PS_TCO_THREAT = VG_TCO_THREAT,             /* "tco:threat" */
    VG__PS_THREAT_INTENT,                          /* "threat": violent intent, weight 0..1 */
    VG__PS_THREAT_TARGET,                          /* "threat:target": identifiability 0..1 */
    VG__PS_THREAT_IMMINENCE,                       /* "threat:imminence": time/place 0..1 */
    VG__PS_THREAT_SOFTENER,                        /* "threat:softener": game, sport, idiom 0..1 */
    VG__PS_EXEMPT_NEWS,                            /* "exempt:news" -> VG_EXEMPT_NEWS */
    VG__PS_EXEMPT_RESEARCH,                        /* "exempt:research" -> VG_EXEMPT_RESEARCH */
    VG__PS_EXEMPT_COUNTER,                         /* "exempt:counter" -> VG_EXEMPT_COUNTER */
    VG__PS__COUNT
};

/* The set's name as it appears in vg_pattern_hit.set; "unknown" when out of range. */
const char *vg__pattern_set_name(enum vg__pattern_set s);

/* One row of a pattern table. */
struct vg__pattern_def {
    const char *id;           /* "<lang>.<group>.<name>", unique: what explanations show */
    enum vg__pattern_set set; /* what a match signals */
    const char *lang;         /* "ar", "fr", "en", or "any"; documentation only, all sets run */
    float weight;             /* threat sets: intent strength, target identifiability, imminence
                                 or softener strength in (0, 1]; 0 in the other sets */
    float target;             /* threat intent only: identifiability of a target the pattern
                                 itself names ("kill you" = 1, "kill him" = 0.5), else 0 */
    const char *pattern;      /* natural text in the syntax of docs/categories.md */
    const char *note;         /* why the pattern is there, known false positives; may be NULL */
};

/* The built-in table (detect_patterns_table.c). */
extern const struct vg__pattern_def vg__pattern_table[];
extern const size_t vg__pattern_table_len;

/* Threat score parameters (docs/categories.md, "Threat score"). */
/*
 * Threat score (docs/categories.md, "Threat score"):
 *   threat = min(1, I × (BASE + TARGET × T + IMMINENCE × T × M)) × Π(1 − s)
 * I the strongest intent weight, T the most identifiable target (named by an intent pattern, or
 * a target pattern within WINDOW words of an intent), M the strongest time/place cue, s each
 * distinct softener. A time or place only counts with a target: it makes a threat against
 * someone concrete, not a vague one.
 */
#define VG__THREAT_WINDOW     8    /* a target counts within this many words of an intent */
#define VG__THREAT_BASE       0.30 /* share of the intent weight given without any target */
#define VG__THREAT_TARGET     0.60 /* share added by a fully identifiable target */
#define VG__THREAT_IMMINENCE  0.20 /* share added by a time or place cue, times T */
#define VG__THREAT_TARGET_MIN 0.5  /* threat_target = 1 from this identifiability on */

/* A compiled pattern set: immutable once built, safe to share between threads. */
struct vg__patterns;

/*
 * Compile n rows of defs (which must outlive the set: hits point to their id strings). Each
 * pattern is normalised with vg_text_normalize() and parsed; a malformed one is logged with its
 * id and the reason and fails the whole set. Errors: VG_EINVAL (a malformed pattern), VG_ENOMEM.
 */
vg_status vg__patterns_compile(const struct vg__pattern_def *defs, size_t n,
                               struct vg__patterns **out);
void vg__patterns_free(struct vg__patterns *p);

/* Number of compiled patterns (== n of the compile call). */
size_t vg__patterns_count(const struct vg__patterns *p);

/* Run a compiled set on a normalised text; what vg__patterns_match() does with the built-in one. */
vg_status vg__patterns_run(const struct vg__patterns *p, const char *text_norm, size_t len,
                           struct vg_pattern_result *out);

#endif /* VG_DETECT_PATTERNS_INT_H */
