/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The measured loops of the vm_page benchmarks, shared by the host
 * benchmark (tests/bench/bench_vm_page.c, counted by callgrind per
 * function) and the in-kernel one (tests/kernel/vm_page_test.c, counted
 * with rdtsc under QEMU -icount). Each function is one scenario and does
 * nothing but its alloc+free pairs, so its inclusive instruction count
 * divided by the number of pairs, less the per-iteration cost of
 * bench_vm_page_empty(), is the cost of a pair.
 *
 * Preconditions (checked by the callers, not here, so that the loops
 * stay bare): pool_hit needs a non-empty DIRECTMAP pool on this CPU;
 * refill_drain needs BENCH_VM_PAGE_BATCH free pages in DIRECTMAP; the
 * buddy loops need a DMA segment (which has no pool) whose free lists
 * hold order-10 blocks only, so that every pair splits and merges fully.
 */
#ifndef TESTS_BENCH_VM_PAGE_LOOPS_H
#define TESTS_BENCH_VM_PAGE_LOOPS_H

#include <vm/vm_page.h>

#define BENCH_VM_PAGE_BATCH     1000

#define BENCH_VM_PAGE_LOOP      __attribute__((noinline, noclone, used))

/* The loop alone: its per-iteration cost is subtracted from the others. */
BENCH_VM_PAGE_LOOP static void
bench_vm_page_empty(unsigned long n)
{
    for (unsigned long i = 0; i < n; i++) {
        __asm__ volatile("" : : : "memory");
    }
}

/* Order 0 from and back to a warm per-CPU pool. */
BENCH_VM_PAGE_LOOP static void
bench_vm_page_pool_hit(unsigned long n)
{
    struct vm_page *page;

    for (unsigned long i = 0; i < n; i++) {
        page = vm_page_alloc(0, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KERNEL);
        vm_page_free(page, 0);
    }
}

/* Rounds of BENCH_VM_PAGE_BATCH allocations, then as many frees. */
BENCH_VM_PAGE_LOOP static void
bench_vm_page_refill_drain(struct vm_page **pages, unsigned long rounds)
{
    for (unsigned long r = 0; r < rounds; r++) {
        for (unsigned int i = 0; i < BENCH_VM_PAGE_BATCH; i++) {
            pages[i] = vm_page_alloc(0, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KERNEL);
        }
        for (unsigned int i = 0; i < BENCH_VM_PAGE_BATCH; i++) {
            vm_page_free(pages[i], 0);
        }
    }
}

#define BENCH_VM_PAGE_BUDDY(order)                                          \
BENCH_VM_PAGE_LOOP static void                                              \
bench_vm_page_buddy##order(unsigned long n)                                 \
{                                                                           \
    struct vm_page *page;                                                   \
                                                                            \
    for (unsigned long i = 0; i < n; i++) {                                 \
        page = vm_page_alloc(order, VM_PAGE_SEL_DMA, VM_PAGE_KERNEL);       \
        vm_page_free(page, order);                                          \
    }                                                                       \
}

BENCH_VM_PAGE_BUDDY(0)
BENCH_VM_PAGE_BUDDY(1)
BENCH_VM_PAGE_BUDDY(2)
BENCH_VM_PAGE_BUDDY(3)

/*
 * Whether DMA has no pool and its free pages are all in order-10 blocks,
 * at least one: the state each buddy pair starts from and must end in
 * (checked again after the loops, so that every pair did split and
 * merge fully).
 */
static inline bool
bench_vm_page_buddy_ready(void)
{
    struct vm_page_seg_stats stats;

    vm_page_seg_stats_get(VM_PAGE_SEG_DMA, &stats);
    return stats.pool_size == 0 && stats.nr_blocks[VM_PAGE_ORDER_MAX] != 0
           && stats.nr_free == stats.nr_blocks[VM_PAGE_ORDER_MAX] << VM_PAGE_ORDER_MAX;
}

/*
 * Prepare the buddy loops: take every free block of DMA below the
 * maximum order (linking them through node into *held), so that only
 * order-10 blocks remain. Returns bench_vm_page_buddy_ready().
 */
static inline bool
bench_vm_page_buddy_prepare(struct list *held)
{
    struct vm_page_seg_stats stats;
    struct vm_page *page;

    list_init(held);
    vm_page_pool_drain();
    for (unsigned int order = 0; order < VM_PAGE_ORDER_MAX; order++) {
        vm_page_seg_stats_get(VM_PAGE_SEG_DMA, &stats);
        for (unsigned long i = 0; i < stats.nr_blocks[order]; i++) {
            page = vm_page_alloc(order, VM_PAGE_SEL_DMA, VM_PAGE_KERNEL);
            page->priv = (void *)(uintptr_t)order;
            list_insert_tail(held, &page->node);
        }
    }
    return bench_vm_page_buddy_ready();
}

/* Give back what bench_vm_page_buddy_prepare() took. */
static inline void
bench_vm_page_buddy_release(struct list *held)
{
    struct list *node, *tmp;
    struct vm_page *page;

    /* Not list_foreach_entry(): the head is no vm_page (it is less aligned). */
    list_foreach_safe(held, node, tmp) {
        unsigned int order;

        page = list_entry(node, struct vm_page, node);
        order = (unsigned int)(uintptr_t)page->priv;
        page->priv = NULL;              /* owners return pages with priv NULL */
        vm_page_free(page, order);
    }
    list_init(held);
}

#endif /* TESTS_BENCH_VM_PAGE_LOOPS_H */
