/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel page tables: mappings in the kernel virtual area, per-CPU
 * temporary windows onto any physical page, and TLB shootdowns.
 *
 * Layout (i386/param.h, i386/boot_map.h):
 *   0xC0000000-0xF7FFFFFF  direct map, large pages (kernel image: 4 KiB
 *                          pages, text read-only)
 *   0xF8000000-0xFEFFFFFF  kernel virtual area, 4 KiB pages (vm_kmem)
 *   0xFF000000-0xFFBFFFFF  boot_map() large pages (firmware, APICs)
 *   0xFFC00000-0xFFFFFFFF  per-CPU temporary windows
 */
#ifndef I386_PMAP_H
#define I386_PMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/param.h>

#define PMAP_PROT_READ          0x1
#define PMAP_PROT_WRITE         0x2
#define PMAP_PROT_EXECUTE       0x4

#define PMAP_KVA_START          KERNEL_VM_START
#define PMAP_KVA_END            0xFF000000
#define PMAP_WINDOW_START       0xFFC00000
#define PMAP_WINDOWS_PER_CPU    4

/*
 * Allocate and install the page tables of the kernel virtual area and of
 * the windows, and map the kernel image with 4 KiB pages, its text
 * read-only. Call once on CPU 0, after vm_page is ready and before other
 * CPUs use kernel virtual memory. Panics when memory for the tables is
 * short (the kernel cannot run without them).
 */
void pmap_setup(void);

/*
 * Map the page at physical address pa at kernel virtual address va
 * (page-aligned, in the kernel virtual area), replacing any mapping there
 * (then the old one is flushed from every CPU's TLB). prot is
 * PMAP_PROT_*; without PMAP_PROT_WRITE the page is read-only. Call with
 * interrupts enabled (a replacement needs a shootdown).
 */
void pmap_kenter(uintptr_t va, phys_addr_t pa, unsigned int prot);

/* Unmap [va, va + size) in the kernel virtual area; TLBs of every CPU flushed. */
void pmap_kremove(uintptr_t va, size_t size);

/* Change the protection of [va, va + size); TLBs of every CPU flushed. */
void pmap_kprotect(uintptr_t va, size_t size, unsigned int prot);

/*
 * Physical address mapped at kernel address va (direct map, kernel
 * virtual area, boot mappings). Returns false when va is not mapped.
 */
bool pmap_kextract(uintptr_t va, phys_addr_t *pap);

/*
 * Map physical page pa in one of the calling CPU's temporary windows and
 * return its address; preemption stays disabled until pmap_window_unmap()
 * (windows nest up to PMAP_WINDOWS_PER_CPU deep, last in first out).
 * Only this CPU's TLB is involved. Returns NULL when all windows are in use.
 */
void *pmap_window_map(phys_addr_t pa);

/* Unmap the window at va, the last one mapped, and re-enable preemption. */
void pmap_window_unmap(void *va);

/* Flush [start, end) from every online CPU's TLB (interrupts enabled). */
void pmap_tlb_shootdown(uintptr_t start, uintptr_t end);

#endif /* I386_PMAP_H */
