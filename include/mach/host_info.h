/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * host_info flavors (mach_host.defs 2638) and the other host data types,
 * with GNU Mach's numbers and layouts; counts are in 32-bit words.
 */
#ifndef MACH_HOST_INFO_H
#define MACH_HOST_INFO_H

#include "machine/vm_types.h"

typedef integer_t *host_info_t;
#define HOST_INFO_MAX                   1024

#define KERNEL_VERSION_MAX              512
typedef char kernel_version_t[KERNEL_VERSION_MAX];
#define KERNEL_BOOT_INFO_MAX            4096
typedef char kernel_boot_info_t[KERNEL_BOOT_INFO_MAX];

#define HOST_BASIC_INFO                 1
#define HOST_PROCESSOR_SLOTS            2
#define HOST_SCHED_INFO                 3
#define HOST_LOAD_INFO                  4

typedef integer_t cpu_type_t;
typedef integer_t cpu_subtype_t;

#define CPU_TYPE_I386                   7
#define CPU_TYPE_I486                   17
#define CPU_TYPE_PENTIUM                18
#define CPU_TYPE_PENTIUMPRO             19
#define CPU_SUBTYPE_AT386               1

struct host_basic_info {
    integer_t max_cpus;
    integer_t avail_cpus;
    natural_t memory_size;              /* bytes */
    cpu_type_t cpu_type;
    cpu_subtype_t cpu_subtype;
};
#define HOST_BASIC_INFO_COUNT           5

struct host_sched_info {
    integer_t min_timeout;              /* milliseconds */
    integer_t min_quantum;              /* milliseconds */
};
#define HOST_SCHED_INFO_COUNT           2

#define LOAD_SCALE                      1000
struct host_load_info {
    integer_t avenrun[3];               /* scaled by LOAD_SCALE */
    integer_t mach_factor[3];
};
#define HOST_LOAD_INFO_COUNT            6

#endif /* MACH_HOST_INFO_H */
