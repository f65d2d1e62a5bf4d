/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers shared by the host benchmarks (bench_kmem.c, bench_vm_map.c,
 * bench_ipc.c): timing, and counting instructions by running the program
 * itself again under callgrind (its --count side). The xorshift generator
 * and the panic() body come from tests/unit/host_util.h.
 */
#ifndef TESTS_BENCH_BENCH_UTIL_H
#define TESTS_BENCH_BENCH_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "tests/unit/host_util.h"

/* Keep the compiler from dropping or merging a value (a result, an allocation). */
#define bench_use(x)            __asm__ volatile("" : : "r"(x) : "memory")

/* Monotonic clock, in nanoseconds. */
static inline double
bench_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/*
 * Run this program under callgrind with the valgrind options opts and
 * the arguments "--count args", its output going to /tmp/bench_NAME.PID.cg
 * (removed afterwards); return the instructions collected, or -1.
 */
static inline double
bench_callgrind_run(const char *name, const char *opts, const char *args)
{
    char out[64], cmd[512], exe[256], line[256];
    double ir = -1;
    ssize_t len;
    FILE *f;

    len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (len <= 0) {
        return -1;
    }
    exe[len] = '\0';
    snprintf(out, sizeof(out), "/tmp/bench_%s.%d.cg", name, (int)getpid());
    snprintf(cmd, sizeof(cmd), "valgrind --tool=callgrind %s --callgrind-out-file=%s "
             "%s --count %s >/dev/null 2>&1", opts, out, exe, args);
    if (system(cmd) != 0) {
        return -1;
    }
    f = fopen(out, "r");
    if (f == NULL) {
        return -1;
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        unsigned long long total;

        if (sscanf(line, "summary: %llu", &total) == 1
            || sscanf(line, "totals: %llu", &total) == 1) {
            ir = (double)total;
        }
    }
    fclose(f);
    unlink(out);
    return ir;
}

#endif /* TESTS_BENCH_BENCH_UTIL_H */
