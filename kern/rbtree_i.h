/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Red-black tree internals: structures callers embed but do not touch,
 * and helpers for the lookup macros of kern/rbtree.h.
 */
#ifndef KERN_RBTREE_I_H
#define KERN_RBTREE_I_H

#include <stddef.h>
#include <stdint.h>

#define RBTREE_LEFT             0
#define RBTREE_RIGHT            1

/*
 * The color lives in bit 0 of the parent word; nodes are at least 4-byte
 * aligned (they hold pointers), so the address needs none of the two low
 * bits.
 */
#define RBTREE_COLOR_MASK       ((uintptr_t)0x1)
#define RBTREE_PARENT_MASK      (~(uintptr_t)0x3)
#define RBTREE_COLOR_RED        ((uintptr_t)0)
#define RBTREE_COLOR_BLACK      ((uintptr_t)1)

/* A slot (where a node would be inserted) is a parent address | child index. */
#define RBTREE_SLOT_INDEX_MASK  ((uintptr_t)0x1)
#define RBTREE_SLOT_PARENT_MASK (~RBTREE_SLOT_INDEX_MASK)

struct rbtree_node {
    uintptr_t parent;                   /* parent address | color */
    struct rbtree_node *children[2];    /* RBTREE_LEFT, RBTREE_RIGHT */
};

/*
 * Called on a node whose subtree changed, after its children's data is up
 * to date: recomputes the node's augmented data (see rbtree_init()).
 */
typedef void (*rbtree_update_fn_t)(struct rbtree_node *node);

struct rbtree {
    struct rbtree_node *root;
    rbtree_update_fn_t update;          /* NULL: no augmentation */
};

/* Child index to follow for a comparison result: left if <0, right if >0. */
static inline int
rbtree_d2i(int diff)
{
    return (diff > 0) ? RBTREE_RIGHT : RBTREE_LEFT;
}

static inline uintptr_t
rbtree_slot(const struct rbtree_node *parent, int index)
{
    return (uintptr_t)parent | (uintptr_t)index;
}

static inline struct rbtree_node *
rbtree_slot_parent(uintptr_t slot)
{
    return (struct rbtree_node *)(slot & RBTREE_SLOT_PARENT_MASK);
}

static inline int
rbtree_slot_index(uintptr_t slot)
{
    return (int)(slot & RBTREE_SLOT_INDEX_MASK);
}

static inline uintptr_t
rbtree_node_color(const struct rbtree_node *node)
{
    return node->parent & RBTREE_COLOR_MASK;
}

/*
 * Link node, as the child index of parent (as the root if parent is NULL),
 * and restore the red-black properties. Used by the insertion macros.
 */
void rbtree_insert_rebalance(struct rbtree *tree, struct rbtree_node *parent,
                             int index, struct rbtree_node *node);

/* Return the leftmost (dir RBTREE_LEFT) or rightmost node, NULL if empty. */
struct rbtree_node *rbtree_firstlast(const struct rbtree *tree, int dir);

/* Return the in-order neighbor of node in direction dir, NULL at the end. */
struct rbtree_node *rbtree_walk(const struct rbtree_node *node, int dir);

#endif /* KERN_RBTREE_I_H */
