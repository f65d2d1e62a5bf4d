/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * In-kernel tests of vm/vm_page.c on the machine's real memory.
 *
 * vm_page_fill     allocate every free page, write a pattern to each page
 *                  the direct map reaches, verify, free, and check that
 *                  the free lists are back as they were; reports how much
 *                  was filled (HIGHMEM pages are counted, not written)
 * vm_page_exhaust  for each selector, allocate order-0 then order-3
 *                  blocks until NULL: the segments must be used in the
 *                  fallback order and emptied, and come back on free
 * vm_page_exhaust_orders  (manual; boot lines repeat it, *5) the same
 *                  for every order and every selector
 * vm_page_contig   aligned, range-constrained runs (ISA DMA below 16 MiB)
 * vm_page_smp      every CPU at once allocates and frees mixed orders and
 *                  frees pages other CPUs allocated; no page may be handed
 *                  out twice, and once all is freed and every CPU drained
 *                  its pool, the free lists must be back as they were
 * vm_page_drain_ticks  every CPU fills its DIRECTMAP pool; after
 *                  vm_page_pool_drain_all() each CPU's clock tick must
 *                  drain it, within a few ticks, while the CPUs idle
 * vm_page_bench    (manual) instruction counts per alloc+free pair, with
 *                  rdtsc: run under QEMU -icount shift=0,sleep=off, where
 *                  the time stamp counter counts guest instructions
 *
 * Apart from vm_page_smp, the tests run on the boot CPU; pages cached in
 * other CPUs' pools are left alone and excluded from the expectations.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/cpu.h>
#include <i386/param.h>
#include <i386/smp.h>
#include <kern/clock.h>
#include <kern/ktest.h>
#include <kern/list.h>
#include <kern/macros.h>
#include <kern/percpu.h>
#include <kern/printf.h>
#include <kern/spinlock.h>
#include <kern/thread.h>
#include <vm/vm_page.h>

#include <tests/bench/vm_page_loops.h>

/* The state of the free lists of every segment. */
struct vm_page_test_state {
    unsigned long nr_free[VM_PAGE_NR_SEGS];     /* in the free lists */
    unsigned long nr_blocks[VM_PAGE_NR_SEGS][VM_PAGE_NR_ORDERS];
    uint64_t digest;                            /* of the free blocks' addresses */
};

/* Marks the pages a test holds, to catch a page handed out twice. */
static char vm_page_test_marker;

static void
vm_page_test_drain(void *arg)
{
    (void)arg;
    vm_page_pool_drain();
}

/* Drains every CPU's pool first, so that only free lists are compared. */
static void
vm_page_test_state_get(struct vm_page_test_state *state)
{
    struct vm_page_seg_stats stats;
    struct vm_page *first;

    smp_call_all(vm_page_test_drain, NULL);
    state->digest = 0;
    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        vm_page_seg_stats_get(i, &stats);
        state->nr_free[i] = stats.nr_free - stats.nr_pooled;
        for (unsigned int order = 0; order < VM_PAGE_NR_ORDERS; order++) {
            state->nr_blocks[i][order] = stats.nr_blocks[order];
        }
        if (stats.nr_pages == 0) {
            continue;
        }
        first = vm_page_lookup(stats.start);
        for (unsigned long j = 0; j < stats.nr_pages; j++) {
            const struct vm_page *page = vm_page_nth(first, j);
            unsigned int order = vm_page_free_order(page);

            if (order != VM_PAGE_ORDER_NONE) {
                state->digest += (page->phys_addr | order) * UINT64_C(0x9e3779b97f4a7c15);
            }
        }
    }
}

static bool
vm_page_test_state_equal(const struct vm_page_test_state *a,
                         const struct vm_page_test_state *b)
{
    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        if (a->nr_free[i] != b->nr_free[i]) {
            ktest_diag("segment %u: %lu free pages, %lu before", i,
                       a->nr_free[i], b->nr_free[i]);
            return false;
        }
        for (unsigned int order = 0; order < VM_PAGE_NR_ORDERS; order++) {
            if (a->nr_blocks[i][order] != b->nr_blocks[i][order]) {
                ktest_diag("segment %u: %lu free blocks of order %u, %lu before", i,
                           a->nr_blocks[i][order], order, b->nr_blocks[i][order]);
                return false;
            }
        }
    }
    if (a->digest != b->digest) {
        ktest_diag("same counts but other free blocks than before");
        return false;
    }
    return true;
}

