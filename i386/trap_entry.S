/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Trap, interrupt and system-call entry stubs, and the one exit path.
 *
 * Each vector has a tiny stub that pushes a dummy error code when the CPU
 * does not push one, then the vector number, and jumps to trap_common,
 * which saves the remaining registers into a struct trap_frame, loads the
 * kernel data segments and the per-CPU %gs and calls trap_dispatch(frame).
 * The stub addresses are collected in trap_entry_table[] for trap_setup().
 *
 * %gs: every CPU resolves the selector GDT_PERCPU in its own GDT, so
 * entry loads it whatever %gs held (a user value, or the kernel's), and
 * the exit restores the saved one: a user %gs for a return to user mode,
 * GDT_PERCPU for a return to the kernel, which is right on whatever CPU
 * a thread preempted in an interrupt returns on.
 *
 * A user frame whose segment selectors no longer load, or whose iret
 * faults, makes the exit fault in kernel mode; trap_user_exit_fault()
 * (i386/trap_user.c) turns that into the user's exception.
 *
 * System calls come through the LDT call gate 0x07 (`lcall $7,$0`) at
 * trap_syscall_entry. The CPU has switched to the TSS esp0 stack and
 * pushed the user SS, ESP, CS and EIP, but no EFLAGS, and it cleared no
 * flag: the first instruction saves EFLAGS, the next two give the kernel
 * clean flags (NT set by user code would make our iret a task return; a
 * user TF would single-step the kernel, see trap_dispatch), and the
 * frame is shuffled into the order an interrupt leaves, with vector
 * TRAP_SYSCALL. Interrupts stay enabled throughout: an interrupt taken
 * in the middle saves and restores everything it touches on this stack.
 */
#include <i386/gdt.h>
#include <i386/trap.h>

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERROR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21)

#define KERNEL_EFLAGS 0x202                 /* IF and the reserved bit 1 */

    .text
    .p2align 4
trap_common:
    cld
    pushl %ds
    pushl %es
    pushl %fs
    pushl %gs
    pushal
    movl $GDT_KERNEL_DS, %eax
    movl %eax, %ds
    movl %eax, %es
    movl $GDT_PERCPU, %eax
    movl %eax, %gs
    pushl %esp
    call trap_dispatch
    addl $4, %esp
    .globl trap_exit
trap_exit:
    popal
    /*
     * The instructions that can fault when the frame is a user's (a
     * selector that no longer loads, an iret to a bad CS, EIP or SS):
     * trap_user_exit_fault() knows them by these labels.
     */
    .globl trap_exit_gs, trap_exit_fs, trap_exit_es, trap_exit_ds, trap_exit_iret
trap_exit_gs:
    popl %gs
trap_exit_fs:
    popl %fs
trap_exit_es:
    popl %es
trap_exit_ds:
    popl %ds
    addl $8, %esp                       /* vector and error code */
trap_exit_iret:
    iret

/* void trap_return_to(struct trap_frame *frame): leave through frame. */
    .globl trap_return_to
trap_return_to:
    movl 4(%esp), %esp
    jmp trap_exit

    .p2align 4
    .globl trap_syscall_entry
trap_syscall_entry:
    pushfl                              /* 0 efl 4 eip 8 cs 12 esp 16 ss */
    pushl $KERNEL_EFLAGS
    popfl
    pushl %eax
    pushl %ecx                          /* 0 ecx 4 eax 8 efl 12 eip 16 cs */
    movl 8(%esp), %eax
    movl 12(%esp), %ecx
    movl %ecx, 8(%esp)
    movl 16(%esp), %ecx
    movl %ecx, 12(%esp)
    movl %eax, 16(%esp)
    popl %ecx
    popl %eax                           /* 0 eip 4 cs 8 efl 12 esp 16 ss */
    pushl $0
    pushl $TRAP_SYSCALL
    jmp trap_common

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
