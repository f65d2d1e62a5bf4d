/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host test of the user programs' helpers (tests/user/lib/ulib.c),
 * included with their functions renamed so they do not replace the C
 * library's: the formatter against the host's snprintf on fixed
 * and random conversions, truncation, the string functions against
 * simple expectations, and the exact console lines of the TAP helpers
 * (captured from a fake mach_print).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ulib.c under other names, next to the C library's functions. */
#define strlen u_strlen
#define strcmp u_strcmp
#define memset u_memset
#define memcpy u_memcpy
#define memcmp u_memcmp
#define tap_plan u_tap_plan
#define tap_ok u_tap_ok
#define tap_done u_tap_done
#include "tests/user/lib/ulib.c"
#undef strlen
#undef strcmp
#undef memset
#undef memcpy
#undef memcmp
#undef tap_plan
#undef tap_ok
#undef tap_done
#undef tap_diag

#include "tests/unit/tap.h"

static char printed[4096];
static size_t printed_len;

void
mach_print(const char *s)
{
    printed_len += (size_t)snprintf(printed + printed_len, sizeof(printed) - printed_len, "%s", s);
}

mach_port_t
mach_task_self(void)
{
    return 3;
}

kern_return_t
syscall_task_terminate(mach_port_t task)
{
    (void)task;
    return KERN_SUCCESS;
}

static void
test_format(void)
{
    char mine[64], ref[64];
    static const char *const fmts[] = {
        "%d", "%i", "%u", "%x", "%X", "%5d", "%05d", "%-d", "%08x", "%3u", "%c", "%%",
    };
    unsigned int bad = 0;

    TAP_CHECK(u_snprintf(mine, sizeof(mine), "a%sb%dc%%", "xy", -42) == 9
              && strcmp(mine, "axyb-42c%") == 0);
    TAP_CHECK(u_snprintf(mine, sizeof(mine), "%s|%5s|%ld", (char *)NULL, "ab", 7L) == 14
              && strcmp(mine, "(null)|   ab|7") == 0);
    TAP_CHECK(u_snprintf(mine, sizeof(mine), "%p", (void *)0x1234) == 10
              && strcmp(mine, "0x00001234") == 0);
    TAP_CHECK(u_snprintf(mine, sizeof(mine), "%d %d", -2147483647 - 1, 2147483647) == 22
              && strcmp(mine, "-2147483648 2147483647") == 0);
    TAP_CHECK(u_snprintf(mine, sizeof(mine), "%q%") == 3 && strcmp(mine, "%q%") == 0);
    TAP_CHECK(u_snprintf(mine, 5, "abcdefgh") == 8 && strcmp(mine, "abcd") == 0);
    TAP_CHECK(u_snprintf(mine, 1, "abc") == 3 && mine[0] == '\0');
    mine[0] = 'z';
    TAP_CHECK(u_snprintf(mine, 0, "abc") == 3 && mine[0] == 'z');

    srand(30);
    for (unsigned int i = 0; i < 100000; i++) {
        const char *fmt = fmts[rand() % (int)(sizeof(fmts) / sizeof(fmts[0]))];
        int v = rand() - RAND_MAX / 2;

        if (fmt[1] == '-') {
            continue; /* flags other than '0' are not supported */
        }
        if (fmt[1] == 'c') {
            v = 32 + rand() % 90;
        }
        int n1 = u_snprintf(mine, sizeof(mine), fmt, v);
        int n2 = snprintf(ref, sizeof(ref), fmt, v);
        bad += (n1 != n2 || strcmp(mine, ref) != 0);
    }
    tap_check(bad == 0, "100000 random conversions match the host's snprintf (%u differ)", bad);
}

static void
test_strings(void)
{
    char a[16], b[16];

    TAP_CHECK(u_strlen("") == 0 && u_strlen("abc") == 3);
    TAP_CHECK(u_strcmp("a", "a") == 0 && u_strcmp("a", "b") < 0 && u_strcmp("b", "a") > 0);
    TAP_CHECK(u_strcmp("ab", "a") > 0 && u_strcmp("\xff", "a") > 0);
    TAP_CHECK(u_memset(a, 'x', sizeof(a)) == a && a[0] == 'x' && a[15] == 'x');
    TAP_CHECK(u_memcpy(b, "0123456789abcdef", 16) == b
              && u_memcmp(b, "0123456789abcdef", 16) == 0);
    TAP_CHECK(u_memcmp(a, b, 0) == 0 && u_memcmp("a\x80", "a\x01", 2) > 0);
}

static void
test_tap_lines(void)
{
    u_progname = "hello";
    printed_len = 0;
    u_tap_plan(2);
    TAP_CHECK(u_tap_ok(true, "one %d", 1) == true);
    TAP_CHECK(u_tap_ok(false, "two") == false);
    u_printf("# argv[%d] = \"%s\"", 0, "hello");
    u_printf("%s", "a very long line ................................................"
                   "................................................................"
                   "................................................................"
                   "................................................................");
    const char *expect =
        "user-test hello: 1..2\n"
        "user-test hello: ok 1 - one 1\n"
        "user-test hello: not ok 2 - two\n"
        "user-test hello: # argv[0] = \"hello\"\n";
    size_t n = strlen(expect);
    TAP_CHECK(printed_len > n && memcmp(printed, expect, n) == 0);
    /* The long line is cut to 254 characters plus the newline. */
    TAP_CHECK(printed_len - n == 255 && printed[printed_len - 1] == '\n'
              && memcmp(printed + n, "user-test hello: a very long line", 33) == 0);
}

int
main(void)
{
    test_format();
    test_strings();
    test_tap_lines();
    return tap_done();
}
