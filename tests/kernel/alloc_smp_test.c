/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test=alloc_smp: the allocator paths of `make bench-smp` (tests/bench/
 * bench_smp.c, which runs them on the host with threads) on every CPU at
 * once, in the kernel: the magazine hit, the depot exchange (batches of
 * 1000 objects), kmem_alloc() over random sizes of 16-8192 bytes, the
 * vm_page per-CPU pool hit, pool refill and drain (batches of 250
 * pages), and the buddy allocator at orders 0 and 3 (the DMA segment,
 * which has no pools).
 *
 * Each path starts on all CPUs together (smp_call_all(), with a barrier
 * so that no CPU runs it alone while the others are still being called)
 * and every CPU does the same fixed number of operations, unless the
 * path has run for a second of clock time: then every CPU stops after
 * its current batch. With more vCPUs than free host cores, a ticket lock
 * hands over only when the host schedules the next waiter's vCPU, and
 * the buddy paths (one lock, every operation) slow down a million times;
 * the deadline keeps the test short there, and the counts say so. Ownership is
 * checked on the way: each object carries its CPU and a sequence number
 * from its allocation to its free, each page its owner in vm_page.priv,
 * so an object or page handed to two CPUs at once is caught. Afterwards
 * the test caches hold no object in use and vm_page_check() passes; the
 * harness's accounting (test=alloc_smp*2) checks that memory came back.
 *
 * It prints, per path and CPU, the operations done and the rdtsc ticks
 * per operation. Under plain TCG those ticks are host time and mean
 * little on a loaded host; under `-icount shift=0` (tools/bench-kernel
 * alloc_smp, one vCPU at a time, round robin) they count guest
 * instructions, spinning on a contended lock included. The counts are
 * kept short for `make check`.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/cpu.h>
#include <i386/param.h>
#include <i386/smp.h>
#include <kern/clock.h>
#include <kern/kmem.h>
#include <kern/ktest.h>
#include <kern/macros.h>
#include <kern/percpu.h>
#include <vm/vm_page.h>

#define ALLOC_SMP_OPS           4000    /* per CPU and path */
#define ALLOC_SMP_BATCH         1000    /* depot exchange: objects per batch */
#define ALLOC_SMP_PAGES         250     /* refill/drain: pages per batch */
#define ALLOC_SMP_LIVE          64      /* size mix: live blocks */
#define ALLOC_SMP_MIX_MAX       8192
#define ALLOC_SMP_TICKS         100     /* clock ticks (1 s) per path at most */

/* Pages per refill/drain batch (alloc_smp_refill_size()). */
static unsigned int alloc_smp_refill_pages = ALLOC_SMP_PAGES;

enum {
    ALLOC_SMP_MAG_HIT,
    ALLOC_SMP_DEPOT,
    ALLOC_SMP_MIX,
    ALLOC_SMP_POOL_HIT,
    ALLOC_SMP_REFILL,
    ALLOC_SMP_BUDDY0,
    ALLOC_SMP_BUDDY3,
    ALLOC_SMP_NR_PATHS
};

static const char *const alloc_smp_names[ALLOC_SMP_NR_PATHS] = {
    "magazine-hit", "depot-batch-1000", "kmem_alloc-mix-8192", "vm_page-pool-hit",
    "vm_page-refill-drain", "buddy-order0", "buddy-order3",
};

/* One CPU's results for one path. */
struct alloc_smp_result {
    unsigned long nr_ops;
    unsigned long nr_failed;        /* allocations that returned NULL */
    unsigned long nr_errors;        /* ownership or content broken */
    uint64_t ticks;
};

/* One CPU's working set; each CPU touches only its own. */
struct alloc_smp_cpu {
    void *objs[ALLOC_SMP_BATCH];
    size_t sizes[ALLOC_SMP_LIVE];
    struct vm_page *pages[ALLOC_SMP_PAGES];
    struct alloc_smp_result results[ALLOC_SMP_NR_PATHS];
} __aligned(CPU_CACHE_LINE);

