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
 * All functions here need the space locked (ipc_space_lock()), except
 * ipc_entry_lookup(), which may walk the tree without it.
 */
#ifndef IPC_IPC_ENTRY_H
#define IPC_IPC_ENTRY_H

#include <stdbool.h>
#include <stddef.h>

#include <include/mach/kern_return.h>
#include <include/mach/port.h>
#include <ipc/ipc_space.h>
#include <kern/kmem.h>
#include <kern/list.h>
#include <kern/macros.h>
#include <kern/panic.h>
#include <kern/rdxtree.h>

struct ipc_entry {
    mach_port_name_t name;
    mach_port_type_t type;          /* MACH_PORT_TYPE_* bits */
    mach_port_urefs_t urefs;
    void *object;                   /* struct ipc_port or ipc_pset, NULL for a dead name */
    struct ipc_space *space;
    struct list holder_node;        /* in the port's holders (send, receive) */
    bool dnrequest;                 /* a dead-name request is registered for this name on
                                       its port (ipc/ipc_notify.h); stays set after the port
                                       died, until the entry turns into a dead name */
    struct ipc_marequest *marequest;  /* the last msg-accepted request sent through this
                                       name (ipc/ipc_marequest.h), a reference, or NULL */
};

/* Create the kmem cache of entries. Once, after kmem_setup(). */
void ipc_entry_setup(void);

/* The kmem cache of entries and the slow path of ipc_entry_alloc(): not for callers. */
extern struct kmem_cache ipc_entry_cache;
kern_return_t ipc_entry_alloc_failed(struct ipc_space *space, struct ipc_entry *entry,
                                     int error);

/*
 * Allocate an entry at the lowest free name of space (1 and up), of type
 * MACH_PORT_TYPE_NONE, with no urefs and no object; the caller fills it
 * in. Space locked and active. Returns KERN_SUCCESS, KERN_RESOURCE_SHORTAGE
 * when memory is out, or KERN_NO_SPACE when every name is in use.
 *
 * Inline, like its halves (kmem_cache_alloc(), rdxtree_insert_alloc()):
 * a magazine pop, a walk down the free-slot bitmaps, the space and the
 * name. Entries are constructed with no right, urefs or object, and
 * freed so (ipc_entry_free()).
 */
static inline kern_return_t
ipc_entry_alloc(struct ipc_space *space, struct ipc_entry **entryp)
{
    struct ipc_entry *entry;
    uint32_t key;
    int error;

    ipc_space_assert_locked(space);
    entry = kmem_cache_alloc(&ipc_entry_cache);
    if (unlikely(entry == NULL)) {
        return KERN_RESOURCE_SHORTAGE;
    }
    entry->space = space;
    error = rdxtree_insert_alloc(&space->names, entry, &key);
    if (unlikely(error != 0 || key == MACH_PORT_DEAD - 1)) {
        return ipc_entry_alloc_failed(space, entry, error);
    }
    entry->name = key + 1;
    *entryp = entry;
    return KERN_SUCCESS;
}

/*
 * The same at name, which must be valid (MACH_PORT_VALID()). Returns
 * KERN_SUCCESS, KERN_NAME_EXISTS when name is in use or
 * KERN_RESOURCE_SHORTAGE.
 */
kern_return_t ipc_entry_alloc_name(struct ipc_space *space, mach_port_name_t name,
                                   struct ipc_entry **entryp);

/*
 * The entry of name, or NULL (MACH_PORT_NULL and MACH_PORT_DEAD denote
 * none). The walk is lockless (kern/rdxtree.h, in a read section), but
 * without the space lock the entry may be freed at any moment: only an
 * entry the caller knows to stay may then be read. Callers holding the
 * lock use ipc_entry_lookup_locked().
 */
static inline struct ipc_entry *
ipc_entry_lookup(struct ipc_space *space, mach_port_name_t name)
{
    return rdxtree_lookup(&space->names, name - 1);
}

/* The same for a caller holding the space lock: the walk needs no read section. */
static inline struct ipc_entry *
ipc_entry_lookup_locked(struct ipc_space *space, mach_port_name_t name)
{
    ipc_space_assert_locked(space);
    return rdxtree_lookup_locked(&space->names, name - 1);
}

/*
 * Move entry to new_name (valid), the receiver name of its port with it.
 * Space locked. Returns KERN_SUCCESS, or KERN_NAME_EXISTS when new_name
 * is in use or KERN_RESOURCE_SHORTAGE, entry unchanged.
 */
kern_return_t ipc_entry_rename(struct ipc_space *space, struct ipc_entry *entry,
                               mach_port_name_t new_name);

/*
 * Remove entry from its space and free it; it must hold no right, urefs
 * or object any more. Space locked. Cannot fail. Inline: a walk to the
 * leaf, one slot and one bitmap bit, a magazine push.
 */
static inline void
ipc_entry_free(struct ipc_space *space, struct ipc_entry *entry)
{
    ipc_space_assert_locked(space);
    assert(entry->space == space);
    assert(entry->type == MACH_PORT_TYPE_NONE && entry->urefs == 0 && entry->object == NULL
           && !entry->dnrequest && entry->marequest == NULL);
    rdxtree_remove(&space->names, entry->name - 1);
    kmem_cache_free(&ipc_entry_cache, entry);
}

/* Bytes per entry (for reports). */
#define IPC_ENTRY_SIZE          sizeof(struct ipc_entry)

#endif /* IPC_IPC_ENTRY_H */
