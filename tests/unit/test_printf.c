/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host test of kern/printf.c, with the C library's snprintf as the
 * reference model.
 *
 * printf.mk renames the kernel functions (snprintf -> ksnprintf, ...) on
 * the command line; this file undoes the renaming before including any
 * header, so snprintf here is the C library's and the kernel's functions
 * are reached as k*. Checks:
 * - hand-picked formats (every flag, width, precision and length
 *   modifier, extreme values, truncation, size 0), each compared with
 *   snprintf over the whole buffer, bytes past the size included;
 * - the kernel's own choices (NULL %s, unknown conversions), compared
 *   with fixed expected strings;
 * - tens of thousands of random (format, value, size) combinations from
 *   a fixed-seed generator, limited to what C defines (no flag a
 *   conversion does not take);
 * - kprintf/kvprintf output captured from a console_write() stub.
 */
#undef vsnprintf
#undef snprintf
#undef vprintf
#undef printf

#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <kern/console.h>
#include <kern/macros.h>
#include "tests/unit/tap.h"

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap) __format_printf(3, 0);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __format_printf(3, 4);
int kvprintf(const char *fmt, va_list ap) __format_printf(1, 0);
int kprintf(const char *fmt, ...) __format_printf(1, 2);

#define BUF_SIZE        256
#define GUARD           0x5a

/* Compare a reference and a kernel result, buffers included in full. */
static void
check_same(int line, const char *args, size_t size, const char *ref, int ref_ret,
           const char *got, int got_ret)
{
    bool ok = ref_ret == got_ret && memcmp(ref, got, BUF_SIZE) == 0;

    tap_check(ok, "line %d: snprintf(buf, %zu, %s) = %d", line, size, args, ref_ret);
    if (!ok) {
        tap_diag("expected \"%.*s\" (%d), got \"%.*s\" (%d)",
                 (int)MIN((size_t)MAX(ref_ret, 0), size), ref, ref_ret,
                 (int)MIN((size_t)MAX(got_ret, 0), size), got, got_ret);
    }
}

/* Run snprintf and ksnprintf with the same size and arguments. */
#define CHECK_N(size, ...)                                                  \
    do {                                                                    \
        char ref_[BUF_SIZE], got_[BUF_SIZE];                                \
        int ref_ret_, got_ret_;                                             \
                                                                            \
        memset(ref_, GUARD, sizeof(ref_));                                  \
        memset(got_, GUARD, sizeof(got_));                                  \
        ref_ret_ = snprintf(ref_, (size), __VA_ARGS__);                     \
        got_ret_ = ksnprintf(got_, (size), __VA_ARGS__);                    \
        check_same(__LINE__, #__VA_ARGS__, (size), ref_, ref_ret_,          \
                   got_, got_ret_);                                         \
    } while (0)

#define CHECK(...) CHECK_N(BUF_SIZE, __VA_ARGS__)

/*
 * The same through a function without format checking, for formats gcc
 * rightly warns about but C defines (ignored flags, empty format,
 * truncation).
 */
static void
check_unchecked(int line, size_t size, const char *fmt, ...)
{
    char ref[BUF_SIZE], got[BUF_SIZE], args[BUF_SIZE];
    va_list ap, aq;
    int ref_ret, got_ret;

    memset(ref, GUARD, sizeof(ref));
    memset(got, GUARD, sizeof(got));
    va_start(ap, fmt);
    va_copy(aq, ap);
    ref_ret = vsnprintf(ref, size, fmt, ap);
    got_ret = kvsnprintf(got, size, fmt, aq);
    va_end(aq);
    va_end(ap);
    snprintf(args, sizeof(args), "\"%s\", ...", fmt);
    check_same(line, args, size, ref, ref_ret, got, got_ret);
}

#define CHECK_UNCHECKED_N(size, ...) check_unchecked(__LINE__, size, __VA_ARGS__)
#define CHECK_UNCHECKED(...) check_unchecked(__LINE__, BUF_SIZE, __VA_ARGS__)

