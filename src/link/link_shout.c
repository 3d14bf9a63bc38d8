/* SPDX-License-Identifier: Apache-2.0 */
/*
 * link_shout.c: shout-out posts. When an account is suspended and comes back, its friends
 * announce the new handle ("new account of @x, follow and share") and the new account often
 * names the old one ("the old one @x was suspended"). A post's text is normalised
 * (vg_text_normalize: case folded, accents removed, Arabic letter forms unified) and searched
 * for the cue phrases below, in English, French and Arabic (with common Arabizi and
 * transliterated spellings). The set is written from how such posts are phrased in general, not
 * from the generator's templates (docs/returns.md lists it and how it was checked).
 *
 * Latin phrases must start and end at word boundaries ("rt" is not "start"); Arabic phrases
 * may carry attached prefixes and suffixes ("وتابعوا"), so they match inside words but are at
 * least three letters long.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "link.h"

struct cue {
    const char *phrase;
    unsigned kind;
};

/* An Arabic cue that must stand as a word of its own: "عاد" (he came back) is inside many
 * unrelated words. Latin cues always must. */
#define WHOLE 0x100u

/* clang-format off */
static const struct cue cues[] = {
    /* A return or a new account. */
    { "new account", VG_SHOUT_RETURN },      { "new acc", VG_SHOUT_RETURN },
    { "new acct", VG_SHOUT_RETURN },         { "new handle", VG_SHOUT_RETURN },
    { "new profile", VG_SHOUT_RETURN },      { "new page", VG_SHOUT_RETURN },
    { "old account", VG_SHOUT_RETURN },      { "old acc", VG_SHOUT_RETURN },
    { "old one", VG_SHOUT_RETURN },          { "previous account", VG_SHOUT_RETURN },
    { "backup account", VG_SHOUT_RETURN },   { "back up account", VG_SHOUT_RETURN },
    { "spare account", VG_SHOUT_RETURN },    { "alt account", VG_SHOUT_RETURN },
    { "was suspended", VG_SHOUT_RETURN },    { "got suspended", VG_SHOUT_RETURN },
    { "been suspended", VG_SHOUT_RETURN },   { "suspended", VG_SHOUT_RETURN },
    { "suspension", VG_SHOUT_RETURN },       { "is back", VG_SHOUT_RETURN },
    { "are back", VG_SHOUT_RETURN },         { "back again", VG_SHOUT_RETURN },
    { "i'm back", VG_SHOUT_RETURN },         { "im back", VG_SHOUT_RETURN },
    { "returned", VG_SHOUT_RETURN },         { "returning", VG_SHOUT_RETURN },
    { "has returned", VG_SHOUT_RETURN },     { "formerly", VG_SHOUT_RETURN },
    { "nouveau compte", VG_SHOUT_RETURN },   { "nouvelle page", VG_SHOUT_RETURN },
    { "ancien compte", VG_SHOUT_RETURN },    { "l'ancien", VG_SHOUT_RETURN },
    { "compte de secours", VG_SHOUT_RETURN },{ "suspendu", VG_SHOUT_RETURN },
    { "suspendue", VG_SHOUT_RETURN },        { "compte ferme", VG_SHOUT_RETURN },
    { "de retour", VG_SHOUT_RETURN },        { "est revenu", VG_SHOUT_RETURN },
    { "revenu", VG_SHOUT_RETURN },           { "anciennement", VG_SHOUT_RETURN },
    { "حساب جديد", VG_SHOUT_RETURN },        { "الحساب الجديد", VG_SHOUT_RETURN },
    { "حسابي الجديد", VG_SHOUT_RETURN },     { "الحساب السابق", VG_SHOUT_RETURN },
    { "الحساب القديم", VG_SHOUT_RETURN },    { "حسابي القديم", VG_SHOUT_RETURN },
    { "حساب احتياطي", VG_SHOUT_RETURN },     { "الحساب البديل", VG_SHOUT_RETURN },
    { "حساب بديل", VG_SHOUT_RETURN },        { "تعليق", VG_SHOUT_RETURN },
    { "تم تعليق", VG_SHOUT_RETURN },         { "علقوا", VG_SHOUT_RETURN },
    { "المعلق", VG_SHOUT_RETURN },           { "عاد الينا", VG_SHOUT_RETURN },
    { "عوده", VG_SHOUT_RETURN },             { "من جديد", VG_SHOUT_RETURN },
    { "عاد", VG_SHOUT_RETURN | WHOLE },      { "رجع", VG_SHOUT_RETURN | WHOLE },
    { "عدنا", VG_SHOUT_RETURN | WHOLE },     { "رجعنا", VG_SHOUT_RETURN | WHOLE },
    { "معرف جديد", VG_SHOUT_RETURN },        { "المعرف الجديد", VG_SHOUT_RETURN },
    { "hesab jadid", VG_SHOUT_RETURN },      { "7esab jdid", VG_SHOUT_RETURN },
    /* Calls to follow and share. */
    { "follow", VG_SHOUT_PROMOTE },          { "follow and share", VG_SHOUT_PROMOTE },
    { "please follow", VG_SHOUT_PROMOTE },   { "pls follow", VG_SHOUT_PROMOTE },
    { "share", VG_SHOUT_PROMOTE },           { "spread", VG_SHOUT_PROMOTE },
    { "support", VG_SHOUT_PROMOTE },         { "shout-out", VG_SHOUT_PROMOTE },
    { "shoutout", VG_SHOUT_PROMOTE },        { "shout out", VG_SHOUT_PROMOTE },
    { "rt", VG_SHOUT_PROMOTE },              { "retweet", VG_SHOUT_PROMOTE },
    { "add him", VG_SHOUT_PROMOTE },         { "add her", VG_SHOUT_PROMOTE },
    { "suivez", VG_SHOUT_PROMOTE },          { "suivre", VG_SHOUT_PROMOTE },
    { "abonnez", VG_SHOUT_PROMOTE },         { "partagez", VG_SHOUT_PROMOTE },
    { "diffusez", VG_SHOUT_PROMOTE },        { "relayez", VG_SHOUT_PROMOTE },
    { "soutenez", VG_SHOUT_PROMOTE },        { "soutien", VG_SHOUT_PROMOTE },
    { "تابعوا", VG_SHOUT_PROMOTE },          { "تابعو", VG_SHOUT_PROMOTE },
    { "متابعه", VG_SHOUT_PROMOTE },          { "انشروا", VG_SHOUT_PROMOTE },
    { "انشرو", VG_SHOUT_PROMOTE },           { "انشر", VG_SHOUT_PROMOTE },
    { "ادعموا", VG_SHOUT_PROMOTE },          { "دعم", VG_SHOUT_PROMOTE },
    { "ساندوا", VG_SHOUT_PROMOTE },          { "ريتويت", VG_SHOUT_PROMOTE },
    { "رتويت", VG_SHOUT_PROMOTE },           { "ضيفوا", VG_SHOUT_PROMOTE },
    /* "Remaining": the slogan of the returners, in its spellings. */
    { "baqiya", VG_SHOUT_BAQIYA },           { "baqiyah", VG_SHOUT_BAQIYA },
    { "baqiyya", VG_SHOUT_BAQIYA },          { "baqiyyah", VG_SHOUT_BAQIYA },
    { "baqia", VG_SHOUT_BAQIYA },            { "ba9iya", VG_SHOUT_BAQIYA },
    { "باقيه", VG_SHOUT_BAQIYA },            { "باقون", VG_SHOUT_BAQIYA },
};
/* clang-format on */

