/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host test of user maps (vm/vm_user.c), faults (vm/vm_fault.c) and
 * anonymous objects (vm/vm_object.c).
 *
 * Physical memory is synthetic: vm_page manages a DIRECTMAP and a
 * HIGHMEM segment whose pages have no backing; the test's pmap records
 * mappings (va -> pa, prot) in an array and its pmap_page_zero() marks
 * pages as zeroed. The mutex is the test's (one thread).
 *
 * The model keeps, per page of the low part of the user map, whether it
 * is mapped, its protection, maximum and inheritance, whether a page is
 * resident, and what the pmap maps. Random sequences of vm_allocate
 * (fixed and anywhere), vm_map, vm_deallocate, vm_protect, vm_inherit
 * and faults must give the model's return codes and addresses (anywhere
 * = lowest fit), and after each operation the map's entries, the pmap
 * and the resident count must match the model page by page.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <i386/param.h>
#include <i386/pmap.h>
#include <include/mach/kern_return.h>
#include <kern/kmem.h>
#include <kern/mutex.h>
#include <kern/qsbr.h>
#include <kern/rdxtree.h>
#include <vm/vm_fault.h>
#include <vm/vm_map.h>
#include <vm/vm_object.h>
#include <vm/vm_pager.h>
#include <vm/vm_page.h>
#include <vm/vm_user.h>

#include "tests/unit/kmem_host.h"
#include "tests/unit/tap.h"

#define MiB                     (UINT64_C(1) << 20)

__thread unsigned int percpu_host_cpu;

void
panic(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "panic: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    abort();
}

/* ---------------------------------------------------------------- mutex */

static struct thread *test_thread = (struct thread *)&test_thread;

void
mutex_init(struct mutex *mutex)
{
    mutex->owner = NULL;
}

void
mutex_lock(struct mutex *mutex)
{
    if (mutex->owner != NULL) {
        panic("mutex %p: taken twice by one thread", (void *)mutex);
    }
    mutex->owner = test_thread;
}

bool
mutex_trylock(struct mutex *mutex)
{
    if (mutex->owner != NULL) {
        return false;
    }
    mutex->owner = test_thread;
    return true;
}

void
mutex_unlock(struct mutex *mutex)
{
    if (mutex->owner != test_thread) {
        panic("mutex %p: unlocked while free", (void *)mutex);
    }
    mutex->owner = NULL;
}

bool
mutex_owned(const struct mutex *mutex)
{
    return mutex->owner == test_thread;
}

/* ---------------------------------------------------------------- vm_pager */

/*
 * External pagers need IPC, which the host does not have: no object
 * here ever has a pager, so vm_object.c and vm_fault.c never call these.
 */
int
vm_pager_page_get(struct vm_object *object, uint64_t offset, unsigned int access,
                  struct vm_page **pagep, struct vm_pager_request **waitp)
{
    (void)object, (void)offset, (void)access, (void)pagep, (void)waitp;
    abort();
}

int
vm_pager_wait(struct vm_object *object, struct vm_pager_request *wait)
{
    (void)object, (void)wait;
    abort();
}

bool
vm_pager_object_release(struct vm_object *object)
{
    (void)object;
    abort();
}

void
vm_pager_object_terminate(struct vm_object *object)
{
    (void)object;
    abort();
}

/* ---------------------------------------------------------------- pmap */

#define PMAP_VA_PAGES           (VM_USER_MAX >> PAGE_SHIFT)

struct pmap {
    phys_addr_t *pa;            /* per user page, 0: unmapped */
    uint8_t *prot;
    unsigned long nr_mapped;
    unsigned int tables_fail;   /* pmap_enter fails while > 0 (page-table ENOMEM) */
};

static unsigned long pmap_nr_alive;
static uint8_t *page_zeroed;                /* per physical page */
static uint32_t *page_value;                /* per physical page: its "contents" */
static unsigned long pmap_enomem_left;      /* pmap_enter: fail this many times */

struct pmap *
pmap_create(void)
{
    struct pmap *pmap = calloc(1, sizeof(*pmap));

    pmap->pa = calloc(PMAP_VA_PAGES, sizeof(*pmap->pa));
    pmap->prot = calloc(PMAP_VA_PAGES, 1);
    pmap_nr_alive++;
    return pmap;
}

void
pmap_destroy(struct pmap *pmap)
{
    free(pmap->pa);
    free(pmap->prot);
    free(pmap);
    pmap_nr_alive--;
}

int
pmap_enter(struct pmap *pmap, uintptr_t va, phys_addr_t pa, unsigned int prot)
{
    if (va >= VM_USER_MAX || va % PAGE_SIZE != 0 || prot == 0 || prot > 7) {
        return ERROR_INVAL;
    }
    if (pmap_enomem_left > 0) {
        pmap_enomem_left--;
        return ERROR_NOMEM;
    }
    if (pmap->pa[va >> PAGE_SHIFT] == 0) {
        pmap->nr_mapped++;
    }
    pmap->pa[va >> PAGE_SHIFT] = pa;
    pmap->prot[va >> PAGE_SHIFT] = (uint8_t)prot;
    return 0;
}

int
pmap_remove(struct pmap *pmap, uintptr_t start, uintptr_t end)
{
    if (start > end || end > VM_USER_MAX) {
        return ERROR_INVAL;
    }
    for (uintptr_t va = start; va < end; va += PAGE_SIZE) {
        if (pmap->pa[va >> PAGE_SHIFT] != 0) {
            pmap->nr_mapped--;
        }
        pmap->pa[va >> PAGE_SHIFT] = 0;
        pmap->prot[va >> PAGE_SHIFT] = 0;
    }
    return 0;
}

int
pmap_protect(struct pmap *pmap, uintptr_t start, uintptr_t end, unsigned int prot)
{
    if (prot == 0) {
        return pmap_remove(pmap, start, end);
    }
    for (uintptr_t va = start; va < end; va += PAGE_SIZE) {
        if (pmap->pa[va >> PAGE_SHIFT] != 0) {
            pmap->prot[va >> PAGE_SHIFT] = (uint8_t)prot;
        }
    }
    return 0;
}

unsigned long
pmap_resident_count(const struct pmap *pmap)
{
    return pmap->nr_mapped;
}

bool
pmap_extract(struct pmap *pmap, uintptr_t va, phys_addr_t *pap)
{
    if (va >= VM_USER_MAX || pmap->pa[va >> PAGE_SHIFT] == 0) {
        return false;
    }
    *pap = pmap->pa[va >> PAGE_SHIFT];
    return true;
}

/* Physical memory: DIRECTMAP 16-32 MiB, HIGHMEM 1 GiB-1 GiB+16 MiB (2048 + 4096 pages). */
#define SEG_DM_START            (16 * MiB)
#define SEG_DM_END              (32 * MiB)
#define SEG_HI_START            (1024 * MiB)
#define SEG_HI_END              (1040 * MiB)
#define PHYS_PAGES              ((SEG_HI_END) >> PAGE_SHIFT)

void
pmap_page_zero(phys_addr_t pa)
{
    if (pa % PAGE_SIZE != 0 || pa >= SEG_HI_END) {
        panic("pmap_page_zero(0x%llx)", (unsigned long long)pa);
    }
    page_zeroed[pa >> PAGE_SHIFT] = 1;
    page_value[pa >> PAGE_SHIFT] = 0;
}

void
pmap_page_copy(phys_addr_t dst, phys_addr_t src)
{
    if (dst % PAGE_SIZE != 0 || dst >= SEG_HI_END || src % PAGE_SIZE != 0
        || src >= SEG_HI_END || !page_zeroed[src >> PAGE_SHIFT]) {
        panic("pmap_page_copy(0x%llx, 0x%llx)", (unsigned long long)dst,
              (unsigned long long)src);
    }
    page_zeroed[dst >> PAGE_SHIFT] = 1;
    page_value[dst >> PAGE_SHIFT] = page_value[src >> PAGE_SHIFT];
}

/*
 * Windows (vm_write from a kernel buffer): one at a time; a page's first
 * word is its "contents", read in when mapped and written back when
 * unmapped.
 */
static uint32_t window_buf[PAGE_SIZE / 4];
static phys_addr_t window_pa = (phys_addr_t)-1;

void *
pmap_window_map(phys_addr_t pa)
{
    if (pa % PAGE_SIZE != 0 || pa >= SEG_HI_END || window_pa != (phys_addr_t)-1) {
        panic("pmap_window_map(0x%llx)", (unsigned long long)pa);
    }
    window_pa = pa;
    window_buf[0] = page_value[pa >> PAGE_SHIFT];
    return window_buf;
}

void
pmap_window_unmap(void *va)
{
    if (va != window_buf || window_pa == (phys_addr_t)-1) {
        panic("pmap_window_unmap(%p)", va);
    }
    page_zeroed[window_pa >> PAGE_SHIFT] = 1;
    page_value[window_pa >> PAGE_SHIFT] = window_buf[0];
    window_pa = (phys_addr_t)-1;
}

/* The boot allocator's arena for descriptors, outside every segment. */
#define ARENA_PA                (UINT64_C(1) << 40)
#define ARENA_SIZE              (4 * MiB)
static char *arena;
static size_t arena_used;

static phys_addr_t
test_bootalloc(unsigned int npages)
{
    size_t size = (size_t)npages * PAGE_SIZE;

    if (size > ARENA_SIZE - arena_used) {
        return 0;
    }
    arena_used += size;
    return ARENA_PA + arena_used - size;
}

void *
vm_page_host_ptov(phys_addr_t pa, size_t size)
{
    if (pa >= ARENA_PA && pa - ARENA_PA <= ARENA_SIZE && size <= ARENA_SIZE - (pa - ARENA_PA)) {
        return arena + (pa - ARENA_PA);
    }
    return NULL;
}

static unsigned long
free_pages(unsigned int seg)
{
    struct vm_page_seg_stats stats;

    vm_page_pool_drain();
    return vm_page_seg_stats_get(seg, &stats) == 0 ? stats.nr_free : 0;
}

/* Pages kmem holds once deferred frees ran and everything free went back. */
static unsigned long
kmem_pages(void)
{
    qsbr_drain();
    kmem_purge();
    return kmem_host_pages_used();
}

