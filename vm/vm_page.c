/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Physical page allocator.
 *
 * Rationale. Every physical page of a segment has a descriptor, and the
 * descriptors of a segment form one array in the direct map, so that the
 * descriptor of an address, the address of a descriptor and the buddy of
 * a block are all plain arithmetic. The array of a segment starts at the
 * segment's start rounded down to a 4 MiB (maximum order) boundary and
 * ends at its end rounded up to one. That costs at most two partial
 * 4 MiB blocks of descriptors per segment (32 KiB each), and buys a merge
 * loop without bound checks: the buddy of any block of order below the
 * maximum lies inside the same aligned 4 MiB block, hence inside the
 * array. The extra descriptors, like holes, are reserved forever, so a
 * block never grows past the segment or into a hole.
 *
 * Descriptors are padded to 32 bytes (a power of two) and each array is
 * aligned to 32 << 10 bytes, so that descriptor addresses mirror page
 * numbers: the buddy of the block of order k at descriptor d is at
 * d ^ (32 << k) and the merged block at d & buddy. The merge loop then
 * needs no index arithmetic, only the page, the order and that bit.
 *
 * A split or merge across k orders is k list operations, and the buddy
 * paths spend most of their time there (doc/vm_page.md has the counts),
 * so the rest is kept out of the loops: the search for a non-empty list
 * stops at a sentinel list, the lists a split fills are known to be
 * empty (each half is linked without reading its list), the merge loop
 * ends at the maximum order by a mask rather than a test, and the free
 * block counts per order are kept as differences, so that a split or a
 * merge updates three counters whatever the number of orders.
 *
 * A page heads a free block of order k exactly when its order field is k;
 * every other page has VM_PAGE_ORDER_NONE. Merging therefore only looks
 * at the buddy's order byte. The type field is kept up to date on every
 * page of a block (allocation and free touch 2^order descriptors), so
 * that vm_page_lookup() of any address tells who owns the page.
 *
 * Order-0 pages, the vast majority of requests, go through per-CPU pools
 * in front of the buddy allocator. A pool is a stack (singly linked
 * through node.next) of pages of one segment, owned by one CPU and only
 * touched by it with interrupts disabled, so the fast path (inline, in
 * vm_page.h) takes no lock and touches one cache line of per-CPU data:
 * the pools of one CPU, one per segment, share a cache line of their
 * own. An empty pool is refilled, and a full pool drained, by half its
 * capacity under the segment lock, so that alternating allocations and
 * frees around the boundary do not hit the lock each time. A refill takes
 * the largest blocks that fit the batch (one split instead of one per
 * page); a drain returns the bottom of the stack (the coldest pages) and
 * keeps the recently freed ones. Pools are sized from the segment (1 page
 * per 1024, at most 128); segments too small for a pool of 8 pages get
 * none, which keeps the scarce DMA pages in the free lists where any CPU
 * can find them.
 *
 * Segments are numbered in address order, so the fallback order of the
 * selectors (HIGHMEM -> [DMA32] -> DIRECTMAP -> DMA) is a countdown from
 * the selector's segment. Contiguous allocation within an address range
 * scans the free lists for a block holding an aligned start and checks
 * that the free blocks following it cover the rest of the run; runs may
 * span several blocks (even several 4 MiB blocks), and the parts of the
 * blocks outside the run go back to the free lists.
 *
 * Locking: a spinlock per segment protects its free lists and counters;
 * it is taken with interrupts disabled, since pages may be allocated
 * from interrupt handlers. Pools are protected by disabling interrupts
 * on their CPU; a pool's refill and drain take the segment lock inside
 * that section. Nothing takes two segment locks at once. The inline
 * paths disable interrupts once: on a pool miss, the slow path goes on
 * in the same section (it gets the saved flags and restores them, then
 * lets in a preemption that a segment lock deferred meanwhile).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/biosmem.h>
#include <i386/param.h>
#include <kern/list.h>
#include <kern/macros.h>
#include <kern/panic.h>
#include <kern/percpu.h>
#include <kern/spinlock.h>
#include <vm/vm_page.h>

#ifdef MACH_HOST
#include <stdarg.h>
#include <stdio.h>
#define vm_page_ptov            vm_page_host_ptov
#else
#include <kern/printf.h>
#include <kern/shell.h>
#endif

_Static_assert(sizeof(void *) != 4 || sizeof(struct vm_page) <= 32,
               "a page descriptor must be at most 32 bytes on i386");
_Static_assert((sizeof(struct vm_page) & (sizeof(struct vm_page) - 1)) == 0,
               "the size of a page descriptor must be a power of two");
_Static_assert(VM_PAGE_SEG_DMA == BIOSMEM_SEG_DMA
               && VM_PAGE_SEG_DIRECTMAP == BIOSMEM_SEG_DIRECTMAP
               && VM_PAGE_SEG_HIGHMEM == BIOSMEM_SEG_HIGHMEM
               && VM_PAGE_NR_SEGS == BIOSMEM_NR_SEGS,
               "vm_page and biosmem number segments alike");
#ifdef CONFIG_PAE
_Static_assert(VM_PAGE_SEG_DMA32 == BIOSMEM_SEG_DMA32,
               "vm_page and biosmem number segments alike");
#endif

/*
 * Make the compiler forget where x came from; no instruction (Linux's
 * OPTIMIZER_HIDE_VAR). Used on the buddy paths, where GCC on i386 would
 * otherwise address a segment through its index, recomputed after each
 * spill, instead of keeping a pointer, and load the next field of every
 * empty list it scans past.
 */
#define VM_PAGE_HIDE(x)         __asm__("" : "+r"(x))

/* A maximum-order block, in pages and bytes. */
#define VM_PAGE_BLOCK_PAGES     (1UL << VM_PAGE_ORDER_MAX)
#define VM_PAGE_BLOCK_SIZE      ((phys_addr_t)PAGE_SIZE << VM_PAGE_ORDER_MAX)

/*
 * Alignment of the descriptor arrays (32 KiB on i386): the descriptors of
 * a maximum-order block then span an aligned range of addresses, in
 * which the buddy of a block is one address bit away.
 */
