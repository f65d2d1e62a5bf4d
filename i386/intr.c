/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Two interrupt controllers, one interface. The PIC serves the early boot
 * (and machines without an APIC); the I/O APIC takes over when SMP is set
 * up, because only it can deliver to any CPU and be acknowledged through
 * the local APIC. The ISA IRQ to GSI translation (e.g. the PIT's IRQ 0 on
 * pin 2) comes from the firmware's interrupt source overrides.
 */
#include <stdbool.h>
#include <stdint.h>

#include <i386/boot_map.h>
#include <i386/cpu.h>
#include <i386/intr.h>
#include <i386/lapic.h>
#include <i386/pic.h>
#include <i386/platform.h>
#include <i386/trap.h>
#include <kern/printf.h>

#define IOAPIC_REGSEL           0x00
#define IOAPIC_WIN              0x10
#define IOAPIC_REG_VER          0x01
#define IOAPIC_REG_REDIR(pin)   (0x10 + 2 * (pin))
#define IOAPIC_MASKED           0x10000
#define IOAPIC_LEVEL            0x08000
#define IOAPIC_ACTIVE_LOW       0x02000

struct intr_ioapic {
    volatile uint32_t *regs;
    uint32_t gsi_base;
    unsigned int nr_pins;
};

static bool intr_apic_mode;
static uint16_t intr_unmasked;          /* ISA lines unmasked */
static struct intr_ioapic intr_ioapics[PLATFORM_MAX_IOAPICS];
static unsigned int intr_nr_ioapics;
static struct platform_isa_irq intr_isa[PLATFORM_ISA_IRQS];
static unsigned int intr_boot_apic_id;

static uint32_t
intr_ioapic_read(struct intr_ioapic *io, unsigned int reg)
{
    io->regs[IOAPIC_REGSEL / 4] = reg;
    return io->regs[IOAPIC_WIN / 4];
}

static void
intr_ioapic_write(struct intr_ioapic *io, unsigned int reg, uint32_t v)
{
    io->regs[IOAPIC_REGSEL / 4] = reg;
    io->regs[IOAPIC_WIN / 4] = v;
}

/* Program the redirection entry of ISA line irq. */
static void
intr_ioapic_route(unsigned int irq, bool masked)
{
    uint32_t gsi = intr_isa[irq].gsi;

    for (unsigned int i = 0; i < intr_nr_ioapics; i++) {
        struct intr_ioapic *io = &intr_ioapics[i];

        if (gsi < io->gsi_base || gsi >= io->gsi_base + io->nr_pins) {
            continue;
        }
        unsigned int pin = gsi - io->gsi_base;
        uint32_t low = (TRAP_IRQ_BASE + irq)
                       | ((intr_isa[irq].flags & PLATFORM_TRIGGER_LEVEL) ? IOAPIC_LEVEL : 0)
                       | ((intr_isa[irq].flags & PLATFORM_POLARITY_LOW) ? IOAPIC_ACTIVE_LOW : 0)
                       | (masked ? IOAPIC_MASKED : 0);

        intr_ioapic_write(io, IOAPIC_REG_REDIR(pin) + 1, intr_boot_apic_id << 24);
        intr_ioapic_write(io, IOAPIC_REG_REDIR(pin), low);
        return;
    }
    printf("intr: no I/O APIC pin for IRQ %u (GSI %u)\n", irq, gsi);
}

void
intr_setup(void)
{
    pic_setup();
}

bool
intr_apic_enable(const struct platform *p)
{
    uint32_t flags;

    for (unsigned int i = 0; i < p->nr_ioapics; i++) {
        volatile uint32_t *regs = boot_map(p->ioapics[i].addr, PAGE_SIZE,
                                           BOOT_MAP_UNCACHED);

        if (regs == NULL) {
            printf("intr: cannot map I/O APIC %u at 0x%x\n", p->ioapics[i].id,
                   p->ioapics[i].addr);
            continue;
        }
        struct intr_ioapic *io = &intr_ioapics[intr_nr_ioapics++];

        io->regs = regs;
        io->gsi_base = p->ioapics[i].gsi_base;
        io->nr_pins = ((intr_ioapic_read(io, IOAPIC_REG_VER) >> 16) & 0xff) + 1;
        for (unsigned int pin = 0; pin < io->nr_pins; pin++) {
            intr_ioapic_write(io, IOAPIC_REG_REDIR(pin), IOAPIC_MASKED);
        }
    }
    if (intr_nr_ioapics == 0) {
        return false;
    }

    flags = cpu_intr_save();
    for (unsigned int irq = 0; irq < PLATFORM_ISA_IRQS; irq++) {
        intr_isa[irq] = p->isa_irqs[irq];
    }
    intr_boot_apic_id = lapic_id();
    pic_disable();
    intr_apic_mode = true;
    for (unsigned int irq = 0; irq < PLATFORM_ISA_IRQS; irq++) {
        if (intr_unmasked & (1u << irq)) {
            intr_ioapic_route(irq, false);
        }
    }
    cpu_intr_restore(flags);
    return true;
}

void
intr_unmask(unsigned int irq)
{
    uint32_t flags = cpu_intr_save();

    intr_unmasked |= 1u << irq;
    if (intr_apic_mode) {
        intr_ioapic_route(irq, false);
    } else {
        pic_unmask(irq);
    }
    cpu_intr_restore(flags);
}

void
intr_mask(unsigned int irq)
{
    uint32_t flags = cpu_intr_save();

    intr_unmasked &= ~(1u << irq);
    if (intr_apic_mode) {
        intr_ioapic_route(irq, true);
    } else {
        pic_mask(irq);
    }
    cpu_intr_restore(flags);
}

void
intr_eoi(unsigned int irq)
{
    if (intr_apic_mode) {
        lapic_eoi();
    } else {
        pic_eoi(irq);
    }
}

bool
intr_spurious(unsigned int irq)
{
    return !intr_apic_mode && pic_spurious(irq);
}

const char *
intr_controller(void)
{
    return intr_apic_mode ? "I/O APIC" : "PIC";
}
