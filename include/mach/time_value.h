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

#endif /* MACH_TIME_VALUE_H */
