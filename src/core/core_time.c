/* SPDX-License-Identifier: Apache-2.0 */
/*
 * core_time.c: parsing and formatting of instants. Platforms write time three ways (RFC 3339,
 * Twitter v1.1's ctime-like form, the Fifth Tribe CSV's M/D/YYYY H:MM); all become seconds since
 * the epoch, UTC. Civil-date arithmetic is Howard Hinnant's days_from_civil, so no dependence on
 * the process time zone (timegm is not standard C and mktime reads TZ).
 */
#include <stdio.h>
#include <string.h>

#include "core.h"

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)((int64_t)yoe + era * 400 + (*m <= 2));
}

static int days_in_month(int y, unsigned m)
{
    static const int dim[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 ? 28 + leap : dim[m - 1];
}

/* Read exactly n digits at *p. */
static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return 0;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return 1;
}

/* Read 1 to max digits at *p. */
static int digits_var(const char **p, int max, int *out)
{
    int v = 0, i = 0;
    while (i < max && (*p)[i] >= '0' && (*p)[i] <= '9') {
        v = v * 10 + ((*p)[i] - '0');
        i++;
    }
    if (i == 0)
        return 0;
    *p += i;
    *out = v;
    return 1;
}

static int make_time(int y, int mo, int d, int h, int mi, int s, int off_min, int64_t *out)
{
    if (y < 1900 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, (unsigned)mo) ||
        h > 23 || mi > 59 || s > 60)
        return 0;
    int64_t days = days_from_civil(y, (unsigned)mo, (unsigned)d);
    *out = days * 86400 + h * 3600 + mi * 60 + (s == 60 ? 59 : s) - (int64_t)off_min * 60;
    return 1;
}

/* "+HH:MM", "+HHMM", "+HH", "Z"; returns 1 and the offset in minutes. */
static int parse_offset(const char **p, int *off_min)
{
    const char *q = *p;
    if (*q == 'Z' || *q == 'z') {
        *off_min = 0;
        *p = q + 1;
        return 1;
    }
    if (*q != '+' && *q != '-')
        return 0;
    int sign = *q == '-' ? -1 : 1, hh, mm = 0;
    q++;
    if (!digits(&q, 2, &hh))
        return 0;
    if (*q == ':')
        q++;
    if (*q >= '0' && *q <= '9' && !digits(&q, 2, &mm))
        return 0;
    if (hh > 23 || mm > 59)
        return 0;
    *off_min = sign * (hh * 60 + mm);
    *p = q;
    return 1;
}

static int parse_iso(const char *s, int64_t *out)
{
    const char *p = s;
    int y, mo, d, h = 0, mi = 0, sec = 0, off = 0;
    if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
        !digits(&p, 2, &d))
        return 0;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi))
            return 0;
        if (*p == ':') {
            p++;
            if (!digits(&p, 2, &sec))
                return 0;
            if (*p == '.' || *p == ',') {
                p++;
                if (*p < '0' || *p > '9')
                    return 0;
                while (*p >= '0' && *p <= '9')
                    p++;
            }
        }
        if (*p && !parse_offset(&p, &off))
            return 0;
    }
    if (*p)
        return 0;
    return make_time(y, mo, d, h, mi, sec, off, out);
}

/* "Wed Oct 10 20:19:24 +0000 2018" */
static int parse_twitter(const char *s, int64_t *out)
{
    static const char *months = "JanFebMarAprMayJunJulAugSepOctNovDec";
    if (strlen(s) != 30 || s[3] != ' ' || s[7] != ' ' || s[10] != ' ' || s[19] != ' ' ||
        s[25] != ' ')
        return 0;
    int mo = 0;
    for (int i = 0; i < 12; i++)
        if (!strncmp(s + 4, months + 3 * i, 3))
            mo = i + 1;
    const char *p = s + 8;
    int d, h, mi, sec, off, y;
    if (!mo || !digits(&p, 2, &d) || *p++ != ' ' || !digits(&p, 2, &h) || *p++ != ':' ||
        !digits(&p, 2, &mi) || *p++ != ':' || !digits(&p, 2, &sec) || *p++ != ' ' ||
        !parse_offset(&p, &off) || *p++ != ' ' || !digits(&p, 4, &y) || *p)
        return 0;
    return make_time(y, mo, d, h, mi, sec, off, out);
}

/* "1/6/2015 21:07" or "1/6/2015 21:07:33" (Fifth Tribe CSV), UTC. */
static int parse_mdy(const char *s, int64_t *out)
{
    const char *p = s;
    int mo, d, y, h, mi, sec = 0;
    if (!digits_var(&p, 2, &mo) || *p++ != '/' || !digits_var(&p, 2, &d) || *p++ != '/' ||
        !digits(&p, 4, &y) || *p++ != ' ' || !digits_var(&p, 2, &h) || *p++ != ':' ||
        !digits(&p, 2, &mi))
        return 0;
    if (*p == ':') {
        p++;
        if (!digits(&p, 2, &sec))
            return 0;
    }
    if (*p)
        return 0;
    return make_time(y, mo, d, h, mi, sec, 0, out);
}

vg_status vg_time_parse(const char *s, int64_t *out)
{
    *out = VG_TIME_UNKNOWN;
    if (!s)
        return VG_EINVAL;
    int64_t t;
    if (parse_iso(s, &t) || parse_twitter(s, &t) || parse_mdy(s, &t)) {
        *out = t;
        return VG_OK;
    }
    return VG_EPARSE;
}

char *vg_time_format(int64_t t, char buf[21])
{
    int64_t days = t / 86400, rem = t % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    int y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    /* Values are in range by construction; the modulos tell the compiler so. */
    snprintf(buf, 21, "%04d-%02u-%02uT%02d:%02d:%02dZ", ((y % 10000) + 10000) % 10000, m % 13,
             d % 32, (int)(rem / 3600) % 24, (int)(rem / 60 % 60), (int)(rem % 60));
    return buf;
}
