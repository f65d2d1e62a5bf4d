/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host unit test of vm/vm_page.c over synthetic physical memory.
 *
 * Segments are loaded as the boot code would; descriptors come from a
 * host arena that plays the boot allocator, and the synthetic direct map
 * ([0, 896 MiB)) is a lazily backed host mapping, so allocated pages can
 * be written. A reference model records the owner of every page; random
 * sequences of mixed-order, contiguous and partial frees, on several
 * simulated CPUs, are checked against it: no overlap, exact accounting,
 * fallback order, aligned and range-constrained allocation that fails
 * only when no run exists, and, once all is freed, free lists equal to
 * the initial (canonical) ones. A multi-threaded run (one thread per CPU)
 * ends with the same accounting. Built with and without CONFIG_PAE.
 */
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <kern/macros.h>
#include <machine/param.h>
#include <vm/vm_page.h>

#include "host_util.h"
#include "tap.h"

#define KiB                     UINT64_C(0x400)
#define MiB                     UINT64_C(0x100000)
#define GiB                     UINT64_C(0x40000000)

#ifdef CONFIG_PAE
#define PAE                     1
#else
#define PAE                     0
#endif

#define NR_TEST_CPUS            4

__thread unsigned int percpu_host_cpu;

/* ---------------------------------------------------------------- panic */

static jmp_buf panic_jmp;
static bool panic_expected;
static char panic_msg[256];

void
panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(panic_msg, sizeof(panic_msg), fmt, ap);
    va_end(ap);
    if (panic_expected) {
        panic_expected = false;
        longjmp(panic_jmp, 1);
    }
    fprintf(stderr, "panic: %s\n", panic_msg);
    abort();
}

/* ---------------------------------------------------------------- memory */

/* The boot allocator's arena, at a synthetic address outside every segment. */
#define ARENA_PA                (UINT64_C(1) << 60)
#define ARENA_SIZE              (VM_PAGE_DESC_BUDGET + 16 * MiB)

static char *arena;
static size_t arena_used;
static bool bootalloc_fails;
static unsigned int bootalloc_max;  /* longest run handed out; 0: any */
static unsigned int bootalloc_calls;
static char *direct;            /* backs the synthetic direct map */

static phys_addr_t
test_bootalloc(unsigned int npages)
{
    size_t size = (size_t)npages * PAGE_SIZE;

    bootalloc_calls++;
    if (bootalloc_fails || (bootalloc_max != 0 && npages > bootalloc_max)
        || size + PAGE_SIZE > ARENA_SIZE - arena_used) {
        return 0;
    }
    /* Fragmented memory: a page of hole after each run. */
    arena_used += size + (bootalloc_max != 0 ? PAGE_SIZE : 0);
    return ARENA_PA + arena_used - size - (bootalloc_max != 0 ? PAGE_SIZE : 0);
}

/* Hands out memory that is not direct-mapped. */
static phys_addr_t
test_bootalloc_high(unsigned int npages)
{
    (void)npages;
    return 2 * GiB;
}

void *
vm_page_host_ptov(phys_addr_t pa, size_t size)
{
    if (pa >= ARENA_PA && pa - ARENA_PA <= ARENA_SIZE && size <= ARENA_SIZE - (pa - ARENA_PA)) {
        return arena + (pa - ARENA_PA);
    }
    if (phys_in_directmap(pa, size)) {
        return direct + pa;
    }
    return NULL;
}

static void
memory_init(void)
{
    arena = mmap(NULL, ARENA_SIZE, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    direct = mmap(NULL, DIRECTMAP_SIZE, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (arena == MAP_FAILED || direct == MAP_FAILED) {
        perror("mmap");
        exit(2);
    }
}

/* ---------------------------------------------------------------- layouts */

struct range {
    phys_addr_t start;
    phys_addr_t end;
};

struct layout {
    struct range segs[VM_PAGE_NR_SEGS];     /* end 0: not loaded */
    struct range free[16];                  /* free ranges, end 0 ends */
};

/*
 * A small PC: DMA with the ISA hole (no pool there), DIRECTMAP and
 * HIGHMEM (and DMA32) with holes; free ranges adjacent across calls.
 */
static const struct layout layout_small = {
    .segs = {
        [VM_PAGE_SEG_DMA] = { 64 * KiB, 16 * MiB },
        [VM_PAGE_SEG_DIRECTMAP] = { 16 * MiB, 80 * MiB - 128 * KiB },
#ifdef CONFIG_PAE
        [VM_PAGE_SEG_DMA32] = { 896 * MiB, 928 * MiB },
        [VM_PAGE_SEG_HIGHMEM] = { 4 * GiB, 4 * GiB + 40 * MiB },
#else
        [VM_PAGE_SEG_HIGHMEM] = { 896 * MiB, 936 * MiB },
#endif
    },
    .free = {
        { 64 * KiB, 640 * KiB },
        { 1 * MiB + 512 * KiB, 16 * MiB },
        { 16 * MiB, 20 * MiB + 12 * KiB },
        { 20 * MiB + 12 * KiB, 33 * MiB },          /* adjacent: merges */
        { 34 * MiB, 79 * MiB },
        { 79 * MiB + 8 * KiB, 80 * MiB - 128 * KiB },
#ifdef CONFIG_PAE
        { 896 * MiB, 900 * MiB - 4 * KiB },
        { 900 * MiB, 928 * MiB },
        { 4 * GiB, 4 * GiB + 40 * MiB },
#else
        { 896 * MiB, 900 * MiB - 4 * KiB },
        { 900 * MiB, 936 * MiB },
#endif
    },
};

/* Only DIRECTMAP: every selector falls back to it. */
static const struct layout layout_directmap = {
    .segs = { [VM_PAGE_SEG_DIRECTMAP] = { 16 * MiB, 64 * MiB } },
    .free = { { 17 * MiB, 64 * MiB } },
};

/* Only whole 4 MiB blocks, in DIRECTMAP, too few pages for a pool. */
static const struct layout layout_blocks = {
    .segs = { [VM_PAGE_SEG_DIRECTMAP] = { 16 * MiB, 32 * MiB } },
    .free = { { 16 * MiB, 32 * MiB } },
};

/* ---------------------------------------------------------------- model */

#define OWNER_FREE              0
#define OWNER_RESERVED          UINT32_MAX

struct model_seg {
    phys_addr_t start;
    phys_addr_t end;
    uint32_t *owner;            /* per page of [start, end) */
};

static struct model_seg model[VM_PAGE_NR_SEGS];
static const struct layout *cur_layout;

static uint32_t *
model_slot(phys_addr_t pa)
{
    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        if (pa >= model[i].start && pa < model[i].end) {
            return &model[i].owner[(pa - model[i].start) >> PAGE_SHIFT];
        }
    }
    return NULL;
}

static unsigned long
model_free(unsigned int seg)
{
    unsigned long n = 0;

    for (phys_addr_t pa = model[seg].start; pa < model[seg].end; pa += PAGE_SIZE) {
        n += (model[seg].owner[(pa - model[seg].start) >> PAGE_SHIFT] == OWNER_FREE);
    }
    return n;
}

/* Load, set up and hand over a layout; model every page. */
static void
boot(const struct layout *layout)
{
    vm_page_host_reset();
    arena_used = 0;
    cur_layout = layout;
    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        free(model[i].owner);
        model[i] = (struct model_seg){ 0 };
        if (layout->segs[i].end == 0) {
            continue;
        }
        if (vm_page_load(i, layout->segs[i].start, layout->segs[i].end) != 0) {
            tap_diag("vm_page_load(%u) failed", i);
        }
        model[i].start = layout->segs[i].start;
        model[i].end = layout->segs[i].end;
        model[i].owner = malloc(((model[i].end - model[i].start) >> PAGE_SHIFT)
                                * sizeof(uint32_t));
        for (phys_addr_t pa = model[i].start; pa < model[i].end; pa += PAGE_SIZE) {
            *model_slot(pa) = OWNER_RESERVED;
        }
    }
    vm_page_setup(test_bootalloc);
    for (unsigned int r = 0; layout->free[r].end != 0; r++) {
        if (vm_page_manage_range(layout->free[r].start, layout->free[r].end) != 0) {
            tap_diag("vm_page_manage_range(%u) failed", r);
        }
        for (phys_addr_t pa = layout->free[r].start; pa < layout->free[r].end; pa += PAGE_SIZE) {
            *model_slot(pa) = OWNER_FREE;
        }
    }
    vm_page_ready();
}

/* ---------------------------------------------------------------- snapshots */

struct block {
    phys_addr_t pa;
    unsigned int order;
};

