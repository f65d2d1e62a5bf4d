/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel messages (see ipc/ipc_kmsg.h).
 *
 * Rationale. The message stays in the layout the sender wrote, so that
 * copyin and copyout are one copy each way and the body's descriptors
 * never move; the rights live beside it. Keeping ports out of the body's
 * name slots also keeps the body's layout independent of the size of a
 * kernel pointer, so the same code runs in host tests on 64-bit hosts.
 *
 * Copyin walks the body twice with ipc/ipc_msg's cursor: first to check
 * every descriptor and count the ports (so the rights array is sized
 * once, and a malformed body is refused before any of its rights move),
 * then to take the rights. The walks, and those of copyout and destroy,
 * use the same cursor, so they agree on where each item lies; after
 * copyin a port item's name is the received type, which the cursor
 * reads like any other.
 *
 * Accounting (ipc/ipc_right.h): every right in a kmsg holds one port
 * reference and one count in srights or sorights, exactly as in a space,
 * so a right is never counted twice or lost on its way.
 */
#include <stddef.h>
#include <stdint.h>

#include <include/mach/kern_return.h>
#include <include/mach/message.h>
#include <ipc/ipc_kmsg.h>
#include <ipc/ipc_marequest.h>
#include <ipc/ipc_mqueue.h>
#include <ipc/ipc_msg.h>
#include <ipc/ipc_notify.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <ipc/ipc_space.h>
#include <kern/error.h>
#include <kern/kmem.h>
#include <kern/list.h>
#include <kern/panic.h>
#include <kern/spinlock.h>
#include <vm/vm_copy.h>

#define IPC_KMSG_OVERHEAD       offsetof(struct ipc_kmsg, header)

struct ipc_kmsg *
ipc_kmsg_alloc(mach_msg_size_t size)
{
    struct ipc_kmsg *kmsg;

    assert(size >= IPC_MSG_HEADER_SIZE);
    if (size > IPC_KMSG_MAX_SIZE) {
        return NULL;
    }
    kmsg = kmem_alloc(IPC_KMSG_OVERHEAD + size + IPC_KMSG_SLACK);
    if (kmsg == NULL) {
        return NULL;
    }
    kmsg->remote = NULL;
    kmsg->local = NULL;
    kmsg->ports = NULL;
    kmsg->nr_ports = 0;
    kmsg->copies = NULL;
    kmsg->nr_copies = 0;
    kmsg->marequest = NULL;
    kmsg->alloc_size = size;
    kmsg->header.msgh_size = size;
    return kmsg;
}

void
ipc_kmsg_free(struct ipc_kmsg *kmsg)
{
    assert(kmsg->remote == NULL && kmsg->local == NULL && kmsg->ports == NULL
           && kmsg->copies == NULL);
    if (kmsg->marequest != NULL) {
        ipc_marequest_accepted(kmsg->marequest);   /* it left its queue: received or destroyed */
    }
    kmem_free(kmsg, IPC_KMSG_OVERHEAD + kmsg->alloc_size + IPC_KMSG_SLACK);
}

/* Start a cursor over kmsg's body. */
static void
ipc_kmsg_cursor(struct ipc_kmsg *kmsg, struct ipc_msg_cursor *cursor)
{
    ipc_msg_cursor_init(cursor, ipc_kmsg_body(kmsg),
                        kmsg->header.msgh_size - IPC_MSG_HEADER_SIZE);
}

/*
 * Destroying messages. A receive right in a message that dies kills its
 * port, whose queued messages die too, and they may carry receive
 * rights in turn: a chain as long as a sender cares to build. So
 * nothing recurses: dying messages go on a list that one loop empties
 * (ipc_kmsg_drain()), and releasing a receive right only appends the
 * port's messages to it.
 */

/* Release a right of a message; a receive right's queue goes to dying. */
static void
ipc_kmsg_release(struct ipc_port *port, mach_msg_type_name_t type, struct list *dying)
{
    if (!IPC_PORT_VALID(port)) {
        return;
    }
    if (type == MACH_MSG_TYPE_PORT_SEND_ONCE) {
        ipc_notify_send_once(port);     /* destroyed unused: it tells its port */
        return;
    }
    if (type != MACH_MSG_TYPE_PORT_RECEIVE) {
        ipc_right_release_send(port, type);
        return;
    }
    ipc_port_transit_clear(port);
    /* In a message: no space names the receive right. */
    if (ipc_port_destroy(port)) {
        ipc_mqueue_port_died(port, dying);
        ipc_port_unref(port);
    }                               /* else it went to its port-destroyed request */
}

