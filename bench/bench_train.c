/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_train.c: how long training the propaganda classifier on the full shared data takes,
 * beside a baseline measured in the same run: normalising every example's text once (what any
 * text pipeline pays). Prints seconds, examples/s and the ratio of the two; the target
 * is training in under 2 minutes on one core. A benchmark, never a test.
 *
 *   bench_train [DATA_DIR]     (default ../shared/data)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "detect_pipeline.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

int main(int argc, char **argv)
{
    const char *data = argc > 1 ? argv[1] : "../shared/data";
    struct vg_corpus c;
    memset(&c, 0, sizeof(c));
    double t0 = now_s(), c0 = cpu_s();
    if (vg__corpus_load(data, 20261123u, &c) != VG_OK) {
        fprintf(stderr, "bench_train: cannot load the corpus under %s\n", data);
        return 1;
    }
    double t_load = now_s() - t0;
    struct vg_buf b;
    vg_buf_init(&b, 4u * VG_TEXT_MAX);
    double t1 = now_s(), c1 = cpu_s();
    size_t bytes = 0;
    for (size_t i = 0; i < c.n; i++) {
        vg_buf_reset(&b);
        if (vg_text_normalize_buf(c.ex[i].text, strlen(c.ex[i].text), &b) == VG_OK)
            bytes += b.len;
    }
    double t_norm = now_s() - t1, cpu_norm = cpu_s() - c1;
    size_t n = c.n;
    vg_buf_release(&b);
    vg__corpus_release(&c);

    char out[] = "/tmp/bench-train-XXXXXX";
    int fd = mkstemp(out);
    if (fd < 0)
        return 1;
    close(fd);
    struct vg_train_config cfg;
    vg__train_config_default(&cfg);
    struct vg_buf summary;
    vg_buf_init(&summary, 1u << 20);
    double t2 = now_s(), c2 = cpu_s();
    vg_status rc = vg__train_run(data, &cfg, out, NULL, NULL, &summary);
    double t_train = now_s() - t2, cpu_train = cpu_s() - c2;
    unlink(out);
    if (rc) {
        fprintf(stderr, "bench_train: training failed: %s\n", vg_strerror(rc));
        return 1;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("corpus: %zu examples from %s (loaded in %.2f s; %zu normalised bytes)\n\n", n, data,
           t_load, bytes);
    printf("%-36s %10s %10s %12s %8s\n", "phase", "wall s", "cpu s", "examples/s", "ratio");
    printf("%-36s %10.2f %10.2f %12.0f %8.2f\n", "normalise every text (baseline)", t_norm,
           cpu_norm, (double)n / t_norm, 1.0);
    printf("%-36s %10.2f %10.2f %12.0f %8.2f\n", "train: load+features+fit+calibrate", t_train,
           cpu_train, (double)n / t_train, t_train / t_norm);
    printf("\nratio: wall time relative to the baseline (higher is slower). Target: train < 120 "
           "s.\n"
           "training summary: %s\npeak RSS %.0f MB (whole process; %.2f s CPU in all)\n",
           summary.data, (double)ru.ru_maxrss / 1024.0, cpu_s() - c0);
    vg_buf_release(&summary);
    return 0;
}
