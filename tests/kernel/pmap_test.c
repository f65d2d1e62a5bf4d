/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pmap, vm_kmem and HIGHMEM tests.
 *  test=pmap             map, protect, unmap and extract in the kernel
 *                        virtual area; writes to read-only pages (and to
 *                        the kernel text) and reads of unmapped pages are
 *                        caught as faults, not fatal
 *  test=tlb_shootdown    every CPU caches a mapping, the mapping moves to
 *                        another page, every CPU must see the new page
 *  test=vm_page_fill_all every free page of every segment, HIGHMEM
 *                        included, written through the per-CPU windows
 *                        (one word per page) and verified
 *  test=vm_kmem          the kernel virtual area allocated in random
 *                        sizes until it or memory runs out, every page
 *                        touched, everything freed in random order, and
 *                        nothing leaked
 *  test=pmap_user        an address space: enter, access from the kernel
 *                        through it, protect, remove, extract, tables
 *                        freed when empty and at destroy, bad arguments,
 *                        exhaustion (an error, the pmap unchanged)
 *  test=pmap_user_smp    shootdowns of a pmap loaded on the other CPUs
 *                        reach them, and only them
 *  test=pmap_thread       threads with their own pmaps at the same user
 *                        address each see their own page across yields,
 *                        sleeps and migrations: the switch loads them
 *  test=nx               with NX, kernel data, stacks, the kernel virtual
 *                        area, windows and user pages without execute
 *                        permission fault on an instruction fetch, and the
 *                        same pages run with it; without NX they run
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/pmap.h>
#include <i386/probe.h>
#include <i386/smp.h>
#include <kern/error.h>
#include <kern/kmem.h>
#include <kern/ktest.h>
#include <kern/list.h>
#include <kern/percpu.h>
#include <kern/spinlock.h>
#include <kern/thread.h>
#include <vm/vm_kmem.h>
#include <vm/vm_map.h>
#include <vm/vm_page.h>

#define PMAP_TEST_VA            (PMAP_KVA_END - 16 * PAGE_SIZE)

extern char _etext[];

static uint32_t
pmap_test_rand(uint32_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 17;
    *state ^= *state << 5;
    return *state;
}

static void
pmap_test_purge(void *arg)
{
    (void)arg;
    kmem_purge();
}

/* Free pages once every CPU gave its cached kmem memory back. */
static unsigned long
pmap_test_free_pages(void)
{
    struct vm_page_seg_stats stats;
    unsigned long nr = 0;

    smp_call_all(pmap_test_purge, NULL);
    for (unsigned int seg = 0; seg < VM_PAGE_NR_SEGS; seg++) {
        if (vm_page_seg_stats_get(seg, &stats) == 0) {
            nr += stats.nr_free;
        }
    }
    return nr;
}

static void
pmap_test_fn(void)
{
    struct vm_page *page = vm_page_alloc(0, VM_PAGE_SEL_HIGHMEM, VM_PAGE_KERNEL);
    volatile uint32_t *p = (volatile uint32_t *)PMAP_TEST_VA;
    extern char _kernel_start[];
    phys_addr_t pa = 0;
    uint32_t v = 0;

    KTEST_ASSERT(page != NULL);
    if (page == NULL) {
        return;
    }
    KTEST_ASSERT(!pmap_kextract(PMAP_TEST_VA, &pa));
    KTEST_ASSERT(probe_read32(p, &v) == ERROR_FAULT);

    pmap_kenter(PMAP_TEST_VA, vm_page_to_pa(page), PMAP_PROT_READ | PMAP_PROT_WRITE);
    KTEST_ASSERT(pmap_kextract(PMAP_TEST_VA + 12, &pa) && pa == vm_page_to_pa(page) + 12);
    KTEST_ASSERT(probe_write32(p, 0x12345678) == 0);
    KTEST_ASSERT(probe_read32(p, &v) == 0 && v == 0x12345678);

    pmap_kprotect(PMAP_TEST_VA, PAGE_SIZE, PMAP_PROT_READ);
    ktest_assert_msg(probe_write32(p, 1) == ERROR_FAULT, "write to a read-only page did not fault");
    ktest_diag("pmap: write to read-only 0x%08x caught as a page fault",
               (unsigned int)PMAP_TEST_VA);
    KTEST_ASSERT(probe_read32(p, &v) == 0 && v == 0x12345678);

    pmap_kremove(PMAP_TEST_VA, PAGE_SIZE);
    KTEST_ASSERT(!pmap_kextract(PMAP_TEST_VA, &pa));
    ktest_assert_msg(probe_read32(p, &v) == ERROR_FAULT, "read of an unmapped page did not fault");
    vm_page_free(page, 0);

    /* The kernel text is read-only; the direct map translates linearly. */
    ktest_assert_msg(probe_write32(_kernel_start, 0) == ERROR_FAULT,
                     "write to the kernel text did not fault");
    KTEST_ASSERT(pmap_kextract((uintptr_t)_kernel_start, &pa) && pa == 0x100000);
}

