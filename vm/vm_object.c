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
 * Copy-on-write uses shadow chains (the Mach design, doc/vm.md has the
 * choice and its costs): a copy is a new, empty object in front of the
 * original, and a write copies one page up into it. Chains stay short
 * because vm_object_collapse() merges a backing object into its single
 * remaining user as soon as the other side of a copy has gone: after a
 * fork-like task_create and the child's end, the parent's chain is one
 * object again at its next fault or copy. The pages moved up keep their
 * physical address, so nothing mapped needs to change; a moved page only
 * needs its owner fields rewritten. When the backing object holds most
 * pages (the usual case: a parent that forked, wrote a few pages, and
 * whose child has gone), the top object adopts the backing object's
 * whole radix tree and puts its own few pages back on top, so the cost
 * is a walk rewriting owner fields rather than a removal and an
 * insertion per page. Freeing a chain is a loop, not a
 * recursion, so a long chain cannot overflow the kernel stack.
 *
 * Host unit tests compile this file with vm/vm_page.c over synthetic
 * memory and their own pmap_page_zero() and pmap_page_copy().
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
#include <vm/vm_pager.h>

static struct kmem_cache vm_object_cache;
static unsigned long vm_object_nr_alive;
static unsigned long vm_object_nr_pages_all;    /* pages in every object's tree */

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
    object->shared = false;
    rdxtree_init(&object->pages);
    object->size = size;
    object->shadow = NULL;
    object->shadow_offset = 0;
    object->copy_mark = 0;
    object->pager = NULL;
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

/* Give page, never inserted in an object or removed from it, back to vm_page. */
static void
vm_object_page_release(struct vm_page *page)
{
    page->priv = NULL;
    vm_page_free(page, 0);
}

/* Count pages entering (delta > 0) or leaving every object's tree. */
static void
vm_object_pages_count(long delta)
{
    __atomic_fetch_add(&vm_object_nr_pages_all, (unsigned long)delta, __ATOMIC_RELAXED);
}

/* Give page, just removed from an object's tree, back to vm_page. */
static void
vm_object_page_drop(struct vm_page *page)
{
    vm_object_pages_count(-1);
    vm_object_page_release(page);
}

/* Free object (no page, no reference left), keeping its reference to its shadow. */
static void
vm_object_free(struct vm_object *object)
{
    assert(rdxtree_nr_values(&object->pages) == 0);
    kmem_cache_free(&vm_object_cache, object);
    __atomic_fetch_sub(&vm_object_nr_alive, 1, __ATOMIC_RELAXED);
}

void
vm_object_unref(struct vm_object *object)
{
    struct vm_object *shadow;
    unsigned int old;

    /* The chain below is released in a loop: a long chain costs no stack. */
    while (object != NULL) {
        if (object->pager != NULL) {
            /* Its count drops under the pager table's lock, which lookups take. */
            if (!vm_pager_object_release(object)) {
                return;
            }
        } else {
            old = __atomic_fetch_sub(&object->nr_refs, 1, __ATOMIC_ACQ_REL);
            assert(old != 0);
            if (old != 1) {
                return;
            }
        }
        shadow = object->shadow;
        vm_object_pages_free(object, 0, object->size);
        if (object->pager != NULL) {
            vm_pager_object_terminate(object);
        }
        vm_object_free(object);
        object = shadow;
    }
}

int
vm_object_shadow(struct vm_object *backing, uint64_t offset, uint64_t size,
                 struct vm_object **objectp)
{
    struct vm_object *object;
    int error;

    assert(!backing->shared);
    if (!P2ALIGNED(offset, PAGE_SIZE) || offset > backing->size
        || size > backing->size - offset) {
        return ERROR_INVAL;
    }
    error = vm_object_create(size, &object);
    if (error != 0) {
        return error;
    }
    object->shadow = backing;
    object->shadow_offset = offset;
    *objectp = object;
    return 0;
}

int
vm_object_page_insert(struct vm_object *object, uint64_t offset, struct vm_page *page)
{
    uint32_t key;
    int error;

    assert(P2ALIGNED(offset, PAGE_SIZE) && offset < object->size);
    assert(page->type == VM_PAGE_OBJECT);
    key = (uint32_t)(offset >> PAGE_SHIFT);
    page->priv = object;
    page->owner_index = key;
    spinlock_lock(&object->lock);
    error = rdxtree_insert(&object->pages, key, page);
    spinlock_unlock(&object->lock);
    if (error != 0) {
        assert(error == ERROR_NOMEM || error == ERROR_EXIST);
        page->priv = NULL;
        return error;
    }
    vm_object_pages_count(1);
    return 0;
}

struct vm_page *
vm_object_page_find(struct vm_object *object, uint64_t offset, struct vm_object **ownerp)
{
    struct vm_page *page;

    while (object != NULL && offset < object->size) {
        page = rdxtree_lookup(&object->pages, (uint32_t)(offset >> PAGE_SHIFT));
        if (page != NULL) {
            if (ownerp != NULL) {
                *ownerp = object;
            }
            return page;
        }
        offset += object->shadow_offset;
        object = object->shadow;
    }
    return NULL;
}

