/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Red-black tree.
 *
 * Design: classic bottom-up red-black tree (every path from a node down
 * to a leaf has the same number of black nodes, and no red node has a red
 * child, so the height stays below 2 log2(n + 1)). Nodes hold their two
 * children in an array indexed by direction, so each rebalancing case is
 * written once for both mirror images, with dir and 1 - dir. The color
 * is bit 0 of the parent word.
 *
 * Augmentation: an insertion or a removal first changes the shape only
 * along one path (the new leaf's, or the removed node's and its
 * successor's), then rebalances with recolorings, which the augmented
 * data does not see, and rotations, which change the subtrees of exactly
 * the two rotated nodes. So: right after the structural change, update
 * every node from the lowest changed one up to the root, which makes all
 * the data exact; then each rotation updates its two nodes, lower first.
 * A rotation keeps the set of nodes below the pair, so nothing above
 * needs another update. Cost: O(log n) update calls per operation.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kern/rbtree.h>

static inline bool
rbtree_node_is_red(const struct rbtree_node *node)
{
    return node != NULL && rbtree_node_color(node) == RBTREE_COLOR_RED;
}

/* NULL (a leaf) counts as black. */
static inline bool
rbtree_node_is_black(const struct rbtree_node *node)
{
    return !rbtree_node_is_red(node);
}

static inline void
rbtree_node_set_parent(struct rbtree_node *node, struct rbtree_node *parent)
{
    node->parent = (uintptr_t)parent | rbtree_node_color(node);
}

static inline void
rbtree_node_set_color(struct rbtree_node *node, uintptr_t color)
{
    node->parent = (node->parent & ~RBTREE_COLOR_MASK) | color;
}

/* Return which child of parent node is. */
static inline int
rbtree_node_index(const struct rbtree_node *node, const struct rbtree_node *parent)
{
    return (parent->children[RBTREE_RIGHT] == node) ? RBTREE_RIGHT : RBTREE_LEFT;
}

/* Make new take old's place under parent (or as the root). */
static void
rbtree_replace_child(struct rbtree *tree, struct rbtree_node *parent,
                     struct rbtree_node *old, struct rbtree_node *new)
{
    if (parent == NULL) {
        tree->root = new;
    } else {
        parent->children[rbtree_node_index(old, parent)] = new;
    }
}

static void
rbtree_update_path(struct rbtree *tree, struct rbtree_node *node)
{
    while (node != NULL) {
        tree->update(node);
        node = rbtree_node_parent(node);
    }
}

/*
 * Rotate node towards dir: its child on the other side takes its place
 * and node becomes that child's dir child.
 */
static void
rbtree_rotate(struct rbtree *tree, struct rbtree_node *node, int dir)
{
    int rdir = 1 - dir;
    struct rbtree_node *parent = rbtree_node_parent(node);
    struct rbtree_node *child = node->children[rdir];
    struct rbtree_node *inner = child->children[dir];

    node->children[rdir] = inner;
    if (inner != NULL) {
        rbtree_node_set_parent(inner, node);
    }
    child->children[dir] = node;
    rbtree_node_set_parent(child, parent);
    rbtree_replace_child(tree, parent, node, child);
    rbtree_node_set_parent(node, child);

    if (tree->update != NULL) {
        tree->update(node);
        tree->update(child);
    }
}

void
rbtree_insert_rebalance(struct rbtree *tree, struct rbtree_node *parent,
                        int index, struct rbtree_node *node)
{
    node->parent = (uintptr_t)parent | RBTREE_COLOR_RED;
    node->children[RBTREE_LEFT] = NULL;
    node->children[RBTREE_RIGHT] = NULL;
    if (parent == NULL) {
        tree->root = node;
    } else {
        parent->children[index] = node;
    }
    if (tree->update != NULL) {
        rbtree_update_path(tree, node);
    }

    for (;;) {
        struct rbtree_node *grand, *uncle;
        int dir;

        parent = rbtree_node_parent(node);
        if (parent == NULL) {
            rbtree_node_set_color(node, RBTREE_COLOR_BLACK);
            return;
        }
        if (rbtree_node_is_black(parent)) {
            return;
        }

        /* parent is red, hence not the root: grand exists and is black. */
        grand = rbtree_node_parent(parent);
        dir = rbtree_node_index(parent, grand);
        uncle = grand->children[1 - dir];

        if (rbtree_node_is_red(uncle)) {
            /* Push grand's blackness down; the red may now clash higher up. */
            rbtree_node_set_color(parent, RBTREE_COLOR_BLACK);
            rbtree_node_set_color(uncle, RBTREE_COLOR_BLACK);
            rbtree_node_set_color(grand, RBTREE_COLOR_RED);
            node = grand;
            continue;
        }

        if (rbtree_node_index(node, parent) != dir) {
            /* Inner grandchild: rotate it to the outside first. */
            rbtree_rotate(tree, parent, dir);
            parent = node;
        }
        /* Outer grandchild: parent replaces grand, which turns red. */
        rbtree_rotate(tree, grand, 1 - dir);
        rbtree_node_set_color(parent, RBTREE_COLOR_BLACK);
        rbtree_node_set_color(grand, RBTREE_COLOR_RED);
        return;
    }
}

/*
 * After removing a black node: the subtree at parent's child index (node,
 * possibly NULL) has one black node fewer than its sibling's.
 */
static void
rbtree_remove_rebalance(struct rbtree *tree, struct rbtree_node *parent,
                        int index, struct rbtree_node *node)
{
    while (parent != NULL && rbtree_node_is_black(node)) {
        int other = 1 - index;
        struct rbtree_node *sibling = parent->children[other];

        /* The sibling's side has at least one black node: sibling exists. */
        if (rbtree_node_is_red(sibling)) {
            /* Make the sibling black: rotate it above parent. */
            rbtree_node_set_color(sibling, RBTREE_COLOR_BLACK);
            rbtree_node_set_color(parent, RBTREE_COLOR_RED);
            rbtree_rotate(tree, parent, index);
            sibling = parent->children[other];
        }

        if (rbtree_node_is_black(sibling->children[RBTREE_LEFT])
            && rbtree_node_is_black(sibling->children[RBTREE_RIGHT])) {
            /* Take one black off the sibling's side; parent's whole subtree is short. */
            rbtree_node_set_color(sibling, RBTREE_COLOR_RED);
            node = parent;
            parent = rbtree_node_parent(node);
            if (parent != NULL) {
                index = rbtree_node_index(node, parent);
            }
            continue;
        }

        if (rbtree_node_is_black(sibling->children[other])) {
            /* Only the inner nephew is red: rotate it to the outside. */
            rbtree_node_set_color(sibling->children[index], RBTREE_COLOR_BLACK);
            rbtree_node_set_color(sibling, RBTREE_COLOR_RED);
            rbtree_rotate(tree, sibling, other);
            sibling = parent->children[other];
        }

        /* Outer nephew red: rotating parent down gives node's side a black. */
        rbtree_node_set_color(sibling, rbtree_node_color(parent));
        rbtree_node_set_color(parent, RBTREE_COLOR_BLACK);
        rbtree_node_set_color(sibling->children[other], RBTREE_COLOR_BLACK);
        rbtree_rotate(tree, parent, index);
        return;
    }
    if (node != NULL) {
        rbtree_node_set_color(node, RBTREE_COLOR_BLACK);
    }
}

void
rbtree_remove(struct rbtree *tree, struct rbtree_node *node)
{
    struct rbtree_node *parent, *child;
    uintptr_t color;
    int index;

    if (node->children[RBTREE_LEFT] == NULL || node->children[RBTREE_RIGHT] == NULL) {
        /* At most one child: it takes node's place. */
        child = node->children[RBTREE_LEFT];
        if (child == NULL) {
            child = node->children[RBTREE_RIGHT];
        }
        parent = rbtree_node_parent(node);
        index = (parent == NULL) ? RBTREE_LEFT : rbtree_node_index(node, parent);
        color = rbtree_node_color(node);
        if (child != NULL) {
            rbtree_node_set_parent(child, parent);
        }
        rbtree_replace_child(tree, parent, node, child);
    } else {
        /*
         * Two children: the successor (leftmost of the right subtree, so
         * it has no left child) leaves its place to its right child and
         * takes node's place and color.
         */
        struct rbtree_node *succ = node->children[RBTREE_RIGHT];

        while (succ->children[RBTREE_LEFT] != NULL) {
            succ = succ->children[RBTREE_LEFT];
        }
        child = succ->children[RBTREE_RIGHT];
        color = rbtree_node_color(succ);

        if (rbtree_node_parent(succ) == node) {
            parent = succ;
            index = RBTREE_RIGHT;
        } else {
            parent = rbtree_node_parent(succ);
            index = RBTREE_LEFT;
            parent->children[RBTREE_LEFT] = child;
            if (child != NULL) {
                rbtree_node_set_parent(child, parent);
            }
            succ->children[RBTREE_RIGHT] = node->children[RBTREE_RIGHT];
            rbtree_node_set_parent(succ->children[RBTREE_RIGHT], succ);
        }
        succ->children[RBTREE_LEFT] = node->children[RBTREE_LEFT];
        rbtree_node_set_parent(succ->children[RBTREE_LEFT], succ);
        succ->parent = node->parent;
        rbtree_replace_child(tree, rbtree_node_parent(node), node, succ);
    }

    if (tree->update != NULL) {
        rbtree_update_path(tree, parent);
    }
    if (color == RBTREE_COLOR_BLACK) {
        rbtree_remove_rebalance(tree, parent, index, child);
    }
}

void
rbtree_update(struct rbtree *tree, struct rbtree_node *node)
{
    if (tree->update != NULL) {
        rbtree_update_path(tree, node);
    }
}

struct rbtree_node *
rbtree_firstlast(const struct rbtree *tree, int dir)
{
    struct rbtree_node *node = tree->root;

    if (node == NULL) {
        return NULL;
    }
    while (node->children[dir] != NULL) {
        node = node->children[dir];
    }
    return node;
}

struct rbtree_node *
rbtree_walk(const struct rbtree_node *node, int dir)
{
    struct rbtree_node *parent;

    if (node->children[dir] != NULL) {
        /* The extreme node of that subtree on the other side. */
        node = node->children[dir];
        while (node->children[1 - dir] != NULL) {
            node = node->children[1 - dir];
        }
        return (struct rbtree_node *)node;
    }
    /* Climb until coming up from the other side. */
    for (;;) {
        parent = rbtree_node_parent(node);
        if (parent == NULL || parent->children[dir] != node) {
            return parent;
        }
        node = parent;
    }
}
