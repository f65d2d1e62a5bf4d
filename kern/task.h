/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tasks: an IPC space, a user address map and the threads running in
 * them, with Mach's task calls (create, terminate, suspend, resume,
 * special ports). doc/user.md ("Tasks") describes the design.
 *
 *   kr = task_create_named(NULL, false, "init", &task);    one reference: the task's life
 *   kr = task_thread_enter(task);                     the caller joins it
 *   ...                                               user mode, traps
 *   kr = task_terminate(task);                        threads stopped, contents gone
 *
 * Lifetime (doc/user.md, "Life and death"): a task holds one reference
 * for being alive (dropped by task_terminate()), each thread one from
 * task_thread_enter() until the thread structure is freed (so that
 * thread->task stays valid for whoever holds the thread), and each
 * temporary user one (e.g. a trap that translated a port name).
 * Termination is in two steps. task_terminate() kills the kernel port
 * (no new reference can be made) and stops the threads; once the task
 * is inactive and has no thread left (task_terminate() itself, or the
 * last thread to leave), its contents are torn down at once: the
 * special and registered ports released, the IPC space destroyed (every
 * right released, ports destroyed, notifications sent) and the address
 * map emptied. What stays is the struct task with an inactive space and
 * an empty map, which refuse new work, until the last reference goes.
 * A task whose last thread leaves lives on, empty, until it is
 * terminated (as in Mach).
 *
 * Stopping threads: termination and suspension post an AST to every
 * thread of the task (kern/thread.h): a flag, an IPI to a CPU running
 * the thread, and the end of an interruptible sleep. The thread acts on
 * it in thread_ast_check(), which the machine layer calls on every
 * return to user mode (and kernel threads acting as task threads call
 * from time to time).
 *
 * Locking: task->lock (spinlock) protects the thread list, the counts,
 * the special ports and active. It is taken before the global interrupt
 * lock and wait-queue locks (thread_ast_post()), and never with a space,
 * port or map lock held. The list of all tasks has its own lock, taken
 * before a task's or a space's lock (reports) and never after any lock. Functions that may free a task (task_unref(),
 * task_terminate(), task_thread_leave()) may sleep: thread context,
 * no spinlock held.
 */
#ifndef KERN_TASK_H
#define KERN_TASK_H

#include <stdbool.h>
#include <stdint.h>

#include <include/mach/kern_return.h>
#include <kern/list.h>
#include <kern/spinlock.h>
#include <kern/thread.h>

struct ipc_port;
struct ipc_space;
struct task_emulation;
struct vm_user_map;

#define TASK_NAME_SIZE          32

/* Special ports (GNU Mach's include/mach/task_special_ports.h). */
#define TASK_KERNEL_PORT        1
#define TASK_EXCEPTION_PORT     3
#define TASK_BOOTSTRAP_PORT     4

/* Registered ports (mach_ports_register), GNU Mach's TASK_PORT_REGISTER_MAX (mach_param.h). */
#define TASK_PORT_REGISTER_MAX  4

