/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test=ipc_bench (manual): instruction counts of IPC name spaces, for
 * QEMU with -icount shift=0,sleep=off, where rdtsc counts guest
 * instructions (tools/bench-kernel ipc_bench build/test/mach 256M).
 *
 *   lookups      ipc_entry_lookup() (the lockless radix walk) and
 *                ipc_right_type() (space lock, walk, dead-port check) in
 *                spaces of 1k, 16k, 128k and 1M dead names, in a
 *                pseudo-random order that visits every name; the same
 *                loop without the lookup is subtracted
 *   pairs        in a space of 1000 names: a name, ipc_entry_alloc() +
 *                ipc_entry_free() under the space lock; the bare tree
 *                pair rdxtree_insert_alloc() + rdxtree_remove(); and the
 *                whole Mach call pair, ipc_right_alloc() of a dead name
 *                + ipc_right_deallocate()
 *   growth       the costliest single allocation while one space grows
 *                from 0 to 1M names, against a baseline written for
 *                this benchmark: a table of entry pointers grown by
 *                doubling with kmem_alloc, copy and kmem_free, which is
 *                what a realloc'ed name table does; also the mean
 *
 * Every figure is the best of BENCH_RUNS runs (the minimum is the cost
 * without disturbance: a timer interrupt lands in some runs).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/cpu.h>
#include <include/mach/kern_return.h>
#include <include/mach/port.h>
#include <ipc/ipc_entry.h>
#include <ipc/ipc_right.h>
#include <ipc/ipc_space.h>
#include <kern/kmem.h>
#include <kern/ktest.h>
#include <kern/macros.h>
#include <kern/qsbr.h>
#include <kern/rdxtree.h>
#include <kern/string.h>

#define BENCH_RUNS              3
#define BENCH_LOOKUPS           200000
#define BENCH_PAIRS             100000
#define BENCH_PAIR_SPACE        1000
#define BENCH_GROWTH            (1U << 20)

/* Keep the compiler from dropping a result. */
#define bench_use(x)            __asm__ volatile("" : : "r"(x) : "memory")

/*
 * Full-period generator over [0, n), n a power of two: x * 5 + 1 mod n
 * visits every value once per n steps (Hull-Dobell).
 */
static inline uint32_t
bench_next(uint32_t x, uint32_t mask)
{
    return (x * 5 + 1) & mask;
}

static uint64_t __attribute__((noinline))
bench_loop(uint32_t n, unsigned int iters)
{
    uint64_t start = cpu_rdtsc();
    uint32_t x = 0;

    for (unsigned int i = 0; i < iters; i++) {
        x = bench_next(x, n - 1);
        bench_use(x + 1);
    }
    return cpu_rdtsc() - start;
}

static uint64_t __attribute__((noinline))
bench_entry_lookups(struct ipc_space *space, uint32_t n, unsigned int iters)
{
    uint64_t start = cpu_rdtsc();
    uint32_t x = 0;

    for (unsigned int i = 0; i < iters; i++) {
        x = bench_next(x, n - 1);
        bench_use(ipc_entry_lookup(space, x + 1));
    }
    return cpu_rdtsc() - start;
}

static uint64_t __attribute__((noinline))
bench_type_lookups(struct ipc_space *space, uint32_t n, unsigned int iters)
{
    uint64_t start = cpu_rdtsc();
    mach_port_type_t type;
    uint32_t x = 0;

    for (unsigned int i = 0; i < iters; i++) {
        x = bench_next(x, n - 1);
        ipc_right_type(space, x + 1, &type);
        bench_use(type);
    }
    return cpu_rdtsc() - start;
}

static unsigned int
bench_per_op(uint64_t total, uint64_t overhead, unsigned int ops)
{
    uint64_t net = (total > overhead) ? total - overhead : 0;

    return (unsigned int)((net + ops / 2) / ops);
}

static bool
bench_fill(struct ipc_space *space, uint32_t from, uint32_t to)
{
    mach_port_name_t name;

    for (uint32_t i = from; i < to; i++) {
        if (ipc_right_alloc(space, MACH_PORT_RIGHT_DEAD_NAME, &name) != KERN_SUCCESS) {
            return false;
        }
    }
    return true;
}

