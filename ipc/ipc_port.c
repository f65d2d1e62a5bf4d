/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Ports and port sets (see ipc/ipc_port.h).
 *
 * Rationale. Objects come from kmem caches, so creating a port costs a
 * magazine pop, never a zone refill that can panic, and fails cleanly
 * with NULL. The reference count is atomic so that dropping a right
 * never needs the port lock; whoever drops the last one frees the port,
 * which by then is dead (the receive right holds a reference until it is
 * destroyed) and is no longer on any list. Counters for the reports are
 * atomic too; they are approximate only while calls are in flight.
 */
#include <stdbool.h>
#include <stddef.h>

#include <ipc/ipc_notify.h>
#include <ipc/ipc_port.h>
#include <kern/kmem.h>
#include <kern/list.h>
#include <kern/panic.h>
#include <kern/spinlock.h>

static struct kmem_cache ipc_port_cache;
static struct kmem_cache ipc_pset_cache;

static struct spinlock ipc_port_transit_lock = SPINLOCK_INITIALIZER;

static unsigned long ipc_port_nr_ports;
static unsigned long ipc_port_nr_active;
static unsigned long ipc_port_nr_psets;

void
ipc_port_setup(void)
{
    if (kmem_cache_init(&ipc_port_cache, "ipc_port", sizeof(struct ipc_port), 0, NULL, 0) != 0
        || kmem_cache_init(&ipc_pset_cache, "ipc_pset", sizeof(struct ipc_pset), 0, NULL,
                           0) != 0) {
        panic("ipc: cannot create the port caches");
    }
    ipc_notify_setup();
}

static void
ipc_mqueue_init(struct ipc_mqueue *mqueue)
{
    list_init(&mqueue->messages);
    mqueue->nr_messages = 0;
    mqueue->qlimit = MACH_PORT_QLIMIT_DEFAULT;
    mqueue->seqno = 0;
}

struct ipc_port *
ipc_port_create(struct ipc_space *receiver, mach_port_name_t name)
{
    struct ipc_port *port = kmem_cache_alloc(&ipc_port_cache);

    if (port == NULL) {
        return NULL;
    }
    spinlock_init(&port->lock);
    port->refs = 1;
    port->active = true;
    port->receiver = receiver;
    port->receiver_name = name;
    port->srights = 0;
    port->sorights = 0;
    list_init(&port->holders);
    ipc_mqueue_init(&port->mqueue);
    port->pset = NULL;
    port->destination = NULL;
    port->kotype = IPC_KOBJECT_NONE;
    port->kobject = NULL;
    port->mscount = 0;
    port->has_payload = false;
    port->payload = 0;
    port->nsrequest = NULL;
    port->pdrequest = NULL;
    list_init(&port->dnrequests);
    __atomic_fetch_add(&ipc_port_nr_ports, 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&ipc_port_nr_active, 1, __ATOMIC_RELAXED);
    return port;
}

struct ipc_port *
ipc_port_create_kobject(enum ipc_kobject_type kotype, void *kobject)
{
    struct ipc_port *port;

    assert(kotype != IPC_KOBJECT_NONE && kobject != NULL);
    port = ipc_port_create(NULL, MACH_PORT_NULL);
    if (port != NULL) {
        port->kotype = kotype;
        port->kobject = kobject;
    }
    return port;
}

void *
ipc_port_kobject(struct ipc_port *port, enum ipc_kobject_type kotype, void (*ref)(void *obj))
{
    void *obj = NULL;

    spinlock_lock(&port->lock);
    if (port->active && port->kotype == kotype) {
        obj = port->kobject;
        if (ref != NULL) {
            ref(obj);
        }
    }
    spinlock_unlock(&port->lock);
    return obj;
}

void *
ipc_port_kobject_tryref(struct ipc_port *port, enum ipc_kobject_type kotype,
                        bool (*tryref)(void *obj))
{
    void *obj = NULL;

    spinlock_lock(&port->lock);
    if (port->active && port->kotype == kotype && tryref(port->kobject)) {
        obj = port->kobject;
    }
    spinlock_unlock(&port->lock);
    return obj;
}

void
ipc_port_kobject_destroy(struct ipc_port *port)
{
    bool died;

    assert(port->kotype != IPC_KOBJECT_NONE);
    died = ipc_port_destroy(port);  /* no space can arm a request on a kernel port */
    assert(died);
    (void)died;
    spinlock_lock(&port->lock);
    port->kobject = NULL;
    spinlock_unlock(&port->lock);
    ipc_port_unref(port);
}

