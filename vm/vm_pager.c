/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * External memory managers (see vm/vm_pager.h) and the pager → kernel
 * routines of mach.defs: memory_object_data_supply, _data_unavailable,
 * _data_error, _ready, _change_attributes, _get_attributes.
 *
 * Rationale. GNU Mach keeps one VM object per memory object port, and
 * marks a requested page "busy and absent" in the object until the
 * pager answers; its faults sleep on that page. Here an object's pages
 * live in a radix tree that holds real pages only, so a pending request
 * is a small record on the pager (offset, waiters, result) instead: the
 * first fault on a page creates it and sends memory_object_data_request,
 * later faults on the same page find it and wait with the first, and
 * the answer completes it and wakes every waiter, who then look again.
 * A fault never sleeps holding its map's mutex: the pager may be a
 * thread of the same task, whose own faults and out-of-line receives
 * need that mutex.
 *
 * A pager object is marked shared (vm_object_share()): unmapping a
 * range keeps its pages, which stay until the object dies, and no map
 * ever shadows it. Its count of references drops under the table lock
 * (vm_pager_object_release()), and lookups (by memory object port in
 * the table, by control port through ipc_port_kobject_tryref()) take
 * one under the same lock, so a dying object is never found again; an
 * object whose termination is in progress stays in the table, marked,
 * until memory_object_terminate is queued, so that vm_map of the same
 * port waits for it and the pager sees terminate before the next init,
 * as with GNU Mach.
 *
 * Messages to the pager are built here in the kernel's view
 * (ipc_kmsg_from_kernel()) and queued with MACH_SEND_ALWAYS, as GNU
 * Mach's kernel-user stubs do: the kernel never blocks on a pager's
 * full queue. Supplied data is copied into new direct-mapped pages (one
 * page copy each); stealing the sender's pages is left for later.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <include/mach/kern_return.h>
#include <include/mach/message.h>
#include <ipc/ipc_kmsg.h>
#include <ipc/ipc_mqueue.h>
#include <ipc/ipc_msg.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <kern/error.h>
#include <kern/kmem.h>
#include <kern/list.h>
#include <kern/macros.h>
#include <kern/mig_kernel.h>
#include <kern/panic.h>
#include <kern/spinlock.h>
#include <kern/string.h>
#include <kern/thread.h>
#include <machine/param.h>
#include <vm/vm_copy.h>
#include <vm/vm_map.h>
#include <vm/vm_object.h>
#include <vm/vm_page.h>
#include <vm/vm_pager.h>

#include "mach_S.h"

/* Copy strategies (GNU Mach's mach/memory_object.h). */
#define MEMORY_OBJECT_COPY_NONE         0
#define MEMORY_OBJECT_COPY_DELAY        2
#define MEMORY_OBJECT_COPY_TEMPORARY    3

/* Message ids of memory_object.defs (kernel → pager). */
#define VM_PAGER_INIT_ID            2200
#define VM_PAGER_TERMINATE_ID       2201
#define VM_PAGER_DATA_REQUEST_ID    2203
#define VM_PAGER_CHANGE_COMPLETED_ID 2209

/* A page asked for and not answered yet, or answered and not yet seen by all its waiters. */
struct vm_pager_request {
    struct list node;               /* in pager->requests while pending */
    uint64_t offset;
    unsigned int waiters;           /* faults sleeping on it */
    bool pending;
    int result;                     /* once answered: 0 (look again) or ERROR_IO */
};

struct vm_pager {
    struct list node;               /* in vm_pager_table */
    struct vm_object *object;
    struct ipc_port *port;          /* the memory object: a send right the object holds */
    struct ipc_port *control;       /* IPC_KOBJECT_PAGER_CONTROL, object as kobject */
    struct ipc_port *name;          /* IPC_KOBJECT_PAGER_NAME */
    bool dying;                     /* last reference gone (table lock) */
    /* Under object->lock: */
    struct list requests;
    bool ready;                     /* memory_object_ready or _change_attributes seen */
    bool may_cache;
    int copy_strategy;
    struct waitq wq;                /* faults waiting for an answer or for ready */
};

