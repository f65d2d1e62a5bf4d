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
#include <kern/spinlock.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <kern/thread_control.h>

kern_return_t
thread_suspend(struct thread *thread)
{
    struct task *task;

    if (thread == NULL || (task = thread->task) == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    spinlock_lock(&task->lock);
    if (!task->active || thread->task != task) {
        spinlock_unlock(&task->lock);
        return KERN_FAILURE;
    }
    thread->suspend_count++;
    if (!thread->stopped) {
        thread_ast_post(thread, THREAD_AST_SUSPEND);    /* a stopped one stays stopped */
    }
    if (thread != thread_self()) {
        while (task->active && thread->task == task && thread->suspend_count > 0
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

    if (thread == NULL || (task = thread->task) == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    spinlock_lock(&task->lock);
    if (!task->active || thread->task != task || thread->suspend_count == 0) {
        kr = KERN_FAILURE;
    } else if (--thread->suspend_count == 0) {
        waitq_wakeup_all(&task->suspend_wq);
        waitq_wakeup_all(&task->stop_wq);
    }
    spinlock_unlock(&task->lock);
    return kr;
}
