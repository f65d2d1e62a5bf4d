/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Physical page allocator: one descriptor per physical page, a binary
 * buddy allocator per segment, per-CPU pools of single pages.
 * doc/vm_page.md describes the design.
 *
 * Boot sequence (boot CPU only, nothing else running):
 *
 *   vm_page_load(seg, start, end)      for each non-empty segment
 *   vm_page_setup(bootalloc)           descriptor arrays, all pages reserved
 *   vm_page_manage_range(start, end)   for each free range (many times)
 *   vm_page_ready()                    allocation may begin
 *
 * vm_page_manage_range() may also be called after vm_page_ready(), e.g.
 * for boot data released later. All ranges are half-open, [start, end),
 * in bytes, page-aligned.
 *
 * Locking: each segment has a spinlock protecting its free blocks and
 * counters, taken with interrupts disabled. Per-CPU pools are touched
 * only by their own CPU with interrupts disabled, so the usual order-0
 * allocation and free take no lock at all. Every function here may be
 * called with interrupts enabled or disabled, from any context, once
 * vm_page_ready() has returned, unless its comment says otherwise.
 */
#ifndef VM_VM_PAGE_H
#define VM_VM_PAGE_H

#include <stddef.h>
#include <stdint.h>

#include <kern/error.h>
#include <kern/list.h>
#include <kern/macros.h>
#include <kern/panic.h>
#include <kern/percpu.h>
#include <machine/param.h>
#include <machine/pmem.h>

/*
 * Segments, in address order, as the machine numbers them (machine/pmem.h).
 * DMA32 exists only with PAE: without it every page lies below 4 GiB.
 */
#define VM_PAGE_SEG_DMA         PMEM_SEG_DMA
#define VM_PAGE_SEG_DIRECTMAP   PMEM_SEG_DIRECTMAP
#ifdef PMEM_SEG_DMA32
#define VM_PAGE_SEG_DMA32       PMEM_SEG_DMA32
#endif
#define VM_PAGE_SEG_HIGHMEM     PMEM_SEG_HIGHMEM
#define VM_PAGE_NR_SEGS         PMEM_NR_SEGS

/*
 * Selectors: where an allocation may come from. A selector is the
 * highest segment allowed; allocation falls back from it to lower ones:
 * HIGHMEM -> [DMA32] -> DIRECTMAP -> DMA. Without PAE, DMA32 (below
 * 4 GiB) is all memory, the same as HIGHMEM.
 */
#define VM_PAGE_SEL_DMA         VM_PAGE_SEG_DMA
#define VM_PAGE_SEL_DIRECTMAP   VM_PAGE_SEG_DIRECTMAP
#ifdef CONFIG_PAE
#define VM_PAGE_SEL_DMA32       VM_PAGE_SEG_DMA32
#else
#define VM_PAGE_SEL_DMA32       VM_PAGE_SEG_HIGHMEM
#endif
#define VM_PAGE_SEL_HIGHMEM     VM_PAGE_SEG_HIGHMEM

/* Blocks are 2^order pages, order 0 to VM_PAGE_ORDER_MAX (4 MiB). */
#define VM_PAGE_ORDER_MAX       10
#define VM_PAGE_NR_ORDERS       (VM_PAGE_ORDER_MAX + 1)

/* What vm_page_free_order() returns for a page that heads no free block. */
#define VM_PAGE_ORDER_NONE      0xff

/*
 * Page types. The first three belong to vm_page; allocations pass one of
 * the others (VM_PAGE_PMAP and up).
 */
#define VM_PAGE_FREE            0   /* in a free buddy block */
#define VM_PAGE_POOL            1   /* free, cached in a per-CPU pool */
#define VM_PAGE_RESERVED        2   /* never managed: hole, firmware, boot data */
#define VM_PAGE_PMAP            3   /* page table */
#define VM_PAGE_KMEM            4   /* kmem slab */
#define VM_PAGE_KERNEL          5   /* other kernel use */
#define VM_PAGE_OBJECT          6   /* VM object (user memory) */
#define VM_PAGE_NR_TYPES        7

