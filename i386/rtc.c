/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CMOS real-time clock (see rtc.h).
 *
 * The clock's registers are read through an index port (0x70) and a
 * data port (0x71). While the chip updates its registers once a second
 * (status A bit 7), a read may see a mix of the old and new time: the
 * read waits for the flag to clear, reads every field, and repeats
 * until two reads agree. Status B says whether the fields are BCD (bit
 * 2 clear) and whether hours are 12-hour (bit 1 clear, the PM flag in
 * bit 7 of the hour). The century register (0x32) is the one QEMU and
 * most PC firmware keep; a value that is not a plausible century falls
 * back to 19xx/20xx by the two-digit year. The clock is assumed to hold
 * UTC (QEMU's default, GNU Mach's assumption too).
 */
#include <stdbool.h>
#include <stdint.h>

#include <i386/cpu.h>
#include <i386/rtc.h>
#include <kern/date.h>
#include <kern/spinlock.h>

#define RTC_INDEX               0x70
#define RTC_DATA                0x71
#define RTC_NMI_DISABLE         0x80        /* keep NMIs masked while indexing */

#define RTC_SEC                 0x00
#define RTC_MIN                 0x02
#define RTC_HOUR                0x04
#define RTC_DAY                 0x07
#define RTC_MONTH               0x08
#define RTC_YEAR                0x09
#define RTC_STATUS_A            0x0a
#define RTC_STATUS_B            0x0b
#define RTC_STATUS_D            0x0d
#define RTC_CENTURY             0x32

#define RTC_A_UPDATE            0x80
#define RTC_B_24H               0x02
#define RTC_B_BINARY            0x04
#define RTC_HOUR_PM             0x80

#define RTC_UPDATE_SPINS        100000
#define RTC_READ_TRIES          5

struct rtc_fields {
    uint8_t sec, min, hour, day, month, year, century;
};

static struct spinlock rtc_lock = SPINLOCK_INITIALIZER;

static uint8_t
rtc_reg(uint8_t reg)
{
    outb(RTC_INDEX, RTC_NMI_DISABLE | reg);
    return inb(RTC_DATA);
}

static void
rtc_fields_read(struct rtc_fields *f)
{
    for (unsigned int i = 0; i < RTC_UPDATE_SPINS && (rtc_reg(RTC_STATUS_A) & RTC_A_UPDATE); i++) {
        cpu_pause();
    }
    f->sec = rtc_reg(RTC_SEC);
    f->min = rtc_reg(RTC_MIN);
    f->hour = rtc_reg(RTC_HOUR);
    f->day = rtc_reg(RTC_DAY);
    f->month = rtc_reg(RTC_MONTH);
    f->year = rtc_reg(RTC_YEAR);
    f->century = rtc_reg(RTC_CENTURY);
}

static bool
rtc_fields_equal(const struct rtc_fields *a, const struct rtc_fields *b)
{
    return a->sec == b->sec && a->min == b->min && a->hour == b->hour && a->day == b->day
           && a->month == b->month && a->year == b->year && a->century == b->century;
}

static unsigned int
rtc_bcd(uint8_t v)
{
    return (v >> 4) * 10 + (v & 0xf);
}

int64_t
rtc_read(void)
{
    struct rtc_fields f, again;
    unsigned int hour, year, century;
    uint8_t status_b;
    bool pm;

    spinlock_lock(&rtc_lock);
    rtc_fields_read(&f);
    for (unsigned int i = 0; i < RTC_READ_TRIES; i++) {
        rtc_fields_read(&again);
        if (rtc_fields_equal(&f, &again)) {
            break;
        }
        f = again;
    }
    status_b = rtc_reg(RTC_STATUS_B);
    outb(RTC_INDEX, RTC_STATUS_D);          /* leave NMIs enabled, a harmless index */
    spinlock_unlock(&rtc_lock);

    pm = !(status_b & RTC_B_24H) && (f.hour & RTC_HOUR_PM);
    f.hour &= ~RTC_HOUR_PM;
    if (!(status_b & RTC_B_BINARY)) {
        f.sec = rtc_bcd(f.sec);
        f.min = rtc_bcd(f.min);
        f.hour = rtc_bcd(f.hour);
        f.day = rtc_bcd(f.day);
        f.month = rtc_bcd(f.month);
        f.year = rtc_bcd(f.year);
        f.century = rtc_bcd(f.century);
    }
    hour = f.hour;
    if (!(status_b & RTC_B_24H)) {
        hour = (hour % 12) + (pm ? 12 : 0);     /* 12 AM is 0, 12 PM is 12 */
    }
    century = (f.century >= 19 && f.century <= 99) ? f.century : (f.year < 70 ? 20 : 19);
    year = century * 100 + f.year;
    return date_to_epoch(year, f.month, f.day, hour, f.min, f.sec);
}
