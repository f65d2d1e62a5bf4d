/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host test of kern/list.h: random operations on two lists of pooled
 * items, mirrored on two arrays (the reference model), with every way of
 * walking the lists compared against the arrays after each operation.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <kern/list.h>
#include <kern/macros.h>
#include "tests/unit/tap.h"

#define POOL_SIZE       64
#define NR_OPS          30000

struct item {
    int id;
    int list;                   /* -1 when on no list */
    struct list node;
};

static struct item pool[POOL_SIZE];

struct model {
    struct list head;
    int ids[POOL_SIZE];
    int count;
};

static struct model models[2];

static uint64_t rng_state = 0xda942042e4dd58b5ULL;

static unsigned int
rng(unsigned int n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned int)(rng_state >> 32) % n;
}

static void
model_insert(struct model *m, int index, int id)
{
    memmove(&m->ids[index + 1], &m->ids[index], (size_t)(m->count - index) * sizeof(int));
    m->ids[index] = id;
    m->count++;
}

static void
model_remove(struct model *m, int index)
{
    memmove(&m->ids[index], &m->ids[index + 1], (size_t)(m->count - index - 1) * sizeof(int));
    m->count--;
}

/* Check every accessor of m's list against its array; false on mismatch. */
static bool
model_check(struct model *m)
{
    struct list *node, *tmp;
    struct item *item, *item_tmp;
    int i;

    if (list_empty(&m->head) != (m->count == 0)
        || list_singular(&m->head) != (m->count == 1)) {
        return false;
    }
    if (m->count == 0) {
        return list_first(&m->head) == NULL && list_last(&m->head) == NULL;
    }
    if (list_first(&m->head) != &pool[m->ids[0]].node
        || list_last(&m->head) != &pool[m->ids[m->count - 1]].node) {
        return false;
    }

    i = 0;
    list_foreach(&m->head, node) {
        if (i >= m->count || list_entry(node, struct item, node)->id != m->ids[i]) {
            return false;
        }
        if (list_prev(&m->head, node) != (i == 0 ? NULL : &pool[m->ids[i - 1]].node)
            || list_next(&m->head, node)
               != (i == m->count - 1 ? NULL : &pool[m->ids[i + 1]].node)) {
            return false;
        }
        i++;
    }
    if (i != m->count) {
        return false;
    }

    list_foreach_reverse(&m->head, node) {
        if (--i < 0 || list_entry(node, struct item, node)->id != m->ids[i]) {
            return false;
        }
    }

    list_foreach_entry(&m->head, item, node) {
        if (i >= m->count || item->id != m->ids[i++]) {
            return false;
        }
    }

    i = 0;
    list_foreach_safe(&m->head, node, tmp) {
        if (i >= m->count || list_entry(node, struct item, node)->id != m->ids[i++]) {
            return false;
        }
    }

    i = 0;
    list_foreach_entry_safe(&m->head, item, item_tmp, node) {
        if (i >= m->count || item->id != m->ids[i++] || item->list != (int)(m - models)) {
            return false;
        }
    }
    return i == m->count;
}

static int
free_item(void)
{
    int start = (int)rng(POOL_SIZE);

    for (int i = 0; i < POOL_SIZE; i++) {
        int id = (start + i) % POOL_SIZE;

        if (pool[id].list < 0) {
            return id;
        }
    }
    return -1;
}

/* Remove, with list_foreach_entry_safe, every item whose id has bit set. */
static void
remove_matching(struct model *m, int bit)
{
    struct item *item, *tmp;

    list_foreach_entry_safe(&m->head, item, tmp, node) {
        if (item->id & bit) {
            list_remove(&item->node);
            item->list = -1;
        }
    }
    for (int i = 0; i < m->count;) {
        if (m->ids[i] & bit) {
            model_remove(m, i);
        } else {
            i++;
        }
    }
}

static void
test_random(void)
{
    unsigned int bad = 0, ops[8] = { 0 };
    int first_bad = -1;

    for (int i = 0; i < POOL_SIZE; i++) {
        pool[i].id = i;
        pool[i].list = -1;
    }
    list_init(&models[0].head);
    list_init(&models[1].head);

    for (int n = 0; n < NR_OPS && bad == 0; n++) {
        int l = (int)rng(2);
        struct model *m = &models[l];
        unsigned int op = rng(8);
        int id = free_item(), index;

        if (id < 0) {
            op = 4;             /* pool exhausted: remove */
        }
        if ((op == 2 || op == 3 || op == 4) && m->count == 0) {
            op = 0;
        }
        ops[op]++;
        switch (op) {
        case 0:
            list_insert_head(&m->head, &pool[id].node);
            model_insert(m, 0, id);
            pool[id].list = l;
            break;
        case 1:
            list_insert_tail(&m->head, &pool[id].node);
            model_insert(m, m->count, id);
            pool[id].list = l;
            break;
        case 2:
            index = (int)rng((unsigned int)m->count);
            list_insert_before(&pool[m->ids[index]].node, &pool[id].node);
            model_insert(m, index, id);
            pool[id].list = l;
            break;
        case 3:
            index = (int)rng((unsigned int)m->count);
            list_insert_after(&pool[m->ids[index]].node, &pool[id].node);
            model_insert(m, index + 1, id);
            pool[id].list = l;
            break;
        case 4:
        case 5:
            if (m->count == 0) {
                break;
            }
            index = (int)rng((unsigned int)m->count);
            list_remove(&pool[m->ids[index]].node);
            pool[m->ids[index]].list = -1;
            model_remove(m, index);
            break;
        case 6: {
            struct model *other = &models[1 - l];

            list_concat(&m->head, &other->head);
            for (int i = 0; i < other->count; i++) {
                pool[other->ids[i]].list = l;
                m->ids[m->count++] = other->ids[i];
            }
            other->count = 0;
            break;
        }
        default:
            remove_matching(m, 1 << rng(6));
            break;
        }
        if (!model_check(&models[0]) || !model_check(&models[1])) {
            bad++;
            first_bad = n;
        }
    }
    if (bad != 0) {
        tap_diag("lists differ from the model after operation %d", first_bad);
    }
    tap_check(bad == 0, "random: %d operations (%u head, %u tail, %u before, %u after, "
              "%u remove, %u concat, %u remove while iterating) match the model",
              NR_OPS, ops[0], ops[1], ops[2], ops[3], ops[4] + ops[5], ops[6], ops[7]);
}

static void
test_fixed(void)
{
    struct list a = LIST_INITIALIZER(a), b;
    struct item x = { .id = 1 }, y = { .id = 2 };

    list_init(&b);
    TAP_CHECK(list_empty(&a) && list_first(&a) == NULL && list_last(&a) == NULL);
    list_concat(&a, &b);
    TAP_CHECK(list_empty(&a) && list_empty(&b));
    list_insert_tail(&b, &x.node);
    list_concat(&a, &b);
    TAP_CHECK(list_singular(&a) && list_empty(&b) && list_first(&a) == &x.node);
    list_insert_head(&b, &y.node);
    list_concat(&a, &b);
    TAP_CHECK(list_first(&a) == &x.node && list_last(&a) == &y.node);
    TAP_CHECK(list_next(&a, &x.node) == &y.node && list_next(&a, &y.node) == NULL);
    TAP_CHECK(list_entry(list_last(&a), struct item, node)->id == 2);
    list_remove(&x.node);
    list_remove(&y.node);
    TAP_CHECK(list_empty(&a));
}

int
main(void)
{
    test_fixed();
    test_random();
    return tap_done();
}