/* ---------------------------------------------------------------- shootdown */

static uint32_t pmap_test_seen[CONFIG_NCPUS];

static void
pmap_test_read_va(void *arg)
{
    (void)arg;
    pmap_test_seen[cpu_id()] = *(volatile uint32_t *)PMAP_TEST_VA;
}

static void
tlb_shootdown_test_fn(void)
{
    struct vm_page *a = vm_page_alloc(0, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KERNEL);
    struct vm_page *b = vm_page_alloc(0, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KERNEL);
    unsigned int n = smp_nr_cpus();

    KTEST_ASSERT(a != NULL && b != NULL);
    if (a == NULL || b == NULL) {
        return;
    }
    *(uint32_t *)vm_page_direct_va(a) = 0xaaaa;
    *(uint32_t *)vm_page_direct_va(b) = 0xbbbb;
    pmap_kenter(PMAP_TEST_VA, vm_page_to_pa(a), PMAP_PROT_READ);
    smp_call_all(pmap_test_read_va, NULL);          /* every TLB caches A */
    pmap_kenter(PMAP_TEST_VA, vm_page_to_pa(b), PMAP_PROT_READ);
    smp_call_all(pmap_test_read_va, NULL);
    for (unsigned int cpu = 0; cpu < n; cpu++) {
        ktest_assert_msg(pmap_test_seen[cpu] == 0xbbbb,
                         "CPU %u still sees 0x%x through a stale TLB entry",
                         cpu, pmap_test_seen[cpu]);
    }
    ktest_diag("%u CPUs saw the remapped page", n);
    pmap_kremove(PMAP_TEST_VA, PAGE_SIZE);
    vm_page_free(a, 0);
    vm_page_free(b, 0);
}

/* ---------------------------------------------------------------- fill_all */

#define PMAP_TEST_MAGIC         0x9e3779b9u

static uint32_t
pmap_test_word(phys_addr_t pa)
{
    return (uint32_t)(pa >> PAGE_SHIFT) * PMAP_TEST_MAGIC + (uint32_t)(pa >> 32);
}

static void
vm_page_fill_all_fn(void)
{
    unsigned long start_free = pmap_test_free_pages(), nr = 0, high = 0, bad = 0;
    struct list pages;
    struct vm_page *page;

    list_init(&pages);
    while ((page = vm_page_alloc(0, VM_PAGE_SEL_HIGHMEM, VM_PAGE_KERNEL)) != NULL) {
        phys_addr_t pa = vm_page_to_pa(page);
        uint32_t *w = pmap_window_map(pa);

        *w = pmap_test_word(pa);
        pmap_window_unmap(w);
        list_insert_tail(&pages, &page->node);
        nr++;
        high += !phys_in_directmap(pa, PAGE_SIZE);
    }
    while (!list_empty(&pages)) {
        page = list_entry(list_first(&pages), struct vm_page, node);
        list_remove(&page->node);

        phys_addr_t pa = vm_page_to_pa(page);
        uint32_t *w = pmap_window_map(pa);

        bad += *w != pmap_test_word(pa);
        pmap_window_unmap(w);
        vm_page_free(page, 0);
    }
    ktest_diag("vm_page_fill_all: %lu pages (%lu MiB) written and verified, "
               "%lu of them (%lu MiB) outside the direct map", nr, nr >> 8, high, high >> 8);
    ktest_assert_msg(bad == 0, "%lu pages lost their word", bad);
    ktest_assert_msg(nr * 100 >= start_free * 99, "filled %lu of %lu free pages",
                     nr, start_free);
    KTEST_ASSERT(pmap_test_free_pages() == start_free);
}

/* ---------------------------------------------------------------- vm_kmem */

#define VM_KMEM_TEST_MAX        4096        /* allocations tracked */

static struct {
    uintptr_t addr;
    size_t size;
} vm_kmem_test_allocs[VM_KMEM_TEST_MAX];

