/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Mach 3.0 typed messages: the public ABI of mach_msg, with GNU Mach's
 * values on i386 (doc/ipc.md, "Messages"; the facts are those of
 * ../shared/MACH-ABI.md section 2).
 *
 * A message is a 24-byte header followed, when MACH_MSGH_BITS_COMPLEX is
 * set, by a typed body: items one after another, each a type descriptor
 * (4 bytes, or 12 in the long form) and its data, inline (padded to 4
 * bytes) or out of line (one 4-byte pointer). Port rights travel in the
 * header fields and in items whose type name is a disposition.
 *
 * The header's layout is fixed by the ABI; descriptors are handled as
 * 32-bit words with the masks below (not C bit-fields), so that the
 * layout does not depend on the compiler.
 */
#ifndef MACH_MESSAGE_H
#define MACH_MESSAGE_H

#include <stdint.h>

#include "machine/vm_types.h"
#include "port.h"

typedef natural_t mach_msg_bits_t;
typedef natural_t mach_msg_size_t;
typedef integer_t mach_msg_id_t;
typedef natural_t mach_port_seqno_t;
typedef natural_t mach_msg_timeout_t;   /* milliseconds */
typedef natural_t mach_msg_option_t;
typedef natural_t mach_msg_return_t;
typedef unsigned int mach_msg_type_name_t;
typedef unsigned int mach_msg_type_size_t;
typedef natural_t mach_msg_type_number_t;

#define MACH_MSG_TIMEOUT_NONE           ((mach_msg_timeout_t)0)

/* The header (24 bytes on i386). */
typedef struct {
    mach_msg_bits_t msgh_bits;
    mach_msg_size_t msgh_size;          /* ignored on send: the send size is used */
    mach_port_t msgh_remote_port;       /* send: destination; receive: reply port */
    mach_port_t msgh_local_port;        /* send: reply port; receive: destination */
    mach_port_seqno_t msgh_seqno;       /* ignored on send */
    mach_msg_id_t msgh_id;              /* not interpreted by the kernel */
} mach_msg_header_t;

_Static_assert(sizeof(mach_msg_header_t) == 24, "mach_msg_header_t is 24 bytes");

/* msgh_bits. */
#define MACH_MSGH_BITS_ZERO             0x00000000u
#define MACH_MSGH_BITS_REMOTE_MASK      0x000000ffu
#define MACH_MSGH_BITS_LOCAL_MASK       0x0000ff00u
#define MACH_MSGH_BITS_COMPLEX          0x80000000u
#define MACH_MSGH_BITS_CIRCULAR         0x40000000u     /* internal */
#define MACH_MSGH_BITS_COMPLEX_PORTS    0x20000000u     /* internal */
#define MACH_MSGH_BITS_COMPLEX_DATA     0x10000000u     /* internal */
#define MACH_MSGH_BITS_MIGRATED         0x08000000u     /* internal */
#define MACH_MSGH_BITS_UNUSED           0x07ff0000u
#define MACH_MSGH_BITS_PORTS_MASK       (MACH_MSGH_BITS_REMOTE_MASK | MACH_MSGH_BITS_LOCAL_MASK)

#define MACH_MSGH_BITS(remote, local)   ((remote) | ((local) << 8))
#define MACH_MSGH_BITS_REMOTE(bits)     ((bits) & MACH_MSGH_BITS_REMOTE_MASK)
#define MACH_MSGH_BITS_LOCAL(bits)      (((bits) & MACH_MSGH_BITS_LOCAL_MASK) >> 8)
#define MACH_MSGH_BITS_PORTS(bits)      ((bits) & MACH_MSGH_BITS_PORTS_MASK)
#define MACH_MSGH_BITS_OTHER(bits)      ((bits) & ~MACH_MSGH_BITS_PORTS_MASK)

