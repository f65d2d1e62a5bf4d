/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Spinlocks (ticket locks: first come, first served).
 *
 * Holding a spinlock disables preemption: the holder stays on its CPU
 * and runs until it unlocks. spinlock_lock() does not touch interrupts;
 * use spinlock_lock_intr_save() for locks also taken from interrupt
 * handlers. Never sleep with a lock held. Works in host builds too
 * (pthreads as CPUs), where the interrupt and preemption parts are no-ops.
 */
#ifndef KERN_SPINLOCK_H
#define KERN_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include <kern/macros.h>
#include <kern/percpu.h>

#ifdef MACH_HOST
#include <sched.h>
#endif

#if defined(CONFIG_DEBUG) && !defined(MACH_HOST)
#define SPINLOCK_DEBUG 1
#include <kern/panic.h>
#endif

struct spinlock {
    uint16_t next;              /* ticket of the next arrival */
    uint16_t owner;             /* ticket being served */
#ifdef SPINLOCK_DEBUG
    unsigned int holder;        /* CPU holding it, plus 1; 0 when free */
#endif
};

#ifdef SPINLOCK_DEBUG
#define SPINLOCK_INITIALIZER    { 0, 0, 0 }
#else
#define SPINLOCK_INITIALIZER    { 0, 0 }
#endif

static inline void
spinlock_init(struct spinlock *lock)
{
    lock->next = 0;
    lock->owner = 0;
#ifdef SPINLOCK_DEBUG
    lock->holder = 0;
#endif
}

/*
 * Lock debugging (--enable-debug): the holder is tracked, taking a lock
 * the CPU already holds (recursion) and releasing a lock another CPU holds
 * panic, and spinlock_assert_held() checks the caller holds the lock.
 */
#ifdef SPINLOCK_DEBUG
static inline void
spinlock_debug_acquire(struct spinlock *lock)
{
    if (__atomic_load_n(&lock->holder, __ATOMIC_RELAXED) == cpu_id() + 1) {
        panic("spinlock %p: recursive lock on CPU %u", (void *)lock, cpu_id());
    }
}

static inline void
spinlock_debug_release(struct spinlock *lock)
{
    if (lock->holder != cpu_id() + 1) {
        panic("spinlock %p: released on CPU %u, holder %d", (void *)lock,
              cpu_id(), (int)lock->holder - 1);
    }
    lock->holder = 0;
}

static inline void
spinlock_assert_held(const struct spinlock *lock)
{
    if (lock->holder != cpu_id() + 1) {
        panic("spinlock %p: not held by CPU %u", (void *)lock, cpu_id());
    }
}
#else
static inline void spinlock_debug_acquire(struct spinlock *lock) { (void)lock; }
static inline void spinlock_debug_release(struct spinlock *lock) { (void)lock; }
static inline void spinlock_assert_held(const struct spinlock *lock) { (void)lock; }
#endif

/*
 * Host builds: pause this many times between yields while waiting. A
 * hand-over between running threads takes a few hundred cycles, which a
 * yield (a system call) on every check would turn into microseconds; the
 * yields remain because threads may outnumber cores, and the holder may
 * then wait for the waiter's core.
 */
#define SPINLOCK_HOST_SPINS     256

/* Take a ticket and spin until it is served (every lock call's core). */
static inline void
spinlock_acquire(struct spinlock *lock)
{
    uint16_t ticket;
#ifdef MACH_HOST
    unsigned int spins = 0;
#endif

    spinlock_debug_acquire(lock);
    ticket = __atomic_fetch_add(&lock->next, 1, __ATOMIC_RELAXED);

    while (__atomic_load_n(&lock->owner, __ATOMIC_ACQUIRE) != ticket) {
#ifdef MACH_HOST
        if (++spins % SPINLOCK_HOST_SPINS == 0) {
            sched_yield();
        } else {
            __builtin_ia32_pause();
        }
#else
        cpu_pause();
#endif
    }
#ifdef SPINLOCK_DEBUG
    lock->holder = cpu_id() + 1;
#endif
}

/*
 * Whether some CPU holds the lock or waits for it, at the time of the
 * call: a snapshot without ordering, for heuristics (contention counts)
 * only.
 */
static inline bool
spinlock_busy(const struct spinlock *lock)
{
    return __atomic_load_n(&lock->owner, __ATOMIC_RELAXED)
           != __atomic_load_n(&lock->next, __ATOMIC_RELAXED);
}

/* Serve the next ticket (every unlock call's core). */
static inline void
spinlock_release(struct spinlock *lock)
{
    spinlock_debug_release(lock);
    __atomic_store_n(&lock->owner, lock->owner + 1, __ATOMIC_RELEASE);
}

/* Acquire the lock, spinning while another CPU holds it. */
static inline void
spinlock_lock(struct spinlock *lock)
{
    preempt_disable();
    spinlock_acquire(lock);
}

/* Release the lock. The caller must hold it. */
static inline void
spinlock_unlock(struct spinlock *lock)
{
    spinlock_release(lock);
    preempt_enable();
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
    spinlock_release(lock);
    preempt_enable_no_resched();
    cpu_intr_restore(flags);
    if (unlikely(preempt_resched_pending())) {
        preempt_check();
    }
}

/*
 * For a section that keeps local interrupts disabled from before
 * spinlock_lock_intr_off() until after spinlock_unlock_intr_off():
 * nothing can preempt it then (interrupts are what preempts), so these
 * skip the preemption count and the rescheduling check, and a request to
 * reschedule that comes meanwhile is an interrupt that waits for the
 * section's end. The release is one instruction on x86: only the holder
 * writes owner, and x86 stores are release stores.
 */
static inline void
spinlock_lock_intr_off(struct spinlock *lock)
{
    spinlock_acquire(lock);
}

static inline void
spinlock_unlock_intr_off(struct spinlock *lock)
{
    spinlock_debug_release(lock);
#if defined(__i386__) || defined(__x86_64__)
    __asm__ volatile("incw %0" : "+m"(lock->owner) : : "memory");
#else
    __atomic_store_n(&lock->owner, lock->owner + 1, __ATOMIC_RELEASE);
#endif
}

#endif /* KERN_SPINLOCK_H */
