/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A program that must die, under PAE with NX: it writes a `ret` into a
 * page allocated read/write (no execute) and calls it. The instruction
 * fetch faults and the task is terminated with EXC_BAD_ACCESS code 2
 * (KERN_PROTECTION_FAILURE). Marked '-' in tests/boot/configs.
 */
#include "lib/ulib.h"

int
main(int argc, char **argv, char **envp)
{
    vm_address_t addr = 0x30000000;

    (void)argc;
    (void)argv;
    (void)envp;
    tap_plan(1);
    if (syscall_vm_allocate(mach_task_self(), &addr, 4096, 0) == KERN_SUCCESS) {
        *(volatile unsigned char *)addr = 0xc3;
        ((void (*)(void))addr)();
    }
    tap_ok(false, "code ran from a read/write page");
    tap_done();
}
