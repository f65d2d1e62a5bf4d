/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Physical page allocator.
 *
 * Rationale. Every physical page of a segment has a descriptor. The
 * descriptors cover the segment from its start rounded down to a 4 MiB
 * (maximum order) boundary to its end rounded up to one, which costs at
 * most two partial 4 MiB blocks of descriptors per segment (32 KiB
 * each); the extra descriptors, like holes, are reserved forever, so a
 * block never grows past the segment or into a hole. Descriptors are
 * padded to 32 bytes (a power of two).
 *
 * The descriptors of each 4 MiB block form one array, but the arrays of
 * different blocks need not be adjacent: a table per segment holds, for
 * each block, where its descriptors and its buddy tree are. Boot memory
 * can be badly fragmented (a firmware map with thousands of holes, a
 * badram list marking every other MiB), and one array for a 1 GiB
 * segment would need 8 MiB of contiguous memory. So vm_page_setup() asks
 * for everything of a segment at once, which succeeds on ordinary maps,
 * and otherwise takes 32 KiB per block and a page of trees per 16
 * blocks: boot never needs a free run longer than 32 KiB, apart from the
 * block table (about 11 bytes per 4 MiB). Each descriptor records its
 * page number in the segment (index), so the descriptor of a page number
 * is blocks[index >> 10].pages + (index & 1023) and the page number of a
 * descriptor is one load: both constant time, as cheap as the pointer
 * arithmetic of a single array on the buddy paths.
 *
 * The buddy allocator keeps which blocks are free in bitmaps, not in
 * lists. Each 4 MiB block has a tree of 2048 bits, a heap of its
 * blocks of every order (node 1 the whole block, 2n and 2n + 1 the
 * halves of n), whose bit is set when that block is free: 2 bits per
 * page. The buddy of node n is n ^ 1 and its parent n / 2, so a merge is
 * one bit-test-and-clear per order (x86's btr, whose bit offset reaches
 * any word of the tree) and stops at the first buddy that was not free,
 * and a split is one bit set per order. Linked free lists cost a
 * descriptor's order byte and four link stores per order on the way
 * down, and an order byte, two loads and two stores to unlink each buddy
 * on the way up; the bits make the full split and merge of an order-0
 * allocation about 60 instructions instead of about 250.
 *
 * Bits cannot be popped like a list, so finding a free block of an
 * order takes three things:
 *  - exact block counts per order, kept as differences (blocks_delta[]),
 *    so that a split or a merge across any number of orders updates
 *    three counters; the smallest order with a block is the first
 *    non-zero count, and only that order is searched;
 *  - a hint per order, the tree word into which a block of that order
 *    was last freed (as a free list would hand back the last block freed
 *    first, while it is warm);
 *  - when the hint holds none, an index per order: a bitmap of the 4 MiB
 *    blocks that may have a free block of that order, with two summary
 *    levels above it. Its bits are set when a block of that order is
 *    freed (and, through a per-block mask of the orders listed, only
 *    when not set yet, so that a split checks all its orders at once),
 *    and cleared lazily by the search that finds them stale. A merge,
 *    which empties one order per level, therefore touches no index, and
 *    each stale bit is cleared once: the search costs O(1) amortized,
 *    the lowest address first.
 * The tree, the per-block mask and the index take about 2.1 bits per
 * page, allocated with the descriptors.
 *
 * A page's type field is kept up to date on every page of a block
 * (allocation and free touch 2^order descriptors), so that
 * vm_page_lookup() of any address tells who owns the page.
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
 * per 32, at most 1024: a CPU allocating and freeing batches of up to
 * about a thousand pages then rarely takes the segment lock, whose trips
 * move the lock's and the pages' lines between CPUs and cost far more than
 * the buddy work; doc/benchmarks.md); segments under 32 MiB get none,
 * which keeps the scarce DMA pages in the free blocks where any CPU can
 * find them. Below a segment's high threshold refills take 16 pages, not
 * half a pool. Pages stay in one CPU's pool only until memory runs short:
 * an allocation that fails, or leaves a segment below its low threshold,
 * asks every CPU to drain its pools at its next clock tick
 * (vm_page_pool_drain_all(), vm_page_tick()), which bounds the pages
 * stranded in other CPUs' pools to a tick's worth of waiting.
 *
 * Segments are numbered in address order, so the fallback order of the
 * selectors (HIGHMEM -> [DMA32] -> DIRECTMAP -> DMA) is a countdown from
 * the selector's segment. Contiguous allocation within an address range
 * scans the trees for a free block holding an aligned start and checks
 * that the free blocks following it cover the rest of the run; runs may
 * span several blocks (even several 4 MiB blocks), and the parts of the
 * blocks outside the run are freed again.
 *
 * Locking: a spinlock per segment protects its bitmaps and counters;
 * it is taken with interrupts disabled, since pages may be allocated
 * from interrupt handlers. Pools are protected by disabling interrupts
 * on their CPU; a pool's refill and drain take the segment lock inside
 * that section. Nothing takes two segment locks at once. The inline
 * paths disable interrupts once: on a pool miss, the slow path goes on
 * in the same section (it gets the saved flags and restores them).
 * Since interrupts stay disabled while a segment lock is held, the
 * locks skip the preemption count (spinlock_lock_intr_off()).
 *
 * The order-0 paths are the common ones: an order-0 pool miss has an
 * entry of its own (vm_page_alloc_miss(), given the segment the inline
 * path has looked up), and the buddy code is compiled a second time with
 * the order a constant 0.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kern/error.h>
#include <kern/list.h>
#include <kern/macros.h>
#include <kern/panic.h>
#include <kern/percpu.h>
#include <kern/spinlock.h>
#include <machine/param.h>
#include <vm/vm_page.h>

#ifdef MACH_HOST
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#define vm_page_ptov            vm_page_host_ptov
#else
#include <kern/printf.h>
#include <kern/shell.h>
#include <kern/string.h>
#endif

_Static_assert(sizeof(void *) != 4 || sizeof(struct vm_page) <= 32,
               "a page descriptor must be at most 32 bytes on i386");
