/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Console multiplexer. Output fans out to the enabled devices; serial
 * output turns "\n" into "\r\n" so terminals and logs read the same.
 * Both devices are enabled from the start, so messages printed before the
 * command line is parsed are not lost; console_setup() then narrows the
 * set to what `console=` asks for.
 */
#include <stdbool.h>
#include <stddef.h>

#include <i386/cpu.h>
#include <i386/serial.h>
#include <i386/vga.h>
#include <kern/cmdline.h>
#include <kern/console.h>
#include <kern/printf.h>
#include <kern/string.h>

static bool console_serial = true;
static bool console_vga = true;

void
console_write(const char *s, size_t len)
{
    if (console_serial) {
        size_t start = 0;

        for (size_t i = 0; i < len; i++) {
            if (s[i] == '\n') {
                serial_write(s + start, i - start);
                serial_write("\r\n", 2);
                start = i + 1;
            }
        }
        serial_write(s + start, len - start);
    }
    if (console_vga) {
        vga_write(s, len);
    }
}

void
console_setup(void)
{
    const char *value = cmdline_get("console");
    bool serial = false, vga = false;

    if (value == NULL) {
        return;
    }
    while (*value != '\0') {
        size_t len = strcspn(value, ",");

        /* com0 is GNU Mach's name for the first serial port. */
        if (len == 4 && (strncmp(value, "com1", 4) == 0 || strncmp(value, "com0", 4) == 0)) {
            serial = true;
        } else if (len == 3 && strncmp(value, "vga", 3) == 0) {
            vga = true;
        } else if (len > 0) {
            printf("console: unknown device '%.*s' ignored\n", (int)len, value);
        }
        value += len;
        if (*value == ',') {
            value++;
        }
    }
    if (!serial && !vga) {
        printf("console: no known device in console=, keeping com1,vga\n");
        return;
    }
    console_serial = serial;
    console_vga = vga;
}

int
console_getc(void)
{
    int c;

    while ((c = serial_getc()) < 0) {
        cpu_idle();
    }
    return c;
}
