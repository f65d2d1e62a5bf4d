/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host SMP benchmark: how the allocators' paths scale across CPUs, with
 * pthreads standing in for CPUs (each thread sets percpu_host_cpu, as
 * tests/unit/test_kmem.c does), over the kernel's own kern/kmem.c,
 * vm/vm_page.c and ipc/ built as the unit tests build them.
 *
 * Each path runs with 1, 2 and N threads (N = the host's CPUs, at most
 * CONFIG_NCPUS), every thread pinned to its own CPU and doing the same
 * fixed number of operations from a common start (a barrier). Each CPU's
 * rate while T threads run is divided by its own rate alone, and the
 * printed figure is the sum over the T CPUs, the best of a few runs: 2.0
 * on two threads is perfect scaling, below 1.0 means two CPUs together
 * do less than one alone. The solo and the T-thread runs, of kmem and of
 * every peer, are interleaved, so that both sides of each ratio come from
 * the same stretches of the machine's time (smp_measure()). Wall-clock
 * ratios need idle cores, so the load average (/proc/loadavg) is printed
 * at the start and at the end of the run.
 *
 * Two figures describe the machine rather than the allocators, so that a
 * run tells its own noise from kmem's limits: the path "machine-private"
 * (a magazine-like pop and push, out of line, on memory private to each
 * thread, a page apart: what two CPUs give for work that shares nothing,
 * the ceiling of every other line of the same run), and, printed first,
 * the one-way time to hand a cache line from one thread to the other
 * (two threads taking turns to increment a shared word): the least that
 * each trip of a lock or of any written line between CPUs costs.
 *
 * Peers (glibc malloc, jemalloc, mimalloc, tcmalloc) run the patterns
 * that have a malloc equivalent, in the same run; their best ratio is
 * printed next to kmem's. They are reached as in bench_kmem.c: glibc and
 * jemalloc through dlsym (both define malloc), mimalloc and tcmalloc
 * through their prefixed functions.
 *
 * Paths: the magazine hit (alloc+free pairs on a cache), the depot
 * exchange (B allocations then B frees, B below, at and above twice the
 * magazine size, and 1000), the slab layer (a cache without magazines),
 * kmem_alloc() over random sizes of 16-512 and 16-8192 bytes (64 live
 * blocks, each step frees one and allocates another), the vm_page pool
 * hit, pool refill/drain (1000 pages then 1000 frees), buddy order 0 and
 * 3 (the DMA segment, which has no pools), and IPC name allocate+free
 * (ipc_right_alloc of a dead name + ipc_right_deallocate) in one space
 * shared by all threads and in one space per thread.
 *
 *   bench_smp [--smoke | PATH...]    (PATH...: only those paths)
 *
 * --smoke runs every path with tiny counts and prints TAP: that each
 * path produced a positive, finite figure, that vm_page_check() passes
 * and that the benchmark caches count no object in use afterwards. It is part of `make check`, so that this
 * program keeps building and running; its figures mean nothing.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gperftools/tcmalloc.h>
#include <mimalloc.h>

#include <include/mach/kern_return.h>
#include <include/mach/port.h>
#include <ipc/ipc_entry.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <ipc/ipc_space.h>
#include <kern/kmem.h>
#include <kern/kmem_i.h>
#include <kern/list.h>
#include <kern/macros.h>
#include <kern/qsbr.h>
#include <kern/rdxtree.h>
#include <machine/param.h>
#include <vm/vm_page.h>

#include "tests/bench/bench_util.h"
#include "tests/unit/kmem_host.h"

#define SMP_MAX_THREADS     CONFIG_NCPUS
#define SMP_MAX_COUNTS      3           /* thread counts: 1, 2 and N */
#define SMP_RUNS            5           /* best of */
#define SMP_SMOKE_RUNS      1
#define SMP_LIVE            64          /* live blocks of the size mixes */
#define SMP_BATCH_MAX       1000
#define SMP_DESC_PAGES      1024        /* 4 MiB of vm_page descriptors */
#define SMP_DESC_PA         (UINT64_C(1) << 40)
#define SMP_IPC_NAMES       1000        /* names already in each space */