_Static_assert((sizeof(struct vm_page) & (sizeof(struct vm_page) - 1)) == 0,
               "the size of a page descriptor must be a power of two");

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

/* Bytes of the descriptors of a maximum-order block (32 KiB on i386). */
#define VM_PAGE_BLOCK_DESC_SIZE (sizeof(struct vm_page) << VM_PAGE_ORDER_MAX)

/*
 * Per-CPU pool capacity: one page per RATIO pages of the segment, at
 * most MAX (4 MiB); segments under SEG_MIN pages (32 MiB: DMA) have none.
 * Below the segment's high threshold a refill takes at most LOW_BATCH
 * pages, so that one CPU does not pull half of what is left into its pool.
 */
#define VM_PAGE_POOL_RATIO      32
#define VM_PAGE_POOL_MAX        1024
#define VM_PAGE_POOL_SEG_MIN    8192
#define VM_PAGE_POOL_LOW_BATCH  16

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
 * Buddy bitmaps (see the rationale at the top). Each maximum-order block
 * of a segment has a tree of 2048 bits, 64 words: node 1 is the block,
 * nodes 2n and 2n + 1 are the halves of node n. The nodes of order k are
 * [2^(10-k), 2^(11-k)), and the block of order k at page p of the block
 * is node (1024 + p) >> k. Bit n is set exactly when node n is a free
 * block: wholly free, and not part of a larger free block. Bit 0 is
 * never set: it is the "buddy" of node 1, which ends the merge loop at
 * the maximum order.
 */
#define VM_PAGE_TREE_WORDS      (2 * VM_PAGE_BLOCK_PAGES / 32)

typedef uint32_t vm_page_tree_t[VM_PAGE_TREE_WORDS];

/*
 * A maximum-order block: its descriptors (page + i describes page i of
 * the block) and its tree. Each may lie anywhere in the direct map.
 */
struct vm_page_block {
    struct vm_page *pages;
    vm_page_tree_t *tree;
};

/*
 * Where to look for the free blocks of one order: a three-level bitmap
 * over the maximum-order blocks of the segment. Bit b of low is set when
 * block b may have a free block of that order, bit w of mid when word w
 * of low may be non-zero, bit v of top when word v of mid may be. The
 * bits are set when a block of that order becomes free in block b, and
 * cleared lazily by the search that finds them stale, so each is cleared
 * at most once per time it was set.
 */
#define VM_PAGE_INDEX_MID       32

struct vm_page_seg_index {
    uint32_t top;
    uint32_t mid[VM_PAGE_INDEX_MID];
    uint32_t *low;
};

_Static_assert(VM_PAGE_DESC_BUDGET / sizeof(struct vm_page) / VM_PAGE_BLOCK_PAGES
               <= 32 * 32 * VM_PAGE_INDEX_MID,
               "the index of a segment covers every maximum-order block");

/*
 * The number of free blocks of order k is the sum of blocks_delta[0..k]:
 * adding n to the counts of the orders [low, high) is blocks_delta[low]
 * += n, blocks_delta[high] -= n. A split or merge across many orders
 * then updates three counters, not one per order (vm_page_seg_count()).
 * blocks_delta[VM_PAGE_NR_ORDERS] starts at 1: a sentinel count of one
 * block beyond the maximum order ends the search for a non-empty order
 * without a bound check.
 *
 * listed[b] has bit k set exactly when bit b of index[k].low is, so that
 * a split checks with one test that the block is in the index of every
 * order it creates.
 *
 * hint[k] is the tree word (counted from the first word of the first
 * tree) into which the last block of order k was freed: the first place
 * to look for a block of order k, which the index is only asked about
 * when it has none left.
 */
