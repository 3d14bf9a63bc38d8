/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sim_write.c: turns a generated world's compact events into native JSON lines
 * (docs/events.md) and writes truth.json. Writing is the hot path at scale (tens of millions of
 * follow lines), so lines are assembled by hand into one 1 MiB buffer: numbers with a small
 * integer formatter, instants from a cached "YYYY-MM-DDT" plus the time of day, texts copied
 * from their pre-escaped JSON form; nothing is allocated per event.
 *
 * Profiles (handles, names, bios, avatars) are recomputed when written (sim_names.c): a
 * returning persona keeps its avatar URL and mutates its names. With avatar_pdq_share the
 * profile also carries its picture's PDQ hash, drawn per picture (a re-upload under a new URL
 * flips a few bits). URLs and bios are invented: every domain is under the reserved .example TLD.
 */
#include <string.h>

#include "sim.h"

#define OUT_CAP (1u << 20)

vg_status vg__sim_out_open(struct sim_out *o, const char *path)
{
    memset(o, 0, sizeof(*o));
    o->day_cached = INT64_MIN;
    o->buf = vg_malloc(OUT_CAP);
    if (!o->buf)
        return VG_ENOMEM;
    o->cap = OUT_CAP;
    o->f = fopen(path, "wb");
    if (!o->f) {
        VG_LOG_ERR("sim: cannot write %s", path);
        vg_free(o->buf);
        o->buf = NULL;
        return VG_EIO;
    }
    return VG_OK;
}

static void flush(struct sim_out *o)
{
    if (o->len && !o->rc && fwrite(o->buf, 1, o->len, o->f) != o->len)
        o->rc = VG_EIO;
    o->len = 0;
}

vg_status vg__sim_out_close(struct sim_out *o)
{
    if (!o->f)
        return o->rc;
    flush(o);
    if (fclose(o->f) && !o->rc)
        o->rc = VG_EIO;
    o->f = NULL;
    vg_free(o->buf);
    o->buf = NULL;
    if (o->rc)
        VG_LOG_ERR("sim: writing events failed (disk full?)");
    return o->rc;
}

static inline void put(struct sim_out *o, const char *s, size_t n)
{
    if (o->len + n > o->cap) {
        flush(o);
        if (n > o->cap) {
            if (!o->rc && fwrite(s, 1, n, o->f) != n)
                o->rc = VG_EIO;
            return;
        }
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

#define PUT_LIT(o, s) put((o), (s), sizeof(s) - 1)

static inline void put_str(struct sim_out *o, const char *s)
{
    put(o, s, strlen(s));
}

static inline void put_u64(struct sim_out *o, uint64_t x)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[sizeof(tmp) - 1 - n++] = (char)('0' + x % 10);
        x /= 10;
    } while (x);
    put(o, tmp + sizeof(tmp) - n, (size_t)n);
}

/* "u123" for account index v (ids count from 1). */
static inline void put_acct(struct sim_out *o, uint32_t v)
{
    PUT_LIT(o, "\"u");
    put_u64(o, (uint64_t)v + 1);
    put(o, "\"", 1);
}

static inline void put_post(struct sim_out *o, uint64_t id)
{
    PUT_LIT(o, "\"p");
    put_u64(o, id);
    put(o, "\"", 1);
}

static void put_time(struct sim_out *o, int64_t t)
{
    int64_t day = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    if (day != o->day_cached) {
        char iso[21];
        vg_time_format(day * 86400, iso);
        memcpy(o->date, iso, 11);
        o->day_cached = day;
    }
    int64_t s = t - day * 86400;
    char tmp[32];
    memcpy(tmp, "\"", 1);
    memcpy(tmp + 1, o->date, 11);
    int h = (int)(s / 3600), m = (int)(s / 60 % 60), sec = (int)(s % 60);
    char *p = tmp + 12;
    *p++ = (char)('0' + h / 10);
    *p++ = (char)('0' + h % 10);
    *p++ = ':';
    *p++ = (char)('0' + m / 10);
    *p++ = (char)('0' + m % 10);
    *p++ = ':';
    *p++ = (char)('0' + sec / 10);
    *p++ = (char)('0' + sec % 10);
    *p++ = 'Z';
    *p++ = '"';
    put(o, tmp, (size_t)(p - tmp));
}

