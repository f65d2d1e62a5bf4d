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
#include <ipc/ipc_mqueue.h>
#include <ipc/ipc_msg.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <ipc/ipc_space.h>
#include <kern/kmem.h>
#include <kern/list.h>
#include <kern/panic.h>
#include <kern/spinlock.h>

#define IPC_KMSG_OVERHEAD       offsetof(struct ipc_kmsg, header)

struct ipc_kmsg *
ipc_kmsg_alloc(mach_msg_size_t size)
{
    struct ipc_kmsg *kmsg;

    assert(size >= IPC_MSG_HEADER_SIZE);
    if (size > IPC_KMSG_MAX_SIZE) {
        return NULL;
    }
    kmsg = kmem_alloc(IPC_KMSG_OVERHEAD + size);
    if (kmsg == NULL) {
        return NULL;
    }
    kmsg->remote = NULL;
    kmsg->local = NULL;
    kmsg->ports = NULL;
    kmsg->nr_ports = 0;
    kmsg->alloc_size = size;
    kmsg->header.msgh_size = size;
    return kmsg;
}

void
ipc_kmsg_free(struct ipc_kmsg *kmsg)
{
    assert(kmsg->remote == NULL && kmsg->local == NULL && kmsg->ports == NULL);
    kmem_free(kmsg, IPC_KMSG_OVERHEAD + kmsg->alloc_size);
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
    if (type != MACH_MSG_TYPE_PORT_RECEIVE) {
        ipc_right_release_send(port, type);
        return;
    }
    ipc_port_transit_clear(port);
    ipc_port_destroy(port);         /* in a message: no space names the receive right */
    ipc_mqueue_port_died(port, dying);
    ipc_port_unref(port);
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

/* Destroy every message on dying, and those their rights bring. */
static void
ipc_kmsg_drain(struct list *dying)
{
    while (!list_empty(dying)) {
        struct ipc_kmsg *kmsg = list_entry(list_first(dying), struct ipc_kmsg, node);

        list_remove(&kmsg->node);
        ipc_kmsg_release_body(kmsg, kmsg->nr_ports, dying);
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

/*
 * First walk of a complex body: check every item and count the port
 * slots in *countp. Out-of-line items are not supported yet.
 */
static mach_msg_return_t
ipc_kmsg_body_check(struct ipc_kmsg *kmsg, uint32_t *countp)
{
    struct ipc_msg_cursor cursor;
    struct ipc_msg_item item;
    uint64_t count = 0;

    ipc_kmsg_cursor(kmsg, &cursor);
    while (!ipc_msg_cursor_done(&cursor)) {
        mach_msg_return_t mr = ipc_msg_cursor_next(&cursor, &item);

        if (mr != MACH_MSG_SUCCESS) {
            return mr;
        }
        if (!item.is_inline) {
            return MACH_SEND_INVALID_TYPE;      /* out-of-line memory: a later step */
        }
        if (item.is_port) {
            count += item.number;
        }
    }
    assert(count <= kmsg->header.msgh_size / 4);    /* each inline port takes 4 bytes */
    *countp = (uint32_t)count;
    return MACH_MSG_SUCCESS;
}

/*
 * Second walk: take the body's rights. On failure, release those taken.
 * An item's name becomes the received type once all its rights are
 * taken; ipc_msg_type_received() maps received types to themselves, so
 * a release reads items done and the item half done alike.
 */
static mach_msg_return_t
ipc_kmsg_body_copyin(struct ipc_kmsg *kmsg, struct ipc_space *space)
{
    struct ipc_msg_cursor cursor;
    struct ipc_msg_item item;
    uint32_t i = 0, j;
    uint8_t *body = ipc_kmsg_body(kmsg);

    ipc_kmsg_cursor(kmsg, &cursor);
    while (!ipc_msg_cursor_done(&cursor)) {
        mach_msg_return_t mr = ipc_msg_cursor_next(&cursor, &item);
        const uint32_t *names = (const uint32_t *)(body + item.data_offset);

        assert(mr == MACH_MSG_SUCCESS);
        (void)mr;
        if (!item.is_port) {
            continue;
        }
        for (j = 0; j < item.number; j++, i++) {
            if (ipc_right_copyin(space, names[j], item.name, &kmsg->ports[i]) != KERN_SUCCESS) {
                struct list dying;

                list_init(&dying);
                ipc_kmsg_release_body(kmsg, i, &dying);
                ipc_kmsg_drain(&dying);
                return MACH_SEND_INVALID_RIGHT;
            }
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
    assert(i == kmsg->nr_ports);
    return MACH_MSG_SUCCESS;
}

mach_msg_return_t
ipc_kmsg_copyin(struct ipc_kmsg *kmsg, struct ipc_space *space)
{
    mach_msg_header_t *h = &kmsg->header;
    mach_msg_type_name_t dest_disp, reply_disp;
    mach_msg_return_t mr;
    uint32_t count = 0;

    h->msgh_bits &= ~MACH_MSGH_BITS_CIRCULAR;
    mr = ipc_msg_header_check(h);
    if (mr != MACH_MSG_SUCCESS) {
        return mr;
    }
    dest_disp = MACH_MSGH_BITS_REMOTE(h->msgh_bits);
    reply_disp = MACH_MSGH_BITS_LOCAL(h->msgh_bits);
    mr = ipc_right_copyin_header(space, h->msgh_remote_port, dest_disp, h->msgh_local_port,
                                 reply_disp, &kmsg->remote, &kmsg->local);
    if (mr != MACH_MSG_SUCCESS) {
        return mr;
    }
    h->msgh_bits = MACH_MSGH_BITS_OTHER(h->msgh_bits)
                   | MACH_MSGH_BITS(ipc_msg_type_received(dest_disp),
                                    reply_disp ? ipc_msg_type_received(reply_disp) : 0);
    if (!(h->msgh_bits & MACH_MSGH_BITS_COMPLEX)) {
        return MACH_MSG_SUCCESS;
    }
    mr = ipc_kmsg_body_check(kmsg, &count);
    if (mr == MACH_MSG_SUCCESS && count != 0) {
        kmsg->ports = kmem_alloc(count * sizeof(kmsg->ports[0]));
        if (kmsg->ports == NULL) {
            mr = MACH_SEND_NO_BUFFER;
        } else {
            kmsg->nr_ports = count;
            mr = ipc_kmsg_body_copyin(kmsg, space);
        }
    }
    if (mr != MACH_MSG_SUCCESS) {
        struct list dying;

        list_init(&dying);
        ipc_kmsg_release_header(kmsg, &dying);
        ipc_kmsg_drain(&dying);
        return mr;
    }
    if (count == 0) {
        h->msgh_bits &= ~MACH_MSGH_BITS_COMPLEX;   /* neither ports nor memory */
    }
    return MACH_MSG_SUCCESS;
}

/* The receiver's name for the destination port, whose right kmsg consumes. */
static mach_port_name_t
ipc_kmsg_dest_name(struct ipc_space *space, struct ipc_port *port)
{
    mach_port_name_t name;

    spinlock_lock(&port->lock);
    if (!port->active) {
        name = MACH_PORT_DEAD;
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

/* Give one right to space; a failure releases it and names it MACH_PORT_NULL. */
static mach_msg_return_t
ipc_kmsg_copyout_right(struct ipc_space *space, struct ipc_port *port,
                       mach_msg_type_name_t type, mach_port_name_t *namep)
{
    kern_return_t kr;

    if (!IPC_PORT_VALID(port)) {
        *namep = (port == NULL) ? MACH_PORT_NULL : MACH_PORT_DEAD;
        return MACH_MSG_SUCCESS;
    }
    kr = ipc_right_copyout_msg(space, port, type, namep);
    if (kr == KERN_SUCCESS) {
        return MACH_MSG_SUCCESS;
    }
    ipc_kmsg_release_right(port, type);
    *namep = MACH_PORT_NULL;
    return ipc_kmsg_copyout_error(kr);
}

/* Give the body's rights to space, writing their names into the body. */
static mach_msg_return_t
ipc_kmsg_body_copyout(struct ipc_kmsg *kmsg, struct ipc_space *space)
{
    struct ipc_msg_cursor cursor;
    struct ipc_msg_item item;
    mach_msg_return_t mr = MACH_MSG_SUCCESS;
    uint8_t *body = ipc_kmsg_body(kmsg);
    uint32_t i = 0, j;

    ipc_kmsg_cursor(kmsg, &cursor);
    while (i < kmsg->nr_ports && !ipc_msg_cursor_done(&cursor)) {
        mach_msg_return_t ok = ipc_msg_cursor_next(&cursor, &item);
        uint32_t *names = (uint32_t *)(body + item.data_offset);

        assert(ok == MACH_MSG_SUCCESS);
        (void)ok;
        if (!item.is_port) {
            continue;
        }
        for (j = 0; j < item.number; j++, i++) {
            mr |= ipc_kmsg_copyout_right(space, kmsg->ports[i], item.name, &names[j]);
        }
    }
    assert(i == kmsg->nr_ports);
    kmem_free(kmsg->ports, kmsg->nr_ports * sizeof(kmsg->ports[0]));
    kmsg->ports = NULL;
    kmsg->nr_ports = 0;
    return mr == MACH_MSG_SUCCESS ? mr : (MACH_RCV_BODY_ERROR | mr);
}

mach_msg_return_t
ipc_kmsg_copyout(struct ipc_kmsg *kmsg, struct ipc_space *space)
{
    mach_msg_header_t *h = &kmsg->header;
    mach_msg_type_name_t dest_type = MACH_MSGH_BITS_REMOTE(h->msgh_bits);
    mach_msg_type_name_t reply_type = MACH_MSGH_BITS_LOCAL(h->msgh_bits);
    mach_port_name_t dest_name, reply_name;
    mach_msg_return_t header_mr, body_mr = MACH_MSG_SUCCESS;

    assert(IPC_PORT_VALID(kmsg->remote));
    header_mr = ipc_kmsg_copyout_right(space, kmsg->local, reply_type, &reply_name);
    kmsg->local = NULL;
    if (header_mr != MACH_MSG_SUCCESS) {
        struct list dying;

        list_init(&dying);
        ipc_kmsg_release_body(kmsg, kmsg->nr_ports, &dying);
        ipc_kmsg_drain(&dying);
        header_mr |= MACH_RCV_HEADER_ERROR;
    } else if (kmsg->ports != NULL) {
        body_mr = ipc_kmsg_body_copyout(kmsg, space);
    }
    /* Last: receive rights of the body linked to the destination (ipc_port_transit_set()). */
    dest_name = ipc_kmsg_dest_name(space, kmsg->remote);
    ipc_right_release_send(kmsg->remote, dest_type);
    kmsg->remote = NULL;
    h->msgh_bits = MACH_MSGH_BITS_OTHER(h->msgh_bits)
                   | MACH_MSGH_BITS(reply_type, dest_type);
    h->msgh_remote_port = reply_name;
    h->msgh_local_port = dest_name;
    return header_mr != MACH_MSG_SUCCESS ? header_mr : body_mr;
}

mach_msg_return_t
ipc_kmsg_copyout_pseudo(struct ipc_kmsg *kmsg, struct ipc_space *space)
{
    mach_msg_header_t *h = &kmsg->header;
    mach_msg_type_name_t dest_type = MACH_MSGH_BITS_REMOTE(h->msgh_bits);
    mach_msg_type_name_t reply_type = MACH_MSGH_BITS_LOCAL(h->msgh_bits);
    mach_port_name_t dest_name, reply_name;
    mach_msg_return_t mr;

    mr = MACH_MSG_SUCCESS;
    if (kmsg->ports != NULL) {
        mr |= ipc_kmsg_body_copyout(kmsg, space) & MACH_MSG_MASK;
    }
    mr |= ipc_kmsg_copyout_right(space, kmsg->remote, dest_type, &dest_name);
    mr |= ipc_kmsg_copyout_right(space, kmsg->local, reply_type, &reply_name);
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
    mach_msg_type_name_t dest_type = MACH_MSGH_BITS_REMOTE(h->msgh_bits);
    struct list dying;

    list_init(&dying);
    ipc_kmsg_release(kmsg->local, MACH_MSGH_BITS_LOCAL(h->msgh_bits), &dying);
    kmsg->local = NULL;
    ipc_kmsg_release_body(kmsg, kmsg->nr_ports, &dying);
    h->msgh_local_port = ipc_kmsg_dest_name(space, kmsg->remote);
    ipc_right_release_send(kmsg->remote, dest_type);
    kmsg->remote = NULL;
    ipc_kmsg_drain(&dying);
    h->msgh_bits = MACH_MSGH_BITS_OTHER(h->msgh_bits) & ~MACH_MSGH_BITS_COMPLEX;
    h->msgh_bits |= MACH_MSGH_BITS(0, dest_type);
    h->msgh_remote_port = MACH_PORT_NULL;
}
