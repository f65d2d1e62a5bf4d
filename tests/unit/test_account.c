/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host test of kern/account.c. The clock is the test's: clock_ticks()
 * returns `ticks`, which the test moves. Checked: user and system ticks
 * against a count of random charges; the time_value conversions against
 * plain arithmetic; cpu_usage against a floating-point model of GNU
 * Mach's ageing (5/8 each second, 3/5 correction) for threads busy a
 * random share of each second; sleep seconds; creation times of day.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <kern/account.h>
#include "tests/unit/tap.h"

static uint64_t ticks;

uint64_t
clock_ticks(void)
{
    return ticks;
}

static void
test_counts(void)
{
    struct account_thread a;
    uint64_t user = 0, system = 0, u, s;

    ticks = 12345;
    account_init(&a);
    account_ticks(&a, &u, &s);
    tap_check(u == 0 && s == 0 && a.created_tick == 12345, "a new account is empty");
    for (int i = 0; i < 100000; i++) {
        bool is_user = rand() % 3 != 0;

        ticks += 1 + rand() % 3;
        account_tick(&a, is_user);
        user += is_user;
        system += !is_user;
    }
    account_ticks(&a, &u, &s);
    tap_check(u == user && s == system, "user %llu and system %llu ticks counted",
              (unsigned long long)u, (unsigned long long)s);
}

static void
test_conversions(void)
{
    bool ok = true;

    for (int i = 0; i < 100000 && ok; i++) {
        uint64_t t = (uint64_t)rand() * (uint64_t)(rand() % 100);  /* seconds fit 31 bits */
        time_value_t tv;
        time_value64_t tv64;

        account_ticks_to_time_value(t, &tv);
        account_ticks_to_time_value64(t, &tv64);
        ok = (uint64_t)tv.seconds == t / CLOCK_HZ && tv.microseconds >= 0
             && tv.microseconds < 1000000
             && (uint64_t)tv.seconds * 1000000 + (uint64_t)tv.microseconds
                == t * ACCOUNT_US_PER_TICK
             && tv64.seconds == tv.seconds && tv64.nanoseconds == tv.microseconds * 1000LL;
    }
    tap_check(ok, "ticks as time_value_t and time_value64_t");
}

/* Busy `share` percent of each second for `seconds`; the model ages as GNU Mach does. */
static void
test_usage(int share, int seconds)
{
    struct account_thread a;
    double model = 0.0;
    int got, want;

    ticks = 1000 * CLOCK_HZ;
    account_init(&a);
    for (int s = 0; s < seconds; s++) {
        for (int t = 0; t < CLOCK_HZ; t++) {
            ticks++;
            if (ticks % CLOCK_HZ == 0) {
                model *= 5.0 / 8.0;         /* a new second: age first */
            }
            if (t < share * CLOCK_HZ / 100) {
                account_tick(&a, true);
                model += ACCOUNT_US_PER_TICK;
            }
        }
    }
    got = account_cpu_usage(&a);
    want = (int)(model / 1000.0 * 3.0 / 5.0);
    tap_check(got >= want - want / 50 - 2 && got <= want + want / 50 + 2,
              "busy %d%% for %d s: cpu_usage %d, model %d", share, seconds, got, want);
}

static void
test_usage_decay(void)
{
    struct account_thread a;
    int busy, later, gone;

    ticks = 500 * CLOCK_HZ;
    account_init(&a);
    for (int t = 0; t < 10 * CLOCK_HZ; t++) {
        ticks++;
        account_tick(&a, false);
    }
    busy = account_cpu_usage(&a);
    ticks += 2 * CLOCK_HZ;
    later = account_cpu_usage(&a);
    ticks += 60 * CLOCK_HZ;
    gone = account_cpu_usage(&a);
    tap_check(busy >= 900 && busy <= 1700, "always running: cpu_usage %d (about 1000)", busy);
    tap_check(later < busy && later >= busy * 25 / 64 - 2 && later <= busy * 25 / 64 + 2,
              "two idle seconds: %d, 25/64 of it", later);
    tap_check(gone == 0, "a minute idle: 0 (%d)", gone);
    tap_check(account_sleep_seconds(&a) == 62, "asleep 62 s (%d)", account_sleep_seconds(&a));
}

static void
test_time_of_day(void)
{
    time_value64_t now = { .seconds = 1000, .nanoseconds = 500000000 }, tv;

    ticks = 1000;
    account_tick_to_time_of_day(850, &now, &tv);
    tap_check(tv.seconds == 999 && tv.nanoseconds == 0, "150 ticks ago: 999.0 s (%lld.%09lld)",
              tv.seconds, tv.nanoseconds);
    account_tick_to_time_of_day(1000, &now, &tv);
    tap_check(tv.seconds == 1000 && tv.nanoseconds == 500000000, "now: now");
    now.seconds = 0;
    account_tick_to_time_of_day(0, &now, &tv);
    tap_check(tv.seconds == 0 && tv.nanoseconds == 0, "before the epoch: 0");
}

/* The load averages against the same recurrence in floating point. */
static void
test_load(void)
{
    double avg[3] = { 0 }, mf[3] = { 0 };
    static const double fract[3] = { 0.8, 0.966, 0.983 };
    integer_t a[3], m[3];
    bool ok = true;

    for (int s = 0; s < 300; s++) {
        unsigned int n = (unsigned int)(s / 50), cpus = 2;   /* 0..5 threads on 2 CPUs */
        double f = n > cpus ? cpus * 1000.0 / (n + 1) : (cpus - n) * 1000.0;

        account_load_sample(n, cpus);
        account_load_get(a, m);
        for (int i = 0; i < 3; i++) {
            avg[i] = avg[i] * fract[i] + n * 1000.0 * (1 - fract[i]);
            mf[i] = mf[i] * fract[i] + f * (1 - fract[i]);
            ok = ok && a[i] <= avg[i] + 1 && a[i] >= avg[i] - 60
                 && m[i] <= mf[i] + 1 && m[i] >= mf[i] - 60;
        }
    }
    account_load_get(a, m);
    tap_check(ok, "load and Mach factor follow the model (5 threads on 2 CPUs: %d, %d)", a[0], m[0]);
    tap_check(a[0] > 4900 && a[0] <= 5000 && m[0] >= 333 && m[0] < 400,
              "5 s average settles: load %d (5000), factor %d (333)", a[0], m[0]);
}

int
main(void)
{
    srand(15);
    test_counts();
    test_conversions();
    test_usage(100, 10);
    test_usage(50, 10);
    test_usage(10, 30);
    test_usage(100, 1);
    test_usage_decay();
    test_time_of_day();
    test_load();
    return tap_done();
}
