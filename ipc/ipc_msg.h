/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The format of Mach messages, as rules on a buffer: the checks of the
 * send size and the header's dispositions, the send-side to
 * receive-side mapping of dispositions, and a cursor over a typed body
 * that decodes and checks one item at a time (doc/ipc.md, "Messages";
 * MACH-ABI.md 2.1-2.3).
 *
 * Nothing here touches a port, a space or user memory: the functions
 * work on a kernel copy of the message and are pure, so that the same
 * code runs in the kernel, in host unit tests and under libFuzzer.
 * ipc_kmsg builds copyin, copyout and destruction on top of them.
 *
 * Errors are mach_msg_return_t codes rather than ERROR_*: this module
 * is the message ABI itself, and which of MACH_SEND_MSG_TOO_SMALL,
 * MACH_SEND_INVALID_TYPE or MACH_SEND_INVALID_HEADER a bad message
 * gets is exactly what it decides.
 */
#ifndef IPC_IPC_MSG_H
#define IPC_IPC_MSG_H

#include <stdbool.h>
#include <stdint.h>

#include <include/mach/message.h>

/* Bytes of the header, and the alignment of every item in a body. */
#define IPC_MSG_HEADER_SIZE     ((uint32_t)sizeof(mach_msg_header_t))
#define IPC_MSG_ALIGN           4u

/* Size in bits of a port in a message, inline or out of line (i386). */
#define IPC_MSG_PORT_BITS       32u

/*
 * Check the send size of mach_msg: at least a header and a multiple of
 * 4. Returns MACH_MSG_SUCCESS or MACH_SEND_MSG_TOO_SMALL. Pure.
 */
mach_msg_return_t ipc_msg_size_check(mach_msg_size_t send_size);

/*
 * Check the dispositions of a header as sent: the remote one must be a
 * send disposition (MOVE_SEND .. MAKE_SEND_ONCE), the local one 0 with
 * a local name of MACH_PORT_NULL, or a send disposition. Names are not
 * looked up. Returns MACH_MSG_SUCCESS or MACH_SEND_INVALID_HEADER. Pure.
 */
mach_msg_return_t ipc_msg_header_check(const mach_msg_header_t *header);

/*
 * The type name the receiver sees for a right sent with disposition
 * (MOVE_RECEIVE .. MAKE_SEND_ONCE): PORT_RECEIVE, PORT_SEND or
 * PORT_SEND_ONCE. disposition must be a port disposition. Pure.
 */
mach_msg_type_name_t ipc_msg_type_received(mach_msg_type_name_t disposition);

/* One item of a typed body, decoded. Offsets count from the body's start. */
struct ipc_msg_item {
    uint32_t type_offset;               /* of the descriptor (4 or 12 bytes) */
    uint32_t data_offset;               /* of the inline data, or of the OOL pointer */
    mach_msg_type_name_t name;
    mach_msg_type_size_t size;          /* element size in bits */
    mach_msg_type_number_t number;      /* elements */
    uint64_t length;                    /* bytes of data: ceil(number * size / 8) */
    bool is_inline;
    bool longform;
    bool deallocate;
    bool is_port;                       /* name is a port disposition (16..21) */
};

/* A position in a typed body. */
struct ipc_msg_cursor {
    const uint8_t *body;
    uint32_t size;
    uint32_t offset;                    /* of the next item */
};

/*
 * Start a cursor at the first item of the body at body (4-byte aligned),
 * size bytes long (a multiple of 4). Pure.
 */
void ipc_msg_cursor_init(struct ipc_msg_cursor *cursor, const void *body, uint32_t size);

/* Whether every item has been read. Pure. */
static inline bool
ipc_msg_cursor_done(const struct ipc_msg_cursor *cursor)
{
    return cursor->offset >= cursor->size;
}

/*
 * Decode and check the next item (the cursor must not be done), store it
 * in *item and advance past its data, padded to 4 bytes. The checks, in
 * GNU Mach's order: a descriptor that does not fit (4 bytes, or 12 in
 * the long form) is MACH_SEND_MSG_TOO_SMALL; a port item whose size is
 * not 32 bits, a long form whose header word has a name, size or number,
 * the unused bit set, or deallocate with inline is
 * MACH_SEND_INVALID_TYPE; inline data or an out-of-line pointer that
 * does not fit in the rest of the body is MACH_SEND_MSG_TOO_SMALL. On
 * error the cursor stays at the bad item (its type_offset is
 * cursor->offset). Reads only inside the body. Pure.
 */
mach_msg_return_t ipc_msg_cursor_next(struct ipc_msg_cursor *cursor, struct ipc_msg_item *item);

/*
 * Rewrite the type name of item in the body at body (the buffer the
 * cursor read, writable): copyin writes the received name of a port
 * item. The name must fit its form (8 bits short, 16 bits long). Pure.
 */
void ipc_msg_item_set_name(void *body, const struct ipc_msg_item *item,
                           mach_msg_type_name_t name);

/* Set the deallocate bit of item's descriptor (received out-of-line items have it). Pure. */
void ipc_msg_item_set_deallocate(void *body, const struct ipc_msg_item *item);

/* Clear the element size of item's descriptor (an out-of-line copyout that failed). Pure. */
void ipc_msg_item_clear_size(void *body, const struct ipc_msg_item *item);

#endif /* IPC_IPC_MSG_H */
