/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_sim.c: the world generator (src/sim/, docs/sim.md). The settings table: defaults in
 * bounds, every setting in the truth's config, bad values and bad config lines refused with the
 * setting or line named and the config unchanged. Names: each return of a persona mutates its
 * handle. Whole runs on small worlds with the invented texts: the same seed gives byte-identical
 * files and another seed different ones; the events are in time order, posts refer only to
 * earlier posts; the truth agrees with the events (every suspended supporter has its suspension
 * event on its day and nothing posted, followed or followed by after it, every replacement is
 * created after its predecessor's suspension with a
 * mutated handle, the same avatar and a shout-out naming the old handle, storm posts carry the
 * storm's hashtag); the share of a supporter's starting followers inside the network stays near
 * the configured insularity. Last, a run on the real texts of ../shared/data when present
 * (counts only are printed, never a text).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "sim.h"

/* ---- helpers -------------------------------------------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    size_t got = b ? fread(b, 1, (size_t)n, f) : 0;
    fclose(f);
    if (!b)
        return NULL;
    b[got] = '\0';
    if (len)
        *len = got;
    return b;
}

static void make_tmpdir(char *out, size_t cap)
{
    snprintf(out, cap, "/tmp/vg_test_sim_XXXXXX");
    assert_non_null(mkdtemp(out));
}

static void rm_dir(const char *dir)
{
    char p[512];
    snprintf(p, sizeof(p), "%s/events.jsonl", dir);
    unlink(p);
    snprintf(p, sizeof(p), "%s/truth.json", dir);
    unlink(p);
    rmdir(dir);
}

/* A small world with enough supporters, suspensions, returns and storms to check. */
static void small_config(struct vg_sim_config *c, uint64_t seed)
{
    vg_sim_config_default(c);
    char err[256];
    assert_int_equal(vg_sim_config_set(c, "seed", seed == 1 ? "1" : "2", err, sizeof(err)), 0);
    const char *kv[][2] = {
        { "accounts", "4000" },        { "days", "6" },
        { "supporter_share", "0.03" }, { "suspension_rate", "0.15" },
        { "return_prob", "1" },        { "storms_per_week", "10" },
        { "storm_accounts", "60" },    { "community_size", "60" },
    };
    for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++)
        assert_int_equal(vg_sim_config_set(c, kv[i][0], kv[i][1], err, sizeof(err)), 0);
}

static void run_world(const struct vg_sim_config *c, const char *texts, const char *dir,
                      struct vg_sim_summary *sum)
{
    struct vg_sim_opts opts = { texts, NULL, NULL };
    assert_int_equal(vg_sim_run(c, &opts, dir, sum), VG_OK);
}

/* The small world of seed 1 with the settings kv[0..n) on top, written into a new dir. */
static void run_small_world_with(const char *const kv[][2], size_t n, char *dir, size_t cap)
{
    struct vg_sim_config c;
    small_config(&c, 1);
    char err[256];
    for (size_t i = 0; i < n; i++)
        assert_int_equal(vg_sim_config_set(&c, kv[i][0], kv[i][1], err, sizeof(err)), 0);
    make_tmpdir(dir, cap);
    struct vg_sim_summary sum;
    run_world(&c, NULL, dir, &sum);
}

/* ---- settings ------------------------------------------------------------------------------- */

static void config_defaults_and_json(void **state)
{
    (void)state;
    struct vg_sim_config c;
    vg_sim_config_default(&c);
    assert_int_equal(c.seed, 1);
    assert_int_equal(c.accounts, 10000);
    assert_string_equal(c.start, "2015-09-01");
    assert_true(c.supporter_share == 0.001);
    assert_true(c.insularity == 0.5);
    struct vg_buf b;
    vg_buf_init(&b, 1 << 16);
    assert_int_equal(vg__sim_config_json(&c, &b), VG_OK);
    cJSON *doc = cJSON_Parse(b.data);
    assert_non_null(doc);
    assert_int_equal(cJSON_GetObjectItem(doc, "accounts")->valuedouble, 10000);
    assert_true(cJSON_GetObjectItem(doc, "supporter_lang_fr")->valuedouble == 0.05);
    assert_string_equal(cJSON_GetObjectItem(doc, "start")->valuestring, "2015-09-01");
    assert_true(cJSON_GetArraySize(doc) >= 45);
    cJSON_Delete(doc);
    vg_buf_release(&b);
}

static void config_errors_name_the_setting(void **state)
{
    (void)state;
    struct vg_sim_config c, before;
    vg_sim_config_default(&c);
    before = c;
    char err[256];
    assert_int_equal(vg_sim_config_set(&c, "nope", "1", err, sizeof(err)), VG_EINVAL);
    assert_non_null(strstr(err, "unknown setting 'nope'"));
    assert_int_equal(vg_sim_config_set(&c, "insularity", "1.5", err, sizeof(err)), VG_EINVAL);
    assert_non_null(strstr(err, "insularity: 1.5 is outside"));
    assert_int_equal(vg_sim_config_set(&c, "accounts", "12.5", err, sizeof(err)), VG_EINVAL);
    assert_non_null(strstr(err, "not a whole number"));
    assert_int_equal(vg_sim_config_set(&c, "days", "7x", err, sizeof(err)), VG_EINVAL);
    assert_non_null(strstr(err, "not a number"));
    assert_int_equal(vg_sim_config_set(&c, "start", "2015-02-29", err, sizeof(err)), VG_EINVAL);
    assert_int_equal(vg_sim_config_set(&c, "start", "2016-02-29", err, sizeof(err)), VG_OK);
    assert_string_equal(c.start, "2016-02-29");
    c = before;
    assert_memory_equal(&c, &before, sizeof(c));

    const char *good = "# a world\n accounts = 5000 \r\nsupporter_share=0.0001 # 1e-4\n\n";
    assert_int_equal(vg_sim_config_parse(&c, good, strlen(good), err, sizeof(err)), VG_OK);
    assert_int_equal(c.accounts, 5000);
    assert_true(c.supporter_share == 0.0001);
    const char *bad = "days = 3\nthis line is wrong\n";
    assert_int_equal(vg_sim_config_parse(&c, bad, strlen(bad), err, sizeof(err)), VG_EPARSE);
    assert_string_equal(err, "line 2: expected 'key = value'");
    assert_int_equal(c.days, 3);
    const char *range = "\n\nregain = -1\n";
    assert_int_equal(vg_sim_config_parse(&c, range, strlen(range), err, sizeof(err)), VG_EINVAL);
    assert_non_null(strstr(err, "line 3: regain"));
}