struct vm_page_seg {
    struct spinlock lock;
    long blocks_delta[VM_PAGE_NR_ORDERS + 1];
    unsigned long nr_free;      /* pages in the free blocks */
    struct vm_page_block *blocks;   /* one per maximum-order block; NULL: none */
    uint16_t *listed;           /* orders indexing each block */
    unsigned long nr_descs;     /* descriptors from base on */
    unsigned int nr_pieces;     /* boot allocations holding the descriptors */
    unsigned long nr_managed;
    unsigned long min;
    unsigned long low;
    unsigned long high;
    phys_addr_t base;           /* start rounded down to a block */
    phys_addr_t start;          /* span with descriptors */
    phys_addr_t end;
    phys_addr_t load_start;     /* span as loaded */
    phys_addr_t load_end;
    unsigned int pool_size;
    unsigned int hint[VM_PAGE_NR_ORDERS];   /* tree word last freed into */
    struct vm_page_seg_index index[VM_PAGE_NR_ORDERS];
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

/* Descriptor index of a segment (page number from its base). */
static inline struct vm_page *
vm_page_seg_page(const struct vm_page_seg *seg, unsigned long index)
{
    return seg->blocks[index >> VM_PAGE_ORDER_MAX].pages
           + (index & (VM_PAGE_BLOCK_PAGES - 1));
}

/* Set the type of the pages of descriptors [index, index + n), any blocks. */
static void
vm_page_seg_set_type(const struct vm_page_seg *seg, unsigned long index,
                     unsigned long n, unsigned int type)
{
    unsigned long count;

    while (n != 0) {
        count = MIN(n, VM_PAGE_BLOCK_PAGES - (index & (VM_PAGE_BLOCK_PAGES - 1)));
        vm_page_set_type(vm_page_seg_page(seg, index), count, type);
        index += count;
        n -= count;
    }
}

/* ---------------------------------------------------------------- buddy */

/*
 * Bit operations on a tree. On x86 a bit string instruction does each
 * in one instruction, its bit offset reaching any word of the tree.
 */
#if defined(__i386__) || defined(__x86_64__)
static inline void
vm_page_tree_set(vm_page_tree_t *tree, unsigned int n)
{
    __asm__("btsl %1, %0" : "+m"(*tree) : "r"(n) : "cc");
}

static inline void
vm_page_tree_clear(vm_page_tree_t *tree, unsigned int n)
{
    __asm__("btrl %1, %0" : "+m"(*tree) : "r"(n) : "cc");
}

/* Clear bit n; return whether it was set. */
static inline bool
vm_page_tree_test_clear(vm_page_tree_t *tree, unsigned int n)
{
    bool was_set;

    __asm__("btrl %2, %0" : "+m"(*tree), "=@ccc"(was_set) : "r"(n));
    return was_set;
}
#else
static inline void
vm_page_tree_set(vm_page_tree_t *tree, unsigned int n)
{
    (*tree)[n / 32] |= UINT32_C(1) << (n % 32);
}

static inline void
vm_page_tree_clear(vm_page_tree_t *tree, unsigned int n)
{
    (*tree)[n / 32] &= ~(UINT32_C(1) << (n % 32));
}

static inline bool
vm_page_tree_test_clear(vm_page_tree_t *tree, unsigned int n)
{
    uint32_t bit = UINT32_C(1) << (n % 32);
    bool was_set = ((*tree)[n / 32] & bit) != 0;

    (*tree)[n / 32] &= ~bit;
    return was_set;
}
#endif

static inline bool
vm_page_tree_test(const vm_page_tree_t *tree, unsigned int n)
{
    return ((*tree)[n / 32] >> (n % 32)) & 1;
}

/* Order of node n (1 <= n < 2048). */
static inline unsigned int
vm_page_node_order(unsigned int n)
{
    return VM_PAGE_ORDER_MAX - (31 - __builtin_clz(n));
}

/* The set node of the given order with the lowest address, or 0. */
static unsigned int
vm_page_tree_find(const vm_page_tree_t *tree, unsigned int order)
{
    unsigned int first = VM_PAGE_BLOCK_PAGES >> order;
    uint32_t word;

    if (first < 32) {
        /* Orders 6 to 10 share word 0: nodes [first, 2 * first). */
        word = (*tree)[0] & (((UINT32_C(1) << first) - 1) << first);
        return (word == 0) ? 0 : __builtin_ctz(word);
    }
    for (unsigned int w = first / 32; w < 2 * first / 32; w++) {
        if ((*tree)[w] != 0) {
            return w * 32 + __builtin_ctz((*tree)[w]);
        }
    }
    return 0;
}

/*
 * Order of the free block that the page of descriptor index heads, or
 * VM_PAGE_ORDER_NONE. The segment is locked (or quiet).
 */
static unsigned int
vm_page_seg_head_order(const struct vm_page_seg *seg, unsigned long index)
{
    const vm_page_tree_t *tree = seg->blocks[index >> VM_PAGE_ORDER_MAX].tree;
    unsigned int p = index & (VM_PAGE_BLOCK_PAGES - 1);

    for (unsigned int order = 0; order <= VM_PAGE_ORDER_MAX; order++) {
        if (vm_page_tree_test(tree, (VM_PAGE_BLOCK_PAGES + p) >> order)) {
            return order;
        }
        if (p & (1U << order)) {
            break;          /* no larger block starts at p */
        }
    }
    return VM_PAGE_ORDER_NONE;
}

/*
 * Count a block of order high leaving the free blocks while one block of
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
 * Add block b to the index of each order in orders (a bit mask) that
 * does not list it yet. The segment is locked.
 */
static void
vm_page_seg_list(struct vm_page_seg *seg, unsigned long b, unsigned int orders)
{
    struct vm_page_seg_index *index;
    unsigned int order;

    orders &= ~(unsigned int)seg->listed[b];
    seg->listed[b] |= orders;
    while (orders != 0) {
        order = __builtin_ctz(orders);
        orders &= orders - 1;
        index = &seg->index[order];
        index->low[b / 32] |= UINT32_C(1) << (b % 32);
        index->mid[b / 1024] |= UINT32_C(1) << (b / 32 % 32);
        index->top |= UINT32_C(1) << (b / 1024);
    }
}

/* The bits of the nodes of each order in a tree word of theirs. */
static const uint32_t vm_page_order_nodes[VM_PAGE_NR_ORDERS] = {
    [0 ... 5] = 0xffffffff,
    [6] = 0xffff0000, [7] = 0x0000ff00, [8] = 0x000000f0, [9] = 0x0000000c,
    [10] = 0x00000002,
};

/*
 * Find a free block of the given order, which the counts say exists,
 * through the index: return its node and set *bp to its maximum-order
 * block. The index bits found stale on the way are cleared. The segment
 * is locked.
 */
static __attribute__((noinline)) unsigned int
vm_page_seg_search(struct vm_page_seg *seg, unsigned int order, unsigned long *bp)
{
    struct vm_page_seg_index *index = &seg->index[order];
    unsigned int v, w, n;
    unsigned long b;

    for (;;) {
        if (unlikely(index->top == 0)) {
            panic("vm_page: segment index of order %u lost a free block", order);
        }
        v = __builtin_ctz(index->top);
        if (index->mid[v] == 0) {
            index->top &= ~(UINT32_C(1) << v);
            continue;
        }
        w = v * 32 + __builtin_ctz(index->mid[v]);
        if (index->low[w] == 0) {
            index->mid[v] &= ~(UINT32_C(1) << (w % 32));
            continue;
        }
        b = (unsigned long)w * 32 + __builtin_ctz(index->low[w]);
        n = vm_page_tree_find(seg->blocks[b].tree, order);
        if (likely(n != 0)) {
            seg->hint[order] = b * VM_PAGE_TREE_WORDS + n / 32;
            *bp = b;
            return n;
        }
        index->low[w] &= ~(UINT32_C(1) << (b % 32));
        seg->listed[b] &= ~(1U << order);
    }
}

/*
 * Find a free block of the given order, which the counts say exists:
 * return its node and set *bp to its maximum-order block. The segment is
 * locked.
 */
static inline __attribute__((always_inline)) unsigned int
vm_page_seg_find(struct vm_page_seg *seg, unsigned int order, unsigned long *bp)
{
    unsigned int w = seg->hint[order];
    uint32_t word = (*seg->blocks[w / VM_PAGE_TREE_WORDS].tree)[w % VM_PAGE_TREE_WORDS]
                    & vm_page_order_nodes[order];

    if (likely(word != 0)) {
        *bp = w / VM_PAGE_TREE_WORDS;
        return (w % VM_PAGE_TREE_WORDS) * 32 + __builtin_ctz(word);
    }
    return vm_page_seg_search(seg, order, bp);
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
    const long *delta = seg->blocks_delta;
    struct vm_page *page;
    vm_page_tree_t *tree;
    unsigned int i, n, m, orders;
    unsigned long b;
    long count = 0;

    spinlock_assert_held(&seg->lock);

    /*
     * The smallest order from order up that has a block: the count of
     * order is a sum, and while the counts are 0 the next one is just
     * its difference, up to the sentinel. With a constant order (order 0
     * has code of its own) the loop unrolls into two instructions per
     * order.
     */
    for (i = 0; i <= order; i++) {
        count += delta[i];
    }
    i = order;
    if (count == 0) {
        if (__builtin_constant_p(order)) {
#pragma GCC unroll 10
            for (i = order + 1; i < VM_PAGE_NR_ORDERS; i++) {
                if (delta[i] != 0) {
                    break;
                }
            }
        } else {
            const long *next = &delta[order];

            do {
                next++;
            } while (*next == 0);
            i = next - delta;
        }
        if (unlikely(i == VM_PAGE_NR_ORDERS)) {
            return NULL;
        }
    }
    n = vm_page_seg_find(seg, i, &b);
    tree = seg->blocks[b].tree;
    vm_page_tree_clear(tree, n);

    /*
     * Split: keep the lower half, free the upper one (node 2n + 1), down
     * to the requested order. The nodes of the upper halves follow each
     * other as m, 2m - 1, 2(2m - 1) - 1... The loop is unrolled (each
     * level is then two instructions): the switch enters it at the
     * number of levels left.
     */
    if (i != order) {
        orders = (1U << i) - (1U << order);
        if (unlikely((seg->listed[b] & orders) != orders)) {
            vm_page_seg_list(seg, b, orders);
        }
        m = 2 * n + 1;
        switch (i - order) {
#define VM_PAGE_SPLIT_LEVEL(levels)                                         \
        case levels:                                                        \
            vm_page_tree_set(tree, m);                                      \
            m = 2 * m - 1;                                                  \
            __attribute__((fallthrough))
        VM_PAGE_SPLIT_LEVEL(10);
        VM_PAGE_SPLIT_LEVEL(9);
        VM_PAGE_SPLIT_LEVEL(8);
        VM_PAGE_SPLIT_LEVEL(7);
        VM_PAGE_SPLIT_LEVEL(6);
        VM_PAGE_SPLIT_LEVEL(5);
        VM_PAGE_SPLIT_LEVEL(4);
        VM_PAGE_SPLIT_LEVEL(3);
        VM_PAGE_SPLIT_LEVEL(2);
#undef VM_PAGE_SPLIT_LEVEL
        default:
            vm_page_tree_set(tree, m);
        }
    }
    vm_page_seg_count(seg, order, i, 1);
    seg->nr_free -= 1UL << order;
    page = seg->blocks[b].pages + ((n << i) - VM_PAGE_BLOCK_PAGES);
    if (page == NULL) {
        __builtin_unreachable();    /* tells the callers' NULL tests */
    }
    return page;
}

/*
 * Give back the block of 2^order pages at page (already typed free),
 * merging it with its free buddies. The segment is locked. The buddy of
 * node n is node n ^ 1, their parent n / 2: the loop clears the buddy's
 * bit while it was set, going up one order each time.
 */
static inline __attribute__((always_inline)) void
vm_page_seg_free_block(struct vm_page_seg *seg, struct vm_page *page,
                       unsigned int order)
{
    unsigned long index = page->index, b = index >> VM_PAGE_ORDER_MAX;
    vm_page_tree_t *tree = seg->blocks[b].tree;
    unsigned int m, n, top;

    spinlock_assert_held(&seg->lock);
    assert(order <= VM_PAGE_ORDER_MAX && index < seg->nr_descs
           && P2ALIGNED(index, 1UL << order));
    m = (VM_PAGE_BLOCK_PAGES + (index & (VM_PAGE_BLOCK_PAGES - 1))) >> order;
    assert(!vm_page_tree_test(tree, m));

    /* At the maximum order, m ^ 1 is bit 0, never set: the loop ends. */
    m ^= 1;
    while (vm_page_tree_test_clear(tree, m)) {
        m = (m >> 1) ^ 1;
    }
    VM_PAGE_HIDE(m);            /* or GCC keeps m >> 1 too, in the loop */
    n = m ^ 1;
    vm_page_tree_set(tree, n);
    top = vm_page_node_order(n);
    seg->hint[top] = b * VM_PAGE_TREE_WORDS + n / 32;
    if (unlikely(!(seg->listed[b] & (1U << top)))) {
        vm_page_seg_list(seg, b, 1U << top);
    }
    vm_page_seg_count(seg, order, top, -1);
    seg->nr_free += 1UL << order;
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
        vm_page_seg_free_block(seg, vm_page_seg_page(seg, start), order);
        start += 1UL << order;
    }
}

