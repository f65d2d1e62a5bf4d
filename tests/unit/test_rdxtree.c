/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host test of kern/rdxtree.c and kern/qsbr.c, with nodes from the real
 * kmem (kern/kmem.c over the page backend of kmem_host.c).
 *
 * Random operation sequences (insert, lowest-key allocation, lookup,
 * replace, remove, iteration) are checked against a reference map, on
 * dense, sparse and extreme keys (up to 0xffffffff, six levels), with
 * every structural invariant verified by walking the nodes: counts,
 * parent links, free-slot bitmaps, no empty node, minimal height. A
 * large allocation phase takes 200,000 lowest keys, removes them in
 * random order and checks that the tree shrinks to nothing and that
 * every page goes back. Allocation failures (a page-limited backend)
 * must leave the tree unchanged. The grace periods of qsbr are driven
 * by hand: with a second "CPU" online, nodes stay pending until it
 * reports a quiescent state. Finally reader threads look keys up and
 * iterate without locks while a writer inserts and removes, making the
 * tree grow and shrink; a node freed too early would be reused (or, in
 * the CONFIG_DEBUG build, filled with kmem's free pattern) and show up
 * as a wrong value or a crash.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kern/kmem.h>
#include <kern/qsbr.h>
#include <kern/rdxtree.h>

#include "tests/unit/host_util.h"
#include "tests/unit/kmem_host.h"
#include "tests/unit/tap.h"

#define ARENA_PAGES             65536   /* 256 MiB */

__thread unsigned int percpu_host_cpu;

void
panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    host_vpanic(fmt, ap);
}

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t
rng(void)
{
    return host_xorshift64(&rng_state);
}

/* Values are never dereferenced: the key, a generation and a low bit. */
static void *
value_of(uint32_t key, unsigned int gen)
{
    return (void *)(uintptr_t)(((uint64_t)key << 8) | ((gen & 0x7f) << 1) | 1);
}

/* Stored by the concurrent writer until it knows the key; valid for any key. */
#define VALUE_PLACEHOLDER       ((void *)(uintptr_t)1)

static bool
value_matches_key(const void *value, uint32_t key)
{
    return ((uintptr_t)value & 1) && (uint32_t)((uintptr_t)value >> 8) == key;
}

/* Give every cached node back and return the pages kmem still uses. */
static unsigned long
pages_after_purge(void)
{
    unsigned int cpu = percpu_host_cpu;

    qsbr_drain();
    for (unsigned int i = 0; i < CONFIG_NCPUS; i++) {
        percpu_host_set_cpu(i);
        kmem_purge();
    }
    percpu_host_set_cpu(cpu);
    return kmem_host_pages_used();
}

/* ---------------------------------------------------------------- structure */

struct walk {
    unsigned long nr_nodes;
    unsigned long nr_values;
    const char *error;
};

static uint64_t
slots_map(unsigned int shift)
{
    unsigned int bits = 32 - shift;

    return (bits >= 6) ? ~(uint64_t)0 : ((uint64_t)1 << (1U << bits)) - 1;
}

/* The free-slot bitmap of a node as one 64-bit value. */
static uint64_t
node_map(const struct rdxtree_node *node)
{
    return ((uint64_t)node->free_map[1] << 32) | node->free_map[0];
}

static void
walk_node(const struct rdxtree_node *node, uint32_t prefix, struct walk *w)
{
    unsigned int used = 0;
    uint64_t map = 0;

    w->nr_nodes++;
    for (unsigned int i = 0; i < RDXTREE_RADIX_SIZE; i++) {
        const void *slot = node->slots[i];
        uint32_t key = prefix | ((uint32_t)i << node->shift);

        if (!(slots_map(node->shift) & ((uint64_t)1 << i))) {
            if (slot != NULL) {
                w->error = "slot beyond the key space used";
            }
            continue;
        }
        if (slot == NULL) {
            map |= (uint64_t)1 << i;
            continue;
        }
        used++;
        if (node->shift == 0) {
            w->nr_values++;
            if (!value_matches_key(slot, key)) {
                w->error = "value stored under the wrong key";
            }
        } else {
            const struct rdxtree_node *child = slot;

            if (child->parent != node || child->index != i) {
                w->error = "bad parent link";
            } else if (child->shift + RDXTREE_RADIX != node->shift) {
                w->error = "bad child shift";
            }
            if (node_map(child) != 0) {
                map |= (uint64_t)1 << i;
            }
            walk_node(child, key, w);
        }
    }
    if (used != node->nr_used) {
        w->error = "nr_used wrong";
    } else if (used == 0) {
        w->error = "empty node left in the tree";
    } else if (map != node_map(node)) {
        w->error = "free map wrong";
    }
}

