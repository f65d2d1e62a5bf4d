/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Console: the kernel's text output and line input.
 *
 * Output goes to every enabled console device (COM1 serial, VGA text);
 * input comes from the serial port. The set of devices is chosen with the
 * `console=` command-line option: `com1`, `vga`, or `com1,vga` (default).
 */
#ifndef KERN_CONSOLE_H
#define KERN_CONSOLE_H

#include <stddef.h>

/*
 * Write len bytes to every enabled console. "\n" becomes "\r\n" on serial.
 * Callable from any context, including trap handlers, with interrupts
 * disabled; output from concurrent callers may interleave. Never fails.
 */
void console_write(const char *s, size_t len);

/*
 * Apply the `console=` option of the command line. Unknown device names
 * are reported and ignored. Call after cmdline_parse().
 */
void console_setup(void);

/*
 * Wait for and return one input character from the serial console.
 * Sleeps with interrupts enabled (hlt) while no input is pending.
 */
int console_getc(void);

#endif /* KERN_CONSOLE_H */
