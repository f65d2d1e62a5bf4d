/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Mach traps on tasks, threads and ports, as plain C functions with
 * GNU Mach's semantics (MACH-ABI.md 1.4 note 2, 4.5): the *_self traps
 * and mach_reply_port, and the syscall_* shortcuts of RPCs (-64..-76).
 * The trap table (kern/syscall.c) calls them with the words it copied
 * from the user stack; user pointers are followed only through
 * copyin/copyout (kern/copy.h).
 *
 * Rules of the syscall_* functions: the first argument must name, in the
 * caller's space, a send right to a task (a thread for
 * syscall_thread_depress_abort); otherwise they return
 * MACH_SEND_INTERRUPTED and change nothing, and the user's stub falls
 * back to the RPC. OUT values are written only on success. Where GNU
 * Mach ignores a failing copyin or copyout, these are stricter: a bad IN
 * pointer gives KERN_INVALID_ADDRESS before anything is done, and a bad
 * OUT pointer undoes the call (the memory, name or task made is
 * released again) and gives KERN_INVALID_ADDRESS, so nothing leaks.
 *
 * All run in the calling thread, interrupts enabled, no lock held, and
 * may sleep. A caller with no task (a kernel thread) gets 0 from the
 * *_self traps and MACH_SEND_INTERRUPTED from the others.
 */
#ifndef KERN_MACH_TRAP_H
#define KERN_MACH_TRAP_H

#include <stdint.h>

#include <include/mach/kern_return.h>
#include <include/mach/port.h>

/* mach_msg_return_t of a syscall_* whose target is not the caller's (message.h in GNU Mach). */
#ifndef MACH_SEND_INTERRUPTED
#define MACH_SEND_INTERRUPTED   0x10000007
#endif

/* Port dispositions (mach_msg_type_name_t) for syscall_mach_port_insert_right. */
#define MACH_MSG_TYPE_MOVE_RECEIVE      16
#define MACH_MSG_TYPE_MOVE_SEND         17
#define MACH_MSG_TYPE_MOVE_SEND_ONCE    18
#define MACH_MSG_TYPE_COPY_SEND         19
#define MACH_MSG_TYPE_MAKE_SEND         20
#define MACH_MSG_TYPE_MAKE_SEND_ONCE    21

/* -26: a new receive right in the caller's space; its name, or 0 on failure. */
mach_port_name_t mach_reply_port(void);

/*
 * -27, -28, -29: a send right to the caller's thread port, its task's
 * TASK_KERNEL_PORT, or the host port, copied out: the name the space
 * already has for that port gets one more user reference, else the
 * lowest free name is used. 0 on failure (no task, no port, no name).
 */
mach_port_name_t mach_thread_self(void);
mach_port_name_t mach_task_self(void);
mach_port_name_t mach_host_self(void);

/*
 * -64: vm_map. The word at uaddr is the address in, and receives the
 * address out. memory_object MACH_PORT_NULL: anonymous memory
 * (vm_user_map(); offset unused). Otherwise it must name a send right
 * (else the lookup's error) to a device pager (dev_pager_vm_map(); any
 * other port: KERN_INVALID_ARGUMENT, mach has no other memory objects).
 */
kern_return_t syscall_vm_map(mach_port_name_t target, void *uaddr, uint32_t size,
                             uint32_t mask, uint32_t anywhere,
                             mach_port_name_t memory_object, uint32_t offset,
                             uint32_t copy, uint32_t cur_prot, uint32_t max_prot,
                             uint32_t inherit);

/* -65: vm_allocate (vm_user_allocate()); *uaddr in and out. */
kern_return_t syscall_vm_allocate(mach_port_name_t target, void *uaddr, uint32_t size,
                                  uint32_t anywhere);

/* -66: vm_deallocate (vm_user_deallocate()). */
kern_return_t syscall_vm_deallocate(mach_port_name_t target, uint32_t addr, uint32_t size);

/*
 * -68: task_create: the child (task_create_named()) gets the parent's name,
 * and a send right to it goes to the caller's space; its name is written
 * at uchild. inherit_memory true is not supported yet: KERN_FAILURE.
 */
kern_return_t syscall_task_create(mach_port_name_t parent, uint32_t inherit_memory,
                                  void *uchild);

/*
 * -69: task_terminate. For the caller's own task it returns
 * KERN_SUCCESS, and the thread then ends in thread_ast_check() on its
 * way back to user mode: to the user, the trap does not return.
 */
kern_return_t syscall_task_terminate(mach_port_name_t task);

/* -70: task_suspend (kern/task.h: waits until the task's other threads stopped). */
kern_return_t syscall_task_suspend(mach_port_name_t task);

/*
 * -71: task_set_special_port: port (a send right of the caller, copied;
 * MACH_PORT_NULL or MACH_PORT_DEAD for none) becomes the task's port
 * which. Errors of the name lookup (KERN_INVALID_NAME,
 * KERN_INVALID_RIGHT) and of task_special_port_set().
 */
kern_return_t syscall_task_set_special_port(mach_port_name_t task, uint32_t which,
                                            mach_port_name_t port);

/* -72: mach_port_allocate in the task's space; the name is written at uname. */
kern_return_t syscall_mach_port_allocate(mach_port_name_t task, uint32_t right, void *uname);

/* -73: mach_port_deallocate in the task's space. */
kern_return_t syscall_mach_port_deallocate(mach_port_name_t task, mach_port_name_t name);

/*
 * -74: mach_port_insert_right: the right the caller's name right gives
 * with disposition type (MACH_MSG_TYPE_MOVE_SEND .. MAKE_SEND_ONCE) is
 * taken from the caller (moved, copied or made, as a message would) and
 * inserted into the task's space at name. A type that is not a port
 * disposition → KERN_INVALID_VALUE; right not valid → KERN_INVALID_VALUE;
 * the caller lacks the right → KERN_INVALID_NAME or KERN_INVALID_RIGHT;
 * then ipc_right_insert()'s errors, a moved right being destroyed on
 * failure (as GNU Mach does). MOVE_RECEIVE is not supported yet (no
 * receive right moves between spaces before mach_msg): KERN_INVALID_RIGHT
 * with nothing changed.
 */
kern_return_t syscall_mach_port_insert_right(mach_port_name_t task, mach_port_name_t name,
                                             mach_port_name_t right, uint32_t type);

/* -75: mach_port_allocate_name in the task's space. */
kern_return_t syscall_mach_port_allocate_name(mach_port_name_t task, uint32_t right,
                                              mach_port_name_t name);

/*
 * -76: thread_depress_abort: thread must name a thread; there are no
 * priority depressions yet, so there is nothing to abort: KERN_SUCCESS.
 */
kern_return_t syscall_thread_depress_abort(mach_port_name_t thread);

#endif /* KERN_MACH_TRAP_H */
