/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Faulting-safe accesses (see probe.h). Each arms %gs:PERCPU_ONFAULT with
 * its recovery label around the one instruction that may fault; the page
 * fault handler, finding it set, clears it and resumes there with the
 * stack as it was, so the recovery code can simply return -1.
 */
#include <i386/probe.h>

    .text
    .globl probe_write32
probe_write32:
    movl 4(%esp), %edx
    movl 8(%esp), %eax
    movl $probe_fault, %gs:PERCPU_ONFAULT
    movl %eax, (%edx)
    movl $0, %gs:PERCPU_ONFAULT
    xorl %eax, %eax
    ret

    .globl probe_read32
probe_read32:
    movl 4(%esp), %edx
    movl $probe_fault, %gs:PERCPU_ONFAULT
    movl (%edx), %eax
    movl $0, %gs:PERCPU_ONFAULT
    movl 8(%esp), %edx
    movl %eax, (%edx)
    xorl %eax, %eax
    ret

probe_fault:
    movl $-1, %eax
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
    movl $probe_exec_fault, %gs:PERCPU_ONFAULT
    call *%eax
    movl $0, %gs:PERCPU_ONFAULT
    xorl %eax, %eax
    popl %ebp
    ret

probe_exec_fault:
    movl %ebp, %esp
    movl $-1, %eax
    popl %ebp
    ret
