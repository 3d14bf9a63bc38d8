#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write the bundled sample under sample/: invented activity in every input format vigie reads.

Everything here is made up: accounts are "sample_*", texts are generic sentences about weather,
sport and news, links point to example.org. No real post, person or account appears. The output
is deterministic (fixed seed), so re-running it changes nothing unless this script changes.

    python3 tools/make-sample.py            # writes sample/
"""
import csv
import gzip
import io
import json
import os
import random
from datetime import datetime, timedelta, timezone

R = random.Random(20261123)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sample")
T0 = datetime(2026, 3, 1, 8, 0, 0, tzinfo=timezone.utc)

TEXTS = {
    "en": [
        "Rain again this morning, the river is high near the old bridge",
        "Great match last night, the second half was something else",
        "Reading the council report on the new tram line, long but worth it",
        "Bakery on the corner has the best bread in town, no contest",
        "Power cut in our street for two hours, anyone else?",
        "The library extends its opening hours from next week",
        "Traffic jam on the ring road, leave early if you can",
        "Volunteers needed for the park clean-up on Saturday",
    ],
    "fr": [
        "Encore de la pluie ce matin, la rivière est haute près du vieux pont",
        "Beau match hier soir, la deuxième mi-temps était incroyable",
        "La bibliothèque prolonge ses horaires à partir de la semaine prochaine",
        "Embouteillage sur le périphérique, partez tôt si vous pouvez",
        "On cherche des bénévoles pour nettoyer le parc samedi",
        "Le marché du dimanche est déplacé place de la mairie",
    ],
    "ar": [
        "أمطار غزيرة هذا الصباح والنهر مرتفع قرب الجسر القديم",
        "مباراة رائعة الليلة الماضية وكان الشوط الثاني مختلفا تماما",
        "المكتبة تمدد ساعات العمل ابتداء من الأسبوع القادم",
        "ازدحام مروري على الطريق الدائري، اخرجوا مبكرا",
        "نبحث عن متطوعين لتنظيف الحديقة يوم السبت",
        "انقطاع الكهرباء في حيّنا لمدة ساعتين",
    ],
}
TAGS = {"en": ["weather", "football", "citynews"], "fr": ["météo", "football", "actualité"],
        "ar": ["الطقس", "كرة_القدم", "أخبار"]}


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def v1_time(t):
    return t.strftime("%a %b %d %H:%M:%S +0000 %Y")


def make_accounts(n):
    accounts = []
    for i in range(n):
        lang = ["en", "fr", "ar"][i % 3]
        accounts.append({
            "id": str(1000000001 + i),
            "handle": f"sample_{lang}_{i:02d}",
            "name": f"Sample {lang.upper()} {i:02d}",
            "bio": f"Invented account {i} for the vigie sample ({lang})",
            "created_at": T0 - timedelta(days=400 + 7 * i),
            "followers": R.randint(3, 5000),
            "following": R.randint(10, 900),
            "posts": R.randint(50, 20000),
            "lang": lang,
        })
    return accounts


def make_text(lang, with_tag, with_url):
    text = R.choice(TEXTS[lang])
    tags = []
    if with_tag:
        tags = [R.choice(TAGS[lang])]
        text += " #" + tags[0]
    urls = []
    if with_url:
        urls = [f"https://www.example.org/{lang}/story/{R.randint(1, 99)}?utm_source=sample"]
        text += " " + urls[0]
    return text, tags, urls


# ---- native -------------------------------------------------------------------------------

def write_native(accounts):
    lines = []
    for a in accounts[:20]:
        lines.append({"type": "account", "platform": "sample", "id": "n" + a["id"],
                      "handle": a["handle"], "name": a["name"], "bio": a["bio"],
                      "created_at": iso(a["created_at"]), "followers": a["followers"],
                      "following": a["following"], "posts": a["posts"],
                      "avatar_url": f"https://img.example.org/avatars/{a['handle']}.png",
                      "observed_at": iso(T0)})
    # A handle change seen later: the account's latest profile and its history both move.
    a = accounts[0]
    lines.append({"type": "account", "platform": "sample", "id": "n" + a["id"],
                  "handle": a["handle"] + "_2", "name": a["name"], "bio": a["bio"],
                  "observed_at": iso(T0 + timedelta(days=3))})
    t = T0
    post_ids = []
    for i in range(120):
        a = R.choice(accounts[:20])
        t += timedelta(minutes=R.randint(1, 90))
        text, tags, urls = make_text(a["lang"], i % 3 == 0, i % 5 == 0)
        pid = f"n{5000 + i}"
        ev = {"type": "post", "platform": "sample", "id": pid, "account": "n" + a["id"],
              "created_at": iso(t), "text": text, "lang": a["lang"], "hashtags": tags,
              "mentions": [], "urls": urls}
        if post_ids and i % 7 == 0:
            ev["reply_to"] = R.choice(post_ids)
        if post_ids and i % 11 == 0:
            ev["repost_of"] = R.choice(post_ids)
            ev["text"] = ""
        if i % 13 == 0:
            ev["media"] = [{"type": "photo", "url": f"https://img.example.org/p/{i}.jpg"}]
        post_ids.append(pid)
        lines.append(ev)
    for i in range(40):
        s, d = R.sample(accounts[:20], 2)
        lines.append({"type": "follow", "src": "n" + s["id"], "dst": "n" + d["id"],
                      "at": iso(T0 + timedelta(hours=i))})
    lines.append({"type": "unfollow", "src": lines[-1]["src"], "dst": lines[-1]["dst"],
                  "at": iso(T0 + timedelta(days=2))})
    lines.append({"type": "suspension", "account": "n" + accounts[5]["id"],
                  "at": iso(T0 + timedelta(days=4)), "reason": "sample: spam"})
    lines.append({"type": "reinstatement", "account": "n" + accounts[5]["id"],
                  "at": iso(T0 + timedelta(days=6)), "reason": "sample: appeal granted"})
    lines.append({"type": "report", "id": "r1", "reporter": "n" + accounts[1]["id"],
                  "target": "n" + accounts[7]["id"], "posts": [post_ids[3]],
                  "reason": "sample report", "at": iso(T0 + timedelta(days=1))})
    lines.append({"type": "deletion", "target": post_ids[10], "target_type": "post",
                  "at": iso(T0 + timedelta(days=2)), "reason": "deleted"})
    with open(os.path.join(OUT, "native.jsonl"), "w", encoding="utf-8") as f:
        for ev in lines:
            f.write(json.dumps(ev, ensure_ascii=False) + "\n")
    return len(lines)


# ---- Twitter v1.1 (gzip) ------------------------------------------------------------------

def v1_user(a, t):
    return {"id": int(a["id"]), "id_str": a["id"], "name": a["name"], "screen_name": a["handle"],
            "description": a["bio"], "followers_count": a["followers"],
            "friends_count": a["following"], "statuses_count": a["posts"],
            "created_at": v1_time(a["created_at"]),
            "profile_image_url_https": f"https://img.example.org/{a['handle']}_normal.jpg"}


def v1_tweet(tid, a, t, text, tags, urls, lang):
    ents = {"hashtags": [{"text": h, "indices": [0, 0]} for h in tags],
            "user_mentions": [], "urls": [{"url": "https://t.co/x", "expanded_url": u,
                                            "indices": [0, 0]} for u in urls]}
    return {"created_at": v1_time(t), "id": tid, "id_str": str(tid), "text": text,
            "truncated": False, "entities": ents, "lang": lang,
            "in_reply_to_status_id_str": None, "user": v1_user(a, t)}


def write_twitter_v1(accounts):
    t = T0
    lines = []
    tid = 1900000000000000000
    for i in range(160):
        a = R.choice(accounts)
        t += timedelta(minutes=R.randint(1, 60))
        text, tags, urls = make_text(a["lang"], i % 2 == 0, i % 4 == 0)
        tid += R.randint(1, 10 ** 9)
        tw = v1_tweet(tid, a, t, text.replace("&", "&amp;"), tags, urls, a["lang"])
        if lines and i % 6 == 0:
            orig = lines[R.randrange(len(lines))]
            if "retweeted_status" not in orig:
                tw["retweeted_status"] = orig
                tw["text"] = "RT @" + orig["user"]["screen_name"] + ": " + orig["text"]
        elif lines and i % 9 == 0:
            orig = lines[R.randrange(len(lines))]
            tw["in_reply_to_status_id_str"] = orig["id_str"]
            tw["entities"]["user_mentions"] = [{"screen_name": orig["user"]["screen_name"],
                                                "id_str": orig["user"]["id_str"],
                                                "indices": [0, 0]}]
        if i % 10 == 5:
            tw["truncated"] = True
            tw["extended_tweet"] = {"full_text": text + " (continued, long version)",
                                    "entities": tw["entities"]}
        lines.append(tw)
    with gzip.GzipFile(os.path.join(OUT, "twitter-v1.jsonl.gz"), "wb", mtime=0) as f:
        for tw in lines:
            f.write((json.dumps(tw, ensure_ascii=False) + "\n").encode())
    return len(lines)


# ---- Twitter v2 (twarc2 pages) ------------------------------------------------------------

def write_twitter_v2(accounts):
    t = T0 + timedelta(days=10)
    pages = []
    tid = 1950000000000000000
    for page in range(3):
        data, users = [], {}
        for i in range(50):
            a = R.choice(accounts)
            t += timedelta(minutes=R.randint(1, 30))
            text, tags, urls = make_text(a["lang"], i % 2 == 1, i % 3 == 0)
            tid += R.randint(1, 10 ** 9)
            tw = {"id": str(tid), "author_id": a["id"], "created_at": iso(t)[:-1] + ".000Z",
                  "text": text, "lang": a["lang"], "conversation_id": str(tid),
                  "entities": {"hashtags": [{"start": 0, "end": 0, "tag": h} for h in tags],
                               "urls": [{"start": 0, "end": 0, "url": "https://t.co/y",
                                         "expanded_url": u} for u in urls]}}
            if data and i % 5 == 0:
                ref = data[R.randrange(len(data))]
                tw["referenced_tweets"] = [{"type": "replied_to", "id": ref["id"]}]
                tw["in_reply_to_user_id"] = ref["author_id"]
            data.append(tw)
            users[a["id"]] = {"id": a["id"], "username": a["handle"], "name": a["name"],
                              "description": a["bio"], "created_at": iso(a["created_at"]),
                              "public_metrics": {"followers_count": a["followers"],
                                                 "following_count": a["following"],
                                                 "tweet_count": a["posts"]}}
        pages.append({"data": data, "includes": {"users": list(users.values())},
                      "meta": {"result_count": len(data)},
                      "__twarc": {"url": "https://api.example.org/2/tweets/search/recent",
                                  "version": "2.0.0", "retrieved_at": iso(t)}})
    with open(os.path.join(OUT, "twitter-v2.jsonl"), "w", encoding="utf-8") as f:
        for p in pages:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    return sum(len(p["data"]) for p in pages)


# ---- follower ids -------------------------------------------------------------------------

def write_ids(accounts):
    # The sample's own accounts, then followers the sample knows nothing else about.
    ids = [a["id"] for a in accounts[1:]] + [str(3000000000 + 7 * i) for i in range(165)]
    page = {"ids": ids, "next_cursor": 0, "next_cursor_str": "0", "previous_cursor": 0}
    os.makedirs(os.path.join(OUT, "followers"), exist_ok=True)
    with open(os.path.join(OUT, "followers", "ids-of-1000000001.json"), "w") as f:
        f.write(json.dumps(page) + "\n")
    return len(ids)


# ---- Mastodon REST ------------------------------------------------------------------------

def m_account(a, host):
    return {"id": str(int(a["id"]) % 100000), "username": a["handle"], "acct": a["handle"],
            "display_name": a["name"], "note": f"<p>{a['bio']}</p>",
            "url": f"https://{host}/@{a['handle']}", "uri": f"https://{host}/users/{a['handle']}",
            "avatar": f"https://{host}/avatars/{a['handle']}.png",
            "created_at": iso(a["created_at"])[:-1] + ".000Z",
            "followers_count": a["followers"], "following_count": a["following"],
            "statuses_count": a["posts"], "bot": False, "locked": False}


def write_mastodon(accounts):
    host = "social.example.org"
    t = T0 + timedelta(days=20)
    statuses = []
    for i in range(120):
        a = R.choice(accounts)
        t += timedelta(minutes=R.randint(1, 45))
        text, tags, urls = make_text(a["lang"], i % 2 == 0, i % 4 == 1)
        html = "<p>" + text.replace("&", "&amp;").replace("<", "&lt;") + "</p>"
        sid = str(112000000000000000 + i * 1000)
        statuses.append({
            "id": sid, "created_at": iso(t)[:-1] + ".000Z", "in_reply_to_id": None,
            "in_reply_to_account_id": None, "sensitive": False, "spoiler_text": "",
            "visibility": "public", "language": a["lang"],
            "uri": f"https://{host}/users/{a['handle']}/statuses/{sid}",
            "url": f"https://{host}/@{a['handle']}/{sid}", "replies_count": 0,
            "reblogs_count": 0, "favourites_count": 0, "content": html, "reblog": None,
            "account": m_account(a, host), "media_attachments": [], "mentions": [],
            "tags": [{"name": h, "url": f"https://{host}/tags/{h}"} for h in tags],
            "emojis": [], "card": None, "poll": None})
    with open(os.path.join(OUT, "mastodon-statuses.json"), "w", encoding="utf-8") as f:
        json.dump(statuses, f, ensure_ascii=False, indent=2)
        f.write("\n")
    return len(statuses)


# ---- ActivityPub --------------------------------------------------------------------------

def write_activitypub(accounts):
    host = "fedi.example.net"
    ctx = "https://www.w3.org/ns/activitystreams"
    t = T0 + timedelta(days=25)
    acts = []
    notes = []
    for i in range(150):
        a = R.choice(accounts)
        actor = f"https://{host}/users/{a['handle']}"
        t += timedelta(minutes=R.randint(1, 50))
        text, tags, urls = make_text(a["lang"], i % 2 == 0, False)
        nid = f"{actor}/statuses/{300 + i}"
        notes.append(nid)
        acts.append({"@context": ctx, "id": nid + "/activity", "type": "Create", "actor": actor,
                     "published": iso(t), "to": [ctx + "#Public"],
                     "object": {"id": nid, "type": "Note", "attributedTo": actor,
                                "published": iso(t), "content": f"<p>{text}</p>",
                                "tag": [{"type": "Hashtag", "name": "#" + h,
                                         "href": f"https://{host}/tags/{h}"} for h in tags]}})
    for i in range(60):
        s, d = R.sample(accounts, 2)
        src, dst = f"https://{host}/users/{s['handle']}", f"https://{host}/users/{d['handle']}"
        acts.append({"@context": ctx, "id": f"{src}#follows/{i}", "type": "Follow",
                     "actor": src, "object": dst, "published": iso(t + timedelta(hours=i))})
    a = accounts[3]
    acts.append({"@context": ctx, "id": f"https://{host}/reports/1", "type": "Flag",
                 "actor": f"https://{host}/actor",
                 "object": [f"https://{host}/users/{a['handle']}", notes[0]],
                 "content": "sample report: spam", "published": iso(t + timedelta(days=1))})
    acts.append({"@context": ctx, "id": notes[1] + "#delete", "type": "Delete",
                 "actor": notes[1].split("/statuses/")[0], "object": notes[1],
                 "published": iso(t + timedelta(days=2))})
    with open(os.path.join(OUT, "activitypub.jsonl"), "w", encoding="utf-8") as f:
        for x in acts:
            f.write(json.dumps(x, ensure_ascii=False) + "\n")
    return len(acts)


# ---- Fifth Tribe CSV ----------------------------------------------------------------------

def write_fifth_tribe(accounts):
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(["name", "username", "description", "location", "followers", "numberstatuses",
                "time", "tweets"])
    t = T0 - timedelta(days=300)
    for i in range(150):
        a = accounts[i % 12]
        t += timedelta(minutes=R.randint(5, 600))
        text, tags, urls = make_text(a["lang"], i % 2 == 0, i % 5 == 0)
        if i % 8 == 3:
            text += "\nsecond line, inside the quoted field"
        if i % 8 == 5:
            text = 'She said "hello, world" ' + text
        w.writerow([a["name"], a["handle"], a["bio"], "Sample Town", a["followers"], a["posts"],
                    f"{t.month}/{t.day}/{t.year} {t.hour}:{t.minute:02d}", text])
    with open(os.path.join(OUT, "fifth-tribe.csv"), "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())
    return 150


def main():
    os.makedirs(OUT, exist_ok=True)
    accounts = make_accounts(36)
    counts = {
        "native.jsonl": write_native(accounts),
        "twitter-v1.jsonl.gz": write_twitter_v1(accounts),
        "twitter-v2.jsonl": write_twitter_v2(accounts),
        "followers/ids-of-1000000001.json": write_ids(accounts),
        "mastodon-statuses.json": write_mastodon(accounts),
        "activitypub.jsonl": write_activitypub(accounts),
        "fifth-tribe.csv": write_fifth_tribe(accounts),
    }
    for k, v in counts.items():
        print(f"{k}: {v} records")


if __name__ == "__main__":
    main()
