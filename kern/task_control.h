/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Mach's information calls on tasks and threads (mach.defs task_info,
 * task_threads, thread_info; gnumach.defs task_set_name) as plain kernel
 * functions with GNU Mach's argument order, layouts and errors, for the
 * MIG server stubs. Arrays are pointer + count, in and out, as the MIG
 * server header passes them.
 *
 * What mach does not account yet reads as 0: run times (user, system,
 * creation; there is no per-thread time accounting nor a time of day),
 * the event counts of TASK_EVENTS_INFO, cpu_usage and sleep_time.
 * Priorities are Mach's (kern/processor.h), not used by the scheduler
 * yet.
 */
#ifndef KERN_TASK_CONTROL_H
#define KERN_TASK_CONTROL_H

#include <include/mach/kern_return.h>
#include <include/mach/machine/vm_types.h>

struct task;
struct thread;

#define TASK_NAME_MAX           32          /* kernel_debug_name_t: char[32] */

/*
 * task_info: the flavor's information (TASK_BASIC_INFO,
 * TASK_EVENTS_INFO, TASK_THREAD_TIMES_INFO) into task_info_out; on entry
 * *task_info_outCnt is the room in words, on success the count written.
 * Returns KERN_SUCCESS or KERN_INVALID_ARGUMENT (NULL task, unknown
 * flavor, too little room; nothing written). The caller holds a task
 * reference. Thread context; takes the task's and its map's locks.
 */
kern_return_t task_info(struct task *task, int flavor, integer_t *task_info_out,
                        natural_t *task_info_outCnt);

/*
 * task_thread_list: the task's threads, in the order they joined, in a new
 * array *thread_list of *thread_listCnt pointers (NULL and 0 for none),
 * allocated with kmem_alloc(); the caller frees it with
 * kmem_free(list, count * sizeof(*list)). No thread reference is taken
 * (threads have none yet): task_threads (kern/task_rpc.c) turns each
 * into a port under the task's lock, if it is still there.
 * Returns KERN_SUCCESS, KERN_INVALID_ARGUMENT (NULL task), KERN_FAILURE
 * (terminated) or KERN_RESOURCE_SHORTAGE. Thread context, no lock held.
 */
kern_return_t task_thread_list(struct task *task, struct thread ***thread_list,
                               natural_t *thread_listCnt);

/*
 * task_set_name: the task's debug name (shell, console lines) becomes
 * name, cut at its first NUL or at TASK_NAME_MAX - 1 characters (the
 * MIG array is 32 bytes and need not be terminated). Returns
 * KERN_SUCCESS or KERN_INVALID_ARGUMENT (NULL task). Takes the task's
 * lock.
 */
kern_return_t task_set_name(struct task *task, const char *name);

struct ipc_port;

/*
 * task_registered_set (mach_ports_register's work, kern/task_rpc.c):
 * the task's registered ports become
 * init_port_set[0..count-1], the rest of the TASK_PORT_REGISTER_MAX
 * slots NULL; the task takes over the references the array holds (the
 * array itself stays the caller's) and drops those of the ports it
 * held. Returns KERN_SUCCESS, or KERN_INVALID_ARGUMENT (NULL or
 * terminated task, count above TASK_PORT_REGISTER_MAX: nothing taken).
 * Takes the task's lock.
 */
kern_return_t task_registered_set(struct task *target_task, struct ipc_port **init_port_set,
                                  natural_t init_port_setCnt);

/*
 * task_registered_get (mach_ports_lookup's work): the registered
 * ports, each with a new reference
 * (NULL where none), in a new kmem array of TASK_PORT_REGISTER_MAX
 * pointers in *init_port_set (free with kmem_free(list, count *
 * sizeof(*list)) after dropping the references). Returns KERN_SUCCESS,
 * KERN_INVALID_ARGUMENT (NULL or terminated task) or
 * KERN_RESOURCE_SHORTAGE. Thread context.
 */
kern_return_t task_registered_get(struct task *target_task, struct ipc_port ***init_port_set,
                                 natural_t *init_port_setCnt);

/*
 * thread_set_name (gnumach.defs 4213): thread's debug name becomes name,
 * cut at its first NUL or at THREAD_NAME_SIZE - 1 characters (the
 * kernel's thread names are shorter than GNU Mach's 32). thread_get_name
 * (4214): the name into name[TASK_NAME_MAX], NUL-terminated. Both
 * KERN_INVALID_ARGUMENT for a NULL thread. Readers such as the shell
 * may see a name half-changed (it is only for debugging).
 */
kern_return_t thread_set_name(struct thread *thread, const char *name);
kern_return_t thread_get_name(struct thread *thread, char name[64]);   /* kernel_debug_name_t */

/*
 * thread_info: the flavor's information (THREAD_BASIC_INFO,
 * THREAD_SCHED_INFO) of thread, counts as task_info(). Returns
 * KERN_SUCCESS or KERN_INVALID_ARGUMENT (NULL thread, unknown flavor,
 * too little room). A snapshot, taken without stopping the thread. The
 * caller must know the thread stays. Any thread context.
 */
kern_return_t thread_info(struct thread *thread, int flavor, integer_t *thread_info_out,
                          natural_t *thread_info_outCnt);

#endif /* KERN_TASK_CONTROL_H */