void
vm_object_share(struct vm_object *object)
{
    object->shared = true;
}

unsigned int
vm_object_depth(const struct vm_object *object)
{
    unsigned int depth = 0;

    for (; object != NULL; object = object->shadow) {
        depth++;
    }
    return depth;
}

/*
 * Put fresh, a new page for key, in object, unless another thread put
 * one there first: then fresh is freed and the other page is returned.
 * *createdp (if not NULL) says which. Takes the object lock. Returns 0,
 * or ERROR_NOMEM (fresh freed) when the tree has no memory for a node.
 */
static int
vm_object_page_install(struct vm_object *object, uint32_t key, struct vm_page *fresh,
                       struct vm_page **pagep, bool *createdp)
{
    struct vm_page *page;
    int error;

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
        vm_object_pages_count(1);
    }
    spinlock_unlock(&object->lock);
    if (page != NULL) {
        vm_object_page_release(fresh);
    } else {
        page = fresh;
    }
    if (createdp != NULL) {
        *createdp = page == fresh;
    }
    *pagep = page;
    return 0;
}

int
vm_object_page_get(struct vm_object *object, uint64_t offset,
                   struct vm_page **pagep, bool *createdp)
{
    struct vm_page *page, *fresh;
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
        error = vm_object_page_install(object, key, fresh, &page, createdp);
        if (error != 0) {
            return error;
        }
    } else if (createdp != NULL) {
        *createdp = false;
    }
    /*
     * Pages leave an object only through vm_object_pages_free(), which
     * the owners of the mappings call under their map lock, after
     * unmapping: the page stays valid for the caller holding that lock.
     */
    assert(page->priv == object && page->owner_index == key && page->type == VM_PAGE_OBJECT);
    *pagep = page;
    return 0;
}

int
vm_object_page_copy_in(struct vm_object *object, uint64_t offset, const struct vm_page *src,
                       struct vm_page **pagep, bool *createdp)
{
    struct vm_page *fresh;

    if (!P2ALIGNED(offset, PAGE_SIZE) || offset >= object->size) {
        return ERROR_INVAL;
    }
    fresh = vm_page_alloc(0, VM_PAGE_SEL_HIGHMEM, VM_PAGE_OBJECT);
    if (fresh == NULL) {
        return ERROR_NOMEM;
    }
    pmap_page_copy(vm_page_to_pa(fresh), vm_page_to_pa(src));
    return vm_object_page_install(object, (uint32_t)(offset >> PAGE_SHIFT), fresh,
                                  pagep, createdp);
}

/*
 * Move backing's pages up into object (its only user) or free them.
 * Both locked. Returns 0, or ERROR_NOMEM with some pages moved (every
 * moved page was hidden by nothing, so the chain still shows the same).
 */
static int
vm_object_absorb(struct vm_object *object, struct vm_object *backing)
{
    struct rdxtree_iter iter;
    struct vm_page *page, *removed;
    uint64_t offset, start = object->shadow_offset;
    uint32_t key;
    int error;

    rdxtree_iter_init(&iter);
    while ((page = rdxtree_iter_next(&backing->pages, &iter)) != NULL) {
        offset = (uint64_t)rdxtree_iter_key(&iter) << PAGE_SHIFT;
        if (offset < start || offset - start >= object->size
            || rdxtree_lookup_locked(&object->pages,
                                     (uint32_t)((offset - start) >> PAGE_SHIFT)) != NULL) {
            /* Outside object's window, or hidden by object's own copy: nobody sees it. */
            removed = rdxtree_remove(&backing->pages, rdxtree_iter_key(&iter));
            assert(removed == page);
            (void)removed;
            vm_object_page_drop(page);
            continue;
        }
        key = (uint32_t)((offset - start) >> PAGE_SHIFT);
        error = rdxtree_insert(&object->pages, key, page);
        if (error != 0) {
            assert(error == ERROR_NOMEM);
            return error;
        }
        removed = rdxtree_remove(&backing->pages, rdxtree_iter_key(&iter));
        assert(removed == page);
        (void)removed;
        page->priv = object;
        page->owner_index = key;
    }
    return 0;
}

/* rdxtree_visit() callback of vm_object_pages_own(). */
static void
vm_object_page_own(void *object, uint32_t key, void *value)
{
    struct vm_page *page = value;

    page->priv = object;
    page->owner_index = key;
}

/* Point every page of object's tree back at object (their keys are their offsets). Locked. */
static void
vm_object_pages_own(struct vm_object *object)
{
    rdxtree_visit(&object->pages, vm_object_page_own, object);
}

