/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vigie.h: the public interface of libvigie, and its specification.
 *
 * vigie reads a platform's public activity (posts, accounts, follows, reports, suspensions) from
 * the formats platforms and research tools produce, turns every input record into native events
 * (docs/events.md) or a rejection naming the record and the field, and keeps the events in a store
 * (SQLite by default). Later stages score posts, map networks and run the casework on top of the
 * same store. The `vigie` command and the server are thin shells over the functions below.
 *
 * Conventions, for every function in this file:
 * - Fallible functions return vg_status: VG_OK (0) or a negative code. On failure, out-parameters
 *   are set to NULL/zero and inputs are left unchanged.
 * - Whoever creates an object frees it; every _free/_close accepts NULL.
 * - The library never prints and never aborts. Diagnostics go to the log sink the application
 *   installs with vg_log_set(); the library logs once, where it finds the problem.
 * - Strings are UTF-8 and NUL-terminated unless a length is passed beside them.
 * - Handles are not thread-safe: use one per thread.
 */
#ifndef VIGIE_H
#define VIGIE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define VG_API          __attribute__((visibility("default")))
#define VG_NODISCARD    __attribute__((warn_unused_result))
#define VG_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define VG_API
#define VG_NODISCARD
#define VG_PRINTF(f, a)
#endif

#define VG_VERSION_MAJOR  0
#define VG_VERSION_MINOR  1
#define VG_VERSION_PATCH  0
#define VG_VERSION_STRING "0.1.0"
/* 0xMMmmpp, comparable with < and >. */
#define VG_VERSION_NUM ((VG_VERSION_MAJOR << 16) | (VG_VERSION_MINOR << 8) | VG_VERSION_PATCH)

/** The library's version string, e.g. "0.1.0". Since: 0.1. */
VG_API const char *vg_version(void);

/* ---------------------------------------------------------------------------------------------
 * Status codes. Values are fixed and append-only: never renumber or remove one.
 * ------------------------------------------------------------------------------------------ */
#define VG_STATUS_MAP(X)                                                                           \
    X(OK, 0, "success")                                                                            \
    X(ENOMEM, -1, "out of memory")                                                                 \
    X(EINVAL, -2, "invalid argument")                                                              \
    X(EIO, -3, "input/output error")                                                               \
    X(ENOENT, -4, "no such file or object")                                                        \
    X(EPARSE, -5, "malformed input")                                                               \
    X(ELIMIT, -6, "size limit exceeded")                                                           \
    X(EUTF8, -7, "invalid UTF-8")                                                                  \
    X(EFORMAT, -8, "unknown or unsupported format")                                                \
    X(EDB, -9, "database error")                                                                   \
    X(EBUSY, -10, "database is locked by another process")                                         \
    X(EFULL, -11, "disk or database full")                                                         \
    X(ESCHEMA, -12, "database schema is newer than this program")                                  \
    X(EGZIP, -13, "corrupt or truncated gzip stream")                                              \
    X(EFIELD, -14, "missing or invalid field")                                                     \
    X(ECANCEL, -15, "cancelled")

typedef enum vg_status {
#define VG__STATUS_ENUM(name, value, text) VG_##name = value,
    VG_STATUS_MAP(VG__STATUS_ENUM)
#undef VG__STATUS_ENUM
} vg_status;

/** Human-readable text for a status code; never NULL. Since: 0.1. */
VG_API const char *vg_strerror(vg_status rc);
/** The code's name without prefix ("ENOMEM"); "UNKNOWN" for values not in the table. */
VG_API const char *vg_errname(vg_status rc);

/* ---------------------------------------------------------------------------------------------
 * Logging. The library calls the installed sink; with none installed it is silent.
 * ------------------------------------------------------------------------------------------ */
enum vg_log_level {
    VG_LOG_ERROR = 0,
    VG_LOG_WARN = 1,
    VG_LOG_INFO = 2,
    VG_LOG_DEBUG = 3
};

typedef void (*vg_log_fn)(enum vg_log_level level, const char *msg, void *userdata);

/** Install the process-wide log sink (NULL to silence). Thread-safety: call before other use. */
VG_API void vg_log_set(vg_log_fn fn, void *userdata, enum vg_log_level max_level);

/** 1 if s[0..len) is valid UTF-8 (RFC 3629: no overlong forms, no surrogates, <= U+10FFFF). */
VG_API int vg_utf8_valid(const char *s, size_t len);

/* ---------------------------------------------------------------------------------------------
 * Time. Events carry instants as seconds since the Unix epoch, UTC. VG_TIME_UNKNOWN marks an
 * instant the source did not give.
 * ------------------------------------------------------------------------------------------ */
#define VG_TIME_UNKNOWN INT64_MIN

/**
 * Parse an instant: ISO 8601 / RFC 3339 ("2021-04-01T15:53:42.000Z", "+02:00" offsets, a
 * date alone), Twitter v1.1 ("Wed Oct 10 20:19:24 +0000 2018") or the Fifth Tribe CSV form
 * ("1/6/2015 21:07", taken as UTC). Fractions of a second are dropped.
 * Errors: VG_EPARSE when the text is none of these or out of range.
 */
VG_API vg_status vg_time_parse(const char *s, int64_t *out);

/** Format as "YYYY-MM-DDTHH:MM:SSZ" into buf (at least 21 bytes). Returns buf. */
VG_API char *vg_time_format(int64_t t, char buf[21]);

/* ---------------------------------------------------------------------------------------------
 * Events: the native model (docs/events.md). All strings are borrowed: an event handed to a
 * callback is valid only during the call.
 * ------------------------------------------------------------------------------------------ */
#define VG_EVENT_TYPE_MAP(X)                                                                       \
    X(POST, "post")                                                                                \
    X(ACCOUNT, "account")                                                                          \
    X(FOLLOW, "follow")                                                                            \
    X(UNFOLLOW, "unfollow")                                                                        \
    X(SUSPENSION, "suspension")                                                                    \
    X(REINSTATEMENT, "reinstatement")                                                              \
    X(REPORT, "report")                                                                            \
    X(DELETION, "deletion")

enum vg_event_type {
#define VG__EVENT_ENUM(name, text) VG_EV_##name,
    VG_EVENT_TYPE_MAP(VG__EVENT_ENUM)
#undef VG__EVENT_ENUM
    VG_EV__COUNT
};

/** "post", "account", ...; NULL for an out-of-range value. */
VG_API const char *vg_event_type_name(enum vg_event_type type);
/** The type named by `name`; VG_EINVAL if none. */
VG_API vg_status vg_event_type_parse(const char *name, enum vg_event_type *out);

/** A list of borrowed strings. */
struct vg_strv {
    const char **v;
    size_t n;
};

/** A picture, video or other attachment of a post. */
struct vg_media {
    const char *id;   /* platform media id, or NULL */
    const char *type; /* "photo", "video", "animated_gif", "audio", "other" */
    const char *url;  /* where the file can be fetched, or NULL */
    /* Hashes of the file, when the platform gave them or `vigie ingest --media-dir` computed
     * them (docs/events.md); NULL when unknown. Lower-case hex. */
    const char *pdq;    /* 64 hex digits (vg_pdq_to_hex) */
    int pdq_quality;    /* 0..100 with pdq; -1 when not given (then the hash is matched) */
    const char *md5;    /* 32 hex digits of the file's bytes */
    const char *sha256; /* 64 hex digits of the file's bytes */
    const char *file;   /* native events: the file's name under --media-dir, or NULL */
};

struct vg_post {
    const char *id;          /* required; the platform's id (tweet id, status URI) */
    const char *account;     /* required; author account id */
    int64_t created_at;      /* required */
    const char *text;        /* as written, entities decoded; may be "" (a bare repost) */
    const char *lang;        /* BCP 47 as given by the source or identified; NULL if unknown */
    const char *reply_to;    /* post id this replies to, or NULL */
    const char *repost_of;   /* post id this reposts (retweet, boost), or NULL */
    const char *quote_of;    /* post id this quotes, or NULL */
    struct vg_strv hashtags; /* without '#', as written */
    struct vg_strv mentions; /* handles without '@', as written */
    struct vg_strv urls;     /* expanded URLs where the source gives them */
    struct vg_media *media;
    size_t n_media;
};

struct vg_account {
    const char *id;     /* required */
    const char *handle; /* screen name / acct, without '@' */
    const char *name;   /* display name */
    const char *bio;    /* description */
    int64_t created_at; /* VG_TIME_UNKNOWN if not given */
    int64_t followers;  /* -1 if not given */
    int64_t following;  /* -1 if not given */
    int64_t posts;      /* -1 if not given */
    const char *avatar_url;
    int64_t observed_at; /* when this profile was seen (e.g. the post carrying it); required */
    /* The profile picture's PDQ hash (64 lower-case hex digits) and its quality (0..100; -1 when
     * not given, then the hash is matched), when the platform gave it or `vigie ingest
     * --media-dir` computed it from avatar_file (docs/events.md#account); NULL when unknown. */
    const char *avatar_pdq;
    int avatar_pdq_quality;
    const char *avatar_file; /* native events: the picture's file under --media-dir, or NULL */
};

/** follow and unfollow: src follows (or stops following) dst. */
struct vg_edge {
    const char *src; /* required */
    const char *dst; /* required */
    int64_t at;      /* VG_TIME_UNKNOWN when a follower list gives no time */
};

/** suspension and reinstatement of an account. */
struct vg_moderation {
    const char *account; /* required */
    int64_t at;          /* required */
    const char *reason;  /* free text, or NULL */
};

/** A report (user report, ActivityPub Flag, trusted-flagger notice). */
struct vg_report {
    const char *id;       /* the report's own id, or NULL (then derived from the fields) */
    const char *reporter; /* account or organisation id; NULL when anonymous (e.g. a Flag) */
    const char *target;   /* required; the reported account id */
    struct vg_strv posts; /* reported post ids, if any */
    const char *reason;   /* free text, or NULL */
    int64_t at;           /* required */
};

/** A post or account that the platform says is gone (compliance streams, Delete activities). */
struct vg_deletion {
    const char *target;      /* required; post or account id */
    const char *target_type; /* "post" or "account" */
    int64_t at;              /* required */
    const char *reason;      /* "deleted", "protected", "deactivated", ... or NULL */
};

struct vg_event {
    enum vg_event_type type;
    const char *platform; /* "twitter", "mastodon", "activitypub", "fifth-tribe", or as given */

    union {
        struct vg_post post;             /* VG_EV_POST */
        struct vg_account account;       /* VG_EV_ACCOUNT */
        struct vg_edge edge;             /* VG_EV_FOLLOW, VG_EV_UNFOLLOW */
        struct vg_moderation moderation; /* VG_EV_SUSPENSION, VG_EV_REINSTATEMENT */
        struct vg_report report;         /* VG_EV_REPORT */
        struct vg_deletion deletion;     /* VG_EV_DELETION */
    } u;
};

/* ---------------------------------------------------------------------------------------------
 * The store. A path opens (creating if needed) a SQLite file; the schema is migrated on open.
 * ------------------------------------------------------------------------------------------ */
typedef struct vg_db vg_db;

/**
 * Open or create the store at `path` (a SQLite file path, or ":memory:").
 * Errors: VG_EBUSY (locked), VG_ESCHEMA (made by a newer vigie), VG_EDB, VG_EIO, VG_ENOMEM.
 * The message of a failure is logged and kept for vg_db_errmsg().
 */
VG_API VG_NODISCARD vg_status vg_db_open(const char *path, vg_db **out);
VG_API void vg_db_close(vg_db *db);
/** The last error message of this handle, or "" if none. Valid until the next call on db. */
VG_API const char *vg_db_errmsg(const vg_db *db);
/** The schema version the file is at. */
VG_API int vg_db_schema_version(const vg_db *db);
/** The version of the embedded SQLite library, e.g. "3.40.1". */
VG_API const char *vg_db_sqlite_version(void);

/** What storing one event did. */
enum vg_put_result {
    VG_PUT_NEW = 0,
    VG_PUT_DUPLICATE = 1,
    VG_PUT_UPDATED = 2
};

/**
 * Store one event, idempotently: an event already stored (same key, docs/events.md) changes
 * nothing and yields VG_PUT_DUPLICATE. An account event whose profile differs from the stored
 * one yields VG_PUT_UPDATED (the latest profile wins; a handle/name/bio change adds a history row).
 * Events are grouped in transactions of up to 50,000; call vg_db_flush() to commit the pending one.
 * Errors: VG_EFIELD when a required field is missing (the message names it), VG_EFULL, VG_EBUSY,
 * VG_EDB.
 */
VG_API VG_NODISCARD vg_status vg_db_put(vg_db *db, const struct vg_event *ev,
                                        enum vg_put_result *result);
/** Commit pending writes. */
VG_API VG_NODISCARD vg_status vg_db_flush(vg_db *db);

/**
 * Store statistics as one JSON object (docs/cli.md, `vigie stats`): counts, languages, date
 * range, top hashtags and domains. Ownership: *json_out is the caller's, free with vg_free().
 */
VG_API VG_NODISCARD vg_status vg_db_stats_json(vg_db *db, size_t top_n, char **json_out);

/** Free memory the library handed over. Accepts NULL. */
VG_API void vg_free(void *p);

/* ---------------------------------------------------------------------------------------------
 * Ingest: read records from a file or stream in any supported format and store their events.
 * ------------------------------------------------------------------------------------------ */

/** Input formats. "auto" sniffs each file. */
#define VG_FORMAT_MAP(X)                                                                           \
    X(AUTO, "auto", "detect per file")                                                             \
    X(NATIVE, "native", "vigie JSON lines (docs/events.md)")                                       \
    X(TWITTER_V1, "twitter-v1", "X/Twitter API v1.1 tweet objects, one per line")                  \
    X(TWITTER_V2, "twitter-v2", "X API v2 responses, twarc2 pages, flattened and stream lines")    \
    X(TWITTER_IDS, "twitter-ids", "v1.1 follower/friend id pages (needs --owner)")                 \
    X(MASTODON, "mastodon", "Mastodon REST Status and Account JSON")                               \
    X(ACTIVITYPUB, "activitypub", "ActivityPub activities: Create/Note, Flag, Follow, ...")        \
    X(FIFTH_TRIBE, "fifth-tribe", "Fifth Tribe CSV (name,username,...,time,tweets)")

enum vg_format {
#define VG__FORMAT_ENUM(name, text, doc) VG_FORMAT_##name,
    VG_FORMAT_MAP(VG__FORMAT_ENUM)
#undef VG__FORMAT_ENUM
    VG_FORMAT__COUNT
};

VG_API const char *vg_format_name(enum vg_format f);
VG_API vg_status vg_format_parse(const char *name, enum vg_format *out);

/** One rejected input record, as handed to the reject callback. */
struct vg_reject {
    const char *file;   /* input name ("-" for stdin) */
    uint64_t line;      /* 1-based line where the record starts; 0 if not line-based */
    uint64_t offset;    /* byte offset of the record in the (decompressed) input */
    int64_t item;       /* index of the item in a page or array, -1 if none */
    const char *format; /* reader that rejected it */
    const char *reason; /* names the field or the syntax problem */
    const char *raw;    /* the record, bounded to VG_REJECT_RAW_MAX bytes */
    size_t raw_len;
    int raw_truncated; /* 1 if raw was cut */
};

#define VG_REJECT_RAW_MAX 4096

/** Progress as seen so far in one input; called at most a few times a second. */
struct vg_progress {
    const char *file;
    uint64_t bytes_done;  /* compressed bytes read */
    uint64_t bytes_total; /* file size, 0 if unknown (stdin, pipes) */
    uint64_t records;
};

struct vg_ingest_summary {
    uint64_t read;                  /* input records: a JSON line, a CSV row, an item of a page */
    uint64_t accepted;              /* records that stored at least one new or changed event */
    uint64_t duplicates;            /* records whose events were all stored already */
    uint64_t rejected;              /* records that could not be turned into events */
    uint64_t by_type[VG_EV__COUNT]; /* new or changed events stored, per type */
    uint64_t files;                 /* inputs processed */
    /* With opts->media_dir (docs/events.md#media-hashes): media files hashed (avatar files
     * too), and media errors (a named file missing or unreadable, a symbolic link or anything
     * else that is not a regular file inside the folder, a photo that does not decode;
     * with or without media_dir, a malformed avatar_pdq, avatar_pdq_quality or avatar_file,
     * which is dropped); the records of all of them land. */
    uint64_t media_hashed, media_errors;
};

struct vg_ingest_opts {
    enum vg_format format; /* VG_FORMAT_AUTO by default */
    const char *owner;     /* account whose follower/friend ids a twitter-ids page lists */
    int owner_is_friends;  /* 1: the ids are accounts `owner` follows; 0: its followers */
    /* When the input was received, for records that carry no time of their own (Mastodon's
     * ActivityPub Flag and Delete). vg_ingest_opts_init() sets the current time; set a fixed
     * value to replay an input reproducibly. */
    int64_t received_at;
    /* Score every new post with this classifier and store the score beside it (table
     * post_scores); NULL: no scoring. Not owned. */
    struct vg_classifier *classifier;
    /* Called with each event that changed the store (a new post, follow, suspension...; an
     * account whose profile is new or changed), after it (and a post's score) is stored, in
     * input order: live detectors (storms, returning accounts) hang here. Duplicates are not
     * passed. Its memory is valid during the call only. Returning an error stops the input with
     * that error. NULL: nothing. */
    vg_status (*on_new_event)(const struct vg_event *ev, void *ud);
    void (*on_reject)(const struct vg_reject *r, void *ud);
    void (*on_progress)(const struct vg_progress *p, void *ud);
    void *ud;
    /* A folder of media files: a new post's media object lacking a hash is hashed from the file
     * it names (`file`, else `id`, under this folder; docs/events.md#media-hashes). The folder
     * is opened once per input (it may be a link); no name is followed out of it, and no
     * symbolic link under it is followed. Each error is logged naming file, line and field, and
     * counted in media_errors. NULL: nothing is read from disk. Not owned. */
    const char *media_dir;
};

/** Set *opts to defaults (auto format, received now, no callbacks). */
VG_API void vg_ingest_opts_init(struct vg_ingest_opts *opts);

/**
 * Read every record of `path` ("-" for stdin; gzip is detected by its magic bytes and
 * decompressed), convert it to events and store them in db, adding to *sum.
 * Bad records are rejected one by one through opts->on_reject and recorded in the store's
 * dead-letter table; records around them still land.
 * Returns VG_OK when the input was read to its end (even with rejected records), and an error
 * when it could not be: VG_ENOENT/VG_EIO (unreadable), VG_EGZIP (corrupt or truncated gzip:
 * records before the damage are kept), VG_EFORMAT (auto-detection failed), VG_EFULL, VG_EBUSY,
 * VG_EDB (the store failed; pending writes are rolled back and a re-run completes the job).
 */
VG_API VG_NODISCARD vg_status vg_ingest_path(vg_db *db, const char *path,
                                             const struct vg_ingest_opts *opts,
                                             struct vg_ingest_summary *sum);

/** The summary as the JSON object `vigie ingest` prints last. Ownership: free with vg_free(). */
VG_API VG_NODISCARD vg_status vg_ingest_summary_json(const struct vg_ingest_summary *sum,
                                                     char **json_out);

/**
 * Read `path` like vg_ingest_path() but store nothing: hand each event to on_event (in input
 * order) instead. `vigie convert` prints them as native JSON lines. In *sum, every record that
 * yields events counts as accepted (there is no store to find duplicates in).
 */
VG_API VG_NODISCARD vg_status vg_convert_path(const char *path, const struct vg_ingest_opts *opts,
                                              void (*on_event)(const struct vg_event *ev, void *ud),
                                              void *ud, struct vg_ingest_summary *sum);