/* ---------------------------------------------------------------- fill */

static uint32_t
vm_page_test_seed(const struct vm_page *page, unsigned long seq)
{
    return (uint32_t)(vm_page_to_pa(page) >> PAGE_SHIFT) * 2654435761u ^ seq;
}

static void
vm_page_test_fill_fn(void)
{
    struct vm_page_test_state before, after;
    unsigned long nr = 0, written = 0, bad = 0, dup = 0, start_free = 0;
    struct list filled, *node, *tmp;
    struct vm_page *page;
    uint32_t *word, seed;

    vm_page_test_state_get(&before);
    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        start_free += before.nr_free[i];
    }

    list_init(&filled);
    while ((page = vm_page_alloc(0, VM_PAGE_SEL_HIGHMEM, VM_PAGE_KERNEL)) != NULL) {
        dup += (page->priv == &vm_page_test_marker);
        page->priv = &vm_page_test_marker;
        list_insert_tail(&filled, &page->node);
        word = vm_page_direct_va(page);
        if (word != NULL) {
            seed = vm_page_test_seed(page, nr);
            for (unsigned int i = 0; i < PAGE_SIZE / sizeof(*word); i++) {
                word[i] = seed + i * 0x9e3779b9u;
            }
            written++;
        }
        nr++;
    }

    nr = 0;
    list_foreach(&filled, node) {
        page = list_entry(node, struct vm_page, node);
        word = vm_page_direct_va(page);
        if (word != NULL) {
            seed = vm_page_test_seed(page, nr);
            for (unsigned int i = 0; i < PAGE_SIZE / sizeof(*word); i++) {
                if (word[i] != seed + i * 0x9e3779b9u) {
                    if (bad++ < 5) {
                        ktest_diag("page 0x%llx word %u: 0x%08x, expected 0x%08x",
                                   (unsigned long long)vm_page_to_pa(page), i,
                                   word[i], seed + i * 0x9e3779b9u);
                    }
                    break;
                }
            }
        }
        nr++;
    }

    list_foreach_safe(&filled, node, tmp) {
        page = list_entry(node, struct vm_page, node);
        page->priv = NULL;
        vm_page_free(page, 0);
    }
    vm_page_test_state_get(&after);

    ktest_diag("vm_page_fill: filled %lu pages (%lu MiB) of %lu free (%llu.%02llu%%): "
               "%lu written and verified (%lu MiB), %lu beyond the direct map counted only (%lu MiB)",
               nr, nr >> (20 - PAGE_SHIFT), start_free,
               (unsigned long long)nr * 100 / MAX(start_free, 1),
               (unsigned long long)nr * 10000 / MAX(start_free, 1) % 100,
               written, written >> (20 - PAGE_SHIFT), nr - written,
               (nr - written) >> (20 - PAGE_SHIFT));
    ktest_assert_msg(dup == 0, "%lu pages handed out twice", dup);
    ktest_assert_msg(bad == 0, "%lu pages lost their pattern", bad);
    ktest_assert_msg((uint64_t)nr * 100 >= (uint64_t)start_free * 99,
                     "filled %lu pages, less than 99%% of %lu", nr, start_free);
    KTEST_ASSERT(vm_page_test_state_equal(&after, &before));
    KTEST_ASSERT(vm_page_check() == 0);
}

/* ---------------------------------------------------------------- exhaust */

