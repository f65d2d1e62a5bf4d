/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Messages to kernel-object ports (see kern/ipc_kobject.h).
 *
 * Rationale. GNU Mach runs the server routine of a kernel object in the
 * sender's thread, inside its mach_msg, and queues the reply before the
 * sender's receive phase begins; a client's RPC to the kernel therefore
 * costs no thread switch and no queue on the kernel's side. This file
 * keeps that shape. The request is shown to the MIG-generated stubs in
 * the kernel's view (ports and copies as pointers, ipc_kmsg.h), the
 * demultiplexers are tried in turn, and the stub writes the reply into a
 * buffer of the largest reply's size, which is then taken up as a
 * kernel-built message and queued on the reply right. As in GNU Mach, a
 * routine that succeeds has consumed the request's body; otherwise the
 * body is destroyed. The destination right is released without a
 * notification.
 *
 * Kernel objects that live only as long as someone holds a send right
 * to them (I/O permissions) arm their port's no-senders request with a
 * send-once right to the port itself, as GNU Mach does; instead of a
 * message to a port nobody receives, ipc_kobject_no_senders() calls the
 * object's cleanup directly.
 */
#include <stddef.h>
#include <stdint.h>

#include <include/mach/message.h>
#include <include/mach/mig_errors.h>
#include <ipc/ipc_kmsg.h>
#include <ipc/ipc_mqueue.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <kern/ipc_kobject.h>
#include <kern/macros.h>
#include <kern/mig_kernel.h>
#include <kern/string.h>

/*
 * A reply buffer: room for the largest reply of the kernel's routines
 * (thread_get_state's 1024 words inline, with header and descriptors).
 */
#define IPC_KOBJECT_REPLY_SIZE  (4096u + 256u)

/*
 * The generated demultiplexers, tried in turn: each answers the ids of
 * its subsystem, and fills in the reply header (MIG_BAD_ID) otherwise.
 */
typedef boolean_t (*ipc_kobject_demux_t)(mach_msg_header_t *request, mach_msg_header_t *reply);

boolean_t mach_server(mach_msg_header_t *request, mach_msg_header_t *reply);
boolean_t mach_port_server(mach_msg_header_t *request, mach_msg_header_t *reply);
boolean_t device_server(mach_msg_header_t *request, mach_msg_header_t *reply);
boolean_t mach_host_server(mach_msg_header_t *request, mach_msg_header_t *reply);
boolean_t mach_host_ext_server(mach_msg_header_t *request, mach_msg_header_t *reply);
boolean_t mach_debug_server(mach_msg_header_t *request, mach_msg_header_t *reply);
boolean_t gnumach_server(mach_msg_header_t *request, mach_msg_header_t *reply);
boolean_t gnumach_ext_server(mach_msg_header_t *request, mach_msg_header_t *reply);
boolean_t mach_i386_server(mach_msg_header_t *request, mach_msg_header_t *reply);
boolean_t mach_i386_ext_server(mach_msg_header_t *request, mach_msg_header_t *reply);

static const ipc_kobject_demux_t ipc_kobject_demuxes[] = {
    mach_server,
    mach_host_server,
    mach_port_server,
    device_server,
    mach_host_ext_server,
    mach_debug_server,
    gnumach_server,
    gnumach_ext_server,
    mach_i386_server,
    mach_i386_ext_server,
};

/* Release the destination right of request, a kernel object's (no notification). */
static void
ipc_kobject_release_dest(struct ipc_kmsg *request)
{
    if (IPC_PORT_VALID(request->remote)) {
        ipc_right_release_send(request->remote, MACH_MSGH_BITS_REMOTE(request->header.msgh_bits));
    }
    request->remote = NULL;
}

mach_msg_return_t
ipc_kobject_server(struct ipc_kmsg *request)
{
    struct ipc_kmsg *reply;
    kern_return_t kr;
    mach_msg_return_t mr;
    size_t i;

    reply = ipc_kmsg_alloc(IPC_KOBJECT_REPLY_SIZE);
    if (reply == NULL) {
        ipc_kmsg_destroy(request);
        return MACH_SEND_NO_BUFFER;
    }
    ipc_kmsg_kernel_view(request);
    /* An inline string that does not end in the message ends in the slack. */
    memset((char *)&request->header + request->header.msgh_size, 0, IPC_KMSG_SLACK);
    for (i = 0; i < ARRAY_SIZE(ipc_kobject_demuxes); i++) {
        if (ipc_kobject_demuxes[i](&request->header, &reply->header)) {
            break;
        }
    }
    kr = ((mig_reply_header_t *)&reply->header)->RetCode;

    /* The reply right is in the reply's header now; the destination goes. */
    request->local = NULL;
    ipc_kobject_release_dest(request);
    if (kr == KERN_SUCCESS || kr == MIG_NO_REPLY) {
        ipc_kmsg_forget(request);       /* the routine took the body */
    } else {
        ipc_kmsg_destroy(request);
    }
    if (kr == MIG_NO_REPLY) {
        ipc_kmsg_free(reply);
        return MACH_MSG_SUCCESS;
    }
    mr = ipc_kmsg_from_kernel(reply);
    if (mr != MACH_MSG_SUCCESS) {
        ipc_kmsg_free(reply);
        return MACH_MSG_SUCCESS;        /* the reply is lost, as when its port is gone */
    }
    if (!IPC_PORT_VALID(reply->remote)) {
        reply->remote = NULL;           /* no reply right, or a dead one: nobody to tell */
        ipc_kmsg_destroy(reply);
        return MACH_MSG_SUCCESS;
    }
    return ipc_mqueue_send(reply, MACH_SEND_ALWAYS, 0);
}

bool
ipc_kobject_no_senders(struct ipc_port *notify)
{
    void *kobject;

    kobject = ipc_port_kobject(notify, IPC_KOBJECT_IO_PERM, NULL);
    if (kobject == NULL) {
        return false;
    }
    /* Its port had no send right left: nobody can reach the object meanwhile. */
    io_perm_no_senders(kobject);
    return true;
}
