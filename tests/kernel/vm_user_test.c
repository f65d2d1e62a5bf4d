/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * User maps, anonymous objects and faults (vm/vm_user.c, vm/vm_object.c,
 * vm/vm_fault.c), in the kernel. The calling thread loads the map's
 * pmap (thread_pmap_set()), resolves faults with vm_fault() and then
 * reads and writes the user addresses from the kernel through the probes
 * (i386/probe.h), which turn a fault into an error.
 *
 *  test=vm_user         every documented error of the Mach calls, zero
 *                       fill, HIGHMEM first, protections (CR0.WP makes a
 *                       read-only user page fault a kernel write too),
 *                       execute, resident counts, every page back
 *  test=vm_user_cycles  1000 maps created, used and destroyed: free pages
 *                       per segment and the object count come back exactly
 *  test=vm_user_smp     two maps at the same addresses, threads of each on
 *                       every CPU, each always sees its own map's pages
 *  test=vm_user_oom     (manual) faults until memory runs out: the fault
 *                       fails with ERROR_NOMEM, then destroying the maps
 *                       gives every page of every segment back
 *  test=vm_cow          vm_user_map_fork(): COPY regions copy-on-write,
 *                       checked word for word with writes on both sides
 *                       and in a grandchild; SHARE regions shared, NONE
 *                       absent (vm_user_region reports them); every
 *                       page back
 *  test=vm_cow_copy     vm_user_map_copy(): a range copy-on-write into
 *                       another map and the same map, word for word
 *                       with writes on both sides; its errors
 *  test=vm_oom_victim   (manual) out of memory stops the largest task,
 *                       not the small one that faulted; all pages back
 *  test=vm_cow_cycles   1000 task_create_named(parent, inherit_memory=TRUE),
 *                       child and parent write the same page,
 *                       task_terminate: the parent's data unchanged, its
 *                       chain short, every page back
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/cpu.h>
#include <i386/pmap.h>
#include <i386/probe.h>
#include <i386/smp.h>
#include <include/mach/kern_return.h>
#include <kern/kmem.h>
#include <kern/ktest.h>
#include <kern/printf.h>
#include <kern/qsbr.h>
#include <kern/spinlock.h>
#include <kern/exception.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <vm/vm_fault.h>
#include <vm/vm_map.h>
#include <vm/vm_object.h>
#include <vm/vm_page.h>
#include <vm/vm_user.h>

#define VM_USER_TEST_VA         0x10000000u

static void
vm_user_test_purge(void *arg)
{
    (void)arg;
    kmem_purge();
}

/* Free pages per segment once deferred frees ran and every CPU's kmem cache is empty. */
static void
vm_user_test_free_pages(unsigned long free[VM_PAGE_NR_SEGS])
{
    struct vm_page_seg_stats stats;

    qsbr_drain();
    smp_call_all(vm_user_test_purge, NULL);
    for (unsigned int seg = 0; seg < VM_PAGE_NR_SEGS; seg++) {
        free[seg] = (vm_page_seg_stats_get(seg, &stats) == 0) ? stats.nr_free : 0;
    }
}

/* Check that free pages per segment are back to before. */
static void
vm_user_test_free_check(const char *what, const unsigned long before[VM_PAGE_NR_SEGS])
{
    unsigned long after[VM_PAGE_NR_SEGS];

    vm_user_test_free_pages(after);
    for (unsigned int seg = 0; seg < VM_PAGE_NR_SEGS; seg++) {
        ktest_assert_msg(after[seg] == before[seg],
                         "%s: segment %u has %lu free pages, %lu before", what, seg,
                         after[seg], before[seg]);
    }
}

/* Entry of map at addr, copied out under the map lock (or zeroes). */
static struct vm_map_entry
vm_user_test_entry(struct vm_user_map *map, uintptr_t addr)
{
    struct vm_map_entry copy = { .start = 0, .end = 0 };
    const struct vm_map_entry *entry;

    vm_user_map_lock(map);
    entry = vm_map_lookup(&map->map, addr);
    if (entry != NULL) {
        copy = *entry;
    }
    vm_user_map_unlock(map);
    return copy;
}

/* The highest segment with free pages: where a HIGHMEM allocation lands. */
static unsigned int
vm_user_test_top_seg(void)
{
    struct vm_page_seg_stats stats;

    for (unsigned int seg = VM_PAGE_NR_SEGS; seg-- > 0;) {
        if (vm_page_seg_stats_get(seg, &stats) == 0 && stats.nr_free > 64) {
            return seg;
        }
    }
    return 0;
}

