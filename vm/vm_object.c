/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Anonymous VM objects; see vm/vm_object.h.
 *
 * Why a radix tree of pages per object: the lookup a fault needs is by
 * offset, the tree is already the kernel's structure for sparse integer
 * keys (IPC names), it costs O(height) with no rebalancing, and it frees
 * its nodes as it empties, so an object that shrinks gives its memory
 * back. Keys are offsets in pages, 32 bits: 16 TiB per object.
 *
 * The page descriptor carries the reverse link (priv: object, index:
 * offset in pages) inside its existing padding, so a physical page can
 * be traced to its owner (later: pageout, shared memory) without a
 * bigger descriptor.
 *
 * A new page is allocated and zeroed before the object lock is taken,
 * then inserted under it. When two threads fault on the same offset of a
 * shared object at once, the loser finds the winner's page, frees its
 * own and returns the winner's: the zeroing never runs under a spinlock.
 *
 * Host unit tests compile this file with vm/vm_page.c over synthetic
 * memory and their own pmap_page_zero().
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kern/kmem.h>
#include <kern/macros.h>
#include <kern/panic.h>
#include <kern/rdxtree.h>
#include <kern/spinlock.h>
#include <machine/param.h>
#include <machine/pmap.h>
#include <vm/vm_map.h>
#include <vm/vm_object.h>
#include <vm/vm_page.h>

static struct kmem_cache vm_object_cache;
static unsigned long vm_object_nr_alive;

void
vm_object_setup(void)
{
    if (kmem_cache_init(&vm_object_cache, "vm_object", sizeof(struct vm_object),
                        0, NULL, 0) != 0) {
        panic("vm_object: cannot create the object cache");
    }
}

int
vm_object_create(uint64_t size, struct vm_object **objectp)
{
    struct vm_object *object;

    if (size == 0 || !P2ALIGNED(size, PAGE_SIZE) || size > VM_OBJECT_SIZE_MAX) {
        return ERROR_INVAL;
    }
    object = kmem_cache_alloc(&vm_object_cache);
    if (object == NULL) {
        return ERROR_NOMEM;
    }
    spinlock_init(&object->lock);
    object->nr_refs = 1;
    rdxtree_init(&object->pages);
    object->size = size;
    __atomic_fetch_add(&vm_object_nr_alive, 1, __ATOMIC_RELAXED);
    *objectp = object;
    return 0;
}

void
vm_object_ref(struct vm_object *object)
{
    unsigned int old = __atomic_fetch_add(&object->nr_refs, 1, __ATOMIC_RELAXED);

    assert(old != 0);
    (void)old;
}

/* Give page, removed from its object, back to vm_page. */
static void
vm_object_page_release(struct vm_page *page)
{
    page->priv = NULL;
    vm_page_free(page, 0);
}

void
vm_object_unref(struct vm_object *object)
{
    unsigned int old = __atomic_fetch_sub(&object->nr_refs, 1, __ATOMIC_ACQ_REL);

    assert(old != 0);
    if (old != 1) {
        return;
    }
    vm_object_pages_free(object, 0, object->size);
    assert(rdxtree_nr_values(&object->pages) == 0);
    kmem_cache_free(&vm_object_cache, object);
    __atomic_fetch_sub(&vm_object_nr_alive, 1, __ATOMIC_RELAXED);
}

int
vm_object_page_get(struct vm_object *object, uint64_t offset,
                   struct vm_page **pagep, bool *createdp)
{
    struct vm_page *page, *fresh;
    bool created = false;
    uint32_t key;
    int error;

    if (!P2ALIGNED(offset, PAGE_SIZE) || offset >= object->size) {
        return ERROR_INVAL;
    }
    key = (uint32_t)(offset >> PAGE_SHIFT);
    page = rdxtree_lookup(&object->pages, key);
    if (page == NULL) {
        fresh = vm_page_alloc(0, VM_PAGE_SEL_HIGHMEM, VM_PAGE_OBJECT);
        if (fresh == NULL) {
            return ERROR_NOMEM;
        }
        pmap_page_zero(vm_page_to_pa(fresh));
        fresh->priv = object;
        fresh->owner_index = key;

        spinlock_lock(&object->lock);
        page = rdxtree_lookup_locked(&object->pages, key);
        if (page == NULL) {
            error = rdxtree_insert(&object->pages, key, fresh);
            if (error != 0) {
                spinlock_unlock(&object->lock);
                assert(error == ERROR_NOMEM);
                vm_object_page_release(fresh);
                return ERROR_NOMEM;
            }
            page = fresh;
            created = true;
        }
        spinlock_unlock(&object->lock);
        if (!created) {
            vm_object_page_release(fresh);  /* another thread inserted one first */
        }
    }
    /*
     * Pages leave an object only through vm_object_pages_free(), which
     * the owners of the mappings call under their map lock, after
     * unmapping: the page stays valid for the caller holding that lock.
     */
    assert(page->priv == object && page->owner_index == key && page->type == VM_PAGE_OBJECT);
    *pagep = page;
    if (createdp != NULL) {
        *createdp = created;
    }
    return 0;
}

struct vm_page *
vm_object_page_lookup(struct vm_object *object, uint64_t offset)
{
    if (offset >= object->size) {
        return NULL;
    }
    return rdxtree_lookup(&object->pages, (uint32_t)(offset >> PAGE_SHIFT));
}

unsigned long
vm_object_pages_free(struct vm_object *object, uint64_t start, uint64_t end)
{
    struct rdxtree_iter iter;
    struct vm_page *page, *removed;
    unsigned long nr_freed = 0;
    uint64_t first, last;

    assert(P2ALIGNED(start, PAGE_SIZE) && P2ALIGNED(end, PAGE_SIZE) && start <= end);
    end = MIN(end, object->size);
    if (start >= end) {
        return 0;
    }
    first = start >> PAGE_SHIFT;
    last = (end >> PAGE_SHIFT) - 1;

    spinlock_lock(&object->lock);
    rdxtree_iter_init(&iter);
    iter.next = (uint32_t)first;
    while ((page = rdxtree_iter_next(&object->pages, &iter)) != NULL
           && rdxtree_iter_key(&iter) <= last) {
        removed = rdxtree_remove(&object->pages, rdxtree_iter_key(&iter));
        assert(removed == page && page->priv == object
               && page->owner_index == rdxtree_iter_key(&iter));
        (void)removed;
        vm_object_page_release(page);
        nr_freed++;
    }
    spinlock_unlock(&object->lock);
    return nr_freed;
}

unsigned long
vm_object_nr_pages(struct vm_object *object)
{
    return rdxtree_nr_values(&object->pages);
}

unsigned long
vm_object_count(void)
{
    return __atomic_load_n(&vm_object_nr_alive, __ATOMIC_RELAXED);
}
