/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Entries of an IPC space (see ipc/ipc_entry.h).
 *
 * Rationale. The space's radix tree is keyed by name - 1: the lowest
 * free key of the tree is then the lowest free name, and name 0 maps to
 * key 0xffffffff, which is never inserted, so looking it up finds
 * nothing without a test. Name MACH_PORT_DEAD (key 0xfffffffe) could
 * only be reached by an allocation after four billion names; it is
 * refused there all the same. Entries come from a kmem cache: one
 * magazine pop per name, and a name costs 32 bytes (i386) plus its
 * share of a tree leaf, about 4.5 bytes when names are dense.
 *
 * Allocating and freeing a name are inline (ipc/ipc_entry.h) over the
 * inline fast paths of kmem and the tree: on i386 a name with its entry
 * costs about 125 instructions, where two calls and their frames would
 * add 40. A constructor gives entries their empty state (no right, no
 * urefs, no object), and they are freed in it, so an allocation writes
 * only the space and the name. This file keeps the slow paths.
 */
#include <stddef.h>
#include <stdint.h>

#include <include/mach/kern_return.h>
#include <include/mach/port.h>
#include <ipc/ipc_entry.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_space.h>
#include <kern/error.h>
#include <kern/kmem.h>
#include <kern/list.h>
#include <kern/panic.h>
#include <kern/rdxtree.h>
#include <kern/spinlock.h>

struct kmem_cache ipc_entry_cache;

/*
 * Entries are freed as they were constructed (no right, no urefs, no
 * object: ipc_entry_free() checks it), so an allocation only sets the
 * space and the name.
 */
static void
ipc_entry_ctor(void *obj)
{
    struct ipc_entry *entry = obj;

    entry->type = MACH_PORT_TYPE_NONE;
    entry->urefs = 0;
    entry->object = NULL;
    entry->dnrequest = false;
    entry->marequest = NULL;
}

void
ipc_entry_setup(void)
{
    if (kmem_cache_init(&ipc_entry_cache, "ipc_entry", sizeof(struct ipc_entry), 0,
                        ipc_entry_ctor, 0) != 0) {
        panic("ipc: cannot create the entry cache");
    }
}

static inline struct ipc_entry *
ipc_entry_create(struct ipc_space *space)
{
    struct ipc_entry *entry = kmem_cache_alloc(&ipc_entry_cache);

    if (entry != NULL) {
        entry->space = space;
    }
    return entry;
}

/*
 * ipc_entry_alloc() could not place entry: error from the tree, or 0 when
 * the name given was MACH_PORT_DEAD, which is taken back. Frees entry.
 */
kern_return_t
ipc_entry_alloc_failed(struct ipc_space *space, struct ipc_entry *entry, int error)
{
    if (error == 0) {
        rdxtree_remove(&space->names, MACH_PORT_DEAD - 1);
        error = ERROR_NOSPC;
    }
    kmem_cache_free(&ipc_entry_cache, entry);
    assert(error == ERROR_NOMEM || error == ERROR_NOSPC);
    return error_to_kern_return(error);
}

kern_return_t
ipc_entry_alloc_name(struct ipc_space *space, mach_port_name_t name, struct ipc_entry **entryp)
{
    struct ipc_entry *entry;
    int error;

    assert(MACH_PORT_VALID(name));
    if (ipc_entry_lookup_locked(space, name) != NULL) {
        return KERN_NAME_EXISTS;
    }
    entry = ipc_entry_create(space);
    if (entry == NULL) {
        return KERN_RESOURCE_SHORTAGE;
    }
    error = rdxtree_insert(&space->names, name - 1, entry);
    if (error != 0) {
        kmem_cache_free(&ipc_entry_cache, entry);
        return KERN_RESOURCE_SHORTAGE;
    }
    entry->name = name;
    *entryp = entry;
    return KERN_SUCCESS;
}

kern_return_t
ipc_entry_rename(struct ipc_space *space, struct ipc_entry *entry, mach_port_name_t new_name)
{
    int error;

    ipc_space_assert_locked(space);
    assert(entry->space == space && MACH_PORT_VALID(new_name));
    error = rdxtree_insert(&space->names, new_name - 1, entry);
    if (error != 0) {
        assert(error == ERROR_EXIST || error == ERROR_NOMEM);
        return error_to_kern_return(error);
    }
    rdxtree_remove(&space->names, entry->name - 1);
    entry->name = new_name;
    if (entry->type & MACH_PORT_TYPE_RECEIVE) {
        struct ipc_port *port = entry->object;

        spinlock_lock(&port->lock);
        port->receiver_name = new_name;
        spinlock_unlock(&port->lock);
    }
    return KERN_SUCCESS;
}

