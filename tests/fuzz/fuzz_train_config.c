/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_train_config.c: libFuzzer target for the training configuration parser
 * (vg__train_config_parse, `vigie train --config FILE`). Invariants: the result is VG_OK,
 * VG_EPARSE or VG_EINVAL; a failure comes with a message naming a line; whatever happens, every
 * setting stays within the table's bounds, and the config still writes as JSON that cJSON reads.
 */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect_pipeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vg_train_config c;
    vg__train_config_default(&c);
    char err[300] = "";
    vg_status rc = vg__train_config_parse(&c, (const char *)data, size, err, sizeof(err));
    if (rc != VG_OK && rc != VG_EPARSE && rc != VG_EINVAL)
        abort();
    if (rc != VG_OK && strncmp(err, "line ", 5) != 0)
        abort();
    if (c.bits < 16 || c.bits > 24 || !(c.C >= 1e-4 && c.C <= 1e4) || !c.flags ||
        (c.solver != 0 && c.solver != 6) || !(c.hate_fpr_max >= 0 && c.hate_fpr_max <= 1) ||
        !memchr(c.name, '\0', sizeof(c.name)) || !memchr(c.eval_only, '\0', sizeof(c.eval_only)))
        abort();
    struct vg_buf b;
    vg_buf_init(&b, 1 << 16);
    if (vg__train_config_json(&c, &b) != VG_OK)
        abort();
    cJSON *doc = cJSON_Parse(b.data);
    if (!doc)
        abort();
    cJSON_Delete(doc);
    vg_buf_release(&b);
    return 0;
}
