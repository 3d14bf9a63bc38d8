/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store_sqlite.c: the embedded SQLite back end. One file, WAL journal (readers never block the
 * writer), prepared statements made once per handle, schema migrations recorded in a version
 * table. Idempotence comes from unique keys and INSERT OR IGNORE: sqlite3_changes() tells a new
 * row from a duplicate without a second query.
 *
 * Accounts keep their latest profile (by observed_at) in `accounts`, with the identity (handle,
 * name, bio, avatar) they have now and since when; the identities they had before are in
 * `account_history`, and the view `account_identities` gives all of them with first and last
 * sighting: the returning-accounts stage matches new accounts against it.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store.h"
#include "store_queue.h"
#include "store_sqlite_int.h"

/* ---- schema -------------------------------------------------------------------------------- */

/*
 * Migration k brings the schema from version k to k+1. Append only; never edit a released one.
 *
 * Only the keys that make writes idempotent are indexed: every secondary index costs a B-tree
 * insert per row, and bench/bench_ingest measured ingest at 0.21 of the parse-only baseline with
 * six of them and 0.32 without. A later stage adds (in a new migration) the indexes its own
 * queries need.
 */
static const char *const migrations[] = {
    /* 0 -> 1: events of the foundation. */
    "CREATE TABLE posts ("
    "  rowid INTEGER PRIMARY KEY,"
    "  id TEXT NOT NULL UNIQUE,"
    "  platform TEXT,"
    "  account TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  text TEXT NOT NULL,"
    "  text_norm TEXT,"
    "  lang TEXT,"
    "  lang_identified INTEGER NOT NULL DEFAULT 0,"
    "  lang_confidence REAL,"
    "  reply_to TEXT, repost_of TEXT, quote_of TEXT,"
    "  hashtags TEXT, mentions TEXT, urls TEXT, media TEXT"
    ");"
    "CREATE TABLE post_hashtags (post INTEGER NOT NULL, tag TEXT NOT NULL);"
    "CREATE TABLE post_urls (post INTEGER NOT NULL, url TEXT NOT NULL, domain TEXT);"
    "CREATE TABLE accounts ("
    "  id TEXT PRIMARY KEY,"
    "  platform TEXT, handle TEXT, name TEXT, bio TEXT,"
    "  created_at INTEGER, followers INTEGER, following INTEGER, posts INTEGER,"
    "  avatar_url TEXT,"
    "  observed_at INTEGER NOT NULL,"
    "  first_seen INTEGER NOT NULL,"
    "  profile_hash INTEGER NOT NULL"
    ");"
    "CREATE TABLE account_history ("
    "  account TEXT NOT NULL,"
    "  ident_hash INTEGER NOT NULL,"
    "  handle TEXT, name TEXT, bio TEXT, avatar_url TEXT,"
    "  first_seen INTEGER NOT NULL,"
    "  last_seen INTEGER NOT NULL,"
    "  UNIQUE(account, ident_hash)"
    ");"
    "CREATE TABLE edges ("
    "  kind TEXT NOT NULL CHECK (kind IN ('follow','unfollow')),"
    "  src TEXT NOT NULL, dst TEXT NOT NULL, at INTEGER,"
    "  platform TEXT"
    ");"
    "CREATE UNIQUE INDEX edges_key ON edges(kind, src, dst, ifnull(at, -1));"
    "CREATE TABLE moderation ("
    "  kind TEXT NOT NULL CHECK (kind IN ('suspension','reinstatement')),"
    "  account TEXT NOT NULL, at INTEGER NOT NULL, reason TEXT, platform TEXT,"
    "  UNIQUE(kind, account, at)"
    ");"
    "CREATE TABLE reports ("
    "  key TEXT NOT NULL UNIQUE,"
    "  id TEXT, reporter TEXT, target TEXT NOT NULL, posts TEXT, reason TEXT,"
    "  at INTEGER NOT NULL, platform TEXT"
    ");"
    "CREATE TABLE deletions ("
    "  target TEXT NOT NULL, target_type TEXT NOT NULL, at INTEGER NOT NULL, reason TEXT,"
    "  platform TEXT,"
    "  UNIQUE(target_type, target)"
    ");"
    "CREATE TABLE dead_letters ("
    "  rowid INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL, file TEXT, line INTEGER, offset INTEGER, item INTEGER,"
    "  format TEXT, reason TEXT NOT NULL, raw BLOB, raw_truncated INTEGER NOT NULL"
    ");",
    /* 1 -> 2: the identity an account has now lives in its accounts row (ident_hash, and
     * ident_since: its first sighting); account_history keeps the identities it had before, and
     * gets a row only when an account leaves one or an older snapshot shows one. Writing history
     * on every snapshot cost an eighth of ingest time (perf on bench_ingest). v1 files wrote the
     * current identity to history too; the backfill reads it from there. */
    "ALTER TABLE accounts ADD COLUMN ident_hash INTEGER;"
    "ALTER TABLE accounts ADD COLUMN ident_since INTEGER;"
    "UPDATE accounts SET (ident_hash, ident_since) = (SELECT h.ident_hash, h.first_seen"
    " FROM account_history h WHERE h.account = accounts.id AND h.handle IS accounts.handle"
    " AND h.name IS accounts.name AND h.bio IS accounts.bio"
    " AND h.avatar_url IS accounts.avatar_url);"
    /* Every identity of every account, past and current, with first and last sighting. */
    "CREATE VIEW account_identities AS"
    " SELECT account, ident_hash, handle, name, bio, avatar_url,"
    "  min(first_seen) AS first_seen, max(last_seen) AS last_seen FROM ("
    "  SELECT account, ident_hash, handle, name, bio, avatar_url, first_seen, last_seen"
    "   FROM account_history"
    "  UNION ALL"
    "  SELECT id, ident_hash, handle, name, bio, avatar_url, ident_since, observed_at"
    "   FROM accounts WHERE ident_hash IS NOT NULL)"
    " GROUP BY account, ident_hash;",
    /* 2 -> 3: classifier scores (docs/classifier.md), one row per post and model; categories and
     * exempt are bit sets (bit k: enum vg_tco_category k; VG_EXEMPT_*). Review queues read the
     * highest scores of a model first, hence the index. */
    "CREATE TABLE post_scores ("
    "  post_id TEXT NOT NULL, model TEXT NOT NULL,"
    "  score REAL NOT NULL, flagged INTEGER NOT NULL, categories INTEGER NOT NULL,"
    "  threat REAL NOT NULL, escalate INTEGER NOT NULL, exempt INTEGER NOT NULL, lang TEXT,"
    "  scored_at INTEGER NOT NULL,"
    "  PRIMARY KEY (post_id, model)"
    ") WITHOUT ROWID;"
    "CREATE INDEX post_scores_rank ON post_scores(model, score DESC);",
    /* 3 -> 4: returning accounts (src/link/, docs/returns.md): a new account linked to the
     * suspended account it replaces, when the link was made (simulated time, from the data),
     * the persona (the first account of the chain) and the evidence as a JSON array. */
    "CREATE TABLE return_links ("
    "  account TEXT PRIMARY KEY,"
    "  replaces TEXT NOT NULL,"
    "  persona TEXT NOT NULL,"
    "  score REAL NOT NULL,"
    "  linked_at INTEGER NOT NULL,"
    "  evidence TEXT NOT NULL,"
    "  stored_at INTEGER NOT NULL"
    ");"
    "CREATE INDEX return_links_persona ON return_links(persona);",
    /* 4 -> 5: lists of sites (src/sites/, docs/sites.md): lists with a scope ("global" or a
     * jurisdiction code), their entries with the dates they apply (an entry withdrawn and added
     * again is a new row: at most one row of a value is in force, hence the partial unique
     * index), and an append-only log of every change (triggers refuse updates and deletes). */
    "CREATE TABLE site_lists ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  scope TEXT NOT NULL,"
    "  description TEXT,"
    "  created_at INTEGER NOT NULL"
    ");"
    "CREATE TABLE site_list_entries ("
    "  id INTEGER PRIMARY KEY,"
    "  list INTEGER NOT NULL REFERENCES site_lists(id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('domain','url-prefix','pattern')),"
    "  value TEXT NOT NULL,"
    "  added INTEGER NOT NULL,"
    "  withdrawn INTEGER CHECK (withdrawn IS NULL OR withdrawn >= added),"
    "  source TEXT, note TEXT,"
    "  severity TEXT,"
    "  reject_media INTEGER NOT NULL DEFAULT 0,"
    "  reject_reports INTEGER NOT NULL DEFAULT 0,"
    "  obfuscate INTEGER NOT NULL DEFAULT 0"
    ");"
    "CREATE UNIQUE INDEX site_list_entries_in_force ON site_list_entries(list, kind, value)"
    " WHERE withdrawn IS NULL;"
    "CREATE INDEX site_list_entries_value ON site_list_entries(list, kind, value, added);"
    "CREATE TABLE site_list_changes ("
    "  id INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  list TEXT NOT NULL,"
    "  action TEXT NOT NULL,"
    "  before TEXT, after TEXT"
    ");"
    "CREATE INDEX site_list_changes_list ON site_list_changes(list, id);"
    "CREATE TRIGGER site_list_changes_no_update BEFORE UPDATE ON site_list_changes"
    " BEGIN SELECT RAISE(ABORT, 'site_list_changes is append-only'); END;"
    "CREATE TRIGGER site_list_changes_no_delete BEFORE DELETE ON site_list_changes"
    " BEGIN SELECT RAISE(ABORT, 'site_list_changes is append-only'); END;",
    /* 5 -> 6: banks of known items (src/known/, docs/known.md). An item is unique by bank, type
     * and normalised value; `deleted` is its tombstone's time (NULL while live). Exchanges with
     * ids of their own (TAT) find items by external_id. Checkpoints remember how far an exchange
     * was read. post_matches: a stored post matched a bank item (kind: the item's type; distance:
     * Hamming for pdq, 1 - similarity for text, 0 for exact kinds). */
    "CREATE TABLE banks ("
    "  name TEXT PRIMARY KEY,"
    "  description TEXT,"
    "  created INTEGER NOT NULL"
    ");"
    "CREATE TABLE bank_items ("
    "  id INTEGER PRIMARY KEY,"
    "  bank TEXT NOT NULL REFERENCES banks(name),"
    "  type TEXT NOT NULL CHECK (type IN ('pdq','md5','sha256','text','url')),"
    "  value TEXT NOT NULL,"
    "  label TEXT, source TEXT, ideology TEXT, tco TEXT, tags TEXT, external_id TEXT,"
    "  added INTEGER NOT NULL,"
    "  updated INTEGER NOT NULL,"
    "  deleted INTEGER,"
    "  UNIQUE(bank, type, value)"
    ");"
    "CREATE INDEX bank_items_external ON bank_items(bank, external_id)"
    " WHERE external_id IS NOT NULL;"
    "CREATE TABLE bank_checkpoints ("
    "  bank TEXT NOT NULL, source TEXT NOT NULL, checkpoint TEXT NOT NULL, at INTEGER NOT NULL,"
    "  PRIMARY KEY (bank, source)"
    ") WITHOUT ROWID;"
    "CREATE TABLE post_matches ("
    "  post TEXT NOT NULL, bank TEXT NOT NULL, item INTEGER NOT NULL, kind TEXT NOT NULL,"
    "  distance REAL NOT NULL, at INTEGER NOT NULL,"
    "  PRIMARY KEY (post, item, kind)"
    ") WITHOUT ROWID;",
    /* 6 -> 7: casework foundation (src/cases/, docs/server.md): staff and partner accounts with
     * argon2id password hashes and stable pseudonyms, API tokens and sessions (both stored as
     * BLAKE2b hashes, never in clear), the hash-chained audit log (append-only: triggers refuse
     * UPDATE and DELETE; audit_head keeps the last entry so a removed tail is detected), and
     * reports and trusted-flagger notices filed through the API. */
    "CREATE TABLE users ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  role TEXT NOT NULL,"
    "  pseudonym TEXT NOT NULL UNIQUE,"
    "  pwhash TEXT NOT NULL,"
    "  disabled INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL"
    ");"
    "CREATE TABLE api_tokens ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  role TEXT NOT NULL,"
    "  hash TEXT NOT NULL UNIQUE,"
    "  created_at INTEGER NOT NULL,"
    "  revoked INTEGER NOT NULL DEFAULT 0"
    ");"
    "CREATE TABLE sessions ("
    "  hash TEXT PRIMARY KEY,"
    "  user_id INTEGER NOT NULL,"
    "  csrf_hash TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE TABLE audit_log ("
    "  seq INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  actor_id TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  action TEXT NOT NULL,"
    "  object TEXT NOT NULL,"
    "  detail TEXT NOT NULL,"
    "  prev_hash TEXT NOT NULL,"
    "  hash TEXT NOT NULL"
    ");"
    "CREATE TABLE audit_head ("
    "  one INTEGER PRIMARY KEY CHECK (one = 1),"
    "  seq INTEGER NOT NULL,"
    "  hash TEXT NOT NULL"
    ");"
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
    " BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;"
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
    " BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;"
    "CREATE TABLE intake_reports ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL CHECK (kind IN ('report','notice')),"
    "  target_type TEXT NOT NULL CHECK (target_type IN ('post','account')),"
    "  target TEXT NOT NULL,"
    "  platform TEXT,"
    "  category TEXT,"
    "  reason TEXT NOT NULL,"
    "  filer TEXT NOT NULL,"
    "  filer_pseudonym TEXT NOT NULL,"
    "  filer_role TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL"
    ");"
    "CREATE INDEX intake_reports_filer ON intake_reports(filer, id);",
    /* 7 -> 8: storm alerts (src/storm/, docs/storms.md), one row per storm keyed by its hashtag
     * and onset (a re-run or the final version of an alert updates the row), with the alert as
     * printed, and its accounts for "is this account in a storm" (case rules, the console). */
    "CREATE TABLE storm_alerts ("
    "  id INTEGER PRIMARY KEY,"
    "  hashtag TEXT NOT NULL,"
    "  onset INTEGER NOT NULL,"
    "  detected_at INTEGER NOT NULL,"
    "  last_at INTEGER NOT NULL,"
    "  ended INTEGER NOT NULL,"
    "  link TEXT,"
    "  posts INTEGER NOT NULL,"
    "  n_accounts INTEGER NOT NULL,"
    "  alert TEXT NOT NULL,"
    "  stored_at INTEGER NOT NULL,"
    "  UNIQUE (hashtag, onset)"
    ");"
    "CREATE INDEX storm_alerts_detected ON storm_alerts(detected_at);"
    "CREATE TABLE storm_accounts ("
    "  alert INTEGER NOT NULL,"
    "  account TEXT NOT NULL,"
    "  PRIMARY KEY (alert, account)"
    ") WITHOUT ROWID;"
    "CREATE INDEX storm_accounts_account ON storm_accounts(account);",
    /* 8 -> 9: records (src/cases/records_*.c, docs/records.md). Removal orders under the TCO
     * Regulation: the Annex I object as received plus the columns the clock, the replies and the
     * reports read (one order per issuing state, authority and reference); the posts an order
     * acted on (order_posts: the gag of Art 11(3) follows them); Annex III replies with the time
     * the clock restarted. The evidence vault (Art 6): a JSON copy of a removed post and its
     * account with its BLAKE2b hash and expiry; a post is kept once per order (order 0: a
     * decision without an order). */
    "CREATE TABLE removal_orders ("
    "  id INTEGER PRIMARY KEY,"
    "  reference TEXT NOT NULL,"
    "  issuing_state TEXT NOT NULL,"
    "  authority TEXT NOT NULL,"
    "  provider_state TEXT,"
    "  issued_at INTEGER NOT NULL,"
    "  received_at INTEGER NOT NULL,"
    "  received_by TEXT NOT NULL,"
    "  annex1 TEXT NOT NULL,"
    "  reasons TEXT NOT NULL,"
    "  n_urls INTEGER NOT NULL,"
    "  gag_until INTEGER,"
    "  state TEXT NOT NULL CHECK (state IN ('received','paused','removed','disabled')),"
    "  clock_start INTEGER NOT NULL,"
    "  paused_at INTEGER,"
    "  acted_at INTEGER,"
    "  acted_by TEXT,"
    "  scrutiny TEXT CHECK (scrutiny IN ('requested','confirmed','revoked')),"
    "  scrutiny_at INTEGER,"
    "  reinstated_at INTEGER,"
    "  n_annex3 INTEGER NOT NULL DEFAULT 0,"
    "  UNIQUE(issuing_state, authority, reference)"
    ");"
    "CREATE INDEX removal_orders_received ON removal_orders(received_at);"
    "CREATE TABLE order_posts ("
    "  order_id INTEGER NOT NULL, post_id TEXT NOT NULL,"
    "  PRIMARY KEY (order_id, post_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX order_posts_post ON order_posts(post_id);"
    "CREATE TABLE order_annex3 ("
    "  order_id INTEGER NOT NULL,"
    "  at INTEGER NOT NULL,"
    "  reasons TEXT NOT NULL,"
    "  explanation TEXT NOT NULL,"
    "  clarification TEXT,"
    "  by TEXT NOT NULL,"
    "  cleared_at INTEGER"
    ");"
    "CREATE INDEX order_annex3_order ON order_annex3(order_id, at);"
    "CREATE TABLE evidence ("
    "  id INTEGER PRIMARY KEY,"
    "  post_id TEXT NOT NULL,"
    "  account TEXT,"
    "  order_id INTEGER NOT NULL DEFAULT 0,"
    "  basis TEXT NOT NULL,"
    "  preserved_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL,"
    "  content TEXT NOT NULL,"
    "  content_hash TEXT NOT NULL,"
    "  n_extensions INTEGER NOT NULL DEFAULT 0,"
    "  last_extension TEXT,"
    "  UNIQUE(post_id, order_id)"
    ");"
    "CREATE INDEX evidence_expiry ON evidence(expires_at);",
    /* 9 -> 10: cases, queues, decisions (src/cases/, docs/cases.md). One case per target (a post
     * or an account); lane_rank orders the lanes (0 urgent, 1 removal order, 2 trusted flagger,
     * 3 normal) and priority = risk x reach x freshness orders a lane. case_sources says what
     * opened a case (rules, intake reports). rule_runs and rule_shadow keep what a run did or,
     * in shadow mode, would have done. decisions are append-only; an appeal that reverses one
     * adds a decision naming it. outbox holds each action until the webhook took it (file_at:
     * written to the outbox file). sor: one DSA statement of reasons per decision, puid unique.
     * not_before: a gag date (from a removal order) before which no statement is exported. */
    "CREATE TABLE cases ("
    "  id INTEGER PRIMARY KEY,"
    "  target_type TEXT NOT NULL CHECK (target_type IN ('post','account')),"
    "  target TEXT NOT NULL,"
    "  account TEXT,"
    "  lane TEXT NOT NULL CHECK (lane IN ('urgent','removal_order','trusted_flagger','normal')),"
    "  lane_rank INTEGER NOT NULL,"
    "  risk REAL NOT NULL, reach REAL NOT NULL, freshness REAL NOT NULL, priority REAL NOT NULL,"
    "  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','decided','appealed')),"
    "  source TEXT NOT NULL,"
    "  rule TEXT,"
    "  signals TEXT NOT NULL,"
    "  claimed_by TEXT, claimed_pseudonym TEXT, claimed_at INTEGER,"
    "  not_before INTEGER,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL,"
    "  UNIQUE(target_type, target)"
    ");"
    "CREATE INDEX cases_queue ON cases(status, lane_rank, priority DESC);"
    "CREATE TABLE case_sources ("
    "  case_id INTEGER NOT NULL, kind TEXT NOT NULL, ref TEXT NOT NULL, at INTEGER NOT NULL,"
    "  PRIMARY KEY (case_id, kind, ref)"
    ") WITHOUT ROWID;"
    "CREATE INDEX case_sources_ref ON case_sources(kind, ref);"
    "CREATE TABLE rule_runs ("
    "  id INTEGER PRIMARY KEY, at INTEGER NOT NULL, mode TEXT NOT NULL, summary TEXT NOT NULL"
    ");"
    "CREATE TABLE rule_shadow ("
    "  run INTEGER NOT NULL, rule TEXT NOT NULL, target TEXT NOT NULL,"
    "  would_open INTEGER NOT NULL"
    ");"
    "CREATE TABLE decisions ("
    "  id INTEGER PRIMARY KEY,"
    "  case_id INTEGER NOT NULL REFERENCES cases(id),"
    "  action TEXT NOT NULL,"
    "  jurisdictions TEXT,"
    "  ground TEXT NOT NULL,"
    "  legal_ground TEXT,"
    "  explanation TEXT,"
    "  decided_by TEXT NOT NULL,"
    "  decider_pseudonym TEXT NOT NULL,"
    "  automated INTEGER NOT NULL,"
    "  decided_at INTEGER NOT NULL,"
    "  enforce_at INTEGER NOT NULL,"
    "  reverses INTEGER"
    ");"
    "CREATE INDEX decisions_case ON decisions(case_id, id);"
    "CREATE TABLE outbox ("
    "  id INTEGER PRIMARY KEY,"
    "  decision INTEGER NOT NULL,"
    "  payload TEXT NOT NULL,"
    "  due_at INTEGER NOT NULL,"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  next_at INTEGER NOT NULL,"
    "  file_at INTEGER,"
    "  delivered_at INTEGER,"
    "  last_error TEXT"
    ");"
    "CREATE INDEX outbox_pending ON outbox(next_at) WHERE delivered_at IS NULL;"
    "CREATE TABLE appeals ("
    "  id INTEGER PRIMARY KEY,"
    "  case_id INTEGER NOT NULL,"
    "  decision INTEGER NOT NULL,"
    "  filed_by TEXT NOT NULL,"
    "  filer_pseudonym TEXT NOT NULL,"
    "  reason TEXT NOT NULL,"
    "  filed_at INTEGER NOT NULL,"
    "  outcome TEXT CHECK (outcome IS NULL OR outcome IN ('upheld','reversed')),"
    "  decided_by TEXT,"
    "  decided_at INTEGER"
    ");"
    "CREATE INDEX appeals_case ON appeals(case_id, id);"
    "CREATE TABLE flagger_mutes ("
    "  filer TEXT PRIMARY KEY, muted_by TEXT NOT NULL, reason TEXT, at INTEGER NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE TABLE sor ("
    "  decision INTEGER PRIMARY KEY,"
    "  puid TEXT NOT NULL UNIQUE,"
    "  body TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL"
    ");",
    /* 10 -> 11: hashes of a post's media (docs/events.md, docs/known.md#media): one row per media
     * item of a post that carries at least one hash (given by the platform or computed by
     * `vigie ingest --media-dir`), idx its place in posts.media. vg_match_posts reads them. */
    "CREATE TABLE post_media ("
    "  post TEXT NOT NULL, idx INTEGER NOT NULL, type TEXT NOT NULL, url TEXT, file TEXT,"
    "  pdq TEXT, pdq_quality INTEGER, md5 TEXT, sha256 TEXT,"
    "  PRIMARY KEY (post, idx)"
    ") WITHOUT ROWID;",
    /* 11 -> 12: the queue's index ends with the last sort key (id), so a listing with a status
     * reads its LIMIT rows in order from the index instead of sorting every case
     * (docs/console.md, load). */
    "DROP INDEX cases_queue;"
    "CREATE INDEX cases_queue ON cases(status, lane_rank, priority DESC, id);",
    /* 12 -> 13: the Leiden communities of the last `vigie network communities` run, so the case
     * view can show an account's community (docs/cases.md): the run (one row), each community
     * of two or more accounts with its summary, and each member with its rank by network score
     * in it; a run replaces all three. The audit log gets an index on its object, which the
     * case view's audit trail ("case:N") reads instead of scanning the log (docs/console.md). */
    "CREATE TABLE community_run ("
    "  one INTEGER PRIMARY KEY CHECK (one = 1), at INTEGER NOT NULL, before INTEGER,"
    "  threshold REAL NOT NULL, seeds INTEGER NOT NULL, candidates INTEGER NOT NULL,"
    "  communities INTEGER NOT NULL, members INTEGER NOT NULL"
    ");"
    "CREATE TABLE communities ("
    "  id INTEGER PRIMARY KEY, size INTEGER NOT NULL, seeds INTEGER NOT NULL,"
    "  lang TEXT NOT NULL, mean_score REAL NOT NULL, top_hashtags TEXT NOT NULL,"
    "  top_domains TEXT NOT NULL, computed_at INTEGER NOT NULL"
    ");"
    "CREATE TABLE account_communities ("
    "  account TEXT PRIMARY KEY, community INTEGER NOT NULL, rank INTEGER NOT NULL,"
    "  score REAL NOT NULL, seed INTEGER NOT NULL, computed_at INTEGER NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE INDEX account_communities_rank ON account_communities(community, rank);"
    "CREATE INDEX audit_log_object ON audit_log(object, seq);",
    /* 13 -> 14: the profile picture's PDQ hash and quality (docs/events.md#account) with the
     * identity an account has now and those it had: a re-uploaded picture under a new URL is
     * still evidence for the returning-accounts stage (docs/returns.md). The hash joins the
     * identity (a changed picture is a changed identity), but only when known, so identities
     * stored before keep their ident_hash. The view gains the two columns. */
    "ALTER TABLE accounts ADD COLUMN avatar_pdq TEXT;"
    "ALTER TABLE accounts ADD COLUMN avatar_pdq_quality INTEGER;"
    "ALTER TABLE account_history ADD COLUMN avatar_pdq TEXT;"
    "ALTER TABLE account_history ADD COLUMN avatar_pdq_quality INTEGER;"
    "DROP VIEW account_identities;"
    "CREATE VIEW account_identities AS"
    " SELECT account, ident_hash, handle, name, bio, avatar_url, avatar_pdq, avatar_pdq_quality,"
    "  min(first_seen) AS first_seen, max(last_seen) AS last_seen FROM ("
    "  SELECT account, ident_hash, handle, name, bio, avatar_url, avatar_pdq, avatar_pdq_quality,"
    "   first_seen, last_seen FROM account_history"
    "  UNION ALL"
    "  SELECT id, ident_hash, handle, name, bio, avatar_url, avatar_pdq, avatar_pdq_quality,"
    "   ident_since, observed_at FROM accounts WHERE ident_hash IS NOT NULL)"
    " GROUP BY account, ident_hash;",
    /* 14 -> 15: reviewers' rejections of return links (src/cases/cases_returns.c,
     * docs/returns.md "Reviewing a link"): a pair rejected is never linked again, by the batch
     * or live. */
    "CREATE TABLE return_rejections ("
    "  account TEXT NOT NULL,"
    "  replaces TEXT NOT NULL,"
    "  rejected_at INTEGER NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  note TEXT,"
    "  PRIMARY KEY (account, replaces)"
    ") WITHOUT ROWID;",
};

