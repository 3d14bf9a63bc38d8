/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sim_config.c: the world generator's settings as one declarative table (house style: Redis's
 * static_configs[]): name, type, default, bounds, the source of the default, one line of doc.
 * The same table drives `vigie sim --config FILE` and `--set`, `vigie sim --help`, the "config"
 * object of truth.json and the parameter table of docs/sim.md.
 */
#include <stdlib.h>
#include <string.h>

#include "sim.h"

enum cfg_type {
    CFG_INT,
    CFG_DOUBLE,
    CFG_DATE
};

struct cfg_entry {
    const char *name;
    enum cfg_type type;
    size_t offset;
    double min, max;
    const char *def;
    const char *doc;
};

#define OFF(f) offsetof(struct vg_sim_config, f)

/* Sources are cited in the doc strings; docs/sim.md gives the full references. */
static const struct cfg_entry table[] = {
    { "seed", CFG_INT, OFF(seed), 0, 9007199254740991.0, "1", "PRNG seed" },
    { "accounts", CFG_INT, OFF(accounts), 10, 50000000, "10000", "accounts at the start" },
    { "days", CFG_INT, OFF(days), 1, 3650, "7", "simulated days" },
    { "start", CFG_DATE, OFF(start), 0, 0, "2015-09-01",
      "first day, UTC (Berger & Perez observed Sep-Oct 2015)" },
    { "held_out_texts", CFG_INT, OFF(held_out_texts), 0, 1, "1",
      "1: real texts only from the TEST split of the classifier's corpus (seed of `vigie "
      "train`), so the shipped model never saw a world's posts; 0: every text" },

    { "supporter_share", CFG_DOUBLE, OFF(supporter_share), 0, 0.5, "0.001",
      "share of accounts that support the movement (Census: 46-70k of ~288M = 2e-4; 1e-3 and "
      "1e-4 are the evaluation points of issue 4)" },
    { "supporter_lang_ar", CFG_DOUBLE, OFF(supporter_lang_ar), 0, 1, "0.75",
      "share of supporters writing Arabic (Census: about 3/4)" },
    { "supporter_lang_fr", CFG_DOUBLE, OFF(supporter_lang_fr), 0, 1, "0.05",
      "share writing French (the rest, Census ~1/5, write English)" },
    { "community_size", CFG_INT, OFF(community_size), 2, 1000000, "2000",
      "target size of one supporter community (Berger & Perez: English cell 1,000-3,000)" },
    { "insularity", CFG_DOUBLE, OFF(insularity), 0.05, 0.95, "0.5",
      "share of a supporter's followers that are supporters (Census: nearly half)" },
    { "supporter_followers", CFG_DOUBLE, OFF(supporter_followers), 1, 1e6, "1000",
      "mean followers of a supporter (Census 2014: ~1,004; Berger & Perez 2015: 300-400)" },
    { "core_share", CFG_DOUBLE, OFF(core_share), 0, 1, "0.03",
      "share of supporters in the hyperactive core (Census: 500-2,000 of 46k, 1-4%)" },
    { "supporter_posts", CFG_DOUBLE, OFF(supporter_posts), 0, 1000, "7",
      "mean posts a day of a supporter (Census: ~7)" },
    { "core_posts", CFG_DOUBLE, OFF(core_posts), 0, 1000, "40",
      "mean posts a day of a core account, in bursts (anchors 7.1: up to ~50)" },
    { "repost_share", CFG_DOUBLE, OFF(repost_share), 0, 1, "0.33",
      "share of supporter posts that repost a community post (isis-fanboy: ~1/3 retweets)" },
    { "reply_share", CFG_DOUBLE, OFF(reply_share), 0, 1, "0.1",
      "share of supporter posts that reply to a community post (assumed)" },
    { "audience_per_supporter", CFG_DOUBLE, OFF(audience_per_supporter), 0, 10000, "20",
      "background accounts per supporter that may follow supporters (assumed; gives the other "
      "half of the followers)" },

    { "background_followers", CFG_DOUBLE, OFF(background_followers), 0, 1e5, "50",
      "mean followers of an ordinary account (Census: ~208; 50 keeps 1M accounts at the ~50M "
      "edges of issue 4)" },
    { "follower_sigma", CFG_DOUBLE, OFF(follower_sigma), 0, 4, "1.3",
      "sigma of the lognormal follower and activity draws (heavy tail; assumed)" },
    { "background_posts", CFG_DOUBLE, OFF(background_posts), 0, 1000, "0.3",
      "mean posts a day of an ordinary account (Census: 13% of users tweeted in 30 days)" },
    { "background_lang_ar", CFG_DOUBLE, OFF(background_lang_ar), 0, 1, "0.1",
      "share of ordinary accounts writing Arabic (assumed)" },
    { "background_lang_fr", CFG_DOUBLE, OFF(background_lang_fr), 0, 1, "0.1",
      "share writing French (the rest write English; assumed)" },
    { "background_new", CFG_DOUBLE, OFF(background_new), 0, 0.1, "0.0005",
      "ordinary accounts created a day, as a share of accounts (assumed)" },
    { "follows_per_day", CFG_DOUBLE, OFF(follows_per_day), 0, 100, "0.02",
      "new follows a day per account (assumed)" },
    { "unfollows_per_day", CFG_DOUBLE, OFF(unfollows_per_day), 0, 100, "0.005",
      "unfollows a day per account (assumed)" },
    { "background_suspension", CFG_DOUBLE, OFF(background_suspension), 0, 1, "0.0001",
      "daily suspension hazard of ordinary accounts (spam; assumed), so suspension alone is no "
      "label" },

    { "news_share", CFG_DOUBLE, OFF(news_share), 0, 0.1, "0.0005",
      "share of accounts that are news outlets or journalists talking about ISIS (assumed)" },
    { "news_followers", CFG_DOUBLE, OFF(news_followers), 1, 1e7, "20000",
      "mean followers of a news account (assumed)" },
    { "news_posts", CFG_DOUBLE, OFF(news_posts), 0, 1000, "10",
      "mean posts a day of a news account" },
    { "researcher_share", CFG_DOUBLE, OFF(researcher_share), 0, 0.1, "0.0002",
      "share of accounts that are researchers or monitors: they follow and report supporters" },
    { "researcher_posts", CFG_DOUBLE, OFF(researcher_posts), 0, 1000, "2",
      "mean posts a day of a researcher" },
    { "counter_share", CFG_DOUBLE, OFF(counter_share), 0, 0.1, "0.0002",
      "share of accounts doing counter-speech (replies to supporters)" },
    { "counter_posts", CFG_DOUBLE, OFF(counter_posts), 0, 1000, "3",
      "mean posts a day of a counter-speech account" },

    { "suspension_rate", CFG_DOUBLE, OFF(suspension_rate), 0, 1, "0.02",
      "routine daily suspension hazard of a supporter (Berger & Perez: under 2% a day)" },
    { "wave_prob", CFG_DOUBLE, OFF(wave_prob), 0, 1, "0.03",
      "chance that a day is a suspension wave (assumed: about one a month)" },
    { "wave_fraction", CFG_DOUBLE, OFF(wave_fraction), 0, 1, "0.2",
      "share of live supporters suspended in a wave (Intelwire, 2 Apr 2015: ~10k of ~46k)" },
    { "return_prob", CFG_DOUBLE, OFF(return_prob), 0, 1, "0.6",
      "chance a routinely suspended persona comes back (Recorded Future: 'a new one is started "
      "immediately'; assumed below 1)" },
    { "wave_return_prob", CFG_DOUBLE, OFF(wave_return_prob), 0, 1, "0.2",
      "chance of coming back after a wave (Intelwire: re-creation ~20% of the wave)" },
    { "return_delay_hours", CFG_DOUBLE, OFF(return_delay_hours), 0, 8760, "6",
      "mean hours from suspension to the new account (exponential; assumed)" },
    { "regain", CFG_DOUBLE, OFF(regain), 0, 1, "0.6",
      "share of its followers a persona's first return regains (assumed)" },
    { "regain_decay", CFG_DOUBLE, OFF(regain_decay), 0, 1, "0.7",
      "factor on the regained share at each further return (Berger & Perez: repeat returners "
      "lose most followers)" },
    { "return_new_avatar", CFG_DOUBLE, OFF(return_new_avatar), 0, 1, "0",
      "share of returning accounts with a new avatar URL (assumed; 0 keeps the old one)" },
    { "return_new_names", CFG_DOUBLE, OFF(return_new_names), 0, 1, "0",
      "share of returning accounts with names of their own, not mutations of the old ones, and "
      "no '#k' in the bio (assumed; real evaders may change both)" },
    { "avatar_pdq_share", CFG_DOUBLE, OFF(avatar_pdq_share), 0, 1, "0",
      "share of accounts whose avatar's PDQ hash is given with the profile (avatar_pdq, quality "
      "80-100; one picture in 20 is one of 4 stock pictures many accounts share; 0 writes none)" },
    { "return_new_image", CFG_DOUBLE, OFF(return_new_image), 0, 1, "0.5",
      "share of returns with a new avatar URL that also picked a new picture; the others "
      "re-upload the old one, its hash 0-12 bits away (a re-encoding; assumed)" },

    { "storms_per_week", CFG_DOUBLE, OFF(storms_per_week), 0, 700, "1",
      "hashtag storms a week (assumed)" },
    { "storm_accounts", CFG_INT, OFF(storm_accounts), 1, 100000, "300",
      "accounts in a storm: live supporters of its language first, then their audience "
      "(Dawn app: 'hundreds')" },
    { "storm_posts", CFG_DOUBLE, OFF(storm_posts), 1, 1000, "3",
      "mean posts per storm account (assumed)" },
    { "storm_hours", CFG_DOUBLE, OFF(storm_hours), 0.01, 72, "4",
      "hours over which a storm's posts are staggered (assumed)" },
    { "storm_copy_share", CFG_DOUBLE, OFF(storm_copy_share), 0, 1, "0",
      "share of storms of the copy pattern: no shared link, each post a reworded copy of one of "
      "three storm messages (Dawn app: it posted the same tweets from its users' accounts; 0 "
      "keeps the link pattern only)" },
    { "storm_seq_share", CFG_DOUBLE, OFF(storm_seq_share), 0, 1, "0",
      "share of storms of the sequence pattern: each account in its own words, no link, every "
      "post ending in the same three campaign hashtags in the same order (Pacheco et al. 2021: "
      "identical hashtag sequences; shares of the patterns add up, in the order copy, seq, "
      "retweet, sync, and must not exceed 1)" },
    { "storm_retweet_share", CFG_DOUBLE, OFF(storm_retweet_share), 0, 1, "0",
      "share of storms of the co-retweet pattern: a few of its accounts post originals, the "
      "others retweet several of them (Pacheco et al. 2021: co-retweet)" },
    { "storm_sync_share", CFG_DOUBLE, OFF(storm_sync_share), 0, 1, "0",
      "share of storms of the synchronised pattern: own words, no link, posts released in waves "
      "every 10 minutes, each wave within 5 seconds (scheduled posting; Pacheco et al. 2021: "
      "synchronised timing)" },
    { "storm_bystanders", CFG_DOUBLE, OFF(storm_bystanders), 0, 10, "0",
      "posts by bystanders (ordinary, news, counter-speech accounts) using a storm's hashtag in "
      "their own words, per storm post (assumed; hijacked and reported hashtags draw others)" },
    { "bursts_per_week", CFG_DOUBLE, OFF(bursts_per_week), 0, 700, "0",
      "organic hashtag bursts a week (sports, breaking news): controls that must not alarm "
      "(assumed)" },
    { "burst_accounts", CFG_DOUBLE, OFF(burst_accounts), 2, 1e6, "500",
      "median ordinary accounts in an organic burst (lognormal, sigma 0.7; assumed)" },
    { "burst_hours", CFG_DOUBLE, OFF(burst_hours), 0.1, 24, "2",
      "mean hours from a burst's onset to a post (exponential decay after a sharp rise, as "
      "in news-driven trends; Kwak et al. 2010: half of retweets within an hour; assumed)" },
    { "audience_followback", CFG_DOUBLE, OFF(audience_followback), 0, 1000, "0",
      "mean supporters of its language that follow each audience account: a grey zone of "
      "ordinary accounts followed by the movement (assumed; 0, the default, adds none)" },

    { "report_rate", CFG_DOUBLE, OFF(report_rate), 0, 1, "0.02",
      "chance a supporter post gets a user or trusted-flagger report (assumed)" },
    { "false_report_rate", CFG_DOUBLE, OFF(false_report_rate), 0, 1, "0.0005",
      "chance an ordinary post gets a (wrong) report (assumed)" },
    { "snapshot_days", CFG_INT, OFF(snapshot_days), 1, 3650, "7",
      "a live account's profile is observed again every this many days" },
};

