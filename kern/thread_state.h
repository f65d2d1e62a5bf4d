/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * thread_get_state, thread_set_state (mach.defs 2017, 2018) and the trap
 * thread_set_self_state (-77), as plain kernel functions with GNU Mach's
 * argument order and errors, for the MIG server stubs and the trap
 * table. The flavors and their checks are the machine's
 * (machine/pcb.h: pcb_state_get(), pcb_state_set(); MACH-ABI.md 5.2).
 *
 * Which threads: the caller, or any thread of a task. Another thread is
 * suspended for the call and resumed after it (thread_suspend(), which
 * waits until it stopped on its way back to user mode), as GNU Mach
 * does; if it does not stop (its task is terminated meanwhile, it left
 * the task, or the caller got an AST while waiting) the call gives
 * KERN_FAILURE. The caller must know the thread stays, as for
 * thread_suspend() (kern/thread_control.h).
 */
#ifndef KERN_THREAD_STATE_H
#define KERN_THREAD_STATE_H

#include <include/mach/kern_return.h>
#include <include/mach/thread_status.h>

struct thread;

/*
 * thread_get_state: the flavor's state of thread into old_state; on
 * entry *old_stateCnt is the room in words, on success the count
 * written. Returns KERN_SUCCESS, KERN_INVALID_ARGUMENT (NULL thread,
 * unknown flavor, too little room, a kernel thread with no task), or
 * KERN_FAILURE (it did not stop). Thread context, no lock held; may
 * sleep (waiting for the thread to stop).
 */
kern_return_t thread_get_state(struct thread *thread, int flavor, thread_state_t old_state,
                               natural_t *old_stateCnt);

/*
 * thread_set_state: set the flavor's state of thread from
 * new_state[new_stateCnt]. Returns KERN_SUCCESS, KERN_INVALID_ARGUMENT
 * (NULL or kernel thread, unknown or get-only flavor, short count, a
 * value the machine refuses; nothing changed), or KERN_FAILURE (as
 * above). Thread context, no lock held; may sleep.
 */
kern_return_t thread_set_state(struct thread *thread, int flavor, thread_state_t new_state,
                               natural_t new_stateCnt);

/*
 * The trap -77: thread_set_state of the calling thread from the user
 * array ustate[count], then straight back to user mode in the new state
 * (no return on success: every register, %eax included, is the state's;
 * a flavor other than the integer ones leaves the registers as the trap
 * found them, %eax holding -77). Returns, as the trap's result,
 * KERN_INVALID_ARGUMENT (count above THREAD_STATE_MAX, or
 * thread_set_state's), or KERN_INVALID_ADDRESS (ustate not readable).
 * Thread context, interrupts enabled, no lock held.
 */
kern_return_t thread_set_self_state(int flavor, const void *ustate, natural_t count);

#endif /* KERN_THREAD_STATE_H */