#define VM_PAGE_DESC_ALIGN      (sizeof(struct vm_page) << VM_PAGE_ORDER_MAX)

/* Per-CPU pool capacity: one page per RATIO pages of the segment. */
#define VM_PAGE_POOL_RATIO      1024
#define VM_PAGE_POOL_MAX        128
#define VM_PAGE_POOL_MIN        8

/*
 * Bytes the descriptor arrays may take: half of the direct map. Host
 * tests lower it to exercise the cut-off.
 */
#ifndef VM_PAGE_DESC_BUDGET
#define VM_PAGE_DESC_BUDGET     (DIRECTMAP_SIZE / 2)
#endif

/* Thresholds: min, low and high are these fractions of managed pages. */
#define VM_PAGE_MIN_SHIFT       8       /* 0.4% */
#define VM_PAGE_LOW_SHIFT       7       /* 0.8% */
#define VM_PAGE_HIGH_SHIFT      6       /* 1.6% */

/*
 * The free lists have one more entry than there are orders: a sentinel,
 * never empty and never holding blocks, ends the search for a non-empty
 * list without a bound check.
 *
 * The number of free blocks of order k is the sum of blocks_delta[0..k]:
 * adding n to the counts of the orders [low, high) is blocks_delta[low]
 * += n, blocks_delta[high] -= n. A split or merge across many orders
 * then updates three counters, not one per order (vm_page_seg_count()).
 */
struct vm_page_seg {
    struct spinlock lock;
    struct list free_lists[VM_PAGE_NR_ORDERS + 1];
    long blocks_delta[VM_PAGE_NR_ORDERS + 1];
    unsigned long nr_free;      /* pages in the free lists */
    unsigned long nr_managed;
    unsigned long min;
    unsigned long low;
    unsigned long high;
    struct vm_page *pages;      /* descriptor of base; NULL: no descriptors */
    unsigned long nr_descs;     /* descriptors from base on */
    phys_addr_t base;           /* start rounded down to a block */
    phys_addr_t start;          /* span with descriptors */
    phys_addr_t end;
    phys_addr_t load_start;     /* span as loaded */
    phys_addr_t load_end;
    unsigned int pool_size;
} __aligned(CPU_CACHE_LINE);

_Static_assert(sizeof(struct vm_page_cpu) == CPU_CACHE_LINE,
               "the pools of a CPU fill one cache line");

static const char *const vm_page_seg_names[VM_PAGE_NR_SEGS] = {
    [VM_PAGE_SEG_DMA] = "DMA",
    [VM_PAGE_SEG_DIRECTMAP] = "DIRECTMAP",
#ifdef CONFIG_PAE
    [VM_PAGE_SEG_DMA32] = "DMA32",
#endif
    [VM_PAGE_SEG_HIGHMEM] = "HIGHMEM",
};

static struct vm_page_seg vm_page_segs[VM_PAGE_NR_SEGS];
struct vm_page_cpu vm_page_cpus[CONFIG_NCPUS];
uint8_t vm_page_sel_first[VM_PAGE_NR_SEGS];

static bool vm_page_is_setup;
static bool vm_page_is_ready;

/*
 * Memory without descriptors (see vm_page_seg_fit()): where it begins,
 * and how many free pages it had.
 */
static bool vm_page_trimmed;
static phys_addr_t vm_page_left_out_from;
static unsigned long vm_page_left_out;

#ifndef MACH_HOST
static void *
vm_page_ptov(phys_addr_t pa, size_t size)
{
    return phys_in_directmap(pa, size) ? phystokv(pa) : NULL;
}
#endif

/* Set the type of nr_pages pages, at least one, from page on. */
static inline void
vm_page_set_type(struct vm_page *page, unsigned long nr_pages, unsigned int type)
{
    page->type = type;
    for (unsigned long i = 1; i < nr_pages; i++) {
        page[i].type = type;
    }
}

/* ---------------------------------------------------------------- buddy */

/*
 * Count a block of order high leaving the free lists while one block of
 * each order in [low, high) enters them (n = 1), or the reverse (n = -1).
 * With low == high: one block of that order leaves (1) or enters (-1).
 */
static inline void
vm_page_seg_count(struct vm_page_seg *seg, unsigned int low, unsigned int high,
                  long n)
{
    seg->blocks_delta[low] += n;
    seg->blocks_delta[high] -= 2 * n;
    seg->blocks_delta[high + 1] += n;
}

/* Number of free blocks of the given order. The segment is locked. */
static unsigned long
vm_page_seg_nr_blocks(const struct vm_page_seg *seg, unsigned int order)
{
    long n = 0;

    for (unsigned int i = 0; i <= order; i++) {
        n += seg->blocks_delta[i];
    }
    return n;
}

/*
 * Add the free block of 2^order pages headed by page to its free list.
 * The caller counts it.
 */
static inline void
vm_page_seg_push(struct vm_page_seg *seg, struct vm_page *page, unsigned int order)
{
    page->order = order;
    list_insert_head(&seg->free_lists[order], &page->node);
}

/* Remove the free block headed by page from its free list. The caller counts it. */
static inline void
vm_page_seg_unlink(struct vm_page *page)
{
    struct list *prev = page->node.prev, *next = page->node.next;

    /* list_remove(), with both links read once whatever the stores alias. */
    prev->next = next;
    next->prev = prev;
    page->order = VM_PAGE_ORDER_NONE;
}

/*
 * Take a block of 2^order pages, splitting the smallest larger block when
 * there is none of that order. The segment is locked. Returns NULL when
 * no block is large enough. Inlined: this and vm_page_seg_free_block()
 * are the loops of every path but a pool hit.
 */
