/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tick count is 64 bits, written only by one interrupt handler on one
 * CPU at a time; readers retry until two reads of the high half agree, so
 * a torn value (low half wrapped between the reads) is never returned.
 *
 * The time of day (see clock.h) is an offset from the uptime under an
 * interrupt-safe spinlock (64-bit values, no plain 64-bit atomics on
 * i386): the tick takes it to slew the offset, readers to add it. The
 * tick count is published before the slew of the same tick, so a reader
 * between the two may see the time one step (at most 50 us) short:
 * never more, and the next read is right again.
 */
#include <stdbool.h>
#include <stdint.h>

#include <device/dev_time.h>
#include <device/device.h>
#include <kern/clock.h>
#include <kern/date.h>
#include <kern/gsync.h>
#include <kern/spinlock.h>
#include <kern/syscall.h>
#include <kern/thread.h>

static volatile uint32_t clock_ticks_low, clock_ticks_high;

static struct spinlock clock_tod_lock = SPINLOCK_INITIALIZER;
static bool clock_tod_valid;                    /* clock_tod_lock */
static int64_t clock_tod_offset_ns;             /* time of day - uptime (clock_tod_lock) */
static struct date_slew clock_tod_slew;         /* clock_tod_lock */

/* One tick of the time of day: the slew's step, if one is under way. */
static void
clock_tod_tick(void)
{
    int64_t tick_us = CLOCK_NS_PER_TICK / 1000;
    uint32_t flags = spinlock_lock_intr_save(&clock_tod_lock);

    if (clock_tod_slew.delta_us != 0) {
        clock_tod_offset_ns += (date_slew_tick(&clock_tod_slew, tick_us) - tick_us) * 1000;
    }
    spinlock_unlock_intr_restore(&clock_tod_lock, flags);
}

void
clock_tick(void)
{
    uint32_t low = clock_ticks_low + 1;

    if (low == 0) {
        clock_ticks_high++;
    }
    __atomic_store_n(&clock_ticks_low, low, __ATOMIC_RELEASE);
    clock_tod_tick();                   /* host_adjust_time's slew */
    thread_timed_tick();                /* timed sleeps whose deadline passed end */
    syscall_switch_wait_tick();         /* thread_switch waiters check their deadline */
    gsync_tick();                       /* so do timed gsync waiters */
    device_tick();                      /* the mapped time page, waiting console readers */
}

uint64_t
clock_ticks(void)
{
    uint32_t high, low;

    do {
        high = __atomic_load_n(&clock_ticks_high, __ATOMIC_ACQUIRE);
        low = __atomic_load_n(&clock_ticks_low, __ATOMIC_ACQUIRE);
    } while (high != __atomic_load_n(&clock_ticks_high, __ATOMIC_ACQUIRE));
    return ((uint64_t)high << 32) | low;
}

bool
clock_tod_read(uint64_t ticks, int64_t *ns)
{
    uint32_t flags = spinlock_lock_intr_save(&clock_tod_lock);
    bool valid = clock_tod_valid;

    if (valid) {
        *ns = clock_tod_offset_ns + (int64_t)ticks * CLOCK_NS_PER_TICK;
    }
    spinlock_unlock_intr_restore(&clock_tod_lock, flags);
    return valid;
}

void
clock_tod_set(int64_t ns, bool if_unset)
{
    uint32_t flags = spinlock_lock_intr_save(&clock_tod_lock);

    if (!if_unset || !clock_tod_valid) {
        /* A tick counted on another CPU meanwhile leaves it at most a tick ahead. */
        clock_tod_offset_ns = ns - (int64_t)clock_ticks() * CLOCK_NS_PER_TICK;
        clock_tod_valid = true;
    }
    spinlock_unlock_intr_restore(&clock_tod_lock, flags);
    dev_time_update();                  /* the mapped time shows it at once */
}

int64_t
clock_tod_adjust(int64_t new_us, bool change)
{
    uint32_t flags = spinlock_lock_intr_save(&clock_tod_lock);
    int64_t old = change ? date_slew_set(&clock_tod_slew, new_us) : clock_tod_slew.delta_us;

    spinlock_unlock_intr_restore(&clock_tod_lock, flags);
    return old;
}
