/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Address maps.
 *
 * Rationale. Classic Mach keeps a map's entries in a sorted linked list
 * with a lookup hint, so a lookup or a search for free space walks the
 * list: O(n), which hurts once a map holds thousands of entries (the
 * kernel map with many large allocations, a task with many mappings).
 * Here entries sit in a red-black tree ordered by address, and each
 * entry records the free space that follows it (gap) and the largest
 * gap in its subtree (max_gap, maintained by the tree's augmentation
 * hook). A lookup is a tree descent. A first-fit search descends towards
 * the leftmost subtree whose max_gap is large enough, so it finds the
 * lowest free range of a given size in O(log n), never looking into a
 * subtree without a fitting gap. Entries are also linked in a list in
 * address order, which gives O(1) neighbours: the entry before or after
 * is needed whenever a gap changes.
 *
 * The free space before the first entry belongs to a sentinel: an entry
 * of size 0 at the map's start (map->head), always first in the tree and
 * in the list, whose list node is the list's head. Every free range is
 * then the gap of exactly one entry, and no operation has a special case
 * for the start of the map; the sentinel has an address (the map's
 * start) that no lookup can match, since it contains no byte.
 *
 * Aligned searches: a gap of at least size bytes may still be too small
 * once its start is rounded up to the alignment, and max_gap cannot tell
 * (it would need one maximum per alignment). The search therefore visits,
 * in address order, the gaps of at least size bytes (skipping every
 * subtree with none) until one fits once aligned. With the page
 * alignment every visited gap fits, so the search is O(log n); with a
 * larger one it costs O(log n) plus O(1) amortized per gap passed over
 * (a gap of at least size + align - PAGE_SIZE bytes always fits, so only
 * gaps shorter than that are passed over). The result is always the
 * lowest fitting address, which the unit test checks against a model.
 *
 * Keeping the augmentation exact: rbtree updates a node's max_gap from
 * its gap and its children, whenever the tree changes shape beneath it.
 * When an entry's own gap changes, rbtree_update() refreshes it and its
 * ancestors. A new entry always lands below its predecessor (it becomes
 * the predecessor's successor: either its right child or the leftmost
 * node of its right subtree), so the insertion's own update of the path
 * covers the predecessor's new gap, set just before. A removal does not
 * necessarily touch the predecessor's path, hence an explicit update.
 *
 * Entries are never merged: one vm_map_enter() makes one entry, so the
 * caller finds its range again as it entered it. Entries come from one
 * kmem cache, set up by the first vm_map_init().
 *
 * Locking is external (see vm/vm_map.h): a spinlock per map, taken with
 * interrupts disabled by the callers around every operation, so that
 * they can compose operations and hold on to the entries they looked up.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kern/kmem.h>
#include <kern/list.h>
#include <kern/macros.h>
#include <kern/panic.h>
#include <kern/rbtree.h>
#include <kern/spinlock.h>
#include <machine/param.h>
#include <vm/vm_map.h>

#ifdef MACH_HOST
#include <stdio.h>
#else
#include <kern/printf.h>
#endif

static struct kmem_cache vm_map_entry_cache;
static struct spinlock vm_map_setup_lock = SPINLOCK_INITIALIZER;
static bool vm_map_entry_cache_ready;

static inline struct vm_map_entry *
vm_map_entry_of(const struct rbtree_node *node)
{
    return rbtree_entry(node, struct vm_map_entry, tree_node);
}

/* Largest gap in the subtree at node, 0 for an empty subtree. */
static inline uintptr_t
vm_map_node_max_gap(const struct rbtree_node *node)
{
    return (node == NULL) ? 0 : vm_map_entry_of(node)->max_gap;
}

/* The augmentation hook: max_gap from the entry's gap and its children. */
static void
vm_map_entry_update(struct rbtree_node *node)
{
    struct vm_map_entry *entry = vm_map_entry_of(node);
    uintptr_t max_gap = entry->gap;

    max_gap = MAX(max_gap, vm_map_node_max_gap(rbtree_node_child(node, RBTREE_LEFT)));
    max_gap = MAX(max_gap, vm_map_node_max_gap(rbtree_node_child(node, RBTREE_RIGHT)));
    entry->max_gap = max_gap;
}

