/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internals of the radix tree: struct rdxtree, which users embed but
 * never touch, and the node layout the inline lookup of kern/rdxtree.h
 * walks. Nothing but kern/rdxtree.{h,c} may use this file.
 *
 * A node has 64 slots and covers 6 bits of the key. Its shift is the
 * position of those bits: 0 for a leaf, whose slots hold the values,
 * then 6, 12, ... 30 going up; an inner node's slots hold its children.
 * The root's shift gives the height and so the keys the tree covers:
 * those below 2^(shift + 6). A root with shift 30 covers all 2^32 keys
 * and uses only its first 4 slots.
 *
 * Readers see only shift and slots (and the root pointer), published
 * with release stores. Everything else belongs to the writer, who holds
 * the lock that serializes writers (the user's).
 */
#ifndef KERN_RDXTREE_I_H
#define KERN_RDXTREE_I_H

#include <stdbool.h>
#include <stdint.h>

#include <kern/qsbr.h>

#define RDXTREE_RADIX           6
#define RDXTREE_RADIX_SIZE      (1U << RDXTREE_RADIX)
#define RDXTREE_RADIX_MASK      (RDXTREE_RADIX_SIZE - 1)
#define RDXTREE_SHIFT_MAX       30      /* the root of a 6-level tree */

struct rdxtree_node {
    unsigned int shift;             /* key bits this node decodes: 0 for leaves */
    unsigned int nr_used;           /* slots that are not NULL */
    struct rdxtree_node *parent;    /* NULL for the root */
    unsigned int index;             /* slot in the parent */
    uint32_t free_map[2];           /* bit i % 32 of word i / 32: a free key lies below slot i */
    struct qsbr_node qsbr;          /* deferred free */
    void *slots[RDXTREE_RADIX_SIZE];
};

struct rdxtree {
    struct rdxtree_node *root;      /* NULL when empty */
    unsigned long nr_values;
    unsigned long nr_nodes;
};

/*
 * The walk of rdxtree_lookup() and rdxtree_lookup_locked(): the value at
 * key, or NULL. Only shift and slots are read, with acquire loads, so it
 * is safe in a read section against concurrent writers.
 */
static inline void *
rdxtree_walk(const struct rdxtree *tree, uint32_t key)
{
    const struct rdxtree_node *node = __atomic_load_n(&tree->root, __ATOMIC_ACQUIRE);
    unsigned int shift;
    void *value = NULL;

    if (node != NULL) {
        shift = node->shift;
        if ((key >> shift) < RDXTREE_RADIX_SIZE) {
            for (;;) {
                void *slot = __atomic_load_n(&node->slots[(key >> shift) & RDXTREE_RADIX_MASK],
                                             __ATOMIC_ACQUIRE);

                if (shift == 0) {
                    value = slot;
                    break;
                }
                if (slot == NULL) {
                    break;
                }
                node = slot;
                shift -= RDXTREE_RADIX;
            }
        }
    }
    return value;
}

/*
 * The free-slot bitmap is two 32-bit words rather than one 64-bit word:
 * on i386 a 64-bit shift or bit scan costs a dozen instructions or a
 * call into libgcc, a word operation one or two. In a leaf, bit i is
 * set exactly when slot i is empty, so a leaf is full when nr_used is
 * RDXTREE_RADIX_SIZE, which the fast paths test instead of the bitmap.
 */
static inline bool
rdxtree_node_full(const struct rdxtree_node *node)
{
    return (node->free_map[0] | node->free_map[1]) == 0;
}

/* Lowest slot with a free key below it; the node must not be full. */
static inline unsigned int
rdxtree_node_first_free(const struct rdxtree_node *node)
{
    uint32_t low = node->free_map[0];

    return (low != 0) ? (unsigned int)__builtin_ctz(low)
                      : 32 + (unsigned int)__builtin_ctz(node->free_map[1]);
}

static inline void
rdxtree_node_clear_free(struct rdxtree_node *node, unsigned int index)
{
    node->free_map[index / 32] &= ~(1U << (index % 32));
}

static inline void
rdxtree_node_set_free(struct rdxtree_node *node, unsigned int index)
{
    node->free_map[index / 32] |= 1U << (index % 32);
}

/*
 * Slow paths of the inline rdxtree_insert_alloc() and rdxtree_remove()
 * (kern/rdxtree.h), writers' lock held:
 *
 * - rdxtree_alloc_grow(): the tree is empty or every key its root covers
 *   is used; store value at the first key above them (a new level).
 * - rdxtree_alloc_store(): the lowest free key lies under the missing
 *   child of node that key (its bits above node's shift) leads to;
 *   create the nodes down to it and store value there.
 *   Both return like rdxtree_insert_alloc().
 * - rdxtree_leaf_filled(): leaf just turned full; update its ancestors'
 *   bitmaps.
 * - rdxtree_leaf_drained(): a value was removed from leaf, which was
 *   full (its ancestors' bitmaps need the bit back) or is now empty (it
 *   is freed, and its ancestors as they empty; the tree shrinks).
 */
int rdxtree_alloc_grow(struct rdxtree *tree, void *value, uint32_t *keyp);
int rdxtree_alloc_store(struct rdxtree *tree, struct rdxtree_node *node, uint32_t key,
                        void *value, uint32_t *keyp);
void rdxtree_leaf_filled(struct rdxtree_node *leaf);
void rdxtree_leaf_drained(struct rdxtree *tree, struct rdxtree_node *leaf);

#endif /* KERN_RDXTREE_I_H */
