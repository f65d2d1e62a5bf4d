/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Time values of the Mach interface (GNU Mach's time_value_t on i386:
 * two 32-bit words).
 */
#ifndef MACH_TIME_VALUE_H
#define MACH_TIME_VALUE_H

#include "machine/vm_types.h"

typedef struct time_value {
    integer_t seconds;
    integer_t microseconds;             /* 0..999999 */
} time_value_t;

#define TIME_MICROS_MAX                 1000000

/* host_get_time64, host_get_uptime64: 64-bit seconds and nanoseconds. */
typedef struct time_value64 {
    long long seconds;
    long long nanoseconds;              /* 0..999999999 */
} time_value64_t;

#define TIME_NANOS_MAX                  1000000000

#endif /* MACH_TIME_VALUE_H */
