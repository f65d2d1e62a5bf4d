/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Formatted output: snprintf into a buffer, printf to the console.
 *
 * Conversions: %d %i %u %x %X %o %c %s %p %%, flags '-' '0' '+' ' ' '#',
 * field width and precision (both may be '*'), length modifiers
 * hh h l ll z t j (64-bit values work on i386). %s of NULL prints
 * "(null)"; %p prints "0x" and lowercase hex digits, "(nil)" for NULL.
 * Anything else (including %n, %f, an incomplete specification at the
 * end of the format) is copied to the output literally. doc/klib.md has
 * the details.
 *
 * None of these functions lock; they only touch the caller's buffer and
 * their own stack. Width and precision above INT_MAX are clamped to it.
 */
#ifndef KERN_PRINTF_H
#define KERN_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

#include <kern/macros.h>

/*
 * Format into buf, writing at most size bytes including the terminating
 * NUL (buf is always NUL-terminated when size > 0; buf may be NULL when
 * size is 0). Returns the length the full output has, whether or not it
 * fit (C99), or -1 when that length exceeds INT_MAX.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __format_printf(3, 0);

/* vsnprintf() with a variable argument list. */
int snprintf(char *buf, size_t size, const char *fmt, ...)
    __format_printf(3, 4);

/*
 * Format and write the result to the console with console_write(), in
 * chunks of a small on-stack buffer (output is never truncated). Callable
 * from any context console_write() allows; output of concurrent callers
 * may interleave at chunk boundaries. Returns the number of bytes
 * written, or -1 when that exceeds INT_MAX.
 */
int vprintf(const char *fmt, va_list ap) __format_printf(1, 0);

/* vprintf() with a variable argument list. */
int printf(const char *fmt, ...) __format_printf(1, 2);

#endif /* KERN_PRINTF_H */
