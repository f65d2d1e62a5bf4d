/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Mach trap stubs of the user test programs: every trap of MACH-ABI.md
 * §1.4 (the nw_* slots -80..-95 are empty in the kernel's table and
 * left out). Each stub is exactly
 *
 *     movl $-N, %eax ; lcall $7, $0 ; ret      b8 XX XX XX XX 9a 00 00 00 00 07 00 c3
 *
 * so the arguments the C caller pushed are at the user ESP + 4 that the
 * kernel reads them from, and the result comes back in %eax.
 * tests/user/check-stubs verifies the bytes of every stub.
 *
 * trap_raw(n) enters the kernel with %eax = n as given (for tests of bad
 * trap numbers); the kernel then sees n itself as its first argument.
 */
#define TRAP(name, number)              \
    .globl name;                        \
    .type name, @function;              \
name:                                   \
    movl $-(number), %eax;              \
    lcall $7, $0;                       \
    ret;                                \
    .size name, . - name

    .text
TRAP(evc_wait, 17)
TRAP(evc_wait_clear, 18)
TRAP(mach_msg_trap, 25)
TRAP(mach_reply_port, 26)
TRAP(mach_thread_self, 27)
TRAP(mach_task_self, 28)
TRAP(mach_host_self, 29)
TRAP(mach_print, 30)
TRAP(syscall_device_writev_request, 39)
TRAP(syscall_device_write_request, 40)
TRAP(swtch_pri, 59)
TRAP(swtch, 60)
TRAP(thread_switch, 61)
TRAP(syscall_vm_map, 64)
TRAP(syscall_vm_allocate, 65)
TRAP(syscall_vm_deallocate, 66)
TRAP(syscall_task_create, 68)
TRAP(syscall_task_terminate, 69)
TRAP(syscall_task_suspend, 70)
TRAP(syscall_task_set_special_port, 71)
TRAP(syscall_mach_port_allocate, 72)
TRAP(syscall_mach_port_deallocate, 73)
TRAP(syscall_mach_port_insert_right, 74)
TRAP(syscall_mach_port_allocate_name, 75)
TRAP(syscall_thread_depress_abort, 76)
TRAP(thread_set_self_state, 77)

    .globl trap_raw
    .type trap_raw, @function
trap_raw:
    movl 4(%esp), %eax
    lcall $7, $0
    ret
    .size trap_raw, . - trap_raw

    .section .note.GNU-stack, "", @progbits