#define SCHEMA_VERSION ((int)VG_ARRAY_LEN(migrations))

/* ---- statements ---------------------------------------------------------------------------- */

/* Reads of the network stage (the section "reads for the network stage" at the end). ?1 is
 * `before` and ?2 `from`, NULL when not limited. Follows are read with "+kind", which keeps
 * SQLite off the edges_key index: follows are nearly all of the table, and reading them through
 * the index cost a table lookup per row (bench_graph, 1M rows: 5.5 s; a plain scan 0.12 s). */
/* clang-format off */
#define BEFORE(col) " (?1 IS NULL OR " col " < ?1)"
/* A JSON list column as its items joined by 0x1e (0x1f, the field separator, removed). */
#define LIST(col) " coalesce((SELECT group_concat(replace(value, char(31), ''), char(30))"       \
                  " FROM json_each(" col ")), '')"
#define SCAN_STATEMENTS(X)                                                                         \
    X(SCAN_ACCOUNTS,                                                                               \
      "SELECT id, NULL, handle, first_seen, ifnull(followers, -1), NULL, NULL, name, bio"          \
      " FROM accounts WHERE" BEFORE("first_seen"))                                                               \
    X(SCAN_FOLLOWS, "SELECT src, dst, NULL, at, 0, NULL, NULL FROM edges WHERE +kind = 'follow'"   \
                    " AND (at IS NULL OR" BEFORE("at") ")")                                        \
    X(SCAN_UNFOLLOWS,                                                                              \
      "SELECT src, dst, NULL, at, 0, NULL, NULL FROM edges WHERE kind = 'unfollow'"                \
      " AND (at IS NULL OR" BEFORE("at") ")")                                                      \
    X(SCAN_INTERACTIONS,                                                                           \
      "SELECT p.account, q.account, 'reply', p.created_at, 1, NULL, NULL FROM posts p"             \
      " JOIN posts q ON q.id = p.reply_to WHERE p.reply_to IS NOT NULL AND" BEFORE("p.created_at") \
      " UNION ALL SELECT p.account, q.account, 'repost', p.created_at, 1, NULL, NULL FROM posts p" \
      " JOIN posts q ON q.id = p.repost_of WHERE p.repost_of IS NOT NULL AND"                      \
      BEFORE("p.created_at")                                                                       \
      " UNION ALL SELECT p.account, q.account, 'quote', p.created_at, 1, NULL, NULL FROM posts p"  \
      " JOIN posts q ON q.id = p.quote_of WHERE p.quote_of IS NOT NULL AND"                        \
      BEFORE("p.created_at"))                                                                      \
    X(SCAN_MENTIONS,                                                                               \
      "SELECT p.account, NULL, m.value, p.created_at, 1, NULL, NULL FROM posts p,"                 \
      " json_each(p.mentions) m WHERE p.mentions IS NOT NULL AND m.type = 'text' AND"              \
      BEFORE("p.created_at"))                                                                      \
    X(SCAN_MODERATION, "SELECT account, NULL, kind, at, 1, NULL, NULL FROM moderation WHERE"       \
                       BEFORE("at") " ORDER BY at, kind DESC")                                     \
    X(SCAN_POST_SCORES,                                                                            \
      "SELECT p.account, NULL, s.post_id, p.created_at, 1, max(s.score), max(s.flagged)"           \
      " FROM post_scores s JOIN posts p ON p.id = s.post_id WHERE" BEFORE("p.created_at")          \
      " GROUP BY s.post_id")                                                                       \
    X(SCAN_HASHTAGS, "SELECT p.account, NULL, h.tag, p.created_at, 1, NULL, NULL"                  \
                     " FROM post_hashtags h JOIN posts p ON p.rowid = h.post WHERE"                \
                     BEFORE("p.created_at"))                                                       \
    X(SCAN_DOMAINS,                                                                                \
      "SELECT p.account, NULL, u.domain, p.created_at, 1, NULL, NULL FROM post_urls u"             \
      " JOIN posts p ON p.rowid = u.post WHERE u.domain IS NOT NULL AND" BEFORE("p.created_at"))   \
    X(SCAN_POSTS_BY_TIME, "SELECT p.account, p.id, " LIST("p.hashtags") " || char(31) || "         \
      LIST("p.urls") " || char(31) || coalesce(p.repost_of, '') || char(31) || p.text,"            \
      " p.created_at, 1, NULL, NULL FROM posts p WHERE" BEFORE("p.created_at")                     \
      " AND (?2 IS NULL OR p.created_at >= ?2) ORDER BY p.created_at, p.rowid")                    \
    X(SCAN_ACTIVITY,                                                                               \
      "SELECT account, NULL, coalesce(lang, 'und'), max(created_at), count(*), NULL, NULL"         \
      " FROM posts WHERE" BEFORE("created_at") " AND (?2 IS NULL OR created_at >= ?2)"             \
      " GROUP BY account, 3")                                                                      \
    X(SCAN_IDENTITIES,                                                                             \
      "SELECT account, NULL, handle, first_seen, last_seen, NULL, NULL, name, bio, avatar_url,"    \
      " NULL, avatar_pdq, avatar_pdq_quality FROM account_identities WHERE" BEFORE("first_seen"))  \
    X(SCAN_POST_MENTIONS,                                                                          \
      "SELECT account, id, CASE WHEN mentions IS NULL THEN NULL ELSE text END, created_at, 1,"     \
      " NULL, NULL, NULL, NULL, NULL, mentions FROM posts WHERE" BEFORE("created_at"))             \
    X(SCAN_PAST_HANDLES,                                                                           \
      "SELECT account, NULL, handle, first_seen, last_seen, NULL, NULL FROM account_history"       \
      " WHERE handle IS NOT NULL AND" BEFORE("first_seen"))                                        \
    X(SCAN_RETURN_REJECTIONS,                                                                      \
      "SELECT account, replaces, NULL, rejected_at, 0, NULL, NULL FROM return_rejections")
