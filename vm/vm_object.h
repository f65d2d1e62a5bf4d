/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VM objects: the memory behind user mappings. For now every object is
 * anonymous: its pages are created zero-filled on first touch (a fault)
 * and live until they are freed with a range or the object dies. Pages
 * are kept by offset in a radix tree (kern/rdxtree), come from vm_page
 * with the HIGHMEM selector (so user memory uses every segment, from the
 * highest down) and link back to their object: page->priv is the object,
 * page->owner_index the offset in pages.
 *
 *   error = vm_object_create(size, &object);       one reference
 *   error = vm_object_page_get(object, offset, &page, &created);
 *   vm_object_unref(object);                       last one frees every page
 *
 * Locking: each object has a spinlock, taken inside these calls (never
 * with interrupts disabled; thread context only). References are atomic.
 * Page zeroing and allocation run outside the lock. The object does not
 * know who maps its pages: callers unmap a page from every pmap before
 * they free it (vm_object_pages_free(), vm_object_unref()).
 *
 * Errors are negative VM_MAP_E* codes (vm/vm_map.h): ERROR_NOMEM when
 * vm_page or kmem has nothing left. Nothing here reclaims memory or
 * sleeps: vm_fault does the reclaiming and retries.
 */
#ifndef VM_VM_OBJECT_H
#define VM_VM_OBJECT_H

#include <stdbool.h>
#include <stdint.h>

#include <kern/rdxtree.h>
#include <kern/spinlock.h>
#include <vm/vm_page.h>

/* Largest object: offsets in pages must fit in 32 bits (page->owner_index). */
#define VM_OBJECT_SIZE_MAX      ((uint64_t)1 << (32 + PAGE_SHIFT))

struct vm_object {
    struct spinlock lock;       /* pages, nr_pages */
    unsigned int nr_refs;       /* atomic */
    struct rdxtree pages;       /* offset >> PAGE_SHIFT -> struct vm_page */
    uint64_t size;              /* bytes, multiple of PAGE_SIZE */
};

/* Create the kmem cache of objects. Once, after kmem_setup() and rdxtree_setup(). */
void vm_object_setup(void);

/*
 * Create an anonymous object of size bytes (a non-zero multiple of
 * PAGE_SIZE, at most VM_OBJECT_SIZE_MAX), with no pages and one
 * reference, in *objectp. Returns 0, ERROR_INVAL (bad size) or
 * ERROR_NOMEM (no memory for the object).
 */
int vm_object_create(uint64_t size, struct vm_object **objectp);

/* Take one more reference to object (which has at least one). Lock-free. */
void vm_object_ref(struct vm_object *object);

/*
 * Drop a reference. The last one frees every page of the object (no
 * pmap may map any of them any more) and the object itself.
 */
void vm_object_unref(struct vm_object *object);

/*
 * The page at offset (page-aligned, below the object's size): the one
 * the object holds, or a new zero-filled page from vm_page (HIGHMEM
 * selector, falling back to lower segments), inserted at offset.
 * *createdp (if not NULL) says which. Never sleeps. Returns 0 with
 * *pagep set, ERROR_INVAL (bad offset) or ERROR_NOMEM (no page, or no
 * radix tree node; object unchanged).
 */
int vm_object_page_get(struct vm_object *object, uint64_t offset,
                       struct vm_page **pagep, bool *createdp);

/* The page at offset, or NULL when the object has none there. */
struct vm_page *vm_object_page_lookup(struct vm_object *object, uint64_t offset);

/*
 * Free the object's pages in [start, end) (page-aligned offsets; no pmap
 * may map them any more). Returns how many were freed. Cannot fail.
 */
unsigned long vm_object_pages_free(struct vm_object *object, uint64_t start, uint64_t end);

/* Pages the object holds now. */
unsigned long vm_object_nr_pages(struct vm_object *object);

/* Objects alive now (for tests: 0 once every map is gone). */
unsigned long vm_object_count(void);

#endif /* VM_VM_OBJECT_H */
