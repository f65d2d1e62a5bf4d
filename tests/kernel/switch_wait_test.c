/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * thread_switch(SWITCH_OPTION_WAIT) blocks (test=switch_wait).
 *
 * A waiter and a spinner start on CPU 0. The waiter waits 50 ms
 * through syscall_thread_switch(); the spinner runs meanwhile and
 * watches the waiter's state. The wait must block (the spinner sees the
 * waiter SLEEPING, which a yield loop never is), last at least the 5
 * ticks asked for and not much more (a tick of lateness, plus up to a
 * slice of the spinner before the woken waiter runs again), and return
 * KERN_SUCCESS; an unknown option gives KERN_INVALID_ARGUMENT. The
 * spinner may be starved by a loaded host, so up to 5 tries are made
 * before the test says the waiter never slept.
 */
#include <stdbool.h>
#include <stdint.h>

#include <include/mach/kern_return.h>
#include <kern/clock.h>
#include <kern/ktest.h>
#include <kern/syscall.h>
#include <kern/thread.h>

#define SWITCH_WAIT_MS          50
#define SWITCH_WAIT_TICKS       (SWITCH_WAIT_MS * CLOCK_HZ / 1000)
#define SWITCH_WAIT_TRIES       5

static struct thread *volatile switch_wait_waiter;
static volatile bool switch_wait_done, switch_wait_seen_sleeping;
static volatile uint64_t switch_wait_ticks;
static volatile uint32_t switch_wait_kr;

static void
switch_wait_waiter_fn(void *arg)
{
    uint64_t start;

    (void)arg;
    switch_wait_waiter = thread_self();
    start = clock_ticks();
    switch_wait_kr = syscall_thread_switch(0, SWITCH_OPTION_WAIT, SWITCH_WAIT_MS);
    switch_wait_ticks = clock_ticks() - start;
    switch_wait_done = true;
}

static void
switch_wait_spinner_fn(void *arg)
{
    (void)arg;
    while (!switch_wait_done) {
        struct thread *waiter = switch_wait_waiter;

        if (waiter != NULL && !switch_wait_done && waiter->state == THREAD_SLEEPING) {
            switch_wait_seen_sleeping = true;
        }
    }
}

/* One wait beside a spinner; true if the spinner saw the waiter asleep. */
static bool
switch_wait_try(void)
{
    unsigned int threads = thread_count();

    switch_wait_waiter = NULL;
    switch_wait_done = false;
    switch_wait_seen_sleeping = false;
    KTEST_ASSERT(thread_create_kernel("sw-waiter", switch_wait_waiter_fn, NULL, 0) != NULL);
    KTEST_ASSERT(thread_create_kernel("sw-spinner", switch_wait_spinner_fn, NULL, 0) != NULL);
    while (!switch_wait_done) {
        thread_delay(1);
    }
    KTEST_ASSERT(ktest_wait_threads(threads));
    ktest_assert_msg(switch_wait_kr == KERN_SUCCESS, "thread_switch: %u", switch_wait_kr);
    ktest_assert_msg(switch_wait_ticks >= SWITCH_WAIT_TICKS
                     && switch_wait_ticks <= 2 * SWITCH_WAIT_TICKS + 2,
                     "waited %u ticks for %u", (unsigned int)switch_wait_ticks,
                     SWITCH_WAIT_TICKS);
    return switch_wait_seen_sleeping;
}

static void
switch_wait_test_fn(void)
{
    unsigned int tries = 0;

    /*
     * A yield loop is never seen asleep. A real wait is, unless the
     * spinner got no CPU time during it (a loaded host leaves a vCPU
     * unscheduled for whole ticks): a few tries rule that out.
     */
    while (!switch_wait_try() && ++tries < SWITCH_WAIT_TRIES) {
    }
    ktest_assert_msg(tries < SWITCH_WAIT_TRIES, "the waiter never slept (%u tries)",
                     SWITCH_WAIT_TRIES);
    KTEST_ASSERT(syscall_thread_switch(0, 7, 1) == KERN_INVALID_ARGUMENT);
}

KTEST_DEFINE(switch_wait, switch_wait_test_fn, 0);
