/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_detect_patterns.c: unit tests of the pattern sets (src/detect/detect_patterns.c and its
 * table): the EU TCO Art. 2(7) categories (a)-(e), the violent-threat score and the Art. 1(3)
 * exemption cues, each with invented positives in Arabic, French and English and near misses
 * that must not fire; that patterns match the normalised form (Arabic diacritics and hamza
 * forms, French accents, case); hit spans; the pattern syntax on small tables of our own; the
 * token window on long texts; and allocation failures. Every example is invented; people are
 * roles or placeholder names ("Mayor Jane Placeholder").
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "detect_patterns_int.h"

/* ---- helpers --------------------------------------------------------------------------------- */

/* Normalise text as the pipeline does, run the built-in sets; returns the normalised text
 * (caller frees with vg_free) so that spans can be checked. */
static char *run(const char *text, struct vg_pattern_result *r)
{
    char *norm = NULL;
    size_t len = 0;
    assert_int_equal(vg_text_normalize(text, strlen(text), &norm, &len), VG_OK);
    assert_int_equal(vg__patterns_match(norm, len, NULL, r), VG_OK);
    return norm;
}

static const struct vg_pattern_hit *find_hit(const struct vg_pattern_result *r, const char *id)
{
    for (size_t i = 0; i < r->n_hits; i++)
        if (strcmp(r->hits[i].pattern, id) == 0)
            return &r->hits[i];
    return NULL;
}

static void print_result(const char *text, const char *norm, const struct vg_pattern_result *r)
{
    printf("  text: %s\n  categories %#x exempt %#x threat %.3f target %d\n", text, r->categories,
           r->exempt, r->threat, r->threat_target);
    for (size_t i = 0; i < r->n_hits; i++)
        printf("  hit %s %s \"%.*s\"\n", r->hits[i].set, r->hits[i].pattern, (int)r->hits[i].len,
               norm + r->hits[i].start);
}

/* A positive: the category bit is set and pattern `id` hit exactly the text `span` (normalised
 * form; NULL to skip the span check). */
struct pos {
    const char *text;
    const char *id;
    const char *span;
};

static void expect_category(enum vg_tco_category c, const struct pos *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct vg_pattern_result r;
        char *norm = run(cases[i].text, &r);
        const struct vg_pattern_hit *h = find_hit(&r, cases[i].id);
        int ok = (r.categories & (1u << c)) && h &&
                 strcmp(h->set, vg__pattern_set_name((enum vg__pattern_set)c)) == 0 &&
                 (!cases[i].span || (h->len == strlen(cases[i].span) &&
                                     memcmp(norm + h->start, cases[i].span, h->len) == 0));
        if (!ok) {
            printf("expected (%c) %s via %s\n", vg__tco_letter(c), vg__tco_name(c), cases[i].id);
            print_result(cases[i].text, norm, &r);
        }
        vg_free(norm);
        assert_true(ok);
    }
}

/* A near miss: none of the bits in `cats` is set. */
static void expect_not(unsigned cats, const char *const *texts, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct vg_pattern_result r;
        char *norm = run(texts[i], &r);
        if (r.categories & cats) {
            printf("unexpected category bits %#x\n", r.categories & cats);
            print_result(texts[i], norm, &r);
        }
        vg_free(norm);
        assert_int_equal(r.categories & cats, 0);
    }
}

#define ALL_TCO ((1u << VG_TCO__COUNT) - 1)

/* ---- names and the table --------------------------------------------------------------------- */

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(vg__tco_name(VG_TCO_INCITEMENT), "incitement");
    assert_string_equal(vg__tco_name(VG_TCO_SOLICIT_COMMIT), "solicitation_commit");
    assert_string_equal(vg__tco_name(VG_TCO_SOLICIT_JOIN), "solicitation_join");
    assert_string_equal(vg__tco_name(VG_TCO_INSTRUCTION), "instruction");
    assert_string_equal(vg__tco_name(VG_TCO_THREAT), "threat");
    assert_string_equal(vg__tco_name(VG_TCO__COUNT), "unknown");
    const char letters[] = "abcde";
    for (int c = 0; c < VG_TCO__COUNT; c++)
        assert_int_equal(vg__tco_letter((enum vg_tco_category)c), letters[c]);
    assert_int_equal(vg__tco_letter(VG_TCO__COUNT), '?');
    assert_string_equal(vg__pattern_set_name(VG__PS_INCITEMENT), "tco:incitement");
    assert_string_equal(vg__pattern_set_name(VG__PS_THREAT_INTENT), "threat");
    assert_string_equal(vg__pattern_set_name(VG__PS_EXEMPT_COUNTER), "exempt:counter");
    assert_string_equal(vg__pattern_set_name(VG__PS__COUNT), "unknown");
}

/*
 * The table compiles; ids are unique and start with their language; weights are where they
 * belong; every set has patterns in Arabic, French and English (the TCO and exemption sets at
 * least three each).
 */