static struct alloc_smp_cpu alloc_smp_cpus[CONFIG_NCPUS];
static struct kmem_cache alloc_smp_cache;
static unsigned int alloc_smp_path;
static unsigned int alloc_smp_arrived;
static uint64_t alloc_smp_deadline;    /* rdtsc value at which paths stop; set before smp_call_all() */

/* Whether the current path has run out of time. */
static bool
alloc_smp_late(void)
{
    return cpu_rdtsc() >= alloc_smp_deadline;
}

/*
 * rdtsc ticks in ALLOC_SMP_TICKS clock ticks, measured over a few ticks
 * (the paths run with interrupts off, where the clock stands still).
 */
static uint64_t
alloc_smp_tsc_budget(void)
{
    uint64_t tick, tsc;

    tick = clock_ticks();
    while (clock_ticks() == tick) {
        cpu_pause();
    }
    tsc = cpu_rdtsc();
    while (clock_ticks() < tick + 5) {
        cpu_pause();
    }
    return (cpu_rdtsc() - tsc) / 4 * ALLOC_SMP_TICKS;
}

/* An object's stamp: its CPU and a sequence number, in its first word. */
static uint32_t
alloc_smp_stamp(unsigned int cpu, unsigned long seq)
{
    return ((uint32_t)cpu << 24) ^ (uint32_t)seq ^ 0x5a000000u;
}

static void
alloc_smp_obj_mark(void *obj, uint32_t stamp)
{
    *(volatile uint32_t *)obj = stamp;
}

static bool
alloc_smp_obj_intact(const void *obj, uint32_t stamp)
{
    return *(const volatile uint32_t *)obj == stamp;
}

static void
alloc_smp_page_take(struct alloc_smp_result *r, struct vm_page *page, unsigned int cpu)
{
    if (__atomic_exchange_n(&page->priv, (void *)(uintptr_t)(cpu + 1),
                            __ATOMIC_RELAXED) != NULL) {
        r->nr_errors++;
    }
}

static void
alloc_smp_page_give(struct alloc_smp_result *r, struct vm_page *page, unsigned int cpu,
                    unsigned int order)
{
    if (__atomic_exchange_n(&page->priv, NULL, __ATOMIC_RELAXED)
        != (void *)(uintptr_t)(cpu + 1)) {
        r->nr_errors++;
    }
    vm_page_free(page, order);
}

static void
alloc_smp_mag_hit(struct alloc_smp_cpu *self, struct alloc_smp_result *r, unsigned int cpu)
{
    (void)self;
    for (unsigned long i = 0; i < ALLOC_SMP_OPS && !alloc_smp_late(); i++) {
        uint32_t stamp = alloc_smp_stamp(cpu, i);
        void *obj = kmem_cache_alloc(&alloc_smp_cache);

        if (obj == NULL) {
            r->nr_failed++;
            continue;
        }
        alloc_smp_obj_mark(obj, stamp);
        if (!alloc_smp_obj_intact(obj, stamp)) {
            r->nr_errors++;
        }
        kmem_cache_free(&alloc_smp_cache, obj);
        r->nr_ops++;
    }
}

static void
alloc_smp_depot(struct alloc_smp_cpu *self, struct alloc_smp_result *r, unsigned int cpu)
{
    for (unsigned long round = 0; round < ALLOC_SMP_OPS / ALLOC_SMP_BATCH && !alloc_smp_late();
         round++) {
        for (unsigned int i = 0; i < ALLOC_SMP_BATCH; i++) {
            self->objs[i] = kmem_cache_alloc(&alloc_smp_cache);
            if (self->objs[i] == NULL) {
                r->nr_failed++;
            } else {
                alloc_smp_obj_mark(self->objs[i], alloc_smp_stamp(cpu, i));
            }
        }
        for (unsigned int i = 0; i < ALLOC_SMP_BATCH; i++) {
            if (self->objs[i] == NULL) {
                continue;
            }
            if (!alloc_smp_obj_intact(self->objs[i], alloc_smp_stamp(cpu, i))) {
                r->nr_errors++;
            }
            kmem_cache_free(&alloc_smp_cache, self->objs[i]);
            r->nr_ops++;
        }
    }
}

