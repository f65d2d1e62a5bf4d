/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Notifications: the messages the kernel sends about ports, with GNU
 * Mach's ids (subsystem notify, 64) and layouts (MACH-ABI.md 3.3). Each
 * goes to a send-once right the receiver registered with
 * mach_port_request_notification (dead-name, no-senders,
 * port-destroyed), or that was destroyed (send-once), or that a
 * dead-name request held when it was cancelled (port-deleted). The
 * header arrives with msgh_remote_port MACH_PORT_NULL and the notify
 * port in msgh_local_port, type MACH_MSG_TYPE_PORT_SEND_ONCE.
 */
#ifndef MACH_NOTIFY_H
#define MACH_NOTIFY_H

#include "message.h"
#include "port.h"

#define MACH_NOTIFY_FIRST               0100
#define MACH_NOTIFY_PORT_DELETED        0101    /* a right with a dead-name request went away */
#define MACH_NOTIFY_MSG_ACCEPTED        0102    /* MACH_SEND_NOTIFY (ipc/ipc_marequest.h) */
#define MACH_NOTIFY_PORT_DESTROYED      0105    /* a receive right, instead of its death */
#define MACH_NOTIFY_NO_SENDERS          0106    /* the last send right went; the make-send count */
#define MACH_NOTIFY_SEND_ONCE           0107    /* a send-once right was destroyed unused */
#define MACH_NOTIFY_DEAD_NAME           0110    /* a port died: the name is a dead name now */
#define MACH_NOTIFY_LAST                0115

/* port-deleted, msg-accepted, dead-name: a name (MACH_MSG_TYPE_PORT_NAME), 32 bytes. */
typedef struct {
    mach_msg_header_t not_header;
    mach_msg_type_t not_type;
    mach_port_t not_port;
} mach_port_deleted_notification_t;

typedef mach_port_deleted_notification_t mach_msg_accepted_notification_t;
typedef mach_port_deleted_notification_t mach_dead_name_notification_t;

/* port-destroyed: the receive right (MACH_MSG_TYPE_PORT_RECEIVE), a complex message. */
typedef struct {
    mach_msg_header_t not_header;
    mach_msg_type_t not_type;
    mach_port_t not_port;
} mach_port_destroyed_notification_t;

/* no-senders: the make-send count (MACH_MSG_TYPE_INTEGER_32). */
typedef struct {
    mach_msg_header_t not_header;
    mach_msg_type_t not_type;
    unsigned int not_count;
} mach_no_senders_notification_t;

/* send-once: the header alone, 24 bytes. */
typedef struct {
    mach_msg_header_t not_header;
} mach_send_once_notification_t;

_Static_assert(sizeof(mach_port_deleted_notification_t) == 32, "notifications with a name are 32 bytes");
_Static_assert(sizeof(mach_no_senders_notification_t) == 32, "no-senders is 32 bytes");
_Static_assert(sizeof(mach_send_once_notification_t) == 24, "send-once is 24 bytes");

#endif /* MACH_NOTIFY_H */
