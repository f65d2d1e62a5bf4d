/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host benchmark of vm/vm_map.c against a linear list, at 100, 10,000
 * and 1,000,000 entries.
 *
 * The map: entries of 1 to 4 pages (random) separated by free gaps of one
 * page, except 64 holes of 2 to 65 pages (a random permutation) at random
 * places; the map ends one page after its last entry. Entries are entered
 * with VM_MAP_FIXED in a random order, from kmem over the host page
 * backend, as in the unit test.
 *
 * Operations, each over a precomputed array of arguments:
 *   lookup        vm_map_lookup() of an address inside an entry; the
 *                 entries are picked evenly over the map (stratified), so
 *                 that the list's mean walk is exactly half the map
 *   search        vm_map_find_free() of 2 to 65 pages (cycling): the first
 *                 hole large enough, at a depth set by the holes' order
 *   search 64K    vm_map_find_free() of 4 pages aligned to 64 KiB: holes
 *                 large enough but misaligned are passed over
 *   enter+remove  (tree only) vm_map_enter() of one page anywhere, then
 *                 vm_map_remove() of it
 * The baseline is what a map kept as a sorted linked list does (classic
 * Mach without its hint): walk the same entries' list links from the
 * first entry, inlined, until the address or a fitting gap.
 *
 * Output: ns per operation (best of 3 runs; the list/tree ratio is what
 * matters on a shared machine), then, unless --no-callgrind is given or
 * valgrind is missing, instructions per operation counted by callgrind,
 * loop included (about 5 instructions): the program runs itself once per
 * (size, operation, implementation) with instrumentation off until the
 * map is built. Plus the memory per entry.
 *
 *   bench_vm_map [--no-callgrind]
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <valgrind/callgrind.h>

#include <kern/kmem.h>
#include <kern/list.h>
#include <kern/macros.h>
#include <machine/param.h>
#include <vm/vm_map.h>

#include "tests/bench/bench_util.h"
#include "tests/unit/kmem_host.h"

#define BENCH_ARENA_PAGES       65536       /* 256 MiB for kmem */
#define BENCH_MAP_BASE          ((uintptr_t)1 << 32)
#define BENCH_NR_HOLES          64
#define BENCH_TREE_OPS          100000UL
#define BENCH_LIST_STEPS        10000000UL  /* list ops: about this many steps */
#define BENCH_RUNS              3

__thread unsigned int percpu_host_cpu;

void
panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    host_vpanic(fmt, ap);
}

static const unsigned long bench_sizes[] = { 100, 10000, 1000000 };

enum { BENCH_LOOKUP, BENCH_SEARCH, BENCH_SEARCH_ALIGNED, BENCH_ENTER_REMOVE, BENCH_NR_OPS };

static const char *const bench_op_names[BENCH_NR_OPS] = {
    "lookup", "search", "search 64K", "enter+remove",
};

enum { BENCH_TREE, BENCH_LIST, BENCH_NR_IMPLS };

static const char *const bench_impl_names[BENCH_NR_IMPLS] = { "tree", "list" };

static struct vm_map bench_map;
static uintptr_t *bench_starts;     /* entry starts, in address order */
static uintptr_t *bench_args;       /* per operation: an address or a size */
static unsigned long bench_nr_entries;

static uint64_t bench_rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
bench_rng(void)
{
    return host_xorshift64(&bench_rng_state);
}

static void *
bench_xmalloc(size_t size)
{
    void *p = malloc(size);

    if (p == NULL) {
        fprintf(stderr, "bench: out of memory\n");
        exit(1);
    }
    return p;
}

static void
bench_shuffle(unsigned long *a, unsigned long n)
{
    for (unsigned long i = n - 1; i > 0; i--) {
        unsigned long j = bench_rng() % (i + 1), t = a[i];

        a[i] = a[j];
        a[j] = t;
    }
}

