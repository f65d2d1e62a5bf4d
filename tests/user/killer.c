/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Preemption of user tasks: booted after a task that spins forever
 * (tests/user/spin.c) with a send right to its task port,
 *     spin $(spin=task-create) $(task-resume)
 *     killer ${spin} $(task-create) $(task-resume)
 * it runs at all only if the spinner is preempted (the boot line has
 * one CPU). It yields a few hundred times, each time coming back, then
 * terminates the spinner through the task_terminate trap.
 */
#include "lib/ulib.h"

int
main(int argc, char **argv, char **envp)
{
    mach_port_t spin;
    kern_return_t kr;

    (void)envp;
    tap_plan(3);
    tap_ok(argc == 2 && strcmp(argv[1], "1") == 0, "the spinner's task port is name 1");
    spin = 1;
    for (int i = 0; i < 300; i++) {
        swtch();
    }
    tap_ok(true, "ran and came back from 300 swtch beside a task that never traps");
    kr = syscall_task_terminate(spin);
    tap_ok(kr == KERN_SUCCESS, "task_terminate of the spinner: %d", kr);
    tap_done();
}
