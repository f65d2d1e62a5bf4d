/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Port notifications (see ipc/ipc_notify.h).
 *
 * Rationale. A notification is an ordinary kmsg, built here in the form
 * copyin leaves a message in (rights in remote and ports[], the bits
 * holding received types), so queues, copyout, MACH_RCV_LARGE and
 * message destruction treat it like any other message and nothing else
 * needs to know it came from the kernel. It travels through a send-once
 * right, so it is never held back by the queue limit, and it is queued
 * with MACH_SEND_ALWAYS: sending one cannot block. The only failure is
 * memory; then the notification is lost, its send-once right released
 * without a further notification (that would need memory too), and the
 * loss counted, never reported to the operation that caused it.
 *
 * Requests live on the port, under the port lock: the no-senders and
 * port-destroyed send-once rights in two fields, dead-name requests on a
 * list, one per (space, name), found by a walk. The list is short in
 * practice (the names watching one port), and keeping requests off the
 * entries means a port's death, which holds only the port lock, can
 * take them all at once; each entry keeps a flag so that it gains the
 * dead-name notification's user reference when it is next looked at,
 * which is Mach's lazy death (ipc/ipc_right.c). GNU Mach keeps a table
 * per port indexed from the entry instead: O(1) cancellation, but a
 * table to grow.
 *
 * Notifications are sent with at most a space lock held: sending takes
 * the destination's port lock, and a destination that died makes the
 * message be destroyed, which only takes port locks. Kernel-object
 * ports never get one (their server would take space locks): the
 * message is dropped.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <include/mach/kern_return.h>
#include <include/mach/message.h>
#include <include/mach/notify.h>
#include <include/mach/port.h>
#include <ipc/ipc_kmsg.h>
#include <ipc/ipc_mqueue.h>
#include <ipc/ipc_notify.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <ipc/ipc_space.h>
#include <kern/ipc_kobject.h>
#include <kern/kmem.h>
#include <kern/list.h>
#include <kern/panic.h>
#include <kern/spinlock.h>

static struct kmem_cache ipc_notify_dnrequest_cache;

static unsigned long ipc_notify_nr_sent;
static unsigned long ipc_notify_nr_dropped;
static unsigned long ipc_notify_nr_lost;
static unsigned long ipc_notify_nr_dnrequests;

static void
ipc_notify_count(unsigned long *counter)
{
    __atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

void
ipc_notify_setup(void)
{
    if (kmem_cache_init(&ipc_notify_dnrequest_cache, "ipc_dnrequest",
                        sizeof(struct ipc_notify_dnrequest), 0, NULL, 0) != 0) {
        panic("ipc: cannot create the dead-name request cache");
    }
}

/* Whether a notification to port can be received: an active, ordinary port. */
static bool
ipc_notify_receivable(struct ipc_port *port)
{
    bool ok;

    spinlock_lock(&port->lock);
    ok = port->active && port->kotype == IPC_KOBJECT_NONE;
    spinlock_unlock(&port->lock);
    return ok;
}

/*
 * A notification of size bytes and id id through the send-once right
 * notify, header filled in, the body left to the caller. NULL when
 * memory is out (notify untouched).
 */
static struct ipc_kmsg *
ipc_notify_kmsg(struct ipc_port *notify, mach_msg_id_t id, mach_msg_size_t size)
{
    struct ipc_kmsg *kmsg = ipc_kmsg_alloc(size);

    if (kmsg == NULL) {
        return NULL;
    }
    kmsg->header.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND_ONCE, 0);
    kmsg->header.msgh_remote_port = MACH_PORT_NULL;
    kmsg->header.msgh_local_port = MACH_PORT_NULL;
    kmsg->header.msgh_seqno = 0;
    kmsg->header.msgh_id = id;
    kmsg->remote = notify;
    return kmsg;
}

/* Release notify without a notification: the message was not built. */
static void
ipc_notify_lose(struct ipc_port *notify)
{
    ipc_right_release_send(notify, MACH_MSG_TYPE_PORT_SEND_ONCE);
    ipc_notify_count(&ipc_notify_nr_lost);
}