/* Order of an address and an entry: 0 when the entry contains addr. */
static inline int
vm_map_entry_cmp(uintptr_t addr, const struct rbtree_node *node)
{
    const struct vm_map_entry *entry = vm_map_entry_of(node);

    if (addr < entry->start) {
        return -1;
    }
    return (addr >= entry->end) ? 1 : 0;
}

/* Entry before entry: the head for the first one. entry is not the head. */
static inline struct vm_map_entry *
vm_map_entry_prev(const struct vm_map_entry *entry)
{
    return list_entry(entry->list_node.prev, struct vm_map_entry, list_node);
}

/* Entry after entry (which may be the head), NULL if it is the last. */
static inline struct vm_map_entry *
vm_map_entry_next(const struct vm_map *map, const struct vm_map_entry *entry)
{
    struct list *node = list_next(&map->head.list_node, &entry->list_node);

    return (node == NULL) ? NULL : list_entry(node, struct vm_map_entry, list_node);
}

/*
 * Entry containing addr, else the last one before it (the head if none).
 * addr must not be below the map's start.
 */
static struct vm_map_entry *
vm_map_entry_lookup_prev(const struct vm_map *map, uintptr_t addr)
{
    struct rbtree_node *node;

    node = rbtree_lookup_nearest(&map->tree, addr, vm_map_entry_cmp, RBTREE_LEFT);
    return vm_map_entry_of(node);
}

/*
 * Link entry (start and end set) right after prev, whose free range it
 * must lie in; limit is where that free range ends (the next entry's
 * start or the map's end). Sets both gaps.
 */
static void
vm_map_entry_link(struct vm_map *map, struct vm_map_entry *prev,
                  struct vm_map_entry *entry, uintptr_t limit)
{
    rbtree_slot_t slot;

    entry->gap = limit - entry->end;
    prev->gap = entry->start - prev->end;   /* prev is an ancestor: see above */
    rbtree_lookup_slot(&map->tree, entry->start, vm_map_entry_cmp, slot);
    rbtree_insert_slot(&map->tree, slot, &entry->tree_node);
    list_insert_after(&prev->list_node, &entry->list_node);
    map->nr_entries++;
}

/* Unlink entry and free it; its predecessor's gap is the caller's job. */
static void
vm_map_entry_unlink(struct vm_map *map, struct vm_map_entry *entry)
{
    rbtree_remove(&map->tree, &entry->tree_node);
    list_remove(&entry->list_node);
    map->nr_entries--;
    map->mapped -= entry->end - entry->start;
    kmem_cache_free(&vm_map_entry_cache, entry);
}

/* Lowest entry in the subtree at node with a gap of at least size; one exists. */
static struct vm_map_entry *
vm_map_gap_first(struct rbtree_node *node, uintptr_t size)
{
    for (;;) {
        struct rbtree_node *left = rbtree_node_child(node, RBTREE_LEFT);
        struct vm_map_entry *entry;

        if (vm_map_node_max_gap(left) >= size) {
            node = left;
            continue;
        }
        entry = vm_map_entry_of(node);
        if (entry->gap >= size) {
            return entry;
        }
        node = rbtree_node_child(node, RBTREE_RIGHT);
    }
}

/* Lowest entry after entry with a gap of at least size, NULL if none. */
static struct vm_map_entry *
vm_map_gap_next(struct vm_map_entry *entry, uintptr_t size)
{
    struct rbtree_node *node = &entry->tree_node, *parent, *right;

    right = rbtree_node_child(node, RBTREE_RIGHT);
    if (vm_map_node_max_gap(right) >= size) {
        return vm_map_gap_first(right, size);
    }
    while ((parent = rbtree_node_parent(node)) != NULL) {
        if (rbtree_node_child(parent, RBTREE_LEFT) == node) {
            entry = vm_map_entry_of(parent);
            if (entry->gap >= size) {
                return entry;
            }
            right = rbtree_node_child(parent, RBTREE_RIGHT);
            if (vm_map_node_max_gap(right) >= size) {
                return vm_map_gap_first(right, size);
            }
        }
        node = parent;
    }
    return NULL;
}