static void
vm_page_test_exhaust_one(unsigned int selector, unsigned int order)
{
    unsigned long expect[VM_PAGE_NR_SEGS], got[VM_PAGE_NR_SEGS] = { 0 };
    struct vm_page_test_state before, after;
    unsigned int seg = VM_PAGE_NR_SEGS;
    struct list held, *node, *tmp;
    struct vm_page *page;
    bool in_order = true;

    vm_page_test_state_get(&before);
    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        expect[i] = 0;
        for (unsigned int o = order; o < VM_PAGE_NR_ORDERS && i <= selector; o++) {
            expect[i] += before.nr_blocks[i][o] << o;
        }
    }

    list_init(&held);
    while ((page = vm_page_alloc(order, selector, VM_PAGE_KERNEL)) != NULL) {
        in_order &= page->seg_index <= MIN(seg, selector);
        seg = page->seg_index;
        got[seg] += 1UL << order;
        list_insert_tail(&held, &page->node);
    }
    list_foreach_safe(&held, node, tmp) {
        vm_page_free(list_entry(node, struct vm_page, node), order);
    }
    vm_page_test_state_get(&after);

    ktest_assert_msg(in_order, "selector %u order %u: segments not in fallback order",
                     selector, order);
    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        ktest_assert_msg(got[i] == expect[i], "selector %u order %u: %lu pages from "
                         "segment %u, expected %lu", selector, order, got[i], i, expect[i]);
    }
    ktest_assert_msg(vm_page_test_state_equal(&after, &before),
                     "selector %u order %u: free lists not restored", selector, order);
}

/* Every selector, lowest first, for the exhaustion tests. */
static const unsigned int vm_page_test_selectors[] = {
    VM_PAGE_SEL_DMA, VM_PAGE_SEL_DIRECTMAP,
#ifdef CONFIG_PAE
    VM_PAGE_SEL_DMA32,
#endif
    VM_PAGE_SEL_HIGHMEM,
};

static void
vm_page_test_exhaust_fn(void)
{
    for (unsigned int i = 0; i < ARRAY_SIZE(vm_page_test_selectors); i++) {
        vm_page_test_exhaust_one(vm_page_test_selectors[i], 0);
        vm_page_test_exhaust_one(vm_page_test_selectors[i], 3);
    }
    KTEST_ASSERT(vm_page_alloc(VM_PAGE_ORDER_MAX + 1, VM_PAGE_SEL_HIGHMEM,
                               VM_PAGE_KERNEL) == NULL);
    KTEST_ASSERT(vm_page_check() == 0);
}

static void
vm_page_test_exhaust_orders_fn(void)
{
    for (unsigned int i = 0; i < ARRAY_SIZE(vm_page_test_selectors); i++) {
        for (unsigned int order = 0; order <= VM_PAGE_ORDER_MAX; order++) {
            vm_page_test_exhaust_one(vm_page_test_selectors[i], order);
        }
    }
    KTEST_ASSERT(vm_page_check() == 0);
}

/* ---------------------------------------------------------------- contig */

static void
vm_page_test_contig_fn(void)
{
    struct vm_page_test_state before, after;
    struct vm_page *page;
    phys_addr_t pa;

    vm_page_test_state_get(&before);

    /* An ISA DMA buffer: 64 KiB, 64 KiB aligned, below 16 MiB. */
    page = vm_page_alloc_contig(16, 0x10000, 0, 0x1000000, VM_PAGE_KERNEL);
    if (page == NULL) {
        ktest_diag("no free 64 KiB below 16 MiB");
    } else {
        pa = vm_page_to_pa(page);
        ktest_assert_msg(P2ALIGNED(pa, 0x10000) && pa + 0x10000 <= 0x1000000,
                         "64 KiB run at 0x%llx", (unsigned long long)pa);
        KTEST_ASSERT(page->type == VM_PAGE_KERNEL && page[15].type == VM_PAGE_KERNEL);
        KTEST_ASSERT(vm_page_to_pa(&page[15]) == pa + 15 * PAGE_SIZE);
        vm_page_free_contig(page, 16);
    }

    /* 3 pages anywhere: the highest segment first. */
    page = vm_page_alloc_contig(3, 0, 0, UINT64_MAX, VM_PAGE_KERNEL);
    KTEST_ASSERT(page != NULL);
    if (page != NULL) {
        vm_page_free_contig(page, 3);
    }
    KTEST_ASSERT(vm_page_alloc_contig(1, 3 * PAGE_SIZE, 0, UINT64_MAX,
                                      VM_PAGE_KERNEL) == NULL);

    vm_page_test_state_get(&after);
    KTEST_ASSERT(vm_page_test_state_equal(&after, &before));
    KTEST_ASSERT(vm_page_check() == 0);
}

/* ---------------------------------------------------------------- smp */

