/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host test of kern/rbtree.c.
 *
 * Random insertions, removals, lookups and in-place value changes on keys
 * of a fixed pool, mirrored on a sorted array (the reference model).
 * After every operation the whole tree is checked: the red-black rules
 * (black root, no red node with a red child, the same number of black
 * nodes on every path), parent links, in-order order in both directions
 * against the model, and the augmented data kept by the update hook
 * (subtree size, and the largest value in the subtree, like a map's
 * largest free gap) against a recomputation from scratch. The number of
 * update calls per operation is checked to stay within O(height).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <kern/macros.h>
#include <kern/rbtree.h>
#include "tests/unit/tap.h"

#define NR_KEYS         2048
#define NR_OPS          20000

struct item {
    struct rbtree_node node;
    int key;
    unsigned int value;         /* own data the augmentation summarizes */
    unsigned int size;          /* augmented: nodes in the subtree */
    unsigned int max;           /* augmented: largest value in the subtree */
    unsigned int seq;           /* insertion order, for equal keys */
    bool in_tree;
};

static struct item pool[NR_KEYS];
static struct rbtree tree;

static int model[NR_KEYS];      /* sorted keys in the tree */
static int model_count;

static unsigned long update_calls;

static struct item *
item_of(const struct rbtree_node *node)
{
    return rbtree_entry(node, struct item, node);
}

static void
item_update(struct rbtree_node *node)
{
    struct item *item = item_of(node);

    item->size = 1;
    item->max = item->value;
    for (int dir = RBTREE_LEFT; dir <= RBTREE_RIGHT; dir++) {
        struct rbtree_node *child = rbtree_node_child(node, dir);

        if (child != NULL) {
            item->size += item_of(child)->size;
            item->max = MAX(item->max, item_of(child)->max);
        }
    }
    update_calls++;
}

static int
cmp_key(int key, const struct rbtree_node *node)
{
    int other = item_of(node)->key;

    return (key > other) - (key < other);
}

static int
cmp_nodes(const struct rbtree_node *a, const struct rbtree_node *b)
{
    return cmp_key(item_of(a)->key, b);
}

static uint64_t rng_state = 0x5851f42d4c957f2dULL;

static unsigned int
rng(unsigned int n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned int)(rng_state >> 32) % n;
}

