/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A task that keeps working while another (oom) eats all memory: round
 * after round it allocates 64 KiB, writes and checks every word, and
 * deallocates it. When memory runs out, the kernel must stop the task
 * holding the most (oom), not this one, whichever of the two faulted
 * (doc/vm.md, out-of-memory policy). Boot config user-oom-worker.
 */
#include "lib/ulib.h"

#define WORKER_SIZE     (64u * 1024)
#define WORKER_ROUNDS   3000

int
main(int argc, char **argv, char **envp)
{
    unsigned int bad = 0, failed = 0;

    (void)argc, (void)argv, (void)envp;
    tap_plan(1);
    for (unsigned int r = 0; r < WORKER_ROUNDS; r++) {
        vm_address_t addr = 0;
        volatile unsigned int *p;

        if (syscall_vm_allocate(mach_task_self(), &addr, WORKER_SIZE, 1) != KERN_SUCCESS) {
            failed++;
            continue;
        }
        p = (volatile unsigned int *)addr;
        for (unsigned int i = 0; i < WORKER_SIZE / 4; i += 64) {
            p[i] = r ^ i;
        }
        for (unsigned int i = 0; i < WORKER_SIZE / 4; i += 64) {
            bad += p[i] != (r ^ i);
        }
        failed += syscall_vm_deallocate(mach_task_self(), addr, WORKER_SIZE) != KERN_SUCCESS;
        swtch();
    }
    tap_ok(bad == 0 && failed == 0, "%u rounds of 64 KiB while another task ate memory: "
           "%u calls failed, %u words wrong", WORKER_ROUNDS, failed, bad);
    tap_done();
}