/*
 * Release the body's first count rights (all of them: nr_ports) and the
 * array. The body was checked by copyin, so the cursor cannot fail.
 */
static void
ipc_kmsg_release_body(struct ipc_kmsg *kmsg, uint32_t count, struct list *dying)
{
    struct ipc_msg_cursor cursor;
    struct ipc_msg_item item;
    uint32_t i = 0, j;

    if (kmsg->ports == NULL) {
        return;
    }
    ipc_kmsg_cursor(kmsg, &cursor);
    while (i < count && !ipc_msg_cursor_done(&cursor)) {
        mach_msg_return_t mr = ipc_msg_cursor_next(&cursor, &item);

        assert(mr == MACH_MSG_SUCCESS);
        (void)mr;
        if (!item.is_port) {
            continue;
        }
        for (j = 0; j < item.number && i < count; j++, i++) {
            ipc_kmsg_release(kmsg->ports[i], ipc_msg_type_received(item.name), dying);
        }
    }
    kmem_free(kmsg->ports, kmsg->nr_ports * sizeof(kmsg->ports[0]));
    kmsg->ports = NULL;
    kmsg->nr_ports = 0;
}

/* Release the header's rights; the bits hold the received types. */
static void
ipc_kmsg_release_header(struct ipc_kmsg *kmsg, struct list *dying)
{
    mach_msg_bits_t bits = kmsg->header.msgh_bits;

    ipc_kmsg_release(kmsg->remote, MACH_MSGH_BITS_REMOTE(bits), dying);
    ipc_kmsg_release(kmsg->local, MACH_MSGH_BITS_LOCAL(bits), dying);
    kmsg->remote = NULL;
    kmsg->local = NULL;
}

/* Discard the out-of-line memory kmsg still holds, and the array. */
static void
ipc_kmsg_release_copies(struct ipc_kmsg *kmsg)
{
    uint32_t i;

    if (kmsg->copies == NULL) {
        return;
    }
    for (i = 0; i < kmsg->nr_copies; i++) {
        if (kmsg->copies[i] != NULL) {
            vm_copy_discard(kmsg->copies[i]);
        }
    }
    kmem_free(kmsg->copies, kmsg->nr_copies * sizeof(kmsg->copies[0]));
    kmsg->copies = NULL;
    kmsg->nr_copies = 0;
}

/* Destroy every message on dying, and those their rights bring. */
static void
ipc_kmsg_drain(struct list *dying)
{
    while (!list_empty(dying)) {
        struct ipc_kmsg *kmsg = list_entry(list_first(dying), struct ipc_kmsg, node);

        list_remove(&kmsg->node);
        ipc_kmsg_release_body(kmsg, kmsg->nr_ports, dying);
        ipc_kmsg_release_copies(kmsg);
        ipc_kmsg_release_header(kmsg, dying);
        ipc_kmsg_free(kmsg);
    }
}

void
ipc_kmsg_release_right(struct ipc_port *port, mach_msg_type_name_t type)
{
    struct list dying;

    assert(IPC_PORT_VALID(port));
    list_init(&dying);
    ipc_kmsg_release(port, type, &dying);
    ipc_kmsg_drain(&dying);
}

void
ipc_kmsg_port_died(struct ipc_port *port)
{
    struct list dying;

    list_init(&dying);
    ipc_mqueue_port_died(port, &dying);
    ipc_kmsg_drain(&dying);
}

void
ipc_kmsg_destroy(struct ipc_kmsg *kmsg)
{
    struct list dying;

    list_init(&dying);
    list_insert_tail(&dying, &kmsg->node);
    ipc_kmsg_drain(&dying);
}

/* Whether item carries out-of-line memory (data or port names) that needs a copy. */
static bool
ipc_kmsg_item_has_copy(const struct ipc_msg_item *item)
{
    return !item->is_inline && item->length != 0;
}

/*
 * First walk of a complex body: check every item, count the port slots
 * (inline and out of line) in *portsp and the out-of-line ranges in
 * *copiesp, and tell in *oolp whether any item is out of line (the
 * message stays complex). More than IPC_KMSG_MAX_PORTS ports is
 * MACH_SEND_INVALID_MEMORY (their names could not be copied in).
 */
