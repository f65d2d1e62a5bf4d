/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Address maps: which ranges of [start, end) are in use, as a red-black
 * tree of entries augmented with the largest free gap of each subtree.
 * Lookup by address and first-fit search for a free range are O(log n).
 * doc/vm.md describes the design.
 *
 *   static struct vm_map map;
 *   uintptr_t addr;
 *
 *   vm_map_init(&map, 0xF8000000, 0xFF000000);
 *   vm_map_lock(&map);
 *   error = vm_map_enter(&map, &addr, size, 0, VM_MAP_PROT_RW, VM_MAP_ANYWHERE);
 *   ...
 *   error = vm_map_remove(&map, addr, addr + size);
 *   vm_map_unlock(&map);
 *
 * Addresses and sizes are in bytes, multiples of PAGE_SIZE; ranges are
 * half-open. Entries are never merged: each vm_map_enter() makes one
 * entry, which only vm_map_remove() shrinks, splits or frees.
 *
 * Locking: external. Every function here except vm_map_init() and
 * vm_map_info() must be called between vm_map_lock() and
 * vm_map_unlock() on that map, so that callers can combine operations
 * (look up, then remove; find, then enter) atomically and keep the
 * entries they looked up. The lock is a spinlock taken with interrupts
 * disabled: nothing here sleeps, and vm_map may be used from any context.
 * User address maps (vm/vm_user.h) hold a sleeping lock of their own
 * around these calls instead, never take this one, and say so with
 * vm_map_lock_external().
 * Entries come from a kmem cache, allocated while the lock is held: kmem
 * caches take their slabs straight from vm_page and never enter a map.
 * kmem as a whole is not below vm_map, though: kmem_alloc() of more than
 * KMEM_ALLOC_MAX (8 KiB) takes kernel virtual space from vm_kmem, which
 * locks the kernel map. So never call kmem_alloc() of such sizes, or
 * vm_kmem, while holding a map lock (the lock does not nest).
 *
 * Errors are the kernel's negative ERROR_* codes (kern/error.h), 0 is
 * success: ERROR_NOMEM (no memory for an entry), ERROR_NOSPC (no free
 * range large enough), ERROR_EXIST (a fixed range overlaps an entry),
 * ERROR_INVAL (bad argument, range outside the map). The Mach VM calls
 * convert them with error_to_kern_return(), except ERROR_EXIST, which
 * they report as KERN_NO_SPACE as Mach defines. Every failing call
 * leaves the map unchanged.
 */
#ifndef VM_VM_MAP_H
#define VM_VM_MAP_H

#include <stddef.h>
#include <stdint.h>

#include <kern/error.h>
#include <kern/spinlock.h>
#include <vm/vm_map_i.h>

/* Protection of an entry; the values of Mach's VM_PROT_*. */
#define VM_MAP_PROT_NONE        0x0
#define VM_MAP_PROT_READ        0x1
#define VM_MAP_PROT_WRITE       0x2
#define VM_MAP_PROT_EXECUTE     0x4
#define VM_MAP_PROT_RW          (VM_MAP_PROT_READ | VM_MAP_PROT_WRITE)
#define VM_MAP_PROT_ALL         (VM_MAP_PROT_RW | VM_MAP_PROT_EXECUTE)

/* Inheritance of an entry by a child task; the values of Mach's VM_INHERIT_*. */
#define VM_MAP_INHERIT_SHARE    0
#define VM_MAP_INHERIT_COPY     1
#define VM_MAP_INHERIT_NONE     2

/*
 * Attributes of a new entry (vm_map_enter_attr()). prot must be a subset
 * of max_prot. vm_map stores object and offset and never looks at them:
 * references to the object are the caller's business (see
 * vm_map_clip()).
 */
struct vm_map_attr {
    unsigned int prot;          /* VM_MAP_PROT_* */
    unsigned int max_prot;      /* VM_MAP_PROT_* */
    unsigned int inherit;       /* VM_MAP_INHERIT_* */
    struct vm_object *object;
    uint64_t offset;            /* of the entry's start in object */
};

