/* SPDX-License-Identifier: Apache-2.0 */
/*
 * detect_corpus_int.h: what detect_corpus.c shares with its tests and fuzz target, and nothing
 * else needs: the small RFC 4180 record reader the labelled datasets are read with, the text
 * mapping that turns each dataset's placeholders into one spelling, the dedupe key, and the
 * corpus summary (counts per source and split) that the model card quotes.
 */
#ifndef VG_DETECT_CORPUS_INT_H
#define VG_DETECT_CORPUS_INT_H

#include "detect.h"

/* ---- CSV / TSV records ---------------------------------------------------------------------- */

#define VG_CSV_FIELDS_MAX 64         /* more fields than this make a record broken */
#define VG_CSV_RECORD_MAX (1u << 20) /* bytes of one record's fields */
#define VG_CSV_SPAN_LINES 1000u      /* lines one quoted field may span */

/*
 * A reader over one in-memory file. With `quoting` on it is RFC 4180: a field may be quoted,
 * "" is a quote inside a quoted field, a quoted field may hold line breaks and delimiters,
 * records end with CRLF or LF. With quoting off (the OSACT TSV, whose texts hold bare quotes) a
 * record is one line and fields end at the delimiter only. A UTF-8 BOM at the start is skipped,
 * and so are empty lines.
 *
 * A broken record (a quote inside an unquoted field, text after a closing quote, a quote not
 * closed by the end of the input or within VG_CSV_SPAN_LINES lines, too many fields or bytes)
 * is reported and only its first line is given up: reading resumes at the line after it, since a
 * stray quote that opened a span most likely swallowed good rows that can be read again.
 */
struct vg_csv {
    const char *data; /* the input (not owned) */
    size_t len;
    size_t pos;    /* where the next record starts */
    uint64_t line; /* 1-based line number at pos */
    char delim;    /* ',' or '\t' */
    int quoting;   /* 1: RFC 4180 quotes; 0: none */

    /* The last record: fields are NUL-terminated and valid until the next call. */
    uint64_t rec_line; /* line where it starts */
    size_t n_fields;
    const char *field[VG_CSV_FIELDS_MAX];
    size_t field_len[VG_CSV_FIELDS_MAX];
    const char *reason; /* why it was broken, after VG_EPARSE */

    struct vg_buf buf; /* the fields' bytes */
    size_t off[VG_CSV_FIELDS_MAX];
};

void vg__csv_init(struct vg_csv *r, const char *data, size_t len, char delim, int quoting);
void vg__csv_release(struct vg_csv *r);

/*
 * Read the next record. Returns 1 with r->n_fields fields, 0 at the end of the input, VG_EPARSE
 * for a broken record (r->reason and r->rec_line say what and where; call again to go on), or
 * VG_ENOMEM. Every call consumes at least one byte until the end, so a loop always ends.
 */
int vg__csv_next(struct vg_csv *r);

/* ---- texts ---------------------------------------------------------------------------------- */

#define VG_CORPUS_MAP_OSACT  0x01u /* "@USER" -> "@user", "<LF>" -> line break */
#define VG_CORPUS_MAP_MLMA   0x02u /* "@url" -> "url" */
#define VG_CORPUS_MAP_QUOTE  0x04u /* random-tweets: '\' stands for a half-decoded opening quote */
#define VG_CORPUS_MAP_NO_URL 0x08u /* drop URLs instead of writing "url" (for language id) */

/*
 * Append s mapped to the corpus's spelling to out: pseudonymised mentions ("@u" + 10 hex) become
 * "@user", http(s) URLs become "url", the flags' source artefacts are undone, a leading
 * "RT @handle:" is removed (so a retweet dedupes with its original) and the result is trimmed.
 * s must be valid UTF-8. Errors: VG_ENOMEM, VG_ELIMIT.
 */
vg_status vg__corpus_map_text(const char *s, size_t len, unsigned flags, struct vg_buf *out);

/*
 * Replace out's content with the dedupe key of a mapped text: vg_text_normalize (case folding,
 * white space collapsed, accents and Arabic letter variants unified). Two examples with the same
 * key are copies. Errors: VG_EUTF8, VG_ENOMEM, VG_ELIMIT.
 */
vg_status vg__corpus_dedupe_key(const char *text, size_t len, struct vg_buf *out);

/* ---- summary -------------------------------------------------------------------------------- */

/*
 * Append the corpus's summary as one JSON object to out: the split rule, and per source the file,
 * label, records read from the file, examples read, kept, duplicates dropped (and how many of
 * those had the other label), rows skipped (broken or empty), then kept examples per split and
 * language, accounts per split and time ranges. Errors: VG_EINVAL (c was not loaded by
 * vg__corpus_load), VG_ENOMEM, VG_ELIMIT.
 */
vg_status vg__corpus_summary_json(const struct vg_corpus *c, struct vg_buf *out);

/* Per-source counters as the loader keeps them (the summary prints them). */
struct vg_corpus_source_stats {
    const char *name; /* "isis-fanboy", "mlma-fr", ... */
    const char *file; /* path under data_dir */
    int label;        /* of every example of the source */
    uint64_t records; /* input records: CSV rows, JSON lines */
    uint64_t read;    /* candidate examples = kept + duplicates + skipped */
    uint64_t kept;
    uint64_t duplicates;   /* dropped: their dedupe key was seen before */
    uint64_t conflicts;    /* of the duplicates, those first seen with the other label */
    uint64_t skipped;      /* broken rows, invalid UTF-8, rejected records, empty texts */
    uint64_t empty;        /* of the skipped, texts empty once placeholders are mapped */
    uint64_t reposts;      /* v1.1 retweets left out (their original is read instead) */
    uint64_t repeated_ids; /* posts already read from an earlier record or file */
};

#define VG_CORPUS_SOURCES_MAX 16

/* The counters of c (NULL if c was not loaded by vg__corpus_load); n_sources set. */
const struct vg_corpus_source_stats *vg__corpus_stats(const struct vg_corpus *c, size_t *n_sources);

#endif /* VG_DETECT_CORPUS_INT_H */
