/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The 8254 programmable interval timer: the boot-time clock tick, until
 * the local APIC timers take over.
 */
#ifndef I386_PIT_H
#define I386_PIT_H

/* Program channel 0 for CLOCK_HZ periodic interrupts driving clock_tick(). */
void pit_setup(void);

/* Stop delivering PIT interrupts (another tick source took over). */
void pit_stop(void);

#endif /* I386_PIT_H */