/* ---------------------------------------------------------------- cases */

/* The object of map's entry at addr. Map locked. */
static struct vm_object *
entry_at_locked(struct vm_user_map *map, uintptr_t addr)
{
    return vm_map_lookup(&map->map, addr)->object;
}

static void
test_objects(void)
{
    unsigned long hi_free = free_pages(VM_PAGE_SEG_HIGHMEM);
    unsigned long kmem_before = kmem_pages();
    struct vm_object *object;
    struct vm_page *page, *page2;
    bool created;

    tap_check(vm_object_create(0, &object) == ERROR_INVAL
              && vm_object_create(PAGE_SIZE + 1, &object) == ERROR_INVAL
              && vm_object_create(VM_OBJECT_SIZE_MAX + PAGE_SIZE, &object) == ERROR_INVAL,
              "object: bad sizes refused");
    tap_check(vm_object_create(64 * PAGE_SIZE, &object) == 0 && vm_object_nr_pages(object) == 0
              && vm_object_count() == 1, "object: created empty");
    tap_check(vm_object_page_get(object, 64 * PAGE_SIZE, &page, &created) == ERROR_INVAL
              && vm_object_page_get(object, 100, &page, &created) == ERROR_INVAL,
              "object: offsets past the end or unaligned refused");
    tap_check(vm_object_page_get(object, 5 * PAGE_SIZE, &page, &created) == 0 && created
              && page->priv == object && page->owner_index == 5 && page->type == VM_PAGE_OBJECT
              && page->seg_index == VM_PAGE_SEG_HIGHMEM
              && page_zeroed[vm_page_to_pa(page) >> PAGE_SHIFT],
              "object: a new page is zeroed, from HIGHMEM, linked back to object and offset");
    tap_check(vm_object_page_get(object, 5 * PAGE_SIZE, &page2, &created) == 0 && !created
              && page2 == page && vm_object_page_lookup(object, 5 * PAGE_SIZE) == page
              && vm_object_page_lookup(object, 6 * PAGE_SIZE) == NULL,
              "object: the same offset gives the same page");
    for (unsigned int i = 0; i < 64; i += 3) {
        vm_object_page_get(object, (uint64_t)i * PAGE_SIZE, &page, NULL);
    }
    tap_check(vm_object_nr_pages(object) == 23 && free_pages(VM_PAGE_SEG_HIGHMEM) == hi_free - 23,
              "object: 23 pages resident, 23 fewer free pages");
    tap_check(vm_object_pages_free(object, 6 * PAGE_SIZE, 30 * PAGE_SIZE) == 8
              && vm_object_nr_pages(object) == 15
              && vm_object_page_lookup(object, 27 * PAGE_SIZE) == NULL
              && vm_object_page_lookup(object, 30 * PAGE_SIZE) != NULL,
              "object: a range frees exactly its pages");
    vm_object_ref(object);
    vm_object_unref(object);
    tap_check(vm_object_count() == 1 && vm_object_nr_pages(object) == 15,
              "object: an extra reference keeps it");
    vm_object_unref(object);
    tap_check(vm_object_count() == 0 && free_pages(VM_PAGE_SEG_HIGHMEM) == hi_free
              && kmem_pages() == kmem_before,
              "object: the last reference frees every page and the object");
}

/* Entry at addr as a copy, or one of size 0. */
static struct vm_map_entry
entry_at(struct vm_user_map *map, uintptr_t addr)
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

static void
test_rules(void)
{
    unsigned long dm_free = free_pages(VM_PAGE_SEG_DIRECTMAP);
    unsigned long hi_free = free_pages(VM_PAGE_SEG_HIGHMEM), hi_mid;
    unsigned long kmem_before = kmem_pages();
    struct vm_user_map *map;
    struct vm_map_entry e;
    phys_addr_t pa;
    uintptr_t addr;

    tap_check(vm_user_map_create(&map) == 0 && pmap_nr_alive == 1, "rules: map created");
    addr = 77;
    tap_check(vm_user_allocate(map, &addr, 0, false) == KERN_SUCCESS && addr == 0,
              "allocate: size 0 succeeds with address 0");
    tap_check(vm_user_allocate(map, &addr, 1, true) == KERN_SUCCESS && addr == 0,
              "allocate: anywhere in an empty map is address 0");
    tap_check(vm_user_allocate(map, &addr, 3 * PAGE_SIZE, true) == KERN_SUCCESS
              && addr == PAGE_SIZE, "allocate: anywhere is first fit from the start");
    addr = 0x5000 + 0x123;
    tap_check(vm_user_allocate(map, &addr, PAGE_SIZE + 1, false) == KERN_SUCCESS
              && addr == 0x5000 && entry_at(map, 0x6000).end == 0x7000,
              "allocate: fixed address truncated, size rounded");
    addr = 0x6000;
    tap_check(vm_user_allocate(map, &addr, PAGE_SIZE, false) == KERN_NO_SPACE,
              "allocate: fixed overlap is KERN_NO_SPACE");
    addr = VM_USER_MAX - PAGE_SIZE;
    tap_check(vm_user_allocate(map, &addr, 2 * PAGE_SIZE, false) == KERN_INVALID_ADDRESS,
              "allocate: fixed past the end is KERN_INVALID_ADDRESS");
    addr = UINTPTR_MAX & ~(uintptr_t)PAGE_MASK;
    tap_check(vm_user_allocate(map, &addr, PAGE_SIZE, false) == KERN_INVALID_ADDRESS,
              "allocate: fixed above the map is KERN_INVALID_ADDRESS");
    tap_check(vm_user_allocate(map, &addr, VM_USER_MAX, true) == KERN_NO_SPACE
              && vm_user_allocate(map, &addr, UINTPTR_MAX, true) == KERN_NO_SPACE
              && vm_user_allocate(map, &addr, UINTPTR_MAX, false) == KERN_INVALID_ADDRESS,
              "allocate: too large is KERN_NO_SPACE anywhere, KERN_INVALID_ADDRESS fixed");
    e = entry_at(map, 0x5000);
    tap_check(e.protection == VM_MAP_PROT_RW && e.max_protection == VM_MAP_PROT_ALL
              && e.inheritance == VM_MAP_INHERIT_COPY && e.object != NULL,
              "allocate: READ|WRITE, maximum ALL, inheritance COPY");

    /* vm_map. */
    addr = 0;
    tap_check(vm_user_map(map, &addr, 0, 0, true, false, 1, 7, 1) == KERN_INVALID_ARGUMENT
              && vm_user_map(map, &addr, 1, 0, true, false, 9, 7, 1) == KERN_INVALID_ARGUMENT
              && vm_user_map(map, &addr, 1, 0, true, false, 1, 8, 1) == KERN_INVALID_ARGUMENT
              && vm_user_map(map, &addr, 1, 0, true, false, 1, 7, 3) == KERN_INVALID_ARGUMENT
              && vm_user_map(NULL, &addr, 1, 0, true, false, 1, 7, 1) == KERN_INVALID_ARGUMENT,
              "vm_map: size 0, bad protections, inheritance, map refused");
    tap_check(vm_user_map(map, &addr, 1, 0xFFFF, true, true, 7, 3, 0) == KERN_SUCCESS
              && addr == 0x10000 && entry_at(map, 0x10000).protection == 3
              && entry_at(map, 0x10000).inheritance == VM_MAP_INHERIT_SHARE,
              "vm_map: mask aligns, protection stored within the maximum");
    tap_check(vm_user_map(map, &addr, 0x10000, 0xFFFF0FFF, true, false, 3, 7, 1)
              == KERN_NO_SPACE
              && vm_user_map(map, &addr, 0x1000, 0xFFFF0FFF, true, false, 3, 7, 1)
              == KERN_SUCCESS && addr == 0x4000,
              "vm_map: high mask bits are an upper limit for the start");
    tap_check(vm_user_map(map, &addr, 0x1000, UINTPTR_MAX, true, false, 3, 7, 1)
              == KERN_NO_SPACE, "vm_map: an all-ones mask wants address 0 (taken)");

    /* Faults. */
    tap_check(vm_fault(map, 0x9000, VM_MAP_PROT_READ) == ERROR_FAULT
              && vm_fault(map, VM_USER_MAX, VM_MAP_PROT_READ) == ERROR_FAULT,
              "fault: unmapped or outside the map");
    tap_check(vm_fault(map, 0x5008, 0) == 0 && pmap_extract(map->pmap, 0x5000, &pa)
              && map->pmap->prot[5] == VM_MAP_PROT_RW && page_zeroed[pa >> PAGE_SHIFT]
              && vm_user_map_resident(map) == 1,
              "fault: zero-filled page mapped with the entry's protection");
    tap_check(vm_fault(map, 0x5000, VM_MAP_PROT_EXECUTE) == ERROR_PROT,
              "fault: execute on a READ|WRITE entry is a protection failure");
    addr = 0x20000;
    tap_check(vm_user_map(map, &addr, PAGE_SIZE, 0, false, false, VM_MAP_PROT_EXECUTE, 7, 1)
              == KERN_SUCCESS && vm_fault(map, 0x20000, VM_MAP_PROT_READ) == 0
              && vm_fault(map, 0x20000, VM_MAP_PROT_EXECUTE) == 0
              && vm_fault(map, 0x20000, VM_MAP_PROT_WRITE) == ERROR_PROT,
              "fault: an execute-only entry can be read, not written");

    /* vm_protect and vm_inherit. */
    tap_check(vm_user_protect(map, 0x5000, PAGE_SIZE, false, 0x20) == KERN_INVALID_ARGUMENT
              && vm_user_protect(map, 0x5000, PAGE_SIZE, false, 0x11) == KERN_SUCCESS
              && map->pmap->prot[5] == VM_MAP_PROT_READ
              && vm_fault(map, 0x5000, VM_MAP_PROT_WRITE) == ERROR_PROT,
              "protect: NOTIFY accepted, other bits refused; lowering changes the pmap");
    tap_check(vm_user_protect(map, 0x10000, PAGE_SIZE, false, 7) == KERN_PROTECTION_FAILURE
              && entry_at(map, 0x10000).protection == 3,
              "protect: above the maximum fails, nothing changed");
    tap_check(vm_user_protect(map, 0x0, 0x30000, true, VM_MAP_PROT_READ) == KERN_SUCCESS
              && entry_at(map, 0x10000).max_protection == 1
              && entry_at(map, 0x10000).protection == 1
              && entry_at(map, 0x20000).protection == 0
              && !pmap_extract(map->pmap, 0x20000, &pa),
              "protect: set_max over holes lowers maxima and ANDs current protections");
    tap_check(vm_user_inherit(map, 0, PAGE_SIZE, 3) == KERN_INVALID_ARGUMENT
              && vm_user_inherit(map, 0x2000, 0x9000, VM_MAP_INHERIT_NONE) == KERN_SUCCESS
              && entry_at(map, 0x1000).inheritance == VM_MAP_INHERIT_COPY
              && entry_at(map, 0x2000).inheritance == VM_MAP_INHERIT_NONE
              && entry_at(map, 0x2000).start == 0x2000
              && entry_at(map, 0x6000).inheritance == VM_MAP_INHERIT_NONE,
              "inherit: bad value refused; ranges clip entries");

    /* vm_deallocate. */
    tap_check(vm_user_deallocate(map, 0x5000, 0) == KERN_SUCCESS
              && vm_user_deallocate(map, 0x5000, UINTPTR_MAX) == KERN_SUCCESS
              && vm_user_map_resident(map) == 1,
              "deallocate: size 0 and a wrapping range do nothing (one page in the pmap)");
    hi_mid = free_pages(VM_PAGE_SEG_HIGHMEM);
    tap_check(vm_user_deallocate(map, 0x5800, 0x100) == KERN_SUCCESS
              && entry_at(map, 0x5000).start == 0 && entry_at(map, 0x6000).start == 0x6000
              && !pmap_extract(map->pmap, 0x5000, &pa) && vm_user_map_resident(map) == 0
              && free_pages(VM_PAGE_SEG_HIGHMEM) == hi_mid + 1,
              "deallocate: a part of an entry, its page freed");
    tap_check(vm_user_deallocate(map, 0, VM_USER_MAX) == KERN_SUCCESS
              && vm_user_map_resident(map) == 0 && map->pmap->nr_mapped == 0,
              "deallocate: everything, over holes");
    vm_user_map_destroy(map);
    tap_check(vm_object_count() == 0 && pmap_nr_alive == 0
              && free_pages(VM_PAGE_SEG_DIRECTMAP) == dm_free
              && free_pages(VM_PAGE_SEG_HIGHMEM) == hi_free && kmem_pages() == kmem_before,
              "rules: every page, object and kmem page back");
}