static void returns_mutate_the_handle(void **state)
{
    (void)state;
    for (int32_t persona = 0; persona < 50; persona++) {
        char prev[SIM_HANDLE_MAX], prev_name[SIM_NAME_MAX];
        vg__sim_names(7, 0, persona, 0, persona % 3, prev, prev_name);
        assert_true(strlen(prev) >= 4);
        for (unsigned k = 1; k <= 8; k++) {
            char h[SIM_HANDLE_MAX], n[SIM_NAME_MAX];
            vg__sim_names(7, 123, persona, k, persona % 3, h, n);
            assert_string_not_equal(h, prev);
            strcpy(prev, h);
        }
    }
    /* Background names depend on the account, not on a persona. */
    char a[SIM_HANDLE_MAX], b[SIM_HANDLE_MAX], n[SIM_NAME_MAX];
    vg__sim_names(7, 1, -1, 0, 0, a, n);
    vg__sim_names(7, 2, -1, 0, 0, b, n);
    assert_string_not_equal(a, b);
}

/* ---- whole runs ----------------------------------------------------------------------------- */

static void same_seed_same_bytes(void **state)
{
    (void)state;
    char d1[64], d2[64], d3[64];
    make_tmpdir(d1, sizeof(d1));
    make_tmpdir(d2, sizeof(d2));
    make_tmpdir(d3, sizeof(d3));
    struct vg_sim_config c;
    struct vg_sim_summary s1, s2, s3;
    small_config(&c, 1);
    run_world(&c, NULL, d1, &s1);
    run_world(&c, NULL, d2, &s2);
    small_config(&c, 2);
    run_world(&c, NULL, d3, &s3);
    const char *files[] = { "events.jsonl", "truth.json" };
    for (int i = 0; i < 2; i++) {
        char p1[128], p2[128], p3[128];
        snprintf(p1, sizeof(p1), "%s/%s", d1, files[i]);
        snprintf(p2, sizeof(p2), "%s/%s", d2, files[i]);
        snprintf(p3, sizeof(p3), "%s/%s", d3, files[i]);
        size_t n1, n2, n3;
        char *a = slurp(p1, &n1), *b = slurp(p2, &n2), *c3 = slurp(p3, &n3);
        assert_non_null(a);
        assert_non_null(b);
        assert_non_null(c3);
        assert_true(n1 > 1000);
        assert_int_equal(n1, n2);
        assert_memory_equal(a, b, n1);
        assert_true(n1 != n3 || memcmp(a, c3, n1) != 0);
        free(a);
        free(b);
        free(c3);
    }
    assert_memory_equal(s1.by_type, s2.by_type, sizeof(s1.by_type));
    rm_dir(d1);
    rm_dir(d2);
    rm_dir(d3);
}

/* What the consistency check keeps of the events, indexed by account number. */
struct seen {
    int64_t *suspended_at; /* 0 when never */
    int64_t *created_at;   /* first profile's created_at */
    char (*handle)[SIM_HANDLE_MAX];
    char (*avatar)[80];
    size_t n_acct;
    uint8_t *post_seen; /* by post number */
    size_t n_post;
    int64_t *follows_in, *follows_in_sup; /* starting followers, and those that are supporters */
    uint8_t *is_sup;
    size_t n_shoutouts;
};

static long num_of(const char *id, char prefix)
{
    assert_non_null(id);
    assert_int_equal(id[0], prefix);
    return strtol(id + 1, NULL, 10);
}

