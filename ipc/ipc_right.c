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
#include <include/mach/message.h>
#include <include/mach/port.h>
#include <ipc/ipc_entry.h>
#include <ipc/ipc_kmsg.h>
#include <ipc/ipc_marequest.h>
#include <ipc/ipc_mqueue.h>
#include <ipc/ipc_notify.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <ipc/ipc_space.h>
#include <kern/list.h>
#include <kern/panic.h>
#include <kern/rdxtree.h>
#include <kern/spinlock.h>

/*
 * A dead-name request of entry went with its port's death (the
 * notification names entry, now a dead name): the name gets the user
 * reference the notification stands for (GNU Mach's rule; kept at
 * MACH_PORT_UREFS_MAX if already there). Space locked.
 */
/*
 * Cancel entry's msg-accepted request, if any: its notification will name
 * MACH_PORT_NULL (GNU Mach's ipc_marequest_cancel). Space locked.
 */
static void
ipc_right_marequest_cancel(struct ipc_entry *entry)
{
    if (entry->marequest != NULL) {
        ipc_marequest_entry_gone(entry->marequest);
        entry->marequest = NULL;
    }
}

/* Free entry (empty), cancelling its msg-accepted request. Space locked. */
static void
ipc_right_entry_free(struct ipc_space *space, struct ipc_entry *entry)
{
    ipc_right_marequest_cancel(entry);
    ipc_entry_free(space, entry);
}

static void
ipc_right_dnrequest_fired(struct ipc_entry *entry)
{
    if (entry->dnrequest) {
        entry->dnrequest = false;
        if (entry->urefs < MACH_PORT_UREFS_MAX) {
            entry->urefs++;
        }
    }
}

/*
 * The right of entry for port is going and leaves the name without a
 * port right: cancel its dead-name request, if any. Returns the
 * request's send-once right, for ipc_right_port_deleted() once the
 * caller is done with the entry; NULL if none. Space locked.
 */
static struct ipc_port *
ipc_right_dncancel(struct ipc_space *space, struct ipc_entry *entry, struct ipc_port *port)
{
    if (!entry->dnrequest) {
        return NULL;
    }
    entry->dnrequest = false;
    return ipc_notify_dnrequest_cancel(space, entry->name, port);
}

/* Release notify (a send-once right, or NULL) unused and silently, as GNU Mach does. */
static void
ipc_right_notify_unused(struct ipc_port *notify)
{
    if (notify != NULL) {
        ipc_right_release_send(notify, MACH_MSG_TYPE_PORT_SEND_ONCE);
    }
}

/* Send a port-deleted notification for name to notify, if not NULL. */
static void
ipc_right_port_deleted(struct ipc_port *notify, mach_port_name_t name)
{
    if (notify != NULL) {
        ipc_notify_port_deleted(notify, name);
    }
}

/* Send a no-senders notification to nsrequest, if not NULL. */
static void
ipc_right_no_senders(struct ipc_port *nsrequest, mach_port_mscount_t mscount)
{
    if (nsrequest != NULL) {
        ipc_notify_no_senders(nsrequest, mscount);
    }
}

/*
 * Whether port (locked) just lost its last send-once right while the
 * kernel waits on its queue (ipc_mqueue_receive_kernel(): a reply port,
 * received by no space): its waiter must learn that no reply can come.
 */
static bool
ipc_right_last_send_once(const struct ipc_port *port)
{
    return port->sorights == 0 && port->srights == 0 && port->active
           && port->receiver == NULL && port->kotype == IPC_KOBJECT_NONE;
}

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
    ipc_right_dnrequest_fired(entry);
    ipc_port_unref(port);
}

/*
 * Release the send right of entry, whatever its urefs. Notifications:
 * no-senders if it was the port's last send right, port-deleted if the
 * name is left without a right. Space locked.
 */
static void
ipc_right_drop_send(struct ipc_space *space, struct ipc_entry *entry)
{
    struct ipc_port *port = entry->object, *nsrequest, *dnotify = NULL;
    mach_port_name_t name = entry->name;
    mach_port_mscount_t mscount = 0;

    spinlock_lock(&port->lock);
    nsrequest = ipc_port_srights_dec(port, &mscount);
    if (!(entry->type & MACH_PORT_TYPE_RECEIVE)) {
        list_remove(&entry->holder_node);
    }
    spinlock_unlock(&port->lock);
    entry->type &= ~MACH_PORT_TYPE_SEND;
    entry->urefs = 0;
    if (entry->type == MACH_PORT_TYPE_NONE) {
        dnotify = ipc_right_dncancel(space, entry, port);
        entry->object = NULL;
    }
    ipc_port_unref(port);
    ipc_right_no_senders(nsrequest, mscount);
    ipc_right_port_deleted(dnotify, name);
}

/*
 * Destroy the send-once right of entry: it carries a send-once
 * notification to its port; port-deleted for its dead-name request.
 * Space locked.
 */
