/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Console: the kernel's text output and line input.
 *
 * Console devices (the machine's serial port, VGA text, ...) register
 * themselves; the console never names a driver. Output goes to every
 * enabled device, input comes from any device that has some. The
 * `console=` command-line option lists the devices to enable by name
 * (default: all of them), e.g. `console=com1,vga`.
 */
#ifndef KERN_CONSOLE_H
#define KERN_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

/* A console device, owned by its driver; the console links it in. */
struct console_dev {
    const char *name;           /* as in console=, e.g. "com1" */
    const char *alias;          /* another name console= accepts, or NULL */

    /*
     * Write len bytes, polled: callable from any context, including trap
     * handlers with interrupts disabled. Never fails (a missing device
     * drops the bytes).
     */
    void (*write)(const char *s, size_t len);

    /* One pending input byte, or -1; interrupt-safe. NULL: output only. */
    int (*getc)(void);

    /* The console's own, set by console_register(). */
    bool enabled;
    struct console_dev *next;
};

/*
 * Add dev to the console, enabled, after the devices registered before
 * it (output reaches devices in registration order). Call on the boot
 * CPU before console_setup(), typically from the driver's setup; dev
 * stays registered for the kernel's life. Registering a device twice,
 * or with no name or no write function, is a broken invariant (panic).
 */
void console_register(struct console_dev *dev);

/*
 * Write len bytes to every enabled device. Callable from any context,
 * including trap handlers, with interrupts disabled; output from
 * concurrent callers may interleave. Never fails.
 */
void console_write(const char *s, size_t len);

/*
 * Apply the `console=` option of the command line: enable the devices it
 * names, disable the others. Unknown names are reported and ignored; when
 * it names no registered device, every device stays enabled. Call after
 * cmdline_parse() and the drivers' registration.
 */
void console_setup(void);

/*
 * Wait for and return one input byte from any device that has input,
 * enabled or not (so the shell stays usable with `console=vga`). Sleeps
 * with interrupts enabled (the machine's idle) while no input is pending.
 */
int console_getc(void);

/*
 * One pending input byte from any device that has input (as
 * console_getc()), or -1 at once when none has. Any context.
 */
int console_trygetc(void);

#endif /* KERN_CONSOLE_H */