static struct kmem_cache vm_pager_cache;
static struct kmem_cache vm_pager_request_cache;
static struct spinlock vm_pager_lock;
static struct list vm_pager_table;
static unsigned long vm_pager_nr;

void
vm_pager_setup(void)
{
    if (kmem_cache_init(&vm_pager_cache, "vm_pager", sizeof(struct vm_pager), 0, NULL, 0) != 0
        || kmem_cache_init(&vm_pager_request_cache, "vm_pager_request",
                           sizeof(struct vm_pager_request), 0, NULL, 0) != 0) {
        panic("vm_pager: cannot create the caches");
    }
    spinlock_init(&vm_pager_lock);
    list_init(&vm_pager_table);
}

unsigned long
vm_pager_count(void)
{
    return __atomic_load_n(&vm_pager_nr, __ATOMIC_RELAXED);
}

/* Whether the pager's port is alive (a message to it can be received). */
static bool
vm_pager_port_active(struct ipc_port *port)
{
    bool active;

    spinlock_lock(&port->lock);
    active = port->active;
    spinlock_unlock(&port->lock);
    return active;
}

/* A body item's type word: one 32-bit element of type name, inline. */
static uint32_t
vm_pager_item(mach_msg_type_name_t name)
{
    return MACH_MSGT(name, 32, 1, 1);
}

/*
 * Send a message of nr body words (in the kernel's view: pairs of a
 * type word and a value, port items holding struct ipc_port pointers
 * with their dispositions) and id to dest, through a right of type
 * dest_type (PORT_SEND or PORT_SEND_ONCE) the caller gives up. The
 * right and the body's moved receive rights are always consumed: when
 * the message cannot be built they are released. Returns 0 or
 * ERROR_NOMEM.
 */
static int
vm_pager_msg_send(struct ipc_port *dest, mach_msg_type_name_t dest_type, mach_msg_id_t id,
                  const uint32_t *words, unsigned int nr)
{
    mach_msg_size_t size = sizeof(mach_msg_header_t) + nr * sizeof(uint32_t);
    struct ipc_kmsg *kmsg;
    mach_msg_return_t mr;

    assert(nr % 2 == 0);
    kmsg = ipc_kmsg_alloc(size);
    if (kmsg == NULL) {
        ipc_right_release_send(dest, dest_type);
        for (unsigned int i = 0; i < nr; i += 2) {
            if (MACH_MSGT_NAME(words[i]) == MACH_MSG_TYPE_MOVE_RECEIVE) {
                ipc_kmsg_release_right((struct ipc_port *)(uintptr_t)words[i + 1],
                                       MACH_MSG_TYPE_PORT_RECEIVE);
            }
        }
        return ERROR_NOMEM;
    }
    /* ipc_kmsg_from_kernel() drops COMPLEX when the body carries no right. */
    kmsg->header.msgh_bits = MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(dest_type, 0);
    kmsg->header.msgh_size = size;
    kmsg->header.msgh_remote_port = (mach_port_t)(uintptr_t)dest;
    kmsg->header.msgh_local_port = MACH_PORT_NULL;
    kmsg->header.msgh_seqno = 0;
    kmsg->header.msgh_id = id;
    memcpy(ipc_kmsg_body(kmsg), words, nr * sizeof(uint32_t));
    mr = ipc_kmsg_from_kernel(kmsg);
    if (mr != MACH_MSG_SUCCESS) {
        ipc_kmsg_free(kmsg);            /* from_kernel released every right */
        return ERROR_NOMEM;
    }
    /* Never blocks; a port that died meanwhile destroys the message. */
    ipc_mqueue_send(kmsg, MACH_SEND_ALWAYS, 0);
    return 0;
}

/*
 * vm_pager_msg_send() to pager's memory object port with a new send
 * right. Returns 0, ERROR_NOMEM, or ERROR_IO (the port is dead: nobody
 * will answer).
 */
static int
vm_pager_send(struct vm_pager *pager, mach_msg_id_t id, const uint32_t *words, unsigned int nr)
{
    if (!vm_pager_port_active(pager->port)) {
        return ERROR_IO;
    }
    ipc_right_make(pager->port, MACH_MSG_TYPE_PORT_SEND);
    return vm_pager_msg_send(pager->port, MACH_MSG_TYPE_PORT_SEND, id, words, nr);
}

