/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Spinlocks (ticket locks: first come, first served).
 *
 * spinlock_lock() does not touch interrupts; use spinlock_lock_intr_save()
 * for locks also taken from interrupt handlers. Never sleep with a lock
 * held. Works in host builds too (pthreads as CPUs), where the interrupt
 * part is a no-op.
 */
#ifndef KERN_SPINLOCK_H
#define KERN_SPINLOCK_H

#include <stdint.h>

#include <kern/percpu.h>

#ifdef MACH_HOST
#include <sched.h>
#endif

struct spinlock {
    uint16_t next;              /* ticket of the next arrival */
    uint16_t owner;             /* ticket being served */
};

#define SPINLOCK_INITIALIZER    { 0, 0 }

static inline void
spinlock_init(struct spinlock *lock)
{
    lock->next = 0;
    lock->owner = 0;
}

/* Acquire the lock, spinning while another CPU holds it. */
static inline void
spinlock_lock(struct spinlock *lock)
{
    uint16_t ticket = __atomic_fetch_add(&lock->next, 1, __ATOMIC_RELAXED);

    while (__atomic_load_n(&lock->owner, __ATOMIC_ACQUIRE) != ticket) {
#ifdef MACH_HOST
        sched_yield();          /* threads may outnumber cores */
#else
        cpu_pause();
#endif
    }
}

/* Release the lock. The caller must hold it. */
static inline void
spinlock_unlock(struct spinlock *lock)
{
    __atomic_store_n(&lock->owner, lock->owner + 1, __ATOMIC_RELEASE);
}

/* Disable local interrupts, then acquire; returns the flags to restore. */
static inline uint32_t
spinlock_lock_intr_save(struct spinlock *lock)
{
    uint32_t flags = cpu_intr_save();

    spinlock_lock(lock);
    return flags;
}

/* Release, then restore the interrupt state saved by the lock call. */
static inline void
spinlock_unlock_intr_restore(struct spinlock *lock, uint32_t flags)
{
    spinlock_unlock(lock);
    cpu_intr_restore(flags);
}

#endif /* KERN_SPINLOCK_H */
