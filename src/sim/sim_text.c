/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sim_text.c: the post texts of a generated world, in pools by role and language. With a data
 * directory they are the real datasets read through the training corpus loader
 * (vg__corpus_load, detect_corpus.c), so detectors meet real language: supporters write
 * isis-fanboy texts, news and researchers about-isis-2017 topic-PRO texts, ordinary accounts
 * random-tweets and about-isis-2017 CON/TEST texts. French and Arabic have almost no everyday
 * texts in the data, so when a language's everyday pool holds fewer than EVERYDAY_MIN texts the
 * MLMA and OSACT texts of that language are added (offensive, not extremist: hard negatives).
 * Counter-speech and shout-outs have no dataset and always come from the invented pool
 * (sim_text_invented.c), which also fills any pool the data leaves empty.
 *
 * Each text is stored once, already escaped as a JSON string, with its hashtags as a JSON array,
 * so writing a post is a copy.
 */
#include <string.h>

#include "detect.h"
#include "sim.h"

#define EVERYDAY_MIN 200
#define TEXT_MAX     2000 /* longer texts are skipped: posts are short */

static int lang_of(const char *lang)
{
    if (!lang)
        return -1;
    if (!strcmp(lang, "en"))
        return LANG_EN;
    if (!strcmp(lang, "fr"))
        return LANG_FR;
    if (!strcmp(lang, "ar"))
        return LANG_AR;
    return -1;
}

static int is_tag_byte(unsigned char c)
{
    return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z') || c == '_';
}

/* The hashtags of s as a JSON array, into b (reset first). */
static vg_status hashtags_json(const char *s, size_t len, struct vg_buf *b)
{
    vg_buf_reset(b);
    vg_status rc = vg_buf_putc(b, '[');
    int n = 0;
    for (size_t i = 0; i < len && !rc; i++) {
        if (s[i] != '#' || (i > 0 && is_tag_byte((unsigned char)s[i - 1])))
            continue;
        size_t j = i + 1;
        while (j < len && is_tag_byte((unsigned char)s[j]))
            j++;
        /* Stop a tag before a partial UTF-8 sequence (cannot happen on valid text, but cheap). */
        while (j > i + 1 && !vg_utf8_valid(s + i + 1, j - i - 1))
            j--;
        if (j > i + 1 && n < 20) {
            if (n++)
                rc = vg_buf_putc(b, ',');
            if (!rc)
                rc = vg_buf_json_str(b, s + i + 1, j - i - 1);
        }
        i = j - 1;
    }
    if (!rc)
        rc = vg_buf_putc(b, ']');
    return rc;
}

static vg_status index_add(struct sim_texts *tx, int pool, int lang, uint32_t i)
{
    if (tx->n_idx[pool][lang] == tx->cap_idx[pool][lang]) {
        size_t cap = tx->cap_idx[pool][lang] ? 2 * tx->cap_idx[pool][lang] : 64;
        uint32_t *p = vg_realloc(tx->idx[pool][lang], cap * sizeof(*p));
        if (!p)
            return VG_ENOMEM;
        tx->idx[pool][lang] = p;
        tx->cap_idx[pool][lang] = cap;
    }
    tx->idx[pool][lang][tx->n_idx[pool][lang]++] = i;
    return VG_OK;
}

/* Add text s to the pool of `pool` and language `pool_lang`; `lang` is the text's own. */
static vg_status text_add(struct sim_texts *tx, struct vg_buf *b, const char *s, int pool,
                          int pool_lang, int lang)
{
    size_t len = strlen(s);
    if (!len || len > TEXT_MAX || !vg_utf8_valid(s, len))
        return VG_OK;
    if (tx->n == tx->cap) {
        size_t cap = tx->cap ? 2 * tx->cap : 1024;
        struct sim_text *p = vg_realloc(tx->t, cap * sizeof(*p));
        if (!p)
            return VG_ENOMEM;
        tx->t = p;
        tx->cap = cap;
    }
    struct sim_text *t = &tx->t[tx->n];
    vg_buf_reset(b);
    vg_status rc = vg_buf_json_str(b, s, len);
    if (rc || !(t->json = vg_arena_strndup(&tx->arena, b->data, b->len)))
        return rc ? rc : VG_ENOMEM;
    if ((rc = hashtags_json(s, len, b)))
        return rc;
    if (!(t->tags = vg_arena_strndup(&tx->arena, b->data, b->len)))
        return VG_ENOMEM;
    t->lang = (int8_t)lang;
    if ((rc = index_add(tx, pool, pool_lang, (uint32_t)tx->n)))
        return rc;
    tx->n++;
    return VG_OK;
}

