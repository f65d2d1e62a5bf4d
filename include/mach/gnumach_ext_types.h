/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * C types of the project's .defs for GNU Mach routines newer than the
 * packaged 1.8 headers (gnumach_ext.defs, mach_host_ext.defs), for user
 * programs built against those headers: the types as GNU Mach declares
 * them since. The kernel's stubs take them from <kern/mig_kernel.h>.
 */
#ifndef MACH_GNUMACH_EXT_TYPES_H
#define MACH_GNUMACH_EXT_TYPES_H

#include <stdint.h>

/* vm_pages_phys's reply (rpc_phys_addr_t is in the 1.8 headers). */
typedef rpc_phys_addr_t *rpc_phys_addr_array_t;

/* host_get_time64 and host_get_uptime64 (GNU Mach's time_value.h). */
typedef struct time_value64 {
    int64_t seconds;
    int64_t nanoseconds;
} time_value64_t;

#endif /* MACH_GNUMACH_EXT_TYPES_H */
