/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host benchmark of kern/kmem.c against glibc malloc, jemalloc, mimalloc
 * and tcmalloc, in one run.
 *
 * Two patterns, for 64- and 256-byte objects: an alloc+free pair (the
 * magazine hit for kmem) with 64 other objects of that size in use, and
 * 1000 allocations then 1000 frees (which also exercises kmem's depot).
 * Times are the best of many short runs (about a millisecond each,
 * shorter than a scheduler time slice, so that even on a loaded machine
 * some runs go uninterrupted), in nanoseconds per pair, printed with the
 * ratio kmem / peer, since the wall clock of a shared machine swings from
 * run to run but the ratio of runs made side by side much less. The
 * allocators take turns, one run each, so that a change of the load
 * during the measurement reaches all of them. Then, unless --no-callgrind is given
 * or valgrind is missing, the program runs itself under callgrind once
 * per (allocator, pattern, size) and prints the instructions per pair,
 * which do not swing at all.
 *
 * kmem_alloc(size)+kmem_free, the like-for-like counterpart of malloc,
 * is reported against the best peer too, and over two size mixes (16 to
 * 512 and 16 to 8192 bytes) with the bytes each allocator sets aside
 * over the bytes requested (internal fragmentation).
 *
 * This is an x86-64 host build of kmem.c (there is no 32-bit libc here):
 * the CPU number is a thread-local load, as the kernel's is a %gs load,
 * but interrupts are not disabled, which the kernel's fast path does
 * (6 instructions per operation; see test=kmem_bench for the kernel).
 *
 * Peers are all linked, so that their thread-local data uses the fast
 * (initial-exec) model, as in a program built with them. Each of them
 * defines malloc (and mimalloc even __libc_malloc), so glibc's and
 * jemalloc's own malloc and free are looked up in their libraries
 * (dlopen with RTLD_NOLOAD, dlsym) and called through pointers, as a
 * call through the PLT would; mimalloc and tcmalloc are called through
 * their prefixed functions (mi_malloc/mi_free, tc_malloc/tc_free_sized).
 *
 *   bench_kmem [--no-callgrind]
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gperftools/tcmalloc.h>
#include <mimalloc.h>
#include <valgrind/callgrind.h>

#include <kern/kmem.h>
#include <kern/macros.h>

#include "tests/bench/bench_util.h"
#include "tests/unit/kmem_host.h"

#define BENCH_PAIRS             200000UL    /* per timed run: about 1 ms */
#define BENCH_BATCH             1000
#define BENCH_RUNS              60
#define BENCH_COUNT_PAIRS       200000UL    /* per callgrind run */
#define BENCH_LIVE              64          /* objects kept during pairs */

__thread unsigned int percpu_host_cpu;

void
panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    host_vpanic(fmt, ap);
}

static void *(*glibc_malloc)(size_t);
static void (*glibc_free)(void *);
static void *(*je_malloc)(size_t);
static void (*je_free)(void *);

static struct kmem_cache bench_cache_64, bench_cache_256;
static void *bench_objs[BENCH_BATCH];

/*
 * Per allocator: the pair loop and the batch loop, with the allocator's
 * calls written in place. The pair loop runs with BENCH_LIVE other
 * objects of the size allocated, as in a program that uses them: alone
 * on an empty heap, each free would empty a page, which some allocators
 * (mimalloc) handle at a cost no real program pays on every free.
 */
#define BENCH_DEFINE(name, ALLOC, FREE)                                     \
static void                                                                 \
bench_pair_##name(size_t size, unsigned long n)                             \
{                                                                           \
    (void)size;                                                             \
    for (unsigned int i = 0; i < BENCH_LIVE; i++) {                         \
        bench_objs[i] = ALLOC;                                              \
    }                                                                       \
    for (unsigned long i = 0; i < n; i++) {                                 \
        void *p = ALLOC;                                                    \
        bench_use(p);                                                       \
        FREE;                                                               \
    }                                                                       \
    for (unsigned int i = 0; i < BENCH_LIVE; i++) {                         \
        void *p = bench_objs[i];                                            \
        FREE;                                                               \
    }                                                                       \
}                                                                           \
static void                                                                 \
bench_batch_##name(size_t size, unsigned long n)                            \
{                                                                           \
    (void)size;                                                             \
    for (unsigned long r = 0; r < n / BENCH_BATCH; r++) {                   \
        for (unsigned int i = 0; i < BENCH_BATCH; i++) {                    \
            bench_objs[i] = ALLOC;                                          \
        }                                                                   \
        for (unsigned int i = 0; i < BENCH_BATCH; i++) {                    \
            void *p = bench_objs[i];                                        \
            FREE;                                                           \
        }                                                                   \
    }                                                                       \
}

