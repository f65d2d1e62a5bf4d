/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VM objects: the memory behind user mappings. Every object is
 * anonymous: its pages are created zero-filled on first touch (a fault)
 * and live until they are freed with a range or the object dies. An
 * object may shadow another one (copy-on-write, doc/vm.md): where it has
 * no page of its own it shows its backing object's page at offset +
 * shadow_offset, recursively down the chain. Pages
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
 *   error = vm_object_shadow(backing, offset, size, &top);  backing's ref moves to top
 *   page = vm_object_page_find(top, offset, &owner);      first page down the chain
 *   error = vm_object_page_copy_in(top, offset, page, &copy, &created);
 *   vm_object_collapse(top);       absorb backing objects nobody else uses
 *
 * Chains: a backing object is referenced only by the objects shadowing
 * it, never by a map entry, and it never changes while it has more than
 * one reference, so a fault may read any object below its own top
 * object without a lock. Collapse changes a backing object only when it
 * has a single reference: the top object's, whose map lock the caller
 * holds. A shared object (mapped by entries of several maps,
 * vm_object_share()) never becomes a backing object.
 *
 * Errors are negative ERROR_* codes (kern/error.h): ERROR_NOMEM when
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

struct vm_pager;

/* Largest object: offsets in pages must fit in 32 bits (page->owner_index). */
#define VM_OBJECT_SIZE_MAX      ((uint64_t)1 << (32 + PAGE_SHIFT))

struct vm_object {
    struct spinlock lock;       /* pages, nr_pages */
    unsigned int nr_refs;       /* atomic */
    bool shared;                /* mapped by entries of more than one map */
    struct rdxtree pages;       /* offset >> PAGE_SHIFT -> struct vm_page */
    uint64_t size;              /* bytes, multiple of PAGE_SIZE */
    struct vm_object *shadow;   /* backing object (one reference), or NULL */
    uint64_t shadow_offset;     /* offset o here is shadow_offset + o in shadow */
    unsigned long copy_mark;    /* scratch for vm_user_map_fork(), under the map lock */
    struct vm_pager *pager;     /* an external memory manager's object (vm/vm_pager.h), or NULL */
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
 * pmap may map any of them any more) and the object itself; an external
 * pager's object is first terminated (vm_pager_object_release()).
 * Thread context for pager objects (the termination sends a message).
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

/*
 * Insert page (an allocated page of type VM_PAGE_OBJECT, contents the
 * caller's) at offset (page-aligned, below the size, free in the
 * object): from then on the object owns it and frees it like its own
 * (vm_user_allocate_contiguous()). Returns 0, ERROR_EXIST (the object
 * has a page there already) or ERROR_NOMEM (no radix tree node); on an
 * error the page is still the caller's.
 */
int vm_object_page_insert(struct vm_object *object, uint64_t offset, struct vm_page *page);

/* The page at offset, or NULL when the object has none there. */
struct vm_page *vm_object_page_lookup(struct vm_object *object, uint64_t offset);

/*
 * Free the object's pages in [start, end) (page-aligned offsets; no pmap
 * may map them any more). Returns how many were freed. Cannot fail.
 */
unsigned long vm_object_pages_free(struct vm_object *object, uint64_t start, uint64_t end);

/*
 * Create in *objectp an object of size bytes that shadows [offset,
 * offset + size) of backing (which must hold that range and not be
 * shared). The caller's reference to backing becomes the new object's.
 * Returns 0, ERROR_INVAL (bad size or range) or ERROR_NOMEM (nothing
 * changed: the caller keeps its reference).
 */
int vm_object_shadow(struct vm_object *backing, uint64_t offset, uint64_t size,
                     struct vm_object **objectp);

/*
 * The page seen at offset of object: its own, or the first one found
 * down its shadow chain; *ownerp (if not NULL) is the object holding it.
 * NULL when no object of the chain has one (the page reads as zeros).
 * Lock-free; the caller holds the lock of the map whose entry references
 * object.
 */
struct vm_page *vm_object_page_find(struct vm_object *object, uint64_t offset,
                                    struct vm_object **ownerp);

/*
 * Give object its own copy of src (a page of a backing object) at offset:
 * a new page with src's contents (HIGHMEM first). If another thread
 * inserted a page there first, that page is returned instead, with
 * *createdp false. Returns 0, ERROR_INVAL (bad offset) or ERROR_NOMEM.
 */
int vm_object_page_copy_in(struct vm_object *object, uint64_t offset,
                           const struct vm_page *src, struct vm_page **pagep,
                           bool *createdp);

/*
 * Merge into object every backing object that only object references:
 * pages object lacks move up (same physical page, so existing read-only
 * mappings stay right), the others are freed, and the backing object
 * goes. Stops early, chain intact, when a radix tree node cannot be
 * allocated. Returns how many backing objects went. The caller holds the
 * lock of the one map referencing object (object not shared).
 */
unsigned int vm_object_collapse(struct vm_object *object);

/*
 * Create in *copyp a new unshadowed object holding a copy of every page
 * visible in [offset, offset + size) of object and its chain (an eager
 * copy, for objects other maps may write: shared ones). Takes the
 * objects' locks; allocates and copies under them. Returns 0,
 * ERROR_INVAL or ERROR_NOMEM (nothing created).
 */
int vm_object_copy(struct vm_object *object, uint64_t offset, uint64_t size,
                   struct vm_object **copyp);

/* Mark object shared: mapped by entries of more than one map from now on. */
void vm_object_share(struct vm_object *object);

/* Objects in object's shadow chain, object included (tests, reports). */
unsigned int vm_object_depth(const struct vm_object *object);

/* Pages the object holds now. */
unsigned long vm_object_nr_pages(struct vm_object *object);

/* Objects alive now (for tests: 0 once every map is gone). */
unsigned long vm_object_count(void);

/* Pages held by all objects now (vm_statistics' active count). Lock-free. */
unsigned long vm_object_pages_total(void);

#endif /* VM_VM_OBJECT_H */
