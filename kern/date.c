/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Date arithmetic (see date.h).
 *
 * Days are counted from 0000-03-01 of the proleptic Gregorian calendar:
 * starting the year in March puts February, the only month of variable
 * length, at its end, so the day of the year follows from the month by
 * one linear formula ((153 * m + 2) / 5 gives the days before month m,
 * counted from March), and leap days are only the year's last day.
 * Whole 400-year cycles have 146097 days. The epoch is that count for
 * 1970-01-01.
 *
 * The slew (host_adjust_time) keeps GNU Mach's arithmetic, so that a
 * program sees the same old adjustments and the same rate: the step is
 * fixed when a slew starts from none, and every delta is truncated to a
 * multiple of it, so each tick takes exactly one step and the last one
 * ends at zero.
 */
#include <stdbool.h>
#include <stdint.h>

#include <kern/date.h>

#define DATE_DAYS_PER_ERA       146097      /* days in 400 years */
#define DATE_EPOCH_DAYS         719468      /* 0000-03-01 to 1970-01-01 */

static bool
date_is_leap(unsigned int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static unsigned int
date_month_days(unsigned int year, unsigned int month)
{
    static const unsigned char days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

    return month == 2 && date_is_leap(year) ? 29 : days[month - 1];
}

int64_t
date_to_epoch(unsigned int year, unsigned int month, unsigned int day,
              unsigned int hour, unsigned int min, unsigned int sec)
{
    unsigned int y, m, era, year_of_era, day_of_year;
    int64_t days;

    if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1
        || day > date_month_days(year, month) || hour > 23 || min > 59 || sec > 59) {
        return -1;
    }
    y = month <= 2 ? year - 1 : year;           /* the year began in March */
    m = month <= 2 ? month + 9 : month - 3;     /* 0 = March .. 11 = February */
    era = y / 400;
    year_of_era = y - era * 400;
    day_of_year = (153 * m + 2) / 5 + day - 1;
    days = (int64_t)era * DATE_DAYS_PER_ERA + year_of_era * 365 + year_of_era / 4
           - year_of_era / 100 + day_of_year;
    return (days - DATE_EPOCH_DAYS) * 86400 + hour * 3600 + min * 60 + sec;
}

int64_t
date_slew_set(struct date_slew *slew, int64_t new_us)
{
    int64_t old = slew->delta_us;

    if (old == 0) {
        slew->step_us = (new_us > DATE_SLEW_BIG_US || new_us < -DATE_SLEW_BIG_US)
                        ? 10 * DATE_SLEW_STEP_US : DATE_SLEW_STEP_US;
    }
    slew->delta_us = new_us / slew->step_us * slew->step_us;   /* C truncates toward 0 */
    return old;
}

int64_t
date_slew_tick(struct date_slew *slew, int64_t tick_us)
{
    if (slew->delta_us > 0) {
        slew->delta_us -= slew->step_us;
        return tick_us + slew->step_us;
    }
    if (slew->delta_us < 0) {
        slew->delta_us += slew->step_us;
        return tick_us - slew->step_us;
    }
    return tick_us;
}
