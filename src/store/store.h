/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store.h: the storage interface. Callers use the vg_db functions (vigie.h and below); each back
 * end fills one struct vg_store_ops. SQLite is the embedded default (store_sqlite.c); a
 * PostgreSQL back end implements the same table, so no caller changes when it arrives.
 *
 * Every put is idempotent, keyed as docs/events.md says: replaying an input, or receiving an
 * event twice, changes nothing. store.c groups puts into transactions of VG_STORE_BATCH events:
 * a crash loses at most the open batch, which a re-run then stores (the rest count as duplicates).
 */
#ifndef VG_STORE_H
#define VG_STORE_H

#include "core.h"
#include "text.h"

#define VG_STORE_BATCH 50000

/*
 * Reads for the network stage (src/graph/). A scan streams rows of one kind, in no particular
 * order, to a callback; strings in a row are valid during the call only. `before`
 * (VG_TIME_UNKNOWN: no limit) keeps only rows strictly earlier, so an analysis can run "as of"
 * an instant; follows without a time (follower-id lists) are always kept, as nothing tells when
 * they began. `from` (VG_TIME_UNKNOWN: no limit) is used by VG_SCAN_ACTIVITY only.
 *
 *   kind               account   other          item               at          count  score/flag
 *   ACCOUNTS           id        -              handle             first_seen  followers (-1)
 *   FOLLOWS, UNFOLLOWS src       dst            -                  at (or UNKNOWN)
 *   INTERACTIONS       author    replied/reposted/quoted author    "reply"|"repost"|"quote"  at
 *   MENTIONS           author    -              handle as written  at
 *   MODERATION         account   -              "suspension"|"reinstatement"  at (ascending)
 *   POST_SCORES        author    -              post id            at          -      max over
 *                                                                                     models
 *   HASHTAGS, DOMAINS  author    -              normalised tag / domain  at
 *   ACTIVITY           author    -              language ("und")   latest post  posts in
 *                                                                               [from, before)
 *   POSTS_BY_TIME      author    post id        hashtags 0x1f urls 0x1f repost_of 0x1f text
 *                                               (list items joined by 0x1e)  at (ascending)
 *     (POSTS_BY_TIME: in time order, ties in storing order; `from` applies)
 */
enum vg_scan {
    VG_SCAN_ACCOUNTS,
    VG_SCAN_FOLLOWS,
    VG_SCAN_UNFOLLOWS,
    VG_SCAN_INTERACTIONS,
    VG_SCAN_MENTIONS,
    VG_SCAN_MODERATION,
    VG_SCAN_POST_SCORES,
    VG_SCAN_HASHTAGS,
    VG_SCAN_DOMAINS,
    VG_SCAN_ACTIVITY,
    VG_SCAN_POSTS_BY_TIME,     /* storms (src/storm/): see above */
    VG_SCAN_IDENTITIES,        /* returning accounts (src/link/): see below */
    VG_SCAN_POST_MENTIONS,     /* returning accounts (src/link/): see below */
    VG_SCAN_PAST_HANDLES,      /* handles accounts had before: account, handle in item, first
                                  sighting in at, last in count */
    VG_SCAN_RETURN_REJECTIONS, /* links a reviewer rejected: account, replaces in other, the
                                  time of the rejection in at (every row: before and from are
                                  not applied) */
    VG_SCAN__COUNT
};

struct vg_scan_row {
    const char *account;
    const char *other;
    const char *item;
    int64_t at;
    int64_t count;
    double score;
    int flagged;
    /* Columns 8-11, filled by the scans that have them (NULL otherwise):
     *   ACCOUNTS       current display name and bio (avatar and list NULL)
     *   IDENTITIES     account's identity (handle in item, first sighting in at, last in count):
     *                  name, bio, avatar URL; and the avatar's PDQ hash and quality below
     *   POST_MENTIONS  post by account (id in other, text in item, at): mentions as a JSON
     *                  array in list; every post, text and list NULL when it mentions nobody */
    const char *name;
    const char *bio;
    const char *avatar;
    const char *list;
    const char *avatar_pdq; /* IDENTITIES: 64 hex digits or NULL */
    int avatar_pdq_quality; /* IDENTITIES: 0..100, -1 when not known */
};

typedef vg_status (*vg_scan_fn)(const struct vg_scan_row *row, void *ud);

/* A link of a new account to the suspended account it replaces (table return_links). */
struct vg_store_return_link {
    const char *account, *replaces, *persona;
    double score;
    int64_t linked_at;    /* simulated time the link was made */
    const char *evidence; /* JSON array */
};

/* A reviewer's rejection of the link of account to replaces (table return_rejections). */
struct vg_store_return_reject {
    const char *account, *replaces, *actor, *note;
    int64_t at;
};