/** The event as one native JSON object (docs/events.md). Ownership: free with vg_free(). */
VG_API VG_NODISCARD vg_status vg_event_to_json(const struct vg_event *ev, char **json_out);

/**
 * Detect the format of an input from its first bytes (decompressed). Returns VG_FORMAT_AUTO
 * when nothing matches.
 */
VG_API enum vg_format vg_format_detect(const char *head, size_t len);

/* ---------------------------------------------------------------------------------------------
 * Text: normalisation for matching and features, and language identification.
 * ------------------------------------------------------------------------------------------ */

/**
 * Normalise UTF-8 text for matching: HTML entities decoded, Unicode NFKC, case folding, Latin
 * accents and Arabic diacritics removed, tatweel removed, alef/ya/ta-marbuta forms unified,
 * Arabic-Indic digits to ASCII, runs of white space to one space, trimmed.
 * Ownership: *out is the caller's (vg_free). Errors: VG_EUTF8 (invalid input), VG_ELIMIT (input
 * over VG_TEXT_MAX bytes), VG_ENOMEM.
 */
VG_API VG_NODISCARD vg_status vg_text_normalize(const char *s, size_t len, char **out,
                                                size_t *out_len);

#define VG_TEXT_MAX (1u << 20)

/**
 * Canonical form of a URL for matching: scheme and host lower-cased, IDN host to punycode,
 * default port dropped, percent-encoding normalised, tracking parameters (utm_*, fbclid, gclid,
 * ...) and fragment removed, empty path as "/".
 * Ownership: *out is the caller's (vg_free). Errors: VG_EPARSE (not an absolute http(s) URL),
 * VG_ELIMIT (over 8 KiB), VG_ENOMEM.
 */
VG_API VG_NODISCARD vg_status vg_url_canonicalize(const char *url, size_t len, char **out);

/**
 * Identify the language of a text: "ar", "fr", "en" or another ISO 639-1 code the model knows,
 * or "und" when it cannot tell (too short, no letters). *confidence (may be NULL) is in [0,1].
 * Returns a static string.
 */
VG_API const char *vg_lang_identify(const char *s, size_t len, double *confidence);

/* ---------------------------------------------------------------------------------------------
 * Scoring posts: the propaganda classifier, EU TCO categories, threats (docs/classifier.md).
 * ------------------------------------------------------------------------------------------ */

/* EU Regulation 2021/784 (TCO) Art. 2(7) categories: bit, letter, name. */
#define VG_TCO_MAP(X)                                                                              \
    X(INCITEMENT, 'a', "incitement")                                                               \
    X(SOLICIT_COMMIT, 'b', "solicitation_commit")                                                  \
    X(SOLICIT_JOIN, 'c', "solicitation_join")                                                      \
    X(INSTRUCTION, 'd', "instruction")                                                             \
    X(THREAT, 'e', "threat")

enum vg_tco_category {
#define VG__TCO_ENUM(name, letter, text) VG_TCO_##name,
    VG_TCO_MAP(VG__TCO_ENUM)
#undef VG__TCO_ENUM
    VG_TCO__COUNT
};

/* Exempt-purpose cues (TCO Art. 1(3)): such posts go to human review, never straight to removal. */
#define VG_EXEMPT_NEWS     0x1u /* reporting */
#define VG_EXEMPT_RESEARCH 0x2u /* research, education */
#define VG_EXEMPT_COUNTER  0x4u /* counter-speech, condemnation */

/** A loaded model plus the scratch memory scoring needs. One per thread. */
typedef struct vg_classifier vg_classifier;

/**
 * Load a model file written by `vigie train` (docs/model-format.md).
 * Errors: VG_ENOENT/VG_EIO (unreadable), VG_EFORMAT (not a model, or a newer format), VG_EPARSE
 * (corrupt: the log says which field), VG_ENOMEM.
 */
VG_API VG_NODISCARD vg_status vg_classifier_open(const char *path, vg_classifier **out);
VG_API void vg_classifier_close(vg_classifier *c);
/** The model's id ("name@checksum"), stored beside every score it gives. Valid while c lives. */
VG_API const char *vg_classifier_model_id(const vg_classifier *c);
/** The model's metadata (training data, parameters, metrics) as a JSON object. */
VG_API const char *vg_classifier_meta_json(const vg_classifier *c);

/** What scoring one post gives. */
struct vg_post_score {
    double score;        /* calibrated probability of terrorist propaganda, 0..1 */
    int flagged;         /* score >= the model's threshold */
    double threshold;    /* that threshold */
    unsigned categories; /* bit (1u << enum vg_tco_category) per Art. 2(7) category found */
    double threat;       /* violent threat against an identifiable person or staff, 0..1 */
    int escalate;     /* threat >= VG_THREAT_ESCALATE: escalate (TCO Art. 14(5)), not just flag */
    unsigned exempt;  /* VG_EXEMPT_* cues found */
    const char *lang; /* the post's language as scored ("und" if unknown); static */
};

#define VG_THREAT_ESCALATE 0.5

/**
 * Score one post: normalise its text, extract hashed features, apply the model, match the TCO
 * category, threat and exemption patterns. Errors: VG_EUTF8, VG_ELIMIT (text over VG_TEXT_MAX),
 * VG_ENOMEM; out is zeroed on failure.
 */
VG_API VG_NODISCARD vg_status vg_post_score(vg_classifier *c, const struct vg_post *post,
                                            struct vg_post_score *out);

/**
 * The post's score as the JSON object `vigie classify` prints (docs/cli.md): id, lang, score,
 * flagged, categories (names), threat, escalate, exempt (names), and the top_n features that
 * pushed the score most, as reasons [{"feature":..., "weight":...}] (weight = the feature's
 * contribution to the margin). Ownership: *json_out is the caller's (vg_free).
 */
VG_API VG_NODISCARD vg_status vg_post_score_json(vg_classifier *c, const struct vg_post *post,
                                                 size_t top_n, char **json_out);

/** "incitement", ... for a category; NULL when out of range. */
VG_API const char *vg_tco_category_name(enum vg_tco_category c);
/** The Art. 2(7) letter 'a'..'e'; '?' when out of range. */
VG_API char vg_tco_category_letter(enum vg_tco_category c);

/* ---------------------------------------------------------------------------------------------
 * Simulated worlds (src/sim/, docs/sim.md).
 * ------------------------------------------------------------------------------------------ */

/**
 * The settings of a generated world. Every field has a default, bounds and a documented source in
 * one table (src/sim/sim_config.c, docs/sim.md); fill it with vg_sim_config_default() and change
 * it with vg_sim_config_set() or vg_sim_config_parse(), which check the bounds.
 */
struct vg_sim_config {
    uint64_t seed;     /* the PRNG seed: same seed + settings + texts = byte-identical output */
    uint64_t accounts; /* accounts at the start (more are created during the run) */
    uint64_t days;     /* simulated days after the start instant */
    char start[16];    /* first day, YYYY-MM-DD (UTC midnight) */
    uint64_t held_out_texts; /* 1: real texts only from the classifier corpus's TEST split */

    double supporter_share, supporter_lang_ar, supporter_lang_fr;
    uint64_t community_size;
    double insularity, supporter_followers, core_share, supporter_posts, core_posts;
    double repost_share, reply_share, audience_per_supporter;

    double background_followers, follower_sigma, background_posts, background_lang_ar;
    double background_lang_fr, background_new, follows_per_day, unfollows_per_day;
    double background_suspension;

    double news_share, news_followers, news_posts;
    double researcher_share, researcher_posts, counter_share, counter_posts;

    double suspension_rate, wave_prob, wave_fraction, return_prob, wave_return_prob;
    double return_delay_hours, regain, regain_decay;
    /* returns that break with the predecessor's look (0 by default): a new avatar URL; names of
     * their own (no mutation of the old ones, no "#k" in the bio) */
    double return_new_avatar, return_new_names;
    /* pictures (0 by default: no hash is written): the share of accounts whose avatar's PDQ
     * hash is given (avatar_pdq); the share of returns with a new avatar URL that also picked a
     * new picture (the others re-upload the old one, re-encoded) */
    double avatar_pdq_share, return_new_image;

    double storms_per_week;
    uint64_t storm_accounts;
    double storm_posts, storm_hours;

    double report_rate, false_report_rate;
    uint64_t snapshot_days;

    /* storm patterns and organic bursts (issue 5; all off by default) */
    double storm_copy_share, storm_bystanders;
    /* further storm patterns: shared hashtag sequence, co-retweet, synchronised timing */
    double storm_seq_share, storm_retweet_share, storm_sync_share;
    double bursts_per_week, burst_accounts, burst_hours;
    /* a grey zone: supporters following audience accounts (off by default) */
    double audience_followback;
};

/** Set every field of *cfg to its documented default. */
VG_API void vg_sim_config_default(struct vg_sim_config *cfg);

/**
 * Set one setting by name from its text form ("supporter_share", "0.001"). On failure *cfg is
 * unchanged and err (cap bytes, may be NULL) says why, naming the setting.
 * Errors: VG_EINVAL (unknown name, not a number, out of bounds, bad date).
 */
VG_API VG_NODISCARD vg_status vg_sim_config_set(struct vg_sim_config *cfg, const char *key,
                                                const char *value, char *err, size_t cap);

/**
 * Apply a config file's text: "key = value" lines, '#' starts a comment, blank lines skipped.
 * Settings before a bad line stay applied; err names the line.
 * Errors: VG_EPARSE (a line that is not "key = value", too long, NUL byte), VG_EINVAL (a bad
 * setting, see vg_sim_config_set).
 */
VG_API VG_NODISCARD vg_status vg_sim_config_parse(struct vg_sim_config *cfg, const char *text,
                                                  size_t len, char *err, size_t cap);

/** Account roles of a generated world (truth.json "role"); background accounts are not listed. */
enum vg_sim_role {
    VG_SIM_BACKGROUND = 0,
    VG_SIM_SUPPORTER,
    VG_SIM_NEWS,
    VG_SIM_RESEARCHER,
    VG_SIM_COUNTER,
    VG_SIM__ROLES
};

/** "background", "supporter", "news", "researcher", "counter"; NULL when out of range. */
VG_API const char *vg_sim_role_name(enum vg_sim_role role);

struct vg_sim_opts {
    /* ../shared/data-style directory whose datasets give the post texts (detect_corpus.c), or
       NULL for the small invented pool shipped in src/sim/sim_text_invented.c */
    const char *text_from;
    /* called after each simulated day (day counts from 1), and once before day 1 with 0 */
    void (*on_progress)(uint64_t day, uint64_t days, uint64_t events, void *ud);
    void *ud;
};

struct vg_sim_summary {
    uint64_t accounts_total;         /* accounts at the start plus those created */
    uint64_t by_type[VG_EV__COUNT];  /* events written, per type */
    uint64_t by_role[VG_SIM__ROLES]; /* accounts, per role (created ones included) */
    uint64_t initial_follows;        /* follow edges of the starting graph */
    uint64_t storms, returns, texts; /* storms, returned personas, texts in the pool */
    double seconds;                  /* wall clock of the whole run */
};

/**
 * Generate a world: write out_dir/events.jsonl (native events, docs/events.md, in time order)
 * and out_dir/truth.json (the planted ground truth, docs/sim.md). out_dir must exist. Memory is
 * bounded by the accounts (about 80 bytes each) and one day's events, not by the edges, which
 * are streamed. Errors: VG_EINVAL (inconsistent settings), VG_EIO (cannot write; the log names
 * the file), VG_ENOENT (text_from lacks a dataset), VG_ENOMEM.
 */
VG_API VG_NODISCARD vg_status vg_sim_run(const struct vg_sim_config *cfg,
                                         const struct vg_sim_opts *opts, const char *out_dir,
                                         struct vg_sim_summary *sum);

/* ---------------------------------------------------------------------------------------------
 * Networks: account scores, communities, reach (src/graph/, docs/networks.md).
 * ------------------------------------------------------------------------------------------ */

/**
 * The follow and interaction graph of a store, with what its accounts post, loaded in memory:
 * account ids become dense indexes 0..n-1 (in order of first appearance). Follows count as of
 * `before` (an unfollow later than a follow removes it); interactions are replies, reposts and
 * quotes (to the author of the post they answer) and mentions (to the account whose current
 * handle it is, case-insensitively). docs/networks.md describes the scoring.
 */
typedef struct vg_network vg_network;

struct vg_network_opts {
    int64_t before;        /* only data strictly before this instant; VG_TIME_UNKNOWN: all */
    int64_t activity_from; /* posts counted as activity from here (to `before`); UNKNOWN: all */
    double damping;        /* PPR: chance a walker follows a tie rather than jump home; 0.85 */
    double threshold;      /* accounts scoring at least this are community candidates; 0.5 */
};

/** Defaults: everything, damping 0.85, threshold 0.5. */
VG_API void vg_network_opts_init(struct vg_network_opts *opts);

/**
 * Load the network of db (opts NULL: defaults). Errors: VG_EDB and others from the store,
 * VG_ELIMIT (more than 2^32 - 2 accounts), VG_ENOMEM. Free with vg_network_free().
 */
VG_API VG_NODISCARD vg_status vg_network_load(vg_db *db, const struct vg_network_opts *opts,
                                              vg_network **out);
VG_API void vg_network_free(vg_network *net);
/** Accounts in the network. */
VG_API size_t vg_network_size(const vg_network *net);
/** The id of account i (0 <= i < size), or NULL. Valid while net lives. */
VG_API const char *vg_network_account_id(const vg_network *net, size_t i);
/** The index of an account id, or (size_t)-1 when the network does not know it. */
VG_API size_t vg_network_find(const vg_network *net, const char *id);

/**
 * Read a list of account ids from a file ("-": stdin): one per line, blank lines and lines
 * starting with '#' skipped, white space around an id trimmed. *ids is an array of n strings;
 * free it with vg_seeds_free(). Errors: VG_ENOENT/VG_EIO, VG_EUTF8, VG_EPARSE (a control
 * character inside an id; the log names the line), VG_ELIMIT (an id over 512 bytes, more than
 * 10 million ids).
 */
VG_API VG_NODISCARD vg_status vg_seeds_read(const char *path, char ***ids, size_t *n);
VG_API void vg_seeds_free(char **ids, size_t n);

/**
 * The known accounts expansion starts from. Ids the network does not know are counted in
 * *n_unknown (may be NULL) and otherwise ignored. Without a call, the seeds are the accounts
 * suspended as of `before`. Call before vg_network_score().
 */
VG_API VG_NODISCARD vg_status vg_network_set_seeds(vg_network *net, const char *const *ids,
                                                   size_t n, size_t *n_unknown);
/** How many seeds the network has (after set_seeds, or the suspended ones). */
VG_API size_t vg_network_n_seeds(const vg_network *net);

/**
 * Score every account: personalised PageRank from the seeds over follows and interactions, the
 * account's own posts (post_scores), and the share of its ties to seeds and flagged accounts,
 * combined as docs/networks.md says; then communities (Leiden, igraph) among accounts scoring
 * at least opts.threshold plus the seeds, described with hashtags and domains read from db.
 * Errors: VG_ENOMEM, store errors.
 */
VG_API VG_NODISCARD vg_status vg_network_score(vg_db *db, vg_network *net);
/** The account at `rank` (0 = highest score) after vg_network_score(); (size_t)-1 if none. */
VG_API size_t vg_network_ranked(const vg_network *net, size_t rank);
/** Account i's score in [0,1] (0 before scoring). */
VG_API double vg_network_score_of(const vg_network *net, size_t i);
/** Account i's community index (0 = largest), or -1 when it is not a candidate. */
VG_API int vg_network_community_of(const vg_network *net, size_t i);

/**
 * Account i as the JSON object `vigie accounts score` prints:
 * {"account","score","community","seed","suspended","content":{...},"network":{...},
 *  "reasons":[...]} with at most max_reasons reasons (posts and links to known accounts).
 * Ownership: *json is the caller's (vg_free).
 */
VG_API VG_NODISCARD vg_status vg_network_account_json(const vg_network *net, size_t i,
                                                      size_t max_reasons, char **json);
/** Counts of the scoring run as one JSON object. Ownership: the caller's (vg_free). */
VG_API VG_NODISCARD vg_status vg_network_summary_json(const vg_network *net, char **json);

/** Communities found by vg_network_score(), largest first. */
VG_API size_t vg_network_n_communities(const vg_network *net);
/**
 * Community k as one JSON object: id ("c1" for k = 0), size, seeds, lang, mean_score,
 * top_accounts (top_n by score), top_hashtags and top_domains (top_n each), and its reach.
 * Ownership: the caller's (vg_free).
 */
VG_API VG_NODISCARD vg_status vg_network_community_json(const vg_network *net, size_t k,
                                                        size_t top_n, char **json);

/**
 * Keep the communities vg_network_score() found in db, replacing what an earlier call kept
 * (tables community_run, communities, account_communities; docs/networks.md): each community
 * of two or more accounts (id "c1" for k = 0) with its size, seeds, language, mean score, top
 * hashtags and domains, and each member with its network score and rank in it. `at` is the
 * run's time (Unix seconds). One transaction. The case view (vg_case_json) shows the case
 * account's community from these. Errors: VG_EINVAL (net not scored), VG_ENOMEM, store errors.
 */
VG_API VG_NODISCARD vg_status vg_network_communities_store(vg_db *db, const vg_network *net,
                                                           int64_t at);

/** Reach of a set of accounts over the follow graph (docs/networks.md). */
struct vg_reach {
    uint64_t accounts;          /* accounts in the set the network knows */
    uint64_t unknown;           /* ids it does not know */
    uint64_t suspended;         /* of those known, suspended as of `before` */
    uint64_t unique_followers;  /* distinct accounts following at least one of the set */
    uint64_t followers_inside;  /* of those, members of the set */
    uint64_t follower_edges;    /* follows pointing at the set */
    uint64_t follower_edges_in; /* of those, from members of the set */
    double insularity;          /* follower_edges_in / follower_edges (0 if none) */
    double followers_mean;      /* per member, observed follows */
    double followers_median;
    uint64_t posts;           /* posts by members in [activity_from, before) */
    uint64_t active_accounts; /* members with at least one such post */
};

/**
 * Reach of the accounts `ids` (n of them), or of the seeds when ids is NULL. Errors: VG_ENOMEM.
 */
VG_API VG_NODISCARD vg_status vg_network_reach(const vg_network *net, const char *const *ids,
                                               size_t n, struct vg_reach *out);
/** The reach as one JSON object. Ownership: the caller's (vg_free). */
VG_API VG_NODISCARD vg_status vg_reach_json(const struct vg_reach *r, char **json);

/**
 * Planted truth of a generated world (truth.json of `vigie sim`, docs/sim.md): which accounts are
 * supporters, news, researcher or counter-speech accounts (the rest are background) and the
 * planted community of each. Read strictly: errors VG_ENOENT/VG_EIO, VG_EPARSE (not JSON, a wrong
 * type or value; the log names the field), VG_EFIELD (a missing field), VG_ELIMIT (over 256 MiB).
 */
typedef struct vg_truth vg_truth;
VG_API VG_NODISCARD vg_status vg_truth_read(const char *path, vg_truth **out);
VG_API void vg_truth_free(vg_truth *t);
/** Accounts the truth lists. */
VG_API size_t vg_truth_size(const vg_truth *t);

/** Detection quality of a scored network against the truth (docs/networks.md). Seeds are left
 * out of every figure; positives are the supporters. NaN where a figure is undefined. */
