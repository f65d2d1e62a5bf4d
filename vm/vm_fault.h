/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Page faults on user maps: resolve a fault at an address against the
 * map's entries, zero-filling the page on first touch.
 */
#ifndef VM_VM_FAULT_H
#define VM_VM_FAULT_H

#include <stdint.h>

struct vm_map_entry;
struct vm_page;
struct vm_user_map;

/*
 * Resolve a fault at user address addr in map for access (VM_MAP_PROT_*
 * bits: READ, WRITE, EXECUTE for an instruction fetch; 0 counts as
 * READ). Finds the entry, checks access against its protection (a read
 * is allowed by READ or EXECUTE: i386 pages that can run can be read),
 * finds or zero-fills the page in the entry's object and maps it with
 * the entry's protection. Out of memory: reclaims (kmem_gc(), this CPU's
 * page pool) and retries once. Takes the map's mutex: thread context,
 * preemption enabled, no spinlock held. Returns 0, ERROR_FAULT (no
 * entry: KERN_INVALID_ADDRESS), ERROR_PROT (protection:
 * KERN_PROTECTION_FAILURE) or ERROR_NOMEM (no memory after reclaim:
 * the caller stops the thread's task; nothing has changed). A page of
 * an external pager's object that the object lacks is asked for and
 * waited for with the mutex released (vm/vm_pager.h): then also
 * ERROR_IO (the pager answered data_error, or is gone:
 * KERN_MEMORY_ERROR) or ERROR_INTR (the sleep was interrupted:
 * KERN_ABORTED; the thread returns to user mode and its ASTs).
 */
int vm_fault(struct vm_user_map *map, uintptr_t addr, unsigned int access);

/*
 * The core of vm_fault() for a caller that holds map's mutex and has
 * looked up entry (containing addr, page-aligned) and checked access
 * against its protection itself (vm_write, vm_wire): find or create the
 * page for access (copied up for a write on a shadowing object), map it
 * with the entry's protection and return it in *pagep, valid while the
 * lock is held. Reclaims and retries once on exhaustion. Returns 0 or
 * ERROR_NOMEM (nothing changed).
 */
int vm_fault_page_locked(struct vm_user_map *map, const struct vm_map_entry *entry,
                         uintptr_t addr, unsigned int access, struct vm_page **pagep);

/* Faults since boot (vm_statistics). Lock-free snapshots. */
struct vm_fault_counts {
    unsigned long faults;       /* every vm_fault() call */
    unsigned long zero_fill;    /* pages created zero-filled */
    unsigned long cow;          /* pages copied up from a backing object */
};

void vm_fault_counts_get(struct vm_fault_counts *counts);

/* The same counts for the faults in one map (its task's, task_info EVENTS). Lock-free. */
void vm_fault_counts_get_map(const struct vm_user_map *map, struct vm_fault_counts *counts);

#endif /* VM_VM_FAULT_H */
