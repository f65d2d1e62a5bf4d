/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Red-black tree with intrusive nodes and an augmentation hook.
 *
 * Objects embed a struct rbtree_node and are recovered with
 * rbtree_entry(). The tree never compares objects itself: lookups and
 * insertions are macros taking a comparison function cmp_fn, called as
 * cmp_fn(key, node) (or cmp_fn(node_a, node_b) for rbtree_insert()) and
 * returning <0, 0 or >0 as key sorts before, equal to, or after node.
 *
 * Typical insertion of a unique key:
 *
 *     rbtree_slot_t slot;
 *
 *     if (rbtree_lookup_slot(&tree, key, obj_cmp_key, slot) != NULL)
 *         return ERROR_EXIST;
 *     rbtree_insert_slot(&tree, slot, &obj->node);
 *
 * Augmentation: a tree may carry an update function (rbtree_init()). It
 * is called on every node whose subtree changed (after an insertion, a
 * removal or a rotation), children before parents, so per-node data that
 * summarizes a subtree (size, largest free gap...) stays exact. See
 * doc/klib.md for an example.
 *
 * Nothing here locks: callers serialize all access to a tree (lookups may
 * run concurrently with each other only). Nothing allocates or fails.
 */
#ifndef KERN_RBTREE_H
#define KERN_RBTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kern/macros.h>
#include <kern/rbtree_i.h>

/* Insertion point found by rbtree_lookup_slot(): parent | child index. */
typedef uintptr_t rbtree_slot_t;

/*
 * Make tree empty. update (NULL for none) is the augmentation hook: it
 * must recompute the node's own data from the node and its children
 * (rbtree_node_child()), whose data is already up to date.
 */
static inline void
rbtree_init(struct rbtree *tree, rbtree_update_fn_t update)
{
    tree->root = NULL;
    tree->update = update;
}

/* Return whether tree has no nodes. */
static inline bool
rbtree_empty(const struct rbtree *tree)
{
    return tree->root == NULL;
}

/* Return the root node, NULL if the tree is empty (for augmented searches). */
static inline struct rbtree_node *
rbtree_root(const struct rbtree *tree)
{
    return tree->root;
}

/* Return node's child RBTREE_LEFT or RBTREE_RIGHT, NULL if none. */
static inline struct rbtree_node *
rbtree_node_child(const struct rbtree_node *node, int dir)
{
    return node->children[dir];
}

/* Return node's parent, NULL for the root. */
static inline struct rbtree_node *
rbtree_node_parent(const struct rbtree_node *node)
{
    return (struct rbtree_node *)(node->parent & RBTREE_PARENT_MASK);
}

/* Return the object of type containing node as its member. */
#define rbtree_entry(node, type, member)    structof(node, type, member)

/* Return the node equal to key, NULL if none. */
#define rbtree_lookup(tree, key, cmp_fn)                                    \
({                                                                          \
    struct rbtree_node *cur_ = (tree)->root;                                \
                                                                            \
    while (cur_ != NULL) {                                                  \
        int diff_ = cmp_fn(key, cur_);                                      \
                                                                            \
        if (diff_ == 0) {                                                   \
            break;                                                          \
        }                                                                   \
        cur_ = cur_->children[rbtree_d2i(diff_)];                           \
    }                                                                       \
    cur_;                                                                   \
})

/*
 * Return the node equal to key or, if none, the nearest node in direction
 * dir: with RBTREE_LEFT the greatest node below key, with RBTREE_RIGHT
 * the smallest node above it. NULL if there is no such node.
 */
#define rbtree_lookup_nearest(tree, key, cmp_fn, dir)                       \
({                                                                          \
    struct rbtree_node *cur_ = (tree)->root, *prev_ = NULL;                 \
    int index_ = RBTREE_LEFT;                                               \
                                                                            \
    while (cur_ != NULL) {                                                  \
        int diff_ = cmp_fn(key, cur_);                                      \
                                                                            \
        if (diff_ == 0) {                                                   \
            break;                                                          \
        }                                                                   \
        prev_ = cur_;                                                       \
        index_ = rbtree_d2i(diff_);                                         \
        cur_ = cur_->children[index_];                                      \
    }                                                                       \
    if (cur_ == NULL && prev_ != NULL) {                                    \
        cur_ = (index_ == (dir)) ? rbtree_walk(prev_, dir) : prev_;         \
    }                                                                       \
    cur_;                                                                   \
})

