/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Suspending single threads (see thread_control.h).
 *
 * The thread's suspend count lives beside its task's and uses the same
 * machinery: an AST makes the thread stop in task_ast_suspend() (kern/
 * task.c), which waits while either count is above 0; the task lock
 * protects both counts and the stopped flag, and the task's stop queue
 * tells waiters that a thread stopped or left. So a thread suspended
 * both ways goes on only when both counts are back to 0, and
 * task_suspend() counts thread-suspended threads as stopped.
 */
#include <stdbool.h>
#include <stddef.h>

#include <include/mach/kern_return.h>
#include <include/mach/message.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <kern/mig_kernel.h>
#include <kern/spinlock.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <kern/thread_control.h>
#include <machine/pcb.h>

#include "mach_S.h"

struct thread_control_start {
    struct task *task;
    struct spinlock lock;
    struct waitq wq;
    bool done;
    kern_return_t kr;
};

/* The body of a thread made by thread_create(). */
static void
thread_control_start(void *arg)
{
    struct thread_control_start *start = arg;
    struct task *task = start->task;
    struct thread *self = thread_self();
    kern_return_t kr;

    kr = task_thread_enter(task);
    if (kr == KERN_SUCCESS) {
        thread_ref(self);               /* the creator's, taken before it can exit */
        spinlock_lock(&task->lock);
        self->suspend_count = 1;
        __atomic_fetch_or(&self->ast, THREAD_AST_SUSPEND, __ATOMIC_RELAXED);
        spinlock_unlock(&task->lock);
    }
    spinlock_lock(&start->lock);
    start->kr = kr;
    start->done = true;
    waitq_wakeup_all(&start->wq);
    spinlock_unlock(&start->lock);      /* start may be gone from here on */
    if (kr != KERN_SUCCESS) {
        return;
    }
    thread_ast_check();                 /* stopped until thread_resume */
    pcb_user_resume();
}

