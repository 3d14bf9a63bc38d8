/* SPDX-License-Identifier: Apache-2.0 */
/*
 * detect_stopwords.c: function words (English, French, Arabic) left out of the text the
 * classifier's features are built from, in training and in scoring alike.
 *
 * Why: the only French negatives (and many English and Arabic ones) come from the MLMA
 * hate-speech set, whose texts were published with their stop words removed. Trained on raw
 * text, the model learned that "its", "from" or "le" are signs of propaganda (measured with
 * `vigie explain`); without MLMA in training, every French post looked like propaganda because
 * French negatives were gone. Dropping function words everywhere removes the artefact and keeps
 * the data. The lists are short on purpose: only words that carry no topic.
 *
 * The words are written naturally and normalised at first use with vg_text_normalize, so they
 * match normalised post text (case, accents, Arabic letter forms).
 */
#include <pthread.h>
#include <string.h>

#include "detect_int.h"

static const char *const words[] = {
    /* English */
    "a",
    "an",
    "the",
    "and",
    "or",
    "but",
    "if",
    "of",
    "to",
    "in",
    "on",
    "at",
    "by",
    "for",
    "from",
    "with",
    "about",
    "as",
    "into",
    "over",
    "after",
    "before",
    "up",
    "down",
    "out",
    "off",
    "than",
    "then",
    "so",
    "too",
    "very",
    "just",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "am",
    "do",
    "does",
    "did",
    "have",
    "has",
    "had",
    "i",
    "me",
    "my",
    "we",
    "our",
    "you",
    "your",
    "he",
    "him",
    "his",
    "she",
    "her",
    "it",
    "its",
    "they",
    "them",
    "their",
    "this",
    "that",
    "these",
    "those",
    "there",
    "here",
    "what",
    "which",
    "who",
    "whom",
    "when",
    "where",
    "why",
    "how",
    "all",
    "any",
    "some",
    "no",
    "not",
    "only",
    "own",
    "same",
    "such",
    "can",
    "will",
    "would",
    "should",
    "could",
    "may",
    "might",
    "must",
    "shall",
    "s",
    "t",
    "don",
    "im",
    "it's",
    /* French */
    "le",
    "la",
    "les",
    "l",
    "un",
    "une",
    "des",
    "du",
    "de",
    "d",
    "et",
    "ou",
    "mais",
    "donc",
    "or",
    "ni",
    "car",
    "que",
    "qu",
    "qui",
    "quoi",
    "dont",
    "ce",
    "cet",
    "cette",
    "ces",
    "c",
    "se",
    "sa",
    "son",
    "ses",
    "leur",
    "leurs",
    "mon",
    "ma",
    "mes",
    "ton",
    "ta",
    "tes",
    "notre",
    "nos",
    "votre",
    "vos",
    "je",
    "j",
    "tu",
    "il",
    "elle",
    "on",
    "nous",
    "vous",
    "ils",
    "elles",
    "me",
    "m",
    "te",
    "lui",
    "y",
    "en",
    "au",
    "aux",
    "dans",
    "par",
    "pour",
    "sur",
    "avec",
    "sans",
    "sous",
    "chez",
    "est",
    "sont",
    "été",
    "être",
    "a",
    "ai",
    "as",
    "ont",
    "avait",
    "ne",
    "n",
    "pas",
    "plus",
    "très",
    "aussi",
    "comme",
    "si",
    "tout",
    "tous",
    "toute",
    "toutes",
    /* Arabic */
    "في",
    "من",
    "إلى",
    "على",
    "عن",
    "مع",
    "هذا",
    "هذه",
    "ذلك",
    "تلك",
    "هو",
    "هي",
    "هم",
    "أنا",
    "نحن",
    "أنت",
    "أنتم",
    "التي",
    "الذي",
    "الذين",
    "ما",
    "ماذا",
    "لا",
    "لم",
    "لن",
    "قد",
    "كان",
    "كانت",
    "يكون",
    "ثم",
    "أو",
    "أم",
    "بل",
    "إن",
    "أن",
    "لكن",
    "كل",
    "بعض",
    "عند",
    "كما",
    "إذا",
    "حتى",
    "بين",
    "و",
    "ف",
    "ب",
    "ل",
    "يا",
    "هل",
    "وهو",
    "وهي",
    "ولا",
    "وقد",
    "فيه",
    "فيها",
    "منه",
    "منها",
    "عليه",
    "عليها",
    "له",
    "لها",
    "به",
    "بها",
    "هناك",
    "هنا",
    "أي",
    "اي",
};

#define SET_BITS 11 /* 2048 slots for ~280 words: short probe chains */

static struct {
    char *word[1u << SET_BITS];
    uint32_t len[1u << SET_BITS];
    int ready;
    vg_status rc;
} set;

static pthread_once_t once = PTHREAD_ONCE_INIT;

static uint32_t slot_of(const char *s, size_t len)
{
    return (uint32_t)(vg_hash64(s, len, 0x73746f70ull) & ((1u << SET_BITS) - 1));
}

static void build(void)
{
    for (size_t i = 0; i < VG_ARRAY_LEN(words); i++) {
        char *norm = NULL;
        size_t len = 0;
        if (vg_text_normalize(words[i], strlen(words[i]), &norm, &len) != VG_OK) {
            set.rc = VG_ENOMEM;
            return;
        }
        uint32_t k = slot_of(norm, len);
        while (set.word[k] && (set.len[k] != len || memcmp(set.word[k], norm, len)))
            k = (k + 1) & ((1u << SET_BITS) - 1);
        if (set.word[k]) {
            vg_free(norm); /* the same word in two languages ("a", "on", "me") */
            continue;
        }
        set.word[k] = norm;
        set.len[k] = (uint32_t)len;
    }
    set.ready = 1;
}

int vg__is_stopword(const char *s, size_t len)
{
    pthread_once(&once, build);
    if (!set.ready)
        return 0;
    for (uint32_t k = slot_of(s, len); set.word[k]; k = (k + 1) & ((1u << SET_BITS) - 1))
        if (set.len[k] == len && !memcmp(set.word[k], s, len))
            return 1;
    return 0;
}

/* Punctuation that may cling to a word in normalised text ("jail." "(the"). */
static int edge_punct(char c)
{
    return c && strchr(".,;:!?\"'()[]{}…«»-", c) != NULL;
}

vg_status vg__strip_stopwords(const char *norm, struct vg_buf *out)
{
    pthread_once(&once, build);
    if (!set.ready)
        return set.rc ? set.rc : VG_ENOMEM;
    vg_buf_reset(out);
    vg_status rc = vg_buf_reserve(out, strlen(norm));
    if (rc == VG_OK)
        out->data[0] = '\0'; /* callers read a string even when nothing is left */
    const char *p = norm;
    while (rc == VG_OK && *p) {
        size_t sp = strspn(p, " \n\t");
        p += sp;
        size_t n = strcspn(p, " \n\t");
        if (!n)
            break;
        size_t a = 0, b = n;
        while (a < b && edge_punct(p[a]))
            a++;
        while (b > a && edge_punct(p[b - 1]))
            b--;
        if (b == a || !vg__is_stopword(p + a, b - a)) {
            if (out->len)
                rc = vg_buf_putc(out, ' ');
            if (rc == VG_OK)
                rc = vg_buf_append(out, p, n);
        }
        p += n;
    }
    return rc;
}