/* clang-format on */

/* Columns of a bank item, in the order read_item() reads them. */
#define ITEM_COLS                                                                                  \
    "id, bank, type, value, label, source, ideology, tco, tags, external_id, added, updated,"      \
    " deleted"

#define STATEMENTS(X)                                                                              \
    X(BEGIN, "BEGIN IMMEDIATE")                                                                    \
    X(COMMIT, "COMMIT")                                                                            \
    X(ROLLBACK, "ROLLBACK")                                                                        \
    X(HAS_POST, "SELECT 1 FROM posts WHERE id = ?1")                                               \
    X(INS_POST,                                                                                    \
      "INSERT OR IGNORE INTO posts (id, platform, account, created_at, text, text_norm, lang,"     \
      " lang_identified, lang_confidence, reply_to, repost_of, quote_of, hashtags, mentions,"      \
      " urls, media) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16)")             \
    X(INS_TAG, "INSERT INTO post_hashtags (post, tag) VALUES (?1, ?2)")                            \
    X(INS_URL, "INSERT INTO post_urls (post, url, domain) VALUES (?1, ?2, ?3)")                    \
    X(GET_ACCOUNT,                                                                                 \
      "SELECT observed_at, profile_hash, handle, name, bio, avatar_url, created_at, followers,"    \
      " following, posts, ident_since, rowid, avatar_pdq, avatar_pdq_quality FROM accounts"        \
      " WHERE id = ?1")                                                                            \
    X(INS_ACCOUNT,                                                                                 \
      "INSERT INTO accounts (id, platform, handle, name, bio, created_at, followers, following,"   \
      " posts, avatar_url, observed_at, first_seen, profile_hash, ident_hash, ident_since,"        \
      " avatar_pdq, avatar_pdq_quality)"                                                           \
      " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?11,?12,?13,?11,?15,?16)")                      \
    X(UPD_ACCOUNT,                                                                                 \
      "UPDATE accounts SET platform = coalesce(?2, platform), handle = coalesce(?3, handle),"      \
      " name = coalesce(?4, name), bio = coalesce(?5, bio),"                                       \
      " created_at = coalesce(?6, created_at), followers = coalesce(?7, followers),"               \
      " following = coalesce(?8, following), posts = coalesce(?9, posts),"                         \
      " avatar_url = coalesce(?10, avatar_url), observed_at = ?11, profile_hash = ?12,"            \
      " first_seen = min(first_seen, ?11), ident_hash = ?13,"                                      \
      " ident_since = CASE WHEN ident_hash IS ?13 THEN ident_since ELSE ?11 END,"                  \
      " avatar_pdq = ?15, avatar_pdq_quality = ?16 WHERE rowid = ?14")                             \
    X(SEEN_EARLIER,                                                                                \
      "UPDATE accounts SET first_seen = min(first_seen, ?2), ident_since = CASE"                   \
      " WHEN ident_hash IS ?3 THEN min(ident_since, ?2) ELSE ident_since END WHERE id = ?1")       \
    X(INS_HISTORY,                                                                                 \
      "INSERT INTO account_history (account, ident_hash, handle, name, bio, avatar_url,"           \
      " first_seen, last_seen, avatar_pdq, avatar_pdq_quality) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,"   \
      " ?9,?10)"                                                                                   \
      " ON CONFLICT(account, ident_hash) DO UPDATE SET"                                            \
      " first_seen = min(first_seen, excluded.first_seen),"                                        \
      " last_seen = max(last_seen, excluded.last_seen)")                                           \
    X(HAS_HISTORY, "SELECT 1 FROM account_history WHERE account = ?1 AND ident_hash = ?2")         \
    X(INS_EDGE,                                                                                    \
      "INSERT OR IGNORE INTO edges (kind, src, dst, at, platform) VALUES (?1,?2,?3,?4,?5)")        \
    X(INS_MODERATION, "INSERT OR IGNORE INTO moderation (kind, account, at, reason, platform)"     \
                      " VALUES (?1,?2,?3,?4,?5)")                                                  \
    X(INS_REPORT,                                                                                  \
      "INSERT OR IGNORE INTO reports (key, id, reporter, target, posts, reason, at, platform)"     \
      " VALUES (?1,?2,?3,?4,?5,?6,?7,?8)")                                                         \
    X(INS_DELETION, "INSERT OR IGNORE INTO deletions (target, target_type, at, reason, platform)"  \
                    " VALUES (?1,?2,?3,?4,?5)")                                                    \
    X(PUT_SCORE,                                                                                   \
      "INSERT OR REPLACE INTO post_scores (post_id, model, score, flagged, categories, threat,"    \
      " escalate, exempt, lang, scored_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)")               \
    X(POST_SCORE, "SELECT max(score) FROM post_scores WHERE post_id = ?1")                         \
    X(DEL_RETURN_LINKS, "DELETE FROM return_links")                                                \
    X(GET_RETURN_LINK, "SELECT replaces, persona FROM return_links WHERE account = ?1")            \
    X(DEL_RETURN_LINK, "DELETE FROM return_links WHERE account = ?1 AND replaces = ?2")            \
    X(PERSONA_LINKS, "SELECT account, replaces FROM return_links WHERE persona = ?1")              \
    X(SET_LINK_PERSONA, "UPDATE return_links SET persona = ?2 WHERE account = ?1")                 \
    X(INS_RETURN_REJECTION,                                                                        \
      "INSERT OR IGNORE INTO return_rejections (account, replaces, rejected_at, actor, note)"      \
      " VALUES (?1,?2,?3,?4,?5)")                                                                  \
    X(INS_RETURN_LINK,                                                                             \
      "INSERT OR REPLACE INTO return_links (account, replaces, persona, score, linked_at,"         \
      " evidence, stored_at) VALUES (?1,?2,?3,?4,?5,?6,?7)")                                       \
    X(UPSERT_STORM_ALERT,                                                                          \
      "INSERT INTO storm_alerts (hashtag, onset, detected_at, last_at, ended, link, posts,"        \
      " n_accounts, alert, stored_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)"                     \
      " ON CONFLICT (hashtag, onset) DO UPDATE SET detected_at = excluded.detected_at,"            \
      " last_at = excluded.last_at, ended = excluded.ended, link = excluded.link,"                 \
      " posts = excluded.posts, n_accounts = excluded.n_accounts, alert = excluded.alert,"         \
      " stored_at = excluded.stored_at RETURNING id")                                              \
    X(INS_STORM_ACCOUNT, "INSERT OR IGNORE INTO storm_accounts (alert, account) VALUES (?1,?2)")   \
    X(INS_BANK, "INSERT OR IGNORE INTO banks (name, description, created) VALUES (?1,?2,?3)")      \
    X(LIST_BANKS,                                                                                  \
      "SELECT b.name, b.description, b.created,"                                                   \
      " (SELECT count(*) FROM bank_items i WHERE i.bank = b.name AND i.deleted IS NULL),"          \
      " (SELECT count(*) FROM bank_items i WHERE i.bank = b.name AND i.deleted IS NOT NULL)"       \
      " FROM banks b ORDER BY b.name")                                                             \
    X(GET_ITEM,                                                                                    \
      "SELECT " ITEM_COLS " FROM bank_items WHERE bank = ?1 AND type = ?2 AND value = ?3")         \
    X(GET_ITEM_EXT, "SELECT " ITEM_COLS " FROM bank_items WHERE bank = ?1 AND external_id = ?2"    \
                    " ORDER BY deleted IS NOT NULL, id LIMIT 1")                                   \
    X(INS_ITEM, "INSERT INTO bank_items (bank, type, value, label, source, ideology, tco, tags,"   \
                " external_id, added, updated) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?10)")       \
    X(UPD_ITEM,                                                                                    \
      "UPDATE bank_items SET label = coalesce(?2, label), source = coalesce(?3, source),"          \
      " ideology = coalesce(?4, ideology), tco = coalesce(?5, tco), tags = coalesce(?6, tags),"    \
      " external_id = coalesce(?7, external_id), updated = ?8, deleted = NULL WHERE id = ?1")      \
    X(DEL_ITEM, "UPDATE bank_items SET deleted = ?2, updated = ?2 WHERE id = ?1")                  \
    X(SCAN_ITEMS, "SELECT " ITEM_COLS " FROM bank_items WHERE (?1 IS NULL OR bank = ?1)"           \
                  " AND (?2 OR deleted IS NULL) ORDER BY id")                                      \
    X(GET_CHECKPOINT, "SELECT checkpoint FROM bank_checkpoints WHERE bank = ?1 AND source = ?2")   \
    X(PUT_CHECKPOINT, "INSERT OR REPLACE INTO bank_checkpoints (bank, source, checkpoint, at)"     \
                      " VALUES (?1,?2,?3,?4)")                                                     \
    X(INS_POST_MATCH, "INSERT OR IGNORE INTO post_matches (post, bank, item, kind, distance, at)"  \
                      " VALUES (?1,?2,?3,?4,?5,?6)")                                               \
    X(INS_POST_MEDIA,                                                                              \
      "INSERT OR IGNORE INTO post_media (post, idx, type, url, file, pdq, pdq_quality, md5,"       \
      " sha256) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)")                                              \
    X(SCAN_POST_MEDIA,                                                                             \
      "SELECT m.post, m.idx, m.type, m.pdq, m.pdq_quality, m.md5, m.sha256 FROM post_media m"      \
      " JOIN posts p ON p.id = m.post ORDER BY p.created_at, p.rowid, m.idx")                      \
    X(INS_REJECT, "INSERT INTO dead_letters (at, file, line, offset, item, format, reason, raw,"   \
                  " raw_truncated) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)")                           \
    SCAN_STATEMENTS(X)