struct vg_account_eval {
    uint64_t accounts;      /* in the network */
    uint64_t truth_unknown; /* listed in the truth, unknown to the network */
    uint64_t seeds, seed_supporters;
    uint64_t evaluated, positives; /* accounts other than seeds; supporters among them */
    double prevalence;             /* positives / evaluated */
    double roc_auc, pr_auc;        /* pr_auc: average precision */
    double precision_at_recall_70, recall_at_precision_95;
    uint64_t top_p_supporters; /* among the P best-scored evaluated accounts (P = positives) */
    uint64_t top_p_false_positives[5]; /* of those, by role: background, -, news, researcher,
                                          counter (index 1 is always 0) */
    uint64_t planted_communities, detected_communities;
    double community_f1; /* mean over planted communities of the best F1 of a detected one */
};

/** Measure the scored network (after vg_network_score) against t. Errors: VG_EINVAL, VG_ENOMEM,
 * VG_ELIMIT (over 64 Mi planted x detected community pairs). */
VG_API VG_NODISCARD vg_status vg_network_eval(const vg_network *net, const vg_truth *t,
                                              struct vg_account_eval *out);
/**
 * Make k supporters of the truth (that the network knows) the seeds, picked uniformly with our
 * own PRNG (splitmix64) from *rng_state, which advances. *picked gets min(k, supporters known).
 */
VG_API VG_NODISCARD vg_status vg_network_seed_supporters(vg_network *net, const vg_truth *t,
                                                         size_t k, uint64_t *rng_state,
                                                         size_t *picked);
/** The evaluation as one JSON object (NaN as null). Ownership: the caller's (vg_free). */
VG_API VG_NODISCARD vg_status vg_account_eval_json(const struct vg_account_eval *e, char **json);
/** Mean, min and max of the rate figures of n runs, as one JSON object
 * {"roc_auc":{"mean","min","max"},...}. Ownership: the caller's (vg_free). */
VG_API VG_NODISCARD vg_status vg_account_eval_spread_json(const struct vg_account_eval *runs,
                                                          size_t n, char **json);

/**
 * Read a weights file for the account score (written by vg_network_fit, `vigie accounts fit`):
 * "bias = x" and "<feature> = x" lines (features: docs/networks.md, "The score"); a feature the
 * file does not name gets weight 0. Call before vg_network_score. Errors: VG_ENOENT/VG_EIO,
 * VG_EPARSE/VG_EINVAL (err, cap bytes, names the file and line), VG_ENOMEM; net unchanged.
 */
VG_API VG_NODISCARD vg_status vg_network_weights_read(vg_network *net, const char *path, char *err,
                                                      size_t cap);

struct vg_fit_summary {
    uint64_t examples;  /* non-seed accounts of all networks */
    uint64_t positives; /* of them, supporters in the truth */
};

/**
 * Fit the account score's weights on n_nets networks (seeds set, vg_network_score not needed)
 * with the truth of each (truths[i] for nets[i]): L2 logistic regression (liblinear, cost C)
 * of "supporter" on the features of every non-seed account. *weights_text gets a weights file
 * for vg_network_weights_read (the caller's, vg_free). Errors: VG_EINVAL (bad C, no supporter or
 * no other account), VG_ENOMEM, and those of scoring.
 */
VG_API VG_NODISCARD vg_status vg_network_fit(vg_network *const *nets, const vg_truth *const *truths,
                                             size_t n_nets, double C, char **weights_text,
                                             struct vg_fit_summary *sum);

/* @@network-over-time: snapshots, personas, survival, what-if suspensions (issue 4) @@ */

/*
 * Over time and what-if (src/graph/graph_timeline.c, graph_whatif.c; docs/networks.md "Over
 * time" and "What-if suspensions"). Every analysis below is about a *set* of accounts given as
 * ids: a list from a file, the supporters of a truth.json, or the seeds or community candidates
 * of a loaded network.
 */

/**
 * What loading the network counted, without the scoring run's fields (for reports that do not
 * score): {"accounts":..,"follows":..,"suspended":..,"before":..}. Ownership: the caller's.
 */
VG_API VG_NODISCARD vg_status vg_network_load_summary_json(const vg_network *net, char **json);

/** Which accounts of a loaded network form a set. */
enum vg_network_set {
    VG_SET_SEEDS,      /* the seeds (vg_network_set_seeds, else the suspended accounts) */
    VG_SET_CANDIDATES, /* the seeds plus the accounts scoring at least opts.threshold, as
                          vg_network_score() picks community candidates (call it first) */
};

/**
 * The ids of a set, in network order. *ids is an array of *n ids owned by the network (valid
 * while it lives); free the array itself with vg_free(). Errors: VG_EINVAL (candidates of a
 * network not scored), VG_ENOMEM.
 */
VG_API VG_NODISCARD vg_status vg_network_set_ids(const vg_network *net, enum vg_network_set which,
                                                 const char ***ids, size_t *n);

/**
 * The accounts the truth lists with `role` ("supporter", "news", "researcher", "counter"), in
 * the order listed. *ids (valid while t lives) is freed with vg_free(). Errors: VG_EINVAL (an
 * unknown role), VG_ENOMEM.
 */
VG_API VG_NODISCARD vg_status vg_truth_ids(const vg_truth *t, const char *role, const char ***ids,
                                           size_t *n);

/** One account of a persona (the person or group behind successive accounts). */
struct vg_persona_link {
    const char *account;
    const char *persona;
};

/**
 * The (account, persona) pairs of a truth (accounts with a "persona" field). The strings are
 * owned by t; free *links with vg_free(). Errors: VG_ENOMEM.
 */
VG_API VG_NODISCARD vg_status vg_truth_personas(const vg_truth *t, struct vg_persona_link **links,
                                                size_t *n);

/**
 * A set of accounts through time: for each member its first sighting (profile first_seen, else
 * its earliest dated follow or moderation row), its suspensions and reinstatements, and every
 * follow and unfollow pointing at it with its instant (undated ones count as the earliest), read
 * from db before `before` (VG_TIME_UNKNOWN: all).
 * Members the store has never seen are counted (vg_timeline_unknown) and left out. Memory: about
 * 24 bytes per follow or unfollow row pointing at a member.
 */
typedef struct vg_timeline vg_timeline;

/** Load the timeline of the n accounts `ids`. Errors: store errors, VG_ENOMEM. */
VG_API VG_NODISCARD vg_status vg_timeline_load(vg_db *db, const char *const *ids, size_t n,
                                               int64_t before, vg_timeline **out);
VG_API void vg_timeline_free(vg_timeline *tl);
/** Members the store knows, and ids it has never seen. */
VG_API size_t vg_timeline_size(const vg_timeline *tl);
VG_API size_t vg_timeline_unknown(const vg_timeline *tl);

/**
 * The set as of one instant `to`, with what happened in [from, to). Alive members are those
 * first seen before `to` whose latest moderation event before `to` is not a suspension; reach
 * figures are over them, with followers as of `to` (as struct vg_reach: latest follow against
 * latest unfollow).
 */
struct vg_snapshot {
    int64_t from, to;
    uint64_t alive;   /* members alive at `to` */
    uint64_t created; /* members first seen in [from, to), not at the data's first instant */
    uint64_t suspensions, reinstatements; /* moderation events of members in [from, to) */
    uint64_t unique_followers;            /* distinct followers of the alive members */
    uint64_t followers_inside;            /* of those, alive members */
    uint64_t follower_edges, follower_edges_in;
    double insularity; /* follower_edges_in / follower_edges (0 if none) */
    double followers_mean, followers_median;
    uint64_t posts;           /* posts of members (alive or not) in [from, to) */
    uint64_t active_accounts; /* members with at least one of them */
};

/** Compute one snapshot (posts read from db). Errors: VG_EINVAL (from >= to), store errors,
 * VG_ENOMEM. */
VG_API VG_NODISCARD vg_status vg_timeline_snapshot(vg_db *db, const vg_timeline *tl, int64_t from,
                                                   int64_t to, struct vg_snapshot *out);
/** {"snapshot":from,"to":..,"alive":..,...} Ownership: the caller's (vg_free). */
VG_API VG_NODISCARD vg_status vg_snapshot_json(const struct vg_snapshot *s, char **json);

/** Followers regained by the k-th account of personas (k = 1: the first). */
#define VG_PERSONA_MAX_RETURNS 8

struct vg_persona_return {
    uint64_t accounts;     /* personas with a k-th account */
    uint64_t live_at_end;  /* of those accounts, not suspended by the end (figure censored) */
    double followers_mean; /* followers at its first suspension, else at the end */
    double followers_median;
    double share_of_first;  /* mean over personas of followers(k) / followers(1), NaN if none */
    uint64_t share_counted; /* personas whose first account had followers */
};

struct vg_persona_stats {
    uint64_t personas, accounts; /* counted: accounts the timeline knows */
    uint64_t unknown;            /* pairs whose account the timeline does not know */
    uint64_t deeper;             /* accounts beyond the VG_PERSONA_MAX_RETURNS-th */
    size_t n_returns;            /* entries of returns[] used */
    struct vg_persona_return returns[VG_PERSONA_MAX_RETURNS];
};

/**
 * Per persona across its returns: the accounts of each persona in order of first sighting, each
 * with the followers it had at its first suspension (else at the end of the timeline). `line`
 * (may be NULL) receives one JSON object per persona with two or more accounts:
 * {"persona":..,"accounts":[{"account","first_seen","suspended","followers"},..]}; *stats the
 * aggregate by position. Accounts the timeline does not know are counted and skipped. Errors:
 * VG_ENOMEM, or what `line` returns.
 */
VG_API VG_NODISCARD vg_status vg_timeline_personas(const vg_timeline *tl,
                                                   const struct vg_persona_link *links, size_t n,
                                                   vg_status (*line)(const char *json, void *ud),
                                                   void *ud, struct vg_persona_stats *stats);
/** The stats as {"personas":..,"returns":[{"k":1,...},..]}. Ownership: the caller's. */
VG_API VG_NODISCARD vg_status vg_persona_stats_json(const struct vg_persona_stats *s, char **json);

/**
 * Suspension survival of the members first seen in [from, to): the share suspended within 48
 * hours and within 3 months (90 days) of first sighting. Members first seen at the first instant
 * of the data (the earliest first_seen of any account in the store) are left out: they were
 * already there, their creation is unknown (left-censored). Right censoring: `share` counts
 * only the accounts first seen at least the horizon before the end of the data (the timeline's
 * `before`), suspended or not (`followed_up`); the Kaplan-Meier estimate uses every account up to
 * its suspension or the end of the data, and is NaN beyond the longest follow-up (unless every
 * account was suspended by then).
 */
struct vg_survival_horizon {
    int64_t seconds;
    uint64_t suspended;   /* of followed_up, suspended within the horizon */
    uint64_t followed_up; /* first seen at least the horizon before the end of the data */
    double share;         /* suspended / followed_up, NaN if none */
    double km_share;      /* 1 - Kaplan-Meier survival at the horizon, NaN if undefined */
};

struct vg_survival {
    int64_t from, to, data_start, data_end;
    uint64_t created;       /* members first seen in [from, to), after data_start */
    uint64_t left_censored; /* members first seen at data_start, inside the window */
    struct vg_survival_horizon h48, h90d;
};

VG_API VG_NODISCARD vg_status vg_timeline_survival(const vg_timeline *tl, int64_t from, int64_t to,
                                                   struct vg_survival *out);
VG_API VG_NODISCARD vg_status vg_survival_json(const struct vg_survival *s, char **json);

/**
 * What-if suspensions: which `budget` accounts of a set to suspend to cut its reach (unique
 * followers of its live members, as vg_network_reach counts them) the most.
 *   VG_WHATIF_COVERAGE   greedy maximum coverage of the picks' followers, lazy (CELF): the
 *                        picks together reach at least (1 - 1/e) of the best possible K
 *   VG_WHATIF_REMOVAL    greedy on the reach actually removed (followers left with no live
 *                        followee in the set); exact gains, no approximation guarantee
 *   VG_WHATIF_FOLLOWERS  the naive baseline: the K with the most followers
 */
enum vg_whatif_rank {
    VG_WHATIF_COVERAGE,
    VG_WHATIF_REMOVAL,
    VG_WHATIF_FOLLOWERS
};

struct vg_whatif_pick {
    size_t account;     /* network index (vg_network_account_id) */
    uint64_t followers; /* its followers */
    uint64_t gain;      /* the ranking's marginal gain when picked (followers, for FOLLOWERS) */
    uint64_t removed;   /* reach lost when it is suspended after the earlier picks */
};

struct vg_whatif {
    uint64_t accounts;          /* ids the network knows */
    uint64_t unknown;           /* ids it does not know */
    uint64_t already_suspended; /* known but suspended as of `before`: not candidates */
    uint64_t reach_before;      /* unique followers of the live members */
    uint64_t reach_after;       /* after suspending every pick */
    uint64_t coverage;          /* unique followers of the picks */
    uint64_t gain_evaluations;  /* marginal gains computed (CELF saves most of K x accounts) */
    size_t n_picks;
    struct vg_whatif_pick *picks;
};

/** Rank and simulate. Errors: VG_EINVAL, VG_ENOMEM. Release with vg_whatif_release(). */
VG_API VG_NODISCARD vg_status vg_network_whatif(const vg_network *net, const char *const *ids,
                                                size_t n, size_t budget, enum vg_whatif_rank rank,
                                                struct vg_whatif *out);
VG_API void vg_whatif_release(struct vg_whatif *w);
/** Pick i as {"rank":i+1,"account":..,"followers":..,"gain":..,"removed":..,"reach_left":..}.
 * Ownership: the caller's. */
VG_API VG_NODISCARD vg_status vg_whatif_pick_json(const vg_network *net, const struct vg_whatif *w,
                                                  size_t i, char **json);
/** Name of a ranking: "coverage", "removal", "followers". */
VG_API const char *vg_whatif_rank_name(enum vg_whatif_rank rank);

/* @@returns: returning accounts (issue 5) @@ */

/* ---------------------------------------------------------------------------------------------
 * Returning accounts (src/link/, docs/returns.md): a new account linked to the suspended
 * account it replaces, from its names (robust to digit suffixes, look-alike characters,
 * Arabic/Latin transliteration, reordered parts), bio, avatar URL, follow sets (MinHash),
 * shout-out posts naming it or the old handle, and the time since the suspension.
 * ------------------------------------------------------------------------------------------ */

/** An account as the returning-accounts index sees it. Every string is borrowed. */
struct vg_return_account {
    const char *id;                               /* required */
    const char *handle, *name, *bio, *avatar_url; /* NULL when unknown */
    const char *const *following;                 /* ids of the accounts it follows */
    size_t n_following;
    const char *const *followers; /* ids of the accounts that follow it */
    size_t n_followers;
    int64_t first_seen; /* its first sighting; VG_TIME_UNKNOWN if not known */
    /* The avatar's PDQ hash (64 hex digits) or NULL, and its quality (0..100; -1: unknown).
     * Hashes of quality under VG_PDQ_MIN_QUAL, or not 64 hex digits, are ignored. */
    const char *avatar_pdq;
    int avatar_pdq_quality;
};

/**
 * The index of suspended accounts that new accounts are matched against, updated one account
 * at a time, so that ingest can keep it live. Memory: about 800 bytes per account (postings
 * included; bench/bench_returns: 760 MB with 1 million).
 */
typedef struct vg_return_index vg_return_index;

/** A new, empty index. Errors: VG_ENOMEM. Free with vg_return_index_free(). */
VG_API VG_NODISCARD vg_status vg_return_index_new(vg_return_index **out);
VG_API void vg_return_index_free(vg_return_index *ix);
/** Suspended accounts indexed (reinstated ones excluded). */
VG_API size_t vg_return_index_size(const vg_return_index *ix);
/**
 * Index a suspended account as it was when suspended (at `suspended_at`). The account is
 * copied. An id indexed before is replaced. Errors: VG_EINVAL (no id), VG_ELIMIT (over 2^31
 * accounts or 4 GiB of names), VG_ENOMEM.
 */
VG_API VG_NODISCARD vg_status vg_return_index_add(vg_return_index *ix,
                                                  const struct vg_return_account *a,
                                                  int64_t suspended_at);
/** Take a reinstated account out of the index (nothing when it is not in). */
VG_API void vg_return_index_remove(vg_return_index *ix, const char *id);

/** A suspended account that a new account may replace. */
struct vg_return_candidate {
    const char *replaces; /* the suspended account's id; valid while the index lives */
    double score;         /* in [0, 1]; docs/returns.md gives the formula */
};

/**
 * The suspended accounts `a` may replace, best first, at most `max` of them in out (*n of them):
 * those suspended before `now` that share a name key, a name part, the avatar (its URL, or a
 * picture whose PDQ hash is within 31 bits of a's) or a band of a follow-set signature with a,
 * scored on every signal. Shout-out posts are not known to the
 * index: the batch (vg_returns_run) adds them. Errors: VG_EINVAL (no id), VG_ENOMEM.
 */
VG_API VG_NODISCARD vg_status vg_return_index_query(vg_return_index *ix,
                                                    const struct vg_return_account *a, int64_t now,
                                                    struct vg_return_candidate *out, size_t max,
                                                    size_t *n);

/** Signals a batch can be told to ignore, to measure what each contributes (ablation). */
enum {
    VG_RETURN_NO_NAMES = 1,   /* handle and display name */
    VG_RETURN_NO_BIO = 2,     /* bio */
    VG_RETURN_NO_AVATAR = 4,  /* avatar URL and PDQ hash */
    VG_RETURN_NO_FOLLOWS = 8, /* follow sets, both directions */
    VG_RETURN_NO_POSTS = 16   /* shout-outs and posts naming the old handle */
};

/** Options of the batch over a store. */
struct vg_returns_opts {
    int64_t before;   /* only data strictly before this instant; VG_TIME_UNKNOWN: all */
    double threshold; /* a link is made when the best candidate scores at least this; 0.5 */
    unsigned without; /* VG_RETURN_NO_* signals ignored; 0 */
    /* A new account is matched for this many seconds from its first action, then forgotten:
     * no link after that, and its matching state (about 2.5 KB) is freed; what the evaluation
     * needs stays. 0 (the default): for as long as the data lasts. A live deployment sets it
     * (vigie ingest --returns: 24 hours, the early window's). */
    int64_t track_secs;
};

VG_API void vg_returns_opts_init(struct vg_returns_opts *opts);

/** The result of a batch: links and, for measuring, the score of every new account. */
typedef struct vg_returns vg_returns;

/**
 * Replay the store in time order (account identities, follows, posts, suspensions and
 * reinstatements): suspended accounts enter the index as they were when suspended; each account
 * first seen after the start of the data is matched each time it or others act on it (its
 * profile, its posts and follows, follows to it, posts naming it), and linked to its best
 * candidate the first time that one scores at least the threshold; the link records that
 * instant. Links chain into personas (the first account of each chain names the persona).
 * Errors: store errors, VG_ELIMIT, VG_ENOMEM. Free with vg_returns_free().
 */
VG_API VG_NODISCARD vg_status vg_returns_run(vg_db *db, const struct vg_returns_opts *opts,
                                             vg_returns **out);
VG_API void vg_returns_free(vg_returns *r);
/** Links made, in the order they were made. */
VG_API size_t vg_returns_n_links(const vg_returns *r);
/** When link i was made (simulated time). */
VG_API int64_t vg_returns_link_time(const vg_returns *r, size_t i);
/** The account link i names (owned by r; NULL when i is out of range). */
VG_API const char *vg_returns_link_account(const vg_returns *r, size_t i);
/**
 * Link i as one JSON object: {"account","replaces","score","persona","linked_at",
 * "first_seen","followers_at_link","evidence":[{"kind",...},...]}. Ownership: the caller's
 * (vg_free).
 */