/* Type names: data. */
#define MACH_MSG_TYPE_UNSTRUCTURED      0
#define MACH_MSG_TYPE_BIT               0
#define MACH_MSG_TYPE_BOOLEAN           0
#define MACH_MSG_TYPE_INTEGER_16        1
#define MACH_MSG_TYPE_INTEGER_32        2
#define MACH_MSG_TYPE_CHAR              8
#define MACH_MSG_TYPE_BYTE              9
#define MACH_MSG_TYPE_INTEGER_8         9
#define MACH_MSG_TYPE_REAL              10
#define MACH_MSG_TYPE_INTEGER_64        11
#define MACH_MSG_TYPE_STRING            12
#define MACH_MSG_TYPE_STRING_C          12
#define MACH_MSG_TYPE_PORT_NAME         15      /* a name as data: no right moves */

/* Type names: dispositions, as the sender writes them. */
#define MACH_MSG_TYPE_MOVE_RECEIVE      16
#define MACH_MSG_TYPE_MOVE_SEND         17
#define MACH_MSG_TYPE_MOVE_SEND_ONCE    18
#define MACH_MSG_TYPE_COPY_SEND         19
#define MACH_MSG_TYPE_MAKE_SEND         20      /* needs the receive right */
#define MACH_MSG_TYPE_MAKE_SEND_ONCE    21      /* needs the receive right */

/* Type names: rights, as the receiver sees them. */
#define MACH_MSG_TYPE_PORT_RECEIVE      MACH_MSG_TYPE_MOVE_RECEIVE
#define MACH_MSG_TYPE_PORT_SEND         MACH_MSG_TYPE_MOVE_SEND
#define MACH_MSG_TYPE_PORT_SEND_ONCE    MACH_MSG_TYPE_MOVE_SEND_ONCE
#define MACH_MSG_TYPE_PROTECTED_PAYLOAD 23      /* only in a received local field */

#define MACH_MSG_TYPE_LAST              23
#define MACH_MSG_TYPE_POLYMORPHIC       ((mach_msg_type_name_t)-1)     /* MIG only */

#define MACH_MSG_TYPE_PORT_ANY(x)       ((x) >= MACH_MSG_TYPE_MOVE_RECEIVE \
                                         && (x) <= MACH_MSG_TYPE_MAKE_SEND_ONCE)
#define MACH_MSG_TYPE_PORT_ANY_SEND(x)  ((x) >= MACH_MSG_TYPE_MOVE_SEND \
                                         && (x) <= MACH_MSG_TYPE_MAKE_SEND_ONCE)
#define MACH_MSG_TYPE_PORT_ANY_RIGHT(x) ((x) >= MACH_MSG_TYPE_MOVE_RECEIVE \
                                         && (x) <= MACH_MSG_TYPE_MOVE_SEND_ONCE)

/*
 * The short descriptor, as GNU Mach declares it (MIG's stubs use its
 * fields), and the same word as an integer: the MACH_MSGT_* masks and
 * MACH_MSGT() build and read the uint32_t a descriptor is in memory.
 */
typedef struct {
    unsigned int msgt_name : 8,
                 msgt_size : 8,
                 msgt_number : 12,
                 msgt_inline : 1,
                 msgt_longform : 1,
                 msgt_deallocate : 1,
                 msgt_unused : 1;
} mach_msg_type_t;

_Static_assert(sizeof(mach_msg_type_t) == 4, "mach_msg_type_t is one word");

#define MACH_MSGT_NAME_MASK             0x000000ffu
#define MACH_MSGT_SIZE_MASK             0x0000ff00u     /* element size in bits */
#define MACH_MSGT_SIZE_SHIFT            8
#define MACH_MSGT_NUMBER_MASK           0x0fff0000u     /* element count, at most 4095 */
#define MACH_MSGT_NUMBER_SHIFT          16
#define MACH_MSGT_INLINE                0x10000000u
#define MACH_MSGT_LONGFORM              0x20000000u
#define MACH_MSGT_DEALLOCATE            0x40000000u
#define MACH_MSGT_UNUSED                0x80000000u     /* must be 0 */

#define MACH_MSGT_NAME(t)               ((t) & MACH_MSGT_NAME_MASK)
#define MACH_MSGT_SIZE(t)               (((t) & MACH_MSGT_SIZE_MASK) >> MACH_MSGT_SIZE_SHIFT)
#define MACH_MSGT_NUMBER(t)             (((t) & MACH_MSGT_NUMBER_MASK) >> MACH_MSGT_NUMBER_SHIFT)

