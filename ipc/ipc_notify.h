/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Port notifications (doc/ipc.md, "Notifications"): the messages the
 * kernel builds and queues about ports, as GNU Mach does, and
 * mach_port_request_notification.
 *
 * A notification goes through a send-once right: one registered by
 * mach_port_request_notification (dead-name, no-senders,
 * port-destroyed), the destroyed send-once right itself (send-once), or
 * a dead-name request's right when its name loses its rights
 * (port-deleted). Sending one never blocks and never fails the
 * operation that caused it: it is queued past the queue limit, and when
 * memory is out it is lost, its right released, and counted
 * (ipc_notify_stats_get()). A notification for a dead port, or a
 * kernel-object port, is dropped the same way (nobody can receive it).
 *
 * Locking: the ipc_notify_*() senders take the destination's port lock
 * (and destroy messages, ipc/ipc_kmsg.h, when the destination died): the
 * caller may hold a space lock, never a port lock.
 */
#ifndef IPC_IPC_NOTIFY_H
#define IPC_IPC_NOTIFY_H

#include <include/mach/kern_return.h>
#include <include/mach/message.h>
#include <include/mach/notify.h>
#include <include/mach/port.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_space.h>
#include <kern/list.h>

/*
 * A dead-name request: when port dies, notify gets a dead-name
 * notification for name in space. On the port's dnrequests list, under
 * the port lock; the entry of name has dnrequest set (ipc/ipc_entry.h).
 */
struct ipc_notify_dnrequest {
    struct list node;
    struct ipc_space *space;
    mach_port_name_t name;
    struct ipc_port *notify;        /* a send-once right */
};

/* Counters, for reports and leak checks. */
struct ipc_notify_stats {
    unsigned long sent;             /* queued on their port */
    unsigned long dropped;          /* their port was dead or a kernel object */
    unsigned long lost;             /* no memory for the message */
    unsigned long nr_dnrequests;    /* dead-name requests registered now */
};

/* Create the kmem cache of dead-name requests. Once, after kmem_setup(). */
void ipc_notify_setup(void);

/*
 * mach_port_request_notification (3214), GNU Mach's kernel routine:
 * register notify, a send-once right the caller took from the
 * requester (NULL cancels), for notification id on name in task, and
 * return the request it replaces in *previous (a send-once right, or
 * NULL):
 *  - MACH_NOTIFY_PORT_DESTROYED: name holds a receive right; sync must
 *    be 0 (else KERN_INVALID_VALUE).
 *  - MACH_NOTIFY_NO_SENDERS: name holds a receive right. When the port
 *    has no send right and sync <= its make-send count, the
 *    notification is sent at once (and nothing stays armed).
 *  - MACH_NOTIFY_DEAD_NAME: name holds a receive, send or send-once
 *    right. On a dead name, with sync != 0 and notify not NULL, the
 *    dead-name notification is sent at once and the name gets one more
 *    user reference (KERN_UREFS_OVERFLOW at the limit); otherwise a dead
 *    name is KERN_INVALID_ARGUMENT. A port set is KERN_INVALID_RIGHT.
 * Other ids are KERN_INVALID_VALUE; IPC_PORT_DEAD as notify is
 * KERN_INVALID_CAPABILITY; a NULL or dying task KERN_INVALID_TASK; no
 * such name KERN_INVALID_NAME; no receive right (port-destroyed,
 * no-senders) KERN_INVALID_RIGHT; no memory for a dead-name request
 * KERN_RESOURCE_SHORTAGE. On success notify is consumed (armed or
 * used); on failure the caller still holds it (and *previous is NULL).
 * Takes the space lock and port locks.
 */
kern_return_t mach_port_request_notification(ipc_space_t task, mach_port_name_t name,
                                             mach_msg_id_t id, mach_port_mscount_t sync,
                                             ipc_port_t notify, ipc_port_t *previous);

/*
 * mach_port_set_mscount: set the make-send count of the port whose
 * receive right name holds. Returns KERN_SUCCESS, KERN_INVALID_NAME,
 * KERN_INVALID_RIGHT or KERN_INVALID_TASK. Takes the space and port locks.
 */
kern_return_t ipc_notify_set_mscount(struct ipc_space *space, mach_port_name_t name,
                                     mach_port_mscount_t mscount);

/*
 * The notifications. Each consumes the send-once right it is sent
 * through (notify, or port for send-once), valid.
 */

/* MACH_NOTIFY_PORT_DELETED: the dead-name request for name was cancelled with its right. */
void ipc_notify_port_deleted(struct ipc_port *notify, mach_port_name_t name);

/* MACH_NOTIFY_DEAD_NAME: the port name denoted died. */
void ipc_notify_dead_name(struct ipc_port *notify, mach_port_name_t name);

/* MACH_NOTIFY_MSG_ACCEPTED: a message sent with MACH_SEND_NOTIFY through name left its queue. */
void ipc_notify_msg_accepted(struct ipc_port *notify, mach_port_name_t name);

/* MACH_NOTIFY_NO_SENDERS: the last send right of the requester's port went. */
void ipc_notify_no_senders(struct ipc_port *notify, mach_port_mscount_t mscount);

/*
 * MACH_NOTIFY_SEND_ONCE: a send-once right for port is destroyed unused,
 * and carries this notification to port instead (dropped if port died).
 */
void ipc_notify_send_once(struct ipc_port *port);

/*
 * MACH_NOTIFY_PORT_DESTROYED: port's receive right (port active, with no
 * receiver, the caller's reference standing for the right) goes to
 * notify in a message. Returns true when it did; false, with notify
 * released and nothing else changed, when it cannot (notify dead or a
 * kernel object, the message would be circular, or memory is out): the
 * caller then kills the port. Used by ipc_port_destroy().
 */
bool ipc_notify_port_destroyed(struct ipc_port *notify, struct ipc_port *port);

/*
 * port died: send a dead-name notification for each request on dnrequests
 * (taken off the port), and free the requests. Used by ipc_port_destroy().
 */
void ipc_notify_dnrequests_fire(struct list *dnrequests);

/*
 * Dead-name requests on the entry side, for ipc/ipc_right.c: space
 * locked, port unlocked; the caller keeps the entry's dnrequest flag.
 *
 * ipc_notify_dnrequest_arm: register notify (valid) for name in space on
 * port, replacing the request already there, whose right goes to
 * *previousp (else NULL). Returns KERN_SUCCESS, KERN_RESOURCE_SHORTAGE,
 * or KERN_INVALID_CAPABILITY when port is dead (nothing registered).
 *
 * ipc_notify_dnrequest_cancel: the right of name for port goes: remove
 * its request and return the request's send-once right (the caller sends
 * it ipc_notify_port_deleted()), or NULL when the port died meanwhile
 * (the dead-name notification went then).
 *
 * ipc_notify_dnrequest_rename: the entry of space named old_name is now
 * named new_name.
 */
kern_return_t ipc_notify_dnrequest_arm(struct ipc_space *space, mach_port_name_t name,
                                       struct ipc_port *port, struct ipc_port *notify,
                                       struct ipc_port **previousp);
struct ipc_port *ipc_notify_dnrequest_cancel(struct ipc_space *space, mach_port_name_t name,
                                             struct ipc_port *port);
void ipc_notify_dnrequest_rename(struct ipc_space *space, mach_port_name_t old_name,
                                 mach_port_name_t new_name, struct ipc_port *port);

/* Copy the counters into *stats. Lock-free snapshot. */
void ipc_notify_stats_get(struct ipc_notify_stats *stats);

#endif /* IPC_IPC_NOTIFY_H */