static void
alloc_smp_mix(struct alloc_smp_cpu *self, struct alloc_smp_result *r, unsigned int cpu)
{
    uint32_t rng = 2654435761u * (cpu + 1);

    for (unsigned long i = 0; i < ALLOC_SMP_OPS + ALLOC_SMP_LIVE; i++) {
        unsigned int slot = i % ALLOC_SMP_LIVE;

        if (i >= ALLOC_SMP_LIVE && self->objs[slot] != NULL) {
            if (!alloc_smp_obj_intact(self->objs[slot], alloc_smp_stamp(cpu, i - ALLOC_SMP_LIVE))) {
                r->nr_errors++;
            }
            kmem_free(self->objs[slot], self->sizes[slot]);
            r->nr_ops++;
        }
        if (i >= ALLOC_SMP_OPS || alloc_smp_late()) {
            self->objs[slot] = NULL;
            continue;
        }
        rng ^= rng << 13;
        rng ^= rng >> 17;
        rng ^= rng << 5;
        self->sizes[slot] = 16 + rng % (ALLOC_SMP_MIX_MAX - 15);
        self->objs[slot] = kmem_alloc(self->sizes[slot]);
        if (self->objs[slot] == NULL) {
            r->nr_failed++;
        } else {
            alloc_smp_obj_mark(self->objs[slot], alloc_smp_stamp(cpu, i));
        }
    }
}

/* nr pages of order at once (1: pairs), freed in the order taken. */
static void
alloc_smp_pages(struct alloc_smp_cpu *self, struct alloc_smp_result *r, unsigned int cpu,
                unsigned int order, unsigned int selector, unsigned int nr)
{
    for (unsigned long round = 0; round < ALLOC_SMP_OPS / nr && !alloc_smp_late(); round++) {
        for (unsigned int i = 0; i < nr; i++) {
            self->pages[i] = vm_page_alloc(order, selector, VM_PAGE_KERNEL);
            if (self->pages[i] == NULL) {
                r->nr_failed++;
            } else {
                alloc_smp_page_take(r, self->pages[i], cpu);
            }
        }
        for (unsigned int i = 0; i < nr; i++) {
            if (self->pages[i] != NULL) {
                alloc_smp_page_give(r, self->pages[i], cpu, order);
                r->nr_ops++;
            }
        }
    }
}

static void
alloc_smp_fn(void *arg)
{
    unsigned int cpu = cpu_id(), path = alloc_smp_path;
    struct alloc_smp_cpu *self = &alloc_smp_cpus[cpu];
    struct alloc_smp_result *r = &self->results[path];
    uint64_t start;

    (void)arg;
    __atomic_add_fetch(&alloc_smp_arrived, 1, __ATOMIC_ACQ_REL);
    while (__atomic_load_n(&alloc_smp_arrived, __ATOMIC_ACQUIRE) < smp_nr_cpus()) {
        cpu_pause();
    }
    start = cpu_rdtsc();
    switch (path) {
    case ALLOC_SMP_MAG_HIT:
        alloc_smp_mag_hit(self, r, cpu);
        break;
    case ALLOC_SMP_DEPOT:
        alloc_smp_depot(self, r, cpu);
        break;
    case ALLOC_SMP_MIX:
        alloc_smp_mix(self, r, cpu);
        break;
    case ALLOC_SMP_POOL_HIT:
        alloc_smp_pages(self, r, cpu, 0, VM_PAGE_SEL_DIRECTMAP, 1);
        break;
    case ALLOC_SMP_REFILL:
        alloc_smp_pages(self, r, cpu, 0, VM_PAGE_SEL_DIRECTMAP, alloc_smp_refill_pages);
        break;
    case ALLOC_SMP_BUDDY0:
        alloc_smp_pages(self, r, cpu, 0, VM_PAGE_SEL_DMA, 1);
        break;
    default:
        alloc_smp_pages(self, r, cpu, 3, VM_PAGE_SEL_DMA, 1);
        break;
    }
    r->ticks = cpu_rdtsc() - start;
}

