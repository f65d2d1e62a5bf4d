/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Radix tree with 32-bit keys: 64 slots per node, nodes from a kmem
 * cache, lowest-free-key allocation in O(height), lockless lookups.
 *
 *   struct rdxtree tree;            embedded in its user (a name space)
 *
 *   rdxtree_init(&tree);
 *   error = rdxtree_insert_alloc(&tree, obj, &key);   lowest free key
 *   obj = rdxtree_lookup(&tree, key);                 no lock needed
 *   obj = rdxtree_remove(&tree, key);
 *
 * Locking. The tree has no lock of its own. Writers (insert, replace,
 * remove) must be serialized by the caller, who also protects the
 * counters and the iteration when exactness matters. Lookups and
 * iteration need no lock at all: each runs in a qsbr read section of
 * its own (interrupts off for a few dozen instructions), sees every
 * node either before or after a change, and nodes unlinked by a writer
 * are freed only after a grace period (kern/qsbr.h). A value that
 * lookup returns is only a snapshot: keeping the object it points to
 * alive is the caller's business (its own lock, or objects freed through
 * qsbr_defer() and used inside a read section).
 *
 * Values are non-NULL pointers (NULL means "absent"). Every operation
 * costs O(height): at most 6 levels, 4 for keys below 2^24. The tree
 * shrinks as it empties: a node is freed when its last slot empties,
 * and the root moves down while it has a single child at slot 0.
 * Nothing here sleeps or panics; allocation failures are returned and
 * leave the tree as it was.
 */
#ifndef KERN_RDXTREE_H
#define KERN_RDXTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kern/error.h>
#include <kern/macros.h>
#include <kern/panic.h>
#include <kern/qsbr.h>
#include <kern/rdxtree_i.h>

/* Bytes per node (for reports). */
#define RDXTREE_NODE_SIZE       sizeof(struct rdxtree_node)

/* Position of an iteration, in key order. */
struct rdxtree_iter {
    uint32_t next;                  /* first key to look at */
    uint32_t key;                   /* key of the value last returned */
    bool end;
};

/*
 * Create the kmem cache of nodes. Once, after kmem_setup() and before
 * any other call. Cannot fail.
 */
void rdxtree_setup(void);

/* Initialize an empty tree. Allocates nothing. */
static inline void
rdxtree_init(struct rdxtree *tree)
{
    tree->root = NULL;
    tree->nr_values = 0;
    tree->nr_nodes = 0;
}

/*
 * Store value (not NULL) at key. Writers serialized by the caller.
 * Returns 0, ERROR_EXIST when key has a value (left in place), or
 * ERROR_NOMEM when a node could not be allocated (tree unchanged).
 */
int rdxtree_insert(struct rdxtree *tree, uint32_t key, void *value);

/*
 * Store value (not NULL) at the lowest key without a value and set *keyp
 * to it; O(height) through the free-slot bitmaps. Writers serialized by
 * the caller. Returns 0, ERROR_NOMEM (tree unchanged) or
 * ERROR_NOSPC when every key is in use.
 */
static inline int
rdxtree_insert_alloc(struct rdxtree *tree, void *value, uint32_t *keyp)
{
    struct rdxtree_node *node = tree->root, *child;
    unsigned int shift, index;
    uint32_t key = 0, bits, *word;

    assert(value != NULL);
    if (unlikely(node == NULL || rdxtree_node_full(node))) {
        return rdxtree_alloc_grow(tree, value, keyp);
    }
    /* Follow the lowest free slot down to a leaf, which is not full. */
    for (shift = node->shift; shift != 0; shift -= RDXTREE_RADIX) {
        index = rdxtree_node_first_free(node);
        key |= (uint32_t)index << shift;
        child = node->slots[index];
        if (unlikely(child == NULL)) {
            return rdxtree_alloc_store(tree, node, key, value, keyp);
        }
        node = child;
    }
    /* The lowest set bit of the leaf's bitmap: clear it as bits & (bits - 1). */
    word = &node->free_map[0];
    index = 0;
    if (*word == 0) {
        word++;
        index = 32;
    }
    bits = *word;
    index += (unsigned int)__builtin_ctz(bits);
    __atomic_store_n(&node->slots[index], value, __ATOMIC_RELEASE);
    *word = bits & (bits - 1);
    tree->nr_values++;
    if (unlikely(++node->nr_used == RDXTREE_RADIX_SIZE)) {
        rdxtree_leaf_filled(node);
    }
    *keyp = key | index;
    return 0;
}

/*
 * Replace the value at key by value (not NULL). Writers serialized by
 * the caller. Returns the previous value, or NULL when key had none (and
 * then stores nothing).
 */
