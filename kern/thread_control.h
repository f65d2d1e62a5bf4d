/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Mach's calls on one thread of a task (mach.defs): thread_create (a
 * user thread in a task; thread_create_kernel() makes kernel threads),
 * thread_terminate, thread_suspend and thread_resume with a
 * per-thread suspend count, thread_abort, thread_get/set_special_port,
 * as plain kernel functions with
 * GNU Mach's argument order and errors, for the MIG server stubs.
 * kern/thread_state.h has thread_get_state and thread_set_state.
 *
 * A thread is stopped while its own suspend count or its task's is
 * above 0: it stops on its way back to user mode (thread_ast_check(),
 * kern/task.h), where its whole user state is saved, so
 * thread_get_state/thread_set_state may work on it.
 *
 * The caller holds a reference on the thread (task_thread_from_port(),
 * convert_port_to_thread()): a thread that exited meanwhile is dead,
 * not freed, and the routines answer as GNU Mach does for a thread that
 * is gone.
 */
#ifndef KERN_THREAD_CONTROL_H
#define KERN_THREAD_CONTROL_H

#include <include/mach/kern_return.h>

struct thread;

/*
 * thread_suspend: add one to thread's suspend count; the thread stops on
 * its way back to user mode. When thread is not the caller, wait until
 * it has stopped (as GNU Mach does); the wait ends early if it is
 * resumed or leaves its task, its task is terminated, or the caller gets
 * an AST. The caller suspending itself stops on its own way out.
 * Returns KERN_SUCCESS, KERN_INVALID_ARGUMENT (NULL, or a kernel thread
 * with no task) or KERN_FAILURE (its task is terminated). Thread
 * context, no lock held.
 */
kern_return_t thread_suspend(struct thread *thread);

/*
 * thread_resume: take one from thread's suspend count; at 0 it goes on
 * unless its task is suspended. Returns KERN_SUCCESS,
 * KERN_INVALID_ARGUMENT (as above), or KERN_FAILURE (count already 0,
 * or task terminated). Takes the task's lock.
 */
kern_return_t thread_resume(struct thread *thread);

/*
 * thread_create (mach.defs 2061): a new thread in parent_task, in
 * *child_thread, suspended once (thread_resume starts it) and stopped
 * before it ever runs user code, with GNU Mach's initial user state
 * (thread_set_state sets where it starts). It is in the task's thread
 * list on return, and the caller holds a reference on it (thread_unref();
 * the MIG reply's convert_thread_to_port() consumes it). Returns
 * KERN_SUCCESS, KERN_INVALID_ARGUMENT (NULL task), KERN_FAILURE
 * (terminated task) or KERN_RESOURCE_SHORTAGE.
 * Thread context, no lock held; waits until the thread has joined.
 */
kern_return_t thread_create(struct task *parent_task, struct thread **child_thread);

/*
 * thread_terminate: end thread. The caller ending itself gets
 * KERN_SUCCESS and ends on its way back to user mode (the trap or RPC
 * does not return to it). Another thread ends at its next return to
 * user mode or interruptible sleep; the call waits until it has left its
 * task. Returns KERN_SUCCESS, KERN_INVALID_ARGUMENT (NULL, or a kernel
 * thread with no task) or KERN_FAILURE (its task is terminated: the
 * thread ends anyway). Thread context, no lock held.
 */
kern_return_t thread_terminate(struct thread *thread);

/*
 * thread_abort: end thread's interruptible sleep in the kernel, if it
 * is in one: the waiting call returns with an interrupted status (for
 * mach_msg, once it exists, MACH_RCV_INTERRUPTED or
 * MACH_SEND_INTERRUPTED: its sleeps are interruptible). A stopped
 * thread stays stopped. Returns KERN_SUCCESS, or KERN_INVALID_ARGUMENT
 * for NULL, the caller itself (as GNU Mach) or a kernel thread. Locking
 * as thread_interrupt().
 */
kern_return_t thread_abort(struct thread *thread);

/* Special ports of a thread (GNU Mach's include/mach/thread_special_ports.h). */
#define THREAD_KERNEL_PORT      1
#define THREAD_EXCEPTION_PORT   3

struct ipc_port;

/*
 * thread_special_port_get: the port of which (THREAD_KERNEL_PORT: what
 * mach_thread_self names, the thread's kernel port unless set;
 * THREAD_EXCEPTION_PORT) in *portp with a reference for the caller, or
 * NULL when none is set. Returns KERN_SUCCESS, KERN_INVALID_ARGUMENT
 * (NULL, unknown which) or KERN_FAILURE (a thread not in a task, or
 * leaving it). Takes the task's lock.
 */
kern_return_t thread_special_port_get(struct thread *thread, int which,
                                      struct ipc_port **portp);

/*
 * thread_special_port_set: make port (NULL for none) the port of which;
 * on success the thread takes over the caller's reference to port and
 * drops its reference to the previous one. Errors as the get call (port
 * not taken). The exception port is the first that exception delivery
 * tries (kern/exception.h), before the task's.
 */
kern_return_t thread_special_port_set(struct thread *thread, int which,
                                      struct ipc_port *port);

#endif /* KERN_THREAD_CONTROL_H */