static inline __attribute__((always_inline)) struct vm_page *
vm_page_seg_alloc_block(struct vm_page_seg *seg, unsigned int order)
{
    struct list *list = &seg->free_lists[order];
    struct vm_page *page, *half;
    unsigned int i;
    uintptr_t step;

    while (list_empty(list)) {
        list++;                 /* the sentinel stops this */
    }
    VM_PAGE_HIDE(list);         /* no load of next per empty list */
    i = list - seg->free_lists;
    if (unlikely(i == VM_PAGE_NR_ORDERS)) {
        return NULL;
    }
    page = list_entry(list->next, struct vm_page, node);
    vm_page_seg_unlink(page);

    /*
     * The lists of orders [order, i) are empty: each gets the upper half
     * of what is left, as its only block.
     */
    vm_page_seg_count(seg, order, i, 1);
    step = sizeof(struct vm_page) << i;
    while (i > order) {
        i--;
        list--;
        step >>= 1;
        half = (struct vm_page *)((uintptr_t)page + step);
        half->order = i;
        list_link(list, list, &half->node);
    }
    seg->nr_free -= 1UL << order;
    return page;
}

/*
 * Give back the block of 2^order pages at page (already typed free, in
 * no list), merging it with its free buddies. The segment is locked.
 * The arrays are aligned so that the buddy's descriptor is the one whose
 * address differs in the bit of value sizeof(struct vm_page) << order,
 * and the merged block's is the lower of the two.
 */
static inline __attribute__((always_inline)) void
vm_page_seg_free_block(struct vm_page_seg *seg, struct vm_page *page,
                       unsigned int order)
{
    uintptr_t bit = (sizeof(struct vm_page) << order) & (VM_PAGE_DESC_ALIGN - 1);
    unsigned int first = order;
    struct vm_page *buddy;

    assert(page->order == VM_PAGE_ORDER_NONE);

    /*
     * At the maximum order, bit is masked to 0: the buddy is the page
     * itself, whose order is NONE, and that ends the loop.
     */
    seg->nr_free += 1UL << order;
    for (;;) {
        buddy = (struct vm_page *)((uintptr_t)page ^ bit);
        if (buddy->order != order) {
            break;
        }
        vm_page_seg_unlink(buddy);
        page = (struct vm_page *)((uintptr_t)page & (uintptr_t)buddy);
        order++;
        bit = (bit << 1) & (VM_PAGE_DESC_ALIGN - 1);
    }
    vm_page_seg_push(seg, page, order);
    vm_page_seg_count(seg, first, order, -1);
}

/*
 * Give back the pages of descriptors [start, end) (already typed free)
 * as the largest naturally aligned blocks. The segment is locked.
 */
static void
vm_page_seg_free_range(struct vm_page_seg *seg, unsigned long start,
                       unsigned long end)
{
    unsigned int order;

    while (start < end) {
        order = (start == 0) ? VM_PAGE_ORDER_MAX
                : MIN((unsigned int)__builtin_ctzl(start), VM_PAGE_ORDER_MAX);
        while ((1UL << order) > end - start) {
            order--;
        }
        vm_page_seg_free_block(seg, &seg->pages[start], order);
        start += 1UL << order;
    }
}

/* ---------------------------------------------------------------- pools */

/*
 * Move half a pool of pages from the free lists, taking the largest
 * blocks that fit (one split instead of one per page). Interrupts
 * disabled.
 */
static void
vm_page_pool_fill(struct vm_page_cpu_pool *pool, struct vm_page_seg *seg)
{
    unsigned int count = pool->size / 2, order;
    struct vm_page *page;

    spinlock_lock(&seg->lock);
    while (count != 0) {
        order = MIN(31 - __builtin_clz(count), VM_PAGE_ORDER_MAX);
        for (;;) {
            page = vm_page_seg_alloc_block(seg, order);
            if (page != NULL || order == 0) {
                break;
            }
            order--;
        }
        if (page == NULL) {
            break;
        }
        count -= 1U << order;
        for (unsigned long i = 1UL << order; i-- > 0;) {
            page[i].type = VM_PAGE_POOL;
            vm_page_pool_push(pool, &page[i]);
        }
    }
    spinlock_unlock(&seg->lock);
}

/*
 * Return all but the keep most recently freed pages of the pool to the
 * free lists. Interrupts disabled.
 */
static void
vm_page_pool_drain_to(struct vm_page_cpu_pool *pool, struct vm_page_seg *seg,
                      unsigned int keep)
{
    struct list **link = &pool->top;
    struct list *node, *next;
    struct vm_page *page;

    for (unsigned int i = 0; i < keep; i++) {
        link = &(*link)->next;
    }
    node = *link;
    *link = NULL;
    pool->nr_pages = keep;

    spinlock_lock(&seg->lock);
    for (; node != NULL; node = next) {
        next = node->next;
        page = list_entry(node, struct vm_page, node);
        page->type = VM_PAGE_FREE;
        vm_page_seg_free_block(seg, page, 0);
    }
    spinlock_unlock(&seg->lock);
}

unsigned long
vm_page_pool_drain(void)
{
    struct vm_page_cpu_pool *pool;
    unsigned long nr_pages = 0;
    uint32_t flags;

    flags = cpu_intr_save();
    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        pool = vm_page_cpu_pool(i);
        if (pool->nr_pages != 0) {
            nr_pages += pool->nr_pages;
            vm_page_pool_drain_to(pool, &vm_page_segs[i], 0);
        }
    }
    cpu_intr_restore(flags);
    return nr_pages;
}

/* ---------------------------------------------------------------- alloc/free */

/*
 * Restore the interrupt state that the inline path saved, then let in a
 * preemption that a segment lock deferred meanwhile, as
 * spinlock_unlock_intr_restore() does.
 */
static inline void
vm_page_intr_restore(uint32_t flags)
{
    cpu_intr_restore(flags);
    if (unlikely(preempt_resched_pending())) {
        preempt_check();
    }
}

/*
 * Take a page from this CPU's pool of segment i (seg), refilling it when
 * empty. Interrupts disabled. Returns NULL when there is none.
 */
static inline __attribute__((always_inline)) struct vm_page *
vm_page_pool_take(struct vm_page_seg *seg, unsigned int i)
{
    struct vm_page_cpu_pool *pool = vm_page_cpu_pool(i);

    if (pool->top == NULL) {
        vm_page_pool_fill(pool, seg);
        if (pool->top == NULL) {
            return NULL;
        }
    }
    return vm_page_pool_pop(pool);
}

