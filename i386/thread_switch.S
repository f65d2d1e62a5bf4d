/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Thread context switch.
 *
 * struct thread *thread_switch_context(struct thread *prev, struct thread *next)
 * saves the callee-saved registers on prev's stack and the stack pointer
 * in prev->esp (offset 0), loads next's, and returns, in next's context,
 * the thread it switched away from (prev), so the resumed side can finish
 * the switch (thread_switch_finish). A new thread's stack is prepared by
 * thread_create() to "return" into thread_start with that value in %eax.
 */
    .text
    .globl thread_switch_context
thread_switch_context:
    movl 4(%esp), %eax                  /* prev */
    movl 8(%esp), %edx                  /* next */
    pushl %ebp
    pushl %ebx
    pushl %esi
    pushl %edi
    movl %esp, (%eax)
    movl (%edx), %esp
    popl %edi
    popl %esi
    popl %ebx
    popl %ebp
    ret                                 /* %eax still holds prev */

    .globl thread_start
thread_start:
    pushl %eax
    call thread_start_c                 /* does not return */
    ud2
