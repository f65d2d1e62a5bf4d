/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * biosmem on the real boot: whatever map QEMU or GRUB handed over, the
 * segments and free ranges must be consistent with the sanitized map and
 * the boot data, and vm_page must have received exactly the free ranges.
 */
#include <stdbool.h>
#include <stdint.h>

#include <i386/biosmem.h>
#include <i386/param.h>
#include <kern/ktest.h>
#include <kern/string.h>
#include <vm/vm_page.h>

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
    KTEST_ASSERT(biosmem_segment_get(BIOSMEM_NR_SEGS, &(struct biosmem_segment){ 0 }) == ERROR_NOENT);
}

/*
 * The hand-off: vm_page manages exactly the free pages biosmem handed
 * over, segment by segment, and the boot allocator is closed. (The boot
 * allocator itself is exercised at every boot: vm_page's descriptor
 * tables and the CPU stacks come from it.)
 */
static void
biosmem_test_handoff_fn(void)
{
    for (unsigned int seg = 0; seg < BIOSMEM_NR_SEGS; seg++) {
        struct biosmem_test_walk w = { .seg = seg };
        struct vm_page_seg_stats stats;

        biosmem_segment_get(seg, &w.segment);
        biosmem_free_ranges(seg, biosmem_test_range, &w);
        if (vm_page_seg_stats_get(seg, &stats) != 0) {
            stats.nr_managed = 0;
        }
        ktest_assert_msg(stats.nr_managed == w.pages,
                         "segment %s: vm_page manages %lu pages, biosmem handed over %llu",
                         w.segment.name, stats.nr_managed,
                         (unsigned long long)w.pages);
    }
    KTEST_ASSERT(biosmem_bootalloc(1) == 0);
    KTEST_ASSERT(biosmem_bootalloc_low(1, 0x100000) == 0);
    KTEST_ASSERT(biosmem_boot_data_reserve(0x100000, 0x101000, "late") == ERROR_INVAL);
}

KTEST_DEFINE(biosmem_segments, biosmem_test_segments_fn, 0);
KTEST_DEFINE(biosmem_handoff, biosmem_test_handoff_fn, 0);
