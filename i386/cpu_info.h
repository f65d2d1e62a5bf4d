/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Boot CPU identification.
 */
#ifndef I386_CPU_INFO_H
#define I386_CPU_INFO_H

#include <stdbool.h>
#include <stdint.h>

#define CPU_FEATURE_PSE         (1u << 3)
#define CPU_FEATURE_PAE         (1u << 6)
#define CPU_FEATURE_PSE36       (1u << 17)

#define CPU_EXT_FEATURE_NX      (1u << 20)  /* cpuid 0x80000001 EDX */

/* Print vendor, family/model/stepping, brand string and feature flags. */
void cpu_info_report(void);

/*
 * Physical address width (MAXPHYADDR): cpuid 0x80000008 when the CPU has
 * it, else 36 with PSE-36 and 32 without (what QEMU's models implement;
 * a PTE above the width is a reserved-bit fault).
 */
unsigned int cpu_info_phys_bits(void);

/*
 * True when the CPU has the execute-disable bit (cpuid 0x80000001 EDX
 * bit 20, "nx"); asks cpuid, so it is valid at any time.
 */
bool cpu_info_has_nx(void);

/* cpuid leaf 1 EDX of the calling CPU (0 without leaf 1); any time after boot. */
uint32_t cpu_info_features(void);

#endif /* I386_CPU_INFO_H */
