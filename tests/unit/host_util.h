/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small helpers shared by the host unit tests (and, through
 * tests/bench/bench_util.h, the host benchmarks).
 */
#ifndef TESTS_UNIT_HOST_UTIL_H
#define TESTS_UNIT_HOST_UTIL_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Advance a xorshift64 (13, 7, 17) generator and return its new state. */
static inline uint64_t
host_xorshift64(uint64_t *state)
{
    uint64_t x = *state;

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    return x;
}

/* Body of a plain panic(): print "panic: <message>" to stderr and abort. */
static inline __attribute__((noreturn)) void
host_vpanic(const char *fmt, va_list ap)
{
    fprintf(stderr, "panic: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    abort();
}

#endif /* TESTS_UNIT_HOST_UTIL_H */
