/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host model of vm/vm_copy.h for the IPC host tests: "user memory" is
 * one arena, VM_COPY_HOST_BASE .. + VM_COPY_HOST_SIZE in 32-bit user
 * addresses. A capture of a range outside it fails like an unmapped
 * range; a move fills the range with VM_COPY_HOST_GONE (the host cannot
 * unmap it); a copyout takes fresh pages from the top of the arena
 * downward, keeping the in-page offset. vm_copy_host_live counts copies
 * not yet consumed or discarded, for leak checks.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <kern/error.h>
#include <vm/vm_copy.h>

#include "tests/unit/vm_copy_host.h"

uint8_t vm_copy_host_arena[VM_COPY_HOST_SIZE];
unsigned long vm_copy_host_live;
static uint32_t vm_copy_host_top = VM_COPY_HOST_BASE + VM_COPY_HOST_SIZE;

struct vm_copy {
    uintptr_t size;
    unsigned int offset;
    uint8_t bytes[];
};

int
vm_copy_capture(struct vm_user_map *map, uintptr_t addr, uintptr_t size, bool move,
                struct vm_copy **copyp)
{
    struct vm_copy *copy;

    (void)map;
    if (addr < VM_COPY_HOST_BASE || addr >= VM_COPY_HOST_BASE + VM_COPY_HOST_SIZE
        || size > VM_COPY_HOST_BASE + VM_COPY_HOST_SIZE - addr) {
        return ERROR_FAULT;
    }
    copy = malloc(sizeof(*copy) + size);
    if (copy == NULL) {
        return ERROR_NOMEM;
    }
    copy->size = size;
    copy->offset = addr % 4096;
    memcpy(copy->bytes, vm_copy_host_ptr(addr), size);
    if (move) {
        memset(vm_copy_host_ptr(addr), VM_COPY_HOST_GONE, size);
    }
    vm_copy_host_live++;
    *copyp = copy;
    return 0;
}

/* The model has one kind of copy, which the kernel may read and write. */
int
vm_copy_capture_physical(struct vm_user_map *map, uintptr_t addr, uintptr_t size, bool move,
                         struct vm_copy **copyp)
{
    return vm_copy_capture(map, addr, size, move, copyp);
}

int
vm_copy_copyout(struct vm_copy *copy, struct vm_user_map *map, uintptr_t *addrp)
{
    uint32_t pages = (uint32_t)((copy->offset + copy->size + 4095) / 4096) * 4096;

    (void)map;
    if (pages > vm_copy_host_top - VM_COPY_HOST_BASE) {
        return ERROR_NOSPC;
    }
    vm_copy_host_top -= pages;
    memcpy(vm_copy_host_ptr(vm_copy_host_top + copy->offset), copy->bytes, copy->size);
    *addrp = vm_copy_host_top + copy->offset;
    vm_copy_discard(copy);
    return 0;
}

void
vm_copy_discard(struct vm_copy *copy)
{
    vm_copy_host_live--;
    free(copy);
}

uintptr_t
vm_copy_size(const struct vm_copy *copy)
{
    return copy->size;
}

void
vm_copy_read(const struct vm_copy *copy, uintptr_t offset, void *buf, uintptr_t len)
{
    if (offset > copy->size || len > copy->size - offset) {
        abort();
    }
    memcpy(buf, copy->bytes + offset, len);
}

void
vm_copy_write(struct vm_copy *copy, uintptr_t offset, const void *buf, uintptr_t len)
{
    if (offset > copy->size || len > copy->size - offset) {
        abort();
    }
    memcpy(copy->bytes + offset, buf, len);
}