/* Operations in all, split over the CPUs (lock hand-offs are slow when
   QEMU runs more vCPUs than the host has cores). */
#define VM_PAGE_SMP_OPS_TOTAL   40000
#define VM_PAGE_SMP_HELD        64

struct vm_page_smp_cpu {
    struct vm_page *held[VM_PAGE_SMP_HELD];
    uint8_t orders[VM_PAGE_SMP_HELD];
    unsigned int nr_held;
    unsigned long nr_allocs;
    unsigned long nr_errors;
} __aligned(CPU_CACHE_LINE);

static struct vm_page_smp_cpu vm_page_smp_cpus[CONFIG_NCPUS];

/* Order-0 pages on their way from one CPU to another. */
static struct spinlock vm_page_smp_lock;
static struct vm_page *vm_page_smp_exchange[64];
static unsigned int vm_page_smp_nr_exchange;

/* Owner tokens stored in vm_page.priv: a CPU, or the exchange. */
#define VM_PAGE_SMP_OWNER(cpu)  ((void *)(uintptr_t)((cpu) + 1))
#define VM_PAGE_SMP_EXCHANGED   ((void *)&vm_page_smp_exchange)

/* Free page after checking that owner holds it. */
static void
vm_page_smp_release(struct vm_page_smp_cpu *self, struct vm_page *page,
                    unsigned int order, void *owner)
{
    if (__atomic_exchange_n(&page->priv, NULL, __ATOMIC_RELAXED) != owner) {
        self->nr_errors++;
    }
    vm_page_free(page, order);
}

static void
vm_page_smp_fn(void *arg)
{
    unsigned int cpu = cpu_id(), i, order;
    struct vm_page_smp_cpu *self = &vm_page_smp_cpus[cpu];
    uint32_t rng = 2654435761u * (cpu + 1);
    struct vm_page *page;

    (void)arg;
    for (unsigned int op = 0; op < VM_PAGE_SMP_OPS_TOTAL / smp_nr_cpus(); op++) {
        rng ^= rng << 13;
        rng ^= rng >> 17;
        rng ^= rng << 5;
        if (self->nr_held == VM_PAGE_SMP_HELD || (self->nr_held != 0 && rng % 100 < 45)) {
            i = (rng >> 8) % self->nr_held;
            page = self->held[i];
            order = self->orders[i];
            self->nr_held--;
            self->held[i] = self->held[self->nr_held];
            self->orders[i] = self->orders[self->nr_held];
            if (order == 0 && (rng >> 16) % 4 == 0) {
                spinlock_lock(&vm_page_smp_lock);
                if (vm_page_smp_nr_exchange < ARRAY_SIZE(vm_page_smp_exchange)) {
                    __atomic_store_n(&page->priv, VM_PAGE_SMP_EXCHANGED, __ATOMIC_RELAXED);
                    vm_page_smp_exchange[vm_page_smp_nr_exchange++] = page;
                    page = NULL;
                }
                spinlock_unlock(&vm_page_smp_lock);
            }
            if (page != NULL) {
                vm_page_smp_release(self, page, order, VM_PAGE_SMP_OWNER(cpu));
            }
        } else if ((rng >> 4) % 8 == 0) {
            spinlock_lock(&vm_page_smp_lock);
            page = (vm_page_smp_nr_exchange != 0)
                   ? vm_page_smp_exchange[--vm_page_smp_nr_exchange] : NULL;
            spinlock_unlock(&vm_page_smp_lock);
            if (page != NULL) {
                vm_page_smp_release(self, page, 0, VM_PAGE_SMP_EXCHANGED);
            }
        } else {
            order = ((rng >> 12) % 8 < 6) ? 0 : 1 + (rng >> 20) % 3;
            page = vm_page_alloc(order, (rng >> 24) % VM_PAGE_NR_SEGS, VM_PAGE_KERNEL);
            if (page != NULL) {
                if (__atomic_exchange_n(&page->priv, VM_PAGE_SMP_OWNER(cpu),
                                        __ATOMIC_RELAXED) != NULL) {
                    self->nr_errors++;
                }
                self->held[self->nr_held] = page;
                self->orders[self->nr_held] = order;
                self->nr_held++;
                self->nr_allocs++;
            }
        }
    }
    while (self->nr_held != 0) {
        self->nr_held--;
        vm_page_smp_release(self, self->held[self->nr_held],
                            self->orders[self->nr_held], VM_PAGE_SMP_OWNER(cpu));
    }
    vm_page_pool_drain();
}