enum stmt_id {
#define STMT_ENUM(name, sql) S_##name,
    STATEMENTS(STMT_ENUM)
#undef STMT_ENUM
    S__COUNT
};

static const char *const stmt_sql[] = {
#define STMT_SQL(name, sql) sql,
    STATEMENTS(STMT_SQL)
#undef STMT_SQL
};

/* The background checkpointer (see "checkpoints" below). */
struct checkpointer {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int started, requested, busy, stop;
    char *path;
};

struct sqlite_state {
    sqlite3 *db;
    sqlite3_stmt *stmt[S__COUNT];
    char *errmsg;
    size_t errcap;
    struct vg_buf json; /* scratch for list columns */
    int version;
    struct checkpointer ckpt;
    struct vg__sqlite_sites *sites; /* statements of the sites tables (store_sqlite_sites.c) */
};

/* ---- errors -------------------------------------------------------------------------------- */

static vg_status map_error(int src)
{
    switch (src & 0xff) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return VG_EBUSY;
        case SQLITE_FULL:
            return VG_EFULL;
        case SQLITE_NOMEM:
            return VG_ENOMEM;
        case SQLITE_IOERR:
        case SQLITE_CANTOPEN:
        case SQLITE_READONLY:
        case SQLITE_PERM:
            return VG_EIO;
        case SQLITE_TOOBIG:
            return VG_ELIMIT;
        default:
            return VG_EDB;
    }
}

static vg_status fail(struct sqlite_state *st, int src, const char *what)
{
    vg_status rc = map_error(src);
    const char *msg = st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(src);
    if (rc == VG_EFULL)
        snprintf(st->errmsg, st->errcap, "%s: disk or database full (%s)", what, msg);
    else if (rc == VG_EBUSY)
        snprintf(st->errmsg, st->errcap,
                 "%s: database is locked by another process (waited 5 s): %s", what, msg);
    else
        snprintf(st->errmsg, st->errcap, "%s: %s", what, msg);
    VG_LOG_ERR("sqlite: %s", st->errmsg);
    return rc;
}

sqlite3 *vg__sqlite_handle(void *state, struct vg__sqlite_sites ***sites)
{
    struct sqlite_state *st = state;
    if (sites)
        *sites = &st->sites;
    return st->db;
}

vg_status vg__sqlite_fail(void *state, int src, const char *what)
{
    return fail(state, src, what);
}

/* ---- binding helpers ----------------------------------------------------------------------- */

static void bind_count(sqlite3_stmt *s, int i, int64_t n)
{
    if (n < 0)
        sqlite3_bind_null(s, i);
    else
        sqlite3_bind_int64(s, i, n);
}

/* Step a statement that returns no rows, then reset it. */
static vg_status exec_stmt(struct sqlite_state *st, enum stmt_id id, const char *what)
{
    sqlite3_stmt *s = st->stmt[id];
    int src = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (src != SQLITE_DONE && src != SQLITE_ROW)
        return fail(st, src, what);
    return VG_OK;
}

/* A JSON array of strings into st->json; NULL for an empty list so the column stays small. */
static const char *strv_json(struct sqlite_state *st, const struct vg_strv *v, struct vg_buf *b)
{
    if (!v->n)
        return NULL;
    vg_buf_reset(b);
    vg_status rc = vg_buf_putc(b, '[');
    for (size_t i = 0; i < v->n && !rc; i++) {
        if (i)
            rc = vg_buf_putc(b, ',');
        if (!rc)
            rc = vg_buf_json_str(b, v->v[i], strlen(v->v[i]));
    }
    if (!rc)
        rc = vg_buf_putc(b, ']');
    VG_UNUSED(st);
    return rc ? NULL : b->data;
}

/* ---- checkpoints --------------------------------------------------------------------------- */

/*
 * In WAL mode every committed page is written twice: to the WAL, then by a checkpoint into the
 * database file, which ends with an fsync. SQLite's automatic checkpoint runs in the committing
 * thread, so ingest waited for the disk after every batch (wall time 15% above CPU time in
 * bench_ingest). Here a thread of our own, with its own connection, runs PASSIVE checkpoints
 * when a commit leaves the WAL above CKPT_FRAMES: the writer goes on while the pages are copied
 * and synced. PASSIVE never blocks the writer or readers; the WAL is rewound once a checkpoint
 * has caught up. Closing the last connection checkpoints what is left, as before.
 */
#define CKPT_FRAMES  1000 /* SQLite's default automatic checkpoint threshold */
#define CKPT_WAL_MAX 8192 /* 128 MiB of 16 KiB pages */

static void *checkpoint_main(void *arg)
{
    struct checkpointer *c = arg;
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(c->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        VG_LOG_WARN("sqlite: checkpoint thread cannot open %s: %s", c->path,
                    db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        db = NULL;
    } else {
        sqlite3_busy_timeout(db, 5000);
        /* A connection finds the WAL on its first read; until then a checkpoint is a no-op. */
        sqlite3_exec(db, "PRAGMA schema_version", NULL, NULL, NULL);
    }
    pthread_mutex_lock(&c->mu);
    for (;;) {
        while (!c->requested && !c->stop)
            pthread_cond_wait(&c->cv, &c->mu);
        if (c->stop)
            break;
        c->requested = 0;
        c->busy = 1;
        pthread_mutex_unlock(&c->mu);
        int src = db ? sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL)
                     : SQLITE_OK;
        /* Not fatal: the pages are safe in the WAL and the next checkpoint copies them. */
        if (src != SQLITE_OK && src != SQLITE_BUSY)
            VG_LOG_WARN("sqlite: background checkpoint of %s failed: %s", c->path,
                        sqlite3_errmsg(db));
        pthread_mutex_lock(&c->mu);
        c->busy = 0;
        pthread_cond_broadcast(&c->cv);
    }
    pthread_mutex_unlock(&c->mu);
    sqlite3_close(db);
    return NULL;
}

/*
 * sqlite3_wal_hook callback, after every commit: wake (or start) the checkpointer. The WAL is
 * rewound only by a write transaction that began when it was wholly copied, which never happens
 * while the writer begins each batch as the last one's checkpoint starts; so when it holds
 * CKPT_WAL_MAX frames, the writer waits for the checkpointer and copies the rest itself, and the
 * next batch starts the WAL over. A WAL stays under about CKPT_WAL_MAX frames plus one batch.
 */
static int on_wal_commit(void *arg, sqlite3 *db, const char *name, int frames)
{
    struct checkpointer *c = arg;
    VG_UNUSED(name);
    if (frames < CKPT_FRAMES)
        return SQLITE_OK;
    pthread_mutex_lock(&c->mu);
    if (frames >= CKPT_WAL_MAX) {
        while (c->requested || c->busy)
            pthread_cond_wait(&c->cv, &c->mu);
        pthread_mutex_unlock(&c->mu);
        sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        return SQLITE_OK;
    }
    if (!c->started && pthread_create(&c->thread, NULL, checkpoint_main, c) == 0)
        c->started = 1;
    c->requested = c->started;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
    if (!c->started) /* no thread: checkpoint here, as SQLite would */
        sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    return SQLITE_OK;
}

static vg_status checkpointer_init(struct checkpointer *c, sqlite3 *db, const char *path)
{
    memset(c, 0, sizeof(*c));
    if (!(c->path = vg_strdup(path)))
        return VG_ENOMEM;
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    sqlite3_wal_hook(db, on_wal_commit, c);
    return VG_OK;
}

/* Stops the thread (its connection closes first, so the caller's close is the last one and
 * checkpoints the rest). */
static void checkpointer_stop(struct checkpointer *c)
{
    if (!c->path)
        return;
    pthread_mutex_lock(&c->mu);
    c->stop = 1;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
    if (c->started)
        pthread_join(c->thread, NULL);
    pthread_cond_destroy(&c->cv);
    pthread_mutex_destroy(&c->mu);
    vg_free(c->path);
    c->path = NULL;
}

/* ---- open, migrate, close ------------------------------------------------------------------ */

static vg_status exec_sql(struct sqlite_state *st, const char *sql, const char *what)
{
    char *err = NULL;
    int src = sqlite3_exec(st->db, sql, NULL, NULL, &err);
    if (src != SQLITE_OK) {
        vg_status rc = fail(st, src, what);
        if (err && rc == VG_EDB)
            snprintf(st->errmsg, st->errcap, "%s: %s", what, err);
        sqlite3_free(err);
        return rc;
    }
    return VG_OK;
}

static int read_version(struct sqlite_state *st)
{
    sqlite3_stmt *s;
    int v = -1;
    if (sqlite3_prepare_v2(st->db, "SELECT max(version) FROM schema_version", -1, &s, NULL) !=
        SQLITE_OK)
        return -1;
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return v;
}

static vg_status migrate(struct sqlite_state *st)
{
    vg_status rc = exec_sql(st,
                            "CREATE TABLE IF NOT EXISTS schema_version ("
                            " version INTEGER NOT NULL, applied_at INTEGER NOT NULL)",
                            "creating the version table");
    if (rc)
        return rc;
    int v = read_version(st);
    if (v < 0)
        v = 0;
    if (v > SCHEMA_VERSION) {
        snprintf(st->errmsg, st->errcap,
                 "the database is at schema version %d, newer than this vigie knows (%d)", v,
                 SCHEMA_VERSION);
        return VG_ESCHEMA;
    }
    for (; v < SCHEMA_VERSION; v++) {
        char what[64], bump[128];
        snprintf(what, sizeof(what), "migrating the schema to version %d", v + 1);
        snprintf(bump, sizeof(bump),
                 "INSERT INTO schema_version VALUES (%d, CAST(strftime('%%s','now') AS INTEGER))",
                 v + 1);
        if ((rc = exec_sql(st, "BEGIN IMMEDIATE", what)))
            return rc;
        if ((rc = exec_sql(st, migrations[v], what)) || (rc = exec_sql(st, bump, what))) {
            exec_sql(st, "ROLLBACK", what);
            return rc;
        }
        if ((rc = exec_sql(st, "COMMIT", what)))
            return rc;
    }
    st->version = SCHEMA_VERSION;
    return VG_OK;
}

static void sqlite_close(void *state)
{
    struct sqlite_state *st = state;
    if (!st)
        return;
    checkpointer_stop(&st->ckpt);
    vg__sqlite_sites_close(st->sites);
    for (int i = 0; i < S__COUNT; i++)
        sqlite3_finalize(st->stmt[i]);
    if (st->db)
        sqlite3_close(st->db);
    vg_buf_release(&st->json);
    vg_free(st);
}

/*
 * SQLite counts every allocation for sqlite3_memory_used() under a global mutex; vigie never asks,
 * and the lock was 3.5% of ingest time (perf). Only possible before SQLite initialises: a host
 * program that already uses SQLite keeps its own setting.
 */