static mach_msg_return_t
ipc_kmsg_body_check(struct ipc_kmsg *kmsg, uint32_t *portsp, uint32_t *copiesp, bool *oolp)
{
    struct ipc_msg_cursor cursor;
    struct ipc_msg_item item;
    uint64_t ports = 0;
    uint32_t copies = 0;

    *oolp = false;
    ipc_kmsg_cursor(kmsg, &cursor);
    while (!ipc_msg_cursor_done(&cursor)) {
        mach_msg_return_t mr = ipc_msg_cursor_next(&cursor, &item);

        if (mr != MACH_MSG_SUCCESS) {
            return mr;
        }
        if (!item.is_inline) {
            *oolp = true;
            copies += ipc_kmsg_item_has_copy(&item);
        }
        if (item.is_port) {
            ports += item.number;
            if (ports > IPC_KMSG_MAX_PORTS) {
                return MACH_SEND_INVALID_MEMORY;
            }
        }
    }
    *portsp = (uint32_t)ports;
    *copiesp = copies;
    return MACH_MSG_SUCCESS;
}

/* Capture an out-of-line item's range into copies[c]; the slot then reads 0. */
static mach_msg_return_t
ipc_kmsg_copy_capture(struct ipc_kmsg *kmsg, struct vm_user_map *map,
                      const struct ipc_msg_item *item, uint32_t c)
{
    uint32_t *slot = (uint32_t *)((uint8_t *)ipc_kmsg_body(kmsg) + item->data_offset);

    int (*capture)(struct vm_user_map *, uintptr_t, uintptr_t, bool, struct vm_copy **);

    /* The kernel rewrites a port array's names in the copy: a physical one. */
    capture = item->is_port ? vm_copy_capture_physical : vm_copy_capture;
    if (item->length > UINT32_MAX
        || capture(map, *slot, (uintptr_t)item->length, item->deallocate,
                   &kmsg->copies[c]) != 0) {
        return MACH_SEND_INVALID_MEMORY;
    }
    *slot = 0;
    return MACH_MSG_SUCCESS;
}

/*
 * Second walk: take the body's rights and out-of-line memory, in item
 * order. On failure, release what was taken. An item's name becomes the
 * received type once all its rights are taken; ipc_msg_type_received()
 * maps received types to themselves, so a release reads items done and
 * the item half done alike.
 */
static mach_msg_return_t
ipc_kmsg_body_copyin(struct ipc_kmsg *kmsg, struct ipc_space *space, struct vm_user_map *map)
{
    struct ipc_msg_cursor cursor;
    struct ipc_msg_item item;
    uint32_t i = 0, j, c = 0;
    uint8_t *body = ipc_kmsg_body(kmsg);
    mach_msg_return_t mr = MACH_MSG_SUCCESS;

    ipc_kmsg_cursor(kmsg, &cursor);
    while (mr == MACH_MSG_SUCCESS && !ipc_msg_cursor_done(&cursor)) {
        mach_msg_return_t ok = ipc_msg_cursor_next(&cursor, &item);
        const uint32_t *names = (const uint32_t *)(body + item.data_offset);

        assert(ok == MACH_MSG_SUCCESS);
        (void)ok;
        struct vm_copy *copy = NULL;

        if (ipc_kmsg_item_has_copy(&item)) {
            mr = ipc_kmsg_copy_capture(kmsg, map, &item, c);
            copy = kmsg->copies[c++];
        } else if (!item.is_inline) {
            *(uint32_t *)(body + item.data_offset) = 0;     /* 0 bytes: no address */
        }
        if (mr != MACH_MSG_SUCCESS || !item.is_port) {
            continue;
        }
        for (j = 0; j < item.number; j++) {
            mach_port_name_t name;

            if (copy != NULL) {
                vm_copy_read(copy, j * sizeof(name), &name, sizeof(name));
            } else {
                name = names[j];
            }
            if (ipc_right_copyin(space, name, item.name, &kmsg->ports[i]) != KERN_SUCCESS) {
                mr = MACH_SEND_INVALID_RIGHT;
                break;
            }
            i++;
        }
        if (mr != MACH_MSG_SUCCESS) {
            break;
        }
        if (item.name == MACH_MSG_TYPE_MOVE_RECEIVE) {
            for (j = 0; j < item.number; j++) {
                struct ipc_port *port = kmsg->ports[i - item.number + j];

                if (IPC_PORT_VALID(port) && ipc_port_transit_set(port, kmsg->remote)) {
                    kmsg->header.msgh_bits |= MACH_MSGH_BITS_CIRCULAR;
                }
            }
        }
        /* The rights are taken: the receiver's view of the item's type. */
        ipc_msg_item_set_name(body, &item, ipc_msg_type_received(item.name));
    }
    if (mr != MACH_MSG_SUCCESS) {
        struct list dying;

        list_init(&dying);
        ipc_kmsg_release_body(kmsg, i, &dying);
        ipc_kmsg_release_copies(kmsg);
        ipc_kmsg_drain(&dying);
        return mr;
    }
    assert(i == kmsg->nr_ports && c == kmsg->nr_copies);
    return MACH_MSG_SUCCESS;
}