VG_API VG_NODISCARD vg_status vg_returns_link_json(const vg_returns *r, size_t i, char **json);
/** Counts of the run as one JSON object. Ownership: the caller's (vg_free). */
VG_API VG_NODISCARD vg_status vg_returns_summary_json(const vg_returns *r, char **json);
/**
 * Store the links in db, replacing those a previous run stored (table return_links,
 * docs/store.md). Errors: store errors.
 */
VG_API VG_NODISCARD vg_status vg_returns_store(vg_db *db, const vg_returns *r);

/**
 * Live linking: replay the store as vg_returns_run() does, then go on with each event handed to
 * vg_returns_feed() (an ingest's on_new_event hook), in time order. A link made by an event is
 * appended to the links (vg_returns_n_links() grows) and stamped with the event's time; store
 * it with vg_returns_store_link(). Accounts, posts naming someone and follow lists stay in
 * memory as in the batch. Errors: as vg_returns_run(). Free with vg_returns_free().
 */
VG_API VG_NODISCARD vg_status vg_returns_start(vg_db *db, const struct vg_returns_opts *opts,
                                               vg_returns **out);
/**
 * Apply one event (profiles, follows, posts, suspensions and reinstatements; other kinds are
 * ignored). An event earlier than one already fed is applied at its own time and counted late:
 * the batch, which sorts, may then differ. Errors: VG_EINVAL (r not started live), VG_ENOMEM,
 * VG_ELIMIT.
 */
VG_API VG_NODISCARD vg_status vg_returns_feed(vg_returns *r, const struct vg_event *ev);
/** Events fed live, and how many of them came earlier than one fed before. */
VG_API void vg_returns_live_counts(const vg_returns *r, uint64_t *events, uint64_t *late);
/**
 * Store link i (replacing a stored link of the same account) within the store's pending batch
 * of writes: an ingest commits it with the events that made it. Errors: VG_EINVAL, store errors.
 */
VG_API VG_NODISCARD vg_status vg_returns_store_link(vg_db *db, const vg_returns *r, size_t i);

struct vg_actor; /* who acts: the casework section below */

/** What vg_returns_reject() did. */
struct vg_return_rejection {
    char replaces[512]; /* the account the link named (given, or the stored link's) */
    int already;        /* the pair was rejected before (nothing changed, nothing audited) */
    int removed;        /* the stored link of the account to it was deleted */
    int64_t personas;   /* links given another persona: the persona the link merged, split */
};

/**
 * A reviewer's verdict that account does not replace `replaces` (docs/returns.md, "Reviewing
 * a link"): the pair is kept (table return_rejections) and never linked again by
 * vg_returns_run() or live linking started after it (candidates rejected for an account are
 * passed over, so the next best may be linked); the stored link, when it is that one, is
 * deleted and the links that came through it get the persona their chain now leads to. With
 * replaces NULL, the account's stored link is the one rejected. note (NULL: none) is kept with
 * it. One transaction with an audit entry "returns.reject" (object "account:ID"); a pair
 * rejected before changes nothing and writes no entry. Errors: VG_EINVAL, VG_ENOENT (replaces
 * NULL and no stored link), VG_ELIMIT (an id over 511 bytes), store errors.
 */
VG_API VG_NODISCARD vg_status vg_returns_reject(vg_db *db, const struct vg_actor *by,
                                                const char *account, const char *replaces,
                                                const char *note, struct vg_return_rejection *out);

/** Quality of a batch against the planted truth of a generated world (docs/returns.md). */
struct vg_returns_eval {
    uint64_t new_accounts;            /* first seen after the start of the data */
    uint64_t children, ordinary;      /* of those: planted returns (truth `replaces`), the others */
    double roc_auc;                   /* early score, children against ordinary new accounts */
    double mrr, top1;                 /* rank of the true parent among the early candidates */
    double mrr_at_link, top1_at_link; /* among the candidates the link was made with (the last
                                         evaluation's for a child never linked) */
    uint64_t linked_children;         /* children linked (to any account) */
    uint64_t linked_right;            /* of those, to their true parent */
    uint64_t false_links;             /* links of ordinary new accounts */
    double false_links_per_10k;       /* false_links per 10,000 ordinary new accounts */
    double median_delay_s;            /* child's first action to its link (linked children) */
    double median_delay_shout_s;      /* first shout-out naming the child to its link */
    double median_delay_named_s;      /* the child's own first post naming the suspended account
                                         it names to its link (0 when the link came first) */
    uint64_t with_shout;              /* linked children named by a shout-out */
    double mean_followers_at_link;    /* followers the child had regained when linked */
    double mean_followers_final;      /* followers it had at the end of the data */
};

/**
 * Measure r against truth.json (`vigie sim`): the early score of a new account is its score
 * after its first 5 actions or 24 hours from its first action, whichever comes first.
 * Errors: VG_ENOENT/VG_EIO, VG_EPARSE or VG_EFIELD (the log names the field), VG_ELIMIT (file
 * over 256 MiB), VG_ENOMEM.
 */
VG_API VG_NODISCARD vg_status vg_returns_eval(const vg_returns *r, const char *truth_path,
                                              struct vg_returns_eval *out);
/** The evaluation as one JSON object (NaN as null). Ownership: the caller's (vg_free). */
VG_API VG_NODISCARD vg_status vg_returns_eval_json(const struct vg_returns_eval *e, char **json);
/**
 * The misses of an evaluation as JSON lines into *text, one per child not linked to its true
 * parent and per false link: {"miss":"unlinked"|"wrong_parent"|"false_link","account",...}.
 * Ownership: the caller's (vg_free).
 */
VG_API VG_NODISCARD vg_status vg_returns_misses_json(const vg_returns *r, const char *truth_path,
                                                     char **text);

/* @@storms: storms and coordination (issue 5) @@ */

/* ---------------------------------------------------------------------------------------------
 * Storms: streaming detection of coordinated hashtag storms (src/storm/, docs/storms.md).
 * ------------------------------------------------------------------------------------------ */

/**
 * A storm detector. Posts are fed in time order; an alert comes out (through on_alert) as soon as
 * a hashtag bursts against its own baseline (an exponentially weighted rate, scaled by the
 * time-of-day profile of all posts; a Poisson tail test over a sliding window) AND the burst's
 * posts show coordination: a fresh link shared by many of its accounts, or fresh near-identical
 * texts (MinHash of the words) posted by many accounts. Organic bursts (many accounts, each in
 * its own words, no shared link) raise no alert. Memory is bounded by the keys (hashtags, links,
 * domains, text sketches) seen within about a day and the posts within one window.
 */
typedef struct vg_storms vg_storms;

/** An alert: raised (final = 0) when first detected, then once more when it ends (final = 1,
 * complete lists). Strings and arrays are valid during the callback only. */
struct vg_storm_alert {
    uint64_t id;                 /* 1, 2, ... in order of detection */
    int final;                   /* 0: raised now; 1: the storm ended (or the input did) */
    const char *hashtag;         /* normalised (lower case), without '#' */
    const char *const *hashtags; /* hashtags[0] = hashtag, then other hashtags whose bursts
                                    carried the same markers (the same campaign), at most 8 */
    const int64_t *joined_at;    /* when each hashtag joined (joined_at[0] = detected_at) */
    size_t n_hashtags;
    const char *link;            /* the shared link, or NULL (a copy storm) */
    const char *sample_text;     /* a text of the storm */
    int64_t onset;               /* first post of the hashtag in the window that fired */
    int64_t detected_at;         /* time of the post that raised it */
    int64_t last_at;             /* latest post of the hashtag seen */
    uint64_t posts;              /* posts of the hashtag since the onset */
    uint64_t window_posts;       /* posts of the hashtag in the window when raised */
    double expected;             /* the baseline's expectation for that window */
    double log10_p;              /* -log10 of the Poisson tail probability of window_posts */
    double coord_share;          /* share of the window's posts carrying the storm's markers */
    uint32_t copy_markers;       /* text sketches that mark the storm's copies (0: link only) */
    uint32_t sequence_markers;   /* hashtag pairs of a shared hashtag sequence */
    uint32_t coretweet_markers;  /* originals retweeted together by its accounts (0, or >= 3) */
    int synchronised;            /* its posts came in synchronised waves */
    const char *const *accounts; /* accounts that posted the hashtag with a marker */
    size_t n_accounts;
    const uint32_t *growth; /* posts of the hashtag per 10 minutes from the onset */
    size_t n_growth;
};

struct vg_storm_opts {
    double window_minutes; /* sliding window of the burst and coordination tests (30) */
    double baseline_hours; /* time constant of a key's baseline rate (24) */
    double prior_per_day;  /* rate assumed for a key never seen (1 post a day) */
    double burst_log10p;   /* a burst: Poisson tail below 10^-x (10) */
    double fresh_log10p;   /* a marker (link, text sketch) is fresh: tail below 10^-x (6) */
    double coord_share;    /* share of the window's posts that must carry markers (0.3) */
    /* Distinct accounts with markers needed (10); half of it (at least 3) when the co-retweets
     * within minutes are improbable beyond 10^-burst_log10p (docs/storms.md). */
    uint32_t min_accounts;
    double close_minutes; /* an alert ends after this long without its hashtag (60) */
    int64_t alerts_from;  /* no alert raised before this instant (VG_TIME_UNKNOWN: none) */
    void (*on_alert)(const struct vg_storm_alert *a, void *ud);
    void *ud;
    /* Optional (NULL: not called): an open alert already reported has gained accounts, which
     * on_alert would hear of only at the storm's end: the alert as it is now, its accounts
     * [from, n_accounts) the new ones (a live queue of a storm's accounts, docs/cases.md). */
    void (*on_join)(const struct vg_storm_alert *a, size_t from, void *ud);
};

/** Fill *o with the defaults above. */
VG_API void vg_storm_opts_init(struct vg_storm_opts *o);
/** Errors: VG_EINVAL (an option out of range), VG_ENOMEM. */
VG_API VG_NODISCARD vg_status vg_storms_new(const struct vg_storm_opts *o, vg_storms **out);
VG_API void vg_storms_free(vg_storms *s);
/**
 * Feed one post (id, account, created_at, text, hashtags, urls, repost_of are read; nothing is
 * kept past the call but what the detector needs). Posts must come in non-decreasing time order.
 * Errors: VG_EINVAL (missing account, or a post earlier than the previous one), VG_ENOMEM.
 */
VG_API VG_NODISCARD vg_status vg_storms_feed(vg_storms *s, const struct vg_post *post);
/** End of input: every open alert is reported final. Errors: VG_ENOMEM. */
VG_API VG_NODISCARD vg_status vg_storms_finish(vg_storms *s);

/** Posts fed, alerts raised, keys held now and at most. */
struct vg_storms_stats {
    uint64_t posts, alerts, keys, peak_keys;
};

VG_API void vg_storms_stats(const vg_storms *s, struct vg_storms_stats *out);
/** One alert as a JSON object (docs/storms.md). Ownership: the caller's (vg_free). */
VG_API VG_NODISCARD vg_status vg_storm_alert_json(const struct vg_storm_alert *a, char **json);
/**
 * Feed the stored posts created at or after `since` (VG_TIME_UNKNOWN: all) and before `before`
 * (VG_TIME_UNKNOWN: no limit) to s, in time order, then vg_storms_finish. *n_posts (may be NULL)
 * gets the posts fed. Errors: those of the store and of vg_storms_feed.
 */
VG_API VG_NODISCARD vg_status vg_storms_replay(vg_db *db, int64_t since, int64_t before,
                                               vg_storms *s, uint64_t *n_posts);
/**
 * Store an alert (tables storm_alerts and storm_accounts, docs/storms.md) within the store's
 * pending batch of writes, keyed by its hashtag and onset: the final version of an alert, or the
 * same alert from a later run, updates the row and adds its accounts. Call it from the on_alert
 * callback. Errors: VG_ENOMEM, store errors.
 */
VG_API VG_NODISCARD vg_status vg_storm_alert_store(vg_db *db, const struct vg_storm_alert *a);

/**
 * The storms and organic bursts planted in a generated world (the "storms" and "bursts" of
 * truth.json, docs/sim.md). Read strictly: errors VG_ENOENT/VG_EIO, VG_EPARSE (the log names the
 * field), VG_EFIELD (a missing field), VG_ELIMIT (over 256 MiB).
 */
typedef struct vg_storm_truth vg_storm_truth;
VG_API VG_NODISCARD vg_status vg_storm_truth_read(const char *path, vg_storm_truth **out);
VG_API void vg_storm_truth_free(vg_storm_truth *t);

/** Storm patterns of the generator (truth.json "pattern"). */
enum vg_storm_pattern {
    VG_STORM_LINK = 0,
    VG_STORM_COPY,
    VG_STORM_SEQ,     /* own words, one shared sequence of campaign hashtags */
    VG_STORM_RETWEET, /* a few originals, retweeted by the storm's other accounts */
    VG_STORM_SYNC,    /* own words, posted in synchronised waves */
    VG_STORM__PATTERNS
};

/** "link", "copy", "seq", "retweet", "sync" (truth.json's names); NULL when out of range. */
VG_API const char *vg_storm_pattern_name(int pattern);

/** Figures of one group of storms (all, or one pattern). NaN where undefined. */
struct vg_storm_group_eval {
    uint64_t storms, detected;
    double tpr;
    double delay_median_s, delay_p90_s; /* detection delay after the storm's first post */
    uint64_t truth_accounts, alert_accounts, true_accounts;
    double precision, recall; /* of the accounts of the alerts matched to these storms */
};

/** Storm detection measured against the truth (docs/storms.md, "Measuring"). */
struct vg_storm_eval {
    uint64_t posts;
    uint64_t hashtag_days, storm_hashtag_days, alarmed_storm_hashtag_days;
    uint64_t negative_hashtag_days, false_hashtag_days;
    double tpr, fpr; /* per hashtag-day */
    /* other hashtags that planted storm posts carried that day: neither positive nor negative */
    uint64_t carried_hashtag_days, alarmed_carried_hashtag_days;
    uint64_t bursts, bursts_alarmed;
    double burst_fpr; /* organic bursts alarmed / organic bursts */
    uint64_t alerts, false_alerts;
    struct vg_storm_group_eval all, by_pattern[VG_STORM__PATTERNS];
    double precision_all; /* account precision counting the accounts of false alerts too */
    double seconds;       /* replay and detection */
};

/** Replay the store through a detector with options o (its callback is not used) and measure.
 * Errors: those of vg_storms_replay. */
VG_API VG_NODISCARD vg_status vg_storms_eval(vg_db *db, const vg_storm_truth *t,
                                             const struct vg_storm_opts *o,
                                             struct vg_storm_eval *out);
/** The evaluation as one JSON object (NaN as null). Ownership: the caller's (vg_free). */
VG_API VG_NODISCARD vg_status vg_storm_eval_json(const struct vg_storm_eval *e, char **json);

/* ---------------------------------------------------------------------------------------------
 * PDQ image hashes (src/pdq/, docs/pdq.md): Meta's 256-bit perceptual hash, its quality score,
 * and an index answering "every hash within Hamming distance d".
 * ------------------------------------------------------------------------------------------ */

#define VG_PDQ_BYTES    32
#define VG_PDQ_HEX_LEN  64
#define VG_PDQ_MATCH_D  31 /* Meta's recommended match threshold */
#define VG_PDQ_MIN_QUAL 50 /* hashes of lower quality are not matched */

/** A PDQ hash: bytes[0] holds the first two hex digits of the hash's 64-digit form. */
struct vg_pdq {
    uint8_t bytes[VG_PDQ_BYTES];
};

/** Parse 64 hex digits (either case, nothing else). Errors: VG_EPARSE. */
VG_API VG_NODISCARD vg_status vg_pdq_from_hex(const char *hex, struct vg_pdq *out);
/** The hash as 64 lower-case hex digits and a NUL. */
VG_API void vg_pdq_to_hex(const struct vg_pdq *h, char out[VG_PDQ_HEX_LEN + 1]);
/** Hamming distance, 0..256. */
VG_API int vg_pdq_distance(const struct vg_pdq *a, const struct vg_pdq *b);

/**
 * A decoded image: 8-bit samples, rows top to bottom, `stride` bytes apart, each pixel 1 (grey)
 * or 3 (R, G, B) bytes. Alpha is dropped at decoding (the reference ignores it too).
 */
struct vg_image {
    uint8_t *pixels;
    uint32_t width, height;
    size_t stride;
    int channels;
};

/** Free the pixels of an image vg_image_decode filled (the struct is the caller's). NULL ok. */
VG_API void vg_image_release(struct vg_image *img);

/** How vg_image_decode works; a zeroed struct (or NULL) takes the defaults below. */
struct vg_image_opts {
    size_t max_bytes;    /* encoded size; default VG_IMAGE_MAX_BYTES */
    uint32_t max_side;   /* width and height; default VG_IMAGE_MAX_SIDE */
    uint64_t max_pixels; /* width x height; default VG_IMAGE_MAX_PIXELS */
    /* 1: leave the pixels as stored, ignoring EXIF orientation. Meta's reference tool does
     * (its decoder never reads EXIF), so this reproduces its hashes of rotated photos. */
    int ignore_orientation;
};

#define VG_IMAGE_MAX_BYTES  (64u << 20)
#define VG_IMAGE_MAX_SIDE   30000u
#define VG_IMAGE_MAX_PIXELS (64ull << 20)

/**
 * Decode a JPEG (libjpeg-turbo), PNG (libpng: palette, grey, alpha, 16-bit) or WebP (libwebp)
 * image, recognised by its first bytes, into out. A JPEG's EXIF orientation (1..8) is applied so
 * the pixels are upright, unless opts->ignore_orientation. opts may be NULL (defaults). On failure
 * err (cap bytes, may be NULL) says why in words and out is zeroed. Errors: VG_EFORMAT (not one of
 * the three formats), VG_EPARSE (corrupt or truncated data), VG_ELIMIT (over a limit), VG_ENOMEM,
 * VG_EINVAL. Ownership: out->pixels is the caller's; free with vg_image_release().
 */
VG_API VG_NODISCARD vg_status vg_image_decode(const void *data, size_t len,
                                              const struct vg_image_opts *opts,
                                              struct vg_image *out, char *err, size_t cap);
/** vg_image_decode on a file's bytes. Errors: those of vg_image_decode, VG_ENOENT, VG_EIO. */
VG_API VG_NODISCARD vg_status vg_image_read_file(const char *path, const struct vg_image_opts *opts,
                                                 struct vg_image *out, char *err, size_t cap);

/** The eight dihedral transforms, in the order the reference prints their hashes. */
enum vg_pdq_dihedral {
    VG_PDQ_ORIGINAL,
    VG_PDQ_ROTATE90,
    VG_PDQ_ROTATE180,
    VG_PDQ_ROTATE270,
    VG_PDQ_FLIPX,      /* mirrored top to bottom */
    VG_PDQ_FLIPY,      /* mirrored left to right */
    VG_PDQ_FLIP_PLUS1, /* transposed */
    VG_PDQ_FLIP_MINUS1 /* transposed the other way */
};

#define VG_PDQ__DIHEDRAL 8
/** Images wider or taller than this are first reduced to this square, as the reference does. */
#define VG_PDQ_REDUCE_SIDE 512

/**
 * The PDQ hash of an image, as Meta's reference C++ implementation computes it from the same
 * pixels, and its quality (0..100; below VG_PDQ_MIN_QUAL the hash should not be matched).
 * out[0..n_out) receive the hashes of the first n_out transforms of enum vg_pdq_dihedral
 * (n_out 1: the image's own hash; 8: all). Images under 5 pixels on a side hash to zero with
 * quality 0. Errors: VG_EINVAL (bad image or n_out), VG_ENOMEM.
 */
VG_API VG_NODISCARD vg_status vg_pdq_hash_image(const struct vg_image *img, struct vg_pdq *out,
                                                int n_out, int *quality);
