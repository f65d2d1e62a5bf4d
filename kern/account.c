/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CPU time accounting (see account.h).
 *
 * Why ticks and not the TSC: reading the TSC at every kernel entry and
 * exit costs two rdtsc (some 20-40 cycles each on current CPUs) and a
 * dozen instructions of bookkeeping on every system call, trap and
 * interrupt, the paths the null-RPC benchmark measures; sampling at the
 * clock tick costs about twenty instructions a tick (100 a second per
 * CPU) and nothing on those paths. GNU Mach samples too (STAT_TIME), so
 * its programs expect times of tick resolution.
 *
 * Only the CPU running a thread writes its account (its clock
 * interrupt), so the counters need no lock; readers on other CPUs read
 * 32-bit words, which cannot tear.
 */
#include <stdbool.h>
#include <stdint.h>

#include <include/mach/time_value.h>
#include <kern/account.h>
#include <kern/clock.h>
#include <kern/panic.h>

/* Ageing empties any count after this many seconds: (5/8)^48 of 2^32 is below 1. */
#define ACCOUNT_AGE_MAX_SECONDS 48

/* usage aged by 5/8 for each second from `from` to `to`. */
static unsigned int
account_usage_aged(unsigned int usage, unsigned int from, unsigned int to)
{
    unsigned int n = to - from;

    if (n >= ACCOUNT_AGE_MAX_SECONDS) {
        return 0;
    }
    while (n-- > 0 && usage != 0) {
        usage -= (usage >> 2) + (usage >> 3);     /* about usage * 5/8 */
    }
    return usage;
}

void
account_init(struct account_thread *a)
{
    uint64_t now = clock_ticks();

    a->user_ticks = 0;
    a->system_ticks = 0;
    a->usage_us = 0;
    a->usage_sec = (unsigned int)(now / CLOCK_HZ);
    a->ran_tick = (unsigned int)now;
    a->created_tick = now;
}

void
account_tick(struct account_thread *a, bool user)
{
    uint64_t now = clock_ticks();
    unsigned int sec = (unsigned int)(now / CLOCK_HZ);

    if (user) {
        __atomic_store_n(&a->user_ticks, a->user_ticks + 1, __ATOMIC_RELAXED);
    } else {
        __atomic_store_n(&a->system_ticks, a->system_ticks + 1, __ATOMIC_RELAXED);
    }
    if (sec != a->usage_sec) {
        __atomic_store_n(&a->usage_us, account_usage_aged(a->usage_us, a->usage_sec, sec),
                         __ATOMIC_RELAXED);
        __atomic_store_n(&a->usage_sec, sec, __ATOMIC_RELAXED);
    }
    __atomic_store_n(&a->usage_us, a->usage_us + ACCOUNT_US_PER_TICK, __ATOMIC_RELAXED);
    __atomic_store_n(&a->ran_tick, (unsigned int)now, __ATOMIC_RELAXED);
}

void
account_ticks(const struct account_thread *a, uint64_t *user, uint64_t *system)
{
    *user = __atomic_load_n(&a->user_ticks, __ATOMIC_RELAXED);
    *system = __atomic_load_n(&a->system_ticks, __ATOMIC_RELAXED);
}

int
account_cpu_usage(const struct account_thread *a)
{
    unsigned int sec = (unsigned int)(clock_ticks() / CLOCK_HZ);
    unsigned int usage = __atomic_load_n(&a->usage_us, __ATOMIC_RELAXED);
    unsigned int from = __atomic_load_n(&a->usage_sec, __ATOMIC_RELAXED);

    /* A racing tick may have aged past our second: never age backwards. */
    if ((int)(sec - from) > 0) {
        usage = account_usage_aged(usage, from, sec);
    }
    return (int)(usage / 1000 * 3 / 5);
}

int
account_sleep_seconds(const struct account_thread *a)
{
    unsigned int now = (unsigned int)clock_ticks();
    unsigned int ran = __atomic_load_n(&a->ran_tick, __ATOMIC_RELAXED);

    return (int)((now - ran) / CLOCK_HZ);
}

void
account_ticks_to_time_value(uint64_t ticks, time_value_t *tv)
{
    tv->seconds = (integer_t)(ticks / CLOCK_HZ);
    tv->microseconds = (integer_t)(ticks % CLOCK_HZ * ACCOUNT_US_PER_TICK);
}

void
account_ticks_to_time_value64(uint64_t ticks, time_value64_t *tv)
{
    tv->seconds = (long long)(ticks / CLOCK_HZ);
    tv->nanoseconds = (long long)(ticks % CLOCK_HZ * ACCOUNT_US_PER_TICK * 1000);
}

void
account_tick_to_time_of_day(uint64_t tick, const time_value64_t *now, time_value64_t *tv)
{
    uint64_t ago = clock_ticks() - tick;
    int64_t ns = now->seconds * 1000000000LL + now->nanoseconds
                 - (int64_t)(ago * (1000000000ULL / CLOCK_HZ));

    if (ns < 0) {
        ns = 0;
    }
    tv->seconds = ns / 1000000000LL;
    tv->nanoseconds = ns % 1000000000LL;
}

/* GNU Mach's weights of the old value, in thousandths: 5 s, 30 s and 1 min averages. */
static const unsigned int account_load_fract[3] = { 800, 966, 983 };
static unsigned int account_avenrun[3];
static unsigned int account_mach_factor[3];

#define ACCOUNT_LOAD_SCALE      1000

void
account_load_sample(unsigned int nthreads, unsigned int ncpus)
{
    unsigned int factor, load = nthreads * ACCOUNT_LOAD_SCALE;

    assert(ncpus > 0);
    if (nthreads > ncpus) {
        factor = ncpus * ACCOUNT_LOAD_SCALE / (nthreads + 1);
    } else {
        factor = (ncpus - nthreads) * ACCOUNT_LOAD_SCALE;
    }
    for (int i = 0; i < 3; i++) {
        unsigned int f = account_load_fract[i];

        __atomic_store_n(&account_avenrun[i],
                         (account_avenrun[i] * f + load * (ACCOUNT_LOAD_SCALE - f))
                         / ACCOUNT_LOAD_SCALE, __ATOMIC_RELAXED);
        __atomic_store_n(&account_mach_factor[i],
                         (account_mach_factor[i] * f + factor * (ACCOUNT_LOAD_SCALE - f))
                         / ACCOUNT_LOAD_SCALE, __ATOMIC_RELAXED);
    }
}

void
account_load_get(integer_t avenrun[3], integer_t mach_factor[3])
{
    for (int i = 0; i < 3; i++) {
        avenrun[i] = (integer_t)__atomic_load_n(&account_avenrun[i], __ATOMIC_RELAXED);
        mach_factor[i] = (integer_t)__atomic_load_n(&account_mach_factor[i], __ATOMIC_RELAXED);
    }
}
