/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PC's real-time clock (the MC146818-compatible CMOS clock): the
 * time of day, read as a UTC date.
 */
#ifndef I386_RTC_H
#define I386_RTC_H

#include <stdint.h>

/*
 * Read the clock: seconds since the Unix epoch, or -1 when it gives no
 * valid date (no clock, or a date before 1970). Waits out an update in
 * progress (at most about 2 ms) and reads until two reads agree. Takes
 * a spinlock (the CMOS index register is shared); any thread context.
 */
int64_t rtc_read(void);

#endif /* I386_RTC_H */
