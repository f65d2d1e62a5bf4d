/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel MultiProcessor Specification (1.4) table parser, used when there
 * is no ACPI MADT. The floating pointer lies in the EBDA, the last KiB of
 * base memory or the BIOS ROM; the configuration table it points to lists
 * processors, buses, I/O APICs and interrupt assignments. ISA IRQs are
 * taken from the I/O interrupt entries of buses typed "ISA". The "default
 * configurations" (no table, feature byte 1 set) are not supported: no
 * machine this kernel targets uses them, and the parser says so.
 */
#include <stdbool.h>
#include <stdint.h>

#include <i386/boot_map.h>
#include <i386/platform.h>
#include <kern/printf.h>
#include <kern/string.h>

struct mptable_fps {
    char signature[4];          /* "_MP_" */
    uint32_t config_addr;
    uint8_t length;             /* in 16-byte units */
    uint8_t spec_rev;
    uint8_t checksum;
    uint8_t features[5];
} __attribute__((packed));

struct mptable_config {
    char signature[4];          /* "PCMP" */
    uint16_t length;
    uint8_t spec_rev;
    uint8_t checksum;
    char oem_id[8];
    char product_id[12];
    uint32_t oem_table;
    uint16_t oem_table_size;
    uint16_t entry_count;
    uint32_t lapic_addr;
    uint16_t ext_length;
    uint8_t ext_checksum;
    uint8_t reserved;
} __attribute__((packed));

#define MPTABLE_PROCESSOR       0
#define MPTABLE_BUS             1
#define MPTABLE_IOAPIC          2
#define MPTABLE_IOINT           3
#define MPTABLE_LOCALINT        4

#define MPTABLE_CPU_ENABLED     0x1
#define MPTABLE_IOAPIC_ENABLED  0x1
#define MPTABLE_MAX_BUSES       256

static bool
mptable_fps_valid(const void *p)
{
    const struct mptable_fps *fps = p;

    return fps->length > 0 && platform_checksum(fps, fps->length * 16) == 0;
}

static const struct mptable_fps *
mptable_fps_find(void)
{
    uint32_t ebda = platform_ebda();
    const struct mptable_fps *fps = NULL;

    if (ebda != 0) {
        fps = platform_scan(ebda, 1024, "_MP_", 4, mptable_fps_valid);
    }
    if (fps == NULL) {
        fps = platform_scan(0x9fc00, 1024, "_MP_", 4, mptable_fps_valid);
    }
    if (fps == NULL) {
        fps = platform_scan(0xf0000, 0x10000, "_MP_", 4, mptable_fps_valid);
    }
    return fps;
}

/* Size of an entry of the given type, or 0 when the type is unknown. */
static unsigned int
mptable_entry_size(uint8_t type)
{
    return type == MPTABLE_PROCESSOR ? 20 : (type <= MPTABLE_LOCALINT ? 8 : 0);
}

bool
mptable_parse(struct platform *p)
{
    const struct mptable_fps *fps = mptable_fps_find();
    const struct mptable_config *cfg;
    bool isa_bus[MPTABLE_MAX_BUSES] = { false };

    if (fps == NULL) {
        return false;
    }
    if (fps->config_addr == 0) {
        printf("mptable: default configuration %u not supported\n",
               fps->features[0]);
        return false;
    }
    cfg = boot_map(fps->config_addr, sizeof(*cfg), 0);
    if (cfg == NULL || memcmp(cfg->signature, "PCMP", 4) != 0
        || cfg->length < sizeof(*cfg)) {
        return false;
    }
    cfg = boot_map(fps->config_addr, cfg->length, 0);
    if (cfg == NULL || platform_checksum(cfg, cfg->length) != 0) {
        printf("mptable: bad configuration table checksum\n");
        return false;
    }
    p->lapic_addr = cfg->lapic_addr;
    p->has_8259 = true;         /* MP systems keep the PICs for compatibility */

    /* Two passes: buses first, since interrupt entries refer to them. */
    for (int pass = 0; pass < 2; pass++) {
        const uint8_t *e = (const uint8_t *)(cfg + 1);
        const uint8_t *end = (const uint8_t *)cfg + cfg->length;

        for (unsigned int i = 0; i < cfg->entry_count; i++) {
            unsigned int size = mptable_entry_size(e[0]);

            if (size == 0 || e + size > end) {
                break;
            }
            if (pass == 0 && e[0] == MPTABLE_BUS) {
                isa_bus[e[1]] = memcmp(e + 2, "ISA", 3) == 0;
            } else if (pass == 1 && e[0] == MPTABLE_PROCESSOR) {
                if (e[3] & MPTABLE_CPU_ENABLED) {
                    platform_add_cpu(p, e[1]);
                }
            } else if (pass == 1 && e[0] == MPTABLE_IOAPIC) {
                uint32_t addr;

                memcpy(&addr, e + 4, 4);
                if ((e[3] & MPTABLE_IOAPIC_ENABLED)
                    && platform_add_ioapic(p, e[1], addr, 0) != 0) {
                    printf("mptable: I/O APIC %u ignored (at most %u)\n", e[1],
                           PLATFORM_MAX_IOAPICS);
                }
            } else if (pass == 1 && e[0] == MPTABLE_IOINT && e[1] == 0
                       && isa_bus[e[4]] && e[5] < PLATFORM_ISA_IRQS) {
                uint16_t flags;
                unsigned int f = 0;

                memcpy(&flags, e + 2, 2);
                if ((flags & 0x3) == 0x3) {
                    f |= PLATFORM_POLARITY_LOW;
                }
                if (((flags >> 2) & 0x3) == 0x3) {
                    f |= PLATFORM_TRIGGER_LEVEL;
                }
                /* GSI = pin of the first I/O APIC (one-APIC systems). */
                p->isa_irqs[e[5]] = (struct platform_isa_irq){ e[7], f };
            }
            e += size;
        }
    }
    return p->nr_cpus > 0 && p->nr_ioapics > 0;
}