/*
 * Entry whose gap holds the lowest range of size bytes aligned to align
 * (a power of two), whose address goes to *addrp; NULL if none.
 */
static struct vm_map_entry *
vm_map_gap_find(const struct vm_map *map, uintptr_t size, uintptr_t align,
                uintptr_t *addrp)
{
    struct rbtree_node *root = rbtree_root(&map->tree);
    struct vm_map_entry *entry;

    if (vm_map_node_max_gap(root) < size) {
        return NULL;
    }
    for (entry = vm_map_gap_first(root, size); entry != NULL;
         entry = vm_map_gap_next(entry, size)) {
        uintptr_t pad = (0 - entry->end) & (align - 1);

        if (entry->gap >= pad && entry->gap - pad >= size) {
            *addrp = entry->end + pad;
            return entry;
        }
    }
    return NULL;
}

/* Check size and align, raising align to PAGE_SIZE. */
static int
vm_map_args_check(uintptr_t size, uintptr_t *alignp)
{
    uintptr_t align = *alignp;

    if (size == 0 || !P2ALIGNED(size, PAGE_SIZE) || (align & (align - 1)) != 0) {
        return ERROR_INVAL;
    }
    *alignp = MAX(align, (uintptr_t)PAGE_SIZE);
    return 0;
}

int
vm_map_init(struct vm_map *map, uintptr_t start, uintptr_t end)
{
    rbtree_slot_t slot;
    uint32_t flags;

    if (start >= end || !P2ALIGNED(start, PAGE_SIZE) || !P2ALIGNED(end, PAGE_SIZE)) {
        return ERROR_INVAL;
    }

    flags = spinlock_lock_intr_save(&vm_map_setup_lock);
    if (!vm_map_entry_cache_ready) {
        if (kmem_cache_init(&vm_map_entry_cache, "vm_map_entry",
                            sizeof(struct vm_map_entry), 0, NULL, 0) != 0) {
            panic("vm_map: cannot create the entry cache");
        }
        vm_map_entry_cache_ready = true;
    }
    spinlock_unlock_intr_restore(&vm_map_setup_lock, flags);

    spinlock_init(&map->lock);
    map->lock_flags = 0;
    map->external_held = NULL;
    rbtree_init(&map->tree, vm_map_entry_update);
    list_init(&map->head.list_node);
    map->head.start = start;
    map->head.end = start;
    map->head.gap = end - start;
    map->head.object = NULL;
    map->head.offset = 0;
    map->head.protection = VM_MAP_PROT_NONE;
    map->head.max_protection = VM_MAP_PROT_NONE;
    map->head.inheritance = VM_MAP_INHERIT_NONE;
    map->head.wired_access = 0;
    rbtree_lookup_slot(&map->tree, start, vm_map_entry_cmp, slot);
    rbtree_insert_slot(&map->tree, slot, &map->head.tree_node);
    map->start = start;
    map->end = end;
    map->nr_entries = 0;
    map->mapped = 0;
    return 0;
}

void
vm_map_lock_external(struct vm_map *map, bool (*held)(const struct vm_map *map))
{
    assert(held != NULL);
    map->external_held = held;
}

/*
 * The external locking rule (vm_map.h): a change or lookup without the
 * map's lock races with others on the tree and its gap augmentation, and
 * corrupts them silently. Checked with lock debugging; a map locked by
 * its owner's lock instead (user maps, a mutex) is asked through the
 * owner's check.
 */
static inline void
vm_map_assert_locked(const struct vm_map *map)
{
    if (map->external_held != NULL) {
        assert(map->external_held(map));
    } else {
        spinlock_assert_held(&map->lock);
    }
}

/* True when prot and max_prot are protections, prot within max_prot, and inherit valid. */
static inline bool
vm_map_attr_valid(unsigned int prot, unsigned int max_prot, unsigned int inherit)
{
    return (max_prot & ~VM_MAP_PROT_ALL) == 0 && (prot & ~max_prot) == 0
           && inherit <= VM_MAP_INHERIT_NONE;
}