#define N_CUES VG_ARRAY_LEN(cues)

/* The phrases in normalised form, made once: the table is written as people type. */
static char *norm[N_CUES];
static size_t norm_len[N_CUES];
static int norm_arabic[N_CUES];
static pthread_once_t norm_once = PTHREAD_ONCE_INIT;

static void norm_init(void)
{
    for (size_t i = 0; i < N_CUES; i++) {
        char *s = NULL;
        size_t n = 0;
        if (vg_text_normalize(cues[i].phrase, strlen(cues[i].phrase), &s, &n) != VG_OK)
            continue; /* only VG_ENOMEM: that cue is not looked for */
        norm[i] = s;
        norm_len[i] = n;
        norm_arabic[i] = (unsigned char)s[0] >= 0x80;
    }
}

static int latin_letter(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'';
}

/* Does phrase i occur in t (n bytes) where it may? */
static int cue_in(size_t i, const char *t, size_t n)
{
    const char *p = norm[i];
    size_t m = norm_len[i];
    if (!p || !m || m > n)
        return 0;
    for (size_t off = 0; off + m <= n; off++) {
        if (t[off] != p[0] || memcmp(t + off, p, m))
            continue;
        if (norm_arabic[i] && !(cues[i].kind & WHOLE))
            return 1;
        /* For Arabic, any byte of another character ends a word: Arabic letters are all
         * multi-byte, so an ASCII byte (space, punctuation, '@') beside the cue is a boundary. */
        int left = off == 0 || (norm_arabic[i] ? (unsigned char)t[off - 1] < 0x80
                                               : !latin_letter((unsigned char)t[off - 1]));
        int right = off + m == n || (norm_arabic[i] ? (unsigned char)t[off + m] < 0x80
                                                    : !latin_letter((unsigned char)t[off + m]));
        if (left && right)
            return 1;
    }
    return 0;
}

unsigned vg__link_shout_cues(const char *text, size_t len)
{
    pthread_once(&norm_once, norm_init);
    if (!text || !len)
        return 0;
    char *t = NULL;
    size_t n = 0;
    if (vg_text_normalize(text, len, &t, &n) != VG_OK)
        return 0;
    unsigned found = 0;
    for (size_t i = 0; i < N_CUES; i++)
        if (!(found & cues[i].kind & ~WHOLE) && cue_in(i, t, n))
            found |= cues[i].kind & ~WHOLE;
    vg_free(t);
    return found;
}

double vg__link_shout_strength(unsigned cues_found)
{
    double s = 0;
    if (cues_found & VG_SHOUT_RETURN)
        s = 0.8;
    if (cues_found & VG_SHOUT_BAQIYA)
        s = s > 0 ? s + 0.1 : 0.5;
    if (cues_found & VG_SHOUT_PROMOTE)
        s = s > 0 ? s + 0.1 : 0.3;
    return s > 1 ? 1 : s;
}

void vg__link_shout_names(unsigned cues_found, char *buf, size_t cap)
{
    static const char *const names[] = { "return", "promote", "baqiya" };
    size_t o = 0;
    if (cap)
        buf[0] = '\0';
    for (unsigned k = 0; k < 3; k++) {
        if (!(cues_found & (1u << k)))
            continue;
        int w = snprintf(buf + o, cap > o ? cap - o : 0, "%s%s", o ? "," : "", names[k]);
        if (w < 0 || (size_t)w >= cap - o)
            break;
        o += (size_t)w;
    }
}
