/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A program that must die: trap number +5 (a positive %eax) is out of
 * GNU Mach's range, an invalid-instruction exception. The task is
 * terminated with an EXC_BAD_INSTRUCTION console line. Marked '-' in
 * tests/boot/configs and checked by that line.
 */
#include "lib/ulib.h"

int
main(int argc, char **argv, char **envp)
{
    (void)argc;
    (void)argv;
    (void)envp;
    tap_plan(1);
    trap_raw(5);
    tap_ok(false, "trap +5 returned");
    tap_done();
}