static void
test_reference_cases(void)
{
    /* Plain text and %%. */
    CHECK_UNCHECKED("");
    CHECK("hello, world");
    CHECK("%%");
    CHECK("100%% sure %d%%", 5);

    /* %d and %i: flags, width, precision. */
    CHECK("%d", 0);
    CHECK("%d", 1);
    CHECK("%d", -1);
    CHECK("%i", -12345);
    CHECK("%d", INT_MAX);
    CHECK("%d", INT_MIN);
    CHECK("[%5d]", 42);
    CHECK("[%-5d]", 42);
    CHECK("[%05d]", 42);
    CHECK("[%05d]", -42);
    CHECK("[%+d]", 42);
    CHECK("[%+d]", 0);
    CHECK("[%+d]", -42);
    CHECK("[% d]", 42);
    CHECK("[% d]", -42);
    CHECK_UNCHECKED("[%+ d]", 42);
    CHECK("[% 5d]", 42);
    CHECK("[%+5d]", 42);
    CHECK("[%-+5d]", 42);
    CHECK("[% 05d]", 42);
    CHECK("[%+05d]", 42);
    CHECK_UNCHECKED("[%-05d]", 42);
    CHECK("[%.3d]", 42);
    CHECK("[%.3d]", -42);
    CHECK("[%.0d]", 0);
    CHECK("[%.d]", 0);
    CHECK("[%+.0d]", 0);
    CHECK("[% .0d]", 0);
    CHECK("[%5.0d]", 0);
    CHECK("[%-5.0d]", 0);
    CHECK("[%.0d]", 7);
    CHECK("[%8.3d]", -42);
    CHECK_UNCHECKED("[%08.3d]", -42);
    CHECK("[%-8.3d]", -42);
    CHECK("[%3d]", 123456);
    CHECK("[%.2d]", 123456);
    CHECK("[%*d]", 6, 42);
    CHECK("[%*d]", -6, 42);
    CHECK("[%-*d]", 6, 42);
    CHECK("[%-*d]", -6, 42);
    CHECK("[%0*d]", 6, -42);
    CHECK("[%.*d]", 4, 42);
    CHECK("[%.*d]", -1, 42);
    CHECK("[%.*d]", 0, 0);
    CHECK("[%*.*d]", 8, 4, -42);
    CHECK("[%*.*d]", -8, 4, -42);
    CHECK("[%020d]", INT_MIN);
    CHECK("[%.20d]", INT_MIN);

    /* Length modifiers, signed. */
    CHECK("%hhd", (signed char)-128);
    CHECK("%hhd", 127);
    CHECK("%hhd", 200);
    CHECK("%hhi", -1);
    CHECK("%hd", SHRT_MIN);
    CHECK("%hd", 40000);
    CHECK("%ld", LONG_MIN);
    CHECK("%ld", LONG_MAX);
    CHECK("%lld", LLONG_MIN);
    CHECK("%lld", LLONG_MAX);
    CHECK("%lli", -1LL);
    CHECK("[%+25lld]", LLONG_MAX);
    CHECK("[%-25lld]", LLONG_MIN);
    CHECK("[%025lld]", LLONG_MIN);
    CHECK("[%.25lld]", LLONG_MIN);
    CHECK("%lld", 4294967296LL);
    CHECK("%lld", -4294967295LL);
    CHECK("%lld", 10000000000000000000ULL / 10 * 9 / 10);
    CHECK("%zd", (ptrdiff_t)-5);
    CHECK("%td", (ptrdiff_t)PTRDIFF_MIN);
    CHECK("%td", (ptrdiff_t)PTRDIFF_MAX);
    CHECK("%jd", (intmax_t)INTMAX_MIN);
    CHECK("%jd", (intmax_t)INTMAX_MAX);

    /* %u and unsigned lengths. */
    CHECK("%u", 0u);
    CHECK("%u", UINT_MAX);
    CHECK("[%5u]", 42u);
    CHECK("[%-5u]", 42u);
    CHECK("[%05u]", 42u);
    CHECK("[%.7u]", 42u);
    CHECK("[%.0u]", 0u);
    CHECK("%hhu", 255);
    CHECK("%hhu", 256);
    CHECK("%hu", 65535);
    CHECK("%hu", 65536);
    CHECK("%lu", ULONG_MAX);
    CHECK("%llu", 0ULL);
    CHECK("%llu", ULLONG_MAX);
    CHECK("%llu", 18446744073709551615ULL / 3);
    CHECK("%llu", 10000000000000000000ULL);
    CHECK("%llu", 9999999999999999999ULL);
    CHECK("%llu", 4294967295ULL);
    CHECK("%llu", 4294967296ULL);
    CHECK("%llu", 42949672950ULL);
    CHECK("%zu", SIZE_MAX);
    CHECK("%zu", (size_t)0);
    CHECK("%ju", UINTMAX_MAX);

    /* %x, %X, %o with '#'. */
    CHECK("%x", 0u);
    CHECK("%x", 255u);
    CHECK("%X", 255u);
    CHECK("%x", 0xdeadbeefu);
    CHECK("%X", 0xdeadbeefu);
    CHECK("%#x", 0u);
    CHECK("%#x", 255u);
    CHECK("%#X", 255u);
    CHECK("[%#08x]", 255u);
    CHECK("[%#-8x]", 255u);
    CHECK("[%#8x]", 255u);
    CHECK("[%#.4x]", 255u);
    CHECK("[%#10.4x]", 255u);
    CHECK_UNCHECKED("[%08.3x]", 255u);
    CHECK("[%#.0x]", 0u);
    CHECK("[%#5.0x]", 0u);
    CHECK("%hhx", 0x1ff);
    CHECK("%hx", 0x1ffff);
    CHECK("%lx", ULONG_MAX);
    CHECK("%llx", ULLONG_MAX);
    CHECK("%llX", 0x0123456789abcdefULL);
    CHECK("%#llx", 0x8000000000000000ULL);
    CHECK("%zx", SIZE_MAX);
    CHECK("%jx", UINTMAX_MAX);
    CHECK("%o", 0u);
    CHECK("%o", 8u);
    CHECK("%o", UINT_MAX);
    CHECK("%#o", 0u);
    CHECK("%#o", 8u);
    CHECK("[%#.0o]", 0u);
    CHECK("[%.0o]", 0u);
    CHECK("[%#.3o]", 8u);
    CHECK("[%#.5o]", 8u);
    CHECK("[%#5o]", 8u);
    CHECK("[%#05o]", 8u);
    CHECK("[%#-5o]", 8u);
    CHECK("%llo", ULLONG_MAX);
    CHECK("%#llo", ULLONG_MAX);
    CHECK("%hho", 0x1ff);

    /* %c. */
    CHECK("%c", 'A');
    CHECK("[%5c]", 'A');
    CHECK("[%-5c]", 'A');
    CHECK("[%*c]", -3, 'A');
    CHECK("[%c]", 0);
    CHECK("[%c]", 0xe9);
    CHECK("[%c]", 0x141);

    /* %s. */
    CHECK("%s", "abc");
    CHECK("%s", "");
    CHECK("[%10s]", "abc");
    CHECK("[%-10s]", "abc");
    CHECK("[%.2s]", "abc");
    CHECK("[%.0s]", "abc");
    CHECK("[%.10s]", "abc");
    CHECK("[%10.2s]", "abc");
    CHECK("[%-10.2s]", "abc");
    CHECK("[%.*s]", 3, "abcdef");
    CHECK("[%.*s]", -3, "abcdef");
    CHECK("[%*.*s]", -6, 2, "abcdef");
    CHECK("[%5s]", "");
    CHECK("[%2s]", "abcdef");

    /* %p. */
    CHECK("%p", (void *)0x1234);
    CHECK("%p", (void *)UINTPTR_MAX);
    CHECK("[%20p]", (void *)0x1234);
    CHECK("[%-20p]", (void *)0x1234);
    CHECK("%p", (void *)NULL);
    CHECK("[%8p]", (void *)NULL);
    CHECK("[%-8p]", (void *)NULL);

    /* Several conversions in one format. */
    CHECK("%d %s %x %c|%5.2s|%-4d|%llu", -3, "str", 0xabcu, 'z', "xyz", 9,
          ULLONG_MAX);
    CHECK("%s=%#x (%+.3d%%)", "flags", 0x10u, 7);

    /* Truncation and size 0 (bytes past size must stay untouched). */
    CHECK_UNCHECKED_N(0, "%d", 12345);
    CHECK_UNCHECKED_N(1, "%d", 12345);
    CHECK_UNCHECKED_N(2, "%d", 12345);
    CHECK_UNCHECKED_N(5, "%d", 12345);
    CHECK_UNCHECKED_N(6, "%d", 12345);
    CHECK_UNCHECKED_N(7, "%d", 12345);
    CHECK_UNCHECKED_N(0, "");
    CHECK_UNCHECKED_N(1, "");
    CHECK_UNCHECKED_N(3, "%s", "hello");
    CHECK_UNCHECKED_N(4, "[%10s]", "abc");
    CHECK_UNCHECKED_N(8, "%-10s|", "abc");
    CHECK_UNCHECKED_N(10, "%lld", LLONG_MIN);
    CHECK_UNCHECKED_N(3, "%#x", 0xffu);
    CHECK_UNCHECKED_N(2, "%c%c%c", 'a', 'b', 'c');

    char buf[4] = "xyz";

    TAP_CHECK(ksnprintf(NULL, 0, "%d%s", 12345, "ab") == 7);
    TAP_CHECK(ksnprintf(buf, 0, "%d", 1) == 1 && strcmp(buf, "xyz") == 0);
}

