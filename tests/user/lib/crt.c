/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * C start code of the user test programs: c_start() reads argc, argv and
 * envp from the block the kernel built (MACH-ABI.md §4.4), names the
 * program after argv[0], runs main() and ends the task with tap_done().
 */
#include <stddef.h>

#include "ulib.h"

int main(int argc, char **argv, char **envp);

/* Called by _start with the address of argc. */
void c_start(void **argp) __attribute__((noreturn));

void
c_start(void **argp)
{
    int argc = (int)(size_t)argp[0];
    char **argv = (char **)&argp[1];
    char **envp = argv + argc + 1;

    if (argc > 0 && argv[0] != NULL) {
        u_progname = argv[0];
    }
    main(argc, argv, envp);
    tap_done();
}