__thread unsigned int percpu_host_cpu;

void
panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    host_vpanic(fmt, ap);
}

/* vm_page's descriptors, at a synthetic physical address. */
static _Alignas(PAGE_SIZE) char smp_descs[SMP_DESC_PAGES * PAGE_SIZE];
static unsigned int smp_desc_used;

void *
vm_page_host_ptov(phys_addr_t pa, size_t size)
{
    if (pa >= SMP_DESC_PA && pa - SMP_DESC_PA + size <= sizeof(smp_descs)) {
        return smp_descs + (pa - SMP_DESC_PA);
    }
    return NULL;
}

static phys_addr_t
smp_bootalloc(unsigned int npages)
{
    if (npages > SMP_DESC_PAGES - smp_desc_used) {
        return 0;
    }
    smp_desc_used += npages;
    return SMP_DESC_PA + (phys_addr_t)(smp_desc_used - npages) * PAGE_SIZE;
}

static void *(*glibc_malloc)(size_t);
static void (*glibc_free)(void *);
static void *(*je_malloc)(size_t);
static void (*je_free)(void *);

/* The allocators of a malloc-like pattern. */
enum smp_alloc { SMP_KMEM, SMP_GLIBC, SMP_JE, SMP_MI, SMP_TC, SMP_NR_ALLOCS };
static const char *const smp_alloc_names[SMP_NR_ALLOCS] = {
    "kmem", "glibc", "jemalloc", "mimalloc", "tcmalloc",
};

static struct kmem_cache smp_cache_mag, smp_cache_slab;
static unsigned long smp_ops_done;      /* by the kmem side of the paths */
static struct ipc_space *smp_shared_space;
static struct ipc_space *smp_spaces[SMP_MAX_THREADS];

/* One path: fn(thread, ops) does ops operations as CPU thread. */
struct smp_path {
    const char *name;
    void (*fn)(unsigned int self, unsigned long ops, const struct smp_path *path);
    enum smp_alloc alloc;       /* for malloc-like patterns */
    unsigned int batch;         /* batch patterns: allocations per round */
    size_t size_max;            /* size mixes: largest size */
    unsigned long ops;          /* per thread and run */
};

static void *
smp_malloc(enum smp_alloc a, size_t size)
{
    switch (a) {
    case SMP_GLIBC: return glibc_malloc(size);
    case SMP_JE:    return je_malloc(size);
    case SMP_MI:    return mi_malloc(size);
    case SMP_TC:    return tc_malloc(size);
    default:        return kmem_alloc(size);
    }
}

static void
smp_free(enum smp_alloc a, void *p, size_t size)
{
    switch (a) {
    case SMP_GLIBC: glibc_free(p); break;
    case SMP_JE:    je_free(p); break;
    case SMP_MI:    mi_free(p); break;
    case SMP_TC:    tc_free_sized(p, size); break;
    default:        kmem_free(p, size); break;
    }
}

/*
 * The machine's ceiling: a stack of pointers popped and pushed by calls,
 * as a magazine hit does, on memory private to each thread (a page each,
 * so that no line and no adjacent-line prefetch is shared).
 */
struct smp_private_stack {
    void **top, **base, **end;
    void *objs[SMP_LIVE];
};

static _Alignas(PAGE_SIZE) struct {
    struct smp_private_stack stack;
    char pad[PAGE_SIZE - sizeof(struct smp_private_stack)];
} smp_private[SMP_MAX_THREADS];

static __attribute__((noinline)) void *
smp_private_pop(struct smp_private_stack *s)
{
    if (s->top == s->base) {
        return NULL;
    }
    return *--s->top;
}

static __attribute__((noinline)) void
smp_private_push(struct smp_private_stack *s, void *obj)
{
    if (s->top == s->end) {
        panic("bench_smp: private stack full");
    }
    *s->top++ = obj;
}

