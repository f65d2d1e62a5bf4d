/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * User page faults; see vm/vm_fault.h.
 *
 * A fault runs under the map's mutex from lookup to pmap_enter(): the
 * entry cannot change or go away meanwhile, and two threads faulting on
 * one page are serialized (the second finds the page in the object and
 * maps it again, which changes nothing). The mutex is a sleeping lock
 * because a fault allocates: a page (zeroed through a window when it
 * is in HIGHMEM), radix tree nodes, a page table.
 *
 * Out of memory is an answer, not a panic and not a wait: the fault
 * reclaims what the kernel can give back at once (kmem_gc() returns
 * empty slabs, vm_page_pool_drain() this CPU's cached free pages to the
 * buddy lists) and tries once more; if that fails too it returns
 * ERROR_NOMEM and the caller stops the task with a console message.
 * Nothing sleeps waiting for memory, so a task that eats all of it
 * cannot hang the kernel, and the memory comes back when its task dies.
 *
 * Copy-on-write: when the entry's object shadows another (vm_object.h),
 * a page found only down the chain is copied up into the top object on
 * a write and mapped read-only on a read, so a later write faults again
 * and copies. A shared top object always copies up, even on a read: its
 * other maps could not be told to drop a backing page once one of them
 * copies it up (there is no reverse map of pages to mappings yet). Each
 * fault on a shadowing object first collapses backing objects that only
 * it uses.
 *
 * External pagers (vm/vm_pager.h): a page of a pager object is mapped
 * when the object has it; otherwise vm_pager_page_get() asks the pager
 * (once per page, whoever faults first) and the fault sleeps for the
 * answer with the map's mutex released, then starts again from the
 * lookup: the entry may have changed meanwhile. Paths that fault with
 * the mutex held (vm_write, wiring) cannot wait: a page the pager has
 * not supplied yet is ERROR_IO for them.
 *
 * Execute permission: the caller passes VM_MAP_PROT_EXECUTE for an
 * instruction fetch (the page-fault error code's I/D bit, which the CPU
 * sets only with NX). An entry without EXECUTE then fails with a
 * protection error; its pages are mapped NX, so only such a fetch can
 * reach here. Without NX, pages are always executable (i386).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kern/kmem.h>
#include <kern/macros.h>
#include <kern/mutex.h>
#include <kern/panic.h>
#include <machine/param.h>
#include <machine/pmap.h>
#include <vm/vm_fault.h>
#include <vm/vm_map.h>
#include <vm/vm_object.h>
#include <vm/vm_page.h>
#include <vm/vm_pager.h>
#include <vm/vm_user.h>

static struct vm_fault_counts vm_fault_counts;

