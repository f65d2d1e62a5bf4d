/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 8259A programming: ICW1..ICW4 move the master to vectors 32..39 and the
 * slave to 40..47 (the BIOS default overlaps CPU exceptions). The slave
 * hangs off master line 2, so its lines are reached by unmasking line 2.
 * The local/IO APIC take over with the SMP work.
 */
#include <stdbool.h>
#include <stdint.h>

#include <i386/cpu.h>
#include <i386/pic.h>
#include <i386/trap.h>

#define PIC_MASTER_CMD          0x20
#define PIC_MASTER_DATA         0x21
#define PIC_SLAVE_CMD           0xa0
#define PIC_SLAVE_DATA          0xa1
#define PIC_CASCADE_IRQ         2
#define PIC_EOI                 0x20
#define PIC_READ_ISR            0x0b

static uint16_t pic_masks = 0xffff;

static void
pic_write_masks(void)
{
    outb(PIC_MASTER_DATA, pic_masks & 0xff);
    outb(PIC_SLAVE_DATA, pic_masks >> 8);
}

void
pic_setup(void)
{
    outb(PIC_MASTER_CMD, 0x11);             /* ICW1: init, expect ICW4 */
    outb(PIC_SLAVE_CMD, 0x11);
    outb(PIC_MASTER_DATA, TRAP_IRQ_BASE);   /* ICW2: vector base */
    outb(PIC_SLAVE_DATA, TRAP_IRQ_BASE + 8);
    outb(PIC_MASTER_DATA, 1 << PIC_CASCADE_IRQ); /* ICW3: slave on line 2 */
    outb(PIC_SLAVE_DATA, PIC_CASCADE_IRQ);
    outb(PIC_MASTER_DATA, 0x01);            /* ICW4: 8086 mode */
    outb(PIC_SLAVE_DATA, 0x01);
    pic_masks = 0xffff & ~(1 << PIC_CASCADE_IRQ);
    pic_write_masks();
}

void
pic_disable(void)
{
    pic_masks = 0xffff;
    pic_write_masks();
}

void
pic_unmask(unsigned int irq)
{
    uint32_t flags = cpu_intr_save();

    pic_masks &= ~(1u << irq);
    pic_write_masks();
    cpu_intr_restore(flags);
}

void
pic_mask(unsigned int irq)
{
    uint32_t flags = cpu_intr_save();

    pic_masks |= 1u << irq;
    pic_write_masks();
    cpu_intr_restore(flags);
}

void
pic_eoi(unsigned int irq)
{
    if (irq >= 8) {
        outb(PIC_SLAVE_CMD, PIC_EOI);
    }
    outb(PIC_MASTER_CMD, PIC_EOI);
}

bool
pic_spurious(unsigned int irq)
{
    if (irq == 7) {
        outb(PIC_MASTER_CMD, PIC_READ_ISR);
        return !(inb(PIC_MASTER_CMD) & 0x80);
    }
    if (irq == 15) {
        outb(PIC_SLAVE_CMD, PIC_READ_ISR);
        if (!(inb(PIC_SLAVE_CMD) & 0x80)) {
            outb(PIC_MASTER_CMD, PIC_EOI);
            return true;
        }
    }
    return false;
}