static void configure_sqlite_once(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static vg_status sqlite_open(const char *path, void **state, char *errmsg, size_t cap)
{
    static pthread_once_t configured = PTHREAD_ONCE_INIT;
    pthread_once(&configured, configure_sqlite_once);
    *state = NULL;
    struct sqlite_state *st = vg_calloc(1, sizeof(*st));
    if (!st)
        return VG_ENOMEM;
    st->errmsg = errmsg;
    st->errcap = cap;
    vg_buf_init(&st->json, 16u << 20);
    vg_status rc;
    /* NOMUTEX: a vg_db is used by one thread at a time (vigie.h), so SQLite need not lock the
     * connection on every call; the locks were 2% of ingest time (perf on bench_ingest). */
    int src = sqlite3_open_v2(
            path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (src != SQLITE_OK) {
        rc = fail(st, src, path);
        goto fail;
    }
    sqlite3_extended_result_codes(st->db, 1);
    /* Wait for a lock up to 5 s before reporting the database as locked. */
    sqlite3_busy_timeout(st->db, 5000);
    /* 16 KiB pages: SQLite does one read or write call per page, and with 4 KiB pages a
     * quarter of ingest time went to the kernel (bench_ingest: CPU ratio 0.28 -> 0.40). It
     * only takes effect when the file is created. */
    if ((rc = exec_sql(st, "PRAGMA page_size=16384", path)) ||
        (rc = exec_sql(st, "PRAGMA journal_mode=WAL", path)) ||
        (rc = exec_sql(st, "PRAGMA synchronous=NORMAL", path)) ||
        /* A limit, not an allocation: up to 256 MiB of pages. Accounts and the post-id index
         * are reached by random keys; with 64 MiB they outgrew the cache at 100k tweets and
         * ingest fell from 26k to 15k tweets/s (bench_ingest); 256 MiB gave 20k. */
        (rc = exec_sql(st, "PRAGMA cache_size=-262144", path)) ||
        (rc = exec_sql(st, "PRAGMA temp_store=MEMORY", path)))
        goto fail;
    if ((rc = migrate(st)) || (rc = checkpointer_init(&st->ckpt, st->db, path)))
        goto fail;
    for (int i = 0; i < S__COUNT; i++) {
        src = sqlite3_prepare_v3(st->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &st->stmt[i],
                                 NULL);
        if (src != SQLITE_OK) {
            rc = fail(st, src, "preparing statements");
            goto fail;
        }
    }
    *state = st;
    return VG_OK;
fail:
    /* "file is not a database" and similar come back as VG_EDB with SQLite's words. */
    sqlite_close(st);
    return rc;
}

static int sqlite_schema_version(void *state)
{
    return ((struct sqlite_state *)state)->version;
}

static vg_status sqlite_begin(void *state)
{
    return exec_stmt(state, S_BEGIN, "beginning a transaction");
}

static vg_status sqlite_commit(void *state)
{
    return exec_stmt(state, S_COMMIT, "committing");
}

static vg_status sqlite_rollback(void *state)
{
    struct sqlite_state *st = state;
    if (sqlite3_get_autocommit(st->db))
        return VG_OK;
    return exec_stmt(st, S_ROLLBACK, "rolling back");
}

/* ---- posts --------------------------------------------------------------------------------- */

static vg_status sqlite_has_post(void *state, const char *id, int *found)
{
    struct sqlite_state *st = state;
    sqlite3_stmt *s = st->stmt[S_HAS_POST];
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    int src = sqlite3_step(s);
    sqlite3_reset(s);
    if (src != SQLITE_ROW && src != SQLITE_DONE)
        return fail(st, src, "looking up a post");
    *found = src == SQLITE_ROW;
    return VG_OK;
}

static const char *media_json(const struct vg_post *p, struct vg_buf *b)
{
    if (!p->n_media)
        return NULL;
    vg_buf_reset(b);
    vg_status rc = vg_buf_putc(b, '[');
    for (size_t i = 0; i < p->n_media && !rc; i++) {
        const struct vg_media *m = &p->media[i];
        const char *type = m->type ? m->type : "other";
        rc = vg_buf_puts(b, i ? ",{\"type\":" : "{\"type\":");
        if (!rc)
            rc = vg_buf_json_str(b, type, strlen(type));
        if (!rc && m->id && !(rc = vg_buf_puts(b, ",\"id\":")))
            rc = vg_buf_json_str(b, m->id, strlen(m->id));
        if (!rc && m->url && !(rc = vg_buf_puts(b, ",\"url\":")))
            rc = vg_buf_json_str(b, m->url, strlen(m->url));
        if (!rc)
            rc = vg_buf_putc(b, '}');
    }
    if (!rc)
        rc = vg_buf_putc(b, ']');
    return rc ? NULL : b->data;
}

static vg_status put_post_lists(struct sqlite_state *st, sqlite3_int64 post,
                                const struct vg_post_derived *d)
{
    vg_status rc = VG_OK;
    for (size_t i = 0; d && i < d->tags_norm.n && !rc; i++) {
        sqlite3_bind_int64(st->stmt[S_INS_TAG], 1, post);
        bind_text(st->stmt[S_INS_TAG], 2, d->tags_norm.v[i]);
        rc = exec_stmt(st, S_INS_TAG, "storing a hashtag");
    }
    for (size_t i = 0; d && i < d->urls_canon.n && !rc; i++) {
        sqlite3_bind_int64(st->stmt[S_INS_URL], 1, post);
        bind_text(st->stmt[S_INS_URL], 2, d->urls_canon.v[i]);
        bind_text(st->stmt[S_INS_URL], 3, i < d->domains.n ? d->domains.v[i] : NULL);
        rc = exec_stmt(st, S_INS_URL, "storing a URL");
    }
    return rc;
}

/* The media that carry a hash, one row each (table post_media). */
static vg_status put_post_media(struct sqlite_state *st, const struct vg_post *p)
{
    vg_status rc = VG_OK;
    sqlite3_stmt *s = st->stmt[S_INS_POST_MEDIA];
    for (size_t i = 0; i < p->n_media && !rc; i++) {
        const struct vg_media *m = &p->media[i];
        if (!m->pdq && !m->md5 && !m->sha256)
            continue;
        bind_text(s, 1, p->id);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)i);
        bind_text(s, 3, m->type ? m->type : "other");
        bind_text(s, 4, m->url);
        bind_text(s, 5, m->file);
        bind_text(s, 6, m->pdq);
        if (m->pdq && m->pdq_quality >= 0)
            sqlite3_bind_int(s, 7, m->pdq_quality);
        else
            sqlite3_bind_null(s, 7);
        bind_text(s, 8, m->md5);
        bind_text(s, 9, m->sha256);
        rc = exec_stmt(st, S_INS_POST_MEDIA, "storing a post's media hashes");
    }
    return rc;
}

static vg_status sqlite_put_post(void *state, const struct vg_event *ev,
                                 const struct vg_post_derived *d, enum vg_put_result *res)
{
    struct sqlite_state *st = state;
    const struct vg_post *p = &ev->u.post;
    sqlite3_stmt *s = st->stmt[S_INS_POST];
    /* List columns are rendered one at a time into scratch and copied by SQLite
     * (SQLITE_TRANSIENT), since one buffer serves them all. */
    struct vg_buf *b = &st->json;
    bind_text(s, 1, p->id);
    bind_text(s, 2, ev->platform);
    bind_text(s, 3, p->account);
    bind_time(s, 4, p->created_at);
    bind_text(s, 5, p->text);
    bind_text(s, 6, d ? d->text_norm : NULL);
    bind_text(s, 7, d ? d->lang : p->lang);
    sqlite3_bind_int(s, 8, d ? d->lang_identified : 0);
    if (d && d->lang_identified)
        sqlite3_bind_double(s, 9, d->lang_confidence);
    else
        sqlite3_bind_null(s, 9);
    bind_text(s, 10, p->reply_to);
    bind_text(s, 11, p->repost_of);
    bind_text(s, 12, p->quote_of);
    const char *j;
    if ((j = strv_json(st, &p->hashtags, b)))
        sqlite3_bind_text(s, 13, j, -1, SQLITE_TRANSIENT);
    if ((j = strv_json(st, &p->mentions, b)))
        sqlite3_bind_text(s, 14, j, -1, SQLITE_TRANSIENT);
    if ((j = strv_json(st, &p->urls, b)))
        sqlite3_bind_text(s, 15, j, -1, SQLITE_TRANSIENT);
    if ((j = media_json(p, b)))
        sqlite3_bind_text(s, 16, j, -1, SQLITE_TRANSIENT);
    vg_status rc = exec_stmt(st, S_INS_POST, "storing a post");
    if (rc)
        return rc;
    if (sqlite3_changes(st->db) == 0) {
        *res = VG_PUT_DUPLICATE;
        return VG_OK;
    }
    *res = VG_PUT_NEW;
    if ((rc = put_post_lists(st, sqlite3_last_insert_rowid(st->db), d)))
        return rc;
    return put_post_media(st, p);
}

/* ---- accounts ------------------------------------------------------------------------------ */

static uint64_t hash_fields(const char *const *f, size_t n, const int64_t *nums, size_t n_nums)
{
    uint64_t h = 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < n; i++) {
        /* A NULL field hashes differently from "", so "unknown" and "empty" stay apart. */
        const char *s = f[i] ? f[i] : "\x01";
        h = vg_hash64(s, strlen(s) + 1, h);
    }
    for (size_t i = 0; i < n_nums; i++)
        h = vg_hash64(&nums[i], sizeof(nums[i]), h);
    /* SQLite integers are signed; keep the hash in range by clearing the top bit. */
    return h & 0x7fffffffffffffffull;
}

/* The picture's PDQ hash (and in the profile its quality) is hashed only when known, so the
 * identities and profiles stored before schema 14, which had none, keep their hashes. */
static uint64_t ident_hash(const struct vg_account *a)
{
    const char *f[] = { a->handle, a->name, a->bio, a->avatar_url, a->avatar_pdq };
    return hash_fields(f, a->avatar_pdq ? 5 : 4, NULL, 0);
}

static uint64_t profile_hash(const struct vg_account *a)
{
    const char *f[] = { a->handle, a->name, a->bio, a->avatar_url, a->avatar_pdq };
    int64_t nums[] = { a->created_at, a->followers, a->following, a->posts, a->avatar_pdq_quality };
    return hash_fields(f, a->avatar_pdq ? 5 : 4, nums, a->avatar_pdq ? 5 : 4);
}

/* The picture's hash and quality (NULL: unknown) at parameters first and first + 1. */
static void bind_pdq(sqlite3_stmt *s, int first, const struct vg_account *a)
{
    bind_text(s, first, a->avatar_pdq);
    if (a->avatar_pdq && a->avatar_pdq_quality >= 0)
        sqlite3_bind_int(s, first + 1, a->avatar_pdq_quality);
    else
        sqlite3_bind_null(s, first + 1);
}

/* The profile of ev (fields it lacks are coalesced by the statement), with the picture's hash of
 * pdq: the event's own when new, the merged profile's when updating. */
static void bind_account(sqlite3_stmt *s, const struct vg_event *ev, const struct vg_account *pdq,
                         uint64_t ph, uint64_t ih)
{
    const struct vg_account *a = &ev->u.account;
    bind_text(s, 1, a->id);
    bind_text(s, 2, ev->platform);
    bind_text(s, 3, a->handle);
    bind_text(s, 4, a->name);
    bind_text(s, 5, a->bio);
    bind_time(s, 6, a->created_at);
    bind_count(s, 7, a->followers);
    bind_count(s, 8, a->following);
    bind_count(s, 9, a->posts);
    bind_text(s, 10, a->avatar_url);
    sqlite3_bind_int64(s, 11, a->observed_at);
    sqlite3_bind_int64(s, 12, (sqlite3_int64)ph);
    sqlite3_bind_int64(s, 13, (sqlite3_int64)ih);
    bind_pdq(s, 15, pdq);
}

/* Record that the account had identity (handle, name, bio, avatar) of a, hashed ih, from
 * first to last (widening a row already there). */
static vg_status put_history(struct sqlite_state *st, const struct vg_account *a, uint64_t ih,
                             int64_t first, int64_t last)
{
    sqlite3_stmt *s = st->stmt[S_INS_HISTORY];
    bind_text(s, 1, a->id);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)ih);
    bind_text(s, 3, a->handle);
    bind_text(s, 4, a->name);
    bind_text(s, 5, a->bio);
    bind_text(s, 6, a->avatar_url);
    sqlite3_bind_int64(s, 7, first);
    sqlite3_bind_int64(s, 8, last);
    bind_pdq(s, 9, a);
    return exec_stmt(st, S_INS_HISTORY, "storing account history");
}

/* The picture's hash of g's current row (GET_ACCOUNT columns 12, 13) into a. */
static void stored_pdq(sqlite3_stmt *g, struct vg_account *a)
{
    a->avatar_pdq = (const char *)sqlite3_column_text(g, 12);
    a->avatar_pdq_quality =
            sqlite3_column_type(g, 13) == SQLITE_NULL ? -1 : sqlite3_column_int(g, 13);
}

/* The identity of the stored profile in g's current row (GET_ACCOUNT columns 2..5, 12, 13). The
 * strings point into g's row: valid until g is stepped or reset. */
static void stored_identity(sqlite3_stmt *g, const char *id, struct vg_account *out)
{
    memset(out, 0, sizeof(*out));
    out->id = id;
    out->handle = (const char *)sqlite3_column_text(g, 2);
    out->name = (const char *)sqlite3_column_text(g, 3);
    out->bio = (const char *)sqlite3_column_text(g, 4);
    out->avatar_url = (const char *)sqlite3_column_text(g, 5);
    stored_pdq(g, out);
}

static vg_status has_history(struct sqlite_state *st, const char *id, uint64_t ih, int *found)
{
    sqlite3_stmt *s = st->stmt[S_HAS_HISTORY];
    bind_text(s, 1, id);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)ih);
    int src = sqlite3_step(s);
    sqlite3_reset(s);
    if (src != SQLITE_ROW && src != SQLITE_DONE)
        return fail(st, src, "looking up account history");
    *found = src == SQLITE_ROW;
    return VG_OK;
}

/* An observation older than any before moves the account's first sighting back. */
static vg_status note_seen_earlier(struct sqlite_state *st, const struct vg_account *a, uint64_t ih)
{
    bind_text(st->stmt[S_SEEN_EARLIER], 1, a->id);
    sqlite3_bind_int64(st->stmt[S_SEEN_EARLIER], 2, a->observed_at);
    sqlite3_bind_int64(st->stmt[S_SEEN_EARLIER], 3, (sqlite3_int64)ih);
    return exec_stmt(st, S_SEEN_EARLIER, "updating an account");
}

/*
 * Sources give partial profiles (a v2 user without its avatar, an ActivityPub actor without
 * counts): fill what the snapshot lacks from the stored profile, so a partial view of the same
 * profile is not taken for a change. The strings point into g's current row: valid until g is
 * reset, which the caller does last.
 */
static void merge_stored(sqlite3_stmt *g, const struct vg_account *a, struct vg_account *m)
{
    *m = *a;
    const char **texts[] = { &m->handle, &m->name, &m->bio, &m->avatar_url };
    for (int i = 0; i < 4; i++)
        if (!*texts[i])
            *texts[i] = (const char *)sqlite3_column_text(g, 2 + i);
    int64_t *nums[] = { &m->created_at, &m->followers, &m->following, &m->posts };
    int64_t unknown[] = { VG_TIME_UNKNOWN, -1, -1, -1 };
    for (int i = 0; i < 4; i++)
        if (*nums[i] == unknown[i] && sqlite3_column_type(g, 6 + i) != SQLITE_NULL)
            *nums[i] = sqlite3_column_int64(g, 6 + i);
    /* A hash belongs to the picture it came with: kept only while the avatar URL is the same. */
    const char *url = (const char *)sqlite3_column_text(g, 5);
    if (!m->avatar_pdq &&
        (m->avatar_url == url || (m->avatar_url && url && !strcmp(m->avatar_url, url))))
        stored_pdq(g, m);
}

