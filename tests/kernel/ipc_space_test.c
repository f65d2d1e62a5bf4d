/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * In-kernel tests of IPC spaces (ipc/) on the real kmem and vm_page.
 *
 *   test=ipc_space   1,000,000 names in one space (every 64th a receive
 *                    right, the rest dead names), each looked up, then
 *                    destroyed in a random order, after which the tree
 *                    is empty and vm_page has every page back. With
 *                    less memory than that needs, the count is scaled
 *                    down to what fits and the test says so. Then every
 *                    CPU at once: CPU 0 allocates and destroys names
 *                    (holes, and far names that add tree levels) while
 *                    the other CPUs look names up, locked through
 *                    ipc_right_type() and lockless through
 *                    ipc_entry_lookup() for names that never change.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/cpu.h>
#include <i386/param.h>
#include <i386/smp.h>
#include <include/mach/kern_return.h>
#include <include/mach/port.h>
#include <ipc/ipc_entry.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <ipc/ipc_space.h>
#include <kern/kmem.h>
#include <kern/ktest.h>
#include <kern/macros.h>
#include <kern/percpu.h>
#include <kern/printf.h>
#include <kern/qsbr.h>
#include <kern/rdxtree.h>
#include <kern/string.h>
#include <vm/vm_page.h>

#define IPC_TEST_NAMES          1000000
#define IPC_TEST_NAME_BYTES     48      /* entry, tree share, slack: per name */
#define IPC_TEST_RECEIVE_EVERY  64

static void
ipc_test_purge_fn(void *arg)
{
    (void)arg;
    kmem_purge();
}

/* Free pages once deferred frees and every CPU's kmem caches are flushed. */
static unsigned long
ipc_test_free_pages(void)
{
    struct vm_page_seg_stats stats;
    unsigned long nr = 0;

    qsbr_drain();
    smp_call_all(ipc_test_purge_fn, NULL);
    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        if (vm_page_seg_stats_get(i, &stats) == 0) {
            nr += stats.nr_free;
        }
    }
    return nr;
}

/* Free pages kmem can use: DMA and DIRECTMAP. */
static unsigned long
ipc_test_free_directmap(void)
{
    static const unsigned int segs[] = { VM_PAGE_SEG_DMA, VM_PAGE_SEG_DIRECTMAP };
    struct vm_page_seg_stats stats;
    unsigned long nr = 0;

    for (unsigned int i = 0; i < ARRAY_SIZE(segs); i++) {
        if (vm_page_seg_stats_get(segs[i], &stats) == 0) {
            nr += stats.nr_free;
        }
    }
    return nr;
}

static void
ipc_test_print(const char *line)
{
    ktest_diag("%s", line);
}

/*
 * A bijection of [0, n): a keyed permutation of [0, 2^bits) (multiply by
 * an odd number, add, xor-shift right: each step is one-to-one), walked
 * until it lands below n. 2^bits < 2n, so a walk takes two steps on
 * average. Gives a random order without an array of n entries.
 */
static uint32_t
ipc_test_permute(uint32_t x, uint32_t n, unsigned int bits)
{
    uint32_t mask = (bits >= 32) ? ~0U : (1U << bits) - 1;

    do {
        for (unsigned int round = 0; round < 3; round++) {
            x = (x * 0x9e3779b1U + 0x7f4a7c15U + round) & mask;
            x ^= x >> (bits / 2 + 1);
        }
    } while (x >= n);
    return x;
}

static mach_port_right_t
ipc_test_right_of(mach_port_name_t name)
{
    return (name % IPC_TEST_RECEIVE_EVERY == 0) ? MACH_PORT_RIGHT_RECEIVE
                                                : MACH_PORT_RIGHT_DEAD_NAME;
}

static mach_port_type_t
ipc_test_type_of(mach_port_name_t name)
{
    return MACH_PORT_TYPE(ipc_test_right_of(name));
}