static void test_table_shape(void **state)
{
    (void)state;
    struct vg__patterns *p = NULL;
    assert_int_equal(vg__patterns_compile(vg__pattern_table, vg__pattern_table_len, &p), VG_OK);
    assert_int_equal(vg__patterns_count(p), vg__pattern_table_len);
    vg__patterns_free(p);

    static const char *const langs[] = { "ar", "fr", "en" };
    size_t count[VG__PS__COUNT][3] = { { 0 } };
    for (size_t i = 0; i < vg__pattern_table_len; i++) {
        const struct vg__pattern_def *d = &vg__pattern_table[i];
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(d->id, vg__pattern_table[j].id);
        size_t ll = strlen(d->lang);
        assert_int_equal(strncmp(d->id, d->lang, ll), 0);
        assert_int_equal(d->id[ll], '.');
        int threat = d->set >= VG__PS_THREAT_INTENT && d->set <= VG__PS_THREAT_SOFTENER;
        if (threat) {
            assert_true(d->weight > 0.0f && d->weight <= 1.0f);
        } else {
            assert_true(d->weight == 0.0f);
        }
        if (d->set == VG__PS_THREAT_INTENT)
            assert_true(d->target >= 0.0f && d->target <= 1.0f);
        else
            assert_true(d->target == 0.0f);
        for (size_t l = 0; l < 3; l++)
            if (strcmp(d->lang, langs[l]) == 0)
                count[d->set][l]++;
    }
    for (int s = 0; s < VG__PS__COUNT; s++) {
        int threat = s >= VG__PS_THREAT_INTENT && s <= VG__PS_THREAT_SOFTENER;
        for (size_t l = 0; l < 3; l++) {
            if (count[s][l] < (threat ? 1u : 3u))
                printf("set %s has %zu patterns in %s\n", vg__pattern_set_name(s), count[s][l],
                       langs[l]);
            assert_true(count[s][l] >= (threat ? 1u : 3u));
        }
    }
}

/* ---- (a) incitement, glorification ----------------------------------------------------------- */

static void test_incitement(void **state)
{
    (void)state;
    static const struct pos cases[] = {
        { "May Allah accept him as a martyr, what a hero", "en.glorify.accept_martyr",
          "may allah accept him as a martyr" },
        { "Another blessed raid by the lions of the caliphate!", "en.glorify.blessed_raid",
          "blessed raid" },
        { "Another blessed raid by the lions of the caliphate!", "en.glorify.soldiers_caliphate",
          "lions of the caliphate" },
        { "the martyrdom operation shook them", "en.glorify.martyrdom_operation",
          "martyrdom operation" },
        { "Remaining and expanding, by the will of God", "en.glorify.remaining_expanding", NULL },
        { "Qu'Allah l'accepte parmi les martyrs", "fr.glorify.accepte_martyr",
          "allah l'accepte parmi les martyrs" },
        { "Gloire aux moudjahidines !", "fr.glorify.gloire_moudjahidines",
          "gloire aux moudjahidines" },
        { "Une opération bénie contre les croisés", "fr.glorify.operation_benie",
          "operation benie" },
        { "نسأل الله أن يتقبله في الشهداء", "ar.glorify.nasal_yataqabbalah",
          "نسال الله ان يتقبله" },
        { "عملية استشهادية مباركة في قلب العدو", "ar.glorify.istishhadiya", "عمليه استشهاديه" },
        { "الدولة باقية وتتمدد", "ar.glorify.baqiya", "باقيه وتتمدد" },
        { "تحية لأسود الخلافة", "ar.glorify.jund_khilafa", "لاسود الخلافه" },
    };
    expect_category(VG_TCO_INCITEMENT, cases, VG_ARRAY_LEN(cases));
    static const char *const misses[] = {
        "A suicide attack hit the market this morning, the BBC says",
        "Gloire aux martyrs de l'indépendance, vive l'Algérie",
        "The lone ranger rides again tonight on channel four",
        "رحمه الله وغفر له وأسكنه فسيح جناته",
        "Nos pensées vont aux familles, que Dieu les accueille",
        "I hate Mondays and I hate this weather",
        "تمت العملية الجراحية بنجاح والحمد لله",
    };
    expect_not(1u << VG_TCO_INCITEMENT, misses, VG_ARRAY_LEN(misses));
}

/* ---- (b) solicitation to commit or contribute ------------------------------------------------ */

static void test_solicit_commit(void **state)
{
    (void)state;
    static const struct pos cases[] = {
        { "Kill them wherever you find them, O muwahhidin", "en.commit.kill_them_wherever",
          "kill them wherever you find them" },
        { "Donate to the mujahideen today, every dollar counts", "en.commit.fund",
          "donate to the mujahideen" },
        { "If you can't make hijrah, attack the kuffar in their homes", "en.commit.in_their_homes",
          "attack the kuffar in their homes" },
        { "Tuez-les où que vous les trouviez", "fr.commit.tuez_les_ou",
          "tuez-les ou que vous les trouviez" },
        { "Financez les moudjahidines, mes frères", "fr.commit.financez",
          "financez les moudjahidines" },
        { "Si tu ne peux pas faire la hijra, frappe-les chez eux", "fr.commit.sans_hijra", NULL },
        { "فاقتلوا المشركين حيث وجدتموهم", "ar.commit.uqtuluhum_haythu",
          "فاقتلوا المشركين حيث وجدتموهم" },
        { "من جهز غازيا فقد غزا، جهزوا غازيا اليوم", "ar.commit.tajhiz_ghazi", "جهز غازيا" },
        { "يا أهل التوحيد اذبحوا أعداء الله", "ar.commit.ya_muwahhid", NULL },
    };
    expect_category(VG_TCO_SOLICIT_COMMIT, cases, VG_ARRAY_LEN(cases));
    static const char *const misses[] = {
        "Kill the lights when you leave the office please",
        "Financez votre projet immobilier avec notre banque",
        "اضربوا عن العمل غدا حتى تتحقق المطالب",
        "Workers will strike tomorrow for better wages",
        "Rise up and vote, the election is on Sunday",
        "The striker will attack the goal in the second half",
    };
    expect_not(1u << VG_TCO_SOLICIT_COMMIT, misses, VG_ARRAY_LEN(misses));
}

/* ---- (c) solicitation to join, recruitment --------------------------------------------------- */