static const char *str_of(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItem(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The first profile of each account in events.jsonl: handle, avatar and bio (copies). */
struct first_profile {
    char handle[64], avatar[128], bio[256];
    char pdq[VG_PDQ_HEX_LEN + 1]; /* "" when not given */
    int quality;
};

static void read_first_profiles(const char *dir, struct first_profile *fp, size_t n)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/events.jsonl", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        static const char account[] = "{\"type\":\"account\"";
        if (strncmp(line, account, sizeof(account) - 1))
            continue;
        cJSON *e = cJSON_Parse(line);
        assert_non_null(e);
        long v = num_of(str_of(e, "id"), 'u');
        assert_true(v >= 0 && (size_t)v < n);
        if (!fp[v].handle[0]) {
            const char *av = str_of(e, "avatar_url");
            const char *handle = str_of(e, "handle"), *bio = str_of(e, "bio");
            assert_non_null(handle);
            assert_non_null(bio);
            snprintf(fp[v].handle, sizeof(fp[v].handle), "%s", handle);
            snprintf(fp[v].avatar, sizeof(fp[v].avatar), "%s", av ? av : "");
            snprintf(fp[v].bio, sizeof(fp[v].bio), "%s", bio);
            const char *pdq = str_of(e, "avatar_pdq");
            snprintf(fp[v].pdq, sizeof(fp[v].pdq), "%s", pdq ? pdq : "");
            const cJSON *q = cJSON_GetObjectItem(e, "avatar_pdq_quality");
            fp[v].quality = cJSON_IsNumber(q) ? q->valueint : -1;
        }
        cJSON_Delete(e);
    }
    free(line);
    fclose(f);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Posts that mention someone (shout-outs, replies, reposts) name a handle some account shows in
 * its first profile: the mentions of a returning account with names of its own are its own
 * names, not mutations of its predecessor's. Returns the mentions checked. */
static int mentions_name_real_handles(const char *dir, const struct first_profile *fp, size_t n)
{
    const char **h = calloc(n, sizeof(*h));
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (fp[i].handle[0])
            h[k++] = fp[i].handle;
    qsort(h, k, sizeof(*h), cmp_str);
    char path[128];
    snprintf(path, sizeof(path), "%s/events.jsonl", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char *line = NULL;
    size_t cap = 0;
    int checked = 0;
    while (getline(&line, &cap, f) > 0) {
        static const char post[] = "{\"type\":\"post\"";
        if (strncmp(line, post, sizeof(post) - 1) || !strstr(line, "\"mentions\":[\""))
            continue;
        cJSON *e = cJSON_Parse(line);
        assert_non_null(e);
        const cJSON *m;
        cJSON_ArrayForEach(m, cJSON_GetObjectItem(e, "mentions"))
        {
            const char *s = m->valuestring[0] == '@' ? m->valuestring + 1 : m->valuestring;
            if (!bsearch(&s, h, k, sizeof(*h), cmp_str))
                fail_msg("a post mentions @%s, which no account shows", s);
            checked++;
        }
        cJSON_Delete(e);
    }
    free(line);
    fclose(f);
    free(h);
    return checked;
}

/* return_new_avatar and return_new_names: at 1 every returning account has an avatar URL and a
 * handle of its own and no "#k" in its bio, and posts mentioning it name that handle; at 0 (the
 * default) it keeps the avatar and marks its bio. */
static void returns_can_break_with_the_old_look(void **state)
{
    (void)state;
    for (int fresh = 0; fresh <= 1; fresh++) {
        char dir[64], path[128], err[256];
        make_tmpdir(dir, sizeof(dir));
        struct vg_sim_config c;
        struct vg_sim_summary sum;
        small_config(&c, 1);
        assert_int_equal(
                vg_sim_config_set(&c, "return_new_avatar", fresh ? "1" : "0", err, sizeof(err)), 0);
        assert_int_equal(
                vg_sim_config_set(&c, "return_new_names", fresh ? "1" : "0", err, sizeof(err)), 0);
        run_world(&c, NULL, dir, &sum);
        size_t n = sum.accounts_total + 1;
        struct first_profile *fp = calloc(n, sizeof(*fp));
        read_first_profiles(dir, fp, n);
        snprintf(path, sizeof(path), "%s/truth.json", dir);
        char *text = slurp(path, NULL);
        cJSON *truth = cJSON_Parse(text);
        const cJSON *acc;
        int children = 0, same_avatar = 0, same_handle = 0, marked_bio = 0;
        cJSON_ArrayForEach(acc, cJSON_GetObjectItem(truth, "accounts"))
        {
            const char *rep = str_of(acc, "replaces");
            if (!rep)
                continue;
            const struct first_profile *child = &fp[num_of(str_of(acc, "id"), 'u')];
            const struct first_profile *parent = &fp[num_of(rep, 'u')];
            children++;
            same_avatar += !strcmp(child->avatar, parent->avatar);
            same_handle += !strcmp(child->handle, parent->handle);
            marked_bio += strstr(child->bio, " #") != NULL;
        }
        assert_true(children >= 5);
        assert_int_equal(same_handle, 0);
        assert_int_equal(same_avatar, fresh ? 0 : children);
        assert_int_equal(marked_bio, fresh ? 0 : children);
        assert_true(mentions_name_real_handles(dir, fp, n) >= children);
        cJSON_Delete(truth);
        free(text);
        free(fp);
        rm_dir(dir);
    }
}

/* Bits between two hex hashes. */
static int pdq_bits(const char *a, const char *b)
{
    struct vg_pdq x, y;
    assert_int_equal(vg_pdq_from_hex(a, &x), VG_OK);
    assert_int_equal(vg_pdq_from_hex(b, &y), VG_OK);
    return vg_pdq_distance(&x, &y);
}

/* How many accounts' first profiles show picture hash `pdq`. */
static int holders(const struct first_profile *fp, size_t n, const char *pdq)
{
    int k = 0;
    for (size_t i = 0; i < n; i++)
        k += !strcmp(fp[i].pdq, pdq);
    return k;
}

/* avatar_pdq_share and return_new_image: the share of profiles with a picture hash (quality
 * 80-100), a few stock pictures many accounts share, and returns with a new avatar URL that
 * re-upload the old picture (0 to 12 bits from the persona's) or, with return_new_image 1, pick
 * another. */
static void avatar_pictures_follow_the_knobs(void **state)
{
    (void)state;
    static const char *const knobs[][2] = { { "0.5", "0" }, { "1", "0" }, { "1", "1" } };
    for (size_t k = 0; k < 3; k++) {
        char dir[64], path[128], err[256];
        make_tmpdir(dir, sizeof(dir));
        struct vg_sim_config c;
        struct vg_sim_summary sum;
        small_config(&c, 1);
        assert_int_equal(vg_sim_config_set(&c, "return_new_avatar", "1", err, sizeof(err)), 0);
        assert_int_equal(vg_sim_config_set(&c, "avatar_pdq_share", knobs[k][0], err, sizeof(err)),
                         0);
        assert_int_equal(vg_sim_config_set(&c, "return_new_image", knobs[k][1], err, sizeof(err)),
                         0);
        run_world(&c, NULL, dir, &sum);
        size_t n = sum.accounts_total + 1, with_avatar = 0, with_pdq = 0, stock = 0;
        struct first_profile *fp = calloc(n, sizeof(*fp));
        read_first_profiles(dir, fp, n);
        for (size_t i = 0; i < n; i++) {
            with_avatar += fp[i].avatar[0] != '\0';
            if (!fp[i].pdq[0])
                continue;
            with_pdq++;
            assert_true(fp[i].avatar[0]); /* a hash only with a picture */
            assert_true(fp[i].quality >= 80 && fp[i].quality <= 100);
            stock += holders(fp, n, fp[i].pdq) >= 10;
        }
        double share = (double)with_pdq / (double)with_avatar;
        assert_true(k == 0 ? share > 0.45 && share < 0.55 : share == 1);
        assert_true(stock > with_pdq / 40 && stock < with_pdq / 10); /* about 1 in 20 */
        snprintf(path, sizeof(path), "%s/truth.json", dir);
        char *text = slurp(path, NULL);
        cJSON *truth = cJSON_Parse(text);
        const cJSON *acc;
        int pairs = 0, near = 0;
        cJSON_ArrayForEach(acc, cJSON_GetObjectItem(truth, "accounts"))
        {
            const char *rep = str_of(acc, "replaces");
            const struct first_profile *child = &fp[num_of(str_of(acc, "id"), 'u')];
            const struct first_profile *parent = rep ? &fp[num_of(rep, 'u')] : NULL;
            if (!parent || !child->pdq[0] || !parent->pdq[0] || holders(fp, n, child->pdq) >= 10)
                continue;
            assert_string_not_equal(child->avatar, parent->avatar);
            pairs++;
            /* Each return re-encodes the persona's picture: a parent that is itself a return
             * is up to 12 bits from it too. Unrelated pictures are ~128 bits apart. */
            int d = pdq_bits(child->pdq, parent->pdq);
            near += d <= 24;
            assert_true(d <= 24 || d >= 64);
        }
        assert_true(pairs >= 5);
        assert_int_equal(near, knobs[k][1][0] == '0' ? pairs : 0);
        cJSON_Delete(truth);
        free(text);
        free(fp);
        rm_dir(dir);
    }
}

static void truth_agrees_with_events(void **state)
{
    (void)state;
    char dir[64], path[128];
    make_tmpdir(dir, sizeof(dir));
    struct vg_sim_config c;
    struct vg_sim_summary sum;
    small_config(&c, 1);
    run_world(&c, NULL, dir, &sum);
    assert_true(sum.returns >= 5);
    assert_true(sum.storms >= 3);

    snprintf(path, sizeof(path), "%s/truth.json", dir);
    char *truth_text = slurp(path, NULL);
    cJSON *truth = cJSON_Parse(truth_text);
    assert_non_null(truth);
    size_t n = (size_t)cJSON_GetObjectItem(truth, "accounts_total")->valuedouble;
    assert_int_equal(n, sum.accounts_total);
    assert_non_null(cJSON_GetObjectItem(cJSON_GetObjectItem(truth, "config"), "insularity"));

    struct seen s = { 0 };
    s.n_acct = n + 1;
    s.suspended_at = calloc(s.n_acct, sizeof(int64_t));
    s.created_at = calloc(s.n_acct, sizeof(int64_t));
    s.handle = calloc(s.n_acct, sizeof(*s.handle));
    s.avatar = calloc(s.n_acct, sizeof(*s.avatar));
    s.follows_in = calloc(s.n_acct, sizeof(int64_t));
    s.follows_in_sup = calloc(s.n_acct, sizeof(int64_t));
    s.is_sup = calloc(s.n_acct, 1);
    s.n_post = 10000000;
    s.post_seen = calloc(s.n_post, 1);
    const cJSON *acc;
    cJSON_ArrayForEach(acc, cJSON_GetObjectItem(truth, "accounts"))
    {
        if (!strcmp(str_of(acc, "role"), "supporter"))
            s.is_sup[num_of(str_of(acc, "id"), 'u')] = 1;
    }

    /* One pass over the events. */
    snprintf(path, sizeof(path), "%s/events.jsonl", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char *line = NULL;
    size_t cap = 0;
    int64_t last = INT64_MIN, t0;
    assert_int_equal(vg_time_parse("2015-09-01", &t0), VG_OK);
    uint64_t lines = 0;
    while (getline(&line, &cap, f) > 0) {
        lines++;
        cJSON *e = cJSON_Parse(line);
        assert_non_null(e);
        const char *type = str_of(e, "type");
        const char *when = str_of(e, !strcmp(type, "post")      ? "created_at"
                                     : !strcmp(type, "account") ? "observed_at"
                                                                : "at");
        int64_t t;
        assert_int_equal(vg_time_parse(when, &t), VG_OK);
        assert_true(t >= last); /* time order */
        last = t;
        if (!strcmp(type, "account")) {
            long v = num_of(str_of(e, "id"), 'u');
            if (!s.handle[v][0]) {
                snprintf(s.handle[v], SIM_HANDLE_MAX, "%s", str_of(e, "handle"));
                const char *av = str_of(e, "avatar_url");
                snprintf(s.avatar[v], 80, "%s", av ? av : "");
                assert_int_equal(vg_time_parse(str_of(e, "created_at"), &s.created_at[v]), 0);
            }
        } else if (!strcmp(type, "suspension")) {
            s.suspended_at[num_of(str_of(e, "account"), 'u')] = t;
        } else if (!strcmp(type, "reinstatement")) {
            s.suspended_at[num_of(str_of(e, "account"), 'u')] = 0;
        } else if (!strcmp(type, "follow") || !strcmp(type, "unfollow")) {
            long dst = num_of(str_of(e, "dst"), 'u'), src = num_of(str_of(e, "src"), 'u');
            /* nobody follows, or is followed, after a suspension */
            assert_true(s.suspended_at[src] == 0 && s.suspended_at[dst] == 0);
            if (t == t0 && !strcmp(type, "follow")) {
                s.follows_in[dst]++;
                s.follows_in_sup[dst] += s.is_sup[src];
            }
        } else if (!strcmp(type, "post")) {
            long p = num_of(str_of(e, "id"), 'p');
            assert_true(s.suspended_at[num_of(str_of(e, "account"), 'u')] == 0);
            assert_true(p > 0 && (size_t)p < s.n_post);
            assert_int_equal(s.post_seen[p], 0); /* ids are unique */
            s.post_seen[p] = 1;
            const char *ref = str_of(e, "reply_to");
            if (!ref)
                ref = str_of(e, "repost_of");
            if (ref) /* refers to an earlier post */
                assert_int_equal(s.post_seen[num_of(ref, 'p')], 1);
        }
        cJSON_Delete(e);
    }
    free(line);
    fclose(f);
    assert_true(lines > 10000);

    /* The truth, account by account. */
    size_t replacements = 0, suspended = 0;
    double ins_sum = 0;
    size_t ins_n = 0;
    cJSON_ArrayForEach(acc, cJSON_GetObjectItem(truth, "accounts"))
    {
        long v = num_of(str_of(acc, "id"), 'u');
        const cJSON *sd = cJSON_GetObjectItem(acc, "suspended_day");
        if (cJSON_IsNumber(sd)) {
            suspended++;
            assert_true(s.suspended_at[v] > 0);
            assert_int_equal((s.suspended_at[v] - t0) / 86400, (int64_t)sd->valuedouble);
        } else {
            assert_true(s.suspended_at[v] == 0);
        }
        const char *rep = str_of(acc, "replaces");
        if (rep) {
            long p = num_of(rep, 'u');
            replacements++;
            assert_true(s.suspended_at[p] > 0);
            assert_true(s.created_at[v] > s.suspended_at[p]);
            assert_string_not_equal(s.handle[v], s.handle[p]);
            assert_true(s.avatar[v][0] != '\0');
            assert_string_equal(s.avatar[v], s.avatar[p]);
            cJSON *pa = NULL;
            const cJSON *x;
            cJSON_ArrayForEach(x, cJSON_GetObjectItem(truth, "accounts"))
            {
                if (!strcmp(str_of(x, "id"), rep))
                    pa = (cJSON *)x;
            }
            assert_non_null(pa);
            assert_string_equal(str_of(pa, "persona"), str_of(acc, "persona"));
            assert_true(cJSON_GetObjectItem(acc, "created_day")->valuedouble >=
                        cJSON_GetObjectItem(pa, "suspended_day")->valuedouble);
        }
        if (!strcmp(str_of(acc, "role"), "supporter") && !rep && s.follows_in[v] >= 10) {
            ins_sum += (double)s.follows_in_sup[v] / (double)s.follows_in[v];
            ins_n++;
        }
    }
    assert_true(replacements >= 5);
    assert_int_equal(replacements, sum.returns);
    assert_true(suspended >= replacements);
    assert_true(ins_n >= 50);
    double ins = ins_sum / (double)ins_n;
    print_message("supporters %zu, insularity %.3f, replacements %zu\n", ins_n, ins, replacements);
    assert_true(ins > 0.40 && ins < 0.60); /* configured 0.5 */

    /* Shout-outs name the suspended handle; storm posts carry the storm's hashtag. */
    char *events = slurp(path, NULL);
    cJSON_ArrayForEach(acc, cJSON_GetObjectItem(truth, "accounts"))
    {
        const char *rep = str_of(acc, "replaces");
        if (!rep)
            continue;
        char needle[128];
        snprintf(needle, sizeof(needle), "\"account\":\"%s\"", str_of(acc, "id"));
        char *p = strstr(events, needle);
        int found = 0;
        char mention[80];
        snprintf(mention, sizeof(mention), "\"mentions\":[\"%s\"]", s.handle[num_of(rep, 'u')]);
        for (; p && !found; p = strstr(p + 1, needle)) {
            char *eol = strchr(p, '\n');
            char *m = strstr(p, mention);
            found = m && m < eol;
        }
        if (s.created_at[num_of(str_of(acc, "id"), 'u')] < t0 + 6 * 86400 - 1800)
            assert_true(found);
    }
    const cJSON *storm;
    cJSON_ArrayForEach(storm, cJSON_GetObjectItem(truth, "storms"))
    {
        const char *tag = str_of(storm, "hashtag");
        assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(storm, "posts")) >=
                    cJSON_GetArraySize(cJSON_GetObjectItem(storm, "accounts")) / 2);
        const cJSON *pid;
        int checked = 0;
        cJSON_ArrayForEach(pid, cJSON_GetObjectItem(storm, "posts"))
        {
            if (checked++ >= 5)
                break;
            char needle[64];
            snprintf(needle, sizeof(needle), "\"id\":\"%s\"", pid->valuestring);
            char *p = strstr(events, needle);
            assert_non_null(p);
            char *eol = strchr(p, '\n');
            char *h = strstr(p, tag);
            assert_true(h && h < eol);
        }
    }
    free(events);
    cJSON_Delete(truth);
    free(truth_text);
    free(s.suspended_at);
    free(s.created_at);
    free(s.handle);
    free(s.avatar);
    free(s.follows_in);
    free(s.follows_in_sup);
    free(s.is_sup);
    free(s.post_seen);
    rm_dir(dir);
}

/* ---- storm patterns and organic bursts (issue 5) ------------------------------------------- */

/* Copy storms (no link, reworded copies of three messages), bystanders using a storm's hashtag
 * without being in the storm, and organic bursts of ordinary accounts: each as the truth says. */
static void storm_patterns_and_bursts(void **state)
{
    (void)state;
    const char *kv[][2] = { { "bursts_per_week", "14" },
                            { "burst_accounts", "100" },
                            { "storm_copy_share", "1" },
                            { "storm_bystanders", "0.5" } };
    char dir[64], path[128];
    run_small_world_with(kv, sizeof(kv) / sizeof(kv[0]), dir, sizeof(dir));
    snprintf(path, sizeof(path), "%s/truth.json", dir);
    char *truth_text = slurp(path, NULL);
    cJSON *truth = cJSON_Parse(truth_text);
    assert_non_null(truth);
    const cJSON *cfg = cJSON_GetObjectItem(truth, "config");
    assert_true(cJSON_GetObjectItem(cfg, "storm_copy_share")->valuedouble == 1);
    assert_true(cJSON_GetObjectItem(cfg, "burst_hours")->valuedouble == 2);

    /* Supporters and the storm posts of the truth. */
    size_t n_sup = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, cJSON_GetObjectItem(truth, "accounts")) n_sup +=
            !strcmp(str_of(x, "role"), "supporter");
    assert_true(n_sup > 50);

    snprintf(path, sizeof(path), "%s/events.jsonl", dir);
    char *events = slurp(path, NULL);
    assert_non_null(events);
    const cJSON *storms = cJSON_GetObjectItem(truth, "storms");
    const cJSON *bursts = cJSON_GetObjectItem(truth, "bursts");
    assert_true(cJSON_GetArraySize(storms) >= 3);
    assert_true(cJSON_GetArraySize(bursts) >= 3);
    size_t bystanders = 0;
    cJSON_ArrayForEach(x, storms)
    {
        assert_string_equal(str_of(x, "pattern"), "copy");
        const char *tag = str_of(x, "hashtag");
        size_t n_posts = 0,
               n_in_truth = (size_t)cJSON_GetArraySize(cJSON_GetObjectItem(x, "posts"));
        for (char *line = events; *line;) {
            char *eol = strchr(line, '\n');
            *eol = '\0';
            char tagq[80];
            snprintf(tagq, sizeof(tagq), "\"%s\"]", tag);
            if (strstr(line, "\"type\":\"post\"") && strstr(line, tagq)) {
                cJSON *p = cJSON_Parse(line);
                assert_non_null(p);
                const char *id = str_of(p, "id");
                int planted = 0;
                const cJSON *pid;
                cJSON_ArrayForEach(pid, cJSON_GetObjectItem(x, "posts")) planted |=
                        !strcmp(pid->valuestring, id);
                /* No storm post, planted or bystander, carries a link in a copy storm. */
                assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(p, "urls")), 0);
                n_posts += (size_t)planted;
                bystanders += (size_t)!planted;
                cJSON_Delete(p);
            }
            *eol = '\n';
            line = eol + 1;
        }
        assert_int_equal(n_posts, n_in_truth);
    }
    assert_true(bystanders > 0);
    print_message("copy storms %d, bystander posts %zu, bursts %d\n", cJSON_GetArraySize(storms),
                  bystanders, cJSON_GetArraySize(bursts));

    /* Each burst: as many posts carry its hashtag as the truth says, none by a supporter. */
    cJSON_ArrayForEach(x, bursts)
    {
        char tagq[96];
        snprintf(tagq, sizeof(tagq), "\"%s\"]", str_of(x, "hashtag")); /* last of hashtags */
        uint64_t n = 0;
        for (char *p = strstr(events, tagq); p; p = strstr(p + 1, tagq)) {
            char *bol = p;
            while (bol > events && bol[-1] != '\n')
                bol--;
            char acc[40];
            assert_int_equal(sscanf(strstr(bol, "\"account\":\"") + 11, "%39[^\"]", acc), 1);
            const cJSON *a;
            cJSON_ArrayForEach(a, cJSON_GetObjectItem(truth, "accounts")) assert_false(
                    !strcmp(str_of(a, "id"), acc) && !strcmp(str_of(a, "role"), "supporter"));
            n++;
        }
        assert_int_equal(n, (uint64_t)cJSON_GetObjectItem(x, "posts")->valuedouble);
        assert_true(cJSON_GetObjectItem(x, "accounts")->valuedouble >= 2);
    }
    free(events);
    cJSON_Delete(truth);
    free(truth_text);
    rm_dir(dir);
}