static void
ipc_test_big(void)
{
    unsigned long baseline = ipc_test_free_pages(), bad = 0, now;
    unsigned long budget = ipc_test_free_directmap() / 2 * (PAGE_SIZE / IPC_TEST_NAME_BYTES);
    uint32_t n = MIN(IPC_TEST_NAMES, budget);
    unsigned int bits = 1;
    struct ipc_space *space;
    mach_port_name_t name;

    if (n < IPC_TEST_NAMES) {
        ktest_diag("ipc_space: %lu free pages fit %u names of the %u asked for: "
                   "scaled down", ipc_test_free_directmap(), n, IPC_TEST_NAMES);
    }
    KTEST_ASSERT(ipc_space_create(&space) == KERN_SUCCESS);
    for (uint32_t i = 1; i <= n; i++) {
        if (ipc_right_alloc(space, ipc_test_right_of(i), &name) != KERN_SUCCESS
            || name != i) {
            bad++;
        }
    }
    ktest_assert_msg(bad == 0, "%lu of %u allocations failed or out of order", bad, n);
    ipc_info(ipc_test_print);
    for (uint32_t i = 1; i <= n; i++) {
        mach_port_type_t type;

        if (ipc_right_type(space, i, &type) != KERN_SUCCESS || type != ipc_test_type_of(i)) {
            bad++;
        }
    }
    ktest_assert_msg(bad == 0, "%lu of %u lookups wrong", bad, n);
    while ((1U << bits) < n) {
        bits++;
    }
    for (uint32_t i = 0; i < n; i++) {
        name = ipc_test_permute(i, n, bits) + 1;
        if (ipc_right_destroy(space, name) != KERN_SUCCESS) {
            bad++;
        }
    }
    ktest_assert_msg(bad == 0, "%lu of %u destroys failed", bad, n);
    KTEST_ASSERT(rdxtree_nr_values(&space->names) == 0 && rdxtree_nr_nodes(&space->names) == 0);
    ipc_space_destroy(space);
    now = ipc_test_free_pages();
    ktest_diag("ipc_space: %u names allocated, looked up and destroyed in random order; "
               "%lu free pages before, %lu after", n, baseline, now);
    ktest_assert_msg(now == baseline, "%lu free pages at the end, %lu at the start", now,
                     baseline);
}

/* ---------------------------------------------------------------- concurrency */

#define IPC_TEST_STABLE         512     /* names 1..512 never change */
#define IPC_TEST_WRITES         20000
#define IPC_TEST_VOLATILE       1024
#define IPC_TEST_LOCKED         256     /* locked lookups on CPU 1 */

static volatile bool ipc_test_done;
static unsigned long ipc_test_lookups[CONFIG_NCPUS];
static unsigned long ipc_test_locked[CONFIG_NCPUS];
static unsigned long ipc_test_bad[CONFIG_NCPUS];
static mach_port_name_t ipc_test_volatile[IPC_TEST_VOLATILE];

static uint32_t
ipc_test_rand(uint32_t *seed)
{
    *seed = *seed * 1103515245 + 12345;
    return *seed >> 4;
}

static void
ipc_test_writer(struct ipc_space *space)
{
    unsigned int nr = 0;
    uint32_t seed = 99;
    mach_port_name_t name;

    for (unsigned int op = 0; op < IPC_TEST_WRITES; op++) {
        uint32_t x = ipc_test_rand(&seed);

        if (x % 16 == 0) {
            /* A far name adds tree levels; destroying it lowers the tree. */
            name = (1U << (12 + (x >> 4) % 19)) + IPC_TEST_STABLE;
            if (ipc_right_alloc_name(space, MACH_PORT_RIGHT_PORT_SET, name) == KERN_SUCCESS
                && ipc_right_destroy(space, name) != KERN_SUCCESS) {
                ipc_test_bad[0]++;
            }
        } else if (nr < IPC_TEST_VOLATILE && (nr == 0 || x % 2 == 0)) {
            if (ipc_right_alloc(space, ipc_test_right_of(x), &name) != KERN_SUCCESS
                || name <= IPC_TEST_STABLE) {
                ipc_test_bad[0]++;
            } else {
                ipc_test_volatile[nr++] = name;
            }
        } else {
            unsigned int i = (x >> 4) % nr;

            if (ipc_right_destroy(space, ipc_test_volatile[i]) != KERN_SUCCESS) {
                ipc_test_bad[0]++;
            }
            ipc_test_volatile[i] = ipc_test_volatile[--nr];
        }
    }
    while (nr > 0) {
        ipc_right_destroy(space, ipc_test_volatile[--nr]);
    }
}

static void
ipc_test_reader(struct ipc_space *space, unsigned int cpu)
{
    uint32_t seed = cpu * 7919;

    while (!__atomic_load_n(&ipc_test_done, __ATOMIC_ACQUIRE)) {
        uint32_t x = ipc_test_rand(&seed);
        mach_port_name_t name = x % IPC_TEST_STABLE + 1;
        struct ipc_entry *entry = ipc_entry_lookup(space, name);

        if (entry == NULL || entry->name != name || entry->type != ipc_test_type_of(name)) {
            ipc_test_bad[cpu]++;
        }
        /*
         * Through the space lock: on CPU 1 only, and at most
         * IPC_TEST_LOCKED times. Under TCG, with more vCPUs than host
         * cores, each ticket-lock hand-off to a descheduled vCPU costs
         * a host time slice: frequent locking from every CPU stalls the
         * writer for minutes at -smp 8.
         */
        if (cpu == 1 && x % 1024 == 0 && ipc_test_locked[cpu] < IPC_TEST_LOCKED) {
            mach_port_type_t type;
            kern_return_t kr;

            name = (x >> 8) % (2 * IPC_TEST_VOLATILE) + 1;
            kr = ipc_right_type(space, name, &type);
            if ((kr != KERN_SUCCESS && kr != KERN_INVALID_NAME)
                || (kr == KERN_INVALID_NAME && name <= IPC_TEST_STABLE)
                || (kr == KERN_SUCCESS && type != MACH_PORT_TYPE_RECEIVE
                    && type != MACH_PORT_TYPE_DEAD_NAME)) {
                ipc_test_bad[cpu]++;
            }
            ipc_test_locked[cpu]++;
        }
        ipc_test_lookups[cpu]++;
        qsbr_quiescent();
    }
}

