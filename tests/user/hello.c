/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The first user program: prints its arguments through mach_print and
 * checks the argument block the kernel built (MACH-ABI.md §4.4): argv
 * ends with NULL, envp (empty for boot-script tasks) too, and the first
 * string follows envp's NULL at once, as glibc's _hurd_startup expects.
 * Then it ends with the task_terminate trap (tap_done). Boot line:
 *     hello ${host-port} ${device-port} $(task-create) $(task-resume)
 * which gives argv "hello" "1" "2".
 */
#include "lib/ulib.h"

int
main(int argc, char **argv, char **envp)
{
    int envc = 0;

    tap_plan(4);
    for (int i = 0; i < argc; i++) {
        tap_diag("argv[%d] = \"%s\"", i, argv[i]);
    }
    while (envp[envc] != NULL) {
        envc++;
    }
    tap_ok(argc >= 1, "argc is %d", argc);
    tap_ok(argv[argc] == NULL, "argv[argc] is NULL");
    tap_ok(argc < 1 || (char *)&envp[envc + 1] == argv[0],
           "the strings start right after envp's NULL");
    tap_ok(((size_t)argv & 3) == 0, "the argument block is 4-aligned");
    return 0;
}