kern_return_t
thread_create(struct task *parent_task, struct thread **child_thread)
{
    struct thread_control_start start;
    struct thread *t;

    if (parent_task == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    start.task = parent_task;
    spinlock_init(&start.lock);
    waitq_init(&start.wq);
    start.done = false;
    start.kr = KERN_FAILURE;
    t = thread_create_kernel(parent_task->name, thread_control_start, &start, THREAD_ANY_CPU);
    if (t == NULL) {
        return KERN_RESOURCE_SHORTAGE;
    }
    spinlock_lock(&start.lock);
    while (!start.done) {
        waitq_sleep(&start.wq, &start.lock);
    }
    spinlock_unlock(&start.lock);
    if (start.kr == KERN_SUCCESS) {
        *child_thread = t;
    }
    return start.kr;
}

kern_return_t
thread_terminate(struct thread *thread)
{
    struct task *task;
    kern_return_t kr = KERN_SUCCESS;

    if (thread == NULL || (task = task_thread_lock(thread)) == NULL) {
        return KERN_INVALID_ARGUMENT;   /* a kernel thread, or it left its task */
    }
    if (!task->active) {
        kr = KERN_FAILURE;              /* it ends with its task */
    }
    thread_ast_post(thread, THREAD_AST_TERMINATE);
    if (thread != thread_self()) {
        /* Our reference keeps thread (and thread->task) while we wait. */
        while (thread->in_task) {
            if (waitq_sleep_intr(&task->stop_wq, &task->lock) == THREAD_INTERRUPTED) {
                break;
            }
        }
    }
    spinlock_unlock(&task->lock);
    return kr;
}

kern_return_t
thread_abort(struct thread *thread)
{
    if (thread == NULL || thread == thread_self()
        || !__atomic_load_n(&thread->in_task, __ATOMIC_RELAXED)) {
        return KERN_INVALID_ARGUMENT;   /* a kernel thread, or it left its task */
    }
    thread_interrupt(thread);
    return KERN_SUCCESS;
}

kern_return_t
thread_suspend(struct thread *thread)
{
    struct task *task;

    if (thread == NULL || (task = task_thread_lock(thread)) == NULL) {
        return KERN_INVALID_ARGUMENT;   /* a kernel thread, or it left its task */
    }
    if (!task->active) {
        spinlock_unlock(&task->lock);
        return KERN_FAILURE;
    }
    thread->suspend_count++;
    if (!thread->stopped) {
        thread_ast_post(thread, THREAD_AST_SUSPEND);    /* a stopped one stays stopped */
    }
    if (thread != thread_self()) {
        while (task->active && thread->in_task && thread->suspend_count > 0
               && !thread->stopped) {
            if (waitq_sleep_intr(&task->stop_wq, &task->lock) == THREAD_INTERRUPTED) {
                break;
            }
        }
    }
    spinlock_unlock(&task->lock);
    return KERN_SUCCESS;
}

kern_return_t
thread_resume(struct thread *thread)
{
    struct task *task;
    kern_return_t kr = KERN_SUCCESS;

    if (thread == NULL || (task = task_thread_lock(thread)) == NULL) {
        return KERN_INVALID_ARGUMENT;   /* a kernel thread, or it left its task */
    }
    if (!task->active || thread->suspend_count == 0) {
        kr = KERN_FAILURE;
    } else if (--thread->suspend_count == 0) {
        waitq_wakeup_all(&task->suspend_wq);
        waitq_wakeup_all(&task->stop_wq);
    }
    spinlock_unlock(&task->lock);
    return kr;
}

/* The slot of which in thread, or NULL. Task locked. */
static struct ipc_port **
thread_control_special_slot(struct thread *thread, int which)
{
    switch (which) {
    case THREAD_KERNEL_PORT:
        return &thread->sself;
    case THREAD_EXCEPTION_PORT:
        return &thread->exception;
    default:
        return NULL;
    }
}

/*
 * Lock thread's task and check which; *taskp is the locked task on
 * success. KERN_INVALID_ARGUMENT or KERN_FAILURE (see thread_control.h).
 */
static kern_return_t
thread_control_special_lock(struct thread *thread, int which, struct task **taskp)
{
    struct task *task;

    if (thread == NULL || thread_control_special_slot(thread, which) == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    task = task_thread_lock(thread);
    if (task == NULL) {
        return KERN_FAILURE;
    }
    if (thread->sself == NULL) {
        spinlock_unlock(&task->lock);
        return KERN_FAILURE;
    }
    *taskp = task;
    return KERN_SUCCESS;
}

kern_return_t
thread_special_port_get(struct thread *thread, int which, struct ipc_port **portp)
{
    struct task *task;
    kern_return_t kr;

    kr = thread_control_special_lock(thread, which, &task);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    *portp = *thread_control_special_slot(thread, which);
    if (*portp != NULL) {
        ipc_port_ref(*portp);
    }
    spinlock_unlock(&task->lock);
    return KERN_SUCCESS;
}

kern_return_t
thread_special_port_set(struct thread *thread, int which, struct ipc_port *port)
{
    struct ipc_port **slot, *old;
    struct task *task;
    kern_return_t kr;

    kr = thread_control_special_lock(thread, which, &task);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    slot = thread_control_special_slot(thread, which);
    old = *slot;
    *slot = port;
    spinlock_unlock(&task->lock);
    if (old != NULL) {
        ipc_port_unref(old);
    }
    return KERN_SUCCESS;
}

/*
 * The RPCs (mach.defs 2067, 2068): the thread keeps a port reference
 * (kern/task.h's convention), a message carries a send right; as
 * kern/task_rpc.c does for tasks, a right given becomes a reference and
 * a port returned a new send right. A failure consumes nothing.
 */
kern_return_t
thread_get_special_port(thread_t thread, int which_port, ipc_port_t *special_port)
{
    struct ipc_port *port;
    kern_return_t kr;

    kr = thread_special_port_get(thread, which_port, &port);
    if (kr == KERN_SUCCESS && port != NULL) {
        ipc_right_make(port, MACH_MSG_TYPE_PORT_SEND);
        ipc_port_unref(port);
    }
    if (kr == KERN_SUCCESS) {
        *special_port = port;
    }
    return kr;
}

kern_return_t
thread_set_special_port(thread_t thread, int which_port, ipc_port_t special_port)
{
    struct ipc_port *port = mig_right_keep(special_port);     /* what the thread keeps */
    kern_return_t kr;

    kr = thread_special_port_set(thread, which_port, port);
    mig_right_kept(port, kr);
    return kr;
}
