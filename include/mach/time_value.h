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

/* host_adjust_time64 with these nanoseconds only reports the adjustment left. */
#define MACH_ADJTIME_NSECS_OMIT         TIME_NANOS_MAX

/*
 * The page device "time" maps (device_map, then vm_map): the time of day
 * and the uptime, rewritten by the kernel at every clock tick. 60 bytes
 * on i386 (../shared/MACH-ABI.md §6.3). The kernel writes each group's
 * check word first, then the value, then its seconds; a reader takes
 * the seconds, then the rest, and retries while the seconds differ from
 * the check word:
 *
 *     do { s = t->seconds; us = t->microseconds; } while (s != t->check_seconds);
 */
typedef struct mapped_time_value {
    integer_t seconds;                  /* time of day, 32-bit seconds */
    integer_t microseconds;
    integer_t check_seconds;
    time_value64_t time_value;          /* time of day, seconds and nanoseconds */
    long long check_seconds64;
    time_value64_t uptime_value;        /* since boot */
    long long check_upseconds64;
} __attribute__((packed, aligned(4))) mapped_time_value_t;

#endif /* MACH_TIME_VALUE_H */
