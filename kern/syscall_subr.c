/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The traps that need no task: mach_print, swtch, swtch_pri,
 * thread_switch (kern/syscall.h).
 *
 * mach_print: GNU Mach hands the user pointer straight to printf; here
 * the string is copied in with copyinstr (MACH-ABI.md 1.4 note 1), so a
 * pointer into the kernel or into unmapped memory is an error returned
 * to the caller, never a kernel fault. The string is printed in pieces
 * of up to 1023 bytes, each one console write, so an ordinary line comes
 * out whole; the total is bounded so that one call cannot hold the
 * console forever.
 *
 * The scheduler has no priorities yet, so swtch_pri and the DEPRESS
 * option of thread_switch simply yield; a handoff to a named thread
 * needs port names (the join step), so the name is not looked up yet,
 * as GNU Mach skips the handoff for a name that denotes no thread.
 *
 * thread_switch's SWITCH_OPTION_WAIT blocks, as in GNU Mach, rather than
 * yielding until the time is over (thread_delay()): a waiting thread
 * leaves its CPU to others, an idle CPU can steal ready threads, and
 * the woken thread goes to the least loaded CPU. There are no timers
 * yet, so every waiter sleeps on one interruptible queue that each
 * clock tick wakes entirely; a woken waiter whose deadline is not there
 * sleeps again. A tick that falls between a waiter's deadline check and
 * its sleep (on another CPU) is missed: the wait is up to one tick
 * longer. Waiters are few (threads that asked to sleep), so waking them
 * all 100 times a second costs little.
 */
#include <stdint.h>

#include <include/mach/kern_return.h>
#include <kern/clock.h>
#include <kern/list.h>
#include <kern/console.h>
#include <kern/copy.h>
#include <kern/percpu.h>
#include <kern/spinlock.h>
#include <kern/syscall.h>
#include <kern/thread.h>

#define SYSCALL_PRINT_CHUNK     1024

/* Threads in thread_switch(SWITCH_OPTION_WAIT); every tick wakes them all. */
static struct waitq syscall_wait_wq = {
    SPINLOCK_INITIALIZER, LIST_INITIALIZER(syscall_wait_wq.threads), true,
};
static unsigned int syscall_wait_nr;    /* waiters, atomic: ticks skip an empty queue */

/* Serializes mach_print's console writes across CPUs. */
static struct spinlock syscall_print_lock = SPINLOCK_INITIALIZER;

uint32_t
syscall_mach_print(uintptr_t ustr)
{
    char buf[SYSCALL_PRINT_CHUNK];
    size_t total = 0, len;
    uint32_t flags;
    int error;

    do {
        error = copyinstr((const void *)ustr, buf, sizeof(buf), &len);
        if (error == COPY_EFAULT) {
            return KERN_INVALID_ADDRESS;
        }
        /* One piece (a whole line, for the user tests) is never split by another task's. */
        flags = spinlock_lock_intr_save(&syscall_print_lock);
        console_write(buf, len);
        spinlock_unlock_intr_restore(&syscall_print_lock, flags);
        ustr += len;
        total += len;
    } while (error == COPY_ETOOLONG && total < SYSCALL_PRINT_MAX);
    return error == 0 ? KERN_SUCCESS : KERN_INVALID_ARGUMENT;
}

uint32_t
syscall_swtch(void)
{
    thread_yield();
    return thread_runq_length(cpu_id()) != 0;
}

uint32_t
syscall_swtch_pri(int pri)
{
    (void)pri;
    return syscall_swtch();
}

/* Block until clock tick end, or until an AST is posted to the caller. */
static void
syscall_switch_wait(uint64_t end)
{
    __atomic_fetch_add(&syscall_wait_nr, 1, __ATOMIC_ACQ_REL);
    while (clock_ticks() < end) {
        if (waitq_sleep_intr(&syscall_wait_wq, NULL) == THREAD_INTERRUPTED) {
            break;
        }
    }
    __atomic_fetch_sub(&syscall_wait_nr, 1, __ATOMIC_ACQ_REL);
}

void
syscall_switch_wait_tick(void)
{
    if (__atomic_load_n(&syscall_wait_nr, __ATOMIC_ACQUIRE) != 0) {
        waitq_wakeup_all(&syscall_wait_wq);
    }
}

uint32_t
syscall_thread_switch(uint32_t thread_name, uint32_t option, uint32_t time_ms)
{
    (void)thread_name;
    switch (option) {
    case SWITCH_OPTION_NONE:
    case SWITCH_OPTION_DEPRESS:
        thread_yield();
        break;
    case SWITCH_OPTION_WAIT:
        syscall_switch_wait(clock_ticks() + ((uint64_t)time_ms * CLOCK_HZ + 999) / 1000);
        break;
    default:
        return KERN_INVALID_ARGUMENT;
    }
    return KERN_SUCCESS;
}
