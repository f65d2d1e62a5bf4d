/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The mach_port.defs routines (ids 3200-3222), as the MIG-generated
 * kernel server calls them (doc/ipc.md, "MIG"; MACH-ABI.md 3.5).
 *
 * Rationale. The work is done by ipc/ipc_right.c, whose functions the
 * traps share; this file only adapts GNU Mach's prototypes (checked
 * against the generated mach_port_S.h) and builds the out-of-line
 * arrays that mach_port_names and mach_port_get_set_status return.
 * Each routine takes its space with a reference (convert_port_to_space)
 * and answers KERN_INVALID_TASK for a null or dead one, as GNU Mach
 * does. Routines this kernel lacks are answered by the stubs' weak
 * default (MIG_BAD_ID); doc/interface.md lists them.
 */
#include <stddef.h>

#include <include/mach/message.h>
#include <ipc/ipc_mqueue.h>
#include <ipc/ipc_msg.h>
#include <ipc/ipc_notify.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <ipc/ipc_space.h>
#include <kern/kmem.h>
#include <kern/mig_kernel.h>
#include <kern/spinlock.h>
#include <vm/vm_copy.h>

#include "mach_port_S.h"

kern_return_t
mach_port_names(ipc_space_t task, mach_port_name_array_t *names,
                mach_msg_type_number_t *namesCnt, mach_port_type_array_t *types,
                mach_msg_type_number_t *typesCnt)
{
    mach_port_name_t *name_buf = NULL;
    mach_port_type_t *type_buf = NULL;
    unsigned long max = 0, count;
    kern_return_t kr;

    if (task == NULL) {
        return KERN_INVALID_TASK;
    }
    /* Names come and go meanwhile: size the buffers until they fit. */
    for (;;) {
        kr = ipc_right_names(task, name_buf, type_buf, max, &count);
        if (kr != KERN_SUCCESS || count <= max) {
            break;
        }
        kmem_free(name_buf, max * sizeof(*name_buf));
        kmem_free(type_buf, max * sizeof(*type_buf));
        max = count + count / 4 + 8;
        name_buf = kmem_alloc(max * sizeof(*name_buf));
        type_buf = kmem_alloc(max * sizeof(*type_buf));
        if (name_buf == NULL || type_buf == NULL) {
            kr = KERN_RESOURCE_SHORTAGE;
            break;
        }
    }
    if (kr == KERN_SUCCESS) {
        kr = mig_reply_ool(name_buf, count * sizeof(uint32_t), names);
    }
    if (kr == KERN_SUCCESS) {
        kr = mig_reply_ool(type_buf, count * sizeof(uint32_t), types);
        if (kr != KERN_SUCCESS && *names != NULL) {
            vm_copy_discard((struct vm_copy *)*names);
        }
    }
    if (kr == KERN_SUCCESS) {
        *namesCnt = count;
        *typesCnt = count;
    }
    kmem_free(name_buf, max * sizeof(*name_buf));
    kmem_free(type_buf, max * sizeof(*type_buf));
    return kr;
}

kern_return_t
mach_port_type(ipc_space_t task, mach_port_name_t name, mach_port_type_t *ptype)
{
    return task == NULL ? KERN_INVALID_TASK : ipc_right_type(task, name, ptype);
}

kern_return_t
mach_port_rename(ipc_space_t task, mach_port_name_t old_name, mach_port_name_t new_name)
{
    return task == NULL ? KERN_INVALID_TASK : ipc_right_rename(task, old_name, new_name);
}

kern_return_t
mach_port_allocate_name(ipc_space_t task, mach_port_right_t right, mach_port_name_t name)
{
    return task == NULL ? KERN_INVALID_TASK : ipc_right_alloc_name(task, right, name);
}

kern_return_t
mach_port_allocate(ipc_space_t task, mach_port_right_t right, mach_port_name_t *name)
{
    return task == NULL ? KERN_INVALID_TASK : ipc_right_alloc(task, right, name);
}