/**
 * Read, decode and hash an image file: vg_image_read_file then vg_pdq_hash_image. On failure err
 * says why (without the path). Errors: those two functions'.
 */
VG_API VG_NODISCARD vg_status vg_pdq_hash_file(const char *path, const struct vg_image_opts *opts,
                                               struct vg_pdq *out, int n_out, int *quality,
                                               char *err, size_t cap);
/**
 * The same from luminance values (rows x cols floats, row-major), without the 512 reduction.
 * luma is overwritten (blurred in place); scratch holds rows x cols floats (NULL allowed only
 * for 64 x 64, which is hashed as is). Errors: VG_EINVAL, VG_ENOMEM.
 */
VG_API VG_NODISCARD vg_status vg_pdq_hash_luma(float *luma, float *scratch, int rows, int cols,
                                               struct vg_pdq *out, int n_out, int *quality);

/**
 * An index of PDQ hashes, each with the caller's 64-bit id, updated in place (no rebuild). A
 * query reports every indexed hash within the distance asked, exactly.
 */
typedef struct vg_pdq_index vg_pdq_index;

/** Errors: VG_ENOMEM. Free with vg_pdq_index_free(). */
VG_API VG_NODISCARD vg_status vg_pdq_index_new(vg_pdq_index **out);
VG_API void vg_pdq_index_free(vg_pdq_index *ix);
/** Hashes indexed. */
VG_API size_t vg_pdq_index_size(const vg_pdq_index *ix);
/** Add h under id; an id added before is replaced. Errors: VG_ENOMEM, VG_ELIMIT. */
VG_API VG_NODISCARD vg_status vg_pdq_index_add(vg_pdq_index *ix, const struct vg_pdq *h,
                                               uint64_t id);
/**
 * Add n hashes at once, hashes[i] under ids[i]: the same as n calls of vg_pdq_index_add (an id
 * already in, or repeated, is replaced: the last one wins), but the index first counts where they
 * land and sizes its buckets once, which takes less time and memory than growing them one add at
 * a time (use it to load a bank). Both arrays are the caller's, only read. n_added (NULL allowed)
 * receives how many were added: on error hashes[0..*n_added) are in, the rest are not.
 * Errors: VG_ENOMEM, VG_ELIMIT.
 */
VG_API VG_NODISCARD vg_status vg_pdq_index_add_many(vg_pdq_index *ix, const struct vg_pdq *hashes,
                                                    const uint64_t *ids, size_t n, size_t *n_added);
/** Remove id (nothing when it is not in). */
VG_API void vg_pdq_index_remove(vg_pdq_index *ix, uint64_t id);
/** Called once per match; return non-zero to stop the query. */
typedef int (*vg_pdq_match_fn)(uint64_t id, int distance, void *ud);
/**
 * Report every indexed hash within max_distance (0..256) of h, in no particular order.
 * Errors: VG_EINVAL (max_distance out of range), VG_ENOMEM, VG_ECANCEL (fn stopped it).
 */
VG_API VG_NODISCARD vg_status vg_pdq_index_query(const vg_pdq_index *ix, const struct vg_pdq *h,
                                                 int max_distance, vg_pdq_match_fn fn, void *ud);

/* @@known: near-duplicate text, hash banks, matching (issue 6) @@ */

/* ---------------------------------------------------------------------------------------------
 * Known items: near-duplicate text (docs/known.md). A text is compared through its matching form
 * (URLs, mentions, emoji, punctuation and hashtag marks removed; case, accents and Arabic letter
 * forms unified) cut into shingles of 4 characters; similarity is the Jaccard similarity of the
 * two shingle sets, 0..1. A text needs 8 distinct shingles to be matched at all: "hahaha" or a
 * run of one letter would otherwise equal every other laugh.
 * ------------------------------------------------------------------------------------------ */

/** The similarity at which a text counts as a copy of a known one (docs/known.md: measured). */
#define VG_TEXT_MATCH_DEFAULT 0.5

/**
 * Similarity of two texts (see above) into *out.
 * Errors: VG_EPARSE (a text has too little to match), VG_EUTF8, VG_ELIMIT (over VG_TEXT_MAX),
 * VG_ENOMEM.
 */
VG_API VG_NODISCARD vg_status vg_text_similarity(const char *a, size_t a_len, const char *b,
                                                 size_t b_len, double *out);

/**
 * An index of known texts, each under the caller's 64-bit id, updated in place (MinHash with LSH
 * bands). A query finds the known texts that share a band with it (candidates: nearly all texts
 * at similarity 0.4 or more, see docs/known.md for the measured figures), and reports those whose
 * verified similarity reaches the threshold. Queries on a const index may run in parallel.
 */
typedef struct vg_text_index vg_text_index;

/** Errors: VG_ENOMEM. Free with vg_text_index_free(). */
VG_API VG_NODISCARD vg_status vg_text_index_new(vg_text_index **out);
VG_API void vg_text_index_free(vg_text_index *ix);
/** Texts indexed. */
VG_API size_t vg_text_index_size(const vg_text_index *ix);
/**
 * Add a text under id (an id added before is replaced). The text is not kept, only its
 * fingerprint. Errors: VG_EPARSE (too little to match), VG_EUTF8, VG_ELIMIT, VG_ENOMEM;
 * on error the index is unchanged.
 */
VG_API VG_NODISCARD vg_status vg_text_index_add(vg_text_index *ix, const char *text, size_t len,
                                                uint64_t id);
/** Remove id (nothing when it is not in). */
VG_API void vg_text_index_remove(vg_text_index *ix, uint64_t id);
/** Called once per match: estimate from the signatures, similarity verified exactly. Return
 * non-zero to stop the query. */
typedef int (*vg_text_match_fn)(uint64_t id, double estimate, double similarity, void *ud);
/**
 * Report the indexed texts whose similarity to text is at least min_similarity (0..1), in no
 * particular order. Errors: VG_EINVAL (threshold out of range, fn NULL), VG_EPARSE (too little),
 * VG_EUTF8, VG_ELIMIT, VG_ENOMEM, VG_ECANCEL (fn stopped it).
 */
VG_API VG_NODISCARD vg_status vg_text_index_query(const vg_text_index *ix, const char *text,
                                                  size_t len, double min_similarity,
                                                  vg_text_match_fn fn, void *ud);

/** Settings of the near-duplicate evaluation (`vigie bank eval-text`, docs/known.md). */
struct vg_known_eval_opts {
    double threshold; /* similarity reported on (default VG_TEXT_MATCH_DEFAULT) */
    double dedupe;    /* bank texts within this similarity of an earlier one are dropped (0.3) */
    size_t min_chars; /* bank texts need this many characters in matching form (30) */
    uint64_t seed;    /* mutations and the bank/held-out split */
};

VG_API void vg_known_eval_opts_init(struct vg_known_eval_opts *o);

/**
 * Measure the near-duplicate index on real texts under data_dir (../shared/data): mutations of
 * pro-ISIS tweets against a bank of them, and negatives from other corpora (known_eval.c says
 * how). *json_out (the caller's, vg_free) holds recall, precision and counts overall, per
 * mutation kind, per language and for a sweep of thresholds.
 * Errors: VG_ENOENT (a dataset missing), VG_EIO, VG_ENOMEM.
 */
VG_API VG_NODISCARD vg_status vg_known_eval_text(const char *data_dir,
                                                 const struct vg_known_eval_opts *o,
                                                 char **json_out);

/* ---------------------------------------------------------------------------------------------
 * Known items: banks (docs/known.md). A bank is a named set of known items (PDQ image hashes,
 * MD5 and SHA-256 file hashes, texts, URLs) with their label, source, ideology, TCO category and
 * tags. Removing an item leaves a tombstone (its deletion time), so an exchange that deletes an
 * item later is applied, exported and not re-added by an older copy.
 * ------------------------------------------------------------------------------------------ */

#define VG_ITEM_TYPE_MAP(X)                                                                        \
    X(PDQ, "pdq")                                                                                  \
    X(MD5, "md5")                                                                                  \
    X(SHA256, "sha256")                                                                            \
    X(TEXT, "text")                                                                                \
    X(URL, "url")

enum vg_item_type {
#define VG__ITEM_ENUM(name, text) VG_ITEM_##name,
    VG_ITEM_TYPE_MAP(VG__ITEM_ENUM)
#undef VG__ITEM_ENUM
    VG_ITEM__COUNT
};

/** "pdq", "md5", ... */
VG_API const char *vg_item_type_name(enum vg_item_type t);
/** Errors: VG_EINVAL (not a type name). */
VG_API vg_status vg_item_type_parse(const char *name, enum vg_item_type *out);

/** One item of a bank. Strings are the caller's on input, valid during a callback on output. */
struct vg_bank_item {
    int64_t id; /* the store's id of the item (output) */
    const char *bank;
    enum vg_item_type type;
    const char *value; /* see vg_bank_item_normalize */
    const char *label, *source, *ideology, *tco, *tags, *external_id; /* NULL: none */
    int64_t added, updated; /* output: when stored, when last changed */
    int64_t deleted;        /* output: the tombstone's time, VG_TIME_UNKNOWN while live */
};

/** What a write did. */
enum vg_bank_change {
    VG_BANK_UNCHANGED, /* all the same already (or a deletion of an item not there) */
    VG_BANK_ADDED,
    VG_BANK_UPDATED, /* a field changed, or a tombstoned item came back */
    VG_BANK_DELETED  /* a live item became a tombstone */
};

/**
 * The stored form of a value of type t: PDQ (64 hex digits), MD5 (32) and SHA-256 (64) as lower
 * case hex; a URL in canonical form (vg_url_canonicalize); a text as given, if it has enough
 * to match (see above). Ownership: *out is the caller's (vg_free). Errors: VG_EFIELD (not a value
 * of that type; why in `why`, cap bytes), VG_ENOMEM.
 */
VG_API VG_NODISCARD vg_status vg_bank_item_normalize(enum vg_item_type t, const char *value,
                                                     char **out, char *why, size_t cap);

/** Create a bank (names: 1-64 of A-Z a-z 0-9 _ -); *created (may be NULL) is 0 when it existed.
 * Errors: VG_EINVAL (bad name), VG_EDB, VG_EBUSY, VG_EFULL. */
VG_API VG_NODISCARD vg_status vg_bank_create(vg_db *db, const char *name, const char *description,
                                             int *created);
/** Called once per bank by vg_bank_list: live and tombstoned item counts. */
typedef vg_status (*vg_bank_list_fn)(const char *name, const char *description, int64_t created,
                                     int64_t live, int64_t deleted, void *ud);
/** Every bank, by name. Errors: VG_EDB, or what fn returned. */
VG_API VG_NODISCARD vg_status vg_bank_list(vg_db *db, vg_bank_list_fn fn, void *ud);

/**
 * Add or update an item (the bank is created if needed). it->value must be normalised
 * (vg_bank_item_normalize). Fields left NULL keep what the item had. A tombstoned item comes
 * back (VG_BANK_UPDATED). Errors: VG_EINVAL (bad bank name, NULL value), VG_EDB, VG_EBUSY,
 * VG_EFULL.
 */
VG_API VG_NODISCARD vg_status vg_bank_put(vg_db *db, const struct vg_bank_item *it,
                                          enum vg_bank_change *change);
/**
 * Tombstone an item found by external id (when external_id is not NULL) or else by type and
 * normalised value. Errors: VG_EDB, VG_EBUSY, VG_EFULL.
 */
VG_API VG_NODISCARD vg_status vg_bank_delete(vg_db *db, const char *bank, enum vg_item_type type,
                                             const char *value, const char *external_id,
                                             enum vg_bank_change *change);
typedef vg_status (*vg_bank_item_fn)(const struct vg_bank_item *it, void *ud);
/** Items of a bank (NULL: every bank) in id order, tombstones too when with_deleted.
 * Errors: VG_EDB, or what fn returned. */
VG_API VG_NODISCARD vg_status vg_bank_scan(vg_db *db, const char *bank, int with_deleted,
                                           vg_bank_item_fn fn, void *ud);

#define VG_BANK_FORMAT_MAP(X)                                                                      \
    X(TE_CSV, "te-csv", "ThreatExchange CSV: signal_type,signal_str,collab,category,tags")         \
    X(HMA_JSON, "hma-json", "HMA bank content JSON: an array, or one object per line")             \
    X(TAT_JSON, "tat-json", "Tech Against Terrorism hash-list page (count,checkpoint,results)")

enum vg_bank_format {
#define VG__BANK_FORMAT_ENUM(name, text, doc) VG_BANK_##name,
    VG_BANK_FORMAT_MAP(VG__BANK_FORMAT_ENUM)
#undef VG__BANK_FORMAT_ENUM
    VG_BANK_FORMAT__COUNT
};

VG_API const char *vg_bank_format_name(enum vg_bank_format f);
/** Errors: VG_EINVAL (not a format name). */
VG_API vg_status vg_bank_format_parse(const char *name, enum vg_bank_format *out);

/** A record an import could not use: where (line 0 in a JSON array: item is its index) and
 * which field. Strings valid during the callback. */
struct vg_bank_reject {
    const char *file;
    uint64_t line; /* 1-based, 0 when the input is not line-based */
    int64_t item;  /* index in a JSON array or page, -1 if none */
    const char *field;
    const char *reason;
};

/** read = added + updated + deleted + unchanged + rejected, always. */
struct vg_bank_import_summary {
    uint64_t read, added, updated, deleted, unchanged, rejected;
    int stale_page; /* a TAT page at or before the bank's checkpoint: nothing applied */
};

/**
 * Import a file (`path`, at most 256 MiB) of format f into bank (created if needed). Every
 * record lands, is unchanged, or is rejected through on_reject (may be NULL) and counted; valid
 * records around a bad one still land. TE CSV and HMA JSON add and update; a TAT page also applies
 * its deletions as tombstones and keeps its checkpoint: entries at or before the bank's stored
 * checkpoint (an earlier page, or the same page again) are counted unchanged and not applied, so
 * an old page cannot bring back an item a later one deleted. Adds to *sum.
 * Errors: VG_ENOENT, VG_EIO, VG_ELIMIT (file too big), VG_EPARSE (the file as a whole is not of
 * the format: not JSON, no CSV header; rejected records are not errors), VG_EINVAL (bank name),
 * VG_EDB, VG_EBUSY, VG_EFULL.
 */
VG_API VG_NODISCARD vg_status vg_bank_import(vg_db *db, const char *bank, enum vg_bank_format f,
                                             const char *path,
                                             void (*on_reject)(const struct vg_bank_reject *r,
                                                               void *ud),
                                             void *ud, struct vg_bank_import_summary *sum);

/** Receives exported text in pieces; a negative status stops the export and is returned. */
typedef vg_status (*vg_write_fn)(const char *s, size_t len, void *ud);
/**
 * Write the items of bank (NULL: all banks) in format f to write(). A TAT page carries PDQ and
 * MD5 items only, tombstones included ("deleted": true, which is how that exchange tells a
 * deletion); TE CSV and HMA JSON have no way to say "deleted" and carry live items only. Items a
 * format cannot carry are left out and counted in *n_skipped; *n_written counts the others (both
 * may be NULL). Errors: VG_EDB, VG_ENOMEM, or what write() returned.
 */
VG_API VG_NODISCARD vg_status vg_bank_export(vg_db *db, const char *bank, enum vg_bank_format f,
                                             vg_write_fn write, void *ud, uint64_t *n_written,
                                             uint64_t *n_skipped);

/* ---------------------------------------------------------------------------------------------
 * Known items: matching (docs/known.md). A matcher holds the live items of the banks in memory:
 * PDQ hashes in a vg_pdq_index, texts in a vg_text_index, MD5, SHA-256 and URLs in sorted tables.
 * ------------------------------------------------------------------------------------------ */

typedef struct vg_matcher vg_matcher;

/** How far a match may be. */
struct vg_match_opts {
    int pdq_max_distance;       /* Hamming bits, 0..256 (default VG_PDQ_MATCH_D, 31) */
    double text_min_similarity; /* 0..1 (default VG_TEXT_MATCH_DEFAULT) */
};

VG_API void vg_match_opts_init(struct vg_match_opts *o);

/** One match: the bank item and how far it is. Strings valid during the callback. */
struct vg_match {
    const char *bank;
    int64_t item; /* the item's id in the store */
    enum vg_item_type type;
    const char *value, *label, *source, *ideology, *tco, *tags;
    double distance;   /* Hamming bits for pdq, 1 - similarity for text, 0 for exact kinds */
    double similarity; /* text: verified similarity; 1 for exact kinds; pdq: 1 - distance/256 */
};

/** Return non-zero to stop. */
typedef int (*vg_match_fn)(const struct vg_match *m, void *ud);

/**
 * Load the live items of bank (NULL: every bank) into a new matcher. Texts that no longer
 * fingerprint (none should: vg_bank_put refuses them) are skipped and counted in *n_skipped
 * (may be NULL). Errors: VG_EDB, VG_ENOMEM. Free with vg_matcher_free().
 */
VG_API VG_NODISCARD vg_status vg_matcher_open(vg_db *db, const char *bank, vg_matcher **out,
                                              size_t *n_skipped);
VG_API void vg_matcher_free(vg_matcher *m);
/** Items loaded of type t. */
VG_API size_t vg_matcher_size(const vg_matcher *m, enum vg_item_type t);

/**
 * Report every item of type t within reach of value (as given: it is normalised first, see
 * vg_bank_item_normalize), in no particular order. Errors: VG_EFIELD (value is not of type t;
 * why in `why`, cap bytes), VG_EINVAL (opts out of range), VG_ENOMEM, VG_ECANCEL (fn stopped).
 */
VG_API VG_NODISCARD vg_status vg_matcher_match(const vg_matcher *m, enum vg_item_type t,
                                               const char *value, const struct vg_match_opts *o,
                                               vg_match_fn fn, void *ud, char *why, size_t cap);

struct vg_match_posts_summary {
    uint64_t posts;             /* posts read */
    uint64_t posts_matched;     /* posts with at least one match */
    uint64_t matches;           /* (post, item, kind) found in this run */
    uint64_t new_matches;       /* of those, not stored before */
    uint64_t media;             /* stored media with a hash (table post_media) read */
    uint64_t media_low_quality; /* of those, PDQ hashes under VG_PDQ_MIN_QUAL: not matched */
};

/**
 * Match every stored post (its text against text items, its URLs against URL items, the hashes
 * of its media against PDQ, MD5 and SHA-256 items) and store each match in table post_matches
 * (post, bank, item, kind, distance, at): the signal later rules read. A media PDQ hash whose
 * quality is known and under VG_PDQ_MIN_QUAL is not matched (counted in media_low_quality).
 * Idempotent: a second run finds the same matches and stores nothing new. fn (may be NULL) sees
 * each match with the post's id in *post_id. Errors: VG_EDB, VG_EBUSY, VG_EFULL, VG_ENOMEM,
 * VG_EINVAL (opts).
 */
typedef int (*vg_post_match_fn)(const char *post_id, const struct vg_match *m, void *ud);
VG_API VG_NODISCARD vg_status vg_match_posts(vg_db *db, const vg_matcher *m,
                                             const struct vg_match_opts *o, vg_post_match_fn fn,
                                             void *ud, struct vg_match_posts_summary *sum);

/* ---------------------------------------------------------------------------------------------
 * Known items: media files (docs/known.md#media). The hashes a bank can hold, computed from a
 * file's bytes: PDQ of the decoded picture (JPEG, PNG, WebP) with its quality, MD5 and SHA-256
 * of the bytes as they are.
 * ------------------------------------------------------------------------------------------ */