struct listed {
    const char *id;
    int supporter;
};

static int by_listed_id(const void *a, const void *b)
{
    return strcmp(((const struct listed *)a)->id, ((const struct listed *)b)->id);
}

/* Follows from a supporter to an account the truth does not list (an ordinary one), in a small
 * world with audience_followback at `followback`. */
static size_t supporter_to_ordinary_follows(const char *followback)
{
    struct vg_sim_config c;
    small_config(&c, 1);
    char err[256];
    assert_int_equal(vg_sim_config_set(&c, "audience_followback", followback, err, sizeof(err)), 0);
    char dir[64], path[128];
    make_tmpdir(dir, sizeof(dir));
    struct vg_sim_summary sum;
    run_world(&c, NULL, dir, &sum);
    snprintf(path, sizeof(path), "%s/truth.json", dir);
    char *truth_text = slurp(path, NULL);
    cJSON *truth = cJSON_Parse(truth_text);
    assert_non_null(truth);
    snprintf(path, sizeof(path), "%s/events.jsonl", dir);
    char *events = slurp(path, NULL);
    assert_non_null(events);
    /* The listed ids, sorted, with their roles: one lookup per follow. */
    const cJSON *acc = cJSON_GetObjectItem(truth, "accounts");
    size_t n_listed = (size_t)cJSON_GetArraySize(acc), k = 0;
    struct listed *ids = calloc(n_listed ? n_listed : 1, sizeof(*ids));
    assert_non_null(ids);
    const cJSON *x;
    cJSON_ArrayForEach(x, acc)
    {
        ids[k].id = str_of(x, "id");
        ids[k++].supporter = !strcmp(str_of(x, "role"), "supporter");
    }
    qsort(ids, n_listed, sizeof(*ids), by_listed_id);
    /* Line by line, each cut at its end: ASan's strstr and strcspn measure the whole string at
     * every call, which over the whole file was quadratic (14 minutes). */
    size_t n = 0;
    for (char *line = events; *line;) {
        char *eol = strchr(line, '\n');
        assert_non_null(eol);
        *eol = '\0';
        const char *s = strstr(line, "\"type\":\"follow\"") ? strstr(line, "\"src\":\"") : NULL;
        const char *d = s ? strstr(line, "\"dst\":\"") : NULL;
        if (s && d) {
            char src[40], dst[40];
            size_t ls = strcspn(s + 7, "\""), ld = strcspn(d + 7, "\"");
            assert_true(ls < sizeof(src) && ld < sizeof(dst));
            memcpy(src, s + 7, ls);
            src[ls] = '\0';
            memcpy(dst, d + 7, ld);
            dst[ld] = '\0';
            struct listed ks = { src, 0 }, kd = { dst, 0 };
            const struct listed *fs = bsearch(&ks, ids, n_listed, sizeof(*ids), by_listed_id);
            const struct listed *fd = bsearch(&kd, ids, n_listed, sizeof(*ids), by_listed_id);
            n += fs && fs->supporter && !fd;
        }
        line = eol + 1;
    }
    free(ids);
    free(events);
    cJSON_Delete(truth);
    free(truth_text);
    rm_dir(dir);
    return n;
}