/* memory_object_init(memory_object, control, name, page_size). */
static int
vm_pager_send_init(struct vm_pager *pager)
{
    const uint32_t words[] = {
        vm_pager_item(MACH_MSG_TYPE_MAKE_SEND), (uint32_t)(uintptr_t)pager->control,
        vm_pager_item(MACH_MSG_TYPE_MAKE_SEND), (uint32_t)(uintptr_t)pager->name,
        vm_pager_item(MACH_MSG_TYPE_INTEGER_32), PAGE_SIZE,
    };

    return vm_pager_send(pager, VM_PAGER_INIT_ID, words, ARRAY_SIZE(words));
}

/* memory_object_data_request(memory_object, control, offset, length, desired_access). */
static int
vm_pager_send_request(struct vm_pager *pager, uint64_t offset, unsigned int access)
{
    const uint32_t words[] = {
        vm_pager_item(MACH_MSG_TYPE_MAKE_SEND), (uint32_t)(uintptr_t)pager->control,
        vm_pager_item(MACH_MSG_TYPE_INTEGER_32), (uint32_t)offset,
        vm_pager_item(MACH_MSG_TYPE_INTEGER_32), PAGE_SIZE,
        vm_pager_item(MACH_MSG_TYPE_INTEGER_32), access,
    };

    return vm_pager_send(pager, VM_PAGER_DATA_REQUEST_ID, words, ARRAY_SIZE(words));
}

/* The pager of memory object port in the table, or NULL. Table locked. */
static struct vm_pager *
vm_pager_find(struct ipc_port *port)
{
    struct vm_pager *pager;

    list_foreach_entry(&vm_pager_table, pager, node) {
        if (pager->port == port) {
            return pager;
        }
    }
    return NULL;
}

/* Take one reference to a live pager object, or fail for a dying one. Table locked. */
static bool
vm_pager_tryref_locked(struct vm_pager *pager)
{
    if (pager->dying) {
        return false;
    }
    vm_object_ref(pager->object);
    return true;
}

/* The tryref of control port lookups (under the port lock, then the table lock). */
static bool
vm_pager_tryref(void *obj)
{
    struct vm_object *object = obj;
    bool ok;

    spinlock_lock(&vm_pager_lock);
    ok = vm_pager_tryref_locked(object->pager);
    spinlock_unlock(&vm_pager_lock);
    return ok;
}

/* Free a pager that never entered the table, with its object and ports. */
static void
vm_pager_discard(struct vm_pager *pager, struct vm_object *object)
{
    if (pager->control != NULL) {
        ipc_port_kobject_destroy(pager->control);
    }
    if (pager->name != NULL) {
        ipc_port_kobject_destroy(pager->name);
    }
    if (object != NULL) {
        vm_object_unref(object);       /* no pager yet: an anonymous object with no page */
    }
    kmem_cache_free(&vm_pager_cache, pager);
}

/* A new pager for port with its object and ports, not in the table. NULL when memory is out. */
static struct vm_pager *
vm_pager_create(struct ipc_port *port)
{
    struct vm_pager *pager;
    struct vm_object *object = NULL;

    pager = kmem_cache_alloc(&vm_pager_cache);
    if (pager == NULL) {
        return NULL;
    }
    memset(pager, 0, sizeof(*pager));
    pager->port = port;
    list_init(&pager->requests);
    waitq_init_intr(&pager->wq);
    pager->copy_strategy = MEMORY_OBJECT_COPY_DELAY;
    if (vm_object_create(VM_OBJECT_SIZE_MAX, &object) != 0) {
        vm_pager_discard(pager, NULL);
        return NULL;
    }
    pager->control = ipc_port_create_kobject(IPC_KOBJECT_PAGER_CONTROL, object);
    pager->name = ipc_port_create_kobject(IPC_KOBJECT_PAGER_NAME, object);
    if (pager->control == NULL || pager->name == NULL) {
        vm_pager_discard(pager, object);
        return NULL;
    }
    pager->object = object;
    return pager;
}