int
vm_map_enter(struct vm_map *map, uintptr_t *addrp, uintptr_t size,
             uintptr_t align, unsigned int prot, unsigned int flags)
{
    struct vm_map_attr attr = {
        .prot = prot,
        .max_prot = VM_MAP_PROT_ALL,
        .inherit = VM_MAP_INHERIT_COPY,
        .object = NULL,
        .offset = 0,
    };

    return vm_map_enter_attr(map, addrp, size, align, &attr, flags);
}

int
vm_map_enter_attr(struct vm_map *map, uintptr_t *addrp, uintptr_t size,
                  uintptr_t align, const struct vm_map_attr *attr,
                  unsigned int flags)
{
    struct vm_map_entry *prev, *entry;
    uintptr_t addr;
    int error;

    vm_map_assert_locked(map);
    error = vm_map_args_check(size, &align);
    if (error != 0) {
        return error;
    }
    if (!vm_map_attr_valid(attr->prot, attr->max_prot, attr->inherit)) {
        return ERROR_INVAL;
    }

    if (flags == VM_MAP_ANYWHERE) {
        prev = vm_map_gap_find(map, size, align, &addr);
        if (prev == NULL) {
            return ERROR_NOSPC;
        }
    } else if (flags == VM_MAP_FIXED) {
        addr = *addrp;
        if (!P2ALIGNED(addr, align) || addr < map->start || addr > map->end
            || size > map->end - addr) {
            return ERROR_INVAL;
        }
        prev = vm_map_entry_lookup_prev(map, addr);
        if (prev->end > addr || size > prev->end + prev->gap - addr) {
            return ERROR_EXIST;
        }
    } else {
        return ERROR_INVAL;
    }

    entry = kmem_cache_alloc(&vm_map_entry_cache);
    if (entry == NULL) {
        return ERROR_NOMEM;
    }
    entry->start = addr;
    entry->end = addr + size;
    entry->object = attr->object;
    entry->offset = attr->offset;
    entry->protection = (uint8_t)attr->prot;
    entry->max_protection = (uint8_t)attr->max_prot;
    entry->inheritance = (uint8_t)attr->inherit;
    entry->wired_access = 0;
    vm_map_entry_link(map, prev, entry, prev->end + prev->gap);
    map->mapped += size;
    *addrp = addr;
    return 0;
}

/* Cut [start, end) out of the middle of entry, leaving pages on both sides. */
static int
vm_map_entry_split(struct vm_map *map, struct vm_map_entry *entry,
                   uintptr_t start, uintptr_t end)
{
    struct vm_map_entry *tail;
    uintptr_t limit;

    tail = kmem_cache_alloc(&vm_map_entry_cache);
    if (tail == NULL) {
        return ERROR_NOMEM;
    }
    tail->start = end;
    tail->end = entry->end;
    tail->object = entry->object;
    tail->offset = entry->offset + (end - entry->start);
    tail->protection = entry->protection;
    tail->max_protection = entry->max_protection;
    tail->inheritance = entry->inheritance;
    tail->wired_access = entry->wired_access;
    limit = entry->end + entry->gap;
    entry->end = start;
    vm_map_entry_link(map, entry, tail, limit);
    map->mapped -= end - start;
    return 0;
}

int
vm_map_clip(struct vm_map *map, uintptr_t addr)
{
    struct vm_map_entry *entry;
    int error;

    if (!P2ALIGNED(addr, PAGE_SIZE)) {
        return ERROR_INVAL;
    }
    if (addr <= map->start || addr >= map->end) {
        return 0;
    }
    entry = vm_map_entry_lookup_prev(map, addr);
    if (entry == &map->head || entry->start == addr || entry->end <= addr) {
        return 0;
    }
    /* A split with nothing cut out: the tail starts where the front ends. */
    error = vm_map_entry_split(map, entry, addr, addr);
    return (error == 0) ? 1 : error;
}

int
vm_map_entry_attr_set(struct vm_map *map, const struct vm_map_entry *entry,
                      unsigned int prot, unsigned int max_prot, unsigned int inherit)
{
    struct vm_map_entry *e = (struct vm_map_entry *)entry;

    (void)map;
    assert(entry != &map->head);
    if (!vm_map_attr_valid(prot, max_prot, inherit)) {
        return ERROR_INVAL;
    }
    e->protection = (uint8_t)prot;
    e->max_protection = (uint8_t)max_prot;
    e->inheritance = (uint8_t)inherit;
    return 0;
}

