/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host benchmark of IPC name spaces (ipc/, kern/rdxtree.c), the x86-64
 * twin of the kernel's test=ipc_bench.
 *
 * Instruction counts come from callgrind: the program runs itself under
 * valgrind once per scenario (--count NAME), with collection switched on
 * around the measured loop only, and subtracts the same loop without the
 * operation:
 *
 *   lookup N     ipc_entry_lookup() in a space of N dead names (1k, 16k,
 *                128k, 1M), in a full-period pseudo-random order
 *   pair ...     in a space of 1000 names: rdxtree_insert_alloc() +
 *                rdxtree_remove(); ipc_entry_alloc() + ipc_entry_free()
 *                (space lock held); ipc_right_alloc() +
 *                ipc_right_deallocate()
 *
 * Then, natively, the cost of each single insertion while a tree grows
 * to 1M keys, against a baseline written for this benchmark: a table of
 * pointers grown by doubling (allocate, copy, free: what a realloc'ed
 * name table does; glibc's realloc would move big blocks with mremap and
 * hide the copy). Single operations are too short for callgrind, so
 * these are TSC cycles, each insertion's best of several runs; the
 * kernel benchmark gives exact instruction counts for the same thing.
 *
 * Host builds have no interrupts to disable: the kernel's lookups cost
 * about 5 instructions more (pushf, pop, cli, push, popf).
 *
 *   bench_ipc [--no-callgrind]
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <x86intrin.h>

#include <valgrind/callgrind.h>

#include <include/mach/kern_return.h>
#include <include/mach/port.h>
#include <ipc/ipc_entry.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <ipc/ipc_space.h>
#include <kern/kmem.h>
#include <kern/macros.h>
#include <kern/rdxtree.h>

#include "tests/bench/bench_util.h"
#include "tests/unit/kmem_host.h"

#define BENCH_LOOKUPS           1000000U
#define BENCH_PAIRS             200000U
#define BENCH_PAIR_SPACE        1000
#define BENCH_GROWTH            (1U << 20)
#define BENCH_GROWTH_RUNS       5

__thread unsigned int percpu_host_cpu;

void
panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    host_vpanic(fmt, ap);
}

static void
bench_setup(void)
{
    kmem_host_setup(65536);
    kmem_setup();
    rdxtree_setup();
    ipc_entry_setup();
    ipc_port_setup();
    ipc_space_setup();
}

static struct ipc_space *
bench_space(uint32_t nr_names)
{
    struct ipc_space *space;
    mach_port_name_t name;

    if (ipc_space_create(&space) != KERN_SUCCESS) {
        abort();
    }
    for (uint32_t i = 0; i < nr_names; i++) {
        if (ipc_right_alloc(space, MACH_PORT_RIGHT_DEAD_NAME, &name) != KERN_SUCCESS) {
            abort();
        }
    }
    return space;
}

/* Full period over [0, n), n a power of two (Hull-Dobell). */
static inline uint32_t
bench_next(uint32_t x, uint32_t mask)
{
    return (x * 5 + 1) & mask;
}

static void __attribute__((noinline))
bench_lookup_loop(struct ipc_space *space, uint32_t n, bool lookup)
{
    uint32_t x = 0;

    for (unsigned int i = 0; i < BENCH_LOOKUPS; i++) {
        x = bench_next(x, n - 1);
        if (lookup) {
            bench_use(ipc_entry_lookup(space, x + 1));
        } else {
            bench_use(x + 1);
        }
    }
}

enum bench_pair { PAIR_NONE, PAIR_TREE, PAIR_ENTRY, PAIR_RIGHT };

static void __attribute__((noinline))
bench_pair_loop(struct ipc_space *space, struct rdxtree *tree, enum bench_pair kind)
{
    struct ipc_entry *entry = NULL;
    mach_port_name_t name;
    uint32_t key;

    for (unsigned int i = 0; i < BENCH_PAIRS; i++) {
        switch (kind) {
        case PAIR_TREE:
            rdxtree_insert_alloc(tree, tree, &key);
            bench_use(rdxtree_remove(tree, key));
            break;
        case PAIR_ENTRY:
            if (ipc_entry_alloc(space, &entry) == KERN_SUCCESS) {
                ipc_entry_free(space, entry);
            }
            break;
        case PAIR_RIGHT:
            ipc_right_alloc(space, MACH_PORT_RIGHT_DEAD_NAME, &name);
            ipc_right_deallocate(space, name);
            break;
        default:
            bench_use(i);
            break;
        }
    }
}