static void
vm_kmem_test_fn(void)
{
    unsigned long free_before = pmap_test_free_pages();
    struct vm_map_stats before, after;
    unsigned int n = 0, bad = 0;
    uint32_t seed = 0x6b6d656d;
    size_t total = 0;

    vm_map_stats_get(vm_kmem_map(), &before);
    size_t size = 0;

    while (n < VM_KMEM_TEST_MAX) {
        if (size == 0) {
            size = (1 + pmap_test_rand(&seed) % 64) * PAGE_SIZE;
        }
        uint32_t *p = vm_kmem_alloc(size);

        if (p == NULL) {
            /* Too large for what is left: halve it, down to one page. */
            if (size == PAGE_SIZE) {
                break;
            }
            size = ((size >> PAGE_SHIFT) / 2) << PAGE_SHIFT;
            continue;
        }
        for (size_t off = 0; off < size; off += PAGE_SIZE) {
            bad += p[off / 4] != 0;             /* zero-filled */
            p[off / 4] = (uint32_t)(uintptr_t)p + (uint32_t)off;
        }
        vm_kmem_test_allocs[n].addr = (uintptr_t)p;
        vm_kmem_test_allocs[n].size = size;
        total += size;
        n++;
        size = 0;
    }
    ktest_diag("vm_kmem: %u allocations, %zu MiB of %u MiB of kernel virtual "
               "space, %lu MiB of memory free before", n, total >> 20,
               (unsigned int)((PMAP_KVA_END - PMAP_KVA_START) >> 20), free_before >> 8);
    /* It stopped because space or memory ran out, not because of the table. */
    ktest_assert_msg(n < VM_KMEM_TEST_MAX, "allocation table full");
    ktest_assert_msg(total + 64 * PAGE_SIZE >= PMAP_KVA_END - PMAP_KVA_START - before.mapped
                     || (total >> PAGE_SHIFT) + 64 >= free_before,
                     "stopped at %zu bytes with space and memory left", total);

    /* Free in random order, checking each page's word. */
    for (unsigned int left = n; left > 0; left--) {
        unsigned int i = pmap_test_rand(&seed) % left;
        uint32_t *p = (uint32_t *)vm_kmem_test_allocs[i].addr;
        size_t size = vm_kmem_test_allocs[i].size;

        for (size_t off = 0; off < size; off += PAGE_SIZE) {
            bad += p[off / 4] != (uint32_t)(uintptr_t)p + (uint32_t)off;
        }
        vm_kmem_free(p, size);
        vm_kmem_test_allocs[i] = vm_kmem_test_allocs[left - 1];
    }
    ktest_assert_msg(bad == 0, "%u pages not zero-filled or changed", bad);
    vm_map_stats_get(vm_kmem_map(), &after);
    ktest_assert_msg(after.nr_entries == before.nr_entries && after.mapped == before.mapped,
                     "kernel map: %lu entries, %lu bytes; %lu, %lu before",
                     (unsigned long)after.nr_entries, (unsigned long)after.mapped,
                     (unsigned long)before.nr_entries, (unsigned long)before.mapped);
    ktest_assert_msg(pmap_test_free_pages() == free_before, "%lu free pages, %lu before",
                     pmap_test_free_pages(), free_before);
}

/* ---------------------------------------------------------------- pmap_user */

#define PMAP_USER_VA0           0x00400000u     /* first page table */
#define PMAP_USER_VA1           0x40000000u     /* second directory with PAE */
#define PMAP_USER_VA2           0xBFFFF000u     /* the last user page */
#define PMAP_USER_BULK          0x10000000u     /* many pages, several tables */
#define PMAP_USER_BULK_PAGES    3000

/* Write value to physical page pa's first word through a window, and back. */
static uint32_t
pmap_test_phys_word(phys_addr_t pa, bool write, uint32_t value)
{
    volatile uint32_t *w = pmap_window_map(pa);

    if (write) {
        *w = value;
    }
    value = *w;
    pmap_window_unmap((void *)w);
    return value;
}

static void
pmap_user_test_exhaust(struct pmap *pmap, phys_addr_t pa)
{
    unsigned long nr_tables = pmap_nr_tables(pmap), hoarded = 0;
    struct vm_page *page;
    struct pmap *other;
    struct list hoard;
    phys_addr_t x;
    int error;

    list_init(&hoard);
    while ((page = vm_page_alloc(0, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KERNEL)) != NULL) {
        list_insert_tail(&hoard, &page->node);
        hoarded++;
    }
    error = pmap_enter(pmap, PMAP_USER_VA1 + 0x800000, pa, PMAP_PROT_READ);
    ktest_assert_msg(error == ERROR_NOMEM, "enter without memory for a table: %d", error);
    KTEST_ASSERT(!pmap_extract(pmap, PMAP_USER_VA1 + 0x800000, &x));
    KTEST_ASSERT(pmap_nr_tables(pmap) == nr_tables);
    /* An existing table needs no memory. */
    KTEST_ASSERT(pmap_enter(pmap, PMAP_USER_VA0 + PAGE_SIZE, pa, PMAP_PROT_READ) == 0);
    KTEST_ASSERT(pmap_remove(pmap, PMAP_USER_VA0 + PAGE_SIZE, PMAP_USER_VA0 + 2 * PAGE_SIZE) == 0);
    other = pmap_create();
    if (other != NULL) {
        pmap_destroy(other);        /* kmem found a page: still a valid test */
    }
    while (!list_empty(&hoard)) {
        page = list_entry(list_first(&hoard), struct vm_page, node);
        list_remove(&page->node);
        vm_page_free(page, 0);
    }
    ktest_diag("pmap_user: with %lu pages hoarded, enter returned \"%s\", create %s",
               hoarded, error_str(error), other == NULL ? "NULL" : "succeeded");
}

