/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vm_map in the kernel (i386, 32-bit addresses), entries from the real
 * kmem. Maps only track addresses: nothing here touches the ranges.
 *
 *   test=vm_map    a map over the last 4 MiB of kernel virtual space below
 *                  the boot mappings, [0xFEC00000, 0xFF000000), driven by
 *                  4000 random operations (enter anywhere with random sizes
 *                  and alignments, enter fixed, remove, lookup), each
 *                  checked against a bitmap of the map's pages: anywhere
 *                  must return the lowest fitting address a scan of the
 *                  bitmap finds, fixed must succeed exactly when its pages
 *                  are free, a lookup must find an entry exactly on mapped
 *                  pages; vm_map_check() after every operation. Then a map
 *                  at the top of the 32-bit address space, where rounding
 *                  an address up to a large alignment must not wrap to 0.
 *                  At the end every entry is freed and kmem_purge() must
 *                  give vm_page all its pages back.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/param.h>
#include <kern/kmem.h>
#include <kern/ktest.h>
#include <kern/macros.h>
#include <kern/string.h>
#include <vm/vm_map.h>
#include <vm/vm_page.h>

#define VM_MAP_TEST_PAGES       1024
#define VM_MAP_TEST_END         0xFF000000  /* BOOT_MAP_START */
#define VM_MAP_TEST_START       (VM_MAP_TEST_END - VM_MAP_TEST_PAGES * PAGE_SIZE)
#define VM_MAP_TEST_OPS         4000

static struct vm_map vm_map_test_map;
static unsigned int vm_map_test_nr_full;                    /* anywhere: no room */
static uint32_t vm_map_test_bits[VM_MAP_TEST_PAGES / 32];   /* 1: page mapped */

static uint32_t
vm_map_test_rand(uint32_t *seed)
{
    *seed = *seed * 1103515245 + 12345;
    return *seed >> 8;
}

static bool
vm_map_test_bit(unsigned int page)
{
    return (vm_map_test_bits[page / 32] >> (page % 32)) & 1;
}

static void
vm_map_test_set(unsigned int first, unsigned int n, bool mapped)
{
    for (unsigned int i = first; i < first + n; i++) {
        if (mapped) {
            vm_map_test_bits[i / 32] |= 1U << (i % 32);
        } else {
            vm_map_test_bits[i / 32] &= ~(1U << (i % 32));
        }
    }
}

static bool
vm_map_test_free(unsigned int first, unsigned int n)
{
    for (unsigned int i = first; i < first + n; i++) {
        if (vm_map_test_bit(i)) {
            return false;
        }
    }
    return true;
}

/* Lowest page aligned to align pages where n free pages fit, or -1. */
static int
vm_map_test_find(unsigned int n, unsigned int align)
{
    for (unsigned int i = 0; i + n <= VM_MAP_TEST_PAGES; i += align) {
        if (vm_map_test_free(i, n)) {
            return (int)i;
        }
    }
    return -1;
}

static uintptr_t
vm_map_test_addr(unsigned int page)
{
    return VM_MAP_TEST_START + (uintptr_t)page * PAGE_SIZE;
}

/* Free pages of every segment. */
static unsigned long
vm_map_test_free_pages(void)
{
    struct vm_page_seg_stats stats;
    unsigned long nr = 0;

    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        if (vm_page_seg_stats_get(i, &stats) == 0) {
            nr += stats.nr_free;
        }
    }
    return nr;
}

/* One random operation; returns false (after reporting) on a mismatch. */
static bool
vm_map_test_step(struct vm_map *map, uint32_t *seed, unsigned int op)
{
    unsigned int kind = vm_map_test_rand(seed) % 16;
    unsigned int n = 1 + vm_map_test_rand(seed) % 16;
    unsigned int align = 1U << (vm_map_test_rand(seed) % 5);
    unsigned int first = vm_map_test_rand(seed) % VM_MAP_TEST_PAGES;
    const struct vm_map_entry *entry;
    uintptr_t addr;
    int error, expect;

    if (kind < 7) {
        expect = vm_map_test_find(n, align);
        error = vm_map_enter(map, &addr, n * PAGE_SIZE, align * PAGE_SIZE, VM_MAP_PROT_RW,
                             VM_MAP_ANYWHERE);
        if (expect < 0) {
            vm_map_test_nr_full++;
            ktest_assert_msg(error == ERROR_NOSPC, "op %u: anywhere %u pages: %d", op, n,
                             error);
            return error == ERROR_NOSPC;
        }
        ktest_assert_msg(error == 0 && addr == vm_map_test_addr(expect),
                         "op %u: anywhere %u pages aligned to %u: %d at %#lx, lowest fit %#lx",
                         op, n, align, error, (unsigned long)addr,
                         (unsigned long)vm_map_test_addr(expect));
        vm_map_test_set(expect, n, true);
        return error == 0 && addr == vm_map_test_addr(expect);
    } else if (kind < 9) {
        first = P2TRUNC(first, align);
        addr = vm_map_test_addr(first);
        error = vm_map_enter(map, &addr, n * PAGE_SIZE, align * PAGE_SIZE, VM_MAP_PROT_READ,
                             VM_MAP_FIXED);
        expect = (first + n > VM_MAP_TEST_PAGES) ? ERROR_INVAL
                 : !vm_map_test_free(first, n) ? ERROR_EXIST : 0;
        ktest_assert_msg(error == expect, "op %u: fixed %u pages at page %u: %d, expected %d",
                         op, n, first, error, expect);
        if (error == 0) {
            vm_map_test_set(first, n, true);
        }
        return error == expect;
    } else if (kind < 13) {
        n = MIN(n, VM_MAP_TEST_PAGES - first);
        error = vm_map_remove(map, vm_map_test_addr(first), vm_map_test_addr(first + n));
        ktest_assert_msg(error == 0, "op %u: remove %u pages at page %u: %d", op, n, first,
                         error);
        vm_map_test_set(first, n, false);
        return error == 0;
    }

    addr = vm_map_test_addr(first) + vm_map_test_rand(seed) % PAGE_SIZE;
    entry = vm_map_lookup(map, addr);
    if (!vm_map_test_bit(first)) {
        ktest_assert_msg(entry == NULL, "op %u: lookup of free page %u found an entry", op,
                         first);
        return entry == NULL;
    }
    if (entry == NULL || entry->start > addr || entry->end <= addr) {
        ktest_fail_at(__FILE__, __LINE__, "op %u: lookup of mapped page %u", op, first);
        return false;
    }
    for (uintptr_t a = entry->start; a < entry->end; a += PAGE_SIZE) {
        if (!vm_map_test_bit((a - VM_MAP_TEST_START) / PAGE_SIZE)) {
            ktest_fail_at(__FILE__, __LINE__, "op %u: entry over a free page", op);
            return false;
        }
    }
    return true;
}