/* A short descriptor: name, size in bits, count, inline. */
#define MACH_MSGT(name, size, number, inl) \
    ((uint32_t)((name) | ((size) << MACH_MSGT_SIZE_SHIFT) \
                | ((number) << MACH_MSGT_NUMBER_SHIFT) | ((inl) ? MACH_MSGT_INLINE : 0)))

/* The long descriptor (12 bytes): a header word with longform set and name, size, number 0. */
typedef struct {
    mach_msg_type_t msgtl_header;
    unsigned short msgtl_name;
    unsigned short msgtl_size;
    natural_t msgtl_number;
} mach_msg_type_long_t;

_Static_assert(sizeof(mach_msg_type_long_t) == 12, "mach_msg_type_long_t is 12 bytes");

/* Options. */
#define MACH_MSG_OPTION_NONE            0x00000000u
#define MACH_SEND_MSG                   0x00000001u
#define MACH_RCV_MSG                    0x00000002u
#define MACH_SEND_TIMEOUT               0x00000010u
#define MACH_SEND_NOTIFY                0x00000020u
#define MACH_SEND_INTERRUPT             0x00000040u     /* read by the library, not the kernel */
#define MACH_SEND_CANCEL                0x00000080u
#define MACH_RCV_TIMEOUT                0x00000100u
#define MACH_RCV_NOTIFY                 0x00000200u
#define MACH_RCV_INTERRUPT              0x00000400u     /* read by the library, not the kernel */
#define MACH_RCV_LARGE                  0x00000800u
#define MACH_SEND_ALWAYS                0x00010000u     /* internal */

/* Return codes. */
#define MACH_MSG_SUCCESS                0x00000000u

#define MACH_MSG_MASK                   0x00003c00u     /* the modifier bits */
#define MACH_MSG_IPC_SPACE              0x00002000u
#define MACH_MSG_VM_SPACE               0x00001000u
#define MACH_MSG_IPC_KERNEL             0x00000800u
#define MACH_MSG_VM_KERNEL              0x00000400u

#define MACH_SEND_IN_PROGRESS           0x10000001u     /* internal */
#define MACH_SEND_INVALID_DATA          0x10000002u
#define MACH_SEND_INVALID_DEST          0x10000003u
#define MACH_SEND_TIMED_OUT             0x10000004u
#define MACH_SEND_WILL_NOTIFY           0x10000005u
#define MACH_SEND_NOTIFY_IN_PROGRESS    0x10000006u
#define MACH_SEND_INTERRUPTED           0x10000007u
#define MACH_SEND_MSG_TOO_SMALL         0x10000008u
#define MACH_SEND_INVALID_REPLY         0x10000009u
#define MACH_SEND_INVALID_RIGHT         0x1000000au
#define MACH_SEND_INVALID_NOTIFY        0x1000000bu
#define MACH_SEND_INVALID_MEMORY        0x1000000cu
#define MACH_SEND_NO_BUFFER             0x1000000du
#define MACH_SEND_NO_NOTIFY             0x1000000eu
#define MACH_SEND_INVALID_TYPE          0x1000000fu
#define MACH_SEND_INVALID_HEADER        0x10000010u

#define MACH_RCV_IN_PROGRESS            0x10004001u     /* internal */
#define MACH_RCV_INVALID_NAME           0x10004002u
#define MACH_RCV_TIMED_OUT              0x10004003u
#define MACH_RCV_TOO_LARGE              0x10004004u
#define MACH_RCV_INTERRUPTED            0x10004005u
#define MACH_RCV_PORT_CHANGED           0x10004006u
#define MACH_RCV_INVALID_NOTIFY         0x10004007u
#define MACH_RCV_INVALID_DATA           0x10004008u
#define MACH_RCV_PORT_DIED              0x10004009u
#define MACH_RCV_IN_SET                 0x1000400au
#define MACH_RCV_HEADER_ERROR           0x1000400bu
#define MACH_RCV_BODY_ERROR             0x1000400cu

#endif /* MACH_MESSAGE_H */