/*
 * vm_object_absorb() for a backing object seen at offset 0 and holding
 * more pages than object: object adopts backing's whole tree (its pages
 * change owner fields only) and then puts its own pages back on top,
 * instead of moving backing's pages one by one. Both locked. Returns 0,
 * or ERROR_NOMEM with the trees given back (object then holds the pages
 * it could not put back, backing the rest: the chain shows the same).
 */
static int
vm_object_adopt(struct vm_object *object, struct vm_object *backing)
{
    struct rdxtree_iter iter;
    struct rdxtree own = object->pages;
    struct vm_page *page, *hidden;
    uint32_t key, limit = (uint32_t)(object->size >> PAGE_SHIFT);
    int error = 0;

    assert(object->shadow_offset == 0);
    object->pages = backing->pages;
    backing->pages = own;

    /* Past object's end: seen by nobody. */
    rdxtree_iter_init(&iter);
    iter.next = limit;
    while ((page = rdxtree_iter_next(&object->pages, &iter)) != NULL) {
        hidden = rdxtree_remove(&object->pages, rdxtree_iter_key(&iter));
        assert(hidden == page);
        vm_object_page_drop(page);
    }
    vm_object_pages_own(object);

    /* object's own pages back on top, hiding (and freeing) backing's. */
    rdxtree_iter_init(&iter);
    while ((page = rdxtree_iter_next(&backing->pages, &iter)) != NULL) {
        key = rdxtree_iter_key(&iter);
        hidden = rdxtree_replace(&object->pages, key, page);
        if (hidden != NULL) {
            vm_object_page_drop(hidden);
        } else {
            error = rdxtree_insert(&object->pages, key, page);
            if (error != 0) {
                break;
            }
        }
        rdxtree_remove(&backing->pages, key);
    }
    if (error != 0) {
        /*
         * Swap back: object keeps the pages not yet put back, backing
         * the adopted ones and those put back over them, which only
         * object (backing's single user) sees through it.
         */
        assert(error == ERROR_NOMEM);
        own = object->pages;
        object->pages = backing->pages;
        backing->pages = own;
        vm_object_pages_own(backing);
    }
    return error;
}

unsigned int
vm_object_collapse(struct vm_object *object)
{
    struct vm_object *backing;
    unsigned int nr_collapsed = 0;
    int error;

    assert(!object->shared);
    while ((backing = object->shadow) != NULL
           && __atomic_load_n(&backing->nr_refs, __ATOMIC_ACQUIRE) == 1) {
        assert(!backing->shared);
        spinlock_lock(&object->lock);
        spinlock_lock(&backing->lock);
        if (object->shadow_offset == 0
            && rdxtree_nr_values(&backing->pages) > rdxtree_nr_values(&object->pages)) {
            error = vm_object_adopt(object, backing);
        } else {
            error = vm_object_absorb(object, backing);
        }
        spinlock_unlock(&backing->lock);
        if (error != 0) {
            spinlock_unlock(&object->lock);
            break;
        }
        /* backing's reference to its own shadow becomes object's. */
        object->shadow = backing->shadow;
        object->shadow_offset += backing->shadow_offset;
        spinlock_unlock(&object->lock);
        vm_object_free(backing);
        nr_collapsed++;
    }
    return nr_collapsed;
}

int
vm_object_copy(struct vm_object *object, uint64_t offset, uint64_t size,
               struct vm_object **copyp)
{
    struct rdxtree_iter iter;
    struct vm_object *copy;
    struct vm_page *page, *dst;
    uint64_t first, end;
    bool created;
    int error;

    if (!P2ALIGNED(offset, PAGE_SIZE) || offset > object->size
        || size > object->size - offset) {
        return ERROR_INVAL;
    }
    error = vm_object_create(size, &copy);
    if (error != 0) {
        return error;
    }
    /* Top object first: a page already copied hides the ones below it. */
    for (; object != NULL && error == 0; offset += object->shadow_offset,
         object = object->shadow) {
        if (offset >= object->size) {
            break;
        }
        first = offset >> PAGE_SHIFT;
        end = MIN(offset + size, object->size) >> PAGE_SHIFT;
        spinlock_lock(&object->lock);
        rdxtree_iter_init(&iter);
        iter.next = (uint32_t)first;
        while (error == 0 && (page = rdxtree_iter_next(&object->pages, &iter)) != NULL
               && rdxtree_iter_key(&iter) < end) {
            uint64_t at = (rdxtree_iter_key(&iter) - first) << PAGE_SHIFT;

            if (rdxtree_lookup(&copy->pages, (uint32_t)(at >> PAGE_SHIFT)) == NULL) {
                error = vm_object_page_copy_in(copy, at, page, &dst, &created);
            }
        }
        spinlock_unlock(&object->lock);
    }
    if (error != 0) {
        vm_object_unref(copy);
        return error;
    }
    *copyp = copy;
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
        vm_object_page_drop(page);
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

unsigned long
vm_object_pages_total(void)
{
    return __atomic_load_n(&vm_object_nr_pages_all, __ATOMIC_RELAXED);
}
