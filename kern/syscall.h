/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Mach trap table: GNU Mach's system-call numbers, argument counts
 * and rules for numbers nothing implements (MACH-ABI.md 1.3-1.4).
 *
 * User code puts the negated trap number in %eax and its arguments on
 * its stack; the machine layer looks the number up here, copies nargs
 * words of arguments in and calls fn, whose result goes back in %eax.
 */
#ifndef KERN_SYSCALL_H
#define KERN_SYSCALL_H

#include <stdint.h>

#define SYSCALL_NR              130     /* entries 0..129: traps 0..-129 */
#define SYSCALL_MAX_ARGS        11      /* syscall_vm_map */

/* Thread-switch options (GNU Mach's include/mach/thread_switch.h). */
#define SWITCH_OPTION_NONE      0
#define SWITCH_OPTION_DEPRESS   1
#define SWITCH_OPTION_WAIT      2

typedef uint32_t (*syscall_fn_t)(const uint32_t *args);

struct syscall_entry {
    syscall_fn_t fn;
    unsigned int nargs;         /* words copied from the user stack */
    const char *name;
};

/*
 * The entry of the trap whose negated number the user put in %eax, or
 * NULL when the number is out of range (positive, or below -129): the
 * caller then raises EXC_BAD_INSTRUCTION / EXC_I386_INVOP. Pure.
 */
const struct syscall_entry *syscall_lookup(uint32_t eax);

/*
 * The traps that need no task (kern/syscall_subr.c). They run in the
 * calling thread, interrupts enabled, and may block.
 */

/*
 * Print the user string at ustr on the console (copied in safely, in
 * pieces of up to 1023 bytes, at most SYSCALL_PRINT_MAX in all). Returns
 * KERN_SUCCESS, KERN_INVALID_ADDRESS when a byte of it cannot be read
 * (pointer into the kernel, unmapped), KERN_INVALID_ARGUMENT when it is
 * longer than SYSCALL_PRINT_MAX (what came before is printed).
 */
#define SYSCALL_PRINT_MAX       65536
uint32_t syscall_mach_print(uintptr_t ustr);

/* Yield the CPU. Returns whether other threads were ready on this CPU. */
uint32_t syscall_swtch(void);

/* Yield with depressed priority (no priorities yet: swtch()). */
uint32_t syscall_swtch_pri(int pri);

/*
 * Yield, depress (no priorities yet: yield) or wait time_ms milliseconds,
 * after a handoff to the thread named thread_name (no names yet: none).
 * The wait blocks (the CPU may run or steal other threads) for at least
 * time_ms rounded up to clock ticks, at most one tick more, and ends
 * early when an AST (terminate, suspend) is posted to the caller.
 * Returns KERN_SUCCESS, or KERN_INVALID_ARGUMENT for another option.
 */
uint32_t syscall_thread_switch(uint32_t thread_name, uint32_t option, uint32_t time_ms);

/*
 * Wake the threads waiting in thread_switch(SWITCH_OPTION_WAIT) to check
 * their deadline. Called by clock_tick() at every tick, in interrupt
 * context.
 */
void syscall_switch_wait_tick(void);

#endif /* KERN_SYSCALL_H */
