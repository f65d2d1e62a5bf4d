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

#endif /* KERN_RDXTREE_I_H */
