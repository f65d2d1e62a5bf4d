/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared helpers of the firmware table parsers. The BIOS areas scanned for
 * the ACPI RSDP and the MP floating pointer (the EBDA, the top of base
 * memory, 0xE0000-0xFFFFF) all lie in the first MiB, inside the direct map.
 */
#include <stdbool.h>
#include <stdint.h>

#include <i386/param.h>
#include <i386/platform.h>
#include <kern/cmdline.h>
#include <kern/error.h>
#include <kern/string.h>

void
platform_init(struct platform *p)
{
    memset(p, 0, sizeof(*p));
    p->source = "none";
    for (unsigned int i = 0; i < PLATFORM_ISA_IRQS; i++) {
        p->isa_irqs[i].gsi = i;
    }
}

void
platform_add_cpu(struct platform *p, uint8_t apic_id)
{
    if (p->nr_cpus == PLATFORM_MAX_CPUS) {
        p->nr_cpus_dropped++;
        return;
    }
    p->cpu_apic_ids[p->nr_cpus++] = apic_id;
}

int
platform_add_ioapic(struct platform *p, uint8_t id, uint32_t addr, uint32_t gsi_base)
{
    if (p->nr_ioapics == PLATFORM_MAX_IOAPICS) {
        return ERROR_NOSPC;
    }
    p->ioapics[p->nr_ioapics++] = (struct platform_ioapic){ id, addr, gsi_base };
    return 0;
}

uint8_t
platform_checksum(const void *p, uint32_t len)
{
    const uint8_t *b = p;
    uint8_t sum = 0;

    for (uint32_t i = 0; i < len; i++) {
        sum += b[i];
    }
    return sum;
}

const void *
platform_scan(uint32_t start, uint32_t len, const char *sig, unsigned int siglen,
              bool (*valid)(const void *))
{
    for (uint32_t pa = start; pa + 16 <= start + len; pa += 16) {
        const uint8_t *p = phystokv(pa);

        if (memcmp(p, sig, siglen) == 0 && valid(p)) {
            return p;
        }
    }
    return NULL;
}

uint32_t
platform_ebda(void)
{
    uint32_t ebda = (uint32_t)*(const uint16_t *)phystokv(0x40e) << 4;

    /* Sane values lie in the top of base memory, below 640 KiB. */
    return (ebda >= 0x80000 && ebda < 0xa0000) ? ebda : 0;
}

bool
platform_discover(struct platform *p)
{
    const char *acpi = cmdline_get("acpi");

    platform_init(p);
    if ((acpi == NULL || strcmp(acpi, "off") != 0) && acpi_madt_parse(p)) {
        p->source = "ACPI MADT";
        return true;
    }
    platform_init(p);
    if (mptable_parse(p)) {
        p->source = "MP table";
        return true;
    }
    platform_init(p);
    return false;
}
