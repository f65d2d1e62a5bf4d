/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Message queues (see ipc/ipc_mqueue.h).
 *
 * Rationale. Waiting threads sleep on a hashed array of wait queues
 * rather than on queues inside each port: a port stays small, needs no
 * wait-queue setup, and the port code builds and runs in host tests
 * unchanged. The price is a spurious wakeup now and then, when two busy
 * ports share a bucket; every sleeper checks its condition again. The
 * kernel has no timer wheel yet, so a wait with a timeout sleeps a tick
 * at a time until its deadline (thread_delay()); a wait without one
 * sleeps until woken. Both end early when the thread is interrupted.
 *
 * A message's destination right holds a reference on the port, so a
 * queued message keeps its port alive; a port that dies gives its
 * messages back to the caller (ipc_mqueue_port_died()), who destroys
 * them without holding the port lock.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <include/mach/message.h>
#include <ipc/ipc_kmsg.h>
#include <ipc/ipc_mqueue.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <ipc/ipc_space.h>
#include <kern/clock.h>
#include <kern/ipc_kobject.h>
#include <kern/list.h>
#include <kern/panic.h>
#include <kern/spinlock.h>
#include <kern/thread.h>

#define IPC_MQUEUE_NR_WAITQS    64
#define IPC_MQUEUE_TIMED_OUT    (-1)

static struct waitq ipc_mqueue_waitqs[IPC_MQUEUE_NR_WAITQS];

void
ipc_mqueue_setup(void)
{
    unsigned int i;

    for (i = 0; i < IPC_MQUEUE_NR_WAITQS; i++) {
        waitq_init_intr(&ipc_mqueue_waitqs[i]);
    }
}

/* The wait queue of a port or port set. */
static struct waitq *
ipc_mqueue_waitq(const void *object)
{
    uintptr_t x = (uintptr_t)object;

    return &ipc_mqueue_waitqs[(x >> 6 ^ x >> 12) % IPC_MQUEUE_NR_WAITQS];
}

/* Wake every thread waiting on a bucket. No lock needed. */
static void
ipc_mqueue_wakeup(struct waitq *wq)
{
    waitq_wakeup_all(wq);
}

void
ipc_mqueue_changed(const struct ipc_port *port)
{
    ipc_mqueue_wakeup(ipc_mqueue_waitq(port));
}


/* The clock tick a wait of timeout ms ends at; 0 when option has no timeout. */
static uint64_t
ipc_mqueue_deadline(bool timed, mach_msg_timeout_t timeout)
{
    uint64_t ticks;

    if (!timed) {
        return 0;
    }
    ticks = ((uint64_t)timeout * CLOCK_HZ + 999) / 1000;
    return clock_ticks() + (ticks == 0 ? 1 : ticks);
}

/*
 * Wait for a change of the queue of object (a port or port set) whose
 * lock is held on entry and on return. Returns 0 (check again),
 * THREAD_INTERRUPTED or IPC_MQUEUE_TIMED_OUT.
 */
static int
ipc_mqueue_wait(const void *object, struct spinlock *lock, uint64_t deadline)
{
    int error;

    if (deadline == 0) {
        return waitq_sleep_intr(ipc_mqueue_waitq(object), lock);
    }
    error = waitq_sleep_intr_until(ipc_mqueue_waitq(object), lock, deadline);
    return error == THREAD_TIMED_OUT ? IPC_MQUEUE_TIMED_OUT : error;
}

