/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virtual memory routines of mach.defs (vm_allocate ... vm_map,
 * vm_machine_attribute), as the MIG-generated kernel server calls them
 * (doc/ipc.md, "MIG"; MACH-ABI.md 6.2).
 *
 * Rationale. vm/vm_user.c does the work, shared with the traps and the
 * gnumach.defs calls; this file adapts GNU Mach's prototypes (checked
 * against the generated mach_S.h) and moves out-of-line data. A vm_map_t
 * is the task whose map it is, with a reference; a null one (a port that
 * is no task port) answers KERN_INVALID_ARGUMENT, as GNU Mach's
 * VM_MAP_NULL does.
 *
 * Out-of-line data. vm_read maps the range copy-on-write into the
 * caller's own map (vm_user_read(), GNU Mach's copyin), then captures it
 * from there into the reply's vm_copy and unmaps it: the caller is the
 * thread running the RPC, and vm_copy_capture() reads the calling
 * thread's map only; from VM_COPY_PHYS_MAX bytes up that capture is
 * copy-on-write too, below it one physical copy. vm_write overwrites
 * the range page by page straight from the request's copy
 * (vm_user_write_reader()), after checking the whole range, as GNU
 * Mach's overwrite does; no kernel buffer of the data's size.
 *
 * vm_map of a memory object: a device pager's port maps its object
 * (device/dev_pager.h); an ordinary port is an external pager's memory
 * object (vm/vm_pager.h), other kernel-object ports are refused.
 */
#include <stddef.h>
#include <stdint.h>

#include <device/dev_pager.h>
#include <include/mach/kern_return.h>
#include <ipc/ipc_port.h>
#include <kern/mig_kernel.h>
#include <kern/panic.h>
#include <kern/task.h>
#include <vm/vm_copy.h>
#include <vm/vm_map.h>
#include <vm/vm_object.h>
#include <vm/vm_pager.h>
#include <vm/vm_user.h>

#include "mach_S.h"
#include "mach_host_S.h"

/* The map of target, or NULL (no task: the routine answers KERN_INVALID_ARGUMENT). */
static struct vm_user_map *
vm_rpc_map(vm_map_t target)
{
    return target == NULL ? NULL : target->map;
}

