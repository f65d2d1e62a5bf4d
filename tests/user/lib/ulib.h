/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Freestanding helpers of the user test programs: string functions, a
 * small formatter, console output through the mach_print trap, and TAP.
 *
 * Output contract (doc/testing.md, "User test programs"): every line a
 * program prints starts with "user-test NAME: ", NAME being argv[0], so
 * that tests/boot/judge-user can tell programs apart on one console. A
 * program defines int main(int argc, char **argv, char **envp), calls
 * tap_plan() once, then tap_ok() per check; when main returns, the start
 * code (crt.c) calls tap_done(): summary, "done", task_terminate.
 *
 * Single-threaded programs only: no locks.
 */
#ifndef TESTS_USER_ULIB_H
#define TESTS_USER_ULIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mach_traps.h"

size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
void *memset(void *dest, int c, size_t n);
void *memcpy(void *restrict dest, const void *restrict src, size_t n);
int memcmp(const void *a, const void *b, size_t n);

/*
 * Format into buf[size] (always NUL-terminated when size > 0); returns
 * the length the whole output needs. Conversions: %d %i %u %x %X %p %s
 * %c %%, with an optional '0' flag, a width, and the 'l' modifier
 * (ignored: int and long are both 32 bits).
 */
int u_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int u_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Print one line "user-test NAME: TEXT" (the newline is added; at most 255 bytes). */
void u_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* TAP: the plan, one result per check (returns cond), a comment. */
void tap_plan(unsigned int count);
bool tap_ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define tap_diag(...) u_printf("# " __VA_ARGS__)

/* Print "# P passed, F failed" and "done": the results are complete. */
void tap_finish(void);

/*
 * Print "# P passed, F failed" and "done", then terminate this task.
 * Does not return: if the trap fails, the program stops on ud2.
 */
void tap_done(void) __attribute__((noreturn));

/* A decimal number at the start of s (a port name the boot script gave); 0 for none. */
unsigned int u_parse_uint(const char *s);

/* The time-stamp counter: the guest's instructions under QEMU -icount shift=0,sleep=off. */
static inline uint64_t
u_rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* Benchmarks: the TSC ticks of an empty loop of n rounds, as measured loops run it. */
uint64_t u_bench_empty(unsigned int n);

/* Print "# bench: WHAT: X.YY instructions (N runs)": (total - empty) / n. */
void u_bench_report(const char *what, uint64_t total, uint64_t empty, unsigned int n);

/* Name of this program (argv[0], or "?" if there is none; set by crt.c). */
extern const char *u_progname;

#endif /* TESTS_USER_ULIB_H */