static void
ipc_right_drop_send_once(struct ipc_space *space, struct ipc_entry *entry)
{
    struct ipc_port *port = entry->object, *dnotify;
    mach_port_name_t name = entry->name;

    dnotify = ipc_right_dncancel(space, entry, port);
    entry->type = MACH_PORT_TYPE_NONE;
    entry->urefs = 0;
    entry->object = NULL;
    ipc_notify_send_once(port);     /* the right (count, reference) goes with it */
    ipc_right_port_deleted(dnotify, name);
}

/*
 * Destroy the receive right of entry. The port dies, unless a
 * port-destroyed request takes the right (ipc_port_destroy()): then send
 * rights under the name stay, for a port that lives on. When it dies,
 * send rights under the same name become a dead name with their urefs
 * (and one more for a dead-name request, whose notification goes). A
 * dead-name request of a name left without rights is cancelled
 * (port-deleted). Space locked.
 */
static void
ipc_right_drop_receive(struct ipc_space *space, struct ipc_entry *entry)
{
    struct ipc_port *port = entry->object, *dnotify = NULL;
    mach_port_name_t name = entry->name;
    bool send = entry->type & MACH_PORT_TYPE_SEND;

    ipc_right_marequest_cancel(entry);  /* before the queue dies, as GNU Mach */
    ipc_mqueue_pset_remove(port);
    if (!send) {
        dnotify = ipc_right_dncancel(space, entry, port);
        spinlock_lock(&port->lock);
        list_remove(&entry->holder_node);
        spinlock_unlock(&port->lock);
        entry->object = NULL;
    }
    entry->type &= ~MACH_PORT_TYPE_RECEIVE;
    if (ipc_port_destroy(port)) {
        ipc_kmsg_port_died(port);   /* its queued messages die with it */
        if (send) {
            spinlock_lock(&port->lock);
            list_remove(&entry->holder_node);
            port->srights--;
            spinlock_unlock(&port->lock);
            entry->type = MACH_PORT_TYPE_DEAD_NAME;
            entry->object = NULL;
            ipc_right_dnrequest_fired(entry);
            ipc_port_unref(port);
        }
        ipc_port_unref(port);
    } else {
        ipc_mqueue_changed(port);   /* its receivers here must stop */
    }
    ipc_right_port_deleted(dnotify, name);
}

static void
ipc_right_drop_pset(struct ipc_entry *entry)
{
    ipc_mqueue_pset_destroy(entry->object);
    entry->type = MACH_PORT_TYPE_NONE;
    entry->object = NULL;
}

/* Free entry if it holds no right any more. Space locked. */
static void
ipc_right_release_name(struct ipc_space *space, struct ipc_entry *entry)
{
    ipc_space_assert_locked(space);
    if (entry->type == MACH_PORT_TYPE_NONE) {
        ipc_right_entry_free(space, entry);
    }
}

