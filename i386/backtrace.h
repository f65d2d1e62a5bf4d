/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Frame-pointer backtraces with symbol names (the kernel is built with
 * -fno-omit-frame-pointer).
 */
#ifndef I386_BACKTRACE_H
#define I386_BACKTRACE_H

#include <stdint.h>

/* Print "SYMBOL+0xOFF (0xADDR)", or just the address when unknown. */
void backtrace_print_addr(uintptr_t addr);

/*
 * Print a backtrace starting at instruction eip in the frame whose base
 * pointer is ebp. Stops at a null, misaligned, non-kernel or non-increasing
 * frame pointer, or after a fixed number of frames. Never faults on a sane
 * stack; callable with interrupts disabled.
 */
void backtrace_print(uintptr_t eip, uintptr_t ebp);

/* Print a backtrace of the caller. */
void backtrace_print_here(void);

#endif /* I386_BACKTRACE_H */