mach_msg_return_t
ipc_kmsg_copyin(struct ipc_kmsg *kmsg, struct ipc_space *space, struct vm_user_map *map)
{
    return ipc_kmsg_copyin_cancel(kmsg, space, map, MACH_PORT_NULL);
}

mach_msg_return_t
ipc_kmsg_copyin_cancel(struct ipc_kmsg *kmsg, struct ipc_space *space, struct vm_user_map *map,
                       mach_port_name_t cancel)
{
    mach_msg_header_t *h = &kmsg->header;
    mach_msg_type_name_t dest_disp, reply_disp;
    mach_msg_return_t mr;
    uint32_t ports = 0, copies = 0;
    bool ool = false;

    h->msgh_bits &= ~MACH_MSGH_BITS_CIRCULAR;
    mr = ipc_msg_header_check(h);
    if (mr != MACH_MSG_SUCCESS) {
        return mr;
    }
    dest_disp = MACH_MSGH_BITS_REMOTE(h->msgh_bits);
    reply_disp = MACH_MSGH_BITS_LOCAL(h->msgh_bits);
    mr = ipc_right_copyin_header(space, h->msgh_remote_port, dest_disp, h->msgh_local_port,
                                 reply_disp, cancel, &kmsg->remote, &kmsg->local);
    if (mr != MACH_MSG_SUCCESS) {
        return mr;
    }
    h->msgh_bits = MACH_MSGH_BITS_OTHER(h->msgh_bits)
                   | MACH_MSGH_BITS(ipc_msg_type_received(dest_disp),
                                    reply_disp ? ipc_msg_type_received(reply_disp) : 0);
    if (!(h->msgh_bits & MACH_MSGH_BITS_COMPLEX)) {
        return MACH_MSG_SUCCESS;
    }
    mr = ipc_kmsg_body_check(kmsg, &ports, &copies, &ool);
    if (mr == MACH_MSG_SUCCESS && ports != 0) {
        kmsg->ports = kmem_alloc(ports * sizeof(kmsg->ports[0]));
        mr = kmsg->ports == NULL ? MACH_SEND_NO_BUFFER : MACH_MSG_SUCCESS;
        kmsg->nr_ports = kmsg->ports == NULL ? 0 : ports;
    }
    if (mr == MACH_MSG_SUCCESS && copies != 0) {
        kmsg->copies = kmem_zalloc(copies * sizeof(kmsg->copies[0]));
        mr = kmsg->copies == NULL ? MACH_SEND_NO_BUFFER : MACH_MSG_SUCCESS;
        kmsg->nr_copies = kmsg->copies == NULL ? 0 : copies;
    }
    if (mr == MACH_MSG_SUCCESS && (ports != 0 || ool)) {
        mr = ipc_kmsg_body_copyin(kmsg, space, map);
    }
    if (mr != MACH_MSG_SUCCESS) {
        struct list dying;

        list_init(&dying);
        ipc_kmsg_release_body(kmsg, 0, &dying);
        ipc_kmsg_release_copies(kmsg);
        ipc_kmsg_release_header(kmsg, &dying);
        ipc_kmsg_drain(&dying);
        return mr;
    }
    if (ports == 0 && !ool) {
        h->msgh_bits &= ~MACH_MSGH_BITS_COMPLEX;   /* neither ports nor memory */
    }
    return MACH_MSG_SUCCESS;
}

/* ---------------------------------------------------------------- the kernel's view */

