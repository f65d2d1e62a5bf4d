/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exception_raise as an exception server receives it (exc.defs): the
 * header, then each argument after its type descriptor (as a word).
 * For test programs that serve exceptions by hand.
 */
#ifndef TESTS_USER_LIB_EXC_MSG_H
#define TESTS_USER_LIB_EXC_MSG_H

#include <stdint.h>

#include <mach/message.h>

struct exc_request {
    mach_msg_header_t h;
    uint32_t thread_type;
    mach_port_t thread;
    uint32_t task_type;
    mach_port_t task;
    uint32_t exception_type;
    int exception;
    uint32_t code_type;
    int code;
    uint32_t subcode_type;
    int subcode;
};

_Static_assert(sizeof(struct exc_request) == 64, "exception_raise is 64 bytes");

#endif