/*
 * Return the node equal to key, or NULL and store in slot (an lvalue of
 * type rbtree_slot_t) where a node with that key belongs. The slot is
 * valid for rbtree_insert_slot() until the tree is next modified. slot is
 * written in both cases (no "may be used uninitialized" warnings), but is
 * meaningless when a node was found.
 */
#define rbtree_lookup_slot(tree, key, cmp_fn, slot)                         \
({                                                                          \
    struct rbtree_node *cur_ = (tree)->root, *prev_ = NULL;                 \
    int index_ = RBTREE_LEFT;                                               \
                                                                            \
    while (cur_ != NULL) {                                                  \
        int diff_ = cmp_fn(key, cur_);                                      \
                                                                            \
        if (diff_ == 0) {                                                   \
            break;                                                          \
        }                                                                   \
        prev_ = cur_;                                                       \
        index_ = rbtree_d2i(diff_);                                         \
        cur_ = cur_->children[index_];                                      \
    }                                                                       \
    (slot) = rbtree_slot(prev_, index_);                                    \
    cur_;                                                                   \
})

/*
 * Insert node, ordered by cmp_fn(node, existing_node). Equal nodes are
 * allowed: node goes after those already in the tree.
 */
#define rbtree_insert(tree, node, cmp_fn)                                   \
do {                                                                        \
    struct rbtree_node *cur_ = (tree)->root, *prev_ = NULL;                 \
    int index_ = RBTREE_LEFT;                                               \
                                                                            \
    while (cur_ != NULL) {                                                  \
        prev_ = cur_;                                                       \
        index_ = (cmp_fn(node, cur_) < 0) ? RBTREE_LEFT : RBTREE_RIGHT;     \
        cur_ = cur_->children[index_];                                      \
    }                                                                       \
    rbtree_insert_rebalance(tree, prev_, index_, node);                     \
} while (0)

/* Insert node at slot, as returned by rbtree_lookup_slot(). */
static inline void
rbtree_insert_slot(struct rbtree *tree, rbtree_slot_t slot, struct rbtree_node *node)
{
    rbtree_insert_rebalance(tree, rbtree_slot_parent(slot), rbtree_slot_index(slot), node);
}

/* Remove node from tree. */
void rbtree_remove(struct rbtree *tree, struct rbtree_node *node);

/*
 * Call the tree's update function on node and each of its ancestors,
 * bottom-up: for when the data node's augmentation depends on changed
 * in place (e.g. a map entry grew). No effect without an update function.
 */
void rbtree_update(struct rbtree *tree, struct rbtree_node *node);

/* Return the first (smallest) node, NULL if the tree is empty. */
static inline struct rbtree_node *
rbtree_first(const struct rbtree *tree)
{
    return rbtree_firstlast(tree, RBTREE_LEFT);
}

/* Return the last (greatest) node, NULL if the tree is empty. */
static inline struct rbtree_node *
rbtree_last(const struct rbtree *tree)
{
    return rbtree_firstlast(tree, RBTREE_RIGHT);
}

/* Return the node after node, NULL if it is the last. */
static inline struct rbtree_node *
rbtree_next(const struct rbtree_node *node)
{
    return rbtree_walk(node, RBTREE_RIGHT);
}

/* Return the node before node, NULL if it is the first. */
static inline struct rbtree_node *
rbtree_prev(const struct rbtree_node *node)
{
    return rbtree_walk(node, RBTREE_LEFT);
}

/* Iterate over the nodes in order; the body must not remove node. */
#define rbtree_for_each(tree, node)                                         \
    for (node = rbtree_first(tree); node != NULL; node = rbtree_next(node))

/* Iterate over the nodes in order; the body may remove (or free) node. */
#define rbtree_for_each_safe(tree, node, tmp)                               \
    for (node = rbtree_first(tree);                                         \
         node != NULL && ((tmp = rbtree_next(node)), true);                 \
         node = tmp)

#endif /* KERN_RBTREE_H */
