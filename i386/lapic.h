/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The local APIC of each CPU: interrupt acknowledge, the per-CPU timer,
 * and inter-processor interrupts.
 */
#ifndef I386_LAPIC_H
#define I386_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

#include <i386/param.h>

/*
 * Map the local APIC registers at physical address pa (from the firmware
 * tables). Call once on the boot CPU. Returns false if they cannot be
 * mapped (the kernel then stays on the legacy PIC with one CPU).
 */
bool lapic_map(phys_addr_t pa);

/* True once lapic_map() succeeded. */
bool lapic_present(void);

/* Enable the calling CPU's local APIC (spurious vector, error vector, LINTs). */
void lapic_setup(bool boot_cpu);

/* The calling CPU's APIC id. */
unsigned int lapic_id(void);

/* Acknowledge the interrupt being handled. */
void lapic_eoi(void);

/*
 * Measure the timer's input clock against the PIT (which must be
 * ticking) and the TSC; call once on the boot CPU with interrupts on.
 */
void lapic_timer_calibrate(void);

/* Start the calling CPU's periodic timer at hz interrupts per second. */
void lapic_timer_start(unsigned int hz);

/* Busy-wait for at least us microseconds (TSC, calibrated above). */
void lapic_delay_us(unsigned int us);

/* Send a fixed IPI with vector to the CPU with APIC id apic_id. */
void lapic_ipi_send(unsigned int apic_id, unsigned int vector);

/*
 * Start the CPU apic_id at the real-mode page trampoline_pa (below 1 MiB):
 * INIT, then STARTUP twice, as the MP specification prescribes.
 */
void lapic_ipi_startup(unsigned int apic_id, phys_addr_t trampoline_pa);

#endif /* I386_LAPIC_H */
