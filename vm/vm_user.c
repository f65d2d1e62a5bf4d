/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * User address maps and the Mach VM calls on them; see vm/vm_user.h.
 *
 * Every entry of a user map maps a range of its own anonymous object and
 * holds one reference to it. A range operation first clips the entries
 * at its two ends (vm_map_clip()), so that it then works on whole
 * entries only; a clip that splits an entry gives the object a second
 * reference, one per entry. Unmapping then never needs memory, and the
 * only failure of a range operation is a clip finding no memory for an
 * entry, before anything changed (a clip on its own changes nothing a
 * user can see: entries are never merged anyway).
 *
 * Pages belong to objects, and an anonymous object's pages at the
 * offsets of an unmapped range are reachable through no other entry
 * (ranges of one object in different entries never overlap, and nothing
 * shares objects between maps yet), so unmapping frees them at once:
 * first out of the pmap (with the TLB shootdown), then out of the
 * object. Once inheritance by a child task can share objects, this
 * must only free pages the object no longer maps anywhere.
 *
 * GNU Mach's rules (../shared/MACH-ABI.md §6.2) are kept, including two
 * quiet ones: an address is truncated and a size rounded separately (so
 * an unaligned range may leave its last bytes out), and a range whose
 * end wraps past the top of the address space is an empty range for
 * vm_deallocate, vm_protect and vm_inherit. Arithmetic here checks for
 * the wrap instead of relying on it, so host tests (64-bit) and the
 * kernel behave alike.
 *
 * Errors inside are negative ERROR_* codes (kern/error.h); vm_user_kern_return() is
 * the one place that turns them into kern_return_t.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <include/mach/kern_return.h>
#include <kern/kmem.h>
#include <kern/macros.h>
#include <kern/mutex.h>
#include <kern/panic.h>
#include <machine/param.h>
#include <machine/pmap.h>
#include <vm/vm_map.h>
#include <vm/vm_object.h>
#include <vm/vm_user.h>

_Static_assert(VM_USER_MIN == 0, "range checks assume user maps start at 0");

static struct kmem_cache vm_user_map_cache;

/* Whether the calling thread holds the lock of the user map around map. */
static bool
vm_user_map_held(const struct vm_map *map)
{
    const struct vm_user_map *umap = structof(map, struct vm_user_map, map);

    return mutex_owned(&umap->lock);
}

kern_return_t
vm_user_kern_return(int error)
{
    /* Mach's VM calls report an overlap at a fixed address as no space. */
    return error_to_kern_return(error == ERROR_EXIST ? ERROR_NOSPC : error);
}

void
vm_user_setup(void)
{
    if (kmem_cache_init(&vm_user_map_cache, "vm_user_map", sizeof(struct vm_user_map),
                        0, NULL, 0) != 0) {
        panic("vm_user: cannot create the map cache");
    }
}

int
vm_user_map_create(struct vm_user_map **mapp)
{
    struct vm_user_map *map;
    int error;

    map = kmem_cache_alloc(&vm_user_map_cache);
    if (map == NULL) {
        return ERROR_NOMEM;
    }
    map->pmap = pmap_create();
    if (map->pmap == NULL) {
        kmem_cache_free(&vm_user_map_cache, map);
        return ERROR_NOMEM;
    }
    mutex_init(&map->lock);
    error = vm_map_init(&map->map, VM_USER_MIN, VM_USER_MAX);
    assert(error == 0);
    (void)error;
    vm_map_lock_external(&map->map, vm_user_map_held);
    map->nr_resident = 0;
    *mapp = map;
    return 0;
}

void
vm_user_map_lock(struct vm_user_map *map)
{
    mutex_lock(&map->lock);
}

void
vm_user_map_unlock(struct vm_user_map *map)
{
    mutex_unlock(&map->lock);
}

unsigned long
vm_user_map_resident(const struct vm_user_map *map)
{
    return __atomic_load_n(&map->nr_resident, __ATOMIC_RELAXED);
}

/* Drop entry's object reference after freeing the pages of its range. Map locked. */
static void
vm_user_entry_release(struct vm_user_map *map, const struct vm_map_entry *entry)
{
    unsigned long nr_freed;

    assert(entry->object != NULL);
    nr_freed = vm_object_pages_free(entry->object, entry->offset,
                                    entry->offset + (entry->end - entry->start));
    assert(nr_freed <= map->nr_resident);
    __atomic_store_n(&map->nr_resident, map->nr_resident - nr_freed, __ATOMIC_RELAXED);
    vm_object_unref(entry->object);
}