struct snapshot {
    struct block *blocks;
    size_t nr;
    unsigned long nr_free[VM_PAGE_NR_SEGS];
};

static void
snapshot_free(struct snapshot *snap)
{
    free(snap->blocks);
    snap->blocks = NULL;
    snap->nr = 0;
}

/* The free blocks, read from the descriptors in address order. */
static void
snapshot_take(struct snapshot *snap)
{
    struct vm_page_seg_stats stats;
    size_t cap = 1024;

    snap->blocks = malloc(cap * sizeof(*snap->blocks));
    snap->nr = 0;
    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        vm_page_seg_stats_get(i, &stats);
        snap->nr_free[i] = stats.nr_free;
        if (stats.nr_pages == 0) {
            continue;
        }
        struct vm_page *first = vm_page_lookup(stats.start);

        for (unsigned long j = 0; j < stats.nr_pages; j++) {
            unsigned int order = vm_page_free_order(vm_page_nth(first, j));

            if (order == VM_PAGE_ORDER_NONE) {
                continue;
            }
            if (snap->nr == cap) {
                cap *= 2;
                snap->blocks = realloc(snap->blocks, cap * sizeof(*snap->blocks));
            }
            snap->blocks[snap->nr++] = (struct block){ vm_page_nth(first, j)->phys_addr, order };
        }
    }
}

static bool
snapshot_equal(const struct snapshot *a, const struct snapshot *b)
{
    if (a->nr != b->nr) {
        tap_diag("%zu free blocks, expected %zu", a->nr, b->nr);
        return false;
    }
    for (size_t i = 0; i < a->nr; i++) {
        if (a->blocks[i].pa != b->blocks[i].pa || a->blocks[i].order != b->blocks[i].order) {
            tap_diag("free block %zu: 0x%" PRIx64 "/%u, expected 0x%" PRIx64 "/%u", i,
                     a->blocks[i].pa, a->blocks[i].order, b->blocks[i].pa,
                     b->blocks[i].order);
            return false;
        }
    }
    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        if (a->nr_free[i] != b->nr_free[i]) {
            tap_diag("segment %u: %lu free, expected %lu", i, a->nr_free[i], b->nr_free[i]);
            return false;
        }
    }
    return true;
}

/*
 * The canonical free blocks of the model: every maximal aligned block
 * whose pages are all free, found by halving 4 MiB blocks.
 */
static void
canonical_blocks(phys_addr_t pa, unsigned int order, struct snapshot *snap, size_t *cap)
{
    phys_addr_t size = (phys_addr_t)PAGE_SIZE << order;
    bool all = true, any = false;
    uint32_t *slot;

    for (phys_addr_t p = pa; p < pa + size; p += PAGE_SIZE) {
        slot = model_slot(p);
        if (slot != NULL && *slot == OWNER_FREE) {
            any = true;
        } else {
            all = false;
        }
    }
    if (all) {
        if (snap->nr == *cap) {
            *cap *= 2;
            snap->blocks = realloc(snap->blocks, *cap * sizeof(*snap->blocks));
        }
        snap->blocks[snap->nr++] = (struct block){ pa, order };
    } else if (any) {
        canonical_blocks(pa, order - 1, snap, cap);
        canonical_blocks(pa + size / 2, order - 1, snap, cap);
    }
}

static void
snapshot_canonical(struct snapshot *snap)
{
    phys_addr_t block = (phys_addr_t)PAGE_SIZE << VM_PAGE_ORDER_MAX;
    size_t cap = 1024;

    snap->blocks = malloc(cap * sizeof(*snap->blocks));
    snap->nr = 0;
    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        snap->nr_free[i] = (model[i].owner != NULL) ? model_free(i) : 0;
        if (model[i].owner == NULL) {
            continue;
        }
        for (phys_addr_t pa = P2TRUNC(model[i].start, block); pa < model[i].end; pa += block) {
            canonical_blocks(pa, VM_PAGE_ORDER_MAX, snap, &cap);
        }
    }
}

/* ---------------------------------------------------------------- helpers */

static uint64_t rng_state;

static uint64_t
rng(void)
{
    return host_xorshift64(&rng_state);
}

static unsigned int
rng_below(unsigned int n)
{
    return rng() % n;
}

static unsigned int
sel_first(unsigned int selector)
{
    struct vm_page_seg_stats stats;

    for (unsigned int i = selector + 1; i-- > 0;) {
        vm_page_seg_stats_get(i, &stats);
        if (stats.nr_pages != 0) {
            return i;
        }
    }
    return 0;
}

/* Whether seg has a free block of order or more in its free lists. */
static bool
seg_has_block(const struct vm_page_seg_stats *stats, unsigned int order)
{
    for (unsigned int o = order; o < VM_PAGE_NR_ORDERS; o++) {
        if (stats->nr_blocks[o] != 0) {
            return true;
        }
    }
    return false;
}

static unsigned long
total_free(void)
{
    struct vm_page_seg_stats stats;
    unsigned long n = 0;

    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        vm_page_seg_stats_get(i, &stats);
        n += stats.nr_free;
    }
    return n;
}

static void
drain_all_cpus(void)
{
    unsigned int cpu = percpu_host_cpu;

    for (unsigned int i = 0; i < NR_TEST_CPUS; i++) {
        percpu_host_set_cpu(i);
        vm_page_pool_drain();
    }
    percpu_host_set_cpu(cpu);
}

static bool
model_matches_counters(void)
{
    struct vm_page_seg_stats stats;

    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        vm_page_seg_stats_get(i, &stats);
        if (model[i].owner != NULL && stats.nr_free != model_free(i)) {
            tap_diag("segment %s: %lu free, model says %lu", stats.name,
                     stats.nr_free, model_free(i));
            return false;
        }
    }
    return true;
}

/* Lines captured from a report. */
static char report_lines[64][200];
static unsigned int report_nr;

static void
report_capture(const char *line)
{
    if (report_nr < ARRAY_SIZE(report_lines)) {
        snprintf(report_lines[report_nr++], sizeof(report_lines[0]), "%s", line);
    }
}

static bool
report_has(const char *text)
{
    for (unsigned int i = 0; i < report_nr; i++) {
        if (strstr(report_lines[i], text) != NULL) {
            return true;
        }
    }
    return false;
}

/* ---------------------------------------------------------------- tests */

static void
test_descriptor(void)
{
    tap_check(sizeof(void *) != 4 || sizeof(struct vm_page) <= 32,
              "descriptor at most 32 bytes on 32-bit hosts (%zu here)",
              sizeof(struct vm_page));
    tap_check(VM_PAGE_NR_ORDERS == 11 && (PAGE_SIZE << VM_PAGE_ORDER_MAX) == 4 * MiB,
              "orders 0..10, 4 MiB blocks");
}

