/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Channel 0 in mode 2 (rate generator) divides the 1.193182 MHz input
 * clock down to CLOCK_HZ; each interrupt is one clock_tick().
 */
#include <stdint.h>

#include <i386/cpu.h>
#include <i386/intr.h>
#include <i386/pit.h>
#include <i386/trap.h>
#include <kern/clock.h>
#include <kern/thread.h>
#include <vm/vm_page.h>

#define PIT_CHANNEL0            0x40
#define PIT_COMMAND             0x43
#define PIT_INPUT_HZ            1193182
#define PIT_IRQ                 0

static void
pit_intr(struct trap_frame *frame)
{
    clock_tick();
    thread_tick((frame->cs & 3) == 3);  /* the only timer when there is no local APIC */
    vm_page_tick();                     /* pool drain requests */
}

void
pit_setup(void)
{
    uint32_t divisor = (PIT_INPUT_HZ + CLOCK_HZ / 2) / CLOCK_HZ;

    outb(PIT_COMMAND, 0x34);                /* channel 0, lo/hi, mode 2 */
    outb(PIT_CHANNEL0, divisor & 0xff);
    outb(PIT_CHANNEL0, divisor >> 8);
    trap_irq_register(PIT_IRQ, pit_intr);
    intr_unmask(PIT_IRQ);
}

void
pit_stop(void)
{
    intr_mask(PIT_IRQ);
}
