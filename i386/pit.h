/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The 8254 programmable interval timer: the periodic clock tick.
 */
#ifndef I386_PIT_H
#define I386_PIT_H

#include <stdint.h>

#define PIT_HZ                  100

/* Program channel 0 for PIT_HZ periodic interrupts and unmask IRQ 0. */
void pit_setup(void);

/* Ticks since pit_setup(). Lock-free read. */
uint64_t pit_ticks(void);

#endif /* I386_PIT_H */