/* Scenarios run under callgrind, and how many operations each makes. */
static const struct {
    const char *name;
    uint32_t size;                  /* names in the space */
    int pair;                       /* -1: lookups */
    bool empty;                     /* the loop alone */
} bench_scenarios[] = {
    { "lookup-1k", 1U << 10, -1, false },
    { "lookup-1k-loop", 1U << 10, -1, true },
    { "lookup-16k", 1U << 14, -1, false },
    { "lookup-16k-loop", 1U << 14, -1, true },
    { "lookup-128k", 1U << 17, -1, false },
    { "lookup-128k-loop", 1U << 17, -1, true },
    { "lookup-1M", 1U << 20, -1, false },
    { "lookup-1M-loop", 1U << 20, -1, true },
    { "pair-tree", BENCH_PAIR_SPACE, PAIR_TREE, false },
    { "pair-entry", BENCH_PAIR_SPACE, PAIR_ENTRY, false },
    { "pair-right", BENCH_PAIR_SPACE, PAIR_RIGHT, false },
    { "pair-loop", BENCH_PAIR_SPACE, PAIR_NONE, true },
};

/* Child side of --count: set up, then measure one loop. */
static int
bench_count(unsigned int s)
{
    struct ipc_space *space = bench_space(bench_scenarios[s].size);
    static struct rdxtree tree;
    uint32_t key;

    rdxtree_init(&tree);
    for (unsigned int i = 0; i < BENCH_PAIR_SPACE; i++) {
        rdxtree_insert_alloc(&tree, &tree, &key);
    }
    if (bench_scenarios[s].pair < 0) {
        bench_lookup_loop(space, bench_scenarios[s].size, !bench_scenarios[s].empty);
        CALLGRIND_TOGGLE_COLLECT;
        bench_lookup_loop(space, bench_scenarios[s].size, !bench_scenarios[s].empty);
        CALLGRIND_TOGGLE_COLLECT;
    } else {
        if (bench_scenarios[s].pair == PAIR_ENTRY) {
            ipc_space_lock(space);
        }
        bench_pair_loop(space, &tree, (enum bench_pair)bench_scenarios[s].pair);
        CALLGRIND_TOGGLE_COLLECT;
        bench_pair_loop(space, &tree, (enum bench_pair)bench_scenarios[s].pair);
        CALLGRIND_TOGGLE_COLLECT;
    }
    return 0;
}

/* Instructions collected by a callgrind run of scenario s, or -1. */
static double
bench_callgrind(unsigned int s)
{
    char args[16];

    snprintf(args, sizeof(args), "%u", s);
    return bench_callgrind_run("ipc", "--collect-atstart=no", args);
}

static void
bench_instructions(void)
{
    double ir[ARRAY_SIZE(bench_scenarios)];

    for (unsigned int s = 0; s < ARRAY_SIZE(bench_scenarios); s++) {
        ir[s] = bench_callgrind(s);
        if (ir[s] < 0) {
            printf("bench: callgrind failed for %s\n", bench_scenarios[s].name);
            return;
        }
    }
    printf("bench: x86-64 callgrind instructions per operation (loop subtracted):\n");
    for (unsigned int s = 0; s < 8; s += 2) {
        printf("bench: ipc_entry_lookup, %7u names: %.1f\n", bench_scenarios[s].size,
               (ir[s] - ir[s + 1]) / BENCH_LOOKUPS);
    }
    printf("bench: pair, %u names: rdxtree_insert_alloc + rdxtree_remove %.1f\n",
           BENCH_PAIR_SPACE, (ir[8] - ir[11]) / BENCH_PAIRS);
    printf("bench: pair, %u names: ipc_entry_alloc + ipc_entry_free %.1f\n",
           BENCH_PAIR_SPACE, (ir[9] - ir[11]) / BENCH_PAIRS);
    printf("bench: pair, %u names: ipc_right_alloc + ipc_right_deallocate %.1f\n",
           BENCH_PAIR_SPACE, (ir[10] - ir[11]) / BENCH_PAIRS);
}

