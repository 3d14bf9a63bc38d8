/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sites_table.c: the curated table of well-known public services whose links carry a meaning of
 * their own for a moderator: link shorteners (the target is hidden), file hosts and paste sites
 * (where propaganda releases are mirrored), messaging invite links (the way out to closed
 * channels) and web archives (copies that outlive takedowns). Only general-purpose public
 * services are listed, never a site of any movement.
 *
 * An entry covers the host and its subdomains (drive.google.com covers only Google Drive, not
 * google.com). Source of each entry: the service's own description of itself on its home page
 * or help pages (named in the third column), as of 2026; services known to have closed are kept,
 * since old posts still link to them. Keep the table sorted by domain (test_sites checks).
 */
#include "sites.h"

#define SH VG_SITE_SHORTENER
#define FH VG_SITE_FILE_HOST
#define PA VG_SITE_PASTE
#define MS VG_SITE_MESSAGING
#define AR VG_SITE_ARCHIVE

const struct vg__site_service vg__site_services[] = {
    { "1drv.ms", SH | FH, "Microsoft OneDrive share links (onedrive.live.com help)" },
    { "4shared.com", FH, "4shared file sharing (4shared.com)" },
    { "archive.fo", AR, "archive.today mirror domain (archive.today FAQ)" },
    { "archive.is", AR, "archive.today mirror domain (archive.today FAQ)" },
    { "archive.li", AR, "archive.today mirror domain (archive.today FAQ)" },
    { "archive.md", AR, "archive.today mirror domain (archive.today FAQ)" },
    { "archive.org", AR | FH, "Internet Archive: Wayback Machine and uploads (archive.org/about)" },
    { "archive.ph", AR, "archive.today mirror domain (archive.today FAQ)" },
    { "archive.today", AR, "archive.today web page archive (archive.today FAQ)" },
    { "archive.vn", AR, "archive.today mirror domain (archive.today FAQ)" },
    { "bit.ly", SH, "Bitly link shortener (bitly.com)" },
    { "bitly.com", SH, "Bitly link shortener (bitly.com)" },
    { "box.com", FH, "Box file sharing (box.com)" },
    { "buff.ly", SH, "Buffer link shortener (buffer.com help)" },
    { "catbox.moe", FH, "Catbox file host (catbox.moe)" },
    { "chat.whatsapp.com", MS, "WhatsApp group invite links (faq.whatsapp.com)" },
    { "controlc.com", PA, "ControlC paste site (controlc.com)" },
    { "cutt.ly", SH, "Cuttly link shortener (cutt.ly)" },
    { "discord.com", MS, "Discord, invite links under /invite (discord.com)" },
    { "discord.gg", MS, "Discord invite links (support.discord.com)" },
    { "dlvr.it", SH, "dlvr.it social posting short links (dlvrit.com)" },
    { "docs.google.com", FH, "Google Docs shared documents (support.google.com)" },
    { "dpaste.org", PA, "dpaste paste site (dpaste.org)" },
    { "drive.google.com", FH, "Google Drive shared files (support.google.com)" },
    { "dropbox.com", FH, "Dropbox shared files (dropbox.com)" },
    { "dropboxusercontent.com", FH, "Dropbox file downloads (dropbox.com help)" },
    { "files.fm", FH, "Files.fm file sharing (files.fm)" },
    { "ghostarchive.org", AR, "Ghost Archive web page archive (ghostarchive.org)" },
    { "gofile.io", FH, "Gofile file sharing (gofile.io)" },
    { "goo.gl", SH,
      "Google URL shortener, closed 2019, links still resolve (developers.google.com)" },
    { "hastebin.com", PA, "Hastebin paste site (toptal.com/developers/hastebin)" },
    { "is.gd", SH, "is.gd link shortener (is.gd)" },
    { "justpaste.it", PA, "JustPaste.it paste site (justpaste.it)" },
    { "krakenfiles.com", FH, "KrakenFiles file host (krakenfiles.com)" },
    { "lnkd.in", SH, "LinkedIn link shortener (linkedin.com help)" },
    { "matrix.to", MS, "Matrix room and user links (matrix.org)" },
    { "mediafire.com", FH, "MediaFire file sharing (mediafire.com)" },
    { "mega.co.nz", FH, "MEGA cloud storage, former domain (mega.io)" },
    { "mega.nz", FH, "MEGA cloud storage (mega.io)" },
    { "notes.io", PA, "notes.io note sharing (notes.io)" },
    { "onedrive.live.com", FH, "Microsoft OneDrive (onedrive.live.com)" },
    { "ow.ly", SH, "Hootsuite link shortener (hootsuite.com help)" },
    { "paste.ee", PA, "Paste.ee paste site (paste.ee)" },
    { "pastebin.com", PA, "Pastebin paste site (pastebin.com)" },
    { "pastes.io", PA, "Pastes.io paste site (pastes.io)" },
    { "perma.cc", AR, "Perma.cc web archive (perma.cc)" },
    { "pixeldrain.com", FH, "Pixeldrain file sharing (pixeldrain.com)" },
    { "privatebin.net", PA, "PrivateBin paste service (privatebin.info)" },
    { "rb.gy", SH, "Rebrandly free short links (rb.gy)" },
    { "rebrand.ly", SH, "Rebrandly link shortener (rebrandly.com)" },
    { "rentry.co", PA, "Rentry markdown paste site (rentry.co)" },
    { "s.id", SH, "s.id link shortener (s.id)" },
    { "sendspace.com", FH, "SendSpace file sharing (sendspace.com)" },
    { "shorturl.at", SH, "ShortURL link shortener (shorturl.at)" },
    { "signal.group", MS, "Signal group invite links (support.signal.org)" },
    { "signal.me", MS, "Signal contact links (support.signal.org)" },
    { "t.co", SH, "X/Twitter link wrapper (help.x.com)" },
    { "t.ly", SH, "T.LY link shortener (t.ly)" },
    { "t.me", MS, "Telegram channel, group and invite links (telegram.org/faq)" },
    { "telegra.ph", PA, "Telegraph publishing tool of Telegram (telegra.ph)" },
    { "telegram.dog", MS, "Telegram link domain (telegram.org)" },
    { "telegram.me", MS, "Telegram link domain (telegram.org/faq)" },
    { "terabox.com", FH, "TeraBox cloud storage (terabox.com)" },
    { "tiny.cc", SH, "tiny.cc link shortener (tiny.cc)" },
    { "tinyurl.com", SH, "TinyURL link shortener (tinyurl.com)" },
    { "tt.me", MS, "TamTam messenger channel links (tamtam.chat)" },
    { "uptobox.com", FH, "Uptobox file host, closed 2023 (uptobox.com)" },
    { "v.gd", SH, "v.gd link shortener (v.gd)" },
    { "wa.me", MS, "WhatsApp click-to-chat links (faq.whatsapp.com)" },
    { "we.tl", SH | FH, "WeTransfer short links (wetransfer.com help)" },
    { "wetransfer.com", FH, "WeTransfer file transfer (wetransfer.com)" },
    { "write.as", PA, "Write.as anonymous publishing (write.as)" },
    { "zippyshare.com", FH, "Zippyshare file host, closed 2023 (zippyshare.com)" },
};

const size_t vg__n_site_services = VG_ARRAY_LEN(vg__site_services);
