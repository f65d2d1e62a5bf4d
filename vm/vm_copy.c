/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Out-of-line memory in messages (see vm/vm_copy.h), by physical copy.
 *
 * Rationale. Until copy-on-write exists, the simplest correct capture
 * is a copy of the bytes into pages the copy owns: the sender may write
 * its range again as soon as mach_msg returns, and the receiver may map
 * the data anywhere. The pages come from the direct map (so the kernel
 * reads and writes them without a mapping window), one at a time (no
 * large contiguous block needed), and their descriptors sit in an array
 * from kmem. Copies go through copyin()/copyout() of the calling
 * thread's map, so a bad range is an error, never a kernel fault. The
 * cost is one copy on each side; copy-on-write will replace it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <include/mach/kern_return.h>
#include <kern/copy.h>
#include <kern/error.h>
#include <kern/kmem.h>
#include <kern/panic.h>
#include <kern/string.h>
#include <machine/param.h>
#include <vm/vm_copy.h>
#include <vm/vm_page.h>
#include <vm/vm_user.h>

#define VM_COPY_USER_MAX        0xc0000000u

struct vm_copy {
    uintptr_t size;
    unsigned int offset;            /* of the first byte in its page */
    unsigned long nr_pages;
    struct vm_page *pages[];
};

static size_t
vm_copy_alloc_size(unsigned long nr_pages)
{
    return sizeof(struct vm_copy) + nr_pages * sizeof(struct vm_page *);
}

void
vm_copy_discard(struct vm_copy *copy)
{
    unsigned long i;

    for (i = 0; i < copy->nr_pages; i++) {
        if (copy->pages[i] != NULL) {
            vm_page_free(copy->pages[i], 0);
        }
    }
    kmem_free(copy, vm_copy_alloc_size(copy->nr_pages));
}

uintptr_t
vm_copy_size(const struct vm_copy *copy)
{
    return copy->size;
}

/* Bytes of page i of copy that hold data, and where they start in it. */
static void
vm_copy_piece(const struct vm_copy *copy, unsigned long i, unsigned int *startp,
              unsigned int *lenp)
{
    uintptr_t first = (i == 0) ? copy->offset : 0;
    uintptr_t end = copy->offset + copy->size - (uintptr_t)i * PAGE_SIZE;

    if (end > PAGE_SIZE) {
        end = PAGE_SIZE;
    }
    *startp = (unsigned int)first;
    *lenp = (unsigned int)(end - first);
}

int
vm_copy_create(uintptr_t size, struct vm_copy **copyp)
{
    struct vm_copy *copy;
    unsigned long i, nr_pages = (size + PAGE_SIZE - 1) / PAGE_SIZE;

    assert(size != 0);
    if (size > VM_COPY_USER_MAX) {
        return ERROR_NOMEM;
    }
    copy = kmem_zalloc(vm_copy_alloc_size(nr_pages));
    if (copy == NULL) {
        return ERROR_NOMEM;
    }
    copy->size = size;
    copy->nr_pages = nr_pages;
    for (i = 0; i < nr_pages; i++) {
        copy->pages[i] = vm_page_alloc(0, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KERNEL);
        if (copy->pages[i] == NULL) {
            vm_copy_discard(copy);
            return ERROR_NOMEM;
        }
        memset(vm_page_direct_va(copy->pages[i]), 0, PAGE_SIZE);
    }
    *copyp = copy;
    return 0;
}

int
vm_copy_capture(struct vm_user_map *map, uintptr_t addr, uintptr_t size, bool move,
                struct vm_copy **copyp)
{
    struct vm_copy *copy;
    unsigned long i, nr_pages;
    unsigned int start, len;
    uintptr_t offset = addr & (PAGE_SIZE - 1);

    assert(size != 0);
    if (addr >= VM_COPY_USER_MAX || size > VM_COPY_USER_MAX - addr) {
        return ERROR_FAULT;
    }
    nr_pages = (offset + size + PAGE_SIZE - 1) / PAGE_SIZE;
    copy = kmem_zalloc(vm_copy_alloc_size(nr_pages));
    if (copy == NULL) {
        return ERROR_NOMEM;
    }
    copy->size = size;
    copy->offset = (unsigned int)offset;
    copy->nr_pages = nr_pages;
    for (i = 0; i < nr_pages; i++) {
        copy->pages[i] = vm_page_alloc(0, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KERNEL);
        if (copy->pages[i] == NULL) {
            vm_copy_discard(copy);
            return ERROR_NOMEM;
        }
        vm_copy_piece(copy, i, &start, &len);
        if (copyin((const void *)(addr - offset + i * PAGE_SIZE + start),
                   (char *)vm_page_direct_va(copy->pages[i]) + start, len) != 0) {
            vm_copy_discard(copy);
            return ERROR_FAULT;
        }
    }
    if (move && vm_user_deallocate(map, addr, size) != KERN_SUCCESS) {
        vm_copy_discard(copy);
        return ERROR_NOMEM;
    }
    *copyp = copy;
    return 0;
}

int
vm_copy_copyout(struct vm_copy *copy, struct vm_user_map *map, uintptr_t *addrp)
{
    uintptr_t base = 0;
    unsigned int start, len;
    unsigned long i;
    kern_return_t kr;

    kr = vm_user_allocate(map, &base, copy->nr_pages * PAGE_SIZE, true);
    if (kr != KERN_SUCCESS) {
        return kr == KERN_NO_SPACE ? ERROR_NOSPC : ERROR_NOMEM;
    }
    for (i = 0; i < copy->nr_pages; i++) {
        vm_copy_piece(copy, i, &start, &len);
        if (copyout((char *)vm_page_direct_va(copy->pages[i]) + start,
                    (void *)(base + i * PAGE_SIZE + start), len) != 0) {
            vm_user_deallocate(map, base, copy->nr_pages * PAGE_SIZE);
            return ERROR_NOMEM;     /* the new pages could not be made */
        }
    }
    *addrp = base + copy->offset;
    vm_copy_discard(copy);
    return 0;
}

/* The kernel address of byte offset of copy, and how many bytes follow it in its page. */
static char *
vm_copy_at(const struct vm_copy *copy, uintptr_t offset, uintptr_t *roomp)
{
    uintptr_t pos = copy->offset + offset;

    *roomp = PAGE_SIZE - pos % PAGE_SIZE;
    return (char *)vm_page_direct_va(copy->pages[pos / PAGE_SIZE]) + pos % PAGE_SIZE;
}

void
vm_copy_read(const struct vm_copy *copy, uintptr_t offset, void *buf, uintptr_t len)
{
    uintptr_t room, n;

    assert(offset <= copy->size && len <= copy->size - offset);
    while (len != 0) {
        const char *src = vm_copy_at(copy, offset, &room);

        n = len < room ? len : room;
        memcpy(buf, src, n);
        buf = (char *)buf + n;
        offset += n;
        len -= n;
    }
}

void
vm_copy_write(struct vm_copy *copy, uintptr_t offset, const void *buf, uintptr_t len)
{
    uintptr_t room, n;

    assert(offset <= copy->size && len <= copy->size - offset);
    while (len != 0) {
        char *dst = vm_copy_at(copy, offset, &room);

        n = len < room ? len : room;
        memcpy(dst, buf, n);
        buf = (const char *)buf + n;
        offset += n;
        len -= n;
    }
}
