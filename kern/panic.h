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
 * Print "panic: MESSAGE" and a backtrace, then stop: a running in-kernel
 * test is reported as failed and QEMU exits; otherwise the machine halts.
 * Callable from any context; a panic inside a panic just halts.
 */
void panic(const char *fmt, ...) __noreturn __format_printf(1, 2);

/*
 * Stop after a fatal event whose details were already printed (a trap
 * handler's register dump). Same ending as panic().
 */
void panic_fatal(const char *what) __noreturn;

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