struct task {
    struct spinlock lock;
    unsigned int refs;                  /* atomic */
    bool active;                        /* false once termination began */
    bool torn_down;                     /* space destroyed, map emptied, ports released */
    char name[TASK_NAME_SIZE];
    struct ipc_space *space;
    struct vm_user_map *map;
    struct list threads;                /* struct thread, by task_node */
    unsigned int nr_threads;
    unsigned int suspend_count;
    int priority;                       /* for new threads (kern/processor.h) */
    int max_priority;                   /* task_max_priority's limit (kern/processor.h) */
    unsigned int nr_stopped;            /* threads stopped by a suspension */
    struct waitq suspend_wq;            /* where they sleep (interruptible) */
    struct waitq stop_wq;               /* task_suspend() waiting for them (interruptible) */
    struct waitq exit_wq;               /* task_terminate() waiting for threads */
    struct ipc_port *kport;             /* the task's kernel port (kobject), fixed */
    /* Send rights held by the kernel for the task: one port reference each. */
    struct ipc_port *sself;             /* TASK_KERNEL_PORT: what mach_task_self gives */
    struct ipc_port *exception;         /* TASK_EXCEPTION_PORT, or NULL */
    struct ipc_port *bootstrap;         /* TASK_BOOTSTRAP_PORT, or NULL */
    struct ipc_port *registered[TASK_PORT_REGISTER_MAX];
    struct task_emulation *emulation;   /* system-call emulation table (task->lock) */
    bool essential;                     /* task_set_essential: its end is reported */
    struct list node;                   /* list of all tasks */
    /* Accounting (kern/account.h, task_info). */
    uint64_t created_tick;              /* clock_ticks() at creation */
    uint64_t dead_user_ticks;           /* times of the threads that left (lock) */
    uint64_t dead_system_ticks;
    unsigned long messages_sent;        /* mach_msg sends that succeeded (atomic) */
    unsigned long messages_received;    /* and receives */
    struct pcb_task machine;            /* the machine's part (<machine/pcb.h>): I/O bitmap */
};


/* Create the kmem cache of tasks. Once, after the IPC and VM setups. */
void task_setup(void);

/*
 * task_create_named: a new task named name with an empty IPC space, a new empty user map,
 * no threads and suspend count 0, named name (cut to TASK_NAME_SIZE - 1
 * characters), in *taskp with one reference (its life: task_terminate()
 * drops it). With a parent, the child inherits copies of the parent's
 * exception, bootstrap and registered ports, and with inherit_memory its
 * memory by each entry's inheritance (vm_user_map_fork(): SHARE, COPY
 * copy-on-write, NONE); without a parent inherit_memory is ignored.
 * Returns KERN_SUCCESS or KERN_RESOURCE_SHORTAGE (nothing allocated,
 * the parent's memory unchanged). Thread context.
 */
kern_return_t task_create_named(struct task *parent, bool inherit_memory, const char *name,
                                struct task **taskp);

/* Take a reference on task (the caller holds one already). Lock-free. */
void task_ref(struct task *task);

/*
 * Drop a reference. The last one frees the task with its (inactive)
 * space and (empty) map, or, for a task that was never terminated
 * (creation failed), destroys them first. Thread context, no spinlock
 * held, and the task's pmap loaded on no CPU by then.
 */
void task_unref(struct task *task);

/*
 * task_terminate: mark the task dead, kill its kernel port (send rights
 * to it become dead names), stop every thread (an AST each), tear the
 * task down once no thread is left (see "Lifetime" above) and drop the
 * task's life reference. When the caller is not one of its threads, it
 * waits for the teardown, so that the task's memory and rights are gone
 * on return. When it is, it returns at once: the caller stops in its
 * next thread_ast_check() (the trap's return path), and the last thread
 * to leave tears the task down. Returns KERN_SUCCESS, KERN_FAILURE when the
 * task is already terminated, or KERN_INVALID_ARGUMENT for NULL (an RPC
 * to a port that is no task's; also task_suspend and task_resume). Thread context, no lock held.
 */
kern_return_t task_terminate(struct task *task);

/*
 * task_suspend: add one to the suspend count; at 1, every thread gets a
 * suspend AST and stops in thread_ast_check() until the count is back to
 * 0, and the call waits until every thread but the caller has stopped
 * (as GNU Mach's does). The wait ends early when the task is resumed or
 * terminated, when a thread of it can never stop (it left), or when the
 * caller itself gets an AST (two tasks suspending each other must not
 * wait for each other forever). Returns KERN_SUCCESS or KERN_FAILURE
 * (terminated). Thread context, no lock held.
 */
kern_return_t task_suspend(struct task *task);

/*
 * task_resume: take one from the suspend count; at 0 the stopped threads
 * go on. Returns KERN_SUCCESS, or KERN_FAILURE when the count is 0 or
 * the task is terminated. Takes task->lock.
 */
