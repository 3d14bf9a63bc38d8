/* SPDX-License-Identifier: Apache-2.0 */
/*
 * core_status.c: status texts generated from the one X-macro table in vigie.h, the version, and
 * the process-wide log sink. The library formats a message only when a sink wants that level.
 */
#include <stdio.h>

#include "core.h"

const char *vg_version(void)
{
    return VG_VERSION_STRING;
}

const char *vg_strerror(vg_status rc)
{
    switch (rc) {
#define VG__STATUS_TEXT(name, value, text)                                                         \
    case VG_##name:                                                                                \
        return text;
        VG_STATUS_MAP(VG__STATUS_TEXT)
#undef VG__STATUS_TEXT
    }
    return "unknown error";
}

const char *vg_errname(vg_status rc)
{
    switch (rc) {
#define VG__STATUS_NAME(name, value, text)                                                         \
    case VG_##name:                                                                                \
        return #name;
        VG_STATUS_MAP(VG__STATUS_NAME)
#undef VG__STATUS_NAME
    }
    return "UNKNOWN";
}

static vg_log_fn log_fn;
static void *log_ud;
static enum vg_log_level log_max = VG_LOG_WARN;

void vg_log_set(vg_log_fn fn, void *userdata, enum vg_log_level max_level)
{
    log_fn = fn;
    log_ud = userdata;
    log_max = max_level;
}

int vg__log_enabled(enum vg_log_level level)
{
    return log_fn && level <= log_max;
}

void vg__log(enum vg_log_level level, const char *fmt, ...)
{
    if (!vg__log_enabled(level))
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    log_fn(level, msg, log_ud);
}
