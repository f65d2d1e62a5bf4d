/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A program that must die: it writes to address 0, which no map entry
 * covers. The kernel terminates its task with one console line
 * ("exception: task 'nullwrite' ... EXC_BAD_ACCESS ...") and goes on; its
 * boot line is marked '-' in tests/boot/configs and checked by that
 * line. If the write ever succeeded, the program says so and fails.
 */
#include "lib/ulib.h"

int
main(int argc, char **argv, char **envp)
{
    (void)argc;
    (void)argv;
    (void)envp;
    tap_plan(1);
    *(volatile unsigned int *)0 = 1;
    tap_ok(false, "the write to address 0 did not fault");
    tap_done();
}
