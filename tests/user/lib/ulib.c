/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Freestanding helpers of the user test programs (interface: ulib.h).
 *
 * Design: nothing here may depend on a C library or on anything the
 * kernel does not provide yet, so each function is the simplest
 * byte-by-byte version, and output is one mach_print call per line
 * (a line from one program never mixes with another's on the console).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "ulib.h"

const char *u_progname = "?";
static unsigned int u_tap_count, u_tap_failed;

size_t
strlen(const char *s)
{
    size_t n = 0;

    while (s[n] != '\0') {
        n++;
    }
    return n;
}

int
strcmp(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

void *
memset(void *dest, int c, size_t n)
{
    unsigned char *d = dest;

    while (n-- > 0) {
        *d++ = (unsigned char)c;
    }
    return dest;
}

void *
memcpy(void *restrict dest, const void *restrict src, size_t n)
{
    unsigned char *d = dest;
    const unsigned char *s = src;

    while (n-- > 0) {
        *d++ = *s++;
    }
    return dest;
}

int
memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) {
            return x[i] - y[i];
        }
    }
    return 0;
}

struct out {
    char *buf;
    size_t size, len;
};

static void
out_char(struct out *o, char c)
{
    if (o->len + 1 < o->size) {
        o->buf[o->len] = c;
    }
    o->len++;
}

static void
out_number(struct out *o, unsigned int value, unsigned int base, bool upper, bool negative,
           unsigned int width, char pad)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[12];
    unsigned int n = 0;

    do {
        tmp[n++] = digits[value % base];
        value /= base;
    } while (value != 0);
    if (negative) {
        if (pad == '0') {
            out_char(o, '-');
        } else {
            tmp[n++] = '-';
        }
        width = width > 0 ? width - 1 : 0;
    }
    for (unsigned int i = n; i < width; i++) {
        out_char(o, pad);
    }
    while (n > 0) {
        out_char(o, tmp[--n]);
    }
}

int
u_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };

    for (; *fmt != '\0'; fmt++) {
        unsigned int width = 0;
        char pad = ' ';

        if (*fmt != '%') {
            out_char(&o, *fmt);
            continue;
        }
        fmt++;
        if (*fmt == '0') {
            pad = '0';
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9') {
            width = width * 10 + (unsigned int)(*fmt++ - '0');
        }
        if (*fmt == 'l') {
            fmt++;
        }
        switch (*fmt) {
        case 'd':
        case 'i': {
            int v = va_arg(ap, int);
            out_number(&o, v < 0 ? 0u - (unsigned int)v : (unsigned int)v, 10, false, v < 0,
                       width, pad);
            break;
        }
        case 'u':
            out_number(&o, va_arg(ap, unsigned int), 10, false, false, width, pad);
            break;
        case 'x':
        case 'X':
            out_number(&o, va_arg(ap, unsigned int), 16, *fmt == 'X', false, width, pad);
            break;
        case 'p':
            out_char(&o, '0');
            out_char(&o, 'x');
            out_number(&o, (unsigned int)(size_t)va_arg(ap, void *), 16, false, false, 8, '0');
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (s == NULL) {
                s = "(null)";
            }
            for (size_t n = strlen(s); n < width; n++) {
                out_char(&o, ' ');
            }
            while (*s != '\0') {
                out_char(&o, *s++);
            }
            break;
        }
        case 'c':
            out_char(&o, (char)va_arg(ap, int));
            break;
        case '%':
            out_char(&o, '%');
            break;
        default:
            /* Unknown conversion: print it as it is; a lone '%' at the end too. */
            out_char(&o, '%');
            if (*fmt == '\0') {
                fmt--;
            } else {
                out_char(&o, *fmt);
            }
            break;
        }
    }
    if (size > 0) {
        buf[o.len < size ? o.len : size - 1] = '\0';
    }
    return (int)o.len;
}

int
u_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = u_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

static void
u_vprintf_line(const char *fmt, va_list ap)
{
    char line[256];
    size_t n = (size_t)u_snprintf(line, sizeof(line) - 1, "user-test %s: ", u_progname);

    if (n < sizeof(line) - 2) {
        n += (size_t)u_vsnprintf(line + n, sizeof(line) - 1 - n, fmt, ap);
    }
    if (n > sizeof(line) - 2) {
        n = sizeof(line) - 2;
    }
    line[n] = '\n';
    line[n + 1] = '\0';
    mach_print(line);
}

void
u_printf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    u_vprintf_line(fmt, ap);
    va_end(ap);
}

void
tap_plan(unsigned int count)
{
    u_printf("1..%u", count);
}

bool
tap_ok(bool cond, const char *fmt, ...)
{
    char text[200];
    va_list ap;

    va_start(ap, fmt);
    u_vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    u_tap_count++;
    u_tap_failed += !cond;
    u_printf("%sok %u - %s", cond ? "" : "not ", u_tap_count, text);
    return cond;
}

void
tap_finish(void)
{
    u_printf("# %u passed, %u failed", u_tap_count - u_tap_failed, u_tap_failed);
    u_printf("done");
}

void
tap_done(void)
{
    kern_return_t kr;

    tap_finish();
    kr = syscall_task_terminate(mach_task_self());
    u_printf("# task_terminate returned %d", kr);
    __builtin_trap();
}

unsigned int
u_parse_uint(const char *s)
{
    unsigned int n = 0;

    while (s != NULL && *s >= '0' && *s <= '9') {
        n = n * 10 + (unsigned int)(*s++ - '0');
    }
    return n;
}

uint64_t
u_bench_empty(unsigned int n)
{
    uint64_t t = u_rdtsc();

    for (unsigned int i = 0; i < n; i++) {
        __asm__ volatile("" : : : "memory");
    }
    return u_rdtsc() - t;
}

void
u_bench_report(const char *what, uint64_t total, uint64_t empty, unsigned int n)
{
    uint64_t per100 = total > empty ? (total - empty) * 100 / n : 0;

    tap_diag("bench: %s: %u.%02u instructions (%u runs)", what, (unsigned int)(per100 / 100),
             (unsigned int)(per100 % 100), n);
}