static void test_solicit_join(void **state)
{
    (void)state;
    static const struct pos cases[] = {
        { "Make hijrah to the khilafah, brothers", "en.join.hijrah", "hijrah to the khilafah" },
        { "Join the caravan before it is too late", "en.join.caravan", "join the caravan" },
        { "Pledge bay'ah and be among them", "en.join.bayah", "pledge bay'ah" },
        { "Rejoignez les rangs du califat", "fr.join.rejoignez_rangs",
          "rejoignez les rangs du califat" },
        { "Faites la hijra vers le Cham", "fr.join.hijra", "faites la hijra vers le cham" },
        { "Prêtez la bay'a au calife", "fr.join.preter_baya", "pretez la bay'a" },
        { "انفروا خفافا وثقالا", "ar.join.infiru", "انفروا" },
        { "نجدد البيعة لخليفة المسلمين", "ar.join.bayah", "نجدد البيعه لخليفه" },
        { "الحقوا بقافلة المجاهدين", "ar.join.ilhaq", "الحقوا بقافله المجاهدين" },
    };
    expect_category(VG_TCO_SOLICIT_JOIN, cases, VG_ARRAY_LEN(cases));
    static const char *const misses[] = {
        "Join the ranks of our volunteers at the food bank",
        "Rejoignez les rangs de notre association sportive",
        "ذكرى البيعة الثامنة عشرة للملك",
        "هاجر جدي إلى ولاية ميشيغان في السبعينات",
        "يجب اللحاق بالركب في مجال التعليم",
        "We made our hijrah to Cairo to study Arabic",
    };
    expect_not(1u << VG_TCO_SOLICIT_JOIN, misses, VG_ARRAY_LEN(misses));
}

/* ---- (d) instruction ------------------------------------------------------------------------- */

static void test_instruction(void **state)
{
    (void)state;
    static const struct pos cases[] = {
        { "How to make a pipe bomb, step by step", "en.instr.make_device",
          "how to make a pipe bomb" },
        { "Rent a truck and drive it into the crowd", "en.instr.choose_truck",
          "rent a truck and drive it into the crowd" },
        { "the best knife for killing is a short one", "en.instr.best_knife",
          "best knife for killing" },
        { "Comment fabriquer une ceinture explosive", "fr.instr.engin",
          "comment fabriquer une ceinture explosive" },
        { "Foncez dans la foule avec un camion", "fr.instr.foncer_foule", "foncez dans la foule" },
        { "طريقة صنع عبوة ناسفة في المنزل", "ar.instr.how_make", "طريقه صنع عبوه" },
        { "دروس التفخيخ للمبتدئين", "ar.instr.tafkhikh", "دروس التفخيخ" },
    };
    expect_category(VG_TCO_INSTRUCTION, cases, VG_ARRAY_LEN(cases));
    static const char *const misses[] = {
        "How to make a bath bomb with lavender",
        "This cake is the bomb",
        "How to get explosive growth on your channel",
        "Comment faire une bombe de bain maison",
        "طريقة تحضير قنبلة الشوكولاتة الساخنة",
        "اشتريت عبوة ماء صغيرة",
        "A truck drove into the crowd, police said",
        "Use a pressure cooker for the beans, ready in 20 minutes",
    };
    expect_not(1u << VG_TCO_INSTRUCTION, misses, VG_ARRAY_LEN(misses));
}

/* ---- (e) threat to commit a terrorist offence ------------------------------------------------ */

static void test_tco_threat(void **state)
{
    (void)state;
    static const struct pos cases[] = {
        { "We will strike you in your homes", "en.tco_threat.strike_homes",
          "we will strike you in your homes" },
        { "O crusaders, you will never be safe", "en.tco_threat.o_crusaders", NULL },
        { "We will conquer your Rome", "en.tco_threat.conquer_rome", "conquer your rome" },
        { "Nous vous frapperons chez vous", "fr.tco_threat.chez_vous",
          "nous vous frapperons chez vous" },
        { "Vous ne serez jamais en sécurité", "fr.tco_threat.jamais_securite",
          "vous ne serez jamais en securite" },
        { "سنأتيكم بالذبح", "ar.tco_threat.jinakum_bidhabh", "سناتيكم بالذبح" },
        { "لن تنعموا بالأمن", "ar.tco_threat.lan_tanamu", "لن تنعموا بالامن" },
    };
    expect_category(VG_TCO_THREAT, cases, VG_ARRAY_LEN(cases));
    static const char *const misses[] = {
        "We will strike tomorrow for better wages",
        "Nous allons attaquer le problème à la racine",
        "سنفتح فرعا جديدا في باريس",
        "They conquered Rome in the last game of the campaign",
    };
    expect_not(1u << VG_TCO_THREAT, misses, VG_ARRAY_LEN(misses));
}

/* Hate speech without terrorism, gaming and everyday talk fire no category at all. */
static void test_no_category(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "I hate people from that town, they are all idiots",
        "Je déteste ces gens, ils sont insupportables",
        "أكره هؤلاء الناس كثيرا",
        "We raided the boss three times last night, gg",
        "Kill the heat and let the sauce rest for five minutes",
        "Ce match était une tuerie, quelle ambiance",
        "",
    };
    expect_not(ALL_TCO, texts, VG_ARRAY_LEN(texts));
}

/* ---- threats against people ------------------------------------------------------------------ */

struct threat_case {
    const char *text;
    double lo, hi; /* expected range of the score */
    int target;
};

static void expect_threats(const struct threat_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct vg_pattern_result r;
        char *norm = run(cases[i].text, &r);
        int ok = r.threat >= cases[i].lo && r.threat <= cases[i].hi &&
                 r.threat_target == cases[i].target;
        if (!ok) {
            printf("expected threat in [%.2f, %.2f], target %d\n", cases[i].lo, cases[i].hi,
                   cases[i].target);
            print_result(cases[i].text, norm, &r);
        }
        vg_free(norm);
        assert_true(ok);
    }
}