void
ipc_kmsg_kernel_view(struct ipc_kmsg *kmsg)
{
    mach_msg_header_t *h = &kmsg->header;
    struct ipc_msg_cursor cursor;
    struct ipc_msg_item item;
    uint8_t *body = ipc_kmsg_body(kmsg);
    uint32_t i = 0, j, c = 0;

    h->msgh_remote_port = (mach_port_t)(uintptr_t)kmsg->remote;
    h->msgh_local_port = (mach_port_t)(uintptr_t)kmsg->local;
    if (!(h->msgh_bits & MACH_MSGH_BITS_COMPLEX)) {
        return;
    }
    ipc_kmsg_cursor(kmsg, &cursor);
    while (!ipc_msg_cursor_done(&cursor)) {
        mach_msg_return_t ok = ipc_msg_cursor_next(&cursor, &item);
        uint32_t *slot = (uint32_t *)(body + item.data_offset);
        struct vm_copy *copy = NULL;

        assert(ok == MACH_MSG_SUCCESS);
        (void)ok;
        if (ipc_kmsg_item_has_copy(&item)) {
            copy = kmsg->copies[c++];
            *slot = (uint32_t)(uintptr_t)copy;
        }
        if (!item.is_port) {
            continue;
        }
        for (j = 0; j < item.number; j++, i++) {
            uint32_t p = (uint32_t)(uintptr_t)kmsg->ports[i];

            if (copy != NULL) {
                vm_copy_write(copy, j * sizeof(p), &p, sizeof(p));
            } else if (item.is_inline) {
                slot[j] = p;
            }
        }
    }
    assert(i == kmsg->nr_ports && c == kmsg->nr_copies);
}

/* Free kmsg's arrays of rights and copies, whose contents are someone else's now. */
static void
ipc_kmsg_forget_arrays(struct ipc_kmsg *kmsg)
{
    if (kmsg->ports != NULL) {
        kmem_free(kmsg->ports, kmsg->nr_ports * sizeof(kmsg->ports[0]));
        kmsg->ports = NULL;
        kmsg->nr_ports = 0;
    }
    if (kmsg->copies != NULL) {
        kmem_free(kmsg->copies, kmsg->nr_copies * sizeof(kmsg->copies[0]));
        kmsg->copies = NULL;
        kmsg->nr_copies = 0;
    }
}

void
ipc_kmsg_forget(struct ipc_kmsg *kmsg)
{
    assert(kmsg->remote == NULL && kmsg->local == NULL);
    ipc_kmsg_forget_arrays(kmsg);
    ipc_kmsg_free(kmsg);
}

/* A right of a kernel-built message, given by disposition: the received type it becomes. */
static mach_msg_type_name_t
ipc_kmsg_kernel_right(struct ipc_kmsg *kmsg, struct ipc_port *port,
                      mach_msg_type_name_t disposition)
{
    mach_msg_type_name_t type = ipc_msg_type_received(disposition);

    if (!IPC_PORT_VALID(port)) {
        return type;
    }
    if (disposition == MACH_MSG_TYPE_COPY_SEND || disposition == MACH_MSG_TYPE_MAKE_SEND
        || disposition == MACH_MSG_TYPE_MAKE_SEND_ONCE) {
        ipc_right_make(port, type);
    } else if (type == MACH_MSG_TYPE_PORT_RECEIVE && ipc_port_transit_set(port, kmsg->remote)) {
        kmsg->header.msgh_bits |= MACH_MSGH_BITS_CIRCULAR;
    }
    return type;
}

