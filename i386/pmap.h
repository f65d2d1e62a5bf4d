/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Page tables: the kernel's (mappings in the kernel virtual area, per-CPU
 * temporary windows onto any physical page, TLB shootdowns), address
 * spaces for tasks (struct pmap: user mappings below PMAP_USER_END, the
 * kernel part shared), and NX with PAE.
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
#include <kern/error.h>

#define PMAP_PROT_READ          0x1
#define PMAP_PROT_WRITE         0x2
#define PMAP_PROT_EXECUTE       0x4

#define PMAP_USER_END           KERNBASE    /* user addresses: [0, 0xC0000000) */

#define PMAP_KVA_START          KERNEL_VM_START
#define PMAP_KVA_END            0xFF000000
#define PMAP_WINDOW_START       0xFFC00000
#define PMAP_WINDOWS_PER_CPU    4

/*
 * Turn on NX on the boot CPU (EFER.NXE) when the kernel uses PAE and the
 * CPU has it, and print one line saying whether NX is on. Call once on
 * the boot CPU before smp_setup() (secondary CPUs set EFER.NXE in their
 * trampoline, from pmap_nx_enabled()) and before pmap_setup().
 */
void pmap_nx_setup(void);

/* True when kernel and user mappings without execute permission get NX. */
bool pmap_nx_enabled(void);

/*
 * Allocate and install the page tables of the kernel virtual area and of
 * the windows, and map the kernel image with 4 KiB pages, its text
 * read-only (and, with NX, every other kernel mapping not executable).
 * Call once on CPU 0, after vm_page is ready and before other
 * CPUs use kernel virtual memory. Panics when memory for the tables is
 * short (the kernel cannot run without them).
 */
void pmap_setup(void);

/*
 * Map the page at physical address pa at kernel virtual address va
 * (page-aligned, in the kernel virtual area), replacing any mapping there
 * (then the old one is flushed from every CPU's TLB). prot is
 * PMAP_PROT_*; without PMAP_PROT_WRITE the page is read-only, without
 * PMAP_PROT_EXECUTE it is not executable when NX is on. Call with
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

/*
 * Fill the physical page at pa (page-aligned) with zeros, through the
 * direct map or a temporary window. Any thread context. Never fails:
 * windows nest at most PMAP_WINDOWS_PER_CPU deep, and running out of
 * them is a broken invariant (panic).
 */
void pmap_page_zero(phys_addr_t pa);

/*
 * Copy the physical page at src to the one at dst (both page-aligned),
 * through the direct map or temporary windows. Any thread context. Never
 * fails (see pmap_page_zero()).
 */
void pmap_page_copy(phys_addr_t dst, phys_addr_t src);

/* Flush [start, end) from every online CPU's TLB (interrupts enabled). */
void pmap_tlb_shootdown(uintptr_t start, uintptr_t end);

/*
 * Address spaces. A pmap holds the page tables of user addresses
 * [0, PMAP_USER_END); the kernel part of every pmap is the kernel's own
 * (shared directory entries, or with PAE the shared kernel page
 * directory), so kernel mappings look the same whichever pmap is loaded.
 * Page tables are allocated from vm_page (DIRECTMAP, VM_PAGE_PMAP) when
 * first needed and freed when they become empty. Locking: each pmap has
 * a spinlock taken inside these calls, never with interrupts disabled
 * (a change may wait for other CPUs to flush their TLBs); so call them
 * with interrupts enabled, never from interrupt handlers. Changes that
 * remove, replace or restrict mappings are flushed from the TLB of every
 * CPU that has the pmap loaded before the call returns.
 */
struct pmap;

/* The kernel's pmap: no user mappings; what a CPU runs on by default. */
struct pmap *pmap_kernel(void);

/*
 * Create an empty address space. Returns NULL when memory is short (its
 * page directory or directories, 1 page, 3 with PAE, and a small object).
 */
struct pmap *pmap_create(void);

/*
 * Destroy pmap: free every page table and the directories. The pages
 * mapped are the caller's and are not freed. pmap must not be loaded on
 * any CPU (panics otherwise: a broken invariant).
 */
void pmap_destroy(struct pmap *pmap);

/*
 * Map physical page pa at user address va (page-aligned, below
 * PMAP_USER_END) with prot (PMAP_PROT_*, not 0; pages are always
 * readable), replacing any mapping of va. Returns 0, ERROR_NOMEM (no page
 * for a page table; pmap unchanged) or ERROR_INVAL.
 */
int pmap_enter(struct pmap *pmap, uintptr_t va, phys_addr_t pa, unsigned int prot);

/*
 * Unmap the pages of [start, end) (page-aligned, at most PMAP_USER_END);
 * unmapped pages in the range are skipped, page tables left empty are
 * freed. Returns 0 or ERROR_INVAL.
 */
int pmap_remove(struct pmap *pmap, uintptr_t start, uintptr_t end);

/*
 * Set the protection of the mapped pages of [start, end) to prot; prot 0
 * removes them. Returns 0 or ERROR_INVAL.
 */
int pmap_protect(struct pmap *pmap, uintptr_t start, uintptr_t end, unsigned int prot);

/*
 * Physical address mapped at user address va in pmap. Returns false when
 * va is not mapped.
 */
bool pmap_extract(struct pmap *pmap, uintptr_t va, phys_addr_t *pap);

/*
 * Load pmap on the calling CPU (%cr3), unless it is loaded already, and
 * record the CPU in the pmap's CPU mask (the targets of its shootdowns).
 * Call with preemption disabled (or from an interrupt handler); the pmap
 * stays loaded on this CPU until the next pmap_activate() here, which
 * the next thread switch does: a thread that wants its own address space
 * uses thread_pmap_set() instead.
 */
void pmap_activate(struct pmap *pmap);

/* The pmap loaded on the calling CPU (preemption disabled). */
struct pmap *pmap_current(void);

/* Page-table pages the pmap holds now, directories included (tests). */
unsigned int pmap_nr_tables(const struct pmap *pmap);

/*
 * User pages pmap maps now: Mach's pmap_resident_count(), what task_info
 * reports as the resident size. Lock-free snapshot.
 */
unsigned long pmap_resident_count(const struct pmap *pmap);

/* TLB flushes this CPU ran for user pmaps since boot (tests). */
unsigned long pmap_user_flushes(unsigned int cpu);

#endif /* I386_PMAP_H */
