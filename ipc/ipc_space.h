/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IPC spaces: the port names of a task.
 *
 * A space maps each name to an entry (ipc/ipc_entry.h) through a radix
 * tree keyed by name - 1, so that names are allocated lowest first from
 * 1 (name 0, MACH_PORT_NULL, is never used) and no table is ever grown
 * by realloc or copied. ipc/ipc_right.h holds the Mach operations on
 * the rights a space names; doc/ipc.md describes the structure.
 *
 * Locking: space->lock (a spinlock; a space is never used from interrupt
 * handlers) protects the tree's writers, every entry of the space and
 * the fields below. It is taken before any port lock. The list of all
 * spaces has a lock of its own, taken alone.
 */
#ifndef IPC_IPC_SPACE_H
#define IPC_IPC_SPACE_H

#include <stdbool.h>

#include <include/mach/kern_return.h>
#include <kern/list.h>
#include <kern/rdxtree.h>
#include <kern/spinlock.h>

struct ipc_space {
    struct spinlock lock;
    unsigned int refs;              /* atomic: the owner's, and the RPCs' running on it */
    bool active;                    /* false once destruction began */
    struct rdxtree names;           /* name - 1 -> struct ipc_entry */
    unsigned int id;                /* for reports, from 1 */
    struct list node;               /* list of all spaces */
};

typedef struct ipc_space *ipc_space_t;

/* Receives one line of a report, without a newline. */
typedef void (*ipc_print_fn)(const char *line);

/* Create the kmem cache of spaces. Once, after kmem_setup(). */
void ipc_space_setup(void);

/*
 * Create an empty space (allocates the space only: names cost memory as
 * they are used). Takes the list lock. Returns KERN_SUCCESS, or
 * KERN_RESOURCE_SHORTAGE when memory is out.
 */
kern_return_t ipc_space_create(struct ipc_space **spacep);

/*
 * Destroy space and every right it holds, as ipc_right_destroy() does
 * for each name: its ports die, its send rights, send-once rights, port
 * sets and dead names are released. Every entry and tree node goes back
 * (nodes after a grace period). The creator's reference goes too: the
 * structure itself stays, inactive (every call on it fails with
 * KERN_INVALID_TASK), while others hold references. Takes the space
 * lock, port locks and the list lock. Cannot fail.
 */
void ipc_space_destroy(struct ipc_space *space);

/*
 * Take or drop a reference on space (a kernel RPC running on it holds
 * one); the last one frees it, which must be destroyed by then.
 * Lock-free.
 */
void ipc_space_ref(struct ipc_space *space);
void ipc_space_unref(struct ipc_space *space);

/* Lock a space (spinlock, interrupts untouched). */
static inline void
ipc_space_lock(struct ipc_space *space)
{
    spinlock_lock(&space->lock);
}

static inline void
ipc_space_unlock(struct ipc_space *space)
{
    spinlock_unlock(&space->lock);
}

/*
 * Entries and rights change only under their space's lock: a change
 * without it races with others on the name tree and the port counts.
 * With lock debugging, panic unless the calling CPU holds the lock.
 */
static inline void
ipc_space_assert_locked(const struct ipc_space *space)
{
    spinlock_assert_held(&space->lock);
}

/*
 * The shell's ipc_info: a summary (spaces, names, ports, port sets,
 * memory of the kmem caches of IPC), then one line per space: names,
 * tree height, tree nodes, and the memory of its tree and entries.
 * Takes the list lock and each space's lock in turn.
 */
void ipc_info(ipc_print_fn print);

/*
 * Report every name of space, one line each: its rights, user
 * references, the port (kind, address) and its queue (messages queued,
 * limit, next sequence number). Takes the space lock and port locks.
 */
void ipc_space_report(struct ipc_space *space, ipc_print_fn print);

#endif /* IPC_IPC_SPACE_H */