/* Build the map of n entries described at the top. */
static void
bench_build(unsigned long n)
{
    unsigned long *gaps = bench_xmalloc(n * sizeof(*gaps));
    unsigned long *order = bench_xmalloc(n * sizeof(*order));
    unsigned long *sizes = bench_xmalloc(n * sizeof(*sizes));
    unsigned long hole_sizes[BENCH_NR_HOLES];
    uintptr_t addr = BENCH_MAP_BASE, end;

    for (unsigned long i = 0; i < n; i++) {
        gaps[i] = 1;
        order[i] = i;
        sizes[i] = 1 + bench_rng() % 4;
    }
    for (unsigned long i = 0; i < BENCH_NR_HOLES; i++) {
        hole_sizes[i] = 2 + i;
    }
    bench_shuffle(hole_sizes, BENCH_NR_HOLES);
    bench_shuffle(order, n);
    for (unsigned long i = 0, h = 0; h < BENCH_NR_HOLES; i++) {
        if (order[i] != n - 1) {                    /* not after the last entry */
            gaps[order[i]] = hole_sizes[h++];
        }
    }

    bench_starts = bench_xmalloc(n * sizeof(*bench_starts));
    for (unsigned long i = 0; i < n; i++) {
        bench_starts[i] = addr;
        addr += ((uintptr_t)sizes[i] + gaps[i]) * PAGE_SIZE;
    }
    end = bench_starts[n - 1] + (sizes[n - 1] + 1) * PAGE_SIZE;
    if (vm_map_init(&bench_map, BENCH_MAP_BASE, end) != 0) {
        fprintf(stderr, "bench: vm_map_init failed\n");
        exit(1);
    }
    vm_map_lock(&bench_map);
    bench_shuffle(order, n);
    for (unsigned long i = 0; i < n; i++) {
        unsigned long k = order[i];
        uintptr_t start = bench_starts[k];

        if (vm_map_enter(&bench_map, &start, sizes[k] * PAGE_SIZE, 0, VM_MAP_PROT_RW,
                         VM_MAP_FIXED) != 0) {
            fprintf(stderr, "bench: vm_map_enter failed\n");
            exit(1);
        }
    }
    vm_map_unlock(&bench_map);
    bench_nr_entries = n;
    free(gaps);
    free(order);
    free(sizes);
}

/* Operations per run for impl at the current size. */
static unsigned long
bench_nr_ops(unsigned int impl)
{
    unsigned long ops = BENCH_LIST_STEPS / bench_nr_entries;

    return (impl == BENCH_TREE) ? BENCH_TREE_OPS : MIN(MAX(ops, 20UL), BENCH_TREE_OPS);
}

/* Arguments of nr operations op: addresses (stratified) or sizes (cycling). */
static void
bench_args_make(unsigned int op, unsigned long nr)
{
    for (unsigned long i = 0; i < nr; i++) {
        unsigned long k;

        switch (op) {
        case BENCH_LOOKUP:
            k = (unsigned long)(((uint64_t)i * bench_nr_entries) / nr);
            k += bench_rng() % MAX(bench_nr_entries / nr, 1UL);
            bench_args[i] = bench_starts[MIN(k, bench_nr_entries - 1)] + PAGE_SIZE / 2;
            break;
        case BENCH_SEARCH:
            bench_args[i] = (2 + i % BENCH_NR_HOLES) * (uintptr_t)PAGE_SIZE;
            break;
        default:
            bench_args[i] = PAGE_SIZE;
            break;
        }
    }
}

/* The list baseline: walk the entries' list links from the first entry. */
static const struct vm_map_entry *
bench_list_lookup(const struct vm_map *map, uintptr_t addr)
{
    const struct list *head = &map->head.list_node;

    for (const struct list *node = head->next; node != head; node = node->next) {
        const struct vm_map_entry *entry = list_entry(node, struct vm_map_entry, list_node);

        if (addr < entry->end) {
            return (addr >= entry->start) ? entry : NULL;
        }
    }
    return NULL;
}

static uintptr_t
bench_list_find(const struct vm_map *map, uintptr_t size, uintptr_t align)
{
    const struct list *head = &map->head.list_node;
    uintptr_t free_start = map->start, addr;

    for (const struct list *node = head->next; node != head; node = node->next) {
        const struct vm_map_entry *entry = list_entry(node, struct vm_map_entry, list_node);

        addr = P2ROUND(free_start, align);
        if (addr >= free_start && addr <= entry->start && entry->start - addr >= size) {
            return addr;
        }
        free_start = entry->end;
    }
    addr = P2ROUND(free_start, align);
    return (addr >= free_start && addr <= map->end && map->end - addr >= size) ? addr : 0;
}

