/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Several tasks at the same virtual addresses: each copy allocates
 * 1 MiB at the fixed address 0x10000000, fills it with a pattern made
 * from its argv[1], and checks it again and again between swtch calls
 * while its siblings (other copies, other patterns) run on the other
 * CPUs: a page or TLB entry of one task seen by another shows up as a
 * wrong word. Boot lines: "samevm NAME KEY $(task-create) $(task-resume)".
 */
#include "lib/ulib.h"

#define SAMEVM_BASE     0x10000000u
#define SAMEVM_SIZE     (1u << 20)
#define SAMEVM_ROUNDS   20

int
main(int argc, char **argv, char **envp)
{
    vm_address_t addr = SAMEVM_BASE;
    unsigned int key = 0, bad = 0;
    kern_return_t kr;

    (void)envp;
    tap_plan(3);
    for (const char *p = argc > 1 ? argv[1] : ""; *p != '\0'; p++) {
        key = key * 31 + (unsigned char)*p;
    }
    kr = syscall_vm_allocate(mach_task_self(), &addr, SAMEVM_SIZE, 0);
    tap_ok(kr == KERN_SUCCESS && addr == SAMEVM_BASE, "1 MiB at 0x%x: %d", SAMEVM_BASE, kr);
    if (kr != KERN_SUCCESS) {
        tap_done();
    }
    for (unsigned int off = 0; off < SAMEVM_SIZE; off += 64) {
        *(volatile unsigned int *)(addr + off) = key ^ off;
    }
    for (int round = 0; round < SAMEVM_ROUNDS; round++) {
        for (unsigned int off = 0; off < SAMEVM_SIZE; off += 64) {
            bad += *(volatile unsigned int *)(addr + off) != (key ^ off);
        }
        swtch();
    }
    tap_ok(bad == 0, "%d rounds: every word is this task's (%u not)", SAMEVM_ROUNDS, bad);
    tap_ok(syscall_vm_deallocate(mach_task_self(), addr, SAMEVM_SIZE) == KERN_SUCCESS,
           "vm_deallocate");
    tap_done();
}
