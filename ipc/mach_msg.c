/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mach_msg_trap (see ipc/mach_msg.h).
 *
 * Rationale. The trap is glue over three layers: one copy of the user's
 * bytes into a kmsg, ipc_kmsg_copyin() for the rights, ipc_mqueue_send();
 * then ipc_mqueue_receive(), ipc_kmsg_copyout() and one copy back. User
 * memory is touched only here, with copyin()/copyout(), so that a bad
 * pointer (into the kernel, unmapped) is an error code and never a
 * fault, and the layers below stay free of it.
 */
#include <stddef.h>
#include <stdint.h>

#include <include/mach/message.h>
#include <ipc/ipc_kmsg.h>
#include <ipc/ipc_msg.h>
#include <ipc/ipc_mqueue.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <ipc/ipc_space.h>
#include <ipc/mach_msg.h>
#include <kern/copy.h>
#include <kern/panic.h>
#include <kern/task.h>

/*
 * MACH_SEND_NOTIFY, as GNU Mach does it: wait for room only as long as
 * MACH_SEND_TIMEOUT allows (without it, not at all); then, rather than
 * fail, queue the message past the limit with a msg-accepted request to
 * notify and answer MACH_SEND_WILL_NOTIFY. kmsg is the caller's again
 * after MACH_SEND_INTERRUPTED and the request's errors.
 */
static mach_msg_return_t
mach_msg_send_notify(struct ipc_space *space, struct ipc_kmsg *kmsg, mach_msg_option_t option,
                     mach_msg_timeout_t timeout, mach_port_name_t notify)
{
    mach_msg_return_t mr;

    mr = ipc_mqueue_send(kmsg, MACH_SEND_TIMEOUT, (option & MACH_SEND_TIMEOUT) ? timeout : 0);
    if (mr != MACH_SEND_TIMED_OUT) {
        return mr;
    }
    if (notify == MACH_PORT_NULL) {
        return MACH_SEND_INVALID_NOTIFY;
    }
    mr = ipc_right_marequest(space, kmsg->remote, notify, &kmsg->marequest);
    if (mr != MACH_MSG_SUCCESS) {
        return mr;
    }
    mr = ipc_mqueue_send(kmsg, MACH_SEND_ALWAYS, 0);
    assert(mr == MACH_MSG_SUCCESS);     /* queued (or destroyed with a dead port: answered) */
    return MACH_SEND_WILL_NOTIFY;
}

/* The send phase. */
static mach_msg_return_t
mach_msg_send(struct ipc_space *space, struct vm_user_map *map, uintptr_t msg, mach_msg_option_t option,
              mach_msg_size_t send_size, mach_msg_timeout_t timeout, mach_port_name_t notify)
{
    struct ipc_kmsg *kmsg;
    mach_msg_return_t mr;

    mr = ipc_msg_size_check(send_size);
    if (mr != MACH_MSG_SUCCESS) {
        return mr;
    }
    kmsg = ipc_kmsg_alloc(send_size);
    if (kmsg == NULL) {
        return MACH_SEND_NO_BUFFER;
    }
    if (copyin((const void *)msg, &kmsg->header, send_size) != 0) {
        ipc_kmsg_free(kmsg);
        return MACH_SEND_INVALID_DATA;
    }
    kmsg->header.msgh_size = send_size;     /* what the sender wrote there is ignored */
    if (option & MACH_SEND_CANCEL) {
        /* notify: a receive right whose port-deleted notification for the destination is dropped. */
        mr = notify == MACH_PORT_NULL ? MACH_SEND_INVALID_NOTIFY
             : ipc_kmsg_copyin_cancel(kmsg, space, map, notify);
    } else {
        mr = ipc_kmsg_copyin(kmsg, space, map);
    }
    if (mr != MACH_MSG_SUCCESS) {
        ipc_kmsg_free(kmsg);
        return mr;
    }
    if (option & MACH_SEND_NOTIFY) {
        mr = mach_msg_send_notify(space, kmsg, option, timeout, notify);
    } else {
        mr = ipc_mqueue_send(kmsg, option & ~MACH_SEND_ALWAYS, timeout);
    }
    if (mr == MACH_SEND_TIMED_OUT || mr == MACH_SEND_INTERRUPTED
        || mr == MACH_SEND_INVALID_NOTIFY || mr == MACH_SEND_NOTIFY_IN_PROGRESS
        || mr == MACH_SEND_NO_NOTIFY) {
        /* Not queued: the message goes back to the sender. */
        mr |= ipc_kmsg_copyout_pseudo(kmsg, space, map);
        if (copyout(&kmsg->header, (void *)msg, kmsg->header.msgh_size) != 0) {
            mr |= MACH_MSG_VM_SPACE;
        }
        ipc_kmsg_free(kmsg);
    }
    return mr;
}