/* audience_followback makes supporters follow ordinary audience accounts (the grey zone), about
 * the setting's mean per audience account; at 0 the world is the default one. */
/* Storm bystanders and burst retweets that would come after their day are not written. The
 * generator before moved them to the day's last second: on 12-hour storms with bystanders, tens
 * of accounts posted a storm's hashtag in that one second, a synchronised wave the storm did not
 * make (found by the storm detector's account precision, docs/storms.md). Here: 14 storms of 12
 * hours and 14 bursts a week, bystanders as many as the storms' posts; no second of the world
 * may hold more than 6 posts of one hashtag. */
static void nothing_piles_at_the_end_of_a_day(void **state)
{
    (void)state;
    const char *kv[][2] = { { "storms_per_week", "14" }, { "storm_hours", "12" },
                            { "storm_bystanders", "1" }, { "bursts_per_week", "14" },
                            { "burst_accounts", "200" }, { "burst_hours", "6" } };
    char dir[64], path[128];
    run_small_world_with(kv, sizeof(kv) / sizeof(kv[0]), dir, sizeof(dir));
    snprintf(path, sizeof(path), "%s/events.jsonl", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);

    /* (second, first hashtag) of every post with a hashtag, counted in a small open table. */
    enum {
        CAP = 1 << 20
    };

    struct cell {
        char key[96];
        int n;
    } *t = calloc(CAP, sizeof(*t));

    assert_non_null(t);
    char line[16384];
    int most = 0, posts = 0;
    while (fgets(line, sizeof(line), f)) {
        cJSON *o = cJSON_Parse(line);
        assert_non_null(o);
        const cJSON *tags = cJSON_GetObjectItem(o, "hashtags");
        const char *at = str_of(o, "created_at");
        if (!strcmp(str_of(o, "type"), "post") && cJSON_GetArraySize(tags) > 0 && at) {
            char key[96];
            snprintf(key, sizeof(key), "%s %s", at, cJSON_GetArrayItem(tags, 0)->valuestring);
            uint64_t h = 1469598103934665603ull;
            for (const char *p = key; *p; p++)
                h = (h ^ (unsigned char)*p) * 1099511628211ull;
            size_t j = (size_t)h & (CAP - 1);
            while (t[j].n && strcmp(t[j].key, key))
                j = (j + 1) & (CAP - 1);
            snprintf(t[j].key, sizeof(t[j].key), "%s", key);
            if (++t[j].n > most)
                most = t[j].n;
            posts++;
        }
        cJSON_Delete(o);
    }
    fclose(f);
    free(t);
    assert_true(posts > 1000);
    assert_true(most <= 6);
    rm_dir(dir);
}

