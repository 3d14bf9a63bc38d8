/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sites.h: the sites stage (docs/sites.md): a URL's site (registrable domain and categories),
 * lists of domains, URL prefixes and patterns kept in the store with their history, the matcher
 * that tells which entries a URL hits, the list-file readers and writers, and per-domain
 * statistics. The public API is the @@sites section of vigie.h; these are what its files share.
 */
#ifndef VG_SITES_H
#define VG_SITES_H

#include "core.h"

/* One row of the curated table of public services (sites_table.c). */
struct vg__site_service {
    const char *domain;  /* the host it covers, with its subdomains */
    unsigned categories; /* VG_SITE_* */
    const char *source;  /* where the entry comes from */
};

/* The table, sorted by domain (a unit test checks the order), and its length. */
extern const struct vg__site_service vg__site_services[];
extern const size_t vg__n_site_services;

/* The host of a canonical URL (after "://", up to ':', '/', '?' or the end): its start and length.
 * 0, or -1 when url is not "http(s)://host...". */
int vg__canonical_host(const char *url, size_t len, const char **host, size_t *host_len);

/* 1 if host[0..len) is an IPv4 address in dotted form or a bracketed IPv6 address. */
int vg__host_is_ip(const char *host, size_t len);

/* Normalise a domain as typed (see vg_list_entry_normalize) into out. *why on VG_EPARSE. */
vg_status vg__domain_normalize(const char *s, size_t len, struct vg_buf *out, const char **why);

/* Check that a Hyperscan pattern compiles (*why: static text on VG_EPARSE). */
vg_status vg__pattern_check(const char *pattern, const char **why);

/* The OS user, for change logs when no actor is named ("unknown" when it cannot be told). */
const char *vg__os_user(void);

/* Interned strings: each distinct string gets the next id (0, 1, ...). */
struct vg__strmap {
    struct vg_arena strings;
    const char **str; /* by id */
    uint32_t *slots;  /* id + 1, 0: empty */
    size_t n, cap_str, mask;
};

void vg__strmap_init(struct vg__strmap *m);
void vg__strmap_release(struct vg__strmap *m);
/* The id of s[0..n), added when new (*added 1). Errors: VG_ENOMEM. */
vg_status vg__strmap_intern(struct vg__strmap *m, const char *s, size_t n, uint32_t *id,
                            int *added);
/* The id of s, or -1. */
int64_t vg__strmap_find(const struct vg__strmap *m, const char *s, size_t n);

/* A set of 64-bit keys (any value but UINT64_MAX). */
struct vg__u64set {
    uint64_t *slots;
    size_t n, mask;
};

void vg__u64set_init(struct vg__u64set *s);
void vg__u64set_release(struct vg__u64set *s);
/* Add k; *added 1 when it was not there. Errors: VG_ENOMEM. */
vg_status vg__u64set_add(struct vg__u64set *s, uint64_t k, int *added);

#endif /* VG_SITES_H */