/* What gets escalated (TCO Art. 14(5)): intent + identifiable target, more with time/place. */
static void test_threat_high(void **state)
{
    (void)state;
    static const struct threat_case cases[] = {
        { "I will kill you tomorrow at your office", 0.9, 1.0, 1 },
        { "I'm going to kill the minister tonight", 0.6, 0.7, 1 },
        { "@mod_team you will die tonight", 0.7, 1.0, 1 },
        { "We know where you live, journalist. Your days are numbered", 0.6, 1.0, 1 },
        { "Je vais te tuer demain à ton bureau", 0.9, 1.0, 1 },
        { "On va égorger le maire ce soir", 0.55, 0.7, 1 },
        { "Ton sang est halal, sale traître", 0.7, 0.8, 1 },
        { "والله سأقتلك غداً أمام بيتك", 0.9, 1.0, 1 },
        { "سنقتل الوزير الليلة", 0.6, 0.7, 1 },
        { "دمك مهدور أيها الصحفي", 0.7, 0.8, 1 },
    };
    expect_threats(cases, VG_ARRAY_LEN(cases));
}

/* Wishes, calls about a third person, threats without a target: a middle or low score. */
static void test_threat_middle(void **state)
{
    (void)state;
    static const struct threat_case cases[] = {
        { "Mayor Jane Placeholder must die", 0.35, 0.5, 1 },
        { "I will kill him", 0.35, 0.5, 0 },
        { "Death to the president", 0.3, 0.45, 1 },
        { "Il faut buter ce juge", 0.35, 0.5, 1 },
        { "الموت للخونة", 0.1, 0.2, 0 },
        { "I'm going to kill", 0.15, 0.2, 0 },
    };
    expect_threats(cases, VG_ARRAY_LEN(cases));
}

/*
 * Near misses: sport trash talk scores at most low (decided: below 0.2, kept above 0 so an
 * analyst can still search for it), games, idioms, cooking, messages and Eid score near 0.
 */
static void test_threat_near_misses(void **state)
{
    (void)state;
    static const struct threat_case cases[] = {
        { "We will destroy you tomorrow in the final!", 0.0, 0.2, 1 },
        { "On va vous massacrer samedi au stade mdr", 0.0, 0.2, 1 },
        { "سنسحقكم في المباراة النهائية غدا", 0.0, 0.0, 0 },
        { "I'm gonna kill you next round lol", 0.0, 0.2, 1 },
        { "t'es mort au prochain round de Fortnite", 0.0, 0.25, 1 },
        { "I'll shoot you a message tomorrow", 0.0, 0.05, 1 },
        { "Kill the heat and let it rest", 0.0, 0.0, 0 },
        { "I'm going to kill this exam tomorrow", 0.0, 0.05, 0 },
        { "this workout is killing me", 0.0, 0.0, 0 },
        { "Vous allez mourir de rire avec ce film", 0.0, 0.1, 1 },
        { "Je vais tuer le temps en lisant", 0.0, 0.05, 0 },
        { "اذبحوا الأضاحي بعد صلاة العيد", 0.0, 0.05, 0 },
        { "سنحرق الدهون في النادي غدا", 0.0, 0.05, 0 },
        { "I hate you and your stupid opinions", 0.0, 0.0, 0 },
        { "Every soul will taste death, you will die too one day", 0.0, 0.2, 1 },
    };
    expect_threats(cases, VG_ARRAY_LEN(cases));
}

/* The documented formula, on exact values, and its monotonicity. */
static void test_threat_formula(void **state)
{
    (void)state;
    struct vg_pattern_result r;
    char *n = run("i will kill you", &r);
    /* en.threat.kill_you: I = 0.85 with its own target T = 1, no time/place, no softener. */
    double want = 0.85 * (VG__THREAT_BASE + VG__THREAT_TARGET);
    assert_true(r.threat > want - 1e-6 && r.threat < want + 1e-6);
    vg_free(n);
    n = run("i will kill you tomorrow", &r);
    want = 0.85 * (VG__THREAT_BASE + VG__THREAT_TARGET + VG__THREAT_IMMINENCE);
    assert_true(r.threat > want - 1e-6 && r.threat < want + 1e-6);
    vg_free(n);
    n = run("i will kill you tomorrow lol", &r); /* en.soft.laugh takes half */
    assert_true(r.threat > want * 0.5 - 1e-6 && r.threat < want * 0.5 + 1e-6);
    vg_free(n);
    /* A time without a target adds nothing: it only makes a threat against someone concrete. */
    n = run("i will kill tomorrow", &r);
    want = 0.6 * VG__THREAT_BASE;
    assert_true(r.threat > want - 1e-6 && r.threat < want + 1e-6);
    assert_int_equal(r.threat_target, 0);
    vg_free(n);
    /* A target far from the intent does not count. */
    n = run("the minister spoke at length about roads bridges schools hospitals and taxes "
            "yesterday evening. i will kill",
            &r);
    assert_true(r.threat > 0.6 * VG__THREAT_BASE - 1e-6 && r.threat < 0.6 * VG__THREAT_BASE + 1e-6);
    assert_int_equal(r.threat_target, 0);
    assert_null(find_hit(&r, "en.target.role"));
    vg_free(n);
    /* No intent: no threat and no target, whatever else is there. */
    n = run("the minister will visit your office tomorrow", &r);
    assert_true(r.threat == 0.0);
    assert_int_equal(r.threat_target, 0);
    assert_int_equal(r.n_hits, 0);
    vg_free(n);
}

/* ---- exemption cues -------------------------------------------------------------------------- */

struct exempt_case {
    const char *text;
    unsigned bits;
    const char *id;
};

static void expect_exempt(const struct exempt_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct vg_pattern_result r;
        char *norm = run(cases[i].text, &r);
        int ok = (r.exempt & cases[i].bits) == cases[i].bits && find_hit(&r, cases[i].id);
        if (!ok) {
            printf("expected exempt %#x via %s\n", cases[i].bits, cases[i].id);
            print_result(cases[i].text, norm, &r);
        }
        vg_free(norm);
        assert_true(ok);
    }
}