/** The hashes of one media file, as NUL-terminated lower-case hex. */
struct vg_media_hashes {
    char pdq[VG_PDQ_HEX_LEN + 1]; /* "" when the bytes are not a picture vg_image_decode reads */
    int pdq_quality;              /* 0..100 with pdq, -1 without */
    char md5[33];
    char sha256[65];
};

/**
 * Hash len bytes of a media file. MD5 and SHA-256 are always computed; the PDQ hash only when
 * the bytes decode as a picture: when they do not, out->pdq is "" and why_no_pdq (cap bytes, may
 * be NULL) says why in words. Errors: VG_ENOMEM (then *out is zeroed).
 */
VG_API VG_NODISCARD vg_status vg_media_hash_bytes(const void *data, size_t len,
                                                  struct vg_media_hashes *out, char *why_no_pdq,
                                                  size_t cap);
/**
 * vg_media_hash_bytes on the file at path (at most VG_IMAGE_MAX_BYTES). EXIF orientation is
 * honoured, as `vigie pdq` does. Errors: VG_ENOENT (no such file), VG_EIO (unreadable, or not a
 * regular file: a directory, a FIFO, which is not waited on; why in why_no_pdq), VG_ELIMIT
 * (too big), VG_ENOMEM; on error *out is zeroed.
 */
VG_API VG_NODISCARD vg_status vg_media_hash_file(const char *path, struct vg_media_hashes *out,
                                                 char *why_no_pdq, size_t cap);
/**
 * 1 when name may be joined to a media folder: not empty, not absolute, no "." or ".."
 * component, no empty component ("a//b"), no backslash; 0 otherwise.
 */
VG_API int vg_media_file_name_safe(const char *name);

/* @@sites: URLs, domains, blocking lists, per-domain statistics (issue 6) @@ */

/*
 * Sites (docs/sites.md). A URL's site is its registrable domain (eTLD+1 by the public suffix
 * list built into libpsl, private section included: "a.blogspot.com" is a site of its own); an IP
 * host is its own site. Well-known public services carry categories from a curated table
 * (src/sites/sites_table.c, each entry with its source).
 */
#define VG_SITE_CATEGORY_MAP(X)                                                                    \
    X(SHORTENER, 0, "shortener")                                                                   \
    X(FILE_HOST, 1, "file_host")                                                                   \
    X(PASTE, 2, "paste")                                                                           \
    X(MESSAGING, 3, "messaging")                                                                   \
    X(ARCHIVE, 4, "archive")

enum vg_site_category {
#define VG__SITE_CAT_ENUM(name, bit, text) VG_SITE_##name = 1u << (bit),
    VG_SITE_CATEGORY_MAP(VG__SITE_CAT_ENUM)
#undef VG__SITE_CAT_ENUM
};

/** "shortener", ... for one category bit; NULL for anything else. */
VG_API const char *vg_site_category_name(unsigned category);

/** Longest host or registrable domain vg_url_site() returns (a DNS name, or "[IPv6]"). */
#define VG_SITE_HOST_MAX 253

struct vg_url_site {
    char host[VG_SITE_HOST_MAX + 3];        /* lower case, punycode, "www." removed */
    char registrable[VG_SITE_HOST_MAX + 3]; /* eTLD+1, or the host for an IP or a public suffix */
    unsigned categories;                    /* VG_SITE_* bits of the host or a parent domain */
};

/**
 * The site of a URL (any form vg_url_canonicalize accepts): its host, registrable domain and
 * categories. Errors: VG_EPARSE (no http(s) host), VG_ELIMIT (URL over 8 KiB or host over
 * VG_SITE_HOST_MAX), VG_EINVAL (NULL).
 */
VG_API VG_NODISCARD vg_status vg_url_site(const char *url, size_t len, struct vg_url_site *out);

/**
 * The registrable domain of a host (lower case ASCII/punycode, as in post_urls.domain), written
 * into out (VG_SITE_HOST_MAX + 3 bytes). IPv4 and "[IPv6]" hosts, and hosts that are a public
 * suffix themselves, are returned unchanged. Errors: VG_EINVAL (NULL or empty), VG_ELIMIT (too
 * long).
 */
VG_API VG_NODISCARD vg_status vg_domain_registrable(const char *host, char *out);

/** VG_SITE_* categories of a host: those of the host and of each parent domain in the table. */
VG_API unsigned vg_domain_categories(const char *host);

/*
 * Lists of domains and URLs (blocking lists, a jurisdiction's administrative list, a
 * Mastodon instance's domain blocks), kept in the store with their history. A list has a scope:
 * "global", or a jurisdiction code ("FR"). An entry is a domain (matches the host and its
 * subdomains), a URL prefix (matches canonical URLs starting with it) or a pattern (a regular
 * expression over the canonical URL, at most VG_LIST_PATTERN_MAX bytes). An entry applies from
 * `added` until `withdrawn` (exclusive); withdrawn entries stay, with their dates. Every change is
 * appended to the store's list_changes log with its actor and the entry before and after.
 */
#define VG_LIST_KIND_MAP(X)                                                                        \
    X(DOMAIN, "domain")                                                                            \
    X(URL_PREFIX, "url-prefix")                                                                    \
    X(PATTERN, "pattern")

enum vg_list_kind {
#define VG__LIST_KIND_ENUM(name, text) VG_LIST_##name,
    VG_LIST_KIND_MAP(VG__LIST_KIND_ENUM)
#undef VG__LIST_KIND_ENUM
    VG_LIST__COUNT
};

#define VG_LIST_PATTERN_MAX 1024
#define VG_LIST_VALUE_MAX   8192

/** "domain", "url-prefix", "pattern"; NULL when out of range. */
VG_API const char *vg_list_kind_name(enum vg_list_kind kind);

/** One entry. Strings are borrowed; NULL when absent. */
struct vg_list_entry {
    const char *list;
    enum vg_list_kind kind;
    const char *value;    /* normalised (vg_list_entry_normalize) */
    int64_t added;        /* VG_TIME_UNKNOWN: now, when adding */
    int64_t withdrawn;    /* VG_TIME_UNKNOWN: in force */
    const char *source;   /* where it came from: a file, "cli", a decree */
    const char *note;     /* free text (Mastodon: public_comment) */
    const char *severity; /* Mastodon: "suspend", "silence", "noop"; NULL otherwise */
    int reject_media;     /* Mastodon flags, 0/1 */
    int reject_reports;
    int obfuscate;
};

/**
 * Normalise an entry's value as typed (a domain, a URL, or "re:" followed by a pattern), writing
 * the kind and the stored value (caller frees with vg_free). Domains: lower case, IDN to
 * punycode, a leading "*." or "www." and trailing dots dropped; URLs: canonical
 * (vg_url_canonicalize); patterns: checked to compile, at most VG_LIST_PATTERN_MAX bytes.
 * Errors: VG_EPARSE with *why (a static string) saying what is wrong, VG_ELIMIT, VG_ENOMEM.
 */
VG_API VG_NODISCARD vg_status vg_list_entry_normalize(const char *text, size_t len,
                                                      enum vg_list_kind *kind, char **value,
                                                      const char **why);

/** A list. Strings are borrowed. */
struct vg_list_info {
    const char *name, *scope, *description;
    int64_t created_at;
    int64_t n_active, n_withdrawn;
};

/**
 * Create a list, or check an existing one: VG_OK with *created 0 when a list of that name and
 * scope exists (its description is updated when description is not NULL). scope is "global" or
 * a jurisdiction code of 2-8 letters/digits/'-'. actor names who did it in the log (NULL: the OS
 * user). Errors: VG_EINVAL (bad name or scope), VG_EFIELD (exists with another scope), VG_EDB.
 */
VG_API VG_NODISCARD vg_status vg_list_create(vg_db *db, const char *name, const char *scope,
                                             const char *description, const char *actor,
                                             int *created);

/** Call fn for each list (by name) with its counts; stops at fn's first non-zero return. */
typedef int (*vg_list_info_fn)(const struct vg_list_info *info, void *ud);
VG_API VG_NODISCARD vg_status vg_list_each(vg_db *db, vg_list_info_fn fn, void *ud);

/**
 * Add an entry (value already normalised) to an existing list. An entry in force with the same
 * kind and value is updated when its source, note or Mastodon fields differ (VG_PUT_UPDATED), else
 * left alone (VG_PUT_DUPLICATE); an entry with e->withdrawn set is stored as history
 * (VG_PUT_DUPLICATE when the same withdrawn entry exists). Errors: VG_ENOENT (no such list),
 * VG_EINVAL, VG_EDB.
 */
VG_API VG_NODISCARD vg_status vg_list_entry_put(vg_db *db, const struct vg_list_entry *e,
                                                const char *actor, enum vg_put_result *result);

/**
 * Withdraw the entry in force of that kind and value at instant `at` (VG_TIME_UNKNOWN: now).
 * *found is 0 when there is none. Errors: VG_ENOENT (no such list), VG_EDB.
 */
VG_API VG_NODISCARD vg_status vg_list_entry_withdraw(vg_db *db, const char *list,
                                                     enum vg_list_kind kind, const char *value,
                                                     int64_t at, const char *actor, int *found);

/** Call fn for each entry of a list (all lists when list is NULL), in force only unless
 * with_withdrawn; by list, kind, value, added. Stops at fn's first non-zero return. */
typedef int (*vg_list_entry_fn)(const struct vg_list_entry *e, void *ud);
VG_API VG_NODISCARD vg_status vg_list_entries(vg_db *db, const char *list, int with_withdrawn,
                                              vg_list_entry_fn fn, void *ud);

/** One logged change (the list_changes table). */
struct vg_list_change {
    int64_t at;
    const char *actor, *list, *action; /* action: "create", "add", "update", "withdraw" */
    const char *before, *after;        /* the entry as JSON, NULL when none */
};

typedef int (*vg_list_change_fn)(const struct vg_list_change *c, void *ud);
/** Call fn for each logged change of a list (all when NULL), oldest first. */
VG_API VG_NODISCARD vg_status vg_list_changes(vg_db *db, const char *list, vg_list_change_fn fn,
                                              void *ud);

/* List files. */
#define VG_LIST_FORMAT_MAP(X)                                                                      \
    X(PLAIN, "plain", "one domain, URL or re:pattern a line; '#' comments; key=value fields")      \
    X(MASTODON, "mastodon", "Mastodon domain-block CSV (#domain,#severity,...)")

enum vg_list_format {
#define VG__LIST_FORMAT_ENUM(name, text, doc) VG_LIST_FORMAT_##name,
    VG_LIST_FORMAT_MAP(VG__LIST_FORMAT_ENUM)
#undef VG__LIST_FORMAT_ENUM
    VG_LIST_FORMAT__COUNT
};

/** The format named `name`; VG_EINVAL if none. */
VG_API VG_NODISCARD vg_status vg_list_format_parse(const char *name, enum vg_list_format *out);

/** A line of a list file that was not taken. */
struct vg_list_reject {
    const char *file;
    uint64_t line;
    const char *field; /* "value", "added", "#severity", ... */
    const char *reason;
};

/** What an import did: read = added + updated + unchanged + duplicates + rejected. */
struct vg_list_import_summary {
    uint64_t read; /* entry lines (not comments or blank lines) */
    uint64_t added, updated, unchanged;
    uint64_t duplicates; /* the same entry twice in the file */
    uint64_t rejected;
    uint64_t deleted; /* entries in force withdrawn by replace */
};

struct vg_list_import_opts {
    enum vg_list_format format;
    int replace;        /* withdraw entries in force the file no longer has */
    const char *actor;  /* NULL: the OS user */
    const char *source; /* recorded on new entries; NULL: the file name */
    void (*on_reject)(const struct vg_list_reject *r, void *ud);
    void *ud;
};

/**
 * Parse a list file held in memory (name for messages) and call fn for each entry. Rejected
 * lines go to on_reject; *sum gets read and rejected. Used by vg_list_import and the fuzzers.
 * Errors: VG_ECANCEL when fn returns non-zero; VG_EFORMAT for a Mastodon file without its header.
 */
VG_API VG_NODISCARD vg_status vg_list_parse(const char *text, size_t len, const char *name,
                                            enum vg_list_format format, vg_list_entry_fn fn,
                                            void *fn_ud,
                                            void (*on_reject)(const struct vg_list_reject *r,
                                                              void *ud),
                                            void *reject_ud, struct vg_list_import_summary *sum);

/**
 * Import list file `path` ("-": stdin) into existing list `list`, in one transaction. Re-importing
 * the same file changes nothing (all unchanged). Errors: VG_ENOENT (no such list or file), VG_EIO,
 * VG_EFORMAT, VG_EDB; rejected lines are not errors.
 */
VG_API VG_NODISCARD vg_status vg_list_import(vg_db *db, const char *list, const char *path,
                                             const struct vg_list_import_opts *opts,
                                             struct vg_list_import_summary *sum);

/**
 * Export a list as a file in format fmt (plain: entries in force, or all with their dates when
 * with_withdrawn; Mastodon: domain entries in force). Ownership: *out is the caller's (vg_free).
 * Errors: VG_ENOENT (no such list), VG_EDB, VG_ENOMEM.
 */
VG_API VG_NODISCARD vg_status vg_list_export(vg_db *db, const char *list, enum vg_list_format fmt,
                                             int with_withdrawn, char **out, size_t *out_len);

/*
 * The matcher: entries of chosen lists, compiled once; a URL's hits at an instant and in a
 * jurisdiction. Domains are found by walking the host's parent domains in a hash table, URL
 * prefixes by hashing the URL's prefixes of the lengths the host's entries have, patterns with
 * one Hyperscan database (docs/sites.md says why domains are not given to Hyperscan).
 * A matcher holds Hyperscan scratch space: use one per thread (vg_site_matcher_clone).
 */
typedef struct vg_site_matcher vg_site_matcher;

/** An empty matcher to add entries to. Errors: VG_ENOMEM. */
VG_API VG_NODISCARD vg_status vg_site_matcher_new(vg_site_matcher **out);
VG_API void vg_site_matcher_free(vg_site_matcher *m);
/**
 * Add an entry (value normalised as vg_list_entry_normalize makes it) of a list with a scope.
 * Strings are copied. Errors: VG_EINVAL (after compile, or a bad kind), VG_ENOMEM.
 */
VG_API VG_NODISCARD vg_status vg_site_matcher_add(vg_site_matcher *m, const char *list,
                                                  const char *scope, enum vg_list_kind kind,
                                                  const char *value, int64_t added,
                                                  int64_t withdrawn);
/** Compile what was added. Errors: VG_EPARSE (a pattern Hyperscan rejects; logged with the
 * pattern), VG_ELIMIT (its frozen tables would pass 32 GB), VG_EINVAL (compiled already),
 * VG_ENOMEM. */
VG_API VG_NODISCARD vg_status vg_site_matcher_compile(vg_site_matcher *m);
/**
 * A compiled matcher with every entry (in force or withdrawn) of the named lists (all lists
 * when n_lists is 0). Errors: VG_ENOENT (a list does not exist), those of compile, VG_EDB.
 */
VG_API VG_NODISCARD vg_status vg_site_matcher_load(vg_db *db, const char *const *lists,
                                                   size_t n_lists, vg_site_matcher **out);
/** A matcher sharing m's compiled tables with scratch space of its own, for another thread. The
 * clone must be freed before m. */
VG_API VG_NODISCARD vg_status vg_site_matcher_clone(const vg_site_matcher *m,
                                                    vg_site_matcher **out);
/** Entries the matcher holds. */
VG_API size_t vg_site_matcher_size(const vg_site_matcher *m);

struct vg_site_hit {
    const char *list, *scope;
    enum vg_list_kind kind;
    const char *value;
    int64_t added, withdrawn;
};

/** Called for each hit; return non-zero to stop. */
typedef int (*vg_site_hit_fn)(const struct vg_site_hit *hit, void *ud);

/**
 * Report the entries a canonical URL (as vg_url_canonicalize returns it) hits, in force at
 * instant `at` (VG_TIME_UNKNOWN: any time: every entry, withdrawn or not) and applying in
 * jurisdiction `jur` (NULL: every list; "FR": global lists and lists scoped "FR"). *n_hits (may be
 * NULL) gets the count. fn may be NULL (count only). Each entry is reported once.
 * Errors: VG_EPARSE (not a canonical http(s) URL), VG_EINVAL (not compiled), VG_ECANCEL (fn
 * stopped it).
 */
VG_API VG_NODISCARD vg_status vg_site_matcher_check(vg_site_matcher *m, const char *url, size_t len,
                                                    int64_t at, const char *jur, vg_site_hit_fn fn,
                                                    void *ud, size_t *n_hits);

/**
 * A hint, for callers that check many URLs in a row: start loading from memory what checking this
 * canonical URL will read first (its host's slot), and return at once. Call it for the URL a few
 * checks ahead (4 in bench_sites) so that its cache miss overlaps the checks in between. Changes
 * no state and no answer; does nothing for NULL, uncompiled matchers or non-http(s) URLs.
 */
VG_API void vg_site_matcher_prefetch(const vg_site_matcher *m, const char *url, size_t len);

/*
 * Per-domain statistics of the store (`vigie domains`): for each registrable domain linked from
 * posts, the posts and accounts linking to it, how many of them are flagged (a post flagged by a
 * classifier in post_scores; an account with any flagged post), first and last post, categories
 * and the lists its URLs hit.
 */
struct vg_domain_stats_opts {
    int flagged_only;         /* count flagged posts only */
    const char *const *lists; /* only URLs that hit these lists (NULL: no restriction) */
    size_t n_lists;
    const char *const *accounts; /* only posts by these accounts (NULL: every account) */
    size_t n_accounts;
    size_t limit; /* most domains reported, by posts (0: all) */
};

struct vg_domain_stats {
    const char *domain;
    int64_t posts, flagged_posts, accounts, flagged_accounts;
    int64_t first_seen, last_seen;
    unsigned categories;
    const char *const *lists; /* names of lists hit, n_lists of them */
    size_t n_lists;
};

typedef int (*vg_domain_stats_fn)(const struct vg_domain_stats *s, void *ud);

/**
 * Compute the statistics and call fn per domain, most posts first (ties by domain), at most
 * opts->limit; *n_domains (may be NULL) gets the count of distinct domains before the limit.
 * Errors: VG_ENOENT (a list does not exist), VG_EDB, VG_ENOMEM, VG_ECANCEL.
 */
VG_API VG_NODISCARD vg_status vg_domain_stats(vg_db *db, const struct vg_domain_stats_opts *opts,
                                              vg_domain_stats_fn fn, void *ud, size_t *n_domains);

/* @@server: users, roles, tokens, sessions, HTTP API (issue 7) @@ */

/* ---------------------------------------------------------------------------------------------
 * The HTTP server (src/server/, docs/server.md, docs/api.md): the JSON API under /api/v1, the
 * web console's static files, /healthz and /metrics, on libmicrohttpd with a thread pool.
 * ------------------------------------------------------------------------------------------ */

struct vg_server_opts {
    const char *db_path;         /* the store (required) */
    const char *listen;          /* "ADDR:PORT" (IPv4 or [IPv6]); port 0 picks a free one */
    const char *web_root;        /* folder of static files; NULL: none served */
    unsigned threads;            /* worker threads (0: 4) */
    size_t max_body;             /* request body limit in bytes (0: 64 KiB) */
    int64_t session_ttl;         /* seconds (0: 8 hours) */
    unsigned login_max_failures; /* per name and per 15 minutes (0: 5); per address: 4 times it */
};

typedef struct vg_server vg_server;

VG_API void vg_server_opts_init(struct vg_server_opts *o);
/**
 * Open the store, bind and start serving in background threads. Returns at once.
 * Errors: VG_EINVAL (bad listen address), VG_EIO (cannot bind: the log says why), store
 * errors, VG_ENOMEM. Free with vg_server_stop().
 */