BENCH_DEFINE(kmem_cache_64, kmem_cache_alloc(&bench_cache_64),
             kmem_cache_free(&bench_cache_64, p))
BENCH_DEFINE(kmem_cache_256, kmem_cache_alloc(&bench_cache_256),
             kmem_cache_free(&bench_cache_256, p))
BENCH_DEFINE(kmem_alloc, kmem_alloc(size), kmem_free(p, size))
BENCH_DEFINE(glibc, glibc_malloc(size), glibc_free(p))
BENCH_DEFINE(jemalloc, je_malloc(size), je_free(p))
BENCH_DEFINE(mimalloc, mi_malloc(size), mi_free(p))
BENCH_DEFINE(tcmalloc, tc_malloc(size), tc_free_sized(p, size))

typedef void (*bench_fn)(size_t size, unsigned long n);

/*
 * Size mixes: BENCH_MIX_SIZES random sizes of 16 bytes to a maximum,
 * the same sequence for every allocator; BENCH_LIVE blocks are live and
 * each step frees the oldest and allocates the next size.
 */
#define BENCH_MIX_SIZES         4096
static size_t bench_mix[BENCH_MIX_SIZES];

#define BENCH_MIX_DEFINE(name, ALLOC, FREE)                                 \
static void                                                                 \
bench_mix_##name(unsigned long n)                                           \
{                                                                           \
    size_t size;                                                            \
    void *p;                                                                \
                                                                            \
    for (unsigned int i = 0; i < BENCH_LIVE; i++) {                         \
        size = bench_mix[i];                                                \
        bench_objs[i] = ALLOC;                                              \
    }                                                                       \
    for (unsigned long i = BENCH_LIVE; i < n + BENCH_LIVE; i++) {           \
        p = bench_objs[i % BENCH_LIVE];                                     \
        size = bench_mix[(i - BENCH_LIVE) % BENCH_MIX_SIZES];               \
        FREE;                                                               \
        size = bench_mix[i % BENCH_MIX_SIZES];                              \
        bench_objs[i % BENCH_LIVE] = ALLOC;                                 \
    }                                                                       \
    for (unsigned long i = n; i < n + BENCH_LIVE; i++) {                    \
        p = bench_objs[i % BENCH_LIVE];                                     \
        size = bench_mix[i % BENCH_MIX_SIZES];                              \
        FREE;                                                               \
    }                                                                       \
}

BENCH_MIX_DEFINE(kmem_alloc, kmem_alloc(size), kmem_free(p, size))
BENCH_MIX_DEFINE(glibc, glibc_malloc(size), glibc_free(p))
BENCH_MIX_DEFINE(jemalloc, je_malloc(size), je_free(p))
BENCH_MIX_DEFINE(mimalloc, mi_malloc(size), mi_free(p))
BENCH_MIX_DEFINE(tcmalloc, tc_malloc(size), tc_free_sized(p, size))

enum { BENCH_KMEM_CACHE, BENCH_KMEM_ALLOC, BENCH_GLIBC, BENCH_JEMALLOC,
       BENCH_MIMALLOC, BENCH_TCMALLOC, BENCH_NR_ALLOCATORS };

