/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sleeping locks (mutexes) for long critical sections that may block,
 * such as a user address map held across a page fault that allocates
 * pages, reclaims memory and fills page tables.
 *
 * A mutex is a flag and a wait queue behind a spinlock. A thread that
 * finds it taken sleeps on the queue (the CPU runs other threads) and
 * checks again when woken; unlock wakes one waiter. There is no handoff,
 * so a thread arriving between the unlock and the waiter's return may
 * take the lock first: waiters are not starved in practice (each wakeup
 * goes to the oldest waiter) but no order is promised.
 *
 * Rules: take and release from thread context with preemption enabled
 * (never from interrupt handlers, never with a spinlock held); the thread
 * that locked unlocks; no recursion (both panic: broken invariants).
 * Holding a mutex does not disable preemption.
 */
#ifndef KERN_MUTEX_H
#define KERN_MUTEX_H

#include <stdbool.h>

#include <kern/spinlock.h>
#include <kern/thread.h>

struct mutex {
    struct spinlock lock;       /* protects owner and the waiters' check */
    struct thread *owner;       /* NULL when free */
    struct waitq waiters;
};

/* Initialize a free mutex. */
void mutex_init(struct mutex *mutex);

/* Take mutex, sleeping until it is free. Panics on recursion. */
void mutex_lock(struct mutex *mutex);

/* Take mutex if it is free, without sleeping. Returns whether it did. */
bool mutex_trylock(struct mutex *mutex);

/* Release mutex (held by the caller: panics otherwise) and wake one waiter. */
void mutex_unlock(struct mutex *mutex);

/* True when the calling thread holds mutex (for assertions). */
bool mutex_owned(const struct mutex *mutex);

#endif /* KERN_MUTEX_H */
