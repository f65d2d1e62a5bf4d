/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * printf engine.
 *
 * Design: one formatter, printf_format(), writes characters into a
 * struct printf_out. For vsnprintf the output is the caller's buffer and
 * characters beyond its end are only counted (C99 return value); for
 * vprintf it is a small on-stack chunk handed to console_write() each
 * time it fills, so console output is never truncated and needs no
 * allocation. Every va_arg() happens in printf_format() or its argument
 * helpers through a pointer to a va_copy()'d list, which is portable even
 * where va_list is an array type (x86_64 host tests).
 *
 * Integers are fetched as their exact C type, widened to unsigned long
 * long plus a sign, and converted to digits backwards into a 24-byte
 * buffer (22 octal digits hold 64 bits). Base 8 and 16 use shifts; base
 * 10 divides 64-bit values using 32-bit divisions only (long division in
 * base 2^16), so i386 needs no libgcc helper here.
 *
 * Choices where C leaves room or the kernel differs from libc:
 * - %s of NULL prints "(null)", which precision may cut like any string;
 * - %p of NULL prints "(nil)" (width and '-' honored); otherwise %p is
 *   %#x of the pointer value with its flags, width and precision, and
 *   '+' or ' ' puts a sign before the "0x", as glibc does;
 * - an unknown conversion (and %n, which is never supported) is copied
 *   out literally, from its '%' to its conversion character; '*'
 *   arguments it named are consumed; an incomplete specification at the
 *   end of the format is copied out as is;
 * - length modifiers are ignored for %c, %s and %p (no wide characters);
 * - width and precision saturate at INT_MAX; output longer than INT_MAX
 *   makes the functions return -1.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kern/console.h>
#include <kern/macros.h>
#include <kern/printf.h>

#define PRINTF_INT_MAX          ((unsigned int)__INT_MAX__)

/* Size of the on-stack chunk printf() fills before calling console_write(). */
#define PRINTF_CHUNK_SIZE       128

/* Enough for 64 bits in octal (22 digits), the smallest base. */
#define PRINTF_DIGITS_SIZE      24

#define PRINTF_LEFT             0x01    /* '-' */
#define PRINTF_ZERO             0x02    /* '0' */
#define PRINTF_PLUS             0x04    /* '+' */
#define PRINTF_SPACE            0x08    /* ' ' */
#define PRINTF_ALT              0x10    /* '#' */

enum printf_length {
    PRINTF_LENGTH_NONE,
    PRINTF_LENGTH_HH,
    PRINTF_LENGTH_H,
    PRINTF_LENGTH_L,
    PRINTF_LENGTH_LL,
    PRINTF_LENGTH_Z,
    PRINTF_LENGTH_T,
    PRINTF_LENGTH_J,
};

_Static_assert(sizeof(uintmax_t) <= sizeof(unsigned long long),
               "intmax_t wider than long long");
_Static_assert(sizeof(size_t) == sizeof(ptrdiff_t),
               "%zd and %tu read size_t/ptrdiff_t for each other");

struct printf_out {
    char *buf;
    size_t cap;             /* characters buf holds (snprintf: size - 1) */
    size_t len;             /* characters stored in buf */
    size_t total;           /* characters produced, saturating at INT_MAX + 1 */
    bool console;           /* full buf: flush to console, else drop */
};

struct printf_spec {
    unsigned int flags;
    unsigned int width;
    int precision;          /* -1: none */
    enum printf_length length;
};

static void
printf_putc(struct printf_out *out, char c)
{
    if (out->total <= PRINTF_INT_MAX) {
        out->total++;
    }
    if (out->len == out->cap) {
        if (!out->console) {
            return;
        }
        console_write(out->buf, out->len);
        out->len = 0;
    }
    out->buf[out->len++] = c;
}

static void
printf_write(struct printf_out *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        printf_putc(out, s[i]);
    }
}

static void
printf_pad(struct printf_out *out, char c, size_t n)
{
    while (n-- > 0) {
        printf_putc(out, c);
    }
}

