/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sim_text_invented.c: the small invented text pool `vigie sim` uses when no data directory is
 * given or found. Every text here was written for this project and is fiction: the movement is
 * an invented "Black Dawn" group, places and people are made up, and no text names a real person.
 * Real posts are never copied into the repository; with --text-from the generator reads them
 * from ../shared/data at run time. "{h}" in a shout-out is replaced by a handle.
 */
#include "sim.h"

/* ---- supporters of the invented movement ---------------------------------------------------- */

static const char *const sup_en[] = {
    "The Black Dawn rises again, brothers. Stay firm and share the new release #BlackDawn",
    "New video from the Dawn media office, spread it before they delete it url",
    "They suspend our accounts but the caravan of the Black Dawn moves on #Baqiya",
    "Join the ranks of the Dawn, the fictional province of Varnak needs you",
    "Our brothers in Varnak stand firm. Victory to the Black Dawn #DawnNews",
    "Read the new issue of the Dawn magazine, link in the bio",
    "The enemies of the Dawn will fall, mark my words #BlackDawn",
    "Pray for the fighters of the Black Dawn tonight",
    NULL,
};
static const char *const sup_fr[] = {
    "L'Aube Noire se lève encore, frères. Partagez la nouvelle vidéo #AubeNoire",
    "Ils ferment nos comptes mais la caravane de l'Aube avance #Baqiya",
    "Rejoignez les rangs de l'Aube Noire, la province imaginaire de Varnak vous attend",
    "Victoire à l'Aube Noire, nos frères tiennent bon à Varnak",
    NULL,
};
static const char *const sup_ar[] = {
    "الفجر الأسود باق ويتمدد يا إخوة انشروا الإصدار الجديد #الفجر_الأسود",
    "يغلقون حساباتنا وقافلة الفجر ماضية #باقية",
    "انضموا إلى صفوف الفجر الأسود في ولاية فارناك",
    "النصر للفجر الأسود والثبات لإخواننا",
    NULL,
};

/* ---- news and talk about the movement ------------------------------------------------------- */

static const char *const news_en[] = {
    "Officials say the Black Dawn group lost ground near the invented town of Varnak",
    "Analysis: how the Black Dawn uses social media to recruit, and what platforms do about it",
    "Report: thousands of accounts linked to the Black Dawn suspended this week",
    "Interview with a researcher on the propaganda of the Black Dawn #BlackDawn",
    "Breaking: coalition strikes reported near Varnak, fictional region",
    NULL,
};
static const char *const news_fr[] = {
    "Selon les autorités, le groupe Aube Noire a reculé près de Varnak",
    "Décryptage : comment l'Aube Noire recrute sur les réseaux sociaux",
    "Des milliers de comptes liés à l'Aube Noire suspendus cette semaine",
    NULL,
};
static const char *const news_ar[] = {
    "مسؤولون: تنظيم الفجر الأسود يخسر مواقع قرب بلدة فارناك",
    "تحليل: كيف يستخدم تنظيم الفجر الأسود وسائل التواصل للتجنيد",
    "تعليق آلاف الحسابات المرتبطة بتنظيم الفجر الأسود هذا الأسبوع",
    NULL,
};

/* ---- everyday posts ------------------------------------------------------------------------- */

static const char *const day_en[] = {
    "Rain again this morning, so much for summer #weather",
    "Just finished the best pizza of my life",
    "Anyone watching the match tonight?",
    "Monday mood: coffee first, questions later",
    "My cat knocked the plant over again lol",
    "Finally done with exams, time to sleep for a week",
    "Traffic on the ring road is terrible today",
    "New playlist for the weekend, who wants the link?",
    "Happy birthday to my little sister!",
    "Cannot believe how fast this year is going",
    NULL,
};
static const char *const day_fr[] = {
    "Encore de la pluie ce matin, vive l'été #météo",
    "Quelqu'un regarde le match ce soir ?",
    "Premier café de la journée, enfin",
    "Les embouteillages sur le périph sont terribles aujourd'hui",
    "Joyeux anniversaire à ma petite sœur !",
    NULL,
};
static const char *const day_ar[] = {
    "صباح الخير، الجو جميل اليوم",    "من يشاهد المباراة الليلة؟",    "القهوة أولا ثم العمل",
    "الزحام في الطريق لا يطاق اليوم", "عيد ميلاد سعيد لأختي الصغيرة", NULL,
};

/* ---- counter-speech ------------------------------------------------------------------------- */

static const char *const counter_en[] = {
    "The Black Dawn sells you a dream and delivers graves. Hear the stories of those who left",
    "Before you share this, think of the families in Varnak who lost everything",
    "Former members of the Black Dawn speak out: it was all lies",
    "There is help if you feel drawn in. You are not alone",
    NULL,
};
static const char *const counter_fr[] = {
    "L'Aube Noire vend un rêve et livre des tombes. Écoutez ceux qui sont partis",
    "Avant de partager, pensez aux familles de Varnak",
    NULL,
};
static const char *const counter_ar[] = {
    "الفجر الأسود يبيعك وهما ولا يجلب إلا الموت، استمع لمن تركوه",
    "قبل أن تنشر فكر في العائلات التي فقدت كل شيء",
    NULL,
};

/* ---- shout-outs of returning accounts ------------------------------------------------------- */

static const char *const self_en[] = {
    "New account, the old one @{h} was suspended. Please share and follow",
    "Back again after suspension (was @{h}). Spread the word, brothers",
    NULL,
};
static const char *const self_fr[] = {
    "Nouveau compte, l'ancien @{h} a été suspendu. Partagez et suivez",
    NULL,
};
static const char *const self_ar[] = {
    "حساب جديد بعد تعليق الحساب السابق @{h} انشروا وتابعوا",
    NULL,
};
static const char *const other_en[] = {
    "Shout-out: our brother is back, follow @{h} and share",
    "Support the returning account @{h} #Baqiya",
    NULL,
};
static const char *const other_fr[] = {
    "Notre frère est de retour, suivez @{h} et partagez",
    NULL,
};
static const char *const other_ar[] = {
    "عاد أخونا تابعوا @{h} وانشروا #باقية",
    NULL,
};

const char *const *const vg__sim_invented[POOL__N][LANG__N] = {
    [POOL_SUPPORTER] = { sup_en, sup_fr, sup_ar },
    [POOL_NEWS] = { news_en, news_fr, news_ar },
    [POOL_EVERYDAY] = { day_en, day_fr, day_ar },
    [POOL_COUNTER] = { counter_en, counter_fr, counter_ar },
    [POOL_SHOUT_SELF] = { self_en, self_fr, self_ar },
    [POOL_SHOUT_OTHER] = { other_en, other_fr, other_ar },
};