/* Run nr operations op of impl over bench_args, the map locked around them all. */
static void
bench_run(unsigned int op, unsigned int impl, unsigned long nr)
{
    uintptr_t addr = 0;

    vm_map_lock(&bench_map);
    for (unsigned long i = 0; i < nr; i++) {
        uintptr_t arg = bench_args[i];

        switch (op * BENCH_NR_IMPLS + impl) {
        case BENCH_LOOKUP * BENCH_NR_IMPLS + BENCH_TREE:
            bench_use(vm_map_lookup(&bench_map, arg));
            break;
        case BENCH_LOOKUP * BENCH_NR_IMPLS + BENCH_LIST:
            bench_use(bench_list_lookup(&bench_map, arg));
            break;
        case BENCH_SEARCH * BENCH_NR_IMPLS + BENCH_TREE:
            vm_map_find_free(&bench_map, arg, 0, &addr);
            bench_use(addr);
            break;
        case BENCH_SEARCH * BENCH_NR_IMPLS + BENCH_LIST:
            bench_use(bench_list_find(&bench_map, arg, PAGE_SIZE));
            break;
        case BENCH_SEARCH_ALIGNED * BENCH_NR_IMPLS + BENCH_TREE:
            vm_map_find_free(&bench_map, 4 * arg, 16 * arg, &addr);
            bench_use(addr);
            break;
        case BENCH_SEARCH_ALIGNED * BENCH_NR_IMPLS + BENCH_LIST:
            bench_use(bench_list_find(&bench_map, 4 * arg, 16 * arg));
            break;
        case BENCH_ENTER_REMOVE * BENCH_NR_IMPLS + BENCH_TREE:
            vm_map_enter(&bench_map, &addr, arg, 0, VM_MAP_PROT_RW, VM_MAP_ANYWHERE);
            vm_map_remove(&bench_map, addr, addr + arg);
            break;
        default:
            break;
        }
    }
    vm_map_unlock(&bench_map);
}

/* Whether the tree and the list agree on every argument of op. */
static bool
bench_agree(unsigned int op, unsigned long nr)
{
    uintptr_t addr, align = (op == BENCH_SEARCH) ? PAGE_SIZE : 16 * PAGE_SIZE;

    for (unsigned long i = 0; i < nr; i++) {
        uintptr_t arg = bench_args[i], size = (op == BENCH_SEARCH) ? arg : 4 * arg;

        if (op == BENCH_LOOKUP) {
            if (vm_map_lookup(&bench_map, arg) != bench_list_lookup(&bench_map, arg)) {
                return false;
            }
        } else if (vm_map_find_free(&bench_map, size, align, &addr) != 0
                   || addr != bench_list_find(&bench_map, size, align)) {
            return false;
        }
    }
    return true;
}

/* Child side of --count: build, then count one run under callgrind. */
static int
bench_count(unsigned long n, unsigned int op, unsigned int impl)
{
    unsigned long nr = bench_nr_ops(impl);

    bench_build(n);
    bench_args = bench_xmalloc(nr * sizeof(*bench_args));
    bench_args_make(op, nr);
    bench_run(op, impl, MIN(nr, 100UL));        /* warm up */
    CALLGRIND_START_INSTRUMENTATION;
    CALLGRIND_TOGGLE_COLLECT;
    bench_run(op, impl, nr);
    CALLGRIND_TOGGLE_COLLECT;
    CALLGRIND_STOP_INSTRUMENTATION;
    return 0;
}

/* Instructions per operation from a callgrind run of this program, or -1. */
static double
bench_callgrind(unsigned long n, unsigned int op, unsigned int impl)
{
    char args[64];
    double ir;

    snprintf(args, sizeof(args), "%lu %u %u", n, op, impl);
    ir = bench_callgrind_run("vm_map", "--instr-atstart=no --collect-atstart=no", args);
    return (ir < 0) ? -1 : ir / bench_nr_ops(impl);
}