static void
test_boot_state(void)
{
    struct snapshot snap, canon;
    struct vm_page_seg_stats stats;
    struct vm_page *page;
    char expect[128];
    bool ok = true;

    boot(&layout_small);
    TAP_CHECK(vm_page_check() == 0);

    snapshot_take(&snap);
    snapshot_canonical(&canon);
    tap_check(snapshot_equal(&snap, &canon),
              "initial free lists are the canonical buddy blocks of the free ranges");
    snapshot_free(&snap);
    snapshot_free(&canon);
    TAP_CHECK(model_matches_counters());

    /* Holes and reserved pages: descriptors exist, never free. */
    page = vm_page_lookup(700 * KiB);
    TAP_CHECK(page != NULL && page->type == VM_PAGE_RESERVED
              && page->phys_addr == 700 * KiB - 700 * KiB % PAGE_SIZE);
    page = vm_page_lookup(33 * MiB + 5);
    TAP_CHECK(page != NULL && page->type == VM_PAGE_RESERVED
              && vm_page_to_pa(page) == 33 * MiB && page->seg_index == VM_PAGE_SEG_DIRECTMAP);
    page = vm_page_lookup(34 * MiB + 4095);
    TAP_CHECK(page != NULL && page->type == VM_PAGE_FREE && vm_page_to_pa(page) == 34 * MiB);
    TAP_CHECK(vm_page_lookup(0) == NULL);
    TAP_CHECK(vm_page_lookup(60 * KiB) == NULL);
    TAP_CHECK(vm_page_lookup(80 * MiB) == NULL);
    TAP_CHECK(vm_page_lookup(2 * GiB + 4 * GiB * PAE) == NULL);
    TAP_CHECK(vm_page_lookup(layout_small.segs[VM_PAGE_SEG_HIGHMEM].end - 1) != NULL);
    page = vm_page_lookup(20 * MiB);
    TAP_CHECK(page + 1 == vm_page_lookup(20 * MiB + PAGE_SIZE));

    /* Direct map reach. */
    TAP_CHECK(vm_page_direct_va(vm_page_lookup(34 * MiB)) == direct + 34 * MiB);
    TAP_CHECK(vm_page_direct_va(vm_page_lookup(layout_small.segs[VM_PAGE_SEG_HIGHMEM].start))
              == NULL);

    /* Counters, pools and thresholds. */
    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        vm_page_seg_stats_get(i, &stats);
        unsigned long span = (layout_small.segs[i].end - layout_small.segs[i].start) >> PAGE_SHIFT;
        unsigned long expect_pool = span < 8192 ? 0 : MIN(span / 32, 1024) & ~1UL;

        ok &= stats.nr_pages == span && stats.nr_managed == model_free(i)
              && stats.nr_free == stats.nr_managed && stats.nr_pooled == 0
              && stats.pool_size == expect_pool
              && stats.min < stats.low && stats.low < stats.high
              && stats.high <= stats.nr_managed / 32;
        if (!ok) {
            tap_diag("segment %s: pages %lu managed %lu free %lu pool %u min %lu low %lu high %lu",
                     stats.name, stats.nr_pages, stats.nr_managed, stats.nr_free,
                     stats.pool_size, stats.min, stats.low, stats.high);
            break;
        }
    }
    tap_check(ok, "segment counters, pool sizes and thresholds");
    vm_page_seg_stats_get(VM_PAGE_SEG_DMA, &stats);
    TAP_CHECK(stats.pool_size == 0);
    vm_page_seg_stats_get(VM_PAGE_SEG_DIRECTMAP, &stats);
    TAP_CHECK(stats.pool_size == 510);
    TAP_CHECK(vm_page_seg_stats_get(VM_PAGE_NR_SEGS, &stats) == ERROR_NOENT);

    /* Boot report and shell output. */
    report_nr = 0;
    vm_page_report(report_capture);
    TAP_CHECK(report_nr == VM_PAGE_NR_SEGS + 2);
    {
        unsigned long descs = 0;
        unsigned int segs = 0;

        for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
            if (model[i].end != 0) {
                descs += (P2ROUND(model[i].end, 4 * MiB) - P2TRUNC(model[i].start, 4 * MiB))
                         >> PAGE_SHIFT;
                segs++;
            }
        }
        snprintf(expect, sizeof(expect), "vm_page: descriptors %lu KiB for %lu pages, "
                 "in %u pieces", descs * sizeof(struct vm_page) >> 10, descs, segs);
        tap_check(report_has(expect), "report: %s", expect);
    }
    snprintf(expect, sizeof(expect), "vm_page: segment DIRECTMAP 0x1000000-0x4fe0000: "
             "%lu pages, %lu free, pool 510", model_free(VM_PAGE_SEG_DIRECTMAP),
             model_free(VM_PAGE_SEG_DIRECTMAP));
    tap_check(report_has(expect), "report line of DIRECTMAP (%s)",
              report_nr > 1 ? report_lines[1] : "");
    TAP_CHECK(report_has("vm_page: total ") && !report_has("warning"));
    report_nr = 0;
    vm_page_info(report_capture);
    TAP_CHECK(report_nr == 2 + 2 * VM_PAGE_NR_SEGS + 1 + CONFIG_NCPUS);
    tap_check(report_has("DMA               3856  0 0 0 0 1 2 1 1 0 1 3"),
              "vm_page_info buddyinfo line of DMA (%s)", report_nr > 1 ? report_lines[1] : "");
}

static void
test_boot_errors(void)
{
    struct vm_page *page;
    char expect[128];

    vm_page_host_reset();
    TAP_CHECK(vm_page_manage_range(16 * MiB, 17 * MiB) == ERROR_INVAL);     /* before setup */
    TAP_CHECK(vm_page_load(VM_PAGE_NR_SEGS, 0, 4 * MiB) == ERROR_INVAL);
    TAP_CHECK(vm_page_load(VM_PAGE_SEG_DMA, 64 * KiB, 64 * KiB) == ERROR_INVAL);
    TAP_CHECK(vm_page_load(VM_PAGE_SEG_DMA, 64 * KiB + 1, 1 * MiB) == ERROR_INVAL);
    TAP_CHECK(vm_page_load(VM_PAGE_SEG_DMA, 64 * KiB, 17 * MiB) == 0);
    TAP_CHECK(vm_page_load(VM_PAGE_SEG_DMA, 64 * KiB, 16 * MiB) == ERROR_EXIST);   /* twice */
    /* Shares the 4 MiB block [16 MiB, 20 MiB) with DMA. */
    TAP_CHECK(vm_page_load(VM_PAGE_SEG_DIRECTMAP, 19 * MiB, 64 * MiB) == ERROR_EXIST);
    TAP_CHECK(vm_page_load(VM_PAGE_SEG_DIRECTMAP, 20 * MiB, 64 * MiB) == 0);
    TAP_CHECK(vm_page_alloc(0, VM_PAGE_SEL_DMA, VM_PAGE_KERNEL) == NULL); /* not ready */
    arena_used = 0;
    vm_page_setup(test_bootalloc);
    TAP_CHECK(vm_page_load(VM_PAGE_SEG_HIGHMEM, 1 * GiB, 2 * GiB) == ERROR_INVAL); /* after setup */
    TAP_CHECK(vm_page_manage_range(1 * MiB, 2 * MiB + 1) == ERROR_INVAL);
    TAP_CHECK(vm_page_manage_range(2 * MiB, 2 * MiB) == ERROR_INVAL);
    TAP_CHECK(vm_page_manage_range(16 * MiB, 21 * MiB) == ERROR_INVAL);     /* spans two segments */
    TAP_CHECK(vm_page_manage_range(64 * MiB, 65 * MiB) == ERROR_INVAL);     /* in no segment */
    TAP_CHECK(vm_page_manage_range(1 * MiB, 2 * MiB) == 0);
    TAP_CHECK(vm_page_manage_range(2 * MiB - PAGE_SIZE, 3 * MiB) == ERROR_EXIST); /* overlaps */
    TAP_CHECK(vm_page_manage_range(2 * MiB, 3 * MiB) == 0);
    vm_page_ready();
    TAP_CHECK(vm_page_check() == 0);
    TAP_CHECK(vm_page_alloc(11, VM_PAGE_SEL_HIGHMEM, VM_PAGE_KERNEL) == NULL);
    TAP_CHECK(vm_page_alloc(0, VM_PAGE_NR_SEGS, VM_PAGE_KERNEL) == NULL);
    /* [1 MiB, 3 MiB) holds no aligned 2 MiB block. */
    TAP_CHECK(vm_page_alloc(9, VM_PAGE_SEL_HIGHMEM, VM_PAGE_KERNEL) == NULL);
    /* Managed after vm_page_ready() (released boot data): merges. */
    TAP_CHECK(vm_page_manage_range(3 * MiB, 4 * MiB) == 0);
    page = vm_page_alloc(9, VM_PAGE_SEL_HIGHMEM, VM_PAGE_KERNEL);
    TAP_CHECK(page != NULL && vm_page_to_pa(page) == 2 * MiB);
    TAP_CHECK(vm_page_alloc(9, VM_PAGE_SEL_HIGHMEM, VM_PAGE_KERNEL) == NULL);
    TAP_CHECK(vm_page_check() == 0);

    /* The boot allocator fails, or gives memory outside the direct map. */
    vm_page_host_reset();
    vm_page_load(VM_PAGE_SEG_DIRECTMAP, 16 * MiB, 64 * MiB);
    bootalloc_fails = true;
    panic_expected = true;
    if (setjmp(panic_jmp) == 0) {
        vm_page_setup(test_bootalloc);
        panic_expected = false;
    }
    bootalloc_fails = false;
    /* The whole segment fails quietly, then the first piece panics. */
    snprintf(expect, sizeof(expect), "cannot allocate 1 boot pages for the block table "
             "of segment DIRECTMAP");
    tap_check(strstr(panic_msg, expect) != NULL, "panic on boot allocation failure (%s)",
              panic_msg);
    vm_page_host_reset();
    vm_page_load(VM_PAGE_SEG_DIRECTMAP, 16 * MiB, 64 * MiB);
    panic_msg[0] = '\0';
    panic_expected = true;
    if (setjmp(panic_jmp) == 0) {
        vm_page_setup(test_bootalloc_high);
        panic_expected = false;
    }
    tap_check(strstr(panic_msg, "not in the direct map") != NULL,
              "panic on descriptors outside the direct map (%s)", panic_msg);
}