static const struct {
    const char *name;
    bench_fn pair[2], batch[2];         /* for 64 and 256 bytes */
    void (*mix)(unsigned long n);       /* NULL: no size mix */
} bench_allocators[BENCH_NR_ALLOCATORS] = {
#define BENCH_SAME(n)   { bench_pair_##n, bench_pair_##n }, { bench_batch_##n, bench_batch_##n }
    [BENCH_KMEM_CACHE] = { "kmem_cache", { bench_pair_kmem_cache_64, bench_pair_kmem_cache_256 },
                           { bench_batch_kmem_cache_64, bench_batch_kmem_cache_256 } },
    [BENCH_KMEM_ALLOC] = { "kmem_alloc", BENCH_SAME(kmem_alloc), bench_mix_kmem_alloc },
    [BENCH_GLIBC] = { "glibc", BENCH_SAME(glibc), bench_mix_glibc },
    [BENCH_JEMALLOC] = { "jemalloc", BENCH_SAME(jemalloc), bench_mix_jemalloc },
    [BENCH_MIMALLOC] = { "mimalloc", BENCH_SAME(mimalloc), bench_mix_mimalloc },
    [BENCH_TCMALLOC] = { "tcmalloc", BENCH_SAME(tcmalloc), bench_mix_tcmalloc },
#undef BENCH_SAME
};

static const size_t bench_sizes[2] = { 64, 256 };
static const char *const bench_patterns[2] = { "pair", "1000 then 1000" };

static bench_fn
bench_get(unsigned int alloc, unsigned int pattern, unsigned int size)
{
    return pattern == 0 ? bench_allocators[alloc].pair[size]
                        : bench_allocators[alloc].batch[size];
}

/* malloc and free as defined by the library lib, which must be loaded. */
static void
bench_lookup(const char *lib, void *(**mallocp)(size_t), void (**freep)(void *))
{
    void *h = dlopen(lib, RTLD_NOW | RTLD_NOLOAD);

    if (h == NULL) {
        fprintf(stderr, "bench: %s: %s\n", lib, dlerror());
        exit(1);
    }
    *mallocp = (void *(*)(size_t))dlsym(h, "malloc");
    *freep = (void (*)(void *))dlsym(h, "free");
    if (*mallocp == NULL || *freep == NULL) {
        fprintf(stderr, "bench: no malloc/free in %s\n", lib);
        exit(1);
    }
}

static void
bench_setup(void)
{
    bench_lookup("libc.so.6", &glibc_malloc, &glibc_free);
    bench_lookup("libjemalloc.so.2", &je_malloc, &je_free);
    kmem_host_setup(65536);
    kmem_setup();
    kmem_cache_init(&bench_cache_64, "bench_64", 64, 0, NULL, 0);
    kmem_cache_init(&bench_cache_256, "bench_256", 256, 0, NULL, 0);
}

/*
 * Best time of BENCH_RUNS runs of each allocator, in ns per pair, into
 * ns[]. The allocators take turns, one run each, so that a change of the
 * machine's load during the measurement (other programs on a shared
 * machine) reaches all of them alike, and the ratios stay comparable.
 */
static void
bench_time(unsigned int pattern, unsigned int size, double ns[BENCH_NR_ALLOCATORS])
{
    for (unsigned int a = 0; a < BENCH_NR_ALLOCATORS; a++) {
        bench_get(a, pattern, size)(bench_sizes[size], 2 * BENCH_BATCH);     /* warm up */
        ns[a] = 1e30;
    }
    for (unsigned int run = 0; run < BENCH_RUNS; run++) {
        for (unsigned int a = 0; a < BENCH_NR_ALLOCATORS; a++) {
            double start = bench_now();

            bench_get(a, pattern, size)(bench_sizes[size], BENCH_PAIRS);
            ns[a] = MIN(ns[a], (bench_now() - start) / BENCH_PAIRS);
        }
    }
}

/* Child side of --count: measure one loop under callgrind. */
static int
bench_count(unsigned int alloc, unsigned int pattern, unsigned int size)
{
    bench_fn fn = bench_get(alloc, pattern, size);

    fn(bench_sizes[size], 2 * BENCH_BATCH);
    CALLGRIND_TOGGLE_COLLECT;
    fn(bench_sizes[size], BENCH_COUNT_PAIRS);
    CALLGRIND_TOGGLE_COLLECT;
    return 0;
}

/* Instructions per pair from a callgrind run of this program, or -1. */
static double
bench_callgrind(unsigned int alloc, unsigned int pattern, unsigned int size)
{
    char args[64];
    double ir;

    snprintf(args, sizeof(args), "%u %u %u", alloc, pattern, size);
    ir = bench_callgrind_run("kmem", "--collect-atstart=no", args);
    return (ir < 0) ? -1 : ir / BENCH_COUNT_PAIRS;
}