/*
 * Take a block of 2^order pages from segment i: for order 0 from this
 * CPU's pool when the segment has pools, otherwise from the free lists.
 * Interrupts disabled. Returns NULL when there is none.
 */
static struct vm_page *
vm_page_seg_take(unsigned int i, unsigned int order)
{
    struct vm_page_seg *seg = &vm_page_segs[i];
    struct vm_page *page;

    if (order == 0 && seg->pool_size != 0) {
        return vm_page_pool_take(seg, i);
    }
    spinlock_lock(&seg->lock);
    page = vm_page_seg_alloc_block(seg, order);
    spinlock_unlock(&seg->lock);
    return page;
}

/*
 * The rest of an allocation that segment first could not serve: the
 * segments from first down (first again, which is rare and cheap), then,
 * when pooled pages may complete a larger block once back in the lists,
 * all of them again after draining this CPU's pools. Interrupts
 * disabled.
 */
static __attribute__((noinline)) struct vm_page *
vm_page_alloc_fallback(unsigned int order, unsigned int first)
{
    struct vm_page *page = NULL;

    for (unsigned int i = first + 1; page == NULL && i-- > 0;) {
        page = vm_page_seg_take(i, order);
    }
    if (page == NULL && order != 0 && vm_page_pool_drain() != 0) {
        for (unsigned int i = first + 1; page == NULL && i-- > 0;) {
            page = vm_page_seg_take(i, order);
        }
    }
    return page;
}

/*
 * Memory pressure: the hook (kmem_gc() in the kernel) runs when an
 * allocation leaves its first segment below the low threshold, once,
 * until an allocation finds a segment back above the high threshold. It runs
 * with interrupts restored and no vm_page lock held, so it may free pages.
 */
static void (*vm_page_low_hook)(void);
static bool vm_page_low_signalled;

void
vm_page_low_hook_set(void (*fn)(void))
{
    vm_page_low_hook = fn;
}

static void
vm_page_low_check(const struct vm_page_seg *seg)
{
    if (unlikely(seg->nr_free < seg->low)) {
        if (vm_page_low_hook != NULL
            && !__atomic_exchange_n(&vm_page_low_signalled, true, __ATOMIC_RELAXED)) {
            vm_page_low_hook();
        }
    } else if (unlikely(vm_page_low_signalled) && seg->nr_free > seg->high) {
        vm_page_low_signalled = false;      /* re-armed */
    }
}

struct vm_page *
vm_page_alloc_slow(unsigned int order, unsigned int selector, unsigned int type,
                   uint32_t flags)
{
    struct vm_page_seg *seg;
    struct vm_page *page = NULL;
    unsigned int first;

    assert(type >= VM_PAGE_PMAP && type < VM_PAGE_NR_TYPES);

    if (likely(order <= VM_PAGE_ORDER_MAX && selector < VM_PAGE_NR_SEGS
               && vm_page_is_ready)) {
        first = vm_page_sel_first[selector];
        seg = &vm_page_segs[first];
        VM_PAGE_HIDE(seg);
        if (order == 0 && seg->pool_size != 0) {
            page = vm_page_pool_take(seg, first);
        } else {
            spinlock_lock(&seg->lock);
            page = vm_page_seg_alloc_block(seg, order);
            if (likely(page != NULL)) {
                /* Restores interrupts, then lets a pending preemption in. */
                spinlock_unlock_intr_restore(&seg->lock, flags);
                vm_page_set_type(page, 1UL << order, type);
                vm_page_low_check(seg);
                return page;
            }
            spinlock_unlock(&seg->lock);
        }
        if (unlikely(page == NULL)) {
            page = vm_page_alloc_fallback(order, first);
        }
    }
    vm_page_intr_restore(flags);
    if (page != NULL) {
        vm_page_set_type(page, 1UL << order, type);
    }
    if (likely(selector < VM_PAGE_NR_SEGS && vm_page_is_ready)) {
        vm_page_low_check(&vm_page_segs[vm_page_sel_first[selector]]);
    }
    return page;
}

void
vm_page_free_slow(struct vm_page *page, unsigned int order, uint32_t flags)
{
    struct vm_page_seg *seg = &vm_page_segs[page->seg_index];
    struct vm_page_cpu_pool *pool;

    VM_PAGE_HIDE(seg);

    if (page->type < VM_PAGE_PMAP) {
        panic("vm_page: freeing page 0x%llx, which is %s",
              (unsigned long long)page->phys_addr,
              (page->type == VM_PAGE_RESERVED) ? "reserved" : "already free");
    }
    assert(order <= VM_PAGE_ORDER_MAX);
    assert(P2ALIGNED((unsigned long)(page - seg->pages), 1UL << order));

    if (order == 0 && seg->pool_size != 0) {
        pool = vm_page_cpu_pool(page->seg_index);
        if (pool->nr_pages == pool->size) {
            vm_page_pool_drain_to(pool, seg, pool->size - pool->size / 2);
        }
        page->type = VM_PAGE_POOL;
        vm_page_pool_push(pool, page);
        vm_page_intr_restore(flags);
        return;
    }
    vm_page_set_type(page, 1UL << order, VM_PAGE_FREE);
    spinlock_lock(&seg->lock);
    vm_page_seg_free_block(seg, page, order);
    spinlock_unlock_intr_restore(&seg->lock, flags);
}

/* ---------------------------------------------------------------- contiguous */

/*
 * Whether the descriptors [index, end) are covered by consecutive free
 * blocks. The segment is locked.
 */
static bool
vm_page_seg_run_free(const struct vm_page_seg *seg, unsigned long index,
                     unsigned long end)
{
    unsigned int order;

    while (index < end) {
        order = seg->pages[index].order;
        if (order == VM_PAGE_ORDER_NONE) {
            return false;
        }
        index += 1UL << order;
    }
    return true;
}

/*
 * Take the descriptors [start, end) out of the free blocks that cover
 * them, the first of which is headed by first; the rest of those blocks
 * goes back to the free lists. The segment is locked.
 */
