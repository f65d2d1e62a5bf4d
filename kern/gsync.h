/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gsync: GNU Mach's futex-like calls (gnumach.defs 4204-4206,
 * ../shared/MACH-ABI.md §6.4). A thread sleeps on a 32-bit word of a
 * task's memory while the word holds an expected value; another thread
 * wakes one or all sleepers of that word, or moves them to another word.
 *
 *   kr = gsync_wait(task, addr, val1, val2, msec, flags);   sleeps
 *   kr = gsync_wake(task, addr, val, flags);                 wakes
 *   kr = gsync_requeue(task, src, dst, wake_one, flags);     moves
 *
 * Keys: a word is known by (task's map, address), or with GSYNC_SHARED
 * by (VM object, offset), so that tasks sharing memory (inheritance
 * SHARE) meet on the same key whatever address each maps it at.
 *
 * The caller holds a reference on task (the MIG side converts the port).
 * Thread context, preemption enabled, no lock held.
 */
#ifndef KERN_GSYNC_H
#define KERN_GSYNC_H

#include <stdbool.h>
#include <stdint.h>

#include <include/mach/kern_return.h>

struct task;

/* Flags of the three calls: GNU Mach's values (its kern/gsync.h). */
#define GSYNC_SHARED            0x01    /* key by VM object and offset */
#define GSYNC_QUAD              0x02    /* wait: compare addr + 4 with val2 too */
#define GSYNC_TIMED             0x04    /* wait: give up after msec ms */
#define GSYNC_BROADCAST         0x08    /* wake, requeue: every waiter, not one */
#define GSYNC_MUTATE            0x10    /* wake: write val to addr first */

/* Set up the hash buckets. Once, at boot, before any call. */
void gsync_setup(void);

/*
 * gsync_wait: if the word at addr of task holds val1 (and, with
 * GSYNC_QUAD, the word at addr + 4 holds val2), sleep until a
 * gsync_wake() or gsync_requeue() wakes the caller. Returns
 * KERN_SUCCESS when woken, KERN_INVALID_TASK (task NULL),
 * KERN_INVALID_ADDRESS (addr not 4-aligned, or a word not mapped
 * readable), KERN_INVALID_ARGUMENT (a value differs: at once),
 * KERN_TIMEDOUT (GSYNC_TIMED: msec ms passed, rounded up to clock
 * ticks; 0 times out at once), KERN_INTERRUPTED (thread_interrupt(), or
 * an AST such as termination or suspension pending).
 */
kern_return_t gsync_wait(struct task *task, uintptr_t addr, uint32_t val1, uint32_t val2,
                         uint32_t msec, int flags);

/*
 * gsync_wake: with GSYNC_MUTATE, write val to addr first (even when
 * nobody waits; the word must be mapped writable); then wake the oldest
 * waiter of addr, or every one with GSYNC_BROADCAST. Returns
 * KERN_SUCCESS (someone woken), KERN_INVALID_ARGUMENT (no waiter),
 * KERN_INVALID_TASK, KERN_INVALID_ADDRESS (unaligned, not mapped
 * readable, or writable with MUTATE), KERN_RESOURCE_SHORTAGE (no memory
 * for the page MUTATE writes).
 */
kern_return_t gsync_wake(struct task *task, uintptr_t addr, uint32_t val, int flags);

/*
 * gsync_requeue: with wake_one (a boolean_t), wake the oldest waiter of
 * src; then move the next waiter of src (every one with GSYNC_BROADCAST)
 * to dst, where gsync_wake(dst) finds it. Returns KERN_SUCCESS, KERN_INVALID_ARGUMENT
 * (nobody waits on src), KERN_INVALID_TASK, KERN_INVALID_ADDRESS (either
 * address unaligned or not mapped readable).
 */
kern_return_t gsync_requeue(struct task *task, uintptr_t src, uintptr_t dst, int wake_one,
                            int flags);

/*
 * Waiters sleeping on addr of task (key as flags say), for tests and
 * reports; 0 when the address cannot be looked up. Same context.
 */
unsigned int gsync_waiters(struct task *task, uintptr_t addr, int flags);

/*
 * Wake timed waiters whose time is up. Called by the clock tick
 * (interrupt context); costs one atomic load when nobody waits timed.
 */
void gsync_tick(void);

#endif /* KERN_GSYNC_H */
