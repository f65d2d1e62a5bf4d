/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Ports and port sets, the objects that IPC rights name.
 *
 * A port has one receiver (the space holding its receive right), any
 * number of send rights and send-once rights in any spaces, and a message
 * queue (ipc/ipc_mqueue.h). It dies when its receive
 * right is destroyed: it turns inactive and forgets its receiver, and
 * the send rights held elsewhere become dead names the next time their
 * space looks at them (ipc/ipc_right.c). The memory goes once the last
 * reference is gone: each right held in a space holds one, and kernel
 * code may take more.
 *
 * Locking: port->lock protects every field but refs, which is atomic.
 * It is taken after the lock of a space (ipc/ipc_space.h), never the
 * other way round, and never two port locks at once. Port sets have no
 * lock yet: only the space naming one touches it, under that space's
 * lock.
 */
#ifndef IPC_IPC_PORT_H
#define IPC_IPC_PORT_H

#include <stdbool.h>

#include <include/mach/port.h>
#include <kern/list.h>
#include <kern/panic.h>
#include <kern/spinlock.h>

struct ipc_space;

/* Message queue of a port (ipc/ipc_mqueue.h); under the port lock. */
struct ipc_mqueue {
    struct list messages;           /* struct ipc_kmsg, oldest first */
    unsigned long nr_messages;
    unsigned int qlimit;            /* senders block at this many (send-once never) */
    unsigned int seqno;             /* sequence number of the next message received */
};

/* Kinds of kernel object a port stands for (IKOT_* in GNU Mach). */
enum ipc_kobject_type {
    IPC_KOBJECT_NONE,               /* an ordinary port, received by a space */
    IPC_KOBJECT_TASK,
    IPC_KOBJECT_THREAD,
    IPC_KOBJECT_HOST,
    IPC_KOBJECT_HOST_PRIV,
    IPC_KOBJECT_DEVICE_MASTER,
    IPC_KOBJECT_DEVICE,             /* an open device (device/device.h) */
    IPC_KOBJECT_PAGER,              /* a device pager, a kernel memory object (device/dev_pager.h) */
    IPC_KOBJECT_PROCESSOR,
    IPC_KOBJECT_PSET,               /* a processor set's control port */
    IPC_KOBJECT_PSET_NAME,          /* its name port */
    IPC_KOBJECT_IO_PERM,            /* an I/O permission (i386_io_perm_create) */
    IPC_KOBJECT_PAGER_CONTROL,      /* an external pager's control port (vm/vm_pager.h) */
    IPC_KOBJECT_PAGER_NAME,         /* its name port */
};

struct ipc_port {
    struct spinlock lock;
    unsigned int refs;              /* atomic */
    bool active;                    /* false once the receive right is destroyed */
    struct ipc_space *receiver;     /* space of the receive right; NULL when dead,
                                       for a kernel object, or in a message */
    mach_port_name_t receiver_name; /* its name there */
    unsigned int srights;           /* send rights: entries holding some, in all spaces,
                                       and one per right carried in a message */
    unsigned int sorights;          /* send-once rights, in spaces and in messages */
    struct list holders;            /* entries with send or receive rights for it */
    struct ipc_mqueue mqueue;
    struct ipc_pset *pset;          /* the port set it is a member of, or NULL */
    struct list pset_node;          /* in pset->members */
    struct ipc_port *destination;   /* receive right in a message: where it goes
                                       (ipc_port_transit_lock, see below) */
    enum ipc_kobject_type kotype;   /* IPC_KOBJECT_NONE unless the kernel receives */
    void *kobject;                  /* the object, while the port is active */
    /* Notifications (ipc/ipc_notify.h): requests hold send-once rights. */
    mach_port_mscount_t mscount;    /* make-send count: MAKE_SEND rights made */
    bool has_payload;               /* mach_port_set_protected_payload: receivers see */
    natural_t payload;              /* payload instead of the port's name; cleared when
                                       the receive right moves */
    struct ipc_port *nsrequest;     /* no-senders request, or NULL */
    struct ipc_port *pdrequest;     /* port-destroyed request, or NULL */
    struct list dnrequests;         /* dead-name requests (struct ipc_notify_dnrequest) */
};

typedef struct ipc_port *ipc_port_t;

/*
 * In a message, a port right slot holds a port, NULL (MACH_PORT_NULL was
 * sent) or IPC_PORT_DEAD (MACH_PORT_DEAD, or a dead name was sent).
 */
#define IPC_PORT_DEAD           ((struct ipc_port *)-1)
#define IPC_PORT_VALID(port)    ((port) != NULL && (port) != IPC_PORT_DEAD)

/*
 * A port set: receive rights grouped so that one receive takes the
 * oldest message of any member (ipc/ipc_mqueue.h). Membership (members,
 * each member's pset) changes with the space lock, the member's port
 * lock and the set's lock held, in that order; the space lock alone
 * keeps members stable for a reader.
 */
struct ipc_pset {
    struct spinlock lock;           /* active, events */
    unsigned int refs;              /* atomic: the space's right, waiting receivers */
    bool active;                    /* false once its right is destroyed */
    unsigned long events;           /* messages queued on members, ever */
    struct list members;            /* struct ipc_port, by pset_node */
};

/* Counters for reports. */
struct ipc_port_stats {
    unsigned long nr_ports;         /* allocated, dead ones included */
    unsigned long nr_active;
    unsigned long nr_psets;
};