static void
vm_page_seg_carve(struct vm_page_seg *seg, unsigned long first,
                  unsigned long start, unsigned long end)
{
    unsigned long index = first;
    unsigned int order;

    while (index < end) {
        order = seg->pages[index].order;
        vm_page_seg_unlink(&seg->pages[index]);
        vm_page_seg_count(seg, order, order, 1);
        seg->nr_free -= 1UL << order;
        index += 1UL << order;
    }
    vm_page_seg_free_range(seg, first, start);
    vm_page_seg_free_range(seg, end, index);
}

/*
 * Find and take npages free pages at an aligned address inside [low,
 * high), which lies inside the segment. The segment is locked.
 */
static struct vm_page *
vm_page_seg_alloc_contig(struct vm_page_seg *seg, unsigned long npages,
                         phys_addr_t align, phys_addr_t low, phys_addr_t high)
{
    phys_addr_t size = (phys_addr_t)npages << PAGE_SHIFT;
    phys_addr_t block_start, block_end, start;
    unsigned long first, index;
    struct vm_page *page;
    struct list *node;

    for (unsigned int order = 0; order < VM_PAGE_NR_ORDERS; order++) {
        list_foreach(&seg->free_lists[order], node) {
            page = list_entry(node, struct vm_page, node);
            block_start = page->phys_addr;
            block_end = block_start + ((phys_addr_t)PAGE_SIZE << order);
            start = P2ROUND(MAX(block_start, low), align);
            /*
             * A later aligned start in this block ends the run at the
             * same place; starts in other blocks are tried with them.
             */
            if (start < block_start || start >= block_end
                || start > high || size > high - start) {
                continue;
            }
            first = page - seg->pages;
            index = (start - seg->base) >> PAGE_SHIFT;
            if (vm_page_seg_run_free(seg, first + (1UL << order),
                                     index + npages)) {
                vm_page_seg_carve(seg, first, index, index + npages);
                return &seg->pages[index];
            }
        }
    }
    return NULL;
}

/* Try every segment meeting [low, high), from the highest down. */
static struct vm_page *
vm_page_alloc_contig_from(unsigned long npages, phys_addr_t align,
                          phys_addr_t low, phys_addr_t high)
{
    struct vm_page_seg *seg;
    struct vm_page *page;
    uint32_t flags;

    for (unsigned int i = VM_PAGE_NR_SEGS; i-- > 0;) {
        seg = &vm_page_segs[i];
        if (seg->pages == NULL || seg->end <= low || seg->start >= high) {
            continue;
        }
        flags = spinlock_lock_intr_save(&seg->lock);
        page = vm_page_seg_alloc_contig(seg, npages, align, MAX(low, seg->start),
                                        MIN(high, seg->end));
        spinlock_unlock_intr_restore(&seg->lock, flags);
        if (page != NULL) {
            return page;
        }
    }
    return NULL;
}

struct vm_page *
vm_page_alloc_contig(unsigned long npages, phys_addr_t align, phys_addr_t low,
                     phys_addr_t high, unsigned int type)
{
    struct vm_page *page;

    assert(type >= VM_PAGE_PMAP && type < VM_PAGE_NR_TYPES);

    if (align == 0) {
        align = PAGE_SIZE;
    }
    if (!vm_page_is_ready || npages == 0 || align < PAGE_SIZE
        || (align & (align - 1)) != 0
        || low >= high || npages > (high - low) >> PAGE_SHIFT) {
        return NULL;
    }
    page = vm_page_alloc_contig_from(npages, align, low, high);
    if (page == NULL && vm_page_pool_drain() != 0) {
        page = vm_page_alloc_contig_from(npages, align, low, high);
    }
    if (page != NULL) {
        vm_page_set_type(page, npages, type);
    }
    return page;
}

void
vm_page_free_contig(struct vm_page *page, unsigned long npages)
{
    struct vm_page_seg *seg = &vm_page_segs[page->seg_index];
    unsigned long index = page - seg->pages;
    uint32_t flags;

    assert(npages <= seg->nr_descs - index);

    if (npages == 0) {
        return;
    }
    vm_page_set_type(page, npages, VM_PAGE_FREE);
    flags = spinlock_lock_intr_save(&seg->lock);
    vm_page_seg_free_range(seg, index, index + npages);
    spinlock_unlock_intr_restore(&seg->lock, flags);
}

/* ---------------------------------------------------------------- lookup */

struct vm_page *
vm_page_lookup(phys_addr_t pa)
{
    const struct vm_page_seg *seg;

    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        seg = &vm_page_segs[i];
        if (pa >= seg->start && pa < seg->end) {
            return &seg->pages[(pa - seg->base) >> PAGE_SHIFT];
        }
    }
    return NULL;
}

void *
vm_page_direct_va(const struct vm_page *page)
{
    return vm_page_ptov(page->phys_addr, PAGE_SIZE);
}

/* ---------------------------------------------------------------- boot */

int
vm_page_load(unsigned int seg_index, phys_addr_t start, phys_addr_t end)
{
    const struct vm_page_seg *other;
    struct vm_page_seg *seg;

    if (vm_page_is_setup || seg_index >= VM_PAGE_NR_SEGS || start >= end
        || !P2ALIGNED(start, PAGE_SIZE) || !P2ALIGNED(end, PAGE_SIZE)
        || end > UINT64_MAX - VM_PAGE_BLOCK_SIZE) {
        return -1;
    }
    seg = &vm_page_segs[seg_index];
    if (seg->load_end != 0) {
        return -1;
    }
    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        other = &vm_page_segs[i];
        if (other->load_end != 0
            && P2TRUNC(start, VM_PAGE_BLOCK_SIZE) < P2ROUND(other->load_end, VM_PAGE_BLOCK_SIZE)
            && P2TRUNC(other->load_start, VM_PAGE_BLOCK_SIZE) < P2ROUND(end, VM_PAGE_BLOCK_SIZE)) {
            return -1;
        }
    }
    seg->load_start = start;
    seg->load_end = end;
    return 0;
}

