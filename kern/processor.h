/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Processors, the default processor set and Mach priorities, for the
 * server routines of mach_host.defs (GNU Mach's argument order, layouts
 * and errors; plain kernel functions for the MIG server stubs).
 *
 * One processor object per online CPU and one processor set, the
 * default, with every CPU, task and thread (GNU Mach without MACH_HOST).
 * Its name port (processor_set_default, anyone with the host port) and
 * its control port (host_processor_set_priv, the privileged host port)
 * stand for the same object: GNU Mach's permission rule, that raising a
 * thread above its maximum priority needs the control port, is the MIG
 * side's port-type check, which passes the control object only for a
 * control port.
 *
 * Priorities: GNU Mach's numbers, 0 (highest) to PROCESSOR_NR_PRIORITIES
 * - 1; a new task takes its parent's priority (PROCESSOR_BASEPRI_USER
 * without one), a thread its task's, with the set's maximum
 * PROCESSOR_SET_MAX_PRIORITY. The scheduler does not use them yet (it
 * is round robin): the calls keep and report the values with GNU Mach's
 * rules.
 */
#ifndef KERN_PROCESSOR_H
#define KERN_PROCESSOR_H

#include <stdbool.h>

#include <include/mach/boolean.h>
#include <include/mach/kern_return.h>
#include <include/mach/machine/vm_types.h>

struct host;
struct ipc_port;
struct task;
struct thread;

#define PROCESSOR_NR_PRIORITIES     50      /* GNU Mach's NRQS */
#define PROCESSOR_BASEPRI_USER      25      /* BASEPRI_USER */
#define PROCESSOR_SET_MAX_PRIORITY  6       /* BASEPRI_SYSTEM: the default set's */

struct processor {
    unsigned int cpu;
    struct ipc_port *port;          /* IPC_KOBJECT_PROCESSOR, forever */
};

struct processor_set {
    int max_priority;               /* for threads joining it; atomic */
    int policies;                   /* POLICY_* bits enabled (timesharing always); atomic */
    struct ipc_port *port;          /* IPC_KOBJECT_PSET: the control port, forever */
    struct ipc_port *name_port;     /* IPC_KOBJECT_PSET_NAME */
};

/*
 * Create the ports of every possible processor and of the default set.
 * Once, after host_setup(); panics if memory is out at boot.
 */
void processor_setup(void);

/*
 * The routines below have the prototypes of GNU Mach's mach_host.defs
 * as MIG generates them (kern/processor.c checks them against
 * mach_host_S.h). Out-of-line arrays they return are struct vm_copy
 * objects of port pointers, each a send right (kern/mig_kernel.h).
 */

/*
 * host_processors: the ports of the online processors, in CPU order,
 * in *processor_list (a vm_copy of *count send rights). Returns
 * KERN_SUCCESS, KERN_INVALID_ARGUMENT (NULL host) or
 * KERN_RESOURCE_SHORTAGE. Thread context.
 */
kern_return_t host_processors(struct host *host_priv, struct processor ***processor_list,
                              natural_t *processor_listCnt);

/*
 * processor_set_processors (mach_host.defs 2648, GNU Mach after 2026-03;
 * the project's mach_host_ext.defs): the set's processors as
 * host_processors gives them, for the set's control port. Returns
 * KERN_SUCCESS, KERN_INVALID_ARGUMENT (NULL set) or
 * KERN_RESOURCE_SHORTAGE.
 */
kern_return_t processor_set_processors(struct processor_set *set,
                                       struct processor ***processor_list,
                                       natural_t *processor_listCnt);

/* processor_set_default: the default set (for its name port). KERN_INVALID_ARGUMENT for NULL. */
kern_return_t processor_set_default(struct host *host, struct processor_set **default_set);

/*
 * host_processor_set_priv: the set of set_name (for its control port).
 * KERN_INVALID_ARGUMENT, with *set NULL, for a NULL host or set.
 */
kern_return_t host_processor_set_priv(struct host *host_priv, struct processor_set *set_name,
                                      struct processor_set **set);

