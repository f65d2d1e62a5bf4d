/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A program that must die: it allocates 256 MiB (more than the 64 MiB
 * machine it boots on) and writes every page. When no page is left
 * after reclaim, the kernel prints "task 'oom' stopped: out of memory"
 * and terminates the task, giving every page back; the other tasks go
 * on. Marked '-' in tests/boot/configs and checked by that line.
 */
#include "lib/ulib.h"

#define OOM_SIZE        (256u << 20)

int
main(int argc, char **argv, char **envp)
{
    vm_address_t addr = 0;

    (void)argc;
    (void)argv;
    (void)envp;
    tap_plan(1);
    if (syscall_vm_allocate(mach_task_self(), &addr, OOM_SIZE, 1) == KERN_SUCCESS) {
        for (unsigned int off = 0; off < OOM_SIZE; off += 4096) {
            *(volatile unsigned int *)(addr + off) = off;
        }
    }
    tap_ok(false, "256 MiB were written on a 64 MiB machine");
    tap_done();
}
