/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel threads, the scheduler and wait queues.
 *
 * Every CPU has a run queue of ready threads (FIFO, round robin with a
 * time slice of THREAD_SLICE_TICKS) and an idle thread. Threads are
 * preempted at the end of an interrupt when their slice is over and
 * preemption is enabled (no spinlock held). New threads go to the least
 * loaded CPU; an idle CPU steals ready threads from the busiest one.
 */
#ifndef KERN_THREAD_H
#define KERN_THREAD_H

#include <stdbool.h>
#include <stdint.h>

#include <kern/account.h>
#include <kern/list.h>
#include <kern/spinlock.h>
#include <machine/pcb.h>

struct ipc_port;
struct pmap;
struct task;
struct waitq;

#define THREAD_NAME_SIZE        24
#define THREAD_SLICE_TICKS      5           /* 50 ms at 100 Hz */
#define THREAD_ANY_CPU          (~0u)

enum thread_state {
    THREAD_RUNNING,
    THREAD_READY,
    THREAD_SLEEPING,
    THREAD_DEAD,
};

struct thread {
    uint32_t esp;                   /* saved stack pointer (switch) */
    volatile bool on_cpu;           /* context not yet saved: do not run */
    enum thread_state state;
    unsigned int cpu;               /* CPU whose run queue holds it / ran it */
    unsigned int bound_cpu;         /* THREAD_ANY_CPU or a fixed CPU */
    unsigned int slice;             /* ticks left */
    unsigned int last_cpu;          /* CPU it last ran on (THREAD_ANY_CPU: none yet) */
    unsigned int nr_migrations;     /* runs on another CPU than the run before */
    struct list node;               /* run queue or wait queue */
    void *stack;                    /* NULL for boot contexts; guard page below */
    struct pmap *pmap;              /* address space; NULL: the kernel's */
    void (*fn)(void *arg);
    void *arg;
    char name[THREAD_NAME_SIZE];
    struct task *task;              /* the task it is or was in, with a reference held
                                       until the thread is freed; NULL: a kernel thread
                                       (kern/task.h, "Lifetime") */
    bool in_task;                   /* on task->threads (task->lock; the thread's own) */
    struct list task_node;          /* in task->threads */
    struct ipc_port *kport;         /* the thread's kernel port, while in a task */
    unsigned int ast;               /* THREAD_AST_* bits pending, atomic */
    struct waitq *intr_wq;          /* interruptible sleep: its queue (thread_intr_lock) */
    bool interrupted;               /* the sleep was ended by thread_interrupt() */
    bool timed_out;                 /* ... by its deadline (waitq_sleep_intr_until()) */
    uint64_t deadline;              /* of a timed sleep: the clock tick it ends at */
    struct list timed_node;         /* in the timed sleepers' list, during one */
    bool stopped;                   /* stopped by a suspension (task->lock) */
    unsigned int suspend_count;     /* thread_suspend()s not resumed (task->lock) */
    int priority, max_priority;     /* Mach's, not used by the scheduler (task->lock) */
    int policy;                     /* POLICY_TIMESHARE or _FIXEDPRI (thread_policy, task->lock) */
    unsigned int sched_data;        /* POLICY_FIXEDPRI's quantum, ticks (task->lock) */
    bool vm_privileged;             /* thread_wire: may use memory reserves (kern/processor.h) */
    struct ipc_port *sself;         /* THREAD_KERNEL_PORT, a reference (task->lock) */
    struct ipc_port *exception;     /* THREAD_EXCEPTION_PORT, a reference, or NULL */
    unsigned int refs;              /* atomic: its own until it is reaped, and those
                                       taken through its port (thread_ref()) */
    struct account_thread account;  /* CPU time, sampled by the tick (kern/account.h) */
    struct pcb pcb;                 /* user-mode machine state */
};

/*
 * Work pending for a thread on its way back to user mode (an AST):
 * thread_ast_check() (kern/task.h) handles it.
 */
#define THREAD_AST_TERMINATE    0x1     /* its task is being terminated */
#define THREAD_AST_SUSPEND      0x2     /* its task was suspended */

/*
 * Make pmap (NULL: the kernel's, no user mappings) the calling thread's
 * address space and load it. It follows the thread: every switch to the
 * thread loads it on the CPU the thread runs on. The caller keeps pmap
 * alive while any thread uses it (pmap_destroy() wants it loaded nowhere).
 */
void thread_pmap_set(struct pmap *pmap);

/*
 * True if addr lies in the unmapped guard page below t's stack (for the
 * double-fault handler). Lock-free; false for boot contexts.
 */
bool thread_stack_guard_contains(const struct thread *t, uintptr_t addr);

/* A queue of sleeping threads. */
struct waitq {
    struct spinlock lock;
    struct list threads;
    bool intr;                      /* sleeps on it may be interrupted */
};

#define WAITQ_INITIALIZER(wq) { SPINLOCK_INITIALIZER, LIST_INITIALIZER((wq).threads), false }

/*
 * Start the scheduler: the calling boot context becomes the thread
 * "main" on CPU 0, each CPU gets an idle thread, and the other CPUs start
 * scheduling. Call once on CPU 0 after kmem and SMP are up.
 */