mach_msg_return_t
ipc_kmsg_from_kernel(struct ipc_kmsg *kmsg)
{
    mach_msg_header_t *h = &kmsg->header;
    struct ipc_msg_cursor cursor;
    struct ipc_msg_item item;
    uint8_t *body = ipc_kmsg_body(kmsg);
    uint32_t ports = 0, copies = 0, i = 0, j, c = 0;
    mach_msg_return_t mr;
    bool ool;

    kmsg->remote = (struct ipc_port *)(uintptr_t)h->msgh_remote_port;
    kmsg->local = (struct ipc_port *)(uintptr_t)h->msgh_local_port;
    if (!(h->msgh_bits & MACH_MSGH_BITS_COMPLEX)) {
        return MACH_MSG_SUCCESS;
    }
    mr = ipc_kmsg_body_check(kmsg, &ports, &copies, &ool);
    assert(mr == MACH_MSG_SUCCESS);     /* the kernel builds well-formed bodies */
    if (ports != 0) {
        kmsg->ports = kmem_alloc(ports * sizeof(kmsg->ports[0]));
        kmsg->nr_ports = kmsg->ports == NULL ? 0 : ports;
    }
    if (copies != 0) {
        kmsg->copies = kmem_zalloc(copies * sizeof(kmsg->copies[0]));
        kmsg->nr_copies = kmsg->copies == NULL ? 0 : copies;
    }
    mr = (kmsg->nr_ports != ports || kmsg->nr_copies != copies) ? MACH_SEND_NO_BUFFER
                                                                 : MACH_MSG_SUCCESS;
    ipc_kmsg_cursor(kmsg, &cursor);
    while (!ipc_msg_cursor_done(&cursor)) {
        mach_msg_return_t ok = ipc_msg_cursor_next(&cursor, &item);
        uint32_t *slot = (uint32_t *)(body + item.data_offset);
        struct vm_copy *copy = NULL;

        assert(ok == MACH_MSG_SUCCESS);
        (void)ok;
        if (ipc_kmsg_item_has_copy(&item)) {
            copy = (struct vm_copy *)(uintptr_t)*slot;
            assert(copy != NULL && vm_copy_size(copy) >= item.length);
            if (mr == MACH_MSG_SUCCESS) {
                kmsg->copies[c++] = copy;
            }
            *slot = 0;
        }
        if (item.is_port) {
            mach_msg_type_name_t type = MACH_MSG_TYPE_PORT_SEND;

            for (j = 0; j < item.number; j++) {
                uint32_t p;

                if (copy != NULL) {
                    vm_copy_read(copy, j * sizeof(p), &p, sizeof(p));
                } else {
                    p = slot[j];
                }
                type = ipc_kmsg_kernel_right(kmsg, (struct ipc_port *)(uintptr_t)p, item.name);
                if (mr == MACH_MSG_SUCCESS) {
                    kmsg->ports[i++] = (struct ipc_port *)(uintptr_t)p;
                } else if (IPC_PORT_VALID((struct ipc_port *)(uintptr_t)p)) {
                    ipc_kmsg_release_right((struct ipc_port *)(uintptr_t)p, type);
                }
            }
            ipc_msg_item_set_name(body, &item, ipc_msg_type_received(item.name));
        }
        if (copy != NULL && mr != MACH_MSG_SUCCESS) {
            vm_copy_discard(copy);
        }
    }
    if (mr != MACH_MSG_SUCCESS) {
        struct list dying;

        list_init(&dying);
        ipc_kmsg_release_header(kmsg, &dying);
        ipc_kmsg_drain(&dying);
        ipc_kmsg_forget_arrays(kmsg);
        return mr;
    }
    assert(i == kmsg->nr_ports && c == kmsg->nr_copies);
    if (ports == 0 && !ool) {
        h->msgh_bits &= ~MACH_MSGH_BITS_COMPLEX;
    }
    return MACH_MSG_SUCCESS;
}

/*
 * The receiver's name for the destination port, whose right kmsg
 * consumes; with a protected payload, the payload, and *typep becomes
 * MACH_MSG_TYPE_PROTECTED_PAYLOAD (else it is left as it is).
 */
static mach_port_name_t
ipc_kmsg_dest_name(struct ipc_space *space, struct ipc_port *port, mach_msg_type_name_t *typep)
{
    mach_port_name_t name;

    spinlock_lock(&port->lock);
    if (!port->active) {
        name = MACH_PORT_DEAD;
    } else if (port->receiver == space && port->has_payload) {
        name = port->payload;           /* MACH-ABI.md 2.6: the payload, type 23 */
        *typep = MACH_MSG_TYPE_PROTECTED_PAYLOAD;
    } else if (port->receiver == space) {
        name = port->receiver_name;
    } else {
        name = MACH_PORT_NULL;
    }
    spinlock_unlock(&port->lock);
    return name;
}

/* The modifier bit for a failed copyout of a right. */
static mach_msg_return_t
ipc_kmsg_copyout_error(kern_return_t kr)
{
    return kr == KERN_RESOURCE_SHORTAGE ? MACH_MSG_IPC_KERNEL : MACH_MSG_IPC_SPACE;
}

/*
 * Give one right to space; a failure releases it and names it
 * MACH_PORT_NULL. notify: the MACH_RCV_NOTIFY request for a reply right
 * (NULL: none), always consumed.
 */