/*
 * Page descriptor: 26 bytes of fields padded to 32 on i386, with or
 * without PAE (64 on 64-bit hosts): a power of two (at most 32 bytes on
 * i386, checked at compile time). The descriptors of each naturally
 * aligned 4 MiB block (maximum order) form one array, so within a block
 * page + 1 describes the next physical page; across blocks, use
 * vm_page_nth() (the blocks' arrays may lie anywhere, see vm_page.c).
 * Which pages are free blocks is kept in bitmaps, not here
 * (vm_page_free_order()).
 *
 * Room left: on i386 the fields end at byte 26 (phys_addr_t is 64-bit
 * with or without PAE), so 6 bytes of the 32 are free: one more
 * uint32_t fits (at offset 28, after 2 bytes of padding) and fills the
 * descriptor; anything larger would make it 64 bytes and double the
 * descriptors' memory. owner_index takes that room: index is the page's
 * number in its segment (vm_page's own), owner_index the owner's.
 *
 * While a page is allocated its owner may use node, priv and owner_index
 * freely (kmem keeps its slab in priv; a VM object keeps itself in priv
 * and the page's offset in pages in owner_index). priv is NULL in every
 * page vm_page hands out, because owners reset it to NULL before freeing
 * (vm_page_setup() starts with NULL everywhere); owner_index has no value
 * until its owner sets one. The other fields belong to vm_page: read
 * them, never write them.
 */
struct vm_page {
    struct list node;           /* pool; the owner's when allocated */
    phys_addr_t phys_addr;      /* physical address of the page */
    void *priv;                 /* the owner's */
    uint32_t index;             /* page number in its segment, from the base */
    uint8_t seg_index;          /* VM_PAGE_SEG_* */
    uint8_t type;               /* VM_PAGE_* type */
    uint32_t owner_index;       /* the owner's (VM object: offset in pages) */
} __aligned(8 * sizeof(void *));

/* Counters of one segment, as returned by vm_page_seg_stats_get(). */
struct vm_page_seg_stats {
    const char *name;           /* "DMA", "DIRECTMAP", "DMA32", "HIGHMEM" */
    phys_addr_t start;          /* span (empty segment: start == end == 0) */
    phys_addr_t end;
    unsigned long nr_pages;     /* pages in the span, holes included */
    unsigned long nr_managed;   /* pages handed over by vm_page_manage_range() */
    unsigned long nr_free;      /* free pages: free blocks and per-CPU pools */
    unsigned long nr_pooled;    /* of which in per-CPU pools */
    unsigned long nr_blocks[VM_PAGE_NR_ORDERS]; /* free blocks per order */
    unsigned long min;          /* thresholds, in pages, for reclaim: */
    unsigned long low;          /*   min < low < high, fractions of */
    unsigned long high;         /*   nr_managed (see doc/vm_page.md) */
    unsigned int pool_size;     /* capacity of each per-CPU pool, 0 = none */
    unsigned int pool_fill[CONFIG_NCPUS]; /* pages in each CPU's pool */
};

/* Receives one line of a report, without a newline. */
typedef void (*vm_page_print_fn)(const char *line);

/*
 * Declare segment seg as the span [start, end) (page-aligned, start <
 * end), before vm_page_setup(). Segments may be loaded in any order but
 * must not share a 4 MiB block (VM_PAGE_ORDER_MAX): the i386 segment
 * bounds (16 MiB, 896 MiB, 4 GiB) guarantee it. Returns 0, ERROR_INVAL
 * when seg is invalid, the span is empty or unaligned, or vm_page_setup()
 * has run, or ERROR_EXIST when seg is already loaded or the span shares a
 * 4 MiB block with another segment. Boot
 * CPU only, no locking.
 */
int vm_page_load(unsigned int seg, phys_addr_t start, phys_addr_t end);

/*
 * Allocate the descriptor arrays of the loaded segments with bootalloc
 * (which returns the physical address of npages contiguous direct-mapped
 * pages, or 0) and mark every page reserved. A segment's descriptors
 * and bitmaps come in one piece when bootalloc has a run that long, else
 * in pieces of 32 KiB per 4 MiB block (see vm_page.c). Descriptors may
 * take at most half of the direct map: memory they cannot describe is
 * left out (highest addresses first) and vm_page_report() warns about
 * it. Panics when bootalloc fails for a piece or returns memory outside
 * the direct map: the kernel cannot run without descriptors. Call once, after the
 * vm_page_load() calls; boot CPU only, no locking.
 */
