/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The format of Mach messages (see ipc/ipc_msg.h).
 *
 * Rationale. Copyin, copyout and destruction of a message all walk its
 * typed body, and each walk must agree on where every item starts and
 * how long it is; a walk that trusted a length the sender wrote could
 * read past the buffer. So one cursor decodes items, and it is the only
 * code that reads descriptors: it checks that each descriptor and its
 * data lie inside the body before it hands the item out, and it never
 * reads beyond the body whatever the bytes are. It is pure (no ports,
 * no user memory), which lets the host tests compare it with a model and
 * libFuzzer feed it arbitrary bytes.
 *
 * Descriptors are decoded from 32-bit words with masks, not through C
 * bit-fields, and the long form's name and size as 16-bit halves of the
 * second word (little-endian i386, like the host). Lengths are computed
 * in 64 bits: a long descriptor may claim 2^32 elements of 65535 bits,
 * which no 32-bit product holds; such an inline item simply does not fit
 * the body, and out of line it is for the memory copy to refuse.
 */
#include <stdbool.h>
#include <stdint.h>

#include <include/mach/message.h>
#include <ipc/ipc_msg.h>
#include <kern/panic.h>

mach_msg_return_t
ipc_msg_size_check(mach_msg_size_t send_size)
{
    if (send_size < IPC_MSG_HEADER_SIZE || (send_size % IPC_MSG_ALIGN) != 0) {
        return MACH_SEND_MSG_TOO_SMALL;
    }
    return MACH_MSG_SUCCESS;
}

mach_msg_return_t
ipc_msg_header_check(const mach_msg_header_t *header)
{
    mach_msg_type_name_t remote = MACH_MSGH_BITS_REMOTE(header->msgh_bits);
    mach_msg_type_name_t local = MACH_MSGH_BITS_LOCAL(header->msgh_bits);

    if (!MACH_MSG_TYPE_PORT_ANY_SEND(remote)) {
        return MACH_SEND_INVALID_HEADER;
    }
    if (local == 0 ? header->msgh_local_port != MACH_PORT_NULL
                   : !MACH_MSG_TYPE_PORT_ANY_SEND(local)) {
        return MACH_SEND_INVALID_HEADER;
    }
    return MACH_MSG_SUCCESS;
}

mach_msg_type_name_t
ipc_msg_type_received(mach_msg_type_name_t disposition)
{
    assert(MACH_MSG_TYPE_PORT_ANY(disposition));
    switch (disposition) {
    case MACH_MSG_TYPE_MOVE_RECEIVE:
        return MACH_MSG_TYPE_PORT_RECEIVE;
    case MACH_MSG_TYPE_MOVE_SEND_ONCE:
    case MACH_MSG_TYPE_MAKE_SEND_ONCE:
        return MACH_MSG_TYPE_PORT_SEND_ONCE;
    default:
        return MACH_MSG_TYPE_PORT_SEND;     /* MOVE_SEND, COPY_SEND, MAKE_SEND */
    }
}

void
ipc_msg_cursor_init(struct ipc_msg_cursor *cursor, const void *body, uint32_t size)
{
    assert(((uintptr_t)body % IPC_MSG_ALIGN) == 0);
    assert((size % IPC_MSG_ALIGN) == 0);
    cursor->body = body;
    cursor->size = size;
    cursor->offset = 0;
}

/* The 32-bit word at offset (aligned, inside the body). */
static inline uint32_t
ipc_msg_word(const struct ipc_msg_cursor *cursor, uint32_t offset)
{
    return *(const uint32_t *)(cursor->body + offset);
}

/* Whether the descriptor word t breaks a rule of MACH-ABI.md 2.3. */
static bool
ipc_msg_type_invalid(uint32_t t, const struct ipc_msg_item *item)
{
    if (item->is_port && item->size != IPC_MSG_PORT_BITS) {
        return true;
    }
    if (item->longform && (t & (MACH_MSGT_NAME_MASK | MACH_MSGT_SIZE_MASK
                                | MACH_MSGT_NUMBER_MASK)) != 0) {
        return true;
    }
    return (t & MACH_MSGT_UNUSED) || (item->deallocate && item->is_inline);
}

