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