void vm_page_setup(phys_addr_t (*bootalloc)(unsigned int npages));

/*
 * Hand the free pages [start, end) (page-aligned, inside one loaded
 * segment) to the allocator. Pages between ranges stay reserved. Pages
 * left out by vm_page_setup() are skipped. Before vm_page_ready(): boot
 * CPU only; after: any context (takes the segment lock). Returns 0, or
 * (nothing changed) ERROR_INVAL when the range is empty, unaligned or not
 * inside one segment, ERROR_EXIST when it contains a page that is
 * already managed.
 */
int vm_page_manage_range(phys_addr_t start, phys_addr_t end);

/*
 * End of the boot sequence: pick the first segment of each selector and
 * enable allocation. Before it, vm_page_alloc*() return NULL. Boot CPU
 * only, before other CPUs allocate.
 */
void vm_page_ready(void);

#include <vm/vm_page_i.h>

/*
 * Allocate a block of 2^order physically contiguous pages, naturally
 * aligned, of the given type (VM_PAGE_PMAP or higher), from the segment
 * of selector or, when it has no such block, from the segments below it
 * in the fallback order. Order 0 is served from the current CPU's pool
 * when possible, inline and without taking a lock. Returns the
 * descriptor of the first page (page[i] describes page i of the block),
 * or NULL when no segment allowed by selector has a free block of that
 * order, or when order or selector is out of range. Never sleeps.
 */
static inline struct vm_page *
vm_page_alloc(unsigned int order, unsigned int selector, unsigned int type)
{
    struct vm_page_cpu_pool *pool;
    struct vm_page *page;
    unsigned int first;
    uint32_t flags;

    assert(type >= VM_PAGE_PMAP && type < VM_PAGE_NR_TYPES);

    flags = cpu_intr_save();
    if (likely(order == 0 && selector < VM_PAGE_NR_SEGS)) {
        first = vm_page_sel_first[selector];
        pool = vm_page_cpu_pool(first);
        if (likely(pool->top != NULL)) {
            page = vm_page_pool_pop(pool);
            cpu_intr_restore(flags);
            page->type = type;
            return page;
        }
        return vm_page_alloc_miss(first, type, flags);
    }
    return vm_page_alloc_slow(order, selector, type, flags);
}

/*
 * Free the block of 2^order pages at page, as returned by
 * vm_page_alloc() with that order. Order 0 goes to the current CPU's
 * pool when it has room (inline, no lock). Never fails. Freeing a free
 * or reserved page panics, except that a double free into a pool is
 * only caught with CONFIG_DEBUG (the check would cost the fast path two
 * instructions); a wrong order is caught by assert().
 */
static inline void
vm_page_free(struct vm_page *page, unsigned int order)
{
    struct vm_page_cpu_pool *pool;
    uint32_t flags;

    flags = cpu_intr_save();
    if (likely(order == 0)) {
        pool = vm_page_cpu_pool(page->seg_index);
        if (likely(pool->nr_pages < pool->size
                   && (!VM_PAGE_CHECK_FREE || page->type >= VM_PAGE_PMAP))) {
            page->type = VM_PAGE_POOL;
            vm_page_pool_push(pool, page);
            cpu_intr_restore(flags);
            return;
        }
    }
    vm_page_free_slow(page, order, flags);
}

/*
 * Allocate npages physically contiguous pages of the given type, the
 * first at an address that is a multiple of align (a power of two; 0
 * means PAGE_SIZE), all inside [low, high), for device DMA. Searches the
 * segments from the highest down; pages in per-CPU pools of other CPUs
 * are not seen. Takes the segment locks; the search is linear in the
 * number of free blocks. Returns the first page (vm_page_nth(page, i)
 * describes page i; page + i only inside its 4 MiB block), or NULL when
 * no such run is free or the arguments are invalid.
 */
struct vm_page *vm_page_alloc_contig(unsigned long npages, phys_addr_t align,
                                     phys_addr_t low, phys_addr_t high,
                                     unsigned int type);

