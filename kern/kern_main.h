/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Machine-independent kernel start.
 */
#ifndef KERN_KERN_MAIN_H
#define KERN_KERN_MAIN_H

/*
 * End the boot report, then run the tests named by `test=` or, without
 * it, the shell. Called by the boot CPU once the machine layer is up, with
 * interrupts enabled. Does not return.
 */
void kern_main(void) __attribute__((noreturn));

/*
 * Print the machine-independent start of the boot report (also the shell
 * command `report`); the machine layer adds its lines after it.
 */
void kern_report(void);

#endif /* KERN_KERN_MAIN_H */