/* Queue kmsg on its destination, or destroy it when nobody can receive it. */
static void
ipc_notify_deliver(struct ipc_kmsg *kmsg)
{
    struct ipc_port *port = kmsg->remote;
    mach_msg_return_t mr;

    if (!ipc_notify_receivable(port)) {
        kmsg->remote = NULL;
        ipc_right_release_send(port, MACH_MSG_TYPE_PORT_SEND_ONCE);
        ipc_kmsg_destroy(kmsg);
        ipc_notify_count(&ipc_notify_nr_dropped);
        return;
    }
    /* A send-once right never waits; a port that died meanwhile destroys it. */
    mr = ipc_mqueue_send(kmsg, MACH_SEND_ALWAYS, 0);
    assert(mr == MACH_MSG_SUCCESS);
    (void)mr;
    ipc_notify_count(&ipc_notify_nr_sent);
}

/* A notification carrying one 32-bit value of type type. */
static void
ipc_notify_word(struct ipc_port *notify, mach_msg_id_t id, mach_msg_type_name_t type,
                uint32_t value)
{
    struct ipc_kmsg *kmsg;
    uint32_t *body;

    assert(IPC_PORT_VALID(notify));
    kmsg = ipc_notify_kmsg(notify, id, sizeof(mach_port_deleted_notification_t));
    if (kmsg == NULL) {
        ipc_notify_lose(notify);
        return;
    }
    body = ipc_kmsg_body(kmsg);
    body[0] = MACH_MSGT(type, 32, 1, 1);
    body[1] = value;
    ipc_notify_deliver(kmsg);
}

void
ipc_notify_port_deleted(struct ipc_port *notify, mach_port_name_t name)
{
    ipc_notify_word(notify, MACH_NOTIFY_PORT_DELETED, MACH_MSG_TYPE_PORT_NAME, name);
}

void
ipc_notify_msg_accepted(struct ipc_port *notify, mach_port_name_t name)
{
    ipc_notify_word(notify, MACH_NOTIFY_MSG_ACCEPTED, MACH_MSG_TYPE_PORT_NAME, name);
}

void
ipc_notify_dead_name(struct ipc_port *notify, mach_port_name_t name)
{
    ipc_notify_word(notify, MACH_NOTIFY_DEAD_NAME, MACH_MSG_TYPE_PORT_NAME, name);
}

void
ipc_notify_no_senders(struct ipc_port *notify, mach_port_mscount_t mscount)
{
    if (ipc_kobject_no_senders(notify)) {
        return;                     /* a kernel object's own request: cleaned up */
    }
    ipc_notify_word(notify, MACH_NOTIFY_NO_SENDERS, MACH_MSG_TYPE_INTEGER_32, mscount);
}

void
ipc_notify_send_once(struct ipc_port *port)
{
    struct ipc_kmsg *kmsg;

    assert(IPC_PORT_VALID(port));
    if (!ipc_notify_receivable(port)) {
        /* Nobody to tell: no message (and no memory) needed. */
        ipc_right_release_send(port, MACH_MSG_TYPE_PORT_SEND_ONCE);
        ipc_notify_count(&ipc_notify_nr_dropped);
        return;
    }
    kmsg = ipc_notify_kmsg(port, MACH_NOTIFY_SEND_ONCE, sizeof(mach_send_once_notification_t));
    if (kmsg == NULL) {
        ipc_notify_lose(port);
        return;
    }
    ipc_notify_deliver(kmsg);
}

