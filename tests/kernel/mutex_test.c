/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Mutex tests (test=mutex):
 *  - exclusion: 4 threads on any CPU take one mutex 200 times each and,
 *    inside, mark the section as theirs, yield or sleep a tick, and check
 *    that nobody else entered; the shared count must come out exact;
 *  - sleeping: while this thread holds the mutex and sleeps, a contender
 *    must be asleep on the mutex (state THREAD_SLEEPING), not spinning,
 *    and must get the mutex once it is released;
 *  - trylock fails on a held mutex and succeeds on a free one.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kern/ktest.h>
#include <kern/mutex.h>
#include <kern/spinlock.h>
#include <kern/thread.h>

#define MUTEX_TEST_THREADS      4
#define MUTEX_TEST_ROUNDS       200

static struct mutex mutex_test_mutex;
static struct thread *volatile mutex_test_inside;
static unsigned int mutex_test_count, mutex_test_overlaps;
static volatile unsigned int mutex_test_done;
static volatile bool mutex_test_contender_has_it;

static void
mutex_test_worker(void *arg)
{
    (void)arg;
    for (unsigned int i = 0; i < MUTEX_TEST_ROUNDS; i++) {
        mutex_lock(&mutex_test_mutex);
        if (mutex_test_inside != NULL || !mutex_owned(&mutex_test_mutex)) {
            mutex_test_overlaps++;
        }
        mutex_test_inside = thread_self();
        if (i % 16 == 0) {
            thread_delay(1);
        } else {
            thread_yield();
        }
        if (mutex_test_inside != thread_self()) {
            mutex_test_overlaps++;
        }
        mutex_test_count++;
        mutex_test_inside = NULL;
        mutex_unlock(&mutex_test_mutex);
    }
    __atomic_fetch_add(&mutex_test_done, 1, __ATOMIC_RELEASE);
}

static void
mutex_test_contender(void *arg)
{
    (void)arg;
    mutex_lock(&mutex_test_mutex);
    mutex_test_contender_has_it = true;
    mutex_unlock(&mutex_test_mutex);
    __atomic_fetch_add(&mutex_test_done, 1, __ATOMIC_RELEASE);
}

static void
mutex_test_fn(void)
{
    unsigned int threads_before = thread_count();
    struct thread *contender;

    mutex_init(&mutex_test_mutex);

    /* Exclusion; counters start at zero in every run (test=mutex*N). */
    mutex_test_count = 0;
    mutex_test_overlaps = 0;
    mutex_test_done = 0;
    for (unsigned int i = 0; i < MUTEX_TEST_THREADS; i++) {
        KTEST_ASSERT(thread_create_kernel("mutex_worker", mutex_test_worker, NULL,
                                   THREAD_ANY_CPU) != NULL);
    }
    while (__atomic_load_n(&mutex_test_done, __ATOMIC_ACQUIRE) < MUTEX_TEST_THREADS) {
        thread_delay(1);
    }
    ktest_assert_msg(mutex_test_count == MUTEX_TEST_THREADS * MUTEX_TEST_ROUNDS,
                     "count %u, want %u", mutex_test_count,
                     MUTEX_TEST_THREADS * MUTEX_TEST_ROUNDS);
    ktest_assert_msg(mutex_test_overlaps == 0, "%u overlapping sections",
                     mutex_test_overlaps);

    /* A contender sleeps while the holder sleeps, then gets the mutex. */
    mutex_test_done = 0;
    mutex_test_contender_has_it = false;
    mutex_lock(&mutex_test_mutex);
    KTEST_ASSERT(!mutex_trylock(&mutex_test_mutex) || !"trylock on a held mutex");
    contender = thread_create_kernel("mutex_contender", mutex_test_contender, NULL, THREAD_ANY_CPU);
    KTEST_ASSERT(contender != NULL);
    thread_delay(5);
    if (contender != NULL) {
        ktest_assert_msg(contender->state == THREAD_SLEEPING,
                         "contender state %d, want sleeping", (int)contender->state);
    }
    KTEST_ASSERT(!mutex_test_contender_has_it);
    mutex_unlock(&mutex_test_mutex);
    while (__atomic_load_n(&mutex_test_done, __ATOMIC_ACQUIRE) < 1) {
        thread_delay(1);
    }
    KTEST_ASSERT(mutex_test_contender_has_it);

    /* trylock on a free mutex. */
    KTEST_ASSERT(mutex_trylock(&mutex_test_mutex));
    KTEST_ASSERT(mutex_owned(&mutex_test_mutex));
    mutex_unlock(&mutex_test_mutex);
    KTEST_ASSERT(!mutex_owned(&mutex_test_mutex));

    ktest_assert_msg(ktest_wait_threads(threads_before), "%u threads left, want %u",
                     thread_count(), threads_before);
}

KTEST_DEFINE(mutex, mutex_test_fn, 0);
