/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rights in an IPC space, with Mach semantics: the operations behind
 * mach_port_allocate, mach_port_allocate_name, mach_port_insert_right,
 * mach_port_type, mach_port_get_refs, mach_port_mod_refs,
 * mach_port_deallocate, mach_port_destroy, mach_port_rename and
 * mach_port_names, on a struct ipc_space instead of a task port.
 *
 * Each function takes the space lock (and port locks after it) for its
 * whole run, and returns KERN_INVALID_TASK once the space is being
 * destroyed. A send or send-once right whose port died is seen as a dead
 * name (and converted to one, keeping its user references) by every
 * function that looks at a name. Names MACH_PORT_NULL and MACH_PORT_DEAD
 * denote no right: looking one up gives KERN_INVALID_NAME, asking for
 * one as a new name KERN_INVALID_VALUE. Nothing here panics on bad
 * input or lack of memory.
 */
#ifndef IPC_IPC_RIGHT_H
#define IPC_IPC_RIGHT_H

#include <stdbool.h>

#include <include/mach/kern_return.h>
#include <include/mach/message.h>
#include <include/mach/port.h>
#include <ipc/ipc_entry.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_space.h>

/*
 * mach_port_allocate: a new right of kind right (MACH_PORT_RIGHT_RECEIVE
 * makes a new port, PORT_SET a new port set, DEAD_NAME a dead name with
 * one user reference) at the lowest free name, stored in *namep. Returns
 * KERN_SUCCESS, KERN_INVALID_VALUE for another right,
 * KERN_RESOURCE_SHORTAGE, KERN_NO_SPACE (no name left) or
 * KERN_INVALID_TASK.
 */
kern_return_t ipc_right_alloc(struct ipc_space *space, mach_port_right_t right,
                              mach_port_name_t *namep);

/*
 * mach_port_allocate_name: the same at name. Also KERN_INVALID_VALUE for
 * an invalid name, KERN_NAME_EXISTS when name is in use.
 */
kern_return_t ipc_right_alloc_name(struct ipc_space *space, mach_port_right_t right,
                                   mach_port_name_t name);

/*
 * mach_port_insert_right, for a right the kernel makes: give space a new
 * send right (right MACH_PORT_RIGHT_SEND) or send-once right
 * (MACH_PORT_RIGHT_SEND_ONCE) for port, named name. A send right joins
 * the send or receive right that name already holds for port (one more
 * user reference). Returns KERN_SUCCESS, KERN_INVALID_VALUE (another
 * right, an invalid name), KERN_INVALID_CAPABILITY (port dead),
 * KERN_RIGHT_EXISTS (space names port otherwise), KERN_NAME_EXISTS,
 * KERN_UREFS_OVERFLOW, KERN_RESOURCE_SHORTAGE or KERN_INVALID_TASK.
 */
kern_return_t ipc_right_insert(struct ipc_space *space, mach_port_name_t name,
                               struct ipc_port *port, mach_port_right_t right);

/*
 * As ipc_right_insert(), at the name space already uses for port (send
 * right), else at the lowest free name, stored in *namep: what receiving
 * a right in a message does. Errors as ipc_right_insert(), and
 * KERN_NO_SPACE; never KERN_RIGHT_EXISTS or KERN_NAME_EXISTS.
 */
kern_return_t ipc_right_copyout(struct ipc_space *space, struct ipc_port *port,
                                mach_port_right_t right, mach_port_name_t *namep);

/*
 * mach_port_insert_right for a receive right a message carried (port
 * valid, receiverless): it lands in space under name, joining the send
 * rights name holds for port. On success the message's right is
 * consumed. Returns KERN_SUCCESS, KERN_INVALID_VALUE (name invalid),
 * KERN_RIGHT_EXISTS (space holds send rights for port under another
 * name), KERN_NAME_EXISTS (name in use), KERN_RESOURCE_SHORTAGE or
 * KERN_INVALID_TASK, with nothing changed. Takes the space lock and
 * the port lock.
 */
kern_return_t ipc_right_insert_receive(struct ipc_space *space, mach_port_name_t name,
                                       struct ipc_port *port);

/*
 * The port that name holds a receive, send or send-once right for, with
 * a new reference for the caller (ipc_port_unref() it). Returns
 * KERN_SUCCESS, KERN_INVALID_NAME, KERN_INVALID_RIGHT (port set or dead
 * name) or KERN_INVALID_TASK.
 */
kern_return_t ipc_right_port(struct ipc_space *space, mach_port_name_t name,
                             struct ipc_port **portp);

