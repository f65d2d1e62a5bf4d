/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host stand-ins for the scheduler calls of ipc/ipc_mqueue.c. Host tests
 * run one thread and never wait: a call that would sleep is a test bug
 * and aborts. Wakeups find nobody; the clock stands still.
 */
#include <stdint.h>
#include <stdlib.h>

#include <kern/clock.h>
#include <kern/thread.h>

void
waitq_init(struct waitq *wq)
{
    spinlock_init(&wq->lock);
    list_init(&wq->threads);
    wq->intr = false;
}

void
waitq_init_intr(struct waitq *wq)
{
    waitq_init(wq);
    wq->intr = true;
}

unsigned int
waitq_wakeup_all(struct waitq *wq)
{
    (void)wq;
    return 0;
}

int
waitq_sleep_intr(struct waitq *wq, struct spinlock *lock)
{
    (void)wq;
    (void)lock;
    abort();
}

int
waitq_sleep_intr_until(struct waitq *wq, struct spinlock *lock, uint64_t deadline)
{
    (void)wq;
    (void)lock;
    (void)deadline;
    abort();
}

uint64_t
clock_ticks(void)
{
    return 0;
}

void
thread_delay(unsigned long ticks)
{
    (void)ticks;
    abort();
}

struct thread *
thread_self(void)
{
    abort();
}