static void
smp_private_pairs(unsigned int self, unsigned long ops, const struct smp_path *path)
{
    struct smp_private_stack *s = &smp_private[self].stack;

    s->base = s->objs;
    s->end = s->objs + SMP_LIVE;
    s->top = s->base;
    for (unsigned int i = 0; i < SMP_LIVE / 2; i++) {
        smp_private_push(s, &s->objs[i]);
    }
    for (unsigned long i = 0; i < ops; i++) {
        void *p = smp_private_pop(s);

        if (p == NULL) {
            panic("bench_smp: %s: private stack empty", path->name);
        }
        bench_use(p);
        smp_private_push(s, p);
    }
}

/* Pairs: 64-byte objects from the cache (kmem) or malloc (peers). */
static void
smp_pairs(unsigned int self, unsigned long ops, const struct smp_path *path)
{
    struct kmem_cache *cache = path->batch ? &smp_cache_slab : &smp_cache_mag;

    (void)self;
    for (unsigned long i = 0; i < ops; i++) {
        void *p = path->alloc == SMP_KMEM ? kmem_cache_alloc(cache)
                                          : smp_malloc(path->alloc, 64);
        if (p == NULL) {
            panic("bench_smp: %s: out of memory", path->name);
        }
        bench_use(p);
        if (path->alloc == SMP_KMEM) {
            kmem_cache_free(cache, p);
        } else {
            smp_free(path->alloc, p, 64);
        }
    }
}

/* Rounds of batch allocations of 64 bytes, then as many frees. */
static void
smp_batches(unsigned int self, unsigned long ops, const struct smp_path *path)
{
    void *objs[SMP_BATCH_MAX];

    (void)self;
    for (unsigned long r = 0; r < ops / path->batch; r++) {
        for (unsigned int i = 0; i < path->batch; i++) {
            objs[i] = path->alloc == SMP_KMEM ? kmem_cache_alloc(&smp_cache_mag)
                                              : smp_malloc(path->alloc, 64);
            if (objs[i] == NULL) {
                panic("bench_smp: %s: out of memory", path->name);
            }
        }
        for (unsigned int i = 0; i < path->batch; i++) {
            if (path->alloc == SMP_KMEM) {
                kmem_cache_free(&smp_cache_mag, objs[i]);
            } else {
                smp_free(path->alloc, objs[i], 64);
            }
        }
    }
}

/* Random sizes of 16..size_max bytes, SMP_LIVE blocks live. */
static void
smp_size_mix(unsigned int self, unsigned long ops, const struct smp_path *path)
{
    void *objs[SMP_LIVE];
    size_t sizes[SMP_LIVE];
    uint64_t x = 0x9e3779b97f4a7c15ull * (self + 1);

    for (unsigned int i = 0; i < SMP_LIVE; i++) {
        sizes[i] = 16 + host_xorshift64(&x) % (path->size_max - 15);
        objs[i] = smp_malloc(path->alloc, sizes[i]);
    }
    for (unsigned long i = 0; i < ops; i++) {
        unsigned int slot = i % SMP_LIVE;

        smp_free(path->alloc, objs[slot], sizes[slot]);
        sizes[slot] = 16 + host_xorshift64(&x) % (path->size_max - 15);
        objs[slot] = smp_malloc(path->alloc, sizes[slot]);
        if (objs[slot] == NULL) {
            panic("bench_smp: %s: out of memory", path->name);
        }
    }
    for (unsigned int i = 0; i < SMP_LIVE; i++) {
        smp_free(path->alloc, objs[i], sizes[i]);
    }
}

static void
smp_pool_hit(unsigned int self, unsigned long ops, const struct smp_path *path)
{
    (void)self;
    for (unsigned long i = 0; i < ops; i++) {
        struct vm_page *page = vm_page_alloc(0, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KERNEL);

        if (page == NULL) {
            panic("bench_smp: %s: out of pages", path->name);
        }
        vm_page_free(page, 0);
    }
}