/*
 * processor_set_info: PROCESSOR_SET_BASIC_INFO (CPUs, tasks, threads;
 * load and mach factor not computed: 0) or PROCESSOR_SET_SCHED_INFO
 * (POLICY_TIMESHARE, the set's maximum priority); *host is the host
 * (NULL on error). Errors as GNU Mach: NULL set or unknown flavor →
 * KERN_INVALID_ARGUMENT, too little room → KERN_FAILURE. Any thread
 * context.
 */
kern_return_t processor_set_info(struct processor_set *set_name, int flavor,
                                 struct host **host, integer_t *info_out, natural_t *info_outCnt);

/*
 * thread_priority: thread's priority becomes priority, and its maximum
 * too with set_max. KERN_INVALID_ARGUMENT for NULL, a task-less thread
 * or a priority out of range; KERN_FAILURE (nothing changed) for a
 * priority above (numerically below) its maximum. Takes the task lock.
 */
kern_return_t thread_priority(struct thread *thread, int priority, boolean_t set_max);

/*
 * thread_max_priority: thread's maximum becomes max_priority (through
 * the set's control port); a priority above it is lowered to it.
 * KERN_INVALID_ARGUMENT for NULL arguments, a task-less thread or a
 * value out of range. Takes the task lock.
 */
kern_return_t thread_max_priority(struct thread *thread, struct processor_set *set,
                                  int max_priority);

/*
 * task_priority: the priority of the task's new threads; with
 * change_threads, thread_priority(priority, false) on each of its
 * threads, KERN_FAILURE if that fails for any (the others still
 * change). KERN_INVALID_ARGUMENT for NULL or out of range. Takes the
 * task lock.
 */
kern_return_t task_priority(struct task *task, int priority, boolean_t change_threads);

/* thread_depress_abort: nothing to end (no depression exists); KERN_INVALID_ARGUMENT for NULL. */
kern_return_t thread_depress_abort(struct thread *thread);

/*
 * host_processor_sets: the name ports of the sets (the default one) in
 * *processor_sets, as host_processors. KERN_INVALID_ARGUMENT for NULL.
 */
kern_return_t host_processor_sets(struct host *host, struct processor_set ***processor_sets,
                                  natural_t *processor_setsCnt);

/*
 * processor_set_tasks, processor_set_threads (through the set's control
 * port): send rights to the kernel port of every active task, or of
 * every thread of one, out of line. KERN_INVALID_ARGUMENT for NULL,
 * KERN_RESOURCE_SHORTAGE. Takes the task list lock and task locks.
 */
kern_return_t processor_set_tasks(struct processor_set *processor_set, struct task ***task_list,
                                  natural_t *task_listCnt);
kern_return_t processor_set_threads(struct processor_set *processor_set,
                                    struct thread ***thread_list, natural_t *thread_listCnt);

/*
 * processor_info: PROCESSOR_BASIC_INFO (CPU type as host_info gives
 * it, running, slot = CPU number, master = CPU 0); *host is the host.
 * KERN_INVALID_ARGUMENT for NULL or another flavor, KERN_FAILURE for
 * too little room, as GNU Mach.
 */
kern_return_t processor_info(struct processor *processor, int flavor, struct host **host,
                             integer_t *processor_info_out, natural_t *processor_info_outCnt);

/*
 * processor_get_assignment, thread_get_assignment,
 * task_get_assignment: the set (the default one; its name port goes
 * back). KERN_INVALID_ARGUMENT for NULL.
 */
kern_return_t processor_get_assignment(struct processor *processor,
                                       struct processor_set **assigned_set);
kern_return_t thread_get_assignment(struct thread *thread, struct processor_set **assigned_set);
kern_return_t task_get_assignment(struct task *task, struct processor_set **assigned_set);

/*
 * processor_task_max_priority: mach_host.defs's task_max_priority (2649,
 * GNU Mach after 2026-03; the RPC is kern/mach_host_ext.c's): the
 * task's maximum becomes max_priority, and its priority too when that
 * is above it (numerically below) or with set_priority; with
 * change_threads each thread gets the same maximum (never above the
 * set's) and priority rule. Lowering the maximum (a larger number) is
 * open to the host port, raising it needs host_priv (the MIG side
 * passes which port it was). New tasks inherit the parent's maximum
 * (the set's without one); threads joining take the task's, never above
 * the set's. Returns KERN_SUCCESS, KERN_INVALID_ARGUMENT (NULL host or
 * task, out of range) or KERN_NO_ACCESS (raising without host_priv,
 * nothing changed). Takes the task lock.
 */