static void
ipc_test_smp_fn(void *arg)
{
    unsigned int cpu = cpu_id();

    if (cpu == 0) {
        ipc_test_writer(arg);
        __atomic_store_n(&ipc_test_done, true, __ATOMIC_RELEASE);
    } else {
        ipc_test_reader(arg, cpu);
    }
}

static void
ipc_test_concurrent(void)
{
    unsigned long baseline = ipc_test_free_pages(), lookups = 0, locked = 0, bad = 0, now;
    struct ipc_space *space;
    mach_port_name_t name;

    KTEST_ASSERT(ipc_space_create(&space) == KERN_SUCCESS);
    for (mach_port_name_t i = 1; i <= IPC_TEST_STABLE; i++) {
        KTEST_ASSERT(ipc_right_alloc(space, ipc_test_right_of(i), &name) == KERN_SUCCESS);
    }
    ipc_test_done = false;
    for (unsigned int cpu = 0; cpu < CONFIG_NCPUS; cpu++) {
        ipc_test_lookups[cpu] = 0;
        ipc_test_locked[cpu] = 0;
        ipc_test_bad[cpu] = 0;
    }
    smp_call_all(ipc_test_smp_fn, space);
    for (unsigned int cpu = 0; cpu < CONFIG_NCPUS; cpu++) {
        lookups += ipc_test_lookups[cpu];
        locked += ipc_test_locked[cpu];
        bad += ipc_test_bad[cpu];
    }
    ktest_diag("ipc_space: %u writes on CPU 0 while %u other CPUs made %lu lookups "
               "(%lu locked)", IPC_TEST_WRITES, smp_nr_cpus() - 1, lookups, locked);
    ktest_assert_msg(bad == 0, "%lu wrong results", bad);
    KTEST_ASSERT(rdxtree_nr_values(&space->names) == IPC_TEST_STABLE);
    ipc_space_destroy(space);
    now = ipc_test_free_pages();
    ktest_assert_msg(now == baseline, "%lu free pages at the end, %lu at the start", now,
                     baseline);
}

/* ipc_space_report's lines, kept for the checks of ipc_test_report(). */
static char ipc_test_lines[4][128];
static unsigned int ipc_test_nr_lines;

static void
ipc_test_report_line(const char *line)
{
    if (ipc_test_nr_lines < ARRAY_SIZE(ipc_test_lines)) {
        snprintf(ipc_test_lines[ipc_test_nr_lines], sizeof(ipc_test_lines[0]), "%s", line);
    }
    ipc_test_nr_lines++;
    ktest_diag("%s", line);
}

/* The shell's `ipc_info TASK` report: a heading, one line per name, a total. */
static void
ipc_test_report(void)
{
    struct ipc_space *space;
    mach_port_name_t r, s, d;

    ipc_test_nr_lines = 0;              /* test=all runs twice on some lines */
    KTEST_ASSERT(ipc_space_create(&space) == KERN_SUCCESS);
    KTEST_ASSERT(ipc_right_alloc(space, MACH_PORT_RIGHT_RECEIVE, &r) == KERN_SUCCESS
                 && ipc_right_alloc(space, MACH_PORT_RIGHT_PORT_SET, &s) == KERN_SUCCESS
                 && ipc_right_alloc(space, MACH_PORT_RIGHT_DEAD_NAME, &d) == KERN_SUCCESS);
    ipc_space_report(space, ipc_test_report_line);
    ktest_assert_msg(ipc_test_nr_lines == 5, "%u lines", ipc_test_nr_lines);
    KTEST_ASSERT(strncmp(ipc_test_lines[1] + 12, "R----", 5) == 0
                 && strncmp(ipc_test_lines[1] + 26, "port ", 5) == 0);
    KTEST_ASSERT(strncmp(ipc_test_lines[2] + 12, "---P-", 5) == 0);
    KTEST_ASSERT(strncmp(ipc_test_lines[3] + 12, "----D", 5) == 0);
    ipc_space_destroy(space);
}

static void
ipc_test_fn(void)
{
    ipc_test_report();
    ipc_test_big();
    ipc_test_concurrent();
}

KTEST_DEFINE(ipc_space, ipc_test_fn, 0);