/*
 * Cut the span of seg so that its descriptors fit in *budget (in
 * descriptors), and take them from it. Returns the descriptor count.
 */
static unsigned long
vm_page_seg_fit(struct vm_page_seg *seg, unsigned long *budget)
{
    uint64_t nr_descs;
    phys_addr_t cut;

    nr_descs = (P2ROUND(seg->end, VM_PAGE_BLOCK_SIZE) - seg->base) >> PAGE_SHIFT;
    if (nr_descs > *budget) {
        nr_descs = P2TRUNC(*budget, VM_PAGE_BLOCK_PAGES);
        cut = MAX(seg->base + ((phys_addr_t)nr_descs << PAGE_SHIFT), seg->start);
        if (!vm_page_trimmed || cut < vm_page_left_out_from) {
            vm_page_left_out_from = cut;
        }
        vm_page_trimmed = true;
        seg->end = cut;
        if (seg->end == seg->start) {
            seg->start = 0;
            seg->end = 0;
            return 0;
        }
    }
    *budget -= nr_descs;
    return nr_descs;
}

static unsigned int
vm_page_pool_size(const struct vm_page_seg *seg)
{
    uint64_t size;

    size = ((seg->end - seg->start) >> PAGE_SHIFT) / VM_PAGE_POOL_RATIO;
    size = MIN(size, VM_PAGE_POOL_MAX) & ~UINT64_C(1);
    return (size < VM_PAGE_POOL_MIN) ? 0 : size;
}

void
vm_page_setup(phys_addr_t (*bootalloc)(unsigned int npages))
{
    unsigned long budget = VM_PAGE_DESC_BUDGET / sizeof(struct vm_page);
    struct vm_page_seg *seg;
    struct vm_page *page;
    unsigned int npages;
    phys_addr_t pa;
    size_t size;
    void *va;

    assert(!vm_page_is_setup);

    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        seg = &vm_page_segs[i];
        spinlock_init(&seg->lock);
        for (unsigned int order = 0; order < VM_PAGE_NR_ORDERS; order++) {
            list_init(&seg->free_lists[order]);
        }
        /* The sentinel: not empty (its next is not itself), never used. */
        seg->free_lists[VM_PAGE_NR_ORDERS].prev = NULL;
        seg->free_lists[VM_PAGE_NR_ORDERS].next = NULL;
        for (unsigned int order = 0; order <= VM_PAGE_NR_ORDERS; order++) {
            seg->blocks_delta[order] = 0;
        }
        if (seg->load_end == 0) {
            continue;
        }
        seg->start = seg->load_start;
        seg->end = seg->load_end;
        seg->base = P2TRUNC(seg->start, VM_PAGE_BLOCK_SIZE);
        seg->nr_descs = vm_page_seg_fit(seg, &budget);
        if (seg->nr_descs == 0) {
            continue;
        }

        /* Room to align the array to VM_PAGE_DESC_ALIGN. */
        size = seg->nr_descs * sizeof(struct vm_page) + VM_PAGE_DESC_ALIGN - PAGE_SIZE;
        npages = DIV_CEIL(size, PAGE_SIZE);
        pa = bootalloc(npages);
        if (pa == 0) {
            panic("vm_page: cannot allocate %u boot pages for the descriptors "
                  "of segment %s", npages, vm_page_seg_names[i]);
        }
        va = vm_page_ptov(pa, size);
        if (va == NULL) {
            panic("vm_page: descriptors of segment %s at 0x%llx are not in "
                  "the direct map", vm_page_seg_names[i], (unsigned long long)pa);
        }
        seg->pages = (struct vm_page *)P2ROUND((uintptr_t)va, VM_PAGE_DESC_ALIGN);
        for (unsigned long j = 0; j < seg->nr_descs; j++) {
            page = &seg->pages[j];
            page->phys_addr = seg->base + ((phys_addr_t)j << PAGE_SHIFT);
            page->priv = NULL;
            page->seg_index = i;
            page->order = VM_PAGE_ORDER_NONE;
            page->type = VM_PAGE_RESERVED;
        }

        seg->pool_size = vm_page_pool_size(seg);
        for (unsigned int cpu = 0; cpu < CONFIG_NCPUS; cpu++) {
            vm_page_cpus[cpu].pools[i].size = seg->pool_size;
        }
    }
    vm_page_is_setup = true;
}

int
vm_page_manage_range(phys_addr_t start, phys_addr_t end)
{
    struct vm_page_seg *seg = NULL;
    unsigned long first, last;
    phys_addr_t kept_end;
    uint32_t flags;

    if (!vm_page_is_setup || start >= end || !P2ALIGNED(start, PAGE_SIZE)
        || !P2ALIGNED(end, PAGE_SIZE)) {
        return -1;
    }
    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        if (start >= vm_page_segs[i].load_start && end <= vm_page_segs[i].load_end) {
            seg = &vm_page_segs[i];
            break;
        }
    }
    if (seg == NULL) {
        return -1;
    }

    /* Pages beyond the descriptors are left out (see vm_page_seg_fit()). */
    kept_end = MIN(end, MAX(start, seg->end));
    flags = spinlock_lock_intr_save(&seg->lock);
    if (start < kept_end) {
        first = (start - seg->base) >> PAGE_SHIFT;
        last = (kept_end - seg->base) >> PAGE_SHIFT;
        for (unsigned long i = first; i < last; i++) {
            if (seg->pages[i].type != VM_PAGE_RESERVED) {
                spinlock_unlock_intr_restore(&seg->lock, flags);
                return -1;
            }
        }
        vm_page_set_type(&seg->pages[first], last - first, VM_PAGE_FREE);
        vm_page_seg_free_range(seg, first, last);
        seg->nr_managed += last - first;
        seg->min = seg->nr_managed >> VM_PAGE_MIN_SHIFT;
        seg->low = seg->nr_managed >> VM_PAGE_LOW_SHIFT;
        seg->high = seg->nr_managed >> VM_PAGE_HIGH_SHIFT;
    }
    /* One counter for all segments, whose locks do not cover it. */
    __atomic_fetch_add(&vm_page_left_out, (unsigned long)((end - kept_end) >> PAGE_SHIFT),
                       __ATOMIC_RELAXED);
    spinlock_unlock_intr_restore(&seg->lock, flags);
    return 0;
}

