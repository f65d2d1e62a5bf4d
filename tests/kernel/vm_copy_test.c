/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * In-kernel tests of vm/vm_copy (out-of-line message memory), from a
 * kernel thread that loads the sender's pmap so that copyin() reads it:
 *
 *  test=vm_copy         both kinds of capture: the bytes and the zeroed
 *                       rest of the pages of a physical copy at its
 *                       in-page offset, vm_copy_read/vm_copy_write on
 *                       it; copy-on-write captures copied and moved,
 *                       the sender writing after the capture and the
 *                       receiver after the copyout; bad ranges refused
 *                       with nothing taken; discarded copies giving
 *                       every page and object back.
 *  test=vm_copy_bench   (manual; tools/bench-kernel under -icount) the
 *                       break-even between the two: per size, capture +
 *                       copyout + the receiver reading every page +
 *                       its vm_deallocate, with and without the sender
 *                       writing every page afterwards; and moved (a
 *                       fresh written entry each round).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/cpu.h>
#include <i386/smp.h>
#include <include/mach/kern_return.h>
#include <kern/copy.h>
#include <kern/error.h>
#include <kern/kmem.h>
#include <kern/ktest.h>
#include <kern/printf.h>
#include <kern/qsbr.h>
#include <kern/thread.h>
#include <machine/pmap.h>
#include <vm/vm_copy.h>
#include <vm/vm_fault.h>
#include <vm/vm_object.h>
#include <vm/vm_page.h>
#include <vm/vm_user.h>

#define VM_COPY_TEST_VA         0x10000000u
#define VM_COPY_TEST_PAGES      8
#define VM_COPY_BENCH_ROUNDS    16
#define VM_COPY_BENCH_MOVE_VA   0x20000000u

static unsigned char
vm_copy_test_byte(uintptr_t i, unsigned int key)
{
    return (unsigned char)(i * 29 + (i >> 12) + key);
}

/* Fault [va, va + size) of map in (write when write) and load its pmap. */
static bool
vm_copy_test_fault(struct vm_user_map *map, uintptr_t va, uintptr_t size, bool write)
{
    for (uintptr_t p = P2TRUNC(va, PAGE_SIZE); p < va + size; p += PAGE_SIZE) {
        if (vm_fault(map, p, write ? VM_MAP_PROT_WRITE : VM_MAP_PROT_READ) != 0) {
            return false;
        }
    }
    thread_pmap_set(vm_user_map_pmap(map));
    return true;
}

/* Write the pattern of key over [va, va + size) of map (pages made writable first). */
static bool
vm_copy_test_fill(struct vm_user_map *map, uintptr_t va, uintptr_t size, unsigned int key)
{
    unsigned char buf[64];

    if (!vm_copy_test_fault(map, va, size, true)) {
        return false;
    }
    for (uintptr_t i = 0; i < size; i += sizeof(buf)) {
        uintptr_t n = MIN(sizeof(buf), size - i);

        for (uintptr_t j = 0; j < n; j++) {
            buf[j] = vm_copy_test_byte(i + j, key);
        }
        if (copyout(buf, (void *)(va + i), n) != 0) {
            return false;
        }
    }
    return true;
}

/*
 * Bytes of [va, va + size) of map that differ from the pattern of key
 * filled from address base (key ~0u: from zero); ~0 when the range
 * cannot be read.
 */
static unsigned long
vm_copy_test_diff(struct vm_user_map *map, uintptr_t base, uintptr_t va, uintptr_t size,
                  unsigned int key)
{
    unsigned char buf[64];
    unsigned long bad = 0;

    if (!vm_copy_test_fault(map, va, size, false)) {
        return ~0ul;
    }
    for (uintptr_t i = 0; i < size; i += sizeof(buf)) {
        uintptr_t n = MIN(sizeof(buf), size - i);

        if (copyin((const void *)(va + i), buf, n) != 0) {
            return ~0ul;
        }
        for (uintptr_t j = 0; j < n; j++) {
            bad += buf[j] != (key == ~0u ? 0 : vm_copy_test_byte(va - base + i + j, key));
        }
    }
    return bad;
}

/* Overwrite one byte of map at va with value. */
static bool
vm_copy_test_poke(struct vm_user_map *map, uintptr_t va, unsigned char value)
{
    return vm_copy_test_fault(map, va, 1, true) && copyout(&value, (void *)va, 1) == 0;
}

static void
vm_copy_test_purge(void *arg)
{
    (void)arg;
    kmem_purge();
}

