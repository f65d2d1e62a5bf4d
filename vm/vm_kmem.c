/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vm_kmem: a vm_map over the kernel virtual area finds the address range
 * (first fit, O(log n) with the gap tree), vm_page supplies one page at a
 * time with the HIGHMEM selector (any physical page will do: the kernel
 * reaches it through this mapping, not the direct map), and pmap maps it.
 * A failure half-way unwinds everything, so exhaustion is just NULL.
 * The map lock (interrupts off) covers only map operations: mapping and
 * unmapping (which may shoot down TLBs) happen outside it, while the
 * map entry keeps the range reserved.
 * Freeing looks the pages up through the page tables, so the caller keeps
 * nothing but the address and the size.
 * Guarded allocations (kernel stacks) reserve one more page below the
 * returned address and never map it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kern/macros.h>
#include <kern/panic.h>
#include <kern/printf.h>
#include <kern/shell.h>
#include <kern/string.h>
#include <machine/pmap.h>
#include <vm/vm_kmem.h>
#include <vm/vm_map.h>
#include <vm/vm_map_i.h>
#include <vm/vm_page.h>

static struct vm_map vm_kmem_kernel_map;

struct vm_map *
vm_kmem_map(void)
{
    return &vm_kmem_kernel_map;
}

void
vm_kmem_setup(void)
{
    if (vm_map_init(&vm_kmem_kernel_map, PMAP_KVA_START, PMAP_KVA_END) != 0) {
        panic("vm_kmem: cannot set up the kernel map");
    }
}

#define VM_KMEM_RELEASE_BATCH   32          /* pages per shootdown */

/*
 * Unmap and free the pages of [va, va + size); pages absent are skipped.
 * A page goes back to vm_page only once its mapping is gone from every
 * TLB (pmap_kremove() shoots it down), so that no CPU can reach it
 * through this address after it has a new owner. Batches of pages share
 * one shootdown.
 */
static void
vm_kmem_release(uintptr_t va, size_t size)
{
    while (size != 0) {
        size_t chunk = MIN(size, (size_t)VM_KMEM_RELEASE_BATCH * PAGE_SIZE);
        struct vm_page *pages[VM_KMEM_RELEASE_BATCH];
        unsigned int nr_pages = 0;

        for (uintptr_t p = va; p < va + chunk; p += PAGE_SIZE) {
            phys_addr_t pa;

            if (pmap_kextract(p, &pa)) {
                pages[nr_pages++] = vm_page_lookup(pa);
            }
        }
        pmap_kremove(va, chunk);
        for (unsigned int i = 0; i < nr_pages; i++) {
            vm_page_free(pages[i], 0);
        }
        va += chunk;
        size -= chunk;
    }
}

/* Give the address range back to the map (its pages are gone). */
static void
vm_kmem_unreserve(uintptr_t va, size_t size)
{
    vm_map_lock(&vm_kmem_kernel_map);
    vm_map_remove(&vm_kmem_kernel_map, va, va + size);
    vm_map_unlock(&vm_kmem_kernel_map);
}

/*
 * Reserve guard + size bytes, map pages over the last size bytes and
 * return their start; the first guard bytes stay unmapped.
 */
static void *
vm_kmem_alloc_range(size_t size, size_t guard)
{
    uintptr_t start = 0, va;
    int error;

    if (size == 0 || size > PMAP_KVA_END - PMAP_KVA_START - guard) {
        return NULL;
    }
    size = P2ROUND(size, PAGE_SIZE);
    vm_map_lock(&vm_kmem_kernel_map);
    error = vm_map_enter(&vm_kmem_kernel_map, &start, guard + size, PAGE_SIZE,
                         VM_MAP_PROT_RW, VM_MAP_ANYWHERE);
    vm_map_unlock(&vm_kmem_kernel_map);
    if (error != 0) {
        return NULL;
    }
    va = start + guard;
    for (uintptr_t p = va; p < va + size; p += PAGE_SIZE) {
        struct vm_page *page = vm_page_alloc(0, VM_PAGE_SEL_HIGHMEM, VM_PAGE_KERNEL);

        if (page == NULL) {
            vm_kmem_release(va, p - va);
            vm_kmem_unreserve(start, guard + size);
            return NULL;
        }
        pmap_kenter(p, vm_page_to_pa(page), PMAP_PROT_READ | PMAP_PROT_WRITE);
    }
    memset((void *)va, 0, size);
    return (void *)va;
}

/* Free what vm_kmem_alloc_range(size, guard) returned as addr. */
static void
vm_kmem_free_range(void *addr, size_t size, size_t guard)
{
    uintptr_t va = (uintptr_t)addr;
    const struct vm_map_entry *entry;
    bool valid;

    size = P2ROUND(size, PAGE_SIZE);
    vm_map_lock(&vm_kmem_kernel_map);
    entry = vm_map_lookup(&vm_kmem_kernel_map, va);
    valid = entry != NULL && entry->start == va - guard && entry->end == va + size;
    vm_map_unlock(&vm_kmem_kernel_map);
    if (!valid) {
        panic("vm_kmem: free of %p+0x%zx, which is not one kernel allocation",
              addr, size);
    }
    /* The entry keeps the range reserved until its pages are gone. */
    vm_kmem_release(va, size);
    vm_kmem_unreserve(va - guard, guard + size);
}

void *
vm_kmem_alloc(size_t size)
{
    return vm_kmem_alloc_range(size, 0);
}

void
vm_kmem_free(void *addr, size_t size)
{
    vm_kmem_free_range(addr, size, 0);
}

void *
vm_kmem_alloc_guarded(size_t size)
{
    return vm_kmem_alloc_range(size, PAGE_SIZE);
}

void
vm_kmem_free_guarded(void *addr, size_t size)
{
    vm_kmem_free_range(addr, size, PAGE_SIZE);
}

static void
vm_kmem_print(const char *line)
{
    printf("%s\n", line);
}

static void
vm_kmem_shell_info(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    vm_map_info(&vm_kmem_kernel_map, vm_kmem_print);
}

SHELL_CMD_DEFINE(vm_map_info, "", "kernel map entries and largest gaps",
                 vm_kmem_shell_info);
