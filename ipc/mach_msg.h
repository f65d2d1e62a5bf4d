/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mach_msg_trap (trap -25): send a message, receive one, or both in one
 * call, with GNU Mach's semantics (doc/ipc.md, "mach_msg";
 * MACH-ABI.md 2.4-2.6).
 */
#ifndef IPC_MACH_MSG_H
#define IPC_MACH_MSG_H

#include <stdint.h>

#include <include/mach/message.h>

/*
 * The trap, for the calling thread's task (a thread of no task gets
 * MACH_SEND_INVALID_DEST or MACH_RCV_INVALID_NAME; an option with
 * neither phase returns MACH_MSG_SUCCESS). msg is the user buffer: the
 * message to send (send_size bytes) and the place of the one received
 * (at most rcv_size bytes). option: MACH_SEND_MSG, MACH_RCV_MSG,
 * MACH_SEND_TIMEOUT and MACH_RCV_TIMEOUT (timeout in milliseconds, for
 * both phases), MACH_RCV_LARGE; the notify options and notify are not
 * implemented yet and ignored. The receive phase runs only after a
 * successful send. Returns a mach_msg_return_t: MACH_MSG_SUCCESS,
 * MACH_SEND_NO_BUFFER (send_size beyond IPC_KMSG_MAX_SIZE, or memory
 * out), MACH_SEND_INVALID_DATA (msg unreadable), any error of
 * ipc_kmsg_copyin() or ipc_mqueue_send() (a message that timed out or
 * was interrupted is given back: its rights return to the sender's space
 * and it is written back to msg), then any error of
 * ipc_mqueue_receive(), MACH_RCV_INVALID_DATA (msg unwritable: the
 * message is lost, its rights stay with the receiver), or the header and
 * body errors of ipc_kmsg_copyout(). Thread context, may sleep.
 */
mach_msg_return_t mach_msg_trap(uintptr_t msg, mach_msg_option_t option,
                                mach_msg_size_t send_size, mach_msg_size_t rcv_size,
                                mach_port_name_t rcv_name, mach_msg_timeout_t timeout,
                                mach_port_name_t notify);

#endif /* IPC_MACH_MSG_H */