/* What a rejection changed: kept before (already), the stored link deleted (removed), links
 * whose persona was recomputed to another (personas). */
struct vg_store_return_reject_out {
    int already, removed;
    int64_t personas;
};

/* A storm alert (table storm_alerts, its accounts in storm_accounts), keyed by hashtag and
 * onset: storing it again (its final version, a re-run) updates the row and adds accounts. */
struct vg_store_storm_alert {
    const char *hashtag, *link; /* link NULL for a copy storm */
    int64_t onset, detected_at, last_at;
    int ended;
    uint64_t posts;
    const char *const *accounts;
    size_t n_accounts;
    const char *json; /* the alert as vigie storms prints it */
};

/* A stored post matched a bank item (table post_matches). */
struct vg_store_post_match {
    const char *post, *bank;
    int64_t item;
    enum vg_item_type kind;
    double distance; /* Hamming for pdq, 1 - similarity for text, 0 for the exact kinds */
};

/* A media item of a stored post with its hashes (table post_media); NULL: not known. */
struct vg_store_media_row {
    const char *post;
    int idx; /* place in the post's media list */
    const char *type;
    const char *pdq;
    int pdq_quality; /* -1: not given */
    const char *md5, *sha256;
};

typedef vg_status (*vg_store_media_fn)(const struct vg_store_media_row *r, void *ud);

struct vg_store_cases_ops;
struct vg_store_records_ops;
struct vg_store_queue_ops;

struct vg_store_ops {
    const char *name;
    /* errmsg (cap bytes) receives the message of any failure, for vg_db_errmsg(). */
    vg_status (*open)(const char *path, void **state, char *errmsg, size_t cap);
    void (*close)(void *state);
    vg_status (*begin)(void *state);
    vg_status (*commit)(void *state);
    vg_status (*rollback)(void *state);
    int (*schema_version)(void *state);

    vg_status (*has_post)(void *state, const char *id, int *found);
    vg_status (*put_post)(void *state, const struct vg_event *ev, const struct vg_post_derived *d,
                          enum vg_put_result *res);
    vg_status (*put_account)(void *state, const struct vg_event *ev, enum vg_put_result *res);
    vg_status (*put_edge)(void *state, const struct vg_event *ev, enum vg_put_result *res);
    vg_status (*put_moderation)(void *state, const struct vg_event *ev, enum vg_put_result *res);
    vg_status (*put_report)(void *state, const struct vg_event *ev, enum vg_put_result *res);
    vg_status (*put_deletion)(void *state, const struct vg_event *ev, enum vg_put_result *res);
    /* Keep a rejected record (the dead-letter table). */
    vg_status (*put_reject)(void *state, const struct vg_reject *r, int64_t at);
    /* Keep a classifier score of a post (replacing the same model's earlier one). */
    vg_status (*put_score)(void *state, const char *post_id, const char *model,
                           const struct vg_post_score *s, int64_t at);
    vg_status (*stats_json)(void *state, size_t top_n, struct vg_buf *out);
    /* Reads for the network stage (src/graph/): stream the rows of one kind to fn (see
     * enum vg_scan below). Stops at the first status other than VG_OK that fn returns, and
     * returns it. */
    vg_status (*scan)(void *state, enum vg_scan kind, int64_t from, int64_t before, vg_scan_fn fn,
                      void *ud);
    /* Returning accounts (src/link/): replace every stored link with these n, in one
     * transaction of its own (the caller has committed pending writes). */
    vg_status (*put_return_links)(void *state, const struct vg_store_return_link *links, size_t n);
    /* One link made live (insert, or replace that account's link), in the open transaction. */
    vg_status (*add_return_link)(void *state, const struct vg_store_return_link *link);
    /* The link stored for account: its replaces copied into replaces (cap bytes), *found 0
     * when there is none. */
    vg_status (*get_return_link)(void *state, const char *account, char *replaces, size_t cap,
                                 int *found);
    /* Keep a reviewer's rejection and apply it to the stored links, in the open transaction:
     * the link of r->account to r->replaces is deleted, and the links of its persona are given
     * the persona their chain of links now leads to. */
    vg_status (*reject_return_link)(void *state, const struct vg_store_return_reject *r,
                                    struct vg_store_return_reject_out *out);
    /* Storm alerts (src/storm/): insert or update one, in the open transaction. */
    vg_status (*put_storm_alert)(void *state, const struct vg_store_storm_alert *a);
    /* A post's highest score over models, *found 0 when no model scored it; reads the open
     * transaction's writes (live rules: the score the ingest has just stored). */
    vg_status (*post_score)(void *state, const char *post, double *score, int *found);
    /* Lists of sites and the per-domain reads (src/sites/): see struct vg_store_sites_ops. */
    const struct vg_store_sites_ops *sites;
    /* Casework tables (users, tokens, sessions, audit, reports): store_cases.h. */
    const struct vg_store_cases_ops *cases;
    /* Removal orders, evidence vault, report and dashboard reads: store_records.h. */
    const struct vg_store_records_ops *records;
    /* Cases, queues, decisions, appeals, statements of reasons: store_queue.h. */
    const struct vg_store_queue_ops *queue;
    /* Banks of known items (src/known/): the vg_bank_* functions of vigie.h; `now` is the
     * time written as added/updated/deleted. bank_put sets *id to the item's id. */
    vg_status (*bank_create)(void *state, const char *name, const char *description, int64_t now,
                             int *created);
    vg_status (*bank_list)(void *state, vg_bank_list_fn fn, void *ud);
    vg_status (*bank_put)(void *state, const struct vg_bank_item *it, int64_t now,
                          enum vg_bank_change *change, int64_t *id);
    vg_status (*bank_delete)(void *state, const char *bank, enum vg_item_type type,
                             const char *value, const char *external_id, int64_t now,
                             enum vg_bank_change *change);
    vg_status (*bank_scan)(void *state, const char *bank, int with_deleted, vg_bank_item_fn fn,
                           void *ud);
    /* How far an exchange's feed was read into a bank (appended to out; *found 0 if never). */
    vg_status (*checkpoint_get)(void *state, const char *bank, const char *source,
                                struct vg_buf *out, int *found);
    vg_status (*checkpoint_put)(void *state, const char *bank, const char *source,
                                const char *checkpoint, int64_t now);
    /* Keep a match; *inserted 0 when it was stored already (same post, item and kind). */
    vg_status (*put_post_match)(void *state, const struct vg_store_post_match *m, int64_t now,
                                int *inserted);
    /* Every stored media item with a hash, in the posts' time order, then by place. */
    vg_status (*post_media_scan)(void *state, vg_store_media_fn fn, void *ud);
};

