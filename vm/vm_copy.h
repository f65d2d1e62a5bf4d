/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Out-of-line memory in messages: a user range captured into a kernel
 * object on send, copied out into another map on receive, at an address
 * the kernel picks, or discarded (doc/ipc.md, "Out-of-line memory").
 *
 * A copy holds the data outside any map while the message is queued:
 * copy-on-write references to the sender's objects (moved objects as
 * they are), or for small data a physical copy (vm/vm_copy.c has the
 * choice). Copyout maps it into the receiver without copying a byte.
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
 * Data below this many bytes is copied physically at capture (unless it
 * is moved whole pages); from it up, copy-on-write: the break-even of
 * test=vm_copy_bench when neither side writes afterwards (vm/vm_copy.c).
 */
#define VM_COPY_PHYS_MAX        (8 * 4096)

/*
 * Capture [addr, addr + size) of map, the calling thread's map (size >
 * 0), into a new copy in *copyp; with move, the range is then removed
 * from map (vm_deallocate's rounding: whole pages). The copy keeps the
 * offset of addr within its page. Returns 0, ERROR_FAULT (a byte of the
 * range cannot be read: unmapped, beyond the user space, or size too
 * large for it), or ERROR_NOMEM (map unchanged). Thread context; may
 * fault pages in. A move of whole pages (addr and size page-aligned),
 * and anything of VM_COPY_PHYS_MAX bytes or more:
 * vm_copy_capture_cow(); the rest: vm_copy_capture_physical().
 */
int vm_copy_capture(struct vm_user_map *map, uintptr_t addr, uintptr_t size, bool move,
                    struct vm_copy **copyp);

/*
 * vm_copy_capture() by physical copy, whatever the size: the bytes are
 * copied into new direct-mapped pages (the rest of the first and last
 * pages zeroed), which the receiver later maps as they are. The only
 * kind of copy vm_copy_read() and vm_copy_write() accept.
 */
int vm_copy_capture_physical(struct vm_user_map *map, uintptr_t addr, uintptr_t size,
                             bool move, struct vm_copy **copyp);

/*
 * vm_copy_capture() by copy-on-write, whatever the size
 * (vm_user_map_extract()): whole pages, so the receiver also sees the
 * bytes of the first and last pages outside the range, as in GNU Mach.
 */
int vm_copy_capture_cow(struct vm_user_map *map, uintptr_t addr, uintptr_t size, bool move,
                        struct vm_copy **copyp);

/*
 * Map copy's pages into map at an address the kernel picks (whole
 * pages, copy-on-write where the sender still maps them, the copy's
 * in-page offset kept), stored in *addrp, and consume the copy. Returns
 * 0, or ERROR_NOSPC (no room in map) or ERROR_NOMEM with the copy
 * unchanged. Thread context.
 */
int vm_copy_copyout(struct vm_copy *copy, struct vm_user_map *map, uintptr_t *addrp);

/*
 * A new copy of size bytes (> 0), zero-filled, in *copyp: out-of-line
 * data the kernel sends (a kernel RPC's reply), filled with
 * vm_copy_write() (a physical copy). Returns 0 or ERROR_NOMEM. Thread
 * context.
 */
int vm_copy_create(uintptr_t size, struct vm_copy **copyp);

/* Free copy. Any context that may free pages. */
void vm_copy_discard(struct vm_copy *copy);

/* Bytes in copy. */
uintptr_t vm_copy_size(const struct vm_copy *copy);

/*
 * Read len bytes at offset in copy (offset + len within its size), of
 * either kind: the kernel's access to what a copy holds (a kernel
 * server's out-of-line data, the names of a port array). Write them: a
 * physical copy only (vm_copy_capture_physical(), vm_copy_create()),
 * e.g. a port array's names replaced by the receiver's before
 * vm_copy_copyout(). Any context where preemption may be disabled for a
 * page's copy (reads of copy-on-write copies go through a window).
 */
void vm_copy_read(const struct vm_copy *copy, uintptr_t offset, void *buf, uintptr_t len);
void vm_copy_write(struct vm_copy *copy, uintptr_t offset, const void *buf, uintptr_t len);

#endif /* VM_VM_COPY_H */
