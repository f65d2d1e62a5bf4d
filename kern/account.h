/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CPU time accounting: each thread's user and system time, sampled by
 * the clock tick as GNU Mach does (STAT_TIME), its recent CPU usage and
 * when it last ran; conversions to the Mach interface's time values.
 *
 * The tick charges the thread it interrupted: one tick of user time when
 * the interrupted code was in user mode, of system time otherwise. The
 * system-call and trap paths are not touched at all: the accounting
 * costs a few instructions per tick per CPU, and nothing per kernel
 * entry. The price is resolution: a time is a count of 1/CLOCK_HZ
 * second ticks, and a thread that always runs between ticks is never
 * charged (the same sampling error GNU Mach has).
 */
#ifndef KERN_ACCOUNT_H
#define KERN_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include <include/mach/time_value.h>
#include <kern/clock.h>

#define ACCOUNT_US_PER_TICK     (1000000 / CLOCK_HZ)

/*
 * A thread's times. Written only by the CPU running the thread (its
 * tick) and at creation; read lock-free by anyone (32-bit words: no
 * torn reads; a reader sees a snapshot up to one tick old).
 */
struct account_thread {
    unsigned int user_ticks;
    unsigned int system_ticks;
    unsigned int usage_us;      /* recent run time, aged by 5/8 each second */
    unsigned int usage_sec;     /* the clock second usage_us was last aged at */
    unsigned int ran_tick;      /* low word of the tick it was last charged at (or created) */
    uint64_t created_tick;      /* clock_ticks() at creation */
};

/* Start the account of a new thread (or task: created_tick only). Any context. */
void account_init(struct account_thread *a);

/*
 * Charge one tick to the thread running on this CPU: user time if the
 * interrupted code ran in user mode, else system time. Clock interrupt
 * of that CPU only.
 */
void account_tick(struct account_thread *a, bool user);

/* Times charged so far, in ticks. Lock-free snapshot. */
void account_ticks(const struct account_thread *a, uint64_t *user, uint64_t *system);

/*
 * GNU Mach's cpu_usage of thread_basic_info: the recent run time in
 * microseconds, aged by 5/8 each second, divided by 1000 and corrected
 * by 3/5 for the ageing (a thread that always runs reads about
 * TH_USAGE_SCALE, 1000, just after an ageing). Lock-free.
 */
int account_cpu_usage(const struct account_thread *a);

/* Whole seconds since the thread last ran (was charged a tick, or was created). Lock-free. */
int account_sleep_seconds(const struct account_thread *a);

/* Ticks as a time_value_t (seconds, microseconds) and as a time_value64_t. */
void account_ticks_to_time_value(uint64_t ticks, time_value_t *tv);
void account_ticks_to_time_value64(uint64_t ticks, time_value64_t *tv);

/*
 * The time of day at which clock tick `tick` happened, given the time of
 * day now: GNU Mach's creation_time. Any context.
 */
void account_tick_to_time_of_day(uint64_t tick, const time_value64_t *now, time_value64_t *tv);

/*
 * The load figures of host_info LOAD, as GNU Mach computes them once a
 * second: nthreads running or ready on ncpus (online) CPUs gives a load
 * of nthreads * 1000 and a Mach factor (the share of a CPU a new thread
 * would get, in thousandths per CPU), each averaged with GNU Mach's
 * weights over about 5 s, 30 s and 1 min. Sampled by CPU 0's clock
 * interrupt only.
 */
void account_load_sample(unsigned int nthreads, unsigned int ncpus);

/* The three averages of each, scaled by 1000 (LOAD_SCALE). Lock-free. */
void account_load_get(integer_t avenrun[3], integer_t mach_factor[3]);

#endif /* KERN_ACCOUNT_H */
