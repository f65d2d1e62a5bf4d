/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ACPI MADT parser: RSDP -> RSDT (or XSDT) -> "APIC" table. Only what SMP
 * and interrupt routing need is read: local APICs of enabled CPUs, I/O
 * APICs and ISA interrupt source overrides. Tables may lie anywhere below
 * 4 GiB (QEMU puts them at the top of low RAM, beyond the direct map with
 * 3 GiB), so they are reached through boot_map(). Every table's checksum
 * is verified; a bad table makes the parser report failure, so MP tables
 * get their chance.
 */
#include <stdbool.h>
#include <stdint.h>

#include <i386/boot_map.h>
#include <i386/platform.h>
#include <kern/printf.h>
#include <kern/string.h>

struct acpi_rsdp {
    char signature[8];
    uint8_t checksum;
    char oem_id[6];
    uint8_t revision;
    uint32_t rsdt_addr;
    uint32_t length;            /* revision >= 2 */
    uint64_t xsdt_addr;
    uint8_t ext_checksum;
    uint8_t reserved[3];
} __attribute__((packed));

struct acpi_header {
    char signature[4];
    uint32_t length;
    uint8_t revision;
    uint8_t checksum;
    char oem_id[6];
    char oem_table_id[8];
    uint32_t oem_revision;
    uint32_t creator_id;
    uint32_t creator_revision;
} __attribute__((packed));

struct acpi_madt {
    struct acpi_header header;
    uint32_t lapic_addr;
    uint32_t flags;
} __attribute__((packed));

#define ACPI_MADT_PCAT_COMPAT   0x1

#define ACPI_MADT_LAPIC         0
#define ACPI_MADT_IOAPIC        1
#define ACPI_MADT_OVERRIDE      2

#define ACPI_LAPIC_ENABLED      0x1

static bool
acpi_rsdp_valid(const void *p)
{
    const struct acpi_rsdp *rsdp = p;

    return platform_checksum(rsdp, 20) == 0;
}

static const struct acpi_rsdp *
acpi_rsdp_find(void)
{
    uint32_t ebda = platform_ebda();
    const struct acpi_rsdp *rsdp = NULL;

    if (ebda != 0) {
        rsdp = platform_scan(ebda, 1024, "RSD PTR ", 8, acpi_rsdp_valid);
    }
    if (rsdp == NULL) {
        rsdp = platform_scan(0xe0000, 0x20000, "RSD PTR ", 8, acpi_rsdp_valid);
    }
    return rsdp;
}

/* Map a whole table at pa and check it; NULL when unusable. */
static const struct acpi_header *
acpi_table_map(uint64_t pa)
{
    const struct acpi_header *h = boot_map(pa, sizeof(*h), 0);

    if (h == NULL || h->length < sizeof(*h)) {
        return NULL;
    }
    h = boot_map(pa, h->length, 0);
    if (h == NULL || platform_checksum(h, h->length) != 0) {
        return NULL;
    }
    return h;
}

static const struct acpi_madt *
acpi_madt_find(const struct acpi_rsdp *rsdp)
{
    const struct acpi_header *root;
    unsigned int entry_size;

    if (rsdp->revision >= 2 && rsdp->xsdt_addr != 0
        && platform_checksum(rsdp, rsdp->length) == 0) {
        root = acpi_table_map(rsdp->xsdt_addr);
        entry_size = 8;
    } else {
        root = acpi_table_map(rsdp->rsdt_addr);
        entry_size = 4;
    }
    if (root == NULL) {
        return NULL;
    }

    const uint8_t *entries = (const uint8_t *)(root + 1);
    unsigned int n = (root->length - sizeof(*root)) / entry_size;

    for (unsigned int i = 0; i < n; i++) {
        uint64_t pa = 0;

        memcpy(&pa, entries + i * entry_size, entry_size);

        const struct acpi_header *h = acpi_table_map(pa);

        if (h != NULL && memcmp(h->signature, "APIC", 4) == 0
            && h->length >= sizeof(struct acpi_madt)) {
            return (const struct acpi_madt *)h;
        }
    }
    return NULL;
}

bool
acpi_madt_parse(struct platform *p)
{
    const struct acpi_rsdp *rsdp = acpi_rsdp_find();
    const struct acpi_madt *madt;

    if (rsdp == NULL) {
        return false;
    }
    madt = acpi_madt_find(rsdp);
    if (madt == NULL) {
        printf("acpi: no usable MADT\n");
        return false;
    }

    p->lapic_addr = madt->lapic_addr;
    p->has_8259 = madt->flags & ACPI_MADT_PCAT_COMPAT;

    const uint8_t *e = (const uint8_t *)(madt + 1);
    const uint8_t *end = (const uint8_t *)madt + madt->header.length;

    while (e + 2 <= end && e[1] >= 2 && e + e[1] <= end) {
        switch (e[0]) {
        case ACPI_MADT_LAPIC:
            if (e[1] >= 8) {
                uint32_t flags;

                memcpy(&flags, e + 4, 4);
                if (flags & ACPI_LAPIC_ENABLED) {
                    platform_add_cpu(p, e[3]);
                }
            }
            break;
        case ACPI_MADT_IOAPIC:
            if (e[1] >= 12) {
                uint32_t addr, gsi_base;

                memcpy(&addr, e + 4, 4);
                memcpy(&gsi_base, e + 8, 4);
                if (platform_add_ioapic(p, e[2], addr, gsi_base) != 0) {
                    printf("acpi: I/O APIC %u ignored (at most %u)\n", e[2],
                           PLATFORM_MAX_IOAPICS);
                }
            }
            break;
        case ACPI_MADT_OVERRIDE:
            if (e[1] >= 10 && e[2] == 0 && e[3] < PLATFORM_ISA_IRQS) {
                uint32_t gsi;
                uint16_t flags;
                unsigned int f = 0;

                memcpy(&gsi, e + 4, 4);
                memcpy(&flags, e + 8, 2);
                if ((flags & 0x3) == 0x3) {
                    f |= PLATFORM_POLARITY_LOW;
                }
                if (((flags >> 2) & 0x3) == 0x3) {
                    f |= PLATFORM_TRIGGER_LEVEL;
                }
                p->isa_irqs[e[3]] = (struct platform_isa_irq){ gsi, f };
            }
            break;
        default:
            break;
        }
        e += e[1];
    }
    return p->nr_cpus > 0 && p->nr_ioapics > 0;
}
