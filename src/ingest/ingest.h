/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ingest.h: what the ingest stage exports to the rest of the library (the public API in
 * vigie.h is built on it): running an input through the readers into any record sink, and
 * writing events as native JSON.
 */
#ifndef VG_INGEST_H
#define VG_INGEST_H

#include "ingest_int.h"

struct vg_input;

/*
 * Read `in` to its end, handing every record (events or rejection) to sink. Returns VG_OK when
 * the input was read through, else the status that stopped it (from the input, or from sink).
 */
vg_status vg__ingest_run(struct vg_input *in, const struct vg_ingest_opts *opts, vg_record_fn sink,
                         void *sink_ud);

/* vg_ingest_path() over an input already open (memory inputs in tests and benchmarks). */
vg_status vg__ingest_input(vg_db *db, struct vg_input *in, const struct vg_ingest_opts *opts,
                           struct vg_ingest_summary *sum);

/* Append the event as one native JSON object (docs/events.md), without newline. */
vg_status vg__event_write_json(const struct vg_event *ev, struct vg_buf *out);

#endif /* VG_INGEST_H */
