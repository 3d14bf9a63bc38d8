/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sites_domain.c: a URL's site. The registrable domain (eTLD+1) comes from the public suffix
 * list built into libpsl (psl_builtin(), ICANN and private sections: every blogspot.com or
 * github.io subdomain is a site of its own, as its owner is); IP hosts stay as they are, since
 * "1.1" is not a site. Hosts arrive in the canonical form of src/text (lower case, punycode), which
 * libpsl's built-in data matches. Categories come from the curated table in sites_table.c, for
 * the host and each of its parent domains.
 */
#include <libpsl.h>
#include <stdlib.h>
#include <string.h>

#include "sites.h"
#include "text.h"

const char *vg_site_category_name(unsigned category)
{
#define VG__SITE_CAT_NAME(name, bit, text)                                                         \
    if (category == VG_SITE_##name)                                                                \
        return text;
    VG_SITE_CATEGORY_MAP(VG__SITE_CAT_NAME)
#undef VG__SITE_CAT_NAME
    return NULL;
}

int vg__host_is_ip(const char *host, size_t len)
{
    if (len > 0 && host[0] == '[')
        return 1;
    int dots = 0, digits = 0;
    for (size_t i = 0; i < len; i++) {
        if (host[i] == '.') {
            if (!digits)
                return 0;
            dots++;
            digits = 0;
        } else if (host[i] >= '0' && host[i] <= '9') {
            if (++digits > 3)
                return 0;
        } else {
            return 0;
        }
    }
    return dots == 3 && digits > 0;
}

int vg__canonical_host(const char *url, size_t len, const char **host, size_t *host_len)
{
    size_t i;
    if (len >= 8 && !memcmp(url, "https://", 8))
        i = 8;
    else if (len >= 7 && !memcmp(url, "http://", 7))
        i = 7;
    else
        return -1;
    size_t start = i;
    if (i < len && url[i] == '[') { /* [IPv6] keeps its colons */
        while (i < len && url[i] != ']')
            i++;
        if (i < len)
            i++;
    }
    while (i < len && url[i] != ':' && url[i] != '/' && url[i] != '?' && url[i] != '#')
        i++;
    if (i == start)
        return -1;
    *host = url + start;
    *host_len = i - start;
    return 0;
}

vg_status vg_domain_registrable(const char *host, char *out)
{
    if (!host || !*host || !out)
        return VG_EINVAL;
    size_t n = strlen(host);
    out[0] = '\0';
    if (n > VG_SITE_HOST_MAX)
        return VG_ELIMIT;
    const char *r = NULL;
    if (!vg__host_is_ip(host, n))
        r = psl_registrable_domain(psl_builtin(), host);
    /* NULL: an IP, or a host that is a public suffix itself ("co.uk", "localhost"). */
    memcpy(out, r ? r : host, strlen(r ? r : host) + 1);
    return VG_OK;
}

static int service_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const struct vg__site_service *)elem)->domain);
}

unsigned vg_domain_categories(const char *host)
{
    if (!host)
        return 0;
    unsigned cats = 0;
    for (const char *h = host; h; h = strchr(h, '.')) {
        if (*h == '.')
            h++;
        const struct vg__site_service *s = bsearch(h, vg__site_services, vg__n_site_services,
                                                   sizeof(vg__site_services[0]), service_cmp);
        if (s)
            cats |= s->categories;
    }
    return cats;
}

vg_status vg_url_site(const char *url, size_t len, struct vg_url_site *out)
{
    if (!url || !out)
        return VG_EINVAL;
    memset(out, 0, sizeof(*out));
    char mem[VG_SITE_HOST_MAX + 3];
    struct vg_buf b = { .data = mem, .len = 0, .cap = sizeof(mem), .max = VG_SITE_HOST_MAX };
    /* A stack buffer: vg_buf never frees or grows memory it has room in, and the limit stops it
     * before it would. */
    vg_status rc = vg_url_domain_buf(url, len, &b);
    if (rc)
        return rc;
    memcpy(out->host, b.data, b.len);
    out->host[b.len] = '\0';
    if ((rc = vg_domain_registrable(out->host, out->registrable))) {
        memset(out, 0, sizeof(*out));
        return rc;
    }
    out->categories = vg_domain_categories(out->host);
    return VG_OK;
}
