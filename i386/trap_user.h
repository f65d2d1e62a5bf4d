/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Traps of user threads: CPU exceptions from user mode, system calls,
 * and kernel faults on user addresses during copyin/copyout. Called by
 * trap_dispatch() with the saved frame.
 */
#ifndef I386_TRAP_USER_H
#define I386_TRAP_USER_H

#include <stdbool.h>

#include <i386/trap.h>

/*
 * An exception (vector below 32) from user mode, interrupts off: map it
 * to a Mach exception (MACH-ABI.md 5.3) and raise it, resolve a page
 * fault through vm_fault_user(), or load the FPU state (#NM). Returns
 * false for the vectors that are the machine's trouble, not the
 * thread's (NMI, machine check), which stay fatal.
 */
bool trap_user(struct trap_frame *frame);

/*
 * A system call from the gate (vector TRAP_SYSCALL), interrupts on: look
 * the number up, copy the arguments from the user stack, call the trap,
 * put its result in the frame's %eax.
 */
void trap_syscall(struct trap_frame *frame);

/*
 * Leave for user mode through frame (the calling thread's saved user
 * frame, rewritten by thread_set_self_state) instead of returning to
 * the system-call path: ASTs and the reschedule check first, as on
 * every return to user mode. Interrupts on. Does not return.
 */
void trap_user_resume(struct trap_frame *frame) __attribute__((noreturn));

/*
 * The end of an interrupt (EOI sent, reschedule check done), interrupts
 * off: if it came from user mode and the thread has an AST pending
 * (kern/task.h), handle it with interrupts on; a thread whose task was
 * terminated does not return. The AST's IPI lands here when the thread
 * was in user mode.
 */
void trap_user_intr_exit(const struct trap_frame *frame);

/*
 * A kernel-mode page fault: if the running thread is inside a user copy
 * and the address is a user one, resolve it through vm_fault_user() or
 * make the copy fail (resume at its recovery address). Returns false
 * when the fault is none of that.
 */
bool trap_user_copy_fault(struct trap_frame *frame);

/*
 * A kernel-mode debug trap: the single step that a user TF carries into
 * the first instruction of the system-call gate. Clears TF in the
 * kernel and gives it back to the user's flags at the end of the call.
 * Returns false for any other debug trap.
 */
bool trap_user_syscall_step(struct trap_frame *frame);

/*
 * A kernel-mode debug trap from a data breakpoint of the running user
 * thread, hit by the kernel's own access to the user address (copyin,
 * copyout): DR6 cleared, the kernel goes on, the thread is not told.
 * Returns false for any other debug trap.
 */
bool trap_user_kernel_watch(struct trap_frame *frame);

/*
 * A kernel-mode #TS, #NP, #SS or #GP at one of the exit's segment pops or
 * at its iret, while it restores the running thread's user frame: raise
 * the user exception the same fault would give in user mode
 * (EXC_BAD_INSTRUCTION, code 10-13, the error code as subcode), with the
 * user's registers put back in its frame first; if a handler lets the
 * thread go on, leave through that frame again. Does not return then.
 * Returns false, changing nothing, for any other fault (a kernel bug).
 * Interrupts off (the exit runs with them off).
 */
bool trap_user_exit_fault(struct trap_frame *frame);

#endif /* I386_TRAP_USER_H */
