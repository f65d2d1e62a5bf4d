/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rights in an IPC space (see ipc/ipc_right.h).
 *
 * Rationale. Every operation works on one entry under its space's lock,
 * taking the lock of the port concerned only around the port's counters
 * and holders list, so a space never waits for another space. A port's
 * death is not pushed to the spaces holding send rights for it (that
 * would mean locking them all from the receiver's side); instead each
 * entry is checked when its name is used (ipc_right_check()) and turned
 * into a dead name then, which is Mach's own lazy scheme. The name a
 * space already uses for a port is found on the port's holders list,
 * which holds only entries with send or receive rights; it is usually
 * short (the spaces a port is shared with), and unlike a global hash
 * table it never needs resizing.
 *
 * Accounting: each right an entry holds (receive, send, send-once) holds
 * one port reference; srights counts the entries holding send rights
 * and sorights the send-once rights, in every space. User references
 * count only at the entry.
 */
#include <stdbool.h>
#include <stddef.h>

#include <include/mach/kern_return.h>
#include <include/mach/port.h>
#include <ipc/ipc_entry.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <ipc/ipc_space.h>
#include <kern/list.h>
#include <kern/panic.h>
#include <kern/rdxtree.h>
#include <kern/spinlock.h>

/*
 * Turn a send or send-once right whose port died into a dead name,
 * keeping the user references (1 for send-once). Space locked.
 */
static void
ipc_right_check(struct ipc_entry *entry)
{
    struct ipc_port *port;

    if (!(entry->type & MACH_PORT_TYPE_SEND_RIGHTS) || (entry->type & MACH_PORT_TYPE_RECEIVE)) {
        return;                     /* our own port lives as long as its receive right */
    }
    port = entry->object;
    spinlock_lock(&port->lock);
    if (port->active) {
        spinlock_unlock(&port->lock);
        return;
    }
    if (entry->type & MACH_PORT_TYPE_SEND) {
        assert(port->srights != 0);
        port->srights--;
        list_remove(&entry->holder_node);
    } else {
        assert(port->sorights != 0);
        port->sorights--;           /* its urefs are 1 already */
    }
    spinlock_unlock(&port->lock);
    entry->type = MACH_PORT_TYPE_DEAD_NAME;
    entry->object = NULL;
    ipc_port_unref(port);
}

/* Release the send right of entry, whatever its urefs. Space locked. */
static void
ipc_right_drop_send(struct ipc_entry *entry)
{
    struct ipc_port *port = entry->object;

    spinlock_lock(&port->lock);
    assert(port->srights != 0);
    port->srights--;
    if (!(entry->type & MACH_PORT_TYPE_RECEIVE)) {
        list_remove(&entry->holder_node);
    }
    spinlock_unlock(&port->lock);
    entry->type &= ~MACH_PORT_TYPE_SEND;
    entry->urefs = 0;
    if (entry->type == MACH_PORT_TYPE_NONE) {
        entry->object = NULL;
    }
    ipc_port_unref(port);
}

/* Release the send-once right of entry. Space locked. */
static void
ipc_right_drop_send_once(struct ipc_entry *entry)
{
    struct ipc_port *port = entry->object;

    spinlock_lock(&port->lock);
    assert(port->sorights != 0);
    port->sorights--;
    spinlock_unlock(&port->lock);
    entry->type = MACH_PORT_TYPE_NONE;
    entry->urefs = 0;
    entry->object = NULL;
    ipc_port_unref(port);
}

/*
 * Destroy the receive right of entry: the port dies; send rights under
 * the same name become a dead name with their urefs. Space locked.
 */
static void
ipc_right_drop_receive(struct ipc_entry *entry)
{
    struct ipc_port *port = entry->object;
    bool send = entry->type & MACH_PORT_TYPE_SEND;

    ipc_port_destroy(port);
    spinlock_lock(&port->lock);
    list_remove(&entry->holder_node);
    if (send) {
        port->srights--;
    }
    spinlock_unlock(&port->lock);
    entry->type = send ? MACH_PORT_TYPE_DEAD_NAME : MACH_PORT_TYPE_NONE;
    entry->object = NULL;
    if (send) {
        ipc_port_unref(port);
    }
    ipc_port_unref(port);
}

static void
ipc_right_drop_pset(struct ipc_entry *entry)
{
    ipc_pset_destroy(entry->object);
    entry->type = MACH_PORT_TYPE_NONE;
    entry->object = NULL;
}

/* Free entry if it holds no right any more. Space locked. */
static void
ipc_right_release_name(struct ipc_space *space, struct ipc_entry *entry)
{
    ipc_space_assert_locked(space);
    if (entry->type == MACH_PORT_TYPE_NONE) {
        ipc_entry_free(space, entry);
    }
}

void
ipc_right_clean(struct ipc_space *space, struct ipc_entry *entry)
{
    ipc_space_assert_locked(space);
    if (entry->type & MACH_PORT_TYPE_RECEIVE) {
        ipc_right_drop_receive(entry);
    } else if (entry->type & MACH_PORT_TYPE_SEND) {
        ipc_right_drop_send(entry);
    } else if (entry->type & MACH_PORT_TYPE_SEND_ONCE) {
        ipc_right_drop_send_once(entry);
    } else if (entry->type & MACH_PORT_TYPE_PORT_SET) {
        ipc_right_drop_pset(entry);
    }
    entry->type = MACH_PORT_TYPE_NONE;  /* what is left is a dead name, if anything */
    entry->urefs = 0;
    ipc_entry_free(space, entry);
}

/* urefs + delta in *urefsp, checked against 0..MACH_PORT_UREFS_MAX. */
static kern_return_t
ipc_right_urefs_add(mach_port_urefs_t *urefsp, mach_port_delta_t delta)
{
    long long urefs = (long long)*urefsp + delta;

    if (urefs < 0) {
        return KERN_INVALID_VALUE;
    }
    if (urefs > MACH_PORT_UREFS_MAX) {
        return KERN_UREFS_OVERFLOW;
    }
    *urefsp = (mach_port_urefs_t)urefs;
    return KERN_SUCCESS;
}

/* Lock space; KERN_INVALID_TASK (unlocked) when it is being destroyed. */
static kern_return_t
ipc_right_space_lock(struct ipc_space *space)
{
    ipc_space_lock(space);
    if (!space->active) {
        ipc_space_unlock(space);
        return KERN_INVALID_TASK;
    }
    return KERN_SUCCESS;
}

/* Lock space and find the entry of name, checked for a dead port. */
static kern_return_t
ipc_right_lookup(struct ipc_space *space, mach_port_name_t name, struct ipc_entry **entryp)
{
    kern_return_t kr = ipc_right_space_lock(space);
    struct ipc_entry *entry;

    if (kr != KERN_SUCCESS) {
        return kr;
    }
    entry = ipc_entry_lookup_locked(space, name);
    if (entry == NULL) {
        ipc_space_unlock(space);
        return KERN_INVALID_NAME;
    }
    ipc_right_check(entry);
    *entryp = entry;
    return KERN_SUCCESS;
}

/* Give a fresh entry its new right of kind right. Space locked. */
static kern_return_t
ipc_right_fill_new(struct ipc_space *space, struct ipc_entry *entry, mach_port_right_t right)
{
    ipc_space_assert_locked(space);
    switch (right) {
    case MACH_PORT_RIGHT_RECEIVE: {
        struct ipc_port *port = ipc_port_create(space, entry->name);

        if (port == NULL) {
            return KERN_RESOURCE_SHORTAGE;
        }
        list_insert_tail(&port->holders, &entry->holder_node);  /* not shared yet */
        entry->type = MACH_PORT_TYPE_RECEIVE;
        entry->object = port;
        return KERN_SUCCESS;
    }
    case MACH_PORT_RIGHT_PORT_SET:
        entry->object = ipc_pset_create();
        if (entry->object == NULL) {
            return KERN_RESOURCE_SHORTAGE;
        }
        entry->type = MACH_PORT_TYPE_PORT_SET;
        return KERN_SUCCESS;
    default:
        entry->type = MACH_PORT_TYPE_DEAD_NAME;
        entry->urefs = 1;
        return KERN_SUCCESS;
    }
}

static bool
ipc_right_alloc_valid(mach_port_right_t right)
{
    return right == MACH_PORT_RIGHT_RECEIVE || right == MACH_PORT_RIGHT_PORT_SET
           || right == MACH_PORT_RIGHT_DEAD_NAME;
}

kern_return_t
ipc_right_alloc(struct ipc_space *space, mach_port_right_t right, mach_port_name_t *namep)
{
    struct ipc_entry *entry;
    kern_return_t kr;

    if (!ipc_right_alloc_valid(right)) {
        return KERN_INVALID_VALUE;
    }
    kr = ipc_right_space_lock(space);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    kr = ipc_entry_alloc(space, &entry);
    if (kr == KERN_SUCCESS) {
        kr = ipc_right_fill_new(space, entry, right);
        if (kr == KERN_SUCCESS) {
            *namep = entry->name;
        } else {
            ipc_entry_free(space, entry);
        }
    }
    ipc_space_unlock(space);
    return kr;
}

kern_return_t
ipc_right_alloc_name(struct ipc_space *space, mach_port_right_t right, mach_port_name_t name)
{
    struct ipc_entry *entry;
    kern_return_t kr;

    if (!ipc_right_alloc_valid(right) || !MACH_PORT_VALID(name)) {
        return KERN_INVALID_VALUE;
    }
    kr = ipc_right_space_lock(space);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    kr = ipc_entry_alloc_name(space, name, &entry);
    if (kr == KERN_SUCCESS) {
        kr = ipc_right_fill_new(space, entry, right);
        if (kr != KERN_SUCCESS) {
            ipc_entry_free(space, entry);
        }
    }
    ipc_space_unlock(space);
    return kr;
}

/* The entry of space holding send or receive rights for port, or NULL; port locked. */
static struct ipc_entry *
ipc_right_reverse(struct ipc_space *space, struct ipc_port *port)
{
    struct ipc_entry *entry;

    list_foreach_entry(&port->holders, entry, holder_node) {
        if (entry->space == space) {
            return entry;
        }
    }
    return NULL;
}

/*
 * Add a new right of kind right for port to entry (fresh, or holding
 * send or receive rights for port). Space locked, port unlocked. Returns
 * KERN_SUCCESS, KERN_INVALID_CAPABILITY or KERN_UREFS_OVERFLOW; the
 * entry is left as it was on failure.
 */
static kern_return_t
ipc_right_attach(struct ipc_entry *entry, struct ipc_port *port, mach_port_right_t right)
{
    kern_return_t kr = KERN_SUCCESS;
    bool new_right = true;

    spinlock_lock(&port->lock);
    if (!port->active) {
        kr = KERN_INVALID_CAPABILITY;
    } else if (right == MACH_PORT_RIGHT_SEND_ONCE) {
        port->sorights++;
        entry->type = MACH_PORT_TYPE_SEND_ONCE;
        entry->urefs = 1;
        entry->object = port;
    } else if (entry->type & MACH_PORT_TYPE_SEND) {
        kr = ipc_right_urefs_add(&entry->urefs, 1);
        new_right = false;
    } else {
        port->srights++;
        if (entry->type == MACH_PORT_TYPE_NONE) {
            list_insert_tail(&port->holders, &entry->holder_node);
            entry->object = port;
        }
        entry->type |= MACH_PORT_TYPE_SEND;
        entry->urefs = 1;
    }
    spinlock_unlock(&port->lock);
    if (kr == KERN_SUCCESS && new_right) {
        ipc_port_ref(port);
    }
    return kr;
}

/* Common part of insert and copyout; space locked. */
static kern_return_t
ipc_right_give(struct ipc_space *space, mach_port_name_t name, struct ipc_port *port,
               mach_port_right_t right, mach_port_name_t *namep)
{
    struct ipc_entry *entry = NULL;
    kern_return_t kr;
    bool active;

    ipc_space_assert_locked(space);
    spinlock_lock(&port->lock);
    active = port->active;
    if (right == MACH_PORT_RIGHT_SEND) {
        entry = ipc_right_reverse(space, port);     /* stable: ours, space locked */
    }
    spinlock_unlock(&port->lock);
    if (!active) {
        return KERN_INVALID_CAPABILITY;
    }
    if (entry != NULL) {
        if (name != MACH_PORT_NULL && name != entry->name) {
            return KERN_RIGHT_EXISTS;
        }
        kr = ipc_right_attach(entry, port, right);
    } else {
        kr = (name == MACH_PORT_NULL) ? ipc_entry_alloc(space, &entry)
                                      : ipc_entry_alloc_name(space, name, &entry);
        if (kr != KERN_SUCCESS) {
            return kr;
        }
        kr = ipc_right_attach(entry, port, right);
        if (kr != KERN_SUCCESS) {
            ipc_entry_free(space, entry);
            return kr;
        }
    }
    if (kr == KERN_SUCCESS) {
        *namep = entry->name;
    }
    return kr;
}

kern_return_t
ipc_right_insert(struct ipc_space *space, mach_port_name_t name, struct ipc_port *port,
                 mach_port_right_t right)
{
    mach_port_name_t given;
    kern_return_t kr;

    if ((right != MACH_PORT_RIGHT_SEND && right != MACH_PORT_RIGHT_SEND_ONCE)
        || !MACH_PORT_VALID(name)) {
        return KERN_INVALID_VALUE;
    }
    kr = ipc_right_space_lock(space);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    kr = ipc_right_give(space, name, port, right, &given);
    ipc_space_unlock(space);
    return kr;
}

kern_return_t
ipc_right_copyout(struct ipc_space *space, struct ipc_port *port, mach_port_right_t right,
                  mach_port_name_t *namep)
{
    kern_return_t kr;

    if (right != MACH_PORT_RIGHT_SEND && right != MACH_PORT_RIGHT_SEND_ONCE) {
        return KERN_INVALID_VALUE;
    }
    kr = ipc_right_space_lock(space);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    kr = ipc_right_give(space, MACH_PORT_NULL, port, right, namep);
    ipc_space_unlock(space);
    return kr;
}

kern_return_t
ipc_right_port(struct ipc_space *space, mach_port_name_t name, struct ipc_port **portp)
{
    return ipc_right_port_of(space, name, MACH_PORT_TYPE_PORT_RIGHTS, portp);
}

kern_return_t
ipc_right_port_of(struct ipc_space *space, mach_port_name_t name, mach_port_type_t types,
                  struct ipc_port **portp)
{
    struct ipc_entry *entry;
    kern_return_t kr;

    assert((types & ~MACH_PORT_TYPE_PORT_RIGHTS) == 0);
    kr = ipc_right_lookup(space, name, &entry);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    if (entry->type & types) {
        ipc_port_ref(entry->object);
        *portp = entry->object;
    } else {
        kr = KERN_INVALID_RIGHT;
    }
    ipc_space_unlock(space);
    return kr;
}

kern_return_t
ipc_right_type(struct ipc_space *space, mach_port_name_t name, mach_port_type_t *typep)
{
    struct ipc_entry *entry;
    kern_return_t kr = ipc_right_lookup(space, name, &entry);

    if (kr != KERN_SUCCESS) {
        return kr;
    }
    *typep = entry->type;
    ipc_space_unlock(space);
    return KERN_SUCCESS;
}

kern_return_t
ipc_right_get_refs(struct ipc_space *space, mach_port_name_t name, mach_port_right_t right,
                   mach_port_urefs_t *refsp)
{
    struct ipc_entry *entry;
    kern_return_t kr;

    if (right >= MACH_PORT_RIGHT_NUMBER) {
        return KERN_INVALID_VALUE;
    }
    kr = ipc_right_lookup(space, name, &entry);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    if (!(entry->type & MACH_PORT_TYPE(right))) {
        *refsp = 0;
    } else if (right == MACH_PORT_RIGHT_SEND || right == MACH_PORT_RIGHT_DEAD_NAME) {
        *refsp = entry->urefs;
    } else {
        *refsp = 1;
    }
    ipc_space_unlock(space);
    return KERN_SUCCESS;
}

/* mod_refs of a right with a single reference: delta 0 or -1. Space locked. */
static kern_return_t
ipc_right_mod_single(struct ipc_entry *entry, mach_port_right_t right, mach_port_delta_t delta)
{
    if (delta == 0) {
        return KERN_SUCCESS;
    }
    if (delta != -1) {
        return KERN_INVALID_VALUE;
    }
    if (right == MACH_PORT_RIGHT_RECEIVE) {
        ipc_right_drop_receive(entry);
    } else if (right == MACH_PORT_RIGHT_SEND_ONCE) {
        ipc_right_drop_send_once(entry);
    } else {
        ipc_right_drop_pset(entry);
    }
    return KERN_SUCCESS;
}

kern_return_t
ipc_right_mod_refs(struct ipc_space *space, mach_port_name_t name, mach_port_right_t right,
                   mach_port_delta_t delta)
{
    struct ipc_entry *entry;
    mach_port_urefs_t urefs;
    kern_return_t kr;

    if (right >= MACH_PORT_RIGHT_NUMBER) {
        return KERN_INVALID_VALUE;
    }
    kr = ipc_right_lookup(space, name, &entry);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    if (!(entry->type & MACH_PORT_TYPE(right))) {
        kr = KERN_INVALID_RIGHT;
    } else if (right == MACH_PORT_RIGHT_SEND || right == MACH_PORT_RIGHT_DEAD_NAME) {
        urefs = entry->urefs;
        kr = ipc_right_urefs_add(&urefs, delta);
        if (kr == KERN_SUCCESS && urefs == 0) {
            if (right == MACH_PORT_RIGHT_SEND) {
                ipc_right_drop_send(entry);
            } else {
                entry->type = MACH_PORT_TYPE_NONE;
                entry->urefs = 0;
            }
        } else if (kr == KERN_SUCCESS) {
            entry->urefs = urefs;
        }
    } else {
        kr = ipc_right_mod_single(entry, right, delta);
    }
    ipc_right_release_name(space, entry);
    ipc_space_unlock(space);
    return kr;
}

kern_return_t
ipc_right_deallocate(struct ipc_space *space, mach_port_name_t name)
{
    struct ipc_entry *entry;
    kern_return_t kr = ipc_right_lookup(space, name, &entry);

    if (kr != KERN_SUCCESS) {
        return kr;
    }
    if (entry->type & MACH_PORT_TYPE_SEND_ONCE) {
        ipc_right_drop_send_once(entry);
    } else if (entry->type & (MACH_PORT_TYPE_SEND | MACH_PORT_TYPE_DEAD_NAME)) {
        if (--entry->urefs == 0) {
            if (entry->type & MACH_PORT_TYPE_SEND) {
                ipc_right_drop_send(entry);
            } else {
                entry->type = MACH_PORT_TYPE_NONE;
            }
        }
    } else {
        kr = KERN_INVALID_RIGHT;
    }
    ipc_right_release_name(space, entry);
    ipc_space_unlock(space);
    return kr;
}

kern_return_t
ipc_right_destroy(struct ipc_space *space, mach_port_name_t name)
{
    struct ipc_entry *entry;
    kern_return_t kr = ipc_right_lookup(space, name, &entry);

    if (kr != KERN_SUCCESS) {
        return kr;
    }
    ipc_right_clean(space, entry);
    ipc_space_unlock(space);
    return KERN_SUCCESS;
}

kern_return_t
ipc_right_rename(struct ipc_space *space, mach_port_name_t old_name, mach_port_name_t new_name)
{
    struct ipc_entry *entry;
    kern_return_t kr;

    if (!MACH_PORT_VALID(new_name)) {
        return KERN_INVALID_VALUE;
    }
    kr = ipc_right_lookup(space, old_name, &entry);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    kr = ipc_entry_rename(space, entry, new_name);
    ipc_space_unlock(space);
    return kr;
}

kern_return_t
ipc_right_names(struct ipc_space *space, mach_port_name_t *names, mach_port_type_t *types,
                unsigned long max, unsigned long *countp)
{
    struct rdxtree_iter iter;
    struct ipc_entry *entry;
    unsigned long count = 0;
    kern_return_t kr;

    kr = ipc_right_space_lock(space);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    rdxtree_for_each(&space->names, &iter, entry) {
        ipc_right_check(entry);
        if (count < max) {
            names[count] = entry->name;
            types[count] = entry->type;
        }
        count++;
    }
    ipc_space_unlock(space);
    *countp = count;
    return KERN_SUCCESS;
}
