/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A program that must die: it enters a trap with 4 arguments
 * (vm_allocate) while its stack pointer points into the kernel, so the
 * kernel cannot read the arguments. The task is terminated with an
 * EXC_BAD_ACCESS console line; the kernel and the other tasks go on.
 * Marked '-' in tests/boot/configs and checked by that line.
 */
#include "lib/ulib.h"

int
main(int argc, char **argv, char **envp)
{
    (void)argc;
    (void)argv;
    (void)envp;
    tap_plan(1);
    __asm__ volatile("movl $0xc0001000, %%esp\n\t"
                     "movl $-65, %%eax\n\t"
                     "lcall $7, $0"
                     : : : "eax", "memory");
    tap_ok(false, "a trap with the stack pointer in the kernel returned");
    tap_done();
}