kern_return_t
vm_allocate(vm_map_t target_task, vm_address_t *address, vm_size_t size, boolean_t anywhere)
{
    struct vm_user_map *map = vm_rpc_map(target_task);

    if (map == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    return vm_user_allocate(map, address, size, anywhere != 0);
}

kern_return_t
vm_deallocate(vm_map_t target_task, vm_address_t address, vm_size_t size)
{
    struct vm_user_map *map = vm_rpc_map(target_task);

    return map == NULL ? KERN_INVALID_ARGUMENT : vm_user_deallocate(map, address, size);
}

kern_return_t
vm_protect(vm_map_t target_task, vm_address_t address, vm_size_t size, boolean_t set_maximum,
           vm_prot_t new_protection)
{
    struct vm_user_map *map = vm_rpc_map(target_task);

    if (map == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    return vm_user_protect(map, address, size, set_maximum != 0, (unsigned int)new_protection);
}

kern_return_t
vm_inherit(vm_map_t target_task, vm_address_t address, vm_size_t size,
           vm_inherit_t new_inheritance)
{
    struct vm_user_map *map = vm_rpc_map(target_task);

    if (map == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    return vm_user_inherit(map, address, size, (unsigned int)new_inheritance);
}

kern_return_t
vm_read(vm_map_t target_task, vm_address_t address, vm_size_t size, vm_offset_t *data,
        mach_msg_type_number_t *dataCnt)
{
    struct vm_user_map *map = vm_rpc_map(target_task), *own;
    struct task *self = task_self();
    struct vm_copy *copy = NULL;
    uintptr_t tmp, count;
    kern_return_t kr;
    int error;

    if (map == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    assert(self != NULL);       /* only a task's thread sends messages */
    own = self->map;
    kr = vm_user_read(map, address, size, own, &tmp, &count);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    if (size != 0) {
        error = vm_copy_capture(own, tmp, size, true, &copy);
        if (error != 0) {
            vm_user_deallocate(own, tmp, size);
            return KERN_RESOURCE_SHORTAGE;
        }
    }
    *(struct vm_copy **)data = copy;
    *dataCnt = size;
    return KERN_SUCCESS;
}

/* vm_user_write_reader()'s source: the bytes of a vm_copy. */
static void
vm_rpc_copy_read(void *arg, uintptr_t offset, void *dst, uintptr_t len)
{
    vm_copy_read(arg, offset, dst, len);
}

kern_return_t
vm_write(vm_map_t target_task, vm_address_t address, vm_offset_t data,
         mach_msg_type_number_t dataCnt)
{
    struct vm_user_map *map = vm_rpc_map(target_task);
    struct vm_copy *copy = (struct vm_copy *)data;
    kern_return_t kr;

    if (map == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    if (dataCnt == 0) {
        if (copy != NULL) {
            vm_copy_discard(copy);
        }
        return KERN_SUCCESS;
    }
    assert(copy != NULL && vm_copy_size(copy) == dataCnt);
    kr = vm_user_write_reader(map, address, dataCnt, vm_rpc_copy_read, copy);
    if (kr == KERN_SUCCESS) {
        vm_copy_discard(copy);
    }
    return kr;
}

kern_return_t
vm_copy(vm_map_t target_task, vm_address_t source_address, vm_size_t size,
        vm_address_t dest_address)
{
    struct vm_user_map *map = vm_rpc_map(target_task);

    if (map == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    return vm_user_copy(map, source_address, size, dest_address);
}

kern_return_t
vm_region(vm_map_t target_task, vm_address_t *address, vm_size_t *size, vm_prot_t *protection,
          vm_prot_t *max_protection, vm_inherit_t *inheritance, boolean_t *is_shared,
          ipc_port_t *object_name, vm_offset_t *offset)
{
    struct vm_user_map *map = vm_rpc_map(target_task);
    struct vm_user_region region;
    kern_return_t kr;

    if (map == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    kr = vm_user_region(map, *address, &region);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    *address = region.start;
    *size = region.size;
    *protection = (vm_prot_t)region.prot;
    *max_protection = (vm_prot_t)region.max_prot;
    *inheritance = (vm_inherit_t)region.inherit;
    *is_shared = region.shared;
    *object_name = IP_NULL;     /* GNU Mach gives no object name either */
    *offset = (vm_offset_t)region.offset;
    return KERN_SUCCESS;
}

kern_return_t
vm_statistics(vm_map_t target_task, vm_statistics_data_t *vm_stats)
{
    struct vm_user_statistics st;

    if (target_task == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    vm_user_statistics(&st);
    vm_stats->pagesize = (integer_t)st.pagesize;
    vm_stats->free_count = (integer_t)st.free_count;
    vm_stats->active_count = (integer_t)st.active_count;
    vm_stats->inactive_count = (integer_t)st.inactive_count;
    vm_stats->wire_count = (integer_t)st.wire_count;
    vm_stats->zero_fill_count = (integer_t)st.zero_fill_count;
    vm_stats->reactivations = (integer_t)st.reactivations;
    vm_stats->pageins = (integer_t)st.pageins;
    vm_stats->pageouts = (integer_t)st.pageouts;
    vm_stats->faults = (integer_t)st.faults;
    vm_stats->cow_faults = (integer_t)st.cow_faults;
    vm_stats->lookups = (integer_t)st.lookups;
    vm_stats->hits = (integer_t)st.hits;
    return KERN_SUCCESS;
}

/*
 * vm_map of an external pager's memory object port: its object (made
 * now, or the one other mappings use) mapped as vm_user_map_object()
 * does. copy=TRUE is refused for now (KERN_INVALID_ARGUMENT): a private
 * copy would need the pages the pager has not supplied yet.
 */
static kern_return_t
vm_rpc_map_pager(struct vm_user_map *map, uintptr_t *addrp, uintptr_t size, uintptr_t mask,
                 bool anywhere, bool copy, struct ipc_port *port, uint64_t offset,
                 unsigned int cur_prot, unsigned int max_prot, unsigned int inherit)
{
    struct vm_object *object;
    kern_return_t kr;
    int error;

    if (copy) {
        return KERN_INVALID_ARGUMENT;
    }
    error = vm_pager_object_get(port, &object);
    if (error != 0) {
        return vm_user_kern_return(error);
    }
    kr = vm_user_map_object(map, addrp, size, mask, anywhere, false, object, offset,
                            VM_MAP_PROT_ALL, cur_prot, max_prot, inherit);
    vm_object_unref(object);            /* the mapping holds its own */
    return kr;
}

kern_return_t
vm_map(vm_map_t target_task, vm_address_t *address, vm_size_t size, vm_address_t mask,
       boolean_t anywhere, ipc_port_t memory_object, vm_offset_t offset, boolean_t copy,
       vm_prot_t cur_protection, vm_prot_t max_protection, vm_inherit_t inheritance)
{
    struct vm_user_map *map = vm_rpc_map(target_task);

    if (map == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    if (!IP_VALID(memory_object)) {
        return vm_user_map(map, address, size, mask, anywhere != 0, copy != 0,
                           (unsigned int)cur_protection, (unsigned int)max_protection,
                           (unsigned int)inheritance);
    }
    /* On success the stub releases the caller's right: an object holds its own. */
    if (ipc_port_kobject(memory_object, IPC_KOBJECT_PAGER, NULL) != NULL) {
        return dev_pager_vm_map(memory_object, map, address, size, mask, anywhere != 0,
                                copy != 0, offset, (unsigned int)cur_protection,
                                (unsigned int)max_protection, (unsigned int)inheritance);
    }
    return vm_rpc_map_pager(map, address, size, mask, anywhere != 0, copy != 0, memory_object,
                            offset, (unsigned int)cur_protection, (unsigned int)max_protection,
                            (unsigned int)inheritance);
}

kern_return_t
vm_machine_attribute(vm_map_t target_task, vm_address_t address, vm_size_t size,
                     vm_machine_attribute_t attribute, vm_machine_attribute_val_t *value)
{
    struct vm_user_map *map = vm_rpc_map(target_task);

    if (map == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    return vm_user_machine_attribute(map, address, size, (unsigned int)attribute, value);
}

/*
 * vm_wire (mach_host.defs 2636): the host argument is a plain port, the
 * privileged host port or the host port (which wires at most
 * VM_USER_WIRE_MAX bytes); anything else is KERN_INVALID_HOST.
 */
kern_return_t
vm_wire(ipc_port_t host, vm_map_t task, vm_address_t address, vm_size_t size, vm_prot_t access)
{
    struct vm_user_map *map = vm_rpc_map(task);
    bool host_priv = convert_port_to_host_priv(host) != NULL;

    if (!host_priv && convert_port_to_host(host) == NULL) {
        return KERN_INVALID_HOST;
    }
    if (map == NULL) {
        return KERN_INVALID_TASK;
    }
    return vm_user_wire(map, host_priv, address, size, (unsigned int)access);
}