/*
 * MACH_RCV_NOTIFY's request for kmsg's reply right: a send-once right
 * made from the receive right notify names, in *notifyp (NULL when the
 * message has no reply right: GNU Mach then looks nothing up). Returns
 * MACH_MSG_SUCCESS or MACH_RCV_INVALID_NOTIFY.
 */
static mach_msg_return_t
mach_msg_receive_notify(struct ipc_space *space, const struct ipc_kmsg *kmsg,
                        mach_port_name_t notify, struct ipc_port **notifyp)
{
    *notifyp = NULL;
    if (notify == MACH_PORT_NULL) {
        return MACH_RCV_INVALID_NOTIFY;
    }
    if (!IPC_PORT_VALID(kmsg->local)) {
        return MACH_MSG_SUCCESS;
    }
    if (ipc_right_copyin(space, notify, MACH_MSG_TYPE_MAKE_SEND_ONCE, notifyp) != KERN_SUCCESS
        || !IPC_PORT_VALID(*notifyp)) {
        *notifyp = NULL;
        return MACH_RCV_INVALID_NOTIFY;
    }
    return MACH_MSG_SUCCESS;
}

/* The receive phase. */
static mach_msg_return_t
mach_msg_receive(struct ipc_space *space, struct vm_user_map *map, uintptr_t msg, mach_msg_option_t option,
                 mach_msg_size_t rcv_size, mach_port_name_t rcv_name,
                 mach_msg_timeout_t timeout, mach_port_name_t notify)
{
    struct ipc_port *notify_port = NULL;
    mach_msg_header_t *umsg = (mach_msg_header_t *)msg;
    struct ipc_kmsg *kmsg;
    mach_msg_size_t size = 0;
    mach_msg_return_t mr;

    mr = ipc_mqueue_receive(space, rcv_name, option, rcv_size, timeout, &kmsg, &size);
    if (mr == MACH_RCV_TOO_LARGE && kmsg == NULL) {
        /* MACH_RCV_LARGE: the message stays queued; the receiver learns its size. */
        if (copyout(&size, &umsg->msgh_size, sizeof(size)) != 0) {
            return MACH_RCV_INVALID_DATA;
        }
        return mr;
    }
    if (mr == MACH_RCV_TOO_LARGE) {
        ipc_kmsg_copyout_dest(kmsg, space);
        if (copyout(&kmsg->header, umsg, sizeof(kmsg->header)) != 0) {
            mr = MACH_RCV_INVALID_DATA;
        }
        ipc_kmsg_free(kmsg);
        return mr;
    }
    if (mr != MACH_MSG_SUCCESS) {
        return mr;
    }
    if (option & MACH_RCV_NOTIFY) {
        mr = mach_msg_receive_notify(space, kmsg, notify, &notify_port);
    }
    if (mr != MACH_MSG_SUCCESS) {
        /* As GNU Mach: the message is consumed, the receiver gets its header only. */
        ipc_kmsg_copyout_dest(kmsg, space);
        if (copyout(&kmsg->header, umsg, sizeof(kmsg->header)) != 0) {
            mr = MACH_RCV_INVALID_DATA;
        }
        ipc_kmsg_free(kmsg);
        return mr;
    }
    mr = ipc_kmsg_copyout_notify(kmsg, space, map, notify_port);
    if (copyout(&kmsg->header, umsg, kmsg->header.msgh_size) != 0) {
        mr = MACH_RCV_INVALID_DATA;
    }
    ipc_kmsg_free(kmsg);
    return mr;
}

mach_msg_return_t
mach_msg_trap(uintptr_t msg, mach_msg_option_t option, mach_msg_size_t send_size,
              mach_msg_size_t rcv_size, mach_port_name_t rcv_name, mach_msg_timeout_t timeout,
              mach_port_name_t notify)
{
    struct task *task = task_self();
    mach_msg_return_t mr;

    if (task == NULL && (option & (MACH_SEND_MSG | MACH_RCV_MSG))) {
        /* A thread of no task (kernel tests) has no space to name ports in. */
        return (option & MACH_SEND_MSG) ? MACH_SEND_INVALID_DEST : MACH_RCV_INVALID_NAME;
    }
    if (option & MACH_SEND_MSG) {
        mr = mach_msg_send(task->space, task->map, msg, option, send_size, timeout, notify);
        if (mr == MACH_MSG_SUCCESS || mr == MACH_SEND_WILL_NOTIFY) {
            __atomic_fetch_add(&task->messages_sent, 1, __ATOMIC_RELAXED);    /* task_info EVENTS */
        }
        if (mr != MACH_MSG_SUCCESS) {
            return mr;
        }
    }
    if (option & MACH_RCV_MSG) {
        mr = mach_msg_receive(task->space, task->map, msg, option, rcv_size, rcv_name,
                              timeout, notify);
        if (mr == MACH_MSG_SUCCESS) {
            __atomic_fetch_add(&task->messages_received, 1, __ATOMIC_RELAXED);
        }
        return mr;
    }
    return MACH_MSG_SUCCESS;
}
