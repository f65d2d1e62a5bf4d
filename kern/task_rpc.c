/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The task routines of mach.defs whose work needs ports or out-of-line
 * arrays (task_create, task_threads, mach_ports_register and _lookup,
 * task_get/set_special_port, task_ras_control), as the MIG-generated
 * kernel server calls them (doc/ipc.md, "MIG"; MACH-ABI.md 3.4). The
 * others (task_terminate, task_info, task_suspend, task_resume) are
 * kern/task.c's and kern/task_control.c's own functions.
 *
 * Rationale. The kernel keeps its ports as plain port references (a
 * task's special and registered ports, kern/task.h); a message carries
 * send rights (a count and a reference, ipc_right_make()). These
 * routines convert between the two around kern/task.c's functions: a
 * right given to the kernel becomes a reference and its send count is
 * released; a port the kernel gives becomes a new send right. As
 * everywhere in the MIG glue, a routine that fails consumes nothing.
 * Port arrays travel as a vm_copy of struct ipc_port pointers
 * (kern/mig_kernel.h).
 */
#include <stddef.h>

#include <include/mach/kern_return.h>
#include <include/mach/message.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <kern/kmem.h>
#include <kern/list.h>
#include <kern/mig_kernel.h>
#include <kern/panic.h>
#include <kern/spinlock.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/task_control.h>
#include <kern/thread.h>
#include <vm/vm_copy.h>

#include "mach_S.h"

/* A new send right for port, which holds a reference the caller gives up. */
static ipc_port_t
task_rpc_right_from_ref(struct ipc_port *port)
{
    if (port != NULL) {
        ipc_right_make(port, MACH_MSG_TYPE_PORT_SEND);
        ipc_port_unref(port);
    }
    return port;
}

kern_return_t
task_create(task_t target_task, boolean_t inherit_memory, task_t *child_task)
{
    struct task *child;
    char name[TASK_NAME_SIZE];
    kern_return_t kr;

    if (target_task == NULL) {
        return KERN_INVALID_TASK;       /* GNU Mach's answer for no parent */
    }
    spinlock_lock(&target_task->lock);
    memcpy(name, target_task->name, sizeof(name));
    spinlock_unlock(&target_task->lock);
    kr = task_create_named(target_task, inherit_memory != 0, name, &child);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    /* The life reference stays for task_terminate; the reply's conversion takes this one. */
    task_ref(child);
    *child_task = child;
    return KERN_SUCCESS;
}

kern_return_t
task_threads(task_t target_task, thread_array_t *thread_list,
             mach_msg_type_number_t *thread_listCnt)
{
    struct thread **list, *t;
    natural_t count, n = 0;
    kern_return_t kr;

    kr = task_thread_list(target_task, &list, &count);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    /*
     * A thread that left meanwhile is no longer in the list (and may be
     * freed): each one is looked up again under the task's lock, which
     * keeps a member's kernel port.
     */
    spinlock_lock(&target_task->lock);
    for (natural_t i = 0; i < count; i++) {
        list_foreach_entry(&target_task->threads, t, task_node) {
            if (t == list[i] && t->sself != NULL) {
                ipc_right_make(t->sself, MACH_MSG_TYPE_PORT_SEND);
                list[n++] = (struct thread *)t->sself;
                break;
            }
        }
    }
    spinlock_unlock(&target_task->lock);
    _Static_assert(sizeof(struct thread *) == sizeof(ipc_port_t), "the list holds ports now");
    kr = mig_reply_ool((ipc_port_t *)list, n * sizeof(ipc_port_t), thread_list);
    if (kr != KERN_SUCCESS) {
        for (natural_t i = 0; i < n; i++) {
            ipc_port_release_send((ipc_port_t)list[i]);
        }
    } else {
        *thread_listCnt = n;
    }
    kmem_free(list, count * sizeof(*list));
    return kr;
}

kern_return_t
mach_ports_register(task_t target_task, mach_port_array_t init_port_set,
                    mach_msg_type_number_t init_port_setCnt)
{
    struct vm_copy *copy = (struct vm_copy *)init_port_set;
    ipc_port_t ports[TASK_PORT_REGISTER_MAX] = { NULL };
    kern_return_t kr;

    if (target_task == NULL || init_port_setCnt > TASK_PORT_REGISTER_MAX) {
        return KERN_INVALID_ARGUMENT;
    }
    if (init_port_setCnt != 0) {
        assert(copy != NULL && vm_copy_size(copy) == init_port_setCnt * sizeof(ports[0]));
        vm_copy_read(copy, 0, ports, init_port_setCnt * sizeof(ports[0]));
    }
    for (unsigned int i = 0; i < init_port_setCnt; i++) {
        if (IP_VALID(ports[i])) {
            ipc_port_ref(ports[i]);     /* what the task keeps */
        } else {
            ports[i] = NULL;
        }
    }
    kr = task_registered_set(target_task, ports, init_port_setCnt);
    for (unsigned int i = 0; i < init_port_setCnt; i++) {
        if (ports[i] == NULL) {
            continue;
        }
        if (kr == KERN_SUCCESS) {
            ipc_port_release_send(ports[i]);        /* the message's right */
        } else {
            ipc_port_unref(ports[i]);
        }
    }
    if (kr == KERN_SUCCESS && copy != NULL) {
        vm_copy_discard(copy);
    }
    return kr;
}

kern_return_t
mach_ports_lookup(task_t target_task, mach_port_array_t *init_port_set,
                  mach_msg_type_number_t *init_port_setCnt)
{
    struct ipc_port **list;
    natural_t count;
    kern_return_t kr;

    kr = task_registered_get(target_task, &list, &count);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    for (natural_t i = 0; i < count; i++) {
        list[i] = task_rpc_right_from_ref(list[i]);
    }
    kr = mig_reply_ool(list, count * sizeof(ipc_port_t), init_port_set);
    if (kr != KERN_SUCCESS) {
        for (natural_t i = 0; i < count; i++) {
            if (list[i] != NULL) {
                ipc_port_release_send(list[i]);
            }
        }
    } else {
        *init_port_setCnt = count;
    }
    kmem_free(list, count * sizeof(*list));
    return kr;
}

kern_return_t
task_get_special_port(task_t task, int which_port, ipc_port_t *special_port)
{
    struct ipc_port *port;
    kern_return_t kr;

    if (task == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    kr = task_special_port_get(task, which_port, &port);
    if (kr == KERN_SUCCESS) {
        *special_port = task_rpc_right_from_ref(port);
    }
    return kr;
}

kern_return_t
task_set_special_port(task_t task, int which_port, ipc_port_t special_port)
{
    struct ipc_port *port;
    kern_return_t kr;

    if (task == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    port = mig_right_keep(special_port);        /* what the task keeps */
    kr = task_special_port_set(task, which_port, port);
    mig_right_kept(port, kr);
    return kr;
}

/* Restartable atomic sequences: GNU Mach's answer without FAST_TAS (i386), for any task. */
kern_return_t
task_ras_control(task_t target_task, vm_address_t basepc, vm_address_t boundspc, int flavor)
{
    (void)target_task;
    (void)basepc;
    (void)boundspc;
    (void)flavor;
    return KERN_FAILURE;
}