/* NULL when the tree is consistent and holds exactly nr_values values. */
static const char *
check_structure(const struct rdxtree *tree, unsigned long nr_values)
{
    const struct rdxtree_node *root = tree->root;
    struct walk w = { 0, 0, NULL };

    if (root != NULL) {
        if (root->parent != NULL) {
            return "root has a parent";
        }
        if (root->shift != 0 && root->nr_used == 1 && root->slots[0] != NULL) {
            return "root not lowered";
        }
        walk_node(root, 0, &w);
    }
    if (w.error != NULL) {
        return w.error;
    }
    if (w.nr_nodes != tree->nr_nodes) {
        return "nr_nodes wrong";
    }
    if (w.nr_values != tree->nr_values || w.nr_values != nr_values) {
        return "nr_values wrong";
    }
    return NULL;
}

/* ---------------------------------------------------------------- reference map */

struct model {
    uint32_t *keys;                 /* sorted */
    void **values;
    size_t n, cap;
};

static void
model_init(struct model *m, size_t cap)
{
    m->keys = malloc(cap * sizeof(*m->keys));
    m->values = malloc(cap * sizeof(*m->values));
    m->n = 0;
    m->cap = cap;
    if (m->keys == NULL || m->values == NULL) {
        abort();
    }
}

static void
model_fini(struct model *m)
{
    free(m->keys);
    free(m->values);
}