/* YYYY-MM-DD between 1970 and 2100, a real calendar day. */
static int valid_date(const char *v)
{
    if (strlen(v) != 10 || v[4] != '-' || v[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (v[i] < '0' || v[i] > '9'))
            return 0;
    int y = atoi(v), m = atoi(v + 5), d = atoi(v + 8);
    static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (y < 1970 || y > 2100 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return 0;
    if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
        return 0;
    return 1;
}

static vg_status apply(struct vg_sim_config *cfg, const struct cfg_entry *e, const char *v,
                       char *err, size_t cap)
{
    char *field = (char *)cfg + e->offset;
    if (e->type == CFG_DATE) {
        if (!valid_date(v)) {
            vg_errf(err, cap, "%s: '%.40s' is not a date YYYY-MM-DD (1970..2100)", e->name, v);
            return VG_EINVAL;
        }
        memcpy(field, v, 11);
        return VG_OK;
    }
    double d;
    vg_status rc = vg_kv_number(e->name, v, e->min, e->max, e->type == CFG_INT, &d, err, cap);
    if (rc)
        return rc;
    if (e->type == CFG_INT) {
        *(uint64_t *)(void *)field = (uint64_t)d;
    } else {
        *(double *)(void *)field = d;
    }
    return VG_OK;
}

vg_status vg_sim_config_set(struct vg_sim_config *cfg, const char *key, const char *value,
                            char *err, size_t cap)
{
    if (!cfg || !key || !value) {
        vg_errf(err, cap, "missing setting");
        return VG_EINVAL;
    }
    for (size_t i = 0; i < VG_ARRAY_LEN(table); i++)
        if (!strcmp(table[i].name, key))
            return apply(cfg, &table[i], value, err, cap);
    vg_errf(err, cap, "unknown setting '%.40s' (see vigie sim --help)", key);
    return VG_EINVAL;
}

void vg_sim_config_default(struct vg_sim_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    for (size_t i = 0; i < VG_ARRAY_LEN(table); i++) {
        vg_status rc = apply(cfg, &table[i], table[i].def, NULL, 0);
        VG_UNUSED(rc); /* the defaults are in bounds: test_sim checks it */
    }
}

static vg_status set_one(void *cfg, const char *key, const char *value, char *err, size_t cap)
{
    return vg_sim_config_set(cfg, key, value, err, cap);
}

vg_status vg_sim_config_parse(struct vg_sim_config *cfg, const char *text, size_t len, char *err,
                              size_t cap)
{
    return vg_kv_parse(text, len, set_one, cfg, err, cap);
}

void vg__sim_config_help(FILE *f)
{
    for (size_t i = 0; i < VG_ARRAY_LEN(table); i++)
        fprintf(f, "  %-22s %s (default %s)\n", table[i].name, table[i].doc, table[i].def);
}

void vg__sim_config_markdown(FILE *f)
{
    fprintf(f, "| setting | default | bounds | meaning and source |\n|---|---|---|---|\n");
    for (size_t i = 0; i < VG_ARRAY_LEN(table); i++) {
        const struct cfg_entry *e = &table[i];
        if (e->type == CFG_DATE)
            fprintf(f, "| `%s` | %s | a date | %s |\n", e->name, e->def, e->doc);
        else
            fprintf(f, "| `%s` | %s | %.16g .. %.16g | %s |\n", e->name, e->def, e->min, e->max,
                    e->doc);
    }
}

vg_status vg__sim_config_json(const struct vg_sim_config *cfg, struct vg_buf *out)
{
    vg_status rc = vg_buf_putc(out, '{');
    for (size_t i = 0; i < VG_ARRAY_LEN(table) && !rc; i++) {
        const struct cfg_entry *e = &table[i];
        const char *field = (const char *)cfg + e->offset;
        rc = vg_buf_printf(out, "%s\"%s\":", i ? "," : "", e->name);
        if (rc)
            break;
        if (e->type == CFG_DATE)
            rc = vg_buf_json_str(out, field, strnlen(field, 15));
        else if (e->type == CFG_INT)
            rc = vg_buf_printf(out, "%llu",
                               (unsigned long long)*(const uint64_t *)(const void *)field);
        else {
            /* The shortest form that reads back to the same double. */
            double d = *(const double *)(const void *)field;
            char num[40];
            for (int prec = 6; prec <= 17; prec++) {
                snprintf(num, sizeof(num), "%.*g", prec, d);
                if (strtod(num, NULL) == d)
                    break;
            }
            rc = vg_buf_puts(out, num);
        }
    }
    if (!rc)
        rc = vg_buf_putc(out, '}');
    return rc;
}