int
vm_pager_object_get(struct ipc_port *port, struct vm_object **objectp)
{
    struct vm_pager *pager, *fresh = NULL;
    bool ordinary;

    spinlock_lock(&port->lock);
    ordinary = port->active && port->kotype == IPC_KOBJECT_NONE;
    spinlock_unlock(&port->lock);
    if (!ordinary) {
        return ERROR_INVAL;
    }
    for (;;) {
        spinlock_lock(&vm_pager_lock);
        pager = vm_pager_find(port);
        if (pager != NULL && vm_pager_tryref_locked(pager)) {
            spinlock_unlock(&vm_pager_lock);
            if (fresh != NULL) {
                vm_pager_discard(fresh, fresh->object);
            }
            *objectp = pager->object;
            return 0;
        }
        if (pager == NULL && fresh != NULL) {
            break;
        }
        spinlock_unlock(&vm_pager_lock);
        if (pager != NULL) {
            thread_yield();             /* its terminate is being sent: wait for it */
            continue;
        }
        fresh = vm_pager_create(port);
        if (fresh == NULL) {
            return ERROR_NOMEM;
        }
    }
    /* Table locked, fresh about to enter it. */
    fresh->object->pager = fresh;
    vm_object_share(fresh->object);
    list_insert_tail(&vm_pager_table, &fresh->node);
    __atomic_fetch_add(&vm_pager_nr, 1, __ATOMIC_RELAXED);
    spinlock_unlock(&vm_pager_lock);
    ipc_right_make(port, MACH_MSG_TYPE_PORT_SEND);     /* the object's (the caller has one) */
    vm_object_ref(fresh->object);       /* the caller's; the table holds none */
    *objectp = fresh->object;
    /* A lost init leaves the object never ready: its faults wait until interrupted. */
    vm_pager_send_init(fresh);
    vm_object_unref(fresh->object);     /* the creation reference */
    return 0;
}

/* The pending request at offset, or NULL. Object locked. */
static struct vm_pager_request *
vm_pager_request_find(struct vm_pager *pager, uint64_t offset)
{
    struct vm_pager_request *req;

    list_foreach_entry(&pager->requests, req, node) {
        if (req->offset == offset) {
            return req;
        }
    }
    return NULL;
}

int
vm_pager_page_get(struct vm_object *object, uint64_t offset, unsigned int access,
                  struct vm_page **pagep, struct vm_pager_request **waitp)
{
    struct vm_pager *pager = object->pager;
    struct vm_pager_request *req, *fresh = NULL;
    int error;

    assert(pager != NULL && P2ALIGNED(offset, PAGE_SIZE) && offset < object->size);
    for (;;) {
        spinlock_lock(&object->lock);
        *pagep = vm_object_page_lookup(object, offset);
        if (*pagep != NULL || !pager->ready) {
            spinlock_unlock(&object->lock);
            *waitp = NULL;
            if (fresh != NULL) {
                kmem_cache_free(&vm_pager_request_cache, fresh);
            }
            return 0;
        }
        req = vm_pager_request_find(pager, offset);
        if (req != NULL) {
            req->waiters++;
            spinlock_unlock(&object->lock);
            *waitp = req;
            if (fresh != NULL) {
                kmem_cache_free(&vm_pager_request_cache, fresh);
            }
            return 0;
        }
        if (fresh != NULL) {
            break;
        }
        spinlock_unlock(&object->lock);
        fresh = kmem_cache_alloc(&vm_pager_request_cache);
        if (fresh == NULL) {
            return ERROR_NOMEM;
        }
        fresh->offset = offset;
        fresh->waiters = 1;
        fresh->pending = true;
        fresh->result = 0;
    }
    list_insert_tail(&pager->requests, &fresh->node);
    spinlock_unlock(&object->lock);
    *waitp = fresh;
    error = vm_pager_send_request(pager, offset, access);
    if (error != 0) {
        spinlock_lock(&object->lock);
        if (fresh->pending) {
            list_remove(&fresh->node);
            fresh->pending = false;
            fresh->result = ERROR_IO;
        }
        spinlock_unlock(&object->lock);
    }
    return 0;
}

