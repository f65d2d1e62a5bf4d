/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 16550 UART on COM1: console output (polled) and input (interrupt-driven,
 * into a small ring buffer, with flow control: input is held back, never
 * dropped, while the ring is full).
 */
#ifndef I386_SERIAL_H
#define I386_SERIAL_H

#include <stdbool.h>
#include <stddef.h>

/* Program COM1 for 115200 8N1. Safe to call before interrupts work. */
void serial_setup(void);

/* Enable the receive interrupt (IRQ 4). Call after trap and PIC setup. */
void serial_intr_setup(void);

/* Write bytes, busy-waiting on the transmitter. Never fails. */
void serial_write(const char *s, size_t len);

/*
 * Take one received byte. Returns -1 when none is pending. Restarts
 * reception if a full ring had stopped it. Interrupt-safe; one consumer.
 */
int serial_getc(void);

#endif /* I386_SERIAL_H */
