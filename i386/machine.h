/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Ending the machine: power off, reboot, or leave QEMU with a status.
 */
#ifndef I386_MACHINE_H
#define I386_MACHINE_H

#include <stdbool.h>

/*
 * Leave QEMU through the isa-debug-exit device (iobase 0xf4): QEMU exits
 * with status 1 when success is true and 3 otherwise. Returns if the device
 * is absent (real hardware, or QEMU started without it).
 */
void machine_exit_qemu(bool success);

/* Power off (ACPI on QEMU's PIIX4 and Bochs), or halt forever. */
void machine_halt(void) __attribute__((noreturn));

/* Reset through the keyboard controller, else a triple fault. */
void machine_reboot(void) __attribute__((noreturn));

#endif /* I386_MACHINE_H */
