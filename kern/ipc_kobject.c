/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Messages to kernel-object ports (see kern/ipc_kobject.h).
 *
 * Rationale. GNU Mach runs the server routine of a kernel object in the
 * sender's thread, inside its mach_msg, and queues the reply before the
 * sender's receive phase begins; a client's RPC to the kernel therefore
 * costs no thread switch and no queue on the kernel's side. This file
 * keeps that shape: the reply kmsg is built here with the reply right
 * moved into it from the request, and the request is destroyed (its
 * rights released) because no routine consumed it. The MIG-generated
 * servers will plug in where the RetCode is chosen.
 */
#include <stddef.h>
#include <stdint.h>

#include <include/mach/message.h>
#include <include/mach/mig_errors.h>
#include <ipc/ipc_kmsg.h>
#include <ipc/ipc_mqueue.h>
#include <ipc/ipc_port.h>
#include <kern/ipc_kobject.h>

/* The RetCode of request: no server routine exists yet. */
static kern_return_t
ipc_kobject_dispatch(const struct ipc_kmsg *request)
{
    (void)request;
    return MIG_BAD_ID;
}

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
    r->RetCodeType = MACH_MSGT(MACH_MSG_TYPE_INTEGER_32, 32, 1, 1);
    r->RetCode = ipc_kobject_dispatch(request);

    /* The reply right moves from the request to the reply. */
    reply->remote = request->local;
    request->local = NULL;
    request->header.msgh_bits &= ~MACH_MSGH_BITS_LOCAL_MASK;
    ipc_kmsg_destroy(request);
    if (!IPC_PORT_VALID(reply->remote)) {
        reply->remote = NULL;       /* no reply right, or a dead one: nobody to tell */
        ipc_kmsg_free(reply);
        return MACH_MSG_SUCCESS;
    }
    return ipc_mqueue_send(reply, MACH_SEND_ALWAYS, 0);
}
