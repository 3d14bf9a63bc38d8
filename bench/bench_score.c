/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_score.c: speed of the propaganda classifier's run-time path (detect_features.c,
 * detect_model.c), measured against text normalisation in the same run.
 *
 * The post texts of the about-isis-2017 v1.1 tweets (topic-TRAIN-CON and topic-TRAIN-PRO, read
 * through vg_convert_path) are held in memory, never written anywhere, and go through:
 *   1. baseline: vg_text_normalize_buf per post;
 *   2. normalise + score: the same, then vg__features_extract, vg__model_margin and
 *      vg__model_prob with a 2^20 model of random (seeded) weights;
 *   3. score only: features, margin and probability on texts normalised beforehand: the cost
 *      the classifier adds once a post has been normalised at ingest.
 * Each phase runs K times (5 by default) on one thread; the median is reported as posts/s,
 * wall clock and CPU time, with its ratio to the baseline. It also times loading a saved 2^20
 * model (dense, 8 MiB) and prints the process's peak RSS. A benchmark, not a test: it prints
 * figures and does not judge them.
 *
 *   bench_score [--data DIR] [--runs K]    (DIR holds topic-TRAIN-*.jsonl.gz)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "detect.h"
#include "text.h"

/* ---- the corpus ----------------------------------------------------------------------------- */

struct corpus {
    char **text; /* as written */
    char **norm; /* normalised (phase 3's input) */
    size_t n, cap, bytes;
};

static void on_event(const struct vg_event *ev, void *ud)
{
    struct corpus *c = ud;
    if (ev->type != VG_EV_POST || !ev->u.post.text || !ev->u.post.text[0])
        return;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 4096;
        c->text = vg_realloc(c->text, c->cap * sizeof(*c->text));
        if (!c->text) {
            fprintf(stderr, "bench_score: out of memory\n");
            exit(1);
        }
    }
    c->text[c->n] = vg_strdup(ev->u.post.text);
    c->bytes += strlen(ev->u.post.text);
    c->n++;
}

static int load_corpus(const char *dir, struct corpus *c)
{
    static const char *const files[] = { "topic-TRAIN-CON.jsonl.gz", "topic-TRAIN-PRO.jsonl.gz" };
    for (size_t i = 0; i < 2; i++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        struct vg_ingest_opts o;
        vg_ingest_opts_init(&o);
        o.format = VG_FORMAT_TWITTER_V1;
        struct vg_ingest_summary sum = { 0 };
        if (vg_convert_path(path, &o, on_event, c, &sum) != VG_OK) {
            fprintf(stderr, "bench_score: cannot read %s\n", path);
            return -1;
        }
    }
    return c->n ? 0 : -1;
}

/* ---- phases ------------------------------------------------------------------------------- */

struct ctx {
    const struct corpus *c;
    const struct vg_model *m;
    struct vg_buf buf;
    struct vg_features f;
    double sink; /* sum of probabilities, printed so that nothing is optimised away */
};

static int phase_normalise(struct ctx *x)
{
    for (size_t i = 0; i < x->c->n; i++) {
        vg_buf_reset(&x->buf);
        const char *t = x->c->text[i];
        if (vg_text_normalize_buf(t, strlen(t), &x->buf) != VG_OK)
            return -1;
    }
    return 0;
}

static int score(struct ctx *x, const char *text, const char *norm)
{
    struct vg_feat_input in = { .text = text, .text_norm = norm };
    if (vg__features_extract(&x->m->feat, &in, &x->f) != VG_OK)
        return -1;
    x->sink += vg__model_prob(x->m, vg__model_margin(x->m, &x->f));
    return 0;
}

static int phase_normalise_score(struct ctx *x)
{
    for (size_t i = 0; i < x->c->n; i++) {
        vg_buf_reset(&x->buf);
        const char *t = x->c->text[i];
        if (vg_text_normalize_buf(t, strlen(t), &x->buf) != VG_OK)
            return -1;
        if (score(x, t, x->buf.data ? x->buf.data : ""))
            return -1;
    }
    return 0;
}

static int phase_score(struct ctx *x)
{
    for (size_t i = 0; i < x->c->n; i++)
        if (score(x, x->c->text[i], x->c->norm[i]))
            return -1;
    return 0;
}

static double wall_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(double), cmp_double);
    return v[n / 2];
}

struct timing {
    double wall, cpu;
    int failed;
};

static struct timing time_phase(int (*fn)(struct ctx *), struct ctx *x, int runs)
{
    double wall[64], cpu[64];
    struct timing t = { 0, 0, 0 };
    if (fn(x)) /* warm-up: caches, scratch arrays */
        t.failed = 1;
    for (int r = 0; r < runs; r++) {
        double w0 = wall_s(), c0 = cpu_s();
        if (fn(x))
            t.failed = 1;
        wall[r] = wall_s() - w0;
        cpu[r] = cpu_s() - c0;
    }
    t.wall = median(wall, runs);
    t.cpu = median(cpu, runs);
    return t;
}

/* ---- the model ---------------------------------------------------------------------------- */

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static struct vg_model *random_model(void)
{
    struct vg_feat_params p;
    vg__feat_params_default(&p); /* bits = 20 */
    struct vg_model *m;
    if (vg__model_new(&p, &m) != VG_OK)
        return NULL;
    for (size_t i = 0; i < ((size_t)1 << p.bits); i++)
        m->w[i] = (float)((double)(rnd() >> 11) / 9007199254740992.0 * 2.0 - 1.0);
    m->bias = -0.5;
    m->platt_a = -1.3;
    m->platt_b = 0.2;
    return m;
}