static void
vm_map_test(void)
{
    struct vm_map *map = &vm_map_test_map;
    unsigned long baseline, max_entries = 0, mapped_pages;
    struct vm_map_stats stats;
    uint32_t seed = 42;
    const char *broken;
    uintptr_t addr;
    unsigned int op;

    kmem_purge();
    baseline = vm_map_test_free_pages();

    /* A new model for each run: the map starts empty every time. */
    memset(vm_map_test_bits, 0, sizeof(vm_map_test_bits));
    vm_map_test_nr_full = 0;
    KTEST_ASSERT(vm_map_init(map, VM_MAP_TEST_START, VM_MAP_TEST_END) == 0);
    vm_map_lock(map);
    for (op = 0; op < VM_MAP_TEST_OPS; op++) {
        if (!vm_map_test_step(map, &seed, op)) {
            break;
        }
        broken = vm_map_check(map);
        if (broken != NULL) {
            ktest_fail_at(__FILE__, __LINE__, "op %u: vm_map_check: %s", op, broken);
            break;
        }
        vm_map_stats_get(map, &stats);
        mapped_pages = 0;
        for (unsigned int i = 0; i < VM_MAP_TEST_PAGES; i++) {
            mapped_pages += vm_map_test_bit(i);
        }
        if (stats.mapped != mapped_pages * PAGE_SIZE) {
            ktest_fail_at(__FILE__, __LINE__, "op %u: %lu bytes mapped, model %lu pages", op,
                          (unsigned long)stats.mapped, mapped_pages);
            break;
        }
        max_entries = MAX(max_entries, stats.nr_entries);
    }
    ktest_diag("vm_map: %u random operations, up to %lu entries, %u times no room",
               op, max_entries, vm_map_test_nr_full);
    KTEST_ASSERT(max_entries >= 50 && vm_map_test_nr_full > 0);

    KTEST_ASSERT(vm_map_remove(map, VM_MAP_TEST_START, VM_MAP_TEST_END) == 0);
    vm_map_stats_get(map, &stats);
    KTEST_ASSERT(stats.nr_entries == 0 && vm_map_first(map) == NULL);
    KTEST_ASSERT(vm_map_check(map) == NULL);
    vm_map_unlock(map);

    /* The top of the 32-bit address space: no wrap-around. */
    KTEST_ASSERT(vm_map_init(map, 0xFFFF0000, 0xFFFFF000) == 0);
    vm_map_lock(map);
    KTEST_ASSERT(vm_map_find_free(map, PAGE_SIZE, 0x80000000, &addr) == ERROR_NOSPC);
    KTEST_ASSERT(vm_map_enter(map, &addr, 15 * PAGE_SIZE, 0, VM_MAP_PROT_RW,
                              VM_MAP_ANYWHERE) == 0 && addr == 0xFFFF0000);
    KTEST_ASSERT(vm_map_remove(map, 0xFFFFE000, 0xFFFFF000) == 0);
    KTEST_ASSERT(vm_map_find_free(map, PAGE_SIZE, 0x4000, &addr) == ERROR_NOSPC);
    KTEST_ASSERT(vm_map_find_free(map, PAGE_SIZE, 0, &addr) == 0 && addr == 0xFFFFE000);
    addr = 0xFFFFE000;
    KTEST_ASSERT(vm_map_enter(map, &addr, 2 * PAGE_SIZE, 0, VM_MAP_PROT_RW, VM_MAP_FIXED)
                 == ERROR_INVAL);
    KTEST_ASSERT(vm_map_remove(map, 0xFFFF0000, 0xFFFFF000) == 0);
    KTEST_ASSERT(vm_map_check(map) == NULL && vm_map_first(map) == NULL);
    vm_map_unlock(map);

    kmem_purge();
    ktest_assert_msg(vm_map_test_free_pages() == baseline,
                     "%lu free pages after kmem_purge, %lu before",
                     vm_map_test_free_pages(), baseline);
}

KTEST_DEFINE(vm_map, vm_map_test, 0);
