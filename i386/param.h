/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Machine parameters of the i386 port: page size and the kernel's layout
 * of the virtual address space (see doc/boot.md).
 *
 *   0x00000000-0xBFFFFFFF  user
 *   0xC0000000-0xF7FFFFFF  direct map of physical [0, 896 MiB)
 *   0xF8000000-0xFFFFEFFF  kernel virtual space
 */
#ifndef I386_PARAM_H
#define I386_PARAM_H

#define PAGE_SHIFT              12
#define PAGE_SIZE               (1 << PAGE_SHIFT)
#define PAGE_MASK               (PAGE_SIZE - 1)

#define KERNBASE                0xC0000000  /* start of the direct map */
#define KERNEL_LOAD_PHYS        0x00100000  /* where the image is loaded */
#define DIRECTMAP_SIZE          0x38000000  /* 896 MiB */
#define KERNEL_VM_START         0xF8000000
#define KERNEL_VM_END           0xFFFFF000

#define KERNEL_STACK_SIZE       16384

#ifdef CONFIG_PAE
#define LARGE_PAGE_SHIFT        21          /* 2 MiB pages */
#else
#define LARGE_PAGE_SHIFT        22          /* 4 MiB pages */
#endif
#define LARGE_PAGE_SIZE         (1 << LARGE_PAGE_SHIFT)

#ifndef __ASSEMBLER__

#include <stdint.h>

typedef uint64_t phys_addr_t;

/* Convert between physical addresses and direct-map virtual addresses. */
static inline void *
phystokv(phys_addr_t pa)
{
    return (void *)(uintptr_t)(pa + KERNBASE);
}

static inline phys_addr_t
kvtophys(const void *va)
{
    return (uintptr_t)va - KERNBASE;
}

/* True when [pa, pa + size) lies inside the direct map. */
static inline int
phys_in_directmap(phys_addr_t pa, phys_addr_t size)
{
    return pa < DIRECTMAP_SIZE && size <= DIRECTMAP_SIZE - pa;
}

#endif /* __ASSEMBLER__ */

#endif /* I386_PARAM_H */
