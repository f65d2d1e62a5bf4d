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
#include <kern/macros.h>
#include <kern/panic.h>
#include <kern/string.h>
#include <machine/param.h>
#include <machine/pmap.h>
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
    vm_user_pieces_release(copy->pieces, copy->nr_pieces);
    if (copy->pieces != &copy->one) {
        kmem_free(copy->pieces, copy->nr_pieces * sizeof(*copy->pieces));
    }
    kmem_free(copy, sizeof(*copy));
}

uintptr_t
vm_copy_size(const struct vm_copy *copy)
{
    return copy->size;
}

/* A new copy of size bytes at addr's in-page offset, without pieces. */
static struct vm_copy *
vm_copy_alloc(uintptr_t addr, uintptr_t size)
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
    copy = vm_copy_alloc(addr, size);
    if (copy == NULL) {
        return ERROR_NOMEM;
    }
    pieces = &copy->one;
    nr_pieces = 1;
    error = vm_user_map_extract(map, addr, size, move, &pieces, &nr_pieces);
    if (error != 0) {
        kmem_free(copy, sizeof(*copy));
        return error == ERROR_NOMEM ? ERROR_NOMEM : ERROR_FAULT;
    }
    copy->pieces = pieces;
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

/*
 * Give copy (no pieces yet) one piece: a new object of direct-mapped
 * pages covering its data, each filled by vm_copy_page_fill() from the
 * user range at addr when from_user, else zeroed (kernel data to come).
 * Returns 0, ERROR_NOMEM or ERROR_FAULT; on error the caller discards
 * copy.
 */
static int
vm_copy_physical_fill(struct vm_copy *copy, uintptr_t addr, bool from_user)
{
    unsigned long i, nr_pages = (copy->offset + copy->size + PAGE_SIZE - 1) / PAGE_SIZE;
    struct vm_object *object;
    struct vm_page *page;
    int error;

    error = vm_object_create((uint64_t)nr_pages * PAGE_SIZE, &object);
    if (error != 0) {
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
            return ERROR_NOMEM;
        }
        if (vm_object_page_insert(object, (uint64_t)i * PAGE_SIZE, page) != 0) {
            vm_page_free(page, 0);
            return ERROR_NOMEM;
        }
        if (!from_user) {
            memset(vm_page_direct_va(page), 0, PAGE_SIZE);
        } else {
            error = vm_copy_page_fill(copy, addr, i, vm_page_direct_va(page));
            if (error != 0) {
                return error;
            }
        }
    }
    return 0;
}

int
vm_copy_capture_physical(struct vm_user_map *map, uintptr_t addr, uintptr_t size, bool move,
                         struct vm_copy **copyp)
{
    struct vm_copy *copy;
    int error;

    assert(size != 0);
    if (!vm_copy_range_valid(addr, size)) {
        return ERROR_FAULT;
    }
    copy = vm_copy_alloc(addr, size);
    if (copy == NULL) {
        return ERROR_NOMEM;
    }
    error = vm_copy_physical_fill(copy, addr, true);
    if (error == 0 && move && vm_user_deallocate(map, addr, size) != KERN_SUCCESS) {
        error = ERROR_NOMEM;
    }
    if (error != 0) {
        vm_copy_discard(copy);
        return error;
    }
    *copyp = copy;
    return 0;
}

int
vm_copy_create(uintptr_t size, struct vm_copy **copyp)
{
    struct vm_copy *copy;
    int error;

    assert(size != 0);
    if (size > VM_USER_MAX) {
        return ERROR_NOMEM;
    }
    copy = vm_copy_alloc(0, size);
    if (copy == NULL) {
        return ERROR_NOMEM;
    }
    error = vm_copy_physical_fill(copy, 0, false);
    if (error != 0) {
        vm_copy_discard(copy);
        return error;
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

/*
 * The page holding byte pos of copy's pages (counted from the start of
 * its first page), found down its piece's chain; NULL where nothing was
 * ever written (zeros). The pieces' objects never change while the copy
 * holds them (shadows nobody maps, or objects moved out of their map).
 */
static const struct vm_page *
vm_copy_page(const struct vm_copy *copy, uintptr_t pos)
{
    uintptr_t at = P2TRUNC(pos, PAGE_SIZE);

    for (unsigned int i = 0; i < copy->nr_pieces; i++) {
        if (at < copy->pieces[i].size) {
            return vm_object_page_find(copy->pieces[i].object, copy->pieces[i].offset + at,
                                       NULL);
        }
        at -= copy->pieces[i].size;
    }
    panic("vm_copy: byte %lu beyond the copy", (unsigned long)pos);
}

void
vm_copy_read(const struct vm_copy *copy, uintptr_t offset, void *buf, uintptr_t len)
{
    uintptr_t pos, n;

    assert(offset <= copy->size && len <= copy->size - offset);
    while (len != 0) {
        const struct vm_page *page;
        char *va;

        pos = copy->offset + offset;
        n = MIN(len, PAGE_SIZE - pos % PAGE_SIZE);
        page = vm_copy_page(copy, pos);
        if (page == NULL) {
            memset(buf, 0, n);
        } else if (copy->physical) {
            memcpy(buf, (const char *)vm_page_direct_va(page) + pos % PAGE_SIZE, n);
        } else {
            va = pmap_window_map(vm_page_to_pa(page));
            assert(va != NULL);
            memcpy(buf, va + pos % PAGE_SIZE, n);
            pmap_window_unmap(va);
        }
        buf = (char *)buf + n;
        offset += n;
        len -= n;
    }
}

void
vm_copy_write(struct vm_copy *copy, uintptr_t offset, const void *buf, uintptr_t len)
{
    uintptr_t pos, n;

    assert(copy->physical);
    assert(offset <= copy->size && len <= copy->size - offset);
    while (len != 0) {
        const struct vm_page *page;

        pos = copy->offset + offset;
        n = MIN(len, PAGE_SIZE - pos % PAGE_SIZE);
        page = vm_copy_page(copy, pos);
        assert(page != NULL);
        memcpy((char *)vm_page_direct_va(page) + pos % PAGE_SIZE, buf, n);
        buf = (const char *)buf + n;
        offset += n;
        len -= n;
    }
}