/*
 * As ipc_right_port(), but name must hold one of the rights in types
 * (MACH_PORT_TYPE_SEND, _RECEIVE, _SEND_ONCE bits), else
 * KERN_INVALID_RIGHT: e.g. MACH_PORT_TYPE_SEND for what a message's
 * COPY_SEND would take.
 */
kern_return_t ipc_right_port_of(struct ipc_space *space, mach_port_name_t name,
                                mach_port_type_t types, struct ipc_port **portp);

/*
 * mach_port_type: the MACH_PORT_TYPE_* bits of name in *typep. Returns
 * KERN_SUCCESS, KERN_INVALID_NAME or KERN_INVALID_TASK.
 */
kern_return_t ipc_right_type(struct ipc_space *space, mach_port_name_t name,
                             mach_port_type_t *typep);

/*
 * mach_port_get_refs: the user references name holds on right in
 * *refsp: urefs for send rights and dead names, 1 for a receive right,
 * a send-once right or a port set, 0 when name lacks the right. Returns
 * KERN_SUCCESS, KERN_INVALID_VALUE (no such right), KERN_INVALID_NAME or
 * KERN_INVALID_TASK.
 */
kern_return_t ipc_right_get_refs(struct ipc_space *space, mach_port_name_t name,
                                 mach_port_right_t right, mach_port_urefs_t *refsp);

/*
 * mach_port_mod_refs: add delta to the user references of right under
 * name. For receive, send-once rights and port sets delta is 0 or -1
 * (-1 destroys the right: a port dies, and send rights under the same
 * name become a dead name); for send rights and dead names the result
 * must lie in 0..MACH_PORT_UREFS_MAX, 0 releasing the right. A name left
 * with no right is freed. Returns KERN_SUCCESS, KERN_INVALID_NAME,
 * KERN_INVALID_RIGHT (name lacks the right), KERN_INVALID_VALUE (bad
 * right or delta, references below 0), KERN_UREFS_OVERFLOW or
 * KERN_INVALID_TASK.
 */
kern_return_t ipc_right_mod_refs(struct ipc_space *space, mach_port_name_t name,
                                 mach_port_right_t right, mach_port_delta_t delta);

/*
 * mach_port_deallocate: release one user reference of the send right,
 * send-once right or dead name under name. Returns KERN_SUCCESS,
 * KERN_INVALID_NAME, KERN_INVALID_RIGHT (a receive right or port set
 * alone) or KERN_INVALID_TASK.
 */
kern_return_t ipc_right_deallocate(struct ipc_space *space, mach_port_name_t name);

/*
 * mach_port_destroy: release every right under name, whatever its
 * references (a receive right: the port dies), and free the name.
 * Returns KERN_SUCCESS, KERN_INVALID_NAME or KERN_INVALID_TASK.
 */
kern_return_t ipc_right_destroy(struct ipc_space *space, mach_port_name_t name);

/*
 * mach_port_rename: move the rights of old_name to new_name. Returns
 * KERN_SUCCESS, KERN_INVALID_VALUE (new_name invalid), KERN_INVALID_NAME
 * (old_name denotes nothing), KERN_NAME_EXISTS (new_name in use, old_name
 * itself included), KERN_RESOURCE_SHORTAGE or KERN_INVALID_TASK.
 */
kern_return_t ipc_right_rename(struct ipc_space *space, mach_port_name_t old_name,
                               mach_port_name_t new_name);

/*
 * mach_port_names: the names of space in increasing order, with their
 * types: the first max of them go to names[] and types[], and *countp
 * gets how many there are. Returns KERN_SUCCESS or KERN_INVALID_TASK.
 */
kern_return_t ipc_right_names(struct ipc_space *space, mach_port_name_t *names,
                              mach_port_type_t *types, unsigned long max,
                              unsigned long *countp);

/*
 * The port set name denotes, with a new reference for the caller
 * (ipc_pset_unref() it). Returns KERN_SUCCESS, KERN_INVALID_NAME,
 * KERN_INVALID_RIGHT (not a port set) or KERN_INVALID_TASK.
 */
kern_return_t ipc_right_pset(struct ipc_space *space, mach_port_name_t name,
                             struct ipc_pset **psetp);

/*
 * mach_port_move_member: move the receive right member into the port
 * set after, out of the set it was in, if any; after MACH_PORT_NULL
 * only takes it out. Returns KERN_SUCCESS, KERN_INVALID_NAME (either
 * name denotes nothing), KERN_INVALID_RIGHT (member not a receive right,
 * after not a port set), KERN_NOT_IN_SET (taking out a port in no set)
 * or KERN_INVALID_TASK. Takes the space lock, then port and set locks.
 */
kern_return_t ipc_right_move_member(struct ipc_space *space, mach_port_name_t member,
                                    mach_port_name_t after);

