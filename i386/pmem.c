/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The hand-over of physical memory from biosmem to vm_page. Memory moves
 * one way, down the allocator spine: biosmem describes the segments and
 * lends boot pages; vm_page takes the segments, then every page still
 * free, and from then on biosmem allocates nothing. Boot data that is no
 * longer needed (a loaded module) follows later through pmem_release(),
 * by the same vm_page_manage_range() as the hand-off.
 */
#include <stdint.h>

#include <i386/biosmem.h>
#include <kern/panic.h>
#include <machine/param.h>
#include <machine/pmem.h>
#include <vm/vm_page.h>

void
pmem_load(void)
{
    for (unsigned int seg = 0; seg < PMEM_NR_SEGS; seg++) {
        struct biosmem_segment s;

        if (biosmem_segment_get(seg, &s) == 0 && s.nr_pages != 0
            && vm_page_load(seg, s.start, s.end) != 0) {
            panic("vm_page: cannot load segment %s 0x%llx-0x%llx", s.name,
                  (unsigned long long)s.start, (unsigned long long)s.end);
        }
    }
}

phys_addr_t
pmem_bootalloc(unsigned int npages)
{
    return biosmem_bootalloc(npages);
}

uint64_t
pmem_nr_pages(void)
{
    struct biosmem_segment s;
    uint64_t pages = 0;

    for (unsigned int seg = 0; seg < PMEM_NR_SEGS; seg++) {
        if (biosmem_segment_get(seg, &s) == 0) {
            pages += s.nr_pages;
        }
    }
    return pages;
}

/* biosmem hand-off callback: one free range to vm_page. */
static void
pmem_handoff_range(unsigned int seg, phys_addr_t start, phys_addr_t end, void *arg)
{
    (void)seg;
    (void)arg;
    if (vm_page_manage_range(start, end) != 0) {
        panic("vm_page: cannot manage free range 0x%llx-0x%llx",
              (unsigned long long)start, (unsigned long long)end);
    }
}

void
pmem_handoff(void)
{
    biosmem_handoff(pmem_handoff_range, NULL);
}

/* biosmem release callback: one range freed by a release, counted. */
static void
pmem_release_range(unsigned int seg, phys_addr_t start, phys_addr_t end, void *arg)
{
    unsigned long *pages = arg;

    assert(seg < PMEM_NR_SEGS);
    pmem_handoff_range(seg, start, end, NULL);
    pages[seg] += (unsigned long)((end - start) >> PAGE_SHIFT);
}

int
pmem_release(phys_addr_t start, phys_addr_t end, unsigned long *pages)
{
    return biosmem_release(start, end, pmem_release_range, pages);
}