void
vm_map_entry_wired_set(struct vm_map *map, const struct vm_map_entry *entry,
                       unsigned int access)
{
    struct vm_map_entry *e = (struct vm_map_entry *)entry;

    vm_map_assert_locked(map);
    assert(entry != &map->head && (access & ~VM_MAP_PROT_ALL) == 0);
    e->wired_access = (uint8_t)access;
}

void
vm_map_entry_object_set(struct vm_map *map, const struct vm_map_entry *entry,
                        struct vm_object *object, uint64_t offset)
{
    struct vm_map_entry *e = (struct vm_map_entry *)entry;

    vm_map_assert_locked(map);
    assert(entry != &map->head);
    e->object = object;
    e->offset = offset;
}

int
vm_map_remove(struct vm_map *map, uintptr_t start, uintptr_t end)
{
    struct vm_map_entry *prev, *next, *tmp;

    vm_map_assert_locked(map);
    if (start >= end || !P2ALIGNED(start, PAGE_SIZE) || !P2ALIGNED(end, PAGE_SIZE)
        || start < map->start || end > map->end) {
        return ERROR_INVAL;
    }

    /* prev: the last entry that keeps pages below start. */
    prev = vm_map_entry_lookup_prev(map, start);
    if (prev->end > start) {
        if (prev->start == start) {
            prev = vm_map_entry_prev(prev);
        } else if (prev->end > end) {
            return vm_map_entry_split(map, prev, start, end);
        } else {
            map->mapped -= prev->end - start;
            prev->end = start;
        }
    }

    /* Entries starting in the range: freed, or cut at end (then the last). */
    next = vm_map_entry_next(map, prev);
    while (next != NULL && next->start < end) {
        if (next->end > end) {
            map->mapped -= end - next->start;
            next->offset += end - next->start;
            next->start = end;
            break;
        }
        tmp = vm_map_entry_next(map, next);
        vm_map_entry_unlink(map, next);
        next = tmp;
    }

    prev->gap = ((next == NULL) ? map->end : next->start) - prev->end;
    rbtree_update(&map->tree, &prev->tree_node);
    return 0;
}

int
vm_map_find_free(struct vm_map *map, uintptr_t size, uintptr_t align,
                 uintptr_t *addrp)
{
    int error;

    vm_map_assert_locked(map);
    error = vm_map_args_check(size, &align);
    if (error != 0) {
        return error;
    }
    return (vm_map_gap_find(map, size, align, addrp) == NULL) ? ERROR_NOSPC : 0;
}

const struct vm_map_entry *
vm_map_lookup(const struct vm_map *map, uintptr_t addr)
{
    struct rbtree_node *node;

    vm_map_assert_locked(map);
    node = rbtree_lookup(&map->tree, addr, vm_map_entry_cmp);
    return (node == NULL) ? NULL : vm_map_entry_of(node);
}

const struct vm_map_entry *
vm_map_lookup_from(const struct vm_map *map, uintptr_t addr)
{
    const struct vm_map_entry *entry;

    if (addr < map->start) {
        return vm_map_first(map);
    }
    entry = vm_map_entry_lookup_prev(map, addr);
    if (entry != &map->head && entry->end > addr) {
        return entry;
    }
    return vm_map_entry_next(map, entry);
}

const struct vm_map_entry *
vm_map_first(const struct vm_map *map)
{
    return vm_map_entry_next(map, &map->head);
}

const struct vm_map_entry *
vm_map_next(const struct vm_map *map, const struct vm_map_entry *entry)
{
    return vm_map_entry_next(map, entry);
}

void
vm_map_stats_get(const struct vm_map *map, struct vm_map_stats *stats)
{
    stats->start = map->start;
    stats->end = map->end;
    stats->nr_entries = map->nr_entries;
    stats->mapped = map->mapped;
    stats->free = (map->end - map->start) - map->mapped;
    stats->largest_free = vm_map_node_max_gap(rbtree_root(&map->tree));
}