static void
vm_page_test_smp_fn(void)
{
    struct vm_page_test_state before, after;
    unsigned long allocs = 0, errors = 0;

    vm_page_test_state_get(&before);
    spinlock_init(&vm_page_smp_lock);
    vm_page_smp_nr_exchange = 0;
    for (unsigned int cpu = 0; cpu < CONFIG_NCPUS; cpu++) {
        vm_page_smp_cpus[cpu] = (struct vm_page_smp_cpu){ .nr_held = 0 };
    }
    smp_call_all(vm_page_smp_fn, NULL);
    while (vm_page_smp_nr_exchange != 0) {
        vm_page_smp_release(&vm_page_smp_cpus[cpu_id()],
                            vm_page_smp_exchange[--vm_page_smp_nr_exchange], 0,
                            VM_PAGE_SMP_EXCHANGED);
    }
    for (unsigned int cpu = 0; cpu < CONFIG_NCPUS; cpu++) {
        allocs += vm_page_smp_cpus[cpu].nr_allocs;
        errors += vm_page_smp_cpus[cpu].nr_errors;
    }
    vm_page_test_state_get(&after);

    ktest_diag("vm_page_smp: %u CPUs, %lu allocations", smp_nr_cpus(), allocs);
    ktest_assert_msg(errors == 0, "%lu pages handed out twice or freed by a stranger",
                     errors);
    KTEST_ASSERT(vm_page_test_state_equal(&after, &before));
    KTEST_ASSERT(vm_page_check() == 0);
}

/* ---------------------------------------------------------------- drain at ticks */

#define VM_PAGE_DRAIN_TICKS     10      /* a request is served within a tick */

/* Leave a refill's worth of pages in this CPU's DIRECTMAP pool. */
static void
vm_page_drain_fill(void *arg)
{
    struct vm_page *page = vm_page_alloc(0, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KERNEL);

    (void)arg;
    if (page != NULL) {
        vm_page_free(page, 0);
    }
}

static unsigned long
vm_page_drain_pooled(void)
{
    struct vm_page_seg_stats stats;

    vm_page_seg_stats_get(VM_PAGE_SEG_DIRECTMAP, &stats);
    return stats.nr_pooled;
}

static void
vm_page_test_drain_ticks_fn(void)
{
    struct vm_page_seg_stats stats;
    unsigned long pooled;
    uint64_t start;

    vm_page_seg_stats_get(VM_PAGE_SEG_DIRECTMAP, &stats);
    if (stats.pool_size == 0) {
        ktest_diag("vm_page_drain_ticks: no DIRECTMAP pool below 32 MiB, nothing to drain");
        return;
    }
    smp_call_all(vm_page_test_drain, NULL);
    KTEST_ASSERT(vm_page_drain_pooled() == 0);
    smp_call_all(vm_page_drain_fill, NULL);
    pooled = vm_page_drain_pooled();
    KTEST_ASSERT(pooled >= smp_nr_cpus() * 16);     /* at least a low-memory refill each */
    vm_page_pool_drain_all();
    start = clock_ticks();
    while (vm_page_drain_pooled() != 0 && clock_ticks() - start <= VM_PAGE_DRAIN_TICKS) {
        thread_yield();
    }
    ktest_diag("vm_page_drain_ticks: %u CPUs, %lu pooled pages drained in %llu ticks",
               smp_nr_cpus(), pooled, (unsigned long long)(clock_ticks() - start));
    ktest_assert_msg(vm_page_drain_pooled() == 0, "%lu pages still pooled after %u ticks",
                     vm_page_drain_pooled(), VM_PAGE_DRAIN_TICKS);
    KTEST_ASSERT(vm_page_check() == 0);
}

/* ---------------------------------------------------------------- bench */

#define VM_PAGE_BENCH_POOL      10000
#define VM_PAGE_BENCH_ROUNDS    10
#define VM_PAGE_BENCH_BUDDY     1000