/* Index of the first key >= key. */
static size_t
model_pos(const struct model *m, uint32_t key)
{
    size_t lo = 0, hi = m->n;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;

        if (m->keys[mid] < key) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static void *
model_get(const struct model *m, uint32_t key)
{
    size_t i = model_pos(m, key);

    return (i < m->n && m->keys[i] == key) ? m->values[i] : NULL;
}

static void
model_put(struct model *m, uint32_t key, void *value)
{
    size_t i = model_pos(m, key);

    if (i < m->n && m->keys[i] == key) {
        m->values[i] = value;
        return;
    }
    if (m->n == m->cap) {
        abort();
    }
    memmove(&m->keys[i + 1], &m->keys[i], (m->n - i) * sizeof(*m->keys));
    memmove(&m->values[i + 1], &m->values[i], (m->n - i) * sizeof(*m->values));
    m->keys[i] = key;
    m->values[i] = value;
    m->n++;
}

static void
model_del(struct model *m, uint32_t key)
{
    size_t i = model_pos(m, key);

    if (i < m->n && m->keys[i] == key) {
        memmove(&m->keys[i], &m->keys[i + 1], (m->n - i - 1) * sizeof(*m->keys));
        memmove(&m->values[i], &m->values[i + 1], (m->n - i - 1) * sizeof(*m->values));
        m->n--;
    }
}

static uint32_t
model_lowest_free(const struct model *m)
{
    size_t i = 0;

    while (i < m->n && m->keys[i] == i) {
        i++;
    }
    return (uint32_t)i;
}

struct visit {
    const struct model *m;
    size_t i;
    bool bad;
};

/* rdxtree_visit() callback: the next value must be the model's next. */
static void
visit_check(void *arg, uint32_t key, void *value)
{
    struct visit *v = arg;

    if (v->i >= v->m->n || v->m->keys[v->i] != key || v->m->values[v->i] != value) {
        v->bad = true;
    }
    v->i++;
}

/* Full iteration, and a visit, equal the model. */
static bool
iteration_matches(const struct rdxtree *tree, const struct model *m)
{
    struct visit v = { .m = m, .i = 0, .bad = false };
    struct rdxtree_iter iter;
    size_t i = 0;
    void *value;

    rdxtree_for_each(tree, &iter, value) {
        if (i >= m->n || m->keys[i] != rdxtree_iter_key(&iter) || m->values[i] != value) {
            return false;
        }
        i++;
    }
    rdxtree_visit(tree, visit_check, &v);
    return i == m->n && !v.bad && v.i == m->n;
}

/* ---------------------------------------------------------------- random sequences */

enum key_dist { KEYS_DENSE, KEYS_SPARSE, KEYS_EXTREME, KEYS_MIXED };

static uint32_t
random_key(enum key_dist dist)
{
    switch (dist) {
    case KEYS_DENSE:
        return rng() % 3000;
    case KEYS_SPARSE:
        return (uint32_t)rng();
    case KEYS_EXTREME:
        switch (rng() % 4) {
        case 0:
            return UINT32_MAX - rng() % 200;
        case 1:
            return rng() % 200;
        case 2:
            return (uint32_t)1 << (rng() % 32);
        default:
            return ((uint32_t)1 << (rng() % 32)) - 1;
        }
    default:
        return (uint32_t)(rng() % ((uint64_t)1 << (rng() % 33)));
    }
}

struct seq_result {
    unsigned long ops, mismatches, bad_structure, bad_iteration;
    unsigned int max_height;
    const char *first_error;
};

static void
run_sequence(enum key_dist dist, unsigned long nr_ops, unsigned int remove_bias,
             struct seq_result *r)
{
    struct rdxtree tree;
    struct model m;
    unsigned int gen = 0;

    memset(r, 0, sizeof(*r));
    rdxtree_init(&tree);
    model_init(&m, nr_ops + 1);
    for (unsigned long op = 0; op < nr_ops; op++) {
        unsigned int kind = rng() % 100;
        uint32_t key = random_key(dist);
        void *value = value_of(key, ++gen);
        bool ok = true;

        if (kind < 30) {
            int error = rdxtree_insert(&tree, key, value);

            if (model_get(&m, key) != NULL) {
                ok = error == ERROR_EXIST;
            } else {
                ok = error == 0;
                model_put(&m, key, value);
            }
        } else if (kind < 40) {
            uint32_t expect = model_lowest_free(&m), got = ~expect;
            int error = rdxtree_insert_alloc(&tree, value_of(expect, gen), &got);

            ok = error == 0 && got == expect;
            if (error == 0) {
                model_put(&m, got, value_of(got, gen));
            }
        } else if (kind < 40 + remove_bias) {
            void *old = rdxtree_remove(&tree, key);

            ok = old == model_get(&m, key);
            model_del(&m, key);
        } else if (kind < 50 + remove_bias) {
            void *old = rdxtree_replace(&tree, key, value);

            ok = old == model_get(&m, key);
            if (old != NULL) {
                model_put(&m, key, value);
            }
        } else if (kind < 52 + remove_bias && m.n > 0) {
            /* Remove an existing key, so that the tree empties out. */
            size_t i = rng() % m.n;
            uint32_t k = m.keys[i];

            ok = rdxtree_remove(&tree, k) == m.values[i];
            model_del(&m, k);
        } else {
            ok = rdxtree_lookup(&tree, key) == model_get(&m, key)
                 && rdxtree_lookup_locked(&tree, key) == model_get(&m, key);
            if (m.n > 0) {
                size_t i = rng() % m.n;

                ok = ok && rdxtree_lookup(&tree, m.keys[i]) == m.values[i]
                     && rdxtree_lookup_locked(&tree, m.keys[i]) == m.values[i];
            }
        }
        r->ops++;
        if (!ok) {
            r->mismatches++;
        }
        if (rdxtree_height(&tree) > r->max_height) {
            r->max_height = rdxtree_height(&tree);
        }
        if (op % 97 == 0 || nr_ops - op < 50) {
            const char *error = check_structure(&tree, m.n);

            if (error != NULL) {
                r->bad_structure++;
                if (r->first_error == NULL) {
                    r->first_error = error;
                }
            }
        }
        if (op % 1009 == 0 && !iteration_matches(&tree, &m)) {
            r->bad_iteration++;
        }
    }
    if (!iteration_matches(&tree, &m)) {
        r->bad_iteration++;
    }
    /* Empty it in random order. */
    while (m.n > 0) {
        size_t i = rng() % m.n;
        uint32_t k = m.keys[i];

        if (rdxtree_remove(&tree, k) != m.values[i]) {
            r->mismatches++;
        }
        model_del(&m, k);
        if (m.n % 101 == 0 && check_structure(&tree, m.n) != NULL) {
            r->bad_structure++;
        }
    }
    if (tree.root != NULL || tree.nr_nodes != 0) {
        r->bad_structure++;
        r->first_error = "not empty at the end";
    }
    model_fini(&m);
}

static void
test_sequences(void)
{
    static const struct {
        enum key_dist dist;
        const char *name;
        unsigned long ops;
        unsigned int remove_bias;
    } runs[] = {
        { KEYS_DENSE, "dense keys", 60000, 10 },
        { KEYS_DENSE, "dense keys, mostly removals", 40000, 35 },
        { KEYS_SPARSE, "sparse 32-bit keys", 20000, 10 },
        { KEYS_EXTREME, "extreme keys", 20000, 20 },
        { KEYS_MIXED, "keys of every magnitude", 40000, 15 },
    };
    unsigned long base = pages_after_purge();

    for (unsigned int i = 0; i < ARRAY_SIZE(runs); i++) {
        struct seq_result r;

        run_sequence(runs[i].dist, runs[i].ops, runs[i].remove_bias, &r);
        tap_check(r.mismatches == 0 && r.bad_structure == 0 && r.bad_iteration == 0,
                  "%s: %lu operations match the reference map (%lu mismatches, "
                  "%lu bad structures%s%s, %lu bad iterations, height up to %u)",
                  runs[i].name, r.ops, r.mismatches, r.bad_structure,
                  r.first_error ? ": " : "", r.first_error ? r.first_error : "",
                  r.bad_iteration, r.max_height);
    }
    tap_check(pages_after_purge() == base, "sequences: every node page back (%lu, %lu before)",
              pages_after_purge(), base);
}

/* ---------------------------------------------------------------- edge cases */

static void
test_edges(void)
{
    struct rdxtree tree;
    struct rdxtree_iter iter;
    uint32_t key = 1;
    void *value;

    rdxtree_init(&tree);
    tap_check(rdxtree_lookup(&tree, 0) == NULL && rdxtree_remove(&tree, 0) == NULL
              && rdxtree_replace(&tree, 0, value_of(0, 1)) == NULL
              && rdxtree_iter_next(&tree, (rdxtree_iter_init(&iter), &iter)) == NULL
              && rdxtree_height(&tree) == 0,
              "empty tree: nothing found, nothing removed or replaced, height 0");

    tap_check(rdxtree_insert_alloc(&tree, value_of(0, 0), &key) == 0 && key == 0
              && rdxtree_height(&tree) == 1 && tree.nr_nodes == 1,
              "first allocated key is 0, in a single leaf");
    tap_check(rdxtree_insert(&tree, 0, value_of(0, 1)) == ERROR_EXIST
              && rdxtree_lookup(&tree, 0) == value_of(0, 0),
              "inserting an existing key fails and keeps the value");
    tap_check(rdxtree_insert(&tree, UINT32_MAX, value_of(UINT32_MAX, 0)) == 0
              && rdxtree_height(&tree) == 6 && tree.nr_nodes == 11
              && rdxtree_lookup(&tree, UINT32_MAX) == value_of(UINT32_MAX, 0)
              && rdxtree_lookup(&tree, UINT32_MAX - 64) == NULL
              && check_structure(&tree, 2) == NULL,
              "key 0xffffffff: six levels, 11 nodes");
    rdxtree_iter_init(&iter);
    value = rdxtree_iter_next(&tree, &iter);
    tap_check(value == value_of(0, 0) && rdxtree_iter_key(&iter) == 0
              && rdxtree_iter_next(&tree, &iter) == value_of(UINT32_MAX, 0)
              && rdxtree_iter_key(&iter) == UINT32_MAX
              && rdxtree_iter_next(&tree, &iter) == NULL
              && rdxtree_iter_next(&tree, &iter) == NULL,
              "iteration: 0, then 0xffffffff, then the end, which stays the end");
    tap_check(rdxtree_remove(&tree, UINT32_MAX) == value_of(UINT32_MAX, 0)
              && rdxtree_height(&tree) == 1 && tree.nr_nodes == 1
              && check_structure(&tree, 1) == NULL,
              "removing 0xffffffff lowers the tree back to one leaf");

    /* Fill keys 0..4095 (two full levels): the next key needs a third. */
    for (uint32_t k = 1; k < 4096; k++) {
        rdxtree_insert_alloc(&tree, value_of(k, 0), &key);
    }
    tap_check(rdxtree_height(&tree) == 2 && tree.nr_nodes == 65 && node_map(tree.root) == 0
              && check_structure(&tree, 4096) == NULL,
              "4096 keys: two full levels, 65 nodes, no free bit");
    tap_check(rdxtree_insert_alloc(&tree, value_of(4096, 0), &key) == 0 && key == 4096
              && rdxtree_height(&tree) == 3 && check_structure(&tree, 4097) == NULL,
              "allocating past a full tree adds a level");
    rdxtree_remove(&tree, 1234);
    rdxtree_remove(&tree, 77);
    tap_check(rdxtree_insert_alloc(&tree, value_of(77, 0), &key) == 0 && key == 77
              && rdxtree_insert_alloc(&tree, value_of(1234, 0), &key) == 0 && key == 1234
              && rdxtree_insert_alloc(&tree, value_of(4097, 0), &key) == 0 && key == 4097,
              "holes are allocated lowest first: 77, 1234, then 4097");
    tap_check(rdxtree_replace(&tree, 77, value_of(77, 5)) == value_of(77, 0)
              && rdxtree_lookup(&tree, 77) == value_of(77, 5),
              "replace returns the old value and stores the new one");
    /* Removing while iterating: each value, right after it is returned. */
    {
        unsigned long seen = 0;
        bool ordered = true;
        uint32_t last = 0;

        rdxtree_for_each(&tree, &iter, value) {
            ordered = ordered && (seen == 0 || rdxtree_iter_key(&iter) > last);
            last = rdxtree_iter_key(&iter);
            ordered = ordered && rdxtree_remove(&tree, last) == value;
            seen++;
        }
        tap_check(ordered && seen == 4098 && tree.root == NULL && tree.nr_nodes == 0
                  && tree.nr_values == 0,
                  "removing each value as the iteration returns it empties the tree (%lu)",
                  seen);
    }
}

/* ---------------------------------------------------------------- large allocation */

#define BIG_N                   200000

static void
test_big(void)
{
    unsigned long base = pages_after_purge(), peak_nodes;
    struct rdxtree tree;
    uint32_t *order = malloc(BIG_N * sizeof(*order));
    unsigned long bad_alloc = 0, bad_lookup = 0, bad_remove = 0, bad_structure = 0;
    unsigned int height;

    rdxtree_init(&tree);
    for (uint32_t i = 0; i < BIG_N; i++) {
        uint32_t key = ~i;

        if (rdxtree_insert_alloc(&tree, value_of(i, 0), &key) != 0 || key != i) {
            bad_alloc++;
        }
        order[i] = i;
    }
    height = rdxtree_height(&tree);
    peak_nodes = tree.nr_nodes;
    tap_check(bad_alloc == 0 && height == 3 && check_structure(&tree, BIG_N) == NULL,
              "%d lowest-key allocations give 0..%d, height 3, %lu nodes", BIG_N, BIG_N - 1,
              peak_nodes);
    for (uint32_t i = 0; i < BIG_N; i++) {
        if (rdxtree_lookup(&tree, i) != value_of(i, 0)) {
            bad_lookup++;
        }
    }
    tap_check(bad_lookup == 0 && rdxtree_lookup(&tree, BIG_N) == NULL,
              "every allocated key is found, the next is not");
    for (uint32_t i = BIG_N - 1; i > 0; i--) {
        uint32_t j = rng() % (i + 1), t = order[i];

        order[i] = order[j];
        order[j] = t;
    }
    for (uint32_t i = 0; i < BIG_N; i++) {
        if (rdxtree_remove(&tree, order[i]) != value_of(order[i], 0)) {
            bad_remove++;
        }
        if (i % 20000 == 0 && check_structure(&tree, BIG_N - i - 1) != NULL) {
            bad_structure++;
        }
        /* Half-way, holes must be reused lowest first. */
        if (i == BIG_N / 2) {
            uint32_t expect = 0, key;

            while (rdxtree_lookup(&tree, expect) != NULL) {
                expect++;
            }
            if (rdxtree_insert_alloc(&tree, value_of(expect, 0), &key) != 0 || key != expect
                || rdxtree_remove(&tree, key) != value_of(expect, 0)) {
                bad_alloc++;
            }
        }
    }
    tap_check(bad_remove == 0 && bad_structure == 0 && bad_alloc == 0,
              "removal in random order: every value back, structure sound, holes reused");
    tap_check(tree.root == NULL && tree.nr_nodes == 0 && rdxtree_height(&tree) == 0,
              "the tree shrinks to nothing");
    tap_check(pages_after_purge() == base,
              "every page back after qsbr_drain and kmem_purge (%lu, %lu before)",
              pages_after_purge(), base);
    free(order);
}

/* ---------------------------------------------------------------- exhaustion */

static void
test_nomem(void)
{
    unsigned long base = pages_after_purge();
    unsigned long failures = 0, bad = 0;
    struct rdxtree tree;
    struct model m;

    rdxtree_init(&tree);
    model_init(&m, 100000);
    kmem_host_limit_set(kmem_host_pages_used() + 40);
    for (unsigned int op = 0; op < 60000 && failures < 2000; op++) {
        uint32_t key = (op % 3 == 0) ? (uint32_t)rng() : (uint32_t)(rng() % 100000);
        int error;

        if (op % 5 == 0) {
            uint32_t got;

            key = model_lowest_free(&m);
            error = rdxtree_insert_alloc(&tree, value_of(key, 0), &got);
            if (error == 0 && got != key) {
                bad++;
            }
        } else {
            error = (model_get(&m, key) != NULL) ? ERROR_EXIST : rdxtree_insert(&tree, key, value_of(key, 0));
        }
        if (error == 0) {
            model_put(&m, key, value_of(key, 0));
        } else if (error == ERROR_NOMEM) {
            failures++;
            if (check_structure(&tree, m.n) != NULL) {
                bad++;
            }
        }
        if (op % 7 == 0 && m.n > 0) {
            uint32_t k = m.keys[rng() % m.n];

            rdxtree_remove(&tree, k);
            model_del(&m, k);
        }
    }
    tap_check(failures > 0 && bad == 0 && check_structure(&tree, m.n) == NULL
              && iteration_matches(&tree, &m),
              "with 40 pages, %lu insertions fail with ERROR_NOMEM and leave the tree "
              "as it was (%zu values kept)", failures, m.n);
    kmem_host_limit_set(~0UL);
    while (m.n > 0) {
        rdxtree_remove(&tree, m.keys[m.n - 1]);
        model_del(&m, m.keys[m.n - 1]);
    }
    model_fini(&m);
    tap_check(tree.root == NULL && pages_after_purge() == base, "exhaustion: every page back");
}

/* ---------------------------------------------------------------- grace periods */

static volatile bool quiescer_stop;

static void *
quiescer(void *arg)
{
    percpu_host_set_cpu((unsigned int)(uintptr_t)arg);
    while (!__atomic_load_n(&quiescer_stop, __ATOMIC_ACQUIRE)) {
        qsbr_quiescent();
        sched_yield();
    }
    return NULL;
}

static void
test_grace_periods(void)
{
    unsigned long base = pages_after_purge();
    struct qsbr_stats before, during, after;
    struct rdxtree tree;
    pthread_t thread;
    uint32_t key;

    rdxtree_init(&tree);
    for (unsigned int i = 0; i < 10000; i++) {
        rdxtree_insert_alloc(&tree, value_of(i, 0), &key);
    }
    qsbr_host_cpus_set(2);              /* CPU 1 is "in a read section" */
    qsbr_stats_get(&before);
    for (unsigned int i = 0; i < 10000; i++) {
        rdxtree_remove(&tree, i);
    }
    qsbr_stats_get(&during);
    tap_check(before.nr_pending == 0 && during.nr_pending == 161
              && during.nr_freed == before.nr_freed,
              "while CPU 1 reports nothing, all 161 nodes stay pending (%lu)",
              during.nr_pending);

    percpu_host_set_cpu(1);
    qsbr_quiescent();
    percpu_host_set_cpu(0);
    rdxtree_insert(&tree, 5, value_of(5, 0));
    rdxtree_remove(&tree, 5);           /* one more retirement moves the batches */
    qsbr_stats_get(&after);
    tap_check(after.nr_freed > during.nr_freed && after.nr_pending > 0
              && after.nr_grace_periods == during.nr_grace_periods + 1,
              "one quiescent state of CPU 1 ends one grace period: %lu freed, %lu pending",
              after.nr_freed - during.nr_freed, after.nr_pending);

    quiescer_stop = false;
    pthread_create(&thread, NULL, quiescer, (void *)(uintptr_t)1);
    qsbr_drain();
    quiescer_stop = true;
    pthread_join(thread, NULL);
    qsbr_stats_get(&after);
    qsbr_host_cpus_set(1);
    tap_check(after.nr_pending == 0 && pages_after_purge() == base,
              "qsbr_drain with CPU 1 quiescing frees the rest; every page back");
}

/* ---------------------------------------------------------------- concurrency */

#define NR_READERS              3
#define WRITER_OPS              300000
#define STABLE_STEP             7       /* keys k * 7 below 4096 never change */

struct reader {
    pthread_t thread;
    unsigned int cpu;
    uint64_t seed;
    unsigned long lookups, iterations, bad;
};

static volatile bool readers_stop;
static struct rdxtree shared_tree;

static void *
reader_run(void *arg)
{
    struct reader *r = arg;

    percpu_host_set_cpu(r->cpu);
    while (!__atomic_load_n(&readers_stop, __ATOMIC_ACQUIRE)) {
        uint64_t x = r->seed;
        uint32_t key;
        void *value;

        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        r->seed = x;
        key = (x % 4) ? (uint32_t)(x >> 32) % 8192 : (uint32_t)(x >> 20);
        value = rdxtree_lookup(&shared_tree, key);
        if ((value != NULL && value != VALUE_PLACEHOLDER && !value_matches_key(value, key))
            || (value == NULL && key < 4096 && key % STABLE_STEP == 0)) {
            r->bad++;
        }
        r->lookups++;
        if (r->lookups % 4096 == 0) {
            struct rdxtree_iter iter;
            unsigned long stable = 0;
            uint32_t last = 0;
            bool first = true;

            rdxtree_for_each(&shared_tree, &iter, value) {
                key = rdxtree_iter_key(&iter);
                if ((value != VALUE_PLACEHOLDER && !value_matches_key(value, key))
                    || (!first && key <= last)) {
                    r->bad++;
                }
                if (key < 4096 && key % STABLE_STEP == 0) {
                    stable++;
                }
                first = false;
                last = key;
                qsbr_quiescent();
            }
            if (stable != DIV_CEIL(4096, STABLE_STEP)) {
                r->bad++;
            }
            r->iterations++;
        }
        qsbr_quiescent();
    }
    return NULL;
}

static void
test_concurrent(void)
{
    unsigned long base = pages_after_purge(), bad = 0, lookups = 0, iterations = 0;
    unsigned long writer_bad = 0;
    struct reader readers[NR_READERS];
    struct qsbr_stats stats;
    uint32_t key;

    rdxtree_init(&shared_tree);
    for (uint32_t k = 0; k < 4096; k += STABLE_STEP) {
        rdxtree_insert(&shared_tree, k, value_of(k, 0));
    }
    qsbr_host_cpus_set(NR_READERS + 1);
    readers_stop = false;
    for (unsigned int i = 0; i < NR_READERS; i++) {
        readers[i] = (struct reader){ .cpu = i + 1, .seed = 0x9e3779b97f4a7c15ULL * (i + 1) };
        pthread_create(&readers[i].thread, NULL, reader_run, &readers[i]);
    }
    for (unsigned long op = 0; op < WRITER_OPS; op++) {
        uint64_t x = rng();

        switch (x % 8) {
        case 0:
        case 1:
            key = (uint32_t)(x >> 8) % 8192;
            if (key % STABLE_STEP != 0 || key >= 4096) {
                rdxtree_insert(&shared_tree, key, value_of(key, (unsigned int)op));
            }
            break;
        case 2:
        case 3:
            key = (uint32_t)(x >> 8) % 8192;
            if (key % STABLE_STEP != 0 || key >= 4096) {
                rdxtree_remove(&shared_tree, key);
            }
            break;
        case 4:
            if (rdxtree_insert_alloc(&shared_tree, VALUE_PLACEHOLDER, &key) == 0) {
                /* The lowest free key is never a stable one. */
                if (key % STABLE_STEP == 0 && key < 4096) {
                    writer_bad++;
                }
                rdxtree_replace(&shared_tree, key, value_of(key, 1));
            }
            break;
        case 5:
            key = (uint32_t)(x >> 8) % 8192;
            if (rdxtree_replace(&shared_tree, key, value_of(key, 2)) == NULL
                && rdxtree_lookup(&shared_tree, key) != NULL) {
                writer_bad++;
            }
            break;
        default:
            /* A far key makes the tree grow by levels; removing it shrinks it. */
            key = (uint32_t)(x >> 40) | ((uint32_t)1 << (13 + (x >> 8) % 19));
            if (rdxtree_insert(&shared_tree, key, value_of(key, 3)) == 0) {
                rdxtree_remove(&shared_tree, key);
            }
            break;
        }
    }
    readers_stop = true;
    for (unsigned int i = 0; i < NR_READERS; i++) {
        pthread_join(readers[i].thread, NULL);
        bad += readers[i].bad;
        lookups += readers[i].lookups;
        iterations += readers[i].iterations;
    }
    qsbr_stats_get(&stats);
    tap_check(bad == 0 && writer_bad == 0 && lookups > 0 && iterations > 0,
              "%d lockless readers, %lu lookups and %lu iterations during %d writes: "
              "no wrong value, stable keys always found (%lu bad)", NR_READERS, lookups,
              iterations, WRITER_OPS, bad + writer_bad);
    tap_check(stats.nr_grace_periods > 10,
              "nodes were freed while readers ran (%lu grace periods, %lu freed)",
              stats.nr_grace_periods, stats.nr_freed);
    qsbr_host_cpus_set(1);
    {
        struct rdxtree_iter iter;
        void *value;

        rdxtree_for_each(&shared_tree, &iter, value) {
            rdxtree_remove(&shared_tree, rdxtree_iter_key(&iter));
        }
    }
    tap_check(shared_tree.root == NULL && pages_after_purge() == base,
              "concurrency: emptied, every page back");
}

int
main(void)
{
    kmem_host_setup(ARENA_PAGES);
    kmem_setup();
    rdxtree_setup();
    tap_check(kmem_host_pages_used() == 0, "setup allocates nothing");

    test_edges();
    test_sequences();
    test_big();
    test_nomem();
    test_grace_periods();
    test_concurrent();
    return tap_done();
}