/* ---- profiles ------------------------------------------------------------------------------- */

static const char *const bios[VG_SIM__ROLES][LANG__N][4] = {
    [VG_SIM_BACKGROUND] = {
        { "Coffee, books and bad jokes", "Runner. Dad. Engineer.", "Football is life", "" },
        { "Café, livres et mauvaises blagues", "Étudiante", "Fan de foot", "" },
        { "أحب القهوة والكتب", "طالب جامعي", "مشجع كرة القدم", "" },
    },
    [VG_SIM_SUPPORTER] = {
        { "Servant of the Black Dawn", "Baqiya. The caravan moves on",
          "Follow before they suspend me", "Media worker of the Dawn" },
        { "Serviteur de l'Aube Noire", "Baqiya. La caravane avance",
          "Suivez avant la suspension", "Média de l'Aube" },
        { "خادم الفجر الأسود", "باقية والقافلة ماضية", "تابعوا قبل التعليق", "إعلام الفجر" },
    },
    [VG_SIM_NEWS] = {
        { "News, world and politics", "Correspondent covering conflict", "Breaking news 24/7",
          "Security and defence reporter" },
        { "Actualités, monde et politique", "Correspondant, conflits", "Info en continu",
          "Journaliste défense" },
        { "أخبار العالم والسياسة", "مراسل حربي", "أخبار عاجلة", "صحفي أمن ودفاع" },
    },
    [VG_SIM_RESEARCHER] = {
        { "Researcher, extremism online. Views my own", "Monitoring jihadist media",
          "PhD student, radicalisation", "Analyst, open sources" },
        { "Chercheuse, extrémisme en ligne", "Veille des médias djihadistes",
          "Doctorant, radicalisation", "Analyste en sources ouvertes" },
        { "باحث في التطرف على الإنترنت", "رصد الإعلام المتطرف", "باحثة في التطرف",
          "محلل مصادر مفتوحة" },
    },
    [VG_SIM_COUNTER] = {
        { "Talking people out of extremism", "Former member, now helping others leave",
          "Counter-narratives, in your language", "You are not alone" },
        { "Contre la propagande", "Ancien membre, j'aide à sortir", "Contre-discours",
          "Vous n'êtes pas seul" },
        { "ضد الدعاية المتطرفة", "عضو سابق أساعد الآخرين", "خطاب مضاد", "لست وحدك" },
    },
};

static uint64_t profile_key(const struct sim_acct *a, uint32_t v)
{
    return a->persona >= 0 ? ((uint64_t)a->persona | (1ull << 40)) : v;
}

/* Whether returning account v breaks with its predecessor's look in one respect (salt), with
 * chance `share`: a function of the seed and the account alone, so every snapshot of it agrees
 * and a share of 0 leaves the output as it was. */
static int breaks_look(const struct sim_world *w, const struct sim_acct *a, uint32_t v,
                       uint64_t salt, double share)
{
    if (a->incarnation == 0 || share <= 0)
        return 0;
    uint64_t h = vg_hash64(&v, sizeof(v), w->seed ^ salt);
    return (double)(h >> 11) * 0x1.0p-53 < share;
}

/* The names account v shows: its persona's (mutated at each return), or names of its own when it
 * is one of the return_new_names share. Profiles and the posts that mention it agree. */
