/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What MIG-generated user stubs need from their C library (on the Hurd,
 * glibc provides <mach/mig_support.h>): the reply-port cache and the
 * copy function they call, implemented in tests/user/lib/mig_support.c
 * (mach_msg() itself is declared by GNU Mach's <mach/message.h>).
 */
#ifndef TESTS_USER_MACH_MIG_SUPPORT_H
#define TESTS_USER_MACH_MIG_SUPPORT_H

#include <stddef.h>

#include <mach/port.h>

/* A receive right for the reply of the next RPC (cached per thread). */
mach_port_t mig_get_reply_port(void);

/* The reply port is broken (an RPC failed): destroy it, make a new one next time. */
void mig_dealloc_reply_port(mach_port_t port);

/* The RPC is over: keep the reply port for the next one. */
void mig_put_reply_port(mach_port_t port);

void *memcpy(void *restrict dest, const void *restrict src, size_t n);

/*
 * Copy the string src into dest, at most len bytes with the terminating
 * NUL always written (len > 0); returns the length copied, NUL excluded.
 */
size_t mig_strncpy(char *dest, const char *src, size_t len);

#endif /* TESTS_USER_MACH_MIG_SUPPORT_H */
