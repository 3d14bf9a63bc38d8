/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ingest_api.c: the public ingest functions. vg_ingest_path() runs an input through the readers
 * into the store; vg_convert_path() into a callback. Both keep the summary's invariant,
 * read = accepted + duplicates + rejected, by counting each record exactly once, here, where
 * records arrive.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "detect_int.h"
#include "ingest.h"
#include "ingest_input.h"
#include "known.h"
#include "store.h"

void vg_ingest_opts_init(struct vg_ingest_opts *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->format = VG_FORMAT_AUTO;
    opts->received_at = (int64_t)time(NULL);
}

/* ---- opening an input ---------------------------------------------------------------------- */

static vg_status open_path(const char *path, struct vg_input *in)
{
    if (!strcmp(path, "-"))
        return vg_input_open_fd(in, STDIN_FILENO, "-", 0);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        VG_LOG_ERR("cannot open %s: %s", path, strerror(e));
        return e == ENOENT ? VG_ENOENT : VG_EIO;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
        VG_LOG_ERR("cannot read %s: %s", path,
                   S_ISDIR(st.st_mode) ? "is a directory" : "stat failed");
        close(fd);
        return VG_EIO;
    }
    vg_status rc = vg_input_open_fd(in, fd, path, S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0);
    if (rc)
        close(fd);
    return rc;
}

static void close_path(struct vg_input *in)
{
    int fd = in->fd;
    vg_input_close(in);
    if (fd > STDIN_FILENO)
        close(fd);
}

static vg_status finish_input(struct vg_input *in, vg_status rc)
{
    if (rc == VG_EGZIP)
        VG_LOG_ERR("%s: corrupt or truncated gzip stream after %llu lines; the records before "
                   "the damage were read",
                   in->name, (unsigned long long)in->line_no);
    else if (rc == VG_EIO)
        VG_LOG_ERR("%s: read error: %s", in->name, vg_input_errmsg(in));
    return rc;
}

/* ---- rejects ------------------------------------------------------------------------------- */

static void to_reject(const struct vg_record *rec, struct vg_reject *r)
{
    memset(r, 0, sizeof(*r));
    r->file = rec->file;
    r->line = rec->line;
    r->offset = rec->offset;
    r->item = rec->item;
    r->format = rec->format;
    r->reason = rec->reason;
    r->raw = rec->raw;
    r->raw_len = rec->raw_len;
    r->raw_truncated = rec->raw_len > VG_REJECT_RAW_MAX;
    if (r->raw_truncated) {
        /* Cut at a character boundary so valid UTF-8 stays valid. */
        size_t n = VG_REJECT_RAW_MAX;
        while (n > 0 && ((unsigned char)r->raw[n] & 0xC0) == 0x80)
            n--;
        r->raw_len = n;
    }
}

/* ---- into the store ------------------------------------------------------------------------ */

/*
 * Outcomes are counted in `pending` and added to the caller's summary only when the store has
 * committed them, so after a failure (disk full, lock) the summary says exactly what was stored.
 */
struct db_sink {
    vg_db *db;
    const struct vg_ingest_opts *opts;
    struct vg_ingest_summary *sum;
    struct vg_ingest_summary pending;
    struct vg_arena arena; /* derived fields of one record */
    struct vg_buf scratch;
    /* opts->media_dir, opened on the first media file and kept for the input; -1 before. */
    int media_fd;
};

static void add_summary(struct vg_ingest_summary *to, struct vg_ingest_summary *from)
{
    to->read += from->read;
    to->accepted += from->accepted;
    to->duplicates += from->duplicates;
    to->rejected += from->rejected;
    for (int t = 0; t < VG_EV__COUNT; t++)
        to->by_type[t] += from->by_type[t];
    to->media_hashed += from->media_hashed;
    to->media_errors += from->media_errors;
    memset(from, 0, sizeof(*from));
}

static vg_status commit(struct db_sink *k)
{
    vg_status rc = vg_db_flush(k->db);
    if (rc == VG_OK)
        add_summary(k->sum, &k->pending);
    return rc;
}

