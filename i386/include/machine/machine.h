/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the machine does for machine-independent code as a whole: the
 * steps of startup (kern/startup.c) that only the machine knows how to
 * do, and ending the machine. i386/machine.c implements them.
 */
#ifndef MACHINE_MACHINE_H
#define MACHINE_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Start the timer and the device interrupts, then enable interrupts on
 * the calling (boot) CPU. Called once by startup().
 */
void machine_intr_start(void);

/*
 * Print the machine's lines of the boot report: the CPU, and memory as
 * the boot loader described it and as biosmem sanitized it.
 */
void machine_report(void);

/*
 * Leave QEMU through the isa-debug-exit device (iobase 0xf4): QEMU exits
 * with status 1 when success is true and 3 otherwise. Returns if the device
 * is absent (real hardware, or QEMU started without it).
 */
void machine_exit_qemu(bool success);

/*
 * The boot loader's modules: how many, and module index's bytes (in the
 * kernel's direct map, read-only for the caller) and its string (the
 * boot-script line, "" when it has none). Returns 0, or ERROR_NOENT for
 * an index past the last module or a module outside the direct map.
 * Any context; a module stays in place (biosmem keeps it reserved) until
 * machine_module_release().
 */
unsigned int machine_module_count(void);
int machine_module_get(unsigned int index, const void **datap, size_t *sizep,
                       const char **stringp);

/*
 * The time of day from the machine's clock: seconds since the Unix
 * epoch (UTC), or -1 when the machine has no valid clock. Thread
 * context (may spin a few milliseconds).
 */
int64_t machine_time_of_day(void);

/*
 * GNU Mach's cpu_type and cpu_subtype of the boot CPU (mach/host_info.h
 * values: CPU_TYPE_I386 .. CPU_TYPE_PENTIUMPRO by cpuid family,
 * CPU_SUBTYPE_AT386). Any context.
 */
void machine_cpu_type(int *type, int *subtype);

/*
 * Give module index's bytes back to vm_page once nothing reads them any
 * more: every whole page they alone covered becomes free memory (the
 * module's string and the module table stay). Adds the pages freed to
 * pages[seg] for each vm_page segment (VM_PAGE_NR_SEGS entries). The
 * caller releases each module at most once and never reads its data
 * again. Bootstrap thread only. Returns 0, or ERROR_NOENT (no such
 * module) or ERROR_NOSPC (biosmem's table is full), freeing nothing.
 */
int machine_module_release(unsigned int index, unsigned long *pages);

/* Power off (ACPI on QEMU's PIIX4 and Bochs), or halt forever. */
void machine_halt(void) __attribute__((noreturn));

/* Reset through the keyboard controller, else a triple fault. */
void machine_reboot(void) __attribute__((noreturn));

#endif /* MACHINE_MACHINE_H */
