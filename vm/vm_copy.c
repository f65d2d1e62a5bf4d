/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Out-of-line memory in messages (see vm/vm_copy.h): copy-on-write
 * pieces of the sender's objects, or a physical copy for small data.
 *
 * Rationale. A copy is always a list of pieces (vm_user_piece: an
 * object, an offset, a size), held outside any map while the message is
 * queued, and copyout maps them into the receiver one after another.
 * Two ways fill that list:
 *
 *  - Copy-on-write (vm_user_map_extract()): each entry of the range
 *    gets a shadow object in front of its object, as a fork does, and
 *    the copy holds another shadow of the same object: the holding
 *    object. The sender's pages are write-protected; whichever side
 *    writes a page first copies it up into its own shadow, so both see
 *    the bytes of the moment of the send. A move (the deallocate bit)
 *    hands an entry's object over as it is when nothing else references
 *    it: no shadow, no page touched, no write-protection. The cost is a
 *    few objects and one pmap_protect per entry, whatever the size, then
 *    a copy-on-write fault per page written later (about 7,000
 *    instructions, doc/vm.md).
 *  - A physical copy into a new object whose pages come from the
 *    direct map: one copyin at send, and the pages go into the
 *    receiver as they are (no second copy). It costs about 1,500
 *    instructions per page but no later fault, so it wins for small
 *    data: below VM_COPY_PHYS_MAX bytes (the break-even measured with
 *    test=vm_copy_bench, doc/benchmarks.md). It also hides the bytes of
 *    the sender's first and last pages outside the range, which
 *    copy-on-write shows (as GNU Mach does), and it is what the kernel
 *    can read and rewrite in place: out-of-line port arrays.
 *
 * The receiver's addresses come from vm_user_map_insert(); the in-page
 * offset of the sender's first byte is kept.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kern/copy.h>
#include <kern/error.h>
#include <kern/kmem.h>
#include <kern/panic.h>
#include <kern/string.h>
#include <machine/param.h>
#include <vm/vm_copy.h>
#include <vm/vm_object.h>
#include <vm/vm_page.h>
#include <vm/vm_user.h>

struct vm_copy {
    uintptr_t size;                 /* bytes of data */
    unsigned int offset;            /* of the first byte in its page */
    bool physical;                  /* one piece: an object of direct-mapped pages */
    unsigned int nr_pieces;
    struct vm_user_piece *pieces;   /* kmem_alloc()ed, or &one */
    struct vm_user_piece one;
};

void
vm_copy_discard(struct vm_copy *copy)
{
    if (copy->pieces == &copy->one) {
        vm_object_unref(copy->one.object);
    } else {
        vm_user_pieces_free(copy->pieces, copy->nr_pieces);
    }
    kmem_free(copy, sizeof(*copy));
}

uintptr_t
vm_copy_size(const struct vm_copy *copy)
{
    return copy->size;
}

/* A new copy of size bytes at in-page offset, without pieces. */
static struct vm_copy *
vm_copy_create(uintptr_t addr, uintptr_t size)
{
    struct vm_copy *copy = kmem_alloc(sizeof(*copy));

    if (copy != NULL) {
        copy->size = size;
        copy->offset = (unsigned int)(addr & PAGE_MASK);
        copy->physical = false;
        copy->nr_pieces = 0;
        copy->pieces = &copy->one;
    }
    return copy;
}

/* Whether [addr, addr + size) lies in the user space (size > 0). */
static bool
vm_copy_range_valid(uintptr_t addr, uintptr_t size)
{
    return size <= VM_USER_MAX && addr <= VM_USER_MAX - size;
}

int
vm_copy_capture_cow(struct vm_user_map *map, uintptr_t addr, uintptr_t size, bool move,
                    struct vm_copy **copyp)
{
    struct vm_user_piece *pieces;
    struct vm_copy *copy;
    unsigned int nr_pieces;
    int error;

    assert(size != 0);
    if (!vm_copy_range_valid(addr, size)) {
        return ERROR_FAULT;
    }
    copy = vm_copy_create(addr, size);
    if (copy == NULL) {
        return ERROR_NOMEM;
    }
    error = vm_user_map_extract(map, addr, size, move, &pieces, &nr_pieces);
    if (error != 0) {
        kmem_free(copy, sizeof(*copy));
        return error == ERROR_NOMEM ? ERROR_NOMEM : ERROR_FAULT;
    }
    if (nr_pieces == 1) {
        copy->one = pieces[0];      /* the common case: no array kept */
        kmem_free(pieces, sizeof(*pieces));
    } else {
        copy->pieces = pieces;
    }
    copy->nr_pieces = nr_pieces;
    *copyp = copy;
    return 0;
}

