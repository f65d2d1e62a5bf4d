/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Messages to kernel-object ports: the kernel's side of an RPC to a
 * task, thread, host or device-master port (doc/ipc.md, "Kernel
 * objects"; MACH-ABI.md 3.2).
 *
 * A message sent to a port the kernel receives is handled at once, in
 * the sender's mach_msg: the request is dispatched by its id, and the
 * reply (the request's id + 100) goes to the request's reply right.
 * The routines are MIG's stubs generated from GNU Mach's definitions
 * (kern/mig_kernel.h); an id no subsystem has, or a routine this kernel
 * lacks, is answered with RetCode MIG_BAD_ID.
 */
#ifndef KERN_IPC_KOBJECT_H
#define KERN_IPC_KOBJECT_H

#include <stdbool.h>

#include <include/mach/message.h>
#include <ipc/ipc_kmsg.h>

/*
 * Handle request (copied in, sent to a kernel-object port): run its
 * routine, consume it, and send the reply to its reply right if it has
 * a live one (the reply never waits for room in a queue); a routine may
 * answer MIG_NO_REPLY, and then no reply is sent. Returns MACH_MSG_SUCCESS,
 * or MACH_SEND_NO_BUFFER (the request destroyed) when no reply buffer
 * can be had. Thread context of the sender; takes port locks.
 */
mach_msg_return_t ipc_kobject_server(struct ipc_kmsg *request);

/*
 * A no-senders notification is due through the send-once right notify
 * (ipc_notify_no_senders()). If notify is a live kernel-object port of a
 * kind that cleans up on no-senders (an I/O permission), its object's
 * handler runs and consumes the right, and this returns true; otherwise
 * false, and the caller sends the notification as usual. Thread
 * context, no port lock held.
 */
bool ipc_kobject_no_senders(struct ipc_port *notify);

#endif /* KERN_IPC_KOBJECT_H */
