/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Channel 0 in mode 2 (rate generator) divides the 1.193182 MHz input
 * clock down to PIT_HZ. The tick count is 64 bits, written only by the
 * interrupt handler; readers retry until two reads of the high half agree,
 * so a torn read is never returned. The LAPIC timer replaces this per CPU
 * with the SMP work.
 */
#include <stdint.h>

#include <i386/cpu.h>
#include <i386/pic.h>
#include <i386/pit.h>
#include <i386/trap.h>

#define PIT_CHANNEL0            0x40
#define PIT_COMMAND             0x43
#define PIT_INPUT_HZ            1193182
#define PIT_IRQ                 0

static volatile uint32_t pit_ticks_low, pit_ticks_high;

static void
pit_intr(struct trap_frame *frame)
{
    (void)frame;
    if (++pit_ticks_low == 0) {
        pit_ticks_high++;
    }
}

void
pit_setup(void)
{
    uint32_t divisor = (PIT_INPUT_HZ + PIT_HZ / 2) / PIT_HZ;

    outb(PIT_COMMAND, 0x34);                /* channel 0, lo/hi, mode 2 */
    outb(PIT_CHANNEL0, divisor & 0xff);
    outb(PIT_CHANNEL0, divisor >> 8);
    trap_irq_register(PIT_IRQ, pit_intr);
    pic_unmask(PIT_IRQ);
}

uint64_t
pit_ticks(void)
{
    uint32_t high, low;

    do {
        high = pit_ticks_high;
        low = pit_ticks_low;
    } while (high != pit_ticks_high);
    return ((uint64_t)high << 32) | low;
}