kern_return_t
mach_port_destroy(ipc_space_t task, mach_port_name_t name)
{
    return task == NULL ? KERN_INVALID_TASK : ipc_right_destroy(task, name);
}

kern_return_t
mach_port_deallocate(ipc_space_t task, mach_port_name_t name)
{
    return task == NULL ? KERN_INVALID_TASK : ipc_right_deallocate(task, name);
}

kern_return_t
mach_port_get_refs(ipc_space_t task, mach_port_name_t name, mach_port_right_t right,
                   mach_port_urefs_t *refs)
{
    return task == NULL ? KERN_INVALID_TASK : ipc_right_get_refs(task, name, right, refs);
}

kern_return_t
mach_port_mod_refs(ipc_space_t task, mach_port_name_t name, mach_port_right_t right,
                   mach_port_delta_t delta)
{
    return task == NULL ? KERN_INVALID_TASK : ipc_right_mod_refs(task, name, right, delta);
}

/* The port of the receive right name denotes in task, with a reference. */
static kern_return_t
mach_port_receive(ipc_space_t task, mach_port_name_t name, struct ipc_port **portp)
{
    if (task == NULL) {
        return KERN_INVALID_TASK;
    }
    return ipc_right_port_of(task, name, MACH_PORT_TYPE_RECEIVE, portp);
}

kern_return_t
mach_port_set_qlimit(ipc_space_t task, mach_port_name_t name, mach_port_msgcount_t qlimit)
{
    struct ipc_port *port;
    kern_return_t kr;

    kr = mach_port_receive(task, name, &port);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    if (qlimit > MACH_PORT_QLIMIT_MAX) {
        kr = KERN_INVALID_VALUE;
    } else {
        spinlock_lock(&port->lock);
        port->mqueue.qlimit = qlimit;
        spinlock_unlock(&port->lock);
        ipc_mqueue_changed(port);       /* blocked senders look again */
    }
    ipc_port_unref(port);
    return kr;
}

/* mach_port_request_notification (3214) is ipc/ipc_notify.c's. */
kern_return_t
mach_port_set_mscount(ipc_space_t task, mach_port_name_t name, mach_port_mscount_t mscount)
{
    return task == NULL ? KERN_INVALID_TASK : ipc_notify_set_mscount(task, name, mscount);
}

kern_return_t
mach_port_get_receive_status(ipc_space_t task, mach_port_name_t name, mach_port_status_t *status)
{
    struct ipc_right_receive_status st;
    kern_return_t kr;

    if (task == NULL) {
        return KERN_INVALID_TASK;
    }
    kr = ipc_right_receive_status(task, name, &st);
    if (kr == KERN_SUCCESS) {
        status->mps_pset = st.pset;
        status->mps_seqno = st.seqno;
        status->mps_mscount = st.mscount;
        status->mps_qlimit = st.qlimit;
        status->mps_msgcount = st.msgcount;
        status->mps_sorights = st.sorights;
        status->mps_srights = st.srights;
        status->mps_pdrequest = st.pdrequest;
        status->mps_nsrequest = st.nsrequest;
    }
    return kr;
}

kern_return_t
mach_port_set_seqno(ipc_space_t task, mach_port_name_t name, mach_port_seqno_t seqno)
{
    struct ipc_port *port;
    kern_return_t kr;

    kr = mach_port_receive(task, name, &port);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    spinlock_lock(&port->lock);
    port->mqueue.seqno = seqno;
    spinlock_unlock(&port->lock);
    ipc_port_unref(port);
    return KERN_SUCCESS;
}