void
vm_page_ready(void)
{
    unsigned int first = 0;

    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        if (vm_page_segs[i].pages != NULL) {
            first = i;
        }
        vm_page_sel_first[i] = first;
    }
    vm_page_is_ready = true;
}

#ifdef MACH_HOST
void
vm_page_host_reset(void)
{
    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        vm_page_segs[i] = (struct vm_page_seg){ .pages = NULL };
        vm_page_sel_first[i] = 0;
    }
    for (unsigned int cpu = 0; cpu < CONFIG_NCPUS; cpu++) {
        vm_page_cpus[cpu] = (struct vm_page_cpu){ .pools = { { NULL, 0, 0 } } };
    }
    vm_page_is_setup = false;
    vm_page_is_ready = false;
    vm_page_trimmed = false;
    vm_page_left_out_from = 0;
    vm_page_left_out = 0;
}
#endif

/* ---------------------------------------------------------------- reports */

int
vm_page_seg_stats_get(unsigned int seg_index, struct vm_page_seg_stats *stats)
{
    struct vm_page_seg *seg;
    unsigned int fill;
    uint32_t flags;

    if (seg_index >= VM_PAGE_NR_SEGS) {
        return -1;
    }
    seg = &vm_page_segs[seg_index];
    stats->name = vm_page_seg_names[seg_index];
    stats->start = seg->start;
    stats->end = seg->end;
    stats->nr_pages = (seg->end - seg->start) >> PAGE_SHIFT;
    stats->pool_size = seg->pool_size;

    flags = spinlock_lock_intr_save(&seg->lock);
    stats->nr_managed = seg->nr_managed;
    stats->nr_free = seg->nr_free;
    for (unsigned int order = 0; order < VM_PAGE_NR_ORDERS; order++) {
        stats->nr_blocks[order] = vm_page_seg_nr_blocks(seg, order);
    }
    stats->min = seg->min;
    stats->low = seg->low;
    stats->high = seg->high;
    spinlock_unlock_intr_restore(&seg->lock, flags);

    stats->nr_pooled = 0;
    for (unsigned int cpu = 0; cpu < CONFIG_NCPUS; cpu++) {
        fill = __atomic_load_n(&vm_page_cpus[cpu].pools[seg_index].nr_pages,
                               __ATOMIC_RELAXED);
        stats->pool_fill[cpu] = fill;
        stats->nr_pooled += fill;
    }
    stats->nr_free += stats->nr_pooled;
    return 0;
}

/* A report line being built. */
struct vm_page_line {
    char buf[160];
    size_t len;
};

static __format_printf(2, 3) void
vm_page_line_add(struct vm_page_line *line, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(line->buf + line->len, sizeof(line->buf) - line->len, fmt, ap);
    va_end(ap);
    if (n > 0) {
        line->len = MIN(line->len + n, sizeof(line->buf) - 1);
    }
}

#define VM_PAGE_MIB(pages)      ((unsigned long)((pages) >> (20 - PAGE_SHIFT)))

void
vm_page_report(vm_page_print_fn print)
{
    struct vm_page_seg_stats stats;
    unsigned long managed = 0, free = 0;
    struct vm_page_line line;

    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        vm_page_seg_stats_get(i, &stats);
        if (vm_page_segs[i].pages == NULL) {
            continue;
        }
        line.len = 0;
        vm_page_line_add(&line, "vm_page: segment %s 0x%llx-0x%llx: %lu pages, "
                         "%lu free, pool %u", stats.name,
                         (unsigned long long)stats.start,
                         (unsigned long long)stats.end, stats.nr_managed,
                         stats.nr_free, stats.pool_size);
        print(line.buf);
        managed += stats.nr_managed;
        free += stats.nr_free;
    }
    line.len = 0;
    vm_page_line_add(&line, "vm_page: total %lu pages (%lu MiB), %lu free (%lu MiB)",
                     managed, VM_PAGE_MIB(managed), free, VM_PAGE_MIB(free));
    print(line.buf);
    if (vm_page_trimmed) {
        line.len = 0;
        vm_page_line_add(&line, "vm_page: warning: memory from 0x%llx left out "
                         "(%lu free pages, %lu MiB): its descriptors would "
                         "exceed half of the direct map",
                         (unsigned long long)vm_page_left_out_from,
                         vm_page_left_out, VM_PAGE_MIB(vm_page_left_out));
        print(line.buf);
    }
}

void
vm_page_info(vm_page_print_fn print)
{
    struct vm_page_seg_stats stats[VM_PAGE_NR_SEGS];
    struct vm_page_line line;

    print("segment     free pages  free blocks of order 0..10");
    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        vm_page_seg_stats_get(i, &stats[i]);
        line.len = 0;
        vm_page_line_add(&line, "%-10s %11lu ", stats[i].name, stats[i].nr_free);
        for (unsigned int order = 0; order < VM_PAGE_NR_ORDERS; order++) {
            vm_page_line_add(&line, " %lu", stats[i].nr_blocks[order]);
        }
        print(line.buf);
    }
    print("segment        managed      min      low     high  (pages)");
    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        line.len = 0;
        vm_page_line_add(&line, "%-10s %11lu %8lu %8lu %8lu", stats[i].name,
                         stats[i].nr_managed, stats[i].min, stats[i].low,
                         stats[i].high);
        print(line.buf);
    }
    line.len = 0;
    vm_page_line_add(&line, "pool cpu");
    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        vm_page_line_add(&line, " %11s", stats[i].name);
    }
    vm_page_line_add(&line, "  (pages/capacity)");
    print(line.buf);
    for (unsigned int cpu = 0; cpu < CONFIG_NCPUS; cpu++) {
        line.len = 0;
        vm_page_line_add(&line, "%8u", cpu);
        for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
            char fill[24];

            snprintf(fill, sizeof(fill), "%u/%u", stats[i].pool_fill[cpu],
                     stats[i].pool_size);
            vm_page_line_add(&line, " %11s", fill);
        }
        print(line.buf);
    }
}