/* Free pages per segment once deferred frees ran and every CPU's kmem cache is empty. */
static void
vm_copy_test_free_pages(unsigned long *counts)
{
    struct vm_page_seg_stats stats;

    qsbr_drain();
    smp_call_all(vm_copy_test_purge, NULL);
    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        counts[i] = vm_page_seg_stats_get(i, &stats) == 0 ? stats.nr_free : 0;
    }
}

/* A physical copy of 5000 bytes at offset 100: bytes, zeroed rest, kernel access. */
static void
vm_copy_test_physical(struct vm_user_map *src, struct vm_user_map *dst)
{
    uintptr_t va = VM_COPY_TEST_VA + 100, got = 0;
    struct vm_copy *copy = NULL;
    unsigned char b = 0;

    KTEST_ASSERT(vm_copy_test_fault(src, va, 5000, false));
    KTEST_ASSERT(vm_copy_capture_physical(src, va, 5000, false, &copy) == 0);
    KTEST_ASSERT(vm_copy_size(copy) == 5000);
    vm_copy_read(copy, 4095, &b, 1);
    KTEST_ASSERT(b == vm_copy_test_byte(100 + 4095, 1));
    b = 0x42;
    vm_copy_write(copy, 4095, &b, 1);
    KTEST_ASSERT(vm_copy_test_poke(src, va + 10, 0x99));      /* after the capture */
    KTEST_ASSERT(vm_copy_copyout(copy, dst, &got) == 0 && got % PAGE_SIZE == 100);
    /* got - 100 stands for VM_COPY_TEST_VA, where the pattern starts. */
    KTEST_ASSERT(vm_copy_test_diff(dst, got - 100, got, 4095, 1) == 0);
    KTEST_ASSERT(vm_copy_test_diff(dst, got - 100, got + 4096, 5000 - 4096, 1) == 0);
    KTEST_ASSERT(vm_copy_test_diff(dst, got - 100, got + 4095, 1, 1) == 1);   /* the 0x42 */
    KTEST_ASSERT(vm_copy_test_diff(dst, 0, got - 100, 100, ~0u) == 0);        /* zeroed head */
    KTEST_ASSERT(vm_copy_test_diff(dst, 0, got + 5000, 2 * PAGE_SIZE - 5100, ~0u) == 0);
    KTEST_ASSERT(vm_user_deallocate(dst, got, 5000) == KERN_SUCCESS);
    KTEST_ASSERT(vm_copy_test_poke(src, va + 10, vm_copy_test_byte(100 + 10, 1)));
}

/* Copy-on-write captures of 6 pages, copied then moved, writes on both sides. */
static void
vm_copy_test_cow(struct vm_user_map *src, struct vm_user_map *dst)
{
    uintptr_t va = VM_COPY_TEST_VA, size = 6 * PAGE_SIZE, got = 0, again;
    struct vm_copy *copy = NULL;
    unsigned char buf[100];
    unsigned int bad = 0;

    KTEST_ASSERT(vm_copy_capture_cow(src, va, size, false, &copy) == 0);
    KTEST_ASSERT(vm_copy_test_poke(src, va + PAGE_SIZE, 0x11));
    vm_copy_read(copy, PAGE_SIZE - 50, buf, sizeof(buf));      /* through windows */
    for (unsigned int i = 0; i < sizeof(buf); i++) {
        bad += buf[i] != vm_copy_test_byte(PAGE_SIZE - 50 + i, 1);
    }
    KTEST_ASSERT(bad == 0);
    KTEST_ASSERT(vm_copy_copyout(copy, dst, &got) == 0);
    KTEST_ASSERT(vm_copy_test_diff(dst, got, got, size, 1) == 0);
    KTEST_ASSERT(vm_copy_test_poke(dst, got + 2 * PAGE_SIZE, 0x22));
    KTEST_ASSERT(vm_copy_test_poke(src, va + 3 * PAGE_SIZE, 0x33));
    KTEST_ASSERT(vm_copy_test_diff(dst, got, got, size, 1) == 1);
    KTEST_ASSERT(vm_copy_test_diff(src, va, va, size, 1) == 2);
    KTEST_ASSERT(vm_user_deallocate(dst, got, size) == KERN_SUCCESS);
    KTEST_ASSERT(vm_copy_test_fill(src, va, size, 1));

    /* Moved: the range leaves src, arrives whole. */
    KTEST_ASSERT(vm_copy_capture_cow(src, va, size, true, &copy) == 0);
    again = va;
    KTEST_ASSERT(vm_user_allocate(src, &again, size, false) == KERN_SUCCESS);
    KTEST_ASSERT(vm_copy_copyout(copy, dst, &got) == 0);
    KTEST_ASSERT(vm_copy_test_diff(dst, got, got, size, 1) == 0);
    KTEST_ASSERT(vm_copy_test_diff(src, 0, va, size, ~0u) == 0);      /* the new zeros */
    KTEST_ASSERT(vm_user_deallocate(dst, got, size) == KERN_SUCCESS);
    KTEST_ASSERT(vm_copy_test_fill(src, va, size, 1));
}

