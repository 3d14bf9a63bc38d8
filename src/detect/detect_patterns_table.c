/* SPDX-License-Identifier: Apache-2.0 */
/*
 * detect_patterns_table.c: the built-in pattern table of detect_patterns.c, one row per pattern:
 * id, set, language, weights (threat sets only), the pattern in natural text, and a note saying
 * why it is there and what it is known to catch by mistake. Patterns are normalised with
 * vg_text_normalize() when the table is compiled, so they are written as people write (accents,
 * hamza forms, capitals) and still match the normalised post text.
 *
 * Syntax (docs/categories.md): words separated by spaces; "a|b" alternatives of one word; "w*" a
 * word starting with w; "~w" an Arabic word with optional proclitics (و ف ب ل ك س ال and their
 * combinations); "w?" an optional word; "*" or "*N" up to 3 or N (1..9) words, never across a
 * sentence end; "@" a mention; "^w" w only as the first word of the post. Apostrophes
 * and hyphens split words ("d'après" is "d après"), so an alternative may not contain them.
 *
 * This is weak supervision: no labelled data exists for these categories. Every pattern is a
 * guess about how the category is phrased, to be checked against real positives (the coverage
 * section of docs/categories.md). Keep rows specific: a word that is common outside terrorism
 * ("attack", "bomb", "strike", "قنبلة") appears only next to words that make the sense clear.
 */
#include "detect_patterns_int.h"

/* Short names for the sets, so that a row fits on few lines. */
#define INC VG__PS_INCITEMENT
#define COM VG__PS_SOLICIT_COMMIT
#define JOI VG__PS_SOLICIT_JOIN
#define INS VG__PS_INSTRUCTION
#define TCT VG__PS_TCO_THREAT
#define INT VG__PS_THREAT_INTENT
#define TGT VG__PS_THREAT_TARGET
#define IMM VG__PS_THREAT_IMMINENCE
#define SOF VG__PS_THREAT_SOFTENER
#define NEW VG__PS_EXEMPT_NEWS
#define RES VG__PS_EXEMPT_RESEARCH
#define CTR VG__PS_EXEMPT_COUNTER

/* clang-format off */
/* A row without weights, and a threat row with its weight and built-in target. */
#define P(set, id, lang, pat, note)       { id, set, lang, 0.0f, 0.0f, pat, note }
#define W(set, id, lang, w, t, pat, note) { id, set, lang, w, t, pat, note }