bool
ipc_notify_port_destroyed(struct ipc_port *notify, struct ipc_port *port)
{
    struct ipc_kmsg *kmsg;
    uint32_t *body;

    assert(IPC_PORT_VALID(notify) && IPC_PORT_VALID(port));
    if (!ipc_notify_receivable(notify)) {
        ipc_right_release_send(notify, MACH_MSG_TYPE_PORT_SEND_ONCE);
        ipc_notify_count(&ipc_notify_nr_dropped);
        return false;
    }
    kmsg = ipc_notify_kmsg(notify, MACH_NOTIFY_PORT_DESTROYED,
                           sizeof(mach_port_destroyed_notification_t));
    if (kmsg != NULL) {
        kmsg->ports = kmem_alloc(sizeof(kmsg->ports[0]));
        if (kmsg->ports == NULL) {
            kmsg->remote = NULL;
            ipc_kmsg_free(kmsg);
            kmsg = NULL;
        }
    }
    if (kmsg == NULL) {
        ipc_notify_lose(notify);
        return false;
    }
    if (ipc_port_transit_set(port, notify)) {
        /* notify is port, or in a queue behind it: the right could never be received. */
        kmem_free(kmsg->ports, sizeof(kmsg->ports[0]));
        kmsg->ports = NULL;
        kmsg->remote = NULL;
        ipc_kmsg_free(kmsg);
        ipc_right_release_send(notify, MACH_MSG_TYPE_PORT_SEND_ONCE);
        ipc_notify_count(&ipc_notify_nr_dropped);
        return false;
    }
    kmsg->header.msgh_bits |= MACH_MSGH_BITS_COMPLEX;
    kmsg->ports[0] = port;
    kmsg->nr_ports = 1;
    body = ipc_kmsg_body(kmsg);
    body[0] = MACH_MSGT(MACH_MSG_TYPE_PORT_RECEIVE, 32, 1, 1);
    body[1] = MACH_PORT_NULL;       /* copyout writes the receiver's name */
    ipc_notify_deliver(kmsg);
    return true;
}

void
ipc_notify_dnrequests_fire(struct list *dnrequests)
{
    struct ipc_notify_dnrequest *req, *tmp;

    list_foreach_entry_safe(dnrequests, req, tmp, node) {
        list_remove(&req->node);
        ipc_notify_dead_name(req->notify, req->name);
        kmem_cache_free(&ipc_notify_dnrequest_cache, req);
        __atomic_fetch_sub(&ipc_notify_nr_dnrequests, 1, __ATOMIC_RELAXED);
    }
}

/* The dead-name request of (space, name) on port (locked), or NULL. */
static struct ipc_notify_dnrequest *
ipc_notify_dnrequest_find(struct ipc_port *port, struct ipc_space *space, mach_port_name_t name)
{
    struct ipc_notify_dnrequest *req;

    list_foreach_entry(&port->dnrequests, req, node) {
        if (req->space == space && req->name == name) {
            return req;
        }
    }
    return NULL;
}

kern_return_t
ipc_notify_dnrequest_arm(struct ipc_space *space, mach_port_name_t name, struct ipc_port *port,
                         struct ipc_port *notify, struct ipc_port **previousp)
{
    struct ipc_notify_dnrequest *req, *old;

    ipc_space_assert_locked(space);
    req = kmem_cache_alloc(&ipc_notify_dnrequest_cache);
    if (req == NULL) {
        return KERN_RESOURCE_SHORTAGE;
    }
    spinlock_lock(&port->lock);
    if (!port->active) {
        spinlock_unlock(&port->lock);
        kmem_cache_free(&ipc_notify_dnrequest_cache, req);
        return KERN_INVALID_CAPABILITY;
    }
    old = ipc_notify_dnrequest_find(port, space, name);
    if (old != NULL) {
        *previousp = old->notify;
        old->notify = notify;
    } else {
        *previousp = NULL;
        req->space = space;
        req->name = name;
        req->notify = notify;
        list_insert_tail(&port->dnrequests, &req->node);
        req = NULL;
    }
    spinlock_unlock(&port->lock);
    if (req != NULL) {
        kmem_cache_free(&ipc_notify_dnrequest_cache, req);
    } else {
        ipc_notify_count(&ipc_notify_nr_dnrequests);
    }
    return KERN_SUCCESS;
}

struct ipc_port *
ipc_notify_dnrequest_cancel(struct ipc_space *space, mach_port_name_t name, struct ipc_port *port)
{
    struct ipc_notify_dnrequest *req;
    struct ipc_port *notify = NULL;

    ipc_space_assert_locked(space);
    spinlock_lock(&port->lock);
    req = ipc_notify_dnrequest_find(port, space, name);
    if (req != NULL) {
        list_remove(&req->node);
        notify = req->notify;
    }
    spinlock_unlock(&port->lock);
    if (req != NULL) {
        kmem_cache_free(&ipc_notify_dnrequest_cache, req);
        __atomic_fetch_sub(&ipc_notify_nr_dnrequests, 1, __ATOMIC_RELAXED);
    }
    return notify;
}