static int account_names(const struct sim_world *w, uint32_t v, char *handle, char *name)
{
    const struct sim_acct *a = &w->acct[v];
    int new_names = breaks_look(w, a, v, 0x6e616d6573ull, w->cfg->return_new_names);
    if (new_names)
        vg__sim_names(w->seed, v, -1, 0, a->lang, handle, name); /* names of its own */
    else
        vg__sim_names(w->seed, v, a->persona, a->incarnation, a->lang, handle, name);
    return new_names;
}

/* ---- pictures ------------------------------------------------------------------------------- */

#define SALT_AVATAR    0x617661746172ull /* "avatar": a new avatar URL */
#define SALT_PDQ_GIVEN 0x706471676976ull /* whether the picture's hash is written */
#define SALT_NEW_IMAGE 0x6e6577696d67ull /* a return that picked a new picture */
#define SALT_STOCK     0x73746f636bull   /* whether a picture is a stock one */
#define SALT_PIXELS    0x706978656cull   /* the picture's hash bits */
#define SALT_REENCODE  0x7265656e63ull   /* the bits a re-upload flips */
#define STOCK_PICTURES 4                 /* stock pictures many accounts share */
#define STOCK_ONE_IN   20                /* one picture in this many is a stock one */
#define REENCODE_BITS  12                /* a re-upload flips 0 to this many bits */

/* A uniform draw in [0, 1) from the seed, a key and a salt: every snapshot agrees. */
static double draw(const struct sim_world *w, uint64_t key, uint64_t salt)
{
    return (double)(vg_hash64(&key, sizeof(key), w->seed ^ salt) >> 11) * 0x1.0p-53;
}

/*
 * The picture account v shows: its persona's (profile_key), or its own when it is a return with
 * a new avatar URL that also picked a new picture (return_new_image). One picture in
 * STOCK_ONE_IN is a stock one (a default silhouette, a flag), the same for every account that
 * uses it. *reencoded: a re-upload of the persona's picture under a new URL.
 */
static uint64_t picture_of(const struct sim_world *w, const struct sim_acct *a, uint32_t v,
                           int new_avatar, int *reencoded, int *stock)
{
    int new_image = new_avatar && breaks_look(w, a, v, SALT_NEW_IMAGE, w->cfg->return_new_image);
    uint64_t key = new_image ? (uint64_t)v | (1ull << 41) : profile_key(a, v);
    *stock = draw(w, key, SALT_STOCK) * STOCK_ONE_IN < 1;
    *reencoded = new_avatar && !new_image && !*stock;
    if (*stock)
        key = (uint64_t)(draw(w, key, SALT_STOCK ^ 1) * STOCK_PICTURES) | (1ull << 42);
    return key;
}

/* A picture's PDQ hash: 256 bits drawn from its key (unrelated pictures are ~128 bits apart),
 * with a re-upload's 0 to REENCODE_BITS distinct bits flipped. */
