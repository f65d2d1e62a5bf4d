/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host stand-in for kern/ipc_kobject.c. The kernel shows requests to the
 * MIG-generated stubs with 32-bit pointers in message slots, which a
 * 64-bit host cannot do, so the host tests of ipc/ route a message to a
 * kernel-object port here instead: it is consumed at once, and answered
 * with RetCode MIG_BAD_ID through its reply right, as the kernel answers
 * an id no subsystem has. The real dispatch is tested in the kernel
 * (tests/user/mport.c and the other RPC programs).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <include/mach/message.h>
#include <include/mach/mig_errors.h>
#include <ipc/ipc_kmsg.h>
#include <ipc/ipc_mqueue.h>
#include <ipc/ipc_port.h>
#include <kern/ipc_kobject.h>

mach_msg_return_t
ipc_kobject_server(struct ipc_kmsg *request)
{
    mach_msg_type_name_t reply_type = MACH_MSGH_BITS_LOCAL(request->header.msgh_bits);
    struct ipc_kmsg *reply;
    mig_reply_header_t *r;

    reply = ipc_kmsg_alloc(sizeof(mig_reply_header_t));
    if (reply == NULL) {
        ipc_kmsg_destroy(request);
        return MACH_SEND_NO_BUFFER;
    }
    r = (mig_reply_header_t *)&reply->header;
    r->Head.msgh_bits = MACH_MSGH_BITS(reply_type, 0);
    r->Head.msgh_size = sizeof(*r);
    r->Head.msgh_remote_port = MACH_PORT_NULL;
    r->Head.msgh_local_port = MACH_PORT_NULL;
    r->Head.msgh_seqno = 0;
    r->Head.msgh_id = request->header.msgh_id + MIG_REPLY_ID_OFFSET;
    *(uint32_t *)&r->RetCodeType = MACH_MSGT(MACH_MSG_TYPE_INTEGER_32, 32, 1, 1);
    r->RetCode = MIG_BAD_ID;

    reply->remote = request->local;
    request->local = NULL;
    request->header.msgh_bits &= ~MACH_MSGH_BITS_LOCAL_MASK;
    ipc_kmsg_destroy(request);
    if (!IPC_PORT_VALID(reply->remote)) {
        reply->remote = NULL;
        ipc_kmsg_free(reply);
        return MACH_MSG_SUCCESS;
    }
    return ipc_mqueue_send(reply, MACH_SEND_ALWAYS, 0);
}

/* No kernel object cleans up on no-senders in the host tests: the notification goes out. */
bool
ipc_kobject_no_senders(struct ipc_port *notify)
{
    (void)notify;
    return false;
}