/* ---------------------------------------------------------------- pools */

/*
 * Move half a pool of pages from the free blocks (at most
 * VM_PAGE_POOL_LOW_BATCH below the high threshold), taking the largest
 * blocks that fit (one split instead of one per page). Interrupts
 * disabled.
 */
static void
vm_page_pool_fill(struct vm_page_cpu_pool *pool, struct vm_page_seg *seg)
{
    unsigned int count = pool->size / 2, order;
    struct vm_page *page;

    spinlock_lock_intr_off(&seg->lock);
    if (seg->nr_free < seg->high) {
        count = MIN(count, VM_PAGE_POOL_LOW_BATCH);
    }
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
    spinlock_unlock_intr_off(&seg->lock);
}

/*
 * Return all but the keep most recently freed pages of the pool to the
 * free blocks. Interrupts disabled.
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

    spinlock_lock_intr_off(&seg->lock);
    for (; node != NULL; node = next) {
        next = node->next;
        page = list_entry(node, struct vm_page, node);
        page->type = VM_PAGE_FREE;
        vm_page_seg_free_block(seg, page, 0);
    }
    spinlock_unlock_intr_off(&seg->lock);
}

/*
 * Drain requests to every CPU: a generation, bumped by
 * vm_page_pool_drain_all(), that each CPU compares with the last one it
 * served at its next clock tick (vm_page_tick()). Pools hold up to 4 MiB
 * per CPU and segment; an allocation that fails, or leaves a segment
 * below its low threshold, gets the other CPUs' pooled pages back within
 * a tick instead of leaving them stranded.
 */