mach_msg_return_t
ipc_mqueue_send(struct ipc_kmsg *kmsg, mach_msg_option_t option, mach_msg_timeout_t timeout)
{
    struct ipc_port *port = kmsg->remote;
    struct waitq *wq = ipc_mqueue_waitq(port), *pset_wq = NULL;
    bool send_once = MACH_MSGH_BITS_REMOTE(kmsg->header.msgh_bits)
                     == MACH_MSG_TYPE_PORT_SEND_ONCE;
    bool timed = option & MACH_SEND_TIMEOUT;
    uint64_t deadline = ipc_mqueue_deadline(timed && timeout != 0, timeout);
    int error;

    assert(IPC_PORT_VALID(port));
    if (kmsg->header.msgh_bits & MACH_MSGH_BITS_CIRCULAR) {
        ipc_kmsg_destroy(kmsg);     /* it could never be received */
        return MACH_MSG_SUCCESS;
    }
    spinlock_lock(&port->lock);
    for (;;) {
        if (!port->active) {
            spinlock_unlock(&port->lock);
            ipc_kmsg_destroy(kmsg);
            return MACH_MSG_SUCCESS;
        }
        if (port->kotype != IPC_KOBJECT_NONE) {
            spinlock_unlock(&port->lock);
            return ipc_kobject_server(kmsg);
        }
        if (send_once || (option & MACH_SEND_ALWAYS)
            || port->mqueue.nr_messages < port->mqueue.qlimit) {
            break;
        }
        if (timed && timeout == 0) {
            spinlock_unlock(&port->lock);
            return MACH_SEND_TIMED_OUT;
        }
        error = ipc_mqueue_wait(port, &port->lock, deadline);
        if (error != 0) {
            spinlock_unlock(&port->lock);
            return error == THREAD_INTERRUPTED ? MACH_SEND_INTERRUPTED : MACH_SEND_TIMED_OUT;
        }
    }
    list_insert_tail(&port->mqueue.messages, &kmsg->node);
    port->mqueue.nr_messages++;
    if (port->pset != NULL) {
        /* Receivers of the set check this count before they sleep; it orders arrivals too. */
        spinlock_lock(&port->pset->lock);
        kmsg->stamp = ++port->pset->events;
        spinlock_unlock(&port->pset->lock);
        pset_wq = ipc_mqueue_waitq(port->pset);
    }
    spinlock_unlock(&port->lock);
    ipc_mqueue_wakeup(wq);      /* kmsg may be gone already: only its bucket is used */
    if (pset_wq != NULL) {
        ipc_mqueue_wakeup(pset_wq);
    }
    return MACH_MSG_SUCCESS;
}

/* Take the oldest message of port (locked, queue not empty), numbered. */
static struct ipc_kmsg *
ipc_mqueue_dequeue(struct ipc_port *port)
{
    struct ipc_kmsg *kmsg = list_entry(list_first(&port->mqueue.messages), struct ipc_kmsg, node);

    list_remove(&kmsg->node);
    port->mqueue.nr_messages--;
    kmsg->header.msgh_seqno = port->mqueue.seqno++;
    return kmsg;
}

/* The receive step with port locked: a result, or MACH_RCV_IN_PROGRESS to wait. */
static mach_msg_return_t
ipc_mqueue_try(struct ipc_space *space, struct ipc_port *port, mach_msg_option_t option,
               mach_msg_size_t rcv_size, struct ipc_kmsg **kmsgp, mach_msg_size_t *sizep)
{
    struct ipc_kmsg *kmsg;

    if (!port->active) {
        return MACH_RCV_PORT_DIED;
    }
    if (port->receiver != space) {
        return MACH_RCV_PORT_CHANGED;
    }
    if (list_empty(&port->mqueue.messages)) {
        return MACH_RCV_IN_PROGRESS;
    }
    kmsg = list_entry(list_first(&port->mqueue.messages), struct ipc_kmsg, node);
    *sizep = kmsg->header.msgh_size;
    if (kmsg->header.msgh_size > rcv_size && (option & MACH_RCV_LARGE)) {
        *kmsgp = NULL;
        return MACH_RCV_TOO_LARGE;
    }
    *kmsgp = ipc_mqueue_dequeue(port);
    return kmsg->header.msgh_size > rcv_size ? MACH_RCV_TOO_LARGE : MACH_MSG_SUCCESS;
}

/*
 * The member of pset (space locked) whose oldest message arrived first
 * in the set, as GNU Mach's single set queue would give it, or NULL.
 */
static struct ipc_port *
ipc_mqueue_pset_oldest(struct ipc_space *space, struct ipc_pset *pset)
{
    struct ipc_port *port, *best = NULL;
    unsigned long best_stamp = 0;

    list_foreach_entry(&pset->members, port, pset_node) {
        spinlock_lock(&port->lock);
        if (port->active && port->receiver == space && !list_empty(&port->mqueue.messages)) {
            struct ipc_kmsg *kmsg = list_entry(list_first(&port->mqueue.messages),
                                               struct ipc_kmsg, node);

            if (best == NULL || (long)(kmsg->stamp - best_stamp) < 0) {
                best = port;
                best_stamp = kmsg->stamp;
            }
        }
        spinlock_unlock(&port->lock);
    }
    return best;
}

