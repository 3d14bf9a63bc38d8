/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sim_names.c: invented handles and display names, and how a returning persona mutates them.
 * Names are built from invented syllables that each have a Latin spelling, a second Latin
 * transliteration and an Arabic-script form, so the three mutations seen on returning accounts
 * (Berger & Perez; anchors 7.1) are all possible:
 *   - digit suffix: "kari_mosa" -> "kari_mosa2" -> "kari_mosa4";
 *   - homoglyphs: one more look-alike (o->0, i->1, e->3...) in the handle and a Cyrillic
 *     a/o/e in the display name;
 *   - transliteration: the other Latin spelling of every syllable ("mo" <-> "mu", "ree" <-> "ri")
 *     and the display name switched between Latin and Arabic script.
 * Nothing is stored: the names of an account are recomputed from the seed, its persona and its
 * incarnation (the k-th account of a persona applies k mutations to the first one's names).
 */
#include <string.h>

#include "sim.h"

struct syllable {
    const char *lat, *alt, *ar;
};

static const struct syllable syl[] = {
    { "ka", "qa", "كا" },  { "ri", "ree", "ري" }, { "mo", "mu", "مو" },  { "sa", "sah", "سا" },
    { "di", "dee", "دي" }, { "la", "lah", "لا" }, { "na", "nah", "نا" }, { "ha", "hah", "ها" },
    { "bi", "bee", "بي" }, { "ta", "tah", "تا" }, { "yu", "you", "يو" }, { "zi", "zee", "زي" },
    { "fa", "fah", "فا" }, { "lo", "lou", "لو" }, { "mi", "mee", "مي" }, { "ja", "dja", "جا" },
    { "ru", "rou", "رو" }, { "si", "see", "سي" }, { "wa", "oua", "وا" }, { "nu", "nou", "نو" },
};

struct name_state {
    uint8_t n_words, n_syl[2], syl[2][3];
    int sep;        /* '_' between the words of the handle, or 0 */
    int digits;     /* number the handle ends with, -1 when none */
    int translit;   /* 1: second Latin spelling */
    int script_ar;  /* 1: display name in Arabic script */
    int homoglyphs; /* look-alike substitutions made */
};

static void base_state(struct name_state *s, uint64_t seed, uint64_t key, int lang, int role_key)
{
    struct sim_rng r;
    sim_rng_init(&r, seed, TAG_NAME, key);
    memset(s, 0, sizeof(*s));
    s->n_words = 2;
    for (int w = 0; w < 2; w++) {
        s->n_syl[w] = (uint8_t)(2 + sim_below(&r, 2));
        for (int k = 0; k < s->n_syl[w]; k++)
            s->syl[w][k] = (uint8_t)sim_below(&r, VG_ARRAY_LEN(syl));
    }
    s->sep = sim_unif(&r) < 0.5 ? '_' : 0;
    s->digits = sim_unif(&r) < (role_key ? 0.4 : 0.6) ? (int)sim_below(&r, 1000) : -1;
    s->translit = sim_unif(&r) < 0.3;
    s->script_ar = lang == LANG_AR && sim_unif(&r) < 0.6;
}

static void mutate(struct name_state *s, uint64_t seed, uint64_t persona, unsigned k)
{
    struct sim_rng r;
    sim_rng_init(&r, seed, TAG_NAME, (persona << 8) | k | (1ull << 62));
    switch (sim_below(&r, 3)) {
        case 0:
            s->digits = s->digits < 0 ? (int)(1 + sim_below(&r, 9))
                                      : s->digits + 1 + (int)sim_below(&r, 3);
            break;
        case 1:
            s->homoglyphs++;
            break;
        default:
            s->translit = !s->translit;
            s->script_ar = !s->script_ar;
            break;
    }
}

static size_t put(char *out, size_t pos, size_t cap, const char *s)
{
    size_t n = strlen(s);
    if (pos + n + 1 > cap)
        return pos;
    memcpy(out + pos, s, n);
    out[pos + n] = '\0';
    return pos + n;
}

static void make_handle(const struct name_state *s, char *out)
{
    size_t pos = 0;
    out[0] = '\0';
    for (int w = 0; w < s->n_words; w++) {
        if (w && s->sep)
            pos = put(out, pos, SIM_HANDLE_MAX, "_");
        for (int k = 0; k < s->n_syl[w]; k++) {
            const struct syllable *y = &syl[s->syl[w][k]];
            pos = put(out, pos, SIM_HANDLE_MAX, s->translit ? y->alt : y->lat);
        }
    }
    /* Look-alike characters, left to right. */
    static const char from[] = "oiles", to[] = "01135";
    int left = s->homoglyphs;
    for (size_t i = 0; i < pos && left > 0; i++) {
        const char *f = strchr(from, out[i]);
        if (f && out[i]) {
            out[i] = to[f - from];
            left--;
        }
    }
    /* No look-alike left to use: the substitution shows as one more digit instead. */
    char d[24] = "";
    if (s->digits >= 0 && left > 0)
        snprintf(d, sizeof(d), "%d%d", s->digits, left);
    else if (s->digits >= 0)
        snprintf(d, sizeof(d), "%d", s->digits);
    else if (left > 0)
        snprintf(d, sizeof(d), "%d", left);
    put(out, pos, SIM_HANDLE_MAX, d);
}

static void make_name(const struct name_state *s, char *out)
{
    size_t pos = 0;
    out[0] = '\0';
    for (int w = 0; w < s->n_words; w++) {
        if (w)
            pos = put(out, pos, SIM_NAME_MAX, " ");
        size_t word_start = pos;
        for (int k = 0; k < s->n_syl[w]; k++) {
            const struct syllable *y = &syl[s->syl[w][k]];
            pos = put(out, pos, SIM_NAME_MAX, s->script_ar ? y->ar : s->translit ? y->alt : y->lat);
        }
        if (!s->script_ar && out[word_start] >= 'a' && out[word_start] <= 'z')
            out[word_start] = (char)(out[word_start] - 'a' + 'A');
    }
    if (s->script_ar || !s->homoglyphs)
        return;
    /* Cyrillic look-alikes of a, o, e in the Latin name: rebuild into a second buffer. */
    char tmp[SIM_NAME_MAX];
    size_t t = 0;
    int left = s->homoglyphs;
    for (size_t i = 0; i < pos && t + 3 < sizeof(tmp); i++) {
        const char *cyr = NULL;
        if (left > 0 && out[i] == 'a')
            cyr = "\xd0\xb0";
        else if (left > 0 && out[i] == 'o')
            cyr = "\xd0\xbe";
        else if (left > 0 && out[i] == 'e')
            cyr = "\xd0\xb5";
        if (cyr) {
            memcpy(tmp + t, cyr, 2);
            t += 2;
            left--;
        } else {
            tmp[t++] = out[i];
        }
    }
    tmp[t] = '\0';
    memcpy(out, tmp, t + 1);
}

void vg__sim_names(uint64_t seed, uint32_t account, int32_t persona, unsigned incarnation, int lang,
                   char handle[SIM_HANDLE_MAX], char name[SIM_NAME_MAX])
{
    struct name_state s;
    if (persona >= 0) {
        base_state(&s, seed, (uint64_t)persona | (1ull << 40), lang, 1);
        for (unsigned k = 1; k <= incarnation; k++)
            mutate(&s, seed, (uint64_t)persona, k);
    } else {
        base_state(&s, seed, account, lang, 0);
    }
    make_handle(&s, handle);
    make_name(&s, name);
}