static void
pmap_user_test_fn(void)
{
    unsigned long free_before = pmap_test_free_pages();
    struct vm_page *pages[3];
    const uintptr_t vas[3] = { PMAP_USER_VA0, PMAP_USER_VA1, PMAP_USER_VA2 };
    unsigned int empty_tables, bad = 0;
    struct pmap *pmap = pmap_create();
    phys_addr_t pa;
    uint32_t v = 0;

    KTEST_ASSERT(pmap != NULL);
    if (pmap == NULL) {
        return;
    }
    empty_tables = pmap_nr_tables(pmap);
    for (unsigned int i = 0; i < 3; i++) {
        pages[i] = vm_page_alloc(0, VM_PAGE_SEL_HIGHMEM, VM_PAGE_KERNEL);
        KTEST_ASSERT(pages[i] != NULL);
        if (pages[i] == NULL) {
            return;
        }
        pmap_test_phys_word(vm_page_to_pa(pages[i]), true, 0x1000 + i);
    }

    /* Bad arguments change nothing. */
    pa = vm_page_to_pa(pages[0]);
    KTEST_ASSERT(pmap_enter(pmap, PMAP_USER_END, pa, PMAP_PROT_READ) == ERROR_INVAL);
    KTEST_ASSERT(pmap_enter(pmap, PMAP_USER_VA0 + 4, pa, PMAP_PROT_READ) == ERROR_INVAL);
    KTEST_ASSERT(pmap_enter(pmap, PMAP_USER_VA0, pa + 4, PMAP_PROT_READ) == ERROR_INVAL);
    KTEST_ASSERT(pmap_enter(pmap, PMAP_USER_VA0, pa, 0) == ERROR_INVAL);
    KTEST_ASSERT(pmap_enter(pmap, PMAP_USER_VA0, pa, 0x8) == ERROR_INVAL);
    KTEST_ASSERT(pmap_enter(pmap_kernel(), PMAP_USER_VA0, pa, PMAP_PROT_READ) == ERROR_INVAL);
    KTEST_ASSERT(pmap_remove(pmap, PAGE_SIZE, 0) == ERROR_INVAL);
    KTEST_ASSERT(pmap_remove(pmap, 0, PMAP_USER_END + PAGE_SIZE) == ERROR_INVAL);
    KTEST_ASSERT(pmap_protect(pmap, 0, 1, PMAP_PROT_READ) == ERROR_INVAL);
    KTEST_ASSERT(pmap_nr_tables(pmap) == empty_tables);

    for (unsigned int i = 0; i < 3; i++) {
        KTEST_ASSERT(pmap_enter(pmap, vas[i], vm_page_to_pa(pages[i]),
                                PMAP_PROT_READ | PMAP_PROT_WRITE) == 0);
        KTEST_ASSERT(pmap_extract(pmap, vas[i] + 0x123, &pa)
                     && pa == vm_page_to_pa(pages[i]) + 0x123);
    }
    KTEST_ASSERT(pmap_nr_tables(pmap) == empty_tables + 3);
    /* Entering a mapped page again replaces it and counts nothing. */
    KTEST_ASSERT(pmap_enter(pmap, vas[0], vm_page_to_pa(pages[0]),
                            PMAP_PROT_READ | PMAP_PROT_WRITE) == 0);
    ktest_assert_msg(pmap_resident_count(pmap) == 3, "%lu resident pages, want 3",
                     pmap_resident_count(pmap));
    KTEST_ASSERT(pmap_extract(pmap, (uintptr_t)_etext, &pa));   /* kernel part */

    /* Through the pmap, from the kernel. */
    preempt_disable();
    pmap_activate(pmap);
    KTEST_ASSERT(pmap_current() == pmap);
    for (unsigned int i = 0; i < 3; i++) {
        volatile uint32_t *u = (volatile uint32_t *)vas[i];

        bad += probe_read32(u, &v) != 0 || v != 0x1000 + i;
        bad += probe_write32(u, 0x2000 + i) != 0;
    }
    pmap_activate(pmap_kernel());
    preempt_enable();
    for (unsigned int i = 0; i < 3; i++) {
        bad += pmap_test_phys_word(vm_page_to_pa(pages[i]), false, 0) != 0x2000 + i;
    }
    ktest_assert_msg(bad == 0, "%u accesses through the pmap went wrong", bad);

    /* Read-only, then unmapped; the kernel pmap has no user mappings. */
    KTEST_ASSERT(pmap_protect(pmap, PMAP_USER_VA0, PMAP_USER_VA0 + PAGE_SIZE,
                              PMAP_PROT_READ) == 0);
    preempt_disable();
    pmap_activate(pmap);
    KTEST_ASSERT(probe_read32((void *)PMAP_USER_VA0, &v) == 0 && v == 0x2000);
    ktest_assert_msg(probe_write32((void *)PMAP_USER_VA0, 1) == ERROR_FAULT,
                     "write to a read-only user page did not fault");
    KTEST_ASSERT((probe_fault_error() & (PROBE_FAULT_PRESENT | PROBE_FAULT_WRITE))
                 == (PROBE_FAULT_PRESENT | PROBE_FAULT_WRITE));
    KTEST_ASSERT(probe_fault_addr() == PMAP_USER_VA0);
    KTEST_ASSERT(pmap_remove(pmap, PMAP_USER_VA0, PMAP_USER_VA0 + PAGE_SIZE) == 0);
    ktest_assert_msg(probe_read32((void *)PMAP_USER_VA0, &v) == ERROR_FAULT,
                     "read of a removed user page did not fault");
    KTEST_ASSERT(!(probe_fault_error() & PROBE_FAULT_PRESENT));
    pmap_activate(pmap_kernel());
    KTEST_ASSERT(probe_read32((void *)PMAP_USER_VA2, &v) == ERROR_FAULT);
    preempt_enable();
    KTEST_ASSERT(!pmap_extract(pmap, PMAP_USER_VA0, &pa));
    KTEST_ASSERT(pmap_nr_tables(pmap) == empty_tables + 2);     /* empty table freed */
    KTEST_ASSERT(pmap_resident_count(pmap) == 2);

    /* Many pages over several tables, then all removed. */
    pa = vm_page_to_pa(pages[0]);
    for (unsigned int i = 0; i < PMAP_USER_BULK_PAGES; i++) {
        bad += pmap_enter(pmap, PMAP_USER_BULK + i * PAGE_SIZE, pa, PMAP_PROT_READ) != 0;
    }
    ktest_diag("pmap_user: %u pages entered, %u page-table pages (%u empty)",
               PMAP_USER_BULK_PAGES, pmap_nr_tables(pmap), empty_tables);
    KTEST_ASSERT(pmap_resident_count(pmap) == 2 + PMAP_USER_BULK_PAGES - bad);
    KTEST_ASSERT(pmap_nr_tables(pmap) > empty_tables + 2);
    KTEST_ASSERT(pmap_protect(pmap, PMAP_USER_BULK, PMAP_USER_BULK + 0x01000000,
                              PMAP_PROT_READ | PMAP_PROT_WRITE) == 0);
    KTEST_ASSERT(pmap_extract(pmap, PMAP_USER_BULK + 1234 * PAGE_SIZE, &pa)
                 && pa == vm_page_to_pa(pages[0]));
    KTEST_ASSERT(pmap_remove(pmap, PMAP_USER_BULK - 0x00400000, PMAP_USER_BULK + 0x01000000) == 0);
    KTEST_ASSERT(pmap_nr_tables(pmap) == empty_tables + 2);
    KTEST_ASSERT(pmap_resident_count(pmap) == 2);
    ktest_assert_msg(bad == 0, "%u bulk enters failed", bad);

    /* Protect 0 removes. */
    KTEST_ASSERT(pmap_enter(pmap, PMAP_USER_VA0, pa, PMAP_PROT_READ) == 0);
    KTEST_ASSERT(pmap_protect(pmap, 0, PMAP_USER_VA1, 0) == 0);
    KTEST_ASSERT(!pmap_extract(pmap, PMAP_USER_VA0, &pa));

    KTEST_ASSERT(pmap_enter(pmap, PMAP_USER_VA0, vm_page_to_pa(pages[0]), PMAP_PROT_READ) == 0);
    pmap_user_test_exhaust(pmap, vm_page_to_pa(pages[0]));

    /* Destroyed with mappings left: every table goes back. */
    pmap_destroy(pmap);
    for (unsigned int i = 0; i < 3; i++) {
        vm_page_free(pages[i], 0);
    }
    ktest_assert_msg(pmap_test_free_pages() == free_before, "%lu free pages, %lu before",
                     pmap_test_free_pages(), free_before);
}

