/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Calendar dates to seconds since the Unix epoch (1970-01-01 00:00:00
 * UTC), for the time of day the machine's clock chip gives as a date.
 */
#ifndef KERN_DATE_H
#define KERN_DATE_H

#include <stdint.h>

/*
 * Seconds since the epoch of the given UTC date (proleptic Gregorian
 * calendar, no leap seconds): year 1970..9999, month 1..12, day 1..the
 * month's length, hour 0..23, min and sec 0..59. Returns -1 for a date
 * outside those ranges. Pure; any context.
 */
int64_t date_to_epoch(unsigned int year, unsigned int month, unsigned int day,
                      unsigned int hour, unsigned int min, unsigned int sec);

/*
 * A gradual clock adjustment (host_adjust_time), with GNU Mach's rules:
 * the time of day runs fast or slow by step microseconds a tick until
 * delta microseconds have been slewed in. step is DATE_SLEW_STEP_US, or
 * ten times that when the adjustment is set over DATE_SLEW_BIG_US away
 * from none; it is chosen only when no adjustment is under way, and the
 * delta is truncated toward zero to a multiple of it, so the slew ends
 * exactly at zero. Callers serialize access (kern/clock.c's lock).
 */
#define DATE_SLEW_STEP_US       5           /* GNU Mach's tickadj: 500 / HZ at 100 Hz */
#define DATE_SLEW_BIG_US        1000000     /* bigadj */

struct date_slew {
    int64_t delta_us;                       /* still to slew in; < 0: slow down */
    int64_t step_us;                        /* per tick, > 0 once one was set */
};

/*
 * A new adjustment of new_us microseconds replaces what is left; returns
 * what was left (the old adjustment). Pure.
 */
int64_t date_slew_set(struct date_slew *slew, int64_t new_us);

/*
 * One tick of tick_us microseconds (> step): returns how far the time of
 * day moves, tick_us plus or minus a step while an adjustment is left,
 * and takes the step from it. Pure.
 */
int64_t date_slew_tick(struct date_slew *slew, int64_t tick_us);

#endif /* KERN_DATE_H */
