/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The two cascaded 8259A interrupt controllers (legacy PIC).
 */
#ifndef I386_PIC_H
#define I386_PIC_H

#include <stdbool.h>

/* Remap IRQs 0..15 to vectors TRAP_IRQ_BASE.., all lines masked. */
void pic_setup(void);

/* Mask every line for good: the I/O APIC delivers interrupts instead. */
void pic_disable(void);

/* Unmask / mask one IRQ line. Interrupt-safe. */
void pic_unmask(unsigned int irq);
void pic_mask(unsigned int irq);

/* Acknowledge an interrupt (end of interrupt) at the right controller(s). */
void pic_eoi(unsigned int irq);

/*
 * True when irq is a spurious IRQ 7 or 15 (no bit in the in-service
 * register); the caller must then not handle it. Acknowledges the master
 * for a spurious IRQ 15, as required.
 */
bool pic_spurious(unsigned int irq);

#endif /* I386_PIC_H */