/*
 * Receive from the members of pset (a reference held): under the space
 * lock, the message that arrived first among the members' oldest ones.
 * Before sleeping, the set's count of queued messages must still be what
 * it was before the scan, under the set's lock that senders take to
 * raise it: no message queued meanwhile goes unseen.
 */
static mach_msg_return_t
ipc_mqueue_receive_pset(struct ipc_space *space, struct ipc_pset *pset, mach_msg_option_t option,
                        mach_msg_size_t rcv_size, bool poll, uint64_t deadline,
                        struct ipc_kmsg **kmsgp, mach_msg_size_t *sizep)
{
    struct ipc_port *port;
    unsigned long events;
    mach_msg_return_t mr;
    int error = 0;

    for (;;) {
        spinlock_lock(&pset->lock);
        events = pset->events;
        mr = pset->active ? MACH_RCV_IN_PROGRESS : MACH_RCV_PORT_DIED;
        spinlock_unlock(&pset->lock);
        if (mr != MACH_RCV_IN_PROGRESS) {
            return mr;
        }
        ipc_space_lock(space);
        port = ipc_mqueue_pset_oldest(space, pset);
        if (port != NULL) {
            spinlock_lock(&port->lock);
            mr = ipc_mqueue_try(space, port, option, rcv_size, kmsgp, sizep);
            spinlock_unlock(&port->lock);
        }
        ipc_space_unlock(space);
        if (mr != MACH_RCV_IN_PROGRESS) {
            if (*kmsgp != NULL) {
                ipc_mqueue_wakeup(ipc_mqueue_waitq((*kmsgp)->remote));     /* room for a sender */
            }
            return mr;
        }
        if (poll) {
            return MACH_RCV_TIMED_OUT;
        }
        spinlock_lock(&pset->lock);
        if (pset->events == events && pset->active) {
            error = ipc_mqueue_wait(pset, &pset->lock, deadline);
        }
        spinlock_unlock(&pset->lock);
        if (error != 0) {
            return error == THREAD_INTERRUPTED ? MACH_RCV_INTERRUPTED : MACH_RCV_TIMED_OUT;
        }
    }
}

mach_msg_return_t
ipc_mqueue_receive(struct ipc_space *space, mach_port_name_t name, mach_msg_option_t option,
                   mach_msg_size_t rcv_size, mach_msg_timeout_t timeout,
                   struct ipc_kmsg **kmsgp, mach_msg_size_t *sizep)
{
    bool timed = option & MACH_RCV_TIMEOUT;
    uint64_t deadline = ipc_mqueue_deadline(timed && timeout != 0, timeout);
    struct ipc_pset *pset;
    struct ipc_port *port;
    mach_msg_return_t mr;
    struct waitq *wq;
    kern_return_t kr;
    int error;

    *kmsgp = NULL;
    kr = ipc_right_port_of(space, name, MACH_PORT_TYPE_RECEIVE, &port);
    if (kr == KERN_INVALID_RIGHT && ipc_right_pset(space, name, &pset) == KERN_SUCCESS) {
        mr = ipc_mqueue_receive_pset(space, pset, option, rcv_size, timed && timeout == 0,
                                     deadline, kmsgp, sizep);
        ipc_pset_unref(pset);
        return mr;
    }
    if (kr != KERN_SUCCESS) {
        return MACH_RCV_INVALID_NAME;
    }
    wq = ipc_mqueue_waitq(port);
    spinlock_lock(&port->lock);
    for (;;) {
        if (port->pset != NULL) {
            mr = MACH_RCV_IN_SET;       /* a member is received through its set */
            break;
        }
        mr = ipc_mqueue_try(space, port, option, rcv_size, kmsgp, sizep);
        if (mr != MACH_RCV_IN_PROGRESS) {
            break;
        }
        if (timed && timeout == 0) {
            mr = MACH_RCV_TIMED_OUT;
            break;
        }
        error = ipc_mqueue_wait(port, &port->lock, deadline);
        if (error != 0) {
            mr = error == THREAD_INTERRUPTED ? MACH_RCV_INTERRUPTED : MACH_RCV_TIMED_OUT;
            break;
        }
    }
    spinlock_unlock(&port->lock);
    if (*kmsgp != NULL) {
        ipc_mqueue_wakeup(wq);  /* room for a blocked sender */
    }
    ipc_port_unref(port);
    return mr;
}