/* Descriptors limited to VM_PAGE_DESC_BUDGET: the top is left out. */
static void
test_budget(void)
{
    unsigned long budget = VM_PAGE_DESC_BUDGET / sizeof(struct vm_page);
    unsigned long used = 4096 + 225280;     /* DMA and DIRECTMAP descriptors */
    phys_addr_t high_start = PAE ? 4 * GiB : 896 * MiB;
    phys_addr_t top = PAE ? 8 * GiB : 4 * GiB;
    struct vm_page_seg_stats stats;
    struct vm_page *page;
    unsigned long n = 0;
    phys_addr_t cut;
    char expect[128];

    vm_page_host_reset();
    arena_used = 0;
    TAP_CHECK(vm_page_load(VM_PAGE_SEG_HIGHMEM, high_start, top) == 0);
    TAP_CHECK(vm_page_load(VM_PAGE_SEG_DIRECTMAP, 16 * MiB, 896 * MiB) == 0);
    TAP_CHECK(vm_page_load(VM_PAGE_SEG_DMA, 64 * KiB, 16 * MiB) == 0);
#ifdef CONFIG_PAE
    TAP_CHECK(vm_page_load(VM_PAGE_SEG_DMA32, 1 * GiB, 2 * GiB) == 0);
    used += 262144;
#endif
    cut = high_start + ((phys_addr_t)P2TRUNC(budget - used, 1024) << PAGE_SHIFT);
    vm_page_setup(test_bootalloc);
    TAP_CHECK(vm_page_manage_range(1 * MiB, 16 * MiB) == 0);
    TAP_CHECK(vm_page_manage_range(16 * MiB, 896 * MiB) == 0);
#ifdef CONFIG_PAE
    TAP_CHECK(vm_page_manage_range(1 * GiB, 2 * GiB) == 0);
#endif
    TAP_CHECK(vm_page_manage_range(high_start, top) == 0);
    vm_page_ready();
    vm_page_seg_stats_get(VM_PAGE_SEG_HIGHMEM, &stats);
    tap_check(stats.end == cut, "HIGHMEM cut at 0x%" PRIx64 " (expected 0x%" PRIx64 ")",
              stats.end, cut);
    TAP_CHECK(stats.nr_managed == (cut - high_start) >> PAGE_SHIFT);
    TAP_CHECK(vm_page_lookup(cut - PAGE_SIZE) != NULL && vm_page_lookup(cut) == NULL);
    report_nr = 0;
    vm_page_report(report_capture);
    snprintf(expect, sizeof(expect), "vm_page: warning: memory from 0x%" PRIx64
             " left out (%lu free pages", cut, (unsigned long)((top - cut) >> PAGE_SHIFT));
    tap_check(report_has(expect), "left-out warning (%s)", report_lines[report_nr - 1]);
    /* Nothing above the cut is ever allocated. */
    while ((page = vm_page_alloc(VM_PAGE_ORDER_MAX, VM_PAGE_SEL_HIGHMEM, VM_PAGE_OBJECT)) != NULL) {
        if (vm_page_to_pa(page) + 4 * MiB > cut) {
            break;
        }
        n++;
    }
    tap_check(page == NULL && n == 3 + 220 + (PAE ? 256 : 0) + P2TRUNC(budget - used, 1024) / 1024,
              "every 4 MiB block below the cut allocated, none above (%lu)", n);
    TAP_CHECK(vm_page_check() == 0);
}

/* Allocate order-0 pages until NULL: fallback order and exhaustion. */
static void
test_fallback(void)
{
    static const unsigned int selectors[] = {
        VM_PAGE_SEL_HIGHMEM, VM_PAGE_SEL_DMA32, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_SEL_DMA,
    };
    struct snapshot before, after;
    struct vm_page *pages = NULL, *page;
    unsigned long counts[VM_PAGE_NR_SEGS];
    unsigned int seg;
    bool order_ok;

    boot(&layout_small);
    snapshot_take(&before);
    for (unsigned int s = 0; s < ARRAY_SIZE(selectors); s++) {
        for (unsigned int order = 0; order <= 4; order += 4) {
            memset(counts, 0, sizeof(counts));
            order_ok = true;
            seg = sel_first(selectors[s]);
            pages = NULL;
            while ((page = vm_page_alloc(order, selectors[s], VM_PAGE_KERNEL)) != NULL) {
                order_ok &= page->seg_index <= seg;
                seg = page->seg_index;
                counts[seg] += 1UL << order;
                page->node.next = (struct list *)pages;
                pages = page;
            }
            for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
                unsigned long expect = (i <= selectors[s]) ? model_free(i) : 0;

                if (order != 0 && i <= selectors[s]) {
                    /* Only the free blocks of 16 pages or more. */
                    expect = 0;
                    for (size_t b = 0; b < before.nr; b++) {
                        if (vm_page_lookup(before.blocks[b].pa)->seg_index == i
                            && before.blocks[b].order >= order) {
                            expect += 1UL << before.blocks[b].order;
                        }
                    }
                }
                order_ok &= counts[i] == expect;
            }
            tap_check(order_ok, "selector %u order %u: segments in fallback order, all "
                      "their free pages taken (%lu %lu %lu)", selectors[s], order,
                      counts[0], counts[1], counts[2]);
            while (pages != NULL) {
                page = pages;
                pages = (struct vm_page *)page->node.next;
                vm_page_free(page, order);
            }
            vm_page_pool_drain();
            snapshot_take(&after);
            tap_check(snapshot_equal(&after, &before) && vm_page_check() == 0,
                      "selector %u order %u: everything back after freeing", selectors[s],
                      order);
            snapshot_free(&after);
        }
    }
    snapshot_free(&before);

    /* With only DIRECTMAP, every selector but DMA falls back to it. */
    boot(&layout_directmap);
    page = vm_page_alloc(0, VM_PAGE_SEL_HIGHMEM, VM_PAGE_KERNEL);
    TAP_CHECK(page != NULL && page->seg_index == VM_PAGE_SEG_DIRECTMAP);
    vm_page_free(page, 0);
    page = vm_page_alloc(3, VM_PAGE_SEL_DMA32, VM_PAGE_KERNEL);
    TAP_CHECK(page != NULL && page->seg_index == VM_PAGE_SEG_DIRECTMAP);
    vm_page_free(page, 3);
    TAP_CHECK(vm_page_alloc(0, VM_PAGE_SEL_DMA, VM_PAGE_KERNEL) == NULL);
}

/*
 * Whether segment seg has, for each order, one free block of each order
 * in [low, high) and nr_max blocks of the maximum order, and nothing
 * else.
 */
static bool
blocks_are(unsigned int seg, unsigned int low, unsigned int high, unsigned long nr_max)
{
    struct vm_page_seg_stats stats;
    unsigned long free = nr_max << VM_PAGE_ORDER_MAX;
    bool ok = true;

    vm_page_seg_stats_get(seg, &stats);
    for (unsigned int order = 0; order < VM_PAGE_ORDER_MAX; order++) {
        ok &= stats.nr_blocks[order] == (order >= low && order < high);
        free += (order >= low && order < high) ? 1UL << order : 0;
    }
    return ok && stats.nr_blocks[VM_PAGE_ORDER_MAX] == nr_max && stats.nr_free == free
           && vm_page_check() == 0;
}

/*
 * From maximum-order blocks only: each allocation splits one, leaving a
 * block of each order below; freeing merges them back, but never two
 * maximum-order blocks. When none is left, every order fails.
 */
static void
test_split_merge(void)
{
    struct vm_page *pages[4], *page;
    bool ok = true;

    boot(&layout_blocks);
    TAP_CHECK(blocks_are(VM_PAGE_SEG_DIRECTMAP, 0, 0, 4));
    for (unsigned int order = 0; order <= VM_PAGE_ORDER_MAX; order++) {
        page = vm_page_alloc(order, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KERNEL);
        ok &= page != NULL && P2ALIGNED(page->phys_addr, PAGE_SIZE << VM_PAGE_ORDER_MAX)
              && vm_page_free_order(page) == VM_PAGE_ORDER_NONE && page->type == VM_PAGE_KERNEL
              && blocks_are(VM_PAGE_SEG_DIRECTMAP, order, VM_PAGE_ORDER_MAX, 3);
        vm_page_free(page, order);
        ok &= blocks_are(VM_PAGE_SEG_DIRECTMAP, 0, 0, 4);
    }
    tap_check(ok, "split of a 4 MiB block leaves one block per order below, "
              "free merges it back, for orders 0 to %u", VM_PAGE_ORDER_MAX);

    for (unsigned int i = 0; i < 4; i++) {
        pages[i] = vm_page_alloc(VM_PAGE_ORDER_MAX, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KERNEL);
    }
    ok = blocks_are(VM_PAGE_SEG_DIRECTMAP, 0, 0, 0);
    for (unsigned int order = 0; order <= VM_PAGE_ORDER_MAX; order++) {
        ok &= vm_page_alloc(order, VM_PAGE_SEL_DMA32, VM_PAGE_KERNEL) == NULL;
    }
    tap_check(ok && pages[3] != NULL, "no block left: every order fails");
    ok = true;
    for (unsigned int i = 0; i < 4; i++) {
        vm_page_free(pages[i], VM_PAGE_ORDER_MAX);
        ok &= blocks_are(VM_PAGE_SEG_DIRECTMAP, 0, 0, i + 1);
    }
    tap_check(ok, "adjacent 4 MiB blocks never merge");
}