/*
 * Free npages allocated pages starting at page, all in one segment: a
 * run from vm_page_alloc_contig(), or any part of allocated blocks.
 */
void vm_page_free_contig(struct vm_page *page, unsigned long npages);

/*
 * Return the descriptor of the page i pages after page, which must lie
 * in the same segment (e.g. page i of a contiguous run). Lock-free.
 */
struct vm_page *vm_page_nth(const struct vm_page *page, unsigned long i);

/*
 * Return the descriptor of the page containing physical address pa, or
 * NULL when pa lies in no segment. Reserved pages have descriptors too.
 * Lock-free; the result is stable.
 */
struct vm_page *vm_page_lookup(phys_addr_t pa);

/*
 * Order of the free block whose first page is page, or VM_PAGE_ORDER_NONE
 * when page heads no free block (pooled pages head none). Takes no lock:
 * the answer is only stable while nothing allocates or frees in the
 * page's segment, which is what tests and diagnostics need.
 */
unsigned int vm_page_free_order(const struct vm_page *page);

/* Physical address of a page. */
static inline phys_addr_t
vm_page_to_pa(const struct vm_page *page)
{
    return page->phys_addr;
}

/*
 * Direct-mapped kernel virtual address of a page, or NULL when the page
 * lies beyond the direct map (HIGHMEM, DMA32).
 */
void *vm_page_direct_va(const struct vm_page *page);

/*
 * Return the pages of the current CPU's pools to the free blocks, e.g.
 * before a contiguous allocation or when memory runs low. Returns the
 * number of pages moved. Other CPUs' pools are not touched.
 */
unsigned long vm_page_pool_drain(void);

/*
 * Ask every CPU to drain its pools at its next clock tick. Any context;
 * called by the allocator itself when an allocation fails or a segment
 * runs low.
 */
void vm_page_pool_drain_all(void);

/*
 * Serve a drain request of vm_page_pool_drain_all() on this CPU, if one
 * came since the last tick. Called by each CPU's clock interrupt.
 */
void vm_page_tick(void);

/*
 * Copy the counters of segment seg into *stats (a consistent snapshot of
 * the free blocks; the pool counts of other CPUs may be slightly stale).
 * Returns 0, or ERROR_NOENT when seg is not below VM_PAGE_NR_SEGS.
 */
int vm_page_seg_stats_get(unsigned int seg, struct vm_page_seg_stats *stats);

/*
 * Install the memory-pressure hook: fn() runs when an allocation leaves
 * the segment it first tried below its low threshold, once until an
 * allocation finds its segment back above the high threshold. It runs in the
 * allocating context with interrupts as the caller had them and no
 * vm_page lock held; it may free pages but must not sleep. The kernel
 * installs kmem_gc().
 */
void vm_page_low_hook_set(void (*fn)(void));

/*
 * Boot report: one line per loaded segment ("vm_page: segment NAME
 * 0xSTART-0xEND: N pages, N free, pool N") and a warning when memory was
 * left out. print gets each line without a newline.
 */
void vm_page_report(vm_page_print_fn print);

/*
 * The shell's vm_page_info: free blocks per segment and order (like
 * /proc/buddyinfo), thresholds, and how full each per-CPU pool is.
 */
void vm_page_info(vm_page_print_fn print);

/*
 * Check every invariant of every segment: descriptors, bitmaps and
 * counters agree, free blocks are fully coalesced, reserved pages are
 * never free, pools hold what their counters say. O(pages); for tests.
 * Other CPUs must not allocate meanwhile. Returns 0, or ERROR_INVAL
 * (the state is invalid) after printing the first violation found.
 */
int vm_page_check(void);

#ifdef MACH_HOST
/*
 * Host builds: forget everything, so that a test can load new segments.
 * The descriptor arrays belong to the test's bootalloc.
 */
void vm_page_host_reset(void);

/*
 * Host builds: supplied by the test. Return a pointer through which the
 * size bytes at physical address pa can be accessed, or NULL when they
 * are not "direct-mapped". Used for the descriptor arrays (which come
 * from the test's bootalloc) and by vm_page_direct_va().
 */
void *vm_page_host_ptov(phys_addr_t pa, size_t size);
#endif

#endif /* VM_VM_PAGE_H */