const char *
vm_map_check(const struct vm_map *map)
{
    const struct vm_map_entry *entry, *next;
    const struct rbtree_node *node;
    unsigned long nr_entries = 0;
    uintptr_t mapped = 0, max_gap;

    node = rbtree_first(&map->tree);
    if (node != &map->head.tree_node) {
        return "the head is not the first node of the tree";
    }
    if (map->head.start != map->start || map->head.end != map->start) {
        return "the head is not an empty entry at the map's start";
    }
    for (entry = &map->head; entry != NULL; entry = next) {
        if (node != &entry->tree_node) {
            return "the tree and the list differ";
        }
        next = vm_map_entry_next(map, entry);
        if (entry != &map->head) {
            if (entry->start >= entry->end) {
                return "an entry is empty";
            }
            if (!P2ALIGNED(entry->start, PAGE_SIZE) || !P2ALIGNED(entry->end, PAGE_SIZE)) {
                return "an entry is not page-aligned";
            }
            if (entry->start < vm_map_entry_prev(entry)->end) {
                return "entries overlap or are out of order";
            }
            if (!vm_map_attr_valid(entry->protection, entry->max_protection,
                                   entry->inheritance)) {
                return "an entry's protection exceeds its maximum, or its inheritance is bad";
            }
            nr_entries++;
            mapped += entry->end - entry->start;
        }
        if (entry->end > map->end) {
            return "an entry ends past the map";
        }
        if (entry->gap != ((next == NULL) ? map->end : next->start) - entry->end) {
            return "a gap is wrong";
        }
        max_gap = entry->gap;
        max_gap = MAX(max_gap, vm_map_node_max_gap(rbtree_node_child(node, RBTREE_LEFT)));
        max_gap = MAX(max_gap, vm_map_node_max_gap(rbtree_node_child(node, RBTREE_RIGHT)));
        if (entry->max_gap != max_gap) {
            return "a subtree's largest gap is wrong";
        }
        node = rbtree_next(node);
    }
    if (node != NULL) {
        return "the tree has more nodes than the list";
    }
    if (nr_entries != map->nr_entries || mapped != map->mapped) {
        return "the counters are wrong";
    }
    return NULL;
}

/*
 * For vm_map_info(): format the first entry ending above *addrp into line
 * and move *addrp to its end. Takes the map lock. Returns false when there
 * is no such entry.
 */
static bool
vm_map_info_next(struct vm_map *map, uintptr_t *addrp, char *line, size_t size)
{
    const struct vm_map_entry *entry;
    struct rbtree_node *node;

    vm_map_lock(map);
    node = rbtree_lookup_nearest(&map->tree, *addrp, vm_map_entry_cmp, RBTREE_RIGHT);
    if (node != NULL) {
        entry = vm_map_entry_of(node);
        snprintf(line, size, "  0x%08lx-0x%08lx %9lu KiB %c%c%c",
                 (unsigned long)entry->start, (unsigned long)entry->end,
                 (unsigned long)((entry->end - entry->start) >> 10),
                 (entry->protection & VM_MAP_PROT_READ) ? 'r' : '-',
                 (entry->protection & VM_MAP_PROT_WRITE) ? 'w' : '-',
                 (entry->protection & VM_MAP_PROT_EXECUTE) ? 'x' : '-');
        *addrp = entry->end;
    }
    vm_map_unlock(map);
    return node != NULL;
}

void
vm_map_info(struct vm_map *map, vm_map_print_fn print)
{
    struct vm_map_stats stats;
    uintptr_t addr;
    char line[192];

    vm_map_lock(map);
    vm_map_stats_get(map, &stats);
    vm_map_unlock(map);
    snprintf(line, sizeof(line),
             "vm_map [0x%08lx, 0x%08lx): %lu entries, %lu KiB mapped, "
             "%lu KiB free, largest free %lu KiB",
             (unsigned long)stats.start, (unsigned long)stats.end, stats.nr_entries,
             (unsigned long)(stats.mapped >> 10), (unsigned long)(stats.free >> 10),
             (unsigned long)(stats.largest_free >> 10));
    print(line);
    addr = stats.start;
    while (vm_map_info_next(map, &addr, line, sizeof(line))) {
        print(line);
    }
}
