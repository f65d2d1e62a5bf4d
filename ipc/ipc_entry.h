/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Entries of an IPC space: what one port name denotes.
 *
 * An entry records the rights a name holds (type bits: send, receive,
 * send-once, port set, dead name), the user references on them and the
 * object they are for. Valid combinations:
 *
 *   type                  urefs        object
 *   RECEIVE               0            port
 *   SEND                  1..MAX       port
 *   SEND | RECEIVE        1..MAX       port (the space is its receiver)
 *   SEND_ONCE             1            port
 *   PORT_SET              0            port set
 *   DEAD_NAME             1..MAX       NULL
 *
 * Each right held (receive, send, send-once) holds one port reference.
 * Entries with send or receive rights are on their port's holders list,
 * which finds the name a space already uses for a port (a space names a
 * port with at most one name for those rights).
 *
 * All functions here need the space locked (ipc_space_lock()).
 */
#ifndef IPC_IPC_ENTRY_H
#define IPC_IPC_ENTRY_H

#include <stddef.h>

#include <include/mach/kern_return.h>
#include <include/mach/port.h>
#include <ipc/ipc_space.h>
#include <kern/list.h>
#include <kern/rdxtree.h>

struct ipc_entry {
    mach_port_name_t name;
    mach_port_type_t type;          /* MACH_PORT_TYPE_* bits */
    mach_port_urefs_t urefs;
    void *object;                   /* struct ipc_port or ipc_pset, NULL for a dead name */
    struct ipc_space *space;
    struct list holder_node;        /* in the port's holders (send, receive) */
};

/* Create the kmem cache of entries. Once, after kmem_setup(). */
void ipc_entry_setup(void);

/*
 * Allocate an entry at the lowest free name of space (1 and up), of type
 * MACH_PORT_TYPE_NONE, with no urefs and no object; the caller fills it
 * in. Space locked and active. Returns KERN_SUCCESS, KERN_RESOURCE_SHORTAGE
 * when memory is out, or KERN_NO_SPACE when every name is in use.
 */
kern_return_t ipc_entry_alloc(struct ipc_space *space, struct ipc_entry **entryp);

/*
 * The same at name, which must be valid (MACH_PORT_VALID()). Returns
 * KERN_SUCCESS, KERN_NAME_EXISTS when name is in use or
 * KERN_RESOURCE_SHORTAGE.
 */
kern_return_t ipc_entry_alloc_name(struct ipc_space *space, mach_port_name_t name,
                                   struct ipc_entry **entryp);

/*
 * The entry of name, or NULL (MACH_PORT_NULL and MACH_PORT_DEAD denote
 * none). Space locked. The walk itself is lockless (kern/rdxtree.h), but
 * without the lock the entry may be freed at any moment: only an entry
 * the caller knows to stay may then be read.
 */
static inline struct ipc_entry *
ipc_entry_lookup(struct ipc_space *space, mach_port_name_t name)
{
    return rdxtree_lookup(&space->names, name - 1);
}

/*
 * Move entry to new_name (valid), the receiver name of its port with it.
 * Space locked. Returns KERN_SUCCESS, or KERN_NAME_EXISTS when new_name
 * is in use or KERN_RESOURCE_SHORTAGE, entry unchanged.
 */
kern_return_t ipc_entry_rename(struct ipc_space *space, struct ipc_entry *entry,
                               mach_port_name_t new_name);

/* Remove entry from its space and free it; it must hold no right any more. */
void ipc_entry_free(struct ipc_space *space, struct ipc_entry *entry);

/* Bytes per entry (for reports). */
#define IPC_ENTRY_SIZE          sizeof(struct ipc_entry)

#endif /* IPC_IPC_ENTRY_H */
