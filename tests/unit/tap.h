/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Minimal TAP producer for host unit tests.
 *
 * A test program calls tap_check() (or TAP_CHECK) once per named check and
 * tap_done() at the end, which prints the plan line and returns the exit
 * status (non-zero when any check failed). Output goes to stdout as
 * "ok N - name" / "not ok N - name", the format make check counts.
 */
#ifndef TESTS_UNIT_TAP_H
#define TESTS_UNIT_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_count;
static int tap_failed;

static inline __attribute__((format(printf, 2, 3))) int
tap_check(int cond, const char *fmt, ...)
{
    va_list ap;

    tap_count++;
    if (!cond) {
        tap_failed++;
    }
    printf("%sok %d - ", cond ? "" : "not ", tap_count);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    return cond;
}

/* Print a diagnostic line (TAP comment). */
#define tap_diag(...) do { printf("# "); printf(__VA_ARGS__); printf("\n"); } while (0)

/* Check an expression; the check is named after the expression text. */
#define TAP_CHECK(expr) tap_check(!!(expr), "%s:%d: %s", __FILE__, __LINE__, #expr)

static inline int
tap_done(void)
{
    printf("1..%d\n", tap_count);
    return tap_failed ? 1 : 0;
}

#endif /* TESTS_UNIT_TAP_H */
