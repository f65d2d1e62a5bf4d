/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host test of kern/console.c: devices register themselves and the
 * console names none. Three fake devices log what they receive; each
 * scenario parses a command line, applies console= and checks which
 * devices got the output, in which order, and the console's own
 * messages (they go through the real kprintf, so they reach the devices
 * enabled at that moment). Input comes from whichever device has some.
 *
 * console.mk renames the kernel's printf family on the command line;
 * this file undoes it for its own text, as test_printf.c does.
 */
#undef vsnprintf
#undef snprintf
#undef vprintf
#undef printf

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <kern/cmdline.h>
#include <kern/console.h>
#include <kern/macros.h>
#include "tests/unit/tap.h"

int kprintf(const char *fmt, ...) __format_printf(1, 2);

/* Everything written, as "NAME:TEXT|" records in arrival order. */
static char test_log[4096];

/* Pending input per device. */
static const char *test_input_com1 = "";
static const char *test_input_late = "";

static void
test_log_add(const char *name, const char *s, size_t len)
{
    size_t used = strlen(test_log);

    snprintf(test_log + used, sizeof(test_log) - used, "%s:%.*s|", name, (int)len, s);
}

static void test_com1_write(const char *s, size_t len) { test_log_add("com1", s, len); }
static void test_vga_write(const char *s, size_t len) { test_log_add("vga", s, len); }
static void test_late_write(const char *s, size_t len) { test_log_add("late", s, len); }

static int
test_getc_from(const char **input)
{
    return **input != '\0' ? (unsigned char)*(*input)++ : -1;
}

static int test_com1_getc(void) { return test_getc_from(&test_input_com1); }
static int test_late_getc(void) { return test_getc_from(&test_input_late); }

static struct console_dev test_com1 = { .name = "com1", .write = test_com1_write,
                                        .getc = test_com1_getc };
static struct console_dev test_vga = { .name = "vga", .write = test_vga_write };
static struct console_dev test_late = { .name = "late", .write = test_late_write,
                                        .getc = test_late_getc };

/* Apply console=value (NULL: no console= at all), then write "x". */
static void
test_setup_and_write(const char *line)
{
    cmdline_parse(line);
    test_log[0] = '\0';
    console_setup();
    console_write("x", 1);
}

static bool
log_is(const char *expect)
{
    if (strcmp(test_log, expect) != 0) {
        tap_diag("log \"%s\", expected \"%s\"", test_log, expect);
        return false;
    }
    return true;
}

static void
test_output(void)
{
    console_register(&test_com1);
    console_register(&test_vga);
    TAP_CHECK(test_com1.enabled && test_vga.enabled);

    test_log[0] = '\0';
    console_write("ab\n", 3);
    tap_check(log_is("com1:ab\n|vga:ab\n|"),
              "a write reaches every device, in registration order, bytes unchanged");

    test_log[0] = '\0';
    kprintf("n=%d\n", 42);
    tap_check(strstr(test_log, "com1:n=42\n|") != NULL && strstr(test_log, "vga:n=42\n|") != NULL,
              "printf output reaches every device");

    test_setup_and_write("quiet");
    tap_check(log_is("com1:x|vga:x|"), "no console=: every device stays enabled");

    test_setup_and_write("console=vga");
    tap_check(log_is("vga:x|"), "console=vga: vga only");

    test_setup_and_write("console=com1,vga");
    tap_check(log_is("com1:x|vga:x|"), "console=com1,vga: both again");

    test_setup_and_write("console=bogus,com1");
    tap_check(log_is("com1:console: unknown device 'bogus' ignored\n|"
                     "vga:console: unknown device 'bogus' ignored\n|com1:x|"),
              "console=bogus,com1: unknown name reported, com1 only");

    test_setup_and_write("console=nothing,none");
    tap_check(strstr(test_log, "com1:console: unknown device 'nothing' ignored\n|") != NULL
              && strstr(test_log, "unknown device 'none' ignored") != NULL
              && strstr(test_log, "com1:console: no known device in console=, keeping all\n|")
              && strstr(test_log, "vga:x|") == NULL && strstr(test_log, "com1:x|") != NULL,
              "console= naming no device: reported, the enabled set unchanged");

    test_setup_and_write("console=,vga,,");
    tap_check(log_is("vga:x|"), "console=,vga,,: empty items skipped silently, vga only");

    console_register(&test_late);
    test_setup_and_write("console=late,com1");
    tap_check(log_is("com1:x|late:x|"),
              "a late device: enabled by name, written after the earlier ones");
}

static void
test_input(void)
{
    int a, b, c;

    test_input_com1 = "hi";
    test_input_late = "z";
    a = console_getc();
    b = console_getc();
    c = console_getc();
    tap_check(a == 'h' && b == 'i' && c == 'z',
              "input: com1 first while it has some, then the next device with input");

    test_input_late = "q";
    cmdline_parse("console=vga");
    console_setup();
    tap_check(console_getc() == 'q', "input comes from a device console= disabled too");

    test_input_com1 = "k";
    test_input_late = "";
    a = console_trygetc();
    b = console_trygetc();
    test_input_late = "w";
    c = console_trygetc();
    tap_check(a == 'k' && b == -1 && c == 'w',
              "trygetc: a pending byte, -1 at once without one, then the next device's");
}

int
main(void)
{
    test_output();
    test_input();
    return tap_done();
}