/*
 * Lists of sites (src/sites/, tables site_lists, site_list_entries, site_list_changes) and the
 * rows per-domain statistics read. The caller runs writes inside ops->begin/commit. Strings of a
 * single row handed back (*info, *e) are copied into the caller's arena; strings of rows streamed
 * to a callback are valid during the call.
 */
struct vg_store_url_row {
    int64_t post; /* the post's row id */
    const char *account;
    int64_t at;       /* the post's created_at */
    const char *url;  /* canonical */
    const char *host; /* post_urls.domain */
    int flagged;      /* a classifier flagged the post */
};

typedef vg_status (*vg_store_url_row_fn)(const struct vg_store_url_row *row, void *ud);
typedef vg_status (*vg_store_str_fn)(const char *s, void *ud);

struct vg_store_sites_ops {
    vg_status (*list_find)(void *state, const char *name, struct vg_arena *a, int64_t *id,
                           struct vg_list_info *info, int *found);
    vg_status (*list_insert)(void *state, const char *name, const char *scope,
                             const char *description, int64_t now, int64_t *id);
    vg_status (*list_set_description)(void *state, int64_t id, const char *description);
    vg_status (*lists_each)(void *state, vg_list_info_fn fn, void *ud);
    /* The entry in force of that kind and value (*found 0 if none). */
    vg_status (*entry_in_force)(void *state, int64_t list, enum vg_list_kind kind,
                                const char *value, struct vg_arena *a, int64_t *entry_id,
                                struct vg_list_entry *e, int *found);
    /* 1 in *found when a withdrawn entry with that kind, value and dates exists. */
    vg_status (*entry_withdrawn_exists)(void *state, int64_t list, enum vg_list_kind kind,
                                        const char *value, int64_t added, int64_t withdrawn,
                                        int *found);
    vg_status (*entry_insert)(void *state, int64_t list, const struct vg_list_entry *e);
    /* Replace added, source, note and the Mastodon fields. */
    vg_status (*entry_update)(void *state, int64_t entry_id, const struct vg_list_entry *e);
    vg_status (*entry_withdraw)(void *state, int64_t entry_id, int64_t at);
    /* list < 0: every list. e->list is the list's name. */
    vg_status (*entries_each)(void *state, int64_t list, int with_withdrawn, vg_list_entry_fn fn,
                              void *ud);
    vg_status (*change_put)(void *state, const struct vg_list_change *c);
    vg_status (*changes_each)(void *state, const char *list, vg_list_change_fn fn, void *ud);
    /* Every (post, URL) with a host, with the post's author, time and whether it is flagged. */
    vg_status (*url_rows)(void *state, vg_store_url_row_fn fn, void *ud);
    /* Accounts with at least one flagged post. */
    vg_status (*flagged_accounts)(void *state, vg_store_str_fn fn, void *ud);
};

