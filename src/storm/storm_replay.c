/* SPDX-License-Identifier: Apache-2.0 */
/*
 * storm_replay.c: feed the stored posts to a storm detector in time order, through the store's
 * VG_SCAN_POSTS_BY_TIME scan (store.h), so that nothing here knows SQL. A row's item packs the
 * post's hashtags, links, repost target and text (fields split by 0x1f, list items by 0x1e); it
 * is unpacked in place into a struct vg_post.
 */
#include <string.h>

#include "store.h"
#include "storm.h"

#define LIST_MAX 64 /* hashtags or links read per post; more are ignored */

struct replay {
    vg_storms *s;
    vg__storm_post_fn fn; /* called before each post is fed, or NULL */
    void *ud;
    uint64_t n;
    struct vg_buf row; /* a copy of the item, cut in place */
    const char *tags[LIST_MAX], *urls[LIST_MAX];
};

/* Cut the next field (up to sep or the end) off *p; returns it, NUL-terminated. */
static char *next_field(char **p, char sep)
{
    char *f = *p, *e = strchr(f, sep);
    if (e) {
        *e = '\0';
        *p = e + 1;
    } else {
        *p = f + strlen(f);
    }
    return f;
}

static size_t split_list(char *f, const char **out)
{
    size_t n = 0;
    while (*f && n < LIST_MAX) {
        char *item = next_field(&f, '\x1e');
        if (*item)
            out[n++] = item;
    }
    return n;
}

static vg_status on_row(const struct vg_scan_row *r, void *ud)
{
    struct replay *rp = ud;
    if (!r->item || !r->other || r->at == VG_TIME_UNKNOWN)
        return VG_OK;
    vg_buf_reset(&rp->row);
    vg_status rc = vg_buf_puts(&rp->row, r->item);
    if (rc)
        return rc;
    char *p = rp->row.data ? rp->row.data : (char *)"";
    char *tags = next_field(&p, '\x1f'), *urls = next_field(&p, '\x1f');
    char *repost = next_field(&p, '\x1f');
    struct vg_post post = { .id = r->other,
                            .account = r->account,
                            .created_at = r->at,
                            .text = p, /* the rest: the text may hold any byte */
                            .repost_of = *repost ? repost : NULL };
    post.hashtags.v = rp->tags;
    post.hashtags.n = split_list(tags, rp->tags);
    post.urls.v = rp->urls;
    post.urls.n = split_list(urls, rp->urls);
    rp->n++;
    if (rp->fn && (rc = rp->fn(&post, rp->ud)))
        return rc;
    return vg_storms_feed(rp->s, &post);
}

vg_status vg_storms_replay(vg_db *db, int64_t since, int64_t before, vg_storms *s,
                           uint64_t *n_posts)
{
    return vg__storms_replay_with(db, since, before, s, NULL, NULL, n_posts);
}

vg_status vg__storms_replay_with(vg_db *db, int64_t since, int64_t before, vg_storms *s,
                                 vg__storm_post_fn fn, void *ud, uint64_t *n_posts)
{
    if (n_posts)
        *n_posts = 0;
    if (!db || !s)
        return VG_EINVAL;
    struct replay rp = { .s = s, .fn = fn, .ud = ud };
    vg_buf_init(&rp.row, VG_TEXT_MAX * 4);
    vg_status rc = vg__db_scan(db, VG_SCAN_POSTS_BY_TIME, since, before, on_row, &rp);
    vg_buf_release(&rp.row);
    if (!rc)
        rc = vg_storms_finish(s);
    if (n_posts)
        *n_posts = rp.n;
    return rc;
}

vg_status vg_storm_alert_store(vg_db *db, const struct vg_storm_alert *a)
{
    char *json = NULL;
    vg_status rc = vg_storm_alert_json(a, &json);
    if (rc)
        return rc;
    const struct vg_store_storm_alert row = { .hashtag = a->hashtag,
                                              .link = a->link,
                                              .onset = a->onset,
                                              .detected_at = a->detected_at,
                                              .last_at = a->last_at,
                                              .ended = a->final,
                                              .posts = a->posts,
                                              .accounts = a->accounts,
                                              .n_accounts = a->n_accounts,
                                              .json = json };
    rc = vg__db_put_storm_alert(db, &row);
    vg_free(json);
    return rc;
}
