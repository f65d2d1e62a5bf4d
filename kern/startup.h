/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The machine-independent bring-up of the kernel (kern/startup.c).
 */
#ifndef KERN_STARTUP_H
#define KERN_STARTUP_H

/* What the machine's boot code hands over besides memory. */
struct startup_info {
    const char *loader;         /* the boot loader's name, "unknown" when none */
    const char *cmdline;        /* the kernel command line, "" when none */
};

/*
 * Bring the kernel up, in the one order kern/startup.c lays out, then run
 * the tests named by `test=` or, without it, the shell. Called once, by
 * the boot CPU's boot code, with interrupts disabled, the CPU's
 * descriptor tables and trap handlers installed, the console devices
 * registered and the machine's physical segments known (<machine/pmem.h>);
 * info must stay valid forever. Does not return.
 */
void startup(const struct startup_info *info) __attribute__((noreturn));

/*
 * Print the boot report's machine-independent first lines, then the
 * machine's (machine_report()). Also the shell command `report`.
 */
void startup_report(void);

#endif /* KERN_STARTUP_H */