/* Copies discarded without a copyout, and bad ranges: nothing left, nothing taken. */
static void
vm_copy_test_discard(struct vm_user_map *src)
{
    struct vm_copy *copy = NULL;

    KTEST_ASSERT(vm_copy_capture_cow(src, VM_COPY_TEST_VA, 4 * PAGE_SIZE, false, &copy) == 0);
    KTEST_ASSERT(vm_copy_test_poke(src, VM_COPY_TEST_VA, 0x44));   /* a copy-up */
    vm_copy_discard(copy);
    KTEST_ASSERT(vm_copy_capture_physical(src, VM_COPY_TEST_VA + 1, 3 * PAGE_SIZE, false,
                                          &copy) == 0);
    vm_copy_discard(copy);
    KTEST_ASSERT(vm_copy_capture(src, VM_COPY_TEST_VA + PAGE_SIZE, PAGE_SIZE, true, &copy)
                 == 0);
    vm_copy_discard(copy);
    copy = NULL;
    KTEST_ASSERT(vm_copy_capture_cow(src, 0x70000000, PAGE_SIZE, false, &copy) == ERROR_FAULT);
    KTEST_ASSERT(vm_copy_capture_physical(src, 0x70000000, 1, false, &copy) == ERROR_FAULT);
    KTEST_ASSERT(vm_copy_capture(src, 0xbffff000, 2 * PAGE_SIZE, true, &copy) == ERROR_FAULT);
    KTEST_ASSERT(vm_copy_capture_cow(src, VM_COPY_TEST_VA, 64 * PAGE_SIZE, true, &copy)
                 == ERROR_FAULT);
    KTEST_ASSERT(copy == NULL);
    /* The sender as it was: its one write, the moved page gone, the rest intact. */
    KTEST_ASSERT(vm_copy_test_diff(src, VM_COPY_TEST_VA, VM_COPY_TEST_VA, PAGE_SIZE, 1) == 1);
    KTEST_ASSERT(vm_fault(src, VM_COPY_TEST_VA + PAGE_SIZE, VM_MAP_PROT_READ) != 0);
    KTEST_ASSERT(vm_copy_test_diff(src, VM_COPY_TEST_VA, VM_COPY_TEST_VA + 2 * PAGE_SIZE,
                                   6 * PAGE_SIZE, 1) == 0);
}

static void
vm_copy_test_fn(void)
{
    unsigned long before[VM_PAGE_NR_SEGS], after[VM_PAGE_NR_SEGS];
    unsigned long objects = vm_object_count();
    struct vm_user_map *src = NULL, *dst = NULL;
    uintptr_t va = VM_COPY_TEST_VA;

    vm_copy_test_free_pages(before);
    KTEST_ASSERT(vm_user_map_create(&src) == 0 && vm_user_map_create(&dst) == 0);
    if (src == NULL || dst == NULL) {
        return;
    }
    KTEST_ASSERT(vm_user_allocate(src, &va, VM_COPY_TEST_PAGES * PAGE_SIZE, false)
                 == KERN_SUCCESS);
    KTEST_ASSERT(vm_copy_test_fill(src, va, VM_COPY_TEST_PAGES * PAGE_SIZE, 1));
    vm_copy_test_physical(src, dst);
    vm_copy_test_cow(src, dst);
    vm_copy_test_discard(src);
    thread_pmap_set(NULL);
    vm_user_map_destroy(src);
    vm_user_map_destroy(dst);
    vm_copy_test_free_pages(after);
    KTEST_ASSERT(vm_object_count() == objects);
    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        ktest_assert_msg(after[i] == before[i], "segment %u: %lu free pages, %lu before", i,
                         after[i], before[i]);
    }
}

KTEST_DEFINE(vm_copy, vm_copy_test_fn, 0);

/* ---------------------------------------------------------------- benchmark */

/*
 * One round of pages pages from src at va to dst: capture (physical or
 * copy-on-write), copyout, the receiver reads every page, then with
 * write the sender writes every page (copy-on-write faults for the
 * latter kind), and the receiver deallocates. Returns the instructions,
 * or 0 on failure.
 */