/* Scored from the same derived text the store keeps, so a stored score is reproducible with
 * `vigie classify` on the stored post. */
static vg_status score_post(struct db_sink *k, const struct vg_post *post,
                            const struct vg_post_derived *d)
{
    struct vg_post_score s;
    vg_classifier *c = k->opts->classifier;
    vg_status rc = vg__classifier_score_derived(c, post, d, &s, NULL);
    return rc ? rc : vg__db_put_score(k->db, post->id, vg_classifier_model_id(c), &s);
}

/* ---- media files (--media-dir) ------------------------------------------------------------- */

static void media_error(struct db_sink *k, const struct vg_record *rec, const char *field,
                        const char *fmt, ...) VG_PRINTF(4, 5);

/* Log a media error naming the record and field ("media[0].file", "avatar_file"), and count
 * it: the record still lands. */
static void media_error(struct db_sink *k, const struct vg_record *rec, const char *field,
                        const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    VG_LOG_ERR("%s:%llu: field %s: %s", rec ? rec->file : "-",
               rec ? (unsigned long long)rec->line : 0ull, field, msg);
    k->pending.media_errors++;
}

/* The media folder, opened once per input. Every name is resolved from this descriptor
 * (vg__media_open_beneath), never by joining strings into a path: a joined path would be
 * resolved by the kernel with every symbolic link followed, and checking it first (realpath)
 * would leave a window between the check and the open in which the folder can change. */
