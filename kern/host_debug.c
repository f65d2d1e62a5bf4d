/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mach_debug.defs calls (see host_debug.h).
 *
 * host_slab_info walks the kmem caches with kmem_cache_stats_walk(),
 * which calls back without kmem locks held, and turns each cache's
 * counters into GNU Mach's record: cpu_pool_size is the magazine size,
 * nr_objs the objects handed out by the slab layer (in use or waiting
 * in magazines: what GNU Mach's slab counts), the flags the bits of GNU
 * Mach's that mean something here. Caches can appear during a walk
 * (never disappear), so a walk that finds more than the room it had is
 * done again.
 *
 * The rest follows current GNU Mach, whose build always has these calls
 * (its ipc/mach_debug.c and vm/vm_debug.c are not conditional; only
 * host_load_symbol_table needs the kernel debugger, which Debian's
 * standard kernel is built without, so that call stays MIG_BAD_ID
 * through the stubs' weak default, as there). Where mach keeps the data
 * the answer is real: send-right counts, dead-name requests, kernel
 * objects (GNU Mach's IKOT_ numbers), map entries, kernel stacks. Where
 * mach has no such structure the answer is GNU Mach's for an empty one:
 * no msg-accepted request table and no virtual-to-physical hash (0
 * buckets), and no port names a VM object, so mach_vm_object_info and
 * _pages get KERN_INVALID_ARGUMENT as GNU Mach answers a port that is
 * not an object's name. doc/interface.md has the table.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <include/mach/kern_return.h>
#include <include/mach/port.h>
#include <include/mach_debug/slab_info.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <kern/host_debug.h>
#include <kern/kmem.h>
#include <kern/list.h>
#include <kern/macros.h>
#include <kern/panic.h>
#include <kern/mig_kernel.h>
#include <kern/spinlock.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <machine/param.h>
#include <machine/pcb.h>
#include <vm/vm_copy.h>
#include <vm/vm_user.h>

#include "mach_debug_S.h"

_Static_assert(sizeof(cache_info_t) == 76, "GNU Mach's cache_info_t is 76 bytes on i386");
_Static_assert(offsetof(cache_info_t, name) == 44, "cache_info_t.name at 44");

struct host_slab_walk {
    cache_info_t *info;
    natural_t room;
    natural_t count;            /* caches seen, even past room */
};

static void
host_slab_info_fill(const struct kmem_cache_stats *stats, void *arg)
{
    struct host_slab_walk *walk = arg;
    cache_info_t *ci;

    if (walk->count++ >= walk->room) {
        return;
    }
    ci = &walk->info[walk->count - 1];
    memset(ci, 0, sizeof(*ci));
    ci->flags = (stats->mag_size == 0 ? CACHE_FLAGS_NO_CPU_POOL : 0)
                | (stats->offslab ? CACHE_FLAGS_SLAB_EXTERNAL : 0)
                | (stats->verify ? CACHE_FLAGS_VERIFY : 0);
    ci->cpu_pool_size = stats->mag_size;
    ci->obj_size = stats->obj_size;
    ci->align = stats->align;
    ci->buf_size = stats->buf_size;
    ci->slab_size = stats->slab_size;
    ci->bufs_per_slab = stats->bufs_per_slab;
    ci->nr_objs = stats->nr_allocated;
    ci->nr_bufs = stats->nr_bufs;
    ci->nr_slabs = stats->nr_slabs;
    ci->nr_free_slabs = stats->nr_free_slabs;
    for (size_t i = 0; i < sizeof(ci->name) - 1 && stats->name[i] != '\0'; i++) {
        ci->name[i] = stats->name[i];
    }
}

kern_return_t
host_slab_info(host_t host, cache_info_array_t *info, mach_msg_type_number_t *infoCnt)
{
    struct host_slab_walk walk = { .info = *info, .room = *infoCnt };
    struct vm_copy *copy;
    cache_info_t *array;
    natural_t size;
    int error;

    if (host == NULL) {
        return KERN_INVALID_HOST;
    }
    if (walk.room > 0 && walk.info != NULL) {
        kmem_cache_stats_walk(host_slab_info_fill, &walk);
        if (walk.count <= walk.room) {
            *infoCnt = walk.count;
            return KERN_SUCCESS;
        }
    }
    /* Count, allocate that many, fill; again if a cache appeared meanwhile. */
    for (;;) {
        walk = (struct host_slab_walk){ .info = NULL, .room = 0 };
        kmem_cache_stats_walk(host_slab_info_fill, &walk);
        assert(walk.count > 0);     /* kmem's own caches */
        size = walk.count;
        array = kmem_alloc(size * sizeof(*array));
        if (array == NULL) {
            return KERN_RESOURCE_SHORTAGE;
        }
        walk = (struct host_slab_walk){ .info = array, .room = size };
        kmem_cache_stats_walk(host_slab_info_fill, &walk);
        if (walk.count == size) {
            break;
        }
        kmem_free(array, size * sizeof(*array));
    }

    /* The reply carries them out of line. */
    error = vm_copy_create(size * sizeof(*array), &copy);
    if (error == 0) {
        vm_copy_write(copy, 0, array, size * sizeof(*array));
    }
    kmem_free(array, size * sizeof(*array));
    if (error != 0) {
        return KERN_RESOURCE_SHORTAGE;
    }
    *info = (cache_info_array_t)copy;
    *infoCnt = size;
    return KERN_SUCCESS;
}

/* GNU Mach's kernel object types (its kern/ipc_kobject.h), for mach_port_kernel_object. */
#define HOST_DEBUG_IKOT_NONE            0
#define HOST_DEBUG_IKOT_THREAD          1
#define HOST_DEBUG_IKOT_TASK            2
#define HOST_DEBUG_IKOT_HOST            3
#define HOST_DEBUG_IKOT_HOST_PRIV       4
#define HOST_DEBUG_IKOT_PROCESSOR       5
#define HOST_DEBUG_IKOT_PSET            6
#define HOST_DEBUG_IKOT_PSET_NAME       7
#define HOST_DEBUG_IKOT_PAGER           8
#define HOST_DEBUG_IKOT_PAGING_REQUEST  9
#define HOST_DEBUG_IKOT_DEVICE          10
#define HOST_DEBUG_IKOT_PAGING_NAME     16

/* The IKOT_ number of a mach port kind. GNU Mach's master device port is a plain kernel port. */
static unsigned int
host_debug_ikot(enum ipc_kobject_type kotype)
{
    switch (kotype) {
    case IPC_KOBJECT_TASK:
        return HOST_DEBUG_IKOT_TASK;
    case IPC_KOBJECT_THREAD:
        return HOST_DEBUG_IKOT_THREAD;
    case IPC_KOBJECT_HOST:
        return HOST_DEBUG_IKOT_HOST;
    case IPC_KOBJECT_HOST_PRIV:
        return HOST_DEBUG_IKOT_HOST_PRIV;
    case IPC_KOBJECT_DEVICE:
        return HOST_DEBUG_IKOT_DEVICE;
    case IPC_KOBJECT_PAGER:
        return HOST_DEBUG_IKOT_PAGER;
    case IPC_KOBJECT_PAGER_CONTROL:
        return HOST_DEBUG_IKOT_PAGING_REQUEST;
    case IPC_KOBJECT_PAGER_NAME:
        return HOST_DEBUG_IKOT_PAGING_NAME;
    case IPC_KOBJECT_PROCESSOR:
        return HOST_DEBUG_IKOT_PROCESSOR;
    case IPC_KOBJECT_PSET:
        return HOST_DEBUG_IKOT_PSET;
    case IPC_KOBJECT_PSET_NAME:
        return HOST_DEBUG_IKOT_PSET_NAME;
    case IPC_KOBJECT_DEVICE_MASTER:
    case IPC_KOBJECT_NONE:
    default:
        return HOST_DEBUG_IKOT_NONE;
    }
}

/* The port task names with one of the rights in type, referenced (ipc_right_port_of()). */
static kern_return_t
host_debug_port_of(ipc_space_t task, mach_port_name_t name, mach_port_type_t type,
                   struct ipc_port **portp)
{
    if (task == NULL) {
        return KERN_INVALID_TASK;
    }
    return ipc_right_port_of(task, name, type, portp);
}

kern_return_t
mach_port_get_srights(ipc_space_t task, mach_port_name_t name, mach_port_rights_t *srights)
{
    struct ipc_port *port;
    kern_return_t kr;

    kr = host_debug_port_of(task, name, MACH_PORT_TYPE_RECEIVE, &port);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    spinlock_lock(&port->lock);
    *srights = port->srights;
    spinlock_unlock(&port->lock);
    ipc_port_unref(port);
    return KERN_SUCCESS;
}

kern_return_t
mach_port_dnrequest_info(ipc_space_t task, mach_port_name_t name, unsigned *total,
                         unsigned *used)
{
    struct ipc_port *port;
    struct list *node;
    unsigned int n = 0;
    kern_return_t kr;

    kr = host_debug_port_of(task, name, MACH_PORT_TYPE_RECEIVE, &port);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    spinlock_lock(&port->lock);
    list_foreach(&port->dnrequests, node) {
        n++;
    }
    spinlock_unlock(&port->lock);
    ipc_port_unref(port);
    /* A list, not GNU Mach's table: no free slots, so the table is as large as its use. */
    *total = n;
    *used = n;
    return KERN_SUCCESS;
}

kern_return_t
mach_port_kernel_object(ipc_space_t task, mach_port_name_t name, unsigned *object_type,
                        vm_offset_t *object_addr)
{
    struct ipc_port *port;
    kern_return_t kr;

    kr = host_debug_port_of(task, name, MACH_PORT_TYPE_SEND_RECEIVE, &port);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    spinlock_lock(&port->lock);
    if (!port->active) {
        kr = KERN_INVALID_RIGHT;
    } else {
        *object_type = host_debug_ikot(port->kotype);
        *object_addr = (vm_offset_t)(uintptr_t)port->kobject;
    }
    spinlock_unlock(&port->lock);
    ipc_port_unref(port);
    return kr;
}

/* An empty hash table's answer: 0 buckets, in line. */
static kern_return_t
host_debug_no_buckets(host_t host, hash_info_bucket_array_t *info,
                      mach_msg_type_number_t *infoCnt)
{
    (void)info;
    if (host == NULL) {
        return KERN_INVALID_HOST;
    }
    *infoCnt = 0;
    return KERN_SUCCESS;
}

kern_return_t
host_ipc_marequest_info(host_t host, unsigned *max_requests, hash_info_bucket_array_t *info,
                        mach_msg_type_number_t *infoCnt)
{
    kern_return_t kr = host_debug_no_buckets(host, info, infoCnt);

    if (kr == KERN_SUCCESS) {
        *max_requests = 0;              /* no msg-accepted requests are kept */
    }
    return kr;
}

kern_return_t
host_virtual_physical_table_info(host_t host, hash_info_bucket_array_t *info,
                                 mach_msg_type_number_t *infoCnt)
{
    /* Pages are found through each object's radix tree: there is no global hash. */
    return host_debug_no_buckets(host, info, infoCnt);
}

/* Kernel stacks: one per thread, KERNEL_STACK_SIZE each, always resident. */
static void
host_debug_stacks(unsigned *total, vm_size_t *space, vm_size_t *resident, vm_size_t *maxusage,
                  vm_offset_t *maxstack)
{
    *total = thread_count();
    *space = *total * KERNEL_STACK_SIZE;
    *resident = *space;
    *maxusage = 0;                      /* stack depth is not measured */
    *maxstack = 0;
}

kern_return_t
host_stack_usage(host_t host, vm_size_t *reserved, unsigned *total, vm_size_t *space,
                 vm_size_t *resident, vm_size_t *maxusage, vm_offset_t *maxstack)
{
    if (host == NULL) {
        return KERN_INVALID_HOST;
    }
    *reserved = PCB_STACK_RESERVE;      /* the user frame at the top of each stack */
    host_debug_stacks(total, space, resident, maxusage, maxstack);
    return KERN_SUCCESS;
}

kern_return_t
processor_set_stack_usage(processor_set_t pset, unsigned *total, vm_size_t *space,
                          vm_size_t *resident, vm_size_t *maxusage, vm_offset_t *maxstack)
{
    if (pset == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    host_debug_stacks(total, space, resident, maxusage, maxstack);  /* one set: every thread */
    return KERN_SUCCESS;
}

/* vm_region_info_t's words (GNU Mach's mach_debug_types.defs order). */
enum {
    HOST_DEBUG_VRI_START, HOST_DEBUG_VRI_END, HOST_DEBUG_VRI_PROT, HOST_DEBUG_VRI_MAX_PROT,
    HOST_DEBUG_VRI_INHERIT, HOST_DEBUG_VRI_WIRED, HOST_DEBUG_VRI_USER_WIRED,
    HOST_DEBUG_VRI_OBJECT, HOST_DEBUG_VRI_OFFSET, HOST_DEBUG_VRI_NEEDS_COPY,
    HOST_DEBUG_VRI_SHARING, HOST_DEBUG_VRI_WORDS
};
_Static_assert(HOST_DEBUG_VRI_WORDS == sizeof(vm_region_info_t) / sizeof(natural_t),
               "vm_region_info_t is 11 words");

kern_return_t
mach_vm_region_info(vm_map_t task, vm_address_t address, vm_region_info_t *region,
                    ipc_port_t *object)
{
    struct vm_user_region r;
    natural_t *w = region->words;
    kern_return_t kr;

    if (task == NULL) {
        return KERN_INVALID_TASK;
    }
    kr = vm_user_region(task->map, address, &r);
    if (kr != KERN_SUCCESS) {
        return kr;                      /* KERN_NO_SPACE: nothing at or above address */
    }
    memset(region, 0, sizeof(*region));
    w[HOST_DEBUG_VRI_START] = (natural_t)r.start;
    w[HOST_DEBUG_VRI_END] = (natural_t)(r.start + r.size);
    w[HOST_DEBUG_VRI_PROT] = r.prot;
    w[HOST_DEBUG_VRI_MAX_PROT] = r.max_prot;
    w[HOST_DEBUG_VRI_INHERIT] = r.inherit;
    w[HOST_DEBUG_VRI_WIRED] = r.wired;  /* GNU Mach: 0 or 1, wirings do not stack */
    w[HOST_DEBUG_VRI_USER_WIRED] = r.wired;
    w[HOST_DEBUG_VRI_OBJECT] = (natural_t)r.object;
    w[HOST_DEBUG_VRI_OFFSET] = (natural_t)r.offset;
    w[HOST_DEBUG_VRI_NEEDS_COPY] = 0;   /* copy-on-write is shadow objects, made at once */
    w[HOST_DEBUG_VRI_SHARING] = r.shared;
    *object = IP_NULL;                  /* no port names an object (GNU Mach: anonymous memory has none) */
    return KERN_SUCCESS;
}

kern_return_t
mach_vm_object_info(vm_object_t object, vm_object_info_t *info, ipc_port_t *shadow,
                    ipc_port_t *copy)
{
    (void)info;
    (void)shadow;
    (void)copy;
    assert(object == NULL);             /* no port converts to an object (kern/mig_convert.c) */
    return KERN_INVALID_ARGUMENT;
}

kern_return_t
mach_vm_object_pages(vm_object_t object, vm_page_info_array_t *pages,
                     mach_msg_type_number_t *pagesCnt)
{
    (void)pages;
    (void)pagesCnt;
    assert(object == NULL);
    return KERN_INVALID_ARGUMENT;
}