/*
 * A newer snapshot of a known account whose profile changed: it becomes the latest. When its
 * identity changed too, the identity it leaves goes to history, from its first sighting to the
 * account's last observation before this one. Reads g's row before the update replaces it.
 */
static vg_status put_newer_profile(struct sqlite_state *st, const struct vg_event *ev,
                                   sqlite3_stmt *g, const struct vg_account *m, uint64_t ph)
{
    struct vg_account old;
    stored_identity(g, m->id, &old);
    uint64_t ih = ident_hash(m), old_ih = ident_hash(&old);
    int64_t seen = sqlite3_column_int64(g, 0);
    int64_t since = sqlite3_column_type(g, 10) == SQLITE_NULL ? seen : sqlite3_column_int64(g, 10);
    vg_status rc;
    if (ih != old_ih && (rc = put_history(st, &old, old_ih, since, seen)))
        return rc;
    sqlite3_stmt *u = st->stmt[S_UPD_ACCOUNT];
    bind_account(u, ev, m, ph, ih);
    /* By rowid, found by the lookup: saves a second search of the id index. */
    sqlite3_bind_int64(u, 14, sqlite3_column_int64(g, 11));
    return exec_stmt(st, S_UPD_ACCOUNT, "updating an account");
}

/*
 * An older snapshot: the latest profile stays. Its identity is the current one (only the first
 * sighting may move back), one in history (a duplicate unless it widens the row), or one never
 * seen (a handle the account had before the one we know), which joins the history.
 */
static vg_status put_older_profile(struct sqlite_state *st, sqlite3_stmt *g,
                                   const struct vg_account *m, enum vg_put_result *res)
{
    struct vg_account cur;
    stored_identity(g, m->id, &cur);
    uint64_t ih = ident_hash(m);
    vg_status rc;
    *res = VG_PUT_DUPLICATE;
    if (ih != ident_hash(&cur)) {
        int found = 0;
        if ((rc = has_history(st, m->id, ih, &found)))
            return rc;
        if (!found)
            *res = VG_PUT_UPDATED;
        if ((rc = put_history(st, m, ih, m->observed_at, m->observed_at)))
            return rc;
    }
    return note_seen_earlier(st, m, ih);
}

static vg_status put_known_account(struct sqlite_state *st, const struct vg_event *ev,
                                   sqlite3_stmt *g, enum vg_put_result *res)
{
    struct vg_account m;
    merge_stored(g, &ev->u.account, &m);
    int64_t seen = sqlite3_column_int64(g, 0);
    uint64_t old_ph = (uint64_t)sqlite3_column_int64(g, 1);
    uint64_t ph = profile_hash(&m);
    if (ph == old_ph) {
        /* The same profile seen again; only an earlier sighting moves first_seen back. */
        *res = VG_PUT_DUPLICATE;
        return m.observed_at >= seen ? VG_OK : note_seen_earlier(st, &m, ident_hash(&m));
    }
    if (m.observed_at > seen) {
        *res = VG_PUT_UPDATED;
        return put_newer_profile(st, ev, g, &m, ph);
    }
    return put_older_profile(st, g, &m, res);
}

static vg_status sqlite_put_account(void *state, const struct vg_event *ev, enum vg_put_result *res)
{
    struct sqlite_state *st = state;
    const struct vg_account *a = &ev->u.account;
    sqlite3_stmt *g = st->stmt[S_GET_ACCOUNT];
    bind_text(g, 1, a->id);
    int src = sqlite3_step(g);
    vg_status rc;
    if (src == SQLITE_ROW) {
        rc = put_known_account(st, ev, g, res);
    } else if (src == SQLITE_DONE) {
        bind_account(st->stmt[S_INS_ACCOUNT], ev, a, profile_hash(a), ident_hash(a));
        rc = exec_stmt(st, S_INS_ACCOUNT, "storing an account");
        if (rc == VG_OK)
            *res = VG_PUT_NEW;
    } else {
        rc = fail(st, src, "looking up an account");
    }
    sqlite3_reset(g);
    return rc;
}

/* ---- edges, moderation, reports, deletions ------------------------------------------------- */

static vg_status insert_or_ignore(struct sqlite_state *st, enum stmt_id id, const char *what,
                                  enum vg_put_result *res)
{
    vg_status rc = exec_stmt(st, id, what);
    if (rc)
        return rc;
    *res = sqlite3_changes(st->db) ? VG_PUT_NEW : VG_PUT_DUPLICATE;
    return VG_OK;
}

static vg_status sqlite_put_edge(void *state, const struct vg_event *ev, enum vg_put_result *res)
{
    struct sqlite_state *st = state;
    sqlite3_stmt *s = st->stmt[S_INS_EDGE];
    bind_text(s, 1, vg_event_type_name(ev->type));
    bind_text(s, 2, ev->u.edge.src);
    bind_text(s, 3, ev->u.edge.dst);
    bind_time(s, 4, ev->u.edge.at);
    bind_text(s, 5, ev->platform);
    return insert_or_ignore(st, S_INS_EDGE, "storing an edge", res);
}

static vg_status sqlite_put_moderation(void *state, const struct vg_event *ev,
                                       enum vg_put_result *res)
{
    struct sqlite_state *st = state;
    sqlite3_stmt *s = st->stmt[S_INS_MODERATION];
    bind_text(s, 1, vg_event_type_name(ev->type));
    bind_text(s, 2, ev->u.moderation.account);
    bind_time(s, 3, ev->u.moderation.at);
    bind_text(s, 4, ev->u.moderation.reason);
    bind_text(s, 5, ev->platform);
    return insert_or_ignore(st, S_INS_MODERATION, "storing a moderation event", res);
}

static vg_status sqlite_put_report(void *state, const struct vg_event *ev, enum vg_put_result *res)
{
    struct sqlite_state *st = state;
    const struct vg_report *r = &ev->u.report;
    char key[40];
    const char *k = r->id;
    if (!k) {
        /* No id of its own: the same reporter, target, time and reason is the same report. */
        const char *f[] = { r->reporter, r->target, r->reason };
        int64_t at = r->at;
        snprintf(key, sizeof(key), "h:%016llx", (unsigned long long)hash_fields(f, 3, &at, 1));
        k = key;
    }
    sqlite3_stmt *s = st->stmt[S_INS_REPORT];
    sqlite3_bind_text(s, 1, k, -1, SQLITE_TRANSIENT);
    bind_text(s, 2, r->id);
    bind_text(s, 3, r->reporter);
    bind_text(s, 4, r->target);
    const char *j = strv_json(st, &r->posts, &st->json);
    if (j)
        sqlite3_bind_text(s, 5, j, -1, SQLITE_TRANSIENT);
    bind_text(s, 6, r->reason);
    bind_time(s, 7, r->at);
    bind_text(s, 8, ev->platform);
    return insert_or_ignore(st, S_INS_REPORT, "storing a report", res);
}

static vg_status sqlite_put_deletion(void *state, const struct vg_event *ev,
                                     enum vg_put_result *res)
{
    struct sqlite_state *st = state;
    sqlite3_stmt *s = st->stmt[S_INS_DELETION];
    bind_text(s, 1, ev->u.deletion.target);
    bind_text(s, 2, ev->u.deletion.target_type);
    bind_time(s, 3, ev->u.deletion.at);
    bind_text(s, 4, ev->u.deletion.reason);
    bind_text(s, 5, ev->platform);
    return insert_or_ignore(st, S_INS_DELETION, "storing a deletion", res);
}

static vg_status sqlite_put_reject(void *state, const struct vg_reject *r, int64_t at)
{
    struct sqlite_state *st = state;
    sqlite3_stmt *s = st->stmt[S_INS_REJECT];
    sqlite3_bind_int64(s, 1, at);
    bind_text(s, 2, r->file);
    sqlite3_bind_int64(s, 3, (sqlite3_int64)r->line);
    sqlite3_bind_int64(s, 4, (sqlite3_int64)r->offset);
    if (r->item >= 0)
        sqlite3_bind_int64(s, 5, r->item);
    else
        sqlite3_bind_null(s, 5);
    bind_text(s, 6, r->format);
    bind_text(s, 7, r->reason);
    /* Raw bytes may be invalid UTF-8: a BLOB keeps them as they were. */
    sqlite3_bind_blob(s, 8, r->raw ? r->raw : "", (int)r->raw_len, SQLITE_STATIC);
    sqlite3_bind_int(s, 9, r->raw_truncated);
    return exec_stmt(st, S_INS_REJECT, "storing a rejected record");
}

static vg_status sqlite_put_score(void *state, const char *post_id, const char *model,
                                  const struct vg_post_score *sc, int64_t at)
{
    struct sqlite_state *st = state;
    sqlite3_stmt *s = st->stmt[S_PUT_SCORE];
    bind_text(s, 1, post_id);
    bind_text(s, 2, model);
    sqlite3_bind_double(s, 3, sc->score);
    sqlite3_bind_int(s, 4, sc->flagged);
    sqlite3_bind_int64(s, 5, sc->categories);
    sqlite3_bind_double(s, 6, sc->threat);
    sqlite3_bind_int(s, 7, sc->escalate);
    sqlite3_bind_int64(s, 8, sc->exempt);
    bind_text(s, 9, sc->lang);
    sqlite3_bind_int64(s, 10, at);
    return exec_stmt(st, S_PUT_SCORE, "storing a score");
}

/* ---- statistics ---------------------------------------------------------------------------- */

struct json_out {
    struct sqlite_state *st;
    struct vg_buf *out;
    vg_status rc;
};

static void jputs(struct json_out *j, const char *s)
{
    if (!j->rc)
        j->rc = vg_buf_puts(j->out, s);
}

static void jstr(struct json_out *j, const char *s)
{
    if (!j->rc)
        j->rc = vg_buf_json_str(j->out, s, strlen(s));
}

static void jint(struct json_out *j, int64_t v)
{
    if (!j->rc)
        j->rc = vg_buf_printf(j->out, "%lld", (long long)v);
}

static int64_t query_int(struct json_out *j, const char *sql)
{
    sqlite3_stmt *s;
    int64_t v = 0;
    if (j->rc)
        return 0;
    int src = sqlite3_prepare_v2(j->st->db, sql, -1, &s, NULL);
    if (src != SQLITE_OK) {
        j->rc = fail(j->st, src, "statistics");
        return 0;
    }
    src = sqlite3_step(s);
    if (src == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    else if (src != SQLITE_DONE)
        j->rc = fail(j->st, src, "statistics");
    sqlite3_finalize(s);
    return v;
}

/* Write "key":{"name":count,...} or "key":[{"name":..,"n":..},...] from a two-column query. */
static void query_pairs(struct json_out *j, const char *key, const char *sql, const char *name_key,
                        int as_list, size_t limit)
{
    sqlite3_stmt *s;
    if (j->rc)
        return;
    int src = sqlite3_prepare_v2(j->st->db, sql, -1, &s, NULL);
    if (src != SQLITE_OK) {
        j->rc = fail(j->st, src, "statistics");
        return;
    }
    sqlite3_bind_int64(s, 1, (sqlite3_int64)limit);
    jputs(j, ",\"");
    jputs(j, key);
    jputs(j, as_list ? "\":[" : "\":{");
    int first = 1;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(s, 0);
        if (!first)
            jputs(j, ",");
        first = 0;
        if (as_list) {
            jputs(j, "{\"");
            jputs(j, name_key);
            jputs(j, "\":");
            jstr(j, name ? name : "");
            jputs(j, ",\"n\":");
            jint(j, sqlite3_column_int64(s, 1));
            jputs(j, "}");
        } else {
            jstr(j, name ? name : "und");
            jputs(j, ":");
            jint(j, sqlite3_column_int64(s, 1));
        }
    }
    if (src != SQLITE_DONE && !j->rc)
        j->rc = fail(j->st, src, "statistics");
    sqlite3_finalize(s);
    jputs(j, as_list ? "]" : "}");
}

static void date_range(struct json_out *j)
{
    int64_t n = query_int(j, "SELECT count(*) FROM posts");
    jputs(j, ",\"posts_from\":");
    if (n) {
        char buf[21];
        jstr(j, vg_time_format(query_int(j, "SELECT min(created_at) FROM posts"), buf));
        jputs(j, ",\"posts_to\":");
        jstr(j, vg_time_format(query_int(j, "SELECT max(created_at) FROM posts"), buf));
    } else {
        jputs(j, "null,\"posts_to\":null");
    }
}

static vg_status sqlite_stats_json(void *state, size_t top_n, struct vg_buf *out)
{
    struct json_out j = { state, out, VG_OK };

    static const struct {
        const char *key, *sql;
    } counts[] = {
        { "posts", "SELECT count(*) FROM posts" },
        { "accounts", "SELECT count(*) FROM accounts" },
        { "account_history", "SELECT count(*) FROM account_identities" },
        { "follows", "SELECT count(*) FROM edges WHERE kind = 'follow'" },
        { "unfollows", "SELECT count(*) FROM edges WHERE kind = 'unfollow'" },
        { "suspensions", "SELECT count(*) FROM moderation WHERE kind = 'suspension'" },
        { "reinstatements", "SELECT count(*) FROM moderation WHERE kind = 'reinstatement'" },
        { "reports", "SELECT count(*) FROM reports" },
        { "deletions", "SELECT count(*) FROM deletions" },
        { "replies", "SELECT count(*) FROM posts WHERE reply_to IS NOT NULL" },
        { "reposts", "SELECT count(*) FROM posts WHERE repost_of IS NOT NULL" },
        { "quotes", "SELECT count(*) FROM posts WHERE quote_of IS NOT NULL" },
        { "posting_accounts", "SELECT count(DISTINCT account) FROM posts" },
        { "scored_posts", "SELECT count(DISTINCT post_id) FROM post_scores" },
        { "flagged_posts", "SELECT count(DISTINCT post_id) FROM post_scores WHERE flagged" },
        { "escalated_threats", "SELECT count(DISTINCT post_id) FROM post_scores WHERE escalate" },
        { "dead_letters", "SELECT count(*) FROM dead_letters" },
    };

    jputs(&j, "{\"schema_version\":");
    jint(&j, ((struct sqlite_state *)state)->version);
    for (size_t i = 0; i < VG_ARRAY_LEN(counts); i++) {
        jputs(&j, ",\"");
        jputs(&j, counts[i].key);
        jputs(&j, "\":");
        jint(&j, query_int(&j, counts[i].sql));
    }
    date_range(&j);
    query_pairs(&j, "languages",
                "SELECT coalesce(lang,'und'), count(*) AS n FROM posts GROUP BY 1 "
                "ORDER BY n DESC, 1 LIMIT ?1",
                NULL, 0, 1000);
    query_pairs(&j, "platforms",
                "SELECT coalesce(platform,'unknown'), count(*) AS n FROM posts GROUP BY 1 "
                "ORDER BY n DESC, 1 LIMIT ?1",
                NULL, 0, 100);
    query_pairs(&j, "top_hashtags",
                "SELECT tag, count(*) AS n FROM post_hashtags GROUP BY tag "
                "ORDER BY n DESC, tag LIMIT ?1",
                "tag", 1, top_n);
    query_pairs(&j, "top_domains",
                "SELECT domain, count(*) AS n FROM post_urls WHERE domain IS NOT NULL "
                "GROUP BY domain ORDER BY n DESC, domain LIMIT ?1",
                "domain", 1, top_n);
    jputs(&j, "}");
    return j.rc;
}