static uint64_t
vm_copy_bench_round(struct vm_user_map *src, struct vm_user_map *dst, uintptr_t va,
                    unsigned int pages, bool physical, bool write)
{
    uintptr_t size = (uintptr_t)pages * PAGE_SIZE, got = 0;
    struct vm_copy *copy = NULL;
    uint64_t start = cpu_rdtsc();
    int error;

    error = physical ? vm_copy_capture_physical(src, va, size, false, &copy)
                     : vm_copy_capture_cow(src, va, size, false, &copy);
    if (error != 0 || vm_copy_copyout(copy, dst, &got) != 0) {
        return 0;
    }
    for (unsigned int i = 0; i < pages; i++) {
        error |= vm_fault(dst, got + i * PAGE_SIZE, VM_MAP_PROT_READ);
    }
    for (unsigned int i = 0; write && i < pages; i++) {
        error |= vm_fault(src, va + i * PAGE_SIZE, VM_MAP_PROT_WRITE);
    }
    error |= vm_user_deallocate(dst, got, size);
    return error == 0 ? cpu_rdtsc() - start : 0;
}

/*
 * One moved round: a fresh entry of pages pages at va in src, written
 * (not counted), then capture with move, copyout, the receiver reading
 * every page and deallocating. Returns the instructions, or 0.
 */
static uint64_t
vm_copy_bench_move(struct vm_user_map *src, struct vm_user_map *dst, uintptr_t va,
                   unsigned int pages, bool physical)
{
    uintptr_t size = (uintptr_t)pages * PAGE_SIZE, got = 0, at = va;
    struct vm_copy *copy = NULL;
    uint64_t start;
    int error;

    if (vm_user_allocate(src, &at, size, false) != KERN_SUCCESS
        || !vm_copy_test_fault(src, va, size, true)) {
        return 0;
    }
    start = cpu_rdtsc();
    error = physical ? vm_copy_capture_physical(src, va, size, true, &copy)
                     : vm_copy_capture_cow(src, va, size, true, &copy);
    if (error != 0 || vm_copy_copyout(copy, dst, &got) != 0) {
        return 0;
    }
    for (unsigned int i = 0; i < pages; i++) {
        error |= vm_fault(dst, got + i * PAGE_SIZE, VM_MAP_PROT_READ);
    }
    error |= vm_user_deallocate(dst, got, size);
    return error == 0 ? cpu_rdtsc() - start : 0;
}

static void
vm_copy_bench_fn(void)
{
    static const unsigned int sizes[] = { 1, 2, 4, 8, 16, 32, 64 };
    struct vm_user_map *src = NULL, *dst = NULL;
    uintptr_t va = VM_COPY_TEST_VA;
    unsigned int failures = 0;

    KTEST_ASSERT(vm_user_map_create(&src) == 0 && vm_user_map_create(&dst) == 0);
    KTEST_ASSERT(vm_user_allocate(src, &va, 64 * PAGE_SIZE, false) == KERN_SUCCESS);
    KTEST_ASSERT(vm_copy_test_fill(src, va, 64 * PAGE_SIZE, 1));
    for (unsigned int s = 0; s < ARRAY_SIZE(sizes); s++) {
        uint64_t cost[2][2], moved[2];

        for (unsigned int mode = 0; mode < 4; mode++) {
            bool physical = mode & 1, write = mode & 2;
            uint64_t total = 0, one;

            for (unsigned int r = 0; r < 2 * VM_COPY_BENCH_ROUNDS; r++) {
                one = vm_copy_bench_round(src, dst, va, sizes[s], physical, write);
                failures += one == 0;
                if (r >= VM_COPY_BENCH_ROUNDS) {
                    total += one;
                }
            }
            cost[physical][write] = total / VM_COPY_BENCH_ROUNDS;
        }
        for (unsigned int physical = 0; physical < 2; physical++) {
            uint64_t total = 0, one;

            for (unsigned int r = 0; r < 2 * VM_COPY_BENCH_ROUNDS; r++) {
                one = vm_copy_bench_move(src, dst, VM_COPY_BENCH_MOVE_VA, sizes[s], physical);
                failures += one == 0;
                if (r >= VM_COPY_BENCH_ROUNDS) {
                    total += one;
                }
            }
            moved[physical] = total / VM_COPY_BENCH_ROUNDS;
        }
        printf("bench: vm_copy %2u pages: physical %llu, copy-on-write %llu insns; "
               "the sender then writing every page: physical %llu, copy-on-write %llu; "
               "moved: physical %llu, handed over %llu\n",
               sizes[s], (unsigned long long)cost[1][0], (unsigned long long)cost[0][0],
               (unsigned long long)cost[1][1], (unsigned long long)cost[0][1],
               (unsigned long long)moved[1], (unsigned long long)moved[0]);
    }
    KTEST_ASSERT(failures == 0);
    thread_pmap_set(NULL);
    vm_user_map_destroy(src);
    vm_user_map_destroy(dst);
}

KTEST_DEFINE(vm_copy_bench, vm_copy_bench_fn, KTEST_MANUAL);
