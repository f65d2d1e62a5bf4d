/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Boot CPU identification.
 */
#ifndef I386_CPU_INFO_H
#define I386_CPU_INFO_H

#include <stdint.h>

#define CPU_FEATURE_PSE         (1u << 3)
#define CPU_FEATURE_PAE         (1u << 6)

/* Print vendor, family/model/stepping, brand string and feature flags. */
void cpu_info_report(void);

/* cpuid leaf 1 EDX of the boot CPU; valid after cpu_info_report(). */
uint32_t cpu_info_features(void);

#endif /* I386_CPU_INFO_H */