/* Out of memory: faults fail with ERROR_NOMEM, nothing changes, all comes back. */
static void
test_oom(void)
{
    unsigned long dm_free = free_pages(VM_PAGE_SEG_DIRECTMAP);
    unsigned long hi_free = free_pages(VM_PAGE_SEG_HIGHMEM);
    unsigned long kmem_before = kmem_pages(), n = 0;
    struct vm_user_map *map;
    uintptr_t addr = 0;
    int error = 0;

    vm_user_map_create(&map);
    vm_user_allocate(map, &addr, 0x10000000, true);
    pmap_enomem_left = 2;
    tap_check(vm_fault(map, 0, VM_MAP_PROT_WRITE) == ERROR_NOMEM
              && vm_user_map_resident(map) == 0 && !pmap_extract(map->pmap, 0, &(phys_addr_t){0}),
              "oom: a page table short twice (after reclaim) fails the fault");
    tap_check(vm_fault(map, 0, VM_MAP_PROT_WRITE) == 0 && vm_user_map_resident(map) == 1,
              "oom: the next fault maps the page it kept");
    pmap_enomem_left = 1;
    tap_check(vm_fault(map, PAGE_SIZE, VM_MAP_PROT_WRITE) == 0, "oom: one failure is retried");
    for (addr = 2 * PAGE_SIZE; addr < 0x10000000; addr += PAGE_SIZE, n++) {
        error = vm_fault(map, addr, VM_MAP_PROT_WRITE);
        if (error != 0) {
            break;
        }
    }
    tap_check(error == ERROR_NOMEM && n + 2 == vm_user_map_resident(map)
              && free_pages(VM_PAGE_SEG_HIGHMEM) == 0,
              "oom: %lu pages faulted, then ERROR_NOMEM with HIGHMEM and DIRECTMAP empty", n + 2);
    tap_check(vm_user_map_resident(map) > 6000, "oom: both segments used (%lu pages)",
              vm_user_map_resident(map));
    vm_user_map_destroy(map);
    tap_check(free_pages(VM_PAGE_SEG_DIRECTMAP) == dm_free
              && free_pages(VM_PAGE_SEG_HIGHMEM) == hi_free && kmem_pages() == kmem_before
              && vm_object_count() == 0, "oom: every page back");
}

/* ---------------------------------------------------------------- model */

#define MODEL_PAGES             512     /* the low 2 MiB of the map */

struct model_page {
    bool mapped;
    bool resident;
    uint8_t prot, max, inherit;
    uint8_t pmap_prot;          /* 0: not in the pmap */
};

static struct model_page model[MODEL_PAGES];
static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static unsigned long
rnd(unsigned long n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned long)(rng % n);
}

/* Lowest run of size free pages aligned to align pages, or -1. */
static long
model_fit(unsigned long size, unsigned long align)
{
    for (unsigned long p = 0; p + size <= MODEL_PAGES; p += align) {
        bool ok = true;

        for (unsigned long i = p; i < p + size && ok; i++) {
            ok = !model[i].mapped;
        }
        if (ok) {
            return (long)p;
        }
    }
    return -1;
}

static bool
model_compare(struct vm_user_map *map, const char **what)
{
    unsigned long resident = 0;
    phys_addr_t pa;

    for (unsigned long p = 0; p < MODEL_PAGES; p++) {
        struct vm_map_entry e = entry_at(map, p * PAGE_SIZE);
        const struct model_page *m = &model[p];

        resident += m->pmap_prot != 0;     /* Mach's resident size: pages in the pmap */
        if ((e.end != 0) != m->mapped) {
            *what = "mapped";
            return false;
        }
        if (m->mapped && (e.protection != m->prot || e.max_protection != m->max
                          || e.inheritance != m->inherit)) {
            *what = "attributes";
            return false;
        }
        if (pmap_extract(map->pmap, p * PAGE_SIZE, &pa) != (m->pmap_prot != 0)
            || (m->pmap_prot != 0 && map->pmap->prot[p] != m->pmap_prot)) {
            *what = "pmap";
            return false;
        }
        if (m->mapped && m->resident
            != (vm_object_page_lookup(e.object, e.offset + (p * PAGE_SIZE - e.start)) != NULL)) {
            *what = "resident page";
            return false;
        }
    }
    if (resident != vm_user_map_resident(map)) {
        *what = "resident count";
        return false;
    }
    vm_user_map_lock(map);
    *what = vm_map_check(&map->map);
    vm_user_map_unlock(map);
    return *what == NULL;
}

static void
test_model(unsigned long nr_ops)
{
    unsigned long dm_free = free_pages(VM_PAGE_SEG_DIRECTMAP);
    unsigned long hi_free = free_pages(VM_PAGE_SEG_HIGHMEM);
    unsigned long kmem_before = kmem_pages(), bad_ops = 0, ops[6] = { 0 };
    const char *what = NULL, *first_what = NULL;
    struct vm_user_map *map;

    memset(model, 0, sizeof(model));
    vm_user_map_create(&map);
    for (unsigned long op = 0; op < nr_ops; op++) {
        unsigned long kind = rnd(6), p = rnd(MODEL_PAGES), size = 1 + rnd(24);
        unsigned long end = MIN(p + size, MODEL_PAGES);
        kern_return_t kr, want;
        uintptr_t addr;
        bool ok = true;

        ops[kind]++;
        switch (kind) {
        case 0:     /* vm_allocate, fixed or anywhere */
        case 1: {
            bool anywhere = kind == 1;
            long fit = anywhere ? model_fit(size, 1) : (long)p;

            if (fit < 0 || (unsigned long)fit + size > MODEL_PAGES) {
                continue;       /* outside the modelled window */
            }
            want = KERN_SUCCESS;
            for (unsigned long i = fit; i < (unsigned long)fit + size; i++) {
                if (model[i].mapped) {
                    want = KERN_NO_SPACE;
                }
            }
            addr = fit * PAGE_SIZE + (anywhere ? 0 : rnd(PAGE_SIZE));
            kr = vm_user_allocate(map, &addr, size * PAGE_SIZE - rnd(PAGE_SIZE), anywhere);
            ok = kr == want && (kr != KERN_SUCCESS || addr == (uintptr_t)fit * PAGE_SIZE);
            if (kr == KERN_SUCCESS) {
                for (unsigned long i = fit; i < (unsigned long)fit + size; i++) {
                    model[i] = (struct model_page){ true, false, 3, 7, 1, 0 };
                }
            }
            break;
        }
        case 2:     /* vm_deallocate */
            kr = vm_user_deallocate(map, p * PAGE_SIZE, (end - p) * PAGE_SIZE);
            ok = kr == KERN_SUCCESS;
            for (unsigned long i = p; i < end; i++) {
                model[i] = (struct model_page){ 0 };
            }
            break;
        case 3: {   /* vm_protect */
            bool set_max = rnd(4) == 0;
            unsigned int prot = rnd(8);

            want = KERN_SUCCESS;
            for (unsigned long i = p; i < end; i++) {
                if (model[i].mapped && (prot & ~model[i].max)) {
                    want = KERN_PROTECTION_FAILURE;
                }
            }
            kr = vm_user_protect(map, p * PAGE_SIZE, (end - p) * PAGE_SIZE, set_max, prot);
            ok = kr == want;
            for (unsigned long i = p; i < end && want == KERN_SUCCESS; i++) {
                struct model_page *m = &model[i];
                unsigned int old = m->prot;

                if (!m->mapped) {
                    continue;
                }
                if (set_max) {
                    m->max = prot;
                    m->prot &= prot;
                } else {
                    m->prot = prot;
                }
                if ((old & ~m->prot) != 0 && m->pmap_prot != 0) {
                    m->pmap_prot = m->prot;
                }
            }
            break;
        }
        case 4: {   /* vm_inherit */
            unsigned int inherit = rnd(3);

            kr = vm_user_inherit(map, p * PAGE_SIZE, (end - p) * PAGE_SIZE, inherit);
            ok = kr == KERN_SUCCESS;
            for (unsigned long i = p; i < end; i++) {
                model[i].inherit = model[i].mapped ? inherit : 0;
            }
            break;
        }
        default: {  /* fault */
            unsigned int access = rnd(8), allowed;
            struct model_page *m = &model[p];
            int error, want_error;

            allowed = m->prot | ((m->prot & VM_MAP_PROT_EXECUTE) ? VM_MAP_PROT_READ : 0);
            want_error = !m->mapped ? ERROR_FAULT
                         : ((access ? access : 1) & ~allowed) ? ERROR_PROT : 0;
            error = vm_fault(map, p * PAGE_SIZE + rnd(PAGE_SIZE), access);
            ok = error == want_error;
            if (error == 0) {
                m->resident = true;
                m->pmap_prot = m->prot;
            }
            break;
        }
        }
        if (!ok || ((op % 16 == 0 || op + 1 == nr_ops) && !model_compare(map, &what))) {
            if (bad_ops++ == 0) {
                first_what = ok ? what : "return value";
                tap_diag("op %lu kind %lu page %lu size %lu: %s", op, kind, p, size,
                         first_what);
            }
        }
    }
    tap_check(bad_ops == 0, "model: %lu operations (%lu %lu %lu %lu %lu %lu) agree with the "
              "model (%lu bad)", nr_ops, ops[0], ops[1], ops[2], ops[3], ops[4], ops[5],
              bad_ops);
    vm_user_map_destroy(map);
    tap_check(free_pages(VM_PAGE_SEG_DIRECTMAP) == dm_free
              && free_pages(VM_PAGE_SEG_HIGHMEM) == hi_free && kmem_pages() == kmem_before
              && vm_object_count() == 0 && pmap_nr_alive == 0,
              "model: every page, object and kmem page back");
}