void
vm_user_map_destroy(struct vm_user_map *map)
{
    const struct vm_map_entry *entry;
    int error;

    /* Not loaded anywhere: no TLB holds its entries, so no pmap_remove() first. */
    mutex_lock(&map->lock);
    pmap_destroy(map->pmap);
    vm_map_for_each(&map->map, entry) {
        vm_user_entry_release(map, entry);
    }
    error = vm_map_remove(&map->map, VM_USER_MIN, VM_USER_MAX);
    assert(error == 0 && map->nr_resident == 0);
    (void)error;
    mutex_unlock(&map->lock);
    kmem_cache_free(&vm_user_map_cache, map);
}

/*
 * Make addr a boundary between entries; a split gives the object the
 * reference of its new entry. Map locked. Returns 0 or ERROR_NOMEM.
 */
static int
vm_user_clip(struct vm_user_map *map, uintptr_t addr)
{
    int error = vm_map_clip(&map->map, addr);

    if (error == 1) {
        vm_object_ref(vm_map_lookup(&map->map, addr)->object);
        error = 0;
    }
    return error;
}

/*
 * Clip entries at start and end so [start, end) is whole entries. Map
 * locked. Returns 0 or ERROR_NOMEM.
 */
static int
vm_user_clip_range(struct vm_user_map *map, uintptr_t start, uintptr_t end)
{
    int error = vm_user_clip(map, start);

    return (error != 0) ? error : vm_user_clip(map, end);
}

/*
 * GNU Mach's range of a call: [trunc(addr), round(addr + size)) clipped
 * to the map, empty when addr + size wraps. Returns false when empty.
 */
static bool
vm_user_range(uintptr_t addr, uintptr_t size, uintptr_t *startp, uintptr_t *endp)
{
    uintptr_t start, end;

    if (size > UINTPTR_MAX - addr || addr + size > UINTPTR_MAX - PAGE_MASK) {
        return false;
    }
    start = P2TRUNC(addr, PAGE_SIZE);      /* VM_USER_MIN is 0 */
    end = MIN(P2ROUND(addr + size, PAGE_SIZE), VM_USER_MAX);
    *startp = start;
    *endp = end;
    return start < end;
}

/*
 * Map a new anonymous object of size bytes (rounded up) at *addrp:
 * anywhere (aligned to align, starting below limit) or fixed (address
 * truncated). Returns 0 or a VM_MAP_E* code; nothing changed on error.
 */
static int
vm_user_enter(struct vm_user_map *map, uintptr_t *addrp, uintptr_t size, uintptr_t align,
              uintptr_t limit, bool anywhere, unsigned int prot, unsigned int max_prot,
              unsigned int inherit)
{
    struct vm_map_attr attr = {
        .prot = prot & max_prot, .max_prot = max_prot, .inherit = inherit, .offset = 0,
    };
    uintptr_t addr = 0;
    int error;

    assert(size != 0);
    if (size > VM_USER_MAX - VM_USER_MIN) {
        return anywhere ? ERROR_NOSPC : ERROR_FAULT;
    }
    size = P2ROUND(size, PAGE_SIZE);
    if (!anywhere) {
        addr = P2TRUNC(*addrp, PAGE_SIZE);
        if (addr >= VM_USER_MAX || size > VM_USER_MAX - addr) {  /* VM_USER_MIN is 0 */
            return ERROR_FAULT;
        }
    }
    error = vm_object_create(size, &attr.object);
    if (error != 0) {
        return error;
    }

    mutex_lock(&map->lock);
    if (anywhere) {
        error = vm_map_find_free(&map->map, size, align, &addr);
        if (error == 0 && addr >= limit) {
            error = ERROR_NOSPC;
        }
    }
    if (error == 0) {
        error = vm_map_enter_attr(&map->map, &addr, size, 0, &attr, VM_MAP_FIXED);
    }
    mutex_unlock(&map->lock);

    if (error != 0) {
        vm_object_unref(attr.object);
        return error;
    }
    *addrp = addr;
    return 0;
}