/* Flags of vm_map_enter(): exactly one of the two. */
#define VM_MAP_FIXED            0x1     /* at *addrp exactly */
#define VM_MAP_ANYWHERE         0x2     /* at the lowest free address that fits */

/*
 * Public fields of an entry (struct vm_map_entry in vm/vm_map_i.h), to be
 * read with the map locked, never written: start, end, protection,
 * max_protection, inheritance, wired_access, object and offset (of start in object;
 * vm_map_remove() and vm_map_clip() keep it right when they cut an
 * entry). vm_map_enter() makes entries with max_protection ALL,
 * inheritance COPY and no object.
 */

/* Counters of a map, from vm_map_stats_get(). */
struct vm_map_stats {
    uintptr_t start;
    uintptr_t end;
    unsigned long nr_entries;
    uintptr_t mapped;           /* bytes in entries */
    uintptr_t free;             /* bytes outside entries */
    uintptr_t largest_free;     /* largest free range, in bytes */
};

/* Receives one line of a report, without a newline. */
typedef void (*vm_map_print_fn)(const char *line);

/*
 * Make map an empty map of [start, end): both multiples of PAGE_SIZE,
 * start < end. The first call also sets up the kmem cache of entries, so
 * it must come after kmem_setup(). The map needs no locking until it is
 * published. Returns 0, or ERROR_INVAL (map untouched) for a bad range.
 */
int vm_map_init(struct vm_map *map, uintptr_t start, uintptr_t end);

/*
 * Declare that map's owner locks it with a lock of its own instead of
 * vm_map_lock(); held(map) says whether the calling thread holds that
 * lock, for the lock assertions. Call before the map is published.
 */
void vm_map_lock_external(struct vm_map *map, bool (*held)(const struct vm_map *map));

/* Lock map (spinlock, interrupts disabled until vm_map_unlock()). */
static inline void
vm_map_lock(struct vm_map *map)
{
    uint32_t flags = spinlock_lock_intr_save(&map->lock);

    map->lock_flags = flags;
}

/* Unlock map, restoring the interrupt state saved by vm_map_lock(). */
static inline void
vm_map_unlock(struct vm_map *map)
{
    spinlock_unlock_intr_restore(&map->lock, map->lock_flags);
}

/*
 * Map size bytes (a non-zero multiple of PAGE_SIZE) with protection prot
 * (VM_MAP_PROT_* bits). align is 0 or a power of two; below PAGE_SIZE it
 * means PAGE_SIZE. VM_MAP_ANYWHERE: at the lowest address of the map
 * aligned to align where the range fits, stored in *addrp. VM_MAP_FIXED:
 * at *addrp, which must be aligned to align. Map locked. Returns 0, or
 * ERROR_INVAL (bad argument; fixed: range not inside the map),
 * ERROR_NOSPC (anywhere: no free range fits), ERROR_EXIST (fixed: the
 * range overlaps an entry), ERROR_NOMEM (no memory for the entry).
 */
int vm_map_enter(struct vm_map *map, uintptr_t *addrp, uintptr_t size,
                 uintptr_t align, unsigned int prot, unsigned int flags);

/*
 * vm_map_enter() with every attribute of the entry given: attr->prot and
 * attr->max_prot (VM_MAP_PROT_* bits, prot a subset of max_prot),
 * attr->inherit (VM_MAP_INHERIT_*), attr->object and attr->offset. Same
 * locking, results and errors as vm_map_enter(); ERROR_INVAL also for
 * bad attributes.
 */
int vm_map_enter_attr(struct vm_map *map, uintptr_t *addrp, uintptr_t size,
                      uintptr_t align, const struct vm_map_attr *attr,
                      unsigned int flags);

/*
 * Make addr (a multiple of PAGE_SIZE) a boundary between entries: an
 * entry that contains addr but does not start there is split in two at
 * addr, both halves with the same attributes and object (the back half's
 * offset moved on by the front half's size). A caller that counts
 * references to objects per entry takes one more when this returns 1.
 * Map locked. Returns 1 (split), 0 (addr was already a boundary or
 * unmapped), ERROR_INVAL (addr not aligned) or ERROR_NOMEM (no
 * memory for an entry; map unchanged).
 */
