/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CPU operations machine-independent code may use: local interrupt
 * control, spin-wait hints, idling and stopping. Everything else about
 * the i386 CPU (port I/O, control registers, cpuid, MSRs) stays in
 * i386/cpu.h, which includes this file. All inline; none can fail.
 */
#ifndef MACHINE_CPU_H
#define MACHINE_CPU_H

#include <stdbool.h>
#include <stdint.h>

#define CPU_EFLAGS_IF           0x00000200

static inline void cpu_intr_disable(void) { __asm__ volatile("cli" : : : "memory"); }
static inline void cpu_intr_enable(void) { __asm__ volatile("sti" : : : "memory"); }

/* Spin-wait hint, inside busy loops. */
static inline void cpu_pause(void) { __asm__ volatile("pause" : : : "memory"); }

/* Enable interrupts and wait for one, atomically (no lost wakeup). */
static inline void cpu_idle(void) { __asm__ volatile("sti; hlt" : : : "memory"); }

/* Disable interrupts and return the previous state for cpu_intr_restore(). */
static inline uint32_t
cpu_intr_save(void)
{
    uint32_t eflags;

    __asm__ volatile("pushfl; popl %0; cli" : "=r"(eflags) : : "memory");
    return eflags;
}

/* True when the state saved by cpu_intr_save() had interrupts enabled. */
static inline bool
cpu_intr_flags_enabled(uint32_t flags)
{
    return (flags & CPU_EFLAGS_IF) != 0;
}

/* Re-enable interrupts if the saved state had them enabled. */
static inline void
cpu_intr_restore(uint32_t flags)
{
    if (cpu_intr_flags_enabled(flags)) {
        cpu_intr_enable();
    }
}

/* Stop this CPU for good: interrupts off, halted. */
static inline __attribute__((noreturn)) void
cpu_halt_forever(void)
{
    for (;;) {
        __asm__ volatile("cli; hlt");
    }
}

#endif /* MACHINE_CPU_H */
