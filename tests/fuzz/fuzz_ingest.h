/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_ingest.h: the body shared by the reader fuzz targets. The input goes through the real
 * driver (gzip detection, line splitting, JSON parsing) with the format fixed, and every record
 * that comes out is checked: a record either has events that pass vg_event_check (the reader
 * promised them) or a non-empty reason, and the native JSON of each event reads back.
 */
#ifndef VG_FUZZ_INGEST_H
#define VG_FUZZ_INGEST_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest.h"
#include "ingest_input.h"

static vg_status fuzz_check_record(void *ud, const struct vg_record *rec)
{
    (void)ud;
    if (rec->reason) {
        if (!rec->reason[0])
            abort(); /* a rejection must say why */
        return VG_OK;
    }
    if (rec->n_events == 0)
        abort(); /* an accepted record holds events */
    struct vg_buf b;
    vg_buf_init(&b, 1u << 30);
    for (size_t i = 0; i < rec->n_events; i++) {
        vg_buf_reset(&b);
        if (vg__event_write_json(&rec->events[i], &b) != VG_OK)
            abort();
        if (!vg_utf8_valid(b.data, b.len))
            abort(); /* what we store and print is valid UTF-8 */
    }
    vg_buf_release(&b);
    return VG_OK;
}

static int fuzz_ingest_one(const uint8_t *data, size_t size, enum vg_format format)
{
    struct vg_input in;
    if (vg_input_open_mem(&in, (const char *)data, size, "fuzz") != VG_OK)
        return 0;
    struct vg_ingest_opts opts;
    vg_ingest_opts_init(&opts);
    opts.format = format;
    opts.owner = "12345";
    (void)vg__ingest_run(&in, &opts, fuzz_check_record, NULL);
    vg_input_close(&in);
    return 0;
}

#endif /* VG_FUZZ_INGEST_H */