/* ksnprintf without format checking, for what the C library does differently. */
static void
check_expect(int line, const char *expect, int expect_ret, const char *fmt, ...)
{
    char got[BUF_SIZE];
    va_list ap;
    int ret;

    va_start(ap, fmt);
    ret = kvsnprintf(got, sizeof(got), fmt, ap);
    va_end(ap);
    tap_check(ret == expect_ret && strcmp(got, expect) == 0,
              "line %d: \"%s\" gives \"%s\" (%d)", line, fmt, expect, expect_ret);
    if (ret != expect_ret || strcmp(got, expect) != 0) {
        tap_diag("got \"%s\" (%d)", got, ret);
    }
}

#define CHECK_EXPECT(expect, ...) \
    check_expect(__LINE__, expect, (int)strlen(expect), __VA_ARGS__)

static void
test_kernel_choices(void)
{
    const char *null_string = NULL;

    CHECK_EXPECT("(null)", "%s", null_string);
    CHECK_EXPECT("[  (null)]", "[%8s]", null_string);
    CHECK_EXPECT("[(nu]", "[%.3s]", null_string);
    CHECK_EXPECT("0x1234", "%p", (void *)0x1234);
    CHECK_EXPECT("(nil)", "%p", (void *)NULL);
    CHECK_EXPECT("%y", "%y");
    CHECK_EXPECT("a%5yb", "a%5yb");
    CHECK_EXPECT("%-08.3hhy|", "%-08.3hhy|");
    CHECK_EXPECT("%*y|7", "%*y|%d", 5, 7);
    CHECK_EXPECT("%n", "%n");
    CHECK_EXPECT("abc%", "abc%");
    CHECK_EXPECT("abc%-5.", "abc%-5.");
    CHECK_EXPECT("%ll", "%ll");
    CHECK_EXPECT("%", "%5%");
    CHECK_EXPECT("[  A]", "[%3lc]", 'A');
}

