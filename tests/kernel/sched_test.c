/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Scheduler tests (test=sched):
 *  - sleep/wakeup: two threads hand a token back and forth through wait
 *    queues a fixed number of times;
 *  - preemption: two threads that never yield, bound to one CPU, both
 *    make progress, and the test thread gets the CPU back (without
 *    preemption this test hangs and the boot runner's timeout fails it);
 *  - many threads: 100 short threads (a tick of work each) on any CPU all run to their end,
 *    spread over the CPUs, and their memory is freed afterwards.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/smp.h>
#include <kern/clock.h>
#include <kern/ktest.h>
#include <kern/percpu.h>
#include <kern/spinlock.h>
#include <kern/thread.h>

#define SCHED_TEST_ROUNDS       500
#define SCHED_TEST_MANY         100

static struct spinlock sched_test_lock = SPINLOCK_INITIALIZER;
static struct waitq sched_test_wq[2];
static struct waitq sched_test_done_wq;
static unsigned int sched_test_turn, sched_test_done, sched_test_passes;

/* Wait, under sched_test_lock, until want threads have finished. */
static void
sched_test_wait_done(unsigned int want)
{
    spinlock_lock(&sched_test_lock);
    while (sched_test_done < want) {
        waitq_sleep(&sched_test_done_wq, &sched_test_lock);
    }
    spinlock_unlock(&sched_test_lock);
}

static void
sched_test_finish(void)
{
    spinlock_lock(&sched_test_lock);
    sched_test_done++;
    waitq_wakeup_all(&sched_test_done_wq);
    spinlock_unlock(&sched_test_lock);
}

static void
sched_test_pingpong(void *arg)
{
    unsigned int me = (uintptr_t)arg;

    for (unsigned int i = 0; i < SCHED_TEST_ROUNDS; i++) {
        spinlock_lock(&sched_test_lock);
        while (sched_test_turn != me) {
            waitq_sleep(&sched_test_wq[me], &sched_test_lock);
        }
        sched_test_passes++;
        sched_test_turn = !me;
        waitq_wakeup_one(&sched_test_wq[!me]);
        spinlock_unlock(&sched_test_lock);
    }
    sched_test_finish();
}

static volatile bool sched_test_stop;
static volatile unsigned long sched_test_spins[2];

static void
sched_test_spinner(void *arg)
{
    unsigned int me = (uintptr_t)arg;

    while (!sched_test_stop) {
        sched_test_spins[me]++;
    }
    sched_test_finish();
}

static unsigned int sched_test_cpus_seen;

/* A tick of work, so that idle CPUs have time to steal the queued ones. */
static void
sched_test_short(void *arg)
{
    uint64_t end = clock_ticks() + 1;

    (void)arg;
    while (clock_ticks() < end) {
        __atomic_fetch_or(&sched_test_cpus_seen, 1u << cpu_id(), __ATOMIC_RELAXED);
        thread_yield();
    }
    sched_test_finish();
}

static void
sched_test_fn(void)
{
    unsigned int threads_before = thread_count();

    waitq_init(&sched_test_wq[0]);
    waitq_init(&sched_test_wq[1]);
    waitq_init(&sched_test_done_wq);

    /* Sleep and wakeup. */
    sched_test_turn = 0;
    sched_test_done = 0;
    sched_test_passes = 0;
    for (uintptr_t i = 0; i < 2; i++) {
        KTEST_ASSERT(thread_create_kernel("pingpong", sched_test_pingpong, (void *)i,
                                   THREAD_ANY_CPU) != NULL);
    }
    sched_test_wait_done(2);
    ktest_assert_msg(sched_test_passes == 2 * SCHED_TEST_ROUNDS,
                     "%u token passes, want %u", sched_test_passes,
                     2 * SCHED_TEST_ROUNDS);

    /* Preemption: two spinners on CPU 0 must share it, with this thread. */
    sched_test_done = 0;
    sched_test_stop = false;
    sched_test_spins[0] = sched_test_spins[1] = 0;
    for (uintptr_t i = 0; i < 2; i++) {
        KTEST_ASSERT(thread_create_kernel("spinner", sched_test_spinner, (void *)i, 0) != NULL);
    }
    thread_delay(30);
    sched_test_stop = true;
    sched_test_wait_done(2);
    ktest_assert_msg(sched_test_spins[0] > 0 && sched_test_spins[1] > 0,
                     "spinners progressed %lu and %lu times", sched_test_spins[0],
                     sched_test_spins[1]);

    /* Many threads. */
    sched_test_done = 0;
    sched_test_cpus_seen = 0;
    for (unsigned int i = 0; i < SCHED_TEST_MANY; i++) {
        ktest_assert_msg(thread_create_kernel("short", sched_test_short, NULL,
                                       THREAD_ANY_CPU) != NULL,
                         "thread %u not created", i);
    }
    sched_test_wait_done(SCHED_TEST_MANY);
    ktest_diag("%u threads ran on CPU mask 0x%x (%u CPUs online)", SCHED_TEST_MANY,
               sched_test_cpus_seen, smp_nr_cpus());
    if (smp_nr_cpus() > 1) {
        ktest_assert_msg((sched_test_cpus_seen & (sched_test_cpus_seen - 1)) != 0,
                         "all threads ran on one CPU (mask 0x%x)", sched_test_cpus_seen);
    }

    /* Dead threads are freed by the reaper thread: give it a moment. */
    ktest_assert_msg(ktest_wait_threads(threads_before), "%u threads left, want %u",
                     thread_count(), threads_before);
}

KTEST_DEFINE(sched, sched_test_fn, 0);