extern const struct vg_store_ops vg__store_sqlite;
extern const struct vg_store_sites_ops vg__store_sqlite_sites;

/* Store an event with what the text stage derived (posts only; NULL for other types). */
vg_status vg__db_put_derived(vg_db *db, const struct vg_event *ev, const struct vg_post_derived *d,
                             enum vg_put_result *res);
vg_status vg__db_has_post(vg_db *db, const char *id, int *found);
vg_status vg__db_put_reject(vg_db *db, const struct vg_reject *r);
vg_status vg__db_put_score(vg_db *db, const char *post_id, const char *model,
                           const struct vg_post_score *s);
/*
 * With manual flush on, puts never commit by themselves: the caller commits with vg_db_flush()
 * where it suits it (ingest does so between records, so what it reports as stored is exactly
 * what was committed). vg__db_pending() tells how many events wait in the open transaction.
 */
void vg__db_set_manual_flush(vg_db *db, int on);
size_t vg__db_pending(const vg_db *db);
/* Roll back the open batch (after a failure that ends an ingest). */
void vg__db_abort(vg_db *db);
/* Stream rows of one kind to fn (struct vg_store_ops.scan), after committing pending writes. */
vg_status vg__db_scan(vg_db *db, enum vg_scan kind, int64_t from, int64_t before, vg_scan_fn fn,
                      void *ud);
/* Replace the stored return links (struct vg_store_ops.put_return_links), after committing
 * pending writes. */
vg_status vg__db_put_return_links(vg_db *db, const struct vg_store_return_link *links, size_t n);
/* The stored link of account (struct vg_store_ops.get_return_link), after committing pending
 * writes. */
vg_status vg__db_get_return_link(vg_db *db, const char *account, char *replaces, size_t cap,
                                 int *found);
/* Keep a rejection (struct vg_store_ops.reject_return_link) in the open transaction (the caller
 * begins and commits it: vg__db_txn_begin). */
vg_status vg__db_reject_return_link(vg_db *db, const struct vg_store_return_reject *r,
                                    struct vg_store_return_reject_out *out);
/* A post's stored score (struct vg_store_ops.post_score), once per post of a live ingest: a
 * statement prepared with the connection, and no flush (the batch's own writes are visible). */
vg_status vg__db_post_score(vg_db *db, const char *post, double *score, int *found);
/* Add one link made live (struct vg_store_ops.add_return_link) to the pending batch of writes:
 * an ingest commits it with the events that made it. */
vg_status vg__db_add_return_link(vg_db *db, const struct vg_store_return_link *link);
/* Add a storm alert (struct vg_store_ops.put_storm_alert) to the pending batch of writes. */
vg_status vg__db_put_storm_alert(vg_db *db, const struct vg_store_storm_alert *a);

/* The sites operations and state of db's back end, after committing pending writes. Writes
 * go inside (*ops)->begin/commit, or rollback on failure. */
vg_status vg__db_sites(vg_db *db, const struct vg_store_ops **ops,
                       const struct vg_store_sites_ops **sites, void **state);

/* Banks of known items (src/known/): writes join the open batch like puts; reads commit
 * pending writes first. */
vg_status vg__db_bank_create(vg_db *db, const char *name, const char *description, int *created);
vg_status vg__db_bank_list(vg_db *db, vg_bank_list_fn fn, void *ud);
vg_status vg__db_bank_put(vg_db *db, const struct vg_bank_item *it, enum vg_bank_change *change,
                          int64_t *id);
vg_status vg__db_bank_delete(vg_db *db, const char *bank, enum vg_item_type type, const char *value,
                             const char *external_id, enum vg_bank_change *change);
vg_status vg__db_bank_scan(vg_db *db, const char *bank, int with_deleted, vg_bank_item_fn fn,
                           void *ud);
vg_status vg__db_checkpoint_get(vg_db *db, const char *bank, const char *source, struct vg_buf *out,
                                int *found);
vg_status vg__db_checkpoint_put(vg_db *db, const char *bank, const char *source,
                                const char *checkpoint);
vg_status vg__db_put_post_match(vg_db *db, const struct vg_store_post_match *m, int *inserted);
/* Stream the hashed media of stored posts (struct vg_store_ops.post_media_scan), after
 * committing pending writes. */
vg_status vg__db_post_media_scan(vg_db *db, vg_store_media_fn fn, void *ud);

#endif /* VG_STORE_H */
