/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Machine control. The power-off writes are the sleep-type-5 values of
 * the ACPI PM1a control register on QEMU's i440FX/PIIX4 (port 0x604) and
 * older Bochs (0xB004). A real ACPI power-off needs the FADT and DSDT; the
 * fallback on other machines is a halt with interrupts off. Reboot pulses
 * the CPU reset line through the 8042 keyboard controller; if that does
 * nothing, loading an empty IDT and trapping forces a triple fault.
 */
#include <stdbool.h>
#include <stdint.h>

#include <i386/cpu.h>
#include <i386/machine.h>

#define DEBUG_EXIT_PORT         0xf4
#define KBD_STATUS              0x64
#define KBD_RESET               0xfe

void
machine_exit_qemu(bool success)
{
    /* QEMU exits with (value << 1) | 1. */
    outl(DEBUG_EXIT_PORT, success ? 0 : 1);
}

void
machine_halt(void)
{
    cpu_intr_disable();
    outw(0x604, 0x2000);
    outw(0xb004, 0x2000);
    cpu_halt_forever();
}

void
machine_reboot(void)
{
    struct { uint16_t limit; uint32_t base; } __attribute__((packed)) idtr = { 0, 0 };

    cpu_intr_disable();
    for (int i = 0; i < 100000 && (inb(KBD_STATUS) & 0x02); i++) {
        cpu_pause();
    }
    outb(KBD_STATUS, KBD_RESET);
    for (int i = 0; i < 1000000; i++) {
        cpu_pause();
    }
    __asm__ volatile("lidt %0; int3" : : "m"(idtr));
    cpu_halt_forever();
}