static void test_exempt_news(void **state)
{
    (void)state;
    static const struct exempt_case cases[] = {
        { "According to police, the suspect was arrested near the station", VG_EXEMPT_NEWS,
          "en.news.according_to" },
        { "Breaking: gunman detained after the attack", VG_EXEMPT_NEWS, "en.news.breaking" },
        { "Officials said the attacker acted alone", VG_EXEMPT_NEWS, "en.news.said" },
        { "Selon la préfecture, l'assaillant a été interpellé", VG_EXEMPT_NEWS, "fr.news.selon" },
        { "Le procureur a déclaré que l'enquête continue", VG_EXEMPT_NEWS, "fr.news.a_declare" },
        { "أفادت وكالة الأنباء بأن الشرطة اعتقلت المشتبه به", VG_EXEMPT_NEWS, "ar.news.afadat" },
        { "قالت الشرطة إن المهاجم تصرف بمفرده بحسب مصادر", VG_EXEMPT_NEWS, "ar.news.qalat_shurta" },
    };
    expect_exempt(cases, VG_ARRAY_LEN(cases));
}

static void test_exempt_research(void **state)
{
    (void)state;
    static const struct exempt_case cases[] = {
        { "Researchers published an analysis of extremist channels", VG_EXEMPT_RESEARCH,
          "en.research.people" },
        { "A new study of online radicalisation", VG_EXEMPT_RESEARCH, "en.research.study_of" },
        { "Une étude sur la radicalisation en ligne", VG_EXEMPT_RESEARCH, "fr.research.etude" },
        { "Les chercheurs du laboratoire ont présenté leurs résultats", VG_EXEMPT_RESEARCH,
          "fr.research.people" },
        { "دراسة جديدة عن التطرف على الإنترنت", VG_EXEMPT_RESEARCH, "ar.research.dirasa" },
    };
    expect_exempt(cases, VG_ARRAY_LEN(cases));
}

static void test_exempt_counter(void **state)
{
    (void)state;
    static const struct exempt_case cases[] = {
        { "We condemn this attack. Terrorism has no religion.", VG_EXEMPT_COUNTER,
          "en.counter.no_religion" },
        { "Not in my name. Thoughts with the victims.", VG_EXEMPT_COUNTER,
          "en.counter.not_in_my_name" },
        { "These terrorists do not represent Islam", VG_EXEMPT_COUNTER, "en.counter.terrorists" },
        { "Je condamne cet attentat lâche, pas en mon nom", VG_EXEMPT_COUNTER,
          "fr.counter.condamne" },
        { "Ces terroristes ne représentent pas l'islam", VG_EXEMPT_COUNTER,
          "fr.counter.representent_pas" },
        { "ندين هذا الهجوم الإرهابي الجبان", VG_EXEMPT_COUNTER, "ar.counter.nadeen" },
        { "الإرهاب لا دين له", VG_EXEMPT_COUNTER, "ar.counter.la_din" },
    };
    expect_exempt(cases, VG_ARRAY_LEN(cases));
}

/* Exemption cues never delete a category: the caller sees both and decides (human review). */
static void test_exempt_keeps_categories(void **state)
{
    (void)state;
    struct vg_pattern_result r;
    char *n = run("The police said the attacker shouted that he was a lone wolf", &r);
    assert_true(r.exempt & VG_EXEMPT_NEWS);
    assert_true(r.categories & (1u << VG_TCO_INCITEMENT));
    assert_non_null(find_hit(&r, "en.news.said"));
    assert_non_null(find_hit(&r, "en.glorify.lone_wolf"));
    vg_free(n);
    n = run("I condemn those who call a suicide bombing a martyrdom operation", &r);
    assert_true(r.exempt & VG_EXEMPT_COUNTER);
    assert_true(r.categories & (1u << VG_TCO_INCITEMENT));
    vg_free(n);
    /* Near misses: opinion is not news, a user report is not reporting. */
    n = run("Selon moi, c'est n'importe quoi. I reported this account.", &r);
    assert_int_equal(r.exempt, 0);
    vg_free(n);
    n = run("Il a été condamné à dix ans de prison", &r);
    assert_int_equal(r.exempt & VG_EXEMPT_COUNTER, 0);
    vg_free(n);
}

/* ---- normalised form, spans, arguments ------------------------------------------------------- */

/*
 * Patterns are written in natural text and normalised at compile time: Arabic with harakat,
 * tatweel, hamza and alef-maqsura variants, ta marbuta or ha, French with or without accents,
 * any case, all fire the same pattern.
 */
static void test_normalised_variants(void **state)
{
    (void)state;
    static const struct pos cases[] = {
        { "نَسْأَلُ اللَّهَ أَنْ يَتَقَبَّلَهُ", "ar.glorify.nasal_yataqabbalah", "نسال الله ان يتقبله" },
        { "نسال الله ان يتقبله", "ar.glorify.nasal_yataqabbalah", "نسال الله ان يتقبله" },
        { "عمليـــة استشهاديـة", "ar.glorify.istishhadiya", "عمليه استشهاديه" },
        { "عمليه استشهاديه", "ar.glorify.istishhadiya", "عمليه استشهاديه" },
        { "إنفروا يا شباب", "ar.join.infiru", "انفروا" },
        { "ٱنفِرُوا", "ar.join.infiru", "انفروا" },
        { "REJOIGNEZ LES RANGS DU CALIFAT", "fr.join.rejoignez_rangs", NULL },
        { "Égorgez les mécréants", "fr.commit.tuez_mecreants", "egorgez les mecreants" },
        { "egorgez les mecreants", "fr.commit.tuez_mecreants", "egorgez les mecreants" },
        { "ＭＡＹ ＡＬＬＡＨ ＡＣＣＥＰＴ ＨＩＭ ＡＳ Ａ ＭＡＲＴＹＲ", "en.glorify.accept_martyr",
          NULL },
        /* Proclitics: wa-, bi-, li- + al (alef dropped). */
        { "وعملية استشهادية أخرى", "ar.glorify.istishhadiya", "وعمليه استشهاديه" },
        { "انضموا للدولة الإسلامية", "ar.join.ilhaq_dawla", "انضموا للدوله الاسلاميه" },
        { "#join_the_caravan", "en.join.caravan", "join_the_caravan" },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        struct vg_pattern_result r;
        char *norm = run(cases[i].text, &r);
        const struct vg_pattern_hit *h = find_hit(&r, cases[i].id);
        int ok = h && (!cases[i].span || (h->len == strlen(cases[i].span) &&
                                          memcmp(norm + h->start, cases[i].span, h->len) == 0));
        if (!ok)
            print_result(cases[i].text, norm, &r);
        vg_free(norm);
        assert_true(ok);
    }
}