VG_API VG_NODISCARD vg_status vg_server_start(const struct vg_server_opts *o, vg_server **out);
/** The address it listens on, "ADDR:PORT" with the port actually bound. */
VG_API const char *vg_server_address(const vg_server *s);
/** Stop accepting, finish the requests in flight, close the store. Accepts NULL. */
VG_API void vg_server_stop(vg_server *s);

/** One row of the server's route table (what `vigie serve --routes` prints, docs/api.md). */
struct vg_route_info {
    const char *method, *pattern; /* {id}: a positive integer */
    unsigned roles;               /* bit r set: role r may call it */
    int is_public;                /* no authentication (login, healthz) */
    const char *summary;
};

typedef vg_status (*vg_route_fn)(const struct vg_route_info *r, void *ud);
/** Every route of the API, in table order. Stops at (and returns) fn's first non-OK status. */
VG_API VG_NODISCARD vg_status vg_server_routes(vg_route_fn fn, void *ud);

/* @@cases: rules, queues, decisions, appeals, orders, evidence, audit, reports (issue 7) @@ */

/* ---------------------------------------------------------------------------------------------
 * Casework foundation (src/cases/, docs/server.md): accounts and roles, API tokens, sessions,
 * the hash-chained audit log and reports filed by staff and trusted flaggers. Everything is
 * kept in the store (vg_db); every change writes an audit entry in the same transaction, so a
 * refused or failed call stores nothing.
 *
 * Staff have been threatened: users and partners see reviewers only under pseudonyms. A
 * pseudonym is generated when an account is made and never changes; real names are shown to
 * admins only (docs/server.md says where each field goes).
 * ------------------------------------------------------------------------------------------ */

/** Roles: X(enum suffix, name in the API and CLI, what it may do). */
#define VG_ROLE_MAP(X)                                                                             \
    X(ADMIN, "admin", "manages accounts and tokens; sees everything")                              \
    X(LEAD, "lead", "leads the reviewers: queues, decisions, appeals")                             \
    X(REVIEWER, "reviewer", "reviews cases, files reports")                                        \
    X(ANALYST, "analyst", "investigates networks, files reports")                                  \
    X(FLAGGER, "trusted_flagger", "external partner: files and follows its own notices only")      \
    X(AUDITOR, "auditor", "read-only: records and the audit log")

enum vg_role {
#define VG_ROLE_ENUM(e, name, doc) VG_ROLE_##e,
    VG_ROLE_MAP(VG_ROLE_ENUM)
#undef VG_ROLE_ENUM
    VG_ROLE__COUNT
};

/** A role's name ("admin", ..., "trusted_flagger"); "?" out of range. */
VG_API const char *vg_role_name(enum vg_role role);
/** The role named s. Errors: VG_EINVAL (no such role). */
VG_API VG_NODISCARD vg_status vg_role_parse(const char *s, enum vg_role *out);

#define VG_NAME_MAX      64   /* bytes of an account or token name */
#define VG_PASSWORD_MIN  12   /* bytes */
#define VG_PASSWORD_MAX  1024 /* bytes */
#define VG_PASSWORD_GEN  20   /* characters of a generated password */
#define VG_SECRET_LEN    47   /* characters of a token or session secret ("vgt_"/"vgs_" + 43) */
#define VG_PSEUDONYM_MAX 48

/**
 * Who makes a change or a request: a signed-in user, an API token, or the command line
 * ("cli", which acts as admin). The audit log records actor_id and pseudonym, never a name.
 */
struct vg_actor {
    enum vg_role role;
    int64_t user_id;                  /* 0 unless a user */
    int64_t token_id;                 /* 0 unless a token */
    char actor_id[32];                /* "user:ID", "token:ID" or "cli" */
    char pseudonym[VG_PSEUDONYM_MAX]; /* a user's pseudonym; a token's or "cli": its name */
    char name[VG_NAME_MAX + 1];       /* the real account or token name: for admins only */
    char csrf_hash[65];               /* a session's CSRF token hash; "" for tokens */
};

/** The command line as an actor (admin rights; audit actor "cli"). */
VG_API void vg_actor_cli(struct vg_actor *out);

/** A user as listed. Strings are valid during the callback only. */
struct vg_user {
    int64_t id;
    const char *name;      /* real name or partner organisation: admins only */
    const char *pseudonym; /* what everyone else sees */
    enum vg_role role;
    int disabled;
    int64_t created_at;
};

typedef vg_status (*vg_user_fn)(const struct vg_user *u, void *ud);

/** A random password of VG_PASSWORD_GEN characters (letters and digits) into out. */
VG_API VG_NODISCARD vg_status vg_password_generate(char out[VG_PASSWORD_GEN + 1]);

/**
 * Add an account with an argon2id hash of `password` (libsodium crypto_pwhash_str, interactive
 * limits: 64 MiB, 2 passes) and a new random pseudonym. *res is VG_PUT_DUPLICATE, with nothing
 * stored, when the name is taken. `by` is recorded in the audit log.
 * Errors: VG_EINVAL (empty name, name over VG_NAME_MAX bytes or with control characters,
 * password under VG_PASSWORD_MIN or over VG_PASSWORD_MAX bytes), VG_ENOMEM, store errors.
 */
VG_API VG_NODISCARD vg_status vg_user_add(vg_db *db, const struct vg_actor *by, const char *name,
                                          enum vg_role role, const char *password, int64_t *id_out,
                                          enum vg_put_result *res);
/** Every account, in id order. Stops at (and returns) fn's first non-OK status. */
VG_API VG_NODISCARD vg_status vg_user_list(vg_db *db, vg_user_fn fn, void *ud);
/** One account by id; *found 0 when none (fn not called). */
VG_API VG_NODISCARD vg_status vg_user_get(vg_db *db, int64_t id, vg_user_fn fn, void *ud,
                                          int *found);
/**
 * Change an account's role (role NULL: keep) and/or disable or enable it (disabled < 0: keep).
 * Ends its sessions. *found 0 when no such account (nothing changed).
 */
VG_API VG_NODISCARD vg_status vg_user_update(vg_db *db, const struct vg_actor *by, int64_t id,
                                             const enum vg_role *role, int disabled, int *found);

/**
 * Make an API token for a machine: a random secret ("vgt_" + 43 base64url characters, 256 bits)
 * written into token_out once; only its BLAKE2b hash is stored.
 * Errors: VG_EINVAL (bad name), store errors.
 */
VG_API VG_NODISCARD vg_status vg_token_add(vg_db *db, const struct vg_actor *by, const char *name,
                                           enum vg_role role, char token_out[VG_SECRET_LEN + 1],
                                           int64_t *id_out);

/** A token as listed (never its secret). */
struct vg_token {
    int64_t id;
    const char *name;
    enum vg_role role;
    int revoked;
    int64_t created_at;
};

typedef vg_status (*vg_token_fn)(const struct vg_token *t, void *ud);
VG_API VG_NODISCARD vg_status vg_token_list(vg_db *db, vg_token_fn fn, void *ud);
/** Revoke a token; *found 0 when no live token has that id. */
VG_API VG_NODISCARD vg_status vg_token_revoke(vg_db *db, const struct vg_actor *by, int64_t id,
                                              int *found);

/**
 * Sign in: on a right name and password of an enabled account, a new session (secret into
 * session_out, valid ttl seconds) and its CSRF token (csrf_out); both stored hashed. The audit
 * log records the login. *who describes the user.
 * Errors: VG_ENOENT (no such account, wrong password or disabled: not told apart), VG_EINVAL.
 */
VG_API VG_NODISCARD vg_status vg_login(vg_db *db, const char *name, const char *password,
                                       int64_t ttl, char session_out[VG_SECRET_LEN + 1],
                                       char csrf_out[VG_SECRET_LEN + 1], struct vg_actor *who);
/** The user of a live session. Errors: VG_ENOENT (unknown, expired, or user disabled). */
VG_API VG_NODISCARD vg_status vg_session_check(vg_db *db, const char *session,
                                               struct vg_actor *who);
/** 1 when csrf is the CSRF token of who's session (constant-time compare), else 0. */
VG_API int vg_csrf_ok(const struct vg_actor *who, const char *csrf);
/** End a session (logout). *found 0 when it did not exist. */
VG_API VG_NODISCARD vg_status vg_logout(vg_db *db, const struct vg_actor *by, const char *session,
                                        int *found);
/** The token with this secret. Errors: VG_ENOENT (unknown or revoked). */
VG_API VG_NODISCARD vg_status vg_token_check(vg_db *db, const char *token, struct vg_actor *who);

/**
 * The audit log: append-only; entry k's hash is BLAKE2b-256 over entry k-1's hash (32 zero
 * bytes for the first) followed by entry k's canonical JSON:
 *   {"seq":N,"at":T,"actor_id":"...","actor":"...","action":"...","object":"...","detail":{...}}
 * with keys in that order and strings escaped as vg_buf_json_str does; detail is stored as
 * the caller wrote it (a JSON object).
 */
struct vg_audit_entry {
    int64_t seq, at;
    const char *actor_id, *actor, *action, *object, *detail, *prev_hash, *hash;
};

typedef vg_status (*vg_audit_fn)(const struct vg_audit_entry *e, void *ud);

/**
 * Append one entry in a transaction of its own (changes made through this API append their own
 * entries; this is for actions without one). detail: a JSON object or NULL ("{}").
 * Errors: VG_EINVAL (empty action, detail not a JSON object), store errors.
 */
VG_API VG_NODISCARD vg_status vg_audit_append(vg_db *db, const struct vg_actor *by,
                                              const char *action, const char *object,
                                              const char *detail);
/** Entries with seq > after, oldest first, at most limit (< 0: all). */
VG_API VG_NODISCARD vg_status vg_audit_list(vg_db *db, int64_t after, int64_t limit, vg_audit_fn fn,
                                            void *ud);

/** What vg_audit_verify found. */
struct vg_audit_verdict {
    int ok;          /* 1: the chain is whole */
    int64_t entries; /* entries checked */
    int64_t bad_seq; /* the first bad entry (0 when ok); for a removed tail, the head's seq */
    char problem[256];
};

/**
 * Recompute the chain: finds an altered entry (its hash does not match its content), a removed
 * or reordered one (a gap in seq, or a prev_hash that is not the previous entry's hash) and a
 * removed tail (the head record names a later entry than the last one). The verdict is in
 * *out; the status says only whether the log could be read.
 */
VG_API VG_NODISCARD vg_status vg_audit_verify(vg_db *db, struct vg_audit_verdict *out);

/** A report (a post or account reported by staff) or notice (filed by a trusted flagger). */
struct vg_intake {
    int64_t id;
    const char *kind;        /* "report" | "notice" (set from the filer's role) */
    const char *target_type; /* "post" | "account" */
    const char *target;      /* the platform's post or account id */
    const char *platform;    /* NULL when not given */
    const char *category;    /* e.g. "incitement"; NULL when not given */
    const char *reason;      /* free text */
    const char *filer;       /* "user:ID" / "token:ID" (admins only) */
    const char *filer_pseudonym;
    const char *filer_role;
    int64_t created_at;
};

typedef vg_status (*vg_intake_fn)(const struct vg_intake *r, void *ud);

/**
 * File a report (reviewer, analyst, lead, admin) or a notice (trusted flagger): target_type,
 * target and reason are required. kind, filer and created_at of r are ignored (set here).
 * Errors: VG_EFIELD (a field missing or invalid: err names it), VG_EINVAL (a role that may not
 * file), store errors.
 */
VG_API VG_NODISCARD vg_status vg_intake_file(vg_db *db, const struct vg_actor *by,
                                             const struct vg_intake *r, int64_t *id_out, char *err,
                                             size_t cap);
/**
 * Reports newest first, at most limit (< 0: all); only report `id` when id > 0. A trusted
 * flagger sees only what it filed itself, whatever it asks.
 */
VG_API VG_NODISCARD vg_status vg_intake_list(vg_db *db, const struct vg_actor *viewer, int64_t id,
                                             int64_t limit, vg_intake_fn fn, void *ud);
/** Rows in a casework table (users, api_tokens, sessions, audit_log, intake_reports). */
VG_API VG_NODISCARD vg_status vg_cases_count(vg_db *db, const char *table, int64_t *n);

/* @@records: removal orders (TCO), evidence vault, TCO report, dashboard (issue 7) @@ */

/* ---------------------------------------------------------------------------------------------
 * Records (src/cases/records_*.c, docs/records.md): removal orders under Regulation (EU)
 * 2021/784 (TCO) with their one-hour clock, Annex II and III replies and cross-border scrutiny;
 * the evidence vault of removed content (Art 6); the Art 7 transparency report; the series of
 * the monitoring dashboard. Every change writes an audit entry in the same transaction.
 * Views are handed back as JSON text in *out (NUL-terminated; free with vg_free()); their fields
 * are listed in docs/records.md. Functions taking err/cap write why a call was refused there.
 * ------------------------------------------------------------------------------------------ */

#define VG_ORDER_HOUR        3600              /* Art 3(3): seconds from receipt to act */
#define VG_ORDER_JSON_MAX    (64 * 1024)       /* bytes of an Annex I object */
#define VG_EVIDENCE_KEEP     (183 * 86400)     /* Art 6(2): six months, in seconds */
#define VG_EVIDENCE_KEEP_MAX (3 * 365 * 86400) /* furthest an extension may reach from now */

/** The measure taken on an order (Annex II section B). */
enum vg_order_action {
    VG_ORDER_REMOVED = 1, /* content removed */
    VG_ORDER_DISABLED = 2 /* access disabled in all Member States */
};

/**
 * Receive a removal order: `json` (len bytes) is one JSON object with the Annex I fields
 * (docs/records.md: reference, issuing_state, authority, issued_at, urls, reasons required;
 * gag, gag_until, provider_state, addressee, contact_point, authority_details, reasons_detail,
 * redress, posts optional). received_at is the instant of authenticated receipt (the server's
 * clock when the caller was authenticated): the one-hour clock starts there. An order whose
 * issuing_state, authority and reference were received before is *res VG_PUT_DUPLICATE and
 * *id_out the stored one (nothing changes). Roles: admin, lead.
 * Errors: VG_EFIELD (err names the field), VG_EINVAL (a role that may not receive orders),
 * store errors.
 */
VG_API VG_NODISCARD vg_status vg_order_receive(vg_db *db, const struct vg_actor *by,
                                               const char *json, size_t len, int64_t received_at,
                                               int64_t *id_out, enum vg_put_result *res, char *err,
                                               size_t cap);
/** One order as JSON with its clock at `now` (deadline, seconds_left, overdue). *found 0: none. */
VG_API VG_NODISCARD vg_status vg_order_get_json(vg_db *db, int64_t id, int64_t now, char **out,
                                                int *found);
/** {"orders":[...]}: the newest `limit` orders (< 0: all), each as vg_order_get_json. */
VG_API VG_NODISCARD vg_status vg_order_list_json(vg_db *db, int64_t now, int64_t limit, char **out);
/**
 * Record the measure taken on an order at instant `at` (the decisions code calls this when a
 * decision acts on an order's content). posts (n_posts, may be 0): stored post ids the measure
 * covered: each is preserved in the evidence vault (vg_evidence_preserve) in the same
 * transaction. The Annex II reply is then vg_order_annex_json(db, id, 2, ...).
 * Errors: VG_ENOENT (no such order), VG_EINVAL (already acted on; err says so), VG_EFIELD (a post
 * not in the store, a bad action or time: err names it), store errors.
 */
VG_API VG_NODISCARD vg_status vg_order_record_action(vg_db *db, int64_t order_id,
                                                     enum vg_order_action action, int64_t at,
                                                     const struct vg_actor *by,
                                                     const char *const *posts, size_t n_posts,
                                                     char *err, size_t cap);
/**
 * Annex III: the order cannot be executed. reasons (n >= 1): "force_majeure",
 * "de_facto_impossibility", "manifest_errors", "insufficient_information". The clock pauses
 * until vg_order_clarified. explanation is required; clarification (what is needed) is required
 * for manifest_errors and insufficient_information.
 * Errors: VG_ENOENT, VG_EINVAL (acted on or paused already), VG_EFIELD, store errors.
 */
VG_API VG_NODISCARD vg_status vg_order_cannot_comply(vg_db *db, const struct vg_actor *by,
                                                     int64_t id, const char *const *reasons,
                                                     size_t n, const char *explanation,
                                                     const char *clarification, int64_t at,
                                                     char *err, size_t cap);
/** The authority clarified, or the grounds ceased: the one-hour clock restarts at `at`.
 * Errors: VG_ENOENT, VG_EINVAL (not paused), store errors. */
VG_API VG_NODISCARD vg_status vg_order_clarified(vg_db *db, const struct vg_actor *by, int64_t id,
                                                 const char *note, int64_t at, char *err,
                                                 size_t cap);
/**
 * Cross-border scrutiny (Art 4): state "requested" (the provider or the content provider asked
 * the host Member State), then "confirmed" (no infringement) or "revoked" (the order ceases to
 * have effect: content acted on is reinstated, recorded at `at`).
 * Errors: VG_ENOENT, VG_EINVAL (a transition not allowed), VG_EFIELD, store errors.
 */
VG_API VG_NODISCARD vg_status vg_order_scrutiny(vg_db *db, const struct vg_actor *by, int64_t id,
                                                const char *state, const char *note, int64_t at,
                                                char *err, size_t cap);
/** The Annex II (annex 2, after an action) or Annex III (annex 3, after cannot_comply) reply
 * as JSON. *found 0 when there is no such order or no such reply yet. */
VG_API VG_NODISCARD vg_status vg_order_annex_json(vg_db *db, int64_t id, int annex, char **out,
                                                  int *found);
/**
 * Receipt-to-action figures of the orders received in [from, to) (VG_TIME_UNKNOWN: no bound):
 * counts, the median and worst seconds from receipt to action, and from the clock's (re)start.
 */
VG_API VG_NODISCARD vg_status vg_order_stats_json(vg_db *db, int64_t from, int64_t to, char **out);
/**
 * The earliest instant the user behind a post may be told of a measure (Art 11(3)): the latest
 * gag_until of the orders that acted on it; VG_TIME_UNKNOWN when no order gags it. The
 * statement-of-reasons export holds the notice until then.
 */
VG_API VG_NODISCARD vg_status vg_notice_not_before(vg_db *db, const char *post_id, int64_t *out);

/**
 * Preserve a post and its account's data in the evidence vault until at + VG_EVIDENCE_KEEP
 * (Art 6): a copy of the stored rows as JSON with its BLAKE2b-256 hash. order_id: the order it
 * was removed under (0: a decision). basis: why (e.g. "decision 12"). The same post preserved
 * again for the same order is the stored item (*id_out). Errors: VG_ENOENT (no such post),
 * store errors.
 */
VG_API VG_NODISCARD vg_status vg_evidence_preserve(vg_db *db, const struct vg_actor *by,
                                                   const char *post_id, int64_t order_id,
                                                   const char *basis, int64_t at, int64_t *id_out);
/** {"evidence":[...]}: metadata only (never the content), newest first, at most limit. */
VG_API VG_NODISCARD vg_status vg_evidence_list_json(vg_db *db, int64_t now, int64_t limit,
                                                    char **out);
/** Keep an item until `until` (later than its expiry, at most VG_EVIDENCE_KEEP_MAX from now) for
 * the reason given (audited). Errors: VG_ENOENT, VG_EFIELD, store errors. */
VG_API VG_NODISCARD vg_status vg_evidence_extend(vg_db *db, const struct vg_actor *by, int64_t id,
                                                 int64_t until, const char *reason, char *err,
                                                 size_t cap);