static mach_msg_return_t
ipc_kmsg_copyout_right(struct ipc_space *space, struct ipc_port *port,
                       mach_msg_type_name_t type, struct ipc_port *notify,
                       mach_port_name_t *namep)
{
    kern_return_t kr;

    if (!IPC_PORT_VALID(port)) {
        if (notify != NULL) {
            ipc_right_release_send(notify, MACH_MSG_TYPE_PORT_SEND_ONCE);  /* unused */
        }
        *namep = (port == NULL) ? MACH_PORT_NULL : MACH_PORT_DEAD;
        return MACH_MSG_SUCCESS;
    }
    kr = notify == NULL ? ipc_right_copyout_msg(space, port, type, namep)
                        : ipc_right_copyout_reply(space, port, type, notify, namep);
    if (kr == KERN_SUCCESS) {
        return MACH_MSG_SUCCESS;
    }
    ipc_kmsg_release_right(port, type);
    *namep = MACH_PORT_NULL;
    return ipc_kmsg_copyout_error(kr);
}

/*
 * Map an out-of-line item's copy into map; the slot gets its address and
 * the descriptor the deallocate bit, as every received out-of-line item
 * has. On failure the slot and the item's size read 0.
 */
static mach_msg_return_t
ipc_kmsg_copy_copyout(struct ipc_kmsg *kmsg, struct vm_user_map *map,
                      const struct ipc_msg_item *item, uint32_t c)
{
    uint8_t *body = ipc_kmsg_body(kmsg);
    uint32_t *slot = (uint32_t *)(body + item->data_offset);
    uintptr_t addr;
    int error;

    ipc_msg_item_set_deallocate(body, item);
    error = vm_copy_copyout(kmsg->copies[c], map, &addr);
    if (error == 0) {
        kmsg->copies[c] = NULL;         /* consumed */
        *slot = (uint32_t)addr;
        return MACH_MSG_SUCCESS;
    }
    *slot = 0;
    ipc_msg_item_clear_size(body, item);
    return error == ERROR_NOSPC ? MACH_MSG_VM_SPACE : MACH_MSG_VM_KERNEL;
}

/* Give the body's rights and memory to space and map, writing names and addresses. */
static mach_msg_return_t
ipc_kmsg_body_copyout(struct ipc_kmsg *kmsg, struct ipc_space *space, struct vm_user_map *map)
{
    struct ipc_msg_cursor cursor;
    struct ipc_msg_item item;
    mach_msg_return_t mr = MACH_MSG_SUCCESS;
    uint8_t *body = ipc_kmsg_body(kmsg);
    uint32_t i = 0, j, c = 0;

    ipc_kmsg_cursor(kmsg, &cursor);
    while (!ipc_msg_cursor_done(&cursor)) {
        mach_msg_return_t ok = ipc_msg_cursor_next(&cursor, &item);
        uint32_t *names = (uint32_t *)(body + item.data_offset);

        assert(ok == MACH_MSG_SUCCESS);
        (void)ok;
        if (item.is_port) {
            for (j = 0; j < item.number; j++, i++) {
                mach_port_name_t name;

                mr |= ipc_kmsg_copyout_right(space, kmsg->ports[i], item.name, NULL, &name);
                if (item.is_inline) {
                    names[j] = name;
                } else {
                    vm_copy_write(kmsg->copies[c], j * sizeof(name), &name, sizeof(name));
                }
            }
        }
        if (!item.is_inline) {
            if (ipc_kmsg_item_has_copy(&item)) {
                mr |= ipc_kmsg_copy_copyout(kmsg, map, &item, c++);
            } else {
                ipc_msg_item_set_deallocate(body, &item);     /* 0 bytes: address 0 */
            }
        }
    }
    assert(i == kmsg->nr_ports && c == kmsg->nr_copies);
    if (kmsg->ports != NULL) {
        kmem_free(kmsg->ports, kmsg->nr_ports * sizeof(kmsg->ports[0]));
        kmsg->ports = NULL;
        kmsg->nr_ports = 0;
    }
    ipc_kmsg_release_copies(kmsg);
    return mr == MACH_MSG_SUCCESS ? mr : (MACH_RCV_BODY_ERROR | mr);
}

mach_msg_return_t
ipc_kmsg_copyout(struct ipc_kmsg *kmsg, struct ipc_space *space, struct vm_user_map *map)
{
    return ipc_kmsg_copyout_notify(kmsg, space, map, NULL);
}