int
vm_pager_wait(struct vm_object *object, struct vm_pager_request *wait)
{
    struct vm_pager *pager = object->pager;
    bool interrupted = false, free_it = false;
    int result;

    spinlock_lock(&object->lock);
    while (wait != NULL ? wait->pending : !pager->ready) {
        if (waitq_sleep_intr(&pager->wq, &object->lock) != 0) {
            interrupted = true;
            break;
        }
    }
    if (wait == NULL) {
        result = interrupted ? ERROR_INTR : 0;
    } else {
        result = wait->pending ? ERROR_INTR : wait->result;
        assert(wait->waiters != 0);
        wait->waiters--;
        free_it = !wait->pending && wait->waiters == 0;
    }
    spinlock_unlock(&object->lock);
    if (free_it) {
        kmem_cache_free(&vm_pager_request_cache, wait);
    }
    return result;
}

/*
 * Answer the pending request at offset with result, if there is one.
 * Object locked. Returns a request to free once the lock is released
 * (nobody waits on it any more), or NULL.
 */
static struct vm_pager_request *
vm_pager_answer(struct vm_pager *pager, uint64_t offset, int result)
{
    struct vm_pager_request *req = vm_pager_request_find(pager, offset);

    if (req == NULL) {
        return NULL;
    }
    list_remove(&req->node);
    req->pending = false;
    req->result = result;
    return req->waiters == 0 ? req : NULL;
}

/* vm_pager_answer() for one offset, locking the object. */
static void
vm_pager_answer_one(struct vm_object *object, uint64_t offset, int result)
{
    struct vm_pager_request *done;

    spinlock_lock(&object->lock);
    done = vm_pager_answer(object->pager, offset, result);
    spinlock_unlock(&object->lock);
    if (done != NULL) {
        kmem_cache_free(&vm_pager_request_cache, done);
    }
}

bool
vm_pager_object_release(struct vm_object *object)
{
    unsigned int old;

    spinlock_lock(&vm_pager_lock);
    old = __atomic_fetch_sub(&object->nr_refs, 1, __ATOMIC_ACQ_REL);
    assert(old != 0);
    if (old == 1) {
        object->pager->dying = true;
    }
    spinlock_unlock(&vm_pager_lock);
    return old == 1;
}

void
vm_pager_object_terminate(struct vm_object *object)
{
    struct vm_pager *pager = object->pager;
    struct vm_pager_request *req, *tmp;
    uint32_t words[4];

    assert(pager->dying);
    /* Nobody waits (each waiter holds a reference): requests nobody waits for. */
    list_foreach_entry_safe(&pager->requests, req, tmp, node) {
        assert(req->waiters == 0);
        list_remove(&req->node);
        kmem_cache_free(&vm_pager_request_cache, req);
    }
    /*
     * memory_object_terminate(memory_object: MOVE_SEND, control: MOVE_RECEIVE,
     * name: MOVE_RECEIVE): the ports stop being kernel objects and go to the pager.
     */
    ipc_port_kobject_detach(pager->control);
    ipc_port_kobject_detach(pager->name);
    words[0] = vm_pager_item(MACH_MSG_TYPE_MOVE_RECEIVE);
    words[1] = (uint32_t)(uintptr_t)pager->control;
    words[2] = vm_pager_item(MACH_MSG_TYPE_MOVE_RECEIVE);
    words[3] = (uint32_t)(uintptr_t)pager->name;
    /* The object's own send right goes with it; without memory the rights are released. */
    vm_pager_msg_send(pager->port, MACH_MSG_TYPE_PORT_SEND, VM_PAGER_TERMINATE_ID, words,
                      ARRAY_SIZE(words));
    spinlock_lock(&vm_pager_lock);
    list_remove(&pager->node);
    spinlock_unlock(&vm_pager_lock);
    __atomic_fetch_sub(&vm_pager_nr, 1, __ATOMIC_RELAXED);
    object->pager = NULL;
    kmem_cache_free(&vm_pager_cache, pager);
}

/*
 * The MIG conversion of a memory_control argument: the object whose
 * control port port is, with a reference the routine drops
 * (vm_object_deallocate()), or NULL.
 */