static void audience_followback_adds_supporter_follows(void **state)
{
    (void)state;
    size_t without = supporter_to_ordinary_follows("0");
    size_t with = supporter_to_ordinary_follows("4");
    print_message("supporter -> ordinary follows: %zu without, %zu with followback 4\n", without,
                  with);
    /* 20 audience accounts per supporter, over 100 supporters: thousands of follows more. */
    assert_true(with > without + 2000);
}

static void run_errors(void **state)
{
    (void)state;
    struct vg_sim_config c;
    struct vg_sim_summary sum;
    vg_sim_config_default(&c);
    char err[256];
    assert_int_equal(vg_sim_config_set(&c, "accounts", "100", err, sizeof(err)), 0);
    assert_int_equal(vg_sim_run(&c, NULL, "/nonexistent/dir/for/sim", &sum), VG_EIO);
    assert_int_equal(vg_sim_config_set(&c, "supporter_share", "0.5", err, sizeof(err)), 0);
    assert_int_equal(vg_sim_config_set(&c, "news_share", "0.1", err, sizeof(err)), 0);
    char dir[64];
    make_tmpdir(dir, sizeof(dir));
    assert_int_equal(vg_sim_run(&c, NULL, dir, &sum), VG_EINVAL);
    vg_sim_config_default(&c);
    assert_int_equal(vg_sim_config_set(&c, "supporter_lang_ar", "0.8", err, sizeof(err)), 0);
    assert_int_equal(vg_sim_config_set(&c, "supporter_lang_fr", "0.3", err, sizeof(err)), 0);
    assert_int_equal(vg_sim_run(&c, NULL, dir, &sum), VG_EINVAL);
    assert_int_equal(vg_sim_run(NULL, NULL, dir, &sum), VG_EINVAL);
    rm_dir(dir);
}

