/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel virtual memory: page-granular allocations in the kernel virtual
 * area [PMAP_KVA_START, PMAP_KVA_END), backed by any physical page
 * (HIGHMEM first, falling back down the selector chain), so that large
 * kernel allocations need neither contiguous nor direct-mapped memory.
 */
#ifndef VM_VM_KMEM_H
#define VM_VM_KMEM_H

#include <stddef.h>

#include <vm/vm_map.h>

/* Set up the kernel map. Call once after pmap_setup() and kmem_setup(). */
void vm_kmem_setup(void);

/*
 * Allocate size bytes (rounded up to pages) of wired, zero-filled kernel
 * memory. Returns NULL when virtual space or physical pages run out
 * (nothing is left allocated then). Call with interrupts enabled; may not
 * be called from interrupt handlers.
 */
void *vm_kmem_alloc(size_t size);

/* Free an allocation of size bytes made by vm_kmem_alloc(). */
void vm_kmem_free(void *addr, size_t size);

/*
 * Like vm_kmem_alloc(), with one unmapped guard page right below the
 * returned address, kept reserved so nothing else is mapped there: a
 * downward overrun (a kernel stack overflow) faults instead of
 * corrupting a neighbour. Same conditions and failures.
 */
void *vm_kmem_alloc_guarded(size_t size);

/* Free an allocation of size bytes made by vm_kmem_alloc_guarded(). */
void vm_kmem_free_guarded(void *addr, size_t size);

/* The kernel map (for reports and tests). */
struct vm_map *vm_kmem_map(void);

#endif /* VM_VM_KMEM_H */