/* ---------------------------------------------------------------- growth */

struct bench_table {
    void **slots;
    uint32_t size;
    uint32_t count;
};

static bool
bench_table_append(struct bench_table *table, void *value)
{
    if (table->count == table->size) {
        uint32_t size = (table->size == 0) ? 16 : 2 * table->size;
        void **slots = malloc(size * sizeof(*slots));

        if (slots == NULL) {
            return false;
        }
        if (table->slots != NULL) {
            memcpy(slots, table->slots, table->count * sizeof(*slots));
            free(table->slots);
        }
        table->slots = slots;
        table->size = size;
    }
    table->slots[table->count++] = value;
    return true;
}

/* One growth run: the cycles of each insertion go to tree[i] and table[i]. */
static void
bench_growth_run(uint32_t *tree_cost, uint32_t *table_cost)
{
    struct bench_table table = { NULL, 0, 0 };
    static struct rdxtree tree;
    uint32_t key;

    rdxtree_init(&tree);
    for (uint32_t i = 0; i < BENCH_GROWTH; i++) {
        uint64_t t0 = __rdtsc(), t1, t2;

        if (rdxtree_insert_alloc(&tree, &tree, &key) != 0) {
            abort();
        }
        t1 = __rdtsc();
        if (!bench_table_append(&table, &table)) {
            abort();
        }
        t2 = __rdtsc();
        tree_cost[i] = (uint32_t)MIN(t1 - t0, UINT32_MAX);
        table_cost[i] = (uint32_t)MIN(t2 - t1, UINT32_MAX);
    }
    for (uint32_t i = 0; i < BENCH_GROWTH; i++) {
        rdxtree_remove(&tree, i);
    }
    free(table.slots);
}

static void
bench_growth_print(const char *what, const uint32_t *cost)
{
    uint64_t total = 0;
    uint32_t max = 0, at = 0;

    for (uint32_t i = 0; i < BENCH_GROWTH; i++) {
        total += cost[i];
        if (cost[i] > max) {
            max = cost[i];
            at = i;
        }
    }
    printf("bench: growth to %u keys, TSC cycles: %s max %u (at %u), mean %.1f\n",
           BENCH_GROWTH, what, max, at, (double)total / BENCH_GROWTH);
}

/*
 * Each insertion's cost is its minimum over BENCH_GROWTH_RUNS runs, which
 * filters out the host's interrupts and preemptions (a single run shows
 * maxima of milliseconds for either structure).
 */
static void
bench_growth(void)
{
    uint32_t *tree = malloc(2 * BENCH_GROWTH * sizeof(*tree));
    uint32_t *table = malloc(2 * BENCH_GROWTH * sizeof(*table));

    if (tree == NULL || table == NULL) {
        abort();
    }
    for (unsigned int run = 0; run < BENCH_GROWTH_RUNS; run++) {
        bench_growth_run(tree + BENCH_GROWTH, table + BENCH_GROWTH);
        for (uint32_t i = 0; i < BENCH_GROWTH; i++) {
            if (run == 0 || tree[BENCH_GROWTH + i] < tree[i]) {
                tree[i] = tree[BENCH_GROWTH + i];
            }
            if (run == 0 || table[BENCH_GROWTH + i] < table[i]) {
                table[i] = table[BENCH_GROWTH + i];
            }
        }
    }
    printf("bench: native, each insertion's best of %d runs:\n", BENCH_GROWTH_RUNS);
    bench_growth_print("rdxtree_insert_alloc", tree);
    bench_growth_print("realloc'ed table append", table);
    free(tree);
    free(table);
}

int
main(int argc, char **argv)
{
    bool callgrind = true;

    bench_setup();
    if (argc == 3 && strcmp(argv[1], "--count") == 0) {
        return bench_count((unsigned int)atoi(argv[2]));
    }
    if (argc == 2 && strcmp(argv[1], "--no-callgrind") == 0) {
        callgrind = false;
    } else if (argc != 1) {
        fprintf(stderr, "usage: %s [--no-callgrind]\n", argv[0]);
        return 2;
    }
    bench_growth();
    if (!callgrind || system("valgrind --version >/dev/null 2>&1") != 0) {
        printf("bench: callgrind skipped\n");
        return 0;
    }
    bench_instructions();
    return 0;
}
