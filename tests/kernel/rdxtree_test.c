/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * In-kernel tests of kern/rdxtree.c and kern/qsbr.c.
 *
 *   test=rdxtree   lowest-key allocation of 20,000 keys, lookups, removal
 *                  in random order down to an empty tree; grace periods
 *                  ended by the other CPUs' timer ticks (qsbr_drain());
 *                  then every CPU at once: CPU 0 inserts and removes
 *                  (the tree grows and shrinks by levels) while the
 *                  others look keys up and iterate without a lock, with
 *                  interrupts off, reporting quiescent states by hand.
 *                  Every page comes back to vm_page at the end.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/smp.h>
#include <kern/kmem.h>
#include <kern/ktest.h>
#include <kern/macros.h>
#include <kern/percpu.h>
#include <kern/qsbr.h>
#include <kern/rdxtree.h>
#include <vm/vm_page.h>

#define RDXTREE_TEST_KEYS       20000
#define RDXTREE_TEST_WRITES     40000
#define RDXTREE_TEST_STABLE     7       /* keys k * 7 below 4096 never change */

static void
rdxtree_test_purge_fn(void *arg)
{
    (void)arg;
    kmem_purge();
}

/* Free pages of every segment once deferred frees and kmem caches are flushed. */
static unsigned long
rdxtree_test_free_pages(void)
{
    struct vm_page_seg_stats stats;
    unsigned long nr = 0;

    qsbr_drain();
    smp_call_all(rdxtree_test_purge_fn, NULL);
    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        if (vm_page_seg_stats_get(i, &stats) == 0) {
            nr += stats.nr_free;
        }
    }
    return nr;
}

static void *
rdxtree_test_value(uint32_t key)
{
    return (void *)(uintptr_t)((key << 1) | 1);
}

static uint32_t
rdxtree_test_rand(uint32_t *seed)
{
    *seed = *seed * 1103515245 + 12345;
    return *seed >> 4;
}

static struct rdxtree rdxtree_test_tree;

static void
rdxtree_test_basic(void)
{
    static uint32_t order[RDXTREE_TEST_KEYS];
    struct rdxtree *tree = &rdxtree_test_tree;
    unsigned long bad = 0, pending;
    struct qsbr_stats stats;
    uint32_t seed = 42, key;

    rdxtree_init(tree);
    for (uint32_t i = 0; i < RDXTREE_TEST_KEYS; i++) {
        if (rdxtree_insert_alloc(tree, rdxtree_test_value(i), &key) != 0 || key != i) {
            bad++;
        }
        order[i] = i;
    }
    ktest_assert_msg(bad == 0, "%lu allocations out of order", bad);
    ktest_diag("rdxtree: %u keys, height %u, %lu nodes of %zu bytes", RDXTREE_TEST_KEYS,
               rdxtree_height(tree), rdxtree_nr_nodes(tree), RDXTREE_NODE_SIZE);
    KTEST_ASSERT(rdxtree_height(tree) == 3);
    for (uint32_t i = 0; i < RDXTREE_TEST_KEYS; i++) {
        bad += rdxtree_lookup(tree, i) != rdxtree_test_value(i);
    }
    KTEST_ASSERT(bad == 0 && rdxtree_lookup(tree, RDXTREE_TEST_KEYS) == NULL);
    for (uint32_t i = RDXTREE_TEST_KEYS - 1; i > 0; i--) {
        uint32_t j = rdxtree_test_rand(&seed) % (i + 1), t = order[i];

        order[i] = order[j];
        order[j] = t;
    }
    for (uint32_t i = 0; i < RDXTREE_TEST_KEYS; i++) {
        bad += rdxtree_remove(tree, order[i]) != rdxtree_test_value(order[i]);
    }
    KTEST_ASSERT(bad == 0 && rdxtree_height(tree) == 0 && rdxtree_nr_nodes(tree) == 0);
    qsbr_stats_get(&stats);
    pending = stats.nr_pending;
    qsbr_drain();
    qsbr_stats_get(&stats);
    ktest_diag("rdxtree: %lu nodes were pending, freed after the other CPUs ticked",
               pending);
    KTEST_ASSERT(stats.nr_pending == 0);
}

/* ---------------------------------------------------------------- concurrency */

static volatile bool rdxtree_test_done;
static unsigned long rdxtree_test_lookups[CONFIG_NCPUS];
static unsigned long rdxtree_test_bad[CONFIG_NCPUS];

static bool
rdxtree_test_stable(uint32_t key)
{
    return key < 4096 && key % RDXTREE_TEST_STABLE == 0;
}