mach_msg_return_t
ipc_kmsg_copyout_notify(struct ipc_kmsg *kmsg, struct ipc_space *space, struct vm_user_map *map,
                        struct ipc_port *notify)
{
    mach_msg_header_t *h = &kmsg->header;
    mach_msg_type_name_t dest_type = MACH_MSGH_BITS_REMOTE(h->msgh_bits);
    mach_msg_type_name_t reply_type = MACH_MSGH_BITS_LOCAL(h->msgh_bits);
    mach_port_name_t dest_name, reply_name;
    mach_msg_return_t header_mr, body_mr = MACH_MSG_SUCCESS;

    assert(IPC_PORT_VALID(kmsg->remote));
    header_mr = ipc_kmsg_copyout_right(space, kmsg->local, reply_type, notify, &reply_name);
    kmsg->local = NULL;
    if (header_mr != MACH_MSG_SUCCESS) {
        struct list dying;

        list_init(&dying);
        ipc_kmsg_release_body(kmsg, kmsg->nr_ports, &dying);
        ipc_kmsg_release_copies(kmsg);
        ipc_kmsg_drain(&dying);
        header_mr |= MACH_RCV_HEADER_ERROR;
    } else if (h->msgh_bits & MACH_MSGH_BITS_COMPLEX) {
        body_mr = ipc_kmsg_body_copyout(kmsg, space, map);
    }
    /* Last: receive rights of the body linked to the destination (ipc_port_transit_set()). */
    dest_name = ipc_kmsg_dest_name(space, kmsg->remote, &dest_type);
    ipc_right_release_send(kmsg->remote, MACH_MSGH_BITS_REMOTE(h->msgh_bits));
    kmsg->remote = NULL;
    h->msgh_bits = MACH_MSGH_BITS_OTHER(h->msgh_bits)
                   | MACH_MSGH_BITS(reply_type, dest_type);
    h->msgh_remote_port = reply_name;
    h->msgh_local_port = dest_name;
    return header_mr != MACH_MSG_SUCCESS ? header_mr : body_mr;
}

mach_msg_return_t
ipc_kmsg_copyout_pseudo(struct ipc_kmsg *kmsg, struct ipc_space *space, struct vm_user_map *map)
{
    mach_msg_header_t *h = &kmsg->header;
    mach_msg_type_name_t dest_type = MACH_MSGH_BITS_REMOTE(h->msgh_bits);
    mach_msg_type_name_t reply_type = MACH_MSGH_BITS_LOCAL(h->msgh_bits);
    mach_port_name_t dest_name, reply_name;
    mach_msg_return_t mr;

    mr = MACH_MSG_SUCCESS;
    if (h->msgh_bits & MACH_MSGH_BITS_COMPLEX) {
        mr |= ipc_kmsg_body_copyout(kmsg, space, map) & MACH_MSG_MASK;
    }
    mr |= ipc_kmsg_copyout_right(space, kmsg->remote, dest_type, NULL, &dest_name);
    mr |= ipc_kmsg_copyout_right(space, kmsg->local, reply_type, NULL, &reply_name);
    kmsg->remote = NULL;
    kmsg->local = NULL;
    h->msgh_remote_port = dest_name;
    h->msgh_local_port = reply_name;
    return mr;
}

void
ipc_kmsg_copyout_dest(struct ipc_kmsg *kmsg, struct ipc_space *space)
{
    mach_msg_header_t *h = &kmsg->header;
    mach_msg_type_name_t dest_type = MACH_MSGH_BITS_REMOTE(h->msgh_bits), shown = dest_type;
    struct list dying;

    list_init(&dying);
    ipc_kmsg_release(kmsg->local, MACH_MSGH_BITS_LOCAL(h->msgh_bits), &dying);
    kmsg->local = NULL;
    ipc_kmsg_release_body(kmsg, kmsg->nr_ports, &dying);
    ipc_kmsg_release_copies(kmsg);
    h->msgh_local_port = ipc_kmsg_dest_name(space, kmsg->remote, &shown);
    ipc_right_release_send(kmsg->remote, dest_type);
    kmsg->remote = NULL;
    ipc_kmsg_drain(&dying);
    h->msgh_bits = MACH_MSGH_BITS_OTHER(h->msgh_bits) & ~MACH_MSGH_BITS_COMPLEX;
    h->msgh_bits |= MACH_MSGH_BITS(0, shown);
    h->msgh_remote_port = MACH_PORT_NULL;
}
