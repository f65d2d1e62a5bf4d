/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Trap dispatch.
 *
 * System calls and exceptions from user mode go to i386/trap_user.c.
 * Exceptions in the kernel are fatal, apart from page faults the probes
 * and user copies expect: the handler prints what happened, the
 * registers and a backtrace, then hands over to panic_fatal(), which
 * ends a running in-kernel test as a failure or halts the machine.
 * Hardware interrupts go to the handler registered for their line and
 * are acknowledged at the PIC afterwards.
 */
#include <stddef.h>
#include <stdint.h>

#include <i386/backtrace.h>
#include <i386/cpu.h>
#include <i386/gdt.h>
#include <i386/intr.h>
#include <i386/lapic.h>
#include <i386/trap.h>
#include <i386/trap_user.h>
#include <kern/macros.h>
#include <kern/panic.h>
#include <kern/percpu.h>
#include <kern/printf.h>
#include <kern/thread.h>

struct trap_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t zero;
    uint8_t type;
    uint16_t offset_high;
} __attribute__((packed));

#define TRAP_GATE_INTR          0x8e        /* present, DPL 0, 32-bit interrupt gate */
#define TRAP_GATE_INTR_USER     0xee        /* the same with DPL 3: int3, into, bound */
#define TRAP_GATE_TASK          0x85        /* present, DPL 0, task gate */

static struct trap_gate trap_idt[256] __attribute__((aligned(8)));
static trap_irq_handler_t trap_handlers[TRAP_NR_VECTORS];
extern const uint32_t trap_entry_table[TRAP_NR_VECTORS];

static const char *const trap_names[TRAP_NR_EXCEPTIONS] = {
    [TRAP_DIVIDE] = "divide error",
    [TRAP_DEBUG] = "debug",
    [TRAP_NMI] = "non-maskable interrupt",
    [TRAP_BREAKPOINT] = "breakpoint",
    [TRAP_OVERFLOW] = "overflow",
    [TRAP_BOUND] = "bound range exceeded",
    [TRAP_INVALID_OPCODE] = "invalid opcode",
    [TRAP_NO_FPU] = "device not available",
    [TRAP_DOUBLE_FAULT] = "double fault",
    [TRAP_INVALID_TSS] = "invalid TSS",
    [TRAP_SEGMENT_NP] = "segment not present",
    [TRAP_STACK_FAULT] = "stack fault",
    [TRAP_GENERAL_PROTECTION] = "general protection fault",
    [TRAP_PAGE_FAULT] = "page fault",
    [TRAP_FPU_ERROR] = "x87 floating-point error",
    [TRAP_ALIGNMENT] = "alignment check",
    [TRAP_MACHINE_CHECK] = "machine check",
    [TRAP_SIMD] = "SIMD floating-point error",
};

void
trap_setup(void)
{
    for (unsigned int i = 0; i < TRAP_NR_VECTORS; i++) {
        trap_idt[i].offset_low = trap_entry_table[i] & 0xffff;
        trap_idt[i].offset_high = trap_entry_table[i] >> 16;
        trap_idt[i].selector = GDT_KERNEL_CS;
        trap_idt[i].type = TRAP_GATE_INTR;
    }
    /* As in GNU Mach, user code may raise only these with int n. */
    trap_idt[TRAP_BREAKPOINT].type = TRAP_GATE_INTR_USER;
    trap_idt[TRAP_OVERFLOW].type = TRAP_GATE_INTR_USER;
    trap_idt[TRAP_BOUND].type = TRAP_GATE_INTR_USER;
    trap_idt[TRAP_DOUBLE_FAULT] = (struct trap_gate){
        .selector = GDT_DOUBLE_FAULT_TSS,
        .type = TRAP_GATE_TASK,
    };
    trap_load();
}

void
trap_double_fault(void)
{
    struct gdt_fault_origin origin;
    const struct thread *t;
    uint32_t cr2;

    __asm__ volatile("movl %%cr2, %0" : "=r"(cr2));
    if (!gdt_double_fault_origin(&origin)) {
        panic("double fault from an unknown task");
    }
    t = percpu_self()->current;
    if (t != NULL && (thread_stack_guard_contains(t, cr2)
                      || thread_stack_guard_contains(t, origin.esp))) {
        printf("\nkernel stack overflow in thread '%s' on cpu %u: esp 0x%08x, "
               "fault address 0x%08x, eip ", t->name, origin.cpu, origin.esp, cr2);
    } else {
        printf("\ndouble fault on cpu %u: esp 0x%08x, cr2 0x%08x, eip ",
               origin.cpu, origin.esp, cr2);
    }
    backtrace_print_addr(origin.eip);
    printf("\n");
    backtrace_print(origin.eip, origin.ebp);
    panic_fatal("double fault");
}