static void
rdxtree_test_writer(struct rdxtree *tree)
{
    uint32_t seed = 7, key;

    for (unsigned int op = 0; op < RDXTREE_TEST_WRITES; op++) {
        uint32_t x = rdxtree_test_rand(&seed);

        key = (x >> 3) % 8192;
        switch (x % 8) {
        case 0:
        case 1:
        case 2:
            if (!rdxtree_test_stable(key)) {
                rdxtree_insert(tree, key, rdxtree_test_value(key));
            }
            break;
        case 3:
        case 4:
        case 5:
            if (!rdxtree_test_stable(key)) {
                rdxtree_remove(tree, key);
            }
            break;
        default:
            /* A far key adds levels; removing it lowers the tree again. */
            key = (uint32_t)1 << (13 + (x >> 3) % 19);
            if (rdxtree_insert(tree, key, rdxtree_test_value(key)) == 0) {
                rdxtree_remove(tree, key);
            }
            break;
        }
    }
}

static void
rdxtree_test_reader(struct rdxtree *tree, unsigned int cpu)
{
    uint32_t seed = cpu * 1000003;

    while (!__atomic_load_n(&rdxtree_test_done, __ATOMIC_ACQUIRE)) {
        uint32_t key = rdxtree_test_rand(&seed) % 8192;
        void *value = rdxtree_lookup(tree, key);

        if ((value != NULL && value != rdxtree_test_value(key))
            || (value == NULL && rdxtree_test_stable(key))) {
            rdxtree_test_bad[cpu]++;
        }
        if (++rdxtree_test_lookups[cpu] % 2048 == 0) {
            struct rdxtree_iter iter;
            unsigned long stable = 0;

            rdxtree_for_each(tree, &iter, value) {
                key = rdxtree_iter_key(&iter);
                if (value != rdxtree_test_value(key)) {
                    rdxtree_test_bad[cpu]++;
                }
                stable += rdxtree_test_stable(key);
                qsbr_quiescent();
            }
            if (stable != DIV_CEIL(4096, RDXTREE_TEST_STABLE)) {
                rdxtree_test_bad[cpu]++;
            }
        }
        qsbr_quiescent();
    }
}

static void
rdxtree_test_smp_fn(void *arg)
{
    unsigned int cpu = cpu_id();

    if (cpu == 0) {
        rdxtree_test_writer(arg);
        __atomic_store_n(&rdxtree_test_done, true, __ATOMIC_RELEASE);
    } else {
        rdxtree_test_reader(arg, cpu);
    }
}

static void
rdxtree_test_concurrent(void)
{
    struct rdxtree *tree = &rdxtree_test_tree;
    struct qsbr_stats before, after;
    unsigned long lookups = 0, bad = 0;
    struct rdxtree_iter iter;
    void *value;

    rdxtree_init(tree);
    for (uint32_t key = 0; key < 4096; key += RDXTREE_TEST_STABLE) {
        KTEST_ASSERT(rdxtree_insert(tree, key, rdxtree_test_value(key)) == 0);
    }
    rdxtree_test_done = false;
    for (unsigned int cpu = 0; cpu < CONFIG_NCPUS; cpu++) {
        rdxtree_test_lookups[cpu] = 0;
        rdxtree_test_bad[cpu] = 0;
    }
    qsbr_stats_get(&before);
    smp_call_all(rdxtree_test_smp_fn, tree);
    qsbr_stats_get(&after);
    for (unsigned int cpu = 0; cpu < CONFIG_NCPUS; cpu++) {
        lookups += rdxtree_test_lookups[cpu];
        bad += rdxtree_test_bad[cpu];
    }
    ktest_diag("rdxtree: %u writes on CPU 0, %lu lockless lookups on %u other CPUs, "
               "%lu nodes freed meanwhile", RDXTREE_TEST_WRITES, lookups, smp_nr_cpus() - 1,
               after.nr_freed - before.nr_freed);
    ktest_assert_msg(bad == 0, "%lu wrong values seen by readers", bad);
    rdxtree_for_each(tree, &iter, value) {
        rdxtree_remove(tree, rdxtree_iter_key(&iter));
    }
    KTEST_ASSERT(rdxtree_nr_nodes(tree) == 0);
}

static void
rdxtree_test_fn(void)
{
    unsigned long baseline = rdxtree_test_free_pages(), now;

    rdxtree_test_basic();
    rdxtree_test_concurrent();
    now = rdxtree_test_free_pages();
    ktest_assert_msg(now == baseline, "%lu free pages at the end, %lu at the start", now,
                     baseline);
}

KTEST_DEFINE(rdxtree, rdxtree_test_fn, 0);