kern_return_t task_resume(struct task *task);

/* The suspend count (a snapshot, for reports and tests). */
unsigned int task_suspend_count(struct task *task);

/*
 * task_special_port_get: the port of which (TASK_*_PORT) in *portp with
 * a reference for the caller, or NULL when none is set. Returns
 * KERN_SUCCESS, KERN_INVALID_ARGUMENT (unknown which) or KERN_FAILURE
 * (terminated). Takes task->lock.
 */
kern_return_t task_special_port_get(struct task *task, int which,
                                    struct ipc_port **portp);

/*
 * task_special_port_set: make port (NULL for none) the port of which;
 * on success the task takes over the caller's reference to port and
 * drops the one on the previous port. Returns KERN_SUCCESS,
 * KERN_INVALID_ARGUMENT (unknown which; port not taken) or KERN_FAILURE
 * (terminated; port not taken). Takes task->lock; may drop a port
 * reference.
 */
kern_return_t task_special_port_set(struct task *task, int which, struct ipc_port *port);

/*
 * The task a port stands for, with a new reference, or NULL when port
 * is not an active task port. Takes the port lock.
 */
struct task *task_from_port(struct ipc_port *port);

/*
 * The calling thread joins task: its task pointer, a new kernel port for
 * it (IPC_KOBJECT_THREAD), the task's pmap (thread_pmap_set()), and a
 * suspend AST if the task is suspended. The caller must belong to no
 * task. Returns KERN_SUCCESS, KERN_FAILURE (task terminated) or
 * KERN_RESOURCE_SHORTAGE. Thread context, no lock held.
 */
kern_return_t task_thread_enter(struct task *task);

/*
 * The calling thread, ending, leaves its task: back to the kernel pmap,
 * its kernel port killed, off the thread list (the last one to leave a
 * terminated task tears it down). It keeps thread->task and its
 * reference, which go when the thread structure is freed. thread_exit()
 * calls it. Thread context, no lock held.
 */
void task_thread_exit(void);

/*
 * A kernel thread that goes on (tests, the boot loader's helper) leaves
 * its task as task_thread_exit() does, then waits until nobody else
 * holds a reference to it (RPCs that found it through its port, now
 * dead, finish soon), then drops its task reference and belongs to no
 * task again: it may enter another. Thread context, no lock held.
 */
void task_thread_leave(void);

/*
 * The task thread is in, locked, or NULL when it is in none (a kernel
 * thread, or one that left its task; thread->task tells them apart).
 * The caller holds a reference to thread, which keeps thread->task
 * valid (see "Lifetime"). Unlock with spinlock_unlock(&task->lock).
 */
struct task *task_thread_lock(struct thread *thread);

/*
 * The thread a port stands for (its kernel port), with a reference
 * (thread_unref() it), or NULL. The thread may exit meanwhile: its
 * structure stays while the reference is held. Takes the port lock.
 */
struct thread *task_thread_from_port(struct ipc_port *port);

/*
 * Handle the calling thread's ASTs: a terminating task's thread leaves
 * and exits here (no return); a suspended task's thread sleeps here
 * until the task is resumed or terminated. The machine layer calls it
 * on every return to user mode, interrupts enabled and no lock held;
 * cheap when nothing is pending (one load).
 */
void thread_ast_check(void);

/* The calling thread's task, or NULL for a kernel thread. */
static inline struct task *
task_self(void)
{
    return thread_self()->task;
}

/* Tasks alive now (created and not yet freed), for tests. */
unsigned int task_count(void);

/*
 * Call fn(task, arg) for every task on the list (terminating ones
 * included), with the task list lock held: fn may take task locks but
 * must not sleep, and the task stays while fn runs.
 */
void task_foreach(void (*fn)(struct task *task, void *arg), void *arg);

/*
 * For the shell's `threads`: one line per task listing its threads.
 * Takes the list lock and each task's lock in turn.
 */
void task_info_threads(void);

#endif /* KERN_TASK_H */
