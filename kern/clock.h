/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The system clock tick: CLOCK_HZ interrupts per second on CPU 0, from the
 * PIT at boot and from CPU 0's local APIC timer once SMP is set up.
 */
#ifndef KERN_CLOCK_H
#define KERN_CLOCK_H

#include <stdint.h>

#define CLOCK_HZ                100

/* Count one tick. Called by the tick source's interrupt handler only. */
void clock_tick(void);

/* Ticks since boot. Lock-free; never returns a torn value. */
uint64_t clock_ticks(void);

#endif /* KERN_CLOCK_H */
