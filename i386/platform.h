/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the firmware tells about the interrupt and CPU topology: the local
 * APICs of the CPUs, the I/O APICs and how ISA IRQs reach them. Filled by
 * the ACPI MADT parser (i386/acpi.c) or, without a MADT, by the MP table
 * parser (i386/mptable.c).
 */
#ifndef I386_PLATFORM_H
#define I386_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>

#define PLATFORM_MAX_CPUS       64
#define PLATFORM_MAX_IOAPICS    4
#define PLATFORM_ISA_IRQS       16

#define PLATFORM_POLARITY_LOW   0x1     /* active low (default high for ISA) */
#define PLATFORM_TRIGGER_LEVEL  0x2     /* level (default edge for ISA) */

struct platform_ioapic {
    uint8_t id;
    uint32_t addr;              /* physical address of the registers */
    uint32_t gsi_base;          /* first global system interrupt */
};

struct platform_isa_irq {
    uint32_t gsi;               /* global system interrupt it arrives on */
    unsigned int flags;         /* PLATFORM_POLARITY_LOW | PLATFORM_TRIGGER_LEVEL */
};

struct platform {
    const char *source;         /* "ACPI MADT", "MP table" or "none" */
    uint32_t lapic_addr;
    unsigned int nr_cpus;       /* usable CPUs found (may exceed CONFIG_NCPUS) */
    uint8_t cpu_apic_ids[PLATFORM_MAX_CPUS];
    unsigned int nr_cpus_dropped; /* beyond PLATFORM_MAX_CPUS */
    unsigned int nr_ioapics;
    struct platform_ioapic ioapics[PLATFORM_MAX_IOAPICS];
    struct platform_isa_irq isa_irqs[PLATFORM_ISA_IRQS];
    bool has_8259;              /* legacy PICs present (must be masked) */
};

/* Start from "no information": ISA IRQ n on GSI n, edge, active high. */
void platform_init(struct platform *p);

/* Record a CPU's APIC id (counts it in nr_cpus_dropped when full). */
void platform_add_cpu(struct platform *p, uint8_t apic_id);

/* Record an I/O APIC; returns 0, or ERROR_NOSPC (ignored) when the table is full. */
int platform_add_ioapic(struct platform *p, uint8_t id, uint32_t addr,
                        uint32_t gsi_base);

/*
 * Find the CPUs and I/O APICs: the ACPI MADT first, then MP tables.
 * `acpi=off` on the command line skips the MADT. Returns false (p says
 * "none") when neither exists; the caller then runs on one CPU with the
 * legacy PIC.
 */
bool platform_discover(struct platform *p);

/* Parsers, each returning true when it found a usable description. */
bool acpi_madt_parse(struct platform *p);
bool mptable_parse(struct platform *p);

/*
 * Find, in the physical range [start, start + len) of the first MiB, a
 * 16-byte aligned structure starting with sig (siglen bytes) that valid()
 * accepts (it checks the checksum). Returns it (direct-mapped) or NULL.
 */
const void *platform_scan(uint32_t start, uint32_t len, const char *sig,
                          unsigned int siglen, bool (*valid)(const void *));

/* Physical address of the EBDA (from the BIOS data area), or 0. */
uint32_t platform_ebda(void);

/* Sum of len bytes modulo 256 (firmware tables sum to 0). */
uint8_t platform_checksum(const void *p, uint32_t len);

#endif /* I386_PLATFORM_H */