/* ---------------------------------------------------------------- copy-on-write */

/* The value of the page object shows at page index i (0: none, or a zero page). */
static uint32_t
shadow_value(struct vm_object *object, unsigned int i)
{
    struct vm_page *page = vm_object_page_find(object, (uint64_t)i * PAGE_SIZE, NULL);

    return page == NULL ? 0 : page_value[vm_page_to_pa(page) >> PAGE_SHIFT];
}

/*
 * Collapse by adoption (window at offset 0, backing fuller than the top):
 * the result shows exactly what the chain showed, every page's owner
 * fields name the top object, hidden and out-of-window pages are freed.
 * With nomem, radix nodes run out while the top's pages go back: the
 * collapse stops, and the chain must still show the same.
 */
static void
test_shadow_adopt(bool nomem)
{
    enum { BASE_PAGES = 4096, TOP_PAGES = 3000 };
    static const unsigned int own[] = { 3, 64, 2999, 1500, 1501 };
    unsigned long hi_free = free_pages(VM_PAGE_SEG_HIGHMEM), kmem_before = kmem_pages();
    struct vm_object *base, *top, *filler = NULL;
    struct vm_page *page, *copy;
    unsigned int bad = 0, nr_collapsed, depth, nr_want = 0;
    uint32_t want[TOP_PAGES];
    bool created;

    vm_object_create(BASE_PAGES * PAGE_SIZE, &base);
    /*
     * Pages every 7 from 64 to 2048, a few above, and (unless nomem:
     * freeing them would give radix nodes back) some past the top's
     * window; none below 64, so putting the top's first page (3) back
     * needs a new node before any node is freed.
     */
    for (unsigned int i = 64; i < (nomem ? TOP_PAGES : BASE_PAGES);
         i = (i < 2048) ? i + 7 : i + 500) {
        vm_object_page_get(base, (uint64_t)i * PAGE_SIZE, &page, NULL);
        page_value[vm_page_to_pa(page) >> PAGE_SHIFT] = 100000 + i;
    }
    vm_object_shadow(base, 0, TOP_PAGES * PAGE_SIZE, &top);
    for (unsigned int k = 0; k < sizeof(own) / sizeof(own[0]); k++) {
        vm_object_page_get(top, (uint64_t)own[k] * PAGE_SIZE, &page, NULL);
        page_value[vm_page_to_pa(page) >> PAGE_SHIFT] = 200000 + own[k];
    }
    /* A copy-in over a backing page: the backing one becomes hidden. */
    vm_object_page_copy_in(top, 71 * PAGE_SIZE, vm_object_page_find(top, 71 * PAGE_SIZE, NULL),
                           &copy, &created);
    page_value[vm_page_to_pa(copy) >> PAGE_SHIFT] = 300071;
    for (unsigned int i = 0; i < TOP_PAGES; i++) {
        want[i] = shadow_value(top, i);
        nr_want += want[i] != 0;            /* every page created has a value */
    }
    if (nomem) {
        /* Use up kmem's pages with a radix tree of scattered keys. */
        vm_object_create(VM_OBJECT_SIZE_MAX, &filler);
        kmem_host_limit_set(kmem_host_pages_used() + 4);
        for (uint32_t key = 1u << 20; ; key += 1u << 12) {
            if (rdxtree_insert(&filler->pages, key, copy) != 0) {
                break;
            }
        }
    }
    nr_collapsed = vm_object_collapse(top);
    depth = vm_object_depth(top);
    for (unsigned int i = 0; i < TOP_PAGES; i++) {
        bad += shadow_value(top, i) != want[i];
    }
    if (nomem) {
        struct rdxtree_iter iter;

        /* Each page of either object names the object holding it. */
        for (struct vm_object *o = top; o != NULL; o = o->shadow) {
            rdxtree_iter_init(&iter);
            while ((page = rdxtree_iter_next(&o->pages, &iter)) != NULL) {
                bad += page->priv != o || page->owner_index != rdxtree_iter_key(&iter);
            }
        }
        tap_check(nr_collapsed == 0 && depth == 2 && bad == 0,
                  "shadow: adoption out of radix nodes stops, the chain shows the same "
                  "(%u collapsed, depth %u, %u pages differ)", nr_collapsed, depth, bad);
        rdxtree_iter_init(&iter);
        while (rdxtree_iter_next(&filler->pages, &iter) != NULL) {
            rdxtree_remove(&filler->pages, rdxtree_iter_key(&iter));
        }
        vm_object_unref(filler);
        kmem_host_limit_set(~0UL);
        nr_collapsed = vm_object_collapse(top);
        depth = vm_object_depth(top);
        for (unsigned int i = 0; i < TOP_PAGES; i++) {
            bad += shadow_value(top, i) != want[i];
        }
    }
    for (unsigned int i = 0; i < TOP_PAGES; i++) {
        page = vm_object_page_lookup(top, (uint64_t)i * PAGE_SIZE);
        bad += page != NULL && (page->priv != top || page->owner_index != i);
    }
    tap_check(nr_collapsed == 1 && depth == 1 && bad == 0
              && vm_object_nr_pages(top) == nr_want
              && free_pages(VM_PAGE_SEG_HIGHMEM) == hi_free - vm_object_nr_pages(top),
              "shadow: adoption%s: the same pages seen, owners rewritten, hidden and "
              "out-of-window pages freed (%u wrong)", nomem ? " after a failed one" : "", bad);
    vm_object_unref(top);
    tap_check(vm_object_count() == 0 && free_pages(VM_PAGE_SEG_HIGHMEM) == hi_free
              && kmem_pages() == kmem_before, "shadow: adoption: every page back");
}

/* Shadow objects on their own: lookup down the chain, copy up, collapse. */
static void
test_shadow(void)
{
    unsigned long hi_free = free_pages(VM_PAGE_SEG_HIGHMEM);
    struct vm_object *base, *top, *other, *owner;
    struct vm_page *page, *copy;
    bool created;

    vm_object_create(16 * PAGE_SIZE, &base);
    vm_object_page_get(base, 4 * PAGE_SIZE, &page, NULL);
    page_value[vm_page_to_pa(page) >> PAGE_SHIFT] = 44;
    vm_object_page_get(base, 9 * PAGE_SIZE, &page, NULL);
    page_value[vm_page_to_pa(page) >> PAGE_SHIFT] = 99;
    tap_check(vm_object_shadow(base, 8 * PAGE_SIZE, 16 * PAGE_SIZE, &top) == ERROR_INVAL
              && vm_object_shadow(base, PAGE_SIZE + 1, PAGE_SIZE, &top) == ERROR_INVAL,
              "shadow: a window outside the backing object is refused");
    vm_object_ref(base);
    tap_check(vm_object_shadow(base, 2 * PAGE_SIZE, 8 * PAGE_SIZE, &top) == 0
              && vm_object_depth(top) == 2 && vm_object_nr_pages(top) == 0,
              "shadow: an empty object in front of its backing one");
    page = vm_object_page_find(top, 2 * PAGE_SIZE, &owner);
    tap_check(page != NULL && owner == base && page->owner_index == 4
              && vm_object_page_find(top, 3 * PAGE_SIZE, NULL) == NULL
              && vm_object_page_find(top, 7 * PAGE_SIZE, NULL) != NULL,
              "shadow: pages found down the chain at the shifted offset");
    tap_check(vm_object_page_copy_in(top, 2 * PAGE_SIZE, page, &copy, &created) == 0 && created
              && copy != page && copy->priv == top && copy->owner_index == 2
              && page_value[vm_page_to_pa(copy) >> PAGE_SHIFT] == 44
              && vm_object_page_find(top, 2 * PAGE_SIZE, &owner) == copy && owner == top,
              "shadow: a copied-up page has the contents and hides the one below");
    tap_check(vm_object_page_copy_in(top, 2 * PAGE_SIZE, page, &page, &created) == 0
              && !created && page == copy, "shadow: a second copy-in finds the first");
    /* base has two references (ours, top's): no collapse. */
    tap_check(vm_object_collapse(top) == 0 && vm_object_depth(top) == 2,
              "shadow: no collapse while the backing object has another user");
    vm_object_ref(base);
    vm_object_shadow(base, 0, 16 * PAGE_SIZE, &other);
    vm_object_unref(other);
    vm_object_unref(base);
    tap_check(vm_object_count() == 2 && vm_object_collapse(top) == 1 && vm_object_depth(top) == 1
              && vm_object_count() == 1 && vm_object_nr_pages(top) == 2
              && vm_object_page_lookup(top, 7 * PAGE_SIZE) != NULL
              && page_value[vm_page_to_pa(vm_object_page_lookup(top, 7 * PAGE_SIZE))
                            >> PAGE_SHIFT] == 99
              && vm_object_page_lookup(top, 7 * PAGE_SIZE)->priv == top
              && free_pages(VM_PAGE_SEG_HIGHMEM) == hi_free - 2,
              "shadow: collapse moves the visible page up and frees the hidden one");
    vm_object_unref(top);
    tap_check(vm_object_count() == 0 && free_pages(VM_PAGE_SEG_HIGHMEM) == hi_free,
              "shadow: every page back");
    test_shadow_adopt(false);
    test_shadow_adopt(true);
}