static void
smp_refill_drain(unsigned int self, unsigned long ops, const struct smp_path *path)
{
    /* Pages of their own: neighbours would share the prefetcher's pages. */
    static struct {
        _Alignas(PAGE_SIZE) struct vm_page *pages[SMP_BATCH_MAX];
    } held[SMP_MAX_THREADS];
    struct vm_page **pages = held[self].pages;

    for (unsigned long r = 0; r < ops / path->batch; r++) {
        for (unsigned int i = 0; i < path->batch; i++) {
            pages[i] = vm_page_alloc(0, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KERNEL);
            if (pages[i] == NULL) {
                panic("bench_smp: %s: out of pages", path->name);
            }
        }
        for (unsigned int i = 0; i < path->batch; i++) {
            vm_page_free(pages[i], 0);
        }
    }
}

/* path->batch is the order here. */
static void
smp_buddy(unsigned int self, unsigned long ops, const struct smp_path *path)
{
    (void)self;
    for (unsigned long i = 0; i < ops; i++) {
        struct vm_page *page = vm_page_alloc(path->batch, VM_PAGE_SEL_DMA, VM_PAGE_KERNEL);

        if (page == NULL) {
            panic("bench_smp: %s: out of pages", path->name);
        }
        vm_page_free(page, path->batch);
    }
}

/* path->batch: 1 for one shared space, 0 for a space per thread. */
static void
smp_ipc_names(unsigned int self, unsigned long ops, const struct smp_path *path)
{
    struct ipc_space *space = path->batch ? smp_shared_space : smp_spaces[self];
    mach_port_name_t name;

    for (unsigned long i = 0; i < ops; i++) {
        if (ipc_right_alloc(space, MACH_PORT_RIGHT_DEAD_NAME, &name) != KERN_SUCCESS
            || ipc_right_deallocate(space, name) != KERN_SUCCESS) {
            panic("bench_smp: %s: IPC name allocation failed", path->name);
        }
    }
}

/*
 * The CPUs: thread (CPU) i is pinned to the host CPU smp_cpus[i] when
 * smp_pinned, so that every figure of CPU i comes from one host CPU.
 */
static int smp_cpus[SMP_MAX_THREADS];
static bool smp_pinned;

/* A run of nr_threads threads over one path, as CPUs first.. */
struct smp_run {
    const struct smp_path *path;
    pthread_barrier_t start;
};

struct smp_thread {
    struct smp_run *run;
    unsigned int self;
    double start, end;
    double cpu_start, cpu_end;  /* the thread's own CPU time */
};

/* This thread's CPU time, in nanoseconds. */
static double
smp_thread_cpu_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void
smp_pin(unsigned int self)
{
    cpu_set_t set;

    CPU_ZERO(&set);
    CPU_SET(smp_cpus[self], &set);
    if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set) != 0) {
        panic("bench_smp: cannot pin a thread to CPU %d", smp_cpus[self]);
    }
}

static void *
smp_thread_main(void *arg)
{
    struct smp_thread *t = arg;

    percpu_host_set_cpu(t->self);
    if (smp_pinned) {
        smp_pin(t->self);
    }
    pthread_barrier_wait(&t->run->start);
    t->cpu_start = smp_thread_cpu_now();
    t->start = bench_now();
    t->run->path->fn(t->self, t->run->path->ops, t->run->path);
    t->end = bench_now();
    t->cpu_end = smp_thread_cpu_now();
    return NULL;
}

/*
 * A thread's operations per nanosecond: wall over its wall-clock span,
 * cpu over its own CPU time, which time spent descheduled does not count
 * (a bound, on a loaded machine: it overstates threads that mostly ran
 * one at a time).
 */
struct smp_rate {
    double wall, cpu;
};

/* One run of path on CPUs first..first+nr_threads-1; each one's rate. */
static void
smp_run_once(const struct smp_path *path, unsigned int first, unsigned int nr_threads,
             struct smp_rate *rates)
{
    pthread_t threads[SMP_MAX_THREADS];
    struct smp_thread ts[SMP_MAX_THREADS];
    struct smp_run run = { .path = path };