static vg_status media_dir_fd(struct db_sink *k, int *fd)
{
    if (k->media_fd < 0) {
        k->media_fd = open(k->opts->media_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (k->media_fd < 0) {
            int e = errno;
            VG_LOG_ERR("cannot open the media folder %s: %s", k->opts->media_dir, strerror(e));
            return e == ENOENT ? VG_ENOENT : VG_EIO;
        }
    }
    *fd = k->media_fd;
    return VG_OK;
}

static void media_dir_close(struct db_sink *k)
{
    if (k->media_fd >= 0)
        close(k->media_fd);
    k->media_fd = -1;
}

/* The hashes of the file `name` under the media folder. VG_OK with *hashed 0 when the file
 * could not be hashed: the error is reported and counted (a missing file only when
 * `missing_is_error`; a name that leaves the folder or a symbolic link always). Returns
 * VG_ENOMEM, or the error opening the folder itself. */
static vg_status hash_media_file(struct db_sink *k, const struct vg_record *rec, const char *field,
                                 const char *name, int missing_is_error, struct vg_media_hashes *h,
                                 char *why, size_t cap, int *hashed)
{
    *hashed = 0;
    int dir_fd;
    vg_status rc = media_dir_fd(k, &dir_fd);
    if (rc)
        return rc;
    rc = vg__media_hash_file_at(dir_fd, name, h, why, cap);
    if (rc == VG_ENOMEM || (rc == VG_ENOENT && !missing_is_error))
        return rc == VG_ENOMEM ? rc : VG_OK;
    if (rc) {
        media_error(k, rec, field, "%.200s: %s", name, why[0] ? why : vg_strerror(rc));
        return VG_OK;
    }
    *hashed = 1;
    return VG_OK;
}

/* A media object of this type should be a picture PDQ can hash. */
static int expects_picture(const char *type)
{
    return !type || !strcmp(type, "photo");
}

/* Hash the file of media object m (index i), filling the hashes it lacks (those the event
 * gives are kept). Errors other than VG_ENOMEM are reported and counted, not returned. */
static vg_status hash_one_media(struct db_sink *k, const struct vg_record *rec, size_t i,
                                struct vg_media *m)
{
    /* `file` names a file (the reader checked it is safe): missing is an error. An id is usually
     * the platform's own, not a file name: it is used only when it names a file that exists. */
    const char *name = m->file ? m->file : m->id;
    if (!name || (!m->file && !vg_media_file_name_safe(name)))
        return VG_OK;
    char field[48];
    snprintf(field, sizeof(field), "media[%zu].%s", i, m->file ? "file" : "id");
    struct vg_media_hashes h;
    char why[256] = "";
    int hashed;
    vg_status rc =
            hash_media_file(k, rec, field, name, m->file != NULL, &h, why, sizeof(why), &hashed);
    if (rc || !hashed)
        return rc;
    if ((!m->md5 && !(m->md5 = vg_arena_strdup(&k->arena, h.md5))) ||
        (!m->sha256 && !(m->sha256 = vg_arena_strdup(&k->arena, h.sha256))))
        return VG_ENOMEM;
    if (!m->pdq && h.pdq[0]) {
        if (!(m->pdq = vg_arena_strdup(&k->arena, h.pdq)))
            return VG_ENOMEM;
        m->pdq_quality = h.pdq_quality;
    } else if (!h.pdq[0] && expects_picture(m->type)) {
        media_error(k, rec, field, "%.200s: not a picture PDQ can hash (%s); md5 and sha256 kept",
                    name, why);
    }
    k->pending.media_hashed++;
    return VG_OK;
}

/* With opts->media_dir, *out is the post with its media hashed where they lacked a hash (a
 * copy in k->arena); otherwise the post itself. */
static vg_status hash_media(struct db_sink *k, const struct vg_record *rec,
                            const struct vg_event *ev, const struct vg_event **out)
{
    *out = ev;
    const struct vg_post *p = &ev->u.post;
    if (!k->opts->media_dir || !p->n_media)
        return VG_OK;
    struct vg_event *copy = vg_arena_alloc(&k->arena, sizeof(*copy));
    struct vg_media *media = vg_arena_alloc(&k->arena, p->n_media * sizeof(*media));
    if (!copy || !media)
        return VG_ENOMEM;
    *copy = *ev;
    memcpy(media, p->media, p->n_media * sizeof(*media));
    copy->u.post.media = media;
    for (size_t i = 0; i < p->n_media; i++) {
        if (media[i].pdq && media[i].md5 && media[i].sha256)
            continue;
        vg_status rc = hash_one_media(k, rec, i, &media[i]);
        if (rc)
            return rc;
    }
    *out = copy;
    return VG_OK;
}

static vg_status put_post(struct db_sink *k, const struct vg_record *rec, const struct vg_event *ev,
                          enum vg_put_result *res)
{
    /* Deriving costs more than a lookup, and reposted originals recur: look first. */
    int found;
    vg_status rc = vg__db_has_post(k->db, ev->u.post.id, &found);
    if (rc)
        return rc;
    if (found) {
        *res = VG_PUT_DUPLICATE;
        return VG_OK;
    }
    if ((rc = hash_media(k, rec, ev, &ev)))
        return rc;
    struct vg_post_derived d;
    if ((rc = vg__post_derive(&ev->u.post, &k->arena, &k->scratch, &d)))
        return rc;
    if ((rc = vg__db_put_derived(k->db, ev, &d, res)) || *res != VG_PUT_NEW)
        return rc;
    return k->opts->classifier ? score_post(k, &ev->u.post, &d) : VG_OK;
}

/*
 * With opts->media_dir, *out is the profile with its picture's PDQ hash computed from
 * avatar_file when it gave none (a copy in k->arena); otherwise the profile itself. Unlike a
 * post's media, a profile is hashed each time it is read, repeated snapshots too: whether it is
 * a duplicate is known only once its hash is.
 */
static vg_status hash_avatar(struct db_sink *k, const struct vg_record *rec,
                             const struct vg_event *ev, const struct vg_event **out)
{
    *out = ev;
    const struct vg_account *a = &ev->u.account;
    if (!k->opts->media_dir || !a->avatar_file || a->avatar_pdq)
        return VG_OK;
    struct vg_media_hashes h;
    char why[256] = "";
    int hashed;
    vg_status rc = hash_media_file(k, rec, "avatar_file", a->avatar_file, 1, &h, why, sizeof(why),
                                   &hashed);
    if (rc || !hashed)
        return rc;
    if (!h.pdq[0]) {
        media_error(k, rec, "avatar_file", "%.200s: not a picture PDQ can hash (%s)",
                    a->avatar_file, why);
        return VG_OK;
    }
    struct vg_event *copy = vg_arena_alloc(&k->arena, sizeof(*copy));
    const char *pdq = vg_arena_strdup(&k->arena, h.pdq);
    if (!copy || !pdq)
        return VG_ENOMEM;
    *copy = *ev;
    copy->u.account.avatar_pdq = pdq;
    copy->u.account.avatar_pdq_quality = h.pdq_quality;
    k->pending.media_hashed++;
    *out = copy;
    return VG_OK;
}

static vg_status put_event(struct db_sink *k, const struct vg_record *rec,
                           const struct vg_event *ev, enum vg_put_result *res)
{
    vg_status rc = ev->type == VG_EV_ACCOUNT ? hash_avatar(k, rec, ev, &ev) : VG_OK;
    if (rc)
        return rc;
    rc = ev->type == VG_EV_POST ? put_post(k, rec, ev, res)
                                : vg__db_put_derived(k->db, ev, NULL, res);
    if (rc || *res == VG_PUT_DUPLICATE || !k->opts->on_new_event)
        return rc;
    return k->opts->on_new_event(ev, k->opts->ud);
}

static vg_status store_reject(struct db_sink *k, const struct vg_record *rec)
{
    struct vg_reject r;
    to_reject(rec, &r);
    if (k->opts->on_reject)
        k->opts->on_reject(&r, k->opts->ud);
    vg_status rc = vg__db_put_reject(k->db, &r);
    if (rc == VG_OK) {
        k->pending.read++;
        k->pending.rejected++;
    }
    return rc;
}

static vg_status store_events(struct db_sink *k, const struct vg_record *rec)
{
    uint64_t changed[VG_EV__COUNT] = { 0 };
    int any = 0;
    vg_status rc = VG_OK;
    for (size_t i = 0; i < rec->n_events && !rc; i++) {
        enum vg_put_result res;
        rc = put_event(k, rec, &rec->events[i], &res);
        if (!rc && res != VG_PUT_DUPLICATE) {
            any = 1;
            changed[rec->events[i].type]++;
        }
    }
    vg_arena_reset(&k->arena);
    if (rc)
        return rc;
    k->pending.read++;
    k->pending.media_errors += rec->n_dropped;
    if (any)
        k->pending.accepted++;
    else
        k->pending.duplicates++;
    for (int t = 0; t < VG_EV__COUNT; t++)
        k->pending.by_type[t] += changed[t];
    return VG_OK;
}

static vg_status db_record(void *ud, const struct vg_record *rec)
{
    struct db_sink *k = ud;
    vg_status rc = rec->reason ? store_reject(k, rec) : store_events(k, rec);
    if (rc == VG_OK && vg__db_pending(k->db) >= VG_STORE_BATCH)
        rc = commit(k);
    return rc;
}

vg_status vg_db_put(vg_db *db, const struct vg_event *ev, enum vg_put_result *result)
{
    struct vg_ingest_opts opts;
    vg_ingest_opts_init(&opts);
    struct vg_ingest_summary sum = { 0 };
    struct db_sink k = { .db = db, .opts = &opts, .sum = &sum, .media_fd = -1 };
    vg_arena_init(&k.arena, 16 << 10, VG_DOC_MAX);
    vg_buf_init(&k.scratch, VG_TEXT_MAX * 4);
    vg_status rc = put_event(&k, NULL, ev, result);
    vg_arena_release(&k.arena);
    vg_buf_release(&k.scratch);
    return rc;
}

vg_status vg__ingest_input(vg_db *db, struct vg_input *in, const struct vg_ingest_opts *opts,
                           struct vg_ingest_summary *sum)
{
    struct db_sink k = { .db = db, .opts = opts, .sum = sum, .media_fd = -1 };
    vg_arena_init(&k.arena, 16 << 10, VG_DOC_MAX);
    vg_buf_init(&k.scratch, VG_TEXT_MAX * 4);
    vg__db_set_manual_flush(db, 1);
    vg_status rc = finish_input(in, vg__ingest_run(in, opts, db_record, &k));
    /* Records read before a damaged gzip tail are kept; a store failure rolls back the batch. */
    if (rc == VG_OK || rc == VG_EGZIP || rc == VG_EIO) {
        vg_status frc = commit(&k);
        if (frc)
            rc = frc;
    }
    if (rc && rc != VG_EGZIP && rc != VG_EIO)
        vg__db_abort(db);
    vg__db_set_manual_flush(db, 0);
    sum->files++;
    media_dir_close(&k);
    vg_arena_release(&k.arena);
    vg_buf_release(&k.scratch);
    return rc;
}

vg_status vg_ingest_path(vg_db *db, const char *path, const struct vg_ingest_opts *opts,
                         struct vg_ingest_summary *sum)
{
    struct vg_input in;
    vg_status rc = open_path(path, &in);
    if (rc)
        return rc;
    rc = vg__ingest_input(db, &in, opts, sum);
    close_path(&in);
    return rc;
}

/* ---- into a callback ----------------------------------------------------------------------- */

struct cb_sink {
    const struct vg_ingest_opts *opts;
    struct vg_ingest_summary *sum;
    void (*on_event)(const struct vg_event *ev, void *ud);
    void *ud;
};

static vg_status cb_record(void *ud, const struct vg_record *rec)
{
    struct cb_sink *k = ud;
    k->sum->read++;
    if (rec->reason) {
        k->sum->rejected++;
        struct vg_reject r;
        to_reject(rec, &r);
        if (k->opts->on_reject)
            k->opts->on_reject(&r, k->opts->ud);
        return VG_OK;
    }
    k->sum->accepted++;
    for (size_t i = 0; i < rec->n_events; i++) {
        k->sum->by_type[rec->events[i].type]++;
        if (k->on_event)
            k->on_event(&rec->events[i], k->ud);
    }
    return VG_OK;
}

vg_status vg_convert_path(const char *path, const struct vg_ingest_opts *opts,
                          void (*on_event)(const struct vg_event *ev, void *ud), void *ud,
                          struct vg_ingest_summary *sum)
{
    struct vg_input in;
    vg_status rc = open_path(path, &in);
    if (rc)
        return rc;
    struct cb_sink k = { opts, sum, on_event, ud };
    rc = finish_input(&in, vg__ingest_run(&in, opts, cb_record, &k));
    sum->files++;
    close_path(&in);
    return rc;
}

/* ---- summary ------------------------------------------------------------------------------- */

vg_status vg_ingest_summary_json(const struct vg_ingest_summary *sum, char **json_out)
{
    *json_out = NULL;
    struct vg_buf b;
    vg_buf_init(&b, 4096);
    vg_status rc =
            vg_buf_printf(&b,
                          "{\"read\":%llu,\"accepted\":%llu,\"duplicates\":%llu,"
                          "\"rejected\":%llu,\"by_type\":{",
                          (unsigned long long)sum->read, (unsigned long long)sum->accepted,
                          (unsigned long long)sum->duplicates, (unsigned long long)sum->rejected);
    for (int t = 0; t < VG_EV__COUNT && !rc; t++)
        rc = vg_buf_printf(&b, "%s\"%s\":%llu", t ? "," : "",
                           vg_event_type_name((enum vg_event_type)t),
                           (unsigned long long)sum->by_type[t]);
    if (!rc)
        rc = vg_buf_printf(&b, "},\"files\":%llu}", (unsigned long long)sum->files);
    if (rc) {
        vg_buf_release(&b);
        return rc;
    }
    *json_out = vg_buf_take(&b);
    return *json_out ? VG_OK : VG_ENOMEM;
}