/*
 * Model of copy-on-write across maps. Up to FORK_MAPS maps live at once;
 * each maps FORK_PAGES pages from FORK_VA. A page of a map refers to a
 * cell (a shared cell for SHARE inheritance); a cell holds a value. The
 * pmaps' pages carry values in page_value[]: after every operation,
 * every page any pmap maps must hold its cell's value, and a write goes
 * straight to the physical page when the pmap maps it writable (as the
 * CPU would), so a page shared by mistake shows up in another map.
 */
#define FORK_MAPS               4
#define FORK_PAGES              48
#define FORK_VA                 0x100000u
#define FORK_CELLS              (FORK_MAPS * FORK_PAGES * 4)

struct fork_map {
    struct vm_user_map *map;
    int cell[FORK_PAGES];       /* -1: unmapped */
    uint8_t inherit[FORK_PAGES];
};

static struct fork_map fork_maps[FORK_MAPS];
static uint32_t fork_cell_value[FORK_CELLS];
static unsigned int fork_cell_refs[FORK_CELLS];

static int
fork_cell_new(uint32_t value)
{
    for (int c = 0; c < FORK_CELLS; c++) {
        if (fork_cell_refs[c] == 0) {
            fork_cell_refs[c] = 1;
            fork_cell_value[c] = value;
            return c;
        }
    }
    panic("fork model: out of cells");
}

static void
fork_map_drop(struct fork_map *fm, unsigned int p)
{
    if (fm->cell[p] >= 0) {
        fork_cell_refs[fm->cell[p]]--;
        fm->cell[p] = -1;
    }
}

/* Every page mapped by every live pmap holds its cell's value. */
static bool
fork_check(const char **what)
{
    phys_addr_t pa;

    for (unsigned int m = 0; m < FORK_MAPS; m++) {
        struct fork_map *fm = &fork_maps[m];

        if (fm->map == NULL) {
            continue;
        }
        for (unsigned int p = 0; p < FORK_PAGES; p++) {
            bool in_pmap = pmap_extract(fm->map->pmap, FORK_VA + p * PAGE_SIZE, &pa);

            if (fm->cell[p] < 0 && in_pmap) {
                *what = "an unmapped page is in the pmap";
                return false;
            }
            if (in_pmap && page_value[pa >> PAGE_SHIFT] != fork_cell_value[fm->cell[p]]) {
                tap_diag("map %u page %u holds %u, want %u", m, p, page_value[pa >> PAGE_SHIFT],
                         fork_cell_value[fm->cell[p]]);
                *what = "a mapped page holds another cell's value";
                return false;
            }
        }
    }
    return true;
}

/* Write value at page p of fm as a user would: straight if writable, else fault first. */
static bool
fork_write(struct fork_map *fm, unsigned int p, uint32_t value)
{
    uintptr_t va = FORK_VA + p * PAGE_SIZE;
    phys_addr_t pa;

    if (!pmap_extract(fm->map->pmap, va, &pa)
        || !(fm->map->pmap->prot[va >> PAGE_SHIFT] & VM_MAP_PROT_WRITE)) {
        if (vm_fault(fm->map, va, VM_MAP_PROT_WRITE) != 0 || !pmap_extract(fm->map->pmap, va, &pa)
            || !(fm->map->pmap->prot[va >> PAGE_SHIFT] & VM_MAP_PROT_WRITE)) {
            return false;
        }
    }
    page_value[pa >> PAGE_SHIFT] = value;
    fork_cell_value[fm->cell[p]] = value;
    return true;
}

static bool
fork_read(struct fork_map *fm, unsigned int p)
{
    uintptr_t va = FORK_VA + p * PAGE_SIZE;
    phys_addr_t pa;

    return vm_fault(fm->map, va, VM_MAP_PROT_READ) == 0 && pmap_extract(fm->map->pmap, va, &pa)
           && page_value[pa >> PAGE_SHIFT] == fork_cell_value[fm->cell[p]];
}

static bool
fork_make(struct fork_map *parent, struct fork_map *child)
{
    if (vm_user_map_create(&child->map) != 0 || vm_user_map_fork(parent->map, child->map) != 0) {
        return false;
    }
    for (unsigned int p = 0; p < FORK_PAGES; p++) {
        int c = parent->cell[p];

        child->cell[p] = -1;
        child->inherit[p] = parent->inherit[p];
        if (c < 0 || parent->inherit[p] == VM_MAP_INHERIT_NONE) {
            continue;
        }
        if (parent->inherit[p] == VM_MAP_INHERIT_SHARE) {
            fork_cell_refs[c]++;
            child->cell[p] = c;
        } else {
            child->cell[p] = fork_cell_new(fork_cell_value[c]);
        }
    }
    return true;
}

static void
fork_destroy(struct fork_map *fm)
{
    vm_user_map_destroy(fm->map);
    fm->map = NULL;
    for (unsigned int p = 0; p < FORK_PAGES; p++) {
        fork_map_drop(fm, p);
    }
}

static void
test_fork_model(unsigned long nr_ops)
{
    unsigned long dm_free = free_pages(VM_PAGE_SEG_DIRECTMAP);
    unsigned long hi_free = free_pages(VM_PAGE_SEG_HIGHMEM);
    unsigned long kmem_before = kmem_pages(), bad = 0, ops[6] = { 0 };
    const char *what = "";
    uintptr_t addr = FORK_VA;
    uint32_t next_value = 1;

    memset(fork_maps, 0, sizeof(fork_maps));
    memset(fork_cell_refs, 0, sizeof(fork_cell_refs));
    vm_user_map_create(&fork_maps[0].map);
    vm_user_allocate(fork_maps[0].map, &addr, FORK_PAGES * PAGE_SIZE, false);
    for (unsigned int p = 0; p < FORK_PAGES; p++) {
        fork_maps[0].cell[p] = fork_cell_new(0);
        fork_maps[0].inherit[p] = VM_MAP_INHERIT_COPY;
    }
    for (unsigned long i = 0; i < nr_ops && bad == 0; i++) {
        unsigned int m = (unsigned int)rnd(FORK_MAPS), p = (unsigned int)rnd(FORK_PAGES);
        unsigned int n = 1 + (unsigned int)rnd(4), op = (unsigned int)rnd(100);
        struct fork_map *fm = &fork_maps[m];
        unsigned int live = 0, free_slot = FORK_MAPS;

        for (unsigned int k = 0; k < FORK_MAPS; k++) {
            live += fork_maps[k].map != NULL;
            if (fork_maps[k].map == NULL) {
                free_slot = k;
            }
        }
        if (fm->map == NULL) {
            continue;
        }
        n = MIN(n, FORK_PAGES - p);
        if (op < 40) {                          /* write */
            ops[0]++;
            if (fm->cell[p] >= 0 && !fork_write(fm, p, next_value++)) {
                bad++, what = "a write failed";
            }
        } else if (op < 60) {                   /* read */
            ops[1]++;
            if (fm->cell[p] >= 0 && !fork_read(fm, p)) {
                bad++, what = "a read saw the wrong value";
            }
        } else if (op < 72) {                   /* fork */
            ops[2]++;
            if (free_slot < FORK_MAPS && !fork_make(fm, &fork_maps[free_slot])) {
                bad++, what = "a fork failed";
            }
        } else if (op < 80) {                   /* destroy (keep one map) */
            ops[3]++;
            if (live > 1) {
                fork_destroy(fm);
            }
        } else if (op < 92) {                   /* inherit */
            unsigned int inherit = (unsigned int)rnd(3);

            ops[4]++;
            if (vm_user_inherit(fm->map, FORK_VA + p * PAGE_SIZE, n * PAGE_SIZE, inherit)
                != KERN_SUCCESS) {
                bad++, what = "vm_inherit failed";
            }
            for (unsigned int k = p; k < p + n; k++) {
                fm->inherit[k] = (uint8_t)inherit;
            }
        } else {                                /* deallocate */
            ops[5]++;
            if (vm_user_deallocate(fm->map, FORK_VA + p * PAGE_SIZE, n * PAGE_SIZE)
                != KERN_SUCCESS) {
                bad++, what = "vm_deallocate failed";
            }
            for (unsigned int k = p; k < p + n; k++) {
                fork_map_drop(fm, k);
            }
        }
        if (bad == 0 && !fork_check(&what)) {
            bad++;
        }
        if (bad != 0) {
            tap_diag("fork model: op %lu (%u on map %u, page %u, %u pages): %s", i, op, m, p, n,
                     what);
        }
    }
    tap_check(bad == 0, "fork model: %lu ops (%lu writes, %lu reads, %lu forks, %lu destroys, "
              "%lu inherits, %lu deallocates), every mapped page right", nr_ops, ops[0], ops[1],
              ops[2], ops[3], ops[4], ops[5]);
    for (unsigned int k = 0; k < FORK_MAPS; k++) {
        if (fork_maps[k].map != NULL) {
            fork_destroy(&fork_maps[k]);
        }
    }
    tap_check(free_pages(VM_PAGE_SEG_DIRECTMAP) == dm_free
              && free_pages(VM_PAGE_SEG_HIGHMEM) == hi_free && kmem_pages() == kmem_before
              && vm_object_count() == 0 && pmap_nr_alive == 0,
              "fork model: every page, object and kmem page back");
}