void thread_setup(void);

/*
 * Create a thread running fn(arg) (a return from fn is thread_exit()), on
 * CPU cpu or, with THREAD_ANY_CPU, on the least loaded CPU. The name is
 * copied (and cut to THREAD_NAME_SIZE - 1 characters). Returns NULL when
 * memory for the thread or its stack is short. Any thread context.
 */
struct thread *thread_create_kernel(const char *name, void (*fn)(void *arg), void *arg,
                                    unsigned int cpu);

/*
 * End the calling thread. Its memory is freed after it stopped running,
 * once no reference taken with thread_ref() remains.
 */
void thread_exit(void) __attribute__((noreturn));

/*
 * Take or drop a reference on t (the caller holds one already, or finds
 * t under a lock that keeps it, such as its port's): t's structure and
 * stack stay until the last reference goes, even after t exited, and so
 * does t->task (the thread's reference to its task goes with it). A dead
 * thread's fields keep their last values. Lock-free; the last drop frees
 * (thread context, no spinlock held: it may unmap the stack and free the
 * task).
 */
void thread_ref(struct thread *t);
void thread_unref(struct thread *t);

/* Give the CPU to another ready thread, if any. */
void thread_yield(void);

/* The calling thread. */
struct thread *thread_self(void);

/* Sleep at least ticks clock ticks (yielding meanwhile). */
void thread_delay(unsigned long ticks);

/* Threads allocated and not yet freed (idle threads included, boot contexts not). */
unsigned int thread_count(void);

/* Count of ready threads on CPU cpu's run queue (for reports and tests). */
unsigned int thread_runq_length(unsigned int cpu);

/*
 * The idle loop of a secondary CPU's boot context: wait for thread_setup(),
 * then schedule forever.
 */
void thread_idle(void) __attribute__((noreturn));

/*
 * Called from the timer interrupt of every CPU; user: the interrupted
 * code ran in user mode (the tick is charged to the current thread's
 * user time, else to its system time).
 */
void thread_tick(bool user);

/*
 * Called at the end of every interrupt, with interrupts off: switch
 * threads if the slice is over and preemption is enabled.
 */
void thread_intr_exit(void);

void waitq_init(struct waitq *wq);

/*
 * Initialize a queue whose sleepers sleep with waitq_sleep_intr() only.
 * Its wakeups take the global lock that thread_interrupt() takes, so
 * once a wakeup of every sleeper returned, no interrupt can still reach
 * the queue and its owner may free it.
 */
void waitq_init_intr(struct waitq *wq);

/*
 * As waitq_sleep(), on a queue made by waitq_init_intr(), but the sleep
 * ends early when thread_interrupt() is called for the caller, or does
 * not begin when the caller has an AST pending (THREAD_AST_*). Returns
 * 0 when woken by a wakeup, THREAD_INTERRUPTED otherwise; lock is held
 * again either way. The caller goes back to user mode (or checks its
 * ASTs) instead of sleeping again when interrupted.
 */
#define THREAD_INTERRUPTED      1
int waitq_sleep_intr(struct waitq *wq, struct spinlock *lock);

/*
 * As waitq_sleep_intr(), but the sleep also ends once the clock reaches
 * deadline (clock_ticks(), kern/clock.h): then THREAD_TIMED_OUT is
 * returned; a deadline already passed returns it at once. The timeout
 * is noticed at the first clock tick at or after the deadline, by
 * thread_timed_tick().
 */
#define THREAD_TIMED_OUT        2
int waitq_sleep_intr_until(struct waitq *wq, struct spinlock *lock, uint64_t deadline);

/*
 * End the timed sleeps whose deadline has passed. The clock interrupt
 * calls it at every tick; cheap when nobody sleeps with a deadline.
 */
void thread_timed_tick(void);

/*
 * End t's interruptible sleep, if it is in one: t leaves its queue and
 * is made ready, and its waitq_sleep_intr() returns THREAD_INTERRUPTED.
 * Takes the global interrupt lock, the queue's lock and a run-queue
 * lock, in that order (callers may hold locks taken before a queue's
 * lock, such as the lock passed to waitq_sleep_intr()). Any thread context.
 */
void thread_interrupt(struct thread *t);

/*
 * Post AST bits to t: set them, end its interruptible sleep, and if it
 * runs on another CPU, send that CPU an interrupt so that it passes its
 * return-to-user path (thread_ast_check()) soon. Locking as
 * thread_interrupt().
 */
void thread_ast_post(struct thread *t, unsigned int bits);

/* Clear AST bits of the calling thread. Lock-free. */
void thread_ast_clear(unsigned int bits);

/*
 * Sleep on wq until woken. If lock is not NULL, it is released after the
 * caller is queued (so a wakeup between the caller's check and its sleep
 * is not lost) and taken again before returning. Call from a thread with
 * preemption enabled, apart from lock.
 */
void waitq_sleep(struct waitq *wq, struct spinlock *lock);

/* Wake one / all threads sleeping on wq. Returns how many were woken. Any context. */
unsigned int waitq_wakeup_one(struct waitq *wq);
unsigned int waitq_wakeup_all(struct waitq *wq);

#endif /* KERN_THREAD_H */
