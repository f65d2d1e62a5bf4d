/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Identification of the boot CPU through cpuid, for the boot report.
 * Feature names follow the conventional lower-case spelling of the
 * leaf-1 EDX bits.
 */
#include <stdbool.h>
#include <stdint.h>

#include <i386/cpu.h>
#include <i386/cpu_info.h>
#include <kern/macros.h>
#include <kern/printf.h>
#include <kern/string.h>

static const char *const cpu_feature_names[32] = {
    "fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce",
    "cx8", "apic", NULL, "sep", "mtrr", "pge", "mca", "cmov",
    "pat", "pse36", "psn", "clfsh", NULL, "ds", "acpi", "mmx",
    "fxsr", "sse", "sse2", "ss", "htt", "tm", NULL, "pbe",
};

static uint32_t cpu_features_edx;

unsigned int
cpu_info_phys_bits(void)
{
    uint32_t max, a, b, c, d;

    cpu_cpuid(0x80000000, &max, &b, &c, &d);
    if (max >= 0x80000008) {
        cpu_cpuid(0x80000008, &a, &b, &c, &d);
        return a & 0xff;
    }
    cpu_cpuid(1, &a, &b, &c, &d);
    return (d & CPU_FEATURE_PSE36) ? 36 : 32;
}

bool
cpu_info_has_nx(void)
{
    uint32_t max, a, b, c, d;

    cpu_cpuid(0x80000000, &max, &b, &c, &d);
    if (max < 0x80000001 || max > 0x8000ffff) {
        return false;
    }
    cpu_cpuid(0x80000001, &a, &b, &c, &d);
    return (d & CPU_EXT_FEATURE_NX) != 0;
}

uint32_t
cpu_info_features(void)
{
    uint32_t max, a, b, c, d;

    cpu_cpuid(0, &max, &b, &c, &d);
    if (max < 1) {
        return 0;
    }
    cpu_cpuid(1, &a, &b, &c, &d);
    return d;
}

void
cpu_info_report(void)
{
    uint32_t a, b, c, d, max;
    char vendor[13], brand[49];

    cpu_cpuid(0, &max, &b, &c, &d);
    memcpy(vendor, &b, 4);
    memcpy(vendor + 4, &d, 4);
    memcpy(vendor + 8, &c, 4);
    vendor[12] = '\0';
    if (max >= 1) {
        cpu_cpuid(1, &a, &b, &c, &cpu_features_edx);
    } else {
        a = 0;
    }
    printf("cpu: %s family %u model %u stepping %u\n", vendor,
           (a >> 8) & 0xf, (a >> 4) & 0xf, a & 0xf);

    cpu_cpuid(0x80000000, &max, &b, &c, &d);
    if (max >= 0x80000004) {
        uint32_t *words = (uint32_t *)brand;

        for (unsigned int i = 0; i < 3; i++) {
            cpu_cpuid(0x80000002 + i, &words[i * 4], &words[i * 4 + 1],
                      &words[i * 4 + 2], &words[i * 4 + 3]);
        }
        brand[48] = '\0';
        printf("cpu: \"%s\"\n", brand);
    }

    printf("cpu: features");
    for (unsigned int i = 0; i < ARRAY_SIZE(cpu_feature_names); i++) {
        if ((cpu_features_edx & (1u << i)) && cpu_feature_names[i] != NULL) {
            printf(" %s", cpu_feature_names[i]);
        }
    }
    printf("\n");
}
