/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A deliberately small line-oriented shell: read a line with echo and
 * backspace, split it on blanks, look the first word up in the .shell_cmds
 * section. Input that does not fit in the line buffer is refused as it
 * is typed (with a message), and a line that refused input is dropped as
 * a whole at Enter, never cut and run; the serial driver holds input back
 * rather than drop it, so a paste longer than any buffer arrives intact.
 */
#include <stdbool.h>
#include <stddef.h>

#include <kern/clock.h>
#include <kern/console.h>
#include <kern/error.h>
#include <kern/printf.h>
#include <kern/shell.h>
#include <kern/string.h>
#include <machine/machine.h>

#define SHELL_LINE_MAX          256
#define SHELL_ARGS_MAX          16
#define SHELL_PROMPT            "mach> "

extern const struct shell_cmd __shell_cmds_start[], __shell_cmds_end[];

int
shell_exec(char *line)
{
    char *argv[SHELL_ARGS_MAX + 1];
    int argc = 0;

    for (char *p = line; *p != '\0';) {
        while (*p == ' ' || *p == '\t') {
            *p++ = '\0';
        }
        if (*p == '\0') {
            break;
        }
        if (argc == SHELL_ARGS_MAX) {
            printf("shell: too many arguments (at most %d)\n", SHELL_ARGS_MAX);
            return ERROR_TOOBIG;
        }
        argv[argc++] = p;
        while (*p != '\0' && *p != ' ' && *p != '\t') {
            p++;
        }
    }
    if (argc == 0) {
        return ERROR_INVAL;
    }
    argv[argc] = NULL;
    for (const struct shell_cmd *c = __shell_cmds_start; c < __shell_cmds_end; c++) {
        if (strcmp(c->name, argv[0]) == 0) {
            c->fn(argc, argv);
            return 0;
        }
    }
    printf("shell: unknown command '%s' (try 'help')\n", argv[0]);
    return ERROR_NOENT;
}

/*
 * Read one line with echo and editing. A character that does not fit is
 * refused, not stored: the first one prints a message and the line again.
 * Enter on a line that refused input (and was not edited since) drops
 * the line, returning false; erasing makes it an ordinary line again,
 * since what is on the screen is then exactly what is in the buffer.
 */
static bool
shell_read_line(char *buf, size_t size)
{
    size_t len = 0;
    bool refused = false;

    for (;;) {
        int c = console_getc();

        if (c == '\r' || c == '\n') {
            printf("\n");
            buf[len] = '\0';
            return !refused;
        } else if (c == '\b' || c == 0x7f) {
            if (len > 0) {
                len--;
                printf("\b \b");
            }
            refused = false;
        } else if (c == 0x15) {                 /* ^U: kill line */
            while (len > 0) {
                len--;
                printf("\b \b");
            }
            refused = false;
        } else if (c >= ' ' && c < 0x7f) {
            if (len + 1 < size) {
                buf[len++] = c;
                printf("%c", c);
            } else if (!refused) {
                refused = true;
                buf[len] = '\0';
                printf("\nshell: line full (at most %zu characters), further input refused; "
                       "erase, or press Enter to drop the line\n" SHELL_PROMPT "%s",
                       size - 1, buf);
            }
        }
    }
}

void
shell_run(void)
{
    static char line[SHELL_LINE_MAX];

    printf("shell: type 'help' for commands\n");
    for (;;) {
        printf(SHELL_PROMPT);
        if (!shell_read_line(line, sizeof(line))) {
            printf("shell: line too long (at most %d characters), ignored\n",
                   SHELL_LINE_MAX - 1);
            continue;
        }
        shell_exec(line);
    }
}

static void
shell_cmd_help_fn(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    for (const struct shell_cmd *c = __shell_cmds_start; c < __shell_cmds_end; c++) {
        printf("  %-14s %-12s %s\n", c->name, c->usage, c->help);
    }
}

static void
shell_cmd_halt_fn(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("halting\n");
    machine_halt();
}

static void
shell_cmd_reboot_fn(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("rebooting\n");
    machine_reboot();
}

static void
shell_cmd_uptime_fn(int argc, char **argv)
{
    uint64_t ticks = clock_ticks();

    (void)argc;
    (void)argv;
    printf("up %llu.%02llu s (%llu ticks at %d Hz)\n", ticks / CLOCK_HZ,
           ticks % CLOCK_HZ, ticks, CLOCK_HZ);
}

SHELL_CMD_DEFINE(help, "", "list commands", shell_cmd_help_fn);
SHELL_CMD_DEFINE(halt, "", "power off (ends QEMU)", shell_cmd_halt_fn);
SHELL_CMD_DEFINE(reboot, "", "reset the machine", shell_cmd_reboot_fn);
SHELL_CMD_DEFINE(uptime, "", "time since the timer started", shell_cmd_uptime_fn);
