/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * biosmem on the real boot: whatever map QEMU or GRUB handed over, the
 * segments and free ranges must be consistent with the sanitized map and
 * the boot data, and the boot allocator must hand out pages that are
 * available RAM, outside boot data, and really writable.
 */
#include <stdbool.h>
#include <stdint.h>

#include <i386/biosmem.h>
#include <i386/param.h>
#include <kern/ktest.h>
#include <kern/string.h>

#define BIOSMEM_TEST_ALLOCS     8

/* True when [start, end) lies inside one available entry of the map. */
static bool
biosmem_test_available(phys_addr_t start, phys_addr_t end)
{
    for (unsigned int i = 0; i < biosmem_map_count(); i++) {
        phys_addr_t s, e;
        uint32_t type;

        biosmem_map_get(i, &s, &e, &type);
        if (type == BIOSMEM_TYPE_AVAILABLE && s <= start && end <= e) {
            return true;
        }
    }
    return false;
}

struct biosmem_test_walk {
    unsigned int seg;
    struct biosmem_segment segment;
    phys_addr_t last_end;
    uint64_t pages;
    unsigned int errors;
};

static void
biosmem_test_range(unsigned int seg, phys_addr_t start, phys_addr_t end, void *arg)
{
    struct biosmem_test_walk *w = arg;
    bool ok = seg == w->seg && start < end
              && (start & PAGE_MASK) == 0 && (end & PAGE_MASK) == 0
              && start >= w->segment.start && end <= w->segment.end
              && (w->last_end == 0 || start > w->last_end)
              && biosmem_test_available(start, end);

    if (!ok) {
        w->errors++;
        ktest_diag("bad free range %llx-%llx in segment %s",
                   (unsigned long long)start, (unsigned long long)end,
                   w->segment.name);
    }
    w->last_end = end;
    w->pages += (end - start) >> PAGE_SHIFT;
}

/* Free ranges: inside their segment, sorted, available, page-aligned. */
static void
biosmem_test_segments_fn(void)
{
    uint64_t total = 0;

    for (unsigned int seg = 0; seg < BIOSMEM_NR_SEGS; seg++) {
        struct biosmem_test_walk w = { .seg = seg };

        KTEST_ASSERT(biosmem_segment_get(seg, &w.segment) == 0);
        biosmem_free_ranges(seg, biosmem_test_range, &w);
        ktest_assert_msg(w.errors == 0, "segment %s: %u bad free ranges",
                         w.segment.name, w.errors);
        ktest_assert_msg(w.pages <= w.segment.nr_pages,
                         "segment %s: %llu free pages > %llu pages",
                         w.segment.name, (unsigned long long)w.pages,
                         (unsigned long long)w.segment.nr_pages);
        total += w.segment.nr_pages;
    }
    KTEST_ASSERT(total > 0);
    KTEST_ASSERT(biosmem_segment_get(BIOSMEM_NR_SEGS, &(struct biosmem_segment){ 0 }) == -1);
}

/*
 * Boot allocations: available, direct-mapped, disjoint from each other and
 * gone from the free ranges, and writable.
 */
static void
biosmem_test_bootalloc_fn(void)
{
    phys_addr_t pa[BIOSMEM_TEST_ALLOCS];

    for (unsigned int i = 0; i < BIOSMEM_TEST_ALLOCS; i++) {
        unsigned int npages = 1 + i;

        pa[i] = biosmem_bootalloc(npages);
        ktest_assert_msg(pa[i] != 0, "bootalloc of %u pages failed", npages);
        if (pa[i] == 0) {
            return;
        }
        phys_addr_t end = pa[i] + ((phys_addr_t)npages << PAGE_SHIFT);

        KTEST_ASSERT((pa[i] & PAGE_MASK) == 0);
        KTEST_ASSERT(phys_in_directmap(pa[i], end - pa[i]));
        KTEST_ASSERT(biosmem_test_available(pa[i], end));
        for (unsigned int j = 0; j < i; j++) {
            phys_addr_t jend = pa[j] + ((phys_addr_t)(j + 1) << PAGE_SHIFT);

            ktest_assert_msg(end <= pa[j] || pa[i] >= jend,
                             "allocations %u and %u overlap", i, j);
        }
        memset(phystokv(pa[i]), 0xa5 + i, npages * PAGE_SIZE);
    }
    for (unsigned int i = 0; i < BIOSMEM_TEST_ALLOCS; i++) {
        const uint8_t *p = phystokv(pa[i]);
        unsigned int bad = 0;

        for (unsigned int k = 0; k < (i + 1) * PAGE_SIZE; k++) {
            bad += p[k] != (uint8_t)(0xa5 + i);
        }
        ktest_assert_msg(bad == 0, "allocation %u: %u bytes changed", i, bad);
    }
    KTEST_ASSERT(biosmem_bootalloc(0) == 0);
}

KTEST_DEFINE(biosmem_segments, biosmem_test_segments_fn, 0);
KTEST_DEFINE(biosmem_bootalloc, biosmem_test_bootalloc_fn, 0);
