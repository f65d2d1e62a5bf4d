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
 * Pages belong to objects. An unshared object's pages at the offsets of
 * an unmapped range are reachable through no other entry (ranges of one
 * object in different entries of a map never overlap), so unmapping
 * frees them at once: first out of the pmap (with the TLB shootdown),
 * then out of the object. A shared object's pages (VM_INHERIT_SHARE) may
 * be mapped by another map, and the object does not know where (no
 * reverse map), so they stay until the object dies; so do the pages of
 * backing objects (copy-on-write), which collapse or the object's death
 * frees.
 *
 * Inheritance (vm_user_map_fork(), doc/vm.md): a COPY entry whose object
 * no other map uses gets copy-on-write: every parent entry of that
 * object is given a new empty shadow object in front of it and its
 * pages are write-protected in the parent's pmap, and the child's entry
 * gets another shadow of the same object. A COPY entry of a shared
 * object is copied at once (another map may write the object, so a
 * shadow would not freeze it). SHARE gives the child the same object,
 * which is marked shared; NONE gives nothing.
 *
 * Out-of-line memory and vm_read take a range out of a map as pieces
 * (vm_user_map_extract(): object, offset, size, one reference each) and
 * map pieces into another map (vm_user_map_insert()), two halves so that
 * a message can hold the pieces while it is queued. A copy gives each
 * entry of the range the fork treatment above and keeps a shadow; a
 * move hands an entry's object over when the entry holds its only
 * reference (the object then belongs to no map until it is inserted,
 * frozen like a backing object), and shadows it otherwise.
 *
 * GNU Mach's rules (../shared/MACH-ABI.md §6.2) are kept, including two
 * quiet ones: an address is truncated and a size rounded separately (so
 * an unaligned range may leave its last bytes out), and a range whose
 * end wraps past the top of the address space is an empty range for
 * vm_deallocate, vm_protect and vm_inherit. Arithmetic here checks for
 * the wrap instead of relying on it, so host tests (64-bit) and the
 * kernel behave alike.
 *
 * vm_write and vm_copy overwrite page by page (an eager copy: each
 * destination page made the map's own by the fault path, then filled),
 * so destination entries are never replaced or split; GNU Mach maps the
 * data copy-on-write instead. Wiring has no pageout to stop: it faults
 * the pages in, records the access in the entry and keeps wired objects
 * out of copy-on-write (they are copied at once), so wired physical
 * pages never move. doc/vm.md has the details and the differences.
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
#include <kern/printf.h>
#include <kern/shell.h>
#include <kern/string.h>
#include <machine/param.h>
#include <machine/pmap.h>
#include <vm/vm_fault.h>
#include <vm/vm_map.h>
#include <vm/vm_object.h>
#include <vm/vm_page.h>
#include <vm/vm_user.h>

_Static_assert(VM_USER_MIN == 0, "range checks assume user maps start at 0");

static struct kmem_cache vm_user_map_cache;

static int vm_user_wire_entry(struct vm_user_map *map, const struct vm_map_entry *entry,
                              unsigned int access);

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
    /* No limit by default: see VM_USER_SIZE_LIMIT_DEFAULT. */
    map->size_cur_limit = VM_USER_SIZE_LIMIT_DEFAULT;
    map->size_max_limit = VM_USER_SIZE_LIMIT_DEFAULT;
    map->wire_future = false;
    memset(&map->events, 0, sizeof(map->events));
    error = vm_map_init(&map->map, VM_USER_MIN, VM_USER_MAX);
    assert(error == 0);
    (void)error;
    vm_map_lock_external(&map->map, vm_user_map_held);
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
    return pmap_resident_count(map->pmap);
}

/*
 * Drop entry's object reference after freeing the pages of its range
 * when the object is this map's alone. Map locked.
 */
static void
vm_user_entry_release(const struct vm_map_entry *entry)
{
    assert(entry->object != NULL);
    if (!entry->object->shared) {
        vm_object_pages_free(entry->object, entry->offset,
                             entry->offset + (entry->end - entry->start));
    }
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
        vm_user_entry_release(entry);
    }
    error = vm_map_remove(&map->map, VM_USER_MIN, VM_USER_MAX);
    assert(error == 0);
    (void)error;
    mutex_unlock(&map->lock);
    kmem_cache_free(&vm_user_map_cache, map);
}

void
vm_user_map_empty(struct vm_user_map *map)
{
    kern_return_t kr;

    kr = vm_user_deallocate(map, VM_USER_MIN, VM_USER_MAX - VM_USER_MIN);
    assert(kr == KERN_SUCCESS);     /* whole entries: nothing to clip */
    (void)kr;
    assert(vm_map_first(&map->map) == NULL);
}