/*
 * Finding free blocks in the bitmaps: the block last freed into comes
 * first (the hint), then the lowest address of the smallest order, found
 * through the index, whose stale entries (blocks whose free blocks of
 * that order were merged or taken) are dropped on the way.
 */
static void
test_index(void)
{
    static const unsigned int freed[4][2] = { { 3, 5 }, { 1, 7 }, { 0, 3 }, { 2, 9 } };
    static const unsigned int expect[4][2] = { { 2, 9 }, { 0, 3 }, { 1, 7 }, { 3, 5 } };
    struct vm_page *blocks[4], *page;
    bool ok = true;

    boot(&layout_blocks);
    for (unsigned int b = 0; b < 4; b++) {
        TAP_CHECK(vm_page_alloc(VM_PAGE_ORDER_MAX, VM_PAGE_SEL_DIRECTMAP,
                                VM_PAGE_KERNEL) != NULL);
    }
    for (unsigned int b = 0; b < 4; b++) {
        blocks[b] = vm_page_lookup(16 * MiB + b * 4 * MiB);     /* address order */
    }
    for (unsigned int i = 0; i < 4; i++) {
        vm_page_free_contig(blocks[freed[i][0]] + freed[i][1], 1);
    }
    for (unsigned int i = 0; i < 4; i++) {
        page = vm_page_alloc(0, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KERNEL);
        ok &= page == blocks[expect[i][0]] + expect[i][1] && vm_page_check() == 0;
    }
    ok &= vm_page_alloc(0, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KERNEL) == NULL;
    tap_check(ok, "order 0: the last freed block first, then the lowest address");

    /*
     * Block 1 page 7 merges with page 6 into an order-1 block: the index
     * of order 0 still lists blocks 0, 1 and 2, all stale, before block 3,
     * and the hint is stale too.
     */
    vm_page_free_contig(blocks[3] + 5, 1);
    vm_page_free_contig(blocks[1] + 7, 1);
    vm_page_free_contig(blocks[1] + 6, 1);
    TAP_CHECK(vm_page_free_order(blocks[1] + 6) == 1 && vm_page_check() == 0);
    page = vm_page_alloc(0, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KERNEL);
    tap_check(page == blocks[3] + 5 && vm_page_check() == 0,
              "stale index entries are skipped and dropped");
    page = vm_page_alloc(0, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KERNEL);
    tap_check(page == blocks[1] + 6 && vm_page_free_order(blocks[1] + 7) == 0
              && vm_page_check() == 0, "then the order-1 block is split");
}

#define VM_PAGE_BLOCK_PAGES_TEST (1UL << VM_PAGE_ORDER_MAX)

/*
 * Pool refill and drain in batches of half a pool, small refills below
 * the high threshold, drains at other CPUs' ticks when memory runs out;
 * double free.
 */
static void
test_pools(void)
{
    struct vm_page_seg_stats stats;
    static struct vm_page *pages[3 * 1024 + 4];
    unsigned int size, expect, nr;
    bool ok = true;

    boot(&layout_directmap);
    percpu_host_set_cpu(2);
    vm_page_seg_stats_get(VM_PAGE_SEG_DIRECTMAP, &stats);
    size = stats.pool_size;
    nr = 3 * size + 4;
    tap_check(size == 384 && nr <= ARRAY_SIZE(pages),
              "pool of 1 page per 32 of the segment (%u)", size);
    pages[0] = vm_page_alloc(0, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KMEM);
    vm_page_seg_stats_get(VM_PAGE_SEG_DIRECTMAP, &stats);
    TAP_CHECK(pages[0]->type == VM_PAGE_KMEM);
    tap_check(stats.pool_fill[2] == size / 2 - 1 && stats.pool_fill[0] == 0,
              "refill brings half a pool (%u)", stats.pool_fill[2]);
    for (unsigned int i = 1; i < size / 2; i++) {
        pages[i] = vm_page_alloc(0, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KMEM);
    }
    vm_page_seg_stats_get(VM_PAGE_SEG_DIRECTMAP, &stats);
    TAP_CHECK(stats.pool_fill[2] == 0);
    for (unsigned int i = size / 2; i < nr; i++) {
        pages[i] = vm_page_alloc(0, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KMEM);
    }
    /* A full pool drains all but half a pool, then takes the page. */
    vm_page_seg_stats_get(VM_PAGE_SEG_DIRECTMAP, &stats);
    expect = stats.pool_fill[2];
    for (unsigned int i = 0; i < nr && ok; i++) {
        expect = (expect == size) ? size - size / 2 + 1 : expect + 1;
        vm_page_free(pages[i], 0);
        vm_page_seg_stats_get(VM_PAGE_SEG_DIRECTMAP, &stats);
        ok = stats.pool_fill[2] == expect && stats.nr_pooled == expect;
    }
    tap_check(ok, "drain keeps half a pool (%u pages, expected %u)", stats.pool_fill[2], expect);
    TAP_CHECK(vm_page_check() == 0);
    TAP_CHECK(pages[nr - 1]->type == VM_PAGE_POOL);
    TAP_CHECK(vm_page_pool_drain() == expect && vm_page_pool_drain() == 0);
    TAP_CHECK(vm_page_check() == 0);

    /*
     * Order 1 needs pooled pages back in the lists: a failing allocation
     * drains the pool and retries.
     */
    pages[0] = vm_page_alloc(0, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KMEM);
    while ((pages[1] = vm_page_alloc(1, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KMEM)) != NULL) {
        continue;
    }
    vm_page_seg_stats_get(VM_PAGE_SEG_DIRECTMAP, &stats);
    TAP_CHECK(stats.pool_fill[2] == 0 && !seg_has_block(&stats, 1));
    vm_page_free(pages[0], 0);
    vm_page_seg_stats_get(VM_PAGE_SEG_DIRECTMAP, &stats);
    TAP_CHECK(stats.pool_fill[2] == 1 && !seg_has_block(&stats, 1));
    bool buddy_free = vm_page_lookup(vm_page_to_pa(pages[0]) ^ PAGE_SIZE)->type == VM_PAGE_FREE;
    pages[1] = vm_page_alloc(1, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KMEM);
    vm_page_seg_stats_get(VM_PAGE_SEG_DIRECTMAP, &stats);
    tap_check((pages[1] != NULL) == buddy_free && stats.pool_fill[2] == 0,
              "order 1 after exhaustion: pool drained, %s", buddy_free ? "merged" : "no buddy");

    /*
     * Below the high threshold a refill takes 16 pages, not half a pool;
     * another CPU's pooled pages come back at its next tick once an
     * allocation fails.
     */
    boot(&layout_directmap);
    vm_page_seg_stats_get(VM_PAGE_SEG_DIRECTMAP, &stats);
    while (stats.nr_free >= stats.high) {
        unsigned int order = stats.nr_free >= stats.high + 2 * VM_PAGE_BLOCK_PAGES_TEST
                             ? VM_PAGE_ORDER_MAX : 2;

        if (vm_page_alloc(order, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KMEM) == NULL) {
            break;
        }
        vm_page_seg_stats_get(VM_PAGE_SEG_DIRECTMAP, &stats);
    }
    percpu_host_set_cpu(3);
    pages[0] = vm_page_alloc(0, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KMEM);
    vm_page_seg_stats_get(VM_PAGE_SEG_DIRECTMAP, &stats);
    tap_check(pages[0] != NULL && stats.pool_fill[3] == 16 - 1,
              "below the high threshold a refill takes 16 pages (%u pooled)",
              stats.pool_fill[3]);
    percpu_host_set_cpu(2);
    vm_page_tick();
    nr = 0;
    while (vm_page_alloc(0, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KMEM) != NULL) {
        nr++;
    }
    vm_page_seg_stats_get(VM_PAGE_SEG_DIRECTMAP, &stats);
    tap_check(stats.pool_fill[3] == 15 && stats.nr_pooled == 15,
              "exhaustion leaves CPU 3's pool alone (%u pages after %u allocations)",
              stats.pool_fill[3], nr);
    percpu_host_set_cpu(3);
    vm_page_tick();
    vm_page_seg_stats_get(VM_PAGE_SEG_DIRECTMAP, &stats);
    tap_check(stats.pool_fill[3] == 0 && stats.nr_pooled == 0,
              "until CPU 3's next tick drains it (%lu pooled)", stats.nr_pooled);
    percpu_host_set_cpu(2);
    pages[0] = vm_page_alloc(0, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KMEM);
    tap_check(pages[0] != NULL, "then CPU 2 allocates one of them");
    percpu_host_set_cpu(3);
    vm_page_free(pages[0], 0);
    vm_page_tick();
    vm_page_seg_stats_get(VM_PAGE_SEG_DIRECTMAP, &stats);
    tap_check(stats.pool_fill[3] == 1, "a tick without a new request drains nothing (%u)",
              stats.pool_fill[3]);
    TAP_CHECK(vm_page_check() == 0);

    /* Double free and free of a reserved page are caught. */
    boot(&layout_directmap);
    pages[0] = vm_page_alloc(0, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KMEM);
    vm_page_free(pages[0], 0);
    panic_msg[0] = '\0';
    panic_expected = true;
    if (setjmp(panic_jmp) == 0) {
        vm_page_free(pages[0], 0);
        panic_expected = false;
    }
    tap_check(strstr(panic_msg, "already free") != NULL, "double free panics (%s)", panic_msg);
    panic_msg[0] = '\0';
    panic_expected = true;
    if (setjmp(panic_jmp) == 0) {
        vm_page_free(vm_page_lookup(16 * MiB), 0);
        panic_expected = false;
    }
    tap_check(strstr(panic_msg, "reserved") != NULL, "freeing a reserved page panics (%s)",
              panic_msg);
    TAP_CHECK(vm_page_check() == 0);
    percpu_host_set_cpu(0);
}