    pthread_barrier_init(&run.start, NULL, nr_threads + 1);
    for (unsigned int i = 0; i < nr_threads; i++) {
        ts[i] = (struct smp_thread){ .run = &run, .self = first + i };
        if (pthread_create(&threads[i], NULL, smp_thread_main, &ts[i]) != 0) {
            panic("bench_smp: pthread_create");
        }
    }
    pthread_barrier_wait(&run.start);
    for (unsigned int i = 0; i < nr_threads; i++) {
        pthread_join(threads[i], NULL);
        rates[i].wall = path->ops / (ts[i].end - ts[i].start);
        rates[i].cpu = path->ops / (ts[i].cpu_end - ts[i].cpu_start);
    }
    pthread_barrier_destroy(&run.start);
    if (path->alloc == SMP_KMEM) {
        smp_ops_done += path->ops * nr_threads;
    }
}

/*
 * One allocator's figures on a path: solo[i], the best rate of one
 * thread alone on CPU i; scaling[c], the best over the runs of
 * sum_i rate(i) / solo[i], rate(i) being CPU i's rate while counts[c]
 * threads run at once (counts[0] is 1: its scaling is 1).
 */
struct smp_figures {
    struct smp_rate solo[SMP_MAX_THREADS];
    struct smp_rate scaling[SMP_MAX_COUNTS];
};

/*
 * The figures of path for allocators kmem..last (last is SMP_KMEM for a
 * path without peers), over runs rounds. Each round runs every
 * allocator alone on each CPU, then with every thread count, so that
 * both sides of each ratio sample the same stretches of the machine's
 * time, and each CPU's rate with the others running is divided by its
 * own rate alone: the two virtual CPUs of the machine this was written
 * on differ by up to 1.5x in speed, and which one is slower changes over
 * minutes, so a figure over "one thread, wherever it ran" said more
 * about the host than about the allocator.
 */
static void
smp_measure(const struct smp_path *path, enum smp_alloc last, const unsigned int *counts,
            unsigned int nr_counts, unsigned int runs, struct smp_figures figs[SMP_NR_ALLOCS])
{
    static struct smp_rate multi[SMP_NR_ALLOCS][SMP_MAX_COUNTS][SMP_RUNS][SMP_MAX_THREADS];
    unsigned int nr_solo = counts[nr_counts - 1];

    assert(runs <= SMP_RUNS && counts[0] == 1);
    memset(figs, 0, sizeof(figs[0]) * (last + 1));
    for (unsigned int r = 0; r < runs; r++) {
        for (int a = SMP_KMEM; a <= (int)last; a++) {
            struct smp_path variant = *path;

            variant.alloc = a;
            for (unsigned int i = 0; i < nr_solo; i++) {
                struct smp_rate rate;

                smp_run_once(&variant, i, 1, &rate);
                figs[a].solo[i].wall = MAX(figs[a].solo[i].wall, rate.wall);
                figs[a].solo[i].cpu = MAX(figs[a].solo[i].cpu, rate.cpu);
            }
            for (unsigned int c = 1; c < nr_counts; c++) {
                smp_run_once(&variant, 0, counts[c], multi[a][c][r]);
            }
        }
    }
    for (int a = SMP_KMEM; a <= (int)last; a++) {
        figs[a].scaling[0] = (struct smp_rate){ 1, 1 };
        for (unsigned int c = 1; c < nr_counts; c++) {
            for (unsigned int r = 0; r < runs; r++) {
                struct smp_rate sum = { 0, 0 };

                for (unsigned int i = 0; i < counts[c]; i++) {
                    sum.wall += multi[a][c][r][i].wall / figs[a].solo[i].wall;
                    sum.cpu += multi[a][c][r][i].cpu / figs[a].solo[i].cpu;
                }
                figs[a].scaling[c].wall = MAX(figs[a].scaling[c].wall, sum.wall);
                figs[a].scaling[c].cpu = MAX(figs[a].scaling[c].cpu, sum.cpu);
            }
        }
    }
}

/* Depot lock acquisitions and busy ones, summed over every kmem cache. */
struct smp_depot {
    unsigned long trips, busy;
};

static void
smp_depot_add(const struct kmem_cache_stats *st, void *arg)
{
    struct smp_depot *d = arg;

    d->trips += st->depot_nr_trips;
    d->busy += st->depot_nr_contended;
}