/*
 * Fork-like cycles: the parent forks, both sides write, the child dies;
 * the parent's chains stay at most 2 deep and every page comes back.
 */
static void
test_fork_cycles(unsigned int nr_cycles)
{
    unsigned long hi_free = free_pages(VM_PAGE_SEG_HIGHMEM);
    unsigned long kmem_before = kmem_pages();
    struct fork_map *parent = &fork_maps[0], *child = &fork_maps[1];
    unsigned int bad = 0, max_depth = 0;
    uintptr_t addr = FORK_VA;

    memset(fork_maps, 0, sizeof(fork_maps));
    memset(fork_cell_refs, 0, sizeof(fork_cell_refs));
    vm_user_map_create(&parent->map);
    vm_user_allocate(parent->map, &addr, FORK_PAGES * PAGE_SIZE, false);
    for (unsigned int p = 0; p < FORK_PAGES; p++) {
        parent->cell[p] = fork_cell_new(0);
        parent->inherit[p] = VM_MAP_INHERIT_COPY;
        bad += !fork_write(parent, p, p + 1);
    }
    for (unsigned int i = 0; i < nr_cycles && bad == 0; i++) {
        const char *what;

        bad += !fork_make(parent, child);
        bad += !fork_write(parent, i % FORK_PAGES, 1000 + i);
        bad += !fork_write(child, (i + 7) % FORK_PAGES, 5000 + i);
        bad += !fork_read(child, i % FORK_PAGES) || !fork_read(parent, (i + 7) % FORK_PAGES);
        bad += !fork_check(&what);
        fork_destroy(child);
        bad += !fork_write(parent, (i + 3) % FORK_PAGES, 9000 + i);
        vm_user_map_lock(parent->map);
        max_depth = MAX(max_depth, vm_object_depth(entry_at_locked(parent->map, FORK_VA)));
        vm_user_map_unlock(parent->map);
    }
    tap_check(bad == 0 && max_depth <= 2, "fork cycles: %u fork/write/exit cycles, parent's "
              "chain at most %u deep", nr_cycles, max_depth);
    fork_destroy(parent);
    tap_check(free_pages(VM_PAGE_SEG_HIGHMEM) == hi_free && kmem_pages() == kmem_before
              && vm_object_count() == 0, "fork cycles: every page back");
}

/* The contents of the page mapped at va in map's pmap (0 when unmapped). */
static uint32_t
write_value(struct vm_user_map *map, uintptr_t va)
{
    phys_addr_t pa;

    return pmap_extract(vm_user_map_pmap(map), va, &pa) ? page_value[pa >> PAGE_SHIFT] : 0;
}

/* A vm_user_write_reader() source: page number + 7000 in each page's first word. */
static unsigned int reader_calls, reader_bad;

static void
write_reader(void *arg, uintptr_t offset, void *dst, uintptr_t len)
{
    reader_bad += !(arg == &reader_calls && offset % PAGE_SIZE == 0 && len == PAGE_SIZE);
    reader_calls++;
    ((uint32_t *)dst)[0] = 7000 + (uint32_t)(offset / PAGE_SIZE);
}

/* vm_write and vm_copy against the page contents model: memmove order, errors. */
static void
test_write(void)
{
    unsigned long objects = vm_object_count();
    struct vm_user_map *map;
    uintptr_t va = 0x100000;
    uint32_t buf[2 * PAGE_SIZE / 4] = { 0 };
    phys_addr_t pa;
    bool ok = true;

    tap_check(vm_user_map_create(&map) == 0
              && vm_user_allocate(map, &va, 4 * PAGE_SIZE, false) == KERN_SUCCESS,
              "write: a map with 4 pages");
    for (unsigned int i = 0; i < 4; i++) {
        ok &= vm_fault(map, va + i * PAGE_SIZE, VM_MAP_PROT_WRITE) == 0
              && pmap_extract(vm_user_map_pmap(map), va + i * PAGE_SIZE, &pa);
        page_value[pa >> PAGE_SHIFT] = 1000 + i;
    }
    tap_check(ok, "write: pages filled");
    tap_check(vm_user_copy(map, va, 2 * PAGE_SIZE, va + PAGE_SIZE) == KERN_SUCCESS
              && write_value(map, va) == 1000 && write_value(map, va + PAGE_SIZE) == 1000
              && write_value(map, va + 2 * PAGE_SIZE) == 1001
              && write_value(map, va + 3 * PAGE_SIZE) == 1003,
              "copy: overlapping upwards copies as memmove");
    tap_check(vm_user_copy(map, va + 2 * PAGE_SIZE, 2 * PAGE_SIZE, va) == KERN_SUCCESS
              && write_value(map, va) == 1001 && write_value(map, va + PAGE_SIZE) == 1003,
              "copy: downwards");
    buf[0] = 4242;
    buf[PAGE_SIZE / 4] = 4343;
    tap_check(vm_user_write(map, va + 2 * PAGE_SIZE, buf, 2 * PAGE_SIZE) == KERN_SUCCESS
              && write_value(map, va + 2 * PAGE_SIZE) == 4242
              && write_value(map, va + 3 * PAGE_SIZE) == 4343
              && write_value(map, va + PAGE_SIZE) == 1003,
              "write: a kernel buffer into two pages, the neighbour kept");
    tap_check(vm_user_write_reader(map, va + PAGE_SIZE, 2 * PAGE_SIZE, write_reader,
                                   &reader_calls) == KERN_SUCCESS
              && reader_calls == 2 && reader_bad == 0 && write_value(map, va + PAGE_SIZE) == 7000
              && write_value(map, va + 2 * PAGE_SIZE) == 7001
              && write_value(map, va + 3 * PAGE_SIZE) == 4343,
              "write: from a reader, page by page");
    tap_check(vm_user_write_reader(map, va + 3 * PAGE_SIZE, 2 * PAGE_SIZE, write_reader,
                                   &reader_calls) == KERN_INVALID_ADDRESS
              && reader_calls == 2 && write_value(map, va + 3 * PAGE_SIZE) == 4343,
              "write: from a reader past the mapping, nothing read or written");
    tap_check(vm_user_write(map, va + 1, buf, PAGE_SIZE) == KERN_INVALID_ARGUMENT
              && vm_user_write(map, va + 3 * PAGE_SIZE, buf, 2 * PAGE_SIZE)
                 == KERN_INVALID_ADDRESS
              && vm_user_copy(map, va + 3 * PAGE_SIZE, 2 * PAGE_SIZE, va)
                 == KERN_INVALID_ADDRESS
              && vm_user_copy(map, va + 1, PAGE_SIZE, va) == KERN_INVALID_ARGUMENT
              && write_value(map, va) == 1001,
              "write/copy: errors change nothing");
    vm_user_map_destroy(map);
    tap_check(vm_object_count() == objects, "write: every object gone");
}

/*
 * vm_user_map_object(): a kernel-kept shared object (the device pager's)
 * mapped read-only, its rules, the same physical page in the map as in
 * the object, a copy=TRUE mapping with a page of its own, and the
 * object's pages kept when every mapping is gone.
 */
static void
test_map_object(void)
{
    unsigned long objects = vm_object_count();
    struct vm_object *object;
    struct vm_user_map *map;
    struct vm_page *p0, *p1;
    struct vm_map_entry e;
    phys_addr_t pa;
    uintptr_t addr;

    tap_check(vm_user_map_create(&map) == 0 && vm_object_create(2 * PAGE_SIZE, &object) == 0
              && vm_object_page_get(object, 0, &p0, NULL) == 0
              && vm_object_page_get(object, PAGE_SIZE, &p1, NULL) == 0,
              "map_object: a two-page object with its pages");
    vm_object_share(object);
    addr = 0x5000;
    tap_check(vm_user_map_object(map, &addr, 60, 0, false, false, object, 0, VM_MAP_PROT_READ,
                                 VM_MAP_PROT_RW, VM_MAP_PROT_RW, 1) == KERN_PROTECTION_FAILURE
              && vm_user_map_object(map, &addr, 60, 0, false, false, object, 1,
                                    VM_MAP_PROT_READ, 1, 1, 1) == KERN_INVALID_ARGUMENT
              && vm_user_map_object(map, &addr, PAGE_SIZE + 1, 0, false, false, object,
                                    PAGE_SIZE, VM_MAP_PROT_READ, 1, 1, 1)
                 == KERN_INVALID_ARGUMENT
              && vm_user_map_object(map, &addr, 1, 0, false, false, object, 2 * PAGE_SIZE,
                                    VM_MAP_PROT_READ, 1, 1, 1) == KERN_INVALID_ARGUMENT
              && vm_user_map_object(map, &addr, 0, 0, false, false, object, 0,
                                    VM_MAP_PROT_READ, 1, 1, 1) == KERN_INVALID_ARGUMENT
              && vm_user_map_object(map, &addr, 60, 0, false, false, object, 0,
                                    VM_MAP_PROT_READ, 1, 1, 3) == KERN_INVALID_ARGUMENT
              && vm_object_count() == objects + 1,
              "map_object: protection beyond the object's, bad offsets and sizes refused");
    tap_check(vm_user_map_object(map, &addr, 60, 0, false, false, object, 0, VM_MAP_PROT_READ,
                                 VM_MAP_PROT_READ, VM_MAP_PROT_ALL, 2) == KERN_SUCCESS
              && addr == 0x5000, "map_object: mapped at a fixed address");
    e = entry_at(map, 0x5000);
    tap_check(e.protection == VM_MAP_PROT_READ && e.max_protection == VM_MAP_PROT_READ
              && e.object == object && e.end == 0x6000,
              "map_object: maximum cut to the object's READ, the object itself");
    tap_check(vm_fault(map, 0x5010, VM_MAP_PROT_READ) == 0 && pmap_extract(map->pmap, 0x5000, &pa)
              && pa == vm_page_to_pa(p0) && map->pmap->prot[0x5000 >> PAGE_SHIFT]
                                            == VM_MAP_PROT_READ,
              "map_object: a read maps the object's own page, read-only");
    tap_check(vm_fault(map, 0x5000, VM_MAP_PROT_WRITE) == ERROR_PROT
              && vm_user_protect(map, 0x5000, PAGE_SIZE, false, VM_MAP_PROT_RW)
                 == KERN_PROTECTION_FAILURE,
              "map_object: no write fault, no raising the protection");
    addr = 0;
    tap_check(vm_user_map_object(map, &addr, PAGE_SIZE, 0, true, false, object, PAGE_SIZE,
                                 VM_MAP_PROT_READ, VM_MAP_PROT_READ, VM_MAP_PROT_READ, 1)
              == KERN_SUCCESS && addr == 0 && vm_fault(map, 0, VM_MAP_PROT_READ) == 0
              && pmap_extract(map->pmap, 0, &pa) && pa == vm_page_to_pa(p1),
              "map_object: an offset maps the page there");
    addr = 0x8000;
    tap_check(vm_user_map_object(map, &addr, PAGE_SIZE, 0, false, true, object, 0,
                                 VM_MAP_PROT_READ, VM_MAP_PROT_READ, VM_MAP_PROT_READ, 1)
              == KERN_SUCCESS && entry_at(map, 0x8000).object != object
              && vm_fault(map, 0x8000, VM_MAP_PROT_READ) == 0
              && pmap_extract(map->pmap, 0x8000, &pa) && pa != vm_page_to_pa(p0),
              "map_object: copy=TRUE maps a private copy");
    tap_check(vm_user_deallocate(map, 0, VM_USER_MAX) == KERN_SUCCESS
              && vm_object_nr_pages(object) == 2 && vm_object_count() == objects + 1,
              "map_object: unmapping keeps the object's pages");
    vm_user_map_destroy(map);
    vm_object_unref(object);
    tap_check(vm_object_count() == objects, "map_object: every object gone");
}

