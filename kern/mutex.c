/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sleeping locks; see kern/mutex.h.
 *
 * The owner field is the lock state itself (NULL: free), written only
 * with the inner spinlock held. A locker that finds an owner queues
 * itself with waitq_sleep(), which drops the spinlock only once the
 * thread is on the queue: an unlock between the check and the sleep
 * therefore finds the thread queued and wakes it, so no wakeup is lost.
 * The woken thread loops and checks again, which makes spurious wakeups
 * and a thread that took the lock meanwhile harmless.
 *
 * Recording the owner (rather than a flag) costs nothing and turns
 * recursion and unlocking a lock held by another thread into panics.
 */
#include <stdbool.h>
#include <stddef.h>

#include <kern/mutex.h>
#include <kern/panic.h>
#include <kern/spinlock.h>
#include <kern/thread.h>

void
mutex_init(struct mutex *mutex)
{
    spinlock_init(&mutex->lock);
    mutex->owner = NULL;
    waitq_init(&mutex->waiters);
}

void
mutex_lock(struct mutex *mutex)
{
    struct thread *self = thread_self();

    spinlock_lock(&mutex->lock);
    if (mutex->owner == self) {
        panic("mutex %p: recursive lock by '%s'", (void *)mutex, self->name);
    }
    while (mutex->owner != NULL) {
        waitq_sleep(&mutex->waiters, &mutex->lock);
    }
    mutex->owner = self;
    spinlock_unlock(&mutex->lock);
}

bool
mutex_trylock(struct mutex *mutex)
{
    bool taken = false;

    spinlock_lock(&mutex->lock);
    if (mutex->owner == NULL) {
        mutex->owner = thread_self();
        taken = true;
    }
    spinlock_unlock(&mutex->lock);
    return taken;
}

void
mutex_unlock(struct mutex *mutex)
{
    struct thread *self = thread_self();

    spinlock_lock(&mutex->lock);
    if (mutex->owner != self) {
        panic("mutex %p: unlocked by '%s', not its owner", (void *)mutex, self->name);
    }
    mutex->owner = NULL;
    waitq_wakeup_one(&mutex->waiters);
    spinlock_unlock(&mutex->lock);
}

bool
mutex_owned(const struct mutex *mutex)
{
    return __atomic_load_n(&mutex->owner, __ATOMIC_RELAXED) == thread_self();
}