/* ---------------------------------------------------------------- pmap_user_smp */

#define PMAP_SMP_VA             0x08000000u

static struct pmap *pmap_smp_pmap;
static int pmap_smp_read[CONFIG_NCPUS], pmap_smp_write[CONFIG_NCPUS];
static uint32_t pmap_smp_value[CONFIG_NCPUS];

static void
pmap_smp_load(void *arg)
{
    pmap_activate(arg);
}

/* On each CPU: read the page, try to write its CPU number back. */
static void
pmap_smp_access(void *arg)
{
    unsigned int cpu = cpu_id();
    volatile uint32_t *u = (volatile uint32_t *)PMAP_SMP_VA;

    (void)arg;
    pmap_smp_read[cpu] = probe_read32(u, &pmap_smp_value[cpu]);
    pmap_smp_write[cpu] = 1;            /* not tried: no probe returns 1 */
    if (pmap_smp_read[cpu] == 0 && arg != NULL) {
        pmap_smp_write[cpu] = probe_write32(u, pmap_smp_value[cpu]);
    }
}

/* Run fn on every CPU but this one; returns how many. */
static unsigned int
pmap_smp_others(void (*fn)(void *), void *arg)
{
    unsigned int self = cpu_id(), n = 0;

    for (unsigned int cpu = 0; cpu < CONFIG_NCPUS; cpu++) {
        if (cpu != self && smp_call(cpu, fn, arg)) {
            n++;
        }
    }
    return n;
}