static void picture_hash(const struct sim_world *w, uint64_t key, uint32_t v, int reencoded,
                         struct vg_pdq *h)
{
    for (int i = 0; i < VG_PDQ_BYTES; i += 8) {
        uint64_t bits = vg_hash64(&key, sizeof(key), w->seed ^ SALT_PIXELS ^ (uint64_t)i);
        memcpy(h->bytes + i, &bits, 8);
    }
    if (!reencoded)
        return;
    int flips = (int)(draw(w, v, SALT_REENCODE) * (REENCODE_BITS + 1));
    uint8_t done[VG_PDQ_BYTES * 8] = { 0 };
    for (uint64_t k = 0; flips > 0; k++) {
        unsigned bit = (unsigned)(vg_hash64(&k, sizeof(k), w->seed ^ SALT_REENCODE ^ v) % 256);
        if (done[bit])
            continue;
        done[bit] = 1;
        h->bytes[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        flips--;
    }
}

/* ",avatar_pdq,avatar_pdq_quality" for the avatar_pdq_share of accounts (nothing at 0, the
 * default, so that worlds stay as they were). Quality 80 to 100, a property of the picture. */
static void put_avatar_pdq(struct sim_out *o, const struct sim_world *w, const struct sim_acct *a,
                           uint32_t v, int new_avatar)
{
    if (w->cfg->avatar_pdq_share <= 0 || draw(w, v, SALT_PDQ_GIVEN) >= w->cfg->avatar_pdq_share)
        return;
    int reencoded, stock;
    uint64_t key = picture_of(w, a, v, new_avatar, &reencoded, &stock);
    struct vg_pdq h;
    picture_hash(w, key, v, reencoded, &h);
    char hex[VG_PDQ_HEX_LEN + 1];
    vg_pdq_to_hex(&h, hex);
    PUT_LIT(o, ",\"avatar_pdq\":\"");
    put_str(o, hex);
    PUT_LIT(o, "\",\"avatar_pdq_quality\":");
    put_u64(o, 80 + (uint64_t)(draw(w, key, SALT_PIXELS) * 21));
}

int vg__sim_write_account(struct sim_out *o, struct sim_world *w, uint32_t v, int64_t t)
{
    struct sim_acct *a = &w->acct[v];
    uint32_t counts[3] = { a->followers, a->following, a->posts };
    uint32_t snap = (uint32_t)vg_hash64(counts, sizeof(counts), 7) | 1u;
    if (snap == a->snap_hash)
        return 0;
    a->snap_hash = snap;
    char handle[SIM_HANDLE_MAX], name[SIM_NAME_MAX];
    int new_names = account_names(w, v, handle, name);
    int new_avatar = breaks_look(w, a, v, SALT_AVATAR, w->cfg->return_new_avatar);
    uint64_t key = profile_key(a, v);
    uint64_t h = vg_hash64(&key, sizeof(key), w->seed);
    uint64_t own = v;
    uint64_t h_avatar = new_avatar ? vg_hash64(&own, sizeof(own), w->seed ^ SALT_AVATAR) : h;
    PUT_LIT(o, "{\"type\":\"account\",\"platform\":\"sim\",\"id\":");
    put_acct(o, v);
    PUT_LIT(o, ",\"handle\":\"");
    put_str(o, handle);
    PUT_LIT(o, "\",\"name\":\"");
    put_str(o, name);
    PUT_LIT(o, "\",\"bio\":\"");
    put_str(o, bios[a->role][a->lang][h % 4]);
    if (a->incarnation && !new_names) {
        PUT_LIT(o, " #");
        put_u64(o, (uint64_t)a->incarnation + 1);
    }
    PUT_LIT(o, "\",\"created_at\":");
    put_time(o, a->created_at);
    PUT_LIT(o, ",\"followers\":");
    put_u64(o, a->followers);
    PUT_LIT(o, ",\"following\":");
    put_u64(o, a->following);
    PUT_LIT(o, ",\"posts\":");
    put_u64(o, a->posts);
    /* A returning persona keeps its avatar (the URL is keyed by the persona) unless it is one of
     * the return_new_avatar share; with avatar_pdq_share, the picture's hash follows it. */
    if (a->role != VG_SIM_BACKGROUND || (h >> 8) % 10) {
        char hex[17];
        static const char digits[] = "0123456789abcdef";
        for (int i = 0; i < 16; i++)
            hex[i] = digits[(h_avatar >> (60 - 4 * i)) & 15];
        hex[16] = '\0';
        PUT_LIT(o, ",\"avatar_url\":\"https://img.example/avatars/");
        put_str(o, hex);
        PUT_LIT(o, ".jpg\"");
        put_avatar_pdq(o, w, a, v, new_avatar);
    }
    PUT_LIT(o, ",\"observed_at\":");
    put_time(o, t);
    PUT_LIT(o, "}\n");
    return 1;
}

void vg__sim_write_follow(struct sim_out *o, uint32_t src, uint32_t dst, int64_t t)
{
    PUT_LIT(o, "{\"type\":\"follow\",\"platform\":\"sim\",\"src\":");
    put_acct(o, src);
    PUT_LIT(o, ",\"dst\":");
    put_acct(o, dst);
    PUT_LIT(o, ",\"at\":");
    put_time(o, t);
    PUT_LIT(o, "}\n");
}

/* ---- posts ---------------------------------------------------------------------------------- */

static void put_url(struct sim_out *o, const struct sim_ev *ev)
{
    switch (ev->url) {
        case 1:
            PUT_LIT(o, "https://dawn-media.example/v/");
            put_u64(o, ev->id % 997);
            break;
        case 2:
            PUT_LIT(o, "https://news-daily.example/world/");
            put_u64(o, ev->id);
            break;
        case 3:
            PUT_LIT(o, "https://photos.example/");
            put_u64(o, ev->id);
            break;
        default:
            PUT_LIT(o, "https://dawn-storm.example/s");
            put_u64(o, ev->storm);
            break;
    }
}

/* The text literal (pre-escaped, quotes included) with {h} replaced by handle, without its
 * closing quote so that more can be appended. */
static void put_text_open(struct sim_out *o, const char *lit, const char *handle)
{
    size_t n = strlen(lit) - 1; /* drop the closing quote */
    const char *hole = handle ? strstr(lit, "{h}") : NULL;
    if (hole && (size_t)(hole - lit) < n) {
        put(o, lit, (size_t)(hole - lit));
        put_str(o, handle);
        put(o, hole + 3, n - (size_t)(hole + 3 - lit));
    } else {
        put(o, lit, n);
    }
}

/* Rewordings of a copy storm's messages (ev->reason - 1 picks a prefix and a suffix): the same
 * message, pushed by many accounts with small changes so that exact matching misses it. */
static const char *const reword_pre[] = { "", "Spread this: ", "Read and share: ", ">> ", "!! " };
static const char *const reword_post[] = { "",           " - share it", " ...", " (pass it on)",
                                           " - retweet", " !",          " 11",  " ~" };

/* The hashtag a post carries for its storm or burst, or NULL. */
static const char *event_tag(const struct sim_world *w, const struct sim_ev *ev)
{
    if (ev->storm)
        return w->storms[ev->storm - 1].hashtag;
    if (ev->burst)
        return w->bursts[ev->burst - 1].hashtag;
    return NULL;
}

static void write_post(struct sim_out *o, const struct sim_world *w, const struct sim_ev *ev)
{
    const struct sim_text *tx = &w->texts.t[ev->text];
    const char *tag = event_tag(w, ev);
    char handle[SIM_HANDLE_MAX] = "", name[SIM_NAME_MAX];
    if (ev->b != SIM_NONE)
        account_names(w, ev->b, handle, name);
    PUT_LIT(o, "{\"type\":\"post\",\"platform\":\"sim\",\"id\":");
    put_post(o, ev->id);
    PUT_LIT(o, ",\"account\":");
    put_acct(o, ev->a);
    PUT_LIT(o, ",\"created_at\":");
    put_time(o, ev->t);
    PUT_LIT(o, ",\"text\":");
    if (ev->kind == POST_REPOST) {
        PUT_LIT(o, "\"RT @");
        put_str(o, handle);
        PUT_LIT(o, ": ");
        put_text_open(o, tx->json + 1, NULL);
    } else if ((ev->kind == POST_REPLY || ev->kind == POST_ORIGINAL) && handle[0]) {
        PUT_LIT(o, "\"@");
        put_str(o, handle);
        put(o, " ", 1);
        put_text_open(o, tx->json + 1, NULL);
    } else if (ev->kind == POST_STORM && ev->reason) {
        unsigned k = ev->reason - 1u;
        put(o, "\"", 1);
        put_str(o, reword_pre[k % VG_ARRAY_LEN(reword_pre)]);
        put_text_open(o, tx->json + 1, NULL);
        put_str(o, reword_post[(k / VG_ARRAY_LEN(reword_pre)) % VG_ARRAY_LEN(reword_post)]);
    } else {
        put_text_open(o, tx->json, handle[0] ? handle : NULL);
    }
    const struct sim_storm *st = ev->storm ? &w->storms[ev->storm - 1] : NULL;
    /* Only the storm's own posts carry its campaign hashtags, not its bystanders'. */
    int seq = st && st->pattern == STORM_SEQ && (ev->kind == POST_STORM);
    if (tag) {
        PUT_LIT(o, " #");
        put_str(o, tag);
    }
    for (int k = 0; k < 2 && seq; k++) {
        PUT_LIT(o, " #");
        put_str(o, st->seq_tags[k]);
    }
    if (ev->url) {
        put(o, " ", 1);
        put_url(o, ev);
    }
    put(o, "\"", 1);
    if (tx->lang >= 0) {
        static const char *const langs[] = { "en", "fr", "ar" };
        PUT_LIT(o, ",\"lang\":\"");
        put_str(o, langs[tx->lang]);
        put(o, "\"", 1);
    }
    if (ev->kind == POST_REPLY) {
        PUT_LIT(o, ",\"reply_to\":");
        put_post(o, ev->ref);
    } else if (ev->kind == POST_REPOST) {
        PUT_LIT(o, ",\"repost_of\":");
        put_post(o, ev->ref);
    }
    PUT_LIT(o, ",\"hashtags\":");
    if (tag) {
        size_t n = strlen(tx->tags);
        put(o, tx->tags, n - 1); /* without ']' */
        if (n > 2)
            put(o, ",", 1);
        put(o, "\"", 1);
        put_str(o, tag);
        for (int k = 0; k < 2 && seq; k++) {
            PUT_LIT(o, "\",\"");
            put_str(o, st->seq_tags[k]);
        }
        PUT_LIT(o, "\"]");
    } else {
        put_str(o, tx->tags);
    }
    PUT_LIT(o, ",\"mentions\":[");
    if (handle[0]) {
        put(o, "\"", 1);
        put_str(o, handle);
        put(o, "\"", 1);
    }
    PUT_LIT(o, "],\"urls\":[");
    if (ev->url) {
        put(o, "\"", 1);
        put_url(o, ev);
        put(o, "\"", 1);
    }
    PUT_LIT(o, "]}\n");
}

/* ---- the rest ------------------------------------------------------------------------------- */

static const char *const reasons[] = { "", "terrorist content", "spam" };
static const char *const susp_reasons[] = { "", "violent extremism", "spam" };

/* Whether account v is suspended (for good) at t. Events queued before a suspension was decided
 * (a regained follower's follow, a shout-out spilling into the next day) are dropped here, so no
 * account acts, or is followed, after its suspension. */
static int gone(const struct sim_world *w, uint32_t v, int64_t t)
{
    return w->acct[v].suspended_at <= t;
}

void vg__sim_write_event(struct sim_out *o, struct sim_world *w, const struct sim_ev *ev)
{
    if ((ev->type == EV_POST && gone(w, ev->a, ev->t)) ||
        ((ev->type == EV_FOLLOW || ev->type == EV_UNFOLLOW) &&
         (gone(w, ev->a, ev->t) || gone(w, ev->b, ev->t))))
        return;
    switch (ev->type) {
        case EV_ACCOUNT:
            w->sum->by_type[VG_EV_ACCOUNT] += (uint64_t)vg__sim_write_account(o, w, ev->a, ev->t);
            return;
        case EV_FOLLOW:
        case EV_UNFOLLOW:
            PUT_LIT(o, "{\"type\":\"");
            put_str(o, ev->type == EV_FOLLOW ? "follow" : "unfollow");
            PUT_LIT(o, "\",\"platform\":\"sim\",\"src\":");
            put_acct(o, ev->a);
            PUT_LIT(o, ",\"dst\":");
            put_acct(o, ev->b);
            PUT_LIT(o, ",\"at\":");
            put_time(o, ev->t);
            PUT_LIT(o, "}\n");
            w->sum->by_type[ev->type == EV_FOLLOW ? VG_EV_FOLLOW : VG_EV_UNFOLLOW]++;
            return;
        case EV_POST:
            write_post(o, w, ev);
            w->sum->by_type[VG_EV_POST]++;
            return;
        case EV_SUSPENSION:
        case EV_REINSTATEMENT:
            PUT_LIT(o, "{\"type\":\"");
            put_str(o, ev->type == EV_SUSPENSION ? "suspension" : "reinstatement");
            PUT_LIT(o, "\",\"platform\":\"sim\",\"account\":");
            put_acct(o, ev->a);
            PUT_LIT(o, ",\"at\":");
            put_time(o, ev->t);
            if (ev->type == EV_SUSPENSION) {
                PUT_LIT(o, ",\"reason\":\"");
                put_str(o, susp_reasons[ev->reason % 3]);
                put(o, "\"", 1);
            }
            PUT_LIT(o, "}\n");
            w->sum->by_type[ev->type == EV_SUSPENSION ? VG_EV_SUSPENSION : VG_EV_REINSTATEMENT]++;
            return;
        case EV_REPORT:
            PUT_LIT(o, "{\"type\":\"report\",\"platform\":\"sim\",\"id\":\"r");
            put_u64(o, ev->id);
            put(o, "\"", 1);
            if (ev->b != SIM_NONE) {
                PUT_LIT(o, ",\"reporter\":");
                put_acct(o, ev->b);
            }
            PUT_LIT(o, ",\"target\":");
            put_acct(o, ev->a);
            PUT_LIT(o, ",\"posts\":[");
            put_post(o, ev->ref);
            PUT_LIT(o, "],\"reason\":\"");
            put_str(o, reasons[ev->reason % 3]);
            PUT_LIT(o, "\",\"at\":");
            put_time(o, ev->t);
            PUT_LIT(o, "}\n");
            w->sum->by_type[VG_EV_REPORT]++;
            return;
        default:
            return;
    }
}

/* ---- truth.json ----------------------------------------------------------------------------- */

static void truth_account(struct sim_out *o, const struct sim_world *w, uint32_t v, int first)
{
    static const char *const langs[] = { "en", "fr", "ar" };
    const struct sim_acct *a = &w->acct[v];
    put_str(o, first ? "\n{\"id\":" : ",\n{\"id\":");
    put_acct(o, v);
    PUT_LIT(o, ",\"role\":\"");
    put_str(o, vg_sim_role_name((enum vg_sim_role)a->role));
    PUT_LIT(o, "\",\"lang\":\"");
    put_str(o, langs[a->lang]);
    PUT_LIT(o, "\",\"community\":");
    if (a->community >= 0) {
        PUT_LIT(o, "\"c");
        put_u64(o, (uint64_t)a->community + 1);
        put(o, "\"", 1);
    } else {
        PUT_LIT(o, "null");
    }
    PUT_LIT(o, ",\"persona\":");
    if (a->persona >= 0) {
        PUT_LIT(o, "\"p");
        put_u64(o, (uint64_t)a->persona + 1);
        put(o, "\"", 1);
    } else {
        PUT_LIT(o, "null");
    }
    PUT_LIT(o, ",\"replaces\":");
    if (a->parent != SIM_NONE)
        put_acct(o, a->parent);
    else
        PUT_LIT(o, "null");
    char num[32];
    snprintf(num, sizeof(num), ",\"created_day\":%d", a->created_day);
    put_str(o, num);
    PUT_LIT(o, ",\"suspended_day\":");
    if (a->suspended_day != INT32_MIN && a->role == VG_SIM_SUPPORTER) {
        snprintf(num, sizeof(num), "%d", a->suspended_day);
        put_str(o, num);
    } else {
        PUT_LIT(o, "null");
    }
    put(o, "}", 1);
}

static void truth_storm(struct sim_out *o, const struct sim_world *w, size_t i)
{
    const struct sim_storm *s = &w->storms[i];
    put_str(o, i ? ",\n{\"id\":\"s" : "\n{\"id\":\"s");
    put_u64(o, i + 1);
    PUT_LIT(o, "\",\"hashtag\":\"");
    put_str(o, s->hashtag);
    PUT_LIT(o, "\",\"pattern\":\"");
    static const char *const pattern_names[] = { "link", "copy", "seq", "retweet", "sync" };
    put_str(o, pattern_names[s->pattern < VG_ARRAY_LEN(pattern_names) ? s->pattern : 0]);
    PUT_LIT(o, "\",\"start\":");
    put_time(o, s->start);
    PUT_LIT(o, ",\"accounts\":[");
    for (size_t k = 0; k < s->n_accounts; k++) {
        if (k)
            put(o, ",", 1);
        put_acct(o, s->accounts[k]);
    }
    PUT_LIT(o, "],\"posts\":[");
    for (size_t k = 0; k < s->n_posts; k++) {
        if (k)
            put(o, ",", 1);
        put_post(o, s->posts[k]);
    }
    PUT_LIT(o, "]}");
}

static void truth_burst(struct sim_out *o, const struct sim_world *w, size_t i)
{
    static const char *const langs[] = { "en", "fr", "ar" };
    const struct sim_burst *b = &w->bursts[i];
    put_str(o, i ? ",\n{\"id\":\"b" : "\n{\"id\":\"b");
    put_u64(o, i + 1);
    PUT_LIT(o, "\",\"hashtag\":\"");
    put_str(o, b->hashtag);
    PUT_LIT(o, "\",\"lang\":\"");
    put_str(o, langs[b->lang]);
    PUT_LIT(o, "\",\"start\":");
    put_time(o, b->start);
    PUT_LIT(o, ",\"accounts\":");
    put_u64(o, b->n_accounts);
    PUT_LIT(o, ",\"posts\":");
    put_u64(o, b->n_posts);
    put(o, "}", 1);
}

vg_status vg__sim_write_truth(const struct sim_world *w, const char *path)
{
    struct sim_out o;
    vg_status rc = vg__sim_out_open(&o, path);
    if (rc)
        return rc;
    struct vg_buf cfg;
    vg_buf_init(&cfg, 1 << 16);
    if ((rc = vg__sim_config_json(w->cfg, &cfg))) {
        vg_buf_release(&cfg);
        vg__sim_out_close(&o);
        return rc;
    }
    PUT_LIT(&o, "{\"seed\":");
    put_u64(&o, w->cfg->seed);
    PUT_LIT(&o, ",\"accounts_total\":");
    put_u64(&o, w->n_acct);
    PUT_LIT(&o, ",\"days\":");
    put_u64(&o, w->cfg->days);
    PUT_LIT(&o, ",\"config\":");
    put(&o, cfg.data, cfg.len);
    vg_buf_release(&cfg);
    PUT_LIT(&o, ",\"accounts\":[");
    int first = 1;
    for (uint32_t v = 0; v < w->n_acct; v++)
        if (w->acct[v].role != VG_SIM_BACKGROUND) {
            truth_account(&o, w, v, first);
            first = 0;
        }
    PUT_LIT(&o, "],\"storms\":[");
    for (size_t i = 0; i < w->n_storms; i++)
        truth_storm(&o, w, i);
    PUT_LIT(&o, "],\"bursts\":[");
    for (size_t i = 0; i < w->n_bursts; i++)
        truth_burst(&o, w, i);
    PUT_LIT(&o, "]}\n");
    return vg__sim_out_close(&o);
}