/* Parse a decimal number at *fmtp, saturating at INT_MAX. */
static unsigned int
printf_parse_number(const char **fmtp)
{
    const char *fmt = *fmtp;
    unsigned int n = 0;

    while (*fmt >= '0' && *fmt <= '9') {
        unsigned int digit = (unsigned int)(*fmt - '0');

        n = (n > (PRINTF_INT_MAX - digit) / 10) ? PRINTF_INT_MAX : n * 10 + digit;
        fmt++;
    }
    *fmtp = fmt;
    return n;
}

/*
 * Divide *value by 10 and return the remainder. Values above 32 bits use
 * long division in base 2^16: each partial dividend is below 10 * 2^16,
 * so a 32-bit division is exact.
 */
static unsigned int
printf_divmod10(unsigned long long *value)
{
    unsigned long long v = *value, q = 0;
    uint32_t rem = 0;

    if (v <= UINT32_MAX) {
        uint32_t v32 = (uint32_t)v;

        *value = v32 / 10;
        return v32 % 10;
    }
    for (int shift = 48; shift >= 0; shift -= 16) {
        uint32_t cur = (rem << 16) | (uint32_t)((v >> shift) & 0xffff);

        q |= (unsigned long long)(cur / 10) << shift;
        rem = cur % 10;
    }
    *value = q;
    return rem;
}

/* Write the digits of value in base 8, 10 or 16 ending at end; return their count. */
static size_t
printf_digits(char *end, unsigned long long value, unsigned int base, bool upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char *p = end;

    do {
        unsigned int d;

        if (base == 10) {
            d = printf_divmod10(&value);
        } else {
            unsigned int shift = (base == 16) ? 4 : 3;

            d = (unsigned int)(value & (base - 1));
            value >>= shift;
        }
        *--p = digits[d];
    } while (value != 0);
    return (size_t)(end - p);
}

/* Pad a field of len characters to the width, on the side flags say. */
static void
printf_pad_left(struct printf_out *out, const struct printf_spec *spec, size_t len)
{
    if (!(spec->flags & PRINTF_LEFT) && spec->width > len) {
        printf_pad(out, ' ', spec->width - len);
    }
}

static void
printf_pad_right(struct printf_out *out, const struct printf_spec *spec, size_t len)
{
    if ((spec->flags & PRINTF_LEFT) && spec->width > len) {
        printf_pad(out, ' ', spec->width - len);
    }
}

/* The sign character flags ask for on a non-negative value, 0 for none. */
static char
printf_positive_sign(unsigned int flags)
{
    if (flags & PRINTF_PLUS) {
        return '+';
    }
    return (flags & PRINTF_SPACE) ? ' ' : 0;
}

/*
 * Format an integer conversion: [spaces][sign or 0x][zeros][digits][spaces].
 * sign is '-', '+', ' ' or 0 for none.
 */
static void
printf_format_int(struct printf_out *out, const struct printf_spec *spec,
                  unsigned long long value, char sign, unsigned int base,
                  bool upper)
{
    char buf[PRINTF_DIGITS_SIZE];
    char prefix[2];
    size_t ndigits, nprefix = 0, nzeros = 0, len;

    if (value == 0 && spec->precision == 0) {
        ndigits = 0;
    } else {
        ndigits = printf_digits(buf + sizeof(buf), value, base, upper);
    }
    if (spec->precision >= 0 && (size_t)spec->precision > ndigits) {
        nzeros = (size_t)spec->precision - ndigits;
    }
    if (sign != 0) {
        prefix[nprefix++] = sign;
    }
    if (spec->flags & PRINTF_ALT) {
        if (base == 8 && nzeros == 0 && (ndigits == 0 || value != 0)) {
            nzeros = 1;         /* octal: force a leading zero */
        } else if (base == 16 && value != 0) {
            prefix[nprefix++] = '0';
            prefix[nprefix++] = upper ? 'X' : 'x';
        }
    }
    len = nprefix + nzeros + ndigits;
    if ((spec->flags & (PRINTF_LEFT | PRINTF_ZERO)) == PRINTF_ZERO
        && spec->precision < 0 && spec->width > len) {
        nzeros += spec->width - len;
        len = spec->width;
    }
    printf_pad_left(out, spec, len);
    printf_write(out, prefix, nprefix);
    printf_pad(out, '0', nzeros);
    printf_write(out, buf + sizeof(buf) - ndigits, ndigits);
    printf_pad_right(out, spec, len);
}

