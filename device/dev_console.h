/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device "console": the kernel console (kern/console.h). Writes go to
 * every enabled console device; reads return the bytes typed, as many
 * as are pending up to the size asked (at least one: a read without
 * D_NOWAIT waits for the first byte, interruptibly; with D_NOWAIT and
 * nothing typed it returns D_WOULD_BLOCK). No echo, no line editing.
 */
#ifndef DEVICE_DEV_CONSOLE_H
#define DEVICE_DEV_CONSOLE_H

struct device;

extern struct device dev_console;

/* Set up its wait queue. Once, from device_setup(). */
void dev_console_setup(void);

/* Called at every clock tick (interrupt context): while readers wait, look for input for them. */
void dev_console_tick(void);

#ifdef CONFIG_KTEST
/*
 * Tests only: take input from getc (one pending byte or -1; NULL
 * restores the console's own input).
 */
void dev_console_input_set(int (*getc)(void));
#endif

#endif /* DEVICE_DEV_CONSOLE_H */
