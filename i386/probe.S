/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Faulting-safe accesses (see probe.h). Each arms %gs:PERCPU_ONFAULT with
 * its recovery label around the one instruction that may fault; the page
 * fault handler, finding it set, clears it and resumes there with the
 * stack as it was, so the recovery code can simply return ERROR_FAULT.
 *
 * The recovery address is per CPU, so each probe runs with preemption
 * disabled (the per-CPU count, incremented and decremented in place): a
 * thread preempted between arming and the access could otherwise fault
 * on another CPU, unarmed, and leave this one armed for a stranger's
 * fault. The decrement does not check for a pending reschedule; the next
 * interrupt's exit does.
 */
#include <i386/probe.h>
#include <kern/error.h>

    .text
    .globl probe_write32
probe_write32:
    movl 4(%esp), %edx
    movl 8(%esp), %eax
    incl %gs:PROBE_PREEMPT_COUNT
    movl $probe_fault, %gs:PERCPU_ONFAULT
    movl %eax, (%edx)
    movl $0, %gs:PERCPU_ONFAULT
    decl %gs:PROBE_PREEMPT_COUNT
    xorl %eax, %eax
    ret

    .globl probe_read32
probe_read32:
    movl 4(%esp), %edx
    incl %gs:PROBE_PREEMPT_COUNT
    movl $probe_fault, %gs:PERCPU_ONFAULT
    movl (%edx), %eax
    movl $0, %gs:PERCPU_ONFAULT
    decl %gs:PROBE_PREEMPT_COUNT
    movl 8(%esp), %edx
    movl %eax, (%edx)
    xorl %eax, %eax
    ret

probe_fault:
    decl %gs:PROBE_PREEMPT_COUNT
    movl $ERROR_FAULT, %eax
    ret

/*
 * Call the code at addr. A fault on the fetch happens after the call
 * pushed its return address, so the recovery label restores the stack
 * pointer from %ebp (which the called code must preserve, as a `ret`
 * does) instead of returning through that address.
 */
    .globl probe_exec
probe_exec:
    pushl %ebp
    movl %esp, %ebp
    movl 8(%ebp), %eax
    incl %gs:PROBE_PREEMPT_COUNT
    movl $probe_exec_fault, %gs:PERCPU_ONFAULT
    call *%eax
    movl $0, %gs:PERCPU_ONFAULT
    decl %gs:PROBE_PREEMPT_COUNT
    xorl %eax, %eax
    popl %ebp
    ret

probe_exec_fault:
    decl %gs:PROBE_PREEMPT_COUNT
    movl %ebp, %esp
    movl $ERROR_FAULT, %eax
    popl %ebp
    ret
