/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The serial-console shell.
 *
 * Commands are registered with SHELL_CMD_DEFINE() next to the code they
 * inspect; the shell lists them with `help`.
 */
#ifndef KERN_SHELL_H
#define KERN_SHELL_H

#include <kern/macros.h>

struct shell_cmd {
    const char *name;
    const char *usage;          /* arguments, "" when none */
    const char *help;           /* one line */
    void (*fn)(int argc, char **argv);
};

#define SHELL_CMD_DEFINE(cname, cusage, chelp, cfn)                         \
    static const struct shell_cmd shell_cmd_##cname __used                  \
        __section(".shell_cmds") __aligned(4) =                             \
        { .name = #cname, .usage = (cusage), .help = (chelp), .fn = (cfn) }

/* Read and run commands from the console forever. */
void shell_run(void) __noreturn;

/*
 * Run one command line (split on blanks). Prints an error for an unknown
 * command or too many arguments. Returns 0 when a command ran, else
 * ERROR_INVAL (empty line), ERROR_TOOBIG (too many arguments) or
 * ERROR_NOENT (unknown command).
 */
int shell_exec(char *line);

#endif /* KERN_SHELL_H */
