/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's kmem backend (kern/kmem_backend.h). Slabs are vm_page
 * blocks from the DIRECTMAP segment, addressed through the direct map,
 * and a page's private pointer is its descriptor's priv field, which
 * vm_page leaves to the page's owner (type VM_PAGE_KMEM). Large
 * kmem_alloc() blocks are kernel virtual memory from vm_kmem: pages from
 * anywhere, no physical contiguity needed, so a 4 MiB request does not
 * depend on finding a free 4 MiB block.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kern/kmem.h>
#include <kern/kmem_backend.h>
#include <kern/macros.h>
#include <kern/panic.h>
#include <machine/param.h>
#include <vm/vm_kmem.h>
#include <vm/vm_page.h>

/* Descriptor of the page containing a direct-mapped address, or NULL. */
static struct vm_page *
kmem_backend_page_lookup(const void *addr)
{
    uintptr_t va = (uintptr_t)addr;

    if (va < KERNBASE || va - KERNBASE >= DIRECTMAP_SIZE) {
        return NULL;
    }
    return vm_page_lookup(kvtophys(addr));
}

void *
kmem_pages_alloc(unsigned int order)
{
    struct vm_page *page;

    page = vm_page_alloc(order, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KMEM);
    return (page == NULL) ? NULL : vm_page_direct_va(page);
}

void
kmem_pages_free(void *addr, unsigned int order)
{
    struct vm_page *page = kmem_backend_page_lookup(addr);

    assert(page != NULL && page->type == VM_PAGE_KMEM);
    /* vm_page hands out pages with priv NULL: give them back that way. */
    for (unsigned long i = 0; i < (1UL << order); i++) {
        page[i].priv = NULL;
    }
    vm_page_free(page, order);
}

void
kmem_pages_priv_set(void *addr, unsigned int order, void *priv)
{
    struct vm_page *page = kmem_backend_page_lookup(addr);

    assert(page != NULL && page->type == VM_PAGE_KMEM);
    for (unsigned long i = 0; i < (1UL << order); i++) {
        page[i].priv = priv;
    }
}

bool
kmem_pages_priv_get(const void *addr, void **privp)
{
    struct vm_page *page = kmem_backend_page_lookup(addr);

    if (page == NULL || page->type != VM_PAGE_KMEM) {
        return false;
    }
    *privp = page->priv;
    return true;
}

void *
kmem_large_alloc(size_t size)
{
    assert(size > KMEM_ALLOC_MAX && size <= KMEM_LARGE_MAX);
    return vm_kmem_alloc(size);
}

size_t
kmem_large_size(size_t size)
{
    return P2ROUND(size, PAGE_SIZE);
}

bool
kmem_large_free(void *ptr, size_t size)
{
    vm_kmem_free(ptr, size);        /* panics on a range it did not hand out */
    return true;
}