kern_return_t
mach_port_get_set_status(ipc_space_t task, mach_port_name_t name,
                         mach_port_name_array_t *members, mach_msg_type_number_t *membersCnt)
{
    mach_port_name_t *buf = NULL;
    unsigned long max = 0, count;
    kern_return_t kr;

    if (task == NULL) {
        return KERN_INVALID_TASK;
    }
    for (;;) {
        kr = ipc_right_pset_members(task, name, buf, max, &count);
        if (kr != KERN_SUCCESS || count <= max) {
            break;
        }
        kmem_free(buf, max * sizeof(*buf));
        max = count + count / 4 + 8;
        buf = kmem_alloc(max * sizeof(*buf));
        if (buf == NULL) {
            kr = KERN_RESOURCE_SHORTAGE;
            break;
        }
    }
    if (kr == KERN_SUCCESS) {
        kr = mig_reply_ool(buf, count * sizeof(uint32_t), members);
    }
    if (kr == KERN_SUCCESS) {
        *membersCnt = count;
    }
    kmem_free(buf, max * sizeof(*buf));
    return kr;
}

kern_return_t
mach_port_move_member(ipc_space_t task, mach_port_name_t member, mach_port_name_t after)
{
    return task == NULL ? KERN_INVALID_TASK : ipc_right_move_member(task, member, after);
}

/*
 * The right arrives as the request carried it (polyPoly, a received
 * type); a send or send-once right is given under name as the kernel
 * gives one, and the carried right is then released; a receive right
 * moves in itself.
 */
kern_return_t
mach_port_insert_right(ipc_space_t task, mach_port_name_t name, ipc_port_t poly,
                       mach_msg_type_name_t polyPoly)
{
    mach_port_right_t right;
    kern_return_t kr;

    if (task == NULL) {
        return KERN_INVALID_TASK;
    }
    if (!MACH_PORT_VALID(name) || !IPC_PORT_VALID(poly)) {
        return KERN_INVALID_VALUE;
    }
    if (polyPoly == MACH_MSG_TYPE_PORT_RECEIVE) {
        return ipc_right_insert_receive(task, name, poly);
    } else if (polyPoly == MACH_MSG_TYPE_PORT_SEND) {
        right = MACH_PORT_RIGHT_SEND;
    } else if (polyPoly == MACH_MSG_TYPE_PORT_SEND_ONCE) {
        right = MACH_PORT_RIGHT_SEND_ONCE;
    } else {
        return KERN_INVALID_VALUE;
    }
    kr = ipc_right_insert(task, name, poly, right);
    if (kr == KERN_SUCCESS) {
        ipc_right_release_send(poly, polyPoly);
    }
    return kr;
}

kern_return_t
mach_port_extract_right(ipc_space_t task, mach_port_name_t name, mach_msg_type_name_t msgt_name,
                        ipc_port_t *poly, mach_msg_type_name_t *polyPoly)
{
    kern_return_t kr;

    if (task == NULL) {
        return KERN_INVALID_TASK;
    }
    if (msgt_name < MACH_MSG_TYPE_MOVE_RECEIVE || msgt_name > MACH_MSG_TYPE_MAKE_SEND_ONCE) {
        return KERN_INVALID_VALUE;
    }
    kr = ipc_right_copyin(task, name, msgt_name, poly);
    if (kr == KERN_SUCCESS) {
        *polyPoly = ipc_msg_type_received(msgt_name);
    }
    return kr;
}

/* Set or clear the protected payload of the port whose receive right name is. */
static kern_return_t
mach_port_payload(ipc_space_t task, mach_port_name_t name, bool set, natural_t payload)
{
    struct ipc_port *port;
    kern_return_t kr;

    kr = mach_port_receive(task, name, &port);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    spinlock_lock(&port->lock);
    port->has_payload = set;
    port->payload = payload;
    spinlock_unlock(&port->lock);
    ipc_port_unref(port);
    return KERN_SUCCESS;
}

kern_return_t
mach_port_set_protected_payload(ipc_space_t task, mach_port_name_t name, natural_t payload)
{
    return mach_port_payload(task, name, true, payload);
}

kern_return_t
mach_port_clear_protected_payload(ipc_space_t task, mach_port_name_t name)
{
    return mach_port_payload(task, name, false, 0);
}
