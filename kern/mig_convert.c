/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Conversions between ports and kernel objects, for the MIG-generated
 * kernel server stubs (kern/mig_kernel.h).
 *
 * Rationale. GNU Mach's interface definitions name these functions, so
 * the stubs call them as they are; each is a thin layer over the
 * object's own lookup (task_from_port(), task_thread_from_port(),
 * ipc_port_kobject()). A port to an object turns into the object with a
 * reference that the stub's destructor drops; an object turns into a
 * port as a new send right made from the kernel's own send right, and
 * the object reference the routine returned is consumed, as in GNU
 * Mach. Hosts, processors and sets are static: no references. A port of another kind,
 * a dead port or no port gives NULL, and the routine then answers its
 * "invalid object" error.
 */
#include <stddef.h>

#include <include/mach/message.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <ipc/ipc_space.h>
#include <kern/host.h>
#include <kern/mig_kernel.h>
#include <kern/panic.h>
#include <kern/processor.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <vm/vm_copy.h>

void
ipc_port_release_send(ipc_port_t port)
{
    ipc_right_release_send(port, MACH_MSG_TYPE_PORT_SEND);
}

void
ipc_port_release_sonce(ipc_port_t port)
{
    ipc_right_release_send(port, MACH_MSG_TYPE_PORT_SEND_ONCE);
}

boolean_t
ipc_port_check_circularity(ipc_port_t port, ipc_port_t dest)
{
    return ipc_port_transit_set(port, dest);
}

kern_return_t
mig_reply_ool(const void *data, size_t size, void *slot)
{
    struct vm_copy *copy = NULL;

    if (size != 0) {
        if (vm_copy_create(size, &copy) != 0) {
            return KERN_RESOURCE_SHORTAGE;
        }
        vm_copy_write(copy, 0, data, size);
    }
    *(struct vm_copy **)slot = copy;
    return KERN_SUCCESS;
}

struct ipc_port *
mig_right_keep(ipc_port_t right)
{
    if (!IP_VALID(right)) {
        return NULL;
    }
    ipc_port_ref(right);
    return right;
}

void
mig_right_kept(struct ipc_port *port, kern_return_t kr)
{
    if (port == NULL) {
        return;
    }
    if (kr == KERN_SUCCESS) {
        ipc_port_release_send(port);
    } else {
        ipc_port_unref(port);
    }
}

/* A new send right for port (the kernel's own), or IP_NULL. */
static ipc_port_t
mig_convert_send(struct ipc_port *port)
{
    if (port == NULL) {
        return IP_NULL;
    }
    ipc_right_make(port, MACH_MSG_TYPE_PORT_SEND);
    return port;
}

task_t
convert_port_to_task(ipc_port_t port)
{
    return IP_VALID(port) ? task_from_port(port) : NULL;
}

void
task_deallocate(task_t task)
{
    if (task != NULL) {
        task_unref(task);
    }
}

ipc_port_t
convert_task_to_port(task_t task)
{
    ipc_port_t port;

    if (task == NULL) {
        return IP_NULL;
    }
    spinlock_lock(&task->lock);
    port = mig_convert_send(task->sself);
    spinlock_unlock(&task->lock);
    task_unref(task);
    return port;
}

ipc_space_t
convert_port_to_space(ipc_port_t port)
{
    task_t task = convert_port_to_task(port);
    ipc_space_t space;

    if (task == NULL) {
        return NULL;
    }
    space = task->space;
    ipc_space_ref(space);
    task_unref(task);
    return space;
}

void
space_deallocate(ipc_space_t space)
{
    if (space != NULL) {
        ipc_space_unref(space);
    }
}

vm_map_t
convert_port_to_map(ipc_port_t port)
{
    return convert_port_to_task(port);
}

void
vm_map_deallocate(vm_map_t map)
{
    task_deallocate(map);
}

thread_t
convert_port_to_thread(ipc_port_t port)
{
    return IP_VALID(port) ? task_thread_from_port(port) : NULL;
}

void
thread_deallocate(thread_t thread)
{
    if (thread != NULL) {
        thread_unref(thread);
    }
}

/* The thread reference keeps thread->task (kern/task.h, "Lifetime"). */
ipc_port_t
convert_thread_to_port(thread_t thread)
{
    ipc_port_t port = IP_NULL;
    struct task *task;

    if (thread == NULL) {
        return IP_NULL;
    }
    task = task_thread_lock(thread);
    if (task != NULL) {
        port = mig_convert_send(thread->sself);
        spinlock_unlock(&task->lock);
    }
    thread_unref(thread);
    return port;
}

host_t
convert_port_to_host(ipc_port_t port)
{
    host_t host;

    if (!IP_VALID(port)) {
        return NULL;
    }
    host = ipc_port_kobject(port, IPC_KOBJECT_HOST, NULL);
    return host != NULL ? host : ipc_port_kobject(port, IPC_KOBJECT_HOST_PRIV, NULL);
}

host_t
convert_port_to_host_priv(ipc_port_t port)
{
    return IP_VALID(port) ? ipc_port_kobject(port, IPC_KOBJECT_HOST_PRIV, NULL) : NULL;
}

ipc_port_t
convert_host_to_port(host_t host)
{
    return host == NULL ? IP_NULL : mig_convert_send(host_port());
}

processor_t
convert_port_to_processor(ipc_port_t port)
{
    return IP_VALID(port) ? ipc_port_kobject(port, IPC_KOBJECT_PROCESSOR, NULL) : NULL;
}

/* Processor sets are static (kern/processor.c): no references. */
processor_set_t
convert_port_to_pset(ipc_port_t port)
{
    return IP_VALID(port) ? ipc_port_kobject(port, IPC_KOBJECT_PSET, NULL) : NULL;
}

processor_set_t
convert_port_to_pset_name(ipc_port_t port)
{
    processor_set_t set;

    if (!IP_VALID(port)) {
        return NULL;
    }
    set = ipc_port_kobject(port, IPC_KOBJECT_PSET_NAME, NULL);
    return set != NULL ? set : ipc_port_kobject(port, IPC_KOBJECT_PSET, NULL);
}

ipc_port_t
convert_pset_to_port(processor_set_t pset)
{
    return pset == NULL ? IP_NULL : mig_convert_send(pset->port);
}

ipc_port_t
convert_pset_name_to_port(processor_set_t pset)
{
    return pset == NULL ? IP_NULL : mig_convert_send(pset->name_port);
}

void
pset_deallocate(processor_set_t pset)
{
    (void)pset;
}

/* No routine takes a memory object's name port yet (vm/vm_pager.c keeps them). */
vm_object_t
vm_object_lookup_name(ipc_port_t port)
{
    (void)port;
    return NULL;
}