/* Contiguous allocation: alignment, ranges, runs over several blocks. */
static void
test_contig(void)
{
    struct vm_page *page, *a, *b;
    struct snapshot before, after;

    boot(&layout_small);
    snapshot_take(&before);

    page = vm_page_alloc_contig(3, 0, 0, 16 * MiB, VM_PAGE_KERNEL);
    TAP_CHECK(page != NULL && page->seg_index == VM_PAGE_SEG_DMA && page[2].type == VM_PAGE_KERNEL
              && vm_page_to_pa(page) + 3 * PAGE_SIZE <= 16 * MiB);
    vm_page_free_contig(page, 3);
    /* 10 MiB run, 1 MiB aligned, under 16 MiB: spans three blocks. */
    page = vm_page_alloc_contig(2560, 1 * MiB, 0, 16 * MiB, VM_PAGE_KERNEL);
    TAP_CHECK(page != NULL && vm_page_to_pa(page) == 2 * MiB && page[2559].type == VM_PAGE_KERNEL);
    TAP_CHECK(vm_page_check() == 0);
    /* DMA cannot hold another one. */
    TAP_CHECK(vm_page_alloc_contig(2560, 1 * MiB, 0, 16 * MiB, VM_PAGE_KERNEL) == NULL);
    vm_page_free_contig(page, 1280);
    vm_page_free_contig(vm_page_nth(page, 1280), 1280);
    /* The largest run in DIRECTMAP: [34 MiB, 79 MiB). */
    page = vm_page_alloc_contig(45 * 256, 0, 16 * MiB, 896 * MiB, VM_PAGE_KERNEL);
    TAP_CHECK(page != NULL && vm_page_to_pa(page) == 34 * MiB);
    TAP_CHECK(vm_page_alloc_contig(1, 0, 34 * MiB, 79 * MiB, VM_PAGE_KERNEL) == NULL);
    vm_page_free_contig(page, 45 * 256);
    TAP_CHECK(vm_page_alloc_contig(45 * 256 + 1, 0, 16 * MiB, 896 * MiB, VM_PAGE_KERNEL) == NULL);
    /* Highest segment first; a window inside a block; alignment above 4 MiB. */
    page = vm_page_alloc_contig(1, 0, 0, UINT64_MAX, VM_PAGE_KERNEL);
    TAP_CHECK(page != NULL && page->seg_index == VM_PAGE_SEG_HIGHMEM);
    a = vm_page_alloc_contig(2, 0, 21 * MiB + 4 * KiB, 21 * MiB + 12 * KiB, VM_PAGE_KERNEL);
    TAP_CHECK(a != NULL && vm_page_to_pa(a) == 21 * MiB + 4 * KiB);
    b = vm_page_alloc_contig(4, 8 * MiB, 16 * MiB + 1, 80 * MiB, VM_PAGE_KERNEL);
    TAP_CHECK(b != NULL && P2ALIGNED(vm_page_to_pa(b), 8 * MiB) && vm_page_to_pa(b) >= 24 * MiB
              && vm_page_to_pa(b) + 16 * KiB <= 80 * MiB);
    TAP_CHECK(vm_page_check() == 0);
    vm_page_free_contig(page, 1);
    vm_page_free_contig(a, 2);
    vm_page_free_contig(b, 4);
    /* Bad arguments. */
    TAP_CHECK(vm_page_alloc_contig(0, 0, 0, 16 * MiB, VM_PAGE_KERNEL) == NULL);
    TAP_CHECK(vm_page_alloc_contig(1, 3 * PAGE_SIZE, 0, 16 * MiB, VM_PAGE_KERNEL) == NULL);
    TAP_CHECK(vm_page_alloc_contig(1, 1024, 0, 16 * MiB, VM_PAGE_KERNEL) == NULL);
    TAP_CHECK(vm_page_alloc_contig(1, 0, 16 * MiB, 16 * MiB, VM_PAGE_KERNEL) == NULL);
    TAP_CHECK(vm_page_alloc_contig(2, 0, 16 * MiB, 16 * MiB + PAGE_SIZE, VM_PAGE_KERNEL) == NULL);
    /*
     * Runs that start in an order-0 block: with DMA otherwise full, only
     * p+1 (order 0) and p+2..p+3 (order 1) are free.
     */
    a = vm_page_alloc(2, VM_PAGE_SEL_DMA, VM_PAGE_KERNEL);
    page = NULL;
    while ((b = vm_page_alloc(0, VM_PAGE_SEL_DMA, VM_PAGE_KERNEL)) != NULL) {
        b->node.next = (struct list *)page;
        page = b;
    }
    vm_page_free_contig(a + 1, 3);
    b = vm_page_alloc_contig(3, 0, 0, 16 * MiB, VM_PAGE_KERNEL);
    tap_check(b == a + 1, "a run starting at a lone free page is found");
    if (b != NULL) {
        vm_page_free_contig(b, 3);
    }
    b = vm_page_alloc_contig(2, 2 * PAGE_SIZE, 0, 16 * MiB, VM_PAGE_KERNEL);
    TAP_CHECK(b == a + 2);
    if (b != NULL) {
        vm_page_free_contig(b, 2);
    }
    TAP_CHECK(vm_page_alloc_contig(4, 0, 0, 16 * MiB, VM_PAGE_KERNEL) == NULL);
    vm_page_free_contig(a, 1);
    while (page != NULL) {
        b = (struct vm_page *)page->node.next;
        vm_page_free(page, 0);
        page = b;
    }

    /* An order-5 block freed in pieces. */
    page = vm_page_alloc(5, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_OBJECT);
    vm_page_free_contig(page + 7, 20);
    vm_page_free_contig(page, 7);
    vm_page_free_contig(page + 27, 5);

    vm_page_pool_drain();
    snapshot_take(&after);
    tap_check(snapshot_equal(&after, &before) && vm_page_check() == 0,
              "contiguous allocations: everything back after freeing");
    snapshot_free(&before);
    snapshot_free(&after);
}

