/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host test of kern/date.c: fixed dates (the epoch, leap days, century
 * and 400-year rules, the last second of 9999), every invalid field,
 * and 100000 random valid dates checked against the C library's timegm()
 * as the reference model; the clock slew (host_adjust_time's rules):
 * steps, truncation, the old value returned, and random adjustments run
 * tick by tick against a model that adds the steps up.
 */
#define _DEFAULT_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <kern/date.h>
#include "tests/unit/tap.h"

static int64_t
model(unsigned int year, unsigned int month, unsigned int day, unsigned int hour,
      unsigned int min, unsigned int sec)
{
    struct tm tm = {
        .tm_year = (int)year - 1900, .tm_mon = (int)month - 1, .tm_mday = (int)day,
        .tm_hour = (int)hour, .tm_min = (int)min, .tm_sec = (int)sec,
    };

    return (int64_t)timegm(&tm);
}

static void
test_fixed(void)
{
    TAP_CHECK(date_to_epoch(1970, 1, 1, 0, 0, 0) == 0);
    TAP_CHECK(date_to_epoch(1970, 1, 1, 0, 0, 1) == 1);
    TAP_CHECK(date_to_epoch(2000, 2, 29, 12, 0, 0) == 951825600);
    TAP_CHECK(date_to_epoch(2000, 3, 1, 0, 0, 0) == 951868800);
    TAP_CHECK(date_to_epoch(2038, 1, 19, 3, 14, 8) == 2147483648LL);
    TAP_CHECK(date_to_epoch(2026, 12, 4, 17, 43, 23) == model(2026, 12, 4, 17, 43, 23));
    TAP_CHECK(date_to_epoch(9999, 12, 31, 23, 59, 59) == model(9999, 12, 31, 23, 59, 59));
    /* Leap years: every 4, not every 100, every 400. */
    TAP_CHECK(date_to_epoch(2024, 2, 29, 0, 0, 0) > 0);
    TAP_CHECK(date_to_epoch(2100, 2, 29, 0, 0, 0) == -1);
    TAP_CHECK(date_to_epoch(2400, 2, 29, 0, 0, 0) == model(2400, 2, 29, 0, 0, 0));
    TAP_CHECK(date_to_epoch(2023, 2, 29, 0, 0, 0) == -1);
}

static void
test_invalid(void)
{
    TAP_CHECK(date_to_epoch(1969, 12, 31, 23, 59, 59) == -1);
    TAP_CHECK(date_to_epoch(10000, 1, 1, 0, 0, 0) == -1);
    TAP_CHECK(date_to_epoch(2020, 0, 1, 0, 0, 0) == -1);
    TAP_CHECK(date_to_epoch(2020, 13, 1, 0, 0, 0) == -1);
    TAP_CHECK(date_to_epoch(2020, 4, 0, 0, 0, 0) == -1);
    TAP_CHECK(date_to_epoch(2020, 4, 31, 0, 0, 0) == -1);
    TAP_CHECK(date_to_epoch(2020, 4, 30, 24, 0, 0) == -1);
    TAP_CHECK(date_to_epoch(2020, 4, 30, 23, 60, 0) == -1);
    TAP_CHECK(date_to_epoch(2020, 4, 30, 23, 59, 60) == -1);
}

static void
test_random(void)
{
    static const unsigned int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    unsigned int bad = 0;

    srandom(15);
    for (int i = 0; i < 100000; i++) {
        unsigned int year = 1970 + (unsigned int)random() % 8030;
        unsigned int month = 1 + (unsigned int)random() % 12;
        unsigned int day = 1 + (unsigned int)random() % mdays[month - 1];
        unsigned int hour = (unsigned int)random() % 24, min = (unsigned int)random() % 60;
        unsigned int sec = (unsigned int)random() % 60;
        bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        int64_t want = (month == 2 && day == 29 && !leap)
                       ? -1 : model(year, month, day, hour, min, sec);

        if (date_to_epoch(year, month, day, hour, min, sec) != want) {
            bad++;
        }
    }
    TAP_CHECK(bad == 0);
}

/* Ticks until the slew ends, and the microseconds the clock gained meanwhile. */
static int64_t
slew_run(struct date_slew *s, int64_t *gained)
{
    int64_t ticks = 0;

    *gained = 0;
    while (s->delta_us != 0 && ticks < 100000000) {
        *gained += date_slew_tick(s, 10000) - 10000;
        ticks++;
    }
    return ticks;
}

static void
test_slew(void)
{
    struct date_slew s = { 0, 0 };
    int64_t gained, old;

    /* Small: 5 us a tick, truncated to a multiple of 5. */
    TAP_CHECK(date_slew_set(&s, 1003) == 0);
    TAP_CHECK(s.step_us == 5 && s.delta_us == 1000);
    TAP_CHECK(date_slew_tick(&s, 10000) == 10005 && s.delta_us == 995);
    TAP_CHECK(slew_run(&s, &gained) == 199 && gained == 995);
    TAP_CHECK(date_slew_tick(&s, 10000) == 10000);
    /* Negative: slower, truncated toward zero. */
    TAP_CHECK(date_slew_set(&s, -1009) == 0 && s.delta_us == -1005);
    TAP_CHECK(date_slew_tick(&s, 10000) == 9995 && s.delta_us == -1000);
    /* A new value while one runs: the step stays, the old value comes back. */
    old = date_slew_set(&s, 3000001);
    TAP_CHECK(old == -1000 && s.step_us == 5 && s.delta_us == 3000000);
    TAP_CHECK(date_slew_set(&s, 0) == 3000000 && s.delta_us == 0);
    /* Big (over a second) from none: 50 us a tick. */
    TAP_CHECK(date_slew_set(&s, 2000049) == 0 && s.step_us == 50 && s.delta_us == 2000000);
    TAP_CHECK(slew_run(&s, &gained) == 40000 && gained == 2000000);
    TAP_CHECK(date_slew_set(&s, -1000001) == 0 && s.step_us == 50 && s.delta_us == -1000000);
    TAP_CHECK(slew_run(&s, &gained) == 20000 && gained == -1000000);
    /* Exactly one second is not big. */
    TAP_CHECK(date_slew_set(&s, 1000000) == 0 && s.step_us == 5);
    date_slew_set(&s, 0);
}

/* Random adjustments, replaced at random: the gain always equals what was slewed. */
static void
test_slew_random(void)
{
    struct date_slew s = { 0, 0 };
    int64_t set_total = 0, gained = 0;
    unsigned int bad = 0;

    srandom(2633);
    for (int i = 0; i < 2000; i++) {
        int64_t want = (int64_t)(random() % 4000001) - 2000000;
        int64_t left = date_slew_set(&s, want), ticks = random() % 3000;

        set_total -= left;                  /* what was not slewed in is dropped */
        set_total += s.delta_us;
        if (s.delta_us % s.step_us != 0 || (s.delta_us > 0) != (want >= s.step_us)) {
            bad++;
        }
        for (int64_t t = 0; t < ticks; t++) {
            gained += date_slew_tick(&s, 10000) - 10000;
        }
    }
    int64_t rest;

    slew_run(&s, &rest);
    TAP_CHECK(bad == 0);
    TAP_CHECK(gained + rest == set_total);
}

int
main(void)
{
    test_fixed();
    test_invalid();
    test_random();
    test_slew();
    test_slew_random();
    return tap_done();
}
