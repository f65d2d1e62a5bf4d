/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * External interrupt routing: ISA IRQs 0..15 arrive on vectors 32..47,
 * through the legacy PIC at boot and through the I/O APIC once
 * intr_apic_enable() has run.
 */
#ifndef I386_INTR_H
#define I386_INTR_H

#include <stdbool.h>

struct platform;

/* Start on the legacy PIC, every line masked. Call once, early. */
void intr_setup(void);

/*
 * Move ISA interrupts to the I/O APIC(s) described by p, delivered to the
 * boot CPU, and mask the legacy PIC. Lines unmasked so far stay unmasked.
 * Returns false (nothing changed) when no I/O APIC can be mapped.
 */
bool intr_apic_enable(const struct platform *p);

/* Unmask / mask ISA line irq at whichever controller is in use. */
void intr_unmask(unsigned int irq);
void intr_mask(unsigned int irq);

/* Acknowledge ISA line irq. */
void intr_eoi(unsigned int irq);

/* True for a spurious legacy-PIC interrupt, which must not be handled. */
bool intr_spurious(unsigned int irq);

/* "PIC" or "I/O APIC", for reports. */
const char *intr_controller(void);

#endif /* I386_INTR_H */