vm_object_t
vm_object_lookup(ipc_port_t port)
{
    if (!IP_VALID(port)) {
        return NULL;
    }
    return ipc_port_kobject_tryref(port, IPC_KOBJECT_PAGER_CONTROL, vm_pager_tryref);
}

void
vm_object_deallocate(vm_object_t object)
{
    if (object != NULL) {
        vm_object_unref(object);
    }
}

/* Whether [offset, offset + size) is a page-aligned range within the object. */
static bool
vm_pager_range_ok(struct vm_object *object, vm_offset_t offset, uint64_t size)
{
    return P2ALIGNED(offset, PAGE_SIZE) && P2ALIGNED(size, PAGE_SIZE)
           && size <= object->size - offset;
}

/*
 * Install the pages of data (a vm_copy of count bytes) at offset:
 * each in a new page, unless the object has one there already (GNU
 * Mach's KERN_MEMORY_PRESENT: the pages before it stay).
 */
static kern_return_t
vm_pager_supply(struct vm_object *object, vm_offset_t offset, struct vm_copy *data,
                mach_msg_type_number_t count)
{
    struct vm_page *page;
    int error;

    for (uint32_t done = 0; done < count; done += PAGE_SIZE) {
        page = vm_page_alloc(0, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_OBJECT);
        if (page == NULL) {
            return KERN_RESOURCE_SHORTAGE;
        }
        vm_copy_read(data, done, vm_page_direct_va(page), PAGE_SIZE);
        error = vm_object_page_insert(object, offset + done, page);
        if (error != 0) {
            vm_page_free(page, 0);
            return error == ERROR_EXIST ? KERN_MEMORY_PRESENT : KERN_RESOURCE_SHORTAGE;
        }
        vm_pager_answer_one(object, offset + done, 0);
    }
    return KERN_SUCCESS;
}

