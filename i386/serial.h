/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 16550 UART on COM1: the console device "com1", output polled, input
 * interrupt-driven into a small ring buffer, with flow control: input is
 * held back, never dropped, while the ring is full.
 */
#ifndef I386_SERIAL_H
#define I386_SERIAL_H

/*
 * Register the console device "com1" and program COM1 for 115200 8N1.
 * Safe to call before interrupts work; a missing UART drops output.
 */
void serial_setup(void);

/* Enable the receive interrupt (IRQ 4). Call after trap and PIC setup. */
void serial_intr_setup(void);

#endif /* I386_SERIAL_H */
