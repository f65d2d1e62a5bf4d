/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What kmem needs from below: the one interface between kern/kmem.c and
 * the memory it carves up. The kernel implements it over vm_page and
 * vm_kmem (kern/kmem_backend.c); the host unit tests and benchmarks over
 * an mmap arena (tests/unit/kmem_host.c). kern/kmem.c is compiled
 * unchanged for both, so the host tests run the kernel's own
 * kmem_alloc()/kmem_free(). Nothing but kmem and its backends may call
 * these functions.
 *
 * All of them may be called from any context, with or without
 * interrupts enabled, without kmem locks held, and never call back into
 * kmem.
 */
#ifndef KERN_KMEM_BACKEND_H
#define KERN_KMEM_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

/* Largest size kmem asks kmem_large_alloc() for. */
#define KMEM_LARGE_MAX          ((size_t)4 << 20)

/*
 * Slabs: blocks of 2^order pages (order 5, 128 KiB, at most), naturally
 * aligned and direct-mapped, with a private pointer per page that kmem
 * uses to find the slab of a buffer.
 */

/* Allocate a block; each page's private pointer is NULL. NULL if none. */
void *kmem_pages_alloc(unsigned int order);

/* Free a block from kmem_pages_alloc() with the same order. */
void kmem_pages_free(void *addr, unsigned int order);

/* Set the private pointer of every page of a block. */
void kmem_pages_priv_set(void *addr, unsigned int order, void *priv);

/*
 * Whether addr lies in a page of a block allocated by kmem_pages_alloc()
 * and not freed; if so, store that page's private pointer in *privp.
 */
bool kmem_pages_priv_get(const void *addr, void **privp);

/*
 * kmem_alloc() above KMEM_ALLOC_MAX: page-aligned memory of
 * kmem_large_size(size) usable bytes, for sizes from KMEM_ALLOC_MAX + 1
 * to KMEM_LARGE_MAX. The kernel need not make it physically contiguous.
 */

/* Allocate a large block of at least size bytes. NULL if none. */
void *kmem_large_alloc(size_t size);

/* Bytes kmem_large_alloc(size) provides. */
size_t kmem_large_size(size_t size);

/*
 * Free a block from kmem_large_alloc() with the same size. Returns false,
 * freeing nothing, when ptr is not such a block and the backend can tell
 * (the host backend always can; the kernel's panics in vm_kmem instead).
 */
bool kmem_large_free(void *ptr, size_t size);

#endif /* KERN_KMEM_BACKEND_H */