static void
bench_lookups(void)
{
    static const uint32_t sizes[] = { 1U << 10, 1U << 14, 1U << 17, 1U << 20 };
    struct ipc_space *space;
    uint32_t filled = 0;

    if (ipc_space_create(&space) != KERN_SUCCESS) {
        ktest_fail_at(__FILE__, __LINE__, "no memory for a space");
        return;
    }
    for (unsigned int s = 0; s < ARRAY_SIZE(sizes); s++) {
        uint64_t loop = UINT64_MAX, entry = UINT64_MAX, type = UINT64_MAX;
        uint32_t n = sizes[s];

        if (!bench_fill(space, filled, n)) {
            ktest_fail_at(__FILE__, __LINE__, "no memory for %u names", n);
            break;
        }
        filled = n;
        for (unsigned int run = 0; run < BENCH_RUNS; run++) {
            loop = MIN(loop, bench_loop(n, BENCH_LOOKUPS));
            entry = MIN(entry, bench_entry_lookups(space, n, BENCH_LOOKUPS));
            type = MIN(type, bench_type_lookups(space, n, BENCH_LOOKUPS));
        }
        ktest_diag("bench: ipc lookup %7u names (height %u): ipc_entry_lookup %u insns, "
                   "ipc_right_type %u insns", n, rdxtree_height(&space->names),
                   bench_per_op(entry, loop, BENCH_LOOKUPS),
                   bench_per_op(type, loop, BENCH_LOOKUPS));
    }
    ipc_space_destroy(space);
}

static uint64_t __attribute__((noinline))
bench_name_pairs(struct ipc_space *space, unsigned int iters)
{
    uint64_t start = cpu_rdtsc();
    mach_port_name_t name;

    for (unsigned int i = 0; i < iters; i++) {
        ipc_right_alloc(space, MACH_PORT_RIGHT_DEAD_NAME, &name);
        ipc_right_deallocate(space, name);
    }
    return cpu_rdtsc() - start;
}

/* The name itself: entry and tree, under the space lock taken once. */
static uint64_t __attribute__((noinline))
bench_entry_pairs(struct ipc_space *space, unsigned int iters)
{
    struct ipc_entry *entry = NULL;
    uint64_t start;

    ipc_space_lock(space);
    start = cpu_rdtsc();
    for (unsigned int i = 0; i < iters; i++) {
        if (ipc_entry_alloc(space, &entry) == KERN_SUCCESS) {
            ipc_entry_free(space, entry);
        }
    }
    start = cpu_rdtsc() - start;
    ipc_space_unlock(space);
    return start;
}

static uint64_t __attribute__((noinline))
bench_tree_pairs(struct rdxtree *tree, unsigned int iters)
{
    uint64_t start = cpu_rdtsc();
    uint32_t key;

    for (unsigned int i = 0; i < iters; i++) {
        rdxtree_insert_alloc(tree, tree, &key);
        bench_use(rdxtree_remove(tree, key));
    }
    return cpu_rdtsc() - start;
}

static uint64_t __attribute__((noinline))
bench_empty_pairs(unsigned int iters)
{
    uint64_t start = cpu_rdtsc();

    for (unsigned int i = 0; i < iters; i++) {
        bench_use(i);
    }
    return cpu_rdtsc() - start;
}

static void
bench_pairs(void)
{
    uint64_t loop = UINT64_MAX, names = UINT64_MAX, entries = UINT64_MAX, tree = UINT64_MAX;
    static struct rdxtree bench_tree;
    struct ipc_space *space;
    uint32_t key;

    if (ipc_space_create(&space) != KERN_SUCCESS || !bench_fill(space, 0, BENCH_PAIR_SPACE)) {
        ktest_fail_at(__FILE__, __LINE__, "no memory for the pair benchmark");
        return;
    }
    rdxtree_init(&bench_tree);
    for (uint32_t i = 0; i < BENCH_PAIR_SPACE; i++) {
        rdxtree_insert_alloc(&bench_tree, &bench_tree, &key);
    }
    bench_name_pairs(space, 1);         /* warm the caches' magazines */
    bench_tree_pairs(&bench_tree, 1);
    for (unsigned int run = 0; run < BENCH_RUNS; run++) {
        loop = MIN(loop, bench_empty_pairs(BENCH_PAIRS));
        names = MIN(names, bench_name_pairs(space, BENCH_PAIRS));
        entries = MIN(entries, bench_entry_pairs(space, BENCH_PAIRS));
        tree = MIN(tree, bench_tree_pairs(&bench_tree, BENCH_PAIRS));
    }
    ktest_diag("bench: ipc pair (%u names): ipc_entry_alloc + ipc_entry_free %u insns, "
               "rdxtree_insert_alloc + rdxtree_remove %u insns", BENCH_PAIR_SPACE,
               bench_per_op(entries, loop, BENCH_PAIRS), bench_per_op(tree, loop, BENCH_PAIRS));
    ktest_diag("bench: ipc pair (%u names): ipc_right_alloc + ipc_right_deallocate %u insns",
               BENCH_PAIR_SPACE, bench_per_op(names, loop, BENCH_PAIRS));
    for (uint32_t i = 0; i < BENCH_PAIR_SPACE; i++) {
        rdxtree_remove(&bench_tree, i);
    }
    ipc_space_destroy(space);
}

