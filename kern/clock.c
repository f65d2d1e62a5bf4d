/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tick count is 64 bits, written only by one interrupt handler on one
 * CPU at a time; readers retry until two reads of the high half agree, so
 * a torn value (low half wrapped between the reads) is never returned.
 */
#include <stdint.h>

#include <device/device.h>
#include <kern/clock.h>
#include <kern/gsync.h>
#include <kern/syscall.h>
#include <kern/thread.h>

static volatile uint32_t clock_ticks_low, clock_ticks_high;

void
clock_tick(void)
{
    uint32_t low = clock_ticks_low + 1;

    if (low == 0) {
        clock_ticks_high++;
    }
    __atomic_store_n(&clock_ticks_low, low, __ATOMIC_RELEASE);
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