/*
 * Bytes an allocator really sets aside for the BENCH_MIX_SIZES sizes of
 * bench_mix, summed: kmem_alloc_size() for kmem, each peer's usable size
 * of a block of that size (which leaves out its headers).
 */
static double
bench_mix_used(unsigned int alloc)
{
    size_t (*glibc_usable)(void *), (*je_usable)(void *);
    double used = 0;

    glibc_usable = (size_t (*)(void *))dlsym(dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD),
                                             "malloc_usable_size");
    je_usable = (size_t (*)(void *))dlsym(dlopen("libjemalloc.so.2", RTLD_NOW | RTLD_NOLOAD),
                                          "malloc_usable_size");
    for (unsigned int i = 0; i < BENCH_MIX_SIZES; i++) {
        size_t size = bench_mix[i];
        void *p;

        switch (alloc) {
        case BENCH_GLIBC:
            p = glibc_malloc(size);
            used += glibc_usable(p);
            glibc_free(p);
            break;
        case BENCH_JEMALLOC:
            p = je_malloc(size);
            used += je_usable(p);
            je_free(p);
            break;
        case BENCH_MIMALLOC:
            p = mi_malloc(size);
            used += mi_usable_size(p);
            mi_free(p);
            break;
        case BENCH_TCMALLOC:
            p = tc_malloc(size);
            used += tc_malloc_size(p);
            tc_free(p);
            break;
        default:
            used += kmem_alloc_size(size);
            break;
        }
    }
    return used;
}

/*
 * kmem_alloc() against the peers' malloc: the pair and batch times
 * measured above, then the size mixes, in ns per free+alloc step, with
 * the bytes used over the bytes requested.
 */
static void
bench_kmem_alloc_report(double ns[2][2][BENCH_NR_ALLOCATORS])
{
    static const size_t maxima[2] = { 512, 8192 };

    for (unsigned int p = 0; p < 2; p++) {
        for (unsigned int s = 0; s < 2; s++) {
            double best = 1e30;
            unsigned int best_a = BENCH_GLIBC;

            for (unsigned int a = BENCH_GLIBC; a < BENCH_NR_ALLOCATORS; a++) {
                if (ns[p][s][a] < best) {
                    best = ns[p][s][a];
                    best_a = a;
                }
            }
            printf("bench: kmem_alloc %s %zu B: %.2f ns, %.2fx the best peer (%s, %.2f ns)\n",
                   bench_patterns[p], bench_sizes[s], ns[p][s][BENCH_KMEM_ALLOC],
                   ns[p][s][BENCH_KMEM_ALLOC] / best, bench_allocators[best_a].name, best);
        }
    }
    for (unsigned int m = 0; m < 2; m++) {
        uint64_t x = 0x2545f4914f6cdd1dull;
        double requested = 0, best[BENCH_NR_ALLOCATORS];

        for (unsigned int i = 0; i < BENCH_MIX_SIZES; i++) {
            bench_mix[i] = 16 + host_xorshift64(&x) % (maxima[m] - 15);
            requested += bench_mix[i];
        }
        printf("bench: size mix 16-%zu B, %d live, ns per free+alloc (x: kmem_alloc / it), "
               "bytes used / requested:\n", maxima[m], BENCH_LIVE);
        for (unsigned int a = BENCH_KMEM_ALLOC; a < BENCH_NR_ALLOCATORS; a++) {
            bench_allocators[a].mix(2 * BENCH_MIX_SIZES);       /* warm up */
            best[a] = 1e30;
        }
        for (unsigned int run = 0; run < BENCH_RUNS; run++) {   /* taking turns */
            for (unsigned int a = BENCH_KMEM_ALLOC; a < BENCH_NR_ALLOCATORS; a++) {
                double start = bench_now();

                bench_allocators[a].mix(BENCH_PAIRS / 4);
                best[a] = MIN(best[a], (bench_now() - start) / (BENCH_PAIRS / 4));
            }
        }
        for (unsigned int a = BENCH_KMEM_ALLOC; a < BENCH_NR_ALLOCATORS; a++) {
            printf("bench:   %-10s %7.2f ns (%.2fx)  used/requested %.3f\n",
                   bench_allocators[a].name, best[a], best[BENCH_KMEM_ALLOC] / best[a],
                   bench_mix_used(a) / requested);
        }
    }
}

