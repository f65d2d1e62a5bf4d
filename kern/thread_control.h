/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Mach's calls on one thread of a task (mach.defs): thread_suspend and
 * thread_resume with a per-thread suspend count, as plain kernel
 * functions with GNU Mach's argument order and errors, for the MIG
 * server stubs. kern/thread_state.h has thread_get_state and
 * thread_set_state.
 *
 * A thread is stopped while its own suspend count or its task's is
 * above 0: it stops on its way back to user mode (thread_ast_check(),
 * kern/task.h), where its whole user state is saved, so
 * thread_get_state/thread_set_state may work on it.
 *
 * Threads have no reference counts yet: the caller must know that the
 * thread stays (e.g. it holds the thread's task and the thread does not
 * exit meanwhile), as for task_thread_from_port().
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

#endif /* KERN_THREAD_CONTROL_H */