static void
pmap_user_smp_test_fn(void)
{
    unsigned long free_before = pmap_test_free_pages(), flushes[CONFIG_NCPUS];
    struct vm_page *a = vm_page_alloc(0, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KERNEL);
    struct vm_page *b = vm_page_alloc(0, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KERNEL);
    struct pmap *pmap = pmap_create();
    unsigned int self, n, bad;

    KTEST_ASSERT(a != NULL && b != NULL && pmap != NULL);
    if (a == NULL || b == NULL || pmap == NULL) {
        return;
    }
    pmap_smp_pmap = pmap;
    *(uint32_t *)vm_page_direct_va(a) = 0xaaaa;
    *(uint32_t *)vm_page_direct_va(b) = 0xbbbb;
    KTEST_ASSERT(pmap_enter(pmap, PMAP_SMP_VA, vm_page_to_pa(a),
                            PMAP_PROT_READ | PMAP_PROT_WRITE) == 0);

    preempt_disable();                      /* this CPU stays out of the pmap */
    self = cpu_id();
    n = pmap_smp_others(pmap_smp_load, pmap);
    if (n == 0) {
        ktest_diag("pmap_user_smp: one CPU, no shootdown to test");
    }
    pmap_smp_others(pmap_smp_access, (void *)1);    /* every TLB caches A, writable */
    for (unsigned int cpu = 0; cpu < CONFIG_NCPUS; cpu++) {
        flushes[cpu] = pmap_user_flushes(cpu);
    }

    /* Replace A by B, read-only: every other CPU must see B and fault on a write. */
    KTEST_ASSERT(pmap_enter(pmap, PMAP_SMP_VA, vm_page_to_pa(b), PMAP_PROT_READ) == 0);
    pmap_smp_others(pmap_smp_access, (void *)1);
    bad = 0;
    for (unsigned int cpu = 0; cpu < CONFIG_NCPUS; cpu++) {
        if (cpu == self || !percpu_table[cpu].online) {
            continue;
        }
        ktest_assert_msg(pmap_smp_read[cpu] == 0 && pmap_smp_value[cpu] == 0xbbbb,
                         "CPU %u read %d/0x%x after the remap", cpu, pmap_smp_read[cpu],
                         pmap_smp_value[cpu]);
        ktest_assert_msg(pmap_smp_write[cpu] == ERROR_FAULT,
                         "CPU %u wrote to a page made read-only", cpu);
        bad += pmap_user_flushes(cpu) != flushes[cpu] + 1;
    }
    ktest_assert_msg(bad == 0, "%u CPUs missed the shootdown", bad);
    ktest_assert_msg(pmap_user_flushes(self) == flushes[self],
                     "the shootdown reached this CPU, which does not use the pmap");

    /* Remove: every other CPU faults. */
    KTEST_ASSERT(pmap_remove(pmap, PMAP_SMP_VA, PMAP_SMP_VA + PAGE_SIZE) == 0);
    pmap_smp_others(pmap_smp_access, NULL);
    for (unsigned int cpu = 0; cpu < CONFIG_NCPUS; cpu++) {
        if (cpu != self && percpu_table[cpu].online) {
            ktest_assert_msg(pmap_smp_read[cpu] == ERROR_FAULT,
                             "CPU %u still reads a removed page", cpu);
        }
    }

    /* Back to the kernel pmap everywhere: no more shootdowns. */
    pmap_smp_others(pmap_smp_load, pmap_kernel());
    for (unsigned int cpu = 0; cpu < CONFIG_NCPUS; cpu++) {
        flushes[cpu] = pmap_user_flushes(cpu);
    }
    KTEST_ASSERT(pmap_enter(pmap, PMAP_SMP_VA, vm_page_to_pa(a), PMAP_PROT_READ) == 0);
    KTEST_ASSERT(pmap_enter(pmap, PMAP_SMP_VA, vm_page_to_pa(b), PMAP_PROT_READ) == 0);
    bad = 0;
    for (unsigned int cpu = 0; cpu < CONFIG_NCPUS; cpu++) {
        bad += pmap_user_flushes(cpu) != flushes[cpu];
    }
    ktest_assert_msg(bad == 0, "%u CPUs flushed for a pmap loaded nowhere", bad);
    preempt_enable();
    ktest_diag("pmap_user_smp: CPUs using the pmap besides this one: %u, every "
               "shootdown reached them and no other", n);

    pmap_destroy(pmap);
    vm_page_free(a, 0);
    vm_page_free(b, 0);
    ktest_assert_msg(pmap_test_free_pages() == free_before, "%lu free pages, %lu before",
                     pmap_test_free_pages(), free_before);
}

/* ---------------------------------------------------------------- nx */

