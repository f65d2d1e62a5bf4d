/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small helper macros shared by kernel and host builds.
 */
#ifndef KERN_MACROS_H
#define KERN_MACROS_H

#define ARRAY_SIZE(a)           (sizeof(a) / sizeof((a)[0]))

#define likely(x)               __builtin_expect(!!(x), 1)
#define unlikely(x)             __builtin_expect(!!(x), 0)

/* Power-of-two alignment helpers; 'a' must be a power of two. */
#define P2ALIGNED(x, a)         (((x) & ((a) - 1)) == 0)
#define P2ROUND(x, a)           (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define P2TRUNC(x, a)           ((x) & ~((__typeof__(x))(a) - 1))

#define MIN(a, b)               ((a) < (b) ? (a) : (b))
#define MAX(a, b)               ((a) > (b) ? (a) : (b))
#define DIV_CEIL(n, d)          (((n) + (d) - 1) / (d))

#define structof(ptr, type, member) \
    ((type *)((char *)(ptr) - __builtin_offsetof(type, member)))

#define __noreturn              __attribute__((noreturn))
#define __aligned(x)            __attribute__((aligned(x)))
#define __packed                __attribute__((packed))
#define __used                  __attribute__((used))
#define __section(s)            __attribute__((section(s)))
#define __format_printf(f, a)   __attribute__((format(__printf__, f, a)))

#define STRINGIFY_(x)           #x
#define STRINGIFY(x)            STRINGIFY_(x)

#endif /* KERN_MACROS_H */