static int pool_of_source(const char *src)
{
    if (!strcmp(src, "isis-fanboy"))
        return POOL_SUPPORTER;
    if (!strcmp(src, "about-isis-pro"))
        return POOL_NEWS;
    if (!strcmp(src, "random-tweets") || !strcmp(src, "about-isis-con") ||
        !strcmp(src, "about-isis-test"))
        return POOL_EVERYDAY;
    return -1;
}

static int is_hard_negative(const char *src)
{
    return !strcmp(src, "mlma-fr") || !strcmp(src, "mlma-ar") || !strcmp(src, "osact2022");
}

/*
 * The corpus is split as `vigie train` splits it by default; with held_out, only TEST examples
 * are used, so a detector trained on TRAIN meets unseen posts (a world built from its own
 * training texts would flatter it).
 */
static vg_status load_data(struct sim_texts *tx, const char *dir, int held_out, struct vg_buf *b)
{
    struct vg_corpus c;
    memset(&c, 0, sizeof(c));
    vg_status rc = vg__corpus_load(dir, VG_CORPUS_SEED_DEFAULT, &c);
    if (rc)
        return rc;
    for (size_t i = 0; i < c.n && !rc; i++) {
        const struct vg_example *e = &c.ex[i];
        int pool = pool_of_source(e->source), lang = lang_of(e->lang);
        if (held_out && e->split != VG_SPLIT_TEST)
            continue;
        if (pool >= 0)
            rc = text_add(tx, b, e->text, pool, lang >= 0 ? lang : LANG_EN, lang);
    }
    for (int lang = LANG_FR; lang < LANG__N && !rc; lang++) {
        if (tx->n_idx[POOL_EVERYDAY][lang] >= EVERYDAY_MIN)
            continue;
        for (size_t i = 0; i < c.n && !rc; i++)
            if (is_hard_negative(c.ex[i].source) && lang_of(c.ex[i].lang) == lang &&
                (!held_out || c.ex[i].split == VG_SPLIT_TEST))
                rc = text_add(tx, b, c.ex[i].text, POOL_EVERYDAY, lang, lang);
    }
    vg__corpus_release(&c);
    return rc;
}

vg_status vg__sim_texts_load(struct sim_texts *tx, const char *data_dir, int held_out)
{
    memset(tx, 0, sizeof(*tx));
    vg_arena_init(&tx->arena, 1 << 20, (size_t)1 << 32);
    struct vg_buf b;
    vg_buf_init(&b, 1 << 20);
    vg_status rc = VG_OK;
    if (data_dir) {
        tx->from_data = 1;
        rc = load_data(tx, data_dir, held_out, &b);
    }
    /* The invented pool fills every pool and language the data left empty. */
    for (int pool = 0; pool < POOL__N && !rc; pool++)
        for (int lang = 0; lang < LANG__N && !rc; lang++)
            if (!tx->n_idx[pool][lang])
                for (const char *const *s = vg__sim_invented[pool][lang]; *s && !rc; s++)
                    rc = text_add(tx, &b, *s, pool, lang, lang);
    vg_buf_release(&b);
    if (rc)
        vg__sim_texts_release(tx);
    return rc;
}

void vg__sim_texts_release(struct sim_texts *tx)
{
    if (!tx)
        return;
    for (int pool = 0; pool < POOL__N; pool++)
        for (int lang = 0; lang < LANG__N; lang++)
            vg_free(tx->idx[pool][lang]);
    vg_free(tx->t);
    vg_arena_release(&tx->arena);
    memset(tx, 0, sizeof(*tx));
}

uint32_t vg__sim_text_pick(const struct sim_texts *tx, enum sim_pool pool, enum sim_lang lang,
                           struct sim_rng *r)
{
    int l = tx->n_idx[pool][lang] ? (int)lang : LANG_EN;
    return tx->idx[pool][l][sim_below(r, tx->n_idx[pool][l])];
}