/* Every allocation of a small run failing in turn: VG_ENOMEM, nothing leaked (ASan build), never
 * a crash; files may be left half written, as the API says. */
static void allocation_failures_are_reported(void **state)
{
    (void)state;
    char dir[64];
    make_tmpdir(dir, sizeof(dir));
    struct vg_sim_config c;
    struct vg_sim_summary sum;
    small_config(&c, 1);
    char err[256];
    assert_int_equal(vg_sim_config_set(&c, "accounts", "300", err, sizeof(err)), 0);
    assert_int_equal(vg_sim_config_set(&c, "days", "3", err, sizeof(err)), 0);
    assert_int_equal(vg_sim_config_set(&c, "supporter_share", "0.1", err, sizeof(err)), 0);
    uint64_t before = vg__alloc_count();
    run_world(&c, NULL, dir, &sum);
    uint64_t n = vg__alloc_count() - before;
    assert_true(n > 20);
    int failed = 0;
    for (uint64_t k = 1; k <= n; k++) {
        vg__alloc_fail_after(k);
        vg_status rc = vg_sim_run(&c, NULL, dir, &sum);
        vg__alloc_fail_after(0);
        assert_true(rc == VG_ENOMEM || rc == VG_OK);
        failed += rc == VG_ENOMEM;
    }
    print_message("%llu allocations, %d runs failed with ENOMEM\n", (unsigned long long)n, failed);
    assert_true(failed >= (int)(n / 2));
    rm_dir(dir);
}

