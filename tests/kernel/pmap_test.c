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
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/pmap.h>
#include <i386/probe.h>
#include <i386/smp.h>
#include <kern/kmem.h>
#include <kern/ktest.h>
#include <kern/list.h>
#include <kern/percpu.h>
#include <vm/vm_kmem.h>
#include <vm/vm_map.h>
#include <vm/vm_page.h>

#define PMAP_TEST_VA            (PMAP_KVA_END - 16 * PAGE_SIZE)

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
    KTEST_ASSERT(probe_read32(p, &v) == -1);

    pmap_kenter(PMAP_TEST_VA, vm_page_to_pa(page), PMAP_PROT_READ | PMAP_PROT_WRITE);
    KTEST_ASSERT(pmap_kextract(PMAP_TEST_VA + 12, &pa) && pa == vm_page_to_pa(page) + 12);
    KTEST_ASSERT(probe_write32(p, 0x12345678) == 0);
    KTEST_ASSERT(probe_read32(p, &v) == 0 && v == 0x12345678);

    pmap_kprotect(PMAP_TEST_VA, PAGE_SIZE, PMAP_PROT_READ);
    ktest_assert_msg(probe_write32(p, 1) == -1, "write to a read-only page did not fault");
    ktest_diag("pmap: write to read-only 0x%08x caught as a page fault",
               (unsigned int)PMAP_TEST_VA);
    KTEST_ASSERT(probe_read32(p, &v) == 0 && v == 0x12345678);

    pmap_kremove(PMAP_TEST_VA, PAGE_SIZE);
    KTEST_ASSERT(!pmap_kextract(PMAP_TEST_VA, &pa));
    ktest_assert_msg(probe_read32(p, &v) == -1, "read of an unmapped page did not fault");
    vm_page_free(page, 0);

    /* The kernel text is read-only; the direct map translates linearly. */
    ktest_assert_msg(probe_write32(_kernel_start, 0) == -1,
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
    while (n < VM_KMEM_TEST_MAX) {
        size_t size = (1 + pmap_test_rand(&seed) % 64) * PAGE_SIZE;
        uint32_t *p = vm_kmem_alloc(size);

        if (p == NULL) {
            break;
        }
        for (size_t off = 0; off < size; off += PAGE_SIZE) {
            bad += p[off / 4] != 0;             /* zero-filled */
            p[off / 4] = (uint32_t)(uintptr_t)p + (uint32_t)off;
        }
        vm_kmem_test_allocs[n].addr = (uintptr_t)p;
        vm_kmem_test_allocs[n].size = size;
        total += size;
        n++;
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

KTEST_DEFINE(pmap, pmap_test_fn, 0);
KTEST_DEFINE(tlb_shootdown, tlb_shootdown_test_fn, 0);
KTEST_DEFINE(vm_page_fill_all, vm_page_fill_all_fn, 0);
KTEST_DEFINE(vm_kmem, vm_kmem_test_fn, 0);