/*
 * mach_port_get_set_status: the names of the receive rights in the port
 * set name, in the set's order: the first max of them go to names[],
 * and *countp gets how many there are. Returns KERN_SUCCESS,
 * KERN_INVALID_NAME, KERN_INVALID_RIGHT (not a port set) or
 * KERN_INVALID_TASK. Takes the space lock (it keeps members stable).
 */
kern_return_t ipc_right_pset_members(struct ipc_space *space, mach_port_name_t name,
                                     mach_port_name_t *names, unsigned long max,
                                     unsigned long *countp);

/* What mach_port_get_receive_status reports of a port. */
struct ipc_right_receive_status {
    mach_port_name_t pset;          /* the name of its port set, or MACH_PORT_NULL */
    mach_port_seqno_t seqno;
    mach_port_mscount_t mscount;
    unsigned int qlimit;
    unsigned int msgcount;
    unsigned int sorights;
    bool srights;                   /* any send right exists */
    bool pdrequest;                 /* a port-destroyed request is armed */
    bool nsrequest;                 /* a no-senders request is armed */
};

/*
 * mach_port_get_receive_status: the state of the port whose receive
 * right name holds, in *status. Returns KERN_SUCCESS, KERN_INVALID_NAME,
 * KERN_INVALID_RIGHT or KERN_INVALID_TASK. Takes the space lock and the
 * port lock; finding the set's name walks the space's names.
 */
kern_return_t ipc_right_receive_status(struct ipc_space *space, mach_port_name_t name,
                                       struct ipc_right_receive_status *status);

/*
 * The dead-name part of mach_port_request_notification
 * (ipc/ipc_notify.h): register notify (a send-once right; NULL cancels)
 * for the death of the port name holds a receive, send or send-once
 * right for, the previous request's right in *previousp (else NULL). On
 * a dead name, with immediate and notify not NULL, the notification goes
 * at once and the name gains a user reference. Returns KERN_SUCCESS
 * (notify consumed), or with nothing changed KERN_INVALID_NAME,
 * KERN_INVALID_RIGHT (port set), KERN_INVALID_ARGUMENT (dead name
 * otherwise), KERN_UREFS_OVERFLOW, KERN_RESOURCE_SHORTAGE or
 * KERN_INVALID_TASK. Takes the space lock and port locks.
 */
kern_return_t ipc_right_dnrequest(struct ipc_space *space, mach_port_name_t name,
                                  bool immediate, struct ipc_port *notify,
                                  struct ipc_port **previousp);

/*
 * Release every right of entry and free it (ipc_space_destroy()), with
 * the notifications that causes (port-deleted, no-senders, send-once,
 * those of the death of a port it received). Space locked. Cannot fail.
 */
void ipc_right_clean(struct ipc_space *space, struct ipc_entry *entry);

/*
 * Rights moving through messages (ipc/ipc_kmsg.c). A right carried by a
 * message holds what a right in a space holds: one port reference, and
 * one count in the port's srights or sorights; a receive right in a
 * message leaves its port without a receiver (receiver NULL, active).
 */

/*
 * Take the rights that a message header names out of space, as the
 * dispositions say (MACH_MSG_TYPE_MOVE_SEND .. MAKE_SEND_ONCE, checked
 * by the caller), both or neither: the destination dest_name with
 * dest_disp into *destp, and the reply right reply_name with reply_disp
 * into *replyp (reply_disp 0: none, *replyp NULL). A reply name of
 * MACH_PORT_NULL or MACH_PORT_DEAD gives NULL or IPC_PORT_DEAD, and so
 * does a dead name (a move takes one of its user references). The two
 * names may be the same: two MOVE_SENDs then need two user references,
 * and MOVE_SEND_ONCE is refused. Returns MACH_MSG_SUCCESS, or with
 * nothing changed, in GNU Mach's order: MACH_SEND_INVALID_DEST when
 * dest_name denotes nothing, MACH_SEND_INVALID_REPLY when the reply
 * right is missing or of the wrong kind, MACH_SEND_INVALID_DEST when the
 * destination right is of the wrong kind or a dead name (or the space
 * is being destroyed). cancel_name (MACH_SEND_CANCEL; MACH_PORT_NULL:
 * none) must name a receive right of space, else MACH_SEND_INVALID_NOTIFY
 * first of all; a port-deleted notification the destination's copyin
 * would send to that port is dropped. Takes the space lock and port locks.
 */
mach_msg_return_t ipc_right_copyin_header(struct ipc_space *space, mach_port_name_t dest_name,
                                          mach_msg_type_name_t dest_disp,
                                          mach_port_name_t reply_name,
                                          mach_msg_type_name_t reply_disp,
                                          mach_port_name_t cancel_name,
                                          struct ipc_port **destp, struct ipc_port **replyp);

