/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Msg-accepted requests (MACH_SEND_NOTIFY): a message forced past a full
 * queue carries one; when the message leaves the queue (received, or
 * destroyed with its port), a msg-accepted notification (id 66) for the
 * sender's name of the destination goes to the send-once right the
 * request holds. Until then the name is marked (MACH_PORT_TYPE_MAREQUEST)
 * and a second forced send through it is MACH_SEND_NOTIFY_IN_PROGRESS, as
 * in GNU Mach. If the name goes away first, the notification names
 * MACH_PORT_NULL (GNU Mach cancels the name the same way).
 *
 * A request is shared by its message and the sender's entry, with a
 * reference each; neither side takes the other's lock: the message side
 * (ipc_marequest_accepted(), from wherever a message is freed) only
 * sends a notification and marks the request done, the entry side
 * (ipc_right, space locked) reads and updates the name. So a message
 * freed under a space lock cannot deadlock on the sender's space.
 */
#ifndef IPC_IPC_MAREQUEST_H
#define IPC_IPC_MAREQUEST_H

#include <stdbool.h>

#include <include/mach/port.h>

struct ipc_port;
struct ipc_marequest;

/*
 * A request to notify (a send-once right, consumed) for name
 * (MACH_PORT_NULL: the sender has no name for the destination), with
 * refs references (1: the message's; 2: and the entry's). NULL when
 * memory is out (notify not consumed). Any thread context.
 */
struct ipc_marequest *ipc_marequest_create(struct ipc_port *notify, mach_port_name_t name,
                                           unsigned int refs);

/* Whether the request's message is still queued (the name's mark holds). Lock-free. */
bool ipc_marequest_pending(const struct ipc_marequest *req);

/* The entry holding req changed its name (mach_port_rename). Space locked. */
void ipc_marequest_rename(struct ipc_marequest *req, mach_port_name_t name);

/* The entry holding req goes away: its reference. Space locked. */
void ipc_marequest_entry_gone(struct ipc_marequest *req);

/*
 * The request's message left its queue: the msg-accepted notification
 * goes, and the message's reference. Thread context; takes only the
 * notify port's lock.
 */
void ipc_marequest_accepted(struct ipc_marequest *req);

#endif /* IPC_IPC_MAREQUEST_H */
