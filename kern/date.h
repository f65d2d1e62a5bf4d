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

#endif /* KERN_DATE_H */