/* ---------------------------------------------------------------- growth */

/* The baseline: a table of entry pointers, grown by doubling and copying. */
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
        void **slots = kmem_alloc(size * sizeof(*slots));

        if (slots == NULL) {
            return false;
        }
        if (table->slots != NULL) {
            memcpy(slots, table->slots, table->count * sizeof(*slots));
            kmem_free(table->slots, table->size * sizeof(*slots));
        }
        table->slots = slots;
        table->size = size;
    }
    table->slots[table->count++] = value;
    return true;
}

struct bench_growth {
    uint64_t max;
    uint64_t total;
    uint32_t max_at;
    bool failed;
};

static void
bench_growth_record(struct bench_growth *g, uint64_t cost, uint32_t i)
{
    g->total += cost;
    if (cost > g->max) {
        g->max = cost;
        g->max_at = i;
    }
}

static void
bench_growth(void)
{
    struct bench_growth tree = { 0 }, names = { 0 }, table = { 0 };
    static struct rdxtree bench_tree;
    struct bench_table bench_table = { NULL, 0, 0 };
    uint64_t overhead = UINT64_MAX;
    struct ipc_space *space;
    mach_port_name_t name;
    uint32_t key;

    for (unsigned int i = 0; i < 1000; i++) {
        uint64_t start = cpu_rdtsc();

        overhead = MIN(overhead, cpu_rdtsc() - start);
    }
    rdxtree_init(&bench_tree);
    if (ipc_space_create(&space) != KERN_SUCCESS) {
        ktest_fail_at(__FILE__, __LINE__, "no memory for a space");
        return;
    }
    for (uint32_t i = 0; i < BENCH_GROWTH && !tree.failed && !names.failed && !table.failed;
         i++) {
        uint64_t start = cpu_rdtsc();

        tree.failed = rdxtree_insert_alloc(&bench_tree, &bench_tree, &key) != 0;
        bench_growth_record(&tree, cpu_rdtsc() - start - overhead, i);
        start = cpu_rdtsc();
        table.failed = !bench_table_append(&bench_table, &bench_table);
        bench_growth_record(&table, cpu_rdtsc() - start - overhead, i);
        start = cpu_rdtsc();
        names.failed = ipc_right_alloc(space, MACH_PORT_RIGHT_DEAD_NAME, &name) != KERN_SUCCESS;
        bench_growth_record(&names, cpu_rdtsc() - start - overhead, i);
    }
    ktest_assert_msg(!tree.failed && !names.failed && !table.failed, "out of memory");
    ktest_diag("bench: ipc growth to %u: rdxtree_insert_alloc max %llu insns (at %u), "
               "mean %llu", BENCH_GROWTH, (unsigned long long)tree.max, tree.max_at,
               (unsigned long long)(tree.total / BENCH_GROWTH));
    ktest_diag("bench: ipc growth to %u: ipc_right_alloc max %llu insns (at %u), mean %llu",
               BENCH_GROWTH, (unsigned long long)names.max, names.max_at,
               (unsigned long long)(names.total / BENCH_GROWTH));
    ktest_diag("bench: ipc growth to %u: realloc'ed table append max %llu insns (at %u), "
               "mean %llu", BENCH_GROWTH, (unsigned long long)table.max, table.max_at,
               (unsigned long long)(table.total / BENCH_GROWTH));
    /*
     * kmem_alloc() of a large block zero-fills it (vm_kmem_alloc), which a
     * realloc'ed table does not need: time the same memset over the block
     * of the costliest doubling, to report the baseline without it.
     */
    if (!table.failed && table.max_at * 2 == bench_table.size) {
        size_t bytes = bench_table.size * sizeof(*bench_table.slots);
        uint64_t start = cpu_rdtsc(), zero;

        memset(bench_table.slots, 0, bytes);
        zero = cpu_rdtsc() - start - overhead;
        ktest_diag("bench: ipc growth to %u: of which zero-filling the new %zu-byte block "
                   "%llu insns; table append max without it %llu insns", BENCH_GROWTH, bytes,
                   (unsigned long long)zero,
                   (unsigned long long)(table.max > zero ? table.max - zero : 0));
    }
    for (uint32_t i = 0; i < BENCH_GROWTH; i++) {
        rdxtree_remove(&bench_tree, i);
    }
    kmem_free(bench_table.slots, bench_table.size * sizeof(*bench_table.slots));
    ipc_space_destroy(space);
    qsbr_drain();
}

static void
bench_ipc(void)
{
    bench_lookups();
    bench_pairs();
    bench_growth();
}

KTEST_DEFINE(ipc_bench, bench_ipc, KTEST_MANUAL);