#define PMAP_NX_USER_VA         0x08048000u
#define PMAP_NX_RET             0xc3

static uint8_t pmap_nx_data[8] = { PMAP_NX_RET };   /* .data: the kernel image */

static void
pmap_nx_text_fn(void)
{
}

/*
 * Call addr with preemption off; returns 0 when it ran, else the fault's
 * error code (never 0 for a fault: it is a fetch or a missing page).
 */
static uint32_t
pmap_nx_try(const void *addr)
{
    uint32_t error = 0;

    preempt_disable();
    if (probe_exec(addr) != 0) {
        error = probe_fault_error() | 0x80000000u;
        if (probe_fault_addr() != (uintptr_t)addr) {
            error |= 0x40000000u;           /* faulted elsewhere */
        }
    }
    preempt_enable();
    return error;
}

#define PMAP_NX_FETCH_FAULT     (0x80000000u | PROBE_FAULT_FETCH | PROBE_FAULT_PRESENT)

static void
pmap_nx_expect(const char *what, const void *addr, bool runs)
{
    uint32_t error = pmap_nx_try(addr);

    if (runs) {
        ktest_assert_msg(error == 0, "%s (%p) did not run: error 0x%x", what, addr, error);
    } else {
        ktest_assert_msg(error == PMAP_NX_FETCH_FAULT,
                         "%s (%p) ran or faulted wrongly: error 0x%x", what, addr, error);
    }
}

static void
nx_test_fn(void)
{
    struct vm_page *page = vm_page_alloc(0, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KERNEL);
    bool nx = pmap_nx_enabled();
    uint8_t stack_code[4] = { PMAP_NX_RET };
    struct pmap *pmap;
    void *w;
    phys_addr_t pa;

    KTEST_ASSERT(page != NULL);
    if (page == NULL) {
        return;
    }
    pa = vm_page_to_pa(page);
    *(uint8_t *)vm_page_direct_va(page) = PMAP_NX_RET;
    ktest_diag("nx: %s", nx ? "on, data must not run" : "off, data runs");

    pmap_nx_expect("kernel text", (const void *)pmap_nx_text_fn, true);
    pmap_nx_expect("kernel image data", pmap_nx_data, !nx);
    pmap_nx_expect("kernel stack", stack_code, !nx);
    pmap_nx_expect("direct map", vm_page_direct_va(page), !nx);

    pmap_kenter(PMAP_TEST_VA, pa, PMAP_PROT_READ | PMAP_PROT_WRITE);
    pmap_nx_expect("kernel virtual area", (void *)PMAP_TEST_VA, !nx);
    pmap_kprotect(PMAP_TEST_VA, PAGE_SIZE, PMAP_PROT_READ | PMAP_PROT_EXECUTE);
    pmap_nx_expect("kernel virtual area, executable", (void *)PMAP_TEST_VA, true);
    pmap_kprotect(PMAP_TEST_VA, PAGE_SIZE, PMAP_PROT_READ);
    pmap_nx_expect("kernel virtual area, protected again", (void *)PMAP_TEST_VA, !nx);
    pmap_kenter(PMAP_TEST_VA, pa, PMAP_PROT_READ | PMAP_PROT_EXECUTE);
    pmap_nx_expect("kernel virtual area, entered executable", (void *)PMAP_TEST_VA, true);
    pmap_kremove(PMAP_TEST_VA, PAGE_SIZE);

    w = pmap_window_map(pa);
    KTEST_ASSERT(w != NULL);
    if (w != NULL) {
        bool ran = probe_exec(w) == 0;      /* preemption is off in a window */

        ktest_assert_msg(ran == !nx, "window: ran %d with NX %d", ran, nx);
        pmap_window_unmap(w);
    }

    pmap = pmap_create();
    KTEST_ASSERT(pmap != NULL);
    if (pmap != NULL) {
        KTEST_ASSERT(pmap_enter(pmap, PMAP_NX_USER_VA, pa, PMAP_PROT_READ) == 0);
        preempt_disable();
        pmap_activate(pmap);
        pmap_nx_expect("user page", (void *)PMAP_NX_USER_VA, !nx);
        KTEST_ASSERT(pmap_protect(pmap, PMAP_NX_USER_VA, PMAP_NX_USER_VA + PAGE_SIZE,
                                  PMAP_PROT_READ | PMAP_PROT_EXECUTE) == 0);
        pmap_nx_expect("user page, executable", (void *)PMAP_NX_USER_VA, true);
        KTEST_ASSERT(pmap_enter(pmap, PMAP_NX_USER_VA, pa,
                                PMAP_PROT_READ | PMAP_PROT_WRITE) == 0);
        pmap_nx_expect("user page, entered again without execute",
                       (void *)PMAP_NX_USER_VA, !nx);
        KTEST_ASSERT(pmap_enter(pmap, PMAP_NX_USER_VA, pa,
                                PMAP_PROT_READ | PMAP_PROT_EXECUTE) == 0);
        pmap_nx_expect("user page, entered executable", (void *)PMAP_NX_USER_VA, true);
        pmap_activate(pmap_kernel());
        preempt_enable();
        pmap_destroy(pmap);
    }
    vm_page_free(page, 0);
}