kern_return_t
memory_object_data_supply(vm_object_t object, vm_offset_t offset, vm_offset_t data,
                          mach_msg_type_number_t dataCnt, vm_prot_t lock_value,
                          boolean_t precious, ipc_port_t reply_to,
                          mach_msg_type_name_t reply_toPoly)
{
    struct vm_copy *copy = (struct vm_copy *)data;
    kern_return_t kr;

    (void)precious;                     /* no pageout: every page is kept anyway */
    if (object == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    if (((unsigned int)lock_value & ~VM_MAP_PROT_ALL) != 0 || !vm_pager_range_ok(object, offset, dataCnt)
        || (dataCnt != 0 && (copy == NULL || vm_copy_size(copy) < dataCnt))) {
        vm_object_unref(object);
        return KERN_INVALID_ARGUMENT;
    }
    kr = vm_pager_supply(object, offset, copy, dataCnt);
    if (kr != KERN_SUCCESS) {
        /* Pages already installed stay, as in GNU Mach; waiters of those are woken. */
        waitq_wakeup_all(&object->pager->wq);
        vm_object_unref(object);
        return kr;
    }
    waitq_wakeup_all(&object->pager->wq);
    vm_object_unref(object);
    if (copy != NULL) {
        vm_copy_discard(copy);
    }
    if (IP_VALID(reply_to)) {
        /* memory_object_supply_completed is not sent yet (doc/vm.md): the right goes. */
        ipc_kmsg_release_right(reply_to, reply_toPoly);
    }
    return KERN_SUCCESS;
}

/*
 * Answer the pending requests in [offset, offset + size) with result
 * (0 after a zero fill: look again; ERROR_IO). For data_unavailable
 * each requested page is zero-filled first.
 */
static kern_return_t
vm_pager_answer_range(struct vm_object *object, vm_offset_t offset, vm_size_t size,
                      bool zero_fill)
{
    struct vm_pager *pager = object->pager;
    struct vm_pager_request *req;
    struct vm_page *page;
    uint64_t end = (uint64_t)offset + size;
    bool created;
    int error;

    for (;;) {
        uint64_t at = 0;
        bool found = false;

        spinlock_lock(&object->lock);
        list_foreach_entry(&pager->requests, req, node) {
            if (req->offset >= offset && req->offset < end) {
                at = req->offset;
                found = true;
                break;
            }
        }
        spinlock_unlock(&object->lock);
        if (!found) {
            return KERN_SUCCESS;
        }
        if (zero_fill) {
            error = vm_object_page_get(object, at, &page, &created);
            if (error != 0) {
                return KERN_RESOURCE_SHORTAGE;
            }
        }
        vm_pager_answer_one(object, at, zero_fill ? 0 : ERROR_IO);
    }
}

/* data_unavailable and data_error: GNU Mach's checks, then the answers. */
static kern_return_t
vm_pager_answer_call(vm_object_t object, vm_offset_t offset, vm_size_t size, bool zero_fill)
{
    kern_return_t kr;

    if (object == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    if (!vm_pager_range_ok(object, offset, size)) {
        vm_object_unref(object);
        return KERN_INVALID_ARGUMENT;
    }
    kr = vm_pager_answer_range(object, offset, size, zero_fill);
    waitq_wakeup_all(&object->pager->wq);
    vm_object_unref(object);
    return kr;
}

kern_return_t
memory_object_data_unavailable(vm_object_t memory_control, vm_offset_t offset, vm_size_t size)
{
    return vm_pager_answer_call(memory_control, offset, size, true);
}

kern_return_t
memory_object_data_error(vm_object_t memory_control, vm_offset_t offset, vm_size_t size,
                         kern_return_t error_value)
{
    (void)error_value;                  /* the faulting thread sees KERN_MEMORY_ERROR */
    return vm_pager_answer_call(memory_control, offset, size, false);
}

/* ready and change_attributes: GNU Mach's checks, then the attributes and ready. */
static kern_return_t
vm_pager_attributes_set(vm_object_t object, boolean_t may_cache, int copy_strategy)
{
    struct vm_pager *pager;

    if (object == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    if (copy_strategy < MEMORY_OBJECT_COPY_NONE || copy_strategy > MEMORY_OBJECT_COPY_TEMPORARY) {
        vm_object_unref(object);
        return KERN_INVALID_ARGUMENT;
    }
    pager = object->pager;
    spinlock_lock(&object->lock);
    pager->may_cache = may_cache != 0;
    pager->ready = true;
    if (copy_strategy != MEMORY_OBJECT_COPY_TEMPORARY) {
        pager->copy_strategy = copy_strategy;
    }
    spinlock_unlock(&object->lock);
    waitq_wakeup_all(&pager->wq);
    vm_object_unref(object);
    return KERN_SUCCESS;
}

kern_return_t
memory_object_ready(vm_object_t memory_control, boolean_t may_cache,
                    memory_object_copy_strategy_t copy_strategy)
{
    return vm_pager_attributes_set(memory_control, may_cache, copy_strategy);
}

kern_return_t
memory_object_change_attributes(vm_object_t memory_control, boolean_t may_cache,
                                memory_object_copy_strategy_t copy_strategy,
                                ipc_port_t reply_to, mach_msg_type_name_t reply_toPoly)
{
    kern_return_t kr = vm_pager_attributes_set(memory_control, may_cache, copy_strategy);

    if (kr == KERN_SUCCESS && IP_VALID(reply_to)) {
        /* memory_object_change_completed(reply_to, may_cache, copy_strategy), after the change. */
        const uint32_t words[] = {
            vm_pager_item(MACH_MSG_TYPE_BOOLEAN), may_cache != 0,
            vm_pager_item(MACH_MSG_TYPE_INTEGER_32), (uint32_t)copy_strategy,
        };

        vm_pager_msg_send(reply_to, ipc_msg_type_received(reply_toPoly),
                          VM_PAGER_CHANGE_COMPLETED_ID, words, ARRAY_SIZE(words));
    }
    return kr;
}

kern_return_t
memory_object_get_attributes(vm_object_t memory_control, boolean_t *object_ready,
                             boolean_t *may_cache,
                             memory_object_copy_strategy_t *copy_strategy)
{
    struct vm_object *object = memory_control;

    if (object == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    spinlock_lock(&object->lock);
    *object_ready = object->pager->ready;
    *may_cache = object->pager->may_cache;
    *copy_strategy = object->pager->copy_strategy;
    spinlock_unlock(&object->lock);
    vm_object_unref(object);
    return KERN_SUCCESS;
}
