/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Early kernel mappings of physical ranges outside the direct map
 * (firmware tables, the local and I/O APICs), made with large pages in
 * the boot page tables before pmap exists.
 */
#ifndef I386_BOOT_MAP_H
#define I386_BOOT_MAP_H

#include <stddef.h>

#include <i386/param.h>

#define BOOT_MAP_UNCACHED       0x1         /* device registers */

/* Kernel virtual range used by these mappings (vm_kmem must avoid it). */
#define BOOT_MAP_START          0xFF000000
#define BOOT_MAP_END            0xFFC00000

/*
 * Return a kernel virtual address for [pa, pa + size). RAM inside the
 * direct map comes back as phystokv(pa) unless BOOT_MAP_UNCACHED is set;
 * anything else is mapped with large pages, which stay mapped for the
 * kernel's life (a range already mapped is reused). Call on the boot CPU
 * before other CPUs start (no TLB shootdown). Returns NULL when the window
 * is full or pa is beyond what the paging mode can address.
 */
void *boot_map(phys_addr_t pa, size_t size, int flags);

#endif /* I386_BOOT_MAP_H */
