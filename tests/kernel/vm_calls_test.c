/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The second round of Mach VM calls (vm/vm_user.c), in the kernel: the
 * success paths and every documented error, checked word for word
 * through the probes (i386/probe.h) with the map's pmap loaded, and
 * every page and object back at the end (repeatable: test=NAME*2).
 *
 *  test=vm_write        vm_write from a kernel buffer and from another
 *                       map, vm_copy within a map (overlapping both
 *                       ways, zeros from untouched pages, into a
 *                       copy-on-write child); their errors
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/probe.h>
#include <i386/smp.h>
#include <include/mach/kern_return.h>
#include <kern/kmem.h>
#include <kern/ktest.h>
#include <kern/qsbr.h>
#include <kern/thread.h>
#include <machine/pmap.h>
#include <vm/vm_fault.h>
#include <vm/vm_map.h>
#include <vm/vm_object.h>
#include <vm/vm_page.h>
#include <vm/vm_user.h>

#define VM_CALLS_VA             0x20000000u
#define VM_CALLS_WORDS          (PAGE_SIZE / 4)

static void
vm_calls_test_purge(void *arg)
{
    (void)arg;
    kmem_purge();
}

/* Free pages of all segments once deferred frees ran and kmem caches are empty. */
static unsigned long
vm_calls_test_free_pages(void)
{
    struct vm_page_seg_stats stats;
    unsigned long free = 0;

    qsbr_drain();
    smp_call_all(vm_calls_test_purge, NULL);
    for (unsigned int seg = 0; seg < VM_PAGE_NR_SEGS; seg++) {
        if (vm_page_seg_stats_get(seg, &stats) == 0) {
            free += stats.nr_free;
        }
    }
    return free;
}

/* The value page page of a pattern holds at word i. */
static uint32_t
vm_calls_word(uint32_t seed, uintptr_t page, unsigned int i)
{
    return seed == 0 ? 0 : (seed + (uint32_t)page * 0x10000u) ^ i;
}

/* Write pattern seed into npages pages of map at va (faulting them in). Returns failures. */
static unsigned int
vm_calls_fill(struct vm_user_map *map, uintptr_t va, uintptr_t npages, uint32_t seed)
{
    unsigned int bad = 0;

    thread_pmap_set(vm_user_map_pmap(map));
    for (uintptr_t pg = 0; pg < npages; pg++) {
        volatile uint32_t *p = (volatile uint32_t *)(va + pg * PAGE_SIZE);

        bad += vm_fault(map, (uintptr_t)p, VM_MAP_PROT_WRITE) != 0;
        for (unsigned int i = 0; i < VM_CALLS_WORDS; i++) {
            bad += probe_write32(p + i, vm_calls_word(seed, pg, i)) != 0;
        }
    }
    thread_pmap_set(NULL);
    return bad;
}

/*
 * Words of npages pages of map at va that differ from pattern seed
 * starting at pattern page first (seed 0: zeros). Returns the count.
 */
static unsigned int
vm_calls_diff(struct vm_user_map *map, uintptr_t va, uintptr_t npages, uint32_t seed,
              uintptr_t first)
{
    unsigned int bad = 0;
    uint32_t v;

    thread_pmap_set(vm_user_map_pmap(map));
    for (uintptr_t pg = 0; pg < npages; pg++) {
        volatile uint32_t *p = (volatile uint32_t *)(va + pg * PAGE_SIZE);

        if (vm_fault(map, (uintptr_t)p, VM_MAP_PROT_READ) != 0) {
            bad += VM_CALLS_WORDS;
            continue;
        }
        for (unsigned int i = 0; i < VM_CALLS_WORDS; i++) {
            bad += probe_read32(p + i, &v) != 0 || v != vm_calls_word(seed, first + pg, i);
        }
    }
    thread_pmap_set(NULL);
    return bad;
}

/* Allocate size bytes at va in map, fixed. */
static bool
vm_calls_alloc(struct vm_user_map *map, uintptr_t va, uintptr_t size)
{
    return vm_user_allocate(map, &va, size, false) == KERN_SUCCESS;
}

