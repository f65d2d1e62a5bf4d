/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Physical memory as the machine hands it to vm_page.
 *
 * The segments of the i386 port: the one place their numbers are
 * defined. biosmem (i386/biosmem.h) builds the segments from the boot
 * loader's map and vm_page (vm/vm_page.h) runs one allocator per
 * segment; both name these numbers.
 *
 * Segments are numbered in address order; vm_page falls back from the
 * last to the first. DMA32 exists only with PAE: without it every page
 * lies below 4 GiB and HIGHMEM plays its part.
 */
#ifndef MACHINE_PMEM_H
#define MACHINE_PMEM_H

#define PMEM_SEG_DMA            0   /* [64 KiB, 16 MiB): ISA DMA */
#define PMEM_SEG_DIRECTMAP      1   /* [16 MiB, 896 MiB): the direct map */
#ifdef CONFIG_PAE
#define PMEM_SEG_DMA32          2   /* [896 MiB, 4 GiB) */
#define PMEM_SEG_HIGHMEM        3   /* [4 GiB, what PAE can address) */
#define PMEM_NR_SEGS            4
#else
#define PMEM_SEG_HIGHMEM        2   /* [896 MiB, 4 GiB) */
#define PMEM_NR_SEGS            3
#endif

#ifndef __ASSEMBLER__

#include <stdint.h>

#include <machine/param.h>

/*
 * Load every non-empty segment into vm_page (vm_page_load()). Called once
 * by startup(), before vm_page_setup(). Panics when vm_page refuses a
 * segment (a broken invariant).
 */
void pmem_load(void);

/*
 * Allocate npages contiguous boot pages and return their physical
 * address; they are direct-mapped and not cleared. Only before
 * pmem_handoff(). Returns 0 when no run of free pages is that long:
 * vm_page_setup() then places its descriptors in smaller pieces, and
 * panics only when even those cannot be had.
 */
phys_addr_t pmem_bootalloc(unsigned int npages);

/*
 * Return the number of available pages of all segments (biosmem's
 * nr_pages: holes excluded). Boot CPU only.
 */
uint64_t pmem_nr_pages(void);

/*
 * Hand every free page to vm_page (vm_page_manage_range()), which
 * closes the boot allocator. Called once by startup(), after
 * vm_page_setup() and before vm_page_ready().
 */
void pmem_handoff(void);

/*
 * Give the boot data bytes [start, end) (a boot module that has been
 * loaded) back to vm_page: every whole page that no other boot data
 * touches becomes free memory. Adds the pages freed to pages[seg], per
 * segment (PMEM_NR_SEGS entries). After pmem_handoff(), from one thread
 * at a time (biosmem's tables have no lock; the bootstrap thread is the
 * only caller). Returns 0, or an ERROR_* code from biosmem_release()
 * with nothing freed.
 */
int pmem_release(phys_addr_t start, phys_addr_t end, unsigned long *pages);

#endif /* __ASSEMBLER__ */

#endif /* MACHINE_PMEM_H */
