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
 *  test=vm_limits       vm_set_size_limit / vm_get_size_limit: defaults,
 *                       privilege, enforcement by vm_allocate and vm_map
 *                       (maximum protection NONE not counted), task_create
 *  test=vm_wire         vm_wire, vm_wire_all (current, future, none),
 *                       wired memory kept in place across task_create
 *                       and vm_read; vm_machine_attribute
 *  test=vm_contig       vm_allocate_contiguous: contiguity, the physical
 *                       limit, zero fill, argument rules, exhaustion;
 *                       vm_pages_phys
 *  test=vm_calls_bench  (manual; tools/bench-kernel, -icount) instructions
 *                       of vm_write, vm_copy, vm_read of 4 KiB and 1 MiB,
 *                       vm_allocate + vm_deallocate, a 64 KiB
 *                       vm_allocate_contiguous
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/cpu.h>
#include <i386/probe.h>
#include <i386/smp.h>
#include <include/mach/kern_return.h>
#include <kern/kmem.h>
#include <kern/ktest.h>
#include <kern/printf.h>
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

static void
vm_limits_test(struct vm_user_map *map, struct vm_user_map *other)
{
    uintptr_t cur = 0, max = 0, addr;

    KTEST_ASSERT(vm_user_get_size_limit(map, &cur, &max) == KERN_SUCCESS);
    ktest_assert_msg(cur == VM_USER_SIZE_LIMIT_DEFAULT && max == cur,
                     "default limits 0x%lx/0x%lx, want none", (unsigned long)cur,
                     (unsigned long)max);
    KTEST_ASSERT(vm_user_get_size_limit(NULL, &cur, &max) == KERN_INVALID_TASK);
    KTEST_ASSERT(vm_user_set_size_limit(NULL, true, 2, 1) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(vm_user_set_size_limit(NULL, true, 1, 2) == KERN_INVALID_TASK);
    KTEST_ASSERT(vm_user_set_size_limit(map, false, 16 * PAGE_SIZE, 32 * PAGE_SIZE)
                 == KERN_SUCCESS);
    KTEST_ASSERT(vm_user_get_size_limit(map, &cur, &max) == KERN_SUCCESS
                 && cur == 16 * PAGE_SIZE && max == 32 * PAGE_SIZE);
    KTEST_ASSERT(vm_user_set_size_limit(map, false, 16 * PAGE_SIZE, 33 * PAGE_SIZE)
                 == KERN_NO_ACCESS);
    KTEST_ASSERT(vm_user_get_size_limit(map, &cur, &max) == KERN_SUCCESS
                 && max == 32 * PAGE_SIZE);
    KTEST_ASSERT(vm_user_set_size_limit(map, false, 32 * PAGE_SIZE, 32 * PAGE_SIZE)
                 == KERN_SUCCESS);
    KTEST_ASSERT(vm_user_set_size_limit(map, true, 4 * PAGE_SIZE, 64 * PAGE_SIZE)
                 == KERN_SUCCESS);

    /* Enforced: 4 pages. */
    addr = VM_CALLS_VA;
    KTEST_ASSERT(vm_user_allocate(map, &addr, 3 * PAGE_SIZE, false) == KERN_SUCCESS);
    KTEST_ASSERT(vm_user_allocate(map, &addr, 2 * PAGE_SIZE, true) == KERN_NO_SPACE);
    addr = VM_CALLS_VA + 16 * PAGE_SIZE;
    KTEST_ASSERT(vm_user_map(map, &addr, 2 * PAGE_SIZE, 0, false, false, VM_MAP_PROT_READ,
                             VM_MAP_PROT_READ, VM_MAP_INHERIT_COPY) == KERN_NO_SPACE);
    /* Maximum protection NONE does not count. */
    KTEST_ASSERT(vm_user_map(map, &addr, 10 * PAGE_SIZE, 0, true, false, VM_MAP_PROT_NONE,
                             VM_MAP_PROT_NONE, VM_MAP_INHERIT_COPY) == KERN_SUCCESS);
    KTEST_ASSERT(vm_user_allocate(map, &addr, PAGE_SIZE, true) == KERN_SUCCESS);
    KTEST_ASSERT(vm_user_allocate(map, &addr, PAGE_SIZE, true) == KERN_NO_SPACE);
    KTEST_ASSERT(vm_user_protect(map, VM_CALLS_VA, PAGE_SIZE, true, VM_MAP_PROT_NONE)
                 == KERN_SUCCESS);
    KTEST_ASSERT(vm_user_allocate(map, &addr, PAGE_SIZE, true) == KERN_SUCCESS);
    KTEST_ASSERT(vm_user_deallocate(map, VM_CALLS_VA, 3 * PAGE_SIZE) == KERN_SUCCESS);
    KTEST_ASSERT(vm_user_allocate(map, &addr, 2 * PAGE_SIZE, true) == KERN_SUCCESS);

    /* A child starts with its parent's limits. */
    vm_user_map_limits_copy(other, map);
    KTEST_ASSERT(vm_user_get_size_limit(other, &cur, &max) == KERN_SUCCESS
                 && cur == 4 * PAGE_SIZE && max == 64 * PAGE_SIZE);
}

static void
vm_limits_fn(void)
{
    unsigned long free_before = vm_calls_test_free_pages();
    unsigned long objects_before = vm_object_count();
    struct vm_user_map *map = NULL, *other = NULL;

    KTEST_ASSERT(vm_user_map_create(&map) == 0 && vm_user_map_create(&other) == 0);
    if (map != NULL && other != NULL) {
        vm_limits_test(map, other);
    }
    if (map != NULL) {
        vm_user_map_destroy(map);
    }
    if (other != NULL) {
        vm_user_map_destroy(other);
    }
    KTEST_ASSERT(vm_object_count() == objects_before);
    KTEST_ASSERT(vm_calls_test_free_pages() == free_before);
}

/* Physical address of va in map, or 0 when unmapped. */
static phys_addr_t
vm_calls_pa(struct vm_user_map *map, uintptr_t va)
{
    phys_addr_t pa = 0;

    return pmap_extract(vm_user_map_pmap(map), va, &pa) ? pa : 0;
}

/* Wired access of the entry of map at va (0xff: no entry). */
static unsigned int
vm_calls_wired(struct vm_user_map *map, uintptr_t va)
{
    const struct vm_map_entry *entry;
    unsigned int access = 0xff;

    vm_user_map_lock(map);
    entry = vm_map_lookup(&map->map, va);
    if (entry != NULL) {
        access = entry->wired_access;
    }
    vm_user_map_unlock(map);
    return access;
}

static void
vm_wire_test_errors(struct vm_user_map *map)
{
    uintptr_t va = VM_CALLS_VA;
    int value = 7;

    KTEST_ASSERT(vm_user_machine_attribute(NULL, 0, PAGE_SIZE, 1, &value)
                 == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(vm_user_machine_attribute(map, VM_USER_MAX - PAGE_SIZE, 2 * PAGE_SIZE, 1,
                                           &value) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(vm_user_machine_attribute(map, va, PAGE_SIZE, 1, &value)
                 == KERN_INVALID_ADDRESS && value == 7);
    KTEST_ASSERT(vm_user_machine_attribute(map, 0xFFFFF000u, 0x2000, 1, &value)
                 == KERN_INVALID_ADDRESS);

    /* [va, va + 4 pages) RW, a hole, [va + 5, va + 6) read-only. */
    KTEST_ASSERT(vm_calls_alloc(map, va, 4 * PAGE_SIZE));
    KTEST_ASSERT(vm_calls_alloc(map, va + 5 * PAGE_SIZE, PAGE_SIZE));
    KTEST_ASSERT(vm_user_protect(map, va + 5 * PAGE_SIZE, PAGE_SIZE, false, VM_MAP_PROT_READ)
                 == KERN_SUCCESS);
    KTEST_ASSERT(vm_user_wire(NULL, true, va, PAGE_SIZE, VM_MAP_PROT_RW) == KERN_INVALID_TASK);
    KTEST_ASSERT(vm_user_wire(map, true, va, PAGE_SIZE, 8) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(vm_user_wire(map, true, va - PAGE_SIZE, 2 * PAGE_SIZE, VM_MAP_PROT_RW)
                 == KERN_NO_SPACE);
    KTEST_ASSERT(vm_user_wire(map, true, va, 6 * PAGE_SIZE, VM_MAP_PROT_READ)
                 == KERN_NO_SPACE);                                     /* the hole */
    KTEST_ASSERT(vm_user_wire(map, true, va + 5 * PAGE_SIZE, PAGE_SIZE, VM_MAP_PROT_RW)
                 == KERN_NO_SPACE);                                     /* read-only */
    KTEST_ASSERT(vm_user_wire(map, false, va, VM_USER_WIRE_MAX + 1, VM_MAP_PROT_READ)
                 == KERN_NO_ACCESS);
    KTEST_ASSERT(vm_user_map_resident(map) == 0 && vm_calls_wired(map, va) == 0);
    KTEST_ASSERT(vm_user_wire(map, true, va + 5 * PAGE_SIZE, PAGE_SIZE, VM_MAP_PROT_READ)
                 == KERN_SUCCESS && vm_user_map_resident(map) == 1);
    KTEST_ASSERT(vm_user_deallocate(map, va, 6 * PAGE_SIZE) == KERN_SUCCESS);

    KTEST_ASSERT(vm_user_wire_all(map, false, VM_USER_WIRE_ALL) == KERN_INVALID_HOST);
    KTEST_ASSERT(vm_user_wire_all(NULL, true, VM_USER_WIRE_ALL) == KERN_INVALID_TASK);
    KTEST_ASSERT(vm_user_wire_all(map, true, 4) == KERN_INVALID_ARGUMENT);
}

/* Wired memory keeps its physical pages across task_create (fork) and vm_read. */
static void
vm_wire_test_fork(struct vm_user_map *map)
{
    struct vm_user_map *child;
    uintptr_t va = VM_CALLS_VA, copy = 0, count = 0;
    phys_addr_t pa[4];

    KTEST_ASSERT(vm_calls_alloc(map, va, 4 * PAGE_SIZE));
    KTEST_ASSERT(vm_calls_fill(map, va, 2, 0x77770000) == 0);
    KTEST_ASSERT(vm_user_wire(map, false, va, 4 * PAGE_SIZE, VM_MAP_PROT_RW) == KERN_SUCCESS);
    ktest_assert_msg(vm_user_map_resident(map) == 4, "wired 4 pages: %lu resident",
                     vm_user_map_resident(map));
    KTEST_ASSERT(vm_calls_wired(map, va) == VM_MAP_PROT_RW);
    for (unsigned int i = 0; i < 4; i++) {
        pa[i] = vm_calls_pa(map, va + i * PAGE_SIZE);
        KTEST_ASSERT(pa[i] != 0);
    }

    KTEST_ASSERT(vm_user_map_create(&child) == 0);
    if (child == NULL) {
        return;
    }
    KTEST_ASSERT(vm_user_map_fork(map, child) == 0);
    KTEST_ASSERT(vm_calls_wired(child, va) == 0);           /* a child's copy is not wired */
    KTEST_ASSERT(vm_calls_fill(map, va + PAGE_SIZE, 1, 0x88880000) == 0);
    KTEST_ASSERT(vm_calls_diff(child, va, 2, 0x77770000, 0) == 0);
    KTEST_ASSERT(vm_calls_fill(child, va, 1, 0x99990000) == 0);
    KTEST_ASSERT(vm_calls_diff(map, va, 1, 0x77770000, 0) == 0);
    KTEST_ASSERT(vm_calls_diff(map, va + PAGE_SIZE, 1, 0x88880000, 0) == 0);
    /* vm_read of the wired range: a copy, the source's pages stay. */
    KTEST_ASSERT(vm_user_read(map, va, 4 * PAGE_SIZE, child, &copy, &count) == KERN_SUCCESS
                 && count == 4 * PAGE_SIZE);
    KTEST_ASSERT(vm_calls_diff(child, copy, 1, 0x77770000, 0) == 0);
    KTEST_ASSERT(vm_calls_fill(map, va, 1, 0xAAAA0000) == 0);
    KTEST_ASSERT(vm_calls_diff(child, copy, 1, 0x77770000, 0) == 0);
    for (unsigned int i = 0; i < 4; i++) {
        ktest_assert_msg(vm_calls_pa(map, va + i * PAGE_SIZE) == pa[i],
                         "wired page %u moved", i);
    }
    vm_user_map_destroy(child);

    /* Unwire; a protection round trip of a wired range maps its pages again. */
    KTEST_ASSERT(vm_user_protect(map, va, 4 * PAGE_SIZE, false, VM_MAP_PROT_NONE)
                 == KERN_SUCCESS && vm_user_map_resident(map) == 0);
    KTEST_ASSERT(vm_user_protect(map, va, 4 * PAGE_SIZE, false, VM_MAP_PROT_RW)
                 == KERN_SUCCESS && vm_user_map_resident(map) == 4);
    KTEST_ASSERT(vm_user_wire(map, false, va, 4 * PAGE_SIZE, 0) == KERN_SUCCESS
                 && vm_calls_wired(map, va) == 0);
    KTEST_ASSERT(vm_user_deallocate(map, va, 4 * PAGE_SIZE) == KERN_SUCCESS);
}

static void
vm_wire_test_all(struct vm_user_map *map)
{
    uintptr_t va = VM_CALLS_VA, addr;

    KTEST_ASSERT(vm_calls_alloc(map, va, 3 * PAGE_SIZE));
    KTEST_ASSERT(vm_calls_alloc(map, va + 4 * PAGE_SIZE, 2 * PAGE_SIZE));
    KTEST_ASSERT(vm_user_protect(map, va + 4 * PAGE_SIZE, 2 * PAGE_SIZE, false,
                                 VM_MAP_PROT_NONE) == KERN_SUCCESS);
    KTEST_ASSERT(vm_user_wire_all(map, true, VM_USER_WIRE_CURRENT) == KERN_SUCCESS);
    ktest_assert_msg(vm_user_map_resident(map) == 3, "wire_all(current): %lu resident",
                     vm_user_map_resident(map));
    KTEST_ASSERT(vm_calls_wired(map, va) == VM_MAP_PROT_RW
                 && vm_calls_wired(map, va + 4 * PAGE_SIZE) == VM_MAP_PROT_RW);
    addr = 0;
    KTEST_ASSERT(vm_user_allocate(map, &addr, 2 * PAGE_SIZE, true) == KERN_SUCCESS);
    KTEST_ASSERT(vm_user_map_resident(map) == 3 && vm_calls_wired(map, addr) == 0);

    KTEST_ASSERT(vm_user_wire_all(map, true, VM_USER_WIRE_FUTURE) == KERN_SUCCESS);
    addr = 0;
    KTEST_ASSERT(vm_user_allocate(map, &addr, 2 * PAGE_SIZE, true) == KERN_SUCCESS);
    ktest_assert_msg(vm_user_map_resident(map) == 5 && vm_calls_wired(map, addr)
                     == VM_MAP_PROT_RW, "wire_all(future): %lu resident",
                     vm_user_map_resident(map));

    /* CURRENT alone keeps wiring future mappings. */
    KTEST_ASSERT(vm_user_wire_all(map, true, VM_USER_WIRE_CURRENT) == KERN_SUCCESS);
    KTEST_ASSERT(map->wire_future);
    KTEST_ASSERT(vm_user_wire_all(map, true, VM_USER_WIRE_NONE) == KERN_SUCCESS);
    KTEST_ASSERT(!map->wire_future);
    KTEST_ASSERT(vm_calls_wired(map, va) == 0 && vm_calls_wired(map, addr) == 0);
    addr = 0;
    KTEST_ASSERT(vm_user_allocate(map, &addr, 2 * PAGE_SIZE, true) == KERN_SUCCESS);
    ktest_assert_msg(vm_user_map_resident(map) == 7, "after wire_all(none): %lu resident",
                     vm_user_map_resident(map));    /* CURRENT wired the unwired 2 too */
    KTEST_ASSERT(vm_user_deallocate(map, 0, VM_USER_MAX) == KERN_SUCCESS);
}

static void
vm_wire_fn(void)
{
    unsigned long free_before = vm_calls_test_free_pages();
    unsigned long objects_before = vm_object_count();
    struct vm_user_map *map = NULL;

    KTEST_ASSERT(vm_user_map_create(&map) == 0);
    if (map != NULL) {
        vm_wire_test_errors(map);
        vm_wire_test_fork(map);
        vm_wire_test_all(map);
        vm_user_map_destroy(map);
    }
    KTEST_ASSERT(vm_object_count() == objects_before);
    KTEST_ASSERT(vm_calls_test_free_pages() == free_before);
}

/* Allocate size contiguous bytes below pmax in map and check every page. */
static void
vm_contig_test_one(struct vm_user_map *map, uintptr_t size, uint64_t pmax, uint64_t below)
{
    uintptr_t va = 0, npages = size / PAGE_SIZE;
    uint64_t pa = 0, phys[16];
    kern_return_t kr;

    kr = vm_user_allocate_contiguous(map, true, &va, &pa, size, 0, pmax, 0);
    KTEST_ASSERT(kr == KERN_SUCCESS);
    if (kr != KERN_SUCCESS) {
        return;
    }
    ktest_diag("vm_contig: %lu pages at 0x%llx (pmax 0x%llx)", (unsigned long)npages,
               (unsigned long long)pa, (unsigned long long)pmax);
    ktest_assert_msg(pa + size <= below, "run 0x%llx + 0x%lx ends past 0x%llx",
                     (unsigned long long)pa, (unsigned long)size, (unsigned long long)below);
    KTEST_ASSERT(vm_user_map_resident(map) >= npages);
    KTEST_ASSERT(vm_calls_wired(map, va) == VM_MAP_PROT_RW);
    for (uintptr_t i = 0; i < npages; i++) {
        ktest_assert_msg(vm_calls_pa(map, va + i * PAGE_SIZE) == pa + i * PAGE_SIZE,
                         "page %lu at 0x%llx, want 0x%llx", (unsigned long)i,
                         (unsigned long long)vm_calls_pa(map, va + i * PAGE_SIZE),
                         (unsigned long long)(pa + i * PAGE_SIZE));
    }
    KTEST_ASSERT(vm_calls_diff(map, va, npages, 0, 0) == 0);          /* zero-filled */
    KTEST_ASSERT(vm_calls_fill(map, va, npages, 0xBBBB0000) == 0);
    KTEST_ASSERT(vm_calls_diff(map, va, npages, 0xBBBB0000, 0) == 0);
    if (npages <= 16) {
        KTEST_ASSERT(vm_user_pages_phys(map, true, va, size, phys, 16) == KERN_SUCCESS);
        for (uintptr_t i = 0; i < npages; i++) {
            KTEST_ASSERT(phys[i] == pa + i * PAGE_SIZE);
        }
    }
    KTEST_ASSERT(vm_user_deallocate(map, va, size) == KERN_SUCCESS);
}

static void
vm_contig_test_errors(struct vm_user_map *map)
{
    uintptr_t va = 0, addr = VM_CALLS_VA;
    uint64_t pa = 0, phys[4] = { 1, 1, 1, 1 };

    KTEST_ASSERT(vm_user_allocate_contiguous(map, false, &va, &pa, PAGE_SIZE, 0, 0, 0)
                 == KERN_INVALID_HOST);
    KTEST_ASSERT(vm_user_allocate_contiguous(NULL, true, &va, &pa, PAGE_SIZE, 0, 0, 0)
                 == KERN_INVALID_TASK);
    KTEST_ASSERT(vm_user_allocate_contiguous(map, true, &va, &pa, PAGE_SIZE, PAGE_SIZE,
                                             0x2000000, 0) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(vm_user_allocate_contiguous(map, true, &va, &pa, PAGE_SIZE, 0, 0x2000000, 3)
                 == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(vm_user_allocate_contiguous(map, true, &va, &pa, PAGE_SIZE, 0, 0x2000000,
                                             2 * PAGE_SIZE) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(vm_user_allocate_contiguous(map, true, &va, &pa, 0, 0, 0x2000000, 0)
                 == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(vm_user_allocate_contiguous(map, true, &va, &pa, UINTPTR_MAX, 0, 0x2000000, 0)
                 == KERN_INVALID_ARGUMENT);
    /* More than the machine has below 4 GiB. */
    KTEST_ASSERT(vm_user_allocate_contiguous(map, true, &va, &pa, 0xB0000000u, 0,
                                             0x100000000ULL, 0) == KERN_RESOURCE_SHORTAGE);
    /* Over the size limit: the pages go back (checked at the end). */
    KTEST_ASSERT(vm_user_set_size_limit(map, true, PAGE_SIZE, PAGE_SIZE) == KERN_SUCCESS);
    KTEST_ASSERT(vm_user_allocate_contiguous(map, true, &va, &pa, 2 * PAGE_SIZE, 0,
                                             0x2000000, 16) == KERN_NO_SPACE);
    KTEST_ASSERT(vm_user_set_size_limit(map, true, VM_USER_SIZE_LIMIT_DEFAULT,
                                        VM_USER_SIZE_LIMIT_DEFAULT)
                 == KERN_SUCCESS);

    /* vm_pages_phys. */
    KTEST_ASSERT(vm_user_pages_phys(map, false, addr, PAGE_SIZE, phys, 4) == KERN_INVALID_HOST);
    KTEST_ASSERT(vm_user_pages_phys(NULL, true, addr, PAGE_SIZE, phys, 4) == KERN_INVALID_TASK);
    KTEST_ASSERT(vm_user_pages_phys(map, true, addr + 4, PAGE_SIZE, phys, 4)
                 == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(vm_user_pages_phys(map, true, addr, PAGE_SIZE + 4, phys, 4)
                 == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(vm_user_pages_phys(map, true, addr, 5 * PAGE_SIZE, phys, 4)
                 == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(vm_calls_alloc(map, addr, 2 * PAGE_SIZE));
    KTEST_ASSERT(vm_calls_fill(map, addr, 1, 0xCCCC0000) == 0);
    KTEST_ASSERT(vm_user_pages_phys(map, true, addr, 4 * PAGE_SIZE, phys, 4) == KERN_SUCCESS);
    KTEST_ASSERT(phys[0] == vm_calls_pa(map, addr) && phys[0] != 0);
    KTEST_ASSERT(phys[1] == 0 && phys[2] == 0 && phys[3] == 0);    /* untouched, unmapped */
    KTEST_ASSERT(vm_user_deallocate(map, addr, 2 * PAGE_SIZE) == KERN_SUCCESS);
}

static void
vm_contig_fn(void)
{
    unsigned long free_before = vm_calls_test_free_pages();
    unsigned long objects_before = vm_object_count();
    struct vm_user_map *map = NULL;

    KTEST_ASSERT(vm_user_map_create(&map) == 0);
    if (map != NULL) {
        vm_contig_test_errors(map);
        vm_contig_test_one(map, 16 * PAGE_SIZE, 0x2000000, 0x2000000);
        vm_contig_test_one(map, 3 * PAGE_SIZE, 0, VM_USER_DMA_LIMIT);
        vm_contig_test_one(map, PAGE_SIZE, 0x100000, VM_USER_DMA_LIMIT);
        vm_contig_test_one(map, 256 * PAGE_SIZE, 0x100000000ULL, 0x100000000ULL);
        vm_user_map_destroy(map);
    }
    KTEST_ASSERT(vm_object_count() == objects_before);
    ktest_assert_msg(vm_calls_test_free_pages() == free_before, "%lu free pages, %lu before",
                     vm_calls_test_free_pages(), free_before);
}

KTEST_DEFINE(vm_limits, vm_limits_fn, 0);
KTEST_DEFINE(vm_wire, vm_wire_fn, 0);
KTEST_DEFINE(vm_contig, vm_contig_fn, 0);

/* ---------------------------------------------------------------- benchmark */

#define VM_CALLS_BENCH_ROUNDS   16
#define VM_CALLS_BENCH_BIG      (1u << 20)

/* Instructions of one call of op (the mean of the second half of the rounds). */
#define VM_CALLS_BENCH(name, setup, op, undo)                                   \
    do {                                                                        \
        uint64_t total_ = 0, start_;                                            \
        for (unsigned int r_ = 0; r_ < 2 * VM_CALLS_BENCH_ROUNDS; r_++) {       \
            setup;                                                              \
            start_ = cpu_rdtsc();                                               \
            failures += (op) != KERN_SUCCESS;                                   \
            if (r_ >= VM_CALLS_BENCH_ROUNDS) {                                  \
                total_ += cpu_rdtsc() - start_;                                 \
            }                                                                   \
            undo;                                                               \
        }                                                                       \
        printf("bench: %s %llu insns\n", name,                                 \
               (unsigned long long)(total_ / VM_CALLS_BENCH_ROUNDS));           \
    } while (0)

static void
vm_calls_bench_fn(void)
{
    uintptr_t va = VM_CALLS_VA, src_va = VM_CALLS_VA + 2 * VM_CALLS_BENCH_BIG;
    uintptr_t addr = 0, data = 0, count = 0;
    struct vm_user_map *map = NULL, *other = NULL;
    unsigned int failures = 0;
    uint64_t pa = 0;
    void *buf;

    buf = kmem_alloc(VM_CALLS_BENCH_BIG);
    KTEST_ASSERT(buf != NULL && vm_user_map_create(&map) == 0
                 && vm_user_map_create(&other) == 0);
    if (buf == NULL || map == NULL || other == NULL) {
        return;
    }
    /* Destinations resident, sources written. */
    KTEST_ASSERT(vm_calls_alloc(map, va, VM_CALLS_BENCH_BIG));
    KTEST_ASSERT(vm_calls_alloc(map, src_va, VM_CALLS_BENCH_BIG));
    KTEST_ASSERT(vm_calls_alloc(other, va, VM_CALLS_BENCH_BIG));
    KTEST_ASSERT(vm_calls_fill(map, va, VM_CALLS_BENCH_BIG / PAGE_SIZE, 0x1000) == 0);
    KTEST_ASSERT(vm_calls_fill(map, src_va, VM_CALLS_BENCH_BIG / PAGE_SIZE, 0x2000) == 0);
    KTEST_ASSERT(vm_calls_fill(other, va, VM_CALLS_BENCH_BIG / PAGE_SIZE, 0x3000) == 0);

    VM_CALLS_BENCH("vm_write 4 KiB (kernel buffer)", (void)0,
                   vm_user_write(map, va, buf, PAGE_SIZE), (void)0);
    VM_CALLS_BENCH("vm_write 1 MiB (kernel buffer)", (void)0,
                   vm_user_write(map, va, buf, VM_CALLS_BENCH_BIG), (void)0);
    VM_CALLS_BENCH("vm_write 4 KiB (from another map)", (void)0,
                   vm_user_write_map(map, va, other, va, PAGE_SIZE), (void)0);
    VM_CALLS_BENCH("vm_write 1 MiB (from another map)", (void)0,
                   vm_user_write_map(map, va, other, va, VM_CALLS_BENCH_BIG), (void)0);
    VM_CALLS_BENCH("vm_copy 4 KiB", (void)0, vm_user_copy(map, src_va, PAGE_SIZE, va), (void)0);
    VM_CALLS_BENCH("vm_copy 1 MiB", (void)0,
                   vm_user_copy(map, src_va, VM_CALLS_BENCH_BIG, va), (void)0);
    VM_CALLS_BENCH("vm_read 4 KiB (+ vm_deallocate of the copy)", (void)0,
                   vm_user_read(map, src_va, PAGE_SIZE, other, &data, &count),
                   vm_user_deallocate(other, data, count));
    VM_CALLS_BENCH("vm_read 1 MiB (+ vm_deallocate of the copy)", (void)0,
                   vm_user_read(map, src_va, VM_CALLS_BENCH_BIG, other, &data, &count),
                   vm_user_deallocate(other, data, count));
    VM_CALLS_BENCH("vm_allocate 1 MiB + vm_deallocate", addr = 0,
                   vm_user_allocate(other, &addr, VM_CALLS_BENCH_BIG, true)
                   ?: vm_user_deallocate(other, addr, VM_CALLS_BENCH_BIG), (void)0);
    VM_CALLS_BENCH("vm_allocate_contiguous 64 KiB (+ vm_deallocate)", addr = 0,
                   vm_user_allocate_contiguous(other, true, &addr, &pa, 16 * PAGE_SIZE, 0,
                                               0x100000000ULL, 0),
                   vm_user_deallocate(other, addr, 16 * PAGE_SIZE));
    KTEST_ASSERT(failures == 0);
    vm_user_map_destroy(map);
    vm_user_map_destroy(other);
    kmem_free(buf, VM_CALLS_BENCH_BIG);
}

KTEST_DEFINE(vm_calls_bench, vm_calls_bench_fn, KTEST_MANUAL);