static struct smp_depot
smp_depot_get(void)
{
    struct smp_depot d = { 0, 0 };

    kmem_cache_stats_walk(smp_depot_add, &d);
    return d;
}

/* Cache-line handoff: two threads take turns to increment one word. */
#define SMP_HANDOFFS        100000

static _Alignas(CPU_CACHE_LINE) unsigned long smp_handoff_word;

static void *
smp_handoff_main(void *arg)
{
    unsigned long self = (unsigned long)arg;

    percpu_host_set_cpu((unsigned int)self);
    for (unsigned long i = 0; i < SMP_HANDOFFS; i++) {
        unsigned int spins = 0;

        while (__atomic_load_n(&smp_handoff_word, __ATOMIC_ACQUIRE) % 2 != self) {
            if (++spins % SPINLOCK_HOST_SPINS == 0) {
                sched_yield();
            } else {
                __builtin_ia32_pause();
            }
        }
        __atomic_store_n(&smp_handoff_word, smp_handoff_word + 1, __ATOMIC_RELEASE);
    }
    return NULL;
}

/* Nanoseconds for one thread to see the other's write, best of runs. */
static double
smp_handoff_ns(unsigned int runs)
{
    double best = INFINITY;

    for (unsigned int r = 0; r < runs; r++) {
        pthread_t threads[2];
        double start, ns;

        smp_handoff_word = 0;
        start = bench_now();
        for (unsigned long i = 0; i < 2; i++) {
            if (pthread_create(&threads[i], NULL, smp_handoff_main, (void *)i) != 0) {
                panic("bench_smp: pthread_create");
            }
        }
        pthread_join(threads[0], NULL);
        pthread_join(threads[1], NULL);
        ns = (bench_now() - start) / (2.0 * SMP_HANDOFFS);
        best = ns < best ? ns : best;
    }
    return best;
}

static void
smp_loadavg(const char *when)
{
    char line[128] = "?";
    FILE *f = fopen("/proc/loadavg", "r");

    if (f != NULL) {
        if (fgets(line, sizeof(line), f) == NULL) {
            strcpy(line, "?\n");
        }
        fclose(f);
    }
    printf("loadavg at %s: %s", when, line);
}

/* The host CPUs this process may run on, into smp_cpus; their number. */
static long
smp_cpus_find(void)
{
    cpu_set_t set;
    long n = 0;

    if (sched_getaffinity(0, sizeof(set), &set) != 0) {
        return 1;
    }
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
        if (CPU_ISSET(cpu, &set)) {
            if (n < SMP_MAX_THREADS) {
                smp_cpus[n] = cpu;
            }
            n++;
        }
    }
    return n;
}

static void
smp_setup(unsigned int nr_threads)
{
    void *libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
    void *je = dlopen("libjemalloc.so.2", RTLD_NOW | RTLD_NOLOAD);

    if (libc == NULL || je == NULL) {
        panic("bench_smp: cannot find libc or libjemalloc");
    }
    glibc_malloc = dlsym(libc, "malloc");
    glibc_free = dlsym(libc, "free");
    je_malloc = dlsym(je, "malloc");
    je_free = dlsym(je, "free");
    if (!glibc_malloc || !glibc_free || !je_malloc || !je_free) {
        panic("bench_smp: dlsym");
    }

    kmem_host_setup(262144);
    kmem_setup();
    if (kmem_cache_init(&smp_cache_mag, "smp_mag", 64, 0, NULL, 0) != 0
        || kmem_cache_init(&smp_cache_slab, "smp_slab", 64, 0, NULL,
                           KMEM_CACHE_NOCPUPOOL) != 0) {
        panic("bench_smp: kmem_cache_init");
    }

    vm_page_load(VM_PAGE_SEG_DMA, 0, 16 << 20);
    vm_page_load(VM_PAGE_SEG_DIRECTMAP, 16 << 20, 144 << 20);
    vm_page_setup(smp_bootalloc);
    vm_page_manage_range(0, 16 << 20);
    vm_page_manage_range(16 << 20, 144 << 20);
    vm_page_ready();

    qsbr_host_cpus_set(nr_threads);
    rdxtree_setup();
    ipc_entry_setup();
    ipc_port_setup();
    ipc_space_setup();
    if (ipc_space_create(&smp_shared_space) != KERN_SUCCESS) {
        panic("bench_smp: ipc_space_create");
    }
    for (unsigned int i = 0; i <= nr_threads; i++) {
        struct ipc_space *space = smp_shared_space;
        mach_port_name_t name;

        if (i < nr_threads && ipc_space_create(&smp_spaces[i]) != KERN_SUCCESS) {
            panic("bench_smp: ipc_space_create");
        }
        space = i < nr_threads ? smp_spaces[i] : space;
        for (unsigned int n = 0; n < SMP_IPC_NAMES; n++) {
            if (ipc_right_alloc(space, MACH_PORT_RIGHT_DEAD_NAME, &name) != KERN_SUCCESS) {
                panic("bench_smp: ipc_right_alloc");
            }
        }
    }
}