/* vm_write from a kernel buffer: errors first, then the data, word for word. */
static void
vm_write_test_buffer(struct vm_user_map *map, uint32_t *buf)
{
    uintptr_t va = VM_CALLS_VA;

    /* [va, va + 4 pages) RW, then a read-only page, then a hole. */
    KTEST_ASSERT(vm_calls_alloc(map, va, 5 * PAGE_SIZE));
    KTEST_ASSERT(vm_user_protect(map, va + 4 * PAGE_SIZE, PAGE_SIZE, false,
                                 VM_MAP_PROT_READ) == KERN_SUCCESS);
    KTEST_ASSERT(vm_calls_fill(map, va, 4, 0x11110000) == 0);
    for (unsigned int i = 0; i < 2 * VM_CALLS_WORDS; i++) {
        buf[i] = vm_calls_word(0x22220000, i / VM_CALLS_WORDS, i % VM_CALLS_WORDS);
    }

    KTEST_ASSERT(vm_user_write(NULL, va, buf, PAGE_SIZE) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(vm_user_write(map, va, buf, 0) == KERN_SUCCESS);
    KTEST_ASSERT(vm_user_write(map, va + 4, buf, PAGE_SIZE) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(vm_user_write(map, va, buf, PAGE_SIZE + 4) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(vm_user_write(map, va - PAGE_SIZE, buf, 2 * PAGE_SIZE)
                 == KERN_INVALID_ADDRESS);
    KTEST_ASSERT(vm_user_write(map, va + 5 * PAGE_SIZE, buf, PAGE_SIZE)
                 == KERN_INVALID_ADDRESS);
    KTEST_ASSERT(vm_user_write(map, VM_USER_MAX - PAGE_SIZE, buf, 2 * PAGE_SIZE)
                 == KERN_INVALID_ADDRESS);
    /* Read-only last page: refused before anything is written. */
    KTEST_ASSERT(vm_user_write(map, va + 3 * PAGE_SIZE, buf, 2 * PAGE_SIZE)
                 == KERN_PROTECTION_FAILURE);
    KTEST_ASSERT(vm_calls_diff(map, va + 3 * PAGE_SIZE, 1, 0x11110000, 3) == 0);
    /* Nothing changed by the errors. */
    KTEST_ASSERT(vm_calls_diff(map, va, 4, 0x11110000, 0) == 0);

    /* Two pages into the middle: the neighbours stay. */
    KTEST_ASSERT(vm_user_write(map, va + PAGE_SIZE, buf, 2 * PAGE_SIZE) == KERN_SUCCESS);
    KTEST_ASSERT(vm_calls_diff(map, va, 1, 0x11110000, 0) == 0);
    KTEST_ASSERT(vm_calls_diff(map, va + PAGE_SIZE, 2, 0x22220000, 0) == 0);
    KTEST_ASSERT(vm_calls_diff(map, va + 3 * PAGE_SIZE, 1, 0x11110000, 3) == 0);
    /* Into pages never touched (no page in the object yet). */
    KTEST_ASSERT(vm_calls_alloc(map, va + 8 * PAGE_SIZE, 2 * PAGE_SIZE));
    KTEST_ASSERT(vm_user_write(map, va + 8 * PAGE_SIZE, buf, 2 * PAGE_SIZE) == KERN_SUCCESS);
    KTEST_ASSERT(vm_calls_diff(map, va + 8 * PAGE_SIZE, 2, 0x22220000, 0) == 0);
    KTEST_ASSERT(vm_user_deallocate(map, va, 10 * PAGE_SIZE) == KERN_SUCCESS);
}

/*
 * vm_write from another map, and into a copy-on-write child: the
 * child's pages change, the parent's do not.
 */
static void
vm_write_test_maps(struct vm_user_map *map, struct vm_user_map *other)
{
    struct vm_user_map *child;
    uintptr_t va = VM_CALLS_VA;

    KTEST_ASSERT(vm_calls_alloc(map, va, 4 * PAGE_SIZE));
    KTEST_ASSERT(vm_calls_alloc(other, va, 4 * PAGE_SIZE));
    KTEST_ASSERT(vm_calls_fill(map, va, 4, 0x33330000) == 0);
    KTEST_ASSERT(vm_calls_fill(other, va, 2, 0x44440000) == 0);   /* pages 2, 3 untouched */

    /* Source errors come first (GNU Mach's copyin), then alignment. */
    KTEST_ASSERT(vm_user_write_map(map, va, other, va + 3 * PAGE_SIZE, 2 * PAGE_SIZE)
                 == KERN_INVALID_ADDRESS);
    KTEST_ASSERT(vm_user_write_map(map, va + 4, other, va + 3 * PAGE_SIZE, 2 * PAGE_SIZE)
                 == KERN_INVALID_ADDRESS);
    KTEST_ASSERT(vm_user_write_map(map, va, other, va + 4, PAGE_SIZE) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(vm_user_write_map(map, va, other, va, 4) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(vm_user_write_map(map, va, NULL, va, PAGE_SIZE) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(vm_user_protect(other, va, PAGE_SIZE, false, VM_MAP_PROT_NONE)
                 == KERN_SUCCESS);
    KTEST_ASSERT(vm_user_write_map(map, va, other, va, PAGE_SIZE) == KERN_PROTECTION_FAILURE);
    KTEST_ASSERT(vm_user_protect(other, va, PAGE_SIZE, false, VM_MAP_PROT_READ)
                 == KERN_SUCCESS);
    KTEST_ASSERT(vm_calls_diff(map, va, 4, 0x33330000, 0) == 0);

    /* All four pages: two written, two zeros (never touched in other). */
    KTEST_ASSERT(vm_user_write_map(map, va, other, va, 4 * PAGE_SIZE) == KERN_SUCCESS);
    KTEST_ASSERT(vm_calls_diff(map, va, 2, 0x44440000, 0) == 0);
    KTEST_ASSERT(vm_calls_diff(map, va + 2 * PAGE_SIZE, 2, 0, 0) == 0);
    /* A copy: later writes to the source do not show. */
    KTEST_ASSERT(vm_calls_fill(other, va + PAGE_SIZE, 1, 0x55550000) == 0);
    KTEST_ASSERT(vm_calls_diff(map, va, 2, 0x44440000, 0) == 0);

    /* Into a copy-on-write child of map: the parent keeps its data. */
    KTEST_ASSERT(vm_user_map_create(&child) == 0);
    if (child == NULL) {
        return;
    }
    KTEST_ASSERT(vm_user_map_fork(map, child) == 0);
    KTEST_ASSERT(vm_user_write_map(child, va + PAGE_SIZE, other, va + PAGE_SIZE, PAGE_SIZE)
                 == KERN_SUCCESS);
    KTEST_ASSERT(vm_calls_diff(child, va + PAGE_SIZE, 1, 0x55550000, 0) == 0);
    KTEST_ASSERT(vm_calls_diff(child, va, 1, 0x44440000, 0) == 0);
    KTEST_ASSERT(vm_calls_diff(map, va, 2, 0x44440000, 0) == 0);
    vm_user_map_destroy(child);
    KTEST_ASSERT(vm_user_deallocate(map, va, 4 * PAGE_SIZE) == KERN_SUCCESS);
    KTEST_ASSERT(vm_user_deallocate(other, va, 4 * PAGE_SIZE) == KERN_SUCCESS);
}

/* vm_copy within one map: overlapping both ways, and its errors. */
static void
vm_copy_test(struct vm_user_map *map)
{
    uintptr_t va = VM_CALLS_VA;

    /* 8 pages: 0-5 filled, 6-7 untouched. */
    KTEST_ASSERT(vm_calls_alloc(map, va, 8 * PAGE_SIZE));
    KTEST_ASSERT(vm_calls_fill(map, va, 6, 0x66660000) == 0);

    KTEST_ASSERT(vm_user_copy(NULL, va, PAGE_SIZE, va) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(vm_user_copy(map, va, 0, va + PAGE_SIZE) == KERN_SUCCESS);
    KTEST_ASSERT(vm_user_copy(map, va + 7 * PAGE_SIZE, 2 * PAGE_SIZE, va)
                 == KERN_INVALID_ADDRESS);                              /* source hole */
    KTEST_ASSERT(vm_user_copy(map, va - 4, PAGE_SIZE, va) == KERN_INVALID_ADDRESS);
    KTEST_ASSERT(vm_user_copy(map, va + 4, PAGE_SIZE, va) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(vm_user_copy(map, va, PAGE_SIZE, va + 7 * PAGE_SIZE + 4)
                 == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(vm_user_copy(map, va, 2 * PAGE_SIZE, va + 7 * PAGE_SIZE)
                 == KERN_INVALID_ADDRESS);                              /* dest hole */
    KTEST_ASSERT(vm_user_copy(map, VM_USER_MAX - PAGE_SIZE, 2 * PAGE_SIZE, va)
                 == KERN_INVALID_ADDRESS);
    KTEST_ASSERT(vm_user_protect(map, va + 7 * PAGE_SIZE, PAGE_SIZE, false, VM_MAP_PROT_READ)
                 == KERN_SUCCESS);
    KTEST_ASSERT(vm_user_copy(map, va, PAGE_SIZE, va + 7 * PAGE_SIZE)
                 == KERN_PROTECTION_FAILURE);
    KTEST_ASSERT(vm_user_protect(map, va + 7 * PAGE_SIZE, PAGE_SIZE, false, VM_MAP_PROT_RW)
                 == KERN_SUCCESS);
    KTEST_ASSERT(vm_calls_diff(map, va, 6, 0x66660000, 0) == 0);

    /* Overlapping, destination above: pages 0-3 to 2-5 (memmove). */
    KTEST_ASSERT(vm_user_copy(map, va, 4 * PAGE_SIZE, va + 2 * PAGE_SIZE) == KERN_SUCCESS);
    KTEST_ASSERT(vm_calls_diff(map, va, 2, 0x66660000, 0) == 0);
    KTEST_ASSERT(vm_calls_diff(map, va + 2 * PAGE_SIZE, 4, 0x66660000, 0) == 0);
    /* Overlapping, destination below: pages 2-5 (now 0-3's data) to 1-4. */
    KTEST_ASSERT(vm_user_copy(map, va + 2 * PAGE_SIZE, 4 * PAGE_SIZE, va + PAGE_SIZE)
                 == KERN_SUCCESS);
    KTEST_ASSERT(vm_calls_diff(map, va, 1, 0x66660000, 0) == 0);
    KTEST_ASSERT(vm_calls_diff(map, va + PAGE_SIZE, 4, 0x66660000, 0) == 0);
    KTEST_ASSERT(vm_calls_diff(map, va + 5 * PAGE_SIZE, 1, 0x66660000, 3) == 0);
    /* Zeros from untouched pages; onto itself changes nothing. */
    KTEST_ASSERT(vm_user_copy(map, va + 6 * PAGE_SIZE, 2 * PAGE_SIZE, va) == KERN_SUCCESS);
    KTEST_ASSERT(vm_calls_diff(map, va, 2, 0, 0) == 0);
    KTEST_ASSERT(vm_user_copy(map, va + 2 * PAGE_SIZE, 2 * PAGE_SIZE, va + 2 * PAGE_SIZE)
                 == KERN_SUCCESS);
    KTEST_ASSERT(vm_calls_diff(map, va + 2 * PAGE_SIZE, 2, 0x66660000, 1) == 0);
    KTEST_ASSERT(vm_user_deallocate(map, va, 8 * PAGE_SIZE) == KERN_SUCCESS);
}

static void
vm_write_fn(void)
{
    unsigned long free_before = vm_calls_test_free_pages();
    unsigned long objects_before = vm_object_count();
    struct vm_user_map *map = NULL, *other = NULL;
    uint32_t *buf;

    buf = kmem_alloc(2 * PAGE_SIZE);
    KTEST_ASSERT(buf != NULL && vm_user_map_create(&map) == 0
                 && vm_user_map_create(&other) == 0);
    if (buf != NULL && map != NULL && other != NULL) {
        vm_write_test_buffer(map, buf);
        vm_write_test_maps(map, other);
        vm_copy_test(map);
    }
    if (map != NULL) {
        vm_user_map_destroy(map);
    }
    if (other != NULL) {
        vm_user_map_destroy(other);
    }
    if (buf != NULL) {
        kmem_free(buf, 2 * PAGE_SIZE);
    }
    ktest_assert_msg(vm_object_count() == objects_before, "%lu objects, %lu before",
                     vm_object_count(), objects_before);
    ktest_assert_msg(vm_calls_test_free_pages() == free_before, "%lu free pages, %lu before",
                     vm_calls_test_free_pages(), free_before);
}

KTEST_DEFINE(vm_write, vm_write_fn, 0);
