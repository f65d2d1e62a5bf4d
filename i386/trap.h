/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Traps and interrupts: the IDT, the saved register frame and the
 * dispatch of exceptions and hardware interrupts.
 */
#ifndef I386_TRAP_H
#define I386_TRAP_H

#define TRAP_DIVIDE             0
#define TRAP_DEBUG              1
#define TRAP_NMI                2
#define TRAP_BREAKPOINT         3
#define TRAP_OVERFLOW           4
#define TRAP_BOUND              5
#define TRAP_INVALID_OPCODE     6
#define TRAP_NO_FPU             7
#define TRAP_DOUBLE_FAULT       8
#define TRAP_INVALID_TSS        10
#define TRAP_SEGMENT_NP         11
#define TRAP_STACK_FAULT        12
#define TRAP_GENERAL_PROTECTION 13
#define TRAP_PAGE_FAULT         14
#define TRAP_FPU_ERROR          16
#define TRAP_ALIGNMENT          17
#define TRAP_MACHINE_CHECK      18
#define TRAP_SIMD               19
#define TRAP_NR_EXCEPTIONS      32

#define TRAP_IRQ_BASE           32          /* ISA IRQs 0..15: vectors 32..47 */
#define TRAP_NR_IRQS            16
#define TRAP_LAPIC_TIMER        0xf0        /* local APIC vectors */
#define TRAP_IPI_CALL           0xf1
#define TRAP_IPI_WAKEUP         0xf2
#define TRAP_LAPIC_ERROR        0xfe
#define TRAP_LAPIC_SPURIOUS     0xff
#define TRAP_NR_VECTORS         256
#define TRAP_SYSCALL            0x100       /* frame vector of a system call (no IDT vector) */

#ifndef __ASSEMBLER__

#include <stdint.h>

/*
 * Registers saved on trap entry, lowest address first: pushed by
 * pushal, then segment registers, then the vector and error code pushed by
 * the entry stub, then what the CPU pushed. esp/ss are present only when
 * the trap came from user mode.
 */
struct trap_frame {
    uint32_t edi, esi, ebp, esp_pushal, ebx, edx, ecx, eax;
    uint32_t gs, fs, es, ds;
    uint32_t vector, error;
    uint32_t eip, cs, eflags;
    uint32_t esp, ss;
};

typedef void (*trap_irq_handler_t)(struct trap_frame *frame);

/* Fill and load the IDT. Call once, early, on the boot CPU. */
void trap_setup(void);

/*
 * Install the handler of ISA interrupt line irq (0..15). Replaces any
 * previous handler. Does not unmask the line (see intr_unmask()). The
 * interrupt is acknowledged after the handler returns.
 */
void trap_irq_register(unsigned int irq, trap_irq_handler_t handler);

/*
 * Install the handler of a local APIC vector (TRAP_LAPIC_TIMER, IPIs).
 * The local APIC is acknowledged after the handler returns.
 */
void trap_vector_register(unsigned int vector, trap_irq_handler_t handler);

/* Load the IDT on the calling CPU (secondary CPUs; trap_setup() does the boot CPU). */
void trap_load(void);

/*
 * The double-fault task (see gdt.c): reports a kernel stack overflow,
 * or any other double fault, with the faulting CPU's registers, and
 * ends in panic. Never called directly.
 */
void trap_double_fault(void) __attribute__((noreturn));

/* Called from the entry stubs with the saved frame. */
void trap_dispatch(struct trap_frame *frame);

/* The target of the system-call gate (LDT_SYSCALL); never called from C. */
void trap_syscall_entry(void);

/*
 * Restore the registers of frame and return through it (iret), to user
 * mode when its CS says so. Interrupts off. Does not return.
 */
void trap_return_to(struct trap_frame *frame) __attribute__((noreturn));

/*
 * Print the register dump and frame-pointer backtrace of a frame to the
 * console. Callable with interrupts disabled.
 */
void trap_frame_dump(const struct trap_frame *frame);

#endif /* __ASSEMBLER__ */

#endif /* I386_TRAP_H */