void
ipc_port_kobject_detach(struct ipc_port *port)
{
    spinlock_lock(&port->lock);
    assert(port->active && port->kotype != IPC_KOBJECT_NONE && port->receiver == NULL);
    port->kotype = IPC_KOBJECT_NONE;
    port->kobject = NULL;
    spinlock_unlock(&port->lock);
}

void
ipc_port_ref(struct ipc_port *port)
{
    unsigned int old = __atomic_fetch_add(&port->refs, 1, __ATOMIC_RELAXED);

    /* A reference needs one to copy: 0 means the port is freed already. */
    assert(old != 0 && old != ~0u);
}

void
ipc_port_unref(struct ipc_port *port)
{
    unsigned int refs = __atomic_sub_fetch(&port->refs, 1, __ATOMIC_ACQ_REL);

    assert(refs != ~0u);            /* one unref too many: a use after free */
    if (refs != 0) {
        return;
    }
    assert(!port->active && list_empty(&port->holders));
    assert(port->srights == 0 && port->sorights == 0);
    assert(port->nsrequest == NULL && port->pdrequest == NULL && list_empty(&port->dnrequests));
    kmem_cache_free(&ipc_port_cache, port);
    __atomic_fetch_sub(&ipc_port_nr_ports, 1, __ATOMIC_RELAXED);
}

bool
ipc_port_destroy(struct ipc_port *port)
{
    struct ipc_port *pdrequest, *nsrequest;
    struct list dnrequests;

    spinlock_lock(&port->lock);
    assert(port->active && port->pset == NULL);
    port->receiver = NULL;
    port->receiver_name = MACH_PORT_NULL;
    port->mscount = 0;
    pdrequest = port->pdrequest;
    port->pdrequest = NULL;
    spinlock_unlock(&port->lock);
    if (pdrequest != NULL && ipc_notify_port_destroyed(pdrequest, port)) {
        return false;               /* the receive right lives on, in a notification */
    }
    spinlock_lock(&port->lock);
    assert(port->active);           /* the caller holds the receive right */
    port->active = false;
    nsrequest = port->nsrequest;
    port->nsrequest = NULL;
    list_init(&dnrequests);
    list_concat(&dnrequests, &port->dnrequests);
    spinlock_unlock(&port->lock);
    __atomic_fetch_sub(&ipc_port_nr_active, 1, __ATOMIC_RELAXED);
    if (nsrequest != NULL) {
        ipc_notify_send_once(nsrequest);
    }
    ipc_notify_dnrequests_fire(&dnrequests);
    return true;
}

bool
ipc_port_transit_set(struct ipc_port *port, struct ipc_port *dest)
{
    struct ipc_port *x;

    spinlock_lock(&ipc_port_transit_lock);
    for (x = dest; x != NULL; x = x->destination) {
        if (x == port) {
            spinlock_unlock(&ipc_port_transit_lock);
            return true;
        }
    }
    port->destination = dest;
    spinlock_unlock(&ipc_port_transit_lock);
    return false;
}

void
ipc_port_transit_clear(struct ipc_port *port)
{
    spinlock_lock(&ipc_port_transit_lock);
    port->destination = NULL;
    spinlock_unlock(&ipc_port_transit_lock);
}

struct ipc_pset *
ipc_pset_create(void)
{
    struct ipc_pset *pset = kmem_cache_alloc(&ipc_pset_cache);

    if (pset == NULL) {
        return NULL;
    }
    spinlock_init(&pset->lock);
    pset->refs = 1;
    pset->active = true;
    pset->events = 0;
    list_init(&pset->members);
    __atomic_fetch_add(&ipc_port_nr_psets, 1, __ATOMIC_RELAXED);
    return pset;
}

void
ipc_pset_ref(struct ipc_pset *pset)
{
    unsigned int old = __atomic_fetch_add(&pset->refs, 1, __ATOMIC_RELAXED);

    assert(old != 0);
}

void
ipc_pset_unref(struct ipc_pset *pset)
{
    if (__atomic_sub_fetch(&pset->refs, 1, __ATOMIC_ACQ_REL) != 0) {
        return;
    }
    assert(!pset->active && list_empty(&pset->members));
    kmem_cache_free(&ipc_pset_cache, pset);
    __atomic_fetch_sub(&ipc_port_nr_psets, 1, __ATOMIC_RELAXED);
}

void
ipc_port_stats_get(struct ipc_port_stats *stats)
{
    stats->nr_ports = __atomic_load_n(&ipc_port_nr_ports, __ATOMIC_RELAXED);
    stats->nr_active = __atomic_load_n(&ipc_port_nr_active, __ATOMIC_RELAXED);
    stats->nr_psets = __atomic_load_n(&ipc_port_nr_psets, __ATOMIC_RELAXED);
}