void *rdxtree_replace(struct rdxtree *tree, uint32_t key, void *value);

/*
 * Remove the value at key and return it, or NULL when there was none.
 * Frees (after a grace period) the nodes that become empty and lowers
 * the root when it can. Writers serialized by the caller. Cannot fail.
 */
static inline void *
rdxtree_remove(struct rdxtree *tree, uint32_t key)
{
    struct rdxtree_node *node = tree->root;
    unsigned int shift, index;
    void *value;

    if (node == NULL || (key >> node->shift) >= RDXTREE_RADIX_SIZE) {
        return NULL;
    }
    for (shift = node->shift; shift != 0; shift -= RDXTREE_RADIX) {
        node = node->slots[(key >> shift) & RDXTREE_RADIX_MASK];
        if (node == NULL) {
            return NULL;
        }
    }
    index = key & RDXTREE_RADIX_MASK;
    value = node->slots[index];
    if (value == NULL) {
        return NULL;
    }
    __atomic_store_n(&node->slots[index], NULL, __ATOMIC_RELAXED);
    tree->nr_values--;
    rdxtree_node_set_free(node, index);
    /* The leaf was full (its ancestors need the bit back) or is now empty. */
    if (unlikely(--node->nr_used - 1 >= RDXTREE_RADIX_SIZE - 2)) {
        rdxtree_leaf_drained(tree, node);
    }
    return value;
}

/*
 * The value at key, or NULL. Lock-free and safe against concurrent
 * writers (see the top of this file); may be called with the writers'
 * lock held too, and from any context.
 */
static inline void *
rdxtree_lookup(const struct rdxtree *tree, uint32_t key)
{
    uint32_t flags;
    void *value;

    flags = qsbr_read_enter();
    value = rdxtree_walk(tree, key);
    qsbr_read_exit(flags);
    return value;
}

/*
 * The value at key, or NULL, for a caller holding the writers' lock. No
 * node can be unlinked while it is held, so the walk needs no read
 * section: interrupts are left alone.
 */
static inline void *
rdxtree_lookup_locked(const struct rdxtree *tree, uint32_t key)
{
    return rdxtree_walk(tree, key);
}

/* Start an iteration at key 0. */
static inline void
rdxtree_iter_init(struct rdxtree_iter *iter)
{
    iter->next = 0;
    iter->key = 0;
    iter->end = false;
}

/*
 * The value with the lowest key at or after the iteration's position, or
 * NULL at the end; rdxtree_iter_key() then gives its key. Lock-free like
 * rdxtree_lookup(): under concurrent writers every value present for the
 * whole iteration is seen once, others may or may not be. The value just
 * returned may be removed before the next call. O(height) per call, plus
 * a scan of the slots skipped.
 */
void *rdxtree_iter_next(const struct rdxtree *tree, struct rdxtree_iter *iter);

/*
 * Call fn(arg, key, value) for every value of tree, in key order: one
 * pass over the nodes, much cheaper per value than rdxtree_iter_next(),
 * which descends from the root each time. The caller excludes writers
 * for the whole walk (fn must not change tree). Cannot fail.
 */
void rdxtree_visit(const struct rdxtree *tree,
                   void (*fn)(void *arg, uint32_t key, void *value), void *arg);

/* Key of the value the last rdxtree_iter_next() returned. */
static inline uint32_t
rdxtree_iter_key(const struct rdxtree_iter *iter)
{
    return iter->key;
}

/* Iterate over every value in key order (struct rdxtree_iter *iter). */
#define rdxtree_for_each(tree, iter, value)                                 \
    for (rdxtree_iter_init(iter); ((value) = rdxtree_iter_next(tree, iter)) != NULL;)

/* Number of values. Exact under the writers' lock. */
static inline unsigned long
rdxtree_nr_values(const struct rdxtree *tree)
{
    return tree->nr_values;
}

/* Number of nodes (RDXTREE_NODE_SIZE bytes each). Exact under the writers' lock. */
static inline unsigned long
rdxtree_nr_nodes(const struct rdxtree *tree)
{
    return tree->nr_nodes;
}

/* Number of levels: 0 when empty, 1 up to 6. Lock-free; exact under the writers' lock. */
static inline unsigned int
rdxtree_height(const struct rdxtree *tree)
{
    const struct rdxtree_node *root;
    unsigned int height = 0;
    uint32_t flags;

    flags = qsbr_read_enter();
    root = __atomic_load_n(&tree->root, __ATOMIC_ACQUIRE);
    if (root != NULL) {
        height = root->shift / RDXTREE_RADIX + 1;
    }
    qsbr_read_exit(flags);
    return height;
}

#endif /* KERN_RDXTREE_H */
