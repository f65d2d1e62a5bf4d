/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What MIG-generated user stubs need from their C library (glibc's part
 * on the Hurd): mach_msg() and the reply port. One reply port is cached
 * for the whole program: the test programs that make RPCs have one
 * thread.
 */
#include <mach/mig_support.h>

#include "mach_port.h"
#include "mach_traps.h"

static mach_port_t mig_reply_port;

mach_msg_return_t
mach_msg(mach_msg_header_t *msg, mach_msg_option_t option, mach_msg_size_t send_size,
         mach_msg_size_t rcv_size, mach_port_name_t rcv_name, mach_msg_timeout_t timeout,
         mach_port_name_t notify)
{
    return mach_msg_trap(msg, option, send_size, rcv_size, rcv_name, timeout, notify);
}

mach_port_t
mig_get_reply_port(void)
{
    if (mig_reply_port == MACH_PORT_NULL) {
        mig_reply_port = mach_reply_port();
    }
    return mig_reply_port;
}

void
mig_dealloc_reply_port(mach_port_t port)
{
    if (port == mig_reply_port) {
        mig_reply_port = MACH_PORT_NULL;
    }
    mach_port_mod_refs(mach_task_self(), port, MACH_PORT_RIGHT_RECEIVE, -1);
}

void
mig_put_reply_port(mach_port_t port)
{
    (void)port;
}

size_t
mig_strncpy(char *dest, const char *src, size_t len)
{
    size_t i;

    if (len == 0) {
        return 0;
    }
    for (i = 0; i < len - 1 && src[i] != '\0'; i++) {
        dest[i] = src[i];
    }
    dest[i] = '\0';
    return i;
}