void
ipc_notify_dnrequest_rename(struct ipc_space *space, mach_port_name_t old_name,
                            mach_port_name_t new_name, struct ipc_port *port)
{
    struct ipc_notify_dnrequest *req;

    ipc_space_assert_locked(space);
    spinlock_lock(&port->lock);
    req = ipc_notify_dnrequest_find(port, space, old_name);
    if (req != NULL) {
        req->name = new_name;
    }
    spinlock_unlock(&port->lock);
}

/*
 * The port of the receive right name holds in space, with a reference,
 * locked and active. Returns KERN_SUCCESS, KERN_INVALID_NAME,
 * KERN_INVALID_RIGHT or KERN_INVALID_TASK.
 */
static kern_return_t
ipc_notify_receive_lock(struct ipc_space *space, mach_port_name_t name, struct ipc_port **portp)
{
    struct ipc_port *port;
    kern_return_t kr;

    kr = ipc_right_port_of(space, name, MACH_PORT_TYPE_RECEIVE, &port);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    spinlock_lock(&port->lock);
    if (!port->active || port->receiver != space || port->receiver_name != name) {
        /* The right moved or died since the lookup. */
        spinlock_unlock(&port->lock);
        ipc_port_unref(port);
        return KERN_INVALID_RIGHT;
    }
    *portp = port;
    return KERN_SUCCESS;
}

kern_return_t
mach_port_request_notification(ipc_space_t task, mach_port_name_t name, mach_msg_id_t id,
                               mach_port_mscount_t sync, ipc_port_t notify, ipc_port_t *previous)
{
    struct ipc_port *port, *fire = NULL;
    mach_port_mscount_t mscount = 0;
    kern_return_t kr;

    *previous = NULL;
    if (task == NULL) {
        return KERN_INVALID_TASK;
    }
    if (notify == IPC_PORT_DEAD) {
        return KERN_INVALID_CAPABILITY;
    }
    switch (id) {
    case MACH_NOTIFY_PORT_DESTROYED:
        if (sync != 0) {
            return KERN_INVALID_VALUE;
        }
        kr = ipc_notify_receive_lock(task, name, &port);
        if (kr != KERN_SUCCESS) {
            return kr;
        }
        *previous = port->pdrequest;
        port->pdrequest = notify;
        spinlock_unlock(&port->lock);
        ipc_port_unref(port);
        return KERN_SUCCESS;
    case MACH_NOTIFY_NO_SENDERS:
        kr = ipc_notify_receive_lock(task, name, &port);
        if (kr != KERN_SUCCESS) {
            return kr;
        }
        *previous = port->nsrequest;
        if (notify != NULL && port->srights == 0 && sync <= port->mscount) {
            port->nsrequest = NULL;
            fire = notify;
            mscount = port->mscount;
        } else {
            port->nsrequest = notify;
        }
        spinlock_unlock(&port->lock);
        ipc_port_unref(port);
        if (fire != NULL) {
            ipc_notify_no_senders(fire, mscount);
        }
        return KERN_SUCCESS;
    case MACH_NOTIFY_DEAD_NAME:
        return ipc_right_dnrequest(task, name, sync != 0, notify, previous);
    default:
        return KERN_INVALID_VALUE;
    }
}

kern_return_t
ipc_notify_set_mscount(struct ipc_space *space, mach_port_name_t name, mach_port_mscount_t mscount)
{
    struct ipc_port *port;
    kern_return_t kr = ipc_notify_receive_lock(space, name, &port);

    if (kr != KERN_SUCCESS) {
        return kr;
    }
    port->mscount = mscount;
    spinlock_unlock(&port->lock);
    ipc_port_unref(port);
    return KERN_SUCCESS;
}

void
ipc_notify_stats_get(struct ipc_notify_stats *stats)
{
    stats->sent = __atomic_load_n(&ipc_notify_nr_sent, __ATOMIC_RELAXED);
    stats->dropped = __atomic_load_n(&ipc_notify_nr_dropped, __ATOMIC_RELAXED);
    stats->lost = __atomic_load_n(&ipc_notify_nr_lost, __ATOMIC_RELAXED);
    stats->nr_dnrequests = __atomic_load_n(&ipc_notify_nr_dnrequests, __ATOMIC_RELAXED);
}