static void
vm_user_test_errors(struct vm_user_map *map)
{
    struct vm_map_entry e;
    uintptr_t addr;

    /* vm_allocate. */
    addr = 0x1234;
    KTEST_ASSERT(vm_user_allocate(map, &addr, 0, true) == KERN_SUCCESS && addr == 0);
    addr = 0x5000;
    ktest_assert_msg(vm_user_allocate(map, &addr, PAGE_SIZE, true) == KERN_SUCCESS
                     && addr == 0, "anywhere in an empty map: 0x%lx, want 0",
                     (unsigned long)addr);
    addr = VM_USER_TEST_VA + 0x800;
    KTEST_ASSERT(vm_user_allocate(map, &addr, 0x1001, false) == KERN_SUCCESS
                 && addr == VM_USER_TEST_VA);
    e = vm_user_test_entry(map, VM_USER_TEST_VA);
    ktest_assert_msg(e.start == VM_USER_TEST_VA && e.end == VM_USER_TEST_VA + 2 * PAGE_SIZE
                     && e.protection == VM_MAP_PROT_RW && e.max_protection == VM_MAP_PROT_ALL
                     && e.inheritance == VM_MAP_INHERIT_COPY && e.object != NULL,
                     "fixed: entry 0x%lx-0x%lx prot %u/%u inherit %u",
                     (unsigned long)e.start, (unsigned long)e.end, e.protection,
                     e.max_protection, e.inheritance);
    addr = VM_USER_TEST_VA + PAGE_SIZE;
    KTEST_ASSERT(vm_user_allocate(map, &addr, PAGE_SIZE, false) == KERN_NO_SPACE);
    addr = VM_USER_MAX - PAGE_SIZE;
    KTEST_ASSERT(vm_user_allocate(map, &addr, 2 * PAGE_SIZE, false) == KERN_INVALID_ADDRESS);
    addr = VM_USER_MAX;
    KTEST_ASSERT(vm_user_allocate(map, &addr, PAGE_SIZE, false) == KERN_INVALID_ADDRESS);
    addr = VM_USER_MAX - PAGE_SIZE;
    KTEST_ASSERT(vm_user_allocate(map, &addr, PAGE_SIZE, false) == KERN_SUCCESS
                 && addr == VM_USER_MAX - PAGE_SIZE);
    KTEST_ASSERT(vm_user_allocate(map, &addr, VM_USER_MAX, true) == KERN_NO_SPACE);
    KTEST_ASSERT(vm_user_allocate(map, &addr, 0xFFFFF001u, true) == KERN_NO_SPACE);
    KTEST_ASSERT(vm_user_allocate(NULL, &addr, PAGE_SIZE, true) == KERN_INVALID_ARGUMENT);

    /* vm_map's argument checks. */
    addr = 0;
    KTEST_ASSERT(vm_user_map(map, &addr, 0, 0, true, false, 3, 7, 1) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(vm_user_map(map, &addr, PAGE_SIZE, 0, true, false, 8, 7, 1)
                 == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(vm_user_map(map, &addr, PAGE_SIZE, 0, true, false, 3, 0x17, 1)
                 == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(vm_user_map(map, &addr, PAGE_SIZE, 0, true, false, 3, 7, 3)
                 == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(vm_user_map(map, &addr, PAGE_SIZE, 0xFFFF, true, true, 3, 7, 0)
                 == KERN_SUCCESS && addr == 0x10000);
    e = vm_user_test_entry(map, 0x10000);
    KTEST_ASSERT(e.start == 0x10000 && e.inheritance == VM_MAP_INHERIT_SHARE);
    KTEST_ASSERT(vm_user_map(map, &addr, 0x20000000, 0xF0000FFF, true, false, 3, 7, 1)
                 == KERN_NO_SPACE);
    KTEST_ASSERT(vm_user_map(map, &addr, PAGE_SIZE, 0xF0000FFF, true, false, 3, 7, 1)
                 == KERN_SUCCESS && addr == PAGE_SIZE);
    addr = 0x20000000;
    KTEST_ASSERT(vm_user_map(map, &addr, PAGE_SIZE, 0, false, false, 7, 1, 2)
                 == KERN_SUCCESS && addr == 0x20000000);
    e = vm_user_test_entry(map, 0x20000000);
    KTEST_ASSERT(e.protection == VM_MAP_PROT_READ && e.max_protection == VM_MAP_PROT_READ
                 && e.inheritance == VM_MAP_INHERIT_NONE);

    /* vm_deallocate: holes, size 0 and wrapping ranges are no errors. */
    KTEST_ASSERT(vm_user_deallocate(map, 0x30000000, 0x1000000) == KERN_SUCCESS);
    KTEST_ASSERT(vm_user_deallocate(map, 0x10000, 0) == KERN_SUCCESS);
    KTEST_ASSERT(vm_user_deallocate(map, 0x10000, 0xFFFFFFFFu) == KERN_SUCCESS);
    KTEST_ASSERT(vm_user_test_entry(map, 0x10000).start == 0x10000);
    KTEST_ASSERT(vm_user_deallocate(map, 0xBFFFF000u, 0x2000) == KERN_SUCCESS);
    KTEST_ASSERT(vm_user_test_entry(map, 0xBFFFF000u).start == 0);
    KTEST_ASSERT(vm_user_deallocate(NULL, 0, PAGE_SIZE) == KERN_INVALID_ARGUMENT);

    /* vm_protect and vm_inherit arguments. */
    KTEST_ASSERT(vm_user_protect(map, 0x20000000, PAGE_SIZE, false, 0x20)
                 == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(vm_user_protect(map, 0x20000000, PAGE_SIZE, false, VM_MAP_PROT_RW)
                 == KERN_PROTECTION_FAILURE);
    KTEST_ASSERT(vm_user_protect(map, 0x20000000, PAGE_SIZE, false, 0x11) == KERN_SUCCESS);
    KTEST_ASSERT(vm_user_inherit(map, 0x20000000, PAGE_SIZE, 3) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(vm_user_inherit(map, 0x1FFFF000, 0x3000, VM_MAP_INHERIT_SHARE)
                 == KERN_SUCCESS);
    KTEST_ASSERT(vm_user_test_entry(map, 0x20000000).inheritance == VM_MAP_INHERIT_SHARE);

    /* Clean up everything but the fault range. */
    KTEST_ASSERT(vm_user_deallocate(map, 0, VM_USER_TEST_VA) == KERN_SUCCESS);
    KTEST_ASSERT(vm_user_deallocate(map, 0x20000000, 0x80000000u) == KERN_SUCCESS);
}

static void
vm_user_test_faults(struct vm_user_map *map)
{
    volatile uint32_t *p = (volatile uint32_t *)VM_USER_TEST_VA;
    unsigned int top_seg = vm_user_test_top_seg();
    struct vm_page *page;
    phys_addr_t pa = 0;
    uint32_t v = 1;

    KTEST_ASSERT(vm_user_map_resident(map) == 0);
    KTEST_ASSERT(probe_read32(p, &v) == ERROR_FAULT);            /* nothing mapped yet */
    KTEST_ASSERT(vm_fault(map, 0x0FFFF000, VM_MAP_PROT_READ) == ERROR_FAULT);
    KTEST_ASSERT(vm_fault(map, VM_USER_MAX, VM_MAP_PROT_READ) == ERROR_FAULT);
    KTEST_ASSERT(vm_user_kern_return(ERROR_FAULT) == KERN_INVALID_ADDRESS);
    KTEST_ASSERT(vm_user_kern_return(ERROR_PROT) == KERN_PROTECTION_FAILURE);

    KTEST_ASSERT(vm_fault(map, VM_USER_TEST_VA + 8, VM_MAP_PROT_READ) == 0);
    KTEST_ASSERT(pmap_extract(vm_user_map_pmap(map), VM_USER_TEST_VA, &pa));
    ktest_diag("vm_user: first page at 0x%llx", (unsigned long long)pa);
    page = vm_page_lookup(pa);
    KTEST_ASSERT(page != NULL && page->type == VM_PAGE_OBJECT && page->owner_index == 0);
    if (page != NULL) {
        ktest_assert_msg(page->seg_index == top_seg, "page in segment %u, want %u",
                         page->seg_index, top_seg);
    }
    KTEST_ASSERT(probe_read32(p, &v) == 0 && v == 0);
    KTEST_ASSERT(probe_read32(p + 1023, &v) == 0 && v == 0);
    KTEST_ASSERT(probe_write32(p, 0xCAFE) == 0);        /* mapped RW already */
    KTEST_ASSERT(vm_fault(map, VM_USER_TEST_VA, VM_MAP_PROT_WRITE) == 0);
    KTEST_ASSERT(probe_read32(p, &v) == 0 && v == 0xCAFE);
    KTEST_ASSERT(vm_user_map_resident(map) == 1);

    /* The second page: a write fault, a different page, zero-filled. */
    KTEST_ASSERT(probe_read32(p + 1024, &v) == ERROR_FAULT);
    KTEST_ASSERT(vm_fault(map, VM_USER_TEST_VA + PAGE_SIZE, VM_MAP_PROT_WRITE) == 0);
    KTEST_ASSERT(probe_read32(p + 1024, &v) == 0 && v == 0);
    KTEST_ASSERT(probe_write32(p + 1024, 0xBEEF) == 0);
    KTEST_ASSERT(vm_user_map_resident(map) == 2);

    /* Execute: the entry has none. */
    KTEST_ASSERT(vm_fault(map, VM_USER_TEST_VA, VM_MAP_PROT_EXECUTE) == ERROR_PROT);

    /* Read-only: a write from the kernel faults (CR0.WP), vm_fault refuses it. */
    KTEST_ASSERT(vm_user_protect(map, VM_USER_TEST_VA, PAGE_SIZE, false, VM_MAP_PROT_READ)
                 == KERN_SUCCESS);
    KTEST_ASSERT(probe_write32(p, 1) == ERROR_FAULT && probe_read32(p, &v) == 0 && v == 0xCAFE);
    KTEST_ASSERT(vm_fault(map, VM_USER_TEST_VA, VM_MAP_PROT_WRITE) == ERROR_PROT);
    KTEST_ASSERT(probe_write32(p + 1024, 0xBEE5) == 0); /* the other page did not change */
    /* Back to RW: the next write fault maps it writable again, contents kept. */
    KTEST_ASSERT(vm_user_protect(map, VM_USER_TEST_VA, PAGE_SIZE, false, VM_MAP_PROT_RW)
                 == KERN_SUCCESS);
    KTEST_ASSERT(vm_fault(map, VM_USER_TEST_VA, VM_MAP_PROT_WRITE) == 0);
    KTEST_ASSERT(probe_write32(p, 2) == 0 && probe_read32(p, &v) == 0 && v == 2);
    /* NONE: unmapped in the pmap, every access refused; pages kept. */
    KTEST_ASSERT(vm_user_protect(map, VM_USER_TEST_VA, 2 * PAGE_SIZE, false, VM_MAP_PROT_NONE)
                 == KERN_SUCCESS);
    KTEST_ASSERT(probe_read32(p, &v) == ERROR_FAULT && probe_read32(p + 1024, &v) == ERROR_FAULT);
    KTEST_ASSERT(vm_fault(map, VM_USER_TEST_VA, VM_MAP_PROT_READ) == ERROR_PROT);
    /* Resident size counts the pmap's pages (GNU Mach): none; the object keeps both. */
    KTEST_ASSERT(vm_user_map_resident(map) == 0
                 && vm_object_nr_pages(vm_user_test_entry(map, VM_USER_TEST_VA).object) == 2);
    /* Lower the maximum to READ: raising to RW is then refused. */
    KTEST_ASSERT(vm_user_protect(map, VM_USER_TEST_VA, 2 * PAGE_SIZE, true, VM_MAP_PROT_READ)
                 == KERN_SUCCESS);
    KTEST_ASSERT(vm_user_protect(map, VM_USER_TEST_VA, 2 * PAGE_SIZE, false, VM_MAP_PROT_RW)
                 == KERN_PROTECTION_FAILURE);
    KTEST_ASSERT(vm_user_protect(map, VM_USER_TEST_VA, 2 * PAGE_SIZE, false, VM_MAP_PROT_READ)
                 == KERN_SUCCESS);
    KTEST_ASSERT(vm_fault(map, VM_USER_TEST_VA + PAGE_SIZE, VM_MAP_PROT_READ) == 0);
    KTEST_ASSERT(probe_read32(p + 1024, &v) == 0 && v == 0xBEE5);
    KTEST_ASSERT(probe_write32(p + 1024, 3) == ERROR_FAULT);

    /* Deallocate the first page only: the second stays, one page freed. */
    KTEST_ASSERT(vm_user_deallocate(map, VM_USER_TEST_VA, PAGE_SIZE) == KERN_SUCCESS);
    KTEST_ASSERT(!pmap_extract(vm_user_map_pmap(map), VM_USER_TEST_VA, &pa));
    KTEST_ASSERT(vm_fault(map, VM_USER_TEST_VA, VM_MAP_PROT_READ) == ERROR_FAULT);
    KTEST_ASSERT(vm_user_map_resident(map) == 1);
    KTEST_ASSERT(probe_read32(p + 1024, &v) == 0 && v == 0xBEE5);
    KTEST_ASSERT(vm_user_deallocate(map, VM_USER_TEST_VA, 2 * PAGE_SIZE) == KERN_SUCCESS);
    KTEST_ASSERT(vm_user_map_resident(map) == 0);
    KTEST_ASSERT(probe_read32(p + 1024, &v) == ERROR_FAULT);
}

/*
 * Execute permission at addr (an RW entry): with NX a page of the entry
 * does not run until vm_protect adds EXECUTE; without NX it always runs.
 */
static void
vm_user_test_exec(struct vm_user_map *map, uintptr_t addr)
{
    bool nx = pmap_nx_enabled();

    KTEST_ASSERT(vm_fault(map, addr, VM_MAP_PROT_WRITE) == 0);
    KTEST_ASSERT(probe_write32((volatile uint32_t *)addr, 0xC3) == 0);     /* ret */
    ktest_assert_msg((probe_exec((const void *)addr) == 0) == !nx,
                     "RW page: ran %d with NX %d", probe_exec((const void *)addr) == 0, nx);
    KTEST_ASSERT(vm_fault(map, addr, VM_MAP_PROT_EXECUTE) == ERROR_PROT);
    KTEST_ASSERT(vm_user_protect(map, addr, PAGE_SIZE, false,
                                 VM_MAP_PROT_READ | VM_MAP_PROT_EXECUTE) == KERN_SUCCESS);
    KTEST_ASSERT(vm_fault(map, addr, VM_MAP_PROT_EXECUTE) == 0);
    KTEST_ASSERT(vm_fault(map, addr, VM_MAP_PROT_READ) == 0);
    KTEST_ASSERT(probe_exec((const void *)addr) == 0);
    KTEST_ASSERT(probe_write32((volatile uint32_t *)addr, 0) == ERROR_FAULT);
    ktest_diag("vm_user: execute %s", nx ? "enforced by NX" : "not enforceable without NX");
}

static void
vm_user_test_fn(void)
{
    unsigned long free_before[VM_PAGE_NR_SEGS];
    unsigned long objects_before = vm_object_count();
    struct vm_user_map *map;
    uintptr_t addr = 0x40000000;

    vm_user_test_free_pages(free_before);
    KTEST_ASSERT(vm_user_map_create(&map) == 0);
    if (map == NULL) {
        return;
    }
    thread_pmap_set(vm_user_map_pmap(map));
    vm_user_test_errors(map);
    KTEST_ASSERT(vm_user_allocate(map, &addr, 2 * PAGE_SIZE, false) == KERN_SUCCESS);
    /* vm_user_test_errors() left [VM_USER_TEST_VA, +2 pages) allocated. */
    vm_user_test_faults(map);
    vm_user_test_exec(map, 0x40000000);
    /* Pages left for destroy to free: the one above and a fault in the second page. */
    KTEST_ASSERT(vm_fault(map, 0x40001000, VM_MAP_PROT_WRITE) == 0);
    KTEST_ASSERT(vm_user_map_resident(map) == 2);
    thread_pmap_set(NULL);
    vm_user_map_destroy(map);
    ktest_assert_msg(vm_object_count() == objects_before, "%lu objects, %lu before",
                     vm_object_count(), objects_before);
    vm_user_test_free_check("vm_user", free_before);
}

/* ---------------------------------------------------------------- cycles */

#define VM_USER_CYCLES          1000

static void
vm_user_cycles_fn(void)
{
    unsigned long free_before[VM_PAGE_NR_SEGS];
    unsigned long objects_before = vm_object_count();
    unsigned int failures = 0;

    vm_user_test_free_pages(free_before);
    for (unsigned int i = 0; i < VM_USER_CYCLES; i++) {
        struct vm_user_map *map;
        uintptr_t addr = 0;

        if (vm_user_map_create(&map) != 0) {
            failures++;
            continue;
        }
        if (vm_user_allocate(map, &addr, 16 * PAGE_SIZE, true) != KERN_SUCCESS
            || vm_fault(map, addr, VM_MAP_PROT_WRITE) != 0
            || vm_fault(map, 0x08048000, VM_MAP_PROT_READ) != ERROR_FAULT) {
            failures++;
        }
        addr = 0x80000000u + i * 0x400000u % 0x30000000u;
        if (vm_user_allocate(map, &addr, 3 * PAGE_SIZE, false) != KERN_SUCCESS
            || vm_fault(map, addr + PAGE_SIZE, VM_MAP_PROT_WRITE) != 0
            || vm_user_map_resident(map) != 2) {
            failures++;
        }
        vm_user_map_destroy(map);
    }
    ktest_assert_msg(failures == 0, "%u of %u cycles failed", failures, VM_USER_CYCLES);
    ktest_assert_msg(vm_object_count() == objects_before, "%lu objects, %lu before",
                     vm_object_count(), objects_before);
    vm_user_test_free_check("vm_user_cycles", free_before);
}

/* ---------------------------------------------------------------- SMP */

#define VM_USER_SMP_THREADS     4
#define VM_USER_SMP_ROUNDS      200

static struct vm_user_map *vm_user_smp_maps[2];
static struct spinlock vm_user_smp_lock = SPINLOCK_INITIALIZER;
static struct waitq vm_user_smp_wq;
static unsigned int vm_user_smp_done, vm_user_smp_bad, vm_user_smp_cpus;

/* Thread i uses map i % 2, whose first word holds its index, and its own word i. */
static void
vm_user_smp_thread(void *arg)
{
    uintptr_t i = (uintptr_t)arg;
    struct vm_user_map *map = vm_user_smp_maps[i % 2];
    volatile uint32_t *p = (volatile uint32_t *)VM_USER_TEST_VA;
    unsigned int bad = 0, cpus = 0;
    uint32_t v;

    thread_pmap_set(vm_user_map_pmap(map));
    for (unsigned int round = 0; round < VM_USER_SMP_ROUNDS; round++) {
        uintptr_t page = VM_USER_TEST_VA + (round % 8) * PAGE_SIZE;

        if (vm_fault(map, page, VM_MAP_PROT_WRITE) != 0
            || probe_read32(p, &v) != 0 || v != i % 2
            || probe_write32(p + 1 + i, round) != 0
            || probe_read32(p + 1 + i, &v) != 0 || v != round) {
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
    spinlock_lock(&vm_user_smp_lock);
    vm_user_smp_bad += bad;
    vm_user_smp_cpus |= cpus;
    vm_user_smp_done++;
    waitq_wakeup_all(&vm_user_smp_wq);
    spinlock_unlock(&vm_user_smp_lock);
}

static void
vm_user_smp_fn(void)
{
    unsigned long free_before[VM_PAGE_NR_SEGS];
    unsigned int threads_before = thread_count();

    vm_user_test_free_pages(free_before);
    waitq_init(&vm_user_smp_wq);
    vm_user_smp_done = vm_user_smp_bad = vm_user_smp_cpus = 0;
    for (unsigned int m = 0; m < 2; m++) {
        uintptr_t addr = VM_USER_TEST_VA;

        KTEST_ASSERT(vm_user_map_create(&vm_user_smp_maps[m]) == 0);
        KTEST_ASSERT(vm_user_allocate(vm_user_smp_maps[m], &addr, 8 * PAGE_SIZE, false)
                     == KERN_SUCCESS);
        /* Word 0 of each map holds the map's number. */
        thread_pmap_set(vm_user_map_pmap(vm_user_smp_maps[m]));
        KTEST_ASSERT(vm_fault(vm_user_smp_maps[m], addr, VM_MAP_PROT_WRITE) == 0);
        KTEST_ASSERT(probe_write32((volatile uint32_t *)addr, m) == 0);
        thread_pmap_set(NULL);
    }
    for (uintptr_t i = 0; i < VM_USER_SMP_THREADS; i++) {
        KTEST_ASSERT(thread_create_kernel("vm_user_smp", vm_user_smp_thread, (void *)i,
                                   THREAD_ANY_CPU) != NULL);
    }
    spinlock_lock(&vm_user_smp_lock);
    while (vm_user_smp_done < VM_USER_SMP_THREADS) {
        waitq_sleep(&vm_user_smp_wq, &vm_user_smp_lock);
    }
    spinlock_unlock(&vm_user_smp_lock);
    ktest_diag("vm_user_smp: %u threads in 2 maps, CPU mask 0x%x", VM_USER_SMP_THREADS,
               vm_user_smp_cpus);
    ktest_assert_msg(vm_user_smp_bad == 0, "%u accesses saw another map or failed",
                     vm_user_smp_bad);
    for (unsigned int m = 0; m < 2; m++) {
        ktest_assert_msg(vm_user_map_resident(vm_user_smp_maps[m]) == 8,
                         "map %u: %lu resident pages, want 8", m,
                         vm_user_map_resident(vm_user_smp_maps[m]));
    }
    ktest_assert_msg(ktest_wait_threads(threads_before), "%u threads left, want %u",
                     thread_count(), threads_before);
    for (unsigned int m = 0; m < 2; m++) {
        vm_user_map_destroy(vm_user_smp_maps[m]);
    }
    vm_user_test_free_check("vm_user_smp", free_before);
}

/* ---------------------------------------------------------------- out of memory */

#define VM_USER_OOM_MAPS        64

static void
vm_user_oom_fn(void)
{
    struct vm_user_map *maps[VM_USER_OOM_MAPS];
    unsigned long free_before[VM_PAGE_NR_SEGS], faulted = 0, total_free = 0;
    unsigned int nr_maps = 0;
    int error = 0;

    vm_user_test_free_pages(free_before);
    for (unsigned int seg = 0; seg < VM_PAGE_NR_SEGS; seg++) {
        total_free += free_before[seg];
    }
    /* Each map: all of its user range in one entry, touched page by page. */
    while (error == 0 && nr_maps < VM_USER_OOM_MAPS) {
        struct vm_user_map *map;
        uintptr_t addr = 0;

        error = vm_user_map_create(&map);
        if (error != 0) {
            break;
        }
        maps[nr_maps++] = map;
        if (vm_user_allocate(map, &addr, VM_USER_MAX, true) != KERN_SUCCESS) {
            error = -100;
            break;
        }
        for (addr = 0; addr < VM_USER_MAX; addr += PAGE_SIZE) {
            error = vm_fault(map, addr, VM_MAP_PROT_WRITE);
            if (error != 0) {
                break;
            }
            faulted++;
        }
    }
    ktest_diag("vm_user_oom: %lu pages faulted in %u maps (%lu pages were free), then error %d",
               faulted, nr_maps, total_free, error);
    ktest_assert_msg(error == ERROR_NOMEM, "ended with error %d, want ERROR_NOMEM", error);
    ktest_assert_msg(faulted > total_free * 9 / 10, "only %lu of %lu free pages used",
                     faulted, total_free);
    for (unsigned int m = 0; m < nr_maps; m++) {
        vm_user_map_destroy(maps[m]);
    }
    vm_user_test_free_check("vm_user_oom", free_before);
}


/* ---------------------------------------------------------------- copy-on-write */

#define VM_COW_PAGES            8
#define VM_COW_WORDS            (VM_COW_PAGES * PAGE_SIZE / 4)

/*
 * Write word i of [va, va + VM_COW_PAGES pages) of map as seed ^ i, each
 * page first faulted for writing (as the CPU would). Returns failures.
 */
static unsigned int
vm_cow_fill(struct vm_user_map *map, uintptr_t va, uint32_t seed)
{
    volatile uint32_t *p = (volatile uint32_t *)va;
    unsigned int bad = 0;

    thread_pmap_set(vm_user_map_pmap(map));
    for (unsigned int i = 0; i < VM_COW_WORDS; i++) {
        if (i % (PAGE_SIZE / 4) == 0) {
            bad += vm_fault(map, va + i * 4, VM_MAP_PROT_WRITE) != 0;
        }
        bad += probe_write32(p + i, seed ^ i) != 0;
    }
    thread_pmap_set(NULL);
    return bad;
}

/* Words of the range of map that differ from seed ^ i (or cannot be read). */
static unsigned int
vm_cow_diff(struct vm_user_map *map, uintptr_t va, uint32_t seed)
{
    volatile uint32_t *p = (volatile uint32_t *)va;
    unsigned int bad = 0;
    uint32_t v;

    thread_pmap_set(vm_user_map_pmap(map));
    for (unsigned int i = 0; i < VM_COW_WORDS; i++) {
        if (i % (PAGE_SIZE / 4) == 0 && vm_fault(map, va + i * 4, VM_MAP_PROT_READ) != 0) {
            bad += PAGE_SIZE / 4;
            i += PAGE_SIZE / 4 - 1;
            continue;
        }
        bad += probe_read32(p + i, &v) != 0 || v != (seed ^ i);
    }
    thread_pmap_set(NULL);
    return bad;
}

/* Whether a write to va in map without a fault first faults (a read-only mapping or none). */
static bool
vm_cow_write_faults(struct vm_user_map *map, uintptr_t va)
{
    int error;

    thread_pmap_set(vm_user_map_pmap(map));
    error = probe_write32((volatile uint32_t *)va, 0xDEAD);
    thread_pmap_set(NULL);
    return error != 0;
}

#define VM_COW_COPY             0x10000000u
#define VM_COW_SHARE            0x20000000u
#define VM_COW_NONE             0x30000000u

static void
vm_cow_fn(void)
{
    unsigned long free_before[VM_PAGE_NR_SEGS];
    unsigned long objects_before = vm_object_count();
    struct vm_user_map *parent, *child, *grandchild;
    struct vm_user_statistics st0, st1;
    uintptr_t addr;

    vm_user_test_free_pages(free_before);
    KTEST_ASSERT(vm_user_map_create(&parent) == 0);
    if (parent == NULL) {
        return;
    }
    addr = VM_COW_COPY;
    KTEST_ASSERT(vm_user_allocate(parent, &addr, VM_COW_PAGES * PAGE_SIZE, false) == KERN_SUCCESS);
    addr = VM_COW_SHARE;
    KTEST_ASSERT(vm_user_allocate(parent, &addr, VM_COW_PAGES * PAGE_SIZE, false) == KERN_SUCCESS);
    KTEST_ASSERT(vm_user_inherit(parent, VM_COW_SHARE, VM_COW_PAGES * PAGE_SIZE,
                                 VM_MAP_INHERIT_SHARE) == KERN_SUCCESS);
    addr = VM_COW_NONE;
    KTEST_ASSERT(vm_user_allocate(parent, &addr, VM_COW_PAGES * PAGE_SIZE, false) == KERN_SUCCESS);
    KTEST_ASSERT(vm_user_inherit(parent, VM_COW_NONE, VM_COW_PAGES * PAGE_SIZE,
                                 VM_MAP_INHERIT_NONE) == KERN_SUCCESS);
    KTEST_ASSERT(vm_cow_fill(parent, VM_COW_COPY, 0x11110000) == 0);
    KTEST_ASSERT(vm_cow_fill(parent, VM_COW_SHARE, 0x22220000) == 0);
    KTEST_ASSERT(vm_cow_fill(parent, VM_COW_NONE, 0x33330000) == 0);

    KTEST_ASSERT(vm_user_map_create(&child) == 0 && vm_user_map_fork(parent, child) == 0);
    KTEST_ASSERT(vm_cow_write_faults(parent, VM_COW_COPY));         /* write-protected now */
    KTEST_ASSERT(vm_fault(child, VM_COW_NONE, VM_MAP_PROT_READ) == ERROR_FAULT);
    KTEST_ASSERT(vm_cow_diff(child, VM_COW_COPY, 0x11110000) == 0);
    KTEST_ASSERT(vm_cow_diff(child, VM_COW_SHARE, 0x22220000) == 0);
    KTEST_ASSERT(vm_cow_write_faults(child, VM_COW_COPY));          /* read-only after a read */
    /* Resident: the pages the child maps; its copy object holds none of them yet. */
    ktest_assert_msg(vm_user_map_resident(child) == 2 * VM_COW_PAGES,
                     "child: %lu resident pages, want %u", vm_user_map_resident(child),
                     2 * VM_COW_PAGES);
    KTEST_ASSERT(vm_object_nr_pages(vm_user_test_entry(child, VM_COW_COPY).object) == 0);

    /* vm_region: the entry at or above the address, moved to its start. */
    {
        struct vm_user_region r = { .start = 1 };

        KTEST_ASSERT(vm_user_region(NULL, 0, &r) == KERN_INVALID_ARGUMENT);
        KTEST_ASSERT(vm_user_region(child, 0, &r) == KERN_SUCCESS && r.start == VM_COW_COPY
                     && r.size == VM_COW_PAGES * PAGE_SIZE && r.prot == VM_MAP_PROT_RW
                     && r.max_prot == VM_MAP_PROT_ALL && r.inherit == VM_MAP_INHERIT_COPY
                     && !r.shared && r.offset == 0);
        KTEST_ASSERT(vm_user_region(child, VM_COW_COPY + 5 * PAGE_SIZE + 3, &r) == KERN_SUCCESS
                     && r.start == VM_COW_COPY);
        KTEST_ASSERT(vm_user_region(child, VM_COW_COPY + VM_COW_PAGES * PAGE_SIZE, &r)
                     == KERN_SUCCESS && r.start == VM_COW_SHARE && r.shared
                     && r.inherit == VM_MAP_INHERIT_SHARE);
        KTEST_ASSERT(vm_user_region(child, VM_COW_SHARE + VM_COW_PAGES * PAGE_SIZE, &r)
                     == KERN_NO_SPACE);                 /* NONE: not in the child */
        KTEST_ASSERT(vm_user_region(parent, VM_COW_SHARE + VM_COW_PAGES * PAGE_SIZE, &r)
                     == KERN_SUCCESS && r.start == VM_COW_NONE
                     && r.inherit == VM_MAP_INHERIT_NONE && !r.shared);
        KTEST_ASSERT(vm_user_region(parent, VM_USER_MAX, &r) == KERN_NO_SPACE);
        KTEST_ASSERT(vm_user_region(parent, UINTPTR_MAX, &r) == KERN_NO_SPACE);
    }

    /* Writes on both sides: each sees its own, word for word. */
    vm_user_statistics(&st0);
    KTEST_ASSERT(vm_cow_fill(child, VM_COW_COPY, 0x44440000) == 0);
    vm_user_statistics(&st1);
    KTEST_ASSERT(vm_object_nr_pages(vm_user_test_entry(child, VM_COW_COPY).object)
                 == VM_COW_PAGES && vm_user_map_resident(child) == 2 * VM_COW_PAGES);
    /* vm_statistics: one fault and one copy per page, each a page more in objects. */
    ktest_assert_msg(st1.faults - st0.faults == VM_COW_PAGES
                     && st1.cow_faults - st0.cow_faults == VM_COW_PAGES
                     && st1.zero_fill_count == st0.zero_fill_count
                     && st1.active_count - st0.active_count == VM_COW_PAGES
                     && st1.pagesize == PAGE_SIZE,
                     "statistics: %lu faults, %lu copies, %lu zero fills, %lu active",
                     st1.faults - st0.faults, st1.cow_faults - st0.cow_faults,
                     st1.zero_fill_count - st0.zero_fill_count,
                     st1.active_count - st0.active_count);
    vm_user_map_report(child);      /* the boot config checks its summary line */
    ktest_assert_msg(vm_cow_diff(parent, VM_COW_COPY, 0x11110000) == 0,
                     "parent sees %u words of the child's writes",
                     vm_cow_diff(parent, VM_COW_COPY, 0x11110000));
    KTEST_ASSERT(vm_cow_fill(parent, VM_COW_COPY, 0x55550000) == 0);
    ktest_assert_msg(vm_cow_diff(child, VM_COW_COPY, 0x44440000) == 0,
                     "child sees %u words of the parent's writes",
                     vm_cow_diff(child, VM_COW_COPY, 0x44440000));
    /* Shared: a write by either side shows in the other. */
    KTEST_ASSERT(vm_cow_fill(child, VM_COW_SHARE, 0x66660000) == 0);
    KTEST_ASSERT(vm_cow_diff(parent, VM_COW_SHARE, 0x66660000) == 0);

    /* A grandchild: a copy of the child's copy, then the child goes. */
    KTEST_ASSERT(vm_user_map_create(&grandchild) == 0 && vm_user_map_fork(child, grandchild) == 0);
    KTEST_ASSERT(vm_cow_fill(child, VM_COW_COPY, 0x77770000) == 0);
    KTEST_ASSERT(vm_cow_diff(grandchild, VM_COW_COPY, 0x44440000) == 0);
    KTEST_ASSERT(vm_cow_fill(grandchild, VM_COW_SHARE, 0x88880000) == 0);
    vm_user_map_destroy(child);
    KTEST_ASSERT(vm_cow_diff(grandchild, VM_COW_COPY, 0x44440000) == 0);
    KTEST_ASSERT(vm_cow_diff(parent, VM_COW_COPY, 0x55550000) == 0);
    KTEST_ASSERT(vm_cow_diff(parent, VM_COW_SHARE, 0x88880000) == 0);
    KTEST_ASSERT(vm_cow_diff(parent, VM_COW_NONE, 0x33330000) == 0);
    /*
     * The grandchild writes: the child's object between it and the
     * original (still the parent's backing object) collapses away.
     */
    KTEST_ASSERT(vm_cow_fill(grandchild, VM_COW_COPY, 0x99990000) == 0);
    vm_user_map_lock(grandchild);
    ktest_assert_msg(vm_object_depth(vm_map_lookup(&grandchild->map, VM_COW_COPY)->object) == 2,
                     "grandchild's chain %u deep, want 2",
                     vm_object_depth(vm_map_lookup(&grandchild->map, VM_COW_COPY)->object));
    vm_user_map_unlock(grandchild);
    vm_user_map_destroy(grandchild);
    KTEST_ASSERT(vm_cow_diff(parent, VM_COW_COPY, 0x55550000) == 0);
    vm_user_map_destroy(parent);
    ktest_assert_msg(vm_object_count() == objects_before, "%lu objects, %lu before",
                     vm_object_count(), objects_before);
    vm_user_test_free_check("vm_cow", free_before);
}

#define VM_COW_CYCLES           1000

static void
vm_cow_cycles_fn(void)
{
    unsigned long free_before[VM_PAGE_NR_SEGS];
    unsigned long objects_before = vm_object_count();
    unsigned int tasks_before = task_count(), failures = 0, depth = 0;
    struct task *parent, *child;
    uintptr_t addr = VM_COW_COPY;

    vm_user_test_free_pages(free_before);
    KTEST_ASSERT(task_create_named(NULL, false, "vm_cow_parent", &parent) == KERN_SUCCESS);
    if (parent == NULL) {
        return;
    }
    KTEST_ASSERT(vm_user_allocate(parent->map, &addr, VM_COW_PAGES * PAGE_SIZE, false)
                 == KERN_SUCCESS);
    KTEST_ASSERT(vm_cow_fill(parent->map, VM_COW_COPY, 0xA0000000) == 0);
    for (unsigned int i = 0; i < VM_COW_CYCLES; i++) {
        uintptr_t page = VM_COW_COPY + (i % VM_COW_PAGES) * PAGE_SIZE;
        uint32_t v, word;

        if (task_create_named(parent, true, "vm_cow_child", &child) != KERN_SUCCESS) {
            failures++;
            continue;
        }
        /* The child writes one page; the parent's stays. */
        thread_pmap_set(vm_user_map_pmap(child->map));
        failures += vm_fault(child->map, page, VM_MAP_PROT_WRITE) != 0
                    || probe_write32((volatile uint32_t *)page, i) != 0
                    || probe_read32((volatile uint32_t *)page, &v) != 0 || v != i;
        /* The parent reads it, then writes its own copy (the same word back). */
        v = 0xA0000000 ^ (uint32_t)((page - VM_COW_COPY) / 4);
        thread_pmap_set(vm_user_map_pmap(parent->map));
        failures += vm_fault(parent->map, page, VM_MAP_PROT_READ) != 0
                    || probe_read32((volatile uint32_t *)page, &word) != 0 || word != v
                    || vm_fault(parent->map, page, VM_MAP_PROT_WRITE) != 0
                    || probe_write32((volatile uint32_t *)page, v) != 0;
        thread_pmap_set(NULL);
        failures += task_terminate(child) != KERN_SUCCESS;
        vm_user_map_lock(parent->map);
        depth = MAX(depth, vm_object_depth(vm_map_lookup(&parent->map->map, VM_COW_COPY)->object));
        vm_user_map_unlock(parent->map);
    }
    ktest_assert_msg(failures == 0, "%u failures in %u cycles", failures, VM_COW_CYCLES);
    KTEST_ASSERT(vm_cow_diff(parent->map, VM_COW_COPY, 0xA0000000) == 0);
    ktest_diag("vm_cow_cycles: %u create(copy)/terminate cycles, parent's chain at most %u deep",
               VM_COW_CYCLES, depth);
    ktest_assert_msg(depth <= 2, "parent's chain %u deep", depth);
    KTEST_ASSERT(task_terminate(parent) == KERN_SUCCESS);
    KTEST_ASSERT(task_count() == tasks_before);
    ktest_assert_msg(vm_object_count() == objects_before, "%lu objects, %lu before",
                     vm_object_count(), objects_before);
    vm_user_test_free_check("vm_cow_cycles", free_before);
}

/*
 * vm_user_map_copy(): a range of one map copy-on-write in another (and in
 * the same map), word for word with writes on both sides, and its errors.
 */
static void
vm_cow_copy_fn(void)
{
    unsigned long free_before[VM_PAGE_NR_SEGS];
    unsigned long objects_before = vm_object_count();
    struct vm_user_map *src, *dst;
    struct vm_map_stats stats;
    struct vm_map_entry e;
    uintptr_t addr, copy = 1, copy2 = 1;
    uint32_t v;

    vm_user_test_free_pages(free_before);
    KTEST_ASSERT(vm_user_map_create(&src) == 0 && vm_user_map_create(&dst) == 0);
    if (src == NULL || dst == NULL) {
        return;
    }
    /* Two entries back to back, the second split by vm_inherit: three entries. */
    addr = VM_COW_COPY;
    KTEST_ASSERT(vm_user_allocate(src, &addr, 4 * PAGE_SIZE, false) == KERN_SUCCESS);
    addr = VM_COW_COPY + 4 * PAGE_SIZE;
    KTEST_ASSERT(vm_user_allocate(src, &addr, 4 * PAGE_SIZE, false) == KERN_SUCCESS);
    KTEST_ASSERT(vm_user_inherit(src, VM_COW_COPY + 6 * PAGE_SIZE, PAGE_SIZE,
                                 VM_MAP_INHERIT_NONE) == KERN_SUCCESS);
    KTEST_ASSERT(vm_cow_fill(src, VM_COW_COPY, 0x13570000) == 0);
    addr = VM_COW_NONE;
    KTEST_ASSERT(vm_user_allocate(dst, &addr, PAGE_SIZE, false) == KERN_SUCCESS);

    /* Errors: a hole, no read permission, past the user space; nothing mapped in dst. */
    KTEST_ASSERT(vm_user_map_copy(src, VM_COW_COPY, 9 * PAGE_SIZE, dst, &copy) == ERROR_FAULT);
    KTEST_ASSERT(vm_user_map_copy(src, VM_COW_COPY - 4, 8, dst, &copy) == ERROR_FAULT);
    KTEST_ASSERT(vm_user_map_copy(src, VM_USER_MAX - PAGE_SIZE, 2 * PAGE_SIZE, dst, &copy)
                 == ERROR_FAULT);
    KTEST_ASSERT(vm_user_protect(src, VM_COW_COPY + 7 * PAGE_SIZE, PAGE_SIZE, false,
                                 VM_MAP_PROT_NONE) == KERN_SUCCESS);
    KTEST_ASSERT(vm_user_map_copy(src, VM_COW_COPY, 8 * PAGE_SIZE, dst, &copy) == ERROR_PROT);
    KTEST_ASSERT(vm_user_protect(src, VM_COW_COPY + 7 * PAGE_SIZE, PAGE_SIZE, false,
                                 VM_MAP_PROT_READ) == KERN_SUCCESS);
    KTEST_ASSERT(vm_user_map_copy(src, VM_COW_COPY, 0, dst, &copy) == 0 && copy == 0);
    vm_user_map_lock(dst);
    vm_map_stats_get(&dst->map, &stats);
    vm_user_map_unlock(dst);
    KTEST_ASSERT(stats.nr_entries == 1);

    /* vm_read: the same copy with kern_return_t and a count. */
    {
        uintptr_t data = 1, count = 0;

        KTEST_ASSERT(vm_user_read(NULL, VM_COW_COPY, 4, dst, &data, &count)
                     == KERN_INVALID_ARGUMENT);
        KTEST_ASSERT(vm_user_read(src, VM_COW_COPY - 4, 8, dst, &data, &count)
                     == KERN_INVALID_ADDRESS);
        KTEST_ASSERT(vm_user_protect(src, VM_COW_COPY, PAGE_SIZE, false, VM_MAP_PROT_NONE)
                     == KERN_SUCCESS);
        KTEST_ASSERT(vm_user_read(src, VM_COW_COPY, 4, dst, &data, &count)
                     == KERN_PROTECTION_FAILURE);
        KTEST_ASSERT(vm_user_protect(src, VM_COW_COPY, PAGE_SIZE, false, VM_MAP_PROT_RW)
                     == KERN_SUCCESS);
        KTEST_ASSERT(vm_user_read(src, VM_COW_COPY + PAGE_SIZE + 8, 12, dst, &data, &count)
                     == KERN_SUCCESS && count == 12 && (data & PAGE_MASK) == 8);
        thread_pmap_set(vm_user_map_pmap(dst));
        KTEST_ASSERT(vm_fault(dst, data, VM_MAP_PROT_READ) == 0
                     && probe_read32((volatile uint32_t *)data, &v) == 0
                     && v == (0x13570000u ^ (PAGE_SIZE / 4 + 2)));
        thread_pmap_set(NULL);
        KTEST_ASSERT(vm_user_deallocate(dst, data, count) == KERN_SUCCESS);
    }

    /* The whole range, from an unaligned start: the same offset in the page. */
    KTEST_ASSERT(vm_user_map_copy(src, VM_COW_COPY + 12, 8 * PAGE_SIZE - 12, dst, &copy) == 0);
    ktest_assert_msg(copy == 12, "copy at 0x%lx, want 0xc (the lowest free page, + 12)",
                     (unsigned long)copy);
    copy -= 12;
    e = vm_user_test_entry(dst, copy + 5 * PAGE_SIZE);
    KTEST_ASSERT(e.protection == VM_MAP_PROT_RW && e.max_protection == VM_MAP_PROT_ALL
                 && e.inheritance == VM_MAP_INHERIT_COPY);
    /* Copy-on-write: no page copied yet, the source's object behind. */
    KTEST_ASSERT(vm_object_nr_pages(e.object) == 0 && vm_object_depth(e.object) == 2);
    KTEST_ASSERT(vm_cow_diff(dst, copy, 0x13570000) == 0);
    /* Both sides write; each keeps its own. */
    KTEST_ASSERT(vm_cow_fill(dst, copy, 0x24680000) == 0);
    KTEST_ASSERT(vm_user_protect(src, VM_COW_COPY + 7 * PAGE_SIZE, PAGE_SIZE, false,
                                 VM_MAP_PROT_RW) == KERN_SUCCESS);
    KTEST_ASSERT(vm_cow_diff(src, VM_COW_COPY, 0x13570000) == 0);
    KTEST_ASSERT(vm_cow_fill(src, VM_COW_COPY, 0x35790000) == 0);
    KTEST_ASSERT(vm_cow_diff(dst, copy, 0x24680000) == 0);

    /* Within one map (vm_copy's case), then the source goes first. */
    KTEST_ASSERT(vm_user_map_copy(src, VM_COW_COPY, 8 * PAGE_SIZE, src, &copy2) == 0
                 && copy2 == 0);
    KTEST_ASSERT(vm_cow_fill(src, VM_COW_COPY, 0x46800000) == 0);
    KTEST_ASSERT(vm_cow_diff(src, copy2, 0x35790000) == 0);
    KTEST_ASSERT(vm_user_deallocate(src, VM_COW_COPY, 8 * PAGE_SIZE) == KERN_SUCCESS);
    KTEST_ASSERT(vm_cow_diff(src, copy2, 0x35790000) == 0);
    thread_pmap_set(vm_user_map_pmap(dst));
    KTEST_ASSERT(vm_fault(dst, VM_COW_NONE, VM_MAP_PROT_READ) == 0
                 && probe_read32((volatile uint32_t *)VM_COW_NONE, &v) == 0 && v == 0);
    thread_pmap_set(NULL);
    vm_user_map_destroy(src);
    KTEST_ASSERT(vm_cow_diff(dst, copy, 0x24680000) == 0);
    vm_user_map_destroy(dst);
    ktest_assert_msg(vm_object_count() == objects_before, "%lu objects, %lu before",
                     vm_object_count(), objects_before);
    vm_user_test_free_check("vm_cow_copy", free_before);
}

/*
 * test=vm_oom_victim (manual: it fills memory; boot config vm-oom-victim):
 * a task holding almost all memory and a small one that then faults
 * through vm_fault_user(): the big task is stopped (the largest), the
 * small one's faults succeed, and every page comes back.
 */
#define VM_OOM_SMALL_PAGES      64

static void
vm_oom_victim_fn(void)
{
    unsigned long free_before[VM_PAGE_NR_SEGS], big_pages = 0;
    unsigned int failures = 0, tasks;
    struct task *big, *small;
    uintptr_t addr, small_addr = VM_COW_COPY;

    vm_user_test_free_pages(free_before);
    KTEST_ASSERT(task_create_named(NULL, false, "oom_big", &big) == KERN_SUCCESS);
    KTEST_ASSERT(task_create_named(NULL, false, "oom_small", &small) == KERN_SUCCESS);
    if (big == NULL || small == NULL) {
        return;
    }
    tasks = task_count();
    addr = VM_USER_TEST_VA;
    KTEST_ASSERT(vm_user_allocate(big->map, &addr, 0x80000000u, false) == KERN_SUCCESS);
    KTEST_ASSERT(vm_user_allocate(small->map, &small_addr, VM_OOM_SMALL_PAGES * PAGE_SIZE,
                                  false) == KERN_SUCCESS);
    KTEST_ASSERT(task_thread_enter(small) == KERN_SUCCESS);
    while (vm_fault(big->map, addr + big_pages * PAGE_SIZE, VM_MAP_PROT_WRITE) == 0) {
        big_pages++;
    }
    ktest_diag("vm_oom_victim: the big task holds %lu pages", big_pages);
    for (unsigned int i = 0; i < VM_OOM_SMALL_PAGES; i++) {
        failures += vm_fault_user(small_addr + i * PAGE_SIZE, VM_MAP_PROT_WRITE) != KERN_SUCCESS;
    }
    ktest_assert_msg(failures == 0, "%u of the small task's faults failed", failures);
    /* big is gone (no reference of ours kept its memory), small goes on. */
    KTEST_ASSERT(task_count() == tasks - 1 && small->active);
    KTEST_ASSERT(vm_user_map_resident(small->map) == VM_OOM_SMALL_PAGES);
    task_thread_leave();
    KTEST_ASSERT(task_terminate(small) == KERN_SUCCESS);
    vm_user_test_free_check("vm_oom_victim", free_before);
}

KTEST_DEFINE(vm_user, vm_user_test_fn, 0);
KTEST_DEFINE(vm_user_cycles, vm_user_cycles_fn, 0);
KTEST_DEFINE(vm_user_smp, vm_user_smp_fn, 0);
KTEST_DEFINE(vm_user_oom, vm_user_oom_fn, KTEST_MANUAL);
KTEST_DEFINE(vm_cow, vm_cow_fn, 0);
KTEST_DEFINE(vm_cow_cycles, vm_cow_cycles_fn, 0);
KTEST_DEFINE(vm_cow_copy, vm_cow_copy_fn, 0);
KTEST_DEFINE(vm_oom_victim, vm_oom_victim_fn, KTEST_MANUAL);

/* ---------------------------------------------------------------- benchmark */

/*
 * test=vm_user_bench (manual; run by tools/bench-kernel under QEMU
 * -icount, where rdtsc counts instructions): a zero-fill fault (object
 * lookup miss, page allocation, zeroing 4 KiB, radix insert, pmap_enter),
 * a fault on a page already in the object, and vm_deallocate per page.
 * The first pass over the range also allocates page tables: the numbers
 * come from a second map over the same range after a warm-up.
 */
#define VM_USER_BENCH_PAGES     2048

static void
vm_user_bench_fn(void)
{
    uint64_t zero_fill = 0, refault = 0, dealloc = 0, start;
    struct vm_user_map *map;
    uintptr_t addr = VM_USER_TEST_VA;
    unsigned int failures = 0;

    for (unsigned int pass = 0; pass < 2; pass++) {
        KTEST_ASSERT(vm_user_map_create(&map) == 0);
        addr = VM_USER_TEST_VA;
        KTEST_ASSERT(vm_user_allocate(map, &addr, VM_USER_BENCH_PAGES * PAGE_SIZE, false)
                     == KERN_SUCCESS);
        start = cpu_rdtsc();
        for (unsigned int i = 0; i < VM_USER_BENCH_PAGES; i++) {
            failures += vm_fault(map, addr + i * PAGE_SIZE, VM_MAP_PROT_WRITE) != 0;
        }
        zero_fill = cpu_rdtsc() - start;
        start = cpu_rdtsc();
        for (unsigned int i = 0; i < VM_USER_BENCH_PAGES; i++) {
            failures += vm_fault(map, addr + i * PAGE_SIZE, VM_MAP_PROT_WRITE) != 0;
        }
        refault = cpu_rdtsc() - start;
        start = cpu_rdtsc();
        KTEST_ASSERT(vm_user_deallocate(map, addr, VM_USER_BENCH_PAGES * PAGE_SIZE)
                     == KERN_SUCCESS);
        dealloc = cpu_rdtsc() - start;
        vm_user_map_destroy(map);
    }
    KTEST_ASSERT(failures == 0);
    printf("bench: vm_fault zero-fill %llu insns/fault\n",
           (unsigned long long)(zero_fill / VM_USER_BENCH_PAGES));
    printf("bench: vm_fault resident page %llu insns/fault\n",
           (unsigned long long)(refault / VM_USER_BENCH_PAGES));
    printf("bench: vm_deallocate %llu insns/page\n",
           (unsigned long long)(dealloc / VM_USER_BENCH_PAGES));
}

KTEST_DEFINE(vm_user_bench, vm_user_bench_fn, KTEST_MANUAL);

/*
 * test=vm_cow_bench (manual; tools/bench-kernel, -icount): per page of a
 * 2048-page range after vm_user_map_fork(): a read fault that maps the
 * backing page read-only, a write fault that copies it up (lookup down
 * the chain, page allocation, 4 KiB copy, radix insert, pmap_enter), and
 * a write fault with no read first; then task_create_named(parent, TRUE) of a
 * task with 64 MiB resident in one entry (once, then again after that
 * child's exit, which first collapses 64 MiB of pages back into the
 * parent's object), and the child's task_terminate.
 */
#define VM_COW_BENCH_PAGES      2048
#define VM_COW_BENCH_BIG        (64u << 20)

static void
vm_cow_bench_fn(void)
{
    uint64_t read_fault = 0, copy_after_read = 0, copy_fault = 0, fork[2], term = 0, start;
    struct vm_user_map *parent, *child, *child2;
    struct task *task, *ctask;
    uintptr_t addr = VM_USER_TEST_VA;
    unsigned int failures = 0;

    for (unsigned int pass = 0; pass < 2; pass++) {
        KTEST_ASSERT(vm_user_map_create(&parent) == 0);
        addr = VM_USER_TEST_VA;
        KTEST_ASSERT(vm_user_allocate(parent, &addr, VM_COW_BENCH_PAGES * PAGE_SIZE, false)
                     == KERN_SUCCESS);
        for (unsigned int i = 0; i < VM_COW_BENCH_PAGES; i++) {
            failures += vm_fault(parent, addr + i * PAGE_SIZE, VM_MAP_PROT_WRITE) != 0;
        }
        KTEST_ASSERT(vm_user_map_create(&child) == 0 && vm_user_map_fork(parent, child) == 0);
        KTEST_ASSERT(vm_user_map_create(&child2) == 0 && vm_user_map_fork(parent, child2) == 0);
        start = cpu_rdtsc();
        for (unsigned int i = 0; i < VM_COW_BENCH_PAGES; i++) {
            failures += vm_fault(child, addr + i * PAGE_SIZE, VM_MAP_PROT_READ) != 0;
        }
        read_fault = cpu_rdtsc() - start;
        start = cpu_rdtsc();
        for (unsigned int i = 0; i < VM_COW_BENCH_PAGES; i++) {
            failures += vm_fault(child, addr + i * PAGE_SIZE, VM_MAP_PROT_WRITE) != 0;
        }
        copy_after_read = cpu_rdtsc() - start;
        start = cpu_rdtsc();
        for (unsigned int i = 0; i < VM_COW_BENCH_PAGES; i++) {
            failures += vm_fault(child2, addr + i * PAGE_SIZE, VM_MAP_PROT_WRITE) != 0;
        }
        copy_fault = cpu_rdtsc() - start;
        vm_user_map_destroy(child2);
        vm_user_map_destroy(child);
        vm_user_map_destroy(parent);
    }

    KTEST_ASSERT(task_create_named(NULL, false, "vm_cow_bench", &task) == KERN_SUCCESS);
    addr = VM_USER_TEST_VA;
    KTEST_ASSERT(vm_user_allocate(task->map, &addr, VM_COW_BENCH_BIG, false) == KERN_SUCCESS);
    for (uintptr_t off = 0; off < VM_COW_BENCH_BIG; off += PAGE_SIZE) {
        failures += vm_fault(task->map, addr + off, VM_MAP_PROT_WRITE) != 0;
    }
    /* The first copy finds one object; each later one first collapses the last copy's. */
    for (unsigned int pass = 0; pass < 2; pass++) {
        start = cpu_rdtsc();
        failures += task_create_named(task, true, "vm_cow_bench_child", &ctask) != KERN_SUCCESS;
        fork[pass] = cpu_rdtsc() - start;
        start = cpu_rdtsc();
        failures += task_terminate(ctask) != KERN_SUCCESS;
        term = cpu_rdtsc() - start;
    }
    KTEST_ASSERT(task_terminate(task) == KERN_SUCCESS);
    KTEST_ASSERT(failures == 0);
    printf("bench: cow read fault (backing page mapped read-only) %llu insns/fault\n",
           (unsigned long long)(read_fault / VM_COW_BENCH_PAGES));
    printf("bench: cow write fault after a read (copy up) %llu insns/fault\n",
           (unsigned long long)(copy_after_read / VM_COW_BENCH_PAGES));
    printf("bench: cow write fault (copy up) %llu insns/fault\n",
           (unsigned long long)(copy_fault / VM_COW_BENCH_PAGES));
    printf("bench: task_create inheriting 64 MiB resident (copy) %llu insns\n",
           (unsigned long long)fork[0]);
    printf("bench: the same after a child's exit (collapse of 64 MiB first) %llu insns\n",
           (unsigned long long)fork[1]);
    printf("bench: task_terminate of that child %llu insns\n", (unsigned long long)term);
}

KTEST_DEFINE(vm_cow_bench, vm_cow_bench_fn, KTEST_MANUAL);