static unsigned int vm_page_drain_gen;
static unsigned int vm_page_drain_seen[CONFIG_NCPUS];

void
vm_page_pool_drain_all(void)
{
    __atomic_add_fetch(&vm_page_drain_gen, 1, __ATOMIC_RELEASE);
}

void
vm_page_tick(void)
{
    unsigned int gen = __atomic_load_n(&vm_page_drain_gen, __ATOMIC_ACQUIRE);
    unsigned int cpu = cpu_id();

    if (gen != vm_page_drain_seen[cpu]) {
        vm_page_drain_seen[cpu] = gen;
        vm_page_pool_drain();
    }
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
 * CPU's pool when the segment has pools, otherwise from the free blocks.
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
    spinlock_lock_intr_off(&seg->lock);
    page = vm_page_seg_alloc_block(seg, order);
    spinlock_unlock_intr_off(&seg->lock);
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

static inline void
vm_page_low_check(const struct vm_page_seg *seg)
{
    if (unlikely(seg->nr_free < seg->low)) {
        if (!__atomic_exchange_n(&vm_page_low_signalled, true, __ATOMIC_RELAXED)) {
            vm_page_pool_drain_all();
            if (vm_page_low_hook != NULL) {
                vm_page_low_hook();
            }
        }
    } else if (unlikely(vm_page_low_signalled) && seg->nr_free > seg->high) {
        vm_page_low_signalled = false;      /* re-armed */
    }
}

/*
 * Take a block of 2^order pages from the free blocks of seg, the first
 * segment of the selector; on success restore the interrupt flags and
 * type the pages. Interrupts disabled. Returns NULL when there is none,
 * with interrupts still disabled.
 */
static inline __attribute__((always_inline)) struct vm_page *
vm_page_seg_alloc(struct vm_page_seg *seg, unsigned int order, unsigned int type,
                  uint32_t flags)
{
    struct vm_page *page;

    spinlock_lock_intr_off(&seg->lock);
    page = vm_page_seg_alloc_block(seg, order);
    spinlock_unlock_intr_off(&seg->lock);
    if (likely(page != NULL)) {
        cpu_intr_restore(flags);
        vm_page_set_type(page, 1UL << order, type);
        vm_page_low_check(seg);
    }
    return page;
}

VM_PAGE_SLOW_CALL struct vm_page *
vm_page_alloc_miss(unsigned int first, unsigned int type, uint32_t flags)
{
    struct vm_page_seg *seg = &vm_page_segs[first];
    struct vm_page *page = NULL;

    assert(type >= VM_PAGE_PMAP && type < VM_PAGE_NR_TYPES);

    VM_PAGE_HIDE(seg);
    if (likely(vm_page_is_ready)) {
        if (seg->pool_size == 0) {
            page = vm_page_seg_alloc(seg, 0, type, flags);
            if (likely(page != NULL)) {
                return page;
            }
        } else {
            page = vm_page_pool_take(seg, first);
        }
        if (page == NULL) {
            page = vm_page_alloc_fallback(0, first);
        }
    }
    cpu_intr_restore(flags);
    if (page != NULL) {
        page->type = type;
    } else {
        vm_page_pool_drain_all();
    }
    if (likely(vm_page_is_ready)) {
        vm_page_low_check(seg);
    }
    return page;
}

VM_PAGE_SLOW_CALL struct vm_page *
vm_page_alloc_slow(unsigned int order, unsigned int selector, unsigned int type,
                   uint32_t flags)
{
    struct vm_page_seg *seg;
    struct vm_page *page = NULL;
    unsigned int first;

    assert(type >= VM_PAGE_PMAP && type < VM_PAGE_NR_TYPES);

    if (likely(selector < VM_PAGE_NR_SEGS)) {
        first = vm_page_sel_first[selector];
        if (order == 0) {
            return vm_page_alloc_miss(first, type, flags);
        }
        if (likely(order <= VM_PAGE_ORDER_MAX && vm_page_is_ready)) {
            seg = &vm_page_segs[first];
            VM_PAGE_HIDE(seg);
            page = vm_page_seg_alloc(seg, order, type, flags);
            if (likely(page != NULL)) {
                return page;
            }
            page = vm_page_alloc_fallback(order, first);
        }
    }
    cpu_intr_restore(flags);
    if (page != NULL) {
        vm_page_set_type(page, 1UL << order, type);
    } else {
        vm_page_pool_drain_all();
    }
    if (likely(selector < VM_PAGE_NR_SEGS && vm_page_is_ready)) {
        vm_page_low_check(&vm_page_segs[vm_page_sel_first[selector]]);
    }
    return page;
}

/*
 * Give back a block of 2^order pages to the free blocks of its segment,
 * then restore the interrupt flags. Interrupts disabled.
 */
static inline __attribute__((always_inline)) void
vm_page_seg_free(struct vm_page_seg *seg, struct vm_page *page, unsigned int order,
                 uint32_t flags)
{
    vm_page_set_type(page, 1UL << order, VM_PAGE_FREE);
    spinlock_lock_intr_off(&seg->lock);
    vm_page_seg_free_block(seg, page, order);
    spinlock_unlock_intr_off(&seg->lock);
    cpu_intr_restore(flags);
}

VM_PAGE_SLOW_CALL void
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
    assert(P2ALIGNED((unsigned long)page->index, 1UL << order));

    /*
     * The whole block is one allocation: a page of it freed (or typed)
     * on its own would be given out twice after the merge.
     */
    for (unsigned long i = 1; i < (1UL << order); i++) {
        assert(page[i].type == page->type);
    }

    if (order == 0 && seg->pool_size != 0) {
        pool = vm_page_cpu_pool(page->seg_index);
        if (pool->nr_pages == pool->size) {
            vm_page_pool_drain_to(pool, seg, pool->size - pool->size / 2);
        }
        page->type = VM_PAGE_POOL;
        vm_page_pool_push(pool, page);
        cpu_intr_restore(flags);
        return;
    }
    /* Order 0 gets code of its own, where the order is a constant. */
    if (order == 0) {
        vm_page_seg_free(seg, page, 0, flags);
    } else {
        vm_page_seg_free(seg, page, order, flags);
    }
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
        order = vm_page_seg_head_order(seg, index);
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
 * is freed again. The segment is locked.
 */
static void
vm_page_seg_carve(struct vm_page_seg *seg, unsigned long first,
                  unsigned long start, unsigned long end)
{
    unsigned long index = first;
    unsigned int order;

    while (index < end) {
        order = vm_page_seg_head_order(seg, index);
        vm_page_tree_clear(seg->blocks[index >> VM_PAGE_ORDER_MAX].tree,
                           (VM_PAGE_BLOCK_PAGES + (index & (VM_PAGE_BLOCK_PAGES - 1)))
                           >> order);
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
    unsigned long first, index, nr_blocks = seg->nr_descs >> VM_PAGE_ORDER_MAX;
    unsigned int node_first;
    uint32_t word;

    for (unsigned int order = 0; order < VM_PAGE_NR_ORDERS; order++) {
        node_first = VM_PAGE_BLOCK_PAGES >> order;
        for (unsigned long b = 0; b < nr_blocks; b++) {
            for (unsigned int n = node_first; n < 2 * node_first; n += 32 - n % 32) {
                word = (*seg->blocks[b].tree)[n / 32] >> (n % 32);
                if (node_first < 32) {
                    word &= (UINT32_C(1) << node_first) - 1;
                }
                for (; word != 0; word &= word - 1) {
                    first = (b << VM_PAGE_ORDER_MAX)
                            + ((n + __builtin_ctz(word)) << order) - VM_PAGE_BLOCK_PAGES;
                    block_start = seg->base + ((phys_addr_t)first << PAGE_SHIFT);
                    block_end = block_start + ((phys_addr_t)PAGE_SIZE << order);
                    start = P2ROUND(MAX(block_start, low), align);
                    /*
                     * A later aligned start in this block ends the run at
                     * the same place; starts in other blocks are tried
                     * with them.
                     */
                    if (start < block_start || start >= block_end
                        || start > high || size > high - start) {
                        continue;
                    }
                    index = (start - seg->base) >> PAGE_SHIFT;
                    if (vm_page_seg_run_free(seg, first + (1UL << order),
                                             index + npages)) {
                        vm_page_seg_carve(seg, first, index, index + npages);
                        return vm_page_seg_page(seg, index);
                    }
                }
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
        if (seg->blocks == NULL || seg->end <= low || seg->start >= high) {
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
    if (page == NULL) {
        vm_page_pool_drain_all();
    }
    if (page != NULL) {
        vm_page_seg_set_type(&vm_page_segs[page->seg_index], page->index, npages, type);
    }
    return page;
}

void
vm_page_free_contig(struct vm_page *page, unsigned long npages)
{
    struct vm_page_seg *seg = &vm_page_segs[page->seg_index];
    unsigned long index = page->index;
    uint32_t flags;

    assert(npages <= seg->nr_descs - index);

    if (npages == 0) {
        return;
    }
    /* Every page allocated: a free or reserved one would be freed twice. */
    for (unsigned long i = 0; i < npages; i++) {
        const struct vm_page *p = vm_page_seg_page(seg, index + i);

        assert(p->type >= VM_PAGE_PMAP && p->type < VM_PAGE_NR_TYPES);
    }
    vm_page_seg_set_type(seg, index, npages, VM_PAGE_FREE);
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
            return vm_page_seg_page(seg, (pa - seg->base) >> PAGE_SHIFT);
        }
    }
    return NULL;
}

struct vm_page *
vm_page_nth(const struct vm_page *page, unsigned long i)
{
    const struct vm_page_seg *seg = &vm_page_segs[page->seg_index];

    assert(i < seg->nr_descs - page->index);
    return vm_page_seg_page(seg, page->index + i);
}

unsigned int
vm_page_free_order(const struct vm_page *page)
{
    const struct vm_page_seg *seg = &vm_page_segs[page->seg_index];

    return vm_page_seg_head_order(seg, page->index);
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
        return ERROR_INVAL;
    }
    seg = &vm_page_segs[seg_index];
    if (seg->load_end != 0) {
        return ERROR_EXIST;
    }
    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        other = &vm_page_segs[i];
        if (other->load_end != 0
            && P2TRUNC(start, VM_PAGE_BLOCK_SIZE) < P2ROUND(other->load_end, VM_PAGE_BLOCK_SIZE)
            && P2TRUNC(other->load_start, VM_PAGE_BLOCK_SIZE) < P2ROUND(end, VM_PAGE_BLOCK_SIZE)) {
            return ERROR_EXIST;
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
    uint64_t pages = (seg->end - seg->start) >> PAGE_SHIFT;

    if (pages < VM_PAGE_POOL_SEG_MIN) {
        return 0;
    }
    return (unsigned int)MIN(pages / VM_PAGE_POOL_RATIO, VM_PAGE_POOL_MAX) & ~1U;
}

/* Bytes of the block table, listed masks and index of nr_blocks blocks. */
static size_t
vm_page_meta_size(unsigned long nr_blocks)
{
    return nr_blocks * sizeof(struct vm_page_block)
           + P2ROUND(nr_blocks, 2) * sizeof(uint16_t)
           + VM_PAGE_NR_ORDERS * DIV_CEIL(nr_blocks, 32) * sizeof(uint32_t);
}

/*
 * Take size bytes from bootalloc for what of segment i, direct-mapped.
 * Returns NULL when bootalloc has no run that long and may_fail; panics
 * otherwise, and when the memory is outside the direct map.
 */
static void *
vm_page_boot_mem(phys_addr_t (*bootalloc)(unsigned int npages), size_t size,
                 unsigned int i, const char *what, bool may_fail)
{
    unsigned int npages = DIV_CEIL(size, PAGE_SIZE);
    phys_addr_t pa;
    void *va;

    pa = bootalloc(npages);
    if (pa == 0) {
        if (may_fail) {
            return NULL;
        }
        panic("vm_page: cannot allocate %u boot pages for the %s of segment %s",
              npages, what, vm_page_seg_names[i]);
    }
    va = vm_page_ptov(pa, size);
    if (va == NULL) {
        panic("vm_page: %s of segment %s at 0x%llx are not in the direct map",
              what, vm_page_seg_names[i], (unsigned long long)pa);
    }
    vm_page_segs[i].nr_pieces++;
    return va;
}

/*
 * Place the descriptors and trees of segment i: all in one boot
 * allocation when the memory has a free run that long, otherwise 32 KiB
 * of descriptors per block and a page of trees per 16 blocks, each
 * allocated on its own (see the rationale at the top). Then the block
 * table, listed masks and index, cleared.
 */
static void
vm_page_seg_place(phys_addr_t (*bootalloc)(unsigned int npages), unsigned int i)
{
    struct vm_page_seg *seg = &vm_page_segs[i];
    unsigned long nr_blocks = seg->nr_descs >> VM_PAGE_ORDER_MAX;
    size_t meta = vm_page_meta_size(nr_blocks);
    size_t trees_per_page = PAGE_SIZE / sizeof(vm_page_tree_t);
    vm_page_tree_t *trees = NULL;
    char *whole, *descs = NULL;
    uint32_t *low;

    whole = vm_page_boot_mem(bootalloc, meta + nr_blocks * (sizeof(vm_page_tree_t)
                             + VM_PAGE_BLOCK_DESC_SIZE), i, "descriptors", true);
    if (whole != NULL) {
        /* Descriptors first: they need their alignment. */
        descs = whole;
        trees = (vm_page_tree_t *)(descs + nr_blocks * VM_PAGE_BLOCK_DESC_SIZE);
        seg->blocks = (struct vm_page_block *)(trees + nr_blocks);
        memset(trees, 0, nr_blocks * sizeof(vm_page_tree_t));
    } else {
        seg->blocks = vm_page_boot_mem(bootalloc, meta, i, "block table", false);
    }
    memset(seg->blocks, 0, meta);
    seg->listed = (uint16_t *)(seg->blocks + nr_blocks);
    low = (uint32_t *)(seg->listed + P2ROUND(nr_blocks, 2));
    for (unsigned int order = 0; order < VM_PAGE_NR_ORDERS; order++) {
        seg->index[order] = (struct vm_page_seg_index){ .low = low };
        low += DIV_CEIL(nr_blocks, 32);
    }

    for (unsigned long b = 0; b < nr_blocks; b++) {
        struct vm_page_block *block = &seg->blocks[b];

        if (whole != NULL) {
            block->tree = &trees[b];
            block->pages = (struct vm_page *)(descs + b * VM_PAGE_BLOCK_DESC_SIZE);
            continue;
        }
        if (b % trees_per_page == 0) {
            trees = vm_page_boot_mem(bootalloc, PAGE_SIZE, i, "buddy trees", false);
            memset(trees, 0, PAGE_SIZE);
        }
        block->tree = &trees[b % trees_per_page];
        block->pages = vm_page_boot_mem(bootalloc, VM_PAGE_BLOCK_DESC_SIZE, i,
                                        "descriptors", false);
    }
}

void
vm_page_setup(phys_addr_t (*bootalloc)(unsigned int npages))
{
    unsigned long budget = VM_PAGE_DESC_BUDGET / sizeof(struct vm_page);
    struct vm_page_seg *seg;
    struct vm_page *page;

    assert(!vm_page_is_setup);

    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        seg = &vm_page_segs[i];
        spinlock_init(&seg->lock);
        for (unsigned int order = 0; order < VM_PAGE_NR_ORDERS; order++) {
            seg->blocks_delta[order] = 0;
            seg->hint[order] = (VM_PAGE_BLOCK_PAGES >> order) / 32;
        }
        seg->blocks_delta[VM_PAGE_NR_ORDERS] = 1;   /* the sentinel */
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

        vm_page_seg_place(bootalloc, i);
        for (unsigned long j = 0; j < seg->nr_descs; j++) {
            page = vm_page_seg_page(seg, j);
            page->phys_addr = seg->base + ((phys_addr_t)j << PAGE_SHIFT);
            page->priv = NULL;
            page->index = j;
            page->seg_index = i;
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
        return ERROR_INVAL;
    }
    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        if (start >= vm_page_segs[i].load_start && end <= vm_page_segs[i].load_end) {
            seg = &vm_page_segs[i];
            break;
        }
    }
    if (seg == NULL) {
        return ERROR_INVAL;
    }

    /* Pages beyond the descriptors are left out (see vm_page_seg_fit()). */
    kept_end = MIN(end, MAX(start, seg->end));
    flags = spinlock_lock_intr_save(&seg->lock);
    if (start < kept_end) {
        first = (start - seg->base) >> PAGE_SHIFT;
        last = (kept_end - seg->base) >> PAGE_SHIFT;
        for (unsigned long i = first; i < last; i++) {
            if (vm_page_seg_page(seg, i)->type != VM_PAGE_RESERVED) {
                spinlock_unlock_intr_restore(&seg->lock, flags);
                return ERROR_EXIST;
            }
        }
        vm_page_seg_set_type(seg, first, last - first, VM_PAGE_FREE);
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
        if (vm_page_segs[i].blocks != NULL) {
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
        vm_page_segs[i] = (struct vm_page_seg){ .blocks = NULL };
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
        return ERROR_NOENT;
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
    unsigned long managed = 0, free = 0, descs = 0;
    struct vm_page_line line;
    unsigned int pieces = 0;

    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        vm_page_seg_stats_get(i, &stats);
        if (vm_page_segs[i].blocks == NULL) {
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
        descs += vm_page_segs[i].nr_descs;
        pieces += vm_page_segs[i].nr_pieces;
    }
    line.len = 0;
    vm_page_line_add(&line, "vm_page: total %lu pages (%lu MiB), %lu free (%lu MiB)",
                     managed, VM_PAGE_MIB(managed), free, VM_PAGE_MIB(free));
    print(line.buf);
    line.len = 0;
    vm_page_line_add(&line, "vm_page: descriptors %lu KiB for %lu pages, in %u pieces",
                     (unsigned long)(descs * sizeof(struct vm_page) >> 10), descs, pieces);
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
    return ERROR_INVAL;
}

/* Number of free blocks (set nodes) covering the page of descriptor index. */
static unsigned int
vm_page_seg_cover(const struct vm_page_seg *seg, unsigned long index)
{
    const vm_page_tree_t *tree = seg->blocks[index >> VM_PAGE_ORDER_MAX].tree;
    unsigned int n = VM_PAGE_BLOCK_PAGES + (index & (VM_PAGE_BLOCK_PAGES - 1));
    unsigned int cover = 0;

    for (; n != 0; n /= 2) {
        cover += vm_page_tree_test(tree, n);
    }
    return cover;
}

/* Check the index of segment i against its trees. */
static int
vm_page_seg_check_index(unsigned int i)
{
    const struct vm_page_seg *seg = &vm_page_segs[i];
    unsigned long nr_blocks = seg->nr_descs >> VM_PAGE_ORDER_MAX;
    const struct vm_page_seg_index *index;
    unsigned int indexed, present;

    for (unsigned long b = 0; b < nr_blocks; b++) {
        if ((*seg->blocks[b].tree)[0] & 1) {
            return vm_page_check_fail(i, b << VM_PAGE_ORDER_MAX, "tree bit 0 set");
        }
        indexed = 0;
        present = 0;
        for (unsigned int order = 0; order < VM_PAGE_NR_ORDERS; order++) {
            index = &seg->index[order];
            indexed |= ((index->low[b / 32] >> (b % 32)) & 1) << order;
            present |= (vm_page_tree_find(seg->blocks[b].tree, order) != 0) << order;
        }
        if (indexed != seg->listed[b]) {
            return vm_page_check_fail(i, b << VM_PAGE_ORDER_MAX,
                                      "listed mask and index disagree");
        }
        if (present & ~indexed) {
            return vm_page_check_fail(i, b << VM_PAGE_ORDER_MAX,
                                      "free block missing from the index");
        }
    }
    for (unsigned int order = 0; order < VM_PAGE_NR_ORDERS; order++) {
        /* The hint is a tree word holding nodes of its order. */
        unsigned int word = seg->hint[order] % VM_PAGE_TREE_WORDS;
        unsigned int first = (VM_PAGE_BLOCK_PAGES >> order) / 32;

        if (seg->hint[order] / VM_PAGE_TREE_WORDS >= MAX(nr_blocks, 1)
            || word < first || word >= MAX(2 * first, 1)) {
            return vm_page_check_fail(i, 0, "hint outside its order");
        }
        index = &seg->index[order];
        for (unsigned long w = 0; w < DIV_CEIL(nr_blocks, 32); w++) {
            if (index->low[w] != 0 && !((index->mid[w / 32] >> (w % 32)) & 1)) {
                return vm_page_check_fail(i, w << (VM_PAGE_ORDER_MAX + 5),
                                          "index word missing from its summary");
            }
        }
        for (unsigned int v = 0; v < VM_PAGE_INDEX_MID; v++) {
            if (index->mid[v] != 0 && !((index->top >> v) & 1)) {
                return vm_page_check_fail(i, 0, "index summary missing from the top");
            }
        }
    }
    return 0;
}

/* Check segment i, locked; pooled counts the pages in pools of it. */
static int
vm_page_seg_check(unsigned int i, unsigned long pooled)
{
    const struct vm_page_seg *seg = &vm_page_segs[i];
    unsigned long blocks[VM_PAGE_NR_ORDERS] = { 0 };
    unsigned long free = 0, pool = 0, managed = 0;
    const struct vm_page *page;
    unsigned int order, cover;

    for (unsigned long j = 0; j < seg->nr_descs; j++) {
        page = vm_page_seg_page(seg, j);
        if (page->phys_addr != seg->base + ((phys_addr_t)j << PAGE_SHIFT)
            || page->index != j || page->seg_index != i) {
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
        cover = vm_page_seg_cover(seg, j);
        if (cover > 1) {
            return vm_page_check_fail(i, j, "free blocks overlap");
        }
        if (cover == 1 && page->type != VM_PAGE_FREE) {
            return vm_page_check_fail(i, j, "free block not wholly free");
        }
        if (cover == 0 && page->type == VM_PAGE_FREE) {
            return vm_page_check_fail(i, j, "free page in no free block");
        }
        order = vm_page_seg_head_order(seg, j);
        if (order == VM_PAGE_ORDER_NONE) {
            continue;
        }
        if (order < VM_PAGE_ORDER_MAX
            && vm_page_seg_head_order(seg, j ^ (1UL << order)) == order) {
            return vm_page_check_fail(i, j, "free buddies not merged");
        }
        blocks[order]++;
        free += 1UL << order;
    }

    for (order = 0; order < VM_PAGE_NR_ORDERS; order++) {
        if (blocks[order] != vm_page_seg_nr_blocks(seg, order)) {
            return vm_page_check_fail(i, 0, "free block count mismatch");
        }
    }
    if (vm_page_seg_nr_blocks(seg, VM_PAGE_NR_ORDERS) != 1) {
        return vm_page_check_fail(i, 0, "count sentinel changed");
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
    return vm_page_seg_check_index(i);
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
