/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Out-of-line memory in messages: a user range captured into a kernel
 * object on send, copied out into another map on receive, at an address
 * the kernel picks, or discarded (doc/ipc.md, "Out-of-line memory").
 *
 * This is the interface mach_msg needs; the implementation behind it is
 * a physical copy into pages the copy owns, until copy-on-write lands in
 * vm/, which can reimplement these three calls (capture by reference,
 * copy-on-write mapping on copyout) without changing their callers.
 *
 * Both ends run in the context of the thread whose map is given: the
 * sender's for vm_copy_capture(), the receiver's for vm_copy_copyout().
 */
#ifndef VM_VM_COPY_H
#define VM_VM_COPY_H

#include <stdbool.h>
#include <stdint.h>

struct vm_copy;
struct vm_user_map;

/*
 * Capture [addr, addr + size) of map, the calling thread's map (size >
 * 0), into a new copy in *copyp; with move, the range is then removed
 * from map (vm_deallocate's rounding: whole pages). The copy keeps the
 * offset of addr within its page. Returns 0, ERROR_FAULT (a byte of the
 * range cannot be read: unmapped, beyond the user space, or size too
 * large for it), or ERROR_NOMEM. Thread context; may fault pages in.
 */
int vm_copy_capture(struct vm_user_map *map, uintptr_t addr, uintptr_t size, bool move,
                    struct vm_copy **copyp);

/*
 * A new copy of size bytes (> 0), zero-filled, in *copyp: out-of-line
 * data the kernel sends (a kernel RPC's reply), filled with
 * vm_copy_write(). Returns 0 or ERROR_NOMEM. Thread context.
 */
int vm_copy_create(uintptr_t size, struct vm_copy **copyp);

/*
 * Map copy's bytes into map, the calling thread's map, at an address
 * the kernel picks (new zero-filled memory, whole pages, the copy's
 * in-page offset kept), stored in *addrp, and consume the copy. Returns
 * 0, or ERROR_NOSPC (no room in map) or ERROR_NOMEM with the copy
 * unchanged. Thread context.
 */
int vm_copy_copyout(struct vm_copy *copy, struct vm_user_map *map, uintptr_t *addrp);

/* Free copy. Any context that may free pages. */
void vm_copy_discard(struct vm_copy *copy);

/* Bytes in copy. */
uintptr_t vm_copy_size(const struct vm_copy *copy);

/*
 * Read or write len bytes at offset in copy (offset + len within its
 * size): the kernel's access to what a copy holds, e.g. the names of an
 * out-of-line port array, replaced by the receiver's names before
 * vm_copy_copyout(). Any context.
 */
void vm_copy_read(const struct vm_copy *copy, uintptr_t offset, void *buf, uintptr_t len);
void vm_copy_write(struct vm_copy *copy, uintptr_t offset, const void *buf, uintptr_t len);

#endif /* VM_VM_COPY_H */