int
main(int argc, char **argv)
{
    double ns[ARRAY_SIZE(bench_sizes)][BENCH_NR_OPS][BENCH_NR_IMPLS];
    bool callgrind = true, agree = true;
    struct vm_map_stats stats;

    kmem_host_setup(BENCH_ARENA_PAGES);
    kmem_setup();
    if (argc == 5 && strcmp(argv[1], "--count") == 0) {
        bench_nr_entries = strtoul(argv[2], NULL, 10);
        return bench_count(bench_nr_entries, (unsigned int)atoi(argv[3]),
                           (unsigned int)atoi(argv[4]));
    }
    if (argc == 2 && strcmp(argv[1], "--no-callgrind") == 0) {
        callgrind = false;
    } else if (argc != 1) {
        fprintf(stderr, "usage: %s [--no-callgrind]\n", argv[0]);
        return 2;
    }

    printf("bench: vm_map on the host (x86-64): red-black tree with largest-gap\n"
           "bench: augmentation vs a sorted linked list walk; ns per operation, best of %d\n",
           BENCH_RUNS);
    for (unsigned int s = 0; s < ARRAY_SIZE(bench_sizes); s++) {
        unsigned long pages_before = kmem_host_pages_used();

        bench_build(bench_sizes[s]);
        printf("bench: %lu entries: %zu bytes per entry, %.1f bytes per entry in kmem slabs\n",
               bench_sizes[s], sizeof(struct vm_map_entry),
               (double)(kmem_host_pages_used() - pages_before) * PAGE_SIZE / bench_sizes[s]);
        for (unsigned int op = 0; op < BENCH_NR_OPS; op++) {
            for (unsigned int impl = 0; impl < BENCH_NR_IMPLS; impl++) {
                unsigned long nr = bench_nr_ops(impl);

                ns[s][op][impl] = -1;
                if (op == BENCH_ENTER_REMOVE && impl == BENCH_LIST) {
                    continue;
                }
                bench_args = bench_xmalloc(nr * sizeof(*bench_args));
                bench_args_make(op, nr);
                if (impl == BENCH_LIST && op != BENCH_ENTER_REMOVE) {
                    agree = agree && bench_agree(op, nr);
                }
                bench_run(op, impl, MIN(nr, 100UL));
                for (unsigned int run = 0; run < BENCH_RUNS; run++) {
                    double start = bench_now(), t;

                    bench_run(op, impl, nr);
                    t = (bench_now() - start) / nr;
                    ns[s][op][impl] = (run == 0) ? t : MIN(ns[s][op][impl], t);
                }
                free(bench_args);
            }
        }
        vm_map_lock(&bench_map);
        vm_map_stats_get(&bench_map, &stats);
        vm_map_remove(&bench_map, stats.start, stats.end);
        vm_map_unlock(&bench_map);
        free(bench_starts);
        kmem_purge();
    }
    printf("bench: tree and list give the same answers: %s\n", agree ? "yes" : "NO");

    printf("bench: %-14s %12s %12s %12s %12s %12s %12s\n", "ns per op",
           "tree 100", "list 100", "tree 10k", "list 10k", "tree 1M", "list 1M");
    for (unsigned int op = 0; op < BENCH_NR_OPS; op++) {
        printf("bench: %-14s", bench_op_names[op]);
        for (unsigned int s = 0; s < ARRAY_SIZE(bench_sizes); s++) {
            for (unsigned int impl = 0; impl < BENCH_NR_IMPLS; impl++) {
                char cell[24] = "-";

                if (ns[s][op][impl] >= 0) {
                    snprintf(cell, sizeof(cell), "%.1f", ns[s][op][impl]);
                }
                printf(" %12s", cell);
            }
        }
        printf("\n");
    }

    if (!callgrind || system("valgrind --version >/dev/null 2>&1") != 0) {
        printf("bench: callgrind skipped\n");
        return agree ? 0 : 1;
    }
    printf("bench: %-14s %12s %12s %12s %12s %12s %12s\n", "instructions",
           "tree 100", "list 100", "tree 10k", "list 10k", "tree 1M", "list 1M");
    for (unsigned int op = 0; op < BENCH_NR_OPS; op++) {
        printf("bench: %-14s", bench_op_names[op]);
        fflush(stdout);
        for (unsigned int s = 0; s < ARRAY_SIZE(bench_sizes); s++) {
            for (unsigned int impl = 0; impl < BENCH_NR_IMPLS; impl++) {
                char cell[24] = "-";
                double ir = -1;

                if (!(op == BENCH_ENTER_REMOVE && impl == BENCH_LIST)) {
                    bench_nr_entries = bench_sizes[s];
                    ir = bench_callgrind(bench_sizes[s], op, impl);
                }
                if (ir >= 0) {
                    snprintf(cell, sizeof(cell), "%.0f", ir);
                }
                printf(" %12s", cell);
                fflush(stdout);
            }
        }
        printf("\n");
    }
    return agree ? 0 : 1;
}
