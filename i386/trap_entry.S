/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Trap and interrupt entry stubs.
 *
 * Each vector has a tiny stub that pushes a dummy error code when the CPU
 * does not push one, then the vector number, and jumps to trap_common,
 * which saves the remaining registers into a struct trap_frame, loads the
 * kernel data segments and calls trap_dispatch(frame). The stub addresses
 * are collected in trap_entry_table[] for trap_setup(). %gs is saved in
 * the frame but never restored from it: in the kernel it always holds the
 * per-CPU segment of the CPU running the code, and a thread preempted on
 * one CPU may return from the interrupt on another.
 */
#include <i386/trap.h>

#define KERNEL_DS 0x10

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERROR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21)

    .text
    .p2align 4
trap_common:
    pushl %ds
    pushl %es
    pushl %fs
    pushl %gs
    pushal
    movl $KERNEL_DS, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %esp, %eax
    pushl %eax
    call trap_dispatch
    addl $4, %esp
    popal
    addl $4, %esp                       /* %gs: keep this CPU's (see above) */
    popl %fs
    popl %es
    popl %ds
    addl $8, %esp                       /* vector and error code */
    iret

    .altmacro
.macro TRAP_STUB v
    .p2align 3
trap_stub_\v:
    .if HAS_ERROR(\v)
    .else
    pushl $0
    .endif
    pushl $\v
    jmp trap_common
.endm

.set vec, 0
.rept TRAP_NR_VECTORS
    TRAP_STUB %vec
    .set vec, vec + 1
.endr

.macro TRAP_ENTRY v
    .long trap_stub_\v
.endm

    .section .rodata
    .p2align 2
    .globl trap_entry_table
trap_entry_table:
.set vec, 0
.rept TRAP_NR_VECTORS
    TRAP_ENTRY %vec
    .set vec, vec + 1
.endr