/* Index of the first model key >= key. */
static int
model_search(int key)
{
    int lo = 0, hi = model_count;

    while (lo < hi) {
        int mid = (lo + hi) / 2;

        if (model[mid] < key) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static const char *check_error;

/*
 * Check the subtree at node; return its black height (leaves count 1),
 * -1 on error (check_error says which). size and max are recomputed from
 * scratch, never read from the children.
 */
static int
check_subtree(const struct rbtree_node *node, const struct rbtree_node *parent,
              unsigned int *size, unsigned int *max, int *height)
{
    unsigned int lsize, lmax, rsize, rmax;
    int lheight, rheight, lblack, rblack;
    const struct item *item;

    if (node == NULL) {
        *size = 0;
        *max = 0;
        *height = 0;
        return 1;
    }
    item = item_of(node);
    if (rbtree_node_parent(node) != parent) {
        check_error = "parent link";
        return -1;
    }
    if ((node->parent & ~(RBTREE_PARENT_MASK | RBTREE_COLOR_MASK)) != 0) {
        check_error = "stray bit in the parent word";
        return -1;
    }
    if (rbtree_node_color(node) == RBTREE_COLOR_RED
        && ((node->children[0] != NULL && rbtree_node_color(node->children[0]) == RBTREE_COLOR_RED)
            || (node->children[1] != NULL
                && rbtree_node_color(node->children[1]) == RBTREE_COLOR_RED))) {
        check_error = "red node with a red child";
        return -1;
    }
    lblack = check_subtree(node->children[0], node, &lsize, &lmax, &lheight);
    rblack = check_subtree(node->children[1], node, &rsize, &rmax, &rheight);
    if (lblack < 0 || rblack < 0) {
        return -1;
    }
    if (lblack != rblack) {
        check_error = "unequal black heights";
        return -1;
    }
    *size = 1 + lsize + rsize;
    *max = MAX(item->value, MAX(lmax, rmax));
    *height = 1 + MAX(lheight, rheight);
    if (item->size != *size || item->max != *max) {
        check_error = "augmented data differs from a recomputation";
        return -1;
    }
    return lblack + (rbtree_node_color(node) == RBTREE_COLOR_BLACK);
}

/* Check the whole tree against the rules and the model; return its height. */
static int
check_tree(void)
{
    unsigned int size, max;
    int height, i;
    struct rbtree_node *node;

    check_error = NULL;
    if (tree.root != NULL && rbtree_node_color(tree.root) != RBTREE_COLOR_BLACK) {
        check_error = "red root";
        return -1;
    }
    if (rbtree_empty(&tree) != (model_count == 0)) {
        check_error = "rbtree_empty";
        return -1;
    }
    if (check_subtree(tree.root, NULL, &size, &max, &height) < 0) {
        return -1;
    }
    if (size != (unsigned int)model_count) {
        check_error = "node count";
        return -1;
    }
    i = 0;
    rbtree_for_each(&tree, node) {
        if (i >= model_count || item_of(node)->key != model[i]) {
            check_error = "in-order walk differs from the model";
            return -1;
        }
        i++;
    }
    for (node = rbtree_last(&tree); node != NULL; node = rbtree_prev(node)) {
        if (--i < 0 || item_of(node)->key != model[i]) {
            check_error = "reverse walk differs from the model";
            return -1;
        }
    }
    if (i != 0) {
        check_error = "walk length";
        return -1;
    }
    return height;
}

/* Insert key (absent from the tree) with a random value; false on error. */
static bool
do_insert(int key, bool by_slot)
{
    struct item *item = &pool[key];
    int pos = model_search(key);

    item->key = key;
    item->value = rng(1u << 20);
    item->in_tree = true;
    if (by_slot) {
        rbtree_slot_t slot;
        struct rbtree_node *found = rbtree_lookup_slot(&tree, key, cmp_key, slot);

        if (found != NULL) {
            return false;
        }
        rbtree_insert_slot(&tree, slot, &item->node);
    } else {
        rbtree_insert(&tree, &item->node, cmp_nodes);
    }
    memmove(&model[pos + 1], &model[pos], (size_t)(model_count - pos) * sizeof(int));
    model[pos] = key;
    model_count++;
    return true;
}

static void
do_remove(int key)
{
    int pos = model_search(key);

    rbtree_remove(&tree, &pool[key].node);
    pool[key].in_tree = false;
    memmove(&model[pos], &model[pos + 1], (size_t)(model_count - pos - 1) * sizeof(int));
    model_count--;
}

/* Check rbtree_lookup and rbtree_lookup_nearest for key against the model. */
static bool
check_lookups(int key)
{
    int pos = model_search(key);
    bool present = pos < model_count && model[pos] == key;
    struct rbtree_node *found = rbtree_lookup(&tree, key, cmp_key);
    struct rbtree_node *left = rbtree_lookup_nearest(&tree, key, cmp_key, RBTREE_LEFT);
    struct rbtree_node *right = rbtree_lookup_nearest(&tree, key, cmp_key, RBTREE_RIGHT);
    int expect_left = present ? key : (pos > 0 ? model[pos - 1] : -1);
    int expect_right = pos < model_count ? model[pos] : -1;
    rbtree_slot_t slot = 0;

    if ((found == NULL) == present || (found != NULL && item_of(found)->key != key)) {
        return false;
    }
    if ((left == NULL) != (expect_left < 0) || (left != NULL && item_of(left)->key != expect_left)) {
        return false;
    }
    if ((right == NULL) != (expect_right < 0)
        || (right != NULL && item_of(right)->key != expect_right)) {
        return false;
    }
    if (rbtree_lookup_slot(&tree, key, cmp_key, slot) != found) {
        return false;
    }
    if (!present) {
        /* The slot is a free child of key's predecessor or successor. */
        struct rbtree_node *parent = rbtree_slot_parent(slot);
        int index = rbtree_slot_index(slot);

        if (parent == NULL) {
            return model_count == 0;
        }
        if (rbtree_node_child(parent, index) != NULL
            || item_of(parent)->key != (index == RBTREE_RIGHT ? expect_left : expect_right)) {
            return false;
        }
    }
    return true;
}

static void
test_random(void)
{
    unsigned int bad_tree = 0, bad_lookup = 0, bad_calls = 0;
    unsigned int inserts = 0, removes = 0, changes = 0;
    int max_height = 0, height = 0;

    rbtree_init(&tree, item_update);
    model_count = 0;
    for (int n = 0; n < NR_OPS; n++) {
        int key = (int)rng(NR_KEYS);
        /* Grow during the first half, shrink during the second. */
        bool grow = rng(10) < (n < NR_OPS / 2 ? 6u : 4u);
        unsigned long calls_before = update_calls;
        int height_before = height;

        if (!pool[key].in_tree && grow) {
            if (!do_insert(key, rng(2))) {
                bad_lookup++;
            }
            inserts++;
        } else if (pool[key].in_tree && !grow) {
            do_remove(key);
            removes++;
        } else if (pool[key].in_tree) {
            pool[key].value = rng(1u << 20);
            rbtree_update(&tree, &pool[key].node);
            changes++;
        }
        height = check_tree();
        if (height < 0) {
            if (bad_tree++ < 5) {
                tap_diag("operation %d on key %d: %s", n, key, check_error);
            }
            break;
        }
        max_height = MAX(max_height, height);
        /* Path to the root plus two calls per rotation (at most 3). */
        if (update_calls - calls_before > (unsigned long)MAX(height, height_before) + 6) {
            if (bad_calls++ < 5) {
                tap_diag("operation %d: %lu update calls at height %d", n,
                         update_calls - calls_before, height);
            }
        }
        if (!check_lookups((int)rng(NR_KEYS)) || !check_lookups(key)) {
            bad_lookup++;
        }
    }
    tap_check(bad_tree == 0, "random: %d operations (%u inserts, %u removes, %u value "
              "changes) keep the red-black rules, the model order and exact "
              "augmented data (max height %d)", NR_OPS, inserts, removes, changes,
              max_height);
    tap_check(bad_lookup == 0, "random: lookup, lookup_nearest and lookup_slot agree "
              "with the model");
    tap_check(bad_calls == 0, "random: update calls per operation stay within height + 6");
}

/* Insert all keys in order, then remove them in the given order. */
static bool
sequential(bool ascending_insert, int remove_mode)
{
    rbtree_init(&tree, item_update);
    model_count = 0;
    for (int i = 0; i < NR_KEYS; i++) {
        if (!do_insert(ascending_insert ? i : NR_KEYS - 1 - i, i % 2) || check_tree() < 0) {
            return false;
        }
    }
    if (remove_mode == 0) {
        /* Ascending, by rbtree_first. */
        while (!rbtree_empty(&tree)) {
            do_remove(item_of(rbtree_first(&tree))->key);
            if (check_tree() < 0) {
                return false;
            }
        }
    } else if (remove_mode == 1) {
        /* The root each time: the two-children case with deep successors. */
        while (!rbtree_empty(&tree)) {
            do_remove(item_of(rbtree_root(&tree))->key);
            if (check_tree() < 0) {
                return false;
            }
        }
    } else {
        struct rbtree_node *node, *tmp;

        rbtree_for_each_safe(&tree, node, tmp) {
            do_remove(item_of(node)->key);
            if (check_tree() < 0) {
                return false;
            }
        }
    }
    return rbtree_empty(&tree) && model_count == 0;
}

static void
test_sequential(void)
{
    tap_check(sequential(true, 0), "ascending inserts, removal of the first node each time");
    tap_check(sequential(false, 1), "descending inserts, removal of the root each time");
    tap_check(sequential(true, 2), "ascending inserts, removal while iterating (for_each_safe)");
}

static int
cmp_seq_nodes(const struct rbtree_node *a, const struct rbtree_node *b)
{
    int ka = item_of(a)->key, kb = item_of(b)->key;

    return (ka > kb) - (ka < kb);
}

static void
test_duplicates(void)
{
    struct rbtree dup;
    struct rbtree_node *node;
    bool ok = true;
    int prev_key = -1;
    unsigned int prev_seq = 0, count = 0;

    rbtree_init(&dup, NULL);
    for (unsigned int i = 0; i < 500; i++) {
        pool[i].key = (int)rng(10);
        pool[i].seq = i;
        rbtree_insert(&dup, &pool[i].node, cmp_seq_nodes);
    }
    rbtree_for_each(&dup, node) {
        const struct item *item = item_of(node);

        ok = ok && (item->key > prev_key || (item->key == prev_key && item->seq > prev_seq));
        prev_key = item->key;
        prev_seq = item->seq;
        count++;
    }
    tap_check(ok && count == 500, "rbtree_insert: equal keys stay in insertion order");

    /* rbtree_lookup finds one of the equal nodes. */
    node = rbtree_lookup(&dup, 3, cmp_key);
    TAP_CHECK(node != NULL && item_of(node)->key == 3);
    node = rbtree_lookup(&dup, 10, cmp_key);
    TAP_CHECK(node == NULL);
    rbtree_update(&dup, rbtree_root(&dup));     /* no hook: no effect */
    TAP_CHECK(rbtree_first(&dup) != NULL && item_of(rbtree_first(&dup))->key == 0);
}

static void
test_empty(void)
{
    struct rbtree empty;
    rbtree_slot_t slot = 1;

    rbtree_init(&empty, item_update);
    TAP_CHECK(rbtree_empty(&empty) && rbtree_root(&empty) == NULL);
    TAP_CHECK(rbtree_first(&empty) == NULL && rbtree_last(&empty) == NULL);
    TAP_CHECK(rbtree_lookup(&empty, 1, cmp_key) == NULL);
    TAP_CHECK(rbtree_lookup_nearest(&empty, 1, cmp_key, RBTREE_LEFT) == NULL);
    TAP_CHECK(rbtree_lookup_slot(&empty, 1, cmp_key, slot) == NULL
              && rbtree_slot_parent(slot) == NULL);

    pool[0].key = 1;
    pool[0].value = 7;
    rbtree_insert_slot(&empty, slot, &pool[0].node);
    TAP_CHECK(rbtree_root(&empty) == &pool[0].node && pool[0].size == 1 && pool[0].max == 7);
    TAP_CHECK(rbtree_next(&pool[0].node) == NULL && rbtree_prev(&pool[0].node) == NULL);
    rbtree_remove(&empty, &pool[0].node);
    TAP_CHECK(rbtree_empty(&empty));
}

int
main(void)
{
    test_empty();
    test_random();
    test_sequential();
    test_duplicates();
    return tap_done();
}