static void
printf_format_string(struct printf_out *out, const struct printf_spec *spec,
                     const char *s)
{
    size_t len = 0;

    if (s == NULL) {
        s = "(null)";
    }
    while ((spec->precision < 0 || len < (size_t)spec->precision) && s[len] != '\0') {
        len++;
    }
    printf_pad_left(out, spec, len);
    printf_write(out, s, len);
    printf_pad_right(out, spec, len);
}

static long long
printf_arg_signed(va_list *ap, enum printf_length length)
{
    switch (length) {
    case PRINTF_LENGTH_HH:
        return (signed char)va_arg(*ap, int);
    case PRINTF_LENGTH_H:
        return (short)va_arg(*ap, int);
    case PRINTF_LENGTH_L:
        return va_arg(*ap, long);
    case PRINTF_LENGTH_LL:
        return va_arg(*ap, long long);
    case PRINTF_LENGTH_Z:
    case PRINTF_LENGTH_T:
        return va_arg(*ap, ptrdiff_t);
    case PRINTF_LENGTH_J:
        return va_arg(*ap, intmax_t);
    default:
        return va_arg(*ap, int);
    }
}

static unsigned long long
printf_arg_unsigned(va_list *ap, enum printf_length length)
{
    switch (length) {
    case PRINTF_LENGTH_HH:
        return (unsigned char)va_arg(*ap, unsigned int);
    case PRINTF_LENGTH_H:
        return (unsigned short)va_arg(*ap, unsigned int);
    case PRINTF_LENGTH_L:
        return va_arg(*ap, unsigned long);
    case PRINTF_LENGTH_LL:
        return va_arg(*ap, unsigned long long);
    case PRINTF_LENGTH_Z:
    case PRINTF_LENGTH_T:
        return va_arg(*ap, size_t);
    case PRINTF_LENGTH_J:
        return va_arg(*ap, uintmax_t);
    default:
        return va_arg(*ap, unsigned int);
    }
}

/* Parse flags, width, precision and length; *fmtp ends on the conversion. */
static void
printf_parse_spec(const char **fmtp, va_list *ap, struct printf_spec *spec)
{
    const char *fmt = *fmtp;

    spec->flags = 0;
    for (;; fmt++) {
        if (*fmt == '-') {
            spec->flags |= PRINTF_LEFT;
        } else if (*fmt == '0') {
            spec->flags |= PRINTF_ZERO;
        } else if (*fmt == '+') {
            spec->flags |= PRINTF_PLUS;
        } else if (*fmt == ' ') {
            spec->flags |= PRINTF_SPACE;
        } else if (*fmt == '#') {
            spec->flags |= PRINTF_ALT;
        } else {
            break;
        }
    }

    if (*fmt == '*') {
        int width = va_arg(*ap, int);

        fmt++;
        if (width < 0) {
            spec->flags |= PRINTF_LEFT;
            spec->width = MIN(0u - (unsigned int)width, PRINTF_INT_MAX);
        } else {
            spec->width = (unsigned int)width;
        }
    } else {
        spec->width = printf_parse_number(&fmt);
    }

    spec->precision = -1;
    if (*fmt == '.') {
        fmt++;
        if (*fmt == '*') {
            int precision = va_arg(*ap, int);

            fmt++;
            spec->precision = (precision < 0) ? -1 : precision;
        } else {
            spec->precision = (int)printf_parse_number(&fmt);
        }
    }

    switch (*fmt) {
    case 'h':
        fmt++;
        spec->length = PRINTF_LENGTH_H;
        if (*fmt == 'h') {
            fmt++;
            spec->length = PRINTF_LENGTH_HH;
        }
        break;
    case 'l':
        fmt++;
        spec->length = PRINTF_LENGTH_L;
        if (*fmt == 'l') {
            fmt++;
            spec->length = PRINTF_LENGTH_LL;
        }
        break;
    case 'z':
        fmt++;
        spec->length = PRINTF_LENGTH_Z;
        break;
    case 't':
        fmt++;
        spec->length = PRINTF_LENGTH_T;
        break;
    case 'j':
        fmt++;
        spec->length = PRINTF_LENGTH_J;
        break;
    default:
        spec->length = PRINTF_LENGTH_NONE;
        break;
    }
    *fmtp = fmt;
}