void
ipc_right_clean(struct ipc_space *space, struct ipc_entry *entry)
{
    ipc_space_assert_locked(space);
    if (entry->type & MACH_PORT_TYPE_RECEIVE) {
        ipc_right_drop_receive(space, entry);
    }
    if (entry->type & MACH_PORT_TYPE_SEND) {
        ipc_right_drop_send(space, entry);     /* what the receive right's death left */
    } else if (entry->type & MACH_PORT_TYPE_SEND_ONCE) {
        ipc_right_drop_send_once(space, entry);
    } else if (entry->type & MACH_PORT_TYPE_PORT_SET) {
        ipc_right_drop_pset(entry);
    }
    entry->type = MACH_PORT_TYPE_NONE;  /* what is left is a dead name, if anything */
    entry->urefs = 0;
    ipc_right_entry_free(space, entry);
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
            ipc_right_entry_free(space, entry);
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
            ipc_right_entry_free(space, entry);
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
            ipc_right_entry_free(space, entry);
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

/* What mach_port_type says of entry: its rights, and a dead-name request. */
static mach_port_type_t
ipc_right_type_bits(const struct ipc_entry *entry)
{
    return entry->type | (entry->dnrequest ? MACH_PORT_TYPE_DNREQUEST : 0)
           | (entry->marequest != NULL && ipc_marequest_pending(entry->marequest)
              ? MACH_PORT_TYPE_MAREQUEST : 0);
}

kern_return_t
ipc_right_type(struct ipc_space *space, mach_port_name_t name, mach_port_type_t *typep)
{
    struct ipc_entry *entry;
    kern_return_t kr = ipc_right_lookup(space, name, &entry);

    if (kr != KERN_SUCCESS) {
        return kr;
    }
    *typep = ipc_right_type_bits(entry);
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
ipc_right_mod_single(struct ipc_space *space, struct ipc_entry *entry, mach_port_right_t right,
                     mach_port_delta_t delta)
{
    if (delta == 0) {
        return KERN_SUCCESS;
    }
    if (delta != -1) {
        return KERN_INVALID_VALUE;
    }
    if (right == MACH_PORT_RIGHT_RECEIVE) {
        ipc_right_drop_receive(space, entry);
    } else if (right == MACH_PORT_RIGHT_SEND_ONCE) {
        ipc_right_drop_send_once(space, entry);
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
                ipc_right_drop_send(space, entry);
            } else {
                entry->type = MACH_PORT_TYPE_NONE;
                entry->urefs = 0;
            }
        } else if (kr == KERN_SUCCESS) {
            entry->urefs = urefs;
        }
    } else {
        kr = ipc_right_mod_single(space, entry, right, delta);
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
        ipc_right_drop_send_once(space, entry);
    } else if (entry->type & (MACH_PORT_TYPE_SEND | MACH_PORT_TYPE_DEAD_NAME)) {
        if (--entry->urefs == 0) {
            if (entry->type & MACH_PORT_TYPE_SEND) {
                ipc_right_drop_send(space, entry);
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
    if (kr == KERN_SUCCESS && entry->dnrequest) {
        ipc_notify_dnrequest_rename(space, old_name, new_name, entry->object);
    }
    if (kr == KERN_SUCCESS && entry->marequest != NULL) {
        ipc_marequest_rename(entry->marequest, new_name);
    }
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
            types[count] = ipc_right_type_bits(entry);
        }
        count++;
    }
    ipc_space_unlock(space);
    *countp = count;
    return KERN_SUCCESS;
}

kern_return_t
ipc_right_pset_members(struct ipc_space *space, mach_port_name_t name, mach_port_name_t *names,
                       unsigned long max, unsigned long *countp)
{
    struct ipc_entry *entry;
    struct ipc_pset *pset;
    struct ipc_port *port;
    unsigned long count = 0;
    kern_return_t kr;

    kr = ipc_right_lookup(space, name, &entry);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    if (!(entry->type & MACH_PORT_TYPE_PORT_SET)) {
        ipc_space_unlock(space);
        return KERN_INVALID_RIGHT;
    }
    pset = (struct ipc_pset *)entry->object;
    list_foreach_entry(&pset->members, port, pset_node) {
        if (count < max) {
            names[count] = port->receiver_name;
        }
        count++;
    }
    ipc_space_unlock(space);
    *countp = count;
    return KERN_SUCCESS;
}

/* ---------------------------------------------------------------- rights in messages */

/*
 * Whether entry (NULL: no such name) can give a right by disposition,
 * moves times for the moving dispositions (two header fields may move
 * from the same name). Space locked, entry checked for a dead port.
 * Returns KERN_SUCCESS, KERN_INVALID_NAME or KERN_INVALID_RIGHT.
 */
static kern_return_t
ipc_right_copyin_check(const struct ipc_entry *entry, mach_msg_type_name_t disposition,
                       unsigned int moves)
{
    if (entry == NULL) {
        return KERN_INVALID_NAME;
    }
    switch (disposition) {
    case MACH_MSG_TYPE_MOVE_RECEIVE:
    case MACH_MSG_TYPE_MAKE_SEND:
    case MACH_MSG_TYPE_MAKE_SEND_ONCE:
        return (entry->type & MACH_PORT_TYPE_RECEIVE) ? KERN_SUCCESS : KERN_INVALID_RIGHT;
    case MACH_MSG_TYPE_COPY_SEND:
        return (entry->type & (MACH_PORT_TYPE_SEND | MACH_PORT_TYPE_DEAD_NAME))
               ? KERN_SUCCESS : KERN_INVALID_RIGHT;
    case MACH_MSG_TYPE_MOVE_SEND:
        return ((entry->type & (MACH_PORT_TYPE_SEND | MACH_PORT_TYPE_DEAD_NAME))
                && entry->urefs >= moves) ? KERN_SUCCESS : KERN_INVALID_RIGHT;
    case MACH_MSG_TYPE_MOVE_SEND_ONCE:
        if (entry->type & MACH_PORT_TYPE_DEAD_NAME) {
            return entry->urefs >= moves ? KERN_SUCCESS : KERN_INVALID_RIGHT;
        }
        return ((entry->type & MACH_PORT_TYPE_SEND_ONCE) && moves == 1)
               ? KERN_SUCCESS : KERN_INVALID_RIGHT;
    default:
        return KERN_INVALID_RIGHT;
    }
}

static bool
ipc_right_disposition_moves(mach_msg_type_name_t disposition)
{
    return disposition == MACH_MSG_TYPE_MOVE_SEND || disposition == MACH_MSG_TYPE_MOVE_SEND_ONCE
           || disposition == MACH_MSG_TYPE_MOVE_RECEIVE;
}

void
ipc_right_make(struct ipc_port *port, mach_msg_type_name_t type)
{
    spinlock_lock(&port->lock);
    if (type == MACH_MSG_TYPE_PORT_SEND) {
        port->srights++;
    } else {
        port->sorights++;
    }
    spinlock_unlock(&port->lock);
    ipc_port_ref(port);
}

/* One more send right made from port's receive right (MAKE_SEND): the make-send count. */
static void
ipc_right_mscount_inc(struct ipc_port *port)
{
    spinlock_lock(&port->lock);
    port->mscount++;
    spinlock_unlock(&port->lock);
}

/*
 * Take the right out of entry, which ipc_right_copyin_check() accepted.
 * Space locked. The entry is freed when it holds nothing more; the
 * port-deleted notification that then goes to its dead-name request is
 * dropped instead when it would go to cancel (MACH_SEND_CANCEL; NULL:
 * none). Cannot fail.
 */
static struct ipc_port *
ipc_right_copyin_do(struct ipc_space *space, struct ipc_entry *entry,
                    mach_msg_type_name_t disposition, struct ipc_port *cancel)
{
    struct ipc_port *port = entry->object, *dnotify = NULL;
    mach_port_name_t name = entry->name;

    if (entry->type & MACH_PORT_TYPE_DEAD_NAME) {
        if (ipc_right_disposition_moves(disposition) && --entry->urefs == 0) {
            entry->type = MACH_PORT_TYPE_NONE;
            ipc_right_entry_free(space, entry);
        }
        return IPC_PORT_DEAD;
    }
    switch (disposition) {
    case MACH_MSG_TYPE_COPY_SEND:
        ipc_right_make(port, MACH_MSG_TYPE_PORT_SEND);
        return port;
    case MACH_MSG_TYPE_MAKE_SEND:
        ipc_right_make(port, MACH_MSG_TYPE_PORT_SEND);
        ipc_right_mscount_inc(port);
        return port;
    case MACH_MSG_TYPE_MAKE_SEND_ONCE:
        ipc_right_make(port, MACH_MSG_TYPE_PORT_SEND_ONCE);
        return port;
    case MACH_MSG_TYPE_MOVE_SEND:
        if (entry->urefs > 1) {
            entry->urefs--;
            ipc_right_make(port, MACH_MSG_TYPE_PORT_SEND);
            return port;
        }
        /* The entry's right itself moves: its count and reference go along. */
        entry->type &= ~MACH_PORT_TYPE_SEND;
        entry->urefs = 0;
        if (!(entry->type & MACH_PORT_TYPE_RECEIVE)) {
            spinlock_lock(&port->lock);
            list_remove(&entry->holder_node);
            spinlock_unlock(&port->lock);
        }
        break;
    case MACH_MSG_TYPE_MOVE_SEND_ONCE:
        entry->type = MACH_PORT_TYPE_NONE;
        entry->urefs = 0;
        break;
    default:
        assert(disposition == MACH_MSG_TYPE_MOVE_RECEIVE);
        spinlock_lock(&port->lock);
        assert(port->receiver == space && port->active);
        port->receiver = NULL;
        port->receiver_name = MACH_PORT_NULL;
        port->mscount = 0;          /* a new receiver starts counting afresh */
        port->has_payload = false;  /* the payload was the old receiver's */
        if (!(entry->type & MACH_PORT_TYPE_SEND)) {
            list_remove(&entry->holder_node);
        }
        spinlock_unlock(&port->lock);
        ipc_mqueue_pset_remove(port);   /* a moved receive right leaves its set */
        ipc_mqueue_changed(port);   /* its receivers here must stop */
        entry->type &= ~MACH_PORT_TYPE_RECEIVE;
        break;
    }
    if (entry->type == MACH_PORT_TYPE_NONE) {
        dnotify = ipc_right_dncancel(space, entry, port);
        entry->object = NULL;
        ipc_right_entry_free(space, entry);
    }
    if (dnotify != NULL && dnotify == cancel) {
        ipc_right_release_send(dnotify, MACH_MSG_TYPE_PORT_SEND_ONCE);  /* the sender's own */
        dnotify = NULL;
    }
    ipc_right_port_deleted(dnotify, name);
    return port;
}

/* The entry of name, checked for a dead port; NULL for none. Space locked. */
static struct ipc_entry *
ipc_right_lookup_locked(struct ipc_space *space, mach_port_name_t name)
{
    struct ipc_entry *entry = ipc_entry_lookup_locked(space, name);

    if (entry != NULL) {
        ipc_right_check(entry);
    }
    return entry;
}

/*
 * The checks of ipc_right_copyin_header(), in GNU Mach's order: a
 * missing destination first, then the reply right, then the destination
 * right. Space locked.
 */
static mach_msg_return_t
ipc_right_copyin_header_check(struct ipc_space *space, mach_port_name_t dest_name,
                              mach_msg_type_name_t dest_disp, mach_port_name_t reply_name,
                              mach_msg_type_name_t reply_disp, struct ipc_entry **destp,
                              struct ipc_entry **replyp)
{
    struct ipc_entry *dest, *reply = NULL;
    unsigned int moves = 1;

    dest = ipc_right_lookup_locked(space, dest_name);
    if (dest == NULL) {
        return MACH_SEND_INVALID_DEST;
    }
    if (reply_disp != 0 && MACH_PORT_VALID(reply_name)) {
        reply = (reply_name == dest_name) ? dest : ipc_right_lookup_locked(space, reply_name);
        if (ipc_right_copyin_check(reply, reply_disp, 1) != KERN_SUCCESS) {
            return MACH_SEND_INVALID_REPLY;
        }
    }
    if (reply == dest) {
        /* One name for both: a send-once right cannot serve twice. */
        if (dest_disp == MACH_MSG_TYPE_MOVE_SEND_ONCE
            || reply_disp == MACH_MSG_TYPE_MOVE_SEND_ONCE) {
            return MACH_SEND_INVALID_DEST;
        }
        moves += (dest_disp == MACH_MSG_TYPE_MOVE_SEND && reply_disp == MACH_MSG_TYPE_MOVE_SEND);
    }
    if (ipc_right_copyin_check(dest, dest_disp, moves) != KERN_SUCCESS
        || (dest->type & MACH_PORT_TYPE_DEAD_NAME)) {
        return MACH_SEND_INVALID_DEST;
    }
    *destp = dest;
    *replyp = reply;
    return MACH_MSG_SUCCESS;
}

mach_msg_return_t
ipc_right_copyin_header(struct ipc_space *space, mach_port_name_t dest_name,
                        mach_msg_type_name_t dest_disp, mach_port_name_t reply_name,
                        mach_msg_type_name_t reply_disp, mach_port_name_t cancel_name,
                        struct ipc_port **destp, struct ipc_port **replyp)
{
    struct ipc_entry *dest, *reply;
    struct ipc_port *cancel = NULL;
    mach_msg_return_t mr;
    bool reply_first;

    assert(MACH_MSG_TYPE_PORT_ANY_SEND(dest_disp));
    assert(reply_disp == 0 || MACH_MSG_TYPE_PORT_ANY_SEND(reply_disp));
    if (ipc_right_space_lock(space) != KERN_SUCCESS) {
        return MACH_SEND_INVALID_DEST;
    }
    if (cancel_name != MACH_PORT_NULL) {
        /* GNU Mach checks the MACH_SEND_CANCEL port first: a receive right of space. */
        struct ipc_entry *entry = ipc_right_lookup_locked(space, cancel_name);

        if (entry == NULL || !(entry->type & MACH_PORT_TYPE_RECEIVE)) {
            ipc_space_unlock(space);
            return MACH_SEND_INVALID_NOTIFY;
        }
        cancel = entry->object;         /* alive while its receive right is in the locked space */
    }
    mr = ipc_right_copyin_header_check(space, dest_name, dest_disp, reply_name, reply_disp,
                                       &dest, &reply);
    if (mr != MACH_MSG_SUCCESS) {
        ipc_space_unlock(space);
        return mr;
    }
    /*
     * With one name for both, a moving disposition may free the entry:
     * the other one goes first.
     */
    reply_first = reply == dest && ipc_right_disposition_moves(dest_disp)
                  && !ipc_right_disposition_moves(reply_disp);
    if (reply != NULL && reply_first) {
        *replyp = ipc_right_copyin_do(space, reply, reply_disp, NULL);
    }
    *destp = ipc_right_copyin_do(space, dest, dest_disp, cancel);
    if (reply != NULL && !reply_first) {
        *replyp = ipc_right_copyin_do(space, reply, reply_disp, NULL);
    } else if (reply == NULL) {
        *replyp = (reply_disp == 0 || reply_name == MACH_PORT_NULL) ? NULL : IPC_PORT_DEAD;
    }
    ipc_space_unlock(space);
    return MACH_MSG_SUCCESS;
}

kern_return_t
ipc_right_copyin(struct ipc_space *space, mach_port_name_t name, mach_msg_type_name_t disposition,
                 struct ipc_port **portp)
{
    struct ipc_entry *entry;
    kern_return_t kr;

    assert(MACH_MSG_TYPE_PORT_ANY(disposition));
    if (!MACH_PORT_VALID(name)) {
        *portp = (name == MACH_PORT_NULL) ? NULL : IPC_PORT_DEAD;
        return KERN_SUCCESS;
    }
    kr = ipc_right_space_lock(space);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    entry = ipc_right_lookup_locked(space, name);
    kr = ipc_right_copyin_check(entry, disposition, 1);
    if (kr == KERN_SUCCESS) {
        *portp = ipc_right_copyin_do(space, entry, disposition, NULL);
    }
    ipc_space_unlock(space);
    return kr;
}

void
ipc_right_release_send(struct ipc_port *port, mach_msg_type_name_t type)
{
    struct ipc_port *nsrequest = NULL;
    mach_port_mscount_t mscount = 0;
    bool last = false;

    assert(IPC_PORT_VALID(port));
    spinlock_lock(&port->lock);
    if (type == MACH_MSG_TYPE_PORT_SEND) {
        nsrequest = ipc_port_srights_dec(port, &mscount);
    } else {
        assert(type == MACH_MSG_TYPE_PORT_SEND_ONCE && port->sorights != 0);
        port->sorights--;
        last = ipc_right_last_send_once(port);
    }
    spinlock_unlock(&port->lock);
    if (last) {
        ipc_mqueue_changed(port);
    }
    ipc_port_unref(port);
    ipc_right_no_senders(nsrequest, mscount);
}

/*
 * The message's send right joins entry, which holds send or receive
 * rights for its port. Space and port locked. *releasep: whether the
 * message's right must still be released.
 */
static void
ipc_right_merge_send(struct ipc_entry *entry, bool *releasep)
{
    if (entry->type & MACH_PORT_TYPE_SEND) {
        if (entry->urefs < MACH_PORT_UREFS_MAX) {
            entry->urefs++;
        }
        *releasep = true;           /* the entry holds its own count and reference */
    } else {
        entry->type |= MACH_PORT_TYPE_SEND;     /* the message's right becomes the entry's */
        entry->urefs = 1;
        *releasep = false;
    }
}


/*
 * MACH_RCV_NOTIFY: arm notify (a send-once right) as the dead-name
 * request of entry, just made for port. Space locked. Returns notify when
 * it was not consumed (no memory), else NULL; a port that died since the
 * copyout sends its dead-name notification at once, as an armed request
 * would have.
 */
static struct ipc_port *
ipc_right_copyout_dnrequest(struct ipc_space *space, struct ipc_entry *entry,
                            struct ipc_port *port, struct ipc_port *notify,
                            bool *dead_nowp)
{
    struct ipc_port *previous;
    kern_return_t kr;

    kr = ipc_notify_dnrequest_arm(space, entry->name, port, notify, &previous);
    if (kr == KERN_SUCCESS) {
        assert(previous == NULL);       /* a new name has no request */
        entry->dnrequest = true;
        return NULL;
    }
    if (kr == KERN_INVALID_CAPABILITY) {
        ipc_right_check(entry);         /* a dead name now */
        if (ipc_right_urefs_add(&entry->urefs, 1) == KERN_SUCCESS) {
            *dead_nowp = true;          /* the caller sends the notification, unlocked */
            return NULL;
        }
    }
    return notify;
}

/*
 * The body of ipc_right_copyout_msg() and ipc_right_copyout_reply(),
 * inlined into both so that the common case (notify NULL) carries no
 * MACH_RCV_NOTIFY test.
 */
static inline __attribute__((always_inline)) kern_return_t
ipc_right_copyout_common(struct ipc_space *space, struct ipc_port *port,
                         mach_msg_type_name_t type, struct ipc_port *notify,
                         mach_port_name_t *namep)
{
    struct ipc_entry *entry = NULL;
    bool release = false, dead_now = false, created = false;
    kern_return_t kr;

    assert(IPC_PORT_VALID(port));
    assert(notify == NULL || type != MACH_MSG_TYPE_PORT_RECEIVE);
    kr = ipc_right_space_lock(space);
    if (kr != KERN_SUCCESS) {
        ipc_right_notify_unused(notify);
        return kr;
    }
    spinlock_lock(&port->lock);
    if (type != MACH_MSG_TYPE_PORT_RECEIVE && !port->active) {
        spinlock_unlock(&port->lock);
        ipc_space_unlock(space);
        ipc_right_release_send(port, type);
        ipc_right_notify_unused(notify);
        *namep = MACH_PORT_DEAD;
        return KERN_SUCCESS;
    }
    if (type != MACH_MSG_TYPE_PORT_SEND_ONCE) {
        entry = ipc_right_reverse(space, port);
    }
    if (entry != NULL && type == MACH_MSG_TYPE_PORT_SEND) {
        ipc_right_merge_send(entry, &release);
    } else if (entry != NULL) {
        /* A receive right coming home to the name holding send rights for it. */
        assert(type == MACH_MSG_TYPE_PORT_RECEIVE && !(entry->type & MACH_PORT_TYPE_RECEIVE));
        entry->type |= MACH_PORT_TYPE_RECEIVE;
        port->receiver = space;
        port->receiver_name = entry->name;
    }
    spinlock_unlock(&port->lock);
    if (entry == NULL) {
        kr = ipc_entry_alloc(space, &entry);
        if (kr != KERN_SUCCESS) {
            ipc_space_unlock(space);
            ipc_right_notify_unused(notify);
            *namep = MACH_PORT_NULL;
            return kr;
        }
        entry->object = port;
        entry->urefs = 1;
        created = true;
        spinlock_lock(&port->lock);
        if (type == MACH_MSG_TYPE_PORT_SEND_ONCE) {
            entry->type = MACH_PORT_TYPE_SEND_ONCE;
        } else {
            list_insert_tail(&port->holders, &entry->holder_node);
            if (type == MACH_MSG_TYPE_PORT_SEND) {
                entry->type = MACH_PORT_TYPE_SEND;
            } else {
                entry->type = MACH_PORT_TYPE_RECEIVE;
                entry->urefs = 0;
                port->receiver = space;
                port->receiver_name = entry->name;
            }
        }
        spinlock_unlock(&port->lock);
    }
    *namep = entry->name;
    if (notify != NULL && created) {
        notify = ipc_right_copyout_dnrequest(space, entry, port, notify, &dead_now);
    }
    ipc_space_unlock(space);
    if (dead_now) {
        ipc_notify_dead_name(notify, *namep);
        notify = NULL;
    }
    ipc_right_notify_unused(notify);
    if (type == MACH_MSG_TYPE_PORT_RECEIVE) {
        ipc_port_transit_clear(port);   /* arrived */
    }
    if (release) {
        ipc_right_release_send(port, type);
    }
    return KERN_SUCCESS;
}

kern_return_t
ipc_right_copyout_msg(struct ipc_space *space, struct ipc_port *port, mach_msg_type_name_t type,
                      mach_port_name_t *namep)
{
    return ipc_right_copyout_common(space, port, type, NULL, namep);
}

kern_return_t
ipc_right_copyout_reply(struct ipc_space *space, struct ipc_port *port,
                        mach_msg_type_name_t type, struct ipc_port *notify,
                        mach_port_name_t *namep)
{
    return ipc_right_copyout_common(space, port, type, notify, namep);
}

kern_return_t
ipc_right_insert_receive(struct ipc_space *space, mach_port_name_t name, struct ipc_port *port)
{
    struct ipc_entry *entry;
    kern_return_t kr;

    assert(IPC_PORT_VALID(port));
    if (!MACH_PORT_VALID(name)) {
        return KERN_INVALID_VALUE;
    }
    kr = ipc_right_space_lock(space);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    spinlock_lock(&port->lock);
    entry = ipc_right_reverse(space, port);
    spinlock_unlock(&port->lock);
    if (entry != NULL && entry->name != name) {
        ipc_space_unlock(space);
        return KERN_RIGHT_EXISTS;
    }
    if (entry == NULL) {
        kr = ipc_entry_alloc_name(space, name, &entry);
        if (kr != KERN_SUCCESS) {
            ipc_space_unlock(space);
            return kr;
        }
        entry->object = port;
        entry->urefs = 0;
        entry->type = MACH_PORT_TYPE_NONE;
    }
    spinlock_lock(&port->lock);
    if (entry->type == MACH_PORT_TYPE_NONE) {
        list_insert_tail(&port->holders, &entry->holder_node);
    }
    entry->type |= MACH_PORT_TYPE_RECEIVE;
    port->receiver = space;
    port->receiver_name = name;
    spinlock_unlock(&port->lock);
    ipc_space_unlock(space);
    ipc_port_transit_clear(port);       /* arrived */
    return KERN_SUCCESS;
}

kern_return_t
ipc_right_pset(struct ipc_space *space, mach_port_name_t name, struct ipc_pset **psetp)
{
    struct ipc_entry *entry;
    kern_return_t kr = ipc_right_lookup(space, name, &entry);

    if (kr != KERN_SUCCESS) {
        return kr;
    }
    if (entry->type & MACH_PORT_TYPE_PORT_SET) {
        ipc_pset_ref(entry->object);
        *psetp = entry->object;
    } else {
        kr = KERN_INVALID_RIGHT;
    }
    ipc_space_unlock(space);
    return kr;
}

kern_return_t
ipc_right_move_member(struct ipc_space *space, mach_port_name_t member, mach_port_name_t after)
{
    struct ipc_entry *entry, *set = NULL;
    struct ipc_port *port;
    kern_return_t kr = ipc_right_lookup(space, member, &entry);

    if (kr != KERN_SUCCESS) {
        return kr;
    }
    if (after != MACH_PORT_NULL) {
        set = ipc_right_lookup_locked(space, after);
        if (set == NULL) {
            kr = KERN_INVALID_NAME;
        } else if (!(set->type & MACH_PORT_TYPE_PORT_SET)) {
            kr = KERN_INVALID_RIGHT;
        }
    }
    if (kr == KERN_SUCCESS && !(entry->type & MACH_PORT_TYPE_RECEIVE)) {
        kr = KERN_INVALID_RIGHT;
    }
    if (kr == KERN_SUCCESS) {
        port = entry->object;
        if (set == NULL && port->pset == NULL) {
            kr = KERN_NOT_IN_SET;
        } else {
            ipc_mqueue_pset_remove(port);
            if (set != NULL) {
                ipc_mqueue_pset_add(set->object, port);
            }
        }
    }
    ipc_space_unlock(space);
    return kr;
}

/* ---------------------------------------------------------------- notification requests */

kern_return_t
ipc_right_dnrequest(struct ipc_space *space, mach_port_name_t name, bool immediate,
                    struct ipc_port *notify, struct ipc_port **previousp)
{
    struct ipc_entry *entry;
    kern_return_t kr = ipc_right_lookup(space, name, &entry);

    *previousp = NULL;
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    if (entry->type & MACH_PORT_TYPE_PORT_RIGHTS) {
        struct ipc_port *port = entry->object;

        if (notify == NULL) {
            *previousp = ipc_right_dncancel(space, entry, port);
            ipc_space_unlock(space);
            return KERN_SUCCESS;
        }
        kr = ipc_notify_dnrequest_arm(space, name, port, notify, previousp);
        if (kr == KERN_SUCCESS) {
            entry->dnrequest = true;
            ipc_space_unlock(space);
            return KERN_SUCCESS;
        }
        if (kr != KERN_INVALID_CAPABILITY) {
            ipc_space_unlock(space);
            return kr;
        }
        ipc_right_check(entry);     /* the port died since the lookup: a dead name now */
        assert(entry->type & MACH_PORT_TYPE_DEAD_NAME);
    }
    if ((entry->type & MACH_PORT_TYPE_DEAD_NAME) && immediate && notify != NULL) {
        kr = ipc_right_urefs_add(&entry->urefs, 1);
        ipc_space_unlock(space);
        if (kr == KERN_SUCCESS) {
            ipc_notify_dead_name(notify, name);
        }
        return kr;
    }
    kr = (entry->type & MACH_PORT_TYPE_DEAD_NAME) ? KERN_INVALID_ARGUMENT : KERN_INVALID_RIGHT;
    ipc_space_unlock(space);
    return kr;
}

/* The name space gives the port set pset; space locked. */
static mach_port_name_t
ipc_right_pset_name(struct ipc_space *space, const struct ipc_pset *pset)
{
    struct rdxtree_iter iter;
    struct ipc_entry *entry;

    ipc_space_assert_locked(space);
    rdxtree_for_each(&space->names, &iter, entry) {
        if ((entry->type & MACH_PORT_TYPE_PORT_SET) && entry->object == pset) {
            return entry->name;
        }
    }
    return MACH_PORT_NULL;
}

kern_return_t
ipc_right_receive_status(struct ipc_space *space, mach_port_name_t name,
                         struct ipc_right_receive_status *status)
{
    struct ipc_entry *entry;
    struct ipc_port *port;
    struct ipc_pset *pset;
    kern_return_t kr = ipc_right_lookup(space, name, &entry);

    if (kr != KERN_SUCCESS) {
        return kr;
    }
    if (!(entry->type & MACH_PORT_TYPE_RECEIVE)) {
        ipc_space_unlock(space);
        return KERN_INVALID_RIGHT;
    }
    port = entry->object;
    spinlock_lock(&port->lock);
    pset = port->pset;              /* stable: membership changes hold the space lock */
    status->seqno = port->mqueue.seqno;
    status->mscount = port->mscount;
    status->qlimit = port->mqueue.qlimit;
    status->msgcount = (unsigned int)port->mqueue.nr_messages;
    status->sorights = port->sorights;
    status->srights = port->srights != 0;
    status->pdrequest = port->pdrequest != NULL;
    status->nsrequest = port->nsrequest != NULL;
    spinlock_unlock(&port->lock);
    status->pset = (pset == NULL) ? MACH_PORT_NULL : ipc_right_pset_name(space, pset);
    ipc_space_unlock(space);
    return KERN_SUCCESS;
}

mach_msg_return_t
ipc_right_marequest(struct ipc_space *space, struct ipc_port *dest, mach_port_name_t notify,
                    struct ipc_marequest **reqp)
{
    struct ipc_entry *entry, *nentry;
    struct ipc_marequest *req;
    struct ipc_port *nport;

    assert(IPC_PORT_VALID(dest));
    if (ipc_right_space_lock(space) != KERN_SUCCESS) {
        return MACH_SEND_INVALID_DEST;
    }
    spinlock_lock(&dest->lock);
    entry = dest->active ? ipc_right_reverse(space, dest) : NULL;
    spinlock_unlock(&dest->lock);
    if (entry != NULL && entry->marequest != NULL && ipc_marequest_pending(entry->marequest)) {
        ipc_space_unlock(space);
        return MACH_SEND_NOTIFY_IN_PROGRESS;
    }
    nentry = ipc_right_lookup_locked(space, notify);
    if (nentry == NULL || !(nentry->type & MACH_PORT_TYPE_RECEIVE)) {
        ipc_space_unlock(space);
        return MACH_SEND_INVALID_NOTIFY;
    }
    nport = nentry->object;
    ipc_right_make(nport, MACH_MSG_TYPE_PORT_SEND_ONCE);
    req = ipc_marequest_create(nport, entry != NULL ? entry->name : MACH_PORT_NULL,
                               entry != NULL ? 2 : 1);
    if (req == NULL) {
        ipc_space_unlock(space);
        ipc_right_release_send(nport, MACH_MSG_TYPE_PORT_SEND_ONCE);
        return MACH_SEND_NO_NOTIFY;
    }
    if (entry != NULL) {
        if (entry->marequest != NULL) {
            ipc_marequest_entry_gone(entry->marequest);     /* an old one, accepted */
        }
        entry->marequest = req;
    }
    ipc_space_unlock(space);
    *reqp = req;
    return MACH_MSG_SUCCESS;
}