kern_return_t
vm_user_allocate(struct vm_user_map *map, uintptr_t *addrp, uintptr_t size, bool anywhere)
{
    if (map == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    if (size == 0) {
        *addrp = 0;
        return KERN_SUCCESS;
    }
    return vm_user_kern_return(vm_user_enter(map, addrp, size, 0, UINTPTR_MAX, anywhere,
                                             VM_MAP_PROT_RW, VM_MAP_PROT_ALL,
                                             VM_MAP_INHERIT_COPY));
}

kern_return_t
vm_user_map(struct vm_user_map *map, uintptr_t *addrp, uintptr_t size, uintptr_t mask,
            bool anywhere, bool copy, unsigned int cur_prot, unsigned int max_prot,
            unsigned int inherit)
{
    uintptr_t low, high, align, limit = UINTPTR_MAX;

    (void)copy;                     /* a private copy of nothing: anonymous memory */
    if (map == NULL || (cur_prot & ~VM_MAP_PROT_ALL) != 0
        || (max_prot & ~VM_MAP_PROT_ALL) != 0 || inherit > VM_MAP_INHERIT_NONE
        || size == 0) {
        return KERN_INVALID_ARGUMENT;
    }
    /* mask = high bits (an upper limit) over a low run of ones (the alignment). */
    low = mask & ~(mask + 1);
    high = mask & ~low;
    if (low == UINTPTR_MAX) {
        align = 0;
        limit = 1;                  /* only address 0 has no bit of mask set */
    } else {
        align = low + 1;
        if (high != 0) {
            limit = high & -high;
        }
    }
    return vm_user_kern_return(vm_user_enter(map, addrp, size, align, limit, anywhere,
                                             cur_prot, max_prot, inherit));
}

kern_return_t
vm_user_deallocate(struct vm_user_map *map, uintptr_t addr, uintptr_t size)
{
    const struct vm_map_entry *entry;
    uintptr_t start, end;
    int error;

    if (map == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    if (size == 0 || !vm_user_range(addr, size, &start, &end)) {
        return KERN_SUCCESS;
    }
    mutex_lock(&map->lock);
    error = vm_user_clip_range(map, start, end);
    if (error != 0) {
        mutex_unlock(&map->lock);
        return vm_user_kern_return(error);
    }
    for (entry = vm_map_lookup_from(&map->map, start);
         entry != NULL && entry->start < end; entry = vm_map_next(&map->map, entry)) {
        assert(entry->start >= start && entry->end <= end);
        error = pmap_remove(map->pmap, entry->start, entry->end);
        assert(error == 0);
        vm_user_entry_release(map, entry);
    }
    error = vm_map_remove(&map->map, start, end);   /* whole entries: cannot fail */
    assert(error == 0);
    mutex_unlock(&map->lock);
    return KERN_SUCCESS;
}

kern_return_t
vm_user_protect(struct vm_user_map *map, uintptr_t addr, uintptr_t size, bool set_max,
                unsigned int prot)
{
    const struct vm_map_entry *entry;
    unsigned int cur, max, old;
    uintptr_t start, end;
    int error;

    if (map == NULL || (prot & ~(VM_MAP_PROT_ALL | VM_USER_PROT_NOTIFY)) != 0) {
        return KERN_INVALID_ARGUMENT;
    }
    prot &= VM_MAP_PROT_ALL;
    if (!vm_user_range(addr, size, &start, &end)) {
        return KERN_SUCCESS;
    }
    mutex_lock(&map->lock);
    error = vm_user_clip_range(map, start, end);
    /* Check every entry before changing any. */
    for (entry = vm_map_lookup_from(&map->map, start);
         error == 0 && entry != NULL && entry->start < end;
         entry = vm_map_next(&map->map, entry)) {
        if ((prot & ~entry->max_protection) != 0) {
            error = ERROR_PROT;
        }
    }
    for (entry = vm_map_lookup_from(&map->map, start);
         error == 0 && entry != NULL && entry->start < end;
         entry = vm_map_next(&map->map, entry)) {
        old = entry->protection;
        max = set_max ? prot : entry->max_protection;
        cur = set_max ? (old & prot) : prot;
        error = vm_map_entry_attr_set(&map->map, entry, cur, max, entry->inheritance);
        assert(error == 0);
        if ((old & ~cur) != 0) {
            /* Rights removed: mapped pages lose them now (0 unmaps). */
            error = pmap_protect(map->pmap, entry->start, entry->end, cur);
            assert(error == 0);
        }
    }
    mutex_unlock(&map->lock);
    return vm_user_kern_return(error);
}

kern_return_t
vm_user_inherit(struct vm_user_map *map, uintptr_t addr, uintptr_t size, unsigned int inherit)
{
    const struct vm_map_entry *entry;
    uintptr_t start, end;
    int error;

    if (map == NULL || inherit > VM_MAP_INHERIT_NONE) {
        return KERN_INVALID_ARGUMENT;
    }
    if (!vm_user_range(addr, size, &start, &end)) {
        return KERN_SUCCESS;
    }
    mutex_lock(&map->lock);
    error = vm_user_clip_range(map, start, end);
    for (entry = vm_map_lookup_from(&map->map, start);
         error == 0 && entry != NULL && entry->start < end;
         entry = vm_map_next(&map->map, entry)) {
        error = vm_map_entry_attr_set(&map->map, entry, entry->protection,
                                      entry->max_protection, inherit);
        assert(error == 0);
    }
    mutex_unlock(&map->lock);
    return vm_user_kern_return(error);
}
