/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Radix tree (see kern/rdxtree.h and doc/ipc.md).
 *
 * Rationale. IPC name spaces used to be tables grown by realloc: an
 * O(n) copy at each doubling, and a failure once kernel virtual space is
 * fragmented. A radix tree over the 32-bit name never moves anything:
 * growing adds one node at a time, at most 6 levels deep, and dense keys
 * (names are allocated lowest first) fill nodes completely, so memory is
 * about 4.5 bytes per value plus 1/64 per level. 64 slots per node keeps
 * the tree at 2 levels up to 4096 keys and 3 up to 262144.
 *
 * Lowest-free-key allocation uses one 64-bit bitmap per node: bit i is
 * set when a free key lies below slot i (an empty slot, a missing child,
 * or a child whose own bitmap is not zero). Following the lowest set bit
 * from the root finds the lowest free key in O(height); every change of
 * a slot updates the bitmaps upward only as long as a node turns full or
 * stops being full, which is amortized constant.
 *
 * Lockless readers: a writer fills a node completely before publishing
 * it with a release store (a new root first points at the old one; a new
 * child is linked before its slots fill), so a reader always walks
 * initialized nodes. A node is never modified after it is unlinked, and
 * is freed through qsbr_defer(), so a reader still inside it keeps
 * reading valid memory until it leaves its read section. Values
 * themselves are stored with release stores too.
 *
 * Nodes come from a kmem cache whose constructor clears the slots; a
 * node is always freed with every slot NULL again (a retired root's only
 * child is dropped in the deferred free), so creating a node touches its
 * header only.
 *
 * The tree shrinks: a node whose last slot empties is unlinked from its
 * parent (recursively), and the root is replaced by its child while it
 * has only one, at slot 0. A failed insertion undoes the nodes it
 * created with the same two steps, so the tree is always as low as its
 * largest key requires.
 *
 * Fast paths. rdxtree_insert_alloc() and rdxtree_remove() are inline
 * (kern/rdxtree.h) for the common case, which touches one leaf that
 * exists and stays: a bit scan per level down to it, then one slot, one
 * bitmap word and the counters. The leaf's lowest free slot is its
 * bitmap's lowest set bit, cleared as bits & (bits - 1); a leaf is full
 * exactly when its nr_used is 64, so a removal tells from nr_used alone
 * whether the leaf was full or is now empty. Everything else (a new
 * level, missing nodes, ancestors' bitmaps, pruning) is out of line
 * here, entered through the rdxtree_alloc_*() and rdxtree_leaf_*()
 * functions of kern/rdxtree_i.h.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kern/kmem.h>
#include <kern/macros.h>
#include <kern/panic.h>
#include <kern/qsbr.h>
#include <kern/rdxtree.h>

static struct kmem_cache rdxtree_node_cache;

static void
rdxtree_node_ctor(void *obj)
{
    struct rdxtree_node *node = obj;

    for (unsigned int i = 0; i < RDXTREE_RADIX_SIZE; i++) {
        node->slots[i] = NULL;
    }
}

void
rdxtree_setup(void)
{
    if (kmem_cache_init(&rdxtree_node_cache, "rdxtree_node", sizeof(struct rdxtree_node),
                        0, rdxtree_node_ctor, 0) != 0) {
        panic("rdxtree: cannot create the node cache");
    }
}

/* Slot of key in a node with this shift. */
static inline unsigned int
rdxtree_slot_index(unsigned int shift, uint32_t key)
{
    return (key >> shift) & RDXTREE_RADIX_MASK;
}

/* Smallest root shift that covers key. */
static unsigned int
rdxtree_key_shift(uint32_t key)
{
    unsigned int shift = 0;

    while ((key >> shift) >= RDXTREE_RADIX_SIZE) {
        shift += RDXTREE_RADIX;
    }
    return shift;
}

static struct rdxtree_node *
rdxtree_node_create(struct rdxtree *tree, unsigned int shift)
{
    struct rdxtree_node *node = kmem_cache_alloc(&rdxtree_node_cache);

    if (node == NULL) {
        return NULL;
    }
    node->shift = shift;
    node->nr_used = 0;
    node->parent = NULL;
    node->index = 0;
    if (shift == RDXTREE_SHIFT_MAX) {
        node->free_map[0] = (1U << (1U << (32 - RDXTREE_SHIFT_MAX))) - 1;  /* 4 slots */
        node->free_map[1] = 0;
    } else {
        node->free_map[0] = ~0U;
        node->free_map[1] = ~0U;
    }
    tree->nr_nodes++;
    return node;
}

static void
rdxtree_node_free_deferred(struct qsbr_node *qnode)
{
    struct rdxtree_node *node = structof(qnode, struct rdxtree_node, qsbr);

    node->slots[0] = NULL;          /* a retired root still points at its child */
    kmem_cache_free(&rdxtree_node_cache, node);
}

/* Free an unlinked node once no reader can be in it. */
static void
rdxtree_node_retire(struct rdxtree *tree, struct rdxtree_node *node)
{
    tree->nr_nodes--;
    qsbr_defer(&node->qsbr, rdxtree_node_free_deferred);
}

/* node just turned full: clear its bit in its ancestors, as far as they turn full. */
static void
rdxtree_mark_full(struct rdxtree_node *node)
{
    while (node->parent != NULL) {
        rdxtree_node_clear_free(node->parent, node->index);
        node = node->parent;
        if (!rdxtree_node_full(node)) {
            return;
        }
    }
}

/* node was full and has room again: set its bit in its ancestors, as far as they were full. */
static void
rdxtree_mark_not_full(struct rdxtree_node *node)
{
    while (node->parent != NULL) {
        bool was_full = rdxtree_node_full(node->parent);

        rdxtree_node_set_free(node->parent, node->index);
        node = node->parent;
        if (!was_full) {
            return;
        }
    }
}

/* Store value in the free slot index of leaf. */
static inline void
rdxtree_leaf_set(struct rdxtree *tree, struct rdxtree_node *leaf, unsigned int index,
                 void *value)
{
    __atomic_store_n(&leaf->slots[index], value, __ATOMIC_RELEASE);
    tree->nr_values++;
    rdxtree_node_clear_free(leaf, index);
    if (unlikely(++leaf->nr_used == RDXTREE_RADIX_SIZE)) {
        rdxtree_mark_full(leaf);
    }
}

/* Lower the root while it has a single child, at slot 0. */
static void
rdxtree_shrink(struct rdxtree *tree)
{
    struct rdxtree_node *root;

    while ((root = tree->root) != NULL && root->shift != 0 && root->nr_used == 1
           && root->slots[0] != NULL) {
        struct rdxtree_node *child = root->slots[0];

        child->parent = NULL;
        child->index = 0;
        __atomic_store_n(&tree->root, child, __ATOMIC_RELEASE);
        rdxtree_node_retire(tree, root);
    }
}

/* Unlink node if it is empty, then its ancestors that become empty; then shrink. */
static void __attribute__((noinline))
rdxtree_prune(struct rdxtree *tree, struct rdxtree_node *node)
{
    while (node->nr_used == 0) {
        struct rdxtree_node *parent = node->parent;

        if (parent == NULL) {
            __atomic_store_n(&tree->root, NULL, __ATOMIC_RELEASE);
            rdxtree_node_retire(tree, node);
            return;
        }
        __atomic_store_n(&parent->slots[node->index], NULL, __ATOMIC_RELAXED);
        parent->nr_used--;
        if (rdxtree_node_full(parent)) {
            rdxtree_node_set_free(parent, node->index);
            rdxtree_mark_not_full(parent);
        } else {
            rdxtree_node_set_free(parent, node->index);
        }
        rdxtree_node_retire(tree, node);
        node = parent;
    }
    rdxtree_shrink(tree);
}

/* Add levels above the root until it covers key (creating the root if needed). */
static int
rdxtree_grow(struct rdxtree *tree, uint32_t key)
{
    struct rdxtree_node *root = tree->root, *node;

    if (root == NULL) {
        root = rdxtree_node_create(tree, rdxtree_key_shift(key));
        if (root == NULL) {
            return ERROR_NOMEM;
        }
        __atomic_store_n(&tree->root, root, __ATOMIC_RELEASE);
        return 0;
    }
    while ((key >> root->shift) >= RDXTREE_RADIX_SIZE) {
        node = rdxtree_node_create(tree, root->shift + RDXTREE_RADIX);
        if (node == NULL) {
            rdxtree_shrink(tree);   /* drop the levels added so far */
            return ERROR_NOMEM;
        }
        node->slots[0] = root;
        node->nr_used = 1;
        if (rdxtree_node_full(root)) {
            rdxtree_node_clear_free(node, 0);
        }
        root->parent = node;
        root->index = 0;
        __atomic_store_n(&tree->root, node, __ATOMIC_RELEASE);
        root = node;
    }
    return 0;
}

/*
 * Store value at key below node (which covers key), creating the missing
 * nodes on the way down. On failure, the nodes created are pruned again.
 */
static int __attribute__((noinline))
rdxtree_store(struct rdxtree *tree, struct rdxtree_node *node, uint32_t key, void *value)
{
    unsigned int index;

    while (node->shift != 0) {
        struct rdxtree_node *child;

        index = rdxtree_slot_index(node->shift, key);
        child = node->slots[index];
        if (child == NULL) {
            child = rdxtree_node_create(tree, node->shift - RDXTREE_RADIX);
            if (child == NULL) {
                rdxtree_prune(tree, node);
                return ERROR_NOMEM;
            }
            child->parent = node;
            child->index = index;
            __atomic_store_n(&node->slots[index], child, __ATOMIC_RELEASE);
            node->nr_used++;
        }
        node = child;
    }
    index = key & RDXTREE_RADIX_MASK;
    if (node->slots[index] != NULL) {
        return ERROR_EXIST;   /* only reached through existing nodes */
    }
    rdxtree_leaf_set(tree, node, index, value);
    return 0;
}

int
rdxtree_insert(struct rdxtree *tree, uint32_t key, void *value)
{
    int error;

    assert(value != NULL);
    error = rdxtree_grow(tree, key);
    if (error != 0) {
        return error;
    }
    return rdxtree_store(tree, tree->root, key, value);
}

/* Slow paths of the inline rdxtree_insert_alloc() (kern/rdxtree_i.h). */
int
rdxtree_alloc_grow(struct rdxtree *tree, void *value, uint32_t *keyp)
{
    struct rdxtree_node *root = tree->root;
    uint32_t key = 0;
    int error;

    assert(value != NULL);
    if (root != NULL) {
        if (root->shift == RDXTREE_SHIFT_MAX) {
            return ERROR_NOSPC;
        }
        key = (uint32_t)1 << (root->shift + RDXTREE_RADIX);
    }
    error = rdxtree_insert(tree, key, value);
    if (error == 0) {
        *keyp = key;
    }
    return error;
}

int
rdxtree_alloc_store(struct rdxtree *tree, struct rdxtree_node *node, uint32_t key,
                    void *value, uint32_t *keyp)
{
    int error = rdxtree_store(tree, node, key, value);

    if (error == 0) {
        *keyp = key;
    }
    return error;
}

void
rdxtree_leaf_filled(struct rdxtree_node *leaf)
{
    rdxtree_mark_full(leaf);
}

/* Leaf holding key, or NULL; writers' lock held. */
static inline struct rdxtree_node *
rdxtree_leaf_find(const struct rdxtree *tree, uint32_t key)
{
    struct rdxtree_node *node = tree->root;

    if (node == NULL || (key >> node->shift) >= RDXTREE_RADIX_SIZE) {
        return NULL;
    }
    while (node->shift != 0) {
        node = node->slots[rdxtree_slot_index(node->shift, key)];
        if (node == NULL) {
            return NULL;
        }
    }
    return node;
}

void *
rdxtree_replace(struct rdxtree *tree, uint32_t key, void *value)
{
    struct rdxtree_node *leaf = rdxtree_leaf_find(tree, key);
    unsigned int index = key & RDXTREE_RADIX_MASK;
    void *old;

    assert(value != NULL);
    if (leaf == NULL || leaf->slots[index] == NULL) {
        return NULL;
    }
    old = leaf->slots[index];
    __atomic_store_n(&leaf->slots[index], value, __ATOMIC_RELEASE);
    return old;
}

/* Slow path of the inline rdxtree_remove() (kern/rdxtree_i.h). */
void
rdxtree_leaf_drained(struct rdxtree *tree, struct rdxtree_node *leaf)
{
    if (leaf->nr_used == 0) {
        rdxtree_prune(tree, leaf);
    } else {
        rdxtree_mark_not_full(leaf);
    }
}

/*
 * The value with the lowest key >= *keyp, setting *keyp to that key, or
 * NULL. Inside a read section: only shift and slots are read. When a
 * subtree holds nothing at or after the key, the walk restarts from the
 * root at the first key of the next subtree.
 */
static void *
rdxtree_lookup_from(const struct rdxtree *tree, uint32_t *keyp)
{
    const struct rdxtree_node *node;
    uint64_t key = *keyp;

restart:
    node = __atomic_load_n(&tree->root, __ATOMIC_ACQUIRE);
    if (node == NULL || (key >> node->shift) >= RDXTREE_RADIX_SIZE) {
        return NULL;                /* empty, or beyond the keys the root covers */
    }
    for (;;) {
        unsigned int shift = node->shift, index;
        uint64_t span = (uint64_t)1 << (shift + RDXTREE_RADIX);
        void *slot = NULL;

        for (index = (key >> shift) & RDXTREE_RADIX_MASK; index < RDXTREE_RADIX_SIZE; index++) {
            slot = __atomic_load_n(&node->slots[index], __ATOMIC_ACQUIRE);
            if (slot != NULL) {
                break;
            }
        }
        if (slot == NULL) {
            key = (key & ~(span - 1)) + span;   /* the next subtree */
            if (key > UINT32_MAX) {
                return NULL;
            }
            goto restart;
        }
        if (index != ((key >> shift) & RDXTREE_RADIX_MASK)) {
            key = (key & ~(span - 1)) | ((uint64_t)index << shift);
        }
        if (shift == 0) {
            *keyp = (uint32_t)key;
            return slot;
        }
        node = slot;
    }
}

void *
rdxtree_iter_next(const struct rdxtree *tree, struct rdxtree_iter *iter)
{
    uint32_t key = iter->next;
    uint32_t flags;
    void *value;

    if (iter->end) {
        return NULL;
    }
    flags = qsbr_read_enter();
    value = rdxtree_lookup_from(tree, &key);
    qsbr_read_exit(flags);
    if (value == NULL || key == UINT32_MAX) {
        iter->end = true;
    } else {
        iter->next = key + 1;
    }
    iter->key = key;
    return value;
}

/* rdxtree_visit() below node, whose keys start at base. Depth: the tree's height. */
static void
rdxtree_visit_node(const struct rdxtree_node *node, uint32_t base,
                   void (*fn)(void *arg, uint32_t key, void *value), void *arg)
{
    for (unsigned int i = 0; i < RDXTREE_RADIX_SIZE; i++) {
        void *slot = node->slots[i];
        uint32_t key = base | ((uint32_t)i << node->shift);

        if (slot == NULL) {
            continue;
        }
        if (node->shift == 0) {
            fn(arg, key, slot);
        } else {
            rdxtree_visit_node(slot, key, fn, arg);
        }
    }
}

void
rdxtree_visit(const struct rdxtree *tree, void (*fn)(void *arg, uint32_t key, void *value),
              void *arg)
{
    if (tree->root != NULL) {
        rdxtree_visit_node(tree->root, 0, fn, arg);
    }
}