/* Fill every page the direct map reaches with a pattern, like the kernel test. */
static void
test_fill(void)
{
    struct vm_page *pages = NULL, *page;
    unsigned long nr = 0, written = 0, before = 0, bad = 0;
    struct snapshot snap_before, snap_after;
    uint64_t *word;

    boot(&layout_small);
    before = total_free();
    snapshot_take(&snap_before);
    while ((page = vm_page_alloc(0, VM_PAGE_SEL_HIGHMEM, VM_PAGE_KERNEL)) != NULL) {
        page->node.next = (struct list *)pages;
        pages = page;
        word = vm_page_direct_va(page);
        if (word != NULL) {
            for (unsigned int i = 0; i < PAGE_SIZE / 8; i++) {
                word[i] = page->phys_addr * 0x9e3779b97f4a7c15u + i + nr;
            }
            written++;
        }
        nr++;
    }
    TAP_CHECK(total_free() == 0);
    tap_check(nr == before, "filled %lu pages of %lu free, %lu written", nr, before, written);
    page = pages;
    for (unsigned long n = nr; page != NULL; page = (struct vm_page *)page->node.next) {
        n--;
        word = vm_page_direct_va(page);
        for (unsigned int i = 0; word != NULL && i < PAGE_SIZE / 8; i++) {
            bad += word[i] != page->phys_addr * 0x9e3779b97f4a7c15u + i + n;
        }
    }
    TAP_CHECK(bad == 0);
    while (pages != NULL) {
        page = pages;
        pages = (struct vm_page *)page->node.next;
        vm_page_free(page, 0);
    }
    vm_page_pool_drain();
    snapshot_take(&snap_after);
    TAP_CHECK(snapshot_equal(&snap_after, &snap_before) && vm_page_check() == 0);
    snapshot_free(&snap_before);
    snapshot_free(&snap_after);
}

/* ---------------------------------------------------------------- random */

struct allocation {
    struct vm_page *page;
    unsigned long npages;
    unsigned int order;         /* block order, or CONTIG */
    uint32_t id;
};

#define CONTIG                  0xff

static struct allocation *allocs;
static size_t nr_allocs;
static uint32_t next_id;

static bool
model_take(struct vm_page *page, unsigned long npages, unsigned int order, uint32_t *idp)
{
    uint32_t id = ++next_id, *slot;

    for (unsigned long i = 0; i < npages; i++) {
        const struct vm_page *p = vm_page_nth(page, i);

        slot = model_slot(p->phys_addr);
        if (slot == NULL || *slot != OWNER_FREE || p->phys_addr != page->phys_addr + i * PAGE_SIZE) {
            tap_diag("page 0x%" PRIx64 " handed out but %s", p->phys_addr,
                     slot == NULL ? "outside the model" : "not free");
            return false;
        }
        *slot = id;
    }
    allocs[nr_allocs++] = (struct allocation){ page, npages, order, id };
    *idp = id;
    return true;
}

static void
model_release(size_t i)
{
    struct allocation *a = &allocs[i];

    for (unsigned long j = 0; j < a->npages; j++) {
        *model_slot(vm_page_nth(a->page, j)->phys_addr) = OWNER_FREE;
    }
    allocs[i] = allocs[--nr_allocs];
}

/* Free allocation i in a random way (whole, or as pieces). */
static void
random_free(size_t i)
{
    struct allocation a = allocs[i];
    unsigned long cut;

    model_release(i);
    if (a.order != CONTIG && rng_below(4) != 0) {
        vm_page_free(a.page, a.order);
    } else if (a.npages > 1 && rng_below(2) == 0) {
        cut = 1 + rng_below(a.npages - 1);
        vm_page_free_contig(vm_page_nth(a.page, cut), a.npages - cut);
        vm_page_free_contig(a.page, cut);
    } else {
        vm_page_free_contig(a.page, a.npages);
    }
}

/* Whether a free (in the lists) aligned run of npages exists in [low, high). */
static bool
contig_possible(unsigned long npages, phys_addr_t align, phys_addr_t low, phys_addr_t high)
{
    struct vm_page_seg_stats stats;

    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        vm_page_seg_stats_get(i, &stats);
        if (stats.nr_pages == 0) {
            continue;
        }
        struct vm_page *first = vm_page_lookup(stats.start);
        unsigned long run = 0;

        /* Walk down: run = free pages from here on. */
        for (unsigned long j = stats.nr_pages; j-- > 0;) {
            phys_addr_t pa = stats.start + ((phys_addr_t)j << PAGE_SHIFT);

            run = (vm_page_nth(first, j)->type == VM_PAGE_FREE) ? run + 1 : 0;
            if (pa >= low && P2ALIGNED(pa, align) && run >= npages
                && pa + ((phys_addr_t)npages << PAGE_SHIFT) <= high) {
                return true;
            }
        }
    }
    return false;
}

static bool
random_alloc(unsigned int order, unsigned int selector)
{
    struct vm_page_seg_stats before[VM_PAGE_NR_SEGS], after;
    unsigned int first = sel_first(selector), cpu = percpu_host_cpu;
    unsigned int type = VM_PAGE_PMAP + rng_below(VM_PAGE_NR_TYPES - VM_PAGE_PMAP);
    struct vm_page *page;
    uint32_t id;

    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        vm_page_seg_stats_get(i, &before[i]);
    }
    page = vm_page_alloc(order, selector, type);
    if (page == NULL) {
        for (unsigned int i = 0; i <= first; i++) {
            vm_page_seg_stats_get(i, &after);
            if (seg_has_block(&after, order) || after.pool_fill[cpu] != 0) {
                tap_diag("order %u selector %u: NULL while segment %s has room", order,
                         selector, after.name);
                return false;
            }
        }
        return true;
    }
    if (page->seg_index > first || !P2ALIGNED(vm_page_to_pa(page), (phys_addr_t)PAGE_SIZE << order)) {
        tap_diag("order %u selector %u: bad block 0x%" PRIx64 " in segment %u", order,
                 selector, vm_page_to_pa(page), page->seg_index);
        return false;
    }
    for (unsigned int i = page->seg_index + 1; i <= first; i++) {
        if (seg_has_block(&before[i], order)
            || (order == 0 && before[i].pool_fill[cpu] != 0)) {
            tap_diag("order %u selector %u: took from segment %u while %u had room",
                     order, selector, page->seg_index, i);
            return false;
        }
    }
    for (unsigned long i = 0; i < (1UL << order); i++) {
        if (page[i].type != type) {
            tap_diag("order %u: page %lu has type %u, expected %u", order, i, page[i].type, type);
            return false;
        }
    }
    return model_take(page, 1UL << order, order, &id);
}

static bool
random_contig(void)
{
    static const phys_addr_t bounds[] = {
        0, 1 * MiB, 16 * MiB, 17 * MiB, 33 * MiB, 40 * MiB, 80 * MiB, 896 * MiB, 900 * MiB,
        4 * GiB, 4 * GiB + 20 * MiB, UINT64_MAX,
    };
    unsigned long npages = 1 + rng_below(rng_below(8) == 0 ? 3000 : 40);
    phys_addr_t align = (phys_addr_t)PAGE_SIZE << rng_below(rng_below(4) == 0 ? 14 : 4);
    phys_addr_t low = bounds[rng_below(ARRAY_SIZE(bounds) - 1)];
    phys_addr_t high = low + (phys_addr_t)(1 + rng_below(200)) * 256 * KiB;
    unsigned int type = VM_PAGE_PMAP + rng_below(VM_PAGE_NR_TYPES - VM_PAGE_PMAP);
    struct vm_page *page;
    uint32_t id;

    if (rng_below(3) == 0) {
        high = bounds[rng_below(ARRAY_SIZE(bounds))];
    }
    if (low >= high) {
        return true;
    }
    page = vm_page_alloc_contig(npages, align, low, high, type);
    if (page == NULL) {
        if (contig_possible(npages, align, low, high)) {
            tap_diag("contig %lu pages align 0x%" PRIx64 " in [0x%" PRIx64 ", 0x%" PRIx64
                     "): NULL but a run exists", npages, align, low, high);
            return false;
        }
        return true;
    }
    if (vm_page_to_pa(page) < low || !P2ALIGNED(vm_page_to_pa(page), align)
        || vm_page_to_pa(page) + ((phys_addr_t)npages << PAGE_SHIFT) > high) {
        tap_diag("contig %lu pages align 0x%" PRIx64 " in [0x%" PRIx64 ", 0x%" PRIx64
                 "): got 0x%" PRIx64, npages, align, low, high, vm_page_to_pa(page));
        return false;
    }
    for (unsigned long i = 0; i < npages; i++) {
        if (vm_page_nth(page, i)->type != type) {
            tap_diag("contig: page %lu has type %u", i, vm_page_nth(page, i)->type);
            return false;
        }
    }
    return model_take(page, npages, CONTIG, &id);
}

