/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Message queues: the messages sent to a port and not yet received, the
 * threads waiting for them, and the senders waiting for room
 * (doc/ipc.md, "Queues"; MACH-ABI.md 2.4).
 *
 * A queue is a list of kmsgs, so it holds any number of messages up to
 * the port's qlimit (5 by default) without a table. A send blocks while
 * the queue holds qlimit messages or more, except a send through a
 * send-once right, which never blocks. Receivers take the oldest message
 * and number it with the port's sequence number.
 *
 * Locking: the queue is under its port's lock. Waiting threads sleep
 * interruptibly on one of a small array of wait queues chosen by the
 * port's address (thread_interrupt() ends the wait: MACH_SEND_INTERRUPTED,
 * MACH_RCV_INTERRUPTED); every change of a queue wakes its bucket, and
 * sleepers check their condition again. Timeouts are counted in clock
 * ticks (10 ms): a timed wait sleeps a tick at a time.
 */
#ifndef IPC_IPC_MQUEUE_H
#define IPC_IPC_MQUEUE_H

#include <include/mach/message.h>
#include <ipc/ipc_kmsg.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_space.h>
#include <kern/list.h>

/* Initialize the wait queues. Once, before the first message. */
void ipc_mqueue_setup(void);

/*
 * Queue kmsg (copied in) on its destination port, waiting while the
 * queue is full unless the destination right is send-once. option's
 * MACH_SEND_TIMEOUT bounds the wait to timeout milliseconds (0: do not
 * wait). A dead destination destroys the message and returns
 * MACH_MSG_SUCCESS, as GNU Mach does; so does a circular message (one
 * carrying a receive right whose queue it would end up in, see
 * ipc_port_transit_set()), which no one could ever receive. Returns MACH_MSG_SUCCESS (kmsg
 * then belongs to the queue, or was destroyed), or MACH_SEND_TIMED_OUT
 * or MACH_SEND_INTERRUPTED with kmsg still the caller's.
 * A message to a kernel-object port is handled at once by
 * ipc_kobject_server(), whose result this returns (kmsg consumed).
 * MACH_SEND_ALWAYS (kernel replies) queues past qlimit without waiting.
 * Takes the port lock; may sleep.
 */
mach_msg_return_t ipc_mqueue_send(struct ipc_kmsg *kmsg, mach_msg_option_t option,
                                  mach_msg_timeout_t timeout);

/*
 * Receive from the port whose receive right space names name: take its
 * oldest message, waiting for one. option's MACH_RCV_TIMEOUT bounds the
 * wait to timeout milliseconds (0: poll). A message larger than
 * rcv_size is MACH_RCV_TOO_LARGE: with MACH_RCV_LARGE it stays queued
 * and *kmsgp is NULL, and *sizep gets its size; otherwise it is taken
 * all the same (the caller gives the receiver its header only). On
 * MACH_MSG_SUCCESS and that MACH_RCV_TOO_LARGE, *kmsgp holds the message
 * with msgh_seqno set. Other results: MACH_RCV_INVALID_NAME (no receive
 * right or port set), MACH_RCV_IN_SET (the port is a member of a set:
 * receive through the set), MACH_RCV_TIMED_OUT, MACH_RCV_INTERRUPTED,
 * MACH_RCV_PORT_DIED (the right or set was destroyed during the wait),
 * MACH_RCV_PORT_CHANGED (it moved to another space or into a set). A
 * port set's receive takes the message that arrived first in the set,
 * whichever member it is queued on.
 * Takes the space and port locks; may sleep.
 */
mach_msg_return_t ipc_mqueue_receive(struct ipc_space *space, mach_port_name_t name,
                                     mach_msg_option_t option, mach_msg_size_t rcv_size,
                                     mach_msg_timeout_t timeout, struct ipc_kmsg **kmsgp,
                                     mach_msg_size_t *sizep);

/*
 * Receive for the kernel from port, a port the kernel made with
 * ipc_port_create(NULL, MACH_PORT_NULL) and whose receive right it
 * keeps (a reply port: kern/exception.c): take its oldest message into
 * *kmsgp, waiting interruptibly for one. The message's destination right
 * is consumed, as a receiver's copyout consumes it (remote NULL):
 * destroying the kmsg afterwards sends no send-once notification. A
 * send-once right to the port destroyed unused arrives as such a
 * notification (MACH_NOTIFY_SEND_ONCE, ipc/ipc_notify.h), as in GNU
 * Mach, where it reads as a reply with the wrong id. Returns MACH_MSG_SUCCESS,
 * MACH_RCV_PORT_DIED when the port died or no send or send-once right
 * to it is left (nobody can send: ipc_right wakes the waiter when the
 * last send-once right goes), or MACH_RCV_INTERRUPTED (thread_interrupt(),
 * an AST pending). Takes the port lock; may sleep.
 */
mach_msg_return_t ipc_mqueue_receive_kernel(struct ipc_port *port, struct ipc_kmsg **kmsgp);

/*
 * port died (ipc_port_destroy() done): move its queued messages to the
 * end of dying, for the caller to destroy, and wake every thread waiting
 * on it. Takes the port lock.
 */
void ipc_mqueue_port_died(struct ipc_port *port, struct list *dying);

/*
 * Port sets. Membership changes hold the space lock; these take the
 * port and set locks. Add port (active, in no set) to pset; remove port
 * from its set, if any; destroy pset's membership (every member leaves,
 * the set turns inactive, its waiting receivers see MACH_RCV_PORT_DIED)
 * and drop the space's reference.
 */
void ipc_mqueue_pset_add(struct ipc_pset *pset, struct ipc_port *port);
void ipc_mqueue_pset_remove(struct ipc_port *port);
void ipc_mqueue_pset_destroy(struct ipc_pset *pset);

/*
 * Wake the threads waiting on port to look at it again: its receive
 * right just left its space (receivers see MACH_RCV_PORT_CHANGED), or
 * its queue limit grew (blocked senders may fit). Any lock may be held
 * but the wait queues' own.
 */
void ipc_mqueue_changed(const struct ipc_port *port);

#endif /* IPC_IPC_MQUEUE_H */