void
trap_load(void)
{
    struct { uint16_t limit; uint32_t base; } __attribute__((packed)) idtr;

    idtr.limit = sizeof(trap_idt) - 1;
    idtr.base = (uint32_t)(uintptr_t)trap_idt;
    __asm__ volatile("lidt %0" : : "m"(idtr));
}

void
trap_irq_register(unsigned int irq, trap_irq_handler_t handler)
{
    if (irq >= TRAP_NR_IRQS) {
        panic("trap: IRQ %u out of range", irq);
    }
    trap_handlers[TRAP_IRQ_BASE + irq] = handler;
}

void
trap_vector_register(unsigned int vector, trap_irq_handler_t handler)
{
    if (vector < TRAP_IRQ_BASE + TRAP_NR_IRQS || vector >= TRAP_NR_VECTORS) {
        panic("trap: vector %u is not a local APIC vector", vector);
    }
    trap_handlers[vector] = handler;
}

void
trap_frame_dump(const struct trap_frame *f)
{
    printf("eax %08x ebx %08x ecx %08x edx %08x\n", f->eax, f->ebx, f->ecx, f->edx);
    printf("esi %08x edi %08x ebp %08x esp %08x\n", f->esi, f->edi, f->ebp,
           f->esp_pushal + 20);
    printf("eip %08x cs %04x eflags %08x error %08x\n", f->eip, f->cs & 0xffff,
           f->eflags, f->error);
    printf("ds %04x es %04x fs %04x gs %04x cr0 %08x cr2 %08x cr3 %08x cr4 %08x\n",
           f->ds & 0xffff, f->es & 0xffff, f->fs & 0xffff, f->gs & 0xffff,
           cpu_get_cr0(), cpu_get_cr2(), cpu_get_cr3(), cpu_get_cr4());
    backtrace_print(f->eip, f->ebp);
}

static void __attribute__((noreturn))
trap_fatal(struct trap_frame *f)
{
    const char *name = trap_names[f->vector];

    printf("\ntrap: %s (vector %u) at ", name ? name : "reserved", f->vector);
    backtrace_print_addr(f->eip);
    printf("\n");
    if (f->vector == TRAP_PAGE_FAULT) {
        printf("trap: page fault address %08x (%s, %s, %s mode)\n", cpu_get_cr2(),
               (f->error & 1) ? "protection" : "not present",
               (f->error & 2) ? "write" : "read",
               (f->error & 4) ? "user" : "kernel");
        if (f->error & 0x10) {
            printf("trap: the fault was an instruction fetch\n");
        }
    }
    trap_frame_dump(f);
    panic_fatal("kernel trap");
}

void
trap_dispatch(struct trap_frame *f)
{
    if (f->vector == TRAP_SYSCALL) {
        trap_syscall(f);
        return;
    }
    if (f->vector < TRAP_NR_EXCEPTIONS && (f->cs & 3) == 3 && trap_user(f)) {
        return;
    }
    if (f->vector == TRAP_PAGE_FAULT && percpu_self()->machine.onfault != 0) {
        struct percpu *self = percpu_self();

        self->machine.fault_error = f->error;       /* a probe: it returns an error */
        self->machine.fault_addr = cpu_get_cr2();
        f->eip = self->machine.onfault;
        self->machine.onfault = 0;
        return;
    }
    if (f->vector == TRAP_PAGE_FAULT && trap_user_copy_fault(f)) {
        return;
    }
    if (f->vector == TRAP_DEBUG && (trap_user_syscall_step(f) || trap_user_kernel_watch(f))) {
        return;
    }
    if (f->vector < TRAP_NR_EXCEPTIONS && trap_user_exit_fault(f)) {
        return;                 /* not reached: it leaves through the user frame */
    }
    if (f->vector < TRAP_NR_EXCEPTIONS) {
        trap_fatal(f);
    }

    if (f->vector == TRAP_LAPIC_SPURIOUS) {
        return;                 /* never acknowledged */
    }
    if (f->vector < TRAP_IRQ_BASE + TRAP_NR_IRQS) {
        unsigned int irq = f->vector - TRAP_IRQ_BASE;

        if (intr_spurious(irq)) {
            return;
        }
        if (trap_handlers[f->vector] != NULL) {
            trap_handlers[f->vector](f);
        } else {
            printf("trap: unexpected IRQ %u\n", irq);
        }
        intr_eoi(irq);
        thread_intr_exit();
        trap_user_intr_exit(f);
        return;
    }
    if (trap_handlers[f->vector] != NULL) {
        trap_handlers[f->vector](f);
    } else {
        printf("trap: unexpected interrupt vector %u\n", f->vector);
    }
    lapic_eoi();
    thread_intr_exit();
    trap_user_intr_exit(f);
}
