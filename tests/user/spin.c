/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A program that never ends by itself: it spins without a trap. The
 * kernel must preempt it so that the other tasks run (on one CPU too);
 * tests/user/killer.c terminates it. Marked '-' in tests/boot/configs.
 */
#include "lib/ulib.h"

int
main(int argc, char **argv, char **envp)
{
    (void)argc;
    (void)argv;
    (void)envp;
    u_printf("# spinning");
    for (;;) {
        __asm__ volatile("" : : : "memory");
    }
}
