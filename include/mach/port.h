/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Port names, rights and their types: the public Mach ABI, with GNU
 * Mach's values.
 *
 * A task names the rights it holds with port names, 32-bit integers
 * local to its IPC space. MACH_PORT_NULL (0) and MACH_PORT_DEAD (~0) are
 * never the names of rights. A name denotes one entry, which holds any
 * of: a receive right and send rights for the same port (one name per
 * port in a space), a send-once right, a port set, or a dead name (what
 * send rights become when their port dies).
 */
#ifndef MACH_PORT_H
#define MACH_PORT_H

#include "machine/vm_types.h"

typedef natural_t mach_port_name_t;
typedef mach_port_name_t mach_port_t;   /* in user space: a name */
typedef natural_t mach_port_right_t;
typedef natural_t mach_port_type_t;
typedef natural_t mach_port_urefs_t;
typedef integer_t mach_port_delta_t;
typedef natural_t mach_port_mscount_t;  /* make-send count */

#define MACH_PORT_NULL                  ((mach_port_name_t)0)
#define MACH_PORT_DEAD                  ((mach_port_name_t)~0)
#define MACH_PORT_VALID(name)           ((name) != MACH_PORT_NULL && (name) != MACH_PORT_DEAD)

/* Rights. */
#define MACH_PORT_RIGHT_SEND            ((mach_port_right_t)0)
#define MACH_PORT_RIGHT_RECEIVE         ((mach_port_right_t)1)
#define MACH_PORT_RIGHT_SEND_ONCE       ((mach_port_right_t)2)
#define MACH_PORT_RIGHT_PORT_SET        ((mach_port_right_t)3)
#define MACH_PORT_RIGHT_DEAD_NAME       ((mach_port_right_t)4)
#define MACH_PORT_RIGHT_NUMBER          ((mach_port_right_t)5)

/* Types: one bit per right a name holds. */
#define MACH_PORT_TYPE(right)           ((mach_port_type_t)(1 << ((right) + 16)))
#define MACH_PORT_TYPE_NONE             ((mach_port_type_t)0)
#define MACH_PORT_TYPE_SEND             MACH_PORT_TYPE(MACH_PORT_RIGHT_SEND)
#define MACH_PORT_TYPE_RECEIVE          MACH_PORT_TYPE(MACH_PORT_RIGHT_RECEIVE)
#define MACH_PORT_TYPE_SEND_ONCE        MACH_PORT_TYPE(MACH_PORT_RIGHT_SEND_ONCE)
#define MACH_PORT_TYPE_PORT_SET         MACH_PORT_TYPE(MACH_PORT_RIGHT_PORT_SET)
#define MACH_PORT_TYPE_DEAD_NAME        MACH_PORT_TYPE(MACH_PORT_RIGHT_DEAD_NAME)

#define MACH_PORT_TYPE_SEND_RECEIVE     (MACH_PORT_TYPE_SEND | MACH_PORT_TYPE_RECEIVE)
#define MACH_PORT_TYPE_SEND_RIGHTS      (MACH_PORT_TYPE_SEND | MACH_PORT_TYPE_SEND_ONCE)
#define MACH_PORT_TYPE_PORT_RIGHTS      (MACH_PORT_TYPE_SEND_RIGHTS | MACH_PORT_TYPE_RECEIVE)
#define MACH_PORT_TYPE_PORT_OR_DEAD     (MACH_PORT_TYPE_PORT_RIGHTS | MACH_PORT_TYPE_DEAD_NAME)
#define MACH_PORT_TYPE_ALL_RIGHTS       (MACH_PORT_TYPE_PORT_OR_DEAD | MACH_PORT_TYPE_PORT_SET)

/* Extra bits of mach_port_type: a dead-name request (msg-accepted: never set here). */
#define MACH_PORT_TYPE_DNREQUEST        ((mach_port_type_t)0x80000000)
#define MACH_PORT_TYPE_MAREQUEST        ((mach_port_type_t)0x40000000)

/* Message queue limits (mach_port_set_qlimit): the default, and the most. */
#define MACH_PORT_QLIMIT_DEFAULT        ((natural_t)5)
#define MACH_PORT_QLIMIT_MAX            ((natural_t)16)

/* User references on send rights and dead names: at most this many per name. */
#define MACH_PORT_UREFS_MAX             ((mach_port_urefs_t)((1 << 16) - 1))

#endif /* MACH_PORT_H */