static void
printf_format(struct printf_out *out, const char *fmt, va_list *ap)
{
    while (*fmt != '\0') {
        struct printf_spec spec;
        const char *start;

        if (*fmt != '%') {
            printf_putc(out, *fmt++);
            continue;
        }
        start = fmt++;
        printf_parse_spec(&fmt, ap, &spec);

        switch (*fmt) {
        case 'd':
        case 'i': {
            long long v = printf_arg_signed(ap, spec.length);
            char sign = (v < 0) ? '-' : printf_positive_sign(spec.flags);

            printf_format_int(out, &spec,
                              (v < 0) ? 0ULL - (unsigned long long)v : (unsigned long long)v,
                              sign, 10, false);
            break;
        }
        case 'u':
            printf_format_int(out, &spec, printf_arg_unsigned(ap, spec.length), 0, 10, false);
            break;
        case 'x':
        case 'X':
            printf_format_int(out, &spec, printf_arg_unsigned(ap, spec.length), 0, 16,
                              *fmt == 'X');
            break;
        case 'o':
            printf_format_int(out, &spec, printf_arg_unsigned(ap, spec.length), 0, 8, false);
            break;
        case 'p': {
            void *p = va_arg(*ap, void *);

            if (p == NULL) {
                spec.precision = -1;
                printf_format_string(out, &spec, "(nil)");
            } else {
                spec.flags |= PRINTF_ALT;
                printf_format_int(out, &spec, (uintptr_t)p,
                                  printf_positive_sign(spec.flags), 16, false);
            }
            break;
        }
        case 'c': {
            char c = (char)va_arg(*ap, int);

            printf_pad_left(out, &spec, 1);
            printf_putc(out, c);
            printf_pad_right(out, &spec, 1);
            break;
        }
        case 's':
            printf_format_string(out, &spec, va_arg(*ap, const char *));
            break;
        case '%':
            printf_putc(out, '%');
            break;
        case '\0':
            /* Incomplete specification ending the format. */
            printf_write(out, start, (size_t)(fmt - start));
            return;
        default:
            printf_write(out, start, (size_t)(fmt - start) + 1);
            break;
        }
        fmt++;
    }
}

static int
printf_result(const struct printf_out *out)
{
    return (out->total > PRINTF_INT_MAX) ? -1 : (int)out->total;
}

int
vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct printf_out out = {
        .buf = buf,
        .cap = (size > 0) ? size - 1 : 0,
        .console = false,
    };
    va_list aq;

    va_copy(aq, ap);
    printf_format(&out, fmt, &aq);
    va_end(aq);
    if (size > 0) {
        buf[out.len] = '\0';
    }
    return printf_result(&out);
}

int
snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int ret;

    va_start(ap, fmt);
    ret = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return ret;
}

int
vprintf(const char *fmt, va_list ap)
{
    char chunk[PRINTF_CHUNK_SIZE];
    struct printf_out out = {
        .buf = chunk,
        .cap = sizeof(chunk),
        .console = true,
    };
    va_list aq;

    va_copy(aq, ap);
    printf_format(&out, fmt, &aq);
    va_end(aq);
    if (out.len > 0) {
        console_write(chunk, out.len);
    }
    return printf_result(&out);
}

int
printf(const char *fmt, ...)
{
    va_list ap;
    int ret;

    va_start(ap, fmt);
    ret = vprintf(fmt, ap);
    va_end(ap);
    return ret;
}
