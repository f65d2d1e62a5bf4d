/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The task, thread and port traps (see kern/mach_trap.h).
 *
 * Rationale. Each syscall_* function is the RPC it shortcuts, minus the
 * message: translate the target name (a send right in the caller's
 * space, as the RPC's COPY_SEND request port would be), call the same
 * kernel function the RPC server will call, and copy OUT values out. The
 * translation holds a task reference for the call, so a concurrent
 * termination of the target cannot free its space or map under us
 * (kern/task.h). Undoing a call whose OUT pointer is bad keeps the trap
 * leak-free without trusting the user to have passed writable memory.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <device/dev_pager.h>
#include <include/mach/kern_return.h>
#include <include/mach/port.h>
#include <ipc/ipc_kmsg.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <ipc/ipc_space.h>
#include <kern/copy.h>
#include <kern/host.h>
#include <kern/mach_trap.h>
#include <kern/task.h>
#include <kern/thread_control.h>
#include <kern/thread.h>
#include <vm/vm_user.h>

/* The caller's space, or NULL for a kernel thread. */
static struct ipc_space *
mach_trap_space(void)
{
    struct task *self = task_self();

    return (self != NULL) ? self->space : NULL;
}

/*
 * The port behind the send right name in the caller's space, with a
 * reference: what a COPY_SEND copyin takes. KERN_INVALID_TASK for a
 * caller without a space, else ipc_right_port_of()'s errors.
 */
static kern_return_t
mach_trap_copy_send(mach_port_name_t name, struct ipc_port **portp)
{
    struct ipc_space *space = mach_trap_space();

    if (space == NULL) {
        return KERN_INVALID_TASK;
    }
    return ipc_right_port_of(space, name, MACH_PORT_TYPE_SEND, portp);
}

/* The task name denotes in the caller's space, with a reference, or NULL. */
static struct task *
mach_trap_task(mach_port_name_t name)
{
    struct ipc_port *port;
    struct task *task;

    if (mach_trap_copy_send(name, &port) != KERN_SUCCESS) {
        return NULL;
    }
    task = task_from_port(port);
    ipc_port_unref(port);
    return task;
}

/* A send right to port for the caller's space: its name, or 0. */
static mach_port_name_t
mach_trap_self_right(struct ipc_port *port)
{
    struct ipc_space *space = mach_trap_space();
    mach_port_name_t name;

    if (space == NULL || port == NULL
        || ipc_right_copyout(space, port, MACH_PORT_RIGHT_SEND, &name) != KERN_SUCCESS) {
        return MACH_PORT_NULL;
    }
    return name;
}

mach_port_name_t
mach_reply_port(void)
{
    struct ipc_space *space = mach_trap_space();
    mach_port_name_t name;

    if (space == NULL
        || ipc_right_alloc(space, MACH_PORT_RIGHT_RECEIVE, &name) != KERN_SUCCESS) {
        return MACH_PORT_NULL;
    }
    return name;
}

mach_port_name_t
mach_thread_self(void)
{
    struct ipc_port *port = NULL;
    mach_port_name_t name;

    /* THREAD_KERNEL_PORT: the thread's kernel port unless set otherwise. */
    if (thread_special_port_get(thread_self(), THREAD_KERNEL_PORT, &port) != KERN_SUCCESS) {
        return MACH_PORT_NULL;
    }
    name = mach_trap_self_right(port);
    if (port != NULL) {
        ipc_port_unref(port);
    }
    return name;
}

mach_port_name_t
mach_task_self(void)
{
    struct task *self = task_self();
    struct ipc_port *port = NULL;
    mach_port_name_t name;

    if (self == NULL
        || task_special_port_get(self, TASK_KERNEL_PORT, &port) != KERN_SUCCESS) {
        return MACH_PORT_NULL;
    }
    name = mach_trap_self_right(port);
    if (port != NULL) {
        ipc_port_unref(port);
    }
    return name;
}

mach_port_name_t
mach_host_self(void)
{
    return mach_trap_self_right(host_port());
}

/* Copy the address word in from uaddr; false when it cannot be read. */
static bool
mach_trap_addr_in(const void *uaddr, uintptr_t *addrp)
{
    uint32_t word;

    if (copyin(uaddr, &word, sizeof(word)) != 0) {
        return false;
    }
    *addrp = word;
    return true;
}

/*
 * Copy the address of a successful allocation out to uaddr; when that
 * fails, give the memory back and return KERN_INVALID_ADDRESS.
 */
static kern_return_t
mach_trap_addr_out(struct task *task, void *uaddr, uintptr_t addr, uint32_t size)
{
    uint32_t word = (uint32_t)addr;

    if (copyout(&word, uaddr, sizeof(word)) == 0) {
        return KERN_SUCCESS;
    }
    vm_user_deallocate(task->map, addr, size);
    return KERN_INVALID_ADDRESS;
}

kern_return_t
syscall_vm_map(mach_port_name_t target, void *uaddr, uint32_t size, uint32_t mask,
               uint32_t anywhere, mach_port_name_t memory_object, uint32_t offset,
               uint32_t copy, uint32_t cur_prot, uint32_t max_prot, uint32_t inherit)
{
    struct task *task = mach_trap_task(target);
    struct ipc_port *object;
    uintptr_t addr;
    kern_return_t kr;

    if (task == NULL) {
        return MACH_SEND_INTERRUPTED;
    }
    object = NULL;
    kr = MACH_PORT_VALID(memory_object) ? mach_trap_copy_send(memory_object, &object)
                                        : KERN_SUCCESS;
    if (kr == KERN_SUCCESS && !mach_trap_addr_in(uaddr, &addr)) {
        kr = KERN_INVALID_ADDRESS;
    } else if (kr == KERN_SUCCESS) {
        if (object != NULL) {
            /* The only memory objects: device pagers (device_map). */
            kr = dev_pager_vm_map(object, task->map, &addr, size, mask, anywhere != 0,
                                  copy != 0, offset, cur_prot, max_prot, inherit);
        } else {
            kr = vm_user_map(task->map, &addr, size, mask, anywhere != 0, copy != 0,
                             cur_prot, max_prot, inherit);
        }
        if (kr == KERN_SUCCESS) {
            kr = mach_trap_addr_out(task, uaddr, addr, size);
        }
    }
    if (object != NULL) {
        ipc_port_unref(object);
    }
    task_unref(task);
    return kr;
}

kern_return_t
syscall_vm_allocate(mach_port_name_t target, void *uaddr, uint32_t size, uint32_t anywhere)
{
    struct task *task = mach_trap_task(target);
    uintptr_t addr;
    kern_return_t kr;

    if (task == NULL) {
        return MACH_SEND_INTERRUPTED;
    }
    if (!mach_trap_addr_in(uaddr, &addr)) {
        kr = KERN_INVALID_ADDRESS;
    } else {
        kr = vm_user_allocate(task->map, &addr, size, anywhere != 0);
        if (kr == KERN_SUCCESS) {
            kr = mach_trap_addr_out(task, uaddr, addr, size);
        }
    }
    task_unref(task);
    return kr;
}

kern_return_t
syscall_vm_deallocate(mach_port_name_t target, uint32_t addr, uint32_t size)
{
    struct task *task = mach_trap_task(target);
    kern_return_t kr;

    if (task == NULL) {
        return MACH_SEND_INTERRUPTED;
    }
    kr = vm_user_deallocate(task->map, addr, size);
    task_unref(task);
    return kr;
}

kern_return_t
syscall_task_create(mach_port_name_t parent, uint32_t inherit_memory, void *uchild)
{
    struct task *task = mach_trap_task(parent), *child;
    struct ipc_space *space = mach_trap_space();
    mach_port_name_t name;
    kern_return_t kr;

    if (task == NULL) {
        return MACH_SEND_INTERRUPTED;
    }
    kr = task_create_named(task, inherit_memory != 0, task->name, &child);
    task_unref(task);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    /*
     * child->kport is set until termination, which only we can start
     * before the name is out. Once it is, another thread of ours may
     * terminate the child: our reference keeps it for the undo.
     */
    task_ref(child);
    kr = ipc_right_copyout(space, child->kport, MACH_PORT_RIGHT_SEND, &name);
    if (kr == KERN_SUCCESS && copyout(&name, uchild, sizeof(name)) != 0) {
        ipc_right_deallocate(space, name);
        kr = KERN_INVALID_ADDRESS;
    }
    if (kr != KERN_SUCCESS) {
        task_terminate(child);
    }
    task_unref(child);
    return kr;
}

kern_return_t
syscall_task_terminate(mach_port_name_t target)
{
    struct task *task = mach_trap_task(target);
    kern_return_t kr;

    if (task == NULL) {
        return MACH_SEND_INTERRUPTED;
    }
    kr = task_terminate(task);
    task_unref(task);
    return kr;
}

kern_return_t
syscall_task_suspend(mach_port_name_t target)
{
    struct task *task = mach_trap_task(target);
    kern_return_t kr;

    if (task == NULL) {
        return MACH_SEND_INTERRUPTED;
    }
    kr = task_suspend(task);
    task_unref(task);
    return kr;
}

kern_return_t
syscall_task_set_special_port(mach_port_name_t target, uint32_t which, mach_port_name_t name)
{
    struct task *task = mach_trap_task(target);
    struct ipc_port *port = NULL;
    kern_return_t kr = KERN_SUCCESS;

    if (task == NULL) {
        return MACH_SEND_INTERRUPTED;
    }
    if (MACH_PORT_VALID(name)) {
        kr = mach_trap_copy_send(name, &port);
    }
    if (kr == KERN_SUCCESS) {
        kr = task_special_port_set(task, (int)which, port);
        if (kr != KERN_SUCCESS && port != NULL) {
            ipc_port_unref(port);
        }
    }
    task_unref(task);
    return kr;
}

kern_return_t
syscall_mach_port_allocate(mach_port_name_t target, uint32_t right, void *uname)
{
    struct task *task = mach_trap_task(target);
    mach_port_name_t name;
    kern_return_t kr;

    if (task == NULL) {
        return MACH_SEND_INTERRUPTED;
    }
    kr = ipc_right_alloc(task->space, right, &name);
    if (kr == KERN_SUCCESS && copyout(&name, uname, sizeof(name)) != 0) {
        ipc_right_destroy(task->space, name);
        kr = KERN_INVALID_ADDRESS;
    }
    task_unref(task);
    return kr;
}

kern_return_t
syscall_mach_port_deallocate(mach_port_name_t target, mach_port_name_t name)
{
    struct task *task = mach_trap_task(target);
    kern_return_t kr;

    if (task == NULL) {
        return MACH_SEND_INTERRUPTED;
    }
    kr = ipc_right_deallocate(task->space, name);
    task_unref(task);
    return kr;
}

/*
 * Take the right that disposition type of name gives from the caller's
 * space, as a message would: *portp holds it (a send or send-once
 * right, as in a message; IPC_PORT_DEAD if its port just died) and
 * *rightp says which. Moved rights leave the caller's space here.
 */
static kern_return_t
mach_trap_copyin_right(mach_port_name_t name, uint32_t type, struct ipc_port **portp,
                       mach_port_right_t *rightp)
{
    struct ipc_space *space = mach_trap_space();
    mach_port_type_t need;
    kern_return_t kr;

    switch (type) {
    case MACH_MSG_TYPE_MOVE_SEND:
    case MACH_MSG_TYPE_COPY_SEND:
        need = MACH_PORT_TYPE_SEND;
        *rightp = MACH_PORT_RIGHT_SEND;
        break;
    case MACH_MSG_TYPE_MOVE_SEND_ONCE:
        need = MACH_PORT_TYPE_SEND_ONCE;
        *rightp = MACH_PORT_RIGHT_SEND_ONCE;
        break;
    case MACH_MSG_TYPE_MAKE_SEND:
        need = MACH_PORT_TYPE_RECEIVE;
        *rightp = MACH_PORT_RIGHT_SEND;
        break;
    case MACH_MSG_TYPE_MAKE_SEND_ONCE:
        need = MACH_PORT_TYPE_RECEIVE;
        *rightp = MACH_PORT_RIGHT_SEND_ONCE;
        break;
    default:
        return KERN_INVALID_RIGHT;  /* MOVE_RECEIVE: see kern/mach_trap.h */
    }
    kr = ipc_right_port_of(space, name, need, portp);    /* the errors, nothing taken */
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    ipc_port_unref(*portp);
    return ipc_right_copyin(space, name, type, portp);
}

kern_return_t
syscall_mach_port_insert_right(mach_port_name_t target, mach_port_name_t name,
                               mach_port_name_t right, uint32_t type)
{
    struct task *task = mach_trap_task(target);
    mach_port_right_t new_right;
    struct ipc_port *port;
    kern_return_t kr;

    if (task == NULL) {
        return MACH_SEND_INTERRUPTED;
    }
    if (type < MACH_MSG_TYPE_MOVE_RECEIVE || type > MACH_MSG_TYPE_MAKE_SEND_ONCE
        || !MACH_PORT_VALID(right)) {
        kr = KERN_INVALID_VALUE;
    } else {
        kr = mach_trap_copyin_right(right, type, &port, &new_right);
        if (kr == KERN_SUCCESS && !IPC_PORT_VALID(port)) {
            kr = KERN_INVALID_CAPABILITY;
        } else if (kr == KERN_SUCCESS) {
            mach_msg_type_name_t held = (new_right == MACH_PORT_RIGHT_SEND)
                                        ? MACH_MSG_TYPE_PORT_SEND : MACH_MSG_TYPE_PORT_SEND_ONCE;

            kr = ipc_right_insert(task->space, name, port, new_right);
            if (kr == KERN_SUCCESS) {
                ipc_right_release_send(port, held);     /* the new right stands for it */
            } else {
                ipc_kmsg_release_right(port, held);     /* destroyed, with its notifications */
            }
        }
    }
    task_unref(task);
    return kr;
}

kern_return_t
syscall_mach_port_allocate_name(mach_port_name_t target, uint32_t right,
                                mach_port_name_t name)
{
    struct task *task = mach_trap_task(target);
    kern_return_t kr;

    if (task == NULL) {
        return MACH_SEND_INTERRUPTED;
    }
    kr = ipc_right_alloc_name(task->space, right, name);
    task_unref(task);
    return kr;
}

kern_return_t
syscall_thread_depress_abort(mach_port_name_t thread)
{
    struct ipc_port *port;
    struct thread *t;

    if (mach_trap_copy_send(thread, &port) != KERN_SUCCESS) {
        return MACH_SEND_INTERRUPTED;
    }
    t = task_thread_from_port(port);
    ipc_port_unref(port);
    if (t == NULL) {
        return MACH_SEND_INTERRUPTED;
    }
    thread_unref(t);
    return KERN_SUCCESS;
}
