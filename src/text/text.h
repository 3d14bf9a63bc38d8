/* SPDX-License-Identifier: Apache-2.0 */
/*
 * text.h: the text stage. Normalisation for matching and features (the original text is always
 * kept beside it), HTML to text, extraction of hashtags/mentions/URLs from plain text, URL
 * canonicalisation and language identification. Readers call these while converting records;
 * later stages (classifier, near-duplicates, links) call them on stored text.
 *
 * The _buf variants append to a caller's bounded buffer and allocate nothing else on the fast
 * path: they are what the ingest hot loop uses. The public vg_text_normalize() and
 * vg_url_canonicalize() in vigie.h wrap them.
 */
#ifndef VG_TEXT_H
#define VG_TEXT_H

#include "core.h"

/* Append the normalised form of s (see vg_text_normalize in vigie.h) to out. */
vg_status vg_text_normalize_buf(const char *s, size_t len, struct vg_buf *out);

/* Append s with HTML character references decoded (&amp; &#39; &#x1F600; and the named ones
 * that occur in posts); unknown references are kept as written. */
vg_status vg_html_unescape_buf(const char *s, size_t len, struct vg_buf *out);

/* Append the text of an HTML fragment (Mastodon `content`): tags dropped, <br> and paragraph
 * ends become "\n", references decoded, no leading/trailing white space. */
vg_status vg_html_to_text_buf(const char *s, size_t len, struct vg_buf *out);

/* 1 if code point c is a letter, a mark or a number (Unicode L*, M*, N*): the one definition of
 * a word character that extraction, features and patterns share (each adds its ASCII rule). */
int vg_text_cp_is_word(int32_t c);

/* Entities found in plain text, as the platform would mark them. */
enum vg_entity_kind {
    VG_ENTITY_HASHTAG,
    VG_ENTITY_MENTION,
    VG_ENTITY_URL
};

/*
 * Call fn for each hashtag ("#word", Unicode letters, digits, '_' and combining marks; not all
 * digits), mention ("@handle", ASCII letters/digits/'_', optionally "@user@host" for the
 * fediverse) and URL ("http://" or "https://" up to white space, trailing punctuation dropped)
 * in s. The span passed excludes '#' and '@'. Returns the number found, or a negative status if
 * fn returns one (extraction stops there).
 */
typedef vg_status (*vg_entity_fn)(enum vg_entity_kind kind, const char *s, size_t len, void *ud);
long vg_text_extract(const char *s, size_t len, vg_entity_fn fn, void *ud);

/* Append the canonical form of url (see vg_url_canonicalize in vigie.h) to out. */
vg_status vg_url_canonicalize_buf(const char *url, size_t len, struct vg_buf *out);

/*
 * Append the host of an absolute URL, lower-cased, IDN as punycode, "www." removed, to out.
 * Errors: VG_EPARSE when url has no host.
 */
vg_status vg_url_domain_buf(const char *url, size_t len, struct vg_buf *out);

/* What the text stage derives from a post before it is stored (text_derive.c). */
struct vg_post_derived {
    const char *text_norm;     /* vg_text_normalize of the text, NULL if it failed */
    const char *lang;          /* the source's language, else the identified one, else NULL */
    int lang_identified;       /* 1 if lang came from vg_lang_identify */
    double lang_confidence;    /* when identified */
    struct vg_strv tags_norm;  /* hashtags normalised (case folded), deduplicated */
    struct vg_strv urls_canon; /* canonical URLs of post->urls that parse */
    struct vg_strv domains;    /* their domains, parallel to urls_canon */
};

/*
 * Derive normalised text, language, normalised hashtags and canonical URLs of a post. Memory
 * comes from arena (valid until its reset); scratch is a reusable buffer. A field that cannot be
 * derived (a URL that does not parse) is left out; only VG_ENOMEM is an error.
 */
vg_status vg__post_derive(const struct vg_post *post, struct vg_arena *arena,
                          struct vg_buf *scratch, struct vg_post_derived *out);

#endif /* VG_TEXT_H */
