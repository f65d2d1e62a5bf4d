/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MIG's error codes and the reply header every MIG reply starts with,
 * with GNU Mach's values (../shared/MACH-ABI.md 3.1).
 */
#ifndef MACH_MIG_ERRORS_H
#define MACH_MIG_ERRORS_H

#include "kern_return.h"
#include "message.h"

#define MIG_TYPE_ERROR          -300    /* a type check failed */
#define MIG_REPLY_MISMATCH      -301    /* the reply's id is not the request's + 100 */
#define MIG_REMOTE_ERROR        -302    /* the server found an error */
#define MIG_BAD_ID              -303    /* no routine has the request's id */
#define MIG_BAD_ARGUMENTS       -304    /* the server found bad arguments */
#define MIG_NO_REPLY            -305    /* the server will reply later, or never */
#define MIG_EXCEPTION           -306    /* the server raised an exception */
#define MIG_ARRAY_TOO_LARGE     -307    /* an array does not fit the user's buffer */
#define MIG_SERVER_DIED         -308    /* the server died */
#define MIG_DESTROY_REQUEST     -309    /* destroy the request but send a reply */

/* A reply's id is the request's plus this. */
#define MIG_REPLY_ID_OFFSET     100

/* The 32-byte reply header: an error reply is exactly this. */
typedef struct {
    mach_msg_header_t Head;
    mach_msg_type_t RetCodeType;        /* MACH_MSGT(INTEGER_32, 32, 1, inline): 0x10012002 */
    kern_return_t RetCode;
} mig_reply_header_t;

_Static_assert(sizeof(mig_reply_header_t) == 32, "mig_reply_header_t is 32 bytes");

#endif /* MACH_MIG_ERRORS_H */