/* Write v as the contents of map's page at va (a write fault first, as a CPU's write). */
static bool
value_set(struct vm_user_map *map, uintptr_t va, uint32_t v)
{
    phys_addr_t pa;

    if (vm_fault(map, va, VM_MAP_PROT_WRITE) != 0
        || !pmap_extract(vm_user_map_pmap(map), va, &pa)) {
        return false;
    }
    page_value[pa >> PAGE_SHIFT] = v;
    return true;
}

/* The contents of map's page at va as a read sees it (a read fault first); ~0 on error. */
static uint32_t
value_get(struct vm_user_map *map, uintptr_t va)
{
    return vm_fault(map, va, VM_MAP_PROT_READ) == 0 ? write_value(map, va) : ~0u;
}

/* Physical address of map's page at va, 0 when the pmap maps none. */
static phys_addr_t
value_pa(struct vm_user_map *map, uintptr_t va)
{
    phys_addr_t pa;

    return pmap_extract(vm_user_map_pmap(map), va, &pa) ? pa : 0;
}

/* vm_user_map_extract() offering no array: the pieces always come in a new one. */
static int
extract(struct vm_user_map *map, uintptr_t addr, uintptr_t size, bool move,
        struct vm_user_piece **piecesp, unsigned int *nrp)
{
    *piecesp = NULL;
    *nrp = 0;
    return vm_user_map_extract(map, addr, size, move, piecesp, nrp);
}

/* Free an array of pieces from extract(), with release their references too. */
static void
pieces_drop(struct vm_user_piece *pieces, unsigned int nr, bool release)
{
    if (release) {
        vm_user_pieces_release(pieces, nr);
    }
    kmem_free(pieces, nr * sizeof(*pieces));
}

/*
 * vm_user_map_extract() and vm_user_map_insert(), the two halves of
 * out-of-line memory: a copy taken out of one map, mapped in another,
 * writes on both sides after the capture and after the insertion;
 * a move handing an object over untouched, and one that must fall back
 * to a shadow; pieces dropped without insertion; errors change nothing.
 */
static void
test_extract(void)
{
    unsigned long objects = vm_object_count(), hi_free = free_pages(VM_PAGE_SEG_HIGHMEM);
    struct vm_user_map *a, *b, *full;
    struct vm_user_piece *pieces;
    struct vm_object *object;
    unsigned int nr;
    uintptr_t va = 0x100000, vb = 0x200000, vc = 0x300000, base = 0;
    phys_addr_t pa0, pa1;
    bool ok = true;

    tap_check(vm_user_map_create(&a) == 0 && vm_user_map_create(&b) == 0
              && vm_user_allocate(a, &va, 4 * PAGE_SIZE, false) == KERN_SUCCESS
              && vm_user_allocate(a, &vb, 2 * PAGE_SIZE, false) == KERN_SUCCESS
              && vm_user_allocate(a, &vc, 4 * PAGE_SIZE, false) == KERN_SUCCESS,
              "extract: two maps, entries of 4, 2 and 4 pages");
    for (unsigned int i = 0; i < 4; i++) {
        ok &= value_set(a, va + i * PAGE_SIZE, 2000 + i) && value_set(a, vc + i * PAGE_SIZE, 4000 + i);
    }
    ok &= value_set(a, vb, 3000) && value_set(a, vb + PAGE_SIZE, 3001);
    tap_check(ok, "extract: pages written");

    /* A copy of the middle two pages of the first entry, unaligned at both ends. */
    tap_check(extract(a, va + PAGE_SIZE + 5, PAGE_SIZE, false, &pieces, &nr) == 0
              && nr == 1 && pieces[0].size == 2 * PAGE_SIZE
              && pieces[0].object != entry_at(a, va + PAGE_SIZE).object
              && entry_at(a, va + PAGE_SIZE).start == va + PAGE_SIZE
              && entry_at(a, va + PAGE_SIZE).end == va + 3 * PAGE_SIZE,
              "extract: a copy of 2 pages, one piece of a shadow, the entry clipped");
    tap_check(value_set(a, va + PAGE_SIZE, 2101) && value_get(a, va + PAGE_SIZE) == 2101,
              "extract: the sender writes after the capture");
    tap_check(vm_user_map_insert(b, pieces, nr, &base) == 0, "insert: mapped in b at 0x%lx",
              (unsigned long)base);
    pieces_drop(pieces, nr, false);
    tap_check(value_get(b, base) == 2001 && value_get(b, base + PAGE_SIZE) == 2002
              && value_set(b, base + PAGE_SIZE, 2202) && value_get(a, va + 2 * PAGE_SIZE) == 2002
              && value_set(a, va + 2 * PAGE_SIZE, 2302) && value_get(b, base + PAGE_SIZE) == 2202
              && value_get(b, base) == 2001 && value_get(a, va + PAGE_SIZE) == 2101,
              "insert: b sees the bytes of the capture; writes on either side stay there");
    tap_check(vm_user_deallocate(b, base, 2 * PAGE_SIZE) == KERN_SUCCESS, "insert: b unmaps it");

    /* A move of a whole entry nothing else references: the object itself. */
    vm_user_map_lock(a);
    object = entry_at_locked(a, vb);
    vm_user_map_unlock(a);
    pa0 = value_pa(a, vb);
    pa1 = value_pa(a, vb + PAGE_SIZE);
    tap_check(extract(a, vb, 2 * PAGE_SIZE, true, &pieces, &nr) == 0 && nr == 1
              && pieces[0].object == object && pieces[0].offset == 0
              && entry_at(a, vb).end == 0 && value_pa(a, vb) == 0,
              "move: a whole entry's object handed over, the range gone from a");
    tap_check(vm_user_map_insert(b, pieces, nr, &base) == 0, "move: inserted in b");
    pieces_drop(pieces, nr, false);
    tap_check(value_get(b, base) == 3000 && value_get(b, base + PAGE_SIZE) == 3001
              && value_pa(b, base) == pa0 && value_pa(b, base + PAGE_SIZE) == pa1
              && entry_at(b, base).object == object && vm_object_depth(object) == 1,
              "move: the same physical pages, no shadow, no copy");

    /* A move of part of an entry (two entries then share its object): a shadow. */
    tap_check(extract(a, vc + PAGE_SIZE, PAGE_SIZE, true, &pieces, &nr) == 0
              && nr == 1 && pieces[0].object != entry_at(a, vc).object
              && entry_at(a, vc + PAGE_SIZE).end == 0 && value_get(a, vc + 2 * PAGE_SIZE) == 4002
              && value_get(a, vc) == 4000,
              "move: part of an entry goes by copy-on-write, the rest of the entry stays");
    tap_check(vm_user_map_insert(b, pieces, nr, &base) == 0, "move: part inserted in b");
    pieces_drop(pieces, nr, false);
    tap_check(value_get(b, base) == 4001 && value_set(a, vc + 2 * PAGE_SIZE, 4102)
              && value_set(b, base, 4201) && value_get(a, vc + 2 * PAGE_SIZE) == 4102
              && value_get(b, base) == 4201,
              "move: the part arrives intact, writes stay on their side");

    /* Pieces dropped without insertion (a message destroyed unreceived). */
    tap_check(extract(a, va, 4 * PAGE_SIZE, false, &pieces, &nr) == 0 && nr == 3,
              "extract: the first range, now three entries: three pieces");
    pieces_drop(pieces, nr, true);
    tap_check(value_get(a, va) == 2000 && value_get(a, va + PAGE_SIZE) == 2101
              && value_get(a, va + 3 * PAGE_SIZE) == 2003 && value_set(a, va, 2400)
              && value_get(a, va) == 2400, "extract: dropped pieces leave a as it was");

    /* Out of memory half-way through an insertion: nothing mapped, pieces whole. */
    {
        struct vm_user_map *c;
        uintptr_t at = 0, last = 0, big = 0;
        unsigned long n = 0;
        int error;

        struct vm_map_stats before, after;

        tap_check(vm_user_map_create(&c) == 0
                  && extract(a, va + PAGE_SIZE, 3 * PAGE_SIZE, false, &pieces, &nr) == 0
                  && nr == 2, "insert/oom: two pieces taken (entries split by the copy above)");
        vm_user_map_lock(b);
        vm_map_stats_get(&b->map, &before);
        vm_user_map_unlock(b);
        vm_user_allocate(c, &big, 1024 * PAGE_SIZE, true);
        kmem_host_limit_set(kmem_host_pages_used());
        while (at = 0, vm_user_allocate(c, &at, PAGE_SIZE, true) == KERN_SUCCESS) {
            last = at;
            n++;
        }
        /* The objects' cache may fill first: splits take the entries' last slots. */
        for (uintptr_t i = 1; i < 1024; i += 2) {
            if (vm_user_protect(c, big + i * PAGE_SIZE, PAGE_SIZE, false, VM_MAP_PROT_READ)
                != KERN_SUCCESS) {
                break;
            }
        }
        error = 0;
        if (vm_user_deallocate(c, last, PAGE_SIZE) == KERN_SUCCESS) {   /* one entry free */
            /* A slab page the deallocation emptied (its object's) goes to no other cache. */
            kmem_host_limit_set(kmem_host_pages_used());
            error = vm_user_map_insert(b, pieces, nr, &base);
        }
        kmem_host_limit_set(~0UL);
        vm_user_map_lock(b);
        vm_map_stats_get(&b->map, &after);
        vm_user_map_unlock(b);
        tap_check(n > 0 && error == ERROR_NOMEM && after.nr_entries == before.nr_entries
                  && after.mapped == before.mapped,
                  "insert/oom: the second entry cannot be had: ERROR_NOMEM, b unchanged "
                  "(%lu allocations filled kmem)", n);
        tap_check(vm_user_map_insert(b, pieces, nr, &base) == 0
                  && value_get(b, base) == 2101 && value_get(b, base + 2 * PAGE_SIZE) == 2003,
                  "insert/oom: the same pieces inserted once memory is back");
        pieces_drop(pieces, nr, false);
        vm_user_map_destroy(c);
    }

    /* Errors: a hole, an unreadable page, a full map. */
    tap_check(extract(a, va, 0x100000, false, &pieces, &nr) == ERROR_FAULT
              && extract(a, VM_USER_MAX - PAGE_SIZE, 2 * PAGE_SIZE, false, &pieces,
                                     &nr) == ERROR_FAULT
              && vm_user_protect(a, va, PAGE_SIZE, false, VM_MAP_PROT_NONE) == KERN_SUCCESS
              && extract(a, va, PAGE_SIZE, true, &pieces, &nr) == ERROR_PROT
              && vm_user_protect(a, va, PAGE_SIZE, false, VM_MAP_PROT_RW) == KERN_SUCCESS
              && value_get(a, va) == 2400,
              "extract: a hole, past the user space, an unreadable page: errors, a unchanged");
    base = 0;
    tap_check(extract(a, va, PAGE_SIZE, false, &pieces, &nr) == 0
              && vm_user_map_create(&full) == 0
              && vm_user_allocate(full, &base, VM_USER_MAX, false) == KERN_SUCCESS
              && vm_user_map_insert(full, pieces, nr, &base) == ERROR_NOSPC
              && value_get(a, va) == 2400,
              "insert: no room: ERROR_NOSPC, the pieces still whole");
    vm_user_map_destroy(full);
    tap_check(vm_user_map_create(&full) == 0
              && vm_user_set_size_limit(full, false, PAGE_SIZE / 2, VM_USER_SIZE_LIMIT_DEFAULT)
                 == KERN_SUCCESS
              && vm_user_map_insert(full, pieces, nr, &base) == ERROR_NOSPC
              && vm_user_set_size_limit(full, false, PAGE_SIZE, VM_USER_SIZE_LIMIT_DEFAULT)
                 == KERN_SUCCESS
              && vm_user_map_insert(full, pieces, nr, &base) == 0
              && value_get(full, base) == 2400,
              "insert: over the size limit: ERROR_NOSPC; within it, mapped");
    pieces_drop(pieces, nr, false);
    vm_user_map_destroy(full);
    vm_user_map_destroy(a);
    vm_user_map_destroy(b);
    tap_check(vm_object_count() == objects && free_pages(VM_PAGE_SEG_HIGHMEM) == hi_free,
              "extract: every object and page back");
}

