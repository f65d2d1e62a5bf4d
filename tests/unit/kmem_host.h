/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host backend of kern/kmem.c (the interface of kern/kmem_backend.h),
 * for the unit tests and the benchmarks: kern/kmem.c itself is the
 * kernel's, unchanged.
 *
 * Pages come from one anonymous mapping aligned to 4 MiB, handed out as
 * naturally aligned blocks of 2^order pages (free blocks are kept per
 * order, never merged, which is enough for kmem's few orders). Large
 * kmem_alloc() blocks are such blocks too, of the smallest order that
 * holds the size. A side array keeps each page's state and private
 * pointer, so the lookup of an address is an index, as vm_page_lookup()
 * is in the kernel. Freed pages are poisoned for AddressSanitizer, so
 * that kmem touching a slab it gave back is caught. A bad slab free
 * (unknown block, wrong order) aborts; a bad large free is refused
 * (kmem_large_free() returns false) so kmem's verify mode can report it.
 */
#ifndef TESTS_UNIT_KMEM_HOST_H
#define TESTS_UNIT_KMEM_HOST_H

/*
 * Reserve an arena of nr_pages pages (a multiple of 1024); call once,
 * before kmem_setup(). Aborts when the mapping fails.
 */
void kmem_host_setup(unsigned long nr_pages);

/* Make kmem_pages_alloc() fail once nr_pages pages are in use (~0UL: never). */
void kmem_host_limit_set(unsigned long nr_pages);

/* Pages currently allocated by kmem. */
unsigned long kmem_host_pages_used(void);

#endif /* TESTS_UNIT_KMEM_HOST_H */
