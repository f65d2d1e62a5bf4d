/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internals of vm_map: the structures callers embed (struct vm_map) or
 * read (struct vm_map_entry, whose public fields vm/vm_map.h lists).
 * vm/vm_map.h includes this file; only vm/vm_map.c writes these fields.
 */
#ifndef VM_VM_MAP_I_H
#define VM_VM_MAP_I_H

#include <stdbool.h>
#include <stdint.h>

#include <kern/list.h>
#include <kern/rbtree.h>
#include <kern/spinlock.h>

struct vm_object;

/*
 * One mapped range [start, end). Entries of a map are linked twice, in
 * address order: in a red-black tree (for O(log n) lookups and free-range
 * searches) and in a list (O(1) neighbours). gap is the free space that
 * follows the entry, up to the next entry or the map's end; max_gap is the
 * largest gap in the entry's subtree (the tree's augmentation).
 */
struct vm_map_entry {
    struct rbtree_node tree_node;
    struct list list_node;
    uintptr_t start;
    uintptr_t end;
    uintptr_t gap;
    uintptr_t max_gap;
    struct vm_object *object;   /* what is mapped, or NULL (vm_map never looks inside) */
    uint64_t offset;            /* offset of start in object */
    uint8_t protection;         /* VM_MAP_PROT_*: current */
    uint8_t max_protection;     /* VM_MAP_PROT_*: protection may not rise above it */
    uint8_t inheritance;        /* VM_MAP_INHERIT_* */
    uint8_t wired_access;       /* VM_MAP_PROT_*: wired for these accesses (0: not wired) */
};

/*
 * An address map. head is a sentinel entry of size 0 at the map's start,
 * always first in the tree and the list (the list's head node): its gap
 * is the free space before the first real entry, so every free range is
 * the gap of exactly one entry. lock_flags holds the interrupt state
 * saved by vm_map_lock(), written only by the lock's holder.
 * external_held is set for maps their owner locks with a lock of its
 * own (vm_map_lock_external()).
 */
struct vm_map {
    struct spinlock lock;
    uint32_t lock_flags;
    bool (*external_held)(const struct vm_map *map);   /* owner's lock check, or NULL */
    struct rbtree tree;
    struct vm_map_entry head;
    uintptr_t start;
    uintptr_t end;
    unsigned long nr_entries;   /* head excluded */
    uintptr_t mapped;           /* bytes in entries */
};

#endif /* VM_VM_MAP_I_H */