/*
 * Pages per refill/drain batch: ALLOC_SMP_PAGES, or fewer on a machine
 * whose direct-mapped segments cannot give every CPU a batch and leave
 * as much free (mem-min boots with 4 MiB).
 */
static void
alloc_smp_refill_size(unsigned int nr_cpus)
{
    static const unsigned int segs[] = { VM_PAGE_SEG_DMA, VM_PAGE_SEG_DIRECTMAP };
    struct vm_page_seg_stats stats;
    unsigned long free = 0, fit;

    for (unsigned int i = 0; i < ARRAY_SIZE(segs); i++) {
        if (vm_page_seg_stats_get(segs[i], &stats) == 0) {
            free += stats.nr_free;
        }
    }
    fit = free / (2 * nr_cpus);
    alloc_smp_refill_pages = (fit >= ALLOC_SMP_PAGES) ? ALLOC_SMP_PAGES : (fit > 0 ? fit : 1);
    if (alloc_smp_refill_pages < ALLOC_SMP_PAGES) {
        ktest_diag("alloc_smp: %lu free direct-mapped pages: refill/drain batches of %u pages",
                   free, alloc_smp_refill_pages);
    }
}

static void
alloc_smp_test(void)
{
    static bool cache_ready;
    struct kmem_cache_stats st;
    unsigned int nr_cpus = smp_nr_cpus();
    uint64_t budget = alloc_smp_tsc_budget();

    if (!cache_ready) {
        KTEST_ASSERT(kmem_cache_init(&alloc_smp_cache, "alloc_smp_64", 64, 0, NULL, 0) == 0);
        cache_ready = true;
    }
    for (unsigned int cpu = 0; cpu < CONFIG_NCPUS; cpu++) {
        for (unsigned int path = 0; path < ALLOC_SMP_NR_PATHS; path++) {
            alloc_smp_cpus[cpu].results[path] = (struct alloc_smp_result){ 0 };
        }
    }
    ktest_diag("alloc_smp: %u CPUs, %u operations per CPU and path; ops, failed, "
               "rdtsc ticks per op on each CPU", nr_cpus, ALLOC_SMP_OPS);
    for (unsigned int path = 0; path < ALLOC_SMP_NR_PATHS; path++) {
        unsigned long ops = 0, failed = 0, errors = 0;

        alloc_smp_path = path;
        if (path == ALLOC_SMP_REFILL) {
            alloc_smp_refill_size(nr_cpus);     /* what the paths before left free */
        }
        alloc_smp_deadline = cpu_rdtsc() + budget;
        __atomic_store_n(&alloc_smp_arrived, 0, __ATOMIC_RELEASE);
        smp_call_all(alloc_smp_fn, NULL);
        for (unsigned int cpu = 0; cpu < nr_cpus; cpu++) {
            const struct alloc_smp_result *r = &alloc_smp_cpus[cpu].results[path];

            ktest_diag("alloc_smp: %-20s cpu %u: %lu ops, %lu failed, %lu ticks/op",
                       alloc_smp_names[path], cpu, r->nr_ops, r->nr_failed,
                       (unsigned long)(r->ticks / (r->nr_ops ? r->nr_ops : 1)));
            ops += r->nr_ops;
            failed += r->nr_failed;
            errors += r->nr_errors;
        }
        ktest_assert_msg(errors == 0, "%s: %lu objects or pages owned by two CPUs",
                         alloc_smp_names[path], errors);
        ktest_assert_msg(failed == 0,
                         "%s: %lu allocations failed", alloc_smp_names[path], failed);
        ktest_assert_msg(ops > 0, "%s: no operation done", alloc_smp_names[path]);
    }
    kmem_cache_stats_get(&alloc_smp_cache, &st);
    ktest_diag("alloc_smp: alloc_smp_64: magazines of %u rounds, %lu depot trips, %lu busy",
               st.mag_size, st.depot_nr_trips, st.depot_nr_contended);
    ktest_assert_msg(st.nr_in_use == 0, "alloc_smp_64: %lu objects in use", st.nr_in_use);
    KTEST_ASSERT(vm_page_check() == 0);
}

KTEST_DEFINE(alloc_smp, alloc_smp_test, 0);