static vg_status sqlite_scan(void *state, enum vg_scan kind, int64_t from, int64_t before,
                             vg_scan_fn fn, void *ud);
static vg_status sqlite_put_return_links(void *state, const struct vg_store_return_link *links,
                                         size_t n);
static vg_status sqlite_add_return_link(void *state, const struct vg_store_return_link *link);
static vg_status sqlite_get_return_link(void *state, const char *account, char *replaces,
                                        size_t cap, int *found);
static vg_status sqlite_post_score(void *state, const char *post, double *score, int *found);
static vg_status sqlite_reject_return_link(void *state, const struct vg_store_return_reject *r,
                                           struct vg_store_return_reject_out *out);
static vg_status sqlite_put_storm_alert(void *state, const struct vg_store_storm_alert *a);
static vg_status sqlite_bank_create(void *state, const char *name, const char *description,
                                    int64_t now, int *created);
static vg_status sqlite_bank_list(void *state, vg_bank_list_fn fn, void *ud);
static vg_status sqlite_bank_put(void *state, const struct vg_bank_item *it, int64_t now,
                                 enum vg_bank_change *change, int64_t *id);
static vg_status sqlite_bank_delete(void *state, const char *bank, enum vg_item_type type,
                                    const char *value, const char *external_id, int64_t now,
                                    enum vg_bank_change *change);
static vg_status sqlite_bank_scan(void *state, const char *bank, int with_deleted,
                                  vg_bank_item_fn fn, void *ud);
static vg_status sqlite_checkpoint_get(void *state, const char *bank, const char *source,
                                       struct vg_buf *out, int *found);
static vg_status sqlite_checkpoint_put(void *state, const char *bank, const char *source,
                                       const char *checkpoint, int64_t now);
static vg_status sqlite_put_post_match(void *state, const struct vg_store_post_match *m,
                                       int64_t now, int *inserted);
static vg_status sqlite_post_media_scan(void *state, vg_store_media_fn fn, void *ud);

const struct vg_store_ops vg__store_sqlite = {
    .name = "sqlite",
    .open = sqlite_open,
    .close = sqlite_close,
    .begin = sqlite_begin,
    .commit = sqlite_commit,
    .rollback = sqlite_rollback,
    .schema_version = sqlite_schema_version,
    .has_post = sqlite_has_post,
    .put_post = sqlite_put_post,
    .put_account = sqlite_put_account,
    .put_edge = sqlite_put_edge,
    .put_moderation = sqlite_put_moderation,
    .put_report = sqlite_put_report,
    .put_deletion = sqlite_put_deletion,
    .put_reject = sqlite_put_reject,
    .put_score = sqlite_put_score,
    .stats_json = sqlite_stats_json,
    .scan = sqlite_scan,
    .put_return_links = sqlite_put_return_links,
    .add_return_link = sqlite_add_return_link,
    .get_return_link = sqlite_get_return_link,
    .reject_return_link = sqlite_reject_return_link,
    .post_score = sqlite_post_score,
    .put_storm_alert = sqlite_put_storm_alert,
    .sites = &vg__store_sqlite_sites,
    .cases = &vg__store_sqlite_cases,
    .records = &vg__store_sqlite_records,
    .queue = &vg__store_sqlite_queue,
    .bank_create = sqlite_bank_create,
    .bank_list = sqlite_bank_list,
    .bank_put = sqlite_bank_put,
    .bank_delete = sqlite_bank_delete,
    .bank_scan = sqlite_bank_scan,
    .checkpoint_get = sqlite_checkpoint_get,
    .checkpoint_put = sqlite_checkpoint_put,
    .put_post_match = sqlite_put_post_match,
    .post_media_scan = sqlite_post_media_scan,
};

/* ---- reads for the network stage (src/graph/) ----------------------------------------------- */

/* The statement of each scan kind, in enum vg_scan order. Columns: account, other, item, at,
 * count, score, flagged (struct vg_scan_row); see store.h for what each kind puts in them. */
static const enum stmt_id scan_stmt[VG_SCAN__COUNT] = {
    [VG_SCAN_ACCOUNTS] = S_SCAN_ACCOUNTS,
    [VG_SCAN_FOLLOWS] = S_SCAN_FOLLOWS,
    [VG_SCAN_UNFOLLOWS] = S_SCAN_UNFOLLOWS,
    [VG_SCAN_INTERACTIONS] = S_SCAN_INTERACTIONS,
    [VG_SCAN_MENTIONS] = S_SCAN_MENTIONS,
    [VG_SCAN_MODERATION] = S_SCAN_MODERATION,
    [VG_SCAN_POST_SCORES] = S_SCAN_POST_SCORES,
    [VG_SCAN_HASHTAGS] = S_SCAN_HASHTAGS,
    [VG_SCAN_DOMAINS] = S_SCAN_DOMAINS,
    [VG_SCAN_ACTIVITY] = S_SCAN_ACTIVITY,
    [VG_SCAN_POSTS_BY_TIME] = S_SCAN_POSTS_BY_TIME,
    [VG_SCAN_IDENTITIES] = S_SCAN_IDENTITIES,
    [VG_SCAN_PAST_HANDLES] = S_SCAN_PAST_HANDLES,
    [VG_SCAN_POST_MENTIONS] = S_SCAN_POST_MENTIONS,
    [VG_SCAN_RETURN_REJECTIONS] = S_SCAN_RETURN_REJECTIONS,
};

static void scan_read_row(sqlite3_stmt *s, struct vg_scan_row *r)
{
    r->account = (const char *)sqlite3_column_text(s, 0);
    r->other = (const char *)sqlite3_column_text(s, 1);
    r->item = (const char *)sqlite3_column_text(s, 2);
    r->at = sqlite3_column_type(s, 3) == SQLITE_NULL ? VG_TIME_UNKNOWN : sqlite3_column_int64(s, 3);
    r->count = sqlite3_column_int64(s, 4);
    r->score = sqlite3_column_double(s, 5);
    r->flagged = sqlite3_column_int(s, 6);
    /* Scans with more columns (returning accounts) fill the string fields after them. */
    int nc = sqlite3_column_count(s);
    r->name = nc > 7 ? (const char *)sqlite3_column_text(s, 7) : NULL;
    r->bio = nc > 8 ? (const char *)sqlite3_column_text(s, 8) : NULL;
    r->avatar = nc > 9 ? (const char *)sqlite3_column_text(s, 9) : NULL;
    r->list = nc > 10 ? (const char *)sqlite3_column_text(s, 10) : NULL;
    r->avatar_pdq = nc > 11 ? (const char *)sqlite3_column_text(s, 11) : NULL;
    r->avatar_pdq_quality =
            nc > 12 && sqlite3_column_type(s, 12) != SQLITE_NULL ? sqlite3_column_int(s, 12) : -1;
}

static vg_status sqlite_scan(void *state, enum vg_scan kind, int64_t from, int64_t before,
                             vg_scan_fn fn, void *ud)
{
    struct sqlite_state *st = state;
    sqlite3_stmt *s = st->stmt[scan_stmt[kind]];
    bind_time(s, 1, before);
    bind_time(s, 2, from);
    vg_status rc = VG_OK;
    int src;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        struct vg_scan_row r;
        scan_read_row(s, &r);
        /* A row whose account is NULL cannot be placed in the graph (a reply to a post whose
         * author is unknown is already dropped by the join). */
        if (!r.account)
            continue;
        if ((rc = fn(&r, ud)))
            break;
    }
    if (!rc && src != SQLITE_DONE)
        rc = fail(st, src, "reading the network");
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc;
}

/* ---- returning accounts (src/link/) --------------------------------------------------------- */

static vg_status put_return_link(struct sqlite_state *st, const struct vg_store_return_link *l,
                                 int64_t now)
{
    sqlite3_stmt *s = st->stmt[S_INS_RETURN_LINK];
    bind_text(s, 1, l->account);
    bind_text(s, 2, l->replaces);
    bind_text(s, 3, l->persona);
    sqlite3_bind_double(s, 4, l->score);
    sqlite3_bind_int64(s, 5, l->linked_at);
    bind_text(s, 6, l->evidence ? l->evidence : "[]");
    sqlite3_bind_int64(s, 7, now);
    return exec_stmt(st, S_INS_RETURN_LINK, "storing a return link");
}

/* A batch run recomputes every link from the data, so its links replace the stored ones: one
 * transaction, so a reader sees the old set or the new one, never a mix. */
static vg_status sqlite_put_return_links(void *state, const struct vg_store_return_link *links,
                                         size_t n)
{
    struct sqlite_state *st = state;
    int64_t now = (int64_t)time(NULL);
    vg_status rc = sqlite_begin(st);
    if (rc)
        return rc;
    rc = exec_stmt(st, S_DEL_RETURN_LINKS, "replacing return links");
    for (size_t i = 0; i < n && !rc; i++)
        rc = put_return_link(st, &links[i], now);
    if (!rc)
        rc = sqlite_commit(st);
    if (rc)
        sqlite_rollback(st);
    return rc;
}

static vg_status sqlite_add_return_link(void *state, const struct vg_store_return_link *link)
{
    return put_return_link(state, link, (int64_t)time(NULL));
}

/* The stored link of account: replaces into out (cap bytes), and its persona into persona when
 * not NULL (pcap bytes). */