/* ---------------------------------------------------------------- check */

static int
vm_page_check_fail(unsigned int seg_index, unsigned long index, const char *what)
{
    const struct vm_page_seg *seg = &vm_page_segs[seg_index];

    printf("vm_page: check: segment %s, page 0x%llx: %s\n",
           vm_page_seg_names[seg_index],
           (unsigned long long)(seg->base + ((phys_addr_t)index << PAGE_SHIFT)),
           what);
    return -1;
}

/* Check segment i, locked; pooled counts the pages in pools of it. */
static int
vm_page_seg_check(unsigned int i, unsigned long pooled)
{
    const struct vm_page_seg *seg = &vm_page_segs[i];
    unsigned long blocks[VM_PAGE_NR_ORDERS] = { 0 };
    unsigned long free = 0, pool = 0, managed = 0, end = 0;
    const struct vm_page *page, *buddy;
    const struct list *node;
    unsigned int order;

    for (unsigned long j = 0; j < seg->nr_descs; j++) {
        page = &seg->pages[j];
        if (page->phys_addr != seg->base + ((phys_addr_t)j << PAGE_SHIFT)
            || page->seg_index != i) {
            return vm_page_check_fail(i, j, "wrong address or segment");
        }
        if (page->type >= VM_PAGE_NR_TYPES) {
            return vm_page_check_fail(i, j, "bad type");
        }
        if (page->type != VM_PAGE_RESERVED) {
            managed++;
            if (page->phys_addr < seg->start || page->phys_addr >= seg->end) {
                return vm_page_check_fail(i, j, "managed outside the span");
            }
        }
        if ((page->type == VM_PAGE_FREE || page->type == VM_PAGE_POOL)
            && page->priv != NULL) {
            return vm_page_check_fail(i, j, "free page with an owner's priv");
        }
        pool += (page->type == VM_PAGE_POOL);
        order = page->order;
        if (j < end) {
            /* Inside the free block that began earlier. */
            if (order != VM_PAGE_ORDER_NONE || page->type != VM_PAGE_FREE) {
                return vm_page_check_fail(i, j, "free block not wholly free");
            }
            continue;
        }
        if (order == VM_PAGE_ORDER_NONE) {
            if (page->type == VM_PAGE_FREE) {
                return vm_page_check_fail(i, j, "free page in no free block");
            }
            continue;
        }
        if (order > VM_PAGE_ORDER_MAX || page->type != VM_PAGE_FREE
            || !P2ALIGNED(j, 1UL << order) || j + (1UL << order) > seg->nr_descs) {
            return vm_page_check_fail(i, j, "bad free block head");
        }
        if (order < VM_PAGE_ORDER_MAX) {
            buddy = &seg->pages[j ^ (1UL << order)];
            if (buddy->order == order) {
                return vm_page_check_fail(i, j, "free buddies not merged");
            }
        }
        blocks[order]++;
        free += 1UL << order;
        end = j + (1UL << order);
    }

    for (order = 0; order < VM_PAGE_NR_ORDERS; order++) {
        unsigned long n = 0;

        list_foreach(&seg->free_lists[order], node) {
            page = list_entry(node, const struct vm_page, node);
            if (page < seg->pages || page >= seg->pages + seg->nr_descs
                || page->order != order || n == blocks[order]) {
                return vm_page_check_fail(i, 0, "foreign block in a free list");
            }
            n++;
        }
        if (n != blocks[order] || n != vm_page_seg_nr_blocks(seg, order)) {
            return vm_page_check_fail(i, 0, "free list size mismatch");
        }
    }
    if (free != seg->nr_free) {
        return vm_page_check_fail(i, 0, "free page count mismatch");
    }
    if (pool != pooled) {
        return vm_page_check_fail(i, 0, "pooled page count mismatch");
    }
    if (managed != seg->nr_managed) {
        return vm_page_check_fail(i, 0, "managed page count mismatch");
    }
    return 0;
}

/* Count the pages in the pools of segment i; -1 when a pool is corrupt. */
static long
vm_page_pools_check(unsigned int i)
{
    const struct vm_page_cpu_pool *pool;
    const struct vm_page *page;
    const struct list *node;
    unsigned long total = 0, n;

    for (unsigned int cpu = 0; cpu < CONFIG_NCPUS; cpu++) {
        pool = &vm_page_cpus[cpu].pools[i];
        n = 0;
        for (node = pool->top; node != NULL && n <= pool->nr_pages; node = node->next) {
            page = list_entry(node, const struct vm_page, node);
            if (page->seg_index != i || page->type != VM_PAGE_POOL) {
                return vm_page_check_fail(i, 0, "foreign page in a pool");
            }
            n++;
        }
        if (n != pool->nr_pages || n > pool->size) {
            return vm_page_check_fail(i, 0, "pool count mismatch");
        }
        total += n;
    }
    return total;
}

int
vm_page_check(void)
{
    struct vm_page_seg *seg;
    uint32_t flags;
    long pooled;
    int error = 0;

    if (!vm_page_is_setup) {
        return 0;
    }
    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS && error == 0; i++) {
        seg = &vm_page_segs[i];
        flags = spinlock_lock_intr_save(&seg->lock);
        pooled = vm_page_pools_check(i);
        error = (pooled < 0) ? -1 : vm_page_seg_check(i, pooled);
        spinlock_unlock_intr_restore(&seg->lock, flags);
    }
    return error;
}

/* ---------------------------------------------------------------- shell */

#ifndef MACH_HOST
static void
vm_page_shell_print(const char *line)
{
    printf("%s\n", line);
}

static void
vm_page_shell_info(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    vm_page_info(vm_page_shell_print);
}

SHELL_CMD_DEFINE(vm_page_info, "",
                 "free pages per segment and order, thresholds, per-CPU pools",
                 vm_page_shell_info);
#endif