/* Spans point at the matched words in text_norm, in byte offsets, with several hits. */
static void test_spans(void **state)
{
    (void)state;
    struct vg_pattern_result r;
    char *n = run("Breaking: I will kill you, Mayor, tomorrow!", &r);
    assert_string_equal(n, "breaking: i will kill you, mayor, tomorrow!");
    const struct vg_pattern_hit *h = find_hit(&r, "en.news.breaking");
    assert_non_null(h);
    assert_int_equal(h->start, 0);
    assert_int_equal(h->len, 8);
    h = find_hit(&r, "en.threat.kill_you");
    assert_non_null(h);
    assert_string_equal(h->set, "threat");
    assert_int_equal(h->start, 10);
    assert_int_equal(h->len, strlen("i will kill you"));
    h = find_hit(&r, "en.target.role");
    assert_non_null(h);
    assert_string_equal(h->set, "threat:target");
    assert_int_equal(h->start, 27);
    assert_int_equal(h->len, 5);
    h = find_hit(&r, "en.when.tomorrow");
    assert_non_null(h);
    assert_string_equal(h->set, "threat:imminence");
    assert_memory_equal(n + h->start, "tomorrow", 8);
    assert_true(r.threat_target);
    vg_free(n);
    /* Arabic: byte offsets of multi-byte text; the mention span excludes '@'. */
    n = run("@user_1 سنأتيكم بالذبح", &r);
    h = find_hit(&r, "ar.tco_threat.jinakum_bidhabh");
    assert_non_null(h);
    assert_int_equal(h->start, 8);
    assert_memory_equal(n + h->start, "سناتيكم بالذبح", h->len);
    assert_int_equal(h->len, strlen("سناتيكم بالذبح"));
    vg_free(n);
}

static void test_arguments(void **state)
{
    (void)state;
    struct vg_pattern_result r;
    memset(&r, 0xAB, sizeof r);
    assert_int_equal(vg__patterns_match(NULL, 0, NULL, &r), VG_OK);
    assert_int_equal(r.categories, 0);
    assert_int_equal(r.n_hits, 0);
    assert_true(r.threat == 0.0);
    assert_int_equal(vg__patterns_match(NULL, 3, NULL, &r), VG_EINVAL);
    assert_int_equal(vg__patterns_match("abc", 3, NULL, NULL), VG_EINVAL);
    /* The language does not change the result: every set runs on every post. */
    const char *t = "join the caravan";
    struct vg_pattern_result a, b;
    assert_int_equal(vg__patterns_match(t, strlen(t), "ar", &a), VG_OK);
    assert_int_equal(vg__patterns_match(t, strlen(t), "en", &b), VG_OK);
    assert_int_equal(a.categories, b.categories);
    assert_int_equal(a.n_hits, b.n_hits);
    /* Only len bytes are read: no NUL needed, and a cut word does not match. */
    assert_int_equal(vg__patterns_match("join the caravanserai", 16, NULL, &a), VG_OK);
    assert_int_equal(a.categories, 1u << VG_TCO_SOLICIT_JOIN);
    assert_int_equal(vg__patterns_match("join the caravanserai", 21, NULL, &a), VG_OK);
    assert_int_equal(a.categories, 0);
    /* Invalid UTF-8 and NUL bytes separate words. */
    static const char bad[] = "join\xff the\0caravan \xc3";
    assert_int_equal(vg__patterns_match(bad, sizeof bad - 1, NULL, &a), VG_OK);
    assert_int_equal(a.categories, 1u << VG_TCO_SOLICIT_JOIN);
}

/* ---- the syntax, on tables of our own -------------------------------------------------------- */

static const struct vg__pattern_def syntax_table[] = {
    { "t.gap", VG__PS_INCITEMENT, "en", 0, 0, "kill * infidels", NULL },
    { "t.gap1", VG__PS_SOLICIT_COMMIT, "en", 0, 0, "go *1 now", NULL },
    { "t.alt", VG__PS_SOLICIT_JOIN, "en", 0, 0, "join|joining the caravan|convoy", NULL },
    { "t.opt", VG__PS_INSTRUCTION, "en", 0, 0, "make a? bomb", NULL },
    { "t.prefix", VG__PS_TCO_THREAT, "fr", 0, 0, "gloire aux moudjahid*", NULL },
    { "t.procl", VG__PS_EXEMPT_NEWS, "ar", 0, 0, "~الدولة ~الإسلامية", NULL },
    { "t.anchor", VG__PS_EXEMPT_RESEARCH, "en", 0, 0, "^breaking", NULL },
    { "t.mention", VG__PS_EXEMPT_COUNTER, "any", 0, 0, "@ is here", NULL },
    { "t.phrase", VG__PS_EXEMPT_COUNTER, "fr", 0, 0, "d'après", NULL },
};

static unsigned syntax_bits(const struct vg__patterns *p, const char *text)
{
    char *norm = NULL;
    size_t len = 0;
    struct vg_pattern_result r;
    assert_int_equal(vg_text_normalize(text, strlen(text), &norm, &len), VG_OK);
    assert_int_equal(vg__patterns_run(p, norm, len, &r), VG_OK);
    vg_free(norm);
    /* TCO bits in the low byte, exemption bits above. */
    return r.categories | (r.exempt << 8);
}

