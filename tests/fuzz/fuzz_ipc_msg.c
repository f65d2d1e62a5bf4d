/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for ipc/ipc_msg.c. The input is a message: its first
 * 24 bytes (zero-padded when shorter) go through the header check, and
 * the rest, cut to a multiple of 4, is a typed body copied into a heap
 * buffer of exactly its size, so that ASan catches any read beyond it.
 * The cursor must agree with the model of tests/unit/msg_model.h on
 * every item and on the first error, every item must lie inside the
 * body, and offsets must increase by 4-byte steps.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <include/mach/message.h>
#include <ipc/ipc_msg.h>
#include "../unit/msg_model.h"

#define MAX_ITEMS       1024

void panic(const char *fmt, ...);

void
panic(const char *fmt, ...)
{
    (void)fmt;
    abort();
}

static void
check_header(const uint8_t *data, size_t size)
{
    mach_msg_header_t h;
    mach_msg_type_name_t r, l;
    bool ok;

    memset(&h, 0, sizeof(h));
    memcpy(&h, data, size < sizeof(h) ? size : sizeof(h));
    r = h.msgh_bits & 0xff;
    l = (h.msgh_bits >> 8) & 0xff;
    ok = r >= 17 && r <= 21 && (l == 0 ? h.msgh_local_port == 0 : (l >= 17 && l <= 21));
    if ((ipc_msg_header_check(&h) == MACH_MSG_SUCCESS) != ok) {
        abort();
    }
}

static void
check_body(const uint8_t *data, size_t size)
{
    static struct msg_model_item model[MAX_ITEMS];
    uint32_t *body = malloc(size ? size : 1);
    struct ipc_msg_cursor c;
    struct ipc_msg_item it;
    mach_msg_return_t mr = MACH_MSG_SUCCESS, mm;
    uint32_t last = 0;
    size_t n = 0, mn;

    if (size > 0) {
        memcpy(body, data, size);
    }
    ipc_msg_cursor_init(&c, body, (uint32_t)size);
    while (!ipc_msg_cursor_done(&c)) {
        mr = ipc_msg_cursor_next(&c, &it);
        if (mr != MACH_MSG_SUCCESS) {
            if (c.offset != last) {
                abort();                /* the cursor stays at the bad item */
            }
            break;
        }
        if (it.type_offset != last || it.data_offset <= it.type_offset
            || it.data_offset + (it.is_inline ? it.length : 4) > size
            || c.offset % 4 != 0 || c.offset <= last || c.offset > size) {
            abort();
        }
        last = c.offset;
        n++;
    }
    mm = msg_model_parse((const uint8_t *)body, size, model, MAX_ITEMS, &mn);
    if (mm != mr || mn != n) {
        abort();
    }
    /* Walk again, comparing every item with the model's. */
    ipc_msg_cursor_init(&c, body, (uint32_t)size);
    for (n = 0; n < mn && n < MAX_ITEMS; n++) {
        if (ipc_msg_cursor_next(&c, &it) != MACH_MSG_SUCCESS
            || it.type_offset != model[n].type_offset || it.data_offset != model[n].data_offset
            || it.name != model[n].name || it.size != model[n].size
            || it.number != model[n].number || it.length != model[n].length
            || it.is_inline != model[n].is_inline || it.longform != model[n].longform
            || it.deallocate != model[n].deallocate || it.is_port != model[n].is_port) {
            abort();
        }
    }
    free(body);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_header(data, size);
    if (size > sizeof(mach_msg_header_t)) {
        size_t body = (size - sizeof(mach_msg_header_t)) & ~(size_t)3;

        check_body(data + sizeof(mach_msg_header_t), body);
    }
    return 0;
}
