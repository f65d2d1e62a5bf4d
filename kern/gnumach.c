/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The gnumach.defs routines (ids 4200-4211) and those of the project's
 * gnumach_ext.defs (4212-4216, newer than the packaged definitions), as
 * the MIG-generated kernel servers call them (doc/interface.md).
 *
 * Rationale. The work is done where the objects live: kern/gsync.c,
 * kern/task_control.c (names), kern/thread_control.c, vm/vm_user.c.
 * Routines whose kernel function already has GNU Mach's name and
 * prototype (gsync_wait, gsync_wake, gsync_requeue, task_set_name,
 * thread_set_name, thread_get_name) are called by the stubs directly;
 * this file includes their headers beside the generated ones, so the
 * compiler checks each prototype against GNU Mach's. The others are
 * adapted here: the vm calls' host-port checks (which port kind a
 * plain mach_port_t argument is), vm_pages_phys's out-of-line reply,
 * thread_terminate_release, and what this kernel can say for the calls
 * about memory objects and their cache (vm_cache_statistics,
 * vm_object_sync, vm_msync: no object has a pager yet). Routines mach
 * lacks are answered by the stubs' weak default (MIG_BAD_ID);
 * doc/interface.md lists them.
 *
 * The new-task notification: register_new_task_notification keeps one
 * send right (the first registration wins, as in GNU Mach) and every
 * task_create() sends it a kernel-built mach_notify_new_task message
 * (the kernel's view of a message, ipc_kmsg_from_kernel()). Unlike GNU
 * Mach, which keeps a dead registration forever, a registered port found
 * dead at the next creation is released and the slot freed, so the port
 * does not outlive its receiver and a new registration can take over.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <include/mach/kern_return.h>
#include <ipc/ipc_kmsg.h>
#include <ipc/ipc_mqueue.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <kern/gnumach.h>
#include <kern/gsync.h>
#include <kern/kmem.h>
#include <kern/mig_kernel.h>
#include <kern/panic.h>
#include <kern/spinlock.h>
#include <kern/task.h>
#include <kern/task_control.h>
#include <kern/thread_control.h>
#include <machine/param.h>
#include <vm/vm_copy.h>
#include <vm/vm_user.h>

#include "gnumach_S.h"
#include "gnumach_ext_S.h"

/* mach_notify_new_task (task_notify.defs, GNU Mach's base 4400). */
#define GNUMACH_NEW_TASK_ID     4400

/* The registered new-task port (a send right the kernel holds), or NULL. */
static struct spinlock gnumach_new_task_lock = SPINLOCK_INITIALIZER;
static struct ipc_port *gnumach_new_task_port;

/* mach_notify_new_task in the kernel's view: ports as pointers. */
struct gnumach_new_task_msg {
    mach_msg_header_t head;
    mach_msg_type_t task_type;
    uint32_t task;
    mach_msg_type_t parent_type;
    uint32_t parent;
};

/*
 * What kind of host port a plain mach_port_t argument is: *priv true
 * for the privileged one. Returns false for anything else (no port, a
 * dead one, another kind of object).
 */
static bool
gnumach_host_port(ipc_port_t port, bool *priv)
{
    if (!IP_VALID(port)) {
        return false;
    }
    *priv = ipc_port_kobject(port, IPC_KOBJECT_HOST_PRIV, NULL) != NULL;
    return *priv || ipc_port_kobject(port, IPC_KOBJECT_HOST, NULL) != NULL;
}

/* Slab totals over every kmem cache (kmem_cache_stats_walk()). */
struct gnumach_slab_sum {
    size_t slabs;
    size_t free_slabs;
};

static void
gnumach_slab_add(const struct kmem_cache_stats *stats, void *arg)
{
    struct gnumach_slab_sum *sum = arg;

    sum->slabs += stats->nr_slabs;
    sum->free_slabs += stats->nr_free_slabs;
}

kern_return_t
vm_cache_statistics(vm_map_t target_task, vm_cache_statistics_data_t *vm_cache_stats)
{
    struct gnumach_slab_sum sum = { 0, 0 };
    struct vm_user_statistics vs;

    if (target_task == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    vm_user_statistics(&vs);
    kmem_cache_stats_walk(gnumach_slab_add, &sum);

    /*
     * No object has a pager, so nothing is cached for one (GNU Mach's
     * cache_object_count and cache_count); every object is temporary
     * and its pages stay active; slabs free in a cache are what a
     * reclaim could give back.
     */
    *vm_cache_stats = (vm_cache_statistics_data_t){
        .active_tmp_count = (integer_t)vs.active_count,
        .slab_count = (integer_t)sum.slabs,
        .slab_reclaim_count = (integer_t)sum.free_slabs,
    };
    return KERN_SUCCESS;
}

kern_return_t
thread_terminate_release(thread_t thread, task_t task, mach_port_name_t thread_name,
                         mach_port_name_t reply_port, vm_address_t address, vm_size_t size)
{
    if (thread == NULL || task == NULL) {
        return KERN_INVALID_ARGUMENT;
    }

    /* As GNU Mach: each step's own error is not reported. */
    ipc_right_deallocate(task->space, thread_name);
    if (reply_port != MACH_PORT_NULL) {
        ipc_right_destroy(task->space, reply_port);
    }
    if (address != 0 || size != 0) {
        vm_user_deallocate(task->map, address, size);
    }
    return thread_terminate(thread);
}

kern_return_t
vm_wire_all(ipc_port_t host, vm_map_t task, vm_wire_t flags)
{
    bool priv;

    if (!gnumach_host_port(host, &priv) || !priv) {
        return KERN_INVALID_HOST;
    }
    if (task == NULL) {
        return KERN_INVALID_TASK;
    }
    return vm_user_wire_all(task->map, true, (unsigned int)flags);
}

kern_return_t
vm_object_sync(vm_object_t object, vm_offset_t offset, vm_size_t size, boolean_t should_flush,
               boolean_t should_return, boolean_t should_iosync)
{
    (void)offset;
    (void)size;
    (void)should_flush;
    (void)should_return;
    (void)should_iosync;

    /* No port names a VM object yet (vm_object_lookup_name()). */
    assert(object == NULL);
    return KERN_INVALID_ARGUMENT;
}

/* vm_msync's flags (GNU Mach's mach/vm_sync.h). */
#define GNUMACH_SYNC_ASYNCHRONOUS       0x01
#define GNUMACH_SYNC_SYNCHRONOUS        0x02

kern_return_t
vm_msync(vm_map_t target_task, vm_address_t address, vm_size_t size, vm_sync_t sync_flags)
{
    const int both = GNUMACH_SYNC_ASYNCHRONOUS | GNUMACH_SYNC_SYNCHRONOUS;

    if (target_task == NULL || (sync_flags & both) == both) {
        return KERN_INVALID_ARGUMENT;
    }
    if (((address + size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)) == (address & ~(PAGE_SIZE - 1))) {
        return KERN_SUCCESS;            /* nothing to do */
    }
    /* GNU Mach's vm_map_msync has no body past its checks: the same answer. */
    return KERN_INVALID_ARGUMENT;
}

kern_return_t
vm_allocate_contiguous(host_t host_priv, vm_map_t target_task, vm_address_t *vaddr,
                       rpc_phys_addr_t *paddr, vm_size_t size, rpc_phys_addr_t pmin,
                       rpc_phys_addr_t pmax, rpc_phys_addr_t palign)
{
    if (target_task == NULL) {
        return host_priv == NULL ? KERN_INVALID_HOST : KERN_INVALID_TASK;
    }
    return vm_user_allocate_contiguous(target_task->map, host_priv != NULL, vaddr, paddr,
                                       size, pmin, pmax, palign);
}

kern_return_t
vm_pages_phys(host_t host_priv, vm_map_t target_task, vm_address_t vaddr, vm_size_t size,
              rpc_phys_addr_array_t *pages, mach_msg_type_number_t *pagesCnt)
{
    struct vm_copy *copy;
    uintptr_t nr_pages = size / PAGE_SIZE;
    uint64_t *buf;
    kern_return_t kr;

    if (host_priv == NULL) {
        return KERN_INVALID_HOST;
    }
    if (target_task == NULL) {
        return KERN_INVALID_TASK;
    }
    if ((vaddr | size) & (PAGE_SIZE - 1)) {
        return KERN_INVALID_ARGUMENT;
    }

    /* The stub's inline room when it is enough, else an out-of-line copy. */
    if (nr_pages <= *pagesCnt) {
        kr = vm_user_pages_phys(target_task->map, true, vaddr, size, *pages, nr_pages);
        if (kr == KERN_SUCCESS) {
            *pagesCnt = nr_pages;
        }
        return kr;
    }
    buf = kmem_alloc(nr_pages * sizeof(*buf));
    if (buf == NULL) {
        return KERN_RESOURCE_SHORTAGE;
    }
    kr = vm_user_pages_phys(target_task->map, true, vaddr, size, buf, nr_pages);
    if (kr == KERN_SUCCESS) {
        if (vm_copy_create(nr_pages * sizeof(*buf), &copy) != 0) {
            kr = KERN_RESOURCE_SHORTAGE;
        } else {
            vm_copy_write(copy, 0, buf, nr_pages * sizeof(*buf));
            *pages = (rpc_phys_addr_array_t)copy;
            *pagesCnt = nr_pages;
        }
    }
    kmem_free(buf, nr_pages * sizeof(*buf));
    return kr;
}

kern_return_t
vm_set_size_limit(ipc_port_t host_port, vm_map_t map, vm_size_t current_limit,
                  vm_size_t max_limit)
{
    bool priv;

    if (map == NULL) {
        return KERN_INVALID_TASK;
    }
    if (!gnumach_host_port(host_port, &priv)) {
        return KERN_INVALID_HOST;
    }
    return vm_user_set_size_limit(map->map, priv, current_limit, max_limit);
}

kern_return_t
vm_get_size_limit(vm_map_t map, vm_size_t *current_limit, vm_size_t *max_limit)
{
    if (map == NULL) {
        return KERN_INVALID_TASK;
    }
    return vm_user_get_size_limit(map->map, current_limit, max_limit);
}

/*
 * task_set_essential (4211, a simpleroutine): GNU Mach marks the task,
 * and its kernel debugger takes over when such a task dies of an
 * exception. mach keeps the mark and task_terminate() prints a console
 * line naming the task whenever it ends (exception, out of memory,
 * terminate); the system goes on (doc/interface.md). The task port is
 * all the call takes, as in GNU Mach: KERN_INVALID_ARGUMENT for NULL.
 */
kern_return_t
task_set_essential(task_t task, boolean_t essential)
{
    if (task == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    __atomic_store_n(&task->essential, essential != 0, __ATOMIC_RELAXED);
    return KERN_SUCCESS;
}

kern_return_t
register_new_task_notification(host_t host_priv, ipc_port_t notification)
{
    kern_return_t kr = KERN_SUCCESS;

    if (host_priv == NULL) {
        return KERN_INVALID_HOST;
    }
    if (!IP_VALID(notification)) {
        return KERN_INVALID_ARGUMENT;
    }
    spinlock_lock(&gnumach_new_task_lock);
    if (gnumach_new_task_port != NULL) {
        kr = KERN_NO_ACCESS;
    } else {
        gnumach_new_task_port = notification;      /* the request's right, kept */
    }
    spinlock_unlock(&gnumach_new_task_lock);
    return kr;
}

/* A send right to task's port for a kernel-built message, or NULL. */
static uint32_t
gnumach_task_right(struct task *task)
{
    if (task == NULL) {
        return 0;
    }
    task_ref(task);
    return (uint32_t)(uintptr_t)convert_task_to_port(task);
}

void
gnumach_task_created(struct task *parent, struct task *task)
{
    const mach_msg_type_t port_type = {
        .msgt_name = MACH_MSG_TYPE_PORT_SEND,
        .msgt_size = 32,
        .msgt_number = 1,
        .msgt_inline = 1,
    };
    struct gnumach_new_task_msg *msg;
    struct ipc_kmsg *kmsg;
    struct ipc_port *port;
    bool active = false;

    spinlock_lock(&gnumach_new_task_lock);
    port = gnumach_new_task_port;
    if (port != NULL) {
        spinlock_lock(&port->lock);
        active = port->active;
        spinlock_unlock(&port->lock);
        if (active) {
            ipc_right_make(port, MACH_MSG_TYPE_PORT_SEND);     /* the message's right */
        } else {
            gnumach_new_task_port = NULL;                       /* its right goes below */
        }
    }
    spinlock_unlock(&gnumach_new_task_lock);
    if (port == NULL) {
        return;
    }
    if (!active) {
        ipc_port_release_send(port);
        return;
    }

    kmsg = ipc_kmsg_alloc(sizeof(*msg));
    if (kmsg == NULL) {
        ipc_port_release_send(port);
        return;
    }
    msg = (struct gnumach_new_task_msg *)&kmsg->header;
    msg->head = (mach_msg_header_t){
        .msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND, 0) | MACH_MSGH_BITS_COMPLEX,
        .msgh_size = sizeof(*msg),
        .msgh_remote_port = (mach_port_t)(uintptr_t)port,
        .msgh_id = GNUMACH_NEW_TASK_ID,
    };
    msg->task_type = port_type;
    msg->task = gnumach_task_right(task);
    msg->parent_type = port_type;
    msg->parent = gnumach_task_right(parent);
    if (ipc_kmsg_from_kernel(kmsg) != MACH_MSG_SUCCESS) {
        ipc_kmsg_free(kmsg);            /* its rights are released */
        return;
    }
    ipc_mqueue_send(kmsg, MACH_SEND_ALWAYS, 0);
}
