/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Issue 13's "done when" program: booted with
 *     mem16 ${host-port} ${device-port} $(task-create) $(task-resume)
 * it sees argv "mem16" "1" "2" (the two send rights, named from 1),
 * allocates 16 MiB with the vm_allocate trap, writes and reads back
 * every page (each write is a zero-fill fault), and ends itself with the
 * task_terminate trap (tap_done).
 */
#include "lib/ulib.h"
#include "lib/mach_traps.h"

#define MEM16_SIZE      (16u << 20)
#define MEM16_PAGE      4096u

int
main(int argc, char **argv, char **envp)
{
    vm_address_t addr = 0;
    kern_return_t kr;
    unsigned int bad = 0;

    (void)envp;
    tap_plan(6);
    tap_ok(argc == 3, "argc is 3 (%d)", argc);
    tap_ok(argc == 3 && strcmp(argv[1], "1") == 0 && strcmp(argv[2], "2") == 0,
           "argv[1] and argv[2] are the names 1 and 2 of the host and device ports");
    kr = syscall_vm_allocate(mach_task_self(), &addr, MEM16_SIZE, 1);
    tap_ok(kr == KERN_SUCCESS, "vm_allocate of 16 MiB anywhere: kr %d at 0x%x",
           kr, (unsigned int)addr);
    if (kr != KERN_SUCCESS) {
        tap_done();
    }
    for (unsigned int off = 0; off < MEM16_SIZE; off += MEM16_PAGE) {
        bad += *(volatile unsigned int *)(addr + off) != 0;
        *(volatile unsigned int *)(addr + off) = off ^ 0x5a5a5a5a;
    }
    tap_ok(bad == 0, "every page reads zero before its first write (%u not)", bad);
    bad = 0;
    for (unsigned int off = 0; off < MEM16_SIZE; off += MEM16_PAGE) {
        bad += *(volatile unsigned int *)(addr + off) != (off ^ 0x5a5a5a5a);
    }
    tap_ok(bad == 0, "every page of the 16 MiB holds what was written (%u not)", bad);
    kr = syscall_vm_deallocate(mach_task_self(), addr, MEM16_SIZE);
    tap_ok(kr == KERN_SUCCESS, "vm_deallocate of the 16 MiB: kr %d", kr);
    tap_done();
}
