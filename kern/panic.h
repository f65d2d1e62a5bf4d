/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * panic() for broken invariants, and assert().
 *
 * Never use these for exhaustion or bad input: return an error instead.
 */
#ifndef KERN_PANIC_H
#define KERN_PANIC_H

#include <kern/macros.h>

/*
 * Print "panic: MESSAGE" and a backtrace, then stop: run the panic hook
 * (under `test=`, the test harness reports the running test as failed and
 * QEMU exits), then halt. Callable from any context; a panic inside a
 * panic just halts.
 */
void panic(const char *fmt, ...) __noreturn __format_printf(1, 2);

/*
 * Stop after a fatal event whose details were already printed (a trap
 * handler's register dump). Same ending as panic().
 */
void panic_fatal(const char *what) __noreturn;

/*
 * Make fn run when the kernel stops (panic(), panic_fatal()), once, after
 * the message and with interrupts off; what names the event ("panic",
 * "kernel trap", ...). The test harness installs one so that a failure
 * ends a test run with an exit status instead of a hang. fn may end the
 * machine; if it returns, the machine halts. One hook: a later call
 * replaces it, NULL removes it. Call before other CPUs can panic.
 */
void panic_hook_set(void (*fn)(const char *what));

#ifdef CONFIG_DEBUG
#define assert(expr)                                                        \
    do {                                                                    \
        if (unlikely(!(expr))) {                                            \
            panic("assertion failed: %s (%s:%d, %s)", #expr, __FILE__,      \
                  __LINE__, __func__);                                      \
        }                                                                   \
    } while (0)
#else
#define assert(expr)            ((void)sizeof(expr))
#endif

/* Compile-time assertion. */
#define static_assert_msg(expr, msg) _Static_assert(expr, msg)

#endif /* KERN_PANIC_H */
