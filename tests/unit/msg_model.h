/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reference model of a typed message body (MACH-ABI.md 2.3), for the
 * host tests and the fuzzer of ipc/ipc_msg.c.
 *
 * Written independently of the kernel code and in another style: it
 * reads the body byte by byte (little-endian), spells out the bit
 * fields by position rather than with message.h's masks, and decodes
 * the whole body at once into an array. It should agree with
 * ipc_msg_cursor_next() on every item and on the first error.
 */
#ifndef TESTS_UNIT_MSG_MODEL_H
#define TESTS_UNIT_MSG_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct msg_model_item {
    size_t type_offset, data_offset;
    unsigned int name, size;
    uint32_t number;
    uint64_t length;
    bool is_inline, longform, deallocate, is_port;
};

/* Outcomes, as the values the kernel returns. */
#define MSG_MODEL_OK            0x00000000u
#define MSG_MODEL_TOO_SMALL     0x10000008u
#define MSG_MODEL_INVALID_TYPE  0x1000000fu

static inline uint32_t
msg_model_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/*
 * Decode the body buf[0..size) into items[] (room for max). *countp gets
 * the number of good items before the outcome: all of them on
 * MSG_MODEL_OK, those before the bad one otherwise. Items beyond max are
 * decoded but not stored.
 */
static inline uint32_t
msg_model_parse(const uint8_t *buf, size_t size, struct msg_model_item *items, size_t max,
                size_t *countp)
{
    size_t pos = 0, count = 0;

    while (pos < size) {
        struct msg_model_item it = { 0 };
        uint32_t w0;
        size_t room;

        if (size - pos < 4) {
            *countp = count;
            return MSG_MODEL_TOO_SMALL;
        }
        w0 = msg_model_u32(buf + pos);
        it.type_offset = pos;
        it.is_inline = (w0 >> 28) & 1;
        it.longform = (w0 >> 29) & 1;
        it.deallocate = (w0 >> 30) & 1;
        if (it.longform) {
            if (size - pos < 12) {
                *countp = count;
                return MSG_MODEL_TOO_SMALL;
            }
            it.name = buf[pos + 4] | (buf[pos + 5] << 8);
            it.size = buf[pos + 6] | (buf[pos + 7] << 8);
            it.number = msg_model_u32(buf + pos + 8);
            pos += 12;
        } else {
            it.name = w0 & 0xff;
            it.size = (w0 >> 8) & 0xff;
            it.number = (w0 >> 16) & 0xfff;
            pos += 4;
        }
        it.is_port = it.name >= 16 && it.name <= 21;
        if ((it.is_port && it.size != 32)
            || (it.longform && (w0 & 0x0fffffff) != 0)
            || (w0 >> 31) != 0
            || (it.deallocate && it.is_inline)) {
            *countp = count;
            return MSG_MODEL_INVALID_TYPE;
        }
        it.length = ((uint64_t)it.number * it.size + 7) / 8;
        room = size - pos;
        it.data_offset = pos;
        if (it.is_inline) {
            if (it.length > room) {
                *countp = count;
                return MSG_MODEL_TOO_SMALL;
            }
            pos += (size_t)it.length;
        } else {
            if (room < 4) {
                *countp = count;
                return MSG_MODEL_TOO_SMALL;
            }
            pos += 4;
        }
        while (pos % 4 != 0) {
            pos++;
        }
        if (count < max) {
            items[count] = it;
        }
        count++;
    }
    *countp = count;
    return MSG_MODEL_OK;
}

#endif /* TESTS_UNIT_MSG_MODEL_H */