static struct vm_page *vm_page_bench_pages[BENCH_VM_PAGE_BATCH];

static void
vm_page_bench_refill_drain(unsigned long rounds)
{
    bench_vm_page_refill_drain(vm_page_bench_pages, rounds);
}

/* Fewest time stamp counts of three runs of loop(n). */
static uint32_t
vm_page_bench_run(void (*loop)(unsigned long), unsigned long n)
{
    uint32_t best = UINT32_MAX;
    uint64_t start;

    for (unsigned int i = 0; i < 3; i++) {
        start = cpu_rdtsc();
        loop(n);
        best = MIN(best, (uint32_t)(cpu_rdtsc() - start));
    }
    return best;
}

/* Print the count per pair of loop(n) doing pairs pairs, less the loop's own. */
static void
vm_page_bench_report(const char *name, void (*loop)(unsigned long), unsigned long n,
                     unsigned long pairs)
{
    uint32_t empty = vm_page_bench_run(bench_vm_page_empty, pairs);
    uint32_t total = vm_page_bench_run(loop, n);
    uint32_t tenths = (total > empty) ? (total - empty) * 10 / pairs : 0;

    printf("bench: vm_page %s %u.%u insns/pair\n", name, tenths / 10, tenths % 10);
}

static void
vm_page_test_bench_fn(void)
{
    struct vm_page_seg_stats stats;
    struct vm_page *page;
    struct list held;

    ktest_diag("counts are instructions only under QEMU -icount shift=0,sleep=off");
    vm_page_seg_stats_get(VM_PAGE_SEG_DIRECTMAP, &stats);
    if (stats.pool_size == 0 || stats.nr_free < 4 * BENCH_VM_PAGE_BATCH) {
        ktest_diag("DIRECTMAP has no pool or too little memory: pool benches skipped");
    } else {
        page = vm_page_alloc(0, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KERNEL);
        vm_page_free(page, 0);
        vm_page_bench_report("pool_hit", bench_vm_page_pool_hit, VM_PAGE_BENCH_POOL,
                             VM_PAGE_BENCH_POOL);
        vm_page_bench_report("refill_drain", vm_page_bench_refill_drain,
                             VM_PAGE_BENCH_ROUNDS,
                             VM_PAGE_BENCH_ROUNDS * BENCH_VM_PAGE_BATCH);
    }

    if (!bench_vm_page_buddy_prepare(&held)) {
        ktest_diag("DMA holds no free 4 MiB block: buddy benches skipped");
    } else {
        vm_page_bench_report("buddy0_split_merge", bench_vm_page_buddy0,
                             VM_PAGE_BENCH_BUDDY, VM_PAGE_BENCH_BUDDY);
        vm_page_bench_report("buddy1", bench_vm_page_buddy1, VM_PAGE_BENCH_BUDDY,
                             VM_PAGE_BENCH_BUDDY);
        vm_page_bench_report("buddy2", bench_vm_page_buddy2, VM_PAGE_BENCH_BUDDY,
                             VM_PAGE_BENCH_BUDDY);
        vm_page_bench_report("buddy3", bench_vm_page_buddy3, VM_PAGE_BENCH_BUDDY,
                             VM_PAGE_BENCH_BUDDY);
        /* Every pair split a 4 MiB block and merged it back. */
        KTEST_ASSERT(bench_vm_page_buddy_ready());
    }
    bench_vm_page_buddy_release(&held);
    KTEST_ASSERT(vm_page_check() == 0);
}

KTEST_DEFINE(vm_page_fill, vm_page_test_fill_fn, 0);
KTEST_DEFINE(vm_page_exhaust, vm_page_test_exhaust_fn, 0);
KTEST_DEFINE(vm_page_contig, vm_page_test_contig_fn, 0);
KTEST_DEFINE(vm_page_exhaust_orders, vm_page_test_exhaust_orders_fn, KTEST_MANUAL);
KTEST_DEFINE(vm_page_smp, vm_page_test_smp_fn, 0);
KTEST_DEFINE(vm_page_drain_ticks, vm_page_test_drain_ticks_fn, 0);
KTEST_DEFINE(vm_page_bench, vm_page_test_bench_fn, KTEST_MANUAL);