static vg_status read_return_link(struct sqlite_state *st, const char *account, char *out,
                                  size_t cap, char *persona, size_t pcap, int *found)
{
    sqlite3_stmt *s = st->stmt[S_GET_RETURN_LINK];
    bind_text(s, 1, account);
    int src = sqlite3_step(s);
    *found = src == SQLITE_ROW;
    if (*found) {
        snprintf(out, cap, "%s", (const char *)sqlite3_column_text(s, 0));
        if (persona)
            snprintf(persona, pcap, "%s", (const char *)sqlite3_column_text(s, 1));
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return src == SQLITE_ROW || src == SQLITE_DONE ? VG_OK : fail(st, src, "reading a return link");
}

static vg_status sqlite_get_return_link(void *state, const char *account, char *replaces,
                                        size_t cap, int *found)
{
    return read_return_link(state, account, replaces, cap, NULL, 0, found);
}

/* The links of a persona as (account, replaces) pairs, copied (persona_rows_free frees them). */
struct persona_rows {
    char **acc, **rep;
    size_t n, cap;
};

static void persona_rows_free(struct persona_rows *p)
{
    for (size_t i = 0; i < p->n; i++) {
        vg_free(p->acc[i]);
        vg_free(p->rep[i]);
    }
    vg_free(p->acc);
    vg_free(p->rep);
}

static vg_status read_persona_rows(struct sqlite_state *st, const char *persona,
                                   struct persona_rows *p)
{
    sqlite3_stmt *s = st->stmt[S_PERSONA_LINKS];
    bind_text(s, 1, persona);
    vg_status rc = VG_OK;
    int src;
    while (!rc && (src = sqlite3_step(s)) == SQLITE_ROW) {
        if (p->n == p->cap) {
            size_t cap = p->cap ? 2 * p->cap : 16;
            char **a = vg_realloc(p->acc, cap * sizeof(*a));
            if (a)
                p->acc = a;
            char **r = a ? vg_realloc(p->rep, cap * sizeof(*r)) : NULL;
            if (!a || !r) {
                rc = VG_ENOMEM;
                break;
            }
            p->rep = r;
            p->cap = cap;
        }
        p->acc[p->n] = vg_strdup((const char *)sqlite3_column_text(s, 0));
        p->rep[p->n] = vg_strdup((const char *)sqlite3_column_text(s, 1));
        if (!p->acc[p->n] || !p->rep[p->n]) {
            vg_free(p->acc[p->n]);
            vg_free(p->rep[p->n]);
            rc = VG_ENOMEM;
            break;
        }
        p->n++;
    }
    if (!rc && src != SQLITE_DONE)
        rc = fail(st, src, "reading a persona's links");
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc;
}

/* A persona is named after the first account of its chain: the account the chain's top link
 * replaces, which is itself linked to nothing. Once a link is gone, the links that came
 * through it lead to its account instead. Each of persona's links gets the account its chain
 * now leads to (within the persona: a chain never leaves it). */
static vg_status repersona(struct sqlite_state *st, const char *persona, int64_t *changed)
{
    struct persona_rows p = { 0 };
    vg_status rc = read_persona_rows(st, persona, &p);
    for (size_t i = 0; i < p.n && !rc; i++) {
        const char *top = p.rep[i];
        for (size_t steps = 0; steps < p.n; steps++) { /* at most n steps: no loop */
            size_t j = 0;
            while (j < p.n && strcmp(p.acc[j], top))
                j++;
            if (j == p.n)
                break;
            top = p.rep[j];
        }
        if (!strcmp(top, persona))
            continue;
        sqlite3_stmt *s = st->stmt[S_SET_LINK_PERSONA];
        bind_text(s, 1, p.acc[i]);
        bind_text(s, 2, top);
        if (!(rc = exec_stmt(st, S_SET_LINK_PERSONA, "renaming a persona")))
            (*changed)++;
    }
    persona_rows_free(&p);
    return rc;
}

static vg_status sqlite_reject_return_link(void *state, const struct vg_store_return_reject *r,
                                           struct vg_store_return_reject_out *out)
{
    struct sqlite_state *st = state;
    memset(out, 0, sizeof(*out));
    sqlite3_stmt *s = st->stmt[S_INS_RETURN_REJECTION];
    bind_text(s, 1, r->account);
    bind_text(s, 2, r->replaces);
    sqlite3_bind_int64(s, 3, r->at);
    bind_text(s, 4, r->actor);
    bind_text(s, 5, r->note);
    vg_status rc = exec_stmt(st, S_INS_RETURN_REJECTION, "keeping a rejection");
    if (rc)
        return rc;
    out->already = sqlite3_changes(st->db) == 0;
    char replaces[512], persona[512];
    int found;
    if ((rc = read_return_link(st, r->account, replaces, sizeof(replaces), persona, sizeof(persona),
                               &found)) ||
        !found || strcmp(replaces, r->replaces))
        return rc;
    s = st->stmt[S_DEL_RETURN_LINK];
    bind_text(s, 1, r->account);
    bind_text(s, 2, r->replaces);
    if ((rc = exec_stmt(st, S_DEL_RETURN_LINK, "deleting a return link")))
        return rc;
    out->removed = 1;
    return repersona(st, persona, &out->personas);
}

/* ---- storm alerts (src/storm/) -------------------------------------------------------------- */

static vg_status sqlite_post_score(void *state, const char *post, double *score, int *found)
{
    struct sqlite_state *st = state;
    sqlite3_stmt *s = st->stmt[S_POST_SCORE];
    bind_text(s, 1, post);
    int src = sqlite3_step(s);
    *found = src == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL;
    *score = *found ? sqlite3_column_double(s, 0) : 0;
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return src == SQLITE_ROW ? VG_OK : fail(st, src, "reading a post's score");
}

static vg_status upsert_storm_alert(struct sqlite_state *st, const struct vg_store_storm_alert *a,
                                    int64_t *id)
{
    sqlite3_stmt *s = st->stmt[S_UPSERT_STORM_ALERT];
    bind_text(s, 1, a->hashtag);
    sqlite3_bind_int64(s, 2, a->onset);
    sqlite3_bind_int64(s, 3, a->detected_at);
    sqlite3_bind_int64(s, 4, a->last_at);
    sqlite3_bind_int(s, 5, a->ended);
    bind_text(s, 6, a->link);
    sqlite3_bind_int64(s, 7, (sqlite3_int64)a->posts);
    sqlite3_bind_int64(s, 8, (sqlite3_int64)a->n_accounts);
    bind_text(s, 9, a->json);
    sqlite3_bind_int64(s, 10, (int64_t)time(NULL));
    int src = sqlite3_step(s);
    if (src == SQLITE_ROW)
        *id = sqlite3_column_int64(s, 0);
    /* RETURNING: the row comes first, the statement is done at the next step. */
    if (src == SQLITE_ROW)
        src = sqlite3_step(s);
    vg_status rc = src == SQLITE_DONE ? VG_OK : fail(st, src, "storing a storm alert");
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc;
}

static vg_status sqlite_put_storm_alert(void *state, const struct vg_store_storm_alert *a)
{
    struct sqlite_state *st = state;
    int64_t id = 0;
    vg_status rc = upsert_storm_alert(st, a, &id);
    sqlite3_stmt *s = st->stmt[S_INS_STORM_ACCOUNT];
    for (size_t i = 0; i < a->n_accounts && !rc; i++) {
        sqlite3_bind_int64(s, 1, id);
        bind_text(s, 2, a->accounts[i]);
        rc = exec_stmt(st, S_INS_STORM_ACCOUNT, "storing a storm's account");
    }
    return rc;
}

/* ---- banks of known items (src/known/) ------------------------------------------------------ */

/* The row of an ITEM_COLS statement; strings valid until the statement moves. */
static void read_item(sqlite3_stmt *s, struct vg_bank_item *it)
{
    memset(it, 0, sizeof(*it));
    it->id = sqlite3_column_int64(s, 0);
    it->bank = col_text(s, 1);
    if (vg_item_type_parse(col_text(s, 2), &it->type) != VG_OK)
        it->type = VG_ITEM__COUNT; /* the CHECK constraint makes this unreachable */
    it->value = col_text(s, 3);
    it->label = col_text(s, 4);
    it->source = col_text(s, 5);
    it->ideology = col_text(s, 6);
    it->tco = col_text(s, 7);
    it->tags = col_text(s, 8);
    it->external_id = col_text(s, 9);
    it->added = sqlite3_column_int64(s, 10);
    it->updated = sqlite3_column_int64(s, 11);
    it->deleted = sqlite3_column_type(s, 12) == SQLITE_NULL ? VG_TIME_UNKNOWN
                                                            : sqlite3_column_int64(s, 12);
}

static vg_status sqlite_bank_create(void *state, const char *name, const char *description,
                                    int64_t now, int *created)
{
    struct sqlite_state *st = state;
    sqlite3_stmt *s = st->stmt[S_INS_BANK];
    bind_text(s, 1, name);
    bind_text(s, 2, description);
    sqlite3_bind_int64(s, 3, now);
    vg_status rc = exec_stmt(st, S_INS_BANK, "creating a bank");
    if (!rc && created)
        *created = sqlite3_changes(st->db) > 0;
    return rc;
}

static vg_status sqlite_bank_list(void *state, vg_bank_list_fn fn, void *ud)
{
    struct sqlite_state *st = state;
    sqlite3_stmt *s = st->stmt[S_LIST_BANKS];
    vg_status rc = VG_OK;
    int src;
    while ((src = sqlite3_step(s)) == SQLITE_ROW)
        if ((rc = fn(col_text(s, 0), col_text(s, 1), sqlite3_column_int64(s, 2),
                     sqlite3_column_int64(s, 3), sqlite3_column_int64(s, 4), ud)))
            break;
    if (!rc && src != SQLITE_DONE)
        rc = fail(st, src, "listing banks");
    sqlite3_reset(s);
    return rc;
}

/* 1 when a new value (NULL: keep the old) would change the old one. */
static int field_changes(const char *new_v, const char *old_v)
{
    return new_v && (!old_v || strcmp(new_v, old_v));
}

static vg_status sqlite_bank_put(void *state, const struct vg_bank_item *it, int64_t now,
                                 enum vg_bank_change *change, int64_t *id)
{
    struct sqlite_state *st = state;
    sqlite3_stmt *s = st->stmt[S_GET_ITEM];
    bind_text(s, 1, it->bank);
    bind_text(s, 2, vg_item_type_name(it->type));
    bind_text(s, 3, it->value);
    int src = sqlite3_step(s);
    int found = src == SQLITE_ROW, changed = 0;
    if (found) {
        struct vg_bank_item old;
        read_item(s, &old);
        *id = old.id;
        changed = old.deleted != VG_TIME_UNKNOWN || field_changes(it->label, old.label) ||
                  field_changes(it->source, old.source) ||
                  field_changes(it->ideology, old.ideology) || field_changes(it->tco, old.tco) ||
                  field_changes(it->tags, old.tags) ||
                  field_changes(it->external_id, old.external_id);
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (!found && src != SQLITE_DONE)
        return fail(st, src, "reading a bank item");
    if (found && !changed) {
        *change = VG_BANK_UNCHANGED;
        return VG_OK;
    }
    enum stmt_id sid = found ? S_UPD_ITEM : S_INS_ITEM;
    s = st->stmt[sid];
    if (found) {
        sqlite3_bind_int64(s, 1, *id);
        bind_text(s, 2, it->label);
        bind_text(s, 3, it->source);
        bind_text(s, 4, it->ideology);
        bind_text(s, 5, it->tco);
        bind_text(s, 6, it->tags);
        bind_text(s, 7, it->external_id);
        sqlite3_bind_int64(s, 8, now);
    } else {
        bind_text(s, 1, it->bank);
        bind_text(s, 2, vg_item_type_name(it->type));
        bind_text(s, 3, it->value);
        bind_text(s, 4, it->label);
        bind_text(s, 5, it->source);
        bind_text(s, 6, it->ideology);
        bind_text(s, 7, it->tco);
        bind_text(s, 8, it->tags);
        bind_text(s, 9, it->external_id);
        sqlite3_bind_int64(s, 10, now);
    }
    vg_status rc = exec_stmt(st, sid, "storing a bank item");
    if (rc)
        return rc;
    if (!found)
        *id = sqlite3_last_insert_rowid(st->db);
    *change = found ? VG_BANK_UPDATED : VG_BANK_ADDED;
    return VG_OK;
}

static vg_status sqlite_bank_delete(void *state, const char *bank, enum vg_item_type type,
                                    const char *value, const char *external_id, int64_t now,
                                    enum vg_bank_change *change)
{
    struct sqlite_state *st = state;
    enum stmt_id sid = external_id ? S_GET_ITEM_EXT : S_GET_ITEM;
    sqlite3_stmt *s = st->stmt[sid];
    bind_text(s, 1, bank);
    if (external_id) {
        bind_text(s, 2, external_id);
    } else {
        bind_text(s, 2, vg_item_type_name(type));
        bind_text(s, 3, value);
    }
    int src = sqlite3_step(s);
    int64_t id = 0, live = 0;
    if (src == SQLITE_ROW) {
        id = sqlite3_column_int64(s, 0);
        live = sqlite3_column_type(s, 12) == SQLITE_NULL;
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (src != SQLITE_ROW && src != SQLITE_DONE)
        return fail(st, src, "reading a bank item");
    *change = VG_BANK_UNCHANGED;
    if (!live)
        return VG_OK;
    s = st->stmt[S_DEL_ITEM];
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, now);
    vg_status rc = exec_stmt(st, S_DEL_ITEM, "tombstoning a bank item");
    if (!rc)
        *change = VG_BANK_DELETED;
    return rc;
}

static vg_status sqlite_bank_scan(void *state, const char *bank, int with_deleted,
                                  vg_bank_item_fn fn, void *ud)
{
    struct sqlite_state *st = state;
    sqlite3_stmt *s = st->stmt[S_SCAN_ITEMS];
    bind_text(s, 1, bank);
    sqlite3_bind_int(s, 2, with_deleted != 0);
    vg_status rc = VG_OK;
    int src;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        struct vg_bank_item it;
        read_item(s, &it);
        if ((rc = fn(&it, ud)))
            break;
    }
    if (!rc && src != SQLITE_DONE)
        rc = fail(st, src, "reading bank items");
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc;
}

static vg_status sqlite_checkpoint_get(void *state, const char *bank, const char *source,
                                       struct vg_buf *out, int *found)
{
    struct sqlite_state *st = state;
    sqlite3_stmt *s = st->stmt[S_GET_CHECKPOINT];
    bind_text(s, 1, bank);
    bind_text(s, 2, source);
    int src = sqlite3_step(s);
    vg_status rc = VG_OK;
    *found = src == SQLITE_ROW;
    if (*found)
        rc = vg_buf_puts(out, col_text(s, 0));
    else if (src != SQLITE_DONE)
        rc = fail(st, src, "reading a checkpoint");
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc;
}

static vg_status sqlite_checkpoint_put(void *state, const char *bank, const char *source,
                                       const char *checkpoint, int64_t now)
{
    struct sqlite_state *st = state;
    sqlite3_stmt *s = st->stmt[S_PUT_CHECKPOINT];
    bind_text(s, 1, bank);
    bind_text(s, 2, source);
    bind_text(s, 3, checkpoint);
    sqlite3_bind_int64(s, 4, now);
    return exec_stmt(st, S_PUT_CHECKPOINT, "storing a checkpoint");
}

static vg_status sqlite_put_post_match(void *state, const struct vg_store_post_match *m,
                                       int64_t now, int *inserted)
{
    struct sqlite_state *st = state;
    sqlite3_stmt *s = st->stmt[S_INS_POST_MATCH];
    bind_text(s, 1, m->post);
    bind_text(s, 2, m->bank);
    sqlite3_bind_int64(s, 3, m->item);
    bind_text(s, 4, vg_item_type_name(m->kind));
    sqlite3_bind_double(s, 5, m->distance);
    sqlite3_bind_int64(s, 6, now);
    vg_status rc = exec_stmt(st, S_INS_POST_MATCH, "storing a post match");
    if (!rc)
        *inserted = sqlite3_changes(st->db) > 0;
    return rc;
}

static vg_status sqlite_post_media_scan(void *state, vg_store_media_fn fn, void *ud)
{
    struct sqlite_state *st = state;
    sqlite3_stmt *s = st->stmt[S_SCAN_POST_MEDIA];
    vg_status rc = VG_OK;
    int src;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        struct vg_store_media_row r = {
            .post = col_text(s, 0),
            .idx = sqlite3_column_int(s, 1),
            .type = col_text(s, 2),
            .pdq = col_text(s, 3),
            .pdq_quality = sqlite3_column_type(s, 4) == SQLITE_NULL ? -1 : sqlite3_column_int(s, 4),
            .md5 = col_text(s, 5),
            .sha256 = col_text(s, 6),
        };
        if ((rc = fn(&r, ud)))
            break;
    }
    if (!rc && src != SQLITE_DONE)
        rc = fail(st, src, "reading post media");
    sqlite3_reset(s);
    return rc;
}