static void real_texts_when_present(void **state)
{
    (void)state;
    struct stat st;
    if (stat(VG_SHARED_DATA "/isis-fanboy", &st) != 0) {
        print_message("skipped: no %s\n", VG_SHARED_DATA);
        skip();
    }
    char dir[64];
    make_tmpdir(dir, sizeof(dir));
    struct vg_sim_config c;
    struct vg_sim_summary sum;
    small_config(&c, 1);
    char err[256];
    assert_int_equal(vg_sim_config_set(&c, "days", "2", err, sizeof(err)), 0);
    run_world(&c, VG_SHARED_DATA, dir, &sum);
    print_message("real texts: pool %llu, posts %llu\n", (unsigned long long)sum.texts,
                  (unsigned long long)sum.by_type[VG_EV_POST]);
    /* By default only the TEST split of the classifier corpus (about a fifth of ~50,000). */
    assert_true(sum.texts > 5000 && sum.texts < 20000);
    assert_true(sum.by_type[VG_EV_POST] > 1000);
    rm_dir(dir);
    make_tmpdir(dir, sizeof(dir));
    assert_int_equal(vg_sim_config_set(&c, "held_out_texts", "0", err, sizeof(err)), 0);
    run_world(&c, VG_SHARED_DATA, dir, &sum);
    assert_true(sum.texts > 40000);
    rm_dir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(config_defaults_and_json),
        cmocka_unit_test(config_errors_name_the_setting),
        cmocka_unit_test(returns_mutate_the_handle),
        cmocka_unit_test(same_seed_same_bytes),
        cmocka_unit_test(truth_agrees_with_events),
        cmocka_unit_test(returns_can_break_with_the_old_look),
        cmocka_unit_test(avatar_pictures_follow_the_knobs),
        cmocka_unit_test(storm_patterns_and_bursts),
        cmocka_unit_test(nothing_piles_at_the_end_of_a_day),
        cmocka_unit_test(audience_followback_adds_supporter_follows),
        cmocka_unit_test(run_errors),
        cmocka_unit_test(allocation_failures_are_reported),
        cmocka_unit_test(real_texts_when_present),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
