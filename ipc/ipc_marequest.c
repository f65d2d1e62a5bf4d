/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Msg-accepted requests (see ipc_marequest.h).
 *
 * The name and the done flag are the only shared state; both are
 * single words read and written atomically. The entry side writes the
 * name (rename, or MACH_PORT_NULL when the entry goes) under its space
 * lock; the message side reads it once, when it sends the notification.
 * A request is freed by whichever side drops the last reference.
 */
#include <stdbool.h>

#include <include/mach/notify.h>
#include <include/mach/port.h>
#include <ipc/ipc_marequest.h>
#include <ipc/ipc_notify.h>
#include <ipc/ipc_port.h>
#include <kern/kmem.h>
#include <kern/panic.h>

struct ipc_marequest {
    unsigned int refs;                  /* atomic: the message's, the entry's */
    bool done;                          /* atomic: the message left its queue */
    mach_port_name_t name;              /* atomic: the sender's name, or MACH_PORT_NULL */
    struct ipc_port *notify;            /* send-once right, given away when done */
};

static void
ipc_marequest_unref(struct ipc_marequest *req)
{
    if (__atomic_sub_fetch(&req->refs, 1, __ATOMIC_ACQ_REL) == 0) {
        assert(req->done && req->notify == NULL);
        kmem_free(req, sizeof(*req));
    }
}

struct ipc_marequest *
ipc_marequest_create(struct ipc_port *notify, mach_port_name_t name, unsigned int refs)
{
    struct ipc_marequest *req;

    assert(IPC_PORT_VALID(notify) && (refs == 1 || refs == 2));
    assert(refs == 2 || name == MACH_PORT_NULL);
    req = kmem_alloc(sizeof(*req));
    if (req == NULL) {
        return NULL;
    }
    req->refs = refs;
    req->done = false;
    req->name = name;
    req->notify = notify;
    return req;
}

bool
ipc_marequest_pending(const struct ipc_marequest *req)
{
    return !__atomic_load_n(&req->done, __ATOMIC_ACQUIRE);
}

void
ipc_marequest_rename(struct ipc_marequest *req, mach_port_name_t name)
{
    __atomic_store_n(&req->name, name, __ATOMIC_RELEASE);
}

void
ipc_marequest_entry_gone(struct ipc_marequest *req)
{
    __atomic_store_n(&req->name, MACH_PORT_NULL, __ATOMIC_RELEASE);
    ipc_marequest_unref(req);
}

void
ipc_marequest_accepted(struct ipc_marequest *req)
{
    struct ipc_port *notify = req->notify;

    assert(notify != NULL && ipc_marequest_pending(req));
    req->notify = NULL;
    __atomic_store_n(&req->done, true, __ATOMIC_RELEASE);
    ipc_notify_msg_accepted(notify, __atomic_load_n(&req->name, __ATOMIC_ACQUIRE));
    ipc_marequest_unref(req);
}