/* ---------------------------------------------------------------- pmap_thread */

#define PMAP_THREAD_VA          0x10000000u
#define PMAP_THREAD_NR          4
#define PMAP_THREAD_ROUNDS      200

static struct pmap *pmap_thread_pmaps[PMAP_THREAD_NR];
static struct spinlock pmap_thread_lock = SPINLOCK_INITIALIZER;
static struct waitq pmap_thread_wq;
static unsigned int pmap_thread_done, pmap_thread_bad, pmap_thread_cpus;

/* Thread i: its pmap maps PMAP_THREAD_VA to a page holding i. */
static void
pmap_thread_fn(void *arg)
{
    uintptr_t i = (uintptr_t)arg;
    unsigned int bad = 0, cpus = 0;

    thread_pmap_set(pmap_thread_pmaps[i]);
    for (unsigned int round = 0; round < PMAP_THREAD_ROUNDS; round++) {
        uint32_t value;

        if (probe_read32((const void *)PMAP_THREAD_VA, &value) != 0 || value != i) {
            bad++;
        }
        cpus |= 1u << cpu_id();
        if (round % 16 == 0) {
            thread_delay(1);
        } else {
            thread_yield();
        }
    }
    thread_pmap_set(NULL);
    spinlock_lock(&pmap_thread_lock);
    pmap_thread_bad += bad;
    pmap_thread_cpus |= cpus;
    pmap_thread_done++;
    waitq_wakeup_all(&pmap_thread_wq);
    spinlock_unlock(&pmap_thread_lock);
}

static void
pmap_thread_test_fn(void)
{
    unsigned long free_before = pmap_test_free_pages();
    unsigned int threads_before = thread_count();
    struct vm_page *pages[PMAP_THREAD_NR];

    waitq_init(&pmap_thread_wq);
    pmap_thread_done = pmap_thread_bad = pmap_thread_cpus = 0;
    for (uintptr_t i = 0; i < PMAP_THREAD_NR; i++) {
        pages[i] = vm_page_alloc(0, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KERNEL);
        pmap_thread_pmaps[i] = pmap_create();
        KTEST_ASSERT(pages[i] != NULL && pmap_thread_pmaps[i] != NULL);
        *(uint32_t *)vm_page_direct_va(pages[i]) = i;
        KTEST_ASSERT(pmap_enter(pmap_thread_pmaps[i], PMAP_THREAD_VA,
                                vm_page_to_pa(pages[i]), PMAP_PROT_READ) == 0);
    }
    for (uintptr_t i = 0; i < PMAP_THREAD_NR; i++) {
        KTEST_ASSERT(thread_create_kernel("pmap", pmap_thread_fn, (void *)i,
                                   THREAD_ANY_CPU) != NULL);
    }
    spinlock_lock(&pmap_thread_lock);
    while (pmap_thread_done < PMAP_THREAD_NR) {
        waitq_sleep(&pmap_thread_wq, &pmap_thread_lock);
    }
    spinlock_unlock(&pmap_thread_lock);
    ktest_diag("%u threads, %u rounds each, ran on CPU mask 0x%x", PMAP_THREAD_NR,
               PMAP_THREAD_ROUNDS, pmap_thread_cpus);
    ktest_assert_msg(pmap_thread_bad == 0, "%u reads saw another space or faulted",
                     pmap_thread_bad);
    /* The main thread never set a pmap: no user mapping is visible here. */
    uint32_t value;
    KTEST_ASSERT(probe_read32((const void *)PMAP_THREAD_VA, &value) != 0);

    ktest_assert_msg(ktest_wait_threads(threads_before), "%u threads left, want %u",
                     thread_count(), threads_before);
    for (unsigned int i = 0; i < PMAP_THREAD_NR; i++) {
        pmap_destroy(pmap_thread_pmaps[i]);
        vm_page_free(pages[i], 0);
    }
    ktest_assert_msg(pmap_test_free_pages() == free_before, "%lu free pages, %lu before",
                     pmap_test_free_pages(), free_before);
}

KTEST_DEFINE(pmap, pmap_test_fn, 0);
KTEST_DEFINE(tlb_shootdown, tlb_shootdown_test_fn, 0);
KTEST_DEFINE(vm_page_fill_all, vm_page_fill_all_fn, 0);
KTEST_DEFINE(vm_kmem, vm_kmem_test_fn, 0);
KTEST_DEFINE(pmap_user, pmap_user_test_fn, 0);
KTEST_DEFINE(pmap_user_smp, pmap_user_smp_test_fn, 0);
KTEST_DEFINE(nx, nx_test_fn, 0);
KTEST_DEFINE(pmap_thread, pmap_thread_test_fn, 0);