static void
test_random(unsigned int nr_ops, uint64_t seed)
{
    struct snapshot initial, final;
    unsigned int r, order, fails = 0, checks = 0;
    unsigned long nr_alloc_ok = 0, nr_null = 0;
    bool ok = true;

    rng_state = seed;
    boot(&layout_small);
    snapshot_take(&initial);
    allocs = malloc(200000 * sizeof(*allocs));
    nr_allocs = 0;

    for (unsigned int op = 0; op < nr_ops && ok; op++) {
        /* Alternate phases that mostly allocate and mostly free. */
        bool filling = (op / 3000) % 2 == 0;

        percpu_host_set_cpu(rng_below(NR_TEST_CPUS));
        r = rng_below(100);
        if (nr_allocs > 0 && r < (filling ? 30u : 70u)) {
            random_free(rng_below(nr_allocs));
        } else if (rng_below(20) == 0) {
            ok = random_contig();
        } else {
            r = rng_below(100);
            order = (r < 55) ? 0 : (r < 85) ? 1 + rng_below(3)
                    : (r < 97) ? 4 + rng_below(4) : 8 + rng_below(3);
            size_t before = nr_allocs;

            ok = random_alloc(order, rng_below(VM_PAGE_NR_SEGS));
            if (nr_allocs > before) {
                nr_alloc_ok++;
            } else {
                nr_null++;
            }
        }
        if (op % 1000 == 999 && ok) {
            checks++;
            ok = vm_page_check() == 0 && model_matches_counters();
        }
        fails += !ok;
    }
    tap_check(ok, "random %u ops (seed %" PRIu64 "): %lu blocks allocated, %lu NULL, %u "
              "full checks", nr_ops, seed, nr_alloc_ok, nr_null, checks);

    while (nr_allocs > 0) {
        percpu_host_set_cpu(rng_below(NR_TEST_CPUS));
        random_free(rng_below(nr_allocs));
    }
    percpu_host_set_cpu(0);
    TAP_CHECK(model_matches_counters());
    drain_all_cpus();
    snapshot_take(&final);
    tap_check(snapshot_equal(&final, &initial) && vm_page_check() == 0,
              "random (seed %" PRIu64 "): free lists restored exactly", seed);
    snapshot_free(&initial);
    snapshot_free(&final);
    free(allocs);
}

/* ---------------------------------------------------------------- threads */

#define MT_OPS                  3000
#define MT_HELD                 256

static pthread_mutex_t mt_lock = PTHREAD_MUTEX_INITIALIZER;
static struct vm_page *mt_exchange[64];     /* pages passed between CPUs */
static unsigned int mt_exchange_nr;
static unsigned long mt_errors;

struct mt_held {
    struct vm_page *page;
    unsigned int order;
};

static bool
mt_claim(struct vm_page *page, void *owner)
{
    void *old = __atomic_exchange_n(&page->priv, owner, __ATOMIC_RELAXED);

    return old == NULL;
}

static void
mt_release(struct vm_page *page, void *owner, unsigned int order)
{
    void *old = __atomic_exchange_n(&page->priv, NULL, __ATOMIC_RELAXED);

    if (old != owner) {
        __atomic_fetch_add(&mt_errors, 1, __ATOMIC_RELAXED);
    }
    vm_page_free(page, order);
}

static void *
mt_thread(void *arg)
{
    unsigned int cpu = (unsigned int)(uintptr_t)arg;
    void *me = (void *)((uintptr_t)cpu + 1);    /* owner token */
    struct mt_held held[MT_HELD];
    unsigned int nr_held = 0, i, order;
    uint64_t state = 0x9e3779b97f4a7c15u * (cpu + 1);
    struct vm_page *page;

    percpu_host_set_cpu(cpu);
    for (unsigned int op = 0; op < MT_OPS; op++) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        if (nr_held == MT_HELD || (nr_held > 0 && state % 100 < 45)) {
            i = (state >> 8) % nr_held;
            page = held[i].page;
            order = held[i].order;
            held[i] = held[--nr_held];
            if (order == 0 && (state >> 20) % 8 == 0) {
                /* Hand it to another CPU to free. */
                pthread_mutex_lock(&mt_lock);
                if (mt_exchange_nr < ARRAY_SIZE(mt_exchange)) {
                    __atomic_store_n(&page->priv, (void *)&mt_exchange, __ATOMIC_RELAXED);
                    mt_exchange[mt_exchange_nr++] = page;
                    page = NULL;
                }
                pthread_mutex_unlock(&mt_lock);
            }
            if (page != NULL) {
                mt_release(page, me, order);
            }
        } else if ((state >> 30) % 16 == 0) {
            pthread_mutex_lock(&mt_lock);
            page = mt_exchange_nr > 0 ? mt_exchange[--mt_exchange_nr] : NULL;
            pthread_mutex_unlock(&mt_lock);
            if (page != NULL) {
                mt_release(page, (void *)&mt_exchange, 0);
            }
        } else {
            order = ((state >> 40) % 10 < 8) ? 0 : (state >> 44) % 4;
            page = vm_page_alloc(order, (state >> 50) % VM_PAGE_NR_SEGS, VM_PAGE_KERNEL);
            if (page != NULL) {
                if (!mt_claim(page, me)) {
                    __atomic_fetch_add(&mt_errors, 1, __ATOMIC_RELAXED);
                }
                held[nr_held++] = (struct mt_held){ page, order };
            }
        }
    }
    while (nr_held > 0) {
        nr_held--;
        mt_release(held[nr_held].page, me, held[nr_held].order);
    }
    vm_page_pool_drain();
    return NULL;
}

static void
test_threads(void)
{
    pthread_t threads[NR_TEST_CPUS];
    struct snapshot initial, final;

    boot(&layout_small);
    snapshot_take(&initial);
    mt_errors = 0;
    mt_exchange_nr = 0;
    for (uintptr_t i = 0; i < NR_TEST_CPUS; i++) {
        pthread_create(&threads[i], NULL, mt_thread, (void *)i);
    }
    for (unsigned int i = 0; i < NR_TEST_CPUS; i++) {
        pthread_join(threads[i], NULL);
    }
    for (unsigned int i = 0; i < mt_exchange_nr; i++) {
        mt_release(mt_exchange[i], (void *)&mt_exchange, 0);
    }
    tap_check(mt_errors == 0, "%u threads as CPUs: no page handed out twice (%lu errors)",
              NR_TEST_CPUS, mt_errors);
    drain_all_cpus();
    snapshot_take(&final);
    tap_check(snapshot_equal(&final, &initial) && vm_page_check() == 0,
              "%u threads: every page accounted for, free lists restored", NR_TEST_CPUS);
    snapshot_free(&initial);
    snapshot_free(&final);
}

/*
 * Memory with no free run longer than 8 pages (32 KiB), and a hole after
 * each: the descriptors of every block, and its tree, come in pieces of
 * their own. The lookups, fill, contiguous runs across blocks and the
 * random run must behave exactly as with one array.
 */
static void
test_pieces(uint64_t seed)
{
    struct vm_page_seg_stats stats;
    unsigned long nr_blocks = 0;
    unsigned int nr_segs = 0;

    bootalloc_max = (sizeof(struct vm_page) << VM_PAGE_ORDER_MAX) / PAGE_SIZE;
    bootalloc_calls = 0;
    boot(&layout_small);
    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        vm_page_seg_stats_get(i, &stats);
        if (stats.end != 0) {
            nr_blocks += (P2ROUND(stats.end, 4 * MiB) - P2TRUNC(stats.start, 4 * MiB)) / (4 * MiB);
            nr_segs++;
        }
    }
    /*
     * Per segment: the whole (refused), the block table, a page of trees
     * (up to 16 blocks), then one piece per block.
     */
    tap_check(bootalloc_calls == nr_segs * 3 + nr_blocks,
              "pieces: %u boot allocations for %lu blocks in %u segments",
              bootalloc_calls, nr_blocks, nr_segs);
    for (phys_addr_t pa = 0; pa < 4 * GiB; pa += 3 * MiB + 5 * PAGE_SIZE) {
        struct vm_page *page = vm_page_lookup(pa);

        if (page != NULL && (vm_page_to_pa(page) != P2TRUNC(pa, PAGE_SIZE)
                             || vm_page_nth(page, 0) != page)) {
            tap_check(false, "pieces: lookup of 0x%llx", (unsigned long long)pa);
            break;
        }
    }
    TAP_CHECK(vm_page_check() == 0);
    test_contig();
    test_fill();
    test_random(30000, seed + 3);
    bootalloc_max = 0;
}

int
main(int argc, char **argv)
{
    uint64_t seed = (argc > 1) ? strtoull(argv[1], NULL, 0) : 1;

    tap_diag("vm_page, %s, descriptor %zu bytes", PAE ? "PAE" : "no PAE",
             sizeof(struct vm_page));
    memory_init();
    test_descriptor();
    test_boot_state();
    test_boot_errors();
    test_budget();
    test_fallback();
    test_split_merge();
    test_index();
    test_pools();
    test_contig();
    test_fill();
    for (unsigned int i = 0; i < 3; i++) {
        test_random(30000, seed + i);
    }
    test_threads();
    test_pieces(seed);
    return tap_done();
}