int
main(int argc, char **argv)
{
    bool smoke = argc > 1 && strcmp(argv[1], "--smoke") == 0;
    unsigned long scale = smoke ? 200 : 1;   /* divides the counts */
    unsigned int runs = smoke ? SMP_SMOKE_RUNS : SMP_RUNS;
    unsigned int counts[SMP_MAX_COUNTS] = { 1, 2, 0 }, nr_counts = 2, nr_cpus, mag2, tests = 0;
    long n = smp_cpus_find();
    bool failed = false;
    struct smp_path kpaths[17];
    unsigned int nr_kpaths = 0;

    nr_cpus = n < 1 ? 1 : n > SMP_MAX_THREADS ? SMP_MAX_THREADS : (unsigned int)n;
    if (nr_cpus > 2) {
        counts[nr_counts++] = nr_cpus;
    }
    smp_pinned = nr_cpus >= 2;
    smp_setup(counts[nr_counts - 1]);
    mag2 = 2 * smp_cache_mag.mag_size;

#define SMP_PATH(n, f, b, s, o) \
    kpaths[nr_kpaths++] = (struct smp_path){ .name = n, .fn = f, .alloc = SMP_KMEM, \
                                             .batch = b, .size_max = s, .ops = (o) / scale }
    SMP_PATH("machine-private", smp_private_pairs, 0, 0, 20000000);
    SMP_PATH("magazine-hit", smp_pairs, 0, 0, 20000000);
    SMP_PATH("depot-batch-below", smp_batches, mag2 / 2, 0, 4000000);
    SMP_PATH("depot-batch-at", smp_batches, mag2, 0, 4000000);
    SMP_PATH("depot-batch-above", smp_batches, mag2 + mag2 / 2, 0, 4000000);
    SMP_PATH("depot-batch-1000", smp_batches, 1000, 0, 4000000);
    SMP_PATH("slab-layer", smp_pairs, 1, 0, 1000000);
    SMP_PATH("kmem_alloc-mix-512", smp_size_mix, 0, 512, 4000000);
    SMP_PATH("kmem_alloc-mix-8192", smp_size_mix, 0, 8192, 4000000);
    SMP_PATH("vm_page-pool-hit", smp_pool_hit, 0, 0, 10000000);
    SMP_PATH("vm_page-refill-drain", smp_refill_drain, 1000, 0, 2000000);
    SMP_PATH("buddy-order0", smp_buddy, 0, 0, 400000);
    SMP_PATH("buddy-order3", smp_buddy, 3, 0, 400000);
    SMP_PATH("ipc-name-one-space", smp_ipc_names, 1, 0, 1000000);
    SMP_PATH("ipc-name-per-space", smp_ipc_names, 0, 0, 1000000);
#undef SMP_PATH

    if (smoke) {
        printf("1..%u\n", nr_kpaths * (nr_counts - 1) + 2);
    } else {
        smp_loadavg("start");
        printf("host CPUs %ld, threads 1..%u, magazine size %u (64-byte objects), "
               "best of %u runs\n", n, counts[nr_counts - 1], smp_cache_mag.mag_size, runs);
        if (nr_cpus >= 2) {
            printf("machine: cache-line handoff between two threads %.1f ns (one way)\n",
                   smp_handoff_ns(runs));
        }
    }

    for (unsigned int p = 0; p < nr_kpaths; p++) {
        const struct smp_path *path = &kpaths[p];
        bool wanted = smoke || argc == 1;
        bool has_peers = path->fn == smp_pairs ? path->batch == 0
                         : path->fn == smp_batches || path->fn == smp_size_mix;
        struct smp_figures figs[SMP_NR_ALLOCS];
        struct smp_depot depot;
        unsigned long ops;

        for (int i = 1; !wanted && i < argc; i++) {
            wanted = strcmp(argv[i], path->name) == 0;
        }
        if (!wanted) {
            continue;
        }
        depot = smp_depot_get();
        ops = smp_ops_done;
        smp_measure(path, has_peers ? SMP_NR_ALLOCS - 1 : SMP_KMEM, counts, nr_counts, runs,
                    figs);
        for (unsigned int c = 1; c < nr_counts; c++) {
            double k = figs[SMP_KMEM].scaling[c].wall, kc = figs[SMP_KMEM].scaling[c].cpu;
            double best = 0, best_c = 0;
            int best_a = -1, best_ca = -1;

            for (int a = SMP_GLIBC; has_peers && a < SMP_NR_ALLOCS; a++) {
                if (figs[a].scaling[c].wall > best) {
                    best = figs[a].scaling[c].wall;
                    best_a = a;
                }
                if (figs[a].scaling[c].cpu > best_c) {
                    best_c = figs[a].scaling[c].cpu;
                    best_ca = a;
                }
            }
            if (smoke) {
                bool ok = isfinite(k) && k > 0 && (!has_peers || (isfinite(best) && best > 0));

                failed |= !ok;
                printf("%sok %u - %s %u/1 threads gives a positive figure (%.2f)\n",
                       ok ? "" : "not ", ++tests, path->name, counts[c], k);
                continue;
            }
            if (best_a >= 0) {
                printf("scaling: %s %uthreads/1thread = %.3f (peer best %.3f %s); "
                       "CPU time: %.3f (peer best %.3f %s)\n", path->name, counts[c], k, best,
                       smp_alloc_names[best_a], kc, best_c, smp_alloc_names[best_ca]);
            } else {
                printf("scaling: %s %uthreads/1thread = %.3f (peer best -); CPU time: %.3f\n",
                       path->name, counts[c], k, kc);
            }
            fflush(stdout);
        }
        if (!smoke) {
            struct smp_depot now = smp_depot_get();

            ops = smp_ops_done - ops;
            printf("  %s 1 thread, Mops/s:", path->name);
            for (unsigned int i = 0; i < counts[nr_counts - 1]; i++) {
                printf(" %.1f (CPU %u)", figs[SMP_KMEM].solo[i].wall * 1e3, i);
            }
            printf("; kmem depot: %.2f trips per 1000 ops, "
                   "%.1f%% busy; smp_mag magazines now %u rounds\n",
                   1000.0 * (double)(now.trips - depot.trips) / (double)(ops ? ops : 1),
                   100.0 * (double)(now.busy - depot.busy)
                   / (double)(now.trips > depot.trips ? now.trips - depot.trips : 1),
                   smp_cache_mag.mag_size);
        }
    }

    if (smoke) {
        bool ok = vm_page_check() == 0;

        failed |= !ok;
        printf("%sok %u - vm_page_check() after the runs\n", ok ? "" : "not ", ++tests);
        struct kmem_cache_stats mag, slab;

        kmem_cache_stats_get(&smp_cache_mag, &mag);
        kmem_cache_stats_get(&smp_cache_slab, &slab);
        ok = mag.nr_in_use == 0 && slab.nr_in_use == 0;
        printf("%sok %u - the benchmark caches have no object in use after the runs "
               "(%lu, %lu)\n", ok ? "" : "not ", ++tests, mag.nr_in_use, slab.nr_in_use);
        failed |= !ok;
    } else {
        smp_loadavg("end");
    }
    return failed ? 1 : 0;
}