/*
 * Take the right name denotes out of space as disposition says
 * (MOVE_RECEIVE .. MAKE_SEND_ONCE), into *portp: what a port item of a
 * message body does. MACH_PORT_NULL and MACH_PORT_DEAD give NULL and
 * IPC_PORT_DEAD without a lookup; a dead name, for MOVE_SEND, COPY_SEND
 * or MOVE_SEND_ONCE, gives IPC_PORT_DEAD (a move takes one of its user
 * references). Returns KERN_SUCCESS, or with nothing changed
 * KERN_INVALID_NAME, KERN_INVALID_RIGHT or KERN_INVALID_TASK. Takes the
 * space lock and a port lock.
 */
kern_return_t ipc_right_copyin(struct ipc_space *space, mach_port_name_t name,
                               mach_msg_type_name_t disposition, struct ipc_port **portp);

/*
 * Give space the right a message carried for port (type
 * MACH_MSG_TYPE_PORT_SEND, PORT_SEND_ONCE or PORT_RECEIVE; port valid),
 * and its name in *namep: a send right joins the name space already
 * uses for port (or stays at MACH_PORT_UREFS_MAX user references there),
 * anything else gets the lowest free name. On success the message's
 * right is consumed; a send or send-once right to a dead port is then
 * released and named MACH_PORT_DEAD. On failure nothing changes and the
 * caller still holds the right (ipc_kmsg_release_right() releases it):
 * KERN_RESOURCE_SHORTAGE, KERN_NO_SPACE or KERN_INVALID_TASK. Takes the
 * space lock and a port lock.
 */
kern_return_t ipc_right_copyout_msg(struct ipc_space *space, struct ipc_port *port,
                                    mach_msg_type_name_t type, mach_port_name_t *namep);

/*
 * ipc_right_copyout_msg() for a message's reply right (send or
 * send-once) under MACH_RCV_NOTIFY: when the right gets a new name,
 * notify (a send-once right, or NULL) becomes that name's dead-name
 * request, as GNU Mach arms it. notify is always consumed: armed, sent
 * at once if the port died meanwhile, or released unused (the right
 * joined a name space already had, or went dead, or failed). Takes the
 * space lock and port locks.
 */
kern_return_t ipc_right_copyout_reply(struct ipc_space *space, struct ipc_port *port,
                                      mach_msg_type_name_t type, struct ipc_port *notify,
                                      mach_port_name_t *namep);

/*
 * Release a send (MACH_MSG_TYPE_PORT_SEND) or send-once right a message
 * carried for port (valid): the count and the reference go. A send right
 * that was the port's last sends its no-senders notification, if one is
 * armed. A send-once right goes without a notification: this is for a
 * right consumed (its message delivered, its port dead); one destroyed
 * unused goes through ipc_notify_send_once(). Takes the port lock.
 * Receive rights are released by ipc_kmsg, which also destroys the
 * messages queued on the dying port.
 */
void ipc_right_release_send(struct ipc_port *port, mach_msg_type_name_t type);

/*
 * Make one more right of kind type (MACH_MSG_TYPE_PORT_SEND or
 * PORT_SEND_ONCE) for port, which the caller keeps alive: its count and
 * a reference, held as a message holds a right. What the kernel does
 * for a right it sends (MAKE_SEND, COPY_SEND, MAKE_SEND_ONCE in a
 * kernel-built message, a port a kernel RPC returns). Takes the port
 * lock. Cannot fail.
 */
void ipc_right_make(struct ipc_port *port, mach_msg_type_name_t type);

/*
 * MACH_SEND_NOTIFY: a msg-accepted request for a message to dest that a
 * full queue would hold up, in *reqp (the message's reference): its
 * notification goes to a send-once right made from the receive right
 * notify names, for space's name of dest (MACH_PORT_NULL if it has
 * none), which is marked until then. Returns MACH_MSG_SUCCESS, or with
 * nothing changed MACH_SEND_NOTIFY_IN_PROGRESS (that name has a request
 * pending), MACH_SEND_INVALID_NOTIFY (notify is no receive right), both
 * in GNU Mach's order, MACH_SEND_NO_NOTIFY (no memory; GNU Mach checks
 * memory first) or
 * MACH_SEND_INVALID_DEST (space dying). Takes the space lock and port
 * locks.
 */
struct ipc_marequest;
mach_msg_return_t ipc_right_marequest(struct ipc_space *space, struct ipc_port *dest,
                                      mach_port_name_t notify, struct ipc_marequest **reqp);

#endif /* IPC_IPC_RIGHT_H */