static void test_syntax(void **state)
{
    (void)state;
    struct vg__patterns *p = NULL;
    assert_int_equal(vg__patterns_compile(syntax_table, VG_ARRAY_LEN(syntax_table), &p), VG_OK);
    const unsigned A = 1u << VG_TCO_INCITEMENT, B = 1u << VG_TCO_SOLICIT_COMMIT;
    const unsigned C = 1u << VG_TCO_SOLICIT_JOIN, D = 1u << VG_TCO_INSTRUCTION;
    const unsigned E = 1u << VG_TCO_THREAT, NEWS = VG_EXEMPT_NEWS << 8;
    const unsigned RES = VG_EXEMPT_RESEARCH << 8, CTR = VG_EXEMPT_COUNTER << 8;
    /* Gaps: up to 3 words by default, never across a sentence end; commas do not end one. */
    assert_int_equal(syntax_bits(p, "kill infidels"), A);
    assert_int_equal(syntax_bits(p, "kill all the infidels"), A);
    assert_int_equal(syntax_bits(p, "kill, all of the infidels"), A);
    assert_int_equal(syntax_bits(p, "kill a b c d infidels"), 0);
    assert_int_equal(syntax_bits(p, "kill them. the infidels"), 0);
    assert_int_equal(syntax_bits(p, "kill. infidels"), 0);
    assert_int_equal(syntax_bits(p, "go now"), B);
    assert_int_equal(syntax_bits(p, "go home now"), B);
    assert_int_equal(syntax_bits(p, "go back home now"), 0);
    /* Alternatives; whole words only. */
    assert_int_equal(syntax_bits(p, "joining the convoy"), C);
    assert_int_equal(syntax_bits(p, "join the caravans"), 0);
    assert_int_equal(syntax_bits(p, "rejoin the caravan"), 0);
    /* Optional word; adjacency may cross punctuation, not a gap. */
    assert_int_equal(syntax_bits(p, "make bomb"), D);
    assert_int_equal(syntax_bits(p, "make a bomb"), D);
    assert_int_equal(syntax_bits(p, "make the bomb"), 0);
    assert_int_equal(syntax_bits(p, "make a... bomb"), D);
    /* Prefix. */
    assert_int_equal(syntax_bits(p, "Gloire aux moudjahidines"), E);
    assert_int_equal(syntax_bits(p, "gloire aux moudjahid"), E);
    assert_int_equal(syntax_bits(p, "gloire aux moudja"), 0);
    /* Arabic proclitics, and li + al with the alef dropped. */
    assert_int_equal(syntax_bits(p, "الدولة الإسلامية"), NEWS);
    assert_int_equal(syntax_bits(p, "والدولة الإسلامية"), NEWS);
    assert_int_equal(syntax_bits(p, "بالدولة الإسلامية"), NEWS);
    assert_int_equal(syntax_bits(p, "للدولة الإسلامية"), NEWS);
    assert_int_equal(syntax_bits(p, "دولة إسلامية"), 0);
    assert_int_equal(syntax_bits(p, "مالدولة الإسلامية"), 0);
    /* Anchor: the first word of the text only. */
    assert_int_equal(syntax_bits(p, "BREAKING: news"), RES);
    assert_int_equal(syntax_bits(p, "news breaking"), 0);
    /* Mention: "@handle" (with '_'), not an e-mail address. */
    assert_int_equal(syntax_bits(p, "hey @some_one is here"), CTR);
    assert_int_equal(syntax_bits(p, "mail me@example is here"), 0);
    assert_int_equal(syntax_bits(p, "@ is here"), 0);
    /* A phrase with an apostrophe is split like the text; typographic apostrophes too. */
    assert_int_equal(syntax_bits(p, "D\u2019après nos sources"), CTR);
    assert_int_equal(syntax_bits(p, "d'apres"), CTR);
    vg__patterns_free(p);
}

static void test_syntax_errors(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",     "   ",   "* a",        "a *", "a * * b", "a *0 b",     "a *x b",  "a *10 b",
        "a||b", "a|",    "a|b'c d",    "a?",  "~",       "x* b",       "a ^b",    "^",
        "^ a",  "a ~ b", "kill|l'a b", "a #", "a b#",    "kill, them", "a *3? b", "@b c",
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(bad); i++) {
        struct vg__pattern_def d = { "t.bad", VG__PS_INCITEMENT, "en", 0, 0, bad[i], NULL };
        struct vg__patterns *p = (struct vg__patterns *)&d; /* must be reset to NULL */
        vg_status rc = vg__patterns_compile(&d, 1, &p);
        if (rc != VG_EINVAL)
            printf("pattern \"%s\" compiled (rc %d)\n", bad[i], rc);
        assert_int_equal(rc, VG_EINVAL);
        assert_null(p);
    }
    /* A missing id or an unknown set. */
    struct vg__pattern_def d = { NULL, VG__PS_INCITEMENT, "en", 0, 0, "a", NULL };
    struct vg__patterns *p = NULL;
    assert_int_equal(vg__patterns_compile(&d, 1, &p), VG_EINVAL);
    d.id = "t.set";
    d.set = VG__PS__COUNT;
    assert_int_equal(vg__patterns_compile(&d, 1, &p), VG_EINVAL);
    assert_int_equal(vg__patterns_compile(NULL, 1, &p), VG_EINVAL);
    /* An empty table is valid and matches nothing. */
    assert_int_equal(vg__patterns_compile(NULL, 0, &p), VG_OK);
    struct vg_pattern_result r;
    assert_int_equal(vg__patterns_run(p, "kill", 4, &r), VG_OK);
    assert_int_equal(r.n_hits, 0);
    vg__patterns_free(p);
    vg__patterns_free(NULL);
}

/* ---- long texts: the token window ------------------------------------------------------------ */

/*
 * Text is read through a window of 256 words: a pattern must be found wherever it falls,
 * including across a window boundary, with the right span; filler before and after.
 */