/*
 * Create the kmem caches of ports, port sets and dead-name requests
 * (ipc_notify_setup()). Once, after kmem_setup().
 */
void ipc_port_setup(void);

/*
 * A new active port with one reference (for its receive right), its
 * receiver given by the caller (receiver and receiver_name). Returns
 * NULL when memory is out.
 */
struct ipc_port *ipc_port_create(struct ipc_space *receiver, mach_port_name_t name);

/*
 * A new active port that stands for the kernel object kobject of kind
 * kotype (not IPC_KOBJECT_NONE): the kernel holds its receive right (no
 * space does: receiver NULL), and its one reference is the creator's.
 * Spaces get send rights to it with ipc_right_insert() or
 * ipc_right_copyout(). Returns NULL when memory is out.
 */
struct ipc_port *ipc_port_create_kobject(enum ipc_kobject_type kotype, void *kobject);

/*
 * The object port stands for if it is active and of kind kotype, else
 * NULL. ref(obj), if not NULL, is called on the object under the port
 * lock, so that the object cannot go away between the check and the
 * reference (its owner kills the port with ipc_port_kobject_destroy()
 * before it frees the object). Takes the port lock.
 */
void *ipc_port_kobject(struct ipc_port *port, enum ipc_kobject_type kotype,
                       void (*ref)(void *obj));

/*
 * As ipc_port_kobject(), for objects that may be dying: tryref(obj),
 * called under the port lock, takes a reference or returns false (the
 * object is going: NULL is returned). Takes the port lock.
 */
void *ipc_port_kobject_tryref(struct ipc_port *port, enum ipc_kobject_type kotype,
                              bool (*tryref)(void *obj));

/*
 * Kill the kernel-object port port (its object is going away): it turns
 * inactive and forgets its object, send rights to it become dead names,
 * and the creator's reference is dropped. Takes the port lock.
 */
void ipc_port_kobject_destroy(struct ipc_port *port);

/*
 * The kernel-object port port stops standing for its object and becomes
 * an ordinary port whose receive right is in nobody's space yet: the
 * creator's reference becomes that right's, for the caller to move in
 * a message (memory_object_terminate hands a pager its control and
 * name ports so). Messages sent from now on are queued on it. Takes
 * the port lock.
 */
void ipc_port_kobject_detach(struct ipc_port *port);

/* Take a reference on port. Lock-free; the caller holds a reference already. */
void ipc_port_ref(struct ipc_port *port);

/*
 * Drop a reference; the last one frees the port, which must be inactive
 * by then. Lock-free, port lock not held.
 */
void ipc_port_unref(struct ipc_port *port);

/*
 * The receive right of port (active, in no space and no port set) is
 * destroyed. With a port-destroyed request armed, the right goes to it
 * in a notification instead (ipc/ipc_notify.h): the port stays active,
 * its messages stay queued, the caller's reference on it moves into the
 * notification, and this returns false. Otherwise the port dies: it
 * turns inactive, its no-senders request gets a send-once notification
 * and each dead-name request a dead-name notification, and this returns
 * true; the caller then destroys the queued messages and drops its
 * reference. Takes the port lock, and sends notifications (port locks
 * only): the caller may hold a space lock, but no port lock. Cannot fail.
 */
bool ipc_port_destroy(struct ipc_port *port);

/*
 * One send right of port (locked) is gone: srights drops by one. When it
 * reaches 0 on an active port with a no-senders request, the request is
 * disarmed and returned, and *mscountp gets the make-send count, for the
 * caller to send ipc_notify_no_senders() once the lock is released;
 * otherwise NULL. Inline: every send right released passes here.
 */
static inline struct ipc_port *
ipc_port_srights_dec(struct ipc_port *port, mach_port_mscount_t *mscountp)
{
    struct ipc_port *nsrequest;

    assert(port->srights != 0);
    port->srights--;
    if (port->srights != 0 || port->nsrequest == NULL || !port->active) {
        return NULL;
    }
    nsrequest = port->nsrequest;
    port->nsrequest = NULL;
    *mscountp = port->mscount;
    return nsrequest;
}

/* A new, empty, active port set with one reference. Returns NULL when memory is out. */
struct ipc_pset *ipc_pset_create(void);

/* Take a reference on pset (the caller holds one). Lock-free. */
void ipc_pset_ref(struct ipc_pset *pset);

/* Drop a reference; the last frees the set, which must be inactive and empty. Lock-free. */
void ipc_pset_unref(struct ipc_pset *pset);

/*
 * Receive rights in messages. A port whose receive right travels in a
 * message to dest records dest; following these links from a port
 * reaches every port whose queue holds it, directly or not. A message
 * that would close a loop (a port's receive right sent, however
 * indirectly, into its own queue) could never be received: it is
 * marked circular and destroyed instead of queued. The links are under
 * one global lock, taken last: callers may hold a space lock, never take
 * another lock under it.
 */

/*
 * Record that port's receive right now travels to dest (valid). Returns
 * true, and records nothing, when that closes a loop: dest is port, or
 * dest's own receive right travels to port, directly or not.
 */
bool ipc_port_transit_set(struct ipc_port *port, struct ipc_port *dest);

/* port's receive right arrived in a space, or died: forget its link. */
void ipc_port_transit_clear(struct ipc_port *port);

/* Copy the counters into *stats. Lock-free snapshot. */
void ipc_port_stats_get(struct ipc_port_stats *stats);

#endif /* IPC_IPC_PORT_H */