const struct vg__pattern_def vg__pattern_table[] = {

/* ==== (a) incitement, glorification ========================================================== */

P(INC, "en.glorify.martyrdom_operation", "en",
  "martyrdom|istishhadi|istishhadiya|inghimasi operation|operations|attack|attacks|mission|"
  "missions",
  "supporters' word for suicide attacks; news says \"suicide attack\""),
P(INC, "en.glorify.accept_martyr", "en",
  "may allah|god accept *3 martyr|martyrs|shaheed|shahid|shuhada|shuhadaa|martyrdom|shahada|"
  "shahadah",
  "\"may Allah accept him as a martyr\" said of an attacker"),
P(INC, "en.glorify.lone_wolf", "en",
  "lone wolf|wolves", "praise of lone attackers; news and research use it too (exemption cues)"),
P(INC, "en.glorify.blessed_raid", "en",
  "blessed|glorious raid|raids|ghazwa|ghazwah|ghazwat|operation|operations|attack|attacks|strike|"
  "strikes|conquest",
  "\"blessed raid\" praising an attack"),
P(INC, "en.glorify.heroic_martyrdom", "en",
  "heroic|brave|noble *2 martyrdom|istishhadi|inghimasi|inghimasis|shaheed|mujahid|mujahideen",
  NULL),
P(INC, "en.glorify.inghimasi", "en",
  "inghimasi|inghimasiyyin|inghimasiyun|inghimasis|istishhadiyyin", "words for suicide fighters"),
P(INC, "en.glorify.soldiers_caliphate", "en",
  "soldiers|soldier|lions|lion|knights|heroes of the? caliphate|khilafah|khilafa|khalifah", NULL),
P(INC, "en.glorify.soldiers_is", "en",
  "soldiers|soldier|lions|knights|heroes of the islamic state", "also in news about the group"),
P(INC, "en.glorify.remaining_expanding", "en", "remaining and expanding", "a group slogan"),
P(INC, "en.glorify.baqiyah", "en",
  "baqiyah|baqiya|baqiyyah|baqiyah wa|w tatamaddad|tatamadad",
  "the same slogan transliterated; matches French posts too"),
P(INC, "en.glorify.hero_who_killed", "en",
  "hero|heroes|martyr|martyrs|lion|lions|brother|brothers who|that *2 killed|slaughtered|"
  "butchered|struck|attacked|stabbed|shot *3 kuffar|kufar|kafir|kafirs|infidels|crusaders|"
  "apostates|murtaddin|murtadeen|disbelievers|mushrikeen|rafidah|rafida|tawaghit|taghut",
  "praise of an attacker, with the group's words for the victims"),
P(INC, "en.glorify.reward_attacker", "en",
  "may allah|god reward|bless *4 who|that *3 attacked|killed|slaughtered|struck|stabbed|martyred",
  NULL),
P(INC, "en.glorify.celebrate", "en",
  "rejoice|celebrate|congratulate|congratulations|congrats *4 ghazwa|ghazwah|martyrdom|"
  "istishhadi|inghimasi|massacre",
  "not \"raid\" (games) nor \"slaughter\" (Eid)"),
P(INC, "en.glorify.support_group", "en",
  "support|love|stand with the? dawlah|khilafah|caliphate|mujahideen|mujahidin|mujahidun",
  "support of a terrorist group; Afghan 1980s talk can match"),
P(INC, "en.glorify.support_is", "en", "support|love the? islamic state", NULL),
P(INC, "en.glorify.day_of_rope", "en", "day of the rope", "far-right accelerationist slogan"),

P(INC, "fr.glorify.gloire_moudjahidines", "fr",
  "gloire|honneur|vive *2 moudjahid*|mujahid*|moujahid*|inghimasi*|istichhadi*",
  "in Algeria moudjahid is also a veteran of the liberation war: commemorations match"),
P(INC, "fr.glorify.accepte_martyr", "fr",
  "allah|dieu *2 accepte|accepter|agree|accueille *3 martyr|martyrs|chahid|chahids|chouhada|"
  "chahada",
  "\"qu'Allah l'accepte parmi les martyrs\""),
P(INC, "fr.glorify.operation_martyre", "fr",
  "operation|operations|attaque|attaques|mission martyre|istichhadia|istichhadiya|istishhadiya|"
  "inghimasia",
  "« opération martyre »"),
P(INC, "fr.glorify.attentat_beni", "fr",
  "attentat|attentats|ghazwa|ghazwah héroïque|héroïques|béni|bénie|glorieux|glorieuse|glorieuses",
  NULL),
P(INC, "fr.glorify.operation_benie", "fr",
  "opération|opérations|raid|attaque|attaques béni|bénie|bénis|bénies|bénite",
  "not \"héroïque\" here: rescue operations are heroic too"),
P(INC, "fr.glorify.loup_solitaire", "fr",
  "loup|loups solitaire|solitaires", "news and research use it too"),
P(INC, "fr.glorify.soldats_califat", "fr",
  "soldat|soldats|lion|lions|chevaliers|héros *2 califat|khilafa|khilafah|dawla|dawlah", NULL),
P(INC, "fr.glorify.heros_qui_a_tue", "fr",
  "héros|martyr|martyrs|lion|lions|frère|frères|soldat *3 tué|tués|égorgé|égorgés|abattu|abattus|"
  "massacré|massacrés|frappé|attaqué *3 mécréants|mécréant|koufar|koufars|kouffar|kouffars|"
  "kuffar|croisés|apostats|infidèles|mouchrikines",
  NULL),
P(INC, "fr.glorify.reste_et_s_etend", "fr", "reste et s'étend", "the group slogan in French"),
P(INC, "fr.glorify.vive_ei", "fr", "vive|soutenons|soutiens *2 état islamique", NULL),
P(INC, "fr.glorify.vive_califat", "fr",
  "vive|soutenons|soutiens *2 dawla|dawlah|daula|khilafa|khilafah|califat", NULL),

P(INC, "ar.glorify.istishhadiya", "ar",
  "~عملية|~عمليات|~غزوة ~استشهادية|~انغماسية",
  "\"martyrdom operation\": supporters' name for a suicide attack"),
P(INC, "ar.glorify.nasal_yataqabbalah", "ar",
  "~نسأل|~أسأل الله أن ~يتقبله|~يتقبلهم|~يتقبلها",
  "\"we ask God to accept him\" said of an attacker; also said at ordinary deaths"),
P(INC, "ar.glorify.taqabbalahu_shuhada", "ar",
  "~تقبله|~تقبلهم|~تقبلها|~يتقبله|~يتقبلهم الله *2 ~الشهداء|~الشهيد|~شهيدا|~شهداء", NULL),
P(INC, "ar.glorify.istishhadi", "ar",
  "~استشهادي|~انغماسي|~استشهاديين|~انغماسيين|~استشهاديون|~انغماسيون",
  "the attacker as \"martyrdom seeker\""),
P(INC, "ar.glorify.ghazwa_mubaraka", "ar",
  "~غزوة|~صولة|~عمليات ~مباركة", "\"blessed raid\"; not \"عملية مباركة\" (also said of surgery)"),
P(INC, "ar.glorify.baqiya", "ar", "باقية ~تتمدد", "\"remaining and expanding\""),
P(INC, "ar.glorify.jund_khilafa", "ar", "~جنود|~جند|~أسود|~أبطال|~فرسان ~الخلافة", NULL),
P(INC, "ar.glorify.jund_dawla", "ar",
  "~جنود|~جند|~أسود|~أبطال|~فرسان ~الدولة ~الإسلامية", "also in news about the group"),
P(INC, "ar.glorify.lone_wolf", "ar",
  "~ذئاب|~ذئب ~منفردة|~منفرد", "\"lone wolves\"; news uses it too"),
P(INC, "ar.glorify.shifa_sudur", "ar",
  "~شفى|~يشفي|~يشف|~شفا ~صدور|~صدورنا|~صدورهم",
  "Quran 9:14 quoted to celebrate an attack; also recited for its own sake"),

/* ==== (b) solicitation to commit or contribute =============================================== */

P(COM, "en.commit.kill_them_wherever", "en",
  "kill|slay|fight them wherever|where you find|encounter|overtake|meet them",
  "a verse used as a call; quoted in research and news (exemption cues)"),
P(COM, "en.commit.kill_kuffar", "en",
  "kill|slaughter|behead|butcher|stab|attack|strike|terrorize|terrorise *3 kuffar|kufar|kafirs|"
  "kafir|infidels|crusaders|apostates|murtaddin|murtadeen|disbelievers|mushrikeen|mushrikin|"
  "tawagheet|tawaghit|rafidah|rafida|rawafid|nusayris",
  "hate speech without the group's vocabulary does not match"),
P(COM, "en.commit.fund", "en",
  "donate|donation|donations|fund|funding|finance|financing|sponsor|equip|zakat|sadaqah *3 "
  "mujahideen|mujahidin|mujahidun|mujahedeen|mujahid|ghazi|jihad|dawlah|khilafah|caliphate",
  "funding the fighters"),
P(COM, "en.commit.cant_hijrah_attack", "en",
  "cannot|cant|t|unable|couldn *4 hijrah|hijra|hijrat|emigrate|nafir *6 kill|attack|strike|stab|"
  "slaughter|terrorize|terrorise",
  "\"if you can't make hijrah, attack where you are\""),
P(COM, "en.commit.rise_and_kill", "en",
  "rise|arise up? and? kill|slaughter|attack|stab|terrorize|terrorise|bomb",
  "not \"strike\" (general strike) nor \"fight\""),
P(COM, "en.commit.o_muslims", "en",
  "o|oh muslims|muwahhidin|muwahhideen|monotheists|ummah *4 kill|slaughter|attack|strike|stab|"
  "terrorize|terrorise|behead|bomb",
  NULL),
P(COM, "en.commit.wage_jihad", "en", "wage|waging|declare|declaring jihad against|on", NULL),
P(COM, "en.commit.race_war", "en",
  "start|begin|ignite|spark the? race|holy war", "far-right and jihadist calls"),
P(COM, "en.commit.in_their_homes", "en",
  "attack|strike|kill|terrorize|terrorise *3 in their homes|lands|streets|cities|countries|"
  "heartland|midst|beds",
  "not \"own\": \"attack them in their own half\" is football"),

P(COM, "fr.commit.tuez_les_ou", "fr",
  "tuez|tuer|combattez les où que vous les trouviez|trouverez|rencontriez|atteigniez",
  "the verse used as a call"),
P(COM, "fr.commit.tuez_mecreants", "fr",
  "tuez|tuer|égorgez|égorger|frappez|frapper|attaquez|attaquer|massacrez|massacrer|poignardez|"
  "décapitez|terrorisez *3 mécréants|mécréant|koufar|koufars|kouffar|kouffars|kuffar|croisés|"
  "apostats|infidèles|mouchrikines|taghout|tawaghit",
  "history of the crusades can match (\"attaquer les croisés\")"),
P(COM, "fr.commit.financez", "fr",
  "financez|financer|financement|donnez|dons|soutenez|équipez|sadaqa|zakat *3 moudjahid*|"
  "mujahid*|moujahid*|jihad|djihad|califat|khilafa|dawla",
  NULL),
P(COM, "fr.commit.sans_hijra", "fr",
  "peux|peut|pouvez|pouvons|pourrez *3 hijra|hijrah|émigrer|nafir *6 tue|tuez|frappe|frappez|"
  "attaque|attaquez|égorge|égorgez|poignarde|poignardez|terrorise|terrorisez",
  "« si tu ne peux pas faire la hijra, frappe-les chez eux »"),
P(COM, "fr.commit.levez_vous", "fr",
  "levez|lève|réveillez|réveille vous|toi? et? *2 tuez|tue|égorgez|égorge|poignardez|poignarde|"
  "massacrez",
  NULL),
P(COM, "fr.commit.o_musulmans", "fr",
  "o|oh musulmans|monothéistes|mouwahhidines|oumma *4 tuez|frappez|attaquez|égorgez|terrorisez|"
  "massacrez|poignardez|écrasez",
  NULL),
P(COM, "fr.commit.chez_eux", "fr",
  "frappez|frappe|attaquez|tuez|tue|terrorisez *3 chez|leurs|leur eux|maisons|rues|villes|pays|"
  "terres|foyers",
  NULL),
P(COM, "fr.commit.jihad_contre", "fr",
  "menez|mener|déclarez|déclarer|faites|faire le? jihad|djihad contre", NULL),

P(COM, "ar.commit.uqtuluhum_haythu", "ar",
  "~اقتلوهم|~اقتلوا|~قاتلوهم *3 ~حيث|~أينما ~ثقفتموهم|~وجدتموهم|~وجدتموه|~لقيتموهم",
  "verses used as a call; recited and quoted in other contexts too"),
P(COM, "ar.commit.qatl_kuffar", "ar",
  "~اقتلوا|~اذبحوا|~اضربوا|~اغزوا|~استهدفوا|~فجروا|~اطعنوا|~ادهسوا|~اقتل|~اذبح|~استهدف *3 "
  "~الكفار|~الكفرة|~المشركين|~الصليبيين|~المرتدين|~الروافض|~الطواغيت|~النصيرية|~النصارى|~اليهود",
  "calls to kill, with the group's words for the victims"),
P(COM, "ar.commit.tajhiz_ghazi", "ar",
  "~جهز|~جهزوا|~تجهيز ~غازيا|~غازي|~مجاهدا|~مجاهد|~المجاهدين|~مجاهدين",
  "\"whoever equips a fighter\""),
P(COM, "ar.commit.tabarru", "ar",
  "~ادعموا|~تبرعوا|~أنفقوا|~ادعم|~تبرع|~دعم|~التبرع|~نصرة|~انصروا *3 ~المجاهدين|~الجهاد|~المجاهد|"
  "~الخلافة",
  NULL),
P(COM, "ar.commit.lam_tastati_hijra", "ar",
  "~تستطع|~تستطيعوا|~يستطع|~تقدر|~استطعت|~تتمكن *4 ~الهجرة|~النفير|~الوصول *6 ~اقتل*|~اضرب*|"
  "~اغز*|~اذبح*|~اطعن*|~ادهس*|~استهدف*",
  "\"if you cannot emigrate, strike where you are\""),
P(COM, "ar.commit.hayya_jihad", "ar", "~حي|~هيا|~هلموا|~هبوا ~على|~إلى ~الجهاد|~النفير", NULL),
P(COM, "ar.commit.ya_muwahhid", "ar",
  "~يا ~موحد|~موحدون|~موحدين|~أهل|~شباب|~أسود|~أنصار *4 ~اقتلوا|~اقتل|~اذبحوا|~اذبح|~اطعنوا|"
  "~اطعن|~ادهسوا|~ادهس|~فجروا",
  "not \"اضربوا\" (also: go on strike)"),
P(COM, "ar.commit.imperative_them", "ar",
  "~ادهسوهم|~اذبحوهم|~اطعنوهم|~فجروهم|~احرقوهم|~اقتلوهم",
  "\"run them over / slaughter them\"; recitation of verses matches the last"),

/* ==== (c) solicitation to join, recruitment ================================================== */

P(JOI, "en.join.hijrah", "en",
  "hijrah|hijra|hijrat|emigrate|emigration|migrate|migration to|towards *4 khilafah|khilafa|"
  "caliphate|dawlah|dawla|wilayah|wilayat|sham|shaam",
  "emigration to the group's territory"),
P(JOI, "en.join.caravan", "en", "join|joining the caravan", "title of a recruitment classic"),
P(JOI, "en.join.ranks", "en",
  "join|joining the? ranks of the? mujahideen|mujahidin|mujahidun|caliphate|khilafah|dawlah", NULL),
P(JOI, "en.join.join_group", "en",
  "join|joining the? dawlah|khilafah|caliphate|mujahideen|mujahidin", NULL),
P(JOI, "en.join.join_is", "en",
  "join|joining the? islamic state", "news: \"left to join the Islamic State\" (exemption cues)"),
P(JOI, "en.join.bayah", "en",
  "pledge|pledged|pledging|give|giving|gave|renew|renewing|offer bay|bayah|baya|bayat|bayaa|"
  "baiah|baiat ah|a|at?",
  "a pledge of allegiance (bay'ah reads as \"bay ah\")"),
P(JOI, "en.join.allegiance_caliph", "en",
  "pledge|pledged|pledging|swear|swore|renew allegiance to the? caliph|khalifah|khalifa|"
  "khaleefah|dawlah|khilafah|caliphate|islamic",
  "not \"amir\": royal allegiance"),
P(JOI, "en.join.nafir", "en",
  "nafir|nafeer|infiru|infiroo", "\"go forth\"; matches French posts too"),
P(JOI, "en.join.answer_call", "en",
  "answer|heed|respond to? the call *2 jihad|khilafah|caliph|khalifah|caliphate|mujahideen|nafir",
  NULL),
P(JOI, "en.join.become_soldier", "en",
  "become|be|join a|as? soldier|soldiers|lion|lions of the? caliphate|khilafah|khilafa|dawlah",
  NULL),
P(JOI, "en.join.contact", "en",
  "dm|pm|contact|message|telegram *4 hijrah|hijra|nafir",
  "recruiters moving the talk to private channels"),

P(JOI, "fr.join.rejoignez_rangs", "fr",
  "rejoignez|rejoins|rejoindre|rejoignons|rejoint les rangs *3 califat|khilafa|khilafah|"
  "moudjahid*|mujahid*|moujahid*|dawla|dawlah",
  "« rejoignez les rangs » of the group (not of a union)"),
P(JOI, "fr.join.rejoignez_ei", "fr",
  "rejoignez|rejoins|rejoindre|rejoignons *3 état islamique",
  "news: « parti rejoindre l'État islamique » (exemption cues)"),
P(JOI, "fr.join.hijra", "fr",
  "hijra|hijrah|hijrat|émigrez|émigrer|émigration|faites|partez *4 califat|khilafa|khilafah|"
  "dawla|dawlah|cham|sham",
  "not \"wilaya\": an Algerian province"),
P(JOI, "fr.join.allegeance", "fr",
  "allégeance|bay|baya|bayah|bayat|baia *4 calife|khalife|khalifa|califat|khilafa|khilafah|dawla|"
  "dawlah",
  NULL),
P(JOI, "fr.join.preter_baya", "fr",
  "prête|prêter|prêtez|prêtons|renouvelez|renouveler|renouvelons|donnez la? bay|baya|bayah|bayat|"
  "baia a|ah?",
  NULL),
P(JOI, "fr.join.terre_jihad", "fr",
  "venez|partez|rejoignez|émigrez|venir|partir|rejoindre *4 terre|terres|pays *2 jihad|djihad|"
  "califat|khilafa|khilafah",
  NULL),
P(JOI, "fr.join.devenez_soldat", "fr",
  "devenez|deviens|devenir|soyez|sois *2 soldat|soldats|lion|lions *3 califat|khilafa|khilafah|"
  "dawla|dawlah",
  NULL),
P(JOI, "fr.join.devenez_moudjahid", "fr",
  "devenez|deviens|devenir|soyez|sois un? moudjahid*|mujahid*|moujahid*", NULL),
P(JOI, "fr.join.contact", "fr",
  "contacte|contactez|écris|écrivez|mp|dm|telegram *4 hijra|hijrah|nafir", NULL),

P(JOI, "ar.join.infiru", "ar", "~انفروا", "\"go forth\" (Quran 9:41) used as a call to join"),
P(JOI, "ar.join.bayah", "ar",
  "~بيعة|~نبايع|~بايعوا|~بايعنا|~أبايع|~بايع|~بايعت|~نجدد|~تجديد *4 ~الخليفة|~خليفة|~الخلافة",
  "pledge to the caliph; royal pledges (\"ذكرى البيعة\") do not match"),
P(JOI, "ar.join.hijra", "ar",
  "~الهجرة|~هجرة|~هاجروا|~هاجر|~هاجرت|~هاجرنا *4 ~الخلافة|~الشام",
  "not \"ولاية\" (also a US state in news)"),
P(JOI, "ar.join.hijra_dawla", "ar", "~الهجرة|~هجرة|~هاجروا|~هاجر *3 ~الدولة ~الإسلامية", NULL),
P(JOI, "ar.join.ilhaq", "ar",
  "~الحقوا|~التحقوا|~انضموا|~انضم|~التحق|~الحق|~الالتحاق|~الانضمام *2 ~قافلة|~ركب|~صفوف ~الشهداء|"
  "~المجاهدين|~الجهاد|~الخلافة",
  "\"join the caravan / the ranks\""),
P(JOI, "ar.join.ilhaq_dawla", "ar",
  "~انضموا|~انضم|~الانضمام|~التحقوا|~التحق|~الالتحاق *2 ~الدولة ~الإسلامية",
  "also news about people who joined"),
P(JOI, "ar.join.kun_jundi", "ar",
  "~كن|~كونوا|~كونو *2 ~جنديا|~جنودا|~جنود|~جندي|~جند|~أسدا|~أسود *2 ~الخلافة",
  "not \"الدولة\": \"a soldier of the state\" is patriotic talk"),

/* ==== (d) instruction: explosives, weapons, poisons, methods ================================= */

P(INS, "en.instr.howto_explosives", "en",
  "how to *3 explosives|ied|ieds|tatp|hmtd|detonator|detonators|ricin|abrin|sarin|napalm|"
  "thermite|nitroglycerin",
  "not \"explosive\": \"how to get explosive growth\""),
P(INS, "en.instr.guide_explosives", "en",
  "recipe|recipes|instructions|tutorial|tutorials|manual|guide|formula *4 explosives|ied|ieds|"
  "tatp|hmtd|detonator|detonators|ricin|abrin|sarin|napalm",
  NULL),
P(INS, "en.instr.make_explosives", "en",
  "make|making|build|building|assemble|assembling|prepare|preparing|manufacture|manufacturing|"
  "mix|mixing|cook|cooking *3 explosives|ied|ieds|detonator|detonators|tatp|hmtd|ricin|abrin|"
  "sarin|napalm|thermite|nitroglycerin",
  "chemistry demonstrations (thermite) can match"),
P(INS, "en.instr.make_device", "en",
  "make|making|build|building|assemble|assembling|prepare|construct|how *3 explosive|suicide|"
  "pipe|nail|car|fertilizer|fertiliser|molotov|petrol|letter device|devices|belt|belts|vest|"
  "vests|bomb|bombs|cocktail|cocktails",
  "\"make a pipe bomb\"; not \"bath bomb\""),
P(INS, "en.instr.pressure_cooker", "en",
  "make|making|build|building|how *3 pressure cooker bomb|bombs", NULL),
P(INS, "en.instr.mom_kitchen", "en",
  "bomb in the kitchen of your? mom|mother|mum", "a well-known manual title"),
P(INS, "en.instr.magazine", "en",
  "inspire|dabiq|rumiyah|rumiya|rumiyyah magazine|mag|issue|issues|pdf",
  "the groups' magazines carry attack manuals"),
P(INS, "en.instr.open_source_jihad", "en", "open source jihad", "a manual column"),
P(INS, "en.instr.ram_crowd", "en",
  "ram|plow|plough|mow|drive|smash|steer into|through|down *2 crowd|crowds|pedestrians|gathering|"
  "gatherings|parade|parades|marketplace",
  "imperatives: news says \"drove into\""),
P(INS, "en.instr.choose_truck", "en",
  "rent|hire|choose|pick|select|steal a|the? truck|vehicle|lorry *8 crowd|crowds|pedestrians|"
  "kuffar|infidels|crusaders",
  NULL),
P(INS, "en.instr.stab_where", "en",
  "stab|stabbing|slash|slashing *4 neck|throat|jugular|artery|arteries|kidney|kidneys",
  "not \"heart\" (\"stab me in the heart\")"),
P(INS, "en.instr.best_knife", "en",
  "best|right|sharp|sharpest knife|knives|blade|blades for|to *3 kill|killing|behead|beheading|"
  "stab|stabbing|attack|attacking",
  "not \"slaughter\": halal butchery"),
P(INS, "en.instr.howto_behead", "en",
  "how to *2 behead|decapitate|stab|strangle|poison", "not \"assassinate\": video-game guides"),
P(INS, "en.instr.poison_supply", "en",
  "poison|poisoning|contaminate|contaminating *3 reservoir|reservoirs|wells|supply|supplies", NULL),

P(INS, "fr.instr.fabriquer_explosifs", "fr",
  "fabriquer|fabriquez|fabrique|fabrication|confectionner|confectionnez|préparer|préparez|"
  "assembler|assemblez|faire *3 explosifs|détonateur|détonateurs|tatp|ricine|napalm|"
  "nitroglycérine",
  "not \"explosif\" (adjective: « un match explosif »)"),
P(INS, "fr.instr.engin", "fr",
  "fabriquer|fabriquez|fabrication|confectionner|préparer|assembler|comment *3 ceinture|"
  "ceintures|gilet|gilets|engin|engins|bombe|bombes|colis|charge|cocktail|cocktails explosif|"
  "explosive|explosives|explosifs|piégé|piégée|artisanal|artisanale|artisanales|artisanaux|"
  "incendiaire|molotov",
  "« bombe artisanale », « gilet explosif »; not « bombe de bain »"),
P(INS, "fr.instr.comment", "fr",
  "comment|tutoriel|tuto|recette|guide|manuel|mode *4 explosifs|détonateur|détonateurs|tatp|"
  "ricine|napalm|nitroglycérine",
  NULL),
P(INS, "fr.instr.poignarder", "fr",
  "poignard*|plantez|visez|tranchez|trancher *5 gorge|cou|jugulaire|artère|artères|carotide|reins",
  "not « égorger » (Eid sacrifice)"),
P(INS, "fr.instr.foncer_foule", "fr",
  "foncez|foncer|fonce|percutez|percuter|écrasez|écraser|fauchez|faucher *3 foule|foules|piétons|"
  "passants|rassemblement",
  "news « a foncé dans la foule » matches too (exemption cues)"),
P(INS, "fr.instr.camion", "fr",
  "louez|louer|choisissez|choisir|prenez|prendre|volez|voler un|le? camion|véhicule|utilitaire|"
  "fourgon|camionnette *8 foule|foules|piétons|passants|mécréants|kouffar|croisés",
  NULL),
P(INS, "fr.instr.empoisonner", "fr",
  "empoisonner|empoisonnez|contaminer|contaminez *3 eau|réservoir|réservoirs|nourriture|aliments|"
  "puits",
  "pollution news can match"),
P(INS, "fr.instr.revue", "fr", "dabiq|rumiyah|rumiya|inspire revue|magazine|numéro|pdf", NULL),

P(INS, "ar.instr.how_make", "ar",
  "~طريقة|~كيفية|~كيف|~تعلم|~شرح|~دورة|~دروس|~درس|~دليل ~صنع|~تصنيع|~صناعة|~تحضير|~إعداد|~تجهيز|"
  "~تركيب *2 ~عبوة|~عبوات|~متفجرات|~متفجرة|~حزام|~أحزمة|~صاعق|~صواعق|~سموم|~السم|~مفخخة|~مفخخات|"
  "~ناسفة",
  "\"طريقة صنع عبوة\"; not \"قنبلة\" here (chocolate bombs)"),
P(INS, "ar.instr.make_bomb", "ar", "~صنع|~تصنيع|~صناعة|~تركيب ~قنبلة|~قنابل", NULL),
P(INS, "ar.instr.make_ied", "ar",
  "~صنع|~تصنيع|~صناعة|~تحضير|~إعداد|~تجهيز|~اصنع|~جهز|~جهزوا|~اصنعوا|~فخخ|~فخخوا|~تفخيخ *3 ~عبوة|"
  "~عبوات|~حزام|~أحزمة|~سيارة|~سيارات|~دراجة ~ناسفة|~ناسف|~متفجرة|~مفخخة",
  NULL),
P(INS, "ar.instr.tafkhikh", "ar",
  "~دورة|~دورات|~دروس|~درس|~طريقة|~كيفية|~تعلم|~شرح ~التفخيخ|~تفخيخ|~المتفجرات|~متفجرات",
  "booby-trapping lessons"),
P(INS, "ar.instr.knife", "ar",
  "~اطعن|~اطعنوا|~اطعنه|~اطعنهم|~الطعن|~طعن *4 ~الرقبة|~رقبته|~رقابهم|~العنق|~عنقه|~الوريد|"
  "~الشريان|~الحلق",
  "not \"اقطع\" (Eid sacrifice instructions)"),
P(INS, "ar.instr.darb_riqab", "ar", "~ضرب|~اضربوا|~اضرب ~الرقاب", "Quran 47:4 used as a method"),
P(INS, "ar.instr.dahs", "ar",
  "~استخدم|~استخدموا|~استأجر|~استأجروا|~اختر|~اختاروا|~اسرق|~اسرقوا ~شاحنة|~شاحنات|~سيارة|~مركبة "
  "*6 ~الحشود|~حشود|~المارة|~الحشد|~التجمعات|~الأسواق|~المشاة",
  "road-safety advice can match"),
P(INS, "ar.instr.poison", "ar",
  "~تسميم|~سمموا|~سمم ~مياه|~المياه|~الطعام|~الأكل|~الآبار|~خزانات", "pollution news can match"),
P(INS, "ar.instr.mawsua", "ar", "~موسوعة ~الإعداد|~الجهاد", "manual titles"),

/* ==== (e) threat to commit a terrorist offence (against groups, countries) =================== */

P(TCT, "en.tco_threat.strike_homes", "en",
  "we will|ll|shall|are|re *2 strike|attack|hit|slaughter|bomb|burn|kill|terrorize|terrorise|"
  "butcher|come *3 in|inside|within your *2 homes|streets|cities|lands|capitals|countries|"
  "heartland|midst|beds|houses|land",
  "\"we will strike you in your homes\""),
P(TCT, "en.tco_threat.come_with_slaughter", "en",
  "come|came|coming|brought|bring *3 with slaughter|slaughtering|butchery", NULL),
P(TCT, "en.tco_threat.o_crusaders", "en",
  "o|oh crusaders|crusader|kuffar|infidels|disbelievers|apostates|americans|french|europeans|"
  "rome|france|america|europe *6 will|shall *3 slaughter|slaughtered|kill|killed|strike|struck|"
  "bomb|bombed|safe|burn|burned|blood|conquer|conquered",
  "not \"pay\" (\"you will pay at the ballot box\")"),
P(TCT, "en.tco_threat.conquer_rome", "en",
  "conquer|conquering|capture your rome|paris|london|washington|europe|america|lands|cities|"
  "capitals",
  "\"your Rome\": strategy games say \"conquer Rome\""),
P(TCT, "en.tco_threat.never_safe", "en",
  "you|u|ya will|ll|shall never|not *2 safe|security",
  "to a people; to a person it is a threat too (see threat patterns)"),
P(TCT, "en.tco_threat.next", "en",
  "your city|country|capital|cities|countries|nation is|are|will *2 next", NULL),
P(TCT, "en.tco_threat.await_slaughter", "en", "wait|await *3 slaughter|butchery|explosions", NULL),

P(TCT, "fr.tco_threat.chez_vous", "fr",
  "nous|on *3 frapperons|frapper|égorgerons|égorger|tuerons|tuer|attaquerons|attaquer|"
  "massacrerons|massacrer|brûler|brûlerons|viendrons|exploser *4 chez|vos|votre vous|maisons|"
  "rues|villes|pays|terres|foyers|sol|capitales|familles",
  "« nous vous frapperons chez vous »"),
P(TCT, "fr.tco_threat.venus_egorger", "fr",
  "sommes|venus|venons|viendrons|arrivons *3 égorger|massacrer|décapiter|égorgement|massacre|"
  "brûler",
  NULL),
P(TCT, "fr.tco_threat.jamais_securite", "fr",
  "vous ne serez|vivrez|connaîtrez|dormirez jamais|plus *3 sécurité|paix|tranquilles|sûrs|sûres|"
  "sereins",
  NULL),
P(TCT, "fr.tco_threat.o_croises", "fr",
  "o|oh croisés|mécréants|koufar|kouffar|français|france|occident|européens|apostats *6 "
  "frapperons|égorgerons|tuerons|massacrerons|brûlerez|brûleront|conquerrons",
  NULL),
P(TCT, "fr.tco_threat.votre_rome", "fr",
  "conquerrons|conquérir|prendrons|conquérons votre|vos rome|paris|capitale|capitales|terres|"
  "villes",
  NULL),

P(TCT, "ar.tco_threat.jinakum_bidhabh", "ar",
  "~جئناكم|~جيناكم|~سنأتيكم|~أتيناكم|~سنجيئكم *2 ~بالذبح|~بالموت|~بالمفخخات|~بالسيارات|~بالعبوات|"
  "~بالدماء|~بالسكاكين",
  "\"we have come to you with slaughter\""),
P(TCT, "ar.tco_threat.sanadrib_diyarakum", "ar",
  "~سنضرب|~سنضربكم|~سنقتل|~سنقتلكم|~سنذبح|~سنذبحكم|~سنفجر|~سنغزو|~سنغزوكم|~سنحرق|~سنهاجم|"
  "~سنهاجمكم *4 ~عقر|~دياركم|~بلادكم|~بيوتكم|~مدنكم|~شوارعكم|~أرضكم|~داركم|~عواصمكم|~بلدانكم",
  "\"we will strike you in the heart of your land\""),
P(TCT, "ar.tco_threat.lan_tanamu", "ar",
  "~لن ~تنعموا|~تهنؤوا|~تهنئوا|~تحلموا|~تعيشوا|~تنعمو *2 ~بالأمن|~بالأمان|~أمن|~أمان",
  "\"you will not enjoy security\""),
P(TCT, "ar.tco_threat.rome", "ar",
  "~سنفتح|~لنفتحن|~سنغزو|~سنحتل ~روما|~رومية|~رومكم|~باريس|~واشنطن|~لندن|~أوروبا|~أمريكا",
  "not \"فتح روما\" alone: prophecy discussions"),
P(TCT, "ar.tco_threat.intazhiru", "ar",
  "~انتظروا|~ترقبوا *2 ~الذبح|~المفخخات|~يسوؤكم|~يسوءكم|~يسؤكم|~الدماء",
  "\"await what will harm you\""),
P(TCT, "ar.tco_threat.ya_kuffar", "ar",
  "~يا ~صليبيين|~الصليبيين|~صليبيون|~كفار|~الكفار|~عباد|~مرتدين|~روافض *6 ~سنذبح*|~سنقتل*|"
  "~سنضرب*|~سنفجر*|~سنحرق*|~ستذبحون|~ستقتلون",
  NULL),

/* ==== threats against people (weight: intent strength; t: the target the pattern names) ======= */

W(INT, "en.threat.kill_you", "en", 0.85f, 1.0f,
  "i|we will|ll|shall|gonna|m|am|are|re|wanna|want|going *3 kill|murder|shoot|stab|behead|"
  "slaughter|butcher|strangle|execute|lynch|hang|decapitate|torture|gut|choke you|u|ya|yall",
  "first person, violent verb, second person"),
W(INT, "en.threat.kill_him", "en", 0.75f, 0.45f,
  "i|we will|ll|shall|gonna|m|am|are|re|wanna|want|going *3 kill|murder|shoot|stab|behead|"
  "slaughter|butcher|strangle|execute|lynch|hang|decapitate|torture|choke him|her",
  NULL),
W(INT, "en.threat.kill", "en", 0.6f, 0.0f,
  "i|we will|ll|shall|gonna|m|am|are|re|wanna|want|going *3 kill|murder|stab|behead|slaughter|"
  "butcher|strangle|lynch|decapitate|assassinate|massacre|torture",
  "the target is looked for nearby; not \"shoot\", \"hang\", \"execute\" (shoot a video, hang "
  "out)"),
W(INT, "en.threat.you_will_die", "en", 0.65f, 1.0f,
  "you|u|ya will|ll|shall|gonna|re|are *2 die|bleed|dead|killed|slaughtered|beheaded|murdered|"
  "executed|shot",
  "\"you will die\"; memento mori and games are softened"),
W(INT, "en.threat.days_numbered", "en", 0.6f, 1.0f, "your days are numbered", NULL),
W(INT, "en.threat.know_where", "en", 0.6f, 1.0f, "i|we know where you|u live|work|sleep|are", NULL),
W(INT, "en.threat.bullet", "en", 0.75f, 0.0f,
  "bullet|bullets in|into|through|to *2 head|skull|brain|brains|face|chest|heart", NULL),
W(INT, "en.threat.must_die", "en", 0.5f, 0.0f,
  "must|should|deserves|deserve|needs|need|ought *2 die|killed|shot|executed|beheaded|hanged|"
  "murdered|lynched|burned|burnt|slaughtered",
  "a wish or call about a third person"),
W(INT, "en.threat.death_to", "en", 0.45f, 0.0f, "death to", NULL),
W(INT, "en.threat.your_blood_halal", "en", 0.85f, 1.0f,
  "your blood is halal|lawful|permissible|permitted|mubah", "a religious licence to kill"),
W(INT, "en.threat.his_blood_halal", "en", 0.8f, 0.45f,
  "his|her|their blood is|are halal|lawful|permissible|permitted|mubah", NULL),
W(INT, "en.threat.hope_you_die", "en", 0.4f, 1.0f,
  "hope|wish you|u *2 die|dead|killed|burn", "abuse more often than a plan"),
W(INT, "en.threat.hunt_you", "en", 0.65f, 1.0f, "hunt|track you|u|ya down", NULL),
W(INT, "en.threat.hunt_him", "en", 0.6f, 0.45f, "hunt|track him|her down", NULL),
W(INT, "en.threat.destroy_you", "en", 0.35f, 1.0f,
  "i|we will|ll|shall|gonna|m|am|are|re|going *3 destroy|crush|smash|wreck|end|ruin|bury you|u|"
  "ya|yall",
  "weak: mostly trash talk"),
W(INT, "en.threat.burn_house", "en", 0.75f, 1.0f,
  "burn|torch|bomb|firebomb your house|home|office|car|family|school", NULL),
W(INT, "en.threat.coming_for_you", "en", 0.5f, 1.0f,
  "we|i are|m|am|re coming for you|u", "sports rivals say it too"),

W(INT, "fr.threat.te_tuer", "fr", 0.85f, 1.0f,
  "je|j|on|nous|ils *3 te|t|vous tuer|égorger|buter|flinguer|décapiter|poignarder|massacrer|"
  "abattre|brûler|cramer|crever|fusiller|tabasser|étrangler|planter|exploser",
  "« je vais te tuer », « on va te buter »; not « descendre » (drive down)"),
W(INT, "fr.threat.te_tuerai", "fr", 0.85f, 1.0f,
  "je|j|on|nous te|t|vous tuerai|tuerons|tuera|égorgerai|égorgerons|égorgera|buterai|buterons|"
  "butera|décapiterai|décapiterons|massacrerai|massacrerons|brûlerai|brûlerons|crèverai",
  NULL),
W(INT, "fr.threat.le_tuer", "fr", 0.75f, 0.45f,
  "je|j|on|nous *3 le|la|les|l tuer|égorger|buter|flinguer|décapiter|poignarder|massacrer|"
  "abattre|brûler|cramer|crever|fusiller|étrangler|planter",
  NULL),
W(INT, "fr.threat.tuer", "fr", 0.6f, 0.0f,
  "je|j|on|nous *2 vais|va|allons|vont|veux|voudrais|compte tuer|égorger|buter|flinguer|"
  "décapiter|poignarder|massacrer|fusiller|étrangler|assassiner",
  "the target is looked for nearby; not « abattre » (abattre du travail)"),
W(INT, "fr.threat.vas_mourir", "fr", 0.65f, 1.0f,
  "tu|vous *2 vas|allez|va mourir|crever|saigner", "« mourir de rire » is softened"),
W(INT, "fr.threat.es_mort", "fr", 0.5f, 1.0f,
  "tu|t|vous es|êtes|seras|serez *2 mort|morte|morts|mortes", "games say it too"),
W(INT, "fr.threat.doit_mourir", "fr", 0.5f, 0.0f,
  "doit|doivent|mérite|méritent|faut|faudrait *3 mourir|crever|tuer|buter|égorger|pendre|"
  "fusiller|tué|tués|égorgé|égorgés|pendu|pendus|fusillé|fusillés|décapité|décapités",
  NULL),
W(INT, "fr.threat.mort_aux", "fr", 0.4f, 0.0f, "mort aux", "« mort aux rats » is softened"),
W(INT, "fr.threat.ton_sang_halal", "fr", 0.85f, 1.0f,
  "ton|votre sang est halal|licite|permis", NULL),
W(INT, "fr.threat.son_sang_halal", "fr", 0.8f, 0.45f,
  "son|leur sang est|sont halal|licite|permis", NULL),
W(INT, "fr.threat.bruler_maison", "fr", 0.75f, 1.0f,
  "brûler|cramer|incendier|brûlerai|cramerai|sauter ta|ton|votre|tes|vos maison|bureau|voiture|"
  "famille|locaux",
  NULL),

W(INT, "ar.threat.aqtuluk", "ar", 0.85f, 1.0f,
  "~أقتلك|~أقتلكم|~نقتلك|~نقتلكم|~أذبحك|~أذبحكم|~نذبحك|~نذبحكم|~أفجرك|~نفجركم|~أطعنك|~نطعنك|"
  "~أحرقك|~نحرقك|~نحرقكم|~أصفيك|~نصفيك|~نصفيكم|~لأقتلنك|~لأذبحنك|~لنقتلنكم|~لنذبحنكم",
  "verb + \"you\" in one word; \"~\" adds the future sa- (\"سأقتلك\") and wa-/fa-"),
W(INT, "ar.threat.qatl", "ar", 0.6f, 0.0f,
  "~سأقتل|~سنقتل|~سأذبح|~سنذبح|~سأفجر|~سنفجر|~سأطعن|~سنطعن|~سأحرق|~سنحرق|~سنغتال|~سأغتال|~سنصفي|"
  "~سأصفي|~سنعدم|~سأعدم",
  "the target is looked for nearby; \"سنحرق الدهون\" is softened"),
W(INT, "ar.threat.qat_rasak", "ar", 0.8f, 1.0f,
  "~سأقطع|~سنقطع|~أقطع ~رأسك|~رقبتك|~رؤوسكم|~رقابكم|~لسانك", NULL),
W(INT, "ar.threat.qat_rasah", "ar", 0.75f, 0.45f,
  "~سأقطع|~سنقطع ~رأسه|~رقبته|~رأسها|~رؤوسهم|~رقابهم", NULL),
W(INT, "ar.threat.satamut", "ar", 0.55f, 1.0f,
  "~ستموت|~ستموتون|~ستموتين|~ستذبح|~ستذبحون|~ستقتلون",
  "\"you will die\"; also third person feminine"),
W(INT, "ar.threat.ayyamuk", "ar", 0.6f, 1.0f,
  "~أيامك|~أيامكم ~معدودة", "\"your days are numbered\""),
W(INT, "ar.threat.damuk", "ar", 0.85f, 1.0f,
  "~دمك|~دمكم|~دماؤكم|~دماءكم *2 ~مهدور|~حلال|~مباح|~مهدورة|~هدر", "\"your blood is lawful\""),
W(INT, "ar.threat.damuh", "ar", 0.8f, 0.45f,
  "~دمه|~دمها|~دمهم|~دماؤهم *2 ~مهدور|~حلال|~مباح|~مهدورة|~هدر", NULL),
W(INT, "ar.threat.ihdar_dam", "ar", 0.75f, 0.45f,
  "~إهدار|~هدر|~أهدر|~أهدروا ~دم|~دمه|~دمها", "news reports such rulings (exemption cues)"),
W(INT, "ar.threat.uqtuluh", "ar", 0.6f, 0.45f, "~اقتلوه|~اقتلوها|~اذبحوه|~اذبحوها|~اغتالوه", NULL),
W(INT, "ar.threat.imperative", "ar", 0.55f, 0.0f,
  "~اقتلوا|~اذبحوا|~اغتالوا|~صفوا", "\"kill! slaughter!\"; Eid sacrifice talk is softened"),
W(INT, "ar.threat.almawt_li", "ar", 0.4f, 0.0f, "الموت ل*", "\"death to\""),

/* ---- targets (weight: how identifiable) ------------------------------------------------------ */

W(TGT, "en.target.second_person", "en", 1.0f, 0.0f,
  "you|u|ya|yall|your|yours|yourself|yourselves|thee", NULL),
W(TGT, "en.target.role", "en", 0.9f, 0.0f,
  "minister|ministers|president|mayor|governor|senator|congressman|congresswoman|mp|mps|judge|"
  "judges|prosecutor|journalist|journalists|reporter|reporters|editor|editors|cartoonist|"
  "cartoonists|columnist|moderator|moderators|mod|mods|admin|admins|staff|employees|employee|"
  "teacher|teachers|imam|rabbi|priest|pastor|officer|officers|cop|cops|councillor|councilor|"
  "councilman|ambassador|boss|manager|ceo|founder|principal|headmaster|commissioner|sheriff|"
  "chancellor|premier|pope|bishop",
  "people and staff named by their role"),
W(TGT, "en.target.title", "en", 0.9f, 0.0f,
  "mr|mrs|ms|dr|mister|madam", "a title announces a name (names are lost to normalisation)"),
W(TGT, "en.target.family_place", "en", 1.0f, 0.0f,
  "your|his|her family|kids|children|wife|husband|house|home|office|daughter|son|mother|mom|"
  "parents|address|workplace",
  NULL),
W(TGT, "en.target.third_person", "en", 0.45f, 0.0f,
  "him|her|he|she", "below the threat_target bar: a pronoun alone does not identify"),
W(TGT, "any.target.mention", "any", 1.0f, 0.0f, "@", "an @mention addresses someone"),

W(TGT, "fr.target.second_person", "fr", 1.0f, 0.0f, "tu|te|t|toi|vous|ta|ton|tes|vos|votre", NULL),
W(TGT, "fr.target.role", "fr", 0.9f, 0.0f,
  "ministre|ministres|président|présidente|maire|député|députée|députés|sénateur|sénatrice|juge|"
  "juges|procureur|journaliste|journalistes|rédacteur|rédactrice|rédaction|dessinateur|"
  "dessinateurs|caricaturiste|caricaturistes|modérateur|modérateurs|modératrice|modo|modos|"
  "admin|admins|salariés|salarié|employés|employé|personnel|prof|profs|professeur|professeure|"
  "enseignant|enseignante|enseignants|imam|rabbin|prêtre|curé|évêque|policier|policiers|"
  "policière|flic|flics|gendarme|gendarmes|patron|patronne|directeur|directrice|préfet|élu|élus|"
  "élue|ambassadeur|recteur",
  NULL),
W(TGT, "fr.target.title", "fr", 0.9f, 0.0f, "mme|mlle|monsieur|madame|docteur", NULL),
W(TGT, "fr.target.family_place", "fr", 1.0f, 0.0f,
  "ta|ton|tes|votre|vos|sa|son|ses famille|femme|mari|enfants|gosses|maison|bureau|domicile|"
  "adresse|fille|fils|mère|parents|école",
  NULL),
W(TGT, "fr.target.third_person", "fr", 0.45f, 0.0f, "lui|eux|elle|il|ils|elles", NULL),

W(TGT, "ar.target.second_person", "ar", 1.0f, 0.0f,
  "~أنت|~أنتم|~أنتي|~انتو|~لك|~لكم|~عليك|~عليكم|~منك|~منكم|~إليك|~إليكم", NULL),
W(TGT, "ar.target.role", "ar", 0.9f, 0.0f,
  "~الوزير|~وزير|~الرئيس|~رئيس|~النائب|~القاضي|~الصحفي|~الصحفيين|~الصحفيون|~صحفي|~صحفية|~الصحفية|"
  "~الإعلامي|~الإعلاميين|~المذيع|~المذيعة|~الرسام|~رسام|~المشرف|~المشرفين|~مشرفي|~الموظفين|"
  "~موظفي|~موظف|~العاملين|~الإمام|~المحافظ|~العمدة|~الضابط|~الشرطي|~المدير|~مدير|~الأستاذ|"
  "~الأستاذة|~المعلم|~المعلمة|~الشيخ|~الكاتب|~الكاتبة|~المحامي|~الطبيب",
  NULL),
W(TGT, "ar.target.vocative", "ar", 0.6f, 0.0f, "~يا", "\"O ...\" addresses someone; \"يا رب\" too"),
W(TGT, "ar.target.family_place", "ar", 1.0f, 0.0f,
  "~بيتك|~منزلك|~مكتبك|~عائلتك|~أهلك|~أولادك|~زوجتك|~أمك|~أبوك|~عنوانك|~مدرستك|~بيتكم|~منزلكم|"
  "~مكتبكم|~عائلتكم|~أهلكم|~أولادكم",
  NULL),
W(TGT, "ar.target.third_person", "ar", 0.45f, 0.0f,
  "هو|هي|هم|له|لها|لهم|عليه|عليها",
  "exact words: with proclitics \"له\" would match \"الله\" and \"هم\" \"فهم\""),

/* ---- imminence: time and place --------------------------------------------------------------- */

W(IMM, "en.when.tomorrow", "en", 1.0f, 0.0f, "tomorrow|tonight|tmrw|tmr|2morrow|2nite", NULL),
W(IMM, "en.when.today", "en", 0.6f, 0.0f, "today|tday", NULL),
W(IMM, "en.when.soon", "en", 0.5f, 0.0f, "soon|shortly|imminently", NULL),
W(IMM, "en.when.day", "en", 0.8f, 0.0f,
  "next|this|on monday|tuesday|wednesday|thursday|friday|saturday|sunday|week|weekend|morning|"
  "evening|night",
  NULL),
W(IMM, "en.when.hours", "en", 0.9f, 0.0f,
  "in a|an|the|few|two|2|3|24|48 *1 hour|hours|minutes|mins|hrs", NULL),
W(IMM, "en.when.now", "en", 0.8f, 0.0f, "right now", NULL),
W(IMM, "en.when.leave", "en", 0.8f, 0.0f,
  "when|as you|u leave|get|come|walk home|out|outside?", NULL),
W(IMM, "en.when.place", "en", 1.0f, 0.0f,
  "at|outside|near|to your|the|his|her house|home|office|school|work|door|doorstep|car|building|"
  "headquarters|hq|studio|newsroom|rally|church|mosque|synagogue",
  "\"at your office\""),
W(IMM, "en.when.know_where", "en", 1.0f, 0.0f, "know where you|u live|work|sleep|are", NULL),

W(IMM, "fr.when.demain", "fr", 1.0f, 0.0f, "demain", NULL),
W(IMM, "fr.when.ce_soir", "fr", 0.9f, 0.0f, "ce|cette soir|nuit|semaine|weekend|matin", NULL),
W(IMM, "fr.when.aujourdhui", "fr", 0.6f, 0.0f, "aujourd'hui", NULL),
W(IMM, "fr.when.bientot", "fr", 0.5f, 0.0f, "bientôt", NULL),
W(IMM, "fr.when.jour", "fr", 0.8f, 0.0f,
  "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche", NULL),
W(IMM, "fr.when.lieu", "fr", 1.0f, 0.0f,
  "à|au|devant|chez|près|sortie *1 ton|ta|votre|tes|vos bureau|maison|école|travail|domicile|"
  "rédaction|locaux|appart|appartement|boulot|lycée|mosquée|église",
  "« à ton bureau »"),
W(IMM, "fr.when.chez_toi", "fr", 1.0f, 0.0f, "chez toi|vous", NULL),
W(IMM, "fr.when.maintenant", "fr", 0.8f, 0.0f, "maintenant", NULL),
W(IMM, "fr.when.tout_de_suite", "fr", 0.8f, 0.0f, "tout de suite", NULL),

W(IMM, "ar.when.ghadan", "ar", 1.0f, 0.0f, "~غداً|~الليلة|~بكرة|~بكره|~الآن|~حالا", NULL),
W(IMM, "ar.when.today", "ar", 0.6f, 0.0f, "~اليوم", NULL),
W(IMM, "ar.when.soon", "ar", 0.5f, 0.0f, "~قريبا|~قريباً", NULL),
W(IMM, "ar.when.day", "ar", 0.8f, 0.0f,
  "~يوم ~الجمعة|~السبت|~الأحد|~الاثنين|~الثلاثاء|~الأربعاء|~الخميس", NULL),
W(IMM, "ar.when.next_week", "ar", 0.8f, 0.0f, "~الأسبوع|~الشهر ~القادم|~المقبل", NULL),
W(IMM, "ar.when.place", "ar", 1.0f, 0.0f,
  "~أمام|~عند|~في|~قرب|~بجانب ~بيتك|~منزلك|~مكتبك|~مدرستك|~عملك|~بيتكم|~منزلكم|~مكتبكم|~مقركم|"
  "~مقرك",
  NULL),

/* ---- softeners (weight: how much of the score they take away) -------------------------------- */

W(SOF, "en.soft.game", "en", 0.6f, 0.0f,
  "game|games|gaming|round|rounds|level|respawn|spawn|fortnite|minecraft|valorant|cod|warzone|"
  "pubg|lobby|noob|noobs|gg|pvp|ranked|server|quest|npc|controller|console|xbox|playstation|ps5|"
  "steam|twitch",
  NULL),
W(SOF, "en.soft.sport", "en", 0.6f, 0.0f,
  "final|finals|semifinal|league|season|tournament|derby|stadium|pitch|goal|goals|fans|kickoff|"
  "playoff|playoffs|striker|referee|championship|cup|trophy|match",
  "not \"court\" (a judge's court) nor \"team\""),
W(SOF, "en.soft.laugh", "en", 0.5f, 0.0f,
  "lol|lmao|lmfao|rofl|haha|hahaha|hahahaha|jk|xd|kek", NULL),
W(SOF, "en.soft.kidding", "en", 0.6f, 0.0f, "just kidding|joking", NULL),
W(SOF, "en.soft.idiom", "en", 0.9f, 0.0f,
  "kill|killed|killing|kills the|this|that|my? it|time|heat|lights|light|engine|power|music|mood|"
  "vibe|process|app|battery|boredom|buzz|game|competition|workout|exam|test|interview|"
  "presentation|me|myself",
  "\"kill the heat\", \"killing it\"; \"kill myself\" is not a threat to others"),
W(SOF, "en.soft.message", "en", 0.95f, 0.0f,
  "shoot|send|drop you|u|ya *2 message|text|email|dm|line|pm|msg|invite|link|note|mail|photo|pic|"
  "pics",
  "\"I'll shoot you a message\""),
W(SOF, "en.soft.photo", "en", 0.7f, 0.0f,
  "photo|photos|photoshoot|photographer|camera|portrait|filming", NULL),
W(SOF, "en.soft.fiction", "en", 0.6f, 0.0f,
  "movie|film|novel|series|episode|scene|character|lyrics|song|trailer|script|villain|plot", NULL),
W(SOF, "en.soft.cooking", "en", 0.7f, 0.0f,
  "recipe|oven|stove|simmer|boil|pan|skillet|dough|bake|baking|sauce|saute|grill|marinade", NULL),
W(SOF, "en.soft.conditional", "en", 0.2f, 0.0f, "if|unless", "a conditional threat is still one"),
W(SOF, "en.soft.negation", "en", 0.7f, 0.0f, "not|never|aint|ain gonna|going", NULL),
W(SOF, "en.soft.mortality", "en", 0.8f, 0.0f, "every soul|one will|shall taste death", NULL),
W(SOF, "en.soft.we_all_die", "en", 0.8f, 0.0f, "we all|everyone|everybody *2 die", NULL),

W(SOF, "fr.soft.jeu", "fr", 0.6f, 0.0f,
  "jeu|jeux|manche|serveur|fortnite|minecraft|valorant|warzone|noob|gg|ranked|console|xbox|"
  "playstation|ps5|twitch|tournoi|match|matchs|finale|ligue|saison|championnat|stade|supporters|"
  "derby|arbitre|buteur",
  "not « équipe », « partie », « coupe » (« coupe la tête »)"),
W(SOF, "fr.soft.rire", "fr", 0.5f, 0.0f,
  "mdr|ptdr|xptdr|jpp", "\"lol\", \"haha\" are in en.soft.laugh (every set runs on every post)"),
W(SOF, "fr.soft.de_rire", "fr", 0.9f, 0.0f, "mourir|mort|morte|morts|crever|meurs de rire", NULL),
W(SOF, "fr.soft.plaisante", "fr", 0.6f, 0.0f, "je rigole|plaisante|blague", NULL),
W(SOF, "fr.soft.pour_rire", "fr", 0.6f, 0.0f, "pour rire", NULL),
W(SOF, "fr.soft.idiome", "fr", 0.9f, 0.0f,
  "tuer|tue|tués|tuons le temps|game|match|suspense|ennui|moustique|moustiques", NULL),
W(SOF, "fr.soft.mort_aux_rats", "fr", 0.95f, 0.0f, "mort aux rats", NULL),
W(SOF, "fr.soft.cuisine", "fr", 0.7f, 0.0f,
  "recette|four|poêle|casserole|cuisson|mijoter|sauce", "not « feu » (« mettre le feu »)"),
W(SOF, "fr.soft.fiction", "fr", 0.6f, 0.0f,
  "film|série|épisode|roman|personnage|paroles|chanson|scène|méchant", NULL),
W(SOF, "fr.soft.condition", "fr", 0.2f, 0.0f, "si|sinon", NULL),
W(SOF, "fr.soft.negation", "fr", 0.7f, 0.0f,
  "vais|va|allons|vont|veux|voulais|voudrais pas|jamais", "« je (ne) vais pas te tuer »"),

W(SOF, "ar.soft.game", "ar", 0.6f, 0.0f,
  "~لعبة|~ببجي|~فورتنايت|~ماينكرافت|~مباراة|~الدوري|~النهائي|~نهائي|~الملعب|~الجمهور|~الكأس|"
  "~البطولة|~المنتخب|~كورة",
  "not \"هدف\" (goal, also target) nor \"الفريق\" (a military rank)"),
W(SOF, "ar.soft.laugh", "ar", 0.5f, 0.0f, "هه*|~لول|هاها*", NULL),
W(SOF, "ar.soft.joke", "ar", 0.6f, 0.0f, "~أمزح|~بمزح|~نمزح|~مزاح|~مزحة", NULL),
W(SOF, "ar.soft.idiom", "ar", 0.9f, 0.0f,
  "~أقتل|~قتل|~نقتل ~الوقت|~الملل|~الفراغ", "\"kill time\""),
W(SOF, "ar.soft.fat", "ar", 0.9f, 0.0f, "~الدهون|~السعرات|~الكرش", "\"burn fat\""),
W(SOF, "ar.soft.eid", "ar", 0.8f, 0.0f,
  "~الأضحية|~أضحية|~الأضاحي|~أضاحيكم|~الخروف|~خروف|~الذبيحة|~ذبيحة|~الأضحى",
  "Eid sacrifice: \"اذبحوا\" about sheep"),
W(SOF, "ar.soft.fiction", "ar", 0.5f, 0.0f,
  "~مسلسل|~فيلم|~رواية|~الحلقة|~حلقة|~مشهد|~أغنية|~شخصية", NULL),
W(SOF, "ar.soft.condition", "ar", 0.2f, 0.0f, "~إذا|~لو", NULL),

/* ==== exemption cues (Art. 1(3)): news, research, counter-speech ============================= */

P(NEW, "en.news.according_to", "en", "according to", NULL),
P(NEW, "en.news.said", "en",
  "police|authorities|officials|official|ministry|prosecutor|prosecutors|investigators|witnesses|"
  "spokesman|spokeswoman|spokesperson|sources|source|officers|army|military *2 said|say|says|"
  "told|confirmed|stated|reported",
  "\"police said the attacker shouted ...\""),
P(NEW, "en.news.reportedly", "en", "reportedly", NULL),
P(NEW, "en.news.was_reported", "en", "was|were|been|is|are reported", NULL),
P(NEW, "en.news.reported_by", "en",
  "reported|reports by|that", "not \"reported\" alone: users report accounts"),
P(NEW, "en.news.breaking", "en", "^breaking|developing|urgent|update", "at the start of the post"),
P(NEW, "en.news.breaking_news", "en", "breaking news", NULL),
P(NEW, "en.news.agency", "en",
  "reuters|afp|apnews|bbc|cnn|aljazeera|bloomberg|france24|dpa|ansa|efe|xinhua|euronews", NULL),
P(NEW, "en.news.associated_press", "en", "associated press", NULL),
P(NEW, "en.news.statement", "en", "in a statement", NULL),
P(NEW, "en.news.told_reporters", "en", "told reporters|journalists|afp|reuters", NULL),
P(NEW, "en.news.press_conference", "en", "press|news conference|briefing", NULL),
P(NEW, "en.news.suspect", "en",
  "suspect|suspects|gunman|assailant|attacker|perpetrator|perpetrators *3 identified|arrested|"
  "detained|charged|neutralised|neutralized|apprehended",
  NULL),

P(NEW, "fr.news.selon", "fr",
  "selon la|le|les|l|des|nos|une|un|plusieurs|certaines|certains|source|sources|afp|reuters",
  "not « selon moi »"),
P(NEW, "fr.news.d_apres", "fr",
  "d'après la|le|les|l|des|nos|une|un|plusieurs|source|sources", NULL),
P(NEW, "fr.news.a_declare", "fr",
  "a|ont|avait|aurait déclaré|indiqué|annoncé|affirmé|précisé|confirmé|rapporté|assuré", NULL),
P(NEW, "fr.news.police", "fr",
  "police|parquet|autorités|ministère|préfecture|gendarmerie|procureur|enquêteurs|témoins *3 "
  "indique|indiquent|annonce|confirme|précise|déclare|rapporte",
  NULL),
P(NEW, "fr.news.flash", "fr", "^urgent|flash|alerte|info|direct", NULL),
P(NEW, "fr.news.derniere_minute", "fr", "dernière minute|heure", NULL),
P(NEW, "fr.news.medias", "fr",
  "afp|reuters|franceinfo|bfmtv|bfm|lemonde|lefigaro|liberation|france24|rfi|tf1|lci|ouestfrance|"
  "mediapart",
  NULL),
P(NEW, "fr.news.suspect", "fr",
  "suspect|suspects|assaillant|assaillants|agresseur|auteur|auteurs *3 interpellé|interpellés|"
  "arrêté|arrêtés|identifié|neutralisé|abattu|écroué|écroués",
  NULL),

P(NEW, "ar.news.afadat", "ar", "~أفادت|~أفاد|~أوردت|~نقلت|~صرح|~صرحت|~أعلنت|~ذكرت", NULL),
P(NEW, "ar.news.wakala", "ar", "~وكالة|~وكالات", "\"agency\" (news agency)"),
P(NEW, "ar.news.masadir", "ar", "~مصادر", "\"sources\""),
P(NEW, "ar.news.masdar", "ar", "~مصدر ~أمني|~مطلع|~رسمي|~مسؤول|~مسوول|~عسكري|~محلي|~طبي", NULL),
P(NEW, "ar.news.bi_hasab", "ar",
  "~بحسب|~حسب|~وفق|~وفقا ~ما|~مصادر|~وكالة|~وسائل|~بيان|~مسؤولين|~الشرطة|~السلطات|~وزارة|~شهود|"
  "~مراسل|~تقارير|~مصدر",
  NULL),
P(NEW, "ar.news.ajil", "ar", "~عاجل", "\"breaking\""),
P(NEW, "ar.news.qalat_shurta", "ar",
  "~قالت|~قال|~أعلنت|~أعلن|~أفادت|~أكدت|~أكد|~ذكرت|~أوضح|~أوضحت ~الشرطة|~السلطات|~الداخلية|"
  "~الوزارة|~المتحدث|~الناطق|~الجيش|~الأمن",
  "verb first (\"قالت الشرطة\"), the usual order in news"),
P(NEW, "ar.news.shurta_qalat", "ar",
  "~الشرطة|~السلطات|~الداخلية|~الوزارة|~المتحدث|~الناطق|~الجيش|~الأمن *3 ~قالت|~قال|~أعلنت|~أعلن|"
  "~أفادت|~أكدت|~أكد|~ذكرت|~أوضح|~أوضحت",
  NULL),
P(NEW, "ar.news.murasil", "ar", "~مراسل|~مراسلنا|~مراسلة|~مراسلتنا", NULL),

P(RES, "en.research.people", "en",
  "researchers|researcher|academics|professor|professors|phd|postdoc|dissertation|thesis|dataset|"
  "datasets|university|universities|conference|seminar|lecture|syllabus|curriculum",
  "not \"scholars\": propaganda cites religious scholars"),
P(RES, "en.research.study_of", "en",
  "study|studies|analysis|analyses|research|survey|report|paper|article|review *3 on|of|into|"
  "about|shows|finds|found|examines|examined|suggests|analyzes|explores",
  NULL),
P(RES, "en.research.field", "en",
  "extremism|radicalisation|radicalization|deradicalisation|deradicalization|counterterrorism|"
  "propaganda|jihadism",
  "analysts' words; supporters do not call their material propaganda"),

P(RES, "fr.research.etude", "fr",
  "étude|études|analyse|thèse|sondage|rapport *3 sur|de|du|des|montre|montrent|révèle|examine",
  NULL),
P(RES, "fr.research.recherche", "fr",
  "recherche|recherches sur|universitaire|scientifique|académique",
  "not « recherche de » (looking for)"),
P(RES, "fr.research.people", "fr",
  "chercheur|chercheurs|chercheuse|chercheuses|universitaire|universitaires|université|doctorant|"
  "doctorante|colloque|séminaire|laboratoire|cnrs|sociologue|politologue|islamologue|"
  "spécialiste|spécialistes",
  NULL),
P(RES, "fr.research.field", "fr",
  "radicalisation|déradicalisation|extrémisme|propagande|jihadisme|djihadisme|salafisme", NULL),

P(RES, "ar.research.dirasa", "ar",
  "~دراسة|~دراسات|~باحث|~باحثة|~باحثون|~باحثين|~أبحاث|~تحليل|~أطروحة|~دكتوراه|~ماجستير|~جامعة|"
  "~أكاديمي|~أكاديمية|~مؤتمر|~ندوة",
  NULL),
P(RES, "ar.research.markaz", "ar", "~مركز|~مراكز ~دراسات|~الدراسات|~أبحاث|~الأبحاث", "think tanks"),
P(RES, "ar.research.bahth_ilmi", "ar",
  "~بحث|~ورقة|~أوراق ~علمي|~علمية|~أكاديمي|~أكاديمية", "not \"بحث\" alone (also \"search\")"),
P(RES, "ar.research.field", "ar", "~التطرف|~الدعاية|~التشدد", "\"extremism\", \"propaganda\""),

P(CTR, "en.counter.condemn", "en",
  "condemn|condemns|condemned|condemning|condemnation|denounce|denounces|denounced", NULL),
P(CTR, "en.counter.not_in_my_name", "en", "not in my name", NULL),
P(CTR, "en.counter.no_religion", "en", "terrorism|terrorists|terror has|have no religion", NULL),
P(CTR, "en.counter.cowardly", "en",
  "cowardly|cowards|despicable|heinous|barbaric|senseless|evil attack|attacks|act|acts|"
  "terrorists|murderers|killers|terrorist",
  NULL),
P(CTR, "en.counter.victims", "en",
  "rip|pray|praying|prayers|thoughts|condolences|solidarity|justice *3 victims|victim|families|"
  "survivors",
  NULL),
P(CTR, "en.counter.terrorists", "en",
  "these|those|bloody|evil|filthy|disgusting|scum terrorists|terrorist|jihadis|jihadists|"
  "extremists",
  "\"terrorists\" used as condemnation"),
P(CTR, "en.counter.daesh", "en",
  "daesh|daish|khawarij|kharijites|kharijite", "opponents' names for the group"),
P(CTR, "en.counter.not_represent", "en", "not|t|dont represent|speak islam|muslims|us|me", NULL),
P(CTR, "en.counter.stand_against", "en",
  "stand|united|unite|standing against terror|terrorism|extremism|hate|hatred|radicalisation|"
  "radicalization",
  NULL),
P(CTR, "en.counter.fight_terrorism", "en",
  "stop|end|fight|fighting|counter|countering|prevent|preventing|combat|combating|combatting "
  "terrorism|extremism|radicalisation|radicalization|terror",
  NULL),

P(CTR, "fr.counter.condamne", "fr", "je|nous|on condamne|condamnons|dénonce|dénonçons", NULL),
P(CTR, "fr.counter.condamnation", "fr",
  "condamnation|condamnations ferme|fermes|unanime|de|du|des",
  "« condamné à dix ans » (a sentence) does not match"),
P(CTR, "fr.counter.pas_en_mon_nom", "fr", "pas en mon nom", NULL),
P(CTR, "fr.counter.pas_de_religion", "fr",
  "terrorisme|terroristes|terreur *3 pas de religion", NULL),
P(CTR, "fr.counter.lache", "fr",
  "lâche|lâches|ignoble|ignobles|barbare|barbares|odieux|abject|abjecte attentat|attentats|"
  "attaque|acte|actes|terroristes|assassins|crime",
  NULL),
P(CTR, "fr.counter.attentat_lache", "fr",
  "attentat|attentats|attaque|acte|actes|crime lâche|lâches|ignoble|ignobles|barbare|barbares|"
  "odieux|abject|abjecte",
  NULL),
P(CTR, "fr.counter.victimes", "fr",
  "pensées|pensée|prière|prières|condoléances|soutien|hommage|solidarité|recueillement *3 "
  "victimes|victime|familles|proches|blessés",
  NULL),
P(CTR, "fr.counter.daech", "fr", "daech|daesh|khawarij|kharijites", NULL),
P(CTR, "fr.counter.ces_terroristes", "fr", "ces terroristes|barbares|assassins|monstres", NULL),
P(CTR, "fr.counter.representent_pas", "fr", "représentent|représente pas *2 islam|musulmans", NULL),
P(CTR, "fr.counter.contre", "fr",
  "non|stop|contre|lutter|lutte|combattre *3 terrorisme|extrémisme|radicalisation|jihadisme|"
  "djihadisme",
  NULL),

P(CTR, "ar.counter.nadeen", "ar",
  "~ندين|~نستنكر|~أدين|~أستنكر|~نندد|~يدين|~تدين|~إدانة|~استنكار|~نشجب|~أشجب|~تنديد",
  "\"we condemn\""),
P(CTR, "ar.counter.la_din", "ar", "~الإرهاب ~لا ~دين ~له", "\"terrorism has no religion\""),
P(CTR, "ar.counter.khawarij", "ar",
  "~خوارج|~الخوارج|~خارجي|~خوارجي|~داعش|~الدواعش|~دواعش|~داعشي",
  "opponents' names for the group; news uses \"داعش\" too"),
P(CTR, "ar.counter.la_yumaththil", "ar", "~لا ~يمثل|~يمثلون|~تمثل ~الإسلام|~المسلمين", NULL),
P(CTR, "ar.counter.makafaha", "ar", "~مكافحة|~محاربة|~التصدي|~ضد ~الإرهاب|~التطرف", NULL),
P(CTR, "ar.counter.jaban", "ar",
  "~عمل|~هجوم|~اعتداء|~جريمة ~جبان|~إرهابي|~غادر|~إجرامي|~وحشي|~نكراء", NULL),
P(CTR, "ar.counter.taazi", "ar",
  "~الرحمة|~تعازينا|~التعازي|~العزاء|~المواساة|~تضامننا *3 ~الضحايا|~أسر|~عائلات", NULL),
};
/* clang-format on */

const size_t vg__pattern_table_len = VG_ARRAY_LEN(vg__pattern_table);