/**
 * Read an item's content for a stated purpose: "review" (administrative or judicial review),
 * "complaint" (Art 10), "investigation" (prevention, detection, investigation or prosecution of
 * terrorist offences); note says what for. The access is audited before the content is handed
 * back. Errors: VG_ENOENT, VG_EFIELD, store errors.
 */
VG_API VG_NODISCARD vg_status vg_evidence_access(vg_db *db, const struct vg_actor *by, int64_t id,
                                                 const char *purpose, const char *note, char **out,
                                                 char *err, size_t cap);
/** Delete the items whose expiry is at or before now (SQLite secure_delete: the bytes are
 * overwritten); each deletion audited. *n_deleted, *n_kept: items deleted and left. */
VG_API VG_NODISCARD vg_status vg_evidence_expire(vg_db *db, const struct vg_actor *by, int64_t now,
                                                 int64_t *n_deleted, int64_t *n_kept);

/** The TCO Art 7(3) transparency report for a calendar year as JSON (docs/records.md). */
VG_API VG_NODISCARD vg_status vg_report_tco_json(vg_db *db, int year, char **out);
/** The same report as Markdown. */
VG_API VG_NODISCARD vg_status vg_report_tco_markdown(vg_db *db, int year, char **out);
/**
 * The monitoring dashboard's series over posts created in [from, to) (VG_TIME_UNKNOWN: no
 * bound): flagged posts per day and language, flagged accounts per day, network size and reach
 * per day, the top_n domains of flagged posts, returning accounts linked per day; and the
 * series the store does not hold named in "gaps". JSON, docs/records.md.
 */
VG_API VG_NODISCARD vg_status vg_dashboard_json(vg_db *db, int64_t from, int64_t to, int top_n,
                                                char **out);

/* ---------------------------------------------------------------------------------------------
 * Cases and queues (src/cases/cases_rules.c, cases_queue.c, cases_outbox.c, cases_sor.c;
 * docs/cases.md). Signals become cases by declarative rules; a case sits in a lane and is
 * ordered by priority = risk x reach x freshness; reviewers claim cases exclusively and decide;
 * decisions are delivered through a webhook and an outbox file, get DSA statements of reasons,
 * and may be appealed to another reviewer. Every change writes an audit entry in its own
 * transaction.
 * ------------------------------------------------------------------------------------------ */

/** Lanes, in queue order: threat to life first, then removal orders, trusted flaggers, rest. */
enum vg_lane {
    VG_LANE_URGENT = 0,
    VG_LANE_REMOVAL_ORDER = 1,
    VG_LANE_TRUSTED_FLAGGER = 2,
    VG_LANE_NORMAL = 3
};

typedef struct vg_rules vg_rules;

/**
 * Parse a rules file's text (JSON, docs/cases.md). On failure err names the rule and field
 * ("rules[2].when.post_score_min: must be a number from 0 to 1").
 * Errors: VG_EPARSE (not JSON), VG_EFIELD (a rule is wrong), VG_EUTF8, VG_ELIMIT (over 1 MiB),
 * VG_ENOMEM. Free with vg_rules_free().
 */
VG_API VG_NODISCARD vg_status vg_rules_parse(const char *text, size_t len, vg_rules **out,
                                             char *err, size_t cap);
/** vg_rules_parse on a file; err starts with the path. Also VG_ENOENT/VG_EIO. */
VG_API VG_NODISCARD vg_status vg_rules_read(const char *path, vg_rules **out, char *err,
                                            size_t cap);
VG_API void vg_rules_free(vg_rules *rules);
VG_API size_t vg_rules_count(const vg_rules *rules);

enum vg_rules_mode {
    VG_RULES_RUN,     /* open cases (rules marked shadow only record) */
    VG_RULES_SHADOW,  /* every rule records what it would open; no case is opened */
    VG_RULES_BACKTEST /* count only: nothing is written */
};

/**
 * Run the post rules over every stored post and the account rules over the accounts their
 * return links, storms or network scores bring in (docs/cases.md). *summary (the caller's,
 * vg_free) is one JSON object: {"mode","rules":[{"name","target" (account rules only),"lane",
 * "shadow","matched","opened","would_open","already_cased","decided","upheld","no_action"}],
 * "posts","matched_posts","opened","would_open","already_cased","accounts","matched_accounts"
 * (with account rules only),"seconds"}. A run or shadow run is one transaction with its audit
 * entry.
 * Errors: VG_EINVAL, VG_ENOMEM, store errors, those of network scoring and storm replay.
 */
VG_API VG_NODISCARD vg_status vg_rules_apply(vg_db *db, const struct vg_actor *by,
                                             const vg_rules *rules, enum vg_rules_mode mode,
                                             char **summary);

/*
 * Live account rules (`vigie ingest --returns --storms --rules FILE`; docs/cases.md, "Live
 * during ingest"): the account rules applied to each account a return link or a storm alert
 * names, as the link or alert is made, opening cases exactly as vg_rules_apply() would (the same
 * signals, sources and automated decisions; one case per account, so a later vg_rules_apply()
 * finds them already cased). Left to vg_rules_apply(): post rules, rules naming storm_member
 * or storm_score_min when no alerts are fed (storms 0), and the rule_shadow rows of shadow rules
 * (they are applied: a case lists every rule that matched). The network score is not computed: an
 * account_score_min condition does not hold live (a rule needing it at its top waits for the
 * batch). Each case opened is one transaction with an audit entry "rules.live" (object
 * "case:N", detail {"rule","trigger","at"}).
 */
typedef struct vg_rules_live vg_rules_live;

/** A case opened live (valid during the callback only). */
struct vg_rules_live_case {
    int64_t case_id;
    const char *account;
    const char *rule;    /* the first rule that opened it */
    const char *lane;    /* "urgent" or "normal" */
    const char *trigger; /* "link" or "storm" */
    int64_t at;          /* stream time of the link (linked_at) or alert (last_at) */
    const char *decided; /* the action its rule decided by itself ("decide"), or NULL */
};

typedef void (*vg_rules_live_case_fn)(const struct vg_rules_live_case *c, void *ud);

struct vg_rules_live_stats {
    uint64_t rules;         /* account rules applied live */
    uint64_t links, alerts; /* fed */
    uint64_t joins;         /* accounts joining open alerts, fed (vg_rules_live_storm_join) */
    uint64_t accounts;      /* accounts they named (an account each time it is named) */
    uint64_t already_cased; /* of those, under a case already (nothing read) */
    uint64_t matched;       /* read and matched by a rule applied live */
    uint64_t queued;        /* cases opened */
    uint64_t auto_decided;  /* of those, decided by their rule */
};

/**
 * Start applying rules live on db (the caller keeps db and rules until vg_rules_live_free).
 * by: the actor of the audit entries. storms: 1 when alerts will be fed. on_case (may be NULL)
 * is called after each case is committed. Errors: VG_EINVAL, VG_ENOMEM, store errors.
 */
VG_API VG_NODISCARD vg_status vg_rules_live_open(vg_db *db, const struct vg_actor *by,
                                                 const vg_rules *rules, int storms,
                                                 vg_rules_live_case_fn on_case, void *ud,
                                                 vg_rules_live **out);
/**
 * A return link of account was just stored (vg_returns_store_link): the account's stored row
 * (the link, followers, suspension) goes through the rules. at: the link's stream time.
 * Errors: VG_EINVAL, VG_ENOMEM, store errors.
 */
VG_API VG_NODISCARD vg_status vg_rules_live_link(vg_rules_live *l, const char *account, int64_t at);
/**
 * A storm alert was just raised (or reported final): it becomes its accounts' latest storm and
 * each account it names goes through the rules. With storm_score_min, their posts on its
 * hashtags from its onset to its last_at that vg_rules_live_post() kept are their storm scores;
 * an account not cased is judged again each time an alert names it, the end alert included.
 * Errors: as vg_rules_live_link().
 */
VG_API VG_NODISCARD vg_status vg_rules_live_storm(vg_rules_live *l,
                                                  const struct vg_storm_alert *alert);
/**
 * A post was just stored and scored (`vigie ingest --model` scores a post as it stores it): with
 * storm_score_min and alerts fed, a post with hashtags whose stored score reaches the lowest
 * storm_score_min of the rules is kept, for the alerts that later name its author (nothing is
 * kept otherwise). Feed each post before the storm detector sees it, so the post that makes an
 * account join counts at once; late posts too (the batch reads every stored post).
 * Errors: VG_EINVAL, VG_ENOMEM, VG_ELIMIT (16,777,216 hashtags of kept posts), store errors.
 */
VG_API VG_NODISCARD vg_status vg_rules_live_post(vg_rules_live *l, const struct vg_post *post);
/**
 * An open alert has gained accounts (vg_storm_opts.on_join): they go through the rules as they
 * join, [from, n_accounts) of alert, instead of waiting for the storm's end.
 * Errors: as vg_rules_live_link().
 */
VG_API VG_NODISCARD vg_status vg_rules_live_storm_join(vg_rules_live *l,
                                                       const struct vg_storm_alert *alert,
                                                       size_t from);
VG_API void vg_rules_live_stats(const vg_rules_live *l, struct vg_rules_live_stats *out);
VG_API void vg_rules_live_free(vg_rules_live *l);

/** Why a casework call did not do what it was asked (its status is VG_OK then). */
enum vg_case_outcome {
    VG_CASE_DONE = 0,
    VG_CASE_NOT_FOUND, /* no such case (or appeal) */
    VG_CASE_CONFLICT,  /* claimed by another, already decided, nothing to appeal... */
    VG_CASE_FORBIDDEN, /* not the claimant; the original decider deciding an appeal */
    VG_CASE_BAD_FIELD  /* a field is wrong: err names it */
};

/** The queue's filter; NULL / 0 fields: any. */
struct vg_queue_filter {
    const char *lane;   /* "urgent", "removal_order", "trusted_flagger", "normal" */
    const char *status; /* "open" (default when NULL), "decided", "appealed", "any" */
    int mine;           /* only cases the viewer claimed */
    int unclaimed;      /* only cases nobody claimed */
    double min_priority;
    int64_t limit; /* 0: 100 */
};

/** The queue as {"cases":[...]}: lanes in enum vg_lane order, then priority, highest first. */
VG_API VG_NODISCARD vg_status vg_queue_json(vg_db *db, const struct vg_actor *viewer,
                                            const struct vg_queue_filter *f, char **json);
/**
 * One case with everything a reviewer needs: {"case":{...},"posts","scores","matches",
 * "list_hits","account","history","return_links","neighbourhood","moderation","sources",
 * "decisions","appeals","audit","priority_explained"}; media and avatars as
 * {"url","blurred":true}; "audit" is the case's audit trail ({"seq","at","actor" (pseudonym),
 * "action","detail"}, oldest first). *found 0 when no such case (json NULL).
 */
VG_API VG_NODISCARD vg_status vg_case_json(vg_db *db, const struct vg_actor *viewer, int64_t id,
                                           char **json, int *found);
/** Claim a case exclusively (a second claim by another gets VG_CASE_CONFLICT). */
VG_API VG_NODISCARD vg_status vg_case_claim(vg_db *db, const struct vg_actor *by, int64_t id,
                                            enum vg_case_outcome *out);
/** Give a claim back; `force` (leads, admins) releases another's claim. */
VG_API VG_NODISCARD vg_status vg_case_release(vg_db *db, const struct vg_actor *by, int64_t id,
                                              int force, enum vg_case_outcome *out);

/** Actions of a decision: X(enum suffix, name). */
#define VG_ACTION_MAP(X)                                                                           \
    X(NO_ACTION, "no_action")                                                                      \
    X(LABEL, "label")                                                                              \
    X(REMOVE_POST, "remove_post")                                                                  \
    X(RESTRICT_VISIBILITY, "restrict_visibility")                                                  \
    X(SUSPEND_ACCOUNT, "suspend_account")                                                          \
    X(GEO_RESTRICT, "geo_restrict")                                                                \
    X(ESCALATE_LE, "escalate_law_enforcement")

/** A decision as asked for. */
struct vg_decision_in {
    const char *action;               /* a name of VG_ACTION_MAP */
    const char *const *jurisdictions; /* geo_restrict: ISO 3166-1 alpha-2 codes or "EU" */
    size_t n_jurisdictions;
    const char *ground;       /* "illegal_content" or "incompatible_with_terms" */
    const char *legal_ground; /* e.g. "Regulation (EU) 2021/784 Art. 2(7)"; NULL: none */
    const char *explanation;  /* free text shown in the statement of reasons; may be NULL */
    int automated;            /* decided by automated means */
};

/** Delay before enforcement: uniform in [min, max] seconds (0, 0: none). */
struct vg_enforce_delay {
    int64_t min, max;
};

/**
 * Decide a case its caller has claimed: stores the decision, the action in the outbox (due
 * after the random delay), the statement of reasons, and an audit entry; the claim ends.
 * escalate_law_enforcement moves the case to the urgent lane and keeps it open.
 * *decision_id is the new decision's id.
 */
VG_API VG_NODISCARD vg_status vg_case_decide(vg_db *db, const struct vg_actor *by, int64_t id,
                                             const struct vg_decision_in *in,
                                             const struct vg_enforce_delay *delay,
                                             int64_t *decision_id, enum vg_case_outcome *out,
                                             char *err, size_t cap);
/** A decision as a JSON object (what the outbox and webhook carry); *found 0 when none. */
VG_API VG_NODISCARD vg_status vg_decision_json(vg_db *db, int64_t id, char **json, int *found);

/**
 * File an appeal against a case's latest decision on the affected user's behalf (trusted
 * flaggers, reviewers, leads, admins: docs/cases.md). Conflict when the case has no decision or
 * an open appeal.
 */
VG_API VG_NODISCARD vg_status vg_appeal_file(vg_db *db, const struct vg_actor *by, int64_t id,
                                             const char *reason, int64_t *appeal_id,
                                             enum vg_case_outcome *out, char *err, size_t cap);
/**
 * Decide a case's open appeal: "upheld" (the decision stands) or "reversed" (a no_action
 * decision naming the reversed one is added and delivered). Forbidden for the reviewer who made
 * the appealed decision.
 */
VG_API VG_NODISCARD vg_status vg_appeal_decide(vg_db *db, const struct vg_actor *by, int64_t id,
                                               const char *outcome, enum vg_case_outcome *out,
                                               char *err, size_t cap);

/** Trusted flaggers' accuracy: [{"pseudonym","notices","decided","upheld","accuracy","muted"}]
 *  (only the viewer's own row for a trusted flagger; "filer" ids for leads and admins). */
VG_API VG_NODISCARD vg_status vg_flaggers_json(vg_db *db, const struct vg_actor *viewer,
                                               char **json);
/** Mute (muted 1) or unmute a reporter ("user:ID" / "token:ID"): its notices are still stored
 *  and counted but open no case. *changed 0 when it already was so. */
VG_API VG_NODISCARD vg_status vg_flagger_mute(vg_db *db, const struct vg_actor *by,
                                              const char *filer, int muted, const char *reason,
                                              int *changed);

/** Bulk actions over cases: "claim", "release" (by a lead: any claim). *json: per case result
 *  {"results":[{"id","result"}],"done":N,"refused":N,"failed":N}. At most 500 ids. A store error
 *  ends the loop and is returned with *json still set (free it): the cases before stay done, that
 *  case's result is "error" (with "error", the message), the rest "not_attempted", and the
 *  answer carries "error" too; "failed" counts the two. */
VG_API VG_NODISCARD vg_status vg_cases_bulk(vg_db *db, const struct vg_actor *by,
                                            const char *action, const int64_t *ids, size_t n,
                                            char **json);
/**
 * Decide many cases the same way: each id as vg_case_decide() would (its own transaction, the
 * claimant only, a delay drawn per case, outbox, statement of reasons, audit entry), so a case
 * refused stores nothing and does not undo the others. The decision is checked once first: a
 * bad field gives *out VG_CASE_BAD_FIELD, err the reason, and nothing is stored. Otherwise *out
 * is VG_CASE_DONE and *json {"results":[{"id","result","decision"|"error"}],"done":N,
 * "refused":N,"failed":N}, result "done", "not_found", "conflict" (decided) or "forbidden"
 * (not the caller's claim). At most 500 ids (VG_EINVAL beyond). A store error ends the loop as
 * in vg_cases_bulk().
 */
VG_API VG_NODISCARD vg_status vg_cases_bulk_decide(vg_db *db, const struct vg_actor *by,
                                                   const int64_t *ids, size_t n,
                                                   const struct vg_decision_in *in,
                                                   const struct vg_enforce_delay *delay,
                                                   enum vg_case_outcome *out, char **json,
                                                   char *err, size_t cap);
/** Set or clear (VG_TIME_UNKNOWN) a case's gag date: no statement of reasons is exported
 *  before it. *found 0 when no such case. */
VG_API VG_NODISCARD vg_status vg_case_not_before(vg_db *db, const struct vg_actor *by, int64_t id,
                                                 int64_t not_before, int *found);

/** Casework settings of a running server: the random delay before enforcing a decision. */
VG_API void vg_server_cases_config(vg_server *s, const struct vg_enforce_delay *delay);

/* ---- action delivery ------------------------------------------------------------------------ */

struct vg_outbox_opts {
    const char *webhook_url; /* "http://host:port/path" (NULL: file only) */
    /* Shared secret (NULL or "": unsigned). Each webhook request then carries
     * X-Vigie-Timestamp (Unix seconds) and X-Vigie-Signature: "sha256=" + hex HMAC-SHA256 of
     * "<timestamp>.<body>" under the secret (docs/cases.md). */
    const char *webhook_secret;
    const char *outbox_path; /* JSONL file every action is appended to (NULL: none) */
    int max_attempts;        /* webhook tries per action (0: 8) */
    int64_t backoff_base;    /* seconds; attempt k waits base * 2^(k-1) (0: 30) */
    int64_t backoff_max;     /* seconds (0: 3600) */
    int timeout_ms;          /* per request (0: 5000) */
};

struct vg_outbox_stats {
    int64_t due, filed, delivered, failed; /* failed: this pass */
};

/**
 * One delivery pass at `now`: every due action is appended to the outbox file (once) and posted
 * to the webhook; a 2xx answer marks it delivered, anything else schedules a retry with
 * exponential backoff until max_attempts.
 */
VG_API VG_NODISCARD vg_status vg_outbox_flush(vg_db *db, const struct vg_outbox_opts *o,
                                              int64_t now, struct vg_outbox_stats *out);

/* ---- statements of reasons and DSA counters ------------------------------------------------- */

/**
 * Make the DSA statement of reasons (Transparency Database schema, docs/cases.md) of every
 * decision that has none; *made counts them. Already made ones are kept (puid is unique).
 */
VG_API VG_NODISCARD vg_status vg_sor_make(vg_db *db, const char *platform_name, int64_t *made);
/**
 * Statements of decisions with id > after, decided at or after `since` (VG_TIME_UNKNOWN: any),
 * whose case has no gag date after now, at most 100 as {"statements":[...]} into *json;
 * *last is the last decision id in it (pass it as `after` for the next batch); *held counts
 * statements held back by gag dates.
 */
VG_API VG_NODISCARD vg_status vg_sor_batch(vg_db *db, int64_t after, int64_t since, char **json,
                                           int64_t *last, int64_t *n, int64_t *held);
/** Check one statement (a JSON object) against the field rules; 1 when valid, else 0 and err. */
VG_API int vg_sor_valid(const char *json, char *err, size_t cap);
/** DSA transparency counters for decisions and intake in [from, to) as one JSON object. */
VG_API VG_NODISCARD vg_status vg_dsa_report_json(vg_db *db, int64_t from, int64_t to, char **json);

#ifdef __cplusplus
}
#endif
#endif /* VIGIE_H */