/*
 * Fill page i of copy's object from the user range at addr: the data
 * bytes by copyin(), the rest of the page zeroed. Returns 0 or
 * ERROR_FAULT.
 */
static int
vm_copy_page_fill(const struct vm_copy *copy, uintptr_t addr, unsigned long i, char *va)
{
    uintptr_t first = (i == 0) ? copy->offset : 0;
    uintptr_t end = copy->offset + copy->size - (uintptr_t)i * PAGE_SIZE;

    if (end > PAGE_SIZE) {
        end = PAGE_SIZE;
    }
    memset(va, 0, first);
    memset(va + end, 0, PAGE_SIZE - end);
    return copyin((const void *)(P2TRUNC(addr, PAGE_SIZE) + i * PAGE_SIZE + first),
                  va + first, end - first) == 0 ? 0 : ERROR_FAULT;
}

int
vm_copy_capture_physical(struct vm_user_map *map, uintptr_t addr, uintptr_t size, bool move,
                         struct vm_copy **copyp)
{
    struct vm_object *object;
    struct vm_page *page;
    struct vm_copy *copy;
    unsigned long i, nr_pages;
    int error;

    assert(size != 0);
    if (!vm_copy_range_valid(addr, size)) {
        return ERROR_FAULT;
    }
    nr_pages = ((addr & PAGE_MASK) + size + PAGE_SIZE - 1) / PAGE_SIZE;
    copy = vm_copy_create(addr, size);
    if (copy == NULL) {
        return ERROR_NOMEM;
    }
    error = vm_object_create((uint64_t)nr_pages * PAGE_SIZE, &object);
    if (error != 0) {
        kmem_free(copy, sizeof(*copy));
        return ERROR_NOMEM;
    }
    copy->physical = true;
    copy->nr_pieces = 1;
    copy->one = (struct vm_user_piece){
        .object = object, .offset = 0, .size = nr_pages * PAGE_SIZE,
    };
    for (i = 0; i < nr_pages; i++) {
        page = vm_page_alloc(0, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_OBJECT);
        if (page == NULL) {
            vm_copy_discard(copy);
            return ERROR_NOMEM;
        }
        error = vm_object_page_insert(object, (uint64_t)i * PAGE_SIZE, page);
        if (error != 0) {
            vm_page_free(page, 0);
            vm_copy_discard(copy);
            return ERROR_NOMEM;
        }
        error = vm_copy_page_fill(copy, addr, i, vm_page_direct_va(page));
        if (error != 0) {
            vm_copy_discard(copy);
            return error;
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
vm_copy_capture(struct vm_user_map *map, uintptr_t addr, uintptr_t size, bool move,
                struct vm_copy **copyp)
{
    bool whole_pages = ((addr | size) & PAGE_MASK) == 0;

    if (size < VM_COPY_PHYS_MAX && !(move && whole_pages)) {
        return vm_copy_capture_physical(map, addr, size, move, copyp);
    }
    return vm_copy_capture_cow(map, addr, size, move, copyp);
}

int
vm_copy_copyout(struct vm_copy *copy, struct vm_user_map *map, uintptr_t *addrp)
{
    uintptr_t base;
    int error;

    error = vm_user_map_insert(map, copy->pieces, copy->nr_pieces, &base);
    if (error != 0) {
        return error;
    }
    /* The pieces' references now belong to map's entries. */
    if (copy->pieces != &copy->one) {
        kmem_free(copy->pieces, copy->nr_pieces * sizeof(*copy->pieces));
    }
    *addrp = base + copy->offset;
    kmem_free(copy, sizeof(*copy));
    return 0;
}

/* The kernel address of byte offset of a physical copy, and how many bytes follow it in its page. */
static char *
vm_copy_at(const struct vm_copy *copy, uintptr_t offset, uintptr_t *roomp)
{
    uintptr_t pos = copy->offset + offset;
    struct vm_page *page;

    assert(copy->physical);
    page = vm_object_page_lookup(copy->one.object, P2TRUNC(pos, PAGE_SIZE));
    assert(page != NULL);
    *roomp = PAGE_SIZE - pos % PAGE_SIZE;
    return (char *)vm_page_direct_va(page) + pos % PAGE_SIZE;
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
