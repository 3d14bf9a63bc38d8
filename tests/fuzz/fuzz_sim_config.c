/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_sim_config.c: libFuzzer target for the world generator's settings parser
 * (vg_sim_config_parse, `vigie sim --config FILE`). Invariants: the result is VG_OK, VG_EPARSE or
 * VG_EINVAL; a failure comes with a message naming a line; whatever happens, every setting stays
 * within the table's bounds, the start stays a YYYY-MM-DD date, and the settings still write as
 * a JSON object that cJSON reads with every setting in it.
 */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

static int in(double x, double lo, double hi)
{
    return x >= lo && x <= hi;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vg_sim_config c;
    vg_sim_config_default(&c);
    char err[300] = "";
    vg_status rc = vg_sim_config_parse(&c, (const char *)data, size, err, sizeof(err));
    if (rc != VG_OK && rc != VG_EPARSE && rc != VG_EINVAL)
        abort();
    if (rc != VG_OK && strncmp(err, "line ", 5) != 0)
        abort();
    if (!in((double)c.accounts, 10, 50000000) || !in((double)c.days, 1, 3650) ||
        !in(c.insularity, 0.05, 0.95) || !in(c.supporter_share, 0, 0.5) || !in(c.regain, 0, 1) ||
        !in(c.storm_hours, 0.01, 72) || c.community_size < 2 || c.snapshot_days < 1 ||
        strlen(c.start) != 10 || c.start[4] != '-' || c.start[7] != '-')
        abort();
    struct vg_buf b;
    vg_buf_init(&b, 1 << 16);
    if (vg__sim_config_json(&c, &b) != VG_OK)
        abort();
    cJSON *doc = cJSON_Parse(b.data);
    if (!doc || !cJSON_IsObject(doc) || cJSON_GetArraySize(doc) < 45 ||
        !cJSON_IsString(cJSON_GetObjectItem(doc, "start")))
        abort();
    cJSON_Delete(doc);
    vg_buf_release(&b);
    return 0;
}
