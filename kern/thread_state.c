/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Thread state calls (see thread_state.h).
 *
 * A thread's user state may be read or written only while it cannot
 * change under us: by the thread itself, or while it is stopped. Any
 * other thread is suspended for the call (thread_suspend() waits until
 * it stopped) and resumed after it. A stopped thread sleeps in
 * thread_ast_check() with its whole user state saved (its frame, and
 * its FPU image, saved eagerly when it was switched out), and it clears
 * its stopped flag under the task lock before going back to user mode;
 * holding that lock across the copy keeps it stopped throughout. The
 * machine layer does the copying and the checks, and never sleeps.
 *
 * The trap copies the user's array into a kernel buffer of the largest
 * flavor's size: words past that size cannot belong to any flavor, so
 * they are not read (a longer count is legal, as for the RPC).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <include/mach/kern_return.h>
#include <include/mach/thread_status.h>
#include <kern/copy.h>
#include <kern/macros.h>
#include <kern/spinlock.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <kern/thread_control.h>
#include <kern/thread_state.h>
#include <machine/pcb.h>

#include "mach_S.h"

/* The call on a thread that does not run meanwhile: the caller, or a stopped one. */
static kern_return_t
thread_state_do(struct thread *thread, int flavor, uint32_t *state, natural_t *count,
                bool set)
{
    return set ? pcb_state_set(thread, flavor, state, *count)
               : pcb_state_get(thread, flavor, state, count);
}

/*
 * Run the state call on thread: at once for the caller; else with the
 * thread stopped, suspending it for the call (and resuming it after)
 * when it is not stopped already, as GNU Mach does. KERN_FAILURE when
 * it does not stop (its task is terminated, it left, or the caller got
 * an AST while waiting).
 */
static kern_return_t
thread_state_call(struct thread *thread, int flavor, uint32_t *state, natural_t *count,
                  bool set)
{
    struct task *task;
    kern_return_t kr;
    bool held;

    if (thread == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    if (thread == thread_self()) {
        return thread_state_do(thread, flavor, state, count, set);
    }
    held = thread_suspend(thread) == KERN_SUCCESS;
    task = task_thread_lock(thread);
    if (task == NULL) {
        kr = KERN_INVALID_ARGUMENT;     /* a kernel thread, or it left its task */
    } else {
        kr = (held && thread->stopped) ? thread_state_do(thread, flavor, state, count, set)
                                       : KERN_FAILURE;
        spinlock_unlock(&task->lock);
    }
    if (held) {
        thread_resume(thread);
    }
    return kr;
}

kern_return_t
thread_get_state(struct thread *thread, int flavor, thread_state_t old_state,
                 natural_t *old_stateCnt)
{
    return thread_state_call(thread, flavor, old_state, old_stateCnt, false);
}

kern_return_t
thread_set_state(struct thread *thread, int flavor, thread_state_t new_state,
                 natural_t new_stateCnt)
{
    return thread_state_call(thread, flavor, new_state, &new_stateCnt, true);
}

kern_return_t
thread_set_self_state(int flavor, const void *ustate, natural_t count)
{
    uint32_t state[PCB_STATE_MAX_WORDS];
    natural_t n = MIN(count, (natural_t)PCB_STATE_MAX_WORDS);
    kern_return_t kr;

    if (count > THREAD_STATE_MAX) {
        return KERN_INVALID_ARGUMENT;
    }
    if (copyin(ustate, state, n * sizeof(state[0])) != 0) {
        return KERN_INVALID_ADDRESS;
    }
    kr = thread_set_state(thread_self(), flavor, state, count);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    pcb_user_resume();
}