static void test_long_text_window(void **state)
{
    (void)state;
    const char *needle = "kill them wherever you find them";
    size_t nlen = strlen(needle);
    char *buf = malloc(8 * 1024 + 64);
    assert_non_null(buf);
    for (size_t words = 0; words < 700; words += 7) {
        size_t n = 0;
        for (size_t i = 0; i < words; i++) {
            memcpy(buf + n, i % 2 ? "la " : "na ", 3);
            n += 3;
        }
        size_t at = n;
        memcpy(buf + n, needle, nlen);
        n += nlen;
        for (size_t i = 0; i < 300 && n + 4 < 8 * 1024; i++) {
            memcpy(buf + n, " ok", 3);
            n += 3;
        }
        struct vg_pattern_result r;
        assert_int_equal(vg__patterns_match(buf, n, NULL, &r), VG_OK);
        const struct vg_pattern_hit *h = find_hit(&r, "en.commit.kill_them_wherever");
        if (!h)
            printf("not found after %zu words\n", words);
        assert_non_null(h);
        assert_int_equal(h->start, at);
        assert_int_equal(h->len, nlen);
    }
    free(buf);
}

/* Many matches: at most 16 hits, each pattern once, bits still set for later ones. */
static void test_many_hits(void **state)
{
    (void)state;
    char buf[8192];
    size_t n = 0;
    const char *parts[] = {
        "lone wolf ",
        "martyrdom operation ",
        "join the caravan ",
        "pledge bay'ah ",
        "donate to the mujahideen ",
        "we will strike you in your homes ",
        "according to ",
        "researchers ",
        "i condemn ",
        "blessed raid ",
        "nafir ",
        "inghimasi ",
        "remaining and expanding ",
        "day of the rope ",
        "reportedly ",
        "breaking news ",
        "how to make a pipe bomb ",
        "open source jihad ",
        "kill them wherever you find them ",
    };
    for (int rep = 0; rep < 10; rep++)
        for (size_t i = 0; i < VG_ARRAY_LEN(parts); i++) {
            size_t l = strlen(parts[i]);
            memcpy(buf + n, parts[i], l);
            n += l;
        }
    struct vg_pattern_result r;
    assert_int_equal(vg__patterns_match(buf, n, NULL, &r), VG_OK);
    assert_int_equal(r.n_hits, 16);
    assert_int_equal(r.categories, ALL_TCO);
    assert_int_equal(r.exempt, VG_EXEMPT_NEWS | VG_EXEMPT_RESEARCH | VG_EXEMPT_COUNTER);
    for (size_t i = 0; i < r.n_hits; i++)
        for (size_t j = 0; j < i; j++)
            assert_ptr_not_equal(r.hits[i].pattern, r.hits[j].pattern);
}

/* ---- allocation failures and threads --------------------------------------------------------- */

/* Fail each allocation of a compile in turn: VG_ENOMEM, nothing returned, nothing leaked. */
static void test_compile_alloc_failures(void **state)
{
    (void)state;
    const size_t n = 40; /* enough rows to grow every array */
    int succeeded = 0;
    for (uint64_t k = 1; k < 400 && !succeeded; k++) {
        struct vg__patterns *p = NULL;
        vg__alloc_fail_after(k);
        vg_status rc = vg__patterns_compile(vg__pattern_table, n, &p);
        vg__alloc_fail_after(0);
        if (rc == VG_OK) {
            assert_int_equal(vg__patterns_count(p), n);
            succeeded = 1;
        } else {
            assert_int_equal(rc, VG_ENOMEM);
            assert_null(p);
        }
        vg__patterns_free(p);
    }
    assert_true(succeeded);
}

struct thread_arg {
    const char *text;
    unsigned categories;
    int ok;
};

static void *thread_main(void *ud)
{
    struct thread_arg *a = ud;
    a->ok = 1;
    for (int i = 0; i < 2000; i++) {
        struct vg_pattern_result r;
        if (vg__patterns_match(a->text, strlen(a->text), NULL, &r) != VG_OK ||
            r.categories != a->categories)
            a->ok = 0;
    }
    return NULL;
}

/*
 * Concurrent callers share the built-in set. It is compiled by an earlier test on the main
 * thread: compiling normalises the patterns, and the normaliser keeps a per-thread scratch
 * array that is not freed when a thread exits (text_normalize.c), which LeakSanitizer reports.
 */
static void test_threads(void **state)
{
    (void)state;
    struct thread_arg args[4] = {
        { "join the caravan", 1u << VG_TCO_SOLICIT_JOIN, 0 },
        { "lone wolf", 1u << VG_TCO_INCITEMENT, 0 },
        { "انفروا", 1u << VG_TCO_SOLICIT_JOIN, 0 },
        { "hello there", 0, 0 },
    };
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&th[i], NULL, thread_main, &args[i]), 0);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_true(args[i].ok);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_table_shape),
        cmocka_unit_test(test_incitement),
        cmocka_unit_test(test_solicit_commit),
        cmocka_unit_test(test_solicit_join),
        cmocka_unit_test(test_instruction),
        cmocka_unit_test(test_tco_threat),
        cmocka_unit_test(test_no_category),
        cmocka_unit_test(test_threat_high),
        cmocka_unit_test(test_threat_middle),
        cmocka_unit_test(test_threat_near_misses),
        cmocka_unit_test(test_threat_formula),
        cmocka_unit_test(test_exempt_news),
        cmocka_unit_test(test_exempt_research),
        cmocka_unit_test(test_exempt_counter),
        cmocka_unit_test(test_exempt_keeps_categories),
        cmocka_unit_test(test_normalised_variants),
        cmocka_unit_test(test_spans),
        cmocka_unit_test(test_arguments),
        cmocka_unit_test(test_syntax),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_long_text_window),
        cmocka_unit_test(test_many_hits),
        cmocka_unit_test(test_compile_alloc_failures),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