kern_return_t
vm_user_region(struct vm_user_map *map, uintptr_t addr, struct vm_user_region *regionp)
{
    const struct vm_map_entry *entry;

    if (map == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    mutex_lock(&map->lock);
    entry = (addr < VM_USER_MAX) ? vm_map_lookup_from(&map->map, addr) : NULL;
    if (entry != NULL) {
        regionp->start = entry->start;
        regionp->size = entry->end - entry->start;
        regionp->prot = entry->protection;
        regionp->max_prot = entry->max_protection;
        regionp->inherit = entry->inheritance;
        regionp->shared = entry->object->shared;
        regionp->wired = entry->wired_access != 0;
        regionp->offset = entry->offset;
        regionp->object = (uintptr_t)entry->object;
    }
    mutex_unlock(&map->lock);
    return (entry != NULL) ? KERN_SUCCESS : KERN_NO_SPACE;
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
 * Bytes of map counted against its size limit: every entry but those
 * whose maximum protection is NONE (GNU Mach's size - size_none). Map
 * locked.
 */
static uintptr_t
vm_user_map_size(struct vm_user_map *map)
{
    const struct vm_map_entry *entry;
    uintptr_t size = 0;

    vm_map_for_each(&map->map, entry) {
        if (entry->max_protection != VM_MAP_PROT_NONE) {
            size += entry->end - entry->start;
        }
    }
    return size;
}

/*
 * Check that size more bytes with maximum protection max_prot keep map
 * within its current size limit, as GNU Mach's vm_map_enter does after
 * finding room. Map locked. Returns 0, ERROR_NOSPC (over the limit) or
 * ERROR_INVAL (the sum wraps).
 */
static int
vm_user_limit_check(struct vm_user_map *map, uintptr_t size, unsigned int max_prot)
{
    uintptr_t used;

    if (max_prot == VM_MAP_PROT_NONE) {
        return 0;
    }
    used = vm_user_map_size(map);
    if (size > UINTPTR_MAX - used) {
        return ERROR_INVAL;
    }
    return (used + size > map->size_cur_limit) ? ERROR_NOSPC : 0;
}

/*
 * Map size bytes (rounded up) of object from offset (one reference, given
 * to the new entry), or of a new anonymous object when object is NULL, at *addrp:
 * anywhere (aligned to align, starting below limit) or fixed (address
 * truncated). The size limit applies; a map wiring its future mappings
 * wires the new entry. Returns 0 or an ERROR_* code; nothing changed on
 * error (object keeps the caller's reference).
 */
static int
vm_user_enter(struct vm_user_map *map, uintptr_t *addrp, uintptr_t size, uintptr_t align,
              uintptr_t limit, bool anywhere, unsigned int prot, unsigned int max_prot,
              unsigned int inherit, struct vm_object *object, uint64_t offset)
{
    struct vm_map_attr attr = {
        .prot = prot & max_prot, .max_prot = max_prot, .inherit = inherit, .offset = offset,
        .object = object,
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
    if (object == NULL) {
        error = vm_object_create(size, &attr.object);
        if (error != 0) {
            return error;
        }
    }

    mutex_lock(&map->lock);
    if (anywhere) {
        error = vm_map_find_free(&map->map, size, align, &addr);
        if (error == 0 && addr >= limit) {
            error = ERROR_NOSPC;
        }
    }
    if (error == 0) {
        error = vm_user_limit_check(map, size, max_prot);
    }
    if (error == 0) {
        error = vm_map_enter_attr(&map->map, &addr, size, 0, &attr, VM_MAP_FIXED);
    }
    if (error == 0 && map->wire_future) {
        /* Pages that cannot be had now come at the first touch. */
        (void)vm_user_wire_entry(map, vm_map_lookup(&map->map, addr), attr.prot);
    }
    mutex_unlock(&map->lock);

    if (error != 0) {
        if (object == NULL) {
            vm_object_unref(attr.object);
        }
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
                                             VM_MAP_INHERIT_COPY, NULL, 0));
}

/*
 * vm_map's argument checks and its mask (high bits: an upper limit, over
 * a low run of ones: the alignment) as vm_user_enter() takes it. Returns
 * false for arguments KERN_INVALID_ARGUMENT refuses.
 */
static bool
vm_user_map_args(struct vm_user_map *map, uintptr_t size, uintptr_t mask,
                 unsigned int cur_prot, unsigned int max_prot, unsigned int inherit,
                 uintptr_t *alignp, uintptr_t *limitp)
{
    uintptr_t low, high;

    if (map == NULL || (cur_prot & ~VM_MAP_PROT_ALL) != 0
        || (max_prot & ~VM_MAP_PROT_ALL) != 0 || inherit > VM_MAP_INHERIT_NONE
        || size == 0) {
        return false;
    }
    low = mask & ~(mask + 1);
    high = mask & ~low;
    *limitp = UINTPTR_MAX;
    if (low == UINTPTR_MAX) {
        *alignp = 0;
        *limitp = 1;                /* only address 0 has no bit of mask set */
    } else {
        *alignp = low + 1;
        if (high != 0) {
            *limitp = high & -high;
        }
    }
    return true;
}

kern_return_t
vm_user_map(struct vm_user_map *map, uintptr_t *addrp, uintptr_t size, uintptr_t mask,
            bool anywhere, bool copy, unsigned int cur_prot, unsigned int max_prot,
            unsigned int inherit)
{
    uintptr_t align, limit;

    (void)copy;                     /* a private copy of nothing: anonymous memory */
    if (!vm_user_map_args(map, size, mask, cur_prot, max_prot, inherit, &align, &limit)) {
        return KERN_INVALID_ARGUMENT;
    }
    return vm_user_kern_return(vm_user_enter(map, addrp, size, align, limit, anywhere,
                                             cur_prot, max_prot, inherit, NULL, 0));
}

kern_return_t
vm_user_map_object(struct vm_user_map *map, uintptr_t *addrp, uintptr_t size, uintptr_t mask,
                   bool anywhere, bool copy, struct vm_object *object, uint64_t offset,
                   unsigned int object_prot, unsigned int cur_prot, unsigned int max_prot,
                   unsigned int inherit)
{
    struct vm_object *target;
    uintptr_t align, limit;
    int error;

    assert(object != NULL && object->shared);
    if (!vm_user_map_args(map, size, mask, cur_prot, max_prot, inherit, &align, &limit)) {
        return KERN_INVALID_ARGUMENT;
    }
    if (!P2ALIGNED(offset, PAGE_SIZE) || offset > object->size
        || P2ROUND((uint64_t)size, PAGE_SIZE) > object->size - offset) {
        return KERN_INVALID_ARGUMENT;
    }
    if ((cur_prot & ~object_prot) != 0) {
        return KERN_PROTECTION_FAILURE;
    }
    max_prot &= object_prot;
    if (copy) {
        /* A private copy of the range: an eager copy, as of any shared object. */
        error = vm_object_copy(object, offset, P2ROUND((uint64_t)size, PAGE_SIZE), &target);
        offset = 0;
    } else {
        vm_object_ref(object);
        target = object;
        error = 0;
    }
    if (error == 0) {
        error = vm_user_enter(map, addrp, size, align, limit, anywhere, cur_prot, max_prot,
                              inherit, target, offset);
        if (error != 0) {
            vm_object_unref(target);
        }
    }
    return vm_user_kern_return(error);
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
        vm_user_entry_release(entry);
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
        if (cur != VM_MAP_PROT_NONE && (entry->wired_access != 0 || map->wire_future)) {
            /* Wired memory follows its protection (GNU Mach); a shortage leaves faults. */
            (void)vm_user_wire_entry(map, entry, cur);
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

static int vm_user_copy_object(const struct vm_map_entry *entry, bool marked,
                               struct vm_object **objectp);

/* A mark no object carries yet (objects start with 0). */
static unsigned long
vm_user_mark_new(void)
{
    static unsigned long vm_user_marks;

    return __atomic_add_fetch(&vm_user_marks, 1, __ATOMIC_RELAXED);
}

/*
 * Give parent entry (whose object is marked for copy-on-write) a new
 * shadow object in front of its object, and write-protect its pages in
 * the parent's pmap (remove them when the entry is shared: a shared top
 * object never maps a backing page, see vm_fault). Both maps locked.
 * Returns 0 or ERROR_NOMEM (entry unchanged).
 */
static int
vm_user_fork_shadow(struct vm_user_map *parent, const struct vm_map_entry *entry)
{
    struct vm_object *top;
    int error;

    error = vm_object_shadow(entry->object, entry->offset, entry->end - entry->start, &top);
    if (error != 0) {
        return error;
    }
    vm_map_entry_object_set(&parent->map, entry, top, 0);  /* the entry's reference moved */
    if (entry->inheritance == VM_MAP_INHERIT_SHARE) {
        error = pmap_remove(parent->pmap, entry->start, entry->end);
    } else {
        error = pmap_protect(parent->pmap, entry->start, entry->end,
                             entry->protection & ~VM_MAP_PROT_WRITE);
    }
    assert(error == 0);
    return 0;
}

/*
 * The child's object for parent entry (after vm_user_fork_shadow() if
 * marked), in *objectp with one reference. Both maps locked. Returns 0
 * or ERROR_NOMEM.
 */
static int
vm_user_fork_object(const struct vm_map_entry *entry, bool marked, struct vm_object **objectp)
{
    struct vm_object *object = entry->object;

    if (entry->inheritance == VM_MAP_INHERIT_SHARE) {
        vm_object_ref(object);
        *objectp = object;
        return 0;
    }
    assert(entry->inheritance == VM_MAP_INHERIT_COPY);
    return vm_user_copy_object(entry, marked, objectp);
}

/*
 * A copy of entry's range for another entry, in *objectp with one
 * reference: a shadow of the backing object when entry's object was
 * marked (and entry given its own shadow), else (a shared object) an
 * eager copy. Map locked. Returns 0 or ERROR_NOMEM.
 */
static int
vm_user_copy_object(const struct vm_map_entry *entry, bool marked, struct vm_object **objectp)
{
    struct vm_object *object = entry->object, *backing;
    uintptr_t size = entry->end - entry->start;
    int error;

    if (!marked) {
        /* Shared (another map may write it) or wired (its pages stay put): copy it now. */
        return vm_object_copy(object, entry->offset, size, objectp);
    }
    backing = object->shadow;
    vm_object_ref(backing);
    error = vm_object_shadow(backing, object->shadow_offset, size, objectp);
    if (error != 0) {
        vm_object_unref(backing);
    }
    return error;
}

/*
 * Take mark off the objects of map's wired entries: wired pages must stay
 * where they are (a device may be using them), so those objects are
 * copied at once instead of being frozen behind shadows. Map locked.
 */
static void
vm_user_unmark_wired(struct vm_user_map *map, unsigned long mark)
{
    const struct vm_map_entry *entry;

    vm_map_for_each(&map->map, entry) {
        if (entry->wired_access != 0 && entry->object->copy_mark == mark) {
            entry->object->copy_mark = 0;
        }
    }
}

int
vm_user_map_fork(struct vm_user_map *parent, struct vm_user_map *child)
{
    const struct vm_map_entry *entry;
    struct vm_map_attr attr;
    unsigned long mark;
    uintptr_t addr;
    bool marked;
    int error = 0;

    assert(parent != child);
    mark = vm_user_mark_new();
    mutex_lock(&parent->lock);
    mutex_lock(&child->lock);
    assert(vm_map_first(&child->map) == NULL);

    /* Objects that get copy-on-write: those of COPY entries no other map uses. */
    vm_map_for_each(&parent->map, entry) {
        if (entry->inheritance == VM_MAP_INHERIT_COPY && !entry->object->shared) {
            vm_object_collapse(entry->object);
            entry->object->copy_mark = mark;
        }
    }
    vm_user_unmark_wired(parent, mark);

    vm_map_for_each(&parent->map, entry) {
        marked = (entry->object->copy_mark == mark);
        if (marked) {
            /* Every parent entry of a marked object, whatever its inheritance. */
            error = vm_user_fork_shadow(parent, entry);
            if (error != 0) {
                break;
            }
        }
        if (entry->inheritance == VM_MAP_INHERIT_NONE) {
            continue;
        }
        if (entry->inheritance == VM_MAP_INHERIT_SHARE && !entry->object->shared) {
            /*
             * Becoming shared: the parent may map backing pages read-only,
             * which a shared object never does (vm_fault); unmap them.
             */
            if (entry->object->shadow != NULL) {
                error = pmap_remove(parent->pmap, entry->start, entry->end);
                assert(error == 0);
            }
            vm_object_share(entry->object);
        }
        error = vm_user_fork_object(entry, marked, &attr.object);
        if (error != 0) {
            break;
        }
        attr.prot = entry->protection;
        attr.max_prot = entry->max_protection;
        attr.inherit = entry->inheritance;
        attr.offset = (attr.object == entry->object) ? entry->offset : 0;
        addr = entry->start;
        error = vm_map_enter_attr(&child->map, &addr, entry->end - entry->start, 0, &attr,
                                  VM_MAP_FIXED);
        if (error != 0) {
            vm_object_unref(attr.object);
            break;
        }
    }
    mutex_unlock(&child->lock);
    mutex_unlock(&parent->lock);
    return error;
}

/* Lock two maps (or one, twice named) in address order: no deadlock between two copies. */
static void
vm_user_map_lock_two(struct vm_user_map *a, struct vm_user_map *b)
{
    if (a == b) {
        mutex_lock(&a->lock);
    } else if ((uintptr_t)a < (uintptr_t)b) {
        mutex_lock(&a->lock);
        mutex_lock(&b->lock);
    } else {
        mutex_lock(&b->lock);
        mutex_lock(&a->lock);
    }
}

static void
vm_user_map_unlock_two(struct vm_user_map *a, struct vm_user_map *b)
{
    if (a != b) {
        mutex_unlock(&b->lock);
    }
    mutex_unlock(&a->lock);
}

/*
 * Check that [start, end) of map is mapped without holes and readable.
 * Map locked. Returns 0, ERROR_FAULT (a hole) or ERROR_PROT.
 */
static int
vm_user_range_readable(struct vm_user_map *map, uintptr_t start, uintptr_t end)
{
    const struct vm_map_entry *entry = vm_map_lookup(&map->map, start);
    uintptr_t addr = start;

    for (; addr < end; entry = vm_map_next(&map->map, entry)) {
        if (entry == NULL || entry->start > addr) {
            return ERROR_FAULT;
        }
        if (!(entry->protection & VM_MAP_PROT_READ)) {
            return ERROR_PROT;
        }
        addr = entry->end;
    }
    return 0;
}

/*
 * Whether a move may hand entry's object over as it is: nothing but this
 * entry references it (no other entry, no shadow, no other map), so the
 * object can leave the map with its pages and chain untouched. Map
 * locked: only this map could add a reference.
 */
static bool
vm_user_entry_movable(const struct vm_map_entry *entry)
{
    return !entry->object->shared
           && __atomic_load_n(&entry->object->nr_refs, __ATOMIC_RELAXED) == 1;
}

void
vm_user_pieces_release(struct vm_user_piece *pieces, unsigned int nr_pieces)
{
    for (unsigned int i = 0; i < nr_pieces; i++) {
        vm_object_unref(pieces[i].object);
    }
}

/*
 * Take the range of every entry of [start, end) of map (whole entries,
 * clipped) into pieces[], in address order: a move hands movable
 * objects over, everything else gets a copy-on-write shadow (or an eager
 * copy, for shared and wired objects) as vm_user_map_fork() does. Map
 * locked. Returns 0 or ERROR_NOMEM (no piece taken; entries may have
 * been given empty shadow objects, which changes nothing they show).
 */
static int
vm_user_extract_pieces(struct vm_user_map *map, uintptr_t start, uintptr_t end, bool move,
                       struct vm_user_piece *pieces)
{
    const struct vm_map_entry *entry;
    unsigned long mark = vm_user_mark_new();
    unsigned int i = 0;
    bool marked;
    int error = 0;

    /* Mark, then shadow every entry of the map showing a marked object. */
    for (entry = vm_map_lookup(&map->map, start); entry != NULL && entry->start < end;
         entry = vm_map_next(&map->map, entry)) {
        if (!entry->object->shared && !(move && vm_user_entry_movable(entry))) {
            vm_object_collapse(entry->object);
            entry->object->copy_mark = mark;
        }
    }
    vm_user_unmark_wired(map, mark);
    vm_map_for_each(&map->map, entry) {
        if (entry->object->copy_mark == mark) {
            error = vm_user_fork_shadow(map, entry);
            if (error != 0) {
                return error;
            }
        }
    }

    /* Copies first: they may fail; handing objects over cannot. */
    for (entry = vm_map_lookup(&map->map, start); entry != NULL && entry->start < end;
         entry = vm_map_next(&map->map, entry), i++) {
        pieces[i].object = NULL;
        pieces[i].offset = 0;
        pieces[i].size = entry->end - entry->start;
        if (move && vm_user_entry_movable(entry)) {
            continue;
        }
        marked = (entry->object->shadow != NULL && entry->object->shadow->copy_mark == mark);
        error = vm_user_copy_object(entry, marked, &pieces[i].object);
        if (error != 0) {
            while (i-- > 0) {
                if (pieces[i].object != NULL) {
                    vm_object_unref(pieces[i].object);
                }
            }
            return error;
        }
    }
    if (!move) {
        return 0;
    }

    /* The move: entries leave the map, movable objects with their reference. */
    i = 0;
    for (entry = vm_map_lookup(&map->map, start); entry != NULL && entry->start < end;
         entry = vm_map_next(&map->map, entry), i++) {
        error = pmap_remove(map->pmap, entry->start, entry->end);
        assert(error == 0);
        if (pieces[i].object == NULL) {
            pieces[i].object = entry->object;
            pieces[i].offset = entry->offset;
        } else {
            vm_user_entry_release(entry);
        }
    }
    error = vm_map_remove(&map->map, start, end);   /* whole entries: cannot fail */
    assert(error == 0);
    return error;
}

int
vm_user_map_extract(struct vm_user_map *map, uintptr_t addr, uintptr_t size, bool move,
                    struct vm_user_piece **piecesp, unsigned int *nr_piecesp)
{
    const struct vm_map_entry *entry;
    struct vm_user_piece *pieces = NULL;
    uintptr_t start, end;
    unsigned int nr = 0;
    int error;

    assert(size != 0);
    if (size > VM_USER_MAX || addr > VM_USER_MAX - size) {
        return ERROR_FAULT;
    }
    start = P2TRUNC(addr, PAGE_SIZE);
    end = P2ROUND(addr + size, PAGE_SIZE);
    mutex_lock(&map->lock);
    error = vm_user_range_readable(map, start, end);
    if (error == 0) {
        for (entry = vm_map_lookup(&map->map, start); entry != NULL && entry->start < end;
             entry = vm_map_next(&map->map, entry)) {
            nr++;
        }
        pieces = (nr <= *nr_piecesp) ? *piecesp : kmem_alloc(nr * sizeof(*pieces));
        error = (pieces == NULL) ? ERROR_NOMEM : vm_user_clip_range(map, start, end);
    }
    if (error == 0) {
        error = vm_user_extract_pieces(map, start, end, move, pieces);
    }
    mutex_unlock(&map->lock);
    if (error != 0) {
        if (pieces != NULL && pieces != *piecesp) {
            kmem_free(pieces, nr * sizeof(*pieces));
        }
        return error;
    }
    *piecesp = pieces;
    *nr_piecesp = nr;
    return 0;
}

int
vm_user_map_insert(struct vm_user_map *map, const struct vm_user_piece *pieces,
                   unsigned int nr_pieces, uintptr_t *addrp)
{
    struct vm_map_attr attr = {
        .prot = VM_MAP_PROT_RW, .max_prot = VM_MAP_PROT_ALL,
        .inherit = VM_MAP_INHERIT_COPY,
    };
    uintptr_t size = 0, base = 0, at;
    unsigned int i;
    int error;

    for (i = 0; i < nr_pieces; i++) {
        assert(pieces[i].size != 0 && P2ALIGNED(pieces[i].size, PAGE_SIZE));
        if (pieces[i].size > VM_USER_MAX - size) {
            return ERROR_NOSPC;
        }
        size += pieces[i].size;
    }
    assert(size != 0);
    mutex_lock(&map->lock);
    error = vm_map_find_free(&map->map, size, 0, &base);
    if (error == 0) {
        error = vm_user_limit_check(map, size, attr.max_prot);  /* as GNU Mach's copyout */
    }
    for (i = 0, at = base; error == 0 && i < nr_pieces; at += pieces[i].size, i++) {
        uintptr_t where = at;

        attr.object = pieces[i].object;
        attr.offset = pieces[i].offset;
        error = vm_map_enter_attr(&map->map, &where, pieces[i].size, 0, &attr, VM_MAP_FIXED);
        if (error != 0 && at != base) {
            /* Nothing touched the new entries: their references go back to pieces[]. */
            int removed = vm_map_remove(&map->map, base, at);

            assert(removed == 0);
            (void)removed;
        }
    }
    mutex_unlock(&map->lock);
    if (error == 0) {
        *addrp = base;
    }
    return error;
}

int
vm_user_map_copy(struct vm_user_map *src, uintptr_t addr, uintptr_t size,
                 struct vm_user_map *dst, uintptr_t *dst_addrp)
{
    struct vm_user_piece local[2], *pieces = local;
    unsigned int nr_pieces = ARRAY_SIZE(local);
    uintptr_t base;
    int error;

    if (size == 0) {
        *dst_addrp = 0;
        return 0;
    }
    error = vm_user_map_extract(src, addr, size, false, &pieces, &nr_pieces);
    if (error != 0) {
        return error;
    }
    error = vm_user_map_insert(dst, pieces, nr_pieces, &base);
    if (error != 0) {
        vm_user_pieces_release(pieces, nr_pieces);
    }
    if (pieces != local) {
        kmem_free(pieces, nr_pieces * sizeof(*pieces));
    }
    if (error == 0) {
        *dst_addrp = base + (addr & PAGE_MASK);
    }
    return error;
}

void
vm_user_statistics(struct vm_user_statistics *stats)
{
    struct vm_page_seg_stats seg;
    struct vm_fault_counts counts;
    unsigned long managed = 0, free = 0;

    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        if (vm_page_seg_stats_get(i, &seg) == 0) {
            managed += seg.nr_managed;
            free += seg.nr_free;
        }
    }
    vm_fault_counts_get(&counts);
    *stats = (struct vm_user_statistics){
        .pagesize = PAGE_SIZE,
        .free_count = free,
        .active_count = vm_object_pages_total(),
        .zero_fill_count = counts.zero_fill,
        .faults = counts.faults,
        .cow_faults = counts.cow,
    };
    /* Snapshots taken at different moments: never let the difference wrap. */
    stats->wire_count = managed - MIN(managed, free + stats->active_count);
}

static const char *
vm_user_inherit_name(unsigned int inherit)
{
    static const char *const names[] = { "share", "copy", "none" };

    return inherit < ARRAY_SIZE(names) ? names[inherit] : "?";
}

void
vm_user_map_report(struct vm_user_map *map)
{
    const struct vm_map_entry *entry;
    unsigned long nr_entries = 0;

    printf("start      end        prot max inherit depth   pages shared\n");
    mutex_lock(&map->lock);
    vm_map_for_each(&map->map, entry) {
        printf("0x%08lx 0x%08lx %c%c%c  %c%c%c %-7s %5u %7lu %s\n",
               (unsigned long)entry->start, (unsigned long)entry->end,
               (entry->protection & VM_MAP_PROT_READ) ? 'r' : '-',
               (entry->protection & VM_MAP_PROT_WRITE) ? 'w' : '-',
               (entry->protection & VM_MAP_PROT_EXECUTE) ? 'x' : '-',
               (entry->max_protection & VM_MAP_PROT_READ) ? 'r' : '-',
               (entry->max_protection & VM_MAP_PROT_WRITE) ? 'w' : '-',
               (entry->max_protection & VM_MAP_PROT_EXECUTE) ? 'x' : '-',
               vm_user_inherit_name(entry->inheritance), vm_object_depth(entry->object),
               vm_object_nr_pages(entry->object), entry->object->shared ? "yes" : "no");
        nr_entries++;
    }
    mutex_unlock(&map->lock);
    printf("%lu entries, %lu pages resident (in the pmap)\n", nr_entries,
           vm_user_map_resident(map));
}

static void
vm_user_shell_vm_stat(int argc, char **argv)
{
    struct vm_user_statistics st;

    (void)argc;
    (void)argv;
    vm_user_statistics(&st);
    printf("pagesize %lu\nfree %lu\nactive %lu\ninactive %lu\nwired %lu\n"
           "zero fill %lu\nfaults %lu\ncopy-on-write %lu\n", st.pagesize, st.free_count,
           st.active_count, st.inactive_count, st.wire_count, st.zero_fill_count, st.faults,
           st.cow_faults);
}

SHELL_CMD_DEFINE(vm_stat, "", "system-wide page counts as vm_statistics reports them",
                 vm_user_shell_vm_stat);

kern_return_t
vm_user_read(struct vm_user_map *map, uintptr_t addr, uintptr_t size, struct vm_user_map *dst,
             uintptr_t *datap, uintptr_t *countp)
{
    int error;

    if (map == NULL || dst == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    error = vm_user_map_copy(map, addr, size, dst, datap);
    if (error == 0) {
        *countp = size;
    }
    return vm_user_kern_return(error);
}

/*
 * Check that [start, end) of map is mapped without holes and writable,
 * entry by entry from the start as GNU Mach's overwrite does. Map
 * locked. Returns 0, ERROR_FAULT (a hole) or ERROR_PROT.
 */
static int
vm_user_range_writable(struct vm_user_map *map, uintptr_t start, uintptr_t end)
{
    const struct vm_map_entry *entry = vm_map_lookup(&map->map, start);
    uintptr_t addr = start;

    for (; addr < end; entry = vm_map_next(&map->map, entry)) {
        if (entry == NULL || entry->start > addr) {
            return ERROR_FAULT;
        }
        if (!(entry->protection & VM_MAP_PROT_WRITE)) {
            return ERROR_PROT;
        }
        addr = entry->end;
    }
    return 0;
}

/* Where vm_user_overwrite() takes its bytes from: a kernel buffer, or a range of a map. */
struct vm_user_source {
    const unsigned char *buf;   /* or NULL: read, or else map */
    vm_user_reader_t read;
    void *arg;
    struct vm_user_map *map;
    uintptr_t addr;
};

/*
 * Copy one page of source (page i) into page (of dst's top object).
 * Both maps locked.
 */
static void
vm_user_overwrite_page(const struct vm_user_source *src, uintptr_t i, struct vm_page *page)
{
    const struct vm_map_entry *entry;
    const struct vm_page *from;
    uintptr_t addr;
    void *va;

    if (src->buf != NULL || src->read != NULL) {
        va = pmap_window_map(vm_page_to_pa(page));
        assert(va != NULL);
        if (src->buf != NULL) {
            memcpy(va, src->buf + i * PAGE_SIZE, PAGE_SIZE);
        } else {
            src->read(src->arg, i * PAGE_SIZE, va, PAGE_SIZE);
        }
        pmap_window_unmap(va);
        return;
    }
    addr = src->addr + i * PAGE_SIZE;
    entry = vm_map_lookup(&src->map->map, addr);
    assert(entry != NULL);      /* checked readable under the same lock */
    from = vm_object_page_find(entry->object, entry->offset + (addr - entry->start), NULL);
    if (from == NULL) {
        pmap_page_zero(vm_page_to_pa(page));        /* never touched: zeros */
    } else if (from != page) {
        pmap_page_copy(vm_page_to_pa(page), vm_page_to_pa(from));
    }
}

/*
 * Overwrite [start, start + size) of dst (page-aligned, checked mapped and
 * writable) with size bytes of src, page by page: each destination page
 * is made dst's own (a write fault: zero-filled or copied up) and filled.
 * Overlapping ranges of one map are copied as memmove() does, so every
 * source page is read before it is overwritten. Both maps locked.
 * Returns 0 or ERROR_NOMEM (the pages before the failing one written).
 */
static int
vm_user_overwrite(struct vm_user_map *dst, uintptr_t start, uintptr_t size,
                  const struct vm_user_source *src)
{
    uintptr_t n = size / PAGE_SIZE, i, addr;
    bool backwards = (src->map == dst && src->addr < start);
    const struct vm_map_entry *entry;
    struct vm_page *page;
    int error;

    for (uintptr_t k = 0; k < n; k++) {
        i = backwards ? n - 1 - k : k;
        addr = start + i * PAGE_SIZE;
        entry = vm_map_lookup(&dst->map, addr);
        assert(entry != NULL && (entry->protection & VM_MAP_PROT_WRITE));
        error = vm_fault_page_locked(dst, entry, addr, VM_MAP_PROT_WRITE, &page);
        if (error != 0) {
            return error;
        }
        vm_user_overwrite_page(src, i, page);
    }
    return 0;
}

/* vm_user_write() and vm_user_write_reader(): from src, a buffer or a reader. */
static kern_return_t
vm_user_write_source(struct vm_user_map *map, uintptr_t addr, uintptr_t size,
                     const struct vm_user_source *src)
{
    int error;

    if (map == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    if (size == 0) {
        return KERN_SUCCESS;
    }
    if (!P2ALIGNED(addr, PAGE_SIZE) || !P2ALIGNED(size, PAGE_SIZE)) {
        return KERN_INVALID_ARGUMENT;
    }
    if (addr >= VM_USER_MAX || size > VM_USER_MAX - addr) {
        return KERN_INVALID_ADDRESS;
    }
    mutex_lock(&map->lock);
    error = vm_user_range_writable(map, addr, addr + size);
    if (error == 0) {
        error = vm_user_overwrite(map, addr, size, src);
    }
    mutex_unlock(&map->lock);
    return vm_user_kern_return(error);
}

kern_return_t
vm_user_write(struct vm_user_map *map, uintptr_t addr, const void *data, uintptr_t size)
{
    struct vm_user_source src = { .buf = data };

    return vm_user_write_source(map, addr, size, &src);
}

kern_return_t
vm_user_write_reader(struct vm_user_map *map, uintptr_t addr, uintptr_t size,
                     vm_user_reader_t read, void *arg)
{
    struct vm_user_source src = { .read = read, .arg = arg };

    assert(read != NULL);
    return vm_user_write_source(map, addr, size, &src);
}

kern_return_t
vm_user_write_map(struct vm_user_map *map, uintptr_t addr, struct vm_user_map *src_map,
                  uintptr_t src_addr, uintptr_t size)
{
    struct vm_user_source src = { .buf = NULL, .map = src_map, .addr = src_addr };
    int error;

    if (map == NULL || src_map == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    if (size == 0) {
        return KERN_SUCCESS;
    }
    /* The source first (GNU Mach's copyin), then the destination (overwrite). */
    if (size > VM_USER_MAX || src_addr > VM_USER_MAX - size) {
        return KERN_INVALID_ADDRESS;
    }
    vm_user_map_lock_two(map, src_map);
    error = vm_user_range_readable(src_map, P2TRUNC(src_addr, PAGE_SIZE),
                                   P2ROUND(src_addr + size, PAGE_SIZE));
    if (error == 0 && (!P2ALIGNED(src_addr | addr | size, PAGE_SIZE))) {
        error = ERROR_INVAL;
    } else if (error == 0 && (addr >= VM_USER_MAX || size > VM_USER_MAX - addr)) {
        error = ERROR_FAULT;
    }
    if (error == 0) {
        error = vm_user_range_writable(map, addr, addr + size);
    }
    if (error == 0) {
        error = vm_user_overwrite(map, addr, size, &src);
    }
    vm_user_map_unlock_two(map, src_map);
    return vm_user_kern_return(error);
}

kern_return_t
vm_user_copy(struct vm_user_map *map, uintptr_t src_addr, uintptr_t size, uintptr_t dst_addr)
{
    return vm_user_write_map(map, dst_addr, map, src_addr, size);
}

void
vm_user_map_limits_copy(struct vm_user_map *dst, struct vm_user_map *src)
{
    vm_user_map_lock_two(dst, src);
    dst->size_cur_limit = src->size_cur_limit;
    dst->size_max_limit = src->size_max_limit;
    vm_user_map_unlock_two(dst, src);
}

kern_return_t
vm_user_set_size_limit(struct vm_user_map *map, bool host_priv, uintptr_t current_limit,
                       uintptr_t max_limit)
{
    kern_return_t kr = KERN_SUCCESS;

    if (current_limit > max_limit) {
        return KERN_INVALID_ARGUMENT;
    }
    if (map == NULL) {
        return KERN_INVALID_TASK;
    }
    mutex_lock(&map->lock);
    if (max_limit > map->size_max_limit && !host_priv) {
        kr = KERN_NO_ACCESS;
    } else {
        map->size_cur_limit = current_limit;
        map->size_max_limit = max_limit;
    }
    mutex_unlock(&map->lock);
    return kr;
}

kern_return_t
vm_user_get_size_limit(struct vm_user_map *map, uintptr_t *current_limitp,
                       uintptr_t *max_limitp)
{
    if (map == NULL) {
        return KERN_INVALID_TASK;
    }
    mutex_lock(&map->lock);
    *current_limitp = map->size_cur_limit;
    *max_limitp = map->size_max_limit;
    mutex_unlock(&map->lock);
    return KERN_SUCCESS;
}

kern_return_t
vm_user_machine_attribute(struct vm_user_map *map, uintptr_t addr, uintptr_t size,
                          unsigned int attribute, int *valuep)
{
    (void)attribute;
    (void)valuep;
    if (map == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    /* GNU Mach's range check, in its 32-bit arithmetic (the end may wrap). */
    if ((uint32_t)(addr + size) > VM_USER_MAX) {
        return KERN_INVALID_ARGUMENT;
    }
    /* i386 has no machine attribute to set: GNU Mach's pmap_attribute() answer. */
    return KERN_INVALID_ADDRESS;
}

/*
 * Wire entry for access (its pages made present and mapped now; 0
 * unwires): record it and fault every page in for access limited to the
 * entry's protection (an entry with no access left is only recorded, to
 * be wired when it gets some). Map locked. Returns 0 or ERROR_NOMEM (the
 * pages before the failing one are in).
 */
static int
vm_user_wire_entry(struct vm_user_map *map, const struct vm_map_entry *entry,
                   unsigned int access)
{
    struct vm_page *page;
    int error;

    vm_map_entry_wired_set(&map->map, entry, access);
    access &= entry->protection;
    if (access == 0) {
        return 0;
    }
    for (uintptr_t addr = entry->start; addr < entry->end; addr += PAGE_SIZE) {
        error = vm_fault_page_locked(map, entry, addr, access, &page);
        if (error != 0) {
            return error;
        }
    }
    return 0;
}

/* Bytes of map's wired entries (GNU Mach's size_wired). Map locked. */
static uintptr_t
vm_user_map_wired_size(struct vm_user_map *map)
{
    const struct vm_map_entry *entry;
    uintptr_t size = 0;

    vm_map_for_each(&map->map, entry) {
        if (entry->wired_access != 0) {
            size += entry->end - entry->start;
        }
    }
    return size;
}

kern_return_t
vm_user_wire(struct vm_user_map *map, bool host_priv, uintptr_t addr, uintptr_t size,
             unsigned int access)
{
    const struct vm_map_entry *entry;
    uintptr_t start, end;
    int error;

    if (map == NULL) {
        return KERN_INVALID_TASK;
    }
    if ((access & ~VM_MAP_PROT_ALL) != 0) {
        return KERN_INVALID_ARGUMENT;
    }
    /* GNU Mach's range: [trunc(addr), round(addr + size)) in 32 bits, clipped to the map. */
    start = MIN(P2TRUNC(addr, PAGE_SIZE), VM_USER_MAX);
    end = MIN((uintptr_t)P2ROUND((uint32_t)(addr + size), (uint32_t)PAGE_SIZE), VM_USER_MAX);
    if (start > end) {
        start = end;
    }

    mutex_lock(&map->lock);
    if (!host_priv && access != 0 && vm_user_map_wired_size(map) + size > VM_USER_WIRE_MAX) {
        mutex_unlock(&map->lock);
        return KERN_NO_ACCESS;
    }
    entry = vm_map_lookup(&map->map, start);
    error = (entry == NULL) ? ERROR_NOSPC : vm_user_clip_range(map, start, end);
    /* Pass 1: no hole, and every entry allows access. */
    for (entry = vm_map_lookup_from(&map->map, start);
         error == 0 && entry != NULL && entry->start < end;
         entry = vm_map_next(&map->map, entry)) {
        const struct vm_map_entry *next = vm_map_next(&map->map, entry);

        if ((entry->protection & access) != access
            || (entry->end < end && (next == NULL || next->start != entry->end))) {
            error = ERROR_NOSPC;
        }
    }
    /* Pass 2: wire (or unwire) every entry. */
    for (entry = vm_map_lookup_from(&map->map, start);
         error == 0 && entry != NULL && entry->start < end;
         entry = vm_map_next(&map->map, entry)) {
        error = vm_user_wire_entry(map, entry, access);
    }
    mutex_unlock(&map->lock);
    return vm_user_kern_return(error);
}

kern_return_t
vm_user_wire_all(struct vm_user_map *map, bool host_priv, unsigned int flags)
{
    const struct vm_map_entry *entry;
    bool wire_future;
    int error = 0;

    if (!host_priv) {
        return KERN_INVALID_HOST;
    }
    if (map == NULL) {
        return KERN_INVALID_TASK;
    }
    if ((flags & ~VM_USER_WIRE_ALL) != 0) {
        return KERN_INVALID_ARGUMENT;
    }
    mutex_lock(&map->lock);
    wire_future = map->wire_future;
    if (flags == VM_USER_WIRE_NONE) {
        map->wire_future = false;
    } else if (flags & VM_USER_WIRE_FUTURE) {
        map->wire_future = true;            /* CURRENT alone leaves it as it was */
    }
    if (flags == VM_USER_WIRE_NONE || (flags & VM_USER_WIRE_CURRENT)) {
        /* GNU Mach wires every current entry for READ|WRITE (within its protection). */
        vm_map_for_each(&map->map, entry) {
            error = vm_user_wire_entry(map, entry, (flags == VM_USER_WIRE_NONE)
                                                   ? 0 : VM_MAP_PROT_RW);
            if (error != 0) {
                map->wire_future = wire_future;
                break;
            }
        }
    }
    mutex_unlock(&map->lock);
    return vm_user_kern_return(error);
}

/*
 * Create an object of size bytes holding the npages contiguous pages
 * from page (one reference, in *objectp). Returns 0 or ERROR_NOMEM (the
 * pages freed).
 */
static int
vm_user_contig_object(struct vm_page *page, uintptr_t size, struct vm_object **objectp)
{
    unsigned long npages = size / PAGE_SIZE;
    struct vm_object *object;
    int error;

    error = vm_object_create(size, &object);
    if (error != 0) {
        vm_page_free_contig(page, npages);
        return error;
    }
    for (unsigned long i = 0; i < npages; i++) {
        pmap_page_zero(vm_page_to_pa(vm_page_nth(page, i)));
        error = vm_object_page_insert(object, (uint64_t)i * PAGE_SIZE, vm_page_nth(page, i));
        if (error != 0) {
            vm_object_unref(object);        /* frees the pages inserted */
            vm_page_free_contig(vm_page_nth(page, i), npages - i);
            return error;
        }
    }
    *objectp = object;
    return 0;
}

kern_return_t
vm_user_allocate_contiguous(struct vm_user_map *map, bool host_priv, uintptr_t *vaddrp,
                            uint64_t *paddrp, uintptr_t size, uint64_t pmin, uint64_t pmax,
                            uint64_t palign)
{
    struct vm_object *object;
    struct vm_page *page;
    uint64_t limit;
    uintptr_t addr;
    int error;

    if (!host_priv) {
        return KERN_INVALID_HOST;
    }
    if (map == NULL) {
        return KERN_INVALID_TASK;
    }
    if (pmin != 0) {
        return KERN_INVALID_ARGUMENT;
    }
    if (palign == 0 || (palign < PAGE_SIZE && PAGE_SIZE % palign == 0)) {
        palign = PAGE_SIZE;
    }
    if (palign != PAGE_SIZE) {
        return KERN_INVALID_ARGUMENT;
    }
    size = P2ROUND(size, PAGE_SIZE);        /* a size near the top wraps to 0, as in GNU Mach */
    if (size == 0) {
        return KERN_INVALID_ARGUMENT;
    }
    /* pmax is a strict upper bound; up to the DMA limit (0 included) means DMA memory. */
    limit = (pmax <= VM_USER_DMA_LIMIT) ? VM_USER_DMA_LIMIT : pmax;
    if (limit > (uint64_t)(phys_addr_t)-1) {
        limit = (phys_addr_t)-1;
    }
    page = vm_page_alloc_contig(size / PAGE_SIZE, PAGE_SIZE, 0, (phys_addr_t)limit,
                                VM_PAGE_OBJECT);
    if (page == NULL) {
        vm_page_pool_drain();               /* pooled pages break up free runs */
        page = vm_page_alloc_contig(size / PAGE_SIZE, PAGE_SIZE, 0, (phys_addr_t)limit,
                                    VM_PAGE_OBJECT);
        if (page == NULL) {
            return KERN_RESOURCE_SHORTAGE;
        }
    }
    error = vm_user_contig_object(page, size, &object);
    if (error != 0) {
        return vm_user_kern_return(error);
    }
    error = vm_user_enter(map, &addr, size, 0, UINTPTR_MAX, true, VM_MAP_PROT_RW,
                          VM_MAP_PROT_RW, VM_MAP_INHERIT_COPY, object, 0);
    if (error != 0) {
        vm_object_unref(object);            /* every page goes with it */
        return vm_user_kern_return(error);
    }
    /* Wired for READ|WRITE: every page is there, so this only maps them. */
    mutex_lock(&map->lock);
    error = vm_user_wire_entry(map, vm_map_lookup(&map->map, addr), VM_MAP_PROT_RW);
    mutex_unlock(&map->lock);
    if (error != 0) {
        vm_user_deallocate(map, addr, size);
        return vm_user_kern_return(error);
    }
    *vaddrp = addr;
    *paddrp = vm_page_to_pa(page);
    return KERN_SUCCESS;
}

kern_return_t
vm_user_pages_phys(struct vm_user_map *map, bool host, uintptr_t addr, uintptr_t size,
                   uint64_t *pages, uintptr_t nr_pages)
{
    const struct vm_map_entry *entry;
    const struct vm_page *page;
    uintptr_t count = size / PAGE_SIZE, at;

    if (!host) {
        return KERN_INVALID_HOST;
    }
    if (map == NULL) {
        return KERN_INVALID_TASK;
    }
    if (!P2ALIGNED(addr, PAGE_SIZE) || !P2ALIGNED(size, PAGE_SIZE) || nr_pages < count) {
        return KERN_INVALID_ARGUMENT;
    }
    mutex_lock(&map->lock);
    for (uintptr_t i = 0; i < count; i++) {
        at = addr + i * PAGE_SIZE;
        entry = (at >= addr && at < VM_USER_MAX) ? vm_map_lookup(&map->map, at) : NULL;
        page = (entry == NULL) ? NULL
               : vm_object_page_lookup(entry->object, entry->offset + (at - entry->start));
        pages[i] = (page == NULL) ? 0 : vm_page_to_pa(page);
    }
    mutex_unlock(&map->lock);
    return KERN_SUCCESS;
}
