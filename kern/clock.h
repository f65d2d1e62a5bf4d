/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The system clock tick: CLOCK_HZ interrupts per second on CPU 0, from the
 * PIT at boot and from CPU 0's local APIC timer once SMP is set up; and
 * the time of day it carries on.
 *
 * The time of day is an offset from the uptime (the tick count): set
 * from the machine's clock at the first read (kern/host_calls.c), set
 * again by host_set_time, and slewed by host_adjust_time, a step a tick
 * (GNU Mach's rules, kern/date.h). Every reader (host_get_time, the
 * mapped "time" page) adds the same offset to the same uptime.
 */
#ifndef KERN_CLOCK_H
#define KERN_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include <include/mach/time_value.h>

#define CLOCK_HZ                100
#define CLOCK_NS_PER_SEC        1000000000LL
#define CLOCK_NS_PER_TICK       (CLOCK_NS_PER_SEC / CLOCK_HZ)

/* ns as seconds and nanoseconds 0..999999999 (the seconds negative before the epoch). */
static inline void
clock_ns_split(int64_t ns, time_value64_t *tv)
{
    int64_t rem = ns % CLOCK_NS_PER_SEC;

    tv->seconds = ns / CLOCK_NS_PER_SEC - (rem < 0 ? 1 : 0);
    tv->nanoseconds = rem < 0 ? rem + CLOCK_NS_PER_SEC : rem;
}

/* Count one tick. Called by the tick source's interrupt handler only. */
void clock_tick(void);

/* Ticks since boot. Lock-free; never returns a torn value. */
uint64_t clock_ticks(void);

/*
 * The time of day at tick ticks, nanoseconds since the epoch, in *ns;
 * false (nothing stored) while it was never set. Any context (takes an
 * interrupt-safe spinlock).
 */
bool clock_tod_read(uint64_t ticks, int64_t *ns);

/*
 * Make the time of day ns now (nanoseconds since the epoch); with
 * if_unset only when it was never set (the first read of the machine's
 * clock). Any context.
 */
void clock_tod_set(int64_t ns, bool if_unset);

/*
 * Slew the time of day by new_us microseconds from now on (with change;
 * without, only report), a step a tick (kern/date.h's rules). Returns
 * the adjustment that was left. Any context.
 */
int64_t clock_tod_adjust(int64_t new_us, bool change);

#endif /* KERN_CLOCK_H */