mach_msg_return_t
ipc_mqueue_receive_kernel(struct ipc_port *port, struct ipc_kmsg **kmsgp)
{
    mach_msg_return_t mr;

    *kmsgp = NULL;
    spinlock_lock(&port->lock);
    assert(port->receiver == NULL && port->kotype == IPC_KOBJECT_NONE && port->pset == NULL);
    for (;;) {
        if (!list_empty(&port->mqueue.messages)) {
            *kmsgp = ipc_mqueue_dequeue(port);
            mr = MACH_MSG_SUCCESS;
            break;
        }
        if (!port->active || (port->sorights == 0 && port->srights == 0)) {
            mr = MACH_RCV_PORT_DIED;
            break;
        }
        if (waitq_sleep_intr(ipc_mqueue_waitq(port), &port->lock) == THREAD_INTERRUPTED) {
            mr = MACH_RCV_INTERRUPTED;
            break;
        }
    }
    spinlock_unlock(&port->lock);
    if (*kmsgp != NULL) {
        /* Delivered: the destination right is used up, as copyout uses it. */
        ipc_right_release_send((*kmsgp)->remote, MACH_MSGH_BITS_REMOTE((*kmsgp)->header.msgh_bits));
        (*kmsgp)->remote = NULL;
    }
    return mr;
}

void
ipc_mqueue_pset_add(struct ipc_pset *pset, struct ipc_port *port)
{
    struct ipc_kmsg *kmsg;

    spinlock_lock(&port->lock);
    assert(port->pset == NULL && port->active);
    spinlock_lock(&pset->lock);
    list_insert_tail(&pset->members, &port->pset_node);
    port->pset = pset;
    pset->events++;             /* its queued messages are the set's now, arriving now */
    list_foreach_entry(&port->mqueue.messages, kmsg, node) {
        kmsg->stamp = pset->events++;
    }
    spinlock_unlock(&pset->lock);
    spinlock_unlock(&port->lock);
    ipc_mqueue_wakeup(ipc_mqueue_waitq(pset));
    ipc_mqueue_wakeup(ipc_mqueue_waitq(port));     /* its own receivers: MACH_RCV_IN_SET */
}

void
ipc_mqueue_pset_remove(struct ipc_port *port)
{
    struct ipc_pset *pset;

    spinlock_lock(&port->lock);
    pset = port->pset;
    if (pset != NULL) {
        spinlock_lock(&pset->lock);
        list_remove(&port->pset_node);
        port->pset = NULL;
        spinlock_unlock(&pset->lock);
    }
    spinlock_unlock(&port->lock);
}

void
ipc_mqueue_pset_destroy(struct ipc_pset *pset)
{
    while (!list_empty(&pset->members)) {
        ipc_mqueue_pset_remove(list_entry(list_first(&pset->members), struct ipc_port,
                                          pset_node));
    }
    spinlock_lock(&pset->lock);
    pset->active = false;
    spinlock_unlock(&pset->lock);
    ipc_mqueue_wakeup(ipc_mqueue_waitq(pset));
    ipc_pset_unref(pset);
}

void
ipc_mqueue_port_died(struct ipc_port *port, struct list *dying)
{
    struct ipc_kmsg *kmsg;

    spinlock_lock(&port->lock);
    assert(!port->active);
    while (!list_empty(&port->mqueue.messages)) {
        kmsg = list_entry(list_first(&port->mqueue.messages), struct ipc_kmsg, node);
        list_remove(&kmsg->node);
        list_insert_tail(dying, &kmsg->node);
    }
    port->mqueue.nr_messages = 0;
    spinlock_unlock(&port->lock);
    ipc_mqueue_wakeup(ipc_mqueue_waitq(port));
}