/* Median load time of the model saved to a temporary file, in milliseconds. */
static double time_load(const struct vg_model *m, int runs, size_t *file_bytes)
{
    char path[] = "/tmp/vigie-bench-model-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    close(fd);
    double ms[64];
    int ok = vg__model_save(m, path) == VG_OK;
    FILE *f = fopen(path, "rb");
    if (f) {
        fseek(f, 0, SEEK_END);
        *file_bytes = (size_t)ftell(f);
        fclose(f);
    }
    for (int r = 0; ok && r < runs; r++) {
        struct vg_model *back;
        double t0 = wall_s();
        ok = vg__model_load(path, &back) == VG_OK;
        ms[r] = (wall_s() - t0) * 1e3;
        vg__model_free(back);
    }
    unlink(path);
    return ok ? median(ms, runs) : -1;
}

int main(int argc, char **argv)
{
    const char *dir = VG_DATA_DIR "/../shared/data/about-isis-2017";
    int runs = 5;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--data") && i + 1 < argc)
            dir = argv[++i];
        else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
            runs = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: bench_score [--data DIR] [--runs K]\n");
            return 2;
        }
    }
    if (runs < 1 || runs > 63)
        runs = 5;
    struct corpus c = { 0 };
    if (load_corpus(dir, &c)) {
        fprintf(stderr, "bench_score: no posts under %s\n", dir);
        return 1;
    }
    struct ctx x = { .c = &c };
    vg_buf_init(&x.buf, 8 * (size_t)VG_TEXT_MAX);
    vg__features_init(&x.f);
    c.norm = vg_malloc(c.n * sizeof(*c.norm));
    size_t norm_bytes = 0;
    for (size_t i = 0; i < c.n; i++) {
        size_t len;
        if (vg_text_normalize(c.text[i], strlen(c.text[i]), &c.norm[i], &len) != VG_OK)
            c.norm[i] = vg_strdup("");
        norm_bytes += strlen(c.norm[i]);
    }
    struct vg_model *m = random_model();
    if (!m)
        return 1;
    x.m = m;

    /* Features per post and allocations after warm-up, for the record. */
    size_t n_feat = 0;
    for (size_t i = 0; i < c.n; i++) {
        score(&x, c.text[i], c.norm[i]);
        n_feat += x.f.n;
    }
    uint64_t a0 = vg__alloc_count();
    phase_score(&x);
    uint64_t allocs = vg__alloc_count() - a0;

    printf("corpus: %zu posts (about-isis-2017 topic-TRAIN-CON + topic-TRAIN-PRO), %.1f bytes "
           "written, %.1f bytes normalised, %.1f features per post on average\n",
           c.n, (double)c.bytes / (double)c.n, (double)norm_bytes / (double)c.n,
           (double)n_feat / (double)c.n);
    printf("model: 2^%u buckets, dense random weights; one thread; median of %d runs after a "
           "warm-up run\n\n",
           m->feat.bits, runs);

    struct timing base = time_phase(phase_normalise, &x, runs);
    struct timing both = time_phase(phase_normalise_score, &x, runs);
    struct timing only = time_phase(phase_score, &x, runs);

    printf("%-34s %12s %12s %8s %8s\n", "phase", "posts/s", "cpu posts/s", "ratio", "cpu rat");

    const struct {
        const char *name;
        struct timing *t;
    } rows[] = {
        { "normalise only (baseline)", &base },
        { "normalise + features + score", &both },
        { "features + score (pre-normalised)", &only },
    };

    for (size_t i = 0; i < 3; i++) {
        struct timing *t = rows[i].t;
        printf("%-34s %12.0f %12.0f %8.2f %8.2f%s\n", rows[i].name, (double)c.n / t->wall,
               (double)c.n / t->cpu, base.wall / t->wall, base.cpu / t->cpu,
               t->failed ? "  (FAILED)" : "");
    }
    printf("\nratio: posts/s of the phase / posts/s of the baseline (wall clock; cpu: per second "
           "of CPU time)\n");
    printf("allocations in one score-only pass after warm-up: %llu\n", (unsigned long long)allocs);

    size_t file_bytes = 0;
    double load_ms = time_load(m, runs, &file_bytes);
    printf("model load (2^20 dense, %.1f MiB file, from the page cache): %.2f ms median\n",
           (double)file_bytes / 1048576.0, load_ms);

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS: %.1f MB (includes the %.1f MB of texts held twice, the 4 MiB model and the "
           "load test's second copy)\n",
           (double)ru.ru_maxrss / 1024.0, (double)(c.bytes + norm_bytes) / 1e6);
    printf("(checksum of probabilities: %.3f)\n", x.sink);

    for (size_t i = 0; i < c.n; i++) {
        vg_free(c.text[i]);
        vg_free(c.norm[i]);
    }
    vg_free(c.text);
    vg_free(c.norm);
    vg_buf_release(&x.buf);
    vg__features_release(&x.f);
    vg__model_free(m);
    int failed = base.failed || both.failed || only.failed || load_ms < 0;
    return failed;
}
