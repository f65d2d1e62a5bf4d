/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every implemented trap from user mode, with bad input where it has
 * some (issue 13's Tests): the self ports, mach_reply_port, mach_print
 * with a kernel-space and an unmapped pointer, empty and null_port
 * slots, the scheduling traps, vm_allocate/vm_map/vm_deallocate and
 * their errors, task_create/task_suspend/task_terminate of a child,
 * the port traps, and MACH_SEND_INTERRUPTED for a first argument that
 * names no task. Boot line:
 *     traps ${host-port} $(task-create) $(task-resume)
 * Ends with the task_terminate trap.
 */
#include "lib/ulib.h"
#include "lib/mach_traps.h"

#define SEND_INTERRUPTED        0x10000007
#define NOT_A_NAME              0x7777

/*
 * mach_print's result, which the void stub drops: the trap as the stub
 * makes it (the argument above a return-address slot, read at ESP + 4).
 */
static kern_return_t
print_kr(const char *s)
{
    kern_return_t r;

    __asm__ volatile("pushl %2\n\t"
                     "pushl $0\n\t"
                     "lcall $7, $0\n\t"
                     "addl $8, %%esp"
                     : "=a"(r) : "a"(-30), "r"(s) : "memory");
    return r;
}

int
main(int argc, char **argv, char **envp)
{
    mach_port_t self, host, thread, reply, child = 0, name = 0;
    vm_address_t addr;
    kern_return_t kr;

    (void)argc;
    (void)argv;
    (void)envp;
    tap_plan(24);

    self = mach_task_self();
    tap_ok(self != 0 && mach_task_self() == self, "mach_task_self: name %u, stable",
           (unsigned int)self);
    host = mach_host_self();
    tap_ok(host != 0 && host != self, "mach_host_self: name %u", (unsigned int)host);
    thread = mach_thread_self();
    tap_ok(thread != 0 && thread != self && thread != host, "mach_thread_self: name %u",
           (unsigned int)thread);
    reply = mach_reply_port();
    tap_ok(reply != 0 && reply != self && reply != thread, "mach_reply_port: name %u",
           (unsigned int)reply);

    tap_ok(trap_raw(-1) == KERN_INVALID_ARGUMENT, "trap -1 (empty slot) is kern_invalid");
    tap_ok(trap_raw(-10) == 0, "trap -10 (null_port) gives MACH_PORT_NULL");
    tap_ok(trap_raw(-30) == KERN_INVALID_ADDRESS,
           "mach_print of a kernel-space pointer: KERN_INVALID_ADDRESS");
    kr = print_kr((const char *)0xc0100000);
    tap_ok(kr == KERN_INVALID_ADDRESS, "mach_print(0xc0100000): %d", kr);
    kr = print_kr((const char *)0x70000000);
    tap_ok(kr == KERN_INVALID_ADDRESS, "mach_print of an unmapped pointer: %d", kr);

    swtch();
    swtch_pri(0);
    tap_ok(thread_switch(0, 0, 0) == KERN_SUCCESS, "swtch, swtch_pri, thread_switch return");

    addr = 0x40000000;
    kr = syscall_vm_allocate(self, &addr, 0x3000, 0);
    tap_ok(kr == KERN_SUCCESS && addr == 0x40000000, "vm_allocate fixed: %d", kr);
    *(volatile int *)(addr + 0x2ffc) = 7;
    tap_ok(*(volatile int *)(addr + 0x2ffc) == 7, "the fixed range is usable");
    kr = syscall_vm_allocate(self, &addr, 0x1000, 0);
    tap_ok(kr == KERN_NO_SPACE, "vm_allocate over it: KERN_NO_SPACE (%d)", kr);
    addr = 0xbfff0000;
    kr = syscall_vm_allocate(self, &addr, 0x20000, 0);
    tap_ok(kr != KERN_SUCCESS, "vm_allocate across the top of user space fails (%d)", kr);
    addr = 0;
    kr = syscall_vm_allocate(self, &addr, 0xf0000000u, 1);
    tap_ok(kr == KERN_NO_SPACE, "vm_allocate beyond the address space: KERN_NO_SPACE (%d)", kr);
    addr = 0x50000000;
    kr = syscall_vm_map(self, &addr, 0x2000, 0, 0, 0, 0, 0, 1, 7, 1);
    tap_ok(kr == KERN_SUCCESS && addr == 0x50000000, "vm_map of anonymous memory: %d", kr);
    kr = syscall_vm_deallocate(self, 0x40000000, 0x3000);
    tap_ok(kr == KERN_SUCCESS, "vm_deallocate: %d", kr);

    tap_ok(syscall_vm_allocate(NOT_A_NAME, &addr, 0x1000, 1) == SEND_INTERRUPTED,
           "vm_allocate on a name that is no task: MACH_SEND_INTERRUPTED");
    tap_ok(syscall_task_terminate(host) == SEND_INTERRUPTED,
           "task_terminate of the host port: MACH_SEND_INTERRUPTED");

    kr = syscall_task_create(self, 0, &child);
    tap_ok(kr == KERN_SUCCESS && child != 0, "task_create: %d, child %u", kr,
           (unsigned int)child);
    kr = syscall_task_suspend(child);
    tap_ok(kr == KERN_SUCCESS, "task_suspend of the child: %d", kr);
    kr = syscall_task_terminate(child);
    tap_ok(kr == KERN_SUCCESS, "task_terminate of the child: %d", kr);

    kr = syscall_mach_port_allocate(self, 1 /* MACH_PORT_RIGHT_RECEIVE */, &name);
    tap_ok(kr == KERN_SUCCESS && name != 0, "mach_port_allocate: %d, name %u", kr,
           (unsigned int)name);
    kr = syscall_mach_port_deallocate(self, NOT_A_NAME);
    tap_ok(kr == KERN_INVALID_NAME, "mach_port_deallocate of no name: KERN_INVALID_NAME (%d)",
           kr);
    tap_done();
}