/* Tiny xorshift generator: fixed seed, same cases on every run. */
static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t
rng64(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static unsigned int
rng(unsigned int n)
{
    return (unsigned int)(rng64() >> 32) % n;
}

/* A value biased towards edges: small, extreme, or random of random width. */
static uint64_t
random_value(void)
{
    static const uint64_t edges[] = {
        0, 1, 9, 10, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
        0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL, 999999999,
        1000000000, 4294967295ULL * 10, 0x7fffffffffffffffULL,
        0x8000000000000000ULL, 0xffffffffffffffffULL,
        10000000000000000000ULL, 9999999999999999999ULL,
    };
    uint64_t v;

    switch (rng(4)) {
    case 0:
        v = rng(601);
        v -= 300;
        return v;
    case 1:
        v = edges[rng(ARRAY_SIZE(edges))];
        return rng(2) ? v : 0 - v;
    case 2:
        return rng64();
    default:
        return rng64() >> rng(64);
    }
}

enum conv_class { CONV_SIGNED, CONV_UNSIGNED, CONV_CHAR, CONV_STRING, CONV_POINTER };

struct conv {
    char c;
    enum conv_class class;
    const char *flags;          /* the flags C defines for it */
    bool precision;
};

static const struct conv convs[] = {
    { 'd', CONV_SIGNED, "-0+ ", true },
    { 'i', CONV_SIGNED, "-0+ ", true },
    { 'u', CONV_UNSIGNED, "-0", true },
    { 'x', CONV_UNSIGNED, "-0#", true },
    { 'X', CONV_UNSIGNED, "-0#", true },
    { 'o', CONV_UNSIGNED, "-0#", true },
    { 'c', CONV_CHAR, "-", false },
    { 's', CONV_STRING, "-", true },
    { 'p', CONV_POINTER, "-", false },
};

static const char *const lengths[] = { "", "hh", "h", "l", "ll", "z", "t", "j" };

static const char *const strings[] = {
    "", "a", "hello", "with space", "0123456789abcdefghijklmnopqrstuvwxyz",
    "\xe9t\xe9",
};

/* Call snprintf and ksnprintf with 0, 1 or 2 '*' arguments before x (evaluated twice). */
#define CALL_BOTH(x)                                                        \
    do {                                                                    \
        if (nstar == 0) {                                                   \
            ref_ret = snprintf(ref, size, fmt, x);                          \
            got_ret = ksnprintf(got, size, fmt, x);                         \
        } else if (nstar == 1) {                                            \
            ref_ret = snprintf(ref, size, fmt, star[0], x);                 \
            got_ret = ksnprintf(got, size, fmt, star[0], x);                \
        } else {                                                            \
            ref_ret = snprintf(ref, size, fmt, star[0], star[1], x);        \
            got_ret = ksnprintf(got, size, fmt, star[0], star[1], x);       \
        }                                                                   \
    } while (0)

#define RANDOM_CASES    40000

static void
test_random(void)
{
    unsigned int cases[ARRAY_SIZE(convs)] = { 0 }, bad[ARRAY_SIZE(convs)] = { 0 };
    unsigned int reported = 0;

    for (int n = 0; n < RANDOM_CASES; n++) {
        size_t ci = rng(ARRAY_SIZE(convs));
        const struct conv *conv = &convs[ci];
        char fmt[64], ref[BUF_SIZE], got[BUF_SIZE];
        int star[2], nstar = 0, ref_ret = 0, got_ret = 0, pos = 0;
        size_t len = 0, size;
        uint64_t v = random_value();

        fmt[pos++] = '<';
        fmt[pos++] = '%';
        for (const char *f = conv->flags; *f != '\0'; f++) {
            if (rng(4) == 0) {
                fmt[pos++] = *f;
            }
        }
        switch (rng(3)) {
        case 0:
            break;
        case 1:
            pos += sprintf(fmt + pos, "%u", 1 + rng(25));
            break;
        default:
            fmt[pos++] = '*';
            star[nstar++] = (int)rng(51) - 25;
            break;
        }
        if (conv->precision) {
            switch (rng(4)) {
            case 0:
                break;
            case 1:
                fmt[pos++] = '.';
                break;
            case 2:
                pos += sprintf(fmt + pos, ".%u", rng(26));
                break;
            default:
                pos += sprintf(fmt + pos, ".*");
                star[nstar++] = (int)rng(29) - 3;
                break;
            }
        }
        if (conv->class == CONV_SIGNED || conv->class == CONV_UNSIGNED) {
            len = rng(ARRAY_SIZE(lengths));
            pos += sprintf(fmt + pos, "%s", lengths[len]);
        }
        pos += sprintf(fmt + pos, "%c>", conv->c);
        size = rng(4) ? rng(48) : BUF_SIZE;
        memset(ref, GUARD, sizeof(ref));
        memset(got, GUARD, sizeof(got));

        switch (conv->class) {
        case CONV_SIGNED:
            switch (len) {
            case 3: CALL_BOTH((long)v); break;
            case 4: CALL_BOTH((long long)v); break;
            case 5: case 6: CALL_BOTH((ptrdiff_t)v); break;
            case 7: CALL_BOTH((intmax_t)v); break;
            default: CALL_BOTH((int)v); break;
            }
            break;
        case CONV_UNSIGNED:
            switch (len) {
            case 3: CALL_BOTH((unsigned long)v); break;
            case 4: CALL_BOTH((unsigned long long)v); break;
            case 5: case 6: CALL_BOTH((size_t)v); break;
            case 7: CALL_BOTH((uintmax_t)v); break;
            default: CALL_BOTH((unsigned int)v); break;
            }
            break;
        case CONV_CHAR:
            CALL_BOTH((int)(v & 0xff));
            break;
        case CONV_STRING:
            CALL_BOTH(strings[v % ARRAY_SIZE(strings)]);
            break;
        case CONV_POINTER:
            if (rng(8) == 0) {
                v = 0;
            }
            CALL_BOTH((void *)(uintptr_t)v);
            break;
        }

        cases[ci]++;
        if (ref_ret != got_ret || memcmp(ref, got, sizeof(ref)) != 0) {
            bad[ci]++;
            if (reported++ < 10) {
                tap_diag("case %d: fmt \"%s\" stars %d,%d value 0x%llx size %zu: "
                         "expected \"%.*s\" (%d), got \"%.*s\" (%d)", n, fmt,
                         nstar > 0 ? star[0] : 0, nstar > 1 ? star[1] : 0,
                         (unsigned long long)v, size,
                         (int)MIN((size_t)MAX(ref_ret, 0), size), ref, ref_ret,
                         (int)MIN((size_t)MAX(got_ret, 0), size), got, got_ret);
            }
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(convs); i++) {
        tap_check(bad[i] == 0 && cases[i] > 0, "random %%%c: %u cases match snprintf",
                  convs[i].c, cases[i]);
    }
}

/* console_write() stub: capture everything printed. */
static char captured[4096];
static size_t captured_len;
static unsigned int captured_calls;
static unsigned int captured_empty;

void
console_write(const char *s, size_t len)
{
    if (captured_len + len <= sizeof(captured)) {
        memcpy(captured + captured_len, s, len);
    }
    captured_len += len;
    captured_calls++;
    captured_empty += (len == 0);
}

static void
capture_reset(void)
{
    captured_len = 0;
    captured_calls = 0;
    captured_empty = 0;
}

static int
call_kvprintf(const char *fmt, ...)
{
    va_list ap;
    int ret;

    va_start(ap, fmt);
    ret = kvprintf(fmt, ap);
    va_end(ap);
    return ret;
}

static void
test_kprintf(void)
{
    char expect[2048], text[700];
    int ret, len;

    capture_reset();
    ret = kprintf("hello %d\n", 42);
    TAP_CHECK(ret == 9 && captured_len == 9 && memcmp(captured, "hello 42\n", 9) == 0);
    TAP_CHECK(captured_calls == 1);

    capture_reset();
    ret = kprintf("%s", "");
    TAP_CHECK(ret == 0 && captured_calls == 0);

    /* Output much longer than any reasonable chunk: split, never cut. */
    memset(text, 'x', sizeof(text) - 1);
    text[sizeof(text) - 1] = '\0';
    capture_reset();
    len = snprintf(expect, sizeof(expect), "%s|%1000d|%-12s|%llu\n", text, -5,
                   "end", ULLONG_MAX);
    ret = kprintf("%s|%1000d|%-12s|%llu\n", text, -5, "end", ULLONG_MAX);
    TAP_CHECK(len > 1700 && (size_t)len < sizeof(expect));
    tap_check(ret == len && captured_len == (size_t)len
              && memcmp(captured, expect, (size_t)len) == 0,
              "kprintf: %d-byte output arrives whole through console_write", len);
    tap_check(captured_calls > 1 && captured_empty == 0,
              "kprintf: long output split into %u non-empty writes", captured_calls);

    capture_reset();
    ret = call_kvprintf("[%*s][%lld]", -4, "ab", LLONG_MIN);
    len = snprintf(expect, sizeof(expect), "[%*s][%lld]", -4, "ab", LLONG_MIN);
    TAP_CHECK(ret == len && captured_len == (size_t)len
              && memcmp(captured, expect, (size_t)len) == 0);
}

int
main(void)
{
    test_reference_cases();
    test_kernel_choices();
    test_random();
    test_kprintf();
    return tap_done();
}