/* Write value into the page at va of map, faulting it in writable. */
static bool
empty_write(struct vm_user_map *map, uintptr_t va, uint32_t value)
{
    phys_addr_t pa;

    if (vm_fault(map, va, VM_MAP_PROT_WRITE) != 0 || !pmap_extract(map->pmap, va, &pa)) {
        return false;
    }
    page_value[pa >> PAGE_SHIFT] = value;
    return true;
}

/* The value of the page at va of map as a read fault finds it; ~0 when unmapped. */
static uint32_t
empty_read(struct vm_user_map *map, uintptr_t va)
{
    phys_addr_t pa;

    if (vm_fault(map, va, VM_MAP_PROT_READ) != 0 || !pmap_extract(map->pmap, va, &pa)) {
        return ~0u;
    }
    return page_value[pa >> PAGE_SHIFT];
}

/*
 * vm_user_map_empty (a terminated task's teardown, kern/task.c): a map
 * with private, shared (inherited SHARE by a child), copy-on-write
 * (shared with a child's copy) and wired memory is emptied: no entry, no
 * page in its pmap, its own pages back at once, the child's view
 * unchanged; the map stays usable; destroying both then gives back
 * every page, kmem page and object.
 */
static void
test_empty(void)
{
    unsigned long dm_free = free_pages(VM_PAGE_SEG_DIRECTMAP);
    unsigned long hi_free = free_pages(VM_PAGE_SEG_HIGHMEM);
    unsigned long kmem_before = kmem_pages(), before_empty;
    const uintptr_t priv = 0x10000, shared = 0x200000, cow = 0x400000, wired = 0x600000;
    struct vm_user_map *map, *child;
    uintptr_t addr;
    unsigned int bad = 0;

    tap_check(vm_user_map_create(&map) == 0 && vm_user_map_create(&child) == 0,
              "empty: two maps");
    addr = priv;
    bad += vm_user_allocate(map, &addr, 8 * PAGE_SIZE, false) != KERN_SUCCESS;
    addr = shared;
    bad += vm_user_allocate(map, &addr, 4 * PAGE_SIZE, false) != KERN_SUCCESS;
    bad += vm_user_inherit(map, shared, 4 * PAGE_SIZE, VM_MAP_INHERIT_SHARE) != KERN_SUCCESS;
    addr = cow;
    bad += vm_user_allocate(map, &addr, 4 * PAGE_SIZE, false) != KERN_SUCCESS;
    addr = wired;
    bad += vm_user_allocate(map, &addr, 2 * PAGE_SIZE, false) != KERN_SUCCESS;
    bad += vm_user_inherit(map, wired, 2 * PAGE_SIZE, VM_MAP_INHERIT_NONE) != KERN_SUCCESS;
    for (unsigned int p = 0; p < 8; p++) {
        bad += !empty_write(map, priv + p * PAGE_SIZE, 100 + p);
    }
    for (unsigned int p = 0; p < 4; p++) {
        bad += !empty_write(map, shared + p * PAGE_SIZE, 200 + p);
        bad += !empty_write(map, cow + p * PAGE_SIZE, 300 + p);
    }
    bad += vm_user_wire(map, true, wired, 2 * PAGE_SIZE, VM_MAP_PROT_READ | VM_MAP_PROT_WRITE)
           != KERN_SUCCESS;
    bad += vm_user_inherit(map, priv, 8 * PAGE_SIZE, VM_MAP_INHERIT_NONE) != KERN_SUCCESS;
    bad += vm_user_map_fork(map, child) != 0;
    tap_check(bad == 0 && vm_user_map_resident(map) == 8 + 4 + 4 + 2,
              "empty: private, shared, copy-on-write and wired memory, %lu pages resident",
              vm_user_map_resident(map));

    before_empty = free_pages(VM_PAGE_SEG_DIRECTMAP) + free_pages(VM_PAGE_SEG_HIGHMEM);
    vm_user_map_empty(map);
    tap_check(vm_map_first(&map->map) == NULL && vm_user_map_resident(map) == 0
              && map->map.mapped == 0, "empty: no entry, no page mapped");
    /* Its own pages back at once: the private and wired ones (8 + 2). */
    tap_check(free_pages(VM_PAGE_SEG_DIRECTMAP) + free_pages(VM_PAGE_SEG_HIGHMEM)
              == before_empty + 8 + 2, "empty: the pages only it held are free (%lu more)",
              free_pages(VM_PAGE_SEG_DIRECTMAP) + free_pages(VM_PAGE_SEG_HIGHMEM) - before_empty);
    bad = 0;
    for (unsigned int p = 0; p < 4; p++) {
        bad += empty_read(child, shared + p * PAGE_SIZE) != 200 + p;
        bad += empty_read(child, cow + p * PAGE_SIZE) != 300 + p;
    }
    bad += empty_read(child, priv) != ~0u || empty_read(child, wired) != ~0u;
    tap_check(bad == 0, "empty: the child still sees the shared and copied pages");
    addr = 0;
    tap_check(vm_user_allocate(map, &addr, PAGE_SIZE, true) == KERN_SUCCESS && addr == 0
              && empty_write(map, 0, 7) && empty_read(map, 0) == 7,
              "empty: the map stays usable");
    vm_user_map_destroy(map);
    vm_user_map_destroy(child);
    tap_check(free_pages(VM_PAGE_SEG_DIRECTMAP) == dm_free
              && free_pages(VM_PAGE_SEG_HIGHMEM) == hi_free && kmem_pages() == kmem_before
              && vm_object_count() == 0, "empty: every page back once both maps are destroyed");
}

int
main(void)
{
    arena = calloc(1, ARENA_SIZE);
    page_zeroed = calloc(PHYS_PAGES, 1);
    page_value = calloc(PHYS_PAGES, sizeof(*page_value));
    kmem_host_setup(8192);
    kmem_setup();
    rdxtree_setup();
    vm_page_load(VM_PAGE_SEG_DIRECTMAP, SEG_DM_START, SEG_DM_END);
    vm_page_load(VM_PAGE_SEG_HIGHMEM, SEG_HI_START, SEG_HI_END);
    vm_page_setup(test_bootalloc);
    vm_page_manage_range(SEG_DM_START, SEG_DM_END);
    vm_page_manage_range(SEG_HI_START, SEG_HI_END);
    vm_page_ready();
    vm_object_setup();
    vm_user_setup();

    test_objects();
    test_rules();
    test_oom();
    test_model(20000);
    test_shadow();
    test_fork_model(20000);
    test_fork_cycles(1000);
    test_write();
    test_map_object();
    test_extract();
    test_empty();
    return tap_done();
}