/* Count one event (counters are statistics: relaxed). */
static void
vm_fault_count(unsigned long *counter)
{
    __atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

/* Count one event of map's task (task_info EVENTS) and of the system (vm_statistics). */
static void
vm_fault_count_map(struct vm_user_map *map, size_t field)
{
    vm_fault_count((unsigned long *)((char *)&vm_fault_counts + field));
    vm_fault_count((unsigned long *)((char *)&map->events + field));
}

void
vm_fault_counts_get_map(const struct vm_user_map *map, struct vm_fault_counts *counts)
{
    counts->faults = __atomic_load_n(&map->events.faults, __ATOMIC_RELAXED);
    counts->zero_fill = __atomic_load_n(&map->events.zero_fill, __ATOMIC_RELAXED);
    counts->cow = __atomic_load_n(&map->events.cow, __ATOMIC_RELAXED);
}

void
vm_fault_counts_get(struct vm_fault_counts *counts)
{
    counts->faults = __atomic_load_n(&vm_fault_counts.faults, __ATOMIC_RELAXED);
    counts->zero_fill = __atomic_load_n(&vm_fault_counts.zero_fill, __ATOMIC_RELAXED);
    counts->cow = __atomic_load_n(&vm_fault_counts.cow, __ATOMIC_RELAXED);
}

/* Give back what can be given back at once. */
static void
vm_fault_reclaim(void)
{
    kmem_gc();
    vm_page_pool_drain();
}

/* vm_object_page_get(), counting the pages it zero-fills. */
static int
vm_fault_page_zero(struct vm_user_map *map, struct vm_object *object, uint64_t offset,
                   struct vm_page **pagep, bool *createdp)
{
    int error = vm_object_page_get(object, offset, pagep, createdp);

    if (error == 0 && *createdp) {
        vm_fault_count_map(map, offsetof(struct vm_fault_counts, zero_fill));
    }
    return error;
}

/*
 * The page of a shadowing object at offset for access: its own; else a
 * backing object's page, copied up for a write (or always when object is
 * shared, or when the entry cannot be mapped without WRITE), mapped
 * read-only otherwise (*protp loses WRITE); else a new zero-filled page.
 * Map locked. Returns 0 or ERROR_NOMEM.
 */
static int
vm_fault_page_cow(struct vm_user_map *map, struct vm_object *object, uint64_t offset,
                  unsigned int access, struct vm_page **pagep, bool *createdp,
                  unsigned int *protp)
{
    struct vm_page *page;
    int error;

    if (!object->shared) {
        vm_object_collapse(object);
    }
    page = vm_object_page_lookup(object, offset);
    if (page != NULL) {
        *pagep = page;
        *createdp = false;
        return 0;
    }
    page = vm_object_page_find(object->shadow, offset + object->shadow_offset, NULL);
    if (page == NULL) {
        return vm_fault_page_zero(map, object, offset, pagep, createdp);
    }
    if ((access & VM_MAP_PROT_WRITE) || object->shared
        || (*protp & ~VM_MAP_PROT_WRITE) == 0) {
        error = vm_object_page_copy_in(object, offset, page, pagep, createdp);
        if (error == 0 && *createdp) {
            vm_fault_count_map(map, offsetof(struct vm_fault_counts, cow));
        }
        return error;
    }
    *protp &= ~VM_MAP_PROT_WRITE;
    *pagep = page;
    *createdp = false;
    return 0;
}

/* Find or create the page of entry at addr for access, map it, return it in *pagep. Map locked. */
static int
vm_fault_page(struct vm_user_map *map, const struct vm_map_entry *entry, uintptr_t addr,
              unsigned int access, struct vm_page **pagep)
{
    uint64_t offset = entry->offset + (addr - entry->start);
    unsigned int prot = entry->protection;
    struct vm_page *page;
    bool created;
    int error;

    if (entry->object->pager != NULL) {
        page = vm_object_page_lookup(entry->object, offset);
        error = page == NULL ? ERROR_IO : 0;    /* no waiting with the mutex held */
    } else if (entry->object->shadow == NULL) {
        error = vm_fault_page_zero(map, entry->object, offset, &page, &created);
    } else {
        error = vm_fault_page_cow(map, entry->object, offset, access, &page, &created, &prot);
    }
    if (error != 0) {
        return error;
    }
    /* VM_MAP_PROT_* and PMAP_PROT_* have the same values (Mach's). */
    error = pmap_enter(map->pmap, addr, vm_page_to_pa(page), prot);
    if (error == ERROR_NOMEM) {
        return ERROR_NOMEM;       /* the page stays in the object */
    }
    assert(error == 0);
    *pagep = page;
    return 0;
}

int
vm_fault_page_locked(struct vm_user_map *map, const struct vm_map_entry *entry,
                     uintptr_t addr, unsigned int access, struct vm_page **pagep)
{
    int error;

    assert(P2ALIGNED(addr, PAGE_SIZE) && addr >= entry->start && addr < entry->end);
    error = vm_fault_page(map, entry, addr, access, pagep);
    if (error == ERROR_NOMEM) {
        vm_fault_reclaim();
        error = vm_fault_page(map, entry, addr, access, pagep);
    }
    return error;
}

/*
 * The fault on a pager object's page: map it if the object has it,
 * else set *waitp (and take a reference to the object in *objectp) for
 * the caller to wait once the mutex is released. Map locked.
 */
static int
vm_fault_page_pager(struct vm_user_map *map, const struct vm_map_entry *entry, uintptr_t addr,
                    unsigned int access, struct vm_object **objectp,
                    struct vm_pager_request **waitp)
{
    uint64_t offset = entry->offset + (addr - entry->start);
    struct vm_page *page;
    int error;

    error = vm_pager_page_get(entry->object, offset, access, &page, waitp);
    if (error == ERROR_NOMEM) {
        vm_fault_reclaim();
        error = vm_pager_page_get(entry->object, offset, access, &page, waitp);
    }
    if (error != 0) {
        return error;
    }
    if (page == NULL) {
        vm_object_ref(entry->object);
        *objectp = entry->object;
        return 0;
    }
    error = pmap_enter(map->pmap, addr, vm_page_to_pa(page), entry->protection);
    if (error == ERROR_NOMEM) {
        vm_fault_reclaim();
        error = pmap_enter(map->pmap, addr, vm_page_to_pa(page), entry->protection);
    }
    return error;
}

int
vm_fault(struct vm_user_map *map, uintptr_t addr, unsigned int access)
{
    const struct vm_map_entry *entry;
    struct vm_pager_request *wait;
    struct vm_object *waiting;
    struct vm_page *page;
    unsigned int allowed;
    int error;

    assert((access & ~VM_MAP_PROT_ALL) == 0);
    vm_fault_count_map(map, offsetof(struct vm_fault_counts, faults));
    if (access == 0) {
        access = VM_MAP_PROT_READ;
    }
    addr = P2TRUNC(addr, PAGE_SIZE);
    if (addr >= VM_USER_MAX) {
        return ERROR_FAULT;
    }

    for (;;) {
        waiting = NULL;
        mutex_lock(&map->lock);
        entry = vm_map_lookup(&map->map, addr);
        if (entry == NULL) {
            error = ERROR_FAULT;
        } else {
            allowed = entry->protection;
            if (allowed & VM_MAP_PROT_EXECUTE) {
                allowed |= VM_MAP_PROT_READ;
            }
            if ((access & ~allowed) != 0) {
                error = ERROR_PROT;
            } else if (entry->object->pager != NULL) {
                error = vm_fault_page_pager(map, entry, addr, access, &waiting, &wait);
            } else {
                error = vm_fault_page_locked(map, entry, addr, access, &page);
            }
        }
        mutex_unlock(&map->lock);
        if (waiting == NULL) {
            return error;
        }
        error = vm_pager_wait(waiting, wait);
        vm_object_unref(waiting);
        if (error != 0) {
            return error;
        }
    }
}