mach_msg_return_t
ipc_msg_cursor_next(struct ipc_msg_cursor *cursor, struct ipc_msg_item *item)
{
    uint32_t offset = cursor->offset, left, data_size;
    uint32_t t;

    assert(!ipc_msg_cursor_done(cursor));
    left = cursor->size - offset;
    if (left < sizeof(mach_msg_type_t)) {
        return MACH_SEND_MSG_TOO_SMALL;
    }
    t = ipc_msg_word(cursor, offset);
    item->type_offset = offset;
    item->longform = (t & MACH_MSGT_LONGFORM) != 0;
    item->is_inline = (t & MACH_MSGT_INLINE) != 0;
    item->deallocate = (t & MACH_MSGT_DEALLOCATE) != 0;
    if (item->longform) {
        uint32_t w;

        if (left < sizeof(mach_msg_type_long_t)) {
            return MACH_SEND_MSG_TOO_SMALL;
        }
        w = ipc_msg_word(cursor, offset + 4);
        item->name = w & 0xffff;
        item->size = w >> 16;
        item->number = ipc_msg_word(cursor, offset + 8);
        offset += sizeof(mach_msg_type_long_t);
    } else {
        item->name = MACH_MSGT_NAME(t);
        item->size = MACH_MSGT_SIZE(t);
        item->number = MACH_MSGT_NUMBER(t);
        offset += sizeof(mach_msg_type_t);
    }
    item->is_port = MACH_MSG_TYPE_PORT_ANY(item->name);
    if (ipc_msg_type_invalid(t, item)) {
        return MACH_SEND_INVALID_TYPE;
    }
    item->length = ((uint64_t)item->number * item->size + 7) >> 3;
    left = cursor->size - offset;
    if (item->is_inline) {
        if (item->length > left) {
            return MACH_SEND_MSG_TOO_SMALL;
        }
        data_size = (uint32_t)item->length;
    } else {
        if (left < sizeof(uint32_t)) {
            return MACH_SEND_MSG_TOO_SMALL;
        }
        data_size = sizeof(uint32_t);
    }
    item->data_offset = offset;
    offset += data_size;
    /* Cannot pass the end: left is a multiple of 4 and data_size <= left. */
    cursor->offset = (offset + IPC_MSG_ALIGN - 1) & ~(IPC_MSG_ALIGN - 1);
    assert(cursor->offset <= cursor->size);
    return MACH_MSG_SUCCESS;
}

void
ipc_msg_item_set_name(void *body, const struct ipc_msg_item *item, mach_msg_type_name_t name)
{
    uint8_t *desc = (uint8_t *)body + item->type_offset;

    if (item->longform) {
        assert(name <= 0xffff);
        ((mach_msg_type_long_t *)desc)->msgtl_name = (unsigned short)name;
    } else {
        uint32_t *t = (uint32_t *)desc;

        assert(name <= MACH_MSGT_NAME_MASK);
        *t = (*t & ~MACH_MSGT_NAME_MASK) | name;
    }
}

void
ipc_msg_item_set_deallocate(void *body, const struct ipc_msg_item *item)
{
    *(uint32_t *)((uint8_t *)body + item->type_offset) |= MACH_MSGT_DEALLOCATE;
}

void
ipc_msg_item_clear_size(void *body, const struct ipc_msg_item *item)
{
    uint8_t *desc = (uint8_t *)body + item->type_offset;

    if (item->longform) {
        ((mach_msg_type_long_t *)desc)->msgtl_size = 0;
    } else {
        *(uint32_t *)desc &= ~MACH_MSGT_SIZE_MASK;
    }
}