kern_return_t processor_task_max_priority(struct host *host, bool host_priv, struct task *task,
                                          int max_priority, bool set_priority,
                                          bool change_threads);

/*
 * The maximum priority of a thread joining a task whose maximum is
 * task_max: that, never above (numerically below) the default set's
 * maximum (processor_set_max_priority may have changed it). Lock-free.
 */
int processor_thread_max_priority(int task_max);

/*
 * The processor-set control routines of a kernel without MACH_HOST
 * (GNU Mach as Debian builds it, one CPU configured: one set, nothing
 * to assign, no CPU to start or stop by request): processor_set_create,
 * processor_set_destroy, processor_assign, thread_assign,
 * thread_assign_default, task_assign and task_assign_default answer
 * KERN_FAILURE whatever their arguments; processor_start,
 * processor_exit and processor_control KERN_INVALID_ARGUMENT for a NULL
 * processor, KERN_FAILURE otherwise. Nothing changes.
 */
kern_return_t processor_start(struct processor *processor);
kern_return_t processor_exit(struct processor *processor);
kern_return_t processor_control(struct processor *processor, integer_t *processor_cmd,
                                natural_t processor_cmdCnt);
kern_return_t processor_set_create(struct host *host, struct processor_set **new_set,
                                   struct processor_set **new_name);
kern_return_t processor_set_destroy(struct processor_set *set);
kern_return_t processor_assign(struct processor *processor, struct processor_set *new_set,
                               boolean_t wait);
kern_return_t thread_assign(struct thread *thread, struct processor_set *new_set);
kern_return_t thread_assign_default(struct thread *thread);
kern_return_t task_assign(struct task *task, struct processor_set *new_set,
                          boolean_t assign_threads);
kern_return_t task_assign_default(struct task *task, boolean_t assign_threads);

/*
 * processor_set_max_priority (the set's control port): the maximum
 * priority of threads joining the set becomes max_priority; with
 * change_threads, every thread whose maximum is above it (numerically
 * below) gets it as maximum, and its priority too when above it.
 * KERN_INVALID_ARGUMENT for a NULL set or a priority out of range.
 * Takes the task list lock and task locks.
 */
kern_return_t processor_set_max_priority(struct processor_set *processor_set, int max_priority,
                                         boolean_t change_threads);

/*
 * processor_set_policy_enable: allow policy (POLICY_TIMESHARE or
 * POLICY_FIXEDPRI) in the set. processor_set_policy_disable: forbid
 * POLICY_FIXEDPRI (timesharing cannot be forbidden: KERN_INVALID_ARGUMENT);
 * with change_threads, threads using it go back to timesharing.
 * KERN_INVALID_ARGUMENT for a NULL set or an unknown policy.
 */
kern_return_t processor_set_policy_enable(struct processor_set *processor_set, int policy);
kern_return_t processor_set_policy_disable(struct processor_set *processor_set, int policy,
                                           boolean_t change_threads);

/*
 * thread_policy: thread's scheduling policy becomes policy, which its
 * set must allow (KERN_FAILURE otherwise); for POLICY_FIXEDPRI, data is
 * the quantum in milliseconds, kept in ticks rounded up (also when the
 * policy does not change). KERN_INVALID_ARGUMENT for NULL, a task-less
 * thread or an unknown policy. Kept and reported by thread_info; the
 * scheduler does not use it yet (round robin). Takes the task lock.
 */
kern_return_t thread_policy(struct thread *thread, int policy, int data);

/*
 * thread_wire (host-priv): mark thread, which must be the caller, as
 * VM-privileged (wired) or not. GNU Mach lets such a thread take pages
 * from the free-page reserve and keeps its kernel stack; mach has no
 * reserve for it to use and no stack swapping, so the flag is kept
 * (thread->vm_privileged) and changes nothing yet. KERN_INVALID_ARGUMENT
 * for a NULL host or thread, or another thread than the caller.
 */
kern_return_t thread_wire(struct host *host_priv, struct thread *thread, boolean_t wired);

#endif /* KERN_PROCESSOR_H */
