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

#include <include/mach/kern_return.h>
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
 * Release every right of entry and free it (ipc_space_destroy()). Space
 * locked. Cannot fail.
 */
void ipc_right_clean(struct ipc_space *space, struct ipc_entry *entry);

#endif /* IPC_IPC_RIGHT_H */