int vm_map_clip(struct vm_map *map, uintptr_t addr);

/*
 * Set the protections and inheritance of entry (an entry of map, from a
 * lookup or a walk): prot a subset of max_prot. Map locked. Returns 0 or
 * ERROR_INVAL (bad values; entry unchanged).
 */
int vm_map_entry_attr_set(struct vm_map *map, const struct vm_map_entry *entry,
                          unsigned int prot, unsigned int max_prot,
                          unsigned int inherit);

/*
 * Record that entry (an entry of map) is wired for access (VM_MAP_PROT_*
 * bits; 0 unwires). vm_map only keeps the value, carries it into both
 * halves of a split and starts new entries at 0. Map locked.
 */
void vm_map_entry_wired_set(struct vm_map *map, const struct vm_map_entry *entry,
                            unsigned int access);

/*
 * Replace what entry (an entry of map) maps: object at offset. vm_map
 * never looks at either; references are the caller's. Map locked.
 */
void vm_map_entry_object_set(struct vm_map *map, const struct vm_map_entry *entry,
                             struct vm_object *object, uint64_t offset);

/*
 * Unmap every page of [start, end) (multiples of PAGE_SIZE, start < end,
 * inside the map): entries inside go, entries across a boundary are cut,
 * an entry containing the whole range with pages on both sides is split
 * in two. Unmapped pages in the range are fine. Map locked. Returns 0,
 * or ERROR_INVAL (bad range) or ERROR_NOMEM (a split needs an entry
 * and there is no memory; never when the range covers the whole map).
 */
int vm_map_remove(struct vm_map *map, uintptr_t start, uintptr_t end);

/*
 * Lowest address aligned to align (as for vm_map_enter()) where size
 * free bytes fit, stored in *addrp. Map locked; the answer holds while
 * the lock is. Returns 0, or ERROR_INVAL (bad size or alignment) or
 * ERROR_NOSPC (nothing fits).
 */
int vm_map_find_free(struct vm_map *map, uintptr_t size, uintptr_t align,
                     uintptr_t *addrp);

/* Entry containing addr, NULL if addr is not mapped. Map locked. */
const struct vm_map_entry *vm_map_lookup(const struct vm_map *map, uintptr_t addr);

/*
 * Entry containing addr or, if addr is unmapped, the first entry above
 * it; NULL when there is none. Map locked.
 */
const struct vm_map_entry *vm_map_lookup_from(const struct vm_map *map, uintptr_t addr);

/* First entry (lowest addresses), NULL if the map is empty. Map locked. */
const struct vm_map_entry *vm_map_first(const struct vm_map *map);

/* Entry after entry, NULL if it is the last. Map locked. */
const struct vm_map_entry *vm_map_next(const struct vm_map *map,
                                       const struct vm_map_entry *entry);

/* Iterate over the entries in address order; map locked, not modified. */
#define vm_map_for_each(map, entry)                                         \
    for (entry = vm_map_first(map); entry != NULL; entry = vm_map_next(map, entry))

/* Copy the counters of map into *stats. Map locked. */
void vm_map_stats_get(const struct vm_map *map, struct vm_map_stats *stats);

/*
 * Check every invariant of map: entries sorted, page-aligned, non-empty
 * and inside the map; tree and list in the same order; every gap and
 * every subtree's largest gap exact; counters right. O(n), for tests.
 * Map locked. Returns NULL when all hold, else a description of the
 * first broken one.
 */
const char *vm_map_check(const struct vm_map *map);

/*
 * The report behind the shell's vm_map_info: a summary line (range,
 * entries, mapped, free, largest free range), then one line per entry
 * (range, size, protection). Takes the map lock itself, once per line,
 * and prints with it released: the caller must not hold it, and entries
 * changing meanwhile are seen as they are when their line is printed.
 */
void vm_map_info(struct vm_map *map, vm_map_print_fn print);

#endif /* VM_VM_MAP_H */