int
main(int argc, char **argv)
{
    double ns[2][2][BENCH_NR_ALLOCATORS];
    bool callgrind = true;

    bench_setup();
    if (argc == 5 && strcmp(argv[1], "--count") == 0) {
        return bench_count((unsigned int)atoi(argv[2]), (unsigned int)atoi(argv[3]),
                           (unsigned int)atoi(argv[4]));
    }
    if (argc == 2 && strcmp(argv[1], "--no-callgrind") == 0) {
        callgrind = false;
    } else if (argc != 1) {
        fprintf(stderr, "usage: %s [--no-callgrind]\n", argv[0]);
        return 2;
    }

    printf("bench: kmem on the host (x86-64, no interrupt masking), ns per alloc+free pair,\n"
           "bench: best of %d runs of %lu pairs; (x) is kmem_cache's time over that allocator's\n",
           BENCH_RUNS, BENCH_PAIRS);
    printf("%-20s", "bench:");
    for (unsigned int a = 0; a < BENCH_NR_ALLOCATORS; a++) {
        printf(" %15s", bench_allocators[a].name);
    }
    printf("\n");
    for (unsigned int p = 0; p < 2; p++) {
        for (unsigned int s = 0; s < 2; s++) {
            char label[40];

            snprintf(label, sizeof(label), "%s %zu B", bench_patterns[p], bench_sizes[s]);
            printf("bench: %-13s", label);
            bench_time(p, s, ns[p][s]);
            for (unsigned int a = 0; a < BENCH_NR_ALLOCATORS; a++) {
                char cell[32] = "-";

                if (a == BENCH_KMEM_CACHE) {
                    snprintf(cell, sizeof(cell), "%.2f", ns[p][s][a]);
                } else {
                    snprintf(cell, sizeof(cell), "%.2f (%.2fx)", ns[p][s][a],
                             ns[p][s][BENCH_KMEM_CACHE] / ns[p][s][a]);
                }
                printf(" %15s", cell);
            }
            printf("\n");
        }
    }

    /* Targets: pair <= 0.7x the best peer, batch <= 0.8x mimalloc. */
    for (unsigned int s = 0; s < 2; s++) {
        double best = 1e30;
        unsigned int best_a = BENCH_GLIBC;

        for (unsigned int a = BENCH_GLIBC; a < BENCH_NR_ALLOCATORS; a++) {
            if (ns[0][s][a] < best) {
                best = ns[0][s][a];
                best_a = a;
            }
        }
        printf("bench: target pair %zu B: kmem_cache %.2fx the best peer (%s), goal <= 0.70: %s\n",
               bench_sizes[s], ns[0][s][BENCH_KMEM_CACHE] / best,
               bench_allocators[best_a].name,
               ns[0][s][BENCH_KMEM_CACHE] <= 0.7 * best ? "met" : "MISSED");
        printf("bench: target 1000 then 1000 %zu B: kmem_cache %.2fx mimalloc, "
               "goal <= 0.80: %s\n", bench_sizes[s],
               ns[1][s][BENCH_KMEM_CACHE] / ns[1][s][BENCH_MIMALLOC],
               ns[1][s][BENCH_KMEM_CACHE] <= 0.8 * ns[1][s][BENCH_MIMALLOC] ? "met" : "MISSED");
    }

    bench_kmem_alloc_report(ns);

    if (!callgrind || system("valgrind --version >/dev/null 2>&1") != 0) {
        printf("bench: callgrind skipped\n");
        return 0;
    }
    printf("bench: callgrind instructions per pair (loop included, %lu pairs):\n",
           BENCH_COUNT_PAIRS);
    for (unsigned int p = 0; p < 2; p++) {
        for (unsigned int s = 0; s < 2; s++) {
            char label[40];

            snprintf(label, sizeof(label), "%s %zu B", bench_patterns[p], bench_sizes[s]);
            printf("bench: %-13s", label);
            for (unsigned int a = 0; a < BENCH_NR_ALLOCATORS; a++) {
                double ir = bench_callgrind(a, p, s);
                char cell[32] = "-";

                if (ir >= 0) {
                    snprintf(cell, sizeof(cell), "%.1f", ir);
                }
                printf(" %15s", cell);
            }
            printf("\n");
        }
    }
    return 0;
}
